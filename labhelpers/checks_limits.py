"""Self-checks of notebook 06 (limits and throttling); see labhelpers.checks."""

from __future__ import annotations

import hashlib
from typing import Any

import oci

from .checkreport import CheckReport
from .consume import consume
from .encoding import text_or_bytes

# -- 06: limits ---------------------------------------------------------------------------------------


def check_reassembled(original: bytes, answer: object) -> bool:
    """06, exercise 1: the payload read back from the stream equals the one published."""
    report = CheckReport("a payload over 1 MiB, published in chunks and reassembled")
    if not isinstance(answer, bytes | bytearray):
        report.expect(
            False, "", f"Your answer should be the reassembled bytes (got {type(answer).__name__})."
        )
        return report.show()
    report.expect(
        len(answer) == len(original),
        f"{len(answer):,} bytes, as published",
        f"{len(answer):,} bytes, but {len(original):,} were published: a chunk is missing?",
    )
    report.expect(
        hashlib.sha256(answer).digest() == hashlib.sha256(original).digest(),
        "the same bytes (SHA-256 matches)",
        "the bytes differ: are the chunks in order?",
    )
    return report.show()


def check_ordered_publish(
    client: oci.streaming.StreamClient, stream: Any, key: str, count: int, acknowledged: object
) -> bool:
    """06, exercise 2: ``count`` messages with ``key``, values ``"<key> 0"`` ... in order, none lost;
    ``acknowledged`` is the learner's count of acknowledged messages."""
    report = CheckReport(f"{count} messages with key {key!r}, in order, none lost")
    if not isinstance(acknowledged, int) or isinstance(acknowledged, bool):
        report.expect(
            False,
            "",
            f"Your answer should be the number of messages acknowledged "
            f"(an int; got {type(acknowledged).__name__}).",
        )
    else:
        report.expect(
            acknowledged == count,
            f"{acknowledged} acknowledged",
            f"{acknowledged} acknowledged, not {count}: count the entries without an error.",
        )
    stream_id = getattr(stream, "id", stream)
    partitions = [str(p) for p in range(getattr(stream, "partitions", 1))]
    wanted = [f"{key} {i}" for i in range(count)]
    seen = [
        m.value
        for m in consume(
            client, stream_id, partitions=partitions, deserializer=text_or_bytes, limit=10_000
        )
        if m.key == key and isinstance(m.value, str)
    ]
    firsts = [" ".join(v.split(" ")[:2]) for v in seen]  # "<key> <i>", whatever follows
    present = [w for w in wanted if w in set(firsts)]
    report.expect(
        len(present) == count,
        f"all {count} messages are in the stream",
        f"{count - len(present)} of {count} messages are missing: retry throttled entries, "
        "don't drop them.",
    )
    order = [w for w in dict.fromkeys(firsts) if w in set(wanted)]
    if order:  # with nothing in the stream, "missing" above already says it all
        report.expect(
            order == wanted[: len(order)],
            "in the order you sent them",
            "they are out of order: resend the throttled entries before the ones after them.",
        )
    return report.show()
