"""How the faas list operations filter, sort and page (OCI's conventions for these APIs).

* Filters ``displayName``, ``id``, ``lifecycleState``; ``sortBy`` ``timeCreated``, ``id`` or
  (default) the display name; ``sortOrder=DESC`` reverses.
* ``limit`` (each list's default and maximum) and an opaque ``page`` token: here, the start
  index that the previous page's next-page token carried.
"""

from __future__ import annotations

from ... import errors
from ...ops._validate import query_int
from ..store import Resource


def filter_and_sort(items: list[Resource], query: dict) -> list[Resource]:
    if query.get("displayName"):
        items = [r for r in items if r.name == query["displayName"]]
    if query.get("id"):
        items = [r for r in items if r.id == query["id"]]
    if query.get("lifecycleState"):
        items = [r for r in items if r.state == query["lifecycleState"]]
    key = {"timeCreated": lambda r: r.time_created, "id": lambda r: r.id}.get(
        query.get("sortBy") or "", lambda r: r.name
    )
    return sorted(items, key=key, reverse=query.get("sortOrder") == "DESC")


def page(
    items: list, query: dict, default_limit: int = 10, max_limit: int = 50
) -> tuple[list, str | None]:
    """One page of ``items`` and the token of the next one (None: the last page)."""
    limit = query_int(query, "limit", 1, max_limit, default_limit)
    token = query.get("page")
    start = 0
    if token:
        if not token.isdigit():
            raise errors.invalid_parameter(
                "'page' must be a value from a previous opc-next-page header."
            )
        start = int(token)
    chunk = items[start : start + limit]
    nxt = str(start + limit) if start + limit < len(items) else None
    return chunk, nxt
