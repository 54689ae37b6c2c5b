"""The progress report in German: its sentences worked out from the two-wave fixture of
``test_progress_report.py`` (Support +37.5 points, Welch 95 % CI 37.5 -/+ 51.35651 = -13.9 to +88.9: it holds 0,
so "keine klare Veränderung"; overall 50.0 in 2025 and 87.5 in 2026), and the rendered report and deck holding no
English sentence of the catalogue."""

from __future__ import annotations

import shutil

import pytest

from pmo_workbench.assessment import progress_report as words
from pmo_workbench.i18n import use_language
from pmo_workbench.reports.batch import render
from pmo_workbench.reports.spec import progress_spec

from ..catalogue import english_leftovers, html_text, pptx_text
from .test_progress_report import PEOPLE, _write


@pytest.fixture(scope="module")
def waves(tmp_path_factory, tiny_path):
    folder = tmp_path_factory.mktemp("progress-de")
    shutil.copy(tiny_path, folder / "tiny.yaml")
    return _write(folder / "waves.csv", PEOPLE)


def test_the_progress_sentences_in_german(waves):
    with use_language("de"):
        data = words.progress_input(waves, "Org", "PMO", instrument=waves.parent / "tiny.yaml", min_group_size=1)
        lines = words.headline(data.progress, data.type_labels)
        table = words.change_table(data.progress).set_index("dimension")
    assert lines[:2] == [
        "Der Gesamtwert (2025: 50,0; 2026: 87,5): +37,5 Punkte, doch das 95-%-KI (-13,9 bis +88,9) enthält die 0, "
        "Zufall ist also nicht auszuschließen.",
        "0 von 2 verglichenen Dimensionen haben sich bedeutsam verbessert; 0 haben sich verschlechtert."]
    assert table.loc["sup", "ci_text"] == "-13,9 bis +88,9"
    assert table.loc["sup", "verdict_text"] == "keine klare Veränderung"
    assert table.loc["ppl", "verdict_text"] == "zu wenige Antworten"
    with use_language("en"):
        assert words.ci_text(-13.94, 88.86) == "-13.9 to +88.9"


@pytest.mark.slow
def test_a_german_progress_report_and_deck_hold_no_english_sentence(waves, tmp_path):
    spec = progress_spec(waves, "Org", "PMO", instrument=waves.parent / "tiny.yaml", min_group_size=1,
                         language="de")
    outcome = render(spec, tmp_path, ("html", "pptx"))
    assert outcome.status == "rendered", outcome.error
    page = html_text(open(outcome.files["html"], encoding="utf-8").read())
    deck = pptx_text(outcome.files["pptx"])
    assert "Der Gesamtwert (2025: 50,0; 2026: 87,5): +37,5 Punkte" in " ".join(page.split())
    assert "Veränderungen und ihre Konfidenz" in deck and "Umsetzung der Roadmap" not in deck  # no roadmap given
    assert english_leftovers(page) == [] and english_leftovers(deck) == []
