"""ListWorkRequests: ``{"items": [...]}``, newest first, filtered by ``compartmentId`` and
``resourceId``; with ``workRequestId``, just that one (as GetWorkRequest)."""

from __future__ import annotations

from ..service import Service
from ._work_requests import to_wire
from .get_work_request import get_work_request


def list_work_requests(svc: Service, query: dict) -> dict:
    if query.get("workRequestId"):
        return {"items": [get_work_request(svc, query["workRequestId"])]}
    rows = svc.store.work_requests.list(query.get("compartmentId"), query.get("resourceId"))
    return {"items": [to_wire(svc, r) for r in rows]}
