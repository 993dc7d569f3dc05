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

The entries of one partition are stored as one batch (``store.log``), so a request costs one
write per partition it touches, not one per message.  Valid input takes a fast path (the
base64 of every entry decoded in one comprehension); anything the fast path cannot take goes
through :func:`_validate`, which names the first bad entry and the fix.
"""

from __future__ import annotations

import binascii
import hashlib
import random
from itertools import accumulate

from .. import errors
from ..limits import Limits
from ..service import Service
from ..timefmt import format_ms
from ._validate import b64, require_object

THROTTLE_CODE = "429"
_a2b = binascii.a2b_base64


def partition_for(key: bytes | None, partitions: int) -> int:
    """MD5 of the key modulo the partition count; a keyless message gets a random partition
    (what OCI's "partition from a random 16-byte value" comes to, without hashing it)."""
    if key is None:
        return random.getrandbits(64) % partitions
    return int.from_bytes(hashlib.md5(key).digest()[:8], "big") % partitions


def _decode_fast(entries: list) -> tuple[list[bytes | None], list[bytes]] | None:
    """Keys and values of well-formed entries (canonical, padded base64), or None if any entry
    needs a closer look."""
    try:
        values = [_a2b(e["value"], strict_mode=True) for e in entries]
        keys = [None if (k := e.get("key")) is None else _a2b(k, strict_mode=True) for e in entries]
    except (TypeError, KeyError, AttributeError, ValueError):  # binascii.Error is a ValueError
        return None
    return keys, values


def _validate(entries: list, limits: Limits) -> tuple[list[bytes | None], list[bytes]]:
    """Entry by entry, with the message naming the first bad one and how to fix it."""
    keys: list[bytes | None] = []
    values: list[bytes] = []
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
        _check_entry(i, key, value, limits)
        keys.append(key)
        values.append(value)
    return keys, values


def _check_entry(i: int, key: bytes | None, value: bytes, limits: Limits) -> None:
    if not limits.enabled:
        return
    if key is not None and len(key) > limits.max_key_bytes:
        raise errors.invalid_parameter(
            f"messages[{i}].key is {len(key)} bytes; keys are limited to {limits.max_key_bytes} bytes."
        )
    if len(value) > limits.max_message_bytes:
        raise errors.invalid_parameter(
            f"Request size is limited to 1 MiB: messages[{i}].value is {len(value)} bytes, and a "
            "message is limited to 1 MiB. Split it into chunks or store it in Object Storage and "
            "send a pointer."
        )


def _check_sizes(
    keys: list[bytes | None], values: list[bytes], sizes: list[int], limits: Limits
) -> None:
    """The size rules over a whole request, with the first offending entry named.  Only the
    rare request that breaks one pays for the entry-by-entry look."""
    if not limits.enabled:
        return
    longest_key = max((len(k) for k in keys if k is not None), default=0)
    if longest_key > limits.max_key_bytes or max(map(len, values)) > limits.max_message_bytes:
        for i, (key, value) in enumerate(zip(keys, values, strict=True)):
            _check_entry(i, key, value, limits)
    total = sum(sizes)
    if total > limits.max_request_bytes:
        raise errors.request_too_large(total, limits.max_request_bytes)


def _partitions(keys: list[bytes | None], partitions: int) -> list[int]:
    if partitions == 1:
        return [0] * len(keys)
    seen: dict[bytes, int] = {}
    out = []
    for key in keys:
        if key is None:
            out.append(random.getrandbits(64) % partitions)
        else:
            p = seen.get(key)
            if p is None:
                p = seen[key] = partition_for(key, partitions)
            out.append(p)
    return out


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
    decoded = _decode_fast(entries) or _validate(entries, limits)
    keys, values = decoded
    sizes = [len(v) + (len(k) if k else 0) for k, v in zip(keys, values, strict=True)]
    _check_sizes(keys, values, sizes, limits)

    # Which entries go where, in request order.
    by_partition: dict[int, list[int]] = {}
    for i, p in enumerate(_partitions(keys, stream.partitions)):
        by_partition.setdefault(p, []).append(i)

    # Each partition takes the longest prefix of its entries that its write budget allows.
    results: list[dict | None] = [None] * len(values)
    accepted: dict[int, list[int]] = {}
    failures = 0
    for p, indexes in by_partition.items():
        taken = len(indexes)
        if limits.enabled:
            budget = svc.rates.write_budget(stream.id, p)
            for n, used in enumerate(accumulate(sizes[i] for i in indexes)):
                if used > budget:
                    taken = n
                    break
            svc.rates.charge_write(stream.id, p, sum(sizes[i] for i in indexes[:taken]))
        if taken:
            accepted[p] = indexes[:taken]
        if taken < len(indexes):
            # The wait is for all of this partition's throttled bytes, so a client that waits
            # that long can resend the rest of the batch at once instead of trickling it.
            owed = sum(sizes[i] for i in indexes[taken:])
            wait = svc.rates.wait_for_write(stream.id, p, owed)
            refusal = {
                "error": THROTTLE_CODE,
                "errorMessage": "Request was throttled because bytes limit exhausted, "
                f"next request can be made in {wait} ms",
            }
            for i in indexes[taken:]:
                results[i] = dict(refusal)
            failures += len(indexes) - taken

    if accepted:
        ts = svc.clock.now_ms()
        with svc.store.tx():
            bases = {
                p: svc.store.log.append(
                    stream.id, p, [keys[i] for i in indexes], [values[i] for i in indexes], ts
                )
                for p, indexes in accepted.items()
            }
        stamp = format_ms(ts)
        for p, indexes in accepted.items():
            name = str(p)
            for offset, i in enumerate(indexes, bases[p]):
                results[i] = {"partition": name, "offset": offset, "timestamp": stamp}
    svc.count("messages_put", len(values) - failures)
    svc.count("messages_throttled", failures)
    return {"failures": failures, "entries": results}
