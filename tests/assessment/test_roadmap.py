"""The roadmap of initiatives, worked out by hand on the tiny instrument and a tiny library.

The tiny instrument: gov (weight 2; items G1-G4), sup (S1, S2), ppl (P1-P5); types supportive {gov: 40},
controlling {gov: 60, sup: 50}, strategic {ppl: 70}; levels cut at 20, 40, 60, 80.
"""

from __future__ import annotations

import random
from types import SimpleNamespace

import pandas as pd
import pytest

from pmo_workbench.assessment.findings import (
    Finding,
    Findings,
    assessment_findings,
    findings_from_portfolio,
    portfolio_findings,
)
from pmo_workbench.assessment.positioning import Target, classify_type
from pmo_workbench.assessment.recommendations import RecommendationLibrary
from pmo_workbench.assessment.results import _roadmap_options
from pmo_workbench.assessment.roadmap import PHASE_LABELS, RoadmapOptions, build_roadmap
from pmo_workbench.assessment.scoring import maturity_level


def step(sid, dim, *, ws="a", levels=(), effort="low", impact="medium", weeks=4, **more):
    return {"id": sid, "dimension": dim, "workstream": ws, "levels": list(levels), "title": f"Title {sid}",
            "action": f"Do {sid}", "evidence_of_done": f"{sid} done", "owner_role": f"Owner {sid}",
            "duration_weeks": weeks, "effort": effort, "impact": impact, **more}


def library(*steps):
    return RecommendationLibrary.model_validate({
        "id": "t", "instrument": "tiny", "workstreams": [{"id": "a", "label": "Stream A"},
                                                         {"id": "b", "label": "Stream B"}],
        "recommendations": list(steps)})


def dims(**scores):
    frame = pd.DataFrame({"dimension": list(scores), "score": [float("nan") if v is None else v
                                                                for v in scores.values()]})
    frame["level"] = maturity_level(frame["score"].to_numpy(float), [20, 40, 60, 80])
    return frame


def build(tiny, lib, scores, items=None, target=None, **options):
    typed = classify_type(scores, tiny, target=None if target is None else Target(target, "option"))
    return build_roadmap(dims(**scores), items or {}, typed, lib, tiny, **options)


def ids(roadmap):
    return [[s["id"] for s in i.steps] for i in roadmap.initiatives]


# Strategic and at the top (ppl 75); gov 65 (level 4) and sup 55 (level 3) pass every lower gate: no goal, no
# foundation gap, so only the evidence and the maturity levels choose.
TOP = {"gov": 65.0, "sup": 55.0, "ppl": 75.0}


# -- triggers ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("g1", "selected"), [(30.0, True), (39.9, True), (40.0, False), (None, False)])
def test_an_item_trigger_fires_below_its_threshold(tiny, g1, selected):
    lib = library(step("x", "gov", triggers=[{"item": "G1", "below": 40}]))
    roadmap = build(tiny, lib, TOP, items={} if g1 is None else {"G1": g1})
    assert ids(roadmap) == ([["x"]] if selected else [])
    if selected:
        # the item's statement, not its id, with the score and the threshold named
        # (39.9 keeps its decimal: rounded, it would read as the threshold)
        said = {30.0: "30", 39.9: "39.9"}[g1]
        assert roadmap.initiatives[0].evidence == (f"low score on \u201cg one\u201d ({said}, under 40)",)
        assert roadmap.initiatives[0].because == f"Low score on \u201cg one\u201d ({said}, under 40); starts now."


@pytest.mark.parametrize(("sup", "selected"), [(30.0, True), (20.0, True), (19.9, False), (45.0, False)])
def test_a_dimension_trigger_fires_at_its_levels(tiny, sup, selected):
    # sup 30 and 20 are level 2; 19.9 is level 1 and 45 level 3
    lib = library(step("x", "gov", triggers=[{"dimension": "sup", "levels": [2]}]))
    roadmap = build(tiny, lib, {**TOP, "sup": sup})
    assert ids(roadmap) == ([["x"]] if selected else [])
    if selected:
        assert roadmap.initiatives[0].evidence == ("Support at level 2",)


@pytest.mark.parametrize(
    ("trigger", "found", "selected"),
    [
        ({"finding": "perception_gap", "dimension": "gov"}, {"perception_gap": {"gov"}}, True),
        ({"finding": "perception_gap", "dimension": "gov"}, {"perception_gap": {"sup"}}, False),
        ({"finding": "perception_gap"}, {"perception_gap": {"sup"}}, True),
        ({"finding": "dependency_cycle"}, {"dependency_cycle": True}, True),
        ({"finding": "dependency_cycle"}, {"over_allocation": True}, False),
        ({"finding": "no_sponsor"}, {}, False),
    ],
)
def test_a_finding_trigger_fires_on_its_finding(tiny, trigger, found, selected):
    lib = library(step("x", "gov", triggers=[trigger]))
    roadmap = build(tiny, lib, TOP, findings=found)
    assert ids(roadmap) == ([["x"]] if selected else [])


