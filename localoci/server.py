"""Run localoci: bind 127.0.0.1, write ``server.json``, serve the app with uvicorn.

:class:`Server` is one localoci bound and ready: it holds the data directory's lock, its
:class:`~localoci.service.Service` and app, and the uvicorn server; :meth:`Server.run` serves
until stopped (in the main thread for ``python -m localoci serve``, in a thread for tests
that serve in-process).  ``server.json`` in the data directory tells clients where it is (its
format: :mod:`localctl.info`), with the control URL apart from the service URL.  A lock file
keeps two servers off one database.  With ``idle_exit_s`` the server stops by itself when
nobody has called it for that long (how labhelpers starts it on demand).

With ``config.kafka_port`` set (the command line's default) a Kafka listener serves the same
streams on a port of its own (:class:`~localoci.kafka_side.KafkaSide`).

In region mode (``config.realm``, ``serve --as-region``) the service port speaks HTTPS and two
more loopback ports open (the control side channel and the CONNECT proxy):
:class:`~localoci.regional.RegionSide`.
"""

from __future__ import annotations

import asyncio
import fcntl
import ipaddress
import logging
import os
import socket
import sqlite3
import time
from pathlib import Path

import uvicorn

import localctl

from . import errors
from .app import create_app, create_control_app
from .bootstrap import ensure_identity
from .kafka_side import KafkaSide
from .limits import Monotonic
from .regional import RegionSide
from .service import ServerConfig, Service

log = logging.getLogger("localoci")
RETENTION_SWEEP_S = 30.0


