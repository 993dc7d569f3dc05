"""Read environment.yml and pyproject.toml's dependencies as comparable package sets."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
# conda-forge names that differ from PyPI's for the same package.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}
# In the environment but not in pyproject.toml, on purpose.
CONDA_ONLY = {"python", "pip"}
BINDER_ONLY = {"jupyter-server-proxy"}  # the browser reaches localoci's gateway through Jupyter


def normalise(name: str) -> str:
    """PEP 503 names: ``Foo_Bar.baz`` and ``foo-bar-baz`` are the same package."""
    name = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_TO_PYPI.get(name, name)


def conda_requirement(spec: str) -> Requirement:
    """``pkg>=1``, ``pkg=1.2`` (conda's "1.2.*"), ``pkg==1.2`` or ``pkg``, as a PEP 508 requirement."""
    spec = spec.split("#")[0].strip().replace(" ", "")
    m = re.fullmatch(r"([A-Za-z0-9_.\-]+)(?:=([^=<>!].*))?", spec)
    if m and m.group(2):
        return Requirement(f"{m.group(1)}=={m.group(2)}.*")
    return Requirement(spec)


def env_requirements(path: Path) -> dict[str, tuple[str, Requirement]]:
    """``{normalised name: ("conda" | "pip", requirement)}`` for every entry of an environment file."""
    doc = yaml.safe_load(path.read_text())
    found: dict[str, tuple[str, Requirement]] = {}
    for entry in doc["dependencies"]:
        if isinstance(entry, dict):
            for spec in entry.get("pip", []):
                req = Requirement(spec)
                found[normalise(req.name)] = ("pip", req)
        else:
            req = conda_requirement(entry)
            found[normalise(req.name)] = ("conda", req)
    return found


def pyproject_requirements() -> dict[str, Requirement]:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return {normalise(Requirement(d).name): Requirement(d) for d in deps}


def pip_install_args(path: Path) -> list[str]:
    """The environment's packages (conda and pip sections) as ``uv pip install`` arguments."""
    args = []
    for name, (_, req) in sorted(env_requirements(path).items()):
        if name in CONDA_ONLY:
            continue
        args.append(f"{name}{req.specifier}")
    return args
