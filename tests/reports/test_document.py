"""The Word document of a report: built from small executed notebooks written by hand, reopened with python-docx."""

from __future__ import annotations

import io
import struct
import zlib

import docx
import nbformat
import pandas as pd
import pytest
from docx.oxml.ns import qn

from pmo_workbench.notebook.show import table_html
from pmo_workbench.reports.branding import load_branding
from pmo_workbench.reports.document import build_document, engagement_of, export_docx, png_width, write_docx
from pmo_workbench.reports.document_html import write_html
from pmo_workbench.reports.records import CHART_MIME, RECORD_MIME
from pmo_workbench.reports.spec import ReportSpec

ORG = 'Korrin <script>&"'
ENGAGEMENT = {
    "client": ORG, "consultancy": "Meridian Advisory", "prepared_for": "The Chief Executive",
    "fieldwork": ["2026-03-02", "2026-04-10"], "confidentiality": "Confidential: for the client's board only",
    "version": "0.3", "draft": True,
    "key_messages": ["Governance is ahead of delivery support.", "Shared resources are the first gap."],
}
TINY_CHART = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "width": 300, "height": 100,
    "data": {"values": [{"d": "Standards", "s": 60}, {"d": "Support", "s": 40}]},
    "mark": "bar", "encoding": {"x": {"field": "s", "type": "quantitative"}, "y": {"field": "d", "type": "nominal"}},
}
FRAME = pd.DataFrame({"dimension": ["Standards", "Support"], "score": [61.25, 40.0],
                      "comment": ["=SUM(A1:A2)", "fine"]})


def _html(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": ""})


def _notebook(engagement: dict | None = ENGAGEMENT, extra_cells=()) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    hidden = nbformat.v4.new_markdown_cell("# How to run this notebook")
    hidden.metadata["tags"] = ["remove_cell"]
    code = nbformat.v4.new_code_cell("show things")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="a warning nobody should read\n"),
        _html('<h3>Corporate PMO</h3><p class="lead">The PMO of <strong>{}</strong> is controlling.</p>'.format(
            "Korrin &lt;script&gt;&amp;&quot;")),
        _html(table_html(FRAME, caption="Scores by dimension")),
        nbformat.v4.new_output("display_data", data={CHART_MIME: {"spec": TINY_CHART, "caption": "Two scores"},
                                                     "text/plain": "<chart>"}),
        _html('<p class="caption">Two scores</p>'),
        _html("<h4>Priorities</h4><ol><li>Charter</li><li>Sponsor</li></ol><ol><li>Resources</li></ol>"),
    ]
    if engagement is not None:
        code.outputs.append(nbformat.v4.new_output(
            "display_data", data={RECORD_MIME: {"name": "engagement", "value": engagement}, "text/plain": ""}))
    nb.cells = [
        hidden,
        nbformat.v4.new_markdown_cell("# Positioning\n\nPMO types **differ** in *control*.\n\n- first\n- second"),
        code,
        *extra_cells,
    ]
    return nb


def _spec(org: str = ORG, report: str = "positioning") -> ReportSpec:
    return ReportSpec(report=report, organisation=org, pmo=None, parameters={}, inputs=(), name="korrin")


def _reopen(nb, **kwargs) -> docx.document.Document:
    return docx.Document(io.BytesIO(export_docx(nb, _spec(), date="2026-05-01", **kwargs)))


def _texts(document, style: str | None = None) -> list[str]:
    return [p.text for p in document.paragraphs if style is None or p.style.name == style]


@pytest.fixture(scope="module")
def document():
    return _reopen(_notebook())


# --- the body -------------------------------------------------------------------------------------

def test_headings_keep_their_levels_in_order(document):
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Key messages"), ("Heading 1", "Positioning"),
                        ("Heading 3", "Corporate PMO"), ("Heading 4", "Priorities")]


def test_markdown_paragraphs_keep_bold_and_italic(document):
    para = next(p for p in document.paragraphs if p.text.startswith("PMO types"))
    assert para.text == "PMO types differ in control."
    assert [r.text for r in para.runs if r.bold] == ["differ"]
    assert [r.text for r in para.runs if r.italic] == ["control"]


