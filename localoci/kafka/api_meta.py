"""Cluster-level requests: ApiVersions, Metadata, FindCoordinator, CreateTopics,
DescribeConfigs; and the topic lookups the other handlers share.

Rules:

* one stream pool is one cluster: one broker (node 0, the listener's advertised host and
  port), ``cluster_id`` = the pool OCID, controller 0; topics are the pool's streams;
* Metadata for "all topics" lists the ACTIVE (and UPDATING) streams; asked by name, an
  unknown stream is UNKNOWN_TOPIC_OR_PARTITION, or is created when the pool's
  ``autoCreateTopicsEnable`` is on and the request allows it (v4+ flag; always before v4);
  a stream still CREATING answers LEADER_NOT_AVAILABLE (clients retry);
* CreateTopics creates streams: ``num_partitions`` -1 takes the pool's ``numPartitions``;
  partitions 1..200; replication factor -1..3 (OCI replicates for you; it is reported as 1,
  the single broker); no manual assignments; configs: only ``retention.ms`` (whole hours,
  24..168 h) and ``cleanup.policy=delete`` (OCI has no compaction);
* DescribeConfigs answers for topics and for broker "0", read-only values that say what OCI
  enforces (1 MiB messages, retention, the pool's Kafka settings);
* FindCoordinator: groups are coordinated by node 0; transactions are not supported.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kafka.protocol import admin, metadata

from . import protocol
from .backend import ACTIVE, CREATING, UPDATING, TopicInfo
from .errors import Code, KafkaError

if TYPE_CHECKING:
    from .connection import Connection

LEGAL_NAME = re.compile(r"[A-Za-z0-9._-]{1,249}")
MAX_PARTITIONS = 200
HOUR_MS = 3_600_000
DATA_STATES = (ACTIVE, UPDATING)


# -- topic lookups shared by every handler -------------------------------------------------------


def topic_map(conn: Connection) -> dict[str, TopicInfo]:
    """The principal's pool, by stream name (an ACTIVE stream wins a name clash)."""
    out: dict[str, TopicInfo] = {}
    for t in conn.backend.topics(conn.who):
        if t.name not in out or t.state in DATA_STATES:
            out[t.name] = t
    return out


def name_error(name: str | None) -> KafkaError | None:
    if name is None or not LEGAL_NAME.fullmatch(name) or name in (".", ".."):
        return KafkaError(
            Code.INVALID_TOPIC_EXCEPTION,
            f"{name!r} is not a valid topic name: 1 to 249 characters of A-Z a-z 0-9 . _ -",
        )
    return None


def partition_error(topic: TopicInfo | None, partition: int) -> Code:
    """NONE when records may be read or written there now."""
    if topic is None or not 0 <= partition < topic.partitions:
        return Code.UNKNOWN_TOPIC_OR_PARTITION
    if topic.state == CREATING:
        return Code.LEADER_NOT_AVAILABLE
    if topic.state not in DATA_STATES:
        return Code.UNKNOWN_TOPIC_OR_PARTITION
    return Code.NONE


def auto_create(conn: Connection, name: str) -> TopicInfo | None:
    """Create ``name`` with the pool's defaults if the pool auto-creates topics."""
    settings = conn.backend.kafka_settings(conn.who)
    if not settings.auto_create_topics or name_error(name):
        return None
    try:
        topic = conn.backend.create_topic(
            conn.who, name, settings.num_partitions, settings.log_retention_hours
        )
    except KafkaError as exc:
        conn.listener.warn("auto-create", "auto-creating topic %r failed: %s", name, exc.message)
        return None
    conn.listener.count("topics.auto_created")
    return topic


# -- ApiVersions, FindCoordinator ----------------------------------------------------------------


async def handle_api_versions(conn: Connection, version: int, req) -> metadata.ApiVersionsResponse:
    return protocol.api_versions_response(version)


