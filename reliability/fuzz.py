"""fuzz: schema-driven fuzzing of every endpoint localoci emulates.

The routes come from the server's own tables (Streaming, localoci's ``/_localoci/``,
Functions management and invoke, API Gateway management), plus the gateway data plane
(``/_gateway/<key>/...``).  Bodies are generated from the OCI SDK's own request models
(``swagger_types``: the schema the real service publishes), then mutated: fields dropped,
types swapped, extreme numbers and strings, unknown fields, nesting.  Besides: non-JSON and
broken encodings (invalid UTF-8, UTF-16, BOM, NaN, duplicate keys, 100 000-deep nesting),
bodies up to ~9 MB, path parameters (valid ids, other kinds' OCIDs, unicode, percent-escapes,
5 000 characters), query strings (the operations' own parameters with bad values, unknown
and repeated keys, bad escapes, stale and bit-flipped cursors), headers (``if-match``,
``opc-request-id``, content types, ``fn-*``, ``content-encoding``), wrong methods.  About
85 % are signed with ``oci.signer.Signer`` (so they reach the operation), the rest unsigned.

Every answer must be below 500; every error body OCI's ``{"code": str, "message": str}``
(the gateway's own errors ``{"code": <status as a number>, "message"}``, see
faas/COVERAGE.md); and afterwards the server must be alive, have logged no internal error,
and a canary stream's messages must be unchanged.  Each case derives from (seed, index):
rerun with the same seed to reproduce one.
"""

from __future__ import annotations

import base64
import json
import random
import re
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import oci

from . import common, kafka_fuzz
from .auth import FAKE
from .common import Result, b64

ECHO_DIR = Path(__file__).resolve().parent / "functions" / "echo"

MODELS = {
    "PutMessages": oci.streaming.models.PutMessagesDetails,
    "CreateCursor": oci.streaming.models.CreateCursorDetails,
    "CreateGroupCursor": oci.streaming.models.CreateGroupCursorDetails,
    "UpdateGroup": oci.streaming.models.UpdateGroupDetails,
    "CreateStream": oci.streaming.models.CreateStreamDetails,
    "UpdateStream": oci.streaming.models.UpdateStreamDetails,
    "ChangeStreamCompartment": oci.streaming.models.ChangeStreamCompartmentDetails,
    "CreateStreamPool": oci.streaming.models.CreateStreamPoolDetails,
    "UpdateStreamPool": oci.streaming.models.UpdateStreamPoolDetails,
    "CreateApplication": oci.functions.models.CreateApplicationDetails,
    "UpdateApplication": oci.functions.models.UpdateApplicationDetails,
    "CreateFunction": oci.functions.models.CreateFunctionDetails,
    "UpdateFunction": oci.functions.models.UpdateFunctionDetails,
    "CreateGateway": oci.apigateway.models.CreateGatewayDetails,
    "UpdateGateway": oci.apigateway.models.UpdateGatewayDetails,
    "CreateDeployment": oci.apigateway.models.CreateDeploymentDetails,
    "UpdateDeployment": oci.apigateway.models.UpdateDeploymentDetails,
}
MODEL_MODULES = (oci.streaming.models, oci.functions.models, oci.apigateway.models)
QUERY_NAMES = (
    "limit",
    "page",
    "cursor",
    "compartmentId",
    "name",
    "id",
    "lifecycleState",
    "sortBy",
    "sortOrder",
    "streamPoolId",
    "displayName",
    "applicationId",
    "gatewayId",
    "resourceId",
    "workRequestId",
    "timeCreated",
)
ENUMS = (
    "TRIM_HORIZON",
    "LATEST",
    "AT_TIME",
    "AT_OFFSET",
    "AFTER_OFFSET",
    "ACTIVE",
    "DELETED",
    "CREATING",
    "CONTAINER_IMAGE",
    "PUBLIC",
    "PRIVATE",
    "ORACLE_FUNCTIONS_BACKEND",
    "HTTP_BACKEND",
    "STOCK_RESPONSE_BACKEND",
    "NAME",
    "TIMECREATED",
    "ASC",
    "DESC",
    "ANY",
    "GET",
    "",
)


