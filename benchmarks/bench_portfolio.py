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

Every number of the naive baseline is checked against the package before any
time is printed. The package is timed best of ``--repeat`` runs, the naive
baseline once. Peak memory is the ``tracemalloc`` peak of one extra run of each
step (Python and numpy allocations; it is measured apart from the timed runs
because tracing slows them down; it does not see memory the HiGHS solver
allocates in C++, so selection's figure is a lower bound). Targets: the
analysis under 5 s, selection under 10 s. Run::

    .venv/bin/python benchmarks/bench_portfolio.py [--projects N] [--risks N] [--dependencies N]
        [--roles N] [--months N] [--candidates N] [--repeat N]
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.portfolio.selection import select_projects, selection_candidates

GENERATOR = Path(__file__).resolve().parent.parent / "examples" / "generate_portfolios.py"
AS_OF = "2026-06-30"
CRITERIA = {"strategic_fit": 0.5, "benefit": 0.3, "urgency": 0.2}
ANALYSIS_TARGET_S = 5.0
SELECTION_TARGET_S = 10.0
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
    del sheets

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


if __name__ == "__main__":
    main()
