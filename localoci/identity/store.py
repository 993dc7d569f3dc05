"""Tenancies, compartments, users and auth tokens: rows in the ``identity_*`` tables.

The Identity half of the store (with :mod:`localoci.store` and :mod:`localoci.faas.store` the
only SQL in localoci), over the streaming store's connection, so ``store.tx()`` covers it too;
its tables are in ``localoci/identity/schema.sql``, which only this module reads.

What the rest of localoci asks of it, beside the Identity API's own operations:

* :meth:`IdentityStore.compartment` -- does a compartment exist (streams and pools honour
  compartments), :meth:`tenancy_of` -- which tenancy a compartment (or pool) belongs to;
* :meth:`tenancy_by_name`, :meth:`user_by_name` and :meth:`verify_auth_token` -- what the
  Kafka listener's SASL/PLAIN check needs: the username names tenancy and user *by name*, the
  password is an auth token.

Auth tokens are stored salted and hashed (16 random bytes of salt, SHA-256 over salt and
token), never in clear; a token is random (20 characters from 94), so a fast hash is enough:
there is nothing to guess that a slow one would protect.

>>> import sqlite3, tempfile
>>> from pathlib import Path
>>> from localoci.store import Store
>>> ids = IdentityStore(Store(sqlite3.connect(":memory:"), Path(tempfile.mkdtemp())))
>>> ids.insert_compartment(Compartment("ocid1.tenancy.oc1..t", None, "ocid1.tenancy.oc1..t", "acme", time_created=0))
>>> ids.insert_user(User("ocid1.user.oc1..u", "ocid1.tenancy.oc1..t", "ada", time_created=0))
>>> ids.insert_auth_token(AuthToken("ocid1.credential.oc1..a", "ocid1.user.oc1..u", "kafka", 0), "s3cr:t;Tok[n)0123456")
>>> ids.verify_auth_token("ocid1.user.oc1..u", "s3cr:t;Tok[n)0123456"), ids.verify_auth_token("ocid1.user.oc1..u", "guess")
(True, False)
>>> ids.user_by_name(ids.tenancy_by_name("acme").id, "ada").id
'ocid1.user.oc1..u'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..store import Store

_COMPARTMENT_COLS = (
    "id, parent_id, tenancy_id, name, description, lifecycle_state, time_created, "
    "freeform_tags, defined_tags"
)
_USER_COLS = "id, tenancy_id, name, description, email, lifecycle_state, time_created"
_TOKEN_COLS = "id, user_id, description, lifecycle_state, time_created"


@dataclass
class Compartment:
    """A compartment; the tenancy is the one whose ``parent_id`` is None (id == tenancy_id)."""

    id: str
    parent_id: str | None
    tenancy_id: str
    name: str
    description: str = ""
    lifecycle_state: str = "ACTIVE"
    time_created: int = 0
    freeform_tags: dict = field(default_factory=dict)
    defined_tags: dict = field(default_factory=dict)

    @property
    def is_tenancy(self) -> bool:
        return self.parent_id is None


@dataclass
class User:
    id: str
    tenancy_id: str
    name: str
    description: str = ""
    email: str | None = None
    lifecycle_state: str = "ACTIVE"
    time_created: int = 0


@dataclass
class AuthToken:
    """An auth token's record: everything but the token, which is shown once and never kept."""

    id: str
    user_id: str
    description: str
    time_created: int
    lifecycle_state: str = "ACTIVE"


def init_db(conn: sqlite3.Connection) -> None:
    conn.executescript((Path(__file__).with_name("schema.sql")).read_text())


def _digest(salt: bytes, token: str) -> str:
    return hashlib.sha256(salt + token.encode("utf-8")).hexdigest()


