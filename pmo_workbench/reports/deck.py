"""Slide decks (PowerPoint, python-pptx) of the reports (one ``deck_<kind>.py`` module per kind of report).

A deck is built in the report engine's worker from what the executed notebook recorded
(:func:`~pmo_workbench.reports.records.read_records`: the ``deck`` record of :mod:`pmo_workbench.reports.slides`
and the report's other records) and, for the charts too complex for PowerPoint's own, the notebook's Vega-Lite
specs rendered to PNG by vl-convert. Bar and radar charts are native charts a consultant can edit. Slides use the
master's layouts by name ("Title Slide", "Title Only"), so a consultancy's own master (the ``deck`` field of its
branding file) replaces ``templates/report/deck.pptx``. Text is sized to fit its box from font metrics
(:mod:`.deck_text`), shortened where it cannot, and every text frame also shrinks on overflow.

python-pptx writes XML safely: names and comments go in as plain text, nothing is escaped twice, and a text
starting with ``=`` is text (a slide has no formulas).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..i18n import _
from ..resources import templates_dir
from .branding import Branding
from .deck_text import (EMU_PER_PT, INSET_X, LINE, axis_format, fieldwork_text, more_in_report, needed_height,
                        one_stop, shorten, text_width, wrap)
from .records import CHART_MIME, VEGALITE_VERSION, locale_options

MAX_SLIDES = 14
MIN_SLIDES = 8
PALETTE = ("1F4E79", "C55A11", "548235", "7030A0", "BF9000", "2E75B6", "A5A5A5", "843C0C")
RAG_COLOURS = {"red": "C00000", "amber": "FFC000", "green": "70AD47", "check_estimate": "5B9BD5"}
INK, MUTED = "1F2A37", "5F6B7A"
DRAFT_COLOUR = "B01E1E"
FOOTER_PT = 9
FOOTER_ROOM = 1.2
"""The footer's text is measured this much wider than the estimate: LibreOffice's fonts run wider."""
NO_LIMIT = 1_000
"""A cell's line limit meaning "never shortened"."""
TABLE_LINE = 1.25
"""Line height in table cells, as a multiple of the font size (a little more than in text boxes)."""


def default_master() -> Path:
    """The slide master every deck is built on unless the branding file names another."""
    return templates_dir() / "report" / "deck.pptx"


# --- the notebook's charts ---------------------------------------------------------------------

@dataclass(frozen=True)
class NotebookChart:
    """A chart an executed notebook showed: its ``name`` (``show.chart(..., name=)``), caption and spec."""

    name: str | None
    caption: str
    spec: Mapping[str, Any]