def test_a_finding_text_is_the_evidence_and_a_finding_step_stands_alone(tiny):
    found = Findings((Finding("perception_gap", "gov", "perception gap on Governance: Executive 80 vs PM 40"),))
    lib = library(step("gap", "gov", triggers=[{"finding": "perception_gap"}]), step("lvl", "gov", levels=[4]))
    roadmap = build(tiny, lib, TOP, findings=found)
    # a step called for by findings alone is its own initiative, first (work answering a finding comes before
    # plain maturity work)
    assert ids(roadmap) == [["gap"], ["lvl"]]
    first = roadmap.initiatives[0]
    assert first.evidence == ("perception gap on Governance: Executive 80 vs PM 40",)
    assert first.because == "Answers perception gap on Governance: Executive 80 vs PM 40; starts now."
    assert roadmap.initiatives[1].because == "Maturity: Governance at level 4; starts now."


def test_a_step_without_triggers_is_chosen_by_its_level(tiny):
    lib = library(step("g4", "gov", levels=[4]), step("g3", "gov", levels=[3]), step("any", "sup"))
    # two initiatives of maturity work, ordered by weighted gap: gov 2 * (100 - 65) = 70, sup 100 - 55 = 45
    assert ids(build(tiny, lib, TOP)) == [["g4"], ["any"]]


def test_levels_limit_a_triggered_step(tiny):
    lib = library(step("x", "gov", levels=[1, 2], triggers=[{"item": "G1", "below": 50}]))
    assert ids(build(tiny, lib, TOP, items={"G1": 10.0})) == []  # gov is at level 4


def test_an_unscored_dimension_calls_for_nothing_by_its_level(ev_tiny):
    # gov has too few answers: it counts as level 1 for "fits", but neither its level nor a dimension trigger on
    # it calls for a step (missing data, not an absent practice); the evidence still does
    lib = library(step("lvl", "gov", levels=[1]), step("trg", "sup", triggers=[{"dimension": "gov", "levels": [1]}]),
                  step("ev", "gov", levels=[1], triggers=[{"evidence": "charter"}]))
    scores = {**TOP, "gov": None}
    assert ids(build(ev_tiny, lib, scores)) == []
    assert ids(build(ev_tiny, lib, scores, findings=answered(charter="no"))) == [["ev"]]


# -- evidence answers ---------------------------------------------------------------------------------------------

@pytest.fixture
def ev_tiny(tmp_path):
    from tests.audience_instrument import audience_instrument

    return audience_instrument(tmp_path)  # the tiny instrument with evidence: charter (gov), register


def answered(**answers):
    return Findings((), tuple(answers.items()))


@pytest.mark.parametrize(("answer", "selected"), [("no", True), ("partly", True), ("yes", False), (None, False)])
def test_an_evidence_trigger_fires_on_its_answers_whatever_the_level(ev_tiny, answer, selected):
    # gov 65 is level 4 and the step fits levels 1-2 only: the missing charter calls for it all the same
    lib = library(step("charter", "gov", levels=[1, 2],
                       triggers=[{"evidence": "charter", "answer": ["no", "partly"]}]))
    roadmap = build(ev_tiny, lib, TOP, findings=answered(**({} if answer is None else {"charter": answer})))
    assert ids(roadmap) == ([["charter"]] if selected else [])
    if selected:
        assert roadmap.initiatives[0].evidence == (f"evidence \u201cA signed PMO charter\u201d answered {answer}",)


def test_an_evidence_trigger_answers_no_by_default(ev_tiny):
    lib = library(step("reg", "sup", triggers=[{"evidence": "register"}]))
    assert ids(build(ev_tiny, lib, TOP, findings=answered(register="partly"))) == []
    assert ids(build(ev_tiny, lib, TOP, findings=answered(register="no"))) == [["reg"]]


def test_evidence_that_a_thing_exists_leaves_out_the_step_that_creates_it(ev_tiny):
    # G1 30 < 50 calls for the step; a "yes" to the charter question says what it creates is there already
    lib = library(step("make", "gov", triggers=[{"item": "G1", "below": 50}], creates="charter"))
    items = {"G1": 30.0}
    assert ids(build(ev_tiny, lib, TOP, items=items, findings=answered(charter="partly"))) == [["make"]]
    assert ids(build(ev_tiny, lib, TOP, items=items)) == [["make"]]  # no checklist: nothing inferred
    assert ids(build(ev_tiny, lib, TOP, items=items, findings=answered(charter="yes"))) == []
    # the consultant may still add it
    assert ids(build(ev_tiny, lib, TOP, items=items, findings=answered(charter="yes"), add=["make"])) == [["make"]]


def test_the_builtin_library_follows_the_evidence(core):
    from pmo_workbench.assessment.recommendations import library_for

    lib = library_for(core)
    scores = {d.id: 70.0 for d in core.dimensions}  # every gate passes: strategic, every dimension at level 4
    plain = build(core, lib, scores)
    assert "TLS-single-source" not in {s for i in ids(plain) for s in i}
    # no shared tool: the step that moves the data into one tool, though tools are at level 4
    no_tool = build(core, lib, scores, findings=answered(ppm_tool="no"))
    assert "TLS-single-source" in {s for i in ids(no_tool) for s in i}
    # sponsorship at level 2 calls for a sponsor, unless the evidence names one
    low = {**scores, "sponsorship": 30.0}
    assert "SPN-sponsor" in {s for i in ids(build(core, lib, low)) for s in i}
    assert "SPN-sponsor" not in {s for i in ids(build(core, lib, low, findings=answered(sponsor_named="yes")))
                                 for s in i}


