"""The real :class:`~localoci.kafka.backend.Backend`: the Kafka listener over localoci's
service (its store, message log, rate limits and Identity stand-in).

Kafka and REST are two wires over one state:

* **credentials** are the Identity stand-in's: the tenancy and the user by *name*, the pool by
  OCID, the password checked against the user's (hashed) auth tokens;
* **topics** are the pool's streams that are neither DELETING nor DELETED (a deleted stream's
  data goes at once, so it leaves Kafka's view at once); CreateTopics and auto-creation make a
  stream through the CreateStream operation itself (CREATING, then ACTIVE after the server's
  ready delay, as REST shows it);
* **records** go into the same message log as PutMessages (one stored batch per produced
  batch, the same offsets), charged to the same per-partition write budget; the producer's
  timestamps and headers are packed into the stored batch (:mod:`localoci.store.packed`), so
  Kafka readers get them back while GetMessages shows keys, values and the append time;
* **long-polls** wake through the log's after-commit watchers, so a REST PutMessages wakes a
  waiting Kafka Fetch too;
* **Kafka group offsets** are rows of ``kafka_offsets`` (they survive restarts).

All of it runs on the server's event loop, like the REST operations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .. import errors
from ..ops._pools import settle as settle_pool
from ..ops.create_stream import create_stream
from ..service import DELETED_STATES, Service
from .backend import (
    CREATE_TIME,
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

#: Identity-domain names a username may carry: the local tenancy has only the default domain.
DOMAINS = ("Default",)
READ_LIMIT = 50_000  # records per read, whatever max_bytes allows


class StoreBackend:
    """The seam, implemented over a :class:`~localoci.service.Service`."""

    def __init__(self, svc: Service) -> None:
        self.svc = svc

    # -- identity -------------------------------------------------------------------------

    def authenticate(self, username: OciUsername, token: str) -> Principal:
        svc = self.svc
        tenancy = svc.identity.tenancy_by_name(username.tenancy)
        if tenancy is None or tenancy.lifecycle_state != "ACTIVE":
            raise AuthenticationFailed.unknown_tenancy(username.tenancy)
        if username.domain is not None and username.domain.lower() not in (
            d.lower() for d in DOMAINS
        ):
            raise AuthenticationFailed.unknown_domain(username.domain, username.tenancy)
        user = svc.identity.user_by_name(tenancy.id, username.user)
        if user is None or user.lifecycle_state != "ACTIVE":
            raise AuthenticationFailed.unknown_user(username.user, username.tenancy)
        pool = svc.store.find_pool(username.pool_id)
        if pool is not None:
            pool = settle_pool(svc, pool)
        owner = svc.identity.tenancy_of(pool.compartment_id) if pool is not None else None
        if (
            pool is None
            or pool.lifecycle_state != "ACTIVE"
            or (owner is not None and owner != tenancy.id)
        ):
            raise AuthenticationFailed.unknown_pool(username.pool_id, username.tenancy)
        if svc.config.auth and not svc.identity.verify_auth_token(user.id, token):
            raise AuthenticationFailed.bad_token(username.user)
        names = [t.name for t in self._streams(pool.id)]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise AuthenticationFailed.duplicate_streams(pool.id, dupes)
        svc.count("kafka_logins")
        return Principal(tenancy.name, user.name, pool.id, username.domain)

    # -- the pool's streams ---------------------------------------------------------------

    def _streams(self, pool_id: str) -> list[TopicInfo]:
        svc = self.svc
        out = []
        for s in svc.store.all_streams():
            if s.stream_pool_id != pool_id or s.lifecycle_state in DELETED_STATES:
                continue
            s = svc.settle(s)
            if s.lifecycle_state not in DELETED_STATES:
                out.append(
                    TopicInfo(s.name, s.id, s.partitions, s.lifecycle_state, s.retention_hours)
                )
        return out

    def topics(self, principal: Principal) -> list[TopicInfo]:
        return self._streams(principal.pool_id)

    def kafka_settings(self, principal: Principal) -> KafkaSettings:
        pool = self.svc.store.find_pool(principal.pool_id)
        ks = pool.kafka_settings if pool is not None else {}
        return KafkaSettings(
            auto_create_topics=bool(ks.get("autoCreateTopicsEnable", False)),
            num_partitions=int(ks.get("numPartitions", 1)),
            log_retention_hours=int(ks.get("logRetentionHours", 24)),
        )

    def create_topic(
        self, principal: Principal, name: str, partitions: int, retention_hours: int
    ) -> TopicInfo:
        body = {
            "name": name,
            "partitions": partitions,
            "retentionInHours": retention_hours,
            "streamPoolId": principal.pool_id,
        }
        try:
            created = create_stream(self.svc, body)
        except errors.OciError as exc:
            if exc.code == "Conflict":
                raise KafkaError.topic_exists(name, principal.pool_id) from None
            if exc.code == "LimitExceeded":
                used = sum(
                    s.partitions
                    for s in self.svc.store.all_streams()
                    if s.lifecycle_state not in DELETED_STATES
                )
                raise KafkaError.partitions_limit(partitions, max(0, 200 - used)) from None
            raise
        s = created.resource
        self.svc.count("kafka_topics_created")
        return TopicInfo(
            s["name"], s["id"], s["partitions"], s["lifecycleState"], s["retentionInHours"]
        )

    # -- the log --------------------------------------------------------------------------

    def append(self, stream_id: str, partition: int, records: Sequence[ProducedRecord]) -> Appended:
        svc, log = self.svc, self.svc.store.log
        now = svc.clock.now_ms()
        headers = [r.headers for r in records]
        with svc.store.tx():
            base = log.append(
                stream_id,
                partition,
                [r.key for r in records],
                [r.value for r in records],
                now,
                [r.timestamp if r.timestamp >= 0 else now for r in records],
                headers if any(headers) else None,
            )
        svc.count("messages_put", len(records))
        svc.count("kafka_messages_put", len(records))
        return Appended(base, log.trim_offset(stream_id, partition), now)

    def charge_write(self, stream_id: str, partition: int, nbytes: int) -> int:
        return self.svc.rates.charge_write(stream_id, partition, nbytes)

    def bounds(self, stream_id: str, partition: int) -> tuple[int, int]:
        log = self.svc.store.log
        return log.trim_offset(stream_id, partition), log.next_offset(stream_id, partition)

    def read(
        self, stream_id: str, partition: int, offset: int, max_bytes: int
    ) -> list[StoredRecord]:
        out: list[StoredRecord] = []
        size = 0
        for sl in self.svc.store.log.read(stream_id, partition, offset, READ_LIMIT, max_bytes):
            ctimes = sl.create_times()
            kind = LOG_APPEND_TIME if ctimes is None else CREATE_TIME
            stamps = ctimes if ctimes is not None else [sl.ts] * sl.count
            for i, (key, value, headers) in enumerate(
                zip(sl.keys(), sl.values(), sl.headers(), strict=True)
            ):
                record = StoredRecord(
                    sl.first_offset + i,
                    stamps[i],
                    key,
                    value,
                    tuple((k, v) for k, v in headers),
                    kind,
                )
                if out and size + record.size > max_bytes:
                    return out
                out.append(record)
                size += record.size
        self.svc.count("kafka_messages_got", len(out))
        return out

    def offset_for_timestamp(
        self, stream_id: str, partition: int, timestamp: int
    ) -> tuple[int, int] | None:
        log = self.svc.store.log
        first = log.first_offset_at_kafka_time(stream_id, partition, timestamp)
        if first is None:
            return None
        offset = max(first, log.trim_offset(stream_id, partition))
        hwm = log.next_offset(stream_id, partition)
        while offset < hwm:
            rows = self.read(stream_id, partition, offset, 8 * 1024 * 1024)
            if not rows:
                break
            for r in rows:
                if r.timestamp >= timestamp:
                    return r.offset, r.timestamp
            offset = rows[-1].offset + 1
        return None

    def watch_appends(self, callback: Callable[[str, int], None]) -> Callable[[], None]:
        return self.svc.store.log.watch(callback)

    # -- Kafka consumer groups ------------------------------------------------------------

    def commit_offsets(
        self,
        principal: Principal,
        group_id: str,
        offsets: Mapping[StreamPartition, CommittedOffset],
    ) -> None:
        svc = self.svc
        rows = [
            (sp.stream_id, sp.partition, c.offset, c.metadata, c.leader_epoch)
            for sp, c in offsets.items()
        ]
        with svc.store.tx():
            svc.store.kafka_offsets.commit(principal.pool_id, group_id, rows, svc.clock.now_ms())

    def committed_offsets(
        self, principal: Principal, group_id: str
    ) -> dict[StreamPartition, CommittedOffset]:
        live = {t.stream_id for t in self._streams(principal.pool_id)}
        return {
            StreamPartition(o.stream_id, o.partition): CommittedOffset(
                o.offset, o.metadata, o.leader_epoch
            )
            for o in self.svc.store.kafka_offsets.of_group(principal.pool_id, group_id)
            if o.stream_id in live
        }

    def offset_groups(self, principal: Principal) -> list[str]:
        return self.svc.store.kafka_offsets.groups(principal.pool_id)
