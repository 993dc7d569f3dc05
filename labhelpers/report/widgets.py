"""Widgets drawn statically: a picture of each widget's last saved state.

The live widget renderer needs a CDN, so a report replaces every widget view by HTML drawn
from the state JupyterLab saved in the notebook (sliders, text, progress bars, boxes and tabs,
``Output`` widgets with their charts).  :func:`widget_outputs` walks the same state for what
``Output`` widgets hold, for the self-check reader.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["WIDGET_STATE", "WIDGET_VIEW", "static_widgets", "widget_outputs", "widget_state"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_DEPTH = 20  # nesting deeper than this is a loop in a damaged state, not a layout


def widget_state(nb) -> dict:
    """The widget models a notebook saved (``{model_id: model}``); empty when none were saved."""
    return (nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}) or {}).get("state", {})


def _ref(value: Any) -> str | None:
    return (
        value[len("IPY_MODEL_") :]
        if isinstance(value, str) and value.startswith("IPY_MODEL_")
        else None
    )


def widget_outputs(model_id: str, state: Mapping, depth: int = 0) -> Iterator[Mapping]:
    """Every output held by the ``Output`` widgets in widget ``model_id`` (itself and its children,
    depth first), as saved; nothing when the state was not saved."""
    model = state.get(model_id)
    if not model or depth > _DEPTH:
        return
    s = model.get("state", {})
    if model.get("model_name") == "OutputModel":
        yield from s.get("outputs", [])
    for child in s.get("children", []):
        if ref := _ref(child):
            yield from widget_outputs(ref, state, depth + 1)


_E = html.escape


def _desc(s: Mapping) -> str:
    d = s.get("description") or ""
    return f'<span class="lab-w-desc">{_E(d)}</span> ' if d else ""


def _static_output(output: Mapping, state: Mapping, depth: int) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        return f"<pre>{_E(ANSI.sub('', output.get('text', '')))}</pre>"
    if kind == "error":
        return f"<pre class='lab-w-error'>{_E(ANSI.sub('', chr(10).join(output.get('traceback', []))))}</pre>"
    data = output.get("data", {})
    if WIDGET_VIEW in data:
        return _widget_html(data[WIDGET_VIEW].get("model_id", ""), state, depth + 1) or ""
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            return f'<img src="data:{mime};base64,{"".join(data[mime]).strip()}" alt="chart">'
    if "image/svg+xml" in data:
        return "".join(data["image/svg+xml"])
    if "text/html" in data:
        return "".join(data["text/html"])
    if "text/plain" in data:
        return f"<pre>{_E(''.join(data['text/plain']))}</pre>"
    return ""


def _widget_html(model_id: str, state: Mapping, depth: int = 0) -> str | None:
    """A static HTML picture of a widget from its saved state; None when it is not saved."""
    model = state.get(model_id)
    if model is None or depth > _DEPTH:
        return None
    name = model.get("model_name", "")
    s = model.get("state", {})

    def children(direction: str) -> str:
        parts = [
            _widget_html(ref, state, depth + 1) or ""
            for c in s.get("children", [])
            if (ref := _ref(c))
        ]
        titles = s.get("titles") or s.get("_titles") or []
        if isinstance(titles, dict):
            titles = [titles.get(str(i), "") for i in range(len(parts))]
        if titles and name in ("TabModel", "AccordionModel", "StackModel"):
            parts = [
                f"<div class='lab-w-title'>{_E(t or '')}</div>{p}"
                for t, p in zip(titles, parts, strict=False)
            ]
        return f"<div class='lab-w-box' style='display:flex;flex-direction:{direction};gap:4px'>{''.join(parts)}</div>"

    value = s.get("value")
    if name in ("HBoxModel", "GridBoxModel"):
        return children("row")
    if name in ("VBoxModel", "BoxModel", "TabModel", "AccordionModel", "StackModel"):
        return children("column")
    if name == "OutputModel":
        return (
            "<div class='lab-w-output'>"
            + "".join(_static_output(o, state, depth) for o in s.get("outputs", []))
            + "</div>"
        )
    if name in ("HTMLModel", "HTMLMathModel"):
        return f"<div class='lab-w-html'>{_desc(s)}{value or ''}</div>"
    if name == "LabelModel":
        return f"<span class='lab-w-label'>{_E(str(value or ''))}</span>"
    if name == "PasswordModel":
        return f"<div>{_desc(s)}<span class='lab-w-value'>••••••</span></div>"
    if name == "ButtonModel":
        return f"<button disabled class='lab-w-button'>{_E(s.get('description') or '')}</button>"
    if name in ("CheckboxModel", "ToggleButtonModel", "ValidModel"):
        return f"<div>{'☑' if value else '☐'} {_E(s.get('description') or '')}</div>"
    if name in ("IntProgressModel", "FloatProgressModel"):
        lo, hi = s.get("min", 0) or 0, s.get("max", 100) or 100
        pct = 0 if hi == lo else max(0, min(100, 100 * ((value or 0) - lo) / (hi - lo)))
        return (
            f"<div>{_desc(s)}<span class='lab-w-progress' style='display:inline-block;width:12em;"
            f"height:0.8em;border:1px solid #999;vertical-align:middle'><span style='display:block;"
            f"height:100%;width:{pct:.0f}%;background:#3b82f6'></span></span> {_E(str(value))}/{_E(str(hi))}</div>"
        )
    labels = s.get("_options_labels")
    if labels is not None:
        if "index" in s and isinstance(s["index"], list):  # SelectMultiple, SelectionRangeSlider
            shown = ", ".join(labels[i] for i in s["index"] if i is not None and i < len(labels))
        else:
            i = s.get("index")
            shown = labels[i] if isinstance(i, int) and i < len(labels) else ""
        return f"<div>{_desc(s)}<span class='lab-w-value'>{_E(shown)}</span></div>"
    if "value" in s:
        if isinstance(value, list):
            value = " – ".join(map(str, value))
        return f"<div>{_desc(s)}<span class='lab-w-value'>{_E(str(value))}</span></div>"
    if "description" in s:
        return f"<div>{_E(s.get('description') or '')}</div>"
    return ""  # layouts, styles and other models without a face


def static_widgets(nb) -> None:
    """Replace widget views by a static rendering of their saved state; drop the state."""
    state = widget_state(nb)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            picture = _widget_html(data[WIDGET_VIEW].get("model_id", ""), state)
            if picture is None:
                fallback = data.get("text/plain") or "a widget"
                picture = (
                    f"<pre>{_E(''.join(fallback))}</pre><div class='lab-w-note'>"
                    "(widget state was not saved with the notebook: this is its text form)</div>"
                )
            data.pop(WIDGET_VIEW)
            data["text/html"] = (
                f"<div class='lab-widget-snapshot' title='static picture of the widget'>{picture}</div>"
            )
    nb.metadata.pop("widgets", None)
