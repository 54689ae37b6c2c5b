"""Prioritisation and selection: weighted scores, and the best portfolio a budget can buy.

DOMAIN.md section 6: weighted scoring ``score_j = sum_i w_i s_ij`` with
weights normalised to sum 1; budget-constrained selection is a 0/1 knapsack

    maximise    sum_j value_j x_j
    subject to  sum_j cost_j x_j <= budget
                x_j = 1                      for mandatory projects
                x_j <= x_k                   when j needs k
                x_j + x_k <= 1               for mutually exclusive projects
                sum_j demand_jrm x_j <= capacity_rm   for every role r and month m

solved with ``scipy.optimize.milp`` (HiGHS) on sparse constraint matrices.
Solving it over a range of budgets gives the efficient frontier.

HiGHS can print debugging lines (``HighsMipSolverData::transformNewIntegerFeasibleSolution
tmpSolver.run();``) from C++ straight to file descriptor 1, whatever ``disp`` says; every
solve therefore runs with file descriptor 1 pointed at standard error, so that standard
output (JSON from the command line, say) stays clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .._io import captured_output
from .model import CANDIDATES, IN_FLIGHT

TIE_TOLERANCE = 1e-9
"""Relative value difference below which two selections count as equally valuable (the cheaper one wins)."""

MIP_OPTIONS = {"mip_rel_gap": 0.0, "presolve": True, "time_limit": 120.0}
"""HiGHS options: prove optimality (the default relative gap of 1e-4 could miss a small project), but give up
after two minutes with the best selection found (status ``"feasible"``); 500 candidates take well under a second."""

CANDIDATE_COLUMNS = ["project_id", "name", "status", "cost", "value", "mandatory", "note"]
FRONTIER_COLUMNS = ["budget", "value", "cost", "count", "status"]

_FEASIBILITY = 1e-6
_EXAMPLES = 10


@dataclass(frozen=True)
class Selection:
    """The best set of candidate projects for one budget.

    Attributes
    ----------
    status
        ``"optimal"``, or ``"infeasible"`` when no set satisfies the
        constraints (``notes`` say why); ``"feasible"`` only if the solver hit
        its time limit (:data:`MIP_OPTIONS`) before proving optimality.
    budget
        The budget the selection was made for.
    selected
        Selected project ids, in candidate order.
    total_cost, total_value
        Sums over the selected projects (NaN when infeasible).
    projects
        The candidates with ``selected`` (bool) and ``reason``: ``"mandatory"``,
        ``"prerequisite of mandatory"``, ``"selected"``; or, for a project left
        out, ``"prerequisite cancelled"``, ``"no cost estimate"``,
        ``"excluded"`` (an exclusive partner is selected), ``"prerequisite not
        selected"``, ``"over budget"`` (its cost exceeds what the budget has
        left), ``"over capacity"`` (it would overload a role in some month),
        ``"no value"``, ``"lower value"``, or ``"infeasible"``.
    notes
        What the solver assumed or adjusted, and why a selection is infeasible.
    """

    status: str
    budget: float
    selected: tuple[str, ...]
    total_cost: float
    total_value: float
    projects: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


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
        source = "criteria scores"
    else:
        value = _column(frame, "strategic_value").to_numpy(dtype=float)
        source = "strategic value"
    no_value = np.isnan(value)
    notes[no_value] = f"no {source}; value counted as 0"
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
    notes[no_cost] += "no BAC, so no cost estimate"

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
                    exclusions: Sequence[tuple[str, str]] = (), projects: pd.DataFrame | None = None) -> Selection:
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
    difference between two sets, which weighted scores do not bound.
    """
    return _Problem(candidates, dependencies=dependencies, demand=demand, capacity=capacity,
                    exclusions=exclusions, projects=projects).solve(budget)


