"""The portfolio deck in German: built from the records a German report kernel writes (free text already in
German), inside ``use_language("de")`` as the batch builds it; slide titles and sentences worked out by hand, and
no English sentence of the catalogue left on any slide."""

from __future__ import annotations

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from pmo_workbench.i18n import use_language
from pmo_workbench.reports.deck import NotebookChart, build_deck
from pmo_workbench.reports.deck_portfolio import left_out_sentence

from tests.catalogue import english_leftovers, pptx_text
from tests.reports.test_deck import PORTFOLIO, _charts, _reopen, _texts, _values

# What the German kernel records: the same figures as the English fixture, its own words and money in German.
DECK = {
    **PORTFOLIO["deck"],
    "money": {"bac": "56,4 Mio. £", "eac": "57,8 Mio. £", "vac": "-1,4 Mio. £", "ev": "27,3 Mio. £",
              "ac": "28,2 Mio. £", "pv": "28,9 Mio. £"},
    "actions": [{"urgency": "now", "area": "delivery", "text": "Sanierungsreviews für 23 rote Projekte ansetzen."},
                {"urgency": "soon", "area": "risk", "text": "Zwei roten Bedrohungen einen Verantwortlichen geben."}],
    "risks": {**PORTFOLIO["deck"]["risks"], "summary": "266 offene Bedrohungen.", "measure": "EMV der Bedrohungen",
              "top": [{"name": "KRC-114 — Freizeitzentrum", "value": 1200000.0, "text": "1,2 Mio. £"},
                      {"name": "KRC-086 — Dach", "value": 650000.0, "text": "650,0 Tsd. £"}]},
    "resources": {**PORTFOLIO["deck"]["resources"],
                  "rows": [{"role": "Business-Analyst", "excess_fte": 11.85, "utilisation": 0.61}]},
    "selection": {**PORTFOLIO["deck"]["selection"], "budget": "28,8 Mio. £", "cost": "28,2 Mio. £",
                  "left_out": "2 Kandidaten"},
}
GERMAN = {**PORTFOLIO, "deck": DECK}


def _normal(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _german_deck(records, **kwargs):
    with use_language("de"):
        return build_deck("portfolio", records, organisation="Korrin", **kwargs)


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory):
    spec = {"data": {"values": [{"x": 1, "y": 2}]}, "mark": "point",
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}
    # the chart is found by its name: its caption is in German
    deck = _german_deck(GERMAN, charts=[NotebookChart("cpi_spi", "Kosten- gegen Termineffizienz je Projekt", spec)])
    path = tmp_path_factory.mktemp("deck-de") / "korrin-portfolio.pptx"
    deck.prs.save(str(path))
    return path


def test_the_german_portfolio_deck_has_german_titles_and_sentences(deck_file):
    prs = Presentation(str(deck_file))
    assert [s.shapes.title.text_frame.text for s in prs.slides] == [
        "Portfolio-Statusbericht", "Kernaussagen", "Überblick: Earned Value", "Ampelstatus nach PMO",
        "Risikoexposition", "Gemeinsam genutzte Ressourcen: Überlastung", "Abhängigkeiten",
        "Priorisierung und Auswahl", "Handlungsbedarf für das PMO", "Anhang: Methode und Datenqualität"]
    assert "Stichtag 31.05.2026" in _texts(prs.slides[0])
    headline = _texts(prs.slides[2])
    for line in ("94 von 160 Projekten laufend: 23 rot, 38 gelb, 31 grün, 2 mit zu prüfender Schätzung.",
                 "CPI 0,97 · SPI 0,94 (laufende Projekte, aus den summierten Werten).",
                 "EAC 57,8 Mio. £ bei einem Budget (BAC) von 56,4 Mio. £; VAC -1,4 Mio. £.",
                 "Fertigstellungswert 27,3 Mio. £ bei Istkosten von 28,2 Mio. £; geplant waren 28,9 Mio. £.",
                 "35 abgeschlossene Projekte, gesondert gezählt (CPI 0,99)."):
        assert line in headline
    assert [s for s in prs.slides[2].shapes if s.shape_type == 13]  # the named chart, found despite its caption
    (rag,) = _charts(prs, XL_CHART_TYPE.BAR_STACKED)
    assert _values(rag) == {"Rot": [12, 4], "Gelb": [20, 5], "Grün": [30, 6], "Schätzung prüfen": [1, 0]}
    assert "Enterprise PMO: CPI 0,97, SPI 0,94" in _texts(prs.slides[3])
    (risk,) = _charts(prs, XL_CHART_TYPE.BAR_CLUSTERED)
    assert list(_values(risk)) == ["EMV der Bedrohungen (GBP)"]
    resources = _normal(_texts(prs.slides[5]))
    assert "2 von 12 Rollen in 12 Rollenmonaten überlastet, 11 davon allein durch zugesagte Arbeit." in resources
    assert ("Business-Analyst: insgesamt 11,85 VZÄ über der Kapazität, durchschnittlich zu 61 % ausgelastet"
            in resources)
    dependencies = _texts(prs.slides[6])
    for line in ("Zyklus: A benötigt B benötigt A", "1 Verknüpfung zu spät fällig.",
                 "Am kritischsten: A benötigt C, 42 Tage vor dessen erwartetem Abschluss.",
                 "Längste Kette (300 Tage): C → A"):
        assert line in dependencies
    selection = _texts(prs.slides[7])
    for line in ("Innerhalb von 28,8 Mio. £: 3 von 5 Kandidaten finanziert, Kosten 28,2 Mio. £ (optimal).",
                 "Finanziert: A; B; C.", "Nicht berücksichtigt: 2 Kandidaten."):
        assert line in selection
    (table,) = [s.table for s in prs.slides[8].shapes if s.has_table]
    assert [[c.text_frame.text for c in row.cells] for row in table.rows] == [
        ["Wann", "Bereich", "Maßnahme"],
        ["Sofort", "Umsetzung", "Sanierungsreviews für 23 rote Projekte ansetzen."],
        ["In den nächsten Wochen", "Risiko", "Zwei roten Bedrohungen einen Verantwortlichen geben."]]
    appendix = _texts(prs.slides[9])
    for line in ("EAC-Methode: typisch; Währung GBP.",
                 "Datenqualität: 1 Fehler, 12 Hinweise, 52 Warnungen. Der Bericht führt jeden Befund einzeln auf.",
                 "Alle Zahlen stammen aus der Portfolio-Arbeitsmappe mit Stand zum Stichtag."):
        assert line in appendix


