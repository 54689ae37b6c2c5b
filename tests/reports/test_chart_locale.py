"""Charts' numbers in the report language's d3 locale: the static SVG (vl-convert), the Word and deck pictures and
the page's vega-embed all take :func:`pmo_workbench.charts.style.vega_locale` (stubbed here)."""

from __future__ import annotations

import json

import pytest

from pmo_workbench.charts import style
from pmo_workbench.reports import export, records

GERMAN = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " €"]}
SPEC = {"data": {"values": [{"x": "A", "y": 1234.5}]}, "mark": "bar",
        "encoding": {"x": {"field": "x", "type": "nominal"},
                     "y": {"field": "y", "type": "quantitative", "axis": {"format": ",.1f", "values": [1234.5]}}}}


@pytest.fixture
def german_locale(monkeypatch):
    monkeypatch.setattr(style, "vega_locale", lambda: (GERMAN, None), raising=False)


def test_without_a_locale_vega_writes_english_numbers(monkeypatch):
    monkeypatch.setattr(style, "vega_locale", lambda: (None, None), raising=False)
    assert records.locale_options() == {}
    assert "1,234.5" in records.chart_svg(SPEC)
    assert export._vega_locale_json() is None


def test_the_static_chart_and_the_page_take_the_languages_locale(german_locale):
    assert records.locale_options() == {"format_locale": GERMAN}
    assert "1.234,5" in records.chart_svg(SPEC)
    assert json.loads(export._vega_locale_json()) == {"format": GERMAN, "time": None}
