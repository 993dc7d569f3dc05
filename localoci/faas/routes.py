"""The faas route tables: Functions (management and invoke, API versions 20181201 and
20260325) and API Gateway management (20190501).  Deployment endpoints are not routes: they
are the unsigned ASGI app in :mod:`.gateway`, mounted at ``/_gateway``.

The wire side of each action: take the request apart, call the operation in :mod:`.ops` with
plain values, map its result to a status and headers (``etag``, ``opc-work-request-id``,
``opc-next-page``; the function's own ``fn-*`` headers for an invocation).
"""

from __future__ import annotations

from ..ops.results import Accepted, Created, Page
from ..wire import Route, WireRequest, WireResponse, route
from . import ops
from .state import Faas

FN_VERSIONS = ("/20181201", "/20260325")
GW = "/20190501"


def _etag(body: dict) -> dict:
    return {"etag": f"{body['id']}-{body.get('timeUpdated', '')}"}


def _with_etag(body: dict) -> WireResponse:
    return WireResponse(200, body, _etag(body))


def _next_page(page: Page) -> dict:
    return {"opc-next-page": page.next_page} if page.next_page else {}


def _list(page: Page) -> WireResponse:
    """Functions' lists are bare JSON arrays."""
    return WireResponse(200, page.items, _next_page(page))


def _collection(page: Page) -> WireResponse:
    """API Gateway's lists are collections: ``{"items": [...]}``."""
    return WireResponse(200, {"items": page.items}, _next_page(page))


def _created(result: Created) -> WireResponse:
    return WireResponse(
        200,
        result.resource,
        {"opc-work-request-id": result.work_request_id, **_etag(result.resource)},
    )


def _accepted(result: Accepted) -> WireResponse:
    return WireResponse(202, None, {"opc-work-request-id": result.work_request_id})


