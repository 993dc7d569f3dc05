"""The reliability checks (``reliability/``): fast versions run in ``make test``; the full
versions are marked ``slow`` and skipped unless asked for, with ``pytest -m slow
tests/reliability`` or ``RELIABILITY_FULL=1``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def full_run_requested(config) -> bool:
    if os.environ.get("RELIABILITY_FULL") == "1":
        return True
    expr = config.getoption("markexpr") or ""
    return bool(re.search(r"(?<!not )\bslow\b", expr))


def pytest_collection_modifyitems(config, items) -> None:
    if full_run_requested(config):
        return
    skip = pytest.mark.skip(
        reason="full reliability check: run `pytest -m slow tests/reliability` or set RELIABILITY_FULL=1"
    )
    for item in items:
        if "slow" in item.keywords and HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)
