"""Run lab notebooks headless against a fresh localoci, the way a learner's "Run All" would."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: What LAB_OCI_CLI names where the notebooks should run as without the CLI.
NO_CLI = "/nonexistent/oci"

# Wrong answers are notebook cells, run by the notebook tests, not modules to import (doctests).
collect_ignore_glob = ["wrong_answers/*"]


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


WRONG_ANSWERS = Path(__file__).resolve().parent / "wrong_answers"


def wrong_answers(exercise: str) -> list[Path]:
    """The wrong answers the tests try for one exercise (``solutions/01-publish.py`` ->
    ``wrong_answers/01-publish/*.py``).  Each file's first line is a comment saying what is
    wrong with it (reusing the lesson's values, a hand-made result, the other cursor type ...)."""
    return sorted((WRONG_ANSWERS / Path(exercise).stem).glob("*.py"))


def append_answer_probes(nb: nbformat.NotebookNode, wrong: bool = True) -> list:
    """Append, for each exercise, probes that its checks must reject; return their check cells.

    A probe replays the exercise's mark cells (code cells tagged ``exercise-mark`` between the
    previous exercise and this one: they record what existed before the learner acted, such
    as offsets or a time), then an answer in place of the solution, then the exercise's check
    cells.  The answers are the empty one (the exercise cell as committed) and, with ``wrong``,
    every file in :func:`wrong_answers`.  Run after the solutions, in the same kernel, they
    prove in one execution that each check passes only when the learner did the exercise.
    Each returned check cell carries ``metadata.probe`` naming the answer it judges.
    """
    import copy

    original = list(nb.cells)
    probes = []
    marks: list = []
    for i, cell in enumerate(original):
        tags = cell.metadata.get("tags", [])
        if "exercise-mark" in tags and cell.cell_type == "code":
            marks.append(cell)
        if "exercise" not in tags:
            continue
        checks = []
        for follower in original[i + 1 :]:
            if "exercise" in follower.metadata.get("tags", []):
                break
            if follower.cell_type == "code" and "= check_" in follower.source:
                checks.append(follower)
        answers = [("the empty answer", cell.metadata["original_source"])]
        if wrong:
            answers += [
                (f"wrong answer {path.name}", path.read_text())
                for path in wrong_answers(cell.metadata["exercise"])
            ]
        for label, source in answers:
            for mark in marks:
                nb.cells.append(_probe(copy.deepcopy(mark)))
            answer = copy.deepcopy(cell)
            answer.source = source
            nb.cells.append(_probe(answer))
            for check in checks:
                probe = _probe(copy.deepcopy(check))
                probe.metadata["probe"] = label
                nb.cells.append(probe)
                probes.append(probe)
        marks = []
    return probes


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
        # The optional OCI CLI sections run as on a machine without the CLI (each cell prints
        # the install note): tests/conformance/test_cli_cells.py runs them with the CLI, and
        # the oci-target tests on a region, so running them here again would only cost time.
        monkeypatch.setenv("LAB_OCI_CLI", NO_CLI)
        # Auth tokens and other state the lab keeps go to this test's folder, not the checkout.
        monkeypatch.setenv("LAB_HOME", str(tmp_path / "lab-home"))
        # export_report() finds its notebook as in JupyterLab, from JPY_SESSION_NAME: a copy in
        # tmp_path, so the report is written to tmp_path/reports, not beside the lab's notebooks.
        copy = tmp_path / "notebook-under-test.ipynb"
        nbformat.write(nb, copy)
        monkeypatch.setenv("JPY_SESSION_NAME", str(copy))
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOKS)}},
        )
        client.execute(cwd=str(NOTEBOOKS), env=dict(os.environ))
        return nb

    return run
