"""Cross-project dependencies on graphs small enough to measure by hand."""

from __future__ import annotations


import networkx as nx
import numpy as np
import pandas as pd
import pytest

from pmo_workbench.portfolio.dependencies import (
    CONFLICT_COLUMNS,
    EDGE_COLUMNS,
    LINK_COLUMNS,
    PROJECT_COLUMNS,
    DependencyAnalysis,
    analyse_dependencies,
    betweenness_centrality,
    links_by_group,
)

STATUSES = ["proposed", "active", "on_hold", "closed", "cancelled"]
NaT = pd.NaT


def _projects(rows: list[tuple]) -> pd.DataFrame:
    """rows: (project_id, status, start, duration in days, forecast_finish or None)."""
    start = pd.to_datetime([r[2] for r in rows])
    return pd.DataFrame({
        "project_id": pd.array([r[0] for r in rows], dtype="str"),
        "name": pd.array([f"Project {r[0]}" for r in rows], dtype="str"),
        "status": pd.Categorical([r[1] for r in rows], categories=STATUSES),
        "start": start,
        "finish": start + pd.to_timedelta([r[3] for r in rows], unit="D"),
        "forecast_finish": pd.to_datetime([r[4] for r in rows]),
        "source_row": np.arange(2, len(rows) + 2),
    })


def _dependencies(rows: list[tuple]) -> pd.DataFrame:
    """rows: (from_project, to_project, needed_by or None)."""
    return pd.DataFrame({
        "from_project": pd.array([r[0] for r in rows], dtype="str"),
        "to_project": pd.array([r[1] for r in rows], dtype="str"),
        "needed_by": pd.to_datetime(pd.Series([r[2] for r in rows], dtype=object)),
        "kind": pd.array(["finish_to_start"] * len(rows), dtype="str"),
        "source_row": np.arange(2, len(rows) + 2),
    })


# -- a hand-drawn acyclic portfolio ----------------------------------------------------------------------------------
#
#   "X --> Y" means X needs Y.  Planned durations in days in brackets.
#
#      P-6 [5] --> P-5 [40] --> P-3 [20] ----+
#                                ^           |
#                                |           v
#      P-1 [10] ----------------+         P-4 [30]
#       |                                    ^
#       +----------> P-2 [100] -------------+
#
# Edges: P-1->P-2, P-1->P-3, P-2->P-4, P-3->P-4, P-5->P-3, P-6->P-5.  P-7 exists but has no dependency.

ACYCLIC_PROJECTS = _projects([
    ("P-1", "proposed", "2024-06-01", 10, None),
    ("P-2", "active", "2024-01-01", 100, None),           # finishes 2024-04-10 (2024 is a leap year)
    ("P-3", "active", "2024-05-01", 20, "2024-06-11"),    # planned 2024-05-21, forecast 2024-06-11
    ("P-4", "active", "2024-01-01", 30, None),            # finishes 2024-01-31
    ("P-5", "proposed", "2024-06-01", 40, None),
    ("P-6", "cancelled", "2024-08-01", 5, None),
    ("P-7", "active", "2024-01-01", 365, None),
])
ACYCLIC = _dependencies([
    ("P-1", "P-2", "2024-03-01"),   # P-2 finishes 2024-04-10: 31 (March) + 9 = 40 days late
    ("P-1", "P-3", None),
    ("P-2", "P-4", "2024-01-31"),   # P-4 finishes that very day: not late
    ("P-3", "P-4", "2024-12-31"),
    ("P-5", "P-3", "2024-06-01"),   # P-3's forecast 2024-06-11: 10 days late (its planned finish would be on time)
    ("P-6", "P-5", None),
])


@pytest.fixture(scope="module")
def acyclic() -> DependencyAnalysis:
    return analyse_dependencies(ACYCLIC, ACYCLIC_PROJECTS)


