"""The report narrative's analysis (pmo_workbench.insights), with numbers worked out by hand.

The tiny instrument (tests/conftest.py): scale 1-5, so an item scores 25 * (value - 1)
and the reversed item G2 scores 100 minus that; dimensions gov (G1-G4, G3 weighted 2,
dimension weight 2), sup (S1-S2), ppl (P1-P5); maturity thresholds 20/40/60/80 give
levels 1-5; ladder supportive {gov: 40} < controlling {gov: 60, sup: 50} < strategic
{ppl: 70}. A respondent who gives every item of a dimension the same item score gets
that score on the dimension, and a PMO with one respondent gets it too.
"""

from __future__ import annotations

import copy
import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench import assess
from pmo_workbench.assessment.insights import (
    ALL_ROLES,
    PHASE_LABELS,
    DataQuality,
    _role_plural,
    comment_counts,
    comments,
    comments_sentence,
    data_quality,
    gap_statements,
    item_scores_by_role,
    next_type_gaps,
    priorities,
    roadmap_phases,
    strengths,
    summary_sentence,
)
from pmo_workbench.assessment.positioning import PerceptionGaps, classify_type
from pmo_workbench.assessment.roadmap import STEP_COLUMNS
from pmo_workbench.assessment.recommendations import RecommendationLibrary

from tests.helpers import answers

NAN = float("nan")
ITEMS = {"gov": ["G1", "G2", "G3", "G4"], "sup": ["S1", "S2"], "ppl": ["P1", "P2", "P3", "P4", "P5"]}


def _value(item: str, item_score: float | None) -> float | None:
    """The raw answer (1-5) that gives this item score; G2 is reversed."""
    if item_score is None:
        return None
    return 1 + (100 - item_score) / 25 if item == "G2" else 1 + item_score / 25


def person(rid: str, role: str, gov=None, sup=None, ppl=None) -> list[tuple]:
    """Rows for one respondent giving every item of a dimension the same item score (None = not answered)."""
    given = {"gov": gov, "sup": sup, "ppl": ppl}
    return [(rid, role, item, _value(item, given[dim])) for dim, items in ITEMS.items() for item in items]


def one_pmo(tiny, *, library=None, pmo="PMO", organisation="Org", **scores):
    """The assessment of a PMO with one executive respondent scoring ``scores``."""
    responses = answers(person("r1", "executive", **scores), pmo=pmo, organisation=organisation)
    return assess(responses, tiny, library=library).assessments[0]


def _library(recs):
    return RecommendationLibrary.model_validate({"id": "t", "instrument": "tiny", "workstreams": [
        {"id": "w", "label": "Work"}], "recommendations": [
        {"id": rid, "dimension": dim, "workstream": "w", "levels": levels, "title": f"Title {rid}", "action": "do it",
         "evidence_of_done": "done", "owner_role": "PMO", "duration_weeks": 4, "effort": effort, "impact": impact}
        for rid, dim, levels, effort, impact in recs
    ]})


# gov 75 (level 4), sup 50 (level 3), ppl 50 (level 3): controlling; strategic needs ppl +20.
# The initiative leading to the target first (ppl, its higher-impact step first), then the maturity work by
# impact: sup-3 (high) before gov-4 (medium).
LIBRARY = _library([
    ("ppl-cheap", "ppl", [3], "low", "medium"),
    ("ppl-big", "ppl", [3], "high", "high"),
    ("gov-4", "gov", [4], "medium", "medium"),
    ("gov-5", "gov", [5], "low", "high"),  # level 5 only: not picked
    ("sup-3", "sup", [3], "low", "high"),
])


@pytest.fixture
def controlling(tiny):
    return one_pmo(tiny, library=LIBRARY, gov=75, sup=50, ppl=50)


