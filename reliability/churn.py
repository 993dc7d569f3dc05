"""churn: consumer-group instances join, leave and time out while a producer publishes.

A seeded driver runs one group over a 4-partition stream.  Each step every live instance reads
(commit-on-get), and now and then: a new instance joins (timeout 20 s or 1 h on localoci's
clock), an instance leaves (just stops calling, as a killed kernel does), an explicit commit
or heartbeat, or the lab clock jumps 25 s (``POST /_localoci/clock``) so every 20-s instance
times out.  Membership changes (join, leave-then-timeout, timeout) split the run into epochs.

Checked:

* never two live instances at once for one partition: within an epoch (constant
  membership) each partition's messages go to at most one instance, and each delivery comes
  from a partition that GetGroup says the reader holds (sampled);
* every acknowledged message is delivered to the group at least once: at the end the clock
  jumps an hour (everyone times out) and a fresh instance drains from the committed offsets.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict

from . import common
from .common import Models, Result, b64, unb64

PARTITIONS = 4
GROUP = "churn"
SHORT_MS, LONG_MS = 20_000, 3_600_000
JUMP_S = 25
MARGIN_MS = 2_000


def _produce(s, stream_id, acked, lock, stop):
    client = common.stream_client(s)
    seq = 0
    while not stop.is_set():
        values = [f"m{seq + i}" for i in range(5)]
        try:
            res = client.put_messages(
                stream_id,
                Models.PutMessagesDetails(
                    messages=[
                        Models.PutMessagesDetailsEntry(key=b64(f"k{(seq + i) % 7}"), value=b64(v))
                        for i, v in enumerate(values)
                    ]
                ),
            ).data
        except Exception:  # noqa: BLE001 - count only acknowledged messages
            time.sleep(0.05)
            continue
        with lock:
            for v, e in zip(values, res.entries, strict=True):
                if e.error is None:
                    acked.add(v)
        seq += 5
        time.sleep(0.01)


def run(n: int = 600, seed: int = 1, workdir=None) -> Result:
    """``n``: driver steps."""
    res = Result("churn")
    rng = random.Random(seed)
    t0 = time.monotonic()
    acked: set[str] = set()
    lock = threading.Lock()
    delivered = Counter()
    figures = Counter()
    receivers: dict[tuple[int, int], set[str]] = defaultdict(set)
    owner_seen: dict[int, str] = {}
    with common.workdir(workdir) as wd, common.server(wd / "churn", "--no-limits") as s:
        stream = common.create_stream(s, "churn", PARTITIONS)
        client = common.stream_client(s)
        stop = threading.Event()
        producer = threading.Thread(
            target=_produce, args=(s, stream.id, acked, lock, stop), daemon=True
        )
        producer.start()
        offset_ms = 0
        epoch = 0
        inst: dict[
            str, dict
        ] = {}  # name -> {cursor, timeout, state: live|left|dead, touched (clock ms)}
        k = 0

        def clock_ms() -> int:
            return int(time.time() * 1000) + offset_ms

        def join(timeout_ms: int) -> None:
            nonlocal k, epoch
            name = f"i{k}"
            k += 1
            cur = client.create_group_cursor(
                stream.id,
                Models.CreateGroupCursorDetails(
                    group_name=GROUP,
                    instance_name=name,
                    type="TRIM_HORIZON",
                    commit_on_get=True,
                    timeout_in_ms=timeout_ms,
                ),
            ).data.value
            inst[name] = {
                "cursor": cur,
                "timeout": timeout_ms,
                "state": "live",
                "touched": clock_ms(),
            }
            epoch += 1
            figures["joins"] += 1

        def read(name: str, check: bool) -> None:
            i = inst[name]
            resp = client.get_messages(stream.id, i["cursor"], limit=40)
            i["cursor"] = resp.headers["opc-next-cursor"]
            i["touched"] = clock_ms()
            figures["reads"] += 1
            parts = set()
            for m in resp.data:
                p = int(m.partition)
                parts.add(p)
                delivered[unb64(m.value).decode()] += 1
            for p in parts:
                receivers[(epoch, p)].add(name)
                if len(receivers[(epoch, p)]) > 1:
                    res.fail(
                        f"epoch {epoch}: partition {p} delivered to {sorted(receivers[(epoch, p)])} at once"
                    )
                if owner_seen.get(p) not in (None, name):
                    figures["handoffs"] += 1
                owner_seen[p] = name
            if check and parts:
                group = client.get_group(stream.id, GROUP).data
                held = {int(r.partition) for r in group.reservations if r.reserved_instance == name}
                figures["reservation_checks"] += 1
                if not parts <= held:
                    res.fail(
                        f"{name} got partitions {sorted(parts - held)} that GetGroup says it does not hold"
                    )

        for _ in range(2):
            join(LONG_MS)
        for _step in range(n):
            # Left instances whose timeout has (nearly) passed are gone: a membership change.
            for i in inst.values():
                if i["state"] == "left" and clock_ms() > i["touched"] + i["timeout"] - MARGIN_MS:
                    i["state"] = "dead"
                    epoch += 1
                    figures["timed_out_after_leaving"] += 1
            live = [nm for nm, i in inst.items() if i["state"] == "live"]
            r = rng.random()
            if r < 0.06 and len(live) < 7:
                join(SHORT_MS if rng.random() < 0.6 else LONG_MS)
            elif r < 0.10 and live:
                name = rng.choice(live)
                if inst[name]["timeout"] == SHORT_MS or len(live) > 2:
                    inst[name]["state"] = "left"
                    figures["leaves"] += 1
            elif r < 0.13:
                # Jump the clock: every 20-s instance (live or left) times out.
                offset_ms = common.advance(s, JUMP_S)["offsetMs"]
                figures["clock_jumps"] += 1
                died = [
                    nm
                    for nm, i in inst.items()
                    if i["state"] != "dead" and i["timeout"] == SHORT_MS
                ]
                died += [
                    nm
                    for nm, i in inst.items()
                    if i["state"] == "left"
                    and nm not in died
                    and clock_ms() > i["touched"] + i["timeout"] - MARGIN_MS
                ]
                for nm in died:
                    inst[nm]["state"] = "dead"
                figures["timeouts"] += len(died)
                epoch += 1
            elif r < 0.18 and live:
                name = rng.choice(live)
                try:
                    inst[name]["cursor"] = client.consumer_commit(
                        stream.id, inst[name]["cursor"]
                    ).data.value
                    figures["explicit_commits"] += 1
                except Exception as exc:  # noqa: BLE001 - an unreserved partition is a legal 400
                    figures[f"commit refused ({getattr(exc, 'status', '?')})"] += 1
                inst[name]["touched"] = clock_ms()
            elif r < 0.22 and live:
                name = rng.choice(live)
                inst[name]["cursor"] = client.consumer_heartbeat(
                    stream.id, inst[name]["cursor"]
                ).data.value
                inst[name]["touched"] = clock_ms()
                figures["heartbeats"] += 1
            for name in [nm for nm, i in inst.items() if i["state"] == "live"]:
                read(name, check=rng.random() < 0.2)
            figures["max_live"] = max(
                figures["max_live"], sum(i["state"] == "live" for i in inst.values())
            )
        stop.set()
        producer.join(10)
        # Everyone times out; a fresh instance drains the group from its committed offsets.
        common.advance(s, 3700)
        epoch += 1
        join(LONG_MS)
        drainer = f"i{k - 1}"
        empty = 0
        while empty < 3:
            before = sum(delivered.values())
            read(drainer, check=False)
            empty = empty + 1 if sum(delivered.values()) == before else 0
        with lock:
            missing = acked - set(delivered)
        for v in sorted(missing)[:10]:
            res.fail(f"acknowledged {v} was never delivered to the group")
    res.figures.update(
        {
            "steps": n,
            "epochs": epoch,
            **dict(sorted(figures.items())),
            "acknowledged": len(acked),
            "delivered_unique": len(set(delivered)),
            "redelivered": sum(c - 1 for c in delivered.values() if c > 1),
            "never_delivered": len(missing),
            "two_live_instances_one_partition": sum("at once" in v for v in res.violations),
        }
    )
    res.seconds = time.monotonic() - t0
    return res
