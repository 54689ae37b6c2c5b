"""The HTML of a report's outputs as Word paragraphs, lists and tables (python-docx).

Report notebooks show HTML fragments made by :mod:`pmo_workbench.notebook.show`
(headings, paragraphs, lists, tables, captions, tiles) and markdown cells. Both
are read here with the standard library's :class:`html.parser.HTMLParser`:
nothing is evaluated, ``<script>`` and ``<style>`` are dropped with their
contents, and every piece of text is added to the document as text (python-docx
escapes it), so a name like ``<script>&"`` or a comment starting with ``=``
arrives exactly as the HTML page shows it.

What becomes what (Word's built-in styles where Word has one, so a consultant
can restyle the whole document at once):

- ``h1``-``h4`` -> Heading 1-4; ``p`` -> Normal, ``p.caption`` -> Caption,
  ``p.lead`` -> Lead, ``p.note`` -> Note; ``div.callout`` -> Intense Quote;
- ``ul``/``ol``/``li`` -> List Bullet / List Number (2 and 3 when nested), every
  numbered list counting from 1 again;
- ``strong``/``b``, ``em``/``i``, ``code``, ``sub``/``sup``, ``br``; links keep their text;
- ``table`` -> a Word table in the Table Grid style with its header row
  repeated on every page, the brand colour behind it, numbers right-aligned,
  and its ``caption`` as a Caption paragraph above it;
- a ``div.tile`` (a headline figure) -> one paragraph: the value in bold, then its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor

HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
PARAGRAPH_CLASSES = {"caption": "Caption", "lead": "Lead", "note": "Note"}
CALLOUT_STYLE = "Intense Quote"
TABLE_STYLE = "Table Grid"
TABLE_TEXT = "Table Text"
TABLE_TEXT_NARROW = "Table Text Narrow"
NARROW_FROM_COLUMNS = 8
"""Tables with this many columns or more use the smaller table text."""
LONG_TEXT = 45
UPRIGHT_FROM = ("Heading 1", "Heading 2")
"""Headings that end a landscape section (of tables too wide for an upright page)."""
MIN_COLUMN = 3
_SKIPPED = {"script", "style", "template", "svg", "math", "head", "title"}
_BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "blockquote", "pre", "figure",
           "figcaption", "hr", "dl", "dt", "dd"}
_SPACE = re.compile(r"\s+")


@dataclass
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    sub: bool = False
    sup: bool = False
    br: bool = False


@dataclass
class _Cell:
    runs: list[_Run] = field(default_factory=list)
    header: bool = False
    number: bool = False
    span: int = 1


@dataclass
class _Table:
    rows: list[list[_Cell]] = field(default_factory=list)
    header_rows: int = 0
    caption: list[_Run] = field(default_factory=list)
    in_head: bool = False
    in_caption: bool = False


def _classes(attrs) -> set[str]:
    return set((dict(attrs).get("class") or "").split()) if attrs else set()


class HtmlWriter(HTMLParser):
    """Feed HTML; paragraphs, lists and tables are appended to ``document`` as they close.

    ``headings`` collects ``(level, text)`` of every heading written, for the table of contents.
    """

    def __init__(self, document, *, brand: str = "1F4E79", headings: list[tuple[int, str]] | None = None):
        super().__init__(convert_charrefs=True)
        self.document = document
        self.brand = brand
        self.headings = headings if headings is not None else []
        self._skip = 0
        self._para = None            # the paragraph being written
        self._pending_style = None   # the style of the next paragraph, made at its first text
        self._heading: int | None = None
        self._heading_text: list[str] = []
        self._inline = {"bold": 0, "italic": 0, "code": 0, "sub": 0, "sup": 0}
        self._lists: list[tuple[str, int | None]] = []  # ("ul" | "ol", numbering id of an ordered list)
        self._divs: list[set[str]] = []
        self._spans: list[bool] = []     # for each open span: is it a tile's value (bold)?
        self._table: _Table | None = None
        self._cell: _Cell | None = None
        self._space = False          # a separator is due before the next text (a tile's label)

    # --- paragraphs -------------------------------------------------------------------------

    def _default_style(self) -> str:
        if any("callout" in d for d in self._divs):
            return CALLOUT_STYLE
        return "Normal"

    def _close(self) -> None:
        """End the current paragraph (a heading is recorded for the contents)."""
        if self._para is not None and self._para.runs:
            last = self._para.runs[-1]
            last.text = last.text.rstrip(" ")
        if self._heading is not None and self._para is not None:
            text = _SPACE.sub(" ", "".join(self._heading_text)).strip()
            if text:
                self.headings.append((self._heading, text))
        self._para = None
        self._pending_style = None
        self._heading = None
        self._heading_text = []
        self._space = False

    def _start(self, style: str | None = None, heading: int | None = None) -> None:
        self._close()
        self._pending_style = style
        self._heading = heading

    def _paragraph(self):
        if self._para is None:
            style = self._pending_style or self._default_style()
            self._para = add_paragraph(self.document, style=style)
            if self._lists and style == "List Number":
                _number(self._para, self._lists[-1][1], level=0)
        return self._para

    def _add(self, text: str) -> None:
        """Add text (whitespace already collapsed) to the current cell or paragraph, as a browser would:
        no space at the start of a block or after another space."""
        if self._table is not None:
            target = self._table.caption if self._table.in_caption else (self._cell.runs if self._cell else None)
            if target is None:
                return
            text = self._spaced(text, not target or target[-1].text.endswith(" ") or target[-1].br)
            if text:
                target.append(_Run(text, **self._flags()))
            return
        runs = self._para.runs if self._para is not None else []
        text = self._spaced(text, not runs or runs[-1].text.endswith((" ", "\n")))
        if not text:
            return
        run = self._paragraph().add_run(text)
        flags = self._flags()
        if flags["bold"]:
            run.bold = True
        if flags["italic"]:
            run.italic = True
        if flags["code"]:
            run.font.name = "Consolas"
        if flags["sub"]:
            run.font.subscript = True
        if flags["sup"]:
            run.font.superscript = True
        if self._heading is not None:
            self._heading_text.append(text)

    def _spaced(self, text: str, after_space: bool) -> str:
        if after_space:
            text = text.lstrip(" ")
        elif self._space and not text.startswith(" "):
            text = " " + text
        self._space = False
        return text

    def _flags(self) -> dict[str, bool]:
        return {k: v > 0 for k, v in self._inline.items()}

    # --- the parser's callbacks ---------------------------------------------------------------

    def handle_starttag(self, tag, attrs):  # noqa: C901 - one branch per element kind
        if self._skip or tag in _SKIPPED:
            self._skip += tag in _SKIPPED
            return
        classes = _classes(attrs)
        if self._table is not None and tag in ("thead", "tbody", "tfoot", "tr", "th", "td", "caption", "table"):
            self._table_start(tag, attrs, classes)
        elif tag in HEADING_LEVELS:
            level = HEADING_LEVELS[tag]
            self._start(f"Heading {level}", heading=level)
        elif tag == "p":
            style = next((PARAGRAPH_CLASSES[c] for c in classes if c in PARAGRAPH_CLASSES), None)
            self._start(style)
        elif tag in ("ul", "ol"):
            self._close()
            self._lists.append((tag, _restart_numbering(self.document, _list_style("ol", 1))
                                if tag == "ol" else None))
        elif tag == "li":
            kind = self._lists[-1][0] if self._lists else "ul"
            self._start(_list_style(kind, len(self._lists)))
        elif tag == "table":
            self._close()
            self._table = _Table()
        elif tag == "div":
            self._close()
            self._divs.append(classes)
        elif tag in _BLOCKS:
            self._close()
        elif tag == "br":
            self._br()
        elif tag in ("strong", "b"):
            self._inline["bold"] += 1
        elif tag in ("em", "i"):
            self._inline["italic"] += 1
        elif tag in ("code", "kbd", "samp"):
            self._inline["code"] += 1
        elif tag in ("sub", "sup"):
            self._inline[tag] += 1
        elif tag == "span":
            self._spans.append("value" in classes)
            self._inline["bold"] += "value" in classes
            self._space = self._space or "label" in classes

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and not self._skip:
            self._br()
        elif tag not in ("img", "input", "meta", "link", "hr", "wbr"):
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag):  # noqa: C901 - one branch per element kind
        if self._skip:
            self._skip -= tag in _SKIPPED
            return
        if self._table is not None:
            self._table_end(tag)
        elif tag in HEADING_LEVELS or tag in ("p", "li"):
            self._close()
        elif tag in ("ul", "ol"):
            self._close()
            if self._lists:
                self._lists.pop()
        elif tag == "div":
            self._close()
            if self._divs:
                self._divs.pop()
        elif tag in _BLOCKS:
            self._close()
        elif tag in ("strong", "b"):
            self._inline["bold"] = max(0, self._inline["bold"] - 1)
        elif tag in ("em", "i"):
            self._inline["italic"] = max(0, self._inline["italic"] - 1)
        elif tag in ("code", "kbd", "samp"):
            self._inline["code"] = max(0, self._inline["code"] - 1)
        elif tag in ("sub", "sup"):
            self._inline[tag] = max(0, self._inline[tag] - 1)
        elif tag == "span" and self._spans and self._spans.pop():
            self._inline["bold"] = max(0, self._inline["bold"] - 1)

    def handle_data(self, data):
        if self._skip or not data:
            return
        self._add(_SPACE.sub(" ", data))

    def _br(self) -> None:
        if self._table is not None:
            if self._cell is not None:
                self._cell.runs.append(_Run("", br=True))
            self._space = False
            return
        self._paragraph().add_run().add_break()
        self._space = False

    def close(self):
        super().close()
        if self._table is not None:
            self._write_table(self._table)
            self._table = None
        self._close()

    # --- tables -----------------------------------------------------------------------------

    def _table_start(self, tag, attrs, classes) -> None:
        table = self._table
        if tag == "thead":
            table.in_head = True
        elif tag == "tbody":
            table.in_head = False
        elif tag == "tr":
            table.rows.append([])
            if table.in_head:
                table.header_rows = len(table.rows)
        elif tag in ("th", "td"):
            if not table.rows:
                table.rows.append([])
            span = dict(attrs).get("colspan") or "1"
            self._cell = _Cell(header=tag == "th" and (table.in_head or len(table.rows) <= table.header_rows),
                               number="num" in classes, span=int(span) if span.isdigit() else 1)
            table.rows[-1].append(self._cell)
            self._space = False
        elif tag == "caption":
            table.in_caption = True
            self._space = False

    def _table_end(self, tag) -> None:
        table = self._table
        if tag == "thead":
            table.in_head = False
        elif tag in ("th", "td"):
            self._cell = None
        elif tag == "caption":
            table.in_caption = False
        elif tag == "table":
            self._table = None
            self._cell = None
            self._write_table(table)

    def _write_table(self, table: _Table) -> None:
        rows = [r for r in table.rows if r]
        if rows:
            columns = max(sum(c.span for c in r) for r in rows)
            style = self.document.styles[TABLE_TEXT_NARROW if columns >= NARROW_FROM_COLUMNS else TABLE_TEXT]
            if minimum_width(rows, columns, style.font.size.pt) > portrait_width(self.document):
                orient(self.document, landscape=True)  # a table whose words cannot fit the page's width turns it
        if table.caption:
            para = add_paragraph(self.document, style="Caption")
            para.paragraph_format.keep_with_next = True
            _write_runs(para, table.caption)
        if not rows:
            return
        width = max(sum(c.span for c in r) for r in rows)
        grid = self.document.add_table(rows=len(rows), cols=width)
        grid.style = self.document.styles[TABLE_STYLE]
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        text_style = self.document.styles[TABLE_TEXT_NARROW if width >= NARROW_FROM_COLUMNS else TABLE_TEXT]
        style_id = text_style.style_id  # set directly: python-docx's look-up by name is slow
        widths = column_widths(rows, width, _text_width(self.document), text_style.font.size.pt)
        for column, size in zip(grid.columns, widths):
            column.width = size
        header_rows = table.header_rows or (1 if all(c.header for c in rows[0]) else 0)
        for index, (row, cells) in enumerate(zip(grid.rows, rows)):
            header = index < header_rows
            if header:
                _repeat_header(row)
            slots = row.cells
            position = 0
            for cell in cells:
                if position >= width:
                    break
                slot = slots[position]
                if cell.span > 1 and position + cell.span <= width:
                    slot = slot.merge(slots[position + cell.span - 1])
                position += cell.span
                para = slot.paragraphs[0]
                para._p.style = style_id
                if cell.number:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _write_runs(para, cell.runs, bold=header or cell.header,
                            colour=RGBColor(0xFF, 0xFF, 0xFF) if header else None)
                if header:
                    _shade(slot, self.brand)
            for slot, size in zip(slots, widths):
                slot.width = size
            for slot in slots[position:]:
                slot.paragraphs[0]._p.style = style_id
                if header:
                    _shade(slot, self.brand)
        add_paragraph(self.document, style="Table Spacer")


def add_paragraph(document, text: str = "", style: str = "Normal"):
    """``document.add_paragraph(text, style)`` without python-docx's slow style look-up (it scans
    every style to find the default one, each time). A landscape section of wide tables ends at the next
    heading of level 1 or 2: the report's next part is upright again."""
    if style in UPRIGHT_FROM:
        orient(document, landscape=False)
    para = document.add_paragraph(text)
    if style != "Normal":
        para._p.style = document.styles[style].style_id
    return para


