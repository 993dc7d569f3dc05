"""The Kafka side of the fuzz check: hostile bytes on the Kafka listener of a real localoci
process (SASL_PLAINTEXT, so the cases reach the Kafka codec rather than the TLS layer).

Cases: random garbage, truncated frames, a 2 GB length prefix, unknown API keys, unsupported
versions, SASL steps out of order, requests before authentication, and a thousand idle
connections held open at once.  The promise: each gets a clean error answer or a close (never
an answer that is not a frame, never a hang once a whole frame was sent), the server stays up
and still serves a real client, server.log has no traceback and does not flood (the listener
rate-limits its warnings per kind).  Run by ``reliability.fuzz.run`` on its own server."""

from __future__ import annotations

import random
import socket
import struct
import time
from collections import Counter

from . import common

ANSWER_TIMEOUT_S = 3.0  # the listener closes a refused connection after 0.5 s
IDLE_CONNECTIONS = 1000
MAX_LOG_LINES = 400
MAX_FRAME = 8 * 1024 * 1024  # ListenerLimits.max_frame_bytes


def _frame(api_key: int, version: int, corr: int, body: bytes = b"", client: bytes = b"fz"):
    head = struct.pack(">hhih", api_key, version, corr, len(client)) + client
    payload = head + body
    return struct.pack(">i", len(payload)) + payload


def _outcome(sock: socket.socket) -> str:
    """ "answered" (a well-formed frame came back), "closed", "bad answer" or "hung"."""
    sock.settimeout(ANSWER_TIMEOUT_S)
    buf = b""
    deadline = time.monotonic() + ANSWER_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        else:
            if not buf:
                return "hung"
    except (ConnectionResetError, BrokenPipeError):
        pass
    except TimeoutError:
        if not buf:
            return "hung"
    if not buf:
        return "closed"
    (size,) = struct.unpack(">i", buf[:4]) if len(buf) >= 4 else (-1,)
    return "answered" if 0 <= size <= len(buf) - 4 else "bad answer"


def _cases(rng: random.Random, n: int):
    """``(kind, bytes, whole)``: ``whole`` when the bytes hold a complete frame (an answer or
    a close is due); otherwise the server may wait for the rest (its frame timeout)."""
    fixed = [
        ("2 GB length prefix", struct.pack(">i", 2**31 - 1) + b"\0" * 64, True),
        ("negative length prefix", struct.pack(">i", -5) + b"\0" * 8, True),
        ("unknown API key", _frame(9999, 0, 1), True),
        ("unknown API key (InitProducerId)", _frame(22, 1, 1, b"\0" * 16), True),
        ("ApiVersions v99", _frame(18, 99, 1), True),
        ("Metadata v99 before auth", _frame(3, 99, 1), True),
        ("Metadata before SASL", _frame(3, 1, 1, b"\xff\xff\xff\xff"), True),
        ("SaslAuthenticate before handshake", _frame(36, 1, 1, b"\0\0\0\x05\0a\0b"), True),
        ("SaslHandshake unknown mechanism", _frame(17, 1, 1, b"\0\x05GSSAP"), True),
        ("SaslHandshake twice", _frame(17, 1, 1, b"\0\x05PLAIN") * 2, True),
        ("empty frame", struct.pack(">i", 0), True),
        ("frame shorter than a header", struct.pack(">i", 3) + b"\0\x12\0", True),
    ]
    for i in range(n):
        if i < len(fixed):
            yield fixed[i]
            continue
        r = rng.random()
        if r < 0.35:
            data = rng.randbytes(rng.randint(1, 300))
            size = struct.unpack(">i", data[:4])[0] if len(data) >= 4 else 0
            # a whole frame, or a size the listener refuses at once (negative, over 8 MiB)
            whole = len(data) >= 4 and (size < 0 or size > MAX_FRAME or size <= len(data) - 4)
            yield ("garbage", data, whole)
        elif r < 0.6:
            full = _frame(rng.choice((18, 17, 3, 0, 1)), rng.randint(0, 12), i, rng.randbytes(40))
            yield ("truncated frame", full[: rng.randint(1, len(full) - 1)], False)
        elif r < 0.8:
            key, ver = rng.randint(-5, 200), rng.randint(-3, 120)
            yield (
                "random API key/version",
                _frame(key, ver, i, rng.randbytes(rng.randint(0, 60))),
                True,
            )
        else:
            body = rng.randbytes(rng.randint(0, 80))
            yield (
                "valid header, random body",
                _frame(rng.choice((18, 17, 36)), rng.randint(0, 3), i, body),
                True,
            )


