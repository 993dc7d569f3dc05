"""The API Gateway data plane: deployment endpoints served at ``<localoci>/_gateway/<key>/...``
locally, and at ``https://<gateway hostname>/...`` in region mode (the dispatcher hands every
request to a gateway's hostname here, with the key its first label names).

Unsigned, like a public OCI deployment.  A request ``<gateway>/<pathPrefix>/<route path>``
is matched against the ACTIVE deployments of that gateway (longest prefix first), then
against the routes (literal segments beat ``{param}``, which beats ``{wildcard*}``):

* no route for the path: 404; a route for the path but not the method: 405; a function that
  failed (the FDK answered 502, its process crashed or would not start) or an HTTP backend
  that cannot be reached: 502; a function that timed out: 504.  All answered by the gateway
  as ``{"code": <status>, "message": "<reason phrase>"}`` [OCI's exact body: unverified].
* ``ORACLE_FUNCTIONS_BACKEND``: the function is invoked as Fn's HTTP trigger does
  (reference §14.3): ``Fn-Intent: httprequest``, ``Fn-Http-Method``, ``Fn-Http-Request-Url``
  = path and query as received *on the gateway* (``/v1/hello?x=1``, including the deployment
  prefix, without localoci's ``/_gateway/<key>``), every client header ``X`` as
  ``Fn-Http-H-X`` (hop-by-hop headers dropped), ``Content-Type`` also unprefixed, and the
  client address as ``Fn-Http-H-Forwarded``, ``-X-Forwarded-For``, ``-X-Real-Ip``.  Back: the
  status in ``Fn-Http-Status`` (200 without it), ``Fn-Http-H-X`` as ``X``, ``Content-Type``
  and ``Fn-Call-Id`` kept, other invoke headers dropped.
* ``STOCK_RESPONSE_BACKEND``: its status, headers and body.
* ``HTTP_BACKEND``: the request forwarded to ``url`` (``${request.path[name]}``,
  ``${request.query[name]}`` and ``${request.headers[name]}`` substituted) with
  ``X-Real-IP``, ``X-Forwarded-For``, ``Forwarded``; its answer passed back.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request

from starlette.requests import Request
from starlette.responses import Response

from .. import errors
from ..ids import request_id
from .state import GATEWAY_MOUNT, Faas

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
_VAR = re.compile(r"\$\{request\.(path|query|headers)\[([^\]]+)\]\}")


def compile_route(path: str) -> tuple[re.Pattern, tuple[int, int]]:
    """A route path as a regex, and a sort key: more literal segments first, wildcards last."""
    segments = [s for s in path.strip("/").split("/") if s]
    parts, literal, wildcard = [], 0, 0
    for seg in segments:
        m = re.fullmatch(r"\{(\w+)(\*?)\}", seg)
        if m and m.group(2):
            parts.append(f"(?:/(?P<{m.group(1)}>.*))?")
            wildcard = 1
        elif m:
            parts.append(f"/(?P<{m.group(1)}>[^/]+)")
        else:
            parts.append("/" + re.escape(seg))
            literal += 1
    return re.compile("^" + "".join(parts) + "/?$"), (wildcard, -literal)


def match_route(routes: list[dict], path: str, method: str) -> tuple[dict | None, dict, bool]:
    """(route, path params, path matched at all)."""
    found = False
    candidates = []
    for route in routes:
        pattern, key = compile_route(route["path"])
        m = pattern.match(path if path != "/" else "")
        if m is None and path == "/":
            m = pattern.match("/")
        if m:
            candidates.append((key, route, {k: v or "" for k, v in m.groupdict().items()}))
    for _, route, params in sorted(candidates, key=lambda c: c[0]):
        found = True
        methods = route.get("methods") or ["GET"]
        if "ANY" in methods or method in methods or (method == "HEAD" and "GET" in methods):
            return route, params, True
    return None, {}, found


class GatewayApp:
    """ASGI app mounted by the dispatcher at ``/_gateway``."""

    def __init__(self, fx: Faas) -> None:
        self.fx = fx

    async def __call__(self, scope, receive, send) -> None:
        request = Request(scope, receive)
        rid = request_id(request.headers.get("opc-request-id"))
        try:
            response = await self.handle(request, rid)
        except errors.OciError as exc:
            response = self.error(exc.status, rid)
        except Exception:  # noqa: BLE001 - a gateway bug must still answer like a gateway
            import logging

            logging.getLogger("localoci.faas").exception("gateway error")
            response = self.error(502, rid)
        await response(scope, receive, send)

    @staticmethod
    def error(status: int, rid: str) -> Response:
        exc = errors.gateway_error(status)
        body = json.dumps({"code": status, "message": exc.message}).encode()
        return Response(
            body, status_code=status, media_type="application/json", headers={"opc-request-id": rid}
        )

    def _deployment(self, key: str, path: str):
        fx = self.fx
        gw = next(
            (fx.settle(g) for g in fx.store.list("gateway") if g.doc.get("hostKey") == key), None
        )
        if gw is None or gw.state != "ACTIVE":
            return None, None
        best = None
        for dep in fx.store.list("deployment", parent_id=gw.id):
            dep = fx.settle(dep)
            if dep.state not in ("ACTIVE", "UPDATING"):
                continue
            prefix = dep.doc["pathPrefix"]
            if (path == prefix or path.startswith(prefix + "/")) and (
                best is None or len(prefix) > len(best.doc["pathPrefix"])
            ):
                best = dep
        if best is None:
            return None, None
        return best, path[len(best.doc["pathPrefix"]) :] or "/"

    @staticmethod
    def locate(request: Request) -> tuple[str, str, str]:
        """The gateway key, and the path as the gateway received it (raw and decoded): from
        the hostname in region mode, from ``/_gateway/<key>/...`` locally."""
        raw_path = (request.scope.get("raw_path") or request.url.path.encode()).decode("latin-1")
        key = request.scope.get("localoci.host_key")
        if key is not None:
            return key, raw_path or "/", request.url.path or "/"
        rest = raw_path[len(GATEWAY_MOUNT) + 1 :]
        key, _, _ = rest.partition("/")
        gw_raw_path = raw_path[len(GATEWAY_MOUNT) + 1 + len(key) :] or "/"
        gw_path = request.url.path[len(GATEWAY_MOUNT) + 1 + len(key) :] or "/"
        return key, gw_raw_path, gw_path

    async def handle(self, request: Request, rid: str) -> Response:
        key, gw_raw_path, gw_path = self.locate(request)
        dep, route_path = self._deployment(key, gw_path)
        if dep is None:
            raise errors.gateway_error(404)
        method = request.method.upper()
        route, params, path_found = match_route(
            dep.doc["specification"].get("routes", []), route_path, method
        )
        if route is None:
            raise errors.gateway_error(405 if path_found else 404)
        body = await request.body()
        qs = request.scope.get("query_string", b"").decode("latin-1")
        request_url = gw_raw_path + ("?" + qs if qs else "")
        backend = route["backend"]
        btype = backend["type"]
        if btype == "STOCK_RESPONSE_BACKEND":
            headers = {h["name"]: h["value"] for h in backend.get("headers") or []}
            headers["opc-request-id"] = rid
            content = (backend.get("body") or "").encode()
            return Response(
                b"" if method == "HEAD" else content, status_code=backend["status"], headers=headers
            )
        if btype == "ORACLE_FUNCTIONS_BACKEND":
            return await self._function(
                backend["functionId"], request, method, request_url, body, rid
            )
        return await self._http(backend, request, method, params, body, rid)

    def _client_headers(self, request: Request) -> dict[str, str]:
        out: dict[str, str] = {}
        for k, v in request.headers.items():
            k = k.lower()
            if k in HOP_BY_HOP:
                continue
            out[k] = f"{out[k]}, {v}" if k in out else v
        return out

    async def _function(
        self, fn_id: str, request: Request, method: str, request_url: str, body: bytes, rid: str
    ) -> Response:
        fx = self.fx
        fn = fx.store.find("function", fn_id)
        app = fx.store.find("application", fn.parent_id) if fn and fn.parent_id else None
        if fn is None or app is None:
            raise errors.gateway_error(502)
        client_ip = request.client.host if request.client else "127.0.0.1"
        headers = {
            "fn-intent": "httprequest",
            "fn-invoke-type": "sync",
            "fn-http-method": method,
            "fn-http-request-url": request_url,
            "opc-request-id": rid,
        }
        client = self._client_headers(request)
        for k, v in client.items():
            headers[f"fn-http-h-{k}"] = v
        headers["fn-http-h-forwarded"] = f"for={client_ip}"
        headers["fn-http-h-x-forwarded-for"] = client_ip
        headers["fn-http-h-x-real-ip"] = client_ip
        headers["content-type"] = client.get("content-type", "application/octet-stream")
        try:
            result = await fx.runtime.invoke(fn, app, body, headers)
        except errors.OciError as exc:
            raise errors.gateway_error(504 if exc.status == 504 else 502) from None
        if result.status != 200:
            raise errors.gateway_error(504 if result.status == 504 else 502)
        status_text = result.header("fn-http-status")
        status = int(status_text) if status_text and status_text.isdigit() else 200
        out: list[tuple[str, str]] = []
        for k, v in result.headers:
            if k.startswith("fn-http-h-"):
                out.append((k[len("fn-http-h-") :], v))
            elif k in ("content-type", "fn-call-id"):
                out.append((k, v))
        out.append(("opc-request-id", rid))
        response = Response(b"" if method == "HEAD" else result.body, status_code=status)
        for k, v in out:
            if k.lower() == "content-length":
                continue
            response.headers.append(k, v)
        return response

    async def _http(
        self, backend: dict, request: Request, method: str, params: dict, body: bytes, rid: str
    ) -> Response:
        def sub(m: re.Match) -> str:
            where, name = m.group(1), m.group(2)
            if where == "path":
                return params.get(name, "")
            if where == "query":
                return request.query_params.get(name, "")
            return request.headers.get(name, "")

        url = _VAR.sub(sub, backend["url"])
        client_ip = request.client.host if request.client else "127.0.0.1"
        headers = {k: v for k, v in self._client_headers(request).items() if k != "host"}
        headers.update(
            {
                "x-real-ip": client_ip,
                "x-forwarded-for": client_ip,
                "forwarded": f"for={client_ip}",
                "user-agent": "Oracle API Gateway",
            }
        )
        timeout = float(backend.get("readTimeoutInSeconds") or 60)

        def call() -> tuple[int, list[tuple[str, str]], bytes]:
            req = urllib.request.Request(url, data=body or None, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=timeout) as r:
                    return r.status, list(r.headers.items()), r.read()
            except urllib.error.HTTPError as e:
                return e.code, list(e.headers.items()), e.read()

        try:
            status, hdrs, content = await asyncio.to_thread(call)
        except (OSError, ValueError):
            raise errors.gateway_error(502) from None
        response = Response(content, status_code=status)
        for k, v in hdrs:
            if k.lower() not in HOP_BY_HOP and k.lower() not in ("date", "server"):
                response.headers.append(k, v)
        response.headers["opc-request-id"] = rid
        return response
