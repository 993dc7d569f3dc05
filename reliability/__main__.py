"""``python -m reliability <check> [--n N] [--seed S] [--workdir DIR]``: run one check (or
``all``), print its figures, exit 1 if any promise was broken.  Checks: crash_loop, fuzz,
churn, auth, resources, exposure."""

from __future__ import annotations

import argparse
import importlib
import sys

CHECKS = ("crash_loop", "fuzz", "churn", "auth", "resources", "exposure")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    p.add_argument("check", choices=(*CHECKS, "all"))
    p.add_argument(
        "--n", type=int, default=None, help="size of the run (each check's default: its full size)"
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--workdir",
        default=None,
        help="keep the data directories here (default: a temp dir, removed)",
    )
    args = p.parse_args(argv)
    failed = False
    for name in CHECKS if args.check == "all" else (args.check,):
        mod = importlib.import_module(f"reliability.{name}")
        kw = {"seed": args.seed, "workdir": args.workdir}
        if args.n is not None:
            kw["n"] = args.n
        result = mod.run(**kw)
        print(result.render(), flush=True)
        failed |= not result.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
