"""Stream administration: CreateStream, GetStream, ListStreams, UpdateStream, DeleteStream,
ChangeStreamCompartment, stream pools (DefaultPool included) and work requests.

Tests that list things use a compartment of their own, so other tests' streams never show up."""

from __future__ import annotations

import itertools
import os

import oci
import pytest

from .helpers import NO_RETRY, V, assert_error, b64, entries

Models = oci.streaming.models
_n = itertools.count()


def compartment() -> str:
    return f"ocid1.compartment.oc1..test{os.getpid()}x{next(_n)}"


@pytest.fixture
def admin(localoci):
    return localoci.admin(retry_strategy=NO_RETRY)


@pytest.fixture
def cleanup(admin):
    ids = []
    yield ids
    for i in ids:
        try:
            admin.delete_stream(i)
        except oci.exceptions.ServiceError:
            pass


def create(admin, cleanup, name, comp, partitions=1, **kw):
    s = admin.create_stream(
        Models.CreateStreamDetails(name=name, partitions=partitions, compartment_id=comp, **kw)
    ).data
    cleanup.append(s.id)
    return s


def test_create_answers_creating_with_a_work_request_then_becomes_active(localoci, admin, cleanup):
    resp = admin.create_stream(
        Models.CreateStreamDetails(name="new", partitions=2, compartment_id=compartment())
    )
    cleanup.append(resp.data.id)
    assert resp.status == 200
    assert resp.data.lifecycle_state == "CREATING"
    assert resp.headers["opc-work-request-id"].startswith("ocid1.")
    assert resp.data.id.startswith("ocid1.stream.oc1.")
    stream = oci.wait_until(
        admin,
        admin.get_stream(resp.data.id),
        "lifecycle_state",
        "ACTIVE",
        max_wait_seconds=10,
        max_interval_seconds=0.1,
    ).data
    assert stream.partitions == 2 and stream.retention_in_hours == 24
    assert stream.messages_endpoint == localoci.url
    wr = admin.get_work_request(resp.headers["opc-work-request-id"]).data
    assert wr.status == "SUCCEEDED" and wr.operation_type == "CREATE_STREAM"
    assert wr.resources[0].identifier == stream.id and wr.resources[0].action_type == "CREATED"


def test_stream_wire_shape(raw, admin, cleanup):
    s = create(
        admin, cleanup, "shape", compartment(), retention_in_hours=48, freeform_tags={"team": "lab"}
    )
    resp = raw.get(f"{V}/streams/{s.id}")
    body = resp.json()
    assert {
        "name",
        "id",
        "partitions",
        "retentionInHours",
        "compartmentId",
        "streamPoolId",
        "lifecycleState",
        "timeCreated",
        "messagesEndpoint",
        "freeformTags",
        "definedTags",
    } <= set(body)
    assert body["retentionInHours"] == 48 and body["freeformTags"] == {"team": "lab"}
    assert resp.headers["etag"]


def test_new_stream_goes_into_the_compartments_default_pool(admin, cleanup):
    comp = compartment()
    s = create(admin, cleanup, "pooled", comp)
    pools = admin.list_stream_pools(comp).data
    assert [p.name for p in pools] == ["DefaultPool"]
    assert s.stream_pool_id == pools[0].id
    pool = admin.get_stream_pool(pools[0].id).data
    assert pool.kafka_settings.auto_create_topics_enable is False
    assert pool.kafka_settings.log_retention_hours == 24 and pool.kafka_settings.num_partitions == 1


def test_default_pool_cannot_be_deleted(admin):
    comp = compartment()
    [pool] = admin.list_stream_pools(comp).data
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.delete_stream_pool(pool.id)
    assert err.value.status == 409


def test_duplicate_name_in_a_pool_is_409_but_fine_elsewhere(admin, cleanup):
    comp = compartment()
    create(admin, cleanup, "dup", comp)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        create(admin, cleanup, "dup", comp)
    assert (err.value.status, err.value.code) == (409, "Conflict")
    create(admin, cleanup, "dup", compartment())  # another compartment, another DefaultPool


def test_name_is_free_again_after_delete(admin, cleanup):
    comp = compartment()
    s = create(admin, cleanup, "reuse", comp)
    admin.delete_stream(s.id)
    create(admin, cleanup, "reuse", comp)


def test_compartment_and_pool_together_or_neither_is_400(raw, admin):
    comp = compartment()
    [pool] = admin.list_stream_pools(comp).data
    assert_error(
        raw.post(
            f"{V}/streams",
            json={"name": "x", "partitions": 1, "compartmentId": comp, "streamPoolId": pool.id},
        ),
        400,
    )
    assert_error(raw.post(f"{V}/streams", json={"name": "x", "partitions": 1}), 400)


