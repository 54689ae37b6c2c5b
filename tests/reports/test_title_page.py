"""The printed page's extras: title page facts, table of contents, key messages, draft mark, small tables."""

from __future__ import annotations

import nbformat
import pytest

from pmo_workbench import reports
from pmo_workbench.notebook.show import RECORD_MIME
from pmo_workbench.reports.page import (
    fieldwork_period,
    image_uri,
    long_date,
    mark_small_tables,
    title_facts,
    with_contents,
)

PNG = "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize(("period", "locale", "text"), [
    # two months of one year; one month; across a year end
    (["2026-03-02", "2026-04-17"], "en_GB", "March – April 2026"),
    (["2026-06-01", "2026-06-30"], "en_GB", "June 2026"),
    (["2025-11-20", "2026-01-15"], "en_GB", "November 2025 – January 2026"),
    # one date, dates out of order, the end given as a full timestamp
    ("2026-05-31", "en_GB", "May 2026"),
    (["2026-04-17", "2026-03-02T10:00:00"], "en_GB", "March – April 2026"),
    # another locale
    (["2026-03-02", "2026-04-17"], "fr_FR", "mars – avril 2026"),
    # nothing readable
    (None, "en_GB", None), ([], "en_GB", None), (["not a date"], "en_GB", None),
])
def test_fieldwork_period(period, locale, text):
    assert fieldwork_period(period, locale) == text


def test_long_date_in_locale():
    assert long_date("2026-05-31") == "31 May 2026"
    assert long_date("2026-05-31", "de_DE") == "31. Mai 2026"
    assert long_date("") is None


@pytest.mark.parametrize(("value", "kept"), [
    (PNG, True),
    ("data:image/svg+xml;base64,PHN2Zy8+", True),
    ("https://example.com/logo.png", False),  # nothing is fetched
    ("data:text/html;base64,PHNjcmlwdD4=", False),
    ("data:image/png;base64,<script>", False),
    (None, False), (12, False),
])
def test_only_image_data_uris_are_embedded(value, kept):
    assert (image_uri(value) is not None) is kept


def test_title_facts_from_the_engagement_record():
    records = {"fieldwork": ["2026-06-01", "2026-06-20"], "engagement": {
        "client": "Korrin Council", "client_logo": PNG, "consultancy": "Northwind", "prepared_for": "The Board",
        "fieldwork": ["2026-03-02", "2026-04-17"], "confidentiality": "Commercial in confidence",
        "version": "1.0", "draft": True, "key_messages": ["One", "", 3, "Two"], "locale": "en_GB"}}
    facts = title_facts(records, organisation="Korrin Regional Council", consultancy="Branding Ltd")
    assert facts == {
        "client": "Korrin Council", "client_logo": PNG, "consultancy": "Northwind", "consultancy_logo": None,
        "prepared_for": "The Board", "fieldwork": "March – April 2026", "status_date": None,
        "confidentiality": "Commercial in confidence", "version": "1.0", "draft": True,
        "key_messages": ["One", "Two"], "locale": "en_GB"}


def test_title_facts_without_an_engagement():
    # positioning: the answers' dates; portfolio: the status date; the client is the organisation
    facts = title_facts({"fieldwork": ["2026-06-01", "2026-06-20"]}, organisation="Org", consultancy=None)
    assert (facts["client"], facts["prepared_for"], facts["fieldwork"], facts["draft"]) == (
        "Org", "Org", "June 2026", False)
    facts = title_facts({"as_of": "2026-05-31", "engagement": "not a mapping"}, organisation="Org",
                        consultancy="C")
    assert (facts["fieldwork"], facts["status_date"], facts["consultancy"]) == (None, "31 May 2026", "C")
    # an unknown locale falls back on en_GB
    assert title_facts({"engagement": {"locale": "xx_YY"}}, organisation="O", consultancy=None)["locale"] == "en_GB"


