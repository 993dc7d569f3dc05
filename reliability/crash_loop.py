"""crash_loop: SIGKILL localoci again and again while 4 producers and 2 group consumers run.

Each round: (re)start the server on the same data directory; 4 producer threads publish
batches (each value unique), 2 consumer threads read as instances of one consumer group
(commit-on-get plus an explicit ConsumerCommit every few reads), a monitor polls GetGroup;
after a random 0.4-1.4 s the server is SIGKILLed mid-traffic.  After each restart:

* every message acknowledged so far (in any round) is present exactly once, at the
  partition and offset it was acknowledged with;
* no value is stored twice; offsets strictly increase within each partition;
* no committed group offset is lower than one observed (GetGroup) before the kill, and none is
  beyond what was ever delivered to the group.
"""

from __future__ import annotations

import random
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
    lock = threading.Lock()
    per_kill = []
    with common.workdir(workdir) as wd:
        data = wd / "crash"
        s = common.process.start(data, "--no-limits")
        try:
            stream = common.create_stream(s, "crash-loop", PARTITIONS)
        finally:
            s.stop()
        for rnd in range(n):
            s = common.process.start(data, "--no-limits")
            try:
                stop = threading.Event()
                counts = Counter()
                before = len(acked)
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
                for t in threads:
                    t.start()
                time.sleep(rng.uniform(0.4, 1.4))
                s.kill()  # SIGKILL with every thread mid-traffic
                stop.set()
                for t in threads:
                    t.join(15)
            finally:
                s.stop()
            with lock:
                committed_before = dict(seen_committed)
                acked_round = len(acked) - before
            # Restart and verify everything acknowledged so far.
            s = common.process.start(data, "--no-limits")
            try:
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
                    }
                )
            finally:
                s.stop()
    res.figures.update(
        {
            "kills": n,
            "producers": PRODUCERS,
            "consumers": CONSUMERS,
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
    res.seconds = time.monotonic() - t0
    return res
