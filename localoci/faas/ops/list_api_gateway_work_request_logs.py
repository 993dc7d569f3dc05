"""ListWorkRequestLogs (API Gateway): a work request's logs -- none, in localoci
(``{"items": []}``); 404 if the work request is unknown."""

from __future__ import annotations

from ..state import Faas
from .get_api_gateway_work_request import get_api_gateway_work_request


def list_api_gateway_work_request_logs(fx: Faas, wr_id: str) -> dict:
    get_api_gateway_work_request(fx, wr_id)
    return {"items": []}
