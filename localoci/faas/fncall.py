"""The FDK's ``http-stream`` contract, from the platform's side: one HTTP/1.1 ``POST /call``
over the function process's unix socket, and its answer parsed.  (The process that listens
there is :mod:`.fnhost`; starting and stopping it is :mod:`.runtime`'s job.)

>>> r = parse_http(b"HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nFn-Fdk-Version: x\\r\\n\\r\\nhi!")
>>> r.status, r.header("fn-fdk-version"), r.body
(200, 'x', b'hi')
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path


@dataclass
class FnResult:
    status: int  # the FDK's status to the platform: 200, 502 or 504
    headers: list[tuple[str, str]]  # lower-case names
    body: bytes

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k == name:
                return v
        return None


def parse_http(raw: bytes) -> FnResult:
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("no HTTP response")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip().lower(), v.strip()))
    result = FnResult(status, headers, body)
    length = result.header("content-length")
    if length is not None and length.isdigit():
        result.body = body[: int(length)]
    elif (result.header("transfer-encoding") or "").lower() == "chunked":
        out, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2 :]
        result.body = out
    return result


async def call(sock: Path, headers: dict[str, str], body: bytes) -> FnResult:
    """One ``POST /call`` to a function's FDK listener on its unix socket; the raw answer, parsed."""
    reader, writer = await asyncio.open_unix_connection(str(sock))
    try:
        lines = [
            "POST /call HTTP/1.1",
            "host: localhost",
            f"content-length: {len(body)}",
            "connection: close",
        ]
        for k, v in headers.items():
            if k.lower() in ("content-length", "connection", "host", "transfer-encoding"):
                continue
            lines.append(f"{k}: {v}".replace("\r", " ").replace("\n", " "))
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body)
        await writer.drain()
        raw = await reader.readuntil(b"\r\n\r\n")
        result = parse_http(raw)
        length = result.header("content-length")
        if length is not None and length.isdigit():
            raw += await reader.readexactly(int(length))
        else:
            raw += await reader.read()
    finally:
        writer.close()
    return parse_http(raw)