def _text_width(document) -> int:
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def portrait_width(document) -> int:
    """The text width of an upright page of ``document`` (EMU)."""
    section = document.sections[0]
    return min(section.page_width, section.page_height) - section.left_margin - section.right_margin


def orient(document, *, landscape: bool) -> None:
    """Start a new section on a new page, landscape or upright, unless the document's last section already is.

    Going landscape, the headings that end the document move with the table into the new section, so that
    no heading is left alone at the foot of the upright page.
    """
    from copy import deepcopy

    from docx.enum.section import WD_ORIENT, WD_SECTION

    if getattr(document, "_pmo_landscape", False) == landscape:
        return
    body = document.element.body
    final = body.get_or_add_sectPr()
    anchor = final
    if landscape:
        previous = final.getprevious()
        while previous is not None and previous.tag == qn("w:p") and _is_heading(previous):
            anchor, previous = previous, previous.getprevious()
    breaker = OxmlElement("w:p")
    properties = OxmlElement("w:pPr")
    properties.append(deepcopy(final))
    breaker.append(properties)
    anchor.addprevious(breaker)
    section = document.sections[-1]
    long_side, short_side = max(section.page_width, section.page_height), min(section.page_width, section.page_height)
    section.start_type = WD_SECTION.NEW_PAGE
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)
    document._pmo_landscape = landscape


