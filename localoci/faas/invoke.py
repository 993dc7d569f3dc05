"""InvokeFunction: ``POST /{20181201,20260325}/functions/{id}/actions/invoke`` (signed).

Rules:

* The body (at most 6 MB) goes to the function unchanged; ``content-type``, ``fn-intent``,
  ``fn-invoke-type`` and any other ``fn-*`` headers of the request are passed on, plus
  ``Oci-Subject-Type: user`` and ``Oci-Subject-Id`` (the caller) as OCI adds them.
* The FDK answers 200 (whatever status the function chose; without ``fn-intent:
  httprequest`` the FDK does not even pass it on), 502 (the function raised) or 504 (it timed
  out).  200 becomes the function's body and content type with its ``fn-*`` headers; 502 is
  ``FunctionInvokeExecutionFailed`` with the FDK's message; 504 ``FunctionInvokeTimeout``.
* ``fn-invoke-type: detached`` answers 202 at once and runs the call in the background;
  ``is-dry-run: true`` answers 200 without running anything.
"""

from __future__ import annotations

from .. import errors
from ..wire import WireRequest, WireResponse
from .state import Faas

_SKIP = {"fn-call-id", "fn-deadline"}


async def invoke_function(fx: Faas, r: WireRequest) -> WireResponse:
    fn = fx.get("function", r.params["fn_id"], "function")
    app = fx.get("application", fn.parent_id, "application")
    if r.headers.get("is-dry-run", "").lower() == "true":
        return WireResponse(200, b"", media_type="application/octet-stream")
    headers = {k: v for k, v in r.headers.items() if k.startswith("fn-") and k not in _SKIP}
    headers["content-type"] = r.headers.get("content-type", "application/json")
    headers["oci-subject-type"] = "user"
    if r.principal:
        headers["oci-subject-id"] = r.principal.split("/")[1] if r.principal.count("/") == 2 else r.principal
    if r.headers.get("fn-invoke-type", "").lower() == "detached":
        fx.runtime.detach(_quiet(fx.runtime.invoke(fn, app, r.body, headers)))
        return WireResponse(202, b"", media_type="application/octet-stream")
    result = await fx.runtime.invoke(fn, app, r.body, headers)
    if result.status == 502:
        raise errors.function_failed(fn.name, result.body.decode("utf-8", "replace")[:2000] or "no detail")
    if result.status == 504:
        raise errors.function_timeout(fn.name, float(fn.doc.get("timeoutInSeconds", 30)))
    out = {k: v for k, v in result.headers if k.startswith("fn-")}
    return WireResponse(200, result.body, out,
                        media_type=result.header("content-type") or "application/octet-stream")


async def _quiet(coro) -> None:
    try:
        await coro
    except errors.OciError:
        pass
