"""The README's notebook table, generated from the notebooks themselves.

    python tools/readme_toc.py            # print the table
    python tools/readme_toc.py --write    # replace the table between the README's markers
    python tools/readme_toc.py --check    # exit 1 if the README's table is stale (the test does this)

One row per numbered notebook (``notebooks/NN-name.ipynb``; ``solutions/`` is not a lesson):

* **#** and **Notebook**: from the first H1, ``# NN · Name: subtitle`` → ``NN``, ``Name``
  (the number falls back to the file name's);
* **What you'll do**: the notebook's ``metadata.lab.summary`` if it has one (a short line an
  author may prefer), else the bullets under its *What you'll do* heading, one per line.

A notebook without an H1 or without *What you'll do* bullets (and no summary) is an error
that names the notebook and the fix, so a half-written notebook cannot slip into the README.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- notebooks:start -->", "<!-- notebooks:end -->"
HEADER = "| # | Notebook | What you'll do |\n|---|---|---|"
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)?)-.+\.ipynb$")
_WHAT = re.compile(r"^\s*(?:#+\s*|\*\*|__)?\s*what you(?:'|’)ll do\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-*+]\s+(.*\S)\s*$")


class TocError(ValueError):
    """A notebook the table cannot describe; the message names the notebook and the fix."""


@dataclass(frozen=True)
class Row:
    number: str
    name: str
    path: str  # relative to the README
    does: list[str]  # one entry per line of the cell

    def markdown(self) -> str:
        does = "<br>".join(_cell(d) for d in self.does)
        return f"| {self.number} | [{_cell(self.name)}]({self.path}) | {does} |"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").strip()


def _markdown_lines(nb: dict) -> list[str]:
    lines: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = cell.get("source", "")
            lines.extend(("".join(src) if isinstance(src, list) else src).splitlines())
    return lines


def describe(path: Path, root: Path = ROOT) -> Row:
    """The table row for one notebook."""
    rel = path.relative_to(root).as_posix()
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TocError(f"{rel}: not a readable notebook ({exc})") from None
    lines = _markdown_lines(nb)
    h1 = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), None)
    if not h1:
        raise TocError(
            f"{rel}: no title. Start its first Markdown cell with '# NN · Name: what it is about'."
        )
    m = re.match(r"^(\d+(?:\.\d+)?)\s*[·.\-–—:]\s*(.+)$", h1)
    number = m.group(1) if m else _NUMBERED.match(path.name).group(1)
    name = (m.group(2) if m else h1).split(":", 1)[0].strip()

    summary = (nb.get("metadata", {}).get("lab") or {}).get("summary")
    if summary:
        does = [summary] if isinstance(summary, str) else list(summary)
    else:
        does = []
        at = next((i for i, ln in enumerate(lines) if _WHAT.match(ln)), None)
        if at is not None:
            for ln in lines[at + 1 :]:
                bullet = _BULLET.match(ln)
                if bullet:
                    does.append(bullet.group(1))
                elif ln.strip() and does:
                    break  # the list ended
                elif ln.strip() and not ln.lstrip().startswith(("-", "*", "+")):
                    break  # text where the list should be
    if not does:
        raise TocError(
            f"{rel}: no 'What you'll do' bullets. Add a '**What you'll do**' list under the "
            "title, or a one-line metadata.lab.summary."
        )
    return Row(number, name, rel, does)


def notebooks(root: Path = ROOT) -> list[Path]:
    """The numbered lessons, in reading order (``00-...``, ``01-...``, ``03.01-...``)."""
    found = [p for p in (root / "notebooks").glob("*.ipynb") if _NUMBERED.match(p.name)]
    return sorted(
        found, key=lambda p: [int(x) for x in _NUMBERED.match(p.name).group(1).split(".")]
    )


def table(root: Path = ROOT) -> str:
    return "\n".join([HEADER, *(describe(p, root).markdown() for p in notebooks(root))])


def render(readme: str, new_table: str) -> str:
    """``readme`` with the text between the markers replaced by ``new_table``."""
    if (
        readme.count(START) != 1
        or readme.count(END) != 1
        or readme.index(START) > readme.index(END)
    ):
        raise TocError(f"README.md needs exactly one {START} ... {END} pair, in that order.")
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{new_table}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Generate the README's notebook table from the notebooks."
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="update README.md in place")
    mode.add_argument("--check", action="store_true", help="exit 1 if README.md's table is stale")
    p.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    readme_path = args.root / "README.md"
    try:
        new_table = table(args.root)
        if not (args.write or args.check):
            print(new_table)
            return 0
        current = readme_path.read_text(encoding="utf-8")
        updated = render(current, new_table)
    except TocError as exc:
        print(f"readme_toc: {exc}", file=sys.stderr)
        return 2
    if args.check:
        if updated != current:
            print(
                "README.md's notebook table is stale. Run: python tools/readme_toc.py --write",
                file=sys.stderr,
            )
            return 1
        return 0
    if updated != current:
        readme_path.write_text(updated, encoding="utf-8")
        print(f"updated {readme_path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
