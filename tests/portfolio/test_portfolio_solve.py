"""Selection within a time limit: the greedy start, its bound, the reported gap, the frontier against exact solves."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.portfolio import selection, solve
from pmo_workbench.portfolio.problem import _Problem
from pmo_workbench.portfolio.selection import _linprog, _milp, efficient_frontier, select_projects
from pmo_workbench.portfolio.solve import EXACT_SIZE, Solver, knapsack_bound, relative_gap, solver_limits


def _portfolio(n: int, seed: int, *, roles: int = 20, months: int = 12):
    """``n`` candidates with mandatory ones, prerequisites (to earlier ids), exclusive pairs and tight capacity."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"P-{i:05d}" for i in range(n)])
    candidates = pd.DataFrame({"project_id": ids, "cost": rng.uniform(1e4, 1e6, n).round(2),
                               "value": rng.uniform(0, 10, n).round(2), "mandatory": rng.random(n) < 0.02})
    a, b = rng.integers(0, n, n // 2), rng.integers(0, n, n // 2)
    deps = pd.DataFrame({"from_project": ids[a[a > b]], "to_project": ids[b[a > b]]})
    pairs = [(ids[i], ids[i + 1]) for i in range(1, n - 1, max(n // 20, 2))]
    role_names = np.array([f"R{i:02d}" for i in range(roles)])
    period = pd.period_range("2025-01", periods=months, freq="M")
    m = 3 * n
    demand = pd.DataFrame({"project_id": ids[rng.integers(0, n, m)], "role": role_names[rng.integers(0, roles, m)],
                           "month": period[rng.integers(0, months, m)], "demand_fte": rng.uniform(0.1, 1.0, m)})
    capacity = pd.DataFrame({"role": np.repeat(role_names, months), "month": np.tile(period, roles),
                             "capacity_fte": m * 0.55 * 0.4 / (roles * months)})
    constraints = {"dependencies": deps, "demand": demand, "capacity": capacity, "exclusions": pairs}
    return candidates, constraints


def _check_feasible(candidates, constraints, selected, budget):
    chosen = set(selected)
    assert candidates.loc[candidates["project_id"].isin(chosen), "cost"].sum() <= budget * (1 + 1e-9)
    assert set(candidates.loc[candidates["mandatory"], "project_id"]) <= chosen
    deps = constraints["dependencies"]
    assert not (deps["from_project"].isin(chosen) & ~deps["to_project"].isin(chosen)).any()
    assert not any(a in chosen and b in chosen for a, b in constraints["exclusions"])


# -- the time limit --------------------------------------------------------------------------------------------------

def test_a_tiny_time_limit_stops_with_a_feasible_set_and_a_finite_gap():
    candidates, constraints = _portfolio(EXACT_SIZE + 500, seed=1)
    budget = float(candidates["cost"].sum() * 0.3)
    result = select_projects(candidates, budget, time_limit=1e-3, **constraints)
    assert result.time_limited and result.status == "feasible"
    assert math.isfinite(result.gap) and 0.0 <= result.gap < 1.0
    assert result.total_value <= result.bound
    assert any("stopped at the time limit of 0.001 s" in note for note in result.notes)
    assert 0 < len(result.selected) <= len(candidates)
    _check_feasible(candidates, constraints, result.selected, budget)


def test_the_time_limit_comes_from_the_context_and_progress_is_reported():
    candidates, constraints = _portfolio(EXACT_SIZE + 500, seed=2)
    seen = []
    with solver_limits(time_limit=1e-3, progress=lambda label, done, total: seen.append((label, done, total))):
        result = select_projects(candidates, float(candidates["cost"].sum() * 0.3), **constraints)
    assert result.time_limited and math.isfinite(result.gap)
    assert seen == [("selection", 0, 1), ("selection", 1, 1)]


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_time_limit_must_be_positive(bad):
    candidates, constraints = _portfolio(20, seed=3)
    with pytest.raises(ValueError, match="time limit"):
        select_projects(candidates, 1e6, time_limit=bad, **constraints)


# -- bounds ------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("share", [0.1, 0.4, 0.8])
def test_greedy_value_never_above_the_lp_bound_nor_that_above_the_knapsack_bound(seed, share):
    candidates, constraints = _portfolio(300, seed=seed)
    problem = _Problem(candidates, **constraints)
    budget = max(float(candidates["cost"].sum() * share), problem.forced_cost)
    solver = Solver(problem, _milp, relax=_linprog)
    lp = solver.solve(budget, 30.0, use_milp=False)      # greedy, with the LP relaxation as its bound
    assert lp.method == "greedy" and lp.total_value <= lp.bound + 1e-9
    assert lp.bound <= knapsack_bound(problem, budget) + 1e-6
    exact = solver.solve(budget, 30.0)
    assert exact.status == "optimal"
    assert lp.total_value <= exact.total_value + 1e-9 <= lp.bound + 2e-9
    assert lp.gap == pytest.approx(relative_gap(lp.total_value, lp.bound))
    _check_feasible(candidates, constraints, lp.selected, budget)


@pytest.mark.parametrize(("value", "bound", "gap"), [(90.0, 100.0, 0.1), (100.0, 100.0, 0.0), (0.0, 0.0, 0.0),
                                                     (101.0, 100.0, 0.0)])
def test_relative_gap(value, bound, gap):
    assert relative_gap(value, bound) == pytest.approx(gap)


# -- the frontier ------------------------------------------------------------------------------------------------------

def test_frontier_on_a_small_portfolio_is_the_exact_one():
    candidates, constraints = _portfolio(120, seed=7)
    frontier = efficient_frontier(candidates, n=8, **constraints)
    for row in frontier.itertuples():
        alone = select_projects(candidates, row.budget, **constraints)
        assert (row.status, row.count) == (alone.status, len(alone.selected))
        assert row.value == pytest.approx(alone.total_value, rel=1e-12, nan_ok=True)
        assert row.cost == pytest.approx(alone.total_cost, rel=1e-12, nan_ok=True)
    assert frontier["gap"].fillna(0.0).eq(0.0).all()


def test_frontier_above_the_exact_size_is_monotone_with_small_reported_gaps():
    candidates, constraints = _portfolio(EXACT_SIZE + 500, seed=8)
    frontier = efficient_frontier(candidates, n=6, **constraints)
    feasible = frontier[frontier["status"] != "infeasible"]
    assert len(feasible) == 6
    assert (np.diff(feasible["value"].to_numpy()) >= -1e-9).all()
    assert (feasible["cost"] <= feasible["budget"] * (1 + 1e-9)).all()
    assert feasible["gap"].between(0.0, 0.05).all()


# -- the gap on a knapsack worked by hand, and the clock ---------------------------------------------------------------

# A: value 10, cost 6; B: value 6, cost 3; C: value 5, cost 3; budget 7.
# Greedy by value per cost: B (2.0, 4 left), A (1.67) does not fit, C (1.67) does: B + C, value 11, cost 6.
# LP bound: B whole, then 4 of the 6 that A costs: 6 + 4/6 * 10 = 38/3 (C instead of A gives the same 1.67 per
# unit); so the gap is (38/3 - 11) / (38/3) = 5/38. The best set is B + C too (A alone is 10; A + anything > 7).
KNAPSACK = pd.DataFrame({"project_id": ["A", "B", "C"], "cost": [6.0, 3.0, 3.0], "value": [10.0, 6.0, 5.0],
                         "mandatory": [False, False, False]})


def _no_lp(*args, **kwargs):
    raise AssertionError("the LP relaxation was started without the time for it")


def test_the_gap_is_the_share_of_the_lp_bound_the_greedy_set_may_miss():
    solver = Solver(_Problem(KNAPSACK), _milp, relax=_linprog, exact_size=0, milp_size=0)
    result = solver.solve(7.0, 30.0)
    assert (result.status, result.method, result.selected, result.total_value) == ("feasible", "greedy",
                                                                                    ("B", "C"), 11.0)
    assert result.bound == pytest.approx(38 / 3)
    assert result.gap == pytest.approx(5 / 38)
    assert not result.time_limited
    exact = select_projects(KNAPSACK, 7.0)
    assert (exact.status, exact.selected, exact.gap) == ("optimal", ("B", "C"), 0.0)


def test_a_clock_past_the_limit_stops_the_greedy_pass_with_the_mandatory_set_and_its_gap(monkeypatch):
    # B mandatory, the clock already at 100 s of a 5 s limit: the greedy pass looks at the clock before its
    # first candidate (every candidate here) and stops. Only B, value 6; the fractional bound is B's 6 plus 4/6
    # of A's 10 = 38/3, so the gap is (38/3 - 6) / (38/3) = 10/19.
    monkeypatch.setattr(solve, "CLOCK_EVERY", 1)
    problem = _Problem(KNAPSACK.assign(mandatory=[False, True, False]))
    solver = Solver(problem, _milp, relax=_no_lp, exact_size=0, milp_size=0, clock=lambda: 100.0)
    result = solver.solve(7.0, 5.0, began=0.0)
    assert (result.status, result.selected, result.time_limited, result.time_limit) == ("feasible", ("B",), True,
                                                                                         5.0)
    assert result.gap == pytest.approx(10 / 19)
    assert result.seconds == 100.0
    assert "stopped at the time limit of 5 s with a gap of at most 52.63%" in result.notes[-1]


def test_building_the_problem_counts_against_the_limit_of_selection_and_of_the_frontier(monkeypatch):
    # The clock reads 0 when the call starts and 100 from then on: the limit of 5 s is gone once the problem is
    # built, so no LP is started and the answers are the greedy ones, stopped at the limit.
    candidates, constraints = _portfolio(EXACT_SIZE + 500, seed=9)
    monkeypatch.setattr(selection, "_linprog", _no_lp)

    def clock_from_zero():
        readings = iter([0.0])
        return lambda: next(readings, 100.0)

    budget = float(candidates["cost"].sum() * 0.3)
    with solver_limits(time_limit=5.0, clock=clock_from_zero()):
        result = select_projects(candidates, budget, **constraints)
    assert result.time_limited and result.status == "feasible" and result.seconds == 100.0
    assert 0.0 < result.gap < 1.0
    _check_feasible(candidates, constraints, result.selected, budget)
    with solver_limits(time_limit=5.0, clock=clock_from_zero()):
        frontier = efficient_frontier(candidates, n=4, **constraints)
    assert (np.diff(frontier["value"].to_numpy()) >= 0).all()
    assert frontier["gap"].between(0.0, 1.0).all()


@pytest.mark.slow
def test_a_large_lp_runs_in_a_child_process_and_is_stopped_at_its_limit(monkeypatch):
    monkeypatch.setattr(selection, "CHILD_PROCESS_SIZE", 1)
    problem = _Problem(KNAPSACK)
    solved = Solver(problem, _milp, relax=selection._linprog).lp(7.0, 60.0)[0]
    assert (solved.status, -solved.fun) == (0, pytest.approx(38 / 3))
    monkeypatch.setattr(selection, "_GRACE", 0.0)       # no interpreter starts in a millisecond
    stopped = Solver(problem, _milp, relax=selection._linprog).lp(7.0, 1e-3)[0]
    assert stopped.status == 1 and "stopped at its time limit" in stopped.message
