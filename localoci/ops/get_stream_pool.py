"""GetStreamPool: one pool, in any state (DELETED pools stay readable); 404 if unknown."""

from __future__ import annotations

from ..service import Service
from ._pools import find


def get_stream_pool(svc: Service, pool_id: str) -> dict:
    return find(svc, pool_id).to_wire(svc.messages_endpoint())
