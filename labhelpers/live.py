"""A live chart: a widget that redraws a chart from a data source while background work runs.

Model and view apart (the ipywidgets tutorial's pattern):

* the *model* is any ``source()`` returning a DataFrame (e.g. ``LagRecorder.frame``), plus a
  ``draw(frame, ax)`` chart function with matplotlib's helper signature;
* :class:`LiveChart` renders one PNG from them (``render()``: testable without a browser);
* :class:`LiveView` is the view: an ``Image``, a status line, a *Stop* button and an ``Output``
  for errors, refreshed by one background thread.

The thread always ends: on *Stop*, on :meth:`LiveView.stop`, when ``until()`` is true, or after
``max_seconds`` (the hard timeout).  Stopping the view also stops everything in ``stops``
(instances, recorders), so one button ends the whole demo.  Drawing uses matplotlib's
object-oriented API (no pyplot in the thread), and errors go to the Output area.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as w
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["LiveChart", "LiveView", "live_view"]


class LiveChart:
    """The model: a data source and a chart function; ``render()`` gives a PNG of the current data."""

    def __init__(
        self,
        source: Callable[[], pd.DataFrame],
        draw: Callable[..., Axes],
        *,
        size: tuple[float, float] = (8, 3.5),
        dpi: int = 80,
    ) -> None:
        self.source, self.draw, self.size, self.dpi = source, draw, size, dpi
        self.renders = 0

    def render(self) -> bytes:
        frame = self.source()
        fig = Figure(figsize=self.size, dpi=self.dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        self.draw(frame, ax=ax)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        self.renders += 1
        return buf.getvalue()


class LiveView(w.VBox):
    """The view: redraws ``chart`` every ``interval`` s in a background thread.

    Parameters
    ----------
    chart : LiveChart
        What to draw.
    interval : float
        Seconds between redraws.
    max_seconds : float
        Hard timeout: the thread ends by then whatever happens.
    until : callable, optional
        The thread ends (after a last redraw) when this returns True.
    stops : iterable, optional
        Objects with ``stop()`` (instances, recorders) to stop with the view.
    """

    def __init__(
        self,
        chart: LiveChart,
        *,
        interval: float = 0.5,
        max_seconds: float = 60.0,
        until: Callable[[], bool] | None = None,
        stops: Iterable[Any] = (),
        title: str = "",
    ) -> None:
        self.chart, self.interval, self.max_seconds, self.until = (
            chart,
            max(interval, 0.1),
            max_seconds,
            until,
        )
        self.stops = list(stops)
        self.image = w.Image(format="png")
        self.status = w.HTML(value=f"<b>{title}</b> not started" if title else "not started")
        self.button = w.Button(description="Stop", button_style="danger", icon="stop")
        self.out = w.Output()
        self.title = title
        self.frames = 0
        self.reason = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # -- wiring --------------------------------------------------------------------------------
        self.button.on_click(self._on_stop)
        super().__init__([w.HBox([self.button, self.status]), self.image, self.out])

    # -- handlers ----------------------------------------------------------------------------------

    def _on_stop(self, _=None) -> None:
        self.stop(wait=False)

    # -- control -----------------------------------------------------------------------------------

    def start(self) -> LiveView:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="live-view", daemon=True)
            self._thread.start()
        return self

    def _show_status(self, text: str) -> None:
        head = f"<b>{self.title}</b> " if self.title else ""
        self.status.value = f"{head}{text}"

    def _redraw(self) -> None:
        try:
            self.image.value = self.chart.render()
            self.frames += 1
        except Exception as exc:  # noqa: BLE001 - shown in the Output area, never lost in a thread
            self.out.append_stdout(f"❌ {type(exc).__name__}: {exc}\n")

    def _run(self) -> None:
        start = time.monotonic()
        self.reason = "timeout"
        while True:
            self._redraw()
            elapsed = time.monotonic() - start
            self._show_status(f"live: {self.frames} frames, {elapsed:.0f} s")
            if self._stop.is_set():
                self.reason = "stopped"
                break
            if self.until is not None:
                try:
                    if self.until():
                        self.reason = "done"
                        self._redraw()
                        break
                except Exception as exc:  # noqa: BLE001
                    self.out.append_stdout(f"❌ until(): {type(exc).__name__}: {exc}\n")
                    self.reason = "error"
                    break
            if elapsed >= self.max_seconds:
                self.out.append_stdout(f"⏱ stopped after its {self.max_seconds:.0f} s limit\n")
                break
            if self._stop.wait(self.interval):
                self.reason = "stopped"
                self._redraw()
                break
        self.button.disabled = True
        self._show_status(f"{self.reason}: {self.frames} frames")

    def stop(self, timeout: float = 5.0, wait: bool = True) -> LiveView:
        """Stop the view and everything in ``stops``; the thread ends within ``timeout`` s."""
        self._stop.set()
        for s in self.stops:
            try:
                s.stop()
            except Exception as exc:  # noqa: BLE001
                self.out.append_stdout(f"❌ stopping {s!r}: {exc}\n")
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
        return self

    def wait(self, timeout: float | None = None) -> LiveView:
        """Block until the view ends by itself (``until``, or ``max_seconds``), at most ``timeout`` s."""
        if self._thread is not None:
            self._thread.join(self.max_seconds + 5 if timeout is None else timeout)
        return self

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def live_view(source: Callable[[], pd.DataFrame], draw: Callable[..., Axes], **kw: Any) -> LiveView:
    """A started :class:`LiveView` of ``draw(source(), ax)``; ``kw`` as for LiveView (and ``size``)."""
    size = kw.pop("size", (8, 3.5))
    return LiveView(LiveChart(source, draw, size=size), **kw).start()
