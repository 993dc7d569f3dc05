"""A small store over SQLite (WAL), the flaskr way: ``connect()``, ``init_db()``, one schema file.

Only the event-loop thread of the server touches the connection, so there is no locking
here; each mutating operation runs in one transaction (``with store.tx():``) and is durable
when it returns: an acknowledged message is on disk before its offset is sent.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import errors
from .timefmt import format_ms


def connect(path: Path | str, durability: str = "full") -> sqlite3.Connection:
    """Open (and create) the database; ``durability`` is SQLite's ``synchronous`` level."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={'FULL' if durability == 'full' else 'NORMAL'}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def init_db(conn: sqlite3.Connection) -> None:
    conn.executescript(resources.files("localoci").joinpath("schema.sql").read_text())


# -- domain rows -------------------------------------------------------------------------------

@dataclass
class StreamPool:
    id: str
    compartment_id: str
    name: str
    is_default: bool
    lifecycle_state: str
    time_created: int
    ready_at: int
    kafka_settings: dict = field(default_factory=dict)
    freeform_tags: dict = field(default_factory=dict)
    defined_tags: dict = field(default_factory=dict)

    def to_wire(self, base_url: str, summary: bool = False) -> dict:
        out = {
            "id": self.id,
            "compartmentId": self.compartment_id,
            "name": self.name,
            "lifecycleState": self.lifecycle_state,
            "timeCreated": format_ms(self.time_created),
            "isPrivate": False,
            "freeformTags": self.freeform_tags,
            "definedTags": self.defined_tags,
        }
        if not summary:
            host = base_url.split("://", 1)[-1]
            out.update(
                {
                    "kafkaSettings": {
                        "bootstrapServers": None,
                        "autoCreateTopicsEnable": bool(self.kafka_settings.get("autoCreateTopicsEnable", False)),
                        "logRetentionHours": int(self.kafka_settings.get("logRetentionHours", 24)),
                        "numPartitions": int(self.kafka_settings.get("numPartitions", 1)),
                    },
                    "customEncryptionKey": {"kmsKeyId": None, "keyState": "NONE"},
                    "endpointFqdn": host,
                    "privateEndpointSettings": {"subnetId": None, "privateEndpointIp": None, "nsgIds": None},
                }
            )
        return out


@dataclass
class Stream:
    id: str
    name: str
    compartment_id: str
    stream_pool_id: str
    partitions: int
    retention_hours: int
    lifecycle_state: str
    time_created: int
    ready_at: int
    etag: str
    freeform_tags: dict = field(default_factory=dict)
    defined_tags: dict = field(default_factory=dict)

    def to_wire(self, messages_endpoint: str, summary: bool = False) -> dict:
        out = {
            "name": self.name,
            "id": self.id,
            "partitions": self.partitions,
            "compartmentId": self.compartment_id,
            "streamPoolId": self.stream_pool_id,
            "lifecycleState": self.lifecycle_state,
            "timeCreated": format_ms(self.time_created),
            "messagesEndpoint": messages_endpoint,
            "freeformTags": self.freeform_tags,
            "definedTags": self.defined_tags,
        }
        if not summary:
            out["retentionInHours"] = self.retention_hours
        return out


@dataclass(frozen=True)
class StoredMessage:
    partition: int
    offset: int
    ts: int
    key: bytes | None
    value: bytes