def test_html_text_arrives_as_text(document):
    lead = _texts(document, "Lead")
    assert lead == ['The PMO of Korrin <script>&" is controlling.']


def test_lists_are_word_lists_and_each_numbered_list_starts_again(document):
    assert _texts(document, "List Bullet") == [*ENGAGEMENT["key_messages"], "first", "second"]
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["Charter", "Sponsor", "Resources"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert ids[0] == ids[1] != ids[2]


def test_table_holds_the_html_table_with_a_header_row_and_its_caption_above(document):
    [table] = document.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows == [["dimension", "score", "comment"], ["Standards", "61.2", "=SUM(A1:A2)"],
                    ["Support", "40.0", "fine"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r.bold for r in table.rows[0].cells[0].paragraphs[0].runs)
    assert table.rows[1].cells[1].paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    before = table._tbl.getprevious()
    assert before.xpath("string(.)") == "Scores by dimension"
    assert table.style.name == "Table Grid"


def test_one_picture_per_chart_fitting_the_page_and_its_caption_below(document):
    [picture] = document.inline_shapes
    section = document.sections[0]
    assert picture.width <= section.page_width - section.left_margin - section.right_margin
    assert "Two scores" in _texts(document, "Caption")


def test_hidden_cells_stderr_and_records_are_left_out(document):
    text = "\n".join(_texts(document))
    assert "How to run" not in text
    assert "warning" not in text
    assert "Governance is ahead" in text  # from the record, as key messages, not as data


# --- title page and contents -----------------------------------------------------------------------

def test_title_page_says_whose_report_for_whom_and_how_final(document):
    texts = _texts(document)
    first_heading = texts.index("Contents")
    title = texts[:first_heading]
    assert "PMO positioning assessment" in title
    assert ORG in title
    for line in ("Fieldwork 2 Mar 2026 to 10 Apr 2026", "Prepared for The Chief Executive",
                 "Prepared by Meridian Advisory", "Version 0.3", "Confidential: for the client's board only", "DRAFT"):
        assert line in title, line
    assert "1 May 2026" not in title  # the fieldwork period replaces the render date


def test_title_page_without_engagement_shows_the_date_and_no_key_messages():
    document = _reopen(_notebook(engagement=None))
    texts = _texts(document)
    title = texts[:texts.index("Contents")]
    assert "1 May 2026" in title
    assert not any(t.startswith(("Prepared for", "Version")) or t == "DRAFT" for t in title)
    assert "Key messages" not in texts


def test_contents_is_a_toc_field_filled_with_the_headings_and_updated_on_opening(document):
    body = document.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert instructions == ['TOC \\o "1-2" \\h \\z \\u']
    assert _texts(document, "TOC 1") == ["Key messages", "Positioning"]
    update = document.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    kinds = [c.get(qn("w:fldCharType")) for c in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]


def test_key_messages_are_not_repeated_when_the_notebook_shows_them():
    shown = nbformat.v4.new_markdown_cell("# Key messages\n\n- Governance is ahead of delivery support.")
    document = _reopen(_notebook(extra_cells=[shown]))
    assert _texts(document, "Heading 1") == ["Positioning", "Key messages"]


def test_logo_from_branding_is_on_the_title_page(tmp_path):
    (tmp_path / "logo.png").write_bytes(_png(8, 4))
    (tmp_path / "branding.yaml").write_text("consultancy: Meridian Advisory\nlogo: logo.png\ncolour: '#336699'\n")
    branding = load_branding(tmp_path / "branding.yaml")
    document = _reopen(_notebook(engagement=None), branding=branding)
    assert len(document.inline_shapes) == 2  # the logo and the chart
    assert "Prepared by Meridian Advisory" in _texts(document)
    assert str(document.styles["Heading 1"].font.color.rgb) == "336699"


def test_write_docx_writes_a_file_word_can_open(tmp_path):
    path = write_docx(_notebook(), _spec(), tmp_path / "r.docx")
    assert docx.Document(path).core_properties.title == f"PMO positioning assessment – {ORG}"


def test_portfolio_report_has_its_own_title():
    document = docx.Document(io.BytesIO(export_docx(_notebook(None), _spec("Korrin", "portfolio"))))
    assert "Portfolio health report" in _texts(document, "Title")


# --- the engagement record, read defensively ------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (None, {}),
    ("not a mapping", {}),
    ({"client": "  ", "version": 2, "draft": "yes", "fieldwork": ["2026-03-02"], "key_messages": "one"},
     {"version": "2"}),
    ({"fieldwork": None, "draft": False, "key_messages": ["a", 3, " ", "b "]},
     {"draft": False, "key_messages": ["a", "b"]}),
    ({"fieldwork": ["2026-03-02", "2026-03-02"], "prepared_for": "Board", "confidentiality": True},
     {"fieldwork": ("2026-03-02", "2026-03-02"), "prepared_for": "Board"}),
])
def test_engagement_of_keeps_only_well_typed_fields(value, expected):
    assert engagement_of({"engagement": value} if value is not None else {}) == expected


