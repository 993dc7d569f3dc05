"""The wire layer: routes, JSON in and out, headers, the signature check, error rendering.

Only this module (and the route tables other parts register) know HTTP.  Every response
carries ``opc-request-id``; every error is ``{"code", "message"}``; bad input never becomes a
500.  Paths are matched after collapsing duplicate slashes and dropping any prefix before
the API version (``/streaming/20180418/...`` works), while the signature is checked against
the raw request target as received.

Each route belongs to a *plane* (``streaming``, ``messages``, ``identity``, ``functions``,
``functions-invoke``, ``apigateway``, ``control``).  Locally every plane answers on the one
URL.  In region mode (:mod:`.region`) the ``Host`` a request names picks the plane: only that
plane's routes match (a GetMessages sent to the admin host is 404, as on OCI), a gateway's
hostname goes to the app :meth:`Dispatcher.mount_host` registered for ``gateway``, and a name
outside the region is 404.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

import orjson
from starlette.requests import Request
from starlette.responses import Response

from . import auth, errors
from .ids import request_id
from .service import Service

log = logging.getLogger("localoci")

MAX_BODY = 8 * 1024 * 1024
VERSIONS = ("20180418", "20181201", "20260325", "20190501", "20160918")
_VERSION_RE = re.compile(r"/(?:%s)/" % "|".join(VERSIONS))


@dataclass
class WireRequest:
    method: str
    path: str  # normalised, version included
    params: dict[str, str]  # path parameters, percent-decoded
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    principal: str | None = None
    client: str = ""
    raw: Request | None = None

    def json(self, empty_ok: bool = False) -> object:
        if not self.body.strip():
            if empty_ok:
                return {}
            raise errors.cannot_parse("the request body is empty; send a JSON object")
        try:
            # orjson: strict JSON (no NaN, no lone surrogates, 1024 levels deep at most), and
            # four times faster than json on the 1 MiB bodies PutMessages takes.
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as exc:
            raise errors.cannot_parse(str(exc)) from None


@dataclass
class WireResponse:
    status: int = 200
    body: object = None  # JSON-able, or bytes (sent as is), or None (no body)
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


# A handler answers at once or, when it must wait (a function call), as a coroutine.
Handler = Callable[[Service, WireRequest], WireResponse | Awaitable[WireResponse]]


@dataclass
class Route:
    method: str
    pattern: re.Pattern
    handler: Handler
    signed: bool = True  # verify the OCI request signature
    body_signed: bool = True  # False for PutMessages (short header list)
    name: str = ""
    plane: str = ""  # which service's hostname serves it in region mode (see the docstring)


def route(method: str, path: str, handler: Handler, **kw) -> Route:
    """``path`` uses ``{name}`` for one segment."""
    regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$"
    return Route(method, re.compile(regex), handler, name=kw.pop("name", handler.__name__), **kw)


def normalise(path: str) -> str:
    path = re.sub(r"/{2,}", "/", path)
    m = _VERSION_RE.search(path + ("/" if not path.endswith("/") else ""))
    if m and m.start() > 0:
        path = path[m.start() :]
    return path.rstrip("/") or "/"


def json_bytes(obj: object) -> bytes:
    """Compact UTF-8 JSON (what ``json.dumps(separators=(",", ":"), ensure_ascii=False)`` gives)."""
    return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)


def error_response(exc: errors.OciError, rid: str) -> Response:
    headers = {"opc-request-id": rid, **exc.headers}
    return Response(
        json_bytes(exc.to_wire()),
        status_code=exc.status,
        headers=headers,
        media_type="application/json",
    )


class Dispatcher:
    """An ASGI app over a route table; other modules add routes with :meth:`add`."""

    def __init__(self, svc: Service, routes: list[Route], *, by_host: bool = False) -> None:
        """``by_host``: route by the ``Host`` header's plane (``svc.realm``'s names)."""
        self.svc = svc
        self.routes = list(routes)
        self.last_request = time.monotonic()
        self.prefix_apps: list[tuple[str, Callable]] = []
        self.host_apps: dict[str, Callable] = {}
        self.by_host = by_host and svc.realm is not None

    def add(self, routes: list[Route]) -> None:
        self.routes.extend(routes)

    def mount(self, prefix: str, app: Callable) -> None:
        """Hand every request under ``prefix`` to another ASGI app (e.g. the API gateway)."""
        self.prefix_apps.append((prefix, app))

    def mount_host(self, plane: str, app: Callable) -> None:
        """In region mode, hand every request to a hostname of ``plane`` to another ASGI app
        (``scope["localoci.host_key"]`` carries the key the hostname's first label names)."""
        self.host_apps[plane] = app

    def plane(self, scope) -> tuple[str, str | None] | None:
        """The plane and key of the request's ``Host`` (region mode), or None if outside."""
        realm = self.svc.realm
        assert realm is not None
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        return realm.plane_of(host)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        self.last_request = time.monotonic()
        plane: str | None = None
        if self.by_host:
            found = self.plane(scope)
            plane = found[0] if found else "(none)"
            if found and found[0] in self.host_apps:
                await self.host_apps[found[0]](
                    {**scope, "localoci.host_key": found[1]}, receive, send
                )
                return
        else:
            for prefix, app in self.prefix_apps:
                if scope["path"].startswith(prefix):
                    await app(scope, receive, send)
                    return
        request = Request(scope, receive)
        response = await self.handle(request, plane)
        await response(scope, receive, send)

    async def _lifespan(self, scope, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.svc.lifecycle.startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.svc.lifecycle.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def handle(self, request: Request, plane: str | None = None) -> Response:
        """Serve one request; with ``plane`` (region mode), only that plane's routes."""
        headers = {k.lower(): v for k, v in request.headers.items()}
        rid = request_id(headers.get("opc-request-id"))
        svc = self.svc
        try:
            path = normalise(request.url.path)
            method = request.method.upper()
            match, allowed = None, False
            for r in self.routes:
                if plane is not None and r.plane != plane:
                    continue
                m = r.pattern.match(path)
                if m:
                    allowed = True
                    if r.method == method:
                        match = (r, m)
                        break
            if match is None:
                raise (
                    errors.method_not_allowed(method, path)
                    if allowed
                    else errors.no_route(method, path)
                )
            r, m = match
            body = await self._read_body(request)
            raw_path = request.scope.get("raw_path") or request.url.path.encode()
            qs = request.scope.get("query_string", b"")
            target = raw_path.decode("latin-1") + (("?" + qs.decode("latin-1")) if qs else "")
            wreq = WireRequest(
                method=method,
                path=path,
                params={k: unquote(v) for k, v in m.groupdict().items()},
                query=dict(parse_qsl(qs.decode("latin-1"), keep_blank_values=True)),
                headers=headers,
                body=body,
                client=request.client.host if request.client else "",
                raw=request,
            )
            if r.signed and svc.config.auth:
                try:
                    wreq.principal = auth.verify(
                        method=method,
                        target=target,
                        headers=headers,
                        body=body,
                        lookup_key=svc.store.api_key,
                        secret=svc.secret,
                        body_signed=r.body_signed,
                    )
                except errors.OciError:
                    svc.count("auth_failures")
                    raise
            svc.count(f"op:{r.name}")
            result = r.handler(svc, wreq)
            if not isinstance(result, WireResponse):
                result = await result
            out_headers = {"opc-request-id": rid, **result.headers}
            if result.body is None:
                return Response(status_code=result.status, headers=out_headers)
            if isinstance(result.body, bytes | bytearray):
                return Response(
                    bytes(result.body),
                    status_code=result.status,
                    headers=out_headers,
                    media_type=result.media_type,
                )
            return Response(
                json_bytes(result.body),
                status_code=result.status,
                headers=out_headers,
                media_type=result.media_type,
            )
        except errors.OciError as exc:
            return error_response(exc, rid)
        except Exception:  # noqa: BLE001 - the one place a bug becomes a clean 500
            log.exception("internal error handling %s %s", request.method, request.url.path)
            svc.count("internal_errors")
            return error_response(
                errors.internal(
                    "localoci hit an internal error; see server.log in its data directory."
                ),
                rid,
            )

    async def _read_body(self, request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY:
            raise errors.invalid_parameter(
                f"Request size is limited: bodies over {MAX_BODY} bytes are refused."
            )
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise errors.invalid_parameter(
                    f"Request size is limited: bodies over {MAX_BODY} bytes are refused."
                )
            chunks.append(chunk)
        return b"".join(chunks)
