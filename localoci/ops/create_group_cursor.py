"""CreateGroupCursor: join (or create) a consumer group as one instance.

``type`` (TRIM_HORIZON, LATEST, AT_TIME) only counts when the group is created; an existing
group resumes from its committed offsets.  ``instanceName`` defaults to a fresh UUID;
``timeoutInMs`` defaults to 30 000; ``commitOnGet`` defaults to true.
"""

from __future__ import annotations

import uuid

from .. import cursors, errors, groups
from ..service import Service
from ..timefmt import parse_to_ms
from ._validate import get_enum, get_int, get_str, require_object

TYPES = ("AT_TIME", "LATEST", "TRIM_HORIZON")


def group_cursor(
    svc: Service,
    stream_id: str,
    name: str,
    instance: str,
    commit_on_get: bool,
    timeout_ms: int,
    offsets: dict[str, int],
    rotation: int = 0,
) -> str:
    """A group cursor; ``rotation`` says which of the instance's partitions the next read
    offers its leftover ``limit`` first (see GetMessages)."""
    group = groups.find(svc, stream_id, name)
    doc = {
        "cursorType": "group",
        "streamId": stream_id,
        "groupName": name,
        "instanceName": instance,
        "offsets": offsets,
        "commitOnGet": commit_on_get,
        "generation": group.generation if group else 0,
        "timeoutInMs": timeout_ms,
        "rotation": rotation,
        "expiration": svc.clock.now_ms() + svc.limits.cursor_ttl_ms,
    }
    return cursors.encode(doc, svc.secret)


def create_group_cursor(svc: Service, stream_id: str, body: object) -> dict:
    stream = svc.data_stream(stream_id)
    body = require_object(body, "CreateGroupCursorDetails")
    type_ = get_enum(body, "type", TYPES, required=True)
    name = get_str(body, "groupName", required=True)
    instance = get_str(body, "instanceName") or str(uuid.uuid4())
    timeout_ms = get_int(
        body, "timeoutInMs", 1, 24 * 3600 * 1000, default=svc.limits.default_group_timeout_ms
    )
    commit_on_get = body.get("commitOnGet", True)
    if commit_on_get is None:
        commit_on_get = True
    if not isinstance(commit_on_get, bool):
        raise errors.invalid_parameter(
            f"'commitOnGet' must be true or false; got {commit_on_get!r}."
        )
    time_ms = None
    if type_ == "AT_TIME":
        if body.get("time") is None:
            raise errors.invalid_parameter("'time' is required for an AT_TIME group cursor.")
        time_ms = parse_to_ms(body["time"], "time")
    with svc.store.tx():
        groups.create_group(svc, stream, name, type_, time_ms)
        groups.touch(svc, stream, name, instance, timeout_ms)
        groups.rebalance(svc, stream, name)
    svc.count("group_cursors_created")
    return {"value": group_cursor(svc, stream.id, name, instance, commit_on_get, timeout_ms, {})}
