"""The positioning report in German: the sample organisation Stellbrook Pharmaceuticals rendered with
``language="de"``, and with the language named by its engagement file instead.

Stellbrook's R&D Portfolio Office has 12 respondents (4 executives, 3 PMO staff, 5 project managers). Of the 810
answers put to them on the scale, 763 were given (94.2 %, 94 % rounded) and 21 were "don't know" (2.6 %); 23
items were left unanswered by someone and one respondent's dimension score was left out; 4 comments were
received and none is approved. German writes a decimal comma and a space before the percent sign.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.i18n import use_language
from pmo_workbench.reports import batch
from pmo_workbench.reports.spec import positioning_spec
from pmo_workbench.resources import examples_dir
from tests.catalogue import english_leftovers, html_text

ORGANISATION = "Stellbrook Pharmaceuticals"


def _text(outcome) -> str:
    assert outcome.status == "rendered", outcome.error
    return html_text(Path(outcome.files["html"]).read_text(encoding="utf-8"))


def _spaces(text: str) -> str:
    return " ".join(text.split())  # non-breaking spaces (before %, in numbers) count as spaces


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> str:
    spec = positioning_spec(examples_dir() / "pmo_responses.csv", ORGANISATION, language="de")
    return _text(batch.render(spec, tmp_path_factory.mktemp("de"), ("html",)))


@pytest.mark.slow
def test_german_report_sentences(german):
    text = _spaces(german)
    with use_language("de"):
        roles = {r.id: r.label for r in load_instrument("pmo-core").roles}
    expected = [
        # the data basis of the executive summary: roles in German, 763 of 810 answers rounded to 94 %
        f"12 Befragte ({roles['executive']} 4, {roles['pmo_staff']} 3, {roles['project_manager']} 5) haben 94 % "
        "der ihnen vorgelegten Items auf der Skala beantwortet.",
        # data quality: 763/810 = 94.2 %, 21/810 = 2.6 %
        "12 Befragte haben 94,2 % der ihnen vorgelegten Items auf der Skala beantwortet und bei 2,6 % „weiß nicht“ "
        "angegeben. Von mindestens einer Person unbeantwortete Items: 23; nach der Hälfte-Regel entfallene "
        "Dimensionswerte einzelner Befragter: 1.",
        "4 Kommentare sind eingegangen; 0 davon für diesen Bericht freigegeben.",
        "Zum Schutz der Anonymität wird für eine Gruppe mit weniger als 3 Befragten kein Wert ausgewiesen",
        "Anonymität: Rollengruppen mit weniger als 3 Personen werden nie getrennt ausgewiesen.",
        # the own staff rate the PMO 62.1, its 9 customers 51.0: the summary leads with the customers
        "Die eigenen Mitarbeitenden bewerten das PMO um 11,1 Punkte höher als seine Kunden (62,1 gegenüber 51,0); "
        "diese Zusammenfassung stellt daher die Sicht der Kunden voran: der 9 Befragten außerhalb des PMO.",
        # headings from the notebook's markdown cells and code cells
        "Management Summary", "Wahrnehmungslücken", "Am stärksten aus Sicht der Kunden", "Datenqualität",
    ]
    for sentence in expected:
        assert sentence in text
    assert "Das R&D Portfolio Office von Stellbrook Pharmaceuticals ist ein PMO des Typs" in text
    assert english_leftovers(german) == []


@pytest.mark.slow
def test_engagement_language_makes_the_report_german(tmp_path):
    shutil.copy(examples_dir() / "pmo_responses.csv", tmp_path / "pmo_responses.csv")
    (tmp_path / "engagement.yaml").write_text(f'organisation: "{ORGANISATION}"\nlanguage: de\n', encoding="utf-8")
    spec = positioning_spec(tmp_path / "pmo_responses.csv", ORGANISATION)  # no language: the engagement's
    text = _spaces(_text(batch.render(spec, tmp_path / "out", ("html",))))
    assert "Management Summary" in text and "4 Kommentare sind eingegangen" in text
    assert "12 Befragte haben 94,2 % der ihnen vorgelegten Items" in text
