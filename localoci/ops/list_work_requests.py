"""ListWorkRequests: one page of ``{"items": [...]}`` (the route wraps the page), filtered by
``compartmentId`` and ``resourceId``; with ``workRequestId``, just that one (as GetWorkRequest).

* ``sortBy`` ``TIMEACCEPTED`` (the only one), ``sortOrder`` ``DESC`` (default: newest first) or
  ``ASC``;
* ``limit`` 1..50 (default 10) and ``page``, the token the previous page's ``opc-next-page``
  carried (absent on the last page), as the SDK declares them.
"""

from __future__ import annotations

from .. import errors
from ..service import Service
from ._validate import query_int
from ._work_requests import to_wire
from .get_work_request import get_work_request
from .results import Page


def list_work_requests(svc: Service, query: dict) -> Page:
    if query.get("workRequestId"):
        return Page([get_work_request(svc, query["workRequestId"])])
    sort_by = (query.get("sortBy") or "TIMEACCEPTED").upper()
    if sort_by != "TIMEACCEPTED":
        raise errors.invalid_parameter("'sortBy' must be TIMEACCEPTED.")
    order = (query.get("sortOrder") or "DESC").upper()
    if order not in ("ASC", "DESC"):
        raise errors.invalid_parameter("'sortOrder' must be ASC or DESC.")
    limit = query_int(query, "limit", 1, 50, default=10) or 10
    token = query.get("page")
    if token and not token.isdigit():
        raise errors.invalid_parameter(
            "'page' must be a value from a previous opc-next-page header."
        )
    start = int(token) if token else 0
    rows = svc.store.work_requests.list(query.get("compartmentId"), query.get("resourceId"))
    if order == "ASC":
        rows.reverse()
    chunk = rows[start : start + limit]
    nxt = str(start + limit) if start + limit < len(rows) else None
    return Page([to_wire(svc, r) for r in chunk], nxt)
