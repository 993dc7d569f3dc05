"""Messages as pandas DataFrames: what the lab's tables and charts are built from."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import oci
import pandas as pd

from .consume import Message, consume
from .encoding import text_or_bytes

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
    client: oci.streaming.StreamClient, stream: oci.streaming.models.Stream, seconds: float = 60, limit: int = 50
) -> pd.DataFrame:
    """What the Console's *Load Messages* shows: the last ``seconds`` of every partition.

    Reads each partition from an AT_TIME cursor ``seconds`` ago and keeps the newest
    ``limit`` rows, newest first.
    """
    since = datetime.now(UTC) - timedelta(seconds=seconds)
    msgs = consume(client, stream.id, partitions=[str(p) for p in range(stream.partitions)], type="AT_TIME",
                   time=since, deserializer=text_or_bytes, limit=1000)
    frame = to_frame(msgs)
    return frame.sort_values("timestamp", ascending=False, kind="stable").head(limit).reset_index(drop=True)
