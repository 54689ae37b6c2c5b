"""``invite``, ``status``, ``remind`` (a CSV, or e-mail to a local SMTP server) and ``store new|close|reopen|forget|
anonymise``, on SQLite and PostgreSQL (``db_url``), called in-process."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import json
import re
import socket
import stat
import threading

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.resources import examples_dir
from pmo_workbench.store import Store
from tests.helpers import write_csv

runner = CliRunner()
BASE = "http://127.0.0.1:8000"
LINK = re.compile(r"http://127\.0\.0\.1:8000/r/([A-Za-z0-9_-]{43})")
SAMPLE = examples_dir() / "people" / "stellbrook-pharmaceuticals.csv"

PEOPLE = ("name,email,role,language\n"
          "Ann Example,ann@example.org,executive,\n"
          '"=HYPERLINK(""http://x.example"")",eve@example.org,pmo_staff,de\n'
          "Bo Field,,project_manager,\n")


def run(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def _new(db_url, organisation="Stellbrook Pharmaceuticals", pmo="R&D Portfolio Office") -> int:
    result = run("store", "new", "--organisation", organisation, "--pmo", pmo, "--level", "department",
                 "--db", db_url)
    assert result.exit_code == 0, result.output
    with Store(db_url) as store:  # the welcome page must say who runs the survey and why before anyone is invited
        store.set_survey(int(result.stdout), sender="Northbridge Consulting", purpose="How the PMO serves you")
    return int(result.stdout.strip())


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _tokens(db_url) -> int:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM invitation_tokens")).scalar_one()
    finally:
        engine.dispose()


def _submit(store: Store, token: str, value: int = 4) -> None:
    """Answer the first item put to the link's role, and submit."""
    invitation = store.invitation(token)
    asked = store.instrument_for(invitation.assessment_id).asked.loc[invitation.role]
    assert store.consent(token)
    assert store.save_draft(token, {asked[asked].index[0]: value}, {})
    assert store.submit(token)


def _start(store: Store, token: str) -> None:
    invitation = store.invitation(token)
    asked = store.instrument_for(invitation.assessment_id).asked.loc[invitation.role]
    assert store.consent(token)
    assert store.save_draft(token, {asked[asked].index[0]: "DK"}, {})


# -- store new ---------------------------------------------------------------------------------------------------

def test_store_new_prints_the_id_and_keeps_an_existing_assessment(db_url):
    first = run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--db", db_url)
    assert first.exit_code == 0 and first.stdout == "1\n"
    # without --wave the assessment is labelled with this year
    assert f"assessment 1 created (Org / PMO, wave {dt.date.today().year}, pmo-core 2.0)" in first.stderr
    assert run("store", "new", "--organisation", "Org", "--pmo", "Other", "--db", db_url).stdout == "2\n"
    again = run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--db", db_url)
    assert again.exit_code == 0 and again.stdout == "1\n" and "exists already" in again.stderr
    bad = run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--level", "galaxy", "--db", db_url)
    assert bad.exit_code == 2 and "galaxy" in bad.stderr


# -- invite ------------------------------------------------------------------------------------------------------

