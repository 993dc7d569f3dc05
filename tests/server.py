"""What a test holds for a running localoci, in-process or a process: :class:`LocalOCI`.

Its URL, data directory and the OCI config localoci wrote, the SDK clients made from them,
and its control endpoints through the one control client (:mod:`localctl`).
"""

from __future__ import annotations

import abc
import subprocess
from pathlib import Path

import localctl


class LocalOCI(abc.ABC):
    def __init__(
        self, url: str, data_dir: Path, config_file: str, profile: str, control_url: str
    ) -> None:
        self.url = url
        self.data_dir = Path(data_dir)
        self.config_file = config_file
        self.profile = profile
        self.control = localctl.Control(control_url)

    @property
    @abc.abstractmethod
    def running(self) -> bool:
        """Is it still serving?"""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop it and wait until it has stopped."""

    @property
    def config(self) -> dict:
        import oci

        return oci.config.from_file(self.config_file, self.profile)

    @property
    def compartment(self) -> str:
        return self.config["tenancy"]

    def admin(self, **kw):
        import oci

        return oci.streaming.StreamAdminClient(self.config, service_endpoint=self.url, **kw)

    def stream_client(self, **kw):
        import oci

        kw.setdefault("retry_strategy", oci.retry.NoneRetryStrategy())
        return oci.streaming.StreamClient(self.config, service_endpoint=self.url, **kw)

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        """An unsigned call to one of localoci's own endpoints, ``/_localoci/<name>``."""
        prefix = localctl.CONTROL_PATH
        assert path.startswith(prefix + "/"), f"{path} is not under {prefix}/"
        return self.control.call(method, path[len(prefix) :], body)

    def advance(self, seconds: float) -> dict:
        """Move localoci's clock forward (cursor expiry, retention, group timeouts)."""
        return self.control.advance(seconds)


class ProcessServer(LocalOCI):
    """A ``python -m localoci serve`` child process (``localoci.process.start``)."""

    def __init__(self, started: localctl.Started) -> None:
        info = started.info
        super().__init__(info.url, info.data_dir, info.config_file, info.profile, info.control_url)
        self.started = started

    @property
    def proc(self) -> subprocess.Popen:
        return self.started.proc

    @property
    def running(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        self.started.stop()
