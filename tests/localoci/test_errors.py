"""Errors: every non-2xx answer is ``{"code", "message"}`` with OCI's status and code; bad
input is a 400 that names the field; nothing a client sends produces a 500."""

from __future__ import annotations

import oci
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import V, assert_error, b64, group_cursor

UNKNOWN = "ocid1.stream.oc1.local.amaaaaaadoesnotexist"


@pytest.fixture(scope="module")
def stream(localoci):
    """One stream (2 partitions, one message, one group) for the read-only error checks."""
    admin = localoci.admin()
    s = admin.create_stream(
        oci.streaming.models.CreateStreamDetails(
            name=f"errors-{id(object())}", partitions=2, compartment_id=localoci.compartment
        )
    ).data
    oci.wait_until(
        admin,
        admin.get_stream(s.id),
        "lifecycle_state",
        "ACTIVE",
        max_wait_seconds=10,
        max_interval_seconds=0.1,
    )
    client = localoci.stream_client()
    client.put_messages(
        s.id,
        oci.streaming.models.PutMessagesDetails(
            messages=[oci.streaming.models.PutMessagesDetailsEntry(key=b64("k"), value=b64("v"))]
        ),
    )
    group_cursor(client, s.id, "errors-group", "i")
    yield s
    admin.delete_stream(s.id)


MESSAGE_OPS = [
    ("POST", "/messages", {"messages": [{"value": b64("v")}]}),
    ("GET", "/messages?cursor=abc", None),
    ("POST", "/cursors", {"partition": "0", "type": "TRIM_HORIZON"}),
    ("POST", "/groupCursors", {"type": "TRIM_HORIZON", "groupName": "g"}),
    ("POST", "/commit?cursor=abc", None),
    ("POST", "/heartbeat?cursor=abc", None),
    ("GET", "/groups/g", None),
    ("PUT", "/groups/g", {"type": "LATEST"}),
    ("GET", "", None),
    ("PUT", "", {"freeformTags": {}}),
    ("DELETE", "", None),
]


@pytest.mark.parametrize(
    "method, suffix, body", MESSAGE_OPS, ids=[f"{m} {s or '/'}" for m, s, _ in MESSAGE_OPS]
)
def test_unknown_stream_is_404_naming_the_stream(raw, method, suffix, body):
    path, _, query = f"{V}/streams/{UNKNOWN}{suffix}".partition("?")
    params = dict([query.split("=")]) if query else None
    resp = raw.request(method, path, json=body, params=params, short=suffix == "/messages")
    err = assert_error(resp, 404, "NotAuthorizedOrNotFound")
    assert err["message"] == f"Unknown stream {UNKNOWN}."


BODY_OPS = ["/messages", "/cursors", "/groupCursors"]


@pytest.mark.parametrize("suffix", BODY_OPS)
@pytest.mark.parametrize("text", ["{", "not json", '{"a": 1,}', '"\\x"', b"\xff\xfe\x00"])
def test_malformed_json_is_400_cannot_parse(raw, stream, suffix, text):
    resp = raw.post(f"{V}/streams/{stream.id}{suffix}", data=text, short=suffix == "/messages")
    assert_error(resp, 400, "CannotParseRequest", "Unable to parse JSON body")


def test_malformed_json_on_admin_calls_is_400(raw, stream):
    assert_error(raw.post(f"{V}/streams", data="{nope"), 400, "CannotParseRequest")
    assert_error(raw.put(f"{V}/streams/{stream.id}", data="[1,"), 400, "CannotParseRequest")
    assert_error(
        raw.put(f"{V}/streams/{stream.id}/groups/errors-group", data="}"), 400, "CannotParseRequest"
    )


def test_deeply_nested_json_is_400_not_500(raw):
    assert_error(raw.post(f"{V}/streams", data="[" * 100_000), 400, "CannotParseRequest")


@pytest.mark.parametrize("suffix", BODY_OPS)
@pytest.mark.parametrize("body", ["[]", "3", "null", '"text"'])
def test_a_body_that_is_not_an_object_is_400(raw, stream, suffix, body):
    assert_error(
        raw.post(f"{V}/streams/{stream.id}{suffix}", data=body, short=suffix == "/messages"), 400
    )


def test_missing_required_field_is_400_missing_parameter_naming_it(raw, stream, localoci):
    assert_error(
        raw.post(f"{V}/streams/{stream.id}/cursors", json={"type": "LATEST"}),
        400,
        "MissingParameter",
        "partition",
    )
    assert_error(
        raw.post(f"{V}/streams/{stream.id}/groupCursors", json={"type": "LATEST"}),
        400,
        "MissingParameter",
        "groupName",
    )
    assert_error(
        raw.post(f"{V}/streams/{stream.id}/messages", json={}, short=True),
        400,
        "MissingParameter",
        "messages",
    )
    assert_error(
        raw.post(f"{V}/streams", json={"partitions": 1, "compartmentId": localoci.compartment}),
        400,
        "MissingParameter",
        "name",
    )


