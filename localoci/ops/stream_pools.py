"""Stream pools: CreateStreamPool, GetStreamPool, ListStreamPools, UpdateStreamPool,
DeleteStreamPool.  Each compartment gets a ``DefaultPool`` on first use (Kafka auto-create
off, 24 h, 1 partition, as a real tenancy's); it cannot be deleted.  Deleting a pool deletes
its streams."""

from __future__ import annotations

from .. import errors
from ..ids import new_ocid
from ..service import DELETED_STATES, Service
from ..store import StreamPool
from ._validate import get_str, get_tags, query_int, require_object
from .work_requests import new_work_request

DEFAULT_KAFKA = {"autoCreateTopicsEnable": False, "logRetentionHours": 24, "numPartitions": 1}


def ensure_default_pool(svc: Service, compartment_id: str) -> StreamPool:
    """The compartment's DefaultPool (inside a transaction)."""
    pool = svc.store.default_pool(compartment_id)
    if pool is None:
        now = svc.clock.now_ms()
        pool = StreamPool(new_ocid("streampool"), compartment_id, "DefaultPool", True, "ACTIVE", now, now,
                          dict(DEFAULT_KAFKA))
        svc.store.insert_pool(pool)
    return pool


def _settle(svc: Service, pool: StreamPool) -> StreamPool:
    if pool.lifecycle_state in ("CREATING", "UPDATING", "DELETING") and svc.clock.now_ms() >= pool.ready_at:
        pool.lifecycle_state = "DELETED" if pool.lifecycle_state == "DELETING" else "ACTIVE"
        with svc.store.tx():
            svc.store.update_pool(pool)
    return pool


def _pool(svc: Service, pool_id: str) -> StreamPool:
    pool = svc.store.find_pool(pool_id)
    if pool is None:
        raise errors.not_found("stream pool", pool_id)
    return _settle(svc, pool)


def _kafka(body: dict) -> dict:
    ks = body.get("kafkaSettings")
    if ks is None:
        return dict(DEFAULT_KAFKA)
    if not isinstance(ks, dict):
        raise errors.invalid_parameter("'kafkaSettings' must be an object.")
    if ks.get("autoCreateTopicsEnable") is not None and not isinstance(ks["autoCreateTopicsEnable"], bool):
        raise errors.invalid_parameter("'kafkaSettings.autoCreateTopicsEnable' must be true or false.")
    for name, lo, hi in (("logRetentionHours", 24, 168), ("numPartitions", 1, 200)):
        value = ks.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi):
            raise errors.invalid_parameter(f"'kafkaSettings.{name}' must be an integer from {lo} to {hi}; got {value!r}.")
    known = ("autoCreateTopicsEnable", "logRetentionHours", "numPartitions")
    return {**DEFAULT_KAFKA, **{k: ks[k] for k in known if ks.get(k) is not None}}


def create_stream_pool(svc: Service, body: object) -> tuple[dict, dict]:
    body = require_object(body, "CreateStreamPoolDetails")
    compartment = get_str(body, "compartmentId", required=True)
    name = get_str(body, "name", required=True)
    now = svc.clock.now_ms()
    pool = StreamPool(new_ocid("streampool"), compartment, name, False, "CREATING", now,
                      now + svc.config.ready_delay_ms, _kafka(body),
                      get_tags(body, "freeformTags") or {}, get_tags(body, "definedTags") or {})
    with svc.store.tx():
        svc.store.insert_pool(pool)
        wr = new_work_request(svc, "CREATE_STREAM_POOL", pool, "CREATED")
    return pool.to_wire(svc.base_url), {"opc-work-request-id": wr}


def get_stream_pool(svc: Service, pool_id: str) -> dict:
    return _pool(svc, pool_id).to_wire(svc.base_url)


def list_stream_pools(svc: Service, query: dict) -> tuple[list[dict], str | None]:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    limit = query_int(query, "limit", 1, 50, default=10)
    start = query_int(query, "page", 0, 10**9, default=0)
    with svc.store.tx():
        ensure_default_pool(svc, compartment)
    pools = [_settle(svc, p) for p in svc.store.list_pools(compartment)]
    pools = [
        p for p in pools
        if (not query.get("id") or p.id == query["id"])
        and (not query.get("name") or p.name == query["name"])
        and (not query.get("lifecycleState") or p.lifecycle_state == query["lifecycleState"].upper())
    ]
    pools.sort(key=lambda p: (p.time_created, p.name), reverse=(query.get("sortOrder") or "DESC").upper() == "DESC")
    page = pools[start:start + limit]
    more = start + limit < len(pools)
    return [p.to_wire(svc.base_url, summary=True) for p in page], (str(start + limit) if more else None)


def update_stream_pool(svc: Service, pool_id: str, body: object) -> tuple[dict, dict]:
    body = require_object(body, "UpdateStreamPoolDetails")
    pool = _pool(svc, pool_id)
    if pool.lifecycle_state in DELETED_STATES:
        raise errors.not_found("stream pool", pool_id)
    if body.get("name") is not None:
        pool.name = get_str(body, "name", required=True)
    if body.get("kafkaSettings") is not None:
        pool.kafka_settings = _kafka(body)
    if body.get("freeformTags") is not None:
        pool.freeform_tags = get_tags(body, "freeformTags")
    with svc.store.tx():
        svc.store.update_pool(pool)
        wr = new_work_request(svc, "UPDATE_STREAM_POOL", pool, "UPDATED")
    return pool.to_wire(svc.base_url), {"opc-work-request-id": wr}


def delete_stream_pool(svc: Service, pool_id: str) -> dict:
    pool = _pool(svc, pool_id)
    if pool.lifecycle_state in DELETED_STATES:
        raise errors.not_found("stream pool", pool_id)
    if pool.is_default:
        raise errors.conflict("The default stream pool of a compartment cannot be deleted.")
    with svc.store.tx():
        for s in svc.store.all_streams():
            if s.stream_pool_id == pool.id and s.lifecycle_state not in DELETED_STATES:
                s.lifecycle_state = "DELETED"
                svc.store.update_stream(s)
                svc.store.drop_stream_data(s.id)
        pool.lifecycle_state = "DELETING"
        pool.ready_at = svc.clock.now_ms() + svc.config.ready_delay_ms
        svc.store.update_pool(pool)
        wr = new_work_request(svc, "DELETE_STREAM_POOL", pool, "DELETED")
    return {"opc-work-request-id": wr}