# -- strengths ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("scores", "n", "expected"),
    [
        # a dimension below level 3 is never a strength (ppl 25 is level 2)
        ({"gov": 75, "sup": 50, "ppl": 25}, 3, [("gov", "Governance", 75.0, 4), ("sup", "Support", 50.0, 3)]),
        ({"gov": 75, "sup": 50, "ppl": 25}, 2, [("gov", "Governance", 75.0, 4), ("sup", "Support", 50.0, 3)]),
        # ties keep instrument order: gov before sup
        ({"gov": 50, "sup": 50, "ppl": 75}, 3, [("ppl", "People", 75.0, 4), ("gov", "Governance", 50.0, 3),
                                               ("sup", "Support", 50.0, 3)]),
        # a dimension without a score never counts, so fewer rows than n
        ({"gov": 0, "sup": 100, "ppl": None}, 3, [("sup", "Support", 100.0, 5)]),
        # exactly at the level 3 threshold (40) counts; just below does not: no strength at all
        ({"gov": 40, "sup": 39.99, "ppl": 10}, 3, [("gov", "Governance", 40.0, 3)]),
        ({"gov": 39.99, "sup": 39.99, "ppl": 10}, 3, []),
        ({"gov": 0, "sup": 100, "ppl": None}, 0, []),
        ({"gov": None, "sup": None, "ppl": None}, 3, []),
    ],
)
def test_strengths(tiny, scores, n, expected):
    result = strengths(one_pmo(tiny, **scores), n)
    assert list(result.columns) == ["dimension", "label", "score", "level", "caveat"]
    assert [(r.dimension, r.label, r.score, int(r.level)) for r in result.itertuples(index=False)] == expected


def test_negative_n_is_rejected(controlling, tiny):
    with pytest.raises(ValueError, match="n must be 0 or more"):
        strengths(controlling, -1)
    with pytest.raises(ValueError, match="n must be 0 or more"):
        priorities(controlling, -1)
    with pytest.raises(ValueError, match="n must be 0 or more"):
        gap_statements(controlling, tiny, -1)


# -- priorities and phases ------------------------------------------------------

def test_roadmap_order_behind_the_priorities(controlling):
    assert controlling.recommendations["id"].tolist() == ["ppl-big", "ppl-cheap", "sup-3", "gov-4"]
    assert controlling.recommendations["initiative"].tolist() == ["I1", "I1", "I2", "I3"]


@pytest.mark.parametrize(
    ("n", "dimensions"),
    [(3, ["ppl", "sup", "gov"]), (1, ["ppl"]), (5, ["ppl", "sup", "gov"]), (0, [])],
)
def test_priorities_first_step_per_dimension(controlling, n, dimensions):
    result = priorities(controlling, n)
    assert list(result.columns) == ["dimension", "label", "score", "title", "reason", "unlocks"]
    assert result["dimension"].tolist() == dimensions
    expected = {
        "ppl": ("People", 50.0, "Title ppl-big", "20.0 points short of the Strategic gate", "strategic"),
        "gov": ("Governance", 75.0, "Title gov-4", "weighted gap of 50.0 points to full maturity", None),
        "sup": ("Support", 50.0, "Title sup-3", "weighted gap of 50.0 points to full maturity", None),
    }
    for row in result.itertuples(index=False):
        label, score, title, reason, unlocks = expected[row.dimension]
        assert (row.label, row.score, row.title, row.reason) == (label, score, title, reason)
        assert (pd.isna(row.unlocks) if unlocks is None else row.unlocks == unlocks)


def test_priorities_and_phases_of_an_empty_roadmap(tiny):
    a = one_pmo(tiny, gov=75, sup=50, ppl=50)  # tiny has no built-in library: no steps
    assert a.recommendations.empty
    # No steps to take the order from: the next gate's dimension first (People needs 70 - 50 = 20
    # points for Strategic), then the lowest scores (Support 50 before Governance 75).
    result = priorities(a)
    assert list(result.columns) == ["dimension", "label", "score", "title", "reason", "unlocks"]
    assert [(r.dimension, r.score, r.reason, None if pd.isna(r.unlocks) else r.unlocks)
            for r in result.itertuples(index=False)] == [
        ("ppl", 50.0, "20.0 points short of the Strategic gate", "strategic"),
        ("sup", 50.0, "one of the lowest scores (50.0)", None),
        ("gov", 75.0, "one of the lowest scores (75.0)", None),
    ]
    assert result["title"].isna().all()
    assert priorities(a, 1)["dimension"].tolist() == ["ppl"]
    phased = roadmap_phases(a.recommendations)
    assert phased.empty and list(phased.columns) == STEP_COLUMNS


