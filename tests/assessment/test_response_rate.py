"""The report's data basis against the people invited by link, and the minimum group size of anonymous answers."""

from __future__ import annotations

import dataclasses

import pytest

from pmo_workbench.assessment import assess
from pmo_workbench.assessment.engagement import PmoEngagement
from pmo_workbench.assessment.narrative import data_basis
from pmo_workbench.assessment.report import positioning_input
from pmo_workbench.errors import InputValidationError

from tests.helpers import answers

ITEMS = ("G1", "G2", "G3", "G4", "S1", "S2", "P1", "P2", "P3", "P4", "P5")


def _people(roles: dict[str, int], *, missing: int = 0) -> list[tuple]:
    """Every respondent answers every item 3, but the first leaves ``missing`` items out."""
    rows = []
    for role, count in roles.items():
        for n in range(count):
            rows += [(f"{role}{n}", role, item, 3) for item in ITEMS]
    return [(r, role, item, None if i < missing else v) for i, (r, role, item, v) in enumerate(rows)]


def _assessed(tiny, roles: dict[str, int], invited: dict[str, int] | None, *, missing: int = 0):
    a = assess(answers(_people(roles, missing=missing)), tiny).assessments[0]
    entry = None if invited is None else PmoEngagement(organisation="Org", pmo="PMO", invited=invited)
    return dataclasses.replace(a, engagement=entry)


@pytest.mark.parametrize(("roles", "invited", "size", "expected"), [
    # 4 + 3 + 5 = 12 of 5 + 5 + 10 = 20 invited: 60%; every group of 3 or more shown with its own rate.
    ({"executive": 4, "pmo_staff": 3, "project_manager": 5}, {"executive": 5, "pmo_staff": 5, "project_manager": 10},
     3, "12 of 20 people invited (60%) answered: Executive 4 of 5, PMO staff 3 of 5, Project manager 5 of 10. "
        "They answered 100% of the items put to them on the scale."),
    # Minimum 5: executives (4) and PMO staff (3) go together, respondents and invited: 7 of 10.
    ({"executive": 4, "pmo_staff": 3, "project_manager": 5}, {"executive": 5, "pmo_staff": 5, "project_manager": 10},
     5, "12 of 20 people invited (60%) answered: Project manager 5 of 10, 7 of 10 in roles too small to show apart. "
        "They answered 100% of the items put to them on the scale."),
    # Nobody of a role invited answered: "0 of 3"; 5 of 10 is 50%.
    ({"executive": 4, "pmo_staff": 1}, {"executive": 5, "pmo_staff": 2, "project_manager": 3},
     3, "5 of 10 people invited (50%) answered: Executive 4 of 5, Project manager 0 of 3, 1 of 2 in roles too small "
        "to show apart. They answered 100% of the items put to them on the scale."),
    # Respondents of a role nobody was invited from (answers imported from a file) are stated apart: 3 of 4 = 75%.
    ({"executive": 3, "pmo_staff": 3}, {"executive": 4}, 3,
     "3 of 4 people invited (75%) answered: Executive 3 of 4; plus 3 respondents who answered by other means. They "
     "answered 100% of the items put to them on the scale."),
    # 1 of 1: one person.
    ({"executive": 1}, {"executive": 1}, 1,
     "1 of 1 person invited (100%) answered: Executive 1 of 1. They answered 100% of the items put to them on the "
     "scale."),
])
def test_the_data_basis_gives_the_response_rate_by_role(tiny, roles, invited, size, expected):
    assert data_basis(_assessed(tiny, roles, invited), tiny, size) == expected


def _recorded(tiny, roles: dict[str, int], invited: dict[str, int], submitted: dict[str, int]):
    a = assess(answers(_people(roles)), tiny).assessments[0]
    return dataclasses.replace(a, engagement=PmoEngagement(organisation="Org", pmo="PMO", invited=invited,
                                                            submitted=submitted))


INVITED = {"executive": 4, "pmo_staff": 3, "project_manager": 5}


