"""Remove credentials from text before anyone sees it: printed output, reports, logs.

One function, :func:`redact`, decides what a secret looks like; everything labhelpers prints
and every report goes through it.  :func:`redact_json` and :func:`redact_notebook` apply it to
nested JSON (widget state, display data, metadata) and to whole notebooks.

What is removed, and what it becomes:

=============================================  ==============================================
secret                                          becomes
=============================================  ==============================================
user / tenancy OCID                             ``ocid1.user.oc1..[REDACTED]a1b2`` (type, realm,
                                                region and the last 4 characters stay, so two
                                                different users can still be told apart)
API key fingerprint ``12:34:...:ef`` (16 pairs) ``[REDACTED:fingerprint]``
PEM private key block (also escaped ``\\n``)    ``[REDACTED:private-key]``
``*.pem`` path, ``key_file=...``                ``[REDACTED:key-path]``
JWT (session / resource-principal token)        ``[REDACTED:token]``
``ST$...`` session key id                       ``ST$[REDACTED]``
``keyId="..."`` / ``signature="..."``           ``keyId="[REDACTED]"``
``Authorization: Bearer ...``                   ``Authorization: Bearer [REDACTED]``
``pass_phrase``, ``password``, ``*token``,      ``pass_phrase=[REDACTED]``
``secret`` values (``=``, ``:`` or JSON)
=============================================  ==============================================

Stream OCIDs, compartment OCIDs and every other resource OCID are not secrets and stay.
Every replacement contains ``[REDACTED`` and none of them matches again, so ``redact`` is
idempotent.  The module has no dependencies and compiles its patterns once.
"""

from __future__ import annotations

import copy
import re
from typing import Any

__all__ = ["REDACTED", "redact", "redact_json", "redact_notebook", "is_secret_key"]

REDACTED = "[REDACTED]"

# Quotes as they appear in raw text, in Python reprs and in HTML-escaped output.
_Q = r"""(?:"|'|&quot;|&\#34;|&\#x27;|&\#39;)"""

# A cheap gate: text without any of these cannot hold a secret we recognise.
_GATE = re.compile(
    r"ocid1\.|[0-9a-f]{2}:[0-9a-f]{2}:|PRIVATE KEY|key_file|\.pem|e[wy][\w-]{10,}\.|ST\$|"
    r"keyid|signature|token|pass|secret|authorization|bearer",
    re.IGNORECASE,
)

_PEM = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----"
    r"(?:.*?-----END \1PRIVATE KEY-----"  # a complete block (raw or with escaped newlines)
    r"|(?:[A-Za-z0-9+/=:,\- \t\r\n]|\\[nrt])*)",  # or a truncated one: its body, to the end
    re.DOTALL,
)

# Names whose values are secrets, in config files, kwargs, dicts and JSON.
_SECRET_NAMES = (
    r"pass_?phrase|password|passwd|secret|client_secret|"
    r"(?:auth|session|security|access|refresh|id|bearer)[_-]?token|token"
)
_KEY_PATH_NAMES = r"key_file|security_token_file|key_path|private_key_path"
_SECRET_KEY = re.compile(
    rf"^(?:{_SECRET_NAMES}|{_KEY_PATH_NAMES}|key_content|private_key|authorization)$",
    re.IGNORECASE,
)

