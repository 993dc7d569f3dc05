"""CreateStream: a stream with a fixed number of partitions, in a compartment or a pool.

Rules:

* ``name`` (1..255 chars) is unique among the live streams of its stream pool (409 Conflict).
* ``partitions`` 1..200 and ``retentionInHours`` 24..168 (default 24) are fixed at creation;
  all live streams together hold at most 200 partitions (400 LimitExceeded) while limits are on.
* ``compartmentId`` xor ``streamPoolId``; with a compartment the stream goes into that
  compartment's ``DefaultPool``, made on first use.
* Answers ``CREATING`` (200, as the real service did) with a work request and an etag; the
  stream is ``ACTIVE`` after the server's ready delay.
"""

from __future__ import annotations

import uuid

from .. import errors
from ..ids import new_ocid
from ..service import DELETED_STATES, Service
from ..store import Stream
from ._pools import ensure_default_pool
from ._validate import get_int, get_str, get_tags, require_object
from ._work_requests import new_work_request
from .results import Created

MAX_PARTITIONS_TOTAL = 200


def create_stream(svc: Service, body: object) -> Created:
    body = require_object(body, "CreateStreamDetails")
    name = get_str(body, "name", required=True)
    partitions = get_int(body, "partitions", 1, MAX_PARTITIONS_TOTAL, required=True)
    retention = get_int(body, "retentionInHours", 24, 168, default=24)
    compartment = get_str(body, "compartmentId")
    pool_id = get_str(body, "streamPoolId")
    if compartment and pool_id:
        raise errors.invalid_parameter("Give either 'compartmentId' or 'streamPoolId', not both.")
    if not compartment and not pool_id:
        raise errors.invalid_parameter(
            "Give 'compartmentId' (the stream goes into its DefaultPool) or 'streamPoolId'."
        )
    if compartment:
        svc.check_compartment(compartment)
    store = svc.store
    now = svc.clock.now_ms()
    with store.tx():
        if pool_id:
            pool = store.find_pool(pool_id)
            if pool is None or pool.lifecycle_state in DELETED_STATES:
                raise errors.not_found("stream pool", pool_id)
        else:
            assert compartment is not None  # one of the two was required above
            pool = ensure_default_pool(svc, compartment)
        live = [s for s in store.all_streams() if s.lifecycle_state not in DELETED_STATES]
        if any(s.name == name and s.stream_pool_id == pool.id for s in live):
            raise errors.conflict(
                f"A stream named {name!r} already exists in stream pool {pool.name}."
            )
        used = sum(s.partitions for s in live)
        if svc.limits.enabled and used + partitions > MAX_PARTITIONS_TOTAL:
            raise errors.limit_exceeded(
                f"You exceed the number of allowed partitions: {used} are in use and the tenancy "
                f"allows {MAX_PARTITIONS_TOTAL}. Delete streams you no longer need."
            )
        stream = Stream(
            id=new_ocid("stream"),
            name=name,
            compartment_id=pool.compartment_id,
            stream_pool_id=pool.id,
            partitions=partitions,
            retention_hours=retention,
            lifecycle_state="CREATING",
            time_created=now,
            ready_at=now + svc.config.ready_delay_ms,
            etag=uuid.uuid4().hex,
            freeform_tags=get_tags(body, "freeformTags") or {},
            defined_tags=get_tags(body, "definedTags") or {},
        )
        store.insert_stream(stream)
        wr = new_work_request(svc, "CREATE_STREAM", stream, "CREATED")
    svc.count("streams_created")
    return Created(stream.to_wire(svc.messages_endpoint()), wr, stream.etag)