def test_acyclic_graph_has_no_cycles(acyclic):
    assert acyclic.cycles == ()
    assert not acyclic.projects["in_cycle"].any() and not acyclic.edges["in_cycle"].any()
    assert not any(f.check == "dependency_cycle" for f in acyclic.findings)


def test_longest_chain_is_the_longest_calendar_span_not_summed_durations(acyclic):
    # expected finish (forecast, else planned) and start, 2024 (a leap year):
    #   P-4 01-01..01-31, P-2 01-01..04-10, P-3 05-01..06-11 (forecast), P-5 06-01..07-11, P-1 06-01..06-11
    # chains end at the dependent's finish and begin at the earliest start along them (P-4's 01-01):
    #   P-4 P-3 P-5   01-01 to 07-11 = 31 + 29 + 31 + 30 + 31 + 30 + 10 = 192 days   <- longest
    #   P-4 P-2 P-1   01-01 to 06-11 = 162 days;   P-4 P-3 = 162;   P-4 P-2 = 100
    # summed durations would have given P-4 P-2 P-1 (30 + 100 + 10 = 140 against 30 + 20 + 40 = 90)
    assert acyclic.longest_chain == ("P-4", "P-3", "P-5")
    assert acyclic.longest_chain_days == 192.0


def test_links_have_slack_least_first_from_the_sheet_or_the_dependents_start(acyclic):
    links = acyclic.links
    assert list(links.columns) == LINK_COLUMNS
    got = list(zip(links["from_project"], links["to_project"], links["needed_by_source"], links["slack_days"]))
    assert got == [
        ("P-1", "P-2", "needed_by", -40.0),   # needed 03-01, P-2 finishes 04-10: 31 - 1 + 10 = 40 days late
        ("P-1", "P-3", "start", -10.0),       # no date: P-1's start 06-01 against P-3's forecast 06-11
        ("P-5", "P-3", "needed_by", -10.0),   # needed 06-01, forecast 06-11
        ("P-2", "P-4", "needed_by", 0.0),     # needed 01-31, P-4 finishes that very day: no slack, not late
        ("P-3", "P-4", "needed_by", 335.0),   # 01-31 to 12-31: 29 + 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31
    ]                                         # (P-6 is cancelled: its link is left out)
    assert links["predecessor_finish"].iloc[1] == pd.Timestamp("2024-06-11")


@pytest.mark.parametrize(
    ("needed_by", "slack"),
    [
        # P finishes 2024-01-31 (2024-01-01 + 30 days)
        ("2024-01-30", -1.0),     # one day too late: a conflict
        ("2024-01-31", 0.0),      # the day it finishes: no slack, no conflict
        ("2024-02-01", 1.0),
        (None, -30.0),            # no date: needed at N's start, 2024-01-01, 30 days before P finishes: late too
    ],
)
def test_slack_at_the_boundaries(needed_by, slack):
    projects = _projects([("N", "active", "2024-01-01", 60, None), ("P", "active", "2024-01-01", 30, None)])
    result = analyse_dependencies(_dependencies([("N", "P", needed_by)]), projects)
    assert result.links["slack_days"].tolist() == [slack]
    assert result.edges["slack_days"].tolist() == [slack]
    assert len(result.conflicts) == (1 if slack < 0 else 0)   # the conflicts are the links with negative slack


def test_links_by_group_sum_links_and_keep_the_least_slack(acyclic):
    # PMO "R&D" holds P-1, P-2, P-5; "Ops" holds P-3, P-4 (P-6 cancelled, out of the links)
    groups = pd.Series({"P-1": "R&D", "P-2": "R&D", "P-5": "R&D", "P-3": "Ops", "P-4": "Ops"})
    got = links_by_group(acyclic, groups)
    assert list(got.itertuples(index=False, name=None)) == [
        ("R&D", "R&D", 1, 1, -40.0),   # P-1 needs P-2
        ("R&D", "Ops", 3, 2, -10.0),   # P-1 needs P-3 (-10), P-5 needs P-3 (-10), P-2 needs P-4 (0: not late)
        ("Ops", "Ops", 1, 0, 335.0),   # P-3 needs P-4
    ]


