"""Where localoci follows what the current SDK declares (a probe against Oracle's docs and
specs found these): stream-pool etags and ``if-match``, ListWorkRequests paging and sorting,
the empty-string key, and ListStreams without a state filter."""

from __future__ import annotations

import itertools
import os
import sqlite3

import oci
import pytest

from localoci.service import ServerConfig, Service

from .helpers import NO_RETRY, V, b64, cursor

Models = oci.streaming.models
_n = itertools.count()


def compartment() -> str:
    return f"ocid1.compartment.oc1..fidelity{os.getpid()}x{next(_n)}"


@pytest.fixture
def admin(localoci):
    return localoci.admin(retry_strategy=NO_RETRY)


def test_stream_pools_carry_an_etag_and_honour_if_match(admin):
    created = admin.create_stream_pool(
        Models.CreateStreamPoolDetails(name="tagged", compartment_id=compartment())
    )
    etag = created.headers["etag"]
    assert etag and created.data.lifecycle_state in ("CREATING", "ACTIVE")
    got = admin.get_stream_pool(created.data.id)
    assert got.headers["etag"] == etag
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.update_stream_pool(
            created.data.id, Models.UpdateStreamPoolDetails(name="x"), if_match="stale"
        )
    assert (err.value.status, err.value.code) == (412, "NoEtagMatch")
    assert admin.get_stream_pool(created.data.id).data.name == "tagged", "nothing changed"
    updated = admin.update_stream_pool(
        created.data.id, Models.UpdateStreamPoolDetails(name="renamed"), if_match=etag
    )
    assert updated.headers["etag"] != etag and updated.data.name == "renamed"
    assert admin.get_stream_pool(created.data.id).headers["etag"] == updated.headers["etag"]
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.delete_stream_pool(created.data.id, if_match=etag)
    assert err.value.status == 412, "the old etag no longer matches"
    assert admin.delete_stream_pool(created.data.id, if_match="*").status == 202


def test_a_default_pool_has_an_etag_too(admin):
    comp = compartment()
    [pool] = admin.list_stream_pools(comp).data
    assert admin.get_stream_pool(pool.id).headers["etag"]


def test_list_work_requests_pages_with_limit_and_opc_next_page_and_sorts(admin, raw):
    comp = compartment()
    made = [
        admin.create_stream_pool(Models.CreateStreamPoolDetails(name=f"p{i}", compartment_id=comp))
        for i in range(5)
    ]
    ids = [m.headers["opc-work-request-id"] for m in made]
    first = admin.list_work_requests(compartment_id=comp, limit=2)
    assert [w.id for w in first.data.items] == ids[::-1][:2], "newest first by default"
    assert first.next_page
    second = admin.list_work_requests(compartment_id=comp, limit=2, page=first.next_page)
    assert [w.id for w in second.data.items] == ids[::-1][2:4]
    last = admin.list_work_requests(compartment_id=comp, limit=2, page=second.next_page)
    assert [w.id for w in last.data.items] == ids[:1] and last.next_page is None
    assert "opc-next-page" not in last.headers, "no header on the last page"
    ascending = admin.list_work_requests(
        compartment_id=comp, sort_order="ASC", sort_by="TIMEACCEPTED", limit=50
    )
    assert [w.id for w in ascending.data.items] == ids
    assert len(admin.list_work_requests(compartment_id=comp).data.items) == 5, "default limit 10"
    bad = raw.get(f"{V}/workRequests", params={"compartmentId": comp, "limit": 51})
    assert bad.status_code == 400


def test_an_empty_key_is_a_key_not_a_keyless_message(localoci, make_stream, client):
    stream = make_stream(partitions=7)
    result = client.put_messages(
        stream.id,
        Models.PutMessagesDetails(
            messages=[Models.PutMessagesDetailsEntry(key="", value=b64(f"e{i}")) for i in range(8)]
            + [Models.PutMessagesDetailsEntry(value=b64("keyless"))]
        ),
    ).data
    partitions = {e.partition for e in result.entries[:8]}
    assert len(partitions) == 1, "the empty key is one key: one partition"
    [p] = partitions
    got = client.get_messages(stream.id, cursor(client, stream.id, p), limit=100).data
    keys = {m.key for m in got if m.value != b64("keyless")}
    assert keys == {""}, "read back as the empty key, not as null"
    keyless = result.entries[8]
    back = client.get_messages(stream.id, cursor(client, stream.id, keyless.partition)).data
    assert [m.key for m in back if m.value == b64("keyless")] == [None]


def test_list_streams_without_a_state_filter_shows_deleted_streams(admin):
    comp = compartment()
    kept = admin.create_stream(
        Models.CreateStreamDetails(name="kept", partitions=1, compartment_id=comp)
    ).data
    gone = admin.create_stream(
        Models.CreateStreamDetails(name="gone", partitions=1, compartment_id=comp)
    ).data
    admin.delete_stream(gone.id)
    every = {s.name: s.lifecycle_state for s in admin.list_streams(compartment_id=comp).data}
    assert every == {"kept": "ACTIVE", "gone": "DELETED"}
    active = [
        s.name for s in admin.list_streams(compartment_id=comp, lifecycle_state="ACTIVE").data
    ]
    assert active == ["kept"]
    admin.delete_stream(kept.id)


def test_a_database_from_before_pool_etags_gets_them(tmp_path):
    data = tmp_path / "old"
    data.mkdir()
    db = sqlite3.connect(data / "localoci.db")
    db.executescript(
        "CREATE TABLE stream_pools (id TEXT PRIMARY KEY, compartment_id TEXT NOT NULL, "
        "name TEXT NOT NULL, is_default INTEGER NOT NULL DEFAULT 0, lifecycle_state TEXT NOT NULL, "
        "time_created INTEGER NOT NULL, ready_at INTEGER NOT NULL, kafka_settings TEXT NOT NULL "
        "DEFAULT '{}', freeform_tags TEXT NOT NULL DEFAULT '{}', defined_tags TEXT NOT NULL "
        "DEFAULT '{}');"
        "INSERT INTO stream_pools (id, compartment_id, name, lifecycle_state, time_created, "
        "ready_at) VALUES ('ocid1.streampool.oc1..old', 'c', 'old', 'ACTIVE', 0, 0);"
    )
    db.close()
    svc = Service(ServerConfig(data_dir=data))
    try:
        pool = svc.store.find_pool("ocid1.streampool.oc1..old")
        assert pool is not None and len(pool.etag) == 32
    finally:
        svc.close()
