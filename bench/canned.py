"""A minimal server that answers the SDK with canned replies: the SDK's own ceiling.

Same stack as localoci (uvicorn + httptools, a bare ASGI callable) but no routing, auth,
validation or storage: PutMessages gets a precomputed result for its batch size, GetMessages
a precomputed batch.  What the SDK spends against it is the SDK's own cost.
Run: ``python -m bench.canned PORT_FILE BATCH GET_LIMIT``.
"""

from __future__ import annotations

import base64
import json
import socket
import sys

import uvicorn


def make_app(batch: int, get_limit: int, value_size: int = 1000):
    stamp = "2026-01-01T00:00:00.000Z"
    put_body = json.dumps(
        {
            "failures": 0,
            "entries": [{"partition": "0", "offset": i, "timestamp": stamp} for i in range(batch)],
        }
    ).encode()
    value = base64.b64encode(b"x" * value_size).decode()
    get_bodies: dict[int, bytes] = {}

    def get_body(limit: int) -> bytes:
        if limit not in get_bodies:
            get_bodies[limit] = json.dumps(
                [
                    {
                        "stream": "bench",
                        "partition": "0",
                        "key": None,
                        "value": value,
                        "offset": i,
                        "timestamp": stamp,
                    }
                    for i in range(limit)
                ]
            ).encode()
        return get_bodies[limit]

    cursor = base64.b64encode(b'{"cursorType":"partition"}').decode()

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        if scope["method"] == "GET":
            query = dict(
                p.split("=", 1) for p in scope["query_string"].decode().split("&") if "=" in p
            )
            body = get_body(min(int(query.get("limit", get_limit)), get_limit))
        else:
            body = put_body
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"opc-request-id", b"canned"),
            (b"opc-next-cursor", cursor.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    port_file, batch, get_limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    # IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted sockets (as localoci's server does).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    with open(port_file, "w") as f:
        f.write(str(sock.getsockname()[1]))
    uvicorn.Server(
        uvicorn.Config(
            make_app(batch, get_limit),
            log_level="warning",
            http="httptools",
            access_log=False,
            lifespan="off",
        )
    ).run(sockets=[sock])


if __name__ == "__main__":
    main()
