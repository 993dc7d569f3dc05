"""Limits, measured: publishing past 1 MiB/s per partition, and messages over 1 MiB.

* :func:`offer_load` -- offer a partition more than it takes (e.g. 2 MiB/s for a few seconds)
  and record every PutMessages: bytes sent, accepted, entries throttled, the wait the service
  named.  With ``backoff=True`` the publisher waits as told before resending the throttled
  entries (in order); with ``False`` it resends at once, as a naive loop does.
* :class:`ThrottleRun` -- the record: ``frame()`` per request, ``rates()`` per time bucket
  (offered and accepted bytes per second, throttled entries), ``accepted_rate()`` while
  throttled.  Charts: :func:`labhelpers.charts.plot_rates`, :func:`labhelpers.charts.plot_throttled`.
* :func:`chunk` / :func:`reassemble` -- a payload over 1 MiB as several messages with the same key
  (so they stay in order in one partition), and back.
* :func:`wait_ms` -- the wait a throttling message names (:mod:`labhelpers.limits`).

Notebook 06's checks (:func:`~labhelpers.checks.check_reassembled`,
:func:`~labhelpers.checks.check_ordered_publish`) are in :mod:`labhelpers.checks`.

Every loop here has a hard time limit; nothing waits forever.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import oci
import pandas as pd

from .encoding import b64encode
from .limits import KIB, LIMIT_BYTES_PER_SECOND, MAX_REQUEST_BYTES, MIB, wait_ms

__all__ = [
    "KIB",
    "LIMIT_BYTES_PER_SECOND",
    "MAX_REQUEST_BYTES",
    "MIB",
    "ThrottleRun",
    "chunk",
    "offer_load",
    "reassemble",
    "wait_ms",
]


@dataclass
class ThrottleRun:
    """What :func:`offer_load` did, request by request."""

    offered_rate: float
    seconds: float
    message_bytes: int
    backoff: bool
    offered: list[tuple[float, int]] = field(
        default_factory=list
    )  # (t, bytes) as messages were offered
    requests: list[dict] = field(default_factory=list)
    backlog_bytes: int = 0

    def frame(self) -> pd.DataFrame:
        """One row per PutMessages: t (s since start), sent/accepted bytes, entries, throttled, wait_ms."""
        cols = ["t", "sent_bytes", "accepted_bytes", "entries", "throttled", "wait_ms"]
        return pd.DataFrame(self.requests, columns=cols)

    @property
    def accepted_bytes(self) -> int:
        return sum(r["accepted_bytes"] for r in self.requests)

    @property
    def throttled_entries(self) -> int:
        return sum(r["throttled"] for r in self.requests)

    @property
    def offered_bytes(self) -> int:
        return sum(b for _, b in self.offered)

    def first_throttled(self) -> float | None:
        return next((r["t"] for r in self.requests if r["throttled"]), None)

    def accepted_rate(self, while_throttled: bool = True) -> float:
        """Accepted bytes per second: from the first throttled request to the last request
        (``while_throttled``), or over the whole run."""
        if not self.requests:
            return 0.0
        start = self.first_throttled() if while_throttled else 0.0
        if start is None:
            start = 0.0
        later = [r for r in self.requests if r["t"] > start]
        if not later:
            return 0.0
        span = later[-1]["t"] - start
        return sum(r["accepted_bytes"] for r in later) / span if span > 0 else 0.0

    def rates(self, bucket: float = 1.0) -> pd.DataFrame:
        """Per time bucket: offered and accepted MiB/s, and the entries throttled."""
        end = max([self.seconds] + [r["t"] for r in self.requests])
        edges = [i * bucket for i in range(int(end / bucket) + 2)]
        offered = pd.Series(
            [b for _, b in self.offered], index=[t for t, _ in self.offered], dtype=float
        )
        frame = self.frame()
        rows = []
        for lo, hi in zip(edges, edges[1:], strict=False):
            if lo >= self.seconds and frame[frame["t"] >= lo].empty:
                break  # nothing offered or sent any more
            o = offered[(offered.index >= lo) & (offered.index < hi)].sum()
            sel = frame[(frame["t"] >= lo) & (frame["t"] < hi)]
            rows.append(
                {
                    "t": lo,
                    "offered_mib_s": o / bucket / MIB,
                    "accepted_mib_s": sel["accepted_bytes"].sum() / bucket / MIB,
                    "throttled": int(sel["throttled"].sum()),
                    "requests": len(sel),
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        rate = self.accepted_rate()
        return (
            f"offered {self.offered_bytes / MIB:.1f} MiB in {self.seconds:.0f} s "
            f"({self.offered_rate / MIB:.1f} MiB/s); accepted {self.accepted_bytes / MIB:.1f} MiB; "
            f"{len(self.requests)} requests, {self.throttled_entries} throttled entries; "
            f"accepted rate while throttled {rate / MIB:.2f} MiB/s; "
            f"backlog left {self.backlog_bytes / MIB:.1f} MiB"
        )

    def __repr__(self) -> str:
        return f"<ThrottleRun {self.summary()}>"


def offer_load(
    client: oci.streaming.StreamClient,
    stream_id: str,
    *,
    key: str = "throttle-demo",
    offered_rate: float = 2 * MIB,
    seconds: float = 3.0,
    message_bytes: int = 32 * KIB,
    backoff: bool = True,
    drain: bool = False,
    max_seconds: float = 30.0,
) -> ThrottleRun:
    """Offer ``offered_rate`` bytes/s to one partition (one key) for ``seconds``; record what happens.

    Messages are queued as they are "produced" (``offered_rate``); the publisher sends the queue
    in requests of at most 1 MiB.  Accepted entries leave the queue; throttled ones (per-entry
    errors in a 200) stay at its head; only the entries stored leave it, so nothing is sent twice.  ``backoff=True`` waits the time the
    service names before the next request; ``False`` resends at once.  ``drain=True`` keeps
    sending after ``seconds`` until the queue is empty.  Never runs longer than ``max_seconds``.

    Examples
    --------
    >>> run = offer_load(client, stream.id, offered_rate=2 * MIB, seconds=3)   # doctest: +SKIP
    >>> round(run.accepted_rate() / MIB, 1)                                    # doctest: +SKIP
    1.0
    """
    kb = key.encode()
    run = ThrottleRun(offered_rate, seconds, message_bytes, backoff)
    queue: deque[tuple[int, bytes]] = deque()
    start = time.monotonic()
    produced = 0
    next_send = 0.0
    seq = 0
    while True:
        t = time.monotonic() - start
        if t >= max_seconds:
            break
        due = int(offered_rate * min(t, seconds) / message_bytes)
        while produced < due:
            value = f"{produced:08d} ".encode().ljust(message_bytes - len(kb), b".")
            queue.append((produced, value))
            run.offered.append((t, len(value) + len(kb)))
            produced += 1
        if not queue:
            if t >= seconds:
                break
            time.sleep(min(0.02, seconds - t))
            continue
        if t >= seconds and not drain:
            break
        if t < next_send:
            time.sleep(min(next_send - t, 0.05))
            continue
        batch, size = [], 0
        for item in queue:
            n = len(item[1]) + len(kb)
            if size + n > MAX_REQUEST_BYTES:
                break
            batch.append(item)
            size += n
        details = oci.streaming.models.PutMessagesDetails(
            messages=[
                oci.streaming.models.PutMessagesDetailsEntry(key=b64encode(kb), value=b64encode(v))
                for _, v in batch
            ]
        )
        response = client.put_messages(stream_id, details)
        seq += 1
        accepted, throttled, wait = 0, 0, 0
        stored: set[int] = set()
        for (n, v), entry in zip(batch, response.data.entries, strict=True):
            if entry.error:
                throttled += 1
                wait = max(wait, wait_ms(entry.error_message))
            else:
                accepted += len(v) + len(kb)
                stored.add(n)
        # Drop exactly the entries the service stored; the refused ones stay, in order, at the
        # head.  Not "the first k": whether a service stores entries after a refused one of the
        # same partition is not documented (localoci does not), and popping k from the head
        # would then lose a refused entry and send a stored one twice.
        if stored:
            queue = deque(item for item in queue if item[0] not in stored)
        t_done = time.monotonic() - start
        run.requests.append(
            {
                "t": t_done,
                "sent_bytes": size,
                "accepted_bytes": accepted,
                "entries": len(batch),
                "throttled": throttled,
                "wait_ms": wait,
            }
        )
        if throttled:
            next_send = t_done + (wait / 1000 if backoff else 0.0)
    run.backlog_bytes = sum(len(v) + len(kb) for _, v in queue)
    return run


# -- messages over 1 MiB -----------------------------------------------------------------------------

_MAGIC = b"LABCHUNK1 "


def chunk(payload: bytes, size: int = 512 * KIB, message_id: str | None = None) -> list[bytes]:
    """Split ``payload`` into messages of at most ``size`` data bytes, each with a small header.

    The header (one JSON line) names the payload, the part and the count, and the whole
    payload's SHA-256, so the reader can reassemble and verify it. Publish every part with the
    **same key**: they land in one partition, in order.

    >>> parts = chunk(b"x" * 10, size=4, message_id="demo")
    >>> len(parts), reassemble(parts)["demo"]
    (3, b'xxxxxxxxxx')
    """
    if size <= 0 or size > MAX_REQUEST_BYTES - 1024:
        raise ValueError("size must be positive and leave room for the header under 1 MiB")
    message_id = message_id or uuid.uuid4().hex
    digest = hashlib.sha256(payload).hexdigest()
    count = max(1, -(-len(payload) // size))
    out = []
    for i in range(count):
        head = json.dumps({"id": message_id, "part": i, "parts": count, "sha256": digest}).encode()
        out.append(_MAGIC + head + b"\n" + payload[i * size : (i + 1) * size])
    return out


def reassemble(values: Iterable[bytes]) -> dict[str, bytes]:
    """The complete, verified payloads among ``values`` (chunks in any order; others ignored)."""
    parts: dict[str, dict[int, bytes]] = {}
    meta: dict[str, dict] = {}
    for v in values:
        if not isinstance(v, bytes | bytearray) or not v.startswith(_MAGIC):
            continue
        head, _, data = bytes(v[len(_MAGIC) :]).partition(b"\n")
        info = json.loads(head)
        parts.setdefault(info["id"], {})[info["part"]] = data
        meta[info["id"]] = info
    done = {}
    for mid, got in parts.items():
        info = meta[mid]
        if len(got) == info["parts"]:
            payload = b"".join(got[i] for i in range(info["parts"]))
            if hashlib.sha256(payload).hexdigest() == info["sha256"]:
                done[mid] = payload
    return done