# --- HTML fragments -------------------------------------------------------------------------------

def _body(html: str) -> list[tuple[str, str]]:
    document = build_document(nbformat.v4.new_notebook(), _spec())
    start = len(document.paragraphs)
    write_html(document, html, brand="1F4E79", headings=[])
    return [(p.style.name, p.text) for p in document.paragraphs[start:]]


@pytest.mark.parametrize(("html", "expected"), [
    # whitespace collapses as a browser collapses it
    ("<p>  one \n  <em>two</em>   three </p>", [("Normal", "one two three")]),
    # line breaks stay inside their paragraph
    ("<p>one<br>two</p>", [("Normal", "one\ntwo")]),
    # scripts and styles are dropped with their contents; nothing is evaluated
    ("<script>alert('x')</script><style>p{}</style><p>kept</p>", [("Normal", "kept")]),
    # entities become the characters they stand for, as text
    ("<p>&lt;b&gt;A &amp; B&lt;/b&gt; =1+1</p>", [("Normal", "<b>A & B</b> =1+1")]),
    # a headline tile: its value, then its label
    ('<div class="tiles"><div class="tile"><span class="value">12</span><span class="label">respondents</span>'
     "</div></div>", [("Normal", "12 respondents")]),
    # captions, notes and callouts keep a style of their own
    ('<p class="caption">Figure</p><p class="note">small</p><div class="callout"><p>mind this</p></div>',
     [("Caption", "Figure"), ("Note", "small"), ("Intense Quote", "mind this")]),
    # nested lists go one level in
    ("<ul><li>outer<ul><li>inner</li></ul></li></ul>", [("List Bullet", "outer"), ("List Bullet 2", "inner")]),
    # text outside any element still becomes a paragraph
    ("loose text", [("Normal", "loose text")]),
    ("<h2>Title <code>x</code></h2>", [("Heading 2", "Title x")]),
])
def test_html_fragments(html, expected):
    assert _body(html) == expected


def test_tile_value_is_bold_and_label_is_not():
    document = build_document(nbformat.v4.new_notebook(), _spec())
    write_html(document, '<div class="tile"><span class="value">12</span><span class="label">people</span></div>',
               brand="1F4E79", headings=[])
    runs = document.paragraphs[-1].runs
    assert [(r.text, bool(r.bold)) for r in runs] == [("12", True), (" people", False)]


def test_table_cells_span_and_short_rows_are_padded():
    document = build_document(nbformat.v4.new_notebook(), _spec())
    write_html(document, '<table><tr><th colspan="2">both</th><th>c</th></tr><tr><td>1</td></tr></table>',
               brand="1F4E79", headings=[])
    table = document.tables[-1]
    assert [[c.text for c in r.cells] for r in table.rows] == [["both", "both", "c"], ["1", "", ""]]


