"""UpdateStreamPool: rename a pool, change its ``kafkaSettings`` or freeform tags.

A DELETING or DELETED pool is 404; an ``if_match`` that is not the pool's etag is 412.
Answers the pool with a work request and its new etag.
"""

from __future__ import annotations

from ..service import Service
from ._pools import kafka_settings, live, new_etag
from ._validate import get_str, get_tags, require_object
from ._work_requests import new_work_request
from .results import Updated


def update_stream_pool(
    svc: Service, pool_id: str, body: object, if_match: str | None = None
) -> Updated:
    body = require_object(body, "UpdateStreamPoolDetails")
    pool = live(svc, pool_id, if_match)
    if body.get("name") is not None:
        pool.name = get_str(body, "name", required=True)
    if body.get("kafkaSettings") is not None:
        pool.kafka_settings = kafka_settings(body)
    if (freeform := get_tags(body, "freeformTags")) is not None:
        pool.freeform_tags = freeform
    pool.etag = new_etag()
    with svc.store.tx():
        svc.store.update_pool(pool)
        wr = new_work_request(svc, "UPDATE_STREAM_POOL", pool, "UPDATED")
    return Updated(
        pool.to_wire(svc.messages_endpoint(), bootstrap_servers=svc.kafka_bootstrap), wr, pool.etag
    )
