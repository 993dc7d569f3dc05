"""The region's CONNECT proxy: how a client that knows nothing of localoci reaches it.

A region's hostnames (``streaming.lab-1.oci.lab.invalid`` ...) resolve nowhere, on purpose.
A client that sets ``HTTPS_PROXY=http://127.0.0.1:<port>`` (the SDK's and the CLI's requests
honour it, as curl does) asks this proxy to ``CONNECT host:443``; for a hostname of the region
(:meth:`localoci.region.Realm.allows`) the proxy opens a tunnel to localoci's HTTPS listener
and copies bytes both ways, so TLS and the ``Host`` header are the client's own, end to end.

Every other request is refused and counted (``proxy_refused`` in the control channel's
stats): ``CONNECT`` to any other host or port is ``403 Forbidden``, a plain-HTTP proxy
request (``GET http://...``) is ``405``.  Nothing leaves the machine through it, so a client
that would reach a real service by mistake fails instead.  It listens on loopback only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from .region import Realm

log = logging.getLogger("localoci.proxy")
HEAD_TIMEOUT_S = 10.0
MAX_HEAD = 16 * 1024
CHUNK = 64 * 1024


class ConnectProxy:
    """Tunnels ``CONNECT <region hostname>:443`` to ``target`` (localoci's HTTPS listener)."""

    def __init__(
        self,
        realm: Realm,
        target: tuple[str, int],
        count: Callable[[str], None] = lambda name: None,
    ) -> None:
        self.realm = realm
        self.target = target
        self.count = count
        self.server: asyncio.base_events.Server | None = None
        self.tunnels: set[asyncio.Task] = set()

    async def start(self, sock) -> None:
        self.server = await asyncio.start_server(self._client, sock=sock, limit=MAX_HEAD)

    async def stop(self) -> None:
        """Stop listening and close every tunnel.  (The server calls this as soon as it is
        asked to stop: an idle keep-alive tunnel would otherwise hold its TLS connection --
        and uvicorn's shutdown -- until the TLS close times out, 30 s later.)"""
        if self.server is not None:
            self.server.close()
        for task in list(self.tunnels):
            task.cancel()
        if self.tunnels:
            await asyncio.gather(*self.tunnels, return_exceptions=True)
        if self.server is not None:
            await self.server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.tunnels.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except TimeoutError:
            pass
        finally:
            writer.close()
            if task is not None:
                self.tunnels.discard(task)

    async def _answer(self, writer: asyncio.StreamWriter, status: str, text: str) -> None:
        body = (text + "\n").encode()
        writer.write(
            f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), HEAD_TIMEOUT_S)
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        region = self.realm.region
        if len(parts) != 3 or parts[0] != "CONNECT":
            self.count("proxy_refused")
            log.warning("proxy refused %r: not a CONNECT", line[:200])
            await self._answer(
                writer,
                "405 Method Not Allowed",
                f"This proxy only tunnels HTTPS (CONNECT) to the hostnames of region {region}.",
            )
            return
        host, _, port_text = parts[1].rpartition(":")
        host = host.strip("[]")
        port = int(port_text) if port_text.isdigit() else -1
        if not self.realm.allows(host, port):
            self.count("proxy_refused")
            log.warning("proxy refused CONNECT %s", parts[1][:200])
            await self._answer(
                writer,
                "403 Forbidden",
                f"Refused: {parts[1]} is not a hostname of region {region} (*.{self.realm.suffix}, "
                f"port {self.realm.port or 443}). This proxy reaches localoci and nothing else.",
            )
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError as exc:
            await self._answer(writer, "502 Bad Gateway", f"localoci is not answering: {exc}")
            return
        self.count("proxy_tunnels")
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await writer.drain()
        pipes = [
            asyncio.ensure_future(_pipe(reader, up_writer)),
            asyncio.ensure_future(_pipe(up_reader, writer)),
        ]
        try:
            # Either side closing ends the tunnel: both sockets close, so the other end sees
            # the connection go instead of waiting for a TLS close that never comes.
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for p in pipes:
                p.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            up_writer.close()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy until EOF (a TLS close travels as data before it)."""
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
