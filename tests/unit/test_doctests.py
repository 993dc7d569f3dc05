"""The examples in the packages' docstrings and Markdown files are tests: `make test` collects
them (pytest's testpaths name the packages, --doctest-modules and --doctest-glob are on) and
`make test-fast` runs them too, so an example that stopped being true fails."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("labhelpers", "localoci", "localctl")


def _pytest_ini() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]


def test_pytest_collects_the_doctests_of_every_package():
    ini = _pytest_ini()
    assert set(PACKAGES) <= set(ini["testpaths"]), ini["testpaths"]
    opts = shlex.split(ini["addopts"])
    assert "--doctest-modules" in opts
    assert "--doctest-glob=*.md" in opts


def test_make_test_fast_runs_the_packages_doctests():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^test-fast:.*\n\t(.+)$", makefile, re.M)
    assert recipe, "Makefile has no test-fast target"
    args = shlex.split(recipe.group(1))
    missing = [p for p in PACKAGES if p not in args]
    assert not missing, f"make test-fast does not run the doctests of {missing}"


def test_every_package_has_examples_to_run():
    """A package whose examples all vanished (or moved out of reach) would pass silently."""
    for package in PACKAGES:
        texts = [p.read_text(encoding="utf-8") for p in (ROOT / package).rglob("*.py")]
        assert any(">>> " in t for t in texts), f"{package} has no doctest example"
