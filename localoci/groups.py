"""Consumer groups: membership, partition reservations, rebalancing and committed offsets.

The rules (Oracle's "Using Consumer Groups", see the reference §10):

* A group is created by its first CreateGroupCursor; its type (TRIM_HORIZON, LATEST,
  AT_TIME) only counts then.  Later cursors resume from the group's committed offsets.
* Each partition is reserved by at most one live instance; instances get
  ``partitions // instances`` or one more; surplus instances get nothing.
* An instance that neither reads, commits nor heartbeats for ``timeoutInMs`` (default 30 s)
  is dropped and its partitions move to the others on the next group call.
* Committed offsets never go backwards, except through UpdateGroup (an explicit reset).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import errors
from .service import Service
from .store import Stream


@dataclass
class Member:
    instance: str
    joined: int
    last_seen: int
    timeout_ms: int


def group_row(svc: Service, stream_id: str, name: str) -> tuple | None:
    return svc.store.conn.execute(
        "SELECT generation, reset_type, reset_time FROM groups WHERE stream_id = ? AND name = ?",
        (stream_id, name),
    ).fetchone()


def create_group(svc: Service, stream: Stream, name: str, type_: str, time_ms: int | None) -> None:
    """Create the group (call inside a transaction) if it does not exist yet."""
    store = svc.store
    if group_row(svc, stream.id, name) is not None:
        return
    count = store.conn.execute("SELECT count(*) FROM groups WHERE stream_id = ?", (stream.id,)).fetchone()[0]
    if svc.limits.enabled and count >= svc.limits.max_groups_per_stream:
        raise errors.limit_exceeded(
            f"Stream {stream.name} already has {count} consumer groups, the limit is "
            f"{svc.limits.max_groups_per_stream}. Reuse a group name or let unused groups expire."
        )
    now = svc.clock.now_ms()
    store.conn.execute(
        "INSERT INTO groups(stream_id, name, generation, reset_type, reset_time, time_created, last_used) "
        "VALUES (?, ?, 0, ?, ?, ?, ?)",
        (stream.id, name, type_, time_ms, now, now),
    )
    for p in range(stream.partitions):
        start = store.next_offset(stream.id, p) if type_ == "LATEST" else None
        store.conn.execute(
            "INSERT INTO group_partitions(stream_id, group_name, partition, committed_offset, start_offset) "
            "VALUES (?, ?, ?, -1, ?)",
            (stream.id, name, p, start),
        )


def reset_group(svc: Service, stream: Stream, name: str, type_: str, time_ms: int | None) -> None:
    """UpdateGroup: move the whole group; pending offsets of every cursor become void."""
    store = svc.store
    store.conn.execute(
        "UPDATE groups SET generation = generation + 1, reset_type = ?, reset_time = ?, last_used = ? "
        "WHERE stream_id = ? AND name = ?",
        (type_, time_ms, svc.clock.now_ms(), stream.id, name),
    )
    for p in range(stream.partitions):
        start = store.next_offset(stream.id, p) if type_ == "LATEST" else None
        store.conn.execute(
            "UPDATE group_partitions SET committed_offset = -1, start_offset = ? "
            "WHERE stream_id = ? AND group_name = ? AND partition = ?",
            (start, stream.id, name, p),
        )


def start_position(svc: Service, stream: Stream, name: str, partition: int) -> int:
    """Where the group reads ``partition`` next when it has no pending offset for it."""
    store = svc.store
    committed, start = store.conn.execute(
        "SELECT committed_offset, start_offset FROM group_partitions "
        "WHERE stream_id = ? AND group_name = ? AND partition = ?",
        (stream.id, name, partition),
    ).fetchone()
    if committed >= 0:
        return committed + 1
    _, reset_type, reset_time = group_row(svc, stream.id, name)
    if reset_type == "LATEST" and start is not None:
        return start
    if reset_type == "AT_TIME" and reset_time is not None:
        return store.first_offset_at_time(stream.id, partition, reset_time)
    return store.trim_offset(stream.id, partition)


def touch(svc: Service, stream: Stream, name: str, instance: str, timeout_ms: int | None) -> None:
    """Record that ``instance`` is alive now (joining the group if new).  Inside a transaction."""
    now = svc.clock.now_ms()
    conn = svc.store.conn
    if timeout_ms is None:
        row = conn.execute(
            "SELECT timeout_ms FROM group_instances WHERE stream_id = ? AND group_name = ? AND instance = ?",
            (stream.id, name, instance),
        ).fetchone()
        timeout_ms = row[0] if row else svc.limits.default_group_timeout_ms
    conn.execute(
        "INSERT INTO group_instances(stream_id, group_name, instance, joined, last_seen, timeout_ms) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(stream_id, group_name, instance) "
        "DO UPDATE SET last_seen = excluded.last_seen, timeout_ms = excluded.timeout_ms",
        (stream.id, name, instance, now, now, timeout_ms),
    )
    conn.execute("UPDATE groups SET last_used = ? WHERE stream_id = ? AND name = ?", (now, stream.id, name))


def rebalance(svc: Service, stream: Stream, name: str) -> None:
    """Drop timed-out instances, then spread partitions evenly.  Inside a transaction."""
    conn = svc.store.conn
    now = svc.clock.now_ms()
    conn.execute(
        "DELETE FROM group_instances WHERE stream_id = ? AND group_name = ? AND last_seen + timeout_ms < ?",
        (stream.id, name, now),
    )
    members = [
        r[0]
        for r in conn.execute(
            "SELECT instance FROM group_instances WHERE stream_id = ? AND group_name = ? ORDER BY joined, instance",
            (stream.id, name),
        )
    ]
    owners = {
        p: inst
        for p, inst in conn.execute(
            "SELECT partition, reserved_by FROM group_partitions WHERE stream_id = ? AND group_name = ?",
            (stream.id, name),
        )
    }
    live = set(members)
    holding: dict[str, list[int]] = {m: [] for m in members}
    free: list[int] = []
    for p in sorted(owners):
        inst = owners[p]
        if inst in live:
            holding[inst].append(p)
        else:
            free.append(p)
    if members:
        base, extra = divmod(stream.partitions, len(members))
        # The first `extra` members (by join order) may hold one more partition.
        target = {m: base + (1 if i < extra else 0) for i, m in enumerate(members)}
        for m in members:
            while len(holding[m]) > target[m]:
                free.append(holding[m].pop())
        free.sort()
        for m in members:
            while len(holding[m]) < target[m] and free:
                holding[m].append(free.pop(0))
    new_owner = {p: None for p in owners}
    for m, parts in holding.items():
        for p in parts:
            new_owner[p] = m
    changed = [(new_owner[p], stream.id, name, p) for p in owners if new_owner[p] != owners[p]]
    if changed:
        conn.executemany(
            "UPDATE group_partitions SET reserved_by = ? WHERE stream_id = ? AND group_name = ? AND partition = ?",
            changed,
        )


def reserved(svc: Service, stream_id: str, name: str, instance: str) -> list[int]:
    return [
        r[0]
        for r in svc.store.conn.execute(
            "SELECT partition FROM group_partitions WHERE stream_id = ? AND group_name = ? AND reserved_by = ? "
            "ORDER BY partition",
            (stream_id, name, instance),
        )
    ]


def commit(svc: Service, stream: Stream, cursor: dict, strict: bool) -> None:
    """Commit the cursor's pending offsets for partitions this instance still holds.

    ``strict`` (ConsumerCommit) refuses a commit for a partition the instance lost; commit-on-get
    silently drops those (the new owner re-reads them: at-least-once)."""
    name, instance = cursor["groupName"], cursor["instanceName"]
    row = group_row(svc, stream.id, name)
    if row is None or row[0] != cursor.get("generation", 0):
        return  # the group was reset (or expired) since this cursor was made: nothing to commit
    mine = set(reserved(svc, stream.id, name, instance))
    for p_str, offset in (cursor.get("offsets") or {}).items():
        p = int(p_str)
        if p not in mine:
            if strict:
                raise errors.unreserved_partition(p_str)
            continue
        svc.store.conn.execute(
            "UPDATE group_partitions SET committed_offset = max(committed_offset, ?) "
            "WHERE stream_id = ? AND group_name = ? AND partition = ?",
            (int(offset), stream.id, name, p),
        )


def reservations(svc: Service, stream: Stream, name: str) -> list[dict]:
    rows = svc.store.conn.execute(
        "SELECT gp.partition, gp.committed_offset, gp.reserved_by, gi.last_seen + gi.timeout_ms "
        "FROM group_partitions gp LEFT JOIN group_instances gi "
        "ON gi.stream_id = gp.stream_id AND gi.group_name = gp.group_name AND gi.instance = gp.reserved_by "
        "WHERE gp.stream_id = ? AND gp.group_name = ? ORDER BY gp.partition",
        (stream.id, name),
    ).fetchall()
    return [
        {"partition": p, "committed": c, "instance": inst, "until": until}
        for p, c, inst, until in rows
    ]
