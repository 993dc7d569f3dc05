"""Fixtures for the browser tests: Debian's Chromium through Playwright, and a JupyterLab server.

No browser is ever downloaded: Playwright drives ``/usr/bin/chromium`` (``apt-get install
chromium``; ``.ci/run`` does it).  Without it these tests are skipped, and say so.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.jupyter import JupyterServer, isolated_env, start_jupyter
from tests.conftest import ROOT, start_localoci
from tests.notebooks.conftest import NO_CLI

CHROMIUM = Path(os.environ.get("LAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = None
    if not CHROMIUM.exists():
        reason = (
            f"browser tests skipped: no Chromium at {CHROMIUM}. Install Debian's package "
            "(apt-get install chromium) or set LAB_CHROMIUM=/path/to/chromium."
        )
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = (
                "browser tests skipped: Playwright's Python package is missing "
                "(the [browser] extra: pip install -e '.[browser]')."
            )
    if reason is None:
        return
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def lab_localoci(tmp_path_factory):
    """The browser tests' own localoci (tests/conftest.py's start_localoci): notebook 02 moves its clock."""
    server = start_localoci(tmp_path_factory.mktemp("browser-localoci"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory, lab_localoci) -> Iterator[JupyterServer]:
    """JupyterLab on a free port with a token, serving a temporary copy of notebooks/."""
    base = tmp_path_factory.mktemp("jupyter")
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = isolated_env(
        base / "home",
        LOCALOCI_URL=lab_localoci.url,
        LOCALOCI_HOME=str(lab_localoci.data_dir),
        LAB_TARGET="local",
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        # the optional CLI sections print the install note (run with the CLI in test_cli_cells)
        LAB_OCI_CLI=NO_CLI,
    )
    server = start_jupyter(root, env, log=base / "jupyter.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(browser, jupyter):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()
        jupyter.shutdown_kernels()  # each test's notebook kernel ends with the test


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