@pytest.mark.parametrize(
    ("effort", "impact", "unlocks", "phase"),
    [
        # unlocking the next type: phase 1 whatever the effort
        ("high", "low", "strategic", 1),
        ("medium", "medium", "controlling", 1),
        # low effort and high impact: phase 1
        ("low", "high", None, 1),
        # other low- or medium-effort steps: phase 2
        ("low", "medium", None, 2),
        ("low", "low", None, 2),
        ("medium", "high", None, 2),
        ("medium", "low", None, 2),
        # high effort, not unlocking: phase 3
        ("high", "high", None, 3),
        ("high", "low", None, 3),
    ],
)
def test_phase_rule(effort, impact, unlocks, phase):
    roadmap = pd.DataFrame({"id": ["x"], "effort": [effort], "impact": [impact], "unlocks": [unlocks]})
    result = roadmap_phases(roadmap)
    assert result["phase"].tolist() == [phase]
    assert result["phase_label"].tolist() == [PHASE_LABELS[phase]]


def test_phases_sort_stably_and_copy():
    roadmap = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e", "f", "g"],
        "effort": ["high", "low", "high", "low", "medium", "medium", "high"],
        "impact": ["high", "medium", "high", "high", "low", "high", "low"],
        "unlocks": ["controlling", None, None, None, None, None, None],
    }, index=[10, 11, 12, 13, 14, 15, 16])
    before = roadmap.copy()
    result = roadmap_phases(roadmap)
    # phases a 1, b 2, c 3, d 1, e 2, f 2, g 3 -> engine order kept inside each phase
    assert result["id"].tolist() == ["a", "d", "b", "e", "f", "c", "g"]
    assert result["phase"].tolist() == [1, 1, 2, 2, 2, 3, 3]
    assert result["phase_label"].tolist() == ["Now (0-3 months)"] * 2 + ["Next (3-6 months)"] * 3 + \
        ["Later (6-12 months)"] * 2
    assert result.index.tolist() == list(range(7))
    pd.testing.assert_frame_equal(roadmap, before)


def test_phases_of_an_engine_roadmap(controlling):
    # Three initiatives, one of high effort (ppl: ppl-big): all three fit in phase 1 and keep their phase.
    result = roadmap_phases(controlling.recommendations)
    assert result["id"].tolist() == ["ppl-big", "ppl-cheap", "sup-3", "gov-4"]
    assert result["phase"].tolist() == [1, 1, 1, 1]


# -- where the PMO stands --------------------------------------------------------

@pytest.mark.parametrize(
    ("scores", "sentence"),
    [
        # overall (2*75 + 50 + 50) / 4 = 62.5 -> level 4; strategic needs ppl 70 - 50
        ({"gov": 75, "sup": 50, "ppl": 50},
         "The PMO of Org is a Controlling PMO with an overall maturity of 62.5 (level 4 of 5); "
         "to become Strategic it needs 20.0 more points on People."),
        # top type: overall (200 + 100 + 100) / 4 = 100
        ({"gov": 100, "sup": 100, "ppl": 100},
         "The PMO of Org is a Strategic PMO with an overall maturity of 100.0 (level 5 of 5); "
         "it meets every type's gates."),
        # sup unscored: overall (2*25 + 0) / 3 = 16.67 -> level 1; supportive needs gov 40 - 25
        ({"gov": 25, "sup": None, "ppl": 0},
         "The PMO of Org does not yet work as a PMO of any type (ad hoc), with an overall maturity of 16.7 (level 1 "
         "of 5); "
         "to become Supportive it needs 15.0 more points on Governance."),
        # overall (2*50 + 0) / 3 = 33.3 -> level 2; controlling: sup unscored (first), gov 60 - 50
        ({"gov": 50, "sup": None, "ppl": 0},
         "The PMO of Org is a Supportive PMO with an overall maturity of 33.3 (level 2 of 5); "
         "to become Controlling it needs a score on Support and 10.0 more points on Governance."),
        # nothing scored: no overall score, no level
        ({"gov": None, "sup": None, "ppl": None},
         "The PMO of Org does not yet work as a PMO of any type (ad hoc), with no overall maturity score yet; "
         "to become Supportive it needs a score on Governance."),
    ],
)
def test_summary_sentence(tiny, scores, sentence):
    assert summary_sentence(one_pmo(tiny, **scores), tiny) == sentence


def test_summary_sentence_names_the_pmo_once(tiny):
    a = one_pmo(tiny, pmo="The Delivery Office", organisation="Acme", gov=75, sup=50, ppl=50)
    assert summary_sentence(a, tiny).startswith("The Delivery Office of Acme is a Controlling PMO")


