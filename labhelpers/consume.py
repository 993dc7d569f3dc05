"""Consuming: cursors, and an iterator of small frozen records that follows ``opc-next-cursor``.

The loop every consumer writes, written once: GetMessages with a cursor, hand out the
messages, continue from the ``opc-next-cursor`` header (never recomputed from offsets:
offsets are not dense), pace the calls under 5 per second per partition, wait on empty
batches, back off on a 429 by the time the service names, and stop on request (a count,
a time, or a number of empty rounds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import oci

from .encoding import Deserializer, b64decode, from_text, text_or_bytes
from .errors import ConsumeError
from .limits import GETS_PER_SECOND, wait_ms

__all__ = [
    "CURSOR_TYPES",
    "GETS_PER_SECOND",
    "GROUP_CURSOR_TYPES",
    "ConsumeError",
    "Consumer",
    "Cursor",
    "Message",
    "consume",
    "create_cursor",
    "create_group_cursor",
    "decode",
]

CURSOR_TYPES = ("TRIM_HORIZON", "LATEST", "AT_OFFSET", "AFTER_OFFSET", "AT_TIME")
GROUP_CURSOR_TYPES = ("TRIM_HORIZON", "LATEST", "AT_TIME")


@dataclass(frozen=True)
class Message:
    """One consumed message, decoded: what the lab's tables and charts are built from."""

    stream: str
    partition: str
    offset: int
    key: str | bytes | None
    value: Any
    timestamp: datetime
    size: int = 0


class Cursor(str):
    """A partition cursor's value (use it wherever the SDK wants the cursor string) that also
    remembers how it was asked for: ``type``, ``partition``, ``offset``, ``time``.  The value
    itself is opaque; these attributes let a lesson (or an exercise check) say which kind of
    cursor it is."""

    type: str
    partition: str  # type: ignore[assignment]  # shadows str.partition on purpose
    offset: int | None
    time: datetime | str | None

    def __new__(
        cls,
        value: str,
        type: str,  # noqa: A002 - the API's own name
        partition: str,
        offset: int | None = None,
        time: datetime | str | None = None,
    ) -> Cursor:
        cursor = super().__new__(cls, value)
        cursor.type, cursor.partition, cursor.offset, cursor.time = type, partition, offset, time
        return cursor

    def describe(self) -> str:
        """One short line, instead of the long opaque value."""
        where = (
            f" offset {self.offset}"
            if self.offset is not None
            else (f" time {self.time}" if self.time is not None else "")
        )
        return f"{self.type} cursor, partition {self.partition}{where} ({self[:12]}…)"


def create_cursor(
    client: oci.streaming.StreamClient,
    stream_id: str,
    partition: str | int = "0",
    type: str = "TRIM_HORIZON",  # noqa: A002 - the API's own name
    offset: int | None = None,
    time: datetime | str | None = None,
) -> Cursor:
    """Create a partition cursor and return its value (a :class:`Cursor`: a ``str`` that also
    knows its type, partition, offset and time).

    ``AT_OFFSET``/``AFTER_OFFSET`` need ``offset``; ``AT_TIME`` needs ``time``.

    >>> create_cursor(client, stream.id, "0", "AT_OFFSET")  # doctest: +SKIP
    Traceback (most recent call last):
    ValueError: an AT_OFFSET cursor needs offset=...
    """
    kind = str(type).upper()
    if kind not in CURSOR_TYPES:
        raise ValueError(f"cursor type must be one of {', '.join(CURSOR_TYPES)}, not {type!r}")
    if kind in ("AT_OFFSET", "AFTER_OFFSET") and offset is None:
        raise ValueError(f"an {kind} cursor needs offset=... (an offset that is in the partition)")
    if kind == "AT_TIME" and time is None:
        raise ValueError("an AT_TIME cursor needs time=... (a datetime; naive means UTC)")
    details = oci.streaming.models.CreateCursorDetails(
        partition=str(partition),
        type=kind,
        offset=offset if kind in ("AT_OFFSET", "AFTER_OFFSET") else None,
        time=time if kind == "AT_TIME" else None,
    )
    value = client.create_cursor(stream_id, details).data.value
    return Cursor(
        value,
        kind,
        str(partition),
        offset if kind in ("AT_OFFSET", "AFTER_OFFSET") else None,
        time if kind == "AT_TIME" else None,
    )