def test_imported_respondents_are_not_counted_as_invited_who_answered(tiny):
    # 12 invited, nobody submitted (status: 0 of 12, 0 %); 4 executives interviewed and imported.
    a = _recorded(tiny, {"executive": 4}, INVITED, {"executive": 0, "pmo_staff": 0, "project_manager": 0})
    assert data_basis(a, tiny, 3) == (
        "0 of 12 people invited (0%) answered: Executive 0 of 4, PMO staff 0 of 3, Project manager 0 of 5; plus 4 "
        "respondents who answered by other means. They answered 100% of the items put to them on the scale.")
    # 3 executives submitted by link and 2 more imported: 3 of 12 = 25 %, 2 apart.
    a = _recorded(tiny, {"executive": 5}, INVITED, {"executive": 3, "pmo_staff": 0, "project_manager": 0})
    assert data_basis(a, tiny, 3) == (
        "3 of 12 people invited (25%) answered: Executive 3 of 4, PMO staff 0 of 3, Project manager 0 of 5; plus 2 "
        "respondents who answered by other means. They answered 100% of the items put to them on the scale.")


def test_a_forgotten_respondent_keeps_the_rate_status_shows(tiny):
    # 3 project managers submitted, one was forgotten (2 left): status says 3 of 12 = 25 %, and so does the
    # report; the 2 left are fewer than 3, so their role goes with the small ones: 3 of 5.
    a = _recorded(tiny, {"project_manager": 2}, INVITED, {"executive": 0, "pmo_staff": 0, "project_manager": 3})
    assert data_basis(a, tiny, 3) == (
        "3 of 12 people invited (25%) answered: Executive 0 of 4, PMO staff 0 of 3, 3 of 5 in roles too small to "
        "show apart. They answered 100% of the items put to them on the scale.")


def test_the_answer_rate_follows_the_response_rate(tiny):
    # 3 respondents x 11 items = 33 put to them; 11 left out: 22 of 33 = 67%.
    a = _assessed(tiny, {"executive": 3}, {"executive": 6}, missing=11)
    assert data_basis(a, tiny, 3) == ("3 of 6 people invited (50%) answered: Executive 3 of 6. They answered 67% of "
                                      "the items put to them on the scale.")


@pytest.mark.parametrize("invited", [None, {}, {"executive": 0}])
def test_without_invitations_the_data_basis_is_the_respondents_alone(tiny, invited):
    a = _assessed(tiny, {"executive": 4, "pmo_staff": 1}, invited)
    assert data_basis(a, tiny, 3) == ("5 respondents (Executive 4, 1 in roles too small to show apart) answered 100% "
                                      "of the items put to them on the scale.")


def _files(tmp_path, engagement: str):
    rows = _people({"executive": 4, "pmo_staff": 1})
    lines = ["organisation,pmo,respondent,role,item,value"] + [f"Org,PMO,{r},{role},{i},{v}" for r, role, i, v in rows]
    (tmp_path / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "engagement.yaml").write_text(engagement, encoding="utf-8")
    return tmp_path / "responses.csv"


@pytest.mark.parametrize(("anonymity", "given", "expected"), [
    ("anonymous", None, 5), ("anonymous", 3, 5), ("anonymous", 8, 8), ("confidential", None, 3),
    ("confidential", 2, 2), ("identified", 4, 4),
])
def test_an_anonymous_assessment_is_reported_with_groups_of_at_least_5(tmp_path, tiny_path, anonymity, given,
                                                                       expected):
    responses = _files(tmp_path, f"pmos:\n  - organisation: Org\n    pmo: PMO\n    anonymity: {anonymity}\n"
                                 "    invited: {executive: 6, pmo_staff: 2}\n")
    data = positioning_input(responses, "Org", instrument=tiny_path, min_group_size=given)
    assert data.min_group_size == expected
    assert data.pmos[0].engagement.invited == {"executive": 6, "pmo_staff": 2}