def test_a_long_statement_is_shortened_at_a_word():
    from pmo_workbench.assessment.roadmap_select import short

    # 42 characters at most, cut at the last whole word before the 42nd, its full stop dropped
    assert short("A shared project management tool holds the data of projects in the PMO's remit.") == (
        "A shared project management tool holds\u2026")
    assert short("A register of expected benefits is kept.") == "A register of expected benefits is kept"


# -- supersedes --------------------------------------------------------------------------------------------

def test_a_superseded_step_goes_and_its_evidence_passes_on(tiny):
    lib = library(step("charter", "gov", levels=[4], supersedes=["rights"]),
                  step("rights", "gov", triggers=[{"item": "G2", "below": 50}]),
                  step("other", "sup", prerequisites=["rights"]))
    roadmap = build(tiny, lib, TOP, items={"G2": 25.0})
    assert ids(roadmap) == [["charter"], ["other"]]
    # G2 is reversed: its low score means too many agree with its statement
    assert roadmap.initiatives[0].evidence == ("Governance at level 4",
                                               "\u201cg two\u201d too widely agreed (25, under 50)")
    # the prerequisite on the superseded step now points at the step that superseded it
    assert roadmap.initiatives[1].prerequisites == ("I1",)


def test_a_step_forced_in_is_not_superseded(tiny):
    lib = library(step("charter", "gov", levels=[4], supersedes=["rights"]), step("rights", "gov", levels=[4]))
    assert ids(build(tiny, lib, TOP)) == [["charter"]]
    assert ids(build(tiny, lib, TOP, add=["rights"])) == [["charter", "rights"]]


def test_steps_superseding_each_other_do_not_hang_the_roadmap(tiny):
    # a library built in code skips the file check that refuses this; the first by id stays, the other goes
    lib = library(step("b", "gov", levels=[4], supersedes=["a"]), step("a", "gov", levels=[4], supersedes=["b"]))
    assert ids(build(tiny, lib, TOP)) == [["a"]]
    # a chain still passes on: c supersedes b, b supersedes a: only c stays
    chain = library(step("c", "gov", levels=[4], supersedes=["b"]), step("b", "gov", levels=[4], supersedes=["a"]),
                    step("a", "gov", levels=[4]))
    assert ids(build(tiny, chain, TOP)) == [["c"]]


# -- prerequisites, phases, cap ------------------------------------------------------------------------------

def test_prerequisites_order_the_phases(tiny):
    # first <- second <- third, each in its own initiative: one phase each, the dependant after
    lib = library(step("first", "ppl"), step("second", "sup", prerequisites=["first"]),
                  step("third", "gov", prerequisites=["second"]))
    roadmap = build(tiny, lib, TOP)
    assert [(i.id, i.phase, i.prerequisites) for i in roadmap.initiatives] == [
        ("I1", 1, ()), ("I2", 2, ("I1",)), ("I3", 3, ("I2",))]
    assert roadmap.initiatives[1].because.endswith("; after I1, which it needs.")
    assert roadmap.initiatives[1].phase_label == PHASE_LABELS[2] == "Next (3-6 months)"


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        # first runs weeks 1-20 (past Now's 13): second starts in Next when first ends, third in Later
        (20, [(1, 1, 20, "starts now."), (2, 21, 24, "after I1, which it needs", "from week 21"),
              (3, 27, 30, None, None)]),
        # first runs weeks 1-30: second cannot start within Next (weeks 14-26) and moves to Later, from week 31;
        # third follows it from week 35
        (30, [(1, 1, 30, "starts now."), (3, 31, 34, "after I1, which it needs", "from week 31"),
              (3, 35, 38, "after I2, which it needs", "from week 35")]),
    ],
)
def test_a_dependant_starts_when_what_it_needs_ends(tiny, weeks, expected):
    lib = library(step("first", "ppl", weeks=weeks), step("second", "sup", prerequisites=["first"]),
                  step("third", "gov", prerequisites=["second"]))
    roadmap = build(tiny, lib, TOP)
    for i, (phase, start, end, *said) in zip(roadmap.initiatives, expected):
        assert (i.phase, i.start_week, i.end_week) == (phase, start, end)
        if said[0] and said[0].startswith("starts"):
            assert i.because.endswith(said[0])
        elif said[0]:
            assert i.because.endswith(f"; {said[1]}, {said[0]}.")


def test_a_prerequisite_comes_first_even_when_it_ranks_lower(tiny):
    # "big" (high impact) needs "small" (low impact): small inherits big's priority and comes first
    lib = library(step("small", "ppl", impact="low"), step("big", "sup", impact="high", prerequisites=["small"]),
                  step("mid", "gov", impact="medium"))
    roadmap = build(tiny, lib, TOP)
    assert ids(roadmap) == [["small"], ["mid"], ["big"]]
    assert [i.phase for i in roadmap.initiatives] == [1, 1, 2]