def test_invite_writes_a_private_neutralised_csv_once_and_adds_only_new_people(db_url, tmp_path):
    assessment = _new(db_url)
    people = write_csv(tmp_path / "people.csv", PEOPLE)
    out = tmp_path / "invitations.csv"
    result = run("invite", assessment, "--people", people, "--base-url", BASE + "/", "--out", out, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n"
    assert "3 people invited to assessment 1 (Stellbrook Pharmaceuticals / R&D Portfolio Office)" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = _rows(out)
    assert list(rows[0]) == ["name", "email", "role", "language", "link"]
    assert [(r["name"], r["email"], r["role"], r["language"]) for r in rows] == [
        ("Ann Example", "ann@example.org", "executive", ""),
        ("'=HYPERLINK(\"http://x.example\")", "eve@example.org", "pmo_staff", "de"),  # neutralised
        ("Bo Field", "", "project_manager", "")]
    tokens = [LINK.fullmatch(r["link"]).group(1) for r in rows]  # the trailing slash of --base-url is dropped
    assert len(set(tokens)) == 3
    with Store(db_url) as store:
        assert [store.invitation(t).role for t in tokens] == ["executive", "pmo_staff", "project_manager"]
    # the same file again: refused over the existing CSV (its links would be lost), then nobody new
    again = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", out, "--db", db_url)
    assert again.exit_code == 2 and "exists; the links in it cannot be printed again" in again.stderr
    assert "--force" in again.stderr and _rows(out) == rows
    second = tmp_path / "second.csv"
    none = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", second, "--db", db_url)
    assert none.exit_code == 0 and "all 3 people invited already" in none.stderr and not second.exists()
    # one more person: only they are invited
    write_csv(people, PEOPLE + "Cy New,cy@example.org,executive,\n")
    more = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", second, "--db", db_url)
    assert more.exit_code == 0, more.output
    assert "1 person invited" in more.stderr and "3 invited already, left out" in more.stderr
    assert [r["name"] for r in _rows(second)] == ["Cy New"]
    forced = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", out, "--force",
                 "--db", db_url)
    assert forced.exit_code == 0 and _rows(out) == rows  # nothing new: the file is left as it was
    with Store(db_url) as store:
        assert len(store.invitations(assessment)) == 4


def test_invite_sets_the_welcome_text_and_the_anonymity(db_url, tmp_path):
    assessment = _new(db_url)
    result = run("invite", assessment, "--people", SAMPLE, "--base-url", "https://survey.example.org/pmo",
                 "--out", tmp_path / "i.csv", "--anonymity", "anonymous", "--sender", "Northbridge Consulting",
                 "--contact", "pmo-assessment@example.org", "--closes-on", "2099-12-18", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "12 people invited" in result.stderr and "4 executive, 3 pmo_staff, 5 project_manager" in result.stderr
    # 4 executives and 3 PMO staff: under the anonymous minimum of 5, so never shown as a role group
    assert ("anonymous: fewer than 5 people invited in Executive 4, PMO staff 3: a report shows a role only when at "
            "least 5 of it answered" in " ".join(result.stderr.split()))
    assert all(r["link"].startswith("https://survey.example.org/pmo/r/") for r in _rows(tmp_path / "i.csv"))
    assert [r["language"] for r in _rows(tmp_path / "i.csv")].count("de") == 1
    with Store(db_url) as store:
        assert store.survey(assessment) == ("anonymous", {"sender": "Northbridge Consulting",
                                                          "purpose": "How the PMO serves you",
                                                          "contact": "pmo-assessment@example.org",
                                                          "closes_on": "2099-12-18"})


@pytest.mark.parametrize(("args", "message"), [
    # the base URL
    (["--base-url", "ftp://example.org"], "--base-url 'ftp://example.org': it must start with http:// or https://"),
    (["--base-url", "127.0.0.1:8000"], "must start with http:// or https://"),
    (["--base-url", "http://"], "must start with http:// or https:// and name a host"),
    (["--base-url", "http://host:99999"], "--base-url 'http://host:99999'"),
    (["--base-url", "http://host/?a=1"], "a host, a port and a path, nothing more"),
    # the assessment, the date, the mode
    (["--base-url", BASE, "UNKNOWN"], "no assessment 9 in"),
    (["--base-url", BASE, "--closes-on", "18.12.2026"],
     "--closes-on: '18.12.2026' is not a date; expected a date as YYYY-MM-DD from 1950 to 2150"),
    (["--base-url", BASE, "--closes-on", "3026-12-18"],
     "--closes-on: '3026-12-18' is outside the years 1950-2150; expected a date as YYYY-MM-DD from 1950 to 2150"),
    (["--base-url", BASE, "--anonymity", "secret"], "secret"),
])
def test_invite_refuses_bad_input_and_writes_nothing(db_url, tmp_path, args, message):
    assessment = _new(db_url)
    if "UNKNOWN" in args:
        assessment, args = 9, args[:2]
    out = tmp_path / "invitations.csv"
    result = run("invite", assessment, "--people", SAMPLE, "--out", out, *args, "--db", db_url)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert "Traceback" not in result.output and not out.exists()
    assert _tokens(db_url) == 0


def test_invite_locates_every_problem_of_the_people_file(db_url, tmp_path):
    assessment = _new(db_url)
    people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn,ann@example.org,executive\n"
                                                "Bo,bo@example.org,wizard\n")
    out = tmp_path / "invitations.csv"
    result = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", out, "--db", db_url)
    assert result.exit_code == 2, result.output
    assert re.search(rf"^{re.escape(str(people))}:3:role: .*wizard", result.stderr, re.M), result.stderr
    assert "nothing was written" in result.stderr and not out.exists() and _tokens(db_url) == 0


