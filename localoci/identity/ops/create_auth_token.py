"""CreateAuthToken: a new auth token for a user, shown once.

* The user must exist (404).  ``description`` is required (it may be empty, as for
  identity-domain tenancies), at most 400 characters.
* The token is 20 printable ASCII characters, punctuation included (real tokens are), so that
  quoting mistakes in JAAS strings or shells show up; it is returned in this answer only and
  stored salted and hashed (:mod:`localoci.identity.store`).
* At most two per user, as on OCI: a third is 400 LimitExceeded (OCI's code for its own
  limits; the exact answer is not documented).  Tokens never expire (``timeExpires`` null).
"""

from __future__ import annotations

import secrets
import string

from ... import errors
from ...ids import new_ocid
from ...ops._validate import require_object
from ...service import Service
from .. import models
from ..store import AuthToken
from ._identity import user

MAX_TOKENS = 2
TOKEN_LENGTH = 20
ALPHABET = string.ascii_letters + string.digits + string.punctuation


def new_token() -> str:
    """20 characters from the 94 printable ASCII ones, at least one of them punctuation.

    >>> t = new_token()
    >>> len(t), t.isprintable(), " " in t, any(c in string.punctuation for c in t)
    (20, True, False, True)
    """
    while True:
        token = "".join(secrets.choice(ALPHABET) for _ in range(TOKEN_LENGTH))
        if any(c in string.punctuation for c in token):
            return token


def create_auth_token(svc: Service, user_id: str, body: object) -> dict:
    body = require_object(body, "CreateAuthTokenDetails")
    description = body.get("description")
    if not isinstance(description, str) or len(description) > 400:
        raise errors.invalid_parameter(
            "'description' is required: a string of at most 400 characters (it may be empty)."
        )
    u = user(svc, user_id)
    with svc.store.tx():
        if len(svc.identity.auth_tokens(u.id)) >= MAX_TOKENS:
            raise errors.limit_exceeded(
                f"User {u.name} already has {MAX_TOKENS} auth tokens, the most a user may have. "
                "Delete one you no longer use (DeleteAuthToken) and create the new one."
            )
        token = new_token()
        record = AuthToken(
            new_ocid("credential", regional=False), u.id, description, svc.clock.now_ms()
        )
        svc.identity.insert_auth_token(record, token)
    return models.auth_token(record, token=token)