@pytest.mark.parametrize(
    ("project", "prerequisites", "dependents", "blast_radius", "wave"),
    [
        # prerequisites = projects it needs; dependents = projects that need it directly;
        # blast radius = projects that need it directly or through others; wave 1 needs nothing
        ("P-4", 0, 2, 5, 1),   # needed by P-2, P-3 and through them P-1, P-5, P-6
        ("P-3", 1, 2, 3, 2),   # needed by P-1, P-5 and through P-5 by P-6; needs P-4 (wave 1)
        ("P-2", 1, 1, 1, 2),   # needed by P-1
        ("P-5", 1, 1, 1, 3),   # needed by P-6; needs P-3 (wave 2)
        ("P-1", 2, 0, 0, 3),   # needs P-2 and P-3 (both wave 2)
        ("P-6", 1, 0, 0, 4),   # needs P-5 (wave 3)
    ],
)
def test_project_measures(acyclic, project, prerequisites, dependents, blast_radius, wave):
    row = acyclic.projects.set_index("project_id").loc[project]
    assert (row["prerequisites"], row["dependents"], row["blast_radius"], row["wave"]) == (
        prerequisites, dependents, blast_radius, wave)
    assert acyclic.waves.set_index("project_id").loc[project, "wave"] == wave


def test_betweenness_by_hand(acyclic):
    # Shortest "needs" paths with a project in the middle (directed):
    #   P-1 -> P-4: two, via P-2 and via P-3  -> P-2 +1/2, P-3 +1/2
    #   P-5 -> P-4: via P-3                   -> P-3 +1
    #   P-6 -> P-3: via P-5                   -> P-5 +1
    #   P-6 -> P-4: via P-5 and P-3           -> P-5 +1, P-3 +1
    # raw: P-2 0.5, P-3 2.5, P-5 2; normalised by (n-1)(n-2) = 5 * 4 = 20 ordered pairs
    got = acyclic.projects.set_index("project_id")["betweenness"]
    expected = {"P-1": 0.0, "P-2": 0.5 / 20, "P-3": 2.5 / 20, "P-4": 0.0, "P-5": 2 / 20, "P-6": 0.0}
    assert got.to_dict() == pytest.approx(expected)


def test_projects_frame_columns_and_order(acyclic):
    table = acyclic.projects
    assert list(table.columns) == PROJECT_COLUMNS
    # blast radius 5, 3, then P-2 and P-5 tie on (1, 1) -> by id, then P-1 and P-6 tie on (0, 0)
    assert table["project_id"].tolist() == ["P-4", "P-3", "P-2", "P-5", "P-1", "P-6"]
    # P-7 has no dependency: not a node
    assert "P-7" not in set(table["project_id"])
    assert table.set_index("project_id").loc["P-6", "name"] == "Project P-6"   # cancelled projects are nodes


def test_waves_frame_prerequisites_first(acyclic):
    assert list(acyclic.waves.columns) == ["project_id", "wave"]
    assert list(acyclic.waves.itertuples(index=False, name=None)) == [
        ("P-4", 1), ("P-2", 2), ("P-3", 2), ("P-1", 3), ("P-5", 3), ("P-6", 4)]


