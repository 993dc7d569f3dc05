"""DeleteApplication: an application with functions cannot be deleted (409 Conflict); a
deleted one is gone (404), not kept as ``DELETED``."""

from __future__ import annotations

from ... import errors
from ..state import Faas


def delete_application(fx: Faas, app_id: str) -> None:
    app = fx.get("application", app_id)
    if fx.store.list("function", parent_id=app.id):
        raise errors.conflict(f"Application {app.name} still has functions; delete them first.")
    with fx.tx():
        fx.store.delete(app.id)
