"""GetGroup: a group's reservations: per partition, the committed offset (-1 before the first
commit), the instance holding it and until when."""

from __future__ import annotations

from .. import errors, groups
from ..service import Service
from ..timefmt import format_ms


def get_group(svc: Service, stream_id: str, group_name: str) -> dict:
    stream = svc.data_stream(stream_id)
    if groups.group_row(svc, stream.id, group_name) is None:
        raise errors.not_found("group", group_name)
    with svc.store.tx():
        groups.rebalance(svc, stream, group_name)
    return {
        "streamId": stream.id,
        "groupName": group_name,
        "reservations": [
            {
                "partition": str(r["partition"]),
                "committedOffset": r["committed"],
                "reservedInstance": r["instance"],
                "timeReservedUntil": format_ms(r["until"]) if r["until"] else None,
            }
            for r in groups.reservations(svc, stream, group_name)
        ],
    }