def run_cases(res: common.Result, port: int, n: int, seed: int) -> Counter:
    """Send ``n`` hostile cases to ``port``; count outcomes per kind; report violations."""
    rng = random.Random(f"kafka-{seed}")
    counts: Counter = Counter()
    for i, (kind, data, whole) in enumerate(_cases(rng, n)):
        with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT_S) as sock:
            try:
                sock.sendall(data)
            except (ConnectionResetError, BrokenPipeError):
                counts[f"{kind}: closed"] += 1
                continue
            if not whole:
                counts[f"{kind}: left for the frame timeout"] += 1
                continue
            out = _outcome(sock)
            counts[f"{kind}: {out}"] += 1
            if out in ("hung", "bad answer"):
                res.fail(f"kafka case {i} ({kind}, {data[:24].hex()}...): {out}")
    return counts


def idle_connections(res: common.Result, port: int, n: int = IDLE_CONNECTIONS) -> int:
    """Hold ``n`` connections open without a byte; the listener must still serve a new one."""
    socks = []
    try:
        for _ in range(n):
            socks.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        with socket.create_connection(("127.0.0.1", port), timeout=5) as probe:
            probe.sendall(_frame(18, 0, 7))
            if _outcome(probe) != "answered":
                res.fail(f"with {n} idle connections open, ApiVersions got no answer")
    finally:
        for s in socks:
            s.close()
    return len(socks)


def real_client_works(data_dir) -> bool:
    from confluent_kafka import Consumer, Producer
    from confluent_kafka.admin import AdminClient, NewTopic

    from localoci.kafka_config import settings

    conf = settings(data_dir)
    admin = AdminClient(conf)  # kept: its futures fail once it is collected
    for future in admin.create_topics([NewTopic("after-fuzz", 1)]).values():
        future.result(15)  # CreateTopics makes a stream in the pool
    p = Producer(conf)
    delivered: list = []
    p.produce("after-fuzz", b"still here", on_delivery=lambda e, m: delivered.append(e))
    p.flush(15)
    if not delivered or delivered[0] is not None:
        return False
    c = Consumer({**conf, "group.id": "after-fuzz", "auto.offset.reset": "earliest"})
    c.subscribe(["after-fuzz"])
    deadline = time.monotonic() + 15
    try:
        while time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is not None and not m.error():
                return m.value() == b"still here"
        return False
    finally:
        c.close()


def check(res: common.Result, n: int, seed: int, workdir) -> None:
    """Start a Kafka-enabled server and run every Kafka case on it; add figures to ``res``."""
    with common.workdir(workdir) as wd, common.server(wd / "kafka-fuzz", "--kafka-plaintext") as s:
        from localoci.kafka_config import settings

        port = int(settings(s.data_dir)["bootstrap.servers"].rsplit(":", 1)[1])
        t0 = time.monotonic()
        counts = run_cases(res, port, n, seed)
        idle = idle_connections(res, port)
        health = common.unsigned(s, "GET", "/_localoci/health")
        alive = s.proc.poll() is None and health.get("status") == "ok"
        works = alive and real_client_works(s.data_dir)
        log = (s.data_dir / "server.log").read_text(errors="replace")
        kafka_lines = sum(1 for line in log.splitlines() if "kafka" in line.lower())
        if not alive:
            res.fail("the server is not alive after the Kafka cases")
        elif not works:
            res.fail("a confluent-kafka producer and consumer no longer work after the cases")
        if "Traceback" in log:
            res.fail("server.log has a traceback: " + log[log.index("Traceback") :][:600])
        if kafka_lines > MAX_LOG_LINES:
            res.fail(f"server.log has {kafka_lines} Kafka lines after {n} cases (flooding)")
        res.figures.update(
            {
                "kafka_cases": sum(counts.values()),
                "kafka_outcomes": dict(sorted(counts.items())),
                "kafka_idle_connections_held": idle,
                "kafka_server_alive_after": alive,
                "kafka_real_client_after": works,
                "kafka_log_lines": kafka_lines,
                "kafka_seconds": round(time.monotonic() - t0, 1),
            }
        )