def test_conflicts_are_the_links_with_negative_slack_latest_first(acyclic):
    # the same three links as the negative slack of test_links_have_slack_..., whatever gives the needed-by date
    conflicts = acyclic.conflicts
    assert list(conflicts.columns) == CONFLICT_COLUMNS
    assert list(zip(conflicts["from_project"], conflicts["to_project"], conflicts["needed_by_source"],
                    conflicts["days_late"])) == [
        ("P-1", "P-2", "needed_by", 40.0), ("P-1", "P-3", "start", 10.0), ("P-5", "P-3", "needed_by", 10.0)]
    assert conflicts["predecessor_finish"].tolist() == [pd.Timestamp("2024-04-10"), pd.Timestamp("2024-06-11"),
                                                        pd.Timestamp("2024-06-11")]
    assert conflicts["finish_source"].tolist() == ["planned", "forecast", "forecast"]
    findings = [f for f in acyclic.findings if f.check == "dependency_conflict"]
    assert [(f.severity, f.project_id, f.row) for f in findings] == [
        ("warning", "P-1", 2), ("warning", "P-1", 3), ("warning", "P-5", 6)]
    assert findings[0].message == ("P-1 needs P-2 by 2024-03-01, but P-2 is planned to finish on 2024-04-10 "
                                   "(40 days late)")
    assert findings[1].message == ("P-1 needs P-3 by its planned start, 2024-06-01 (the sheet gives no needed-by "
                                   "date), but P-3 is forecast to finish on 2024-06-11 (10 days late)")
    assert "is forecast to finish on 2024-06-11" in findings[2].message


def test_edges_frame_marks_the_longest_chain(acyclic):
    edges = acyclic.edges
    assert list(edges.columns) == EDGE_COLUMNS
    on_chain = set(zip(edges.loc[edges["on_longest_chain"], "from_project"],
                       edges.loc[edges["on_longest_chain"], "to_project"]))
    # chain P-4, P-3, P-5: P-3 needs P-4, P-5 needs P-3
    assert on_chain == {("P-3", "P-4"), ("P-5", "P-3")}
    assert len(edges) == len(ACYCLIC)
    assert edges["kind"].eq("finish_to_start").all()


# -- a portfolio with a cycle ----------------------------------------------------------------------------------------
#
#      P-1 [5] --> P-3 [10] --> P-7 [20]
#                   ^              |
#                   |              v
#                   +---------- P-9 [30] --> P-10 [7] <-- P-2 [1]
#
# P-3 needs P-7 needs P-9 needs P-3; P-1 needs P-3; P-9 needs P-10; P-2 needs P-10.

CYCLIC_PROJECTS = _projects([
    ("P-1", "proposed", "2024-01-01", 5, None),
    ("P-2", "active", "2024-01-01", 1, None),
    ("P-3", "active", "2024-01-01", 10, None),
    ("P-7", "active", "2024-01-01", 20, None),
    ("P-9", "active", "2024-01-01", 30, None),
    ("P-10", "active", "2024-01-01", 7, None),
])
CYCLIC = _dependencies([("P-3", "P-7", None), ("P-7", "P-9", None), ("P-9", "P-3", None), ("P-1", "P-3", None),
                        ("P-9", "P-10", None), ("P-2", "P-10", None)])


@pytest.fixture(scope="module")
def cyclic() -> DependencyAnalysis:
    return analyse_dependencies(CYCLIC, CYCLIC_PROJECTS)


def test_cycle_is_reported_once_starting_at_its_smallest_id(cyclic):
    assert cyclic.cycles == (("P-3", "P-7", "P-9"),)
    (finding,) = [f for f in cyclic.findings if f.check == "dependency_cycle"]
    assert finding.severity == "error"
    assert "P-3 needs P-7 needs P-9 needs P-3" in finding.message
    assert finding.project_id == "P-3"


def test_longest_chain_runs_through_the_collapsed_cycle(cyclic):
    # condensation: P-1 -> {P-3, P-7, P-9} -> P-10 <- P-2; every project starts 2024-01-01
    # the cycle ends last (P-9, 30 days): 01-01 to 01-31 = 30 days; P-1 finishes 01-06 (5), P-2 01-02 (1)
    # prerequisite first, the cycle's members listed together by id
    assert cyclic.longest_chain == ("P-10", "P-3", "P-7", "P-9")
    assert cyclic.longest_chain_days == 30.0


