"""The local identity: on first start, a tenancy, a user and an RSA API key, written as an
ordinary OCI config file (profile ``LOCAL``) that the SDK and the CLI read unchanged.

Files in the data directory (both mode 0600): ``oci_api_key.pem`` and ``config``.  The public
key is registered with localoci, so requests signed with it verify.  Nothing here is a real
credential: it opens only this localoci.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .auth import fingerprint
from .service import Service

PROFILE = "LOCAL"
REGION = "us-ashburn-1"
_ALPHA = "abcdefghijklmnopqrstuvwxyz234567"


@dataclass(frozen=True)
class Identity:
    tenancy: str
    user: str
    fingerprint: str
    key_file: Path
    config_file: Path
    profile: str = PROFILE
    region: str = REGION

    @property
    def compartment(self) -> str:
        """The lab works in the tenancy's root compartment (its OCID is the tenancy's)."""
        return self.tenancy


def _ocid(kind: str) -> str:
    return f"ocid1.{kind}.oc1..aaaaaaaa" + "".join(secrets.choice(_ALPHA) for _ in range(52))


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)


def ensure_identity(svc: Service) -> Identity:
    """Create (first start) or load the local identity, and register its key."""
    data = svc.data_dir
    key_file = data / "oci_api_key.pem"
    config_file = data / "config"
    tenancy = svc.store.meta_get("tenancy_id") or _ocid("tenancy")
    user = svc.store.meta_get("user_id") or _ocid("user")
    if not key_file.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_private(key_file, pem + b"OCI_API_KEY\n")
    private = serialization.load_pem_private_key(
        key_file.read_bytes().replace(b"OCI_API_KEY\n", b""), None
    )
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    fp = fingerprint(public_pem)
    with svc.store.tx():
        svc.store.meta_set("tenancy_id", tenancy)
        svc.store.meta_set("user_id", user)
        svc.store.add_api_key(tenancy, user, fp, public_pem)
    ident = Identity(tenancy, user, fp, key_file, config_file)
    text = (
        "# Written by localoci for the lab's local target. These credentials open only the\n"
        "# localoci in this directory; they are not an Oracle Cloud account.\n"
        f"[{PROFILE}]\n"
        f"user={user}\n"
        f"fingerprint={fp}\n"
        f"key_file={key_file}\n"
        f"tenancy={tenancy}\n"
        f"region={REGION}\n"
    )
    if not config_file.exists() or config_file.read_text() != text:
        _write_private(config_file, text.encode())
    return ident
