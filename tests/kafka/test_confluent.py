"""confluent-kafka 2.x (librdkafka) against the listener, over SASL_PLAINTEXT and SASL_SSL."""

from __future__ import annotations

import time

import pytest
from confluent_kafka import (
    OFFSET_BEGINNING,
    OFFSET_END,
    Consumer,
    KafkaError,
    Producer,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, NewTopic

from localoci.kafka.backend import CREATING, DELETED

from .confluent_helpers import GROUP, QUICK, consume, wait_for_assignments
from .conftest import TOKEN

MIB = 1024 * 1024


def produce(server, topic: str, messages, **conf) -> list:
    """Send ``(key, value, headers)`` tuples; return the delivery reports ``(err, partition, offset)``."""
    p = Producer(server.confluent(**{**QUICK, **conf}))
    reports: list = []
    for key, value, headers in messages:
        p.produce(
            topic,
            key=key,
            value=value,
            headers=headers,
            on_delivery=lambda e, m: reports.append((e, m.partition(), m.offset())),
        )
    assert p.flush(15) == 0
    return reports


def test_delivery_reports_give_partition_and_offset_and_headers_come_back(server):
    sid = server.add_stream("orders", 2)
    reports = produce(
        server, "orders", [(b"k%d" % i, b"v%d" % i, [("trace", b"t%d" % i)]) for i in range(10)]
    )
    assert all(e is None for e, _, _ in reports)
    per_partition = {q: server.call(server.backend.bounds, sid, q)[1] for q in (0, 1)}
    assert sum(per_partition.values()) == 10
    assert sorted(o for _, _, o in reports) == sorted(
        o for q, n in per_partition.items() for o in range(n)
    )
    c = Consumer(server.confluent(**{"group.id": "reports", **GROUP}))
    c.subscribe(["orders"])
    got = sorted(consume(c, 10), key=lambda m: m.key())
    c.close()
    assert [(m.key(), m.value(), m.headers()) for m in got] == [
        (b"k%d" % i, b"v%d" % i, [("trace", b"t%d" % i)]) for i in range(10)
    ]


@pytest.mark.parametrize("acks", ["0", "1", "all"])
def test_every_acks_setting_stores_the_messages(server, acks):
    sid = server.add_stream("acks")
    produce(server, "acks", [(None, b"m%d" % i, None) for i in range(25)], acks=acks)
    deadline = time.monotonic() + 5
    while server.call(server.backend.bounds, sid, 0)[1] < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.call(server.backend.bounds, sid, 0) == (0, 25)


@pytest.mark.parametrize("codec", ["gzip", "snappy", "lz4", "zstd"])
def test_compressed_batches_are_stored_as_records(server, codec):
    sid = server.add_stream("packed")
    produce(
        server,
        "packed",
        [(b"%d" % i, b"payload " * 40, None) for i in range(300)],
        **{"compression.codec": codec, "linger.ms": 50},
    )
    rows = server.call(server.backend.read, sid, 0, 0, 10 * MIB)
    assert len(rows) == 300 and rows[299].key == b"299" and rows[5].value == b"payload " * 40


def test_consume_from_beginning_end_and_a_timestamp(server):
    server.add_stream("times")
    p = Producer(server.confluent(**QUICK))
    for i in range(10):
        p.produce("times", value=b"old%d" % i, timestamp=2_000_000 + i * 1000)
    p.flush(10)
    c = Consumer(server.confluent(**{"group.id": "times", **GROUP}))
    c.assign([TopicPartition("times", 0, OFFSET_BEGINNING)])
    assert [m.value() for m in consume(c, 10)][:2] == [b"old0", b"old1"]
    (found,) = c.offsets_for_times([TopicPartition("times", 0, 2_000_000 + 4500)], timeout=5)
    assert found.offset == 5
    c.assign([TopicPartition("times", 0, found.offset)])
    got = consume(c, 5)
    assert [m.value() for m in got] == [b"old%d" % i for i in range(5, 10)]
    assert got[0].timestamp()[1] == 2_000_000 + 5000
    c.assign([TopicPartition("times", 0, OFFSET_END)])
    consume(c, 1, timeout=1)
    p.produce("times", value=b"new")
    p.flush(10)
    assert [m.value() for m in consume(c, 1)] == [b"new"]
    c.close()


def test_two_members_split_and_rebalance_and_commits_survive_restarts(server):
    server.add_stream("split", 4)

    def member(name: str) -> Consumer:
        c = Consumer(server.confluent(**{"group.id": "pair", "client.id": name, **GROUP}))
        c.subscribe(["split"])
        return c

    a, b = member("a"), member("b")
    assert wait_for_assignments([a, b], [2, 2], timeout=20) == {0, 1, 2, 3}
    b.close()
    assert wait_for_assignments([a], [4], timeout=10) == {0, 1, 2, 3}
    produce(server, "split", [(None, b"p%d" % q, None) for q in range(4)])
    got = consume(a, 4)
    a.commit(asynchronous=False)
    a.close()
    assert len(got) == 4

    server.restart()
    produce(server, "split", [(None, b"later", None)])
    c = member("c")
    assert [m.value() for m in consume(c, 1)] == [b"later"]
    assert consume(c, 1, timeout=1) == []  # nothing before the commit comes again
    c.close()


def test_bad_credentials_are_reported_with_the_reason(server):
    server.add_stream("orders")
    errors: list = []
    p = Producer(
        server.confluent(**{"sasl.password": TOKEN + "x", "error_cb": lambda e: errors.append(e)})
    )
    p.produce("orders", b"v")
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        p.poll(0.1)
    assert errors and errors[0].code() == KafkaError._AUTHENTICATION
    assert "Authentication failed: the password is not an auth token" in errors[0].str()


def test_a_message_over_one_mebibyte_is_refused_with_message_too_large(server):
    sid = server.add_stream("big")
    reports = produce(
        server,
        "big",
        [(None, b"x" * (MIB + 1), None), (None, b"small", None)],
        **{"message.max.bytes": 4 * MIB, "linger.ms": 0, "retries": 0, "batch.num.messages": 1},
    )
    errs = {e.code() if e else None for e, _, _ in reports}
    assert KafkaError.MSG_SIZE_TOO_LARGE in errs and None in errs
    assert [r.value for r in server.call(server.backend.read, sid, 0, 0, 10 * MIB)] == [b"small"]


def test_writes_over_one_mebibyte_per_second_are_slowed_down(plain_server):
    """librdkafka does not slow itself on throttle_time_ms: the listener holds the connection
    after each throttled answer (KIP-219), so 3 MiB into one partition take over a second (1 MiB
    of burst; the last request's debt is not waited for), not the ~0.1 s they take unthrottled."""
    plain_server.add_stream("fast")
    throttles: list = []
    t0 = time.monotonic()
    reports = produce(
        plain_server,
        "fast",
        [(None, b"z" * (256 * 1024), None)] * 12,
        throttle_cb=lambda ev: throttles.append(ev.throttle_time),
    )
    elapsed = time.monotonic() - t0
    assert all(e is None for e, _, _ in reports)
    assert elapsed >= 1.0, f"3 MiB went through in {elapsed:.2f} s"
    assert throttles and max(throttles) > 0.1  # seconds, as librdkafka reports them


def test_a_stream_in_creating_and_a_deleted_stream(server):
    creating = server.add_stream("fresh", state=CREATING)
    gone = server.add_stream("gone")
    md = AdminClient(server.confluent()).list_topics(timeout=5)
    assert md.topics["gone"].error is None and "fresh" not in md.topics
    md = AdminClient(server.confluent()).list_topics(topic="fresh", timeout=5)
    assert md.topics["fresh"].error.code() == KafkaError.LEADER_NOT_AVAILABLE
    server.call(server.backend.set_state, gone, DELETED)
    reports = produce(server, "gone", [(None, b"after", None)], **{"message.timeout.ms": 3000})
    assert reports[0][0].code() in (
        KafkaError._UNKNOWN_TOPIC,
        KafkaError.UNKNOWN_TOPIC_OR_PART,
        KafkaError._MSG_TIMED_OUT,
    )
    assert server.call(server.backend.bounds, creating, 0) == (0, 0)


def test_admin_create_topics_creates_a_stream_with_the_pools_defaults(server):
    admin = AdminClient(server.confluent())
    futures = admin.create_topics(
        [NewTopic("made-by-admin", num_partitions=3), NewTopic("bad name!", num_partitions=1)]
    )
    futures["made-by-admin"].result(10)
    with pytest.raises(Exception, match="not a valid topic name"):
        futures["bad name!"].result(10)
    topics = {t.name: t for t in server.call(server.backend.topics, server.backend_principal())}
    assert topics["made-by-admin"].partitions == 3
    dup = admin.create_topics([NewTopic("made-by-admin", num_partitions=1)])
    with pytest.raises(Exception, match="already exists"):
        dup["made-by-admin"].result(10)


def test_rest_produced_messages_reach_kafka_consumers_with_their_append_time(server):
    sid = server.add_stream("mixed")
    server.call(server.backend.rest_append, sid, 0, None, b"from-rest")
    produce(server, "mixed", [(b"k", b"from-kafka", [("h", b"1")])])
    server.call(server.backend.rest_append, sid, 0, b"rk", b"rest-again")
    c = Consumer(server.confluent(**{"group.id": "mixed", **GROUP}))
    c.assign([TopicPartition("mixed", 0, OFFSET_BEGINNING)])
    got = consume(c, 3)
    c.close()
    assert [(m.offset(), m.key(), m.value()) for m in got] == [
        (0, None, b"from-rest"),
        (1, b"k", b"from-kafka"),
        (2, b"rk", b"rest-again"),
    ]
    from confluent_kafka import TIMESTAMP_CREATE_TIME, TIMESTAMP_LOG_APPEND_TIME

    assert [m.timestamp()[0] for m in got] == [
        TIMESTAMP_LOG_APPEND_TIME,
        TIMESTAMP_CREATE_TIME,
        TIMESTAMP_LOG_APPEND_TIME,
    ]
    assert got[0].headers() is None and got[1].headers() == [("h", b"1")]


def test_admin_lists_and_describes_groups_and_configs(server):
    from confluent_kafka import ConsumerGroupState
    from confluent_kafka.admin import ConfigResource, ResourceType

    server.add_stream("watched", 2)
    c = Consumer(server.confluent(**{"group.id": "watchers", **GROUP}))
    c.subscribe(["watched"])
    deadline = time.monotonic() + 15
    while not c.assignment() and time.monotonic() < deadline:
        c.poll(0.1)
    admin = AdminClient(server.confluent())
    listed = admin.list_consumer_groups().result(10)
    assert [(g.group_id, g.state) for g in listed.valid] == [
        ("watchers", ConsumerGroupState.STABLE)
    ]
    (described,) = admin.describe_consumer_groups(["watchers"]).values()
    d = described.result(10)
    assert d.state == ConsumerGroupState.STABLE and len(d.members) == 1
    assert {tp.partition for tp in d.members[0].assignment.topic_partitions} == {0, 1}
    c.close()
    res = ConfigResource(ResourceType.TOPIC, "watched")
    configs = admin.describe_configs([res])[res].result(10)
    assert configs["retention.ms"].value == str(24 * 3600 * 1000)
    assert configs["max.message.bytes"].value == str(MIB)
    assert configs["cleanup.policy"].value == "delete"
