"""DeleteFunction: the function is gone (404 after), and its warm process stops."""

from __future__ import annotations

from ..state import Faas


def delete_function(fx: Faas, fn_id: str) -> None:
    fn = fx.get("function", fn_id)
    with fx.tx():
        fx.store.delete(fn.id)
    fx.runtime.stop(fn.id)