# key_file = /path with spaces/key.pem   (an INI line: the value runs to the end of the line)
_INI_LINE = re.compile(
    rf"(?im)^([ \t]*(?:{_KEY_PATH_NAMES}|{_SECRET_NAMES})[ \t]*=[ \t]*)(?!\[REDACTED|[\"'])(\S[^\r\n]*)"
)
# name = "value", 'name': 'value', "name": "value", name=value
_KEY_VALUE = re.compile(
    rf"(?i)(?<![\w-])({_KEY_PATH_NAMES}|{_SECRET_NAMES})({_Q}?[ \t]*[=:][ \t]*)"
    rf"(?:({_Q})(?!\[REDACTED)(.*?)\3|(?!\[REDACTED|{_Q})([^\s'\",;(){{}}\[\]<>&]+))"
)
_AUTH_BEARER = re.compile(r"(?i)(\bbearer[ \t]+)(?!\[REDACTED)[A-Za-z0-9._~+/=-]+")
_SIG_PARAM = re.compile(
    rf"(?i)(\b(?:keyId|signature)[ \t]*=[ \t]*)"
    rf"(?:({_Q})(?!\[REDACTED)(.*?)\2|(?!\[REDACTED|{_Q})([A-Za-z0-9+/=$._~:-]{{8,}}))"
)
_JWT = re.compile(r"\be[wy][A-Za-z0-9_-]{10,}\.e[wy][A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*")
_SESSION_KEY_ID = re.compile(r"ST\$(?!\[REDACTED)[A-Za-z0-9._~+/=-]+")
_FINGERPRINT = re.compile(r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){15}(?![0-9A-Fa-f:])")
_OCID = re.compile(r"\b(ocid1\.(?:user|tenancy)\.[a-z0-9-]*\.[a-z0-9-]*\.)([A-Za-z0-9_-]+)")
_PEM_PATH = re.compile(r"(?:\b[A-Za-z]:)?[\w.~/\\-]*[\w-]\.pem\b")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _ocid(m: re.Match) -> str:
    return f"{m.group(1)}{REDACTED}{m.group(2)[-4:]}"


def _key_value(m: re.Match) -> str:
    name, sep, quote = m.group(1), m.group(2), m.group(3)
    kind = "[REDACTED:key-path]" if re.fullmatch(_KEY_PATH_NAMES, name, re.I) else REDACTED
    return f"{name}{sep}{quote}{kind}{quote}" if quote else f"{name}{sep}{kind}"


def _ini_line(m: re.Match) -> str:
    name = m.group(1).split("=")[0].strip()
    kind = "[REDACTED:key-path]" if re.fullmatch(_KEY_PATH_NAMES, name, re.I) else REDACTED
    return m.group(1) + kind


def _apply(text: str) -> str:
    text = _PEM.sub("[REDACTED:private-key]", text)
    text = _INI_LINE.sub(_ini_line, text)
    text = _SIG_PARAM.sub(
        lambda m: f"{m.group(1)}{m.group(2) or ''}{REDACTED}{m.group(2) or ''}", text
    )
    text = _KEY_VALUE.sub(_key_value, text)
    text = _AUTH_BEARER.sub(lambda m: m.group(1) + REDACTED, text)
    text = _SESSION_KEY_ID.sub("ST$" + REDACTED, text)
    text = _JWT.sub("[REDACTED:token]", text)
    text = _FINGERPRINT.sub("[REDACTED:fingerprint]", text)
    text = _OCID.sub(_ocid, text)
    return _PEM_PATH.sub("[REDACTED:key-path]", text)


def redact(text: str) -> str:
    """Return `text` with credentials replaced by ``[REDACTED...]`` markers.

    Parameters
    ----------
    text : str
        Anything that may be shown to a person: printed output, an HTML table, a traceback,
        an OCI config file, a request's headers.

    Returns
    -------
    str
        The same text with user and tenancy OCIDs shortened to their type and last four
        characters, and fingerprints, private keys and their paths, tokens, pass phrases and
        request signatures removed.  Other resource OCIDs (streams, compartments) stay.
        Text with no secret is returned unchanged; redacting twice changes nothing more.

    Examples
    --------
    >>> redact("user=ocid1.user.oc1..aaaaaaaaexampleuserxyza1b2")
    'user=ocid1.user.oc1..[REDACTED]a1b2'
    >>> redact("fingerprint=20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34")
    'fingerprint=[REDACTED:fingerprint]'
    >>> redact("key_file = /home/me/.oci/oci_api_key.pem")
    'key_file = [REDACTED:key-path]'
    >>> redact("pass_phrase=hunter2")
    'pass_phrase=[REDACTED]'
    >>> redact('keyId="ST$eyJhbGciOi.eyJzdWIiOi.c2ln"')
    'keyId="[REDACTED]"'
    >>> redact("stream ocid1.stream.oc1.phx.amaaaaaastream1234 is ACTIVE")
    'stream ocid1.stream.oc1.phx.amaaaaaastream1234 is ACTIVE'
    >>> redact(redact("tenancy: ocid1.tenancy.oc1..aaaaaaaatenancyq9z8")) == redact(
    ...     "tenancy: ocid1.tenancy.oc1..aaaaaaaatenancyq9z8")
    True
    """
    if not text or not _GATE.search(text):
        return text
    out = _apply(text)
    if "\x1b" in text:
        # Colour codes (tracebacks, coloured logs) can split a secret from its name
        # ("key_file" ESC[0m "=" ...).  If the plain text reveals more than the coloured
        # text did, give up the colours and keep the secret.
        plain = _ANSI.sub("", text)
        plain_redacted = _apply(plain)
        if _ANSI.sub("", out) != plain_redacted:
            return plain_redacted
    return out


