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
    frame = answers([
        ("A", "executive", "S1", 4), ("A", "executive", "S2", 2),
        ("B", "executive", "S1", 4), ("B", "executive", "S2", 3),
        ("C", "executive", "S1", 5), ("C", "executive", "S2", 4),
    ])
    sup = _dim(score(frame, tiny), "sup")
    assert sup.rwg_j == pytest.approx(0.8)
    assert bool(sup.agree) is True


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


def _alpha(frame, instrument, dimension="sup"):
    rel = score(frame, instrument).reliability.set_index("dimension")
    return rel.loc[dimension, "alpha"], rel.loc[dimension, "n"]


def test_cronbach_alpha_hand_example(tiny):
    # S1, S2 answered (1,2), (3,3), (5,4) -> item scores (0,25), (50,50), (100,75):
    # item variances 2500 and 625, totals 25, 100, 175 with variance 5625;
    # alpha = 2/1 * (1 - 3125/5625) = 8/9
    frame = answers([
        ("A", "executive", "S1", 1), ("A", "executive", "S2", 2),
        ("B", "executive", "S1", 3), ("B", "executive", "S2", 3),
        ("C", "executive", "S1", 5), ("C", "executive", "S2", 4),
    ])
    alpha, n = _alpha(frame, tiny)
    assert alpha == pytest.approx(8 / 9)
    assert n == 3


def test_cronbach_alpha_turns_reversed_items_round(tiny):
    # gov: G1 plain, G2 reversed (weights do not enter alpha), G3/G4 unanswered -> nobody complete
    # G2 is reversed: answering it 6 - G1 gives the same item score as G1. With G3 and G4
    # equal to G1 too, every item score is equal per respondent -> alpha exactly 1.
    # (Without the reversal G2 would run against the others and alpha would fall to 0.)
    frame = answers([(r, "executive", i, v) for r, g1 in (("A", 1), ("B", 3), ("C", 5))
                     for i, v in (("G1", g1), ("G2", 6 - g1), ("G3", g1), ("G4", g1))])
    assert _alpha(frame, tiny, "gov")[0] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "rows",
    [
        # fewer than 3 complete respondents
        [("A", "S1", 1), ("A", "S2", 2), ("B", "S1", 3), ("B", "S2", 3)],
        # no variance in the totals
        [(r, i, 3) for r in "ABC" for i in ("S1", "S2")],
        # only one complete respondent among three
        [("A", "S1", 1), ("A", "S2", 2), ("B", "S1", 3), ("C", "S2", 4)],
    ],
)
def test_cronbach_alpha_undefined(tiny, rows):
    frame = answers([(r, "executive", i, v) for r, i, v in rows])
    assert math.isnan(_alpha(frame, tiny)[0])


def test_cronbach_alpha_needs_two_items(tiny):
    spec = tiny.model_dump()
    spec["dimensions"] = [{**spec["dimensions"][1], "items": spec["dimensions"][1]["items"][:1]}]
    spec["types"] = [{"id": "supportive", "label": "S", "gates": {"sup": 40}}]
    one_item = type(tiny).model_validate(spec)
    frame = answers([(r, "executive", "S1", v) for r, v in (("A", 1), ("B", 3), ("C", 5))])
    assert math.isnan(_alpha(frame, one_item)[0])


def test_alpha_is_computed_over_all_respondents_of_all_pmos(tiny):
    # Spread the 3 respondents of the hand example over two PMOs: alpha is computed over
    # all respondents in the dataset, so it stays 8/9.
    frame = pd.concat([
        answers([("A", "executive", "S1", 1), ("A", "executive", "S2", 2)], pmo="P1"),
        answers([("B", "executive", "S1", 3), ("B", "executive", "S2", 3),
                 ("C", "executive", "S1", 5), ("C", "executive", "S2", 4)], pmo="P2"),
    ])
    rel = score(frame, tiny).reliability.set_index("dimension")
    assert rel.loc["sup", "alpha"] == pytest.approx(8 / 9)
    assert rel.loc["sup", "n"] == 3


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
