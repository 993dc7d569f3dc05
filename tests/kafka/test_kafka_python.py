"""kafka-python 3 against the listener, over SASL_PLAINTEXT and SASL_SSL."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import (
    IncompatibleBrokerVersion,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    UnknownTopicOrPartitionError,
)

from localoci.kafka.backend import CREATING, DELETED

from .conftest import TOKEN

MIB = 1024 * 1024
FAST_GROUP = dict(
    heartbeat_interval_ms=300,
    session_timeout_ms=6000,
    fetch_max_wait_ms=200,
    auto_offset_reset="earliest",
    enable_auto_commit=False,
)


def producer(server, **kw) -> KafkaProducer:
    kw.setdefault("enable_idempotence", False)
    return KafkaProducer(**server.kafka_python(**kw))


def drain(consumer: KafkaConsumer, want: int, timeout: float = 15) -> list:
    got, deadline = [], time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=200).values():
            got.extend(records)
    return got


def test_keys_values_headers_and_timestamps_come_back(server):
    sid = server.add_stream("orders", 3)
    p = producer(server)
    sent = [
        p.send(
            "orders",
            key=b"k%d" % i,
            value=b"v%d" % i,
            headers=[("trace", b"t%d" % i)],
            timestamp_ms=1_700_000_000_000 + i,
        ).get(10)
        for i in range(9)
    ]
    p.close()
    assert sum(server.call(server.backend.bounds, sid, q)[1] for q in range(3)) == 9
    c = KafkaConsumer("orders", group_id="keys", **server.kafka_python(**FAST_GROUP))
    got = sorted(drain(c, 9), key=lambda r: r.key)
    c.close()
    assert [(r.key, r.value, r.headers, r.timestamp) for r in got] == [
        (b"k%d" % i, b"v%d" % i, [("trace", b"t%d" % i)], 1_700_000_000_000 + i) for i in range(9)
    ]
    assert {(r.partition, r.offset) for r in got} == {(m.partition, m.offset) for m in sent}


@pytest.mark.parametrize("acks", [0, 1, "all"])
def test_every_acks_setting_stores_the_messages(server, acks):
    sid = server.add_stream("acks")
    p = producer(server, acks=acks)
    for i in range(20):
        p.send("acks", value=b"m%d" % i)
    p.flush(10)
    p.close()
    deadline = time.monotonic() + 5
    while server.call(server.backend.bounds, sid, 0)[1] < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.call(server.backend.bounds, sid, 0) == (0, 20)


def test_gzip_batches_are_stored_as_records(server):
    sid = server.add_stream("gz")
    p = producer(server, compression_type="gzip", linger_ms=50, batch_size=64 * 1024)
    for i in range(200):
        p.send("gz", key=b"%d" % i, value=b"payload " * 40)
    p.flush(10)
    p.close()
    rows = server.call(server.backend.read, sid, 0, 0, 10 * MIB)
    assert len(rows) == 200 and rows[199].key == b"199" and rows[0].value == b"payload " * 40


def test_consume_from_earliest_latest_and_a_timestamp(server):
    server.add_stream("times")
    p = producer(server)
    for i in range(10):
        p.send("times", value=b"old%d" % i, timestamp_ms=1_000_000 + i * 1000)
    p.flush(10)
    tp = TopicPartition("times", 0)
    c = KafkaConsumer(**server.kafka_python(**FAST_GROUP))
    c.assign([tp])
    c.seek_to_beginning(tp)
    assert [r.value for r in drain(c, 10)][:2] == [b"old0", b"old1"]
    found = c.offsets_for_times({tp: 1_000_000 + 6500})
    assert found[tp].offset == 7 and found[tp].timestamp == 1_000_000 + 7000
    c.seek(tp, found[tp].offset)
    assert [r.value for r in drain(c, 3)] == [b"old7", b"old8", b"old9"]
    c.seek_to_end(tp)
    assert c.position(tp) == 10
    p.send("times", value=b"new").get(10)
    assert [r.value for r in drain(c, 1)] == [b"new"]
    assert c.offsets_for_times({tp: 10**13})[tp] is None
    c.close()
    p.close()


class Member(threading.Thread):
    """A group member polling in its own thread, as applications run them (a KafkaConsumer
    is not thread-safe: it is created, polled and closed here only).

    The poll timeout is long on purpose: in kafka-python 3.0.12, when a JoinGroup answer
    arrives after ``poll()`` has given up waiting for it (a rebalance waits for every member),
    the consumer keeps its heartbeats disabled and never hears of the next rebalance.  Real
    Kafka answers joins the same way; applications should poll with a timeout longer than a
    rebalance takes."""

    def __init__(self, server, topic: str, group: str) -> None:
        super().__init__(daemon=True)
        self.conf = server.kafka_python(**FAST_GROUP)
        self.topic, self.group = topic, group
        self.assigned: set[int] = set()
        self.values: list[bytes] = []
        self.stop = threading.Event()
        self.start()

    def run(self) -> None:
        c = KafkaConsumer(self.topic, group_id=self.group, **self.conf)
        while not self.stop.is_set():
            for records in c.poll(timeout_ms=1500).values():
                self.values.extend(r.value for r in records)
            self.assigned = {tp.partition for tp in c.assignment()}
        c.close()

    def leave(self) -> None:
        self.stop.set()
        self.join(15)


def wait_for(cond, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while not cond() and time.monotonic() < deadline:
        time.sleep(0.05)
    return cond()


def test_two_members_split_the_partitions_and_one_takes_all_when_the_other_leaves(server):
    server.add_stream("split", 4)
    a, b = Member(server, "split", "pair"), Member(server, "split", "pair")
    try:
        assert wait_for(lambda: len(a.assigned) == 2 and len(b.assigned) == 2)
        assert a.assigned | b.assigned == {0, 1, 2, 3}
        b.leave()
        assert wait_for(lambda: a.assigned == {0, 1, 2, 3})
        p = producer(server)
        for q in range(4):
            p.send("split", value=b"to-%d" % q, partition=q)
        p.flush(10)
        p.close()
        assert wait_for(lambda: len(a.values) == 4)
        assert sorted(a.values) == [b"to-0", b"to-1", b"to-2", b"to-3"]
    finally:
        a.leave()
        b.leave()


def test_committed_offsets_survive_a_consumer_restart_and_a_listener_restart(server):
    server.add_stream("resume")
    p = producer(server)
    for i in range(15):
        p.send("resume", value=b"%d" % i)
    p.flush(10)
    p.close()

    def take(n: int) -> list[bytes]:
        c = KafkaConsumer("resume", group_id="resumers", **server.kafka_python(**FAST_GROUP))
        got = drain(c, n)[:n]
        c.commit({TopicPartition("resume", 0): _offset(got[-1].offset + 1)})
        c.close()
        return [r.value for r in got]

    assert take(5) == [b"%d" % i for i in range(5)]
    assert take(5) == [b"%d" % i for i in range(5, 10)]
    server.restart()
    assert take(5) == [b"%d" % i for i in range(10, 15)]


def _offset(n: int):
    from kafka.structs import OffsetAndMetadata

    return OffsetAndMetadata(n, "", -1)


def test_the_default_idempotent_producer_is_told_the_broker_lacks_init_producer_id(server):
    server.add_stream("idem")
    p = KafkaProducer(**server.kafka_python())  # kafka-python 3 defaults to idempotence
    t0 = time.monotonic()
    with pytest.raises(
        IncompatibleBrokerVersion, match="does not support the 'InitProducerIdRequest'"
    ):
        p.send("idem", b"x").get(10)
    assert time.monotonic() - t0 < 3
    p.close(1)


def test_bad_credentials_surface_the_reason_in_the_client_log(server, caplog):
    server.add_stream("orders")
    with caplog.at_level(logging.ERROR, logger="kafka"), pytest.raises(KafkaTimeoutError):
        producer(server, sasl_plain_password=TOKEN + "x", bootstrap_timeout_ms=1500)
    assert "[Error 58] SaslAuthenticationFailedError" in caplog.text
    assert "not an auth token of user 'learner'" in caplog.text


def test_a_record_over_one_mebibyte_is_refused_and_the_partition_keeps_working(server):
    sid = server.add_stream("big")
    p = producer(server, max_request_size=4 * MIB, retries=0)
    with pytest.raises(MessageSizeTooLargeError):
        p.send("big", value=b"x" * (MIB + 1)).get(10)
    assert p.send("big", value=b"small").get(10).offset == 0
    p.close()
    assert server.call(server.backend.bounds, sid, 0) == (0, 1)


def test_a_stream_in_creating_is_waited_for_until_it_is_active(server):
    sid = server.add_stream("fresh", state=CREATING)
    p = producer(server, max_block_ms=10_000)
    seen: list = []

    def activate() -> None:
        seen.append(server.call(server.backend.bounds, sid, 0))
        server.call(server.backend.set_state, sid, "ACTIVE")

    threading.Timer(0.5, activate).start()
    t0 = time.monotonic()
    future = p.send("fresh", b"first")  # metadata says LEADER_NOT_AVAILABLE: send() waits
    assert future.get(10).offset == 0
    assert time.monotonic() - t0 >= 0.45 and seen == [(0, 0)]
    p.close()


def test_a_deleted_stream_is_an_unknown_topic(server):
    sid = server.add_stream("gone")
    p = producer(server, retries=0)
    p.send("gone", b"before").get(10)
    server.call(server.backend.set_state, sid, DELETED)
    with pytest.raises(UnknownTopicOrPartitionError):
        p.send("gone", b"after").get(10)
    p.close(1)
    c = KafkaConsumer(**server.kafka_python())
    assert "gone" not in c.topics()
    c.close()
