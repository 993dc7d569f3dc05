"""GetDeployment: one deployment with its specification; 404 if unknown."""

from __future__ import annotations

from .. import models
from ..state import Faas


def get_deployment(fx: Faas, dep_id: str) -> dict:
    dep = fx.get("deployment", dep_id)
    return models.deployment(dep, fx.deployment_endpoint(dep))
