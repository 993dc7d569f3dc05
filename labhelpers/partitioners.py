"""Which partition a key lands in, as Kafka clients choose it (on the client, not the server).

* Java clients, kafka-python, aiokafka and kafkajs: murmur2 of the key (:func:`murmur2_partition`);
* librdkafka (confluent-kafka, kcat): ``consistent_random``, CRC-32 of the key
  (:func:`crc32_partition`);
* OCI Streaming's REST API (PutMessages) hashes the key on the server, by a rule Oracle does
  not document: only the answer tells where a message went.
"""

from __future__ import annotations

import zlib

__all__ = ["crc32_partition", "murmur2", "murmur2_partition"]


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (Java ``Utils.murmur2``, kafka-python's): a signed 32-bit hash.

    >>> murmur2(b"21")
    -973932308
    """
    length = len(data)
    seed, m, r = 0x9747B28C, 0x5BD1E995, 24
    h = (seed ^ length) & 0xFFFFFFFF
    for i in range(length // 4):
        k = int.from_bytes(data[4 * i : 4 * i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> r
        k = (k * m) & 0xFFFFFFFF
        h = (h * m) & 0xFFFFFFFF
        h ^= k
    tail = length & 3
    rest = data[length & ~3 :]
    if tail >= 3:
        h ^= rest[2] << 16
    if tail >= 2:
        h ^= rest[1] << 8
    if tail >= 1:
        h ^= rest[0]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def _bytes(key: str | bytes) -> bytes:
    return key.encode() if isinstance(key, str) else bytes(key)


def murmur2_partition(key: str | bytes, partitions: int) -> int:
    """The partition Java clients, kafka-python, aiokafka and kafkajs pick for ``key``.

    >>> murmur2_partition("user-1", 3)
    2
    """
    return (murmur2(_bytes(key)) & 0x7FFFFFFF) % partitions


def crc32_partition(key: str | bytes, partitions: int) -> int:
    """The partition librdkafka (confluent-kafka, kcat) picks for ``key`` by default
    (``consistent_random``: CRC-32 of the key).

    >>> crc32_partition("user-1", 3)
    2
    """
    return zlib.crc32(_bytes(key)) % partitions
