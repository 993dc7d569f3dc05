"""The lab in a real browser: JupyterLab in headless Chromium, driven as a learner would.

Open a notebook, wait until the kernel reads *Idle* (a Run All sent earlier is silently
dropped), Run → Run All Cells, wait until every code cell has run, then look at what the
learner sees: the cursor picker's table changing with the cursor type (02), the charts (03).
A screenshot of each lands in test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(300)]

RUN_ALL_TIMEOUT_MS = 200_000


def open_notebook(page, jupyter, name: str) -> None:
    page.goto(jupyter.lab_url(name, workspace=name.split("-")[0]))
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


def test_cursor_picker_switches_types_and_the_message_table_follows(page, jupyter, artifacts):
    open_notebook(page, jupyter, "02-cursor-types.ipynb")
    run_all_cells(page)
    assert wait_until_all_cells_ran(page, artifacts, "02-cursor-types") >= 10
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
    first = trim[0][0]

    after = choose(page, "AFTER_OFFSET", trim)
    assert after[0] and after[0][0] == first + 1, after
    latest = choose(page, "LATEST", after)
    assert latest[0] == [] and "no messages" in latest[1], latest
    at = choose(page, "AT_OFFSET", latest)
    assert at[0] and at[0][0] == first, at
    picker.screenshot(path=str(artifacts / "02-cursor-picker.png"))
    page.screenshot(path=str(artifacts / "02-cursor-types.png"), full_page=True)


def test_consumption_charts_render_as_images(page, jupyter, artifacts):
    open_notebook(page, jupyter, "03-consumption.ipynb")
    run_all_cells(page)
    assert wait_until_all_cells_ran(page, artifacts, "03-consumption") >= 10
    images = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")
    assert images.count() >= 2, (
        f"expected the throughput/offset charts, found {images.count()} images"
    )
    widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert all(w > 0 for w in widths), widths
    images.last.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "03-consumption.png"), full_page=True)
