"""ListFunctions: summaries of an application's functions (``applicationId`` required);
filtered, sorted and paged as in :mod:`._listing` (``limit`` default 10, at most 50)."""

from __future__ import annotations

from ... import errors
from ...ops.results import Page
from .. import models
from ..state import Faas
from ._listing import filter_and_sort, page


def list_functions(fx: Faas, query: dict) -> Page:
    app_id = query.get("applicationId")
    if not app_id:
        raise errors.missing_parameter("applicationId")
    fns = filter_and_sort(fx.store.list("function", parent_id=app_id), query)
    items, nxt = page(fns, query)
    return Page([models.function(f, fx.invoke_endpoint(f), summary=True) for f in items], nxt)