def _gap_rows(frame):
    return [(r.dimension, r.label, None if math.isnan(r.score) else r.score, r.gate,
             None if math.isnan(r.points_needed) else r.points_needed, r.note)
            for r in frame.itertuples(index=False)]


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        # supportive; controlling needs gov 60 - 50 = 10 and sup 50 - 25 = 25: largest first
        ({"gov": 50, "sup": 25, "ppl": 0},
         [("sup", "Support", 25.0, 50.0, 25.0, None), ("gov", "Governance", 50.0, 60.0, 10.0, None)]),
        # an unscored gate comes first, with no points and a note
        ({"gov": 50, "sup": None, "ppl": 0},
         [("sup", "Support", None, 50.0, None, "no score"), ("gov", "Governance", 50.0, 60.0, 10.0, None)]),
        # a met gate of the next rung is not listed: controlling with ppl 50 -> strategic needs only ppl
        ({"gov": 75, "sup": 50, "ppl": 50}, [("ppl", "People", 50.0, 70.0, 20.0, None)]),
        # ppl 60 passes no strategic gate, gov 25 fails supportive: ad hoc
        ({"gov": 25, "sup": 100, "ppl": 60}, [("gov", "Governance", 25.0, 40.0, 15.0, None)]),
        # strategic by its own gate (ppl 100) despite gov 25: at the top, nothing above
        ({"gov": 25, "sup": 100, "ppl": 100}, []),
        # top rung: nothing to list
        ({"gov": 100, "sup": 100, "ppl": 75}, []),
    ],
)
def test_next_type_gaps(tiny, scores, expected):
    result = next_type_gaps(one_pmo(tiny, **scores), tiny)
    assert list(result.columns) == ["dimension", "label", "score", "gate", "points_needed", "note"]
    assert _gap_rows(result) == expected


def test_next_type_gaps_ties_keep_ladder_order(tiny, controlling):
    # gov 50 and sup 40 both need 10 points for controlling; the ladder lists gov first
    a = dataclasses.replace(controlling, type=classify_type({"gov": 50.0, "sup": 40.0, "ppl": 0.0}, tiny))
    assert _gap_rows(next_type_gaps(a, tiny)) == [("gov", "Governance", 50.0, 60.0, 10.0, None),
                                                  ("sup", "Support", 40.0, 50.0, 10.0, None)]


# -- perception gaps ---------------------------------------------------------------

def _two_roles(exec_scores, pm_scores):
    return answers(person("r1", "executive", **exec_scores) + person("r2", "project_manager", **pm_scores))


@pytest.mark.parametrize(
    ("options", "n", "expected"),
    [
        # gov 75 vs 25 (gap 50), sup 50 vs 50 (0), ppl 75 vs 50 (25); threshold 20 flags gov and ppl
        ({"min_group_size": 1}, 3,
         ["On Governance, executives score 75.0 but project managers 25.0 (a gap of 50.0 points).",
          "On People, executives score 75.0 but project managers 50.0 (a gap of 25.0 points)."]),
        ({"min_group_size": 1}, 1,
         ["On Governance, executives score 75.0 but project managers 25.0 (a gap of 50.0 points)."]),
        ({"min_group_size": 1, "gap_threshold": 30}, 3,
         ["On Governance, executives score 75.0 but project managers 25.0 (a gap of 50.0 points)."]),
        # groups of one are hidden at the default minimum size of 3: nothing visible, nothing flagged
        ({}, 3, []),
    ],
)
def test_gap_statements_from_an_assessment(tiny, options, n, expected):
    responses = _two_roles({"gov": 75, "sup": 50, "ppl": 75}, {"gov": 25, "sup": 50, "ppl": 50})
    a = assess(responses, tiny, **options).assessments[0]
    assert gap_statements(a, tiny, n) == expected


def test_no_flagged_gap_gives_no_statement(tiny):
    same = {"gov": 75, "sup": 50, "ppl": 75}
    a = assess(_two_roles(same, same), tiny, min_group_size=1).assessments[0]
    assert not a.perception.gaps["flagged"].any()
    assert gap_statements(a, tiny) == []


