"""Protocol-level rules, over raw sockets: framing, ApiVersions, the SASL state machine,
ordering, and what garbage does (a clean error or close; the listener stays up; the log
does not flood)."""

from __future__ import annotations

import resource
import socket
import struct
import time

import pytest
from kafka.protocol.consumer import FetchRequest, FetchResponse
from kafka.protocol.metadata import (
    ApiVersionsRequest,
    ApiVersionsResponse,
    MetadataRequest,
    MetadataResponse,
)
from kafka.protocol.producer import InitProducerIdRequest, ProduceRequest
from kafka.protocol.sasl import (
    SaslAuthenticateRequest,
    SaslAuthenticateResponse,
    SaslHandshakeRequest,
    SaslHandshakeResponse,
)

from localoci.kafka import ListenerLimits, ProducedRecord
from localoci.kafka.protocol import APIS
from localoci.kafka.records import batch_from_produced

from .conftest import TENANCY, TOKEN, USER, captured_warnings, make_server
from .raw import Raw


def assert_alive(server) -> None:
    """The listener still answers a well-behaved client."""
    c = Raw(server.port)
    try:
        assert c.login(server.username, TOKEN).error_code == 0
        md = c.call(MetadataRequest(topics=None), 4, MetadataResponse)
        assert md.cluster_id == server.pool_id
    finally:
        c.close()


def produce_request(topic: str, acks: int, value: bytes = b"v") -> ProduceRequest:
    raw = batch_from_produced([ProducedRecord(b"k", value, int(time.time() * 1000))])
    part = ProduceRequest.TopicProduceData.PartitionProduceData(index=0, records=raw)
    return ProduceRequest(
        transactional_id=None,
        acks=acks,
        timeout_ms=1000,
        topic_data=[ProduceRequest.TopicProduceData(name=topic, partition_data=[part])],
    )


# -- ApiVersions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [0, 1, 2, 3])
def test_api_versions_lists_the_profile_without_init_producer_id(plain_server, version):
    c = Raw(plain_server.port)
    r = c.call(
        ApiVersionsRequest(client_software_name="t", client_software_version="1"),
        version,
        ApiVersionsResponse,
    )
    table = {k.api_key: (k.min_version, k.max_version) for k in r.api_keys}
    assert r.error_code == 0
    assert table == {a.key: (a.min_version, a.max_version) for a in APIS.values()}
    assert 22 not in table and not {24, 25, 26, 27, 28} & set(table)
    assert table[0] == (3, 9) and table[1] == (4, 12)


def test_unknown_api_versions_version_gets_the_v0_format_fallback(plain_server):
    c = Raw(plain_server.port)
    # ApiVersions v4 (flexible header v2: client id, then an empty tag buffer)
    body = struct.pack(">hhih", 18, 4, 77, 3) + b"kjs" + b"\x00" + b"\x02k\x021\x00"
    c.send_bytes(struct.pack(">i", len(body)) + body)
    frame = c.read_frame()
    assert frame == bytes.fromhex("0000004d002300000001001200000003")
    # the connection stays usable: the client retries at a version it now knows
    r = c.call(ApiVersionsRequest(), 3, ApiVersionsResponse)
    assert r.error_code == 0


def test_unknown_api_versions_version_is_answered_even_without_its_header_tags(plain_server):
    """The fallback does not depend on parsing a header format localoci does not know: an
    ApiVersions v99 with no tag buffer at all still gets the v0-format answer, not a close."""
    c = Raw(plain_server.port)
    body = struct.pack(">hhih", 18, 99, 78, 2) + b"fz"
    c.send_bytes(struct.pack(">i", len(body)) + body)
    assert c.read_frame() == bytes.fromhex("0000004e002300000001001200000003")


# -- framing and garbage -----------------------------------------------------------------------------


def test_a_two_gigabyte_length_prefix_closes_at_once_and_the_listener_stays_up(plain_server):
    c = Raw(plain_server.port)
    t0 = time.monotonic()
    c.send_bytes(struct.pack(">i", 2**31 - 1) + b"\x00" * 100)
    assert c.closed()
    assert time.monotonic() - t0 < 2
    assert_alive(plain_server)


@pytest.mark.parametrize(
    "garbage",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",  # an HTTP client
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello on the plaintext port
        b"\x00\x00\x00\x05hello",  # a frame too small for a header
        b"\xff\xff\xff\xfe",  # a negative size
    ],
)
def test_garbage_closes_the_connection_and_the_listener_stays_up(plain_server, garbage):
    c = Raw(plain_server.port)
    c.send_bytes(garbage)
    assert c.closed()
    assert_alive(plain_server)


