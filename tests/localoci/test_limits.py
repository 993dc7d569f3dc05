"""OCI's limits, on by default: sizes, write and read rates, groups per stream, cursor expiry,
retention.  Nothing here sleeps: time-based rules move localoci's controllable clock
(``advance``), and the rate limits run on the in-process server's injected monotonic clock,
which a test moves past an announced wait (``rate_clock.advance``)."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import oci
import pytest

from .helpers import Models, V, assert_error, b64, cursor, entries, group_cursor, publish, values

MIB = 1024 * 1024
WAIT = re.compile(r"next request can be made in (\d+) ms")


def big(n: int) -> str:
    return b64(b"x" * n)


def test_message_over_1_mib_is_400_request_size_limited(raw, make_stream):
    stream = make_stream(partitions=1)
    resp = raw.post(
        f"{V}/streams/{stream.id}/messages",
        short=True,
        json={"messages": [{"value": big(MIB + 1)}]},
    )
    assert_error(resp, 400, "InvalidParameter", "Request size is limited to 1 MiB")


def test_request_over_1_mib_in_total_is_400_and_stores_nothing(raw, client, make_stream):
    stream = make_stream(partitions=1)
    body = {"messages": [{"value": big(600 * 1024)}, {"value": big(600 * 1024)}]}
    resp = raw.post(f"{V}/streams/{stream.id}/messages", short=True, json=body)
    assert_error(resp, 400, "InvalidParameter", "Request size is limited to 1 MiB")
    assert client.get_messages(stream.id, cursor(client, stream.id)).data == []


def test_message_of_exactly_1_mib_is_accepted(client, make_stream):
    stream = make_stream(partitions=1)
    details = Models.PutMessagesDetails(messages=[Models.PutMessagesDetailsEntry(value=big(MIB))])
    assert client.put_messages(stream.id, details).data.failures == 0


def test_write_throttling_is_http_200_with_per_entry_errors(raw, make_stream):
    stream = make_stream(partitions=1)
    # One full second of the partition's budget (key "k" + value = 1 MiB) empties the bucket.
    first = raw.post(
        f"{V}/streams/{stream.id}/messages",
        short=True,
        json={"messages": [{"key": b64("k"), "value": big(MIB - 1)}]},
    )
    assert first.status_code == 200 and first.json()["failures"] == 0
    batch = [
        {"key": b64("k"), "value": b64("small")},
        {"key": b64("k"), "value": big(900 * 1024)},
        {"key": b64("k"), "value": b64("after")},
    ]
    resp = raw.post(f"{V}/streams/{stream.id}/messages", short=True, json={"messages": batch})
    assert resp.status_code == 200
    body = resp.json()
    ok, throttled, later = body["entries"]
    assert set(ok) == {"partition", "offset", "timestamp"}
    assert body["failures"] == 2
    for e in (
        throttled,
        later,
    ):  # once throttled, later entries of that partition wait too: order kept
        assert set(e) == {"error", "errorMessage"}
        assert e["error"] == "429"
        assert WAIT.search(e["errorMessage"]), e["errorMessage"]


def test_throttled_entries_succeed_after_the_announced_wait(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    full = "x" * (MIB - 1)  # with the 1-byte key: exactly one second of the partition's budget
    publish(client, stream.id, ("k", full))
    result = client.put_messages(stream.id, entries(("k", full))).data
    assert result.failures == 1
    wait_ms = int(WAIT.search(result.entries[0].error_message).group(1))
    assert 0 < wait_ms <= 1000
    localoci.rate_clock.advance(wait_ms / 1000)
    assert client.put_messages(stream.id, entries(("k", full))).data.failures == 0


def test_more_than_5_gets_per_second_on_a_partition_is_429(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    clients = [localoci.stream_client() for _ in range(20)]  # one per thread, made before the burst

    def attempt(i):
        try:
            clients[i].get_messages(stream.id, c)
            return None
        except oci.exceptions.ServiceError as exc:
            return exc

    # A burst of 20 calls in one instant of the rate clock (however slow the machine): the
    # budget starts full (5), so exactly five pass and each refusal says when the next may.
    with localoci.rate_clock.frozen(), ThreadPoolExecutor(20) as pool:
        results = list(pool.map(attempt, range(20)))
    errors = [e for e in results if e is not None]
    assert results.count(None) >= 5, "the first five calls of a full budget must pass"
    assert errors, "no call was throttled"
    error = errors[0]
    assert (error.status, error.code) == (429, "TooManyRequests")
    wait_ms = int(WAIT.search(error.message).group(1))
    assert 0 < wait_ms <= 1000
    with localoci.rate_clock.frozen():
        localoci.rate_clock.advance(wait_ms / 1000)
        client.get_messages(stream.id, c)


def test_each_consumer_group_has_its_own_read_budget(client, make_stream):
    stream = make_stream(partitions=1)
    cursors = [group_cursor(client, stream.id, f"rate-{i}", "a") for i in range(2)]
    for c in cursors:  # 5 + 5 within a second: both groups stay within their own 5/s
        for _ in range(5):
            c = client.get_messages(stream.id, c).headers["opc-next-cursor"]


def test_fifty_groups_per_stream_then_400(client, make_stream):
    stream = make_stream(partitions=1)
    for i in range(50):
        group_cursor(client, stream.id, f"g{i}", "a")
    with pytest.raises(oci.exceptions.ServiceError) as err:
        group_cursor(client, stream.id, "g50", "a")
    assert err.value.status == 400 and err.value.code == "LimitExceeded"
    group_cursor(client, stream.id, "g7", "b")  # joining an existing group is still fine


def test_cursor_expires_after_five_minutes(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    young, old = cursor(client, stream.id), cursor(client, stream.id)
    localoci.advance(290)
    client.get_messages(stream.id, young)  # 4 min 50 s: still good
    localoci.advance(11)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages(stream.id, old)
    assert (
        err.value.status == 400 and err.value.message == "The cursor is expired. Create a new one."
    )


def test_next_cursor_has_a_fresh_five_minutes(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    localoci.advance(200)
    nxt = client.get_messages(stream.id, c).headers["opc-next-cursor"]
    localoci.advance(200)  # 400 s after the first cursor, 200 s after the next one
    client.get_messages(stream.id, nxt)


def test_group_cursor_expires_too(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    c = group_cursor(client, stream.id, "exp", "a")
    localoci.advance(301)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages(stream.id, c)
    assert err.value.message == "The cursor is expired. Create a new one."


def test_retention_trims_old_messages_and_trim_horizon_moves(localoci, client, make_stream):
    stream = make_stream(partitions=1)  # 24 h retention
    publish(client, stream.id, ("k", "old0"), ("k", "old1"))
    localoci.advance(24 * 3600 - 60)
    publish(client, stream.id, ("k", "young"))
    before = cursor(client, stream.id, type_="AT_OFFSET", offset=0)
    localoci.advance(120)  # old0/old1 are now past 24 h; the cursor is 2 minutes old
    assert values(client.get_messages(stream.id, cursor(client, stream.id)).data) == ["young"]
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages(stream.id, before)
    assert err.value.status == 400
    assert err.value.message == "The cursor is outside the retention period and is now invalid."
    with pytest.raises(oci.exceptions.ServiceError):
        cursor(client, stream.id, type_="AT_OFFSET", offset=0)  # offset 0 is gone


def test_group_behind_the_trim_horizon_needs_update_group(localoci, client, make_stream):
    stream = make_stream(partitions=1)
    publish(client, stream.id, ("k", "a"), ("k", "b"), ("k", "c"))
    c = group_cursor(client, stream.id, "behind", "i", commit_on_get=False)
    got = client.get_messages(stream.id, c, limit=1)
    client.consumer_commit(stream.id, got.headers["opc-next-cursor"])  # committed offset 0
    # The group stays in use (a group unused for the whole retention period disappears),
    # while its committed position falls behind the trim horizon.
    localoci.advance(12 * 3600)
    group_cursor(client, stream.id, "behind", "i")
    localoci.advance(13 * 3600)
    publish(client, stream.id, ("k", "d"))
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages(stream.id, group_cursor(client, stream.id, "behind", "i"))
    assert err.value.message == "The cursor is outside the retention period and is now invalid."
    client.update_group(stream.id, "behind", Models.UpdateGroupDetails(type="TRIM_HORIZON"))
    assert values(
        client.get_messages(stream.id, group_cursor(client, stream.id, "behind", "i")).data
    ) == ["d"]


def test_no_limits_switch_accepts_big_messages_and_fast_reads(localoci_factory, make_stream):
    server = localoci_factory("--no-limits")
    stream = make_stream(partitions=1, server=server)
    client = server.stream_client()
    details = Models.PutMessagesDetails(
        messages=[Models.PutMessagesDetailsEntry(value=big(2 * MIB))]
    )
    assert client.put_messages(stream.id, details).data.failures == 0
    c = cursor(client, stream.id)
    for _ in range(10):
        client.get_messages(stream.id, c, limit=1)


def test_longer_retention_keeps_messages_longer(localoci, client):
    admin = localoci.admin()
    s = admin.create_stream(
        Models.CreateStreamDetails(
            name=f"ret48-{time.monotonic_ns()}",
            partitions=1,
            compartment_id=localoci.compartment,
            retention_in_hours=48,
        )
    ).data
    try:
        oci.wait_until(
            admin,
            admin.get_stream(s.id),
            "lifecycle_state",
            "ACTIVE",
            max_wait_seconds=10,
            max_interval_seconds=0.1,
        )
        publish(client, s.id, ("k", "kept"))
        localoci.advance(25 * 3600)
        assert values(client.get_messages(s.id, cursor(client, s.id)).data) == ["kept"]
        localoci.advance(24 * 3600)
        assert client.get_messages(s.id, cursor(client, s.id)).data == []
    finally:
        admin.delete_stream(s.id)
