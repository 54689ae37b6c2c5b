"""The about sheet (status date, currency, organisation), the date rules of the portfolio reader and the
data-quality warnings on implausible dates."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.resources import examples_dir
from tests.helpers import minimal_project, write_portfolio

runner = CliRunner()
KORRIN = examples_dir() / "portfolios" / "korrin-regional-council.xlsx"


def _problems(path) -> list[str]:
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    return [f"{p.path.rsplit('/', 1)[-1]}:{p.row}:{p.column}: {p.message}" for p in info.value.problems]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_the_about_sheet_gives_the_status_date_currency_and_organisation(tmp_path, form):
    when = dt.date(2025, 6, 30) if form == "xlsx" else "2025-06-30"  # an Excel date cell, or its text
    path = write_portfolio(tmp_path, {"projects": [minimal_project()],
                                      "about": [{"status_date": when, "currency": "eur", "organisation": "Acme"}]},
                           form=form)
    p = read_portfolio(path)
    assert (p.status_date, p.currency, p.organisation) == (dt.date(2025, 6, 30), "EUR", "Acme")
    assert analyse_portfolio(p).as_of == pd.Timestamp("2025-06-30")
    assert analyse_portfolio(p, as_of="2025-03-31").as_of == pd.Timestamp("2025-03-31")  # as_of overrides it


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_about_sheet_problems_are_located(tmp_path, form):
    path = write_portfolio(tmp_path, {
        "projects": [minimal_project(currency="GBP")],
        "about": [{"status_date": "2026-02-30", "currency": "XX1", "organisation": "Acme", "status": "x"},
                  {"status_date": "2026-03-31"}]}, form=form)
    sheet = "about.csv" if form == "csv" else "portfolio.xlsx[about]"
    assert _problems(path) == [
        f"{sheet}:1:status: unknown column 'status'; expected status_date, currency, organisation; did you mean "
        "'status_date'?",
        f"{sheet}:2:currency: 'XX1' is not a currency code; expected an ISO 4217 code such as EUR, GBP or USD",
        f"{sheet}:2:status_date: '2026-02-30' is not a real date (no such month or day); expected the date the "
        "workbook's figures are as of as YYYY-MM-DD from 1950 to 2150",
        f"{sheet}:3:None: a second row; expected one row below the header (the about sheet describes the whole "
        "workbook)",
    ]


def test_about_currency_must_agree_with_the_projects_sheet(tmp_path):
    path = write_portfolio(tmp_path, {"projects": [minimal_project(currency="GBP")],
                                      "about": [{"status_date": "2026-03-31", "currency": "EUR"}]})
    assert _problems(path) == ["about.csv:2:currency: 'EUR' differs from the projects sheet's currency 'GBP'; "
                               "expected the same code, or one of them blank"]


def test_a_status_date_outside_the_years_is_located(tmp_path):
    path = write_portfolio(tmp_path, {"projects": [minimal_project()], "about": [{"status_date": "3026-05-31"}]})
    assert _problems(path) == ["about.csv:2:status_date: '3026-05-31' is outside the years 1950-2150; expected the "
                               "date the workbook's figures are as of as YYYY-MM-DD from 1950 to 2150"]


def test_a_long_project_and_a_far_status_date_are_warnings(tmp_path):
    path = write_portfolio(tmp_path, {"projects": [
        minimal_project(project_id="LONG", start="1990-01-01", finish="2031-12-31"),
        minimal_project(project_id="OK", start="2025-01-01", finish="2025-12-31")]})
    p = read_portfolio(path)
    near = {f.check: f for f in analyse_portfolio(p, as_of="2025-06-30").findings}
    assert near["long_project"].project_id == "LONG" and near["long_project"].severity == "warning"
    assert near["long_project"].message == ("LONG Project one is planned to run 42 years, from 1990-01-01 to "
                                            "2031-12-31; check the dates")
    assert "status_date_far" not in near and "OK" not in {f.project_id for f in near.values()
                                                           if f.check == "long_project"}
    far = {f.check: f for f in analyse_portfolio(p, as_of="2150-06-30").findings}
    assert far["status_date_far"].severity == "warning"
    assert "more than 2 years from every date in the workbook" in far["status_date_far"].message


def test_the_extreme_years_analyse_without_overflow(tmp_path):
    """A project from 1950 to 2150 with a tiny SPI and a dependency across the whole range: every derived figure
    is computed (differences of dates within 1950-2150 stay far inside pandas' limits)."""
    path = write_portfolio(tmp_path, {
        "projects": [minimal_project(project_id="A", start="1950-01-01", finish="2150-12-31", pv=1e9, ev=0.01),
                     minimal_project(project_id="B", start="2150-01-01", finish="2150-12-31")],
        "dependencies": [{"from_project": "B", "to_project": "A", "needed_by": "2150-06-30"}]})
    a = analyse_portfolio(read_portfolio(path), as_of="1950-06-30")
    assert a.dependencies.longest_chain_days == (pd.Timestamp("2150-12-31") - pd.Timestamp("1950-01-01")).days
    assert {"long_project"} <= {f.check for f in a.findings}


# -- the command line ---------------------------------------------------------------------------

def test_portfolio_command_takes_the_workbooks_status_date():
    result = runner.invoke(app, ["portfolio", str(KORRIN), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-05-31"
    assert "note:" not in result.stderr
    result = runner.invoke(app, ["portfolio", str(KORRIN), "--format", "json", "--as-of", "2026-06-30"])
    assert json.loads(result.stdout)["as_of"] == "2026-06-30"


def test_without_a_status_date_the_command_says_it_uses_today(tmp_path):
    path = write_portfolio(tmp_path, {"projects": [minimal_project(status_date="2025-05-31")]})
    result = runner.invoke(app, ["portfolio", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == dt.date.today().isoformat()
    assert result.stderr.strip() == (
        f"note: {path} gives no status date (an about sheet, or about.csv, with status_date) and no --as-of was "
        f"given: analysing as of today, {dt.date.today().isoformat()}; the latest status date in its data is "
        "2025-05-31")


@pytest.mark.parametrize(("cells", "message"), [
    ({"finish": "3026-09-30"}, "projects.csv:2:finish: '3026-09-30' is outside the years 1950-2150; expected the "
                               "planned finish as a date (YYYY-MM-DD)"),
    ({"start": "1725-05-01"}, "projects.csv:2:start: '1725-05-01' is outside the years 1950-2150; expected the "
                              "planned start as a date (YYYY-MM-DD)"),
])
def test_impossible_years_are_located_with_exit_2(tmp_path, cells, message):
    path = write_portfolio(tmp_path, {"projects": [minimal_project(**cells)]})
    result = runner.invoke(app, ["portfolio", str(path), "--as-of", "2026-03-31"])
    assert result.exit_code == 2
    assert f"{path}/{message}" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(("value", "why"), [("3026-05-31", "is outside the years 1950-2150"),
                                            ("2026-02-30", "is not a real date (no such month or day)")])
def test_as_of_option_is_read_by_the_date_reader(value, why):
    result = runner.invoke(app, ["portfolio", str(KORRIN), "--as-of", value])
    assert result.exit_code == 2
    assert why in " ".join(result.stderr.replace("│", " ").split())


def test_the_report_notebook_opened_by_hand_reads_the_sample_at_its_own_status_date():
    # the by-hand defaults once fixed as_of at 2026-09-30, a month after the sample's figures (2026-08-31)
    from pmo_workbench.resources import notebooks_dir

    cells = json.loads((notebooks_dir() / "portfolio_health.ipynb").read_text(encoding="utf-8"))["cells"]
    (setup,) = ["".join(c["source"]) for c in cells if "opened by hand" in "".join(c["source"])]
    assert "stellbrook-pharmaceuticals.xlsx" in setup and "as_of =" not in setup
    sample = read_portfolio(examples_dir() / "portfolios" / "stellbrook-pharmaceuticals.xlsx")
    assert analyse_portfolio(sample, as_of=None).as_of == pd.Timestamp("2026-08-31")


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_report_for_another_organisation_than_the_about_sheets_is_refused(tmp_path, form):
    from pmo_workbench.portfolio.about import report_organisation

    path = write_portfolio(tmp_path, {"projects": [minimal_project()],
                                      "about": [{"organisation": "Korrin Regional Council"}]}, form=form)
    book = read_portfolio(path)
    assert report_organisation(book, None) == "Korrin Regional Council"
    assert report_organisation(book, " KORRIN  regional council") == " KORRIN  regional council"
    with pytest.raises(InputValidationError) as caught:
        report_organisation(book, "Acme Ltd")
    where = f"{path}/about.csv" if form == "csv" else f"{path}[about]"
    assert [str(p) for p in caught.value.problems] == [
        f"{where}:2:organisation: the workbook is the portfolio of 'Korrin Regional Council', not of 'Acme Ltd'; "
        "expected the report to be for 'Korrin Regional Council', or the workbook of 'Acme Ltd'"]


def test_names_are_compared_ignoring_punctuation_symbols_and_ampersands(tmp_path):
    from pmo_workbench.portfolio.about import report_organisation

    path = write_portfolio(tmp_path, {"projects": [minimal_project()],
                                      "about": [{"organisation": "Korrin Regional Council"}]})
    book = read_portfolio(path)
    for same in ("Korrin Regional Council.", "Korrin Regional-Council", "KORRIN\u00a0regional council",
                 "Korrin Regional Council\u2019"):   # a stray curly apostrophe
        assert report_organisation(book, same) == same
    other = write_portfolio(tmp_path / "b", {"projects": [minimal_project()],
                                             "about": [{"organisation": "Smith & Jones"}]})
    assert report_organisation(read_portfolio(other), "Smith and Jones") == "Smith and Jones"
    with pytest.raises(InputValidationError):
        report_organisation(book, "Korrin District Council")


def test_the_refusal_names_the_about_sheets_own_row_and_heading(tmp_path):
    from pmo_workbench.portfolio.about import report_organisation

    folder = write_portfolio(tmp_path, {"projects": [minimal_project()]})
    (folder / "about.csv").write_text("Status Date,Organisation\n,\n2026-05-31,Korrin Regional Council\n",
                                      encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        report_organisation(read_portfolio(folder), "Acme")
    problem = caught.value.problems[0]
    assert (problem.row, problem.column.lower()) == (3, "organisation")   # the row below the blank one


def test_report_portfolio_refuses_another_organisations_workbook_before_any_kernel(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "portfolio", "-p", str(KORRIN), "-o", "Acme Ltd", "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "[about]:2:organisation: the workbook is the portfolio of 'Korrin Regional Council'" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_report_portfolio_passes_a_history_without_a_date_as_the_workbooks_own(tmp_path, monkeypatch):
    import pmo_workbench.cli.reports as command

    earlier = KORRIN  # its about sheet gives its status date
    given = {}
    monkeypatch.setattr(command, "run_reports", lambda specs, *a, **k: given.setdefault("specs", specs))
    result = runner.invoke(app, ["report", "portfolio", "-p", str(KORRIN), "-o", "Korrin Regional Council",
                                 "--out", str(tmp_path / "out"), "--history", str(earlier)])
    assert result.exit_code == 0, result.output
    assert given["specs"][0].parameters["history"] == {str(earlier.resolve()): None}


def test_portfolio_evidence_for_another_organisation_is_refused():
    result = runner.invoke(app, ["score", str(examples_dir() / "pmo_responses.csv"), "--portfolio", str(KORRIN),
                                 "--organisation", "Harrowmoor Water Services"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "the workbook is the portfolio of 'Korrin Regional Council', not of 'Harrowmoor" in result.stderr
