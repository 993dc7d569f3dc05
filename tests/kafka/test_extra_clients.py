"""aiokafka, kcat (librdkafka 2.0) and kafkajs produce and consume in a group, over both
transports, given only the settings ``kafka-config`` will print.  Marked ``kafka_extra``;
each skips with the reason when its tool is missing.  kafkajs is looked for in
``$KAFKAJS_NODE_PATH`` or ``~/.cache/localoci-kafkajs/node_modules``
(``npm install --prefix ~/.cache/localoci-kafkajs kafkajs@2.2.4``)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import KafkaServer

pytestmark = pytest.mark.kafka_extra
HERE = Path(__file__).parent
KAFKAJS = Path(
    os.environ.get(
        "KAFKAJS_NODE_PATH", Path.home() / ".cache" / "localoci-kafkajs" / "node_modules"
    )
)


def properties(server: KafkaServer, path: Path) -> Path:
    """librdkafka settings as ``key=value`` lines (a kcat ``-F`` file)."""
    conf = server.confluent()
    path.write_text("".join(f"{k}={v}\n" for k, v in conf.items()))
    return path


def test_aiokafka_produces_and_consumes_in_a_group(server):
    aiokafka = pytest.importorskip("aiokafka")
    from aiokafka.helpers import create_ssl_context

    sid = server.add_stream("aio", 2)
    kw = dict(
        bootstrap_servers=server.bootstrap,
        security_protocol=server.protocol,
        sasl_mechanism="PLAIN",
        sasl_plain_username=server.username,
        sasl_plain_password=server.confluent()["sasl.password"],
    )
    if server.tls:
        kw["ssl_context"] = create_ssl_context(cafile=str(server.tls.ca_file))

    async def go() -> list:
        p = aiokafka.AIOKafkaProducer(**kw)
        await p.start()
        try:
            for i in range(6):
                await p.send_and_wait(
                    "aio", key=b"k%d" % i, value=b"v%d" % i, headers=[("via", b"aiokafka")]
                )
        finally:
            await p.stop()
        c = aiokafka.AIOKafkaConsumer(
            "aio",
            group_id="aio-group",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            **kw,
        )
        await c.start()
        got = []
        try:
            async with asyncio.timeout(20):
                while len(got) < 6:
                    for records in (await c.getmany(timeout_ms=300)).values():
                        got.extend(records)
            await c.commit()
        finally:
            await c.stop()
        return got

    got = asyncio.run(go())
    assert sorted((r.key, r.value, list(r.headers)) for r in got) == [
        (b"k%d" % i, b"v%d" % i, [("via", b"aiokafka")]) for i in range(6)
    ]
    committed = server.call(
        server.backend.committed_offsets, server.backend_principal(), "aio-group"
    )
    assert sum(c.offset for sp, c in committed.items() if sp.stream_id == sid) == 6


def test_kcat_produces_and_consumes_in_a_group(server, tmp_path):
    kcat = shutil.which("kcat") or shutil.which("kafkacat")
    if not kcat:
        pytest.skip("kcat is not installed (Debian: apt-get install kcat)")
    server.add_stream("kc", 2)
    conf = properties(server, tmp_path / "kcat.properties")
    lines = "".join(f"k{i}:v{i}\n" for i in range(6))
    subprocess.run(
        [kcat, "-F", str(conf), "-P", "-t", "kc", "-K:"],
        input=lines.encode(),
        check=True,
        timeout=30,
        capture_output=True,
    )
    out = subprocess.run(
        [
            kcat,
            "-F",
            str(conf),
            "-G",
            "kc-group",
            "-o",
            "beginning",
            "-c",
            "6",
            "-f",
            "%k=%s@%p:%o\\n",
            "kc",
        ],
        check=True,
        timeout=60,
        capture_output=True,
    ).stdout.decode()
    assert sorted(line.split("@")[0] for line in out.splitlines()) == [
        f"k{i}=v{i}" for i in range(6)
    ]
    listing = subprocess.run(
        [kcat, "-F", str(conf), "-L", "-J"], check=True, timeout=30, capture_output=True
    ).stdout
    md = json.loads(listing)
    assert [t["topic"] for t in md["topics"]] == ["kc"]
    assert md["brokers"][0]["name"] == server.bootstrap


def test_kafkajs_produces_and_consumes_in_a_group(server):
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    if not (KAFKAJS / "kafkajs").is_dir():
        pytest.skip(
            f"kafkajs is not installed in {KAFKAJS} "
            "(npm install --prefix ~/.cache/localoci-kafkajs kafkajs@2.2.4)"
        )
    server.add_stream("kjs", 2)
    env = {
        **os.environ,
        "NODE_PATH": str(KAFKAJS),
        "KAFKA_BOOTSTRAP": server.bootstrap,
        "KAFKA_USERNAME": server.username,
        "KAFKA_PASSWORD": server.confluent()["sasl.password"],
        "KAFKA_TOPIC": "kjs",
        "KAFKA_GROUP": "kjs-group",
    }
    if server.tls:
        env["KAFKA_CA"] = str(server.tls.ca_file)
    run = subprocess.run(
        [node, str(HERE / "clients" / "kafkajs_roundtrip.js")],
        env=env,
        timeout=60,
        capture_output=True,
    )
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    result = json.loads(run.stdout.decode().strip().splitlines()[-1])
    assert result["sent"] >= 1
    assert sorted((m["key"], m["value"], m["header"]) for m in result["got"]) == [
        (f"k{i}", f"v{i}", "kafkajs") for i in range(5)
    ]
