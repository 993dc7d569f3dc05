"""Consumer groups: CreateGroupCursor, GetMessages with a group cursor, ConsumerCommit,
ConsumerHeartbeat, GetGroup, UpdateGroup.

Group reservations time out on localoci's clock, so ``localoci.advance(31)`` stands for an
instance that went silent for longer than the 30 s default.  Each group gets at most 5
GetMessages per second per partition, so no test reads one group more often than that.
"""

from __future__ import annotations

import itertools

import oci
import pytest

from .helpers import Models, V, assert_error, group_cursor, publish, values

_n = itertools.count()


def gname() -> str:
    return f"g{next(_n)}"


def committed(client, stream_id, group) -> dict[str, int]:
    g = client.get_group(stream_id, group).data
    return {r.partition: r.committed_offset for r in g.reservations}


def owners(client, stream_id, group) -> dict[str, str | None]:
    return {
        r.partition: r.reserved_instance
        for r in client.get_group(stream_id, group).data.reservations
    }


def test_get_group_reports_committed_offset_minus_one_before_first_commit(client, make_stream):
    stream = make_stream(partitions=2)
    g = gname()
    group_cursor(client, stream.id, g, "i1")
    group = client.get_group(stream.id, g).data
    assert group.stream_id == stream.id and group.group_name == g
    assert sorted(r.partition for r in group.reservations) == ["0", "1"]
    assert all(r.committed_offset == -1 for r in group.reservations)
    assert all(
        r.reserved_instance == "i1" and r.time_reserved_until is not None
        for r in group.reservations
    )


def test_commit_on_get_commits_the_previous_batch_not_the_current_one(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(6)])
    g = gname()
    c = group_cursor(client, stream.id, g, "a")  # commitOnGet not sent: the default is true
    first = client.get_messages(stream.id, c, limit=2)
    assert values(first.data) == ["0", "1"]
    assert committed(client, stream.id, g) == {"0": -1}
    second = client.get_messages(stream.id, first.headers["opc-next-cursor"], limit=2)
    assert values(second.data) == ["2", "3"]
    assert committed(client, stream.id, g) == {"0": 1}


def test_last_uncommitted_batch_is_redelivered_to_a_new_instance(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(6)])
    g = gname()
    c = group_cursor(client, stream.id, g, "a")
    first = client.get_messages(stream.id, c, limit=2)
    client.get_messages(
        stream.id, first.headers["opc-next-cursor"], limit=2
    )  # commits 0-1, gets 2-3
    # "a" dies before asking again: 2-3 stay uncommitted; a fresh cursor starts at 2 (at-least-once).
    again = client.get_messages(stream.id, group_cursor(client, stream.id, g, "a"), limit=10)
    assert values(again.data) == ["2", "3", "4", "5"]


def test_manual_commit_commits_what_the_cursor_delivered(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(6)])
    g = gname()
    c = group_cursor(client, stream.id, g, "a", commit_on_get=False)
    first = client.get_messages(stream.id, c, limit=2)
    second = client.get_messages(stream.id, first.headers["opc-next-cursor"], limit=2)
    assert values(second.data) == ["2", "3"]
    assert committed(client, stream.id, g) == {"0": -1}  # no commit on get
    new_cursor = client.consumer_commit(stream.id, second.headers["opc-next-cursor"]).data.value
    assert committed(client, stream.id, g) == {"0": 3}
    assert values(client.get_messages(stream.id, new_cursor).data) == ["4", "5"]


def test_commit_returns_a_cursor_and_is_body_signed_with_an_empty_body(raw, client, make_stream):
    stream = make_stream(partitions=1)
    c = group_cursor(client, stream.id, gname(), "a", commit_on_get=False)
    resp = raw.post(f"{V}/streams/{stream.id}/commit", params={"cursor": c})
    assert resp.status_code == 200 and set(resp.json()) == {"value"}


def test_heartbeat_keeps_the_reservation_past_the_timeout(localoci, client, make_stream):
    stream = make_stream(partitions=2)
    g = gname()
    a = group_cursor(client, stream.id, g, "a")
    before = client.get_group(stream.id, g).data.reservations[0].time_reserved_until
    localoci.advance(20)
    a = client.consumer_heartbeat(stream.id, a).data.value
    after = client.get_group(stream.id, g).data.reservations[0].time_reserved_until
    assert after > before
    localoci.advance(20)  # 40 s since joining, 20 s since the heartbeat
    group_cursor(client, stream.id, g, "b")
    held = owners(client, stream.id, g)
    assert sorted(held.values()) == ["a", "b"]  # a kept a partition; b only got its share


