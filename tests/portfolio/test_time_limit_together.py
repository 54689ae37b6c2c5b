"""One time limit for selection and the efficient frontier together: the shared deadline, each answer saying it
was stopped and how far from the best it may be (``time_limited``, ``gap``, the frontier's sentence), in the
analysis, its JSON and the command line's table. No timed asserts: the clock is a fake where the time matters."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.portfolio import selection, solve
from pmo_workbench.portfolio.limits import SolverLimits, current_limits, solver_limits
from pmo_workbench.portfolio.selection import frontier_words, select_with_frontier
from pmo_workbench.portfolio.solve import EXACT_SIZE
from tests.portfolio.test_portfolio_examples import generator
from tests.portfolio.test_portfolio_solve import _check_feasible, _no_lp, _portfolio

runner = CliRunner()


# -- the deadline ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("limit", "deadline", "began", "allowed"), [
    (5.0, None, 10.0, 5.0),      # no deadline: the solve's own limit
    (5.0, 12.0, 10.0, 2.0),      # 2 s left before the deadline
    (5.0, 30.0, 10.0, 5.0),      # the deadline further than the limit
    (5.0, 12.0, 20.0, 1e-3),     # past it: the least a solver is given
])
def test_a_solve_may_take_its_limit_or_less_before_the_deadline(limit, deadline, began, allowed):
    assert SolverLimits(limit, deadline=deadline).allowed(began) == pytest.approx(allowed)


def test_selection_has_half_the_time_left_and_the_frontier_the_rest_from_one_start(monkeypatch):
    seen = []
    monkeypatch.setattr(selection, "_Problem", lambda *a, **k: "problem")
    monkeypatch.setattr(selection, "_select",
                        lambda problem, budget, limits, began: seen.append(("selection", limits.deadline)) or "chosen")
    monkeypatch.setattr(selection, "_frontier",
                        lambda problem, budgets, n, limits, began: seen.append(("frontier", limits.deadline))
                        or "curve")
    with solver_limits(time_limit=8.0, clock=lambda: 102.0):  # the problem is built 2 s after the start
        assert select_with_frontier(pd.DataFrame(), 5.0, began=100.0) == ("chosen", "curve")
        assert select_with_frontier(pd.DataFrame(), 5.0, frontier=False, began=100.0) == ("chosen", None)
        assert select_with_frontier(pd.DataFrame(), None, began=100.0) == (None, "curve")
    # 6 s left at 102: 102 + 6 * 0.5 for the selection, 100 + 8 for the frontier; without a frontier the
    # selection has all of it
    assert seen == [("selection", 105.0), ("frontier", 108.0), ("selection", 108.0), ("frontier", 108.0)]
    assert current_limits().deadline is None  # nothing left behind


def test_past_the_deadline_both_stop_with_feasible_sets_and_say_how_far_from_the_best(monkeypatch):
    # The clock reads 0 when the analysis starts and 100 from then on: a 5 s limit is gone before anything is
    # solved, so no LP runs, each greedy pass stops at its first look at the clock, and every answer says so.
    candidates, constraints = _portfolio(EXACT_SIZE + 500, seed=11)
    monkeypatch.setattr(selection, "_linprog", _no_lp)
    monkeypatch.setattr(solve, "CLOCK_EVERY", 1)
    readings = iter([0.0])
    budget = float(candidates["cost"].sum() * 0.3)
    with solver_limits(time_limit=5.0, clock=lambda: next(readings, 100.0)):
        chosen, curve = select_with_frontier(candidates, budget, n=4, **constraints)
    assert (chosen.status, chosen.time_limited, chosen.time_limit) == ("feasible", True, 5.0)
    assert 0.0 < chosen.gap < 1.0 and chosen.total_value <= chosen.bound
    assert "stopped at the time limit of 5 s with a gap of at most" in chosen.notes[-1]
    _check_feasible(candidates, constraints, chosen.selected, budget)
    assert list(curve.columns) == ["budget", "value", "cost", "count", "status", "gap", "time_limited"]
    limited = curve[curve["time_limited"]]
    assert len(limited) >= 1 and limited["status"].eq("feasible").all() and limited["gap"].between(0, 1).all()
    assert not curve.loc[curve["status"].eq("optimal"), "time_limited"].any()
    words = frontier_words(curve, 5.0)
    assert words.startswith("The efficient frontier was stopped at the time limit of 5 s: ")
    assert f"{len(limited)} of its 4 points" in words


@pytest.mark.parametrize(("limited", "gaps", "expected"), [
    ([False, False], [0.0, 0.0], None),
    ([False, True], [0.0, 0.0518], "The efficient frontier was stopped at the time limit of 30 s: 1 of its 2 "
                                   "points is the best set found by then, not proven the best; a better set could "
                                   "add at most 5.18% of its value."),
    ([True, True], [0.125, 0.0518], "The efficient frontier was stopped at the time limit of 30 s: 2 of its 2 "
                                    "points are the best sets found by then, not proven the best; a better set "
                                    "could add at most 12.50% of the value of each."),
])
def test_the_frontier_sentence(limited, gaps, expected):
    curve = pd.DataFrame({"status": ["feasible" if x else "optimal" for x in limited], "gap": gaps,
                          "time_limited": limited})
    assert frontier_words(curve, 30.0) == expected
    assert frontier_words(None) is None


def test_the_frontier_sentence_writes_the_limit_in_the_locale_and_never_a_gap_that_is_not_0_as_0_percent():
    from pmo_workbench import i18n

    curve = pd.DataFrame({"status": ["feasible"], "gap": [0.00002], "time_limited": [True]})
    assert frontier_words(curve, 0.001) == (
        "The efficient frontier was stopped at the time limit of 0.001 s: 1 of its 1 points is the best set found "
        "by then, not proven the best; a better set could add at most 0.0020% of its value.")
    assert "time limit of 1,000,000,000 s" in frontier_words(curve, 1e9)
    with i18n.use_language("de"):
        words = frontier_words(curve, 0.001).replace("\xa0", " ")
    assert words.startswith("Die Effizienzgrenze wurde beim Zeitlimit von 0,001 s angehalten")
    assert "höchstens 0,0020 % ihres Werts" in words


def test_the_json_never_rounds_the_gap_of_a_set_not_proven_the_best_to_0():
    from pmo_workbench.portfolio.analysis import _records

    curve = pd.DataFrame({"budget": [1.0, 2.0, 3.0], "value": [1.0, 2.0, 3.0], "cost": [1.0, 2.0, 3.0],
                          "count": [1, 2, 3], "status": ["optimal", "feasible", "feasible"],
                          "gap": [0.0, 0.00002, 0.05184], "time_limited": [False, True, True]})
    assert [row["gap"] for row in _records(curve)] == [0.0, 0.0001, 0.0518]


# -- the command line --------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A generated portfolio of EXACT_SIZE + 700 projects (above the exact solver's size), as a CSV folder."""
    gen = generator()
    sheets = gen.build_portfolio(EXACT_SIZE + 700, 3 * EXACT_SIZE, EXACT_SIZE, 12, 12, seed=7, as_of="2026-06-30",
                                 overallocate=True)
    return gen.write_csv_folder(sheets, tmp_path_factory.mktemp("large") / "portfolio")


