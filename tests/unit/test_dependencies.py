"""Every package labhelpers imports by name is declared in pyproject.toml, not merely present
because something else pulled it in."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "labhelpers"


def _declared() -> dict[str, str]:
    """Normalised distribution name -> where pyproject.toml declares it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    out = {_norm(Requirement(r).name): "dependencies" for r in project["dependencies"]}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        for r in reqs:
            out.setdefault(_norm(Requirement(r).name), f"[{extra}]")
    return out


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _own_packages() -> set[str]:
    """This project's own top-level packages (``[tool.setuptools.packages.find]``): not third party."""
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    return {pattern.rstrip("*").rstrip(".") for pattern in include}


def _third_party_imports() -> dict[str, set[str]]:
    """Top-level module name -> the labhelpers files importing it (relative imports excluded)."""
    own = _own_packages() | {"__future__"}
    found: dict[str, set[str]] = {}
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in own:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_package_labhelpers_imports_is_declared():
    declared = _declared()
    dists = packages_distributions()
    missing = []
    for module, files in sorted(_third_party_imports().items()):
        names = {_norm(d) for d in dists.get(module, [module])}
        if not names & set(declared):
            missing.append(f"{module} (distribution {sorted(names)}; imported by {sorted(files)})")
    assert not missing, "declare in pyproject.toml's dependencies: " + "; ".join(missing)


def test_the_runtime_imports_are_runtime_dependencies():
    """Only the PDF printer (playwright, optional, its absence named in the error) may come from an extra."""
    declared = _declared()
    dists = packages_distributions()
    from_extras = sorted(
        module
        for module in _third_party_imports()
        if all(
            declared.get(_norm(d), "dependencies") != "dependencies"
            for d in dists.get(module, [module])
        )
    )
    assert from_extras == ["playwright"]
