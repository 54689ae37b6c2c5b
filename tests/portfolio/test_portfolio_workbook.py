"""Reading a portfolio workbook (CSV folder or .xlsx), and every validation problem with its sheet, row and column."""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio.model import PROJECT_COLUMNS, PROJECT_STATUSES, SHEET_COLUMNS, Portfolio
from pmo_workbench.portfolio.workbook import read_portfolio

from tests.helpers import minimal_project, write_portfolio

FORMS = ("csv", "xlsx")
PROJECTS_NEED = "project_id, name, pmo, sponsor, status, start, finish, bac, pv, ev, ac"


def projects(*overrides: dict) -> list[dict]:
    """ALPHA, BETA, GAMMA (rows 2, 3, 4), each with its overrides."""
    ids = ("ALPHA", "BETA", "GAMMA")
    overrides = overrides + ({},) * (len(ids) - len(overrides))
    return [minimal_project(**{"project_id": pid, **extra}) for pid, extra in zip(ids, overrides)]


def problems_of(path) -> list[tuple]:
    """Every problem as (sheet, row, column, message); sheet is the part of the
    path that names it (``book.xlsx[risks]`` -> ``risks``, ``folder/risks.csv`` -> ``risks``)."""
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    return [(_sheet_of(p.path), p.row, p.column, p.message) for p in info.value.problems]


def _sheet_of(where: str) -> str:
    if where.endswith("]"):
        return where[where.rindex("[") + 1:-1]
    return where.rsplit("/", 1)[-1].removesuffix(".csv")


@pytest.fixture(params=FORMS)
def form(request) -> str:
    return request.param


# -- a workbook that reads -------------------------------------------------------------

def full_workbook() -> dict[str, list[dict]]:
    return {
        "projects": [
            minimal_project(project_id="ALPHA", status="Active", forecast_finish="2026-02-28", strategic_value=7,
                            mandatory="yes", category="IT", score_cost=4, **{"score_strategic fit": 2}),
            minimal_project(project_id="BETA", status="On Hold", sponsor=None, bac=None, forecast_finish=None,
                            strategic_value=None, mandatory=None, category=None, score_cost=None,
                            **{"score_strategic fit": 5}),
            minimal_project(project_id="GAMMA", status="proposed", start="2026-01-01", finish="2026-01-01",
                            forecast_finish=None, strategic_value=0, mandatory="N", category="Ops", score_cost=0,
                            **{"score_strategic fit": 1}),
        ],
        "baseline": [
            {"project_id": "ALPHA", "period_end": "2025-02-28", "cumulative_pv": 200},
            {"project_id": "ALPHA", "period_end": "2025-01-31", "cumulative_pv": 100},
            {"project_id": "BETA", "period_end": "2025-01-31", "cumulative_pv": 50},
            {"project_id": "ALPHA", "period_end": "2025-03-31", "cumulative_pv": 200},  # flat is not a drop
        ],
        "risks": [
            {"risk_id": "R1", "project_id": "ALPHA", "title": "Vendor late", "kind": "Threat", "probability": 0.3,
             "impact": 5000, "owner": "Ann", "category": "supply", "status": "Open"},
            {"risk_id": "R2", "project_id": None, "title": "FX gain", "kind": "opportunity", "probability": 0.5,
             "impact": 1200, "owner": None, "category": None, "status": "closed"},
            {"risk_id": "R3", "project_id": "BETA", "title": None, "kind": "threat", "probability": None,
             "impact": None, "owner": "Bo", "category": "people", "status": None},
        ],
        "dependencies": [
            {"from_project": "BETA", "to_project": "ALPHA", "needed_by": "2025-09-30", "kind": "finish-start"},
            {"from_project": "GAMMA", "to_project": "ALPHA", "needed_by": None, "kind": None},
        ],
        "assignments": [
            {"project_id": "ALPHA", "role": "developer", "month": "2025-03", "demand_fte": 1.5},
            {"project_id": "BETA", "role": "developer", "month": "2025-03", "demand_fte": 0},
        ],
        "capacity": [
            {"role": "developer", "month": "2025-03", "capacity_fte": 2},
            {"role": "developer", "month": "2025-04", "capacity_fte": 2},
        ],
        "criteria": [
            {"criterion": "Strategic fit", "weight": 3},
            {"criterion": "cost", "weight": 1},
        ],
        "status_history": [
            {"project_id": "ALPHA", "status_date": "2025-02-28", "pv": 200, "ev": 180, "ac": 190, "RAG": "Amber"},
            {"project_id": "ALPHA", "status_date": "2025-01-31", "pv": 100, "ev": 100, "ac": 95, "RAG": "green"},
            {"project_id": "BETA", "status_date": "2025-01-31", "pv": None, "ev": None, "ac": None, "RAG": None},
        ],
        "milestones": [
            {"project_id": "ALPHA", "milestone": "Design approved", "planned": "2025-03-15",
             "forecast": "2025-04-01", "actual": None, "gate": "yes", "decision_needed": "y"},
            {"project_id": "BETA", "milestone": "Go live", "planned": "2025-06-30", "forecast": None,
             "actual": "2025-06-20", "gate": None, "decision_needed": None},
        ],
        "benefits": [
            {"project_id": "ALPHA", "benefit": "Lower running cost", "measure": None, "planned": 5000,
             "forecast": 4500, "realised": 1000, "owner": "Ann", "due": "2026-12-31"},
            {"project_id": None, "benefit": "Staff hours saved", "measure": "hours", "planned": 800,
             "forecast": None, "realised": None, "owner": None, "due": None},
        ],
        "financials": [
            {"project_id": "ALPHA", "month": "2025-04", "budget": 100, "actual": 90, "forecast": None},
            {"project_id": "ALPHA", "month": "2025-05", "budget": 120, "actual": None, "forecast": 130},
        ],
    }


