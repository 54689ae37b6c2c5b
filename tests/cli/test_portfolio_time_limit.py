"""`pmo-workbench portfolio --time-limit`: the selection's solver, gap and limit in the JSON, a bad limit refused."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.resources import examples_dir

runner = CliRunner()
KORRIN = examples_dir() / "portfolios" / "korrin-regional-council.xlsx"


def test_json_reports_how_the_selection_was_solved():
    result = runner.invoke(app, ["portfolio", str(KORRIN), "--as-of", "2026-06-30", "--budget", "40000000",
                                 "--time-limit", "20", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    solver = data["selection"]["solver"]
    assert set(solver) == {"method", "gap", "bound", "time_limited", "time_limit", "seconds"}
    assert solver["time_limit"] == 20.0
    assert (data["selection"]["status"], solver["gap"], solver["time_limited"]) == ("optimal", 0.0, False)
    assert all(point["gap"] == 0.0 for point in data["frontier"])


@pytest.mark.parametrize("limit", ["0", "-1", "soon"])
def test_a_time_limit_that_is_not_a_positive_number_exits_2(limit):
    assert runner.invoke(app, ["portfolio", str(KORRIN), "--time-limit", limit]).exit_code == 2
