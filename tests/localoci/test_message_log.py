"""The message log on a bare Service: batches in segment files, an index in SQLite.

The rules: offsets stay exact through restarts, trims and failed transactions; a read returns
exactly the messages asked for, from any offset, within ``limit`` and the byte budget; retention
gives the disk space back; a crash between a segment write and its commit loses nothing that
was acknowledged and leaves nothing behind; a data directory written by the previous layout
(one row per message) keeps every message at its offset.
"""

from __future__ import annotations

import base64
import sqlite3

import pytest

from localoci import errors, ops
from localoci.service import ServerConfig, Service

COMPARTMENT = "ocid1.tenancy.oc1..log"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def new_stream(svc, partitions: int = 1, name: str = "s") -> str:
    return ops.create_stream(
        svc, {"name": name, "partitions": partitions, "compartmentId": COMPARTMENT}
    ).resource["id"]


def put(svc, sid: str, values: list[bytes], key: bytes | None = b"k") -> list[int]:
    out = ops.put_messages(
        svc,
        sid,
        {"messages": [{"key": None if key is None else b64(key), "value": b64(v)} for v in values]},
    )
    assert out["failures"] == 0
    return [e["offset"] for e in out["entries"]]


def read_all(
    svc, sid: str, partition: int = 0, start: int | None = None
) -> list[tuple[int, bytes]]:
    log = svc.store.log
    at = log.trim_offset(sid, partition) if start is None else start
    out = []
    for sl in log.read(sid, partition, at, 10**9):
        out += list(
            zip(range(sl.first_offset, sl.first_offset + sl.count), sl.values(), strict=True)
        )
    return out


def restart(svc) -> Service:
    config = svc.config
    svc.close()
    return Service(config)


def test_reads_from_any_offset_cross_batch_boundaries_exactly(svc):
    sid = new_stream(svc)
    for n in range(5):
        put(svc, sid, [b"b%d-%d" % (n, i) for i in range(4)])
    everything = read_all(svc, sid)
    assert [o for o, _ in everything] == list(range(20))
    for start in range(20):
        for limit in (1, 3, 7, 20):
            got = [
                o
                for sl in svc.store.log.read(sid, 0, start, limit)
                for o in range(sl.first_offset, sl.first_offset + sl.count)
            ]
            assert got == list(range(start, min(20, start + limit)))


def test_the_byte_budget_stops_after_the_message_that_reaches_it(svc):
    sid = new_stream(svc)
    put(svc, sid, [b"x" * 100] * 10, key=None)
    slices = svc.store.log.read(sid, 0, 2, 100, max_bytes=250)
    assert sum(sl.count for sl in slices) == 3  # 100 + 100 + 100 >= 250: the third is the last
    one = svc.store.log.read(sid, 0, 0, 100, max_bytes=1)
    assert sum(sl.count for sl in one) == 1  # always at least one message


def test_offsets_survive_a_restart_and_continue(svc):
    sid = new_stream(svc, partitions=1)
    assert put(svc, sid, [b"a", b"b"]) == [0, 1]
    svc = restart(svc)
    try:
        assert put(svc, sid, [b"c"]) == [2]
        assert read_all(svc, sid) == [(0, b"a"), (1, b"b"), (2, b"c")]
    finally:
        svc.close()


def test_a_failed_transaction_leaves_offsets_and_files_as_they_were(svc):
    sid = new_stream(svc)
    put(svc, sid, [b"kept"])
    log = svc.store.log
    with pytest.raises(RuntimeError), svc.store.tx():
        log.append(sid, 0, [None], [b"rolled back"], svc.clock.now_ms())
        raise RuntimeError("the transaction fails after the segment write")
    assert log.next_offset(sid, 0) == 1
    assert put(svc, sid, [b"next"]) == [1]
    assert read_all(svc, sid) == [(0, b"kept"), (1, b"next")]


def test_bytes_written_but_never_committed_are_cut_off_at_the_next_start(svc):
    """What a SIGKILL between the segment write and the commit leaves behind."""
    sid = new_stream(svc)
    put(svc, sid, [b"acknowledged"])
    log = svc.store.log
    tail = log._tail[sid]
    log.files.write(sid, tail.segment, tail.end, b"unacknowledged garbage")
    path = log.files.path(sid, tail.segment)
    grown = path.stat().st_size
    svc = restart(svc)
    try:
        assert path.stat().st_size == grown - len(b"unacknowledged garbage")
        assert read_all(svc, sid) == [(0, b"acknowledged")]
        assert put(svc, sid, [b"after"]) == [1]
        assert read_all(svc, sid) == [(0, b"acknowledged"), (1, b"after")]
    finally:
        svc.close()


