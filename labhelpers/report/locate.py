"""Finding the running notebook from inside its kernel, and asking the front end to save it.

:func:`find_notebook_path` asks, in order: the ``path`` argument, ``__session__`` /
``JPY_SESSION_NAME`` (JupyterLab and Notebook 7 set them for the kernel), then the running
Jupyter servers' sessions API matched by this kernel's id (as ipynbname does).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

from ..errors import NotebookNotFound

__all__ = ["find_notebook_path", "staleness", "try_save"]


def _sessions_api_path() -> Path | None:
    """Ask the running Jupyter servers which notebook owns this kernel (as ipynbname does)."""
    try:
        import ipykernel
        from jupyter_server.serverapp import list_running_servers
    except ImportError:
        return None
    try:
        found = re.search(r"kernel-(.+)\.json", Path(ipykernel.get_connection_file()).name)
    except Exception:  # not in a kernel (no connection file)
        return None
    if found is None:
        return None
    kernel_id = found.group(1)
    import urllib.request

    for server in list_running_servers():
        url = server.get("url", "").rstrip("/") + "/api/sessions"
        req = urllib.request.Request(
            url, headers={"Authorization": f"token {server.get('token', '')}"}
        )
        try:
            with urllib.request.urlopen(req, timeout=2) as r:
                sessions = json.load(r)
        except Exception:
            continue
        for s in sessions:
            if s.get("kernel", {}).get("id") == kernel_id:
                root = server.get("root_dir") or server.get("notebook_dir") or ""
                return Path(root) / s.get("path", s.get("notebook", {}).get("path", ""))
    return None


def find_notebook_path(path: str | os.PathLike | None = None) -> Path:
    """The notebook this kernel runs: `path` if given, else what Jupyter says.

    Tries, in order: the `path` argument; ``__session__`` / ``JPY_SESSION_NAME``, which
    JupyterLab and Notebook 7 set for the kernel; the running Jupyter servers' sessions API,
    matched by this kernel's id.  Under papermill or nbclient none of these exist: pass the
    path.

    Raises
    ------
    NotebookNotFound
        Saying to pass the path.
    """
    candidates: list[str] = []
    if path is not None:
        p = Path(path).expanduser()
        if not p.is_file():
            raise NotebookNotFound(
                f"No notebook at {p}: check the path (relative paths start at {Path.cwd()})."
            )
        return p.resolve()
    with contextlib.suppress(Exception):
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None and ip.user_ns.get("__session__"):
            candidates.append(str(ip.user_ns["__session__"]))
    if os.environ.get("JPY_SESSION_NAME"):
        candidates.append(os.environ["JPY_SESSION_NAME"])
    for c in candidates:
        for p in (Path(c), Path.cwd() / Path(c).name):
            if p.suffix == ".ipynb" and p.is_file():
                return p.resolve()
    asked = _sessions_api_path()
    if asked is not None and asked.is_file():
        return asked.resolve()
    raise NotebookNotFound(
        "Cannot tell which notebook this is (no Jupyter session found: papermill, nbclient or a "
        "plain IPython). Pass it: export_report('01-publish.ipynb')."
    )


_SAVE_JS = """
(function () {
  try {
    if (window.jupyterapp && window.jupyterapp.commands) { window.jupyterapp.commands.execute('docmanager:save'); }
    else if (window.jupyterlab && window.jupyterlab.commands) { window.jupyterlab.commands.execute('docmanager:save'); }
    else if (window.IPython && IPython.notebook) { IPython.notebook.save_checkpoint(); }
  } catch (e) { console.log('labhelpers: could not save the notebook', e); }
})();
"""


def try_save(path: Path, wait: float) -> bool:
    """Ask the front end to save; True when the file changed on disk within `wait` seconds.

    JupyterLab 4 gives notebook JavaScript no handle on the app unless it was started with
    ``--expose-app-in-browser`` (classic Notebook has ``IPython.notebook``), so this often
    cannot work: then the learner saves (Ctrl+S) and the staleness check below says so.
    """
    try:
        from IPython.display import Javascript, display
    except ImportError:
        return False
    before = path.stat().st_mtime
    display(Javascript(_SAVE_JS))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if path.stat().st_mtime != before:
            time.sleep(0.3)  # let the write finish
            return True
    return False


def staleness(path: Path) -> str | None:
    """Compare the kernel's execution count with the saved file's: a warning, or None."""
    try:
        import nbformat
        from IPython import get_ipython

        ip = get_ipython()
        if ip is None:
            return None
        nb = nbformat.read(path, as_version=4)
        saved = max(
            (c.get("execution_count") or 0 for c in nb.cells if c.cell_type == "code"), default=0
        )
        # The number of the cell running export_report: In[] already holds its source.
        # (ip.execution_count is already the next number under ipykernel 7.)
        inputs = ip.user_ns.get("In")
        running = len(inputs) - 1 if isinstance(inputs, list) else ip.execution_count
        if saved < running - 1:
            return (
                f"The saved {path.name} ends at In [{saved}] but the kernel is at In [{running}]: "
                "the report shows the last saved state. Save (Ctrl+S / File ▸ Save Notebook) and "
                "run this cell again to include your latest work."
            )
    except Exception:
        return None
    return None
