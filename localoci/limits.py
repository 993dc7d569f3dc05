"""OCI Streaming's limits, as localoci enforces them (all switchable off for benchmarks).

Rates are measured on a monotonic clock (``time.monotonic`` unless one is injected), not on the
lab's controllable clock: a throttle is about how fast a client calls, which advancing the lab
clock must not change.  Tests inject a clock they can move, instead of sleeping:

>>> now = [100.0]
>>> bucket = TokenBucket(capacity=5, rate=5, clock=lambda: now[0])
>>> [bucket.take(1) for _ in range(6)]      # five calls pass, the sixth waits 200 ms
[0, 0, 0, 0, 0, 200]
>>> now[0] += 0.2                           # 200 ms later one token is back
>>> bucket.take(1)
0
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MIB = 1024 * 1024

Monotonic = Callable[[], float]
"""A function returning seconds on a clock that never goes back (``time.monotonic``)."""


@dataclass(frozen=True)
class Limits:
    enabled: bool = True
    max_message_bytes: int = MIB  # value, decoded
    max_key_bytes: int = 256  # key, decoded
    max_request_bytes: int = MIB  # sum of decoded keys and values in one PutMessages
    write_bytes_per_second: int = MIB  # per partition
    gets_per_second: float = 5.0  # per partition per consumer group
    max_groups_per_stream: int = 50
    max_get_limit: int = 10_000
    cursor_ttl_ms: int = 5 * 60 * 1000
    default_group_timeout_ms: int = 30_000


def _ms(seconds: float) -> int:
    """Whole milliseconds, rounded up, at least 1: what "next request can be made in N ms" says."""
    return max(1, int(seconds * 1000 + 0.999))


class TokenBucket:
    """A bucket of ``capacity`` tokens refilled at ``rate`` per second of ``clock``."""

    __slots__ = ("capacity", "rate", "tokens", "stamp", "clock")

    def __init__(self, capacity: float, rate: float, clock: Monotonic = time.monotonic) -> None:
        self.capacity = capacity
        self.rate = rate
        self.clock = clock
        self.tokens = capacity
        self.stamp = clock()

    def refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_ms(self, amount: float) -> int:
        """Milliseconds until ``amount`` tokens (at most a full bucket) are there; 0 if they are."""
        self.refill()
        need = min(amount, self.capacity) - self.tokens
        return _ms(need / self.rate) if need > 0 else 0

    def take(self, amount: float) -> int:
        """Take ``amount`` tokens; return 0 on success or the milliseconds to wait for them."""
        self.refill()
        if self.tokens >= amount:
            self.tokens -= amount
            return 0
        return _ms((min(amount, self.capacity) - self.tokens) / self.rate)


class RateLimiter:
    """Token buckets for writes (bytes per partition) and reads (calls per partition per group)."""

    def __init__(self, limits: Limits, clock: Monotonic = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._write: dict[tuple[str, int], TokenBucket] = {}
        self._read: dict[tuple[str, str, int], TokenBucket] = {}

    def _write_bucket(self, stream_id: str, partition: int) -> TokenBucket:
        bucket = self._write.get((stream_id, partition))
        if bucket is None:
            rate = self.limits.write_bytes_per_second
            bucket = self._write[(stream_id, partition)] = TokenBucket(rate, rate, self.clock)
        return bucket

    def write_budget(self, stream_id: str, partition: int) -> float:
        """Bytes the partition may take now (infinite with limits off)."""
        if not self.limits.enabled:
            return float("inf")
        bucket = self._write_bucket(stream_id, partition)
        bucket.refill()
        return bucket.tokens

    def charge_write(self, stream_id: str, partition: int, nbytes: int) -> int:
        """Charge ``nbytes`` written to the partition's budget.  The budget may go below zero
        (a Kafka produce is appended first and charged after); return the milliseconds until
        it is back to zero, 0 if it is not in debt (and always 0 with limits off)."""
        if not self.limits.enabled:
            return 0
        bucket = self._write_bucket(stream_id, partition)
        bucket.refill()
        bucket.tokens -= nbytes
        return _ms(-bucket.tokens / bucket.rate) if bucket.tokens < 0 else 0

    def wait_for_write(self, stream_id: str, partition: int, nbytes: int) -> int:
        """Milliseconds until ``nbytes`` (capped at one second's worth) could be written."""
        bucket = self._write.get((stream_id, partition))
        if bucket is None or not self.limits.enabled:
            return 0
        return bucket.wait_ms(nbytes) or 1

    def take_read(self, stream_id: str, group: str, partitions: list[int]) -> int:
        """One GetMessages against ``partitions``: all or nothing."""
        if not self.limits.enabled or not partitions:
            return 0
        rate = self.limits.gets_per_second
        buckets = []
        for p in partitions:
            b = self._read.get((stream_id, group, p))
            if b is None:
                b = self._read[(stream_id, group, p)] = TokenBucket(rate, rate, self.clock)
            buckets.append(b)
        waits = [b.wait_ms(1) for b in buckets]
        if any(waits):
            return max(waits)
        for b in buckets:
            b.tokens -= 1
        return 0

    def forget_stream(self, stream_id: str) -> None:
        self._write = {k: v for k, v in self._write.items() if k[0] != stream_id}
        self._read = {k: v for k, v in self._read.items() if k[0] != stream_id}

    def clear(self) -> None:
        """Forget every bucket (``/_localoci/reset``): every partition starts with a full budget."""
        self._write.clear()
        self._read.clear()
