"""Rules the Identity operations share.

* An unknown (or not ACTIVE) user, compartment or tenancy is 404 NotAuthorizedOrNotFound, as
  OCI answers for what it does not know or you may not see.  There is no IAM: any caller whose
  signature verifies may read and manage (users may manage their own auth tokens on OCI
  without a policy; everything else would need one).
* Lists: ``limit`` 1..1000 (default 100) and an opaque ``page`` token (here the start index the
  previous page's ``opc-next-page`` carried); ``sortBy`` ``TIMECREATED`` (default) or ``NAME``,
  ``sortOrder`` ``ASC`` (default) or ``DESC``; ``lifecycleState`` and ``name`` filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import errors
from ...ops._validate import query_int
from ...service import Service
from ..store import Compartment, User

STATES = ("CREATING", "ACTIVE", "INACTIVE", "DELETING", "DELETED")


def user(svc: Service, user_id: str) -> User:
    u = svc.identity.user(user_id)
    if u is None:
        raise errors.not_found("user", user_id)
    return u


def compartment(svc: Service, compartment_id: str) -> Compartment:
    c = svc.identity.compartment(compartment_id)
    if c is None:
        raise errors.not_found("compartment", compartment_id)
    return c


def tenancy(svc: Service, tenancy_id: str) -> Compartment:
    t = svc.identity.tenancy(tenancy_id)
    if t is None:
        raise errors.not_found("tenancy", tenancy_id)
    return t


def filter_sort_page(items: Sequence[Any], query: dict) -> tuple[list, str | None]:
    """``items`` (with ``name``, ``lifecycle_state``, ``time_created``) filtered, sorted and cut
    to one page; and the next page's token (None on the last page)."""
    state = query.get("lifecycleState")
    if state and state.upper() not in STATES:
        raise errors.invalid_parameter(f"'lifecycleState' must be one of {', '.join(STATES)}.")
    sort_by = (query.get("sortBy") or "TIMECREATED").upper()
    if sort_by not in ("TIMECREATED", "NAME"):
        raise errors.invalid_parameter("'sortBy' must be TIMECREATED or NAME.")
    order = (query.get("sortOrder") or "ASC").upper()
    if order not in ("ASC", "DESC"):
        raise errors.invalid_parameter("'sortOrder' must be ASC or DESC.")
    chosen = [
        i
        for i in items
        if (not query.get("name") or i.name == query["name"])
        and (not state or i.lifecycle_state == state.upper())
    ]
    key = (
        (lambda i: (i.name.lower(), i.time_created))
        if sort_by == "NAME"
        else (lambda i: (i.time_created, i.name))
    )
    chosen.sort(key=key, reverse=order == "DESC")
    limit = query_int(query, "limit", 1, 1000, default=100) or 100
    token = query.get("page")
    if token and not token.isdigit():
        raise errors.invalid_parameter(
            "'page' must be a value from a previous opc-next-page header."
        )
    start = int(token) if token else 0
    nxt = str(start + limit) if start + limit < len(chosen) else None
    return chosen[start : start + limit], nxt
