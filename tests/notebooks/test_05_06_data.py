"""The data behind notebooks 05 and 06's charts and claims, asserted on the helpers they use.

Each test drives labhelpers.groups / workers / throttle / charts / live against localoci the way
the notebook does, and checks what the notebook's text says the chart shows: instances' partitions
are disjoint and cover the stream, a hung instance's partitions go to live ones, a crash means
redelivery, throttling happens and loses nothing nor reorders anything, every thread stops.

How fast the accepted rate is while throttled (within 10 % of 1 MiB/s, or 15 % when resending at
once) is a measurement, not a rule: it is ``python -m bench throttle`` (bench/cases.py).
"""

from __future__ import annotations

import time

import oci
import pytest

from labhelpers import publish
from labhelpers.charts import plot_assignments, plot_lag, plot_rates, plot_throttled
from labhelpers.frames import deliveries_frame
from labhelpers.groups import (
    OffsetTracker,
    group_state,
    lag,
    offset_ranges,
    owners,
    wait_for_owners,
)
from labhelpers.live import LiveChart, LiveView
from labhelpers.throttle import MIB, chunk, offer_load, reassemble
from labhelpers.workers import (
    BackgroundProducer,
    GroupInstance,
    LagRecorder,
    partitions_read,
    start_all,
    stop_all,
)

ALL3 = {"0", "1", "2"}


def _seed(client, stream, n=150):
    return publish(client, stream.id, [(f"user-{i % 10}", f"seed {i}") for i in range(n)])


def _disjoint(sets: dict[str, set[str]]) -> bool:
    return sum(len(s) for s in sets.values()) == len(set().union(*sets.values()))


def _settle(client, stream, group, names, timeout=10.0):
    """Wait until every one of ``names`` holds a partition.  After a clock jump every
    reservation lapses at once; the first live instance to call takes all the partitions and
    the next one takes its share on its own next call, so "all held by live instances" comes
    before "shared out" and a window opened in between sees a partition change hands."""
    deadline = time.monotonic() + timeout
    while set(owners(client, stream, group)) != names and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.fixture
def group_stream(localoci, make_stream):
    stream = make_stream(partitions=3)
    return localoci.stream_client(), stream


# -- 05: sharing partitions -------------------------------------------------------------------------


def test_instances_of_a_group_read_disjoint_partitions_that_cover_the_stream(group_stream):
    client, stream = group_stream
    producer = BackgroundProducer(client, stream, batch=30, interval=0.2, max_seconds=30)
    producer.latest.track(_seed(client, stream))
    producer.start()
    a, b = (GroupInstance(client, stream, "team", n, limit=60, max_seconds=30) for n in "ab")
    c = GroupInstance(client, stream, "team", "c", limit=60, max_seconds=30)
    try:
        start_all([a, b])
        time.sleep(1)
        two = partitions_read([a, b], seconds=2)
        assert _disjoint(two) and set().union(*two.values()) == ALL3, two
        assert sorted(len(p) for p in two.values()) == [1, 2]  # 3 partitions / 2 instances
        assert owners(client, stream, "team") == two  # GetGroup agrees with the deliveries

        c.start()
        time.sleep(1)
        three = partitions_read([a, b, c], seconds=2)
        assert _disjoint(three) and set().union(*three.values()) == ALL3, three
        assert all(len(p) == 1 for p in three.values()), three
    finally:
        stop_all(a, b, c, producer)
    assert not any(i.errors for i in (a, b, c)), [i.errors for i in (a, b, c)]


