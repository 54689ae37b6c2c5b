"""Every scoring rule against numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.assessment.scoring import item_scores, maturity_level, rwg_j, score

from tests.helpers import answers


def _dim(scores, dimension, org="Org", pmo="PMO"):
    d = scores.dimensions
    return d[(d.organisation == org) & (d.pmo == pmo) & (d.dimension == dimension)].iloc[0]


def _resp(scores, respondent, dimension):
    r = scores.respondents
    return r[(r.respondent == respondent) & (r.dimension == dimension)].iloc[0]


@pytest.mark.parametrize(
    ("value", "reverse", "expected"),
    [
        # plain items: 100 * (v - 1) / 4
        (1, False, 0.0),
        (2, False, 25.0),
        (3, False, 50.0),
        (5, False, 100.0),
        # reversed: 100 minus that
        (1, True, 100.0),
        (2, True, 75.0),
        (5, True, 0.0),
    ],
)
def test_item_score(value, reverse, expected):
    assert item_scores(np.array([value]), np.array([reverse]), 1, 5)[0] == expected


def test_item_score_on_a_seven_point_scale():
    # 100 * (4 - 1) / (7 - 1) = 50; reversed 6 -> 100 - 100*5/6 = 16.67
    got = item_scores(np.array([4, 6]), np.array([False, True]), 1, 7)
    assert got[0] == pytest.approx(50.0)
    assert got[1] == pytest.approx(100 / 6)


def test_respondent_dimension_score_weights_reverse_and_half_rule(tiny):
    frame = answers([
        # R1: G1=5 -> 100, G2=2 reversed -> 75, G3=4 (weight 2) -> 75, G4 unanswered
        # weighted mean = (100 + 75 + 2*75) / (1 + 1 + 2) = 325 / 4 = 81.25
        ("R1", "executive", "G1", 5), ("R1", "executive", "G2", 2), ("R1", "executive", "G3", 4),
        ("R1", "executive", "G4", None),
        # R2: 2 of 4 answered is half, not fewer than half: (0 + 50) / 2 = 25
        ("R2", "pmo_staff", "G1", 1), ("R2", "pmo_staff", "G4", 3),
        # R3: 1 of 4 answered -> missing
        ("R3", "project_manager", "G1", 3),
        # ppl has 5 items: R1 answers 2 (fewer than half -> missing), R2 answers 3 -> (25+50+75)/3 = 50
        ("R1", "executive", "P1", 5), ("R1", "executive", "P2", 5),
        ("R2", "pmo_staff", "P1", 2), ("R2", "pmo_staff", "P2", 3), ("R2", "pmo_staff", "P3", 4),
    ])
    s = score(frame, tiny)
    assert _resp(s, "R1", "gov").score == 81.25
    assert _resp(s, "R2", "gov").score == 25.0
    assert math.isnan(_resp(s, "R3", "gov").score)
    assert _resp(s, "R3", "gov").answered == 1
    assert math.isnan(_resp(s, "R1", "ppl").score)
    assert _resp(s, "R2", "ppl").score == 50.0
    # PMO gov = mean of non-missing respondent scores = (81.25 + 25) / 2
    gov = _dim(s, "gov")
    assert gov.score == pytest.approx(53.125)
    assert gov.respondents == 2
    assert gov.level == 3
    # sup unanswered by everybody -> missing, level missing
    sup = _dim(s, "sup")
    assert math.isnan(sup.score)
    assert sup.level is pd.NA
    # overall = dimension-weighted mean of non-missing: (2 * 53.125 + 1 * 50) / 3 = 52.0833
    pmo = s.pmos.iloc[0]
    assert pmo.overall_score == pytest.approx(156.25 / 3)
    assert pmo.overall_level == 3
    # 3 respondents x 11 items expected, 11 answered
    assert (pmo.respondents, pmo.answered, pmo.expected) == (3, 11, 33)


@pytest.mark.parametrize(
    ("score_value", "level"),
    [
        (0.0, 1), (19.999, 1),
        (20.0, 2), (39.99, 2),
        (40.0, 3), (59.99, 3),
        (60.0, 4), (79.99, 4),
        (80.0, 5), (100.0, 5),
    ],
)
def test_maturity_level_thresholds_at_their_boundaries(score_value, level):
    assert maturity_level(score_value, (20, 40, 60, 80)) == level


def test_maturity_level_vector_keeps_missing():
    got = maturity_level(np.array([np.nan, 50.0]), [20, 40, 60, 80])
    assert got[0] is pd.NA
    assert got[1] == 3


def test_confidence_interval_is_t_based(tiny):
    # Respondent sup scores 50, 50, 75 (S1 = S2 = 3, 3, 4): mean 58.333, s = 14.4338,
    # se = s / sqrt(3) = 8.3333, t(0.975, df=2) = 4.302653 -> half width 35.855,
    # CI [22.478, 94.189].
    frame = answers([
        ("A", "executive", "S1", 3), ("A", "executive", "S2", 3),
        ("B", "executive", "S1", 3), ("B", "executive", "S2", 3),
        ("C", "executive", "S1", 4), ("C", "executive", "S2", 4),
    ])
    sup = _dim(score(frame, tiny), "sup")
    assert sup["score"] == pytest.approx(175 / 3)
    assert sup["std"] == pytest.approx(25 / math.sqrt(3))
    assert sup["ci_low"] == pytest.approx(22.478, abs=1e-3)
    assert sup["ci_high"] == pytest.approx(94.189, abs=1e-3)


def test_confidence_interval_is_clipped_to_the_score_range(tiny):
    # scores 25, 50, 75: mean 50, s = 25, half width 4.302653 * 25 / sqrt(3) = 62.1 -> clipped
    frame = answers([
        ("A", "executive", "S1", 2), ("A", "executive", "S2", 2),
        ("B", "executive", "S1", 3), ("B", "executive", "S2", 3),
        ("C", "executive", "S1", 4), ("C", "executive", "S2", 4),
    ])
    sup = _dim(score(frame, tiny), "sup")
    assert (sup["ci_low"], sup["ci_high"]) == (0.0, 100.0)


def test_one_respondent_has_no_interval_nor_agreement(tiny):
    frame = answers([("A", "executive", "S1", 2), ("A", "executive", "S2", 4)])
    sup = _dim(score(frame, tiny), "sup")
    assert sup.score == 50.0
    assert math.isnan(sup.ci_low) and math.isnan(sup.ci_high) and math.isnan(sup.rwg_j)
    assert sup.agree is pd.NA


def test_rwg_j_hand_example(tiny):
    # S1 = 4, 4, 5: variance (n-1) = ((1/3)^2 * 2 + (2/3)^2) / 2 = 1/3
    # S2 = 2, 3, 4: variance = 1
    # mean variance 2/3; sigma_EU^2 = (25 - 1) / 12 = 2; ratio 1/3
    # r_wg(J) = 2 * (2/3) / (2 * (2/3) + 1/3) = (4/3) / (5/3) = 0.8
    # r*wg(J) = 1 - 1/3 = 2/3, below 0.70: not agreement, although r_wg(J) is 0.8
    # AD: S1 mean 13/3, deviations 1/3, 1/3, 2/3 -> 4/9; S2 mean 3 -> 2/3; AD_M = (4/9 + 6/9) / 2 = 5/9
    frame = answers([
        ("A", "executive", "S1", 4), ("A", "executive", "S2", 2),
        ("B", "executive", "S1", 4), ("B", "executive", "S2", 3),
        ("C", "executive", "S1", 5), ("C", "executive", "S2", 4),
    ])
    sup = _dim(score(frame, tiny), "sup")
    assert sup.rwg_j == pytest.approx(0.8)
    assert sup.rwg_star_j == pytest.approx(2 / 3)
    assert sup.ad_m == pytest.approx(5 / 9)
    assert bool(sup.agree) is False
    assert sup.split_items == ()


def test_a_group_split_half_and_half_is_flagged_three_ways(tiny):
    # Four respondents answer 2, 2, 4, 4 on S1 and S2 ("disagree" / "agree"):
    # variance (n-1) = 4 * 1 / 3 = 4/3 per item; r*wg(J) = 1 - (4/3)/2 = 1/3 (< 0.70);
    # r_wg(J) over J = 2 = 2 * (1/3) / (2/3 + 2/3) = 0.5; AD = 1 on each item (> 5/6);
    # half the answers at or below 2 and half at or above 4: both items split.
    frame = answers([(r, "executive", i, v) for r, v in (("A", 2), ("B", 2), ("C", 4), ("D", 4))
                     for i in ("S1", "S2")])
    sup = _dim(score(frame, tiny), "sup")
    assert sup.rwg_star_j == pytest.approx(1 / 3)
    assert sup.rwg_j == pytest.approx(0.5)
    assert sup.ad_m == pytest.approx(1.0)
    assert bool(sup.agree) is False
    assert sup.split_items == ("S1", "S2")


def test_a_unanimous_group_agrees_and_is_not_split(tiny):
    frame = answers([(r, "executive", i, 4) for r in "ABCD" for i in ("S1", "S2")])
    sup = _dim(score(frame, tiny), "sup")
    assert (sup.rwg_star_j, sup.rwg_j, sup.ad_m) == (1.0, 1.0, 0.0)
    assert bool(sup.agree) is True
    assert sup.split_items == ()


@pytest.mark.parametrize(
    ("values", "split"),
    [
        ((1, 2, 5, 5), True),      # a quarter or more at each end (2 of 4 low, 2 of 4 high)
        ((2, 3, 3, 4), True),      # exactly a quarter at each end still counts
        ((2, 3, 3, 3), False),     # nobody at the top
        ((1, 5, 5), False),        # fewer than 4 answers
        ((1, 3, 3, 3, 5), False),  # one in five at each end: under a quarter
    ],
)
def test_split_item_rule_at_its_boundaries(tiny, values, split):
    frame = answers([(f"R{n}", "executive", "S1", v) for n, v in enumerate(values)])
    assert (_dim(score(frame, tiny), "sup").split_items == ("S1",)) is split


def test_agreement_needs_ad_within_a_sixth_of_the_scale(tiny):
    # S1, S2 = 1, 1, 1, 1, 3, 3 (six respondents): variance 16/15 -> r*wg(J) = 1 - 8/15 = 0.467 (low);
    # AD = mean |v - 5/3| = (4 * 2/3 + 2 * 4/3) / 6 = 8/9 > 5/6: both fail; check the AD value
    frame = answers([(f"R{n}", "executive", i, v) for n, v in enumerate((1, 1, 1, 1, 3, 3)) for i in ("S1", "S2")])
    sup = _dim(score(frame, tiny), "sup")
    assert sup.ad_m == pytest.approx(8 / 9)
    assert sup.rwg_star_j == pytest.approx(1 - 8 / 15)
    assert bool(sup.agree) is False


@pytest.mark.parametrize(
    ("mean_variance", "j", "expected"),
    [
        (0.0, 3, 1.0),             # perfect agreement
        (0.5, 4, 12 / 13),         # 1 - 0.25 = 0.75; 4*0.75 / (3 + 0.25) = 0.923
        (2.0, 3, 0.0),             # variance equals the uniform null -> 0
        (3.0, 3, 0.0),             # beyond the null (bimodal answers) truncated to 0
        (1.4, 1, 0.3),             # single item: 1 - 1.4/2 = 0.3
    ],
)
def test_rwg_j_formula(mean_variance, j, expected):
    assert float(rwg_j(mean_variance, j, 5)) == pytest.approx(expected)


def test_rwg_cutoff_flags_low_agreement(tiny):
    # S1 = 1, 5, 1 and S2 = 5, 1, 5: variance 16/3 each -> beyond the null -> 0, flagged
    frame = answers([
        ("A", "executive", "S1", 1), ("A", "executive", "S2", 5),
        ("B", "executive", "S1", 5), ("B", "executive", "S2", 1),
        ("C", "executive", "S1", 1), ("C", "executive", "S2", 5),
    ])
    sup = _dim(score(frame, tiny), "sup")
    assert sup.rwg_j == 0.0
    assert bool(sup.agree) is False


@pytest.fixture
def three_items(tiny):
    """The tiny instrument with People cut to three items (P1-P3), so alpha can be computed on it."""
    spec = tiny.model_dump()
    dims = list(spec["dimensions"])
    dims[2] = {**dims[2], "items": dims[2]["items"][:3]}
    return type(tiny).model_validate({**spec, "dimensions": dims})


# Four answer patterns on P1-P3; as item scores in units of 25 points:
# P1 0,1,3,4 (sum of squares about the mean 10), P2 1,0,4,3 (10), P3 1,3,3,1 (4);
# totals 2,4,10,8 (sum of squares 40). Each pattern answered twice (8 respondents): the sums of squares
# double, the variances keep their ratio, so alpha = 3/2 * (1 - 24/40) = 0.6.
_PATTERNS = ((1, 2, 2), (2, 1, 4), (4, 5, 4), (5, 4, 2))


def _pattern_rows(copies=2, pmo="PMO"):
    rows = [(f"{pmo}{c}{n}", "executive", f"P{i + 1}", v) for c in range(copies) for n, p in enumerate(_PATTERNS)
            for i, v in enumerate(p)]
    return answers(rows, pmo=pmo)


def test_cronbach_alpha_hand_example_per_pmo(three_items):
    ppl = _dim(score(_pattern_rows(), three_items), "ppl")
    assert ppl.alpha == pytest.approx(0.6)
    assert (ppl.alpha_n, ppl.alpha_k, ppl.alpha_note) == (8, 3, None)


def test_alpha_is_null_with_a_note_under_eight_complete_respondents(three_items):
    frame = _pattern_rows()
    frame = frame[~((frame["respondent"] == "PMO13") & (frame["item"] == "P2"))]  # one respondent incomplete
    ppl = _dim(score(frame, three_items), "ppl")
    assert math.isnan(ppl.alpha)
    assert ppl.alpha_n == 7
    assert ppl.alpha_note == "not computed: 7 respondents answered every item; alpha needs 8"


def test_alpha_below_one_half_carries_its_note(three_items):
    # P2 runs against P1 and P3 = P1: item variances 10 each (units of 25^2, per n-1), totals = 4 + P1 with
    # variance 10: alpha = 3/2 * (1 - 30/10) = -3, shown only with the note
    rows = [(f"R{c}{n}", "executive", item, v) for c in range(2) for n, v1 in enumerate((1, 2, 4, 5))
            for item, v in (("P1", v1), ("P2", 6 - v1), ("P3", v1))]
    ppl = _dim(score(answers(rows), three_items), "ppl")
    assert ppl.alpha == pytest.approx(-3.0)
    assert ppl.alpha_note == "items do not measure one thing for this group"


def test_alpha_needs_three_items_asked_of_every_role(tiny):
    sup = _dim(score(_pattern_rows(), tiny), "sup")
    assert math.isnan(sup.alpha)
    assert sup.alpha_note == "not computed: only 2 of its items are asked of every role; alpha needs 3"


def test_alpha_turns_reversed_items_round(tiny):
    # gov: G2 is reversed; answering it 6 - G1 and G3, G4 equal to G1 makes every item score equal per
    # respondent: alpha exactly 1 (without the reversal G2 would run against the others)
    rows = [(f"R{c}{n}", "executive", i, v) for c in range(2) for n, g1 in enumerate((1, 2, 3, 5))
            for i, v in (("G1", g1), ("G2", 6 - g1), ("G3", g1), ("G4", g1))]
    assert _dim(score(answers(rows), tiny), "gov").alpha == pytest.approx(1.0)


def test_alpha_of_a_pmo_uses_its_own_respondents_only(three_items):
    # The hand example's PMO alone, and beside a second PMO whose answers run the other way: the first PMO's
    # alpha stays 0.6; pooling both would give another value.
    other = _pattern_rows(pmo="Other")
    other["value"] = 6 - other["value"]
    other["value"] = other["value"].where(other["item"] != "P3", 3)
    both = pd.concat([_pattern_rows(), other], ignore_index=True)
    dims = score(both, three_items).dimensions
    first = dims[(dims["pmo"] == "PMO") & (dims["dimension"] == "ppl")].iloc[0]
    assert first.alpha == pytest.approx(0.6)


def test_pmos_and_organisations_are_scored_separately(tiny):
    frame = pd.concat([
        answers([("A", "executive", "S1", 5), ("A", "executive", "S2", 5)], organisation="O1", pmo="Enterprise"),
        answers([("A", "executive", "S1", 1), ("A", "executive", "S2", 1)], organisation="O1", pmo="Dept"),
        answers([("A", "executive", "S1", 3), ("A", "executive", "S2", 3)], organisation="O2", pmo="Enterprise"),
    ])
    s = score(frame, tiny)
    assert _dim(s, "sup", "O1", "Enterprise").score == 100.0
    assert _dim(s, "sup", "O1", "Dept").score == 0.0
    assert _dim(s, "sup", "O2", "Enterprise").score == 50.0
    assert s.pmos["respondents"].tolist() == [1, 1, 1]


def test_score_does_not_mutate_its_input(tiny):
    frame = answers([("A", "executive", "S1", 5), ("A", "executive", "S2", None)])
    before = frame.copy()
    score(frame, tiny)
    pd.testing.assert_frame_equal(frame, before)


def test_no_agreement_reported_for_a_dimension_without_score(tiny):
    # ppl: everybody answers 2 of 5 items (fewer than half) -> no score; items still have
    # variance across respondents, but there is no PMO score whose agreement could matter.
    frame = answers([(r, "executive", i, v) for r, v in (("A", 1), ("B", 5), ("C", 3)) for i in ("P1", "P2")])
    ppl = _dim(score(frame, tiny), "ppl")
    assert math.isnan(ppl["score"]) and math.isnan(ppl["rwg_j"]) and ppl["agree"] is pd.NA


def test_noncontiguous_rows_and_plain_string_keys(tiny):
    # R1's answers are split around R2's: the same scores as when they come together.
    frame = answers([
        ("R1", "executive", "S1", 5), ("R2", "pmo_staff", "S1", 1), ("R1", "executive", "S2", 3),
        ("R2", "pmo_staff", "S2", 1),
    ])
    s = score(frame, tiny)
    assert _resp(s, "R1", "sup")["score"] == 75.0  # (100 + 50) / 2
    assert _resp(s, "R2", "sup")["score"] == 0.0
    assert _resp(s, "R1", "sup")["role"] == "executive"
    assert _dim(s, "sup")["score"] == 37.5


def test_a_dimension_with_a_split_item_never_agrees(tiny):
    # gov: G1 answered 2, 2, 4, 4 (variance 4/3, AD 1), G2-G4 unanimous (3): mean variance 1/3 ->
    # r*wg(J) = 1 - (1/3)/2 = 0.833 and AD_M = 1/4, both acceptable; but G1 is split, so not "agree"
    rows = [(r, "executive", "G1", v) for r, v in zip("ABCD", (2, 2, 4, 4))]
    rows += [(r, "executive", item, 3) for r in "ABCD" for item in ("G2", "G3", "G4")]
    gov = _dim(score(answers(rows), tiny), "gov")
    assert gov.rwg_star_j == pytest.approx(5 / 6) and gov.ad_m == pytest.approx(0.25)
    assert gov.split_items == ("G1",)
    assert bool(gov.agree) is False
