"""CreateCursor: a position in one partition.

Types: TRIM_HORIZON (oldest retained message), LATEST (only messages published after the
cursor is created: resolved now to the next offset), AT_OFFSET / AFTER_OFFSET (``offset``
required, between the oldest retained and the latest published offset), AT_TIME (``time``
required: first message with timestamp >= time, resolved when read).  Cursors expire five
minutes after they are issued.
"""

from __future__ import annotations

from .. import cursors, errors
from ..service import Service
from ..timefmt import parse_to_ms
from ._validate import get_enum, require_object

TYPES = ("AFTER_OFFSET", "AT_OFFSET", "AT_TIME", "LATEST", "TRIM_HORIZON")


def partition_cursor(
    svc: Service,
    stream_id: str,
    partition: int,
    type_: str,
    offset: int | None = None,
    time_ms: int | None = None,
) -> str:
    now = svc.clock.now_ms()
    doc = {
        "cursorType": "partition",
        "streamId": stream_id,
        "partition": str(partition),
        "type": type_,
        "offset": offset,
        "time": time_ms,
        "expiration": now + svc.limits.cursor_ttl_ms,
    }
    return cursors.encode(doc, svc.secret)


def create_cursor(svc: Service, stream_id: str, body: object) -> dict:
    stream = svc.data_stream(stream_id)
    body = require_object(body, "CreateCursorDetails")
    if body.get("partition") is None:
        raise errors.missing_parameter("partition")
    partition = svc.partition_of(stream, body.get("partition"))
    type_ = get_enum(body, "type", TYPES, required=True)
    store = svc.store
    trim, nxt = (
        store.log.trim_offset(stream.id, partition),
        store.log.next_offset(stream.id, partition),
    )

    if type_ in ("AT_OFFSET", "AFTER_OFFSET"):
        offset = body.get("offset")
        if offset is None:
            raise errors.invalid_parameter(f"'offset' is required for a {type_} cursor.")
        if isinstance(offset, bool) or not isinstance(offset, int):
            raise errors.invalid_parameter(f"'offset' must be an integer; got {offset!r}.")
        latest = nxt - 1
        if nxt == trim:
            raise errors.invalid_parameter(
                f"Partition {partition} holds no messages, so there is no offset to start at; "
                "use TRIM_HORIZON or LATEST instead."
            )
        if not trim <= offset <= latest:
            raise errors.invalid_parameter(
                f"'offset' {offset} is outside partition {partition}'s retained range "
                f"{trim}..{latest}. Pick an offset in that range, or use TRIM_HORIZON."
            )
        start = offset if type_ == "AT_OFFSET" else offset + 1
        value = partition_cursor(svc, stream.id, partition, "AtOffset", start)
    elif type_ == "AT_TIME":
        if body.get("time") is None:
            raise errors.invalid_parameter(
                "'time' is required for an AT_TIME cursor (RFC 3339, e.g. 2024-01-02T03:04:05Z)."
            )
        value = partition_cursor(
            svc, stream.id, partition, "AtTime", time_ms=parse_to_ms(body["time"], "time")
        )
    elif type_ == "LATEST":
        value = partition_cursor(svc, stream.id, partition, "AtOffset", nxt)
    else:
        value = partition_cursor(svc, stream.id, partition, "TrimHorizon")
    svc.count("cursors_created")
    return {"value": value}
