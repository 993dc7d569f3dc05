"""GetStreamPool: one pool with its etag, in any state (DELETED pools stay readable); 404 if
unknown."""

from __future__ import annotations

from ..service import Service
from ._pools import find
from .results import Fetched


def get_stream_pool(svc: Service, pool_id: str) -> Fetched:
    pool = find(svc, pool_id)
    return Fetched(
        pool.to_wire(svc.messages_endpoint(), bootstrap_servers=svc.kafka_bootstrap), pool.etag
    )
