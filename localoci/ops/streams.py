"""Stream administration: CreateStream, GetStream, ListStreams, UpdateStream, DeleteStream,
ChangeStreamCompartment.

Rules:

* ``name`` (1..255 chars) is unique among the live streams of its stream pool (409 Conflict).
* ``partitions`` 1..200 and ``retentionInHours`` 24..168 (default 24) are fixed at creation;
  all live streams together hold at most 200 partitions (400 LimitExceeded) while limits are on.
* ``compartmentId`` xor ``streamPoolId``; with a compartment the stream goes into that
  compartment's ``DefaultPool``, made on first use.
* Create answers ``CREATING`` (200, as the real service did) with an ``opc-work-request-id``;
  the stream is ``ACTIVE`` shortly after.  Delete answers 204 with a work request; the stream
  is ``DELETING`` and then ``DELETED`` (still readable by GetStream), its data gone at once.
"""

from __future__ import annotations

import uuid

from .. import errors
from ..ids import new_ocid
from ..service import DELETED_STATES, Service
from ..store import Stream
from ._validate import get_int, get_str, get_tags, query_int, require_object
from .stream_pools import ensure_default_pool
from .work_requests import new_work_request

MAX_PARTITIONS_TOTAL = 200


def _check_etag(stream: Stream, if_match: str | None) -> None:
    if if_match and if_match != "*" and if_match != stream.etag:
        raise errors.etag_mismatch(f"stream {stream.id}")


def create_stream(svc: Service, body: object) -> tuple[dict, dict]:
    body = require_object(body, "CreateStreamDetails")
    name = get_str(body, "name", required=True)
    partitions = get_int(body, "partitions", 1, MAX_PARTITIONS_TOTAL, required=True)
    retention = get_int(body, "retentionInHours", 24, 168, default=24)
    compartment = get_str(body, "compartmentId")
    pool_id = get_str(body, "streamPoolId")
    if compartment and pool_id:
        raise errors.invalid_parameter("Give either 'compartmentId' or 'streamPoolId', not both.")
    if not compartment and not pool_id:
        raise errors.invalid_parameter("Give 'compartmentId' (the stream goes into its DefaultPool) or 'streamPoolId'.")
    store = svc.store
    now = svc.clock.now_ms()
    with store.tx():
        if pool_id:
            pool = store.find_pool(pool_id)
            if pool is None or pool.lifecycle_state in DELETED_STATES:
                raise errors.not_found("stream pool", pool_id)
        else:
            pool = ensure_default_pool(svc, compartment)
        live = [s for s in store.all_streams() if s.lifecycle_state not in DELETED_STATES]
        if any(s.name == name and s.stream_pool_id == pool.id for s in live):
            raise errors.conflict(f"A stream named {name!r} already exists in stream pool {pool.name}.")
        used = sum(s.partitions for s in live)
        if svc.limits.enabled and used + partitions > MAX_PARTITIONS_TOTAL:
            raise errors.limit_exceeded(
                f"You exceed the number of allowed partitions: {used} are in use and the tenancy "
                f"allows {MAX_PARTITIONS_TOTAL}. Delete streams you no longer need."
            )
        stream = Stream(
            id=new_ocid("stream"), name=name, compartment_id=pool.compartment_id, stream_pool_id=pool.id,
            partitions=partitions, retention_hours=retention, lifecycle_state="CREATING",
            time_created=now, ready_at=now + svc.config.ready_delay_ms, etag=uuid.uuid4().hex,
            freeform_tags=get_tags(body, "freeformTags") or {}, defined_tags=get_tags(body, "definedTags") or {},
        )
        store.insert_stream(stream)
        wr = new_work_request(svc, "CREATE_STREAM", stream, "CREATED")
    svc.count("streams_created")
    return stream.to_wire(svc.messages_endpoint()), {"opc-work-request-id": wr, "etag": stream.etag}


def get_stream(svc: Service, stream_id: str) -> tuple[dict, dict]:
    stream = svc.stream(stream_id)
    return stream.to_wire(svc.messages_endpoint()), {"etag": stream.etag}


