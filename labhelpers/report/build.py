"""The report's entry points: build a report file, export the running notebook, the CLI command.

They put the other modules' jobs in order: execute (:mod:`.execute`), prepare and assemble
(:mod:`.page`), scrub for offline reading (:mod:`.offline`), and print to PDF (:mod:`.pdf`);
:func:`export_report` first finds the notebook it runs in (:mod:`.locate`).
"""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..redact import redact
from .execute import RUNNING_ENV, execute_notebook
from .locate import find_notebook_path, staleness, try_save
from .offline import draw_marks, scrub
from .page import assemble, exporter, prepare, slug_for
from .pdf import find_chromium, html_to_pdf

__all__ = ["build_report", "export_report", "main_report"]


def build_report(
    notebooks: Iterable[str | os.PathLike],
    out_dir: str | os.PathLike = "reports",
    *,
    execute: bool = False,
    target: str | None = None,
    fmt: str = "html",
    parameters: Mapping[str, Any] | None = None,
    timeout: int | None = 600,
    title: str | None = None,
    name: str | None = None,
) -> Path:
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
    return _build(
        notebooks,
        out_dir,
        execute=execute,
        target=target,
        fmt=fmt,
        parameters=parameters,
        timeout=timeout,
        title=title,
        name=name,
    )[0]


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
            slug = slug_for(path, taken)
            if execute:
                nb = execute_notebook(
                    path,
                    Path(tmp) / path.name,
                    target=target or "local",
                    parameters=parameters,
                    timeout=timeout,
                )
                reproduce = _reproduce_command(path, target or "local", parameters)
                sections.append(
                    prepare(
                        nb,
                        path,
                        slug,
                        target=target or "local",
                        parameters=nb.metadata.get("papermill", {}).get("parameters", {}),
                        reproduce=reproduce,
                    )
                )
            else:
                nb = nbformat.read(path, as_version=4)
                sections.append(
                    prepare(nb, path, slug, target=target, parameters=None, reproduce=None)
                )
        merged = assemble(sections, title)
        resources = {
            "metadata": {"name": merged.metadata["title"], "path": str(paths[0].parent.resolve())}
        }
        page, _ = exporter().from_notebook_node(merged, resources=resources)
        page = draw_marks(scrub(page))
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


def export_report(
    path: str | os.PathLike | None = None,
    *,
    out_dir: str | os.PathLike | None = None,
    fmt: str = "html",
    save: bool = True,
    wait: float = 2.0,
):
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
        print(
            "Report export skipped: `python -m labhelpers report` is running this notebook and "
            "writes the report itself."
        )
        return None
    nb_path = find_notebook_path(path)
    if save and path is None:
        try_save(nb_path, wait)
    warning = staleness(nb_path)
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
        out, sections = _build(
            args.notebooks,
            args.out,
            execute=args.execute,
            target=args.target,
            fmt=args.format,
            parameters=params,
            timeout=args.timeout,
            title=args.title,
            name=None,
        )
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
        print(
            redact(f"❌ {name}: cell {f.cell + 1} failed: {f.ename}: {f.evalue}"[:400]),
            file=sys.stderr,
        )
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
