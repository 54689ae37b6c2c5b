"""What the hostile review asked of the web app: rate limits that hold under parallel requests, error pages with
the security headers and no traceback, logout that ends the session on the server, trusted proxies only on
request, no empty submission, a persistent secret, anonymous drafts deleted at the close, a confirmed close and
a reopen, private store files, IPv6 limits per /64 and the plain-HTTP warning only where it is true."""

from __future__ import annotations

import asyncio
import collections
import os
import stat

import httpx
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from typer.testing import CliRunner

import pmo_workbench.cli.serve as serve
from pmo_workbench.cli.app import app as cli_app
from pmo_workbench.store import Store
from pmo_workbench.web.security import CSP, RateLimit, Sessions, address_key

from .conftest import ADMIN_PASSWORD, SECRET, csrf_of, make_survey, start

ANN, EVE = "ann@example.org", "eve@example.org"
runner = CliRunner()


def login(client, password=ADMIN_PASSWORD):
    form = client.get("/admin")
    return client.post("/admin/login", data={"csrf": csrf_of(form.text), "password": password})


async def _all_at_once(app, requests) -> collections.Counter:
    """Send ``requests`` (method, path, data) to the ASGI app concurrently from one client; their statuses."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        form = await client.get("/admin")
        csrf = csrf_of(form.text) if 'name="csrf"' in form.text else ""

        async def one(method, path, data):
            data = {**data, "csrf": csrf} if data is not None else None
            return (await client.request(method, path, data=data)).status_code

        return collections.Counter(await asyncio.gather(*(one(*r) for r in requests)))


def test_thirty_guessed_links_at_once_get_at_most_ten_answers(survey):
    got = asyncio.run(_all_at_once(survey.app, [("GET", f"/r/guess-{n:02d}", None) for n in range(30)]))
    assert got == {404: 10, 429: 20}


def test_forty_wrong_passwords_at_once_get_at_most_five_checks(survey):
    got = asyncio.run(_all_at_once(survey.app, [("POST", "/admin/login", {"password": f"wrong {n}"})
                                                for n in range(40)]))
    assert got == {401: 5, 429: 35}


def test_sixty_good_links_at_once_from_one_address_are_all_served(db_url, tmp_path, admin_hash):
    from pmo_workbench.store import Person

    people = [Person("executive", email=f"p{n}@example.org", key=f"p{n}@example.org") for n in range(60)]
    made = make_survey(db_url, tmp_path, admin_hash, people=people)
    try:
        got = asyncio.run(_all_at_once(made.app, [("GET", f"/r/{t}", None) for t in made.tokens.values()]))
        assert got == {200: 60}
    finally:
        made.store.close()


def test_rate_limit_reserve_release_and_settle():
    now = [0.0]
    limit = RateLimit(2, 60.0, clock=lambda: now[0])
    first = limit.reserve("a")
    assert first is not None and limit.reserve("a") is not None and limit.reserve("a") is None
    limit.release("a", first)  # a right password takes its attempt back
    assert not limit.blocked("a") and limit.reserve("a") is not None and limit.blocked("a")
    assert limit.settle("a", failed=False) is False  # used up: no outcome shown, even a good one
    assert limit.settle("b", failed=False) and limit.settle("b", failed=True) and limit.settle("b", failed=True)
    assert limit.settle("b", failed=True) is False
    now[0] = 61.0
    assert not limit.blocked("a") and not limit.blocked("b")


def test_ipv6_clients_are_counted_by_their_64_and_ipv4_as_they_are():
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:ffff:1:2:3") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert address_key("203.0.113.7") == "203.0.113.7" and address_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert address_key("testclient") == "testclient"
    limit = RateLimit(2, 60.0)
    for suffix in ("1", "2"):
        limit.fail(address_key(f"2001:db8:0:1::{suffix}"))
    assert limit.blocked(address_key("2001:db8:0:1:dead:beef:0:9")) and not limit.blocked(address_key("2001:db8::1"))


def _boom(request):
    raise RuntimeError("a fault with a secret detail")


@pytest.fixture
def faulty(survey):
    survey.app.router.routes.append(Route("/boom", _boom))
    with TestClient(survey.app, follow_redirects=False, raise_server_exceptions=False) as test_client:
        yield test_client


def _protected(response) -> bool:
    headers = response.headers
    return (headers.get("content-security-policy") == CSP and headers.get("x-frame-options") == "DENY"
            and headers.get("referrer-policy") == "no-referrer" and headers.get("x-content-type-options") == "nosniff"
            and headers.get("cache-control") == "no-store")


def test_every_error_page_is_plain_and_carries_the_security_headers(faulty, survey):
    crash = faulty.get("/boom")
    assert crash.status_code == 500 and _protected(crash)
    assert "Something went wrong" in crash.text and "secret detail" not in crash.text and "Traceback" not in crash.text
    for response, status in [(faulty.delete("/admin"), 404), (faulty.get("/nowhere"), 404),
                             (faulty.post(f"/r/{survey.token(ANN)}", content=b"x" * 70_000), 413)]:
        assert response.status_code == status and _protected(response) and "Traceback" not in response.text
    for n in range(11):
        faulty.get(f"/r/guess{n}")
    limited = faulty.get("/r/guess-last")
    assert limited.status_code == 429 and _protected(limited)


def test_an_admin_address_with_an_id_no_database_holds_is_a_404(client, survey):
    login(client)
    csrf = csrf_of(client.get("/admin").text)
    for number in (2**63 + 5, 2**63 - 1, 999):
        got = client.get(f"/admin/assessments/{number}/invitations.csv")
        assert got.status_code == 404 and "There is no such assessment" in got.text and _protected(got)
        assert client.get(f"/admin/assessments/{number}/close").status_code == 404
        assert client.post(f"/admin/assessments/{number}/close", data={"csrf": csrf}).status_code == 404
        assert client.post(f"/admin/assessments/{number}/reopen", data={"csrf": csrf}).status_code == 404


def test_logout_ends_the_session_on_the_server_so_a_copied_cookie_is_refused(survey):
    with TestClient(survey.app, follow_redirects=False) as client:
        assert login(client).status_code == 303
        kept = dict(client.cookies)
        csrf = csrf_of(client.get("/admin").text)
        assert client.post("/admin/logout", data={"csrf": csrf}).status_code == 303
    with TestClient(survey.app, follow_redirects=False, cookies=kept) as replay:
        assert replay.get(f"/admin/assessments/{survey.assessment}/invitations.csv").status_code == 303
        assert 'type="password"' in replay.get("/admin").text


def test_sessions_expire_and_end():
    now = [0.0]
    sessions = Sessions(10, clock=lambda: now[0])
    one, two = sessions.new(), sessions.new()
    assert one != two and sessions.alive(one) and sessions.alive(two) and not sessions.alive(None)
    sessions.end(one)
    assert not sessions.alive(one) and sessions.alive(two)
    now[0] = 10.0
    assert not sessions.alive(two)


@pytest.mark.parametrize("flag, trusted", [([], False), (["--behind-proxy"], True)])
def test_forwarded_headers_are_trusted_only_behind_a_proxy_and_from_127_0_0_1(tmp_path, monkeypatch, flag, trusted):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    monkeypatch.delenv(serve.PASSWORD_ENV, raising=False)
    result = runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "w.db"), "--secret-file",
                                     str(tmp_path / "secret"), *flag])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is trusted and seen["forwarded_allow_ips"] == "127.0.0.1"


def test_an_empty_submission_is_refused_on_the_review_page(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    refused = client.post(f"/r/{token}/submit", data={"csrf": csrf})
    assert refused.status_code == 400 and "You have not answered any statement yet" in refused.text
    assert survey.store.invitations(survey.assessment).set_index("email").loc[ANN, "status"] == "invited"
    assert survey.store.respondents(survey.assessment).empty
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "DK"})
    assert client.post(f"/r/{token}/submit", data={"csrf": csrf}).status_code == 303


def test_two_apps_with_the_same_secret_accept_each_others_forms(survey):
    from pmo_workbench.web import create_app

    restarted = create_app(survey.store.url, secret=SECRET, secure_cookies=False)
    restarted.state.web.store.use_instrument(survey.instrument)
    try:
        token = survey.token(ANN)
        with TestClient(survey.app, follow_redirects=False) as first, \
                TestClient(restarted, follow_redirects=False) as second:
            csrf = csrf_of(first.get(f"/r/{token}").text)
            done = second.post(f"/r/{token}", data={"csrf": csrf, "consent": "yes"})
            assert done.status_code == 303 and done.headers["location"] == f"/r/{token}/page/1"
    finally:
        restarted.state.web.store.close()


def test_serve_keeps_its_secret_in_a_private_file_or_takes_it_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(serve.SECRET_ENV, raising=False)
    path = tmp_path / "folder" / "secret"
    made = serve.read_secret(path)
    assert len(made) == 64 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert serve.read_secret(path) == made  # a restart keeps it
    monkeypatch.setenv(serve.SECRET_ENV, "k" * 40)
    assert serve.read_secret(None) == b"k" * 40
    monkeypatch.setenv(serve.SECRET_ENV, "short")
    result = runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 2 and "PMO_WORKBENCH_SECRET: the key is too short (5 characters" in result.stderr


def test_short_passwords_are_refused_and_a_readable_plain_password_file_is_warned_about(tmp_path, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **options: None)
    secret = ["--secret-file", str(tmp_path / "secret"), "--db", str(tmp_path / "w.db")]
    short = tmp_path / "short.txt"
    short.write_text("a\n", encoding="utf-8")
    result = runner.invoke(cli_app, ["serve", "--admin-password-file", str(short), *secret])
    assert result.exit_code == 2
    assert f"--admin-password-file {short}: the admin password is 1 characters long; give at least 12" in result.stderr
    plain = tmp_path / "plain.txt"
    plain.write_text("a long enough passphrase\n", encoding="utf-8")
    os.chmod(plain, 0o644)
    result = runner.invoke(cli_app, ["serve", "--admin-password-file", str(plain), *secret])
    assert result.exit_code == 0 and f"warning: {plain} holds the admin password in clear" in result.stderr
    os.chmod(plain, 0o600)
    result = runner.invoke(cli_app, ["serve", "--admin-password-file", str(plain), *secret])
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_closing_an_anonymous_assessment_deletes_the_unsent_drafts(client, survey):
    survey.store.set_survey(survey.assessment, anonymity="anonymous")
    token = survey.token(ANN)
    welcome = client.get(f"/r/{token}").text
    assert "the answers you have saved are kept with this invitation" in welcome
    assert "If the survey closes before you send them, your unsent answers are deleted" in welcome
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "1", "comment-gov": "my boss"})
    assert survey.store.invitation(token).draft["answers"] == {"G1": 1}
    survey.store.close_assessment(survey.assessment)
    survey.store.reopen_assessment(survey.assessment)
    assert survey.store.invitation(token).draft == {"answers": {}, "comments": {}}


def test_a_confidential_close_keeps_the_drafts_for_a_reopen(client, survey):
    token = survey.token(ANN)
    csrf = start(client, token)
    client.post(f"/r/{token}/page/1", data={"csrf": csrf, "item-G1": "2"})
    survey.store.close_assessment(survey.assessment)
    survey.store.reopen_assessment(survey.assessment)
    assert survey.store.invitation(token).draft["answers"] == {"G1": 2}


def test_closing_from_the_admin_page_asks_first_and_a_closed_assessment_can_be_reopened(client, survey):
    login(client)
    dashboard = client.get("/admin").text
    assert f'href="/admin/assessments/{survey.assessment}/close"' in dashboard
    confirm = client.get(f"/admin/assessments/{survey.assessment}/close")
    assert confirm.status_code == 200 and "Close it</button>" in confirm.text
    assert survey.store.assessment(survey.assessment)["status"] == "open"  # asking closes nothing
    done = client.post(f"/admin/assessments/{survey.assessment}/close", data={"csrf": csrf_of(confirm.text)})
    assert done.headers["location"] == "/admin?done=closed"
    assert survey.store.assessment(survey.assessment)["status"] == "closed"
    dashboard = client.get("/admin").text
    assert "Reopen this assessment" in dashboard
    reopened = client.post(f"/admin/assessments/{survey.assessment}/reopen", data={"csrf": csrf_of(dashboard)})
    assert reopened.headers["location"] == "/admin?done=reopened"
    assert survey.store.assessment(survey.assessment)["status"] == "open"
    assert client.post(f"/admin/assessments/{survey.assessment}/reopen", data={"csrf": "x"}).status_code == 403


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_new_sqlite_store_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "new.db"
    store = Store(f"sqlite:///{path}")
    try:
        store.assessments()
        for name in (path, tmp_path / "new.db-wal", tmp_path / "new.db-shm"):
            if name.exists():
                assert stat.S_IMODE(name.stat().st_mode) == 0o600, name
    finally:
        store.close()


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("localhost", False), ("survey.example.org", True)])
def test_the_plain_http_warning_appears_only_off_this_machine(db_url, tmp_path, admin_hash, host, warned):
    made = make_survey(db_url, tmp_path, admin_hash, secure_cookies=True, secret=SECRET)
    try:
        with TestClient(made.app, base_url=f"http://{host}", follow_redirects=False) as client:
            assert ("over plain HTTP" in client.get("/admin").text) is warned
    finally:
        made.store.close()
