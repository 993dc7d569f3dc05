"""The advertised API table, request headers, and response encoding.

kafka-python's protocol classes (built from Apache Kafka's JSON schemas, flexible versions
included) decode request bodies and encode responses; this module adds what a *server*
needs: the table of versions localoci advertises, a strict request-header parser (the
header must be read before the body's version is known to be supported), and the
ApiVersions v0 fallback.

Profile: "B, modern" of the wire reference (§6): the maxima every client examined used,
flexible versions included, below the ID-based shapes (Fetch v13+, Metadata v10+ topic ids
are sent as zero UUIDs).  Minima are the floors of the bundled schemas (Kafka 4), so legacy
magic 0/1 message sets never appear (Produce v3+, Fetch v4+).  No InitProducerId (22) and
no transaction APIs, as OCI Streaming: idempotent producers get the client's
"broker does not support InitProducerId" error.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from kafka.protocol import admin, consumer, metadata, producer, sasl
from kafka.protocol.api_message import ApiMessage

from .errors import Code


@dataclass(frozen=True)
class Api:
    key: int
    name: str
    request: type[ApiMessage]
    response: type[ApiMessage]
    min_version: int
    max_version: int


def _api(req: type[ApiMessage], resp: type[ApiMessage], lo: int, hi: int) -> Api:
    return Api(req.API_KEY, req.name, req, resp, lo, hi)


#: What localoci advertises in ApiVersions, by API key.
APIS: dict[int, Api] = {
    a.key: a
    for a in (
        _api(producer.ProduceRequest, producer.ProduceResponse, 3, 9),
        _api(consumer.FetchRequest, consumer.FetchResponse, 4, 12),
        _api(consumer.ListOffsetsRequest, consumer.ListOffsetsResponse, 1, 6),
        _api(metadata.MetadataRequest, metadata.MetadataResponse, 0, 12),
        _api(consumer.OffsetCommitRequest, consumer.OffsetCommitResponse, 2, 8),
        _api(consumer.OffsetFetchRequest, consumer.OffsetFetchResponse, 1, 8),
        _api(metadata.FindCoordinatorRequest, metadata.FindCoordinatorResponse, 0, 4),
        _api(consumer.JoinGroupRequest, consumer.JoinGroupResponse, 0, 7),
        _api(consumer.HeartbeatRequest, consumer.HeartbeatResponse, 0, 4),
        _api(consumer.LeaveGroupRequest, consumer.LeaveGroupResponse, 0, 4),
        _api(consumer.SyncGroupRequest, consumer.SyncGroupResponse, 0, 5),
        _api(admin.DescribeGroupsRequest, admin.DescribeGroupsResponse, 0, 5),
        _api(admin.ListGroupsRequest, admin.ListGroupsResponse, 0, 4),
        _api(sasl.SaslHandshakeRequest, sasl.SaslHandshakeResponse, 0, 1),
        _api(metadata.ApiVersionsRequest, metadata.ApiVersionsResponse, 0, 3),
        _api(admin.CreateTopicsRequest, admin.CreateTopicsResponse, 2, 5),
        _api(admin.DescribeConfigsRequest, admin.DescribeConfigsResponse, 1, 4),
        _api(sasl.SaslAuthenticateRequest, sasl.SaslAuthenticateResponse, 0, 2),
    )
}

API_VERSIONS, SASL_HANDSHAKE, SASL_AUTHENTICATE = 18, 17, 36
#: Legal before authentication (Kafka closes the connection on anything else).
PRE_AUTH = frozenset({API_VERSIONS, SASL_HANDSHAKE, SASL_AUTHENTICATE})


class MalformedRequest(Exception):
    """The bytes are not a Kafka request localoci can read; the connection is closed."""


@dataclass(frozen=True)
class RequestHeader:
    api_key: int
    api_version: int
    correlation_id: int
    client_id: str | None
    size: int  # header bytes, the body follows


def _uvarint(data: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 28:
            raise MalformedRequest("bad varint in the request header")
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, pos
        shift += 7


def is_flexible(api_key: int, version: int) -> bool:
    """Whether (key, version) uses flexible encoding (header v2), by the API's schema rule;
    for an unknown ApiVersions version Kafka applies the same rule (3+)."""
    api = APIS.get(api_key)
    if api is None:
        return False
    return api.request.flexible_version_q(version)


def parse_header(frame: bytes | memoryview) -> RequestHeader:
    """Request header v1 or v2 (v2 = v1 + tagged fields, when the version is flexible);
    ``client_id`` is always a non-compact nullable string."""
    data = memoryview(frame)
    if len(data) < 10:
        raise MalformedRequest(f"a {len(data)}-byte frame is too short for a request header")
    key, version, corr, n = struct.unpack_from(">hhih", data, 0)
    pos = 10
    client_id = None
    if n >= 0:
        if pos + n > len(data):
            raise MalformedRequest("the client id runs past the end of the frame")
        client_id = bytes(data[pos : pos + n]).decode("utf-8", "replace")
        pos += n
    elif n != -1:
        raise MalformedRequest(f"bad client id length {n}")
    # An ApiVersions at a version localoci does not know is answered in the v0 format whatever
    # follows (KIP-511): its header's tagged fields are not needed, so not required.
    unknown_api_versions = key == API_VERSIONS and not supported(key, version)
    if is_flexible(key, version) and not unknown_api_versions:
        count, pos = _uvarint(data, pos)
        for _ in range(count):
            _tag, pos = _uvarint(data, pos)
            size, pos = _uvarint(data, pos)
            pos += size
            if pos > len(data):
                raise MalformedRequest("a header tag runs past the end of the frame")
    return RequestHeader(key, version, corr, client_id, pos)


def supported(api_key: int, version: int) -> bool:
    api = APIS.get(api_key)
    return api is not None and api.min_version <= version <= api.max_version


def decode_body(header: RequestHeader, frame: bytes | memoryview) -> ApiMessage:
    """Decode the body of a supported request with kafka-python's class for it."""
    api = APIS[header.api_key]
    try:
        return api.request.decode(memoryview(frame)[header.size :], version=header.api_version)
    except Exception as exc:  # noqa: BLE001 - struct.error, IndexError, UnicodeDecodeError, ...
        raise MalformedRequest(
            f"{api.name} v{header.api_version} body does not decode ({type(exc).__name__}: {exc})"
        ) from None


def encode_response(header: RequestHeader, response: ApiMessage) -> bytes:
    """Frame ``response`` for ``header``'s correlation id, at the request's version."""
    response.API_VERSION = header.api_version
    response.with_header(correlation_id=header.correlation_id)
    return bytes(response.encode(header=True, framed=True))


def api_versions_response(version: int, throttle_ms: int = 0) -> ApiMessage:
    resp = metadata.ApiVersionsResponse
    keys = [
        resp.ApiVersion(api_key=a.key, min_version=a.min_version, max_version=a.max_version)
        for a in sorted(APIS.values(), key=lambda a: a.key)
    ]
    return resp(version=version, error_code=0, api_keys=keys, throttle_time_ms=throttle_ms)


def unsupported_api_versions(correlation_id: int) -> bytes:
    """The answer to an ApiVersions version localoci does not know: the v0 body (header v0)
    with UNSUPPORTED_VERSION and only ApiVersions' own range, so the client retries with a
    version it finds there (KIP-511; what Apache Kafka sends)."""
    api = APIS[API_VERSIONS]
    body = struct.pack(
        ">ihihhh",
        correlation_id,
        Code.UNSUPPORTED_VERSION,
        1,
        API_VERSIONS,
        api.min_version,
        api.max_version,
    )
    return struct.pack(">i", len(body)) + body
