"""Export executed notebooks as reports a learner can hand in: one self-contained HTML (or PDF)
file, readable offline, with credentials redacted.

The common case is one call from inside a notebook::

    from labhelpers.report import export_report
    export_report()                 # -> a link to reports/<this notebook>.html

and, from a shell, the whole lab::

    python -m labhelpers report notebooks/0*.ipynb --execute --out reports

What a report contains
----------------------
* a header per notebook: target, dates, the parameters it ran with (and the command that
  reproduces it), its self-check results (the ``✅`` / ``❌`` lines its cells printed) and
  the cells that failed, linked to the cell;
* the notebook itself, rendered by nbconvert's ``HTMLExporter`` (lab template): charts are
  the PNG outputs, already embedded; Markdown images are embedded too (``embed_images``);
* widgets as a static picture of their last saved state (sliders, text, progress bars,
  ``Output`` widgets with their charts), because the live widget renderer needs a CDN;
* nothing fetched from the network: require.js, MathJax, Mermaid and the widget manager are
  left out (LaTeX stays as source), and any ``src`` to an ``http(s)`` URL left in an output
  becomes a plain link;
* for several notebooks, one file with a table of contents and a section per notebook.

Everything shown (sources, every kind of output, widget state, metadata, the header) goes
through :func:`labhelpers.redact.redact` first.

Errors (each message names the fix)::

    ReportError            base class
    NotebookNotFound       export_report() cannot tell which notebook it runs in
    ChromiumNotFound       --format pdf without a Chromium (apt-get install -y chromium)
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import html
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .redact import redact, redact_notebook

__all__ = [
    "ChromiumNotFound",
    "NotebookNotFound",
    "ReportError",
    "build_report",
    "execute_notebook",
    "export_report",
    "find_chromium",
    "find_notebook_path",
    "html_to_pdf",
    "self_checks",
]

#: Set while ``python -m labhelpers report --execute`` runs a notebook, so that an
#: ``export_report()`` cell inside it does not export a half-executed copy of itself.
RUNNING_ENV = "LABHELPERS_REPORT_RUNNING"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


class ReportError(RuntimeError):
    """A report could not be built; the message says what to do."""


class NotebookNotFound(ReportError):
    """``export_report()`` could not find the notebook it runs in."""


class ChromiumNotFound(ReportError):
    """A PDF was asked for and no Chromium is installed."""


@dataclass(frozen=True)
class Check:
    """One self-check line a cell printed: ``ok`` is True for ✅, False for ❌."""

    ok: bool
    text: str
    cell: int


@dataclass(frozen=True)
class Failure:
    """A cell that raised (and was not tagged ``raises-exception``)."""

    cell: int
    execution_count: int | None
    ename: str
    evalue: str
    anchor: str


@dataclass
class _Section:
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


# --------------------------------------------------------------------------- execution


def execute_notebook(path: str | os.PathLike, output_path: str | os.PathLike, *,
                     target: str = "local", parameters: Mapping[str, Any] | None = None,
                     timeout: int | None = 600, kernel_name: str | None = None):
    """Run a notebook top to bottom with papermill; return the executed notebook.

    Parameters
    ----------
    path, output_path : path-like
        The notebook, and where papermill writes the executed copy (outputs unredacted: keep
        it out of anything you hand in).
    target : {"local", "oci"}
        Set as ``LAB_TARGET`` for the kernel and passed as the ``target`` parameter.
    parameters : mapping, optional
        papermill parameters (the CLI's ``--stream-name``, ``--messages`` and ``-p``), passed as
        given.  ``target`` is passed too when the notebook's ``parameters`` cell declares it.
    timeout : int, optional
        Seconds one cell may run.
    kernel_name : str, optional
        Defaults to the notebook's kernel, or ``python3``.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.  A failing cell does not raise: execution stops there, as
        papermill does, and the cell keeps its error output (see :func:`build_report`).
    """
    import nbformat
    import papermill as pm

    path, output_path = Path(path), Path(output_path)
    given = dict(parameters or {})  # stream_name, message_count, -p name=value ...
    try:
        declared = set(pm.inspect_notebook(str(path)))
    except Exception:  # no parameters cell, or an unreadable one: pass only what was given
        declared = set()
    params = dict(given)
    if "target" in declared:
        params["target"] = target
    nb = nbformat.read(path, as_version=4)
    kernel = kernel_name or nb.metadata.get("kernelspec", {}).get("name") or "python3"
    env = {"LAB_TARGET": target, RUNNING_ENV: "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        pm.execute_notebook(str(path), str(output_path), parameters=params, kernel_name=kernel,
                            cwd=str(path.parent.resolve()), progress_bar=False, log_output=False,
                            execution_timeout=timeout)
    except pm.PapermillExecutionError:
        pass  # the executed notebook, with its error, is in output_path
    except Exception as exc:  # a timeout or a dead kernel: report what ran
        if not output_path.exists():
            raise ReportError(f"{path}: could not execute: {type(exc).__name__}: {exc}") from exc
        out = nbformat.read(output_path, as_version=4)
        _mark_interrupted(out, f"{type(exc).__name__}: {exc}")
        nbformat.write(out, output_path)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nbformat.read(output_path, as_version=4)


def _mark_interrupted(nb, message: str) -> None:
    """Give the cell that was running when papermill gave up an error output saying why."""
    for cell in nb.cells:
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if cell.cell_type == "code" and status == "running":
            cell.setdefault("outputs", []).append({
                "output_type": "error", "ename": message.split(":")[0],
                "evalue": message.partition(": ")[2], "traceback": [message]})
            return


# --------------------------------------------------------------------------- reading results

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TAG = re.compile(r"<[^>]+>")


def _output_texts(output: Mapping, widget_state: Mapping | None = None) -> list[str]:
    kind = output.get("output_type")
    if kind == "stream":
        return [output.get("text", "")]
    if kind in ("execute_result", "display_data"):
        data = output.get("data", {})
        if WIDGET_VIEW in data and widget_state is not None:
            return _widget_texts(data[WIDGET_VIEW].get("model_id", ""), widget_state)
        for mime in ("text/plain", "text/markdown"):
            if mime in data:
                return [data[mime]]
        if "text/html" in data:
            return [html.unescape(_TAG.sub("", data["text/html"]))]
    return []


def self_checks(nb) -> list[Check]:
    """The self-check lines a notebook's outputs hold, in order.

    A self-check is what a ``check_*`` function prints (:class:`labhelpers.checks.CheckReport`):
    a ``Check: ...`` line, then lines starting with ✅ or ❌.  Only those count, so the doctor's
    findings or a CLI error shown on purpose are not taken for exercise results; the closing
    "✅ All good." is a summary, not another check.  Lines printed inside ``Output`` widgets
    count too, when the widget state was saved.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("ok = check_keys()")
    >>> cell.outputs = [nbformat.v4.new_output("stream", text="Check: keys\\n✅ key 'a'\\n❌ key 'b'\\n")]
    >>> other = nbformat.v4.new_code_cell("doctor()")
    >>> other.outputs = [nbformat.v4.new_output("stream", text="❌ no config file\\n")]
    >>> nb = nbformat.v4.new_notebook(cells=[cell, other])
    >>> [(c.ok, c.text) for c in self_checks(nb)]
    [(True, "✅ key 'a'"), (False, "❌ key 'b'")]
    """
    state = _widget_state(nb)
    found = []
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            for text in _output_texts(output, state):
                in_check = False
                for line in _ANSI.sub("", text).splitlines():
                    line = line.strip()
                    if line.startswith("Check:"):
                        in_check = True
                    elif not line.startswith(("✅", "❌")):
                        in_check = False
                    elif in_check and line != "✅ All good.":
                        found.append(Check(line.startswith("✅"), line, i))
    return found


def _failures(nb, slug: str) -> list[Failure]:
    failed = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                failed.append(Failure(i, cell.get("execution_count"), output.get("ename", ""),
                                      output.get("evalue", ""), f"{slug}-failed-{i}"))
                break
    return failed


# --------------------------------------------------------------------------- widgets


def _widget_state(nb) -> dict:
    return (nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}) or {}).get("state", {})


def _ref(value: Any) -> str | None:
    return value[len("IPY_MODEL_"):] if isinstance(value, str) and value.startswith("IPY_MODEL_") else None


def _widget_texts(model_id: str, state: Mapping, depth: int = 0) -> list[str]:
    model = state.get(model_id)
    if not model or depth > 20:
        return []
    s = model.get("state", {})
    texts = []
    for output in s.get("outputs", []) if model.get("model_name") == "OutputModel" else []:
        texts += _output_texts(output, state)
    for child in s.get("children", []):
        if _ref(child):
            texts += _widget_texts(_ref(child), state, depth + 1)
    return texts


_E = html.escape


def _desc(s: Mapping) -> str:
    d = s.get("description") or ""
    return f'<span class="lab-w-desc">{_E(d)}</span> ' if d else ""


def _static_output(output: Mapping, state: Mapping, depth: int) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{_E(_ANSI.sub('', output.get('text', '')))}</pre>"
    if kind == "error":
        return f"<pre class='lab-w-error'>{_E(_ANSI.sub('', chr(10).join(output.get('traceback', []))))}</pre>"
    data = output.get("data", {})
    if WIDGET_VIEW in data:
        return _widget_html(data[WIDGET_VIEW].get("model_id", ""), state, depth + 1) or ""
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            return f'<img src="data:{mime};base64,{"".join(data[mime]).strip()}" alt="chart">'
    if "image/svg+xml" in data:
        return "".join(data["image/svg+xml"])
    if "text/html" in data:
        return "".join(data["text/html"])
    if "text/plain" in data:
        return f"<pre>{_E(''.join(data['text/plain']))}</pre>"
    return ""


def _widget_html(model_id: str, state: Mapping, depth: int = 0) -> str | None:
    """A static HTML picture of a widget from its saved state; None when it is not saved."""
    model = state.get(model_id)
    if model is None or depth > 20:
        return None
    name = model.get("model_name", "")
    s = model.get("state", {})

    def children(direction: str) -> str:
        parts = [_widget_html(_ref(c), state, depth + 1) or "" for c in s.get("children", []) if _ref(c)]
        titles = s.get("titles") or s.get("_titles") or []
        if isinstance(titles, dict):
            titles = [titles.get(str(i), "") for i in range(len(parts))]
        if titles and name in ("TabModel", "AccordionModel", "StackModel"):
            parts = [f"<div class='lab-w-title'>{_E(t or '')}</div>{p}" for t, p in zip(titles, parts, strict=False)]
        return f"<div class='lab-w-box' style='display:flex;flex-direction:{direction};gap:4px'>{''.join(parts)}</div>"

    value = s.get("value")
    if name in ("HBoxModel", "GridBoxModel"):
        return children("row")
    if name in ("VBoxModel", "BoxModel", "TabModel", "AccordionModel", "StackModel"):
        return children("column")
    if name == "OutputModel":
        return "<div class='lab-w-output'>" + "".join(
            _static_output(o, state, depth) for o in s.get("outputs", [])) + "</div>"
    if name in ("HTMLModel", "HTMLMathModel"):
        return f"<div class='lab-w-html'>{_desc(s)}{value or ''}</div>"
    if name == "LabelModel":
        return f"<span class='lab-w-label'>{_E(str(value or ''))}</span>"
    if name == "PasswordModel":
        return f"<div>{_desc(s)}<span class='lab-w-value'>••••••</span></div>"
    if name == "ButtonModel":
        return f"<button disabled class='lab-w-button'>{_E(s.get('description') or '')}</button>"
    if name in ("CheckboxModel", "ToggleButtonModel", "ValidModel"):
        return f"<div>{'☑' if value else '☐'} {_E(s.get('description') or '')}</div>"
    if name in ("IntProgressModel", "FloatProgressModel"):
        lo, hi = s.get("min", 0) or 0, s.get("max", 100) or 100
        pct = 0 if hi == lo else max(0, min(100, 100 * ((value or 0) - lo) / (hi - lo)))
        return (f"<div>{_desc(s)}<span class='lab-w-progress' style='display:inline-block;width:12em;"
                f"height:0.8em;border:1px solid #999;vertical-align:middle'><span style='display:block;"
                f"height:100%;width:{pct:.0f}%;background:#3b82f6'></span></span> {_E(str(value))}/{_E(str(hi))}</div>")
    labels = s.get("_options_labels")
    if labels is not None:
        if "index" in s and isinstance(s["index"], list):  # SelectMultiple, SelectionRangeSlider
            shown = ", ".join(labels[i] for i in s["index"] if i is not None and i < len(labels))
        else:
            i = s.get("index")
            shown = labels[i] if isinstance(i, int) and i < len(labels) else ""
        return f"<div>{_desc(s)}<span class='lab-w-value'>{_E(shown)}</span></div>"
    if "value" in s:
        if isinstance(value, list):
            value = " – ".join(map(str, value))
        return f"<div>{_desc(s)}<span class='lab-w-value'>{_E(str(value))}</span></div>"
    if "description" in s:
        return f"<div>{_E(s.get('description') or '')}</div>"
    return ""  # layouts, styles and other models without a face


def _static_widgets(nb) -> None:
    """Replace widget views by a static rendering of their saved state; drop the state."""
    state = _widget_state(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            picture = _widget_html(data[WIDGET_VIEW].get("model_id", ""), state)
            if picture is None:
                fallback = data.get("text/plain") or "a widget"
                picture = (f"<pre>{_E(''.join(fallback))}</pre><div class='lab-w-note'>"
                           "(widget state was not saved with the notebook: this is its text form)</div>")
            data.pop(WIDGET_VIEW)
            data["text/html"] = f"<div class='lab-widget-snapshot' title='static picture of the widget'>{picture}</div>"
    nb.metadata.pop("widgets", None)


# --------------------------------------------------------------------------- assembling


def _slug(path: Path, taken: set[str]) -> str:
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


def _prepare(nb, path: Path, slug: str, *, target: str | None, parameters: Mapping | None,
             reproduce: str | None) -> _Section:
    import nbformat

    nb = nbformat.from_dict(redact_notebook(nb))
    # papermill's own error banners link to one fixed id; ours link to each failed cell.
    nb.cells = [c for c in nb.cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    pm = nb.metadata.get("papermill", {})
    params = dict(parameters if parameters is not None else pm.get("parameters", {}))
    target = target or params.get("target") or os.environ.get("LAB_TARGET") or "local (default)"
    executed = pm.get("end_time")
    section = _Section(path, slug, _title(nb, path), nb, str(target), params,
                       executed.replace("T", " ")[:19] + " UTC" if executed else None,
                       self_checks(nb), _failures(nb, slug), reproduce)
    _static_widgets(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/javascript" in data:  # would run in the report; never offline-safe
                data.pop("application/javascript")
                if not data:
                    data["text/plain"] = "(JavaScript output left out of the report)"
    return section


def _header_html(sec: _Section, level: int = 1) -> str:
    passed = sum(c.ok for c in sec.checks)
    failed = len(sec.checks) - passed
    rows = [("Notebook", _E(sec.path.name)), ("Target", _E(sec.target)),
            ("Report date", _E(_now())),
            ("Executed", _E(sec.executed) if sec.executed else "outputs as saved in the notebook (not executed for this report)")]
    if sec.parameters:
        rows.append(("Parameters", "<code>" + _E(", ".join(f"{k}={v!r}" for k, v in sec.parameters.items())) + "</code>"))
    if sec.reproduce:
        rows.append(("Reproduce", f"<code>{_E(sec.reproduce)}</code>"))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    if sec.checks:
        items = "".join(f"<li class='{'ok' if c.ok else 'bad'}'><a class='lab-report-cell' "
                        f"href='#cell-id={sec.slug}-{c.cell}'>{_E(c.text)}</a></li>" for c in sec.checks)
        checks = (f"<p><b>Self-checks:</b> {passed} ✅ passed, {failed} ❌ not yet.</p>"
                  f"<ul class='lab-report-checks'>{items}</ul>")
    else:
        checks = "<p><b>Self-checks:</b> none ran in this notebook.</p>"
    if sec.failures:
        items = "".join(
            f"<li><a href='#{f.anchor}'>cell {f.cell + 1}"
            f"{f' (In [{f.execution_count}])' if f.execution_count else ''}</a>: "
            f"<code>{_E(f.ename)}: {_E(f.evalue[:300])}</code></li>" for f in sec.failures)
        failures = f"<div class='lab-report-failures'><b>❌ Failed cells:</b><ul>{items}</ul></div>"
    else:
        failures = "<p>✅ No cell failed.</p>"
    return redact(
        f"<section class='lab-report-header' id='{sec.slug}'><h{level} class='lab-report-title'>"
        f"{_E(sec.title)}</h{level}><table>{table}</table>{checks}{failures}</section>")


def _failed_banner(f: Failure) -> str:
    return redact(
        f"<div class='lab-report-failed' id='{f.anchor}'>❌ This cell failed"
        f"{f' (In [{f.execution_count}])' if f.execution_count else ''}: "
        f"<code>{_E(f.ename)}: {_E(f.evalue[:300])}</code>. Cells below it did not run.</div>")


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

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block rawcell scoped -%}
{%- if cell.metadata.get('lab_report') -%}{{ cell.source }}{%- else -%}{{ super() }}{%- endif -%}
{%- endblock rawcell -%}
{%- block extra_css -%}<style type="text/css">""" + _REPORT_CSS + """</style>{%- endblock extra_css -%}
"""


def _raw_html(source: str, cell_id: str):
    import nbformat

    # Marked, so the template writes it as is: the learner's own raw cells stay sanitised.
    cell = nbformat.v4.new_raw_cell(source, metadata={"raw_mimetype": "text/html", "lab_report": True})
    cell.id = cell_id
    return cell


_MD_IMAGE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)")


