"""Fixtures for the per-operation contract tests.

``make_stream`` wraps the session-wide one and deletes the streams a test made, so the
session server never reaches the 200-partition tenancy cap however many tests run.
"""

from __future__ import annotations

import oci
import pytest

from tests.localoci.helpers import Raw


@pytest.fixture
def make_stream(make_stream, localoci):
    made = []

    def make(partitions: int = 1, server=None, name: str | None = None):
        stream = make_stream(partitions=partitions, server=server, name=name)
        made.append((server or localoci, stream.id))
        return stream

    yield make
    for server, stream_id in made:
        try:
            server.admin(retry_strategy=oci.retry.NoneRetryStrategy()).delete_stream(stream_id)
        except Exception:  # noqa: BLE001 - already deleted, or the server was stopped
            pass


@pytest.fixture
def client(localoci):
    """A StreamClient on the session server, retries off (errors surface at once)."""
    return localoci.stream_client()


@pytest.fixture
def raw(localoci) -> Raw:
    return Raw(localoci)
