"""Cursors: opaque to clients, self-describing inside, like the real service's.

A cursor is base64 of a small JSON document plus an HMAC, so a hand-edited or foreign cursor
is refused with OCI's "The cursor is invalid. Create a new one." rather than trusted.

Partition cursor fields: ``cursorType="partition"``, ``streamId``, ``partition``, ``type``
(``TrimHorizon``, ``AtOffset``, ``AfterOffset``, ``AtTime``), ``offset``, ``time``,
``expiration`` (epoch ms).  Group cursor fields: ``cursorType="group"``, ``streamId``,
``groupName``, ``instanceName``, ``offsets`` (partition -> last offset delivered and not yet
committed), ``commitOnGet``, ``generation``, ``timeoutInMs``, ``expiration``.

>>> secret = b"s" * 32
>>> value = encode({"streamId": "s1", "partition": "0", "expiration": 2000}, secret)
>>> decode(value, secret, now_ms=1000, stream_id="s1")["partition"]
'0'
>>> decode(value, b"another server's secret", now_ms=1000, stream_id="s1")
Traceback (most recent call last):
    ...
localoci.errors.OciError: The cursor is invalid. Create a new one.
>>> decode(value, secret, now_ms=3000, stream_id="s1")
Traceback (most recent call last):
    ...
localoci.errors.OciError: The cursor is expired. Create a new one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from . import errors


def encode(doc: dict, secret: bytes) -> str:
    raw = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    mac = hmac.new(secret, raw, hashlib.sha256).digest()[:12]
    return base64.b64encode(raw + b"." + base64.b64encode(mac)).decode()


def decode(value: str | None, secret: bytes, now_ms: int, stream_id: str) -> dict:
    """Decode and check a cursor for ``stream_id``; raise OCI's 400s for bad or expired ones."""
    if not value:
        raise errors.missing_parameter("cursor")
    try:
        blob = base64.b64decode(value, validate=True)
        raw, _, mac = blob.rpartition(b".")
        good = hmac.new(secret, raw, hashlib.sha256).digest()[:12]
        if not raw or not hmac.compare_digest(base64.b64decode(mac), good):
            raise ValueError("bad mac")
        doc = json.loads(raw)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise errors.cursor_invalid() from None
    if not isinstance(doc, dict) or doc.get("streamId") != stream_id:
        raise errors.cursor_invalid()
    if int(doc.get("expiration", 0)) < now_ms:
        raise errors.cursor_expired()
    return doc
