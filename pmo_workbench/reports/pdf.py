"""Printing report pages to A4 PDF in headless Chromium (Playwright), one browser per batch."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .._io import atomic_path
from ..errors import MissingExtraError, PdfUnavailableError, ReportError

CHROMIUM_ENV = "PMO_WORKBENCH_CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium", "chromium", "chromium-browser",
                       "google-chrome")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pdf_problem() -> str | None:
    """Why PDF cannot be printed here (the ``pdf`` extra or Chromium missing), or ``None`` when it can."""
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return str(MissingExtraError("pdf", "PDF printing", "playwright"))
    return None if find_chromium() else _NO_CHROMIUM


def find_chromium() -> str | None:
    """The Chromium binary to print PDFs with: ``$PMO_WORKBENCH_CHROMIUM``, else Debian's, else on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in CHROMIUM_CANDIDATES:
        found = candidate if os.path.isabs(candidate) and Path(candidate).is_file() else shutil.which(candidate)
        if found:
            return found
    return None


_NO_CHROMIUM = ("PDF needs a Chromium browser and none was found. Install Debian's package "
                "(apt-get update && apt-get install chromium) or set PMO_WORKBENCH_CHROMIUM to a Chromium "
                "binary; HTML reports do not need it.")


PRINT_WIDTH_PX = 695
"""The printable width of an A4 page with the report's margins (210 mm less 2 x 13 mm), in CSS pixels."""

_FIT_WIDE_TABLES = """(width) => {
  const fitted = [];
  for (const table of document.querySelectorAll('table')) {
    const wide = () => table.getBoundingClientRect().width > width + 1;
    const before = table.style.width;
    table.style.width = width + 'px';  // a table cannot be narrower than its content: measure it at the page width
    if (wide()) {
      let size = parseFloat(getComputedStyle(table).fontSize);
      while (wide() && size > 8) { size -= 0.5; table.style.fontSize = size + 'px'; }
      if (wide()) {
        table.style.tableLayout = 'fixed';
        for (const cell of table.querySelectorAll('th, td')) {
          cell.style.whiteSpace = 'normal'; cell.style.overflowWrap = 'anywhere';
        }
      }
      fitted.push((table.caption || table.rows[0] || {}).textContent || '');
    }
    table.style.width = before;
  }
  return fitted;
}"""
"""Shrinks the text of a table wider than the page (down to 8 px), then wraps its cells anywhere: Chromium would
otherwise shrink every page of the PDF to fit the widest element."""


def footer_template(text: str | None) -> str:
    """Chromium's footer for every printed page: ``text`` (the report's footer line: whose report, what, the
    confidentiality and the draft marker; escaped here) on the left, at most two lines, and "n / N" on the right.

    >>> "Korrin &amp; Co · Confidential" in footer_template("Korrin & Co · Confidential")
    True
    """
    import html

    line = ("" if not text else
            '<span style="flex:1;overflow:hidden;display:-webkit-box;-webkit-line-clamp:2;'
            f'-webkit-box-orient:vertical">{html.escape(" ".join(text.split()))}</span>')
    return ('<div style="font-size:7px;width:100%;margin:0 13mm;display:flex;gap:12px;align-items:flex-end;'
            f'color:#5b6473;font-family:Helvetica,Arial,sans-serif">{line}'
            '<span style="margin-left:auto;white-space:nowrap"><span class="pageNumber"></span> / '
            '<span class="totalPages"></span></span></div>')


def _page_footer(page) -> str | None:
    """The text of the report's footer line (``footer.page-footer``), or ``None`` when the page has none."""
    footer = page.locator("footer.page-footer")
    return footer.first.text_content() if footer.count() else None


class PdfPrinter:
    """Prints report pages to A4 PDF with one headless Chromium, reused for every page.

    >>> with PdfPrinter() as printer:                         # doctest: +SKIP
    ...     printer.print_pdf("report.html", "report.pdf")
    """

    def __init__(self, executable: str | None = None, *, timeout_ms: int = 60_000, chart_timeout_ms: int = 15_000):
        self.executable = executable or find_chromium()
        self.timeout_ms = timeout_ms
        self.chart_timeout_ms = chart_timeout_ms
        self._pw = None
        self._browser = None

    def __enter__(self) -> PdfPrinter:
        if not self.executable:
            raise PdfUnavailableError(_NO_CHROMIUM)
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise PdfUnavailableError(str(MissingExtraError("pdf", "PDF printing", "playwright"))) from None

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=self.executable, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            self._pw.stop()
            raise PdfUnavailableError(f"Chromium at {self.executable} did not start ({str(exc).splitlines()[0]}). "
                                      + _NO_CHROMIUM) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def print_pdf(self, html_path: str | Path, pdf_path: str | Path, *, charts: int | None = None) -> Path:
        """Open the page offline, wait for its charts, print it to ``pdf_path`` (atomically).

        With ``charts``, a page showing another number of charts (a page cut short) is refused.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        context = self._browser.new_context()
        try:
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                          else route.abort())
            page = context.new_page()
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load", timeout=self.timeout_ms)
            try:
                page.wait_for_function("document.documentElement.dataset.charts === 'ready'",
                                       timeout=self.chart_timeout_ms)
            except PlaywrightTimeout:
                pass  # the static SVG charts are in the page already: print those
            shown = page.locator("figure.pmo-chart svg").count()
            if charts is not None and shown < charts:
                raise ReportError(f"{Path(html_path).name}: the page shows {shown} of its {charts} charts")
            page.emulate_media(media="print")
            page.evaluate(_FIT_WIDE_TABLES, PRINT_WIDTH_PX)
            with atomic_path(pdf_path) as tmp:
                page.pdf(path=str(tmp), format="A4", print_background=True, prefer_css_page_size=True,
                         display_header_footer=True, header_template="<div></div>",
                         footer_template=footer_template(_page_footer(page)))
        finally:
            context.close()
        return Path(pdf_path)
