"""CreateCursor: POST /20180418/streams/{id}/cursors, all five types."""

from __future__ import annotations

import datetime as dt

import oci
import pytest

from .helpers import V, assert_error, cursor, publish, values


def test_trim_horizon_reads_from_the_oldest_message(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(3)])
    assert values(
        client.get_messages(stream.id, cursor(client, stream.id, type_="TRIM_HORIZON")).data
    ) == ["0", "1", "2"]


def test_latest_cursor_skips_existing_messages(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "old"))
    c = cursor(client, stream.id, type_="LATEST")
    publish(client, stream.id, ("k", "new1"), ("k", "new2"))
    assert values(client.get_messages(stream.id, c).data) == ["new1", "new2"]


def test_latest_cursor_on_an_empty_partition_sees_the_first_message(client, make_stream):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id, type_="LATEST")
    publish(client, stream.id, ("k", "first"))
    assert values(client.get_messages(stream.id, c).data) == ["first"]


def test_at_offset_includes_the_offset_and_after_offset_excludes_it(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, *[("k", str(i)) for i in range(5)])
    at = client.get_messages(stream.id, cursor(client, stream.id, type_="AT_OFFSET", offset=2)).data
    after = client.get_messages(
        stream.id, cursor(client, stream.id, type_="AFTER_OFFSET", offset=2)
    ).data
    assert [m.offset for m in at] == [2, 3, 4]
    assert [m.offset for m in after] == [3, 4]


def test_after_offset_of_the_last_message_waits_for_the_next(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "0"), ("k", "1"))
    c = cursor(client, stream.id, type_="AFTER_OFFSET", offset=1)
    assert client.get_messages(stream.id, c).data == []
    publish(client, stream.id, ("k", "2"))
    assert values(client.get_messages(stream.id, c).data) == ["2"]


def test_at_time_starts_at_the_first_message_at_or_after_the_time(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "before"))
    localoci.advance(60)  # a clear gap on localoci's clock between the two batches
    now = localoci.call("GET", "/_localoci/clock")["now"]
    publish(client, stream.id, ("k", "after1"), ("k", "after2"))
    t = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    got = client.get_messages(stream.id, cursor(client, stream.id, type_="AT_TIME", time=t)).data
    assert values(got) == ["after1", "after2"]
    early = t - dt.timedelta(hours=1)
    assert (
        len(
            client.get_messages(
                stream.id, cursor(client, stream.id, type_="AT_TIME", time=early)
            ).data
        )
        == 3
    )


def test_at_time_in_the_future_returns_nothing_yet(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "x"))
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 5)
    assert (
        client.get_messages(stream.id, cursor(client, stream.id, type_="AT_TIME", time=future)).data
        == []
    )


@pytest.mark.parametrize(
    "time",
    [
        "2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05.123Z",
        "2024-01-02T03:04:05.000000Z",
        "2024-01-02T04:04:05+01:00",
    ],
)
def test_at_time_accepts_rfc3339_forms_the_sdk_and_cli_send(raw, make_stream, time):
    stream = make_stream(partitions=1)
    resp = raw.post(
        f"{V}/streams/{stream.id}/cursors", json={"partition": "0", "type": "AT_TIME", "time": time}
    )
    assert resp.status_code == 200 and isinstance(resp.json()["value"], str)


def test_cursor_response_is_value_only(raw, make_stream):
    stream = make_stream(partitions=1)
    resp = raw.post(
        f"{V}/streams/{stream.id}/cursors", json={"partition": "0", "type": "TRIM_HORIZON"}
    )
    assert resp.status_code == 200 and set(resp.json()) == {"value"}


def test_lower_case_type_is_accepted(raw, make_stream):
    stream = make_stream(partitions=1)
    resp = raw.post(f"{V}/streams/{stream.id}/cursors", json={"partition": "0", "type": "latest"})
    assert resp.status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"type": "TRIM_HORIZON"}, "partition"),
        ({"partition": "0"}, "type"),
        ({"partition": "0", "type": "BEGINNING"}, "type"),
        ({"partition": "5", "type": "TRIM_HORIZON"}, "partition"),
        ({"partition": 0, "type": "TRIM_HORIZON"}, "partition"),
        ({"partition": "0", "type": "AT_OFFSET"}, "offset"),
        ({"partition": "0", "type": "AT_OFFSET", "offset": "1"}, "offset"),
        ({"partition": "0", "type": "AFTER_OFFSET", "offset": 99}, "offset"),
        ({"partition": "0", "type": "AT_TIME"}, "time"),
        ({"partition": "0", "type": "AT_TIME", "time": "yesterday"}, "time"),
    ],
)
def test_bad_cursor_requests_are_400_naming_the_field(raw, client, make_stream, body, field):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "0"), ("k", "1"))
    assert_error(raw.post(f"{V}/streams/{stream.id}/cursors", json=body), 400, contains=field)


def test_offset_cursor_on_an_empty_partition_is_400(client, make_stream):
    stream = make_stream(partitions=1)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        cursor(client, stream.id, type_="AT_OFFSET", offset=0)
    assert err.value.status == 400


def test_cursor_on_unknown_stream_is_404(client):
    with pytest.raises(oci.exceptions.ServiceError) as err:
        cursor(client, "ocid1.stream.oc1.local.none")
    assert (err.value.status, err.value.code) == (404, "NotAuthorizedOrNotFound")