def test_instances_split_partitions_disjointly_and_cover_the_stream(client, make_stream):
    stream = make_stream(partitions=4)
    publish(client, stream.id, *[(f"k{i}", str(i)) for i in range(40)])
    g = gname()
    cursors = {name: group_cursor(client, stream.id, g, name) for name in ("a", "b")}
    held = owners(client, stream.id, g)
    assert sorted(held) == ["0", "1", "2", "3"]
    assert sorted(held.values()) == ["a", "a", "b", "b"]
    seen = {name: client.get_messages(stream.id, c).data for name, c in cursors.items()}
    parts = {name: {m.partition for m in msgs} for name, msgs in seen.items()}
    assert parts["a"].isdisjoint(parts["b"])
    assert sorted(values(seen["a"]) + values(seen["b"]), key=int) == [str(i) for i in range(40)]
    for name, ps in parts.items():
        assert ps <= {p for p, who in held.items() if who == name}


def test_a_timed_out_instance_loses_its_partitions_to_live_ones(localoci, client, make_stream):
    stream = make_stream(partitions=4)
    g = gname()
    group_cursor(client, stream.id, g, "a")
    b = group_cursor(client, stream.id, g, "b")
    assert sorted(owners(client, stream.id, g).values()) == ["a", "a", "b", "b"]
    localoci.advance(15)
    b = client.consumer_heartbeat(stream.id, b).data.value
    localoci.advance(16)  # a: 31 s silent; b: 16 s
    client.consumer_heartbeat(stream.id, b)
    assert set(owners(client, stream.id, g).values()) == {"b"}


def test_commit_by_an_instance_that_lost_its_partition_is_refused(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "0"))
    g = gname()
    a = group_cursor(client, stream.id, g, "a", commit_on_get=False)
    a_next = client.get_messages(stream.id, a).headers["opc-next-cursor"]
    localoci.advance(31)
    group_cursor(client, stream.id, g, "b")  # b takes partition 0 over
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.consumer_commit(stream.id, a_next)
    assert err.value.status == 400 and "Trying to commit unreserved partition" in err.value.message


def test_surplus_instances_get_nothing(client, make_stream):
    stream = make_stream(partitions=2)
    publish(client, stream.id, *[(f"k{i}", str(i)) for i in range(20)])
    g = gname()
    cursors = {name: group_cursor(client, stream.id, g, name) for name in ("a", "b", "c")}
    held = owners(client, stream.id, g)
    assert len(set(held.values())) == 2 and None not in held.values()
    [idle] = set(cursors) - set(held.values())
    assert client.get_messages(stream.id, cursors[idle]).data == []
    total = sum(len(client.get_messages(stream.id, cursors[n]).data) for n in set(held.values()))
    assert total == 20


def test_group_type_only_counts_when_the_group_is_created(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "old"))
    g = gname()
    c = group_cursor(client, stream.id, g, "a", type_="LATEST")
    publish(client, stream.id, ("k", "new"))
    assert values(client.get_messages(stream.id, c).data) == ["new"]
    again = group_cursor(client, stream.id, g, "a", type_="TRIM_HORIZON")
    assert values(client.get_messages(stream.id, again).data) == ["new"]  # not "old"


def test_update_group_rewinds_the_whole_group(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(4)])
    g = gname()
    c = group_cursor(client, stream.id, g, "a", commit_on_get=False)
    nxt = client.get_messages(stream.id, c).headers["opc-next-cursor"]
    client.consumer_commit(stream.id, nxt)
    assert committed(client, stream.id, g) == {"0": 3}
    resp = client.update_group(stream.id, g, Models.UpdateGroupDetails(type="TRIM_HORIZON"))
    assert resp.status == 204 and resp.data is None
    assert committed(client, stream.id, g) == {"0": -1}
    fresh = group_cursor(client, stream.id, g, "a")
    assert values(client.get_messages(stream.id, fresh).data) == ["0", "1", "2", "3"]


def test_update_group_to_latest_skips_what_is_there(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "0"))
    g = gname()
    group_cursor(client, stream.id, g, "a")
    client.update_group(stream.id, g, Models.UpdateGroupDetails(type="LATEST"))
    publish(client, stream.id, ("k", "1"))
    assert values(client.get_messages(stream.id, group_cursor(client, stream.id, g, "a")).data) == [
        "1"
    ]


def test_update_group_with_only_a_time_is_accepted_as_at_time(raw, client, make_stream):
    stream = make_stream(partitions=1)
    g = gname()
    group_cursor(client, stream.id, g, "a")
    resp = raw.put(f"{V}/streams/{stream.id}/groups/{g}", json={"time": "2018-11-30T01:33:51.233Z"})
    assert resp.status_code == 204 and resp.content == b""


def test_update_group_without_type_or_time_is_400(raw, client, make_stream):
    stream = make_stream(partitions=1)
    g = gname()
    group_cursor(client, stream.id, g, "a")
    assert_error(raw.put(f"{V}/streams/{stream.id}/groups/{g}", json={}), 400, contains="type")


