"""The lab's own benchmarks (the SDK's ceiling, labhelpers' publisher and consumer, frames,
start-up, the whole lab).  Each returns rows for the closing table; the storage figures are in
:mod:`bench.storage`."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time

import oci

from localoci import process

from .common import MIB, ROOT, Row, _client, _stream, _tmp

# -- 1. localoci versus the SDK's ceiling --------------------------------------------------------


def _sdk_put_get(
    client, stream_id: str, total: int, batch: int, get_limit: int, cursor_fn
) -> tuple[float, float]:
    value = base64.b64encode(b"x" * 1000).decode()
    entries = [oci.streaming.models.PutMessagesDetailsEntry(value=value) for _ in range(batch)]
    details = oci.streaming.models.PutMessagesDetails(messages=entries)
    t0 = time.perf_counter()
    for _ in range(total // batch):
        r = client.put_messages(stream_id, details)
        assert r.data.failures == 0
    t_put = time.perf_counter() - t0
    cursor = cursor_fn()
    got = 0
    t0 = time.perf_counter()
    while got < total:
        r = client.get_messages(stream_id, cursor, limit=min(get_limit, total - got))
        got += len(r.data)
        cursor = r.headers["opc-next-cursor"]
    t_get = time.perf_counter() - t0
    return t_put, t_get


def ceiling(quick: bool = False) -> list[Row]:
    total = 4000 if quick else 20_000
    batch, get_limit = 1000, 10_000
    server = process.start(_tmp("ceiling"), "--no-limits")
    port_file = _tmp("canned") / "port"
    canned = subprocess.Popen(
        [sys.executable, "-m", "bench.canned", str(port_file), str(batch), str(get_limit)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.02)
        time.sleep(0.3)
        canned_url = f"http://127.0.0.1:{port_file.read_text()}"
        stream = _stream(server)
        local = _client(server)
        fake = _client(server, endpoint=canned_url)

        best_local, best_canned = [1e9, 1e9], [1e9, 1e9]
        for round_ in range(5):
            # a fresh stream per round keeps localoci reading what this round wrote
            s = _stream(server, name=f"bench-{round_}") if round_ else stream

            def first_cursor(s=s):
                return local.create_cursor(
                    s.id,
                    oci.streaming.models.CreateCursorDetails(partition="0", type="TRIM_HORIZON"),
                ).data.value

            p, g = _sdk_put_get(local, s.id, total, batch, get_limit, first_cursor)
            best_local = [min(best_local[0], p), min(best_local[1], g)]
            p, g = _sdk_put_get(
                fake, "ocid1.stream.oc1..canned", total, batch, get_limit, lambda: "canned"
            )
            best_canned = [min(best_canned[0], p), min(best_canned[1], g)]
    finally:
        canned.terminate()
        canned.wait(5)
        server.stop()
    rows = []
    for i, op in enumerate(("put", "get")):
        ratio = best_canned[i] / best_local[i]
        rate = total / best_local[i]
        print(
            f"   {op}: localoci {best_local[i]:.3f} s ({rate:,.0f} msg/s), canned {best_canned[i]:.3f} s "
            f"-> {ratio:.2f} of the SDK's ceiling"
        )
        rows.append(
            Row(
                f"2. {op} {total:,} x 1 KB vs SDK ceiling",
                f"{rate:,.0f} msg/s",
                ratio,
                ">= 0.80",
                ratio >= 0.8,
            )
        )
    return rows


# -- 2. labhelpers' publisher against the write limit ------------------------------------------


def publisher(quick: bool = False) -> list[Row]:
    from labhelpers.publish import publish

    seconds = 4 if quick else 8
    rows = []
    server = process.start(_tmp("publisher"))
    try:
        for partitions in (1, 4):
            stream = _stream(server, partitions, name=f"pub-{partitions}")
            client = _client(server)
            # keys that cover every partition
            from localoci.ops.put_messages import partition_for

            keys, seen = [], set()
            i = 0
            while len(seen) < partitions:
                p = partition_for(f"k{i}".encode(), partitions)
                if p not in seen:
                    seen.add(p)
                    keys.append(f"k{i}")
                i += 1
            value = "v" * 1000
            # drain the initial one-second burst so the figure is the sustained rate
            publish(
                client, stream.id, [(k, value) for k in keys for _ in range(1100)], progress=False
            )
            n = int(seconds * MIB / 1003) * partitions
            msgs = [(keys[j % partitions], value) for j in range(n)]
            t0 = time.perf_counter()
            result = publish(client, stream.id, msgs, progress=False)
            elapsed = time.perf_counter() - t0
            per_partition = result.bytes / elapsed / partitions
            ratio = per_partition / MIB
            acked = {(a.partition, a.offset) for a in result.acks}
            ok = len(acked) == n and result.count == n
            print(
                f"   {partitions} partition(s): {result.bytes / MIB:.1f} MiB in {elapsed:.2f} s, "
                f"{per_partition / MIB:.3f} MiB/s per partition, {result.requests} requests, "
                f"{result.throttled_entries} throttled entries retried, all {n} acknowledged: {ok}"
            )
            rows.append(
                Row(
                    f"6. publisher, {partitions} partition(s)",
                    f"{per_partition / MIB:.3f} MiB/s/partition",
                    ratio,
                    ">= 0.95 of 1 MiB/s, none lost",
                    ratio >= 0.95 and ok,
                )
            )
    finally:
        server.stop()
    return rows


# -- 2b. notebook 06's throttling figures (moved here from tests/notebooks/test_05_06_data.py) -------


def throttle(quick: bool = False) -> list[Row]:
    """What notebook 06 says its charts show, measured: offering 2 MiB/s to one partition, the
    accepted rate while throttled is about 1 MiB/s (within 10 % backing off as told, within
    15 % resending at once), and the initial burst comes on top."""
    from labhelpers.throttle import offer_load

    seconds = 2 if quick else 3
    server = process.start(_tmp("throttle"))
    try:
        client = _client(server)
        polite_stream, naive_stream = (
            _stream(server, 1, name="polite"),
            _stream(server, 1, name="naive"),
        )
        polite = offer_load(client, polite_stream.id, offered_rate=2 * MIB, seconds=seconds)
        naive = offer_load(
            client, naive_stream.id, offered_rate=2 * MIB, seconds=seconds, backoff=False
        )
    finally:
        server.stop()
    rows = []
    for run, name, tolerance in (
        (polite, "backing off as told", 0.10),
        (naive, "resending at once", 0.15),
    ):
        rate = run.accepted_rate()
        ratio = rate / MIB
        offered = run.rates()["offered_mib_s"].iloc[1:seconds].mean()
        print(
            f"   {name}: {run.summary()}; offered {offered:.2f} MiB/s after the first second; "
            f"whole run {run.accepted_rate(while_throttled=False) / MIB:.2f} MiB/s (the burst on top)"
        )
        rows.append(
            Row(
                f"7. accepted while throttled, {name}",
                f"{rate / MIB:.3f} MiB/s",
                ratio,
                f"1 MiB/s +- {tolerance:.0%}",
                abs(ratio - 1) < tolerance,
            )
        )
    return rows


# -- 3. labhelpers' consumer against the read limit --------------------------------------------


def consumer(quick: bool = False) -> list[Row]:
    from labhelpers.consume import Consumer, create_cursor
    from labhelpers.encoding import raw

    backlog = 20_000 if quick else 100_000
    data = _tmp("consumer")
    server = process.start(data, "--no-limits")
    try:
        stream = _stream(server)
        client = _client(server)
        value = base64.b64encode(b'{"n": 1, "text": "a small json event"}').decode()
        entries = [oci.streaming.models.PutMessagesDetailsEntry(value=value) for _ in range(5000)]
        for _ in range(backlog // 5000):
            client.put_messages(
                stream.id, oci.streaming.models.PutMessagesDetails(messages=entries)
            )
    finally:
        server.stop()
    server = process.start(data)  # same data, limits on
    try:
        client = _client(server)
        # "The largest useful limit": 10,000 is the API's maximum, but a call is only useful up
        # to the size the client can fetch and decode within its 200 ms slot (5 calls/s).
        # Measure the per-call time of each candidate limit, once, off the clock.
        slot = 0.2
        per_call = {}
        for candidate in (1000, 2000, 5000, 10_000):
            cur = create_cursor(client, stream.id, "0", "TRIM_HORIZON")
            t0 = time.perf_counter()
            client.get_messages(stream.id, cur, limit=candidate)
            per_call[candidate] = time.perf_counter() - t0
            time.sleep(slot)
        useful = max([c for c, t in per_call.items() if t <= slot * 0.9] or [1000])
        print(
            "   per-call time by limit: "
            + ", ".join(f"{c:,}: {t * 1000:.0f} ms" for c, t in per_call.items())
            + f" -> largest useful limit {useful:,}"
        )
        time.sleep(1.0)  # let the limiter refill
        rows = []
        for limit in sorted({useful, 10_000}):
            passes = max(
                3, -(-30 * limit // backlog)
            )  # at least 30 calls, so the burst is a small part
            calls, got, throttled = 0, 0, 0
            stamps = []
            for _ in range(passes):
                c = Consumer(
                    client,
                    stream.id,
                    {"0": create_cursor(client, stream.id, "0", "TRIM_HORIZON")},
                    limit=limit,
                    deserializer=raw,
                    raw=True,
                )
                for batch in c.batches():
                    stamps.append(time.perf_counter())
                    got += len(batch)
                calls += c.calls
                throttled += c.throttled
            # the service allows a burst of 5 calls, then 5 per second: measure after the burst
            steady = stamps[5:]
            rate = (len(steady) - 1) * limit / (steady[-1] - steady[0])
            allowed = 5 * limit
            ratio = rate / allowed
            print(
                f"   limit {limit:,}: {got:,} messages in {calls} calls ({passes} passes over the {backlog:,} "
                f"backlog); steady {rate:,.0f} msg/s of {allowed:,} allowed; 429s absorbed, none raised: {throttled}"
            )
            label = "largest useful" if limit == useful else "API maximum"
            rows.append(
                Row(
                    f"8. consumer vs 5 GetMessages/s x {limit:,} ({label})",
                    f"{rate:,.0f} msg/s",
                    ratio,
                    ">= 0.95, no 429 to caller" if limit == useful else "report",
                    ratio >= 0.95 if limit == useful else None,
                )
            )
            time.sleep(1.0)
        return rows
    finally:
        server.stop()


# -- 4. messages to DataFrame ------------------------------------------------------------------


def frame(quick: bool = False) -> list[Row]:
    from datetime import UTC, datetime

    from labhelpers.frames import frame_from_sdk

    n = 20_000 if quick else 100_000
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    msgs = []
    for i in range(n):
        m = oci.streaming.models.Message()
        m.stream, m.partition, m.offset, m.timestamp = "s", str(i % 3), i, stamp
        m.key = base64.b64encode(f"key-{i % 10}".encode()).decode()
        m.value = base64.b64encode(
            json.dumps({"i": i, "t": "reading", "v": i * 0.5}).encode()
        ).decode()
        msgs.append(m)

    def bare():
        return [json.loads(base64.b64decode(m.value)) for m in msgs]

    def ours():
        return frame_from_sdk(msgs, value="json")

    best_bare = min(_time(bare) for _ in range(3))
    best_ours = min(_time(ours) for _ in range(3))
    ratio = best_bare / best_ours
    print(
        f"   {n:,} messages: bare base64+JSON loop {best_bare:.3f} s, DataFrame with every column "
        f"{best_ours:.3f} s -> {ratio:.2f}x the loop's speed"
    )
    return [
        Row(
            f"9. {n:,} messages to DataFrame vs bare loop",
            f"{best_ours:.3f} s",
            ratio,
            ">= 1.00 (no slower)",
            ratio >= 1.0,
        )
    ]


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# -- 5. start-up -------------------------------------------------------------------------------

STARTUP = r"""
import time, sys
t_import = time.perf_counter()
from labhelpers import connect, get_or_create_stream, publish, consume
t0 = time.perf_counter()
lab = connect()
stream = get_or_create_stream(lab, partitions=1)
client = lab.stream_client(stream.messages_endpoint)
publish(client, stream.id, ["first"])
first = next(iter(consume(client, stream.id, partitions="0")))
print(f"{time.perf_counter() - t0:.3f} {t0 - t_import:.3f} {first.value}")
"""


def startup(quick: bool = False) -> list[Row]:
    times = []
    for _ in range(1 if quick else 3):
        home = _tmp("startup")
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("LOCALOCI_URL", "LAB_TARGET", "LAB_STREAM")
        }
        env["LOCALOCI_HOME"] = str(home)
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True, cwd=ROOT
        )
        wall = time.perf_counter() - t0
        subprocess.run(
            [sys.executable, "-m", "localoci", "stop", "--data-dir", str(home)], capture_output=True
        )
        if out.returncode:
            print(out.stderr[-2000:])
            raise RuntimeError("start-up benchmark failed")
        inner, imports = (float(x) for x in out.stdout.split()[:2])
        times.append(inner)
        print(
            f"   connect() to first message read: {inner:.3f} s (before it: importing labhelpers "
            f"{imports:.2f} s; the whole process: {wall:.2f} s)"
        )
    best = min(times)
    return [
        Row("10. start-up: connect() to first message", f"{best:.2f} s", None, "< 2 s", best < 2.0)
    ]


# -- 6. the whole lab --------------------------------------------------------------------------


def lab(quick: bool = False) -> list[Row]:
    import nbformat
    from nbclient import NotebookClient

    notebooks = sorted((ROOT / "notebooks").glob("0*.ipynb"))
    if quick:
        notebooks = notebooks[:2]
    server = process.start(_tmp("lab"))
    env = {
        **os.environ,
        "LOCALOCI_URL": server.url,
        "LOCALOCI_HOME": str(server.data_dir),
        "LAB_TARGET": "local",
    }
    os.environ.update(env)
    per = {}
    try:

        def run(nb):
            t0 = time.perf_counter()
            NotebookClient(nb, timeout=600, kernel_name="python3").execute(
                cwd=str(ROOT / "notebooks"), env=env
            )
            return time.perf_counter() - t0

        empty = sum(
            run(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])) for _ in notebooks
        )
        for path in notebooks:
            per[path.name] = run(nbformat.read(path, as_version=4))
    finally:
        server.stop()
    total = sum(per.values())
    for name, t in per.items():
        print(f"   {name:<32} {t:6.1f} s")
    ratio = total / empty
    print(
        f"   total {total:.1f} s for {len(per)} notebooks; {len(per)} empty notebooks: {empty:.1f} s "
        f"-> {ratio:.1f}x the kernel start-up floor"
    )
    return [
        Row(
            f"11. whole lab ({len(per)} notebooks) vs empty notebooks",
            f"{total:.1f} s",
            ratio,
            "report (lower is better)",
            None,
        )
    ]


from . import storage  # noqa: E402 - the storage figures import this module's helpers' module


def kafka(quick: bool = False) -> list[Row]:
    """Kafka (confluent-kafka) produce and fetch against REST on one server: :mod:`bench.kafka`."""
    from .kafka import kafka as run

    return run(quick)


ALL = {
    "peer": storage.peer_figures,
    "ceiling": ceiling,
    "growth": storage.growth_figures,
    "fanout": storage.fanout_figures,
    "publisher": publisher,
    "throttle": throttle,
    "consumer": consumer,
    "frame": frame,
    "startup": startup,
    "kafka": kafka,
    "lab": lab,
}
