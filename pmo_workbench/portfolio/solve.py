"""Solving the selection knapsack within a time limit, and saying how close to the best the answer is.

Small portfolios (up to :data:`EXACT_SIZE` candidates) are solved exactly as
before: HiGHS maximises the value, then finds the cheapest set worth as much.
Larger ones start from a greedy set (value per cost, mandatory projects and
the prerequisites they force in first, every constraint respected), then,
when the time left allows it, the LP relaxation gives a bound and orders a
second greedy pass; HiGHS then improves the set with whatever time is left
(up to :data:`MILP_SIZE` candidates; beyond that the greedy set stands). Every
answer carries its relative optimality gap against the best bound proven.

The whole solve counts against the limit, building the problem included:
the greedy pass looks at the clock as it goes, an LP is started only with
time left for the work after it, and on large portfolios the LP runs in a
child process stopped at its limit (see
:data:`~pmo_workbench.portfolio.selection.CHILD_PROCESS_SIZE`), because HiGHS
looks at the clock too seldom there.

The efficient frontier solves its budgets in increasing order, each one
starting from the set found for the budget below (which still fits), so that a
larger budget never shows a lower value; above :data:`EXACT_SIZE` candidates
its points are greedy sets, bounded and reordered with the prices of one or
more LP relaxations as time allows (:func:`frontier_rows`).

The time limit, a progress callback and the clock come from the call or, when
not given, from :func:`solver_limits` (the command line sets the first two once
for the whole analysis).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog

from .._values import fmt, percent
from ..i18n import _
from .limits import (DEFAULT_TIME_LIMIT, SELECTION_SHARE, Progress, SolverLimits,  # noqa: F401 - public here too
                     current_limits, solver_limits)
from .problem import _FEASIBILITY, MIP_OPTIONS, TIE_TOLERANCE, Selection, _Problem

EXACT_SIZE = 2_000
"""Candidates up to which selection is exact (two HiGHS solves, ties broken by cost) and the frontier too."""

MILP_SIZE = 50_000
"""Candidates up to which HiGHS improves the greedy set; above it the greedy set and its gap stand (HiGHS's
presolve alone would outrun any short time limit)."""

GREEDY_RESERVE = 3.0
"""A setting, not a domain figure: the LP relaxation is started only with more time left than this many times
what the first greedy pass took, and is given the time left minus that, so that the greedy pass it guides (and
the frontier's second pass) still fits within the limit."""

CLOCK_EVERY = 1024
"""A setting: the greedy pass looks at the clock every this many candidates (a look costs about a microsecond)."""

# -- bounds and the greedy set ----------------------------------------------------

def seconds_text(seconds: float) -> str:
    """A time limit with the decimals it has (up to 3) in the number locale.

    >>> seconds_text(5.0), seconds_text(0.001), seconds_text(2.5), seconds_text(1e9)
    ('5', '0.001', '2.5', '1,000,000,000')
    """
    digits = next((d for d in range(3) if abs(round(seconds, d) - seconds) <= 1e-9 * max(1.0, seconds)), 3)
    return fmt(seconds, digits, thousands=True)


def gap_text(gap: float) -> str:
    """An optimality gap as a percentage with 2 decimals, or 4 when 2 would show a gap that is not 0 as 0.00%.

    >>> gap_text(0.0518), gap_text(0.00002)
    ('5.18%', '0.0020%')
    """
    return percent(gap, 4 if 0 < gap < 0.00005 else 2)


def relative_gap(value: float, bound: float) -> float:
    """``(bound - value) / |bound|``, never below 0; 0 when both are 0."""
    if np.isnan(value) or np.isnan(bound):
        return float("nan")
    return float(max(bound - value, 0.0) / abs(bound)) if bound != 0 else 0.0


def knapsack_bound(p: _Problem, budget: float, value: np.ndarray | None = None, constant: float = 0.0) -> float:
    """The fractional knapsack bound (Dantzig): forced value plus the best value per cost that the budget left
    buys, fractions allowed, dependencies, exclusions and capacity ignored. Never below the LP relaxation.

    With ``value`` (reduced values) and ``constant`` from :class:`Duals`, the Lagrangian bound: the other rows
    priced at their duals instead of ignored."""
    worth = p.value if value is None else value
    open_ = (p.reason_out == "") & ~p.forced & (worth > 0)
    left = budget - p.forced_cost
    value, cost = worth[open_], p.cost[open_]
    free = cost <= 0
    total = float(constant + worth[p.forced].sum() + value[free].sum())
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


@dataclass(frozen=True)
class Duals:
    """The LP relaxation's prices of the dependency, exclusion and capacity rows, solved at one budget.

    For any budget, ``knapsack_bound(p, budget, reduced, constant)`` is then a valid bound (weak duality: any
    non-negative prices give one), exact at the budget they were solved for and close to the LP's nearby, in
    milliseconds instead of an LP solve per budget; ``reduced`` per cost also orders the greedy pass."""

    reduced: np.ndarray      # value minus the priced rows' use of each project
    constant: float          # the priced rows' limits at their prices

    @classmethod
    def from_lp(cls, p: _Problem, matrix: sparse.csr_array, upper: np.ndarray, marginals: np.ndarray) -> Duals:
        prices = np.maximum(-np.asarray(marginals, dtype=float)[1:], 0.0)   # row 0 is the budget
        rest = matrix[1:]
        return cls(p.value - rest.T @ prices, float(prices @ upper[1:]))

    def bound(self, p: _Problem, budget: float) -> float:
        return knapsack_bound(p, budget, self.reduced, self.constant)

    def guide(self, p: _Problem) -> np.ndarray:
        """Rank (0 to 1) of each project's reduced value per cost, for the greedy pass's order."""
        density = np.where(p.cost > 0, self.reduced / np.where(p.cost > 0, p.cost, 1.0),
                           np.where(self.reduced > 0, np.inf, -np.inf))
        return np.argsort(np.argsort(density, kind="stable"), kind="stable") / max(len(density), 1)


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

    def run(self, budget: float, start: np.ndarray | None = None, guide: np.ndarray | None = None,
            deadline: float = np.inf, clock: Callable[[], float] = time.perf_counter) -> tuple[np.ndarray, bool]:
        """A feasible set for ``budget`` (the forced projects are assumed to fit), containing ``start``, and
        whether every candidate was tried before ``deadline`` (by ``clock``; the set stays feasible either way).

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
        countdown = CLOCK_EVERY
        for j in order:
            countdown -= 1
            if not countdown:
                countdown = CLOCK_EVERY
                if clock() >= deadline:
                    return chosen, False
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
        return chosen, True


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
    """Solves one :class:`_Problem` for one budget after another, each within a time limit.

    ``run`` is :func:`scipy.optimize.milp` and ``relax`` :func:`scipy.optimize.linprog` (HiGHS), each with the
    solver's output captured; ``clock`` tells the time (seconds)."""

    def __init__(self, problem: _Problem, run: Callable, *, relax: Callable | None = None,
                 exact_size: int = EXACT_SIZE, milp_size: int = MILP_SIZE,
                 clock: Callable[[], float] = time.perf_counter):
        self.p = problem
        self.run = run
        self.relax = relax or linprog
        self.clock = clock
        self.exact = len(problem.ids) <= exact_size
        self.milp_ok = len(problem.ids) <= milp_size
        self._greedy: _Greedy | None = None

    def greedy(self, budget: float, start: np.ndarray | None = None, guide: np.ndarray | None = None, *,
               fresh: bool = True, deadline: float = np.inf) -> tuple[np.ndarray, bool]:
        """The better of the greedy sets from ``start`` and, when ``fresh``, from scratch (which may do better
        than a smaller budget's set allows); at least as valuable as ``start``. The flag is false when
        ``deadline`` stopped a pass before it had tried every candidate."""
        if self._greedy is None:
            self._greedy = _Greedy(self.p)
        chosen, complete = self._greedy.run(budget, start, guide, deadline, self.clock)
        if start is not None and fresh and complete:
            other, complete = self._greedy.run(budget, None, guide, deadline, self.clock)
            if self.p.value[other].sum() > self.p.value[chosen].sum():
                chosen = other
        return chosen, complete

    def blockers(self, budget: float) -> list[str]:
        """Why no set can meet ``budget`` whatever the solver does (empty when some set may)."""
        p = self.p
        blockers = list(p.blockers)
        if p.forced_cost > budget + _FEASIBILITY * max(1.0, abs(budget)):
            blockers.append(f"mandatory projects (with the prerequisites they need) cost {p.forced_cost:,.2f}, "
                            f"above the budget of {budget:,.2f}")
        return blockers

    def lp(self, budget: float, seconds: float):
        """The LP relaxation for ``budget`` within ``seconds``: ``(result, duals)``, duals ``None`` unless solved."""
        p = self.p
        matrix, upper = p._constraints(budget)
        bounds = np.column_stack([p.forced.astype(float), np.where(p.reason_out == "", 1.0, 0.0)])
        result = self.relax(-p.value, A_ub=matrix, b_ub=upper, bounds=bounds, method="highs",
                            options={"presolve": True, "time_limit": max(seconds, 1e-3)})
        duals = None
        if result.status == 0 and getattr(result, "ineqlin", None) is not None:
            duals = Duals.from_lp(p, matrix, upper, result.ineqlin.marginals)
        return result, duals

    def solve(self, budget: float, time_limit: float, *, start: np.ndarray | None = None,
              use_milp: bool = True, stated: float | None = None, began: float | None = None) -> Selection:
        """The best set found for ``budget`` within ``time_limit`` seconds from ``began`` (by the solver's clock;
        now when not given, so that work done before, such as building the problem, can count); ``start`` is
        a feasible set (for a smaller budget) the answer must be at least as good as; ``stated`` the limit
        notes and the result name."""
        result = self._solve(budget, time_limit, start=start, use_milp=use_milp, stated=stated, began=began)
        return dataclasses.replace(result, time_limit=float(stated or time_limit))

    def _solve(self, budget: float, time_limit: float, *, start: np.ndarray | None, use_milp: bool,
               stated: float | None, began: float | None) -> Selection:
        clock = self.clock
        began = clock() if began is None else began
        deadline = began + time_limit
        p = self.p
        budget = float(budget)
        if np.isnan(budget):
            raise ValueError("budget must be a number, got NaN")
        notes = list(p.notes)
        n = len(p.ids)
        blockers = self.blockers(budget)
        if blockers:
            return p._result("infeasible", budget, None, notes + [f"infeasible: {b}" for b in blockers],
                             gap=float("nan"), method="", seconds=clock() - began)
        if n == 0:
            return p._result("optimal", budget, np.zeros(0, dtype=bool), notes, bound=0.0, seconds=clock() - began)

        def left() -> float:
            return max(deadline - clock(), 1e-3)

        def finish(status: str, chosen: np.ndarray, bound: float, method: str, limited: bool) -> Selection:
            value = float(p.value[chosen].sum())
            gap = 0.0 if status == "optimal" else relative_gap(value, bound)
            if limited:
                notes.append(_("stopped at the time limit of {seconds} s with a gap of at most {gap} (the share of "
                               "value a better set could add)").format(seconds=seconds_text(stated or time_limit),
                                                                      gap=gap_text(gap)))
            elif method == "greedy":
                notes.append(_("{n} candidates: the greedy set (value per cost, every constraint respected), at most "
                               "{gap} below the best (the LP bound)").format(n=fmt(n, 0, thousands=True),
                                                                            gap=percent(gap, 2)))
            return p._result(status, budget, chosen, notes, gap=gap, bound=bound, method=method,
                             time_limited=limited, seconds=clock() - began)

        bound = knapsack_bound(p, budget)
        if self.exact and use_milp:
            return self._exact(budget, start, bound, left, finish, notes, began)

        # Greedy first, so that a feasible set is in hand whatever happens next; then the LP relaxation (its
        # bound, and its solution to guide a second pass) if the time left allows both.
        tried = clock()
        chosen, complete = self.greedy(budget, start, deadline=deadline, fresh=start is not None)
        limited = not complete
        tolerance = TIE_TOLERANCE * max(1.0, abs(bound))
        if not limited and float(p.value[chosen].sum()) < bound - tolerance:
            room = deadline - clock() - GREEDY_RESERVE * (clock() - tried)
            lp, duals = self.lp(budget, room) if room > 0 else (None, None)
            if lp is not None and lp.status == 2:
                return p._result("infeasible", budget, None, notes + [
                    f"infeasible: no selection satisfies every constraint ({lp.message})"],
                    gap=float("nan"), method="", seconds=clock() - began)
            if duals is not None:
                bound = min(bound, -float(lp.fun))
                guided, complete = self.greedy(budget, start, lp.x, deadline=deadline, fresh=False)
                if p.value[guided].sum() > p.value[chosen].sum():
                    chosen = guided
                limited = not complete
            else:
                limited = True
        best = float(p.value[chosen].sum())
        if best >= bound - tolerance:
            return finish("optimal", _prune(p, chosen), best, "greedy", False)
        if use_milp and self.milp_ok and not limited and clock() < deadline:
            matrix, upper = p._constraints(budget)
            bounds = Bounds(p.forced.astype(float), np.where(p.reason_out == "", 1.0, 0.0))
            found = self.run(-p.value, integrality=np.ones(n), bounds=bounds,
                             constraints=[LinearConstraint(matrix, -np.inf, upper)],
                             options={**MIP_OPTIONS, "time_limit": left()})
            method = "greedy"
            if found.x is not None and p.value[found.x > 0.5].sum() > best:
                chosen, method = found.x > 0.5, "milp"
            dual = getattr(found, "mip_dual_bound", None)
            if found.status == 0 and found.x is not None:
                return finish("optimal", _prune(p, chosen), float(p.value[chosen].sum()), method, False)
            if dual is not None and np.isfinite(dual):
                bound = min(bound, -float(dual))
            return finish("feasible", _prune(p, chosen), bound, method, found.status == 1)
        if use_milp and self.milp_ok and clock() >= deadline:
            limited = True
        return finish("feasible", _prune(p, chosen), bound, "greedy", limited)

    def _exact(self, budget, start, bound, left, finish, notes, began) -> Selection:
        """HiGHS proves the best value, then finds the cheapest set worth as much (small portfolios)."""
        p = self.p
        n = len(p.ids)
        matrix, upper = p._constraints(budget)
        bounds = Bounds(p.forced.astype(float), np.where(p.reason_out == "", 1.0, 0.0))
        rows = LinearConstraint(matrix, -np.inf, upper)
        first = self.run(-p.value, integrality=np.ones(n), bounds=bounds, constraints=[rows],
                         options={**MIP_OPTIONS, "time_limit": left()})
        if first.x is None and first.status == 2:
            return p._result("infeasible", budget, None, notes + [
                f"infeasible: no selection satisfies every constraint ({first.message})"],
                gap=float("nan"), method="", seconds=self.clock() - began)
        if first.x is not None and first.status == 0:
            chosen = self._cheapest(first.x > 0.5, matrix, upper, bounds, rows, left)
            return finish("optimal", chosen, float(p.value[chosen].sum()), "milp", False)
        limited = first.status == 1
        dual = getattr(first, "mip_dual_bound", None)
        if dual is not None and np.isfinite(dual):
            bound = min(bound, -float(dual))
        chosen, method = self.greedy(budget, start)[0], "greedy"
        if first.x is not None and p.value[first.x > 0.5].sum() >= p.value[chosen].sum():
            chosen, method = first.x > 0.5, "milp"
        if not limited:
            notes.append(_("the solver stopped before proving this selection optimal ({m})").format(m=first.message))
        return finish("feasible", chosen, bound, method, limited)

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


def frontier_rows(solver: Solver, budgets: Sequence[float], limits: SolverLimits,
                  began: float | None = None) -> list[dict]:
    """One row per budget (in the order given), solved from the smallest up within ``limits.time_limit`` for
    all of them, counted from ``began`` (by the solver's clock; now when not given); each budget starts from
    the set found for the one below."""
    began = solver.clock() if began is None else began
    if not solver.exact:
        return _large_frontier(solver, budgets, limits, began + limits.time_limit)
    order = np.argsort(np.asarray(budgets, dtype=float), kind="stable")
    rows: dict[int, dict] = {}
    previous: np.ndarray | None = None
    for done, i in enumerate(order):
        budget = float(budgets[i])
        share = (limits.time_limit - (solver.clock() - began)) / (len(order) - done)
        chosen = solver.solve(budget, max(share, 1e-3), start=previous, use_milp=solver.exact)
        if chosen.status != "infeasible":
            previous = chosen.projects["selected"].to_numpy(dtype=bool)
        rows[i] = {"budget": budget, "value": chosen.total_value, "cost": chosen.total_cost,
                   "count": len(chosen.selected), "status": chosen.status, "gap": chosen.gap,
                   "time_limited": chosen.time_limited}
        if limits.progress is not None:
            limits.progress("frontier", done + 1, len(order))
    return [rows[i] for i in range(len(order))]


def _large_frontier(solver: Solver, budgets: Sequence[float], limits: SolverLimits, deadline: float) -> list[dict]:
    """The frontier of a portfolio too large for an exact solve per budget, within ``deadline``.

    1. A greedy set per budget, from the smallest up, each starting from the set below (so the value never
       drops), with the fractional knapsack bound: an answer for every budget, fast.
    2. With time left, the LP relaxation at the middle budget: its prices of the dependency, exclusion and
       capacity rows give every budget a Lagrangian bound (:class:`Duals`) and a better order for a second
       greedy pass, kept where it finds more value.
    3. While time is left, the LP relaxation at the budget with the largest gap: its exact bound there, a
       greedy pass guided by its solution, and its prices' bound for every budget.

    A pass the deadline stops keeps what it found; an LP is started only with time left for the passes after
    it: a quarter more than the first pass took, then :data:`GREEDY_RESERVE` times one budget's pass."""
    p, clock = solver.p, solver.clock
    budgets = [float(b) for b in budgets]
    order = [int(i) for i in np.argsort(np.asarray(budgets, dtype=float), kind="stable")]
    sets: dict[int, np.ndarray] = {}
    bounds: dict[int, float] = {}
    previous: np.ndarray | None = None
    tried, bounding = clock(), 0.0
    stopped = False                                           # the deadline cut the search short somewhere
    for done, i in enumerate(order):
        if not solver.blockers(budgets[i]):
            previous, complete = solver.greedy(budgets[i], previous, deadline=deadline, fresh=False)
            stopped |= not complete
            sets[i] = previous
            ready = clock()
            bounds[i] = knapsack_bound(p, budgets[i])
            bounding += clock() - ready
        if limits.progress is not None:
            limits.progress("frontier", done + 1, len(order))
    feasible = [i for i in order if i in sets]
    deadline -= 2 * bounding                                  # the bounds again and the rows, after the passes
    if feasible:                                              # and each row's pruning, timed on one
        ready = clock()
        _prune(p, sets[feasible[-1]])
        deadline -= (clock() - ready) * len(feasible)
    one_pass = clock() - tried                                # what a greedy pass over every budget takes
    solved: set[int] = set()

    def gap(i: int) -> float:
        return relative_gap(float(p.value[sets[i]].sum()), bounds[i])

    while True:
        open_ = [i for i in feasible if i not in solved and gap(i) > TIE_TOLERANCE]
        if not open_:
            break
        reserve = 1.25 * one_pass if not solved else GREEDY_RESERVE * one_pass / max(len(feasible), 1)
        room = deadline - clock() - reserve
        if room <= 0:
            stopped = True
            break
        i = feasible[len(feasible) // 2] if not solved and feasible[len(feasible) // 2] in open_ \
            else max(open_, key=gap)
        solved.add(i)
        lp, duals = solver.lp(budgets[i], room)
        if duals is None:                                     # stopped at its time, or not solved
            stopped = True
            break
        for k in feasible:
            if clock() >= deadline:
                break
            bounds[k] = min(bounds[k], duals.bound(p, budgets[k]))
        bounds[i] = min(bounds[i], -float(lp.fun))
        below = feasible.index(i) - 1
        guided, _ = solver.greedy(budgets[i], sets[feasible[below]] if below >= 0 else None, lp.x,
                                  deadline=deadline)
        if p.value[guided].sum() > p.value[sets[i]].sum():
            sets[i] = guided
        if len(solved) == 1:                                  # the LP's prices order a pass over every budget
            guide, previous = duals.guide(p), None
            for k in feasible:
                if clock() >= deadline:
                    break
                previous, _ = solver.greedy(budgets[k], previous, guide, deadline=deadline, fresh=False)
                if p.value[previous].sum() > p.value[sets[k]].sum():
                    sets[k] = previous
    rows, best = {}, None
    for i in order:
        if i not in sets:
            rows[i] = {"budget": budgets[i], "value": np.nan, "cost": np.nan, "count": 0, "status": "infeasible",
                       "gap": np.nan, "time_limited": False}
            continue
        if best is not None and p.value[best].sum() > p.value[sets[i]].sum():
            sets[i] = best                                    # the set below still fits a larger budget
        best = sets[i]
        chosen = _prune(p, sets[i])
        value = float(p.value[chosen].sum())
        optimal = value >= bounds[i] - TIE_TOLERANCE * max(1.0, abs(bounds[i]))
        rows[i] = {"budget": budgets[i], "value": value, "cost": float(p.cost[chosen].sum()),
                   "count": int(chosen.sum()), "status": "optimal" if optimal else "feasible",
                   "gap": 0.0 if optimal else relative_gap(value, bounds[i]), "time_limited": stopped and not optimal}
    return [rows[i] for i in range(len(budgets))]


__all__ = ["CLOCK_EVERY", "DEFAULT_TIME_LIMIT", "EXACT_SIZE", "GREEDY_RESERVE", "MILP_SIZE", "Duals", "SolverLimits",
           "current_limits", "knapsack_bound", "relative_gap", "solver_limits"]
