"""Don't know, items asked by role, and the PMO's own staff rating it: worked out by hand."""

from __future__ import annotations

import math
import textwrap

import pandas as pd
import pytest

from pmo_workbench.assessment.insights import customers_view, data_quality
from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.assessment.results import assess
from pmo_workbench.assessment.scoring import score
from pmo_workbench.errors import InputValidationError
from tests.helpers import TINY_YAML, write_csv

# The tiny instrument with G3 and G4 asked of executives only, and PMO staff marked as the PMO's own people.
ROUTED_YAML = (TINY_YAML
               .replace('{id: pmo_staff, label: PMO staff}', '{id: pmo_staff, label: PMO staff, self: true}')
               .replace('{id: G3, text: "g three", weight: 2}',
                        '{id: G3, text: "g three", weight: 2, audience: [executive]}')
               .replace('{id: G4, text: "g four"}', '{id: G4, text: "g four", audience: [executive]}'))


@pytest.fixture(scope="module")
def routed(tmp_path_factory):
    path = tmp_path_factory.mktemp("routed") / "routed.yaml"
    path.write_text(ROUTED_YAML, encoding="utf-8")
    return load_instrument(path)


def _read(tmp_path, instrument, text):
    return read_responses(write_csv(tmp_path / "r.csv", text), instrument)


HEADER = "organisation,pmo,respondent,role,item,value\n"


def test_dk_in_any_case_is_kept_apart_and_never_scored(tmp_path, tiny):
    frame = _read(tmp_path, tiny, HEADER + textwrap.dedent("""\
        Org,PMO,R1,executive,S1,dk
        Org,PMO,R1,executive,S2,4
        Org,PMO,R2,executive,S1,DK
        Org,PMO,R2,executive,S2,NA
        """))
    assert frame["dont_know"].tolist() == [True, False, True, False]
    assert frame["value"].isna().tolist() == [True, False, True, True]
    sup = score(frame, tiny).respondents.set_index(["respondent", "dimension"])
    # R1 answered S2 only (S1 don't know): 1 of 2 items is half -> scored on S2 alone: 100 * 3/4 = 75
    assert sup.loc[("R1", "sup"), "score"] == 75.0
    assert sup.loc[("R1", "sup"), "answered"] == 1
    # R2 answered nothing on the scale: no score
    assert math.isnan(sup.loc[("R2", "sup"), "score"])


def test_a_dk_and_a_value_for_the_same_item_conflict(tmp_path, tiny):
    with pytest.raises(InputValidationError) as info:
        _read(tmp_path, tiny, HEADER + "Org,PMO,R1,executive,S1,DK\nOrg,PMO,R1,executive,S1,\n")
    assert "answered item S1 twice with different values: 'blank' here, 'DK' in row 2" in str(info.value)


def test_an_answer_outside_the_respondents_audience_is_located(tmp_path, routed):
    with pytest.raises(InputValidationError) as info:
        _read(tmp_path, routed, HEADER + textwrap.dedent("""\
            Org,PMO,R1,project_manager,G1,4
            Org,PMO,R1,project_manager,G3,4
            Org,PMO,R1,project_manager,G4,DK
            Org,PMO,R1,project_manager,G2,
            """))
    problems = [str(p) for p in info.value.problems]
    assert problems == [
        f"{tmp_path / 'r.csv'}:3:value: item G3 is not asked of role 'project_manager' (only of executive); "
        "respondent 'R1' should leave it blank",
        f"{tmp_path / 'r.csv'}:4:value: item G4 is not asked of role 'project_manager' (only of executive); "
        "respondent 'R1' should leave it blank",
    ]


def test_the_wide_form_names_the_item_column(tmp_path, routed):
    with pytest.raises(InputValidationError) as info:
        _read(tmp_path, routed, "organisation,pmo,respondent,role,G1,G2,G3,G4\nOrg,PMO,R1,project_manager,4,,,5\n")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'r.csv'}:2:G4: item G4 is not asked of role 'project_manager' (only of executive); "
        "respondent 'R1' should leave it blank"]


