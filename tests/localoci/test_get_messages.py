"""GetMessages: GET /20180418/streams/{id}/messages?cursor=&limit=."""

from __future__ import annotations

import oci
import pytest

from .helpers import V, assert_error, cursor, publish, values


def test_next_cursor_continues_where_the_batch_ended(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(5)])
    first = client.get_messages(stream.id, cursor(client, stream.id), limit=2)
    assert values(first.data) == ["0", "1"]
    second = client.get_messages(stream.id, first.headers["opc-next-cursor"], limit=10)
    assert values(second.data) == ["2", "3", "4"]


def test_empty_batch_is_an_empty_array_with_a_next_cursor(raw, client, make_stream):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    resp = raw.get(f"{V}/streams/{stream.id}/messages", params={"cursor": c, "limit": 5})
    assert resp.status_code == 200 and resp.json() == []
    assert resp.headers["opc-next-cursor"]


def test_next_cursor_of_an_empty_batch_sees_later_messages(client, make_stream):
    stream = make_stream(partitions=1)
    empty = client.get_messages(stream.id, cursor(client, stream.id))
    assert empty.data == []
    publish(client, stream.id, ("k", "late"))
    assert values(client.get_messages(stream.id, empty.headers["opc-next-cursor"]).data) == ["late"]


def test_message_wire_shape(raw, client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "v"), (None, "w"))
    resp = raw.get(
        f"{V}/streams/{stream.id}/messages", params={"cursor": cursor(client, stream.id)}
    )
    msgs = resp.json()
    assert isinstance(msgs, list) and len(msgs) == 2
    for m in msgs:
        assert set(m) == {"stream", "partition", "key", "value", "offset", "timestamp"}
        assert m["stream"] == stream.name and m["partition"] == "0" and isinstance(m["offset"], int)
    assert msgs[1]["key"] is None


def test_limit_caps_the_batch(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(7)])
    assert len(client.get_messages(stream.id, cursor(client, stream.id), limit=3).data) == 3


def test_without_limit_all_available_messages_come_back(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(50)])
    assert len(client.get_messages(stream.id, cursor(client, stream.id)).data) == 50


def test_reading_one_partition_never_returns_anothers_messages(client, make_stream):
    stream = make_stream(partitions=2)
    result = publish(client, stream.id, *[(f"k{i}", str(i)) for i in range(20)])
    for p in ("0", "1"):
        got = client.get_messages(stream.id, cursor(client, stream.id, partition=p)).data
        assert {m.partition for m in got} <= {p}
        assert len(got) == sum(1 for e in result if e.partition == p)


@pytest.mark.parametrize("limit", ["0", "10001", "-1", "ten"])
def test_limit_out_of_range_is_400_naming_limit(raw, client, make_stream, limit):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    assert_error(
        raw.get(f"{V}/streams/{stream.id}/messages", params={"cursor": c, "limit": limit}),
        400,
        "InvalidParameter",
        "limit",
    )


def test_limit_10000_is_accepted(client, make_stream):
    stream = make_stream(partitions=1)
    assert client.get_messages(stream.id, cursor(client, stream.id), limit=10000).data == []


def test_missing_cursor_is_400_naming_cursor(raw, make_stream):
    stream = make_stream(partitions=1)
    assert_error(raw.get(f"{V}/streams/{stream.id}/messages"), 400, "MissingParameter", "cursor")


@pytest.mark.parametrize("bad", ["garbage", "AAAA", "eyJ0eXBlIjoiVHJpbUhvcml6b24ifQ=="])
def test_forged_or_garbage_cursor_is_invalid(raw, make_stream, bad):
    stream = make_stream(partitions=1)
    assert_error(
        raw.get(f"{V}/streams/{stream.id}/messages", params={"cursor": bad}),
        400,
        contains="The cursor is invalid. Create a new one.",
    )


def test_cursor_of_another_stream_is_invalid(client, make_stream):
    a, b = make_stream(partitions=1), make_stream(partitions=1)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages(b.id, cursor(client, a.id))
    assert (
        err.value.status == 400 and err.value.message == "The cursor is invalid. Create a new one."
    )


def test_get_from_unknown_stream_is_404(client, make_stream):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages("ocid1.stream.oc1.local.unknown", c)
    assert (
        err.value.status == 404
        and err.value.message == "Unknown stream ocid1.stream.oc1.local.unknown."
    )


def test_deleted_stream_cannot_be_read(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    localoci.admin().delete_stream(stream.id)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages(stream.id, c)
    assert err.value.status == 404
