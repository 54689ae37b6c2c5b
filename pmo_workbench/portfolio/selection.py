"""Prioritisation and selection: weighted scores, and the best portfolio a budget can buy.

DOMAIN.md section 6: weighted scoring ``score_j = sum_i w_i s_ij`` with
weights normalised to sum 1; budget-constrained selection is a 0/1 knapsack

    maximise    sum_j value_j x_j
    subject to  sum_j cost_j x_j <= budget
                x_j = 1                      for mandatory projects
                x_j <= x_k                   when j needs k
                x_j + x_k <= 1               for mutually exclusive projects
                sum_j demand_jrm x_j <= capacity_rm   for every role r and month m

solved with ``scipy.optimize.milp`` (HiGHS) on sparse constraint matrices,
exactly up to :data:`~pmo_workbench.portfolio.solve.EXACT_SIZE` candidates and
from a greedy start with the optimality gap reported above it, always within a
time limit (:mod:`.solve`). Solving it over a range of budgets gives the
efficient frontier.

HiGHS can print debugging lines (``HighsMipSolverData::transformNewIntegerFeasibleSolution
tmpSolver.run();``) from C++ straight to file descriptor 1, whatever ``disp`` says; every
solve therefore runs with file descriptor 1 pointed at standard error, so that standard
output (JSON from the command line, say) stays clean.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linprog, milp

from .._io import captured_output
from ..i18n import _, ngettext
from .model import CANDIDATES, IN_FLIGHT
from .problem import MIP_OPTIONS, TIE_TOLERANCE, Selection, _column, _Problem
from .limits import SELECTION_SHARE, SolverLimits
from .solve import Solver, current_limits, frontier_rows, gap_text, seconds_text

CANDIDATE_COLUMNS = ["project_id", "name", "status", "cost", "value", "mandatory", "note"]
FRONTIER_COLUMNS = ["budget", "value", "cost", "count", "status", "gap", "time_limited"]


def weighted_scores(projects: pd.DataFrame, criteria: pd.DataFrame) -> pd.Series:
    """Weighted criteria score per project: ``sum_i w_i s_ij`` with weights normalised to sum 1.

    Parameters
    ----------
    projects
        ``project_id`` and one ``score_<criterion>`` column per criterion.
    criteria
        ``criterion``, ``weight`` (> 0).

    Returns
    -------
    pandas.Series
        Indexed by ``project_id``, named ``score``; NaN for a project missing
        any criterion's score (a blank is not a zero), and for every project
        when ``criteria`` is empty.

    Raises
    ------
    ValueError
        When a criterion has no ``score_<criterion>`` column.

    Examples
    --------
    Weights 3 and 1 normalise to 0.75 and 0.25: ``0.75 * 8 + 0.25 * 4 = 7``.

    >>> projects = pd.DataFrame({"project_id": ["P-1"], "score_fit": [8.0], "score_risk": [4.0]})
    >>> criteria = pd.DataFrame({"criterion": ["fit", "risk"], "weight": [3.0, 1.0]})
    >>> weighted_scores(projects, criteria).tolist()
    [7.0]
    """
    names = [str(c) for c in criteria["criterion"]]
    columns = [f"score_{c}" for c in names]
    missing = [c for c in columns if c not in projects]
    if missing:
        raise ValueError(f"projects have no column {', '.join(missing)}; each criterion needs a score_<criterion> "
                         f"column (criteria: {', '.join(names)})")
    index = pd.Index(projects["project_id"], name="project_id")
    weights = criteria["weight"].to_numpy(dtype=float)
    total = weights.sum()
    if not names or not total > 0:
        return pd.Series(np.nan, index=index, name="score")
    scores = projects[columns].to_numpy(dtype=float) @ (weights / total)
    return pd.Series(scores, index=index, name="score")


def selection_candidates(projects: pd.DataFrame, evm: pd.DataFrame | None,
                         criteria: pd.DataFrame | None) -> pd.DataFrame:
    """The projects selection may fund, with what each still costs and what it is worth.

    Parameters
    ----------
    projects
        The ``projects`` frame (``project_id``, ``name``, ``status``, ``bac``,
        ``ac``, ``strategic_value``, ``mandatory``, ``score_<criterion>``).
    evm
        Per-project earned value with ``project_id`` and ``etc``
        (:func:`pmo_workbench.portfolio.evm.earned_value`), or ``None``.
    criteria
        ``criterion``, ``weight``; ``None`` to value projects by ``strategic_value``.

    Returns
    -------
    pandas.DataFrame
        Projects whose status is in :data:`~pmo_workbench.portfolio.model.CANDIDATES`,
        in input order: ``project_id``, ``name``, ``status``, ``cost``,
        ``value``, ``mandatory``, ``note`` (text or NaN).

        - ``value``: the weighted score when ``criteria`` is given, else
          ``strategic_value``; missing -> 0 with a note.
        - ``cost``: the money still to spend. A proposed project costs its
          BAC; a started one (active, on hold) its ETC from ``evm`` when known
          (never below 0), else ``max(BAC - AC, 0)`` with a missing AC read as
          nothing spent. NaN (with a note) when the BAC is missing too.
    """
    frame = projects[projects["status"].isin(CANDIDATES)]
    ids = frame["project_id"]
    notes = pd.Series("", index=frame.index, dtype=object)

    if criteria is not None:
        value = weighted_scores(frame, criteria).to_numpy()
        missing = _("no criteria scores; value counted as 0")
    else:
        value = _column(frame, "strategic_value").to_numpy(dtype=float)
        missing = _("no strategic value; value counted as 0")
    no_value = np.isnan(value)
    notes[no_value] = missing
    value = np.where(no_value, 0.0, value)

    bac = _column(frame, "bac").to_numpy(dtype=float)
    spent = _column(frame, "ac").fillna(0.0).to_numpy(dtype=float)
    etc = np.full(len(frame), np.nan)
    if evm is not None and "etc" in evm:
        etc = ids.map(evm.drop_duplicates("project_id").set_index("project_id")["etc"]).to_numpy(dtype=float)
    started = frame["status"].astype(object).ne("proposed").to_numpy()
    remaining = np.where(np.isnan(etc), np.maximum(bac - spent, 0.0), np.maximum(etc, 0.0))
    cost = np.where(started, remaining, bac)
    no_cost = np.isnan(cost)
    notes[no_cost & no_value] += "; "
    notes[no_cost] += _("no BAC, so no cost estimate")

    mandatory = _column(frame, "mandatory", False).fillna(False).astype(bool).to_numpy()
    return pd.DataFrame({
        "project_id": ids.to_numpy(),
        "name": _column(frame, "name").to_numpy(),
        "status": frame["status"].astype(object).to_numpy(),
        "cost": cost,
        "value": value,
        "mandatory": mandatory,
        "note": notes.where(notes.ne(""), np.nan).to_numpy(),
    }, columns=CANDIDATE_COLUMNS)


def select_projects(candidates: pd.DataFrame, budget: float, *, dependencies: pd.DataFrame | None = None,
                    demand: pd.DataFrame | None = None, capacity: pd.DataFrame | None = None,
                    exclusions: Sequence[tuple[str, str]] = (), projects: pd.DataFrame | None = None,
                    time_limit: float | None = None) -> Selection:
    """Choose the most valuable set of candidates that fits the budget and every constraint.

    Parameters
    ----------
    candidates
        :func:`selection_candidates` output (``project_id``, ``cost``,
        ``value``, ``mandatory``; ``note`` optional).
    budget
        Money available for the candidates' remaining cost.
    dependencies
        ``from_project`` needs ``to_project``. A candidate needing another
        candidate can only be selected with it; needing a closed project
        costs nothing (it is delivered); needing a cancelled project rules it
        out. A prerequisite outside the candidates whose status is not known
        to be closed or cancelled (see ``projects``) is taken as delivered,
        with a note.
    demand, capacity
        ``project_id``, ``role``, ``month``, ``demand_fte`` and ``role``,
        ``month``, ``capacity_fte``: with both, the selected projects' demand
        must fit each role's capacity every month (a demanded role-month with
        no capacity row has capacity 0). Where the mandatory projects (and
        the prerequisites they force in) alone need more than a role-month's
        capacity, its limit is raised to their demand, with a note: otherwise
        every over-allocated portfolio would be infeasible.
    exclusions
        Pairs of project ids of which at most one may be selected.
    projects
        The ``projects`` frame (``project_id``, ``status``), used only to tell
        closed from cancelled prerequisites that are not candidates.
    time_limit
        Seconds the selection may take, building the problem included; by default the limit of
        :func:`~pmo_workbench.portfolio.solve.solver_limits` (30 s unless set). A deadline set there
        (shared with other solves) stops it sooner.
        At the limit the best set found is returned, status ``"feasible"``,
        ``time_limited`` true and its ``gap`` to the best bound proven.

    Returns
    -------
    Selection
        Never raises for an unaffordable budget: the status is then
        ``"infeasible"`` and a note says why.

    Notes
    -----
    Ties: among sets of (within :data:`TIE_TOLERANCE`) the same value, the
    cheapest wins. The problem is solved twice: first for the largest value,
    then for the lowest cost among sets worth at least that value. A tiny cost
    penalty in one objective would need a weight below the smallest value
    difference between two sets, which weighted scores do not bound. Above
    :data:`~pmo_workbench.portfolio.solve.EXACT_SIZE` candidates the second
    solve is left out (it costs more than the first); selected projects worth
    nothing that nothing needs are dropped instead.
    """
    limits = current_limits(time_limit)
    started = limits.clock()                      # building the problem counts against the limit too
    problem = _Problem(candidates, dependencies=dependencies, demand=demand, capacity=capacity,
                       exclusions=exclusions, projects=projects)
    return _select(problem, budget, limits, started)


def _select(problem: _Problem, budget: float, limits: SolverLimits, started: float) -> Selection:
    """:func:`select_projects` on a problem already built, within ``limits`` counted from ``started``."""
    if limits.progress is not None:
        limits.progress("selection", 0, 1)
    solver = Solver(problem, _milp, relax=_linprog, clock=limits.clock)
    result = solver.solve(budget, limits.allowed(started), stated=limits.time_limit, began=started)
    if limits.progress is not None:
        limits.progress("selection", 1, 1)
    return result


def efficient_frontier(candidates: pd.DataFrame, budgets: Sequence[float] | None = None, *, n: int = 12,
                       time_limit: float | None = None, **same_constraints) -> pd.DataFrame:
    """Best value for each of a range of budgets (one selection per budget).

    Parameters
    ----------
    candidates
        As for :func:`select_projects`.
    budgets
        The budgets to solve for; by default ``n`` evenly spaced values from
        the mandatory cost (mandatory projects plus the prerequisites they
        need, the least any feasible selection costs) to the total cost of
        all candidates.
    n
        Number of default budgets.
    time_limit
        Seconds the whole frontier may take, building the problem included
        (shared out among the budgets still to solve); by default as for
        :func:`select_projects`, whose shared deadline holds here too.
    **same_constraints
        ``dependencies``, ``demand``, ``capacity``, ``exclusions``,
        ``projects``, as for :func:`select_projects`.

    Returns
    -------
    pandas.DataFrame
        ``budget``, ``value``, ``cost``, ``count`` (projects selected),
        ``status``, ``gap`` (relative optimality gap, 0 where optimal),
        ``time_limited`` (the time limit stopped the search for that point
        before its set was proven the best); value and cost NaN where
        infeasible. With the same constraints a larger
        budget never lowers the value: budgets are solved from the smallest
        up, each starting from the set found for the one below.
    """
    limits = current_limits(time_limit)
    started = limits.clock()
    problem = _Problem(candidates, **same_constraints)
    return _frontier(problem, budgets, n, limits, started)


def _frontier(problem: _Problem, budgets: Sequence[float] | None, n: int, limits: SolverLimits,
              started: float) -> pd.DataFrame:
    """:func:`efficient_frontier` on a problem already built, within ``limits`` counted from ``started``."""
    if budgets is None:
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        budgets = np.linspace(problem.forced_cost, float(np.nansum(problem.candidates["cost"])), n)
    solver = Solver(problem, _milp, relax=_linprog, clock=limits.clock)
    limits = dataclasses.replace(limits, time_limit=limits.allowed(started))
    rows = frontier_rows(solver, [float(b) for b in budgets], limits, began=started)
    return pd.DataFrame(rows, columns=FRONTIER_COLUMNS).astype({"count": int, "time_limited": bool})


def select_with_frontier(candidates: pd.DataFrame, budget: float | None, *, frontier: bool = True, n: int = 12,
                         time_limit: float | None = None, began: float | None = None,
                         **same_constraints) -> tuple[Selection | None, pd.DataFrame | None]:
    """The selection within ``budget`` (none when ``budget`` is ``None``) and the efficient frontier (when
    ``frontier``), both within one time limit.

    ``time_limit`` (default: :func:`~pmo_workbench.portfolio.solve.solver_limits`'s) counts from ``began`` (a
    reading of that clock, e.g. before the candidates were drawn up; default now). The selection may use
    :data:`~pmo_workbench.portfolio.limits.SELECTION_SHARE` of what is left once the problem (shared by both) is
    built when the frontier follows, the frontier the rest;
    each stops at its deadline with the best sets found, ``time_limited`` and their gaps.
    ``same_constraints`` are :func:`select_projects`'s.
    """
    limits = current_limits(time_limit)
    began = limits.clock() if began is None else began
    share = SELECTION_SHARE if frontier else 1.0
    problem = _Problem(candidates, **same_constraints)   # built once for both
    built, end = limits.clock(), began + limits.time_limit
    chosen = curve = None
    if budget is not None:  # the selection's share of the time left once the problem is built
        chosen = _select(problem, float(budget),
                         dataclasses.replace(limits, deadline=built + share * max(end - built, 0.0)), began)
    if frontier:
        curve = _frontier(problem, None, n, dataclasses.replace(limits, deadline=end), began)
    return chosen, curve


def frontier_words(frontier: pd.DataFrame | None, time_limit: float | None = None) -> str | None:
    """A sentence saying that the time limit stopped the frontier and how far from the best its points may be;
    ``None`` when it did not (or there is no frontier).

    >>> curve = pd.DataFrame({"status": ["optimal", "feasible"], "gap": [0.0, 0.0518], "time_limited": [False, True]})
    >>> frontier_words(curve, 5.0)
    'The efficient frontier was stopped at the time limit of 5 s: 1 of its 2 points is the best set found by then, \
not proven the best; a better set could add at most 5.18% of its value.'
    """
    if frontier is None or "time_limited" not in frontier or not frontier["time_limited"].any():
        return None
    limited = frontier[frontier["time_limited"]]
    limit = "" if time_limit is None or time_limit != time_limit else _(" of {seconds} s").format(
        seconds=seconds_text(time_limit))
    return ngettext(
        "The efficient frontier was stopped at the time limit{limit}: {n} of its {total} points is the best set "
        "found by then, not proven the best; a better set could add at most {gap} of its value.",
        "The efficient frontier was stopped at the time limit{limit}: {n} of its {total} points are the best sets "
        "found by then, not proven the best; a better set could add at most {gap} of the value of each.",
        len(limited)).format(limit=limit, n=len(limited), total=len(frontier),
                             gap=gap_text(float(limited["gap"].max())))


def _milp(*args, **kwargs):
    """:func:`scipy.optimize.milp` with the solver's own diagnostics logged at DEBUG, not printed."""
    with captured_output(__name__):
        return milp(*args, **kwargs)


