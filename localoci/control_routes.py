"""The route table of localoci's own endpoints, ``/_localoci/...`` (unsigned; loopback only).

Kept apart from the OCI routes (:mod:`.routes`) so that a server can serve them elsewhere:
locally they share the service's URL; a region serves them only on its side channel, a
loopback port of their own (``server.json`` names their base URL, ``control_url``).
The operations are in :mod:`.ops.control`.
"""

from __future__ import annotations

from .ops import control
from .service import Service
from .wire import Route, WireRequest, WireResponse, route

PREFIX = "/_localoci"


def h_health(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, control.health(svc))


def h_clock_get(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, control.get_clock(svc))


def h_clock_advance(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, control.advance_clock(svc, r.json()))


def h_reset(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, control.reset(svc))


def h_stats(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, control.stats(svc))


def h_add_user(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, control.add_user(svc, r.json()))


def h_default_pool(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, control.default_pool(svc))


def h_shutdown(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(202, control.shutdown(svc))


CONTROL_ROUTES: list[Route] = [
    route("GET", f"{PREFIX}/health", h_health, signed=False, plane="control"),
    route("GET", f"{PREFIX}/clock", h_clock_get, signed=False, plane="control"),
    route("POST", f"{PREFIX}/clock", h_clock_advance, signed=False, plane="control"),
    route("POST", f"{PREFIX}/reset", h_reset, signed=False, plane="control"),
    route("GET", f"{PREFIX}/stats", h_stats, signed=False, plane="control"),
    route("POST", f"{PREFIX}/users", h_add_user, signed=False, plane="control"),
    route("POST", f"{PREFIX}/default-pool", h_default_pool, signed=False, plane="control"),
    route("POST", f"{PREFIX}/shutdown", h_shutdown, signed=False, plane="control"),
]
