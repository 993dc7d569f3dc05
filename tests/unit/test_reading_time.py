"""Stated reading times follow one rule (tools/reading_time.py): Markdown words at 200 a minute,
10 s per code cell plus its measured run time, 4 min per exercise, rounded up to 5 minutes,
optional sections counted apart."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("reading_time", ROOT / "tools" / "reading_time.py")
rt = sys.modules.setdefault("reading_time", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(rt)


def md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(seconds: float | None = None, tags: tuple[str, ...] = ()) -> dict:
    meta: dict = {"tags": list(tags)}
    if seconds is not None:
        meta["execution"] = {
            "iopub.execute_input": "2026-01-01T10:00:00.000000Z",
            "shell.execute_reply": f"2026-01-01T10:00:{seconds:09.6f}Z",
        }
    return {"cell_type": "code", "metadata": meta, "source": "x = 1", "outputs": []}


def words(n: int) -> str:
    return " ".join(["word"] * n)


def test_the_rule_adds_words_cells_run_time_and_exercises_then_rounds_up_to_5_minutes():
    # 1000 words = 300 s; 3 code cells = 30 s; runs 2 + 28 = 30 s; 1 exercise = 240 s: 600 s
    nb = {"cells": [md(words(1000)), code(2.0), code(28.0), code(tags=("exercise",))]}
    est = rt.estimate(nb)
    assert (est.lesson.words, est.lesson.code_cells, est.lesson.exercises) == (1000, 3, 1)
    assert est.lesson.run_s == pytest.approx(30.0)
    assert est.lesson.seconds == pytest.approx(600.0)
    assert est.lesson.minutes == 10  # exactly 10 minutes is not rounded up to 15
    nb["cells"].append(code(0.5))  # 10.5 s more
    assert rt.estimate(nb).lesson.minutes == 15


def test_link_targets_and_html_tags_are_not_read_but_code_in_the_text_is():
    assert rt.count_words("See [the docs](https://docs.oracle.com/a/b.htm) now") == 4
    assert rt.count_words("<details><summary>Solution</summary>\n\n`%load x.py`</details>") == 3
    assert rt.count_words("- a **bold** `create_cursor` — ok") == 4


def test_an_optional_section_counts_apart_until_the_next_heading_of_its_level():
    nb = {
        "cells": [
            md("# 02 · Cursors\n\n" + words(98)),
            code(1.0),
            md("## Optional: the OCI CLI path\n\n" + words(400)),
            code(50.0, tags=("cli",)),
            md("### A sub-heading stays optional\n" + words(3)),
            code(1.0),
            md("## Resources\n\n" + words(10)),
        ]
    }
    est = rt.estimate(nb)
    assert est.lesson.words == 100 + 11 and est.lesson.code_cells == 1
    assert est.optional.words == 5 + 400 + 4 + 3 and est.optional.code_cells == 2
    assert est.optional.run_s == pytest.approx(51.0)
    assert est.time_line() == (
        f"**Time:** about {est.lesson.minutes} minutes, plus {est.optional.minutes} "
        "for the optional part"
    )


def test_write_states_the_time_keeps_the_rest_of_the_line_and_records_the_figures():
    nb = {
        "cells": [
            md("# 04 · X\n\n**Time:** about 20 minutes (local); plan an extra hour.\n"),
            code(1.0),
        ],
        "metadata": {},
    }
    est = rt.estimate(nb)
    assert rt.state(nb, est) is True
    assert nb["cells"][0]["source"].endswith(
        "**Time:** about 5 minutes (local); plan an extra hour.\n"
    )
    assert nb["metadata"]["lab"]["reading_time"]["minutes"] == 5
    assert rt.state(nb, est) is False  # stating it again changes nothing


def test_a_notebook_without_a_time_line_is_an_error_naming_the_fix():
    nb = {"cells": [md("# 05 · Y\n\nNo time here.")], "metadata": {}}
    with pytest.raises(rt.ReadingTimeError, match=r"05-y.ipynb: no '\*\*Time:\*\*"):
        rt.state(nb, rt.estimate(nb), "05-y.ipynb")


def test_executed_timings_come_from_nbclients_cell_metadata(tmp_path, capsys):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.from_dict(md(words(200))), nbformat.from_dict(code(50.0))]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    path = tmp_path / "07-z.ipynb"
    nbformat.write(nb, path)
    assert rt.main(["--executed", str(path)]) == 0
    out = capsys.readouterr().out
    assert "200 words" in out and "50.0 s run" in out and "about  5 min" in out


def test_every_lab_notebook_states_a_time_the_tool_can_update():
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert any(
            c.cell_type == "markdown" and rt._TIME_LINE.search(c.source) for c in nb.cells
        ), f"{path.name} has no '**Time:** about N minutes' line"