async def handle_find_coordinator(conn: Connection, version: int, req):
    resp = metadata.FindCoordinatorResponse
    host, port = conn.listener.advertised
    keys = req.coordinator_keys if version >= 4 else [req.key]
    answers: list[tuple[str, Code, int, str, int, str | None]] = []
    for key in keys:
        if req.key_type != 0:
            answers.append(
                (
                    key,
                    Code.COORDINATOR_NOT_AVAILABLE,
                    -1,
                    "",
                    -1,
                    "transactions are not supported by OCI Streaming",
                )
            )
        else:
            answers.append((key, Code.NONE, 0, host, port, None))
    if version >= 4:
        return resp(
            version=version,
            throttle_time_ms=0,
            coordinators=[
                resp.Coordinator(
                    key=k, node_id=n, host=h, port=p, error_code=int(c), error_message=m
                )
                for k, c, n, h, p, m in answers
            ],
        )
    _, code, node, h, p, msg = answers[0]
    return resp(
        version=version,
        throttle_time_ms=0,
        error_code=int(code),
        error_message=msg,
        node_id=node,
        host=h,
        port=p,
    )


# -- Metadata ------------------------------------------------------------------------------------


async def handle_metadata(conn: Connection, version: int, req) -> metadata.MetadataResponse:
    resp = metadata.MetadataResponse
    host, port = conn.listener.advertised
    topics = topic_map(conn)
    wanted = req.topics
    if wanted is None or (version == 0 and not wanted):
        names = sorted(n for n, t in topics.items() if t.state in DATA_STATES)
    else:
        names = [t.name for t in wanted]
    allow_auto = req.allow_auto_topic_creation if version >= 4 else True
    out = []
    for name in names:
        topic = topics.get(name) if name is not None else None
        if topic is None and name is not None and allow_auto:
            topic = auto_create(conn, name)
        if name_error(name):
            code = Code.INVALID_TOPIC_EXCEPTION
        elif topic is None or topic.state not in DATA_STATES + (CREATING,):
            code = Code.UNKNOWN_TOPIC_OR_PARTITION
        elif topic.state == CREATING:
            code = Code.LEADER_NOT_AVAILABLE
        else:
            code = Code.NONE
        parts = (
            []
            if code or topic is None
            else [
                resp.MetadataResponseTopic.MetadataResponsePartition(
                    error_code=0,
                    partition_index=p,
                    leader_id=0,
                    leader_epoch=0,
                    replica_nodes=[0],
                    isr_nodes=[0],
                    offline_replicas=[],
                )
                for p in range(topic.partitions)
            ]
        )
        out.append(
            resp.MetadataResponseTopic(
                error_code=int(code), name=name, topic_id=None, is_internal=False, partitions=parts
            )
        )
    return resp(
        version=version,
        throttle_time_ms=0,
        brokers=[resp.MetadataResponseBroker(node_id=0, host=host, port=port, rack=None)],
        cluster_id=conn.who.pool_id,
        controller_id=0,
        topics=out,
    )


# -- CreateTopics --------------------------------------------------------------------------------


def _retention_hours(configs, default: int) -> int:
    hours = default
    for c in configs or []:
        if c.name == "retention.ms":
            try:
                ms = int(c.value)
            except (TypeError, ValueError):
                ms = -1
            if ms % HOUR_MS or not 24 <= ms // HOUR_MS <= 168:
                raise KafkaError(
                    Code.INVALID_CONFIG,
                    f"retention.ms={c.value} is not possible on OCI Streaming: "
                    "retention is whole hours from 24 to 168 (86400000..604800000 ms).",
                )
            hours = ms // HOUR_MS
        elif c.name == "cleanup.policy":
            if c.value != "delete":
                raise KafkaError(
                    Code.POLICY_VIOLATION,
                    f"cleanup.policy={c.value} is not supported: OCI Streaming has no "
                    "log compaction; use cleanup.policy=delete or leave it out.",
                )
        else:
            raise KafkaError(
                Code.INVALID_CONFIG,
                f"topic config {c.name!r} is not supported by OCI Streaming; a stream "
                "takes only retention.ms (24..168 h) and cleanup.policy=delete.",
            )
    return hours


def _create_one(conn: Connection, t, validate_only: bool) -> TopicInfo:
    err = name_error(t.name)
    if err:
        raise err
    settings = conn.backend.kafka_settings(conn.who)
    partitions = settings.num_partitions if t.num_partitions == -1 else t.num_partitions
    if not 1 <= partitions <= MAX_PARTITIONS:
        raise KafkaError(
            Code.INVALID_PARTITIONS,
            f"num_partitions must be 1..{MAX_PARTITIONS} (or -1 for the pool's "
            f"default, {settings.num_partitions}); got {t.num_partitions}.",
        )
    if t.replication_factor == 0 or not -1 <= t.replication_factor <= 3:
        raise KafkaError(
            Code.INVALID_REPLICATION_FACTOR,
            f"replication_factor must be -1 or 1..3 (OCI replicates every stream "
            f"for you); got {t.replication_factor}.",
        )
    if t.assignments:
        raise KafkaError(
            Code.INVALID_REQUEST,
            "manual replica assignments are not supported: OCI Streaming places partitions itself.",
        )
    hours = _retention_hours(t.configs, settings.log_retention_hours)
    if t.name in topic_map(conn):
        raise KafkaError.topic_exists(t.name, conn.who.pool_id)
    if validate_only:
        return TopicInfo(t.name, "", partitions, CREATING, hours)
    return conn.backend.create_topic(conn.who, t.name, partitions, hours)


