"""What repo2docker (Binder's builder) makes of the repository, without Docker: ``--no-build``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.binder.envfile import ROOT

# One worker runs this module (-n 2 --dist loadgroup): repo2docker runs once.
pytestmark = pytest.mark.xdist_group("repo2docker")


def repo2docker() -> str:
    exe = shutil.which("repo2docker", path=str(Path(sys.executable).parent)) or shutil.which(
        "repo2docker"
    )
    if not exe:
        pytest.skip(
            "repo2docker is not installed: it is the [binder] extra (pip install -e '.[binder]'); "
            "the Binder configuration was not checked against Binder's builder"
        )
    return exe


@pytest.fixture(scope="module")
def dockerfile() -> str:
    result = subprocess.run(
        [repo2docker(), "--no-build", "--no-run", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


def test_repo2docker_builds_the_conda_environment_from_binder(dockerfile):
    assert 'env update -p ${NB_PYTHON_PREFIX} --file "binder/environment.yml"' in dockerfile


def test_repo2docker_runs_postbuild_and_starts_through_binder_start(dockerfile):
    assert "RUN ./binder/postBuild" in dockerfile
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in dockerfile


def test_repo2docker_uses_python_3_11(dockerfile):
    assert "Building conda environment for python=3.11" in dockerfile
