"""Widgets as a model and a view (the ipywidgets tutorial's pattern).

* :class:`CursorPickerModel` -- traitlets, testable without a browser: choose a cursor type,
  partition, offset or time; ``fetch()`` creates the cursor and runs one GetMessages;
  ``next_batch()`` follows ``opc-next-cursor``.
* :func:`cursor_picker` -- its view: a ``VBox`` with one wiring block and ``_on_*`` handlers.
* :class:`ProduceForm` -- the Console's "Produce test message", as a form.

Errors go to an ``Output`` area, never lost in a callback.
"""

from __future__ import annotations

from datetime import UTC, datetime

import ipywidgets as w
import oci
import pandas as pd
import traitlets as t

from .consume import CURSOR_TYPES, create_cursor, decode
from .encoding import text_or_bytes
from .frames import to_frame
from .publish import publish


class CursorPickerModel(t.HasTraits):
    cursor_type = t.Unicode("TRIM_HORIZON")
    partition = t.Unicode("0")
    offset = t.Int(0)
    time = t.Unicode("")  # ISO 8601; naive means UTC
    limit = t.Int(10)
    messages = t.Instance(pd.DataFrame, allow_none=True)
    error = t.Unicode("")
    cursor = t.Unicode("")
    calls = t.Int(0)

    def __init__(
        self, client: oci.streaming.StreamClient, stream: oci.streaming.models.Stream, **kw
    ):
        super().__init__(**kw)
        self.client, self.stream = client, stream

    @t.validate("cursor_type")
    def _valid_type(self, proposal):
        value = str(proposal["value"]).upper()
        if value not in CURSOR_TYPES:
            raise t.TraitError(f"cursor type must be one of {', '.join(CURSOR_TYPES)}")
        return value

    def _time(self) -> datetime | None:
        if self.cursor_type != "AT_TIME":
            return None
        if not self.time:
            raise ValueError("AT_TIME needs a time, e.g. 2024-05-01T12:00:00Z")
        value = datetime.fromisoformat(self.time.replace("Z", "+00:00"))
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    def _read(self) -> None:
        response = self.client.get_messages(self.stream.id, self.cursor, limit=self.limit)
        self.calls += 1
        self.cursor = response.headers["opc-next-cursor"]
        self.messages = to_frame(decode(m, text_or_bytes) for m in response.data)

    def fetch(self) -> pd.DataFrame | None:
        """Create a cursor from the current settings and read one batch."""
        self.error = ""
        try:
            offset = self.offset if self.cursor_type in ("AT_OFFSET", "AFTER_OFFSET") else None
            self.cursor = create_cursor(
                self.client, self.stream.id, self.partition, self.cursor_type, offset, self._time()
            )
            self._read()
        except (oci.exceptions.ServiceError, ValueError) as exc:
            self.error = getattr(exc, "message", None) or str(exc)
            self.messages = None
        return self.messages

    def next_batch(self) -> pd.DataFrame | None:
        """Follow ``opc-next-cursor`` from the last read (e.g. after publishing to a LATEST cursor)."""
        if not self.cursor:
            return self.fetch()
        self.error = ""
        try:
            self._read()
        except oci.exceptions.ServiceError as exc:
            self.error = exc.message
            self.messages = None
        return self.messages


HELP = {
    "TRIM_HORIZON": "the oldest message still retained",
    "LATEST": "only messages published after the cursor is created (publish, then press Next batch)",
    "AT_OFFSET": "exactly the message at this offset, then on",
    "AFTER_OFFSET": "the message after this offset, then on",
    "AT_TIME": "the first message appended at or after this time",
}


def _tape(model: CursorPickerModel) -> None:
    """Draw the batch just read on a tape of offsets (:func:`labhelpers.charts.plot_cursor_tape`)."""
    import matplotlib.pyplot as plt
    from IPython.display import display

    from .charts import plot_cursor_tape

    got = model.messages
    assert got is not None  # drawn only after a read
    first, last = int(got["offset"].min()), int(got["offset"].max())
    start = {"AT_OFFSET": model.offset, "AFTER_OFFSET": model.offset + 1}.get(
        model.cursor_type, first
    )
    rows = pd.DataFrame([{"type": model.cursor_type, "start": start, "first": first, "last": last}])
    low = max(0, min(start, first) - 2)
    fig, ax = plt.subplots(figsize=(10, 1.6))
    plot_cursor_tape(rows, ax=ax, offsets=list(range(low, min(last, low + 30) + 2)))
    display(fig)
    plt.close(fig)


