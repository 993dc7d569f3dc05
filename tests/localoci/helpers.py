"""Small helpers shared by the localoci contract tests and the conformance tests.

``Raw`` sends hand-made HTTP requests signed exactly as the SDK signs them
(``oci.signer.Signer``), for the cases the SDK refuses to produce (bad JSON, bad enums,
tampered signatures) and for checking headers and JSON shapes on the wire.
"""

from __future__ import annotations

import base64
import json as jsonlib

import oci
import requests

V = "/20180418"
NO_RETRY = oci.retry.NoneRetryStrategy()
Models = oci.streaming.models


def b64(data: str | bytes) -> str:
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)


def entries(*pairs) -> Models.PutMessagesDetails:
    """``entries(("k", "v"), (None, "v2"))`` -> PutMessagesDetails (keys/values as text)."""
    return Models.PutMessagesDetails(
        messages=[
            Models.PutMessagesDetailsEntry(key=None if k is None else b64(k), value=b64(v))
            for k, v in pairs
        ]
    )


def publish(client, stream_id: str, *pairs):
    """Publish ``(key, value)`` text pairs; assert none failed; return the result entries."""
    result = client.put_messages(stream_id, entries(*pairs)).data
    assert result.failures == 0, [(e.error, e.error_message) for e in result.entries]
    return result.entries


def cursor(client, stream_id: str, partition: str = "0", type_: str = "TRIM_HORIZON", **kw) -> str:
    return client.create_cursor(
        stream_id, Models.CreateCursorDetails(partition=partition, type=type_, **kw)
    ).data.value


def group_cursor(
    client, stream_id: str, group: str, instance: str, type_: str = "TRIM_HORIZON", **kw
) -> str:
    return client.create_group_cursor(
        stream_id,
        Models.CreateGroupCursorDetails(type=type_, group_name=group, instance_name=instance, **kw),
    ).data.value


def values(messages) -> list[str]:
    return [unb64(m.value).decode() for m in messages]


class Raw:
    """Signed raw HTTP against one localoci: ``raw.post("/20180418/streams/x/cursors", json={...})``."""

    def __init__(self, server, signer=None) -> None:
        self.server = server
        cfg = server.config
        self.signer = signer or oci.signer.Signer(
            cfg["tenancy"], cfg["user"], cfg["fingerprint"], cfg["key_file"]
        )
        self.session = requests.Session()

    def request(
        self,
        method: str,
        path: str,
        *,
        json=None,
        data=None,
        params=None,
        headers=None,
        sign: bool = True,
        short: bool = False,
        auth=None,
    ) -> requests.Response:
        """``short`` signs with the header list the SDK uses for PutMessages (no body headers)."""
        hdrs = {"content-type": "application/json", "accept": "application/json", **(headers or {})}
        if json is not None:
            data = jsonlib.dumps(json)
        if data is None and method.upper() in ("POST", "PUT"):
            data = b""
        if isinstance(data, str):
            data = data.encode()
        if auth is None and sign:
            auth = self.signer.without_content_headers if short else self.signer
        return self.session.request(
            method,
            self.server.url + path,
            data=data,
            params=params,
            headers=hdrs,
            auth=auth,
            timeout=15,
        )

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def assert_error(
    resp: requests.Response, status: int, code: str | None = None, contains: str | None = None
) -> dict:
    """The response is an OCI error: ``{"code", "message"}`` with ``status``; return the body."""
    assert resp.status_code == status, (resp.status_code, resp.text)
    body = resp.json()
    assert set(body) == {"code", "message"}, body
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    assert resp.headers.get("opc-request-id")
    if code is not None:
        assert body["code"] == code, body
    if contains is not None:
        assert contains in body["message"], body
    return body
