"""Find, start and stop the local stand-in (localoci) for the ``local`` target.

A thin adapter over the top-level :mod:`localctl` package (the one control client, standard
library only; labhelpers never imports localoci's modules), raising labhelpers' own
:class:`LocalOCIError`.

labhelpers starts localoci on demand, detached, with an idle timeout, so a notebook never
leaves a server behind for long: it stops by itself after 30 idle minutes.  Where it lives:
``$LOCALOCI_URL`` (a server someone else started, e.g. Binder's or a test's), else the data
directory ``$LOCALOCI_HOME`` (``make lab`` sets ``.lab/localoci`` in the repository), else
``~/.localoci``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import localctl as _ctl

from .errors import LocalOCIError

IDLE_EXIT_S = 1800
START_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class LocalServer:
    url: str
    data_dir: Path | None
    config_file: str
    profile: str
    started_here: bool = False
    control_url: str | None = None  # its /_localoci endpoints (None: derived from url)

    @property
    def control(self) -> _ctl.Control:
        return _ctl.Control(self.control_url or _ctl.control_url_for(self.url))


def data_dir() -> Path:
    return _ctl.default_data_dir()


def health(url: str, timeout: float = 1.0) -> dict | None:
    """The health of the localoci whose service URL is ``url``, or None if it does not answer."""
    return _ctl.Control.for_service(url).health(timeout)


def _server(info: _ctl.ServerInfo, started_here: bool = False) -> LocalServer:
    return LocalServer(
        info.url, info.data_dir, info.config_file, info.profile, started_here, info.control_url
    )


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
    info = _ctl.find(data_dir())
    if info is not None and info.region:
        raise LocalOCIError(
            f"The localoci in {info.data_dir} serves as region {info.region} (HTTPS under its own "
            "hostnames), not as the local stand-in. Use it with LAB_TARGET=oci and the variables "
            f"`python -m localoci env --data-dir {info.data_dir}` prints, or point LOCALOCI_HOME "
            "at another directory for the local target."
        )
    return _server(info) if info else None


def ensure_running() -> LocalServer:
    """Find localoci, or start it detached (idle exit after 30 minutes) and wait until healthy."""
    found = find()
    if found:
        return found
    try:
        started = _ctl.start(
            data_dir(),
            "--port",
            "0",
            "--idle-exit",
            str(IDLE_EXIT_S),
            new_session=True,
            timeout=START_TIMEOUT_S,
        )
    except _ctl.ServerExited as exc:
        raise LocalOCIError(f"localoci did not start: {exc.tail[-600:].strip()}") from None
    except _ctl.ServerTimeout as exc:
        raise LocalOCIError(
            f"localoci did not answer within {START_TIMEOUT_S:.0f} s; see {exc.log}."
        ) from None
    return _server(started.info, started_here=True)


def call(url: str, method: str, path: str, body: dict | None = None) -> dict:
    """An unsigned call to one of localoci's own endpoints: ``path`` is ``/_localoci/<name>``
    on the server whose service URL is ``url`` (sent to its control URL)."""
    prefix = _ctl.CONTROL_PATH
    if not path.startswith(prefix + "/"):
        raise ValueError(f"{path!r} is not one of localoci's own endpoints ({prefix}/...)")
    return _ctl.Control.for_service(url).call(method, path[len(prefix) :], body)
