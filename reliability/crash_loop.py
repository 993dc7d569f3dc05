"""crash_loop: SIGKILL localoci again and again while REST and Kafka clients run.

Each round: (re)start the server on the same data directory; 4 REST producer threads publish
batches (each value unique), 2 REST consumer threads read as instances of one consumer group
(commit-on-get plus an explicit ConsumerCommit every few reads), a monitor polls GetGroup;
beside them, over the Kafka listener (SASL_SSL, what ``kafka-config`` prints), a
confluent-kafka producer (acks=all, no retries) writes to the same stream and a Kafka consumer
group of two members reads it, committing synchronously.  Once the Kafka group has received a
message (at most 10 s) and a random 0.4-1.4 s more, the server is SIGKILLed mid-traffic.  After
each restart:

* every message acknowledged so far (in any round, over REST or Kafka) is present exactly once,
  at the partition and offset it was acknowledged with;
* no value is stored twice; offsets strictly increase within each partition;
* no committed group offset is lower than one observed (GetGroup) before the kill, and none is
  beyond what was ever delivered to the group;
* no Kafka commit the listener acknowledged is lost (OffsetFetch after the restart returns it
  or a later one), and none is beyond the next offset ever delivered to the Kafka group.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter

from . import common
from .common import Models, Result, b64

PRODUCERS = 4
CONSUMERS = 2
PARTITIONS = 3
BATCH = 10
GROUP = "crash-group"
KAFKA_CONSUMERS = 2
KAFKA_GROUP = "crash-kafka-group"
KAFKA_COMMIT_EVERY = 25  # messages
KAFKA_WAIT_S = 10.0  # for the Kafka group's first message before the random kill delay


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _kafka_conf(s) -> dict:
    """What ``python -m localoci kafka-config`` prints for this server, plus quick timeouts."""
    from localoci.kafka_config import settings

    return {
        **settings(s.data_dir),
        "socket.timeout.ms": 5000,
        "reconnect.backoff.max.ms": 500,
        "log_level": 2,  # librdkafka logs every refused reconnect while the server is down
    }


def _kafka_produce(conf, topic, rnd, acked, lock, stop, counts):
    from confluent_kafka import Producer

    # acks=all and no retries: a delivery report without error is the listener's ack, and a
    # resend can never store a value twice.  No idempotence: OCI Streaming has none.
    p = Producer(
        {
            **conf,
            "acks": "all",
            "retries": 0,
            "enable.idempotence": False,
            "linger.ms": 5,
            "message.timeout.ms": 5000,
        }
    )

    def report(err, msg) -> None:
        if err is None:
            with lock:
                acked[msg.value().decode()] = (msg.partition(), msg.offset())
                counts["kafka_acked"] += 1

    seq = 0
    try:
        while not stop.is_set():
            for _ in range(BATCH):
                value = f"r{rnd}-kafka-{seq}"
                p.produce(topic, value.encode(), key=f"kk{seq % 5}".encode(), on_delivery=report)
                seq += 1
            p.poll(0.01)
            while len(p) > 500 and not stop.is_set():
                p.poll(0.05)
    finally:
        # The server is gone: what was not acknowledged by now never will be.
        p.purge()
        p.flush(1)


def _kafka_consume(conf, topic, member, delivered, committed, lock, stop, counts, ready):
    from confluent_kafka import Consumer, KafkaException

    c = Consumer(
        {
            **conf,
            "group.id": KAFKA_GROUP,
            "client.id": f"crash-{member}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 6000,
        }
    )
    c.subscribe([topic])
    since = 0
    try:
        while not stop.is_set():
            m = c.poll(0.1)
            if m is None or m.error():
                continue
            ready.set()
            with lock:
                delivered[m.partition()] = max(delivered.get(m.partition(), -1), m.offset())
                counts["kafka_delivered"] += 1
            since += 1
            if since >= KAFKA_COMMIT_EVERY:
                since = 0
                try:
                    done = c.commit(asynchronous=False)
                except KafkaException:
                    continue  # not acknowledged (a rebalance, or the server died): not counted
                with lock:
                    counts["kafka_commits"] += 1
                    for tp in done or []:
                        if tp.error is None and tp.offset >= 0:
                            committed[tp.partition] = max(
                                committed.get(tp.partition, -1), tp.offset
                            )
    finally:
        c.close()


def _kafka_committed(conf, topic) -> dict[int, int]:
    """The Kafka group's committed offsets, read back with OffsetFetch (no join needed)."""
    from confluent_kafka import Consumer, TopicPartition

    c = Consumer({**conf, "group.id": KAFKA_GROUP, "enable.auto.commit": False})
    try:
        got = c.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=15)
        return {tp.partition: tp.offset for tp in got if tp.offset >= 0}
    finally:
        c.close()


