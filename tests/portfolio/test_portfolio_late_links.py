"""Late dependency links: one count and one "worst" in the headline, the section, the deck and the evidence.

A hand-built portfolio holding each case that once made the report contradict itself (a link dated by its
dependent's start, which only the links table counted; a prerequisite still open past its finish date, which no
count saw; closed and cancelled ends), with the counts worked out by hand below.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_workbench.portfolio import actions, analyse_portfolio, read_portfolio
from pmo_workbench.portfolio.dependencies import analyse_dependencies, links_by_group
from pmo_workbench.portfolio.links import LateLinks, in_words, late_link_definition, late_links
from pmo_workbench.reports.evidence_counts import measure_counts
from pmo_workbench.reports.slides import portfolio_slides

from tests.helpers import write_portfolio

AS_OF = "2026-06-30"

# id, name, PMO, status, start, finish, forecast finish
PROJECTS = [
    ("A", "Alpha", "Corporate", "active", "2026-01-01", "2026-12-31", None),
    ("B", "Bravo", "Corporate", "active", "2026-02-01", "2026-09-30", "2026-10-31"),
    ("C", "Charlie", "Corporate", "active", "2026-01-01", "2026-03-31", None),    # still open, 3 months overdue
    ("D", "Delta", "Corporate", "proposed", "2026-08-01", "2027-03-31", None),
    ("E", "Echo", "Corporate", "closed", "2025-06-01", "2026-02-28", None),
    ("F", "Foxtrot", "Corporate", "cancelled", "2026-01-01", "2026-12-31", None),
    ("G", "Golf", "Digital", "active", "2026-01-01", "2026-04-30", None),
]
# from (needs), to, needed by, and what each link is, worked out by hand at the status date 2026-06-30:
LINKS = [
    ("A", "B", "2026-09-30"),   # B forecast 2026-10-31: 31 days late (the sheet's date, the forecast)
    ("D", "A", ""),             # no date: D's start 2026-08-01; A finishes 2026-12-31: 30 + 30 + 31 + 30 + 31
    #                             = 152 days late. Only the links table used to count it: "3 vs 21".
    ("G", "C", "2026-05-15"),   # C planned 2026-03-31 but still active on 2026-06-30, so it cannot finish before
    #                             then: 16 + 30 = 46 days late (on its stale date it showed 45 days of slack)
    ("A", "C", "2026-09-01"),   # C expected 2026-06-30: 31 (July) + 31 (August) + 1 = 63 days of slack, on time
    ("A", "E", "2026-01-15"),   # E closed (delivered): not counted, though its finish is after the date
    ("B", "F", ""),             # F cancelled: not counted; an error of its own (needs_cancelled)
    ("E", "B", "2026-01-01"),   # the dependent is closed: it needs nothing any more
]
# dated links between open projects: A-B, D-A, G-C, A-C = 4; late: D-A 152, G-C 46, A-B 31 = 3.


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    projects = [{"project_id": i, "name": n, "pmo": pmo, "sponsor": "Sam", "status": status, "start": start,
                 "finish": finish, "forecast_finish": forecast or "", "bac": 1000, "pv": 500, "ev": 500, "ac": 500}
                for i, n, pmo, status, start, finish, forecast in PROJECTS]
    links = [{"from_project": a, "to_project": b, "needed_by": by, "kind": "deliverable"} for a, b, by in LINKS]
    folder = write_portfolio(tmp_path_factory.mktemp("late"), {"projects": projects, "dependencies": links})
    return analyse_portfolio(read_portfolio(folder), as_of=AS_OF)


def test_late_links_worked_out_by_hand(analysis):
    late = late_links(analysis.dependencies)
    assert (late.count, late.dated, late.from_start, late.overdue, late.worst_days) == (3, 4, 1, 1, 152)
    assert list(zip(late.late["from_project"], late.late["to_project"], late.late["days_late"],
                    late.late["needed_by_source"], late.late["finish_source"])) == [
        ("D", "A", 152.0, "start", "planned"),
        ("G", "C", 46.0, "needed_by", "status_date"),
        ("A", "B", 31.0, "needed_by", "forecast"),
    ]
    assert late.late["predecessor_finish"].tolist() == [pd.Timestamp("2026-12-31"), pd.Timestamp(AS_OF),
                                                        pd.Timestamp("2026-10-31")]


def test_every_place_gives_the_same_count_and_worst(analysis):
    dep = analysis.dependencies
    # the section's tables and the network chart: the links with negative slack are the late links
    assert int((dep.links["slack_days"] < 0).sum()) == 3 and len(dep.conflicts) == 3
    assert int((dep.edges["slack_days"] < 0).sum()) == 3
    assert int(links_by_group(dep, pd.Series({p[0]: p[2] for p in PROJECTS}))["conflicts"].sum()) == 3
    assert sum(f.check == "dependency_conflict" for f in analysis.findings) == 3
    assert len(analysis.to_dict()["dependencies"]["conflicts"]) == 3
    # the headline's "Act on first"
    (text,) = [a.text for a in actions(analysis) if a.area == "dependencies" and a.urgency == "now"
               and "late" in a.text]
    assert text == (
        "3 of 4 dated links between open projects are late at the status date 2026-06-30 (the project needed is "
        "expected to finish after the date it is needed by); the worst: D — Delta needs A — Alpha by 2026-08-01, "
        "its planned start, 152 days before A is expected to finish. 1 of the late links is dated by the "
        "dependent's planned start, the sheet giving no needed-by date; 1 waits on a project still open past its "
        "finish date. Agree new dates or bring the predecessors forward, and record in the dependencies sheet the "
        "date each link is really needed by where it gives none.")
    # the deck
    deck = portfolio_slides(analysis, actions(analysis))["dependencies"]
    assert (deck["late_count"], deck["dated"]) == (3, 4)
    assert deck["late"][0] == {"project": "D — Delta", "needs": "A — Alpha", "days": 152, "needed_by": "2026-08-01",
                               "date_from": "start"}
    assert deck["late_sentence"] == late_links(dep).summary() == (
        "3 of 4 dated links between open projects are late at the status date 2026-06-30: the project needed is "
        "expected to finish after the date it is needed by (the worst by 152 days).")
    assert deck["definition"] == late_link_definition(pd.Timestamp(AS_OF))
    # the positioning report's evidence, for the whole portfolio and per PMO (a link counts for both its ends)
    (whole,) = [m for m in measure_counts(analysis) if m.measure == "dependency_conflicts"]
    assert (whole.count, whole.out_of, whole.sentence) == (3, 4, deck["late_sentence"])
    (digital,) = [m for m in measure_counts(analysis, ["G"]) if m.measure == "dependency_conflicts"]
    assert (digital.count, digital.out_of) == (1, 1)      # G needs C: 46 days late
    assert digital.sentence.endswith("(the worst by 46 days).")


def test_the_status_date_moves_only_an_open_prerequisite_past_its_finish(analysis):
    projects = analysis.portfolio.projects
    deps = analysis.portfolio.dependencies
    plain = analyse_dependencies(deps, projects)             # no status date: C's stale date gives G 45 days slack
    slack = plain.links.set_index(["from_project", "to_project"])["slack_days"]
    assert (slack[("G", "C")], slack[("A", "C")]) == (45.0, 154.0)
    assert late_links(plain).count == 2
    dated = analyse_dependencies(deps, projects, as_of=AS_OF)
    assert dated.links.set_index(["from_project", "to_project"])["slack_days"][("G", "C")] == -46.0
    message = [f.message for f in dated.findings if f.check == "dependency_conflict" and f.project_id == "G"]
    assert message == ["G needs C by 2026-05-15, but C is still open on the status date 2026-06-30, past its "
                       "finish date (46 days late)"]


def test_the_definition_states_the_status_date():
    assert late_link_definition(pd.Timestamp(AS_OF)) == (
        'A link "A needs B" is late when B is expected to finish after the date A needs it, at the status date '
        "2026-06-30. B is expected to finish on its forecast finish, else its planned finish, or the status date "
        "when that date has passed and B is still open (it cannot finish earlier). A needs B by the date the "
        "dependencies sheet gives, else by A's planned start. Only links between open projects (proposed, active "
        "or on hold) count: a closed project has delivered, a cancelled one is reported apart, and a link without "
        "both dates cannot be judged.")
    assert "status date" not in late_link_definition(None)


@pytest.mark.parametrize(
    ("late", "dated", "expected"),
    [
        # nothing dated: nothing can be judged
        ([], 0, "No link between open projects has both dates (needed by, and the prerequisite's finish)."),
        ([], 2, "None of the 2 dated links between open projects is late at the status date 2026-06-30."),
        ([7.0], 1, "1 of 1 dated link between open projects is late at the status date 2026-06-30: the project "
                   "needed is expected to finish after the date it is needed by (the worst by 7 days)."),
    ],
)
def test_summary_edge_cases(late, dated, expected):
    frame = pd.DataFrame({"days_late": late, "needed_by_source": ["needed_by"] * len(late),
                          "finish_source": ["planned"] * len(late)})
    assert LateLinks(frame, dated, pd.Timestamp(AS_OF)).summary() == expected


def test_sources_in_words_for_the_tables(analysis):
    shown = in_words(analysis.dependencies.conflicts)
    assert list(zip(shown["needed_by_source"], shown["finish_source"])) == [
        ("its planned start", "planned"), ("the sheet", "status date (overdue)"), ("the sheet", "forecast")]
