"""ListCompartments: the compartments directly in a compartment, or (with
``compartmentIdInSubtree=true``, only on the tenancy, as OCI allows it) all of them below.

``compartmentId`` is required (unknown: 404); ``accessLevel`` ``ANY`` or ``ACCESSIBLE`` (the
same here: there is no IAM); ``name``, ``lifecycleState``, sorting and paging as in
:mod:`._identity`.  The compartment asked about is not itself listed.
"""

from __future__ import annotations

from ... import errors
from ...ops.results import Page
from ...service import Service
from .. import models
from ._identity import compartment, filter_sort_page


def list_compartments(svc: Service, query: dict) -> Page:
    where = query.get("compartmentId")
    if not where:
        raise errors.missing_parameter("compartmentId")
    parent = compartment(svc, where)
    access = (query.get("accessLevel") or "ANY").upper()
    if access not in ("ANY", "ACCESSIBLE"):
        raise errors.invalid_parameter("'accessLevel' must be ANY or ACCESSIBLE.")
    subtree = (query.get("compartmentIdInSubtree") or "false").lower()
    if subtree not in ("true", "false"):
        raise errors.invalid_parameter("'compartmentIdInSubtree' must be true or false.")
    if subtree == "true" and not parent.is_tenancy:
        raise errors.invalid_parameter(
            "'compartmentIdInSubtree=true' works only on the tenancy (root compartment)."
        )
    found = (
        svc.identity.subtree(parent.id) if subtree == "true" else svc.identity.children(parent.id)
    )
    items, nxt = filter_sort_page(found, query)
    return Page([models.compartment(c) for c in items], nxt)
