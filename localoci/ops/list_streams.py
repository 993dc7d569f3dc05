"""ListStreams: stream summaries (no ``retentionInHours``) of one compartment or one pool.

* Exactly one of ``compartmentId`` and ``streamPoolId``.
* Filters ``id``, ``name``, ``lifecycleState`` (CREATING, ACTIVE, DELETING, DELETED, FAILED,
  UPDATING); ``sortBy`` NAME or TIMECREATED (default), ``sortOrder`` ASC or DESC (default ASC
  by name, DESC by time).
* ``limit`` 1..50 (default 10); ``page`` is the token from the previous page's next page.
"""

from __future__ import annotations

from .. import errors
from ..service import Service
from ._validate import query_int
from .results import Page

STATES = ("CREATING", "ACTIVE", "DELETING", "DELETED", "FAILED", "UPDATING")


def list_streams(svc: Service, query: dict) -> Page:
    compartment, pool_id = query.get("compartmentId"), query.get("streamPoolId")
    if bool(compartment) == bool(pool_id):
        raise errors.invalid_parameter("Give exactly one of 'compartmentId' and 'streamPoolId'.")
    if compartment:
        svc.check_compartment(compartment)
    limit = query_int(query, "limit", 1, 50, default=10)
    start = query_int(query, "page", 0, 10**9, default=0)
    sort_by = (query.get("sortBy") or "TIMECREATED").upper()
    if sort_by not in ("NAME", "TIMECREATED"):
        raise errors.invalid_parameter("'sortBy' must be NAME or TIMECREATED.")
    order = (query.get("sortOrder") or ("ASC" if sort_by == "NAME" else "DESC")).upper()
    if order not in ("ASC", "DESC"):
        raise errors.invalid_parameter("'sortOrder' must be ASC or DESC.")
    state = query.get("lifecycleState")
    if state and state.upper() not in STATES:
        raise errors.invalid_parameter(f"'lifecycleState' must be one of {', '.join(STATES)}.")
    streams = [svc.settle(s) for s in svc.store.all_streams()]
    streams = [
        s
        for s in streams
        if (s.compartment_id == compartment if compartment else s.stream_pool_id == pool_id)
        and (not query.get("id") or s.id == query["id"])
        and (not query.get("name") or s.name == query["name"])
        and (not state or s.lifecycle_state == state.upper())
    ]
    key = (
        (lambda s: (s.name, s.time_created))
        if sort_by == "NAME"
        else (lambda s: (s.time_created, s.name))
    )
    streams.sort(key=key, reverse=order == "DESC")
    page = streams[start : start + limit]
    more = start + limit < len(streams)
    return Page(
        [s.to_wire(svc.messages_endpoint(), summary=True) for s in page],
        str(start + limit) if more else None,
    )
