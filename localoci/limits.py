"""OCI Streaming's limits, as localoci enforces them (all switchable off for benchmarks).

Rates are measured in real time (``time.monotonic``), not on the lab's controllable clock:
a throttle is about how fast a client calls, which advancing the clock must not change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    enabled: bool = True
    max_message_bytes: int = MIB          # value, decoded
    max_key_bytes: int = 256              # key, decoded
    max_request_bytes: int = MIB          # sum of decoded keys and values in one PutMessages
    write_bytes_per_second: int = MIB     # per partition
    gets_per_second: float = 5.0          # per partition per consumer group
    max_groups_per_stream: int = 50
    max_get_limit: int = 10_000
    cursor_ttl_ms: int = 5 * 60 * 1000
    default_group_timeout_ms: int = 30_000


class TokenBucket:
    """A bucket of ``capacity`` tokens refilled at ``rate`` per second."""

    __slots__ = ("capacity", "rate", "tokens", "stamp")

    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.tokens = capacity
        self.stamp = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self, amount: float) -> int:
        """Take ``amount`` tokens; return 0 on success or the milliseconds to wait for them."""
        self._refill()
        if self.tokens >= amount:
            self.tokens -= amount
            return 0
        need = min(amount, self.capacity) - self.tokens
        return max(1, int(need / self.rate * 1000 + 0.999))


class RateLimiter:
    """Token buckets for writes (bytes per partition) and reads (calls per partition per group)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._write: dict[tuple[str, int], TokenBucket] = {}
        self._read: dict[tuple[str, str, int], TokenBucket] = {}

    def take_write(self, stream_id: str, partition: int, nbytes: int) -> int:
        if not self.limits.enabled:
            return 0
        bucket = self._write.get((stream_id, partition))
        if bucket is None:
            rate = self.limits.write_bytes_per_second
            bucket = self._write[(stream_id, partition)] = TokenBucket(rate, rate)
        return bucket.take(nbytes)

    def wait_for_write(self, stream_id: str, partition: int, nbytes: int) -> int:
        """Milliseconds until ``nbytes`` (capped at one second's worth) could be written."""
        bucket = self._write.get((stream_id, partition))
        if bucket is None or not self.limits.enabled:
            return 0
        bucket._refill()
        need = min(nbytes, bucket.capacity) - bucket.tokens
        return max(1, int(need / bucket.rate * 1000 + 0.999)) if need > 0 else 1

    def take_read(self, stream_id: str, group: str, partitions: list[int]) -> int:
        """One GetMessages against ``partitions``: all or nothing."""
        if not self.limits.enabled or not partitions:
            return 0
        rate = self.limits.gets_per_second
        buckets = []
        for p in partitions:
            b = self._read.get((stream_id, group, p))
            if b is None:
                b = self._read[(stream_id, group, p)] = TokenBucket(rate, rate)
            b._refill()
            buckets.append(b)
        short = [b for b in buckets if b.tokens < 1]
        if short:
            return max(max(1, int((1 - b.tokens) / b.rate * 1000 + 0.999)) for b in short)
        for b in buckets:
            b.tokens -= 1
        return 0

    def forget_stream(self, stream_id: str) -> None:
        self._write = {k: v for k, v in self._write.items() if k[0] != stream_id}
        self._read = {k: v for k, v in self._read.items() if k[0] != stream_id}
