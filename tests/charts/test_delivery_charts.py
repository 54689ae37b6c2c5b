"""Delivery charts (milestone slip, benefits against plan, the financial year): valid offline specs, tooltips,
A4 width, untouched inputs, and the figures of the report fixture's hand-worked delivery sheets."""

from __future__ import annotations

import copy
import json

import altair as alt
import pandas as pd
import pytest

from pmo_workbench import charts
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio

from .test_charts import walk
from .test_portfolio_charts import _rows, units
from tests.reports.test_portfolio_report import AS_OF, SHEETS, write_folder


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    return analyse_portfolio(read_portfolio(write_folder(tmp_path_factory.mktemp("delivery") / "acme", SHEETS)),
                             as_of=AS_OF)


CASES = {
    "milestone_slip": lambda a: (charts.milestone_slip, (a.milestones.milestones, a.as_of)),
    "benefit_bars": lambda a: (charts.benefit_bars, (a.benefits.by_measure,)),
    "in_year_spend": lambda a: (charts.in_year_spend, (a.finance.months,)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_spec_is_valid_offline_styled_with_tooltips_and_leaves_its_input(name, analysis):
    call, args = CASES[name](analysis)
    kept = copy.deepcopy(args)
    chart = call(*args)
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    json.dumps(spec, allow_nan=False)
    assert spec["datasets"] and not [v for k, v in walk(spec) if k == "url"]
    assert spec["config"]["font"] == charts.FONT
    widths = [v for k, v in walk(spec) if k == "width" and isinstance(v, (int, float))]
    assert widths and max(widths) <= charts.MAX_WIDTH
    for unit in units(spec):
        assert unit.get("encoding", {}).get("tooltip"), f"{unit['mark']} mark without tooltip"
    for now, before in zip(args, kept):
        if isinstance(now, pd.DataFrame):
            pd.testing.assert_frame_equal(now, before)


def test_milestone_slip_draws_open_milestones_soonest_first(analysis):
    rows = _rows(charts.milestone_slip(analysis.milestones.milestones, analysis.as_of), "point")
    # "Design approved" is reached: not drawn; Go live (overdue, 06-01) before Build complete (08-14, 60 days late)
    assert [(r["label"], r["state"], r["slip_days"]) for r in rows] == [
        ("P2 · Go live", "overdue", None), ("P1 · Build complete", "upcoming", 60.0)]


def test_benefit_bars_show_each_measure_against_its_own_plan(analysis):
    rows = _rows(charts.benefit_bars(analysis.benefits.by_measure), "bar")
    shares = {(r["measure"], r["series"]): r["share"] for r in rows}
    # money: forecast 800 / 1000, realised 200 / 1000; hours: realised 100 / 500
    assert (shares[("money", "Forecast")], shares[("money", "Realised")], shares[("hours", "Realised")]) == (
        0.8, 0.2, 0.2)


def test_in_year_spend_runs_budget_against_actual_then_forecast(analysis):
    rows = _rows(charts.in_year_spend(analysis.finance.months), "line")
    outturn = [r for r in rows if r["series"] == "Actual, then forecast"]
    # cumulative outturn at June: P1 610 + P2 4 x 50 = 810; at December 1660; July is the first forecast month
    assert (outturn[5]["value"], outturn[-1]["value"]) == (810.0, 1660.0)
    assert [r["basis"] for r in outturn[5:7]] == ["actual", "forecast"]


def test_benefit_bars_set_the_forecast_against_the_plan_of_the_benefits_that_give_one():
    by_measure = pd.DataFrame([{"measure": "Hours", "planned": 40.0, "realised": 5.0, "forecast_planned": 30.0,
                                "forecast": 20.0}])
    shares = {r["series"]: r["share"] for r in _rows(charts.benefit_bars(by_measure), "bar")}
    # the table's row: shortfall 30 - 20 = 10 of 30, so the forecast bar is 20 / 30 of plan; realised 5 / 40
    assert (shares["Forecast"], shares["Realised"]) == (pytest.approx(2 / 3), 0.125)


def test_in_year_spend_has_a_legend_naming_both_lines(analysis):
    import vl_convert

    vega = vl_convert.vegalite_to_vega(charts.in_year_spend(analysis.finance.months).to_dict())
    vega = json.loads(vega) if isinstance(vega, str) else vega
    assert [legend.get("stroke") for legend in vega["legends"]] == ["color"]
    colour = next(s for s in vega["scales"] if s["name"] == "color")
    assert colour["domain"] == ["Budget", "Actual, then forecast"]


def test_the_in_year_chart_writes_money_in_the_portfolio_currency():
    import pandas as pd

    from pmo_workbench.charts.delivery import in_year_spend

    months = pd.DataFrame({"month": ["2026-04", "2026-05"], "to_date": [True, False], "budget": [100.0, 100.0],
                           "outturn": [90.0, 120.0], "cumulative_budget": [100.0, 200.0],
                           "cumulative_outturn": [90.0, 210.0]})
    spec = in_year_spend(months, currency="GBP").to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    assert y["title"] == "Cumulative spend (£)"
    assert '"\\u00a3"' in y["axis"]["labelExpr"] and '"m"' in y["axis"]["labelExpr"]  # £ as a JSON escape
