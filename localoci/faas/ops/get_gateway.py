"""GetGateway: one gateway; 404 if unknown (deleted gateways are gone)."""

from __future__ import annotations

from .. import models
from ..state import Faas


def get_gateway(fx: Faas, gw_id: str) -> dict:
    gw = fx.get("gateway", gw_id)
    return models.gateway(gw, fx.gateway_hostname(gw))
