"""Milestones, benefits and the financial year at the status date, worked out by hand.

Status date 2026-06-30 throughout. Projects: P1 (Corporate, active 2026-01-01 to 2026-12-31), P2 (Digital,
active 2026-03-01 to 2026-10-31, forecast finish 2026-11-30), P3 (Digital, cancelled).
"""

from __future__ import annotations

import math
import warnings

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
    assert by_pmo["Corporate"] == {"parent": None, "milestones": 3, "reached": 1, "overdue": 1, "upcoming": 1,
                                   "slipped": 1, "gates_upcoming": 1, "decisions": 1}
    assert by_pmo["Digital"] == {"parent": None, "milestones": 4, "reached": 0, "overdue": 1, "upcoming": 2,
                                 "slipped": 2, "gates_upcoming": 1, "decisions": 1}
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


def _frame(rows: list[dict], dates=(), periods=()) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in dates:
        frame[column] = pd.to_datetime(frame[column])
    for column in periods:
        frame[column] = frame[column].map(lambda m: pd.Period(m, "M"))
    return frame.assign(source_row=range(2, 2 + len(frame)))


HIERARCHY = pd.DataFrame({"pmo": ["Enterprise", "PMO A", "PMO B"], "parent": [float("nan"), "Enterprise", "Enterprise"],
                          "level": [float("nan")] * 3, "source_row": [2, 3, 4]})


def test_closed_projects_open_milestones_are_a_finding_and_per_pmo_rows_follow_the_hierarchy():
    projects = pd.DataFrame({"project_id": ["P1", "P2", "P4", "P5"], "name": ["A", "B", "D", "E"],
                             "pmo": ["PMO A", "PMO B", None, None], "status": ["active", "active", "closed", "active"]})
    milestones = _frame([
        {"project_id": "P1", "milestone": "Build", "planned": "2026-06-01", "actual": None, "gate": False,
         "decision_needed": False},                                  # overdue
        {"project_id": "P2", "milestone": "Gate 2", "planned": "2026-07-15", "actual": None, "gate": True,
         "decision_needed": True},                                   # upcoming gate needing a decision
        {"project_id": "P4", "milestone": "Gate 3", "planned": "2026-05-01", "actual": None, "gate": True,
         "decision_needed": True},                                   # closed project, not reached: left out
        {"project_id": "P4", "milestone": "Close", "planned": "2025-12-01", "actual": "2025-12-20", "gate": False,
         "decision_needed": False},                                  # closed project, reached: counted
        {"project_id": "P5", "milestone": "Launch", "planned": "2027-06-01", "actual": None, "gate": False,
         "decision_needed": False},                                  # later
    ], dates=["planned", "actual"]).assign(forecast=pd.NaT)
    result = analyse_milestones(milestones, projects, AS_OF, pmos=HIERARCHY)
    assert result.overdue["milestone"].tolist() == ["Build"]
    assert result.gates["milestone"].tolist() == ["Gate 2"] and result.decisions["milestone"].tolist() == ["Gate 2"]
    assert [(f.check, f.project_id, f.row) for f in result.findings] == [("milestone_open_closed_project", "P4", 4)]
    # Enterprise holds PMO A's 1 and PMO B's 1; P4's reached milestone and P5's are the "(no PMO)" row's 2;
    # the top rows, Enterprise 2 + (no PMO) 2, add up to the 4 milestones counted
    rows = result.by_pmo.set_index("pmo")
    assert rows["milestones"].to_dict() == {"Enterprise": 2, "PMO A": 1, "PMO B": 1, "(no PMO)": 2}
    assert rows.at["PMO A", "parent"] == "Enterprise" and rows.at["(no PMO)", "reached"] == 1
    assert result.totals["milestones"] == 4


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
    assert result.totals == {"benefits": 4, "measures": 3, "past_due": 1, "unowned": 1, "behind_plan": 2,
                             "lost": 0}


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


BENEFIT_PROJECTS = pd.DataFrame({"project_id": ["P1", "P3"], "name": ["Alpha", "Gamma"],
                                 "status": ["active", "cancelled"]})


def _benefits(rows: list[dict]) -> pd.DataFrame:
    base = {"project_id": "P1", "benefit": "b", "measure": None, "planned": float("nan"), "forecast": float("nan"),
            "realised": float("nan"), "owner": "Ann", "due": None}
    return _frame([{**base, **r} for r in rows], dates=["due"])


