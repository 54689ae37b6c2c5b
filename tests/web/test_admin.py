"""The admin pages: login, the session cookie, response rates without scores, close, and the two CSVs."""

from __future__ import annotations

import datetime as dt

import csv
import io

import pytest
from starlette.testclient import TestClient

from .conftest import ADMIN_PASSWORD, BASE_URL, csrf_of, make_survey, start

ANN = "ann@example.org"


def login(client, password=ADMIN_PASSWORD):
    form = client.get("/admin")
    return client.post("/admin/login", data={"csrf": csrf_of(form.text), "password": password})


def test_without_a_password_the_admin_pages_say_so_and_offer_no_login(db_url, tmp_path):
    made = make_survey(db_url, tmp_path, admin_hash=None)
    with TestClient(made.app, follow_redirects=False) as client:
        page = client.get("/admin")
        assert page.status_code == 200 and "No admin password is set" in page.text
        assert "<form" not in page.text and "set-cookie" not in page.headers
        assert client.post("/admin/login", data={"password": ""}).status_code == 404
        assert client.post(f"/admin/assessments/{made.assessment}/close").status_code == 403
    made.store.close()


def test_nothing_is_shown_or_done_without_a_login(client, survey):
    page = client.get("/admin")
    assert 'type="password"' in page.text and "Acme" not in page.text
    assert client.get(f"/admin/assessments/{survey.assessment}/invitations.csv").status_code == 303
    csrf = csrf_of(page.text)
    assert client.post(f"/admin/assessments/{survey.assessment}/close", data={"csrf": csrf}).status_code == 403
    assert client.post(f"/admin/assessments/{survey.assessment}/reminders.csv",
                       data={"csrf": csrf}).status_code == 403
    assert survey.store.assessment(survey.assessment)["status"] == "open"
    assert survey.store.invitations(survey.assessment)["reminders"].tolist() == [0, 0, 0, 0]


def test_a_wrong_password_is_refused_and_five_failures_a_minute_lock_the_login(client):
    assert login(client, "guess").status_code == 401
    for _ in range(4):
        assert login(client, "guess").status_code == 401
    locked = login(client)  # even the right password, for the rest of the minute
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    assert 'type="password"' in client.get("/admin").text


def test_login_without_the_csrf_token_is_refused(client):
    client.get("/admin")
    assert client.post("/admin/login", data={"password": ADMIN_PASSWORD}).status_code == 403


@pytest.mark.parametrize("secure", [True, False])
def test_the_session_cookie_is_http_only_strict_expiring_and_secure_unless_turned_off(db_url, tmp_path, admin_hash,
                                                                                    secure):
    made = make_survey(db_url, tmp_path, admin_hash, secure_cookies=secure)
    with TestClient(made.app, base_url="https://testserver", follow_redirects=False) as client:
        done = login(client)
        assert done.status_code == 303
        cookie = done.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie
        assert "path=/admin" in cookie
        assert ("secure" in [part.strip() for part in cookie.split(";")]) is secure
    made.store.close()


def test_the_dashboard_shows_response_rates_by_role_and_no_scores(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "5", "comment-gov": "<b>bold</b>"})
    client.post(f"/r/{token}/submit", data={"csrf": csrf})
    assert login(client).headers["location"] == "/admin"
    page = client.get("/admin").text
    assert f"Acme &lt;Corp&gt;: Group PMO, wave {dt.date.today().year}" in page
    rows = {row.split("</th>")[0].rsplit(">", 1)[-1]: row for row in page.split("<tr")[2:]}
    # executives: 2 invited, 1 submitted = 50 %; PMO staff 1 invited, none yet; 4 invited in all, 1 submitted
    assert "<td>2</td><td>1</td><td>1</td><td>50 %</td>" in rows["Executive"]
    assert "<td>1</td><td>0</td><td>0</td><td>0 %</td>" in rows["PMO staff"]
    assert "<td>4</td><td>1</td><td>1</td><td>25 %</td>" in rows["Total"]
    assert "score" not in page.lower() and "bold" not in page and "Ann" not in page


def test_close_needs_the_session_csrf_token_then_links_stop_working(client, survey):
    login(client)
    page = client.get("/admin").text
    url = f"/admin/assessments/{survey.assessment}/close"
    assert client.post(url, data={"csrf": "forged"}).status_code == 403
    assert survey.store.assessment(survey.assessment)["status"] == "open"
    done = client.post(url, data={"csrf": csrf_of(page)})
    assert done.status_code == 303
    assert survey.store.assessment(survey.assessment)["status"] == "closed"
    assert client.get(f"/r/{survey.token(ANN)}").status_code == 404
    assert "Close this assessment" not in client.get("/admin").text


def test_the_invitations_csv_lists_people_without_links_and_neutralises_formulas(client, survey):
    login(client)
    got = client.get(f"/admin/assessments/{survey.assessment}/invitations.csv")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["email"] for r in rows] == ["ann@example.org", "piet@example.org", "eve@example.org", "pm@example.org"]
    assert rows[3]["name"] == "'=HYPERLINK(\"x\")"
    assert "link" not in rows[0] and "/r/" not in got.text
    assert all(token not in got.text for token in survey.tokens.values())


def test_the_reminders_csv_issues_fresh_links_for_those_who_have_not_submitted(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "4"})
    client.post(f"/r/{token}/submit", data={"csrf": csrf})
    login(client)
    page = client.get("/admin").text
    got = client.post(f"/admin/assessments/{survey.assessment}/reminders.csv", data={"csrf": csrf_of(page)})
    assert got.status_code == 200
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert [r["email"] for r in rows] == ["piet@example.org", "eve@example.org", "pm@example.org"]
    assert all(r["link"].startswith(f"{BASE_URL}/r/") for r in rows)
    fresh = rows[0]["link"].rsplit("/", 1)[1]
    assert fresh != survey.token("piet@example.org")
    assert survey.store.invitation(fresh).role == "pmo_staff"
    assert survey.store.invitation(survey.token("piet@example.org")) is not None  # the first link still works
    assert survey.store.invitations(survey.assessment)["reminders"].tolist() == [0, 1, 1, 1]


def test_logout_ends_the_session(client, survey):
    login(client)
    page = client.get("/admin").text
    assert client.post("/admin/logout", data={"csrf": csrf_of(page)}).status_code == 303
    assert 'type="password"' in client.get("/admin").text


def test_the_login_page_warns_when_secure_cookies_meet_plain_http(db_url, tmp_path, admin_hash):
    made = make_survey(db_url, tmp_path, admin_hash, secure_cookies=True)
    with TestClient(made.app, base_url="http://testserver") as plain, \
            TestClient(made.app, base_url="https://testserver") as secure:
        assert "--insecure-cookies" in plain.get("/admin").text
        assert "--insecure-cookies" not in secure.get("/admin").text
    made.store.close()


def test_the_session_expires_after_eight_hours(client, survey, monkeypatch):
    import pmo_workbench.web.admin as admin

    login(client)
    assert "Response rates" in client.get("/admin").text
    later = admin.time.time() + 8 * 3600 + 1
    monkeypatch.setattr(admin.time, "time", lambda: later)
    assert 'type="password"' in client.get("/admin").text
