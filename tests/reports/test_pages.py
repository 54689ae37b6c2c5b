"""The printed pages of the sample reports: no heading left alone at the foot of a page, no near-empty page,
and the length a client will accept (Korrin Regional Council's positioning report).

Renders Korrin's positioning and portfolio reports to PDF with Chromium, reads each page's text with pypdf
and compares it with the headings of the HTML page.
"""

from __future__ import annotations

import collections
import html
import os
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

KORRIN = "Korrin Regional Council"
MIN_LINES = 15
"""Fewest text lines on a page other than the title page and the last: about a third of a full page of text
(a full page holds about 50 lines of body text)."""
MAX_PAGES = 18
MAX_ROADMAP_PAGES = 3
BODY_PT = 9.0
"""The body text's size in print (report.css: ``html { font-size: 9pt }``)."""
_PAGE_NUMBER = re.compile(r"^\d+ / \d+$")


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    from pmo_workbench.reports.batch import run_batch
    from pmo_workbench.reports.pdf import find_chromium
    from pmo_workbench.reports.spec import demo_specs

    if find_chromium() is None:
        if os.environ.get("PMO_WORKBENCH_REQUIRE_CHROMIUM"):
            pytest.fail("Chromium is required here (PMO_WORKBENCH_REQUIRE_CHROMIUM) but was not found")
        pytest.skip("needs Chromium (apt-get install chromium)")
    out = tmp_path_factory.mktemp("pages")
    specs = [s for s in demo_specs() if s.organisation == KORRIN]
    result = run_batch(specs, out, ("html", "pdf"), jobs=1, force=True, index=False, progress=False)
    assert not result.failed, [o.error for o in result.failed]
    return {o.report: (Path(o.files["html"]), Path(o.files["pdf"])) for o in result.outcomes}


def text_sizes(pdf: Path) -> list[collections.Counter]:
    """Each page's printed font sizes (points, to 0.1) with how many characters are set in each."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        sizes: collections.Counter = collections.Counter()

        def visit(text, cm, tm, font, size, sizes=sizes):
            if text.strip():
                sizes[round(size * abs(tm[3]) * abs(cm[3]), 1)] += len(text.strip())

        page.extract_text(visitor_text=visit)
        pages.append(sizes)
    return pages


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's non-empty text lines, without the page number the printer adds at the foot."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
        pages.append([line for line in lines if line and not _PAGE_NUMBER.match(line)])
    return pages


def headings(page: Path, pattern: str = r"<h[1-4][^>]*>(.*?)</h[1-4]>") -> set[str]:
    """The text of every h1-h4 of the report body (the title page's contents left out), or of what
    ``pattern`` finds there."""
    text = page.read_text(encoding="utf-8")
    main = text[text.index('<main class="report">'):text.index("</main>")]
    found = set()
    for inner in re.findall(pattern, main, flags=re.S):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        found.add(" ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split()))
    return found


def section_pages(pages: list[list[str]], start: str, end: str) -> int:
    """How many pages the section from the heading ``start`` up to the heading ``end`` touches."""
    first = next(i for i, lines in enumerate(pages) if start in lines and i > 0)
    last = next(i for i, lines in enumerate(pages) if end in lines and i > first)
    return last - first + (0 if pages[last][0] == end else 1)


@pytest.mark.parametrize("report", ["positioning", "portfolio"])
def test_no_page_ends_with_a_heading(printed, report):
    page, pdf = printed[report]
    titles = headings(page)
    # a table's caption (or its caption and header row) at the foot of a page heads nothing either
    captions = headings(page, r"<caption[^>]*>(.*?)</caption>")
    pages = page_lines(pdf)
    ending = [(n, lines[-1]) for n, lines in enumerate(pages[:-1], start=1)
              if lines and (lines[-1] in titles | captions or (len(lines) > 1 and lines[-2] in captions))]
    assert ending == [], f"pages ending with a heading or a table's caption: {ending}"


@pytest.mark.parametrize("report", ["positioning", "portfolio"])
def test_no_near_empty_page(printed, report):
    _, pdf = printed[report]
    pages = page_lines(pdf)
    thin = [(n, len(lines)) for n, lines in enumerate(pages[:-1], start=1) if n > 1 and len(lines) < MIN_LINES]
    assert thin == [], f"pages with fewer than {MIN_LINES} lines: {thin}"


def test_title_page_and_summary_each_one_page(printed):
    _, pdf = printed["positioning"]
    pages = page_lines(pdf)
    assert "Fieldwork".upper() in " ".join(pages[0]).upper() and "Contents" in pages[0]
    assert pages[1][0] == "Executive summary"
    assert not any("Executive summary" == line for line in pages[2])
    assert pages[2][0] != "Corporate PMO"  # the summary's last PMO did not run over


def test_positioning_report_length(printed):
    # Korrin Regional Council, two PMOs: at most 18 pages, its roadmap on at most 3
    _, pdf = printed["positioning"]
    pages = page_lines(pdf)
    roadmap = section_pages(pages, "Recommendations roadmap", "Appendix")
    assert roadmap <= MAX_ROADMAP_PAGES, roadmap
    assert len(pages) <= MAX_PAGES, len(pages)


@pytest.mark.parametrize("report", ["positioning", "portfolio"])
def test_text_printed_at_full_size(printed, report):
    # Chromium shrinks every page to fit the widest element: a table wider than the page would print the whole
    # report at two thirds size (body text about 6 pt instead of 9)
    _, pdf = printed[report]
    sizes = text_sizes(pdf)
    assert any(abs(size - BODY_PT) < 0.2 for page in sizes for size in page), "no text at the body size"
    small = [(n, page.most_common(1)[0][0]) for n, page in enumerate(sizes, start=1)
             if page and page.most_common(1)[0][0] < 7.0]
    assert small == [], f"pages whose text is mostly under 7 pt (the PDF is scaled down): {small}"


def test_a_table_wider_than_the_page_does_not_shrink_the_pdf(tmp_path):
    from pmo_workbench.reports.pdf import PdfPrinter, find_chromium

    if find_chromium() is None:
        pytest.skip("needs Chromium (apt-get install chromium)")
    cells = "".join(f'<th style="white-space:nowrap">Programme Management Office number {n} percentile</th>'
                    for n in range(8))
    page = tmp_path / "wide.html"
    page.write_text(f'<html><body><p style="font-size:12pt">Body text</p><table><tr>{cells}</tr></table>'
                    "</body></html>", encoding="utf-8")
    with PdfPrinter() as printer:
        printer.print_pdf(page, tmp_path / "wide.pdf")
    sizes = text_sizes(tmp_path / "wide.pdf")[0]
    assert max(sizes) == pytest.approx(12.0, abs=0.2), sizes