def test_at_most_one_high_effort_initiative_now(tiny):
    lib = library(step("h1", "gov", effort="high", impact="high"), step("h2", "sup", effort="high"),
                  step("h3", "ppl", effort="high", impact="low"))
    roadmap = build(tiny, lib, TOP)
    assert [(i.steps[0]["id"], i.phase) for i in roadmap.initiatives] == [("h1", 1), ("h2", 2), ("h3", 2)]
    assert roadmap.initiatives[1].because == "Maturity: Support at level 3; one high-effort start at a time."


def test_phase_one_and_two_hold_three_initiatives_each(tiny):
    lib = library(*(step(f"s{n}", dim, ws=ws) for n, (dim, ws) in enumerate(
        [("gov", "a"), ("gov", "b"), ("sup", "a"), ("sup", "b"), ("ppl", "a"), ("ppl", "b")])))
    roadmap = build(tiny, lib, TOP, cap=8)
    assert [i.phase for i in roadmap.initiatives] == [1, 1, 1, 2, 2, 2]


def test_the_cap_holds_and_the_rest_is_deferred(tiny):
    # gov's step has high impact, sup's medium, ppl's low: ppl is cut first
    lib = library(step("g", "gov", impact="high"), step("s", "sup"), step("p", "ppl", impact="low", ws="b"))
    roadmap = build(tiny, lib, TOP, cap=2)
    assert ids(roadmap) == [["g"], ["s"]]
    (cut,) = roadmap.deferred
    assert (cut.steps, cut.dimension, cut.workstream, cut.title) == (("p",), "ppl", "b", "Title p")
    assert cut.reason == "beyond the cap of 2 initiatives: lower priority than those kept"
    assert [w for w, _ in roadmap.workstreams] == ["a"]
    assert roadmap.to_dict()["deferred"][0]["steps"] == ["p"]
    # a step the consultant added is never cut (it counts first for the cap), and ranks by its impact (low: last)
    assert ids(build(tiny, lib, TOP, cap=2, add=["p"])) == [["g"], ["p"]]


def test_an_added_step_keeps_what_it_needs(tiny):
    # the charter needs the sponsor; with a cap of 1 and the charter added, the sponsor is kept before it
    lib = library(step("sponsor", "sup", impact="high"), step("charter", "gov", prerequisites=["sponsor"]))
    roadmap = build(tiny, lib, TOP, cap=1, add=["charter"])
    assert ids(roadmap) == [["sponsor"], ["charter"]] and roadmap.deferred == ()
    assert [(i.phase, i.prerequisites) for i in roadmap.initiatives] == [(1, ()), (2, ("I1",))]
    assert roadmap.initiatives[1].because == "Added by the consultant; after I1, which it needs."


def test_duration_is_the_critical_path_and_effort_impact_the_highest(tiny):
    lib = library(step("a1", "gov", weeks=6, effort="medium"), step("a2", "gov", weeks=4, prerequisites=["a1"]),
                  step("a3", "gov", weeks=8, impact="high"))
    (only,) = build(tiny, lib, TOP).initiatives
    # a1 then a2 = 10 weeks; a3 runs beside them (8)
    assert only.duration_weeks == 10
    assert (only.effort, only.impact) == ("medium", "high")
    # the lead step (highest impact) gives the title, owner and KPI; its prerequisites-free order: a1, a3, then a2
    assert (only.title, only.owner_role, only.kpi) == ("Title a3", "Owner a3", "a3 done")
    assert [s["id"] for s in only.steps] == ["a3", "a1", "a2"]


# -- ranking: impact first ------------------------------------------------------------------------------------

def test_a_low_impact_finding_step_never_starts_ahead_of_higher_impact_work(tiny):
    # a dependency cycle (on no dimension): the step answering it stands alone. Impact ranks first: base (high),
    # then m1 and m2 (medium; sup's weighted gap 45 before ppl's 25), then the low-impact step, though a finding
    # called for it and only maturity levels for the others.
    found = Findings((Finding("dependency_cycle", None, "dependency cycle in the portfolio data: A needs B needs A"),))
    lib = library(step("split", "sup", impact="low", triggers=[{"finding": "dependency_cycle"}]),
                  step("base", "gov", levels=[4], effort="high", impact="high"),
                  step("m1", "sup", levels=[3], effort="high"), step("m2", "ppl", ws="b", levels=[4], effort="high"))
    roadmap = build(tiny, lib, TOP, findings=found)
    assert ids(roadmap) == [["base"], ["m1"], ["m2"], ["split"]]
    # base takes the one high-effort start now; m1 and m2 wait for phase 2, and so does the low-impact workshop,
    # though phase 1 has room: it does not start ahead of the higher-impact work that waits
    assert [i.phase for i in roadmap.initiatives] == [1, 2, 2, 2]
    assert roadmap.initiatives[3].because.endswith("; after the higher-impact work.")


