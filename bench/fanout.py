"""Many partitions and many groups: does throughput add up?

Limits off, signatures checked, the official SDK.  Writes: the same messages (1 KB each, in
PutMessages of 500) to a 1-partition stream and to a 50-partition stream whose keys cover
every partition, so each request is spread over all 50.  Reads: one consumer group reading
the 1-partition stream from the start, then 20 consumer groups at once (a thread each) reading
every partition of the 50-partition stream from the start; the figure is messages delivered
per second over all groups.
"""

from __future__ import annotations

import base64
import os
import threading
import time

GROUPS = 20
PARTITIONS = 50


def _keys_covering(partitions: int) -> list[str]:
    from localoci.ops.put_messages import partition_for

    keys: dict[int, str] = {}
    i = 0
    while len(keys) < partitions:
        keys.setdefault(partition_for(f"key-{i}".encode(), partitions), f"key-{i}")
        i += 1
    return [keys[p] for p in range(partitions)]


def write(client, stream_id: str, total: int, keys: list[str]) -> float:
    import oci

    m = oci.streaming.models
    value = base64.b64encode(os.urandom(1000)).decode()
    encoded = [base64.b64encode(k.encode()).decode() for k in keys]
    t0 = time.perf_counter()
    for start in range(0, total, 500):
        entries = [
            m.PutMessagesDetailsEntry(key=encoded[i % len(encoded)], value=value)
            for i in range(start, min(total, start + 500))
        ]
        out = client.put_messages(stream_id, m.PutMessagesDetails(messages=entries))
        assert out.data.failures == 0
    return total / (time.perf_counter() - t0)


def read_group(client, stream_id: str, group: str, total: int) -> int:
    import oci

    m = oci.streaming.models
    cursor = client.create_group_cursor(
        stream_id,
        m.CreateGroupCursorDetails(
            group_name=group, type="TRIM_HORIZON", instance_name="only", commit_on_get=True
        ),
    ).data.value
    got, empty = 0, 0
    while got < total and empty < 3:
        out = client.get_messages(stream_id, cursor, limit=10_000)
        got += len(out.data)
        empty = 0 if out.data else empty + 1
        cursor = out.headers["opc-next-cursor"]
    return got


def measure(server, total: int) -> dict[str, float]:
    from .common import _client, _stream

    one = _stream(server, 1, name="fanout-1")
    many = _stream(server, PARTITIONS, name=f"fanout-{PARTITIONS}")
    client = _client(server)
    figures = {
        "write 1": write(client, one.id, total, ["k"]),
        f"write {PARTITIONS}": write(client, many.id, total, _keys_covering(PARTITIONS)),
    }
    t0 = time.perf_counter()
    assert read_group(client, one.id, "solo", total) == total
    figures["read 1 group"] = total / (time.perf_counter() - t0)

    counts: list[int] = []

    def reader(n: int) -> None:
        counts.append(read_group(_client(server), many.id, f"g{n}", total))

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(GROUPS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    assert counts == [total] * GROUPS, counts
    figures[f"read {GROUPS} groups"] = GROUPS * total / elapsed
    return figures
