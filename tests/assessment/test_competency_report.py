"""The competency reports' words and tables, worked out by hand on the mini cohort of ``tests/competency_mini.py``.

Under the small-group rule (others shown from 3 peers on) and the mini instrument's tolerance of 0 (below means
under the required level):

- Ana (senior): risk from her manager (3.0; peers P1 3.5 and P3 4.0 only: P2 rated 1 of 3), required 4, below by
  1.0; self 4.67, a blind spot (+1.67). Stakeholder from others (manager 4.5, P1 3, P2 4.5, P3 3.5 = 3.875),
  required 4: below by 0.125;
- Ben (junior): risk from his manager (3.5; one peer), required 3: meets; self 2, a hidden strength (-1.5).
  Stakeholder from his manager (1.0, one of two rated: half counts), required 2: below by 1.0; self 2.5, a blind
  spot (+1.5);
- Cara (junior): self only, risk 3.5 and stakeholder 2.0: both meet.

So 3 of 6 requirements are met, Cara alone meets every one; stakeholder (2 people, too few to say how far short) ranks
above risk (1 person, 1.0 short).
"""

from __future__ import annotations

import pytest

from pmo_workbench.assessment import competency_report as words
from pmo_workbench.assessment import competency_summary as summary_words
from pmo_workbench.errors import InputValidationError
from pmo_workbench.i18n import use_language
from tests.competency_mini import MINI_RATINGS, write_mini


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mini-report")
    instrument, ratings = write_mini(folder)
    return instrument, ratings


@pytest.fixture(scope="module")
def data(mini):
    instrument, ratings = mini
    with use_language("en"):
        return words.competency_input(ratings, "Acme", "PMs", instrument=instrument)


def test_who_rated_whom_is_counted_by_role_without_names(data):
    table = words.rater_table(data).set_index("role")
    assert table.loc["self"].tolist() == ["Self", 3, 3, 3]
    assert table.loc["manager"].tolist() == ["Line manager", 1, 2, 2]  # Max rated Ana and Ben
    assert table.loc["peer"].tolist() == ["Peer", 3, 2, 4]  # P1 rated Ana and Ben; P2, P3 Ana
    assert words.job_level_table(data)[["label", "people"]].values.tolist() == [
        ["Junior project manager", 2], ["Senior project manager", 1]]


def test_the_methodology_states_each_rule_with_its_number(data):
    with use_language("en"):
        points = words.about_points(data)
    text = " ".join(points)
    assert "when at least 3 peers rated the area" in text
    assert "In this cohort, 1 of 6 assessed levels come from others, 3 from the line manager alone and 2 from the " \
           "person's own rating." in points
    assert "no more than 0 points under the level" in text
    assert "at least 1 point higher than their line manager" in text
    assert "unchanged by the engagement" in text
    assert not any(name in text for name in ("Ana", "Ben", "Cara", "Max", "P1"))


def test_the_cohort_at_a_glance_and_its_training_needs_agree(data):
    figures = words.cohort_figures(data)
    with use_language("en"):
        assert words.glance_points(data, figures) == [
            "3 project managers assessed.",
            "3 of the cohort's 6 requirements (one person, one area) are met: 50%.",
            "1 of 3 people meets every requirement of their job level."]
        needs = words.needs_table(figures.needs)
        assert needs[["area", "rank", "below_text", "share_text"]].values.tolist() == [
            ["stakeholder", 1, "2 of 3", "67%"], ["risk", 2, "1 of 3", "33%"]]
        # 2 and 1 people below, fewer than 3: how far below would be their own levels, so it is not shown
        assert needs["mean_shortfall"].isna().all()
        assert words.top_needs_points(figures.needs)[0] == (
            "Stakeholder management: 2 of 3 people below the required level.")
        summary, points = figures.summary, summary_words.summary_points(figures.summary, "PMs", 3)
    assert summary["share_met"] == pytest.approx(3 / 6) and summary["n_meeting_all"] == 1
    assert points[0] == ("Project managers' competency (PMs): 3 people assessed, 50% of the requirements of their job "
                         "levels met. 1 of them meets every requirement.")
    assert points[1] == "Largest training needs: Stakeholder management (2 people below); Risk management (1 person " \
                        "below)."


def test_self_against_others_counts_blind_spots_and_hidden_strengths(data):
    figures = words.cohort_figures(data)
    with use_language("en"):
        sentence = words.self_others_sentence(figures.self_others, data.instrument)
    # blind spots: Ana risk, Ben stakeholder; hidden strength: Ben risk; but each area has 2 people with a self and
    # a manager rating, fewer than 3: no area's counts may be shown
    assert sentence.endswith("Blind spots and hidden strengths are not counted: no area has at least 3 people rated "
                             "by themselves and by their line manager.")
    assert words.self_others_table(figures.self_others).empty


