"""echo: the reliability fuzzer's function.  Always answers 200 with what it was given (sizes,
method, URL), whatever the body: so any 5xx seen through InvokeFunction or the gateway is
localoci's, not the function's."""

import hashlib
import io
import json

from fdk import response


def handler(ctx, data: io.BytesIO = None):
    raw = data.getvalue() if data else b""
    out = {
        "bytes": len(raw),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "method": ctx.Method(),
        "url": ctx.RequestURL(),
    }
    return response.Response(
        ctx,
        response_data=json.dumps(out),
        headers={"Content-Type": "application/json"},
        status_code=200,
    )
