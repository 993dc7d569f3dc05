"""GetStream: one stream with its etag, in any state: a deleted stream stays readable as
``DELETED`` (its data gone); 404 if unknown."""

from __future__ import annotations

from ..service import Service
from .results import Fetched


def get_stream(svc: Service, stream_id: str) -> Fetched:
    stream = svc.stream(stream_id)
    return Fetched(stream.to_wire(svc.messages_endpoint()), stream.etag)
