"""Portfolio analysis speed: the package against a plain row-by-row loop, in the same run.

Draws a synthetic portfolio with ``build_portfolio`` from
``examples/generate_portfolios.py`` (default 10,000 projects, 50,000 risks,
20,000 dependencies with one cycle, 200 roles x 36 months with about 100,000
assignment rows, some roles over-allocated, three criteria), writes it as a
folder of CSV files in a temporary folder and reads it back with
``read_portfolio`` (timed on its own). Then, on the same validated portfolio:

- ``naive``: plain Python loops over the rows (``to_dict("records")``, dicts
  and lists): per-project CPI, SPI, typical EAC, earned schedule ES from the
  project's own baseline rows, actual time AT and SPI(t); open-risk EMV
  (threats and opportunities) by project; demand, capacity, utilisation and
  over-allocation per role and month; blast radius with ``nx.ancestors`` per
  project;
- ``analyse_portfolio(portfolio, as_of=..., budget=None)``: the package's full
  analysis except selection, which computes all of that and much more (RAG,
  roll-up, risk heat map and concentration, critical chain, betweenness,
  waves, conflicts, data-quality findings);
- ``select_projects``: the 0/1 selection (``scipy.optimize.milp``) over
  ``--candidates`` candidates (a fixed random sample of
  ``selection_candidates``) with their dependencies and the per-role,
  per-month capacity constraints, for half of their cost. As in
  ``analyse_portfolio``, demand and capacity count from the status date's
  month on. The capacity sheet is sized for the whole portfolio, against
  which a sample's demand never reaches a limit (selection would drop every
  capacity row), so it is scaled by the sample's share of the candidates'
  demand. The script prints how many dependency edges join two sampled
  candidates, how many role-months the sample can over-subscribe (the
  capacity rows the solver keeps) and how many projects capacity left out.

Then the scale comparison, the package against its previous implementation
kept in this script as the named baseline (``baseline_select``,
``baseline_frontier``: HiGHS proving optimality per budget with a two-minute
limit per solve; ``baseline_read``: the previous .xlsx scan and table builder),
on every candidate of the portfolio (``selection_candidates``, about 70% of the
projects) with dependencies and the capacity from the status date's month on,
as ``analyse_portfolio`` passes them:

- the ``--frontier-points``-point efficient frontier (default 12);
- ``select_projects`` for half the candidates' cost;
- ``read_portfolio`` of the portfolio written as ``.xlsx``.

It prints both times, the ratio, whether the new time meets the target (under
10 s each), and the new answers' optimality gaps and values against the
baseline's. ``--skip-scale`` leaves the comparison out.

Then the very large run (``--big-projects``, default 200,000 projects with
five risks, two dependencies and ten assignment rows each), where no exact
baseline could finish: ``read_portfolio`` of its CSV folder,
``analyse_portfolio(budget=None)`` (time and the process's peak resident
memory so far), and ``select_projects`` for half the candidates' cost and the
``--frontier-points`` frontier, each with ``--big-time-limit`` (default 30 s):
elapsed against the limit (building the problem included), whether the limit
stopped it, and the gap. ``--skip-big`` leaves it out.

Every number of the naive baseline is checked against the package before any
time is printed. The package is timed best of ``--repeat`` runs, the naive
baseline once. Peak memory is the ``tracemalloc`` peak of one extra run of each
step (Python and numpy allocations; it is measured apart from the timed runs
because tracing slows them down; it does not see memory the HiGHS solver
allocates in C++, so selection's figure is a lower bound). Targets: the
analysis under 5 s, selection under 10 s. Run::

    .venv/bin/python benchmarks/bench_portfolio.py [--projects N] [--risks N] [--dependencies N]
        [--roles N] [--months N] [--candidates N] [--repeat N] [--frontier-points N] [--time-limit S]
        [--skip-scale] [--big-projects N] [--big-time-limit S] [--skip-big]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import re
import sys
import zipfile
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from pmo_workbench import _spreadsheet
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.portfolio.problem import TIE_TOLERANCE, _Problem
from pmo_workbench.portfolio.selection import _milp, efficient_frontier, select_projects, selection_candidates

GENERATOR = Path(__file__).resolve().parent.parent / "examples" / "generate_portfolios.py"
AS_OF = "2026-06-30"
CRITERIA = {"strategic_fit": 0.5, "benefit": 0.3, "urgency": 0.2}
ANALYSIS_TARGET_S = 5.0
SELECTION_TARGET_S = 10.0
SCALE_TARGET_S = 10.0                             # frontier, selection with a budget, .xlsx reading at 10,000
CLOSED_RISK = {"closed", "retired", "expired"}     # CLOSED_RISK_STATUSES of the model, written out
EXCLUDED_FROM_DEMAND = {"closed", "cancelled"}    # statuses whose assignments are not demand
FTE_TOLERANCE = 1e-9                              # over-allocated: demand above capacity by more than this
PMBOK_PROBABILITY = (0.1, 0.3, 0.5, 0.7, 0.9)


def load_generator():
    """``examples/generate_portfolios.py``, imported by path (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("generate_portfolios", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


# -- the naive baseline -----------------------------------------------------------

def _div(a: float, b: float) -> float:
    if a is None or b is None or math.isnan(a) or math.isnan(b) or b == 0:
        return math.nan
    return a / b


def _earned_schedule(pvs: list[float], ev: float) -> float:
    """Lipke: C whole periods with PV_k <= EV, plus the fraction of the next one."""
    if not pvs or math.isnan(ev) or any(math.isnan(v) for v in pvs):
        return math.nan
    if ev >= pvs[-1]:
        return float(len(pvs))
    c = 0
    for v in pvs:
        if v <= ev:
            c += 1
    before = pvs[c - 1] if c > 0 else 0.0
    return _div(ev - before, pvs[c] - before) + c


def _actual_time(start: pd.Timestamp, ends: list[pd.Timestamp], as_of: pd.Timestamp) -> float:
    """Whole periods ended by ``as_of`` plus the elapsed share of the current one (period 1 begins at start)."""
    if pd.isna(start):
        return math.nan
    if as_of < start:
        return 0.0
    m = 0
    for end in ends:
        if end <= as_of:
            m += 1
    n = len(ends)
    if m >= n:
        before = ends[n - 2] if n > 1 else start
        length = (ends[n - 1] - before).value
        return n + (as_of - ends[n - 1]).value / length if length > 0 else math.nan
    before = ends[m - 1] if m > 0 else start
    return m + _div(float((as_of - before).value), float((ends[m] - before).value))


def naive(portfolio, as_of: str) -> dict[str, dict]:
    """The per-project, per-risk and per-cell rules as plain loops over the rows.

    Returns ``{"evm": {project: {cpi, spi, eac, es, at, spi_t}}, "exposure":
    {project: (threat_emv, opportunity_emv)}, "load": {(role, month):
    (demand, capacity, utilisation, over)}, "blast_radius": {project: n}}``.
    """
    day = pd.Timestamp(as_of)
    projects = portfolio.projects.to_dict("records")

    periods: dict[str, list[tuple[pd.Timestamp, float]]] = defaultdict(list)
    for row in (portfolio.baseline.to_dict("records") if portfolio.baseline is not None else []):
        periods[row["project_id"]].append((row["period_end"], row["cumulative_pv"]))
    evm = {}
    for p in projects:
        cpi, spi = _div(p["ev"], p["ac"]), _div(p["ev"], p["pv"])
        rows = sorted(periods.get(p["project_id"], []))
        es = _earned_schedule([v for _, v in rows], p["ev"]) if rows else math.nan
        at = _actual_time(p["start"], [d for d, _ in rows], day) if rows else math.nan
        evm[p["project_id"]] = {"cpi": cpi, "spi": spi, "eac": _div(p["bac"], cpi), "es": es, "at": at,
                                "spi_t": _div(es, at)}

    exposure: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    money = portfolio.impact_scale == "money"
    for r in (portfolio.risks.to_dict("records") if portfolio.risks is not None else []):
        status = r["status"]
        if isinstance(status, str) and status.strip().lower() in CLOSED_RISK:
            continue
        key = r["project_id"] if isinstance(r["project_id"], str) and r["project_id"].strip() else "(portfolio)"
        cell = exposure[key]
        if not money:
            continue
        p = r["probability"]
        if portfolio.probability_scale == "ordinal":
            p = PMBOK_PROBABILITY[int(p) - 1]
        kind = str(r["kind"]).strip().lower()
        if kind == "threat":
            cell[0] -= p * r["impact"]
        elif kind == "opportunity":
            cell[1] += p * r["impact"]

    status_of = {p["project_id"]: p["status"] for p in projects}
    demand: dict[tuple[str, str], float] = defaultdict(float)
    for a in (portfolio.assignments.to_dict("records") if portfolio.assignments is not None else []):
        if status_of.get(a["project_id"]) not in EXCLUDED_FROM_DEMAND:
            demand[(a["role"], str(a["month"]))] += a["demand_fte"]
    capacity: dict[tuple[str, str], float] = defaultdict(float)
    for c in (portfolio.capacity.to_dict("records") if portfolio.capacity is not None else []):
        capacity[(c["role"], str(c["month"]))] += c["capacity_fte"]
    load = {}
    for cell in set(demand) | set(capacity):
        d, c = demand.get(cell, 0.0), capacity.get(cell, 0.0)
        load[cell] = (d, c, d / c if c > 0 else math.nan, d - c > FTE_TOLERANCE)

    graph = nx.DiGraph()
    for dep in (portfolio.dependencies.to_dict("records") if portfolio.dependencies is not None else []):
        graph.add_edge(dep["from_project"], dep["to_project"])
    blast = {node: len(nx.ancestors(graph, node)) for node in graph}
    return {"evm": evm, "exposure": dict(exposure), "load": load, "blast_radius": blast}


# -- the previous implementation (the scale baseline) ------------------------------------------------

BASELINE_MIP_OPTIONS = {"mip_rel_gap": 0.0, "presolve": True, "time_limit": 120.0}


def baseline_select(problem: _Problem, budget: float):
    """Selection as it was: HiGHS proves the best value, then the cheapest set worth as much; no overall limit."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint

    n = len(problem.ids)
    if problem.blockers or problem.forced_cost > budget + 1e-6 * max(1.0, abs(budget)):
        return problem._result("infeasible", budget, None, [])
    matrix, upper = problem._constraints(budget)
    bounds = Bounds(problem.forced.astype(float), np.where(problem.reason_out == "", 1.0, 0.0))
    rows = LinearConstraint(matrix, -np.inf, upper)
    first = _milp(-problem.value, integrality=np.ones(n), bounds=bounds, constraints=[rows],
                  options=BASELINE_MIP_OPTIONS)
    if first.x is None:
        return problem._result("infeasible", budget, None, [])
    chosen = first.x > 0.5
    best = float(problem.value[chosen].sum())
    floor = best - TIE_TOLERANCE * max(1.0, abs(best))
    floor_row = LinearConstraint(sparse.csr_array(problem.value.reshape(1, n)), floor, np.inf)
    second = _milp(problem.cost, integrality=np.ones(n), bounds=bounds, constraints=[rows, floor_row],
                   options=BASELINE_MIP_OPTIONS)
    if second.x is not None:
        cheaper = second.x > 0.5
        fits = np.all(matrix @ cheaper.astype(float) <= upper + 1e-6 * np.maximum(1.0, np.abs(upper)))
        if fits and problem.value[cheaper].sum() >= floor and problem.cost[cheaper].sum() <= problem.cost[chosen].sum():
            chosen = cheaper
    return problem._result("optimal" if first.status == 0 else "feasible", budget, chosen, [])


def baseline_frontier(candidates: pd.DataFrame, n: int, **constraints) -> pd.DataFrame:
    """The frontier as it was: one full selection per budget, each from scratch."""
    problem = _Problem(candidates, **constraints)
    budgets = np.linspace(problem.forced_cost, float(np.nansum(problem.candidates["cost"])), n)
    rows = [baseline_select(problem, float(b)) for b in budgets]
    return pd.DataFrame({"budget": budgets, "value": [r.total_value for r in rows],
                         "status": [r.status for r in rows]})


_BASELINE_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


def _baseline_scan(archive: zipfile.ZipFile, part: str):
    """The previous quick scan of a sheet's XML: one regex over all references, maxima over every pair."""
    cells = refs = 0
    last_letters, last_digits, left = b"", b"", b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            buffer = left + chunk
            cut = buffer.rfind(b">") + 1
            piece, left = buffer[:cut], buffer[cut:]
            if _spreadsheet._SLOW.search(piece) or len(left) > 1 << 22:
                return _spreadsheet._scan_sheet_xml(archive, part)
            cells += len(_spreadsheet._CELL.findall(piece))
            found = _BASELINE_CELL_REF.findall(piece)
            refs += len(found)
            if found:
                last_letters = max(last_letters, *(f[0] for f in found), key=lambda b: (len(b), b))
                last_digits = max(last_digits, *(f[1] for f in found), key=lambda b: (len(b), b))
    if cells != refs or left.strip():
        return _spreadsheet._scan_sheet_xml(archive, part)
    if not refs:
        return _spreadsheet._SheetScan()
    rows, cols = int(last_digits), _spreadsheet._column_index(last_letters.decode()) + 1
    if rows * cols > _spreadsheet.MAX_CELLS:
        return _spreadsheet._scan_sheet_xml(archive, part)
    return _spreadsheet._SheetScan(rows=rows, cols=cols)


def _baseline_table(where, values, scan):
    """The previous table builder: one conversion call per cell, row by row (no error or formula cells here)."""
    assert not scan.errors and not scan.no_result
    rows = [[v if type(v) is str else _spreadsheet.excel_cell_text(v) for v in row] for row in values]
    width = max((len(r) for r in rows), default=0)
    return _spreadsheet.strip_table(pd.DataFrame([row + [""] * (width - len(row)) for row in rows])), []


def baseline_read(path: Path):
    """``read_portfolio`` with the previous .xlsx scan and table builder."""
    scan, table = _spreadsheet._scan_sheet, _spreadsheet._sheet_table
    _spreadsheet._scan_sheet, _spreadsheet._sheet_table = _baseline_scan, _baseline_table
    try:
        return read_portfolio(path)
    finally:
        _spreadsheet._scan_sheet, _spreadsheet._sheet_table = scan, table


def scale(gen, sheets, portfolio, analysis, args) -> None:
    """The new frontier, selection and .xlsx reading against the baseline, on every candidate; prints the table."""
    candidates = selection_candidates(portfolio.projects, analysis.evm, portfolio.criteria)
    first_month = pd.Period(AS_OF, "M")
    constraints = {"dependencies": portfolio.dependencies, "projects": portfolio.projects,
                   "demand": portfolio.assignments[portfolio.assignments["month"] >= first_month],
                   "capacity": portfolio.capacity[portfolio.capacity["month"] >= first_month]}
    budget = 0.5 * float(np.nansum(candidates["cost"]))
    points = args.frontier_points
    t_old_front, old_front = best_of(1, lambda: baseline_frontier(candidates, points, **constraints))
    t_new_front, new_front = best_of(1, lambda: efficient_frontier(candidates, n=points, time_limit=args.time_limit,
                                                                   **constraints))
    t_old_sel, old_sel = best_of(1, lambda: baseline_select(_Problem(candidates, **constraints), budget))
    t_new_sel, new_sel = best_of(1, lambda: select_projects(candidates, budget, time_limit=args.time_limit,
                                                            **constraints))
    with tempfile.TemporaryDirectory(prefix="bench_portfolio_xlsx_") as tmp:
        book = gen.write_xlsx(sheets, Path(tmp) / "portfolio.xlsx")
        t_old_read, old_read = best_of(1, lambda: baseline_read(book))
        t_new_read, new_read = best_of(args.repeat, lambda: read_portfolio(book))
    for name in ("projects", "risks", "dependencies", "assignments", "capacity", "baseline", "criteria"):
        pd.testing.assert_frame_equal(getattr(new_read, name), getattr(old_read, name), obj=name)

    def line(label: str, old: float, new: float) -> None:
        met = "met" if new < SCALE_TARGET_S else "MISSED"
        print(f"{label:<58}{old:10.2f}{new:9.2f}{old / new:8.1f}x   target < {SCALE_TARGET_S:.0f} s: {met}")

    print(f"scale: {len(candidates):,} candidates of {len(portfolio.projects):,} projects, "
          f"{len(constraints['dependencies']):,} dependencies, capacity from {first_month} on; "
          f"new solver time limit {args.time_limit:g} s")
    print(f"{'step':<58}{'baseline':>10}{'new':>9}{'ratio':>9}")
    line(f"efficient frontier, {points} points", t_old_front, t_new_front)
    line("select_projects, budget = half the candidates' cost", t_old_sel, t_new_sel)
    line(f"read_portfolio .xlsx ({len(portfolio.projects):,} projects, same frames)", t_old_read, t_new_read)
    both = old_front["value"].notna() & new_front["value"].notna()
    shortfall = 1 - (new_front["value"][both] / old_front["value"][both]).min() if both.any() else 0.0
    statuses = {k: int(v) for k, v in new_front["status"].value_counts().items()}
    print(f"frontier: new statuses {statuses}, largest reported gap "
          f"{new_front['gap'].max():.3%}; value at most {max(shortfall, 0.0):.3%} below the baseline's exact one")
    print(f"selection: new {new_sel.status} by {new_sel.method}, gap {new_sel.gap:.3%}, value "
          f"{new_sel.total_value:,.2f}; baseline {old_sel.status}, value {old_sel.total_value:,.2f}")


def big(gen, args) -> None:
    """The very large run: read, analyse, and selection and the frontier within their time limit."""
    import resource

    n = args.big_projects
    started = time.perf_counter()
    sheets = gen.build_portfolio(n, 5 * n, 2 * n, args.roles, args.months, seed=args.seed, as_of=AS_OF,
                                 cycle=True, overallocate=True, criteria=CRITERIA, n_assignments=10 * n)
    t_build = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bench_portfolio_big_") as tmp:
        folder = gen.write_csv_folder(sheets, Path(tmp) / "portfolio")
        del sheets
        t_read, portfolio = best_of(1, lambda: read_portfolio(folder))
    t_analysis, analysis = best_of(1, lambda: analyse_portfolio(portfolio, as_of=AS_OF, budget=None))
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6      # kB on Linux
    candidates = selection_candidates(portfolio.projects, analysis.evm, portfolio.criteria)
    first_month = pd.Period(AS_OF, "M")
    constraints = {"dependencies": portfolio.dependencies, "projects": portfolio.projects,
                   "demand": portfolio.assignments[portfolio.assignments["month"] >= first_month],
                   "capacity": portfolio.capacity[portfolio.capacity["month"] >= first_month]}
    budget = 0.5 * float(np.nansum(candidates["cost"]))
    limit = args.big_time_limit
    t_sel, sel = best_of(1, lambda: select_projects(candidates, budget, time_limit=limit, **constraints))
    t_front, front = best_of(1, lambda: efficient_frontier(candidates, n=args.frontier_points, time_limit=limit,
                                                           **constraints))

    def within(seconds: float) -> str:
        return f"{seconds:7.2f} s of a {limit:g} s limit ({'within' if seconds <= limit else 'OVER'})"

    print(f"big: {n:,} projects, {len(portfolio.risks):,} risks, {len(portfolio.dependencies):,} dependencies, "
          f"{len(portfolio.assignments):,} assignments; built in {t_build:.1f} s, read_portfolio (CSV) {t_read:.1f} s")
    print(f"big: analyse_portfolio(budget=None) {t_analysis:.1f} s, peak resident memory of the process so far "
          f"{peak_gb:.1f} GB")
    print(f"big: select_projects, {len(candidates):,} candidates, half their cost: {within(t_sel)}; {sel.status} "
          f"by {sel.method}, stopped at the limit: {'yes' if sel.time_limited else 'no'}, gap {sel.gap:.3%} "
          f"(value {sel.total_value:,.2f}, bound {sel.bound:,.2f})")
    feasible = front[front["status"] != "infeasible"]
    print(f"big: efficient frontier, {args.frontier_points} points: {within(t_front)}; gaps "
          f"{feasible['gap'].min():.3%} to {feasible['gap'].max():.3%} (median {feasible['gap'].median():.3%})")


# -- checking -------------------------------------------------------------------------

def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def check(expected: dict[str, dict], analysis) -> tuple[float, float]:
    """Largest absolute and relative differences; raises when the baseline and the package disagree."""
    worst_abs = worst_rel = 0.0
    compared = 0

    def compare(label: str, a: float, b: float) -> None:
        nonlocal worst_abs, worst_rel, compared
        a, b = float(a), float(b)
        assert _same(a, b), f"{label}: baseline {a!r}, package {b!r}"
        if not math.isnan(a):
            worst_abs = max(worst_abs, abs(a - b))
            worst_rel = max(worst_rel, abs(a - b) / max(abs(a), abs(b), 1e-300))
        compared += 1

    evm = analysis.evm.set_index("project_id")
    assert set(evm.index) == set(expected["evm"]), "evm: different projects"
    for column in ("cpi", "spi", "eac", "es", "at", "spi_t"):
        got = evm[column].to_dict()
        for pid, values in expected["evm"].items():
            compare(f"{pid} {column}", values[column], got[pid])

    by_project = analysis.risks.by_project.set_index("project_id")
    assert set(by_project.index) == set(expected["exposure"]), "risk exposure: different projects"
    if analysis.portfolio.impact_scale == "money":
        for pid, (threat, opportunity) in expected["exposure"].items():
            compare(f"{pid} threat_emv", threat, by_project.loc[pid, "threat_emv"])
            compare(f"{pid} opportunity_emv", opportunity, by_project.loc[pid, "opportunity_emv"])

    load = analysis.resources.load
    keys = list(zip(load["role"], load["month"].astype(str)))
    assert set(keys) == set(expected["load"]), "resource load: different role-months"
    for key, d, c, u, over in zip(keys, load["demand_fte"], load["capacity_fte"], load["utilisation"],
                                  load["over_allocated"]):
        want = expected["load"][key]
        compare(f"{key} demand", want[0], d)
        compare(f"{key} capacity", want[1], c)
        compare(f"{key} utilisation", want[2], u)
        assert want[3] == bool(over), f"{key}: over-allocated {want[3]} vs {over}"

    radius = analysis.dependencies.projects.set_index("project_id")["blast_radius"].to_dict()
    assert radius.keys() == expected["blast_radius"].keys(), "blast radius: different projects"
    for pid, n in expected["blast_radius"].items():
        compare(f"{pid} blast_radius", n, radius[pid])
    assert compared > 0
    return worst_abs, worst_rel


# -- timing ---------------------------------------------------------------------------

def best_of(repeat: int, fn):
    """(best wall time over ``repeat`` runs, result of the last run)."""
    times, result = [], None
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def traced_peak_mb(fn) -> float:
    """``tracemalloc`` peak of one run of ``fn``, in MB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--risks", type=int, default=50_000)
    parser.add_argument("--dependencies", type=int, default=20_000)
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--assignments", type=int, default=None,
                        help="cap on assignment rows (default: 100,000 scaled to roles x months / 7,200)")
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the package (best is shown)")
    parser.add_argument("--seed", type=int, default=20260630)
    parser.add_argument("--no-memory", action="store_true", help="skip the traced runs for peak memory")
    parser.add_argument("--frontier-points", type=int, default=12, help="budgets on the compared frontier")
    parser.add_argument("--time-limit", type=float, default=30.0, help="the new solver's time limit (seconds)")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the comparison with the baseline")
    parser.add_argument("--big-projects", type=int, default=200_000, help="projects of the very large run")
    parser.add_argument("--big-time-limit", type=float, default=30.0, help="its selection's time limit (seconds)")
    parser.add_argument("--skip-big", action="store_true", help="leave out the very large run")
    args = parser.parse_args()
    n_assignments = args.assignments or round(100_000 * args.roles * args.months / 7_200)

    gen = load_generator()
    started = time.perf_counter()
    sheets = gen.build_portfolio(args.projects, args.risks, args.dependencies, args.roles, args.months,
                                 seed=args.seed, as_of=AS_OF, cycle=True, overallocate=True, criteria=CRITERIA,
                                 n_assignments=n_assignments)
    t_build = time.perf_counter() - started
    rows = {name: len(frame) for name, frame in sheets.items()}

    with tempfile.TemporaryDirectory(prefix="bench_portfolio_") as tmp:
        started = time.perf_counter()
        folder = gen.write_csv_folder(sheets, Path(tmp) / "portfolio")
        t_write = time.perf_counter() - started
        t_read, portfolio = best_of(args.repeat, lambda: read_portfolio(folder))
        m_read = None if args.no_memory else traced_peak_mb(lambda: read_portfolio(folder))

    t_naive, expected = best_of(1, lambda: naive(portfolio, AS_OF))
    t_pkg, analysis = best_of(args.repeat, lambda: analyse_portfolio(portfolio, as_of=AS_OF, budget=None))
    worst_abs, worst_rel = check(expected, analysis)

    # Selection: a fixed random sample of the candidates, their dependencies and demand, half their cost.
    everyone = selection_candidates(portfolio.projects, analysis.evm, portfolio.criteria)
    pick = np.sort(np.random.default_rng(0).choice(len(everyone), size=min(args.candidates, len(everyone)),
                                                   replace=False))
    candidates = everyone.iloc[pick].reset_index(drop=True)
    chosen = set(candidates["project_id"])
    deps = portfolio.dependencies[portfolio.dependencies["from_project"].isin(chosen)]
    pairs = deps[["from_project", "to_project"]].drop_duplicates()
    edges_inside = int(pairs["to_project"].isin(chosen).sum())
    # Demand and capacity from the status date's month on, as analyse_portfolio passes them; the capacity, sized
    # for every project, scaled by the sample's share of the candidates' demand so that its rows can bind.
    first_month = pd.Period(AS_OF, "M")
    assignments = portfolio.assignments[portfolio.assignments["month"] >= first_month]
    demand = assignments[assignments["project_id"].isin(chosen)]
    all_fte = float(assignments.loc[assignments["project_id"].isin(set(everyone["project_id"])), "demand_fte"].sum())
    share = float(demand["demand_fte"].sum()) / all_fte if all_fte > 0 else 1.0
    capacity = portfolio.capacity[portfolio.capacity["month"] >= first_month]
    capacity = capacity.assign(capacity_fte=capacity["capacity_fte"] * share)
    cost = candidates["cost"].fillna(0.0)
    budget = max(0.5 * cost.sum(), 1.1 * cost[candidates["mandatory"]].sum())

    def select():
        return select_projects(candidates, budget, dependencies=deps, demand=demand, capacity=capacity,
                               projects=portfolio.projects)

    t_sel, selection = best_of(args.repeat, select)
    # Role-months the whole sample would over-subscribe (no capacity row: capacity 0): the capacity rows the
    # solver keeps (it drops the others, which no selection can exceed).
    load = demand.groupby(["role", "month"], observed=True)["demand_fte"].sum()
    limit = capacity.groupby(["role", "month"], observed=True)["capacity_fte"].sum().reindex(load.index,
                                                                                             fill_value=0.0)
    binding = int((load > limit + FTE_TOLERANCE).sum())
    kept_out = int(selection.projects["reason"].eq("over capacity").sum())

    if args.no_memory:
        m_naive = m_pkg = m_sel = None
    else:
        m_naive = traced_peak_mb(lambda: naive(portfolio, AS_OF))
        m_pkg = traced_peak_mb(lambda: analyse_portfolio(portfolio, as_of=AS_OF, budget=None))
        m_sel = traced_peak_mb(select)

    def mb(value: float | None) -> str:
        return "      -" if value is None else f"{value:7.0f}"

    def verdict(seconds: float, target: float) -> str:
        return f"target < {target:.0f} s: {'met' if seconds < target else 'MISSED'}"

    print(f"data: {rows['projects']:,} projects, {rows['risks']:,} risks, {rows['dependencies']:,} dependencies "
          f"(one cycle), {args.roles} roles x {args.months} months ({rows['capacity']:,} capacity rows, "
          f"{rows['assignments']:,} assignments), {rows['baseline']:,} baseline rows")
    print(f"generated with build_portfolio in {t_build:.2f} s, written as CSV in {t_write:.2f} s")
    print(f"{'step':<62}{'time (s)':>9}{'peak MB':>9}   (peak: tracemalloc, one extra run; HiGHS's own C++ "
          f"memory is not traced)")
    print(f"{'read_portfolio (CSV folder), best of ' + str(args.repeat):<62}{t_read:9.2f}  {mb(m_read)}")
    print(f"{'naive  plain row loops (EVM, ES, EMV, load, ancestors), 1 run':<62}{t_naive:9.2f}  {mb(m_naive)}")
    print(f"{'analyse_portfolio(budget=None), all of that and more, best of ' + str(args.repeat):<62}"
          f"{t_pkg:9.2f}  {mb(m_pkg)}   {verdict(t_pkg, ANALYSIS_TARGET_S)}")
    print(f"{f'select_projects, {len(candidates)} candidates + capacity, best of {args.repeat}':<62}"
          f"{t_sel:9.2f}  {mb(m_sel)}   {verdict(t_sel, SELECTION_TARGET_S)}")
    print(f"selection sample: {edges_inside:,} of the {len(pairs):,} dependency edges from the {len(candidates)} "
          f"candidates join two of them (the rest lead outside the sample)")
    print(f"selection capacity: from {first_month} on, scaled by {share:.4f} (the sample's share of the candidates' "
          f"demand); {binding:,} of {len(load):,} demanded role-months can be over-subscribed (binding rows); "
          f"{kept_out:,} project(s) left out as over capacity")
    print(f"selection: {selection.status}, {len(selection.selected)} selected for {selection.total_cost:,.0f} "
          f"of a {budget:,.0f} budget")
    print(f"speed-up: {t_naive / t_pkg:.1f}x (naive / analyse_portfolio); largest difference "
          f"{worst_abs:.1e} absolute, {worst_rel:.1e} relative")
    if not args.skip_scale:
        scale(gen, sheets, portfolio, analysis, args)
    if not args.skip_big:
        big(gen, args)


if __name__ == "__main__":
    main()