def test_a_hung_instance_loses_its_partitions_to_live_ones_after_its_timeout(
    localoci_factory, make_stream
):
    server = localoci_factory()  # its own clock: the jump must not age other tests' data
    client, stream = server.stream_client(), make_stream(partitions=3, server=server)
    producer = BackgroundProducer(client, stream, batch=30, interval=0.2, max_seconds=30)
    producer.latest.track(_seed(client, stream))
    producer.start()
    a, b, c = (GroupInstance(client, stream, "team", n, limit=60, max_seconds=30) for n in "abc")
    try:
        start_all([a, b, c])
        time.sleep(1)
        held_by_c = owners(client, stream, "team")["c"]
        assert held_by_c
        c.hang()
        server.advance(31)  # what lab.pause(31) does locally
        state = wait_for_owners(client, stream, "team", ["a", "b"], 3)
        assert set(state["reserved_instance"]) <= {"a", "b"}, state
        _settle(client, stream, "team", {"a", "b"})
        after = partitions_read([a, b, c], seconds=2)
        assert after["c"] == set()
        assert (
            held_by_c <= after["a"] | after["b"]
        )  # the dead instance's partitions belong to live ones
        assert _disjoint({"a": after["a"], "b": after["b"]}) and after["a"] | after["b"] == ALL3
        assert c.alive and c.state == "hung"  # hung, not crashed: the thread is still there
    finally:
        stop_all(a, b, c, producer)
    assert not c.alive


def test_instances_beyond_the_partition_count_stay_idle(group_stream):
    client, stream = group_stream
    producer = BackgroundProducer(client, stream, batch=30, interval=0.2, max_seconds=30)
    producer.latest.track(_seed(client, stream))
    producer.start()
    instances = [GroupInstance(client, stream, "many", n, limit=60, max_seconds=30) for n in "abcd"]
    try:
        start_all(instances)
        time.sleep(1)
        window = partitions_read(instances, seconds=2)
    finally:
        stop_all(instances, producer)
    assert [n for n, p in window.items() if not p] == ["d"]  # the last to join waits
    assert _disjoint(window) and set().union(*window.values()) == ALL3


# -- 05: commits, crashes, rewinds --------------------------------------------------------------------


def test_commit_on_get_commits_the_previous_batch(group_stream):
    client, stream = group_stream
    _seed(client, stream)
    solo = GroupInstance(client, stream, "first", "solo", limit=30)
    batch_1 = solo.read()
    assert list(group_state(client, stream, "first")["committed_offset"]) == [-1, -1, -1]
    solo.read()
    committed = dict(
        zip(
            group_state(client, stream, "first")["partition"].astype(str),
            group_state(client, stream, "first")["committed_offset"],
            strict=True,
        )
    )
    assert committed == {p: max(d.offset for d in batch_1 if d.partition == p) for p in ALL3}


def test_manual_commit_commits_everything_received_since_the_last_commit(group_stream):
    client, stream = group_stream
    _seed(client, stream)
    worker = GroupInstance(client, stream, "manual", "w", commit_on_get=False, limit=30)
    worker.read()
    second = worker.read()
    assert list(group_state(client, stream, "manual")["committed_offset"]) == [-1, -1, -1]
    worker.commit()
    state = group_state(client, stream, "manual")
    assert list(state["committed_offset"]) == [
        max(d.offset for d in second if d.partition == p) for p in "012"
    ]


def test_a_crash_between_read_and_commit_is_redelivered(group_stream):
    client, stream = group_stream
    _seed(client, stream)
    x = (
        GroupInstance(client, stream, "crash", "x", limit=30, crash_after=2, timeout_ms=300)
        .start()
        .wait(10)
    )
    assert x.state == "crashed" and not x.alive
    first, lost = [d for d in x.deliveries if d.batch == 1], x.last_batch()
    committed = group_state(client, stream, "crash")
    assert list(committed["committed_offset"]) == [
        max(d.offset for d in first if d.partition == p) for p in "012"
    ]
    time.sleep(0.5)  # x's 300 ms timeout passes
    y = GroupInstance(client, stream, "crash", "y", limit=30)
    redelivered = y.read()
    key = {(d.partition, d.offset) for d in lost}
    assert key and key <= {(d.partition, d.offset) for d in redelivered}  # at-least-once: all again
    assert not {(d.partition, d.offset) for d in first} & {
        (d.partition, d.offset) for d in redelivered
    }