def test_bad_enum_is_400_listing_the_allowed_values(raw, stream):
    err = assert_error(
        raw.post(f"{V}/streams/{stream.id}/cursors", json={"partition": "0", "type": "OLDEST"}),
        400,
        "InvalidParameter",
        "'type'",
    )
    assert "TRIM_HORIZON" in err["message"]


def test_bad_base64_is_400_naming_the_entry(raw, stream):
    resp = raw.post(
        f"{V}/streams/{stream.id}/messages",
        short=True,
        json={"messages": [{"value": b64("ok")}, {"value": "###"}]},
    )
    assert_error(resp, 400, "InvalidParameter", "messages[1].value")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "x", "partitions": 0}, "partitions"),
        ({"name": "x", "partitions": 201}, "partitions"),
        ({"name": "x", "partitions": "2"}, "partitions"),
        ({"name": "x", "partitions": 1, "retentionInHours": 23}, "retentionInHours"),
        ({"name": "x", "partitions": 1, "retentionInHours": 169}, "retentionInHours"),
        ({"name": "x" * 300, "partitions": 1}, "name"),
        ({"name": "x", "partitions": 1, "freeformTags": ["a"]}, "freeformTags"),
    ],
)
def test_out_of_range_admin_values_are_400_naming_the_field(raw, localoci, body, field):
    assert_error(
        raw.post(f"{V}/streams", json={**body, "compartmentId": localoci.compartment}),
        400,
        contains=field,
    )


def test_bad_kafka_settings_on_a_pool_are_400_not_500(raw, localoci):
    body = {
        "name": "p",
        "compartmentId": localoci.compartment,
        "kafkaSettings": {"numPartitions": "abc"},
    }
    assert_error(raw.post(f"{V}/streampools", json=body), 400, "InvalidParameter", "numPartitions")


def test_unknown_route_is_404_and_wrong_method_is_405(raw, stream):
    assert_error(raw.get(f"{V}/nothing-here"), 404, "NotFound")
    assert_error(
        raw.request("PATCH", f"{V}/streams/{stream.id}/messages", data=b"{}"),
        405,
        "MethodNotAllowed",
    )


def test_sdk_surfaces_code_message_and_request_id(localoci, stream):
    client = localoci.stream_client()
    with pytest.raises(oci.exceptions.ServiceError) as err:
        client.get_messages(stream.id, "bogus", opc_request_id="CLIENTID")
    e = err.value
    assert (e.status, e.code) == (400, "InvalidParameter")
    assert e.message == "The cursor is invalid. Create a new one."
    assert e.request_id.startswith("CLIENTID/")


def test_every_response_echoes_the_client_request_id_with_two_more_segments(raw, stream):
    resp = raw.get(f"{V}/streams/{stream.id}", headers={"opc-request-id": "ABC123"})
    parts = resp.headers["opc-request-id"].split("/")
    assert parts[0] == "ABC123" and len(parts) == 3 and all(len(p) == 32 for p in parts[1:])


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "messages",
    "key",
    "value",
    "partition",
    "type",
    "offset",
    "time",
    "groupName",
    "instanceName",
    "timeoutInMs",
    "commitOnGet",
    "name",
    "partitions",
    "retentionInHours",
    "compartmentId",
    "streamPoolId",
    "freeformTags",
    "definedTags",
    "kafkaSettings",
]
bodies = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6) | json_values
FUZZ_OPS = [
    "POST messages",
    "POST cursors",
    "POST groupCursors",
    "PUT groups/errors-group",
    "PUT",
    "POST /streams",
    "POST /streampools",
    "PUT /streampools",
]


@pytest.mark.parametrize("op", FUZZ_OPS)
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_random_bodies_never_cause_a_500(localoci, raw, stream, op, body):
    method, _, rest = op.partition(" ")
    if rest.startswith("/streampools") and method == "PUT":
        path = f"{V}/streampools/ocid1.streampool.oc1.local.nope"
    elif rest.startswith("/"):
        path = f"{V}{rest}"
    else:
        path = f"{V}/streams/{stream.id}" + (f"/{rest}" if rest else "")
    if isinstance(body, dict) and "compartmentId" in body and method == "POST":
        body["compartmentId"] = None  # never really create things in the shared compartment
    resp = raw.request(method, path, json=body, short=rest == "messages")
    assert resp.status_code in (200, 204, 400, 404, 409, 429), (resp.status_code, resp.text)
    if resp.status_code >= 400:
        assert_error(resp, resp.status_code)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    query=st.dictionaries(
        st.sampled_from(
            [
                "cursor",
                "limit",
                "compartmentId",
                "page",
                "sortBy",
                "sortOrder",
                "lifecycleState",
                "name",
                "streamPoolId",
            ]
        ),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_random_query_strings_never_cause_a_500(raw, stream, query):
    for path in (
        f"{V}/streams/{stream.id}/messages",
        f"{V}/streams",
        f"{V}/streampools",
        f"{V}/workRequests",
    ):
        resp = raw.get(path, params=query)
        assert resp.status_code in (200, 400, 404, 429), (resp.status_code, resp.text)
