"""UpdateApplication: replace an application's ``config`` or tags.

Its functions' warm processes are retired: the next call starts a fresh process with the new
config, while calls already running finish on the old one.
"""

from __future__ import annotations

from ...ops._validate import get_tags, require_object
from .. import models
from ..state import Faas
from ._functions import get_config


def update_application(fx: Faas, app_id: str, body: object) -> dict:
    body = require_object(body, "UpdateApplicationDetails")
    app = fx.get("application", app_id)
    cfg = get_config(body)
    if cfg is not None:
        app.doc["config"] = cfg
    for tag in ("freeformTags", "definedTags"):
        value = get_tags(body, tag)
        if value is not None:
            app.doc[tag] = value
    app.time_updated = fx.now()
    with fx.tx():
        fx.store.update(app)
    for fn in fx.store.list("function", parent_id=app.id):
        fx.runtime.retire(fn.id)
    return models.application(app)
