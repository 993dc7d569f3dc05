"""The message log: every partition's messages, as batches in segment files with an index in
SQLite.  Reached as ``store.log``; the only code that knows how messages are laid out.

* A **batch** is what one PutMessages (or one Kafka produce) appended to one partition: its
  messages have consecutive offsets and one append time.  Its bytes (:mod:`.packed`) live in
  one of the stream's segment files (:mod:`.segments`, shared by its partitions, in append
  order); its row in ``batches`` says where, which offsets, when, and how many bytes of keys
  and values it holds.  So a read of 10,000 messages is a few
  index rows and a few ``pread`` calls, whatever the stream's size, and a write is one file
  write and one row, whatever the batch's size.
* **Offsets** are exact: ``partitions.next_offset`` and ``trim_offset`` are written in the
  same transaction as the batch rows, and cached here (restored when a transaction rolls back).
* **Retention** trims whole batches (all of a batch's messages share its append time, so the
  trim is exact to the message), then deletes segment files nothing indexes any more: the
  disk space comes back at once.
* **Crash safety**: a batch's bytes are written (and, at ``durability="full"``, synced)
  before its row is committed, and files are deleted only after the rows that named them are
  gone; :meth:`MessageLog.recover`, run at every start, removes what a crash left between
  the two.

Call the writing methods inside ``store.tx()``; file deletions wait for the commit
(``store.after_commit``), and so do the calls to :meth:`MessageLog.watch`'s callbacks after an
append (from either wire: that is how a REST PutMessages wakes a Kafka Fetch long-poll).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .packed import Header, View, pack, read_data, read_meta
from .segments import Segments

Key = tuple[str, int]  # (stream id, partition)


@dataclass(frozen=True)
class Slice:
    """Some consecutive messages of one stored batch, appended at ``ts`` (epoch ms); the first
    is at offset ``first_offset``.  ``view`` holds their bytes."""

    base_offset: int
    ts: int
    view: View

    @property
    def first_offset(self) -> int:
        return self.base_offset + self.view.start

    @property
    def count(self) -> int:
        return self.view.count

    def keys(self) -> list[bytes | None]:
        return self.view.keys()

    def values(self) -> list[bytes | None]:
        return self.view.values()

    def sizes(self) -> list[int]:
        return self.view.sizes()

    def create_times(self) -> list[int] | None:
        """The Kafka producer's timestamps (None for a batch REST appended)."""
        return self.view.create_times()

    def headers(self) -> list[list[tuple[str, bytes | None]]]:
        return self.view.headers()


@dataclass
class _Tail:
    """The newest segment of a stream and where its last indexed batch ends."""

    segment: int | None
    end: int


