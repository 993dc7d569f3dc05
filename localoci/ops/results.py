"""What the admin operations return: plain values the wire layer maps to status and headers.

An operation never names a header; the routes decide that ``work_request_id`` travels as
``opc-work-request-id``, ``etag`` as ``etag`` and ``next_page`` as ``opc-next-page``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Created:
    """A create (or an update that answers the resource): the resource as the API shows it,
    the work request that tracks the change, and the resource's etag where it has one."""

    resource: dict
    work_request_id: str
    etag: str | None = None


class Updated(Created):
    """An update that answers the resource: the same three things as a create."""


@dataclass(frozen=True)
class Accepted:
    """A change under way with nothing to show but its work request (delete, move, update)."""

    work_request_id: str


@dataclass(frozen=True)
class Fetched:
    """A read of one resource, with its etag where it has one."""

    resource: dict
    etag: str | None = None


@dataclass(frozen=True)
class Page:
    """One page of a list; ``next_page`` is the token for the next one (None: the last page)."""

    items: list
    next_page: str | None = None