def _produce(s, stream_id, rnd, producer, acked, lock, stop):
    client = common.stream_client(s, timeout=(1, 5))
    seq = 0
    while not stop.is_set():
        values = [f"r{rnd}-p{producer}-{seq + i}" for i in range(BATCH)]
        details = Models.PutMessagesDetails(
            messages=[
                Models.PutMessagesDetailsEntry(
                    key=b64(f"p{producer}-k{(seq + i) % 5}"), value=b64(v)
                )
                for i, v in enumerate(values)
            ]
        )
        try:
            result = client.put_messages(stream_id, details).data
        except Exception:  # noqa: BLE001 - the server died: this batch is unacknowledged
            return
        with lock:
            for v, e in zip(values, result.entries, strict=True):
                if e.error is None:
                    acked[v] = (int(e.partition), e.offset)
        seq += BATCH


def _consume(s, stream_id, instance, delivered, lock, stop, counts):
    client = common.stream_client(s, timeout=(1, 5))
    try:
        cursor = client.create_group_cursor(
            stream_id,
            Models.CreateGroupCursorDetails(
                group_name=GROUP,
                instance_name=instance,
                type="TRIM_HORIZON",
                commit_on_get=True,
                timeout_in_ms=600_000,
            ),
        ).data.value
        n = 0
        while not stop.is_set():
            resp = client.get_messages(stream_id, cursor, limit=200)
            with lock:
                for m in resp.data:
                    p = int(m.partition)
                    delivered[p] = max(delivered.get(p, -1), m.offset)
                counts["delivered"] += len(resp.data)
            cursor = resp.headers["opc-next-cursor"]
            n += 1
            if n % 4 == 0:
                cursor = client.consumer_commit(stream_id, cursor).data.value
                with lock:
                    counts["explicit_commits"] += 1
            if not resp.data:
                time.sleep(0.02)
    except Exception:  # noqa: BLE001 - the server died mid-call
        return


def _monitor(s, stream_id, seen, lock, stop):
    client = common.stream_client(s, timeout=(1, 5))
    while not stop.is_set():
        try:
            group = client.get_group(stream_id, GROUP).data
        except Exception:  # noqa: BLE001 - not created yet, or the server died
            time.sleep(0.05)
            continue
        with lock:
            for r in group.reservations or []:
                p = int(r.partition)
                seen[p] = max(seen.get(p, -1), r.committed_offset)
        time.sleep(0.05)