def test_a_full_workbook_reads_into_the_contract_frames(tmp_path, form):
    portfolio = read_portfolio(write_portfolio(tmp_path, full_workbook(), form=form))
    assert isinstance(portfolio, Portfolio)

    p = portfolio.projects
    # the contract columns, then one score column per criterion in criteria order, then source_row
    assert list(p.columns) == [*PROJECT_COLUMNS, "score_Strategic fit", "score_cost", "source_row"]
    for name, (dtype, _) in PROJECT_COLUMNS.items():
        assert str(p[name].dtype) == dtype, name
    assert list(p["status"].cat.categories) == list(PROJECT_STATUSES)
    assert p["project_id"].tolist() == ["ALPHA", "BETA", "GAMMA"]
    assert p["status"].tolist() == ["active", "on_hold", "proposed"]  # any case; "On Hold" is on_hold
    assert p["source_row"].tolist() == [2, 3, 4]
    assert p["start"].tolist() == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-01-01"), pd.Timestamp("2026-01-01")]
    assert p["forecast_finish"].iloc[0] == pd.Timestamp("2026-02-28")
    assert p["forecast_finish"].iloc[1:].isna().all()
    # blank sponsor and bac are data-quality findings for the analysis, not errors
    assert pd.isna(p.loc[1, "sponsor"]) and np.isnan(p.loc[1, "bac"])
    assert p["bac"].iloc[0] == 1000.0 and p["ac"].iloc[2] == 450.0
    assert p["strategic_value"].iloc[0] == 7.0 and np.isnan(p["strategic_value"].iloc[1])
    assert p["mandatory"].tolist() == [True, False, False]  # yes, blank, N
    assert p["category"].iloc[0] == "IT" and pd.isna(p["category"].iloc[1])
    assert p["score_Strategic fit"].tolist() == [2.0, 5.0, 1.0]
    assert p["score_cost"].iloc[0] == 4.0 and np.isnan(p["score_cost"].iloc[1])
    assert p["score_cost"].dtype == "float64"

    # every optional sheet: its contract columns, then source_row
    for name, columns in SHEET_COLUMNS.items():
        assert list(getattr(portfolio, name).columns) == [*columns, "source_row"], name

    b = portfolio.baseline  # sorted by project, then period_end
    assert b["project_id"].tolist() == ["ALPHA", "ALPHA", "ALPHA", "BETA"]
    assert b["source_row"].tolist() == [3, 2, 5, 4]
    assert b["period_end"].dtype == "datetime64[ns]" and b["cumulative_pv"].tolist() == [100.0, 200.0, 200.0, 50.0]

    r = portfolio.risks
    assert pd.isna(r["project_id"].iloc[1])  # a portfolio-level risk
    assert r["kind"].tolist() == ["threat", "opportunity", "threat"]
    assert r["probability"].iloc[0] == 0.3 and np.isnan(r["probability"].iloc[2])
    assert r["status"].tolist()[:2] == ["Open", "closed"]  # as written; the analysis lower-cases
    assert str(r["title"].dtype) == "str" and pd.isna(r["title"].iloc[2])
    assert (portfolio.probability_scale, portfolio.impact_scale) == ("ratio", "money")

    d = portfolio.dependencies
    assert d["needed_by"].tolist()[0] == pd.Timestamp("2025-09-30") and pd.isna(d["needed_by"].iloc[1])
    assert d["needed_by"].dtype == "datetime64[ns]" and pd.isna(d["kind"].iloc[1])

    a, c = portfolio.assignments, portfolio.capacity
    assert str(a["month"].dtype) == "period[M]" and a["month"].iloc[0] == pd.Period("2025-03", "M")
    assert a["demand_fte"].tolist() == [1.5, 0.0] and a["demand_fte"].dtype == "float64"
    assert c["month"].tolist() == [pd.Period("2025-03", "M"), pd.Period("2025-04", "M")]

    assert portfolio.criteria["weight"].tolist() == [3.0, 1.0]
    assert portfolio.criteria_names == ("Strategic fit", "cost")

    h = portfolio.status_history  # sorted by project, then date; a "RAG" column reads as reported_rag
    assert h["source_row"].tolist() == [3, 2, 4]
    assert h["reported_rag"].tolist()[:2] == ["green", "amber"] and pd.isna(h["reported_rag"].iloc[2])
    assert h["ev"].tolist()[:2] == [100.0, 180.0] and np.isnan(h["ac"].iloc[2])

    m = portfolio.milestones
    assert m["gate"].tolist() == [True, False] and m["decision_needed"].tolist() == [True, False]
    assert m["forecast"].iloc[0] == pd.Timestamp("2025-04-01") and pd.isna(m["actual"].iloc[0])

    e = portfolio.benefits
    assert pd.isna(e["project_id"].iloc[1]) and pd.isna(e["measure"].iloc[0]) and e["measure"].iloc[1] == "hours"
    assert e["planned"].tolist() == [5000.0, 800.0] and e["due"].iloc[0] == pd.Timestamp("2026-12-31")

    f = portfolio.financials
    assert f["month"].tolist() == [pd.Period("2025-04", "M"), pd.Period("2025-05", "M")]
    assert f["budget"].tolist() == [100.0, 120.0] and np.isnan(f["forecast"].iloc[0])


def test_the_source_is_the_path_as_given(tmp_path):
    path = write_portfolio(tmp_path, {"projects": projects()})
    assert read_portfolio(str(path)).source == str(path)
    assert read_portfolio(path).source == str(path)


def test_csv_and_xlsx_read_the_same(tmp_path):
    sheets = full_workbook()
    from_csv = read_portfolio(write_portfolio(tmp_path, sheets, form="csv"))
    from_xlsx = read_portfolio(write_portfolio(tmp_path, sheets, form="xlsx"))
    for name in ("projects", *SHEET_COLUMNS):
        pd.testing.assert_frame_equal(getattr(from_csv, name), getattr(from_xlsx, name), obj=name)


def test_only_projects_is_required_and_absent_optional_columns_are_filled(tmp_path, form):
    portfolio = read_portfolio(write_portfolio(tmp_path, {"projects": projects()}, form=form))
    for name in SHEET_COLUMNS:
        assert getattr(portfolio, name) is None, name
    p = portfolio.projects
    assert list(p.columns) == [*PROJECT_COLUMNS, "source_row"]
    assert p["forecast_finish"].isna().all() and p["strategic_value"].isna().all()
    assert p["category"].isna().all() and p["mandatory"].tolist() == [False, False, False]
    assert (portfolio.probability_scale, portfolio.impact_scale) == ("ratio", "money")
    assert portfolio.criteria_names == ()


def test_optional_sheets_with_a_header_only_or_nothing_count_as_absent(tmp_path):
    folder = write_portfolio(tmp_path, {"projects": projects(), "capacity": []})  # capacity.csv empty
    (folder / "risks.csv").write_text("risk_id,project_id,kind,probability,impact\n", encoding="utf-8")
    portfolio = read_portfolio(folder)
    assert portfolio.risks is None and portfolio.capacity is None


def test_a_header_only_optional_sheet_still_needs_its_columns(tmp_path):
    folder = write_portfolio(tmp_path, {"projects": projects()})
    (folder / "risks.csv").write_text("risk_id,project_id,kind,probability\n", encoding="utf-8")
    assert problems_of(folder) == [("risks", 1, "impact", "missing required column 'impact' (risks needs "
                                                          "risk_id, project_id, kind, probability, impact)")]


def test_sheet_names_and_headers_match_case_insensitively_after_trimming(tmp_path, form):
    rows = [{f" {k.upper()} ": v for k, v in row.items()} for row in projects()]
    risks = [{" Risk_ID": "R1", "Project_Id ": "ALPHA", "KIND": "THREAT", "Probability": 0.2, "Impact": 10}]
    path = write_portfolio(tmp_path, {" Projects ": rows, "RISKS": risks}, form=form)
    portfolio = read_portfolio(path)
    assert portfolio.projects["project_id"].tolist() == ["ALPHA", "BETA", "GAMMA"]
    assert portfolio.risks["kind"].tolist() == ["threat"]


def test_problems_name_the_header_and_the_sheet_as_written(tmp_path, form):
    rows = [{("BAC" if k == "bac" else k): v for k, v in row.items()} for row in projects({"bac": "abc"})]
    path = write_portfolio(tmp_path, {"Projects": rows}, form=form)
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    (problem,) = info.value.problems
    where = f"{path}[Projects]" if form == "xlsx" else str(path / "Projects.csv")
    assert (problem.path, problem.row, problem.column) == (where, 2, "BAC")


@pytest.mark.parametrize(
    ("status", "read_as"),
    [
        ("proposed", "proposed"), ("ACTIVE", "active"), ("on_hold", "on_hold"), ("On Hold", "on_hold"),
        ("on-hold", "on_hold"), ("ON - HOLD", "on_hold"), ("Closed", "closed"), ("cancelled", "cancelled"),
    ],
)
def test_status_spellings(tmp_path, status, read_as):
    portfolio = read_portfolio(write_portfolio(tmp_path, {"projects": projects({"status": status})}))
    assert portfolio.projects["status"].iloc[0] == read_as


