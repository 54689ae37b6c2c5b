"""The sample portfolios tell the stories they were designed to tell, and regenerate identically.

The facts checked here are the designed stories of ``examples/generate_portfolios.py``
(see its docstring and ``examples/README.md``), read from the committed files as a
spreadsheet user would see them, without the package's reader; the last tests read
them with :func:`pmo_workbench.portfolio.read_portfolio` and analyse them.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from functools import cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.resources import examples_dir

EXAMPLES = examples_dir()
PORTFOLIOS = EXAMPLES / "portfolios"
GENERATOR = EXAMPLES / "generate_portfolios.py"
KORRIN = "korrin-regional-council.xlsx"
STELLBROOK = "stellbrook-pharmaceuticals.xlsx"
HARROWMOOR = "harrowmoor-water-services"
SAMPLES = (KORRIN, STELLBROOK, HARROWMOOR)
DATE_COLUMNS = ("start", "finish", "forecast_finish", "period_end", "needed_by")


@cache
def generator():
    """``examples/generate_portfolios.py`` imported by path (it is not part of the package)."""
    spec = importlib.util.spec_from_file_location("generate_portfolios", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@cache
def raw(relative: str) -> dict[str, pd.DataFrame]:
    """The committed workbook's sheets as plain frames (dates parsed), as a spreadsheet shows them."""
    path = PORTFOLIOS / relative
    if path.is_dir():
        sheets = {f.stem: pd.read_csv(f) for f in sorted(path.glob("*.csv"))}
    else:
        sheets = pd.read_excel(path, sheet_name=None)
    for frame in sheets.values():
        for column in DATE_COLUMNS:
            if column in frame:
                frame[column] = pd.to_datetime(frame[column])
    return sheets


@cache
def status_dates() -> pd.DataFrame:
    """``budgets.csv`` with each sample's own status date (its about sheet) as ``as_of``."""
    frame = pd.read_csv(PORTFOLIOS / "budgets.csv").set_index("portfolio")
    frame["as_of"] = [pd.Timestamp(raw(p)["about"]["status_date"].iloc[0]).date().isoformat() for p in frame.index]
    return frame


def as_of(relative: str) -> pd.Timestamp:
    return pd.Timestamp(status_dates().loc[relative, "as_of"])


def over_allocated(sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """(role, month) cells whose summed demand is above capacity."""
    demand = sheets["assignments"].groupby(["role", "month"], as_index=False)["demand_fte"].sum()
    cells = demand.merge(sheets["capacity"], on=["role", "month"], how="left")
    return cells[cells["demand_fte"] > cells["capacity_fte"]]


def dependency_graph(sheets: dict[str, pd.DataFrame]) -> nx.DiGraph:
    deps = sheets["dependencies"]
    return nx.DiGraph(list(zip(deps["from_project"], deps["to_project"])))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# -- reproducibility ------------------------------------------------------------------

@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> list[Path]:
    """Two generations into temporary folders, from another working directory."""
    outs = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name)
        subprocess.run([sys.executable, str(GENERATOR), "--out", str(out)], check=True, capture_output=True,
                       cwd=tmp_path_factory.getbasetemp())
        outs.append(out)
    return outs


@pytest.mark.slow
def test_two_generations_are_byte_identical(fresh):
    first, second = (files(out) for out in fresh)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.slow
def test_committed_files_equal_a_fresh_generation(fresh):
    generated, committed = files(fresh[0]), files(PORTFOLIOS)
    assert committed.keys() == generated.keys()
    assert [name for name in generated if generated[name] != committed[name]] == []


def test_same_seed_same_frames_other_seed_other_frames():
    build = generator().build_portfolio
    kwargs = {"as_of": "2026-06-30", "cycle": True, "overallocate": True}
    one, two = (build(120, 300, 150, 8, 18, seed=5, **kwargs) for _ in range(2))
    other = build(120, 300, 150, 8, 18, seed=6, **kwargs)
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name])
    assert not one["projects"].equals(other["projects"])


# -- status dates -----------------------------------------------------------------------

def test_every_sample_carries_its_status_date_and_has_a_budget():
    dates = status_dates()
    assert sorted(dates.index) == sorted(SAMPLES)
    assert set(dates["organisation"]) == {"Korrin Regional Council", "Stellbrook Pharmaceuticals",
                                          "Harrowmoor Water Services"}
    assert dict(dates["as_of"]) == {KORRIN: "2026-05-31", "stellbrook-pharmaceuticals.xlsx": "2026-08-31",
                                    "harrowmoor-water-services": "2026-03-31"}
    assert (dates["budget"] > 0).all()
    assert all((PORTFOLIOS / p).exists() for p in dates.index)
    assert not (PORTFOLIOS / "status_dates.csv").exists()
    for relative, row in dates.iterrows():
        p = read_portfolio(PORTFOLIOS / relative)
        assert (p.status_date.isoformat(), p.organisation) == (row["as_of"], row["organisation"])
        assert p.stated_currency == p.currency and p.currency in ("GBP", "EUR")
        assert analyse_portfolio(p).as_of == pd.Timestamp(row["as_of"])  # the workbook's own, not today


