"""Rules shared by the application and function operations.

* ``config`` is a map of string to string whose keys are environment-variable names (letters,
  digits, ``_``; not starting with a digit), at most 4096 bytes in all; a function sees its
  application's config overlaid with its own, as env vars.
* **A function's image is, locally, its source directory**: ``sourceDetails.image`` (or the
  20181201 top-level ``image``) is the path of a directory holding the function's code
  (``func.py``, or the file named by ``func.yaml``'s ``entrypoint``); the freeform tag
  ``localoci-source`` may name the directory instead, so that ``image`` can stay an OCIR
  name.  Relative paths resolve against localoci's working directory; the absolute path is
  what localoci runs.  ``sourceType`` must be ``CONTAINER_IMAGE``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, overload

from ... import errors
from ...ops._validate import get_str

SOURCE_TAG = "localoci-source"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENTRY = re.compile(r"fdk\s+(\S+\.py)(?:\s+(\w+))?")
MAX_CONFIG_BYTES = 4096


def get_config(body: dict) -> dict | None:
    cfg = body.get("config")
    if cfg is None:
        return None
    if not isinstance(cfg, dict):
        raise errors.invalid_parameter(
            "'config' must be a JSON object of string keys and string values."
        )
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


@overload
def get_image(body: dict, required: Literal[True]) -> str: ...
@overload
def get_image(body: dict, required: bool) -> str | None: ...
def get_image(body: dict, required: bool) -> str | None:
    src = body.get("sourceDetails")
    if src is not None:
        if not isinstance(src, dict):
            raise errors.invalid_parameter(
                '\'sourceDetails\' must be an object like {"sourceType": "CONTAINER_IMAGE", "image": ...}.'
            )
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
