"""The Kafka listener inside the real server (``python -m localoci serve``, in-process): the
store backend, kafka-config's settings, and the same streams and offsets over REST and Kafka,
over SASL_SSL (the default) and SASL_PLAINTEXT (``--kafka-plaintext``)."""

from __future__ import annotations

import base64
import time

import oci
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, Producer, TopicPartition
from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import OffsetAndMetadata
from kafka.structs import TopicPartition as KTP

import localctl
from localoci.kafka_config import render, settings
from tests.inprocess import serve_in_process

M = oci.streaming.models
NO_RETRY = oci.retry.NoneRetryStrategy()


def admin(lo):
    return oci.streaming.StreamAdminClient(
        lo.config, service_endpoint=lo.url, retry_strategy=NO_RETRY
    )


def make_stream(lo, name: str, partitions: int = 1):
    s = (
        admin(lo)
        .create_stream(
            M.CreateStreamDetails(name=name, partitions=partitions, compartment_id=lo.compartment)
        )
        .data
    )
    client = oci.streaming.StreamClient(lo.config, service_endpoint=lo.url, retry_strategy=NO_RETRY)
    return s, client


def conf(lo) -> dict:
    return settings(lo.data_dir)


def rest_read(client, stream_id: str, partition: int = 0):
    cur = client.create_cursor(
        stream_id, M.CreateCursorDetails(partition=str(partition), type="TRIM_HORIZON")
    ).data.value
    return client.get_messages(stream_id, cur).data


def test_kafka_config_names_the_listener_and_pools_report_it(lo):
    c = conf(lo)
    want = {
        "bootstrap.servers",
        "security.protocol",
        "sasl.mechanism",
        "sasl.username",
        "sasl.password",
    }
    assert want <= set(c) and c["sasl.username"].startswith("localoci/lab-user/ocid1.streampool.")
    assert ("ssl.ca.location" in c) == (c["security.protocol"] == "SASL_SSL")
    pool_id = c["sasl.username"].rsplit("/", 1)[1]
    pool = admin(lo).get_stream_pool(pool_id).data
    assert pool.kafka_settings.bootstrap_servers == c["bootstrap.servers"]
    assert conf(lo)["sasl.password"] == c["sasl.password"]  # the kept token is reused
    info = localctl.read_info(lo.data_dir)
    assert info is not None and info.kafka is not None
    assert info.kafka.bootstrap_servers == c["bootstrap.servers"]
    assert info.kafka.security_protocol == c["security.protocol"]
    assert info.kafka.ca_file == c.get("ssl.ca.location")
    health = lo.control.health()["kafka"]
    assert health["bootstrapServers"] == c["bootstrap.servers"]
    assert "export KAFKA_SASL_USERNAME=" in render(c, "env")


def test_kafka_produce_is_read_by_get_messages_and_put_messages_by_kafka(lo):
    s, client = make_stream(lo, "cross")
    reports: list = []
    p = Producer(conf(lo))
    for i in range(3):
        p.produce(
            "cross",
            key=b"k%d" % i,
            value=b"v%d" % i,
            headers=[("h", b"x")],
            on_delivery=lambda e, m: reports.append((e, m.offset())),
        )
    assert p.flush(15) == 0 and [o for _, o in reports] == [0, 1, 2]
    got = rest_read(client, s.id)
    assert [(m.offset, base64.b64decode(m.key), base64.b64decode(m.value)) for m in got] == [
        (i, b"k%d" % i, b"v%d" % i) for i in range(3)
    ]
    client.put_messages(
        s.id,
        M.PutMessagesDetails(
            messages=[
                M.PutMessagesDetailsEntry(
                    key=base64.b64encode(b"rk").decode(),
                    value=base64.b64encode(b"from-rest").decode(),
                )
            ]
        ),
    )
    c = Consumer({**conf(lo), "group.id": "cross", "auto.offset.reset": "earliest"})
    c.assign([TopicPartition("cross", 0, OFFSET_BEGINNING)])
    seen, deadline = [], time.monotonic() + 15
    while len(seen) < 4 and time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is not None and not m.error():
            seen.append((m.offset(), m.key(), m.value(), m.headers()))
    c.close()
    assert seen[0] == (0, b"k0", b"v0", [("h", b"x")]) and seen[3] == (3, b"rk", b"from-rest", None)


