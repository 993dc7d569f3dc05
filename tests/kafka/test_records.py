"""Record batches: what an incoming batch must be, and what consumers get back."""

from __future__ import annotations

import struct

import pytest
from kafka.record.memory_records import MemoryRecords

from localoci.kafka import Code, KafkaError, ProducedRecord, StoredRecord
from localoci.kafka import records as R
from localoci.kafka.backend import CREATE_TIME, LOG_APPEND_TIME

MIB = 1024 * 1024


def one(value: bytes = b"v", key: bytes | None = b"k", **kw) -> bytes:
    return R.batch_from_produced(
        [ProducedRecord(key, value, 1_700_000_000_000, (("h", b"x"),))], **kw
    )


def read_back(data: bytes) -> list:
    mr, out = MemoryRecords(data), []
    while mr.has_next():
        batch = mr.next_batch()
        assert batch.validate_crc()
        out.append((batch, list(batch)))
    return out


@pytest.mark.parametrize("codec", [0, 1, 2, 3, 4])
def test_every_codec_round_trips_keys_values_headers_and_timestamps(codec):
    rows = [
        ProducedRecord(b"k%d" % i, b"value-%d" % i * 50, 1_700_000_000_000 + i, (("n", b"%d" % i),))
        for i in range(20)
    ]
    parsed = R.parse_batches(R.batch_from_produced(rows, compression=codec))
    assert [b.compression for b in parsed] == [codec] and parsed[0].records == rows


def test_several_batches_in_one_partition_are_all_read():
    parsed = R.parse_batches(one(b"a") + one(b"b"))
    assert [b.records[0].value for b in parsed] == [b"a", b"b"]


def test_a_flipped_byte_is_corrupt_message():
    raw = bytearray(one(b"hello"))
    raw[-3] ^= 0xFF
    with pytest.raises(KafkaError) as e:
        R.parse_batches(bytes(raw))
    assert e.value.code == Code.CORRUPT_MESSAGE and "CRC" in e.value.message


def test_a_truncated_batch_is_corrupt_message():
    with pytest.raises(KafkaError) as e:
        R.parse_batches(one(b"hello")[:-4])
    assert e.value.code == Code.CORRUPT_MESSAGE


def test_legacy_message_sets_are_invalid_record():
    raw = bytearray(one())
    raw[16] = 1
    with pytest.raises(KafkaError) as e:
        R.parse_batches(bytes(raw))
    assert e.value.code == Code.INVALID_RECORD and "v1" in e.value.message


def test_transactional_batches_are_refused_because_oci_has_no_transactions():
    raw = bytearray(one())
    attrs = struct.unpack_from(">h", raw, 21)[0] | 0x10
    struct.pack_into(">h", raw, 21, attrs)
    struct.pack_into(">I", raw, 17, R.calc_crc32c(memoryview(raw)[21:]))
    with pytest.raises(KafkaError) as e:
        R.parse_batches(bytes(raw))
    assert e.value.code == Code.INVALID_RECORD and "transactions" in e.value.message


def test_a_record_over_one_mebibyte_is_message_too_large_and_one_of_exactly_one_is_not():
    assert R.parse_batches(one(b"x" * (MIB - 1), key=b"k"))
    with pytest.raises(KafkaError) as e:
        R.parse_batches(one(b"x" * MIB, key=b"k"))
    assert e.value.code == Code.MESSAGE_TOO_LARGE and "1 MiB" in e.value.message


def test_a_gzip_bomb_stops_at_the_batch_limit():
    raw = one(b"\0" * (4 * MIB), key=None, compression=1)
    assert len(raw) < 10_000
    with pytest.raises(KafkaError) as e:
        R.parse_batches(raw, max_batch_bytes=MIB)
    assert e.value.code == Code.MESSAGE_TOO_LARGE


def test_a_missing_codec_library_is_unsupported_compression_type_naming_the_package(monkeypatch):
    raw = one(b"z" * 1000, compression=4)
    monkeypatch.setattr(R.codecs, "has_zstd", lambda: False)
    monkeypatch.setitem(R.CODEC_PACKAGES, 4, ("zstandard", lambda: False))
    with pytest.raises(KafkaError) as e:
        R.parse_batches(raw)
    assert e.value.code == Code.UNSUPPORTED_COMPRESSION_TYPE and "'zstandard'" in e.value.message


def test_an_unknown_codec_is_unsupported_compression_type():
    raw = bytearray(one(compression=1))
    struct.pack_into(">h", raw, 21, 6)
    struct.pack_into(">I", raw, 17, R.calc_crc32c(memoryview(raw)[21:]))
    with pytest.raises(KafkaError) as e:
        R.parse_batches(bytes(raw))
    assert e.value.code == Code.UNSUPPORTED_COMPRESSION_TYPE


def test_gzip_that_is_not_gzip_is_corrupt_message():
    raw = bytearray(one(b"q" * 3000, compression=1))
    raw[61:71] = b"\x00" * 10
    struct.pack_into(">I", raw, 17, R.calc_crc32c(memoryview(raw)[21:]))
    with pytest.raises(KafkaError) as e:
        R.parse_batches(bytes(raw))
    assert e.value.code == Code.CORRUPT_MESSAGE


def test_empty_records_are_invalid_record():
    with pytest.raises(KafkaError) as e:
        R.parse_batches(b"")
    assert e.value.code == Code.INVALID_RECORD


def test_built_batches_start_at_the_first_offset_and_keep_timestamp_types():
    rows = [
        StoredRecord(40, 1000, b"a", b"1", (("h", None),)),
        StoredRecord(41, 1001, None, b"2"),
        StoredRecord(42, 5000, None, b"rest-1", (), LOG_APPEND_TIME),
        StoredRecord(43, 5000, None, b"rest-2", (), LOG_APPEND_TIME),
        StoredRecord(44, 6000, b"k", b"rest-3", (), LOG_APPEND_TIME),
    ]
    got = read_back(R.build_batches(rows))
    assert [b.base_offset for b, _ in got] == [40, 42, 44]
    assert [b.timestamp_type for b, _ in got] == [CREATE_TIME, LOG_APPEND_TIME, LOG_APPEND_TIME]
    flat = [r for _, rs in got for r in rs]
    assert [(r.offset, r.timestamp, r.key, r.value) for r in flat] == [
        (r.offset, r.timestamp, r.key, r.value) for r in rows
    ]
    assert flat[0].headers == [("h", None)]
