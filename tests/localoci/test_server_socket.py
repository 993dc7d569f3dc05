"""The listening socket localoci serves on: loopback, and answers never held back by Nagle."""

from __future__ import annotations

import asyncio
import socket

from localoci.server import _bind


def test_accepted_connections_send_without_waiting_for_acks():
    """Every answer is two writes (headers, body); without TCP_NODELAY the second one waits for
    the client's delayed ACK, ~40 ms per call on a kept-alive connection."""
    seen: list[int] = []

    async def main() -> None:
        sock = _bind("127.0.0.1", 0)

        async def on_client(reader, writer) -> None:
            seen.append(
                writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            )
            writer.close()

        server = await asyncio.start_server(on_client, sock=sock)
        port = sock.getsockname()[1]
        _, w = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        w.close()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    assert seen and seen[0] != 0
