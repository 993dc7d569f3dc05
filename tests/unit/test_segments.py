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
    seg.write("s", 0, 0, b"hello")
    seg.write("s", 0, 5, b"world")
    assert seg.read("s", 0, 5, 5) == b"world"
    assert seg.read("s", 0, 0, 10) == b"helloworld"


def test_a_failed_write_is_overwritten_by_the_next_one(seg):
    seg.write("s", 0, 0, b"aaaa")
    seg.write("s", 0, 4, b"GARBAGE")  # its transaction failed: the index still ends at 4
    seg.write("s", 0, 4, b"bb")
    assert seg.read("s", 0, 0, 6) == b"aaaabb"


def test_a_full_segment_makes_the_next_batch_start_a_new_one(seg):
    assert seg.place(None, 0, 10) == (0, 0)
    assert seg.place(0, 60, 30) == (0, 60)
    assert seg.place(0, 90, 30) == (1, 0)
    # a batch bigger than a segment still fits into an empty one
    assert seg.place(3, 0, 500) == (3, 0)


def test_reading_past_what_was_written_is_an_error_not_short_data(seg):
    seg.write("s", 0, 0, b"abc")
    with pytest.raises(OSError):
        seg.read("s", 0, 0, 10)


def test_flush_syncs_what_was_written_and_forgets_it(tmp_path):
    s = Segments(tmp_path / "log", durability="full")
    s.write("s", 0, 0, b"x")
    s.write("t", 2, 0, b"y")
    assert s._dirty == {("s", 0), ("t", 2)}
    s.flush()
    assert s._dirty == set()
    s.close()


def test_recover_cuts_unindexed_tails_and_drops_what_the_index_does_not_name(seg):
    seg.write("s", 0, 0, b"x" * 50)
    seg.write("s", 1, 0, b"y" * 30 + b"unacked")  # newest segment: indexed end is 30
    seg.write("gone", 0, 0, b"deleted stream")
    seg.close()
    reclaimed = seg.recover({"s": (1, 1, 30)})  # segment 0 was trimmed away
    assert reclaimed == 50 + 7 + 14
    assert seg.list("s") == [1]
    assert seg.read("s", 1, 0, 30) == b"y" * 30
    assert seg.path("s", 1).stat().st_size == 30
    assert seg.streams_on_disk() == ["s"]


def test_deleting_old_segments_keeps_the_newer_ones(seg):
    for n in range(3):
        seg.write("s", n, 0, b"z")
    assert seg.delete_segments("s", keep_from=2) == 2
    assert seg.list("s") == [2]


def test_many_streams_do_not_run_out_of_file_descriptors(tmp_path):
    s = Segments(tmp_path / "log", durability="normal")
    for n in range(400):
        s.write(f"s{n}", 0, 0, b"%d" % n)
    assert all(s.read(f"s{n}", 0, 0, len(b"%d" % n)) == b"%d" % n for n in range(400))
    assert len(s._fds) <= 128
    s.close()