def test_update_group_rewinds_every_partition_to_trim_horizon(group_stream):
    client, stream = group_stream
    _seed(client, stream)
    g = GroupInstance(client, stream, "rewind", "g", limit=30)
    g.read()
    g.read()
    client.update_group(
        stream.id, "rewind", oci.streaming.models.UpdateGroupDetails(type="TRIM_HORIZON")
    )
    assert list(group_state(client, stream, "rewind")["committed_offset"]) == [-1, -1, -1]
    assert {p: r.split("-")[0] for p, r in offset_ranges(g.read()).items()} == {
        "0": "0",
        "1": "0",
        "2": "0",
    }


# -- 05: lag and the live view ------------------------------------------------------------------------


def test_lag_is_latest_minus_committed_and_the_recorder_keeps_its_history(group_stream):
    client, stream = group_stream
    tracker = OffsetTracker()
    tracker.track(_seed(client, stream))
    a = GroupInstance(client, stream, "lagging", "a", limit=30)
    recorder = LagRecorder(
        client, stream, "lagging", tracker, interval=0.25, max_seconds=10
    ).start()
    a.read()
    a.read()
    time.sleep(0.8)
    recorder.stop()
    table = lag(client, stream, "lagging", tracker)
    assert list(table["lag"]) == list(table["latest_offset"] - table["committed_offset"])
    assert (table["committed_offset"] >= 9).all() and (table["lag"] > 0).all()
    frame = recorder.frame()
    assert not recorder.alive and len(frame) >= 6 and set(frame["partition"]) == {0, 1, 2}
    ax = plot_lag(frame)
    assert len(ax.get_lines()) == 6  # latest and committed for each partition
    ax2 = plot_assignments(deliveries_frame([a]))
    assert ax2.get_ylabel() == "partition"


def test_the_live_view_redraws_and_stops_everything_by_its_timeout(group_stream):
    client, stream = group_stream
    tracker = OffsetTracker()
    tracker.track(_seed(client, stream))
    a = GroupInstance(client, stream, "live", "a", limit=30, max_seconds=30).start()
    recorder = LagRecorder(client, stream, "live", tracker, interval=0.25, max_seconds=30).start()
    view = LiveView(
        LiveChart(recorder.frame, plot_lag), interval=0.2, max_seconds=1.5, stops=[a, recorder]
    ).start()
    view.wait(5)
    assert not view.running and view.reason == "timeout" and view.frames >= 2
    assert bytes(view.image.value).startswith(b"\x89PNG")
    view.button.click()  # the Stop button stops the whole demo
    assert not a.alive and not recorder.alive
    assert view.out.outputs == () or all("❌" not in o.get("text", "") for o in view.out.outputs)


def test_every_worker_ends_by_its_hard_timeout(group_stream):
    client, stream = group_stream
    inst = GroupInstance(client, stream, "timeouts", "t", max_seconds=0.5).start()
    producer = BackgroundProducer(client, stream, batch=1, interval=0.1, max_seconds=0.5).start()
    recorder = LagRecorder(
        client, stream, "timeouts", producer.latest, interval=0.25, max_seconds=0.5
    ).start()
    time.sleep(2)
    assert not inst.alive and inst.state == "timed out"
    assert not producer.alive and not recorder.alive


def test_a_worker_keeps_service_errors_instead_of_raising(localoci):
    client = localoci.stream_client()
    bogus = "ocid1.stream.oc1.local.doesnotexist"
    inst = GroupInstance(client, bogus, "g", "i").start()
    assert inst.state == "failed" and not inst.alive
    assert inst.errors and inst.errors[0].startswith("HTTP 404")


# -- 06: throttling and big messages ---------------------------------------------------------------


@pytest.fixture
def one_partition(localoci, make_stream):
    return localoci.stream_client(), make_stream(partitions=1)


def test_a_throttled_batch_is_a_200_with_per_entry_errors(one_partition):
    from labhelpers import b64encode

    client, stream = one_partition
    details = oci.streaming.models.PutMessagesDetails(
        messages=[
            oci.streaming.models.PutMessagesDetailsEntry(
                key=b64encode("k"), value=b64encode(b"x" * (64 * 1024 - 16))
            )
            for _ in range(15)
        ]
    )
    answers = [client.put_messages(stream.id, details) for _ in range(3)]
    assert all(a.status == 200 for a in answers)
    bad = [e for a in answers for e in a.data.entries if e.error]
    assert sum(a.data.failures for a in answers) == len(bad) > 0
    assert "next request can be made in" in bad[0].error_message