def test_invite_to_a_closed_assessment_is_refused_until_it_is_reopened(db_url, tmp_path):
    assessment = _new(db_url)
    out = tmp_path / "invitations.csv"
    assert run("store", "close", assessment, "--db", db_url).stdout.endswith("closed: its links take no more "
                                                                            "answers\n")
    refused = run("invite", assessment, "--people", SAMPLE, "--base-url", BASE, "--out", out, "--db", db_url)
    assert refused.exit_code == 2 and "is closed: `pmo-workbench store reopen 1`" in refused.stderr
    assert not out.exists() and _tokens(db_url) == 0
    assert "reopened" in run("store", "reopen", assessment, "--db", db_url).stdout
    assert run("invite", assessment, "--people", SAMPLE, "--base-url", BASE, "--out", out, "--db", db_url
               ).exit_code == 0
    token = LINK.fullmatch(_rows(out)[0]["link"]).group(1)
    run("store", "close", assessment, "--db", db_url)
    with Store(db_url) as store:
        assert store.invitation(token) is None  # a closed assessment's links take nothing
    assert "was closed already" in run("store", "close", assessment, "--db", db_url).stdout


def test_no_token_is_stored_when_the_csv_cannot_be_written(db_url, tmp_path):
    assessment = _new(db_url)
    # a device is never replaced: refused before anything is stored
    result = run("invite", assessment, "--people", SAMPLE, "--base-url", BASE, "--out", "/dev/null", "--force",
                 "--anonymity", "anonymous", "--sender", "Us", "--db", db_url)
    assert result.exit_code == 2 and "cannot write /dev/null" in result.stderr, result.output
    with Store(db_url) as store:
        assert store.survey(assessment) == ("confidential", {"sender": "Northbridge Consulting",  # left as they were
                                                             "purpose": "How the PMO serves you"})
    # an --out inside a file
    (tmp_path / "file").write_text("x", encoding="utf-8")
    inside = run("invite", assessment, "--people", SAMPLE, "--base-url", BASE, "--out", tmp_path / "file" / "i.csv",
                 "--db", db_url)
    assert inside.exit_code == 2 and "is a file, not a folder" in inside.stderr
    assert _tokens(db_url) == 0


def test_when_the_store_refuses_no_csv_is_left(db_url, tmp_path, monkeypatch):
    from pmo_workbench.errors import StoreError

    assessment = _new(db_url)

    def refuse(self, assessment_id, people, **_):
        raise StoreError("the database is busy")

    monkeypatch.setattr(Store, "invite", refuse)
    result = run("invite", assessment, "--people", SAMPLE, "--base-url", BASE, "--out", tmp_path / "i.csv",
                 "--db", db_url)
    assert result.exit_code == 2 and result.stderr == "error: the database is busy\n"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("workbench.db")] == []  # no temporary file


def test_a_csv_that_fails_after_the_tokens_are_stored_says_how_to_recover(db_url, tmp_path, monkeypatch):
    from pmo_workbench.cli import invitations

    assessment = _new(db_url)

    def full(path, columns, rows):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(invitations, "_write_rows", full)
    out = tmp_path / "i.csv"
    result = run("invite", assessment, "--people", SAMPLE, "--base-url", BASE, "--out", out, "--db", db_url)
    assert result.exit_code == 1 and not out.exists()
    assert "No space left on device; 12 invitations are stored but their links are lost: `pmo-workbench remind` " \
           "issues fresh ones" in result.stderr


# -- status ------------------------------------------------------------------------------------------------------

