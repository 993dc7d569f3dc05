"""Find, start and stop the local stand-in (localoci) for the ``local`` target.

labhelpers starts localoci on demand, detached, with an idle timeout, so a notebook never
leaves a server behind for long: it stops by itself after 30 idle minutes.  Where it lives:
``$LOCALOCI_URL`` (a server someone else started, e.g. Binder's or a test's), else the data
directory ``$LOCALOCI_HOME`` (``make lab`` sets ``.lab/localoci`` in the repository), else
``~/.localoci``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

IDLE_EXIT_S = 1800
START_TIMEOUT_S = 20.0


class LocalOCIError(RuntimeError):
    """localoci is not reachable and could not be started (the message names the fix)."""


@dataclass(frozen=True)
class LocalServer:
    url: str
    data_dir: Path | None
    config_file: str
    profile: str
    started_here: bool = False


def data_dir() -> Path:
    return Path(os.environ.get("LOCALOCI_HOME") or Path.home() / ".localoci").expanduser().resolve()


def health(url: str, timeout: float = 1.0) -> dict | None:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/_localoci/health", timeout=timeout) as r:
            return json.loads(r.read())
    except (OSError, ValueError):
        return None


def _from_info(d: Path) -> LocalServer | None:
    try:
        info = json.loads((d / "server.json").read_text())
    except (OSError, ValueError):
        return None
    if health(info["url"]):
        return LocalServer(info["url"], d, info["config_file"], info["profile"])
    return None


def find() -> LocalServer | None:
    """The running localoci this environment points at, or None."""
    url = os.environ.get("LOCALOCI_URL")
    if url:
        h = health(url)
        if not h:
            raise LocalOCIError(
                f"LOCALOCI_URL is {url} but nothing answers there. Start it (python -m localoci serve) "
                "or unset LOCALOCI_URL to let labhelpers start one."
            )
        d = Path(h["dataDir"])
        cfg = os.environ.get("LOCALOCI_CONFIG_FILE") or str(d / "config")
        return LocalServer(url.rstrip("/"), d, cfg, os.environ.get("LOCALOCI_PROFILE", "LOCAL"))
    return _from_info(data_dir())


def ensure_running() -> LocalServer:
    """Find localoci, or start it detached (idle exit after 30 minutes) and wait until healthy."""
    found = find()
    if found:
        return found
    d = data_dir()
    d.mkdir(parents=True, exist_ok=True)
    log = open(d / "localoci.out", "ab")  # noqa: SIM115 - handed to the child
    proc = subprocess.Popen(
        [sys.executable, "-m", "localoci", "serve", "--port", "0", "--data-dir", str(d),
         "--idle-exit", str(IDLE_EXIT_S)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = (d / "localoci.out").read_text(errors="replace")[-600:]
            raise LocalOCIError(f"localoci did not start: {tail.strip()}")
        server = _from_info(d)
        if server:
            return LocalServer(server.url, d, server.config_file, server.profile, started_here=True)
        time.sleep(0.05)
    raise LocalOCIError(f"localoci did not answer within {START_TIMEOUT_S:.0f} s; see {d / 'localoci.out'}.")


def call(url: str, method: str, path: str, body: dict | None = None) -> dict:
    """An unsigned call to one of localoci's own ``/_localoci/`` endpoints."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")