def cursor_picker(client, stream, auto: bool = True, tape: bool = True) -> w.VBox:
    """The cursor-type picker: choose, press *Get messages*, see what GetMessages returns (as
    a table and, with ``tape``, drawn on a tape of the partition's offsets)."""
    model = CursorPickerModel(client, stream)
    kind = w.ToggleButtons(options=list(CURSOR_TYPES), value=model.cursor_type, description="type")
    part = w.Dropdown(
        options=[str(p) for p in range(stream.partitions)], value="0", description="partition"
    )
    offset = w.IntText(value=0, description="offset", disabled=True)
    when = w.Text(
        value=datetime.now(UTC).replace(microsecond=0).isoformat(),
        description="time",
        disabled=True,
    )
    limit = w.BoundedIntText(value=10, min=1, max=10_000, description="limit")
    get = w.Button(description="Get messages", button_style="primary")
    more = w.Button(description="Next batch")
    status = w.HTML()
    out = w.Output()

    # -- wiring ------------------------------------------------------------------------------
    w.link((kind, "value"), (model, "cursor_type"))
    w.link((part, "value"), (model, "partition"))
    w.link((offset, "value"), (model, "offset"))
    w.link((when, "value"), (model, "time"))
    w.link((limit, "value"), (model, "limit"))

    def _on_type(change=None):
        offset.disabled = model.cursor_type not in ("AT_OFFSET", "AFTER_OFFSET")
        when.disabled = model.cursor_type != "AT_TIME"
        status.value = f"<i>{model.cursor_type}: {HELP[model.cursor_type]}</i>"
        if auto and change is not None:
            model.fetch()

    def _on_messages(change=None):
        out.clear_output()
        with out:
            if model.error:
                print(f"❌ {model.error}")
            elif model.messages is not None and model.messages.empty:
                print(
                    f"(no messages: {model.cursor_type} on partition {model.partition} returned an empty batch)"
                )
            elif model.messages is not None:
                from IPython.display import display

                display(model.messages[["partition", "offset", "key", "value", "timestamp"]])
                if tape:
                    _tape(model)

    kind.observe(_on_type, names="value")
    part.observe(lambda c: auto and model.fetch(), names="value")
    model.observe(_on_messages, names=["messages", "error"])
    get.on_click(lambda _: model.fetch())
    more.on_click(lambda _: model.next_batch())
    _on_type()
    box = w.VBox(
        [kind, w.HBox([part, limit]), w.HBox([offset, when]), w.HBox([get, more]), status, out]
    )
    box.model = model  # reachable for tests and curious learners
    return box


class ProduceForm(w.VBox):
    """A form like the Console's *Produce test message*: key, value, send; shows where it landed."""

    def __init__(self, client, stream, **kw):
        self.client, self.stream = client, stream
        self.key = w.Text(placeholder="optional key", description="key")
        self.value = w.Textarea(placeholder="message text (UTF-8)", description="value")
        self.send = w.Button(description="Produce", button_style="primary")
        self.out = w.Output()
        self.last = None
        self.send.on_click(self._on_send)
        super().__init__([self.key, self.value, self.send, self.out], **kw)

    def produce(self, value: str, key: str | None = None):
        result = publish(self.client, self.stream.id, [value], key=key or None)
        self.last = result.acks[0]
        return self.last

    def _on_send(self, _=None) -> None:
        self.out.clear_output()
        with self.out:
            if not self.value.value:
                print("❌ Type a value first.")
                return
            try:
                ack = self.produce(self.value.value, self.key.value)
                print(f"✅ landed in partition {ack.partition} at offset {ack.offset}")
            except Exception as exc:  # noqa: BLE001 - shown to the learner, not lost
                print(f"❌ {type(exc).__name__}: {exc}")


def target_picker(current: str = "local") -> w.VBox:
    """Choose the lab's target (local or oci); sets ``LAB_TARGET`` for the cells you run next."""
    import os

    pick = w.ToggleButtons(options=["local", "oci"], value=current, description="target")
    note = w.HTML()

    def _on_pick(change=None):
        os.environ["LAB_TARGET"] = pick.value
        note.value = (
            f"<code>LAB_TARGET={pick.value}</code>: now re-run the <i>connect</i> cell. "
            + (
                "A real tenancy: see the policies below, and run the doctor."
                if pick.value == "oci"
                else ""
            )
        )

    pick.observe(_on_pick, names="value")
    return w.VBox([pick, note])
