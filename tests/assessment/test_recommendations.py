"""Picking and ordering recommendations; the built-in library's coverage."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from pmo_workbench.errors import InputValidationError
from pmo_workbench.assessment.positioning import classify_type
from pmo_workbench.assessment.recommendations import (
    FINDINGS,
    EvidenceTrigger,
    FindingTrigger,
    ItemTrigger,
    RecommendationLibrary,
    library_for,
    load_library,
    recommend,
)
from pmo_workbench.assessment.scoring import maturity_level


def _library(tiny_recs):
    return RecommendationLibrary.model_validate({"id": "t", "instrument": "tiny", "recommendations": tiny_recs,
                                                 "workstreams": [{"id": "w", "label": "Work"}]})


def _rec(rid, dim, levels, effort="low", impact="high"):
    return {"id": rid, "dimension": dim, "workstream": "w", "levels": levels, "title": rid, "action": "do it",
            "evidence_of_done": "done", "owner_role": "PMO", "duration_weeks": 4, "effort": effort,
            "impact": impact}


def _dims(scores):
    frame = pd.DataFrame({"dimension": list(scores), "score": list(scores.values())})
    frame["level"] = maturity_level(frame["score"].to_numpy(float), [20, 40, 60, 80])
    return frame


def test_unlocking_steps_come_first_then_weighted_gap(tiny):
    # gov 50 (weight 2), sup 30 (weight 1), ppl 10 (weight 1).
    # Type: supportive (gov >= 40); controlling needs gov +10 and sup +20.
    # Unlocking: sup (20 needed) before gov (10 needed). Then ppl (gap 90).
    scores = {"gov": 50.0, "sup": 30.0, "ppl": 10.0}
    library = _library([
        _rec("ppl-1", "ppl", [1]),
        _rec("gov-3-cheap", "gov", [3], effort="low", impact="medium"),
        _rec("gov-3-big", "gov", [3], effort="high", impact="high"),
        _rec("gov-4", "gov", [4]),          # not at this level
        _rec("sup-2", "sup", [2, 3]),
    ])
    result = recommend(_dims(scores), classify_type(scores, tiny), library, tiny)
    assert result["id"].tolist() == ["sup-2", "gov-3-big", "gov-3-cheap", "ppl-1"]
    assert result["unlocks"].tolist()[:3] == ["controlling"] * 3
    assert pd.isna(result["unlocks"].iloc[3])
    # weighted gap = weight * (100 - score): gov 2 * 50 = 100
    assert result.set_index("id").loc["gov-3-big", "weighted_gap"] == 100.0
    assert result.set_index("id").loc["ppl-1", "reason"] == "weighted gap of 90.0 points to full maturity"
    assert result.set_index("id").loc["sup-2", "reason"] == "20.0 points short of the Controlling gate"


def test_without_unlocking_the_largest_weighted_gap_leads(tiny):
    # Strategic (top): no next type. gov 80 weight 2 -> gap 40; sup 70 -> 30; ppl 75 -> 25
    scores = {"gov": 80.0, "sup": 70.0, "ppl": 75.0}
    library = _library([_rec("s", "sup", [4]), _rec("p", "ppl", [4]), _rec("g", "gov", [5])])
    result = recommend(_dims(scores), classify_type(scores, tiny), library, tiny)
    assert result["id"].tolist() == ["g", "s", "p"]


def test_missing_dimension_gets_level_one_steps(tiny):
    scores = {"gov": float("nan"), "sup": 70.0, "ppl": 55.0}
    library = _library([_rec("g1", "gov", [1]), _rec("g3", "gov", [3])])
    result = recommend(_dims(scores), classify_type(scores, tiny), library, tiny)
    assert result["id"].tolist() == ["g1"]
    assert result["reason"].iloc[0] == "no score yet; the Supportive gate needs it"


def test_foundation_gaps_come_after_the_goal_and_before_other_gaps(tiny):
    # gov 30 fails supportive (40) and controlling; ppl 75 passes strategic: the PMO is strategic, at the top,
    # with gov as its foundation gap; sup 55 (gap 45) follows.
    scores = {"gov": 30.0, "sup": 55.0, "ppl": 75.0}
    library = _library([_rec("s", "sup", [3]), _rec("g", "gov", [2]), _rec("p", "ppl", [4])])
    result = recommend(_dims(scores), classify_type(scores, tiny), library, tiny)
    assert result["id"].tolist() == ["g", "s", "p"]
    assert result["reason"].iloc[0] == "foundation gap: 10.0 points below the Supportive gate"
    assert result["unlocks"].isna().all()


def test_the_roadmap_leads_to_the_target_and_not_beyond(tiny):
    from pmo_workbench.assessment.positioning import Target

    # supportive (gov 45); target controlling: sup (50 - 20 = 30 needed) and gov (15) lead; ppl gates only
    # strategic, beyond the target: no step for it
    scores = {"gov": 45.0, "sup": 20.0, "ppl": 20.0}
    library = _library([_rec("g", "gov", [3]), _rec("s", "sup", [2]), _rec("p", "ppl", [2])])
    result = recommend(_dims(scores), classify_type(scores, tiny, target=Target("controlling", "option")),
                       library, tiny)
    assert result["id"].tolist() == ["s", "g"]
    assert result["unlocks"].tolist() == ["controlling", "controlling"]


def test_a_pmo_at_or_above_its_target_gets_no_climbing_steps(tiny):
    from pmo_workbench.assessment.positioning import Target

    # controlling (gov 65, sup 55) with target supportive: above it. ppl (strategic only) gets no step, nothing
    # "unlocks" a type, and the steps work on gov and sup by weighted gap (gov 2 * 35 = 70, sup 45)
    scores = {"gov": 65.0, "sup": 55.0, "ppl": 20.0}
    library = _library([_rec("g", "gov", [4]), _rec("s", "sup", [3]), _rec("p", "ppl", [2])])
    typed = classify_type(scores, tiny, target=Target("supportive", "engagement"))
    result = recommend(_dims(scores), typed, library, tiny)
    assert result["id"].tolist() == ["g", "s"]
    assert result["unlocks"].isna().all()
    assert result["reason"].str.startswith("weighted gap").all()


def test_builtin_library_covers_every_dimension_and_level(core):
    library = library_for(core)
    levels = len(core.maturity_thresholds) + 1
    for dim in core.dimensions:
        for level in range(1, levels + 1):
            assert any(r.dimension == dim.id and r.fits(level) and not r.frameworks
                       for r in library.recommendations), (dim.id, level)
    assert len({r.id for r in library.recommendations}) == len(library.recommendations)


def test_builtin_library_discriminates(core):
    library = library_for(core)
    recs = library.recommendations
    impact = Counter(r.impact for r in recs)
    effort = Counter(r.effort for r in recs)
    # no more than a third rated high impact, and every rating in use for both
    assert impact["high"] * 3 <= len(recs)
    assert set(impact) == set(effort) == {"low", "medium", "high"}
    # the politically hard steps are rated high effort
    hard = ["SPN-sponsor", "MAN-charter", "MAN-decision-rights", "POR-stop", "POR-priority", "FIN-business-case",
            "FIN-stage-funding", "CPL-consequences", "SPN-project-sponsors"]
    # the sponsor is secured by someone with the standing to obtain one, not by the head of the PMO alone
    assert library.step("SPN-sponsor").owner_role.startswith("Chief executive")
    assert {library.step(s).effort for s in hard} == {"high"}
    # the charter makes the separate decision-rights step redundant
    assert "MAN-decision-rights" in library.step("MAN-charter").supersedes
    # 2 to 4 workstreams
    assert 2 <= len(library.workstreams) <= 4


def test_builtin_library_answers_every_finding(core):
    recs = library_for(core).recommendations
    triggered = {t.finding for r in recs for t in r.triggers if isinstance(t, FindingTrigger)}
    # missing evidence is answered question by question (below), not by the finding
    assert triggered == set(FINDINGS) - {"evidence_missing"}


def test_builtin_library_answers_every_item(core):
    # a low score on any statement of the instrument can call for a step
    recs = library_for(core).recommendations
    called = {t.item for r in recs for t in r.triggers if isinstance(t, ItemTrigger)}
    assert [i for i in core.items.index if i not in called] == []


def test_builtin_library_answers_every_evidence_question(core):
    recs = library_for(core).recommendations
    for q in core.evidence:
        called = [r.id for r in recs for t in r.triggers if isinstance(t, EvidenceTrigger) and t.evidence == q.id]
        created = [r.id for r in recs if r.creates == q.id]
        # one step is called for by a "no" (or "partly") and left out by a "yes": the step that creates the thing
        assert len(called) == 1 and called == created, (q.id, called, created)
        assert next(t for t in library_for(core).step(called[0]).triggers
                    if isinstance(t, EvidenceTrigger)).answer == ("no", "partly")


@pytest.mark.parametrize("step_id", ["MET-lifecycle", "MET-templates", "MET-tailoring", "MON-status",
                                     "CPL-gate-checks"])
def test_method_and_lifecycle_steps_have_framework_variants(core, step_id):
    rec = library_for(core).step(step_id)
    assert {"prince2", "agile"} <= set(rec.variants)
    assert rec.text("prince2") != rec.text(None) != rec.text("agile")


def test_the_old_library_still_loads_for_the_old_instrument(core_v1):
    library = library_for(core_v1)
    assert library.instrument_version == "1.0" and len(library.recommendations) == 86
    assert all(r.evidence_of_done and r.owner_role for r in library.recommendations)


# -- schema and cross-checks, each problem located ------------------------------------------------------------

HEAD = "id: t\ninstrument: tiny\nworkstreams:\n  - {id: w, label: Work}\nrecommendations:\n"
STEP = ("  - {{id: {id}, dimension: {dim}, workstream: {ws}, title: t, action: a, evidence_of_done: d, "
        "owner_role: o, duration_weeks: 2, effort: low, impact: low{more}}}\n")


def _write(tmp_path, *steps):
    path = tmp_path / "lib.yaml"
    path.write_text(HEAD + "".join(STEP.format(**{"dim": "gov", "ws": "w", "more": "", **s}) for s in steps),
                    encoding="utf-8")
    return path


def _problems(call):
    with pytest.raises(InputValidationError) as info:
        call()
    return [(p.row, p.message) for p in info.value.problems]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # duplicate id: the second one's line (step lines start at 6)
        ([{"id": "a"}, {"id": "a"}], [(7, "recommendations.1.id: step id 'a' is also used by recommendations.0")]),
        ([{"id": "a", "ws": "nope"}], [(6, "recommendations.0.workstream: unknown workstream 'nope'; the library "
                                           "defines w")]),
        ([{"id": "a", "more": ", prerequisites: [zz]"}],
         [(6, "recommendations.0.prerequisites.0: unknown step id 'zz'")]),
        ([{"id": "a", "more": ", supersedes: [a]"}], [(6, "recommendations.0.supersedes.0: step 'a' names itself")]),
        ([{"id": "a", "more": ", prerequisites: [b]"}, {"id": "b", "more": ", prerequisites: [a]"}],
         [(6, "recommendations.0.prerequisites: prerequisites form a cycle: a needs b needs a")]),
        # steps superseding each other: which one goes is undecidable
        ([{"id": "a", "more": ", supersedes: [b]"}, {"id": "b", "more": ", supersedes: [c]"},
          {"id": "c", "more": ", supersedes: [a]"}],
         [(6, "recommendations.0.supersedes: supersedes form a cycle: a supersedes b supersedes c supersedes a")]),
    ],
)
def test_library_problems_within_itself(tmp_path, steps, expected):
    path = _write(tmp_path, *steps)
    assert _problems(lambda: load_library(path)) == expected


@pytest.mark.parametrize(
    ("more", "fragment"),
    [
        (", effort: huge", "recommendations.0.effort: Input should be 'low', 'medium' or 'high' (got 'huge')"),
        (", triggers: [{finding: late}]", "recommendations.0.triggers.0.finding.finding"),
        (", triggers: [{score: 3}]", "a trigger names an item (with below), a dimension (with levels), a finding or "
                                     "an evidence question (with answer)"),
        (", triggers: [{evidence: charter, answer: [maybe]}]", "recommendations.0.triggers.0.evidence.answer.0"),
        (", triggers: [{item: G1, below: 140}]", "recommendations.0.triggers.0.item.below"),
        (", frameworks: [waterfall]", "recommendations.0.frameworks.0"),
        (", colour: red", "recommendations.0.colour: Extra inputs are not permitted"),
        (", levels: [0, 1]", "recommendations.0.levels: levels start at 1, got [0, 1]"),
        (", triggers: [{dimension: G, levels: [0]}]", "levels start at 1, got [0]"),
    ],
)
def test_library_schema_errors_are_located(tmp_path, more, fragment):
    path = tmp_path / "lib.yaml"
    text = _write(tmp_path, {"id": "a"}).read_text().replace("impact: low}", "impact: low" + more + "}")
    text = text.replace("effort: low, impact: low, effort: huge", "impact: low, effort: huge")
    path.write_text(text, encoding="utf-8")
    problems = _problems(lambda: load_library(path))
    assert any(row == 6 and fragment in message for row, message in problems), problems


def test_library_against_the_instrument(tiny, tmp_path):
    path = _write(tmp_path, {"id": "a", "dim": "nope"},
                  {"id": "b", "more": ", levels: [7], types: [grand]"},
                  {"id": "c", "more": ", triggers: [{item: G9, below: 40}, {dimension: zz, levels: [1]}]"},
                  {"id": "d", "more": ", creates: zz, triggers: [{evidence: yy}]"})
    problems = _problems(lambda: load_library(path).check_against(tiny))
    assert problems == [
        (6, "recommendations.0.dimension: unknown dimension 'nope'; instrument tiny has gov, sup, ppl"),
        (7, "recommendations.1.levels: levels go up to 5, got [7]"),
        (7, "recommendations.1.types.0: unknown type 'grand'; instrument tiny has supportive, controlling, strategic"),
        (8, "recommendations.2.triggers.0.item: unknown item 'G9' in instrument tiny 0.1"),
        (8, "recommendations.2.triggers.1.dimension: unknown dimension 'zz'; instrument tiny has gov, sup, ppl"),
        (9, "recommendations.3.creates: unknown evidence question 'zz'; instrument tiny 0.1 has no evidence questions"),
        (9, "recommendations.3.triggers.0.evidence: unknown evidence question 'yy'; instrument tiny 0.1 has no "
            "evidence questions"),
    ]
    assert all(p.path == str(path) for p in pytest.raises(InputValidationError,
                                                         load_library(path).check_against, tiny).value.problems)


def test_library_evidence_questions_against_an_instrument_that_asks_them(tmp_path):
    from tests.audience_instrument import audience_instrument

    ins = audience_instrument(tmp_path)  # asks charter and register
    path = _write(tmp_path, {"id": "a", "more": ", creates: charter, triggers: [{evidence: register}]"},
                  {"id": "b", "more": ", triggers: [{evidence: budget, answer: [partly]}]"})
    assert _problems(lambda: load_library(path).check_against(ins)) == [
        (7, "recommendations.1.triggers.0.evidence: unknown evidence question 'budget'; instrument tiny-audience 0.1 "
            "asks charter, register")]