def run(n: int = 10, seed: int = 1, workdir=None) -> Result:
    res = Result("crash_loop")
    rng = random.Random(seed)
    t0 = time.monotonic()
    acked: dict[str, tuple[int, int]] = {}
    delivered: dict[int, int] = {}
    seen_committed: dict[int, int] = {}
    kafka_delivered: dict[int, int] = {}  # the highest offset the Kafka group received
    kafka_committed: dict[int, int] = {}  # the highest commit the listener acknowledged
    lock = threading.Lock()
    per_kill = []
    with common.workdir(workdir) as wd:
        data = wd / "crash"
        args = ("--no-limits", "--kafka-port", str(_free_port()))
        s = common.process.start(data, *args)
        try:
            stream = common.create_stream(s, "crash-loop", PARTITIONS)
        finally:
            s.stop()
        for rnd in range(n):
            s = common.process.start(data, *args)
            try:
                stop = threading.Event()
                ready = threading.Event()
                counts = Counter()
                before = len(acked)
                conf = _kafka_conf(s)
                threads = [
                    threading.Thread(
                        target=_produce, args=(s, stream.id, rnd, i, acked, lock, stop), daemon=True
                    )
                    for i in range(PRODUCERS)
                ]
                threads += [
                    threading.Thread(
                        target=_consume,
                        args=(s, stream.id, f"c{i}", delivered, lock, stop, counts),
                        daemon=True,
                    )
                    for i in range(CONSUMERS)
                ]
                threads.append(
                    threading.Thread(
                        target=_monitor,
                        args=(s, stream.id, seen_committed, lock, stop),
                        daemon=True,
                    )
                )
                threads.append(
                    threading.Thread(
                        target=_kafka_produce,
                        args=(conf, stream.name, rnd, acked, lock, stop, counts),
                        daemon=True,
                    )
                )
                # A Kafka consumer's close() leaves its group and waits for the coordinator;
                # the listener keeps its port across restarts, so that completes once the
                # server is back (joined after the restart, below).
                members = [
                    threading.Thread(
                        target=_kafka_consume,
                        args=(
                            conf,
                            stream.name,
                            i,
                            kafka_delivered,
                            kafka_committed,
                            lock,
                            stop,
                            counts,
                            ready,
                        ),
                        daemon=True,
                    )
                    for i in range(KAFKA_CONSUMERS)
                ]
                for t in threads + members:
                    t.start()
                if not ready.wait(KAFKA_WAIT_S):
                    res.fail(
                        f"round {rnd + 1}: the Kafka group received nothing in {KAFKA_WAIT_S} s"
                    )
                time.sleep(rng.uniform(0.4, 1.4))
                s.kill()  # SIGKILL with every thread mid-traffic
                stop.set()
                for t in threads:
                    t.join(15)
                    if t.is_alive():
                        res.fail(f"round {rnd + 1}: a client thread did not stop after the kill")
            finally:
                s.stop()
            with lock:
                committed_before = dict(seen_committed)
                acked_round = len(acked) - before
            # Restart and verify everything acknowledged so far.
            s = common.process.start(data, *args)
            try:
                for t in members:
                    t.join(30)
                    if t.is_alive():
                        res.fail(f"round {rnd + 1}: a Kafka member did not close after the restart")
                client = common.stream_client(s)
                stored_at: dict[tuple[int, int], bytes] = {}
                values = Counter()
                for p in range(PARTITIONS):
                    msgs = common.read_partition(client, stream.id, p)
                    offs = [o for o, _, _ in msgs]
                    if any(b <= a for a, b in zip(offs, offs[1:], strict=False)):
                        res.fail(f"kill {rnd + 1}: partition {p} offsets not strictly increasing")
                    for o, _, v in msgs:
                        stored_at[(p, o)] = v
                        values[v] += 1
                lost = [v for v, (p, o) in acked.items() if stored_at.get((p, o)) != v.encode()]
                dupes = [v for v, c in values.items() if c > 1]
                for v in lost[:5]:
                    res.fail(f"kill {rnd + 1}: acknowledged {v} at {acked[v]} missing or different")
                for v in dupes[:5]:
                    res.fail(f"kill {rnd + 1}: {v!r} stored {values[v]} times")
                group = client.get_group(stream.id, GROUP).data if committed_before else None
                committed_after = (
                    {int(r.partition): r.committed_offset for r in group.reservations}
                    if group
                    else {}
                )
                for p, c in committed_before.items():
                    if committed_after.get(p, -1) < c:
                        res.fail(
                            f"kill {rnd + 1}: partition {p} committed offset went back {c} -> {committed_after.get(p)}"
                        )
                for p, c in committed_after.items():
                    if c > delivered.get(p, -1):
                        res.fail(
                            f"kill {rnd + 1}: partition {p} committed {c} beyond anything delivered ({delivered.get(p)})"
                        )
                with lock:
                    for p, c in committed_after.items():
                        seen_committed[p] = max(seen_committed.get(p, -1), c)
                    kafka_before = dict(kafka_committed)
                kafka_after = _kafka_committed(_kafka_conf(s), stream.name)
                for p, c in kafka_before.items():
                    if kafka_after.get(p, -1) < c:
                        res.fail(
                            f"kill {rnd + 1}: Kafka commit lost, partition {p}: {c} acknowledged, "
                            f"{kafka_after.get(p)} after the restart"
                        )
                for p, c in kafka_after.items():
                    if c > kafka_delivered.get(p, -1) + 1:
                        res.fail(
                            f"kill {rnd + 1}: partition {p} Kafka commit {c} beyond the next offset "
                            f"ever delivered ({kafka_delivered.get(p, -1) + 1})"
                        )
                with lock:
                    for p, c in kafka_after.items():
                        kafka_committed[p] = max(kafka_committed.get(p, -1), c)
                per_kill.append(
                    {
                        "kill": rnd + 1,
                        "acked_this_round": acked_round,
                        "acked_total": len(acked),
                        "stored_total": len(values),
                        "stored_unacked": len(values) - (len(acked) - len(lost)),
                        "lost": len(lost),
                        "duplicates": len(dupes),
                        "delivered_to_group": counts["delivered"],
                        "explicit_commits": counts["explicit_commits"],
                        "committed": [committed_after.get(p, -1) for p in range(PARTITIONS)],
                        "kafka_acked": counts["kafka_acked"],
                        "kafka_delivered": counts["kafka_delivered"],
                        "kafka_commits": counts["kafka_commits"],
                        "kafka_committed": [kafka_after.get(p, -1) for p in range(PARTITIONS)],
                    }
                )
            finally:
                s.stop()
    res.figures.update(
        {
            "kills": n,
            "producers": PRODUCERS,
            "consumers": CONSUMERS,
            "kafka_producers": 1,
            "kafka_consumers": KAFKA_CONSUMERS,
            "kafka_acknowledged": sum(k["kafka_acked"] for k in per_kill),
            "kafka_commits": sum(k["kafka_commits"] for k in per_kill),
            "kafka_commits_lost": sum("Kafka commit lost" in v for v in res.violations),
            "partitions": PARTITIONS,
            "acknowledged": len(acked),
            "lost": sum(k["lost"] for k in per_kill),
            "duplicates": sum(k["duplicates"] for k in per_kill),
            "committed_went_back": sum("went back" in v for v in res.violations),
            "per_kill": per_kill,
        }
    )
    if n and not acked:
        res.fail("nothing was acknowledged: the producers never got going")
    if n and not res.figures["kafka_acknowledged"]:
        res.fail("no Kafka produce was acknowledged: the Kafka producer never got going")
    res.seconds = time.monotonic() - t0
    return res
