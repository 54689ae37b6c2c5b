"""Security of the respondent's pages: single use, guessed links, CSRF, what a page may post, body size,
escaping and headers (Starlette's test client, on SQLite and PostgreSQL)."""

from __future__ import annotations


from pmo_workbench.web.security import CSP

from .conftest import csrf_of, start

ANN, EVE, PIET, PM = "ann@example.org", "eve@example.org", "piet@example.org", "pm@example.org"


def _draft(survey, email):
    return survey.store.invitation(survey.token(email)).draft


def test_a_link_works_once(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "3"})
    assert client.post(f"/r/{token}/submit", data={"csrf": csrf}).status_code == 303
    again = client.post(f"/r/{token}/submit", data={"csrf": csrf})
    assert again.status_code == 404
    assert client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "5"}).status_code == 404
    assert len(survey.store.respondents(survey.assessment)) == 1
    assert survey.store.responses(survey.assessment)["value"].tolist() == [3]


def test_unknown_closed_and_used_links_get_the_same_neutral_page(client, survey):
    used, closed = survey.token(ANN), survey.token(EVE)
    csrf = start(client, used)
    client.post(f"/r/{used}/page/1", data={"csrf": csrf, "item-G1": "4"})
    client.post(f"/r/{used}/submit", data={"csrf": csrf})
    pages = {"used": client.get(f"/r/{used}"),
             "unknown": client.get("/r/" + "x" * 43)}
    survey.store.close_assessment(survey.assessment)
    pages["closed"] = client.get(f"/r/{closed}")
    assert {name: page.status_code for name, page in pages.items()} == {"used": 404, "unknown": 404, "closed": 404}
    bodies = {page.text for page in pages.values()}
    assert len(bodies) == 1
    (body,) = bodies
    assert "cannot be used" in body and "used already" in body and "closed" in body and "mistyped" in body
    # pages under a link refuse the same way
    assert client.get(f"/r/{closed}/page/1").text == body
    assert client.post(f"/r/{closed}/submit", data={}).text == body


def test_ten_guessed_links_a_minute_then_429_even_for_a_good_link(client, survey):
    statuses = [client.get(f"/r/guess{n:02d}").status_code for n in range(10)]
    assert statuses == [404] * 10
    blocked = client.get(f"/r/{survey.token(ANN)}")
    assert blocked.status_code == 429
    assert "cannot be used" in blocked.text
    assert client.get("/r/another-guess").status_code == 429


def test_forms_without_the_right_csrf_token_are_refused_and_save_nothing(client, survey):
    token = survey.token(ANN)
    for data in ({}, {"csrf": ""}, {"csrf": "0" * 64}):
        assert client.post(f"/r/{token}", data={**data, "consent": "yes"}).status_code == 403
    assert not survey.store.invitation(token).consented
    good = start(client, token)
    for data in ({}, {"csrf": ""}, {"csrf": "0" * 64}, {"csrf": [good, good]}):
        assert client.post(f"/r/{token}/page/1", data={**data, "item-G1": "4"}).status_code == 403
        assert client.post(f"/r/{token}/submit", data=data).status_code == 403
    assert _draft(survey, ANN)["answers"] == {}
    assert survey.store.invitation(token) is not None
    # another link's token does not do either
    other = csrf_of(client.get(f"/r/{survey.token(EVE)}").text)
    assert other != good
    assert client.post(f"/r/{token}/page/1", data={"csrf": other, "item-G1": "4"}).status_code == 403
    assert _draft(survey, ANN)["answers"] == {}


REFUSED_POSTS = [
    ("item-S2", "4", "not asked on this page"),   # S2 is for PMO staff, not executives
    ("item-G1", "4", "not asked on this page"),   # on page 1, not page 2
    ("item-XYZ", "4", "not asked on this page"),  # not in the instrument
    ("comment-gov", "hi", "not asked on this page"),
    ("item-S1", "6", "Statement 1: choose one of the options shown"),
    ("item-S1", "0", "Statement 1: choose one of the options shown"),
    ("item-S1", "2.5", "Statement 1: choose one of the options shown"),
    ("item-S1", "dk", "Statement 1: choose one of the options shown"),
    ("item-S1", "<script>", "Statement 1: choose one of the options shown"),
]


def test_a_page_posting_items_outside_the_role_or_values_outside_the_scale_is_refused_whole(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    for field, value, problem in REFUSED_POSTS:
        page = client.post(f"/r/{token}/page/2", data={"csrf": csrf, "comment-sup": "kept?", field: value})
        assert page.status_code == 400, (field, value)
        assert 'id="error-summary"' in page.text and problem in page.text
        assert "Nothing on this page was saved" in page.text and "<script>" not in page.text
        assert _draft(survey, ANN) == {"answers": {}, "comments": {}}, (field, value)


def test_a_comment_over_2000_characters_is_refused(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    page = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "2", "comment-gov": "x" * 2001})
    assert page.status_code == 400 and 'href="#comment-gov"' in page.text
    assert _draft(survey, ANN) == {"answers": {}, "comments": {}}
    fine = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "comment-gov": "x" * 2000})
    assert fine.status_code == 303


def test_an_oversized_post_is_refused_with_413(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    page = client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "2", "comment-gov": "x" * 70_000})
    assert page.status_code == 413 and "too large" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assert _draft(survey, ANN) == {"answers": {}, "comments": {}}


def test_html_in_a_comment_is_escaped_when_shown_again(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    attack = '</textarea><script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "comment-gov": attack})
    assert _draft(survey, ANN)["comments"] == {"gov": attack}
    page = client.get(f"/r/{token}/page/1").text
    assert "<script>alert" not in page and "<img src=x" not in page and "</textarea><script>" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_every_page_carries_the_security_headers_and_no_store(client, survey):
    token = survey.token(ANN)
    start(client, token)
    for path in (f"/r/{token}", f"/r/{token}/page/1", "/r/unknown", "/", "/thanks", "/admin", "/no/such/page"):
        page = client.get(path)
        assert page.headers["content-security-policy"] == CSP, path
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in CSP and "frame-ancestors 'none'" in CSP


def test_static_files_carry_the_headers_but_may_be_cached(client):
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["x-content-type-options"] == "nosniff"
    assert "no-store" not in css.headers.get("cache-control", "")
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")


def test_pages_have_no_inline_script_or_style_and_nothing_from_elsewhere(client, survey):
    token = survey.token(ANN)
    start(client, token)
    for path in (f"/r/{token}/page/1", f"/r/{token}/review", "/admin"):
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert "http://" not in html and "https://" not in html