async def handle_create_topics(conn: Connection, version: int, req):
    resp = admin.CreateTopicsResponse
    results = []
    for t in req.topics:
        try:
            info = _create_one(conn, t, bool(req.validate_only))
            code, msg = Code.NONE, None
        except KafkaError as exc:
            info, code, msg = None, exc.code, exc.message
        else:
            conn.listener.count("topics.created")
        configs = (
            None
            if info is None
            else [
                resp.CreatableTopicResult.CreatableTopicConfigs(
                    name=n, value=v, read_only=True, config_source=5, is_sensitive=False
                )
                for n, v in topic_configs(info, conn.listener.limits.max_record_bytes).items()
            ]
        )
        results.append(
            resp.CreatableTopicResult(
                name=t.name,
                error_code=int(code),
                error_message=msg,
                num_partitions=info.partitions if info else -1,
                replication_factor=1 if info else -1,
                configs=configs,
            )
        )
    return resp(version=version, throttle_time_ms=0, topics=results)


# -- DescribeConfigs -----------------------------------------------------------------------------


def topic_configs(topic: TopicInfo, max_record_bytes: int) -> dict[str, str]:
    """What a stream's Kafka config comes to (read-only: OCI fixes them at creation)."""
    return {
        "retention.ms": str(topic.retention_hours * HOUR_MS),
        "cleanup.policy": "delete",
        "max.message.bytes": str(max_record_bytes),
        "message.timestamp.type": "CreateTime",
        "compression.type": "producer",
        "min.insync.replicas": "2",
    }


def broker_configs(conn: Connection) -> dict[str, str]:
    s = conn.backend.kafka_settings(conn.who)
    return {
        "auto.create.topics.enable": str(s.auto_create_topics).lower(),
        "num.partitions": str(s.num_partitions),
        "log.retention.hours": str(s.log_retention_hours),
        "message.max.bytes": str(conn.listener.limits.max_record_bytes),
        "default.replication.factor": "1",
        "offsets.topic.replication.factor": "1",
    }


async def handle_describe_configs(conn: Connection, version: int, req):
    resp = admin.DescribeConfigsResponse
    result_cls = resp.DescribeConfigsResult
    topics = topic_map(conn)
    results = []
    for r in req.resources:
        code, msg, values, source = Code.NONE, None, {}, 5
        if r.resource_type == 2:
            topic = topics.get(r.resource_name)
            if topic is None:
                code, msg = (
                    Code.UNKNOWN_TOPIC_OR_PARTITION,
                    f"no stream named {r.resource_name!r} in this pool",
                )
            else:
                values = topic_configs(topic, conn.listener.limits.max_record_bytes)
        elif r.resource_type == 4 and r.resource_name in ("0", ""):
            values, source = broker_configs(conn), 4
        else:
            code, msg = (
                Code.INVALID_REQUEST,
                (
                    f"only topics and broker '0' can be described; "
                    f"not resource type {r.resource_type} {r.resource_name!r}"
                ),
            )
        keys = r.configuration_keys
        configs = [
            result_cls.DescribeConfigsResourceResult(
                name=n,
                value=v,
                read_only=True,
                config_source=source,
                is_sensitive=False,
                synonyms=[],
                config_type=0,
                documentation=None,
            )
            for n, v in values.items()
            if keys is None or n in keys
        ]
        results.append(
            result_cls(
                error_code=int(code),
                error_message=msg,
                resource_type=r.resource_type,
                resource_name=r.resource_name,
                configs=configs,
            )
        )
    return resp(version=version, throttle_time_ms=0, results=results)


HANDLERS = {
    18: handle_api_versions,
    10: handle_find_coordinator,
    3: handle_metadata,
    19: handle_create_topics,
    32: handle_describe_configs,
}
