"""The :class:`Store`: transactions, and every SQL statement about streams, pools and keys.

Tables are described in ``localoci/schema.sql``.  Four parts have modules of their own,
reached as attributes: the message log (:mod:`.log`, ``store.log``: batches in segment files,
the offsets of every partition), the consumer-group tables (:mod:`.group_tables`,
``store.groups``), the Kafka groups' offsets (:mod:`.kafka_offsets`, ``store.kafka_offsets``)
and the work requests (:mod:`.work_request_table`,
``store.work_requests``).  A rolled-back transaction restores the log's in-memory offsets;
work that must wait for a commit (deleting files) is queued with :meth:`Store.after_commit`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from .. import errors
from .group_tables import GroupTables
from .kafka_offsets import KafkaOffsets
from .log import MessageLog
from .migrate import migrate_message_rows
from .rows import PartitionOffsets, Stream, StreamPool
from .work_request_table import WorkRequestTable

# Every table of localoci/schema.sql, children before parents (``reset`` empties them in order).
# ``meta`` and ``api_keys`` are not data: a reset keeps the clock, the secret and the keys.
# (The log's own tables, ``batches`` and ``partitions``, are emptied by ``store.log``.)
DATA_TABLES = (
    "kafka_offsets",
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
    # A database made before the Kafka listener: batches learn their newest Kafka timestamp.
    if "max_ts" not in {row[1] for row in conn.execute("PRAGMA table_info(batches)")}:
        conn.execute("ALTER TABLE batches ADD COLUMN max_ts INTEGER")
    conn.execute("UPDATE stream_pools SET etag = lower(hex(randomblob(16))) WHERE etag = ''")


class Store:
    """Domain-level access to the database.  Methods raise :mod:`errors` for missing things."""

    def __init__(self, conn: sqlite3.Connection, log_dir: Path, durability: str = "full") -> None:
        self.conn = conn
        init_db(conn)
        self._pending: list[Callable[[], object]] = []
        self.log = MessageLog(conn, log_dir, durability, self.after_commit)
        self.log.recover()
        migrate_message_rows(conn, self.log, self.tx)
        self.groups = GroupTables(conn)
        self.kafka_offsets = KafkaOffsets(conn)
        self.work_requests = WorkRequestTable(conn)

    def close(self) -> None:
        self.log.close()
        self.conn.close()

    def after_commit(self, action: Callable[[], object]) -> None:
        """Run ``action`` once the current transaction commits (dropped if it rolls back); what
        it returns is ignored."""
        self._pending.append(action)

    # -- transactions ----------------------------------------------------------------------

    @contextmanager
    def tx(self) -> Iterator[None]:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise errors.storage_unavailable(str(exc)) from None
        snapshot = self.log.snapshot()
        self._pending = []
        try:
            yield
            self.log.flush()
            self.conn.execute("COMMIT")
        except (sqlite3.OperationalError, OSError) as exc:
            self._rollback(snapshot)
            raise errors.storage_unavailable(str(exc)) from None
        except BaseException:
            self._rollback(snapshot)
            raise
        pending, self._pending = self._pending, []
        for action in pending:
            action()

    def _rollback(self, snapshot: tuple) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass
        self.log.restore(snapshot)
        self._pending = []

    def checkpoint(self) -> None:
        """Fold the WAL back into the database and truncate it (after a big trim, so the data
        directory does not keep the trimmed bytes twice)."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def reset(self) -> None:
        """Forget every stream, pool, message, group and work request (inside ``tx()``)."""
        for table in DATA_TABLES:
            self.conn.execute(f"DELETE FROM {table}")
        self.log.drop_all()

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
        self.log.add_partitions(s.id, s.partitions)

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
        for table in ("groups", "group_partitions", "group_instances", "kafka_offsets"):
            self.conn.execute(f"DELETE FROM {table} WHERE stream_id = ?", (stream_id,))
        self.log.drop_stream(stream_id)

    # -- figures ---------------------------------------------------------------------------

    def partition_offsets(self, stream_id: str) -> list[PartitionOffsets]:
        """Next and trim offset of each of the stream's partitions, as stored (``/_localoci/stats``)."""
        rows = self.conn.execute(
            "SELECT partition, next_offset, trim_offset FROM partitions WHERE stream_id = ? ORDER BY partition",
            (stream_id,),
        )
        return [PartitionOffsets(r["partition"], r["next_offset"], r["trim_offset"]) for r in rows]
