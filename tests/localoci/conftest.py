"""Fixtures for the per-operation tests, which start localoci in-process:

* ``localoci`` / ``localoci_factory``: the in-process servers of ``tests/conftest.py`` (one per
  test module, or one per call with options), for tests where HTTP matters;
* ``svc``: a :class:`~localoci.service.Service` over a fresh temporary database per test and
  a rate-limit clock the test moves (``rate_clock``), for pure operation tests that call
  ``localoci.ops`` directly -- the flaskr way.

(``make_stream`` in tests/conftest.py deletes the streams a test made, so a module's server
stays under the 200-partition cap.)
"""

from __future__ import annotations

import pytest

from localoci.service import ServerConfig, Service
from tests.inprocess import SteppedClock

from .helpers import Raw


@pytest.fixture(scope="module")
def localoci(inprocess_localoci):
    return inprocess_localoci


@pytest.fixture
def localoci_factory(inprocess_factory):
    return inprocess_factory


@pytest.fixture
def rate_clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def svc(tmp_path, rate_clock):
    """A Service on a fresh database in ``tmp_path`` (streams ACTIVE at once), no server."""
    service = Service(
        ServerConfig(data_dir=tmp_path / "data", ready_delay_ms=0), monotonic=rate_clock
    )
    yield service
    service.close()


@pytest.fixture
def client(localoci):
    """A StreamClient on the module's server, retries off (errors surface at once)."""
    return localoci.stream_client()


@pytest.fixture
def raw(localoci) -> Raw:
    return Raw(localoci)
