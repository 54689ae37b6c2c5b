"""The respondent's way through the questionnaire, with Starlette's test client, on SQLite and PostgreSQL.

The survey (conftest.py) uses the tiny audience instrument: an executive is asked 10 items on 3 pages
(gov: G1-G4; sup: S1 only, S2 being for PMO staff; ppl: P1-P5).
"""

from __future__ import annotations

import datetime as dt
import re

from .conftest import csrf_of, start

ANN = "ann@example.org"
PIET = "piet@example.org"


def test_welcome_page_says_who_asks_why_how_long_and_what_is_promised(client, survey):
    page = client.get(f"/r/{survey.token(ANN)}")
    assert page.status_code == 200
    text = page.text
    assert '<html lang="en">' in text
    assert "Acme &lt;Corp&gt;" in text and "Group PMO" in text
    # the wave (labelled with the year it was set up), so that two years' invitations can be told apart
    assert f"Questionnaire on the Group PMO of Acme &lt;Corp&gt;, {dt.date.today().year}</h1>" in text
    assert "Jo Consultant of &lt;b&gt;Advisory&lt;/b&gt;" in text  # the sender, escaped
    assert "To see what the PMO does well." in text and "jo@advisory.example" in text
    assert "2099-12-31" in text
    # 10 items at 15 s each and 3 comment boxes at 15 s = 195 s, rounded up to 4 minutes
    assert "10 statements on 3 pages: about 4 minutes (an estimate; longer if you write comments)" in text
    assert "Answers are accepted until" in text and "may quote it in the report, without your name" in text
    assert "confidential" in text and "never shows names" in text
    assert 'type="checkbox" id="consent" name="consent"' in text and '<label for="consent">' in text
    # nothing but the welcome until consent: the pages send back to it
    assert client.get(f"/r/{survey.token(ANN)}/page/1").headers["location"] == f"/r/{survey.token(ANN)}"
    assert client.get(f"/r/{survey.token(ANN)}/review").headers["location"] == f"/r/{survey.token(ANN)}"


def test_the_welcome_page_promises_what_the_anonymity_mode_keeps(client, survey):
    survey.store.set_survey(survey.assessment, anonymity="anonymous")
    text = client.get(f"/r/{survey.token(ANN)}").text
    assert "Your answers are anonymous" in text and "at least five people" in text
    survey.store.set_survey(survey.assessment, anonymity="identified")
    assert "Your name is kept with your answers" in client.get(f"/r/{survey.token(ANN)}").text
    survey.store.set_survey(survey.assessment, anonymity="confidential")
    assert "can see who answered and what each person answered" in client.get(f"/r/{survey.token(ANN)}").text


def test_consent_is_required_before_anything_else(client, survey):
    token = survey.token(ANN)
    csrf = csrf_of(client.get(f"/r/{token}").text)
    refused = client.post(f"/r/{token}", data={"csrf": csrf})
    assert refused.status_code == 400
    assert 'id="error-summary"' in refused.text and 'href="#consent"' in refused.text
    assert not survey.store.invitation(token).consented
    start(client, token)
    assert survey.store.invitation(token).consented
    # once consented, the link lands on the first page not yet answered
    assert client.get(f"/r/{token}").headers["location"] == f"/r/{token}/page/1"


def test_a_page_shows_the_items_put_to_the_role_with_every_option_labelled(client, survey):
    token = survey.token(ANN)
    start(client, token)
    page = client.get(f"/r/{token}/page/2").text
    assert "Page 2 of 3" in page and '<progress id="progress" max="3" value="2">' in page
    assert "<h1>Support</h1>" in page
    assert page.count("<fieldset") == 1 and "s one" in page and "s two" not in page  # S2 is for PMO staff
    assert page.count('type="radio" name="item-S1"') == 7  # 5 scale points, don't know, not applicable
    for value in ("1", "2", "3", "4", "5", "DK", "n/a"):
        assert f'name="item-S1" value="{value}"' in page
    ids = re.findall(r'<input type="radio" name="item-S1" value="[^"]+" id="([^"]+)"', page)
    assert all(f'<label for="{i}">' in page for i in ids)
    assert ">Don't know</label>" in page.replace("&#39;", "'") and ">Not applicable</label>" in page
    assert '<label for="comment-sup">' in page and 'data-max="2000"' in page and "maxlength" not in page
    # PMO staff see S2 too
    start(client, survey.token(PIET))
    assert "s two" in client.get(f"/r/{survey.token(PIET)}/page/2").text