def test_segments_roll_over_and_reads_span_them(svc):
    sid = new_stream(svc)
    svc.store.log.files.segment_bytes = 2048
    for n in range(12):
        put(svc, sid, [bytes([n]) * 500])
    files = svc.store.log.files.list(sid)
    assert len(files) > 3
    assert [v for _, v in read_all(svc, sid)] == [bytes([n]) * 500 for n in range(12)]


def test_retention_trims_to_the_message_and_gives_the_disk_space_back(svc):
    sid = new_stream(svc)
    svc.store.log.files.segment_bytes = 4096
    put(svc, sid, [b"old" * 400] * 6)  # about 7 KB: two segments
    svc.advance_clock(13 * 3600)
    put(svc, sid, [b"new" * 400] * 6)
    old_files = svc.store.log.files.list(sid)
    svc.advance_clock(12 * 3600)  # the first six are 25 h old now
    log = svc.store.log
    assert log.trim_offset(sid, 0) == 6
    assert [o for o, _ in read_all(svc, sid)] == list(range(6, 12))
    left = log.files.list(sid)
    assert len(left) < len(old_files) and min(left) > min(old_files)
    svc.advance_clock(13 * 3600)  # everything is old now
    assert log.trim_offset(sid, 0) == 12 and read_all(svc, sid) == []
    assert log.files.list(sid) == []
    assert put(svc, sid, [b"fresh"]) == [12]
    assert read_all(svc, sid) == [(12, b"fresh")]


def test_deleting_a_stream_removes_its_files(svc):
    sid = new_stream(svc)
    put(svc, sid, [b"x"])
    root = svc.store.log.files.root / sid
    assert root.exists()
    ops.delete_stream(svc, sid, None)
    assert not root.exists()


def test_at_time_finds_the_first_batch_appended_at_or_after(svc):
    sid = new_stream(svc)
    put(svc, sid, [b"a", b"b"])
    svc.advance_clock(60)
    mark = svc.clock.now_ms()
    put(svc, sid, [b"c"])
    assert svc.store.log.first_offset_at_time(sid, 0, mark) == 2
    assert svc.store.log.first_offset_at_time(sid, 0, mark + 10**6) == 3


def test_kafka_headers_and_producer_times_are_kept_beside_the_bytes(svc):
    sid = new_stream(svc)
    log = svc.store.log
    with svc.store.tx():
        base = log.append(
            sid,
            0,
            [b"k", None],
            [b"v", None],
            1000,
            create_times=[5, 6],
            headers=[[("h", b"1")], []],
        )
    (sl,) = log.read(sid, 0, base, 10)
    assert sl.keys() == [b"k", None] and sl.values() == [b"v", None]
    assert sl.view.create_times() == [5, 6] and sl.view.headers() == [[("h", b"1")], []]


def test_a_data_directory_of_the_row_per_message_layout_keeps_every_message(tmp_path):
    data = tmp_path / "data"
    svc = Service(ServerConfig(data_dir=data, ready_delay_ms=0))
    sid = new_stream(svc, partitions=2)
    svc.close()
    # What the previous localoci wrote: one row per message, offsets 3..7 (0..2 were trimmed).
    db = sqlite3.connect(data / "localoci.db")
    db.execute(
        "CREATE TABLE messages (stream_id TEXT, partition INTEGER, offset INTEGER, ts INTEGER, "
        "key BLOB, value BLOB, PRIMARY KEY (stream_id, partition, offset))"
    )
    rows = [
        (sid, 1, off, 1000 if off < 5 else 2000, b"key" if off % 2 else None, b"v%d" % off)
        for off in range(3, 8)
    ]
    db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.execute(
        "UPDATE partitions SET next_offset = 8, trim_offset = 3 WHERE stream_id = ? AND partition = 1",
        (sid,),
    )
    db.commit()
    db.close()
    svc = Service(ServerConfig(data_dir=data, ready_delay_ms=0))
    try:
        got = [
            (sl.first_offset + i, sl.ts, k, v)
            for sl in svc.store.log.read(sid, 1, 3, 100)
            for i, (k, v) in enumerate(zip(sl.keys(), sl.values(), strict=True))
        ]
        assert got == [(off, ts, key, value) for _, _, off, ts, key, value in rows]
        assert svc.store.log.next_offset(sid, 1) == 8 and svc.store.log.trim_offset(sid, 1) == 3
        assert put(svc, sid, [b"new"], key=b"key") in (
            [8],
            [0],
        )  # whichever partition "key" hashes to
        assert not db_has_table(data, "messages")
    finally:
        svc.close()