# -- value generators -------------------------------------------------------------------------------


def weird_string(rng: random.Random) -> str:
    choice = rng.randrange(12)
    if choice == 0:
        return ""
    if choice == 1:
        return "x" * rng.choice((256, 1025, 5000, 70_000))
    if choice == 2:
        return "".join(
            chr(rng.choice((0, 1, 0x7F, 0xA0, 0xFFFD, 0x202E, 0x1F600, 0xD7FF, 0x10FFFF)))
            for _ in range(rng.randint(1, 20))
        )
    if choice == 3:
        return rng.choice(
            (
                "../../etc/passwd",
                "%00",
                "%2F..%2F",
                "%ZZ",
                "\\x00",
                "' OR 1=1 --",
                "${jndi:x}",
                "<script>",
                "null",
                "NaN",
                "-1",
                "1e309",
                "0x10",
                " ",
                "\t\n",
            )
        )
    if choice == 4:
        return (
            f"ocid1.{rng.choice(('stream', 'streampool', 'fnapp', 'fnfunc', 'tenancy', 'apigateway', 'user'))}"
            f".oc1.local.{rng.choice(('', 'a' * 60, 'zz'))}"
        )
    if choice == 5:
        return rng.choice(ENUMS).lower() if rng.random() < 0.3 else rng.choice(ENUMS)
    if choice == 6:
        return base64.b64encode(rng.randbytes(rng.randint(0, 64))).decode()
    if choice == 7:
        return "2026-13-45T99:99:99Z" if rng.random() < 0.5 else "2020-01-01T00:00:00.000Z"
    return "".join(rng.choice("abcXYZ019_-./:é漢") for _ in range(rng.randint(1, 40)))


def weird_number(rng: random.Random):
    return rng.choice(
        (
            0,
            -1,
            1,
            2,
            3,
            5,
            24,
            168,
            169,
            200,
            201,
            10_000,
            10_001,
            2**31,
            2**63,
            -(2**63) - 1,
            10**30,
            0.5,
            -0.0,
            1e308,
            3.0,
            True,
            False,
        )
    )


