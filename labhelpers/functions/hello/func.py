"""hello: greet the caller and publish an event describing the call to an OCI stream.

A function on the Python FDK, deployed unchanged with ``fn deploy`` to OCI Functions or
to localoci (which runs this same file through the same FDK).

Configuration (``fn config function <app> hello KEY VALUE``, delivered as env vars):

* ``STREAM_OCID`` (required): the stream to publish to;
* ``STREAM_MESSAGES_ENDPOINT`` (optional): the stream's messages endpoint; without it the
  function asks the Streaming admin API (GetStream) once and remembers the answer.
* ``STREAMING_ADMIN_ENDPOINT`` (optional): where that admin API is, if not the region's.

Credentials: resource principals (``oci.auth.signers.get_resource_principals_signer()``),
the function's own identity; no key or config file is baked into the image.  On OCI a
dynamic group with ``resource.type = 'fnfunc'`` needs ``use stream-push`` (and ``read
streams`` if the endpoint is derived).

Answers (JSON, ``Content-Type: application/json``):

* 200 ``{"greeting", "name", "stream", "partition", "offset", ...}`` once the event is stored;
* 400 ``{"error": "bad_request", ...}`` for no body, invalid JSON or a missing/non-string
  name; nothing is published;
* 503 ``{"error": "publish_failed", "reason": ...}`` when the stream refused or could not be
  reached.  Not 502: the FDK reserves 502 for "the function crashed", and the platform
  replaces the body of a 502 with its own error, so the reason would be lost.
* 500 ``{"error": "misconfigured", ...}`` when ``STREAM_OCID`` is not set.

Behind API Gateway these statuses reach the HTTP client.  On a direct ``fn invoke`` the FDK
reports 200 to the platform for any status but 502/504, so read ``status`` in the body.
"""

import base64
import datetime
import io
import json

import oci
from fdk import response

# timezone.utc, not datetime.UTC (3.11+): the function also runs on older Python images on OCI.
UTC = datetime.timezone.utc  # noqa: UP017

MAX_NAME = 200
_cache: dict = {}  # warm between invocations of the same container: signer, clients, endpoint


class BadInput(ValueError):
    """The request body is not ``{"name": "<text>"}``."""


def parse_name(data):
    raw = data.getvalue() if isinstance(data, io.BytesIO) else (data or b"")
    if isinstance(raw, str):
        raw = raw.encode()
    if not raw.strip():
        raise BadInput('the request has no body; send JSON like {"name": "Ada"}')
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadInput(f'the body is not valid JSON ({exc}); send {{"name": "Ada"}}') from None
    if not isinstance(body, dict) or "name" not in body:
        raise BadInput('the JSON has no "name"; send {"name": "Ada"}')
    name = body["name"]
    if not isinstance(name, str) or not name.strip():
        raise BadInput('"name" must be a non-empty string, e.g. {"name": "Ada"}')
    if len(name) > MAX_NAME:
        raise BadInput(f'"name" is longer than {MAX_NAME} characters')
    return name.strip()


def _signer():
    if "signer" not in _cache:
        _cache["signer"] = oci.auth.signers.get_resource_principals_signer()
    return _cache["signer"]


def _messages_endpoint(cfg, stream_id):
    endpoint = cfg.get("STREAM_MESSAGES_ENDPOINT")
    if endpoint:
        return endpoint
    key = ("endpoint", stream_id)
    if key not in _cache:
        signer = _signer()
        kwargs = {"signer": signer, "timeout": (5, 20)}
        if cfg.get("STREAMING_ADMIN_ENDPOINT"):
            kwargs["service_endpoint"] = cfg["STREAMING_ADMIN_ENDPOINT"]
        admin = oci.streaming.StreamAdminClient({"region": signer.region}, **kwargs)
        _cache[key] = admin.get_stream(stream_id).data.messages_endpoint
    return _cache[key]


def _stream_client(endpoint):
    key = ("client", endpoint)
    if key not in _cache:
        _cache[key] = oci.streaming.StreamClient(
            {}, signer=_signer(), service_endpoint=endpoint, timeout=(5, 20)
        )
    return _cache[key]


def publish(cfg, stream_id, key, event):
    """Put one message; return (partition, offset).  Raise RuntimeError with the reason."""
    try:
        client = _stream_client(_messages_endpoint(cfg, stream_id))
        entry = oci.streaming.models.PutMessagesDetailsEntry(
            key=base64.b64encode(key.encode()).decode(),
            value=base64.b64encode(json.dumps(event).encode()).decode(),
        )
        result = client.put_messages(
            stream_id, oci.streaming.models.PutMessagesDetails(messages=[entry])
        ).data
    except oci.exceptions.ServiceError as exc:
        raise RuntimeError(f"{exc.status} {exc.code}: {exc.message}") from None
    except Exception as exc:  # connection refused, timeout, bad credentials ...
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None
    stored = result.entries[0]
    if stored.error:
        raise RuntimeError(f"{stored.error}: {stored.error_message}")
    return stored.partition, stored.offset


def _json(ctx, status, body):
    body = {"status": status, **body}
    return response.Response(
        ctx,
        response_data=json.dumps(body),
        headers={"Content-Type": "application/json"},
        status_code=status,
    )


def handler(ctx, data: "io.BytesIO | None" = None):  # quoted: older Fn images run older Pythons
    try:
        name = parse_name(data)
    except BadInput as exc:
        return _json(ctx, 400, {"error": "bad_request", "message": str(exc)})
    cfg = ctx.Config()
    stream_id = cfg.get("STREAM_OCID")
    if not stream_id:
        return _json(
            ctx,
            500,
            {
                "error": "misconfigured",
                "message": "STREAM_OCID is not set: fn config function <app> hello STREAM_OCID <stream ocid>",
            },
        )
    greeting = f"Hello, {name}!"
    event = {
        "event": "hello.invoked",
        "name": name,
        "greeting": greeting,
        "invokedAt": datetime.datetime.now(UTC).isoformat(timespec="milliseconds"),
        "callId": ctx.CallID(),
        "function": ctx.FnName(),
        "functionId": ctx.FnID(),
        "via": "http" if ctx.Method() else "invoke",
        "method": ctx.Method(),
        "requestUrl": ctx.RequestURL(),
    }
    try:
        partition, offset = publish(cfg, stream_id, name, event)
    except RuntimeError as exc:
        return _json(
            ctx,
            503,
            {
                "error": "publish_failed",
                "message": "the event could not be published to the stream",
                "reason": str(exc),
            },
        )
    return _json(
        ctx,
        200,
        {
            "greeting": greeting,
            "name": name,
            "stream": stream_id,
            "partition": partition,
            "offset": offset,
            "callId": ctx.CallID(),
        },
    )