def list_streams(svc: Service, query: dict) -> tuple[list[dict], str | None]:
    compartment, pool_id = query.get("compartmentId"), query.get("streamPoolId")
    if bool(compartment) == bool(pool_id):
        raise errors.invalid_parameter("Give exactly one of 'compartmentId' and 'streamPoolId'.")
    limit = query_int(query, "limit", 1, 50, default=10)
    start = query_int(query, "page", 0, 10**9, default=0)
    sort_by = (query.get("sortBy") or "TIMECREATED").upper()
    if sort_by not in ("NAME", "TIMECREATED"):
        raise errors.invalid_parameter("'sortBy' must be NAME or TIMECREATED.")
    order = (query.get("sortOrder") or ("ASC" if sort_by == "NAME" else "DESC")).upper()
    if order not in ("ASC", "DESC"):
        raise errors.invalid_parameter("'sortOrder' must be ASC or DESC.")
    state = query.get("lifecycleState")
    states = ("CREATING", "ACTIVE", "DELETING", "DELETED", "FAILED", "UPDATING")
    if state and state.upper() not in states:
        raise errors.invalid_parameter(f"'lifecycleState' must be one of {', '.join(states)}.")
    streams = [svc.settle(s) for s in svc.store.all_streams()]
    streams = [
        s for s in streams
        if (s.compartment_id == compartment if compartment else s.stream_pool_id == pool_id)
        and (not query.get("id") or s.id == query["id"])
        and (not query.get("name") or s.name == query["name"])
        and (not state or s.lifecycle_state == state.upper())
    ]
    key = (lambda s: (s.name, s.time_created)) if sort_by == "NAME" else (lambda s: (s.time_created, s.name))
    streams.sort(key=key, reverse=order == "DESC")
    page = streams[start:start + limit]
    more = start + limit < len(streams)
    return [s.to_wire(svc.messages_endpoint(), summary=True) for s in page], (str(start + limit) if more else None)


def update_stream(svc: Service, stream_id: str, body: object, if_match: str | None) -> tuple[dict, dict]:
    body = require_object(body, "UpdateStreamDetails")
    stream = svc.stream(stream_id)
    if stream.lifecycle_state in DELETED_STATES:
        raise errors.stream_not_found(stream_id)
    _check_etag(stream, if_match)
    for forbidden in ("partitions", "retentionInHours", "name"):
        if forbidden in body:
            raise errors.invalid_parameter(f"'{forbidden}' cannot be changed after a stream is created.")
    with svc.store.tx():
        pool_id = get_str(body, "streamPoolId")
        if pool_id:
            pool = svc.store.find_pool(pool_id)
            if pool is None or pool.lifecycle_state in DELETED_STATES:
                raise errors.not_found("stream pool", pool_id)
            stream.stream_pool_id, stream.compartment_id = pool.id, pool.compartment_id
        if body.get("freeformTags") is not None:
            stream.freeform_tags = get_tags(body, "freeformTags")
        if body.get("definedTags") is not None:
            stream.defined_tags = get_tags(body, "definedTags")
        stream.etag = uuid.uuid4().hex
        svc.store.update_stream(stream)
        wr = new_work_request(svc, "UPDATE_STREAM", stream, "UPDATED")
    return stream.to_wire(svc.messages_endpoint()), {"opc-work-request-id": wr, "etag": stream.etag}


def delete_stream(svc: Service, stream_id: str, if_match: str | None) -> dict:
    stream = svc.stream(stream_id)
    if stream.lifecycle_state in DELETED_STATES:
        raise errors.stream_not_found(stream_id)
    _check_etag(stream, if_match)
    with svc.store.tx():
        stream.lifecycle_state = "DELETING"
        stream.ready_at = svc.clock.now_ms() + svc.config.ready_delay_ms
        svc.store.update_stream(stream)
        svc.store.drop_stream_data(stream.id)
        wr = new_work_request(svc, "DELETE_STREAM", stream, "DELETED")
    svc.rates.forget_stream(stream.id)
    svc.count("streams_deleted")
    return {"opc-work-request-id": wr}


def change_compartment(svc: Service, stream_id: str, body: object, if_match: str | None) -> dict:
    body = require_object(body, "ChangeStreamCompartmentDetails")
    target = get_str(body, "compartmentId", required=True)
    stream = svc.stream(stream_id)
    if stream.lifecycle_state in DELETED_STATES:
        raise errors.stream_not_found(stream_id)
    _check_etag(stream, if_match)
    with svc.store.tx():
        pool = ensure_default_pool(svc, target)
        stream.compartment_id, stream.stream_pool_id = target, pool.id
        stream.etag = uuid.uuid4().hex
        svc.store.update_stream(stream)
        wr = new_work_request(svc, "UPDATE_STREAM", stream, "UPDATED")  # the SDK has no MOVE_STREAM
    return {"opc-work-request-id": wr}