@pytest.mark.parametrize(("entry", "expected"), [
    ("invited: {ceo: 2, executive: 1}", ":5:14: pmos.0.invited: unknown roles ['ceo']; the instrument has executive, "
                                        "pmo_staff, project_manager"),
    ("invited: {executive: -1}",
     ":5:26: pmos.0.invited.executive: Input should be greater than or equal to 0 (got -1)"),
    ("anonymity: secret",
     ":5:16: pmos.0.anonymity: Input should be 'identified', 'confidential' or 'anonymous' (got 'secret')"),
])
def test_an_engagement_entry_with_an_unknown_role_count_or_mode_is_refused_by_line(tmp_path, tiny_path, entry,
                                                                                    expected):
    responses = _files(tmp_path, f"pmos:\n  - organisation: Org\n    pmo: PMO\n    target: supportive\n    {entry}\n")
    with pytest.raises(InputValidationError) as raised:
        positioning_input(responses, "Org", instrument=tiny_path)
    assert [str(p) for p in raised.value.problems] == [f"{tmp_path / 'engagement.yaml'}{expected}"]


def test_an_engagement_file_of_ones_own_keeps_the_stored_response_rate_and_anonymity(tmp_path, tiny_path):
    # The stored assessment's file comes as the targets file when the consultant gives an engagement file too
    # (`report positioning --store ... --engagement FILE`): its invited and anonymity still count.
    responses = _files(tmp_path, "pmos:\n  - organisation: Org\n    pmo: PMO\n    target: supportive\n")
    stored = tmp_path / "stored.yaml"
    stored.write_text("pmos:\n  - organisation: Org\n    pmo: PMO\n    anonymity: anonymous\n"
                      "    invited: {executive: 6, pmo_staff: 2}\n", encoding="utf-8")
    data = positioning_input(responses, "Org", instrument=tiny_path, targets=stored, targets_source="store")
    entry = data.pmos[0].engagement
    assert (entry.target, entry.invited, entry.anonymity) == ("supportive", {"executive": 6, "pmo_staff": 2},
                                                              "anonymous")
    assert data.min_group_size == 5
    # 4 + 1 = 5 of 8 invited: 62.5%, shown 62%; with groups of 5 both roles go together.
    assert data_basis(data.pmos[0], data.instrument, 5) == (
        "5 of 8 people invited (62%) answered: 5 of 8 in roles too small to show apart. They answered 100% of the "
        "items put to them on the scale.")
    # Without an engagement file of its own, the stored entry stands alone.
    (tmp_path / "engagement.yaml").unlink()
    alone = positioning_input(responses, "Org", instrument=tiny_path, targets=stored, targets_source="store")
    assert alone.min_group_size == 5 and alone.pmos[0].engagement.invited == {"executive": 6, "pmo_staff": 2}


@pytest.mark.parametrize(("roles", "message"), [
    ({"executive": 4}, "Org / PMO: 4 respondents answered anonymously, fewer than the minimum of 5; no report is "
                       "rendered until at least 5 have answered"),
    ({"executive": 1}, "Org / PMO: 1 respondent answered anonymously, fewer than the minimum of 5"),
])
def test_an_anonymous_assessment_with_fewer_than_5_respondents_is_not_reported(tmp_path, tiny_path, roles, message):
    rows = _people(roles)
    lines = ["organisation,pmo,respondent,role,item,value"] + [f"Org,PMO,{r},{role},{i},{v}" for r, role, i, v in rows]
    (tmp_path / "responses.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "engagement.yaml").write_text("pmos:\n  - organisation: Org\n    pmo: PMO\n    anonymity: anonymous\n",
                                              encoding="utf-8")
    with pytest.raises(InputValidationError) as raised:
        positioning_input(tmp_path / "responses.csv", "Org", instrument=tiny_path, min_group_size=2)
    assert message in str(raised.value.problems[0])
    # the same answers collected confidentially are reported (small groups hidden as usual)
    (tmp_path / "engagement.yaml").write_text("pmos:\n  - organisation: Org\n    pmo: PMO\n", encoding="utf-8")
    assert positioning_input(tmp_path / "responses.csv", "Org", instrument=tiny_path).min_group_size == 3
