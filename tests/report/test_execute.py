"""`python -m labhelpers report --execute`: papermill runs the notebook with parameters, a failing
cell stops it and the report still comes out, saying which cell failed."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from labhelpers.__main__ import main

from .synthetic import FINGERPRINT, USER, marks_as_text, secrets_found

# One worker runs this module (-n 2 --dist loadgroup): its notebook is executed once.
pytestmark = pytest.mark.xdist_group("report-execute")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run one notebook through the CLI once; return (exit status, report text, stdout)."""
    root = tmp_path_factory.mktemp("execute")
    nb = new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        new_markdown_cell("# Consume with a group"),
        new_code_cell(
            "target = 'oci'\nstream_name = 'default-stream'\nmessage_count = 1",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(
            "import os\nprint('LAB_TARGET', os.environ['LAB_TARGET'], target, stream_name, message_count)\n"
            "from labhelpers.checkreport import CheckReport\n"
            f"CheckReport('publishing', [(True, f'published {{message_count}} messages for {USER}')]).show()"
        ),
        new_code_cell(
            "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
            "fig, ax = plt.subplots(figsize=(3, 2)); ax.bar(['0', '1'], [message_count, 2]); plt.show()"
        ),
        new_code_cell(
            "import ipywidgets as w\nw.VBox([w.IntSlider(value=message_count, description='sent'),"
            " w.Label(value='done')])"
        ),
        new_code_cell("from labhelpers.report import export_report\nexport_report()"),
        new_code_cell(f"raise RuntimeError('signing failed for fingerprint {FINGERPRINT}')"),
        new_code_cell("print('never runs')"),
    ]
    path = root / "04-consume.ipynb"
    nbformat.write(nb, path)
    status = main(
        [
            "report",
            str(path),
            "--execute",
            "--target",
            "local",
            "--out",
            str(root / "out"),
            "--stream-name",
            "from-cli",
            "-p",
            "message_count=5",
            "--timeout",
            "120",
        ]
    )
    page = (root / "out" / "04-consume.html").read_text(encoding="utf-8").replace('"', "'")
    return status, marks_as_text(page)


def test_failing_cell_still_gives_a_report_that_names_it(executed):
    status, page = executed
    assert status == 1  # the CLI says something failed; the report is there anyway
    header = page[page.index("class='lab-report-header'") : page.index("</section>")]
    assert "❌ Failed cells:" in header and "RuntimeError: signing failed" in header
    anchor = header.split("<a href='#", 1)[1].split("'", 1)[0]
    banner = page.index(f"id='{anchor}'>❌ This cell failed")
    assert page.index("signing failed", banner) > banner and "Cells below it did not run" in page
    assert "In [ ]" in page[banner:].replace("\xa0", " ").replace("&nbsp;", " ")  # not run
    assert page.count("never runs") == 1  # its source is shown; it printed nothing


def test_parameters_and_target_reach_the_kernel_and_the_header(executed):
    _, page = executed
    assert "LAB_TARGET local local from-cli 5" in page
    header = page[page.index("class='lab-report-header'") : page.index("</section>")]
    assert "<th>Target</th><td>local</td>" in header
    assert "stream_name='from-cli'" in header and "message_count=5" in header
    assert "--execute --target local -p message_count=5 -p stream_name=from-cli" in header
    assert "1 ✅ passed" in header


def test_executed_report_embeds_the_chart_and_the_widget_state_and_hides_secrets(executed):
    _, page = executed
    assert page.count("src='data:image/png;base64,") >= 1
    snapshot = page[page.index("<div class='lab-widget-snapshot'") :]
    assert "sent</span> <span class='lab-w-value'>5</span>" in snapshot and "done" in snapshot
    assert "writes the report itself" in page  # export_report() inside the run did not recurse
    assert secrets_found(page) == [] and USER not in page and FINGERPRINT not in page
