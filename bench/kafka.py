"""Kafka versus REST on the same localoci: confluent-kafka produces and fetches 20,000 x 1 KB
(the ceiling's work), the SDK's PutMessages/GetMessages do the same on the same server, and
the row is Kafka's rate with its ratio to REST's (best of 3 rounds each)."""

from __future__ import annotations

import time

import oci
from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

from localoci import process
from localoci.kafka_config import settings

from .cases import _sdk_put_get
from .common import Row, _client, _stream, _tmp


def _kafka_produce_fetch(conf: dict, topic: str, total: int) -> tuple[float, float]:
    p = Producer({**conf, "acks": "all", "linger.ms": 5, "batch.size": 1_000_000})
    value = b"x" * 1000
    t0 = time.perf_counter()
    for _ in range(total):
        while True:
            try:
                p.produce(topic, value)
                break
            except BufferError:  # the local queue is full: let deliveries drain it
                p.poll(0.01)
    assert p.flush(60) == 0
    t_put = time.perf_counter() - t0
    c = Consumer({**conf, "group.id": f"bench-{topic}", "enable.auto.commit": False})
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    got = 0
    t0 = time.perf_counter()
    deadline = time.monotonic() + 120
    while got < total and time.monotonic() < deadline:
        for m in c.consume(10_000, 0.5):
            if not m.error():
                got += 1
    t_get = time.perf_counter() - t0
    c.close()
    assert got == total, f"fetched {got} of {total}"
    return t_put, t_get


def kafka(quick: bool = False) -> list[Row]:
    total = 4000 if quick else 20_000
    server = process.start(_tmp("kafka"), "--no-limits", "--kafka-plaintext")
    try:
        conf = settings(server.data_dir)
        client = _client(server)
        best_k, best_r = [1e9, 1e9], [1e9, 1e9]
        for round_ in range(3):
            s = _stream(server, name=f"kbench-{round_}")
            p, g = _kafka_produce_fetch(conf, s.name, total)
            best_k = [min(best_k[0], p), min(best_k[1], g)]
            r = _stream(server, name=f"rbench-{round_}")

            def first_cursor(r=r):
                return client.create_cursor(
                    r.id,
                    oci.streaming.models.CreateCursorDetails(partition="0", type="TRIM_HORIZON"),
                ).data.value

            p, g = _sdk_put_get(client, r.id, total, 1000, 10_000, first_cursor)
            best_r = [min(best_r[0], p), min(best_r[1], g)]
    finally:
        server.stop()
    rows = []
    for i, op in enumerate(("produce", "fetch")):
        k_rate, r_rate = total / best_k[i], total / best_r[i]
        ratio = k_rate / r_rate
        print(
            f"   {op}: Kafka {best_k[i]:.3f} s ({k_rate:,.0f} msg/s), REST {best_r[i]:.3f} s "
            f"({r_rate:,.0f} msg/s) -> Kafka/REST {ratio:.2f}"
        )
        rows.append(
            Row(
                f"Kafka {op} {total:,} x 1 KB (confluent-kafka) vs REST",
                f"{k_rate:,.0f} msg/s",
                ratio,
                "(figure)",
                None,
            )
        )
    return rows
