"""The README's notebook table is generated from the notebooks (tools/readme_toc.py) and kept current."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("readme_toc", ROOT / "tools" / "readme_toc.py")
toc = sys.modules.setdefault("readme_toc", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(toc)


def test_readme_notebook_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert toc.render(readme, toc.table()) == readme, (
        "README.md's notebook table is stale (a notebook was added, renamed or retitled). "
        "Run: python tools/readme_toc.py --write"
    )


def test_every_numbered_notebook_has_a_row():
    rows = toc.table().splitlines()[2:]
    names = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))]
    assert len(rows) == len(names)
    for row, name in zip(rows, names, strict=True):
        assert f"(notebooks/{name})" in row


def notebook(tmp_path: Path, name: str, *markdown: str, metadata: dict | None = None) -> Path:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": m} for m in markdown]
    cells.append(
        {
            "cell_type": "code",
            "metadata": {},
            "source": "# What you'll do\n- not this",
            "outputs": [],
            "execution_count": None,
        }
    )
    path = tmp_path / "notebooks" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        json.dumps({"cells": cells, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5})
    )
    return path


HEAD = "# 07 · Exactly once: idempotent consumers | and keys\n\n**What you'll do**\n\n"


def test_row_comes_from_the_title_and_the_what_youll_do_bullets(tmp_path):
    path = notebook(
        tmp_path,
        "07-exactly-once.ipynb",
        HEAD
        + "- Dedupe by key.\n- Commit after `PutMessages`.\n\n**What you'll learn**\n\n- Not this.",
    )
    row = toc.describe(path, tmp_path)
    assert (row.number, row.name, row.path) == (
        "07",
        "Exactly once",
        "notebooks/07-exactly-once.ipynb",
    )
    assert row.does == ["Dedupe by key.", "Commit after `PutMessages`."]
    assert row.markdown() == (
        "| 07 | [Exactly once](notebooks/07-exactly-once.ipynb) | "
        "Dedupe by key.<br>Commit after `PutMessages`. |"
    )


def test_a_heading_style_what_youll_do_and_star_bullets_work(tmp_path):
    path = notebook(
        tmp_path, "08-x.ipynb", "# 08 · Eight\n", "## What you’ll do\n* One | two\n* Three\n"
    )
    assert (
        toc.describe(path, tmp_path).markdown()
        == "| 08 | [Eight](notebooks/08-x.ipynb) | One \\| two<br>Three |"
    )


def test_metadata_summary_wins_over_the_bullets(tmp_path):
    path = notebook(
        tmp_path,
        "09-y.ipynb",
        HEAD + "- Long bullet.\n",
        metadata={"lab": {"summary": "Short line"}},
    )
    assert toc.describe(path, tmp_path).does == ["Short line"]


def test_numbers_order_numerically_and_optional_sub_lessons_fit_in(tmp_path):
    for name in ("10-b.ipynb", "02-a.ipynb", "03.01-OPTIONAL-c.ipynb", "notes.ipynb"):
        notebook(tmp_path, name, f"# {name[:2]} · T\n\n**What you'll do**\n\n- x\n")
    assert [p.name for p in toc.notebooks(tmp_path)] == [
        "02-a.ipynb",
        "03.01-OPTIONAL-c.ipynb",
        "10-b.ipynb",
    ]


@pytest.mark.parametrize(
    "markdown, fix",
    [
        ("Just text\n\n**What you'll do**\n\n- x", "no title"),
        ("# 11 · Eleven\n\nNo objectives yet.", "no 'What you'll do' bullets"),
    ],
)
def test_a_half_written_notebook_is_an_error_naming_it_and_the_fix(tmp_path, markdown, fix):
    path = notebook(tmp_path, "11-z.ipynb", markdown)
    with pytest.raises(toc.TocError, match=fix) as err:
        toc.describe(path, tmp_path)
    assert "notebooks/11-z.ipynb" in str(err.value)


def test_write_then_check_round_trip(tmp_path, capsys):
    notebook(tmp_path, "00-a.ipynb", "# 00 · A: first\n\n**What you'll do**\n\n- Start.\n")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{toc.START}\nold\n{toc.END}\noutro\n")
    assert toc.main(["--check", "--root", str(tmp_path)]) == 1
    assert "--write" in capsys.readouterr().err
    assert toc.main(["--write", "--root", str(tmp_path)]) == 0
    assert toc.main(["--check", "--root", str(tmp_path)]) == 0
    text = readme.read_text()
    assert (
        text.startswith("intro\n")
        and text.endswith("outro\n")
        and "| 00 | [A](notebooks/00-a.ipynb) | Start. |" in text
    )


def test_missing_markers_are_an_error(tmp_path):
    with pytest.raises(toc.TocError, match="notebooks:start"):
        toc.render("no markers here", "| table |")
