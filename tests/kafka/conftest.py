"""Fixtures: a Kafka listener over an in-memory backend, on its own event loop in a thread
(the clients under test are blocking), over SASL_PLAINTEXT and SASL_SSL.

``KafkaServer.call(fn, ...)`` runs ``fn`` on the listener's loop, which is the only thread
allowed to touch the backend (the seam's contract).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from localoci.certs import TlsMaterial, ensure_server_certificate, server_context
from localoci.kafka import KafkaListener, ListenerLimits, Principal
from localoci.kafka.memory import MemoryBackend

TOKEN = "Ab3:>x;[)Q9-9{z=w!Lp"  # 20 printable characters with punctuation, like OCI's
TENANCY, USER = "labtenancy", "learner"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "kafka_extra: a Kafka client outside Python (kcat, kafkajs) or aiokafka; "
        "skips when the tool is missing",
    )


class LoopThread:
    """An asyncio loop running in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Callable, *args, **kw):
        async def wrap():
            return fn(*args, **kw)

        return self.run(wrap())

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@dataclass
class KafkaServer:
    lt: LoopThread
    backend: MemoryBackend
    pool_id: str
    tls: TlsMaterial | None
    limits: ListenerLimits = field(default_factory=ListenerLimits)
    listener: KafkaListener | None = None
    port: int = 0

    @property
    def protocol(self) -> str:
        return "SASL_SSL" if self.tls else "SASL_PLAINTEXT"

    @property
    def bootstrap(self) -> str:
        return f"{self.listener.advertised_host}:{self.port}"

    @property
    def username(self) -> str:
        return f"{TENANCY}/{USER}/{self.pool_id}"

    def start(self) -> None:
        ctx = server_context(self.tls) if self.tls else None
        self.listener = KafkaListener(
            self.backend, port=self.port, ssl_context=ctx, limits=self.limits
        )
        self.lt.run(self.listener.start())
        self.port = self.listener.port

    def stop(self) -> None:
        if self.listener is not None:
            self.lt.run(self.listener.stop())
            self.listener = None

    def restart(self) -> None:
        """Stop the listener and start a new one on the same port over the same backend."""
        self.stop()
        self.start()

    def call(self, fn: Callable, *args, **kw):
        return self.lt.call(fn, *args, **kw)

    def backend_principal(self) -> Principal:
        return Principal(TENANCY, USER, self.pool_id)

    def add_stream(self, name: str, partitions: int = 1, **kw) -> str:
        return self.call(self.backend.add_stream, self.pool_id, name, partitions, **kw)

    # -- client settings ---------------------------------------------------------------------

    def confluent(self, **extra) -> dict:
        conf = {
            "bootstrap.servers": self.bootstrap,
            "security.protocol": self.protocol,
            "sasl.mechanism": "PLAIN",
            "sasl.username": self.username,
            "sasl.password": TOKEN,
        }
        if self.tls:
            conf["ssl.ca.location"] = str(self.tls.ca_file)
        conf.update(extra)
        return conf

    def kafka_python(self, **extra) -> dict:
        conf = {
            "bootstrap_servers": self.bootstrap,
            "security_protocol": self.protocol,
            "sasl_mechanism": "PLAIN",
            "sasl_plain_username": self.username,
            "sasl_plain_password": TOKEN,
        }
        if self.tls:
            conf["ssl_cafile"] = str(self.tls.ca_file)
        conf.update(extra)
        return conf


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory) -> TlsMaterial:
    return ensure_server_certificate(
        tmp_path_factory.mktemp("kafka-tls"), ["localhost", "127.0.0.1"]
    )


@pytest.fixture(scope="session")
def loop_thread() -> Iterator[LoopThread]:
    lt = LoopThread()
    yield lt
    lt.close()


def make_server(loop_thread: LoopThread, tls: TlsMaterial | None, **backend_kw) -> KafkaServer:
    backend = MemoryBackend(**backend_kw)
    backend.add_user(TENANCY, USER, TOKEN, domain="Default")
    pool = backend.add_pool(TENANCY)
    return KafkaServer(loop_thread, backend, pool, tls)


@pytest.fixture(params=["SASL_PLAINTEXT", "SASL_SSL"])
def server(request, loop_thread, tls_material) -> Iterator[KafkaServer]:
    """A started listener, over both transports."""
    srv = make_server(loop_thread, tls_material if request.param == "SASL_SSL" else None)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def plain_server(loop_thread) -> Iterator[KafkaServer]:
    """A started SASL_PLAINTEXT listener (for rules that do not depend on the transport)."""
    srv = make_server(loop_thread, None)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module", params=["SASL_SSL", "SASL_PLAINTEXT"])
def lo(request, tmp_path_factory):
    """The real server in-process (store backend, REST beside Kafka), one per test module,
    over SASL_SSL (the default) and SASL_PLAINTEXT (``--kafka-plaintext``)."""
    from tests.inprocess import serve_in_process

    args = ["--kafka-plaintext"] if request.param == "SASL_PLAINTEXT" else []
    data = tmp_path_factory.mktemp("kafka-server")
    srv = serve_in_process(data, *args)
    srv.kafka_args = args
    yield srv
    srv.stop()


@contextlib.contextmanager
def captured_warnings(name: str = "localoci.kafka") -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class H(logging.Handler):
        def emit(self, record):
            records.append(record)

    h = H(level=logging.WARNING)
    logger = logging.getLogger(name)
    logger.addHandler(h)
    try:
        yield records
    finally:
        logger.removeHandler(h)


def have(tool: str) -> bool:
    return shutil.which(tool) is not None