class ServerError(RuntimeError):
    """localoci cannot start; the message says why and what to do."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int, option: str = "--port") -> socket.socket:
    # proto=IPPROTO_TCP, not the default 0: asyncio sets TCP_NODELAY only on sockets whose proto
    # says TCP, and accepted sockets inherit it.  Without it every answer on a kept-alive
    # connection (headers, then body) waited ~40 ms for the client's delayed ACK (Nagle).
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServerError(
            f"cannot listen on {host}:{port} ({exc.strerror}). Another program uses that port: "
            f"stop it, or start localoci with {option} 0 (any free port) or another {option}."
        ) from None
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _lock(data_dir: Path):
    f = open(data_dir / "localoci.lock", "a+")  # noqa: SIM115 - held for the server's lifetime
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        info = localctl.read_info(data_dir)
        where = f" at {info.url} (pid {info.pid})" if info else ""
        raise ServerError(
            f"another localoci already serves {data_dir}{where}. Use it, stop it "
            "(python -m localoci stop), or give this one another --data-dir."
        ) from None
    return f


def _check_writable(data_dir: Path) -> None:
    try:
        probe = data_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ServerError(
            f"the data directory {data_dir} is not writable ({exc.strerror}); "
            "choose another with --data-dir or LOCALOCI_HOME, or fix its permissions."
        ) from None


def _setup_logging(data_dir: Path, verbose: bool) -> None:
    handler = logging.FileHandler(data_dir / "server.log")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("localoci")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False


def _raise_open_file_limit(want: int = 8192) -> None:
    """Lift the soft open-file limit towards the hard one (1024, or 256 on macOS, is below
    uvicorn's limit_concurrency): a burst of connections then queues instead of failing."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = want if hard == resource.RLIM_INFINITY else min(want, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ImportError, ValueError, OSError):
        pass


def _quiet_accept_errors():
    """An event-loop exception handler that logs "out of file descriptors" once per 10 s.

    asyncio logs a traceback for every refused accept() when the process runs out of file
    descriptors; a burst of connections wrote ~50 000 of them (tens of MB) into stdout.log.
    It keeps accepting once descriptors free up; only the log is tamed."""
    last = {"at": 0.0, "dropped": 0}

    def handler(loop, context) -> None:
        if context.get("message") == "socket.accept() out of system resource":
            now = time.monotonic()
            if now - last["at"] < 10:
                last["dropped"] += 1
                return
            log.warning(
                "out of file descriptors: connections wait until some close (%d similar "
                "messages suppressed): %s",
                last["dropped"],
                context.get("exception"),
            )
            last.update(at=now, dropped=0)
            return
        loop.default_exception_handler(context)

    return handler


class Server:
    """One localoci, bound and ready to :meth:`run`.

    ``log_file``: send the ``localoci`` logger to ``<data dir>/server.log`` (what the process
    does; a test serving in-process leaves logging to pytest).  ``monotonic``: the clock the
    rate limits run on (see :class:`~localoci.service.Service`).
    """

    def __init__(
        self,
        config: ServerConfig,
        *,
        verbose: bool = False,
        log_file: bool = True,
        monotonic: Monotonic = time.monotonic,
    ) -> None:
        if not is_loopback(config.host) and not config.allow_remote:
            raise ServerError(
                f"refusing to listen on {config.host}: localoci binds to loopback (127.0.0.1) only, "
                "because its data and keys are for you alone. Pass --allow-remote if you really mean it."
            )
        config.data_dir.mkdir(parents=True, exist_ok=True)
        _check_writable(config.data_dir)
        self.config = config
        self._lock = _lock(config.data_dir)
        try:
            if log_file:
                _setup_logging(config.data_dir, verbose)
            self._sock = _bind(config.host, config.port)
            config.port = self._sock.getsockname()[1]
            try:
                self.svc = Service(config, monotonic)
                self.identity = ensure_identity(self.svc)
            except (
                errors.OciError,
                sqlite3.Error,
                OSError,
            ) as exc:  # e.g. a full disk: say so, no traceback
                self._sock.close()
                if isinstance(
                    exc, sqlite3.OperationalError
                ):  # full disk, read-only directory: name the fix
                    exc = errors.storage_unavailable(str(exc))
                detail = (
                    exc.message
                    if isinstance(exc, errors.OciError)
                    else f"{type(exc).__name__}: {exc}"
                )
                raise ServerError(f"cannot open its data in {config.data_dir}: {detail}") from None
        except BaseException:
            self._lock.close()
            raise
        self.app = create_app(svc=self.svc)
        tls: dict = {}
        self.control_url = localctl.control_url_for(self.svc.base_url)
        self.region: RegionSide | None = None
        if config.realm is not None:
            try:
                self.region = RegionSide(
                    self.svc,
                    create_control_app(self.svc),
                    _bind(config.host, config.control_port),
                    _bind(config.host, config.proxy_port),
                )
            except BaseException:
                self._sock.close()
                self.svc.close()
                self._lock.close()
                raise
            tls = self.region.tls_options
            self.control_url = self.region.control_url
        self.kafka: KafkaSide | None = None
        if config.kafka_port is not None:
            try:
                self.kafka = KafkaSide(
                    self.svc, _bind(config.host, config.kafka_port, "--kafka-port")
                )
            except BaseException:
                self._sock.close()
                if self.region is not None:
                    self.region.close()
                self.svc.close()
                self._lock.close()
                raise
        self.uvicorn = uvicorn.Server(
            uvicorn.Config(
                self.app,
                log_level="warning",
                access_log=False,
                http="httptools",
                lifespan="on",
                timeout_keep_alive=30,
                limit_concurrency=2048,
                **tls,
            )
        )
        self._tasks: list[asyncio.Task] = []
        lifecycle = self.svc.lifecycle
        lifecycle.stop = self.stop
        lifecycle.on_startup.append(self._start_background)
        lifecycle.on_shutdown.append(self._stop_background)
        self.info = localctl.ServerInfo(
            url=self.svc.base_url,
            control_url=self.control_url,
            pid=os.getpid(),
            port=config.port,
            host=config.host,
            config_file=str(self.identity.config_file),
            profile=self.identity.profile,
            limits=config.limits.enabled,
            auth=config.auth,
            region=config.realm.region if config.realm is not None else None,
            client_env=dict(self.svc.client_env),
            kafka=self.kafka.info() if self.kafka is not None else None,
            data_dir=config.data_dir,
        )
        localctl.write_info(config.data_dir, self.info)
        self._closed = False

    @property
    def url(self) -> str:
        return self.svc.base_url

    def run(self) -> None:
        """Serve until :meth:`stop`; then release everything.

        In the main thread uvicorn also stops on SIGINT/SIGTERM, and then re-raises the signal,
        which ends the process before this clean-up: ``server.json`` stays (clients check health,
        so a stale one is harmless) and SQLite recovers its WAL on the next start, as after a
        crash.  That path is the one the crash-safety checks prove, so it is kept.
        """
        log.info(
            "localoci serving %s (data %s, limits %s, auth %s)",
            self.url,
            self.config.data_dir,
            self.config.limits.enabled,
            self.config.auth,
        )
        try:
            self.uvicorn.run(sockets=[self._sock])
        finally:
            self.close()

    def stop(self) -> None:
        """Ask the server to stop (from any thread); :meth:`run` returns once it has."""
        self.uvicorn.should_exit = True

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        localctl.remove_info(self.config.data_dir, os.getpid())
        self._sock.close()
        if self.region is not None:
            self.region.close()
        if self.kafka is not None:
            self.kafka.close()
        self.svc.close()
        self._lock.close()

    # -- the background task: retention sweep and idle exit ----------------------------------

    async def _start_background(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(_quiet_accept_errors())
        if self.region is not None:
            await self.region.start()
        if self.kafka is not None:
            await self.kafka.start()
        self._tasks.append(loop.create_task(self._background()))

    async def _stop_background(self) -> None:
        for t in self._tasks:
            t.cancel()
        if self.kafka is not None:
            await self.kafka.stop()
        if self.region is not None:
            await self.region.stop()

    async def _background(self) -> None:
        last_sweep = 0.0
        idle_exit_s = self.config.idle_exit_s
        while not self.uvicorn.should_exit:
            await asyncio.sleep(0.5)
            now = time.monotonic()
            if now - last_sweep >= RETENTION_SWEEP_S:
                last_sweep = now
                try:
                    self.svc.enforce_retention()
                except Exception:  # noqa: BLE001 - a failed sweep must not stop the server
                    log.exception("retention sweep failed")
            if idle_exit_s and now - self.app.last_request > idle_exit_s:
                log.info("idle for %.0f s: stopping", idle_exit_s)
                self.uvicorn.should_exit = True
        if self.region is not None:
            await self.region.proxy.stop()  # now: its idle tunnels would hold the shutdown


def serve(config: ServerConfig, verbose: bool = False, announce=print) -> None:
    """``python -m localoci serve``: bind, announce where, serve in the foreground."""
    _raise_open_file_limit()
    server = Server(config, verbose=verbose)
    ident = server.identity
    announce(
        f"localoci {server.url} (data: {config.data_dir}; config: {ident.config_file} [{ident.profile}])",
        flush=True,
    )
    if server.kafka is not None:
        k = server.kafka.info()
        ca = f"; CA {k.ca_file}" if k.ca_file else ""
        announce(
            f"  Kafka {k.bootstrap_servers} ({k.security_protocol}, PLAIN{ca}); client settings: "
            f"python -m localoci kafka-config --data-dir {config.data_dir}",
            flush=True,
        )
    if config.realm is not None:
        announce(
            f"  region {config.realm.region}: control {server.control_url}; for clients: "
            f'eval "$(python -m localoci env --data-dir {config.data_dir})"',
            flush=True,
        )
    server.run()
