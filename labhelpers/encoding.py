"""Encoding at the edge: base64 in exactly one pair of functions, serializers as callables.

OCI Streaming carries keys and values as base64 strings; the SDK does no encoding for you.
Serializers turn Python values into bytes (``text``: UTF-8, ``json_value``: compact JSON);
deserializers turn bytes back.

>>> b64encode("héllo")
'aMOpbGxv'
>>> b64decode('aMOpbGxv').decode()
'héllo'
>>> from_text(to_text("日本"))
'日本'
>>> from_json(to_json({"n": 1}))
{'n': 1}
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from .errors import DecodeError

__all__ = [
    "DecodeError",
    "Deserializer",
    "Serializer",
    "b64decode",
    "b64encode",
    "from_json",
    "from_text",
    "raw",
    "text_or_bytes",
    "to_json",
    "to_text",
]

Serializer = Callable[[Any], bytes]
Deserializer = Callable[[bytes], Any]


def b64encode(data: bytes | str) -> str:
    """Base64 of ``data`` (a ``str`` is UTF-8 encoded first), as the API wants it."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


def b64decode(text: str | None) -> bytes | None:
    """Bytes from an API base64 string (``None`` stays ``None``: a keyless message)."""
    if text is None:
        return None
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise DecodeError(
            f"not base64: {text[:40]!r}... Values from GetMessages are base64 strings."
        ) from None


def to_text(value: Any) -> bytes:
    """UTF-8 bytes of ``value`` (bytes pass through)."""
    if isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def from_text(data: bytes) -> str:
    """UTF-8 text of ``data``; a clear error (not mojibake) when it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"message is not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 4]!r}); "
            "read it with deserializer=raw, or publish text with to_text."
        ) from None


def to_json(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def from_json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise DecodeError(
            f"message is not JSON ({exc}); starts with {data[:40]!r}. Use deserializer=from_text."
        ) from None


def raw(data: bytes) -> bytes:
    """The identity (de)serializer: bytes as they are."""
    return data


def text_or_bytes(data: bytes) -> str | bytes:
    """UTF-8 text when it is text, else the bytes: what the lab's tables show."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data