def _is_heading(paragraph) -> bool:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style is not None and (style.get(qn("w:val")) or "").startswith("Heading")


def minimum_width(rows: list[list[_Cell]], columns: int, font_pt: float) -> int:
    """The width (EMU) a table needs so that no word or number of it breaks (see :func:`column_widths`)."""
    return int(sum(_least(rows, columns, font_pt)))


def _least(rows: list[list[_Cell]], columns: int, font_pt: float) -> list[float]:
    wide = font_pt * 0.7 * 12700
    padding = 2 * 0.08 * 914400
    least = [MIN_COLUMN * wide + padding] * columns
    for row in rows:
        position = 0
        for cell in row:
            if cell.span == 1 and position < columns:
                text = "".join(r.text for r in cell.runs)
                factor = 1.1 if cell.header or any(r.bold for r in cell.runs) else 1.0
                word = max((len(w) for w in text.split()), default=0) * factor
                least[position] = max(least[position], word * wide + padding)
            position += cell.span
    return least


def column_widths(rows: list[list[_Cell]], columns: int, total: int, font_pt: float) -> list[int]:
    """Share ``total`` (EMU) between ``columns`` by what they hold, as a browser lays out a table.

    Each column needs at least its longest word (identifiers and numbers never
    break; a character taken as 0.7 of the font size wide, enough for wide
    letters) and would like its longest text up to :data:`LONG_TEXT` characters,
    or its average text where that is longer (a column of long sentences), a
    character taken as 0.6 of the font size; bold headings 10 % wider. The
    minimums are met first and what is left goes to the columns that want more,
    in proportion to what they lack.
    """
    char = font_pt * 0.6 * 12700   # EMU per point
    padding = 2 * 0.08 * 914400    # Word's default cell margins
    least = _least(rows, columns, font_pt)
    longest, length, count = [0.0] * columns, [0] * columns, [0] * columns
    for row in rows:
        position = 0
        for cell in row:
            if cell.span == 1 and position < columns:
                text = "".join(r.text for r in cell.runs)
                factor = 1.1 if cell.header or any(r.bold for r in cell.runs) else 1.0
                longest[position] = max(longest[position], len(text) * factor)
                if not cell.header:
                    length[position] += len(text)
                    count[position] += 1
            position += cell.span
    wish = [max(m, min(top, max(LONG_TEXT, n and total_length / n)) * char + padding)
            for m, top, total_length, n in zip(least, longest, length, count)]
    if sum(least) >= total:
        return [int(m * total / sum(least)) for m in least]
    if sum(wish) <= total:
        return [int(w * total / sum(wish)) for w in wish]
    spare, lacking = total - sum(least), sum(w - m for w, m in zip(wish, least))
    return [int(m + (w - m) * spare / lacking) for w, m in zip(wish, least)]