def test_gap_statements_ties_and_role_labels(tiny, controlling):
    # gov 80 - 55.5 = 24.5 and sup 90 - 65.5 = 24.5 tie (instrument order); ppl 10 is not flagged
    gaps = pd.DataFrame({
        "dimension": ["gov", "sup", "ppl"],
        "high_role": ["pmo_staff", "executive", "executive"],
        "high_score": [80.0, 90.0, 60.0],
        "low_role": ["project_manager", "pmo_staff", "pmo_staff"],
        "low_score": [55.5, 65.5, 50.0],
        "gap": [24.5, 24.5, 10.0],
        "flagged": [True, True, False],
    })
    a = dataclasses.replace(controlling, perception=PerceptionGaps(pd.DataFrame(), gaps, 3, 20.0))
    assert gap_statements(a, tiny) == [
        "On Governance, PMO staff score 80.0 but project managers 55.5 (a gap of 24.5 points).",
        "On Support, executives score 90.0 but PMO staff 65.5 (a gap of 24.5 points).",
    ]


@pytest.mark.parametrize(
    ("label", "plural"),
    [
        ("Executive", "executives"),
        ("Project manager", "project managers"),
        ("Functional Manager", "functional managers"),
        ("PMO staff", "PMO staff"),
        ("CEO", "CEOs"),
        ("Deputy", "deputies"),
        ("Coach", "coaches"),
        ("Head of department", "head of department respondents"),
        ("Sales", "sales respondents"),
        ("Manager (IT)", "manager (IT) respondents"),
    ],
)
def test_role_labels_in_the_plural(label, plural):
    assert _role_plural(label) == plural


# -- answers: item scores, data quality, comments -------------------------------------

def _categorical(frame, tiny):
    """Keys as read_responses makes them: categorical, roles and items in instrument order."""
    out = frame.copy()
    for name in ("organisation", "pmo", "respondent"):
        out[name] = pd.Categorical(out[name], categories=pd.unique(out[name]))
    out["role"] = pd.Categorical(out["role"], categories=tiny.role_ids)
    out["item"] = pd.Categorical(out["item"], categories=tiny.items.index)
    return out


@pytest.fixture
def by_role_responses(tiny):
    # PMO P: r3 (project manager) first in the file, then two executives; PMO Q must be ignored.
    p = answers([
        ("r3", "project_manager", "G1", 1), ("r3", "project_manager", "G2", 5),
        ("r1", "executive", "G1", 5), ("r1", "executive", "G2", 2),
        ("r2", "executive", "G1", 3), ("r2", "executive", "G2", None),
    ], pmo="P")
    q = answers([("r9", "executive", "G1", 1)], pmo="Q")
    return _categorical(pd.concat([p, q], ignore_index=True), tiny)


def test_item_scores_by_role(tiny, by_role_responses):
    result = item_scores_by_role(by_role_responses, tiny, "Org", "P")
    assert list(result.columns) == ["item", "dimension", "text", "role", "score", "n"]
    # 11 items x (executive, project_manager, all); pmo_staff has no respondent here
    assert len(result) == 33
    assert result["item"].tolist()[::3] == ["G1", "G2", "G3", "G4", "S1", "S2", "P1", "P2", "P3", "P4", "P5"]
    assert result["role"].tolist()[:3] == ["executive", "project_manager", ALL_ROLES]
    cells = {(r.item, r.role): (None if math.isnan(r.score) else r.score, r.n) for r in result.itertuples()}
    # G1: executives 5 -> 100 and 3 -> 50; project manager 1 -> 0
    assert cells["G1", "executive"] == (75.0, 2)
    assert cells["G1", "project_manager"] == (0.0, 1)
    assert cells["G1", "all"] == (50.0, 3)
    # G2 reversed: 2 -> 100 - 25 = 75, 5 -> 0; r2 left it blank
    assert cells["G2", "executive"] == (75.0, 1)
    assert cells["G2", "project_manager"] == (0.0, 1)
    assert cells["G2", "all"] == (37.5, 2)
    # nobody answered G3
    assert cells["G3", "executive"] == (None, 0)
    assert cells["G3", "all"] == (None, 0)
    assert result.set_index(["item", "role"]).loc[("G3", "all"), ["dimension", "text"]].tolist() == ["gov", "g three"]