class Store:
    """Domain-level access to the database.  Methods raise :mod:`errors` for missing things."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        init_db(conn)
        # Hot-path caches, always written through to the database in the same transaction.
        self._next: dict[tuple[str, int], int] = {}
        self._trim: dict[tuple[str, int], int] = {}
        for sid, p, nxt, trim in conn.execute("SELECT stream_id, partition, next_offset, trim_offset FROM partitions"):
            self._next[(sid, p)] = nxt
            self._trim[(sid, p)] = trim

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise errors.storage_unavailable(str(exc)) from None
        snapshot = (dict(self._next), dict(self._trim))
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback(snapshot)
            raise errors.storage_unavailable(str(exc)) from None
        except BaseException:
            self._rollback(snapshot)
            raise

    def _rollback(self, snapshot: tuple[dict, dict]) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass
        self._next, self._trim = snapshot

    # -- meta ------------------------------------------------------------------------------

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def meta_set(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- keys ------------------------------------------------------------------------------

    def add_api_key(self, tenancy: str, user: str, fingerprint: str, public_pem: str) -> str:
        key_id = f"{tenancy}/{user}/{fingerprint}"
        self.conn.execute(
            "INSERT OR REPLACE INTO api_keys VALUES (?, ?, ?, ?, ?)",
            (key_id, tenancy, user, fingerprint, public_pem),
        )
        return key_id

    def api_key(self, key_id: str) -> str | None:
        row = self.conn.execute("SELECT public_pem FROM api_keys WHERE key_id = ?", (key_id,)).fetchone()
        return row[0] if row else None

    # -- stream pools ----------------------------------------------------------------------

    _POOL_COLS = "id, compartment_id, name, is_default, lifecycle_state, time_created, ready_at, kafka_settings, freeform_tags, defined_tags"

    def _pool(self, row: tuple) -> StreamPool:
        return StreamPool(
            row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6],
            json.loads(row[7]), json.loads(row[8]), json.loads(row[9]),
        )

    def insert_pool(self, pool: StreamPool) -> None:
        self.conn.execute(
            f"INSERT INTO stream_pools ({self._POOL_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (pool.id, pool.compartment_id, pool.name, int(pool.is_default), pool.lifecycle_state,
             pool.time_created, pool.ready_at, json.dumps(pool.kafka_settings),
             json.dumps(pool.freeform_tags), json.dumps(pool.defined_tags)),
        )

    def update_pool(self, pool: StreamPool) -> None:
        self.conn.execute(
            "UPDATE stream_pools SET name=?, lifecycle_state=?, ready_at=?, kafka_settings=?, freeform_tags=?, defined_tags=? WHERE id=?",
            (pool.name, pool.lifecycle_state, pool.ready_at, json.dumps(pool.kafka_settings),
             json.dumps(pool.freeform_tags), json.dumps(pool.defined_tags), pool.id),
        )

    def find_pool(self, pool_id: str) -> StreamPool | None:
        row = self.conn.execute(f"SELECT {self._POOL_COLS} FROM stream_pools WHERE id = ?", (pool_id,)).fetchone()
        return self._pool(row) if row else None

    def default_pool(self, compartment_id: str) -> StreamPool | None:
        row = self.conn.execute(
            f"SELECT {self._POOL_COLS} FROM stream_pools WHERE compartment_id = ? AND is_default = 1",
            (compartment_id,),
        ).fetchone()
        return self._pool(row) if row else None

    def list_pools(self, compartment_id: str) -> list[StreamPool]:
        rows = self.conn.execute(
            f"SELECT {self._POOL_COLS} FROM stream_pools WHERE compartment_id = ?", (compartment_id,)
        ).fetchall()
        return [self._pool(r) for r in rows]

    # -- streams ---------------------------------------------------------------------------

    _STREAM_COLS = "id, name, compartment_id, stream_pool_id, partitions, retention_hours, lifecycle_state, time_created, ready_at, etag, freeform_tags, defined_tags"

    def _stream(self, row: tuple) -> Stream:
        return Stream(*row[:10], json.loads(row[10]), json.loads(row[11]))

    def insert_stream(self, s: Stream) -> None:
        self.conn.execute(
            f"INSERT INTO streams ({self._STREAM_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (s.id, s.name, s.compartment_id, s.stream_pool_id, s.partitions, s.retention_hours,
             s.lifecycle_state, s.time_created, s.ready_at, s.etag,
             json.dumps(s.freeform_tags), json.dumps(s.defined_tags)),
        )
        for p in range(s.partitions):
            self.conn.execute("INSERT INTO partitions(stream_id, partition) VALUES (?, ?)", (s.id, p))
            self._next[(s.id, p)] = 0
            self._trim[(s.id, p)] = 0

    def update_stream(self, s: Stream) -> None:
        self.conn.execute(
            "UPDATE streams SET compartment_id=?, stream_pool_id=?, lifecycle_state=?, ready_at=?, etag=?, freeform_tags=?, defined_tags=? WHERE id=?",
            (s.compartment_id, s.stream_pool_id, s.lifecycle_state, s.ready_at, s.etag,
             json.dumps(s.freeform_tags), json.dumps(s.defined_tags), s.id),
        )

    def find_stream(self, stream_id: str) -> Stream | None:
        row = self.conn.execute(f"SELECT {self._STREAM_COLS} FROM streams WHERE id = ?", (stream_id,)).fetchone()
        return self._stream(row) if row else None

    def all_streams(self) -> list[Stream]:
        return [self._stream(r) for r in self.conn.execute(f"SELECT {self._STREAM_COLS} FROM streams")]

    def drop_stream_data(self, stream_id: str) -> None:
        """Delete a stream's messages, partitions and groups (the stream row stays, DELETED)."""
        for table in ("messages", "partitions", "groups", "group_partitions", "group_instances"):
            self.conn.execute(f"DELETE FROM {table} WHERE stream_id = ?", (stream_id,))
        for key in [k for k in self._next if k[0] == stream_id]:
            self._next.pop(key, None)
            self._trim.pop(key, None)

    # -- the log ---------------------------------------------------------------------------

    def next_offset(self, stream_id: str, partition: int) -> int:
        return self._next[(stream_id, partition)]

    def trim_offset(self, stream_id: str, partition: int) -> int:
        return self._trim[(stream_id, partition)]

    def append(self, stream_id: str, rows: list[tuple[int, bytes | None, bytes]], ts: int) -> list[int]:
        """Append ``(partition, key, value)`` rows; return their offsets.  Call inside ``tx()``."""
        offsets = []
        touched: dict[int, int] = {}
        params = []
        for partition, key, value in rows:
            off = self._next[(stream_id, partition)]
            self._next[(stream_id, partition)] = off + 1
            touched[partition] = off + 1
            offsets.append(off)
            params.append((stream_id, partition, off, ts, key, value))
        self.conn.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", params)
        self.conn.executemany(
            "UPDATE partitions SET next_offset = ? WHERE stream_id = ? AND partition = ?",
            [(nxt, stream_id, p) for p, nxt in touched.items()],
        )
        return offsets

    def read(self, stream_id: str, partition: int, from_offset: int, limit: int,
             max_bytes: int | None = None) -> list[StoredMessage]:
        """Up to ``limit`` messages from ``from_offset``; with ``max_bytes``, stop once the keys
        and values read reach it (always at least one message)."""
        cur = self.conn.execute(
            "SELECT offset, ts, key, value FROM messages WHERE stream_id = ? AND partition = ? AND offset >= ? "
            "ORDER BY offset LIMIT ?",
            (stream_id, partition, from_offset, limit),
        )
        out, size = [], 0
        for r in cur:
            out.append(StoredMessage(partition, r[0], r[1], r[2], r[3]))
            size += len(r[3]) + len(r[2] or b"")
            if max_bytes is not None and size >= max_bytes:
                cur.close()
                break
        return out

    def first_offset_at_time(self, stream_id: str, partition: int, ts: int) -> int:
        """The first retained offset whose timestamp is >= ``ts`` (or the next offset)."""
        row = self.conn.execute(
            "SELECT min(offset) FROM messages WHERE stream_id = ? AND partition = ? AND ts >= ?",
            (stream_id, partition, ts),
        ).fetchone()
        return row[0] if row[0] is not None else self._next[(stream_id, partition)]

    def trim(self, stream_id: str, partition: int, older_than_ts: int) -> int:
        """Delete messages appended before ``older_than_ts``; return the new trim offset."""
        row = self.conn.execute(
            "SELECT max(offset) FROM messages WHERE stream_id = ? AND partition = ? AND ts < ?",
            (stream_id, partition, older_than_ts),
        ).fetchone()
        if row[0] is None:
            return self._trim[(stream_id, partition)]
        new_trim = row[0] + 1
        self.conn.execute(
            "DELETE FROM messages WHERE stream_id = ? AND partition = ? AND offset < ?",
            (stream_id, partition, new_trim),
        )
        self.conn.execute(
            "UPDATE partitions SET trim_offset = ? WHERE stream_id = ? AND partition = ?",
            (new_trim, stream_id, partition),
        )
        self._trim[(stream_id, partition)] = new_trim
        return new_trim

    # -- work requests ---------------------------------------------------------------------

    def insert_work_request(self, row: dict) -> None:
        self.conn.execute(
            "INSERT INTO work_requests VALUES (:id, :operation_type, :compartment_id, :entity_type, "
            ":action_type, :resource_id, :entity_uri, :time_accepted, :done_at)",
            row,
        )

    def find_work_request(self, wr_id: str) -> dict | None:
        cur = self.conn.execute("SELECT * FROM work_requests WHERE id = ?", (wr_id,))
        row = cur.fetchone()
        if not row:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def list_work_requests(self, compartment_id: str | None, resource_id: str | None) -> list[dict]:
        sql, args = "SELECT * FROM work_requests WHERE 1=1", []
        if compartment_id:
            sql += " AND compartment_id = ?"
            args.append(compartment_id)
        if resource_id:
            sql += " AND resource_id = ?"
            args.append(resource_id)
        cur = self.conn.execute(sql + " ORDER BY time_accepted DESC", args)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