@pytest.mark.parametrize(
    ("given", "read_as"),
    [
        ("true", True), ("TRUE", True), ("yes", True), ("Y", True), ("1", True),
        ("false", False), ("No", False), ("n", False), ("0", False), (None, False),
    ],
)
def test_mandatory_spellings(tmp_path, given, read_as):
    mandatory = read_portfolio(write_portfolio(tmp_path, {"projects": projects({"mandatory": given})})).projects[
        "mandatory"]
    assert mandatory.dtype == bool and mandatory.iloc[0] == read_as


@pytest.mark.parametrize(
    ("given", "read_as"),
    [
        ("1250", 1250.0),
        ("1250.75", 1250.75),
        ("1e3", 1000.0),                  # 1 x 10^3
        ("1,250,000.50", 1250000.5),      # thousands commas
        ("1,250", 1250.0),                # three digits after one comma: thousands, not 1.25
        ("12,5", 12.5),                   # decimal comma (semicolon CSVs from a European Excel)
        ("0,75", 0.75),
        ("1.250,5", 1250.5),              # thousands dots with a decimal comma
    ],
)
def test_number_spellings(tmp_path, given, read_as):
    portfolio = read_portfolio(write_portfolio(tmp_path, {"projects": projects({"bac": given})}))
    assert portfolio.projects["bac"].iloc[0] == read_as


def test_semicolon_csv_with_bom_and_decimal_commas(tmp_path):
    folder = tmp_path / "pf"
    folder.mkdir()
    (folder / "projects.csv").write_bytes(
        "project_id;name;pmo;sponsor;status;start;finish;bac;pv;ev;ac\n"
        "ALPHA;Café;EPMO;Ann;active;2025-01-01;2025-12-31;1000,5;500;400;450,25\n".encode("utf-8-sig"))
    p = read_portfolio(folder).projects
    assert p["name"].iloc[0] == "Café"
    assert (p["bac"].iloc[0], p["ac"].iloc[0]) == (1000.5, 450.25)


def write_semicolon_folder(tmp_path, sheets: dict[str, list[list[str]]]):
    """A CSV folder whose files are ``;``-separated (rows of cell texts, header first), as a European Excel
    saves them."""
    folder = tmp_path / "semicolon"
    folder.mkdir()
    for name, rows in sheets.items():
        (folder / f"{name}.csv").write_text("\n".join(";".join(row) for row in rows) + "\n", encoding="utf-8")
    return folder


PROJECTS_HEADER = ["project_id", "name", "pmo", "sponsor", "status", "start", "finish", "bac", "pv", "ev", "ac"]


def semicolon_projects(bac: str = "1000") -> list[list[str]]:
    return [PROJECTS_HEADER, ["ALPHA", "Alpha", "EPMO", "Ann", "active", "2025-01-01", "2025-12-31", bac, "500",
                              "400", "450"]]


# In a ';' file ',' is the decimal mark (',' cannot be a thousands separator there), '.' may
# group thousands; a lone '.' with no ',' still reads as a decimal point (files written by programs)
@pytest.mark.parametrize(
    ("given", "read_as"),
    [
        ("1,125", 1.125),                 # 1 + 125/1000, not 1125
        ("1,250", 1.25),                  # 1 + 250/1000
        ("0,5", 0.5),
        ("0,125", 0.125),                 # 125/1000
        ("12,5", 12.5),
        ("-0,5", -0.5),                   # (negative: reported by the caller, but read as -0.5 first)
        (",5", 0.5),
        ("1.250,5", 1250.5),              # thousands dot, decimal comma: 1250 + 5/10
        ("1.250.000", 1250000.0),         # thousands dots only
        ("1.250.000,75", 1250000.75),
        ("1250", 1250.0),
        ("0.5", 0.5),                     # a decimal point with no comma
        ("1e3", 1000.0),                  # 1 x 10^3
    ],
)
def test_numbers_in_a_semicolon_csv_use_the_decimal_comma(tmp_path, given, read_as):
    if given.startswith("-"):
        rows = [["project_id", "role", "month", "demand_fte"], ["ALPHA", "dev", "2025-03", given]]
        with pytest.raises(InputValidationError) as info:
            read_portfolio(write_semicolon_folder(tmp_path, {"projects": semicolon_projects(), "assignments": rows}))
        (problem,) = info.value.problems
        assert problem.message == f"'{given}' is negative; expected the demand in FTE (a number >= 0)"
        return
    p = read_portfolio(write_semicolon_folder(tmp_path, {"projects": semicolon_projects(bac=given)})).projects
    assert p["bac"].iloc[0] == pytest.approx(read_as, rel=1e-12)


def test_decimal_commas_in_semicolon_assignments_and_criteria(tmp_path):
    # demand 1,125 and 0,5 FTE; weights 0,125 and 0,5
    folder = write_semicolon_folder(tmp_path, {
        "projects": [[*PROJECTS_HEADER, "score_fit", "score_cost"],
                     ["ALPHA", "Alpha", "EPMO", "Ann", "proposed", "2026-01-01", "2026-06-30", "100", "0", "0", "0",
                      "10", "0"]],
        "assignments": [["project_id", "role", "month", "demand_fte"],
                        ["ALPHA", "Dev", "2025-01", "1,125"], ["ALPHA", "Dev", "2025-02", "0,5"]],
        "criteria": [["criterion", "weight"], ["fit", "0,125"], ["cost", "0,5"]],
    })
    portfolio = read_portfolio(folder)
    assert portfolio.assignments["demand_fte"].tolist() == [1.125, 0.5]  # 1 + 125/1000; 5/10
    assert portfolio.criteria["weight"].tolist() == [0.125, 0.5]         # 125/1000; 5/10


@pytest.mark.parametrize("given", ["1,250,000", "1,250.5", "1.25,5"])
def test_a_thousands_comma_in_a_semicolon_csv_is_reported(tmp_path, given):
    with pytest.raises(InputValidationError) as info:
        read_portfolio(write_semicolon_folder(tmp_path, {"projects": semicolon_projects(bac=given)}))
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (2, "bac")
    assert problem.message == (f"'{given}' is not a number (the file is ';'-separated, so ',' is its decimal "
                               "mark); expected the budget at completion in money (>= 0)")


