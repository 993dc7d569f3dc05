"""Messages as pandas DataFrames: what the lab's tables and charts are built from.

* :func:`to_frame` -- labhelpers :class:`~labhelpers.consume.Message` records, one row each;
* :func:`frame_from_sdk` -- the same table straight from SDK messages (the fast path);
* :func:`read_frame` -- everything a :class:`~labhelpers.consume.Consumer` yields, as one table;
* :func:`recent_messages` -- what the Console's *Load Messages* shows;
* :func:`deliveries_frame` -- what consumer-group instances received, one row per delivery.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import oci
import pandas as pd

from .consume import Consumer, Message, consume
from .encoding import from_json, from_text, text_or_bytes

__all__ = [
    "COLUMNS",
    "deliveries_frame",
    "frame_from_sdk",
    "read_frame",
    "recent_messages",
    "to_frame",
]

COLUMNS = ["partition", "offset", "key", "value", "timestamp", "size", "stream"]


def to_frame(messages: Iterable[Message]) -> pd.DataFrame:
    """A DataFrame with one row per message, sorted by partition and offset.

    >>> from datetime import datetime, timezone
    >>> t = datetime(2024, 1, 1, tzinfo=timezone.utc)
    >>> df = to_frame([Message("s", "1", 5, "k", "v", t, 2), Message("s", "0", 7, None, "w", t, 1)])
    >>> df[["partition", "offset", "value"]].values.tolist()
    [[0, 7, 'w'], [1, 5, 'v']]
    """
    rows = list(messages)
    frame = pd.DataFrame(
        {
            "partition": pd.array([int(m.partition) for m in rows], dtype="int64"),
            "offset": pd.array([m.offset for m in rows], dtype="int64"),
            "key": [m.key for m in rows],
            "value": [m.value for m in rows],
            "timestamp": pd.to_datetime([m.timestamp for m in rows], utc=True),
            "size": pd.array([m.size for m in rows], dtype="int64"),
            "stream": [m.stream for m in rows],
        },
        columns=COLUMNS,
    )
    return frame.sort_values(["partition", "offset"], kind="stable").reset_index(drop=True)


def recent_messages(
    client: oci.streaming.StreamClient,
    stream: oci.streaming.models.Stream,
    seconds: float = 60,
    limit: int = 50,
    now: datetime | None = None,
) -> pd.DataFrame:
    """What the Console's *Load Messages* shows: the last ``seconds`` of every partition.

    Reads each partition from an AT_TIME cursor ``seconds`` before ``now`` and keeps the newest
    ``limit`` rows, newest first, with an ``age`` column (``now`` minus the append time).

    ``now`` should be the **service's** time, such as the timestamp of a PutMessages entry you
    just got back: append times come from the service's clock, which need not agree with
    yours (the local stand-in's clock runs ahead after a lesson moves it forward).  Without
    it, your computer's clock is used.
    """
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    since = now - timedelta(seconds=seconds)
    msgs = consume(
        client,
        stream.id,
        partitions=[str(p) for p in range(stream.partitions)],
        type="AT_TIME",
        time=since,
        deserializer=text_or_bytes,
        limit=1000,
    )
    frame = to_frame(msgs)
    frame = (
        frame.sort_values("timestamp", ascending=False, kind="stable")
        .head(limit)
        .reset_index(drop=True)
    )
    frame["age"] = (pd.Timestamp(now) - frame["timestamp"]).dt.round("1s")
    return frame


def frame_from_sdk(messages: list, value: str = "text") -> pd.DataFrame:
    """The same DataFrame as :func:`to_frame`, straight from SDK messages (base64 strings).

    The fast path for big batches: base64 in C per message, all JSON values parsed in one
    ``json.loads`` call, keys decoded once per distinct key.  ``value`` is ``"text"``
    (UTF-8), ``"json"`` or ``"raw"`` (bytes).

    >>> import oci
    >>> m = oci.streaming.models.Message(stream="s", partition="0", key=None, value="eyJhIjogMX0=",
    ...                                  offset=3, timestamp=None)
    >>> frame_from_sdk([m], value="json")[["partition", "offset", "value"]].values.tolist()
    [[0, 3, {'a': 1}]]
    """
    a2b = binascii.a2b_base64
    raw_values = list(map(a2b, [m.value for m in messages]))
    if value == "json":
        try:
            values = json.loads(b"[" + b",".join(raw_values) + b"]") if raw_values else []
        except ValueError:
            values = [from_json(v) for v in raw_values]  # names the bad message
    elif value == "text":
        values = [from_text(v) for v in raw_values]
    elif value == "raw":
        values = raw_values
    else:
        raise ValueError("value must be 'text', 'json' or 'raw'")
    key_cache: dict = {None: (None, 0)}
    keys, sizes = [], list(map(len, raw_values))
    for i, k in enumerate([m.key for m in messages]):
        hit = key_cache.get(k)
        if hit is None:
            decoded = a2b(k)
            hit = key_cache[k] = (text_or_bytes(decoded), len(decoded))
        keys.append(hit[0])
        if hit[1]:
            sizes[i] += hit[1]
    part_cache: dict[str, int] = {}
    partitions = []
    for p in [m.partition for m in messages]:
        n = part_cache.get(p)
        if n is None:
            n = part_cache[p] = int(p)
        partitions.append(n)
    stamps = [m.timestamp for m in messages]
    frame = pd.DataFrame(
        {
            "partition": np.array(partitions, dtype=np.int64),
            "offset": np.array([m.offset for m in messages], dtype=np.int64),
            "key": keys,
            "value": values,
            "timestamp": pd.DatetimeIndex(stamps).tz_convert("UTC")
            if stamps and stamps[0] is not None
            else pd.NaT,
            "size": np.array(sizes, dtype=np.int64),
            "stream": [m.stream for m in messages],
        },
        columns=COLUMNS,
    )
    return frame.sort_values(["partition", "offset"], kind="stable").reset_index(drop=True)


def read_frame(consumer: Consumer, value: str = "text") -> pd.DataFrame:
    """Read everything ``consumer`` yields into one DataFrame (the fast path for big reads).

    Batch by batch through :func:`frame_from_sdk`, with the consumer's own pacing and stop
    rules; ``value`` as there.  Sorted by partition and offset.
    """
    frames = [frame_from_sdk(batch, value=value) for batch in consumer.batches()]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True).sort_values(
        ["partition", "offset"], kind="stable", ignore_index=True
    )


DELIVERY_COLUMNS = ["instance", "batch", "partition", "offset", "key", "value", "received"]


def deliveries_frame(instances: Iterable[Any]) -> pd.DataFrame:
    """One row per delivery: instance, batch, partition (int), offset, key, value, received.

    ``instances`` are :class:`labhelpers.workers.GroupInstance` objects (anything with a
    ``deliveries`` list of :class:`labhelpers.workers.Delivery`).
    """
    rows = [d for i in instances for d in list(i.deliveries)]
    frame = pd.DataFrame([d.__dict__ for d in rows], columns=DELIVERY_COLUMNS)
    if not frame.empty:
        frame["partition"] = frame["partition"].astype(int)
        frame["received"] = pd.to_datetime(frame["received"], utc=True)
    return frame
