"""How long a notebook takes a first reader, measured, and the ``**Time:**`` line that says so.

    python tools/reading_time.py notebooks/0[0-3]*.ipynb          # run each, print the figures
    python tools/reading_time.py --write notebooks/01-publish.ipynb  # ... and state the time
    python tools/reading_time.py --executed out.ipynb              # time an executed copy

The rule (the same for every notebook, so the stated times compare):

* the Markdown words at **200 words a minute** (a first reader, not a skimmer);
* **10 s per code cell** to read it, plus the cell's **measured execution time** against
  localoci (each notebook runs top to bottom with its solutions in place, in a fresh
  localoci of its own, as ``make test`` runs it);
* **4 min per exercise** (cells tagged ``exercise``) to think and type;
* the sum **rounded up to 5 minutes**.

A section whose heading says *optional* (``## Optional: the OCI CLI path``) is counted apart,
to its next heading of the same or a higher level, so the stated time is what the lesson
needs, with the optional part as an extra: ``**Time:** about 20 minutes, plus 10 for the
optional part.``

``--write`` rewrites that opening of the intro's ``**Time:**`` line (the rest of the line is
kept, e.g. ``(local); plan an extra hour on a real tenancy``) and records the figures in the
notebook's ``metadata.lab.reading_time``.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS_PER_MINUTE = 200
CODE_CELL_S = 10.0
EXERCISE_S = 240.0
ROUND_TO_MIN = 5

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_OPTIONAL = re.compile(r"\boptional\b", re.IGNORECASE)
_TIME_LINE = re.compile(
    r"\*\*Time:\*\*\s*about\s+\d+\s+minutes(?:,\s*plus\s+\d+\s+for\s+the\s+optional\s+part)?"
)


class ReadingTimeError(ValueError):
    """A notebook the rule cannot time or state; the message names the notebook and the fix."""


@dataclass(frozen=True)
class Part:
    """The figures for the cells of one part (the lesson, or its optional sections)."""

    words: int = 0
    code_cells: int = 0
    run_s: float = 0.0
    exercises: int = 0

    @property
    def seconds(self) -> float:
        return (
            self.words / WORDS_PER_MINUTE * 60
            + self.code_cells * CODE_CELL_S
            + self.run_s
            + self.exercises * EXERCISE_S
        )

    @property
    def minutes(self) -> int:
        """The time to state: :attr:`seconds` rounded up to 5 minutes (0 for an empty part)."""
        return ROUND_TO_MIN * math.ceil(round(self.seconds, 6) / 60 / ROUND_TO_MIN)

    def plus(self, words: int = 0, code: int = 0, run_s: float = 0.0, exercise: int = 0) -> Part:
        return Part(
            self.words + words,
            self.code_cells + code,
            self.run_s + run_s,
            self.exercises + exercise,
        )


@dataclass(frozen=True)
class Estimate:
    name: str
    lesson: Part
    optional: Part

    def time_line(self) -> str:
        """The opening of the intro's ``**Time:**`` line."""
        text = f"**Time:** about {self.lesson.minutes} minutes"
        if self.optional.minutes:
            text += f", plus {self.optional.minutes} for the optional part"
        return text

    def record(self) -> dict:
        return {
            "minutes": self.lesson.minutes,
            "optional_minutes": self.optional.minutes,
            "lesson": {**asdict(self.lesson), "run_s": round(self.lesson.run_s, 1)},
            "optional": {**asdict(self.optional), "run_s": round(self.optional.run_s, 1)},
            "rule": (
                f"{WORDS_PER_MINUTE} words/min + {CODE_CELL_S:.0f} s per code cell + its run time "
                f"+ {EXERCISE_S / 60:.0f} min per exercise, rounded up to {ROUND_TO_MIN} min"
            ),
        }


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def count_words(markdown: str) -> int:
    """Words a reader reads: link targets and HTML tags are not read, code in the text is."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)  # [text](url) -> [text]
    text = re.sub(r"<[^>]+>", " ", text)
    return sum(1 for token in text.split() if re.search(r"\w", token))


def run_seconds(cell: dict) -> float:
    """A code cell's execution time from the timing nbclient records in its metadata (0 if the
    cell did not run)."""
    timing = cell.get("metadata", {}).get("execution") or {}
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return max(0.0, (parse(end) - parse(start)).total_seconds())


def estimate(nb: dict, name: str = "notebook") -> Estimate:
    """The figures of an (executed) notebook, by the module's rule."""
    lesson, optional = Part(), Part()
    optional_level: int | None = None  # the heading level that opened an optional section
    for cell in nb.get("cells", []):
        src = _source(cell)
        if cell.get("cell_type") == "markdown":
            for line in src.splitlines():
                heading = _HEADING.match(line)
                if not heading:
                    continue
                level = len(heading.group(1))
                if optional_level is not None and level <= optional_level:
                    optional_level = None
                if optional_level is None and _OPTIONAL.search(heading.group(2)):
                    optional_level = level
        in_optional = optional_level is not None
        part = optional if in_optional else lesson
        if cell.get("cell_type") == "markdown":
            part = part.plus(words=count_words(src))
        elif cell.get("cell_type") == "code":
            tags = cell.get("metadata", {}).get("tags", [])
            part = part.plus(code=1, run_s=run_seconds(cell), exercise=int("exercise" in tags))
        if in_optional:
            optional = part
        else:
            lesson = part
    return Estimate(name, lesson, optional)


