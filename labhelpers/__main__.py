"""``python -m labhelpers <command>``: the lab's command line.

Commands
--------
report   export notebooks as one offline HTML/PDF report, secrets redacted

Each command is a ``_add_<name>(subparsers)`` function that registers its parser and sets
``func`` to the callable that runs it (``func(args) -> exit status``); add new ones the same way.
"""

from __future__ import annotations

import argparse
import sys


def _add_report(sub) -> None:
    p = sub.add_parser(
        "report",
        help="export notebooks as an offline report (HTML or PDF), secrets redacted",
        description="Export one notebook (OUT/<name>.html) or several (OUT/lab-report.html, with a "
        "table of contents) as a self-contained report: charts embedded, widgets shown "
        "as their last state, credentials redacted. Exit status 1 when a cell failed "
        "(the report is still written and says which).",
    )
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help=".ipynb files, in report order")
    p.add_argument(
        "--execute",
        action="store_true",
        help="run each notebook first with papermill (otherwise export the saved outputs)",
    )
    p.add_argument(
        "--target",
        choices=["local", "oci"],
        default=None,
        help="where executed notebooks run (sets LAB_TARGET and the `target` parameter); "
        "default local",
    )
    p.add_argument(
        "--format",
        choices=["html", "pdf"],
        default="html",
        help="pdf needs Chromium (apt-get install -y chromium)",
    )
    p.add_argument(
        "--out", default="reports", metavar="DIR", help="output directory (default: reports)"
    )
    p.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        action="append",
        metavar="NAME=VALUE",
        help="a papermill parameter; repeatable (values read as int/float/bool/None/str)",
    )
    p.add_argument("--stream-name", default=None, help="shorthand for -p stream_name=NAME")
    p.add_argument(
        "--messages",
        dest="message_count",
        type=int,
        default=None,
        help="shorthand for -p message_count=N",
    )
    p.add_argument(
        "--timeout", type=int, default=600, help="seconds one cell may run (default 600)"
    )
    p.add_argument("--title", default=None, help="the report's title")

    def run(args) -> int:
        from .report import main_report

        return main_report(args)

    p.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m labhelpers", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_report(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
