"""The deployment specification: OCI's ApiSpecification JSON, as localoci accepts it.

Rules (checked on CreateDeployment and UpdateDeployment; a 400 names the route):

* ``routes`` is an array.  Each route needs a ``path`` starting with ``/`` (segments may be
  ``{name}`` or, last, ``{name*}``), ``methods`` from ANY, HEAD, GET, POST, PUT, PATCH,
  DELETE, OPTIONS (default ``["GET"]``) and a backend:
* ``ORACLE_FUNCTIONS_BACKEND`` (``functionId`` of a function localoci knows),
  ``HTTP_BACKEND`` (an http(s) ``url``, timeouts) or ``STOCK_RESPONSE_BACKEND`` (``status``
  100..599, ``body`` a string, ``headers`` an array of ``{name, value}``).  Other backends are
  refused (400); request/response/logging policies are stored and ignored.
"""

from __future__ import annotations

import re

from ... import errors
from ..state import Faas

METHODS = ("ANY", "HEAD", "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
BACKENDS = ("ORACLE_FUNCTIONS_BACKEND", "HTTP_BACKEND", "STOCK_RESPONSE_BACKEND")
_SEGMENT = re.compile(r"^(\{[A-Za-z0-9_]+\*?\}|[A-Za-z0-9._~\-:@!$&'()+,;=%]*)$")


def validate_specification(fx: Faas, spec: object) -> dict:
    if not isinstance(spec, dict):
        raise errors.invalid_parameter(
            "'specification' must be an ApiSpecification object with 'routes'."
        )
    routes = spec.get("routes")
    if not isinstance(routes, list):
        raise errors.invalid_parameter("specification.routes must be an array of routes.")
    for i, route in enumerate(routes):
        where = f"specification.routes[{i}]"
        if not isinstance(route, dict):
            raise errors.invalid_parameter(
                f"{where} must be an object with path, methods and backend."
            )
        path = route.get("path")
        if not isinstance(path, str) or not path.startswith("/"):
            raise errors.invalid_parameter(
                f"{where}.path must be a string starting with '/', e.g. /hello."
            )
        segments = path.strip("/").split("/") if path != "/" else []
        for j, seg in enumerate(segments):
            if not _SEGMENT.match(seg):
                raise errors.invalid_parameter(f"{where}.path segment {seg!r} is not valid.")
            if seg.endswith("*}") and j != len(segments) - 1:
                raise errors.invalid_parameter(
                    f"{where}.path: a wildcard parameter {seg} must be the last segment."
                )
        methods = route.setdefault("methods", ["GET"])
        if not isinstance(methods, list) or not methods or any(m not in METHODS for m in methods):
            raise errors.invalid_parameter(
                f"{where}.methods must be a non-empty array of {', '.join(METHODS)}."
            )
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
                raise errors.invalid_parameter(
                    f"{where}.backend.status must be an HTTP status code (100-599)."
                )
            headers = backend.get("headers") or []
            if not isinstance(headers, list) or not all(
                isinstance(h, dict)
                and isinstance(h.get("name"), str)
                and isinstance(h.get("value"), str)
                for h in headers
            ):
                raise errors.invalid_parameter(
                    f"{where}.backend.headers must be an array of {{name, value}} strings."
                )
            if backend.get("body") is not None and not isinstance(backend["body"], str):
                raise errors.invalid_parameter(f"{where}.backend.body must be a string.")
    return spec
