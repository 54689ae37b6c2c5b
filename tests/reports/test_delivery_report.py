"""The milestones, benefits and finance blocks from the command line and the manifest, with ``--fy-start``.

The fixture is the report fixture of ``test_portfolio_report`` (status date 2026-06-30; its docstring works out
the delivery figures by hand).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pmo_workbench import reports
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError

from tests.reports.test_portfolio_report import AS_OF, SHEETS, write_folder

runner = CliRunner()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    return write_folder(tmp_path_factory.mktemp("delivery") / "acme", SHEETS)


def test_json_has_the_delivery_blocks(workbook):
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    m = data["milestones"]
    assert m["totals"] == {"milestones": 3, "reached": 1, "overdue": 1, "upcoming": 1, "slipped": 1,
                           "gates_upcoming": 1, "decisions": 1, "horizon_days": 90}
    # Build complete: 08-14 - 06-15 = 60 days of slip, 08-14 - 06-30 = 45 days to go
    assert [(r["milestone"], r["slip_days"], r["days_to_go"]) for r in m["slipped"]] == [
        ("Build complete", 60, 45)]
    assert [r["milestone"] for r in m["decisions"]] == ["Build complete"]
    assert m["overdue"][0]["days_to_go"] == -29  # Go live, planned 06-01
    by_measure = {r["measure"]: r for r in data["benefits"]["by_measure"]}
    assert (by_measure["money"]["realisation"], by_measure["money"]["forecast_shortfall"]) == (0.2, 200.0)
    assert [r["benefit"] for r in data["benefits"]["past_due"]] == ["Staff hours saved"]
    f = data["finance"]
    assert f["fy_start"] == 1 and len(f["months"]) == 12
    assert {k: f["totals"][k] for k in ("year", "in_year_budget", "actual_to_date", "outturn", "variance")} == {
        "year": "2026", "in_year_budget": 1600.0, "actual_to_date": 810.0, "outturn": 1660.0, "variance": -60.0}


def test_fy_start_moves_the_financial_year(workbook):
    # From April: 2026-04 .. 2027-03, to date April-June. P1: budget 9 x 100 = 900, actual 100 + 120 + 90 = 310,
    # forecast 150 + 5 x 100 = 650, outturn 960; P2: budget 7 x 50 = 350, actual 3 x 50, forecast 4 x 50, outturn
    # 350. Portfolio: budget 1250, outturn 1310, variance -60.
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--fy-start", "4", "--format", "json"])
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout)["finance"]["totals"]
    assert (totals["year"], totals["first_month"], totals["in_year_budget"], totals["outturn"], totals["variance"]) == (
        "2026/27", "2026-04", 1250.0, 1310.0, -60.0)


def test_table_output_has_a_line_per_delivery_sheet(workbook):
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "Milestones: 1 overdue, 1 due in the next 90 days (1 stage gates)" in result.stdout
    assert "Financial year 2026: budget 1,600, actual to date 810, forecast outturn 1,660" in result.stdout


def test_a_status_date_outside_the_financials_says_so_in_one_line(workbook):
    # the fixture's financials cover 2026-01 to 2026-12; the year 2030 holds none of them
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", "2030-06-30"])
    assert result.exit_code == 0, result.output
    assert "Financial year 2030: the financials sheet has no month in it (it covers 2026-01 to 2026-12)" in (
        result.stdout)


@pytest.mark.parametrize("command", [["portfolio", "{wb}"],
                                     ["report", "portfolio", "--portfolio", "{wb}", "--organisation", "A",
                                      "--out", "{out}"]])
@pytest.mark.parametrize("value", ["0", "13", "April"])
def test_a_bad_fy_start_exits_2_naming_the_option(workbook, tmp_path, command, value):
    args = [a.format(wb=workbook, out=tmp_path / "out") for a in command]
    result = runner.invoke(app, [*args, "--fy-start", value])
    assert result.exit_code == 2 and "--fy-start" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_the_manifest_passes_fy_start_and_checks_it(tmp_path, workbook):
    manifest = tmp_path / "m.csv"
    manifest.write_text("report,organisation,portfolio,fy_start\n"
                        f"portfolio,A,{workbook},4\n"
                        f"portfolio,B,{workbook},13\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        reports.read_manifest(manifest, allowed=(workbook.parent,))
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "fy_start")]
    manifest.write_text(f"report,organisation,portfolio,fy_start\nportfolio,A,{workbook},4\n", encoding="utf-8")
    assert reports.read_manifest(manifest, allowed=(workbook.parent,))[0].parameters["fy_start"] == 4


def test_the_demo_reads_each_sample_organisations_financial_year():
    specs = {s.organisation: s.parameters.get("fy_start") for s in reports.spec.portfolio_demo_specs()}
    assert specs == {"Korrin Regional Council": 4, "Stellbrook Pharmaceuticals": 1, "Harrowmoor Water Services": 4}


def test_the_report_notebook_takes_fy_start(workbook):
    spec = reports.spec.portfolio_spec(workbook, "A", fy_start=4)
    reports.spec.check_parameters(reports.spec.notebook_path("portfolio"), spec.parameters)  # raises if undeclared
    assert spec.parameters["fy_start"] == 4
