"""One client connection: framing, the SASL state machine, dispatch, answers in order.

Rules (Apache Kafka's, unless marked as localoci's choice):

* a frame is ``int32 size`` + header + body; a size below 10 or above ``max_frame_bytes``
  closes the connection before anything is allocated (a 2 GB prefix costs nothing);
* requests are answered one at a time, in order: the next frame is not read before the
  answer to the previous one is written (Kafka mutes the channel the same way), so a
  long-polling Fetch or a JoinGroup waiting for a rebalance holds its own connection only;
* before authentication only ApiVersions, SaslHandshake and SaslAuthenticate are legal;
  anything else closes the connection.  A failed authentication is answered with
  SASL_AUTHENTICATION_FAILED and its message, then the connection is closed when the
  client hangs up or after ``close_delay_s`` (Kafka: 100 ms), whichever is first;
* SaslHandshake v0 means the next frame is a bare PLAIN token (no Kafka header), answered with
  an empty frame on success and a closed connection on failure;
* ApiVersions at an unknown version gets the v0-format UNSUPPORTED_VERSION answer; any other
  unknown key or version closes the connection (clients never send outside the table);
* Produce with acks=0 gets no answer at all; if it fails, the connection is closed so the
  producer notices (Kafka does the same);
* a throttled answer (``conn.mute_ms``) is sent at once with ``throttle_time_ms`` and the
  connection is not read for that long (KIP-219), so a client that ignores the field
  (librdkafka) is slowed all the same;
* localoci's choices: a connection idle for ``idle_timeout_s`` (Kafka: 10 minutes) or still
  unauthenticated after ``auth_timeout_s`` is closed; a frame must arrive whole within
  ``frame_timeout_s`` once its size is read.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import struct
from typing import TYPE_CHECKING

from . import protocol
from .backend import Principal
from .errors import AuthenticationFailed
from .protocol import MalformedRequest
from .sasl import AUTHENTICATED, RAW_TOKEN, START, parse_plain, parse_username

if TYPE_CHECKING:
    from .listener import KafkaListener

log = logging.getLogger("localoci.kafka")


class CloseConnection(Exception):
    """End this connection quietly (the reason is already logged, if worth logging)."""


class Connection:
    """State of one client connection; handlers read and set its public attributes."""

    def __init__(
        self, listener: KafkaListener, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.listener = listener
        self.backend = listener.backend
        self.reader, self.writer = reader, writer
        peer = writer.get_extra_info("peername") or ("?", 0)
        self.peer = f"{peer[0]}:{peer[1]}"
        self.client_host = f"/{peer[0]}"
        self.principal: Principal | None = listener.principal if not listener.sasl else None
        self.sasl_state = AUTHENTICATED if self.principal else START
        self.client_id: str = ""
        self.mute_ms = 0
        self.close_after = False

    @property
    def who(self) -> Principal:
        """The authenticated principal; handlers other than the pre-auth ones run only after SASL.

        ``dispatch`` closes a connection that sends anything outside ``protocol.PRE_AUTH``
        before authenticating, so a handler reaching this without one is a listener bug.
        """
        if self.principal is None:
            raise RuntimeError(f"{self.peer}: handler ran before SASL authentication")
        return self.principal

    # -- the loop -----------------------------------------------------------------------------

    async def run(self) -> None:
        lim = self.listener.limits
        try:
            while True:
                timeout = lim.idle_timeout_s if self.principal else lim.auth_timeout_s
                frame = await self._read_frame(timeout)
                if frame is None:
                    return
                if self.sasl_state == RAW_TOKEN:
                    await self._raw_token(frame)
                    continue
                out = await self._handle(frame)
                if out:
                    self.writer.write(out)
                    await self.writer.drain()
                if self.close_after:
                    await self._linger()
                    return
                if self.mute_ms:
                    await asyncio.sleep(self.mute_ms / 1000)
                    self.mute_ms = 0
        except CloseConnection:
            pass
        except MalformedRequest as exc:
            self.listener.warn(
                "malformed", "closing %s (client %r): %s", self.peer, self.client_id, exc
            )
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, OSError):
            pass
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - one connection's bug must not stop the listener
            self.listener.warn(
                "internal", "internal error on %s; closing it", self.peer, exc_info=True
            )
        finally:
            self.writer.close()

    async def _linger(self) -> None:
        """After a refusal, wait until the client hangs up (at most ``close_delay_s``) before
        closing: a client that sees EOF together with the answer may drop the answer
        (kafka-python does), and Kafka delays such closes too
        (``connection.failed.authentication.delay.ms``, 100 ms)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.listener.limits.close_delay_s
        while (left := until - loop.time()) > 0:
            try:
                if not await asyncio.wait_for(self.reader.read(65536), left):
                    return
            except TimeoutError:
                return

    async def _read_frame(self, idle_timeout: float) -> bytes | None:
        lim = self.listener.limits
        try:
            head = await asyncio.wait_for(self.reader.readexactly(4), idle_timeout)
        except asyncio.IncompleteReadError as exc:
            if exc.partial:
                self.listener.warn(
                    "truncated", "%s closed in the middle of a frame size", self.peer
                )
            return None
        except TimeoutError:
            what = "idle" if self.principal else "unauthenticated"
            log.debug("closing %s connection %s after %.0f s", what, self.peer, idle_timeout)
            return None
        (size,) = struct.unpack(">i", head)
        if size < 10 or size > lim.max_frame_bytes:
            self.listener.warn(
                "frame-size",
                "closing %s: frame size %d is outside 10..%d bytes "
                "(not a Kafka client, or TLS/plaintext mismatch?)",
                self.peer,
                size,
                lim.max_frame_bytes,
            )
            return None
        try:
            return await asyncio.wait_for(self.reader.readexactly(size), lim.frame_timeout_s)
        except asyncio.IncompleteReadError as exc:
            self.listener.warn(
                "truncated",
                "%s closed after %d of a %d-byte frame",
                self.peer,
                len(exc.partial),
                size,
            )
            return None
        except TimeoutError:
            self.listener.warn(
                "slow-frame",
                "closing %s: a %d-byte frame did not arrive within %.0f s",
                self.peer,
                size,
                lim.frame_timeout_s,
            )
            return None

    async def _handle(self, frame: bytes) -> bytes | None:
        header = protocol.parse_header(frame)
        self.client_id = header.client_id or ""
        key, version = header.api_key, header.api_version
        self.listener.count(f"requests.{key}")
        if key == protocol.API_VERSIONS and not protocol.supported(key, version):
            return protocol.unsupported_api_versions(header.correlation_id)
        if not protocol.supported(key, version):
            api = protocol.APIS.get(key)
            what = f"{api.name} v{version}" if api else f"API key {key} v{version}"
            self.listener.warn(
                f"unsupported.{key}",
                "closing %s (client %r): %s is not supported by localoci",
                self.peer,
                self.client_id,
                what,
            )
            raise CloseConnection
        if self.principal is None and key not in protocol.PRE_AUTH:
            self.listener.warn(
                "pre-auth",
                "closing %s (client %r): %s before SASL "
                "authentication (is security.protocol SASL_SSL/SASL_PLAINTEXT?)",
                self.peer,
                self.client_id,
                protocol.APIS[key].name,
            )
            raise CloseConnection
        request = protocol.decode_body(header, frame)
        handler = self.listener.handlers[key]
        response = await handler(self, version, request)
        if response is None:
            return None
        return protocol.encode_response(header, response)

    # -- SASL ---------------------------------------------------------------------------------

    def authenticate(self, token: bytes) -> AuthenticationFailed | None:
        """Check a PLAIN token; on success the connection is authenticated."""
        try:
            username, password = parse_plain(token)
            principal = self.backend.authenticate(parse_username(username), password)
            dupes = _duplicates(self.backend.topics(principal))
            if dupes:
                raise AuthenticationFailed.duplicate_streams(principal.pool_id, dupes)
        except AuthenticationFailed as exc:
            self.listener.count("auth.failed")
            self.listener.warn(
                f"auth.{exc.part}",
                "authentication failed on %s (client %r): %s",
                self.peer,
                self.client_id,
                exc.message,
            )
            return exc
        self.principal, self.sasl_state = principal, AUTHENTICATED
        self.listener.count("auth.ok")
        log.debug(
            "%s authenticated as %s/%s for pool %s",
            self.peer,
            principal.tenancy,
            principal.user,
            principal.pool_id,
        )
        return None

    async def _raw_token(self, frame: bytes) -> None:
        """SaslHandshake v0: the frame is the bare PLAIN token."""
        if self.authenticate(frame) is not None:
            raise CloseConnection
        self.writer.write(b"\x00\x00\x00\x00")
        await self.writer.drain()


def _duplicates(topics) -> list[str]:
    seen: dict[str, int] = {}
    for t in topics:
        seen[t.name] = seen.get(t.name, 0) + 1
    return sorted(n for n, c in seen.items() if c > 1)


__all__ = ["CloseConnection", "Connection"]
