"""The selection model: the budget-independent part of the knapsack, built once and solved per budget.

:class:`_Problem` turns candidates, dependencies, exclusions and capacity into
the sparse rows of DOMAIN.md section 6's 0/1 knapsack and explains a solution
(the ``reason`` of each candidate); :mod:`.solve` finds the solutions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from ..i18n import _, ngettext

TIE_TOLERANCE = 1e-9
"""Relative value difference below which two selections count as equally valuable (the cheaper one wins)."""

MIP_OPTIONS = {"mip_rel_gap": 0.0, "presolve": True, "time_limit": 60.0}
"""HiGHS options: prove optimality (the default relative gap of 1e-4 could miss a small project); the time limit
is replaced by what is left of the selection's own (:data:`~pmo_workbench.portfolio.solve.DEFAULT_TIME_LIMIT`
unless given). 500 candidates take well under a second."""


_FEASIBILITY = 1e-6
_EXAMPLES = 10


@dataclass(frozen=True)
class Selection:
    """The best set of candidate projects for one budget.

    Attributes
    ----------
    status
        ``"optimal"``, or ``"infeasible"`` when no set satisfies the
        constraints (``notes`` say why); ``"feasible"`` when the set satisfies
        every constraint but is not proven the best: the time limit stopped the
        solver (``time_limited``), or the portfolio is too large for the exact
        solver and the set is the greedy one (``method``). ``gap`` says how far
        from the best it can be.
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
    gap
        The relative optimality gap ``(bound - total_value) / bound``: 0 when
        proven optimal, at most this share of value could be missing; NaN when
        infeasible.
    bound
        The best proven upper bound on the value any set could reach (the LP
        relaxation, the solver's dual bound, or the fractional knapsack bound).
    method
        ``"milp"`` (HiGHS branch and bound) or ``"greedy"`` (value per cost,
        with mandatory projects, prerequisites, exclusions and capacity
        respected); ``""`` when infeasible before solving.
    time_limited
        True when the time limit stopped the search before optimality was proven.
    seconds
        Wall time of the solve (building the problem included).
    time_limit
        The limit the solve was given, in seconds (NaN when none was stated).
    """

    status: str
    budget: float
    selected: tuple[str, ...]
    total_cost: float
    total_value: float
    projects: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)
    gap: float = 0.0
    bound: float = float("nan")
    method: str = "milp"
    time_limited: bool = False
    seconds: float = 0.0
    time_limit: float = float("nan")

    def solver(self) -> dict[str, object]:
        """How the selection was found, JSON-ready: ``method``, ``gap``, ``bound``, ``time_limited``,
        ``time_limit`` and ``seconds`` (elapsed)."""
        def number(x: float) -> float | None:
            return None if x != x or x in (float("inf"), float("-inf")) else round(float(x), 6)

        return {"method": self.method, "gap": number(self.gap), "bound": number(self.bound),
                "time_limited": self.time_limited, "time_limit": number(self.time_limit),
                "seconds": round(self.seconds, 3)}


# -- the model ----------------------------------------------------------------

def _column(frame: pd.DataFrame, name: str, default=np.nan) -> pd.Series:
    return frame[name] if name in frame else pd.Series(default, index=frame.index)


def _examples(items: list[str]) -> str:
    shown = ", ".join(items[:_EXAMPLES])
    if len(items) <= _EXAMPLES:
        return shown
    return _("{listed} and {n} more").format(listed=shown, n=len(items) - _EXAMPLES)


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
            self.blockers.append(_("mandatory projects (or prerequisites they need) depend on a cancelled project: "
                                   "{projects}").format(projects=_examples(list(self.ids[doomed]))))

        no_cost = np.isnan(cost)
        if (no_cost & self.forced).any():
            self.notes.append(_("no cost estimate for required projects, counted as 0: {projects}").format(
                projects=_examples(list(self.ids[no_cost & self.forced]))))
        self.reason_out[no_cost & ~self.forced & (self.reason_out == "")] = "no cost estimate"
        self.cost = np.where(no_cost, 0.0, cost)
        self.forced_cost = float(self.cost[self.forced].sum())

        self.exc_a, self.exc_b = self._exclusions(exclusions)
        both = self.forced[self.exc_a] & self.forced[self.exc_b]
        if both.any():
            pairs = [f"{a} / {b}" for a, b in zip(self.ids[self.exc_a[both]], self.ids[self.exc_b[both]])]
            self.blockers.append(_("mutually exclusive projects are both required: {pairs}").format(
                pairs=_examples(pairs)))

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
                pairs = [_("{source} (needs {target})").format(source=a, target=b)
                         for a, b in zip(cancelled["from_project"], cancelled["to_project"])]
                self.notes.append(_("cannot be selected because a prerequisite is cancelled: {pairs}").format(
                    pairs=_examples(pairs)))
            unknown = outside[~status.isin(["closed", "cancelled"]).to_numpy()]
            if len(unknown):
                pairs = [_("{source} needs {target}").format(source=a, target=b)
                         for a, b in zip(unknown["from_project"], unknown["to_project"])]
                self.notes.append(_("prerequisites outside the candidates and not known to be closed or cancelled "
                                    "were taken as delivered: {pairs}").format(pairs=_examples(pairs)))
        inner = deps[inside]
        return (self.position[inner["from_project"]].to_numpy(dtype=np.int64),
                self.position[inner["to_project"]].to_numpy(dtype=np.int64))

    def _exclusions(self, exclusions: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        pairs = {tuple(sorted((str(a), str(b)))) for a, b in exclusions if str(a) != str(b)}
        known = sorted(p for p in pairs if p[0] in self.position.index and p[1] in self.position.index)
        ignored = sorted(pairs - set(known))
        if ignored:
            self.notes.append(_("exclusions involving non-candidates ignored: {pairs}").format(
                pairs=_examples([f"{a} / {b}" for a, b in ignored])))
        a = self.position[[p[0] for p in known]].to_numpy(dtype=np.int64)
        b = self.position[[p[1] for p in known]].to_numpy(dtype=np.int64)
        return a, b

    def _capacity(self, demand: pd.DataFrame | None,
                  capacity: pd.DataFrame | None) -> tuple[sparse.csr_array | None, np.ndarray]:
        if demand is None and capacity is None:
            return None, np.array([])
        if demand is None or capacity is None:
            self.notes.append(_("capacity constraints need both demand and capacity; only demand was given, so none "
                                "were applied") if capacity is None else
                              _("capacity constraints need both demand and capacity; only capacity was given, so "
                                "none were applied"))
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
            self.notes.append(ngettext(
                "{n} demanded role-month(s) have no capacity row, so capacity 0: {cells}",  # one English for both
                "{n} demanded role-month(s) have no capacity row, so capacity 0: {cells}",
                int(uncovered.sum())).format(n=int(uncovered.sum()), cells=_examples(labels)))
        limit = np.where(uncovered, 0.0, limit)

        required = np.bincount(row, weights=fte * self.forced[col], minlength=len(cells))
        raised = required > limit + _FEASIBILITY
        if raised.any():
            labels = [f"{r} {m} ({w:g} -> {v:g} FTE)" for r, m, w, v in
                      zip(cells["role"][raised], cells["month"][raised], limit[raised], required[raised])]
            self.notes.append(ngettext(
                "mandatory projects (with the prerequisites they need) alone need more than the capacity in {n} "
                "role-month(s); capacity raised to their demand: {cells}",  # one English for both, as always
                "mandatory projects (with the prerequisites they need) alone need more than the capacity in {n} "
                "role-month(s); capacity raised to their demand: {cells}",
                int(raised.sum())).format(n=int(raised.sum()), cells=_examples(labels)))
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

    def _result(self, status: str, budget: float, chosen: np.ndarray | None, notes: list[str],
                **solver) -> Selection:
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
                         total_value=total_value, projects=frame.reset_index(drop=True), notes=tuple(notes),
                         **solver)

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

