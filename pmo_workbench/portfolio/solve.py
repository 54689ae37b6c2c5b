"""Solving the selection knapsack within a time limit, and saying how close to the best the answer is.

Small portfolios (up to :data:`EXACT_SIZE` candidates) are solved exactly as
before: HiGHS maximises the value, then finds the cheapest set worth as much.
Larger ones start from a greedy set (value per cost, mandatory projects and
the prerequisites they force in first, every constraint respected) and the LP
relaxation's bound; HiGHS then improves the set with whatever time is left
(up to :data:`MILP_SIZE` candidates; beyond that the greedy set stands). Every
answer carries its relative optimality gap against the best bound proven,
and no solve runs past its time limit by more than HiGHS takes to notice it.

The efficient frontier solves its budgets in increasing order, each one
starting from the set found for the budget below (which still fits), so that a
larger budget never shows a lower value; above :data:`EXACT_SIZE` candidates
its points are greedy sets with their gaps, computed in well under a second
each.

The time limit and a progress callback come from the call or, when not
given, from :func:`solver_limits` (the command line sets both once for the
whole analysis).
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint

from .problem import _FEASIBILITY, MIP_OPTIONS, TIE_TOLERANCE, Selection, _Problem

DEFAULT_TIME_LIMIT = 60.0
"""Seconds a selection (or a whole efficient frontier) may take when no limit is given."""

EXACT_SIZE = 2_000
"""Candidates up to which selection is exact (two HiGHS solves, ties broken by cost) and the frontier too."""

MILP_SIZE = 50_000
"""Candidates up to which HiGHS improves the greedy set; above it the greedy set and its gap stand (HiGHS's
presolve alone would outrun any short time limit)."""

Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``: called as a selection or a frontier advances."""


@dataclass(frozen=True)
class SolverLimits:
    """The time limit (seconds) and the progress callback selection uses when a call gives none."""

    time_limit: float = DEFAULT_TIME_LIMIT
    progress: Progress | None = None


_LIMITS: contextvars.ContextVar[SolverLimits | None] = contextvars.ContextVar("selection_limits", default=None)


@contextlib.contextmanager
def solver_limits(time_limit: float | None = None, progress: Progress | None = None) -> Iterator[SolverLimits]:
    """Within the ``with`` block, selections and frontiers that are given no limit use these.

    >>> with solver_limits(time_limit=5.0) as limits:
    ...     limits.time_limit
    5.0
    """
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"the time limit must be a positive number of seconds, got {time_limit}")
    limits = SolverLimits(DEFAULT_TIME_LIMIT if time_limit is None else float(time_limit), progress)
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


def current_limits(time_limit: float | None = None) -> SolverLimits:
    """The limits in force, with ``time_limit`` in place of the context's when given."""
    limits = _LIMITS.get() or SolverLimits()
    if time_limit is None:
        return limits
    if not time_limit > 0:
        raise ValueError(f"the time limit must be a positive number of seconds, got {time_limit}")
    return SolverLimits(float(time_limit), limits.progress)


# -- bounds and the greedy set ----------------------------------------------------

def relative_gap(value: float, bound: float) -> float:
    """``(bound - value) / |bound|``, never below 0; 0 when both are 0."""
    if np.isnan(value) or np.isnan(bound):
        return float("nan")
    return float(max(bound - value, 0.0) / abs(bound)) if bound != 0 else 0.0


def knapsack_bound(p: _Problem, budget: float) -> float:
    """The fractional knapsack bound (Dantzig): forced value plus the best value per cost that the budget left
    buys, fractions allowed, dependencies, exclusions and capacity ignored. Never below the LP relaxation."""
    open_ = (p.reason_out == "") & ~p.forced & (p.value > 0)
    left = budget - p.forced_cost
    value, cost = p.value[open_], p.cost[open_]
    free = cost <= 0
    total = float(p.value[p.forced].sum() + value[free].sum())
    value, cost = value[~free], cost[~free]
    order = np.argsort(-(value / cost), kind="stable")
    value, cost = value[order], cost[order]
    spent = np.cumsum(cost)
    whole = int(np.searchsorted(spent, left, side="right"))
    total += float(value[:whole].sum())
    if whole < len(cost):
        room = left - (spent[whole - 1] if whole else 0.0)
        total += float(value[whole] * max(room, 0.0) / cost[whole])
    return total


