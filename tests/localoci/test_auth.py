"""Request signatures (OCI HTTP Signature v1): what localoci accepts and what it answers 401.

Requests are signed with ``oci.signer.Signer``, the SDK's own signer, then (for the negative
cases) changed after signing, exactly as a man in the middle or a broken client would."""

from __future__ import annotations

import email.utils
import time

import oci
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oci.signer import _PatchedHeaderSigner

from .helpers import Raw, V, assert_error, b64, cursor


def assert_401(resp: requests.Response) -> None:
    assert_error(resp, 401, "NotAuthenticated")
    assert resp.headers.get("www-authenticate", "").startswith("Signature")


def signed(
    raw: Raw, method: str, path: str, *, body: bytes = b"", params=None, short=False, headers=None
):
    """A prepared, signed request that the test may tamper with before sending."""
    req = requests.Request(
        method,
        raw.server.url + path,
        data=body if method in ("POST", "PUT") else None,
        params=params,
        headers={"content-type": "application/json", **(headers or {})},
    )
    prepared = raw.session.prepare_request(req)
    (raw.signer.without_content_headers if short else raw.signer)(prepared)
    return prepared


def send(raw: Raw, prepared) -> requests.Response:
    return raw.session.send(prepared, timeout=10)


def other_key_file(tmp_path) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "other.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


def test_sdk_signed_requests_are_accepted(raw, make_stream):
    stream = make_stream(partitions=1)
    assert send(raw, signed(raw, "GET", f"{V}/streams/{stream.id}")).status_code == 200


def test_missing_signature_is_401(raw, make_stream):
    stream = make_stream(partitions=1)
    assert_401(raw.get(f"{V}/streams/{stream.id}", sign=False))
    assert_401(
        raw.post(
            f"{V}/streams/{stream.id}/messages",
            json={"messages": [{"value": b64("v")}]},
            sign=False,
        )
    )


def test_signature_by_another_key_is_401(raw, localoci, make_stream, tmp_path):
    stream = make_stream(partitions=1)
    cfg = localoci.config
    impostor = oci.signer.Signer(
        cfg["tenancy"], cfg["user"], cfg["fingerprint"], other_key_file(tmp_path)
    )
    assert_401(Raw(localoci, signer=impostor).get(f"{V}/streams/{stream.id}"))


def test_unknown_key_id_is_401(raw, localoci, make_stream):
    stream = make_stream(partitions=1)
    cfg = localoci.config
    wrong_fp = ":".join(["ab"] * 16)
    stranger = oci.signer.Signer(cfg["tenancy"], cfg["user"], wrong_fp, cfg["key_file"])
    assert_401(Raw(localoci, signer=stranger).get(f"{V}/streams/{stream.id}"))


def test_sdk_client_with_a_wrong_key_gets_not_authenticated(localoci, make_stream, tmp_path):
    stream = make_stream(partitions=1)
    config = {**localoci.config, "key_file": other_key_file(tmp_path)}
    admin = oci.streaming.StreamAdminClient(
        config, service_endpoint=localoci.url, retry_strategy=oci.retry.NoneRetryStrategy()
    )
    with pytest.raises(oci.exceptions.ServiceError) as err:
        admin.get_stream(stream.id)
    assert (err.value.status, err.value.code) == (401, "NotAuthenticated")


@pytest.mark.parametrize("suffix", ["/cursors", "/groupCursors"])
def test_tampered_body_on_a_body_signed_operation_is_401(raw, make_stream, suffix):
    stream = make_stream(partitions=1)
    good = b'{"partition": "0", "type": "LATEST", "groupName": "g"}'
    prepared = signed(raw, "POST", f"{V}/streams/{stream.id}{suffix}", body=good)
    prepared.body = good.replace(b"LATEST", b"LATES1")  # same length: only the digest can tell
    assert_401(send(raw, prepared))


def test_tampered_body_on_admin_update_is_401(raw, make_stream):
    stream = make_stream(partitions=1)
    prepared = signed(raw, "PUT", f"{V}/streams/{stream.id}", body=b'{"freeformTags": {"a": "1"}}')
    prepared.body = b'{"freeformTags": {"a": "2"}}'
    assert_401(send(raw, prepared))