@pytest.mark.parametrize(
    ("project", "blast_radius", "wave", "in_cycle"),
    [
        # P-10 is needed by P-9 and P-2, through P-9 by P-7, P-3 and through P-3 by P-1
        ("P-10", 5, 1, False),
        # each cycle member is needed by the two others and by P-1
        ("P-3", 3, 2, True),
        ("P-7", 3, 2, True),
        ("P-9", 3, 2, True),
        ("P-2", 0, 2, False),
        ("P-1", 0, 3, False),
    ],
)
def test_cyclic_project_measures(cyclic, project, blast_radius, wave, in_cycle):
    row = cyclic.projects.set_index("project_id").loc[project]
    assert (row["blast_radius"], row["wave"], bool(row["in_cycle"])) == (blast_radius, wave, in_cycle)


def test_cyclic_edges(cyclic):
    edges = cyclic.edges.set_index(["from_project", "to_project"])
    assert edges["in_cycle"].to_dict() == {
        ("P-3", "P-7"): True, ("P-7", "P-9"): True, ("P-9", "P-3"): True,
        ("P-1", "P-3"): False, ("P-9", "P-10"): False, ("P-2", "P-10"): False}
    assert edges["on_longest_chain"].to_dict() == {
        ("P-3", "P-7"): True, ("P-7", "P-9"): True, ("P-9", "P-3"): True,
        ("P-1", "P-3"): False, ("P-9", "P-10"): True, ("P-2", "P-10"): False}


def test_one_cycle_per_tangled_component_sorted():
    # component {A, B, C, D} holds two cycles (A B A and B C D B); component {X, Y} one; Z is outside both
    projects = _projects([(p, "active", "2024-01-01", 10, None) for p in "ABCDXYZ"])
    deps = _dependencies([("A", "B", None), ("B", "A", None), ("B", "C", None), ("C", "D", None), ("D", "B", None),
                          ("Y", "X", None), ("X", "Y", None), ("Z", "X", None)])
    result = analyse_dependencies(deps, projects)
    assert len(result.cycles) == 2
    first, second = result.cycles
    # which of the two cycles of {A, B, C, D} is found depends on the search; either starts at its smallest id
    assert first[0] == min(first) and set(first) <= set("ABCD")
    assert second == ("X", "Y")
    message = result.findings[0].message
    assert "same tangle also holds" in message and all(p in message for p in "ABCD")
    graph = nx.DiGraph(list(zip(deps["from_project"], deps["to_project"])))
    for cycle in result.cycles:
        assert all(graph.has_edge(u, v) for u, v in zip(cycle, cycle[1:] + cycle[:1]))
    # every project starts 2024-01-01 and takes 10 days: each link, dated by its dependent's start, is late
    assert [f.check for f in result.findings if f.check != "dependency_conflict"] == ["dependency_cycle"] * 2
    in_cycle = result.projects.set_index("project_id")["in_cycle"]
    assert in_cycle.to_dict() == {p: p != "Z" for p in "ABCDXYZ"}


# -- most depended-on --------------------------------------------------------------------------------------------------

def test_projects_sorted_by_dependents_then_blast_radius():
    #   W1, W2, W3 --> Z --> Y        R --> Q
    # Z: needed directly by W1, W2, W3                 -> dependents 3, blast radius 3
    # Y: needed directly by Z only, through Z by W1-W3 -> dependents 1, blast radius 4
    # Q: needed by R                                   -> dependents 1, blast radius 1
    # R, W1, W2, W3 need others, nobody needs them     -> 0, 0, by id
    projects = _projects([(p, "active", "2024-01-01", 10, None) for p in ("Q", "R", "W1", "W2", "W3", "Y", "Z")])
    deps = _dependencies([("W1", "Z", None), ("W2", "Z", None), ("W3", "Z", None), ("Z", "Y", None),
                          ("R", "Q", None)])
    table = analyse_dependencies(deps, projects).projects
    assert list(zip(table["project_id"], table["dependents"], table["blast_radius"])) == [
        ("Z", 3, 3), ("Y", 1, 4), ("Q", 1, 1), ("R", 0, 0), ("W1", 0, 0), ("W2", 0, 0), ("W3", 0, 0)]