def state(nb: dict, est: Estimate, name: str = "notebook") -> bool:
    """Write ``est`` into the intro's ``**Time:**`` line and ``metadata.lab.reading_time``;
    True if the notebook changed."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = _source(cell)
        if _TIME_LINE.search(src):
            new = _TIME_LINE.sub(est.time_line(), src, count=1)
            changed = new != src
            cell["source"] = new
            lab = nb.setdefault("metadata", {}).setdefault("lab", {})
            changed |= lab.get("reading_time") != est.record()
            lab["reading_time"] = est.record()
            return changed
    raise ReadingTimeError(
        f"{name}: no '**Time:** about N minutes.' line to update. Add one to the intro "
        "(under the prerequisites), then run again."
    )


def with_solutions(nb: dict, notebooks: Path) -> dict:
    """Each exercise cell replaced by its solution (``metadata.exercise``), as a learner who
    did the exercises would have run it."""
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        if "exercise" in meta.get("tags", []) and meta.get("exercise"):
            cell["source"] = (notebooks / meta["exercise"]).read_text(encoding="utf-8")
    return nb


def execute(path: Path, timeout: int = 600) -> dict:
    """Run ``path`` top to bottom, solutions in, against a fresh localoci of its own (stopped
    afterwards); the executed notebook, with per-cell timings."""
    import nbformat
    from nbclient import NotebookClient

    import localctl

    nb = nbformat.read(path, as_version=4)
    with_solutions(nb, path.parent)
    with tempfile.TemporaryDirectory(prefix="reading-time-") as tmp:
        server = localctl.start(Path(tmp), "--port", "0", timeout=30)
        env = {
            **os.environ,
            "LOCALOCI_URL": server.url,
            "LOCALOCI_HOME": str(server.data_dir),
            "LAB_TARGET": "local",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            # The lab's state (auth tokens) and export_report()'s output go to the temporary
            # folder: export_report() finds its notebook from JPY_SESSION_NAME, as in JupyterLab.
            "LAB_HOME": str(Path(tmp) / "lab-home"),
            "JPY_SESSION_NAME": str(Path(tmp) / path.name),
        }
        nbformat.write(nb, Path(tmp) / path.name)
        env.pop("LAB_STREAM", None)
        try:
            client = NotebookClient(
                nb,
                timeout=timeout,
                kernel_name="python3",
                record_timing=True,
                resources={"metadata": {"path": str(path.parent)}},
            )
            client.execute(cwd=str(path.parent), env=env)
        finally:
            server.stop()
    return nb


def _row(est: Estimate) -> str:
    lp, op = est.lesson, est.optional
    extra = f"  + optional {op.minutes:>2} min ({op.code_cells} cells, {op.run_s:.0f} s run)"
    return (
        f"{est.name:<34} {lp.words:>5} words {lp.code_cells:>3} code cells "
        f"{lp.run_s:>6.1f} s run {lp.exercises} ex -> {lp.seconds / 60:5.1f} min "
        f"= about {lp.minutes:>2} min" + (extra if op.code_cells or op.words else "")
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Measure and state notebooks' reading times.")
    p.add_argument("notebooks", nargs="+", type=Path)
    p.add_argument("--write", action="store_true", help="state the time in each notebook")
    p.add_argument(
        "--executed",
        action="store_true",
        help="the notebooks are executed copies: read their timings, run nothing",
    )
    p.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    p.add_argument("--save", type=Path, help="keep each executed copy in this directory")
    args = p.parse_args(argv)
    import nbformat

    if args.write and args.executed:
        p.error("--write states the time in a source notebook: not with --executed copies")
    status = 0
    for path in args.notebooks:
        try:
            raw = nbformat.read(path, as_version=4)
        except (OSError, ValueError) as exc:
            print(f"reading_time: {path}: not a readable notebook ({exc})", file=sys.stderr)
            status = 2
            continue
        executed = raw if args.executed else execute(path.resolve(), args.timeout)
        if args.save and not args.executed:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / path.name).write_text(nbformat.writes(executed), encoding="utf-8")
        est = estimate(executed, path.name)
        print(_row(est), flush=True)
        if args.write:
            try:
                if state(raw, est, path.name):
                    path.write_text(nbformat.writes(raw) + "\n", encoding="utf-8")
                    print(f"  stated in {path}: {est.time_line()}")
            except ReadingTimeError as exc:
                print(f"reading_time: {exc}", file=sys.stderr)
                status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
