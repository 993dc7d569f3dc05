"""Bring a data directory written by an older localoci up to this one's layout.

Version 1 kept one row per message in a ``messages`` table; version 2 keeps batches in segment
files (:mod:`.log`).  A learner's ``.lab/localoci`` from before keeps its streams and messages:
consecutive messages of a partition with the same append time become one batch (what one
PutMessages wrote), at the same offsets, and the old table is dropped in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager

from .log import MessageLog


def has_message_rows(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'"
    ).fetchone()
    return row is not None


def migrate_message_rows(
    conn: sqlite3.Connection, log: MessageLog, tx: Callable[[], AbstractContextManager[None]]
) -> int:
    """Move version-1 message rows into batches; return how many messages moved."""
    if not has_message_rows(conn):
        return 0
    moved = 0
    with tx():
        parts = conn.execute(
            "SELECT DISTINCT stream_id, partition FROM messages ORDER BY stream_id, partition"
        ).fetchall()
        for part in parts:
            sid, p = part["stream_id"], part["partition"]
            run: list[sqlite3.Row] = []
            for row in conn.execute(
                "SELECT offset, ts, key, value FROM messages WHERE stream_id = ? AND partition = ? ORDER BY offset",
                (sid, p),
            ):
                if run and (
                    row["ts"] != run[-1]["ts"]
                    or row["offset"] != run[-1]["offset"] + 1
                    or len(run) >= 1000
                ):
                    moved += _flush(log, sid, p, run)
                    run = []
                run.append(row)
            if run:
                moved += _flush(log, sid, p, run)
        conn.execute("DROP TABLE messages")
    return moved


def _flush(log: MessageLog, stream_id: str, partition: int, run: list[sqlite3.Row]) -> int:
    log.place_at(stream_id, partition, run[0]["offset"])
    log.append(
        stream_id, partition, [r["key"] for r in run], [r["value"] for r in run], run[0]["ts"]
    )
    return len(run)
