"""The Identity route table (API version 20160918), served at ``identity.<region>.oci.<domain>``
in region mode and on localoci's one URL locally.

The wire side of each action: take the request apart, call the operation in :mod:`.ops`, map
its result to a status and headers (``etag``, ``opc-next-page``; 204 for DeleteAuthToken).
"""

from __future__ import annotations

from ..ops.results import Page
from ..service import Service
from ..wire import Route, WireRequest, WireResponse, route
from . import ops

V = "/20160918"


def _page(page: Page) -> WireResponse:
    return WireResponse(
        200, page.items, {"opc-next-page": page.next_page} if page.next_page else {}
    )


def h_get_tenancy(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.get_tenancy(svc, r.params["tenancy_id"]))


def h_get_user(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.get_user(svc, r.params["user_id"]))


def h_list_users(svc: Service, r: WireRequest) -> WireResponse:
    return _page(ops.list_users(svc, r.query))


def h_get_compartment(svc: Service, r: WireRequest) -> WireResponse:
    body = ops.get_compartment(svc, r.params["compartment_id"])
    return WireResponse(200, body, {"etag": f"{body['id']}-{body['timeCreated']}"})


def h_list_compartments(svc: Service, r: WireRequest) -> WireResponse:
    return _page(ops.list_compartments(svc, r.query))


def h_create_compartment(svc: Service, r: WireRequest) -> WireResponse:
    result = ops.create_compartment(svc, r.json())
    return WireResponse(200, result.resource, {"etag": result.etag} if result.etag else {})


def h_create_auth_token(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.create_auth_token(svc, r.params["user_id"], r.json()))


def h_list_auth_tokens(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.list_auth_tokens(svc, r.params["user_id"]))


def h_update_auth_token(svc: Service, r: WireRequest) -> WireResponse:
    body = ops.update_auth_token(svc, r.params["user_id"], r.params["token_id"], r.json())
    return WireResponse(200, body)


def h_delete_auth_token(svc: Service, r: WireRequest) -> WireResponse:
    ops.delete_auth_token(svc, r.params["user_id"], r.params["token_id"])
    return WireResponse(204, None)


def _r(method: str, path: str, handler, name: str) -> Route:
    return route(method, V + path, handler, name=name, plane="identity")


ROUTES: list[Route] = [
    _r("GET", "/tenancies/{tenancy_id}", h_get_tenancy, "GetTenancy"),
    _r("GET", "/users", h_list_users, "ListUsers"),
    _r("GET", "/users/{user_id}", h_get_user, "GetUser"),
    _r("GET", "/compartments", h_list_compartments, "ListCompartments"),
    _r("POST", "/compartments", h_create_compartment, "CreateCompartment"),
    _r("GET", "/compartments/{compartment_id}", h_get_compartment, "GetCompartment"),
    _r("POST", "/users/{user_id}/authTokens", h_create_auth_token, "CreateAuthToken"),
    _r("GET", "/users/{user_id}/authTokens", h_list_auth_tokens, "ListAuthTokens"),
    _r("PUT", "/users/{user_id}/authTokens/{token_id}", h_update_auth_token, "UpdateAuthToken"),
    _r("DELETE", "/users/{user_id}/authTokens/{token_id}", h_delete_auth_token, "DeleteAuthToken"),
]