# -- closed and cancelled projects -----------------------------------------------------------------------------------
#
# As of 2025-03-31:  A <--> B (a cycle),  A --> C (closed),  B --> D (cancelled).
#   A active    2025-01-01 + 180 days = 2025-06-30 (31 + 28 + 31 + 30 + 31 + 29), forecast 2025-09-30
#   B active    2025-01-01 + 180 days = 2025-06-30
#   C closed    2024-01-01 + 181 days = 2024-06-30 (31 + 29 + 31 + 30 + 31 + 29, 2024 is a leap year)
#   D cancelled 2024-01-01 + 181 days = 2024-06-30

CASE_B_PROJECTS = _projects([
    ("A", "active", "2025-01-01", 180, "2025-09-30"),
    ("B", "active", "2025-01-01", 180, None),
    ("C", "closed", "2024-01-01", 181, None),
    ("D", "cancelled", "2024-01-01", 181, None),
])
CASE_B = _dependencies([("A", "B", "2025-05-01"), ("B", "A", None), ("A", "C", "2024-01-01"), ("B", "D", "2025-01-01")])


@pytest.fixture(scope="module")
def case_b() -> DependencyAnalysis:
    return analyse_dependencies(CASE_B, CASE_B_PROJECTS)


def test_closed_prerequisite_is_not_a_late_conflict(case_b):
    # A needs C by 2024-01-01 and C finished 2024-06-30: 181 days "late" on paper, but C is closed (delivered).
    # B needs D by 2025-01-01, D cancelled: never late, reported as needs_cancelled instead.
    # Left: B needs A at B's start 2025-01-01, A forecast 2025-09-30: 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 29
    # = 272 days late; A needs B by 2025-05-01, B planned to finish 2025-06-30: 30 (rest of May) + 30 (June) = 60
    assert list(zip(case_b.conflicts["from_project"], case_b.conflicts["to_project"],
                    case_b.conflicts["days_late"])) == [("B", "A", 272.0), ("A", "B", 60.0)]
    assert [f.project_id for f in case_b.findings if f.check == "dependency_conflict"] == ["B", "A"]


def test_needing_a_cancelled_project_is_an_error(case_b):
    (finding,) = [f for f in case_b.findings if f.check == "needs_cancelled"]
    assert (finding.severity, finding.project_id, finding.sheet, finding.row) == ("error", "B", "dependencies", 5)
    assert finding.message == ("B (active) needs D, which is cancelled: find another way to deliver what B needs "
                               "from D, or re-plan B without it")
    assert finding.extra == {"to_project": "D"}


def test_closed_and_cancelled_projects_are_off_the_longest_chain(case_b):
    # C and D are not listed: the cycle alone, from 2025-01-01 to A's forecast 2025-09-30:
    # 31 + 28 + 31 + 30 + 31 + 30 + 31 + 31 + 29 = 272 days (not 180 + 180 summed)
    assert case_b.longest_chain == ("A", "B")
    assert case_b.longest_chain_days == 272.0
    on_chain = case_b.edges.set_index(["from_project", "to_project"])["on_longest_chain"].to_dict()
    assert on_chain == {("A", "B"): True, ("B", "A"): True, ("A", "C"): False, ("B", "D"): False}


def test_closed_and_cancelled_projects_still_count_in_the_network(case_b):
    # they stay nodes: C is needed by A and through the cycle by B; D by B and through it by A
    table = case_b.projects.set_index("project_id")
    assert table.loc[["C", "D"], ["dependents", "blast_radius"]].to_numpy().tolist() == [[1, 2], [1, 2]]


