"""What the positioning report works from: one call reads, checks and assesses; small role groups stay hidden."""

from __future__ import annotations

import math

import pytest

from pmo_workbench.assessment.report import (
    ALL_RESPONDENTS,
    SMALL_GROUP,
    positioning_input,
    shown_roles,
    small_groups,
    visible_item_scores,
)
from pmo_workbench.errors import InputValidationError
from tests.helpers import write_csv

# Org: 3 executives and 1 project manager on PMO "Main", 1 executive on "Side"; Peer has its own PMO.
ROWS = "\n".join(
    ["organisation,pmo,respondent,role,item,value"]
    + [f"Org,Main,E{n},executive,G1,{v}" for n, v in ((1, 5), (2, 4), (3, 3))]
    + ["Org,Main,M1,project_manager,G1,1", "Org,Side,E9,executive,G1,2", "Peer,P,X1,executive,G1,4"]
) + "\n"


@pytest.fixture
def answers(tmp_path):
    return write_csv(tmp_path / "answers.csv", ROWS)


def test_one_call_reads_checks_and_assesses_one_organisation(answers, tiny_path):
    data = positioning_input(answers, "Org", instrument=tiny_path, min_group_size=3)
    assert [a.pmo for a in data.pmos] == ["Main", "Side"] and data.several
    assert set(data.answers["organisation"].astype(str)) == {"Org"}
    assert data.type_labels["ad_hoc"] == "Ad hoc" and data.role_labels["executive"] == "Executive"
    one = positioning_input(answers, "Org", "Side", instrument=tiny_path)
    assert [a.pmo for a in one.pmos] == ["Side"] and not one.several and one.min_group_size == 3


@pytest.mark.parametrize("organisation, pmo, column", [("Nobody", None, "organisation"), ("Org", "Nope", "pmo")])
def test_an_organisation_or_pmo_without_answers_is_an_input_error(answers, tiny_path, organisation, pmo, column):
    with pytest.raises(InputValidationError) as caught:
        positioning_input(answers, organisation, pmo, instrument=tiny_path)
    (problem,) = caught.value.problems
    assert (problem.path, problem.column) == (str(answers), column)


def test_small_role_groups_are_hidden_everywhere_the_report_lists_individuals(answers, tiny, tiny_path):
    data = positioning_input(answers, "Org", "Main", instrument=tiny_path, min_group_size=3)
    (main,) = data.pmos
    assert small_groups(main, 3) == {"project_manager"}  # 1 of them; 3 executives are enough, pmo_staff has none
    assert shown_roles(tiny, {"project_manager"}) == {"executive": "Executive", "pmo_staff": "PMO staff",
                                                      "project_manager": SMALL_GROUP}
    heat = visible_item_scores(data, main)
    g1 = heat[heat["item"] == "G1"].set_index("role")
    assert set(g1.index) == {"Executive", ALL_RESPONDENTS}
    assert g1.at["Executive", "score"] == pytest.approx(75.0)       # answers 5, 4, 3 -> 100, 75, 50
    # pooled with the lone project manager (56.25 over 4) it would give their answer: 4 x 56.25 - 3 x 75 = 0
    assert math.isnan(g1.at[ALL_RESPONDENTS, "score"])
    assert g1.at["Executive", "status"] == "shown" and g1.at[ALL_RESPONDENTS, "status"] == "suppressed"


def test_item_cells_of_too_few_answers_are_blank(tmp_path, tiny_path):
    from tests.helpers import write_csv

    # four executives answer G1; only two of them answer G3 (the others leave it blank): the G3 cells are blank,
    # the G1 cells shown (pooled = executives: nothing beyond the shown role)
    rows = ["organisation,pmo,respondent,role,item,value"]
    rows += [f"Org,PMO,E{n},executive,G1,{v}" for n, v in enumerate((5, 4, 3, 2))]
    rows += [f"Org,PMO,E{n},executive,G3,{v}" for n, v in enumerate((5, 4))]
    path = write_csv(tmp_path / "r.csv", "\n".join(rows) + "\n")
    data = positioning_input(path, "Org", instrument=tiny_path, min_group_size=3)
    heat = visible_item_scores(data, data.pmos[0]).set_index(["item", "role"])["score"]
    assert heat[("G1", "Executive")] == pytest.approx(62.5) and heat[("G1", ALL_RESPONDENTS)] == pytest.approx(62.5)
    assert math.isnan(heat[("G3", "Executive")]) and math.isnan(heat[("G3", ALL_RESPONDENTS)])
    # the chart tells a hidden cell (two answers) from one nobody answered (G2)
    status = visible_item_scores(data, data.pmos[0]).set_index(["item", "role"])["status"]
    assert status[("G3", "Executive")] == status[("G3", ALL_RESPONDENTS)] == "suppressed"
    assert status[("G2", "Executive")] == "no answer" and status[("G1", "Executive")] == "shown"
