"""ConsumerHeartbeat: keep this instance's reservations alive while it processes a batch.

Returns a fresh cursor with the same pending offsets and a new five-minute life.
"""

from __future__ import annotations

from .. import groups
from ..service import Service
from .consumer_commit import group_cursor_doc
from .create_group_cursor import group_cursor


def consumer_heartbeat(svc: Service, stream_id: str, cursor: str | None) -> dict:
    stream = svc.data_stream(stream_id)
    doc = group_cursor_doc(svc, stream, cursor)
    name, instance = doc["groupName"], doc["instanceName"]
    timeout_ms = int(doc.get("timeoutInMs") or svc.limits.default_group_timeout_ms)
    with svc.store.tx():
        groups.touch(svc, stream, name, instance, timeout_ms)
        groups.rebalance(svc, stream, name)
    svc.count("heartbeats")
    return {
        "value": group_cursor(
            svc,
            stream.id,
            name,
            instance,
            bool(doc.get("commitOnGet", True)),
            timeout_ms,
            dict(doc.get("offsets") or {}),
        )
    }
