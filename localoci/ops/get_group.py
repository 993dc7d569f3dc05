"""GetGroup: a group's reservations: per partition, the committed offset (-1 before the first
commit), the instance holding it and until when."""

from __future__ import annotations

from .. import errors, groups
from ..service import Service
from ..timefmt import format_ms


def get_group(svc: Service, stream_id: str, group_name: str) -> dict:
    stream = svc.data_stream(stream_id)
    if groups.find(svc, stream.id, group_name) is None:
        raise errors.not_found("group", group_name)
    with svc.store.tx():
        groups.rebalance(svc, stream, group_name)
    return {
        "streamId": stream.id,
        "groupName": group_name,
        "reservations": [
            {
                "partition": str(gp.partition),
                "committedOffset": gp.committed_offset,
                "reservedInstance": gp.reserved_by,
                "timeReservedUntil": format_ms(gp.reserved_until) if gp.reserved_until else None,
            }
            for gp in svc.store.groups.partitions(stream.id, group_name)
        ],
    }
