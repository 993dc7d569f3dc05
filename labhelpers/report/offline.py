"""Scrubbing a report page for offline reading: nothing in it may fetch from the network.

The page is parsed with BeautifulSoup (Python's own ``html.parser``), not rewritten with
patterns, so a ``>`` inside an attribute, odd quoting or a tag split over lines cannot hide a
remote ``src`` from it:

* an element that would load a remote resource (``script``, ``img``, ``iframe``, ``embed``,
  ``source``, ``video``, ``audio``, ``link`` with an ``http(s)://`` or ``//`` ``src``/``href``)
  becomes a plain link saying what was left out, so the reader can still follow it;
* in CSS (``<style>`` blocks and ``style`` attributes) ``url(http...)`` becomes ``none`` and
  ``@import url(http...)`` goes; CSS is not HTML, so that one small pattern works on the CSS
  text the parser hands over;
* links to read (``<a href>``) stay links.

>>> scrub('<p><img src="https://example.com/x.png" alt="x"> <a href="https://docs.oracle.com/">docs</a></p>')
'<p><a class="lab-report-external" href="https://example.com/x.png">[external img left out of the offline report: https://example.com/x.png]</a> <a href="https://docs.oracle.com/">docs</a></p>'
>>> scrub('<div style="background:url(//cdn.example.com/bg.png) no-repeat">x</div>')
'<div style="background:none no-repeat">x</div>'
>>> scrub("<style>@import url('https://fonts.example.com/a.css'); p > b {color: red}</style>")
'<style> p > b {color: red}</style>'
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString

__all__ = ["REMOTE_LOADERS", "scrub"]

#: Elements that load what their ``src``/``href`` names when the page opens.
REMOTE_LOADERS = ("script", "img", "iframe", "embed", "source", "video", "audio", "link")
_REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"(@import\s+)?url\(\s*(['\"]?)(https?:)?//[^)'\"]+\2\s*\);?", re.IGNORECASE)


def _css(text: str) -> str:
    return _CSS_URL.sub(lambda u: "" if u.group(1) else "none", text)


def scrub(page: str) -> str:
    """``page`` with everything that would fetch from the network neutralised (see above)."""
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup.find_all(REMOTE_LOADERS):
        url = next(
            (
                value
                for value in (tag.get("src"), tag.get("href"))
                if isinstance(value, str) and _REMOTE.match(value)
            ),
            None,
        )
        if url is None:
            continue
        link = soup.new_tag("a", attrs={"class": "lab-report-external", "href": url})
        link.string = f"[external {tag.name} left out of the offline report: {url}]"
        tag.replace_with(link)
    for style in soup.find_all("style"):
        css = style.string
        if isinstance(css, NavigableString) and _CSS_URL.search(css):
            css.replace_with(
                type(css)(_css(css))
            )  # keeps it a stylesheet: written as is, not escaped
    for tag in soup.find_all(style=True):
        tag["style"] = _css(str(tag["style"]))
    return str(soup)