@pytest.mark.parametrize(
    ("dependent", "prerequisite", "conflict", "needs_cancelled"),
    [
        # the prerequisite P finishes 2024-01-31 (2024-01-01 + 30 days), needed 2024-01-11: 20 days late
        ("active", "active", True, False),
        ("active", "on_hold", True, False),
        ("active", "proposed", True, False),
        ("active", "closed", False, False),       # delivered: not late
        ("active", "cancelled", False, True),     # will never deliver: an error instead
        ("proposed", "cancelled", False, True),
        ("on_hold", "cancelled", False, True),
        ("closed", "cancelled", False, False),    # the dependent is done: nothing to fix
        ("cancelled", "cancelled", False, False),
        ("closed", "active", False, False),       # a finished dependent needs nothing any more
        ("cancelled", "active", False, False),
    ],
)
def test_prerequisite_status(dependent, prerequisite, conflict, needs_cancelled):
    projects = _projects([("N", dependent, "2024-01-01", 60, None), ("P", prerequisite, "2024-01-01", 30, None)])
    result = analyse_dependencies(_dependencies([("N", "P", "2024-01-11")]), projects)
    assert result.conflicts["days_late"].tolist() == ([20.0] if conflict else [])
    assert [f.check for f in result.findings if f.check != "dependency_conflict"] == (
        ["needs_cancelled"] if needs_cancelled else [])


@pytest.mark.parametrize(
    ("status", "chain", "days"),
    [
        # A 06-01..06-11 needs C 02-01..05-11 needs E 01-01..02-20 (2024): E's start to A's finish,
        # 31 + 29 + 31 + 30 + 31 + 10 = 162 days
        ("active", ("E", "C", "A"), 162.0),
        # C closed: A's wait ended when C was delivered; no link between two open projects is left
        ("closed", (), None),
        ("cancelled", (), None),
    ],
)
def test_a_closed_or_cancelled_project_ends_the_chain(status, chain, days):
    projects = _projects([("A", "active", "2024-06-01", 10, None), ("C", status, "2024-02-01", 100, None),
                          ("E", "active", "2024-01-01", 50, None)])
    result = analyse_dependencies(_dependencies([("A", "C", None), ("C", "E", None)]), projects)
    assert (result.longest_chain, result.longest_chain_days) == (chain, days)


def test_only_closed_projects_give_no_chain():
    projects = _projects([("A", "closed", "2024-01-01", 10, None), ("B", "cancelled", "2024-01-01", 20, None)])
    result = analyse_dependencies(_dependencies([("A", "B", None)]), projects)
    assert result.longest_chain == () and result.longest_chain_days is None
    assert not result.edges["on_longest_chain"].any() and result.links.empty


# -- edge cases ------------------------------------------------------------------------------------------------------

def test_empty_dependencies():
    result = analyse_dependencies(_dependencies([]), ACYCLIC_PROJECTS)
    assert result.cycles == () and result.longest_chain == () and result.longest_chain_days is None
    assert result.findings == ()
    for frame, columns in ((result.projects, PROJECT_COLUMNS), (result.conflicts, CONFLICT_COLUMNS),
                           (result.links, LINK_COLUMNS),
                           (result.waves, ["project_id", "wave"]), (result.edges, EDGE_COLUMNS)):
        assert frame.empty and list(frame.columns) == columns


def test_missing_dates_weigh_nothing_and_no_forecast_column_is_fine():
    projects = _projects([("A", "active", "2024-01-01", 10, None), ("B", "active", "2024-01-01", 3, None)])
    projects.loc[0, ["start", "finish"]] = NaT
    projects = projects.drop(columns="forecast_finish")
    result = analyse_dependencies(_dependencies([("A", "B", "2024-01-02")]), projects)
    # A has no dates, so the chain has no end to measure: none; B finishes 2024-01-04: 2 days late
    assert result.longest_chain == () and result.longest_chain_days is None
    assert result.conflicts["days_late"].tolist() == [2.0]