def create_group_cursor(
    client: oci.streaming.StreamClient,
    stream_id: str,
    group: str,
    instance: str | None = None,
    type: str = "TRIM_HORIZON",  # noqa: A002
    time: datetime | None = None,
    commit_on_get: bool = True,
    timeout_ms: int | None = None,
) -> str:
    """Join consumer group ``group`` as ``instance`` and return the group cursor.

    The type counts only when the group is created; an existing group resumes where it
    committed.  Use a unique instance name per consumer.
    """
    kind = str(type).upper()
    if kind not in GROUP_CURSOR_TYPES:
        raise ValueError(
            f"group cursor type must be one of {', '.join(GROUP_CURSOR_TYPES)}, not {type!r}"
        )
    details = oci.streaming.models.CreateGroupCursorDetails(
        group_name=group,
        instance_name=instance,
        type=kind,
        time=time,
        commit_on_get=commit_on_get,
        timeout_in_ms=timeout_ms,
    )
    return client.create_group_cursor(stream_id, details).data.value


def decode(m: oci.streaming.models.Message, deserializer: Deserializer = from_text) -> Message:
    """One SDK message (base64 strings) as a :class:`Message` (decoded key and value)."""
    raw_value = b64decode(m.value) or b""
    raw_key = b64decode(m.key)
    return Message(
        stream=m.stream,
        partition=m.partition,
        offset=m.offset,
        key=text_or_bytes(raw_key) if raw_key is not None else None,
        value=deserializer(raw_value),
        timestamp=m.timestamp,
        size=len(raw_value) + len(raw_key or b""),
    )


class Consumer:
    """Iterate over messages from one or more cursors (e.g. one per partition).

    Attributes after (or during) iteration: ``cursors`` (the next cursor per source),
    ``calls``, ``empty_batches``, ``throttled`` (429s absorbed), ``count``.
    Call :meth:`stop` from another thread to end the iteration promptly.
    :func:`labhelpers.frames.read_frame` reads one straight into a DataFrame.
    """

    def __init__(
        self,
        client: oci.streaming.StreamClient,
        stream_id: str,
        cursors: dict[str, str],
        *,
        limit: int = 1000,
        deserializer: Deserializer = from_text,
        max_messages: int | None = None,
        max_seconds: float | None = None,
        stop_after_empty: int | None = 1,
        empty_wait: float = 0.5,
        pace: float = GETS_PER_SECOND,
        raw: bool = False,
    ) -> None:
        if not cursors:
            raise ValueError("give at least one cursor")
        if not 1 <= limit <= 10_000:
            raise ValueError("limit must be from 1 to 10000")
        self.client, self.stream_id = client, stream_id
        self.cursors = dict(cursors)
        self.limit, self.deserializer = limit, deserializer
        self.max_messages, self.max_seconds = max_messages, max_seconds
        self.stop_after_empty, self.empty_wait = stop_after_empty, empty_wait
        self.interval = 1.0 / pace if pace else 0.0
        self.raw = raw
        self.calls = self.empty_batches = self.throttled = self.count = 0
        self._next_call: dict[str, float] = {}
        self._stop = threading.Event()

    @property
    def cursor(self) -> str:
        """The next cursor (single-source consumers)."""
        return next(iter(self.cursors.values()))

    def stop(self) -> None:
        self._stop.set()

    def _get(self, source: str) -> list:
        while True:
            wait = self._next_call.get(source, 0.0) - time.monotonic()
            if wait > 0 and self._stop.wait(wait):
                return []
            self._next_call[source] = time.monotonic() + self.interval
            try:
                response = self.client.get_messages(
                    self.stream_id, self.cursors[source], limit=self.limit
                )
            except oci.exceptions.ServiceError as exc:
                if exc.status == 429:
                    self.throttled += 1
                    self._next_call[source] = time.monotonic() + wait_ms(exc.message) / 1000
                    continue
                raise ConsumeError(_explain(exc)) from None
            self.calls += 1
            self.cursors[source] = response.headers["opc-next-cursor"]
            return response.data

    def batches(self) -> Iterator[list]:
        """Raw batches (lists of SDK messages), with the same pacing and stop rules.

        With ``stop_after_empty=n`` a source (partition) is done after ``n`` empty batches in a
        row, and iteration ends when every source is done; with ``None`` it polls until
        ``max_seconds``, ``max_messages`` or :meth:`stop`.
        """
        start = time.monotonic()
        empty_in_a_row = {source: 0 for source in self.cursors}
        while not self._stop.is_set():
            active = [
                s
                for s in self.cursors
                if self.stop_after_empty is None or empty_in_a_row[s] < self.stop_after_empty
            ]
            if not active:
                return
            got_any = False
            for source in active:
                if self._stop.is_set():
                    return
                batch = self._get(source)
                if batch:
                    got_any = True
                    empty_in_a_row[source] = 0
                    if self.max_messages is not None:
                        batch = batch[: self.max_messages - self.count]
                    self.count += len(batch)
                    yield batch
                    if self.max_messages is not None and self.count >= self.max_messages:
                        return
                else:
                    self.empty_batches += 1
                    empty_in_a_row[source] += 1
                if self.max_seconds is not None and time.monotonic() - start >= self.max_seconds:
                    return
            if (
                not got_any
                and any(
                    self.stop_after_empty is None or empty_in_a_row[s] < self.stop_after_empty
                    for s in self.cursors
                )
                and self._stop.wait(self.empty_wait)
            ):
                return

    def __iter__(self) -> Iterator[Message]:
        for batch in self.batches():
            for m in batch:
                yield m if self.raw else decode(m, self.deserializer)


