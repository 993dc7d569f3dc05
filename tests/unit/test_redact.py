"""redact(): every kind of credential the lab can print disappears; nothing else changes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labhelpers.redact import REDACTED, is_secret_key, redact, redact_json, redact_notebook

USER = "ocid1.user.oc1..aaaaaaaa3kx7qexampleuserocidzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzza1b2"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaa5tenancyexampleocidqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq9z8y"
STREAM = "ocid1.stream.oc1.phx.amaaaaaaexamplestreamocid4hq7lmnopq2rstu"
COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaaexamplecompartmentxyz7"
FINGERPRINT = "20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34"
PEM_BODY = "MIIEowIBAAKCAQEAx1Yexamplekeymaterial+/abc==\nQWxhZGRpbjpvcGVuIHNlc2FtZQ==\n"
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----"
JWT = (
    "eyJraWQiOiJhc3dfb2MxXzIwMjMiLCJhbGciOiJSUzI1NiJ9."
    "eyJzdWIiOiJvY2lkMS51c2VyIiwiaXNzIjoiYXV0aFNlcnZpY2Uub3JhY2xlLmNvbSJ9."
    "c2lnbmF0dXJlLWJ5dGVzLWhlcmUtZm9yLXRoZS10ZXN0"
)


def secrets_in(text: str) -> list[str]:
    found = [
        s
        for s in (
            USER,
            TENANCY,
            FINGERPRINT,
            "MIIEowIBAAKCAQEA",
            JWT[:20],
            "hunter2",
            "oci_api_key.pem",
            "s3cr3t-Auth(Tok)en",
        )
        if s in text
    ]
    return found


def test_user_and_tenancy_ocids_keep_type_realm_and_last_four():
    assert redact(USER) == "ocid1.user.oc1..[REDACTED]a1b2"
    assert redact(TENANCY) == "ocid1.tenancy.oc1..[REDACTED]9z8y"
    assert redact("ocid1.user.oc1.phx.aaaaaaaaabc1234") == "ocid1.user.oc1.phx.[REDACTED]1234"


def test_stream_and_other_resource_ocids_stay():
    text = f"stream {STREAM} in {COMPARTMENT}"
    assert redact(text) == text


def test_fingerprint_is_removed_anywhere():
    assert redact(f"fingerprint={FINGERPRINT}") == "fingerprint=[REDACTED:fingerprint]"
    assert redact(f"key {FINGERPRINT.upper()}.") == "key [REDACTED:fingerprint]."


def test_pem_block_is_removed_raw_escaped_and_truncated():
    assert redact(f"key:\n{PEM}\nend") == "key:\n[REDACTED:private-key]\nend"
    escaped = json.dumps({"key_content": PEM})  # newlines appear as \n in a repr or JSON
    assert "MIIE" not in redact(escaped)
    truncated = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nMIIE"
    assert "MIIEvQ" not in redact(truncated)
    encrypted = (
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w\n"
        "-----END ENCRYPTED PRIVATE KEY-----"
    )
    assert redact(encrypted) == "[REDACTED:private-key]"


def test_public_keys_and_certificates_stay():
    pub = (
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"
    )
    assert redact(pub) == pub


@pytest.mark.parametrize(
    "line, expected",
    [
        ("key_file=/home/me/.oci/oci_api_key.pem", "key_file=[REDACTED:key-path]"),
        ("key_file = ~/My Keys/oci_api_key.pem", "key_file = [REDACTED:key-path]"),
        ("{'key_file': '/root/.oci/oci_api_key.pem'}", "{'key_file': '[REDACTED:key-path]'}"),
        ('"key_file": "C:\\\\Users\\\\me\\\\.oci\\\\k.pem"', '"key_file": "[REDACTED:key-path]"'),
        ("loaded /tmp/lab/oci_api_key.pem ok", "loaded [REDACTED:key-path] ok"),
        ("C:\\Users\\me\\.oci\\oci_api_key.pem", "[REDACTED:key-path]"),
    ],
)
def test_private_key_paths_are_removed(line, expected):
    assert redact(line) == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("pass_phrase=hunter2", "pass_phrase=[REDACTED]"),
        ("pass_phrase = hunter2 with spaces", "pass_phrase = [REDACTED]"),
        ("{'pass_phrase': 'hunter2'}", "{'pass_phrase': '[REDACTED]'}"),
        ('{"authToken": "s3cr3t-Auth(Tok)en"}', '{"authToken": "[REDACTED]"}'),
        ("auth_token='s3cr3t-Auth(Tok)en'", "auth_token='[REDACTED]'"),
        ("sasl.password=s3cr3t", "sasl.password=[REDACTED]"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [REDACTED]"),
    ],
)
def test_config_secrets_and_tokens_are_removed(line, expected):
    assert redact(line) == expected


def test_jwt_and_session_key_id_are_removed():
    assert redact(f"security token {JWT} expires") == "security token [REDACTED:token] expires"
    assert redact(f"ST${JWT}") == "ST$[REDACTED]"
    assert redact("ST$abc123") == "ST$[REDACTED]"


def test_signature_header_loses_key_id_and_signature_but_keeps_its_shape():
    header = (
        f'Signature version="1",keyId="{TENANCY}/{USER}/{FINGERPRINT}",'
        'algorithm="rsa-sha256",headers="date (request-target) host",'
        'signature="Zm9vYmFyYmF6cXV4+/=="'
    )
    out = redact("authorization: " + header)
    assert 'keyId="[REDACTED]"' in out and 'signature="[REDACTED]"' in out
    assert 'algorithm="rsa-sha256"' in out and 'headers="date (request-target) host"' in out
    assert not secrets_in(out)


def test_unquoted_signature_parameters_are_removed_too():
    out = redact(f"keyId={TENANCY}/{USER}/{FINGERPRINT},signature=Zm9vYmFyYmF6cXV4+/==")
    assert out == "keyId=[REDACTED],signature=[REDACTED]"


def test_html_escaped_quotes_are_understood():
    html = "<td>keyId=&quot;ST$abc&quot; pass_phrase=&#39;hunter2&#39;</td>"
    assert redact(html) == "<td>keyId=&quot;[REDACTED]&quot; pass_phrase=&#39;[REDACTED]&#39;</td>"


def test_whole_oci_config_file():
    config = f"""[DEFAULT]
