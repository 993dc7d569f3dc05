"""UpdateFunction: change a function's image (its source directory), config, limits or tags.

The same ranges as CreateFunction.  Answers 200 with the function (20260325 clients ignore
the body).  Its warm process is retired: the next call starts a fresh one.
"""

from __future__ import annotations

from ...ops._validate import get_int, get_tags, require_object
from .. import models
from ..state import Faas
from ._functions import get_config, get_image, resolve_source


def update_function(fx: Faas, fn_id: str, body: object) -> dict:
    body = require_object(body, "UpdateFunctionDetails")
    fn = fx.get("function", fn_id)
    image = get_image(body, required=False)
    tags = get_tags(body, "freeformTags")
    if tags is not None:
        fn.doc["freeformTags"] = tags
    if image is not None or tags is not None:
        new_image = image or fn.doc["image"]
        source, entry, handler = resolve_source(new_image, fn.doc["freeformTags"])
        fn.doc.update(
            {"image": new_image, "sourceDir": str(source), "entry": entry, "handler": handler}
        )
    cfg = get_config(body)
    if cfg is not None:
        fn.doc["config"] = cfg
    for field, lo, hi in (
        ("memoryInMBs", 128, 3072),
        ("timeoutInSeconds", 5, 300),
        ("detachedModeTimeoutInSeconds", 5, 3600),
    ):
        value = get_int(body, field, lo, hi)
        if value is not None:
            fn.doc[field] = value
    defined = get_tags(body, "definedTags")
    if defined is not None:
        fn.doc["definedTags"] = defined
    fn.time_updated = fx.now()
    with fx.tx():
        fx.store.update(fn)
    fx.runtime.retire(fn.id)
    return models.function(fn, fx.invoke_endpoint(fn))
