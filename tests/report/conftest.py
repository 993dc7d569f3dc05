"""An offline headless Chromium (the system one, network blocked) to open reports in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> str:
    """The system Chromium, driven through Playwright (the [browser] extra)."""
    pytest.importorskip(
        "playwright",
        reason="Playwright is missing: it is the [browser] extra (pip install -e '.[browser]')",
    )
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` "
            "to run the browser tests"
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def offline_browser(chromium) -> Iterator:
    """Headless Chromium (the system one) that can load file: and data: URLs and nothing else.

    Module-scoped: Playwright's sync API allows one instance per thread at a time, so a
    session-long one here made tests/browser (which starts its own) fail whenever it ran
    later on the same worker."""
    from playwright.sync_api import sync_playwright

    from labhelpers.report import CHROMIUM_FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def open_offline(offline_browser):
    """``page, failed = open_offline(path)``: failed lists every request that did not succeed."""
    pages = []

    def open_(path: Path):
        page = offline_browser.new_page()
        pages.append(page)
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort()
            ),
        )
        page.goto(Path(path).resolve().as_uri(), wait_until="load")
        page.wait_for_timeout(200)  # let module scripts run
        return page, failed

    yield open_
    for page in pages:
        page.close()
