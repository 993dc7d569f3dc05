"""The :class:`Store`: every SQL statement about streams, pools, messages and work requests.

Tables are described in ``localoci/schema.sql``; the consumer-group tables have their own
module (:mod:`.group_tables`, reached as ``store.groups``), and so have the work requests
(:mod:`.work_request_table`, ``store.work_requests``).  The hot path (next and trim offset
of every partition) is cached in memory and written through in the same transaction; a
rolled-back transaction restores the cache.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from .. import errors
from .group_tables import GroupTables
from .rows import PartitionOffsets, StoredMessage, Stream, StreamPool
from .work_request_table import WorkRequestTable

# Every table of localoci/schema.sql, children before parents (``reset`` empties them in order).
# ``meta`` and ``api_keys`` are not data: a reset keeps the clock, the secret and the keys.
DATA_TABLES = (
    "messages",
    "partitions",
    "group_partitions",
    "group_instances",
    "groups",
    "streams",
    "stream_pools",
    "work_requests",
)


def connect(path: Path | str, durability: str = "full") -> sqlite3.Connection:
    """Open (and create) the database; ``durability`` is SQLite's ``synchronous`` level."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={'FULL' if durability == 'full' else 'NORMAL'}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    return conn


def init_db(conn: sqlite3.Connection) -> None:
    conn.executescript(resources.files("localoci").joinpath("schema.sql").read_text())
    # A database made before stream pools had etags: add the column, give each pool one.
    columns = {row[1] for row in conn.execute("PRAGMA table_info(stream_pools)")}
    if "etag" not in columns:
        conn.execute("ALTER TABLE stream_pools ADD COLUMN etag TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE stream_pools SET etag = lower(hex(randomblob(16))) WHERE etag = ''")


