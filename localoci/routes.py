"""Streaming's route table (messages and admin): the wire layer's map from HTTP to operations.

Each handler takes the request apart (path parameters, query, JSON body, ``if-match``), calls
one operation with plain values, and maps its result to a status and headers: a work request
becomes ``opc-work-request-id``, an etag ``etag``, a next page ``opc-next-page``, a next cursor
``opc-next-cursor``.  localoci's own ``/_localoci/`` routes are in :mod:`.control_routes`.

In region mode the data-plane routes (plane ``messages``) answer only at the messages endpoint
streams hand out, the admin routes (plane ``streaming``) only at the admin endpoint.
"""

from __future__ import annotations

from . import ops
from .ops.results import Accepted, Created, Fetched, Page
from .service import Service
from .wire import Route, WireRequest, WireResponse, route

V = "/20180418"


def _page(page: Page) -> WireResponse:
    return WireResponse(
        200, page.items, {"opc-next-page": page.next_page} if page.next_page else {}
    )


def _created(result: Created) -> WireResponse:
    headers = {"opc-work-request-id": result.work_request_id}
    if result.etag is not None:
        headers["etag"] = result.etag
    return WireResponse(200, result.resource, headers)


def _accepted(status: int, result: Accepted) -> WireResponse:
    return WireResponse(status, None, {"opc-work-request-id": result.work_request_id})


def _fetched(result: Fetched) -> WireResponse:
    return WireResponse(
        200, result.resource, {"etag": result.etag} if result.etag is not None else {}
    )


# -- messages -----------------------------------------------------------------------------------


def h_put_messages(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.put_messages(svc, r.params["stream_id"], r.json()))


def h_get_messages(svc: Service, r: WireRequest) -> WireResponse:
    batch, nxt = ops.get_messages(svc, r.params["stream_id"], r.query)
    return WireResponse(200, batch.to_json(), {"opc-next-cursor": nxt})


def h_create_cursor(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.create_cursor(svc, r.params["stream_id"], r.json()))


def h_create_group_cursor(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.create_group_cursor(svc, r.params["stream_id"], r.json()))


def h_commit(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.consumer_commit(svc, r.params["stream_id"], r.query.get("cursor")))