def test_a_person_s_profile_says_what_is_below_and_why_views_are_missing(mini):
    instrument, ratings = mini
    with use_language("en"):
        ana = words.competency_input(ratings, "Acme", "PMs", instrument=instrument, subject="ana")
        profile = words.person_table(ana)
        assert ana.subject == "Ana"
        assert words.raters_sentence(ana) == "Rated by: a self-rating, 1 line manager and 3 peers."
        assert words.assessed_sentence(ana, profile) == (
            "2 of 2 areas with a requirement are below the level required of a Senior project manager.")
        notes = words.profile_notes(profile, 3)
        assert notes[0].startswith("Peers' ratings, and others' (line manager and peers together), are shown only "
                                   "when at least 3 peers rated an area")
        assert "fewer did in: Risk management." in notes[0]
        gaps = words.gap_sentences(profile, instrument=ana.instrument)
        assert gaps == ["Blind spots (self-rating at least 1 point above the line manager's): Risk management "
                        "(+1.7)."]
        shortfall = words.shortfall_table(profile)
        assert shortfall[["area", "assessed", "required", "shortfall"]].values.tolist() == [
            ["risk", 3.0, 4.0, 1.0], ["stakeholder", 3.875, 4.0, 0.125]]
        anchors = words.anchor_table(profile, ana.instrument)
        assert anchors[["area", "level", "anchor"]].values.tolist() == [["risk", 4, "a4"], ["stakeholder", 4, "b4"]]
        table = words.profile_table(profile).set_index("area")
        assert table.loc["risk", "basis_text"] == "line manager" and table.loc["risk", "status_text"] == "below"
        assert table.loc["stakeholder", "basis_text"] == "others" and table.loc["stakeholder", "status_text"] == "below"
        assert words.confidentiality_line("Ana") == ("Confidential: for Ana only, and for anyone they choose to share "
                                                     "it with.")


def test_the_required_profile_marks_the_engagement_s_edits(mini, tmp_path):
    instrument, ratings = mini
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text("organisation: Acme\ncompetency:\n  required:\n    senior: {risk: 3}\n", encoding="utf-8")
    with use_language("en"):
        data = words.competency_input(ratings, "Acme", "PMs", instrument=instrument, engagement=engagement)
        table = words.required_table(data).set_index("label")
        sentence = words.required_sentence(data)
    assert table.loc["Risk management"].tolist() == ["3", "3 *"]
    assert "with 1 required level set by the engagement (for Senior project manager)" in sentence
    assert words.cohort_figures(data).summary["share_met"] == pytest.approx(4 / 6)  # Ana's risk 3.0 meets 3


@pytest.mark.parametrize("kwargs, column, message", [
    ({"organisation": "Other"}, "organisation", "organisation 'Other' has no ratings here; the ratings are of 'Acme'"),
    ({"cohort": "Others"}, "cohort", "organisation 'Acme' has no cohort 'Others'; its cohorts: 'PMs'"),
    ({"subject": "Anna"}, "subject", "nobody called 'Anna' was rated in cohort 'PMs' of 'Acme'; did you mean 'Ana'?"),
])
def test_what_the_ratings_do_not_hold_is_refused_naming_what_they_do(mini, kwargs, column, message):
    instrument, ratings = mini
    given = {"organisation": "Acme", "cohort": "PMs", **kwargs}
    with pytest.raises(InputValidationError) as info:
        words.competency_input(ratings, given.pop("organisation"), given.pop("cohort"), instrument=instrument,
                               **given)
    problem, = info.value.problems
    assert (problem.column, problem.message) == (column, message)


def test_a_cohort_smaller_than_the_minimum_is_refused_but_not_for_a_person_or_a_summary(mini, tmp_path):
    instrument, _ = mini
    lines = ["organisation,cohort,subject,job_level,rater,role,r1,r2,r3,s1,s2"]
    lines += [",".join(["Acme", "PMs", s, level, r, role, *values]) for s, level, r, role, values in MINI_RATINGS
              if s in ("Ana", "Ben")]
    two = tmp_path / "two.csv"
    two.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        words.competency_input(two, "Acme", "PMs", instrument=instrument)
    assert info.value.problems[0].message == (
        "cohort 'PMs' of 'Acme' has 2 people rated; a cohort report needs at least 3 (the small-group rule: with "
        "fewer, its figures come close to one person's ratings)")
    assert words.competency_input(two, "Acme", "PMs", instrument=instrument, subject="Ben").subject == "Ben"
    with use_language("en"):
        summary, points = summary_words.cohort_summary(two, "Acme", None, instrument=instrument)
    assert summary == {"cohort": "PMs", "n_people": 2, "shown": False}
    assert points == ["The competency cohort PMs has 2 people assessed, fewer than 3: its figures are not shown (they "
                      "would come close to one person's)."]


def test_the_example_subjects_are_one_full_view_and_one_suppressed(mini):
    instrument, ratings = mini
    data = words.competency_input(ratings, "Acme", "PMs", instrument=instrument)
    # nobody has others shown in every area (Ana's risk is her manager's); Ben is the first with none shown
    assert words.example_subjects(data) == ["Ben"]
