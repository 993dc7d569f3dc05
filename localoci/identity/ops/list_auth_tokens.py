"""ListAuthTokens: a user's auth tokens, oldest first, without their values (no paging, as on
OCI); 404 for an unknown user."""

from __future__ import annotations

from ...service import Service
from .. import models
from ._identity import user


def list_auth_tokens(svc: Service, user_id: str) -> list[dict]:
    return [models.auth_token(t) for t in svc.identity.auth_tokens(user(svc, user_id).id)]
