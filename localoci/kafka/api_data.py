"""The data path: Produce, Fetch, ListOffsets.

Rules:

* Produce: acks must be -1, 0 or 1 (INVALID_REQUIRED_ACKS); each partition is validated on
  its own (``records.parse_batches``: CRC-32C, magic 2, codecs, 1 MiB per record) and
  appended atomically, or answered with its error (the other partitions still succeed).
  Offsets are the partition's next offsets, the same ones REST shows.  The producer's
  timestamps are kept (CreateTime: ``log_append_time_ms`` -1).  The bytes written are
  charged to the partition's write budget (OCI: 1 MiB/s per partition, shared with
  PutMessages); an overdrawn budget never refuses a write but sets ``throttle_time_ms``
  and holds the connection that long.  Produce to an unknown topic is
  UNKNOWN_TOPIC_OR_PARTITION (auto-creation happens on Metadata, as in Kafka).  acks=0: no
  answer; a failure closes the connection.
* Fetch: sessionless (``session_id`` 0).  An offset below the log start or above the high
  watermark is OFFSET_OUT_OF_RANGE; records are returned as freshly built batches starting at
  the fetch offset, at least one record for the first partition that has any (KIP-74), then
  within ``partition_max_bytes`` and ``max_bytes`` (and localoci's ``fetch_max_bytes``).
  With fewer than ``min_bytes`` available the request waits up to ``max_wait_ms`` (capped
  at ``fetch_max_wait_ms``) and is answered as soon as an append to one of its partitions
  arrives; any partition error answers at once.  Reads are not rate-limited (localoci's
  choice: OCI's 5 GetMessages/s per group is a REST quota, and a long-polling consumer
  never comes near it).
* ListOffsets: -2 earliest (log start), -1 latest (high watermark), a timestamp → the first
  offset whose record timestamp is at or after it, else -1.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from kafka.protocol import consumer, producer

from .api_meta import partition_error, topic_map
from .backend import TopicInfo
from .connection import CloseConnection
from .errors import Code, KafkaError
from .records import build_batches, parse_batches

if TYPE_CHECKING:
    from .connection import Connection

LATEST, EARLIEST = -1, -2


# -- Produce -----------------------------------------------------------------------------------


def _produce_partition(
    conn: Connection, topic: TopicInfo | None, index: int, records: bytes | None
) -> tuple[Code, str | None, int, int, int]:
    """``(code, message, base_offset, log_start_offset, throttle_ms)`` for one partition."""
    code = partition_error(topic, index)
    if code or topic is None:  # partition_error is never NONE without a topic
        return code, None, -1, -1, 0
    lim = conn.listener.limits
    try:
        batches = parse_batches(
            records, max_record_bytes=lim.max_record_bytes, max_batch_bytes=lim.max_batch_bytes
        )
    except KafkaError as exc:
        conn.listener.warn(
            f"produce.{exc.code.name}",
            "produce to %s[%d] from %s refused: %s",
            topic.name,
            index,
            conn.peer,
            exc.message,
        )
        return exc.code, exc.message, -1, -1, 0
    rows = [r for b in batches for r in b.records]
    done = conn.backend.append(topic.stream_id, index, rows)
    throttle = conn.backend.charge_write(topic.stream_id, index, sum(r.size for r in rows))
    conn.listener.count("records.produced", len(rows))
    return Code.NONE, None, done.base_offset, done.log_start_offset, throttle


async def handle_produce(conn: Connection, version: int, req):
    resp = producer.ProduceResponse
    topic_cls = resp.TopicProduceResponse
    part_cls = topic_cls.PartitionProduceResponse
    topics = topic_map(conn)
    throttle, failed, out = 0, False, []
    msg: str | None
    for td in req.topic_data:
        parts = []
        for pd in td.partition_data:
            if req.acks not in (-1, 0, 1):
                code, msg, base, start, wait = (
                    Code.INVALID_REQUIRED_ACKS,
                    f"acks must be -1 (all), 0 or 1; got {req.acks}",
                    -1,
                    -1,
                    0,
                )
            elif req.transactional_id is not None:
                code, msg, base, start, wait = (
                    Code.INVALID_RECORD,
                    "transactions are not supported by OCI Streaming",
                    -1,
                    -1,
                    0,
                )
            else:
                code, msg, base, start, wait = _produce_partition(
                    conn, topics.get(td.name), pd.index, pd.records
                )
            throttle, failed = max(throttle, wait), failed or bool(code)
            parts.append(
                part_cls(
                    index=pd.index,
                    error_code=int(code),
                    base_offset=base,
                    log_append_time_ms=-1,
                    log_start_offset=start,
                    record_errors=[],
                    error_message=msg,
                )
            )
        out.append(topic_cls(name=td.name, partition_responses=parts))
    if throttle:
        conn.listener.count("produce.throttled")
    if req.acks == 0:
        if failed:
            raise CloseConnection
        conn.mute_ms = throttle
        return None
    if version >= 6:
        conn.mute_ms = throttle  # KIP-219: answer now, then do not read for that long
    elif throttle:
        await asyncio.sleep(throttle / 1000)  # before KIP-219 the broker delayed the answer
    return resp(version=version, responses=out, throttle_time_ms=throttle)


# -- Fetch -------------------------------------------------------------------------------------


def _fetch_once(conn: Connection, version: int, req) -> tuple[object, int, bool]:
    """Build a Fetch response from what is there now: ``(response, record_bytes, any_error)``."""
    resp = consumer.FetchResponse
    topic_cls = resp.FetchableTopicResponse
    part_cls = topic_cls.PartitionData
    lim = conn.listener.limits
    topics = topic_map(conn)
    budget = min(req.max_bytes if version >= 3 else 2**31 - 1, lim.fetch_max_bytes)
    total, errors, out = 0, False, []
    for ft in req.topics:
        topic = topics.get(ft.topic)
        parts = []
        for fp in ft.partitions:
            code = partition_error(topic, fp.partition)
            start = hwm = -1
            data = b""
            if not code and topic is not None:
                start, hwm = conn.backend.bounds(topic.stream_id, fp.partition)
                if not start <= fp.fetch_offset <= hwm:
                    code = Code.OFFSET_OUT_OF_RANGE
                elif fp.fetch_offset < hwm and (total < budget or total == 0):
                    room = min(fp.partition_max_bytes, budget - total)
                    rows = conn.backend.read(
                        topic.stream_id, fp.partition, fp.fetch_offset, max(room, 1)
                    )
                    data = build_batches(rows)
                    total += len(data)
            errors = errors or bool(code)
            parts.append(
                part_cls(
                    partition_index=fp.partition,
                    error_code=int(code),
                    high_watermark=hwm,
                    last_stable_offset=hwm,
                    log_start_offset=start,
                    aborted_transactions=None,
                    preferred_read_replica=-1,
                    records=data,
                )
            )
        out.append(topic_cls(topic=ft.topic, partitions=parts))
    return (
        resp(version=version, throttle_time_ms=0, error_code=0, session_id=0, responses=out),
        total,
        errors,
    )


async def handle_fetch(conn: Connection, version: int, req):
    loop = asyncio.get_running_loop()
    wait_s = max(0, min(req.max_wait_ms, conn.listener.limits.fetch_max_wait_ms)) / 1000
    deadline = loop.time() + wait_s
    topics = topic_map(conn)
    keys = [
        (topics[ft.topic].stream_id, fp.partition)
        for ft in req.topics
        if ft.topic in topics
        for fp in ft.partitions
    ]
    while True:
        with conn.listener.appends.watch(keys) as woken:
            response, nbytes, errors = _fetch_once(conn, version, req)
            left = deadline - loop.time()
            if errors or nbytes >= max(req.min_bytes, 1) or left <= 0:
                return response
            try:
                await asyncio.wait_for(woken.wait(), left)
            except TimeoutError:
                return _fetch_once(conn, version, req)[0]


# -- ListOffsets -------------------------------------------------------------------------------


async def handle_list_offsets(conn: Connection, version: int, req):
    resp = consumer.ListOffsetsResponse
    topic_cls = resp.ListOffsetsTopicResponse
    part_cls = topic_cls.ListOffsetsPartitionResponse
    topics = topic_map(conn)
    out = []
    for t in req.topics:
        topic = topics.get(t.name)
        parts = []
        for p in t.partitions:
            code = partition_error(topic, p.partition_index)
            ts = offset = -1
            if not code and topic is not None:
                start, hwm = conn.backend.bounds(topic.stream_id, p.partition_index)
                if p.timestamp == EARLIEST:
                    offset = start
                elif p.timestamp == LATEST:
                    offset = hwm
                elif p.timestamp < 0:
                    code = Code.INVALID_REQUEST
                else:
                    found = conn.backend.offset_for_timestamp(
                        topic.stream_id, p.partition_index, p.timestamp
                    )
                    if found:
                        offset, ts = found
            parts.append(
                part_cls(
                    partition_index=p.partition_index,
                    error_code=int(code),
                    timestamp=ts,
                    offset=offset,
                    leader_epoch=0 if not code else -1,
                )
            )
        out.append(topic_cls(name=t.name, partitions=parts))
    return resp(version=version, throttle_time_ms=0, topics=out)


HANDLERS = {0: handle_produce, 1: handle_fetch, 2: handle_list_offsets}
