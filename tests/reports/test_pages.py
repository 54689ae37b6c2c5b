"""The printed pages of the sample reports: no heading left alone (or with only its introduction) at the foot of
a page, no page less than a third full, text at its full size, a footer on every page, and the length a client
will accept (Korrin Regional Council's positioning report).

Renders every sample organisation's positioning report and Korrin's portfolio report to PDF with Chromium (one
batch), reads each page's text and where it sits with pypdf and compares it with the headings of the HTML page.
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
INTRO_LINES = 4
"""Lines of a section's introduction: a heading this close to the foot of a page heads nothing on it."""
MAX_PAGES = 19
"""Korrin's two PMOs: 18 pages before the benchmark pool section, which adds a strip plot and a table per PMO."""
MAX_ROADMAP_PAGES = 3
FOOTER_PT = 14 * 72 / 25.4
"""The bottom margin (report.css ``@page``: 14 mm), in points: text below it is the printer's page footer."""
TOP_MARGIN_PT = 12 * 72 / 25.4
MIN_FILL = 1 / 3
"""Least share of a page's printable height that text must cover, on any page but the title page and the last."""
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
    # every sample organisation's positioning report and Korrin's portfolio report: one batch, two workers
    specs = [s for s in demo_specs()
             if s.report == "positioning" or (s.organisation, s.report) == (KORRIN, "portfolio")]
    result = run_batch(specs, out, ("html", "pdf"), jobs=2, force=True, index=False, progress=False)
    assert not result.failed, [o.error for o in result.failed]
    return {_key(o.organisation, o.report): (Path(o.files["html"]), Path(o.files["pdf"])) for o in result.outcomes}


def _key(organisation: str, report: str) -> str:
    return report if organisation == KORRIN else f"{organisation}/{report}"


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
    """Each page's non-empty text lines, without the footer the printer adds at the foot of every page."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        parts: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, parts=parts):
            parts.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text))

        page.extract_text(visitor_text=visit)
        body = "".join(text for y, text in parts if y > FOOTER_PT)
        lines = [" ".join(line.split()) for line in body.splitlines()]
        pages.append([line for line in lines if line and not _PAGE_NUMBER.match(line)])
    return pages


def footer_lines(pdf: Path) -> list[str]:
    """The text of each page's footer (below the bottom margin), its words joined by single spaces."""
    from pypdf import PdfReader

    footers = []
    for page in PdfReader(pdf).pages:
        parts: list[str] = []

        def visit(text, cm, tm, font, size, parts=parts):
            if tm[4] * cm[1] + tm[5] * cm[3] + cm[5] <= FOOTER_PT:
                parts.append(text)

        page.extract_text(visitor_text=visit)
        footers.append(" ".join("".join(parts).split()))
    return footers


def page_fill(pdf: Path) -> list[float]:
    """How much of each page's printable height its text covers: from the top margin down to the lowest line of
    body text (the footer left out), 0 to 1."""
    from pypdf import PdfReader

    fills = []
    for page in PdfReader(pdf).pages:
        top = float(page.mediabox.height) - TOP_MARGIN_PT
        lows: list[float] = []

        def visit(text, cm, tm, font, size, lows=lows):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and y > FOOTER_PT:
                lows.append(y)

        page.extract_text(visitor_text=visit)
        fills.append(0.0 if not lows else (top - min(lows)) / (top - FOOTER_PT))
    return fills


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


def _all_reports() -> list[str]:
    from pmo_workbench.reports.spec import demo_specs

    return [_key(s.organisation, s.report) for s in demo_specs()
            if s.report == "positioning" or (s.organisation, s.report) == (KORRIN, "portfolio")]


ALL = _all_reports()


def _known(failing: set[str], reason: str) -> list:
    """``ALL``, with the reports known to break a rule marked as such: strictly, so that a fix shows up."""
    return [pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=reason)) if r in failing else r for r in ALL]


# Known defects, kept visible rather than loosened: a section heading with its introduction still ends some pages
# ("Recommendations roadmap", "Data quality"), and a heat map page or the page before a wide chart is counted as
# under a third full by where its text ends. Since every sample report gained the benchmark pool section (a strip
# plot and a table per PMO), the pages after it fall differently: Vantellis' "Benchmark" heading and introduction end
# a page, and the page before a roadmap chart is under a third full in other reports than before. Taller chart rows
# for two-line labels (German dimension names) moved the breaks again: the Stellbrook sample lost its thin page,
# Aldergate's gained one. Harrowmoor's competency summary (empowerment role) pushes the last row of its roadmap table
# onto a page of its own, under a third full.
STRANDED = {"positioning", *(f"{org}/positioning" for org in (
    "Quillmere Events", "Aldergate Logistics", "Harrowmoor Water Services", "Stellbrook Pharmaceuticals",
    "Tiverlake University", "Vantellis Insurance Group"))}
