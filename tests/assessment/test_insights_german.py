"""The positioning report's sentences in German, worked out by hand, and the sentence naming the languages the
questionnaire was answered in.

The tiny instrument and its scores are those of test_insights.py: a respondent giving every item of a dimension
the same item score gets that score. Its labels (Governance, Support, People, Controlling...) are the tiny
instrument's own and stay as they are; the words around them, the plurals and the numbers are German (decimal
comma, a space before the percent sign).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_workbench import assess
from pmo_workbench.assessment.insights import (
    comments_sentence,
    data_basis,
    gap_statements,
    languages_sentence,
    methodology_points,
    profile_sentence,
    summary_sentence,
    suppression_sentence,
)
from pmo_workbench.assessment.narrative import alpha_reason, join_words
from pmo_workbench.i18n import use_language
from tests.assessment.test_insights import _two_roles, one_pmo, person
from tests.helpers import answers


def _spaces(text: str) -> str:
    return " ".join(text.split())  # the non-breaking space before % counts as a space


@pytest.mark.parametrize(
    ("scores", "sentence"),
    [
        # overall (2*75 + 50 + 50) / 4 = 62.5 -> level 4 of 5; strategic needs ppl 70 - 50 = 20
        ({"gov": 75, "sup": 50, "ppl": 50},
         "Das PMO von Org ist ein PMO des Typs „Controlling“ mit einem Gesamtreifegrad von 62,5 (Stufe 4 von 5); "
         "um den Typ „Strategic“ zu erreichen, braucht es noch 20,0 weitere Punkte bei „People“."),
        # overall (2*50 + 0) / 3 = 33.3 -> level 2; controlling: sup unscored first, then gov 60 - 50
        ({"gov": 50, "sup": None, "ppl": 0},
         "Das PMO von Org ist ein PMO des Typs „Supportive“ mit einem Gesamtreifegrad von 33,3 (Stufe 2 von 5); "
         "um den Typ „Controlling“ zu erreichen, braucht es noch einen Wert für „Support“ und 10,0 weitere Punkte "
         "bei „Governance“."),
        # nothing scored
        ({"gov": None, "sup": None, "ppl": None},
         "Das PMO von Org arbeitet noch nicht als PMO eines bestimmten Typs (ad hoc), noch ohne Gesamtwert für den "
         "Reifegrad; um den Typ „Supportive“ zu erreichen, braucht es noch einen Wert für „Governance“."),
        # top type
        ({"gov": 100, "sup": 100, "ppl": 100},
         "Das PMO von Org ist ein PMO des Typs „Strategic“ mit einem Gesamtreifegrad von 100,0 (Stufe 5 von 5); "
         "es erfüllt die Schwellen aller Typen."),
    ],
)
def test_summary_sentence_in_german(tiny, scores, sentence):
    a = one_pmo(tiny, **scores)
    with use_language("de"):
        assert summary_sentence(a, tiny) == sentence
    assert summary_sentence(a, tiny).startswith("The PMO of Org ")  # the block leaves English untouched


def test_profile_gaps_and_plurals_in_german(tiny):
    # gov 75, sup 50, ppl 50: supportive (1 gate) and controlling (2 gates) pass, strategic (ppl 70) does not
    a = one_pmo(tiny, gov=75, sup=50, ppl=50)
    responses = _two_roles({"gov": 75, "sup": 50, "ppl": 75}, {"gov": 25, "sup": 50, "ppl": 50})
    gaps = assess(responses, tiny, min_group_size=1).assessments[0]
    with use_language("de"):
        assert profile_sentence(a, tiny) == ("Es entspricht vollständig den Typen Supportive und Controlling. Beim Typ "
                                             "Strategic erfüllt es keine Schwelle.")
        # role plurals from the catalogue, not English endings
        assert gap_statements(gaps, tiny, 1) == [
            "Bei „Governance“ vergeben Mitglieder der Geschäftsleitung 75,0 Punkte, Projektleitungen dagegen nur 25,0 "
            "(ein Abstand von 50,0 Punkten)."]
        assert _spaces(suppression_sentence(1)) == (
            "Zum Schutz der Anonymität wird für eine Gruppe mit weniger als 1 befragten Person kein Wert "
            "ausgewiesen, ebenso wenig für eine Gruppe, deren Wert zusammen mit den übrigen den einer solchen "
            "Gruppe verraten würde; diese Zellen sind grau und tragen die Angabe „n<1“.")
        assert join_words(["A", "B", "C"]) == "A, B und C"
        assert alpha_reason("not computed: 1 respondents answered every item; alpha needs 8") == (
            "1 befragte Person hat alle Items beantwortet; Alpha braucht 8")


def test_data_basis_and_methodology_in_german(tiny):
    # 3 executives, 1 project manager (hidden at 3); every item answered: 100 %
    people = [row for i in range(3) for row in person(f"e{i}", "executive", gov=50, sup=50, ppl=50)]
    a = assess(answers(people + person("p1", "project_manager", gov=50, sup=50, ppl=50)), tiny).assessments[0]
    with use_language("de"):
        assert _spaces(data_basis(a, tiny, 3)) == (
            "4 Befragte (Executive 3, 1 in Rollen, die zu klein für einen getrennten Ausweis sind) haben 100 % der "
            "ihnen vorgelegten Items auf der Skala beantwortet.")
        points = methodology_points(tiny, 3)
        assert points[3] == ("Reifegradstufen: Stufe 1: 0 bis unter 20; Stufe 2: 20 bis unter 40; Stufe 3: 40 bis "
                             "unter 60; Stufe 4: 60 bis unter 80; Stufe 5: 80 bis 100.")
        assert "mindestens 0,70 und AD höchstens 0,83" in points[5]  # 5 points / 6 = 0.833
        assert points[-1] == "Anonymität: Rollengruppen mit weniger als 3 Personen werden nie getrennt ausgewiesen."


@pytest.mark.parametrize(
    ("received", "sentence"),
    [
        (0, "0 Kommentare sind eingegangen; 0 davon für diesen Bericht freigegeben."),
        (1, "1 Kommentar ist eingegangen; 0 davon für diesen Bericht freigegeben."),
        (2, "2 Kommentare sind eingegangen; 0 davon für diesen Bericht freigegeben."),
    ],
)
def test_comments_sentence_in_german(tiny, received, sentence):
    frame = answers(person("r1", "executive", gov=50, sup=50, ppl=50)).assign(comment="")
    frame.loc[frame.index[:received], "comment"] = "a remark"
    with use_language("de"):
        assert comments_sentence(frame, "Org", "PMO") == sentence


# -- the languages the questionnaire was answered in -----------------------------------------------------------

def _spoken(codes: dict[str, str | None], **columns) -> pd.DataFrame:
    """Two rows per respondent, each respondent's language on both."""
    rows = [{"organisation": "Org", "pmo": "PMO", "respondent": r, "item": item, "value": 3, "language": code}
            for r, code in codes.items() for item in ("G1", "G2")]
    return pd.DataFrame(rows).assign(**columns)


