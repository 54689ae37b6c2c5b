"""A real browser (Playwright driving Debian's Chromium) answers an invitation from its link, served by uvicorn
on 127.0.0.1: consent, every page, one "don't know", one comment, the page closed and the link opened again,
submit; then the store holds exactly those answers and the link refuses. JavaScript is off for the whole
way (the pages must work without it); a second check at a phone's width (390 px) runs with it on."""

from __future__ import annotations

import pytest

from pmo_workbench.reports.pdf import CHROMIUM_ARGS

from .conftest import running

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANN, EVE = "ann@example.org", "eve@example.org"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_a_respondent_answers_in_a_browser_with_javascript_off(survey, chromium):
    from playwright.sync_api import sync_playwright

    assert set(ARGS) <= set(CHROMIUM_ARGS)
    link_path = f"/r/{survey.token(ANN)}"
    with running(survey.app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(base + link_path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Group PMO" in page.locator("h1").inner_text()
        page.keyboard.press("Tab")  # the skip link comes first
        assert page.evaluate("document.activeElement.className") == "skip-link"
        # consent: the button alone is refused with an error summary, then the box ticked by its label
        page.get_by_role("button", name="Start the questionnaire").click()
        assert "There is a problem" in page.locator("#error-summary").inner_text()
        page.get_by_label("I have read the above and agree to take part.").check()
        page.get_by_role("button", name="Start the questionnaire").click()
        assert page.url.endswith(f"{link_path}/page/1")
        assert page.locator(".progress label").inner_text() == "Page 1 of 3"
        # page 1: G1 4, G2 don't know, G3 2, G4 5 and a comment
        page.locator("label[for='G1-opt-4']").click()
        page.locator("label[for='G2-opt-dk']").click()
        page.locator("label[for='G3-opt-2']").click()
        page.locator("label[for='G4-opt-5']").click()
        page.get_by_label("Comment on governance (optional)").fill("Decisions are <b>quick</b> & clear.")
        page.get_by_role("button", name="Save and continue").click()
        assert page.url.endswith("/page/2") and page.locator(".progress label").inner_text() == "Page 2 of 3"
        assert page.locator("fieldset").count() == 1  # S2 is not put to executives
        page.locator("label[for='S1-opt-3']").click()
        page.get_by_role("button", name="Save and continue").click()
        assert page.url.endswith("/page/3")
        # leave the page, open the link again in a new tab: back on page 3, the first not yet answered.
        # The old tab is not closed: closing a tab while Chromium commits a navigation can hang for ever.
        page.wait_for_load_state("load")
        page = context.new_page()
        page.goto(base + link_path)
        assert page.url.endswith(f"{link_path}/page/3")
        page.locator("label[for='P1-opt-first']").click()
        for n in range(2, 6):
            page.locator(f"label[for='P{n}-opt-{n}']").click()
        page.get_by_role("button", name="Save and continue").click()
        assert page.url.endswith("/review") and "You have answered every statement." in page.content()
        page.get_by_role("button", name="Send my answers").click()
        assert "/thanks" in page.url and page.locator("h1").inner_text() == "Thank you"
        refused = page.goto(base + link_path)
        assert refused.status == 404 and page.locator("h1").inner_text() == "This link cannot be used"
        browser.close()
    stored = survey.store.responses(survey.assessment)
    assert stored["respondent"].nunique() == 1 and set(stored["role"]) == {"executive"}
    values = {row.item: row.value for row in stored.itertuples()}
    expected = {"G1": 4, "G2": None, "G3": 2, "G4": 5, "S1": 3, "P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 5}
    assert {k: (None if v != v else int(v)) for k, v in values.items()} == expected
    respondent = survey.store.respondents(survey.assessment).iloc[0]
    assert (respondent["answered"], respondent["dont_know"], respondent["not_applicable"]) == (10, 1, 0)
    comments = {k: v for k, v in stored.set_index("item")["comment"].dropna().items() if v}
    assert comments == {"G1": "Decisions are <b>quick</b> & clear."}


def test_the_pages_fit_a_phone_screen_390_px_wide(survey, chromium):
    from playwright.sync_api import sync_playwright

    link_path = f"/r/{survey.token(EVE)}"
    with running(survey.app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "Failed to load resource: "
                "the server responded with a status of 400" not in m.text else None)  # the refused consent: meant
        page.goto(base + link_path)
        widths = {"welcome": page.evaluate("document.documentElement.scrollWidth")}
        page.get_by_role("button", name="Start the questionnaire").click()
        # with script on, the error summary takes the focus
        assert page.evaluate("document.activeElement.id") == "error-summary"
        page.get_by_label("I have read the above and agree to take part.").check()
        with page.expect_navigation():  # measured once the next page is there, not while it replaces this one
            page.get_by_role("button", name="Start the questionnaire").click()
        widths["page 1"] = page.evaluate("document.documentElement.scrollWidth")
        for _ in range(3):
            with page.expect_navigation():
                page.get_by_role("button", name="Save and continue").click()
        widths["review"] = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    assert all(width <= 390 for width in widths.values()), widths
    assert problems == []  # no script error, nothing the CSP blocked, nothing missing