def test_pages_save_to_the_draft_and_move_back_and_on(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    moved = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "4", "item-G2": "DK",
                                                     "comment-gov": "Mostly fine.", "action": "next"})
    assert moved.status_code == 303 and moved.headers["location"] == f"/r/{token}/page/2"
    draft = survey.store.invitation(token).draft
    assert draft == {"answers": {"G1": 4, "G2": "DK"}, "comments": {"gov": "Mostly fine."}, "page": 1}
    back = client.post(f"/r/{token}/page/2", data={"csrf": csrf, "item-S1": "n/a", "action": "back"})
    assert back.headers["location"] == f"/r/{token}/page/1"
    # back from page 1: the welcome page again, with a way on instead of the consent form
    welcome = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "action": "back"})
    assert welcome.headers["location"] == f"/r/{token}?about"
    again = client.get(welcome.headers["location"]).text
    assert "Group PMO" in again and 'name="consent"' not in again
    # pages 1 and 2 hold answers: carry on at page 3 (G3 left blank on page 1 is listed on the review page)
    assert f'href="/r/{token}/page/3">Continue the questionnaire' in again
    later = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G3": "2", "comment-gov": "",
                                                     "action": "later"})
    assert later.headers["location"] == f"/r/{token}/saved"
    assert "Your answers are saved" in client.get(f"/r/{token}/saved").text
    draft = survey.store.invitation(token).draft
    # the furthest page saved stays 2 when page 1 is saved again
    assert draft == {"answers": {"G1": 4, "G2": "DK", "G3": 2, "S1": "n/a"}, "comments": {}, "page": 2}
    # saved answers come back ticked
    page = client.get(f"/r/{token}/page/1").text
    assert 'value="4" id="G1-opt-4" checked' in page and 'value="DK" id="G2-opt-dk" checked' in page
    # G4 is still open, but page 2 was saved: the link lands on page 3
    assert client.get(f"/r/{token}").headers["location"] == f"/r/{token}/page/3"


def test_resume_lands_after_the_last_page_saved_and_the_last_page_leads_to_review(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, **{f"item-G{i}": "3" for i in range(1, 5)}})
    assert client.get(f"/r/{token}").headers["location"] == f"/r/{token}/page/2"
    client.post(f"/r/{token}/page/2", data={"csrf": csrf, "item-S1": "5"})
    assert client.get(f"/r/{token}").headers["location"] == f"/r/{token}/page/3"
    done = client.post(f"/r/{token}/page/3", data={"csrf": csrf, **{f"item-P{i}": "1" for i in range(1, 6)}})
    assert done.headers["location"] == f"/r/{token}/review"
    assert client.get(f"/r/{token}").headers["location"] == f"/r/{token}/review"


def test_review_lists_the_unanswered_items_with_links_then_submit_stores_exactly_the_draft(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "5", "item-G2": "DK", "item-G3": "1",
                                             "item-G4": "2", "comment-gov": "Clear <b>mandate</b>"})
    client.post(f"/r/{token}/page/3", data={"csrf": csrf, "item-P1": "4", "item-P3": "n/a"})
    review = client.get(f"/r/{token}/review").text
    links = re.findall(r'href="/r/[^/]+/page/(\d)#q-([A-Z0-9]+)"', review)
    assert links == [("2", "S1"), ("3", "P2"), ("3", "P4"), ("3", "P5")]
    # every page with what will be sent: 10 statements, 6 answered; answers with their labels; the comment
    assert "6 of 10 statements answered" in review and 'max="10" value="6"' in review
    assert all(f'<h2 id="review-{n}">{label} <a class="change" href="/r/{token}/page/{n}">' in review
               for n, label in ((1, "Governance"), (2, "Support"), (3, "People")))
    answers = re.findall(r"<dd>(.*?)</dd>", review)

    def blank(page, item):
        return f'<span class="unanswered">Not answered</span> <a href="/r/{token}/page/{page}#q-{item}">Answer it</a>'

    assert answers == ["5", "Don't know", "1", "2", blank(2, "S1"), "4", blank(3, "P2"), "Not applicable",
                       blank(3, "P4"), blank(3, "P5")]  # the test scale has no labels
    assert '<dd class="comment-text">Clear &lt;b&gt;mandate&lt;/b&gt;</dd>' in review
    sent = client.post(f"/r/{token}/submit", data={"csrf": csrf})
    assert sent.status_code == 303 and sent.headers["location"].startswith("/thanks")
    assert "Thank you" in client.get(sent.headers["location"]).text
    stored = survey.store.responses(survey.assessment)
    answers = {row.item: (row.value if row.value == row.value else None) for row in stored.itertuples()}
    assert answers == {"G1": 5, "G2": None, "G3": 1, "G4": 2, "P1": 4, "P3": None}
    assert stored.set_index("item").loc["G1", "comment"] == "Clear <b>mandate</b>"
    respondent = survey.store.respondents(survey.assessment)
    assert list(respondent["role"]) == ["executive"] and respondent["label"][0].startswith("web-")
    assert int(respondent["dont_know"][0]) == 1 and int(respondent["not_applicable"][0]) == 1
    # the link now refuses
    assert client.get(f"/r/{token}").status_code == 404


def test_language_is_english_whatever_the_browser_asks_while_only_english_exists(client, survey):
    page = client.get(f"/r/{survey.token(ANN)}", headers={"accept-language": "de-CH, fr;q=0.8"})
    assert '<html lang="en">' in page.text


def test_an_anonymous_submission_from_the_web_leaves_no_link_to_the_invitation(client, survey):
    survey.store.set_survey(survey.assessment, anonymity="anonymous")
    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "2", "comment-gov": "frank"})
    assert client.post(f"/r/{token}/submit", data={"csrf": csrf}).status_code == 303
    ann = survey.store.invitations(survey.assessment).set_index("id").loc[
        survey.store.invitation_of(survey.assessment, ANN)]  # no e-mail kept now: found by its one-way key
    assert (ann["status"], ann["respondent"], ann["email"], ann["name"]) == ("submitted", None, None, None)
    respondents = survey.store.respondents(survey.assessment)
    assert len(respondents) == 1 and respondents["name"][0] is None and respondents["label"][0].startswith("web-")