def test_the_half_answered_rule_counts_the_items_asked(tmp_path, routed, tiny):
    text = HEADER + "Org,PMO,R1,project_manager,G1,5\n"
    # asked G1 and G2 only: 1 of 2 answered is half -> scored (G1 alone: 100)
    routed_scores = score(_read(tmp_path, routed, text), routed).respondents.set_index("dimension")
    assert routed_scores.loc["gov", ["score", "answered", "n_items"]].tolist() == [100.0, 1, 2]
    # asked all four: 1 of 4 is under half -> no score
    plain_scores = score(_read(tmp_path, tiny, text), tiny).respondents.set_index("dimension")
    assert math.isnan(plain_scores.loc["gov", "score"])
    assert plain_scores.loc["gov", "n_items"] == 4


def test_answer_rate_and_data_quality_count_items_asked_and_dk(tmp_path, routed):
    frame = _read(tmp_path, routed, HEADER + textwrap.dedent("""\
        Org,PMO,E1,executive,G1,4
        Org,PMO,E1,executive,G2,DK
        Org,PMO,E1,executive,G3,4
        Org,PMO,P1,project_manager,G1,DK
        Org,PMO,P1,project_manager,G2,3
        Org,PMO,P2,project_manager,G1,DK
        """))
    a = assess(frame, routed).assessments[0]
    # items asked: E1 all 11; P1, P2 the 9 items other than G3, G4 -> 29; on the scale: E1 G1, G3 and P1 G2
    assert a.answer_rate == pytest.approx(3 / 29)
    dq = data_quality(frame, a, routed)
    assert dq.answer_rate == pytest.approx(3 / 29)
    assert dq.dont_know_rate == pytest.approx(3 / 29)
    dk = dq.dont_know.set_index(["item", "role"])
    assert dk.loc[("G1", "project_manager"), ["asked", "dont_know"]].tolist() == [2, 2]
    assert dk.loc[("G1", "executive"), ["asked", "dont_know"]].tolist() == [1, 0]
    assert dk.loc[("G2", "executive"), "share"] == 1.0
    # G1: 2 of 3 asked (67 %) and G2: 1 of 3 (33 %) exceed 30 %; G3 and G4 have none
    assert dq.dont_know_items["item"].tolist() == ["G1", "G2"]
    assert dq.dont_know_items["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    # unanswered counts only items asked: G4 was asked of E1 only and not answered
    unanswered = dq.unanswered.set_index("item")
    assert unanswered.loc["G4", ["respondents", "unanswered"]].tolist() == [1, 1]
    assert "G3" not in unanswered.index


def _self_frame(staff_scores, customer_scores):
    rows = [(f"S{n}", "pmo_staff", v) for n, v in enumerate(staff_scores)]
    rows += [(f"C{n}", "project_manager", v) for n, v in enumerate(customer_scores)]
    return pd.DataFrame([{"organisation": "Org", "pmo": "PMO", "respondent": r, "role": role, "item": item,
                          "value": v} for r, role, v in rows for item in ("S1", "S2")])


def test_customers_view_leaves_out_the_pmos_own_staff(routed):
    # staff answer 5 (100), customers 3 and 4 (50, 75): pooled sup = (100*3 + 50 + 75) / 5 = 85,
    # customers (50 + 75) / 2 = 62.5 with a t-based CI over 2 respondents
    dims = score(_self_frame([5, 5, 5], [3, 4]), routed).dimensions.set_index("dimension")
    assert dims.loc["sup", "score"] == pytest.approx(85.0)
    assert dims.loc["sup", "score_customers"] == pytest.approx(62.5)
    assert dims.loc["sup", "customers"] == 2
    assert dims.loc["sup", "score_self"] == pytest.approx(100.0)
    half = 12.706204736174704 * 17.67766952966369 / math.sqrt(2)  # t(0.975, 1) * sd / sqrt(n)
    assert dims.loc["sup", "customers_ci_low"] == pytest.approx(max(62.5 - half, 0.0))


@pytest.mark.parametrize(
    ("staff", "customers", "lead", "difference"),
    [
        # self 100, customers (50 + 75 + 75) / 3 = 66.7 overall on sup only: 33.3 higher -> lead
        ([5, 5, 5], [3, 4, 4], True, 100 - 200 / 3),
        # staff and customers all answer 4 (75): no difference -> the pooled view leads
        ([4, 4, 4], [4, 4, 4], False, 0.0),
        # two staff only: too few to show apart -> neither view is shown, and nothing leads
        ([5, 5], [3, 4, 4], False, None),
    ],
)
def test_the_summary_leads_with_the_customers_when_the_self_group_differs(routed, staff, customers, lead,
                                                                          difference):
    a = assess(_self_frame(staff, customers), routed, min_group_size=3).assessments[0]
    view = customers_view(a, 3)
    assert view["lead"] is lead
    if difference is None:
        assert view["self"] is None and view["customers"] is None
        assert view["sentence"] == (
            "The PMO's own staff are not shown apart from its customers: its own staff are too few (fewer than 3), "
            "and showing either view would reveal individual answers. Every score here counts all respondents, "
            "the PMO's staff included.")
        # nor in the scores: beside the pooled score, the customers' view would give the staff's by subtraction
        assert a.dimensions["score_customers"].isna().all() and a.dimensions["score_self"].isna().all()
        assert math.isnan(a.overall_customers)
    else:
        assert view["difference"] == pytest.approx(difference)


def test_a_ten_point_self_gap_is_the_boundary(routed):
    # the rule's boundary, checked on the overall scores themselves: 10 points leads, 9.99 does not
    from pmo_workbench.assessment.narrative import SELF_GAP

    assert SELF_GAP == 10.0
    a = assess(_self_frame([4, 4, 4], [4, 4, 4]), routed).assessments[0]
    shifted = a.__class__(**{**a.__dict__, "overall_self": 60.0, "overall_customers": 50.0})
    assert customers_view(shifted, 3)["lead"] is True
    shifted = a.__class__(**{**a.__dict__, "overall_self": 59.99, "overall_customers": 50.0})
    assert customers_view(shifted, 3)["lead"] is False


def test_the_summary_sentence_gives_the_customers_view_when_it_leads(routed):
    from pmo_workbench.assessment.insights import summary_sentence

    # sup only: staff 100, customers (50 + 75 + 75) / 3 = 66.7 (level 4); pooled (300 + 200) / 6 = 83.3
    a = assess(_self_frame([5, 5, 5], [3, 4, 4]), routed).assessments[0]
    assert summary_sentence(a, routed).startswith(
        "The PMO of Org does not yet work as a PMO of any type (ad hoc), with an overall maturity of 66.7 in its "
        "customers' view (level 4 of 5), "
        "83.3 counting its own staff; ")


def test_reliability_notes_explain_low_and_missing_alphas(tiny):
    from pmo_workbench.assessment.insights import reliability_label, reliability_notes

    # one respondent: no alpha anywhere; the reason is given once for all three dimensions
    a = assess(pd.DataFrame([{"organisation": "Org", "pmo": "PMO", "respondent": "R1", "role": "executive",
                              "item": "G1", "value": 4.0}]), tiny).assessments[0]
    assert reliability_notes(a) == [
        "Alpha is not computed for Governance and People: 0 respondents answered every item; alpha needs 8.",
        "Alpha is not computed for Support: only 2 of its items are asked of every role; alpha needs 3."]
    assert reliability_label(next(a.dimensions.itertuples())) == "not computed"
    low = a.dimensions.assign(alpha=[0.35, float("nan"), 0.91], alpha_n=[11, 0, 9])
    rows = list(low.itertuples())
    assert [reliability_label(r) for r in rows] == ["0.35, low (n = 11)", "not computed", "0.91 (n = 9)"]
    shown = a.__class__(**{**a.__dict__, "dimensions": low})
    assert reliability_notes(shown)[0] == (
        "On Governance, alpha is 0.35: the items do not measure one thing for this group, so read its items one by "
        "one (the item heat map) rather than the score alone.")


def test_data_basis_counts_small_role_groups_together(routed):
    from pmo_workbench.assessment.insights import data_basis

    a = assess(_self_frame([5, 5], [3, 4, 4]), routed).assessments[0]
    # 2 PMO staff (too few) and 3 project managers; each answered S1 and S2 of the 9 items asked of them
    assert data_basis(a, routed, 3) == ("5 respondents (Project manager 3, 2 in roles too small to show apart) "
                                        "answered 22% of the items put to them on the scale.")


def test_strengths_follow_the_customers_when_the_summary_leads_with_them(routed):
    from pmo_workbench.assessment.insights import strengths

    # sup: staff 100, customers 50, 75, 75 (66.7, level 4); pooled 83.3 (level 5). S1 and S2 answered alike,
    # and the three customers' answers 3, 4, 4 put a third at the top two points, none at the bottom: not split
    a = assess(_self_frame([5, 5, 5], [3, 4, 4]), routed).assessments[0]
    pooled, theirs = strengths(a), strengths(a, customers=True)
    assert pooled[["dimension", "level"]].values.tolist() == [["sup", 5]]
    assert theirs[["dimension", "level"]].values.tolist() == [["sup", 4]]
    assert theirs["score"].iloc[0] == pytest.approx(200 / 3)


def test_a_strength_that_is_split_or_inconsistent_carries_its_caveat(tiny):
    from pmo_workbench.assessment.insights import strengths

    # sup: four respondents answer S1 2, 2, 5, 5 (half at each end: split) and S2 5: score 81.25, level 5
    rows = [(r, "executive", "S1", v) for r, v in zip("ABCD", (2, 2, 5, 5))]
    rows += [(r, "executive", "S2", 5) for r in "ABCD"]
    frame = pd.DataFrame([{"organisation": "Org", "pmo": "PMO", "respondent": r, "role": role, "item": i,
                           "value": float(v)} for r, role, i, v in rows])
    top = strengths(assess(frame, tiny).assessments[0])
    assert top[["dimension", "caveat"]].values.tolist() == [["sup", "views are split"]]


def test_the_customers_view_never_gives_away_a_hidden_customer_role(routed):
    # 3 PMO staff, 4 project managers and 2 executives: the executives are hidden (fewer than 3) and the staff
    # with them as their complement; the customers' view (6 people) beside the project managers' own score (4)
    # would give the executives' by subtraction, so it is not shown either
    rows = [(f"S{n}", "pmo_staff", 5) for n in range(3)] + [(f"P{n}", "project_manager", 3) for n in range(4)]
    rows += [(f"E{n}", "executive", 1) for n in range(2)]
    frame = pd.DataFrame([{"organisation": "Org", "pmo": "PMO", "respondent": r, "role": role, "item": item,
                           "value": float(v)} for r, role, v in rows for item in ("S1", "S2")])
    a = assess(frame, routed).assessments[0]
    sup = a.dimensions.set_index("dimension").loc["sup"]
    assert sup["customers"] == 6 and math.isnan(sup["score_customers"]) and math.isnan(sup["score_self"])
    # with a third executive every group is large enough: both views are shown
    frame = pd.concat([frame, frame[frame["respondent"] == "E0"].assign(respondent="E2")], ignore_index=True)
    sup = assess(frame, routed).assessments[0].dimensions.set_index("dimension").loc["sup"]
    assert sup["score_customers"] == pytest.approx((4 * 50 + 3 * 0) / 7) and sup["score_self"] == 100.0


def test_a_pmo_rated_only_by_its_own_staff_is_called_a_self_assessment(routed):
    from pmo_workbench.assessment.insights import summary_sentence

    a = assess(_self_frame([4, 4, 4], []), routed).assessments[0]
    assert summary_sentence(a, routed).startswith("By its own staff's account (no customer answered), the PMO of Org ")
    view = customers_view(a, 3)
    assert view["lead"] is False and view["sentence"].startswith("Only the PMO's own staff answered: this is their "
                                                                 "self-assessment")


def test_when_the_summary_leads_with_the_customers_it_names_the_gates_they_alone_would_miss(routed):
    # tiny's controlling gates: gov 60, sup 50. Staff answer 5 everywhere (100), customers 3 on S1/S2 (50) and
    # 4 on G1/G2 (G2 reversed: 4 -> 25; G1 4 -> 75): pooled sup (3*100 + 3*50)/6 = 75 passes; customers' sup 50
    # passes too (at the gate); their gov (75 + 25)/2 = 50 < 60 would fall short
    rows = [(f"S{n}", "pmo_staff", item, 5 if item != "G2" else 1) for n in range(3)
            for item in ("S1", "S2", "G1", "G2")]
    rows += [(f"C{n}", "project_manager", item, {"S1": 3, "S2": 3, "G1": 4, "G2": 4}[item]) for n in range(3)
             for item in ("S1", "S2", "G1", "G2")]
    frame = pd.DataFrame([{"organisation": "Org", "pmo": "PMO", "respondent": r, "role": role, "item": i,
                           "value": float(v)} for r, role, i, v in rows])
    a = assess(frame, routed).assessments[0]
    assert a.type.type == "controlling"
    view = customers_view(a, 3)
    assert view["lead"] is True
    assert view["sentence"].endswith("in the customers' view alone, Governance (50.0 against 60) would fall short "
                                     "of the type's gate.")
