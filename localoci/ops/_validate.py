"""Small validators shared by the operations: each names the field and the fix."""

from __future__ import annotations

import binascii
from typing import Literal, overload

from .. import errors


def require_object(body: object, what: str) -> dict:
    if not isinstance(body, dict):
        raise errors.invalid_parameter(f"The request body must be a JSON object ({what}).")
    return body


# The overloads tell the type checker what the checks guarantee: a required field, or one with
# a default, is never None once its validator returned.
@overload
def get_str(body: dict, name: str, required: Literal[True], max_len: int = 255) -> str: ...
@overload
def get_str(body: dict, name: str, required: bool = False, max_len: int = 255) -> str | None: ...
def get_str(body: dict, name: str, required: bool = False, max_len: int = 255) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise errors.missing_parameter(name)
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise errors.invalid_parameter(f"'{name}' must be a non-empty string.")
    if len(value) > max_len:
        raise errors.invalid_parameter(f"'{name}' must be at most {max_len} characters.")
    return value


@overload
def get_int(
    body: dict, name: str, lo: int, hi: int, required: Literal[True], default: int | None = None
) -> int: ...
@overload
def get_int(
    body: dict, name: str, lo: int, hi: int, required: bool = False, *, default: int
) -> int: ...
@overload
def get_int(
    body: dict, name: str, lo: int, hi: int, required: bool = False, default: None = None
) -> int | None: ...
def get_int(
    body: dict, name: str, lo: int, hi: int, required: bool = False, default: int | None = None
) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise errors.missing_parameter(name)
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.invalid_parameter(
            f"'{name}' must be an integer from {lo} to {hi}; got {value!r}."
        )
    if not lo <= value <= hi:
        raise errors.invalid_parameter(f"'{name}' must be from {lo} to {hi}; got {value}.")
    return value


@overload
def get_enum(body: dict, name: str, allowed: tuple[str, ...], required: Literal[True]) -> str: ...
@overload
def get_enum(
    body: dict, name: str, allowed: tuple[str, ...], required: bool = False
) -> str | None: ...
def get_enum(body: dict, name: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise errors.missing_parameter(name)
        return None
    if not isinstance(value, str) or value.upper() not in allowed:
        raise errors.invalid_parameter(
            f"'{name}' must be one of {', '.join(allowed)}; got {value!r}."
        )
    return value.upper()


def get_tags(body: dict, name: str) -> dict | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise errors.invalid_parameter(f"'{name}' must be a JSON object.")
    return value


@overload
def query_int(query: dict, name: str, lo: int, hi: int, default: int) -> int: ...
@overload
def query_int(query: dict, name: str, lo: int, hi: int, default: None = None) -> int | None: ...
def query_int(query: dict, name: str, lo: int, hi: int, default: int | None = None) -> int | None:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise errors.invalid_parameter(
            f"'{name}' must be an integer from {lo} to {hi}; got {raw!r}."
        ) from None
    if not lo <= value <= hi:
        raise errors.invalid_parameter(f"'{name}' must be from {lo} to {hi}; got {value}.")
    return value


def b64(value: object, field: str) -> bytes:
    """Standard base64, padding optional (the CLI's docs show unpadded examples)."""
    if not isinstance(value, str):
        raise errors.invalid_parameter(
            f"{field} must be a base64 string; got {type(value).__name__}."
        )
    if len(value) % 4:
        value = value.strip()
        value += "=" * (-len(value) % 4)
    try:
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_parameter(
            f"{field} is not valid base64. Encode the bytes first, e.g. "
            "base64.b64encode('text'.encode()).decode()."
        ) from None
