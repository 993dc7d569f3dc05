"""Stream rules shared by the stream administration operations.

* A DELETING or DELETED stream cannot be changed: 404, as if unknown.
* An ``if_match`` (the caller's etag) other than ``*`` must equal the stream's current etag,
  else 412 NoEtagMatch; every change gives the stream a new etag.
"""

from __future__ import annotations

from .. import errors
from ..service import DELETED_STATES, Service
from ..store import Stream


def live_stream(svc: Service, stream_id: str, if_match: str | None = None) -> Stream:
    stream = svc.stream(stream_id)
    if stream.lifecycle_state in DELETED_STATES:
        raise errors.stream_not_found(stream_id)
    if if_match and if_match != "*" and if_match != stream.etag:
        raise errors.etag_mismatch(f"stream {stream.id}")
    return stream
