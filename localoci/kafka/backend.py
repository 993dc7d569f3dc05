"""The seam between the Kafka wire and localoci's service: what the listener asks of a store.

The listener owns the Kafka rules (which error code, when to wait, what a record may be);
a backend only knows streams, partitions, offsets and identities.  Every method is
synchronous and short: the listener calls it on the event loop (the store is single-threaded
and fast), never from another thread.  ``memory.MemoryBackend`` is the reference
implementation and the test double; the real one wraps localoci's store and operations.

Contract, method by method (each docstring below is the rule; the listener relies on it):

* identity: :meth:`Backend.authenticate`;
* the pool's streams: :meth:`topics`, :meth:`kafka_settings`, :meth:`create_topic`;
* the log: :meth:`append`, :meth:`charge_write`, :meth:`bounds`, :meth:`read`,
  :meth:`offset_for_timestamp`, :meth:`watch_appends`;
* Kafka consumer-group offsets: :meth:`commit_offsets`, :meth:`committed_offsets`,
  :meth:`offset_groups`.

Records cross the seam decoded (:class:`ProducedRecord` in, :class:`StoredRecord` out): the
store keeps one log per partition shared with REST, so a Kafka-produced message has the same
key, value and offset for GetMessages, and REST-produced messages are fetched by Kafka
consumers.  The listener validates and decodes incoming batches (``records.py``) and encodes
outgoing ones; a store never parses Kafka bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

#: Stream lifecycle states as OCI names them.  Only ACTIVE streams take and give records.
ACTIVE, CREATING, DELETING, DELETED, UPDATING = (
    "ACTIVE",
    "CREATING",
    "DELETING",
    "DELETED",
    "UPDATING",
)

CREATE_TIME, LOG_APPEND_TIME = 0, 1


@dataclass(frozen=True)
class OciUsername:
    """The SASL/PLAIN username, parsed: ``tenancy/[domain/]user/streamPoolId``."""

    tenancy: str
    user: str
    pool_id: str
    domain: str | None = None


@dataclass(frozen=True)
class Principal:
    """Who is connected, and to which stream pool (one pool = one virtual Kafka cluster).

    ``pool_id`` is the Kafka cluster id and the namespace of topics and consumer groups.
    A backend may subclass it to carry its own ids."""

    tenancy: str
    user: str
    pool_id: str
    domain: str | None = None


@dataclass(frozen=True)
class TopicInfo:
    """A stream of the principal's pool as Kafka sees it."""

    name: str
    stream_id: str
    partitions: int
    state: str  # ACTIVE, CREATING, UPDATING, DELETING (DELETED streams are not listed)
    retention_hours: int = 24


@dataclass(frozen=True)
class KafkaSettings:
    """The pool's ``kafkaSettings``: auto-creation and the defaults of auto-created streams."""

    auto_create_topics: bool = False
    num_partitions: int = 1
    log_retention_hours: int = 24


@dataclass(frozen=True)
class ProducedRecord:
    """One record as a Kafka producer sent it (already validated by the listener).

    ``timestamp`` is the producer's CreateTime in epoch ms (-1 when the producer gave none:
    the backend then stores its append time).  ``headers`` are Kafka record headers; REST
    has no headers, so GetMessages does not show them, but Kafka readers get them back."""

    key: bytes | None
    value: bytes | None
    timestamp: int
    headers: tuple[tuple[str, bytes | None], ...] = ()

    @property
    def size(self) -> int:
        """Bytes counted against OCI's limits: decoded key plus value (as REST counts)."""
        return len(self.key or b"") + len(self.value or b"")


@dataclass(frozen=True)
class StoredRecord:
    """One record of the log as a Kafka reader gets it.

    ``timestamp_type`` is :data:`CREATE_TIME` for records produced over Kafka (their
    producer timestamp is kept) and :data:`LOG_APPEND_TIME` for records produced over REST
    (their timestamp is the append time GetMessages shows).  A REST message has no headers
    and its key may be None; its value is never None."""

    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes | None], ...] = ()
    timestamp_type: int = CREATE_TIME

    @property
    def size(self) -> int:
        return len(self.key or b"") + len(self.value or b"")


@dataclass(frozen=True)
class Appended:
    """Where :meth:`Backend.append` put the records: offsets ``base_offset ..
    base_offset+n-1``, appended at ``append_time`` (epoch ms, the store's clock)."""

    base_offset: int
    log_start_offset: int
    append_time: int


@dataclass(frozen=True)
class CommittedOffset:
    """A Kafka consumer group's committed position in one partition."""

    offset: int
    metadata: str | None = ""
    leader_epoch: int = -1


@dataclass(frozen=True, order=True)
class StreamPartition:
    """A partition of a stream, by stream OCID (stable across renames and re-creations)."""

    stream_id: str
    partition: int


