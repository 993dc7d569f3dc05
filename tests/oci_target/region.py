"""What a client that knows nothing of localoci gets, against localoci as a region: an ordinary
``~/.oci/config`` API-key profile in a HOME of its own, and three environment variables.

* :func:`learner_profile` makes an RSA key, registers it for a user of the local tenancy over
  the region's control side channel (never the ``LOCAL`` profile: that is localoci's own), and
  writes ``<home>/.oci/config`` (profile ``DEFAULT``) and ``<home>/.oci/oci_api_key.pem`` as
  ``oci setup config`` would;
* :func:`client_env` is a process environment with that HOME, the region's ``client_env``
  (``OCI_REGION_METADATA``, ``REQUESTS_CA_BUNDLE``, ``HTTPS_PROXY``) and nothing else that
  points at localoci (no ``LOCALOCI_*``, no ``OCI_CLI_*`` / ``OCI_CONFIG_FILE``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import localctl

#: Variables of the test process that would point a client at localoci (or at a profile).
DROPPED = ("OCI_CONFIG_FILE", "OCI_CLI_CONFIG_FILE", "OCI_CLI_PROFILE", "OCI_CLI_ENDPOINT")


@dataclass(frozen=True)
class Profile:
    home: Path
    config_file: Path
    user: str
    user_name: str
    tenancy: str
    tenancy_name: str
    fingerprint: str
    region: str


def learner_profile(info: localctl.ServerInfo, home: Path, user_name: str) -> Profile:
    """``home/.oci/config`` with a DEFAULT profile for ``user_name`` (made if new)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    oci_dir = home / ".oci"
    oci_dir.mkdir(parents=True, exist_ok=True)
    key_file = oci_dir / "oci_api_key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        + b"OCI_API_KEY\n"  # the label `oci setup config` appends (the CLI warns without it)
    )
    key_file.chmod(0o600)
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    added = localctl.Control(info.control_url).add_user(user_name, public)
    config = oci_dir / "config"
    config.write_text(
        "[DEFAULT]\n"
        f"user={added['user']}\n"
        f"fingerprint={added['fingerprint']}\n"
        f"key_file={key_file}\n"
        f"tenancy={added['tenancy']}\n"
        f"region={added['region']}\n"
    )
    config.chmod(0o600)
    return Profile(
        home,
        config,
        added["user"],
        added["userName"],
        added["tenancy"],
        added["tenancyName"],
        added["fingerprint"],
        added["region"],
    )


def client_env(info: localctl.ServerInfo, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a client of the region whose HOME is ``home``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("LOCALOCI_") and not k.startswith("LAB_") and k not in DROPPED
    }
    env.update(info.client_env)
    env["HOME"] = str(home)
    env.update(extra)
    return env
