"""``python -m bench [NAME ...]``: the lab's performance figures, as ratios measured in one run.

NAME is any of: peer, ceiling, growth, fanout, publisher, throttle, consumer, frame, startup,
lab (default: all).  Figures 1-5 are the stand-in's own speed (issue 16), 6-11 the lab's.
Each prints what it measured; a table with targets closes the run.  Nothing here asserts:
speed targets live in this table, never in timed tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime

from . import cases


def machine() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import oci

    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, oci {oci.__version__}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(cases.ALL))
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args(argv)
    names = args.names or list(cases.ALL)
    unknown = [n for n in names if n not in cases.ALL]
    if unknown:
        parser.error(f"unknown benchmark {unknown}; choose from {', '.join(cases.ALL)}")
    print(f"machine: {machine()}", flush=True)
    print(
        f"date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; load average at start: "
        f"{os.getloadavg()[0]:.2f} (ratios are measured within one run)\n",
        flush=True,
    )
    rows = []
    for name in names:
        start = time.monotonic()
        print(f"== {name}", flush=True)
        rows.extend(cases.ALL[name](quick=args.quick))
        print(f"   ({time.monotonic() - start:.1f} s)\n", flush=True)
    width = max(len(r.name) for r in rows)
    print(f"{'figure':<{width}}  {'measured':>28}  {'ratio':>6}  target")
    for r in rows:
        mark = "met" if r.met else "NOT MET" if r.met is not None else ""
        print(f"{r.name:<{width}}  {r.measured:>28}  {r.ratio_text:>6}  {r.target} {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
