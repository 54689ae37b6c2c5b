"""Charts' numbers in the report language's d3 locale: the static SVG (vl-convert), the Word and deck pictures and
the page's vega-embed all take :func:`pmo_workbench.charts.style.vega_locale` of the current language."""

from __future__ import annotations

import json

from pmo_workbench.i18n import use_language
from pmo_workbench.reports import export, records

SPEC = {"data": {"values": [{"x": "A", "y": 1234.5}]}, "mark": "bar",
        "encoding": {"x": {"field": "x", "type": "nominal"},
                     "y": {"field": "y", "type": "quantitative", "axis": {"format": ",.1f", "values": [1234.5]}}}}


def test_without_a_locale_vega_writes_english_numbers():
    with use_language("en"):
        assert records.locale_options() == {}
        assert "1,234.5" in records.chart_svg(SPEC)
        assert export._vega_locale_json() is None


def test_the_static_chart_and_the_page_take_the_languages_locale():
    with use_language("de"):
        options = records.locale_options()
        assert (options["format_locale"]["decimal"], options["format_locale"]["thousands"]) == (",", ".")
        assert "Mär" in options["time_format_locale"]["shortMonths"]
        assert "1.234,5" in records.chart_svg(SPEC)
        page = json.loads(export._vega_locale_json())
    assert page == {"format": options["format_locale"], "time": options["time_format_locale"]}
