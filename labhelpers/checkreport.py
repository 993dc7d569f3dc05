"""A self-check's result, and the one rich output that shows it.

:class:`CheckReport` collects a check's lines (``expect(condition, good, bad)``) and
:meth:`~CheckReport.show` displays them as one IPython display bundle with three forms of the
same result:

* ``application/vnd.labhelpers.check+json`` (:data:`CHECK_MIME`): ``{"title", "lines": [{"ok",
  "text"}], "passed"}``, what the report (:mod:`labhelpers.report`) and the tests read back,
  never the text;
* ``text/html``, what JupyterLab shows, its marks drawn as inline SVG (:func:`mark_html`) so no
  emoji font is needed (a fresh Debian with Chromium has none: the glyphs would be boxes);
* ``text/plain``, what a terminal or a plain-text export shows, as the checks printed it before::

      Check: count of the messages in partition 0
      ✅ 12 messages: right
      ✅ All good.

Outside IPython (a script, pytest) the plain-text form is printed.  This module imports no
service code, so the report can read checks without the SDK; the checks themselves are in
:mod:`labhelpers.checks`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BAD", "CHECK_MIME", "OK", "CheckReport", "mark_html"]

OK, BAD = "✅", "❌"
#: The MIME type of a check's structured result.
CHECK_MIME = "application/vnd.labhelpers.check+json"

_MARK_STYLE = "vertical-align:-0.15em;flex:none;display:inline-block"
_MARK_SHAPES = {
    True: (
        "passed",
        "#2e9d44",
        "<path d='M4.2 8.4l2.6 2.6L11.8 5.4' fill='none' stroke='#fff' stroke-width='2.1' "
        "stroke-linecap='round' stroke-linejoin='round'/>",
    ),
    False: (
        "failed",
        "#d0342c",
        "<path d='M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6' fill='none' stroke='#fff' "
        "stroke-width='2.1' stroke-linecap='round'/>",
    ),
}


def mark_html(ok: bool) -> str:
    """A ✅ or ❌ mark drawn as inline SVG (shapes only, no text), one line of text high.

    No font is needed to show it; a screen reader reads its ``aria-label`` ("passed" /
    "failed") and ``data-mark`` keeps the emoji it stands for.

    >>> mark_html(True)[:60]
    "<svg class='lab-mark lab-mark-ok' role='img' aria-label='pas"
    >>> OK in mark_html(True).split("data-mark=")[1][:3], "<text" in mark_html(False)
    (True, False)
    """
    label, colour, shape = _MARK_SHAPES[bool(ok)]
    return (
        f"<svg class='lab-mark lab-mark-{'ok' if ok else 'bad'}' role='img' aria-label='{label}' "
        f"data-mark='{OK if ok else BAD}' viewBox='0 0 16 16' width='1.1em' height='1.1em' "
        f"style='{_MARK_STYLE}' xmlns='http://www.w3.org/2000/svg'>"
        f"<rect x='0.5' y='0.5' width='15' height='15' rx='3.5' fill='{colour}'/>{shape}</svg>"
    )


@dataclass
class CheckReport:
    """One check's result, line by line; :meth:`show` displays it and returns :attr:`passed`.

    >>> r = CheckReport("two keys")
    >>> r.expect(True, "key 'a': 3 messages", "")
    True
    >>> r.expect(False, "", "key 'b': 0 messages")
    False
    >>> print(r.text())
    Check: two keys
    ✅ key 'a': 3 messages
    ❌ key 'b': 0 messages
    >>> r.to_json()["lines"][1], r.to_json()["passed"]
    ({'ok': False, 'text': "key 'b': 0 messages"}, False)
    >>> CheckReport.from_json(r.to_json()) == r
    True
    """

    title: str
    lines: list[tuple[bool, str]] = field(default_factory=list)

    def expect(self, condition: bool, good: str, bad: str) -> bool:
        self.lines.append((bool(condition), good if condition else bad))
        return bool(condition)

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(ok for ok, _ in self.lines)

    # -- the three forms --------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The structured result (:data:`CHECK_MIME`)."""
        return {
            "title": self.title,
            "lines": [{"ok": ok, "text": text} for ok, text in self.lines],
            "passed": self.passed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CheckReport:
        """The report a :data:`CHECK_MIME` output holds (what :meth:`to_json` wrote)."""
        lines = [
            (bool(line.get("ok")), str(line.get("text", "")))
            for line in data.get("lines") or []
            if isinstance(line, Mapping)
        ]
        return cls(str(data.get("title", "")), lines)

    def text(self) -> str:
        """The plain-text form: a ``Check:`` line, a ✅ or ❌ line per expectation, then
        ``✅ All good.`` when every one holds."""
        out = [f"Check: {self.title}"] + [f"{OK if ok else BAD} {text}" for ok, text in self.lines]
        if self.passed:
            out.append(f"{OK} All good.")
        return "\n".join(out)

    def html(self) -> str:
        e = html.escape
        items = "".join(
            f"<li class='{'ok' if ok else 'bad'}'>{mark_html(ok)} {e(text)}</li>"
            for ok, text in self.lines
        )
        verdict = (
            f"<div class='lab-check-verdict'>{mark_html(True)} All good.</div>"
            if self.passed
            else ""
        )
        return (
            f"<div class='lab-check'><b>Check: {e(self.title)}</b>"
            f"<ul style='list-style:none;padding-left:0.5em;margin:0.2em 0'>{items}</ul>{verdict}</div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {CHECK_MIME: self.to_json(), "text/html": self.html(), "text/plain": self.text()}

    def __str__(self) -> str:
        return self.text()

    def show(self) -> bool:
        """Display the result (one rich output in IPython, printed text elsewhere); return :attr:`passed`."""
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # a plain Python without IPython
            shell = None
        if shell is not None:
            from IPython.display import display

            display(self)
        else:
            print(self.text())
        return self.passed
