"""export_report() from a kernel that a real Jupyter server started for a notebook session."""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from .synthetic import notebook_with_every_output, secrets_found, write_notebook

# One worker runs this module (-n 2 --dist loadgroup): its Jupyter server starts once.
pytestmark = pytest.mark.xdist_group("report-in-notebook")


@pytest.fixture(scope="module")
def jupyter_server(tmp_path_factory):
    """`jupyter server` on a free port with its own runtime dir; yields (url, token, root)."""
    root = tmp_path_factory.mktemp("jupyter")
    runtime = root / "runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "PYTHONUNBUFFERED": "1"}
    log = open(root / "server.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            "--no-browser",
            "--port=0",
            "--IdentityProvider.token=t0ken",
            f"--ServerApp.root_dir={root}",
            "--allow-root",
            # only the sessions and kernels APIs are needed: skip the extensions' start-up time
            *(
                f"--ServerApp.jpserver_extensions={ext}=False"
                for ext in (
                    "jupyterlab",
                    "jupyter_lsp",
                    "jupyter_server_proxy",
                    "jupyter_server_terminals",
                    "notebook_shim",
                    "notebook",
                )
            ),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            infos = glob.glob(str(runtime / "jpserver-*.json"))
            if infos:
                url = json.loads(Path(infos[0]).read_text())["url"].rstrip("/")
                yield url, "t0ken", root, runtime
                break
            if proc.poll() is not None:
                pytest.fail((root / "server.log").read_text())
            time.sleep(0.2)
        else:
            pytest.fail("jupyter server did not start")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def _api(url: str, token: str, method: str = "GET", body: dict | None = None):
    req = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def _run(kc, code: str) -> str:
    msg_id = kc.execute(code)
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            out.append(content["text"])
        elif kind == "error":
            out.append("\n".join(content["traceback"]))
        elif kind in ("execute_result", "display_data"):
            out.append(content["data"].get("text/html") or content["data"].get("text/plain", ""))
        elif kind == "status" and content["execution_state"] == "idle":
            return "".join(out)


def test_one_call_exports_the_notebook_the_kernel_belongs_to(jupyter_server):
    from jupyter_client import BlockingKernelClient

    url, token, root, runtime = jupyter_server
    saved = notebook_with_every_output()
    for cell in saved.cells:  # saved before anything ran
        if cell.cell_type == "code":
            cell.execution_count = None
    nb = write_notebook(saved, root / "lab" / "01-publish.ipynb")
    session = _api(
        url + "/api/sessions",
        token,
        "POST",
        {
            "path": "lab/01-publish.ipynb",
            "name": "01-publish.ipynb",
            "type": "notebook",
            "kernel": {"name": "python3"},
        },
    )
    try:
        kc = BlockingKernelClient(
            connection_file=str(runtime / f"kernel-{session['kernel']['id']}.json")
        )
        kc.load_connection_file()
        kc.start_channels(hb=False)  # no manager here: the heartbeat would call a slow kernel dead
        kc.kernel_info()
        kc.get_shell_msg(timeout=90)  # the kernel answers once it is ready
        try:
            _run(kc, "x = 1")
            _run(kc, "y = 2")  # work done since the file was saved
            shown = _run(kc, "from labhelpers.report import export_report\nexport_report(wait=0.2)")
            # found without a path, written beside the notebook, linked relative to the kernel's cwd
            assert "Report written: <a href='reports/01-publish.html'" in shown, shown
            assert (
                "run this cell again" in shown
            )  # the saved file is behind the kernel, and we say so
            # the same answer from the sessions API alone (no __session__, no JPY_SESSION_NAME)
            found = _run(
                kc,
                "import os\ndel __session__\nos.environ.pop('JPY_SESSION_NAME', None)\n"
                "from labhelpers.report import find_notebook_path\nprint(find_notebook_path())",
            )
            assert found.strip() == str(nb.resolve())
        finally:
            kc.stop_channels()
    finally:
        _api(f"{url}/api/sessions/{session['id']}", token, "DELETE")
    report = nb.parent / "reports" / "01-publish.html"
    assert secrets_found(report.read_text(encoding="utf-8")) == []
    assert nbformat.read(nb, as_version=4).cells  # the notebook itself is untouched
