"""The portfolio health report in German, end to end: the bundled Stellbrook Pharmaceuticals portfolio at
2026-09-30 rendered with ``language="de"``.

Worked by hand from the portfolio's roll-up (the JSON of ``pmo-workbench portfolio``): 40 projects, 21 in flight
(active and on hold), 19 red, 1 amber, none to check; in flight EV 34,517,779.51, AC 35,964,670.91, PV 36,763,242
(German: 34,5 Mio. €, 36 Mio. €, 36,8 Mio. €), CPI 34,517,779.51 / 35,964,670.91 = 0.960 (0,96), SPI
34,517,779.51 / 36,763,242 = 0.939 (0,94), EAC 75,223,968 against BAC 72,557,000: VAC -2,666,968, an overrun of
2,7 Mio. €. The default bands: green 0.95-1.05, amber 0.90-1.10. STB-003 last reported on 2026-06-30: 31 + 31 + 30
= 92 days before the status date, more than the 35 allowed, and it is the one stale project (singular forms).
Risks are rated 1-5: 102 open threats (15 red), 16 open opportunities, exposure index 745.
"""

from __future__ import annotations

import re

import pytest

import pmo_workbench as pw
from pmo_workbench.reports.batch import render
from pmo_workbench.reports.spec import portfolio_spec
from tests.catalogue import english_leftovers, html_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    spec = portfolio_spec(pw.examples_dir() / "portfolios" / "stellbrook-pharmaceuticals.xlsx",
                          "Stellbrook Pharmaceuticals", as_of="2026-09-30", language="de")
    outcome = render(spec, tmp_path_factory.mktemp("portfolio-de"), ("html",))
    assert outcome.status == "rendered", outcome.error
    with open(outcome.files["html"], encoding="utf-8") as f:
        text = html_text(f.read())
    return outcome, re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


@pytest.mark.parametrize("sentence", [
    # the executive summary
    "Das Portfolio von Stellbrook Pharmaceuticals umfasst 40 Projekte; 21 davon laufen, darunter 19 rot, 1 gelb und "
    "0 mit einer zu prüfenden, offenbar zu großzügigen Schätzung.",
    "Über die 21 laufenden Projekte (aktiv und pausiert) gerechnet hat das Portfolio einen Fertigstellungswert von "
    "34,5 Mio. € bei Istkosten von 36 Mio. € erzielt (CPI 0,96), geplant waren 36,8 Mio. € (SPI 0,94); es wird "
    "voraussichtlich sein Budget um 2,7 Mio. € überschreiten.",
    # one stale project: the singular forms
    "1 laufendes Projekt hat zuletzt mehr als 35 Tage vor dem Stichtag oder nie berichtet: STB-003 — SB-204 Phase II "
    "study. Seine Kennzahlen beschreiben einen älteren Stand als dieser Bericht; fordern Sie eine aktuelle Meldung an.",
    "Projekt STB-003 hat zuletzt am 30. Juni 2026 berichtet, 92 Tage vor dem Stichtag (mehr als 35): Seine Kennzahlen "
    "beschreiben einen älteren Stand.",
    # risk, rated 1-5
    "102 offene Bedrohungen (15 davon in der roten Zone) und 16 offene Chancen. Die Auswirkungen sind auf einer Skala "
    "von 1–5 bewertet, nicht in Geld; einen erwarteten Geldwert gibt es daher nicht: Der Expositionsindex von 745 ist "
    "die Summe der Punktwerte aus Wahrscheinlichkeit × Auswirkung der offenen Bedrohungen (je 1–25);",
    # the method, with the default bands in German numbers
    "Stichtag 30. September 2026; EAC-Methode typisch.",
    "Ampel: grün 0,95–1,05, gelb 0,90–1,10 außerhalb von Grün, rot unter 0,90 und „Schätzung prüfen“ über 1,10 (eine "
    "so große Unterschreitung stellt die Schätzung infrage).",
    # headings from the markdown cells and the closing section
    "Management Summary",
    "Worauf das PMO reagieren sollte",
])
def test_german_report_says_it_in_german(german, sentence):
    assert sentence in german[1]


def test_german_report_leaves_no_english_sentence_of_the_catalogue(german):
    assert english_leftovers(german[1]) == []


def test_german_report_records_its_sentences_for_the_deck_in_german(german):
    records = german[0].records
    assert records["subtitle"] == "Stichtag 30. September 2026"
    assert records["as_of"] == "2026-09-30"    # data stays data
    overrun = next(a for a in records["actions"] if a.startswith("Das Portfolio wird sein Budget"))
    assert overrun.replace("\xa0", " ") == (
        "Das Portfolio wird sein Budget voraussichtlich um 2,7 Mio. € überschreiten (EAC 75,2 Mio. € bei einem BAC "
        "von 72,6 Mio. €, CPI 0,96). Entscheiden Sie, woher die Mittel kommen oder welcher Umfang entfällt.")
