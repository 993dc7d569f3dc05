"""Shared fixtures: localoci servers, in-process or as a real process, and streams on them.

Two ways in (``tests/server.py``'s :class:`LocalOCI` either way):

* **in-process** (:mod:`tests.inprocess`): the real app under uvicorn in a thread on port 0,
  one per test module (``inprocess_localoci``) or per call (``inprocess_factory``).  The
  tests of localoci itself (``tests/localoci``, ``tests/faas``, ``tests/conformance``) use
  these: their conftests make ``localoci`` and ``localoci_factory`` in-process.  Pure
  operation tests need no HTTP at all: ``tests/localoci/conftest.py``'s ``svc``.
* **a process** (``start_localoci``): ``python -m localoci serve --port 0`` in a temporary
  data directory, as learners run it; for what must prove the real process (smoke, crash
  safety, the CLI, Binder) and, by default, for the tests of the notebooks and reports.

Whoever starts a server stops it: every fixture here stops what it started.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from localoci import process
from tests.inprocess import InProcessServer, serve_in_process
from tests.server import LocalOCI, ProcessServer

ROOT = Path(__file__).resolve().parents[1]

__all__ = ["ROOT", "LocalOCI", "start_localoci"]


def start_localoci(data_dir: Path, *args: str, timeout: float = 20.0) -> ProcessServer:
    """Start a localoci process on a free port; return once it answers its health check."""
    return ProcessServer(process.start(data_dir, *args, timeout=timeout))


@pytest.fixture(scope="session")
def localoci_process(tmp_path_factory) -> Iterator[ProcessServer]:
    """One localoci process (limits and auth on) for the whole session; tests make their own streams."""
    server = start_localoci(tmp_path_factory.mktemp("localoci"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def localoci(localoci_process) -> LocalOCI:
    """The session's localoci process (the in-process test directories override this)."""
    return localoci_process


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


@pytest.fixture(scope="module")
def inprocess_localoci(tmp_path_factory) -> Iterator[InProcessServer]:
    """A localoci served in this process for one test module (limits and auth on)."""
    server = serve_in_process(tmp_path_factory.mktemp("inprocess"))
    yield server
    server.stop()


@pytest.fixture
def inprocess_factory(tmp_path) -> Iterator:
    """Serve extra localocis in-process with ``python -m localoci serve``'s options; all stopped
    after the test: ``inprocess_factory("--no-limits")``."""
    started: list[InProcessServer] = []

    def factory(*args: str, data_dir: Path | None = None) -> InProcessServer:
        server = serve_in_process(data_dir or tmp_path / f"lo{len(started)}", *args)
        started.append(server)
        return server

    yield factory
    for s in started:
        s.stop()


_counter = itertools.count()


@pytest.fixture
def make_stream(request):
    """Create an ACTIVE stream with a unique name: ``make_stream(partitions=1)`` on the test's
    ``localoci`` (or ``server=``); deleted after the test.

    Deleting keeps a shared server under the tenancy's 200-partition cap however many tests
    run on it.  The servers here make streams ACTIVE at once (``--ready-delay-ms 0``)."""
    import oci

    created: list[tuple[LocalOCI, str]] = []

    def make(partitions: int = 1, server: LocalOCI | None = None, name: str | None = None):
        server = server or request.getfixturevalue("localoci")
        admin = server.admin()
        details = oci.streaming.models.CreateStreamDetails(
            name=name or f"t-{os.getpid()}-{next(_counter)}-{time.monotonic_ns() % 10**6}",
            partitions=partitions,
            compartment_id=server.compartment,
        )
        stream = admin.create_stream(details).data
        created.append((server, stream.id))
        stream = admin.get_stream(stream.id).data
        if stream.lifecycle_state != "ACTIVE":
            raise RuntimeError(
                f"stream {stream.name} is {stream.lifecycle_state}: make_stream needs a server "
                "started with --ready-delay-ms 0 (as start_localoci and serve_in_process do)"
            )
        return stream

    yield make
    for server, stream_id in created:
        if server.running:
            try:
                server.admin(retry_strategy=oci.retry.NoneRetryStrategy()).delete_stream(stream_id)
            except oci.exceptions.ServiceError:
                pass
