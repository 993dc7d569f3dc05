"""localoci beside a peer emulator: kinesalite (the Kinesis emulator), the same work on both.

kinesalite is installed with npm into a cache folder (``$XDG_CACHE_HOME/oci-streaming-lab``,
else ``~/.cache/oci-streaming-lab``) and started in memory on 127.0.0.1; boto3 drives it.
localoci runs with limits off and signatures checked; the oci SDK drives it.  Each round, on a
fresh stream and shard: 20,000 records of 1 KB of random bytes in batches of 500 on one
partition/shard, then read back from the start with the largest limit each allows (10,000
for both), every value decoded.  A and B alternate; the figure is the median of the
per-round ratios.  Server CPU seconds come from ``/proc/<pid>/stat`` of each server process.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

KINESALITE = "kinesalite@3.3.3"


class Skip(Exception):
    """The peer cannot run here; the message says why and how to get it."""


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "oci-streaming-lab"


def install_kinesalite() -> Path:
    """kinesalite's package folder, installed with npm on first use."""
    try:
        import boto3  # noqa: F401  (the Kinesis client that drives kinesalite)
    except ImportError:
        raise Skip(
            "boto3 drives kinesalite: install the bench extra (pip install -e '.[bench]')"
        ) from None
    if not shutil.which("node") or not shutil.which("npm"):
        raise Skip(
            "node and npm are needed for the kinesalite comparison (apt-get install nodejs npm)"
        )
    prefix = cache_dir() / "kinesalite"
    package = prefix / "node_modules" / "kinesalite"
    if not (package / "index.js").exists():
        prefix.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                KINESALITE,
            ],
            capture_output=True,
            text=True,
        )
        if out.returncode or not (package / "index.js").exists():
            raise Skip(f"npm could not install {KINESALITE}: {out.stderr.strip()[-400:]}")
    return package


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Kinesalite:
    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_kinesalite() -> Kinesalite:
    package = install_kinesalite()
    port = _free_port()
    script = (
        f"require({str(package)!r})({{createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, "
        f"shardLimit: 1000}}).listen({port}, '127.0.0.1', () => console.log('listening'))"
    )
    proc = subprocess.Popen(
        ["node", "-e", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    line = proc.stdout.readline()
    if "listening" not in line:
        proc.kill()
        raise Skip(f"kinesalite did not start: {line.strip()}")
    return Kinesalite(f"http://127.0.0.1:{port}", proc)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def kinesis_round(url: str, name: str, payloads: list[bytes], batch: int) -> tuple[float, float]:
    import boto3
    from botocore.config import Config

    k = boto3.client(
        "kinesis",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(retries={"max_attempts": 0}),
    )
    k.create_stream(StreamName=name, ShardCount=1)
    while k.describe_stream(StreamName=name)["StreamDescription"]["StreamStatus"] != "ACTIVE":
        time.sleep(0.01)
    t0 = time.perf_counter()
    for i in range(0, len(payloads), batch):
        out = k.put_records(
            StreamName=name,
            Records=[{"Data": d, "PartitionKey": "key"} for d in payloads[i : i + batch]],
        )
        assert out["FailedRecordCount"] == 0, out
    write = time.perf_counter() - t0
    shard = k.describe_stream(StreamName=name)["StreamDescription"]["Shards"][0]["ShardId"]
    it = k.get_shard_iterator(StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    got, size = 0, 0
    t0 = time.perf_counter()
    while got < len(payloads):
        out = k.get_records(ShardIterator=it, Limit=10_000)
        size += sum(len(r["Data"]) for r in out["Records"])  # boto3 has decoded the base64
        got += len(out["Records"])
        it = out["NextShardIterator"]
    read = time.perf_counter() - t0
    assert size == sum(map(len, payloads))
    k.delete_stream(StreamName=name)
    return write, read


def streaming_round(server, name: str, payloads: list[bytes], batch: int) -> tuple[float, float]:
    import oci

    from .common import _client, _stream

    stream = _stream(server, name=name)
    client = _client(server)
    m = oci.streaming.models
    key = base64.b64encode(b"key").decode()
    t0 = time.perf_counter()
    for i in range(0, len(payloads), batch):
        out = client.put_messages(
            stream.id,
            m.PutMessagesDetails(
                messages=[
                    m.PutMessagesDetailsEntry(key=key, value=base64.b64encode(d).decode())
                    for d in payloads[i : i + batch]
                ]
            ),
        )
        assert out.data.failures == 0
    write = time.perf_counter() - t0
    cursor = client.create_cursor(
        stream.id, m.CreateCursorDetails(partition="0", type="TRIM_HORIZON")
    ).data.value
    got, size = 0, 0
    t0 = time.perf_counter()
    while got < len(payloads):
        out = client.get_messages(stream.id, cursor, limit=10_000)
        size += sum(len(base64.b64decode(msg.value)) for msg in out.data)
        got += len(out.data)
        cursor = out.headers["opc-next-cursor"]
    read = time.perf_counter() - t0
    assert size == sum(map(len, payloads))
    oci.streaming.StreamAdminClient(
        server_config(server), service_endpoint=server.url
    ).delete_stream(stream.id)
    return write, read


def server_config(server) -> dict:
    import oci

    return oci.config.from_file(server.config_file, server.profile)


@dataclass
class PeerFigures:
    write_ratio: float
    read_ratio: float
    cpu_ratio: float
    rounds: list[str]


def compare(server, total: int = 20_000, batch: int = 500, rounds: int = 5) -> PeerFigures:
    """Alternate kinesalite and localoci for ``rounds`` rounds; medians of per-round ratios."""
    kin = start_kinesalite()
    lines, writes, reads, cpus = [], [], [], []
    try:
        for r in range(rounds):
            payloads = [os.urandom(1000) for _ in range(total)]
            order = [("kinesalite", kin.proc.pid), ("localoci", server.proc.pid)]
            if r % 2:
                order.reverse()
            times: dict[str, tuple[float, float, float]] = {}
            for who, pid in order:
                c0 = cpu_seconds(pid)
                if who == "kinesalite":
                    w, rd = kinesis_round(kin.url, f"bench-{r}", payloads, batch)
                else:
                    w, rd = streaming_round(server, f"bench-peer-{r}", payloads, batch)
                times[who] = (w, rd, cpu_seconds(pid) - c0)
            (kw, kr, kc), (lw, lr, lc) = times["kinesalite"], times["localoci"]
            writes.append(kw / lw)
            reads.append(kr / lr)
            cpus.append(lc / kc if kc else float("inf"))
            lines.append(
                f"round {r + 1}: write {total / lw:,.0f} vs {total / kw:,.0f} msg/s ({kw / lw:.2f}x), "
                f"read {total / lr:,.0f} vs {total / kr:,.0f} msg/s ({kr / lr:.2f}x), "
                f"server CPU {lc:.2f} s vs {kc:.2f} s"
            )
    finally:
        kin.stop()
    return PeerFigures(
        statistics.median(writes), statistics.median(reads), statistics.median(cpus), lines
    )
