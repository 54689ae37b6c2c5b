"""From an executed report notebook to a Word document a consultant can edit before sending (python-docx).

The document holds the whole report, as the HTML page does:

1. a title page: the client's and the consultancy's logos (the engagement's, else
   the branding's), the kind of report, its title, the organisation, its PMO(s),
   the fieldwork period (else the date), and, from the ``engagement`` record when
   the notebook kept one, "prepared for", the confidentiality line, the version
   and a DRAFT marker;
2. the key messages of the engagement, when it has them and the notebook does
   not show them itself;
3. a table of contents: a Word TOC field already filled with the report's
   headings, which Word refreshes (with page numbers) when the file is opened;
4. every visible cell in order: markdown cells and HTML outputs through
   :mod:`pmo_workbench.reports.document_html`, charts as PNG pictures rendered
   offline by vl-convert, sized to fit the page width.

Cells tagged ``remove_cell``, standard error and recorded values are left out,
as on the HTML page. Styles are Word's own (Title, Heading 1-4, List Bullet,
List Number, Caption, Table Grid...) plus a few named ones (Lead, Note, Table
Text), so restyling the document is a matter of editing styles.

>>> from pmo_workbench.reports.document import export_docx  # doctest: +SKIP
>>> data = export_docx(executed_notebook, spec)             # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._io import write_with
from ..i18n import N_, _
from .branding import Branding
from .deck_tags import tag_document
from .deck_text import fieldwork_text, long_date
from .records import CHART_MIME, RECORD_MIME, VEGALITE_VERSION, locale_options, read_records
from .spec import ReportSpec, report_title

DEFAULT_BRAND = "1F4E79"
"""The house colour (as on the HTML page) when the branding gives none."""
TOC_LEVELS = 2
"""Heading levels listed in the table of contents."""
TOC_HINT = N_("Contents without page numbers: in Word, right-click here and choose Update Field "
              "(Word offers to update it when the file is opened).")
KEY_MESSAGES = N_("Key messages")
CHART_DPI = 96
"""Vega-Lite sizes are CSS pixels: 96 to the inch."""
CHART_SCALE = 2
PICTURE_RESERVE_MM = 60
"""Height kept free beside a picture on its page: up to three headings above it and a caption of three lines."""
LOGO_MM = 18
"""The height of a logo on the title page."""


# --- reading the notebook ------------------------------------------------------------------

def engagement_of(records: Mapping[str, Any]) -> dict[str, Any]:
    """The ``engagement`` record as a dict of known, well-typed fields (anything else is ignored).

    Returns ``{"client", "consultancy", "prepared_for", "confidentiality", "version"}`` as non-empty
    strings when given, ``"client_logo"`` and ``"consultancy_logo"`` as ``data:image/...`` URIs,
    ``"fieldwork"`` as ``(start, end)`` strings, ``"draft"`` as a bool and ``"key_messages"`` as a list of
    non-empty strings.
    """
    raw = records.get("engagement")
    if not isinstance(raw, Mapping):
        return {}
    found: dict[str, Any] = {}
    for key in ("client", "consultancy", "prepared_for", "confidentiality", "version"):
        value = raw.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            found[key] = str(value).strip()
    for key in ("client_logo", "consultancy_logo"):
        if isinstance(raw.get(key), str) and raw[key].startswith("data:image/"):
            found[key] = raw[key]
    fieldwork = raw.get("fieldwork")
    if isinstance(fieldwork, Sequence) and not isinstance(fieldwork, str) and len(fieldwork) == 2 \
            and all(isinstance(d, str) and d.strip() for d in fieldwork):
        found["fieldwork"] = (fieldwork[0].strip(), fieldwork[1].strip())
    if isinstance(raw.get("draft"), bool):
        found["draft"] = raw["draft"]
    messages = raw.get("key_messages")
    if isinstance(messages, Sequence) and not isinstance(messages, str):
        found["key_messages"] = [m.strip() for m in messages if isinstance(m, str) and m.strip()]
    return found


def _visible_cells(nb):
    for cell in nb.cells:
        if "remove_cell" in (cell.get("metadata", {}).get("tags") or []):
            continue
        yield cell


def _shows_key_messages(nb) -> bool:
    """Whether the notebook shows a "Key messages" heading itself (then the document does not add one)."""
    marker = _(KEY_MESSAGES).lower()
    for cell in _visible_cells(nb):
        if cell.cell_type == "markdown" and marker in cell.source.lower():
            return True
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            if isinstance(html, list):
                html = "".join(html)
            if marker in html.lower() and "<h" in html.lower():
                return True
    return False


# --- the document ----------------------------------------------------------------------------

def _brand(branding: Branding) -> str:
    return (branding.colour or f"#{DEFAULT_BRAND}").lstrip("#").upper()


def _setup(document, brand: str) -> None:
    """A4 pages, the brand colour on headings, and the named styles the report uses."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Mm, Pt, RGBColor

    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)
    colour = RGBColor.from_string(brand)
    styles = document.styles
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "TOC Heading"):
        styles[name].font.color.rgb = colour
    for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        styles[name].paragraph_format.keep_with_next = True  # never alone at the foot of a page
    styles["Normal"].font.size = Pt(10.5)

    def add(name: str, *, size: float | None = None, italic: bool | None = None, grey: bool = False,
            space_after: float | None = None):
        if name in [s.name for s in styles]:
            return styles[name]
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        if size is not None:
            style.font.size = Pt(size)
        if italic is not None:
            style.font.italic = italic
        if grey:
            style.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        if space_after is not None:
            style.paragraph_format.space_after = Pt(space_after)
        return style

    add("Lead", size=12.5)
    add("Note", size=9, italic=True, grey=True)
    add("Table Text", size=9, space_after=0)
    add("Table Text Narrow", size=7, space_after=0)
    add("Table Spacer", size=4, space_after=0)
    add("Kicker", size=11, grey=True)
    add("Title Detail", size=13)
    add("TOC 1", space_after=2)
    toc2 = add("TOC 2", size=10, space_after=1)
    toc2.paragraph_format.left_indent = Mm(6)
    draft = add("Draft Marker", size=16)
    draft.font.bold = True
    draft.font.color.rgb = RGBColor(0xB0, 0x1E, 0x1E)


