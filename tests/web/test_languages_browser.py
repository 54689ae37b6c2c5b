"""A real browser (Playwright driving Debian's Chromium) in the respondent's language: a German invitation opened
by an English-speaking browser shows German pages (items, scale labels, buttons, consent), a link without a
language follows the browser's ``Accept-Language``, and no English sentence of the catalogue is left on the
German pages."""

from __future__ import annotations

import pytest

from ..bilingual import ENGLISH_ITEMS, GERMAN_ITEMS
from ..catalogue import english_leftovers, html_text
from .conftest import running
from .test_browser import ARGS
from .test_languages import BROWSER, DE, EN, bilingual  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _text(page) -> str:
    return " ".join(html_text(page.content()).split())


def test_pages_in_the_invitations_or_the_browsers_language(bilingual, chromium):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with running(bilingual.app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        # A German invitation, a browser asking for English: German, script on (the comment counter).
        context = browser.new_context(extra_http_headers={"Accept-Language": "en-GB,en;q=0.9"})
        page = context.new_page()
        page.goto(f"{base}/r/{bilingual.tokens[DE]}")
        assert page.locator("html").get_attribute("lang") == "de"
        welcome = _text(page)
        assert english_leftovers(welcome) == []
        assert "Sie antworten als: Führungskraft." in welcome
        page.get_by_role("button", name="Fragebogen beginnen").click()
        assert "Es gibt ein Problem" in page.locator("#error-summary").inner_text()
        page.get_by_label("Ich habe die obigen Informationen gelesen und bin mit der Teilnahme einverstanden.").check()
        page.get_by_role("button", name="Fragebogen beginnen").click()
        assert page.locator(".progress label").inner_text() == "Seite 1 von 2"
        assert page.locator("h1").inner_text() == "Steuerung"
        legends = page.locator("legend").all_inner_texts()
        assert [text.split(" ", 1)[1] for text in legends] == list(GERMAN_ITEMS[:2])
        assert page.locator("label[for='G1-opt-first']").inner_text() == "1 Stimme überhaupt nicht zu"
        assert page.locator("label[for='G1-opt-5']").inner_text() == "5 Stimme voll und ganz zu"
        assert page.locator("label[for='G1-opt-dk']").inner_text() == "Weiß nicht"
        assert page.locator(".counter").inner_text() == "noch 2000 Zeichen"
        page.get_by_label("Kommentar zu „Steuerung“ (optional)").fill("Gut.")
        assert page.locator(".counter").inner_text() == "noch 1996 Zeichen"
        first = _text(page)
        assert english_leftovers(first) == [] and ENGLISH_ITEMS[0] not in first
        page.locator("label[for='G1-opt-4']").click()
        page.get_by_role("button", name="Speichern und weiter").click()
        assert page.locator(".progress label").inner_text() == "Seite 2 von 2"
        assert english_leftovers(_text(page)) == []
        page.get_by_role("button", name="Speichern und weiter").click()
        review = _text(page)
        assert "1 von 4 Aussagen beantwortet" in review and english_leftovers(review) == []
        page.get_by_role("button", name="Antworten absenden").click()
        assert page.locator("h1").inner_text() == "Vielen Dank" and english_leftovers(_text(page)) == []
        # No language in the invitation: the browser's. German first, then English in a new context.
        for header, lang, button in (("de-DE,de;q=0.9", "de", "Fragebogen beginnen"),
                                     ("en-US,en;q=0.9", "en", "Start the questionnaire")):
            page = browser.new_context(extra_http_headers={"Accept-Language": header}).new_page()
            page.goto(f"{base}/r/{bilingual.tokens[BROWSER]}")
            assert page.locator("html").get_attribute("lang") == lang
            assert page.get_by_role("button", name=button).count() == 1
        # An English invitation stays English for a German browser.
        page = browser.new_context(extra_http_headers={"Accept-Language": "de-DE"}).new_page()
        page.goto(f"{base}/r/{bilingual.tokens[EN]}")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "I have read the above and agree to take part." in _text(page)
        browser.close()
    assert bilingual.store.responses(bilingual.assessment)["language"].dropna().unique().tolist() == ["de"]