@pytest.mark.parametrize(
    ("given", "read_as"),
    [
        ("1,125", 1125.0),      # a ',' file keeps reading d,ddd as thousands
        ("1,250", 1250.0),
        ("0,125", 0.125),       # a thousands group never starts with 0: decimal comma, 125/1000
        ("0,5", 0.5),
    ],
)
def test_commas_in_a_comma_csv_keep_their_meaning(tmp_path, given, read_as):
    rows = [{"project_id": "ALPHA", "role": "dev", "month": "2025-03", "demand_fte": given}]  # written quoted
    portfolio = read_portfolio(write_portfolio(tmp_path, {"projects": projects(), "assignments": rows}))
    assert portfolio.assignments["demand_fte"].iloc[0] == read_as


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    folder = write_portfolio(tmp_path, {"projects": projects()})
    text = (folder / "projects.csv").read_text(encoding="utf-8").splitlines()
    # header, ALPHA, blank, BETA, blank, blank, GAMMA with a bad bac -> rows 2, 4, 7
    lines = [text[0], text[1], "", text[2], ",,,", "", text[3].replace(",1000,", ",-1,")]
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert problems_of(folder) == [
        ("projects", 7, "bac", "'-1' is negative; expected the budget at completion in money (>= 0)")]
    lines[-1] = text[3]
    (folder / "projects.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_portfolio(folder).projects["source_row"].tolist() == [2, 4, 7]


def test_excel_date_cells_and_typed_cells(tmp_path):
    sheets = {
        "projects": projects({"start": dt.datetime(2025, 2, 1), "finish": dt.date(2025, 11, 30), "mandatory": True,
                              "bac": 1500.5}),
        "assignments": [
            {"project_id": "ALPHA", "role": "dev", "month": dt.date(2025, 3, 15), "demand_fte": 1},  # its month
            {"project_id": "ALPHA", "role": "dev", "month": dt.datetime(2025, 4, 1, 9, 30), "demand_fte": 0.5},
        ],
        "dependencies": [{"from_project": "BETA", "to_project": "ALPHA", "needed_by": dt.datetime(2025, 5, 1)}],
    }
    portfolio = read_portfolio(write_portfolio(tmp_path, sheets, form="xlsx"))
    p = portfolio.projects
    assert (p["start"].iloc[0], p["finish"].iloc[0]) == (pd.Timestamp("2025-02-01"), pd.Timestamp("2025-11-30"))
    assert p["mandatory"].iloc[0] and p["bac"].iloc[0] == 1500.5
    assert portfolio.assignments["month"].tolist() == [pd.Period("2025-03", "M"), pd.Period("2025-04", "M")]
    assert portfolio.dependencies["needed_by"].iloc[0] == pd.Timestamp("2025-05-01")


def test_a_person_column_stands_for_role(tmp_path):
    sheets = {
        "projects": projects(),
        "assignments": [{"project_id": "ALPHA", "Person": "Ann", "month": "2025-03", "demand_fte": 0.5}],
        "capacity": [{"person": "Ann", "month": "2025-03", "capacity_fte": 1}],
    }
    portfolio = read_portfolio(write_portfolio(tmp_path, sheets))
    assert portfolio.assignments["role"].tolist() == ["Ann"] and portfolio.capacity["role"].tolist() == ["Ann"]


def test_other_sheets_files_and_columns_are_ignored(tmp_path, form):
    sheets = {
        "projects": [{**row, "notes": "whatever", "": None} for row in projects()],
        "README": [{"text": "how to fill this in"}],
        "pivot": [{"x": "=1/0"}],  # a formula with no saved result, in a sheet nobody reads
    }
    portfolio = read_portfolio(write_portfolio(tmp_path, sheets, form=form))
    assert "notes" not in portfolio.projects.columns


def test_reading_leaves_the_files_unchanged(tmp_path, form):
    path = write_portfolio(tmp_path, full_workbook(), form=form)
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    before = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    read_portfolio(path)
    assert [hashlib.sha256(f.read_bytes()).hexdigest() for f in files] == before


# -- risk scales -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("probabilities", "impacts", "scales"),
    [
        ([0.1, 0.9, 0.5], [10_000, 250, 0], ("ratio", "money")),
        ([0, 1, None], [1, 5, None], ("ratio", "ordinal")),      # 0 and 1 fit 0..1; impacts all whole 1..5
        ([1, 1, 1], [3, 3, 3], ("ratio", "ordinal")),            # 1 alone is read as certainty on 0..1
        ([1, 2, 1], [3, 3, 3], ("ordinal", "ordinal")),          # 2 exists only on 1-5: the 1s are "very low"
        ([1, 3, 5], [1, 2, 6], ("ordinal", "money")),            # 6 is beyond 1..5: money
        ([2, 4, 5], [2.5, 3, 4], ("ordinal", "money")),          # 2.5 is not whole: money
        ([None, None, None], [None, None, None], ("ratio", "money")),
    ],
)
def test_risk_scales_are_decided_once_per_sheet(tmp_path, probabilities, impacts, scales):
    risks = [{"risk_id": f"R{i}", "project_id": "ALPHA", "kind": "threat", "probability": p, "impact": x}
             for i, (p, x) in enumerate(zip(probabilities, impacts))]
    portfolio = read_portfolio(write_portfolio(tmp_path, {"projects": projects(), "risks": risks}))
    assert (portfolio.probability_scale, portfolio.impact_scale) == scales
    # values are kept as given, on their scale
    assert portfolio.risks["probability"].tolist() == pytest.approx(
        [np.nan if p is None else p for p in probabilities], nan_ok=True)


# -- every problem, located ---------------------------------------------------------------

def risks_rows(*rows: tuple) -> list[dict]:
    """(risk_id, project_id, kind, probability, impact) tuples as risks rows (rows 2, 3, ...)."""
    keys = ("risk_id", "project_id", "kind", "probability", "impact")
    return [dict(zip(keys, row)) for row in rows]


