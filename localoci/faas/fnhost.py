"""The process a function runs in, started by localoci's runtime (never imported by it).

Usage: ``python fnhost.py <path/to/func.py> <handler>`` with the Fn environment set
(``FN_FORMAT``, ``FN_LISTENER``, ...).  It does what the function image's entry point
``/python/bin/fdk /function/func.py handler`` does -- hand the file to the official FDK,
which serves ``POST /call`` on the Unix socket -- plus two things a container gives for free:
the function's directory first on ``sys.path`` (and none of localoci's), and an exit when
localoci goes away, so no function outlives the server that started it.
"""

import asyncio
import os
import sys
import threading
import time


def _exit_with_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def main() -> None:
    func_file, entrypoint = os.path.abspath(sys.argv[1]), sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    sys.path.insert(0, os.path.dirname(func_file))
    parent = int(os.environ.pop("LOCALOCI_PARENT_PID", "0") or 0)
    if parent:
        threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    asyncio.set_event_loop(asyncio.new_event_loop())

    import fdk
    from fdk import customer_code

    fdk.handle(customer_code.Function(func_file, entrypoint=entrypoint))


if __name__ == "__main__":
    main()
