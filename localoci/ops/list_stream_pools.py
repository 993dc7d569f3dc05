"""ListStreamPools: the pools of a compartment, newest first unless ``sortOrder=ASC``.

``compartmentId`` is required (its DefaultPool is made on first use, so it is always listed);
filters ``id``, ``name``, ``lifecycleState``; ``limit`` 1..50 (default 10) and ``page``.
"""

from __future__ import annotations

from .. import errors
from ..service import Service
from ._pools import ensure_default_pool, settle
from ._validate import query_int
from .results import Page


def list_stream_pools(svc: Service, query: dict) -> Page:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    svc.check_compartment(compartment)
    limit = query_int(query, "limit", 1, 50, default=10)
    start = query_int(query, "page", 0, 10**9, default=0)
    with svc.store.tx():
        ensure_default_pool(svc, compartment)
    pools = [settle(svc, p) for p in svc.store.list_pools(compartment)]
    pools = [
        p
        for p in pools
        if (not query.get("id") or p.id == query["id"])
        and (not query.get("name") or p.name == query["name"])
        and (
            not query.get("lifecycleState") or p.lifecycle_state == query["lifecycleState"].upper()
        )
    ]
    pools.sort(
        key=lambda p: (p.time_created, p.name),
        reverse=(query.get("sortOrder") or "DESC").upper() == "DESC",
    )
    page = pools[start : start + limit]
    more = start + limit < len(pools)
    return Page(
        [p.to_wire(svc.messages_endpoint(), summary=True) for p in page],
        str(start + limit) if more else None,
    )
