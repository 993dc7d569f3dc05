"""``python -m labhelpers <command>``: the lab's command line.

Commands
--------
report   export notebooks as one offline HTML/PDF report, secrets redacted
class    prepare (or remove) a class on one tenancy: per learner a stream, an application
         with hello, an API deployment; the IAM statements to paste; settings files

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


def _add_class(sub) -> None:
    p = sub.add_parser(
        "class",
        help="prepare or remove a class on one tenancy (per learner: stream, hello, deployment)",
        description="An instructor's commands for a workshop on one tenancy (oci target, your "
        "own ~/.oci/config profile). prepare: find or make, tagged lab-class=<tag>, each "
        "learner's stream, application labN with the function hello and API deployment "
        "MY_API_DEPLN on a shared gateway; print the IAM statements to paste; write one "
        "settings file per learner (they save it as ~/.oci/lab-settings.json). Running it "
        "again creates nothing. remove: delete what carries the tag, keep the rest.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    prep = actions.add_parser("prepare", help="make (or find) every learner's resources")
    rem = actions.add_parser("remove", help="delete the class's resources (only its own tag)")
    for q in (prep, rem):
        q.add_argument(
            "--compartment",
            required=True,
            help="the class's compartment: its OCID, or its name (e.g. lab-compartment)",
        )
        q.add_argument("--tag", default="workshop", help="the class tag (default: workshop)")
        q.add_argument(
            "--config-file", default=None, help="OCI config file (default ~/.oci/config)"
        )
        q.add_argument("--profile", default=None, help="its profile (default DEFAULT)")
    prep.add_argument("--learners", type=int, required=True, help="how many learners (lab1..labN)")
    prep.add_argument(
        "--create-compartment",
        action="store_true",
        help="make the compartment in the tenancy's root if no compartment has that name",
    )
    prep.add_argument(
        "--image", default=None, help="the hello image fn deploy pushed (OCIR), for every learner"
    )
    prep.add_argument("--subnet", default=None, help="the functions' subnet OCID")
    prep.add_argument("--gateway-subnet", default=None, help="the shared gateway's public subnet")
    prep.add_argument("--gateway", default=None, help="use this gateway (OCID) instead")
    prep.add_argument(
        "--out",
        default="class-settings",
        help="where the settings files go (default class-settings)",
    )
    prep.add_argument(
        "--group", default="lab-learners", help="the learners' IAM group, for the statements"
    )
    prep.add_argument(
        "--prefix", default="lab", help="learner ids are <prefix>1..<prefix>N (default lab)"
    )

    def run(args) -> int:
        from .classroom import iam_statements, prepare_class, remove_class, resolve_compartment
        from .connect import connect
        from .errors import LabError

        try:
            first = connect("oci", config_file=args.config_file, profile=args.profile)
            comp = resolve_compartment(
                first, args.compartment, create=getattr(args, "create_compartment", False)
            )
            lab = connect(
                "oci", config_file=args.config_file, profile=args.profile, compartment_id=comp
            )
            if args.action == "prepare":
                report = prepare_class(
                    lab,
                    args.learners,
                    tag=args.tag,
                    image=args.image,
                    subnet=args.subnet,
                    gateway_subnet=args.gateway_subnet,
                    gateway_id=args.gateway,
                    out=args.out,
                    prefix=args.prefix,
                )
            else:
                report = remove_class(lab, tag=args.tag)
        except LabError as exc:
            print(f"labhelpers class: {exc}", file=sys.stderr)
            return 1
        print(report)
        if args.action == "prepare":
            print()
            print(iam_statements(comp, args.group))
            print(f"Settings files ({len(report.settings_files)}), one per learner, to save as")
            print("~/.oci/lab-settings.json (or point LAB_SETTINGS at it):")
            for path in report.settings_files:
                print(f"  {path}")
        return 0

    p.set_defaults(func=run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m labhelpers", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_report(sub)
    _add_class(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
