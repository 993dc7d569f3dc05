"""API Gateway management: gateways and deployments (create, get, list, update, delete) and
the work requests they leave.

Rules:

* A gateway gets a local base URL ``<localoci>/_gateway/<key>`` standing for OCI's
  ``https://<hostname>``; ``hostname`` is localoci's ``host:port``.  ``subnetId`` is optional
  here (required on OCI).  A gateway with deployments cannot be deleted (409).
* A deployment's ``endpoint`` is the gateway's base URL plus ``pathPrefix``; prefixes are
  unique per gateway (409) and look like ``/v1`` (leading ``/``, no trailing ``/``).
* The ``specification`` is OCI's ApiSpecification JSON.  Each route needs a ``path`` starting
  with ``/`` (segments may be ``{name}`` or, last, ``{name*}``), ``methods`` from ANY, HEAD,
  GET, POST, PUT, PATCH, DELETE, OPTIONS (default ``["GET"]``) and a backend:
  ``ORACLE_FUNCTIONS_BACKEND`` (``functionId`` of a function localoci knows),
  ``HTTP_BACKEND`` (``url``, timeouts) or ``STOCK_RESPONSE_BACKEND`` (``status``, ``body``,
  ``headers``).  Other backends are refused (400); request/response/logging policies are
  stored and ignored.
* Create and update answer ``CREATING``/``UPDATING`` with ``opc-work-request-id``; the
  resource is ``ACTIVE`` after the server's ready delay.  Delete answers 202 and removes it.
"""

from __future__ import annotations

import re
import secrets

from .. import errors
from ..ids import new_ocid
from ..ops._validate import get_enum, get_str, get_tags, require_object
from . import models
from .functions_api import _filter
from .state import Faas, page
from .store import Resource

