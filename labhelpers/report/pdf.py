"""Printing a report to PDF with the system's headless Chromium, the network off."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..errors import ChromiumNotFound, ReportError

__all__ = ["CHROMIUM_CANDIDATES", "CHROMIUM_FLAGS", "find_chromium", "html_to_pdf"]

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def find_chromium() -> str | None:
    """The Chromium to print PDFs with: ``$LAB_CHROMIUM``, a Debian/Ubuntu path, or ``PATH``."""
    env = os.environ.get("LAB_CHROMIUM")
    if env:
        return env if os.path.exists(env) else None
    for path in CHROMIUM_CANDIDATES:
        if os.path.exists(path):
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run_off_loop(fn, *args):
    """Playwright's sync API refuses to run inside an asyncio loop (a Jupyter kernel): use a thread."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def html_to_pdf(
    html_path: str | os.PathLike, pdf_path: str | os.PathLike, *, chromium: str | None = None
) -> Path:
    """Print an HTML report to PDF with the system's headless Chromium, network off.

    nbconvert's ``WebPDFExporter`` (7.17) can only launch the browser that ``playwright
    install`` downloads (it has no executable-path option), so the report is printed here
    with Playwright driving ``/usr/bin/chromium`` instead; nothing is downloaded.

    Raises
    ------
    ChromiumNotFound
        With the install step, when there is no Chromium.
    """
    chromium = chromium or find_chromium()
    if not chromium or not os.path.exists(chromium):
        looked = (
            f"LAB_CHROMIUM={os.environ['LAB_CHROMIUM']} does not exist"
            if os.environ.get("LAB_CHROMIUM")
            else f"looked for {', '.join(CHROMIUM_CANDIDATES)}"
        )
        raise ChromiumNotFound(
            f"A PDF report needs a headless Chromium and none was found ({looked}). Install it with `sudo apt-get install -y chromium` "
            "(Debian/Ubuntu), or set LAB_CHROMIUM=/path/to/chrome, or export --format html, "
            "which needs nothing."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ModuleNotFoundError as exc:
        raise ReportError(
            "A PDF report needs the playwright Python package: pip install playwright "
            "(its browser download is not needed: the system Chromium is used)."
        ) from exc
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)

    def render() -> bytes:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            try:
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(("file:", "data:"))
                        else route.abort()
                    ),
                )
                page.emulate_media(media="print")
                page.goto(html_path.as_uri(), wait_until="load")
                return page.pdf(
                    print_background=True,
                    format="A4",
                    margin={"top": "12mm", "bottom": "12mm", "left": "10mm", "right": "10mm"},
                )
            finally:
                browser.close()

    pdf_path.write_bytes(_run_off_loop(render))
    return pdf_path
