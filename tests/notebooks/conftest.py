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
            cell.metadata["original_source"] = cell.source
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


def check_results(cell) -> list[dict]:
    """The structured results (``application/vnd.labhelpers.check+json``) a cell's checks displayed."""
    from labhelpers.checkreport import CHECK_MIME

    return [
        o["data"][CHECK_MIME] for o in cell.get("outputs", []) if CHECK_MIME in o.get("data", {})
    ]


def check_cells(nb) -> list:
    """The cells that call a check_* function (they follow each exercise)."""
    return [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and "= check_" in c.source
        and "empty-answer-probe" not in c.metadata.get("tags", [])
    ]


def append_empty_answer_probes(nb: nbformat.NotebookNode) -> list:
    """Append, for each exercise, its empty answer cell and the check cells after it.

    Run after the solutions, in the same kernel, they prove each check fails with the empty
    answer: one execution of the notebook tests both ways.  Returns the appended check cells.
    """
    import copy

    original = load_source_cells(nb)
    probes = []
    for i, cell in enumerate(original):
        if "exercise" not in cell.metadata.get("tags", []):
            continue
        empty = copy.deepcopy(cell)
        empty.source = cell.metadata["original_source"]
        nb.cells.append(_probe(empty))
        for follower in original[i + 1 :]:
            if "exercise" in follower.metadata.get("tags", []):
                break
            if follower.cell_type == "code" and "= check_" in follower.source:
                probe = _probe(copy.deepcopy(follower))
                nb.cells.append(probe)
                probes.append(probe)
    return probes


def load_source_cells(nb):
    return list(nb.cells)


def _probe(cell):
    cell.metadata = dict(cell.metadata)
    cell.metadata["tags"] = [*cell.metadata.get("tags", []), "empty-answer-probe"]
    cell.outputs = []
    cell["id"] = f"probe-{next(_probe_ids)}"
    return cell


_probe_ids = iter(range(10**6))


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
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        client.execute(cwd=str(NOTEBOOKS), env=dict(os.environ))
        return nb

    return run
