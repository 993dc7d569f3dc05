"""auth: the 401 matrix, counted.  Every signed route of localoci (Streaming, Functions, API
Gateway management) gets every kind of bad signature; each must be 401 ``NotAuthenticated``
in OCI's ``{"code", "message"}`` shape with a ``WWW-Authenticate`` header, and none accepted.

Kinds: missing signature; signed by another key; unknown keyId (fingerprint, user, tenancy);
tampered body on body-signed operations (same length, and with the digest recomputed);
tampered path; tampered or added query; stale and future date; date or host changed after
signing; header lists omitting a required header (date, (request-target), host, and on
body-signed operations content-length, content-type, x-content-sha256); garbage
Authorization (other scheme, non-base64 signature, other algorithm, a forged ``ST$`` token,
no keyId).  A correctly signed control request per route must pass authentication (any
status but 401), so the matrix is not vacuous.  Requests target resources that do not exist,
so a request that got through would change nothing.

PutMessages is signed by the SDK with the short header list (its body is not signed, as on
OCI): body tampering is not a failure there, by design, and is not counted.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import random
import re
import time
from collections import Counter

import oci
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import common
from .common import Result

FAKE = {
    "stream_id": "ocid1.stream.oc1.local.amaaaaaaauthmatrixfake",
    "group_name": "auth-group",
    "pool_id": "ocid1.streampool.oc1.local.amaaaaaaauthmatrixfake",
    "wr_id": "ocid1.streamworkrequest.oc1.local.authmatrixfake",
    "app_id": "ocid1.fnapp.oc1.local.authmatrixfake",
    "fn_id": "ocid1.fnfunc.oc1.local.authmatrixfake",
    "gw_id": "ocid1.apigateway.oc1.local.authmatrixfake",
    "dep_id": "ocid1.apideployment.oc1.local.authmatrixfake",
}
BODY = b'{"name": "auth-matrix", "partitions": 1, "type": "LATEST", "partition": "0"}'


def signed_routes() -> list:
    """Every route localoci verifies signatures on (the server's own tables)."""
    from localoci.faas.routes import build_routes
    from localoci.routes import ROUTES

    return [r for r in [*ROUTES, *build_routes(None)] if r.signed]


def concrete(route, values=FAKE) -> str:
    pattern = route.pattern.pattern.strip("^$")
    return re.sub(r"\(\?P<(\w+)>\[\^/\]\+\)", lambda m: values[m.group(1)], pattern)


def _custom(base: oci.signer.Signer, generic: list[str], body: list[str]) -> oci.signer.Signer:
    s = oci.signer.Signer.__new__(oci.signer.Signer)
    s.api_key, s.private_key = base.api_key, base.private_key
    s.create_signers(base.api_key, base.private_key, generic, body)
    return s


def _with_key_id(base: oci.signer.Signer, key_id: str) -> oci.signer.Signer:
    s = oci.signer.Signer.__new__(oci.signer.Signer)
    s.api_key, s.private_key = key_id, base.private_key
    s.create_signers(
        key_id,
        base.private_key,
        ["date", "(request-target)", "host"],
        ["content-length", "content-type", "x-content-sha256"],
    )
    return s


def _other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def cases(raw: common.Raw, route, impostor, rng: random.Random) -> list[tuple[str, object]]:
    """(kind, prepared request) pairs for one route: every one must be 401."""
    method = route.method
    path = concrete(route)
    has_body = method in ("POST", "PUT")
    body_signed = has_body and route.body_signed
    body = BODY if has_body else None
    sign = True if route.body_signed else "short"
    base = raw.signer
    out: list[tuple[str, object]] = []

    def prep(kind, *, signer=None, data=body, params=None, headers=None, how=sign, p=path):
        r = common.Raw(raw.s, signer=signer or base)
        r.session = raw.session
        out.append(
            (kind, r.prepare(method, p, data=data, params=params, headers=headers, sign=how))
        )
        return out[-1][1]

    prep("missing signature", how=False)
    prep("signed by another key", signer=impostor)
    ten, user, fp = base.api_key.split("/")
    prep(
        "unknown keyId (fingerprint)",
        signer=_with_key_id(base, f"{ten}/{user}/{':'.join(['ab'] * 16)}"),
    )
    prep(
        "unknown keyId (user)",
        signer=_with_key_id(base, f"{ten}/ocid1.user.oc1..aaaaaaaaunknown/{fp}"),
    )
    prep(
        "unknown keyId (tenancy)",
        signer=_with_key_id(base, f"ocid1.tenancy.oc1..aaaaaaaaunknown/{user}/{fp}"),
    )
    if body_signed:
        r = prep("tampered body (same length)")
        r.body = BODY.replace(b"auth-matrix", b"auth-matriX")
        r = prep("tampered body (digest recomputed)")
        r.body = BODY.replace(b"auth-matrix", b"auth-matriY")
        r.headers["x-content-sha256"] = base64.b64encode(hashlib.sha256(r.body).digest()).decode()
    r = prep("tampered path")
    if "(?P<" in route.pattern.pattern:  # another resource
        r.url = r.url.replace(path, concrete(route, {k: v + "x" for k, v in FAKE.items()}), 1)
    else:  # the same operation (the router collapses //), but not the path that was signed
        r.url = r.url.replace(path, path.replace("/", "//", 2), 1)
    r = prep("tampered query", params={"limit": "1"})
    r.url = r.url.replace("limit=1", "limit=2")
    r = prep("added query")
    r.url += ("&" if "?" in r.url else "?") + "compartmentId=ocid1.tenancy.oc1..other"
    prep(
        "stale date (-6 min)",
        headers={"date": email.utils.formatdate(time.time() - 360, usegmt=True)},
    )
    prep(
        "future date (+6 min)",
        headers={"date": email.utils.formatdate(time.time() + 360, usegmt=True)},
    )
    r = prep(
        "date changed after signing",
        headers={"date": email.utils.formatdate(time.time() - 60, usegmt=True)},
    )
    r.headers["date"] = email.utils.formatdate(time.time(), usegmt=True)
    r = prep("host changed after signing")
    r.headers["host"] = "evil.example:443"
    generic = ["date", "(request-target)", "host"]
    bodyh = ["content-length", "content-type", "x-content-sha256"]
    for h in generic:
        prep(f"header list omits {h}", signer=_custom(base, [g for g in generic if g != h], bodyh))
    if body_signed:
        for h in bodyh:
            prep(
                f"header list omits {h}",
                signer=_custom(base, generic, [b for b in bodyh if b != h]),
            )
        prep("short header list on a body-signed op", how="short")
    good = prep("(template)")
    out.pop()
    auth = good.headers["authorization"]
    for kind, new in (
        ("other scheme", "Bearer " + auth.split('signature="')[1].split('"')[0]),
        ("signature not base64", re.sub(r'signature="[^"]*"', 'signature="!!not*base64!!"', auth)),
        (
            "algorithm hmac-sha256",
            auth.replace('algorithm="rsa-sha256"', 'algorithm="hmac-sha256"'),
        ),
        (
            "forged ST$ token",
            re.sub(r'keyId="[^"]*"', 'keyId="ST$eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"', auth),
        ),
        ("no keyId", re.sub(r'keyId="[^"]*",?', "", auth)),
        (
            "signature of another request",
            re.sub(
                r'signature="[^"]*"',
                'signature="%s"' % base64.b64encode(rng.randbytes(256)).decode(),
                auth,
            ),
        ),
    ):
        r = prep(kind)
        r.headers["authorization"] = new
    return out


def run(n: int = 0, seed: int = 1, workdir=None) -> Result:
    """``n``: how many routes (0 = all of them)."""
    res = Result("auth")
    rng = random.Random(seed)
    t0 = time.monotonic()
    routes = signed_routes()
    if n:
        routes = rng.sample(routes, min(n, len(routes)))
    impostor_key = _other_key()
    with common.workdir(workdir) as wd, common.server(wd / "auth") as s:
        raw = common.Raw(s)
        cfg = common.config_of(s)
        pem = impostor_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        impostor = oci.signer.Signer(
            cfg["tenancy"], cfg["user"], cfg["fingerprint"], None, private_key_content=pem
        )
        before = common.unsigned(s, "GET", "/_localoci/stats")["counters"].get("auth_failures", 0)
        by_kind, statuses, total, controls_ok = Counter(), Counter(), 0, 0
        for route in routes:
            control = raw.send(
                raw.prepare(
                    route.method,
                    concrete(route),
                    data=BODY if route.method in ("POST", "PUT") else None,
                    sign=True if route.body_signed else "short",
                )
            )
            if control.status_code == 401:
                res.fail(
                    f"{route.name}: the correctly signed control was refused: {control.text[:200]}"
                )
            else:
                controls_ok += 1
            for kind, prepared in cases(raw, route, impostor, rng):
                resp = raw.send(prepared)
                total += 1
                by_kind[kind] += 1
                statuses[resp.status_code] += 1
                if resp.status_code != 401:
                    res.fail(
                        f"{route.name} [{kind}]: answered {resp.status_code} {resp.text[:150]}"
                    )
                    continue
                body = resp.json()
                if set(body) != {"code", "message"} or body["code"] != "NotAuthenticated":
                    res.fail(f"{route.name} [{kind}]: 401 body {body}")
                if not resp.headers.get("www-authenticate", "").startswith("Signature"):
                    res.fail(f"{route.name} [{kind}]: no WWW-Authenticate")
        after = common.unsigned(s, "GET", "/_localoci/stats")["counters"].get("auth_failures", 0)
    res.figures.update(
        {
            "routes": len(routes),
            "kinds": len(by_kind),
            "requests": total,
            "answered_401": statuses.get(401, 0),
            "accepted": total - statuses.get(401, 0),
            "controls_passed_auth": f"{controls_ok}/{len(routes)}",
            "server_auth_failure_counter": after - before,
            "by_kind": dict(sorted(by_kind.items())),
        }
    )
    if after - before != statuses.get(401, 0):
        res.fail(
            f"server counted {after - before} auth failures, the matrix saw {statuses.get(401, 0)}"
        )
    res.seconds = time.monotonic() - t0
    return res