def test_a_truncated_frame_is_dropped_and_the_listener_stays_up(plain_server):
    c = Raw(plain_server.port)
    c.send_bytes(struct.pack(">i", 100) + b"\x00\x12\x00\x00" + b"\x00" * 6)
    c.sock.shutdown(socket.SHUT_WR)
    assert c.closed()
    assert_alive(plain_server)


def test_a_body_that_does_not_decode_closes_the_connection(plain_server):
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    body = struct.pack(">hhih", 3, 4, 9, 1) + b"x" + b"\xff\xff\xff\x7f"  # Metadata v4, 2^31 topics
    c.send_bytes(struct.pack(">i", len(body)) + body)
    assert c.closed()
    assert_alive(plain_server)


@pytest.mark.parametrize("key,version", [(999, 0), (0, 99), (22, 0), (37, 0)])
def test_unknown_api_keys_and_versions_close_the_connection(plain_server, key, version):
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    body = struct.pack(">hhih", key, version, 5, 1) + b"x" + b"\x00" * 8
    c.send_bytes(struct.pack(">i", len(body)) + body)
    assert c.closed()
    assert_alive(plain_server)


def test_init_producer_id_is_not_served(plain_server):
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    c.send(InitProducerIdRequest(transactional_id=None, transaction_timeout_ms=1000), 0)
    assert c.closed()


def test_repeated_garbage_is_counted_but_logged_once(plain_server):
    with captured_warnings() as logged:
        for _ in range(30):
            c = Raw(plain_server.port)
            c.send_bytes(struct.pack(">i", 2**30))
            assert c.closed()
            c.close()
    assert plain_server.listener.counters["warnings.frame-size"] == 30
    assert len([r for r in logged if "frame size" in r.getMessage()]) == 1


# -- SASL ----------------------------------------------------------------------------------------------


def test_requests_before_authentication_close_the_connection(plain_server):
    c = Raw(plain_server.port)
    c.call(ApiVersionsRequest(), 0, ApiVersionsResponse)
    c.send(MetadataRequest(topics=None), 4)
    assert c.closed()


def test_sasl_authenticate_without_handshake_is_illegal_sasl_state(plain_server):
    c = Raw(plain_server.port)
    r = c.call(SaslAuthenticateRequest(auth_bytes=b"\0a\0b"), 1, SaslAuthenticateResponse)
    assert r.error_code == 34 and "SaslHandshake" in r.error_message
    assert c.closed()


def test_a_second_handshake_is_illegal_sasl_state(plain_server):
    c = Raw(plain_server.port)
    assert c.login(plain_server.username, TOKEN).error_code == 0
    r = c.call(SaslHandshakeRequest(mechanism="PLAIN"), 1, SaslHandshakeResponse)
    assert r.error_code == 34
    assert c.closed()


def test_only_the_plain_mechanism_is_offered(plain_server):
    c = Raw(plain_server.port)
    r = c.call(SaslHandshakeRequest(mechanism="SCRAM-SHA-512"), 1, SaslHandshakeResponse)
    assert r.error_code == 33 and r.mechanisms == ["PLAIN"]
    assert c.closed()


@pytest.mark.parametrize(
    "username,password,part",
    [
        ("nosuchtenancy/learner/{pool}", TOKEN, "no tenancy is named 'nosuchtenancy'"),
        ("labtenancy/nobody/{pool}", TOKEN, "has no user named 'nobody'"),
        ("labtenancy/learner/ocid1.streampool.oc1.local.nope", TOKEN, "no active stream pool"),
        ("labtenancy/learner/{pool}", "wrong-token", "not an auth token of user 'learner'"),
        ("labtenancy/NoDomain/learner/{pool}", TOKEN, "no identity domain named 'NoDomain'"),
        ("labtenancy/{pool}", TOKEN, "must be tenancyName/userName/streamPoolId"),
        ("labtenancy/learner/DefaultPool", TOKEN, "stream pool's OCID"),
        ("ocid1.tenancy.oc1..x/learner/{pool}", TOKEN, "tenancy's name, not an OCID"),
    ],
)
def test_bad_credentials_name_the_wrong_part_then_close(plain_server, username, password, part):
    c = Raw(plain_server.port)
    t0 = time.monotonic()
    r = c.login(username.format(pool=plain_server.pool_id), password)
    assert r.error_code == 58
    assert r.error_message.startswith("Authentication failed: ") and part in r.error_message
    assert TOKEN not in r.error_message
    assert c.closed() and time.monotonic() - t0 < 2


