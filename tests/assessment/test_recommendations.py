"""Picking and ordering recommendations; the built-in library's coverage."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from pmo_workbench.errors import InputValidationError
from pmo_workbench.assessment.positioning import classify_type
from pmo_workbench.assessment.recommendations import RecommendationLibrary, library_for, load_library, recommend
from pmo_workbench.assessment.scoring import maturity_level


def _library(tiny_recs):
    return RecommendationLibrary.model_validate({"id": "t", "instrument": "tiny", "recommendations": tiny_recs})


def _rec(rid, dim, levels, effort="low", impact="high"):
    return {"id": rid, "dimension": dim, "levels": levels, "title": rid, "action": "do it",
            "effort": effort, "impact": impact}


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
            assert any(r.dimension == dim.id and level in r.levels for r in library.recommendations), (dim.id, level)
    assert len({r.id for r in library.recommendations}) == len(library.recommendations)


def test_library_with_unknown_dimension_is_rejected(tiny, tmp_path):
    path = tmp_path / "lib.yaml"
    path.write_text(textwrap.dedent("""\
        id: t
        instrument: tiny
        recommendations:
          - {id: a, dimension: nope, levels: [1], title: t, action: a, effort: low, impact: high}
          - {id: b, dimension: gov, levels: [7], title: t, action: a, effort: low, impact: high}
        """))
    with pytest.raises(InputValidationError) as info:
        load_library(path).check_against(tiny, str(path))
    messages = [p.message for p in info.value.problems]
    assert any("unknown dimension 'nope'" in m for m in messages)
    assert any("levels go up to 5" in m for m in messages)


def test_library_schema_errors_carry_their_line(tmp_path):
    path = tmp_path / "lib.yaml"
    path.write_text("id: t\ninstrument: tiny\nrecommendations:\n"
                    "  - {id: a, dimension: gov, levels: [1], title: t, action: a, effort: huge, impact: high}\n")
    with pytest.raises(InputValidationError) as info:
        load_library(path)
    (problem,) = info.value.problems
    assert problem.row == 4
    assert "recommendations.0.effort" in problem.message and "'huge'" in problem.message