def test_inputs_are_not_modified():
    deps, projects = CYCLIC.copy(), CYCLIC_PROJECTS.copy()
    analyse_dependencies(CYCLIC, CYCLIC_PROJECTS)
    pd.testing.assert_frame_equal(deps, CYCLIC)
    pd.testing.assert_frame_equal(projects, CYCLIC_PROJECTS)


# -- against networkx ------------------------------------------------------------------------------------------------

def _random_graph(n: int, p: float, seed: int) -> nx.DiGraph:
    graph = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    return nx.relabel_nodes(graph, {i: f"P-{i:03d}" for i in graph})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_betweenness_equals_networkx_exact_and_sampled(seed):
    graph = _random_graph(80, 0.04, seed)     # sparse enough to leave sources, sinks and cycles
    exact = nx.betweenness_centrality(graph)
    assert betweenness_centrality(graph) == pytest.approx([exact[v] for v in graph], abs=1e-12)
    sampled = nx.betweenness_centrality(graph, k=15, seed=0)
    assert betweenness_centrality(graph, k=15, seed=0) == pytest.approx([sampled[v] for v in graph], abs=1e-12)


@pytest.mark.parametrize("seed", [3, 4])
def test_blast_radius_equals_networkx_ancestors_on_a_tangled_graph(seed):
    graph = _random_graph(120, 0.02, seed)
    edges = list(graph.edges())
    deps = _dependencies([(u, v, None) for u, v in edges])
    nodes = sorted(set(deps["from_project"]) | set(deps["to_project"]))
    projects = _projects([(p, "active", "2024-01-01", 1 + int(p[2:]), None) for p in nodes])
    result = analyse_dependencies(deps, projects)
    sub = graph.subgraph(nodes)
    got = result.projects.set_index("project_id")
    assert got["blast_radius"].to_dict() == {p: len(nx.ancestors(sub, p)) for p in nodes}
    cyclic = {p for c in nx.strongly_connected_components(sub) if len(c) > 1 for p in c}
    assert got["in_cycle"].to_dict() == {p: p in cyclic for p in nodes}
    # every project starts 2024-01-01: the span is the duration of the chain's last dependent (or cycle member)
    chain = result.longest_chain
    days = dict(zip(projects["project_id"], (projects["finish"] - projects["start"]).dt.days))
    assert result.longest_chain_days in {days[p] for p in chain}


def test_blast_radius_is_right_on_ten_thousand_projects_and_twenty_thousand_dependencies():
    rng = np.random.default_rng(11)
    n, m = 10_000, 20_000
    ids = np.array([f"P-{i:05d}" for i in range(n)])
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    projects = pd.DataFrame({"project_id": pd.array(ids, dtype="str"), "name": "x", "start": start,
                             "finish": start + pd.to_timedelta(rng.integers(30, 700, n), unit="D"),
                             "forecast_finish": pd.NaT})
    a, b = rng.integers(0, n, 3 * m), rng.integers(0, n, 3 * m)
    later = start.to_numpy()[a] > start.to_numpy()[b]          # later-starting projects need earlier ones
    pairs = pd.DataFrame({"from_project": ids[a[later]], "to_project": ids[b[later]]}).drop_duplicates().head(m)
    deps = pairs.assign(needed_by=projects.set_index("project_id").loc[pairs["from_project"], "start"].to_numpy(),
                        kind="finish_to_start")
    result = analyse_dependencies(deps, projects)  # speed: benchmarks/bench_portfolio.py
    graph = nx.DiGraph(list(zip(deps["from_project"], deps["to_project"])))
    radius = result.projects.set_index("project_id")["blast_radius"]
    for p in result.projects["project_id"].sample(100, random_state=0):
        assert radius[p] == len(nx.ancestors(graph, p))
