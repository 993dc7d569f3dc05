""":class:`Control`: one running localoci's own endpoints, over plain HTTP (unsigned).

>>> Control.for_service("http://127.0.0.1:18730/").control_url
'http://127.0.0.1:18730/_localoci'
>>> Control("http://127.0.0.1:9/_localoci").health(timeout=0.2) is None    # nothing there
True
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .info import CONTROL_PATH

POLL_S = 0.02


class ControlError(RuntimeError):
    """localoci could not be reached, started or stopped; the message says what happened."""


class ServerExited(ControlError):
    """The server process ended before it answered; ``tail`` is the end of its log."""

    def __init__(self, code: int | None, tail: str, log: Path | None = None) -> None:
        super().__init__(f"localoci exited (code {code}): {tail.strip()}")
        self.code, self.tail, self.log = code, tail, log


class ServerTimeout(ControlError):
    """The server did not answer in time; ``log`` is where it writes, ``proc`` the process
    (still running) when this client started it."""

    def __init__(self, timeout: float, log: Path | None = None, proc=None) -> None:
        where = f"; see {log}" if log else ""
        super().__init__(f"localoci did not answer within {timeout:.0f} s{where}.")
        self.timeout, self.log, self.proc = timeout, log, proc


def control_url_for(service_url: str) -> str:
    """The control URL of a server known only by its service URL (e.g. ``$LOCALOCI_URL``)."""
    return service_url.rstrip("/") + CONTROL_PATH


class Control:
    """The control endpoints at ``control_url`` (``server.json``'s ``control_url``)."""

    def __init__(self, control_url: str, timeout: float = 10.0) -> None:
        self.control_url = control_url.rstrip("/")
        self.timeout = timeout

    @classmethod
    def for_service(cls, service_url: str, timeout: float = 10.0) -> Control:
        return cls(control_url_for(service_url), timeout)

    def __repr__(self) -> str:
        return f"Control({self.control_url!r})"

    # -- calls -----------------------------------------------------------------------------

    def call(
        self, method: str, path: str, body: dict | None = None, timeout: float | None = None
    ) -> dict:
        """``method`` on ``<control_url><path>`` (``path`` like ``/clock``); the JSON answer.

        Raises ``urllib.error.HTTPError`` for an error status and ``OSError`` when nothing answers.
        """
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.control_url + path,
            data=data,
            method=method,
            headers={"content-type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=self.timeout if timeout is None else timeout) as r:
            return json.loads(r.read() or b"{}")

    def health(self, timeout: float = 1.0) -> dict | None:
        """The health document, or None if nothing (healthy) answers."""
        try:
            return self.call("GET", "/health", timeout=timeout)
        except (OSError, ValueError):
            return None

    def clock(self) -> dict:
        return self.call("GET", "/clock")

    def advance(self, seconds: float) -> dict:
        """Move the server's clock forward (cursor expiry, retention, group timeouts)."""
        return self.call("POST", "/clock", {"advanceSeconds": seconds})

    def stats(self) -> dict:
        return self.call("GET", "/stats")

    def reset(self) -> dict:
        return self.call("POST", "/reset")

    def shutdown(self) -> dict:
        return self.call("POST", "/shutdown")

    def add_user(self, name: str, public_pem: str) -> dict:
        """Register a user of the local tenancy (made if new) with an RSA public key, so an
        ordinary config profile can sign for it: ``{"tenancy", "tenancyName", "user",
        "userName", "fingerprint", "region"}``, what that profile needs."""
        return self.call("POST", "/users", {"name": name, "publicKey": public_pem})

    # -- waiting ---------------------------------------------------------------------------

    def wait_healthy(self, timeout: float = 20.0, alive: Callable[[], bool] | None = None) -> dict:
        """Poll health until it answers; the health document.  ``alive()`` (e.g. "is the
        process still running?") turning False ends the wait early with :class:`ControlError`."""
        deadline = time.monotonic() + timeout
        while True:
            health = self.health(timeout=1.0)
            if health is not None:
                return health
            if alive is not None and not alive():
                raise ControlError(f"localoci at {self.control_url} is gone")
            if time.monotonic() >= deadline:
                raise ServerTimeout(timeout)
            time.sleep(POLL_S)

    def wait_gone(self, timeout: float = 5.0) -> bool:
        """Poll health until nothing answers; False if it still answers after ``timeout``."""
        deadline = time.monotonic() + timeout
        while self.health(timeout=0.2) is not None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_S * 2)
        return True