def test_list_filters_by_name_state_and_id(admin, cleanup):
    comp = compartment()
    a, b = create(admin, cleanup, "alpha", comp), create(admin, cleanup, "beta", comp)
    admin.get_stream(a.id), admin.get_stream(b.id)  # settle to ACTIVE
    assert [s.name for s in admin.list_streams(compartment_id=comp, name="alpha").data] == ["alpha"]
    assert [s.id for s in admin.list_streams(compartment_id=comp, id=b.id).data] == [b.id]
    assert len(admin.list_streams(compartment_id=comp, lifecycle_state="ACTIVE").data) == 2
    admin.delete_stream(a.id)
    deleted = admin.list_streams(compartment_id=comp, lifecycle_state="DELETED").data
    assert [s.id for s in deleted] == [a.id]
    assert admin.list_streams(compartment_id=comp, name="nobody").data == []


def test_list_summaries_have_no_retention(raw, admin, cleanup):
    comp = compartment()
    create(admin, cleanup, "summary", comp)
    [item] = raw.get(f"{V}/streams", params={"compartmentId": comp}).json()
    assert "retentionInHours" not in item and item["name"] == "summary"


def test_paging_sets_opc_next_page_except_on_the_last_page(raw, admin, cleanup):
    comp = compartment()
    for i in range(5):
        create(admin, cleanup, f"s{i}", comp)
    names, page, pages = [], None, 0
    while True:
        params = {"compartmentId": comp, "limit": 2, "sortBy": "NAME"}
        if page:
            params["page"] = page
        resp = raw.get(f"{V}/streams", params=params)
        assert resp.status_code == 200
        names += [s["name"] for s in resp.json()]
        pages += 1
        page = resp.headers.get("opc-next-page")
        if page is None:
            break
        assert page  # never an empty header: the SDK would loop for ever
    assert pages == 3 and names == ["s0", "s1", "s2", "s3", "s4"]


def test_list_call_get_all_results_collects_every_page(admin, cleanup):
    comp = compartment()
    for i in range(4):
        create(admin, cleanup, f"all{i}", comp)
    got = oci.pagination.list_call_get_all_results(
        admin.list_streams, compartment_id=comp, limit=3
    ).data
    assert sorted(s.name for s in got) == ["all0", "all1", "all2", "all3"]


def test_list_sorting(admin, cleanup):
    comp = compartment()
    for name in ("b", "c", "a"):
        create(admin, cleanup, name, comp)
    by_name = [s.name for s in admin.list_streams(compartment_id=comp, sort_by="NAME").data]
    assert by_name == ["a", "b", "c"]  # NAME defaults to ascending
    newest_first = [s.name for s in admin.list_streams(compartment_id=comp).data]
    assert newest_first == ["a", "c", "b"]  # TIMECREATED defaults to descending
    desc = [
        s.name
        for s in admin.list_streams(compartment_id=comp, sort_by="NAME", sort_order="DESC").data
    ]
    assert desc == ["c", "b", "a"]


def test_list_needs_exactly_one_of_compartment_and_pool(raw):
    assert_error(raw.get(f"{V}/streams"), 400)


def test_list_by_pool(admin, cleanup):
    comp = compartment()
    pool = admin.create_stream_pool(
        Models.CreateStreamPoolDetails(name="mine", compartment_id=comp)
    ).data
    s = create(admin, cleanup, "in-pool", None, stream_pool_id=pool.id)
    create(admin, cleanup, "in-default", comp)
    assert [x.id for x in admin.list_streams(stream_pool_id=pool.id).data] == [s.id]
    assert len(admin.list_streams(compartment_id=comp).data) == 2  # by compartment: every pool


def test_update_changes_tags_and_etag_and_returns_the_stream(admin, cleanup):
    s = create(admin, cleanup, "upd", compartment())
    etag = admin.get_stream(s.id).headers["etag"]
    resp = admin.update_stream(s.id, Models.UpdateStreamDetails(freeform_tags={"a": "b"}))
    assert resp.data.freeform_tags == {"a": "b"} and resp.data.id == s.id
    assert resp.headers["etag"] != etag and resp.headers["opc-work-request-id"]
    assert admin.get_stream(s.id).data.freeform_tags == {"a": "b"}


def test_update_with_a_stale_if_match_is_412(admin, cleanup):
    s = create(admin, cleanup, "etag", compartment())
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.update_stream(s.id, Models.UpdateStreamDetails(freeform_tags={}), if_match="stale")
    assert (err.value.status, err.value.code) == (412, "NoEtagMatch")


def test_partitions_and_retention_are_immutable(raw, admin, cleanup):
    s = create(admin, cleanup, "fixed", compartment())
    assert_error(raw.put(f"{V}/streams/{s.id}", json={"partitions": 5}), 400, contains="partitions")
    assert_error(
        raw.put(f"{V}/streams/{s.id}", json={"retentionInHours": 48}),
        400,
        contains="retentionInHours",
    )


def test_delete_is_204_with_a_work_request_and_leaves_a_deleted_record(raw, admin, cleanup):
    s = create(admin, cleanup, "gone", compartment())
    resp = raw.delete(f"{V}/streams/{s.id}")
    assert resp.status_code == 204 and resp.content == b""
    assert resp.headers["opc-work-request-id"]
    assert admin.get_stream(s.id).data.lifecycle_state in ("DELETING", "DELETED")
    wr = admin.get_work_request(resp.headers["opc-work-request-id"]).data
    assert wr.operation_type == "DELETE_STREAM" and wr.status == "SUCCEEDED"
    assert admin.get_stream(s.id).data.lifecycle_state == "DELETED"
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.delete_stream(s.id)
    assert err.value.status == 404


