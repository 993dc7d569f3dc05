"""The Kafka listener: an asyncio TCP (or TLS) server on the caller's event loop.

Usage (inside a running loop, e.g. beside uvicorn)::

    listener = KafkaListener(backend, port=0, ssl_context=server_context(material))
    await listener.start()
    host, port = listener.address          # what Metadata advertises
    ...
    await listener.stop()

No threads: every connection is a task on the loop, and backend calls are synchronous and
short.  Warnings about clients (bad frames, failed logins, unsupported requests) are
rate-limited per kind, so a misbehaving client cannot flood the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass

from . import api_data, api_groups, api_meta, sasl
from .backend import Backend, Principal
from .connection import Connection
from .coordinator import Coordinator

log = logging.getLogger("localoci.kafka")
MIB = 1024 * 1024

Handler = Callable[[Connection, int, object], Awaitable[object]]


@dataclass(frozen=True)
class ListenerLimits:
    """Bounds the listener keeps (``max_record_bytes`` is OCI's; the rest are localoci's)."""

    max_record_bytes: int = MIB  # OCI: 1 MiB per message (key + value)
    max_frame_bytes: int = 8 * MIB  # a bigger request closes the connection
    max_batch_bytes: int = 16 * MIB  # decompressed size of one incoming batch
    fetch_max_bytes: int = 8 * MIB  # per Fetch response, whatever the client asks
    fetch_max_wait_ms: int = 500  # long-poll cap
    max_connections: int = 4096
    idle_timeout_s: float = 600.0  # Kafka's connections.max.idle.ms
    auth_timeout_s: float = 30.0  # to complete SASL after connecting
    frame_timeout_s: float = 30.0  # for a frame to arrive once its size is read
    close_delay_s: float = 0.5  # after a refusal, before closing (Kafka: 100 ms)
    warn_every_s: float = 10.0  # one warning per kind per this many seconds
    # Kafka's group.initial.rebalance.delay.ms (3 s there): the first JoinGroup of an empty
    # group waits this long for others.  Not 0: a consumer sends JoinGroup and its first
    # Metadata together, and an answer before the metadata makes the leader assign nothing
    # (kafka-python: "No partition metadata"), then rejoin -- a wasted generation in which
    # kafka-python 3.0.12 was seen to stall for good.
    initial_rebalance_delay_ms: int = 300


class AppendWatch:
    """Wakes Fetch long-polls: the backend reports appends, waiting fetches get an event."""

    def __init__(self) -> None:
        self._waiters: dict[tuple[str, int], set[asyncio.Event]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def notify(self, stream_id: str, partition: int) -> None:
        """Called by the backend after an append (from any thread; the loop's is cheapest)."""
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake((stream_id, partition))
        else:
            loop.call_soon_threadsafe(self._wake, (stream_id, partition))

    def _wake(self, key: tuple[str, int]) -> None:
        for event in self._waiters.get(key, ()):
            event.set()

    @contextlib.contextmanager
    def watch(self, keys: Iterable[tuple[str, int]]) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        keys = list(keys)
        for k in keys:
            self._waiters.setdefault(k, set()).add(event)
        try:
            yield event
        finally:
            for k in keys:
                waiters = self._waiters.get(k)
                if waiters is not None:
                    waiters.discard(event)
                    if not waiters:
                        del self._waiters[k]


class KafkaListener:
    """Kafka protocol front end for a :class:`~localoci.kafka.backend.Backend`.

    ``ssl_context``: a server context (TLS, i.e. SASL_SSL) or None (SASL_PLAINTEXT).
    ``sasl=False`` skips authentication: every connection acts as ``principal`` (for a
    no-auth server, as REST's switch).  ``advertised_host`` is the name Metadata gives
    clients to reconnect to (default: ``host``); under TLS it must be in the certificate.
    ``sock``: a socket already bound to ``host:port`` to serve on (then ``port`` is its)."""

    def __init__(
        self,
        backend: Backend,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        ssl_context: ssl.SSLContext | None = None,
        sasl: bool = True,
        principal: Principal | None = None,
        advertised_host: str | None = None,
        limits: ListenerLimits | None = None,
        coordinator: Coordinator | None = None,
        sock: socket.socket | None = None,
    ) -> None:
        if not sasl and principal is None:
            raise ValueError("sasl=False needs the principal every connection acts as")
        self.backend = backend
        self.host, self.port = host, (sock.getsockname()[1] if sock else port)
        self.sock = sock  # already bound (the server binds before it announces its ports)
        self.ssl_context = ssl_context
        self.sasl = sasl
        self.principal = principal
        self.advertised_host = advertised_host or host
        self.limits = limits or ListenerLimits()
        self.coordinator = coordinator or Coordinator(
            initial_rebalance_delay_ms=self.limits.initial_rebalance_delay_ms
        )
        self.appends = AppendWatch()
        self.handlers: dict[int, Handler] = {
            **sasl_handlers(),
            **api_meta.HANDLERS,
            **api_data.HANDLERS,
            **api_groups.HANDLERS,
        }
        self.counters: Counter[str] = Counter()
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task] = set()
        self._unwatch: Callable[[], None] | None = None
        self._warned: dict[str, tuple[float, int]] = {}

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.appends.bind(loop)
        self._unwatch = self.backend.watch_appends(self.appends.notify)
        self.coordinator.start()
        where: dict = {"sock": self.sock} if self.sock else {"host": self.host, "port": self.port}
        self._server = await asyncio.start_server(
            self._accept,
            **where,
            ssl=self.ssl_context,
            ssl_handshake_timeout=10.0 if self.ssl_context else None,
            backlog=1024,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("Kafka listener on %s:%d (%s)", self.host, self.port, self.security_protocol)

    async def stop(self) -> None:
        """Stop accepting, close every connection, stop the coordinator."""
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)
            self._server = None
        await self.coordinator.stop()
        if self._unwatch:
            self._unwatch()
            self._unwatch = None

    @property
    def address(self) -> tuple[str, int]:
        """``(host, port)`` the listener is bound to."""
        return self.host, self.port

    @property
    def advertised(self) -> tuple[str, int]:
        """``(host, port)`` Metadata and FindCoordinator give clients."""
        return self.advertised_host, self.port

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.advertised_host}:{self.port}"

    @property
    def security_protocol(self) -> str:
        return (
            ("SASL_SSL" if self.ssl_context else "SASL_PLAINTEXT")
            if self.sasl
            else ("SSL" if self.ssl_context else "PLAINTEXT")
        )

    # -- connections ----------------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None  # asyncio.start_server runs each callback in a task of its own
        if len(self._tasks) >= self.limits.max_connections:
            self.warn(
                "connections", "refusing a connection: %d are open (the limit)", len(self._tasks)
            )
            writer.close()
            return
        self._tasks.add(task)
        self.count("connections.accepted")
        try:
            await Connection(self, reader, writer).run()
        except asyncio.CancelledError:
            pass  # stop(): asyncio's stream callback must not see a cancelled task
        finally:
            self._tasks.discard(task)

    @property
    def open_connections(self) -> int:
        return len(self._tasks)

    # -- observability --------------------------------------------------------------------------

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] += n

    def warn(self, kind: str, msg: str, *args, exc_info: bool = False) -> None:
        """Log a warning at most once per ``warn_every_s`` per ``kind``, with the count of
        the ones held back since."""
        self.count(f"warnings.{kind}")
        now = time.monotonic()
        last, held = self._warned.get(kind, (0.0, 0))
        if now - last < self.limits.warn_every_s and last:
            self._warned[kind] = (last, held + 1)
            return
        self._warned[kind] = (now, 0)
        suffix = f" ({held} similar warnings held back)" if held else ""
        log.warning(msg + suffix, *args, exc_info=exc_info)


def sasl_handlers() -> dict[int, Handler]:
    return dict(sasl.HANDLERS)
