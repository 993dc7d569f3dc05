"""OCIDs in OCI's syntax: ``ocid1.<type>.oc1.<region>.<unique>``."""

from __future__ import annotations

import secrets

REGION_KEY = "local"
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def _unique(prefix: str = "amaaaaaa", length: int = 60) -> str:
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length - len(prefix)))


def new_ocid(kind: str, regional: bool = True) -> str:
    region = REGION_KEY if regional else ""
    prefix = "amaaaaaa" if regional else "aaaaaaaa"
    return f"ocid1.{kind}.oc1.{region}.{_unique(prefix)}"


def request_id(client_id: str | None) -> str:
    """OCI echoes the caller's id and appends two server ids."""
    a, b = secrets.token_hex(16).upper(), secrets.token_hex(16).upper()
    return f"{client_id}/{a}/{b}" if client_id else f"{a}/{b}"