@pytest.mark.parametrize("relative", SAMPLES)
def test_budget_covers_the_mandatory_projects_but_not_every_candidate(relative):
    projects = raw(relative)["projects"]
    candidates = projects[projects["status"].isin(["proposed", "active", "on_hold"])]
    bac, ev, ac = candidates["bac"], candidates["ev"], candidates["ac"]
    # Cost as selection counts it: BAC for a proposed project, else typical ETC = BAC x AC / EV - AC.
    etc = (bac * ac / ev.where(ev > 0) - ac).fillna((bac - ac).clip(lower=0))
    cost = bac.where(candidates["status"].eq("proposed"), etc).fillna(0)
    budget = status_dates().loc[relative, "budget"]
    assert cost[candidates["mandatory"].astype(bool)].sum() < budget < cost.sum()


# -- every sample is internally consistent -----------------------------------------------

@pytest.mark.parametrize("relative", SAMPLES)
def test_projects_sit_where_their_status_says_relative_to_the_status_date(relative):
    p, day = raw(relative)["projects"], as_of(relative)
    assert p["project_id"].is_unique
    assert (p["finish"] >= p["start"]).all()
    assert (p.loc[p["status"].eq("proposed"), "start"] > day).all()
    assert (p.loc[p["status"].isin(["active", "on_hold", "cancelled"]), "start"] <= day).all()
    assert (p.loc[p["status"].eq("closed"), "finish"] <= day).all()
    assert (p.loc[p["status"].eq("proposed"), ["pv", "ev", "ac"]] == 0).all().all()


@pytest.mark.parametrize("relative", SAMPLES)
def test_baseline_ends_at_bac_and_gives_pv_at_the_status_date(relative):
    sheets, day = raw(relative), as_of(relative)
    base, p = sheets["baseline"], sheets["projects"].set_index("project_id")
    assert base.groupby("project_id")["cumulative_pv"].apply(lambda s: s.is_monotonic_increasing).all()
    assert (base.groupby("project_id")["cumulative_pv"].last() == p["bac"].reindex(base["project_id"].unique())).all()
    assert base["period_end"].dt.is_month_end.all()
    at_status = base[base["period_end"] <= day].groupby("project_id")["cumulative_pv"].last()
    assert (p.loc[at_status.index, "pv"] == at_status).all()
    in_flight = p[p["status"].isin(["active", "on_hold"])]
    # "Baselines for most in-flight projects".
    assert in_flight.index.isin(base["project_id"]).mean() >= 0.75


@pytest.mark.parametrize("relative", SAMPLES)
def test_earned_value_and_cost_performance_are_plausible(relative):
    p = raw(relative)["projects"]
    spent = p[p["ac"] > 0]
    cpi = spent["ev"] / spent["ac"]
    assert cpi.between(0.80, 1.15).all()
    assert cpi.std() > 0.02  # a spread, not one number
    over = p["ev"] > p["bac"]
    assert over.sum() == (1 if relative == KORRIN else 0)


@pytest.mark.parametrize("relative", SAMPLES)
def test_risks_are_sized_against_their_project_and_point_at_known_projects(relative):
    sheets = raw(relative)
    risks, projects = sheets["risks"], sheets["projects"]
    assert risks["risk_id"].is_unique
    assert set(risks["project_id"].dropna()) <= set(projects["project_id"])
    assert set(risks["kind"]) == {"threat", "opportunity"}
    assert set(risks["status"]) == {"open", "closed"}
    if relative == STELLBROOK:
        return  # ordinal impacts, checked below
    bac = risks.merge(projects[["project_id", "bac"]], on="project_id", how="inner").dropna(subset=["bac"])
    assert (bac["impact"] <= 0.5 * bac["bac"]).all()
    assert (risks["impact"] > 5).all()  # money, never mistaken for the 1-5 scale


@pytest.mark.parametrize("relative", SAMPLES)
def test_dependencies_join_known_projects_and_resources_have_capacity_rows(relative):
    sheets = raw(relative)
    deps, known = sheets["dependencies"], set(sheets["projects"]["project_id"])
    assert set(deps["from_project"]) | set(deps["to_project"]) <= known
    assert not (deps["from_project"] == deps["to_project"]).any()
    assert not deps.duplicated(["from_project", "to_project"]).any()
    demand = sheets["assignments"][["role", "month"]].drop_duplicates()
    assert len(demand.merge(sheets["capacity"], on=["role", "month"])) == len(demand)
    assert not sheets["capacity"].duplicated(["role", "month"]).any()


