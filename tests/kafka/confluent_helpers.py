"""What the confluent-kafka tests share: group settings for quick rebalances, a bounded consume
loop, and waiting until a group's members hold a given number of partitions each."""

from __future__ import annotations

import time

from confluent_kafka import Consumer

QUICK = {
    "topic.metadata.refresh.interval.ms": 500,
    "retry.backoff.ms": 50,
    "topic.metadata.propagation.max.ms": 500,
}
GROUP = {
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 300,
    "fetch.wait.max.ms": 200,
    **QUICK,
}


def consume(c: Consumer, want: int, timeout: float = 15) -> list:
    """Up to ``want`` messages (errors skipped) within ``timeout`` seconds."""
    got, deadline = [], time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        m = c.poll(0.2)
        if m is not None and not m.error():
            got.append(m)
    return got


def wait_for_assignments(members: list[Consumer], sizes: list[int], timeout: float) -> set[int]:
    """Poll every member until each holds its size of partitions (or ``timeout`` passes);
    the partitions they hold together."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and [len(m.assignment()) for m in members] != sizes:
        for m in members:
            m.poll(0.1)
    return {tp.partition for m in members for tp in m.assignment()}