def test_no_english_sentence_is_left_on_the_german_deck(deck_file):
    text = pptx_text(deck_file)
    assert "Stichtag" in text
    assert english_leftovers(text) == []


def test_the_english_deck_is_unchanged_and_has_english_left_by_that_test():
    """The check above can fail: the English deck is full of the catalogue's sentences."""
    prs = _reopen(build_deck("portfolio", PORTFOLIO, organisation="Korrin"))
    text = "\n".join(_texts(s) for s in prs.slides)
    assert "What the PMO should act on" in text
    assert english_leftovers(text)


def test_what_the_workbook_lacks_and_the_rarer_sentences_in_german():
    without = {k: v for k, v in DECK.items() if k not in ("risks", "resources", "dependencies")}
    prs = _reopen(_german_deck({**GERMAN, "deck": without}))
    assert [s.shapes.title.text_frame.text for s in prs.slides][4] == "Von dieser Arbeitsmappe nicht abgedeckt"
    text = _texts(prs.slides[4])
    for line in ("Kein Blatt „risks“, daher keine Aussage zur Risikoexposition.",
                 "Kein Blatt „assignments“, daher keine Aussage zur Überlastung gemeinsam genutzter Rollen.",
                 "Kein Blatt „dependencies“, daher keine Aussage zu Abhängigkeiten zwischen Projekten.",
                 "Ergänzen Sie die Blätter in der Arbeitsmappe und erstellen Sie den Bericht erneut, um diese Punkte "
                 "abzudecken."):
        assert line in text
    assert english_leftovers(text) == []

    late = {**DECK["dependencies"], "late": [{"project": "A", "needs": "C", "days": 1, "needed_by": "2026-06-15",
                                              "date_from": "start"}]}
    no_risks = {k: v for k, v in DECK.items() if k != "risks"}
    prs = _reopen(_german_deck({**GERMAN, "deck": {**no_risks, "dependencies": late,
                                                   "selection": {"status": "no budget", "candidates": 1}}}))
    assert ("Nicht abgedeckt: Der Arbeitsmappe fehlt das Blatt risks, daher keine Aussage zu: Risikoexposition."
            in _texts(prs.slides[-1]))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    dependencies = _texts(prs.slides[titles.index("Abhängigkeiten")])
    assert ("Am kritischsten: A benötigt C zum 15.06.2026 (geplanter Start), 1 Tag vor dessen erwartetem Abschluss."
            in dependencies)
    selection = _texts(prs.slides[titles.index("Priorisierung und Auswahl")])
    assert ("1 Kandidat bewertet; da kein Budget vorgegeben wurde, wird keine Auswahl empfohlen: Die Effizienzkurve "
            "im Bericht zeigt, was jedes Budget ermöglicht.") in selection

    with use_language("de"):
        actions = [{"urgency": u} for u in ("now", "soon", "soon", "watch")]
        assert left_out_sentence(actions) == ("… und 4 weitere im Bericht: 1 sofort, 2 in den nächsten Wochen, "
                                              "1 im Blick zu behalten.")
