"""Run localoci as a process: bind 127.0.0.1, write ``server.json``, serve with uvicorn.

``server.json`` in the data directory tells clients (labhelpers, tests, the CLI helper) where
the server is: ``{"url", "pid", "port", "config_file", "profile"}``.  A lock file keeps two
servers off one database.  With ``idle_exit_s`` the server stops by itself when nobody has
called it for that long (how labhelpers starts it on demand).
"""

from __future__ import annotations

import asyncio
import fcntl
import ipaddress
import json
import logging
import os
import socket
import sqlite3
import time
from pathlib import Path

import uvicorn

from . import errors
from .app import create_app
from .bootstrap import ensure_identity
from .service import ServerConfig, Service

log = logging.getLogger("localoci")
RETENTION_SWEEP_S = 30.0


class ServerError(RuntimeError):
    """localoci cannot start; the message says why and what to do."""


def default_data_dir() -> Path:
    return Path(os.environ.get("LOCALOCI_HOME") or Path.home() / ".localoci").expanduser().resolve()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ServerError(
            f"cannot listen on {host}:{port} ({exc.strerror}). Another program uses that port: "
            "stop it, or start localoci with --port 0 (any free port) or another --port."
        ) from None
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _lock(data_dir: Path):
    f = open(data_dir / "localoci.lock", "a+")  # noqa: SIM115 - held for the process lifetime
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        info = read_server_info(data_dir)
        where = f" at {info['url']} (pid {info['pid']})" if info else ""
        raise ServerError(
            f"another localoci already serves {data_dir}{where}. Use it, stop it "
            "(python -m localoci stop), or give this one another --data-dir."
        ) from None
    return f


def read_server_info(data_dir: Path) -> dict | None:
    try:
        return json.loads((data_dir / "server.json").read_text())
    except (OSError, ValueError):
        return None


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
            log.warning("out of file descriptors: connections wait until some close (%d similar "
                        "messages suppressed): %s", last["dropped"], context.get("exception"))
            last.update(at=now, dropped=0)
            return
        loop.default_exception_handler(context)

    return handler


def serve(config: ServerConfig, verbose: bool = False, announce=print) -> None:
    if not is_loopback(config.host) and not config.allow_remote:
        raise ServerError(
            f"refusing to listen on {config.host}: localoci binds to loopback (127.0.0.1) only, "
            "because its data and keys are for you alone. Pass --allow-remote if you really mean it."
        )
    config.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        probe = config.data_dir / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ServerError(
            f"the data directory {config.data_dir} is not writable ({exc.strerror}); "
            "choose another with --data-dir or LOCALOCI_HOME, or fix its permissions."
        ) from None
    lock = _lock(config.data_dir)
    _setup_logging(config.data_dir, verbose)
    _raise_open_file_limit()
    sock = _bind(config.host, config.port)
    port = sock.getsockname()[1]
    config.port = port
    try:
        svc = Service(config)
        ident = ensure_identity(svc)
    except (errors.OciError, sqlite3.Error, OSError) as exc:  # e.g. a full disk: say so, no traceback
        sock.close()
        detail = exc.message if isinstance(exc, errors.OciError) else f"{type(exc).__name__}: {exc}"
        raise ServerError(f"cannot open its data in {config.data_dir}: {detail}") from None
    app = create_app(svc=svc)
    uv = uvicorn.Server(uvicorn.Config(
        app, log_level="warning", access_log=False, http="httptools", lifespan="on",
        timeout_keep_alive=30, limit_concurrency=2048,
    ))
    svc.extensions["stop"] = lambda: setattr(uv, "should_exit", True)

    async def background() -> None:
        last_sweep = 0.0
        while not uv.should_exit:
            await asyncio.sleep(0.5)
            now = time.monotonic()
            if now - last_sweep >= RETENTION_SWEEP_S:
                last_sweep = now
                try:
                    svc.enforce_retention()
                except Exception:  # noqa: BLE001 - a failed sweep must not stop the server
                    log.exception("retention sweep failed")
            if config.idle_exit_s and now - app.last_request > config.idle_exit_s:
                log.info("idle for %.0f s: stopping", config.idle_exit_s)
                uv.should_exit = True

    tasks: list[asyncio.Task] = []

    async def on_start() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(_quiet_accept_errors())
        tasks.append(loop.create_task(background()))

    async def on_stop() -> None:
        for t in tasks:
            t.cancel()

    svc.extensions.setdefault("startup", []).append(on_start)
    svc.extensions.setdefault("shutdown", []).append(on_stop)
    info = {
        "url": svc.base_url, "pid": os.getpid(), "port": port, "host": config.host,
        "config_file": str(ident.config_file), "profile": ident.profile,
        "limits": config.limits.enabled, "auth": config.auth,
    }
    info_path = config.data_dir / "server.json"
    tmp = info_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(info, indent=2))
    tmp.replace(info_path)
    log.info("localoci serving %s (data %s, limits %s, auth %s)", svc.base_url, config.data_dir,
             config.limits.enabled, config.auth)
    announce(f"localoci {svc.base_url} (data: {config.data_dir}; config: {ident.config_file} [{ident.profile}])",
             flush=True)
    try:
        uv.run(sockets=[sock])
    finally:
        current = read_server_info(config.data_dir)
        if current and current.get("pid") == os.getpid():
            info_path.unlink(missing_ok=True)
        svc.store.conn.close()
        lock.close()
