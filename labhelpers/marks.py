"""Marks: what a stream held before an exercise, so a check counts only what came after.

An exercise check must pass only on evidence of the learner's own action.  The lesson above an
exercise has usually published messages of the very kind the exercise asks for, so "the stream
holds three messages keyed ``sensor-1``" proves nothing.  A :class:`Mark`, taken in a cell just
before the exercise, records where each partition ended; :func:`messages_since` then reads only
the messages appended after it.

It uses only what any consumer can do (TRIM_HORIZON / AFTER_OFFSET cursors and GetMessages), so
it works the same on localoci and on OCI.

>>> before = mark(client, stream)  # doctest: +SKIP
>>> before                          # doctest: +SKIP
Mark: partition 0 ends at offset 41, partition 1 at 17, partition 2 is empty
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import oci

from .consume import Message, consume
from .encoding import text_or_bytes

__all__ = ["Mark", "mark", "messages_since"]


@dataclass(frozen=True)
class Mark:
    """Where each partition of a stream ended: ``last`` maps a partition to its last offset
    (absent: the partition was empty)."""

    stream_id: str
    partitions: tuple[str, ...]
    last: dict[str, int]

    def __repr__(self) -> str:
        parts = [
            f"partition {p} ends at offset {self.last[p]}"
            if p in self.last
            else f"partition {p} is empty"
            for p in self.partitions
        ]
        return "Mark: " + ", ".join(parts)


def _partitions(stream) -> tuple[str, ...]:
    return tuple(str(p) for p in range(int(getattr(stream, "partitions", 1) or 1)))


def mark(client: oci.streaming.StreamClient, stream) -> Mark:
    """Read each partition of ``stream`` to its end and record its last offset (then wait a
    second: the read limit's allowance is full again when the learner's code runs)."""
    last: dict[str, int] = {}
    for p in _partitions(stream):
        for batch in consume(client, stream.id, partitions=p, limit=10_000, raw=True).batches():
            if batch:
                last[p] = max(last.get(p, -1), max(m.offset for m in batch))
    # The reads above used some of each partition's 5 GetMessages a second: give it back, so
    # the learner's own reads right after the mark are not throttled.
    time.sleep(1.0)
    return Mark(stream.id, _partitions(stream), last)


def messages_since(client: oci.streaming.StreamClient, stream, since: Mark) -> list[Message]:
    """Every message appended to ``stream`` after ``since`` (decoded: text, else bytes)."""
    found: list[Message] = []
    for p in _partitions(stream):
        if p in since.last:
            consumer = consume(
                client,
                stream.id,
                partitions=p,
                type="AFTER_OFFSET",
                offset=since.last[p],
                deserializer=text_or_bytes,
                limit=10_000,
            )
        else:
            consumer = consume(
                client, stream.id, partitions=p, deserializer=text_or_bytes, limit=10_000
            )
        found.extend(consumer)
    return found