def _invited(db_url, tmp_path) -> tuple[int, list[dict]]:
    assessment = _new(db_url)
    out = tmp_path / "invitations.csv"
    assert run("invite", assessment, "--people", SAMPLE, "--base-url", BASE, "--out", out, "--db", db_url
               ).exit_code == 0
    return assessment, _rows(out)


def _token(row: dict) -> str:
    return LINK.fullmatch(row["link"]).group(1)


def test_status_counts_by_role_and_as_json(db_url, tmp_path):
    assessment, rows = _invited(db_url, tmp_path)
    with Store(db_url) as store:
        _submit(store, _token(rows[0]))   # 2 of 4 executives submit
        _submit(store, _token(rows[1]))
        _start(store, _token(rows[7]))    # 1 of 5 project managers starts
    result = run("status", assessment, "--json", "--db", db_url)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["organisation"], document["status"], document["anonymity"]) == (
        "Stellbrook Pharmaceuticals", "open", "confidential")
    by_role = {r["role"]: (r["invited"], r["started"], r["submitted"], r["response_rate"]) for r in document["roles"]}
    assert by_role == {"executive": (4, 2, 2, 0.5), "pmo_staff": (3, 0, 0, 0.0), "project_manager": (5, 1, 0, 0.0),
                       "functional_manager": (0, 0, 0, None), "team_member": (0, 0, 0, None),
                       "total": (12, 3, 2, 0.1667)}  # 2 / 12
    table = run("status", assessment, "--db", db_url)
    assert table.exit_code == 0
    lines = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
             for line in table.stdout.splitlines() if line.count("│") == 6}
    assert lines["Executive"] == ["4", "2", "2", "50 %"]
    assert lines["Functional manager"] == ["0", "0", "0", "-"]
    assert lines["Total"] == ["12", "3", "2", "17 %"]
    assert "Stellbrook Pharmaceuticals / R&D Portfolio Office (open, confidential)" in table.stdout


def test_status_before_anyone_is_invited_and_of_an_unknown_assessment(db_url):
    assessment = _new(db_url)
    assert "nobody invited yet" in run("status", assessment, "--db", db_url).stdout
    unknown = run("status", 7, "--db", db_url)
    assert unknown.exit_code == 2 and unknown.stderr.startswith("error: no assessment 7 in")


# -- remind ------------------------------------------------------------------------------------------------------

def test_remind_writes_fresh_links_of_the_people_not_yet_submitted(db_url, tmp_path):
    assessment, rows = _invited(db_url, tmp_path)
    with Store(db_url) as store:
        _submit(store, _token(rows[0]))
        _start(store, _token(rows[7]))
    out = tmp_path / "reminders.csv"
    result = run("remind", assessment, "--base-url", BASE, "--out", out, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n" and "11 people to remind" in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    reminders = _rows(out)
    assert list(reminders[0]) == ["name", "email", "role", "language", "link", "status"]
    assert [r["name"] for r in reminders] == [r["name"] for r in rows[1:]]
    assert [r["status"] for r in reminders] == ["invited"] * 6 + ["started"] + ["invited"] * 4
    with Store(db_url) as store:
        for old, new in zip(rows[1:], reminders):
            assert _token(old) != _token(new)
            assert store.invitation(_token(old)).id == store.invitation(_token(new)).id  # both links work
        assert store.invitation(_token(rows[0])) is None  # submitted: no new link, the old one refused
        listed = store.invitations(assessment)
    assert listed["reminders"].tolist() == [0] + [1] * 11
    again = run("remind", assessment, "--base-url", BASE, "--out", out, "--db", db_url)
    assert again.exit_code == 2 and "--force" in again.stderr and _rows(out) == reminders


def test_remind_with_nobody_left(db_url, tmp_path):
    assessment = _new(db_url)
    result = run("remind", assessment, "--base-url", BASE, "--out", tmp_path / "r.csv", "--db", db_url)
    assert result.exit_code == 0 and "nobody invited yet" in result.stderr and not (tmp_path / "r.csv").exists()


class _Inbox:
    """What a local SMTP server received: (envelope recipients, message text) per message."""

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()


def test_remind_sends_each_person_their_own_link(db_url, tmp_path, smtp_server):
    import email
    import email.policy

    inbox, where = smtp_server
    assessment = _new(db_url)
    people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn Example,ann@example.org,executive\n"
                                                "Bo Field,bo@example.org,project_manager\n"
                                                "Cy Gone,cy@example.org,pmo_staff\nDee Nomail,,team_member\n")
    out = tmp_path / "invitations.csv"
    assert run("invite", assessment, "--people", people, "--base-url", BASE, "--out", out, "--db", db_url,
               "--contact", "pmo@example.org").exit_code == 0
    rows = _rows(out)
    with Store(db_url) as store:
        _submit(store, _token(rows[2]))  # Cy has submitted: no reminder
    result = run("remind", assessment, "--base-url", BASE, "--smtp", where, "--from", "PMO review <pmo@example.org>",
                 "--db", db_url)
    assert result.exit_code == 0, result.output
    assert f"2 reminders sent through {where}" in result.stderr
    assert "1 person without an e-mail address: Dee Nomail (team_member); give --out FILE" in result.stderr
    assert sorted(to for tos, _ in inbox.messages for to in tos) == ["ann@example.org", "bo@example.org"]
    with Store(db_url) as store:
        for tos, text in inbox.messages:
            msg = email.message_from_string(text, policy=email.policy.default)
            body = msg.get_content()
            links = LINK.findall(body)
            assert len(links) == 1  # their own link, no one else's
            invitation = store.invitation(links[0])
            listed = store.invitations(assessment).set_index("id")
            assert listed.loc[invitation.id, "email"] == tos[0]
            assert links[0] not in {_token(r) for r in rows}  # a fresh link
            assert msg["Subject"] == "Reminder: the assessment of R&D Portfolio Office (Stellbrook Pharmaceuticals)"
            assert "Questions: pmo@example.org" in body
        listed = store.invitations(assessment)
    assert listed.set_index("name")["reminders"].to_dict() == {"Ann Example": 1, "Bo Field": 1, "Cy Gone": 0,
                                                               "Dee Nomail": 0}
    assert not list(tmp_path.glob("reminders*.csv"))