@pytest.mark.parametrize("part", ["tenancy", "user", "pool", "token"])
def test_bad_credentials_name_the_wrong_part(lo, part):
    c = conf(lo)
    t, u, pool = c["sasl.username"].split("/")
    bad = {
        "tenancy": {"sasl.username": f"nope/{u}/{pool}"},
        "user": {"sasl.username": f"{t}/nobody/{pool}"},
        "pool": {"sasl.username": f"{t}/{u}/ocid1.streampool.oc1.local.missing"},
        "token": {"sasl.password": "wrong-token"},
    }[part]
    errors: list = []
    p = Producer({**c, **bad, "error_cb": errors.append})
    p.produce("anything", b"v")
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        p.poll(0.1)
    assert errors and errors[0].code() == KafkaError._AUTHENTICATION
    word = {
        "tenancy": "no tenancy",
        "user": "no user",
        "pool": "stream pool",
        "token": "auth token",
    }
    assert word[part] in errors[0].str()


def kp(lo) -> dict:
    c = conf(lo)
    out = dict(
        bootstrap_servers=c["bootstrap.servers"],
        security_protocol=c["security.protocol"],
        sasl_mechanism="PLAIN",
        sasl_plain_username=c["sasl.username"],
        sasl_plain_password=c["sasl.password"],
    )
    if "ssl.ca.location" in c:
        out["ssl_cafile"] = c["ssl.ca.location"]
    return out


def test_committed_offsets_are_stored_and_idempotence_is_refused(lo):
    make_stream(lo, "resume")
    p = KafkaProducer(enable_idempotence=False, **kp(lo))
    for i in range(6):
        p.send("resume", b"%d" % i)
    p.flush(10)
    p.close()
    c = KafkaConsumer(
        group_id="resumers", auto_offset_reset="earliest", enable_auto_commit=False, **kp(lo)
    )
    tp = KTP("resume", 0)
    c.commit({tp: OffsetAndMetadata(4, "", -1)})
    assert c.committed(tp) == 4
    c.close()
    idem = KafkaProducer(**kp(lo))
    with pytest.raises(Exception, match="InitProducerIdRequest"):
        idem.send("resume", b"x").get(10)
    idem.close(1)


def test_committed_offsets_and_records_survive_a_server_restart(tmp_path):
    """Offsets live in the store's kafka_offsets table, records in the message log: a new
    server on the same data directory and Kafka port resumes the group where it committed."""
    srv = serve_in_process(tmp_path, "--kafka-plaintext")
    try:
        make_stream(srv, "durable")
        port = srv.server.config.kafka_port
        p = KafkaProducer(enable_idempotence=False, **kp(srv))
        for i in range(5):
            p.send("durable", b"%d" % i).get(10)
        p.close()
        c = KafkaConsumer(group_id="g", enable_auto_commit=False, **kp(srv))
        c.commit({KTP("durable", 0): OffsetAndMetadata(3, "", -1)})
        c.close()
    finally:
        srv.stop()
    srv = serve_in_process(tmp_path, "--kafka-plaintext", "--kafka-port", str(port))
    try:
        c = KafkaConsumer(
            "durable",
            group_id="g",
            enable_auto_commit=False,
            heartbeat_interval_ms=300,
            session_timeout_ms=6000,
            **kp(srv),
        )
        got, deadline = [], time.monotonic() + 15
        while len(got) < 2 and time.monotonic() < deadline:
            for records in c.poll(timeout_ms=500).values():
                got.extend(r.value for r in records)
        c.close()
        assert got == [b"3", b"4"]
    finally:
        srv.stop()
