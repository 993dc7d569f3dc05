"""The official ``oci`` SDK against localoci, given only the endpoint and the generated config:
both waiter styles (work requests, and the older lifecycleState polling), pagination helpers,
the messages endpoint taken from the stream, and the endpoint URL forms the SDK accepts."""

from __future__ import annotations

import itertools
import os

import oci
import pytest

from tests.localoci.helpers import NO_RETRY, b64, cursor, publish, values

Models = oci.streaming.models
_n = itertools.count()
FAST = {"max_interval_seconds": 1, "max_wait_seconds": 30}


def name() -> str:
    return f"sdk-{os.getpid()}-{next(_n)}"


def test_composite_create_waits_on_the_work_request_until_succeeded(localoci):
    admin = localoci.admin()
    composite = oci.streaming.StreamAdminClientCompositeOperations(admin)
    resp = composite.create_stream_and_wait_for_state(
        Models.CreateStreamDetails(name=name(), partitions=2, compartment_id=localoci.compartment),
        wait_for_states=[oci.streaming.models.WorkRequest.STATUS_SUCCEEDED],
        waiter_kwargs=FAST,
    )
    wr = resp.data
    assert isinstance(wr, oci.streaming.models.WorkRequest) and wr.status == "SUCCEEDED"
    stream_id = wr.resources[0].identifier
    assert admin.get_stream(stream_id).data.lifecycle_state == "ACTIVE"
    deleted = composite.delete_stream_and_wait_for_state(
        stream_id, wait_for_states=["SUCCEEDED"], waiter_kwargs=FAST
    )
    assert deleted.data.status == "SUCCEEDED" and deleted.data.operation_type == "DELETE_STREAM"
    assert admin.get_stream(stream_id).data.lifecycle_state == "DELETED"


def test_composite_update_waits_on_the_work_request(localoci, make_stream):
    stream = make_stream(partitions=1)
    composite = oci.streaming.StreamAdminClientCompositeOperations(localoci.admin())
    resp = composite.update_stream_and_wait_for_state(
        stream.id,
        Models.UpdateStreamDetails(freeform_tags={"k": "v"}),
        wait_for_states=["SUCCEEDED"],
        waiter_kwargs=FAST,
    )
    assert resp.data.status == "SUCCEEDED"
    assert localoci.admin().get_stream(stream.id).data.freeform_tags == {"k": "v"}


def test_older_lifecycle_state_waiters_work(localoci):
    """What SDKs before work requests did: poll GetStream for ACTIVE, then for DELETED."""
    admin = localoci.admin()
    created = admin.create_stream(
        Models.CreateStreamDetails(name=name(), partitions=1, compartment_id=localoci.compartment)
    )
    active = oci.wait_until(
        admin, admin.get_stream(created.data.id), "lifecycle_state", "ACTIVE", **FAST
    )
    assert active.data.lifecycle_state == "ACTIVE"
    admin.delete_stream(created.data.id)
    gone = oci.wait_until(
        admin,
        admin.get_stream(created.data.id),
        "lifecycle_state",
        "DELETED",
        succeed_on_not_found=True,
        **FAST,
    )
    assert gone is oci.waiter.WAIT_RESOURCE_NOT_FOUND or gone.data.lifecycle_state == "DELETED"


def test_list_call_get_all_results_follows_opc_next_page(localoci):
    admin = localoci.admin()
    comp = f"ocid1.compartment.oc1..sdkpaging{os.getpid()}x{next(_n)}"
    made = [
        admin.create_stream(
            Models.CreateStreamDetails(name=f"p{i}", partitions=1, compartment_id=comp)
        ).data.id
        for i in range(5)
    ]
    try:
        everything = oci.pagination.list_call_get_all_results(
            admin.list_streams, compartment_id=comp, limit=2
        ).data
        assert sorted(s.id for s in everything) == sorted(made)
        lazily = list(
            oci.pagination.list_call_get_all_results_generator(
                admin.list_streams, "record", compartment_id=comp, limit=2
            )
        )
        assert len(lazily) == 5
        pools = oci.pagination.list_call_get_all_results(admin.list_stream_pools, comp).data
        assert [p.name for p in pools] == ["DefaultPool"]
    finally:
        for i in made:
            admin.delete_stream(i)


def test_publish_and_consume_through_the_streams_messages_endpoint(localoci, make_stream):
    stream = make_stream(partitions=2)
    client = oci.streaming.StreamClient(
        localoci.config, service_endpoint=stream.messages_endpoint, retry_strategy=NO_RETRY
    )
    publish(client, stream.id, *[(f"k{i}", f"v{i}") for i in range(10)])
    got = []
    for p in ("0", "1"):
        got += values(client.get_messages(stream.id, cursor(client, stream.id, partition=p)).data)
    assert sorted(got) == sorted(f"v{i}" for i in range(10))


def test_group_consumption_with_the_default_retry_strategy(localoci, make_stream):
    """The SDK's default retries stay quiet when nothing goes wrong."""
    stream = make_stream(partitions=1)
    client = oci.streaming.StreamClient(localoci.config, service_endpoint=localoci.url)
    client.put_messages(
        stream.id,
        Models.PutMessagesDetails(
            messages=[Models.PutMessagesDetailsEntry(key=b64("k"), value=b64("hello"))]
        ),
    )
    c = client.create_group_cursor(
        stream.id,
        Models.CreateGroupCursorDetails(
            type="TRIM_HORIZON", group_name="sdk-group", instance_name="one"
        ),
    ).data.value
    resp = client.get_messages(stream.id, c, limit=10)
    assert values(resp.data) == ["hello"]
    group = client.get_group(stream.id, "sdk-group").data
    assert group.reservations[0].committed_offset == -1
    client.get_messages(stream.id, resp.headers["opc-next-cursor"])
    assert client.get_group(stream.id, "sdk-group").data.reservations[0].committed_offset == 0


@pytest.mark.parametrize("suffix", ["", "/20180418", "/20180418/", "/", "/streaming"])
def test_endpoint_forms_the_sdk_accepts_all_work(localoci, make_stream, suffix):
    stream = make_stream(partitions=1)
    admin = oci.streaming.StreamAdminClient(
        localoci.config, service_endpoint=localoci.url + suffix, retry_strategy=NO_RETRY
    )
    assert admin.get_stream(stream.id).data.id == stream.id
    client = oci.streaming.StreamClient(
        localoci.config, service_endpoint=localoci.url + suffix, retry_strategy=NO_RETRY
    )
    publish(client, stream.id, ("k", "v"))
    assert values(client.get_messages(stream.id, cursor(client, stream.id)).data) == ["v"]
