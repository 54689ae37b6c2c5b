"""``pmo-workbench template portfolio``: the blank portfolio workbook, filled in and read back, in English and
German, and its bad options."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.portfolio.cells import _SPECS
from pmo_workbench.portfolio.intake import INSTRUCTIONS, template_sheets
from pmo_workbench.portfolio.model import PMO_COLUMNS, PROJECT_STATUSES, REPORTED_RAG, SHEETS

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _template(tmp_path, *options) -> str:
    out = tmp_path / "portfolio.xlsx"
    result = run("template", "portfolio", "--out", out, *options)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    return out


def _fill(path, rows: list[dict]) -> None:
    book = load_workbook(path)
    ws = book["projects"]
    headers = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h) for h in headers])
    book.save(path)


PROJECTS = [
    {"project_id": "P1", "name": "New depot", "pmo": "Estates", "sponsor": "Ana", "status": "active",
     "start": dt.datetime(2025, 1, 1), "finish": dt.datetime(2026, 12, 31), "bac": 1000, "pv": 500, "ev": 400,
     "ac": 450},
    {"project_id": "P2", "name": "Payroll", "pmo": "IT", "sponsor": "Ben", "status": "active",
     "start": "2025-06-01", "finish": "2027-05-31", "bac": 2000, "pv": 800, "ev": 800, "ac": 700,
     "reported_rag": "green", "mandatory": "yes"},
]


def test_the_template_has_the_about_sheet_first_and_every_sheet_with_the_readers_headers(tmp_path):
    out = _template(tmp_path, "--organisation", "=HYPERLINK(\"x\")", "--currency", "gbp", "--status-date",
                    "2026-05-31")
    book = load_workbook(out)
    assert book.sheetnames == ["about", *[s for s in SHEETS], "pmos", INSTRUCTIONS]
    for name, columns in template_sheets().items():
        assert tuple(c.value for c in book[name][1]) == columns
        assert columns == (tuple(_SPECS[name]) if name in _SPECS else PMO_COLUMNS if name == "pmos"
                           else ("status_date", "currency", "organisation"))
    about = book["about"]
    assert about["A2"].value == dt.datetime(2026, 5, 31) and about["B2"].value == "GBP"
    assert about["C2"].value == '=HYPERLINK("x")' and about["C2"].data_type == "s"  # text, never a formula
    rules = {str(v.sqref): v for v in book["projects"].data_validations.dataValidation}
    headers = [c.value for c in book["projects"][1]]

    def rule(column: str):
        letter = chr(ord("A") + headers.index(column))
        return next(v for ref, v in rules.items() if f"{letter}2:{letter}1001" in ref.split())

    assert (rule("start").type, rule("start").formula1, rule("start").formula2) == (
        "date", "DATE(1950,1,1)", "DATE(2150,12,31)")
    assert rule("status").formula1 == '"' + ",".join(PROJECT_STATUSES) + '"'
    assert rule("reported_rag").formula1 == '"' + ",".join(REPORTED_RAG) + '"'
    instructions = [[c.value for c in row] for row in book[INSTRUCTIONS].iter_rows()]
    assert instructions[0] == ["sheet", "what it holds", "must be filled in", "may be left blank"]
    projects = next(r for r in instructions if r[0] == "projects")
    assert projects[2] == "project_id, status, start, finish" and "score_<criterion>" in projects[3]
    assert any("YYYY-MM-DD" in (r[1] or "") and "1950 to 2150" in (r[1] or "") for r in instructions)


def test_a_filled_in_template_reads_back_and_analyses(tmp_path):
    out = _template(tmp_path, "--organisation", "Korrin", "--currency", "EUR", "--status-date", "2026-05-31")
    _fill(out, PROJECTS)
    portfolio = read_portfolio(out)
    assert (portfolio.status_date, portfolio.currency, portfolio.organisation) == (
        dt.date(2026, 5, 31), "EUR", "Korrin")
    assert list(portfolio.projects["project_id"]) == ["P1", "P2"]
    assert list(portfolio.projects["start"]) == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-01")]
    assert portfolio.risks is None and portfolio.baseline is None  # header-only sheets are left out
    analysis = analyse_portfolio(portfolio)
    assert analysis.as_of == pd.Timestamp("2026-05-31")
    evm = analysis.evm.set_index("project_id")
    assert evm.loc["P1", "cv"] == pytest.approx(-50) and evm.loc["P1", "spi"] == pytest.approx(0.8)
    assert evm.loc["P2", "cpi"] == pytest.approx(800 / 700)
    shown = run("portfolio", out, "--format", "json")
    assert shown.exit_code == 0, shown.output
    assert '"as_of": "2026-05-31"' in shown.stdout and "no status date" not in shown.stderr


def test_an_unfilled_template_is_a_located_message(tmp_path):
    out = _template(tmp_path)
    result = run("portfolio", out)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (f"{out}[projects]:2:-: no projects below the header row; expected one "
                                             "project per row")
    assert "Traceback" not in result.output


def test_the_german_template_explains_in_german_and_keeps_the_file_format(tmp_path):
    out = _template(tmp_path, "--language", "de", "--status-date", "2026-05-31")
    book = load_workbook(out)
    assert book.sheetnames[:2] == ["about", "projects"] and INSTRUCTIONS in book.sheetnames
    assert tuple(c.value for c in book["projects"][1]) == tuple(_SPECS["projects"])
    rows = [[c.value for c in row] for row in book[INSTRUCTIONS].iter_rows()]
    assert rows[0] == ["Blatt", "was es enthält", "muss ausgefüllt sein", "darf leer bleiben"]
    projects = next(r for r in rows if r[0] == "projects")
    assert projects[1].startswith("Eine Zeile je Projekt")
    assert any((r[1] or "").startswith("Daten: JJJJ-MM-TT") and "von 1950 bis 2150" in r[1] for r in rows)
    rules = book["projects"].data_validations.dataValidation
    assert any(v.error == "Geben Sie ein Datum von 1950 bis 2150 ein (JJJJ-MM-TT)." for v in rules)
    _fill(out, PROJECTS)
    assert len(read_portfolio(out).projects) == 2


@pytest.mark.parametrize(("options", "message"), [
    (("--out", "x.csv"), "--out must end in .xlsx, got 'x.csv'"),
    (("--currency", "XYZ"), "--currency 'XYZ' is not a currency code"),
    (("--organisation", "a\x1bb"), "expected a name, without control characters"),
    (("--organisation", " "), "expected a name"),
    (("--language", "xx"), "--language:"),
    (("--status-date", "3026-01-01"), "'3026-01-01' is outside the years 1950-2150"),
    (("--status-date", "2026-02-30"), "'2026-02-30' is not a real date"),
])
def test_bad_options_are_usage_errors(tmp_path, monkeypatch, options, message):
    monkeypatch.chdir(tmp_path)
    result = run("template", "portfolio", *options)
    assert result.exit_code == 2
    flat = re.sub(r"[\s│]+", "", result.output)  # the usage box wraps long lines
    assert re.sub(r"\s+", "", message) in flat
    assert list(tmp_path.iterdir()) == []


def test_the_template_never_overwrites_a_file(tmp_path):
    out = tmp_path / "portfolio.xlsx"
    out.write_bytes(b"mine")
    result = run("template", "portfolio", "--out", out)
    assert result.exit_code == 2 and "exists; give another --out" in result.stderr
    assert out.read_bytes() == b"mine"