def _assemble(sections: Sequence[_Section], title: str | None):
    """One notebook: (table of contents,) per notebook a header, then its cells."""
    import nbformat

    merged = nbformat.v4.new_notebook()
    merged.metadata = copy.deepcopy(sections[0].nb.metadata)
    merged.metadata.pop("papermill", None)
    merged.metadata["title"] = title or (sections[0].title if len(sections) == 1 else "OCI Streaming lab: report")
    cells = []
    if len(sections) > 1:
        rows = "".join(
            f"<tr><td><a href='#{s.slug}'>{_E(s.title)}</a></td><td>{_E(s.path.name)}</td>"
            f"<td>{sum(c.ok for c in s.checks)} ✅ / {sum(not c.ok for c in s.checks)} ❌</td>"
            f"<td>{'❌ ' + str(len(s.failures)) + ' failed' if s.failures else '✅ all ran'}</td></tr>"
            for s in sections)
        targets = sorted({s.target for s in sections})
        cells.append(_raw_html(redact(
            f"<nav class='lab-report-toc'><h1>{_E(merged.metadata['title'])}</h1>"
            f"<p>Target: <b>{_E(', '.join(targets))}</b> · report date: {_E(_now())}</p>"
            f"<h2>Contents</h2><table><tr><th>Notebook</th><th>File</th><th>Self-checks</th>"
            f"<th>Cells</th></tr>{rows}</table></nav>"), "report-toc"))
    for sec in sections:
        cells.append(_raw_html(_header_html(sec, 1 if len(sections) == 1 else 2), f"{sec.slug}-header"))
        failed = {f.cell: f for f in sec.failures}
        base = sec.path.parent.resolve()
        for i, cell in enumerate(sec.nb.cells):
            if i in failed:
                cells.append(_raw_html(_failed_banner(failed[i]), f"{sec.slug}-banner-{i}"))
            cell = copy.deepcopy(cell)
            cell.id = f"{sec.slug}-{i}"
            if cell.cell_type == "markdown" and len(sections) > 1:  # relative images: per notebook
                cell.source = _MD_IMAGE.sub(
                    lambda m, b=base: m.group(1) + (str(b / m.group(2)) if not re.match(
                        r"^([a-z]+:|/|#)", m.group(2)) else m.group(2)), cell.source)
            cells.append(cell)
    merged.cells = cells
    return merged


