"""Assembling the report page: a header per notebook, its cells, one HTML file.

Each notebook becomes a :class:`Section`: redacted (:func:`labhelpers.redact.redact_notebook`),
its self-checks and failed cells read (:mod:`.results`), its widgets drawn statically
(:mod:`.widgets`), JavaScript outputs left out.  :func:`assemble` merges the sections into one
notebook (a table of contents first when there are several, then per notebook a header and
its cells, a banner before a failed cell) and :func:`exporter` is nbconvert's ``HTMLExporter``
(lab template) without the scripts that would fetch from a CDN.
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import html
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..redact import redact, redact_notebook
from .results import Check, Failure, failures, self_checks
from .widgets import static_widgets

__all__ = ["Section", "assemble", "exporter", "prepare", "slug_for"]

_E = html.escape


@dataclass
class Section:
    """One notebook of a report, ready to be assembled."""

    path: Path
    slug: str
    title: str
    nb: Any
    target: str
    parameters: dict[str, Any]
    executed: str | None
    checks: list[Check] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    reproduce: str | None = None


def slug_for(path: Path, taken: set[str]) -> str:
    """A unique anchor name for a notebook (``01-publish``, then ``01-publish-2`` ...)."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-") or "notebook"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _title(nb, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return path.stem


def _now() -> str:
    return _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def prepare(
    nb,
    path: Path,
    slug: str,
    *,
    target: str | None,
    parameters: Mapping | None,
    reproduce: str | None,
) -> Section:
    """A notebook as a report :class:`Section`: redacted, its results read, widgets drawn."""
    import nbformat

    nb = nbformat.from_dict(redact_notebook(nb))
    # papermill's own error banners link to one fixed id; ours link to each failed cell.
    nb.cells = [
        c
        for c in nb.cells
        if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])
    ]
    pm = nb.metadata.get("papermill", {})
    params = dict(parameters if parameters is not None else pm.get("parameters", {}))
    target = target or params.get("target") or os.environ.get("LAB_TARGET") or "local (default)"
    executed = pm.get("end_time")
    section = Section(
        path,
        slug,
        _title(nb, path),
        nb,
        str(target),
        params,
        executed.replace("T", " ")[:19] + " UTC" if executed else None,
        self_checks(nb),
        failures(nb, slug),
        reproduce,
    )
    static_widgets(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/javascript" in data:  # would run in the report; never offline-safe
                data.pop("application/javascript")
                if not data:
                    data["text/plain"] = "(JavaScript output left out of the report)"
    return section


def _header_html(sec: Section, level: int = 1) -> str:
    passed = sum(c.ok for c in sec.checks)
    failed = len(sec.checks) - passed
    rows = [
        ("Notebook", _E(sec.path.name)),
        ("Target", _E(sec.target)),
        ("Report date", _E(_now())),
        (
            "Executed",
            _E(sec.executed)
            if sec.executed
            else "outputs as saved in the notebook (not executed for this report)",
        ),
    ]
    if sec.parameters:
        rows.append(
            (
                "Parameters",
                "<code>"
                + _E(", ".join(f"{k}={v!r}" for k, v in sec.parameters.items()))
                + "</code>",
            )
        )
    if sec.reproduce:
        rows.append(("Reproduce", f"<code>{_E(sec.reproduce)}</code>"))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    if sec.checks:
        items = "".join(
            f"<li class='{'ok' if c.ok else 'bad'}'><a class='lab-report-cell' "
            f"href='#cell-id={sec.slug}-{c.cell}'>{_E(c.line)}</a></li>"
            for c in sec.checks
        )
        checks = (
            f"<p><b>Self-checks:</b> {passed} ✅ passed, {failed} ❌ not yet.</p>"
            f"<ul class='lab-report-checks'>{items}</ul>"
        )
    else:
        checks = "<p><b>Self-checks:</b> none ran in this notebook.</p>"
    if sec.failures:
        items = "".join(
            f"<li><a href='#{f.anchor}'>cell {f.cell + 1}"
            f"{f' (In [{f.execution_count}])' if f.execution_count else ''}</a>: "
            f"<code>{_E(f.ename)}: {_E(f.evalue[:300])}</code></li>"
            for f in sec.failures
        )
        failures = f"<div class='lab-report-failures'><b>❌ Failed cells:</b><ul>{items}</ul></div>"
    else:
        failures = "<p>✅ No cell failed.</p>"
    return redact(
        f"<section class='lab-report-header' id='{sec.slug}'><h{level} class='lab-report-title'>"
        f"{_E(sec.title)}</h{level}><table>{table}</table>{checks}{failures}</section>"
    )


def _failed_banner(f: Failure) -> str:
    return redact(
        f"<div class='lab-report-failed' id='{f.anchor}'>❌ This cell failed"
        f"{f' (In [{f.execution_count}])' if f.execution_count else ''}: "
        f"<code>{_E(f.ename)}: {_E(f.evalue[:300])}</code>. Cells below it did not run.</div>"
    )


_REPORT_CSS = """
.lab-report-header{border:2px solid #3b82f6;border-radius:6px;padding:0.8em 1.2em;margin:1.5em 0 1em;
  background:#f5f8ff;font-family:var(--jp-ui-font-family,sans-serif)}
.lab-report-header table{border-collapse:collapse;margin:0.5em 0}
.lab-report-header th{text-align:left;padding:2px 1em 2px 0;vertical-align:top}
.lab-report-header td{padding:2px 0}
.lab-report-checks{list-style:none;padding-left:0.5em;margin:0.3em 0}
.lab-report-checks a.lab-report-cell{color:inherit;text-decoration:none}
.lab-report-checks li.bad{color:#b91c1c}
.lab-report-failures,.lab-report-failed{color:#b91c1c}
.lab-report-failed{border:2px solid #b91c1c;border-radius:4px;padding:0.4em 0.8em;margin:0.5em 0;
  background:#fff5f5;font-family:var(--jp-ui-font-family,sans-serif)}
.lab-report-toc{font-family:var(--jp-ui-font-family,sans-serif);margin:1em 0 2em}
.lab-report-toc table{border-collapse:collapse}
.lab-report-toc td,.lab-report-toc th{border-bottom:1px solid #ddd;padding:3px 1em 3px 0;text-align:left}
.lab-widget-snapshot{border:1px dashed #bbb;padding:4px;border-radius:4px}
.lab-w-desc{font-weight:600}.lab-w-value{font-family:var(--jp-code-font-family,monospace)}
.lab-w-note{color:#666;font-size:smaller}.lab-w-title{font-weight:600;margin-top:4px}
@media print{.lab-report-header,.lab-report-failed{break-inside:avoid}}
"""

_TEMPLATE = (
    """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block rawcell scoped -%}
{%- if cell.metadata.get('lab_report') -%}{{ cell.source }}{%- else -%}{{ super() }}{%- endif -%}
{%- endblock rawcell -%}
{%- block extra_css -%}<style type="text/css">"""
    + _REPORT_CSS
    + """</style>{%- endblock extra_css -%}
"""
)


def _raw_html(source: str, cell_id: str):
    import nbformat

    # Marked, so the template writes it as is: the learner's own raw cells stay sanitised.
    cell = nbformat.v4.new_raw_cell(
        source, metadata={"raw_mimetype": "text/html", "lab_report": True}
    )
    cell.id = cell_id
    return cell


_MD_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)")