def test_sub_and_superscripts():
    document = build_document(nbformat.v4.new_notebook(), _spec())
    write_html(document, "<p>EAC<sub>1</sub> m<sup>2</sup></p>", brand="1F4E79", headings=[])
    runs = document.paragraphs[-1].runs
    assert [(r.text, bool(r.font.subscript), bool(r.font.superscript)) for r in runs] == [
        ("EAC", False, False), ("1", True, False), (" m", False, False), ("2", False, True)]


# --- helpers --------------------------------------------------------------------------------------

def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.parametrize(("data", "expected"), [(_png(8, 4), 8), (b"GIF89a....", None), (b"", None)])
def test_png_width(data, expected):
    assert png_width(data) == expected


# --- column widths: at 9 pt a character is 9 * 0.6 * 12700 = 68580 EMU (0.7: 80010 for the longest word
# that must not break), cell margins 146304 EMU ------------------------------------------------------------

def _cells(*texts, header=False):
    from pmo_workbench.reports.document_html import _Cell, _Run

    return [_Cell([_Run(t)], header=header) for t in texts]


ROWS = [_cells("ID", "Name", header=True), _cells("KRC-015", "A long name of a project")]
# least: both 7 characters (KRC-015, project) -> 7 * 80010 + 146304 = 706374; wish: ID its least,
# Name 24 characters -> 24 * 68580 + 146304 = 1792224


@pytest.mark.parametrize(("total", "expected"), [
    # room for every wish: shared in proportion to the wishes
    (2 * (706374 + 1792224), [706374 * 2, 1792224 * 2]),
    # room for the minimums only: the identifier keeps its minimum, the spare goes to the text
    (1600000, [706374, 1600000 - 706374]),
    # not even the minimums: shared in proportion to them
    (1000000, [500000, 500000]),
])
def test_column_widths(total, expected):
    from pmo_workbench.reports.document_html import column_widths

    assert column_widths(ROWS, 2, total, 9.0) == expected


def test_a_column_of_long_sentences_wants_more_than_a_column_of_short_ones():
    from pmo_workbench.reports.document_html import column_widths

    rows = [_cells("Step", "What to do", header=True), _cells("x" * 50, "word " * 40), _cells("y" * 50, "word " * 40)]
    step, todo = column_widths(rows, 2, 10_000_000, 9.0)
    assert todo > step


def test_document_properties_name_the_report_and_its_status(document):
    core = document.core_properties
    assert (core.subject, core.author, core.version, core.content_status) == (ORG, "Meridian Advisory", "0.3", "Draft")
    assert core.created.year >= 2026


# --- the format in the batch's plumbing -------------------------------------------------------------

def test_docx_is_a_format_the_batch_accepts():
    from pmo_workbench.reports.spec import check_formats

    assert check_formats(["HTML", " docx "]) == ("html", "docx")


def test_publishing_places_the_word_document_and_removes_one_no_longer_asked_for(tmp_path):
    from pmo_workbench.reports.execute import ReportOutcome
    from pmo_workbench.reports.publish import publish

    out, work = tmp_path / "out", tmp_path / "work"
    out.mkdir()
    work.mkdir()
    (work / "r.docx").write_bytes(b"new docx")
    (work / "r.html").write_text("new page")
    outcome = ReportOutcome("r", "positioning", "Org", None, "rendered",
                            {"docx": str(work / "r.docx"), "html": str(work / "r.html")})
    placed = publish(outcome, out, ["docx"], keep_old=True)
    assert placed.files == {"docx": str(out / "r.docx")}
    assert (out / "r.docx").read_bytes() == b"new docx"
    (work / "r2.html").write_text("html only")
    publish(ReportOutcome("r", "positioning", "Org", None, "rendered", {"html": str(work / "r2.html")}),
            out, ["html"], keep_old=True)
    assert sorted(p.name for p in out.iterdir()) == ["r.html"]


# --- the engagement's logos ----------------------------------------------------------------------

