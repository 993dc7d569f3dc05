"""The lab in a real browser: JupyterLab in headless Chromium, driven as a learner would.

Every notebook (``notebooks/0*.ipynb``, so a new one is picked up) is opened with each exercise
replaced by its solution (as ``%load solutions/...`` would), Run → Run All Cells once the kernel
reads *Idle* (a Run All sent earlier is silently dropped), and what the learner sees is checked:
no error output in any cell (cells tagged ``raises-exception`` excepted), every check shows only
passing lines, and for some notebooks what their widgets and charts do: the cursor picker's
table changing with the cursor type (02), the charts (03).  A screenshot of each lands in
test-artifacts/.

One JupyterLab, one localoci and one Chromium serve the module (one xdist group); each notebook
gets its own page and kernel, in the order of the lab.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(300)]

RUN_ALL_TIMEOUT_MS = 200_000
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


def open_notebook(page, jupyter, name: str, workspace: str | None = None) -> None:
    page.goto(jupyter.lab_url(name, workspace=workspace or name.split("-")[0]))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    wait_for_idle_kernel(page, timeout=60_000)


def wait_for_idle_kernel(page, timeout: int) -> None:
    """The status bar reads '<kernel> | Idle' once the kernel is up and free."""
    page.wait_for_function(
        """() => {
            const bar = document.querySelector('#jp-main-statusbar');
            return !!bar && /\\|\\s*Idle\\b/.test(bar.innerText);
        }""",
        timeout=timeout,
    )


def run_all_cells(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def cell_errors(page) -> str:
    return "\n".join(
        page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        ).all_inner_texts()
    )[-2000:]


def wait_until_all_cells_ran(page, artifacts, name: str) -> int:
    """Every code cell shows an execution count ([n]), none is running ([*]); returns how many ran."""
    script = """() => {
        const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputArea-prompt')]
            .map(p => p.innerText.trim());
        const done = prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:?$/.test(t));
        return done ? prompts.length : false;
    }"""
    try:
        handle = page.wait_for_function(script, timeout=RUN_ALL_TIMEOUT_MS, polling=500)
    except Exception as exc:  # noqa: BLE001 - re-raised with what the page shows
        page.screenshot(path=str(artifacts / f"{name}-FAILED.png"), full_page=True)
        raise AssertionError(
            f"Run All did not finish: {exc}\nerrors shown:\n{cell_errors(page)}"
        ) from None
    wait_for_idle_kernel(page, timeout=30_000)
    return handle.json_value()


def picker_state(page) -> tuple[list[int], str]:
    """The offsets in the picker's message table, and the Output area's text."""
    out = page.locator(".widget-vbox:has(.widget-toggle-buttons) .widget-output").last
    text = out.inner_text()
    offsets: list[int] = []
    table = out.locator("table")
    if table.count():
        headers = [h.strip() for h in table.first.locator("thead th").all_inner_texts()]
        col = headers.index("offset")
        for row in table.first.locator("tbody tr").all():
            cells = row.locator("th, td").all_inner_texts()
            offsets.append(int(cells[col]))
    return offsets, text


def choose(page, cursor_type: str, before: tuple[list[int], str]) -> tuple[list[int], str]:
    page.locator(".widget-toggle-buttons button", has_text=re.compile(f"^{cursor_type}$")).click()
    page.wait_for_function(
        """([prev]) => {
            const outs = document.querySelectorAll('.widget-vbox .widget-output');
            const out = outs[outs.length - 1];
            return !!out && out.innerText.trim() !== '' && out.innerText !== prev;
        }""",
        arg=[before[1]],
        timeout=15_000,
    )
    return picker_state(page)


def cursor_picker_switches_types_and_the_message_table_follows(page, artifacts, *_) -> None:
    picker = page.locator(".widget-vbox:has(.widget-toggle-buttons)").last
    picker.scroll_into_view_if_needed()
    buttons = picker.locator(".widget-toggle-buttons button").all_inner_texts()
    assert [b.strip() for b in buttons] == [
        "TRIM_HORIZON",
        "LATEST",
        "AT_OFFSET",
        "AFTER_OFFSET",
        "AT_TIME",
    ]

    # The notebook set the picker to the demo's partition and first offset, and fetched.
    page.wait_for_function(
        """() => { const o = [...document.querySelectorAll('.widget-vbox .widget-output')].pop();
                   return !!o && !!o.querySelector('table'); }""",
        timeout=30_000,
    )
    trim = picker_state(page)
    assert trim[0], f"TRIM_HORIZON showed no table: {trim[1]!r}"

    after = choose(page, "AFTER_OFFSET", trim)
    offset_box = picker.locator(
        ".widget-text", has=page.locator("label", has_text=re.compile("^offset$"))
    ).locator("input")
    first = int(offset_box.input_value())  # the offset the notebook (or the exercise) left set
    assert after[0] and after[0][0] == first + 1, (first, after)
    latest = choose(page, "LATEST", after)
    assert latest[0] == [] and "no messages" in latest[1], latest
    at = choose(page, "AT_OFFSET", latest)
    assert at[0] and at[0][0] == first, at
    picker.screenshot(path=str(artifacts / "02-cursor-picker.png"))
    page.screenshot(path=str(artifacts / "02-cursor-types.png"), full_page=True)


def consumption_charts_render_as_images(page, artifacts, *_) -> None:
    images = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")
    assert images.count() >= 2, (
        f"expected the throughput/offset charts, found {images.count()} images"
    )
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), widths
    images.last.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "03-consumption.png"), full_page=True)


def report_link_opens_a_report_of_this_run(page, artifacts, jupyter, name: str) -> None:
    """The last notebook's export_report() cell saved the notebook itself (no staleness
    warning, checked with the other errors) and links to a report whose checks all passed."""
    link = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output a").filter(
        has_text=re.compile(r"reports/.*\.html$")
    )
    assert link.count() == 1, "export_report() showed no link to reports/....html"
    report = jupyter.root_dir / link.first.inner_text().strip()
    assert report.name == name.replace(".ipynb", ".html") and report.is_file(), report
    text = report.read_text(encoding="utf-8")
    summary = re.search(
        r"Self-checks:</b> (\d+) \S*.*? passed, (\d+) ", re.sub(r"<svg.*?</svg>", "", text)
    )
    assert summary, "the report has no self-check summary"
    checks = sum("= check_" in c.source for c in nbformat.read(jupyter.root_dir / name, 4).cells)
    # every check shown passed, the exercises' among them (lessons show checks of their own)
    assert int(summary[2]) == 0 and int(summary[1]) >= checks, summary[0]
    page.screenshot(path=str(artifacts / "07-kafka-compatibility.png"), full_page=True)


#: What some notebooks show beyond running clean, checked on the page after Run All; each
#: gets (page, artifacts, jupyter, the solved copy's name).
AFTER_RUN: dict[str, Callable] = {
    "02-cursor-types": cursor_picker_switches_types_and_the_message_table_follows,
    "03-consumption": consumption_charts_render_as_images,
    "07-kafka-compatibility": report_link_opens_a_report_of_this_run,
}


def solved_copy(source: Path, root: Path) -> str:
    """Write ``source`` with its exercises replaced by their solutions next to it in the
    server's ``root`` (where solutions/ is too); return its name."""
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if "exercise" in cell.get("metadata", {}).get("tags", []):
            cell.source = (source.parent / cell.metadata["exercise"]).read_text()
    name = f"solved-{source.name}"
    nbformat.write(nb, root / name)
    return name