METHODS = ("ANY", "HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
BACKENDS = ("ORACLE_FUNCTIONS_BACKEND", "HTTP_BACKEND", "STOCK_RESPONSE_BACKEND")
_PREFIX = re.compile(r"^(/[A-Za-z0-9._~\-]+)+$")
_SEGMENT = re.compile(r"^(\{[A-Za-z0-9_]+\*?\}|[A-Za-z0-9._~\-:@!$&'()+,;=%]*)$")


def _host(fx: Faas) -> str:
    return fx.base_url.split("://", 1)[-1]


def _ready_at(fx: Faas) -> int:
    return fx.now() + fx.svc.config.ready_delay_ms


# -- specification --------------------------------------------------------------------------------

def validate_specification(fx: Faas, spec: object) -> dict:
    if not isinstance(spec, dict):
        raise errors.invalid_parameter("'specification' must be an ApiSpecification object with 'routes'.")
    routes = spec.get("routes")
    if not isinstance(routes, list):
        raise errors.invalid_parameter("specification.routes must be an array of routes.")
    for i, route in enumerate(routes):
        where = f"specification.routes[{i}]"
        if not isinstance(route, dict):
            raise errors.invalid_parameter(f"{where} must be an object with path, methods and backend.")
        path = route.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise errors.invalid_parameter(f"{where}.path must be a string starting with '/', e.g. /hello.")
        segments = path.strip("/").split("/") if path != "/" else []
        for j, seg in enumerate(segments):
            if not _SEGMENT.match(seg):
                raise errors.invalid_parameter(f"{where}.path segment {seg!r} is not valid.")
            if seg.endswith("*}") and j != len(segments) - 1:
                raise errors.invalid_parameter(f"{where}.path: a wildcard parameter {seg} must be the last segment.")
        methods = route.setdefault("methods", ["GET"])
        if not isinstance(methods, list) or not methods or any(m not in METHODS for m in methods):
            raise errors.invalid_parameter(f"{where}.methods must be a non-empty array of {', '.join(METHODS)}.")
        backend = route.get("backend")
        if not isinstance(backend, dict):
            raise errors.invalid_parameter(f"{where}.backend is required.")
        btype = backend.get("type")
        if btype not in BACKENDS:
            raise errors.invalid_parameter(
                f"{where}.backend.type {btype!r} is not supported by localoci; use one of {', '.join(BACKENDS)}."
            )
        if btype == "ORACLE_FUNCTIONS_BACKEND":
            fn_id = backend.get("functionId")
            if not isinstance(fn_id, str) or fx.store.find("function", fn_id) is None:
                raise errors.invalid_parameter(
                    f"{where}.backend.functionId {fn_id!r} names no function in this localoci. "
                    "Create the function first and put its OCID in the specification."
                )
        elif btype == "HTTP_BACKEND":
            url = backend.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise errors.invalid_parameter(f"{where}.backend.url must be an http(s) URL.")
        else:
            status = backend.get("status")
            if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
                raise errors.invalid_parameter(f"{where}.backend.status must be an HTTP status code (100-599).")
            headers = backend.get("headers") or []
            if not isinstance(headers, list) or not all(
                isinstance(h, dict) and isinstance(h.get("name"), str) and isinstance(h.get("value"), str) for h in headers
            ):
                raise errors.invalid_parameter(f"{where}.backend.headers must be an array of {{name, value}} strings.")
            if backend.get("body") is not None and not isinstance(backend["body"], str):
                raise errors.invalid_parameter(f"{where}.backend.body must be a string.")
    return spec


# -- gateways ---------------------------------------------------------------------------------------

def create_gateway(fx: Faas, body: object) -> tuple[dict, dict]:
    body = require_object(body, "CreateGatewayDetails")
    compartment = get_str(body, "compartmentId", required=True)
    endpoint_type = get_enum(body, "endpointType", ("PUBLIC", "PRIVATE"), required=True)
    name = get_str(body, "displayName") or f"gateway{fx.now()}"
    doc = {
        "endpointType": endpoint_type,
        "subnetId": get_str(body, "subnetId"),
        "networkSecurityGroupIds": body.get("networkSecurityGroupIds") or [],
        "hostKey": secrets.token_hex(6),
        "freeformTags": get_tags(body, "freeformTags") or {},
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    gw = Resource(new_ocid("apigateway"), "gateway", compartment, None, name, "CREATING", now, now, _ready_at(fx), doc)
    with fx.tx():
        fx.store.insert(gw)
        headers = fx.work_request("CREATE_GATEWAY", gw, "CREATED")
    return models.gateway(fx.settle(gw), _host(fx)), headers


def get_gateway(fx: Faas, gw_id: str) -> dict:
    return models.gateway(fx.get("gateway", gw_id), _host(fx))


def list_gateways(fx: Faas, query: dict) -> tuple[dict, str | None]:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    gws = _filter([fx.settle(g) for g in fx.store.list("gateway", compartment_id=compartment)], query)
    items, nxt = page(gws, query, default_limit=100, max_limit=1000)
    return {"items": [models.gateway(g, _host(fx), summary=True) for g in items]}, nxt


def update_gateway(fx: Faas, gw_id: str, body: object) -> dict:
    body = require_object(body, "UpdateGatewayDetails")
    gw = fx.get("gateway", gw_id)
    if get_str(body, "displayName"):
        gw.name = body["displayName"]
    for tag in ("freeformTags", "definedTags"):
        if get_tags(body, tag) is not None:
            gw.doc[tag] = body[tag]
    gw.time_updated = fx.now()
    with fx.tx():
        fx.store.update(gw)
        return fx.work_request("UPDATE_GATEWAY", gw, "UPDATED")


def delete_gateway(fx: Faas, gw_id: str) -> dict:
    gw = fx.get("gateway", gw_id)
    if fx.store.list("deployment", parent_id=gw.id):
        raise errors.conflict(f"Gateway {gw.name} still has deployments; delete them first.")
    with fx.tx():
        headers = fx.work_request("DELETE_GATEWAY", gw, "DELETED")
        fx.store.delete(gw.id)
    return headers


# -- deployments ------------------------------------------------------------------------------------

def _prefix(value: object) -> str:
    if not isinstance(value, str) or not _PREFIX.match(value):
        raise errors.invalid_parameter(f"'pathPrefix' must look like /v1 (a leading '/', no trailing '/'); got {value!r}.")
    return value


def create_deployment(fx: Faas, body: object) -> tuple[dict, dict]:
    body = require_object(body, "CreateDeploymentDetails")
    gw_id = get_str(body, "gatewayId", required=True)
    compartment = get_str(body, "compartmentId", required=True)
    prefix = _prefix(body.get("pathPrefix"))
    gw = fx.get("gateway", gw_id, "gateway")
    spec = validate_specification(fx, body.get("specification"))
    name = get_str(body, "displayName") or f"deployment{fx.now()}"
    doc = {
        "pathPrefix": prefix, "specification": spec,
        "freeformTags": get_tags(body, "freeformTags") or {},
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    dep = Resource(new_ocid("apideployment"), "deployment", compartment, gw.id, name, "CREATING", now, now,
                   _ready_at(fx), doc)
    with fx.tx():
        if any(d.doc["pathPrefix"] == prefix for d in fx.store.list("deployment", parent_id=gw.id)):
            raise errors.conflict(f"Gateway {gw.name} already has a deployment at {prefix}; choose another pathPrefix.")
        fx.store.insert(dep)
        headers = fx.work_request("CREATE_DEPLOYMENT", dep, "CREATED")
    dep = fx.settle(dep)
    return models.deployment(dep, fx.deployment_endpoint(dep)), headers


def get_deployment(fx: Faas, dep_id: str) -> dict:
    dep = fx.get("deployment", dep_id)
    return models.deployment(dep, fx.deployment_endpoint(dep))


def list_deployments(fx: Faas, query: dict) -> tuple[dict, str | None]:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    deps = [fx.settle(d) for d in fx.store.list("deployment", compartment_id=compartment)]
    if query.get("gatewayId"):
        deps = [d for d in deps if d.parent_id == query["gatewayId"]]
    deps = _filter(deps, query)
    items, nxt = page(deps, query, default_limit=100, max_limit=1000)
    return {"items": [models.deployment(d, fx.deployment_endpoint(d), summary=True) for d in items]}, nxt


def update_deployment(fx: Faas, dep_id: str, body: object) -> dict:
    body = require_object(body, "UpdateDeploymentDetails")
    dep = fx.get("deployment", dep_id)
    if body.get("specification") is not None:
        dep.doc["specification"] = validate_specification(fx, body["specification"])
        dep.state, dep.ready_at = "UPDATING", _ready_at(fx)
    if get_str(body, "displayName"):
        dep.name = body["displayName"]
    for tag in ("freeformTags", "definedTags"):
        if get_tags(body, tag) is not None:
            dep.doc[tag] = body[tag]
    dep.time_updated = fx.now()
    with fx.tx():
        fx.store.update(dep)
        return fx.work_request("UPDATE_DEPLOYMENT", dep, "UPDATED")


def delete_deployment(fx: Faas, dep_id: str) -> dict:
    dep = fx.get("deployment", dep_id)
    with fx.tx():
        headers = fx.work_request("DELETE_DEPLOYMENT", dep, "DELETED")
        fx.store.delete(dep.id)
    return headers


# -- work requests ----------------------------------------------------------------------------------

def get_work_request(fx: Faas, wr_id: str) -> dict:
    row = fx.store.find_work_request(wr_id)
    if row is None:
        raise errors.not_found("work request", wr_id)
    return models.work_request(row, fx.now())


def list_work_requests(fx: Faas, query: dict) -> tuple[dict, str | None]:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    rows = fx.store.list_work_requests(compartment, query.get("resourceId"))
    items, nxt = page(rows, query, default_limit=100, max_limit=1000)
    return {"items": [models.work_request(r, fx.now()) for r in items]}, nxt
