"""Consumer groups: membership, partition reservations, rebalancing and committed offsets.

The rules (Oracle's "Using Consumer Groups", see the reference §10):

* A group is created by its first CreateGroupCursor; its type (TRIM_HORIZON, LATEST,
  AT_TIME) only counts then.  Later cursors resume from the group's committed offsets.
* Each partition is reserved by at most one live instance; instances get
  ``partitions // instances`` or one more; surplus instances get nothing.
* An instance that neither reads, commits nor heartbeats for ``timeoutInMs`` (default 30 s)
  is dropped and its partitions move to the others on the next group call.
* Committed offsets never go backwards, except through UpdateGroup (an explicit reset).

The first half of this module is those rules as pure functions over plain values (testable
without a database); the second half is the steps the operations share, which feed the rules
from the store (``svc.store.groups``) and write their decisions back.  No SQL here.

>>> assign(3, ["a", "b"], {0: None, 1: None, 2: None})     # "a" joined first: it gets one more
{0: 'a', 1: 'a', 2: 'b'}
>>> assign(3, ["b"], {0: "a", 1: "a", 2: "b"})             # "a" timed out: "b" keeps 2, takes 0, 1
{0: 'b', 1: 'b', 2: 'b'}
>>> committable({"0": 7, "1": 9}, held={0}, strict=False)  # partition 1 was lost: dropped
{0: 7}
"""

from __future__ import annotations

from collections.abc import Callable

from . import errors
from .service import Service
from .store import Group, GroupPartition, Stream

# -- the rules (pure) --------------------------------------------------------------------------


def assign(
    partitions: int, members: list[str], owners: dict[int, str | None]
) -> dict[int, str | None]:
    """Who holds each partition after a rebalance.

    ``members`` are the live instances in join order, ``owners`` the current holder of each
    partition (None, or an instance that may no longer be live).  A live holder keeps what it
    has up to its share; the first ``partitions % len(members)`` members may hold one more.
    """
    live = set(members)
    holding: dict[str, list[int]] = {m: [] for m in members}
    free: list[int] = []
    for p in sorted(owners):
        holder = owners[p]
        if holder in live:
            holding[holder].append(p)
        else:
            free.append(p)
    if members:
        base, extra = divmod(partitions, len(members))
        target = {m: base + (1 if i < extra else 0) for i, m in enumerate(members)}
        for m in members:
            while len(holding[m]) > target[m]:
                free.append(holding[m].pop())
        free.sort()
        for m in members:
            while len(holding[m]) < target[m] and free:
                holding[m].append(free.pop(0))
    result: dict[int, str | None] = {p: None for p in owners}
    for m, parts in holding.items():
        for p in parts:
            result[p] = m
    return result


def start_offset(
    group: Group, gp: GroupPartition, trim_offset: int, offset_at_time: Callable[[int], int]
) -> int:
    """Where the group reads ``gp``'s partition next when it has no pending offset for it:
    after its commit; else where the group's type says (LATEST: the offset resolved when the
    group was made; AT_TIME: the first message at or after the time); else the trim horizon."""
    if gp.committed_offset >= 0:
        return gp.committed_offset + 1
    if group.reset_type == "LATEST" and gp.start_offset is not None:
        return gp.start_offset
    if group.reset_type == "AT_TIME" and group.reset_time is not None:
        return offset_at_time(group.reset_time)
    return trim_offset


def committable(offsets: dict[str, int], held: set[int], strict: bool) -> dict[int, int]:
    """The pending ``offsets`` (partition as text -> offset) an instance holding ``held`` may commit.

    ``strict`` (ConsumerCommit) refuses a commit for a partition the instance lost; commit-on-get
    silently drops those (the new owner re-reads them: at-least-once)."""
    out: dict[int, int] = {}
    for p_str, offset in offsets.items():
        p = int(p_str)
        if p not in held:
            if strict:
                raise errors.unreserved_partition(p_str)
            continue
        out[p] = int(offset)
    return out


# -- the steps the operations share (through the store; call inside a transaction) ------------


def find(svc: Service, stream_id: str, name: object) -> Group | None:
    return svc.store.groups.find(stream_id, name) if isinstance(name, str) else None


def _starts(svc: Service, stream: Stream, type_: str) -> list[int | None]:
    """Per partition, where LATEST starts (resolved now); None for the other types."""
    store = svc.store
    return [
        store.log.next_offset(stream.id, p) if type_ == "LATEST" else None
        for p in range(stream.partitions)
    ]


def create_group(svc: Service, stream: Stream, name: str, type_: str, time_ms: int | None) -> None:
    """Create the group if it does not exist yet (a group's type counts only now)."""
    if svc.store.groups.find(stream.id, name) is not None:
        return
    count = svc.store.groups.count(stream.id)
    if svc.limits.enabled and count >= svc.limits.max_groups_per_stream:
        raise errors.limit_exceeded(
            f"Stream {stream.name} already has {count} consumer groups, the limit is "
            f"{svc.limits.max_groups_per_stream}. Reuse a group name or let unused groups expire."
        )
    svc.store.groups.insert(
        stream.id, name, type_, time_ms, svc.clock.now_ms(), _starts(svc, stream, type_)
    )


def reset_group(svc: Service, stream: Stream, name: str, type_: str, time_ms: int | None) -> None:
    """UpdateGroup: move the whole group; pending offsets of every cursor become void."""
    svc.store.groups.reset(
        stream.id, name, type_, time_ms, svc.clock.now_ms(), _starts(svc, stream, type_)
    )


def start_position(svc: Service, stream: Stream, group: Group, partition: int) -> int:
    store = svc.store
    return start_offset(
        group,
        store.groups.partition(stream.id, group.name, partition),
        store.log.trim_offset(stream.id, partition),
        lambda ts: store.log.first_offset_at_time(stream.id, partition, ts),
    )


def touch(svc: Service, stream: Stream, name: str, instance: str, timeout_ms: int | None) -> None:
    """Record that ``instance`` is alive now (joining the group if new)."""
    tables = svc.store.groups
    if timeout_ms is None:
        timeout_ms = (
            tables.instance_timeout(stream.id, name, instance)
            or svc.limits.default_group_timeout_ms
        )
    tables.touch(stream.id, name, instance, svc.clock.now_ms(), timeout_ms)


def rebalance(svc: Service, stream: Stream, name: str) -> None:
    """Drop timed-out instances, then spread partitions evenly."""
    tables = svc.store.groups
    tables.drop_timed_out(stream.id, name, svc.clock.now_ms())
    owners = {gp.partition: gp.reserved_by for gp in tables.partitions(stream.id, name)}
    new = assign(stream.partitions, tables.members(stream.id, name), owners)
    changed = {p: owner for p, owner in new.items() if owner != owners[p]}
    if changed:
        tables.reserve(stream.id, name, changed)


def reserved(svc: Service, stream_id: str, name: str, instance: str) -> list[int]:
    return svc.store.groups.reserved(stream_id, name, instance)


def commit(svc: Service, stream: Stream, cursor: dict, strict: bool) -> None:
    """Commit the cursor's pending offsets for partitions this instance still holds."""
    name, instance = cursor["groupName"], cursor["instanceName"]
    group = svc.store.groups.find(stream.id, name)
    if group is None or group.generation != cursor.get("generation", 0):
        return  # the group was reset (or expired) since this cursor was made: nothing to commit
    held = set(svc.store.groups.reserved(stream.id, name, instance))
    offsets = committable(cursor.get("offsets") or {}, held, strict)
    if offsets:
        svc.store.groups.commit(stream.id, name, offsets)
