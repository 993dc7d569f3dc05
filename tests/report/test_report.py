"""Reports: self-contained, offline, redacted, honest about failures.  (No kernel needed here;
test_execute.py runs notebooks.)"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from labhelpers.__main__ import main
from labhelpers.report import (
    ChromiumNotFound,
    NotebookNotFound,
    build_report,
    export_report,
    find_notebook_path,
    html_to_pdf,
)

from .synthetic import (
    AUTH_TOKEN,
    STREAM,
    displayed_text,
    marks_as_text,
    notebook_with_every_output,
    png_chart,
    secrets_found,
    write_notebook,
)

# One worker runs this module (-n 2 --dist loadgroup): its reports are built once.
pytestmark = pytest.mark.xdist_group("report")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Path]:
    """One report per notebook and one whole-lab report, built once for this module."""
    root = tmp_path_factory.mktemp("reports")
    first = write_notebook(
        notebook_with_every_output("Publish with keys"), root / "nb" / "01-publish.ipynb"
    )
    second_nb = notebook_with_every_output("Cursors")
    second_nb.cells = second_nb.cells[:3]
    second = write_notebook(second_nb, root / "nb" / "02-cursors.ipynb")
    return {
        "single": build_report([first], root / "out"),
        "lab": build_report([first, second], root / "out"),
        "first": first,
    }


def read(path: Path) -> str:
    """The report's text with attribute quotes made single (nbconvert re-serialises the page)."""
    return path.read_text(encoding="utf-8").replace('"', "'")


@pytest.fixture(scope="module")
def single(reports) -> str:
    return read(reports["single"])


def test_one_notebook_gives_one_html_file_named_after_it(reports):
    assert reports["single"].name == "01-publish.html"
    assert reports["lab"].name == "lab-report.html"


def test_planted_secrets_appear_nowhere_in_the_report(reports):
    for report in (reports["single"], reports["lab"]):
        text = report.read_text(encoding="utf-8")
        assert secrets_found(text) == [], f"{report.name} leaks {secrets_found(text)}"
        assert AUTH_TOKEN not in text


def test_redacted_values_are_marked_and_resource_ocids_stay(single):
    assert "ocid1.user.oc1..[REDACTED]" in single and "ocid1.tenancy.oc1..[REDACTED]" in single
    assert "[REDACTED:fingerprint]" in single and "[REDACTED:private-key]" in single
    assert STREAM in single  # a stream OCID is what a learner needs to see


def test_nothing_is_loaded_from_the_network(single):
    tags = re.findall(r"<(script|img|link|iframe|source|embed)\b[^>]*>", single, re.I)
    srcs = re.findall(
        r"<(?:script|img|link|iframe|source|embed)\b[^>]*\b(?:src|href)\s*=\s*['\"]?(https?:)?//",
        single,
        re.I,
    )
    assert tags and not srcs
    kept_as_links = re.sub(r"<a class='lab-report-external'.*?</a>", "", single)
    assert "[external script left out of the offline report: https://cdn.jsdelivr.net" in single
    for cdn in ("cdnjs", "unpkg", "jsdelivr", "mathjax", "require.js", "embed-amd"):
        assert cdn not in kept_as_links.lower(), cdn
    assert "url(http" not in single.replace(" ", "")
    assert "styled output" in single


def test_charts_and_markdown_images_are_embedded(single):
    images = re.findall(r"<img\b[^>]*\bsrc\s*=\s*['\"]([^'\"]+)", single)
    # the chart output, the chart inside the Output widget, the Markdown figure
    assert len(images) >= 3 and all(src.startswith("data:image/png;base64,") for src in images)
    assert "external img left out of the offline report: https://example.com/remote.png" in single
    assert "href='https://docs.oracle.com/" in single  # links to read stay links


def test_widgets_are_a_static_picture_of_their_last_state(single):
    assert "application/vnd.jupyter.widget" not in single  # no live widget needing a renderer
    snapshot = single[single.index("<div class='lab-widget-snapshot'") :]
    assert "messages</span> <span class='lab-w-value'>37</span>" in snapshot
    assert "pass_phrase=[REDACTED]" in snapshot and "••••••" in snapshot
    assert "30.0/40.0" in snapshot
    assert "widget state was not saved" in single  # the lost widget: its text form, no blank


