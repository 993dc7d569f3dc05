"""Every lab notebook runs top to bottom against localoci, unattended; every exercise check
passes with its solution and fails with the empty answer and with each wrong answer in
``wrong_answers/`` (replayed after the exercise's marks, so the solution's own results do not
count for them)."""

from __future__ import annotations

import json
import subprocess

import pytest

from .conftest import (
    NOTEBOOKS,
    append_answer_probes,
    check_cells,
    check_results,
    load,
    outputs_text,
    with_solutions,
    wrong_answers,
)

LAB = sorted(p.name for p in NOTEBOOKS.glob("0*.ipynb"))
SKELETON = [
    "What you'll do",
    "What you'll learn",
    "## Setup",
    "## Exercises",
    "## Summary",
    "What's next",
]


def test_the_lab_has_notebooks_00_to_03():
    assert {
        "00-setup.ipynb",
        "01-publish.ipynb",
        "02-cursor-types.ipynb",
        "03-consumption.ipynb",
    } <= set(LAB)


@pytest.mark.parametrize("name", LAB)
def test_notebook_follows_the_skeleton(name):
    nb = load(name)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    missing = [s for s in SKELETON if s not in text]
    assert not missing, f"{name} lacks {missing}"
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells), (
        "no papermill parameters cell"
    )
    exercises = [c for c in nb.cells if "exercise" in c.metadata.get("tags", [])]
    assert exercises, "no exercise cell"
    for cell in exercises:
        assert "# Your code here" in cell.source
        assert (NOTEBOOKS / cell.metadata["exercise"]).exists(), (
            f"missing solution {cell.metadata['exercise']}"
        )


@pytest.mark.parametrize("name", LAB)
def test_notebooks_are_committed_without_outputs(name):
    raw = json.loads((NOTEBOOKS / name).read_text())
    dirty = [
        i
        for i, c in enumerate(raw["cells"])
        if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, f"{name}: cells {dirty} carry outputs; run nbstripout"


@pytest.mark.parametrize("name", LAB)
def test_notebook_runs_top_to_bottom_checks_pass_with_solutions_and_fail_with_wrong_answers(
    name, run_notebook
):
    """One unattended run: the solutions in place (every check must pass), then for each
    exercise its marks, the empty answer or a wrong one, and its checks again in the same kernel
    (every check must fail, with a ❌ line and no traceback: a cell error fails the run).  The
    optional CLI sections run as without the CLI: each such cell prints the install note."""
    nb = with_solutions(load(name))
    probes = append_answer_probes(nb)
    nb = run_notebook(nb)  # without the OCI CLI (the conftest's NO_CLI)
    for cell in nb.cells:
        if cell.cell_type == "code" and "cli" in cell.metadata.get("tags", []):
            text = outputs_text(cell)
            assert "Traceback" not in text, f"{cell.id} failed without the CLI:\n{text}"
            if "cli_available()" in cell.source or "export_cli_env(lab, stream)" in cell.source:
                assert "pip install oci-cli" in text, f"{cell.id} shows no install note"
    checks = check_cells(nb)
    assert checks and probes, "no exercise checks"
    for cell in checks:
        text = outputs_text(cell)
        assert "✅ All good." in text and "❌" not in text, (
            f"a check failed with the solution:\n{text}"
        )
        results = check_results(cell)
        assert results and all(
            r["passed"] and all(line["ok"] for line in r["lines"]) for r in results
        ), results
    for cell in probes:
        text = outputs_text(cell)
        assert "❌" in text and "All good" not in text, (
            f"a check passed with {cell.metadata['probe']}:\n{text}"
        )
        results = check_results(cell)
        assert results and not any(r["passed"] for r in results), results


@pytest.mark.parametrize("name", LAB)
def test_every_exercise_has_a_plausible_wrong_answer_to_reject(name):
    exercises = [
        c.metadata["exercise"]
        for c in load(name).cells
        if "exercise" in c.get("metadata", {}).get("tags", [])
    ]
    missing = [e for e in exercises if not wrong_answers(e)]
    assert not missing, f"{name}: no tests/notebooks/wrong_answers/<stem>/*.py for {missing}"


def test_solutions_are_valid_python():
    for path in (NOTEBOOKS / "solutions").glob("*.py"):
        compile(path.read_text(), str(path), "exec")


def test_oci_only_cells_guard_themselves():
    """Cells tagged oci-only must not need a tenancy when the target is local."""
    for name in LAB:
        for cell in load(name).cells:
            if "oci-only" in cell.metadata.get("tags", []):
                assert 'lab.target == "oci"' in cell.source, (
                    f"{name}: an oci-only cell runs unguarded"
                )


def test_git_tracks_no_notebook_outputs():
    tracked = subprocess.run(
        ["git", "ls-files", "notebooks"], capture_output=True, text=True, cwd=NOTEBOOKS.parent
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    for name in tracked.stdout.split():
        if name.endswith(".ipynb"):
            raw = json.loads((NOTEBOOKS.parent / name).read_text())
            assert not any(c.get("outputs") for c in raw["cells"] if c["cell_type"] == "code"), name


def test_readme_lists_every_oci_only_cell():
    """The README's table of cells that need a real tenancy stays in step with the tags."""
    readme = (NOTEBOOKS.parent / "README.md").read_text()
    for name in LAB:
        for cell in load(name).cells:
            if "oci-only" in cell.metadata.get("tags", []):
                assert f"`{cell.id}`" in readme, (
                    f"README does not list oci-only cell {cell.id} of {name}"
                )
