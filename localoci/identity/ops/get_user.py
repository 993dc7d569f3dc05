"""GetUser: one user (its ``compartmentId`` is the tenancy); 404 if unknown."""

from __future__ import annotations

from ...service import Service
from .. import models
from ._identity import user


def get_user(svc: Service, user_id: str) -> dict:
    return models.user(user(svc, user_id))