def test_contents_from_h1_and_h2_with_ids():
    body = ('<h1 id="Executive-summary">Executive summary<a class="anchor-link" href="#x">¶</a></h1>'
            "<h3>Corporate PMO</h3><h1>Risks &amp; issues</h1><h2>Item <em>map</em></h2><h1>Risks &amp; issues</h1>")
    marked, contents = with_contents(body)
    assert contents == [
        {"title": "Executive summary", "id": "Executive-summary", "children": []},
        {"title": "Risks & issues", "id": "Risks-issues", "children": [
            {"title": "Item map", "id": "Item-map", "children": []}]},
        {"title": "Risks & issues", "id": "Risks-issues-2", "children": []},
    ]
    assert '<h1 id="Risks-issues">' in marked and '<h1 id="Risks-issues-2">' in marked


def test_small_tables_are_kept_whole():
    small = '<table class="pmo-table"><thead><tr><th>a</th></tr></thead><tbody>' + "<tr><td>1</td></tr>" * 3
    big = '<table class="pmo-table"><thead><tr><th>a</th></tr></thead><tbody>' + "<tr><td>1</td></tr>" * 20
    marked = mark_small_tables(small + "</tbody></table>" + big + "</tbody></table>")
    assert marked.count('class="pmo-table keep"') == 1 and marked.index("keep") < marked.index("<tr><td>1</td></tr>")
    # three rows of long text: not kept whole
    wordy = small.replace("<td>1</td>", "<td>" + "word " * 50 + "</td>") + "</tbody></table>"
    assert "keep" not in mark_small_tables(wordy)


def _notebook(records: dict, *html: str):
    nb = nbformat.v4.new_notebook()
    outputs = [nbformat.v4.new_output("display_data", data={RECORD_MIME: {"name": k, "value": v}})
               for k, v in records.items()]
    outputs += [nbformat.v4.new_output("display_data", data={"text/html": h}) for h in html]
    nb.cells = [nbformat.v4.new_markdown_cell("# Executive summary"), nbformat.v4.new_code_cell("", outputs=outputs)]
    return nb


def test_export_shows_the_engagement_on_the_title_page_and_the_key_messages_in_the_summary():
    nb = _notebook({"engagement": {
        "client": "<Client>", "consultancy": "Northwind", "fieldwork": ["2026-03-02", "2026-04-17"],
        "confidentiality": "Confidential", "version": "0.9", "draft": True, "key_messages": ["Fund <the> PMO"]}},
        '<div class="key-messages-slot"></div>', "<h2>Scores</h2><p>text</p>")
    spec = reports.ReportSpec("positioning", "Org", None, {}, (), "org")
    html = reports.export_html(nb, spec, vega_js="")
    title, _, body = html.partition('<main class="report">')
    assert "Prepared for</dt><dd>&lt;Client&gt;</dd>" in title and "March – April 2026" in title
    assert "Confidential" in title and "<strong>Draft</strong> (0.9)" in title
    # the engagement's display name of the client, not the answers' spelling, on the title and in the footer
    assert '<p class="organisation">&lt;Client&gt;</p>' in title and "<title>" in html
    assert 'class="page-footer">&lt;Client&gt; ·' in html and ">Org<" not in html
    assert 'class="draft-mark"' in title and '<body class="draft">' in title
    # contents: links to the report's h1 and h2
    assert '<a href="#Executive-summary">Executive summary</a>' in title and '<a href="#Scores">Scores</a>' in title
    # key messages where the notebook asked for them, escaped
    assert "key-messages-slot" not in html
    assert body.index("Key messages") > body.index("Executive summary")
    assert "<li>Fund &lt;the&gt; PMO</li>" in body


def test_export_without_engagement_uses_recorded_fieldwork_and_no_draft():
    nb = _notebook({"fieldwork": ["2026-06-01", "2026-06-30"]})
    html = reports.export_html(nb, reports.ReportSpec("positioning", "Org", None, {}, (), "org"), vega_js="")
    assert "June 2026" in html and 'class="draft-mark"' not in html and "Key messages" not in html


def test_printed_title_page_grows_instead_of_hiding_its_contents():
    # a fixed-height title page with its overflow hidden once cut a long confidentiality line and the contents
    # below it away without a word
    import re

    from pmo_workbench.reports.export import _static

    css = _static("report.css")
    rules = re.findall(r"\.title-page\s*\{([^}]*)\}", css)
    assert rules
    for rule in rules:
        assert "overflow: hidden" not in rule and not re.search(r"(^|[\s;])height:\s*\d", rule), rule