_EXTERNAL_SRC = re.compile(
    r"<(script|img|iframe|embed|source|video|audio|link)\b([^>]*?)\b(src|href)\s*=\s*(['\"]?)(https?:)?//[^'\" >]+\4([^>]*)>"
    r"(?:\s*</\1>)?", re.IGNORECASE)
_CSS_SCOPE = re.compile(r"<style\b[^>]*>.*?</style>|\bstyle\s*=\s*(\"[^\"]*\"|'[^']*')",
                        re.IGNORECASE | re.DOTALL)
_CSS_URL = re.compile(r"(@import\s+)?url\(\s*(['\"]?)(https?:)?//[^)'\"]+\2\s*\);?", re.IGNORECASE)


def _offline(page: str) -> str:
    """Neutralise anything that would fetch from the network (links to read stay links)."""

    def tag(m: re.Match) -> str:
        url = re.search(r"(?:src|href)\s*=\s*['\"]?([^'\" >]+)", m.group(0), re.I).group(1)
        return (f"<a class='lab-report-external' href='{_E(url)}'>[external {m.group(1).lower()} "
                f"left out of the offline report: {_E(url)}]</a>")

    page = _EXTERNAL_SRC.sub(tag, page)
    # url(https://...) only where it is CSS: <style> blocks and style="..." attributes
    return _CSS_SCOPE.sub(
        lambda m: _CSS_URL.sub(lambda u: "" if u.group(1) else "none", m.group(0)), page)