def consume(
    client: oci.streaming.StreamClient,
    stream_id: str,
    *,
    partitions: str | int | list = "0",
    type: str = "TRIM_HORIZON",  # noqa: A002
    offset: int | None = None,
    time: datetime | None = None,
    cursor: str | None = None,
    **options: Any,
) -> Consumer:
    """Consume from partition cursors of one type (or from a cursor you made).

    Parameters
    ----------
    partitions : "0", 1, ["0", "1"], ...
        Which partitions to read (one cursor each, read in turn).
    type, offset, time
        The cursor type and its position (see :func:`create_cursor`).
    cursor : str, optional
        Use this cursor instead (a partition or group cursor).
    **options
        :class:`Consumer` options: ``limit``, ``max_messages``, ``max_seconds``,
        ``stop_after_empty`` (None: keep polling), ``deserializer``, ``empty_wait``.

    Examples
    --------
    >>> for msg in consume(client, stream.id, partitions="0", max_messages=10):  # doctest: +SKIP
    ...     print(msg.offset, msg.value)
    """
    if cursor is not None:
        return Consumer(client, stream_id, {"cursor": cursor}, **options)
    parts = [partitions] if isinstance(partitions, str | int) else list(partitions)
    cursors: dict[str, str] = {
        str(p): create_cursor(client, stream_id, p, type, offset, time) for p in parts
    }
    return Consumer(client, stream_id, cursors, **options)


def _explain(exc: oci.exceptions.ServiceError) -> str:
    msg = exc.message or ""
    if "expired" in msg:
        return f"{msg} Cursors live 5 minutes: create a new cursor (e.g. AFTER_OFFSET the last offset you processed)."
    if "retention" in msg:
        return f"{msg} The messages it pointed at are gone: start again from TRIM_HORIZON."
    if "invalid" in msg.lower():
        return f"{msg} Use the cursor exactly as CreateCursor or opc-next-cursor returned it, for the same stream."
    return f"GetMessages failed: {exc.status} {exc.code}: {msg}"
