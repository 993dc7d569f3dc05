"""export_report()'s warning that the saved notebook is behind the kernel: given when a cell
before the export cell is missing from the saved file, never when only the export cell (still
running) is, in a real kernel (whose execution counter moves on before the cell ends)."""

from __future__ import annotations

import json

import nbformat
from nbclient import NotebookClient

SAVED = {
    "only-the-running-cell-missing": [1, 2, None],  # saved after cell 2: not stale
    "cell-2-missing": [1, None, None],
    "nothing-saved": [None, None, None],
}


def test_the_warning_names_a_missing_cell_not_the_running_one(tmp_path):
    paths = {}
    for name, counts in SAVED.items():
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell("1", execution_count=n) for n in counts]
        )
        paths[name] = str(tmp_path / f"{name}.ipynb")
        nbformat.write(nb, paths[name])
    check = (
        "import json, pathlib\n"
        "from labhelpers.report.locate import staleness\n"
        f"print(json.dumps({{k: staleness(pathlib.Path(v)) for k, v in {paths!r}.items()}}))"
    )
    live = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("1"), nbformat.v4.new_code_cell("2")]
        + [nbformat.v4.new_code_cell(check)]
    )
    NotebookClient(live, kernel_name="python3", timeout=60).execute()
    out = json.loads("".join(o.get("text", "") for o in live.cells[-1].outputs))
    assert out["only-the-running-cell-missing"] is None
    assert "ends at In [0] but the kernel is at In [3]" in out["nothing-saved"]
    assert "ends at In [1] but the kernel is at In [3]" in out["cell-2-missing"]