class Store:
    """Domain-level access to the database.  Methods raise :mod:`errors` for missing things."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        init_db(conn)
        # Hot-path caches, always written through to the database in the same transaction.
        self._next: dict[tuple[str, int], int] = {}
        self._trim: dict[tuple[str, int], int] = {}
        for row in conn.execute(
            "SELECT stream_id, partition, next_offset, trim_offset FROM partitions"
        ):
            self._next[(row["stream_id"], row["partition"])] = row["next_offset"]
            self._trim[(row["stream_id"], row["partition"])] = row["trim_offset"]
        self.groups = GroupTables(conn)
        self.work_requests = WorkRequestTable(conn)

    def close(self) -> None:
        self.conn.close()

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def tx(self) -> Iterator[None]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise errors.storage_unavailable(str(exc)) from None
        snapshot = (dict(self._next), dict(self._trim))
        try:
            yield
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

    def checkpoint(self) -> None:
        """Fold the WAL back into the database and truncate it (after a big trim, so the data
        directory does not keep the trimmed bytes twice)."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def reset(self) -> None:
        """Forget every stream, pool, message, group and work request (inside ``tx()``)."""
        for table in DATA_TABLES:
            self.conn.execute(f"DELETE FROM {table}")
        self._next.clear()
        self._trim.clear()

    # -- meta ------------------------------------------------------------------------------

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else default

    def meta_set(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- keys ------------------------------------------------------------------------------

    def add_api_key(self, tenancy: str, user: str, fingerprint: str, public_pem: str) -> str:
        key_id = f"{tenancy}/{user}/{fingerprint}"
        self.conn.execute(
            "INSERT OR REPLACE INTO api_keys(key_id, tenancy_id, user_id, fingerprint, public_pem) "
            "VALUES (?, ?, ?, ?, ?)",
            (key_id, tenancy, user, fingerprint, public_pem),
        )
        return key_id

    def api_key(self, key_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT public_pem FROM api_keys WHERE key_id = ?", (key_id,)
        ).fetchone()
        return row["public_pem"] if row else None

    # -- stream pools ----------------------------------------------------------------------

    _POOL_COLS = (
        "id, compartment_id, name, is_default, lifecycle_state, time_created, ready_at, "
        "kafka_settings, freeform_tags, defined_tags, etag"
    )

    @staticmethod
    def _pool(row: sqlite3.Row) -> StreamPool:
        return StreamPool(
            id=row["id"],
            compartment_id=row["compartment_id"],
            name=row["name"],
            is_default=bool(row["is_default"]),
            lifecycle_state=row["lifecycle_state"],
            time_created=row["time_created"],
            ready_at=row["ready_at"],
            kafka_settings=json.loads(row["kafka_settings"]),
            freeform_tags=json.loads(row["freeform_tags"]),
            defined_tags=json.loads(row["defined_tags"]),
            etag=row["etag"],
        )

    def insert_pool(self, pool: StreamPool) -> None:
        self.conn.execute(
            f"INSERT INTO stream_pools ({self._POOL_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                pool.id,
                pool.compartment_id,
                pool.name,
                int(pool.is_default),
                pool.lifecycle_state,
                pool.time_created,
                pool.ready_at,
                json.dumps(pool.kafka_settings),
                json.dumps(pool.freeform_tags),
                json.dumps(pool.defined_tags),
                pool.etag,
            ),
        )

    def update_pool(self, pool: StreamPool) -> None:
        self.conn.execute(
            "UPDATE stream_pools SET name=?, lifecycle_state=?, ready_at=?, kafka_settings=?, freeform_tags=?, "
            "defined_tags=?, etag=? WHERE id=?",
            (
                pool.name,
                pool.lifecycle_state,
                pool.ready_at,
                json.dumps(pool.kafka_settings),
                json.dumps(pool.freeform_tags),
                json.dumps(pool.defined_tags),
                pool.etag,
                pool.id,
            ),
        )

    def find_pool(self, pool_id: str) -> StreamPool | None:
        row = self.conn.execute(
            f"SELECT {self._POOL_COLS} FROM stream_pools WHERE id = ?", (pool_id,)
        ).fetchone()
        return self._pool(row) if row else None

    def default_pool(self, compartment_id: str) -> StreamPool | None:
        row = self.conn.execute(
            f"SELECT {self._POOL_COLS} FROM stream_pools WHERE compartment_id = ? AND is_default = 1",
            (compartment_id,),
        ).fetchone()
        return self._pool(row) if row else None

    def list_pools(self, compartment_id: str) -> list[StreamPool]:
        rows = self.conn.execute(
            f"SELECT {self._POOL_COLS} FROM stream_pools WHERE compartment_id = ?",
            (compartment_id,),
        ).fetchall()
        return [self._pool(r) for r in rows]

    # -- streams ---------------------------------------------------------------------------

    _STREAM_COLS = (
        "id, name, compartment_id, stream_pool_id, partitions, retention_hours, lifecycle_state, "
        "time_created, ready_at, etag, freeform_tags, defined_tags"
    )

    @staticmethod
    def _stream(row: sqlite3.Row) -> Stream:
        return Stream(
            id=row["id"],
            name=row["name"],
            compartment_id=row["compartment_id"],
            stream_pool_id=row["stream_pool_id"],
            partitions=row["partitions"],
            retention_hours=row["retention_hours"],
            lifecycle_state=row["lifecycle_state"],
            time_created=row["time_created"],
            ready_at=row["ready_at"],
            etag=row["etag"],
            freeform_tags=json.loads(row["freeform_tags"]),
            defined_tags=json.loads(row["defined_tags"]),
        )

    def insert_stream(self, s: Stream) -> None:
        self.conn.execute(
            f"INSERT INTO streams ({self._STREAM_COLS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                s.id,
                s.name,
                s.compartment_id,
                s.stream_pool_id,
                s.partitions,
                s.retention_hours,
                s.lifecycle_state,
                s.time_created,
                s.ready_at,
                s.etag,
                json.dumps(s.freeform_tags),
                json.dumps(s.defined_tags),
            ),
        )
        for p in range(s.partitions):
            self.conn.execute(
                "INSERT INTO partitions(stream_id, partition) VALUES (?, ?)", (s.id, p)
            )
            self._next[(s.id, p)] = 0
            self._trim[(s.id, p)] = 0

    def update_stream(self, s: Stream) -> None:
        self.conn.execute(
            "UPDATE streams SET compartment_id=?, stream_pool_id=?, lifecycle_state=?, ready_at=?, etag=?, "
            "freeform_tags=?, defined_tags=? WHERE id=?",
            (
                s.compartment_id,
                s.stream_pool_id,
                s.lifecycle_state,
                s.ready_at,
                s.etag,
                json.dumps(s.freeform_tags),
                json.dumps(s.defined_tags),
                s.id,
            ),
        )

    def find_stream(self, stream_id: str) -> Stream | None:
        row = self.conn.execute(
            f"SELECT {self._STREAM_COLS} FROM streams WHERE id = ?", (stream_id,)
        ).fetchone()
        return self._stream(row) if row else None

    def all_streams(self) -> list[Stream]:
        return [
            self._stream(r) for r in self.conn.execute(f"SELECT {self._STREAM_COLS} FROM streams")
        ]

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

    def partition_offsets(self, stream_id: str) -> list[PartitionOffsets]:
        """Next and trim offset of each of the stream's partitions, as stored (``/_localoci/stats``)."""
        rows = self.conn.execute(
            "SELECT partition, next_offset, trim_offset FROM partitions WHERE stream_id = ? ORDER BY partition",
            (stream_id,),
        )
        return [PartitionOffsets(r["partition"], r["next_offset"], r["trim_offset"]) for r in rows]

    def append(
        self, stream_id: str, rows: list[tuple[int, bytes | None, bytes]], ts: int
    ) -> list[int]:
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
        self.conn.executemany(
            "INSERT INTO messages(stream_id, partition, offset, ts, key, value) VALUES (?, ?, ?, ?, ?, ?)",
            params,
        )
        self.conn.executemany(
            "UPDATE partitions SET next_offset = ? WHERE stream_id = ? AND partition = ?",
            [(nxt, stream_id, p) for p, nxt in touched.items()],
        )
        return offsets

    def read(
        self,
        stream_id: str,
        partition: int,
        from_offset: int,
        limit: int,
        max_bytes: int | None = None,
    ) -> list[StoredMessage]:
        """Up to ``limit`` messages from ``from_offset``; with ``max_bytes``, stop once the keys
        and values read reach it (always at least one message)."""
        cur = self.conn.execute(
            "SELECT offset, ts, key, value FROM messages WHERE stream_id = ? AND partition = ? AND offset >= ? "
            "ORDER BY offset LIMIT ?",
            (stream_id, partition, from_offset, limit),
        )
        out, size = [], 0
        for r in cur:
            key, value = r["key"], r["value"]
            out.append(StoredMessage(partition, r["offset"], r["ts"], key, value))
            size += len(value) + len(key or b"")
            if max_bytes is not None and size >= max_bytes:
                cur.close()
                break
        return out

    def first_offset_at_time(self, stream_id: str, partition: int, ts: int) -> int:
        """The first retained offset whose timestamp is >= ``ts`` (or the next offset)."""
        row = self.conn.execute(
            "SELECT min(offset) AS first FROM messages WHERE stream_id = ? AND partition = ? AND ts >= ?",
            (stream_id, partition, ts),
        ).fetchone()
        return row["first"] if row["first"] is not None else self._next[(stream_id, partition)]

    def trim(self, stream_id: str, partition: int, older_than_ts: int) -> int:
        """Delete messages appended before ``older_than_ts``; return the new trim offset."""
        row = self.conn.execute(
            "SELECT max(offset) AS last FROM messages WHERE stream_id = ? AND partition = ? AND ts < ?",
            (stream_id, partition, older_than_ts),
        ).fetchone()
        if row["last"] is None:
            return self._trim[(stream_id, partition)]
        new_trim = row["last"] + 1
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
