"""Fixtures for the per-operation contract tests.  (``make_stream`` in tests/conftest.py
deletes the streams a test made, so the session server stays under the 200-partition cap.)"""

from __future__ import annotations

import pytest

from .helpers import Raw


@pytest.fixture
def client(localoci):
    """A StreamClient on the session server, retries off (errors surface at once)."""
    return localoci.stream_client()


@pytest.fixture
def raw(localoci) -> Raw:
    return Raw(localoci)
