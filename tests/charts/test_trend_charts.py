"""Trend charts: valid offline specs with every mark tooltipped, A4 width, untouched inputs, and the
hand-worked figures of the trends fixture (``tests/portfolio/test_portfolio_trends.py``) in their data."""

from __future__ import annotations

import copy
import json
import re

import pandas as pd
import pytest
import vl_convert

from pmo_workbench import charts
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio

from .test_charts import walk
from .test_portfolio_charts import VL_VERSION, _rows, units
from tests.portfolio.test_portfolio_trends import AS_OF, TREND_SHEETS
from tests.reports.test_portfolio_report import write_folder

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def trends(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("trend-charts") / "acme", TREND_SHEETS)
    return analyse_portfolio(read_portfolio(folder), as_of=AS_OF).trends


CASES = {
    "s_curve": lambda t: (charts.s_curve, (t.rollup,), {}),
    "index_trend": lambda t: (charts.index_trend, (t.rollup,), {}),
    "index_trend_by_pmo": lambda t: (charts.index_trend, (t.by_pmo,), {"by": "pmo"}),
}
ALL = pytest.mark.parametrize("name", list(CASES))


@ALL
def test_spec_is_valid_offline_with_tooltips_and_leaves_its_input_alone(name, trends):
    call, args, kwargs = CASES[name](trends)
    kept = copy.deepcopy(args[0])
    spec = call(*args, **kwargs).to_dict()   # validates against the Vega-Lite schema
    json.dumps(spec, allow_nan=False)
    assert spec["datasets"] and not [v for k, v in walk(spec) if k == "url"]
    for unit in units(spec):
        assert unit.get("encoding", {}).get("tooltip"), f"{unit['mark']} mark without tooltip"
    pd.testing.assert_frame_equal(args[0], kept)
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    assert float(re.search(r'<svg[^>]*?\swidth="([\d.]+)"', svg).group(1)) <= charts.MAX_WIDTH


def test_s_curve_holds_the_cumulative_figures_by_date(trends):
    rows = _rows(charts.s_curve(trends.rollup), "line")
    march = {r["series"]: r["value"] for r in rows if r["status_date"] == "2026-03-31"}
    # PV 400 + 200 + 100, EV 360 + 200 + 100, AC 400 + 200 + 125
    assert march == {"Planned value (PV)": 700.0, "Earned value (EV)": 660.0, "Actual cost (AC)": 725.0}


def test_index_trend_draws_the_bands_and_one_line_per_pmo_and_index(trends):
    chart = charts.index_trend(trends.by_pmo, by="pmo", green=(0.95, 1.05), amber=(0.9, 1.1))
    bands = [r["band"] for r in _rows(chart, "rect")]
    assert bands[:3] == ["red: below 0.90", "amber: 0.90-0.95", "green: 0.95-1.05"]
    lines = {(r["group"], r["index"], r["status_date"]): round(r["value"], 4) for r in _rows(chart, "line")}
    # Corporate in January: A (EV 200, AC 200) and D (EV 180, AC 200): CPI 380 / 400 = 0.95
    assert lines[("Corporate", "CPI (cost)", "2026-01-31")] == 0.95
    # Digital in March: B (200 / 200) and C (100 / 125): CPI 300 / 325 = 0.9231
    assert lines[("Digital", "CPI (cost)", "2026-03-31")] == 0.9231


def test_a_pmo_name_is_escaped_in_the_svg(trends):
    by_pmo = trends.by_pmo.assign(pmo=trends.by_pmo["pmo"].replace({"Digital": HOSTILE}))
    svg = vl_convert.vegalite_to_svg(charts.index_trend(by_pmo, by="pmo").to_dict(), vl_version=VL_VERSION)
    assert "<script" not in svg.lower() and "&lt;script&gt;" in svg


def test_s_curve_writes_money_with_the_currency_names_its_lines_and_spaces_dates_by_time(trends):
    spec = charts.s_curve(trends.rollup, currency="GBP").to_dict()
    line = next(u for u in units(spec) if u["mark"]["type"] == "line")["encoding"]
    assert line["y"]["title"] == "Cumulative amount (£)" and "\\u00a3" in line["y"]["axis"]["labelExpr"]  # "£45.6m"
    assert line["x"]["type"] == "temporal"        # a month's gap is drawn wider than a day's
    assert not [u for u in units(spec) if u["encoding"]["color"].get("legend", {}) is None]
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    assert all(name in svg for name in ("Planned value (PV)", "Earned value (EV)", "Actual cost (AC)"))


def test_index_trend_fits_its_axis_and_puts_an_implausible_index_on_the_edge():
    # PMO A's CPI is 50 (EV 400 for AC 8), PMO B's CPI and SPI 0.95, A's SPI 1.0. Median of the six values
    # (0.95, 0.95, 1.0, 50, 50, 1.0 -> 0.95, 0.95, 1.0, 1.0, 50, 50) is 1.0; the spread is the amber band's width
    # 0.2 (larger than the median deviation 0.05), so 50 is more than 3 x 0.2 from 1.0 and outside 0.90-1.10:
    # an outlier. The axis spans the amber band 0.90-1.10 plus 10% of 0.2 each side: 0.88-1.12.
    frame = pd.DataFrame({"status_date": pd.to_datetime(["2026-02-28", "2026-03-31"] * 2),
                          "pmo": ["A", "A", "B", "B"], "projects": 1,
                          "cpi": [50.0, 50.0, 0.95, 0.95], "spi": [1.0, 1.0, 0.95, 0.95]})
    chart = charts.index_trend(frame, by="pmo", green=(0.95, 1.05), amber=(0.9, 1.1))
    line = next(u for u in units(chart.to_dict()) if u["mark"]["type"] == "line")
    domain = line["encoding"]["y"]["scale"]["domain"]
    assert domain == pytest.approx([0.88, 1.12])
    edge = {(r["group"], r["index"], round(r["y"], 4), r["value"]) for r in _rows(chart, "line") if r["clipped"]}
    assert edge == {("A", "CPI (cost)", 1.12, 50.0)}
