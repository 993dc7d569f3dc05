"""Functions and API Gateway resources: rows in ``faas_resources`` (see ``schema.sql``).

The faas half of the store, and with :mod:`localoci.store` the only place with SQL.  Its
tables live in the same database (one connection, one ``store.tx()``), but in their own schema
file, ``localoci/faas/schema.sql``, which only this module reads: the streaming store never
touches a faas table, so each schema file is read with the one store that owns it.

A :class:`Resource` is one application, function, gateway or deployment; its kind-specific
fields live in ``doc`` and :mod:`.models` turns it into the wire shape.  Like the main store,
only the server's event-loop thread touches the connection.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..store import Store

_COLS = (
    "id, kind, compartment_id, parent_id, name, state, time_created, time_updated, ready_at, doc"
)


@dataclass
class Resource:
    id: str
    kind: str
    compartment_id: str
    parent_id: str | None
    name: str
    state: str
    time_created: int
    time_updated: int
    ready_at: int
    doc: dict = field(default_factory=dict)


def init_db(conn: sqlite3.Connection) -> None:
    conn.executescript((Path(__file__).with_name("schema.sql")).read_text())


class FaasStore:
    """Over the streaming store's connection: its transactions (``store.tx()``) cover both."""

    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        init_db(self.conn)

    @staticmethod
    def _row(row: sqlite3.Row) -> Resource:
        return Resource(
            id=row["id"],
            kind=row["kind"],
            compartment_id=row["compartment_id"],
            parent_id=row["parent_id"],
            name=row["name"],
            state=row["state"],
            time_created=row["time_created"],
            time_updated=row["time_updated"],
            ready_at=row["ready_at"],
            doc=json.loads(row["doc"]),
        )

    def insert(self, r: Resource) -> None:
        self.conn.execute(
            f"INSERT INTO faas_resources ({_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                r.id,
                r.kind,
                r.compartment_id,
                r.parent_id,
                r.name,
                r.state,
                r.time_created,
                r.time_updated,
                r.ready_at,
                json.dumps(r.doc),
            ),
        )

    def update(self, r: Resource) -> None:
        self.conn.execute(
            "UPDATE faas_resources SET compartment_id=?, name=?, state=?, time_updated=?, ready_at=?, doc=? WHERE id=?",
            (
                r.compartment_id,
                r.name,
                r.state,
                r.time_updated,
                r.ready_at,
                json.dumps(r.doc),
                r.id,
            ),
        )

    def find(self, kind: str, rid: str) -> Resource | None:
        row = self.conn.execute(
            f"SELECT {_COLS} FROM faas_resources WHERE kind = ? AND id = ?", (kind, rid)
        ).fetchone()
        return self._row(row) if row else None

    def list(
        self, kind: str, *, compartment_id: str | None = None, parent_id: str | None = None
    ) -> list[Resource]:
        sql, args = f"SELECT {_COLS} FROM faas_resources WHERE kind = ?", [kind]
        if compartment_id is not None:
            sql += " AND compartment_id = ?"
            args.append(compartment_id)
        if parent_id is not None:
            sql += " AND parent_id = ?"
            args.append(parent_id)
        return [self._row(r) for r in self.conn.execute(sql + " ORDER BY time_created, id", args)]

    def delete(self, rid: str) -> None:
        self.conn.execute("DELETE FROM faas_resources WHERE id = ?", (rid,))

    # -- API Gateway work requests ---------------------------------------------------------

    def insert_work_request(self, row: dict) -> None:
        self.conn.execute(
            "INSERT INTO faas_work_requests(id, operation_type, compartment_id, resource_id, entity_type, "
            "action_type, time_accepted, done_at) VALUES (:id, :operation_type, :compartment_id, :resource_id, "
            ":entity_type, :action_type, :time_accepted, :done_at)",
            row,
        )

    def find_work_request(self, wr_id: str) -> dict | None:
        row = self.conn.execute(
            "SELECT * FROM faas_work_requests WHERE id = ?", (wr_id,)
        ).fetchone()
        return dict(row) if row else None

    # builtins.list: inside this class, ``list`` names the method above.
    def list_work_requests(
        self, compartment_id: str, resource_id: str | None
    ) -> builtins.list[dict]:
        sql, args = "SELECT * FROM faas_work_requests WHERE compartment_id = ?", [compartment_id]
        if resource_id:
            sql += " AND resource_id = ?"
            args.append(resource_id)
        return [dict(r) for r in self.conn.execute(sql + " ORDER BY time_accepted DESC", args)]

    def clear(self) -> None:
        self.conn.execute("DELETE FROM faas_resources")
        self.conn.execute("DELETE FROM faas_work_requests")
