"""The consumer-group tables (``groups``, ``group_partitions``, ``group_instances``): their SQL.

Reached as ``store.groups``.  Each method is one question or one change; *which* changes to
make (who holds which partition, what may be committed) is decided by the rules in
:mod:`localoci.groups`, which read and write through these methods.  Call the writing ones
inside ``store.tx()``.
"""

from __future__ import annotations

import sqlite3

from .rows import Group, GroupPartition


class GroupTables:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    # -- groups --------------------------------------------------------------------------------

    def find(self, stream_id: str, name: str) -> Group | None:
        row = self.conn.execute(
            "SELECT stream_id, name, generation, reset_type, reset_time, time_created, last_used "
            "FROM groups WHERE stream_id = ? AND name = ?",
            (stream_id, name),
        ).fetchone()
        return Group(**dict(row)) if row else None

    def count(self, stream_id: str) -> int:
        row = self.conn.execute(
            "SELECT count(*) AS n FROM groups WHERE stream_id = ?", (stream_id,)
        ).fetchone()
        return row["n"]

    def insert(
        self,
        stream_id: str,
        name: str,
        reset_type: str,
        reset_time: int | None,
        now: int,
        starts: list[int | None],
    ) -> None:
        """A new group, generation 0, with one row per partition (``starts[p]``: LATEST's start)."""
        self.conn.execute(
            "INSERT INTO groups(stream_id, name, generation, reset_type, reset_time, time_created, last_used) "
            "VALUES (?, ?, 0, ?, ?, ?, ?)",
            (stream_id, name, reset_type, reset_time, now, now),
        )
        self.conn.executemany(
            "INSERT INTO group_partitions(stream_id, group_name, partition, committed_offset, start_offset) "
            "VALUES (?, ?, ?, -1, ?)",
            [(stream_id, name, p, start) for p, start in enumerate(starts)],
        )

    def reset(
        self,
        stream_id: str,
        name: str,
        reset_type: str,
        reset_time: int | None,
        now: int,
        starts: list[int | None],
    ) -> None:
        """Move the group's next generation to a new start; every commit is forgotten."""
        self.conn.execute(
            "UPDATE groups SET generation = generation + 1, reset_type = ?, reset_time = ?, last_used = ? "
            "WHERE stream_id = ? AND name = ?",
            (reset_type, reset_time, now, stream_id, name),
        )
        self.conn.executemany(
            "UPDATE group_partitions SET committed_offset = -1, start_offset = ? "
            "WHERE stream_id = ? AND group_name = ? AND partition = ?",
            [(start, stream_id, name, p) for p, start in enumerate(starts)],
        )

    def expire_unused(self, stream_id: str, unused_since: int) -> None:
        """Delete the stream's groups (and their rows) last used before ``unused_since``."""
        unused = "(SELECT name FROM groups WHERE stream_id = ? AND last_used < ?)"
        for table in ("group_partitions", "group_instances"):
            self.conn.execute(
                f"DELETE FROM {table} WHERE stream_id = ? AND group_name IN {unused}",
                (stream_id, stream_id, unused_since),
            )
        self.conn.execute(
            "DELETE FROM groups WHERE stream_id = ? AND last_used < ?", (stream_id, unused_since)
        )

    # -- partitions ----------------------------------------------------------------------------

    _PARTITIONS = (
        "SELECT gp.partition, gp.committed_offset, gp.start_offset, gp.reserved_by, "
        "gi.last_seen + gi.timeout_ms AS reserved_until "
        "FROM group_partitions gp LEFT JOIN group_instances gi "
        "ON gi.stream_id = gp.stream_id AND gi.group_name = gp.group_name AND gi.instance = gp.reserved_by "
        "WHERE gp.stream_id = ? AND gp.group_name = ?"
    )

    def partitions(self, stream_id: str, name: str) -> list[GroupPartition]:
        rows = self.conn.execute(self._PARTITIONS + " ORDER BY gp.partition", (stream_id, name))
        return [GroupPartition(**dict(r)) for r in rows]

    def partition(self, stream_id: str, name: str, partition: int) -> GroupPartition:
        row = self.conn.execute(
            self._PARTITIONS + " AND gp.partition = ?", (stream_id, name, partition)
        ).fetchone()
        return GroupPartition(**dict(row))

    def reserved(self, stream_id: str, name: str, instance: str) -> list[int]:
        """The partitions ``instance`` holds, in order."""
        rows = self.conn.execute(
            "SELECT partition FROM group_partitions WHERE stream_id = ? AND group_name = ? AND reserved_by = ? "
            "ORDER BY partition",
            (stream_id, name, instance),
        )
        return [r["partition"] for r in rows]

    def reserve(self, stream_id: str, name: str, owners: dict[int, str | None]) -> None:
        """Set who holds each partition named in ``owners`` (None: nobody)."""
        self.conn.executemany(
            "UPDATE group_partitions SET reserved_by = ? WHERE stream_id = ? AND group_name = ? AND partition = ?",
            [(owner, stream_id, name, p) for p, owner in owners.items()],
        )

    def commit(self, stream_id: str, name: str, offsets: dict[int, int]) -> None:
        """Commit ``offsets`` (partition -> last processed offset); a commit never goes back."""
        self.conn.executemany(
            "UPDATE group_partitions SET committed_offset = max(committed_offset, ?) "
            "WHERE stream_id = ? AND group_name = ? AND partition = ?",
            [(offset, stream_id, name, p) for p, offset in offsets.items()],
        )

    # -- instances -----------------------------------------------------------------------------

    def instance_timeout(self, stream_id: str, name: str, instance: str) -> int | None:
        row = self.conn.execute(
            "SELECT timeout_ms FROM group_instances WHERE stream_id = ? AND group_name = ? AND instance = ?",
            (stream_id, name, instance),
        ).fetchone()
        return row["timeout_ms"] if row else None

    def touch(self, stream_id: str, name: str, instance: str, now: int, timeout_ms: int) -> None:
        """``instance`` is alive at ``now`` (joining if new); the group was used at ``now``."""
        self.conn.execute(
            "INSERT INTO group_instances(stream_id, group_name, instance, joined, last_seen, timeout_ms) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(stream_id, group_name, instance) "
            "DO UPDATE SET last_seen = excluded.last_seen, timeout_ms = excluded.timeout_ms",
            (stream_id, name, instance, now, now, timeout_ms),
        )
        self.conn.execute(
            "UPDATE groups SET last_used = ? WHERE stream_id = ? AND name = ?",
            (now, stream_id, name),
        )

    def drop_timed_out(self, stream_id: str, name: str, now: int) -> None:
        """Forget instances silent for longer than their timeout."""
        self.conn.execute(
            "DELETE FROM group_instances WHERE stream_id = ? AND group_name = ? AND last_seen + timeout_ms < ?",
            (stream_id, name, now),
        )

    def members(self, stream_id: str, name: str) -> list[str]:
        """The group's instances in join order (ties by name): the order partitions are dealt in."""
        rows = self.conn.execute(
            "SELECT instance FROM group_instances WHERE stream_id = ? AND group_name = ? ORDER BY joined, instance",
            (stream_id, name),
        )
        return [r["instance"] for r in rows]
