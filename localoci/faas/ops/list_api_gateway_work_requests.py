"""ListWorkRequests (API Gateway): ``{"items": [...]}`` of a compartment's work requests
(``compartmentId`` required; ``resourceId`` narrows), newest first, paged as in
:mod:`._listing` (``limit`` default 100, at most 1000)."""

from __future__ import annotations

from ... import errors
from ...ops.results import Page
from .. import models
from ..state import Faas
from ._listing import page


def list_api_gateway_work_requests(fx: Faas, query: dict) -> Page:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    rows = fx.store.list_work_requests(compartment, query.get("resourceId"))
    items, nxt = page(rows, query, default_limit=100, max_limit=1000)
    return Page([models.work_request(r, fx.now()) for r in items], nxt)
