"""GetApplication: one application; 404 if unknown (deleted applications are gone)."""

from __future__ import annotations

from .. import models
from ..state import Faas


def get_application(fx: Faas, app_id: str) -> dict:
    return models.application(fx.get("application", app_id))
