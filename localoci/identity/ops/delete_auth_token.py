"""DeleteAuthToken: the token stops working at once (a Kafka client's next SASL handshake with
it fails) and is forgotten; 204.  404 for an unknown user or a token that is not the user's."""

from __future__ import annotations

from ... import errors
from ...service import Service
from ._identity import user


def delete_auth_token(svc: Service, user_id: str, token_id: str) -> None:
    u = user(svc, user_id)
    if not any(t.id == token_id for t in svc.identity.auth_tokens(u.id)):
        raise errors.not_found("auth token", token_id)
    with svc.store.tx():
        svc.identity.delete_auth_token(token_id)