def _adjacency(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR-style ``(start, targets)``: the targets of node ``i`` are ``targets[start[i]:start[i + 1]]``."""
    order = np.argsort(src, kind="stable")
    start = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    return start, dst[order]


class _Greedy:
    """Value-per-cost greedy selection, built once per problem and run per budget."""

    def __init__(self, p: _Problem):
        n = len(p.ids)
        self.p = p
        self.need_start, self.need = _adjacency(p.dep_src, p.dep_dst, n)
        pairs_a = np.concatenate([p.exc_a, p.exc_b])
        pairs_b = np.concatenate([p.exc_b, p.exc_a])
        self.partner_start, self.partner = _adjacency(pairs_a, pairs_b, n)
        self.pairs = (pairs_a, pairs_b)
        if p.capacity_matrix is not None and p.capacity_matrix.shape[0]:
            csc = sparse.csc_array(p.capacity_matrix)
            self.cap = (csc.indptr, csc.indices, csc.data)
        else:
            self.cap = None
        self.density = np.where(p.cost > 0, p.value / np.where(p.cost > 0, p.cost, 1.0), np.inf)
        self.wanted = (p.reason_out == "") & (p.value > 0)

    def run(self, budget: float, start: np.ndarray | None = None, guide: np.ndarray | None = None) -> np.ndarray:
        """A feasible set for ``budget`` (the forced projects are assumed to fit), containing ``start``.

        Projects are tried by ``guide`` (the LP relaxation's solution: whole projects first, then the larger
        fractions), then by value per cost, then by value; each with the prerequisites it still needs."""
        p = self.p
        keys = (-p.value, -self.density) if guide is None else (-p.value, -self.density, -np.round(guide, 6))
        order = np.lexsort(keys)
        order = order[self.wanted[order]]
        chosen = p.forced.copy() if start is None else (start | p.forced)
        left = budget - float(p.cost[chosen].sum()) + _FEASIBILITY * max(1.0, abs(budget))
        slack = None
        if self.cap is not None:
            slack = p.capacity_limit - p.capacity_matrix @ chosen.astype(float) + _FEASIBILITY
        blocked = np.zeros(len(chosen), dtype=bool)
        blocked[self.pairs[1][chosen[self.pairs[0]]]] = True
        need_start, need, partner_start, partner = self.need_start, self.need, self.partner_start, self.partner
        cost, reason_out = p.cost, p.reason_out
        for j in order:
            if chosen[j] or blocked[j] or cost[j] > left:
                continue
            bundle, stack, seen = [], [j], {j}
            ok = True
            while stack:
                k = stack.pop()
                if blocked[k] or reason_out[k] != "":
                    ok = False
                    break
                bundle.append(k)
                for m in need[need_start[k]:need_start[k + 1]]:
                    if not chosen[m] and m not in seen:
                        seen.add(m)
                        stack.append(m)
            if not ok:
                continue
            if len(bundle) == 1:  # the common case, without the arrays a bundle needs
                if slack is not None:
                    indptr, rows, fte = self.cap
                    a, b = indptr[j], indptr[j + 1]
                    if b > a:
                        at, use = rows[a:b], fte[a:b]
                        if (use > slack[at]).any():
                            continue
                        slack[at] -= use
                chosen[j] = True
                left -= cost[j]
                if partner_start[j + 1] > partner_start[j]:
                    blocked[partner[partner_start[j]:partner_start[j + 1]]] = True
                continue
            members = np.array(bundle)
            price = float(cost[members].sum())
            if price > left:
                continue
            if len(partner):
                mates = np.concatenate([partner[partner_start[k]:partner_start[k + 1]] for k in bundle])
                if len(mates) and np.isin(mates, members).any():
                    continue
            if slack is not None:
                indptr, rows, fte = self.cap
                spans = [np.arange(indptr[k], indptr[k + 1]) for k in bundle]
                at = np.concatenate(spans) if len(spans) > 1 else spans[0]
                if len(at):
                    use = np.bincount(rows[at], weights=fte[at], minlength=len(slack)) if len(spans) > 1 else None
                    if use is None:
                        if (fte[at] > slack[rows[at]]).any():
                            continue
                        slack[rows[at]] -= fte[at]
                    else:
                        if (use > slack).any():
                            continue
                        slack -= use
            chosen[members] = True
            left -= price
            if len(partner):
                for k in bundle:
                    blocked[partner[partner_start[k]:partner_start[k + 1]]] = True
        return chosen


def _prune(p: _Problem, chosen: np.ndarray) -> np.ndarray:
    """Drop selected projects worth nothing that nothing selected needs and nothing forces in (cheaper, same
    value): the tie-break by cost where the second exact solve is not run."""
    chosen = chosen.copy()
    while True:
        needed = np.zeros_like(chosen)
        needed[p.dep_dst[chosen[p.dep_src]]] = True
        drop = chosen & (p.value <= 0) & ~p.forced & ~needed & (p.cost > 0)
        if not drop.any():
            return chosen
        chosen &= ~drop


# -- one budget --------------------------------------------------------------------

class Solver:
    """Solves one :class:`_Problem` for one budget after another, each within a time limit."""

    def __init__(self, problem: _Problem, run: Callable, *, exact_size: int = EXACT_SIZE,
                 milp_size: int = MILP_SIZE):
        self.p = problem
        self.run = run  # scipy.optimize.milp, with the solver's output captured
        self.exact = len(problem.ids) <= exact_size
        self.milp_ok = len(problem.ids) <= milp_size
        self._greedy: _Greedy | None = None

    def greedy(self, budget: float, start: np.ndarray | None = None, guide: np.ndarray | None = None, *,
               fresh: bool = True) -> np.ndarray:
        """The better of the greedy sets from ``start`` and, when ``fresh``, from scratch (which may do better
        than a smaller budget's set allows); at least as valuable as ``start``."""
        if self._greedy is None:
            self._greedy = _Greedy(self.p)
        chosen = self._greedy.run(budget, start, guide)
        if start is not None and fresh:
            fresh = self._greedy.run(budget, None, guide)
            if self.p.value[fresh].sum() > self.p.value[chosen].sum():
                chosen = fresh
        return chosen

    def solve(self, budget: float, time_limit: float, *, start: np.ndarray | None = None,
              use_milp: bool = True, stated: float | None = None) -> Selection:
        """The best set found for ``budget`` within ``time_limit`` seconds; ``start`` is a feasible set
        (for a smaller budget) the answer must be at least as good as; ``stated`` the limit notes name."""
        began = time.perf_counter()
        deadline = began + time_limit
        p = self.p
        budget = float(budget)
        if np.isnan(budget):
            raise ValueError("budget must be a number, got NaN")
        notes = list(p.notes)
        n = len(p.ids)
        blockers = list(p.blockers)
        if p.forced_cost > budget + _FEASIBILITY * max(1.0, abs(budget)):
            blockers.append(f"mandatory projects (with the prerequisites they need) cost {p.forced_cost:,.2f}, "
                            f"above the budget of {budget:,.2f}")
        if blockers:
            return p._result("infeasible", budget, None, notes + [f"infeasible: {b}" for b in blockers],
                             gap=float("nan"), method="", seconds=time.perf_counter() - began)
        if n == 0:
            return p._result("optimal", budget, np.zeros(0, dtype=bool), notes, bound=0.0,
                             seconds=time.perf_counter() - began)

        matrix, upper = p._constraints(budget)
        bounds = Bounds(p.forced.astype(float), np.where(p.reason_out == "", 1.0, 0.0))
        rows = LinearConstraint(matrix, -np.inf, upper)

        def left() -> float:
            return max(deadline - time.perf_counter(), 1e-3)

        def finish(status: str, chosen: np.ndarray, bound: float, method: str, limited: bool) -> Selection:
            value = float(p.value[chosen].sum())
            gap = 0.0 if status == "optimal" else relative_gap(value, bound)
            if limited:
                notes.append(f"stopped at the time limit of {stated or time_limit:g} s with a gap of at most {gap:.2%} "
                             "(the share of value a better set could add)")
            elif method == "greedy":
                notes.append(f"{n:,} candidates: the greedy set (value per cost, every constraint respected), at "
                             f"most {gap:.2%} below the best (the LP bound)")
            return p._result(status, budget, chosen, notes, gap=gap, bound=bound, method=method,
                             time_limited=limited, seconds=time.perf_counter() - began)

        bound = knapsack_bound(p, budget)
        if self.exact and use_milp:
            first = self.run(-p.value, integrality=np.ones(n), bounds=bounds, constraints=[rows],
                             options={**MIP_OPTIONS, "time_limit": left()})
            if first.x is None and first.status == 2:
                return p._result("infeasible", budget, None, notes + [
                    f"infeasible: no selection satisfies every constraint ({first.message})"],
                    gap=float("nan"), method="", seconds=time.perf_counter() - began)
            if first.x is not None and first.status == 0:
                chosen = self._cheapest(first.x > 0.5, matrix, upper, bounds, rows, left)
                return finish("optimal", chosen, float(p.value[chosen].sum()), "milp", False)
            limited = first.status == 1
            dual = getattr(first, "mip_dual_bound", None)
            if dual is not None and np.isfinite(dual):
                bound = min(bound, -float(dual))
            chosen, method = self.greedy(budget, start), "greedy"
            if first.x is not None and p.value[first.x > 0.5].sum() >= p.value[chosen].sum():
                chosen, method = first.x > 0.5, "milp"
            if not limited:
                notes.append(f"the solver stopped before proving this selection optimal ({first.message})")
            return finish("feasible", chosen, bound, method, limited)

        lp = self.run(-p.value, integrality=np.zeros(n), bounds=bounds, constraints=[rows],  # half the time at
                      options={"presolve": True, "time_limit": left() / 2})              # most: greedy follows
        if lp.status == 2:
            return p._result("infeasible", budget, None, notes + [
                f"infeasible: no selection satisfies every constraint ({lp.message})"],
                gap=float("nan"), method="", seconds=time.perf_counter() - began)
        guide = None
        if lp.status == 0 and lp.x is not None:
            bound = min(bound, -float(lp.fun))
            guide = lp.x
        chosen = self.greedy(budget, start, guide, fresh=time.perf_counter() < deadline)
        best = float(p.value[chosen].sum())
        if best >= bound - TIE_TOLERANCE * max(1.0, abs(bound)):
            return finish("optimal", _prune(p, chosen), best, "greedy", False)
        limited = lp.status != 0
        if use_milp and self.milp_ok and not limited and time.perf_counter() < deadline:
            found = self.run(-p.value, integrality=np.ones(n), bounds=bounds, constraints=[rows],
                             options={**MIP_OPTIONS, "time_limit": left()})
            method = "greedy"
            if found.x is not None and p.value[found.x > 0.5].sum() > best:
                chosen, method = found.x > 0.5, "milp"
            dual = getattr(found, "mip_dual_bound", None)
            if found.status == 0 and found.x is not None:
                return finish("optimal", _prune(p, chosen), float(p.value[chosen].sum()), method, False)
            if dual is not None and np.isfinite(dual):
                bound = min(bound, -float(dual))
            limited = found.status == 1
            return finish("feasible", _prune(p, chosen), bound, method, limited)
        if use_milp and self.milp_ok and time.perf_counter() >= deadline:
            limited = True
        return finish("feasible", _prune(p, chosen), bound, "greedy", limited)

    def _cheapest(self, chosen: np.ndarray, matrix, upper, bounds, rows, left) -> np.ndarray:
        """The cheapest set worth (within :data:`TIE_TOLERANCE`) as much as ``chosen``; ``chosen`` when that
        solve does not finish in time."""
        p = self.p
        n = len(p.ids)
        best = float(p.value[chosen].sum())
        floor = best - TIE_TOLERANCE * max(1.0, abs(best))
        floor_row = LinearConstraint(sparse.csr_array(p.value.reshape(1, n)), floor, np.inf)
        second = self.run(p.cost, integrality=np.ones(n), bounds=bounds, constraints=[rows, floor_row],
                          options={**MIP_OPTIONS, "time_limit": left()})
        if second.x is not None:
            cheaper = second.x > 0.5
            fits = np.all(matrix @ cheaper.astype(float) <= upper + _FEASIBILITY * np.maximum(1.0, np.abs(upper)))
            if fits and p.value[cheaper].sum() >= floor and p.cost[cheaper].sum() <= p.cost[chosen].sum():
                return cheaper
        return chosen


def frontier_rows(solver: Solver, budgets: Sequence[float], limits: SolverLimits) -> list[dict]:
    """One row per budget (in the order given), solved from the smallest up within ``limits.time_limit`` for
    all of them; each budget starts from the set found for the one below."""
    began = time.perf_counter()
    order = np.argsort(np.asarray(budgets, dtype=float), kind="stable")
    rows: dict[int, dict] = {}
    previous: np.ndarray | None = None
    for done, i in enumerate(order):
        budget = float(budgets[i])
        share = (limits.time_limit - (time.perf_counter() - began)) / (len(order) - done)
        chosen = solver.solve(budget, max(share, 1e-3), start=previous, use_milp=solver.exact)
        if chosen.status != "infeasible":
            previous = chosen.projects["selected"].to_numpy(dtype=bool)
        rows[i] = {"budget": budget, "value": chosen.total_value, "cost": chosen.total_cost,
                   "count": len(chosen.selected), "status": chosen.status, "gap": chosen.gap}
        if limits.progress is not None:
            limits.progress("frontier", done + 1, len(order))
    return [rows[i] for i in range(len(order))]


__all__ = ["DEFAULT_TIME_LIMIT", "EXACT_SIZE", "MILP_SIZE", "SolverLimits", "current_limits", "knapsack_bound",
           "relative_gap", "solver_limits"]