def _data_uri(data: bytes, mime: str = "image/png") -> str:
    import base64

    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def test_the_engagements_logos_are_on_the_title_page_client_left_consultancy_right(tmp_path):
    client, consultancy, branded = _png(40, 12), _png(30, 10), _png(8, 4)
    (tmp_path / "logo.png").write_bytes(branded)
    (tmp_path / "branding.yaml").write_text("consultancy: Meridian Advisory\nlogo: logo.png\n")
    engagement = {**ENGAGEMENT, "client_logo": _data_uri(client), "consultancy_logo": _data_uri(consultancy)}
    document = _reopen(_notebook(engagement), branding=load_branding(tmp_path / "branding.yaml"))
    first = document.paragraphs[0]
    blips = first._p.findall(".//" + qn("a:blip"))
    blobs = [document.part.related_parts[b.get(qn("r:embed"))].blob for b in blips]
    assert blobs == [client, consultancy]  # the engagement's consultancy logo wins over the branding's
    descriptions = [d.get("descr") for d in first._p.iter(qn("wp:docPr"))]
    assert descriptions == ["Client logo", "Consultancy logo"]
    assert len(first._p.findall(".//" + qn("w:r") + "/" + qn("w:tab"))) == 1  # the consultancy logo: right
    # 18 mm high, the width in proportion: 40 x 12 px -> 60 mm
    assert [round(s.height.mm) for s in document.inline_shapes][:2] == [18, 18]
    assert round(document.inline_shapes[0].width.mm) == 60


def test_without_an_engagement_logo_the_branding_logo_stays():
    engagement = {**ENGAGEMENT, "client_logo": _data_uri(_png(40, 12))}
    document = _reopen(_notebook(engagement))
    blips = document.paragraphs[0]._p.findall(".//" + qn("a:blip"))
    assert len(blips) == 1 and not document.paragraphs[0]._p.findall(".//" + qn("w:r") + "/" + qn("w:tab"))


@pytest.mark.parametrize("uri", ["data:image/png;base64,!!!", "data:image/png;base64," + "QUJD", "not a logo"])
def test_a_logo_that_cannot_be_shown_is_left_out(uri):
    from pmo_workbench.reports.document import logo_image

    assert logo_image(uri if uri.startswith("data:") else None) is None
    document = _reopen(_notebook({**ENGAGEMENT, "client_logo": uri}))
    assert not document.paragraphs[0]._p.findall(".//" + qn("a:blip"))


def test_an_svg_logo_is_drawn_to_png():
    from pmo_workbench.reports.document import logo_image

    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><rect width="40" height="10" '
           b'fill="#336699"/></svg>')
    data = logo_image(_data_uri(svg, "image/svg+xml"))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and png_width(data) == 80  # drawn at twice the size


# --- pages: a heading and a caption stay with their picture ---------------------------------------------

def test_a_tall_picture_is_scaled_to_leave_room_for_its_headings_and_caption():
    import base64

    from docx.shared import Mm

    from pmo_workbench.reports.document import picture_room

    tall = _png(200, 2000)  # shown at 2x: 400 px -> 52.9 mm wide, 529 mm high at its natural size
    cell = nbformat.v4.new_code_cell("heat map")
    cell.outputs = [_html("<h2>Appendix</h2><h3>Item-level heat map</h3><p>Mean item scores.</p>"),
                    nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(tall).decode(),
                                                                 "text/plain": ""}),
                    _html('<p class="caption">Mean item score by role.</p>')]
    document = _reopen(_notebook(extra_cells=[cell]))
    # A4 less 20 mm margins: 257 mm of text height, less 60 mm for headings and caption = 197 mm
    assert round(picture_room(document) / Mm(1).emu) == 197
    shape = document.inline_shapes[-1]
    assert round(shape.height.mm) == 197 and round(shape.width.mm, 1) == 19.7
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p.text == "Mean item scores.")
    lead, picture, caption = paragraphs[at], paragraphs[at + 1], paragraphs[at + 2]
    assert lead.paragraph_format.keep_with_next is True            # the paragraph before the picture
    assert picture._p.findall(".//" + qn("a:blip"))
    assert picture.paragraph_format.keep_with_next is True         # the picture with its caption
    assert caption.style.name == "Caption" and caption.text == "Mean item score by role."
    for level in (1, 2, 3, 4):                                      # a heading with what follows it
        assert document.styles[f"Heading {level}"].paragraph_format.keep_with_next is True