def test_item_scores_by_role_on_plain_columns(tiny, by_role_responses):
    plain = by_role_responses.astype({c: object for c in ("organisation", "pmo", "respondent", "role", "item")})
    pd.testing.assert_frame_equal(item_scores_by_role(plain, tiny, "Org", "P"),
                                  item_scores_by_role(by_role_responses, tiny, "Org", "P"))


@pytest.fixture
def quality_responses():
    # r1: G2 blank, no S1 row, P3-P5 blank -> answers G1 G3 G4 S2 P1 P2 (6)
    # r2: S1 and S2 blank, no P1 row -> answers G1-G4 P2-P5 (8)
    r1 = [("r1", "executive", i, v) for i, v in [("G1", 4), ("G2", None), ("G3", 4), ("G4", 4), ("S2", 3),
                                                  ("P1", 3), ("P2", 3), ("P3", None), ("P4", None), ("P5", None)]]
    r2 = [("r2", "project_manager", i, v) for i, v in [("G1", 2), ("G2", 2), ("G3", 2), ("G4", 2), ("S1", None),
                                                        ("S2", None), ("P2", 4), ("P3", 4), ("P4", 4), ("P5", 4)]]
    other = [("r9", "executive", i, None) for i in ITEMS["gov"] + ITEMS["sup"]]  # another PMO, all blank
    return pd.concat([answers(r1 + r2, pmo="P"), answers(other, pmo="Q")], ignore_index=True)


