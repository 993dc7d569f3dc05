"""binder/postBuild and binder/start, as Binder runs them, with JupyterLab as the command.

Binder (repo2docker) runs ``binder/postBuild`` once at build time and ``binder/start
<jupyter command>`` at every launch.  Without Docker, these tests run the same two scripts in
a virtual environment: localoci must be up and healthy, JupyterLab must serve, labhelpers must
find localoci from the environment binder/start exported, and localoci's endpoints must be
reachable through Jupyter (jupyter-server-proxy), as the learner's browser reaches them.

* the fast test uses the project's own .venv (no postBuild: it would reinstall the project
  into a shared environment; its config step is done by hand);
* the slow one builds a fresh venv from environment.yml's package list with uv, then runs
  postBuild and start, which is what Binder does.  It takes about a minute with a warm uv cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import localctl
from tests.binder.envfile import ROOT, pip_install_args
from tests.browser.jupyter import free_port, isolated_env, start_jupyter

pytestmark = pytest.mark.timeout(600)


def process_env(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def get_json(url: str, token: str | None = None, timeout: float = 5.0) -> dict:
    headers = {"Authorization": f"token {token}"} if token else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as r:
        return json.loads(r.read())


def has_module(python: str, module: str) -> bool:
    return subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode == 0


def launch_like_binder(tmp_path: Path, bindir: Path) -> None:
    """binder/start with JupyterLab as its command; check everything; stop everything."""
    python = str(bindir / "python")
    home = tmp_path / "home"
    port = free_port()
    env = isolated_env(
        tmp_path / "jupyter",
        HOME=str(home),
        LOCALOCI_PORT=str(port),
        PATH=f"{bindir}{os.pathsep}{os.environ['PATH']}",
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
    )
    env.pop("LOCALOCI_URL", None)
    env.pop("LOCALOCI_HOME", None)
    env.pop("VIRTUAL_ENV", None)
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    server = start_jupyter(
        root,
        env,
        prefix=[str(ROOT / "binder" / "start")],
        python=python,
        log=tmp_path / "jupyter.log",
        timeout=120,
    )
    localoci_url = f"http://127.0.0.1:{port}"
    try:
        # localoci answers, in the data directory binder/start chose.
        health = get_json(f"{localoci_url}/_localoci/health")
        assert Path(health["dataDir"]) == (home / ".lab" / "localoci").resolve()
        # JupyterLab answers.
        assert "version" in get_json(f"{server.url}/api")
        assert server.api("/lab", timeout=10)
        # Jupyter (and so every kernel) has what labhelpers needs to find localoci.
        jenv = process_env(server.proc.pid)
        assert jenv["LOCALOCI_URL"] == localoci_url
        assert Path(jenv["LOCALOCI_HOME"]) == home / ".lab" / "localoci"
        found = subprocess.run(
            [python, "-c", "from labhelpers import localctl; print(localctl.find().url)"],
            env={
                **env,
                "LOCALOCI_URL": jenv["LOCALOCI_URL"],
                "LOCALOCI_HOME": jenv["LOCALOCI_HOME"],
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert found.stdout.strip() == localoci_url, found.stderr[-2000:]
        # The learner's browser reaches localoci (and so /_gateway/...) through Jupyter.
        if has_module(python, "jupyter_server_proxy"):
            proxied = get_json(
                f"{server.url}/proxy/{port}/_localoci/health", token=server.token, timeout=10
            )
            assert proxied["dataDir"] == health["dataDir"]
            # ...including the API Gateway stand-in: an unknown deployment is localoci's JSON 404.
            req = urllib.request.Request(
                f"{server.url}/proxy/{port}/_gateway/000000000000/v1/hello",
                headers={"Authorization": f"token {server.token}"},
            )
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(req, timeout=10)
            assert answer.value.code == 404
            body = json.loads(answer.value.read())
            assert (str(body["code"]), body["message"]) == ("404", "Not Found"), body
        else:
            pytest.skip(
                "jupyter-server-proxy is not installed in this environment: "
                "the proxied path was not checked (the slow fresh-environment test checks it)"
            )
    finally:
        server.stop()
        if not localctl.Control.for_service(localoci_url).wait_gone(timeout=15):
            pytest.fail(f"localoci still answers at {localoci_url} after Jupyter stopped")


def test_binder_start_serves_jupyterlab_with_localoci_running(tmp_path):
    """The project's .venv, postBuild's config step done by hand."""
    config = tmp_path / "home" / ".jupyter"
    config.mkdir(parents=True)
    shutil.copy(ROOT / "binder" / "jupyter_server_config.py", config)
    launch_like_binder(tmp_path, Path(sys.executable).parent)


@pytest.mark.slow
def test_fresh_environment_from_environment_yml_then_postbuild_then_start(tmp_path):
    """What Binder does, with uv standing in for conda: build, postBuild, start."""
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if not uv:
        pytest.skip("uv is not installed: the fresh environment was not built")
    venv = tmp_path / "venv"
    subprocess.run(
        [uv, "venv", "-q", "--seed", "--python", "3.11", str(venv)], check=True, timeout=120
    )
    bindir = venv / "bin"
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            str(bindir / "python"),
            *pip_install_args(ROOT / "environment.yml"),
        ],
        check=True,
        timeout=600,
    )
    home = tmp_path / "home"
    home.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("JUPYTER_CONFIG_DIR", None)
    env.pop("VIRTUAL_ENV", None)
    built = subprocess.run(
        [str(ROOT / "binder" / "postBuild")],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    assert (home / ".jupyter" / "jupyter_server_config.py").exists()
    launch_like_binder(tmp_path, bindir)


def test_binder_start_still_execs_the_command_without_localoci_url_when_localoci_cannot_start(
    tmp_path,
):
    """A port already taken: binder/start shows the end of localoci's log and hands over all
    the same, without LOCALOCI_URL (so connect() says what is wrong instead of timing out)."""
    import socket

    home = tmp_path / "home"
    home.mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "HOME": str(home),
            "LOCALOCI_PORT": str(port),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
        for var in ("LOCALOCI_URL", "LOCALOCI_HOME"):
            env.pop(var, None)
        done = subprocess.run(
            [
                str(ROOT / "binder" / "start"),
                sys.executable,
                "-c",
                "import os; print('LOCALOCI_URL=' + os.environ.get('LOCALOCI_URL', 'unset'))",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "LOCALOCI_URL=unset"
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr, done.stderr
    assert "localoci.out" in done.stderr