@runtime_checkable
class Backend(Protocol):
    """What the Kafka listener needs from localoci.  All methods are synchronous and quick."""

    # -- identity -------------------------------------------------------------------------

    def authenticate(self, username: OciUsername, token: str) -> Principal:
        """Check SASL/PLAIN credentials; return who it is.

        Check in this order and raise the matching
        :class:`~localoci.kafka.errors.AuthenticationFailed` constructor at the first wrong
        part: ``unknown_tenancy`` (no tenancy with that *name*), ``unknown_domain`` (a domain
        was given and the tenancy has none of that name), ``unknown_user`` (no user of that
        *name* in the tenancy), ``unknown_pool`` (the pool OCID does not exist, is not in the
        tenancy, or is not ACTIVE), ``bad_token`` (``token`` is none of the user's auth
        tokens; compare against stored hashes, never store tokens in clear).  The username's
        shape was already checked by the listener."""
        ...

    # -- the pool's streams ---------------------------------------------------------------

    def topics(self, principal: Principal) -> list[TopicInfo]:
        """Every stream of ``principal.pool_id`` that is not DELETED, in any order.  A stream
        deleted through REST disappears from this list at once (DELETING may stay listed)."""
        ...

    def kafka_settings(self, principal: Principal) -> KafkaSettings:
        """The pool's current ``kafkaSettings``."""
        ...

    def create_topic(
        self, principal: Principal, name: str, partitions: int, retention_hours: int
    ) -> TopicInfo:
        """Create a stream in the pool (CreateTopics, or auto-creation).

        Arguments are already validated by the listener (name 1..249 chars of
        ``[A-Za-z0-9._-]``, partitions 1..200, retention 24..168 h).  The new stream may start
        in CREATING, as REST CreateStream does.  Raise :class:`KafkaError`
        ``topic_exists`` when a non-deleted stream of that name is in the pool, and
        ``partitions_limit`` when a tenancy limit would be exceeded."""
        ...

    # -- the log --------------------------------------------------------------------------

    def append(self, stream_id: str, partition: int, records: Sequence[ProducedRecord]) -> Appended:
        """Append ``records`` (at least one) to an ACTIVE stream's partition, atomically and
        with consecutive offsets; durable when it returns (an acknowledged produce survives
        SIGKILL).  Keep each record's key, value, headers and producer timestamp for Kafka
        readers.  The listener has checked the stream's state, the partition and the sizes;
        it never calls this for a stream it does not list as ACTIVE."""
        ...

    def charge_write(self, stream_id: str, partition: int, nbytes: int) -> int:
        """Charge ``nbytes`` already written against the partition's write budget (OCI:
        1 MiB/s per partition, shared with PutMessages) and return how many milliseconds the
        writer must wait until the budget is no longer overdrawn; 0 when within budget or
        when limits are off.  Kafka never refuses a write for rate: the listener answers with
        ``throttle_time_ms`` and holds the connection that long."""
        ...

    def bounds(self, stream_id: str, partition: int) -> tuple[int, int]:
        """``(log_start_offset, high_watermark)``: the oldest retained offset and the next
        offset to be written.  Records ``log_start <= offset < high_watermark`` exist."""
        ...

    def read(
        self, stream_id: str, partition: int, offset: int, max_bytes: int
    ) -> list[StoredRecord]:
        """Records from ``offset`` (>= log start) in offset order: at least one when
        ``offset < high_watermark``, then more while the sum of :attr:`StoredRecord.size`
        stays within ``max_bytes``."""
        ...

    def offset_for_timestamp(
        self, stream_id: str, partition: int, timestamp: int
    ) -> tuple[int, int] | None:
        """``(offset, timestamp)`` of the first retained record whose Kafka timestamp (as
        :meth:`read` returns it) is >= ``timestamp``; None when there is none."""
        ...

    def watch_appends(self, callback: Callable[[str, int], None]) -> Callable[[], None]:
        """Call ``callback(stream_id, partition)`` after every append to any partition, from
        either wire (REST PutMessages too), on the event loop thread; return a function that
        stops the calls.  The listener uses it to wake Fetch long-polls."""
        ...

    # -- Kafka consumer groups ------------------------------------------------------------

    def commit_offsets(
        self,
        principal: Principal,
        group_id: str,
        offsets: Mapping[StreamPartition, CommittedOffset],
    ) -> None:
        """Store a Kafka group's committed offsets (durably: they survive a restart).  Kafka
        groups are their own namespace per pool, apart from REST consumer groups."""
        ...

    def committed_offsets(
        self, principal: Principal, group_id: str
    ) -> dict[StreamPartition, CommittedOffset]:
        """Every committed offset of the group, for streams that still exist."""
        ...

    def offset_groups(self, principal: Principal) -> list[str]:
        """Names of the pool's Kafka groups that have committed offsets."""
        ...