CASES = [
    # -- projects: columns
    ("missing column", {"projects": [{k: v for k, v in r.items() if k != "sponsor"} for r in projects()]},
     [("projects", 1, "sponsor", f"missing required column 'sponsor' (projects needs {PROJECTS_NEED})")]),
    ("misspelt column",
     {"projects": [{("sponser" if k == "sponsor" else k): v for k, v in r.items()} for r in projects()]},
     [("projects", 1, "sponsor", f"missing required column 'sponsor' (projects needs {PROJECTS_NEED}); "
                                 "did you mean 'sponser'?")]),
    # -- projects: ids and required values
    ("duplicate project_id", {"projects": [*projects(), minimal_project(project_id="ALPHA")]},
     [("projects", 5, "project_id", "project_id 'ALPHA' appears again; first in row 2 (each project once)")]),
    ("blank project_id", {"projects": projects({}, {"project_id": None})},
     [("projects", 3, "project_id", "missing project_id; expected a project id, unique in the sheet")]),
    ("blank status", {"projects": projects({"status": None})},
     [("projects", 2, "status", "missing status; expected one of proposed, active, on_hold, closed, cancelled")]),
    ("blank start", {"projects": projects({"start": None})},
     [("projects", 2, "start", "missing start; expected the planned start as a date (YYYY-MM-DD)")]),
    ("blank finish", {"projects": projects({}, {}, {"finish": None})},
     [("projects", 4, "finish", "missing finish; expected the planned finish as a date (YYYY-MM-DD)")]),
    ("unknown status", {"projects": projects({"status": "paused"})},
     [("projects", 2, "status", "'paused' is not a status; expected one of proposed, active, on_hold, closed, "
                                "cancelled")]),
    # -- projects: money
    ("bac not a number", {"projects": projects({"bac": "abc"})},
     [("projects", 2, "bac", "'abc' is not a number; expected the budget at completion in money (>= 0)")]),
    ("negative pv", {"projects": projects({"pv": -5})},
     [("projects", 2, "pv", "'-5' is negative; expected the planned value to the status date in money (>= 0)")]),
    ("ev not a number", {"projects": projects({}, {"ev": "1.2.3"})},
     [("projects", 3, "ev", "'1.2.3' is not a number; expected the earned value to the status date in money "
                            "(>= 0)")]),
    ("negative ac", {"projects": projects({}, {}, {"ac": "-0.01"})},
     [("projects", 4, "ac", "'-0.01' is negative; expected the actual cost to the status date in money (>= 0)")]),
    ("infinity is not a number", {"projects": projects({"bac": "inf"})},
     [("projects", 2, "bac", "'inf' is not a number; expected the budget at completion in money (>= 0)")]),
    # 1e308 is finite, but two such budgets sum to infinity: refused above 1e15, located
    ("an implausibly large amount", {"projects": projects({"bac": "1e308"})},
     [("projects", 2, "bac", "'1e308' is implausibly large (above 1,000,000,000,000,000); expected the budget at "
                             "completion in money (>= 0)")]),
    ("a currency sign is not a number", {"projects": projects({"bac": "€100"})},
     [("projects", 2, "bac", "'€100' is not a number; expected the budget at completion in money (>= 0)")]),
    # -- projects: dates
    ("finish before start", {"projects": projects({"start": "2025-06-01", "finish": "2025-05-31"})},
     [("projects", 2, "finish", "'2025-05-31' is before the start '2025-06-01'; expected the planned finish on or "
                                "after the planned start")]),
    ("start not ISO", {"projects": projects({"start": "01/02/2025"})},
     [("projects", 2, "start", "'01/02/2025' is not a date; expected the planned start as a date (YYYY-MM-DD)")]),
    ("no such day", {"projects": projects({"start": "2025-02-30"})},
     [("projects", 2, "start", "'2025-02-30' is not a real date (no such month or day); expected the planned start "
                               "as a date (YYYY-MM-DD)")]),
    ("a year typed 3026", {"projects": projects({"finish": "3026-09-30"})},
     [("projects", 2, "finish", "'3026-09-30' is outside the years 1950-2150; expected the planned finish as a date "
                                "(YYYY-MM-DD)")]),
    ("a date cell in 3026", {"projects": projects({"finish": dt.date(3026, 9, 30)})},
     [("projects", 2, "finish", "'3026-09-30' is outside the years 1950-2150; expected the planned finish as a date "
                                "(YYYY-MM-DD)")]),
    ("a start in 1725", {"projects": projects({"start": "1725-05-01"})},
     [("projects", 2, "start", "'1725-05-01' is outside the years 1950-2150; expected the planned start as a date "
                               "(YYYY-MM-DD)")]),
    ("a number for a date", {"projects": projects({"start": 46000})},
     [("projects", 2, "start", "'46000' is a number, not a date; expected the planned start as a date (YYYY-MM-DD)")]),
    ("a month in 2999", {"assignments": [{"project_id": "ALPHA", "role": "Dev", "month": "2999-01",
                                          "demand_fte": 1}]},
     [("assignments", 2, "month", "'2999-01' is outside the years 1950-2150; expected a month as YYYY-MM")]),
    ("a month is not a date", {"projects": projects({"finish": "2025-12"})},
     [("projects", 2, "finish", "'2025-12' is not a date; expected the planned finish as a date (YYYY-MM-DD)")]),
    ("forecast_finish not a date", {"projects": projects({"forecast_finish": "soon"})},
     [("projects", 2, "forecast_finish", "'soon' is not a date; expected the forecast finish as a date "
                                         "(YYYY-MM-DD) or blank")]),
    # -- projects: optional columns
    ("strategic_value above 10", {"projects": projects({"strategic_value": 11})},
     [("projects", 2, "strategic_value", "'11' is outside 0-10; expected the strategic value, a number from 0 "
                                         "to 10")]),
    ("strategic_value below 0", {"projects": projects({"strategic_value": -1})},
     [("projects", 2, "strategic_value", "'-1' is outside 0-10; expected the strategic value, a number from 0 "
                                         "to 10")]),
    ("mandatory not yes/no", {"projects": projects({"mandatory": "maybe"})},
     [("projects", 2, "mandatory", "'maybe' is not a yes/no value; expected true/false, yes/no, y/n, 1/0 or "
                                   "blank (= false)")]),
    # -- baseline
    ("baseline unknown project, close match",
     {"baseline": [{"project_id": "ALPHE", "period_end": "2025-01-31", "cumulative_pv": 1}]},
     [("baseline", 2, "project_id", "unknown project 'ALPHE': no such project_id in the projects sheet; did you "
                                    "mean 'ALPHA'?")]),
    ("baseline unknown project, other case",
     {"baseline": [{"project_id": "alpha", "period_end": "2025-01-31", "cumulative_pv": 1}]},
     [("baseline", 2, "project_id", "unknown project 'alpha': no such project_id in the projects sheet; did you "
                                    "mean 'ALPHA'?")]),
    ("baseline unknown project, nothing close",
     {"baseline": [{"project_id": "ZZZ", "period_end": "2025-01-31", "cumulative_pv": 1}]},
     [("baseline", 2, "project_id", "unknown project 'ZZZ': no such project_id in the projects sheet")]),
    ("baseline duplicate period",
     {"baseline": [{"project_id": "ALPHA", "period_end": "2025-01-31", "cumulative_pv": 1},
                   {"project_id": "BETA", "period_end": "2025-01-31", "cumulative_pv": 1},
                   {"project_id": "ALPHA", "period_end": "2025-01-31", "cumulative_pv": 2}]},
     [("baseline", 4, "period_end", "project 'ALPHA' has period_end 2025-01-31 again; first in row 2 (one "
                                    "cumulative PV per project and period)")]),
    # rows out of date order: by date ALPHA runs 50 (row 3), 100 (row 2), 80 (row 4): it drops at row 4;
    # BETA's lower 10 (row 5) is another project's curve
    ("cumulative_pv drops",
     {"baseline": [{"project_id": "ALPHA", "period_end": "2025-02-28", "cumulative_pv": 100},
                   {"project_id": "ALPHA", "period_end": "2025-01-31", "cumulative_pv": 50},
                   {"project_id": "ALPHA", "period_end": "2025-03-31", "cumulative_pv": 80},
                   {"project_id": "BETA", "period_end": "2025-04-30", "cumulative_pv": 10}]},
     [("baseline", 4, "cumulative_pv", "'80' is below '100' of the earlier period_end 2025-02-28 (row 2); expected "
                                       "the cumulative planned value never to decrease within a project")]),
    ("negative cumulative_pv", {"baseline": [{"project_id": "ALPHA", "period_end": "2025-01-31",
                                              "cumulative_pv": -1}]},
     [("baseline", 2, "cumulative_pv", "'-1' is negative; expected the cumulative planned value to period_end in "
                                       "money (>= 0)")]),
    ("blank cumulative_pv", {"baseline": [{"project_id": "ALPHA", "period_end": "2025-01-31",
                                           "cumulative_pv": None}]},
     [("baseline", 2, "cumulative_pv", "missing cumulative_pv; expected the cumulative planned value to "
                                       "period_end in money (>= 0)")]),
    ("period_end not a date", {"baseline": [{"project_id": "ALPHA", "period_end": "Jan 2025", "cumulative_pv": 1}]},
     [("baseline", 2, "period_end", "'Jan 2025' is not a date; expected the end of the baseline period as a date "
                                    "(YYYY-MM-DD)")]),
    # -- risks
    ("duplicate risk_id", {"risks": risks_rows(("R1", "ALPHA", "threat", 0.1, 1), ("R2", "ALPHA", "threat", 0.1, 1),
                                               ("R1", "BETA", "threat", 0.1, 1))},
     [("risks", 4, "risk_id", "risk_id 'R1' appears again; first in row 2 (each risk once)")]),
    ("risk of an unknown project (blank is portfolio-level)",
     {"risks": risks_rows(("R1", "BETTA", "threat", 0.1, 1), ("R2", None, "threat", 0.1, 1))},
     [("risks", 2, "project_id", "unknown project 'BETTA': no such project_id in the projects sheet; did you mean "
                                 "'BETA'?")]),
    ("unknown kind", {"risks": risks_rows(("R1", "ALPHA", "issue", 0.1, 1))},
     [("risks", 2, "kind", "'issue' is not a kind; expected one of threat, opportunity")]),
    ("blank kind", {"risks": risks_rows(("R1", "ALPHA", None, 0.1, 1))},
     [("risks", 2, "kind", "missing kind; expected one of threat, opportunity")]),
    ("probability not a number", {"risks": risks_rows(("R1", "ALPHA", "threat", "high", 1))},
     [("risks", 2, "probability", "'high' is not a number; expected a probability from 0 to 1, or a whole number "
                                  "from 1 to 5")]),
    # 3 is beyond 0..1, so the sheet is ordinal and 0.4 (row 3) does not fit it
    ("probability mixes scales", {"risks": risks_rows(("R1", "ALPHA", "threat", 3, 1),
                                                      ("R2", "ALPHA", "threat", 0.4, 1),
                                                      ("R3", "ALPHA", "threat", 5, 1))},
     [("risks", 3, "probability", "'0.4' mixes scales: other rows use 1-5 (row 2 has '3'); expected every "
                                  "probability from 0 to 1, or every one a whole number from 1 to 5")]),
    # 7 and 2.5 are out of range on their own; neither is a whole number 2..5, so nothing says the sheet is
    # on 1-5 and 0.5 (row 2) stands as a valid probability on 0..1
    ("probability on neither scale", {"risks": risks_rows(("R1", "ALPHA", "threat", 0.5, 1),
                                                          ("R2", "ALPHA", "threat", 7, 1),
                                                          ("R3", "ALPHA", "threat", 2.5, 1))},
     [("risks", 3, "probability", "'7' is on neither scale; expected a probability from 0 to 1, or a whole number "
                                  "from 1 to 5"),
      ("risks", 4, "probability", "'2.5' is on neither scale; expected a probability from 0 to 1, or a whole "
                                  "number from 1 to 5")]),
    # One typo (40) on a 0..1 sheet is the only problem; 0.3, 0.5, 0.7 are not "mixing scales"
    ("one probability out of range on a 0..1 sheet",
     {"risks": risks_rows(("R1", "ALPHA", "threat", 0.3, 1), ("R2", "ALPHA", "threat", 0.5, 1),
                          ("R3", "ALPHA", "threat", 0.7, 1), ("R4", "ALPHA", "threat", 40, 1))},
     [("risks", 5, "probability", "'40' is on neither scale; expected a probability from 0 to 1, or a whole "
                                  "number from 1 to 5")]),
    # 4 (row 3) is a whole number 2..5, evidence for 1-5: 0.4 (row 2) mixes scales, 7 (row 4) is out of range
    ("probability mixes scales and one is out of range",
     {"risks": risks_rows(("R1", "ALPHA", "threat", 0.4, 1), ("R2", "ALPHA", "threat", 4, 1),
                          ("R3", "ALPHA", "threat", 7, 1))},
     [("risks", 2, "probability", "'0.4' mixes scales: other rows use 1-5 (row 3 has '4'); expected every "
                                  "probability from 0 to 1, or every one a whole number from 1 to 5"),
      ("risks", 4, "probability", "'7' is on neither scale; expected a probability from 0 to 1, or a whole number "
                                  "from 1 to 5")]),
    ("negative probability", {"risks": risks_rows(("R1", "ALPHA", "threat", 0.5, 1),
                                                  ("R2", "ALPHA", "threat", -0.1, 1))},
     [("risks", 3, "probability", "'-0.1' is on neither scale; expected a probability from 0 to 1, or a whole "
                                  "number from 1 to 5")]),
    ("negative money impact", {"risks": risks_rows(("R1", "ALPHA", "threat", 0.5, 1000),
                                                   ("R2", "ALPHA", "opportunity", 0.5, -50))},
     [("risks", 3, "impact", "'-50' is negative; expected the impact in money (>= 0), or every impact a whole "
                             "number from 1 to 5")]),
    ("impact not a number", {"risks": risks_rows(("R1", "ALPHA", "threat", 0.5, "lots"))},
     [("risks", 2, "impact", "'lots' is not a number; expected the impact in money (>= 0), or a whole number from "
                             "1 to 5")]),
    ("risks without project_id column",
     {"risks": [{"risk_id": "R1", "kind": "threat", "probability": 0.1, "impact": 1}]},
     [("risks", 1, "project_id", "missing required column 'project_id' (risks needs risk_id, project_id, kind, "
                                 "probability, impact)")]),
    # -- dependencies
    ("dependency on unknown projects",
     {"dependencies": [{"from_project": "GAMA", "to_project": "X99"}]},
     [("dependencies", 2, "from_project", "unknown project 'GAMA': no such project_id in the projects sheet; did "
                                          "you mean 'GAMMA'?"),
      ("dependencies", 2, "to_project", "unknown project 'X99': no such project_id in the projects sheet")]),
    ("dependency on itself", {"dependencies": [{"from_project": "BETA", "to_project": "BETA"}]},
     [("dependencies", 2, "to_project", "project 'BETA' depends on itself; expected to_project to name another "
                                        "project")]),
    ("duplicate dependency",
     {"dependencies": [{"from_project": "BETA", "to_project": "ALPHA"}, {"from_project": "ALPHA", "to_project": "BETA"},
                       {"from_project": "BETA", "to_project": "ALPHA"}]},
     [("dependencies", 4, "to_project", "the dependency of 'BETA' on 'ALPHA' appears again; first in row 2 (each "
                                        "dependency once)")]),
    ("needed_by not a date",
     {"dependencies": [{"from_project": "BETA", "to_project": "ALPHA", "needed_by": "next week"}]},
     [("dependencies", 2, "needed_by", "'next week' is not a date; expected the date it is needed by (YYYY-MM-DD) "
                                       "or blank")]),
    ("blank from_project", {"dependencies": [{"from_project": None, "to_project": "ALPHA"}]},
     [("dependencies", 2, "from_project", "missing from_project; expected the id of the project that needs the "
                                          "other")]),
    # -- assignments
    ("assignment to an unknown project",
     {"assignments": [{"project_id": "OMEGA", "role": "dev", "month": "2025-03", "demand_fte": 1}]},
     [("assignments", 2, "project_id", "unknown project 'OMEGA': no such project_id in the projects sheet")]),
    ("month 13", {"assignments": [{"project_id": "ALPHA", "role": "dev", "month": "2025-13", "demand_fte": 1}]},
     [("assignments", 2, "month", "'2025-13' is not a real month (no such month or day); expected a month as "
                                  "YYYY-MM")]),
    ("month in words", {"assignments": [{"project_id": "ALPHA", "role": "dev", "month": "March", "demand_fte": 1}]},
     [("assignments", 2, "month", "'March' is not a month; expected a month as YYYY-MM")]),
    ("month with a slash",
     {"assignments": [{"project_id": "ALPHA", "role": "dev", "month": "2025/03", "demand_fte": 1}]},
     [("assignments", 2, "month", "'2025/03' is not a month; expected a month as YYYY-MM")]),
    ("blank role", {"assignments": [{"project_id": "ALPHA", "role": None, "month": "2025-03", "demand_fte": 1}]},
     [("assignments", 2, "role", "missing role; expected the role (or person) the demand is for")]),
    ("demand not a number",
     {"assignments": [{"project_id": "ALPHA", "role": "dev", "month": "2025-03", "demand_fte": "half"}]},
     [("assignments", 2, "demand_fte", "'half' is not a number; expected the demand in FTE (a number >= 0)")]),
    ("negative demand",
     {"assignments": [{"project_id": "ALPHA", "role": "dev", "month": "2025-03", "demand_fte": -1}]},
     [("assignments", 2, "demand_fte", "'-1' is negative; expected the demand in FTE (a number >= 0)")]),
    # -- capacity
    ("capacity twice for a month (a date names its month)",
     {"capacity": [{"role": "dev", "month": "2025-03", "capacity_fte": 1},
                   {"role": "ops", "month": "2025-03", "capacity_fte": 1},
                   {"role": "dev", "month": "2025-03-15", "capacity_fte": 2}]},
     [("capacity", 4, "month", "role 'dev' has capacity for 2025-03 again; first in row 2 (one capacity per role "
                               "and month)")]),
    ("negative capacity", {"capacity": [{"role": "dev", "month": "2025-03", "capacity_fte": -0.5}]},
     [("capacity", 2, "capacity_fte", "'-0.5' is negative; expected the capacity in FTE (a number >= 0)")]),
    ("capacity not a number", {"capacity": [{"role": "dev", "month": "2025-03", "capacity_fte": "two"}]},
     [("capacity", 2, "capacity_fte", "'two' is not a number; expected the capacity in FTE (a number >= 0)")]),
    ("blank capacity", {"capacity": [{"role": "dev", "month": "2025-03", "capacity_fte": None}]},
     [("capacity", 2, "capacity_fte", "missing capacity_fte; expected the capacity in FTE (a number >= 0)")]),
    # -- criteria and scores
    ("weight zero", {"projects": projects({"score_cost": 1}), "criteria": [{"criterion": "cost", "weight": 0}]},
     [("criteria", 2, "weight", "'0' is not above 0; expected the criterion's weight, a number > 0")]),
    ("weight negative", {"projects": projects({"score_cost": 1}), "criteria": [{"criterion": "cost", "weight": -2}]},
     [("criteria", 2, "weight", "'-2' is not above 0; expected the criterion's weight, a number > 0")]),
    ("weight not a number",
     {"projects": projects({"score_cost": 1}), "criteria": [{"criterion": "cost", "weight": "high"}]},
     [("criteria", 2, "weight", "'high' is not a number; expected the criterion's weight, a number > 0")]),
    ("duplicate criterion (any case)",
     {"projects": projects({"score_cost": 1}),
      "criteria": [{"criterion": "Cost", "weight": 1}, {"criterion": "cost ", "weight": 2}]},
     [("criteria", 3, "criterion", "criterion 'Cost' appears again; first in row 2 (each criterion once)")]),
    ("criterion without a score column",
     {"projects": projects({"score_cost": 1}),
      "criteria": [{"criterion": "cost", "weight": 1}, {"criterion": "risk", "weight": 1}]},
     [("projects", 1, "score_risk", "no column 'score_risk' for criterion 'risk' (criteria sheet row 3); expected "
                                    "each project's score for it in a column named score_risk")]),
    ("score column without a criterion",
     {"projects": projects({"score_cost": 1, "score_risk": 2}), "criteria": [{"criterion": "cost", "weight": 1}]},
     [("projects", 1, "score_risk", "column 'score_risk' scores criterion 'risk' but no row of the criteria sheet "
                                    "names it (criteria: cost); add a row for it with its weight, or remove the "
                                    "column")]),
    ("score column without a criteria sheet", {"projects": projects({"score_cost": 1})},
     [("projects", 1, "score_cost", "column 'score_cost' scores criterion 'cost' but no row of the criteria sheet "
                                    "names it (no criteria are listed); add a row for it with its weight, or remove "
                                    "the column")]),
    ("score not a number",
     {"projects": projects({"score_cost": "good"}), "criteria": [{"criterion": "cost", "weight": 1}]},
     [("projects", 2, "score_cost", "'good' is not a number; expected a score (a number >= 0) or blank")]),
    ("negative score",
     {"projects": projects({}, {"score_cost": -1}), "criteria": [{"criterion": "cost", "weight": 1}]},
     [("projects", 3, "score_cost", "'-1' is negative; expected a score (a number >= 0) or blank")]),
]


