"""UpdateAuthToken: change a token's ``description`` (at most 400 characters); the token
itself never changes.  404 for an unknown user or a token that is not the user's."""

from __future__ import annotations

from ... import errors
from ...ops._validate import require_object
from ...service import Service
from .. import models
from ._identity import user


def update_auth_token(svc: Service, user_id: str, token_id: str, body: object) -> dict:
    body = require_object(body, "UpdateAuthTokenDetails")
    description = body.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 400):
        raise errors.invalid_parameter("'description' must be a string of at most 400 characters.")
    u = user(svc, user_id)
    token = next((t for t in svc.identity.auth_tokens(u.id) if t.id == token_id), None)
    if token is None:
        raise errors.not_found("auth token", token_id)
    if description is not None:
        token.description = description
        with svc.store.tx():
            svc.identity.update_auth_token(token)
    return models.auth_token(token)