# -- the designed stories -------------------------------------------------------------------

def test_korrin_is_big_with_two_pmos_criteria_and_mandatory_projects():
    sheets = raw(KORRIN)
    p = sheets["projects"]
    assert len(p) >= 150
    assert set(p["pmo"]) == {"Corporate PMO", "Digital Services PMO"}
    assert 3 <= len(sheets["criteria"]) <= 4
    assert {f"score_{c}" for c in sheets["criteria"]["criterion"]} <= set(p.columns)
    assert p["mandatory"].astype(str).str.lower().eq("true").sum() >= 3
    probability = sheets["risks"]["probability"]
    assert probability.between(0, 1).all() and not probability.eq(probability.round()).all()


def test_korrin_has_its_deliberate_data_quality_flaws():
    p, day = raw(KORRIN)["projects"], as_of(KORRIN)
    assert p["sponsor"].isna().sum() == 3
    assert p["bac"].isna().sum() == 1
    assert (p["ev"] > p["bac"]).sum() == 1
    # Stale: "active" with a planned finish more than a year before the status date and no forecast.
    stale = p["status"].eq("active") & (p["finish"] < day - pd.DateOffset(years=1)) & p["forecast_finish"].isna()
    assert stale.sum() == 1
    risks = raw(KORRIN)["risks"]
    assert (risks["owner"].isna() & risks["status"].eq("open")).sum() == 3


@pytest.mark.parametrize(("relative", "expected"), [(KORRIN, 2), (HARROWMOOR, 1)])
def test_major_threats_reach_the_red_band(relative, expected):
    sheets = raw(relative)
    risks = sheets["risks"].merge(sheets["projects"][["project_id", "bac"]], on="project_id")
    # PMBOK bands: probability >= 0.6 is band 4, impact >= 40 % of the budget band 4; 4 x 4 = 16 is red (15-25).
    major = risks["kind"].eq("threat") & risks["status"].eq("open") & (risks["probability"] >= 0.6) & (
        risks["impact"] >= 0.4 * risks["bac"])
    assert major.sum() == expected


def test_korrin_over_allocates_business_analysts_and_procurement_officers():
    cells = over_allocated(raw(KORRIN))
    assert set(cells["role"]) == {"Business analyst", "Procurement officer"}


def test_stellbrook_has_one_dependency_cycle_of_three_projects():
    sheets = raw(STELLBROOK)
    cycles = list(nx.simple_cycles(dependency_graph(sheets)))
    assert len(cycles) == 1 and len(cycles[0]) == 3
    names = set(sheets["projects"].set_index("project_id").loc[cycles[0], "name"])
    assert names == {"SB-204 Phase II study", "SB-204 companion diagnostic", "Biomarker assay validation"}


def test_stellbrook_has_needed_by_conflicts():
    sheets = raw(STELLBROOK)
    p = sheets["projects"].set_index("project_id")
    deps = sheets["dependencies"].dropna(subset=["needed_by"])
    finish = p["forecast_finish"].fillna(p["finish"])
    late = finish.reindex(deps["to_project"]).to_numpy() > deps["needed_by"].to_numpy()
    assert late.sum() >= 3


def test_stellbrook_over_allocates_clinical_data_managers_and_biostatisticians_for_months():
    cells = over_allocated(raw(STELLBROOK))
    months = cells.groupby("role")["month"].nunique()
    assert set(months.index) == {"Clinical data manager", "Biostatistician"}
    assert (months >= 3).all()


def test_stellbrook_rates_risks_on_the_ordinal_scale():
    risks = raw(STELLBROOK)["risks"]
    for column in ("probability", "impact"):
        assert risks[column].isin([1, 2, 3, 4, 5]).all()


def test_harrowmoor_is_a_healthy_csv_folder_without_criteria():
    folder = PORTFOLIOS / HARROWMOOR
    assert folder.is_dir()
    assert {f.name for f in folder.iterdir()} == {"projects.csv", "baseline.csv", "risks.csv", "dependencies.csv",
                                                  "assignments.csv", "capacity.csv", "milestones.csv", "benefits.csv",
                                                  "financials.csv", "status_history.csv", "about.csv"}
    sheets = raw(HARROWMOOR)
    p = sheets["projects"]
    assert 20 <= len(p) <= 30
    assert nx.is_directed_acyclic_graph(dependency_graph(sheets))
    assert over_allocated(sheets).empty
    in_flight = p[p["status"].isin(["active", "on_hold"])]
    cpi, spi = in_flight["ev"] / in_flight["ac"], in_flight["ev"] / in_flight["pv"]
    # Red is beyond 0.90-1.10 (DOMAIN.md): a few reds, most projects within the amber band.
    red = ~cpi.between(0.90, 1.10) | ~spi.between(0.90, 1.10)
    assert 2 <= red.sum() <= 5
    assert red.mean() < 0.35