def test_identity_domain_usernames_are_accepted(plain_server):
    c = Raw(plain_server.port)
    assert c.login(f"{TENANCY}/Default/{USER}/{plain_server.pool_id}", TOKEN).error_code == 0


def test_handshake_v0_takes_a_bare_token_and_answers_an_empty_frame(plain_server):
    c = Raw(plain_server.port)
    assert c.call(SaslHandshakeRequest(mechanism="PLAIN"), 0, SaslHandshakeResponse).error_code == 0
    token = f"\0{plain_server.username}\0{TOKEN}".encode()
    c.send_bytes(struct.pack(">i", len(token)) + token)
    assert c.read_frame() == b""
    assert (
        c.call(MetadataRequest(topics=None), 4, MetadataResponse).cluster_id == plain_server.pool_id
    )


def test_handshake_v0_with_a_bad_token_closes(plain_server):
    c = Raw(plain_server.port)
    c.call(SaslHandshakeRequest(mechanism="PLAIN"), 0, SaslHandshakeResponse)
    token = f"\0{plain_server.username}\0nope".encode()
    c.send_bytes(struct.pack(">i", len(token)) + token)
    assert c.closed()


def test_an_unauthenticated_connection_is_closed_after_the_auth_timeout(loop_thread):
    srv = make_server(loop_thread, None)
    srv.limits = ListenerLimits(auth_timeout_s=0.3)
    srv.start()
    try:
        c = Raw(srv.port)
        c.call(ApiVersionsRequest(), 0, ApiVersionsResponse)
        t0 = time.monotonic()
        assert c.closed()
        assert 0.2 < time.monotonic() - t0 < 3
    finally:
        srv.stop()


# -- ordering ----------------------------------------------------------------------------------------


def test_acks_zero_gets_no_answer_and_later_answers_keep_their_order(plain_server):
    sid = plain_server.add_stream("orders")
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    c.send(produce_request("orders", acks=0), 9)
    corr = c.send(MetadataRequest(topics=None), 4)
    resp = MetadataResponse.decode(c.read_frame(), version=4, header=True)
    assert resp.header.correlation_id == corr
    assert plain_server.call(plain_server.backend.bounds, sid, 0) == (0, 1)


def test_pipelined_requests_are_answered_in_order(plain_server):
    plain_server.add_stream("orders")
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    fetch = FetchRequest(
        replica_id=-1,
        max_wait_ms=300,
        min_bytes=1,
        max_bytes=1 << 20,
        isolation_level=0,
        session_id=0,
        session_epoch=-1,
        topics=[
            FetchRequest.FetchTopic(
                topic="orders",
                partitions=[
                    FetchRequest.FetchTopic.FetchPartition(
                        partition=0, fetch_offset=0, partition_max_bytes=1 << 20
                    )
                ],
            )
        ],
        forgotten_topics_data=[],
        rack_id="",
    )
    corrs = [c.send(fetch, 12), c.send(MetadataRequest(topics=None), 4), c.send(fetch, 12)]
    got = [
        FetchResponse.decode(c.read_frame(), version=12, header=True).header.correlation_id,
        MetadataResponse.decode(c.read_frame(), version=4, header=True).header.correlation_id,
        FetchResponse.decode(c.read_frame(), version=12, header=True).header.correlation_id,
    ]
    assert got == corrs


def test_acks_zero_failure_closes_the_connection(plain_server):
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    c.send(produce_request("no-such-topic", acks=0), 9)
    assert c.closed()


# -- many connections ----------------------------------------------------------------------------------


