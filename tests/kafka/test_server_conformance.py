"""Kafka conformance inside the real server (store backend, REST beside it), over SASL_SSL and
SASL_PLAINTEXT: what ``test_confluent``/``test_kafka_python`` prove against the in-memory
backend, checked again where the records land in the store and REST reads them back."""

from __future__ import annotations

import base64
import time

import oci
import pytest
from confluent_kafka import Consumer, KafkaError, Producer
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import TopicPartition as KTP

from tests.inprocess import serve_in_process

from .confluent_helpers import GROUP, consume, wait_for_assignments
from .test_through_server import admin, conf, kp, make_stream, rest_read

MIB = 1024 * 1024


def rest_values(client, stream_id: str, partition: int = 0) -> list[bytes]:
    return [base64.b64decode(m.value) for m in rest_read(client, stream_id, partition)]


@pytest.mark.parametrize("acks", ["0", "1", "all"])
def test_gzip_batches_with_every_acks_setting_are_stored(lo, acks):
    s, client = make_stream(lo, f"acks-{acks}")
    p = Producer({**conf(lo), "acks": acks, "compression.type": "gzip", "linger.ms": 50})
    for i in range(20):
        p.produce(s.name, value=b"m%02d" % i)
    assert p.flush(15) == 0
    deadline = time.monotonic() + 10  # acks=0: the producer does not wait for the store
    while len(rest_values(client, s.id)) < 20 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert rest_values(client, s.id) == [b"m%02d" % i for i in range(20)]


def test_a_message_over_one_mebibyte_is_refused_and_nothing_is_stored(lo):
    s, client = make_stream(lo, "too-big")
    reports: list = []
    p = Producer({**conf(lo), "message.max.bytes": 4 * MIB, "retries": 0, "batch.num.messages": 1})
    p.produce(s.name, value=b"x" * (MIB + 1), on_delivery=lambda e, m: reports.append(e))
    assert p.flush(15) == 0
    assert reports and reports[0] is not None
    assert reports[0].code() == KafkaError.MSG_SIZE_TOO_LARGE
    assert rest_values(client, s.id) == []


def test_consume_from_a_timestamp(lo):
    s, _ = make_stream(lo, "by-time")
    p = KafkaProducer(enable_idempotence=False, **kp(lo))
    base = 1_750_000_000_000
    for i in range(6):
        p.send(s.name, value=b"t%d" % i, timestamp_ms=base + i * 1000).get(10)
    p.close()
    c = KafkaConsumer(enable_auto_commit=False, **kp(lo))
    tp = KTP(s.name, 0)
    found = c.offsets_for_times({tp: base + 3500})[tp]
    assert found is not None and found.offset == 4
    c.assign([tp])
    c.seek(tp, found.offset)
    got, deadline = [], time.monotonic() + 15
    while len(got) < 2 and time.monotonic() < deadline:
        for records in c.poll(timeout_ms=200).values():
            got.extend(r.value for r in records)
    c.close()
    assert got == [b"t4", b"t5"]


def test_two_members_rebalance_and_commits_survive_a_consumer_restart(lo):
    s, _ = make_stream(lo, "pair", partitions=4)

    def member(name: str) -> Consumer:
        c = Consumer({**conf(lo), "group.id": "pair", "client.id": name, **GROUP})
        c.subscribe([s.name])
        return c

    a, b = member("a"), member("b")
    assert wait_for_assignments([a, b], [2, 2], timeout=30) == {0, 1, 2, 3}
    b.close()  # LeaveGroup: a takes all four
    assert wait_for_assignments([a], [4], timeout=15) == {0, 1, 2, 3}
    p = Producer(conf(lo))
    for q in range(4):
        p.produce(s.name, value=b"first-%d" % q, partition=q)
    assert p.flush(15) == 0
    assert len(consume(a, 4)) == 4
    a.commit(asynchronous=False)
    a.close()
    for q in range(4):
        p.produce(s.name, value=b"second-%d" % q, partition=q)
    assert p.flush(15) == 0
    c = member("c")  # a restarted consumer resumes at the commits: only the second round
    got = sorted(m.value() for m in consume(c, 4))
    assert consume(c, 1, timeout=1) == []
    c.close()
    assert got == [b"second-%d" % q for q in range(4)]


def test_a_creating_stream_then_a_deleted_one_give_clear_errors(tmp_path):
    """A stream in CREATING is LEADER_NOT_AVAILABLE (clients wait and then write); a deleted
    one is UNKNOWN_TOPIC_OR_PARTITION and nothing is written to it."""
    srv = serve_in_process(tmp_path, "--kafka-plaintext", "--ready-delay-ms", "1500")
    try:
        s, client = make_stream(srv, "slow")
        assert s.lifecycle_state == "CREATING"
        p = KafkaProducer(enable_idempotence=False, max_block_ms=15_000, **kp(srv))
        t0 = time.monotonic()
        assert p.send(s.name, b"first").get(15).offset == 0  # waits for ACTIVE
        assert time.monotonic() - t0 > 0.3
        admin(srv).delete_stream(s.id)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            state = admin(srv).get_stream(s.id).data.lifecycle_state
            if state == "DELETED":
                break
            time.sleep(0.2)
        reports: list = []
        cp = Producer({**conf(srv), "message.timeout.ms": 3000, "retries": 0})
        cp.produce(s.name, b"after", on_delivery=lambda e, m: reports.append(e))
        cp.flush(10)
        assert reports and reports[0] is not None
        assert reports[0].code() in (
            KafkaError._UNKNOWN_TOPIC,
            KafkaError.UNKNOWN_TOPIC_OR_PART,
            KafkaError._MSG_TIMED_OUT,
        )
        p.close(1)
        with pytest.raises(oci.exceptions.ServiceError):
            client.create_cursor(
                s.id,
                oci.streaming.models.CreateCursorDetails(partition="0", type="TRIM_HORIZON"),
            )
    finally:
        srv.stop()