def test_a_missing_foundation_of_high_impact_comes_first(ev_tiny):
    # ad hoc (gov 30 < 40), no target: the goal is supportive, 10 points short on gov. The evidence says no
    # register: "sponsor" (high impact) ranks before the goal's medium-impact step and starts now with it.
    lib = library(step("gstep", "gov", levels=[2]), step("p1", "ppl", levels=[1]),
                  step("p2", "ppl", ws="b", levels=[1]),
                  step("sponsor", "sup", ws="b", effort="high", impact="high", triggers=[{"evidence": "register"}]))
    roadmap = build(ev_tiny, lib, {"gov": 30.0, "sup": 10.0, "ppl": 10.0}, findings=answered(register="no"))
    assert [(i.steps[0]["id"], i.phase) for i in roadmap.initiatives] == [
        ("sponsor", 1), ("gstep", 1), ("p1", 1), ("p2", 2)]


@pytest.mark.parametrize(
    ("on", "impact", "expected"),
    [
        # low agreement on sup, where other work is: the low-impact workshop joins it, after its own steps
        ("sup", "low", [["s3", "split"]]),
        # on ppl, where no other work is: it stands alone, after the medium-impact work
        ("ppl", "low", [["s3"], ["split"]]),
        # a medium-impact finding step stands alone, ranked with its impact: ahead of maturity work of the same
        ("sup", "medium", [["split"], ["s3"]]),
    ],
)
def test_a_low_impact_finding_step_folds_into_the_work_on_its_dimension(tiny, on, impact, expected):
    found = Findings((Finding("low_agreement", on, f"respondents disagree on {on}"),))
    lib = library(step("split", "gov", impact=impact, triggers=[{"finding": "low_agreement"}]),
                  step("s3", "sup", ws="b", levels=[3]))
    roadmap = build(tiny, lib, TOP, findings=found)
    assert ids(roadmap) == expected
    if impact == "medium":
        # standing alone for a finding on sup, the step is shown under sup, wherever the library files it
        assert (roadmap.initiatives[0].dimension, roadmap.initiatives[0].dimension_label) == ("sup", "Support")
        assert roadmap.steps()["dimension"].tolist() == ["sup", "sup"]
    if len(expected) == 1:
        (joined,) = roadmap.initiatives
        # the initiative is still the work on sup, named and owned by its own step
        assert (joined.dimension, joined.workstream, joined.title, joined.owner_role) == ("sup", "b", "Title s3",
                                                                                          "Owner s3")


# -- one initiative, one story: title, owner, effort, weeks and reason agree ---------------------------------------

def test_an_initiative_is_named_and_explained_by_its_lead_step(ev_tiny):
    # three steps on gov: "quality" (low effort, 4 weeks) called for by G1 46 < 50; "tool" (high effort, 16 weeks)
    # called for by the charter answered partly; "twice" (low impact, 16 weeks) needs "tool", called for by G3.
    lib = library(step("quality", "gov", levels=[4], triggers=[{"item": "G1", "below": 50}]),
                  step("tool", "gov", levels=[1, 2], effort="high", weeks=16,
                       triggers=[{"evidence": "charter", "answer": ["no", "partly"]}]),
                  step("twice", "gov", levels=[4], effort="high", impact="low", weeks=16, prerequisites=["tool"],
                       triggers=[{"item": "G3", "below": 50}]))
    (only,) = build(ev_tiny, lib, TOP, items={"G1": 46.0, "G3": 39.0}, findings=answered(charter="partly")).initiatives
    # quality and tool have the same impact: the one the evidence says is missing leads, and names the initiative
    assert (only.title, only.owner_role, only.kpi, only.effort) == ("Title tool", "Owner tool", "tool done", "high")
    # tool then twice: 32 weeks; quality runs beside them
    assert only.duration_weeks == 32
    assert [s["id"] for s in only.steps] == ["quality", "tool", "twice"]
    # the reason is the lead's evidence first, then the others'
    assert only.because == ("Evidence \u201cA signed PMO charter\u201d answered partly; also 2 low item scores; "
                            "starts now.")
    assert only.evidence[0] == "evidence \u201cA signed PMO charter\u201d answered partly"


def test_a_high_effort_step_behind_a_lighter_lead_is_named(tiny):
    # "see" (high impact, medium effort) leads; "rule" makes the initiative high effort: the reason says which step
    lib = library(step("see", "gov", levels=[4], impact="high", effort="medium", weeks=6),
                  step("rule", "gov", levels=[4], effort="high", weeks=6, prerequisites=["see"]))
    (only,) = build(tiny, lib, TOP).initiatives
    assert (only.title, only.effort, only.duration_weeks) == ("Title see", "high", 12)
    assert only.because == "Maturity: Governance at level 4; includes a high-effort step: title rule; starts now."


def test_the_step_others_need_first_leads_among_equals(ev_tiny):
    # same impact: "z-base" is needed by "a-path", which the evidence calls for and whose id comes first; the
    # step needed first still names the initiative (its reason is its own: the level)
    lib = library(step("z-base", "gov", levels=[4]),
                  step("a-path", "gov", prerequisites=["z-base"], triggers=[{"evidence": "charter"}]))
    (only,) = build(ev_tiny, lib, TOP, findings=answered(charter="no")).initiatives
    assert (only.title, [s["id"] for s in only.steps]) == ("Title z-base", ["z-base", "a-path"])
    assert only.because == "Maturity: Governance at level 4; also an evidence answer; starts now."