@pytest.mark.parametrize(
    ("codes", "english", "german"),
    [
        # most respondents first: 3 in English, 2 in German
        ({"r1": "en", "r2": "de", "r3": "en", "r4": "DE", "r5": "en"},
         "Answered in English (3) and German (2).", "Beantwortet auf Englisch (3) und Deutsch (2)."),
        # one language; blank and missing codes are not counted
        ({"r1": "de", "r2": "", "r3": None}, "Answered in German (1).", "Beantwortet auf Deutsch (1)."),
        # a tie keeps the codes' order; a regional code counts as its language
        ({"r1": "en-GB", "r2": "de"}, "Answered in German (1) and English (1).",
         "Beantwortet auf Deutsch (1) und Englisch (1)."),
    ],
)
def test_languages_sentence(codes, english, german):
    frame = _spoken(codes)
    assert languages_sentence(frame) == english
    with use_language("de"):
        assert languages_sentence(frame) == german


def test_languages_sentence_only_when_the_answers_say():
    assert languages_sentence(_spoken({"r1": "en"}).drop(columns="language")) is None
    assert languages_sentence(_spoken({"r1": "", "r2": None})) is None
    # narrowed to the organisation and PMOs reported on
    frame = pd.concat([_spoken({"r1": "en"}), _spoken({"r2": "de"}, pmo="Other")])
    assert languages_sentence(frame, "Org", ["PMO"]) == "Answered in English (1)."
    assert languages_sentence(frame, "Elsewhere") is None


def test_languages_sentence_counts_people_not_their_pmos():
    # r1 answered for both PMOs (in German), r2 for one (English): two people, not three answer sets
    frame = pd.concat([_spoken({"r1": "de", "r2": "en"}), _spoken({"r1": "de"}, pmo="Other")])
    assert languages_sentence(frame, "Org", ["PMO", "Other"]) == "Answered in German (1) and English (1)."
    with use_language("de"):
        assert languages_sentence(frame, "Org") == "Beantwortet auf Deutsch (1) und Englisch (1)."
    assert languages_sentence(frame, "Org", ["Other"]) == "Answered in German (1)."
