"""Kafka record batches (magic 2): validate and decode what producers send, build what
consumers fetch.  Reused by any backend that needs Kafka bytes (none needs to: records cross
the seam decoded), and by tests.

Rules for incoming batches (each breach is a :class:`~localoci.kafka.errors.KafkaError` for
the partition, never a closed connection):

* only magic 2 record batches (Produce v3+): older message sets are INVALID_RECORD;
* the CRC-32C must match (CORRUPT_MESSAGE), the batch and its records must parse to the
  byte (CORRUPT_MESSAGE), and a batch holds at least one record (INVALID_RECORD);
* no transactional or control batches: OCI Streaming has no transactions (INVALID_RECORD);
* compression none and gzip always; snappy, lz4 and zstd when ``python-snappy``, ``lz4`` or
  ``zstandard`` is installed, else UNSUPPORTED_COMPRESSION_TYPE naming the package;
  decompression stops at ``max_batch_bytes`` (a small compressed frame cannot inflate the
  server's memory);
* each record's key plus value is at most ``max_record_bytes`` (OCI: 1 MiB per message),
  else MESSAGE_TOO_LARGE.

kafka-python's record classes do the byte work (``DefaultRecordBatch`` to read records,
``DefaultRecordBatchBuilder`` to write them); CRC-32C uses the ``crc32c`` package when
installed (fast), else kafka-python's pure-Python one.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import kafka.codec as codecs
from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder
from kafka.record.util import calc_crc32c

from .backend import CREATE_TIME, LOG_APPEND_TIME, ProducedRecord, StoredRecord
from .errors import Code, KafkaError

MIB = 1024 * 1024
HEADER = DefaultRecordBatch.HEADER_STRUCT  # 61 bytes
LOG_OVERHEAD = 12  # BaseOffset + BatchLength
MAGIC_AT, CRC_AT, ATTRS_AT = 16, 17, 21
CODEC_NAMES = {0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd"}
CODEC_PACKAGES = {
    2: ("python-snappy", codecs.has_snappy),
    3: ("lz4", codecs.has_lz4),
    4: ("zstandard", codecs.has_zstd),
}


@dataclass(frozen=True)
class ParsedBatch:
    """One validated incoming batch."""

    records: list[ProducedRecord]
    compression: int
    producer_id: int
    size: int  # bytes on the wire


def _corrupt(why: str) -> KafkaError:
    return KafkaError(Code.CORRUPT_MESSAGE, f"corrupt record batch: {why}")


def _too_large(nbytes: int, limit: int) -> KafkaError:
    return KafkaError(
        Code.MESSAGE_TOO_LARGE,
        f"a record of {nbytes} bytes (key + value) is over OCI Streaming's "
        f"{limit // MIB if limit % MIB == 0 else limit} "
        f"{'MiB' if limit % MIB == 0 else 'byte'} message limit; split it, or store "
        "the payload in Object Storage and send a pointer.",
    )


def codec_available(codec: int) -> bool:
    """Whether this process can decompress (and compress) ``codec`` (0 none .. 4 zstd)."""
    if codec in (0, 1):
        return True
    pkg = CODEC_PACKAGES.get(codec)
    return bool(pkg and pkg[1]())


def _decompress(codec: int, blob: memoryview, limit: int) -> bytes:
    """Inflate ``blob``; CORRUPT_MESSAGE if it is not valid, MESSAGE_TOO_LARGE past ``limit``."""
    if codec not in CODEC_NAMES:
        raise KafkaError(
            Code.UNSUPPORTED_COMPRESSION_TYPE,
            f"unknown compression codec {codec} (Kafka knows 0 none, 1 gzip, "
            "2 snappy, 3 lz4, 4 zstd).",
        )
    if not codec_available(codec):
        pkg = CODEC_PACKAGES[codec][0]
        raise KafkaError(
            Code.UNSUPPORTED_COMPRESSION_TYPE,
            f"{CODEC_NAMES[codec]} compression is not available on this localoci: "
            f"install the Python package {pkg!r} into its environment, or have the "
            "producer use gzip or no compression.",
        )
    try:
        if codec == 1:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = d.decompress(blob, limit + 1)
            if len(out) <= limit and not d.eof:
                raise _corrupt("truncated gzip data")
        elif codec == 2:
            out = codecs.snappy_decode(blob.tobytes())
        elif codec == 3:
            import lz4.frame

            out = lz4.frame.LZ4FrameDecompressor().decompress(blob.tobytes(), max_length=limit + 1)
        else:
            import zstandard

            out = (
                zstandard.ZstdDecompressor()
                .stream_reader(io.BytesIO(blob.tobytes()))
                .read(limit + 1)
            )
    except KafkaError:
        raise
    except Exception as exc:  # noqa: BLE001 - every codec has its own error types
        raise _corrupt(f"{CODEC_NAMES[codec]} data does not decompress ({exc})") from None
    if len(out) > limit:
        raise KafkaError(
            Code.MESSAGE_TOO_LARGE,
            f"a {CODEC_NAMES[codec]} batch inflates to more than {limit} bytes; "
            "send smaller batches.",
        )
    return out


def parse_batches(
    data: bytes | bytearray | memoryview | None,
    *,
    max_record_bytes: int = MIB,
    max_batch_bytes: int = 16 * MIB,
) -> list[ParsedBatch]:
    """Validate and decode the ``records`` field of one Produce partition (one or more
    batches).  Raise :class:`KafkaError` at the first breach of the rules above."""
    if not data:
        raise KafkaError(Code.INVALID_RECORD, "the produce request carries no records.")
    view = memoryview(data)
    batches: list[ParsedBatch] = []
    pos = 0
    while pos < len(view):
        if len(view) - pos < HEADER.size:
            raise _corrupt(f"{len(view) - pos} trailing bytes are too short for a batch header")
        length = struct.unpack_from(">i", view, pos + 8)[0]
        end = pos + LOG_OVERHEAD + length
        if length < HEADER.size - LOG_OVERHEAD or end > len(view):
            raise _corrupt(f"batch length {length} does not fit the {len(view) - pos} bytes sent")
        magic = view[pos + MAGIC_AT]
        if magic != 2:
            raise KafkaError(
                Code.INVALID_RECORD,
                f"message format v{magic} is not supported: only record batches v2 "
                "(Kafka 0.11+ clients) are accepted.",
            )
        batches.append(_parse_one(view[pos:end], max_record_bytes, max_batch_bytes))
        pos = end
    return batches


def _parse_one(view: memoryview, max_record_bytes: int, max_batch_bytes: int) -> ParsedBatch:
    crc = struct.unpack_from(">I", view, CRC_AT)[0]
    if calc_crc32c(view[ATTRS_AT:]) != crc:
        raise _corrupt("CRC-32C mismatch (the batch was damaged in transit)")
    header = list(HEADER.unpack_from(view, 0))
    attrs, producer_id, count = header[5], header[9], header[12]
    if attrs & (DefaultRecordBatch.TRANSACTIONAL_MASK | DefaultRecordBatch.CONTROL_MASK):
        raise KafkaError(
            Code.INVALID_RECORD,
            "transactional and control batches are not supported: OCI Streaming "
            "has no Kafka transactions. Remove transactional.id from the producer.",
        )
    if count <= 0:
        raise KafkaError(Code.INVALID_RECORD, "a record batch must hold at least one record.")
    codec = attrs & DefaultRecordBatch.CODEC_MASK
    body = view[HEADER.size :]
    if codec:
        body = memoryview(_decompress(codec, body, max_batch_bytes))
        header[5] = attrs & ~DefaultRecordBatch.CODEC_MASK
    plain = bytearray(HEADER.pack(*header))
    plain += body
    batch = DefaultRecordBatch(plain)
    records: list[ProducedRecord] = []
    try:
        for r in batch:
            size = len(r.key or b"") + len(r.value or b"")
            if size > max_record_bytes:
                raise _too_large(size, max_record_bytes)
            records.append(ProducedRecord(r.key, r.value, r.timestamp, tuple(r.headers)))
    except KafkaError:
        raise
    except Exception as exc:  # noqa: BLE001 - CorruptRecordError, UnicodeDecodeError, ...
        raise _corrupt(f"records do not parse ({exc})") from None
    return ParsedBatch(records, codec, producer_id, len(view))


# -- building batches for Fetch ---------------------------------------------------------------


def _runs(records: Sequence[StoredRecord]) -> Iterable[Sequence[StoredRecord]]:
    """Split into runs that can share a batch: one timestamp type, and for LogAppendTime one
    timestamp (a LogAppendTime batch gives all its records the batch's max timestamp)."""
    start = 0
    for i in range(1, len(records) + 1):
        if i == len(records):
            yield records[start:i]
            break
        a, b = records[i - 1], records[i]
        if a.timestamp_type != b.timestamp_type or (
            b.timestamp_type == LOG_APPEND_TIME and a.timestamp != b.timestamp
        ):
            yield records[start:i]
            start = i


def build_batch(records: Sequence[StoredRecord], compression: int = 0) -> bytes:
    """One magic-2 batch with ``BaseOffset`` = the first record's offset (offset deltas
    follow the records' offsets) and the timestamp type of the first record."""
    assert records, "a batch needs at least one record"
    builder = DefaultRecordBatchBuilder(
        magic=2,
        compression_type=compression,
        is_transactional=0,
        producer_id=-1,
        producer_epoch=-1,
        base_sequence=-1,
        batch_size=2**31 - 1,
    )
    base = records[0].offset
    for r in records:
        builder.append(r.offset - base, r.timestamp, r.key, r.value, list(r.headers))
    buf = builder.build()
    struct.pack_into(">q", buf, 0, base)
    if records[0].timestamp_type == LOG_APPEND_TIME:
        attrs = struct.unpack_from(">h", buf, ATTRS_AT)[0] | DefaultRecordBatch.TIMESTAMP_TYPE_MASK
        struct.pack_into(">h", buf, ATTRS_AT, attrs)
        struct.pack_into(">I", buf, CRC_AT, calc_crc32c(memoryview(buf)[ATTRS_AT:]))
    return bytes(buf)


def build_batches(records: Sequence[StoredRecord], compression: int = 0) -> bytes:
    """The ``records`` bytes of a Fetch partition: consecutive batches covering ``records``."""
    return b"".join(build_batch(run, compression) for run in _runs(records) if run)


def batch_from_produced(
    records: Sequence[ProducedRecord], compression: int = 0, producer_id: int = -1
) -> bytes:
    """A producer-side batch (BaseOffset 0), as a client would send it; for tests and tools."""
    builder = DefaultRecordBatchBuilder(
        magic=2,
        compression_type=compression,
        is_transactional=0,
        producer_id=producer_id,
        producer_epoch=0 if producer_id >= 0 else -1,
        base_sequence=0 if producer_id >= 0 else -1,
        batch_size=2**31 - 1,
    )
    for i, r in enumerate(records):
        builder.append(i, r.timestamp, r.key, r.value, list(r.headers))
    return bytes(builder.build())


__all__ = [
    "CREATE_TIME",
    "LOG_APPEND_TIME",
    "ParsedBatch",
    "build_batch",
    "build_batches",
    "batch_from_produced",
    "codec_available",
    "parse_batches",
]
