"""UpdateStream: move a stream to another pool, or change its tags.

``partitions``, ``retentionInHours`` and ``name`` cannot be changed (400).  ``if_match`` and
deleted streams as in :mod:`._streams`.  Answers the stream with a work request and its new etag.
"""

from __future__ import annotations

import uuid

from .. import errors
from ..service import DELETED_STATES, Service
from ._streams import live_stream
from ._validate import get_str, get_tags, require_object
from ._work_requests import new_work_request
from .results import Updated


def update_stream(svc: Service, stream_id: str, body: object, if_match: str | None) -> Updated:
    body = require_object(body, "UpdateStreamDetails")
    stream = live_stream(svc, stream_id, if_match)
    for forbidden in ("partitions", "retentionInHours", "name"):
        if forbidden in body:
            raise errors.invalid_parameter(
                f"'{forbidden}' cannot be changed after a stream is created."
            )
    with svc.store.tx():
        pool_id = get_str(body, "streamPoolId")
        if pool_id:
            pool = svc.store.find_pool(pool_id)
            if pool is None or pool.lifecycle_state in DELETED_STATES:
                raise errors.not_found("stream pool", pool_id)
            stream.stream_pool_id, stream.compartment_id = pool.id, pool.compartment_id
        if (freeform := get_tags(body, "freeformTags")) is not None:
            stream.freeform_tags = freeform
        if (defined := get_tags(body, "definedTags")) is not None:
            stream.defined_tags = defined
        stream.etag = uuid.uuid4().hex
        svc.store.update_stream(stream)
        wr = new_work_request(svc, "UPDATE_STREAM", stream, "UPDATED")
    return Updated(stream.to_wire(svc.messages_endpoint()), wr, stream.etag)