# -- the target ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # supportive (gov 45); target controlling: sup (30 needed) before gov (15); ppl gates only strategic
        ("controlling", [["s"], ["g"]]),
        # target strategic: ppl (50 needed) leads; gov and sup gate controlling, below the target: kept, as
        # maturity work by weighted gap: gov 2 * 55 = 110, sup 80
        ("strategic", [["p"], ["g"], ["s"]]),
        # at its target: maturity work only, nothing above the target
        ("supportive", [["g"]]),
    ],
)
def test_the_target_changes_the_roadmap(tiny, target, expected):
    lib = library(step("g", "gov", levels=[3]), step("s", "sup", levels=[2]), step("p", "ppl", levels=[2]))
    roadmap = build(tiny, lib, {"gov": 45.0, "sup": 20.0, "ppl": 20.0}, target=target)
    assert ids(roadmap) == expected
    if target == "controlling":
        assert roadmap.initiatives[0].unlocks == "controlling"
        assert roadmap.initiatives[0].because == ("Closes a gap to the Controlling target (Support, 30.0 points "
                                                  "short); starts now.")


def test_a_finding_reaches_beyond_the_target(tiny):
    lib = library(step("p", "ppl", levels=[2]), step("fix", "ppl", triggers=[{"finding": "over_allocation"}]))
    roadmap = build(tiny, lib, {"gov": 45.0, "sup": 20.0, "ppl": 20.0}, target="controlling",
                    findings={"over_allocation": True})
    assert ids(roadmap) == [["fix"]]


# -- filters, framework, exclude and add ---------------------------------------------------------------------------

def test_framework_variant_and_framework_only_steps(tiny):
    lib = library(step("m", "gov", levels=[4], variants={"prince2": {"title": "Adopt PRINCE2 stages"},
                                                         "agile": {"action": "Plan in iterations"}}),
                  step("ag", "sup", frameworks=["agile"]))
    plain = build(tiny, lib, TOP)
    assert ids(plain) == [["m"]] and plain.initiatives[0].title == "Title m"
    prince2 = build(tiny, lib, TOP, framework="prince2")
    assert ids(prince2) == [["m"]] and prince2.initiatives[0].steps[0]["title"] == "Adopt PRINCE2 stages"
    agile = build(tiny, lib, TOP, framework="agile")
    assert sorted(ids(agile)) == [["ag"], ["m"]]
    m = next(i for i in agile.initiatives if i.dimension == "gov").steps[0]
    assert (m["title"], m["action"]) == ("Title m", "Plan in iterations")
    with pytest.raises(ValueError, match="unknown framework 'scrum'"):
        build(tiny, lib, TOP, framework="scrum")


@pytest.mark.parametrize(
    ("pmo_level", "type_ids", "expected"),
    [(None, [], ["lvl", "typ"]), ("project", [], ["typ"]), ("enterprise", [], ["lvl", "typ"])],
)
def test_pmo_level_and_type_filters(tiny, pmo_level, type_ids, expected):
    lib = library(step("lvl", "gov", pmo_levels=["department", "enterprise"]),
                  step("typ", "sup", types=["strategic"]), step("no", "ppl", types=["supportive"]))
    roadmap = build(tiny, lib, TOP, pmo_level=pmo_level)
    assert sorted(s for i in ids(roadmap) for s in i) == expected


def test_exclude_and_add(tiny):
    lib = library(step("g", "gov"), step("s", "sup"), step("off", "ppl", levels=[1]))
    roadmap = build(tiny, lib, TOP, exclude=["g"], add=["off"])
    assert sorted(ids(roadmap)) == [["off"], ["s"]]
    added = next(i for i in roadmap.initiatives if i.dimension == "ppl")
    assert added.evidence == ("added by the consultant",)
    assert added.because == "Added by the consultant; starts now."
    assert roadmap.to_dict()["options"] == {"framework": None, "exclude": ["g"], "add": ["off"], "cap": 8}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"exclude": ["nope"]}, "recommendations exclude: unknown step id 'nope'"),
        ({"add": ["x", "y"]}, "recommendations add: unknown step ids 'x', 'y'"),
        ({"exclude": ["g"], "add": ["g"]}, "'g' both excluded and added"),
        ({"cap": 0}, "the cap must be a whole number of initiatives, 1 or more"),
    ],
)
def test_bad_options_are_refused(tiny, options, message):
    with pytest.raises(ValueError, match=message):
        build(tiny, library(step("g", "gov")), TOP, **options)


def test_the_roadmap_is_deterministic(tiny):
    steps = [step(f"s{n}", dim, ws=ws, effort=e, impact=i)
             for n, (dim, ws, e, i) in enumerate([("gov", "a", "high", "high"), ("sup", "b", "low", "low"),
                                                  ("ppl", "a", "medium", "medium"), ("gov", "b", "low", "high"),
                                                  ("sup", "a", "high", "medium"), ("ppl", "b", "low", "medium")])]
    first = build(tiny, library(*steps), TOP, cap=4).to_dict()
    shuffled = list(steps)
    random.Random(7).shuffle(shuffled)
    assert build(tiny, library(*shuffled), TOP, cap=4).to_dict() == first
    assert [i["id"] for i in first["initiatives"]] == ["I1", "I2", "I3", "I4"]