def test_offering_twice_the_limit_is_throttled_and_the_rates_table_counts_every_refusal(
    one_partition,
):
    client, stream = one_partition
    run = offer_load(client, stream.id, offered_rate=2 * MIB, seconds=3)
    assert run.throttled_entries > 0 and run.first_throttled() is not None
    rates = run.rates()
    assert rates["throttled"].sum() == run.throttled_entries
    assert rates["requests"].sum() == len(run.requests)
    assert run.accepted_bytes + run.backlog_bytes == run.offered_bytes  # accepted or still queued
    ax = plot_rates(rates)
    assert [line.get_label() for line in ax.get_lines()][:2] == ["offered", "accepted"]
    plot_throttled(rates)


def test_a_throttled_publisher_that_drains_loses_nothing_and_keeps_the_order(one_partition):
    from labhelpers import consume, raw

    client, stream = one_partition
    run = offer_load(client, stream.id, key="drain", offered_rate=2 * MIB, seconds=2, drain=True)
    assert run.throttled_entries > 0 and run.backlog_bytes == 0
    assert run.accepted_bytes == run.offered_bytes
    seen = [
        int(m.value[:8])
        for m in consume(client, stream.id, partitions="0", deserializer=raw, limit=1000)
        if m.key == "drain"
    ]
    assert seen == list(range(len(run.offered))), "messages lost, duplicated or out of order"


def test_resending_at_once_gains_no_throughput_only_refusals(one_partition):
    client, stream = one_partition
    naive = offer_load(client, stream.id, offered_rate=2 * MIB, seconds=2, backoff=False)
    time.sleep(1.1)
    polite = offer_load(client, stream.id, key="polite", offered_rate=2 * MIB, seconds=2)
    # What resending at once adds is refusals.  (How many requests each made depends on how
    # fast this machine sends, so it is not compared: on a loaded machine the two are close.)
    assert naive.throttled_entries > polite.throttled_entries


def test_a_payload_over_1_mib_travels_in_chunks_and_reassembles(one_partition):
    from labhelpers import consume, raw

    client, stream = one_partition
    payload = bytes(range(256)) * 6144
    parts = chunk(payload, size=512 * 1024)
    assert len(parts) == 3 and all(len(p) < MIB for p in parts)
    sent = publish(client, stream.id, parts, key="big", serializer=raw)
    assert len({a.partition for a in sent.acks}) == 1
    back = consume(
        client,
        stream.id,
        partitions=sent.acks[0].partition,
        type="AT_OFFSET",
        offset=sent.acks[0].offset,
        deserializer=raw,
        max_messages=len(parts),
    )
    assert list(reassemble(m.value for m in back).values()) == [payload]
    assert reassemble(parts[:2]) == {}  # incomplete: nothing


def test_a_cursor_behind_the_retention_horizon_is_outside_retention(localoci_factory, make_stream):
    from labhelpers import create_cursor

    server = localoci_factory()
    client, stream = server.stream_client(), make_stream(partitions=1, server=server)
    old = publish(client, stream.id, ["yesterday"], key="r").acks[0]
    early = create_cursor(client, stream.id, "0", "TRIM_HORIZON")
    server.advance(24 * 3600 - 120)
    with pytest.raises(oci.exceptions.ServiceError) as expired:
        client.get_messages(stream.id, early, limit=1)
    assert expired.value.message == "The cursor is expired. Create a new one."
    cursor = create_cursor(client, stream.id, "0", "AT_OFFSET", offset=old.offset)
    server.advance(180)
    with pytest.raises(oci.exceptions.ServiceError) as outside:
        client.get_messages(stream.id, cursor, limit=1)
    assert outside.value.message == "The cursor is outside the retention period and is now invalid."
    new = publish(client, stream.id, ["today"], key="r").acks[0]
    first = client.get_messages(
        stream.id, create_cursor(client, stream.id, "0", "TRIM_HORIZON"), limit=1
    ).data
    assert first[0].offset == new.offset > old.offset
