"""Auth tokens, the password of Kafka clients on OCI Streaming: kept once, found again, deleted.

An auth token is shown once, when it is created (CreateAuthToken), and a user has at most two.
:func:`save_token` keeps it in a file only you can read (mode 0600) in the lab's folder
(:func:`lab_folder`), so a notebook run again never has to create another;
:func:`saved_token` finds it again and checks with ListAuthTokens that Identity still has it;
:func:`delete_token` deletes it from Identity and removes the file (safe to run twice).
:func:`identity_client` is the SDK's Identity client for the lab's target.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import oci

from .errors import KafkaConfigError

if TYPE_CHECKING:
    from .connect import Lab

__all__ = [
    "SavedToken",
    "delete_token",
    "identity_client",
    "lab_folder",
    "save_token",
    "saved_token",
    "token_file",
]

TOKEN_WAIT_S = 60.0


# -- Identity --------------------------------------------------------------------------------------


def identity_client(lab: Lab) -> oci.identity.IdentityClient:
    """An ``oci.identity.IdentityClient`` for the lab's target (retries off, as the lab's others).

    Locally the stand-in serves Identity on its one URL; on OCI the SDK finds the region's."""
    kw: dict[str, Any] = {"retry_strategy": oci.retry.NoneRetryStrategy()}
    if lab.signer is not None:
        kw["signer"] = lab.signer
    if lab.is_local and lab.admin_endpoint:
        kw["service_endpoint"] = lab.admin_endpoint
    return oci.identity.IdentityClient(lab.config, **kw)


# -- the saved token -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedToken:
    """An auth token kept in :func:`token_file`: its id and description; ``value`` is never shown."""

    id: str | None
    description: str
    path: Path
    value: str = field(repr=False)

    def __str__(self) -> str:
        return (
            f"auth token {self.id or '(id unknown)'} ({self.description!r}), saved in {self.path}"
        )


def lab_folder() -> Path:
    """Where the lab keeps what it must remember between runs.

    ``$LAB_HOME``; else ``.lab`` in the lab's checkout (beside ``notebooks/``; git ignores
    it); else ``~/.lab``."""
    if os.environ.get("LAB_HOME"):
        return Path(os.environ["LAB_HOME"]).expanduser()
    checkout = Path(__file__).resolve().parents[1]
    if (checkout / "notebooks").is_dir():
        return checkout / ".lab"
    return Path.home() / ".lab"


def token_file(lab: Lab) -> Path:
    """The file that holds this user's saved auth token: one per user and region (or local
    stand-in), ``<lab folder>/kafka-tokens/<hash>.json``, mode 0600."""
    where = lab.admin_endpoint or lab.config.get("region", "")
    key = hashlib.sha256(f"{lab.config.get('user')}|{where}".encode()).hexdigest()[:16]
    return lab_folder() / "kafka-tokens" / f"{key}.json"


def save_token(lab: Lab, token: Any) -> SavedToken:
    """Keep ``token`` (a CreateAuthToken answer with its ``.token``, or the token string) in
    :func:`token_file`, readable by you only; return it as a :class:`SavedToken`."""
    if isinstance(token, str):
        value, token_id, description = token, None, "pasted"
    else:
        value = getattr(token, "token", None) or ""
        token_id, description = getattr(token, "id", None), getattr(token, "description", "") or ""
    if not isinstance(value, str) or not value:
        raise KafkaConfigError(
            "This auth token has no value: OCI shows it only in the answer of create_auth_token "
            "(ListAuthTokens never does). Pass that answer's .data, or create a new token."
        )
    path = token_file(lab)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    doc = {
        "id": token_id,
        "user": lab.config.get("user"),
        "description": description,
        "token": value,
    }
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f)
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return SavedToken(token_id, description, path, value)


def _read(lab: Lab) -> SavedToken | None:
    path = token_file(lab)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("token"), str):
        return None
    return SavedToken(doc.get("id"), str(doc.get("description") or ""), path, doc["token"])


def saved_token(lab: Lab, identity: oci.identity.IdentityClient | None = None) -> SavedToken | None:
    """The auth token saved for this user, if Identity still has it (ListAuthTokens); else None.

    A saved token that was deleted meanwhile (in the Console, or by another notebook) is
    forgotten: its file is removed.  A token still ``CREATING`` is waited for (up to a minute).
    """
    saved = _read(lab)
    if saved is None or saved.id is None:
        return saved
    identity = identity or identity_client(lab)
    deadline = time.monotonic() + TOKEN_WAIT_S
    while True:
        listed = {t.id: t for t in identity.list_auth_tokens(lab.config["user"]).data}
        state = getattr(listed.get(saved.id), "lifecycle_state", None)
        if state == "ACTIVE":
            return saved
        if state != "CREATING" or time.monotonic() > deadline:
            saved.path.unlink(missing_ok=True)
            return None
        time.sleep(2)


def delete_token(lab: Lab, identity: oci.identity.IdentityClient | None = None) -> str | None:
    """Delete the saved auth token from Identity and remove its file; the id deleted, or None
    when there was nothing to delete.  Safe to run twice."""
    saved = _read(lab)
    if saved is None:
        return None
    identity = identity or identity_client(lab)
    deleted = None
    if saved.id is not None:
        listed = {t.id for t in identity.list_auth_tokens(lab.config["user"]).data}
        if saved.id in listed:
            identity.delete_auth_token(lab.config["user"], saved.id)
            deleted = saved.id
    saved.path.unlink(missing_ok=True)
    return deleted