def test_data_quality(tiny, quality_responses):
    a = assess(quality_responses, tiny).get("Org", "P")
    result = data_quality(quality_responses, a, tiny)
    assert isinstance(result, DataQuality)
    assert result.respondents == 2
    # 6 + 8 = 14 answers of 2 respondents x 11 items
    assert result.answer_rate == pytest.approx(14 / 22)
    assert result.answer_rate == pytest.approx(a.answer_rate)
    un = result.unanswered
    assert list(un.columns) == ["item", "dimension", "text", "respondents", "unanswered", "share"]
    # S1 unanswered by both (no row for r1, blank for r2); then one each, in instrument order
    assert un["item"].tolist() == ["S1", "G2", "S2", "P1", "P3", "P4", "P5"]
    assert un["unanswered"].tolist() == [2, 1, 1, 1, 1, 1, 1]
    assert un["share"].tolist() == [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert un["respondents"].tolist() == [2] * 7
    assert un.iloc[0][["dimension", "text"]].tolist() == ["sup", "s one"]
    # half-answered rule: r1 answered 2 of 5 ppl items (2*2 < 5), r2 0 of 2 sup items;
    # r1's 3 of 4 gov and 1 of 2 sup items are enough
    ex = result.excluded
    assert list(ex.columns) == ["respondent", "role", "dimension", "label", "answered", "n_items"]
    assert [tuple(r) for r in ex.itertuples(index=False)] == [
        ("r1", "executive", "ppl", "People", 2, 5),
        ("r2", "project_manager", "sup", "Support", 0, 2),
    ]


def test_data_quality_with_every_item_answered(tiny):
    responses = answers(person("r1", "executive", gov=75, sup=50, ppl=25))
    a = assess(responses, tiny).assessments[0]
    result = data_quality(responses, a, tiny)
    assert result.unanswered.empty
    assert list(result.unanswered.columns) == ["item", "dimension", "text", "respondents", "unanswered", "share"]
    assert result.excluded.empty
    assert (result.answer_rate, result.respondents) == (1.0, 1)


def test_data_quality_is_frozen(tiny, quality_responses):
    a = assess(quality_responses, tiny).get("Org", "P")
    result = data_quality(quality_responses, a, tiny)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.respondents = 3


def _with_comments(texts):
    frame = answers([
        ("r1", "executive", "G1", 4), ("r1", "executive", "G2", 4), ("r2", "project_manager", "S1", None),
        ("r9", "executive", "G1", 2), ("r2", "project_manager", "P1", 3), ("r3", "pmo_staff", "S2", 5),
    ], pmo="P")
    frame.loc[3, "pmo"] = "Q"
    frame["comment"] = texts
    return frame


def _approving(frame, organisation, pmo, chosen):
    """An engagement approving the comments ``chosen`` (item -> redactions) of one PMO."""
    from pmo_workbench.assessment.deliverable import comment_id
    from pmo_workbench.assessment.engagement import Engagement

    rows = frame[(frame["pmo"] == pmo) & frame["comment"].notna()]
    listed = []
    for item, text in zip(rows["item"], rows["comment"].astype(str).str.strip()):
        if text and item in chosen:
            listed.append({"id": comment_id(organisation, pmo, item, text), "pmo": pmo, "item": item, "text": text,
                           "approved": chosen[item] is not None, "redact": chosen[item] or {}})
    return Engagement.model_validate({"organisation": organisation, "comments": listed})


def test_comments_are_shown_only_when_approved_and_redacted(tiny):
    frame = _categorical(_with_comments(["  Too slow  ", "", NAN, "other PMO", "   ", "Fine, FINE. fine-ish"]), tiny)
    # G1's comment is listed but not approved; S2's is approved with "fine" replaced (whole word, any case).
    engagement = _approving(frame, "Org", "P", {"G1": None, "S2": {"fine": "[redacted]"}})
    result = comments(frame, "Org", "P", engagement)
    assert list(result.columns) == ["role", "item", "comment"]
    assert [tuple(r) for r in result.itertuples(index=False)] == [
        ("pmo_staff", "S2", "[redacted], [redacted]. [redacted]-ish"),
    ]
    assert comment_counts(frame, "Org", "P", engagement) == (2, 1)
    assert comments_sentence(frame, "Org", "P", engagement) == "2 comments were received; 1 approved for this report."


def test_without_an_engagement_no_comment_is_shown(tiny):
    frame = _categorical(_with_comments(["  Too slow  ", "", NAN, "other PMO", "   ", "Fine."]), tiny)
    assert comments(frame, "Org", "P").empty
    assert comments_sentence(frame, "Org", "Q") == "1 comment was received; 0 approved for this report."
    # an engagement of another organisation approves nothing here
    other = _approving(frame, "Org", "P", {"S2": {}}).model_copy(update={"organisation": "Elsewhere"})
    assert comments(frame, "Org", "P", other).empty


@pytest.mark.parametrize(
    "frame",
    [
        answers([("r1", "executive", "G1", 4)], pmo="P"),               # no comment column
        _with_comments(["", NAN, " ", "other PMO", "", None]),          # all blank for P
    ],
)
def test_no_comments(frame):
    result = comments(frame, "Org", "P")
    assert result.empty and list(result.columns) == ["role", "item", "comment"]
    assert comment_counts(frame, "Org", "P") == (0, 0)


def test_unknown_pmo_is_named(tiny, by_role_responses):
    with pytest.raises(KeyError, match="no responses for PMO 'Nope' of organisation 'Org'"):
        item_scores_by_role(by_role_responses, tiny, "Org", "Nope")
    with pytest.raises(KeyError, match="no responses for PMO 'P' of organisation 'Elsewhere'"):
        comments(by_role_responses, "Elsewhere", "P")


# -- inputs stay as they were ---------------------------------------------------------------

def test_inputs_are_not_mutated(tiny, quality_responses):
    responses = _categorical(quality_responses, tiny).assign(comment="note")
    results = assess(responses, tiny, library=LIBRARY, min_group_size=1)
    a = results.get("Org", "P")
    kept_responses = responses.copy(deep=True)
    frames = {name: getattr(a, name).copy(deep=True) for name in ("dimensions", "recommendations",
                                                                   "respondent_scores")}
    gaps, ladder = a.perception.gaps.copy(deep=True), a.type.ladder.copy(deep=True)
    type_gaps = copy.deepcopy(dict(a.type.gaps))

    strengths(a)
    priorities(a)
    roadmap_phases(a.recommendations)
    summary_sentence(a, tiny)
    next_type_gaps(a, tiny)
    gap_statements(a, tiny)
    item_scores_by_role(responses, tiny, "Org", "P")
    data_quality(responses, a, tiny)
    comments(responses, "Org", "P")

    pd.testing.assert_frame_equal(responses, kept_responses)
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(getattr(a, name), frame)
    pd.testing.assert_frame_equal(a.perception.gaps, gaps)
    pd.testing.assert_frame_equal(a.type.ladder, ladder)
    assert dict(a.type.gaps) == type_gaps
    assert list(a.recommendations.columns) == STEP_COLUMNS


def test_results_are_new_frames(controlling):
    result = strengths(controlling)
    result.loc[0, "score"] = -1.0
    assert (controlling.dimensions["score"] >= 0).all()
    assert np.isfinite(controlling.dimensions["score"]).all()