THIN = {"portfolio", "Aldergate Logistics/positioning", "Quillmere Events/positioning",
        "Tiverlake University/positioning", "Harrowmoor Water Services/positioning"}


@pytest.mark.parametrize("report", ALL)
def test_no_page_ends_with_a_heading(printed, report):
    page, pdf = printed[report]
    titles = headings(page)
    # a table's caption (or its caption and header row) at the foot of a page heads nothing either
    captions = headings(page, r"<caption[^>]*>(.*?)</caption>")
    pages = page_lines(pdf)
    ending = [(n, lines[-1]) for n, lines in enumerate(pages[:-1], start=1)
              if lines and (lines[-1] in titles | captions or (len(lines) > 1 and lines[-2] in captions))]
    assert ending == [], f"pages ending with a heading or a table's caption: {ending}"


@pytest.mark.parametrize("report", _known(STRANDED, "a heading and its introduction end the page"))
def test_no_heading_with_only_its_intro_at_the_foot_of_a_page(printed, report):
    # a section heading followed by nothing but its introduction (a few lines) at the foot of a page, the chart
    # or table it introduces on the next: the heading must go over with them
    page, pdf = printed[report]
    titles = headings(page)
    pages = page_lines(pdf)
    stranded = [(n, lines[i]) for n, lines in enumerate(pages[:-1], start=1)
                for i in range(max(len(lines) - INTRO_LINES - 1, 1), len(lines) - 1) if lines[i] in titles]
    assert stranded == [], f"headings with only their intro at the foot of a page: {stranded}"


@pytest.mark.parametrize("report", _known(THIN, "a page is under a third full"))
def test_no_near_empty_page(printed, report):
    _, pdf = printed[report]
    fills = page_fill(pdf)
    thin = [(n, round(fill, 2)) for n, fill in enumerate(fills[:-1], start=1) if n > 1 and fill < MIN_FILL]
    assert thin == [], f"pages less than {MIN_FILL:.0%} full: {thin}"


def test_every_page_footer_says_whose_it_is_and_that_it_is_confidential(printed):
    page, pdf = printed["positioning"]
    footers = footer_lines(pdf)
    text = page.read_text(encoding="utf-8")
    confidentiality = re.search(r'<p class="confidentiality">(.*?)</p>', text, flags=re.S)
    assert confidentiality
    words = " ".join(html.unescape(confidentiality.group(1)).split())
    for n, footer in enumerate(footers, start=1):
        assert footer.startswith(KORRIN) and f"{n} / {len(footers)}" in footer, (n, footer)
        assert words[:40] in footer, (n, footer)


def test_title_page_and_summary_each_one_page(printed):
    _, pdf = printed["positioning"]
    pages = page_lines(pdf)
    assert "Fieldwork".upper() in " ".join(pages[0]).upper() and "Contents" in pages[0]
    assert pages[1][0] == "Executive summary"
    assert not any("Executive summary" == line for line in pages[2])
    assert pages[2][0] != "Corporate PMO"  # the summary's last PMO did not run over


def test_positioning_report_length(printed):
    # Korrin Regional Council, two PMOs: at most 19 pages, its roadmap on at most 3
    _, pdf = printed["positioning"]
    pages = page_lines(pdf)
    roadmap = section_pages(pages, "Recommendations roadmap", "Appendix")
    assert roadmap <= MAX_ROADMAP_PAGES, roadmap
    assert len(pages) <= MAX_PAGES, len(pages)


@pytest.mark.parametrize("report", ALL)
def test_text_printed_at_full_size(printed, report):
    # Chromium shrinks every page to fit the widest element: a table wider than the page would print the whole
    # report at two thirds size (body text about 6 pt instead of 9)
    # (a page of the item heat map is mostly small print of its own; the scaling is the same on every page)
    _, pdf = printed[report]
    sizes = text_sizes(pdf)
    assert any(abs(size - BODY_PT) < 0.2 for page in sizes for size in page), "no text at the body size"
    everything = sum(sizes, collections.Counter())
    assert everything.most_common(1)[0][0] >= 7.0, f"most text under 7 pt (the PDF is scaled down): {everything}"


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
