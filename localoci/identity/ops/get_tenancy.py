"""GetTenancy: the tenancy's name, description and home region key; 404 if unknown."""

from __future__ import annotations

from ...service import Service
from .. import models
from ._identity import tenancy


def get_tenancy(svc: Service, tenancy_id: str) -> dict:
    home = svc.realm.region_key if svc.realm is not None else "IAD"
    return models.tenancy(tenancy(svc, tenancy_id), home)