def test_one_basis_per_row_cancelled_benefits_lost_and_unplanned_realised_apart():
    b = _benefits([
        {"benefit": "A", "planned": 100, "forecast": 100, "realised": 50},
        {"benefit": "B", "realised": 100},                                   # no plan: shown apart, a finding
        {"benefit": "H1", "measure": "Hours", "planned": 30, "forecast": 20},
        {"project_id": None, "benefit": "H2", "measure": "hours ", "planned": 10},   # no forecast
        {"project_id": "P3", "benefit": "Lost", "planned": 1000, "forecast": 0, "realised": 0, "due": "2026-01-01"},
    ])
    result = analyse_benefits(b, BENEFIT_PROJECTS, AS_OF)
    by = result.by_measure.set_index("measure").to_dict("index")
    # money: only A has a plan, 50 of 100 realised = 0.5 (not 150 of 100); B's 100 is apart; P3 is lost
    assert (by["money"]["planned"], by["money"]["realised"], by["money"]["realisation"],
            by["money"]["unplanned_realised"]) == (100.0, 50.0, 0.5, 100.0)
    # Hours: planned 30 + 10 = 40; the forecast 20 is set against the 30 planned of the benefit giving it:
    # shortfall 30 - 20 = 10, a share of 10/30
    hours = by["Hours"]
    assert (hours["planned"], hours["forecast_planned"], hours["forecast"], hours["forecast_shortfall"]) == (
        40.0, 30.0, 20.0, 10.0)
    assert hours["shortfall_share"] == pytest.approx(1 / 3)
    assert result.lost["benefit"].tolist() == ["Lost"] and "Lost" not in result.benefits["benefit"].tolist()
    assert result.past_due.empty and result.totals["lost"] == 1
    assert [(f.check, f.row) for f in result.findings] == [("benefit_no_plan", 3)]


@pytest.mark.parametrize("currency, measures", [(None, ["money"]), ("EUR", ["GBP", "money", "£"])])
def test_a_measure_naming_the_currency_is_money_and_owners_differing_in_case_are_one(currency, measures):
    b = _benefits([{"planned": 200, "owner": "Ann Lee"}, {"measure": "£", "planned": 1000, "owner": "ann  lee "},
                   {"measure": "GBP", "planned": 500, "owner": "Ann Lee"}])
    result = analyse_benefits(b, BENEFIT_PROJECTS, AS_OF, currency=currency)
    assert sorted(result.by_measure["measure"]) == measures
    # without a currency, £ and GBP name one currency: money, 200 + 1,000 + 500 = 1,700; with EUR they stay apart
    assert result.by_measure.set_index("measure").at["money", "planned"] == (1700.0 if currency is None else 200.0)
    assert [f.check for f in result.findings] == [] if currency is None else ["benefit_measure_currency"] * 2
    assert result.by_owner["owner"].unique().tolist() == ["Ann Lee"]   # the first spelling


def test_benefit_totals_too_large_to_add_are_a_finding_without_warnings():
    b = _benefits([{"planned": 1e308}, {"planned": 1e308}])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = analyse_benefits(b, BENEFIT_PROJECTS, AS_OF)
    assert math.isnan(result.by_measure.at[0, "planned"])
    assert [f.check for f in result.findings] == ["benefit_total_too_large"]


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


FINANCE_PROJECTS = pd.DataFrame({
    "project_id": ["P1", "P2", "P3"], "name": ["A", "B", "C"], "pmo": ["PMO A", None, "PMO B"],
    "status": ["active", "cancelled", "closed"],
    "start": pd.to_datetime(["2026-04-01", "2026-01-01", "2025-01-01"]),
    "finish": pd.to_datetime(["2026-07-31", "2026-12-31", "2026-04-30"])})
FINANCIALS = _frame([
    {"project_id": "P1", "month": "2026-04", "budget": 100, "actual": 90, "forecast": None},
    {"project_id": "P1", "month": "2026-05", "budget": 100, "actual": None, "forecast": None},  # no actual: finding
    {"project_id": "P1", "month": "2026-06", "budget": 100, "actual": None, "forecast": 100},  # status month
    {"project_id": "P1", "month": "2026-07", "budget": 100, "actual": None, "forecast": 110},
    {"project_id": "P2", "month": "2026-04", "budget": 50, "actual": 40, "forecast": None},
    {"project_id": "P2", "month": "2026-08", "budget": 50, "actual": None, "forecast": 50},    # cancelled: left out
    {"project_id": "P3", "month": "2026-04", "budget": 20, "actual": 20, "forecast": None},
], periods=["month"]).astype({"budget": float, "actual": float, "forecast": float})


