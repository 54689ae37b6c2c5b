"""What the review of the respondent's pages asked: the way back after a refused form, comments without control
characters, the welcome page without survey texts, and "don't know" / "not applicable" apart from the scale."""

from __future__ import annotations

import re

from pmo_workbench.store import Person

from .conftest import csrf_of, make_survey, start

ANN = "ann@example.org"


def test_a_refused_submit_links_back_to_the_review_page_and_says_what_happened(client, survey):
    token = survey.token(ANN)
    start(client, token)
    refused = client.post(f"/r/{token}/submit", data={"csrf": "stale"})
    assert refused.status_code == 403 and f'href="/r/{token}/review"' in refused.text
    assert "opened before the server was restarted" in refused.text and "nothing of it was saved" in refused.text
    assert client.get(f"/r/{token}/review").status_code == 200
    page = client.post(f"/r/{token}/page/2", data={"csrf": "stale"})
    assert page.status_code == 403 and f'href="/r/{token}/page/2"' in page.text


def test_a_comment_with_control_characters_is_refused_on_the_page_and_nothing_is_saved(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    for text in ("pasted\x00text", "bell\x07", "escape\x1b[0m"):
        refused = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "4", "comment-gov": text})
        assert refused.status_code == 400 and 'href="#comment-gov"' in refused.text
        assert "invisible control characters" in refused.text
    assert survey.store.invitation(token).draft == {"answers": {}, "comments": {}}
    kept = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "4", "comment-gov": "one\r\n\ttwo"})
    assert kept.status_code == 303
    assert survey.store.invitation(token).draft["comments"] == {"gov": "one\n\ttwo"}


def test_without_survey_texts_the_welcome_page_names_the_organisation_and_a_purpose(db_url, tmp_path, admin_hash):
    made = make_survey(db_url, tmp_path, admin_hash, people=[Person("executive", email="x@example.org",
                                                                     key="x@example.org")])
    try:
        made.store.set_survey(made.assessment, sender="", purpose="")
        from starlette.testclient import TestClient

        with TestClient(made.app, follow_redirects=False) as client:
            text = client.get(f"/r/{made.token('x@example.org')}").text
        assert "This assessment is run for Acme &lt;Corp&gt; about its Group PMO." in text
        assert "To describe how the Group PMO works today" in text
    finally:
        made.store.close()


def test_dont_know_and_not_applicable_sit_apart_from_the_scale(client, survey):
    token = survey.token(ANN)
    start(client, token)
    page = client.get(f"/r/{token}/page/1").text
    first = page.split('<fieldset class="item')[1]
    scale, asides = first.split('<div class="scale">')[1].split('<div class="asides">')
    assert re.findall(r'value="([^"]+)" id=', scale) == ["1", "2", "3", "4", "5"]
    assert re.findall(r'value="([^"]+)" id=', asides) == ["DK", "n/a"]
    assert 'id="G1-opt-first"' in scale and csrf_of(page)


def test_a_refusal_of_the_store_at_submission_is_shown_on_the_review_page(client, survey, monkeypatch):
    from pmo_workbench.errors import StoreError

    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "4"})

    def refuse(*args, **kwargs):
        raise StoreError("the survey stopped accepting answers on 2020-01-31")

    monkeypatch.setattr(survey.store, "submit", refuse)
    refused = client.post(f"/r/{token}/submit", data={"csrf": csrf})
    assert refused.status_code == 400 and 'id="error-summary"' in refused.text
    assert "Your answers were not sent: the survey stopped accepting answers on 2020-01-31." in refused.text
