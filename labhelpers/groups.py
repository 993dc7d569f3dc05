"""Consumer groups seen from the outside: the group's state and its lag, one call at a time.

* :func:`group_state` -- GetGroup as a DataFrame: per partition, the instance holding it, until
  when, and the committed offset (-1 before the first commit).
* :func:`owners`, :func:`wait_for_owners` -- who holds which partition now, and waiting for a
  rebalance to settle.
* :class:`OffsetTracker` and :func:`lag` -- OCI Streaming has no "end offset" call, so the latest
  offset per partition comes from the producer's acknowledgements (or, locally, the stand-in's
  statistics); lag = latest offset - committed offset.
* :func:`offset_ranges` -- a batch's offsets per partition, for printing.

The group's members, run by hand or in background threads, are in :mod:`labhelpers.workers`
(:class:`~labhelpers.workers.GroupInstance`, :class:`~labhelpers.workers.LagRecorder`); the
charts in :mod:`labhelpers.charts`; notebook 05's checks in :mod:`labhelpers.checks`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from typing import Any

import oci
import pandas as pd

__all__ = [
    "OffsetTracker",
    "group_state",
    "lag",
    "latest_offsets_local",
    "offset_ranges",
    "owners",
    "stream_id_of",
    "wait_for_owners",
]


def stream_id_of(stream: Any) -> str:
    """A stream's OCID, given the stream (anything with ``.id``) or the OCID itself."""
    return getattr(stream, "id", stream)


def offset_ranges(messages: Iterable[Any]) -> dict[str, str]:
    """``{partition: "first-last"}`` of a batch (SDK messages, Messages or Deliveries), for printing.

    >>> from types import SimpleNamespace as M
    >>> offset_ranges([M(partition="1", offset=4), M(partition="0", offset=7), M(partition="1", offset=5)])
    {'0': '7', '1': '4-5'}
    """
    seen: dict[str, list[int]] = {}
    for m in messages:
        seen.setdefault(str(m.partition), []).append(int(m.offset))
    return {
        p: (f"{min(o)}-{max(o)}" if len(o) > 1 else str(o[0]))
        for p, o in sorted(seen.items(), key=lambda kv: int(kv[0]))
    }


# -- the group's state ------------------------------------------------------------------------------


def group_state(client: oci.streaming.StreamClient, stream: Any, group: str) -> pd.DataFrame:
    """GetGroup as a table: partition, reserved_instance, time_reserved_until, committed_offset.

    ``committed_offset`` is -1 before the group's first commit of that partition; an empty
    ``reserved_instance`` means no live instance holds the partition.
    """
    g = client.get_group(stream_id_of(stream), group).data
    rows = [
        {
            "partition": int(r.partition),
            "reserved_instance": r.reserved_instance,
            "time_reserved_until": r.time_reserved_until,
            "committed_offset": r.committed_offset,
        }
        for r in (g.reservations or [])
    ]
    cols = ["partition", "reserved_instance", "time_reserved_until", "committed_offset"]
    return pd.DataFrame(rows, columns=cols).sort_values("partition").reset_index(drop=True)


def owners(client: oci.streaming.StreamClient, stream: Any, group: str) -> dict[str, set[str]]:
    """Instance -> the partitions GetGroup says it holds now."""
    out: dict[str, set[str]] = {}
    for row in group_state(client, stream, group).itertuples():
        if row.reserved_instance:
            out.setdefault(row.reserved_instance, set()).add(str(row.partition))
    return out


def wait_for_owners(
    client: oci.streaming.StreamClient,
    stream: Any,
    group: str,
    instances: Iterable[str],
    partitions: int,
    timeout: float = 10.0,
    interval: float = 0.5,
) -> pd.DataFrame:
    """Poll GetGroup until every partition is held by one of ``instances`` (or ``timeout`` s pass).

    Returns the last GetGroup table. After a rebalance, the new owners pick their partitions up
    on their next call; this waits for that instead of guessing a sleep.
    """
    # Polled by hand, not with oci.wait_until: the SDK's waiter sleeps a fixed 1 s before its
    # second look (oci/waiter.py starts at sleep_interval_seconds = 1 whatever max_interval_seconds
    # says), and raises at its deadline.  Here the new owners take over within one instance
    # interval (0.25 s), the caller chooses ``interval``, and a timeout returns the table as it is.
    names = set(instances)
    deadline = time.monotonic() + timeout
    while True:
        state = group_state(client, stream, group)
        held = state[state["reserved_instance"].isin(names)]
        if len(held) == partitions or time.monotonic() >= deadline:
            return state
        time.sleep(interval)


# -- lag --------------------------------------------------------------------------------------------


class OffsetTracker(Mapping):
    """The latest offset per partition, from what a producer was told (PutMessages acks).

    OCI Streaming has no call that returns a partition's end offset; a producer knows it from
    its acknowledgements.  A read-only mapping: partition -> latest offset.

    >>> t = OffsetTracker()
    >>> t.add("0", 5); t.add("0", 3); t.add("1", 7)
    >>> dict(t)
    {'0': 5, '1': 7}
    """

    def __init__(self) -> None:
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, partition: str, offset: int) -> None:
        with self._lock:
            if offset > self._latest.get(str(partition), -1):
                self._latest[str(partition)] = offset

    def track(self, result: Any) -> Any:
        """Record a :class:`labhelpers.PublishResult`'s acks; returns the result."""
        for a in result.acks:
            self.add(a.partition, a.offset)
        return result

    def __getitem__(self, partition: str) -> int:
        return self._latest[str(partition)]

    def __iter__(self):
        with self._lock:
            return iter(sorted(self._latest, key=int))

    def __len__(self) -> int:
        return len(self._latest)

    def __repr__(self) -> str:
        return f"OffsetTracker({dict(self)})"


def latest_offsets_local(lab: Any, stream: Any) -> dict[str, int]:
    """Local target only: each partition's latest offset from the stand-in's statistics."""
    parts = lab.server_stats()["streams"][stream_id_of(stream)]["partitions"]
    return {p: v["nextOffset"] - 1 for p, v in parts.items()}


def lag(
    client: oci.streaming.StreamClient,
    stream: Any,
    group: str,
    latest: Mapping[str, int] | OffsetTracker,
) -> pd.DataFrame:
    """Per partition: latest offset, committed offset, and lag = latest - committed.

    ``latest`` maps partition -> latest offset (an :class:`OffsetTracker`, or
    :func:`latest_offsets_local`). A committed offset of -1 (nothing committed yet) counts every
    message from offset 0.
    """
    latest = {str(k): v for k, v in dict(latest).items()}
    state = group_state(client, stream, group)
    state["latest_offset"] = [latest.get(str(p), -1) for p in state["partition"]]
    state["lag"] = (state["latest_offset"] - state["committed_offset"]).clip(lower=0)
    return state[["partition", "latest_offset", "committed_offset", "lag", "reserved_instance"]]