@pytest.mark.parametrize(("changes", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_problem_is_located_by_sheet_row_and_column(tmp_path, form, changes, expected):
    path = write_portfolio(tmp_path, {"projects": projects(), **changes}, form=form)
    assert problems_of(path) == sorted(expected, key=lambda p: (p[0], p[1], p[2]))


def test_every_problem_of_every_sheet_at_once(tmp_path, form):
    sheets = {
        "projects": projects({"bac": "abc", "status": "paused"}, {"project_id": "ALPHA"}),
        "risks": risks_rows(("R1", "NOPE", "issue", 0.5, -1)),
        "capacity": [{"role": "dev", "month": "2025-3", "capacity_fte": -1}],
    }
    got = problems_of(write_portfolio(tmp_path, sheets, form=form))
    assert [(sheet, row, column) for sheet, row, column, _ in got] == [
        ("capacity", 2, "capacity_fte"), ("capacity", 2, "month"),
        ("projects", 2, "bac"), ("projects", 2, "status"), ("projects", 3, "project_id"),
        ("risks", 2, "impact"), ("risks", 2, "kind"), ("risks", 2, "project_id"),
    ]


def test_a_criterion_matches_its_score_column_ignoring_case_and_spaces(tmp_path):
    sheets = {
        "projects": projects({"Score_Strategic_Fit": 3, "score_time-to-market": 1}),
        "criteria": [{"criterion": "strategic fit", "weight": 1}, {"criterion": "Time to market", "weight": 1}],
    }
    p = read_portfolio(write_portfolio(tmp_path, sheets)).projects
    # named score_<criterion as written in the criteria sheet>, in criteria order
    assert list(p.columns[-3:]) == ["score_strategic fit", "score_Time to market", "source_row"]
    assert p["score_strategic fit"].iloc[0] == 3.0 and np.isnan(p["score_Time to market"].iloc[1])


def test_a_column_twice(tmp_path, form):
    rows = [{**row, "BAC ": row["bac"]} for row in projects()]
    assert problems_of(write_portfolio(tmp_path, {"projects": rows}, form=form)) == [
        ("projects", 1, "BAC", "column 'BAC' appears twice; keep one")]


def test_close_matches_are_suggested_for_the_first_fifty_unknown_ids_only(tmp_path):
    # 51 distinct unknown ids ALPHA-1 .. ALPHA-51 in rows 2..52, each close to ALPHA
    baseline = [{"project_id": f"ALPHA-{i}", "period_end": "2025-01-31", "cumulative_pv": 1} for i in range(1, 52)]
    got = problems_of(write_portfolio(tmp_path, {"projects": projects(), "baseline": baseline}))
    assert len(got) == 51
    assert got[0][3] == ("unknown project 'ALPHA-1': no such project_id in the projects sheet; did you mean "
                         "'ALPHA'?")
    assert got[-1][1:] == (52, "project_id", "unknown project 'ALPHA-51': no such project_id in the projects sheet")


def test_two_sheets_for_one_name(tmp_path):
    risk = risks_rows(("R1", None, "threat", 0.1, 1))
    path = write_portfolio(tmp_path, {"projects": projects(), "risks": risk, "Risks ": risk}, form="xlsx")
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}[Risks ]:-:-: a second sheet for 'risks' (the first is 'risks'); keep one"]


def test_two_files_for_one_sheet(tmp_path):
    risk = risks_rows(("R1", None, "threat", 0.1, 1))
    folder = write_portfolio(tmp_path, {"projects": projects(), "risks": risk})
    (folder / "RISKS.csv").write_bytes((folder / "risks.csv").read_bytes())
    if len(list(folder.iterdir())) < 3:
        pytest.skip("the file system ignores case in file names")
    with pytest.raises(InputValidationError) as info:
        read_portfolio(folder)
    # files are taken in name order: upper case sorts first
    assert [str(p) for p in info.value.problems] == [
        f"{folder / 'risks.csv'}:-:-: a second file for sheet 'risks' (the first is RISKS.csv); keep one"]


# -- whole-sheet and whole-file problems --------------------------------------------------

def test_an_empty_projects_sheet(tmp_path, form):
    assert problems_of(write_portfolio(tmp_path, {"projects": []}, form=form)) == [
        ("projects", 1, None, f"sheet is empty; expected a header row ({PROJECTS_NEED}) and one project per row")]


def test_a_projects_sheet_with_a_header_only(tmp_path, form):
    path = write_portfolio(tmp_path, {"projects": projects()}, form=form)
    if form == "csv":
        header = (path / "projects.csv").read_text(encoding="utf-8").splitlines()[0]
        (path / "projects.csv").write_text(header + "\n\n", encoding="utf-8")
    else:
        book = openpyxl.load_workbook(path)
        book["projects"].delete_rows(2, 3)
        book.save(path)
    assert problems_of(path) == [("projects", 2, None, "no projects below the header row; expected one project "
                                                       "per row")]


EXPECTED = ("expected an .xlsx/.xlsm workbook with a 'projects' sheet, or a folder of CSV files named after the "
            "sheets (projects.csv required; baseline.csv, risks.csv, dependencies.csv, assignments.csv, capacity.csv, "
            "criteria.csv, status_history.csv, milestones.csv, benefits.csv, financials.csv optional)")


def whole_file_problem(path) -> str:
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    (problem,) = info.value.problems
    assert (problem.path, problem.row, problem.column) == (str(path), None, None)
    return problem.message


def test_no_such_path(tmp_path):
    assert whole_file_problem(tmp_path / "nothing.xlsx") == f"no such file or folder; {EXPECTED}"


def test_a_folder_without_projects_csv(tmp_path):
    folder = write_portfolio(tmp_path, {"risks": risks_rows(("R1", None, "threat", 0.1, 1))})
    assert whole_file_problem(folder) == f"no projects.csv in this folder; {EXPECTED}"


def test_a_file_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "portfolio.txt"
    path.write_text("hello", encoding="utf-8")
    assert whole_file_problem(path) == f"not a portfolio workbook; {EXPECTED}"


def test_a_single_csv_file(tmp_path):
    folder = write_portfolio(tmp_path, {"projects": projects()})
    path = folder / "projects.csv"
    assert whole_file_problem(path) == f"a single CSV file; give the folder that holds it ({EXPECTED})"


def test_an_xlsx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "portfolio.xlsx"
    path.write_text("project_id,name\n", encoding="utf-8")
    assert whole_file_problem(path).startswith("cannot read as an Excel workbook: ")


def test_a_workbook_without_a_projects_sheet(tmp_path):
    path = write_portfolio(tmp_path, {"Projets": projects(), "risks": []}, form="xlsx")
    assert whole_file_problem(path) == f"no sheet named 'projects' (sheets: Projets, risks); {EXPECTED}"


def test_text_that_is_not_utf8_is_reported_with_its_row_beside_other_problems(tmp_path):
    folder = write_portfolio(tmp_path, {"projects": projects({"bac": -1})})
    header = b"risk_id,project_id,kind,probability,impact\n"
    (folder / "risks.csv").write_bytes(header + b"R1,ALPHA,threat,0.1,1\nR2,ALPHA,threat,0.1,caf\xe9\n")
    with pytest.raises(InputValidationError) as info:
        read_portfolio(folder)
    # the byte after "R1,...,1\n" (22 bytes) and "R2,ALPHA,threat,0.1,caf" (23 bytes)
    offset = len(header) + 22 + 23
    assert [str(p) for p in info.value.problems] == [
        f"{folder / 'projects.csv'}:2:bac: '-1' is negative; expected the budget at completion in money (>= 0)",
        f"{folder / 'risks.csv'}:3:-: byte {offset} is not UTF-8 (b'\\xe9'); save the file as CSV UTF-8",
    ]


def test_a_formula_with_no_saved_result_is_reported_on_its_sheet(tmp_path):
    path = write_portfolio(tmp_path, {"projects": projects({"bac": "=400+600"})}, form="xlsx")
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}[projects]:2:bac: formula with no saved result; open and save the file in Excel, or type the value"]


