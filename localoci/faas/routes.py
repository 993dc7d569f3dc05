"""The faas route tables: Functions (management and invoke, API versions 20181201 and
20260325) and API Gateway management (20190501).  Deployment endpoints are not routes: they
are the unsigned ASGI app in :mod:`.gateway`, mounted at ``/_gateway``.
"""

from __future__ import annotations

from ..wire import Route, WireRequest, WireResponse, route
from . import apigw_api as gw
from . import functions_api as fns
from .state import Faas

FN_VERSIONS = ("/20181201", "/20260325")
GW = "/20190501"


def _list(items, nxt) -> WireResponse:
    return WireResponse(200, items, {"opc-next-page": nxt} if nxt else {})


def _etag(body: dict) -> dict:
    return {"etag": f"{body['id']}-{body.get('timeUpdated', '')}"}


def build_routes(fx: Faas) -> list[Route]:
    # -- Functions management ------------------------------------------------------------------
    def h_create_app(svc, r: WireRequest) -> WireResponse:
        body = fns.create_application(fx, r.json())
        return WireResponse(200, body, _etag(body))

    def h_get_app(svc, r: WireRequest) -> WireResponse:
        body = fns.get_application(fx, r.params["app_id"])
        return WireResponse(200, body, _etag(body))

    def h_list_apps(svc, r: WireRequest) -> WireResponse:
        return _list(*fns.list_applications(fx, r.query))

    def h_update_app(svc, r: WireRequest) -> WireResponse:
        body = fns.update_application(fx, r.params["app_id"], r.json())
        return WireResponse(200, body, _etag(body))

    def h_delete_app(svc, r: WireRequest) -> WireResponse:
        fns.delete_application(fx, r.params["app_id"])
        return WireResponse(204, None)

    def h_create_fn(svc, r: WireRequest) -> WireResponse:
        body = fns.create_function(fx, r.json())
        return WireResponse(200, body, _etag(body))

    def h_get_fn(svc, r: WireRequest) -> WireResponse:
        body = fns.get_function(fx, r.params["fn_id"])
        return WireResponse(200, body, _etag(body))

    def h_list_fns(svc, r: WireRequest) -> WireResponse:
        return _list(*fns.list_functions(fx, r.query))

    def h_update_fn(svc, r: WireRequest) -> WireResponse:
        body = fns.update_function(fx, r.params["fn_id"], r.json())
        return WireResponse(200, body, _etag(body))

    def h_delete_fn(svc, r: WireRequest) -> WireResponse:
        fns.delete_function(fx, r.params["fn_id"])
        return WireResponse(204, None)

    # -- invoke ---------------------------------------------------------------------------------
    async def h_invoke(svc, r: WireRequest) -> WireResponse:
        from .invoke import invoke_function

        return await invoke_function(fx, r)

    # -- API Gateway ----------------------------------------------------------------------------
    def h_create_gw(svc, r):
        body, headers = gw.create_gateway(fx, r.json())
        return WireResponse(200, body, {**headers, **_etag(body)})

    def h_get_gw(svc, r):
        body = gw.get_gateway(fx, r.params["gw_id"])
        return WireResponse(200, body, _etag(body))

    def h_list_gw(svc, r):
        return _list(*gw.list_gateways(fx, r.query))

    def h_update_gw(svc, r):
        return WireResponse(202, None, gw.update_gateway(fx, r.params["gw_id"], r.json()))

    def h_delete_gw(svc, r):
        return WireResponse(202, None, gw.delete_gateway(fx, r.params["gw_id"]))

    def h_create_dep(svc, r):
        body, headers = gw.create_deployment(fx, r.json())
        return WireResponse(200, body, {**headers, **_etag(body)})

    def h_get_dep(svc, r):
        body = gw.get_deployment(fx, r.params["dep_id"])
        return WireResponse(200, body, _etag(body))

    def h_list_dep(svc, r):
        return _list(*gw.list_deployments(fx, r.query))

    def h_update_dep(svc, r):
        return WireResponse(202, None, gw.update_deployment(fx, r.params["dep_id"], r.json()))

    def h_delete_dep(svc, r):
        return WireResponse(202, None, gw.delete_deployment(fx, r.params["dep_id"]))

    def h_get_wr(svc, r):
        return WireResponse(200, gw.get_work_request(fx, r.params["wr_id"]))

    def h_list_wr(svc, r):
        return _list(*gw.list_work_requests(fx, r.query))

    def h_wr_details(svc, r):
        gw.get_work_request(fx, r.params["wr_id"])
        return WireResponse(200, {"items": []})

    routes: list[Route] = []
    for v in FN_VERSIONS:
        routes += [
            route("POST", f"{v}/applications", h_create_app, name="CreateApplication"),
            route("GET", f"{v}/applications", h_list_apps, name="ListApplications"),
            route("GET", f"{v}/applications/{{app_id}}", h_get_app, name="GetApplication"),
            route("PUT", f"{v}/applications/{{app_id}}", h_update_app, name="UpdateApplication"),
            route("DELETE", f"{v}/applications/{{app_id}}", h_delete_app, name="DeleteApplication"),
            route("POST", f"{v}/functions", h_create_fn, name="CreateFunction"),
            route("GET", f"{v}/functions", h_list_fns, name="ListFunctions"),
            route("GET", f"{v}/functions/{{fn_id}}", h_get_fn, name="GetFunction"),
            route("PUT", f"{v}/functions/{{fn_id}}", h_update_fn, name="UpdateFunction"),
            route("DELETE", f"{v}/functions/{{fn_id}}", h_delete_fn, name="DeleteFunction"),
            route("POST", f"{v}/functions/{{fn_id}}/actions/invoke", h_invoke, name="InvokeFunction"),
        ]
    routes += [
        route("POST", f"{GW}/gateways", h_create_gw, name="CreateGateway"),
        route("GET", f"{GW}/gateways", h_list_gw, name="ListGateways"),
        route("GET", f"{GW}/gateways/{{gw_id}}", h_get_gw, name="GetGateway"),
        route("PUT", f"{GW}/gateways/{{gw_id}}", h_update_gw, name="UpdateGateway"),
        route("DELETE", f"{GW}/gateways/{{gw_id}}", h_delete_gw, name="DeleteGateway"),
        route("POST", f"{GW}/deployments", h_create_dep, name="CreateDeployment"),
        route("GET", f"{GW}/deployments", h_list_dep, name="ListDeployments"),
        route("GET", f"{GW}/deployments/{{dep_id}}", h_get_dep, name="GetDeployment"),
        route("PUT", f"{GW}/deployments/{{dep_id}}", h_update_dep, name="UpdateDeployment"),
        route("DELETE", f"{GW}/deployments/{{dep_id}}", h_delete_dep, name="DeleteDeployment"),
        route("GET", f"{GW}/workRequests", h_list_wr, name="ListApiGatewayWorkRequests"),
        route("GET", f"{GW}/workRequests/{{wr_id}}", h_get_wr, name="GetApiGatewayWorkRequest"),
        route("GET", f"{GW}/workRequests/{{wr_id}}/errors", h_wr_details, name="ListApiGatewayWorkRequestErrors"),
        route("GET", f"{GW}/workRequests/{{wr_id}}/logs", h_wr_details, name="ListApiGatewayWorkRequestLogs"),
    ]
    return routes
