"""ChangeStreamCompartment: move a stream into another compartment's DefaultPool.

``compartmentId`` is required; ``if_match`` and deleted streams as in :mod:`._streams`.  The
work request's operation is ``UPDATE_STREAM`` (the SDK has no MOVE_STREAM); no body comes back.
"""

from __future__ import annotations

import uuid

from ..service import Service
from ._pools import ensure_default_pool
from ._streams import live_stream
from ._validate import get_str, require_object
from ._work_requests import new_work_request
from .results import Accepted


def change_stream_compartment(
    svc: Service, stream_id: str, body: object, if_match: str | None
) -> Accepted:
    body = require_object(body, "ChangeStreamCompartmentDetails")
    target = svc.check_compartment(get_str(body, "compartmentId", required=True))
    stream = live_stream(svc, stream_id, if_match)
    with svc.store.tx():
        pool = ensure_default_pool(svc, target)
        stream.compartment_id, stream.stream_pool_id = target, pool.id
        stream.etag = uuid.uuid4().hex
        svc.store.update_stream(stream)
        wr = new_work_request(svc, "UPDATE_STREAM", stream, "UPDATED")
    return Accepted(wr)
