"""Start localoci as a child process and wait until it answers: for tests, benchmarks and
scripts.  (labhelpers starts it detached with an idle timeout instead: see labhelpers.localctl.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class ServerProcess:
    url: str
    data_dir: Path
    config_file: str
    profile: str
    proc: subprocess.Popen

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def kill(self) -> None:
        """SIGKILL: what a crash looks like."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


def start(data_dir: Path, *args: str, timeout: float = 20.0, ready_delay_ms: int = 0) -> ServerProcess:
    """Start ``python -m localoci serve --port 0`` on ``data_dir``; return once it is healthy."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "server.json").unlink(missing_ok=True)
    log = open(data_dir / "stdout.log", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [sys.executable, "-m", "localoci", "serve", "--port", "0", "--data-dir", str(data_dir),
         "--ready-delay-ms", str(ready_delay_ms), *args],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"localoci exited: {(data_dir / 'stdout.log').read_text()[-2000:]}")
        try:
            info = json.loads((data_dir / "server.json").read_text())
            if info.get("pid") == proc.pid:
                with urllib.request.urlopen(info["url"] + "/_localoci/health", timeout=1):
                    return ServerProcess(info["url"], data_dir, info["config_file"], info["profile"], proc)
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    proc.kill()
    raise RuntimeError("localoci did not become healthy in time")
