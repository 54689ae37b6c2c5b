"""German reports end to end: Korrin's positioning and portfolio reports rendered from an engagement file that says
``language: de``, as HTML, slides and Word, with no English sentence of the catalogue left in them."""

from __future__ import annotations

import pytest
import yaml

from pmo_workbench.reports import batch, spec as spec_module
from pmo_workbench.reports.engagement import demo_engagements
from tests.catalogue import docx_text, english_leftovers, html_text, pptx_text

pytestmark = pytest.mark.slow

KORRIN = "Korrin Regional Council"


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    """Both reports of Korrin in German (one batch: html, pptx, docx), the batch index in German too."""
    folder = tmp_path_factory.mktemp("engagements")
    path = demo_engagements(folder)[KORRIN]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(language="de", draft=True, prepared_for="Geschäftsführung, Korrin Regional Council")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    specs = [s for s in spec_module.demo_specs(engagements={KORRIN: path})
             if s.organisation == KORRIN and s.report in ("positioning", "portfolio")]  # the competency one: its own
    out = tmp_path_factory.mktemp("german")
    result = batch.run_batch(specs, out, ["html", "pptx", "docx"], jobs=2, progress=False, language="de")
    assert [o.status for o in result.outcomes] == ["rendered", "rendered"], [o.error for o in result.outcomes]
    return out, {o.report: o for o in result.outcomes}, result


def test_the_engagement_files_language_names_the_files(german):
    _, outcomes, _ = german
    assert outcomes["positioning"].name == "korrin-regional-council-positioning-de"
    assert outcomes["portfolio"].name == "korrin-regional-council-portfolio-de"



"""English of the portfolio deck's own module (its last line of actions), which the catalogue flags through the
deck machinery's shared "… and {n} more in the report": goes once that module's lines are translated."""


def test_the_html_pages_title_page_and_footer_are_german(german):
    out, outcomes, _ = german
    page = (out / "korrin-regional-council-positioning-de.html").read_text(encoding="utf-8")
    text = " ".join(html_text(page).split())
    assert 'lang="de"' in page.split("<head>")[0]
    assert "PMO-Bewertung PMO-Positionierungsanalyse Korrin Regional Council" in text  # kicker, title, client
    assert "Erstellt für Geschäftsführung, Korrin Regional Council Erstellt von Northgate Advisory" in text
    assert "Erhebungszeitraum Juni 2026" in text  # the answers' assessed_on: 9 to 21 June 2026
    assert "Version Entwurf (1.0)" in text and "Inhalt" in text and "Kernaussagen" in text
    assert "· Erhebungszeitraum Juni 2026 ·" in text and text.endswith("· Entwurf")  # the page footer
    portfolio = " ".join(html_text((out / "korrin-regional-council-portfolio-de.html").read_text("utf-8")).split())
    assert "Portfoliobericht Portfolio-Statusbericht Korrin Regional Council" in portfolio
    assert "Stichtag 31. Mai 2026" in portfolio
    for report in ("positioning", "portfolio"):
        html = (out / f"korrin-regional-council-{report}-de.html").read_text(encoding="utf-8")
        assert english_leftovers(html_text(html)) == [], report


def test_the_decks_title_slide_and_footer_are_german(german):
    out, _, _ = german
    text = pptx_text(out / "korrin-regional-council-positioning-de.pptx")
    assert text.startswith("PMO-Positionierungsanalyse\nKorrin Regional Council\n")
    for line in ("Erhebung vom 09.06.2026 bis 21.06.2026", "Erstellt für Geschäftsführung, Korrin Regional Council",
                 "Erstellt von Northgate Advisory", "Version 1.0 · ENTWURF", "ENTWURF · 2"):
        assert f"\n{line}\n" in text, line
    assert english_leftovers(text) == []
    portfolio = pptx_text(out / "korrin-regional-council-portfolio-de.pptx")
    assert portfolio.startswith("Portfolio-Statusbericht\nKorrin Regional Council\n")
    assert "\nErstellt für Geschäftsführung, Korrin Regional Council\n" in portfolio
    assert english_leftovers(portfolio) == []


CONFIDENTIAL = "Vertraulich: erstellt für den auf dieser Seite genannten Auftraggeber"  # the demo engagement's German


def test_the_word_documents_title_page_contents_and_footer_are_german(german):
    out, _, _ = german
    text = docx_text(out / "korrin-regional-council-positioning-de.docx")
    lines = text.split("\n")
    assert lines[:10] == ["PMO-Bewertung", "PMO-Positionierungsanalyse", "Korrin Regional Council",
                          "Corporate PMO, Digital Services PMO", "Erhebung vom 09.06.2026 bis 21.06.2026",
                          "Erstellt für Geschäftsführung, Korrin Regional Council", "Erstellt von Northgate Advisory",
                          "Version 1.0", CONFIDENTIAL, "ENTWURF"]
    assert lines[10:12] == ["Inhalt", "Inhaltsverzeichnis ohne Seitenzahlen: Klicken Sie in Word mit der rechten "
                            "Maustaste hierauf und wählen Sie „Feld aktualisieren“ (Word bietet dies beim Öffnen der "
                            "Datei an)."]
    assert "Kernaussagen" in lines
    assert lines[-1] == (f"Korrin Regional Council · PMO-Positionierungsanalyse · {CONFIDENTIAL} · Version 1.0 · "
                         "ENTWURF · Seite 1")
    portfolio = docx_text(out / "korrin-regional-council-portfolio-de.docx").split("\n")
    assert "Stichtag 31.05.2026" in portfolio[:6]
    for report in ("positioning", "portfolio"):
        assert english_leftovers(docx_text(out / f"korrin-regional-council-{report}-de.docx")) == [], report


def test_the_batch_index_is_in_the_batchs_language_and_names_each_reports(german):
    out, _, result = german
    page = result.index.read_text(encoding="utf-8")
    text = " ".join(html_text(page).split())
    assert '<html lang="de"' in page and text.startswith("PMO-Berichte PMO-Berichte 2 Berichte · erstellt am ")
    assert ("Organisation PMO Typ Zieltyp Gesamtwert Sprache Dateien Status Korrin Regional Council Corporate PMO"
            in text)
    assert "Deutsch DOCX · HTML · PPTX erstellt" in text
    assert english_leftovers(text) == []
