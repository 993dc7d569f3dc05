"""Every chart of the lab, with matplotlib's helper signature: ``plot_x(frame, ax=None, **kw) -> Axes``.

They never call ``plt.show()``; in a notebook the figure shows because it is the cell's result.
Each draws a DataFrame that another module builds:

=====================  ===================================================================
chart                  its frame
=====================  ===================================================================
:func:`plot_partitions` messages (:func:`labhelpers.frames.to_frame`): where the keys landed
:func:`plot_offsets`    messages: offset against append time, per partition
:func:`plot_throughput` messages, bucketed by :func:`throughput`
:func:`plot_lag`        :meth:`labhelpers.workers.LagRecorder.frame`: latest vs committed
:func:`plot_assignments` :func:`labhelpers.frames.deliveries_frame`: who read what, when
:func:`plot_rates`      :meth:`labhelpers.throttle.ThrottleRun.rates`: offered vs accepted
:func:`plot_throttled`  :meth:`labhelpers.throttle.ThrottleRun.rates`: refused entries
:func:`plot_cursor_tape` one row per cursor: where it starts, what one GetMessages returned
:func:`plot_keeping_up` :func:`keep_up_frame`: produced vs consumed per partition (the lag)
:func:`plot_key_partitions` one row per (key, partitioner): the partition each picks for a key
=====================  ===================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

__all__ = [
    "keep_up_frame",
    "plot_assignments",
    "plot_cursor_tape",
    "plot_key_partitions",
    "plot_keeping_up",
    "plot_lag",
    "plot_offsets",
    "plot_partitions",
    "plot_rates",
    "plot_throttled",
    "plot_throughput",
    "throughput",
]

if TYPE_CHECKING:  # pyplot is imported when a chart is drawn, not when labhelpers is imported
    from matplotlib.axes import Axes


def _ax(ax: Axes | None, size: tuple[float, float] = (8, 3.5)) -> Axes:
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=size)
    return ax


def _time_axis(ax: Axes) -> None:
    """Readable time ticks at any span: ``35.5`` for half seconds, not ``49:35.500000``."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.figure.autofmt_xdate()