def db_has_table(data, name: str) -> bool:
    con = sqlite3.connect(data / "localoci.db")
    try:
        return (
            con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
            is not None
        )
    finally:
        con.close()


def test_a_group_read_fills_its_limit_from_the_partition_that_has_messages(svc):
    """A backlog in one of three partitions: a group read of limit 10 returns 10, not 10 // 3."""
    sid = new_stream(svc, partitions=3)
    from localoci.ops.put_messages import partition_for

    key = next(f"k{i}".encode() for i in range(100) if partition_for(f"k{i}".encode(), 3) == 1)
    put(svc, sid, [b"m%d" % i for i in range(41)], key=key)
    cursor = ops.create_group_cursor(
        svc, sid, {"groupName": "g", "type": "TRIM_HORIZON", "instanceName": "a"}
    )["value"]
    batch, cursor = ops.get_messages(svc, sid, {"cursor": cursor, "limit": "10"})
    assert len(batch.messages) == 10 and {m.partition for m in batch.messages} == {1}
    seen = [m.offset for m in batch.messages]
    while True:
        svc.rates.clear()  # this test is about filling, not about the 5 reads per second
        batch, cursor = ops.get_messages(svc, sid, {"cursor": cursor, "limit": "10"})
        if not batch.messages:
            break
        seen += [m.offset for m in batch.messages]
    assert seen == list(range(41))


def test_a_group_read_shares_its_limit_when_every_partition_has_messages(svc):
    sid = new_stream(svc, partitions=2)
    from localoci.ops.put_messages import partition_for

    keys = {}
    for i in range(100):
        keys.setdefault(partition_for(f"k{i}".encode(), 2), f"k{i}".encode())
    for p in (0, 1):
        put(svc, sid, [b"p%d-%d" % (p, i) for i in range(20)], key=keys[p])
    cursor = ops.create_group_cursor(
        svc, sid, {"groupName": "g", "type": "TRIM_HORIZON", "instanceName": "a"}
    )["value"]
    batch, _ = ops.get_messages(svc, sid, {"cursor": cursor, "limit": "10"})
    per = {p: sum(1 for m in batch.messages if m.partition == p) for p in (0, 1)}
    assert per == {0: 5, 1: 5}


def test_a_one_message_limit_does_not_starve_the_later_partitions(svc):
    sid = new_stream(svc, partitions=2)
    from localoci.ops.put_messages import partition_for

    keys = {}
    for i in range(100):
        keys.setdefault(partition_for(f"k{i}".encode(), 2), f"k{i}".encode())
    for p in (0, 1):
        put(svc, sid, [b"x"] * 5, key=keys[p])
    cursor = ops.create_group_cursor(
        svc, sid, {"groupName": "g", "type": "TRIM_HORIZON", "instanceName": "a"}
    )["value"]
    partitions = []
    for _ in range(4):
        svc.rates.clear()
        batch, cursor = ops.get_messages(svc, sid, {"cursor": cursor, "limit": "1"})
        partitions += [m.partition for m in batch.messages]
    assert set(partitions) == {0, 1}


def test_a_read_past_the_retained_range_is_refused(svc):
    sid = new_stream(svc)
    put(svc, sid, [b"a"])
    svc.advance_clock(24 * 3600 - 60)  # the message is a minute from the horizon
    cursor = ops.create_cursor(svc, sid, {"partition": "0", "type": "AT_OFFSET", "offset": 0})[
        "value"
    ]
    svc.advance_clock(120)  # now it is past it; the cursor is 2 minutes old
    with pytest.raises(errors.OciError) as exc:
        ops.get_messages(svc, sid, {"cursor": cursor})
    assert exc.value.status == 400 and "retention" in exc.value.message


def test_one_put_across_every_partition_is_one_file_to_sync(svc, monkeypatch):
    """The stream's partitions share its segment files, so durability costs one sync per
    request, not one per partition it touched."""
    import os

    sid = new_stream(svc, partitions=3)
    synced = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (synced.append(fd), real(fd))[1])
    out = ops.put_messages(
        svc, sid, {"messages": [{"key": b64(b"k%d" % i), "value": b64(b"v")} for i in range(30)]}
    )
    assert {e["partition"] for e in out["entries"]} == {"0", "1", "2"}
    assert len(synced) == 1
