"""Background workers: consumer-group instances, a producer and a lag recorder, each a thread
that always ends.

* :class:`GroupInstance` -- one member of a consumer group, run by hand (``join``, ``read``,
  ``commit``, ``heartbeat``) or in a background thread (``start`` ... ``stop``).  It records
  every message it receives (:class:`Delivery`).  For lessons it can *crash* between a read and
  its commit (``crash_after=n``) or *hang* (``hang()``: stop calling the service, so it stops
  heartbeating and loses its partitions after its timeout).
* :func:`start_all`, :func:`stop_all`, :func:`assignments`, :func:`partitions_read` -- several
  instances at once.
* :class:`BackgroundProducer` -- publishes keyed batches in a thread and tracks the latest
  offsets (an :class:`~labhelpers.groups.OffsetTracker`) from the acknowledgements.
* :class:`LagRecorder` -- polls GetGroup in the background and keeps the lag over time, for
  :func:`labhelpers.charts.plot_lag`.

Every worker has ``start()``, ``stop()``, ``alive`` and a hard ``max_seconds``.  Errors are never
raised out of a worker thread: they are kept in ``worker.errors`` (service errors as
``HTTP {status} {code}: {message}`` lines), and the worker stops.

Why one long module (a little over 400 lines): :class:`GroupInstance` is half of it, one
call at a time and the thread that makes them sharing one lock and one cursor; the other
workers share its base class and its rules (``stop()``, a deadline, errors kept, never raised).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import oci
import pandas as pd

from .consume import create_group_cursor, decode
from .encoding import Deserializer, text_or_bytes
from .errors import service_error_line
from .frames import deliveries_frame
from .groups import OffsetTracker, lag, stream_id_of
from .limits import GETS_PER_SECOND, wait_ms
from .publish import publish

__all__ = [
    "BackgroundProducer",
    "Delivery",
    "GroupInstance",
    "LagRecorder",
    "assignments",
    "partitions_read",
    "start_all",
    "stop_all",
]


@dataclass(frozen=True)
class Delivery:
    """One message as one instance received it."""

    instance: str
    batch: int
    partition: str
    offset: int
    key: Any
    value: Any
    received: datetime


class _Worker:
    """A background thread with ``start()``, ``stop()`` and ``alive``; subclasses write ``_run``
    and must end it when ``self._stop`` is set or their own deadline passes."""

    _thread_name = "labhelpers-worker"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self):
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self._thread_name, daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def stop(self, timeout: float = 5.0):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        return self

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


class GroupInstance(_Worker):
    """One instance (member) of consumer group ``group``.

    Parameters
    ----------
    client, stream
        The data-plane client and the stream (or its OCID).
    group, name
        Group and instance names. Use a unique instance name per consumer.
    type, time
        TRIM_HORIZON, LATEST or AT_TIME: counts only if this call creates the group.
    commit_on_get : bool
        True (OCI's default): each GetMessages first commits what this instance's *previous*
        GetMessages returned. False: the worker calls ConsumerCommit after each batch.
    timeout_ms : int, optional
        Inactivity after which the group takes this instance's partitions away (default 30 000).
    limit : int
        GetMessages ``limit`` (shared among the instance's partitions).
    interval : float
        Seconds between reads (4 per second by default, under the 5 per second read limit).
    process_seconds : float
        Pretend each non-empty batch takes this long to process; with ``heartbeat=True`` the worker
        sends ConsumerHeartbeat every ``interval`` meanwhile.
    crash_after : int, optional
        The worker "crashes" right after receiving this many non-empty batches: before
        committing the last one and before asking again (so commit-on-get never commits it).
    max_seconds : float
        Hard timeout of the worker thread.

    Examples
    --------
    >>> a = GroupInstance(client, stream, "g", "a").start()   # doctest: +SKIP
    >>> a.stop().partitions                                    # doctest: +SKIP
    {'0', '1', '2'}
    """

    def __init__(
        self,
        client: oci.streaming.StreamClient,
        stream: Any,
        group: str,
        name: str,
        *,
        type: str = "TRIM_HORIZON",  # noqa: A002 - the API's own name
        time: datetime | None = None,
        commit_on_get: bool = True,
        timeout_ms: int | None = None,
        limit: int = 100,
        interval: float = 0.25,
        process_seconds: float = 0.0,
        heartbeat: bool = True,
        crash_after: int | None = None,
        max_seconds: float = 60.0,
        deserializer: Deserializer = text_or_bytes,
    ) -> None:
        self.client, self.stream_id = client, stream_id_of(stream)
        self.group, self.name = group, name
        self.type, self.time = type, time
        self.commit_on_get, self.timeout_ms = commit_on_get, timeout_ms
        self.limit, self.interval = limit, max(interval, 1.0 / GETS_PER_SECOND)
        self.process_seconds, self.heartbeat_while_processing = process_seconds, heartbeat
        self.crash_after, self.max_seconds = crash_after, max_seconds
        self.deserializer = deserializer
        self.cursor: str | None = None
        self.deliveries: list[Delivery] = []
        self.batches = self.calls = self.empty_batches = self.throttled = self.commits = (
            self.heartbeats
        ) = 0
        self.errors: list[str] = []
        self.state = "new"
        super().__init__()
        self._hang = threading.Event()
        self._lock = threading.Lock()

    # -- one call at a time (usable without a thread) --------------------------------------------

    def join(self) -> str:
        """CreateGroupCursor: join the group (creating it with ``type`` if it is new)."""
        if self.cursor is None:
            self.cursor = create_group_cursor(
                self.client,
                self.stream_id,
                self.group,
                self.name,
                self.type,
                self.time,
                commit_on_get=self.commit_on_get,
                timeout_ms=self.timeout_ms,
            )
            self.state = "joined"
        return self.cursor

    def read(self) -> list[Delivery]:
        """One GetMessages with the group cursor; a 429 waits as long as the service says, once."""
        self.join()
        with self._lock:
            for attempt in range(2):
                try:
                    response = self.client.get_messages(
                        self.stream_id, self.cursor, limit=self.limit
                    )
                    break
                except oci.exceptions.ServiceError as exc:
                    if exc.status != 429 or attempt:
                        raise
                    self.throttled += 1
                    if self._stop.wait(wait_ms(exc.message, default=250) / 1000):
                        return []
            self.calls += 1
            self.cursor = response.headers["opc-next-cursor"]
            if not response.data:
                self.empty_batches += 1
                return []
            self.batches += 1
            now = datetime.now(UTC)
            got = []
            for raw in response.data:
                m = decode(raw, self.deserializer)
                got.append(
                    Delivery(self.name, self.batches, m.partition, m.offset, m.key, m.value, now)
                )
            self.deliveries.extend(got)
            return got

    def commit(self) -> None:
        """ConsumerCommit: commit what the cursor says this instance received, without reading more."""
        with self._lock:
            self.cursor = self.client.consumer_commit(self.stream_id, self.join()).data.value
            self.commits += 1

    def heartbeat(self) -> None:
        """ConsumerHeartbeat: "I am alive, keep my partitions" (extends the reservations)."""
        with self._lock:
            self.cursor = self.client.consumer_heartbeat(self.stream_id, self.join()).data.value
            self.heartbeats += 1

    # -- the worker thread ---------------------------------------------------------------------

    def start(self) -> GroupInstance:
        """Join (if not yet) and consume in a background thread until stop(), a crash or max_seconds."""
        if self._thread is not None and self._thread.is_alive():
            return self
        try:
            self.join()
        except oci.exceptions.ServiceError as exc:
            self.errors.append(service_error_line(exc))
            self.state = "failed"
            return self
        self._thread_name = f"group-instance-{self.name}"
        self.state = "running"
        return super().start()

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        try:
            while not self._stop.is_set():
                if time.monotonic() >= deadline:
                    self.state = "timed out"
                    return
                if self._hang.is_set():  # stuck: no reads, no commits, no heartbeats
                    self._stop.wait(self.interval)
                    continue
                batch = self.read()
                if batch and self.crash_after is not None and self.batches >= self.crash_after:
                    self.state = "crashed"  # between read and commit: this batch is never committed
                    return
                if batch:
                    self._process(deadline)
                    if (
                        not self.commit_on_get
                        and not self._hang.is_set()
                        and not self._stop.is_set()
                    ):
                        try:
                            self.commit()
                        except oci.exceptions.ServiceError as exc:
                            # e.g. "Trying to commit unreserved partition": the partition moved on.
                            self.errors.append(service_error_line(exc))
                self._stop.wait(self.interval)
        except oci.exceptions.ServiceError as exc:
            self.errors.append(service_error_line(exc))
            self.state = "failed"
            return
        except Exception as exc:  # noqa: BLE001 - kept for the learner, never lost in a thread
            self.errors.append(f"{type(exc).__name__}: {exc}")
            self.state = "failed"
            return
        if self.state == "running" or self.state == "hung":
            self.state = "stopped"

    def _process(self, deadline: float) -> None:
        end = time.monotonic() + self.process_seconds
        while time.monotonic() < min(end, deadline) and not self._stop.is_set():
            self._stop.wait(min(self.interval, max(0.0, end - time.monotonic())))
            if (
                self.heartbeat_while_processing
                and not self._hang.is_set()
                and time.monotonic() < end
            ):
                self.heartbeat()

    def hang(self) -> None:
        """Get stuck: the thread stays alive but stops calling the service (no heartbeats)."""
        self._hang.set()
        self.state = "hung"

    def stop(self, timeout: float = 5.0) -> GroupInstance:
        """Stop the worker (it ends after its current call) and wait for it up to ``timeout`` s."""
        super().stop(timeout)
        if self.state in ("running", "hung", "joined", "new"):
            self.state = "stopped"
        return self

    def wait(self, timeout: float = 10.0) -> GroupInstance:
        """Wait up to ``timeout`` s for the worker to end by itself (a crash, or max_seconds)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self

    # -- what it received ------------------------------------------------------------------------

    @property
    def partitions(self) -> set[str]:
        """Partitions this instance received messages from (so far)."""
        return {d.partition for d in self.deliveries}

    def partitions_since(self, since: datetime) -> set[str]:
        return {d.partition for d in list(self.deliveries) if d.received >= since}

    def last_batch(self) -> list[Delivery]:
        return [d for d in list(self.deliveries) if d.batch == self.batches]

    def frame(self) -> pd.DataFrame:
        return deliveries_frame([self])

    def __repr__(self) -> str:
        parts = ",".join(sorted(self.partitions, key=int)) or "-"
        err = f", {len(self.errors)} errors" if self.errors else ""
        return (
            f"<GroupInstance {self.group}/{self.name} {self.state}: {len(self.deliveries)} messages "
            f"in {self.batches} batches from partitions {parts}{err}>"
        )


def start_all(instances: Iterable[GroupInstance]) -> list[GroupInstance]:
    """Join every instance first, then start their threads: the group balances once, up front."""
    instances = list(instances)
    for i in instances:
        try:
            i.join()
        except oci.exceptions.ServiceError as exc:
            i.errors.append(service_error_line(exc))
    return [i.start() for i in instances]


def stop_all(*things: Any, timeout: float = 5.0) -> None:
    """Stop every instance, recorder or view given (lists are flattened)."""
    for t in things:
        if isinstance(t, list | tuple | set):
            stop_all(*t, timeout=timeout)
        elif t is not None:
            t.stop(timeout)


def assignments(
    instances: Iterable[GroupInstance], since: datetime | None = None
) -> dict[str, set[str]]:
    """Which partitions each instance received messages from (since ``since``)."""
    return {i.name: (i.partitions_since(since) if since else i.partitions) for i in instances}


def partitions_read(
    instances: Iterable[GroupInstance], seconds: float = 2.0
) -> dict[str, set[str]]:
    """Watch for ``seconds`` (real time) and return which partitions each instance received from meanwhile."""
    instances = list(instances)
    since = datetime.now(UTC)
    time.sleep(seconds)
    return {i.name: i.partitions_since(since) for i in instances}


class BackgroundProducer(_Worker):
    """Publish ``batch`` keyed messages every ``interval`` s in a thread, tracking the latest offsets.

    ``latest`` is an :class:`OffsetTracker` fed by the acknowledgements. Stops on ``stop()`` or
    after ``max_seconds``.
    """

    def __init__(
        self,
        client: oci.streaming.StreamClient,
        stream: Any,
        *,
        batch: int = 30,
        interval: float = 0.3,
        keys: int = 10,
        prefix: str = "live",
        latest: OffsetTracker | None = None,
        max_seconds: float = 60.0,
    ) -> None:
        self.client, self.stream_id = client, stream_id_of(stream)
        self.batch, self.interval, self.keys, self.prefix = batch, interval, keys, prefix
        self.latest = latest if latest is not None else OffsetTracker()
        self.max_seconds = max_seconds
        self.published = 0
        self.errors: list[str] = []
        super().__init__()

    _thread_name = "background-producer"

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        n = 0
        while not self._stop.is_set() and time.monotonic() < deadline:
            values = [
                (f"user-{j % self.keys}", f"{self.prefix} {n}-{j}") for j in range(self.batch)
            ]
            try:
                self.latest.track(publish(self.client, self.stream_id, values, max_wait_s=5))
                self.published += self.batch
            except Exception as exc:  # noqa: BLE001 - kept for the learner
                self.errors.append(f"{type(exc).__name__}: {exc}")
                return
            n += 1
            self._stop.wait(self.interval)

    def __repr__(self) -> str:
        return f"<BackgroundProducer {self.published} messages, latest {dict(self.latest)}>"


class LagRecorder(_Worker):
    """Poll GetGroup every ``interval`` s in the background and keep the lag over time.

    ``frame()`` has one row per poll and partition: time, partition, latest_offset,
    committed_offset, lag, reserved_instance. Stops on ``stop()`` or after ``max_seconds``.
    GetGroup is limited to 5 calls per second: keep ``interval`` at 0.25 s or more.
    """

    def __init__(
        self,
        client: oci.streaming.StreamClient,
        stream: Any,
        group: str,
        latest: Mapping[str, int] | OffsetTracker,
        *,
        interval: float = 0.5,
        max_seconds: float = 60.0,
    ):
        self.client, self.stream_id, self.group, self.latest = (
            client,
            stream_id_of(stream),
            group,
            latest,
        )
        self.interval, self.max_seconds = max(interval, 0.25), max_seconds
        self.rows: list[dict] = []
        self.errors: list[str] = []
        self._thread_name = f"lag-{group}"
        super().__init__()

    def sample(self) -> pd.DataFrame:
        now = datetime.now(UTC)
        table = lag(self.client, self.stream_id, self.group, self.latest)
        for r in table.to_dict("records"):
            self.rows.append({"time": now, **r})
        return table

    def _run(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                self.sample()
            except oci.exceptions.ServiceError as exc:
                # 404 before the group exists, 429 when polled too fast: note it and poll on.
                if len(self.errors) < 100:
                    self.errors.append(service_error_line(exc))
            except Exception as exc:  # noqa: BLE001 - a recorder must not die silently
                self.errors.append(f"{type(exc).__name__}: {exc}")
                return
            self._stop.wait(self.interval)

    def frame(self) -> pd.DataFrame:
        cols = [
            "time",
            "partition",
            "latest_offset",
            "committed_offset",
            "lag",
            "reserved_instance",
        ]
        frame = pd.DataFrame(list(self.rows), columns=cols)
        if not frame.empty:
            frame["time"] = pd.to_datetime(frame["time"], utc=True)
        return frame
