"""Consumer groups seen from the outside: instances as worker threads, the group's state, its lag.

* :class:`GroupInstance` -- one member of a consumer group, run by hand (``join``, ``read``,
  ``commit``, ``heartbeat``) or in a background thread (``start`` ... ``stop``).  It records
  every message it receives (:class:`Delivery`).  For lessons it can *crash* between a read and
  its commit (``crash_after=n``) or *hang* (``hang()``: stop calling the service, so it stops
  heartbeating and loses its partitions after its timeout).  Every thread has ``stop()`` and a
  hard ``max_seconds``.
* :func:`group_state` -- GetGroup as a DataFrame: per partition, the instance holding it, until
  when, and the committed offset (-1 before the first commit).
* :class:`OffsetTracker` and :func:`lag` -- OCI Streaming has no "end offset" call, so the latest
  offset per partition comes from the producer's acknowledgements (or, locally, the stand-in's
  statistics); lag = latest offset - committed offset.
* :class:`LagRecorder` -- polls GetGroup in the background (stop, timeout) for the lag chart.
* Charts with matplotlib's helper signature: :func:`plot_lag`, :func:`plot_assignments`.
* Checks for notebook 05's exercises: :func:`check_group_skipped_backlog`, :func:`check_manual_commit`.

Errors are never raised out of a worker thread: they are kept in ``instance.errors`` as
``HTTP {status} {code}: {message}`` lines, and the worker stops.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import matplotlib.pyplot as plt
import oci
import pandas as pd
from matplotlib.axes import Axes

from .checks import CheckReport
from .consume import GETS_PER_SECOND, create_group_cursor, decode
from .encoding import Deserializer, text_or_bytes

_WAIT = re.compile(r"next request can be made in (\d+) ms")

__all__ = [
    "BackgroundProducer", "Delivery", "GroupInstance", "LagRecorder", "OffsetTracker", "assignments", "check_group_skipped_backlog",
    "check_manual_commit", "group_state", "lag", "latest_offsets_local", "offset_ranges", "owners",
    "partitions_read", "plot_assignments", "plot_lag", "start_all", "stop_all", "wait_for_owners",
]


def _sid(stream: Any) -> str:
    return getattr(stream, "id", stream)


def _error_line(exc: oci.exceptions.ServiceError) -> str:
    return f"HTTP {exc.status} {exc.code}: {exc.message}"


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
        self.client, self.stream_id = client, _sid(stream)
        self.group, self.name = group, name
        self.type, self.time = type, time
        self.commit_on_get, self.timeout_ms = commit_on_get, timeout_ms
        self.limit, self.interval = limit, max(interval, 1.0 / GETS_PER_SECOND)
        self.process_seconds, self.heartbeat_while_processing = process_seconds, heartbeat
        self.crash_after, self.max_seconds = crash_after, max_seconds
        self.deserializer = deserializer
        self.cursor: str | None = None
        self.deliveries: list[Delivery] = []
        self.batches = self.calls = self.empty_batches = self.throttled = self.commits = self.heartbeats = 0
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
                self.client, self.stream_id, self.group, self.name, self.type, self.time,
                commit_on_get=self.commit_on_get, timeout_ms=self.timeout_ms,
            )
            self.state = "joined"
        return self.cursor

    def read(self) -> list[Delivery]:
        """One GetMessages with the group cursor; a 429 waits as long as the service says, once."""
        self.join()
        with self._lock:
            for attempt in range(2):
                try:
                    response = self.client.get_messages(self.stream_id, self.cursor, limit=self.limit)
                    break
                except oci.exceptions.ServiceError as exc:
                    if exc.status != 429 or attempt:
                        raise
                    self.throttled += 1
                    m = _WAIT.search(exc.message or "")
                    if self._stop.wait(int(m.group(1)) / 1000 if m else 0.25):
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
                got.append(Delivery(self.name, self.batches, m.partition, m.offset, m.key, m.value, now))
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
            self.errors.append(_error_line(exc))
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
                    if not self.commit_on_get and not self._hang.is_set() and not self._stop.is_set():
                        try:
                            self.commit()
                        except oci.exceptions.ServiceError as exc:
                            # e.g. "Trying to commit unreserved partition": the partition moved on.
                            self.errors.append(_error_line(exc))
                self._stop.wait(self.interval)
        except oci.exceptions.ServiceError as exc:
            self.errors.append(_error_line(exc))
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
            if self.heartbeat_while_processing and not self._hang.is_set() and time.monotonic() < end:
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
        return (f"<GroupInstance {self.group}/{self.name} {self.state}: {len(self.deliveries)} messages "
                f"in {self.batches} batches from partitions {parts}{err}>")


def start_all(instances: Iterable[GroupInstance]) -> list[GroupInstance]:
    """Join every instance first, then start their threads: the group balances once, up front."""
    instances = list(instances)
    for i in instances:
        try:
            i.join()
        except oci.exceptions.ServiceError as exc:
            i.errors.append(_error_line(exc))
    return [i.start() for i in instances]


def stop_all(*things: Any, timeout: float = 5.0) -> None:
    """Stop every instance, recorder or view given (lists are flattened)."""
    for t in things:
        if isinstance(t, list | tuple | set):
            stop_all(*t, timeout=timeout)
        elif t is not None:
            t.stop(timeout)


def deliveries_frame(instances: Iterable[GroupInstance]) -> pd.DataFrame:
    """One row per delivery: instance, batch, partition (int), offset, key, value, received."""
    rows = [d for i in instances for d in list(i.deliveries)]
    cols = ["instance", "batch", "partition", "offset", "key", "value", "received"]
    frame = pd.DataFrame([d.__dict__ for d in rows], columns=cols)
    if not frame.empty:
        frame["partition"] = frame["partition"].astype(int)
        frame["received"] = pd.to_datetime(frame["received"], utc=True)
    return frame


def assignments(instances: Iterable[GroupInstance], since: datetime | None = None) -> dict[str, set[str]]:
    """Which partitions each instance received messages from (since ``since``)."""
    return {i.name: (i.partitions_since(since) if since else i.partitions) for i in instances}


def partitions_read(instances: Iterable[GroupInstance], seconds: float = 2.0) -> dict[str, set[str]]:
    """Watch for ``seconds`` (real time) and return which partitions each instance received from meanwhile."""
    instances = list(instances)
    since = datetime.now(UTC)
    time.sleep(seconds)
    return {i.name: i.partitions_since(since) for i in instances}


def offset_ranges(messages: Iterable[Any]) -> dict[str, str]:
    """``{partition: "first-last"}`` of a batch (SDK messages, Messages or Deliveries), for printing.

    >>> from types import SimpleNamespace as M
    >>> offset_ranges([M(partition="1", offset=4), M(partition="0", offset=7), M(partition="1", offset=5)])
    {'0': '7', '1': '4-5'}
    """
    seen: dict[str, list[int]] = {}
    for m in messages:
        seen.setdefault(str(m.partition), []).append(int(m.offset))
    return {p: (f"{min(o)}-{max(o)}" if len(o) > 1 else str(o[0])) for p, o in sorted(seen.items(), key=lambda kv: int(kv[0]))}


class BackgroundProducer(_Worker):
    """Publish ``batch`` keyed messages every ``interval`` s in a thread, tracking the latest offsets.

    ``latest`` is an :class:`OffsetTracker` fed by the acknowledgements. Stops on ``stop()`` or
    after ``max_seconds``.
    """

    def __init__(self, client: oci.streaming.StreamClient, stream: Any, *, batch: int = 30, interval: float = 0.3,
                 keys: int = 10, prefix: str = "live", latest: OffsetTracker | None = None,
                 max_seconds: float = 60.0) -> None:
        self.client, self.stream_id = client, _sid(stream)
        self.batch, self.interval, self.keys, self.prefix = batch, interval, keys, prefix
        self.latest = latest if latest is not None else OffsetTracker()
        self.max_seconds = max_seconds
        self.published = 0
        self.errors: list[str] = []
        super().__init__()

    _thread_name = "background-producer"

    def _run(self) -> None:
        from .publish import publish

        deadline = time.monotonic() + self.max_seconds
        n = 0
        while not self._stop.is_set() and time.monotonic() < deadline:
            values = [(f"user-{j % self.keys}", f"{self.prefix} {n}-{j}") for j in range(self.batch)]
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


# -- the group's state ------------------------------------------------------------------------------


def group_state(client: oci.streaming.StreamClient, stream: Any, group: str) -> pd.DataFrame:
    """GetGroup as a table: partition, reserved_instance, time_reserved_until, committed_offset.

    ``committed_offset`` is -1 before the group's first commit of that partition; an empty
    ``reserved_instance`` means no live instance holds the partition.
    """
    g = client.get_group(_sid(stream), group).data
    rows = [
        {
            "partition": int(r.partition),
            "reserved_instance": r.reserved_instance,
            "time_reserved_until": r.time_reserved_until,
            "committed_offset": r.committed_offset,
        }
        for r in (g.reservations or [])
    ]
    cols = ["partition", "reserved_instance", "time_reserved_until", "committed_offset"]
    return pd.DataFrame(rows, columns=cols).sort_values("partition").reset_index(drop=True)


def owners(client: oci.streaming.StreamClient, stream: Any, group: str) -> dict[str, set[str]]:
    """Instance -> the partitions GetGroup says it holds now."""
    out: dict[str, set[str]] = {}
    for row in group_state(client, stream, group).itertuples():
        if row.reserved_instance:
            out.setdefault(row.reserved_instance, set()).add(str(row.partition))
    return out


def wait_for_owners(client: oci.streaming.StreamClient, stream: Any, group: str, instances: Iterable[str],
                    partitions: int, timeout: float = 10.0, interval: float = 0.5) -> pd.DataFrame:
    """Poll GetGroup until every partition is held by one of ``instances`` (or ``timeout`` s pass).

    Returns the last GetGroup table. After a rebalance, the new owners pick their partitions up
    on their next call; this waits for that instead of guessing a sleep.
    """
    names = set(instances)
    deadline = time.monotonic() + timeout
    while True:
        state = group_state(client, stream, group)
        held = state[state["reserved_instance"].isin(names)]
        if len(held) == partitions or time.monotonic() >= deadline:
            return state
        time.sleep(interval)


class OffsetTracker(Mapping):
    """The latest offset per partition, from what a producer was told (PutMessages acks).

    OCI Streaming has no call that returns a partition's end offset; a producer knows it from
    its acknowledgements.  A read-only mapping: partition -> latest offset.

    >>> t = OffsetTracker()
    >>> t.add("0", 5); t.add("0", 3); t.add("1", 7)
    >>> dict(t)
    {'0': 5, '1': 7}
    """

    def __init__(self) -> None:
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()

    def add(self, partition: str, offset: int) -> None:
        with self._lock:
            if offset > self._latest.get(str(partition), -1):
                self._latest[str(partition)] = offset

    def track(self, result: Any) -> Any:
        """Record a :class:`labhelpers.PublishResult`'s acks; returns the result."""
        for a in result.acks:
            self.add(a.partition, a.offset)
        return result

    def __getitem__(self, partition: str) -> int:
        return self._latest[str(partition)]

    def __iter__(self):
        with self._lock:
            return iter(sorted(self._latest, key=int))

    def __len__(self) -> int:
        return len(self._latest)

    def __repr__(self) -> str:
        return f"OffsetTracker({dict(self)})"


