"""Functions management: applications and functions (create, get, list, update, delete).

Rules:

* An application's ``displayName`` is unique in its compartment, a function's in its
  application (409 Conflict).  Both are ``ACTIVE`` at once.
* ``config`` is a map of string to string whose keys are environment-variable names; a
  function sees its application's config overlaid with its own, as env vars.
* **A function's image is, locally, its source directory**: ``sourceDetails.image`` (or the
  20181201 top-level ``image``) is the path of a directory holding the function's code
  (``func.py``, or the file named by ``func.yaml``'s ``entrypoint``); the freeform tag
  ``localoci-source`` may name the directory instead, so that ``image`` can stay an OCIR
  name.  Relative paths resolve against localoci's working directory; the absolute path is
  what localoci runs.
* ``timeoutInSeconds`` 5..300 (default 30), ``memoryInMBs`` 128..3072 (default 256).
* Deleting an application that still has functions is refused (409); deleting a function
  stops its warm process.  Deleted resources are gone (404), not kept as ``DELETED``.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from .. import errors
from ..ids import new_ocid
from ..ops._validate import get_int, get_str, get_tags, require_object
from . import models
from .state import Faas, page
from .store import Resource

SOURCE_TAG = "localoci-source"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENTRY = re.compile(r"fdk\s+(\S+\.py)(?:\s+(\w+))?")
MAX_CONFIG_BYTES = 4096


def _config(body: dict) -> dict | None:
    cfg = body.get("config")
    if cfg is None:
        return None
    if not isinstance(cfg, dict):
        raise errors.invalid_parameter("'config' must be a JSON object of string keys and string values.")
    size = 0
    for k, v in cfg.items():
        if not _ENV_NAME.match(k):
            raise errors.invalid_parameter(
                f"config key {k!r} is not a valid environment variable name (letters, digits, _; not starting with a digit)."
            )
        if not isinstance(v, str):
            raise errors.invalid_parameter(f"config[{k!r}] must be a string; got {v!r}.")
        size += len(k) + len(v)
    if size > MAX_CONFIG_BYTES:
        raise errors.invalid_parameter(f"config is {size} bytes; the limit is {MAX_CONFIG_BYTES}.")
    return cfg


def _image(body: dict, required: bool) -> str | None:
    src = body.get("sourceDetails")
    if src is not None:
        if not isinstance(src, dict):
            raise errors.invalid_parameter("'sourceDetails' must be an object like {\"sourceType\": \"CONTAINER_IMAGE\", \"image\": ...}.")
        if src.get("sourceType", "CONTAINER_IMAGE") != "CONTAINER_IMAGE":
            raise errors.invalid_parameter(
                f"sourceType {src.get('sourceType')!r} is not supported by localoci; use CONTAINER_IMAGE "
                "with the function's source directory as the image."
            )
        return get_str(src, "image", required=True, max_len=1024)
    return get_str(body, "image", required=required, max_len=1024)


def resolve_source(image: str, tags: dict) -> tuple[Path, str, str]:
    """The directory, entry file and handler a function runs from (see the module docstring)."""
    candidates = [c for c in (tags.get(SOURCE_TAG), image) if c]
    for c in candidates:
        d = Path(c).expanduser()
        if d.is_dir():
            d = d.resolve()
            entry, handler = "func.py", "handler"
            yaml = d / "func.yaml"
            if yaml.is_file():
                m = _ENTRY.search(yaml.read_text(errors="replace"))
                if m:
                    entry, handler = Path(m.group(1)).name, m.group(2) or "handler"
            if not (d / entry).is_file():
                raise errors.invalid_parameter(f"The function directory {d} has no {entry}.")
            return d, entry, handler
    raise errors.invalid_parameter(
        f"localoci runs a function from its source directory, and {image!r} is not a directory here. "
        f"Give the directory's absolute path (e.g. .../functions/hello) as the image, or put it in the "
        f"freeform tag {SOURCE_TAG!r}."
    )


# -- applications -------------------------------------------------------------------------------

def create_application(fx: Faas, body: object) -> dict:
    body = require_object(body, "CreateApplicationDetails")
    compartment = get_str(body, "compartmentId", required=True)
    name = get_str(body, "displayName", required=True)
    subnets = body.get("subnetIds") or []
    if not isinstance(subnets, list) or not all(isinstance(s, str) for s in subnets):
        raise errors.invalid_parameter("'subnetIds' must be an array of subnet OCIDs.")
    doc = {
        "config": _config(body) or {},
        "subnetIds": subnets,
        "shape": get_str(body, "shape") or "GENERIC_X86",
        "syslogUrl": get_str(body, "syslogUrl"),
        "freeformTags": get_tags(body, "freeformTags") or {},
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    with fx.tx():
        if any(a.name == name for a in fx.store.list("application", compartment_id=compartment)):
            raise errors.conflict(f"An application named {name!r} already exists in this compartment.")
        app = Resource(new_ocid("fnapp"), "application", compartment, None, name, "ACTIVE", now, now, now, doc)
        fx.store.insert(app)
    return models.application(app)


def get_application(fx: Faas, app_id: str) -> dict:
    return models.application(fx.get("application", app_id))


def list_applications(fx: Faas, query: dict) -> tuple[list, str | None]:
    compartment = query.get("compartmentId")
    if not compartment:
        raise errors.missing_parameter("compartmentId")
    apps = fx.store.list("application", compartment_id=compartment)
    apps = _filter(apps, query)
    items, nxt = page(apps, query)
    return [models.application(a, summary=True) for a in items], nxt


def update_application(fx: Faas, app_id: str, body: object) -> dict:
    body = require_object(body, "UpdateApplicationDetails")
    app = fx.get("application", app_id)
    cfg = _config(body)
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
        fx.runtime.retire(fn.id)  # config changed: the next call starts a fresh process
    return models.application(app)


def delete_application(fx: Faas, app_id: str) -> None:
    app = fx.get("application", app_id)
    if fx.store.list("function", parent_id=app.id):
        raise errors.conflict(f"Application {app.name} still has functions; delete them first.")
    with fx.tx():
        fx.store.delete(app.id)


# -- functions ----------------------------------------------------------------------------------

def create_function(fx: Faas, body: object) -> dict:
    body = require_object(body, "CreateFunctionDetails")
    name = get_str(body, "displayName", required=True)
    app_id = get_str(body, "applicationId", required=True)
    app = fx.get("application", app_id, "application")
    image = _image(body, required=True)
    tags = get_tags(body, "freeformTags") or {}
    source, entry, handler = resolve_source(image, tags)
    doc = {
        "image": image,
        "imageDigest": "sha256:" + uuid.uuid4().hex + uuid.uuid4().hex,
        "sourceDir": str(source), "entry": entry, "handler": handler,
        "memoryInMBs": get_int(body, "memoryInMBs", 128, 3072, default=256),
        "timeoutInSeconds": get_int(body, "timeoutInSeconds", 5, 300, default=30),
        "detachedModeTimeoutInSeconds": get_int(body, "detachedModeTimeoutInSeconds", 5, 3600),
        "config": _config(body) or {},
        "freeformTags": tags,
        "definedTags": get_tags(body, "definedTags") or {},
    }
    now = fx.now()
    with fx.tx():
        if any(f.name == name for f in fx.store.list("function", parent_id=app.id)):
            raise errors.conflict(f"A function named {name!r} already exists in application {app.name}.")
        fn = Resource(new_ocid("fnfunc"), "function", app.compartment_id, app.id, name, "ACTIVE", now, now, now, doc)
        fx.store.insert(fn)
    return models.function(fn, fx.base_url)


def get_function(fx: Faas, fn_id: str) -> dict:
    return models.function(fx.get("function", fn_id), fx.base_url)


def list_functions(fx: Faas, query: dict) -> tuple[list, str | None]:
    app_id = query.get("applicationId")
    if not app_id:
        raise errors.missing_parameter("applicationId")
    fns = _filter(fx.store.list("function", parent_id=app_id), query)
    items, nxt = page(fns, query)
    return [models.function(f, fx.base_url, summary=True) for f in items], nxt


def update_function(fx: Faas, fn_id: str, body: object) -> dict:
    body = require_object(body, "UpdateFunctionDetails")
    fn = fx.get("function", fn_id)
    image = _image(body, required=False)
    tags = get_tags(body, "freeformTags")
    if tags is not None:
        fn.doc["freeformTags"] = tags
    if image is not None or tags is not None:
        new_image = image or fn.doc["image"]
        source, entry, handler = resolve_source(new_image, fn.doc["freeformTags"])
        fn.doc.update({"image": new_image, "sourceDir": str(source), "entry": entry, "handler": handler})
    cfg = _config(body)
    if cfg is not None:
        fn.doc["config"] = cfg
    for field, lo, hi in (("memoryInMBs", 128, 3072), ("timeoutInSeconds", 5, 300),
                          ("detachedModeTimeoutInSeconds", 5, 3600)):
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
    return models.function(fn, fx.base_url)


def delete_function(fx: Faas, fn_id: str) -> None:
    fn = fx.get("function", fn_id)
    with fx.tx():
        fx.store.delete(fn.id)
    fx.runtime.stop(fn.id)


def _filter(items: list[Resource], query: dict) -> list[Resource]:
    if query.get("displayName"):
        items = [r for r in items if r.name == query["displayName"]]
    if query.get("id"):
        items = [r for r in items if r.id == query["id"]]
    if query.get("lifecycleState"):
        items = [r for r in items if r.state == query["lifecycleState"]]
    key = {"timeCreated": lambda r: r.time_created, "id": lambda r: r.id}.get(query.get("sortBy"), lambda r: r.name)
    return sorted(items, key=key, reverse=query.get("sortOrder") == "DESC")
