"""The Kafka consumer groups' committed offsets (table ``kafka_offsets``): their SQL.

Reached as ``store.kafka_offsets``.  A Kafka group is named within a stream pool (one pool is
one Kafka cluster); its offsets are per stream and partition, and go when the stream's data
goes (:meth:`Store.drop_stream_data`) or at a reset.  Call :meth:`KafkaOffsets.commit` inside
``store.tx()``: an acknowledged OffsetCommit is durable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class KafkaOffset:
    stream_id: str
    partition: int
    offset: int
    metadata: str | None
    leader_epoch: int


class KafkaOffsets:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def commit(
        self,
        pool_id: str,
        group_id: str,
        offsets: Iterable[tuple[str, int, int, str | None, int]],
        now: int,
    ) -> None:
        """Store ``(stream_id, partition, offset, metadata, leader_epoch)`` rows."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO kafka_offsets(pool_id, group_id, stream_id, partition, "
            "offset, metadata, leader_epoch, time_committed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (pool_id, group_id, sid, partition, offset, metadata, epoch, now)
                for sid, partition, offset, metadata, epoch in offsets
            ],
        )

    def of_group(self, pool_id: str, group_id: str) -> list[KafkaOffset]:
        rows = self.conn.execute(
            "SELECT stream_id, partition, offset, metadata, leader_epoch FROM kafka_offsets "
            "WHERE pool_id = ? AND group_id = ? ORDER BY stream_id, partition",
            (pool_id, group_id),
        ).fetchall()
        return [KafkaOffset(*tuple(r)) for r in rows]

    def groups(self, pool_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT group_id FROM kafka_offsets WHERE pool_id = ? ORDER BY group_id",
            (pool_id,),
        ).fetchall()
        return [r[0] for r in rows]
