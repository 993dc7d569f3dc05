"""An in-memory :class:`~localoci.kafka.backend.Backend`: the reference implementation of the
seam and the test double of the listener's tests.

It follows the contract to the letter (the real, SQLite-backed backend is checked by the
same tests): tenancies with users, identity domains and hashed auth tokens; stream pools with
``kafkaSettings``; streams with partitions and lifecycle states; one log per partition with
offsets from 0; a write budget of ``write_bytes_per_second`` per partition; Kafka group
offsets.  ``rest_append`` plays REST PutMessages (LogAppendTime records, no headers) so tests
can check what Kafka readers see of REST-produced messages.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .backend import (
    ACTIVE,
    CREATE_TIME,
    CREATING,
    DELETED,
    LOG_APPEND_TIME,
    Appended,
    CommittedOffset,
    KafkaSettings,
    OciUsername,
    Principal,
    ProducedRecord,
    StoredRecord,
    StreamPartition,
    TopicInfo,
)
from .errors import AuthenticationFailed, KafkaError

MIB = 1024 * 1024
_ids = itertools.count(1)


def _ocid(kind: str) -> str:
    return f"ocid1.{kind}.oc1.local.{next(_ids):012d}{'a' * 20}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class _Stream:
    id: str
    name: str
    pool_id: str
    partitions: int
    retention_hours: int
    state: str = ACTIVE
    ready_at: float = 0.0
    logs: list[list[StoredRecord]] = field(default_factory=list)
    log_start: list[int] = field(default_factory=list)


@dataclass
class _Pool:
    id: str
    tenancy: str
    settings: KafkaSettings
    state: str = ACTIVE


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class MemoryBackend:
    """Everything in dicts.  ``limits=False`` turns the write budget off."""

    def __init__(
        self,
        *,
        limits: bool = True,
        write_bytes_per_second: int = MIB,
        max_partitions: int = 200,
        creating_s: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits
        self.rate = write_bytes_per_second
        self.max_partitions = max_partitions
        self.creating_s = creating_s  # how long created streams stay CREATING
        self.clock = clock
        self.tenancies: dict[str, dict[str, list[str]]] = {}  # name -> user -> token hashes
        self.domains: dict[str, set[str]] = {}
        self.pools: dict[str, _Pool] = {}
        self.streams: dict[str, _Stream] = {}
        self.offsets: dict[tuple[str, str], dict[StreamPartition, CommittedOffset]] = {}
        self._buckets: dict[tuple[str, int], _Bucket] = {}
        self._watchers: list[Callable[[str, int], None]] = []

    # -- setting up (what the REST side and the Identity stand-in do in localoci) --------------

    def add_user(self, tenancy: str, user: str, token: str, domain: str | None = None) -> None:
        self.tenancies.setdefault(tenancy, {}).setdefault(user, []).append(_hash(token))
        if domain:
            self.domains.setdefault(tenancy, set()).add(domain)

    def add_pool(
        self,
        tenancy: str,
        *,
        auto_create: bool = False,
        num_partitions: int = 1,
        retention_hours: int = 24,
    ) -> str:
        pool = _Pool(
            _ocid("streampool"),
            tenancy,
            KafkaSettings(auto_create, num_partitions, retention_hours),
        )
        self.pools[pool.id] = pool
        return pool.id

    def add_stream(
        self,
        pool_id: str,
        name: str,
        partitions: int = 1,
        *,
        retention_hours: int = 24,
        state: str = ACTIVE,
    ) -> str:
        s = _Stream(
            _ocid("stream"),
            name,
            pool_id,
            partitions,
            retention_hours,
            state,
            logs=[[] for _ in range(partitions)],
            log_start=[0] * partitions,
        )
        self.streams[s.id] = s
        return s.id

    def set_state(self, stream_id: str, state: str) -> None:
        """Move a stream to ``state``; DELETED drops its data (as REST DeleteStream)."""
        s = self.streams[stream_id]
        s.state, s.ready_at = state, 0.0
        if state == DELETED:
            s.logs = [[] for _ in range(s.partitions)]

    def set_settings(self, pool_id: str, **kw) -> None:
        old = self.pools[pool_id].settings
        self.pools[pool_id].settings = KafkaSettings(**{**old.__dict__, **kw})

    def trim(self, stream_id: str, partition: int, before_offset: int) -> None:
        """Retention: forget records below ``before_offset``."""
        s = self.streams[stream_id]
        s.logs[partition] = [r for r in s.logs[partition] if r.offset >= before_offset]
        s.log_start[partition] = max(s.log_start[partition], before_offset)

    def rest_append(self, stream_id: str, partition: int, key: bytes | None, value: bytes) -> int:
        """What PutMessages stores: no headers, the append time as LogAppendTime."""
        s = self._data_stream(stream_id)
        offset = s.log_start[partition] + len(s.logs[partition])
        s.logs[partition].append(
            StoredRecord(offset, int(self.clock() * 1000), key, value, (), LOG_APPEND_TIME)
        )
        self._notify(stream_id, partition)
        return offset

    # -- the seam: identity ---------------------------------------------------------------------

    def authenticate(self, username: OciUsername, token: str) -> Principal:
        users = self.tenancies.get(username.tenancy)
        if users is None:
            raise AuthenticationFailed.unknown_tenancy(username.tenancy)
        if username.domain and username.domain not in self.domains.get(username.tenancy, set()):
            raise AuthenticationFailed.unknown_domain(username.domain, username.tenancy)
        hashes = users.get(username.user)
        if hashes is None:
            raise AuthenticationFailed.unknown_user(username.user, username.tenancy)
        pool = self.pools.get(username.pool_id)
        if pool is None or pool.tenancy != username.tenancy or pool.state != ACTIVE:
            raise AuthenticationFailed.unknown_pool(username.pool_id, username.tenancy)
        if not any(hmac.compare_digest(h, _hash(token)) for h in hashes):
            raise AuthenticationFailed.bad_token(username.user)
        return Principal(username.tenancy, username.user, pool.id, username.domain)

    # -- the seam: streams ----------------------------------------------------------------------

    def _settle(self, s: _Stream) -> _Stream:
        if s.state == CREATING and s.ready_at and time.monotonic() >= s.ready_at:
            s.state = ACTIVE
        return s

    def topics(self, principal: Principal) -> list[TopicInfo]:
        return [
            TopicInfo(s.name, s.id, s.partitions, s.state, s.retention_hours)
            for s in map(self._settle, self.streams.values())
            if s.pool_id == principal.pool_id and s.state != DELETED
        ]

    def kafka_settings(self, principal: Principal) -> KafkaSettings:
        return self.pools[principal.pool_id].settings

    def create_topic(
        self, principal: Principal, name: str, partitions: int, retention_hours: int
    ) -> TopicInfo:
        if any(t.name == name for t in self.topics(principal)):
            raise KafkaError.topic_exists(name, principal.pool_id)
        used = sum(s.partitions for s in self.streams.values() if s.state != DELETED)
        if used + partitions > self.max_partitions:
            raise KafkaError.partitions_limit(partitions, self.max_partitions - used)
        sid = self.add_stream(
            principal.pool_id,
            name,
            partitions,
            retention_hours=retention_hours,
            state=CREATING if self.creating_s else ACTIVE,
        )
        if self.creating_s:
            self.streams[sid].ready_at = time.monotonic() + self.creating_s
        s = self.streams[sid]
        return TopicInfo(s.name, s.id, s.partitions, s.state, s.retention_hours)

    # -- the seam: the log ----------------------------------------------------------------------

    def _data_stream(self, stream_id: str) -> _Stream:
        s = self.streams[stream_id]
        assert s.state not in (CREATING, DELETED), f"stream {stream_id} is {s.state}"
        return s

    def append(self, stream_id: str, partition: int, records: Sequence[ProducedRecord]) -> Appended:
        assert records
        s = self._data_stream(stream_id)
        log = s.logs[partition]
        base = s.log_start[partition] + len(log)
        now = int(self.clock() * 1000)
        for i, r in enumerate(records):
            ts = r.timestamp if r.timestamp >= 0 else now
            log.append(StoredRecord(base + i, ts, r.key, r.value, r.headers, CREATE_TIME))
        self._notify(stream_id, partition)
        return Appended(base, s.log_start[partition], now)

    def charge_write(self, stream_id: str, partition: int, nbytes: int) -> int:
        if not self.limits:
            return 0
        now = time.monotonic()
        b = self._buckets.setdefault((stream_id, partition), _Bucket(self.rate, now))
        b.tokens = min(self.rate, b.tokens + (now - b.stamp) * self.rate) - nbytes
        b.stamp = now
        return 0 if b.tokens >= 0 else int(-b.tokens / self.rate * 1000 + 0.999)

    def bounds(self, stream_id: str, partition: int) -> tuple[int, int]:
        s = self.streams[stream_id]
        return s.log_start[partition], s.log_start[partition] + len(s.logs[partition])

    def read(
        self, stream_id: str, partition: int, offset: int, max_bytes: int
    ) -> list[StoredRecord]:
        s = self.streams[stream_id]
        log = s.logs[partition]
        i = offset - s.log_start[partition]
        out: list[StoredRecord] = []
        size = 0
        for r in log[max(i, 0) :]:
            if out and size + r.size > max_bytes:
                break
            out.append(r)
            size += r.size
        return out

    def offset_for_timestamp(
        self, stream_id: str, partition: int, timestamp: int
    ) -> tuple[int, int] | None:
        for r in self.streams[stream_id].logs[partition]:
            if r.timestamp >= timestamp:
                return r.offset, r.timestamp
        return None

    def watch_appends(self, callback: Callable[[str, int], None]) -> Callable[[], None]:
        self._watchers.append(callback)
        return lambda: self._watchers.remove(callback) if callback in self._watchers else None

    def _notify(self, stream_id: str, partition: int) -> None:
        for cb in list(self._watchers):
            cb(stream_id, partition)

    # -- the seam: Kafka group offsets ----------------------------------------------------------

    def commit_offsets(
        self,
        principal: Principal,
        group_id: str,
        offsets: Mapping[StreamPartition, CommittedOffset],
    ) -> None:
        self.offsets.setdefault((principal.pool_id, group_id), {}).update(offsets)

    def committed_offsets(
        self, principal: Principal, group_id: str
    ) -> dict[StreamPartition, CommittedOffset]:
        live = {sid for sid, s in self.streams.items() if s.state != DELETED}
        return {
            sp: c
            for sp, c in self.offsets.get((principal.pool_id, group_id), {}).items()
            if sp.stream_id in live
        }

    def offset_groups(self, principal: Principal) -> list[str]:
        return sorted(g for (p, g), offs in self.offsets.items() if p == principal.pool_id and offs)
