"""Operations called directly on a Service over a fresh database per test (the flaskr way): no
HTTP, no server.  What an operation returns is plain values (ops/results.py); the store's
methods answer the questions the rules ask; time moves by the lab clock or the injected rate
clock, never by sleeping."""

from __future__ import annotations

import base64
import re

import pytest

from localoci import errors, groups, ops
from localoci.ops.control import stats
from localoci.ops.results import Accepted, Created, Fetched, Page

WAIT = re.compile(r"next request can be made in (\d+) ms")
COMPARTMENT = "ocid1.tenancy.oc1..ops"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def new_stream(svc, name: str = "s", partitions: int = 1) -> dict:
    return ops.create_stream(
        svc, {"name": name, "partitions": partitions, "compartmentId": COMPARTMENT}
    ).resource


def test_create_stream_returns_the_stream_its_work_request_and_its_etag(svc):
    created = ops.create_stream(
        svc, {"name": "orders", "partitions": 2, "compartmentId": COMPARTMENT}
    )
    assert isinstance(created, Created)
    assert created.resource["name"] == "orders" and created.resource["lifecycleState"] == "CREATING"
    wr = ops.get_work_request(svc, created.work_request_id)
    assert (
        wr["operationType"] == "CREATE_STREAM"
        and wr["resources"][0]["identifier"] == created.resource["id"]
    )
    fetched = ops.get_stream(svc, created.resource["id"])
    assert isinstance(fetched, Fetched) and fetched.etag == created.etag
    assert fetched.resource["lifecycleState"] == "ACTIVE"  # ready delay 0


def test_delete_stream_is_accepted_with_a_work_request_and_the_stream_reads_deleted(svc):
    stream = new_stream(svc)
    accepted = ops.delete_stream(svc, stream["id"], None)
    assert isinstance(accepted, Accepted)
    assert ops.get_work_request(svc, accepted.work_request_id)["operationType"] == "DELETE_STREAM"
    assert ops.get_stream(svc, stream["id"]).resource["lifecycleState"] == "DELETED"


def test_a_stale_if_match_is_refused_before_anything_changes(svc):
    stream = new_stream(svc)
    with pytest.raises(errors.OciError) as err:
        ops.update_stream(svc, stream["id"], {"freeformTags": {"a": "b"}}, "stale-etag")
    assert err.value.status == 412
    assert ops.get_stream(svc, stream["id"]).resource["freeformTags"] == {}


def test_list_streams_pages_with_a_next_page_token_until_the_last_page(svc):
    for i in range(3):
        new_stream(svc, f"s{i}")
    first = ops.list_streams(svc, {"compartmentId": COMPARTMENT, "limit": "2", "sortBy": "NAME"})
    assert (
        isinstance(first, Page)
        and [s["name"] for s in first.items] == ["s0", "s1"]
        and first.next_page
    )
    last = ops.list_streams(
        svc, {"compartmentId": COMPARTMENT, "limit": "2", "sortBy": "NAME", "page": first.next_page}
    )
    assert [s["name"] for s in last.items] == ["s2"] and last.next_page is None


def test_messages_put_are_read_back_in_order_from_the_next_cursor(svc):
    stream = new_stream(svc)
    put = ops.put_messages(
        svc,
        stream["id"],
        {"messages": [{"key": b64("k"), "value": b64(f"m{i}")} for i in range(3)]},
    )
    assert put["failures"] == 0 and [e["offset"] for e in put["entries"]] == [0, 1, 2]
    cursor = ops.create_cursor(svc, stream["id"], {"partition": "0", "type": "TRIM_HORIZON"})[
        "value"
    ]
    batch, nxt = ops.get_messages(svc, stream["id"], {"cursor": cursor, "limit": "2"})
    assert [m.value for m in batch.messages] == [b"m0", b"m1"]
    rest, _ = ops.get_messages(svc, stream["id"], {"cursor": nxt})
    assert [m.offset for m in rest.messages] == [2]


def test_write_budget_comes_back_as_the_injected_clock_moves(svc, rate_clock):
    stream = new_stream(svc)
    full = {
        "messages": [
            {"key": b64("k"), "value": base64.b64encode(b"x" * (1024 * 1024 - 1)).decode()}
        ]
    }
    assert ops.put_messages(svc, stream["id"], full)["failures"] == 0
    throttled = ops.put_messages(svc, stream["id"], full)
    assert throttled["failures"] == 1
    wait_ms = int(WAIT.search(throttled["entries"][0]["errorMessage"]).group(1))
    rate_clock.advance(wait_ms / 1000)
    assert ops.put_messages(svc, stream["id"], full)["failures"] == 0


def test_a_sixth_read_in_a_second_waits_until_the_injected_clock_moves(svc, rate_clock):
    stream = new_stream(svc)
    cursor = ops.create_cursor(svc, stream["id"], {"partition": "0", "type": "TRIM_HORIZON"})[
        "value"
    ]
    for _ in range(5):
        ops.get_messages(svc, stream["id"], {"cursor": cursor})
    with pytest.raises(errors.OciError) as err:
        ops.get_messages(svc, stream["id"], {"cursor": cursor})
    assert err.value.status == 429
    rate_clock.advance(int(WAIT.search(err.value.message).group(1)) / 1000)
    ops.get_messages(svc, stream["id"], {"cursor": cursor})


def test_two_instances_split_a_groups_partitions_through_the_store(svc):
    stream = new_stream(svc, partitions=3)
    for instance in ("a", "b"):
        ops.create_group_cursor(
            svc, stream["id"], {"groupName": "g", "instanceName": instance, "type": "TRIM_HORIZON"}
        )
    held = {i: svc.store.groups.reserved(stream["id"], "g", i) for i in ("a", "b")}
    assert held == {"a": [0, 1], "b": [2]}  # "a" joined first: it holds one more


def test_a_group_unused_for_the_retention_period_is_dropped_from_the_store(svc):
    stream = new_stream(svc)
    ops.create_group_cursor(
        svc, stream["id"], {"groupName": "idle", "instanceName": "i", "type": "LATEST"}
    )
    assert groups.find(svc, stream["id"], "idle") is not None
    svc.advance_clock(24 * 3600 + 60)
    assert groups.find(svc, stream["id"], "idle") is None
    assert svc.store.groups.partitions(stream["id"], "idle") == []


def test_retention_moves_the_trim_offset_that_stats_report(svc):
    stream = new_stream(svc)
    ops.put_messages(svc, stream["id"], {"messages": [{"value": b64("old")}]})
    svc.advance_clock(24 * 3600 + 1)
    ops.put_messages(svc, stream["id"], {"messages": [{"value": b64("new")}]})
    assert stats(svc)["streams"][stream["id"]]["partitions"] == {
        "0": {"nextOffset": 2, "trimOffset": 1}
    }


def test_reset_forgets_streams_and_groups_but_keeps_the_clock_and_the_secret(svc):
    stream = new_stream(svc)
    ops.create_group_cursor(
        svc, stream["id"], {"groupName": "g", "instanceName": "i", "type": "LATEST"}
    )
    svc.advance_clock(60)
    offset, secret = svc.clock.offset_ms, svc.store.meta_get("server_secret")
    svc.reset()
    assert svc.store.all_streams() == [] and stats(svc)["streams"] == {}
    assert groups.find(svc, stream["id"], "g") is None
    assert svc.clock.offset_ms == offset and svc.store.meta_get("clock_offset_ms") == str(offset)
    assert svc.store.meta_get("server_secret") == secret