def test_mid_month_forecast_missing_actuals_stopped_projects_and_the_hierarchy():
    result = analyse_finance(FINANCIALS, FINANCE_PROJECTS, pd.Timestamp("2026-06-15"), fy_start=4, pmos=HIERARCHY)
    p = result.by_project.set_index("project_id")
    # P1: budget 400; actual 90 (May has none); June has no actual yet, so its forecast 100 counts, with July's 110:
    # forecast 210, outturn 300, variance 100
    assert tuple(p.loc["P1", ["in_year_budget", "actual_to_date", "forecast_remaining", "outturn", "variance"]]) == (
        400.0, 90.0, 210.0, 300.0, 100.0)
    # P2 is cancelled: its August forecast is left out; outturn 40 against 100
    assert (p.at["P2", "outturn"], p.at["P2", "variance"]) == (40.0, 60.0)
    t = result.totals
    # totals: budget 400 + 100 + 20 = 520; actual 90 + 40 + 20 = 150; outturn 300 + 40 + 20 = 360; variance 160
    assert (t["in_year_budget"], t["actual_to_date"], t["outturn"], t["variance"]) == (520.0, 150.0, 360.0, 160.0)
    rows = result.by_pmo.set_index("pmo")
    # Enterprise = PMO A (400) + PMO B (20); P2 names no PMO; top rows 420 + 100 = the 520 in all
    assert rows["in_year_budget"].to_dict() == {"Enterprise": 420.0, "PMO A": 400.0, "PMO B": 20.0,
                                                "(no PMO)": 100.0}
    assert rows.at["Enterprise", "projects"] == 2 and rows.at["Enterprise", "outturn"] == 320.0
    assert sorted((f.check, f.project_id, f.row) for f in result.findings) == [
        ("financials_no_actual", "P1", 3), ("forecast_stopped_project", "P2", 7)]
    assert "2026-05" in next(f.message for f in result.findings if f.check == "financials_no_actual")


def test_a_status_date_outside_the_financials_says_so_with_no_figures():
    result = analyse_finance(FINANCIALS, FINANCE_PROJECTS, pd.Timestamp("2030-06-15"), fy_start=4)
    t = result.totals
    assert (t["projects"], t["actual_to_date"], t["outturn"], t["variance"]) == (0, None, None, None)
    assert (t["data_first_month"], t["data_last_month"]) == ("2026-04", "2026-08")
    assert [f.check for f in result.findings] == ["financials_outside_year"]
    assert "2030/31 (2030-04 to 2031-03): it covers 2026-04 to 2026-08" in result.findings[0].message


# --- in the analysis -----------------------------------------------------------------------------

def test_the_analysis_carries_the_three_blocks_and_their_findings(portfolio):
    result = analyse_portfolio(portfolio, as_of=AS_OF, fy_start=4)
    data = result.to_dict()
    assert data["milestones"]["totals"] == {"milestones": 7, "reached": 1, "overdue": 2, "upcoming": 3,
                                            "slipped": 3, "gates_upcoming": 2, "decisions": 2, "horizon_days": 90}
    assert data["milestones"]["overdue"][0] == {
        "project_id": "P1", "milestone": "Data migrated", "planned": "2026-06-01", "forecast": None,
        "expected": "2026-06-01", "state": "overdue", "slip_days": None, "days_to_go": -29}
    # spreadsheet rows and day counts are whole numbers in the JSON, not 7.0
    assert type(data["milestones"]["overdue"][0]["days_to_go"]) is int
    rows = [f["row"] for f in data["findings"] if f["row"] is not None]
    assert rows and all(type(r) is int for r in rows)
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
    row = pd.read_csv(folder / "budgets.csv").set_index("portfolio").loc[relative]
    p = read_portfolio(folder / relative)
    status = p.projects.set_index("project_id")["status"].astype(str)
    per_project = p.milestones.groupby("project_id").size()
    assert per_project.between(3, 6).all() and set(per_project.index) == set(status[status != "cancelled"].index)
    assert p.milestones["gate"].any() and p.milestones["decision_needed"].any()
    assert p.benefits.groupby("project_id").size().between(1, 3).all()
    assert p.benefits["measure"].isna().any() and p.benefits["measure"].nunique() == 2  # money and two others
    assert set(status[p.financials["project_id"].unique()]) <= {"active", "on_hold"}
    result = analyse_portfolio(p, fy_start=int(row["fy_start"]))  # as of the workbook's own status date
    assert result.milestones.totals["slipped"] > 0 and result.benefits.totals["behind_plan"] > 0
    assert result.finance.totals["in_year_budget"] > 0