def test_remind_by_smtp_with_out_gives_the_people_without_email_their_link(db_url, tmp_path, smtp_server):
    inbox, where = smtp_server
    assessment = _new(db_url)
    people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn,ann@example.org,executive\n"
                                                "Dee,,team_member\n")
    assert run("invite", assessment, "--people", people, "--base-url", BASE, "--out", tmp_path / "i.csv",
               "--db", db_url).exit_code == 0
    out = tmp_path / "reminders.csv"
    result = run("remind", assessment, "--base-url", BASE, "--smtp", where, "--from", "pmo@example.org",
                 "--subject", "Last week to answer", "--out", out, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{out}\n" and f"their fresh links are in {out}" in result.stderr
    assert [r["name"] for r in _rows(out)] == ["Ann", "Dee"]
    assert len(inbox.messages) == 1 and "Subject: Last week to answer" in inbox.messages[0][1]
    with Store(db_url) as store:
        assert store.invitations(assessment)["reminders"].tolist() == [1, 1]


def test_remind_uses_starttls_when_the_server_offers_it(db_url, tmp_path, monkeypatch):
    import shutil
    import ssl
    import subprocess

    from aiosmtpd.controller import Controller

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this certificate only
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), tls_context=server,
                            require_starttls=True)
    controller.start()
    try:
        assessment = _new(db_url)
        people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn,ann@example.org,executive\n")
        assert run("invite", assessment, "--people", people, "--base-url", BASE, "--out", tmp_path / "i.csv",
                   "--db", db_url).exit_code == 0
        result = run("remind", assessment, "--base-url", BASE, "--smtp", f"127.0.0.1:{controller.port}", "--from",
                     "pmo@example.org", "--db", db_url)
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert f"1 reminder sent through 127.0.0.1:{controller.port} (STARTTLS)" in result.stderr
    assert [tos for tos, _ in inbox.messages] == [["ann@example.org"]]


