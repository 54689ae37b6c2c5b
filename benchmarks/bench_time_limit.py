"""Does one time limit hold for selection and the efficient frontier together, on a very large portfolio?

Draws a synthetic portfolio with ``build_portfolio`` from ``examples/generate_portfolios.py`` (default 200,000
projects with five risks, two dependencies and ten assignment rows each, 200 roles x 36 months, some roles
over-allocated, three criteria), writes it as a folder of CSV files and reads it back. Then, on the same
candidates (``selection_candidates``), dependencies and capacity from the status date's month on, for half the
candidates' cost and a ``--points``-point frontier, each within ``--time-limit`` seconds:

- ``per_solve`` (the named baseline, what ``analyse_portfolio`` did before): ``select_projects`` with the limit,
  then ``efficient_frontier`` with the limit again, each counting from its own start;
- ``one_deadline`` (the package now): ``select_with_frontier``, one deadline for both counted from before the
  candidates are drawn up (the selection may use half of it, the frontier the rest).

It prints each wall time (candidates, problem building, solves, bounds, greedy passes, dependency closure and
the frontier's loop over budgets all included), the ratio, whether the new time is within the limit (plus a
``--grace`` for handing the answer back), and what each answer says of itself: status, ``time_limited``, gap,
and the frontier's sentence. Run::

    .venv/bin/python benchmarks/bench_time_limit.py [--projects N] [--time-limit S] [--points N] [--grace S]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_workbench.portfolio import read_portfolio
from pmo_workbench.portfolio.selection import (efficient_frontier, frontier_words, select_projects,
                                               select_with_frontier, selection_candidates)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_portfolio import AS_OF, CRITERIA, load_generator  # noqa: E402 - the same generator and settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--time-limit", type=float, default=5.0, help="seconds (default 5)")
    parser.add_argument("--points", type=int, default=12, help="budgets on the frontier")
    parser.add_argument("--grace", type=float, default=1.0, help="seconds beyond the limit still counted within")
    parser.add_argument("--seed", type=int, default=20260630)
    args = parser.parse_args()

    gen = load_generator()
    n = args.projects
    started = time.perf_counter()
    sheets = gen.build_portfolio(n, 5 * n, 2 * n, args.roles, args.months, seed=args.seed, as_of=AS_OF,
                                 cycle=True, overallocate=True, criteria=CRITERIA, n_assignments=10 * n)
    with tempfile.TemporaryDirectory(prefix="bench_time_limit_") as tmp:
        folder = gen.write_csv_folder(sheets, Path(tmp) / "portfolio")
        del sheets
        portfolio = read_portfolio(folder)
    print(f"{n:,} projects, {len(portfolio.dependencies):,} dependencies, {len(portfolio.assignments):,} "
          f"assignments: built and read in {time.perf_counter() - started:.1f} s")
    first_month = pd.Period(AS_OF, "M")
    constraints = {"dependencies": portfolio.dependencies, "projects": portfolio.projects,
                   "demand": portfolio.assignments[portfolio.assignments["month"] >= first_month],
                   "capacity": portfolio.capacity[portfolio.capacity["month"] >= first_month]}
    limit = args.time_limit

    def candidates() -> pd.DataFrame:
        return selection_candidates(portfolio.projects, None, portfolio.criteria)

    budget = 0.5 * float(np.nansum(candidates()["cost"]))

    began = time.perf_counter()
    drawn = candidates()
    old_selection = select_projects(drawn, budget, time_limit=limit, **constraints)
    old_frontier = efficient_frontier(drawn, n=args.points, time_limit=limit, **constraints)
    t_old = time.perf_counter() - began

    began = time.perf_counter()
    drawn = candidates()
    new_selection, new_frontier = select_with_frontier(drawn, budget, n=args.points, time_limit=limit, began=began,
                                                       **constraints)
    t_new = time.perf_counter() - began

    print(f"{len(drawn):,} candidates, budget {budget:,.0f}, frontier of {args.points} budgets, limit {limit:g} s")
    for label, seconds, chosen, curve in (("per_solve (baseline)", t_old, old_selection, old_frontier),
                                          ("one_deadline", t_new, new_selection, new_frontier)):
        within = "within" if seconds <= limit + args.grace else "OVER"
        feasible = curve[curve["status"] != "infeasible"]
        print(f"{label:>22}: {seconds:6.2f} s for selection and frontier ({within} the limit); selection "
              f"{chosen.status} by {chosen.method}, time_limited {chosen.time_limited}, gap {chosen.gap:.2%}; "
              f"frontier gaps {feasible['gap'].min():.2%} to {feasible['gap'].max():.2%}, "
              f"{int(curve['time_limited'].sum())} of {len(curve)} points time-limited")
    print(f"ratio one_deadline / per_solve: {t_new / t_old:.2f}")
    print(f"selection note: {new_selection.notes[-1] if new_selection.notes else '-'}")
    print(f"frontier: {frontier_words(new_frontier, limit) or 'not stopped by the limit'}")


if __name__ == "__main__":
    main()
