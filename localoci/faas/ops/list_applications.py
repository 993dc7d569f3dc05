"""ListApplications: summaries of a compartment's applications (``compartmentId`` required);
filtered, sorted and paged as in :mod:`._listing` (``limit`` default 10, at most 50)."""

from __future__ import annotations

from ... import errors
from ...ops.results import Page
from .. import models
from ..state import Faas
from ._listing import filter_and_sort, page


def list_applications(fx: Faas, query: dict) -> Page:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    apps = filter_and_sort(fx.store.list("application", compartment_id=compartment), query)
    items, nxt = page(apps, query)
    return Page([models.application(a, summary=True) for a in items], nxt)