def h_heartbeat(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(
        200, ops.consumer_heartbeat(svc, r.params["stream_id"], r.query.get("cursor"))
    )


def h_get_group(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.get_group(svc, r.params["stream_id"], r.params["group_name"]))


def h_update_group(svc: Service, r: WireRequest) -> WireResponse:
    ops.update_group(svc, r.params["stream_id"], r.params["group_name"], r.json())
    return WireResponse(204, None)


# -- admin --------------------------------------------------------------------------------------


def h_create_stream(svc: Service, r: WireRequest) -> WireResponse:
    return _created(ops.create_stream(svc, r.json()))


def h_list_streams(svc: Service, r: WireRequest) -> WireResponse:
    return _page(ops.list_streams(svc, r.query))


def h_get_stream(svc: Service, r: WireRequest) -> WireResponse:
    return _fetched(ops.get_stream(svc, r.params["stream_id"]))


def h_update_stream(svc: Service, r: WireRequest) -> WireResponse:
    return _created(
        ops.update_stream(svc, r.params["stream_id"], r.json(), r.headers.get("if-match"))
    )


def h_delete_stream(svc: Service, r: WireRequest) -> WireResponse:
    return _accepted(204, ops.delete_stream(svc, r.params["stream_id"], r.headers.get("if-match")))


def h_change_stream_compartment(svc: Service, r: WireRequest) -> WireResponse:
    result = ops.change_stream_compartment(
        svc, r.params["stream_id"], r.json(), r.headers.get("if-match")
    )
    return _accepted(200, result)


def h_create_pool(svc: Service, r: WireRequest) -> WireResponse:
    return _created(ops.create_stream_pool(svc, r.json()))


def h_list_pools(svc: Service, r: WireRequest) -> WireResponse:
    return _page(ops.list_stream_pools(svc, r.query))


def h_get_pool(svc: Service, r: WireRequest) -> WireResponse:
    return _fetched(ops.get_stream_pool(svc, r.params["pool_id"]))


def h_update_pool(svc: Service, r: WireRequest) -> WireResponse:
    result = ops.update_stream_pool(svc, r.params["pool_id"], r.json(), r.headers.get("if-match"))
    return _created(result)


def h_delete_pool(svc: Service, r: WireRequest) -> WireResponse:
    return _accepted(
        202, ops.delete_stream_pool(svc, r.params["pool_id"], r.headers.get("if-match"))
    )


def h_get_work_request(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.get_work_request(svc, r.params["wr_id"]))


def h_list_work_requests(svc: Service, r: WireRequest) -> WireResponse:
    page = ops.list_work_requests(svc, r.query)
    headers = {"opc-next-page": page.next_page} if page.next_page else {}
    return WireResponse(200, {"items": page.items}, headers)


def h_work_request_errors(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.list_work_request_errors(svc, r.params["wr_id"]))


def h_work_request_logs(svc: Service, r: WireRequest) -> WireResponse:
    return WireResponse(200, ops.list_work_request_logs(svc, r.params["wr_id"]))


def _messages(method: str, path: str, handler, name: str, **kw) -> Route:
    return route(method, V + path, handler, name=name, plane="messages", **kw)


def _admin(method: str, path: str, handler, name: str) -> Route:
    return route(method, V + path, handler, name=name, plane="streaming")


S = "/streams/{stream_id}"
ROUTES: list[Route] = [
    _messages("POST", f"{S}/messages", h_put_messages, "PutMessages", body_signed=False),
    _messages("GET", f"{S}/messages", h_get_messages, "GetMessages"),
    _messages("POST", f"{S}/cursors", h_create_cursor, "CreateCursor"),
    _messages("POST", f"{S}/groupCursors", h_create_group_cursor, "CreateGroupCursor"),
    _messages("POST", f"{S}/commit", h_commit, "ConsumerCommit"),
    _messages("POST", f"{S}/heartbeat", h_heartbeat, "ConsumerHeartbeat"),
    _messages("GET", f"{S}/groups/{{group_name}}", h_get_group, "GetGroup"),
    _messages("PUT", f"{S}/groups/{{group_name}}", h_update_group, "UpdateGroup"),
    _admin("POST", "/streams", h_create_stream, "CreateStream"),
    _admin("GET", "/streams", h_list_streams, "ListStreams"),
    _admin("GET", S, h_get_stream, "GetStream"),
    _admin("PUT", S, h_update_stream, "UpdateStream"),
    _admin("DELETE", S, h_delete_stream, "DeleteStream"),
    _admin(
        "POST",
        f"{S}/actions/changeCompartment",
        h_change_stream_compartment,
        "ChangeStreamCompartment",
    ),
    _admin("POST", "/streampools", h_create_pool, "CreateStreamPool"),
    _admin("GET", "/streampools", h_list_pools, "ListStreamPools"),
    _admin("GET", "/streampools/{pool_id}", h_get_pool, "GetStreamPool"),
    _admin("PUT", "/streampools/{pool_id}", h_update_pool, "UpdateStreamPool"),
    _admin("DELETE", "/streampools/{pool_id}", h_delete_pool, "DeleteStreamPool"),
    _admin("GET", "/workRequests", h_list_work_requests, "ListWorkRequests"),
    _admin("GET", "/workRequests/{wr_id}", h_get_work_request, "GetWorkRequest"),
    _admin("GET", "/workRequests/{wr_id}/errors", h_work_request_errors, "ListWorkRequestErrors"),
    _admin("GET", "/workRequests/{wr_id}/logs", h_work_request_logs, "ListWorkRequestLogs"),
]
