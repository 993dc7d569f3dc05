"""Charts with matplotlib's helper signature: ``plot_x(frame, ax=None, **kw) -> Axes``.

They never call ``plt.show()``; in a notebook the figure shows because it is the cell's result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

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
        ax.step(part["timestamp"], part["offset"], where="post", label=f"partition {partition}", **kw)
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
    series = grouped["size"].resample(freq).sum() if what == "bytes" else grouped["offset"].resample(freq).count()
    table = series.unstack(level=0).fillna(0)
    seconds = pd.Timedelta(freq).total_seconds()
    return table / seconds


def plot_throughput(frame: pd.DataFrame, ax: Axes | None = None, freq: str = "1s", what: str = "messages",
                    **kw) -> Axes:
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