def test_a_thousand_idle_connections_leave_the_listener_serving(plain_server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * 1000 + 200
    if soft < need:
        if hard != resource.RLIM_INFINITY and hard < need:
            pytest.skip(f"the open-file limit ({hard}) is below {need}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))
    socks = []
    try:
        for _ in range(1000):
            socks.append(socket.create_connection(("127.0.0.1", plain_server.port), timeout=5))
        deadline = time.monotonic() + 10
        while plain_server.listener.open_connections < 1000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert plain_server.listener.open_connections >= 1000
        assert_alive(plain_server)
    finally:
        for s in socks:
            s.close()
    deadline = time.monotonic() + 10
    while plain_server.listener.open_connections > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert plain_server.listener.open_connections == 0


# -- Fetch long-poll -----------------------------------------------------------------------------


def _fetch(topic: str, offset: int, max_wait_ms: int) -> FetchRequest:
    part = FetchRequest.FetchTopic.FetchPartition(
        partition=0, fetch_offset=offset, partition_max_bytes=1 << 20
    )
    return FetchRequest(
        replica_id=-1,
        max_wait_ms=max_wait_ms,
        min_bytes=1,
        max_bytes=1 << 20,
        isolation_level=0,
        session_id=0,
        session_epoch=-1,
        topics=[FetchRequest.FetchTopic(topic=topic, partitions=[part])],
        forgotten_topics_data=[],
        rack_id="",
    )


def test_a_fetch_at_the_end_waits_and_wakes_up_on_new_data(loop_thread):
    import threading

    srv = make_server(loop_thread, None)
    srv.limits = ListenerLimits(fetch_max_wait_ms=5000)
    srv.start()
    try:
        sid = srv.add_stream("live")
        c = Raw(srv.port)
        c.login(srv.username, TOKEN)
        t0 = time.monotonic()
        threading.Timer(
            0.4, lambda: srv.call(srv.backend.rest_append, sid, 0, b"k", b"now")
        ).start()
        r = c.call(_fetch("live", 0, 5000), 12, FetchResponse)
        elapsed = time.monotonic() - t0
        part = r.responses[0].partitions[0]
        assert part.error_code == 0 and part.high_watermark == 1 and part.records
        assert 0.3 < elapsed < 2.5
    finally:
        srv.stop()


def test_a_fetch_with_nothing_new_returns_after_the_capped_wait(plain_server):
    plain_server.add_stream("quiet")
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    t0 = time.monotonic()
    r = c.call(_fetch("quiet", 0, 60_000), 12, FetchResponse)
    assert 0.4 < time.monotonic() - t0 < 2  # capped at fetch_max_wait_ms (500 ms)
    assert r.responses[0].partitions[0].records in (b"", None)


def test_fetching_beyond_the_end_or_an_unknown_topic_answers_at_once(plain_server):
    plain_server.add_stream("short")
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    t0 = time.monotonic()
    r = c.call(_fetch("short", 5, 5000), 12, FetchResponse)
    assert r.responses[0].partitions[0].error_code == 1  # OFFSET_OUT_OF_RANGE
    r = c.call(_fetch("nope", 0, 5000), 12, FetchResponse)
    assert r.responses[0].partitions[0].error_code == 3  # UNKNOWN_TOPIC_OR_PARTITION
    assert time.monotonic() - t0 < 0.5


def test_metadata_reports_creating_streams_as_leader_not_available(plain_server):
    plain_server.add_stream("ready")
    plain_server.add_stream("fresh", state="CREATING")
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    everything = c.call(MetadataRequest(topics=None), 12, MetadataResponse)
    assert [t.name for t in everything.topics] == ["ready"]
    assert (
        everything.brokers[0].host == "127.0.0.1"
        and everything.brokers[0].port == plain_server.port
    )
    named = c.call(
        MetadataRequest(
            topics=[MetadataRequest.MetadataRequestTopic(name="fresh")],
            allow_auto_topic_creation=False,
        ),
        12,
        MetadataResponse,
    )
    assert named.topics[0].error_code == 5 and named.topics[0].partitions == []


def test_metadata_auto_creates_streams_when_the_pool_says_so(plain_server):
    c = Raw(plain_server.port)
    c.login(plain_server.username, TOKEN)
    ask = [MetadataRequest.MetadataRequestTopic(name="auto-made")]
    r = c.call(MetadataRequest(topics=ask, allow_auto_topic_creation=True), 12, MetadataResponse)
    assert r.topics[0].error_code == 3  # the pool has autoCreateTopicsEnable false
    plain_server.call(
        plain_server.backend.set_settings,
        plain_server.pool_id,
        auto_create_topics=True,
        num_partitions=3,
    )
    r = c.call(MetadataRequest(topics=ask, allow_auto_topic_creation=False), 12, MetadataResponse)
    assert r.topics[0].error_code == 3  # the client did not allow it
    r = c.call(MetadataRequest(topics=ask, allow_auto_topic_creation=True), 12, MetadataResponse)
    assert r.topics[0].error_code == 0 and len(r.topics[0].partitions) == 3


def test_duplicate_stream_names_in_the_pool_fail_authentication_naming_them(plain_server):
    plain_server.add_stream("twin")
    plain_server.add_stream("twin")
    c = Raw(plain_server.port)
    r = c.login(plain_server.username, TOKEN)
    assert r.error_code == 58 and "more than one stream named 'twin'" in r.error_message