def test_put_messages_short_header_list_is_accepted(raw, make_stream):
    stream = make_stream(partitions=1)
    prepared = signed(
        raw,
        "POST",
        f"{V}/streams/{stream.id}/messages",
        short=True,
        body=f'{{"messages": [{{"value": "{b64("v")}"}}]}}'.encode(),
    )
    assert "x-content-sha256" not in prepared.headers["authorization"]
    assert 'headers="date (request-target) host"' in prepared.headers["authorization"]
    resp = send(raw, prepared)
    assert resp.status_code == 200 and resp.json()["failures"] == 0


def test_put_messages_signed_with_the_full_header_list_is_accepted_too(raw, make_stream):
    stream = make_stream(partitions=1)
    resp = raw.post(f"{V}/streams/{stream.id}/messages", json={"messages": [{"value": b64("v")}]})
    assert resp.status_code == 200


def test_short_header_list_on_other_posts_is_401(raw, make_stream):
    stream = make_stream(partitions=1)
    prepared = signed(
        raw,
        "POST",
        f"{V}/streams/{stream.id}/cursors",
        short=True,
        body=b'{"partition": "0", "type": "LATEST"}',
    )
    assert_401(send(raw, prepared))


def test_header_list_without_request_target_is_401(raw, localoci, make_stream):
    stream = make_stream(partitions=1)
    cfg = localoci.config
    signer = oci.signer.Signer(cfg["tenancy"], cfg["user"], cfg["fingerprint"], cfg["key_file"])
    signer._basic_signer = _PatchedHeaderSigner(
        signer.api_key, signer.private_key, ["date", "host"]
    )
    assert_401(Raw(localoci, signer=signer).get(f"{V}/streams/{stream.id}"))


def test_tampered_path_is_401(raw, make_stream):
    a, b = make_stream(partitions=1), make_stream(partitions=1)
    prepared = signed(raw, "GET", f"{V}/streams/{a.id}")
    prepared.url = prepared.url.replace(a.id, b.id)
    assert_401(send(raw, prepared))


def test_tampered_query_is_401(raw, client, make_stream):
    stream = make_stream(partitions=1)
    c = cursor(client, stream.id)
    prepared = signed(
        raw, "GET", f"{V}/streams/{stream.id}/messages", params={"cursor": c, "limit": "1"}
    )
    assert send(raw, prepared).status_code == 200
    prepared = signed(
        raw, "GET", f"{V}/streams/{stream.id}/messages", params={"cursor": c, "limit": "1"}
    )
    prepared.url = prepared.url.replace("limit=1", "limit=2")
    assert_401(send(raw, prepared))


@pytest.mark.parametrize("skew_s", [-360, 360])
def test_date_more_than_five_minutes_off_is_401(raw, make_stream, skew_s):
    stream = make_stream(partitions=1)
    date = email.utils.formatdate(time.time() + skew_s, usegmt=True)
    assert_401(send(raw, signed(raw, "GET", f"{V}/streams/{stream.id}", headers={"date": date})))


@pytest.mark.parametrize("skew_s", [-240, 240])
def test_date_within_five_minutes_is_accepted(raw, make_stream, skew_s):
    stream = make_stream(partitions=1)
    date = email.utils.formatdate(time.time() + skew_s, usegmt=True)
    assert (
        send(
            raw, signed(raw, "GET", f"{V}/streams/{stream.id}", headers={"date": date})
        ).status_code
        == 200
    )


def test_signature_dates_use_real_time_not_the_lab_clock(localoci, raw, make_stream):
    stream = make_stream(partitions=1)
    localoci.advance(3600)  # the lab clock moves; the SDK still signs with the real time
    assert raw.get(f"{V}/streams/{stream.id}").status_code == 200


def test_foreign_security_token_is_401(raw, make_stream):
    stream = make_stream(partitions=1)
    prepared = signed(raw, "GET", f"{V}/streams/{stream.id}")
    auth = prepared.headers["authorization"]
    key_id = auth.split('keyId="')[1].split('"')[0]
    prepared.headers["authorization"] = auth.replace(key_id, "ST$eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
    assert_401(send(raw, prepared))


def test_localoci_endpoints_need_no_signature(raw):
    assert raw.get("/_localoci/health", sign=False).status_code == 200


def test_no_auth_switch_accepts_unsigned_requests(localoci_factory):
    server = localoci_factory("--no-auth")
    raw = Raw(server)
    resp = raw.post(
        f"{V}/streams",
        sign=False,
        json={"name": "open", "partitions": 1, "compartmentId": server.compartment},
    )
    assert resp.status_code == 200, resp.text
    assert raw.get(f"{V}/streams/{resp.json()['id']}", sign=False).status_code == 200
