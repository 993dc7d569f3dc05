"""CreateStreamPool: a named pool in a compartment.

``compartmentId`` and ``name`` are required; ``kafkaSettings`` as in :mod:`._pools`.  The pool
is CREATING (with a work request) and ACTIVE after the server's ready delay; the answer
carries its etag.  ``compartmentId`` must be a known compartment where
:meth:`~localoci.service.Service.check_compartment` says so.
"""

from __future__ import annotations

from ..ids import new_ocid
from ..service import Service
from ..store import StreamPool
from ._pools import kafka_settings, new_etag
from ._validate import get_str, get_tags, require_object
from ._work_requests import new_work_request
from .results import Created


def create_stream_pool(svc: Service, body: object) -> Created:
    body = require_object(body, "CreateStreamPoolDetails")
    compartment = svc.check_compartment(get_str(body, "compartmentId", required=True))
    name = get_str(body, "name", required=True)
    now = svc.clock.now_ms()
    pool = StreamPool(
        new_ocid("streampool"),
        compartment,
        name,
        False,
        "CREATING",
        now,
        now + svc.config.ready_delay_ms,
        kafka_settings(body),
        get_tags(body, "freeformTags") or {},
        get_tags(body, "definedTags") or {},
        etag=new_etag(),
    )
    with svc.store.tx():
        svc.store.insert_pool(pool)
        wr = new_work_request(svc, "CREATE_STREAM_POOL", pool, "CREATED")
    return Created(
        pool.to_wire(svc.messages_endpoint(), bootstrap_servers=svc.kafka_bootstrap), wr, pool.etag
    )