user={USER}
fingerprint={FINGERPRINT}
key_file=/home/learner/.oci/oci_api_key.pem
tenancy={TENANCY}
region=us-phoenix-1
pass_phrase=hunter2
"""
    out = redact(config)
    assert not secrets_in(out)
    assert "region=us-phoenix-1" in out and out.count("\n") == config.count("\n")


def test_ansi_coloured_traceback_cannot_hide_a_secret():
    line = "\x1b[0;32mkey_file\x1b[0m\x1b[38;5;241m=\x1b[0m\x1b[38;5;124m'/x/secret_key'\x1b[0m"
    out = redact(line)
    assert "secret_key" not in out
    coloured = f"\x1b[0;31mValueError\x1b[0m: bad user {USER}"
    assert (
        redact(coloured) == f"\x1b[0;31mValueError\x1b[0m: bad user ocid1.user.oc1..{REDACTED}a1b2"
    )


def test_ordinary_text_is_unchanged():
    for text in [
        "",
        "published 10 messages to partition 0 at offset 41",
        "cursor type TRIM_HORIZON, opc-next-cursor followed",
        "def f(x):\n    return x.split(':')\n",
        "12:34:56 elapsed",
        "labhelpers.connect.get_or_create_stream",
        "the key is 'k1' and value 'v'",
    ]:
        assert redact(text) == text


@given(st.text(max_size=200))
def test_redact_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_secrets_inside_any_text_are_removed(noise):
    text = f"{noise} {USER} {noise} {FINGERPRINT} {noise}"
    assert USER not in redact(text) and FINGERPRINT not in redact(text)


def test_secret_keys_by_name():
    assert all(
        map(
            is_secret_key,
            [
                "pass_phrase",
                "passphrase",
                "key_file",
                "authToken",
                "session_token",
                "security_token_file",
                "password",
            ],
        )
    )
    assert not any(map(is_secret_key, ["stream_id", "tokenizer", "partitions", "key"]))


def test_redact_json_replaces_values_under_secret_keys_whatever_they_look_like():
    state = {
        "state": {
            "m1": {
                "model_name": "TextModel",
                "state": {"value": f"user {USER}", "description": "Token"},
            },
            "m2": {"state": {"password": "plain words", "auth_token": "x"}},
        }
    }
    out = redact_json(state)
    assert out["state"]["m1"]["state"]["value"] == "user ocid1.user.oc1..[REDACTED]a1b2"
    assert out["state"]["m2"]["state"] == {"password": REDACTED, "auth_token": REDACTED}
    assert state["state"]["m2"]["state"]["password"] == "plain words"  # a copy, input intact


def test_redact_notebook_covers_sources_outputs_metadata_and_leaves_images_alone():
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    nb = {
        "metadata": {
            "widgets": {
                "application/vnd.jupyter.widget-state+json": {
                    "state": {"a": {"state": {"value": FINGERPRINT}}}
                }
            }
        },
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": f"my user is {USER}"},
            {
                "cell_type": "code",
                "metadata": {"tags": [TENANCY]},
                "execution_count": 1,
                "source": ["cfg = load()\n", "print(cfg)"],
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": ["pass_phrase=hunter2\n"]},
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {
                            "text/html": f"<b>{JWT}</b>",
                            "text/plain": f"'{JWT}'",
                            "image/png": png,
                            "application/json": {"user": USER, "fingerprint": FINGERPRINT},
                        },
                    },
                    {
                        "output_type": "error",
                        "ename": "ValueError",
                        "evalue": f"no {USER}",
                        "traceback": [f"ValueError: no {USER}", PEM],
                    },
                ],
            },
        ],
    }
    out = redact_notebook(nb)
    dumped = json.dumps(out)
    assert not secrets_in(dumped), secrets_in(dumped)
    assert out["cells"][1]["outputs"][1]["data"]["image/png"] == png
    assert secrets_in(json.dumps(nb))  # the input is untouched