def latest_offsets_local(lab: Any, stream: Any) -> dict[str, int]:
    """Local target only: each partition's latest offset from the stand-in's statistics."""
    parts = lab.server_stats()["streams"][_sid(stream)]["partitions"]
    return {p: v["nextOffset"] - 1 for p, v in parts.items()}


def lag(client: oci.streaming.StreamClient, stream: Any, group: str,
        latest: Mapping[str, int] | OffsetTracker) -> pd.DataFrame:
    """Per partition: latest offset, committed offset, and lag = latest - committed.

    ``latest`` maps partition -> latest offset (an :class:`OffsetTracker`, or
    :func:`latest_offsets_local`). A committed offset of -1 (nothing committed yet) counts every
    message from offset 0.
    """
    latest = {str(k): v for k, v in dict(latest).items()}
    state = group_state(client, stream, group)
    state["latest_offset"] = [latest.get(str(p), -1) for p in state["partition"]]
    state["lag"] = (state["latest_offset"] - state["committed_offset"]).clip(lower=0)
    return state[["partition", "latest_offset", "committed_offset", "lag", "reserved_instance"]]


class LagRecorder(_Worker):
    """Poll GetGroup every ``interval`` s in the background and keep the lag over time.

    ``frame()`` has one row per poll and partition: time, partition, latest_offset,
    committed_offset, lag, reserved_instance. Stops on ``stop()`` or after ``max_seconds``.
    GetGroup is limited to 5 calls per second: keep ``interval`` at 0.25 s or more.
    """

    def __init__(self, client: oci.streaming.StreamClient, stream: Any, group: str,
                 latest: Mapping[str, int] | OffsetTracker, *, interval: float = 0.5, max_seconds: float = 60.0):
        self.client, self.stream_id, self.group, self.latest = client, _sid(stream), group, latest
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
                    self.errors.append(_error_line(exc))
            except Exception as exc:  # noqa: BLE001 - a recorder must not die silently
                self.errors.append(f"{type(exc).__name__}: {exc}")
                return
            self._stop.wait(self.interval)

    def frame(self) -> pd.DataFrame:
        cols = ["time", "partition", "latest_offset", "committed_offset", "lag", "reserved_instance"]
        frame = pd.DataFrame(list(self.rows), columns=cols)
        if not frame.empty:
            frame["time"] = pd.to_datetime(frame["time"], utc=True)
        return frame