def _text_width(document):
    section = document.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


def _picture(document, data: bytes, *, width_px: int | None, description: str = "") -> None:
    """Add a PNG in its own centred paragraph, at its natural size, narrowed to the page width and to the height
    the page leaves after its headings and caption; the paragraph before it and the picture itself are kept
    with what follows (a heading with its chart, a chart with its caption)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    width = _text_width(document)
    if width_px:
        width = min(width, Inches(width_px / CHART_SCALE / CHART_DPI))
    size = _png_size(data)
    if size is not None:
        width = min(width, int(picture_room(document) * size[0] / size[1]))
    _keep_previous_with_next(document)
    para = document.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = True  # the caption follows the chart
    shape = para.add_run().add_picture(io.BytesIO(data), width=width)
    if description:
        shape._inline.docPr.set("descr", description)


def picture_room(document) -> int:
    """The tallest a picture may be (EMU): the page's text height less :data:`PICTURE_RESERVE_MM` for the
    headings above it and the caption below, so that they all fit one page."""
    from docx.shared import Mm

    section = document.sections[-1]
    return int(section.page_height - section.top_margin - section.bottom_margin - Mm(PICTURE_RESERVE_MM))


def _keep_previous_with_next(document) -> None:
    """Keep the body's last paragraph (a heading, a lead-in) on the page of the picture that follows it."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    last = document.element.body[-1] if len(document.element.body) else None
    if last is not None and last.tag == qn("w:sectPr"):
        last = last.getprevious()
    if last is not None and last.tag == qn("w:p"):
        Paragraph(last, document._body).paragraph_format.keep_with_next = True


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return (width, height) if width and height else None
    return None