def test_deleted_stream_refuses_messages(localoci, admin, cleanup):
    s = create(admin, cleanup, "nomore", compartment())
    admin.get_stream(s.id)
    admin.delete_stream(s.id)
    with pytest.raises(oci.exceptions.ServiceError) as err:
        localoci.stream_client().put_messages(s.id, entries(("k", "v")))
    assert err.value.status == 404 and err.value.message == f"Unknown stream {s.id}."


def test_change_compartment_moves_the_stream_into_the_targets_default_pool(admin, cleanup):
    s = create(admin, cleanup, "mover", compartment())
    target = compartment()
    resp = admin.change_stream_compartment(
        s.id, Models.ChangeStreamCompartmentDetails(compartment_id=target)
    )
    assert resp.headers["opc-work-request-id"]
    moved = admin.get_stream(s.id).data
    [pool] = admin.list_stream_pools(target).data
    assert moved.compartment_id == target and moved.stream_pool_id == pool.id
    wr = admin.get_work_request(resp.headers["opc-work-request-id"]).data
    assert wr.operation_type != "UNKNOWN_ENUM_VALUE", "the SDK does not know this operationType"
    assert wr.status == "SUCCEEDED" and wr.resources[0].identifier == s.id


def test_stream_pool_lifecycle(admin, cleanup):
    comp = compartment()
    resp = admin.create_stream_pool(Models.CreateStreamPoolDetails(name="p1", compartment_id=comp))
    pool = resp.data
    assert pool.lifecycle_state in ("CREATING", "ACTIVE") and resp.headers["opc-work-request-id"]
    assert admin.get_stream_pool(pool.id).data.lifecycle_state == "ACTIVE"
    assert sorted(p.name for p in admin.list_stream_pools(comp).data) == ["DefaultPool", "p1"]
    assert [p.name for p in admin.list_stream_pools(comp, name="p1").data] == ["p1"]
    admin.update_stream_pool(pool.id, Models.UpdateStreamPoolDetails(name="p2"))
    assert admin.get_stream_pool(pool.id).data.name == "p2"
    s = create(admin, cleanup, "inside", None, stream_pool_id=pool.id)
    admin.delete_stream_pool(pool.id)
    assert (
        admin.get_stream(s.id).data.lifecycle_state == "DELETED"
    )  # a pool takes its streams along
    assert admin.get_stream_pool(pool.id).data.lifecycle_state in ("DELETING", "DELETED")


def test_unknown_pool_is_404(admin):
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.get_stream_pool("ocid1.streampool.oc1.local.nope")
    assert (err.value.status, err.value.code) == (404, "NotAuthorizedOrNotFound")


def test_list_work_requests_answers_items(raw, admin, cleanup):
    comp = compartment()
    s = create(admin, cleanup, "wr", comp)
    body = raw.get(f"{V}/workRequests", params={"compartmentId": comp, "resourceId": s.id}).json()
    assert set(body) == {"items"} and [i["operationType"] for i in body["items"]] == [
        "CREATE_STREAM"
    ]
    wr_id = body["items"][0]["id"]
    assert raw.get(f"{V}/workRequests/{wr_id}/errors").json() == {"items": []}
    assert raw.get(f"{V}/workRequests/{wr_id}/logs").json() == {"items": []}


def test_creating_stream_refuses_messages_with_409_incorrect_state(localoci_factory):
    server = localoci_factory("--ready-delay-ms", "60000")
    admin = server.admin(retry_strategy=NO_RETRY)
    resp = admin.create_stream(
        Models.CreateStreamDetails(name="slow", partitions=1, compartment_id=server.compartment)
    )
    s = resp.data
    assert admin.get_stream(s.id).data.lifecycle_state == "CREATING"
    assert admin.get_work_request(resp.headers["opc-work-request-id"]).data.status == "IN_PROGRESS"
    client = server.stream_client()
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.put_messages(s.id, entries(("k", "v")))
    assert (err.value.status, err.value.code) == (409, "IncorrectState")
    server.advance(61)
    assert admin.get_stream(s.id).data.lifecycle_state == "ACTIVE"
    assert admin.get_work_request(resp.headers["opc-work-request-id"]).data.status == "SUCCEEDED"
    assert client.put_messages(s.id, entries(("k", b64("v")))).data.failures == 0


def test_tenancy_holds_at_most_200_partitions_while_limits_are_on(localoci_factory):
    server = localoci_factory()
    admin = server.admin(retry_strategy=NO_RETRY)
    admin.create_stream(
        Models.CreateStreamDetails(name="big", partitions=150, compartment_id=server.compartment)
    )
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.create_stream(
            Models.CreateStreamDetails(
                name="over", partitions=51, compartment_id=server.compartment
            )
        )
    assert (err.value.status, err.value.code) == (400, "LimitExceeded")
    assert "You exceed the number of allowed partitions" in err.value.message
    admin.create_stream(
        Models.CreateStreamDetails(name="fits", partitions=50, compartment_id=server.compartment)
    )
