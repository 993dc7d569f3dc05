"""ListUsers: the users of a tenancy.

``compartmentId`` is required and must be the tenancy (users live in the root compartment;
another compartment is 400, an unknown one 404); ``name`` filters, and the paging and sorting
of :mod:`._identity` apply.
"""

from __future__ import annotations

from ... import errors
from ...ops.results import Page
from ...service import Service
from .. import models
from ._identity import compartment, filter_sort_page


def list_users(svc: Service, query: dict) -> Page:
    where = query.get("compartmentId")
    if not where:
        raise errors.missing_parameter("compartmentId")
    c = compartment(svc, where)
    if not c.is_tenancy:
        raise errors.invalid_parameter(
            "Users live in the tenancy: 'compartmentId' must be the tenancy's OCID."
        )
    items, nxt = filter_sort_page(svc.identity.users(c.id), query)
    return Page([models.user(u) for u in items], nxt)
