"""Competency scoring, worked out by hand on the mini cohort of ``tests/competency_mini.py``.

Ana (senior) is rated by herself, her manager Max and peers P1, P2, P3; Ben (junior) by himself, Max and P1;
Cara (junior) by herself only. Required: junior risk 3, stakeholder 2; senior risk 4, stakeholder 4.

Risk has 3 behaviours (r3 not expected of juniors); a rater's area score needs at least half of the expected
behaviours rated.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.assessment.competency_scoring import (
    area_scores,
    cohort_distribution,
    competency_summary,
    person_profile,
    process_group_heatmap,
    score_competency,
    self_vs_others,
    training_needs,
)
from tests.competency_mini import write_mini


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mini")
    instrument_file, ratings = write_mini(folder)
    instrument = load_competency_instrument(instrument_file, language="en")
    responses = read_competency_responses(ratings, instrument)
    return instrument, responses, score_competency(responses, instrument)


def row(results, subject, area):
    return results.profile.set_index(["subject", "area"]).loc[(subject, area)]


def test_a_rater_needs_half_the_expected_behaviours(mini):
    instrument, responses, _ = mini
    scores = area_scores(responses, instrument).set_index(["subject", "rater", "area"])
    # P1 rated r1=4, r2=3 and DK on r3: 2 of 3 rated, enough: (4 + 3) / 2
    assert scores.loc[("Ana", "P1", "risk"), "score"] == 3.5
    # P2 rated r1 only: 1 of 3 is fewer than half
    assert math.isnan(scores.loc[("Ana", "P2", "risk"), "score"])
    # r3 is not expected of juniors: Ben's risk needs r1 and r2 only; Max gave s1 only of 2: 1 of 2 is half
    assert scores.loc[("Ben", "Max", "risk"), "n_expected"] == 2
    assert scores.loc[("Ben", "Max", "stakeholder"), "score"] == 1.0


def test_peers_and_others_shown_from_three_peers(mini):
    _, _, results = mini
    risk = row(results, "Ana", "risk")
    # peers with a risk score: P1 3.5 and P3 4.0: two, fewer than 3: not shown. Pooled with Max (3.0, shown by
    # name) into others, 3 * others - 3.0 would give their sum: others is not shown either
    assert risk["n_peers"] == 2 and math.isnan(risk["peers"])
    assert risk["n_others"] == 3 and math.isnan(risk["others"])
    assert risk["basis"] == "manager" and risk["assessed"] == 3.0
    stake = row(results, "Ana", "stakeholder")
    # three peers: P1 3, P2 4.5, P3 3.5 -> 11/3; others with Max's 4.5: 15.5 / 4
    assert stake["peers"] == pytest.approx(11 / 3) and stake["others"] == pytest.approx(3.875)


def test_too_few_others_fall_back_to_the_manager_then_self(mini):
    _, _, results = mini
    ben = row(results, "Ben", "risk")
    assert ben["n_others"] == 2 and math.isnan(ben["others"])  # Max and P1: one peer, suppressed
    assert ben["basis"] == "manager" and ben["assessed"] == 3.5
    cara = row(results, "Cara", "risk")
    assert cara["basis"] == "self" and cara["assessed"] == 3.5 and math.isnan(cara["gap"])


def test_self_manager_gap_flags(mini):
    _, _, results = mini
    # Ana risk: self (5+5+4)/3 = 4.667, manager 3: gap 1.667 >= 1: blind spot
    assert row(results, "Ana", "risk")["gap"] == pytest.approx(5 / 3, abs=1e-6)
    assert row(results, "Ana", "risk")["gap_flag"] == "blind_spot"
    # Ana stakeholder: 4 - 4.5 = -0.5: aligned; Ben risk 2 - 3.5 = -1.5: hidden strength; Ben stakeholder
    # 2.5 - 1 = 1.5: blind spot
    assert row(results, "Ana", "stakeholder")["gap_flag"] == "aligned"
    assert row(results, "Ben", "risk")["gap_flag"] == "hidden_strength"
    assert row(results, "Ben", "stakeholder")["gap_flag"] == "blind_spot"


def test_gap_exactly_at_the_threshold_is_flagged(tmp_path):
    instrument_file, _ = write_mini(tmp_path)
    instrument = load_competency_instrument(instrument_file, language="en")
    ratings = tmp_path / "edge.csv"
    ratings.write_text("organisation,cohort,subject,job_level,rater,role,r1,r2,r3,s1,s2\n"
                       "Acme,PMs,Dee,junior,,self,4,4,,3,3\n"
                       "Acme,PMs,Dee,junior,Max,manager,3,3,,4,4\n", encoding="utf-8")
    results = score_competency(read_competency_responses(ratings, instrument), instrument)
    assert row(results, "Dee", "risk")["gap_flag"] == "blind_spot"  # 4 - 3 = 1.0
    assert row(results, "Dee", "stakeholder")["gap_flag"] == "hidden_strength"  # 3 - 4 = -1.0


def test_required_level_comparison(mini):
    _, _, results = mini
    # Ana is senior (risk 4, stakeholder 4): 3.0 (her manager's) and 3.875 are below by 1 and 0.125
    assert row(results, "Ana", "risk")[["below", "shortfall"]].tolist() == [True, 1.0]
    assert row(results, "Ana", "stakeholder")["shortfall"] == pytest.approx(0.125)
    # Ben is junior (risk 3, stakeholder 2): 3.5 meets 3; 1.0 is 1 below 2
    assert row(results, "Ben", "risk")[["below", "shortfall"]].tolist() == [False, 0.0]
    assert row(results, "Ben", "stakeholder")["shortfall"] == 1.0
    # Cara meets both exactly on her own rating: at the level is not below
    assert row(results, "Cara", "stakeholder")[["assessed", "below"]].tolist() == [2.0, False]


def test_tolerance_lets_a_level_that_rounds_up_meet_the_requirement(mini):
    instrument, responses, _ = mini
    results = score_competency(responses, instrument.model_copy(update={"tolerance": 0.5}))
    # Ana: stakeholder 3.875 is within 0.5 of the required 4: it meets it; risk 3.0 does not, short by 1
    assert not row(results, "Ana", "stakeholder")["below"]
    assert row(results, "Ana", "risk")[["below", "shortfall"]].tolist() == [True, 1.0]
    # Ben: stakeholder 1.0 is 1 under the required 2: below, by the whole distance
    assert row(results, "Ben", "stakeholder")[["below", "shortfall"]].tolist() == [True, 1.0]
    # one person 1 point short in each: a tie, in instrument order
    assert list(training_needs(results).index) == ["risk", "stakeholder"]


def test_engagement_edits_the_required_profile(mini):
    instrument, responses, _ = mini
    results = score_competency(responses, instrument, required={"junior": {"risk": 4}})
    assert results.required.loc["junior", "risk"] == 4 and results.required.loc["junior", "stakeholder"] == 2
    assert row(results, "Ben", "risk")["shortfall"] == 0.5
    with pytest.raises(ValueError, match="unknown area 'budget'"):
        score_competency(responses, instrument, required={"junior": {"budget": 3}})
    with pytest.raises(ValueError, match="not a level on the scale 1-5"):
        score_competency(responses, instrument, required={"senior": {"risk": 6}})


def test_cohort_distribution_and_share_below(mini):
    _, _, results = mini
    dist = cohort_distribution(results)
    # risk: Ana 3.0 -> level 3; Ben and Cara 3.5 -> level 4 (half up); one of three (Ana) below
    assert dist.loc["risk", ["n", "level_3", "level_4", "n_below", "n_required"]].tolist() == [3, 1, 2, 1, 3]
    assert dist.loc["risk", "share_below"] == pytest.approx(1 / 3)
    assert dist.loc["risk", "mean"] == pytest.approx(10 / 3)
    # stakeholder: 3.875 -> 4, 1.0 -> 1, 2.0 -> 2; Ana and Ben below
    stake = dist.loc["stakeholder"]
    assert [stake["level_1"], stake["level_2"], stake["level_4"], stake["n_below"]] == [1, 1, 1, 2]
    assert stake["mean"] == pytest.approx((3.875 + 1 + 2) / 3)


def test_training_needs_ranking(mini):
    instrument, responses, results = mini
    needs = training_needs(results)
    assert list(needs.index) == ["stakeholder", "risk"]
    assert needs.loc["stakeholder", ["rank", "n_below", "n_required"]].tolist() == [1, 2, 3]
    assert needs.loc["risk", ["rank", "n_below"]].tolist() == [2, 1]
    # equal counts under 3 rank in the instrument's order, whatever their hidden shortfalls: Ana alone is below in
    # both (risk 3.0 against 4: 1 short; stakeholder 3.875 against 5: 1.125 short); the larger shortfall must
    # not lift stakeholder first, or the order would tell how far below she is
    edited = instrument.model_copy(update={"required": {"senior": {"risk": 4.0, "stakeholder": 5.0}}})
    ranked = training_needs(score_competency(responses, edited))
    assert ranked["n_below"].tolist() == [1, 1] and list(ranked.index) == ["risk", "stakeholder"]
    edited = instrument.model_copy(update={"required": {"senior": {"risk": 3.5, "stakeholder": 5.0}}})
    assert list(training_needs(score_competency(responses, edited)).index) == ["risk", "stakeholder"]


def test_share_below_needs_three_people_with_a_requirement(mini):
    instrument, responses, _ = mini
    # only seniors are required anything in risk: Ana alone: her share below would say whether she is below
    edited = instrument.model_copy(update={"required": {"senior": {"risk": 4.0}}})
    dist = cohort_distribution(score_competency(responses, edited))
    assert dist.loc["risk", ["n", "n_required", "n_below"]].tolist() == [3, 1, 1]
    assert math.isnan(dist.loc["risk", "share_below"])


def test_process_group_heat_map(mini):
    _, _, results = mini
    cells = process_group_heatmap(results).set_index(["area", "process_group"])
    # risk/planning (r1, r3): Ana from Max (her risk level is his): 3 and 3; Ben from Max: r1 3; Cara from
    # herself: r1 4
    assert cells.loc[("risk", "planning"), "level"] == pytest.approx((3 + 3 + 4) / 3)
    assert cells.loc[("risk", "monitoring_controlling"), "level"] == pytest.approx((3 + 4 + 3) / 3)
    # stakeholder/initiating (s1): Ana from others (Max 4, P1 3, P2 5, P3 3), Ben from Max 1, Cara 2
    assert cells.loc[("stakeholder", "initiating"), "level"] == pytest.approx((15 / 4 + 1 + 2) / 3)
    # stakeholder/executing: Max left Ben's s2 blank: two people only, fewer than 3: left out
    assert ("stakeholder", "executing") not in cells.index
    assert set(cells["n"]) == {3}


def test_self_vs_others_needs_three_people(mini):
    instrument, responses, results = mini
    table = self_vs_others(results)
    # Ana and Ben have a self-rating and others' (pooled however few: a cohort figure); 2 people: suppressed
    assert table["n"].tolist() == [2, 2] and table["self"].isna().all() and table["mean_gap"].isna().all()
    relaxed = instrument.model_copy(update={"min_raters": 2})
    loose = self_vs_others(score_competency(responses, relaxed))
    # risk gaps: Ana 5/3, Ben -1.5; stakeholder: Ana -0.5, Ben 1.5
    assert loose.loc["risk", "mean_gap"] == pytest.approx((5 / 3 - 1.5) / 2)
    assert loose.loc["risk", ["blind_spots", "hidden_strengths"]].tolist() == [1, 1]
    assert loose.loc["stakeholder", ["blind_spots", "hidden_strengths"]].tolist() == [1, 0]
    # self vs others: risk self Ana 14/3, Ben 2; others' view is each one's assessed level from others or the
    # manager: Ana's others (2 peers count with min_raters 2) (3 + 3.5 + 4) / 3, Ben's manager 3.5 (one peer only)
    assert loose.loc["risk", "self"] == pytest.approx((14 / 3 + 2) / 2)
    assert loose.loc["risk", "others"] == pytest.approx((3.5 + 3.5) / 2)


def test_the_cohort_figures_do_not_give_back_the_peers_a_person_s_figures_leave_out(mini):
    instrument, responses, results = mini
    # Ben has one peer: his level is his manager's. The cohort's others must use the same: the distribution's
    # mean of assessed levels and self vs others' mean of others' views then agree person by person, and their
    # difference says nothing about P1's rating of Ben
    loose = instrument.model_copy(update={"min_raters": 2})
    scored = score_competency(responses, loose)
    table = self_vs_others(scored)
    people = scored.profile[(scored.profile["area"] == "risk") & scored.profile["self"].notna()
                            & scored.profile["basis"].isin(["others", "manager"])]
    assert table.loc["risk", "others"] == pytest.approx(people["assessed"].mean())
    p1_on_ben = 3.0
    assert p1_on_ben not in set(people["assessed"])


def test_cohort_summary_and_a_cohort_too_small(mini):
    instrument, responses, results = mini
    summary = competency_summary(results)
    assert summary["n_people"] == 3 and summary["n_meeting_all"] == 1  # Cara only
    assert summary["share_met"] == 0.5  # 3 of 6 person-area requirements met
    assert [name for name, *_ in summary["top_needs"]] == ["Stakeholder management", "Risk management"]
    two = responses[responses["subject"] != "Cara"]
    assert competency_summary(score_competency(two, instrument)) == {"n_people": 2, "shown": False}
    dist = cohort_distribution(score_competency(two, instrument))
    assert not dist["shown"].any() and dist["mean"].isna().all()
    assert training_needs(score_competency(two, instrument)).empty


def test_person_profile(mini):
    _, _, results = mini
    ben = person_profile(results, "ben")  # any letter case
    assert list(ben.index) == ["risk", "stakeholder"]
    assert ben.loc["risk", "label"] == "Risk management"
    assert math.isnan(ben.loc["risk", "others"]) and math.isnan(ben.loc["risk", "peers"])
    with pytest.raises(KeyError, match="nobody called 'Zed' was rated"):
        person_profile(results, "Zed")


def test_no_individual_in_cohort_tables(mini):
    _, _, results = mini
    for table in (cohort_distribution(results), training_needs(results), process_group_heatmap(results),
                  self_vs_others(results)):
        text = table.to_csv()
        for name in ("Ana", "Ben", "Cara", "Max", "P1"):
            assert name not in text


def test_ratings_long_form_equals_wide(mini, tmp_path):
    instrument, wide, _ = mini
    long = tmp_path / "long.csv"
    lines = ["Organisation,Cohort,Subject,Job_Level,Rater,Role,Item,Value"]
    for r in wide.itertuples():
        value = "DK" if r.dont_know else ("" if math.isnan(r.value) else str(int(r.value)))
        lines.append(f"{r.organisation},{r.cohort},{r.subject},{r.job_level},{r.rater},{r.role},{r.item},{value}")
    long.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read_competency_responses(long, instrument)
    columns = ["subject", "rater", "role", "item", "value", "dont_know"]
    key = ["subject", "rater", "item"]
    pd.testing.assert_frame_equal(
        frame[columns].astype(str).sort_values(key).reset_index(drop=True),
        wide[columns].astype(str).sort_values(key).reset_index(drop=True))
