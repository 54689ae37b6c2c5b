"""The positioning deck in German: built from records a German report wrote (the kernel writes them in the
report's language), its own titles, headings, tables and notes from the catalogue, worked out by hand."""

from __future__ import annotations

import pytest

from pmo_workbench.i18n import use_language
from pmo_workbench.reports.deck import build_deck
from tests.catalogue import english_leftovers, pptx_text
from tests.reports.test_deck import _pmo, _reopen, _texts, positioning_records

DIMENSIONS = [{"id": "mandate", "label": "Mandat und Befugnisse"},
              {"id": "methodology", "label": "Methodik und Standards"},
              {"id": "portfolio", "label": "Portfolioauswahl"}]
ROLES = [{"id": "executive", "label": "Führungskraft"}, {"id": "pmo_staff", "label": "PMO-Team"},
         {"id": "project_manager", "label": "Projektleitung"}]
SCORES = {"mandate": 38.0, "methodology": 61.2, "portfolio": 33.0}
PHASES = {1: "Jetzt (0–3 Monate)", 2: "Als Nächstes (3–6 Monate)", 3: "Später (6–12 Monate)"}
INITIATIVES = {"initiatives": [
    {"id": "I1", "title": "PMO-Charta vereinbaren", "workstream": "governance", "workstream_label": "Governance",
     "phase": 1, "phase_label": PHASES[1], "owner_role": "Sponsor", "duration_weeks": 6, "effort": "high",
     "impact": "high", "kpi": "Charta unterzeichnet", "because": "Reifegrad: Mandat und Befugnisse auf Stufe 2; "
     "beginnt sofort.", "evidence": [], "steps": []},
    {"id": "I2", "title": "Portfolio-Board einrichten", "workstream": "portfolio", "workstream_label": "Portfolio",
     "phase": 2, "phase_label": PHASES[2], "owner_role": "PMO-Leitung", "duration_weeks": 12, "effort": "medium",
     "impact": "high", "kpi": "Monatliches Board findet statt", "because": "Reifegrad: Portfolioauswahl auf Stufe "
     "2; frühere Phasen sind ausgelastet.", "evidence": [], "steps": []},
], "deferred": []}
ENGAGEMENT = {"client": "Alpha GmbH", "consultancy": "Nordwind Beratung", "prepared_for": "Geschäftsführung",
              "fieldwork": ["2026-03-02", "2026-03-27"], "confidentiality": "Vertraulich", "version": "1.0",
              "key_messages": ["Die Projektleitungen vertrauen dem PMO.", "Sein Mandat ist nicht schriftlich "
                                                                          "festgehalten."]}


def _german_pmo(name: str, scores: dict[str, float] = SCORES) -> dict:
    return _pmo(name, scores, type_label="Controlling", target_label="Strategisch", level_words="Stufe 3 von 5",
                sentence=f"{name} ist ein PMO vom Typ Controlling.",
                profile_sentence="Es erfüllt den Typ Controlling vollständig.",
                profile=[{"type": "supportive", "label": "Unterstützend", "gates": 2, "passed": 2, "met": 1},
                         {"type": "controlling", "label": "Controlling", "gates": 3, "passed": 3, "met": 2}],
                gaps=["Das PMO-Team bewertet Mandat und Befugnisse 19,0 Punkte höher als die Projektleitungen."],
                data_basis="12 Befragte (Projektleitung 8, 4 in Rollen, die zu klein sind, um sie getrennt zu "
                           "zeigen).")


def _records(pmos: list[dict], **extra) -> dict:
    records = positioning_records(pmos, **extra)
    records["deck"].update(dimensions=DIMENSIONS, roles=ROLES, method=["Itemwert = 100 × (Antwort − 1) / 4."],
                           instrument={"id": "pmo-core", "version": "2.0", "title": "PMO-Kern", "items": 12,
                                       "dimensions": 3, "scale": [1, 5]})
    return records


def test_one_pmo_deck_in_german(tmp_path):
    records = _records([_german_pmo("Corporate PMO")], engagement=ENGAGEMENT,
                       **{"roadmap/Corporate PMO": INITIATIVES})
    with use_language("de"):
        deck = build_deck("positioning", records, organisation="Alpha GmbH")
        path = deck.save(tmp_path / "deck.pptx")
    prs = _reopen(deck)
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles == ["PMO-Positionierungsanalyse", "Kernaussagen", "Typprofil und Ziel", "Reifegrad nach Dimension",
                      "Profil über die Dimensionen", "Wahrnehmungslücken nach Rolle", "Roadmap auf einer Seite",
                      "Die Initiativen", "Anhang: Methode", "Anhang: Datenqualität und ausgeblendete Gruppen"]
    profile = _texts(prs.slides[2])
    assert "Controlling; Ziel Strategisch noch nicht erreicht. Gesamt 54,8, Stufe 3 von 5." in profile
    assert "Bis zum Ziel fehlen: Portfolioauswahl: 12,5 Punkte." in profile
    for heading in ("Typ", "Schwellen erreicht", "Erfüllt (ganzes Intervall)", "2 von 3"):
        assert heading in profile
    assert ("Am höchsten Methodik und Standards (61,2), am niedrigsten Portfolioauswahl (33,0)."
            in _texts(prs.slides[3]))
    perception = _texts(prs.slides[5])
    assert ("Gruppen mit weniger als 3 Befragten werden zum Schutz der Anonymität nicht gezeigt. Nicht gezeigt: "
            "Führungskraft. Einzelne Dimensionen ausgeblendet für: PMO-Team.") in perception
    (roadmap,) = [s.table for s in prs.slides[6].shapes if s.has_table]
    assert [c.text_frame.text for c in roadmap.rows[0].cells] == ["Handlungsfeld", PHASES[1], PHASES[2]]
    (table,) = [s.table for s in prs.slides[7].shapes if s.has_table]
    assert [c.text_frame.text for c in table.rows[0].cells] == ["Initiative", "Verantwortlich", "Wochen", "KPI",
                                                                 "Begründung"]
    assert ("Instrument: PMO-Kern (pmo-core 2.0), 12 Items in 3 Dimensionen, beantwortet auf einer Skala (1-5)."
            in _texts(prs.slides[8]))
    quality = _texts(prs.slides[9])
    assert ("Rollengruppen mit weniger als 3 Befragten werden in jeder Aufschlüsselung ausgeblendet, ebenso Zellen, "
            "aus denen sich eine verborgene Gruppe erschließen ließe.") in quality
    assert "90\xa0% der gestellten Items wurden auf der Skala beantwortet; \u201eweiß nicht\u201c: 6\xa0%." in quality
    assert english_leftovers(pptx_text(path)) == []


@pytest.mark.parametrize("n", [3])
def test_several_pmos_deck_in_german(tmp_path, n):
    pmos = [_german_pmo(f"PMO {i}", {k: v + i for k, v in SCORES.items()}) for i in range(n)]
    with use_language("de"):
        deck = build_deck("positioning", _records(pmos), organisation="Alpha GmbH")
        path = deck.save(tmp_path / "deck.pptx")
    prs = _reopen(deck)
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert "Wahrnehmungslücken nach Rolle: PMO 0" in titles
    types = _texts(prs.slides[2])
    for words in ("PMO", "Ebene", "Typ", "Ziel", "Gesamt", "Reifegrad", "Unternehmen"):
        assert words in types
    assert "Für diese Bewertung wurde keine Roadmap vorgeschlagen." in _texts(prs.slides[titles.index(
        "Roadmap auf einer Seite")])
    assert english_leftovers(pptx_text(path)) == []
