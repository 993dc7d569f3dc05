"""UpdateGroup: move a whole group to TRIM_HORIZON, LATEST or AT_TIME (204, no body).

The real service accepted a body with only ``time``; so does localoci (it means AT_TIME).
Cursors issued before the reset lose their pending offsets (the group's generation moves on).
"""

from __future__ import annotations

from .. import errors, groups
from ..service import Service
from ..timefmt import parse_to_ms
from ._validate import get_enum, require_object

TYPES = ("AT_TIME", "LATEST", "TRIM_HORIZON")


def update_group(svc: Service, stream_id: str, group_name: str, body: object) -> None:
    stream = svc.data_stream(stream_id)
    body = require_object(body, "UpdateGroupDetails")
    if groups.find(svc, stream.id, group_name) is None:
        raise errors.not_found("group", group_name)
    type_ = get_enum(body, "type", TYPES)
    time_ms = parse_to_ms(body["time"], "time") if body.get("time") is not None else None
    if type_ is None:
        if time_ms is None:
            raise errors.invalid_parameter(
                "Give 'type' (TRIM_HORIZON, LATEST or AT_TIME) and, for AT_TIME, 'time'."
            )
        type_ = "AT_TIME"
    if type_ == "AT_TIME" and time_ms is None:
        raise errors.invalid_parameter("'time' is required when 'type' is AT_TIME.")
    with svc.store.tx():
        groups.reset_group(svc, stream, group_name, type_, time_ms)
    svc.count("group_updates")
