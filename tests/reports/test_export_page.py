"""The HTML page of an executed notebook: what the exporter keeps as it was, and what it adds."""

from __future__ import annotations

import nbformat

from pmo_workbench.i18n import use_language
from pmo_workbench.reports.export import export_html
from pmo_workbench.reports.page import describe_images
from pmo_workbench.reports.records import CHART_MIME
from pmo_workbench.reports.spec import ReportSpec

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


def _notebook(*outputs) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("x = 1", outputs=list(outputs))
    return nbformat.v4.new_notebook(cells=[cell])


def _spec() -> ReportSpec:
    return ReportSpec("positioning", "Alpha", None, {}, (), "alpha-positioning")


def test_an_inline_svg_keeps_its_case_and_an_image_without_a_description_gets_one():
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    svg = nbformat.v4.new_output("display_data", data={CHART_MIME: {"spec": {"mark": "rect"}}, "image/svg+xml": SVG})
    described = nbformat.v4.new_output("display_data", data={"text/html": '<img alt="A logo" src="data:,">'})
    page = export_html(_notebook(png, svg, described), _spec(), vega_js="")
    assert f'<div class="pmo-chart-view">{SVG}</div>' in page  # a chart's SVG inline, as drawn (viewBox's case too)
    assert page.count('alt="No description has been provided for this image"') == 1  # the PNG output's
    assert '<img alt="A logo" src="data:,">' in page  # an image with a description keeps it


def test_exporting_leaves_the_notebook_given_as_it_was():
    html = nbformat.v4.new_output("display_data", data={"text/html": "<p>kept</p>"})
    stderr = nbformat.v4.new_output("stream", name="stderr", text="a warning")
    nb = _notebook(html, stderr)
    before = nbformat.writes(nb)
    page = export_html(nb, _spec(), vega_js="")
    assert "<p>kept</p>" in page and "a warning" not in page
    assert nbformat.writes(nb) == before


NO_ALT = 'alt="No description has been provided for this image"'


def test_an_image_without_a_description_gets_one_however_its_tag_is_written():
    body = ('<p>a > b</p><IMG SRC="b.png"><img\nsrc="c.png"><img data-alt="x" src="d.png"/>'
            '<img title="a>b" alt="Org chart" src="e.png"><img src="f.png" alt><img src="g.png" ALT="Upper">'
            '<script>const t = `<img src="${u}">`;</script><style>img{}</style>')
    described = describe_images(body, "No description has been provided for this image")
    assert described == (f'<p>a > b</p><IMG {NO_ALT} SRC="b.png"><img {NO_ALT}\nsrc="c.png">'
                         f'<img {NO_ALT} data-alt="x" src="d.png"/>'
                         '<img title="a>b" alt="Org chart" src="e.png"><img src="f.png" alt>'
                         '<img src="g.png" ALT="Upper">'
                         '<script>const t = `<img src="${u}">`;</script><style>img{}</style>')
    assert describe_images("<p>no image</p>", "x") == "<p>no image</p>"
    shown_as_text = '<textarea><img src="t"></textarea><title><img src=t></title><img src="u">'
    assert describe_images(shown_as_text, "d") == ('<textarea><img src="t"></textarea><title><img src=t></title>'
                                                   '<img alt="d" src="u">')
    assert describe_images('<img src="a">', 'say "<this>"') == '<img alt="say &quot;&lt;this&gt;&quot;" src="a">'


def test_only_the_report_body_is_described_in_the_pages_language_and_the_scripts_are_left_alone():
    png = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    script = 'var tip = "<img src=" + url + ">";'
    with use_language("de"):
        page = export_html(_notebook(png), _spec(), vega_js=script)
    assert script in page
    assert page.count('alt="Für dieses Bild wurde keine Beschreibung angegeben"') == 1
    assert "No description" not in page
