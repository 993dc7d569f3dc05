"""What a notebook's outputs say about the run: its self-checks and the cells that failed.

Self-checks are read as data, never parsed back out of text: each ``check_*`` displays one
``application/vnd.labhelpers.check+json`` output (:mod:`labhelpers.checkreport`), and
:func:`self_checks` collects their lines, in notebook order, from cell outputs and from the
``Output`` widgets whose state was saved.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ..checkreport import BAD, CHECK_MIME, OK, CheckReport
from .widgets import WIDGET_VIEW, widget_outputs, widget_state

__all__ = ["Check", "Failure", "check_reports", "failures", "self_checks"]


@dataclass(frozen=True)
class Check:
    """One line of a self-check: ``ok``, its ``text``, the ``cell`` (index) that showed it and
    the check's ``title``."""

    ok: bool
    text: str
    cell: int
    title: str = ""

    @property
    def line(self) -> str:
        """The line as the learner saw it: ``✅ text`` or ``❌ text``."""
        return f"{OK if self.ok else BAD} {self.text}"


@dataclass(frozen=True)
class Failure:
    """A cell that raised (and was not tagged ``raises-exception``)."""

    cell: int
    execution_count: int | None
    ename: str
    evalue: str
    anchor: str


def _bundles(output: Mapping, state: Mapping) -> Iterator[Mapping]:
    if output.get("output_type") not in ("display_data", "execute_result"):
        return
    data = output.get("data", {})
    if isinstance(data.get(CHECK_MIME), Mapping):
        yield data[CHECK_MIME]
    if WIDGET_VIEW in data:
        for inner in widget_outputs(data[WIDGET_VIEW].get("model_id", ""), state):
            yield from _bundles(inner, state)


def check_reports(nb) -> list[tuple[int, CheckReport]]:
    """Every self-check a notebook's outputs hold, as ``(cell index, CheckReport)``, in order."""
    state = widget_state(nb)
    return [
        (i, CheckReport.from_json(bundle))
        for i, cell in enumerate(nb.cells)
        for output in cell.get("outputs", [])
        for bundle in _bundles(output, state)
    ]


def self_checks(nb) -> list[Check]:
    """The self-check lines a notebook's outputs hold, in order.

    Only what a ``check_*`` function displayed counts (its
    ``application/vnd.labhelpers.check+json`` output), so the doctor's findings or a CLI error
    shown on purpose are not taken for exercise results, whatever marks they print.  Checks
    shown inside ``Output`` widgets count too, when the widget state was saved.

    Examples
    --------
    >>> import nbformat
    >>> from labhelpers.checkreport import CheckReport
    >>> report = CheckReport("keys", [(True, "key 'a'"), (False, "key 'b'")])
    >>> cell = nbformat.v4.new_code_cell("ok = check_keys()")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data=report._repr_mimebundle_())]
    >>> other = nbformat.v4.new_code_cell("doctor()")
    >>> other.outputs = [nbformat.v4.new_output("stream", text="Check: setup\\n❌ no config file\\n")]
    >>> nb = nbformat.v4.new_notebook(cells=[cell, other])
    >>> [(c.ok, c.line) for c in self_checks(nb)]
    [(True, "✅ key 'a'"), (False, "❌ key 'b'")]
    """
    return [
        Check(ok, text, i, report.title)
        for i, report in check_reports(nb)
        for ok, text in report.lines
    ]


def failures(nb, slug: str) -> list[Failure]:
    """The cells that raised, except those tagged ``raises-exception``; ``slug`` names the anchors."""
    failed = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.get("metadata", {}).get(
            "tags", []
        ):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                failed.append(
                    Failure(
                        i,
                        cell.get("execution_count"),
                        output.get("ename", ""),
                        output.get("evalue", ""),
                        f"{slug}-failed-{i}",
                    )
                )
                break
    return failed
