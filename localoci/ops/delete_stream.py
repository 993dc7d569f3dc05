"""DeleteStream: the stream goes DELETING, then DELETED (still readable by GetStream); its
messages, partitions and groups are gone at once, and its rate budgets forgotten.

``if_match`` and deleted streams as in :mod:`._streams`.  The wire answers 204 with the work
request.
"""

from __future__ import annotations

from ..service import Service
from ._streams import live_stream
from ._work_requests import new_work_request
from .results import Accepted


def delete_stream(svc: Service, stream_id: str, if_match: str | None) -> Accepted:
    stream = live_stream(svc, stream_id, if_match)
    with svc.store.tx():
        stream.lifecycle_state = "DELETING"
        stream.ready_at = svc.clock.now_ms() + svc.config.ready_delay_ms
        svc.store.update_stream(stream)
        svc.store.drop_stream_data(stream.id)
        wr = new_work_request(svc, "DELETE_STREAM", stream, "DELETED")
    svc.rates.forget_stream(stream.id)
    svc.count("streams_deleted")
    return Accepted(wr)