def shown_outputs(page) -> list[dict]:
    """Per cell on the page, in order: its error/stderr texts and its checks' line classes."""
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").evaluate_all(
        """cells => cells.map(c => ({
            errors: [...c.querySelectorAll(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
                .map(o => o.innerText),
            checks: [...c.querySelectorAll('.lab-check')].map(k =>
                [...k.querySelectorAll('li')].map(li => [li.className, li.innerText])),
        }))"""
    )


def test_every_after_run_check_names_a_notebook():
    stems = {p.stem for p in NOTEBOOKS}
    assert set(AFTER_RUN) <= stems, set(AFTER_RUN) - stems


@pytest.mark.parametrize("source", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_clean_with_the_solutions(source, page, jupyter, artifacts):
    nb = nbformat.read(source, as_version=4)
    name = solved_copy(source, jupyter.root_dir)
    try:
        open_notebook(page, jupyter, name, workspace=source.stem.split("-")[0])
        run_all_cells(page)
        ran = wait_until_all_cells_ran(page, artifacts, source.stem)
        assert ran == sum(c.cell_type == "code" for c in nb.cells)
        shown = shown_outputs(page)
        assert len(shown) == len(nb.cells), (len(shown), len(nb.cells))
        problems = []
        for i, (cell, out) in enumerate(zip(nb.cells, shown, strict=True)):
            tags = cell.get("metadata", {}).get("tags", [])
            if out["errors"] and "raises-exception" not in tags:
                problems.append(
                    f"cell {i + 1} shows an error:\n" + "\n".join(out["errors"])[-1500:]
                )
            is_check = cell.cell_type == "code" and "= check_" in cell.source
            if is_check and not out["checks"]:
                problems.append(f"cell {i + 1} calls a check and shows none")
            for lines in out["checks"]:
                bad = [text for cls, text in lines if "ok" not in cls.split()]
                if bad or not lines:
                    problems.append(f"cell {i + 1}'s check did not pass: {bad or 'no lines'}")
        if problems:
            page.screenshot(path=str(artifacts / f"{source.stem}-FAILED.png"), full_page=True)
        assert not problems, "\n".join(problems)
        if source.stem in AFTER_RUN:
            AFTER_RUN[source.stem](page, artifacts, jupyter, name)
        else:
            page.screenshot(path=str(artifacts / f"{source.stem}.png"), full_page=True)
    finally:
        (jupyter.root_dir / name).unlink(missing_ok=True)