def png_width(data: bytes) -> int | None:
    """The pixel width of a PNG image (from its header), ``None`` for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">I", data[16:20])[0]
    return None


def chart_png(spec: Mapping[str, Any], svg: str | None = None) -> bytes:
    """Render a Vega-Lite spec to PNG offline (vl-convert), at twice its size for print.

    ``svg``, the chart already drawn (the batch draws every chart for the HTML
    page), is turned into the same picture about three times faster.
    """
    import vl_convert

    if svg:
        return vl_convert.svg_to_png(svg, scale=CHART_SCALE)
    return vl_convert.vegalite_to_png(dict(spec), vl_version=VEGALITE_VERSION, scale=CHART_SCALE, **locale_options())


def _title_page(document, spec: ReportSpec, branding: Branding, date: str, records: Mapping[str, Any],
                engagement: Mapping[str, Any]) -> None:
    from docx.enum.text import WD_BREAK

    _logos(document, logo_image(engagement.get("client_logo")),
           logo_image(engagement.get("consultancy_logo")) or logo_image(branding.logo))
    document.add_paragraph(branding.kicker_for(spec.report), style="Kicker")
    document.add_paragraph(report_title(spec.report), style="Title")
    document.add_paragraph(engagement.get("client") or spec.organisation, style="Title Detail")
    as_of = long_date(records.get("as_of")) if isinstance(records.get("as_of"), str) else None
    subtitle = spec.pmo or records.get("subtitle") or ", ".join(
        str(p.get("pmo", "")) for p in records.get("pmos", []) or [] if isinstance(p, Mapping))
    if as_of and str(subtitle).startswith(("Status date", _("Status date"))):
        subtitle = None  # written below, as a reader writes a date
    if subtitle:
        document.add_paragraph(str(subtitle), style="Title Detail")
    fieldwork = fieldwork_text(engagement.get("fieldwork"))
    document.add_paragraph(fieldwork or (_("Status date {date}").format(date=as_of) if as_of
                                         else long_date(date) or date))
    if engagement.get("prepared_for"):
        document.add_paragraph(_("Prepared for {client}").format(client=engagement["prepared_for"]))
    consultancy = engagement.get("consultancy") or branding.consultancy
    if consultancy:
        document.add_paragraph(_("Prepared by {consultancy}").format(consultancy=consultancy))
    if engagement.get("version"):
        document.add_paragraph(_("Version {version}").format(version=engagement["version"]))
    if engagement.get("confidentiality"):
        document.add_paragraph(engagement["confidentiality"], style="Note")
    if engagement.get("draft"):
        document.add_paragraph(_("DRAFT"), style="Draft Marker")
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def logo_image(logo: str | Path | None) -> bytes | None:
    """A logo as bytes Word and PowerPoint can show (PNG, JPEG or GIF; an SVG drawn to PNG), or ``None``.

    ``logo`` is a ``data:image/...;base64,...`` URI (an engagement's logo, checked when the engagement was read)
    or the path of a branding logo (checked when the branding was loaded). A logo that cannot be read or drawn
    is left out with a warning: the title page is still written.
    """
    import base64
    import binascii

    if not logo:
        return None
    try:
        if isinstance(logo, str) and logo.startswith("data:"):
            head, _, payload = logo.partition(",")
            mime = head[5:].split(";")[0].strip().lower()
            data = base64.b64decode(payload, validate=True) if ";base64" in head else payload.encode("utf-8")
        else:
            path = Path(logo)
            data = path.read_bytes()
            mime = "image/svg+xml" if path.suffix.lower() == ".svg" else "image/*"
        if mime == "image/svg+xml":
            import vl_convert

            data = vl_convert.svg_to_png(data.decode("utf-8"), scale=CHART_SCALE)
        elif not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")):
            raise ValueError("not a PNG, JPEG, GIF or SVG image")
        return data
    except (OSError, ValueError, UnicodeDecodeError, binascii.Error, RuntimeError) as exc:
        shown = "an engagement's logo" if isinstance(logo, str) and logo.startswith("data:") else str(logo)
        logging.getLogger(__name__).warning("%s: logo left out: %s", shown, exc)
        return None


def _logos(document, client: bytes | None, consultancy: bytes | None) -> None:
    """The client's logo on the left and the consultancy's on the right of one line of the title page."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Mm

    if client is None and consultancy is None:
        return
    para = document.add_paragraph()
    para.paragraph_format.tab_stops.add_tab_stop(_text_width(document), WD_TAB_ALIGNMENT.RIGHT)
    for i, (data, name) in enumerate(((client, _("Client logo")), (consultancy, _("Consultancy logo")))):
        if data is None:
            continue
        run = para.add_run()
        if i and client is not None:
            run.add_tab()
        try:
            shape = run.add_picture(io.BytesIO(data), height=Mm(LOGO_MM))
            shape._inline.docPr.set("descr", name)
        except Exception as exc:  # noqa: BLE001 - a logo Word cannot show leaves the title page without it
            logging.getLogger(__name__).warning("%s left out of the Word document: %s", name, exc)


def _key_messages(document, messages: Sequence[str], headings: list[tuple[int, str]]) -> None:
    document.add_paragraph(_(KEY_MESSAGES), style="Heading 1")
    headings.append((1, _(KEY_MESSAGES)))
    for message in messages:
        document.add_paragraph(message, style="List Bullet")


def _toc(document, anchor, headings: Sequence[tuple[int, str]]) -> None:
    """Insert, before ``anchor``, a TOC field whose result already lists ``headings`` (no page numbers).

    The field is marked dirty and the settings ask Word to update fields on
    opening, which adds the page numbers; other readers show the entries as written.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field_char(run, kind: str) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            char.set(qn("w:dirty"), "true")
        run._r.append(char)

    first = anchor.insert_paragraph_before(_(TOC_HINT), style="Note")
    begin = first.runs[0]._r
    for kind in ("begin", "instr", "separate"):
        run = first.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u'
            run._r.append(instr)
        else:
            field_char(run, kind)
        begin.addprevious(run._r)
    last = first
    for level, text in headings:
        if level <= TOC_LEVELS:
            last = anchor.insert_paragraph_before(text, style=f"TOC {level}")
    field_char(last.add_run(), "end")
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)


def _footer(document, spec: ReportSpec, engagement: Mapping[str, Any]) -> None:
    """Every page's footer: client, report, confidentiality line, version, a DRAFT marker on a draft, the page
    number (a Word field), so that no page printed or copied alone passes for final or loses its owner."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    footer = document.sections[0].footer.paragraphs[0]
    footer.style = document.styles["Note"]
    parts = [engagement.get("client") or spec.organisation, report_title(spec.report),
             engagement.get("confidentiality"),
             _("Version {version}").format(version=engagement["version"]) if engagement.get("version") else None]
    footer.text = " · ".join(str(p) for p in parts if p) + " · "
    if engagement.get("draft"):
        draft = footer.add_run(_("DRAFT"))
        draft.bold = True
        draft.font.color.rgb = RGBColor(0xB0, 0x1E, 0x1E)
        footer.add_run(" · ")
    before, _field, after = _("page {number}").partition("{number}")
    footer.add_run(before)
    for kind in ("begin", "instr", "separate", "result", "end"):
        run = footer.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = "PAGE"
            run._r.append(instr)
        elif kind == "result":
            run.text = "1"
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    if after:
        footer.add_run(after)


def _output(document, output, brand: str, headings: list[tuple[int, str]]) -> None:
    from .document_html import add_paragraph, write_html

    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") == "stdout" and output.get("text", "").strip():
            for line in output["text"].rstrip("\n").split("\n"):
                add_paragraph(document, line, style="Note")
        return
    if kind not in ("display_data", "execute_result"):
        return  # errors never reach a published report
    data = output.get("data", {})
    if RECORD_MIME in data:
        return
    if CHART_MIME in data:
        chart = data[CHART_MIME]
        svg = data.get("image/svg+xml")
        png = chart_png(chart["spec"], "".join(svg) if isinstance(svg, list) else svg)
        _picture(document, png, width_px=png_width(png), description=chart.get("caption") or "")
    elif "text/html" in data:
        html = data["text/html"]
        write_html(document, "".join(html) if isinstance(html, list) else html, brand=brand, headings=headings)
    elif "text/markdown" in data:
        _markdown(document, data["text/markdown"], brand, headings)
    elif "image/png" in data:
        import base64

        png = base64.b64decode(data["image/png"])
        _picture(document, png, width_px=png_width(png) and png_width(png) * CHART_SCALE)
    elif "text/plain" in data and str(data["text/plain"]).strip():
        for line in str(data["text/plain"]).rstrip("\n").split("\n"):
            add_paragraph(document, line, style="Note")


def _markdown(document, text, brand: str, headings: list[tuple[int, str]]) -> None:
    import mistune

    from .document_html import write_html

    source = "".join(text) if isinstance(text, list) else str(text)
    write_html(document, mistune.html(source), brand=brand, headings=headings)


def build_document(nb, spec: ReportSpec, *, branding: Branding | None = None, date: str | None = None):
    """The Word document (a python-docx ``Document``) of an executed report notebook.

    ``date`` is shown on the title page when the engagement gives no fieldwork
    period (default: today).
    """
    import docx
    from docx.enum.text import WD_BREAK

    branding = branding or Branding()
    date = date or dt.date.today().isoformat()
    records = read_records(nb)
    engagement = engagement_of(records)
    brand = _brand(branding)
    document = docx.Document()
    _setup(document, brand)
    core = document.core_properties
    core.title = f"{report_title(spec.report)} – {spec.organisation}"
    core.author = core.last_modified_by = engagement.get("consultancy") or branding.consultancy or ""
    core.subject = spec.organisation
    core.created = core.modified = dt.datetime.now(dt.UTC).replace(microsecond=0)
    core.version = engagement.get("version", "")
    core.content_status = _("Draft") if engagement.get("draft") else ""
    tag_document(document)
    _title_page(document, spec, branding, date, records, engagement)
    headings: list[tuple[int, str]] = []
    document.add_paragraph(_("Contents"), style="TOC Heading")
    anchor = document.add_paragraph()
    anchor.add_run().add_break(WD_BREAK.PAGE)
    if engagement.get("key_messages") and not _shows_key_messages(nb):
        _key_messages(document, engagement["key_messages"], headings)
    for cell in _visible_cells(nb):
        if cell.cell_type == "markdown":
            _markdown(document, cell.source, brand, headings)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                _output(document, output, brand, headings)
    _toc(document, anchor, headings)
    _footer(document, spec, engagement)
    return document


def export_docx(nb, spec: ReportSpec, *, branding: Branding | None = None, date: str | None = None) -> bytes:
    """The ``.docx`` file of an executed report notebook, as bytes (see :func:`build_document`)."""
    buffer = io.BytesIO()
    build_document(nb, spec, branding=branding, date=date).save(buffer)
    return buffer.getvalue()


def write_docx(nb, spec: ReportSpec, target: str | Path, *, branding: Branding | None = None,
               date: str | None = None) -> Path:
    """Write the ``.docx`` of an executed report notebook to ``target`` atomically; return the path."""
    document = build_document(nb, spec, branding=branding, date=date)
    return write_with(target, lambda tmp: document.save(str(tmp)))
