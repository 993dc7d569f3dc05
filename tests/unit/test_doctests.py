"""The examples in the packages' docstrings and Markdown files are tests: `make test` collects
them (pytest's testpaths name the packages, --doctest-modules and --doctest-glob are on) and
`make test-fast` runs them too, so an example that stopped being true fails."""

from __future__ import annotations

import ast
import doctest
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


# What a skipped example may stand for: objects only a running service gives (a client, a
# stream, a Lab, a deployment), or connect(), which starts one.
LIVE_NAMES = {"client", "stream", "lab", "hello", "connect"}


def _names(source: str, stored: bool = False) -> set[str]:
    return {
        n.id
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Name) and (not stored or isinstance(n.ctx, ast.Store))
    }


def _skipped_examples_without_a_live_object() -> list[str]:
    """Skipped examples that use no live object (nor a name an earlier skipped one made)."""
    parser = doctest.DocTestParser()
    bad = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if "+SKIP" not in text:
                continue
            for node in ast.walk(ast.parse(text)):
                if not isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
                    continue
                live = set(LIVE_NAMES)
                for ex in parser.get_examples(ast.get_docstring(node) or ""):
                    if not ex.options.get(doctest.SKIP):
                        continue
                    if not _names(ex.source) & live:
                        bad.append(f"{path.relative_to(ROOT)}: {ex.source.strip()}")
                    live |= _names(ex.source, stored=True)
    return bad


def test_only_examples_that_need_a_running_service_are_skipped():
    """``# doctest: +SKIP`` is for examples that need a live client, stream or Lab (pytest
    lists them as skipped); any other example must run, so it cannot go stale unseen."""
    bad = _skipped_examples_without_a_live_object()
    assert not bad, "these skipped examples could run; remove +SKIP:\n" + "\n".join(bad)