def is_secret_key(name: str) -> bool:
    """Whether a mapping key (``"pass_phrase"``, ``"key_file"``, ``"authToken"``) names a secret.

    Examples
    --------
    >>> is_secret_key("pass_phrase"), is_secret_key("authToken"), is_secret_key("stream_id")
    (True, True, False)
    """
    return bool(_SECRET_KEY.match(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name)))


def redact_json(value: Any) -> Any:
    """Return a redacted copy of a JSON-like value (dicts, lists, strings, numbers).

    Every string goes through :func:`redact`, keys included; a string value under a key that
    names a secret (:func:`is_secret_key`) is replaced whole, whatever it looks like.

    Examples
    --------
    >>> redact_json({"user": "ocid1.user.oc1..aaaaaaaaexampleuserxyza1b2",
    ...              "pass_phrase": "correct horse", "partitions": 1})
    {'user': 'ocid1.user.oc1..[REDACTED]a1b2', 'pass_phrase': '[REDACTED]', 'partitions': 1}
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            key = redact(k) if isinstance(k, str) else k
            if isinstance(k, str) and isinstance(v, str) and v and is_secret_key(k):
                out[key] = v if v.startswith("[REDACTED") else REDACTED
            else:
                out[key] = redact_json(v)
        return type(value)(out) if type(value) is not dict else out
    if isinstance(value, (list, tuple)):
        return type(value)(redact_json(v) for v in value)
    return value


# Binary payloads (base64 images) are not text: redacting could corrupt them, and a secret
# drawn into a picture cannot be found by a pattern anyway.
_BINARY_MIME = re.compile(r"^(image/(?!svg)|application/(pdf|octet-stream)|audio/|video/)")


def _redact_output(output: dict) -> None:
    if "text" in output:
        output["text"] = redact(_join(output["text"]))
    if "traceback" in output:
        output["traceback"] = [redact(line) for line in output["traceback"]]
    for key in ("ename", "evalue"):
        if key in output:
            output[key] = redact(output[key])
    data = output.get("data")
    if isinstance(data, dict):
        for mime in list(data):
            if _BINARY_MIME.match(mime):
                continue
            v = data[mime]
            data[mime] = (
                redact(_join(v))
                if isinstance(v, (str, list))
                and not (mime.endswith("json") or mime.endswith("+json"))
                else redact_json(v)
            )
    if "metadata" in output:
        output["metadata"] = redact_json(output["metadata"])


def _join(v: Any) -> Any:
    return "".join(v) if isinstance(v, list) and all(isinstance(s, str) for s in v) else v


def redact_notebook(nb: Any) -> Any:
    """Return a redacted deep copy of a notebook (an ``nbformat.NotebookNode`` or plain dict).

    Cell sources, every output (stream text, rich data except binary images, error name,
    value and traceback, output metadata), cell metadata and notebook metadata (saved widget
    state included) go through :func:`redact` / :func:`redact_json`.

    Examples
    --------
    >>> nb = {"metadata": {}, "cells": [{"cell_type": "code", "metadata": {},
    ...       "source": "print(cfg)", "outputs": [{"output_type": "stream", "name": "stdout",
    ...       "text": "fingerprint 20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\\n"}]}]}
    >>> redact_notebook(nb)["cells"][0]["outputs"][0]["text"]
    'fingerprint [REDACTED:fingerprint]\\n'
    """
    nb = copy.deepcopy(nb)
    nb["metadata"] = redact_json(nb.get("metadata", {}))
    for cell in nb.get("cells", []):
        cell["source"] = redact(_join(cell.get("source", "")))
        cell["metadata"] = redact_json(cell.get("metadata", {}))
        for output in cell.get("outputs", []):
            _redact_output(output)
        # attachments are images: left alone like other binary data
    return nb
