"""A test function: echoes what the FDK handed it, and fails, sleeps or crashes on request.

Body: ``{"action": "echo" | "raise" | "sleep" | "exit" | "token", "status": N, "seconds": S}``.
"""

import io
import json
import os
import time

from fdk import response


def handler(ctx, data: io.BytesIO = None):
    raw = data.getvalue() if data else b""
    try:
        req = json.loads(raw) if raw.strip() else {}
    except ValueError:
        req = {}
    if not isinstance(req, dict):
        req = {}
    action = req.get("action", "echo")
    if action == "raise":
        raise RuntimeError("probe was asked to fail")
    if action == "sleep":
        time.sleep(float(req.get("seconds", 1)))
    if action == "exit":
        os._exit(3)
    out = {
        "headers": dict(ctx.Headers()),
        "httpHeaders": dict(ctx.HTTPHeaders()),
        "requestUrl": ctx.RequestURL(),
        "method": ctx.Method(),
        "env": {
            k: v for k, v in ctx.Config().items() if k.startswith(("FN_", "PROBE_", "OCI_", "APP_"))
        },
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "body": raw.decode("utf-8", "replace"),
    }
    if action == "token":
        with open(os.environ["OCI_RESOURCE_PRINCIPAL_RPST"]) as f:
            out["rpst"] = f.read()
        with open(os.environ["OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"]) as f:
            out["pem"] = f.read()
    return response.Response(
        ctx,
        response_data=json.dumps(out),
        headers={"Content-Type": "application/json", "X-Probe": "yes"},
        status_code=int(req.get("status", 200)),
    )
