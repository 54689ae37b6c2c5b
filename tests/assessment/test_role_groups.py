"""Leadership versus delivery: the rule placing roles, the two-group scores and their anonymity rules."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmo_workbench.assessment.positioning import perception_gaps
from pmo_workbench.assessment.role_groups import group_perception, groups_needed, role_group, role_groups


def _people(groups: dict[str, list[float]], dimension: str = "gov") -> pd.DataFrame:
    rows = []
    for role, scores in groups.items():
        for i, s in enumerate(scores):
            rows.append({"respondent": f"{role}-{i}", "role": role, "dimension": dimension, "score": s})
    return pd.DataFrame(rows)


def _view(frame, tiny, min_group_size=3, **kwargs):
    roles = perception_gaps(frame, tiny, min_group_size=min_group_size).by_role
    return group_perception(frame, roles, tiny, min_group_size=min_group_size, **kwargs)


@pytest.mark.parametrize(("role", "label", "group"), [
    # leadership: executives, sponsors, senior and line management
    ("executive", "Executive", "leadership"),
    ("sponsor", "Project sponsor", "leadership"),
    ("functional_manager", "Functional manager", "leadership"),
    ("senior_manager", "Senior manager", "leadership"),
    # delivery: project managers, team members, PMO staff
    ("project_manager", "Project manager", "delivery"),
    ("team_member", "Team member", "delivery"),
    ("pmo_staff", "PMO staff", "delivery"),
    # neither
    ("auditor", "External auditor", None),
])
def test_rule_places_roles(role, label, group):
    assert role_group(role, label) == group


def test_override_and_bad_override(tiny):
    assert role_groups(tiny) == {"executive": "leadership", "pmo_staff": "delivery",
                                 "project_manager": "delivery"}
    assert role_groups(tiny, {"pmo_staff": "leadership"})["pmo_staff"] == "leadership"
    with pytest.raises(ValueError, match="unknown role 'sponsor'.*executive, pmo_staff, project_manager"):
        role_groups(tiny, {"sponsor": "leadership"})
    with pytest.raises(ValueError, match="role 'executive' has group 'board'"):
        role_groups(tiny, {"executive": "board"})


def test_small_roles_pooled_into_two_visible_groups(tiny):
    # each role has 2 (< 3): all hidden in the role view. Leadership = executive only (2): a small group;
    # delivery = 2 + 2 = 4 would show, but with leadership hidden it would give it away: complementary.
    frame = _people({"executive": [80, 90], "pmo_staff": [70, 70], "project_manager": [40, 50]})
    view = _view(frame, tiny)
    assert groups_needed(perception_gaps(frame, tiny).by_role)
    assert view.by_group["suppressed"].tolist() == ["small group", "complementary"]
    assert not view.any_shown
    # with 3 project managers: delivery = pmo_staff 2 + project_manager 3 = 5 respondents. The role view shows
    # project managers and hides PMO staff (2), so delivery would give PMO staff away: hidden ("hidden role"),
    # and leadership (executive 2) is a small group.
    frame = _people({"executive": [80, 90, 85], "pmo_staff": [70, 70], "project_manager": [40, 50, 45]})
    view = _view(frame, tiny).by_group.set_index("group")
    assert view.loc["delivery", "suppressed"] == "hidden role"
    assert view.loc["leadership", "suppressed"] == "complementary"


def test_both_groups_shown_with_gap(tiny):
    # executive 3 (mean 85) | pmo_staff 2 + project_manager 2: both hidden in the role view, pooled 4, mean
    # (70 + 70 + 40 + 50) / 4 = 57.5. Gap 85 - 57.5 = 27.5.
    frame = _people({"executive": [80, 90, 85], "pmo_staff": [70, 70], "project_manager": [40, 50]})
    result = _view(frame, tiny)
    by = result.by_group.set_index("group")
    assert by.loc["leadership", "score"] == pytest.approx(85.0)
    assert by.loc["delivery", "score"] == pytest.approx(57.5)
    assert by.loc["delivery", "n"] == 4 and by.loc["delivery", "roles"] == "pmo_staff,project_manager"
    assert by["suppressed"].isna().all()
    gap = result.gaps.set_index("dimension").loc["gov"]
    assert gap["gap"] == pytest.approx(27.5)


def test_min_group_size_applies_and_is_checked(tiny):
    frame = _people({"executive": [80, 90, 85], "pmo_staff": [70, 70], "project_manager": [40, 50]})
    by = _view(frame, tiny, min_group_size=5).by_group
    assert by["suppressed"].tolist() == ["small group", "small group"]
    assert math.isnan(by["score"].iloc[0])
    with pytest.raises(ValueError, match="min_group_size must be at least 1"):
        group_perception(frame, perception_gaps(frame, tiny).by_role, tiny, min_group_size=0)


def test_no_scores_gives_empty_view(tiny):
    frame = _people({"executive": [float("nan")]})
    result = _view(frame, tiny)
    assert result.by_group.empty and result.gaps.empty and not result.any_shown


def test_roles_comparable_needs_two_shown_roles_on_a_dimension(tiny):
    from pmo_workbench.assessment.role_groups import roles_comparable

    # executive and project_manager shown (3 each), pmo_staff hidden -> complementary hides one more: only one
    # role left on gov, nothing to compare
    frame = _people({"executive": [80, 90, 85], "pmo_staff": [70, 70], "project_manager": [40, 50, 45]})
    assert not roles_comparable(perception_gaps(frame, tiny).by_role)
    frame = _people({"executive": [80, 90, 85], "project_manager": [40, 50, 45]})
    assert roles_comparable(perception_gaps(frame, tiny).by_role)
    assert not roles_comparable(perception_gaps(frame.iloc[:0], tiny).by_role)


def test_self_roles_are_in_neither_group(tmp_path):
    from pmo_workbench.assessment.role_groups import groups_sentence

    from tests.audience_instrument import audience_instrument

    ins = audience_instrument(tmp_path)  # pmo_staff is self: true
    assert role_groups(ins) == {"executive": "leadership", "project_manager": "delivery"}
    with pytest.raises(ValueError, match="role 'pmo_staff' is the PMO's own staff"):
        role_groups(ins, {"pmo_staff": "delivery"})
    # executive 3 (mean 85), project_manager 4 (mean 45), pmo_staff 3 (mean 70). Delivery is the project managers
    # alone: 45, not (4 * 45 + 3 * 70) / 7 = 55.7. Gap 85 - 45 = 40. Three PMO staff left out: enough to show.
    frame = _people({"executive": [80, 90, 85], "pmo_staff": [70, 70, 70], "project_manager": [40, 50, 45, 45]})
    result = _view(frame, ins)
    by = result.by_group.set_index("group")
    assert by.loc["delivery", "score"] == pytest.approx(45.0) and by.loc["delivery", "n"] == 4
    assert result.gaps.set_index("dimension").loc["gov", "gap"] == pytest.approx(40.0)
    assert result.left_out == ("pmo_staff",)
    labels = {"executive": "Executive", "project_manager": "Project manager", "pmo_staff": "PMO staff"}
    assert groups_sentence(result, labels) == (
        "Roles pooled into two groups: leadership (Executive) and delivery (Project manager). The PMO staff "
        "answers are left out of both, as in the customers' view: the PMO's own staff rate their own PMO, and "
        "counting them as delivery would hide part of the gap.")


def test_few_left_out_hide_both_groups(tmp_path):
    from tests.audience_instrument import audience_instrument

    ins = audience_instrument(tmp_path)
    # two PMO staff: the overall score (all 9) minus leadership (3) and delivery (4) gives their mean away
    frame = _people({"executive": [80, 90, 85], "pmo_staff": [70, 70], "project_manager": [40, 50, 45, 45]})
    by = _view(frame, ins).by_group
    assert by["suppressed"].tolist() == ["left out", "left out"] and by["score"].isna().all()


def test_no_view_sentence_gives_the_reason_with_numbers(tmp_path):
    from pmo_workbench.assessment.role_groups import no_view_sentence

    from tests.audience_instrument import audience_instrument

    ins = audience_instrument(tmp_path)
    labels = {"executive": "Executive", "project_manager": "Project manager", "pmo_staff": "PMO staff"}
    frame = _people({"executive": [80, 90, 85], "pmo_staff": [70, 70], "project_manager": [40, 50, 45, 45]})
    role_view = perception_gaps(frame, ins, min_group_size=3).by_role
    view = _view(frame, ins)
    assert no_view_sentence(role_view, view, labels, 3) == (
        "No chart is shown: on no dimension can two roles be set side by side (respondents by role: "
        "Executive 3, PMO staff 2, Project manager 4; a role of fewer than 3 is hidden, and so is the smallest role "
        "beside it, which with the overall score would give the hidden one away); leadership and delivery "
        "(leadership 3 respondents and "
        "delivery 4 respondents) are not shown either: with the PMO's overall score, they would reveal the answers "
        "of those left out of both (PMO staff 2).")
    small = _people({"executive": [80, 90], "project_manager": [40, 50, 45, 45]})
    assert no_view_sentence(perception_gaps(small, ins).by_role, _view(small, ins), labels, 3).endswith(
        "(leadership 2 respondents and delivery 4 respondents) are not shown either: one of them has fewer than 3.")
