"""The store backend's rules that the clients do not show directly: REST appends wake Kafka
watchers, ListOffsets by producer timestamp, retention moves Kafka's log start."""

from __future__ import annotations

from localoci.kafka.backend import CREATE_TIME, LOG_APPEND_TIME, ProducedRecord
from localoci.kafka.store_backend import StoreBackend
from localoci.ops.create_stream import create_stream
from localoci.ops.put_messages import put_messages
from localoci.service import ServerConfig, Service


def make(tmp_path):
    svc = Service(ServerConfig(data_dir=tmp_path, ready_delay_ms=0))
    sid = create_stream(
        svc, {"name": "s", "partitions": 1, "compartmentId": "ocid1.tenancy.oc1..x"}
    ).resource["id"]
    svc.stream(sid)
    return svc, StoreBackend(svc), sid


def test_a_rest_put_wakes_kafka_watchers_and_reads_as_log_append_time(tmp_path):
    svc, be, sid = make(tmp_path)
    woken: list = []
    stop = be.watch_appends(lambda s, p: woken.append((s, p)))
    put_messages(svc, sid, {"messages": [{"value": "aGk="}]})
    be.append(sid, 0, [ProducedRecord(b"k", b"v", 1_000, (("h", b"1"),))])
    stop()
    put_messages(svc, sid, {"messages": [{"value": "aGk="}]})
    assert woken == [(sid, 0), (sid, 0)]
    rows = be.read(sid, 0, 0, 1 << 20)
    assert [(r.offset, r.timestamp_type) for r in rows] == [
        (0, LOG_APPEND_TIME),
        (1, CREATE_TIME),
        (2, LOG_APPEND_TIME),
    ]
    assert rows[1].headers == (("h", b"1"),) and rows[1].timestamp == 1_000
    svc.close()


def test_offsets_for_producer_timestamps_and_retention(tmp_path):
    svc, be, sid = make(tmp_path)
    be.append(sid, 0, [ProducedRecord(None, b"%d" % i, 1_000 * i) for i in range(5)])
    assert be.offset_for_timestamp(sid, 0, 2_500) == (3, 3_000)
    assert be.offset_for_timestamp(sid, 0, 10**13) is None
    svc.advance_clock(25 * 3600)  # past the 24 h retention: the batch is trimmed
    assert be.bounds(sid, 0) == (5, 5)
    assert be.offset_for_timestamp(sid, 0, 0) is None
    svc.close()