def test_javascript_outputs_are_left_out(single):
    assert "cdn.example.com" not in single
    assert "JavaScript output left out of the report" in single


def test_header_has_target_dates_parameters_and_self_checks(single):
    header = single[single.index("class='lab-report-header'") : single.index("</section>")]
    header = marks_as_text(header)
    assert "<th>Target</th><td>local</td>" in header
    assert "2026-11-28 10:00:00 UTC" in header  # papermill's end time
    assert "stream_name='lab-stream'" in header
    assert "compartment_id='ocid1.tenancy.oc1..[REDACTED]" in header
    assert "2 ✅ passed, 1 ❌ not yet" in header  # one line printed inside an Output widget
    assert "❌ key 'b': 0 messages found" in header
    assert "No cell failed" in header  # the error was tagged raises-exception


def test_whole_lab_report_has_a_table_of_contents_and_a_section_per_notebook(reports):
    lab = read(reports["lab"])
    toc = lab[lab.index("lab-report-toc") :]
    targets = re.findall(r"<a href='#([^']+)'>", toc[: toc.index("</nav>")])
    assert targets == ["01-publish", "02-cursors"]
    for t in targets:
        assert f"<section class='lab-report-header' id='{t}'>" in lab
    assert lab.count("class='lab-report-header'") == 2
    assert lab.index("id='01-publish'") < lab.index("id='02-cursors'")


def test_a_failed_cell_in_saved_outputs_is_named_and_linked(tmp_path):
    nb = notebook_with_every_output()
    nb.cells[5].metadata["tags"] = []  # the same error, now unexpected
    out = build_report([write_notebook(nb, tmp_path / "03-failed.ipynb")], tmp_path / "out")
    page = marks_as_text(read(out))
    assert "<a href='#03-failed-failed-5'>cell 6 (In [5])</a>" in page
    assert "id='03-failed-failed-5'>❌ This cell failed (In [5])" in page
    assert secrets_found(page) == []


def test_cli_writes_the_report_and_reads_parameters(tmp_path, capsys):
    nb = write_notebook(notebook_with_every_output(), tmp_path / "01-publish.ipynb")
    assert main(["report", str(nb), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "01-publish.html").is_file()
    out = capsys.readouterr().out
    assert "01-publish.ipynb: 2/3 self-checks passed, all cells ran" in out
    assert main(["report", str(nb), "-p", "novalue"]) == 2
    assert main(["report", str(tmp_path / "missing.ipynb")]) == 2
    assert "No such notebook" in capsys.readouterr().err


def test_pdf_without_chromium_names_the_install_step(tmp_path, monkeypatch):
    monkeypatch.setenv("LAB_CHROMIUM", str(tmp_path / "no-chromium"))
    nb = write_notebook(notebook_with_every_output(), tmp_path / "n.ipynb")
    with pytest.raises(ChromiumNotFound, match=r"apt-get install -y chromium"):
        build_report([nb], tmp_path / "out", fmt="pdf")
    assert not (tmp_path / "out" / "n.pdf").exists()


def test_export_report_finds_its_notebook_from_the_jupyter_session(tmp_path, monkeypatch):
    nb = write_notebook(notebook_with_every_output(), tmp_path / "work" / "01-publish.ipynb")
    monkeypatch.setenv("JPY_SESSION_NAME", str(nb))
    monkeypatch.chdir(nb.parent)
    link = export_report()
    assert Path(link.path) == Path("reports/01-publish.html")
    assert "Report written: " in link._repr_html_()
    assert secrets_found((nb.parent / link.path).read_text(encoding="utf-8")) == []


def test_export_report_without_a_session_asks_for_the_path(monkeypatch, tmp_path):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setattr("labhelpers.report.locate._sessions_api_path", lambda: None)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotebookNotFound, match=r"export_report\('01-publish.ipynb'\)"):
        find_notebook_path()
    with pytest.raises(NotebookNotFound, match="No notebook at"):
        find_notebook_path("nope.ipynb")


def test_export_report_does_nothing_while_the_cli_executes_the_notebook(monkeypatch, capsys):
    monkeypatch.setenv("LABHELPERS_REPORT_RUNNING", "1")
    assert export_report("whatever.ipynb") is None
    assert "writes the report itself" in capsys.readouterr().out