@pytest.mark.parametrize("relative", [KORRIN, HARROWMOOR])
def test_other_samples_have_no_cycle(relative):
    assert nx.is_directed_acyclic_graph(dependency_graph(raw(relative)))


# -- build_portfolio, the generator's core ----------------------------------------------

@pytest.mark.parametrize("cycle", [False, True])
def test_dependencies_go_to_earlier_starting_projects_except_one_cycle(cycle):
    sheets = generator().build_portfolio(600, 1500, 1200, 20, 24, seed=11, as_of="2026-06-30", cycle=cycle)
    deps, projects = sheets["dependencies"], sheets["projects"].set_index("project_id")
    assert len(deps) == 1200
    graph = nx.DiGraph(list(zip(deps["from_project"], deps["to_project"])))
    cycles = list(nx.simple_cycles(graph))
    assert [len(c) for c in cycles] == ([3] if cycle else [])
    start = pd.to_datetime(projects["start"])
    backwards = (start.reindex(deps["from_project"]).to_numpy() < start.reindex(deps["to_project"]).to_numpy())
    assert backwards.sum() <= (1 if cycle else 0)  # only the cycle's closing edge points forward


def test_overallocate_puts_the_busiest_roles_over_capacity():
    build = generator().build_portfolio
    plain = build(400, 10, 10, 20, 24, seed=3, as_of="2026-06-30")
    short = build(400, 10, 10, 20, 24, seed=3, as_of="2026-06-30", overallocate=True)
    assert over_allocated(plain).empty
    # max(1, 20 // 10) = 2 roles over capacity.
    assert over_allocated(short)["role"].nunique() == 2


def test_the_benchmark_portfolio_has_the_sizes_asked_for():
    sheets = generator().build_portfolio(10_000, 50_000, 20_000, 200, 36, seed=1, as_of="2026-06-30",
                                         cycle=True, overallocate=True, n_assignments=100_000)
    sizes = {name: len(frame) for name, frame in sheets.items()}
    assert sizes["projects"] == 10_000 and sizes["risks"] == 50_000 and sizes["dependencies"] == 20_000
    assert sizes["capacity"] == 200 * 36
    assert 90_000 <= sizes["assignments"] <= 100_000


def test_as_of_must_be_a_month_end():
    with pytest.raises(ValueError, match="month end"):
        generator().build_portfolio(10, 5, 2, 2, 6, seed=1, as_of="2026-06-15")


# -- read with the package ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("relative", "probability_scale", "impact_scale", "criteria"),
    [
        (KORRIN, "ratio", "money", 4),
        (STELLBROOK, "ordinal", "ordinal", 3),
        (HARROWMOOR, "ratio", "money", None),
    ],
)
def test_each_sample_reads_without_problems(relative, probability_scale, impact_scale, criteria):
    portfolio = read_portfolio(PORTFOLIOS / relative)  # raises InputValidationError on any problem
    sheets = raw(relative)
    assert len(portfolio.projects) == len(sheets["projects"])
    for name in ("baseline", "risks", "dependencies", "assignments", "capacity"):
        assert len(getattr(portfolio, name)) == len(sheets[name]), name
    assert portfolio.probability_scale == probability_scale
    assert portfolio.impact_scale == impact_scale
    assert (None if portfolio.criteria is None else len(portfolio.criteria)) == criteria
    assert np.isclose(portfolio.projects["bac"].sum(), sheets["projects"]["bac"].sum())


@pytest.fixture(scope="module")
def analysed():
    """Each sample analysed at its status date with its budget, as the demo runs it."""
    return {relative: analyse_portfolio(read_portfolio(PORTFOLIOS / relative), as_of=row["as_of"], budget=row["budget"])
            for relative, row in status_dates().iterrows()}


def test_korrin_flaws_show_as_findings(analysed):
    checks = {f.check for f in analysed[KORRIN].findings}
    assert {"no_sponsor", "no_budget", "ev_over_bac", "stale_status", "risk_no_owner"} <= checks


def test_stellbrook_story_shows_in_the_analysis(analysed):
    result = analysed[STELLBROOK]
    assert [len(c) for c in result.dependencies.cycles] == [3]
    assert len(result.dependencies.conflicts) >= 3
    over = result.resources.by_role.query("months_over > 0")["role"]
    assert set(over) == {"Clinical data manager", "Biostatistician"}


def test_harrowmoor_has_no_errors_and_a_few_reds(analysed):
    result = analysed[HARROWMOOR]
    assert not [f for f in result.findings if f.severity == "error"]
    headline = result.headline()
    assert 2 <= headline["red"] <= 5 and headline["green"] > headline["red"]
