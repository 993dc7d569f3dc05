"""ListDeployments: ``{"items": [...]}`` of a compartment's deployments (``compartmentId``
required; ``gatewayId`` narrows to one gateway); filtered, sorted and paged as in
:mod:`._listing` (``limit`` default 100, at most 1000).  Summaries carry no specification."""

from __future__ import annotations

from ... import errors
from ...ops.results import Page
from .. import models
from ..state import Faas
from ._listing import filter_and_sort, page


def list_deployments(fx: Faas, query: dict) -> Page:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    deps = [fx.settle(d) for d in fx.store.list("deployment", compartment_id=compartment)]
    if query.get("gatewayId"):
        deps = [d for d in deps if d.parent_id == query["gatewayId"]]
    deps = filter_and_sort(deps, query)
    items, nxt = page(deps, query, default_limit=100, max_limit=1000)
    return Page([models.deployment(d, fx.deployment_endpoint(d), summary=True) for d in items], nxt)
