"""CreateFunction: a function in an application, ``ACTIVE`` at once.

* ``displayName`` (unique in its application, else 409), ``applicationId`` and an image (see
  :mod:`._functions`: locally, the function's source directory) are required.
* ``timeoutInSeconds`` 5..300 (default 30), ``memoryInMBs`` 128..3072 (default 256),
  ``detachedModeTimeoutInSeconds`` 5..3600; ``config`` as in :mod:`._functions`.
* Its ``invokeEndpoint`` is localoci's own URL.
"""

from __future__ import annotations

import uuid

from ... import errors
from ...ids import new_ocid
from ...ops._validate import get_int, get_str, get_tags, require_object
from .. import models
from ..state import Faas
from ..store import Resource
from ._functions import get_config, get_image, resolve_source


def create_function(fx: Faas, body: object) -> dict:
    body = require_object(body, "CreateFunctionDetails")
    name = get_str(body, "displayName", required=True)
    app_id = get_str(body, "applicationId", required=True)
    app = fx.get("application", app_id, "application")
    image = get_image(body, required=True)
    tags = get_tags(body, "freeformTags") or {}
    source, entry, handler = resolve_source(image, tags)
    doc = {
        "image": image,
        "imageDigest": "sha256:" + uuid.uuid4().hex + uuid.uuid4().hex,
        "sourceDir": str(source),
        "entry": entry,
        "handler": handler,
        "memoryInMBs": get_int(body, "memoryInMBs", 128, 3072, default=256),
        "timeoutInSeconds": get_int(body, "timeoutInSeconds", 5, 300, default=30),
        "detachedModeTimeoutInSeconds": get_int(body, "detachedModeTimeoutInSeconds", 5, 3600),
        "config": get_config(body) or {},
        "freeformTags": tags,
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    with fx.tx():
        if any(f.name == name for f in fx.store.list("function", parent_id=app.id)):
            raise errors.conflict(
                f"A function named {name!r} already exists in application {app.name}."
            )
        fn = Resource(
            new_ocid("fnfunc"),
            "function",
            app.compartment_id,
            app.id,
            name,
            "ACTIVE",
            now,
            now,
            now,
            doc,
        )
        fx.store.insert(fn)
    return models.function(fn, fx.invoke_endpoint(fn))
