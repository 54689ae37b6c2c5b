"""Type ladder, path to the next type, role coverage and perception gaps, by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.assessment.positioning import classify_type, perception_gaps, role_coverage

NAN = float("nan")

# The tiny instrument's ladder: supportive {gov: 40} < controlling {gov: 60, sup: 50} < strategic {ppl: 70}
@pytest.mark.parametrize(
    ("scores", "expected_type", "next_type", "gaps"),
    [
        # below the first rung
        ({"gov": 39.99, "sup": 90, "ppl": 90}, "ad_hoc", "supportive", {"gov": 0.01}),
        # exactly at a gate counts as met
        ({"gov": 40, "sup": 0, "ppl": 0}, "supportive", "controlling", {"gov": 20.0, "sup": 50.0}),
        ({"gov": 60, "sup": 49.5, "ppl": 0}, "supportive", "controlling", {"sup": 0.5}),
        ({"gov": 60, "sup": 50, "ppl": 69}, "controlling", "strategic", {"ppl": 1.0}),
        ({"gov": 100, "sup": 100, "ppl": 70}, "strategic", None, {}),
        # a higher rung met while a lower one is not does not count
        ({"gov": 45, "sup": 20, "ppl": 95}, "supportive", "controlling", {"gov": 15.0, "sup": 30.0}),
        # a missing score fails its gate; its points needed are unknown
        ({"gov": NAN, "sup": 90, "ppl": 90}, "ad_hoc", "supportive", {"gov": None}),
        ({"gov": 70, "ppl": 90}, "supportive", "controlling", {"sup": None}),
    ],
)
def test_type_ladder(tiny, scores, expected_type, next_type, gaps):
    result = classify_type(scores, tiny)
    assert result.type == expected_type
    assert result.next_type == next_type
    assert result.gaps.keys() == gaps.keys()
    for dim, needed in gaps.items():
        if needed is None:
            assert result.gaps[dim] is None
        else:
            assert result.gaps[dim] == pytest.approx(needed)


def test_type_labels_and_ladder_table(tiny):
    result = classify_type({"gov": 65, "sup": 55, "ppl": 10}, tiny)
    assert (result.label, result.next_label) == ("Controlling", "Strategic")
    ladder = result.ladder.set_index(["type", "dimension"])
    assert bool(ladder.loc[("controlling", "sup"), "met"]) is True
    assert bool(ladder.loc[("strategic", "ppl"), "met"]) is False
    assert ladder.loc[("strategic", "ppl"), "gate"] == 70


def test_role_coverage_is_mean_of_dimensions_serving_each_role(core):
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
