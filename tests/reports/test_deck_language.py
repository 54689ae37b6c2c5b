"""Decks and Word documents carry the report's language and their own properties; dates and full stops as the
reader writes them."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from pptx import Presentation

from pmo_workbench.i18n import use_language
from pmo_workbench.reports.deck import build_deck
from pmo_workbench.reports.deck_text import fieldwork_text, one_stop

from .test_deck import PORTFOLIO
from .test_document import _notebook, _spec


def _deck_bytes(language: str, locale: str | None = None) -> bytes:
    records = {**PORTFOLIO, "engagement": {"consultancy": "Northgate Advisory"}}
    buffer = io.BytesIO()
    with use_language(language, locale):
        build_deck("portfolio", records, organisation="Korrin").prs.save(buffer)
    return buffer.getvalue()


def _langs(data: bytes) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.endswith(".xml") and name.startswith("ppt/"):
                kind = name.split("/")[1]
                text = z.read(name).decode()
                found.setdefault(kind, set()).update(re.findall(r'\blang="([^"]*)"', text))
                found.setdefault(kind, set()).update(re.findall(r'<c:lang val="([^"]*)"', text))
    return found


def test_german_deck_is_tagged_in_its_locale_with_its_own_properties():
    data = _deck_bytes("de", "de_AT")
    langs = _langs(data)
    for kind in ("presentation.xml", "slideMasters", "slideLayouts", "slides", "charts"):
        assert langs[kind] == {"de-AT"}, kind
    prs = Presentation(io.BytesIO(data))
    core = prs.core_properties
    assert core.title == "Portfolio-Statusbericht – Korrin"
    assert core.author == core.last_modified_by == "Northgate Advisory"
    assert core.language == "de-AT" and core.created.year >= 2026 and "python-pptx" not in (core.comments or "")
    runs = [r for s in prs.slides for sh in s.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
            for r in p.runs]
    assert runs and all(r._r.find(r._r.rPr.tag) is not None for r in runs)


def test_english_deck_is_british_english():
    data = _deck_bytes("en")
    assert set().union(*_langs(data).values()) == {"en-GB"}
    core = Presentation(io.BytesIO(data)).core_properties
    assert core.title == "Portfolio health report – Korrin" and core.last_modified_by == "Northgate Advisory"


def test_word_document_default_language_follows_the_report():
    from pmo_workbench.reports.document import export_docx

    for language, locale, tag in (("de", "de_CH", "de-CH"), ("en", None, "en-GB")):
        with use_language(language, locale):
            data = export_docx(_notebook(), _spec(), date="2026-05-01")
        styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
        assert set(re.findall(r'<w:lang w:val="([^"]*)"', styles)) == {tag}
        assert docx.Document(io.BytesIO(data)).core_properties.language == tag


def test_fieldwork_dates_keep_sep_in_english_and_the_locale_form_in_german():
    assert fieldwork_text(["2026-09-15", "2026-09-23"]) == "Fieldwork 15 Sep 2026 to 23 Sep 2026"
    with use_language("de"):
        assert fieldwork_text(["2026-09-15", "2026-09-23"]) == "Erhebung vom 15.09.2026 bis 23.09.2026"


def test_never_two_full_stops():
    assert one_stop("VAC -EUR 2.7 Mio..") == "VAC -EUR 2.7 Mio."
    assert one_stop("geplant waren EUR 36.8 Mio.. Weiter …") == "geplant waren EUR 36.8 Mio. Weiter …"
    assert one_stop("Offen...") == "Offen..."


def test_the_method_slide_says_which_languages_were_used():
    from .test_deck import SCORES, _pmo, positioning_records

    records = positioning_records([_pmo("P", SCORES)])
    records["deck"]["languages"] = "Beantwortet auf Deutsch (7) und Englisch (5)."
    with use_language("de"):
        prs = Presentation(io.BytesIO(_saved(build_deck("positioning", records, organisation="A"))))
    method = [s for s in prs.slides if s.shapes.title.text_frame.text == "Anhang: Methode"]
    texts = [p.text for s in method for sh in s.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs]
    assert any(t.endswith("Beantwortet auf Deutsch (7) und Englisch (5).") for t in texts)


def _saved(deck) -> bytes:
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    return buffer.getvalue()


def test_money_axis_groups_thousands_as_the_locale_does():
    from pptx.enum.chart import XL_CHART_TYPE

    def risk_axis(language):
        prs = Presentation(io.BytesIO(_deck_bytes(language)))
        (chart,) = [s.chart for slide in prs.slides for s in slide.shapes
                    if s.has_chart and s.chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED]
        return chart.value_axis.tick_labels.number_format

    assert risk_axis("en") == "#,##0"
    assert risk_axis("de") == '[>=1000000]0"."000"."000;[>=1000]0"."000;0'  # 1.500.000 in any application
