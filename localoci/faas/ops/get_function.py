"""GetFunction: one function; 404 if unknown (deleted functions are gone)."""

from __future__ import annotations

from .. import models
from ..state import Faas


def get_function(fx: Faas, fn_id: str) -> dict:
    fn = fx.get("function", fn_id)
    return models.function(fn, fx.invoke_endpoint(fn))
