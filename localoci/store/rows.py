"""The rows the store hands out: plain dataclasses, one per kind of thing in ``schema.sql``.

Streams and stream pools own their wire shape (``to_wire``), as the API shows them; the
consumer-group rows are read by :mod:`localoci.groups`'s rules and never leave the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..timefmt import format_ms


@dataclass
class StreamPool:
    id: str
    compartment_id: str
    name: str
    is_default: bool
    lifecycle_state: str
    time_created: int
    ready_at: int
    kafka_settings: dict = field(default_factory=dict)
    freeform_tags: dict = field(default_factory=dict)
    defined_tags: dict = field(default_factory=dict)
    etag: str = ""  # a new one on every change (if-match: 412 NoEtagMatch when it differs)

    def to_wire(
        self, base_url: str, summary: bool = False, bootstrap_servers: str | None = None
    ) -> dict:
        """``bootstrap_servers``: the Kafka listener's ``host:port`` (None when it is off)."""
        out = {
            "id": self.id,
            "compartmentId": self.compartment_id,
            "name": self.name,
            "lifecycleState": self.lifecycle_state,
            "timeCreated": format_ms(self.time_created),
            "isPrivate": False,
            "freeformTags": self.freeform_tags,
            "definedTags": self.defined_tags,
        }
        if not summary:
            host = base_url.split("://", 1)[-1]
            out.update(
                {
                    "kafkaSettings": {
                        "bootstrapServers": bootstrap_servers,
                        "autoCreateTopicsEnable": bool(
                            self.kafka_settings.get("autoCreateTopicsEnable", False)
                        ),
                        "logRetentionHours": int(self.kafka_settings.get("logRetentionHours", 24)),
                        "numPartitions": int(self.kafka_settings.get("numPartitions", 1)),
                    },
                    "customEncryptionKey": {"kmsKeyId": None, "keyState": "NONE"},
                    "endpointFqdn": host,
                    "privateEndpointSettings": {
                        "subnetId": None,
                        "privateEndpointIp": None,
                        "nsgIds": None,
                    },
                }
            )
        return out


@dataclass
class Stream:
    id: str
    name: str
    compartment_id: str
    stream_pool_id: str
    partitions: int
    retention_hours: int
    lifecycle_state: str
    time_created: int
    ready_at: int
    etag: str
    freeform_tags: dict = field(default_factory=dict)
    defined_tags: dict = field(default_factory=dict)

    def to_wire(self, messages_endpoint: str, summary: bool = False) -> dict:
        out = {
            "name": self.name,
            "id": self.id,
            "partitions": self.partitions,
            "compartmentId": self.compartment_id,
            "streamPoolId": self.stream_pool_id,
            "lifecycleState": self.lifecycle_state,
            "timeCreated": format_ms(self.time_created),
            "messagesEndpoint": messages_endpoint,
            "freeformTags": self.freeform_tags,
            "definedTags": self.defined_tags,
        }
        if not summary:
            out["retentionInHours"] = self.retention_hours
        return out


@dataclass(frozen=True)
class StoredMessage:
    partition: int
    offset: int
    ts: int
    key: bytes | None
    value: bytes


@dataclass(frozen=True)
class PartitionOffsets:
    """One partition of the log: the next offset to hand out, and the oldest one retained."""

    partition: int
    next_offset: int
    trim_offset: int


@dataclass(frozen=True)
class Group:
    """A consumer group (table ``groups``): where its uncommitted partitions start."""

    stream_id: str
    name: str
    generation: int  # bumped by UpdateGroup: pending offsets of older cursors are void
    reset_type: str  # TRIM_HORIZON, LATEST, AT_TIME
    reset_time: int | None  # for AT_TIME, epoch ms
    time_created: int
    last_used: int


@dataclass(frozen=True)
class GroupPartition:
    """One partition of a group (table ``group_partitions``, joined with its holder's deadline)."""

    partition: int
    committed_offset: int  # -1: nothing committed yet
    start_offset: int | None  # LATEST, resolved when the group was created or reset
    reserved_by: str | None  # the instance holding it
    reserved_until: int | None  # epoch ms: the holder's last_seen + timeout_ms
