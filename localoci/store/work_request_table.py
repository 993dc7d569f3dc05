"""The ``work_requests`` table: one row per mutating admin call, read back by GetWorkRequest
and ListWorkRequests.  Reached as ``store.work_requests``; call :meth:`insert` inside
``store.tx()``."""

from __future__ import annotations

import sqlite3


class WorkRequestTable:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def insert(self, row: dict) -> None:
        self.conn.execute(
            "INSERT INTO work_requests(id, operation_type, compartment_id, entity_type, action_type, resource_id, "
            "entity_uri, time_accepted, done_at) VALUES (:id, :operation_type, :compartment_id, :entity_type, "
            ":action_type, :resource_id, :entity_uri, :time_accepted, :done_at)",
            row,
        )

    def find(self, wr_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM work_requests WHERE id = ?", (wr_id,)).fetchone()
        return dict(row) if row else None

    def list(self, compartment_id: str | None, resource_id: str | None) -> list[dict]:
        sql, args = "SELECT * FROM work_requests WHERE 1=1", []
        if compartment_id:
            sql += " AND compartment_id = ?"
            args.append(compartment_id)
        if resource_id:
            sql += " AND resource_id = ?"
            args.append(resource_id)
        return [
            dict(r)
            for r in self.conn.execute(sql + " ORDER BY time_accepted DESC, rowid DESC", args)
        ]
