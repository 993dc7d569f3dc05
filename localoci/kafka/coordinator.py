"""The classic Kafka group coordinator: membership, rebalances, generations.

One coordinator serves every pool; groups are keyed by ``(pool_id, group_id)``.  Membership
lives in memory (after a restart members get UNKNOWN_MEMBER_ID and rejoin, as after a
coordinator move in Kafka); committed offsets live in the backend.  Times are the event
loop's monotonic clock: a session is about real heartbeats, which advancing the lab's clock
must not expire.

The rules, as Apache Kafka's GroupCoordinator applies them:

* states Empty → PreparingRebalance → CompletingRebalance → Stable (Dead = unknown);
* a JoinGroup (new member, or a known one rejoining) starts a rebalance; it completes when
  every member has rejoined, or when the longest rebalance timeout has passed (members that
  did not rejoin are removed); then the generation goes up, a protocol every member lists is
  chosen by vote, the leader (kept if still there, else the first member) gets every
  member's metadata, the others an empty list;
* SyncGroup waits for the leader's assignments and hands each member its own bytes;
* Heartbeat: UNKNOWN_MEMBER_ID for a stranger, ILLEGAL_GENERATION for a stale generation,
  REBALANCE_IN_PROGRESS while members must rejoin, else NONE;
* a member whose session times out without a heartbeat is removed, which starts a rebalance;
  LeaveGroup removes at once;
* OffsetCommit with generation -1 is accepted only while the group has no members; else the
  member and generation must match, and not during CompletingRebalance.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field

from .errors import Code

EMPTY, PREPARING, COMPLETING, STABLE, DEAD = (
    "Empty",
    "PreparingRebalance",
    "CompletingRebalance",
    "Stable",
    "Dead",
)


@dataclass
class Member:
    member_id: str
    client_id: str
    client_host: str
    session_timeout_ms: int
    rebalance_timeout_ms: int
    protocols: list[tuple[str, bytes]]
    group_instance_id: str | None = None
    assignment: bytes = b""
    deadline: float = 0.0
    join_future: asyncio.Future | None = None
    sync_future: asyncio.Future | None = None

    def metadata(self, protocol: str | None) -> bytes:
        return next((m for n, m in self.protocols if n == protocol), b"")


@dataclass
class Group:
    pool_id: str
    group_id: str
    state: str = EMPTY
    generation: int = 0
    protocol_type: str | None = None
    protocol: str | None = None
    leader: str | None = None
    members: dict[str, Member] = field(default_factory=dict)
    timer: asyncio.TimerHandle | None = None
    delaying: bool = False


@dataclass(frozen=True)
class JoinResult:
    error: Code
    generation: int = -1
    protocol_type: str | None = None
    protocol: str | None = None
    leader: str = ""
    member_id: str = ""
    members: tuple[tuple[str, str | None, bytes], ...] = ()


@dataclass(frozen=True)
class SyncResult:
    error: Code
    assignment: bytes = b""
    protocol_type: str | None = None
    protocol: str | None = None


class Coordinator:
    """Classic-protocol groups for every pool.  ``start()`` runs the session reaper."""

    def __init__(
        self,
        *,
        min_session_ms: int = 6_000,
        max_session_ms: int = 1_800_000,
        initial_rebalance_delay_ms: int = 0,
    ) -> None:
        self.min_session_ms = min_session_ms
        self.max_session_ms = max_session_ms
        self.initial_delay_s = initial_rebalance_delay_ms / 1000
        self.groups: dict[tuple[str, str], Group] = {}
        self._reaper: asyncio.Task | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._reaper = asyncio.get_running_loop().create_task(self._reap_forever())

    async def stop(self) -> None:
        if self._reaper:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
        for g in self.groups.values():
            if g.timer:
                g.timer.cancel()
            for m in g.members.values():
                self._resolve(
                    m,
                    JoinResult(Code.COORDINATOR_NOT_AVAILABLE),
                    SyncResult(Code.COORDINATOR_NOT_AVAILABLE),
                )

    @staticmethod
    def _now() -> float:
        return asyncio.get_running_loop().time()

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            self.expire_sessions()

    def expire_sessions(self) -> None:
        """Remove members whose session timed out (those parked in a Join/Sync are waiting
        on the coordinator, not failing to heartbeat, and are kept)."""
        now = self._now()
        for g in list(self.groups.values()):
            gone = [
                m
                for m in g.members.values()
                if now > m.deadline and m.join_future is None and m.sync_future is None
            ]
            for m in gone:
                self._remove(g, m, Code.UNKNOWN_MEMBER_ID)
            if gone:
                self._after_departure(g)

    # -- join / sync ------------------------------------------------------------------------

    def group(self, pool_id: str, group_id: str) -> Group | None:
        return self.groups.get((pool_id, group_id))

    async def join(
        self,
        pool_id: str,
        group_id: str,
        member_id: str,
        *,
        client_id: str,
        client_host: str,
        session_timeout_ms: int,
        rebalance_timeout_ms: int,
        protocol_type: str,
        protocols: list[tuple[str, bytes]],
        group_instance_id: str | None = None,
    ) -> JoinResult:
        if not group_id:
            return JoinResult(Code.INVALID_GROUP_ID)
        if not self.min_session_ms <= session_timeout_ms <= self.max_session_ms:
            return JoinResult(Code.INVALID_SESSION_TIMEOUT)
        g = self.groups.setdefault((pool_id, group_id), Group(pool_id, group_id))
        names = {n for n, _ in protocols}
        others = [o for mid, o in g.members.items() if mid != member_id]
        common = (
            set.intersection(*({n for n, _ in o.protocols} for o in others)) if others else names
        )
        if not names or (others and protocol_type != g.protocol_type) or not names & common:
            return JoinResult(Code.INCONSISTENT_GROUP_PROTOCOL)
        if member_id and member_id not in g.members:
            return JoinResult(Code.UNKNOWN_MEMBER_ID)
        rebalance_timeout_ms = (
            rebalance_timeout_ms if rebalance_timeout_ms > 0 else session_timeout_ms
        )
        if not member_id:
            member_id = f"{client_id or 'member'}-{uuid.uuid4()}"
            g.members[member_id] = Member(
                member_id,
                client_id,
                client_host,
                session_timeout_ms,
                rebalance_timeout_ms,
                list(protocols),
                group_instance_id,
            )
        m = g.members[member_id]
        m.session_timeout_ms, m.rebalance_timeout_ms = session_timeout_ms, rebalance_timeout_ms
        m.protocols = list(protocols)
        if m.join_future and not m.join_future.done():
            m.join_future.set_result(JoinResult(Code.REBALANCE_IN_PROGRESS))
        fut = m.join_future = asyncio.get_running_loop().create_future()
        g.protocol_type = protocol_type
        if g.state != PREPARING:
            self._prepare(g)
        self._maybe_complete(g)
        try:
            return await fut
        finally:
            if m.join_future is fut:
                m.join_future = None
            m.deadline = self._now() + m.session_timeout_ms / 1000

    def _prepare(self, g: Group) -> None:
        """Enter PreparingRebalance: members must rejoin within the rebalance timeout."""
        was_empty = g.state in (EMPTY, DEAD)
        g.state = PREPARING
        for m in g.members.values():
            if m.sync_future and not m.sync_future.done():
                m.sync_future.set_result(SyncResult(Code.REBALANCE_IN_PROGRESS))
        if g.timer:
            g.timer.cancel()
        loop = asyncio.get_running_loop()
        if was_empty and self.initial_delay_s > 0:
            g.delaying = True
            g.timer = loop.call_later(self.initial_delay_s, self._end_delay, g)
        else:
            timeout = max((m.rebalance_timeout_ms for m in g.members.values()), default=0) / 1000
            g.timer = loop.call_later(timeout, self._rebalance_timeout, g)

    def _end_delay(self, g: Group) -> None:
        g.delaying = False
        timeout = max((m.rebalance_timeout_ms for m in g.members.values()), default=0) / 1000
        g.timer = asyncio.get_running_loop().call_later(timeout, self._rebalance_timeout, g)
        self._maybe_complete(g)

    def _rebalance_timeout(self, g: Group) -> None:
        g.timer = None
        if g.state != PREPARING:
            return
        for m in [m for m in g.members.values() if m.join_future is None]:
            self._remove(g, m, Code.UNKNOWN_MEMBER_ID)
        if g.members:
            self._complete(g)
        else:
            self._to_empty(g)

    def _maybe_complete(self, g: Group) -> None:
        if (
            g.state == PREPARING
            and not g.delaying
            and g.members
            and all(m.join_future is not None for m in g.members.values())
        ):
            self._complete(g)

    def _complete(self, g: Group) -> None:
        if g.timer:
            g.timer.cancel()
            g.timer = None
        g.generation += 1
        members = list(g.members.values())
        common = set.intersection(*({n for n, _ in m.protocols} for m in members))
        votes = Counter(next(n for n, _ in m.protocols if n in common) for m in members)
        best = max(votes.values())
        g.protocol = next(n for n, _ in members[0].protocols if votes.get(n) == best)
        if g.leader not in g.members:
            g.leader = members[0].member_id
        g.state = COMPLETING
        everyone = tuple(
            (m.member_id, m.group_instance_id, m.metadata(g.protocol)) for m in members
        )
        now = self._now()
        for m in members:
            m.assignment = b""
            m.deadline = now + m.session_timeout_ms / 1000
            if m.join_future and not m.join_future.done():
                m.join_future.set_result(
                    JoinResult(
                        Code.NONE,
                        g.generation,
                        g.protocol_type,
                        g.protocol,
                        g.leader,
                        m.member_id,
                        everyone if m.member_id == g.leader else (),
                    )
                )

    async def sync(
        self,
        pool_id: str,
        group_id: str,
        member_id: str,
        generation: int,
        assignments: dict[str, bytes],
        protocol_type: str | None = None,
        protocol: str | None = None,
    ) -> SyncResult:
        g = self.group(pool_id, group_id)
        if g is None or member_id not in g.members:
            return SyncResult(Code.UNKNOWN_MEMBER_ID)
        if generation != g.generation:
            return SyncResult(Code.ILLEGAL_GENERATION)
        if (protocol_type and protocol_type != g.protocol_type) or (
            protocol and protocol != g.protocol
        ):
            return SyncResult(Code.INCONSISTENT_GROUP_PROTOCOL)
        m = g.members[member_id]
        m.deadline = self._now() + m.session_timeout_ms / 1000
        if g.state == PREPARING:
            return SyncResult(Code.REBALANCE_IN_PROGRESS)
        if g.state == STABLE:
            return SyncResult(Code.NONE, m.assignment, g.protocol_type, g.protocol)
        fut = m.sync_future = asyncio.get_running_loop().create_future()
        if member_id == g.leader:
            for mid, other in g.members.items():
                other.assignment = assignments.get(mid, b"")
            g.state = STABLE
            for other in g.members.values():
                if other.sync_future and not other.sync_future.done():
                    other.sync_future.set_result(
                        SyncResult(Code.NONE, other.assignment, g.protocol_type, g.protocol)
                    )
        try:
            return await fut
        finally:
            if m.sync_future is fut:
                m.sync_future = None
            m.deadline = self._now() + m.session_timeout_ms / 1000

    # -- heartbeat, leave, commit checks ------------------------------------------------------

    def heartbeat(self, pool_id: str, group_id: str, member_id: str, generation: int) -> Code:
        g = self.group(pool_id, group_id)
        if g is None or member_id not in g.members:
            return Code.UNKNOWN_MEMBER_ID
        if generation != g.generation:
            return Code.ILLEGAL_GENERATION
        m = g.members[member_id]
        m.deadline = self._now() + m.session_timeout_ms / 1000
        return Code.REBALANCE_IN_PROGRESS if g.state == PREPARING else Code.NONE

    def leave(self, pool_id: str, group_id: str, member_id: str) -> Code:
        g = self.group(pool_id, group_id)
        if g is None or member_id not in g.members:
            return Code.UNKNOWN_MEMBER_ID
        self._remove(g, g.members[member_id], Code.UNKNOWN_MEMBER_ID)
        self._after_departure(g)
        return Code.NONE

    def check_commit(self, pool_id: str, group_id: str, member_id: str, generation: int) -> Code:
        g = self.group(pool_id, group_id)
        if generation < 0 and (g is None or not g.members):
            return Code.NONE
        if g is None or member_id not in g.members:
            return Code.UNKNOWN_MEMBER_ID
        if generation != g.generation:
            return Code.ILLEGAL_GENERATION
        if g.state == COMPLETING:
            return Code.REBALANCE_IN_PROGRESS
        m = g.members[member_id]
        m.deadline = self._now() + m.session_timeout_ms / 1000
        return Code.NONE

    def pool_groups(self, pool_id: str) -> list[Group]:
        return [g for (p, _), g in self.groups.items() if p == pool_id]

    # -- internals ----------------------------------------------------------------------------

    def _resolve(self, m: Member, join: JoinResult, sync: SyncResult) -> None:
        if m.join_future and not m.join_future.done():
            m.join_future.set_result(join)
        if m.sync_future and not m.sync_future.done():
            m.sync_future.set_result(sync)

    def _remove(self, g: Group, m: Member, code: Code) -> None:
        g.members.pop(m.member_id, None)
        self._resolve(m, JoinResult(code), SyncResult(code))

    def _after_departure(self, g: Group) -> None:
        if not g.members:
            self._to_empty(g)
        elif g.state in (STABLE, COMPLETING):
            self._prepare(g)
        else:
            self._maybe_complete(g)

    def _to_empty(self, g: Group) -> None:
        if g.timer:
            g.timer.cancel()
            g.timer = None
        if g.state != EMPTY:
            g.generation += 1
        g.state, g.leader, g.protocol, g.delaying = EMPTY, None, None, False