@pytest.mark.browser
def test_report_opened_offline_shows_every_chart_and_requests_nothing(reports, open_offline):
    for report in (reports["single"], reports["lab"]):
        page, failed = open_offline(report)
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.src.slice(0, 22), i.complete, i.naturalWidth])"
        )
        assert len(images) >= 3
        assert all(
            src == "data:image/png;base64," and done and width > 0 for src, done, width in images
        ), images
        assert failed == [], f"requests failed offline: {failed}"
        widget = page.locator(".lab-widget-snapshot").first.bounding_box()
        assert widget and widget["height"] > 20  # no blank area where the widget was


@pytest.mark.browser
def test_pdf_is_printed_by_the_system_chromium(reports, chromium, tmp_path):
    pdf = html_to_pdf(reports["single"], tmp_path / "r.pdf", chromium=chromium)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 20_000  # text, and the charts
    assert b"/Image" in data or b"/XObject" in data


def test_a_notebook_node_roundtrip_is_not_needed_for_images(tmp_path):
    """A chart produced at another size still embeds: nbconvert keeps the output's PNG as is."""
    nb = notebook_with_every_output()
    nb.cells[2].outputs[0].data["image/png"] = png_chart(8)
    out = build_report([write_notebook(nb, tmp_path / "wide.ipynb")], tmp_path / "o")
    assert nb.cells[2].outputs[0].data["image/png"][:200] in out.read_text(encoding="utf-8")
    assert nbformat.read(tmp_path / "wide.ipynb", as_version=4).cells[2].outputs  # input untouched


def test_marks_are_drawn_so_no_emoji_font_is_needed(reports):
    """A fresh Debian with Chromium has no emoji font: ✅/❌ typed as text would print as boxes."""
    for report in (reports["single"], reports["lab"]):
        page = read(report)
        shown = displayed_text(page)
        assert "✅" not in shown and "❌" not in shown, [
            line for line in shown.splitlines() if "✅" in line or "❌" in line
        ][:5]
        marks = re.findall(r"<svg[^>]*class='lab-mark lab-mark-(ok|bad)'[^>]*>", page)
        assert "ok" in marks and "bad" in marks, marks
        for svg in re.findall(r"<svg[^>]*class='lab-mark[^>]*>.*?</svg>", page, re.S):
            assert "<text" not in svg  # shapes only
            assert re.search(r"aria-label='(passed|failed)'", svg), svg
            assert re.search(r"role='img'", svg), svg


def test_the_plain_text_of_a_check_keeps_its_emoji():
    from labhelpers.checkreport import CheckReport

    r = CheckReport("two keys")
    r.expect(True, "key 'a'", "")
    r.expect(False, "", "key 'b'")
    bundle = r._repr_mimebundle_()
    assert bundle["text/plain"].splitlines()[1:] == ["✅ key 'a'", "❌ key 'b'"]
    assert "✅" not in displayed_text(bundle["text/html"])
    assert "❌" not in displayed_text(bundle["text/html"])
    assert marks_as_text(bundle["text/html"].replace('"', "'")).count("✅") == 1


@pytest.mark.browser
def test_drawn_marks_show_in_chromium_as_green_and_red(reports, open_offline, tmp_path):
    """Chromium draws the marks themselves (not a glyph from some font): a green and a red
    square one line high, and no ✅/❌ in the page's visible text."""
    from PIL import Image

    page, _ = open_offline(reports["single"])
    text = page.evaluate("document.body.innerText")
    assert "✅" not in text and "❌" not in text
    for kind, channel in (("ok", 1), ("bad", 0)):
        mark = page.locator(f".lab-report-header svg.lab-mark-{kind}").first
        box = mark.bounding_box()
        assert box and 10 <= box["height"] <= 30 and box["width"] == pytest.approx(box["height"])
        shot = tmp_path / f"{kind}.png"
        mark.screenshot(path=str(shot))
        data = Image.open(shot).convert("RGB").tobytes()
        pixels = [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]
        coloured = [
            p for p in pixels if p[channel] > 120 and p[channel] > 1.6 * max(p[2], p[1 - channel])
        ]
        assert len(coloured) > len(pixels) / 3, (kind, pixels[: len(pixels) // 2 : 7])