def notebook_charts(nb: Any) -> list[NotebookChart]:
    """Every chart of an executed notebook, in order."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            chart = output.get("data", {}).get(CHART_MIME)
            if chart is not None:
                name = (output.get("metadata") or {}).get("name")
                found.append(NotebookChart(name, chart.get("caption") or "", chart["spec"]))
    return found


def pick_charts(charts: Sequence[NotebookChart], name: str, caption_start: str = "") -> list[NotebookChart]:
    """The charts named ``name`` (or ``name/...``), else those whose caption starts with ``caption_start``."""
    named = [c for c in charts if c.name == name or (c.name or "").startswith(f"{name}/")]
    if named or not caption_start:
        return named
    return [c for c in charts if c.caption.startswith(caption_start)]


def chart_png(spec: Mapping[str, Any]) -> bytes:
    """A Vega-Lite spec as a PNG at twice the size (vl-convert, offline)."""
    import vl_convert

    return vl_convert.vegalite_to_png(dict(spec), scale=2, vl_version=VEGALITE_VERSION, **locale_options())


# --- the deck ----------------------------------------------------------------------------------

class Deck:
    """A presentation being built on a master, with the house helpers for text, tables and charts."""

    def __init__(self, branding: Branding | None = None, *, footer: str = "", mark: str = "") -> None:
        from pptx import Presentation

        self.branding = branding or Branding()
        master = getattr(self.branding, "deck", None) or default_master()
        self.prs = Presentation(str(master))
        self._drop_sample_slides()
        self.width, self.height = int(self.prs.slide_width), int(self.prs.slide_height)
        self.margin = int(self.width * 0.0375)
        self.footer = footer
        self.mark = mark
        colour = (self.branding.colour or "").lstrip("#")
        self.palette = ((colour.upper(),) if colour else ()) + PALETTE

    def _drop_sample_slides(self) -> None:
        """A consultancy's master may hold example slides: the deck starts empty."""
        slides = self.prs.slides._sldIdLst  # noqa: SLF001 - python-pptx has no public way to remove a slide
        for entry in list(slides):
            self.prs.part.drop_rel(entry.rId)
            slides.remove(entry)

    def layout(self, *names: str):
        """The first layout of the master named one of ``names``; else the master's last-but-one layout."""
        layouts = self.prs.slide_layouts
        for name in names:
            for layout in layouts:
                if layout.name.lower() == name.lower():
                    return layout
        return layouts[min(5, len(layouts) - 1)]

    # -- slides --
    def slide(self, title: str, *, layout: tuple[str, ...] = ("Title Only", "Title and Content")):
        """A new slide with ``title``; its content area is :attr:`body` (left, top, width, height)."""
        slide = self.prs.slides.add_slide(self.layout(*layout))
        for shape in list(slide.placeholders):
            if shape.placeholder_format.idx != 0:
                shape._element.getparent().remove(shape._element)  # noqa: SLF001 - empty placeholders show prompts
        title_shape = slide.shapes.title
        if title_shape is None:
            title_shape = slide.shapes.add_textbox(self.margin, int(self.height * 0.04), self.width - 2 * self.margin,
                                                   int(self.height * 0.12))
        lines = 2
        if self._sidebar(title_shape):  # a title down one side: horizontal text, as many lines as it holds
            body_pr = title_shape.text_frame._txBody.bodyPr  # noqa: SLF001 - no public access to the direction
            body_pr.set("vert", "horz")
            lines = max(2, min(8, int(title_shape.height / EMU_PER_PT // (18 * LINE)) - 1))
        self.fill(title_shape, [title], max_pt=28, min_pt=18, bold=True, colour=INK, lines=lines)
        self.body = self._body_below(title_shape)
        self._footer(slide)
        return slide

    def body_box(self, layout: tuple[str, ...] = ("Title Only", "Title and Content")) -> tuple[int, int, int, int]:
        """The content area a slide of ``layout`` will have (as :attr:`body` after :meth:`slide`)."""
        title = next((p for p in self.layout(*layout).placeholders if p.placeholder_format.idx == 0), None)
        return self._body_below(title)

    def _sidebar(self, title) -> bool:
        """Whether the master's title runs down one side of the slide rather than across its top."""
        return title is not None and title.height > self.height * 0.4 and title.width < self.width * 0.5

    def _body_below(self, title) -> tuple[int, int, int, int]:
        """The content area: below a title across the top; beside a title down one side."""
        if self._sidebar(title):
            gap = self.margin // 2
            if title.left + title.width / 2 < self.width / 2:
                left, right = int(title.left + title.width) + gap, self.width - self.margin
            else:
                left, right = self.margin, int(title.left) - gap
            top = int(self.height * 0.06)
            return (left, top, right - left, int(self.height * 0.92) - top)
        bottom = int(title.top + title.height) if title is not None else int(self.height * 0.16)
        top = max(bottom, int(self.height * 0.16)) + int(self.height * 0.02)
        return (self.margin, top, self.width - 2 * self.margin, int(self.height * 0.92) - top)

    def _footer(self, slide) -> None:
        """The footer: organisation and confidentiality on the left (shortened to one line), the draft marker
        and the slide number in a box of their own on the right, never cut."""
        from pptx.enum.text import MSO_AUTO_SIZE, PP_ALIGN

        number = str(len(self.prs.slides))
        top, height = int(self.height * 0.935), int(self.height * 0.05)
        runs = [(f"{self.mark} · ", True, DRAFT_COLOUR)] if self.mark else []
        runs.append((number, False, MUTED))
        need = sum(text_width(t, FOOTER_PT, bold=b) for t, b, _ in runs) + 2 * INSET_X
        right_w = int(need * FOOTER_ROOM * EMU_PER_PT)
        box = slide.shapes.add_textbox(self.width - self.margin - right_w, top, right_w, height)
        frame = box.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.RIGHT
        for text, bold, colour in runs:
            run = paragraph.add_run()
            run.text = text
            run.font.size = _pt(FOOTER_PT)
            run.font.bold = bold
            run.font.color.rgb = _rgb(colour)
        if self.footer:
            width = self.width - 2 * self.margin - right_w
            room = (width / EMU_PER_PT - 2 * INSET_X) / FOOTER_ROOM
            left = slide.shapes.add_textbox(self.margin, top, width, height)
            self.fill(left, [shorten(self.footer, FOOTER_PT, room, 1)], max_pt=FOOTER_PT, min_pt=FOOTER_PT,
                      colour=MUTED)

    # -- text --
    def text(self, slide, box: tuple[int, int, int, int], paragraphs: Sequence[str | tuple[str, dict]], *,
             max_pt: float = 18, min_pt: float = 11, bullets: bool = False, colour: str = INK):
        """A text box in ``box`` holding ``paragraphs`` at the largest size that fits (else shortened)."""
        shape = slide.shapes.add_textbox(*box)
        self.fill(shape, paragraphs, max_pt=max_pt, min_pt=min_pt, bullets=bullets, colour=colour)
        return shape

    def fill(self, shape, paragraphs: Sequence[str | tuple[str, dict]], *, max_pt: float = 18, min_pt: float = 11,
             bullets: bool = False, bold: bool = False, colour: str = INK, lines: int | None = None) -> None:
        """Put ``paragraphs`` in ``shape``'s text frame, sized to fit its box; shrink on overflow is set too.

        A paragraph is a string or ``(text, {"bold": bool, "scale": float, "colour": "RRGGBB"})``.
        """
        from pptx.enum.text import MSO_AUTO_SIZE

        items = [(p, {}) if isinstance(p, str) else (p[0], dict(p[1])) for p in paragraphs]
        items = [((("• " if bullets else "") + one_stop(str(t))), {"bold": bold, **s}) for t, s in items]
        width_pt = int(shape.width) / EMU_PER_PT
        height_pt = int(shape.height) / EMU_PER_PT
        room = width_pt - 2 * INSET_X
        if lines is not None:  # a title or a footer: a few lines at most
            items = [(shorten(t, min_pt * s.get("scale", 1), room, lines, bold=s["bold"]), s) for t, s in items]
        size, items = _fit(items, width_pt, height_pt, max_pt, min_pt)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        frame.clear()
        for i, (text, style) in enumerate(items):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            if i and len(items) > 1:
                paragraph.space_before = _pt(size * 0.4)
            run = paragraph.add_run()
            run.text = text
            font = run.font
            font.size = _pt(size * style.get("scale", 1))
            font.bold = bool(style.get("bold"))
            font.color.rgb = _rgb(style.get("colour") or colour)

    # -- tables --
    def table(self, slide, box: tuple[int, int, int, int], header: Sequence[str], rows: Sequence[Sequence[str]],
              widths: Sequence[float], *, pt: float = 12, min_pt: float = 9,
              max_lines: int | Sequence[int | None] = 4):
        """A table in ``box``: column ``widths`` are shares of its width; rows that do not fit are left out
        (the last row then says how many); cells are shortened to ``max_lines`` lines (one limit, or one per
        column, ``None`` for none)."""
        left, top, width, height = box
        col_pt = [width * w / sum(widths) / EMU_PER_PT for w in widths]
        limits = _limits(max_lines, len(header))
        rows = [[str(c) for c in r] for r in rows]
        for size in _sizes(pt, min_pt):
            kept = len(_page_rows(header, rows, col_pt, size, 0.92 * height / EMU_PER_PT, limits))
            if kept == len(rows):
                break
        shown = rows[:kept] if kept == len(rows) else rows[:max(kept - 1, 0)]
        if kept < len(rows):
            rest = len(rows) - len(shown)
            shown = [*shown, [more_in_report(rest), *[""] * (len(header) - 1)]]
        graphic = slide.shapes.add_table(len(shown) + 1, len(header), left, top, width,
                                         int(height * 0.1)).table
        for j, share in enumerate(widths):
            graphic.columns[j].width = int(width * share / sum(widths))
        for i, row in enumerate([list(header), *shown]):
            texts = _cut_row(row, col_pt, size, limits, i == 0)
            graphic.rows[i].height = int(_row_height(texts, col_pt, size, i == 0) * EMU_PER_PT)
            for j, text in enumerate(texts):
                cell = graphic.cell(i, j)
                cell.text_frame.word_wrap = True
                cell.text_frame.text = ""
                run = cell.text_frame.paragraphs[0].add_run()
                run.text = text
                run.font.size = _pt(size)
                run.font.bold = i == 0
        return graphic

    def table_pages(self, box: tuple[int, int, int, int], header: Sequence[str], rows: Sequence[Sequence[str]],
                    widths: Sequence[float], *, pt: float = 12, min_pt: float = 9,
                    max_lines: int | Sequence[int | None] = 4) -> tuple[float, list[list[list[str]]]]:
        """``rows`` split into pages of tables that each fit ``box`` whole: ``(font size, pages)``, the largest
        size that needs the fewest pages (draw each page with :meth:`table` at that size)."""
        width, height = box[2], box[3]
        col_pt = [width * w / sum(widths) / EMU_PER_PT for w in widths]
        limits = _limits(max_lines, len(header))
        rows = [[str(c) for c in r] for r in rows]
        best: tuple[float, list[list[list[str]]]] | None = None
        for size in _sizes(pt, min_pt):
            pages, rest = [], rows
            while rest:
                kept = max(1, len(_page_rows(header, rest, col_pt, size, 0.92 * height / EMU_PER_PT, limits)))
                pages.append(rest[:kept])
                rest = rest[kept:]
            if best is None or len(pages) < len(best[1]):
                best = (size, pages)
        if best is None:
            return float(pt), []
        size, pages = best
        per = -(-len(rows) // max(1, len(pages)))  # the same number of rows on every page, when they fit
        even = [rows[i:i + per] for i in range(0, len(rows), per)]
        if len(even) == len(pages) and all(
                len(_page_rows(header, page, col_pt, size, 0.92 * height / EMU_PER_PT, limits)) == len(page)
                for page in even):
            pages = even
        return size, pages

    # -- charts --
    def bar_chart(self, slide, box, categories: Sequence[str], series: Mapping[str, Sequence[float | None]], *,
                  kind: str = "clustered", number_format: str = "0", maximum: float | None = 100,
                  colours: Sequence[str] | None = None, legend: bool | None = None):
        """A native horizontal bar chart (clustered or stacked), first category on top."""
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

        data = _text_chart_data()(number_format=number_format)
        data.categories = list(categories)
        for name, values in series.items():
            data.add_series(name, list(values))
        chart_type = XL_CHART_TYPE.BAR_STACKED if kind == "stacked" else XL_CHART_TYPE.BAR_CLUSTERED
        chart = slide.shapes.add_chart(chart_type, *box, data).chart
        chart.has_title = False
        chart.category_axis.reverse_order = True
        chart.category_axis.tick_labels.font.size = _pt(11 if len(categories) <= 10 else 9)
        value_axis = chart.value_axis
        value_axis.minimum_scale = 0
        if maximum is not None:
            value_axis.maximum_scale = maximum
        value_axis.has_major_gridlines = True
        value_axis.tick_labels.font.size = _pt(10)
        value_axis.tick_labels.number_format = axis_format(number_format)
        value_axis.tick_labels.number_format_is_linked = False
        chart.has_legend = len(series) > 1 if legend is None else legend
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
            chart.legend.font.size = _pt(11)
        self._colour(chart, colours)
        if kind != "stacked":
            chart.plots[0].gap_width = 60
            chart.plots[0].overlap = 0 if len(series) > 1 else 0
        return chart

    def radar_chart(self, slide, box, categories: Sequence[str], series: Mapping[str, Sequence[float | None]]):
        """A native radar chart of 0-100 scores, one series per PMO."""
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION

        data = _text_chart_data()(number_format="0")
        data.categories = list(categories)
        for name, values in series.items():
            data.add_series(name, list(values))
        chart = slide.shapes.add_chart(XL_CHART_TYPE.RADAR_MARKERS, *box, data).chart
        chart.has_title = False
        chart.value_axis.minimum_scale, chart.value_axis.maximum_scale = 0, 100
        chart.value_axis.tick_labels.font.size = _pt(9)
        chart.category_axis.tick_labels.font.size = _pt(10)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = _pt(11)
        self._colour(chart, None, line=True)
        return chart

    def _colour(self, chart, colours: Sequence[str] | None, *, line: bool = False) -> None:
        for i, series in enumerate(chart.plots[0].series):
            colour = _rgb((colours or self.palette)[i % len(colours or self.palette)])
            if line:
                series.format.line.color.rgb = colour
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour

    def picture(self, slide, box, png: bytes, *, align: int = 0):
        """A picture (PNG, JPEG or GIF) fitted inside ``box``, aspect kept: centred, or against the box's left
        (``align=-1``) or right (``1``) side."""
        from PIL import Image

        left, top, width, height = box
        with Image.open(io.BytesIO(png)) as image:
            w, h = image.size
        scale = min(width / w, height / h)
        pw, ph = int(w * scale), int(h * scale)
        x = left + {-1: 0, 1: width - pw}.get(align, (width - pw) // 2)
        return slide.shapes.add_picture(io.BytesIO(png), x, top + (height - ph) // 2, pw, ph)

    def logos(self, slide, engagement: Mapping[str, Any]) -> None:
        """The client's logo top left and the consultancy's top right of the title slide: the engagement's
        (``data:`` URIs), the consultancy's from the branding file when the engagement gives none."""
        from .document import logo_image

        client = logo_image(engagement.get("client_logo"))
        consultancy = logo_image(engagement.get("consultancy_logo")) or logo_image(self.branding.logo)
        width, height = int(self.width * 0.2), int(self.height * 0.1)
        for data, left, name in ((client, self.margin, _("Client logo")),
                                 (consultancy, self.width - self.margin - width, _("Consultancy logo"))):
            if data is not None:
                self.picture(slide, (left, self.margin // 2, width, height), data, align=-1 if left == self.margin
                             else 1).name = name

    def save(self, path: str | Path) -> Path:
        self.prs.save(str(path))
        return Path(path)


@cache
def _text_chart_data():
    """python-pptx's category chart data whose embedded workbook (what "Edit Data" opens in Excel) holds every
    name as text: xlsxwriter would otherwise turn a PMO or category named ``=cmd|...`` into a live formula."""
    from contextlib import contextmanager

    from pptx.chart.data import CategoryChartData
    from pptx.chart.xlsx import CategoryWorkbookWriter
    from xlsxwriter import Workbook

    class TextWorkbookWriter(CategoryWorkbookWriter):
        @contextmanager
        def _open_worksheet(self, xlsx_file):
            workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
            worksheet = workbook.add_worksheet()
            yield workbook, worksheet
            workbook.close()

    class TextChartData(CategoryChartData):
        @property
        def _workbook_writer(self):
            return TextWorkbookWriter(self)

    return TextChartData


def _sizes(max_pt: float, min_pt: float) -> list[float]:
    sizes, size = [], float(max_pt)
    while size > min_pt:
        sizes.append(size)
        size -= 1 if size <= 14 else 2
    return [*sizes, float(min_pt)]


def _fit(items, width_pt: float, height_pt: float, max_pt: float, min_pt: float):
    """The largest size at which ``items`` fit; at the smallest, paragraphs are dropped then shortened."""
    def need(size, entries):
        return needed_height([(t, size * s.get("scale", 1), s["bold"], size * 0.4 if i else 0)
                              for i, (t, s) in enumerate(entries)], width_pt)

    for size in _sizes(max_pt, min_pt):
        if need(size, items) <= height_pt:
            return size, items
    size = min_pt
    items = list(items)
    dropped = 0
    while len(items) > 1 and need(size, items) > height_pt:
        items.pop()
        dropped += 1
        note = (more_in_report(dropped), {"bold": False, "scale": 0.9})
        if need(size, [*items, note]) <= height_pt:
            return size, [*items, note]
    room = width_pt - 2 * INSET_X
    text, style = items[0]
    lines = max(1, int((height_pt - 2 * 3.6) // (size * style.get("scale", 1) * LINE)))
    return size, [(shorten(text, size * style.get("scale", 1), room, lines, bold=style["bold"]), style)]


def _row_height(texts: Sequence[str], col_pt: Sequence[float], size: float, bold: bool) -> float:
    lines = max(len(wrap(t, size, w - 2 * INSET_X, bold=bold)) for t, w in zip(texts, col_pt))
    return lines * size * TABLE_LINE + 2 * 3.6 + 2


def _limits(max_lines: int | Sequence[int | None], columns: int) -> list[int]:
    if isinstance(max_lines, int):
        return [max_lines] * columns
    return [NO_LIMIT if n is None else int(n) for n in max_lines]


def _cut_row(row: Sequence[str], col_pt: Sequence[float], size: float, limits: Sequence[int], bold: bool) -> list[str]:
    return [c if limits[j] >= NO_LIMIT else shorten(c, size, col_pt[j] - 2 * INSET_X, limits[j], bold=bold)
            for j, c in enumerate(row)]


def _page_rows(header, rows, col_pt, size: float, height_pt: float, limits) -> list[list[str]]:
    """The first of ``rows`` that fit under ``header`` in ``height_pt``."""
    used = _row_height(_cut_row(header, col_pt, size, limits, True), col_pt, size, True)
    kept = []
    for row in rows:
        h = _row_height(_cut_row(row, col_pt, size, limits, False), col_pt, size, False)
        if used + h > height_pt:
            break
        used += h
        kept.append(row)
    return kept


def _pt(value: float):
    from pptx.util import Pt

    return Pt(round(value * 2) / 2)


def _rgb(hex_colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#").upper())


# --- shared slides -----------------------------------------------------------------------------

def no_deck_record(organisation: str, report: str) -> ReportError:
    """The error of a report whose notebook recorded nothing for its deck (an analyst's copy without the cell)."""
    return ReportError(f"{organisation}: the report recorded nothing for its slide deck (no 'deck' record of a "
                       f"{report} report): its notebook needs the final cell that records it, or leave pptx out of "
                       "the formats", organisation)


def engagement_of(records: Mapping[str, Any]) -> dict[str, Any]:
    """The ``engagement`` record when it is a mapping (it may be missing, or of an older shape)."""
    engagement = records.get("engagement")
    return dict(engagement) if isinstance(engagement, Mapping) else {}


def footer_text(organisation: str, engagement: Mapping[str, Any]) -> str:
    """The footer's text on every slide but the title: the client's name (the engagement's, else the
    organisation) and the confidentiality line (the draft
    marker, :func:`footer_mark`, has a box of its own so that a long name never cuts it)."""
    parts = [str(engagement.get("client") or organisation)]
    if engagement.get("confidentiality"):
        parts.append(str(engagement["confidentiality"]))
    return " · ".join(parts)


def footer_mark(engagement: Mapping[str, Any]) -> str:
    """``"DRAFT"`` for a draft, else nothing: shown beside the slide number on every slide."""
    return _("DRAFT") if engagement.get("draft") else ""


def title_slide(deck: Deck, title: str, organisation: str, engagement: Mapping[str, Any], *,
                subject: str | None = None, when: str | None = None) -> None:
    """The title slide: report title; organisation, what it covers, fieldwork or status date, who it is prepared
    for and by, confidentiality, version or draft marker."""
    slide = deck.prs.slides.add_slide(deck.layout("Title Slide", "Title"))
    placeholders = {p.placeholder_format.idx: p for p in slide.placeholders}
    for idx, shape in list(placeholders.items()):
        if idx not in (0, 1):
            shape._element.getparent().remove(shape._element)  # noqa: SLF001 - no empty date or footer prompts
    heading = placeholders.get(0) or slide.shapes.add_textbox(deck.margin, int(deck.height * 0.3),
                                                              deck.width - 2 * deck.margin, int(deck.height * 0.2))
    deck.fill(heading, [title], max_pt=40, min_pt=24, bold=True, lines=2)
    when = when or fieldwork_text(engagement.get("fieldwork"))
    client = engagement.get("client") or organisation
    consultancy = engagement.get("consultancy") or deck.branding.consultancy
    version = engagement.get("version")
    lines: list[Any] = [(str(client), {"bold": True, "scale": 1.25})]
    lines += [text for text in (
        subject, when,
        _("Prepared for {client}").format(client=engagement["prepared_for"]) if engagement.get("prepared_for")
        else None,
        _("Prepared by {consultancy}").format(consultancy=consultancy) if consultancy else None,
        engagement.get("confidentiality") or None,
        " · ".join(str(p) for p in (_("Version {version}").format(version=version) if version else None,
                                    _("DRAFT") if engagement.get("draft") else None) if p) or None,
    ) if text]
    body = placeholders.get(1) or slide.shapes.add_textbox(deck.margin, int(deck.height * 0.55),
                                                           deck.width - 2 * deck.margin, int(deck.height * 0.35))
    deck.fill(body, lines, max_pt=18, min_pt=11, colour=MUTED)
    deck.logos(slide, engagement)


def bullets_slide(deck: Deck, title: str, items: Sequence[str], *, note: str | None = None) -> None:
    """A slide of bullet points (at most a handful; longer lists are cut with a pointer to the report)."""
    slide = deck.slide(title)
    left, top, width, height = deck.body
    note_h = int(height * 0.12) if note else 0
    deck.text(slide, (left, top, width, height - note_h), list(items) or [_("Nothing to report.")], max_pt=20,
              min_pt=13, bullets=True)
    if note:
        deck.text(slide, (left, top + height - note_h, width, note_h), [note], max_pt=11, min_pt=9, colour=MUTED)


# --- from a report to a deck -------------------------------------------------------------------

def build_deck(report: str, records: Mapping[str, Any], *, organisation: str, branding: Branding | None = None,
               charts: Sequence[NotebookChart] = (), title: str | None = None) -> Deck:
    """The deck of a rendered report (a kind of :data:`~.spec.REPORTS`), from its records and charts."""
    from .deck_competency import competency_deck
    from .deck_portfolio import portfolio_deck
    from .deck_positioning import positioning_deck
    from .deck_progress import progress_deck
    from .deck_tags import tag_deck
    from .spec import report_title

    build = {"portfolio": portfolio_deck, "progress": progress_deck}.get(report, positioning_deck)
    build = competency_deck if report in ("competency", "profile") else build
    deck = build(records, organisation=organisation, branding=branding, charts=charts, title=title)
    tag_deck(deck, title=title or report_title(report), organisation=organisation, engagement=engagement_of(records))
    return deck


def write_deck(nb: Any, report: str, path: str | Path, *, organisation: str, branding: Branding | None = None,
               title: str | None = None) -> Path:
    """Build the deck of an executed report notebook and save it at ``path``."""
    from .records import read_records

    deck = build_deck(report, read_records(nb), organisation=organisation, branding=branding,
                      charts=notebook_charts(nb), title=title)
    return deck.save(path)
