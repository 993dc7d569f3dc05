"""The notebooks' clean-up cells: delete only the learner's own streams, and are safe twice."""

from __future__ import annotations

from labhelpers import connect, delete_lab_streams, find_stream, get_or_create_stream


def test_clean_up_deletes_only_my_named_stream_and_is_idempotent(localoci_factory, monkeypatch):
    server = localoci_factory()
    monkeypatch.setenv("LOCALOCI_URL", server.url)
    monkeypatch.setenv("LAB_TARGET", "local")
    monkeypatch.setenv("LAB_ID", "ada")
    mine = connect()
    main = get_or_create_stream(mine, partitions=1)
    extra = get_or_create_stream(mine, name=mine.stream_name + "-groups", partitions=1)
    monkeypatch.setenv("LAB_ID", "bob")
    theirs = connect()
    other = get_or_create_stream(theirs, name="lab-stream-bob-groups", partitions=1)

    assert delete_lab_streams(mine, names=[extra.name]) == [extra.name]
    assert delete_lab_streams(mine, names=[extra.name]) == []  # the second run finds nothing
    assert find_stream(mine, extra.name) is None
    assert find_stream(mine, main.name) is not None  # the main lab stream stays
    assert find_stream(theirs, other.name) is not None  # another learner's stays
    assert delete_lab_streams(mine) == [main.name]  # no names: all of mine
    assert find_stream(theirs, other.name) is not None
