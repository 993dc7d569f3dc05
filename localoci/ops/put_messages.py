"""PutMessages: append a batch to a stream's partitions.

Rules:

* ``messages`` is a non-empty array of ``{"key"?: base64, "value": base64}``; keys at most
  256 bytes, the sum of decoded keys and values at most 1 MiB (else 400, the whole request).
* The partition is chosen from the key (same key, same partition: MD5 of the key modulo the
  partition count); a keyless message goes to a partition chosen from 16 random bytes.
* Each partition takes at most 1 MiB/s.  Entries beyond that come back as per-entry errors in a
  200 (``error`` "429", ``errorMessage`` with the wait) -- and once a partition throttles in a
  batch, every later entry for it in that batch is throttled too, so a retry keeps key order.
* The result has one entry per message, in request order; successful entries carry only
  ``partition``, ``offset`` and ``timestamp`` (as the real service's do).
"""

from __future__ import annotations

import hashlib
import random

from .. import errors
from ..service import Service
from ..timefmt import format_ms
from ._validate import b64, require_object

THROTTLE_CODE = "429"


def partition_for(key: bytes | None, partitions: int) -> int:
    """MD5 of the key modulo the partition count; a keyless message gets a random partition
    (what OCI's "partition from a random 16-byte value" comes to, without hashing it)."""
    if key is None:
        return random.getrandbits(64) % partitions
    return int.from_bytes(hashlib.md5(key).digest()[:8], "big") % partitions


def put_messages(svc: Service, stream_id: str, body: object) -> dict:
    stream = svc.data_stream(stream_id)
    body = require_object(body, "PutMessagesDetails")
    entries = body.get("messages")
    if entries is None:
        raise errors.missing_parameter("messages")
    if not isinstance(entries, list) or not entries:
        raise errors.invalid_parameter(
            "'messages' must be a non-empty array of {key, value} objects."
        )

    limits = svc.limits
    decoded: list[tuple[bytes | None, bytes]] = []
    total = 0
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise errors.invalid_parameter(
                f"messages[{i}] must be an object with 'value' and optional 'key'."
            )
        if entry.get("value") is None:
            raise errors.invalid_parameter(
                f"messages[{i}].value is required (base64 of the message bytes)."
            )
        value = b64(entry["value"], f"messages[{i}].value")
        key = None if entry.get("key") is None else b64(entry["key"], f"messages[{i}].key")
        if limits.enabled and key is not None and len(key) > limits.max_key_bytes:
            raise errors.invalid_parameter(
                f"messages[{i}].key is {len(key)} bytes; keys are limited to {limits.max_key_bytes} bytes."
            )
        if limits.enabled and len(value) > limits.max_message_bytes:
            raise errors.invalid_parameter(
                f"Request size is limited to 1 MiB: messages[{i}].value is {len(value)} bytes, and a "
                "message is limited to 1 MiB. Split it into chunks or store it in Object Storage and "
                "send a pointer."
            )
        total += len(value) + (len(key) if key else 0)
        decoded.append((key, value))
    if limits.enabled and total > limits.max_request_bytes:
        raise errors.request_too_large(total, limits.max_request_bytes)

    results: list[dict | None] = [None] * len(decoded)
    accepted: list[tuple[int, int, bytes | None, bytes]] = []  # (index, partition, key, value)
    throttled: dict[int, list[int]] = {}  # partition -> indexes of throttled entries
    owed: dict[int, int] = {}  # partition -> bytes of its throttled entries
    for i, (key, value) in enumerate(decoded):
        p = partition_for(key, stream.partitions)
        size = len(value) + (len(key) if key else 0)
        if p in throttled or svc.rates.take_write(stream.id, p, size):
            throttled.setdefault(p, []).append(i)
            owed[p] = owed.get(p, 0) + size
        else:
            accepted.append((i, p, key, value))
    for p, indexes in throttled.items():
        # The wait is for all of this partition's throttled bytes, so a client that waits that
        # long can resend the rest of the batch at once instead of trickling it.
        wait = svc.rates.wait_for_write(stream.id, p, owed[p])
        for i in indexes:
            results[i] = {
                "error": THROTTLE_CODE,
                "errorMessage": "Request was throttled because bytes limit exhausted, "
                f"next request can be made in {wait} ms",
            }

    if accepted:
        ts = svc.clock.now_ms()
        with svc.store.tx():
            offsets = svc.store.append(stream.id, [(p, k, v) for _, p, k, v in accepted], ts)
        stamp = format_ms(ts)
        for (i, p, _, _), off in zip(accepted, offsets, strict=True):
            results[i] = {"partition": str(p), "offset": off, "timestamp": stamp}
    failures = len(decoded) - len(accepted)
    svc.count("messages_put", len(accepted))
    svc.count("messages_throttled", failures)
    return {"failures": failures, "entries": results}