def test_to_dict_shape(tiny):
    lib = library(step("g", "gov", levels=[4]))
    d = build(tiny, lib, TOP).to_dict()
    assert set(d) == {"initiatives", "deferred", "workstreams", "phases", "options"}
    assert d["workstreams"] == [{"id": "a", "label": "Stream A"}]
    assert d["phases"] == {"1": "Now (0-3 months)", "2": "Next (3-6 months)", "3": "Later (6-12 months)"}
    (i,) = d["initiatives"]
    assert i == {"id": "I1", "title": "Title g", "workstream": "a", "workstream_label": "Stream A",
                 "dimension": "gov", "dimension_label": "Governance", "phase": 1, "phase_label": "Now (0-3 months)",
                 "owner_role": "Owner g", "duration_weeks": 4, "effort": "low", "impact": "medium", "kpi": "g done",
                 "steps": [{"id": "g", "title": "Title g", "action": "Do g", "evidence_of_done": "g done",
                            "owner_role": "Owner g", "duration_weeks": 4, "effort": "low", "impact": "medium"}],
                 "evidence": ["Governance at level 4"],
                 "because": "Maturity: Governance at level 4; starts now.", "prerequisites": [],
                 "unlocks": None, "start_week": 1, "end_week": 4}


# -- engagement options --------------------------------------------------------------------------------------

def test_options_from_the_arguments_the_entry_and_the_engagement():
    engagement = SimpleNamespace(framework="prince2", recommendations={"exclude": ["a"], "cap": 6})
    entry = SimpleNamespace(framework=None, recommendations=SimpleNamespace(exclude=["b"], add=["c"], cap=5))
    assert _roadmap_options(engagement, entry, None, (), (), None) == RoadmapOptions("prince2", ("a", "b"), ("c",), 5)
    assert _roadmap_options(engagement, entry, "agile", ["z"], (), 3) == RoadmapOptions("agile", ("a", "b", "z"),
                                                                                        ("c",), 3)
    # where two levels disagree about a step, the more specific one wins: the entry over the file, the arguments
    # over both
    top = {"recommendations": {"exclude": ["A", "B"], "add": ["C"], "cap": 5}}
    own = {"recommendations": {"add": ["A"], "exclude": ["C"]}}
    assert _roadmap_options(top, own, None, (), ("B",), None) == RoadmapOptions(None, ("C",), ("A", "B"), 5)
    # an engagement without those fields (older files) gives the defaults
    assert _roadmap_options(SimpleNamespace(), SimpleNamespace(), None, (), (), None) == RoadmapOptions()


# -- findings ------------------------------------------------------------------------------------------------

def test_assessment_findings(tiny):
    dimensions = pd.DataFrame({"dimension": ["gov", "sup", "ppl"], "agree": [True, False, None],
                               "rwg_star_j": [0.9, 0.52, None]})
    gaps = pd.DataFrame({"dimension": ["gov", "sup"], "high_role": ["executive", "executive"],
                         "high_score": [80.0, 60.0], "low_role": ["project_manager", "pmo_staff"],
                         "low_score": [41.0, 50.0], "flagged": [True, False]})
    foundation = pd.DataFrame({"type": ["supportive"], "dimension": ["gov"], "gate": [40.0], "score": [35.0],
                               "points_needed": [5.0], "state": ["not_met"]})
    found = assessment_findings(tiny, dimensions=dimensions, gaps=gaps, foundation_gaps=foundation)
    assert [(f.name, f.dimension, f.text) for f in found.found] == [
        ("perception_gap", "gov", "perception gap on Governance: Executive 80 vs Project manager 41"),
        ("low_agreement", "sup", "respondents disagree on Support (r*wg(J) 0.52)"),
        ("foundation_gap", "gov", "foundation gap: Governance 35, below the Supportive gate of 40"),
    ]


def test_evidence_missing_only_when_the_checklist_was_done(tmp_path):
    from tests.audience_instrument import audience_instrument

    ins = audience_instrument(tmp_path)  # evidence: charter (gov), register (no dimension)
    frame = pd.DataFrame({"dimension": ["gov"], "agree": [True]})
    assert assessment_findings(ins, dimensions=frame, evidence=None).found == ()
    found = assessment_findings(ins, dimensions=frame, evidence={"charter": "no"})
    assert [(f.dimension, f.text) for f in found.found] == [
        ("gov", "evidence \u201cA signed PMO charter\u201d answered no"),
        (None, "evidence \u201cA benefits register\u201d not checked")]
    assert found.answers == (("charter", "no"),)
    assert (found.answer("charter"), found.answer("register")) == ("no", None)
    both = assessment_findings(ins, dimensions=frame, evidence={"charter": "partly", "register": "yes"})
    assert both.found == () and both.answers == (("charter", "partly"), ("register", "yes"))
    # the answers survive adding the portfolio's findings; the left-hand side's answer wins
    assert (both | answered(charter="no", other="no")).answers == (("charter", "partly"), ("register", "yes"),
                                                                    ("other", "no"))


