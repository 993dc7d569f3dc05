"""``doctor()``: check the setup step by step and explain each broken part in words that name
the fix.  Works before ``connect()`` succeeds (that is when it is most needed).

Checks, in order, for the oci target: config file, profile, required keys, key file present
and not readable by others, fingerprint matches the key, region, endpoint reachable,
credentials accepted, the lab stream.  For the local target: localoci running, its config,
credentials accepted, the lab stream.  Secrets are never printed.
"""

from __future__ import annotations

import configparser
import hashlib
import os
import socket
import stat
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import oci

from . import localctl
from .connect import connect, mask
from .errors import LabConfigError


@dataclass(frozen=True)
class Finding:
    ok: bool
    what: str
    fix: str = ""

    def __str__(self) -> str:
        return f"✅ {self.what}" if self.ok else f"❌ {self.what}\n   → {self.fix}"


def _fingerprint_of(key_file: Path, pass_phrase: str | None) -> str:
    from cryptography.hazmat.primitives import serialization

    data = key_file.read_bytes().replace(b"OCI_API_KEY\n", b"")
    key = serialization.load_pem_private_key(data, pass_phrase.encode() if pass_phrase else None)
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    h = hashlib.md5(der).hexdigest()
    return ":".join(h[i : i + 2] for i in range(0, 32, 2))


def check_config_file(path: str, profile: str) -> list[Finding]:
    """The static checks of an OCI config profile (no network)."""
    out: list[Finding] = []
    p = Path(os.path.expanduser(path))
    if not p.exists():
        return [
            Finding(
                False,
                f"no config file at {path}",
                "run `oci setup config` (API key) or `oci session authenticate` (browser login), "
                "or point OCI_CONFIG_FILE at yours",
            )
        ]
    out.append(Finding(True, f"config file {path}"))
    parser = configparser.ConfigParser()
    parser.read(p)
    if profile != "DEFAULT" and not parser.has_section(profile):
        names = ", ".join(parser.sections()) or "none"
        return out + [
            Finding(
                False,
                f"no profile [{profile}] in {path} (profiles: {names})",
                "set OCI_CLI_PROFILE to one of them, or add the profile",
            )
        ]
    section = parser[profile] if profile != "DEFAULT" else parser.defaults()
    out.append(Finding(True, f"profile [{profile}]"))
    session = bool(section.get("security_token_file"))
    needed = ["tenancy", "fingerprint", "key_file", "region"] + ([] if session else ["user"])
    missing = [k for k in needed if not section.get(k)]
    if missing:
        out.append(
            Finding(
                False,
                f"profile [{profile}] lacks {', '.join(missing)}",
                "add them (see the API key's 'configuration file preview' in the Console)"
                + (": region, e.g. region=us-ashburn-1" if "region" in missing else ""),
            )
        )
        return out
    out.append(Finding(True, f"region {section['region']}"))
    key_file = Path(os.path.expanduser(section["key_file"]))
    if not key_file.exists():
        out.append(
            Finding(
                False,
                f"key file {mask('key_file', str(key_file))} does not exist",
                "fix key_file= in the profile to the path of your private key (.pem)",
            )
        )
        return out
    mode = key_file.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        out.append(
            Finding(
                False,
                f"key file {mask('key_file', str(key_file))} is readable by others",
                f"chmod 600 {key_file}",
            )
        )
    else:
        out.append(Finding(True, "key file present, private to you"))
    try:
        actual = _fingerprint_of(key_file, section.get("pass_phrase"))
    except (ValueError, TypeError) as exc:
        out.append(
            Finding(
                False,
                f"key file cannot be read as a PEM private key ({type(exc).__name__})",
                "check the file, and pass_phrase= if the key is encrypted",
            )
        )
        return out
    if actual != section["fingerprint"].strip().lower():
        out.append(
            Finding(
                False,
                "fingerprint in the profile does not match the key file",
                "set fingerprint= to this key's (openssl rsa -pubout -outform DER -in KEY | "
                "openssl md5 -c), or upload this key's public part in the Console "
                "(Identity > Users > API keys)",
            )
        )
    else:
        out.append(Finding(True, "fingerprint matches the key"))
    if session:
        token = Path(os.path.expanduser(section["security_token_file"]))
        out.append(
            Finding(
                token.exists(),
                "session token file present",
                "run `oci session authenticate` (or `oci session refresh`)",
            )
        )
    return out