def _exporter():
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", template_file="lab_report.html.j2",
                        extra_loaders=[jinja2.DictLoader({"lab_report.html.j2": _TEMPLATE})],
                        embed_images=True)


# --------------------------------------------------------------------------- public entry points


def find_chromium() -> str | None:
    """The Chromium to print PDFs with: ``$LAB_CHROMIUM``, a Debian/Ubuntu path, or ``PATH``."""
    env = os.environ.get("LAB_CHROMIUM")
    if env:
        return env if os.path.exists(env) else None
    for path in CHROMIUM_CANDIDATES:
        if os.path.exists(path):
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run_off_loop(fn, *args):
    """Playwright's sync API refuses to run inside an asyncio loop (a Jupyter kernel): use a thread."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def html_to_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike, *,
                chromium: str | None = None) -> Path:
    """Print an HTML report to PDF with the system's headless Chromium, network off.

    nbconvert's ``WebPDFExporter`` (7.17) can only launch the browser that ``playwright
    install`` downloads (it has no executable-path option), so the report is printed here
    with Playwright driving ``/usr/bin/chromium`` instead; nothing is downloaded.

    Raises
    ------
    ChromiumNotFound
        With the install step, when there is no Chromium.
    """
    chromium = chromium or find_chromium()
    if not chromium or not os.path.exists(chromium):
        looked = (f"LAB_CHROMIUM={os.environ['LAB_CHROMIUM']} does not exist"
                  if os.environ.get("LAB_CHROMIUM") else f"looked for {', '.join(CHROMIUM_CANDIDATES)}")
        raise ChromiumNotFound(
            f"A PDF report needs a headless Chromium and none was found ({looked}). Install it with `sudo apt-get install -y chromium` "
            "(Debian/Ubuntu), or set LAB_CHROMIUM=/path/to/chrome, or export --format html, "
            "which needs nothing.")
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError as exc:
        raise ReportError("A PDF report needs the playwright Python package: pip install playwright "
                          "(its browser download is not needed: the system Chromium is used).") from exc
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)

    def render() -> bytes:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.continue_()
                           if route.request.url.startswith(("file:", "data:")) else route.abort())
                page.emulate_media(media="print")
                page.goto(html_path.as_uri(), wait_until="load")
                return page.pdf(print_background=True, format="A4",
                                margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"})
            finally:
                browser.close()

    pdf_path.write_bytes(_run_off_loop(render))
    return pdf_path


def build_report(notebooks: Iterable[str | os.PathLike], out_dir: str | os.PathLike = "reports", *,
                 execute: bool = False, target: str | None = None, fmt: str = "html",
                 parameters: Mapping[str, Any] | None = None, timeout: int | None = 600,
                 title: str | None = None, name: str | None = None) -> Path:
    """Build one report file from one or more notebooks; return its path.

    Parameters
    ----------
    notebooks : paths
        One notebook gives ``OUT/<stem>.html``; several give ``OUT/lab-report.html`` with a
        table of contents and a section per notebook.
    out_dir : path-like
        Created if needed.
    execute : bool
        Run each notebook first with papermill (:func:`execute_notebook`); otherwise export
        the outputs saved in the file.
    target : {"local", "oci"}, optional
        For execution (default ``local``); shown in the header either way.
    fmt : {"html", "pdf"}
        PDF needs a Chromium (:func:`html_to_pdf`).
    parameters : mapping, optional
        papermill parameters, the same for every notebook.
    name : str, optional
        The output file's stem.

    Returns
    -------
    pathlib.Path
        The report.  Failed cells do not raise: the report's header lists them.
    """
    return _build(notebooks, out_dir, execute=execute, target=target, fmt=fmt,
                  parameters=parameters, timeout=timeout, title=title, name=name)[0]


def _build(notebooks, out_dir, *, execute, target, fmt, parameters, timeout, title, name):
    import nbformat

    paths = [Path(p) for p in notebooks]
    if not paths:
        raise ReportError("No notebook given: pass one or more .ipynb paths.")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ReportError(f"No such notebook: {', '.join(missing)}")
    if fmt not in ("html", "pdf"):
        raise ReportError(f"Unknown format {fmt!r}: use html or pdf.")
    if fmt == "pdf" and not find_chromium():
        html_to_pdf("", "")  # raises ChromiumNotFound with the install step, before any work
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    sections = []
    with tempfile.TemporaryDirectory(prefix="lab-report-") as tmp:
        for path in paths:
            slug = _slug(path, taken)
            if execute:
                nb = execute_notebook(path, Path(tmp) / path.name, target=target or "local",
                                      parameters=parameters, timeout=timeout)
                reproduce = _reproduce_command(path, target or "local", parameters)
                sections.append(_prepare(nb, path, slug, target=target or "local",
                                         parameters=nb.metadata.get("papermill", {}).get("parameters", {}),
                                         reproduce=reproduce))
            else:
                nb = nbformat.read(path, as_version=4)
                sections.append(_prepare(nb, path, slug, target=target, parameters=None, reproduce=None))
        merged = _assemble(sections, title)
        resources = {"metadata": {"name": merged.metadata["title"],
                                  "path": str(paths[0].parent.resolve())}}
        page, _ = _exporter().from_notebook_node(merged, resources=resources)
        page = _offline(page)
        stem = name or (paths[0].stem if len(paths) == 1 else "lab-report")
        html_path = out_dir / f"{stem}.html"
        if fmt == "html":
            html_path.write_text(page, encoding="utf-8")
            result = html_path
        else:
            tmp_html = Path(tmp) / f"{stem}.html"
            tmp_html.write_text(page, encoding="utf-8")
            result = html_to_pdf(tmp_html, out_dir / f"{stem}.pdf")
    return result, sections


def _reproduce_command(path: Path, target: str, parameters: Mapping | None) -> str:
    parts = ["python", "-m", "labhelpers", "report", str(path), "--execute", "--target", target]
    for k, v in (parameters or {}).items():
        parts += ["-p", f"{k}={v}"]
    return redact(shlex.join(parts))


# --------------------------------------------------------------------------- inside a notebook


def _sessions_api_path() -> Path | None:
    """Ask the running Jupyter servers which notebook owns this kernel (as ipynbname does)."""
    try:
        import ipykernel
        from jupyter_server.serverapp import list_running_servers
    except ImportError:
        return None
    try:
        kernel_id = re.search(r"kernel-(.+)\.json", Path(ipykernel.get_connection_file()).name).group(1)
    except Exception:
        return None
    import urllib.request

    for server in list_running_servers():
        url = server.get("url", "").rstrip("/") + "/api/sessions"
        req = urllib.request.Request(url, headers={"Authorization": f"token {server.get('token', '')}"})
        try:
            with urllib.request.urlopen(req, timeout=2) as r:
                sessions = json.load(r)
        except Exception:
            continue
        for s in sessions:
            if s.get("kernel", {}).get("id") == kernel_id:
                root = server.get("root_dir") or server.get("notebook_dir") or ""
                return Path(root) / s.get("path", s.get("notebook", {}).get("path", ""))
    return None


def find_notebook_path(path: str | os.PathLike | None = None) -> Path:
    """The notebook this kernel runs: `path` if given, else what Jupyter says.

    Tries, in order: the `path` argument; ``__session__`` / ``JPY_SESSION_NAME``, which
    JupyterLab and Notebook 7 set for the kernel; the running Jupyter servers' sessions API,
    matched by this kernel's id.  Under papermill or nbclient none of these exist: pass the
    path.

    Raises
    ------
    NotebookNotFound
        Saying to pass the path.
    """
    candidates: list[str] = []
    if path is not None:
        p = Path(path).expanduser()
        if not p.is_file():
            raise NotebookNotFound(f"No notebook at {p}: check the path (relative paths start at {Path.cwd()}).")
        return p.resolve()
    with contextlib.suppress(Exception):
        from IPython import get_ipython

        ip = get_ipython()
        if ip is not None and ip.user_ns.get("__session__"):
            candidates.append(str(ip.user_ns["__session__"]))
    if os.environ.get("JPY_SESSION_NAME"):
        candidates.append(os.environ["JPY_SESSION_NAME"])
    for c in candidates:
        for p in (Path(c), Path.cwd() / Path(c).name):
            if p.suffix == ".ipynb" and p.is_file():
                return p.resolve()
    p = _sessions_api_path()
    if p is not None and p.is_file():
        return p.resolve()
    raise NotebookNotFound(
        "Cannot tell which notebook this is (no Jupyter session found: papermill, nbclient or a "
        "plain IPython). Pass it: export_report('01-publish.ipynb').")


_SAVE_JS = """
(function () {
  try {
    if (window.jupyterapp && window.jupyterapp.commands) { window.jupyterapp.commands.execute('docmanager:save'); }
    else if (window.jupyterlab && window.jupyterlab.commands) { window.jupyterlab.commands.execute('docmanager:save'); }
    else if (window.IPython && IPython.notebook) { IPython.notebook.save_checkpoint(); }
  } catch (e) { console.log('labhelpers: could not save the notebook', e); }
})();
"""


def _try_save(path: Path, wait: float) -> bool:
    """Ask the front end to save; True when the file changed on disk within `wait` seconds.

    JupyterLab 4 gives notebook JavaScript no handle on the app unless it was started with
    ``--expose-app-in-browser`` (classic Notebook has ``IPython.notebook``), so this often
    cannot work: then the learner saves (Ctrl+S) and the staleness check below says so.
    """
    try:
        from IPython.display import Javascript, display
    except ImportError:
        return False
    before = path.stat().st_mtime
    display(Javascript(_SAVE_JS))
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(0.2)
        if path.stat().st_mtime != before:
            time.sleep(0.3)  # let the write finish
            return True
    return False


def _staleness(path: Path) -> str | None:
    """Compare the kernel's execution count with the saved file's: a warning, or None."""
    try:
        import nbformat
        from IPython import get_ipython

        ip = get_ipython()
        if ip is None:
            return None
        nb = nbformat.read(path, as_version=4)
        saved = max((c.get("execution_count") or 0 for c in nb.cells if c.cell_type == "code"), default=0)
        running = ip.execution_count  # the cell running export_report
        if saved < running - 1:
            return (f"The saved {path.name} ends at In [{saved}] but the kernel is at In [{running}]: "
                    "the report shows the last saved state. Save (Ctrl+S / File ▸ Save Notebook) and "
                    "run this cell again to include your latest work.")
    except Exception:
        return None
    return None


def export_report(path: str | os.PathLike | None = None, *, out_dir: str | os.PathLike | None = None,
                  fmt: str = "html", save: bool = True, wait: float = 2.0):
    """Export the notebook this runs in as a report; return a link to it.

    Parameters
    ----------
    path : path-like, optional
        The notebook; found from the Jupyter session when omitted (:func:`find_notebook_path`).
    out_dir : path-like, optional
        Default: ``reports/`` beside the notebook (so the link opens from JupyterLab).
    fmt : {"html", "pdf"}
    save : bool
        Ask the front end to save first (works in classic Notebook, and in JupyterLab started
        with ``--expose-app-in-browser``); otherwise save with Ctrl+S before calling.  Either
        way, a warning says when the saved file is behind the kernel.
    wait : float
        Seconds to wait for that save.

    Returns
    -------
    IPython.display.FileLink
        Shows as a link in the notebook; ``.path`` is the report's path relative to the
        kernel's working directory.  None when the notebook is being executed by
        ``python -m labhelpers report``, which writes the report itself.
    """
    from IPython.display import FileLink

    if os.environ.get(RUNNING_ENV):
        print("Report export skipped: `python -m labhelpers report` is running this notebook and "
              "writes the report itself.")
        return None
    nb_path = find_notebook_path(path)
    if save and path is None:
        _try_save(nb_path, wait)
    warning = _staleness(nb_path)
    if warning:
        print("⚠️ " + warning, file=sys.stderr)
    out = build_report([nb_path], Path(out_dir) if out_dir else nb_path.parent / "reports", fmt=fmt)
    try:
        shown = os.path.relpath(out, Path.cwd())
    except ValueError:  # another drive on Windows
        shown = str(out)
    return FileLink(shown, result_html_prefix="Report written: ")


def main_report(args) -> int:
    """The ``report`` subcommand (argparse namespace from :mod:`labhelpers.__main__`)."""
    params: dict[str, Any] = {}
    for item in args.parameters or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            print(f"error: -p expects name=value, got {item!r}", file=sys.stderr)
            return 2
        params[name.strip()] = _literal(value)
    if args.stream_name is not None:
        params["stream_name"] = args.stream_name
    if args.message_count is not None:
        params["message_count"] = args.message_count
    try:
        out, sections = _build(args.notebooks, args.out, execute=args.execute, target=args.target,
                           fmt=args.format, parameters=params, timeout=args.timeout,
                           title=args.title, name=None)
    except ReportError as exc:
        print(f"error: {redact(str(exc))}", file=sys.stderr)
        return 2
    for s in sections:
        passed = sum(c.ok for c in s.checks)
        state = f"{len(s.failures)} failed cell(s)" if s.failures else "all cells ran"
        print(f"{s.path.name}: {passed}/{len(s.checks)} self-checks passed, {state}")
    print(f"report: {out}")
    failed = [(s.path.name, f) for s in sections for f in s.failures]
    for name, f in failed:
        print(redact(f"❌ {name}: cell {f.cell + 1} failed: {f.ename}: {f.evalue}"[:400]), file=sys.stderr)
    return 1 if failed else 0


def _literal(value: str) -> Any:
    """``-p`` values the way papermill reads them: int, float, bool, None, else a string."""
    low = value.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low in ("none", "null"):
        return None
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value
