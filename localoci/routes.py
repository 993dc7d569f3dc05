"""Streaming's routes (messages and admin) and localoci's own ``/_localoci/`` endpoints."""

from __future__ import annotations

import os

from . import __version__, errors
from .ops import stream_pools, streams, work_requests
from .ops.consumer_commit import consumer_commit
from .ops.consumer_heartbeat import consumer_heartbeat
from .ops.create_cursor import create_cursor
from .ops.create_group_cursor import create_group_cursor
from .ops.get_group import get_group
from .ops.get_messages import get_messages
from .ops.put_messages import put_messages
from .ops.update_group import update_group
from .service import Service
from .timefmt import format_ms
from .wire import Route, WireRequest, WireResponse, route

V = "/20180418"


def _page(items: list, next_page: str | None) -> WireResponse:
    return WireResponse(200, items, {"opc-next-page": next_page} if next_page else {})


# -- messages -----------------------------------------------------------------------------------

def h_put_messages(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, put_messages(svc, r.params["stream_id"], r.json()))


def h_get_messages(svc: Service, r: WireRequest) -> WireResponse:
    batch, nxt = get_messages(svc, r.params["stream_id"], r.query)
    return WireResponse(200, batch.to_json(), {"opc-next-cursor": nxt})


def h_create_cursor(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, create_cursor(svc, r.params["stream_id"], r.json()))


def h_create_group_cursor(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, create_group_cursor(svc, r.params["stream_id"], r.json()))


def h_commit(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, consumer_commit(svc, r.params["stream_id"], r.query.get("cursor")))


def h_heartbeat(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, consumer_heartbeat(svc, r.params["stream_id"], r.query.get("cursor")))


def h_get_group(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, get_group(svc, r.params["stream_id"], r.params["group_name"]))


def h_update_group(svc: Service, r: WireRequest) -> WireResponse:
    update_group(svc, r.params["stream_id"], r.params["group_name"], r.json())
    return WireResponse(204, None)


# -- admin --------------------------------------------------------------------------------------

def h_create_stream(svc: Service, r: WireRequest) -> WireResponse:
    body, headers = streams.create_stream(svc, r.json())
    return WireResponse(200, body, headers)


def h_list_streams(svc: Service, r: WireRequest) -> WireResponse:
    return _page(*streams.list_streams(svc, r.query))


def h_get_stream(svc: Service, r: WireRequest) -> WireResponse:
    body, headers = streams.get_stream(svc, r.params["stream_id"])
    return WireResponse(200, body, headers)


def h_update_stream(svc: Service, r: WireRequest) -> WireResponse:
    body, headers = streams.update_stream(svc, r.params["stream_id"], r.json(), r.headers.get("if-match"))
    return WireResponse(200, body, headers)