def test_unknown_group_is_404(client, make_stream):
    stream = make_stream(partitions=1)
    for call in (
        lambda: client.get_group(stream.id, "nobody"),
        lambda: client.update_group(stream.id, "nobody", Models.UpdateGroupDetails(type="LATEST")),
    ):
        with pytest.raises(oci.exceptions.ServiceError) as err:
            call()
        assert (err.value.status, err.value.code) == (404, "NotAuthorizedOrNotFound")


def test_group_names_with_spaces_are_percent_decoded(client, make_stream):
    stream = make_stream(partitions=1)
    group_cursor(client, stream.id, "my group", "a")
    assert client.get_group(stream.id, "my group").data.group_name == "my group"


def test_instance_name_defaults_to_a_generated_one(client, make_stream):
    stream = make_stream(partitions=1)
    g = gname()
    client.create_group_cursor(
        stream.id, Models.CreateGroupCursorDetails(type="TRIM_HORIZON", group_name=g)
    )
    [r] = client.get_group(stream.id, g).data.reservations
    assert r.reserved_instance and len(r.reserved_instance) >= 8


def test_commit_and_heartbeat_need_a_group_cursor(client, make_stream):
    from .helpers import cursor

    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    for call in (client.consumer_commit, client.consumer_heartbeat):
        with pytest.raises(oci.exceptions.ServiceError) as err:
            call(stream.id, c)
        assert err.value.status == 400


@pytest.mark.parametrize(
    "body, field",
    [
        ({"groupName": "g"}, "type"),
        ({"type": "TRIM_HORIZON"}, "groupName"),
        ({"type": "AFTER_OFFSET", "groupName": "g"}, "type"),
        ({"type": "AT_TIME", "groupName": "g"}, "time"),
        ({"type": "TRIM_HORIZON", "groupName": "g", "commitOnGet": "yes"}, "commitOnGet"),
        ({"type": "TRIM_HORIZON", "groupName": "g", "timeoutInMs": 0}, "timeoutInMs"),
    ],
)
def test_bad_group_cursor_requests_are_400_naming_the_field(raw, make_stream, body, field):
    stream = make_stream(partitions=1)
    assert_error(raw.post(f"{V}/streams/{stream.id}/groupCursors", json=body), 400, contains=field)


def test_group_cursor_wire_request_as_recorded_is_accepted(raw, make_stream):
    stream = make_stream(partitions=1)
    body = {
        "type": "LATEST",
        "instanceName": "instance-1",
        "groupName": "sdkInteg-Group",
        "commitOnGet": True,
    }
    resp = raw.post(f"{V}/streams/{stream.id}/groupCursors", json=body)
    assert resp.status_code == 200 and set(resp.json()) == {"value"}


def test_a_dead_instances_uncommitted_batch_goes_to_the_next_owner(localoci, client, make_stream):
    """Oracle's worked example: A reads, reads again (committing the first batch), dies; B
    takes over after the timeout and gets A's last batch again: at least once, nothing lost."""
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(6)])
    g = gname()
    a = group_cursor(client, stream.id, g, "a")
    first = client.get_messages(stream.id, a, limit=2)
    client.get_messages(
        stream.id, first.headers["opc-next-cursor"], limit=2
    )  # commits 0-1, gets 2-3
    localoci.advance(31)
    b = group_cursor(client, stream.id, g, "b")
    assert owners(client, stream.id, g) == {"0": "b"}
    assert values(client.get_messages(stream.id, b).data) == ["2", "3", "4", "5"]


def test_at_time_group_starts_at_the_first_message_at_or_after_the_time(
    localoci, client, make_stream
):
    import datetime as dt

    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "before"))
    localoci.advance(60)
    now = dt.datetime.fromisoformat(
        localoci.call("GET", "/_localoci/clock")["now"].replace("Z", "+00:00")
    )
    publish(client, stream.id, ("k", "after"))
    c = group_cursor(client, stream.id, gname(), "a", type_="AT_TIME", time=now)
    assert values(client.get_messages(stream.id, c).data) == ["after"]


def test_update_group_voids_offsets_pending_in_older_cursors(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "0"), ("k", "1"))
    g = gname()
    c = group_cursor(client, stream.id, g, "a", commit_on_get=False)
    pending = client.get_messages(stream.id, c).headers["opc-next-cursor"]  # carries offset 1
    client.update_group(stream.id, g, Models.UpdateGroupDetails(type="TRIM_HORIZON"))
    client.consumer_commit(stream.id, pending)
    assert committed(client, stream.id, g) == {"0": -1}


def test_group_limit_is_shared_between_the_instances_partitions(client, make_stream):
    stream = make_stream(partitions=2)
    publish(client, stream.id, *[(f"k{i}", str(i)) for i in range(40)])
    c = group_cursor(client, stream.id, gname(), "solo")
    got = client.get_messages(stream.id, c, limit=10).data
    assert len(got) == 10 and {m.partition for m in got} == {"0", "1"}
