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
=====================  ===================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

__all__ = [
    "plot_assignments",
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
    for partition, part in frame.groupby("partition"):
        ax.step(
            part["timestamp"], part["offset"], where="post", label=f"partition {partition}", **kw
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
