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
  reproduces it), its self-check results (what its ``check_*`` calls displayed, read as data)
  and the cells that failed, linked to the cell;
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

One module per job, and what each may import from this package (``labhelpers.redact``,
``labhelpers.errors`` and ``labhelpers.checkreport`` are open to all; a test enforces the map)::

    execute   <- (nothing)          run a notebook with papermill
    widgets   <- (nothing)          draw widgets statically from their saved state
    results   <- widgets            read the self-checks (as data) and the failed cells
    page      <- results, widgets   assemble the page: headers, cells, nbconvert's exporter
    offline   <- (nothing)          scrub the page for offline reading (BeautifulSoup)
    pdf       <- (nothing)          print it with the system's Chromium
    locate    <- (nothing)          find the running notebook; ask the front end to save it
    build     <- execute, locate, offline, page, pdf   the entry points below

Errors (each message names the fix; all are :class:`labhelpers.errors.LabError`)::

    ReportError            base class
    NotebookNotFound       export_report() cannot tell which notebook it runs in
    ChromiumNotFound       --format pdf without a Chromium (apt-get install -y chromium)
"""

from __future__ import annotations

from ..errors import ChromiumNotFound, NotebookNotFound, ReportError
from .build import build_report, export_report, main_report
from .execute import RUNNING_ENV, execute_notebook
from .locate import find_notebook_path
from .pdf import CHROMIUM_FLAGS, find_chromium, html_to_pdf
from .results import Check, Failure, self_checks

__all__ = [
    "CHROMIUM_FLAGS",
    "RUNNING_ENV",
    "Check",
    "ChromiumNotFound",
    "Failure",
    "NotebookNotFound",
    "ReportError",
    "build_report",
    "execute_notebook",
    "export_report",
    "find_chromium",
    "find_notebook_path",
    "html_to_pdf",
    "main_report",
    "self_checks",
]
