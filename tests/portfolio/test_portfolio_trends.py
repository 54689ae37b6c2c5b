"""Trends through the status history, worked out by hand on a small portfolio (status date 2026-03-31).

No baseline sheet, so schedule health uses plain SPI. Default bands: green 0.95-1.05, amber 0.90-1.10.

Projects now (the projects sheet):
- A active, BAC 1000, PV 400, EV 360, AC 400: CPI 0.90, SPI 0.90, amber; reports green (a watermelon).
- B active, BAC 500, PV 200, EV 200, AC 200: CPI 1.00, SPI 1.00, green; reports amber (reported worse).
- C active, BAC 300, PV 100, EV 100, AC 125: CPI 0.80, red; no history (it starts reporting now);
  last status date 2026-02-15, 44 days before the status date: stale (more than 35).
- D closed, BAC 200: reported in January only, while it ran.

status_history:
- A 2026-01-31 PV 200 EV 200 AC 200 (CPI 1.00, green); 2026-02-28 PV 300 EV 285 AC 300 (CPI 0.95, green).
- B 2026-01-31 PV 100 EV 90 AC 100 (CPI 0.90, amber); no February report: carried forward (it reports again now).
- D 2026-01-31 PV 200 EV 180 AC 200 (CPI 0.90, amber).

Roll-up by hand:
- January: A, B, D. PV 500, EV 470, AC 500: CPI = SPI = 0.94. 1 green (A), 2 amber (B, D).
- February: A, B (carried). PV 400, EV 375, AC 400: CPI = SPI = 0.9375; D left. 1 green, 1 amber.
  Change -0.0025; over A and B alone (both months): January EV 290 / AC 300 = 0.9667, February 0.9375:
  like-for-like change -0.0292.
- March: A, B, C. PV 700, EV 660, AC 725: CPI 660/725 = 0.9103, SPI 660/700 = 0.9429; C joined.
  1 red, 1 amber, 1 green. Change of CPI 0.9103 - 0.9375 = -0.0272; over A and B alone: February 0.9375,
  March EV 560 / AC 600 = 0.9333, change -0.0042 (SPI the same: PV equals AC for A and B).
Per project since February: A PV +100, EV +75, AC +100, CPI 0.90 - 0.95 = -0.05, green -> amber: worsened;
B (from the carried figures) EV +110, CPI +0.10, amber -> green: improved; C new.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.portfolio.trends import combine_history, history_from_portfolios, parse_history

from tests.reports.test_portfolio_report import write_folder

runner = CliRunner()
AS_OF = "2026-03-31"
PROJECT_HEAD = ["project_id", "name", "pmo", "sponsor", "status", "start", "finish", "bac", "pv", "ev", "ac",
                "status_date", "reported_rag"]
TREND_SHEETS = {
    "projects": [
        PROJECT_HEAD,
        ["A", "Alpha", "Corporate", "Ann", "active", "2025-10-01", "2026-12-31", 1000, 400, 360, 400, AS_OF, "green"],
        ["B", "Beta", "Digital", "Ben", "active", "2025-11-01", "2026-10-31", 500, 200, 200, 200, AS_OF, "amber"],
        ["C", "Gamma", "Digital", "Cy", "active", "2026-02-01", "2026-09-30", 300, 100, 100, 125, "2026-02-15", ""],
        ["D", "Delta", "Corporate", "Di", "closed", "2025-06-01", "2026-02-28", 200, 200, 200, 210, "2026-02-28", ""],
    ],
    "status_history": [
        ["project_id", "status_date", "pv", "ev", "ac", "reported_rag"],
        ["A", "2026-01-31", 200, 200, 200, "green"],
        ["A", "2026-02-28", 300, 285, 300, "green"],
        ["B", "2026-01-31", 100, 90, 100, "amber"],
        ["D", "2026-01-31", 200, 180, 200, "amber"],
    ],
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_folder(tmp_path_factory.mktemp("trends") / "acme", TREND_SHEETS)


@pytest.fixture(scope="module")
def analysis(workbook):
    return analyse_portfolio(read_portfolio(workbook), as_of=AS_OF)


def test_rollup_counts_the_projects_in_flight_at_each_date_with_like_for_like_changes(analysis):
    r = analysis.trends.rollup.set_index(analysis.trends.rollup["status_date"].dt.strftime("%Y-%m-%d"))
    assert r["projects"].to_dict() == {"2026-01-31": 3, "2026-02-28": 2, "2026-03-31": 3}
    assert (r["joined"].tolist(), r["left"].tolist()) == ([0, 0, 1], [0, 1, 0])
    assert r[["pv", "ev", "ac"]].loc["2026-02-28"].tolist() == [400, 375, 400]
    assert r["cpi"].round(4).tolist() == [0.94, 0.9375, 0.9103]
    assert r["spi"].round(4).tolist() == [0.94, 0.9375, 0.9429]
    assert r["cpi_change"].round(4).tolist()[1:] == [-0.0025, -0.0272]
    assert r["cpi_change_same"].round(4).tolist()[1:] == [-0.0292, -0.0042]
    assert r[["red", "amber", "green"]].to_numpy().tolist() == [[0, 2, 1], [0, 1, 1], [1, 1, 1]]
    # the last period is the analysis' own headline
    assert round(r["cpi"].iloc[-1], 4) == round(analysis.totals["cpi"], 4)


def test_each_project_changes_since_its_previous_period(analysis):
    periods = analysis.trends.periods
    a = periods[periods["project_id"].eq("A")].iloc[-1]
    assert (a["pv_change"], a["ev_change"], a["ac_change"], round(a["cpi_change"], 4)) == (100, 75, 100, -0.05)
    b = periods[periods["project_id"].eq("B")]
    assert b["carried"].tolist() == [False, True, False]
    assert (b["ev_change"].iloc[-1], round(b["cpi_change"].iloc[-1], 4)) == (110, 0.1)
    assert b["reported_rag"].tolist() == ["amber", None, "amber"]


def test_rag_movement_since_the_last_period(analysis):
    t = analysis.trends
    assert t.movement_counts() == {"worsened": 1, "improved": 1, "check estimate": 0, "unchanged": 0, "new": 1,
                                   "not rated": 0}
    assert t.worsened()[["project_id", "previous_rag", "rag"]].to_numpy().tolist() == [["A", "green", "amber"]]
    period = t.period()
    assert (period["now"]["red"], period["previous"]["red"], period["change"]["red"]) == (1, 0, 1)
    assert (round(period["change"]["cpi"], 4), period["joined"], period["left"]) == (-0.0272, 1, 0)


def test_reported_against_computed_finds_the_watermelon(analysis):
    reported = analysis.trends.reported.set_index("project_id")["verdict"].to_dict()
    assert reported == {"A": "reported greener", "B": "reported worse"}
    found = {(f.check, f.project_id) for f in analysis.findings}
    assert ("reported_greener", "A") in found and ("reported_greener", "B") not in found
    assert ("stale_update", "C") in found   # 2026-02-15 is 44 days before the status date
    assert {(f.check, f.row) for f in analysis.findings} == {("reported_greener", 2), ("stale_update", 4)}
    assert analysis.stale["project_id"].tolist() == ["C"]


def test_json_blocks(analysis):
    data = json.loads(json.dumps(analysis.to_dict(), allow_nan=False))
    trends = data["trends"]
    assert trends["dates"] == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert trends["period"]["now"]["cpi"] == 0.9103 and trends["period"]["cpi_change_same"] == -0.0042
    assert trends["reported_greener"] == [{"project_id": "A", "reported_rag": "green", "rag": "amber"}]
    assert trends["rollup"][-1]["ac"] == 725.0
    assert data["stale_updates"][0]["project_id"] == "C" and data["stale_updates"][0]["age_days"] == 44
    assert isinstance(data["stale_updates"][0]["age_days"], int)
    # the cut-offs the verdicts depend on (default bands, default stale limit)
    assert (data["stale_days"], data["thresholds"]) == (35, {"green": [0.95, 1.05], "amber": [0.9, 1.1]})


def test_without_history_there_are_no_trends(workbook):
    p = read_portfolio(workbook)
    plain = analyse_portfolio(p.__class__(source=p.source, projects=p.projects), as_of=AS_OF)
    assert plain.trends is None and plain.to_dict()["trends"] is None
    # the reported RAG on the projects sheet still gives the watermelon finding
    assert ("reported_greener", "A") in {(f.check, f.project_id) for f in plain.findings}


def test_earlier_workbooks_build_a_history_and_the_sheet_wins_on_the_same_date(workbook, tmp_path):
    earlier = write_folder(tmp_path / "february", {"projects": [
        PROJECT_HEAD[:11],
        ["A", "Alpha", "Corporate", "Ann", "active", "2025-10-01", "2026-12-31", 1000, 300, 999, 300],  # the sheet wins
        ["B", "Beta", "Digital", "Ben", "active", "2025-11-01", "2026-10-31", 500, 150, 150, 150],
        ["P", "Proposed", "Digital", "Pat", "proposed", "2026-06-01", "2026-12-31", 100, 0, 0, 0],
    ]})
    frame = history_from_portfolios([(read_portfolio(earlier), "2026-02-28")])
    assert frame[["project_id", "ev"]].to_numpy().tolist() == [["A", 999.0], ["B", 150.0]]   # in flight only
    p = read_portfolio(workbook)
    combined, notes = combine_history(p.status_history, frame)
    assert [n.check for n in notes] == ["history_overlap"]
    feb = combined[combined["status_date"].eq("2026-02-28")].set_index("project_id")["ev"].to_dict()
    assert feb == {"A": 285.0, "B": 150.0}


def test_cli_history_option_adds_an_earlier_workbook(workbook, tmp_path):
    earlier = write_folder(tmp_path / "february", {"projects": [
        PROJECT_HEAD[:11], ["B", "Beta", "Digital", "Ben", "active", "2025-11-01", "2026-10-31", 500, 150, 150, 150]]})
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--format", "json",
                                 "--history", f"{earlier}=2026-02-28"])
    assert result.exit_code == 0, result.output
    trends = json.loads(result.stdout)["trends"]
    b = [r for r in trends["projects"] if r["project_id"] == "B"]
    # B's February report now comes from the earlier workbook instead of being carried: CPI 1.00, then 1.00
    assert [(r["status_date"], r["carried"], r["cpi"]) for r in b] == [
        ("2026-01-31", False, 0.9), ("2026-02-28", False, 1.0), ("2026-03-31", False, 1.0)]
    assert trends["rollup"][1]["ev"] == 435.0   # A 285 + B 150


@pytest.mark.parametrize(("value", "says"), [
    ("no-equals-sign", "no-equals-sign does not exist"),
    ("{book}=31/03/2026", "'31/03/2026' is not a date"),
    ("{missing}=2026-02-28", "does not exist"),
])
def test_cli_bad_history_is_a_usage_error(workbook, tmp_path, value, says):
    option = value.format(book=workbook, missing=tmp_path / "nowhere.xlsx")
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--history", option])
    assert result.exit_code == 2
    assert says in result.stderr and "Traceback" not in result.output


def test_a_history_without_a_date_takes_the_earlier_workbooks_own_status_date(workbook, tmp_path):
    beta = ["B", "Beta", "Digital", "Ben", "active", "2025-11-01", "2026-10-31", 500, 150, 150, 150]
    dated = write_folder(tmp_path / "february", {"projects": [PROJECT_HEAD[:11], beta],
                                                 "about": [["status_date"], ["2026-02-28"]]})
    undated = write_folder(tmp_path / "undated", {"projects": [PROJECT_HEAD[:11], beta]})
    given = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--history", str(dated), "--format",
                                "json"])
    by_date = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--history", f"{dated}=2026-02-28",
                                  "--format", "json"])
    assert given.exit_code == 0, given.output
    assert json.loads(given.stdout)["trends"] == json.loads(by_date.stdout)["trends"]
    assert "2026-02-28" in json.dumps(json.loads(given.stdout)["trends"])   # the earlier report is in the trends
    refused = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--history", str(undated)])
    assert refused.exit_code == 2 and "Traceback" not in refused.output
    assert ("the workbook gives no status date (an about sheet with status_date); expected PATH=YYYY-MM-DD"
            in refused.stderr)


def test_cli_invalid_earlier_workbook_names_file_row_and_column(workbook, tmp_path):
    bad = write_folder(tmp_path / "bad", {"projects": [
        PROJECT_HEAD[:11],
        ["B", "Beta", "Digital", "Ben", "active", "2025-11-01", "2026-10-31", 500, 150, "lots", 150]]})
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--history", f"{bad}=2026-02-28"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "projects.csv:2:ev" in result.stderr


def test_parse_history_keeps_equals_signs_in_the_path(tmp_path):
    odd = tmp_path / "a=b.xlsx"
    odd.write_bytes(b"")
    path, date = parse_history(f"{odd}=2026-01-31")
    assert (path, date) == (odd, pd.Timestamp("2026-01-31"))


@pytest.mark.parametrize(("relative", "as_of"), [("harrowmoor-water-services", "2026-03-31"),
                                                 ("stellbrook-pharmaceuticals.xlsx", "2026-08-31")])
def test_the_samples_carry_a_history_with_watermelons_and_stale_updates(relative, as_of):
    from pmo_workbench.resources import examples_dir

    portfolio = read_portfolio(examples_dir() / "portfolios" / relative)
    result = analyse_portfolio(portfolio, as_of=as_of)
    history, in_flight = portfolio.status_history, result.headline()["in_flight"]
    assert history["project_id"].value_counts().between(1, 6).all()       # 5-6 monthly reports, fewer if young
    assert len(result.trends.dates) == 7                                    # six month ends and the status date
    assert 1 <= len(result.trends.watermelons()) <= max(1, round(0.1 * in_flight))
    assert 1 <= len(result.stale) <= max(1, round(0.1 * in_flight))
    counts = result.trends.movement_counts()
    assert counts["worsened"] >= 1 and counts["improved"] >= 1


def test_report_spec_passes_history_and_stale_days_to_the_notebook(workbook, tmp_path):
    from pmo_workbench.reports.spec import check_parameters, portfolio_spec

    earlier = write_folder(tmp_path / "february", {"projects": [PROJECT_HEAD[:11]]})
    spec = portfolio_spec(workbook, "Acme", as_of=AS_OF, history={str(earlier): "2026-02-28"}, stale_days=40)
    assert spec.parameters["history"] == {str(earlier.resolve()): "2026-02-28"}
    assert spec.parameters["stale_days"] == 40
    assert str(earlier.resolve() / "projects.csv") in spec.inputs   # a changed earlier workbook re-renders
    check_parameters(spec.notebook_path, spec.parameters)             # the notebook declares both


def test_manifest_rows_pass_history_and_check_it(workbook):
    from pmo_workbench import reports
    from pmo_workbench.errors import InputValidationError

    base = workbook.parent
    write_folder(base / "february", {"projects": [PROJECT_HEAD[:11]]})
    good = base / "good.yaml"
    good.write_text("reports:\n  - {report: portfolio, organisation: A, portfolio: acme, stale_days: 40,\n"
                    "     history: {february: 2026-02-28}}\n", encoding="utf-8")
    spec = reports.read_manifest(good)[0]
    assert spec.parameters["history"] == {str((base / "february").resolve()): "2026-02-28"}
    assert spec.parameters["stale_days"] == 40
    bad = base / "bad.csv"
    bad.write_text("report,organisation,portfolio,history\n"
                   "portfolio,A,acme,february=2026-02-28;nowhere=2026-01-31\n"
                   "portfolio,B,acme,february=31/01/2026\n"
                   "portfolio,C,acme,/etc=2026-01-31\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        reports.read_manifest(bad)
    found = [(p.row, p.column, p.message) for p in caught.value.problems]
    assert [(row, column) for row, column, _ in found] == [(2, "history"), (3, "history"), (4, "history")]
    assert "not found: nowhere" in found[0][2] and "not a date" in found[1][2]


@pytest.mark.parametrize(("history", "message"), [
    # one message each, naming the value as written; no validator's type names beside it
    ("{february: [2026-02-28]}", "february: '[2026-02-28]' is not a date; expected PATH=YYYY-MM-DD, a date from "
                                 "1950 to 2150"),
    ("{february: 20260228}", "february: '20260228' is a number, not a date; expected PATH=YYYY-MM-DD, a date from "
                             "1950 to 2150"),
    ("[february]", "['february'] is a list; expected a mapping of earlier workbooks to their status dates "
                   "({path: YYYY-MM-DD}, a blank date for the workbook's own)"),
])
def test_a_yaml_history_that_is_no_date_is_one_located_problem(workbook, history, message):
    from pmo_workbench import reports
    from pmo_workbench.errors import InputValidationError

    base = workbook.parent
    write_folder(base / "february", {"projects": [PROJECT_HEAD[:11]]})
    manifest = base / "odd-history.yaml"
    manifest.write_text("reports:\n  - {report: portfolio, organisation: A, portfolio: acme,\n"
                        f"     history: {history}}}\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        reports.read_manifest(manifest)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [(2, "history", message)]


def test_reports_of_projects_the_workbook_does_not_hold_are_refused_as_in_the_sheet(workbook, tmp_path):
    earlier = write_folder(tmp_path / "old", {"projects": [
        PROJECT_HEAD[:11], ["Z", "Gone", "Digital", "Zed", "active", "2025-11-01", "2026-10-31", 50, 10, 10, 10]]})
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--history", f"{earlier}=2026-02-28"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "1 project(s) (Z) are not in the current workbook's projects sheet" in result.stderr


def test_table_output_sums_up_the_trends_and_stale_updates(workbook):
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--stale-days", "50"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Trends over 3 status dates: From 2026-02-28 to 2026-03-31 the in-flight CPI went from 0.94 to 0.91" in text
    assert "1 worsened, 1 improved, 0 moved between green and check estimate, 0 unchanged, 1 new, 0 not rated " \
        "(no index). 1 reported greener" in text
    assert "Stale status updates (older than 50 days or undated): 0" in text   # C's 44 days are within 50


# -- review cases: reporting periods, blank figures, dates after the status date, closed projects -----------------
# Status date 2026-03-31, default bands (green 0.95-1.05, amber 0.90-1.10), no baseline (plain SPI).
# Periods are months: P1's 2026-01-30 report is January's; P5's 2026-03-30 report belongs to March, whose figures
# are the projects sheet's. Periods: 2026-01-31, 2026-02-28, 2026-03-31.
# - January: P1 200/180/200, P2 300/300/300: PV 500, EV 480, AC 500, CPI 0.96.
# - February: P1 500/450/500, P2 300/300 and AC blank, carried from January (300), P4 1800/1700/1800,
#   P5 200/200/200: PV 2800, EV 2650, AC 2800, CPI 2650/2800 = 0.9464; P4 and P5 joined.
# - March: P1 400/300/400, P2 500/500/450, P3 300/300/300 (new), P5 300/300/300: PV 1500, EV 1400, AC 1450,
#   CPI 1400/1450 = 0.9655, SPI 1400/1500 = 0.9333; P3 joined, P4 (closed) left. Like for like over P1, P2 and
#   P5: February EV 950 / AC 1000 = 0.95, March 1100 / 1150 = 0.9565, change +0.0065.
# - S-curve in March adds P4's final figures 2000/2000/2100: PV 3500, EV 3400, AC 3550 (it does not fall).
# - P1 fell from PV 500 / EV 450 / AC 500 to 400 / 300 / 400: a cumulative decrease; amber (0.90) to red (0.75).
# - P2 green (CPI 1.00) to check estimate (CPI 500/450 = 1.11 over the amber band): not a worsening.
# - P3's only report is dated 2026-06-30, after the status date: left out; its own date 2026-01-15 is 75 days old.
REVIEW_SHEETS = {
    "projects": [
        PROJECT_HEAD,
        ["P1", "Alpha", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 1000, 400, 300, 400, AS_OF, "green"],
        ["P2", "Beta", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 2000, 500, 500, 450, AS_OF, "amber"],
        ["P3", "Gamma", "PMO B", "S2", "active", "2026-01-01", "2026-12-31", 1000, 300, 300, 300, "2026-01-15", ""],
        ["P4", "Delta", "PMO B", "S2", "closed", "2026-01-01", "2026-03-15", 2000, 2000, 2000, 2100, "2026-03-15",
         ""],
        ["P5", "Eps", "PMO B", "S2", "active", "2026-01-01", "2026-12-31", 1000, 300, 300, 300, AS_OF, ""],
    ],
    "status_history": [
        ["project_id", "status_date", "pv", "ev", "ac", "reported_rag"],
        ["P1", "2026-01-30", 200, 180, 200, "green"],
        ["P1", "2026-02-28", 500, 450, 500, "green"],
        ["P2", "2026-01-31", 300, 300, 300, "green"],
        ["P2", "2026-02-28", 300, 300, "", "green"],          # row 5: AC blank
        ["P3", "2026-06-30", 900, 900, 900, "green"],         # row 6: after the status date
        ["P4", "2026-02-28", 1800, 1700, 1800, "green"],
        ["P5", "2026-02-28", 200, 200, 200, "green"],
        ["P5", "2026-03-30", 300, 300, 300, "green"],         # a day early: March's period
    ],
}


@pytest.fixture(scope="module")
def review_book(tmp_path_factory):
    return write_folder(tmp_path_factory.mktemp("review") / "rv", REVIEW_SHEETS)


@pytest.fixture(scope="module")
def review(review_book):
    return analyse_portfolio(read_portfolio(review_book), as_of=AS_OF)


def test_periods_are_months_and_a_blank_figure_is_carried_not_a_leave(review):
    t = review.trends
    assert [d.date().isoformat() for d in t.dates] == ["2026-01-31", "2026-02-28", AS_OF]
    r = t.rollup
    assert r[["pv", "ev", "ac"]].to_numpy().tolist() == [[500, 480, 500], [2800, 2650, 2800], [1500, 1400, 1450]]
    assert r["cpi"].round(4).tolist() == [0.96, 0.9464, 0.9655]
    assert (r["joined"].tolist(), r["left"].tolist(), r["same_projects"].tolist()) == ([0, 2, 1], [0, 0, 1], [0, 2, 3])
    assert round(t.period()["cpi_change_same"], 4) == 0.0065
    # a project's previous report is its own last report date, never the period's or a carried date
    previous = t.periods.set_index(["project_id", t.periods["status_date"].dt.strftime("%Y-%m-%d")])["previous_date"]
    assert previous[("P1", "2026-02-28")] == pd.Timestamp("2026-01-30")
    assert previous[("P5", AS_OF)] == pd.Timestamp("2026-02-28")


def test_check_estimate_is_not_a_worsening_and_the_counts_add_up(review):
    t = review.trends
    assert t.movement_counts() == {"worsened": 1, "improved": 0, "check estimate": 1, "unchanged": 1, "new": 1,
                                   "not rated": 0}
    assert t.worsened()["project_id"].tolist() == ["P1"]
    from pmo_workbench.portfolio.trends import describe_period
    # March: P1 red, P2 check estimate, P3 and P5 green; February: P1 amber, P4 amber (CPI 1700/1800 = 0.944),
    # P2 and P5 green
    assert describe_period(t.period()).endswith("Red 0 → 1, amber 2 → 0, green 2 → 2, check estimate 0 → 1.")


def test_s_curve_keeps_a_closed_projects_final_figures(review):
    curve = review.trends.s_curve()
    assert curve[["pv", "ev", "ac"]].to_numpy().tolist() == [[500, 480, 500], [2800, 2650, 2800],
                                                            [3500, 3400, 3550]]


def test_history_findings_name_the_rows(review):
    found = {(f.check, f.project_id, f.sheet, f.row) for f in review.findings}
    assert ("history_blank_carried", "P2", "status_history", 5) in found
    assert ("history_after_status_date", "P3", "status_history", 6) in found
    assert ("cumulative_decrease", "P1", "projects", 2) in found
    fell = next(f.message for f in review.findings if f.check == "cumulative_decrease")
    assert "between 2026-02-28 and 2026-03-31 (PV 500.00 to 400.00, EV 450.00 to 300.00, AC 500.00 to 400.00)" in fell
    # the report dated after the status date does not make P3 fresh: 2026-01-15 is 75 days old
    assert review.stale[["project_id", "age_days"]].to_numpy().tolist() == [["P3", 75]]


def test_an_earlier_workbook_keeps_each_projects_own_status_date(review_book, tmp_path):
    earlier = write_folder(tmp_path / "feb", {"projects": [
        PROJECT_HEAD,
        ["P1", "Alpha", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 1000, 500, 450, 500, "2026-02-28", ""],
        ["P3", "Gamma", "PMO B", "S2", "active", "2026-01-01", "2026-12-31", 1000, 300, 300, 300, "2026-01-15", ""],
    ]})
    frame = history_from_portfolios([(read_portfolio(earlier), "2026-02-28")])
    assert frame["status_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-02-28", "2026-01-15"]
    result = analyse_portfolio(read_portfolio(review_book), as_of=AS_OF,
                               history=[(read_portfolio(earlier), "2026-02-28")])
    assert result.stale[["project_id", "age_days"]].to_numpy().tolist() == [["P3", 75]]   # still stale


def test_cli_refuses_conflicting_or_foreign_currency_earlier_workbooks(review_book, tmp_path):
    head = [*PROJECT_HEAD[:11], "currency"]
    one = write_folder(tmp_path / "one", {"projects": [
        head, ["P1", "Alpha", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 1000, 200, 180, 200, "GBP"]]})
    two = write_folder(tmp_path / "two", {"projects": [
        head, ["P1", "Alpha", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 1000, 200, 100, 300, "GBP"]]})
    euro = write_folder(tmp_path / "euro", {"projects": [
        head, ["P1", "Alpha", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 1000, 200, 180, 200, "EUR"]]})
    base = ["portfolio", str(review_book), "--as-of", AS_OF, "--currency", "GBP"]
    clash = runner.invoke(app, [*base, "--history", f"{one}=2026-02-28", "--history", f"{two}=2026-02-28"])
    assert clash.exit_code == 2 and "Traceback" not in clash.output
    assert "P1 on 2026-02-28 in" in clash.stderr and str(one) in clash.stderr and str(two) in clash.stderr
    foreign = runner.invoke(app, [*base, "--history", f"{euro}=2026-02-28"])
    assert foreign.exit_code == 2 and "in EUR, the current workbook's in GBP" in foreign.stderr
    # the report command refuses it too, before any notebook runs, and writes nothing
    out = tmp_path / "report"
    report = runner.invoke(app, ["report", "portfolio", "--portfolio", str(review_book), "--organisation", "Acme",
                                 "--out", str(out), "--as-of", AS_OF, "--currency", "GBP",
                                 "--history", f"{euro}=2026-02-28"])
    assert report.exit_code == 2 and "in EUR, the current workbook's in GBP" in report.stderr
    assert not out.exists() or not any(out.iterdir())


def test_no_trend_says_why(review_book, tmp_path):
    from pmo_workbench.portfolio.trends import no_trend_reason

    march = pd.DataFrame({"status_date": pd.to_datetime(["2026-03-30"])})
    assert no_trend_reason(None, [], AS_OF).startswith("No trend can be drawn: the workbook has no status_history")
    assert no_trend_reason(march, ["2026-05-31"], AS_OF) == (
        "No trend can be drawn: no status report is dated in a month before the status date 2026-03-31 (the "
        "status_history sheet's dates are 2026-03-30; the earlier workbooks are dated 2026-05-31). A trend needs a "
        "report from an earlier month.")
    later = write_folder(tmp_path / "may", {"projects": [PROJECT_HEAD[:11], REVIEW_SHEETS["projects"][1][:11]]})
    p = read_portfolio(review_book)
    result = analyse_portfolio(p.__class__(source=p.source, projects=p.projects), as_of=AS_OF,
                               history=[(read_portfolio(later), "2026-05-31")])
    assert result.trends is None
    assert [f.check for f in result.findings if f.check == "no_trend"] == ["no_trend"]


def test_same_day_history_rows_are_located_and_checked_against_the_projects_sheet(tmp_path):
    # P1 (CPI 300/400 = 0.75, red) reports green only in its status_history row 2, dated the status date.
    # P2's row 3, dated the status date, gives PV 900 / EV 100 / AC 900 against the projects sheet's 500 each.
    book = write_folder(tmp_path / "same", {
        "projects": [PROJECT_HEAD[:12],
                     ["P1", "Alpha", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 1000, 400, 300, 400, AS_OF],
                     ["P2", "Beta", "PMO A", "S1", "active", "2026-01-01", "2026-12-31", 1000, 500, 500, 500, AS_OF]],
        "status_history": [["project_id", "status_date", "pv", "ev", "ac", "reported_rag"],
                           ["P1", AS_OF, 400, 300, 400, "green"],
                           ["P2", AS_OF, 900, 100, 900, "red"]]})
    p = read_portfolio(book)
    result = analyse_portfolio(p, as_of=AS_OF, history=[(p, "2026-05-31")])
    found = {(f.check, f.project_id, f.sheet, f.row) for f in result.findings}
    assert ("reported_greener", "P1", "status_history", 2) in found
    assert ("history_conflicts_projects", "P2", "status_history", 3) in found
    conflict = next(f.message for f in result.findings if f.check == "history_conflicts_projects")
    assert "differs from the projects sheet in PV, EV, AC; the report uses the projects sheet" in conflict
    # the earlier workbook dated after the status date is named, not silently dropped
    assert [f.check for f in result.findings if f.check == "history_not_before"] == ["history_not_before"]
