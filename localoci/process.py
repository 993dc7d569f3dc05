"""Start localoci as a child process on a free port and wait until it answers: for tests,
benchmarks and scripts that need the real ``python -m localoci serve``.

A thin use of :func:`localctl.start` with what those callers want: port 0, streams ACTIVE at
once (``--ready-delay-ms 0`` unless given), output in ``<data dir>/stdout.log``, the child in
the caller's process group.  (labhelpers starts it detached with an idle timeout instead, see
``labhelpers.localctl``; a test that needs no separate process runs
:class:`localoci.server.Server` in a thread instead.)
"""

from __future__ import annotations

from pathlib import Path

import localctl

ServerProcess = localctl.Started


def start(
    data_dir: Path, *args: str, timeout: float = 20.0, ready_delay_ms: int = 0
) -> localctl.Started:
    """Start ``python -m localoci serve --port 0`` on ``data_dir``; return once it is healthy.

    Raises ``localctl.ServerExited`` (a ``RuntimeError`` carrying the end of its output) if it
    stops first, ``localctl.ServerTimeout`` if it does not answer within ``timeout`` (killed:
    whoever starts a server stops it)."""
    try:
        return localctl.start(
            Path(data_dir),
            "--port",
            "0",
            "--ready-delay-ms",
            str(ready_delay_ms),
            *args,
            log_name="stdout.log",
            timeout=timeout,
        )
    except localctl.ServerTimeout as exc:
        if exc.proc is not None:
            exc.proc.kill()
            exc.proc.wait(5)
        raise
