"""Segment files: writes land where asked, reads come back, recovery makes files match the index."""

from __future__ import annotations

import pytest

from localoci.store.segments import Segments


@pytest.fixture
def seg(tmp_path):
    s = Segments(tmp_path / "log", durability="normal", segment_bytes=100)
    yield s
    s.close()


def test_a_write_reads_back_from_its_position(seg):
    seg.write("s", 0, 0, 0, b"hello")
    seg.write("s", 0, 0, 5, b"world")
    assert seg.read("s", 0, 0, 5, 5) == b"world"
    assert seg.read("s", 0, 0, 0, 10) == b"helloworld"


def test_a_failed_write_is_overwritten_by_the_next_one(seg):
    seg.write("s", 0, 0, 0, b"aaaa")
    seg.write("s", 0, 0, 4, b"GARBAGE")  # its transaction failed: the index still ends at 4
    seg.write("s", 0, 0, 4, b"bb")
    assert seg.read("s", 0, 0, 0, 6) == b"aaaabb"


def test_a_full_segment_makes_the_next_batch_start_a_new_one(seg):
    assert seg.place(None, 0, 10) == (0, 0)
    assert seg.place(0, 60, 30) == (0, 60)
    assert seg.place(0, 90, 30) == (1, 0)
    # a batch bigger than a segment still fits into an empty one
    assert seg.place(3, 0, 500) == (3, 0)


def test_reading_past_what_was_written_is_an_error_not_short_data(seg):
    seg.write("s", 0, 0, 0, b"abc")
    with pytest.raises(OSError):
        seg.read("s", 0, 0, 0, 10)


def test_recover_cuts_unindexed_tails_and_drops_what_the_index_does_not_name(seg, tmp_path):
    seg.write("s", 0, 0, 0, b"x" * 50)
    seg.write("s", 0, 1, 0, b"y" * 30 + b"unacked")  # newest segment: indexed end is 30
    seg.write("s", 1, 0, 0, b"orphan partition")
    seg.write("gone", 0, 0, 0, b"deleted stream")
    seg.close()
    reclaimed = seg.recover({("s", 0): (1, 1, 30)})  # segment 0 was trimmed away
    assert reclaimed == 50 + 7 + 16 + 14
    assert seg.list("s", 0) == [1]
    assert seg.read("s", 0, 1, 0, 30) == b"y" * 30
    assert seg.path("s", 0, 1).stat().st_size == 30
    assert seg.list("s", 1) == []
    assert seg.streams_on_disk() == ["s"]


def test_deleting_old_segments_keeps_the_newer_ones(seg):
    for n in range(3):
        seg.write("s", 0, n, 0, b"z")
    assert seg.delete_segments("s", 0, keep_from=2) == 2
    assert seg.list("s", 0) == [2]


def test_many_partitions_do_not_run_out_of_file_descriptors(tmp_path):
    s = Segments(tmp_path / "log", durability="normal")
    for p in range(400):
        s.write("s", p, 0, 0, b"%d" % p)
    assert all(s.read("s", p, 0, 0, len(b"%d" % p)) == b"%d" % p for p in range(400))
    assert len(s._fds) <= 128
    s.close()