def plot_partitions(frame: pd.DataFrame, ax: Axes | None = None, **kw) -> Axes:
    """Messages per partition, stacked by key: the same key always lands in the same partition."""
    ax = _ax(ax)
    keys = frame["key"].map(lambda k: "(no key)" if k is None else str(k))
    table = pd.crosstab(frame["partition"], keys)
    table.plot.bar(stacked=True, ax=ax, **kw)
    ax.set_xlabel("partition")
    ax.set_ylabel("messages")
    ax.set_title("Where the keys landed")
    ax.legend(title="key", fontsize="small", ncols=max(1, len(table.columns) // 8))
    return ax


def plot_offsets(frame: pd.DataFrame, ax: Axes | None = None, **kw) -> Axes:
    """Offset against append time, one line per partition: each partition is its own log."""
    ax = _ax(ax)
    styles = ["-", "--", ":", "-."]  # lines that coincide stay visible
    for n, (partition, part) in enumerate(frame.groupby("partition")):
        ax.step(
            part["timestamp"],
            part["offset"],
            where="post",
            label=f"partition {partition}",
            linestyle=kw.pop("linestyle", styles[n % len(styles)]),
            **kw,
        )
    ax.set_xlabel("append time (UTC)")
    ax.set_ylabel("offset")
    ax.set_title("Offsets grow per partition")
    ax.legend(fontsize="small")
    _time_axis(ax)
    return ax


def throughput(frame: pd.DataFrame, freq: str = "1s", what: str = "messages") -> pd.DataFrame:
    """Per-partition rate over time: rows are time buckets, columns partitions."""
    if what not in ("messages", "bytes"):
        raise ValueError("what must be 'messages' or 'bytes'")
    if frame.empty:
        return pd.DataFrame()
    grouped = frame.set_index("timestamp").groupby("partition")
    series = (
        grouped["size"].resample(freq).sum()
        if what == "bytes"
        else grouped["offset"].resample(freq).count()
    )
    table = series.unstack(level=0).fillna(0)
    seconds = pd.Timedelta(freq).total_seconds()
    return table / seconds


def plot_throughput(
    frame: pd.DataFrame, ax: Axes | None = None, freq: str = "1s", what: str = "messages", **kw
) -> Axes:
    """Messages (or bytes) per second per partition, from the messages' append times."""
    ax = _ax(ax)
    table = throughput(frame, freq, what)
    if not table.empty:
        for partition in table.columns:
            ax.plot(table.index, table[partition], marker=".", label=f"partition {partition}", **kw)
        ax.legend(fontsize="small")
    ax.set_xlabel("append time (UTC)")
    ax.set_ylabel(f"{what}/s")
    ax.set_title(f"Throughput ({what} per second, {freq} buckets)")
    _time_axis(ax)
    return ax


# -- consumer groups (notebook 05) ---------------------------------------------------------------


def plot_lag(frame: pd.DataFrame, ax: Axes | None = None, **kw) -> Axes:
    """Per partition, over time: the latest offset (dashed) and the group's committed offset (solid).

    The vertical gap between a partition's two lines is its lag.
    """
    import matplotlib

    ax = _ax(ax)
    colors = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    for n, (partition, part) in enumerate(frame.groupby("partition")):
        c = colors[n % len(colors)]
        ax.step(
            part["time"],
            part["latest_offset"],
            where="post",
            linestyle="--",
            color=c,
            label=f"partition {partition}: latest",
            **kw,
        )
        ax.step(
            part["time"],
            part["committed_offset"],
            where="post",
            color=c,
            label=f"partition {partition}: committed",
            **kw,
        )
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
        per_batch = frame.groupby(["instance", "batch", "partition"], as_index=False)[
            "received"
        ].min()
        for instance, part in per_batch.groupby("instance"):
            ax.scatter(part["received"], part["partition"], label=instance, s=kw.pop("s", 25), **kw)
        ax.set_yticks(sorted(frame["partition"].unique()))
        ax.legend(title="instance", fontsize="small")
        ax.figure.autofmt_xdate()
    ax.set_xlabel("received (UTC)")
    ax.set_ylabel("partition")
    ax.set_title("Which instance read which partition")
    return ax


# -- throttling (notebook 06) --------------------------------------------------------------------


def plot_rates(frame: pd.DataFrame, ax: Axes | None = None, limit: float = 1.0, **kw) -> Axes:
    """Offered versus accepted MiB/s per time bucket (``ThrottleRun.rates()``), with the limit."""
    ax = _ax(ax)
    width = float(frame["t"].diff().dropna().min()) if len(frame) > 1 else 1.0
    t = list(frame["t"]) + [float(frame["t"].iloc[-1]) + width] if len(frame) else []
    for column, label in (("offered_mib_s", "offered"), ("accepted_mib_s", "accepted")):
        values = list(frame[column]) + [float(frame[column].iloc[-1])] if len(frame) else []
        ax.step(t, values, where="post", label=label, **kw)
    ax.axhline(limit, color="grey", linestyle=":", label=f"limit: {limit:g} MiB/s per partition")
    ax.set_xlabel("seconds")
    ax.set_ylabel("MiB/s")
    ax.set_title("One partition: offered versus accepted")
    ax.legend(fontsize="small")
    return ax


def plot_throttled(frame: pd.DataFrame, ax: Axes | None = None, **kw) -> Axes:
    """Throttled entries per time bucket (``ThrottleRun.rates()``)."""
    ax = _ax(ax)
    width = float(frame["t"].diff().dropna().min()) if len(frame) > 1 else 0.5
    ax.bar(
        frame["t"],
        frame["throttled"],
        width=width * 0.9,
        align="edge",
        color=kw.pop("color", "tab:red"),
        **kw,
    )
    ax.set_xlabel("seconds")
    ax.set_ylabel("throttled entries")
    ax.set_title("Entries refused with a per-entry 429")
    return ax


# -- cursors and consuming (notebooks 02 and 03) -------------------------------------------------


def plot_cursor_tape(
    frame: pd.DataFrame, ax: Axes | None = None, offsets: list[int] | None = None, **kw
) -> Axes:
    """One partition as a tape of offsets, and under it, per cursor type, where the cursor
    starts (▶) and which messages one GetMessages returned (a bar over those offsets).

    ``frame`` has one row per cursor: ``type``, ``start`` (the offset it starts at; past the
    tape's end for LATEST), ``first`` and ``last`` (the offsets returned; missing for an empty
    batch).  ``offsets``: the offsets on the tape (default: the range the rows span).  A start
    left of the tape (TRIM_HORIZON's oldest message, far back) is drawn at the left edge, with
    its offset written there.
    """
    import math

    from matplotlib.patches import Rectangle

    ax = _ax(ax, (10, 1.0 + 0.55 * max(1, len(frame))))
    values = [
        int(v)
        for col in ("start", "first", "last")
        if col in frame
        for v in frame[col]
        if v is not None and not (isinstance(v, float) and math.isnan(v))
    ]
    tape = sorted(set(offsets if offsets is not None else range(min(values), max(values) + 1)))
    if not tape:
        ax.set_axis_off()
        return ax
    where = {o: i for i, o in enumerate(tape)}

    def x_of(offset) -> float:
        if offset in where:
            return float(where[offset])
        return -1.0 if offset < tape[0] else float(len(tape))

    for i, o in enumerate(tape):
        ax.add_patch(
            Rectangle((i - 0.45, -0.4), 0.9, 0.8, facecolor="#e8eef7", edgecolor="#4a6fa5")
        )
        ax.text(i, 0, str(o), ha="center", va="center", fontsize="small")
    ax.text(len(tape), 0, "next →", ha="center", va="center", fontsize="small", color="grey")
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for row_no, row in enumerate(frame.itertuples(index=False), start=1):
        y = -row_no
        c = colors[(row_no - 1) % len(colors)]
        ax.text(-1.6, y, str(row.type), ha="right", va="center", fontsize="small", color=c)
        sx = x_of(int(row.start))
        label = "" if int(row.start) in where else f"{int(row.start)}"
        ax.plot([sx], [y], marker=">", markersize=10, color=c, **kw)
        if label:
            ax.text(sx, y + 0.3, label, ha="center", fontsize="x-small", color=c)
        first, last = getattr(row, "first", None), getattr(row, "last", None)
        if first is None or (isinstance(first, float) and math.isnan(first)):
            ax.text(sx + 0.4, y, "empty batch", va="center", fontsize="x-small", color=c)
        else:
            assert last is not None  # a batch with a first offset has a last one
            x0, x1 = x_of(int(first)), x_of(int(last))
            ax.plot([x0, x1], [y, y], linewidth=6, alpha=0.45, color=c, solid_capstyle="butt")
            ax.text(x1 + 0.3, y, f"{int(first)}–{int(last)}", va="center", fontsize="x-small")
    ax.set_xlim(-4.5, len(tape) + 1.5)
    ax.set_ylim(-len(frame) - 0.8, 0.8)
    ax.set_axis_off()
    ax.set_title("One partition: where each cursor starts (▶) and what one GetMessages returns")
    return ax


def keep_up_frame(
    produced: list[tuple[float, str]], consumed: list[tuple[float, str]]
) -> pd.DataFrame:
    """Produced and consumed counts over time, per partition, from ``(seconds, partition)``
    events (one per message; both on the same clock, e.g. ``time.monotonic()`` minus a start).

    Columns: ``t``, ``partition``, ``produced``, ``consumed`` (running totals) and ``lag``
    (produced but not yet consumed, never below 0).

    >>> keep_up_frame([(0.0, "0"), (0.1, "0")], [(0.2, "0")])[["produced", "consumed", "lag"]].values.tolist()
    [[1, 0, 1], [2, 0, 2], [2, 1, 1]]
    """
    rows = [(t, str(p), 1, 0) for t, p in produced] + [(t, str(p), 0, 1) for t, p in consumed]
    events = pd.DataFrame(rows, columns=["t", "partition", "p", "c"])
    if events.empty:
        return pd.DataFrame(columns=["t", "partition", "produced", "consumed", "lag"])
    events = events.sort_values(["t", "c"], kind="stable")
    events["produced"] = events.groupby("partition")["p"].cumsum()
    events["consumed"] = events.groupby("partition")["c"].cumsum()
    events["lag"] = (events["produced"] - events["consumed"]).clip(lower=0)
    return events[["t", "partition", "produced", "consumed", "lag"]].reset_index(drop=True)


def plot_keeping_up(frame: pd.DataFrame, axes=None, **kw) -> list:
    """Does the consumer keep up?  One panel per partition (so none hides another): produced
    (dashed) and consumed (solid) running totals over time, the lag shaded between them.
    ``axes``: one Axes per partition (default: a new row of panels).  Returns the Axes."""
    parts = sorted(frame["partition"].unique(), key=lambda p: int(p)) if len(frame) else []
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(
            1, max(1, len(parts)), figsize=(4 * max(1, len(parts)), 3), sharey=True, squeeze=False
        )
        axes = list(axes[0])
    for ax, p in zip(axes, parts, strict=False):
        part = frame[frame["partition"] == p]
        ax.step(part["t"], part["produced"], where="post", linestyle="--", label="produced", **kw)
        ax.step(part["t"], part["consumed"], where="post", label="consumed", **kw)
        ax.fill_between(
            part["t"], part["consumed"], part["produced"], step="post", alpha=0.25, label="lag"
        )
        ax.set_title(f"partition {p}: max lag {int(part['lag'].max())}")
        ax.set_xlabel("seconds")
    if axes:
        axes[0].set_ylabel("messages")
        axes[0].legend(fontsize="small")
        axes[0].figure.suptitle("Produced vs consumed, per partition: the gap is the lag")
        axes[0].figure.tight_layout()
    return list(axes)


# -- partitioners (notebook 07) ------------------------------------------------------------------


def plot_key_partitions(frame: pd.DataFrame, ax: Axes | None = None, **kw) -> Axes:
    """The partition each partitioner picks for each key: a grid, keys across, one row per
    partitioner, each cell coloured and labelled with its partition.

    ``frame`` has columns ``key``, ``partitioner`` and ``partition`` (an int), one row per pair.
    """
    ax = _ax(ax, (10, 2.8))
    if frame.empty:
        return ax
    grid = frame.pivot_table(
        index="partitioner", columns="key", values="partition", aggfunc="first", sort=False
    )
    grid = grid.reindex(index=list(dict.fromkeys(frame["partitioner"])))
    grid = grid.reindex(columns=list(dict.fromkeys(frame["key"])))
    n = int(frame["partition"].max()) + 1
    ax.imshow(
        grid.to_numpy(dtype=float),
        cmap=kw.pop("cmap", "Pastel1"),
        vmin=0,
        vmax=max(n - 1, 1),
        aspect="auto",
        **kw,
    )
    for (r, c), value in pd.DataFrame(grid.to_numpy()).stack().items():
        ax.text(c, r, f"{int(value)}", ha="center", va="center", color="black", fontsize="small")
    ax.set_xticks(range(len(grid.columns)), grid.columns, rotation=45, ha="right")
    ax.set_yticks(range(len(grid.index)), grid.index)
    ax.set_title(f"The partition (0 to {n - 1}) each partitioner picks for a key")
    return ax
