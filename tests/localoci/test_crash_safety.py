"""Crash safety: a message acknowledged with an offset survives a SIGKILL of the server.

Several producer threads publish through the SDK; the server is killed with SIGKILL in the
middle of the run and restarted on the same data directory.  Every acknowledged message must
then be present exactly once, at the offset it was acknowledged with, and each producer's
messages must be in publish order within their partition.  (A real ``python -m localoci
serve`` process: a SIGKILL is what this proves, so it cannot be served in-process.)"""

from __future__ import annotations

import signal
import threading

import oci
import pytest

from tests.conftest import start_localoci

from .helpers import Models, b64, unb64

PRODUCERS = 4
BATCH = 10


def produce(
    server,
    stream_id: str,
    producer: int,
    acked: list,
    stop: threading.Event,
    progress: threading.Condition,
) -> None:
    client = oci.streaming.StreamClient(
        server.config,
        service_endpoint=server.url,
        retry_strategy=oci.retry.NoneRetryStrategy(),
        timeout=(2, 5),
    )
    seq = 0
    while not stop.is_set():
        values = [f"p{producer}-{seq + i}" for i in range(BATCH)]
        details = Models.PutMessagesDetails(
            messages=[
                Models.PutMessagesDetailsEntry(
                    key=b64(f"p{producer}-k{(seq + i) % 3}"), value=b64(v)
                )
                for i, v in enumerate(values)
            ]
        )
        try:
            result = client.put_messages(stream_id, details).data
        except Exception:  # noqa: BLE001 - the server is gone: the unacknowledged batch may or may not be stored
            return
        with progress:
            for v, e in zip(values, result.entries, strict=True):
                if e.error is None:
                    acked.append((e.partition, e.offset, v))
            progress.notify_all()
        seq += BATCH


def read_all(server, stream_id: str, partitions: int) -> dict[str, list[tuple[int, str]]]:
    client = server.stream_client()
    out = {}
    for p in range(partitions):
        c = client.create_cursor(
            stream_id, Models.CreateCursorDetails(partition=str(p), type="TRIM_HORIZON")
        ).data.value
        got = []
        while True:
            resp = client.get_messages(stream_id, c, limit=10000)
            if not resp.data:
                break
            got += [(m.offset, unb64(m.value).decode()) for m in resp.data]
            c = resp.headers["opc-next-cursor"]
        out[str(p)] = got
    return out


@pytest.mark.timeout(120)
def test_acknowledged_messages_survive_sigkill_once_at_their_offset_in_order(tmp_path, make_stream):
    data_dir = tmp_path / "crash"
    server = start_localoci(data_dir, "--no-limits")
    try:
        stream = make_stream(partitions=3, server=server)
        acked: list[tuple[str, int, str]] = []
        stop, progress = threading.Event(), threading.Condition()
        threads = [
            threading.Thread(
                target=produce, args=(server, stream.id, i, acked, stop, progress), daemon=True
            )
            for i in range(PRODUCERS)
        ]
        for t in threads:
            t.start()
        with progress:  # woken by each acknowledged batch, not by a timer
            progress.wait_for(lambda: len(acked) >= 400, timeout=10)
        server.proc.send_signal(signal.SIGKILL)  # mid-run: producers are still sending
        server.proc.wait(10)
        stop.set()
        for t in threads:
            t.join(10)
        assert len(acked) >= 400, "the producers did not get going before the kill"
    finally:
        server.stop()

    restarted = start_localoci(data_dir, "--no-limits")
    try:
        stored = read_all(restarted, stream.id, 3)
    finally:
        restarted.stop()

    at = {(p, off): v for p, msgs in stored.items() for off, v in msgs}
    for p, off, v in acked:
        assert at.get((p, off)) == v, f"acknowledged {v} at {p}/{off} is missing or different"
    every_value = [v for msgs in stored.values() for _, v in msgs]
    assert len(every_value) == len(set(every_value)), "a message is stored twice"
    for p, msgs in stored.items():
        offsets = [off for off, _ in msgs]
        assert offsets == sorted(set(offsets)), f"partition {p}: offsets not strictly increasing"
        last_seq: dict[str, int] = {}
        for _, v in msgs:  # each producer's keys keep publish order within their partition
            producer, seq = v.rsplit("-", 1)
            key = f"{producer}-k{int(seq) % 3}"
            assert int(seq) > last_seq.get(key, -1), f"{v} stored out of order in partition {p}"
            last_seq[key] = int(seq)