class IdentityStore:
    """Over the streaming store's connection: its transactions (``store.tx()``) cover both."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        init_db(self.conn)

    # -- compartments (the tenancy included) ---------------------------------------------

    @staticmethod
    def _compartment(row: sqlite3.Row | tuple) -> Compartment:
        c = Compartment(*row)
        c.freeform_tags = json.loads(row[7])
        c.defined_tags = json.loads(row[8])
        return c

    def insert_compartment(self, c: Compartment) -> None:
        self.conn.execute(
            f"INSERT INTO identity_compartments ({_COMPARTMENT_COLS}) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                c.id,
                c.parent_id,
                c.tenancy_id,
                c.name,
                c.description,
                c.lifecycle_state,
                c.time_created,
                json.dumps(c.freeform_tags),
                json.dumps(c.defined_tags),
            ),
        )

    def update_compartment(self, c: Compartment) -> None:
        self.conn.execute(
            "UPDATE identity_compartments SET name=?, description=?, lifecycle_state=?, "
            "freeform_tags=?, defined_tags=? WHERE id=?",
            (
                c.name,
                c.description,
                c.lifecycle_state,
                json.dumps(c.freeform_tags),
                json.dumps(c.defined_tags),
                c.id,
            ),
        )

    def compartment(self, compartment_id: str) -> Compartment | None:
        row = self.conn.execute(
            f"SELECT {_COMPARTMENT_COLS} FROM identity_compartments WHERE id = ?",
            (compartment_id,),
        ).fetchone()
        return self._compartment(tuple(row)) if row else None

    def children(self, parent_id: str) -> list[Compartment]:
        rows = self.conn.execute(
            f"SELECT {_COMPARTMENT_COLS} FROM identity_compartments WHERE parent_id = ? "
            "ORDER BY time_created, id",
            (parent_id,),
        ).fetchall()
        return [self._compartment(tuple(r)) for r in rows]

    def subtree(self, root_id: str) -> list[Compartment]:
        """Every compartment below ``root_id`` (not itself), parents before children."""
        out: list[Compartment] = []
        frontier = [root_id]
        while frontier:
            level = [c for parent in frontier for c in self.children(parent)]
            out += level
            frontier = [c.id for c in level]
        return out

    def child_named(self, parent_id: str, name: str) -> Compartment | None:
        row = self.conn.execute(
            f"SELECT {_COMPARTMENT_COLS} FROM identity_compartments WHERE parent_id = ? AND name = ?",
            (parent_id, name),
        ).fetchone()
        return self._compartment(tuple(row)) if row else None

    def tenancy(self, tenancy_id: str) -> Compartment | None:
        c = self.compartment(tenancy_id)
        return c if c is not None and c.is_tenancy else None

    def tenancy_by_name(self, name: str) -> Compartment | None:
        """The tenancy called ``name`` (what a Kafka username's first part names)."""
        row = self.conn.execute(
            f"SELECT {_COMPARTMENT_COLS} FROM identity_compartments "
            "WHERE parent_id IS NULL AND name = ?",
            (name,),
        ).fetchone()
        return self._compartment(tuple(row)) if row else None

    def tenancy_of(self, compartment_id: str) -> str | None:
        """The tenancy OCID a known compartment belongs to (None for an unknown one)."""
        row = self.conn.execute(
            "SELECT tenancy_id FROM identity_compartments WHERE id = ?", (compartment_id,)
        ).fetchone()
        return row[0] if row else None

    # -- users -------------------------------------------------------------------------------

    def insert_user(self, u: User) -> None:
        self.conn.execute(
            f"INSERT INTO identity_users ({_USER_COLS}) VALUES (?,?,?,?,?,?,?)",
            (u.id, u.tenancy_id, u.name, u.description, u.email, u.lifecycle_state, u.time_created),
        )

    def user(self, user_id: str) -> User | None:
        row = self.conn.execute(
            f"SELECT {_USER_COLS} FROM identity_users WHERE id = ?", (user_id,)
        ).fetchone()
        return User(*row) if row else None

    def user_by_name(self, tenancy_id: str, name: str) -> User | None:
        """The user called ``name`` in the tenancy (a Kafka username's user part)."""
        row = self.conn.execute(
            f"SELECT {_USER_COLS} FROM identity_users WHERE tenancy_id = ? AND name = ?",
            (tenancy_id, name),
        ).fetchone()
        return User(*row) if row else None

    def users(self, tenancy_id: str) -> list[User]:
        rows = self.conn.execute(
            f"SELECT {_USER_COLS} FROM identity_users WHERE tenancy_id = ? ORDER BY time_created, id",
            (tenancy_id,),
        ).fetchall()
        return [User(*r) for r in rows]

    # -- auth tokens -------------------------------------------------------------------------

    def insert_auth_token(self, t: AuthToken, token: str) -> None:
        """Store a new token's record with a salted hash of ``token`` (call inside ``tx()``)."""
        salt = secrets.token_bytes(16)
        self.conn.execute(
            "INSERT INTO identity_auth_tokens (id, user_id, description, salt, token_hash, "
            "lifecycle_state, time_created) VALUES (?,?,?,?,?,?,?)",
            (
                t.id,
                t.user_id,
                t.description,
                salt.hex(),
                _digest(salt, token),
                t.lifecycle_state,
                t.time_created,
            ),
        )

    def auth_tokens(self, user_id: str) -> list[AuthToken]:
        rows = self.conn.execute(
            f"SELECT {_TOKEN_COLS} FROM identity_auth_tokens WHERE user_id = ? "
            "ORDER BY time_created, id",
            (user_id,),
        ).fetchall()
        return [AuthToken(r[0], r[1], r[2], r[4], r[3]) for r in rows]

    def update_auth_token(self, t: AuthToken) -> None:
        self.conn.execute(
            "UPDATE identity_auth_tokens SET description = ? WHERE id = ?", (t.description, t.id)
        )

    def delete_auth_token(self, token_id: str) -> None:
        self.conn.execute("DELETE FROM identity_auth_tokens WHERE id = ?", (token_id,))

    def verify_auth_token(self, user_id: str, token: str) -> bool:
        """Is ``token`` one of the user's ACTIVE auth tokens?  (Constant-time per comparison.)"""
        rows = self.conn.execute(
            "SELECT salt, token_hash FROM identity_auth_tokens "
            "WHERE user_id = ? AND lifecycle_state = 'ACTIVE'",
            (user_id,),
        ).fetchall()
        return any(
            hmac.compare_digest(_digest(bytes.fromhex(salt), token), digest)
            for salt, digest in rows
        )
