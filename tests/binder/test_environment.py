"""Binder's environment is the project's: identical files, the same packages and pins."""

from __future__ import annotations

import os

import yaml

from tests.binder.envfile import (
    BINDER_ONLY,
    CONDA_ONLY,
    ROOT,
    conda_requirement,
    env_requirements,
    normalise,
    pyproject_requirements,
)


def test_binder_environment_is_identical_to_the_top_level_one():
    top, binder = ROOT / "environment.yml", ROOT / "binder" / "environment.yml"
    assert binder.read_bytes() == top.read_bytes(), (
        "binder/environment.yml differs from environment.yml; Binder reads only binder/. "
        "Fix: cp environment.yml binder/environment.yml"
    )


def test_environment_is_conda_forge_python_3_11():
    doc = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert doc["channels"] == ["conda-forge"]
    assert "python=3.11" in doc["dependencies"]


def test_environment_has_every_project_dependency_and_nothing_else():
    env = env_requirements(ROOT / "environment.yml")
    project = pyproject_requirements()
    extra = set(env) - set(project) - CONDA_ONLY - BINDER_ONLY
    missing = set(project) - set(env)
    assert not missing, f"in pyproject.toml but not in environment.yml: {sorted(missing)}"
    assert not extra, f"in environment.yml but not in pyproject.toml: {sorted(extra)}"
    assert set(env) >= BINDER_ONLY, "jupyter-server-proxy makes the gateway reachable on Binder"


def test_environment_pins_match_pyproject():
    env = env_requirements(ROOT / "environment.yml")
    for name, req in pyproject_requirements().items():
        assert str(env[name][1].specifier) == str(req.specifier), (
            f"{name}: environment.yml says {env[name][1].specifier or 'any'}, "
            f"pyproject.toml says {req.specifier or 'any'}"
        )


def test_exact_pins_come_from_pypi_through_the_pip_section():
    """oci, oci-cli and fdk are pinned to releases published on PyPI; conda-forge may lag."""
    env = env_requirements(ROOT / "environment.yml")
    for name in ("oci", "oci-cli", "fdk"):
        assert env[name][0] == "pip", f"{name} belongs in the pip: section"


def test_names_and_conda_specs_are_read_the_way_conda_reads_them():
    assert normalise("Jupyter_Server.Proxy") == "jupyter-server-proxy"
    assert normalise("matplotlib-base") == "matplotlib"
    assert str(conda_requirement("python=3.11").specifier) == "==3.11.*"
    assert str(conda_requirement("pandas>=2.2  # comment").specifier) == ">=2.2"


def test_binder_scripts_are_executable():
    for name in ("postBuild", "start"):
        path = ROOT / "binder" / name
        assert os.access(path, os.X_OK), f"chmod +x binder/{name}"
        assert path.read_text().startswith("#!/usr/bin/env bash")


def test_readme_binder_badge_opens_00_setup_on_main():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(
        r"\(https://mybinder\.org/v2/gh/([^/]+)/([^/]+)/([^?]+)\?urlpath=lab/tree/([^)\s]+)\)",
        readme,
    )
    assert m, (
        "README.md needs a Binder badge (https://mybinder.org/v2/gh/<owner>/<repo>/main?urlpath=...)"
    )
    assert m.group(3) == "main"
    assert (ROOT / m.group(4)).is_file(), f"the badge opens {m.group(4)}, which does not exist"
    assert m.group(4) == "notebooks/00-setup.ipynb"
