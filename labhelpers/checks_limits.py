"""Self-checks of notebook 06 (limits and throttling); see labhelpers.checks."""

from __future__ import annotations

import hashlib
from typing import Any

import oci

from .checkreport import CheckReport
from .consume import Message, consume
from .encoding import raw, text_or_bytes
from .marks import Mark
from .throttle import reassemble

# -- 06: limits ---------------------------------------------------------------------------------------


def _raw_since(client: oci.streaming.StreamClient, stream: Any, since: Mark) -> list[Message]:
    """Every message appended to ``stream`` after ``since``, values as raw bytes."""
    found: list[Message] = []
    for p in since.partitions:
        if p in since.last:
            where: dict[str, Any] = {"type": "AFTER_OFFSET", "offset": since.last[p]}
        else:
            where = {"type": "TRIM_HORIZON"}
        found.extend(
            consume(client, stream.id, partitions=p, deserializer=raw, limit=10_000, **where)
        )
    return found


def check_reassembled(
    original: bytes,
    answer: object,
    client: oci.streaming.StreamClient | None = None,
    stream: Any = None,
    since: Mark | None = None,
    key: str = "ex1",
) -> bool:
    """06, exercise 1: the payload read back from the stream equals the one published.

    With ``client``, ``stream`` and ``since`` (a :class:`~labhelpers.marks.Mark` taken before the
    exercise), the check also reads what the service stored after the mark: chunks with ``key``,
    each at most 1 MiB, that reassemble to ``original``.  ``my_payload = payload`` (nothing
    published) or chunks joined in memory without publishing them then fail.
    """
    report = CheckReport("a payload over 1 MiB, published in chunks and reassembled")
    if not isinstance(answer, bytes | bytearray):
        report.expect(
            False, "", f"Your answer should be the reassembled bytes (got {type(answer).__name__})."
        )
        return report.show()
    if client is not None and stream is not None and since is not None:
        stored = [m for m in _raw_since(client, stream, since) if m.key == key]
        report.expect(
            len(stored) >= 2,
            f"{len(stored)} chunks with key {key!r} published after the mark",
            f"the stream holds {len(stored)} messages with key {key!r} from after the exercise "
            f"started: publish the chunks, e.g. publish(client, stream.id, chunk(payload), "
            f'key="{key}", serializer=raw).',
        )
        if len(stored) >= 2:
            rebuilt = reassemble(m.value for m in stored if isinstance(m.value, bytes))
            report.expect(
                bytes(original) in rebuilt.values(),
                "read back from the stream, they reassemble to the payload",
                "the chunks in the stream do not reassemble to the payload: make them with "
                "chunk(payload) and publish all of them with the same key.",
            )
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
    twice = sum(1 for w in wanted if firsts.count(w) > 1)
    report.expect(
        not twice,
        "each message stored once",
        f"{twice} messages are stored more than once: resend only the entries whose result has "
        "an error, never a whole batch or the stored entries after a refused one.",
    )
    order = [w for w in dict.fromkeys(firsts) if w in set(wanted)]
    if order:  # with nothing in the stream, "missing" above already says it all
        report.expect(
            order == wanted[: len(order)],
            "in the order you sent them",
            "they are out of order: resend the refused entries first, before any entry not sent yet.",
        )
    return report.show()
