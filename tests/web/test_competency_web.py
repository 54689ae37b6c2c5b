"""Competency invitations (one link per rater and person rated) and the rater's page: whom they rate, the
statements expected of the person's level grouped by area with the area's anchors, DK and blank, single use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.assessment.competency_intake import CohortPerson
from pmo_workbench.errors import StoreError
from pmo_workbench.store.competency_links import EMPTY_RATINGS
from pmo_workbench.web import create_app
from tests.backends import sqlite_only
from tests.competency_mini import write_mini

from .conftest import SECRET, csrf_of

PEOPLE = [
    CohortPerson("Ana <b>Silva</b>", "senior", "ana@example.org", "Max", ("Ben",), 2),
    CohortPerson("Ben", "junior", "ben@example.org", "Max", (), 3),
    CohortPerson("Max", "senior", "max@example.org", None, (), 4),
]


@dataclass
class Cohort:
    app: object
    store: object
    competency_id: int
    tokens: dict[tuple[str, str], str]  # (subject, rater) -> token


@pytest.fixture
def cohort(db_url, tmp_path) -> Iterator[Cohort]:
    path, _ = write_mini(tmp_path)
    ins = load_competency_instrument(path)
    app = create_app(db_url, secret=SECRET, base_url="https://survey.example.org", secure_cookies=False)
    store = app.state.web.store
    store.use_competency_instrument(ins)
    cid = store.create_cohort("Acme & Co", "PMs 2026", ins)
    issued = store.invite_competency(cid, PEOPLE)
    try:
        yield Cohort(app, store, cid, {(i.pair.subject, i.pair.rater): i.token for i in issued})
    finally:
        store.close()


@pytest.fixture
def client(cohort) -> Iterator[TestClient]:
    with TestClient(cohort.app, follow_redirects=False) as test_client:
        yield test_client


def test_one_invitation_per_rater_and_person(cohort):
    store, cid = cohort.store, cohort.competency_id
    assert sorted(cohort.tokens) == sorted([("Ana <b>Silva</b>", "Ana <b>Silva</b>"), ("Ana <b>Silva</b>", "Max"),
                                            ("Ana <b>Silva</b>", "Ben"), ("Ben", "Ben"), ("Ben", "Max"),
                                            ("Max", "Max")])
    listed = store.competency_invitations(cid)
    assert listed[["subject", "rater", "role", "email", "status"]].values.tolist() == [
        ["Ana <b>Silva</b>", "Ana <b>Silva</b>", "self", "ana@example.org", "invited"],
        ["Ana <b>Silva</b>", "Max", "manager", "max@example.org", "invited"],
        ["Ana <b>Silva</b>", "Ben", "peer", "ben@example.org", "invited"],
        ["Ben", "Ben", "self", "ben@example.org", "invited"],
        ["Ben", "Max", "manager", "max@example.org", "invited"],
        ["Max", "Max", "self", "max@example.org", "invited"]]
    assert store.invite_competency(cid, PEOPLE) == []  # the same file again: nobody new
    more = store.invite_competency(cid, [*PEOPLE[:2], CohortPerson("Max", "senior", None, None, ("Ben",), 4)])
    assert [(i.pair.subject, i.pair.rater, i.pair.role) for i in more] == [("Max", "Ben", "peer")]
    with store._engine.connect() as conn:  # tokens are kept only as their SHA-256
        hashes = [r[0] for r in conn.exec_driver_sql("SELECT token_hash FROM competency_invitations")]
    assert all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)
    assert not set(cohort.tokens.values()) & set(hashes)
    with pytest.raises(StoreError, match=r"row 3: 'Ben' is stored as junior, not senior; a person has one job "
                                         r"level; nobody was invited"):
        store.invite_competency(cid, [CohortPerson("Ben", "senior", None, "Max", (), 3),
                                      CohortPerson("Zoe", "junior", None, None, (), 4)])
    assert "Zoe" not in set(store.competency_invitations(cid)["subject"])


def test_the_managers_page_names_whom_they_rate_and_shows_the_expected_items(cohort, client):
    page = client.get(f"/c/{cohort.tokens[('Ben', 'Max')]}")
    assert page.status_code == 200
    html = page.text
    assert "You are rating: Ben, as their line manager (Junior project manager)." in html
    assert "Acme &amp; Co: PMs 2026" in html
    assert "Risk management" in html and "Stakeholder management" in html
    assert "<dt>1 Awareness</dt><dd>a1</dd>" in html and "<dd>b5</dd>" in html  # each area's anchors
    assert "Identifies risks" in html and "Quantifies risk exposure" not in html  # r3: not expected of a junior
    assert 'name="rating-r1" value="DK"' in html and 'id="r-r1-none" checked' in html
    ana = client.get(f"/c/{cohort.tokens[('Ana <b>Silva</b>', 'Ben')]}").text
    assert "You are rating: Ana &lt;b&gt;Silva&lt;/b&gt;, as their peer (Senior project manager)." in ana
    assert "<b>Silva</b>" not in ana and "Quantifies risk exposure" in ana
    own = client.get(f"/c/{cohort.tokens[('Max', 'Max')]}").text
    assert "You are rating your own proficiency (Senior project manager)." in own


def test_save_then_send_stores_the_ratings_once(cohort, client):
    token = cohort.tokens[("Ben", "Max")]
    csrf = csrf_of(client.get(f"/c/{token}").text)
    saved = client.post(f"/c/{token}", data={"csrf": csrf, "rating-r1": "4", "rating-r2": "DK", "rating-s1": "",
                                             "action": "save"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/c/{token}?saved"
    again = client.get(f"/c/{token}?saved").text
    assert "Your ratings are saved." in again
    assert 'value="4" id="r-r1-4" checked' in again and 'id="r-r2-dk" checked' in again
    assert cohort.store.competency_invitations(cohort.competency_id).query("subject == 'Ben' and rater == 'Max'")[
        "status"].tolist() == ["started"]
    sent = client.post(f"/c/{token}", data={"csrf": csrf, "rating-s2": "5", "action": "send"})
    assert sent.status_code == 303 and sent.headers["location"] == "/thanks?lang=en"
    frame = cohort.store.competency_responses(cohort.competency_id)
    ben_max = frame[(frame["subject"] == "Ben") & (frame["rater"] == "Max")]
    given = ben_max[ben_max["value"].notna() | ben_max["dont_know"]]
    assert given[["role", "item", "value", "dont_know"]].astype(object).fillna(-1).values.tolist() == [
        ["manager", "r1", 4.0, False], ["manager", "r2", -1, True], ["manager", "s2", 5.0, False]]
    # single use; a second click of "Send" (or the link opened again) gets the thanks page, counted as no guess
    web = cohort.app.state.web
    for _ in range(web.token_failures.limit + 2):
        twice = client.post(f"/c/{token}", data={"csrf": csrf, "rating-r1": "1", "action": "send"})
        assert twice.status_code == 303 and twice.headers["location"] == "/thanks"
    assert client.get(f"/c/{token}").status_code == 303
    assert ben_max["value"].notna().sum() == 2  # nothing of the second click stored
    assert client.get(f"/c/{cohort.tokens[('Ben', 'Ben')]}").status_code == 200  # and nobody locked out


def test_a_cohort_whose_instrument_the_server_cannot_load_gets_the_neutral_page(db_url, tmp_path, caplog):
    from pmo_workbench.store import Store

    path, _ = write_mini(tmp_path)
    with Store(db_url) as other:  # a store that knows the custom instrument; the server's does not
        ins = load_competency_instrument(path)
        other.use_competency_instrument(ins)
        cid = other.create_cohort("Acme", "Custom", ins)
        (issued, *_) = other.invite_competency(cid, PEOPLE[1:])
    app = create_app(db_url, secret=SECRET, base_url="https://survey.example.org", secure_cookies=False)
    try:
        with TestClient(app, follow_redirects=False) as client:
            page = client.get(f"/c/{issued.token}")
        assert page.status_code == 404 and "The link you followed cannot be used" in page.text
        assert "mini-competency 1.0 is not a built-in one" in caplog.text
    finally:
        app.state.web.store.close()


def test_bad_posts_save_nothing(cohort, client):
    token = cohort.tokens[("Ben", "Ben")]
    csrf = csrf_of(client.get(f"/c/{token}").text)
    for data in ({"rating-r1": "6"}, {"rating-r3": "3"}, {"rating-zz": "3"}):  # off the scale, not expected, unknown
        bad = client.post(f"/c/{token}", data={"csrf": csrf, **data, "rating-s1": "2", "action": "save"})
        assert bad.status_code == 400 and "not one of the options shown" in bad.text
    empty = client.post(f"/c/{token}", data={"csrf": csrf, "action": "send"})
    assert empty.status_code == 400 and "You have not rated any statement yet" in empty.text
    forged = client.post(f"/c/{token}", data={"csrf": "forged", "rating-r1": "3", "action": "send"})
    assert forged.status_code == 403
    assert cohort.store.competency_link(token).draft == {}
    assert client.get("/c/not-a-token").status_code == 404
    cohort.store.set_cohort_status(cohort.competency_id, "closed")
    assert client.get(f"/c/{token}").status_code == 404


@sqlite_only
def test_store_side_of_a_link(cohort):
    store = cohort.store
    token = cohort.tokens[("Ana <b>Silva</b>", "Ana <b>Silva</b>")]
    with pytest.raises(StoreError, match=re.escape(EMPTY_RATINGS)):
        store.submit_competency(token)
    with pytest.raises(StoreError, match="item r1: 0 is not a rating"):
        store.save_competency_draft(token, {"r1": 0})
    assert store.save_competency_draft(token, {"r1": 5, "r3": "dk"})
    assert store.competency_link(token).draft == {"r1": 5, "r3": "DK"}
    assert store.submit_competency(token) is True
    assert store.submit_competency(token) is False and store.competency_link(token) is None
    rater = store.competency_raters(cohort.competency_id).query("role == 'self' and rater == 'Ana <b>Silva</b>'")
    assert store.ratings(int(rater["rater_id"].iloc[0])) == {"r1": (5, None), "r3": ("DK", None)}


@sqlite_only
def test_cli_invite_writes_one_link_per_pair(db_url, tmp_path):
    import csv

    from typer.testing import CliRunner

    from pmo_workbench.cli import app
    from pmo_workbench.store import Store

    path, ratings = write_mini(tmp_path)
    with Store(db_url) as store:
        store.import_competency(ratings, load_competency_instrument(path))  # 1: a custom instrument
        assert store.create_cohort("Acme", "Built-in", load_competency_instrument("pm-competency")) == 2
    people = tmp_path / "people.csv"
    people.write_text("name,email,job_level,manager,peers\nBen,ben@example.org,junior,Max,Cara\n"
                      "Cara,,junior,Max,\nDan,dan@example.org,senior,=cmd,\n", encoding="utf-8")
    out = tmp_path / "links.csv"
    runner = CliRunner()
    custom = runner.invoke(app, ["competency", "invite", "1", "--people", str(people), "--base-url",
                                 "https://s.example.org/", "--out", str(out), "--db", db_url])
    assert custom.exit_code == 2 and "mini-competency 1.0, which is not a built-in competency instrument: the " \
        "rater's page (`pmo-workbench serve`) shows built-in competency instruments only" in custom.stderr
    assert not out.exists()
    args = ["competency", "invite", "2", "--people", str(people), "--base-url", "https://s.example.org/",
            "--out", str(out), "--db", db_url]
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == str(out) and (out.stat().st_mode & 0o777) == 0o600
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["subject"], r["rater"], r["role"], r["email"]) for r in rows] == [
        ("Ben", "Ben", "self", "ben@example.org"), ("Ben", "Max", "manager", ""), ("Ben", "Cara", "peer", ""),
        ("Cara", "Cara", "self", ""), ("Cara", "Max", "manager", ""), ("Dan", "Dan", "self", "dan@example.org"),
        ("Dan", "'=cmd", "manager", "")]  # a formula-like name is neutralised in the CSV
    assert all(re.fullmatch(r"https://s\.example\.org/c/[\w-]{43}", r["link"]) for r in rows)
    out.unlink()
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "invited already; nothing written" in again.stderr and not out.exists()
    people.write_text("name,job_level\nBen,chief\n", encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 2 and f"{people}:2:job_level: unknown job level 'chief'" in bad.stderr
    assert "Traceback" not in bad.output and not out.exists()


@pytest.mark.browser
@pytest.mark.slow
@sqlite_only
def test_a_manager_rates_in_a_browser_with_javascript_off(cohort, chromium):
    from playwright.sync_api import sync_playwright

    from .conftest import running

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    token = cohort.tokens[("Ana <b>Silva</b>", "Max")]
    with running(cohort.app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{base}/c/{token}")
        assert page.locator("#whom").inner_text() == (
            "You are rating: Ana <b>Silva</b>, as their line manager (Senior project manager).")
        assert page.locator("section.area h2").all_inner_texts() == ["Risk management", "Stakeholder management"]
        assert page.locator("#area-risk details dd").first.inner_text() == "a1"
        page.locator("label[for='r-r1-4']").click()
        page.locator("label[for='r-r3-dk']").click()
        page.get_by_role("button", name="Save and finish later").click()
        assert page.url.endswith("?saved") and page.locator("#r-r1-4").is_checked()
        page.locator("label[for='r-s2-5']").click()
        page.get_by_role("button", name="Send my ratings").click()
        assert page.url.endswith("/thanks?lang=en")
        page.wait_for_load_state("load")
        page = context.new_page()
        page.goto(f"{base}/c/{token}")
        # sent: single use; the link opened again says it was sent (no form, and not counted as a guess)
        assert page.locator("h1").inner_text() == "Thank you" and page.locator("form").count() == 0
        browser.close()
    raters = cohort.store.competency_raters(cohort.competency_id).query("rater == 'Max' and role == 'manager'")
    ana = raters[raters["subject"] == "Ana <b>Silva</b>"]
    assert cohort.store.ratings(int(ana["rater_id"].iloc[0])) == {"r1": (4, None), "r3": ("DK", None),
                                                                  "s2": (5, None)}
