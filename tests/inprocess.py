"""localoci served in-process: the real app (``localoci.server.Server``: lock, identity,
``server.json``, lifespan, background task) under uvicorn in a thread on port 0.

A test gets the URL and an OCI config, talks HTTP to it as to the real process, and moves its
rate-limit clock instead of sleeping (:attr:`InProcessServer.rate_clock`).  ``stop()`` shuts
uvicorn down cleanly (the lifespan's shutdown hooks run: function processes stop) and waits
for the thread.  Tests that must prove the real ``python -m localoci serve`` use
``tests.conftest.start_localoci`` instead.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from localoci.cli import build_parser, config_from_args
from localoci.server import Server
from tests.server import LocalOCI

START_TIMEOUT_S = 20.0


class SteppedClock:
    """A monotonic clock that runs at real speed and that a test can move forward.

    >>> clock = SteppedClock()
    >>> before = clock()
    >>> clock.advance(5)
    >>> clock() - before >= 5
    True
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    def __call__(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        return time.monotonic() + self._offset

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """Time stands still inside (a burst of calls then sees one instant, however slow the
        machine); it runs on afterwards from where it stood, plus any ``advance``."""
        with self._lock:
            self._frozen_at = time.monotonic() + self._offset
        try:
            yield
        finally:
            with self._lock:
                self._offset = self._frozen_at - time.monotonic()
                self._frozen_at = None

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock only moves forward")
        with self._lock:
            self._offset += seconds
            if self._frozen_at is not None:
                self._frozen_at += seconds


class InProcessServer(LocalOCI):
    """One localoci in a thread of this process."""

    def __init__(self, server: Server, rate_clock: SteppedClock) -> None:
        info = server.info
        super().__init__(info.url, info.data_dir, info.config_file, info.profile, info.control_url)
        self.server = server
        self.rate_clock = rate_clock
        self.thread = threading.Thread(target=server.run, name=f"localoci {info.url}", daemon=True)
        self.thread.start()
        self.control.wait_healthy(START_TIMEOUT_S, alive=self.thread.is_alive)

    @property
    def running(self) -> bool:
        return self.thread.is_alive()

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(30)
        if self.thread.is_alive():
            raise RuntimeError(f"the in-process localoci at {self.url} did not stop within 30 s")


def serve_in_process(data_dir: Path, *args: str) -> InProcessServer:
    """Serve localoci in a thread on ``data_dir``; ``args`` are ``python -m localoci serve``'s
    own options (read by its own parser), e.g. ``"--no-limits"``.  Port 0 and streams ACTIVE at
    once (``--ready-delay-ms 0``) unless ``args`` say otherwise, as ``localoci.process.start``."""
    options = build_parser().parse_args(["serve", "--port", "0", "--ready-delay-ms", "0", *args])
    rate_clock = SteppedClock()
    server = Server(
        config_from_args(options, Path(data_dir).resolve()), log_file=False, monotonic=rate_clock
    )
    return InProcessServer(server, rate_clock)
