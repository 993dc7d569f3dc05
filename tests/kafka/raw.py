"""A raw-socket Kafka client for protocol-level tests: frames built with kafka-python's
request classes (or by hand), answers read back byte for byte."""

from __future__ import annotations

import socket
import struct

from kafka.protocol.metadata import ApiVersionsRequest
from kafka.protocol.sasl import SaslAuthenticateRequest, SaslHandshakeRequest


class Raw:
    def __init__(self, port: int, timeout: float = 5.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.corr = 0

    def close(self) -> None:
        self.sock.close()

    def send_bytes(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send(self, request, version: int) -> int:
        self.corr += 1
        request.API_VERSION = version
        request.with_header(correlation_id=self.corr, client_id="raw-test")
        self.sock.sendall(bytes(request.encode(header=True, framed=True)))
        return self.corr

    def read_frame(self) -> bytes | None:
        """The next answer frame (without its size), or None when the server closed."""
        head = self._exact(4)
        if head is None:
            return None
        (size,) = struct.unpack(">i", head)
        return self._exact(size) if size else b""

    def _exact(self, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            try:
                chunk = self.sock.recv(n - len(buf))
            except ConnectionResetError:
                return None
            if not chunk:
                return None
            buf += chunk
        return buf

    def closed(self) -> bool:
        """Whether the server closed the connection (EOF within the timeout)."""
        try:
            return self.sock.recv(1) == b""
        except ConnectionResetError:
            return True

    def call(self, request, version: int, response_cls):
        corr = self.send(request, version)
        frame = self.read_frame()
        assert frame is not None, "the server closed the connection"
        resp = response_cls.decode(frame, version=version, header=True)
        assert resp.header.correlation_id == corr
        return resp

    def login(self, username: str, password: str, handshake_version: int = 1):
        from kafka.protocol.metadata import ApiVersionsResponse
        from kafka.protocol.sasl import SaslAuthenticateResponse, SaslHandshakeResponse

        self.call(ApiVersionsRequest(), 0, ApiVersionsResponse)
        hs = self.call(
            SaslHandshakeRequest(mechanism="PLAIN"), handshake_version, SaslHandshakeResponse
        )
        assert hs.error_code == 0
        return self.call(
            SaslAuthenticateRequest(
                auth_bytes=b"\0" + username.encode() + b"\0" + password.encode()
            ),
            1,
            SaslAuthenticateResponse,
        )