def any_json(rng: random.Random, depth: int = 0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return weird_number(rng)
    if kind in (2, 3, 4):
        return weird_string(rng) if rng.random() < 0.5 else rng.choice(ENUMS)
    if kind == 5:
        return [any_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {
        weird_string(rng)[:30] if rng.random() < 0.3 else rng.choice(QUERY_NAMES): any_json(
            rng, depth + 1
        )
        for _ in range(rng.randint(0, 4))
    }


def _model(name: str):
    for mod in MODEL_MODULES:
        if hasattr(mod, name):
            return getattr(mod, name)
    return None


def from_type(rng: random.Random, t: str, ids: dict, depth: int = 0):
    """A plausible value for a swagger type, sometimes a wrong one."""
    if rng.random() < 0.12:
        return any_json(rng, depth)
    if t == "str":
        return rng.choice(
            (
                rng.choice(list(ids.values())),
                rng.choice(ENUMS),
                weird_string(rng),
                "fuzz-" + str(rng.randrange(1000)),
                b64(rng.randbytes(rng.randint(0, 300))),
            )
        )
    if t in ("int", "float"):
        return rng.choice((rng.randint(0, 10), weird_number(rng)))
    if t == "bool":
        return rng.choice((True, False, "true", 1))
    if t == "datetime":
        return rng.choice(
            ("2026-01-01T00:00:00Z", "2020-01-01T00:00:00.000Z", weird_string(rng), 123)
        )
    if t == "object":
        return any_json(rng, depth)
    m = re.fullmatch(r"list\[(.+)\]", t)
    if m:
        return [
            from_type(rng, m.group(1), ids, depth + 1)
            for _ in range(rng.choice((0, 1, 2, 3, 60)) if depth < 3 else 1)
        ]
    m = re.fullmatch(r"dict\(str, (.+)\)", t)
    if m:
        return {
            rng.choice(("k", "APP_X", "bad key", "", "9x", weird_string(rng)[:20])): from_type(
                rng, m.group(1), ids, depth + 1
            )
            for _ in range(rng.randint(0, 3))
        }
    model = _model(t)
    if model is not None and depth < 4:
        return from_model(rng, model, ids, depth + 1)
    return any_json(rng, depth)


def from_model(rng: random.Random, model, ids: dict, depth: int = 0) -> dict:
    inst = model.__new__(model)
    try:
        inst.__init__()
    except Exception:  # noqa: BLE001 - some models need arguments; their maps are class-level anyway
        pass
    types = getattr(inst, "swagger_types", {}) or {}
    names = getattr(inst, "attribute_map", {}) or {}
    out = {}
    for attr, t in types.items():
        if rng.random() < 0.8:
            out[names.get(attr, attr)] = from_type(rng, t, ids, depth)
    # Polymorphic models: pick a discriminator value now and then.
    for disc in ("type", "sourceType", "backendType"):
        if disc in out and rng.random() < 0.5:
            out[disc] = rng.choice(ENUMS)
    if rng.random() < 0.2:
        out[weird_string(rng)[:40] or "extra"] = any_json(rng)
    return out


def body_for(rng: random.Random, route_name: str, ids: dict) -> tuple[bytes, str]:
    """(bytes, what kind)."""
    model = MODELS.get(route_name)
    r = rng.random()
    if model is not None and r < 0.6:
        doc = from_model(rng, model, ids)
        if route_name == "PutMessages" and rng.random() < 0.7:
            doc = {
                "messages": [
                    {
                        "key": rng.choice((None, b64(rng.randbytes(rng.randint(0, 300))), "!!", 5)),
                        "value": rng.choice(
                            (b64(rng.randbytes(rng.randint(0, 2000))), "not base64", "", None, [])
                        ),
                    }
                    for _ in range(rng.choice((0, 1, 3, 51, 200)))
                ]
            }
        return json.dumps(doc).encode(), "schema"
    if r < 0.72:
        return json.dumps(any_json(rng)).encode(), "random json"
    special = rng.randrange(13)
    if special == 0:
        return rng.randbytes(rng.randint(1, 200)), "random bytes"
    if special == 1:
        return b'{"name": "\xff\xfe\xc3\x28"}', "invalid utf-8"
    if special == 2:
        return json.dumps({"name": "x", "partitions": 1}).encode("utf-16"), "utf-16"
    if special == 3:
        return b"\xef\xbb\xbf" + json.dumps({"name": "bom"}).encode(), "bom"
    if special == 4:
        return b'{"partitions": NaN, "limit": Infinity, "x": -Infinity}', "nan"
    if special == 5:
        return b'{"name": "a", "name": "b", "partitions": 1, "partitions": "2"}', "duplicate keys"
    if special == 6:
        depth = rng.choice((1000, 100_000))
        return b"[" * depth + b"]" * depth, "deep nesting"
    if special == 7:
        return b'{"name": "trunc', "truncated"
    if special == 8:
        return json.dumps(
            {"name": "x" * rng.choice((2_000_000, 8_000_000, 9_000_000))}
        ).encode(), "huge"
    if special == 9:
        return b"", "empty"
    if special == 10:
        return b"null", "null"
    if special == 11:
        return b'{"\\ud800": "\\udfff", "name": "\\u0000"}', "lone surrogates"
    return b"%s" % str(rng.random()).encode(), "number"


def path_value(rng: random.Random, name: str, ids: dict, method: str) -> str:
    valid = ids.get(name)
    # Deleting the echo function, its application, gateway or deployment would make every later
    # gateway call a legitimate 502: those are deleted only by fake or fuzzed ids.
    p_valid = (
        (0.0 if name in ("fn_id", "app_id", "gw_id", "dep_id") else 0.03)
        if method == "DELETE"
        else 0.6
    )
    if valid and rng.random() < p_valid:
        return urllib.parse.quote(valid, safe="")
    v = rng.random()
    if v < 0.25:
        return FAKE[name]
    if v < 0.35 and valid:  # almost valid
        return urllib.parse.quote(valid[:-1] + ("A" if valid[-1] != "A" else "B"), safe="")
    s = weird_string(rng)[:6000] or "x"
    if rng.random() < 0.5:
        return urllib.parse.quote(s, safe="")
    if rng.random() < 0.5:  # raw printable ASCII: characters a client should have escaped
        return re.sub(r"[/?#\s\x00-\x1f\x7f-\U0010ffff]", "_", s) or "_"
    return urllib.parse.quote(s, safe="%")  # stray '%' left as is: bad escapes


def query_for(rng: random.Random, ids: dict, cursors: list[str]) -> str:
    parts = []
    for _ in range(rng.choice((0, 0, 1, 2, 3, 5))):
        k = rng.choice(QUERY_NAMES) if rng.random() < 0.85 else weird_string(rng)[:30]
        if k == "cursor" and cursors and rng.random() < 0.6:
            c = rng.choice(cursors)
            v = rng.random()
            if v < 0.3:
                c = c[: rng.randrange(1, len(c))]
            elif v < 0.6:
                i = rng.randrange(len(c))
                c = c[:i] + ("A" if c[i] != "A" else "B") + c[i + 1 :]
            val = c
        elif (
            k in ("compartmentId", "streamPoolId", "applicationId", "gatewayId", "id", "resourceId")
            and rng.random() < 0.5
        ):
            val = rng.choice(list(ids.values()))
        else:
            val = str(rng.choice((weird_string(rng), weird_number(rng), rng.choice(ENUMS))))[:3000]
        if rng.random() < 0.1:  # raw, unescaped (bad escapes, spaces)
            parts.append(f"{k}={val}".replace(" ", "%20").replace("#", "%23").replace("&", "%26"))
        else:
            parts.append(urllib.parse.urlencode({k: val}))
    return "&".join(parts)


def headers_for(rng: random.Random) -> dict[str, str]:
    h = {}
    if rng.random() < 0.3:
        h["if-match"] = rng.choice(("*", "", "nope", "x" * 500, 'W/"1"'))
    if rng.random() < 0.3:
        h["opc-request-id"] = rng.choice(("", "a" * 3000, "id/with/slashes", "é", "ü" * 10))
    if rng.random() < 0.25:
        h["content-type"] = rng.choice(
            (
                "text/plain",
                "application/octet-stream",
                "",
                "application/json; charset=utf-16",
                "multipart/form-data; boundary=x",
                "application/x-www-form-urlencoded",
            )
        )
    if rng.random() < 0.15:
        h["content-encoding"] = rng.choice(("gzip", "br", "deflate", "garbage"))
    if rng.random() < 0.2:
        h["fn-intent"] = rng.choice(("httprequest", "cloudevent", "x"))
    if rng.random() < 0.2:
        h["fn-invoke-type"] = rng.choice(("sync", "detached", "DETACHED", "x"))
    if rng.random() < 0.1:
        h["is-dry-run"] = rng.choice(("true", "false", "maybe"))
    if rng.random() < 0.1:
        h["accept"] = rng.choice(("text/html", "*/*", ""))
    if rng.random() < 0.05:
        h["x-" + re.sub(r"[^A-Za-z0-9-]", "", weird_string(rng)[:20]) + "h"] = "v"
    return {k: v for k, v in h.items() if "\n" not in v}


# -- the run ---------------------------------------------------------------------------------------


def _setup(s) -> dict:
    cfg = common.config_of(s)
    comp = cfg["tenancy"]
    client = common.stream_client(s)
    canary = common.create_stream(s, "canary", 2)
    canary_msgs = []
    for i in range(20):
        key = f"k{i}".encode()
        value = f"canary-{i}-".encode() + bytes(range(256))
        client.put_messages(
            canary.id,
            common.Models.PutMessagesDetails(
                messages=[common.Models.PutMessagesDetailsEntry(key=b64(key), value=b64(value))]
            ),
        )
        canary_msgs.append((key, value))
    admin = common.admin_client(s)
    pool = admin.create_stream_pool(
        oci.streaming.models.CreateStreamPoolDetails(compartment_id=comp, name="fuzz-pool")
    ).data
    target = common.create_stream(s, "fuzz-target", 3)
    resp = admin.get_stream(target.id)
    client.put_messages(
        target.id,
        common.Models.PutMessagesDetails(
            messages=[common.Models.PutMessagesDetailsEntry(value=b64(f"t{i}")) for i in range(10)]
        ),
    )
    cursors = [
        client.create_cursor(
            target.id, common.Models.CreateCursorDetails(partition=str(p), type="TRIM_HORIZON")
        ).data.value
        for p in range(3)
    ]
    cursors.append(
        client.create_group_cursor(
            target.id,
            common.Models.CreateGroupCursorDetails(
                group_name="fuzz-group", instance_name="i1", type="TRIM_HORIZON"
            ),
        ).data.value
    )
    cursors.append(
        client.create_cursor(
            canary.id, common.Models.CreateCursorDetails(partition="0", type="TRIM_HORIZON")
        ).data.value
    )
    wr = admin.list_work_requests(compartment_id=comp).data.items
    fm = oci.functions.FunctionsManagementClient(cfg, service_endpoint=s.url)
    app = fm.create_application(
        oci.functions.models.CreateApplicationDetails(
            compartment_id=comp, display_name="fuzz-app", subnet_ids=[]
        )
    ).data
    fn = fm.create_function(
        oci.functions.models.CreateFunctionDetails(
            display_name="echo",
            application_id=app.id,
            memory_in_mbs=256,
            timeout_in_seconds=30,
            source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(
                image=str(ECHO_DIR)
            ),
        )
    ).data
    gc = oci.apigateway.GatewayClient(cfg, service_endpoint=s.url)
    dc = oci.apigateway.DeploymentClient(cfg, service_endpoint=s.url)
    gw = gc.create_gateway(
        oci.apigateway.models.CreateGatewayDetails(
            compartment_id=comp,
            endpoint_type="PUBLIC",
            subnet_id="ocid1.subnet.oc1..fuzz",
            display_name="fuzz-gw",
        )
    )
    gw_wr = gw.headers.get("opc-work-request-id")
    gw = gw.data
    backend = {"type": "ORACLE_FUNCTIONS_BACKEND", "functionId": fn.id}
    spec = {
        "routes": [
            {"path": "/echo", "methods": ["ANY"], "backend": backend},
            {
                "path": "/items/{item}",
                "methods": ["GET", "POST", "PUT", "DELETE"],
                "backend": backend,
            },
            {"path": "/files/{rest*}", "methods": ["GET"], "backend": backend},
            {
                "path": "/stock",
                "methods": ["GET", "POST"],
                "backend": {
                    "type": "STOCK_RESPONSE_BACKEND",
                    "status": 200,
                    "body": "ok",
                    "headers": [{"name": "x-s", "value": "1"}],
                },
            },
            {
                "path": "/health",
                "methods": ["GET"],
                "backend": {"type": "HTTP_BACKEND", "url": f"{s.url}/_localoci/health"},
            },
        ]
    }
    for _ in range(100):
        if gc.get_gateway(gw.id).data.lifecycle_state == "ACTIVE":
            break
        time.sleep(0.02)
    dep = dc.create_deployment(
        oci.apigateway.models.CreateDeploymentDetails(
            gateway_id=gw.id,
            compartment_id=comp,
            path_prefix="/v1",
            display_name="fuzz-api",
            specification=spec,
        )
    ).data
    for _ in range(100):
        dep = dc.get_deployment(dep.id).data
        if dep.lifecycle_state == "ACTIVE":
            break
        time.sleep(0.02)
    gw_key = dep.endpoint.split("/_gateway/")[1].split("/")[0]
    ids = {
        "stream_id": target.id,
        "group_name": "fuzz-group",
        "pool_id": pool.id,
        "wr_id": wr[0].id if wr else resp.headers.get("etag", "x"),
        "app_id": app.id,
        "fn_id": fn.id,
        "gw_id": gw.id,
        "dep_id": dep.id,
        "gw_wr_id": gw_wr or "x",
        "compartment": comp,
    }
    return {
        "ids": ids,
        "canary": canary,
        "canary_msgs": canary_msgs,
        "cursors": cursors,
        "gw_key": gw_key,
    }


def _check(
    res: Result, counts: Counter, label: str, resp, gateway: bool, method: str, lock
) -> None:
    status = resp.status_code
    with lock:
        counts[f"status {status // 100}xx"] += 1
    if status >= 500:
        res.fail(f"{label}: {status} {resp.text[:200]}")
        return
    if status < 400 or method == "HEAD":
        return
    try:
        body = resp.json()
    except ValueError:
        res.fail(f"{label}: {status} with a non-JSON body {resp.text[:120]!r}")
        return
    if (
        not isinstance(body, dict)
        or set(body) != {"code", "message"}
        or not isinstance(body["message"], str)
    ):
        res.fail(f"{label}: {status} body not {{code, message}}: {str(body)[:200]}")
    elif gateway and body["code"] != status:
        res.fail(f"{label}: gateway error code {body['code']!r} is not its status {status}")
    elif not gateway and not isinstance(body["code"], str):
        res.fail(f"{label}: code {body['code']!r} is not a string")


def run(n: int = 4000, seed: int = 1, workdir=None) -> Result:
    from localoci.control_routes import CONTROL_ROUTES
    from localoci.faas.routes import build_routes
    from localoci.routes import ROUTES

    res = Result("fuzz")
    t0 = time.monotonic()
    routes = [
        r
        for r in [*ROUTES, *CONTROL_ROUTES, *build_routes(None)]
        if r.name not in ("h_reset", "h_shutdown")
    ]
    counts, per_route, kinds = Counter(), Counter(), Counter()
    lock = threading.Lock()
    with common.workdir(workdir) as wd, common.server(wd / "fuzz") as s:
        ctx = _setup(s)
        ids, cursors = ctx["ids"], ctx["cursors"]
        raw = common.Raw(s)
        local = threading.local()

        def session():
            if not hasattr(local, "raw"):
                local.raw = common.Raw(s, signer=raw.signer)
            return local.raw

        def one(i: int) -> None:
            rng = random.Random(f"{seed}-{i}")
            r = session()
            if rng.random() < 0.1:
                return gateway_case(i, rng, r)
            route = rng.choice(routes)
            wrong_method = rng.random() < 0.05
            method = (
                rng.choice(("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"))
                if wrong_method
                else route.method
            )
            pattern = route.pattern.pattern.strip("^$")
            vals = {}
            for name in re.findall(r"\(\?P<(\w+)>", pattern):
                key = "gw_wr_id" if name == "wr_id" and pattern.startswith("/20190501") else name
                vals[name] = path_value(rng, name, {**ids, "wr_id": ids[key]}, method)
            path = re.sub(r"\(\?P<(\w+)>\[\^/\]\+\)", lambda m: vals[m.group(1)], pattern)
            if rng.random() < 0.05:
                path = rng.choice(("/streaming", "", "//")) + path + rng.choice(("", "/", "//"))
            qs = query_for(rng, ids, cursors)
            has_body = method in ("POST", "PUT", "PATCH") or rng.random() < 0.03
            body, kind = body_for(rng, route.name, ids) if has_body else (None, "no body")
            if route.name == "h_clock_advance" and body and body.startswith(b"{"):
                try:
                    doc = json.loads(body)
                    if (
                        isinstance(doc, dict)
                        and isinstance(doc.get("advanceSeconds"), int | float)
                        and not isinstance(doc["advanceSeconds"], bool)
                        and doc["advanceSeconds"] > 0.5
                    ):
                        body = b'{"advanceSeconds": 0.5}'  # the canary must stay within retention
                except ValueError:
                    pass
            sign = (
                False
                if (not route.signed or rng.random() < 0.15)
                else (True if route.body_signed else "short")
            )
            prepared = r.prepare(method, "/", data=body, headers=headers_for(rng), sign=False)
            prepared.url = s.url + path + (("?" + qs) if qs else "")
            if sign:
                try:
                    (r.signer.without_content_headers if sign == "short" else r.signer)(prepared)
                except (
                    ValueError,
                    UnicodeError,
                ):  # the SDK cannot sign this verb or URL: send it unsigned
                    sign = False
            label = f"case {i} {method} {path[:120]}{'?' + qs[:80] if qs else ''} [{route.name}, {kind}, {'signed' if sign else 'unsigned'}]"
            try:
                resp = r.send(prepared, timeout=60)
            except Exception as exc:  # noqa: BLE001 - a dropped connection is a finding too
                res.fail(f"{label}: no answer ({type(exc).__name__}: {exc})")
                return None
            with lock:
                per_route[route.name] += 1
                kinds[kind] += 1
                counts["signed" if sign else "unsigned"] += 1
            _check(res, counts, label, resp, False, method, lock)
            return None

        def gateway_case(i: int, rng: random.Random, r) -> None:
            key = (
                ctx["gw_key"]
                if rng.random() < 0.85
                else weird_string(rng)[:40].replace("/", "_") or "k"
            )
            sub = rng.choice(
                (
                    "/v1/echo",
                    "/v1/stock",
                    "/v1/health",
                    "/v1/items/" + urllib.parse.quote(weird_string(rng)[:200], safe=""),
                    "/v1/files/a/b/" + urllib.parse.quote(weird_string(rng)[:200], safe="/"),
                    "/v1",
                    "/v1/",
                    "/v2/echo",
                    "/",
                    "/v1/nope",
                    "/v1/echo/extra",
                    "/v1//echo",
                )
            )
            method = rng.choice(("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"))
            body, kind = (
                body_for(rng, "gateway", ids)
                if method not in ("GET", "HEAD")
                else (None, "no body")
            )
            qs = query_for(rng, ids, [])
            prepared = r.prepare(method, "/", data=body, headers=headers_for(rng), sign=False)
            prepared.url = f"{s.url}/_gateway/{urllib.parse.quote(key, safe='')}{sub}" + (
                ("?" + qs) if qs else ""
            )
            label = f"case {i} gateway {method} {sub[:100]} [{kind}]"
            try:
                resp = r.send(prepared, timeout=60)
            except Exception as exc:  # noqa: BLE001
                res.fail(f"{label}: no answer ({type(exc).__name__}: {exc})")
                return
            with lock:
                per_route["gateway data plane"] += 1
                kinds[kind] += 1
                counts["unsigned"] += 1
            _check(res, counts, label, resp, True, method, lock)

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(one, range(n)))

        # Afterwards: alive, no internal error, the canary intact.
        health = common.unsigned(s, "GET", "/_localoci/health")
        stats = common.unsigned(s, "GET", "/_localoci/stats")["counters"]
        client = common.stream_client(s)
        got = [
            (k, v)
            for p in range(2)
            for _, k, v in common.read_partition(client, ctx["canary"].id, p)
        ]
        alive = s.proc.poll() is None and health.get("status") == "ok"
        canary_ok = sorted(got) == sorted(ctx["canary_msgs"])
        log = (s.data_dir / "server.log").read_text(errors="replace")
        if not alive:
            res.fail("the server is not alive after the fuzz run")
        if not canary_ok:
            res.fail(
                f"the canary stream changed: {len(got)} messages, expected {len(ctx['canary_msgs'])}"
            )
        if stats.get("internal_errors"):
            res.fail(f"the server counted {stats['internal_errors']} internal errors")
        if "Traceback" in log:
            res.fail("server.log has a traceback: " + log[log.index("Traceback") :][:600])
    missing = [r.name for r in routes if per_route[r.name] == 0]
    res.figures.update(
        {
            "requests": sum(per_route.values()),
            "endpoints": len(routes) + 1,
            "endpoints_never_hit": missing,
            "status_classes": dict(
                sorted((k, v) for k, v in counts.items() if k.startswith("status"))
            ),
            "signed": counts["signed"],
            "unsigned": counts["unsigned"],
            "5xx": sum(v for k, v in counts.items() if k == "status 5xx"),
            "body_kinds": dict(kinds.most_common()),
            "server_alive_after": alive,
            "canary_intact": canary_ok,
            "per_endpoint_min": min(per_route.values()) if per_route else 0,
        }
    )
    # The Kafka listener's cases, on a server of their own (kafka_fuzz).
    kafka_fuzz.check(res, max(100, n // 10), seed, workdir)
    res.seconds = time.monotonic() - t0
    return res
