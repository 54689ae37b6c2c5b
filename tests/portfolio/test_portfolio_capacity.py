"""Shared resources: demand against capacity per role and month, worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.portfolio.capacity import LOAD_COLUMNS, ResourceAnalysis, resource_load

STATUSES = ["proposed", "active", "on_hold", "closed", "cancelled"]
JAN, FEB, MAR = (pd.Period(m, "M") for m in ("2024-01", "2024-02", "2024-03"))


def _projects(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "project_id": pd.array([r[0] for r in rows], dtype="str"),
        "name": pd.array([f"Project {r[0][2:]}" for r in rows], dtype="str"),
        "status": pd.Categorical([r[1] for r in rows], categories=STATUSES),
        "source_row": np.arange(2, len(rows) + 2),
    })


def _assignments(rows: list[tuple[str, str, pd.Period, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "project_id": pd.array([r[0] for r in rows], dtype="str"),
        "role": pd.array([r[1] for r in rows], dtype="str"),
        "month": pd.PeriodIndex([r[2] for r in rows], freq="M"),
        "demand_fte": np.array([r[3] for r in rows], dtype=float),
        "source_row": np.arange(2, len(rows) + 2),
    })


def _capacity(rows: list[tuple[str, pd.Period, float]]) -> pd.DataFrame:
    return pd.DataFrame({
        "role": pd.array([r[0] for r in rows], dtype="str"),
        "month": pd.PeriodIndex([r[1] for r in rows], freq="M"),
        "capacity_fte": np.array([r[2] for r in rows], dtype=float),
        "source_row": np.arange(2, len(rows) + 2),
    })


PROJECTS = _projects([("P-1", "active"), ("P-2", "proposed"), ("P-3", "closed"), ("P-4", "cancelled"),
                      ("P-5", "on_hold")])
ASSIGNMENTS = _assignments([
    ("P-1", "Dev", JAN, 1.5), ("P-2", "Dev", JAN, 0.5), ("P-3", "Dev", JAN, 1.0),   # P-3 closed: left out
    ("P-1", "Dev", FEB, 1.0),
    ("P-2", "Dev", MAR, 0.5), ("P-5", "Dev", MAR, 0.25),
    ("P-5", "QA", JAN, 0.5),
    ("P-4", "QA", FEB, 2.0), ("P-4", "QA", MAR, 1.0),                               # P-4 cancelled: left out
    ("P-1", "PM", JAN, 0.4), ("P-2", "PM", JAN, 0.2),                               # PM has no capacity rows
])
CAPACITY = _capacity([("Dev", JAN, 1.5), ("Dev", FEB, 2.0), ("Dev", MAR, 0.0), ("QA", JAN, 1.0), ("QA", FEB, 1.0)])


@pytest.fixture(scope="module")
def analysis() -> ResourceAnalysis:
    return resource_load(ASSIGNMENTS, CAPACITY, PROJECTS)


def _row(frame: pd.DataFrame, role: str, month: pd.Period) -> pd.Series:
    hit = frame[(frame["role"] == role) & (frame["month"] == month)]
    assert len(hit) == 1
    return hit.iloc[0]


# -- load ------------------------------------------------------------------------------------------------------------

def test_load_has_one_row_per_role_month_sorted_by_role_then_month(analysis):
    load = analysis.load
    assert list(load.columns) == LOAD_COLUMNS
    # Dev x 3 months, PM (demand only), QA Jan (both) and QA Feb (capacity only; the cancelled P-4's demand is out)
    assert list(zip(load["role"], load["month"].astype(str))) == [
        ("Dev", "2024-01"), ("Dev", "2024-02"), ("Dev", "2024-03"), ("PM", "2024-01"), ("QA", "2024-01"),
        ("QA", "2024-02"),
    ]
    assert isinstance(load["month"].dtype, pd.PeriodDtype)
    assert load["over_allocated"].dtype == bool


@pytest.mark.parametrize(
    ("role", "month", "demand", "capacity", "utilisation", "net", "over"),
    [
        # Dev Jan: 1.5 (P-1) + 0.5 (P-2) = 2.0 (closed P-3's 1.0 left out); 2.0 / 1.5 = 1.3333; 1.5 - 2.0 = -0.5
        ("Dev", JAN, 2.0, 1.5, 2.0 / 1.5, -0.5, True),
        # Dev Feb: 1.0 / 2.0 = 0.5; net 2.0 - 1.0 = 1.0
        ("Dev", FEB, 1.0, 2.0, 0.5, 1.0, False),
        # Dev Mar: 0.5 + 0.25 = 0.75 against capacity 0 -> utilisation undefined, over-allocated; net -0.75
        ("Dev", MAR, 0.75, 0.0, math.nan, -0.75, True),
        # PM Jan: 0.4 + 0.2 = 0.6, no capacity row -> capacity counted as 0
        ("PM", JAN, 0.6, 0.0, math.nan, -0.6, True),
        # QA Jan: 0.5 / 1.0
        ("QA", JAN, 0.5, 1.0, 0.5, 0.5, False),
        # QA Feb: capacity only (P-4 is cancelled) -> demand 0, utilisation 0 / 1 = 0
        ("QA", FEB, 0.0, 1.0, 0.0, 1.0, False),
    ],
)
def test_load_cell(analysis, role, month, demand, capacity, utilisation, net, over):
    row = _row(analysis.load, role, month)
    assert row["demand_fte"] == pytest.approx(demand)
    assert row["capacity_fte"] == pytest.approx(capacity)
    assert row["utilisation"] == pytest.approx(utilisation, nan_ok=True)
    assert row["net_fte"] == pytest.approx(net)
    assert bool(row["over_allocated"]) is over


@pytest.mark.parametrize(
    ("demands", "capacity", "over"),
    [
        # equal is not over
        ([1.0], 1.0, False),
        ([1.0, 0.5], 1.5, False),
        # 0.1 + 0.2 = 0.30000000000000004 in floating point: not over 0.3
        ([0.1, 0.2], 0.3, False),
        ([0.1, 0.2], 0.29, True),
        # capacity 0: any demand is over, none is not
        ([0.01], 0.0, True),
        ([0.0], 0.0, False),
    ],
)
def test_over_allocation_boundary(demands, capacity, over):
    projects = _projects([(f"P-{i}", "active") for i in range(len(demands))])
    assignments = _assignments([(f"P-{i}", "Dev", JAN, d) for i, d in enumerate(demands)])
    load = resource_load(assignments, _capacity([("Dev", JAN, capacity)]), projects).load
    assert bool(load["over_allocated"].iloc[0]) is over


# -- over-allocations and their causes -------------------------------------------------------------------------------

def test_over_allocations_list_excess_and_projects_committed_first(analysis):
    over = analysis.over_allocations
    assert list(over.columns) == ["role", "month", "committed_fte", "pipeline_fte", "demand_fte", "capacity_fte",
                                  "utilisation", "net_fte", "excess_fte", "committed_excess_fte", "projects",
                                  "pipeline_projects"]
    # committed excess (active P-1, on-hold P-5) against capacity, the proposal P-2 left out:
    #   PM Jan  0.4 - 0 = 0.4;  Dev Mar 0.25 - 0 = 0.25;  Dev Jan 1.5 - 1.5 = 0 (only P-2's 0.5 overloads it)
    # total excess: 0.6, 0.75 and 0.5
    assert list(zip(over["role"], over["month"].astype(str))) == [("PM", "2024-01"), ("Dev", "2024-03"),
                                                                   ("Dev", "2024-01")]
    assert over["committed_excess_fte"].tolist() == pytest.approx([0.4, 0.25, 0.0])
    assert over["excess_fte"].tolist() == pytest.approx([0.6, 0.75, 0.5])
    assert over["projects"].tolist() == ["P-1 (0.4)", "P-5 (0.25)", "P-1 (1.5)"]
    assert over["pipeline_projects"].tolist() == ["P-2 (0.2)", "P-2 (0.5)", "P-2 (0.5)"]


@pytest.mark.parametrize(
    ("role", "month", "committed", "pipeline", "committed_over"),
    [
        # Dev Jan: P-1 1.5 committed, P-2 0.5 proposed; committed 1.5 = capacity 1.5 exactly: not over on its own
        ("Dev", JAN, 1.5, 0.5, False),
        ("Dev", FEB, 1.0, 0.0, False),
        # Dev Mar: on-hold P-5 0.25 is committed, P-2 0.5 pipeline; capacity 0
        ("Dev", MAR, 0.25, 0.5, True),
        ("PM", JAN, 0.4, 0.2, True),
        ("QA", JAN, 0.5, 0.0, False),
        ("QA", FEB, 0.0, 0.0, False),
    ],
)
def test_demand_is_split_into_committed_and_pipeline(analysis, role, month, committed, pipeline, committed_over):
    row = _row(analysis.load, role, month)
    assert (row["committed_fte"], row["pipeline_fte"]) == (pytest.approx(committed), pytest.approx(pipeline))
    assert row["demand_fte"] == pytest.approx(committed + pipeline)
    assert bool(row["committed_over"]) is committed_over


def test_totals_tell_committed_from_pipeline_over_allocations(analysis):
    t = analysis.totals
    # three cells over in all (Dev Jan, Dev Mar, PM Jan); two of them by committed work alone
    assert (t["over_allocated_cells"], t["committed_over_cells"], t["pipeline_only_cells"]) == (3, 2, 1)
    assert t["committed_excess_fte"] == pytest.approx(0.65)        # 0.4 + 0.25
    assert t["total_excess_fte"] == pytest.approx(1.85)            # 0.6 + 0.75 + 0.5


@pytest.mark.parametrize(
    ("selected", "demand", "over_cells", "excess"),
    [
        # nothing proposed selected: committed work only. Dev Jan 1.5 (= 1.5), Dev Mar 0.25 (> 0), PM 0.4 (> 0)
        ((), {("Dev", JAN): 1.5, ("Dev", MAR): 0.25, ("PM", JAN): 0.4}, 2, 0.65),
        # naming a committed project changes nothing: it counts anyway
        (("P-1",), {("Dev", JAN): 1.5, ("Dev", MAR): 0.25, ("PM", JAN): 0.4}, 2, 0.65),
        # the proposal P-2 selected: everything, Dev Jan 2.0 - 1.5 = 0.5, Dev Mar 0.75, PM 0.6
        (("P-2",), {("Dev", JAN): 2.0, ("Dev", MAR): 0.75, ("PM", JAN): 0.6}, 3, 1.85),
    ],
)
def test_load_for_a_selection_is_committed_work_plus_the_selected_proposals(analysis, selected, demand, over_cells,
                                                                           excess):
    chosen = analysis.with_selection(selected)
    assert chosen.selected == selected and analysis.selection is None       # a new object, the old one unchanged
    frame = chosen.selection
    assert frame[["role", "month"]].equals(analysis.load[["role", "month"]])
    for (role, month), fte in demand.items():
        assert _row(frame, role, month)["demand_fte"] == pytest.approx(fte)
    assert _row(frame, "Dev", FEB)["demand_fte"] == pytest.approx(1.0)
    assert (chosen.totals["selection_over_cells"], chosen.totals["selection_excess_fte"]) == (
        over_cells, pytest.approx(excess))


def test_causes_give_each_projects_share_of_an_over_allocated_cell(analysis):
    causes = analysis.causes
    assert list(causes.columns) == ["role", "month", "project_id", "stage", "demand_fte", "share_of_demand"]
    assert causes.set_index("project_id")["stage"].to_dict() == {"P-1": "committed", "P-2": "pipeline",
                                                                 "P-5": "committed"}
    got = [(r, str(m), p, d, s) for r, m, p, _, d, s in causes.itertuples(index=False)]
    expected = [
        ("Dev", "2024-01", "P-1", 1.5, 1.5 / 2.0),    # 0.75
        ("Dev", "2024-01", "P-2", 0.5, 0.5 / 2.0),    # 0.25
        ("Dev", "2024-03", "P-2", 0.5, 0.5 / 0.75),   # 2/3
        ("Dev", "2024-03", "P-5", 0.25, 0.25 / 0.75),  # 1/3
        ("PM", "2024-01", "P-1", 0.4, 0.4 / 0.6),     # 2/3
        ("PM", "2024-01", "P-2", 0.2, 0.2 / 0.6),     # 1/3
    ]
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    assert [g[3:] for g in got] == [pytest.approx(e[3:]) for e in expected]
    # Dev Feb and QA are not over-allocated: no causes listed
    assert not causes["role"].eq("QA").any()


def test_by_role(analysis):
    by_role = analysis.by_role
    assert list(by_role.columns) == ["role", "months", "months_over", "peak_utilisation", "total_excess_fte",
                                     "mean_utilisation"]
    # sorted by total excess: Dev 0.5 + 0.75 = 1.25, PM 0.6, QA 0
    assert by_role["role"].tolist() == ["Dev", "PM", "QA"]
    dev, pm, qa = (by_role.iloc[i] for i in range(3))
    # Dev: 3 months, 2 over; utilisation 1.3333, 0.5, undefined -> peak 1.3333, mean (1.3333 + 0.5) / 2 = 0.91667
    assert (dev["months"], dev["months_over"]) == (3, 2)
    assert dev["peak_utilisation"] == pytest.approx(2.0 / 1.5)
    assert dev["total_excess_fte"] == pytest.approx(1.25)
    assert dev["mean_utilisation"] == pytest.approx((2.0 / 1.5 + 0.5) / 2)
    # PM: its only month has capacity 0 -> no defined utilisation
    assert (pm["months"], pm["months_over"]) == (1, 1)
    assert math.isnan(pm["peak_utilisation"]) and math.isnan(pm["mean_utilisation"])
    assert pm["total_excess_fte"] == pytest.approx(0.6)
    # QA: 0.5 and 0.0 -> peak 0.5, mean 0.25
    assert (qa["months"], qa["months_over"]) == (2, 0)
    assert qa["peak_utilisation"] == pytest.approx(0.5)
    assert qa["mean_utilisation"] == pytest.approx(0.25)
    assert qa["total_excess_fte"] == 0


def test_totals(analysis):
    totals = analysis.totals
    assert {k: totals[k] for k in ("roles", "months", "over_allocated_cells", "roles_over")} == {
        "roles": 3, "months": 3, "over_allocated_cells": 3, "roles_over": 2}
    assert totals["total_excess_fte"] == pytest.approx(0.75 + 0.6 + 0.5)
    role, month, utilisation = totals["peak"]
    assert (role, month) == ("Dev", JAN)
    assert utilisation == pytest.approx(2.0 / 1.5)


# -- findings --------------------------------------------------------------------------------------------------------

def test_findings_report_closed_demand_per_project_and_missing_capacity_per_role(analysis):
    by_check = {}
    for f in analysis.findings:
        by_check.setdefault(f.check, []).append(f)
    assert sorted(by_check) == ["demand_on_closed_project", "no_capacity"]

    closed = by_check["demand_on_closed_project"]
    assert [(f.project_id, f.severity, f.sheet) for f in closed] == [("P-3", "warning", "assignments"),
                                                                      ("P-4", "warning", "assignments")]
    assert "P-3 Project 3 is closed" in closed[0].message
    # P-4: 2.0 + 1.0 = 3 FTE-months over Feb to Mar, in 2 rows; first row is the 9th data row -> spreadsheet row 9
    assert "is cancelled" in closed[1].message and "3 FTE-months" in closed[1].message
    assert "2024-02 to 2024-03" in closed[1].message
    assert closed[1].row == 9

    (missing,) = by_check["no_capacity"]
    assert missing.severity == "warning"
    assert missing.extra == {"role": "PM", "months": ["2024-01"]}
    assert "PM" in missing.message and "2024-01" in missing.message


def test_no_capacity_finding_lists_every_uncovered_month_of_a_role():
    projects = _projects([("P-1", "active")])
    assignments = _assignments([("P-1", "Dev", JAN, 1.0), ("P-1", "Dev", FEB, 1.0), ("P-1", "Dev", MAR, 1.0)])
    result = resource_load(assignments, _capacity([("Dev", FEB, 2.0)]), projects)
    (finding,) = result.findings
    assert finding.extra["months"] == ["2024-01", "2024-03"]
    assert result.load["capacity_fte"].tolist() == [0.0, 2.0, 0.0]


# -- without a capacity sheet, and empty inputs ----------------------------------------------------------------------

def test_without_capacity_sheet_demand_is_shown_and_nothing_is_over():
    result = resource_load(ASSIGNMENTS, None, PROJECTS)
    load = result.load
    # Dev Jan 2.0, Feb 1.0, Mar 0.75, PM Jan 0.6, QA Jan 0.5 (no capacity-only rows any more)
    assert load["demand_fte"].tolist() == pytest.approx([2.0, 1.0, 0.75, 0.6, 0.5])
    assert load[["capacity_fte", "utilisation", "net_fte"]].isna().all().all()
    assert not load["over_allocated"].any()
    assert result.over_allocations.empty and result.causes.empty
    assert result.totals["over_allocated_cells"] == 0 and result.totals["peak"] is None
    assert result.by_role["months_over"].tolist() == [0, 0, 0]
    assert [f.check for f in result.findings] == ["demand_on_closed_project"] * 2


def test_capacity_without_demand():
    result = resource_load(_assignments([]), CAPACITY, PROJECTS)
    assert len(result.load) == len(CAPACITY)
    assert result.load["demand_fte"].eq(0).all()
    # Dev Mar has capacity 0 and no demand: 0 / 0 is undefined, not over-allocated
    assert result.load["over_allocated"].sum() == 0
    assert result.findings == ()


def test_empty_inputs_give_empty_frames_with_columns():
    result = resource_load(_assignments([]), _capacity([]), _projects([]))
    assert result.load.empty and list(result.load.columns) == LOAD_COLUMNS
    assert result.over_allocations.empty and "projects" in result.over_allocations
    assert result.causes.empty and result.by_role.empty
    assert result.totals == {"roles": 0, "months": 0, "over_allocated_cells": 0, "roles_over": 0,
                             "total_excess_fte": 0.0, "committed_over_cells": 0, "committed_excess_fte": 0.0,
                             "pipeline_only_cells": 0, "peak": None}
    assert result.with_selection(["P-1"]).selection.empty


def test_inputs_are_not_modified():
    frames = (ASSIGNMENTS.copy(), CAPACITY.copy(), PROJECTS.copy())
    resource_load(ASSIGNMENTS, CAPACITY, PROJECTS)
    for before, after in zip(frames, (ASSIGNMENTS, CAPACITY, PROJECTS)):
        pd.testing.assert_frame_equal(before, after)


# -- scale -----------------------------------------------------------------------------------------------------------

def test_100k_assignments_over_200_roles_and_36_months_in_well_under_a_second():
    rng = np.random.default_rng(7)
    n_projects, n_rows = 10_000, 100_000
    projects = _projects([(f"P-{i:05d}", STATUSES[i % 5]) for i in range(n_projects)])
    roles = np.array([f"R{i:03d}" for i in range(200)])
    months = pd.period_range("2024-01", periods=36, freq="M")
    assignments = pd.DataFrame({
        "project_id": pd.array(projects["project_id"].to_numpy()[rng.integers(0, n_projects, n_rows)], dtype="str"),
        "role": pd.array(roles[rng.integers(0, 200, n_rows)], dtype="str"),
        "month": months[rng.integers(0, 36, n_rows)],
        "demand_fte": rng.uniform(0, 1, n_rows).round(2),
    })
    capacity = pd.DataFrame({"role": pd.array(np.repeat(roles, 36), dtype="str"), "month": np.tile(months, 200),
                             "capacity_fte": rng.uniform(1, 6, 7200).round(1)})
    result = resource_load(assignments, capacity, projects)  # speed: benchmarks/bench_portfolio.py
    assert len(result.load) == 7200
    # the load matches a plain groupby of the open projects' rows
    open_ids = projects.loc[~projects["status"].isin(["closed", "cancelled"]), "project_id"]
    expected = assignments[assignments["project_id"].isin(open_ids)].groupby(["role", "month"])["demand_fte"].sum()
    got = result.load.set_index(["role", "month"])["demand_fte"]
    assert np.allclose(got.reindex(expected.index).to_numpy(), expected.to_numpy())
