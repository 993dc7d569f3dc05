"""A learner's settings file: what an instructor prepared for one learner of a class.

``python -m labhelpers class prepare`` writes one small JSON file per learner; the learner
saves theirs as ``~/.oci/lab-settings.json`` (or anywhere, with ``LAB_SETTINGS`` naming it).
On the ``oci`` target :func:`labhelpers.connect` reads it.  Its keys are the environment
variables they stand in for, so an environment variable always wins over the file::

    {"LAB_ID": "lab3",
     "LAB_COMPARTMENT_ID": "ocid1.compartment.oc1..aaaa...",
     "LAB_STREAM": "lab-stream-lab3",
     "LAB_FN_APP": "lab3",
     "HELLO_FUNCTION_OCID": "ocid1.fnfunc.oc1.iad.aaaa...",
     "LAB_GATEWAY_OCID": "ocid1.apigateway.oc1.iad.aaaa...",
     "LAB_PATH_PREFIX": "/lab3/v1",
     "LAB_API_DEPLOYMENT_OCID": "ocid1.apideployment.oc1.iad.aaaa...",
     "LAB_CLASS": "workshop"}

Every setting is resolved in one order (the one ``connect()`` prints, with each value's
source): the argument, then the environment, then this file, then the OCI config file, then
the default.

>>> import json, os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "lab-settings.json")
>>> _ = open(path, "w").write(json.dumps({"LAB_ID": "lab3", "LAB_FN_APP": "lab3"}))
>>> s = load(path)
>>> s.get("LAB_FN_APP"), s.source("LAB_FN_APP").endswith("lab-settings.json")
('lab3', True)
>>> load(os.path.join(tempfile.mkdtemp(), "missing.json")).values
{}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LabConfigError

#: Every key a settings file may hold (each is also an environment variable).
KEYS = (
    "LAB_ID",
    "LAB_COMPARTMENT_ID",
    "LAB_STREAM",
    "LAB_FN_APP",
    "HELLO_FUNCTION_OCID",
    "LAB_GATEWAY_OCID",
    "LAB_PATH_PREFIX",
    "LAB_API_DEPLOYMENT_OCID",
    "LAB_CLASS",
)
DEFAULT_PATH = "~/.oci/lab-settings.json"


def settings_path() -> Path:
    """``$LAB_SETTINGS``, else ``~/.oci/lab-settings.json``."""
    return Path(os.path.expanduser(os.environ.get("LAB_SETTINGS") or DEFAULT_PATH))


@dataclass(frozen=True)
class Settings:
    """The values of one settings file (empty when there is none) and where it is."""

    path: Path | None = None
    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str | None:
        """The environment's value, else the file's (None when neither has one)."""
        return os.environ.get(key) or self.values.get(key) or None

    def source(self, key: str) -> str:
        """Where :meth:`get`'s value comes from: ``$KEY``, the file, or ``(not set)``."""
        if os.environ.get(key):
            return f"${key}"
        if self.values.get(key):
            return f"settings file {self.path}"
        return "(not set)"


def load(path: str | os.PathLike | None = None) -> Settings:
    """The settings file at ``path`` (default :func:`settings_path`), or empty Settings when
    there is none.  A file that is not a JSON object of known keys and string values raises
    :class:`~labhelpers.errors.LabConfigError` naming the fix."""
    where = Path(path) if path else settings_path()
    if not where.exists():
        return Settings(None, {})
    try:
        doc = json.loads(where.read_text())
    except (OSError, ValueError) as exc:
        raise LabConfigError(
            f"The lab settings file {where} is not valid JSON ({exc}). Ask your instructor for "
            "a new one, or remove it (or unset LAB_SETTINGS) to go without."
        ) from None
    if not isinstance(doc, dict):
        raise LabConfigError(f"The lab settings file {where} must hold a JSON object.")
    unknown = sorted(set(doc) - set(KEYS))
    if unknown:
        raise LabConfigError(
            f"The lab settings file {where} has keys labhelpers does not know: {unknown}. "
            f"Known keys: {', '.join(KEYS)}."
        )
    bad = sorted(k for k, v in doc.items() if not isinstance(v, str))
    if bad:
        raise LabConfigError(f"In {where}, these values must be strings: {bad}.")
    return Settings(where, {k: v for k, v in doc.items() if v})


def write(path: str | os.PathLike, values: dict[str, str]) -> Path:
    """Write a settings file (what ``class prepare`` hands each learner); keys must be known."""
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise ValueError(f"unknown settings keys: {unknown}")
    where = Path(path)
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(json.dumps({k: values[k] for k in KEYS if k in values}, indent=2) + "\n")
    return where
