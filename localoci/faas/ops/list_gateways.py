"""ListGateways: ``{"items": [...]}`` of a compartment's gateways (``compartmentId``
required); filtered, sorted and paged as in :mod:`._listing` (``limit`` default 100, at most
1000)."""

from __future__ import annotations

from ... import errors
from ...ops.results import Page
from .. import models
from ..state import Faas
from ._listing import filter_and_sort, page


def list_gateways(fx: Faas, query: dict) -> Page:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    gws = filter_and_sort(
        [fx.settle(g) for g in fx.store.list("gateway", compartment_id=compartment)], query
    )
    items, nxt = page(gws, query, default_limit=100, max_limit=1000)
    return Page([models.gateway(g, fx.gateway_hostname(g), summary=True) for g in items], nxt)
