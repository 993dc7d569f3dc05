"""Shared fixtures: a real localoci process per test session (and more on demand).

Server fixtures start ``python -m localoci serve --port 0`` in a temporary data directory,
wait for health, yield a :class:`LocalOCI`, and stop the process at the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from localoci import process

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class LocalOCI:
    url: str
    data_dir: Path
    config_file: str
    profile: str
    proc: subprocess.Popen

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
        """An unsigned call to a /_localoci/ endpoint."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read() or b"{}")

    def advance(self, seconds: float) -> dict:
        return self.call("POST", "/_localoci/clock", {"advanceSeconds": seconds})

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_localoci(data_dir: Path, *args: str, timeout: float = 20.0) -> LocalOCI:
    """Start a localoci process on a free port; return once it answers /_localoci/health."""
    p = process.start(data_dir, *args, timeout=timeout)
    return LocalOCI(p.url, p.data_dir, p.config_file, p.profile, p.proc)


@pytest.fixture(scope="session")
def localoci(tmp_path_factory) -> Iterator[LocalOCI]:
    """One localoci (limits and auth on) for the whole session; tests make their own streams."""
    server = start_localoci(tmp_path_factory.mktemp("localoci"))
    yield server
    server.stop()


@pytest.fixture
def localoci_factory(tmp_path) -> Iterator:
    """Start extra localoci processes with their own options; all stopped after the test."""
    started: list[LocalOCI] = []

    def factory(*args: str, data_dir: Path | None = None) -> LocalOCI:
        server = start_localoci(data_dir or tmp_path / f"lo{len(started)}", *args)
        started.append(server)
        return server

    yield factory
    for s in started:
        s.stop()


_counter = iter(range(1_000_000))


@pytest.fixture
def make_stream(localoci):
    """Create an ACTIVE stream with a unique name: ``make_stream(partitions=1)``; deleted after the test.

    Deleting keeps the session server under the tenancy's 200-partition cap however many
    tests run on one worker."""
    import oci

    created: list[tuple[LocalOCI, str]] = []

    def make(partitions: int = 1, server: LocalOCI | None = None, name: str | None = None):
        server = server or localoci
        admin = server.admin()
        details = oci.streaming.models.CreateStreamDetails(
            name=name or f"t-{os.getpid()}-{next(_counter)}-{time.monotonic_ns() % 10**6}",
            partitions=partitions, compartment_id=server.compartment,
        )
        stream = admin.create_stream(details).data
        created.append((server, stream.id))
        for _ in range(100):
            stream = admin.get_stream(stream.id).data
            if stream.lifecycle_state == "ACTIVE":
                return stream
            time.sleep(0.02)
        raise RuntimeError("stream did not become ACTIVE")

    yield make
    for server, stream_id in created:
        if server.proc.poll() is None:
            try:
                server.admin(retry_strategy=oci.retry.NoneRetryStrategy()).delete_stream(stream_id)
            except oci.exceptions.ServiceError:
                pass
