"""One error type for everything localoci answers with a non-2xx status.

Operations raise :class:`OciError` through the named constructors below; the wire layer
renders it once, as OCI does: ``{"code": ..., "message": ...}`` with the HTTP status.
"""

from __future__ import annotations


class OciError(Exception):
    """An error with OCI's shape: HTTP status, ``code`` and ``message``."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def to_wire(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"OciError({self.status}, {self.code!r}, {self.message!r})"


# -- 400 -------------------------------------------------------------------------------------


def invalid_parameter(message: str) -> OciError:
    return OciError(400, "InvalidParameter", message)


def missing_parameter(name: str) -> OciError:
    return OciError(400, "MissingParameter", f"Missing required parameter '{name}'.")


def cannot_parse(detail: str) -> OciError:
    return OciError(400, "CannotParseRequest", f"Unable to parse JSON body: {detail}")


def request_too_large(size: int, limit: int) -> OciError:
    return OciError(
        400,
        "InvalidParameter",
        f"Request size is limited to 1 MiB ({limit} bytes of decoded keys and values); "
        f"this request has {size}. Split it into smaller batches.",
    )


def cursor_expired() -> OciError:
    return OciError(400, "InvalidParameter", "The cursor is expired. Create a new one.")


def cursor_invalid() -> OciError:
    return OciError(400, "InvalidParameter", "The cursor is invalid. Create a new one.")


def cursor_outside_retention() -> OciError:
    return OciError(
        400, "InvalidParameter", "The cursor is outside the retention period and is now invalid."
    )


def unreserved_partition(partition: str) -> OciError:
    return OciError(
        400,
        "InvalidParameter",
        f"Trying to commit unreserved partition {partition}: this instance no longer holds it "
        "(its reservation timed out and the group was rebalanced). Create a new group cursor.",
    )


def limit_exceeded(message: str) -> OciError:
    return OciError(400, "LimitExceeded", message)


# -- 401 / 404 / 405 / 409 / 412 ---------------------------------------------------------------


def not_authenticated(reason: str) -> OciError:
    return OciError(
        401,
        "NotAuthenticated",
        f"The required information to complete authentication was not provided or was "
        f"incorrect: {reason}",
        headers={"WWW-Authenticate": 'Signature headers="date (request-target) host"'},
    )


def stream_not_found(stream_id: str) -> OciError:
    return OciError(404, "NotAuthorizedOrNotFound", f"Unknown stream {stream_id}.")


def not_found(kind: str, ident: str) -> OciError:
    return OciError(
        404,
        "NotAuthorizedOrNotFound",
        f"Authorization failed or requested resource not found: {kind} {ident}.",
    )


def no_route(method: str, path: str) -> OciError:
    return OciError(404, "NotFound", f"There is no operation at {method} {path}.")


def method_not_allowed(method: str, path: str) -> OciError:
    return OciError(405, "MethodNotAllowed", f"Method {method} is not allowed on {path}.")


def conflict(message: str) -> OciError:
    return OciError(409, "Conflict", message)


def incorrect_state(message: str) -> OciError:
    return OciError(409, "IncorrectState", message)


def etag_mismatch(resource: str) -> OciError:
    return OciError(
        412, "NoEtagMatch", f"The if-match value does not match the current etag of {resource}."
    )


# -- 429 / 5xx --------------------------------------------------------------------------------


def too_many_requests(what: str, wait_ms: int) -> OciError:
    return OciError(
        429,
        "TooManyRequests",
        f"Request was throttled because {what}, next request can be made in {wait_ms} ms",
    )


def internal(message: str = "Internal error.") -> OciError:
    return OciError(500, "InternalServerError", message)


def storage_unavailable(detail: str) -> OciError:
    return OciError(
        503,
        "ServiceUnavailable",
        f"localoci cannot write to its data directory ({detail}). Free disk space or make the "
        "data directory writable, then retry; nothing was stored.",
    )


# -- Functions and API Gateway (localoci.faas) ------------------------------------------------


def function_failed(name: str, detail: str) -> OciError:
    """The function ran and failed (the FDK answered 502: an uncaught exception, a crash)."""
    return OciError(502, "FunctionInvokeExecutionFailed", f"Function {name} failed: {detail}")


def function_start_failed(name: str, detail: str) -> OciError:
    return OciError(
        502, "FunctionInvokeImageNotAvailable", f"Function {name} could not start: {detail}"
    )


def function_timeout(name: str, seconds: float) -> OciError:
    return OciError(
        504,
        "FunctionInvokeTimeout",
        f"Function {name} did not answer within its timeout of {seconds:g} s; it was stopped. "
        "Raise timeoutInSeconds (UpdateFunction) or make the function faster.",
    )


def payload_too_large(size: int, limit: int) -> OciError:
    return OciError(
        413, "PayloadTooLarge", f"The request body is {size} bytes; the limit is {limit} bytes."
    )


def gateway_error(status: int) -> OciError:
    """An API Gateway's own answer: rendered by the gateway as ``{"code": <status>, "message"}``."""
    messages = {
        404: "Not Found",
        405: "Method Not Allowed",
        502: "Bad Gateway",
        504: "Gateway Timeout",
    }
    return OciError(status, str(status), messages.get(status, "Error"))