def _rebase(m: re.Match, base: Path) -> str:
    """A Markdown image's relative path, made absolute from its own notebook's folder."""
    target = m.group(2)
    return m.group(1) + (target if re.match(r"^([a-z]+:|/|#)", target) else str(base / target))


def assemble(sections: Sequence[Section], title: str | None):
    """One notebook: (table of contents,) per notebook a header, then its cells."""
    import nbformat

    merged = nbformat.v4.new_notebook()
    merged.metadata = copy.deepcopy(sections[0].nb.metadata)
    merged.metadata.pop("papermill", None)
    merged.metadata["title"] = title or (
        sections[0].title if len(sections) == 1 else "OCI Streaming lab: report"
    )
    cells = []
    if len(sections) > 1:
        rows = "".join(
            f"<tr><td><a href='#{s.slug}'>{_E(s.title)}</a></td><td>{_E(s.path.name)}</td>"
            f"<td>{sum(c.ok for c in s.checks)} ✅ / {sum(not c.ok for c in s.checks)} ❌</td>"
            f"<td>{'❌ ' + str(len(s.failures)) + ' failed' if s.failures else '✅ all ran'}</td></tr>"
            for s in sections
        )
        targets = sorted({s.target for s in sections})
        cells.append(
            _raw_html(
                redact(
                    f"<nav class='lab-report-toc'><h1>{_E(merged.metadata['title'])}</h1>"
                    f"<p>Target: <b>{_E(', '.join(targets))}</b> · report date: {_E(_now())}</p>"
                    f"<h2>Contents</h2><table><tr><th>Notebook</th><th>File</th><th>Self-checks</th>"
                    f"<th>Cells</th></tr>{rows}</table></nav>"
                ),
                "report-toc",
            )
        )
    for sec in sections:
        cells.append(
            _raw_html(_header_html(sec, 1 if len(sections) == 1 else 2), f"{sec.slug}-header")
        )
        failed = {f.cell: f for f in sec.failures}
        base = sec.path.parent.resolve()
        for i, cell in enumerate(sec.nb.cells):
            if i in failed:
                cells.append(_raw_html(_failed_banner(failed[i]), f"{sec.slug}-banner-{i}"))
            cell = copy.deepcopy(cell)
            cell.id = f"{sec.slug}-{i}"
            if cell.cell_type == "markdown" and len(sections) > 1:  # relative images: per notebook
                cell.source = _MD_IMAGE.sub(functools.partial(_rebase, base=base), cell.source)
            cells.append(cell)
    merged.cells = cells
    return merged


def exporter():
    """nbconvert's HTMLExporter with the lab template, images embedded, no CDN scripts."""
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="lab",
        template_file="lab_report.html.j2",
        extra_loaders=[jinja2.DictLoader({"lab_report.html.j2": _TEMPLATE})],
        embed_images=True,
    )
