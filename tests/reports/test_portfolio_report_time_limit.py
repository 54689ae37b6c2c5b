"""The portfolio report takes the time limit of selection and the frontier as `pmo-workbench portfolio` does:
`report portfolio --time-limit`, a manifest's `time_limit` column (portfolio rows only) and the notebook's
`time_limit` parameter, which reaches the analysis it records."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.notebook import show as display
from pmo_workbench.reports import read_manifest
from pmo_workbench.reports.spec import check_parameters, portfolio_spec
from pmo_workbench.resources import examples_dir

runner = CliRunner()
KORRIN = examples_dir() / "portfolios" / "korrin-regional-council.xlsx"
KORRIN_NAME = "Korrin Regional Council"  # as its about sheet names it: a report for another is refused


def _manifest(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "manifest.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["report", "organisation", "portfolio", "responses", "budget", "time_limit"])
        writer.writerows(rows)
    return path


def test_the_notebook_declares_the_time_limit_and_the_spec_passes_it_only_when_given():
    given = portfolio_spec(KORRIN, KORRIN_NAME, budget=26_000_000, time_limit=2.5)
    assert given.parameters["time_limit"] == 2.5
    check_parameters(given.notebook_path, given.parameters)  # declared: no ReportParameterError
    assert "time_limit" not in portfolio_spec(KORRIN, KORRIN_NAME).parameters  # the notebook's default (30 s)
    with pytest.raises(ValueError, match="positive number of seconds"):
        portfolio_spec(KORRIN, KORRIN_NAME, time_limit=float("inf"))


def test_a_manifest_row_carries_its_time_limit(tmp_path):
    (spec, plain) = read_manifest(_manifest(tmp_path, [["portfolio", KORRIN_NAME, str(KORRIN), "", "26000000", "5"],
                                                       ["portfolio", "Other", str(KORRIN), "", "", ""]]),
                                  allowed=(KORRIN.parent,))
    assert spec.parameters["time_limit"] == 5.0 and "time_limit" not in plain.parameters


def test_a_bad_time_limit_or_one_on_another_report_is_a_located_problem(tmp_path):
    responses = examples_dir() / "pmo_responses.csv"
    rows = [["portfolio", "A", str(KORRIN), "", "", "0"],
            ["portfolio", "B", str(KORRIN), "", "", "soon"],
            ["portfolio", "C", str(KORRIN), "", "", "inf"],
            ["positioning", "Quillmere Events", "", str(responses), "", "5"]]
    with pytest.raises(InputValidationError) as caught:
        read_manifest(_manifest(tmp_path, rows), allowed=(KORRIN.parent, responses.parent))
    assert {(p.row, p.column) for p in caught.value.problems} == {(2, "time_limit"), (3, "time_limit"),
                                                                  (4, "time_limit"), (5, "time_limit")}


@pytest.mark.parametrize("limit", ["0", "-1", "soon", "inf"])
def test_report_portfolio_refuses_a_time_limit_that_is_not_a_positive_number(tmp_path, limit):
    result = runner.invoke(app, ["report", "portfolio", "-p", str(KORRIN), "-o", KORRIN_NAME, "--out",
                                 str(tmp_path / "out"), "--time-limit", limit])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.slow
def test_report_portfolio_analyses_within_the_time_limit_given(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "portfolio", "-p", str(KORRIN), "-o", KORRIN_NAME, "--out",
                                 str(out), "--budget", "26000000", "--time-limit", "7.5", "--format", "ipynb"])
    assert result.exit_code == 0, result.output
    (notebook,) = out.glob("*.ipynb")
    records = display.read_records(nbformat.read(notebook, as_version=4))
    assert records["analysis"]["selection"]["solver"]["time_limit"] == 7.5