def test_portfolio_findings():
    found = portfolio_findings(cycles=[("A", "B", "C")], over_allocated=3, without_sponsor=[])
    assert [(f.name, f.text) for f in found.found] == [
        ("dependency_cycle", "dependency cycle in the portfolio data: A needs B needs C needs A"),
        ("over_allocation", "3 over-allocated role-months in committed work")]
    assert (found | portfolio_findings(without_sponsor=["P1"])).names() == {"dependency_cycle", "over_allocation",
                                                                           "no_sponsor"}
    with pytest.raises(ValueError, match="unknown finding 'late'"):
        Finding("late", None, "x")


def test_findings_from_the_portfolio_analysis():
    checks = [SimpleNamespace(check="dependency_cycle", project_id="A", extra={"cycle": ["A", "B"]}),
              SimpleNamespace(check="no_sponsor", project_id="P2", extra={}),
              SimpleNamespace(check="no_sponsor", project_id="P1", extra={}),
              SimpleNamespace(check="stale_status", project_id="P3", extra={})]
    measures = pd.DataFrame({"measure": ["over_allocation", "unvalued"], "count": [4, 2]})
    found = findings_from_portfolio(checks, measures=measures)
    assert [f.text for f in found.found] == ["dependency cycle in the portfolio data: A needs B needs A",
                                             "4 over-allocated role-months in committed work",
                                             "projects without a sponsor: 2 (P1, P2)"]
    # no count (the workbook has no capacity sheets): no over-allocation finding
    none = pd.DataFrame({"measure": ["over_allocation"], "count": [None]})
    assert findings_from_portfolio([], measures=none).found == ()


# -- what the report shows ---------------------------------------------------------------------------------

def test_rebuilt_with_the_portfolio_findings_and_the_report_table(tiny):
    from pmo_workbench.assessment.insights import deferred_sentence, roadmap_table, roadmap_with
    from tests.assessment.test_insights import one_pmo

    lib = library(step("g", "gov", levels=[4], weeks=6), step("fix", "sup", triggers=[{"finding": "no_sponsor"}]),
                  step("p", "ppl", levels=[4], impact="low"))
    a = one_pmo(tiny, library=lib, gov=75, sup=55, ppl=75)
    assert ids(a.roadmap) == [["g"], ["p"]]
    assert roadmap_with(a, tiny, lib, None) is a.roadmap
    plan = roadmap_with(a, tiny, lib, portfolio_findings(without_sponsor=["X1"]))
    assert ids(plan) == [["fix"], ["g"], ["p"]]
    table = roadmap_table(plan)
    assert table.to_dict("records")[0] == {
        "initiative": "I1 Title fix", "owner_role": "Owner fix", "duration_weeks": 4, "kpi": "fix done",
        "because": "Answers projects without a sponsor: 1 (X1); starts now."}
    assert deferred_sentence(plan) is None
    capped = build(tiny, lib, TOP, cap=1)
    assert deferred_sentence(capped) == "Beyond the cap of 1 initiative, 1 more was left for later: Title p."


def test_portfolio_findings_of_one_pmo_are_its_own():
    from pmo_workbench.assessment.insights import pmo_projects

    projects = pd.DataFrame({"project_id": ["P1", "P2", "P3", "P4"],
                             "pmo": ["Digital  PMO", "Corporate PMO", " digital pmo", None]})
    # its own projects by name (case and spaces aside); every project when no PMO matched; none when it has none
    assert pmo_projects(projects, "Digital PMO", "pmo") == {"P1", "P3"}
    assert pmo_projects(projects, None, "organisation") is None
    assert pmo_projects(projects, None, "none") == set()
    checks = [SimpleNamespace(check="no_sponsor", project_id="P1", extra={}),
              SimpleNamespace(check="no_sponsor", project_id="P2", extra={}),
              SimpleNamespace(check="dependency_cycle", project_id="P2", extra={"cycle": ["P2", "P3"]}),
              SimpleNamespace(check="dependency_cycle", project_id="P2", extra={"cycle": ["P2", "P4"]})]
    # Digital's: the project P1 without a sponsor, and the cycle through its P3; not Corporate's P2 nor P2-P4
    assert [f.text for f in findings_from_portfolio(checks, projects={"P1", "P3"}).found] == [
        "dependency cycle in the portfolio data: P2 needs P3 needs P2", "projects without a sponsor: 1 (P1)"]
    # without projects: the whole portfolio, as before
    assert len(findings_from_portfolio(checks).found) == 3


def test_the_chart_says_when_each_initiative_runs(tiny):
    import json

    from pmo_workbench import charts

    lib = library(step("first", "ppl", weeks=20), step("second", "sup", prerequisites=["first"]))
    spec = json.dumps(charts.roadmap(build(tiny, lib, TOP).table()).to_dict())
    assert "weeks 1-20, low effort" in spec and "weeks 21-24, low effort" in spec