def efficient_frontier(candidates: pd.DataFrame, budgets: Sequence[float] | None = None, *, n: int = 12,
                       **same_constraints) -> pd.DataFrame:
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
    **same_constraints
        ``dependencies``, ``demand``, ``capacity``, ``exclusions``,
        ``projects``, as for :func:`select_projects`.

    Returns
    -------
    pandas.DataFrame
        ``budget``, ``value``, ``cost``, ``count`` (projects selected),
        ``status``; value and cost NaN where infeasible. With the same
        constraints a larger budget never lowers the value.
    """
    problem = _Problem(candidates, **same_constraints)
    if budgets is None:
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        budgets = np.linspace(problem.forced_cost, float(np.nansum(problem.candidates["cost"])), n)
    rows = []
    for budget in budgets:
        chosen = problem.solve(float(budget))
        rows.append({"budget": float(budget), "value": chosen.total_value, "cost": chosen.total_cost,
                     "count": len(chosen.selected), "status": chosen.status})
    return pd.DataFrame(rows, columns=FRONTIER_COLUMNS).astype({"count": int})


# -- the model ----------------------------------------------------------------

def _column(frame: pd.DataFrame, name: str, default=np.nan) -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index)


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:_EXAMPLES])
    return shown + (f" and {len(items) - _EXAMPLES} more" if len(items) > _EXAMPLES else "")


def _closure(start: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Mark everything reachable from ``start`` (bool per candidate) along edges ``src -> dst``."""
    marked = start.copy()
    while True:
        grow = np.zeros_like(marked)
        grow[dst[marked[src]]] = True
        grow &= ~marked
        if not grow.any():
            return marked
        marked |= grow


def _milp(*args, **kwargs):
    """:func:`scipy.optimize.milp` with the solver's own diagnostics logged at DEBUG, not printed."""
    with captured_output(__name__):
        return milp(*args, **kwargs)


