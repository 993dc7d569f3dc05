"""ListWorkRequestLogs: a work request's logs -- none, in localoci (``{"items": []}``); 404
if the work request is unknown."""

from __future__ import annotations

from .. import errors
from ..service import Service


def list_work_request_logs(svc: Service, wr_id: str) -> dict:
    if svc.store.work_requests.find(wr_id) is None:
        raise errors.not_found("work request", wr_id)
    return {"items": []}
