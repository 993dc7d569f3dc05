"""DeleteStreamPool: the pool goes DELETING, then DELETED; its streams are DELETED at once.

A compartment's DefaultPool cannot be deleted (409 Conflict); an unknown or already deleted
pool is 404; an ``if_match`` that is not the pool's etag is 412.
"""

from __future__ import annotations

from .. import errors
from ..service import DELETED_STATES, Service
from ._pools import live, new_etag
from ._work_requests import new_work_request
from .results import Accepted


def delete_stream_pool(svc: Service, pool_id: str, if_match: str | None = None) -> Accepted:
    pool = live(svc, pool_id, if_match)
    if pool.is_default:
        raise errors.conflict("The default stream pool of a compartment cannot be deleted.")
    with svc.store.tx():
        for s in svc.store.all_streams():
            if s.stream_pool_id == pool.id and s.lifecycle_state not in DELETED_STATES:
                s.lifecycle_state = "DELETED"
                svc.store.update_stream(s)
                svc.store.drop_stream_data(s.id)
        pool.lifecycle_state = "DELETING"
        pool.etag = new_etag()
        pool.ready_at = svc.clock.now_ms() + svc.config.ready_delay_ms
        svc.store.update_pool(pool)
        wr = new_work_request(svc, "DELETE_STREAM_POOL", pool, "DELETED")
    return Accepted(wr)