CHILD_PROCESS_SIZE = 20_000
"""A setting: from this many candidates the LP relaxation runs in a child process that is stopped at its time
limit. HiGHS looks at the clock only now and then (not in presolve), and on 140,000 candidates it was seen to
overrun a 5 s limit by a minute; a child process can be stopped on time."""

_GRACE = 0.5
"""Seconds a child LP may take beyond its own time limit to hand its answer back (a setting)."""


def _linprog(c, **kwargs):
    """:func:`scipy.optimize.linprog` (the LP relaxation, with its duals), its diagnostics captured likewise;
    in a child process stopped at ``options["time_limit"]`` from :data:`CHILD_PROCESS_SIZE` candidates on.

    The child is a fresh interpreter running :mod:`pmo_workbench.portfolio._relax` on files in a temporary
    folder, not a ``multiprocessing`` child, which would run the caller's script again on start."""
    if len(c) < CHILD_PROCESS_SIZE:
        with captured_output(__name__):
            return linprog(c, **kwargs)
    import subprocess
    import sys
    import tempfile
    from pathlib import Path
    from types import SimpleNamespace

    from scipy import sparse

    seconds = float(kwargs["options"]["time_limit"])
    stopped = SimpleNamespace(status=1, fun=None, x=None, ineqlin=None,
                              message=f"the LP relaxation was stopped at its time limit of {seconds:g} s")
    with tempfile.TemporaryDirectory(prefix="pmo_workbench_lp_") as folder:
        folder = Path(folder)
        sparse.save_npz(folder / "a.npz", sparse.csr_matrix(kwargs["A_ub"]), compressed=False)
        np.savez(folder / "in.npz", c=c, b=kwargs["b_ub"], bounds=kwargs["bounds"], seconds=seconds)
        child = subprocess.Popen([sys.executable, "-m", "pmo_workbench.portfolio._relax", str(folder)],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            child.wait(seconds + _GRACE)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return stopped
        if child.returncode != 0 or not (folder / "out.npz").exists():
            return stopped
        with np.load(folder / "out.npz") as out:
            status, fun, x, duals = int(out["status"]), float(out["fun"]), out["x"], out["duals"]
    return SimpleNamespace(status=status, fun=fun, x=x, message="solved in a child process",
                           ineqlin=SimpleNamespace(marginals=duals) if status == 0 else None)


def normalised_weights(criteria: pd.DataFrame) -> pd.DataFrame:
    """The criteria with their weights scaled to sum to 1 (as :func:`weighted_scores` uses them).

    >>> normalised_weights(pd.DataFrame({"criterion": ["fit", "risk"], "weight": [3.0, 1.0]}))["weight"].tolist()
    [0.75, 0.25]
    """
    weights = criteria["weight"].astype(float)
    return criteria.assign(weight=weights / weights.sum())


def selection_changes(selection: Selection, unvalued: Sequence[str] = ()) -> pd.DataFrame:
    """What a selection changes: proposals it starts, and projects under way it leaves out.

    ``unvalued`` are candidates without a value: their ``reason`` reads "no value given" (counted as worth
    nothing, which is no verdict on them). Funded projects first, then by value, highest first.
    """
    frame = selection.projects
    decided = frame.assign(reason=frame["reason"].where(~frame["project_id"].isin(list(unvalued)), "no value given"))
    changes = decided[(decided["selected"] & decided["status"].eq("proposed"))
                      | (~decided["selected"] & decided["status"].isin(IN_FLIGHT))]
    return changes.sort_values(["selected", "value"], ascending=[False, False], kind="stable")


__all__ = ["CANDIDATE_COLUMNS", "FRONTIER_COLUMNS", "MIP_OPTIONS", "TIE_TOLERANCE", "Selection",
           "efficient_frontier", "frontier_words", "select_projects", "select_with_frontier",
           "normalised_weights", "selection_candidates", "selection_changes",
           "weighted_scores"]
