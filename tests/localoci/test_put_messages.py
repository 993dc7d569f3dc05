"""PutMessages: POST /20180418/streams/{id}/messages."""

from __future__ import annotations

import base64
import re

import oci
import pytest

from .helpers import V, assert_error, b64, cursor, entries, publish, values

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_result_has_one_entry_per_message_in_request_order(client, make_stream):
    stream = make_stream(partitions=1)
    result = client.put_messages(stream.id, entries(*[(f"k{i}", f"v{i}") for i in range(5)])).data
    assert result.failures == 0
    assert [e.offset for e in result.entries] == [0, 1, 2, 3, 4]
    assert all(e.partition == "0" and e.error is None for e in result.entries)


def test_success_entries_carry_only_partition_offset_timestamp_on_the_wire(raw, make_stream):
    stream = make_stream(partitions=2)
    resp = raw.post(
        f"{V}/streams/{stream.id}/messages",
        short=True,
        json={"messages": [{"key": b64("a"), "value": b64("x")}, {"value": b64("y")}]},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert set(body) == {"failures", "entries"} and body["failures"] == 0
    for e in body["entries"]:
        assert set(e) == {"partition", "offset", "timestamp"}
        assert isinstance(e["partition"], str) and isinstance(e["offset"], int)
        assert TS.match(e["timestamp"]), e["timestamp"]
    assert resp.headers["opc-request-id"]


def test_same_key_always_lands_on_same_partition(client, make_stream):
    stream = make_stream(partitions=4)
    first = publish(client, stream.id, *[(f"user-{i}", "a") for i in range(20)])
    second = publish(client, stream.id, *[(f"user-{i}", "b") for i in range(20)])
    assert [e.partition for e in first] == [e.partition for e in second]
    assert len({e.partition for e in first}) > 1  # 20 keys over 4 partitions use more than one


def test_offsets_increase_per_partition_and_start_at_zero(client, make_stream):
    stream = make_stream(partitions=3)
    result = publish(client, stream.id, *[(f"k{i % 6}", str(i)) for i in range(30)])
    per: dict[str, list[int]] = {}
    for e in result:
        per.setdefault(e.partition, []).append(e.offset)
    for offs in per.values():
        assert offs == list(range(len(offs)))


def test_keyless_messages_spread_over_partitions(client, make_stream):
    stream = make_stream(partitions=4)
    result = publish(client, stream.id, *[(None, f"m{i}") for i in range(40)])
    assert len({e.partition for e in result}) >= 3


def test_keyless_message_is_read_back_with_null_key(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, (None, "no key"))
    got = client.get_messages(stream.id, cursor(client, stream.id)).data
    assert got[0].key is None and values(got) == ["no key"]


def test_timestamps_are_set_by_the_server_and_shared_by_a_batch(client, make_stream):
    stream = make_stream(partitions=1)
    result = publish(client, stream.id, ("a", "1"), ("a", "2"))
    assert result[0].timestamp == result[1].timestamp
    assert result[0].timestamp is not None


def test_message_stream_field_is_the_stream_name(client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "v"))
    [msg] = client.get_messages(stream.id, cursor(client, stream.id)).data
    assert msg.stream == stream.name and msg.partition == "0" and msg.offset == 0


def test_binary_values_round_trip_byte_for_byte(client, make_stream):
    stream = make_stream(partitions=1)
    blob = bytes(range(256))
    details = oci.streaming.models.PutMessagesDetails(
        messages=[
            oci.streaming.models.PutMessagesDetailsEntry(
                key=b64(b"\x00\xff"), value=base64.b64encode(blob).decode()
            )
        ]
    )
    client.put_messages(stream.id, details)
    [msg] = client.get_messages(stream.id, cursor(client, stream.id)).data
    assert base64.b64decode(msg.value) == blob and base64.b64decode(msg.key) == b"\x00\xff"


def test_cli_style_null_key_is_accepted(raw, make_stream):
    stream = make_stream(partitions=1)
    resp = raw.post(
        f"{V}/streams/{stream.id}/messages", json={"messages": [{"key": None, "value": b64("v")}]}
    )
    assert resp.status_code == 200 and resp.json()["failures"] == 0


def test_unpadded_base64_is_accepted(raw, make_stream):
    stream = make_stream(partitions=1)
    resp = raw.post(f"{V}/streams/{stream.id}/messages", json={"messages": [{"value": "aGk"}]})
    assert resp.status_code == 200, resp.text


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "messages"),
        ({"messages": []}, "messages"),
        ({"messages": "x"}, "messages"),
        ({"messages": [{"key": b64("k")}]}, "messages[0].value"),
        ({"messages": [{"value": "not base64!"}]}, "messages[0].value"),
        ({"messages": [{"value": b64("v"), "key": "%%%"}]}, "messages[0].key"),
        ({"messages": [{"value": 12}]}, "messages[0].value"),
        ({"messages": ["text"]}, "messages[0]"),
    ],
)
def test_bad_batches_are_400_naming_the_field(raw, make_stream, body, field):
    stream = make_stream(partitions=1)
    assert_error(raw.post(f"{V}/streams/{stream.id}/messages", json=body), 400, contains=field)


def test_key_over_256_bytes_is_refused(raw, make_stream):
    stream = make_stream(partitions=1)
    body = {"messages": [{"key": b64(b"k" * 257), "value": b64("v")}]}
    assert_error(
        raw.post(f"{V}/streams/{stream.id}/messages", json=body),
        400,
        "InvalidParameter",
        "messages[0].key",
    )


def test_a_refused_batch_stores_nothing(raw, client, make_stream):
    stream = make_stream(partitions=1)
    body = {"messages": [{"value": b64("ok")}, {"value": "@@"}]}
    assert raw.post(f"{V}/streams/{stream.id}/messages", json=body).status_code == 400
    assert client.get_messages(stream.id, cursor(client, stream.id)).data == []


def test_put_to_unknown_stream_is_404(client):
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.put_messages("ocid1.stream.oc1.local.nope", entries(("k", "v")))
    assert err.value.status == 404 and err.value.code == "NotAuthorizedOrNotFound"
    assert err.value.message == "Unknown stream ocid1.stream.oc1.local.nope."
