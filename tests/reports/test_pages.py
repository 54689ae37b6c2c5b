"""The printed pages of the sample reports: no heading left alone at the foot of a page, no near-empty page,
and the length a client will accept (Korrin Regional Council's positioning report).

Renders Korrin's positioning and portfolio reports to PDF with Chromium, reads each page's text with pypdf
and compares it with the headings of the HTML page.
"""

from __future__ import annotations

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
