"""GetWorkRequest: one work request; 404 if unknown.

Reading a stream's work request settles the stream too, so GetStream agrees with it.
"""

from __future__ import annotations

from .. import errors
from ..service import Service
from ._work_requests import to_wire


def get_work_request(svc: Service, wr_id: str) -> dict:
    row = svc.store.work_requests.find(wr_id)
    if row is None:
        raise errors.not_found("work request", wr_id)
    if row["entity_type"] == "stream" and svc.store.find_stream(row["resource_id"]):
        svc.stream(row["resource_id"])
    return to_wire(svc, row)
