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

:func:`draw_marks` then draws every ✅/❌ shown as text (check lines, the header, outputs saved
before the checks drew their own) as the inline SVG of :func:`labhelpers.checkreport.mark_html`:
a reader's machine, or the Chromium that prints the PDF, may have no emoji font, and the glyphs
would be empty boxes.

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
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from ..checkreport import BAD, OK, mark_html

__all__ = ["REMOTE_LOADERS", "draw_marks", "scrub"]

#: Where text is not shown as text (or an ``<svg>`` may not go): marks there stay as they are.
_NOT_DISPLAYED = ("script", "style", "title", "textarea", "option", "svg", "head")
#: ✅ or ❌, with the emoji variation selector some editors add.
_MARK = re.compile(f"([{OK}{BAD}])\ufe0f?")
#: Private-use characters standing for a mark between parsing and serialising.
_PLACEHOLDER = {True: "\ue0f1", False: "\ue0f2"}

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


def draw_marks(page: str) -> str:
    """``page`` with each ✅/❌ in its displayed text replaced by an inline SVG mark.

    >>> draw_marks("<p>✅ 3 messages</p><script>m = 1 // ❌</script>")  # doctest: +ELLIPSIS
    "<p><svg class='lab-mark lab-mark-ok' ...</svg> 3 messages</p><script>m = 1 // ❌</script>"
    >>> draw_marks("<p>no marks</p>")
    '<p>no marks</p>'
    """
    if not _MARK.search(page):
        return page
    soup = BeautifulSoup(page, "html.parser")
    skipped = (Comment, Declaration, Doctype, ProcessingInstruction)
    for text in list(soup.find_all(string=_MARK)):
        if isinstance(text, skipped) or text.find_parent(_NOT_DISPLAYED) is not None:
            continue
        # A placeholder in the text, the SVG put in after serialising: the parser would
        # lower-case its viewBox.
        text.replace_with(
            NavigableString(_MARK.sub(lambda m: _PLACEHOLDER[m.group(1) == OK], str(text)))
        )
    out = str(soup)
    for ok, placeholder in _PLACEHOLDER.items():
        out = out.replace(placeholder, mark_html(ok))
    return out
