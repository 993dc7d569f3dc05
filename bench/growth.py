"""Cost as the stream grows: the same calls with 1, 10^5 and 10^6 messages of 1 KB retained in
one partition.

Each size gets a fresh localoci (limits off, signatures checked).  Half the messages are
written, the clock is moved 13 hours, the other half is written; then, each the median of
``REPEAT`` calls with the official SDK: GetMessages (limit 1) at the head, the middle and the
tail, CreateCursor AT_TIME (a time in the middle), and PutMessages of one 1 KB message.  Then
the clock moves 12 more hours, so the first half is past the 24 h retention: the time of that
sweep (it runs inside the clock call), and the server's resident memory while it holds the
whole stream (before the sweep).  Filling uses signed requests of 5,000 messages built once
(the figure is not about filling).
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

REPEAT = 15
FILL_BATCH = 5000


@dataclass
class SizeFigures:
    size: int
    ms: dict[str, float] = field(default_factory=dict)
    rss_mb: float = 0.0


def rss_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _fill(server, stream_id: str, count: int) -> None:
    import oci
    import requests

    cfg = oci.config.from_file(server.config_file, server.profile)
    signer = oci.signer.Signer(cfg["tenancy"], cfg["user"], cfg["fingerprint"], cfg["key_file"])
    value = base64.b64encode(os.urandom(1000)).decode()
    session = requests.Session()
    url = f"{server.url}/20180418/streams/{stream_id}/messages"
    left = count
    while left > 0:
        n = min(FILL_BATCH, left)
        body = json.dumps({"messages": [{"value": value}] * n}).encode()
        r = session.post(
            url,
            data=body,
            headers={"content-type": "application/json"},
            auth=signer.without_content_headers,
            timeout=120,
        )
        r.raise_for_status()
        assert r.json()["failures"] == 0
        left -= n


def _median_ms(fn) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(size: int, start_server) -> SizeFigures:
    import oci

    from .common import _client, _stream

    server = start_server()
    figures = SizeFigures(size)
    try:
        stream = _stream(server, name=f"growth-{size}")
        client = _client(server)
        m = oci.streaming.models
        first = size // 2
        _fill(server, stream.id, first)
        server.control.advance(13 * 3600)
        middle_time = datetime.now(UTC)
        _fill(server, stream.id, size - first)

        def get_at(offset: int):
            def call():
                kind = "AT_OFFSET"
                cur = client.create_cursor(
                    stream.id, m.CreateCursorDetails(partition="0", type=kind, offset=offset)
                ).data.value
                got = client.get_messages(stream.id, cur, limit=1).data
                assert got and got[0].offset == offset

            return call

        # CreateCursor's own cost, to take out of the GetMessages figures
        cursor_ms = _median_ms(
            lambda: client.create_cursor(
                stream.id, m.CreateCursorDetails(partition="0", type="AT_OFFSET", offset=0)
            )
        )
        for name, offset in (
            ("get at head", 0),
            ("get in middle", size // 2),
            ("get at tail", size - 1),
        ):
            figures.ms[name] = max(0.0, _median_ms(get_at(offset)) - cursor_ms)
        figures.ms["cursor AT_TIME"] = _median_ms(
            lambda: client.create_cursor(
                stream.id, m.CreateCursorDetails(partition="0", type="AT_TIME", time=middle_time)
            )
        )
        one = m.PutMessagesDetails(
            messages=[m.PutMessagesDetailsEntry(value=base64.b64encode(os.urandom(1000)).decode())]
        )
        figures.ms["put 1 message"] = _median_ms(lambda: client.put_messages(stream.id, one))
        figures.rss_mb = rss_mb(server.proc.pid)
        t0 = time.perf_counter()
        server.control.advance(12 * 3600)
        figures.ms["retention sweep"] = (time.perf_counter() - t0) * 1000  # trims size // 2
        stats = server.control.stats()["streams"][stream.id]["partitions"]["0"]
        assert stats["trimOffset"] == first, stats  # exactly the first half is gone
    finally:
        server.stop()
    return figures
