"""Run lab notebooks headless against a fresh localoci, the way a learner's "Run All" would."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def with_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with each exercise cell replaced by its solution file (what `# %load` loads)."""
    for cell in nb.cells:
        if "exercise" in cell.get("metadata", {}).get("tags", []):
            cell.source = (NOTEBOOKS / cell.metadata["exercise"]).read_text()
    return nb


def outputs_text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if "text" in o:
            parts.append(o["text"])
        parts.extend(str(v) for k, v in o.get("data", {}).items() if k == "text/plain")
        if o.get("output_type") == "error":
            parts.append(f"{o['ename']}: {o['evalue']}")
    return "".join(parts)


def check_cells(nb) -> list:
    """The cells that call a check_* function (they follow each exercise)."""
    return [c for c in nb.cells if c.cell_type == "code" and "= check_" in c.source]


@pytest.fixture
def run_notebook(localoci_factory, monkeypatch, tmp_path):
    """Execute a notebook (node) against its own localoci; return the executed notebook."""

    def run(nb: nbformat.NotebookNode, server=None, timeout: int = 240) -> nbformat.NotebookNode:
        server = server or localoci_factory()
        monkeypatch.setenv("LOCALOCI_URL", server.url)
        monkeypatch.setenv("LOCALOCI_HOME", str(server.data_dir))
        monkeypatch.setenv("LAB_TARGET", "local")
        monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        monkeypatch.delenv("LAB_STREAM", raising=False)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOKS)}})
        client.execute(cwd=str(NOTEBOOKS), env=dict(os.environ))
        return nb

    return run
