"""The state one localoci serves: store, clock, limits, lifecycle, and shared domain rules.

``Service(ServerConfig(data_dir=...))`` is the app factory's core, and all a pure operation
test needs: call ``localoci.ops.<action>(svc, ...)`` on it, no HTTP involved.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import errors
from .clock import Clock
from .identity.store import IdentityStore
from .lifecycle import Lifecycle
from .limits import Limits, Monotonic, RateLimiter
from .region import Realm
from .store import Store, Stream, connect

if TYPE_CHECKING:  # only for the annotation: faas is a layer above and imports this module
    from .faas.state import Faas

DELETED_STATES = ("DELETING", "DELETED")


@dataclass
class ServerConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    limits: Limits = field(default_factory=Limits)
    auth: bool = True
    durability: str = "full"  # SQLite synchronous=FULL ("normal" survives process crashes too)
    ready_delay_ms: int = 200  # CREATING -> ACTIVE after this long
    allow_remote: bool = False
    idle_exit_s: float = 0.0  # exit after this long without requests (0: never)
    # Region mode (``--as-region``): HTTPS under the realm's hostnames, the control endpoints
    # on a loopback side channel (``control_port``), a CONNECT proxy (``proxy_port``), the real
    # clock.  None: the local stand-in, one plain-HTTP URL for everything.
    realm: Realm | None = None
    control_port: int = 0
    proxy_port: int = 0
    # Unknown compartment OCIDs: "strict" answers 404 NotAuthorizedOrNotFound (as OCI does),
    # "open" accepts any (the local stand-in's tests and lessons use made-up compartments).
    # None: strict in region mode, open otherwise.
    compartments: str | None = None
    # The Kafka listener (localoci.kafka_side): its port (0: any free one; None: no listener)
    # and whether it speaks SASL_PLAINTEXT instead of SASL_SSL.
    kafka_port: int | None = None
    kafka_plaintext: bool = False

    @property
    def strict_compartments(self) -> bool:
        return (self.compartments or ("strict" if self.realm else "open")) == "strict"


class Service:
    """``monotonic`` is the clock the rate limits run on (tests pass one they can move)."""

    def __init__(self, config: ServerConfig, monotonic: Monotonic = time.monotonic) -> None:
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = Store(
            connect(config.data_dir / "localoci.db", config.durability),
            config.data_dir / "log",
            config.durability,
        )
        self.identity = IdentityStore(self.store)
        self.clock = Clock(int(self.store.meta_get("clock_offset_ms", "0") or 0))
        self.limits = config.limits
        self.rates = RateLimiter(config.limits, monotonic)
        self.realm = config.realm
        if self.realm is not None:
            # Region mode runs on the real clock: a data directory whose clock a local-mode
            # lesson moved forward would date everything in the future.
            if self.clock.offset_ms:
                self.store.close()
                raise errors.conflict(
                    f"this data directory's clock was advanced by {self.clock.offset_ms / 1000:.0f} s "
                    "in local mode; a region runs on the real clock. Use another --data-dir."
                )
            self.base_url = self.realm.url(self.realm.host("streaming"))
        else:
            self.base_url = f"http://{config.host}:{config.port}"
        self.stats: dict[str, int] = {}
        secret = self.store.meta_get("server_secret")
        if secret is None:
            secret = secrets.token_hex(32)
            with self.store.tx():
                self.store.meta_set("server_secret", secret)
        self.secret = bytes.fromhex(secret)
        self.lifecycle = Lifecycle()
        # What a client of this region needs in its environment (region mode; set by the
        # server once its proxy listens): passed on to the function processes too.
        self.client_env: dict[str, str] = {}
        # The Kafka listener's "host:port" once it listens (pools report it as their
        # kafkaSettings.bootstrapServers); None while it is off.
        self.kafka_bootstrap: str | None = None
        # What health says of it: bootstrapServers, securityProtocol, saslMechanism, caFile.
        self.kafka_info: dict | None = None
        self.faas: Faas | None = None  # the Functions and API Gateway part (localoci.faas.install)

    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    def close(self) -> None:
        self.store.close()

    def count(self, name: str, n: int = 1) -> None:
        self.stats[name] = self.stats.get(name, 0) + n

    def advance_clock(self, seconds: float) -> int:
        if self.realm is not None:
            raise errors.conflict(
                "This localoci serves as a region and runs on the real clock: it cannot be "
                "advanced. Wait, or use the local stand-in (python -m localoci serve)."
            )
        now = self.clock.advance(seconds)
        with self.store.tx():
            self.store.meta_set("clock_offset_ms", str(self.clock.offset_ms))
        self.enforce_retention()
        return now

    def reset(self) -> None:
        """Forget every stream, pool, group and work request (and what the hooks own); keys,
        identity (tenancy, users, compartments, auth tokens), secret and clock stay."""
        with self.store.tx():
            self.store.reset()
        self.lifecycle.reset()
        self.rates.clear()

    # -- stream lifecycle ------------------------------------------------------------------

    def settle(self, stream: Stream) -> Stream:
        """Move a stream along CREATING -> ACTIVE or DELETING -> DELETED once its time has come."""
        now = self.clock.now_ms()
        if (
            stream.lifecycle_state in ("CREATING", "UPDATING", "DELETING")
            and now >= stream.ready_at
        ):
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
                f'\'partition\' must be a string from "0" to "{stream.partitions - 1}" '
                f"(stream {stream.name} has {stream.partitions} partitions); got {value!r}."
            )
        return int(value)

    def messages_endpoint(self) -> str:
        """What streams hand out as ``messagesEndpoint`` (local: the one URL of everything)."""
        if self.realm is not None:
            return self.realm.url(self.realm.host("messages"))
        return self.base_url

    # -- compartments ------------------------------------------------------------------------

    def check_compartment(self, compartment_id: str | None) -> str:
        """``compartment_id`` if it may hold resources: an ACTIVE compartment (the tenancy
        included) of the Identity stand-in; with ``--compartments open`` any OCID.  404
        NotAuthorizedOrNotFound otherwise, as OCI answers for a compartment it does not know
        (or you may not see)."""
        if not compartment_id:
            raise errors.missing_parameter("compartmentId")
        if not self.config.strict_compartments:
            return compartment_id
        c = self.identity.compartment(compartment_id)
        if c is None or c.lifecycle_state != "ACTIVE":
            raise errors.not_found("compartment", compartment_id)
        return compartment_id

    # -- retention -------------------------------------------------------------------------

    def enforce_retention(self, stream: Stream | None = None) -> None:
        """Trim messages older than each stream's retention; drop groups unused that long."""
        now = self.clock.now_ms()
        streams = (
            [stream]
            if stream
            else [s for s in self.store.all_streams() if s.lifecycle_state not in DELETED_STATES]
        )
        trimmed = False
        with self.store.tx():
            for s in streams:
                horizon = now - s.retention_hours * 3600 * 1000
                for p in range(s.partitions):
                    before = self.store.log.trim_offset(s.id, p)
                    trimmed |= self.store.log.trim(s.id, p, horizon) != before
                # Groups are ephemeral: one unused for the retention period disappears.
                self.store.groups.expire_unused(s.id, horizon)
        if trimmed:
            self.store.checkpoint()
