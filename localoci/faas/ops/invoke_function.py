"""InvokeFunction: run a function once with the caller's body.

Rules:

* The body (at most 6 MB) goes to the function unchanged, with the caller's content type
  (default ``application/json``) and the caller's ``fn-*`` headers (``fn-intent``,
  ``fn-invoke-type`` ...) except ``fn-call-id`` and ``fn-deadline``, which the platform sets;
  plus ``oci-subject-type: user`` and ``oci-subject-id`` (the caller's user OCID), as OCI
  adds them.
* The FDK answers 200 (whatever status the function chose; without ``fn-intent:
  httprequest`` the FDK does not even pass it on), 502 (the function raised) or 504 (it timed
  out).  200 becomes the function's body and content type with its ``fn-*`` headers; 502 is
  ``FunctionInvokeExecutionFailed`` with the FDK's message; 504 ``FunctionInvokeTimeout``.
* A detached call (``fn-invoke-type: detached``) is accepted at once and runs in the
  background; a dry run runs nothing.  The wire answers 202 and 200 with no body for those.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ... import errors
from ..state import Faas

PLATFORM_SET = {"fn-call-id", "fn-deadline"}


@dataclass(frozen=True)
class Invoked:
    """What an invocation answered: the function's body and content type, and the ``fn-*``
    headers it sent back.  ``accepted``: a detached call, still running."""

    body: bytes = b""
    content_type: str = "application/octet-stream"
    fn_headers: dict[str, str] = field(default_factory=dict)
    accepted: bool = False


async def invoke_function(
    fx: Faas,
    fn_id: str,
    body: bytes,
    *,
    content_type: str | None,
    fn_headers: dict[str, str],
    caller: str | None,
    dry_run: bool = False,
) -> Invoked:
    """``fn_headers``: the caller's ``fn-*`` headers (lower-case names); ``caller``: the
    principal that signed the call (``<tenancy>/<user>/<fingerprint>`` or a token subject)."""
    fn = fx.get("function", fn_id, "function")
    app = fx.get("application", fn.parent_id, "application")
    if dry_run:
        return Invoked()
    headers = {k: v for k, v in fn_headers.items() if k not in PLATFORM_SET}
    headers["content-type"] = content_type if content_type is not None else "application/json"
    headers["oci-subject-type"] = "user"
    if caller:
        headers["oci-subject-id"] = caller.split("/")[1] if caller.count("/") == 2 else caller
    if headers.get("fn-invoke-type", "").lower() == "detached":
        fx.runtime.detach(_quiet(fx.runtime.invoke(fn, app, body, headers)))
        return Invoked(accepted=True)
    result = await fx.runtime.invoke(fn, app, body, headers)
    if result.status == 502:
        raise errors.function_failed(
            fn.name, result.body.decode("utf-8", "replace")[:2000] or "no detail"
        )
    if result.status == 504:
        raise errors.function_timeout(fn.name, float(fn.doc.get("timeoutInSeconds", 30)))
    return Invoked(
        body=result.body,
        content_type=result.header("content-type") or "application/octet-stream",
        fn_headers={k: v for k, v in result.headers if k.startswith("fn-")},
    )


async def _quiet(coro) -> None:
    try:
        await coro
    except errors.OciError:
        pass
