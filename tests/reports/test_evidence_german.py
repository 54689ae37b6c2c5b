"""The portfolio evidence and the roadmap beside it in German: every sentence from the catalogue, worked out by
hand on the triangulation fixtures of ``test_evidence`` (see its docstring for the counts)."""

from __future__ import annotations

from pmo_workbench.i18n import use_language
from pmo_workbench.reports import evidence as ev
from tests.catalogue import english_leftovers
from tests.reports.test_evidence import analysis, assessed, inputs  # noqa: F401  (fixtures)


def _text(found) -> str:
    parts = [found.cut_off_sentence(), *found.coverage_notes()]
    for e in found.pmos:
        parts.append(e.note)
        shown = e.shown_rows()
        # the late-links sentence is the portfolio's own (pmo_workbench.portfolio.links), tested there
        mine = shown[shown["measure"] != "dependency_conflicts"]
        for column in ("measure_label", "perceived", "agreement", "sentence", "verdict_text"):
            parts.extend(str(v) for v in mine[column])
        parts.extend(str(v) for v in e.rows["verdict_text"])
    return "\n".join(parts)


def test_the_evidence_in_german(assessed, analysis):  # noqa: F811
    with use_language("de"):
        found = ev.portfolio_evidence(assessed.assessments, analysis)
        digital, corporate, research = found.get("Digital PMO"), found.get("Corporate PMO"), found.get("Research PMO")
        text = _text(found)
        cut_off, notes = found.cut_off_sentence(), found.coverage_notes()
        shown = digital.shown_rows().set_index("measure")
    assert digital.note == (
        "Kennzahlen der 3 Projekte, die die Arbeitsmappe digital pmo zuordnet. Die Arbeitsmappe schreibt digital pmo "
        "auf 3 Arten (digital pmo, DIGITAL PMO, Digital PMO): Hier gilt das als ein PMO, der Portfoliobericht zählt "
        "jedoch jede Schreibweise als eigenes PMO, sodass seine Kennzahlen nach PMO diese Projekte aufteilen.")
    sentences = dict(zip(digital.rows["measure"], digital.rows["sentence"]))
    assert sentences["over_allocation"] == (
        "1 Rolle ist im Juli 2026 durch zugesagte Arbeit überbucht (betroffene Rollenmonate: 1; "
        "Grundlage: 2 Rollenmonate, in denen die zugesagte Arbeit dieser Projekte (aktiv, pausiert) "
        "eine Rolle beansprucht).")
    assert sentences["unvalued"] == (
        "1 von 3 Projekten in der Auswahl hat keinen Wert (weder eine Bewertung nach Kriterien noch einen "
        "strategischen Wert), daher kann die Auswahl es nicht einordnen.")
    assert sentences["stale_updates"] == ("Letzte Statusmeldung mehr als 35 Tage vor dem 30. Juni 2026 (oder keine): "
                                          "1 von 2 laufenden Projekten.")
    assert sentences["no_objective"] == ("2 von 3 offenen Projekten (vorgeschlagen, aktiv oder pausiert) nennen kein "
                                         "strategisches Ziel.")
    assert digital.rows.set_index("measure").loc["over_allocation", "verdict_text"] == (
        "Belege widersprechen der Wahrnehmung: in der Zusammenfassung eine relative Stärke, doch die Belege zeigen "
        "ein Problem")
    assert (shown.loc["over_allocation", "measure_label"], shown.loc["over_allocation", "perceived"],
            shown.loc["over_allocation", "verdict_text"]) == (
        "Überbuchte Rollenmonate", "in der Zusammenfassung eine relative Stärke",
        "Belege widersprechen der Wahrnehmung")
    # Corporate: a priority whose count is clean; nothing of its one open project lacks an objective
    rows = corporate.rows.set_index("measure")
    assert rows.loc["unvalued", "verdict_text"] == ("das Portfolio zeigt die Schwäche nicht: in der Zusammenfassung "
                                                    "eine Priorität, doch diese Zählung ist unauffällig")
    assert rows.loc["unvalued", "sentence"] == "Keines von 1 Projekt in der Auswahl ist ohne Wert."
    assert rows.loc["no_objective", "sentence"] == "Keines von 1 offenen Projekt ist ohne strategisches Ziel."
    assert research.note == "Die Portfolio-Arbeitsmappe enthält kein Projekt von Research PMO."
    assert notes == ["Das weitere PMO der Arbeitsmappe (Estates PMO) wurde nicht bewertet; seine Projekte fließen in "
                     "die Kennzahlen keines PMO ein."]
    assert "wenn mindestens 10\xa0% davon betroffen sind" in cut_off and "älter als 35 Tage ist" in cut_off
    assert english_leftovers(text) == []


def test_the_organisation_wide_note_in_german(assessed, analysis):  # noqa: F811
    digital = [a for a in assessed.assessments if a.pmo == "Digital PMO"]
    renamed = [a.__class__(**{**a.__dict__, "pmo": "Digital Services"}) for a in digital]
    with use_language("de"):
        e = ev.portfolio_evidence(renamed, analysis).get("Digital Services")
    assert e.note == ("Kein PMO der Arbeitsmappe (digital pmo, Corporate PMO, Estates PMO) entspricht einem bewerteten "
                      "PMO; dies sind daher die organisationsweiten Kennzahlen aller 6 Projekte.")
    # Analyst 07 and Tester 07 over-allocated, of Analyst 07, Analyst 08 and Tester 07
    assert e.rows.set_index("measure").loc["over_allocation", "sentence"] == (
        "2 Rollen sind im Juli 2026 durch zugesagte Arbeit überbucht (betroffene Rollenmonate: 2; "
        "Grundlage: 3 Rollenmonate, in denen die zugesagte Arbeit dieser Projekte (aktiv, pausiert) "
        "eine Rolle beansprucht).")


def test_the_shown_rows_in_english_are_the_words_the_report_shows(assessed, analysis):  # noqa: F811
    e = ev.portfolio_evidence(assessed.assessments, analysis).get("Digital PMO")
    shown = e.shown_rows()
    assert list(shown["verdict_text"]) == list(e.rows["verdict"].map(ev.VERDICT_WORDS))
    assert list(shown["perceived"]) == list(e.rows["perceived"].map(ev.PERCEIVED_WORDS))
    assert list(shown["agreement"]) == list(e.rows["agreement"])
    assert ev.verdict_words("contradicts") == "evidence contradicts perception"
