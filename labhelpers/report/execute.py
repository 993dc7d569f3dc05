"""Executing notebooks for a report: papermill, top to bottom, with the lab's parameters.

A failing cell does not raise: execution stops there, as papermill does, and the cell keeps
its error output for the report to name.  A timeout or a dead kernel marks the cell that was
running.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ReportError

__all__ = ["RUNNING_ENV", "execute_notebook"]

#: Set while ``python -m labhelpers report --execute`` runs a notebook, so that an
#: ``export_report()`` cell inside it does not export a half-executed copy of itself.
RUNNING_ENV = "LABHELPERS_REPORT_RUNNING"


def execute_notebook(
    path: str | os.PathLike,
    output_path: str | os.PathLike,
    *,
    target: str = "local",
    parameters: Mapping[str, Any] | None = None,
    timeout: int | None = 600,
    kernel_name: str | None = None,
):
    """Run a notebook top to bottom with papermill; return the executed notebook.

    Parameters
    ----------
    path, output_path : path-like
        The notebook, and where papermill writes the executed copy (outputs unredacted: keep
        it out of anything you hand in).
    target : {"local", "oci"}
        Set as ``LAB_TARGET`` for the kernel and passed as the ``target`` parameter.
    parameters : mapping, optional
        papermill parameters (the CLI's ``--stream-name``, ``--messages`` and ``-p``), passed as
        given.  ``target`` is passed too when the notebook's ``parameters`` cell declares it.
    timeout : int, optional
        Seconds one cell may run.
    kernel_name : str, optional
        Defaults to the notebook's kernel, or ``python3``.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.  A failing cell does not raise: execution stops there, as
        papermill does, and the cell keeps its error output (see :func:`labhelpers.report.build_report`).
    """
    import nbformat
    import papermill as pm

    path, output_path = Path(path), Path(output_path)
    given = dict(parameters or {})  # stream_name, message_count, -p name=value ...
    try:
        declared = set(pm.inspect_notebook(str(path)))
    except Exception:  # no parameters cell, or an unreadable one: pass only what was given
        declared = set()
    params = dict(given)
    if "target" in declared:
        params["target"] = target
    nb = nbformat.read(path, as_version=4)
    kernel = kernel_name or nb.metadata.get("kernelspec", {}).get("name") or "python3"
    env = {"LAB_TARGET": target, RUNNING_ENV: "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        pm.execute_notebook(
            str(path),
            str(output_path),
            parameters=params,
            kernel_name=kernel,
            cwd=str(path.parent.resolve()),
            progress_bar=False,
            log_output=False,
            execution_timeout=timeout,
        )
    except pm.PapermillExecutionError:
        pass  # the executed notebook, with its error, is in output_path
    except Exception as exc:  # a timeout or a dead kernel: report what ran
        if not output_path.exists():
            raise ReportError(f"{path}: could not execute: {type(exc).__name__}: {exc}") from exc
        out = nbformat.read(output_path, as_version=4)
        _mark_interrupted(out, f"{type(exc).__name__}: {exc}")
        nbformat.write(out, output_path)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nbformat.read(output_path, as_version=4)


def _mark_interrupted(nb, message: str) -> None:
    """Give the cell that was running when papermill gave up an error output saying why."""
    for cell in nb.cells:
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if cell.cell_type == "code" and status == "running":
            cell.setdefault("outputs", []).append(
                {
                    "output_type": "error",
                    "ename": message.split(":")[0],
                    "evalue": message.partition(": ")[2],
                    "traceback": [message],
                }
            )
            return