class _Problem:
    """The budget-independent part of the knapsack, built once and solved per budget."""

    def __init__(self, candidates: pd.DataFrame, *, dependencies: pd.DataFrame | None = None,
                 demand: pd.DataFrame | None = None, capacity: pd.DataFrame | None = None,
                 exclusions: Sequence[tuple[str, str]] = (), projects: pd.DataFrame | None = None):
        self.candidates = candidates
        self.ids = candidates["project_id"].astype(str).to_numpy()
        n = len(self.ids)
        self.position = pd.Series(np.arange(n), index=self.ids)
        self.notes: list[str] = []
        self.blockers: list[str] = []                 # budget-independent reasons for infeasibility
        self.value = candidates["value"].fillna(0.0).to_numpy(dtype=float)
        cost = candidates["cost"].to_numpy(dtype=float)
        self.mandatory = _column(candidates, "mandatory", False).fillna(False).astype(bool).to_numpy()
        self.reason_out = np.full(n, "", dtype=object)    # why a candidate is ruled out before solving
        if "note" in candidates:                       # one note per distinct candidate note, naming its projects
            noted = pd.Series(self.ids).groupby(candidates["note"].to_numpy(), sort=True).agg(list)
            self.notes += [f"{note}: {_examples(ids)}" for note, ids in noted.items() if isinstance(note, str)]

        self.dep_src, self.dep_dst = self._dependencies(dependencies, projects)
        self.forced = _closure(self.mandatory, self.dep_src, self.dep_dst)
        cancelled = self.reason_out == "prerequisite cancelled"
        if cancelled.any():                            # whoever needs a ruled-out project is ruled out too
            spread = _closure(cancelled, self.dep_dst, self.dep_src)
            self.reason_out[spread & ~cancelled] = "prerequisite cancelled"
        doomed = self.forced & (self.reason_out == "prerequisite cancelled")
        if doomed.any():
            self.blockers.append("mandatory projects (or prerequisites they need) depend on a cancelled project: "
                                 + _examples(list(self.ids[doomed])))

        no_cost = np.isnan(cost)
        if (no_cost & self.forced).any():
            self.notes.append("no cost estimate for required projects, counted as 0: "
                              + _examples(list(self.ids[no_cost & self.forced])))
        self.reason_out[no_cost & ~self.forced & (self.reason_out == "")] = "no cost estimate"
        self.cost = np.where(no_cost, 0.0, cost)
        self.forced_cost = float(self.cost[self.forced].sum())

        self.exc_a, self.exc_b = self._exclusions(exclusions)
        both = self.forced[self.exc_a] & self.forced[self.exc_b]
        if both.any():
            pairs = [f"{a} / {b}" for a, b in zip(self.ids[self.exc_a[both]], self.ids[self.exc_b[both]])]
            self.blockers.append("mutually exclusive projects are both required: " + _examples(pairs))

        self.capacity_matrix, self.capacity_limit = self._capacity(demand, capacity)

    # -- building ------------------------------------------------------------

    def _dependencies(self, dependencies: pd.DataFrame | None,
                      projects: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray]:
        empty = np.array([], dtype=np.int64)
        if dependencies is None or dependencies.empty:
            return empty, empty
        deps = dependencies[["from_project", "to_project"]].astype(str).drop_duplicates()
        deps = deps[deps["from_project"].isin(self.position.index)]
        inside = deps["to_project"].isin(self.position.index).to_numpy()
        outside = deps[~inside]
        if len(outside):
            status = pd.Series(np.nan, index=outside.index, dtype=object)
            if projects is not None:
                known = projects.drop_duplicates("project_id").set_index("project_id")["status"].astype(object)
                status = outside["to_project"].map(known)
            cancelled = outside[status.eq("cancelled").to_numpy()]
            if len(cancelled):
                self.reason_out[self.position[cancelled["from_project"]].to_numpy()] = "prerequisite cancelled"
                pairs = [f"{a} (needs {b})" for a, b in zip(cancelled["from_project"], cancelled["to_project"])]
                self.notes.append("cannot be selected because a prerequisite is cancelled: " + _examples(pairs))
            unknown = outside[~status.isin(["closed", "cancelled"]).to_numpy()]
            if len(unknown):
                pairs = [f"{a} needs {b}" for a, b in zip(unknown["from_project"], unknown["to_project"])]
                self.notes.append("prerequisites outside the candidates and not known to be closed or cancelled "
                                  "were taken as delivered: " + _examples(pairs))
        inner = deps[inside]
        return (self.position[inner["from_project"]].to_numpy(dtype=np.int64),
                self.position[inner["to_project"]].to_numpy(dtype=np.int64))

    def _exclusions(self, exclusions: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        pairs = {tuple(sorted((str(a), str(b)))) for a, b in exclusions if str(a) != str(b)}
        known = sorted(p for p in pairs if p[0] in self.position.index and p[1] in self.position.index)
        ignored = sorted(pairs - set(known))
        if ignored:
            self.notes.append("exclusions involving non-candidates ignored: "
                              + _examples([f"{a} / {b}" for a, b in ignored]))
        a = self.position[[p[0] for p in known]].to_numpy(dtype=np.int64)
        b = self.position[[p[1] for p in known]].to_numpy(dtype=np.int64)
        return a, b

    def _capacity(self, demand: pd.DataFrame | None,
                  capacity: pd.DataFrame | None) -> tuple[sparse.csr_array | None, np.ndarray]:
        if demand is None and capacity is None:
            return None, np.array([])
        if demand is None or capacity is None:
            self.notes.append("capacity constraints need both demand and capacity; "
                              f"only {'demand' if capacity is None else 'capacity'} was given, so none were applied")
            return None, np.array([])
        need = demand[demand["project_id"].astype(str).isin(self.position.index)]
        need = (need.assign(project_id=need["project_id"].astype(str))
                .groupby(["role", "month", "project_id"], sort=True, observed=True)["demand_fte"].sum().reset_index())
        need = need[need["demand_fte"] > 0]
        if need.empty:
            return None, np.array([])
        cells = need[["role", "month"]].drop_duplicates().reset_index(drop=True)
        row = need.merge(cells.reset_index(), on=["role", "month"], how="left")["index"].to_numpy()
        col = self.position[need["project_id"]].to_numpy()
        fte = need["demand_fte"].to_numpy(dtype=float)
        supply = capacity.groupby(["role", "month"], sort=False, observed=True)["capacity_fte"].sum().reset_index()
        limit = cells.merge(supply, on=["role", "month"], how="left")["capacity_fte"].to_numpy(dtype=float)
        uncovered = np.isnan(limit)
        if uncovered.any():
            labels = [f"{r} {m}" for r, m in zip(cells["role"][uncovered], cells["month"][uncovered])]
            self.notes.append(f"{uncovered.sum()} demanded role-month(s) have no capacity row, so capacity 0: "
                              + _examples(labels))
        limit = np.where(uncovered, 0.0, limit)

        required = np.bincount(row, weights=fte * self.forced[col], minlength=len(cells))
        raised = required > limit + _FEASIBILITY
        if raised.any():
            labels = [f"{r} {m} ({w:g} -> {v:g} FTE)" for r, m, w, v in
                      zip(cells["role"][raised], cells["month"][raised], limit[raised], required[raised])]
            self.notes.append(f"mandatory projects (with the prerequisites they need) alone need more than the "
                              f"capacity in {raised.sum()} role-month(s); capacity raised to their demand: "
                              f"{_examples(labels)}")
            limit = np.where(raised, required, limit)

        selectable = self.reason_out[col] == ""
        possible = np.bincount(row, weights=fte * selectable, minlength=len(cells))
        binding = possible > limit + _FEASIBILITY                  # other rows can never be exceeded
        keep = np.flatnonzero(binding)
        renumber = np.full(len(cells), -1)
        renumber[keep] = np.arange(len(keep))
        used = binding[row]
        matrix = sparse.csr_array((fte[used], (renumber[row[used]], col[used])), shape=(len(keep), len(self.ids)))
        return matrix, limit[keep]

    # -- solving ---------------------------------------------------------------

    def _constraints(self, budget: float) -> tuple[sparse.csr_array, np.ndarray]:
        n = len(self.ids)
        blocks = [sparse.csr_array(self.cost.reshape(1, n))]
        upper = [np.array([budget])]
        k = len(self.dep_src)
        if k:
            rows = np.repeat(np.arange(k), 2)
            cols = np.column_stack([self.dep_src, self.dep_dst]).ravel()
            data = np.tile([1.0, -1.0], k)
            blocks.append(sparse.csr_array((data, (rows, cols)), shape=(k, n)))
            upper.append(np.zeros(k))
        k = len(self.exc_a)
        if k:
            rows = np.repeat(np.arange(k), 2)
            cols = np.column_stack([self.exc_a, self.exc_b]).ravel()
            blocks.append(sparse.csr_array((np.ones(2 * k), (rows, cols)), shape=(k, n)))
            upper.append(np.ones(k))
        if self.capacity_matrix is not None and self.capacity_matrix.shape[0]:
            blocks.append(self.capacity_matrix)
            upper.append(self.capacity_limit)
        return sparse.vstack(blocks, format="csr"), np.concatenate(upper)

    def solve(self, budget: float) -> Selection:
        budget = float(budget)
        if np.isnan(budget):
            raise ValueError("budget must be a number, got NaN")
        notes = list(self.notes)
        n = len(self.ids)
        blockers = list(self.blockers)
        if self.forced_cost > budget + _FEASIBILITY * max(1.0, abs(budget)):
            blockers.append(f"mandatory projects (with the prerequisites they need) cost {self.forced_cost:,.2f}, "
                            f"above the budget of {budget:,.2f}")
        if blockers:
            return self._result("infeasible", budget, None, notes + [f"infeasible: {b}" for b in blockers])
        if n == 0:
            return self._result("optimal", budget, np.zeros(0, dtype=bool), notes)

        matrix, upper = self._constraints(budget)
        lower = self.forced.astype(float)
        upper_x = np.where(self.reason_out == "", 1.0, 0.0)
        bounds = Bounds(lower, upper_x)
        integrality = np.ones(n)
        rows = LinearConstraint(matrix, -np.inf, upper)
        first = _milp(-self.value, integrality=integrality, bounds=bounds, constraints=[rows], options=MIP_OPTIONS)
        if first.x is None:
            return self._result("infeasible", budget, None,
                                notes + [f"infeasible: no selection satisfies every constraint ({first.message})"])
        status = "optimal"
        if first.status != 0:
            status = "feasible"
            notes.append(f"the solver stopped before proving this selection optimal ({first.message})")
        chosen = first.x > 0.5
        best = float(self.value[chosen].sum())
        floor = best - TIE_TOLERANCE * max(1.0, abs(best))
        floor_row = LinearConstraint(sparse.csr_array(self.value.reshape(1, n)), floor, np.inf)
        second = _milp(self.cost, integrality=integrality, bounds=bounds, constraints=[rows, floor_row],
                       options=MIP_OPTIONS)
        if second.x is not None:
            cheaper = second.x > 0.5
            fits = np.all(matrix @ cheaper.astype(float) <= upper + _FEASIBILITY * np.maximum(1.0, np.abs(upper)))
            if fits and self.value[cheaper].sum() >= floor and self.cost[cheaper].sum() <= self.cost[chosen].sum():
                chosen = cheaper
        return self._result(status, budget, chosen, notes)

    def _result(self, status: str, budget: float, chosen: np.ndarray | None, notes: list[str]) -> Selection:
        n = len(self.ids)
        reason = self.reason_out.copy()
        if chosen is None:
            selected = np.zeros(n, dtype=bool)
            reason[reason == ""] = "infeasible"
            total_cost = total_value = float("nan")
        else:
            selected = chosen
            reason = self._reasons(budget, selected)
            total_cost = float(self.cost[selected].sum())
            total_value = float(self.value[selected].sum())
        frame = self.candidates.assign(selected=selected, reason=reason.astype(str))
        return Selection(status=status, budget=budget, selected=tuple(self.ids[selected]), total_cost=total_cost,
                         total_value=total_value, projects=frame.reset_index(drop=True), notes=tuple(notes))

    def _reasons(self, budget: float, selected: np.ndarray) -> np.ndarray:
        reason = np.where(selected, "selected", "").astype(object)
        reason[selected & self.forced] = "prerequisite of mandatory"
        reason[selected & self.mandatory] = "mandatory"
        out = ~selected
        open_ = out & (self.reason_out == "")
        reason[out & ~open_] = self.reason_out[out & ~open_]

        def mark(mask: np.ndarray, text: str) -> None:
            nonlocal open_
            hit = open_ & mask
            reason[hit] = text
            open_ = open_ & ~hit

        partner = np.zeros(len(self.ids), dtype=bool)
        partner[self.exc_a[selected[self.exc_b]]] = True
        partner[self.exc_b[selected[self.exc_a]]] = True
        mark(partner, "excluded")
        missing = np.zeros(len(self.ids), dtype=bool)
        missing[self.dep_src[~selected[self.dep_dst]]] = True
        mark(missing, "prerequisite not selected")
        left = budget - self.cost[selected].sum()
        mark(self.cost > left + _FEASIBILITY * max(1.0, abs(budget)), "over budget")
        if self.capacity_matrix is not None and self.capacity_matrix.shape[0]:
            slack = self.capacity_limit - self.capacity_matrix @ selected.astype(float)
            entries = self.capacity_matrix.tocoo()
            tight = entries.data > slack[entries.row] + _FEASIBILITY
            overload = np.zeros(len(self.ids), dtype=bool)
            overload[entries.col[tight]] = True
            mark(overload, "over capacity")
        mark(self.value <= 0, "no value")
        mark(open_, "lower value")
        return reason


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


__all__ = ["MIP_OPTIONS", "TIE_TOLERANCE", "Selection", "efficient_frontier", "select_projects",
           "normalised_weights", "selection_candidates", "selection_changes",
           "weighted_scores"]
