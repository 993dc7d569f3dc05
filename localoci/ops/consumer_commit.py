"""ConsumerCommit: commit the offsets a group cursor carries, without reading more.

Commits only partitions this instance still holds: a partition lost to a rebalance is 400
"Trying to commit unreserved partition ...".  Extends the instance's reservation and returns
a fresh cursor with no pending offsets.
"""

from __future__ import annotations

from .. import cursors, errors, groups
from ..service import Service
from .create_group_cursor import group_cursor


def group_cursor_doc(svc: Service, stream, cursor: str | None) -> dict:
    doc = cursors.decode(cursor, svc.secret, svc.clock.now_ms(), stream.id)
    if (
        doc.get("cursorType") != "group"
        or groups.find(svc, stream.id, doc.get("groupName")) is None
    ):
        raise errors.invalid_parameter(
            "This operation needs a group cursor (from CreateGroupCursor)."
        )
    return doc


def consumer_commit(svc: Service, stream_id: str, cursor: str | None) -> dict:
    stream = svc.data_stream(stream_id)
    doc = group_cursor_doc(svc, stream, cursor)
    name, instance = doc["groupName"], doc["instanceName"]
    timeout_ms = int(doc.get("timeoutInMs") or svc.limits.default_group_timeout_ms)
    with svc.store.tx():
        groups.rebalance(svc, stream, name)
        groups.commit(svc, stream, doc, strict=True)
        groups.touch(svc, stream, name, instance, timeout_ms)
    svc.count("commits")
    return {
        "value": group_cursor(
            svc, stream.id, name, instance, bool(doc.get("commitOnGet", True)), timeout_ms, {}
        )
    }
