"""The state one localoci process serves: store, clock, limits, and shared domain rules."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from . import errors
from .clock import Clock
from .limits import Limits, RateLimiter
from .store import Store, Stream, connect

DELETED_STATES = ("DELETING", "DELETED")


@dataclass
class ServerConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    limits: Limits = field(default_factory=Limits)
    auth: bool = True
    durability: str = "full"          # SQLite synchronous=FULL ("normal" survives process crashes too)
    ready_delay_ms: int = 200         # CREATING -> ACTIVE after this long
    allow_remote: bool = False
    idle_exit_s: float = 0.0          # exit after this long without requests (0: never)


class Service:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(connect(config.data_dir / "localoci.db", config.durability))
        self.clock = Clock(int(self.store.meta_get("clock_offset_ms", "0") or 0))
        self.limits = config.limits
        self.rates = RateLimiter(config.limits)
        self.base_url = f"http://{config.host}:{config.port}"
        self.stats: dict[str, int] = {}
        secret = self.store.meta_get("server_secret")
        if secret is None:
            secret = secrets.token_hex(32)
            with self.store.tx():
                self.store.meta_set("server_secret", secret)
        self.secret = bytes.fromhex(secret)
        self.extensions: dict[str, object] = {}

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    def count(self, name: str, n: int = 1) -> None:
        self.stats[name] = self.stats.get(name, 0) + n

    def advance_clock(self, seconds: float) -> int:
        now = self.clock.advance(seconds)
        with self.store.tx():
            self.store.meta_set("clock_offset_ms", str(self.clock.offset_ms))
        self.enforce_retention()
        return now

    # -- lifecycle -------------------------------------------------------------------------

    def settle(self, stream: Stream) -> Stream:
        """Move a stream along CREATING -> ACTIVE or DELETING -> DELETED once its time has come."""
        now = self.clock.now_ms()
        if stream.lifecycle_state in ("CREATING", "UPDATING", "DELETING") and now >= stream.ready_at:
            stream.lifecycle_state = "DELETED" if stream.lifecycle_state == "DELETING" else "ACTIVE"
            with self.store.tx():
                self.store.update_stream(stream)
        return stream

    def stream(self, stream_id: str) -> Stream:
        """The stream, settled; 404 if unknown."""
        s = self.store.find_stream(stream_id)
        if s is None:
            raise errors.stream_not_found(stream_id)
        return self.settle(s)

    def data_stream(self, stream_id: str) -> Stream:
        """A stream that can take and serve messages: ACTIVE (or UPDATING)."""
        s = self.stream(stream_id)
        if s.lifecycle_state in DELETED_STATES:
            raise errors.stream_not_found(stream_id)
        if s.lifecycle_state == "CREATING":
            raise errors.incorrect_state(
                f"Stream {stream_id} is still CREATING; wait until it is ACTIVE "
                "(e.g. StreamAdminClientCompositeOperations.create_stream_and_wait_for_state)."
            )
        return s

    def partition_of(self, stream: Stream, value: object) -> int:
        if not isinstance(value, str) or not value.isdigit() or int(value) >= stream.partitions:
            raise errors.invalid_parameter(
                f"'partition' must be a string from \"0\" to \"{stream.partitions - 1}\" "
                f"(stream {stream.name} has {stream.partitions} partitions); got {value!r}."
            )
        return int(value)

    def messages_endpoint(self) -> str:
        return self.base_url

    # -- retention -------------------------------------------------------------------------

    def enforce_retention(self, stream: Stream | None = None) -> None:
        now = self.clock.now_ms()
        streams = [stream] if stream else [s for s in self.store.all_streams() if s.lifecycle_state not in DELETED_STATES]
        trimmed = False
        with self.store.tx():
            for s in streams:
                horizon = now - s.retention_hours * 3600 * 1000
                for p in range(s.partitions):
                    before = self.store.trim_offset(s.id, p)
                    trimmed |= self.store.trim(s.id, p, horizon) != before
                # Groups are ephemeral: one unused for the retention period disappears.
                for table, column in (("group_partitions", "group_name"), ("group_instances", "group_name")):
                    self.store.conn.execute(
                        f"DELETE FROM {table} WHERE stream_id = ? AND {column} IN "
                        "(SELECT name FROM groups WHERE stream_id = ? AND last_used < ?)",
                        (s.id, s.id, horizon),
                    )
                self.store.conn.execute("DELETE FROM groups WHERE stream_id = ? AND last_used < ?", (s.id, horizon))
        if trimmed:
            # A big trim leaves every deleted page in the WAL: fold it back and truncate it,
            # so the data directory does not keep the trimmed bytes twice.
            self.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