def test_a_wide_picture_keeps_to_the_page_width():
    import base64

    cell = nbformat.v4.new_code_cell("wide")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(_png(2000, 200))
                                                                 .decode(), "text/plain": ""})]
    shape = _reopen(_notebook(extra_cells=[cell])).inline_shapes[-1]
    assert round(shape.width.mm) == 170 and round(shape.height.mm) == 17  # 210 - 2 x 20 mm, a tenth as high


# --- every page says whose, how final, which page ---------------------------------------------------

def test_every_page_footer_names_the_client_the_version_and_a_draft():
    engagement = {**ENGAGEMENT, "client": "KRC Display Name"}
    document = _reopen(_notebook(engagement))
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text == ("KRC Display Name · PMO positioning assessment · Confidential: for the client's board only "
                           "· Version 0.3 · DRAFT · page 1")
    (draft,) = [r for r in footer.runs if r.text == "DRAFT"]
    assert draft.bold and str(draft.font.color.rgb) == "B01E1E"
    instructions = [i.text for i in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE"]
    assert "KRC Display Name" in _texts(document)[:_texts(document).index("Contents")]
    assert "2026-05-01" not in footer.text and "1 May 2026" not in footer.text


def test_a_final_documents_footer_has_no_marker():
    document = _reopen(_notebook({"version": "1.0", "draft": False}))
    footer = document.sections[0].footer.paragraphs[0].text
    assert footer == f"{ORG} · PMO positioning assessment · Version 1.0 · page 1"


def test_the_portfolio_title_page_gives_the_status_date_not_the_render_date():
    nb = _notebook(None)
    nb.cells[2].outputs += [nbformat.v4.new_output("display_data", data={
        RECORD_MIME: {"name": name, "value": value}, "text/plain": ""})
        for name, value in (("as_of", "2026-05-31"), ("subtitle", "Status date 2026-05-31"))]
    document = docx.Document(io.BytesIO(export_docx(nb, _spec("Korrin", "portfolio"), date="2026-12-03")))
    texts = _texts(document)
    title = texts[:texts.index("Contents")]
    assert "Status date 31 May 2026" in title
    assert not any("2026" in t and "Status" not in t for t in title)  # no render date


# --- a table too wide for an upright page turns the page ---------------------------------------------------

def test_a_table_too_wide_for_the_page_gets_a_landscape_section_with_its_heading():
    from docx.enum.section import WD_ORIENT

    header = "".join(f"<th>Column {k}</th>" for k in range(14))
    row = "".join('<td class="num">34,950,000</td>' for _ in range(14))
    cell = nbformat.v4.new_code_cell("wide")
    cell.outputs = [_html("<h1>By PMO</h1><h2>Health</h2>"),
                    _html(f"<table><caption>By PMO</caption><thead><tr>{header}</tr></thead><tbody><tr>{row}</tr>"
                          "</tbody></table>"),
                    _html("<p>A note under the table.</p><h1>Risk</h1><p>Upright again.</p>")]
    document = _reopen(_notebook(extra_cells=[cell]))
    sections = document.sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert [round(s.page_width.mm) for s in sections] == [210, 297, 210]
    # 14 numbers of 10 characters at 7 pt want 14 x (10 x 0.7 x 7 pt + 11.5 pt) = 847 pt, far more than the
    # upright 170 mm (482 pt): the table takes the landscape text width, 297 - 2 x 20 = 257 mm
    assert round(sum(c.width for c in document.tables[-1].columns) / 36000) == 257
    body = list(document.element.body)
    breaks = [i for i, e in enumerate(body) if e.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    texts = ["".join(t.text or "" for t in e.iter(qn("w:t"))) for e in body]
    # the first break comes before the two headings, which open the landscape section with their table
    assert texts[breaks[0] + 1: breaks[0] + 3] == ["By PMO", "Health"]
    # the second before "Risk": the note stays under its table
    assert texts[breaks[1]] == "" and texts[breaks[1] - 1] == "A note under the table."
    assert texts[breaks[1] + 1] == "Risk"
