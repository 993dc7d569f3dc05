"""labhelpers.http.send goes out as requests.request would: trusting REQUESTS_CA_BUNDLE and
through the environment's proxy.  A bare Session.send does not read the CA bundle, which made
the by-hand request fail certificate verification where the SDK's calls worked."""

from __future__ import annotations

from types import SimpleNamespace

import requests

from labhelpers import http


def test_send_trusts_the_environments_ca_bundle_and_proxy(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not read by this test")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    for name in ("NO_PROXY", "no_proxy", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(http, "lab_signer", lambda lab: None)
    sent: dict = {}

    def fake_send(self, prepared, **kwargs):
        sent.update(kwargs, url=prepared.url)
        response = requests.Response()
        response.status_code = 200
        return response

    monkeypatch.setattr(requests.Session, "send", fake_send)
    url = "https://streaming.example.invalid/20180418/streams/s/messages"
    assert http.send(SimpleNamespace(), "GET", url, params={"limit": 1}, echo=False).ok
    assert sent["verify"] == str(bundle)
    assert sent["proxies"].get("https") == "http://127.0.0.1:3128"
    assert sent["url"] == url + "?limit=1"