class _Picky(_Inbox):
    """Refuses every message to bo@example.org."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook
        if address == "bo@example.org":
            return "550 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_recipient_is_reported_and_not_marked_reminded(db_url, tmp_path):
    from aiosmtpd.controller import Controller

    inbox = _Picky()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        assessment = _new(db_url)
        people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn,ann@example.org,executive\n"
                                                    "Bo,bo@example.org,pmo_staff\n")
        assert run("invite", assessment, "--people", people, "--base-url", BASE, "--out", tmp_path / "i.csv",
                   "--db", db_url).exit_code == 0
        result = run("remind", assessment, "--base-url", BASE, "--smtp", f"127.0.0.1:{controller.port}", "--from",
                     "pmo@example.org", "--db", db_url)
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert "1 reminder sent" in result.stderr
    assert "not sent to Bo (pmo_staff): the server refused it: bo@example.org: 550 no such mailbox here" \
        in result.stderr
    assert [tos for tos, _ in inbox.messages] == [["ann@example.org"]]
    with Store(db_url) as store:
        assert store.invitations(assessment)["reminders"].tolist() == [1, 0]


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--smtp", "mail.example.org"], {}, "--smtp 'mail.example.org': give HOST:PORT"),
    (["--smtp", "mail.example.org:0", "--from", "a@example.org"], {}, "a port is 1 to 65535"),
    (["--smtp", "127.0.0.1:25"], {}, "--smtp needs --from ADDRESS"),
    (["--smtp", "127.0.0.1:25", "--from", "nobody"], {}, "--from 'nobody' is not an e-mail address"),
    (["--from", "a@example.org"], {}, "--from, --subject and --smtp-user go with --smtp"),
    (["--smtp", "127.0.0.1:25", "--from", "a@example.org", "--smtp-user", "me"], {"PMO_WORKBENCH_SMTP_PASSWORD": None},
     "set the password in the environment variable PMO_WORKBENCH_SMTP_PASSWORD"),
    (["--smtp", "CLOSED", "--from", "a@example.org"], {}, "cannot use the SMTP server 127.0.0.1:"),
    (["--base-url", "file:///etc/passwd"], {}, "--base-url 'file:///etc/passwd'"),
])
def test_remind_refuses_bad_smtp_settings_before_issuing_a_link(db_url, tmp_path, args, env, message):
    assessment, _ = _invited(db_url, tmp_path)
    args = [f"127.0.0.1:{_free_port()}" if a == "CLOSED" else a for a in args]
    base = [] if "--base-url" in args else ["--base-url", BASE]
    result = run("remind", assessment, *base, *args, "--db", db_url, env=env)
    assert result.exit_code == 2 and message in result.stderr, result.output
    assert "Traceback" not in result.output and _tokens(db_url) == 12  # no link issued
    with Store(db_url) as store:
        assert store.invitations(assessment)["reminders"].tolist() == [0] * 12


def test_smtp_login_as_a_user(db_url, tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((_text(auth_data.login), _text(auth_data.password)))
        return AuthResult(success=_text(auth_data.password) == "s3cret", handled=False)

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        assessment, _ = _invited(db_url, tmp_path)
        args = ["remind", assessment, "--base-url", BASE, "--smtp", f"127.0.0.1:{controller.port}", "--from",
                "pmo@example.org", "--smtp-user", "consultant", "--db", db_url]
        monkeypatch.setenv("PMO_WORKBENCH_SMTP_PASSWORD", "wrong")
        refused = run(*args)
        assert refused.exit_code == 2 and "refused the login of consultant" in refused.stderr
        assert _tokens(db_url) == 12 and inbox.messages == []
        monkeypatch.setenv("PMO_WORKBENCH_SMTP_PASSWORD", "s3cret")
        result = run(*args)
        assert result.exit_code == 0 and len(inbox.messages) == 12, result.output
    finally:
        controller.stop()
    assert set(logins[:-1]) == {("consultant", "wrong")} and logins[-1] == ("consultant", "s3cret")


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


# -- store forget | anonymise ------------------------------------------------------------------------------------

def test_forget_asks_first_then_removes_the_respondent_and_what_identifies_them(db_url, tmp_path):
    assessment, rows = _invited(db_url, tmp_path)
    with Store(db_url) as store:
        _submit(store, _token(rows[0]))
        _submit(store, _token(rows[1]))
        label = store.invitations(assessment)["respondent"].iloc[0]
    declined = run("store", "forget", rows[0]["email"], "--assessment", assessment, "--db", db_url, input="n\n")
    assert declined.exit_code == 1 and "Delete respondent" in declined.stdout
    assert "nothing changed (--yes answers the question)" in declined.stderr
    with Store(db_url) as store:
        assert len(store.respondents(assessment)) == 2
    result = run("store", "forget", rows[0]["email"], "--assessment", assessment, "--db", db_url, input="y\n")
    assert result.exit_code == 0, result.output
    assert f"respondent {label} (executive) of assessment {assessment} forgotten: 1 answer" in result.stdout
    with Store(db_url) as store:
        assert store.respondents(assessment)["label"].tolist() != [] and label not in \
            store.respondents(assessment)["label"].tolist()
        first = store.invitations(assessment).iloc[0]
        assert (first["name"], first["email"], first["language"], first["respondent"], first["role"],
                first["status"]) == (None, None, None, None, "executive", "submitted")
        other = store.invitations(assessment)["respondent"].iloc[1]
    by_label = run("store", "forget", other, "-a", assessment, "--yes", "--db", db_url)
    assert by_label.exit_code == 0 and f"respondent {other} (executive)" in by_label.stdout
    unknown = run("store", "forget", "R99", "-a", assessment, "--yes", "--db", db_url)
    assert unknown.exit_code == 2 and "no respondent 'R99' in assessment 1 (it has no respondents)" in unknown.stderr
    not_yet = run("store", "forget", rows[5]["email"], "-a", assessment, "--yes", "--db", db_url)
    assert not_yet.exit_code == 0 and "name, e-mail address, language, draft and links removed, no answers" in (
        not_yet.stdout)  # never answered: the invitation is forgotten all the same


def test_anonymise_leaves_nothing_that_identifies_anyone(db_url, tmp_path):
    assessment, rows = _invited(db_url, tmp_path)
    with Store(db_url) as store:
        _submit(store, _token(rows[0]))
        _start(store, _token(rows[4]))
    refused = run("store", "anonymise", assessment, "--yes", "--db", db_url)
    assert refused.exit_code == 2 and "is open; close it first: store close" in refused.stderr
    assert run("store", "close", assessment, "--db", db_url).exit_code == 0
    unanswered = run("store", "anonymise", assessment, "--db", db_url)  # no answer to the question
    assert unanswered.exit_code == 1 and "nothing changed" in unanswered.stderr
    result = run("store", "anonymise", assessment, "--yes", "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "is anonymous now: removed the names and e-mail addresses of 12 invitations, 1 link" in result.stdout
    with Store(db_url) as store:
        listed = store.invitations(assessment)
        respondents = store.respondents(assessment)
        assert store.survey(assessment)[0] == "anonymous"
    assert listed[["name", "email", "respondent"]].isna().all().all()
    assert respondents["name"].isna().all() and respondents["label"].str.fullmatch(r"web-[0-9a-f]{8}").all()
    status = json.loads(run("status", assessment, "--json", "--db", db_url).stdout)
    assert status["anonymity"] == "anonymous" and status["roles"][-1]["submitted"] == 1


def test_the_sample_people_file_reads_as_the_readme_says(core):
    from pmo_workbench.store import read_people

    people = read_people(SAMPLE, core)
    assert [p.role for p in people] == ["executive"] * 4 + ["pmo_staff"] * 3 + ["project_manager"] * 5
    assert [p.name for p in people if p.language] == ["Tobias Brenner"] and people[3].language == "de"
    assert all(p.email.endswith("@example.org") for p in people) and len({p.key for p in people}) == 12


def test_a_reminder_speaks_the_invitations_language():
    from pmo_workbench.cli.invitations import reminder_text
    from pmo_workbench.i18n import use_language

    info = {"pmo": "Group PMO", "organisation": "Alpha GmbH"}
    with use_language("de"):
        text = reminder_text("Dora", info, "https://x/r/abc", "started", {"closes_on": "2026-12-31"})
    assert text.splitlines()[:3] == ["Guten Tag Dora,", "",
                                     "wir möchten Sie an die Bewertung von Group PMO (Alpha GmbH) erinnern."]
    assert "die Befragung am 31. Dezember 2026 endet" in text
