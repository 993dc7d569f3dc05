"""The local identity: on first start, a tenancy, a user and an RSA API key, written as an
ordinary OCI config file (profile ``LOCAL``) that the SDK and the CLI read unchanged.

Files in the data directory (both mode 0600): ``oci_api_key.pem`` and ``config``.  The public
key is registered with localoci, so requests signed with it verify.  Nothing here is a real
credential: it opens only this localoci.

The tenancy and the user have names as well as OCIDs (:data:`TENANCY_NAME`,
:data:`USER_NAME`), kept by the Identity stand-in: a Kafka client's SASL username is
``<tenancy name>/<user name>/<stream pool OCID>``.  :func:`add_user` registers another user of
the same tenancy with a public key of its own (the control channel's ``POST /users``): how a
test gives an ordinary ``~/.oci/config`` profile access, without the ``LOCAL`` one.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from . import errors
from .auth import fingerprint, load_public_key
from .identity.store import Compartment, User
from .service import Service

PROFILE = "LOCAL"
REGION = "us-ashburn-1"
TENANCY_NAME = "localoci"
USER_NAME = "lab-user"
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
    tenancy_name: str = TENANCY_NAME
    user_name: str = USER_NAME

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
    region = svc.realm.region if svc.realm is not None else REGION
    now = svc.clock.now_ms()
    ids = svc.identity
    with svc.store.tx():
        svc.store.meta_set("tenancy_id", tenancy)
        svc.store.meta_set("user_id", user)
        svc.store.add_api_key(tenancy, user, fp, public_pem)
        if ids.compartment(tenancy) is None:
            ids.insert_compartment(
                Compartment(
                    tenancy, None, tenancy, TENANCY_NAME, "the local tenancy", time_created=now
                )
            )
        if ids.user(user) is None:
            ids.insert_user(
                User(user, tenancy, USER_NAME, "the lab's local user", time_created=now)
            )
    t, u = ids.compartment(tenancy), ids.user(user)
    assert t is not None and u is not None
    ident = Identity(
        tenancy,
        user,
        fp,
        key_file,
        config_file,
        region=region,
        tenancy_name=t.name,
        user_name=u.name,
    )
    text = (
        "# Written by localoci for the lab's local target. These credentials open only the\n"
        "# localoci in this directory; they are not an Oracle Cloud account.\n"
        f"[{PROFILE}]\n"
        f"user={user}\n"
        f"fingerprint={fp}\n"
        f"key_file={key_file}\n"
        f"tenancy={tenancy}\n"
        f"region={region}\n"
    )
    if not config_file.exists() or config_file.read_text() != text:
        _write_private(config_file, text.encode())
    return ident


@dataclass(frozen=True)
class AddedUser:
    tenancy: str
    tenancy_name: str
    user: str
    user_name: str
    fingerprint: str
    region: str


def add_user(svc: Service, name: object, public_pem: object) -> AddedUser:
    """A user called ``name`` in the local tenancy (made if new) with the RSA public key
    ``public_pem`` registered, so requests it signs verify; the same name again adds the key
    to the same user."""
    if not isinstance(name, str) or not name or len(name) > 100 or "/" in name:
        raise errors.invalid_parameter(
            "'name' must be a user name of 1..100 characters without '/' (a Kafka username's part)."
        )
    try:
        if not isinstance(public_pem, str):
            raise ValueError
        load_public_key(public_pem)
    except ValueError:
        raise errors.invalid_parameter(
            "'publicKey' must be an RSA public key in PEM (-----BEGIN PUBLIC KEY-----)."
        ) from None
    tenancy = svc.store.meta_get("tenancy_id")
    t = svc.identity.compartment(tenancy) if tenancy else None
    if t is None:
        raise errors.conflict("the local identity is not set up yet; start the server first.")
    fp = fingerprint(public_pem)
    with svc.store.tx():
        user = svc.identity.user_by_name(t.id, name)
        if user is None:
            user = User(_ocid("user"), t.id, name, "added through the control channel")
            user.time_created = svc.clock.now_ms()
            svc.identity.insert_user(user)
        svc.store.add_api_key(t.id, user.id, fp, public_pem)
    region = svc.realm.region if svc.realm is not None else REGION
    return AddedUser(t.id, t.name, user.id, user.name, fp, region)