class MessageLog:
    def __init__(
        self,
        conn: sqlite3.Connection,
        root: Path,
        durability: str,
        after_commit: Callable[[Callable[[], object]], None],
    ) -> None:
        self.conn = conn
        self.files = Segments(root, durability)
        self._after_commit = after_commit
        self._next: dict[Key, int] = {}
        self._trim: dict[Key, int] = {}
        self._tail: dict[str, _Tail] = {}  # per stream: its segments hold all its partitions
        self._watchers: list[Callable[[str, int], None]] = []
        for row in conn.execute(
            "SELECT stream_id, partition, next_offset, trim_offset FROM partitions"
        ):
            key = (row["stream_id"], row["partition"])
            self._next[key] = row["next_offset"]
            self._trim[key] = row["trim_offset"]

    def watch(self, callback: Callable[[str, int], None]) -> Callable[[], None]:
        """Call ``callback(stream_id, partition)`` after each committed append; return a
        function that stops the calls."""
        self._watchers.append(callback)

        def unwatch() -> None:
            if callback in self._watchers:
                self._watchers.remove(callback)

        return unwatch

    def _notify(self, stream_id: str, partition: int) -> None:
        for callback in list(self._watchers):
            callback(stream_id, partition)

    # -- transactions (called by Store.tx) -----------------------------------------------------

    def snapshot(self) -> tuple:
        return (
            dict(self._next),
            dict(self._trim),
            {k: _Tail(t.segment, t.end) for k, t in self._tail.items()},
        )

    def restore(self, snapshot: tuple) -> None:
        self._next, self._trim, self._tail = snapshot

    def flush(self) -> None:
        """Make the bytes written in this transaction durable (Store.tx, before COMMIT)."""
        self.files.flush()

    def close(self) -> None:
        self.files.close()

    # -- recovery ------------------------------------------------------------------------------

    def recover(self) -> int:
        """Bring the files in line with the index after a start (or a crash); return the bytes
        reclaimed.  Also sets each stream's tail (where its next batch is written)."""
        indexed: dict[str, tuple[int, int, int]] = {}
        for row in self.conn.execute(
            "SELECT stream_id, min(segment) AS first, max(segment) AS newest FROM batches GROUP BY stream_id"
        ).fetchall():
            sid, newest = row["stream_id"], row["newest"]
            end = self.conn.execute(
                "SELECT max(position + length) AS end FROM batches WHERE stream_id = ? AND segment = ?",
                (sid, newest),
            ).fetchone()["end"]
            indexed[sid] = (row["first"], newest, end)
            self._tail[sid] = _Tail(newest, end)
        return self.files.recover(indexed)

    # -- partitions ----------------------------------------------------------------------------

    def add_partitions(self, stream_id: str, partitions: int) -> None:
        for p in range(partitions):
            self.conn.execute(
                "INSERT INTO partitions(stream_id, partition) VALUES (?, ?)", (stream_id, p)
            )
            self._next[(stream_id, p)] = 0
            self._trim[(stream_id, p)] = 0

    def drop_stream(self, stream_id: str) -> None:
        """Forget a stream's messages and partitions; its files go after the commit."""
        self.conn.execute("DELETE FROM batches WHERE stream_id = ?", (stream_id,))
        self.conn.execute("DELETE FROM partitions WHERE stream_id = ?", (stream_id,))
        for key in [k for k in self._next if k[0] == stream_id]:
            self._next.pop(key, None)
            self._trim.pop(key, None)
        self._tail.pop(stream_id, None)
        self._after_commit(lambda: self.files.drop_stream(stream_id))

    def drop_all(self) -> None:
        self.conn.execute("DELETE FROM batches")
        self.conn.execute("DELETE FROM partitions")
        self._next.clear()
        self._trim.clear()
        self._tail.clear()
        self._after_commit(self.files.drop_all)

    def place_at(self, stream_id: str, partition: int, offset: int) -> None:
        """Make the partition's next batch start at ``offset`` (only for :mod:`.migrate`, which
        moves old rows in at the offsets they already had)."""
        self._next[(stream_id, partition)] = offset

    def next_offset(self, stream_id: str, partition: int) -> int:
        return self._next[(stream_id, partition)]

    def trim_offset(self, stream_id: str, partition: int) -> int:
        return self._trim[(stream_id, partition)]

    # -- writing -------------------------------------------------------------------------------

    def append(
        self,
        stream_id: str,
        partition: int,
        keys: Sequence[bytes | None],
        values: Sequence[bytes | None],
        ts: int,
        create_times: Sequence[int] | None = None,
        headers: Sequence[Sequence[Header]] | None = None,
    ) -> int:
        """Append one batch (at least one message) to a partition; return its first offset.

        ``create_times`` and ``headers`` are what a Kafka producer sent besides keys and values
        (kept for Kafka readers; the newest create time is indexed as ``max_ts`` for
        :meth:`first_offset_at_kafka_time`).  Inside ``store.tx()``: durable once the
        transaction commits, and watchers are called then.
        """
        key = (stream_id, partition)
        base = self._next[key]
        data = pack(keys, values, create_times, headers)
        tail = self._tail.get(stream_id) or _Tail(None, 0)
        segment, position = self.files.place(tail.segment, tail.end, len(data))
        self.files.write(stream_id, segment, position, data)
        count = len(values)
        nbytes = sum(len(k) for k in keys if k) + sum(len(v) for v in values if v)
        max_ts = max(create_times) if create_times else None
        self.conn.execute(
            "INSERT INTO batches(stream_id, partition, base_offset, count, ts, bytes, segment, "
            "position, length, max_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stream_id, partition, base, count, ts, nbytes, segment, position, len(data), max_ts),
        )
        self.conn.execute(
            "UPDATE partitions SET next_offset = ? WHERE stream_id = ? AND partition = ?",
            (base + count, stream_id, partition),
        )
        self._next[key] = base + count
        self._tail[stream_id] = _Tail(segment, position + len(data))
        if self._watchers:
            self._after_commit(lambda: self._notify(stream_id, partition))
        return base

    # -- reading -------------------------------------------------------------------------------

    def _rows(self, stream_id: str, partition: int, from_offset: int) -> sqlite3.Cursor:
        """Index rows from the batch holding ``from_offset`` on, in offset order (lazily)."""
        return self.conn.execute(
            "SELECT base_offset, count, ts, bytes, segment, position, length FROM batches "
            "WHERE stream_id = ?1 AND partition = ?2 AND base_offset >= coalesce("
            "(SELECT max(base_offset) FROM batches WHERE stream_id = ?1 AND partition = ?2 AND base_offset <= ?3), ?3) "
            "ORDER BY base_offset",
            (stream_id, partition, from_offset),
        )

    def read(
        self,
        stream_id: str,
        partition: int,
        from_offset: int,
        limit: int,
        max_bytes: int | None = None,
    ) -> list[Slice]:
        """Up to ``limit`` messages from ``from_offset`` on, as slices of stored batches; with
        ``max_bytes``, stop once the keys and values read reach it (always at least one
        message, however big).  Only the bytes of the messages returned are read."""
        out: list[Slice] = []
        left, budget = limit, max_bytes
        cur = self._rows(stream_id, partition, from_offset)
        try:
            for row in cur:
                base, count = row["base_offset"], row["count"]
                start = max(0, from_offset - base)
                if start >= count:
                    continue
                segment, position = row["segment"], row["position"]

                def read_at(at: int, n: int, segment=segment, position=position) -> bytes:
                    return self.files.read(stream_id, segment, position + at, n)

                meta = read_meta(read_at)
                stop = min(count, start + left)
                if budget is not None:
                    if start == 0 and stop == count and row["bytes"] < budget:
                        budget -= row["bytes"]  # the whole batch fits: no need to look inside
                    else:
                        taken = 0
                        for i, size in enumerate(meta.sizes(start, stop), start):
                            taken += size
                            if taken >= budget:
                                stop = i + 1
                                break
                        budget -= taken
                out.append(Slice(base, row["ts"], read_data(read_at, meta, start, stop)))
                left -= stop - start
                if left <= 0 or (budget is not None and budget <= 0):
                    break
        finally:
            cur.close()
        return out

    def first_offset_at_time(self, stream_id: str, partition: int, ts: int) -> int:
        """The first retained offset whose append time is >= ``ts`` (or the next offset)."""
        row = self.conn.execute(
            "SELECT base_offset FROM batches WHERE stream_id = ? AND partition = ? AND ts >= ? "
            "ORDER BY ts, base_offset LIMIT 1",
            (stream_id, partition, ts),
        ).fetchone()
        return row["base_offset"] if row else self._next[(stream_id, partition)]

    def first_offset_at_kafka_time(self, stream_id: str, partition: int, ts: int) -> int | None:
        """The first offset of the first retained batch holding a message whose Kafka
        timestamp (its producer's create time, else the append time) is >= ``ts``; None if no
        batch does.  The answer's batch is the first with such a message: earlier batches'
        newest timestamps are all below ``ts``."""
        row = self.conn.execute(
            "SELECT base_offset FROM batches WHERE stream_id = ? AND partition = ? "
            "AND coalesce(max_ts, ts) >= ? ORDER BY base_offset LIMIT 1",
            (stream_id, partition, ts),
        ).fetchone()
        return row["base_offset"] if row else None

    def bytes_between(self, stream_id: str, partition: int, start: int, stop: int) -> int:
        """Bytes of keys and values of whole batches in ``[start, stop)`` (for statistics)."""
        row = self.conn.execute(
            "SELECT coalesce(sum(bytes), 0) AS n FROM batches WHERE stream_id = ? AND partition = ? "
            "AND base_offset >= ? AND base_offset < ?",
            (stream_id, partition, start, stop),
        ).fetchone()
        return row["n"]

    # -- retention -----------------------------------------------------------------------------

    def trim(self, stream_id: str, partition: int, older_than_ts: int) -> int:
        """Delete the messages appended before ``older_than_ts``; return the new trim offset.
        Segment files that no longer hold a retained batch are deleted after the commit."""
        key = (stream_id, partition)
        row = self.conn.execute(
            "SELECT max(base_offset + count) AS upto FROM batches WHERE stream_id = ? AND partition = ? AND ts < ?",
            (stream_id, partition, older_than_ts),
        ).fetchone()
        if row["upto"] is None:
            return self._trim[key]
        new_trim = row["upto"]
        # Append times never go backwards within a partition, so "older than" is a prefix.
        self.conn.execute(
            "DELETE FROM batches WHERE stream_id = ? AND partition = ? AND base_offset < ?",
            (stream_id, partition, new_trim),
        )
        self.conn.execute(
            "UPDATE partitions SET trim_offset = ? WHERE stream_id = ? AND partition = ?",
            (new_trim, stream_id, partition),
        )
        self._trim[key] = new_trim
        first = self.conn.execute(
            "SELECT min(segment) AS first FROM batches WHERE stream_id = ?", (stream_id,)
        ).fetchone()["first"]
        tail = self._tail.get(stream_id)
        if first is None:
            # Nothing retained in any partition: the next batch starts a new segment, and every
            # old one can go.
            first = tail.segment + 1 if tail and tail.segment is not None else 0
            self._tail[stream_id] = _Tail(first, 0)
        self._after_commit(lambda: self.files.delete_segments(stream_id, keep_from=first))
        return new_trim
