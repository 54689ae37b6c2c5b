"""Pooled reliability and item analysis (instrument_stats): hand-worked values on the mini instrument."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.assessment.reliability import LOW_ALPHA_NOTE, instrument_stats

from tests.helpers import RELIABILITY_YAML, answers

# Four answer patterns to A, B and C (C reversed), raw values on the 1-5 scale:
#        A  B  C        item scores (C turned round: 100 - 25*(v-1))
#   P1   1  2  2   ->     0   25   75
#   P2   2  1  4   ->    25    0   25
#   P3   4  5  4   ->    75  100   25
#   P4   5  4  2   ->   100   75   75
PATTERNS = {"P1": (1, 2, 2), "P2": (2, 1, 4), "P3": (4, 5, 4), "P4": (5, 4, 2)}
SCORES = np.array([[0, 25, 75], [25, 0, 25], [75, 100, 25], [100, 75, 75]], dtype=float)


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    path = tmp_path_factory.mktemp("instrument") / "mini.yaml"
    path.write_text(RELIABILITY_YAML, encoding="utf-8")
    return load_instrument(path)


def _rows(patterns=PATTERNS, role="executive"):
    """(respondent, role, item, value) rows of the patterns; D (executives only) answered 3 by executives."""
    rows = []
    for who, values in patterns.items():
        rows += [(who, role, item, v) for item, v in zip("ABC", values)]
        if role == "executive":
            rows.append((who, role, "D", 3))
    return rows


def _cohort(**kwargs) -> pd.DataFrame:
    """The four patterns answered in two organisations: eight response sets (the same ids in each)."""
    return pd.concat([answers(_rows(**kwargs), organisation="North"), answers(_rows(**kwargs), organisation="South")],
                     ignore_index=True)


def _dim(stats, dimension="fit"):
    return stats.dimensions.set_index("dimension").loc[dimension]


def _items(stats):
    return stats.items.set_index("item")


# -- the hand-worked example -------------------------------------------------------------------------------------
# In units of 25 points (alpha and r do not depend on the unit) the item scores are
#   A 0,1,3,4 (mean 2, deviations -2,-1,1,2, sum of squares 10)
#   B 1,0,4,3 (mean 2, deviations -1,-2,2,1, SS 10)
#   C 3,1,1,3 (mean 2, deviations 1,-1,-1,1, SS 4)
#   total 4,2,8,10 (mean 6, deviations -2,-4,2,4, SS 40)
# Every variance has the same n - 1 denominator, so alpha = 3/2 * (1 - (10+10+4)/40) = 3/2 * 0.4 = 0.6.
# Corrected item-total r (the item against the sum of the other two):
#   A vs B+C = 4,1,5,6 (deviations 0,-3,1,2, SS 14): cross products 0+3+1+4 = 8, r = 8/sqrt(10*14) = 0.6761
#   B vs A+C = 3,2,4,7 (deviations -1,-2,0,3, SS 14): cross products 1+4+0+3 = 8, r = 8/sqrt(140) = 0.6761
#   C vs A+B = 1,1,7,7 (deviations -3,-3,3,3, SS 36): cross products -3+3-3+3 = 0, r = 0
# Alpha if deleted (two items left: 2 * (1 - (SS_i + SS_j) / SS_(i+j))):
#   without A: 2 * (1 - (10+4)/14) = 0;  without B: 2 * (1 - (10+4)/14) = 0;  without C: 2 * (1 - 20/36) = 8/9
# The cohort answers each pattern twice (two organisations, eight response sets, enough for alpha): every sum of
# squares and cross products doubles and every n - 1 becomes 7 instead of 3, so alpha and r stay as above.

def test_hand_worked_alpha_item_total_r_and_alpha_if_deleted(mini):
    stats = instrument_stats(_cohort(), mini)
    fit = _dim(stats)
    assert (fit["k"], fit["n"], fit["left_out"]) == (3, 8, 1)
    assert fit["alpha"] == pytest.approx(0.6)
    assert fit["note"] == LOW_ALPHA_NOTE  # 0.6 is below 0.70
    items = _items(stats)
    assert list(items.loc[["A", "B", "C"], "item_total_r"]) == pytest.approx([8 / math.sqrt(140)] * 2 + [0.0])
    assert list(items.loc[["A", "B", "C"], "alpha_if_deleted"]) == pytest.approx([0.0, 0.0, 8 / 9])
    # means 50; sd of A over the eight: sqrt(2 * 6250 / 7) (6250 = 25^2 * 10), of C sqrt(2 * 2500 / 7)
    assert list(items.loc[["A", "B", "C"], "mean"]) == pytest.approx([50.0, 50.0, 50.0])
    assert items.loc["A", "sd"] == pytest.approx(math.sqrt(12500 / 7))
    assert items.loc["C", "sd"] == pytest.approx(math.sqrt(5000 / 7))
    assert bool(items.loc["C", "reverse"]) and not bool(items.loc["A", "reverse"])
    assert (stats.respondents, stats.organisations) == (8, 2)


@pytest.mark.parametrize("matrix", [SCORES, np.vstack([SCORES, SCORES])], ids=["four patterns", "cohort of eight"])
def test_alpha_matches_the_formula_computed_directly(mini, matrix):
    k = matrix.shape[1]
    direct = k / (k - 1) * (1 - matrix.var(axis=0, ddof=1).sum() / matrix.sum(axis=1).var(ddof=1))
    assert direct == pytest.approx(0.6)
    assert _dim(instrument_stats(_cohort(), mini))["alpha"] == pytest.approx(direct)


def test_a_consistent_dimension_has_no_note(mini):
    # C answered like A (reversed: raw 6 - A): C's scores equal A's, so r rises and alpha reaches 0.70
    patterns = {who: (a, b, 6 - a) for who, (a, b, _) in PATTERNS.items()}
    fit = _dim(instrument_stats(_cohort(patterns=patterns), mini))
    # units of 25: A = C = 0,1,3,4 (SS 10 each), B (SS 10); cross products AB 8, AC 10, BC 8;
    # total SS = 30 + 2*26 = 82; alpha = 3/2 * (1 - 30/82) = 78/82
    assert fit["alpha"] == pytest.approx(1.5 * (1 - 30 / 82))
    assert fit["note"] is None


# -- which items and respondents count ----------------------------------------------------------------------------

def test_items_not_asked_of_every_role_are_left_out_of_k(mini):
    stats = instrument_stats(_cohort(), mini)
    # D is listed with its answers and don't-know rate, but outside alpha
    assert list(stats.items["item"]) == ["A", "B", "C", "D", "E", "F"]
    assert stats.items.set_index("item")["in_alpha"].to_dict() == {
        "A": True, "B": True, "C": True, "D": False, "E": True, "F": True}
    assert math.isnan(stats.items.set_index("item").at["D", "item_total_r"])
    assert stats.dimensions.set_index("dimension")["left_out"].to_dict() == {"fit": 1, "few": 0}


def test_a_role_not_asked_the_left_out_item_still_counts_in_n(mini):
    # A project manager (never asked D) who answered A, B and C is complete over the k items.
    frame = pd.concat([_cohort(), answers(_rows({"PM": (3, 3, 3)}, role="project_manager"), organisation="North")],
                      ignore_index=True)
    assert _dim(instrument_stats(frame, mini))["n"] == 9


def test_a_respondent_of_two_pmos_counts_twice(mini):
    frame = pd.concat([answers(_rows(), pmo="One"), answers(_rows(), pmo="Two")], ignore_index=True)
    stats = instrument_stats(frame, mini)
    assert (stats.respondents, stats.organisations, _dim(stats)["n"]) == (8, 1, 8)


# -- don't know -----------------------------------------------------------------------------------------------------

def test_dont_know_rate_and_dont_know_is_not_an_answer(mini):
    # In North, P1 answers A "don't know": 1 DK among the 8 respondents asked A, and P1 is no longer complete.
    frame = _cohort()
    frame["dont_know"] = False
    dk = (frame["organisation"] == "North") & (frame["respondent"] == "P1") & (frame["item"] == "A")
    frame.loc[dk, ["value", "dont_know"]] = [np.nan, True]
    stats = instrument_stats(frame, mini)
    items = _items(stats)
    assert items.loc["A", "dont_know_rate"] == pytest.approx(1 / 8)
    assert items.loc["B", "dont_know_rate"] == 0.0
    assert items.loc["A", "answers"] == 7
    assert _dim(stats)["n"] == 7


def test_without_a_dont_know_column_the_rate_is_zero(mini):
    stats = instrument_stats(_cohort(), mini)
    assert (stats.items["dont_know_rate"] == 0.0).all()


# -- when alpha is not computed -------------------------------------------------------------------------------------

def test_fewer_than_eight_respondents_gives_no_alpha_with_a_note(mini):
    frame = answers(_rows())  # the four patterns once: alpha would be 0.6, but n = 4
    stats = instrument_stats(frame, mini)
    fit = _dim(stats)
    assert fit["n"] == 4
    assert math.isnan(fit["alpha"])
    assert fit["note"] == "not computed: 4 respondents answered every item; alpha needs 8"
    assert _items(stats).loc[["A", "B", "C"], ["item_total_r", "alpha_if_deleted"]].isna().all().all()
    assert list(_items(stats).loc[["A", "B", "C"], "mean"]) == pytest.approx([50.0, 50.0, 50.0])
    assert json.loads(json.dumps(stats.to_dict(), allow_nan=False))["dimensions"][0]["alpha"] is None


def test_two_items_give_no_alpha_nor_alpha_if_deleted(mini):
    # few: E and F answered 1,2,4,5 and 2,1,5,4 (as A and B) by the eight: r = 8/10 (SS 10 each, cross products 8)
    rows = [(who, "executive", item, v) for who, (a, b, _) in PATTERNS.items() for item, v in (("E", a), ("F", b))]
    frame = pd.concat([answers(rows, organisation="North"), answers(rows, organisation="South")], ignore_index=True)
    stats = instrument_stats(frame, mini)
    few = _dim(stats, "few")
    assert math.isnan(few["alpha"])
    assert few["note"] == "not computed: only 2 of its items are asked of every role; alpha needs 3"
    assert list(_items(stats).loc[["E", "F"], "item_total_r"]) == pytest.approx([0.8, 0.8])
    assert _items(stats).loc[["E", "F"], "alpha_if_deleted"].isna().all()


def test_no_variance_gives_no_alpha_and_no_r(mini):
    frame = _cohort(patterns={f"P{i}": (3, 3, 3) for i in range(4)})
    stats = instrument_stats(frame, mini)
    assert math.isnan(_dim(stats)["alpha"])
    assert _dim(stats)["note"] == "not computed: the respondents' totals do not vary"
    assert _items(stats).loc[["A", "B", "C"], ["item_total_r", "alpha_if_deleted"]].isna().all().all()
    assert list(_items(stats).loc[["A", "B", "C"], "sd"]) == [0.0, 0.0, 0.0]


# -- contract -------------------------------------------------------------------------------------------------------

def test_the_input_frame_is_not_changed(mini):
    frame = _cohort()
    before = frame.copy()
    instrument_stats(frame, mini)
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("frame, message", [
    (answers([]).reindex(columns=["organisation", "pmo", "respondent", "role", "item", "value"]), "no answers"),
    (answers([("R", "executive", "Z9", 3)]), "items not in instrument mini"),
])
def test_refuses_what_it_cannot_analyse(mini, frame, message):
    with pytest.raises(ValueError, match=message):
        instrument_stats(frame, mini)
