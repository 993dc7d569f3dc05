"""Start a localoci as a child process, find a running one, stop one.

:func:`start` runs ``python -m localoci serve --data-dir <dir> <args...>`` and returns once
the server has written ``server.json`` and answers its health endpoint (:func:`spawn` returns
at once).  The child either stays
in the caller's process group (the default: whoever stops the caller's group stops it too, as
Jupyter does on Binder) or, with ``new_session=True``, in a session of its own (labhelpers:
a kernel interrupted or restarted must not take the server with it; it stops by itself after
its ``--idle-exit``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .client import POLL_S, Control, ServerExited, ServerTimeout
from .info import ServerInfo, default_data_dir, read_info


@dataclass
class Started:
    """A localoci this process started: its ``server.json`` and its process."""

    info: ServerInfo
    proc: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return self.info.url

    @property
    def data_dir(self) -> Path:
        return self.info.data_dir  # type: ignore[return-value]  # read from the data directory

    @property
    def config_file(self) -> str:
        return self.info.config_file

    @property
    def profile(self) -> str:
        return self.info.profile

    @property
    def control(self) -> Control:
        return Control(self.info.control_url)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (a clean shutdown), then SIGKILL if it lingers."""
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


def serve_command(data_dir: Path, *args: str, python: str = sys.executable) -> list[str]:
    return [python, "-m", "localoci", "serve", "--data-dir", str(data_dir), *args]


def _tail(path: Path, chars: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def spawn(
    data_dir: Path | None = None,
    *args: str,
    log_name: str = "localoci.out",
    new_session: bool = False,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """Run ``python -m localoci serve --data-dir <data_dir> <args...>`` as a child and return
    at once; its output is appended to ``<data_dir>/<log_name>``."""
    data_dir = Path(data_dir or default_data_dir()).expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / log_name, "ab") as out:
        return subprocess.Popen(
            serve_command(data_dir, *args),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**(env if env is not None else os.environ), "PYTHONUNBUFFERED": "1"},
            start_new_session=new_session,
        )


def start(
    data_dir: Path | None = None,
    *args: str,
    log_name: str = "localoci.out",
    new_session: bool = False,
    timeout: float = 20.0,
    env: dict[str, str] | None = None,
) -> Started:
    """:func:`spawn` a server with ``args`` (e.g. ``"--port", "0"``, ``"--idle-exit", "1800"``)
    and return once it has written ``server.json`` and answers.

    Raises :class:`ServerExited` (with the log's tail) if it ends first, :class:`ServerTimeout`
    if it does not answer within ``timeout`` seconds (it is left running then, as the
    exception's ``proc``: it may just be slow, and whoever started it decides).
    """
    data_dir = Path(data_dir or default_data_dir()).expanduser().resolve()
    log = data_dir / log_name
    proc = spawn(data_dir, *args, log_name=log_name, new_session=new_session, env=env)
    deadline = time.monotonic() + timeout
    while True:
        code = proc.poll()
        if code is not None:
            raise ServerExited(code, _tail(log), log)
        info = read_info(data_dir)
        if (
            info is not None
            and info.pid == proc.pid
            and Control(info.control_url).health(timeout=1.0)
        ):
            return Started(info, proc, log)
        if time.monotonic() >= deadline:
            raise ServerTimeout(timeout, log, proc)
        time.sleep(POLL_S)


def find(data_dir: Path | None = None) -> ServerInfo | None:
    """The localoci serving ``data_dir`` (default: :func:`default_data_dir`) if it answers."""
    info = read_info(Path(data_dir or default_data_dir()))
    if info is not None and Control(info.control_url).health() is not None:
        return info
    return None


def stop(data_dir: Path | None = None, timeout: float = 5.0) -> ServerInfo | None:
    """SIGTERM the localoci of ``data_dir`` and wait until it no longer answers; the server
    that was stopped, or None if none was running.  Raises :class:`ServerTimeout` if it still
    answers after ``timeout``."""
    info = read_info(Path(data_dir or default_data_dir()))
    if info is None:
        return None
    try:
        os.kill(info.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    if not Control(info.control_url).wait_gone(timeout):
        raise ServerTimeout(timeout)
    return info
