"""A JupyterLab server for tests: started on a free port with a token, stopped with its kernels.

Used by the browser tests (which drive it with Chromium) and by the Binder tests (which start
it through ``binder/start``).  Everything Jupyter writes (config, runtime files, workspaces,
settings) goes to a temporary directory, so the learner's own ~/.jupyter is never touched.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# Settings that keep JupyterLab quiet and predictable in a test browser: every cell in the
# DOM (no virtual scrolling), no news or update toasts over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(base: Path, **extra: str) -> dict[str, str]:
    """os.environ with Jupyter's directories inside ``base`` (and quiet lab settings written there)."""
    settings = base / "lab-settings"
    for rel, value in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "BINDER_", "LAB_"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(base / "config"),
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"),
        IPYTHONDIR=str(base / "ipython"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class JupyterServer:
    url: str  # http://127.0.0.1:<port>  (base URL "/")
    token: str
    proc: subprocess.Popen
    log: Path
    children: list[int] = field(default_factory=list)
    root_dir: Path | None = None  # what it serves (--ServerApp.root_dir)

    def api(self, path: str, method: str = "GET", timeout: float = 5.0):
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
            return (
                json.loads(body)
                if body and r.headers.get_content_type() == "application/json"
                else body
            )

    def lab_url(self, path: str = "", workspace: str | None = None) -> str:
        """The lab on ``path``; a named ``workspace`` starts clean (no tabs restored from earlier)."""
        ws = f"/workspaces/{workspace}" if workspace else ""
        reset = "&reset" if workspace else ""
        return f"{self.url}/lab{ws}/tree/{path}?token={self.token}{reset}"

    def shutdown_kernels(self) -> None:
        for kernel in self.api("/api/kernels"):
            self.api(f"/api/kernels/{kernel['id']}", method="DELETE", timeout=15)

    def stop(self) -> None:
        """Shut every kernel down, then the server; kill the process group if it lingers."""
        if self.proc.poll() is None:
            try:
                self.shutdown_kernels()
            except (OSError, ValueError):
                pass
            try:
                self.api("/api/shutdown", method="POST")
            except (OSError, ValueError):
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        # Whatever the server started in its own process group (binder/start's localoci, say).
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


def start_jupyter(
    root_dir: Path,
    env: dict[str, str],
    *,
    prefix: list[str] | None = None,
    python: str = sys.executable,
    timeout: float = 60.0,
    log: Path,
) -> JupyterServer:
    """``[prefix...] python -m jupyter lab`` on a free port, in its own process group; wait for /api."""
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        *(prefix or []),
        python,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--allow-root",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.open_browser=False",
        "--ServerApp.shutdown_no_activity_timeout=900",
        # as `make lab` and Binder start it: export_report() can then save the notebook first
        "--LabApp.expose_app_in_browser=True",
    ]
    out = open(log, "ab")  # noqa: SIM115 - the child writes to it
    proc = subprocess.Popen(
        cmd,
        cwd=root_dir,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = JupyterServer(f"http://127.0.0.1:{port}", token, proc, log, root_dir=root_dir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"Jupyter exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            server.api("/api/status", timeout=1)
            return server
        except (OSError, ValueError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(
        f"Jupyter did not answer in {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}"
    )
