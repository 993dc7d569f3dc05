"""Streaming over plain HTTP: one request signed by the SDK's own signer, shown redacted.

PutMessages and GetMessages are HTTPS calls to the stream's messages endpoint::

    POST {messages_endpoint}/20180418/streams/{stream_id}/messages         body {"messages": [...]}
    GET  {messages_endpoint}/20180418/streams/{stream_id}/messages?cursor=...&limit=N

Every request carries an ``Authorization: Signature ...`` header computed by
:class:`oci.signer.Signer` (an ``requests`` auth object) over the date, the target, the host
and, for a body, its length, type and SHA-256.  :func:`show_request` prints a prepared request
with the key id and the signature hidden by :func:`labhelpers.redact.redact`.

>>> import requests
>>> req = requests.Request("GET", "https://example.com/20180418/streams/s/messages",
...                        headers={"authorization": 'Signature keyId="a/b/c",signature="xyz"'})
>>> print(show_request(req.prepare()))
GET https://example.com/20180418/streams/s/messages
authorization: Signature keyId="[REDACTED]",signature="[REDACTED]"
"""

from __future__ import annotations

import json
import re
from typing import Any

import oci
import requests

from .redact import redact

__all__ = [
    "API_VERSION",
    "brief",
    "lab_signer",
    "messages_url",
    "send",
    "show_request",
    "show_response",
]

API_VERSION = "20180418"

# A cursor (base64 or URL-quoted) is a few hundred characters; shown in full it hides the rest.
_LONG = re.compile(r"(?<![\w.])([A-Za-z0-9+/_-]{16})[A-Za-z0-9+/=%_-]{44,}")


def brief(text: str) -> str:
    """``text`` with every cursor-long token cut to its first 16 characters.

    >>> brief("cursor=" + "A" * 80 + "&limit=1")
    'cursor=AAAAAAAAAAAAAAAA…&limit=1'
    """
    return _LONG.sub(r"\1…", text)


def lab_signer(lab: Any) -> Any:
    """The signer the lab's SDK clients use: ``lab.signer`` (session token, principals), or an
    :class:`oci.signer.Signer` built from ``lab.config`` (API key; localoci's key locally).

    Parameters
    ----------
    lab : Lab
        From :func:`labhelpers.connect`.
    """
    if getattr(lab, "signer", None) is not None:
        return lab.signer
    config = lab.config
    return oci.signer.Signer(
        tenancy=config["tenancy"],
        user=config["user"],
        fingerprint=config["fingerprint"],
        private_key_file_location=config.get("key_file"),
        pass_phrase=oci.config.get_config_value_or_default(config, "pass_phrase"),
        private_key_content=config.get("key_content"),
    )


def messages_url(stream: Any) -> str:
    """``{messages_endpoint}/20180418/streams/{id}/messages`` for ``stream`` (a Stream model)."""
    return f"{stream.messages_endpoint.rstrip('/')}/{API_VERSION}/streams/{stream.id}/messages"


def show_request(prepared: requests.PreparedRequest) -> str:
    """Method, URL, headers and JSON body of ``prepared``, as text, secrets redacted."""
    lines = [f"{prepared.method} {prepared.url}"]
    lines += [f"{name.lower()}: {value}" for name, value in prepared.headers.items()]
    if prepared.body:
        body = prepared.body.decode() if isinstance(prepared.body, bytes) else str(prepared.body)
        try:
            body = json.dumps(json.loads(body), indent=2)
        except ValueError:
            pass
        lines += ["", body]
    return brief(redact("\n".join(lines)))


def show_response(response: requests.Response, *, headers: tuple[str, ...] = ()) -> str:
    """Status line, the ``headers`` asked for (e.g. ``"opc-next-cursor"``) and the JSON body."""
    lines = [f"HTTP {response.status_code} {response.reason}"]
    lines += [f"{h}: {response.headers[h]}" for h in headers if h in response.headers]
    try:
        lines += ["", json.dumps(response.json(), indent=2)]
    except ValueError:
        lines += ["", response.text]
    return brief(redact("\n".join(lines)))


def send(
    lab: Any,
    method: str,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    body: Any = None,
    echo: bool = True,
    timeout: float = 30,
) -> requests.Response:
    """Sign ``method url`` with :func:`lab_signer`, print the request (redacted), send it.

    Parameters
    ----------
    lab : Lab
        From :func:`labhelpers.connect`.
    method, url : str
        E.g. ``"POST"``, :func:`messages_url`.
    params : dict, optional
        Query parameters (``cursor``, ``limit``).
    body : any, optional
        Sent as JSON.
    echo : bool, default True
        Print the request exactly as it goes out, signature redacted.
    timeout : float, default 30
        Seconds.

    Returns
    -------
    requests.Response
        Not raised for an HTTP error: look at ``status_code``.
    """
    request = requests.Request(
        method,
        url,
        params=params,
        data=None if body is None else json.dumps(body),
        headers={"content-type": "application/json"} if body is not None else {},
        auth=lab_signer(lab),
    )
    prepared = request.prepare()
    if echo:
        print(show_request(prepared))
    with requests.Session() as session:
        # send() alone skips the environment (HTTPS_PROXY, REQUESTS_CA_BUNDLE) that
        # requests.request() reads: merge it in, as request() does.
        settings = session.merge_environment_settings(prepared.url, {}, None, None, None)
        return session.send(prepared, timeout=timeout, **settings)