def _write_runs(para, runs: list[_Run], *, bold: bool = False, colour=None) -> None:
    if runs and not runs[-1].br:
        runs[-1].text = runs[-1].text.rstrip(" ")
    for r in runs:
        run = para.add_run()
        if r.br:
            run.add_break()
            continue
        run.text = r.text
        if bold or r.bold:
            run.bold = True
        if r.italic:
            run.italic = True
        if r.code:
            run.font.name = "Consolas"
        if r.sub:
            run.font.subscript = True
        if r.sup:
            run.font.superscript = True
        if colour is not None:
            run.font.color.rgb = colour


def _list_style(kind: str, depth: int) -> str:
    base = "List Number" if kind == "ol" else "List Bullet"
    return base if depth <= 1 else f"{base} {min(depth, 3)}"


def _restart_numbering(document, style_name: str) -> int | None:
    """A new numbering instance of ``style_name``'s list that starts at 1 (Word otherwise counts on
    across every list of the style); ``None`` when the style carries no numbering."""
    try:
        num_pr = document.styles[style_name].element.pPr.numPr
        num_id = num_pr.numId.val
        numbering = document.part.numbering_part.element
        abstract = numbering.num_having_numId(num_id).abstractNumId.val
    except (AttributeError, KeyError):
        return None
    num = numbering.add_num(abstract)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _number(para, num_id: int | None, *, level: int) -> None:
    if num_id is None:
        return
    num_pr = para._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _shade(cell, colour: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    tc_pr.append(shading)


def write_html(document, fragment: str, *, brand: str, headings: list[tuple[int, str]]) -> None:
    """Append an HTML fragment to ``document`` (see the module's docstring for what becomes what)."""
    writer = HtmlWriter(document, brand=brand, headings=headings)
    writer.feed(fragment)
    writer.close()