def build_routes(fx: Faas) -> list[Route]:
    # -- Functions management ------------------------------------------------------------------
    def h_create_app(svc, r: WireRequest) -> WireResponse:
        return _with_etag(ops.create_application(fx, r.json()))

    def h_get_app(svc, r: WireRequest) -> WireResponse:
        return _with_etag(ops.get_application(fx, r.params["app_id"]))

    def h_list_apps(svc, r: WireRequest) -> WireResponse:
        return _list(ops.list_applications(fx, r.query))

    def h_update_app(svc, r: WireRequest) -> WireResponse:
        return _with_etag(ops.update_application(fx, r.params["app_id"], r.json()))

    def h_delete_app(svc, r: WireRequest) -> WireResponse:
        ops.delete_application(fx, r.params["app_id"])
        return WireResponse(204, None)

    def h_create_fn(svc, r: WireRequest) -> WireResponse:
        return _with_etag(ops.create_function(fx, r.json()))

    def h_get_fn(svc, r: WireRequest) -> WireResponse:
        return _with_etag(ops.get_function(fx, r.params["fn_id"]))

    def h_list_fns(svc, r: WireRequest) -> WireResponse:
        return _list(ops.list_functions(fx, r.query))

    def h_update_fn(svc, r: WireRequest) -> WireResponse:
        return _with_etag(ops.update_function(fx, r.params["fn_id"], r.json()))

    def h_delete_fn(svc, r: WireRequest) -> WireResponse:
        ops.delete_function(fx, r.params["fn_id"])
        return WireResponse(204, None)

    # -- invoke ---------------------------------------------------------------------------------
    async def h_invoke(svc, r: WireRequest) -> WireResponse:
        result = await ops.invoke_function(
            fx,
            r.params["fn_id"],
            r.body,
            content_type=r.headers.get("content-type"),
            fn_headers={k: v for k, v in r.headers.items() if k.startswith("fn-")},
            caller=r.principal,
            dry_run=r.headers.get("is-dry-run", "").lower() == "true",
        )
        status = 202 if result.accepted else 200
        return WireResponse(status, result.body, result.fn_headers, media_type=result.content_type)

    # -- API Gateway ----------------------------------------------------------------------------
    def h_create_gw(svc, r):
        return _created(ops.create_gateway(fx, r.json()))

    def h_get_gw(svc, r):
        return _with_etag(ops.get_gateway(fx, r.params["gw_id"]))

    def h_list_gw(svc, r):
        return _collection(ops.list_gateways(fx, r.query))

    def h_update_gw(svc, r):
        return _accepted(ops.update_gateway(fx, r.params["gw_id"], r.json()))

    def h_delete_gw(svc, r):
        return _accepted(ops.delete_gateway(fx, r.params["gw_id"]))

    def h_create_dep(svc, r):
        return _created(ops.create_deployment(fx, r.json()))

    def h_get_dep(svc, r):
        return _with_etag(ops.get_deployment(fx, r.params["dep_id"]))

    def h_list_dep(svc, r):
        return _collection(ops.list_deployments(fx, r.query))

    def h_update_dep(svc, r):
        return _accepted(ops.update_deployment(fx, r.params["dep_id"], r.json()))

    def h_delete_dep(svc, r):
        return _accepted(ops.delete_deployment(fx, r.params["dep_id"]))

    def h_get_wr(svc, r):
        return WireResponse(200, ops.get_api_gateway_work_request(fx, r.params["wr_id"]))

    def h_list_wr(svc, r):
        return _collection(ops.list_api_gateway_work_requests(fx, r.query))

    def h_wr_errors(svc, r):
        return WireResponse(200, ops.list_api_gateway_work_request_errors(fx, r.params["wr_id"]))

    def h_wr_logs(svc, r):
        return WireResponse(200, ops.list_api_gateway_work_request_logs(fx, r.params["wr_id"]))

    def fn(method: str, path: str, handler, name: str) -> Route:
        return route(method, path, handler, name=name, plane="functions")

    def gw(method: str, path: str, handler, name: str) -> Route:
        return route(method, GW + path, handler, name=name, plane="apigateway")

    routes: list[Route] = []
    for v in FN_VERSIONS:
        routes += [
            fn("POST", f"{v}/applications", h_create_app, "CreateApplication"),
            fn("GET", f"{v}/applications", h_list_apps, "ListApplications"),
            fn("GET", f"{v}/applications/{{app_id}}", h_get_app, "GetApplication"),
            fn("PUT", f"{v}/applications/{{app_id}}", h_update_app, "UpdateApplication"),
            fn("DELETE", f"{v}/applications/{{app_id}}", h_delete_app, "DeleteApplication"),
            fn("POST", f"{v}/functions", h_create_fn, "CreateFunction"),
            fn("GET", f"{v}/functions", h_list_fns, "ListFunctions"),
            fn("GET", f"{v}/functions/{{fn_id}}", h_get_fn, "GetFunction"),
            fn("PUT", f"{v}/functions/{{fn_id}}", h_update_fn, "UpdateFunction"),
            fn("DELETE", f"{v}/functions/{{fn_id}}", h_delete_fn, "DeleteFunction"),
            # At the function's invokeEndpoint (its own hostname in region mode).
            route(
                "POST",
                f"{v}/functions/{{fn_id}}/actions/invoke",
                h_invoke,
                name="InvokeFunction",
                plane="functions-invoke",
            ),
        ]
    routes += [
        gw("POST", "/gateways", h_create_gw, "CreateGateway"),
        gw("GET", "/gateways", h_list_gw, "ListGateways"),
        gw("GET", "/gateways/{gw_id}", h_get_gw, "GetGateway"),
        gw("PUT", "/gateways/{gw_id}", h_update_gw, "UpdateGateway"),
        gw("DELETE", "/gateways/{gw_id}", h_delete_gw, "DeleteGateway"),
        gw("POST", "/deployments", h_create_dep, "CreateDeployment"),
        gw("GET", "/deployments", h_list_dep, "ListDeployments"),
        gw("GET", "/deployments/{dep_id}", h_get_dep, "GetDeployment"),
        gw("PUT", "/deployments/{dep_id}", h_update_dep, "UpdateDeployment"),
        gw("DELETE", "/deployments/{dep_id}", h_delete_dep, "DeleteDeployment"),
        gw("GET", "/workRequests", h_list_wr, "ListApiGatewayWorkRequests"),
        gw("GET", "/workRequests/{wr_id}", h_get_wr, "GetApiGatewayWorkRequest"),
        gw("GET", "/workRequests/{wr_id}/errors", h_wr_errors, "ListApiGatewayWorkRequestErrors"),
        gw("GET", "/workRequests/{wr_id}/logs", h_wr_logs, "ListApiGatewayWorkRequestLogs"),
    ]
    return routes