def h_delete_stream(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(204, None, streams.delete_stream(svc, r.params["stream_id"], r.headers.get("if-match")))


def h_change_stream_compartment(svc: Service, r: WireRequest) -> WireResponse:
    headers = streams.change_compartment(svc, r.params["stream_id"], r.json(), r.headers.get("if-match"))
    return WireResponse(200, None, headers)


def h_create_pool(svc: Service, r: WireRequest) -> WireResponse:
    body, headers = stream_pools.create_stream_pool(svc, r.json())
    return WireResponse(200, body, headers)


def h_list_pools(svc: Service, r: WireRequest) -> WireResponse:
    return _page(*stream_pools.list_stream_pools(svc, r.query))


def h_get_pool(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, stream_pools.get_stream_pool(svc, r.params["pool_id"]))


def h_update_pool(svc: Service, r: WireRequest) -> WireResponse:
    body, headers = stream_pools.update_stream_pool(svc, r.params["pool_id"], r.json())
    return WireResponse(200, body, headers)


def h_delete_pool(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(202, None, stream_pools.delete_stream_pool(svc, r.params["pool_id"]))


def h_get_work_request(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, work_requests.get_work_request(svc, r.params["wr_id"]))


def h_list_work_requests(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, work_requests.list_work_requests(svc, r.query))


def h_work_request_details(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, work_requests.work_request_details(svc, r.params["wr_id"]))


# -- localoci's own endpoints (unsigned; loopback only) -----------------------------------------

def h_health(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, {
        "status": "ok",
        "version": __version__,
        "pid": os.getpid(),
        "url": svc.base_url,
        "dataDir": str(svc.data_dir),
        "limits": svc.limits.enabled,
        "auth": svc.config.auth,
        "now": format_ms(svc.clock.now_ms()),
    })


def h_clock_get(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, {"now": format_ms(svc.clock.now_ms()), "offsetMs": svc.clock.offset_ms})


def h_clock_advance(svc: Service, r: WireRequest) -> WireResponse:
    body = r.json()
    seconds = body.get("advanceSeconds") if isinstance(body, dict) else None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 10 * 365 * 86400:
        raise errors.invalid_parameter("Send {\"advanceSeconds\": N} with N >= 0: the clock only moves forward.")
    now = svc.advance_clock(float(seconds))
    return WireResponse(200, {"now": format_ms(now), "offsetMs": svc.clock.offset_ms})


def h_reset(svc: Service, r: WireRequest) -> WireResponse:
    conn = svc.store.conn
    with svc.store.tx():
        for table in ("messages", "partitions", "groups", "group_partitions", "group_instances",
                      "streams", "stream_pools", "work_requests"):
            conn.execute(f"DELETE FROM {table}")
        svc.store._next.clear()
        svc.store._trim.clear()
    for hook in svc.extensions.get("reset", []):
        hook()
    svc.rates.__init__(svc.limits)
    return WireResponse(200, {"status": "reset"})


def h_stats(svc: Service, r: WireRequest) -> WireResponse:
    per_stream = {}
    for s in svc.store.all_streams():
        rows = svc.store.conn.execute(
            "SELECT partition, next_offset, trim_offset FROM partitions WHERE stream_id = ? ORDER BY partition", (s.id,)
        ).fetchall()
        per_stream[s.id] = {
            "name": s.name,
            "lifecycleState": s.lifecycle_state,
            "partitions": {str(p): {"nextOffset": n, "trimOffset": t} for p, n, t in rows},
        }
    return WireResponse(200, {"counters": dict(sorted(svc.stats.items())), "streams": per_stream})


def h_shutdown(svc: Service, r: WireRequest) -> WireResponse:
    stop = svc.extensions.get("stop")
    if stop is None:
        raise errors.conflict("This localoci was not started as a server process.")
    stop()
    return WireResponse(202, {"status": "stopping"})


ROUTES: list[Route] = [
    route("POST", f"{V}/streams/{{stream_id}}/messages", h_put_messages, body_signed=False, name="PutMessages"),
    route("GET", f"{V}/streams/{{stream_id}}/messages", h_get_messages, name="GetMessages"),
    route("POST", f"{V}/streams/{{stream_id}}/cursors", h_create_cursor, name="CreateCursor"),
    route("POST", f"{V}/streams/{{stream_id}}/groupCursors", h_create_group_cursor, name="CreateGroupCursor"),
    route("POST", f"{V}/streams/{{stream_id}}/commit", h_commit, name="ConsumerCommit"),
    route("POST", f"{V}/streams/{{stream_id}}/heartbeat", h_heartbeat, name="ConsumerHeartbeat"),
    route("GET", f"{V}/streams/{{stream_id}}/groups/{{group_name}}", h_get_group, name="GetGroup"),
    route("PUT", f"{V}/streams/{{stream_id}}/groups/{{group_name}}", h_update_group, name="UpdateGroup"),
    route("POST", f"{V}/streams", h_create_stream, name="CreateStream"),
    route("GET", f"{V}/streams", h_list_streams, name="ListStreams"),
    route("GET", f"{V}/streams/{{stream_id}}", h_get_stream, name="GetStream"),
    route("PUT", f"{V}/streams/{{stream_id}}", h_update_stream, name="UpdateStream"),
    route("DELETE", f"{V}/streams/{{stream_id}}", h_delete_stream, name="DeleteStream"),
    route("POST", f"{V}/streams/{{stream_id}}/actions/changeCompartment", h_change_stream_compartment,
          name="ChangeStreamCompartment"),
    route("POST", f"{V}/streampools", h_create_pool, name="CreateStreamPool"),
    route("GET", f"{V}/streampools", h_list_pools, name="ListStreamPools"),
    route("GET", f"{V}/streampools/{{pool_id}}", h_get_pool, name="GetStreamPool"),
    route("PUT", f"{V}/streampools/{{pool_id}}", h_update_pool, name="UpdateStreamPool"),
    route("DELETE", f"{V}/streampools/{{pool_id}}", h_delete_pool, name="DeleteStreamPool"),
    route("GET", f"{V}/workRequests", h_list_work_requests, name="ListWorkRequests"),
    route("GET", f"{V}/workRequests/{{wr_id}}", h_get_work_request, name="GetWorkRequest"),
    route("GET", f"{V}/workRequests/{{wr_id}}/errors", h_work_request_details, name="ListWorkRequestErrors"),
    route("GET", f"{V}/workRequests/{{wr_id}}/logs", h_work_request_details, name="ListWorkRequestLogs"),
    route("GET", "/_localoci/health", h_health, signed=False),
    route("GET", "/_localoci/clock", h_clock_get, signed=False),
    route("POST", "/_localoci/clock", h_clock_advance, signed=False),
    route("POST", "/_localoci/reset", h_reset, signed=False),
    route("GET", "/_localoci/stats", h_stats, signed=False),
    route("POST", "/_localoci/shutdown", h_shutdown, signed=False),
]
