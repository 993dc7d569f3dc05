"""Request signature verification: OCI's HTTP Signature scheme, version 1 (draft-cavage-08).

* API keys: ``keyId = <tenancy>/<user>/<fingerprint>``, public key registered in the store.
* Security tokens: ``keyId = ST$<jwt>``; localoci verifies tokens it issued itself (resource
  principal tokens for functions, see :func:`issue_token`): HMAC-SHA256 with the server's
  secret, not expired, carrying the public key (``jwk``) that signed the request.
* GET/DELETE/HEAD sign ``date (request-target) host``; POST/PUT also ``content-length
  content-type x-content-sha256`` -- except PutMessages, which the SDK signs with the short
  list (the body is not signed).  A signed ``x-content-sha256`` must match the body.
* The ``date`` (or ``x-date``) must be within 5 minutes of real time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from email.utils import parsedate_to_datetime
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import errors

MAX_SKEW_S = 300
_PARAM = re.compile(r'(\w+)="([^"]*)"')
SHORT = ("(request-target)", "host")
BODY = ("content-length", "content-type", "x-content-sha256")


@lru_cache(maxsize=256)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA key")
    return key


def fingerprint(public_pem: str) -> str:
    der = load_public_key(public_pem).public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.md5(der).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


# -- security tokens (ST$) ----------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(secret: bytes, public_pem: str, claims: dict, ttl_s: int = 3600) -> str:
    """A JWT that localoci accepts as ``ST$<token>`` for requests signed by ``public_pem``'s key."""
    now = int(time.time())
    key = load_public_key(public_pem).public_numbers()
    jwk = {
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "kid": "localoci",
        "n": _b64url(key.n.to_bytes((key.n.bit_length() + 7) // 8, "big")),
        "e": _b64url(key.e.to_bytes((key.e.bit_length() + 7) // 8, "big")),
    }
    body = {"iss": "localoci", "iat": now, "exp": now + ttl_s, "jwk": json.dumps(jwk), **claims}
    head = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(body).encode())
    sig = hmac.new(secret, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{_b64url(sig)}"


def _token_key(secret: bytes, token: str) -> tuple[rsa.RSAPublicKey, dict]:
    try:
        head, payload, sig = token.split(".")
        good = hmac.new(secret, f"{head}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(_unb64url(sig), good):
            raise ValueError
        claims = json.loads(_unb64url(payload))
        jwk = json.loads(claims["jwk"])
        n = int.from_bytes(_unb64url(jwk["n"]), "big")
        e = int.from_bytes(_unb64url(jwk["e"]), "big")
    except (ValueError, KeyError, TypeError):
        raise errors.not_authenticated(
            "the security token is not one this localoci issued"
        ) from None
    if claims.get("exp", 0) < time.time():
        raise errors.not_authenticated("the security token has expired; get a new one")
    return rsa.RSAPublicNumbers(e, n).public_key(), claims


# -- verification -------------------------------------------------------------------------------


def verify(
    *,
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    lookup_key,
    secret: bytes,
    body_signed: bool = True,
) -> str:
    """Verify a request; return the principal (keyId or token subject).  Raise 401 otherwise.

    ``headers`` are lower-cased; ``target`` is the raw path and query as received;
    ``lookup_key(key_id)`` returns a public PEM or None.
    """
    auth = headers.get("authorization")
    if not auth:
        raise errors.not_authenticated("the request is not signed (no Authorization header)")
    scheme, _, rest = auth.partition(" ")
    if scheme.lower() != "signature":
        raise errors.not_authenticated("the Authorization header is not an OCI request signature")
    params = dict(_PARAM.findall(rest))
    for p in ("keyId", "signature", "headers"):
        if p not in params:
            raise errors.not_authenticated(f"the signature has no {p}")
    if params.get("algorithm", "rsa-sha256") != "rsa-sha256" or params.get("version", "1") != "1":
        raise errors.not_authenticated("only algorithm rsa-sha256, version 1 is supported")
    signed = params["headers"].lower().split()
    date_header = "x-date" if "x-date" in signed else "date"
    need = {date_header, *SHORT}
    m = method.upper()
    if m in ("POST", "PUT", "PATCH") and body_signed:
        need.update(BODY)
    missing = sorted(need - set(signed))
    if missing:
        raise errors.not_authenticated(
            f"the signature does not cover required headers: {', '.join(missing)}"
        )
    # Date within 5 minutes of real time.
    try:
        sent = parsedate_to_datetime(headers.get(date_header, "")).timestamp()
    except (TypeError, ValueError):
        raise errors.not_authenticated(
            f"the {date_header} header is missing or not an RFC 1123 date"
        ) from None
    if abs(time.time() - sent) > MAX_SKEW_S:
        raise errors.not_authenticated(
            f"the {date_header} header is more than 5 minutes away from the server's time; fix the clock"
        )
    if "x-content-sha256" in signed:
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        if headers.get("x-content-sha256") != digest:
            raise errors.not_authenticated("x-content-sha256 does not match the body")
    if "content-length" in signed and headers.get("content-length") != str(len(body)):
        raise errors.not_authenticated("content-length does not match the body")
    key_id = params["keyId"]
    if key_id.startswith("ST$"):
        public_key, claims = _token_key(secret, key_id[3:])
        principal = f"token:{claims.get('sub', 'unknown')}"
    else:
        pem = lookup_key(key_id)
        if pem is None:
            raise errors.not_authenticated("the keyId names no API key known to this localoci")
        public_key = load_public_key(pem)
        principal = key_id
    try:
        signature = base64.b64decode(params["signature"])
    except ValueError:
        raise errors.not_authenticated("the signature is not base64") from None
    targets = [target]
    if not target.startswith("//"):
        targets.append("/" + target)  # an endpoint with a trailing slash signs //20180418/...
    for t in targets:
        lines = []
        for h in signed:
            if h == "(request-target)":
                lines.append(f"(request-target): {method.lower()} {t}")
            else:
                lines.append(f"{h}: {headers.get(h, '')}")
        try:
            public_key.verify(
                signature, "\n".join(lines).encode(), padding.PKCS1v15(), hashes.SHA256()
            )
            return principal
        except InvalidSignature:
            continue
    raise errors.not_authenticated("the signature does not match the request and the key")
