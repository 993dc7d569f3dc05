"""Work requests, as every mutating admin operation records them and the work-request
operations show them.

Each mutating admin call records one; it is IN_PROGRESS until the resource settles
(``ready_delay``), then SUCCEEDED -- what today's SDK composites and the CLI's
``--wait-for-state`` poll.
"""

from __future__ import annotations

from ..ids import new_ocid
from ..service import Service
from ..timefmt import format_ms


def new_work_request(svc: Service, operation: str, resource, action: str) -> str:
    """Record a work request for ``resource`` (inside a transaction); return its id."""
    now = svc.clock.now_ms()
    is_pool = resource.id.startswith("ocid1.streampool")
    wr_id = new_ocid("streamworkrequest")
    svc.store.work_requests.insert(
        {
            "id": wr_id,
            "operation_type": operation,
            "compartment_id": resource.compartment_id,
            "entity_type": "streampool" if is_pool else "stream",
            "action_type": action,
            "resource_id": resource.id,
            "entity_uri": f"/20180418/{'streampools' if is_pool else 'streams'}/{resource.id}",
            "time_accepted": now,
            "done_at": max(now, resource.ready_at),
        }
    )
    return wr_id


def to_wire(svc: Service, row: dict) -> dict:
    done = svc.clock.now_ms() >= row["done_at"]
    return {
        "operationType": row["operation_type"],
        "status": "SUCCEEDED" if done else "IN_PROGRESS",
        "id": row["id"],
        "compartmentId": row["compartment_id"],
        "resources": [
            {
                "entityType": row["entity_type"],
                "actionType": row["action_type"] if done else "IN_PROGRESS",
                "identifier": row["resource_id"],
                "entityUri": row["entity_uri"],
            }
        ],
        "percentComplete": 100.0 if done else 50.0,
        "timeAccepted": format_ms(row["time_accepted"]),
        "timeStarted": format_ms(row["time_accepted"]),
        "timeFinished": format_ms(row["done_at"]) if done else None,
    }
