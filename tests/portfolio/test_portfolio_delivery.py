"""Milestones, benefits and the financial year at the status date, worked out by hand.

Status date 2026-06-30 throughout. Projects: P1 (Corporate, active 2026-01-01 to 2026-12-31), P2 (Digital,
active 2026-03-01 to 2026-10-31, forecast finish 2026-11-30), P3 (Digital, cancelled).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmo_workbench.portfolio import analyse_portfolio
from pmo_workbench.portfolio.delivery import analyse_benefits, analyse_milestones
from pmo_workbench.portfolio.finance import analyse_finance, financial_year
from pmo_workbench.portfolio.workbook import read_portfolio
from pmo_workbench.resources import examples_dir

from tests.helpers import minimal_project, write_portfolio

AS_OF = pd.Timestamp("2026-06-30")
PROJECTS = [
    minimal_project(project_id="P1", name="Alpha", pmo="Corporate", start="2026-01-01", finish="2026-12-31"),
    minimal_project(project_id="P2", name="Beta", pmo="Digital", start="2026-03-01", finish="2026-10-31",
                    forecast_finish="2026-11-30"),
    minimal_project(project_id="P3", name="Gamma", pmo="Digital", status="cancelled", start="2026-01-01",
                    finish="2026-12-31"),
]
MILESTONES = [
    # reached 2026-02-20, planned 2026-02-10: reached 10 days late
    {"project_id": "P1", "milestone": "Design signed off", "planned": "2026-02-10", "actual": "2026-02-20",
     "gate": "yes"},
    # planned 2026-06-15, forecast 2026-07-20: slipped 35 days, upcoming (20 days to go), a gate needing a decision
    {"project_id": "P1", "milestone": "Build gate", "planned": "2026-06-15", "forecast": "2026-07-20", "gate": "yes",
     "decision_needed": "yes"},
    # planned 2026-06-01, no forecast, no actual: overdue by 29 days
    {"project_id": "P1", "milestone": "Data migrated", "planned": "2026-06-01"},
    # planned 2026-09-28 = as_of + 90 days: upcoming on the horizon's last day; a gate
    {"project_id": "P2", "milestone": "Go live gate", "planned": "2026-09-28", "gate": "yes"},
    # planned 2026-12-01, forecast 2027-01-10: slipped 40 days, later (beyond 90 days), a decision needed
    {"project_id": "P2", "milestone": "Handover", "planned": "2026-12-01", "forecast": "2027-01-10",
     "decision_needed": "yes"},
    # actual after the status date: a finding, counted as not reached; planned 2026-07-10 so upcoming
    {"project_id": "P2", "milestone": "Pilot", "planned": "2026-07-10", "actual": "2026-07-12"},
    # forecast 2026-06-20 passed and not reached: a finding; overdue (10 days), slipped 5 days
    {"project_id": "P2", "milestone": "Training", "planned": "2026-06-15", "forecast": "2026-06-20"},
    # the cancelled project's milestones are left out
    {"project_id": "P3", "milestone": "Kick-off", "planned": "2026-02-01"},
]
BENEFITS = [
    {"project_id": "P1", "benefit": "Lower running cost", "planned": 100, "forecast": 80, "realised": 40,
     "owner": "Ann", "due": "2026-12-31"},
    {"project_id": "P2", "benefit": "Licence savings", "measure": "", "planned": 50, "forecast": 50, "realised": 10,
     "owner": "Ben", "due": "2026-05-31"},
    {"project_id": "P2", "benefit": "Staff hours saved", "measure": "hours", "planned": 1000, "forecast": 1200,
     "realised": 300, "owner": None, "due": "2027-03-31"},
    {"project_id": None, "benefit": "Fewer complaints", "measure": "Complaints avoided", "planned": 40,
     "forecast": 30, "realised": 40, "owner": "Board", "due": "2026-03-31"},
]


def _financials():
    # Year from April (fy_start 4): 2026-04 .. 2027-03; to date April, May, June (the status date's month).
    rows = []
    for month in pd.period_range("2026-04", "2027-03", freq="M"):
        past = month <= pd.Period("2026-06", "M")
        rows.append({"project_id": "P1", "month": str(month), "budget": 100,
                     "actual": {"2026-04": 90, "2026-05": 120, "2026-06": 100}.get(str(month)),
                     "forecast": None if past else 110})
    # P2 runs to its forecast finish 2026-11: it gives June's actual and July's forecast only, plus an actual for
    # August (after the status date: not counted) and a row before the year (2026-03: left out).
    rows += [{"project_id": "P2", "month": "2026-06", "budget": 50, "actual": 60},
             {"project_id": "P2", "month": "2026-07", "budget": 50, "forecast": 55},
             {"project_id": "P2", "month": "2026-08", "budget": 50, "actual": 70},
             {"project_id": "P2", "month": "2026-03", "budget": 50, "actual": 999}]
    return rows


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    path = write_portfolio(tmp_path_factory.mktemp("delivery"), {
        "projects": PROJECTS, "milestones": MILESTONES, "benefits": BENEFITS, "financials": _financials()})
    return read_portfolio(path)


# --- milestones ----------------------------------------------------------------------------------

def test_milestone_states_slip_and_days_to_go(portfolio):
    result = analyse_milestones(portfolio.milestones, portfolio.projects, AS_OF)
    m = result.milestones.set_index("milestone")
    assert "Kick-off" not in m.index  # cancelled project
    assert m["state"].to_dict() == {
        "Design signed off": "reached", "Build gate": "upcoming", "Data migrated": "overdue",
        "Go live gate": "upcoming", "Handover": "later", "Pilot": "upcoming", "Training": "overdue"}
    # slip: 2026-02-20 - 02-10 = 10 (reached late); 07-20 - 06-15 = 35; 2027-01-10 - 2026-12-01 = 40;
    # 06-20 - 06-15 = 5; none without a forecast (or with an actual after the status date)
    assert m["slip_days"].dropna().to_dict() == {"Design signed off": 10.0, "Build gate": 35.0, "Handover": 40.0,
                                                 "Training": 5.0}
    # days to go from 06-30: 07-20 is 20; 06-01 is -29; 09-28 is 90; 07-10 is 10
    assert (m.at["Build gate", "days_to_go"], m.at["Data migrated", "days_to_go"],
            m.at["Go live gate", "days_to_go"], m.at["Pilot", "days_to_go"]) == (20.0, -29.0, 90.0, 10.0)
    assert math.isnan(m.at["Design signed off", "days_to_go"])
    assert result.upcoming["milestone"].tolist() == ["Pilot", "Build gate", "Go live gate"]  # soonest first
    assert result.overdue["milestone"].tolist() == ["Data migrated", "Training"]
    assert result.slipped["milestone"].tolist() == ["Handover", "Build gate", "Training"]  # most slip first
    assert result.gates["milestone"].tolist() == ["Build gate", "Go live gate"]
    assert result.decisions["milestone"].tolist() == ["Build gate", "Handover"]
    by_pmo = result.by_pmo.set_index("pmo").to_dict("index")
    assert by_pmo["Corporate"] == {"milestones": 3, "reached": 1, "overdue": 1, "upcoming": 1, "slipped": 1,
                                   "gates_upcoming": 1, "decisions": 1}
    assert by_pmo["Digital"] == {"milestones": 4, "reached": 0, "overdue": 1, "upcoming": 2, "slipped": 2,
                                 "gates_upcoming": 1, "decisions": 1}
    assert [(f.check, f.project_id, f.row) for f in result.findings] == [
        ("milestone_actual_future", "P2", 7), ("milestone_forecast_passed", "P2", 8)]


@pytest.mark.parametrize("horizon, upcoming", [(10, ["Pilot"]), (0, [])])
def test_the_horizon_is_a_setting(portfolio, horizon, upcoming):
    result = analyse_milestones(portfolio.milestones, portfolio.projects, AS_OF, horizon_days=horizon)
    assert result.upcoming["milestone"].tolist() == upcoming and result.totals["horizon_days"] == horizon


@pytest.mark.parametrize("horizon", [-1, 2.5, "90"])
def test_a_bad_horizon_is_refused(portfolio, horizon):
    with pytest.raises(ValueError, match="horizon_days"):
        analyse_milestones(portfolio.milestones, portfolio.projects, AS_OF, horizon_days=horizon)


# --- benefits ------------------------------------------------------------------------------------

def test_benefits_are_totalled_per_measure(portfolio):
    result = analyse_benefits(portfolio.benefits, portfolio.projects, AS_OF)
    by = result.by_measure.set_index("measure").to_dict("index")
    assert list(by) == ["Complaints avoided", "hours", "money"]
    # money: planned 100 + 50 = 150, forecast 80 + 50 = 130, realised 40 + 10 = 50; realisation 50/150 = 1/3;
    # shortfall 150 - 130 = 20, a share of 20/150; one benefit (P1) forecast below plan
    money = by["money"]
    assert (money["benefits"], money["planned"], money["forecast"], money["realised"]) == (2, 150.0, 130.0, 50.0)
    assert money["realisation"] == pytest.approx(1 / 3) and money["forecast_shortfall"] == 20.0
    assert money["shortfall_share"] == pytest.approx(20 / 150) and money["behind_plan"] == 1
    # hours: realised 300 of 1000 = 0.3; forecast 1200 is 200 above plan: shortfall -200
    assert (by["hours"]["realisation"], by["hours"]["forecast_shortfall"], by["hours"]["behind_plan"]) == (
        0.3, -200.0, 0)
    # P2's licence savings were due 2026-05-31 with 10 of 50 realised: past due; the complaints benefit, due
    # 2026-03-31, is fully realised (40 of 40): not past due
    assert result.past_due["benefit"].tolist() == ["Licence savings"]
    assert result.unowned["benefit"].tolist() == ["Staff hours saved"]
    assert [(f.check, f.project_id, f.row) for f in result.findings] == [("benefit_no_owner", "P2", 4)]
    owners = result.by_owner.set_index(["owner", "measure"])
    assert owners.loc[("Ann", "money"), "planned"] == 100.0
    projects = result.by_project.set_index(["project_id", "measure"])
    assert projects.loc[("P2", "money"), "realised"] == 10.0 and projects.loc[("P2", "hours"), "planned"] == 1000.0
    assert result.totals == {"benefits": 4, "measures": 3, "past_due": 1, "unowned": 1, "behind_plan": 2}


def test_measures_differing_in_case_are_one_measure():
    benefits = pd.DataFrame({
        "project_id": ["P1", "P1"], "benefit": ["a", "b"], "measure": ["Hours", " hours"],
        "planned": [10.0, 20.0], "forecast": [float("nan")] * 2, "realised": [5.0, float("nan")],
        "owner": ["Ann", "Ann"], "due": pd.to_datetime([None, None]), "source_row": [2, 3]})
    projects = pd.DataFrame({"project_id": ["P1"], "name": ["Alpha"]})
    by = analyse_benefits(benefits, projects, AS_OF).by_measure
    # 10 + 20 planned, 5 realised (a blank realised adds nothing); no forecast, so no shortfall
    assert by[["measure", "planned", "realised"]].values.tolist() == [["Hours", 30.0, 5.0]]
    assert math.isnan(by["forecast_shortfall"].iloc[0])


# --- the financial year --------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, fy_start, expected", [
    ("2026-06-30", 4, ("2026-04", "2027-03", "2026/27")),
    ("2026-03-31", 4, ("2025-04", "2026-03", "2025/26")),
    ("2026-06-30", 1, ("2026-01", "2026-12", "2026")),
    ("2026-12-15", 12, ("2026-12", "2027-11", "2026/27")),
])
def test_the_financial_year_holds_the_status_date(as_of, fy_start, expected):
    first, last, label = financial_year(pd.Timestamp(as_of), fy_start)
    assert (str(first), str(last), label) == expected


def test_in_year_outturn_and_variance(portfolio):
    result = analyse_finance(portfolio.financials, portfolio.projects, AS_OF, fy_start=4)
    p1 = result.by_project.set_index("project_id").loc["P1"]
    # budget 12 x 100 = 1200; actual to date 90 + 120 + 100 = 310; forecast for July-March 9 x 110 = 990;
    # outturn 310 + 990 = 1300; variance 1200 - 1300 = -100 (an overspend)
    assert (p1["in_year_budget"], p1["actual_to_date"], p1["forecast_remaining"], p1["outturn"], p1["variance"]) == (
        1200.0, 310.0, 990.0, 1300.0, -100.0)
    p2 = result.by_project.set_index("project_id").loc["P2"]
    # March 2026 is before the year; August's actual (70) comes after the status date and is not counted:
    # budget 150, actual 60 (June), forecast 55 (July), outturn 115, variance 35
    assert (p2["in_year_budget"], p2["actual_to_date"], p2["forecast_remaining"], p2["outturn"], p2["variance"]) == (
        150.0, 60.0, 55.0, 115.0, 35.0)
    t = result.totals
    assert (t["year"], t["months_to_date"], t["in_year_budget"], t["actual_to_date"], t["outturn"], t["variance"]) == (
        "2026/27", 3, 1350.0, 370.0, 1415.0, -65.0)
    months = result.months.set_index(result.months["month"].astype(str))
    # June: actual 100 + 60; July: forecast 110 + 55; running outturn to July 90 + 120 + 160 + 165 = 535;
    # running budget to July: P1 4 x 100, P2 June and July 2 x 50 = 500
    assert (months.at["2026-06", "actual"], months.at["2026-07", "forecast"]) == (160.0, 165.0)
    assert months.at["2026-07", "cumulative_outturn"] == 535.0 and months.at["2026-07", "cumulative_budget"] == 500.0
    assert months["to_date"].sum() == 3 and math.isnan(months.at["2026-07", "actual"])
    by_pmo = result.by_pmo.set_index("pmo")
    assert (by_pmo.at["Corporate", "variance"], by_pmo.at["Digital", "variance"]) == (-100.0, 35.0)
    found = [(f.check, f.project_id, f.row) for f in result.findings]
    # P2 runs March-November 2026 (its forecast finish), so April-November in the year: April and May have no
    # actual, August (its actual not counted), September, October and November no forecast
    assert ("actual_after_status_date", "P2", 16) in found and ("financials_gap", "P2", None) in found
    gap = next(f for f in result.findings if f.check == "financials_gap")
    assert "6 month(s)" in gap.message and "2026-04, 2026-05, 2026-08, 2026-09, 2026-10, 2026-11;" in gap.message
    assert not any(f.project_id == "P1" and f.check == "financials_gap" for f in result.findings)


@pytest.mark.parametrize("fy_start", [0, 13, 4.5, "April", True])
def test_a_bad_financial_year_start_is_refused(portfolio, fy_start):
    with pytest.raises(ValueError, match="month number from 1 to 12"):
        analyse_finance(portfolio.financials, portfolio.projects, AS_OF, fy_start=fy_start)


# --- in the analysis -----------------------------------------------------------------------------

def test_the_analysis_carries_the_three_blocks_and_their_findings(portfolio):
    result = analyse_portfolio(portfolio, as_of=AS_OF, fy_start=4)
    data = result.to_dict()
    assert data["milestones"]["totals"] == {"milestones": 7, "reached": 1, "overdue": 2, "upcoming": 3,
                                            "slipped": 3, "gates_upcoming": 2, "decisions": 2, "horizon_days": 90}
    assert data["milestones"]["overdue"][0] == {
        "project_id": "P1", "milestone": "Data migrated", "planned": "2026-06-01", "forecast": None,
        "expected": "2026-06-01", "state": "overdue", "slip_days": None, "days_to_go": -29.0}
    money = next(m for m in data["benefits"]["by_measure"] if m["measure"] == "money")
    assert (money["realisation"], money["forecast_shortfall"]) == (0.3333, 20.0)
    assert data["finance"]["fy_start"] == 4
    assert (data["finance"]["totals"]["outturn"], data["finance"]["totals"]["variance"]) == (1415.0, -65.0)
    checks = {f.check for f in result.findings}
    assert {"milestone_actual_future", "benefit_no_owner", "financials_gap"} <= checks


def test_without_the_sheets_the_blocks_are_none_but_a_bad_year_start_is_still_refused(tmp_path):
    portfolio = read_portfolio(write_portfolio(tmp_path, {"projects": PROJECTS}))
    data = analyse_portfolio(portfolio, as_of=AS_OF).to_dict()
    assert (data["milestones"], data["benefits"], data["finance"]) == (None, None, None)
    with pytest.raises(ValueError, match="month number from 1 to 12"):
        analyse_portfolio(portfolio, as_of=AS_OF, fy_start=0)


# --- the sample portfolios -----------------------------------------------------------------------

@pytest.mark.parametrize("relative", ["korrin-regional-council.xlsx", "stellbrook-pharmaceuticals.xlsx",
                                      "harrowmoor-water-services"])
def test_each_sample_has_milestones_benefits_and_financials_as_designed(relative):
    folder = examples_dir() / "portfolios"
    row = pd.read_csv(folder / "status_dates.csv").set_index("portfolio").loc[relative]
    p = read_portfolio(folder / relative)
    status = p.projects.set_index("project_id")["status"].astype(str)
    per_project = p.milestones.groupby("project_id").size()
    assert per_project.between(3, 6).all() and set(per_project.index) == set(status[status != "cancelled"].index)
    assert p.milestones["gate"].any() and p.milestones["decision_needed"].any()
    assert p.benefits.groupby("project_id").size().between(1, 3).all()
    assert p.benefits["measure"].isna().any() and p.benefits["measure"].nunique() == 2  # money and two others
    assert set(status[p.financials["project_id"].unique()]) <= {"active", "on_hold"}
    result = analyse_portfolio(p, as_of=row["as_of"], fy_start=int(row["fy_start"]))
    assert result.milestones.totals["slipped"] > 0 and result.benefits.totals["behind_plan"] > 0
    assert result.finance.totals["in_year_budget"] > 0
