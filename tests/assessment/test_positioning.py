"""Type ladder, path to the next type, role coverage and perception gaps, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.assessment.positioning import classify_type, perception_gaps, role_coverage

NAN = float("nan")

# The tiny instrument's types: supportive {gov: 40}, controlling {gov: 60, sup: 50}, strategic {ppl: 70};
# each judged on its own gates.
@pytest.mark.parametrize(
    ("scores", "expected_type", "next_type", "gaps", "foundation"),
    [
        # no type passes
        ({"gov": 39.99, "sup": 90, "ppl": 69}, "ad_hoc", "supportive", {"gov": 0.01}, []),
        # exactly at a gate passes
        ({"gov": 40, "sup": 0, "ppl": 0}, "supportive", "controlling", {"gov": 20.0, "sup": 50.0}, []),
        ({"gov": 60, "sup": 49.5, "ppl": 0}, "supportive", "controlling", {"sup": 0.5}, []),
        ({"gov": 60, "sup": 50, "ppl": 69}, "controlling", "strategic", {"ppl": 1.0}, []),
        ({"gov": 100, "sup": 100, "ppl": 70}, "strategic", None, {}, []),
        # a higher type whose own gates pass is the type; the lower type's failing gates are foundation gaps
        ({"gov": 45, "sup": 20, "ppl": 95}, "strategic", None, {}, [("controlling", "gov"), ("controlling", "sup")]),
        ({"gov": 30, "sup": 20, "ppl": 95}, "strategic", None, {},
         [("supportive", "gov"), ("controlling", "gov"), ("controlling", "sup")]),
        # a missing score fails its gate; its points needed are unknown
        ({"gov": NAN, "sup": 90, "ppl": 60}, "ad_hoc", "supportive", {"gov": None}, []),
        ({"gov": 70, "ppl": 60}, "supportive", "controlling", {"sup": None}, []),
    ],
)
def test_each_type_is_judged_on_its_own_gates(tiny, scores, expected_type, next_type, gaps, foundation):
    result = classify_type(scores, tiny)
    assert result.type == expected_type
    assert result.next_type == next_type
    assert result.gaps.keys() == gaps.keys()
    for dim, needed in gaps.items():
        if needed is None:
            assert result.gaps[dim] is None
        else:
            assert result.gaps[dim] == pytest.approx(needed)
    assert list(zip(result.foundation_gaps["type"], result.foundation_gaps["dimension"])) == foundation


def _rows(**cells):
    """Dimension rows from dimension=(score, ci_low, ci_high)."""
    return pd.DataFrame([{"dimension": d, "score": s, "ci_low": lo, "ci_high": hi} for d, (s, lo, hi) in cells.items()])


@pytest.mark.parametrize(
    ("ci", "state"),
    [
        ((40.0, 50.0), "met"),          # range starts exactly at the gate
        ((39.99, 50.0), "borderline"),  # range crosses the gate
        ((30.0, 40.0), "borderline"),   # range ends exactly at the gate: it touches it
        ((30.0, 39.99), "not_met"),     # range lies below
        ((NAN, NAN), "borderline"),     # one respondent: no range, no certainty
    ],
)
def test_gate_state_at_its_exact_boundaries(tiny, ci, state):
    result = classify_type(_rows(gov=(45.0, *ci), sup=(0, 0, 0), ppl=(0, 0, 0)), tiny)
    gate = result.ladder.set_index(["type", "dimension"]).loc[("supportive", "gov")]
    assert gate["state"] == state
    assert bool(gate["passes"]) is True  # the point score alone decides whether it passes


def test_a_ci_crossing_a_deciding_gate_makes_the_type_borderline(tiny):
    # controlling passes (gov 62 >= 60, sup 55 >= 50) but gov's range 55-69 crosses 60
    result = classify_type(_rows(gov=(62, 55, 69), sup=(55, 51, 59), ppl=(10, 5, 15)), tiny)
    assert (result.type, result.certainty) == ("controlling", "borderline")
    assert [(g["type"], g["dimension"], g["state"]) for g in result.decided_by] == [
        ("controlling", "gov", "borderline")]


def test_a_borderline_failing_gate_of_the_type_above_also_makes_it_borderline(tiny):
    result = classify_type(_rows(gov=(70, 65, 75), sup=(55, 51, 59), ppl=(66, 60, 72)), tiny)
    assert (result.type, result.certainty) == ("controlling", "borderline")
    assert [(g["type"], g["dimension"]) for g in result.decided_by] == [("strategic", "ppl")]


def test_a_borderline_gate_of_the_type_above_decides_nothing_when_another_is_clearly_missed(tiny):
    # supportive (gov 45); controlling fails on gov (range 41-49, clearly below 60) and on sup (range 44-52,
    # crossing 50): with gov clearly short, controlling is out of reach and the type is firm
    result = classify_type(_rows(gov=(45, 41, 49), sup=(48, 44, 52), ppl=(10, 5, 15)), tiny)
    assert (result.type, result.certainty) == ("supportive", "firm")
    assert [(g["type"], g["dimension"]) for g in result.decided_by] == [("supportive", "gov")]


def test_a_firm_type_names_its_closest_deciding_gate(tiny):
    # controlling gates: gov 70 (margin 10), sup 58 (margin 8); strategic ppl 20 (margin -50): sup is closest
    result = classify_type(_rows(gov=(70, 66, 74), sup=(58, 55, 61), ppl=(20, 15, 25)), tiny)
    assert (result.type, result.certainty) == ("controlling", "firm")
    assert [(g["type"], g["dimension"], g["state"]) for g in result.decided_by] == [("controlling", "sup", "met")]


def test_a_pmo_meeting_the_top_gates_with_a_weak_foundation_is_of_the_top_type(core):
    # pmo-core: every strategic gate passes, competency (a supportive gate) is 35
    scores = {d.id: 80.0 for d in core.dimensions}
    scores["competency"] = 35.0
    result = classify_type(scores, core)
    assert result.type == "strategic"
    gaps = result.foundation_gaps
    assert list(gaps["dimension"]) == ["competency"]
    assert gaps["points_needed"].iloc[0] == pytest.approx(core.types[0].gates["competency"] - 35.0)


def test_type_profile_shares_and_margins(tiny):
    # gov 50: supportive 1/1 passed (margin 10), controlling gov fails (-10), sup 50 passes (0): 1/2, mean -5;
    # strategic ppl 35 fails (-35): 0/1
    result = classify_type(_rows(gov=(50, 45, 55), sup=(50, 40, 60), ppl=(35, 30, 40)), tiny)
    profile = result.profile.set_index("type")
    assert profile.loc["supportive", ["gates", "passed", "met"]].tolist() == [1, 1, 1]
    assert profile.loc["controlling", ["gates", "passed", "met"]].tolist() == [2, 1, 0]
    assert profile.loc["controlling", "share_passed"] == 0.5
    assert profile.loc["controlling", "mean_margin"] == pytest.approx(-5.0)
    assert profile.loc["strategic", "share_passed"] == 0.0


@pytest.mark.parametrize(
    ("target", "to_target", "reached", "goal"),
    [
        ("strategic", {"ppl": 50.0}, False, "strategic"),  # two types above: only the target's own gates
        ("supportive", {}, True, None),                    # at the target: no climbing
        (None, {}, None, "controlling"),                   # no target: the type above
    ],
)
def test_the_target_decides_what_the_pmo_still_needs(tiny, target, to_target, reached, goal):
    from pmo_workbench.assessment.positioning import Target

    chosen = None if target is None else Target(target, "engagement")
    result = classify_type({"gov": 45, "sup": 20, "ppl": 20}, tiny, target=chosen)
    assert result.type == "supportive"
    assert dict(result.to_target) == pytest.approx(to_target)
    assert result.target_reached is reached
    assert result.goal == goal


def test_above_its_target_a_pmo_has_no_goal(tiny):
    from pmo_workbench.assessment.positioning import Target

    result = classify_type({"gov": 65, "sup": 55, "ppl": 20}, tiny, target=Target("supportive", "instrument"))
    assert (result.type, result.target_reached, result.goal, dict(result.to_target)) == (
        "controlling", True, None, {})


def test_type_labels_and_ladder_table(tiny):
    result = classify_type({"gov": 65, "sup": 55, "ppl": 10}, tiny)
    assert (result.label, result.next_label) == ("Controlling", "Strategic")
    ladder = result.ladder.set_index(["type", "dimension"])
    assert bool(ladder.loc[("controlling", "sup"), "passes"]) is True
    assert bool(ladder.loc[("strategic", "ppl"), "passes"]) is False
    assert ladder.loc[("strategic", "ppl"), "gate"] == 70


def test_role_coverage_is_mean_of_dimensions_serving_each_role(core_v1):
    core = core_v1
    scores = {d.id: 0.0 for d in core.dimensions}
    # standards: mandate, methodology, monitoring -> (30 + 60 + 90) / 3 = 60
    scores.update(mandate=30, methodology=60, monitoring=90)
    # empowerment: competency, learning (one missing) -> 40
    scores.update(competency=40, learning=NAN)
    # customer support: portfolio, resources, risk, strategy, service -> (10+20+30+40+50)/5 = 30
    scores.update(portfolio=10, resources=20, risk=30, strategy=40, service=50)
    # sustainability serves no role and must not count anywhere
    scores.update(sustainability=100)
    cov = role_coverage(scores, core)
    assert cov.to_dict() == {"standards": 60.0, "customer_support": 30.0, "empowerment": 40.0}


def test_a_dimension_serving_two_roles_counts_in_both_with_its_weights(tiny):
    # gov serves standards 3 and empowerment 1 (normalised to 0.75 / 0.25); ppl serves empowerment.
    # standards = gov = 80; empowerment = (0.25 * 80 + 1 * 40) / 1.25 = 48
    spec = tiny.model_dump()
    dims = [dict(d) for d in spec["dimensions"]]
    dims[0] = {**dims[0], "pmo_role": None, "pmo_roles": {"standards": 3, "empowerment": 1}}
    two_roles = type(tiny).model_validate({**spec, "dimensions": dims})
    cov = role_coverage({"gov": 80.0, "sup": 10.0, "ppl": 40.0}, two_roles)
    assert cov.to_dict() == pytest.approx({"standards": 80.0, "customer_support": 10.0, "empowerment": 48.0})


def test_role_coverage_missing_when_nothing_scored(tiny):
    cov = role_coverage({"gov": 50.0}, tiny)
    assert cov["standards"] == 50.0
    assert math.isnan(cov["customer_support"]) and math.isnan(cov["empowerment"])


def _people(groups: dict[str, list[float]], dimension: str = "gov") -> pd.DataFrame:
    rows = []
    for role, scores in groups.items():
        for i, s in enumerate(scores):
            rows.append({"respondent": f"{role}-{i}", "role": role, "dimension": dimension, "score": s})
    return pd.DataFrame(rows)


def test_gap_between_visible_groups_and_threshold_boundary(tiny):
    # executive mean 80, pmo_staff mean 60, project_manager mean 59.9 -> gap 80 - 59.9 = 20.1 flagged
    frame = _people({"executive": [70, 80, 90], "pmo_staff": [60, 60, 60], "project_manager": [59.9, 59.9, 59.9]})
    gaps = perception_gaps(frame, tiny).gaps.set_index("dimension")
    row = gaps.loc["gov"]
    assert (row.high_role, row.low_role) == ("executive", "project_manager")
    assert row.gap == pytest.approx(20.1)
    assert bool(row.flagged) is True
    # exactly at the threshold is not "exceeds"
    frame = _people({"executive": [80, 80, 80], "pmo_staff": [60, 60, 60]})
    assert bool(perception_gaps(frame, tiny).gaps.set_index("dimension").loc["gov", "flagged"]) is False
    # a configurable threshold
    assert bool(perception_gaps(frame, tiny, threshold=19.9).gaps.set_index("dimension").loc["gov", "flagged"])


def test_small_group_and_complementary_suppression(tiny):
    # project_manager has 2 (< 3) -> hidden. With only one hidden group its mean could be derived
    # from the PMO score, so the smallest visible group (pmo_staff, 3) is hidden too.
    frame = _people({"executive": [90, 90, 90, 90], "pmo_staff": [50, 50, 50], "project_manager": [10, 10]})
    result = perception_gaps(frame, tiny)
    by_role = result.by_role.set_index("role")
    assert by_role.loc["project_manager", "suppressed"] == "small group"
    assert by_role.loc["pmo_staff", "suppressed"] == "complementary"
    assert pd.isna(by_role.loc["executive", "suppressed"])
    assert math.isnan(by_role.loc["project_manager", "score"]) and math.isnan(by_role.loc["pmo_staff", "score"])
    assert by_role.loc["executive", "score"] == 90.0
    assert by_role.loc["project_manager", "n"] == 2
    # one visible group left: no gap can be shown
    gap = result.gaps.set_index("dimension").loc["gov"]
    assert math.isnan(gap.gap) and gap.high_role is None and not gap.flagged


def test_two_small_groups_need_no_complementary_cell(tiny):
    frame = _people({"executive": [90, 90, 90], "pmo_staff": [50, 50, 50], "project_manager": [10], "x": [20]})
    by_role = perception_gaps(frame, tiny).by_role.set_index("role")
    assert by_role["suppressed"].isna().sum() == 2
    assert by_role.loc["project_manager", "suppressed"] == by_role.loc["x", "suppressed"] == "small group"


def test_min_group_size_is_configurable_and_counts_scored_respondents(tiny):
    frame = _people({"executive": [90, np.nan], "pmo_staff": [50, 40]})
    # executive has one scored respondent: with min 2 it is hidden and pmo_staff complementary
    by_role = perception_gaps(frame, tiny, min_group_size=2).by_role.set_index("role")
    assert by_role.loc["executive", "n"] == 1
    assert by_role.loc["executive", "suppressed"] == "small group"
    assert by_role.loc["pmo_staff", "suppressed"] == "complementary"
    # with min 1 everything shows: gap 90 - 45 = 45
    gaps = perception_gaps(frame, tiny, min_group_size=1).gaps.set_index("dimension")
    assert gaps.loc["gov", "gap"] == 45.0


def test_min_group_size_must_be_positive(tiny):
    with pytest.raises(ValueError, match="at least 1"):
        perception_gaps(_people({"executive": [1]}), tiny, min_group_size=0)


def test_several_pmos_in_one_frame_are_suppressed_independently(tiny):
    # PMO A: executives 3, pmo_staff 2 -> pmo_staff hidden, executives complementary.
    # PMO B: executives 3, pmo_staff 3 -> both shown, gap 90 - 50 = 40 flagged.
    a = _people({"executive": [90, 90, 90], "pmo_staff": [50, 50]}).assign(organisation="O", pmo="A")
    b = _people({"executive": [90, 90, 90], "pmo_staff": [50, 50, 50]}).assign(organisation="O", pmo="B")
    result = perception_gaps(pd.concat([a, b], ignore_index=True), tiny)
    by_role = result.by_role.set_index(["pmo", "role"])
    assert by_role.loc[("A", "pmo_staff"), "suppressed"] == "small group"
    assert by_role.loc[("A", "executive"), "suppressed"] == "complementary"
    assert by_role["suppressed"].loc["B"].isna().all()
    gaps = result.gaps.set_index(["pmo", "dimension"])
    assert math.isnan(gaps.loc[("A", "gov"), "gap"]) and gaps.loc[("A", "gov"), "high_role"] is None
    assert gaps.loc[("B", "gov"), "gap"] == 40.0 and bool(gaps.loc[("B", "gov"), "flagged"])
    # every PMO gets a row for every dimension of the instrument
    assert len(result.gaps) == 2 * len(tiny.dimensions)


def test_equal_role_scores_give_a_gap_of_zero_between_two_roles(tiny):
    gaps = perception_gaps(_people({"executive": [50.0] * 3, "project_manager": [50.0] * 3}), tiny).gaps
    gov = gaps.set_index("dimension").loc["gov"]
    assert (gov["high_role"], gov["low_role"], gov["gap"]) == ("executive", "project_manager", 0.0)
