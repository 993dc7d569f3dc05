"""GetGateway: one gateway; 404 if unknown (deleted gateways are gone)."""

from __future__ import annotations

from .. import models
from ..state import Faas
from ._gateways import host


def get_gateway(fx: Faas, gw_id: str) -> dict:
    return models.gateway(fx.get("gateway", gw_id), host(fx))