def _budget(folder) -> float:
    projects = pd.read_csv(folder / "projects.csv")
    return float(np.nansum(projects["bac"])) * 0.3


def test_a_tiny_limit_gives_time_limited_answers_with_their_gaps_in_the_json(large):
    result = runner.invoke(app, ["portfolio", str(large), "--as-of", "2026-06-30", "--budget", f"{_budget(large):.0f}",
                                 "--time-limit", "0.001", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    chosen = data["selection"]
    assert chosen["status"] == "feasible" and chosen["solver"]["time_limited"] is True
    assert chosen["solver"]["time_limit"] == 0.001 and 0.0 < chosen["solver"]["gap"] < 1.0
    assert any(note.startswith("stopped at the time limit of 0.001 s with a gap of at most")
               for note in chosen["notes"])
    points = data["frontier"]
    assert all(set(p) == {"budget", "value", "cost", "count", "status", "gap", "time_limited"} for p in points)
    stopped = [p for p in points if p["time_limited"]]
    assert stopped and all(p["status"] == "feasible" and 0.0 <= p["gap"] <= 1.0 for p in stopped)


def test_the_table_says_so_in_words(large):
    result = runner.invoke(app, ["portfolio", str(large), "--as-of", "2026-06-30", "--budget", f"{_budget(large):.0f}",
                                 "--time-limit", "0.001"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "Selection (feasible) within" in text and "optimality gap at most" in text
    assert "stopped at the time limit of 0.001 s with a gap of at most" in text
    assert "The efficient frontier was stopped at the time limit of 0.001 s:" in text
