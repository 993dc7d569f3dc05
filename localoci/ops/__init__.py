"""The operations: one module per API action, each with its rules in its docstring, taking
plain values (ids, the parsed JSON body, the query as a dict) and returning plain values (JSON
shapes, or the small result types of :mod:`.results`).  No HTTP here: the routes map results
to statuses and headers.  Modules starting with ``_`` hold rules several actions share.

The names below are every action, so ``ops.create_stream(svc, body)`` needs no deeper import.
"""

from .change_stream_compartment import change_stream_compartment
from .consumer_commit import consumer_commit
from .consumer_heartbeat import consumer_heartbeat
from .create_cursor import create_cursor
from .create_group_cursor import create_group_cursor
from .create_stream import create_stream
from .create_stream_pool import create_stream_pool
from .delete_stream import delete_stream
from .delete_stream_pool import delete_stream_pool
from .get_group import get_group
from .get_messages import get_messages
from .get_stream import get_stream
from .get_stream_pool import get_stream_pool
from .get_work_request import get_work_request
from .list_stream_pools import list_stream_pools
from .list_streams import list_streams
from .list_work_request_errors import list_work_request_errors
from .list_work_request_logs import list_work_request_logs
from .list_work_requests import list_work_requests
from .put_messages import put_messages
from .update_group import update_group
from .update_stream import update_stream
from .update_stream_pool import update_stream_pool

__all__ = [
    "change_stream_compartment",
    "consumer_commit",
    "consumer_heartbeat",
    "create_cursor",
    "create_group_cursor",
    "create_stream",
    "create_stream_pool",
    "delete_stream",
    "delete_stream_pool",
    "get_group",
    "get_messages",
    "get_stream",
    "get_stream_pool",
    "get_work_request",
    "list_stream_pools",
    "list_streams",
    "list_work_request_errors",
    "list_work_request_logs",
    "list_work_requests",
    "put_messages",
    "update_group",
    "update_stream",
    "update_stream_pool",
]