# -- charts -----------------------------------------------------------------------------------------


def _ax(ax: Axes | None, size: tuple[float, float] = (8, 3.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_lag(frame: pd.DataFrame, ax: Axes | None = None, **kw) -> Axes:
    """Per partition, over time: the latest offset (dashed) and the group's committed offset (solid).

    The vertical gap between a partition's two lines is its lag.
    """
    ax = _ax(ax)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for n, (partition, part) in enumerate(frame.groupby("partition")):
        c = colors[n % len(colors)]
        ax.step(part["time"], part["latest_offset"], where="post", linestyle="--", color=c,
                label=f"partition {partition}: latest", **kw)
        ax.step(part["time"], part["committed_offset"], where="post", color=c,
                label=f"partition {partition}: committed", **kw)
    ax.set_xlabel("time (UTC)")
    ax.set_ylabel("offset")
    ax.set_title("Consumer group lag: latest vs committed offset")
    if not frame.empty:
        ax.legend(fontsize="small", ncols=2)
        ax.figure.autofmt_xdate()
    return ax


def plot_assignments(frame: pd.DataFrame, ax: Axes | None = None, **kw) -> Axes:
    """Who read which partition when: one dot per batch, partition against time, coloured by instance."""
    ax = _ax(ax)
    if not frame.empty:
        per_batch = frame.groupby(["instance", "batch", "partition"], as_index=False)["received"].min()
        for instance, part in per_batch.groupby("instance"):
            ax.scatter(part["received"], part["partition"], label=instance, s=kw.pop("s", 25), **kw)
        ax.set_yticks(sorted(frame["partition"].unique()))
        ax.legend(title="instance", fontsize="small")
        ax.figure.autofmt_xdate()
    ax.set_xlabel("received (UTC)")
    ax.set_ylabel("partition")
    ax.set_title("Which instance read which partition")
    return ax


# -- checks for notebook 05's exercises ---------------------------------------------------------------


def check_group_skipped_backlog(client: oci.streaming.StreamClient, stream: Any, group: str, batch: object,
                                backlog: Any) -> bool:
    """05, exercise 1: after UpdateGroup to LATEST, the group reads nothing from before the reset.

    ``backlog`` is the PublishResult of the backlog: no message at or before its offsets may come back.
    """
    report = CheckReport(f"group {group!r} skips its backlog")
    if not isinstance(batch, list):
        report.expect(False, "", "Your answer should be the list of messages your new instance read "
                                 "after UpdateGroup (e.g. GroupInstance(...).read()).")
        return report.show()
    last: dict[str, int] = {}
    for a in backlog.acks:
        last[a.partition] = max(last.get(a.partition, -1), a.offset)

    def old(messages: list) -> list:
        return [m for m in messages if int(getattr(m, "offset", -1)) <= last.get(str(getattr(m, "partition", "")), -1)]

    report.expect(not old(batch), "your instance read nothing from the backlog",
                  f"your instance read {len(old(batch))} old messages: move the group with UpdateGroup "
                  "(type LATEST) before reading.")
    probe = GroupInstance(client, stream, group, f"check-{time.monotonic_ns() % 10**6}", limit=10_000)
    try:
        seen = probe.read()
    except oci.exceptions.ServiceError as exc:
        report.expect(False, "", f"the check's own read failed: {_error_line(exc)}")
        return report.show()
    report.expect(not old(seen), "a new instance of the group finds no backlog either",
                  f"a new instance of the group still gets {len(old(seen))} old messages: the group was not moved.")
    return report.show()


def check_manual_commit(client: oci.streaming.StreamClient, stream: Any, group: str, batch: object) -> bool:
    """05, exercise 2: with commitOnGet=false, ConsumerCommit committed exactly the batch read."""
    report = CheckReport(f"a manual commit in group {group!r}")
    if not isinstance(batch, list) or not batch:
        report.expect(False, "", "Your answer should be the (non-empty) list of messages you read before committing.")
        return report.show()
    last: dict[str, int] = {}
    for d in batch:
        p = str(getattr(d, "partition", ""))
        last[p] = max(last.get(p, -1), int(getattr(d, "offset", -1)))
    try:
        state = group_state(client, stream, group)
    except oci.exceptions.ServiceError as exc:
        report.expect(False, "", f"GetGroup failed: {_error_line(exc)}. Is the group name {group!r}?")
        return report.show()
    committed = {str(r.partition): r.committed_offset for r in state.itertuples()}
    for p, off in sorted(last.items()):
        got = committed.get(p, -1)
        report.expect(got == off, f"partition {p}: committed offset {got}, the last one you read",
                      f"partition {p}: committed offset is {got}, you read up to {off}. "
                      "Call client.consumer_commit(stream.id, cursor) with the cursor GetMessages returned.")
    return report.show()