def test_a_csv_row_wider_than_its_header_is_reported(tmp_path):
    folder = write_portfolio(tmp_path, {"projects": projects()})
    with open(folder / "projects.csv", "a", encoding="utf-8") as file:
        file.write("DELTA,D,EPMO,Ann,active,2025-01-01,2025-12-31,1,1,1,1,extra\n")
    assert problems_of(folder) == [
        ("projects", 5, None, "row has 12 fields but the header has 11; check for an unquoted ',' in a value")]


# -- speed -------------------------------------------------------------------------------

def test_ten_thousand_projects_and_fifty_thousand_risks_read_whole(tmp_path):
    rng = np.random.default_rng(7)
    n, m = 10_000, 50_000
    ids = [f"P{i:05d}" for i in range(n)]
    folder = tmp_path / "big"
    folder.mkdir()
    pd.DataFrame({
        "project_id": ids, "name": [f"Project {i}" for i in range(n)], "pmo": "EPMO", "sponsor": "Ann",
        "status": rng.choice(["active", "On hold", "closed", "proposed"], n), "start": "2025-01-01",
        "finish": "2026-06-30", "bac": rng.integers(1_000, 1_000_000, n), "pv": 100.5, "ev": 90, "ac": 95,
        "strategic_value": rng.integers(0, 11, n),
    }).to_csv(folder / "projects.csv", index=False)
    pd.DataFrame({
        "risk_id": [f"R{i}" for i in range(m)], "project_id": rng.choice(ids, m), "title": "t",
        "kind": rng.choice(["threat", "opportunity"], m), "probability": rng.random(m).round(2),
        "impact": rng.integers(0, 100_000, m), "owner": "Bo", "category": "supply", "status": "open",
    }).to_csv(folder / "risks.csv", index=False)
    portfolio = read_portfolio(folder)  # speed: benchmarks/bench_portfolio.py
    assert (len(portfolio.projects), len(portfolio.risks)) == (n, m)


def test_date_cells_with_a_time_read_as_their_day(tmp_path, form):
    """An Excel date cell holding a time, or its ISO text, is the day it falls on; the time is dropped."""
    path = write_portfolio(tmp_path, {"projects": projects({"start": dt.datetime(2025, 2, 1, 10, 30),
                                                            "finish": "2025-11-30T17:00:00"})}, form=form)
    p = read_portfolio(path).projects.set_index("project_id")
    assert p.at["ALPHA", "start"] == pd.Timestamp("2025-02-01")
    assert p.at["ALPHA", "finish"] == pd.Timestamp("2025-11-30")