def _reachable(url: str, timeout: float = 3.0) -> bool:
    """Can a TCP connection reach the endpoint the way the SDK will?  Behind a proxy
    (``HTTPS_PROXY``, which the SDK's requests honours) the SDK never connects to the host
    itself, so ask the proxy for a tunnel (CONNECT) instead of dialling the host directly."""
    u = urlparse(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    host = u.hostname or ""
    proxy = urllib.request.getproxies().get(u.scheme)
    if proxy and not urllib.request.proxy_bypass(host):
        p = urlparse(proxy if "://" in proxy else f"http://{proxy}")
        try:
            with socket.create_connection((p.hostname, p.port or 80), timeout) as s:
                s.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                s.settimeout(timeout)
                return s.recv(64).split(b" ", 2)[1:2] == [b"200"]
        except (OSError, IndexError):
            return False
    try:
        with socket.create_connection((host, port), timeout):
            return True
    except OSError:
        return False


def doctor(target: str | None = None, show: bool = True, **connect_kw) -> list[Finding]:
    """Check the lab's setup; print each finding (✅/❌ with the fix) and return them."""
    findings: list[Finding] = []
    tgt = (target or os.environ.get("LAB_TARGET") or "local").lower()
    if tgt == "local":
        found = None
        try:
            found = localctl.find()
        except localctl.LocalOCIError as exc:
            findings.append(Finding(False, "localoci is not reachable", str(exc)))
        if found is None and not findings:
            findings.append(Finding(True, "localoci is not running yet: connect() will start it"))
        elif found:
            findings.append(Finding(True, f"localoci answers at {found.url}"))
    else:
        path = connect_kw.get("config_file") or os.environ.get("OCI_CONFIG_FILE") or "~/.oci/config"
        profile = connect_kw.get("profile") or os.environ.get("OCI_CLI_PROFILE") or "DEFAULT"
        if (connect_kw.get("auth") or os.environ.get("LAB_AUTH")) not in (
            "instance_principal",
            "resource_principal",
        ):
            findings += check_config_file(path, profile)
    if all(f.ok for f in findings):
        try:
            lab = connect(tgt, **connect_kw)
        except LabConfigError as exc:
            findings.append(Finding(False, "cannot connect", str(exc)))
            lab = None
        if lab is not None:
            endpoint = lab.admin.base_client.endpoint
            if not _reachable(endpoint):
                findings.append(
                    Finding(
                        False,
                        f"endpoint {endpoint} is unreachable",
                        "check the network/proxy, or the region in your profile",
                    )
                )
            else:
                try:
                    streams = lab.admin.list_streams(
                        compartment_id=lab.compartment_id,
                        name=lab.stream_name,
                        retry_strategy=oci.retry.NoneRetryStrategy(),
                    ).data
                    findings.append(Finding(True, "credentials accepted (ListStreams answered)"))
                    live = [s for s in streams if s.lifecycle_state == "ACTIVE"]
                    findings.append(
                        Finding(
                            True,
                            f"stream {lab.stream_name!r} "
                            + (
                                "found, ACTIVE"
                                if live
                                else "does not exist yet: get_or_create_stream (00-setup) creates it"
                            ),
                        )
                    )
                except oci.exceptions.ServiceError as exc:
                    fix = {
                        401: "the key, fingerprint, user or tenancy do not match what is registered: re-check the API key in the Console",
                        404: "the compartment is wrong or you lack policy: ask for `allow group <yours> to manage streams in compartment <lab>`",
                    }.get(exc.status, exc.message)
                    findings.append(
                        Finding(False, f"ListStreams refused: {exc.status} {exc.code}", fix)
                    )
    if show:
        for f in findings:
            print(f)
    return findings
