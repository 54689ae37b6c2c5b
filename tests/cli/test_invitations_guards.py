"""What the consultant's commands refuse: overwriting the store or the people file, answers imported into a closed
assessment, ids too large for the database, a past closing date, a welcome page that says nothing of who runs the
survey; and that a run that invites nobody changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from pmo_workbench.store import Store
from tests.cli.test_invitations_cli import BASE, SAMPLE, _new, _rows, _tokens, run
from tests.helpers import write_csv

HUGE = "99999999999999999999"


def _sqlite_file(db_url: str):
    from pathlib import Path

    return Path(db_url.removeprefix("sqlite:///"))


def test_force_never_replaces_the_store_or_the_people_file(db_url, tmp_path):
    assessment = _new(db_url)
    people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn,ann@example.org,executive\n")
    other = write_csv(tmp_path / "notes.csv", "a,b\n1,2\n")
    targets = [people, other] + ([_sqlite_file(db_url)] if db_url.startswith("sqlite") else [])
    for target in targets:
        before = target.read_bytes()
        result = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", target, "--force",
                     "--db", db_url)
        assert result.exit_code == 2, result.output
        assert f"--out {target}" in result.stderr and "Traceback" not in result.output
        assert target.read_bytes() == before
    assert _tokens(db_url) == 0
    if db_url.startswith("sqlite"):
        db = _sqlite_file(db_url)
        shown = run("remind", assessment, "--base-url", BASE, "--out", db, "--force", "--db", db_url)
        assert shown.exit_code == 2 and f"--out {db} exists and is a database file" in shown.stderr
    # an earlier invitations file is replaced with --force
    out = tmp_path / "invitations.csv"
    assert run("invite", assessment, "--people", people, "--base-url", BASE, "--out", out, "--db", db_url
               ).exit_code == 0
    reminded = run("remind", assessment, "--base-url", BASE, "--out", out, "--force", "--db", db_url)
    assert reminded.exit_code == 0, reminded.output
    assert list(_rows(out)[0]) == ["name", "email", "role", "language", "link", "status"]
    again = run("remind", assessment, "--base-url", BASE, "--out", out, "--force", "--db", db_url)
    assert again.exit_code == 0, again.output  # a reminders file too


def test_a_closed_assessment_takes_no_import(db_url, tmp_path):
    first = write_csv(tmp_path / "first.csv",
                      "organisation,pmo,respondent,role,MAN1\nOrg,PMO,r1,executive,4\n")
    assert run("store", "import", first, "--db", db_url).exit_code == 0
    assert run("store", "close", "1", "--db", db_url).exit_code == 0
    late = write_csv(tmp_path / "late.csv", "organisation,pmo,respondent,role,MAN1\nOrg,PMO,r2,executive,3\n")
    changed = write_csv(tmp_path / "changed.csv", "organisation,pmo,respondent,role,MAN1\nOrg,PMO,r1,executive,1\n")
    for path in (late, changed):
        result = run("store", "import", path, "--db", db_url)
        assert result.exit_code == 2, result.output
        assert "assessment 1 is closed" in result.stderr and "reopen it first: store reopen 1" in result.stderr
    with Store(db_url) as store:
        assert store.respondents(1)["label"].tolist() == ["r1"]
        assert store.responses(1)["value"].tolist()[0] == 4
    again = run("store", "import", first, "--db", db_url)  # the same answers: nothing to change, no refusal
    assert again.exit_code == 0 and "0 respondents added; answers: 0 added, 0 changed" in again.stdout
    run("store", "reopen", "1", "--db", db_url)
    assert run("store", "import", late, "--db", db_url).exit_code == 0


@pytest.mark.parametrize("args", [
    ["status", HUGE], ["store", "close", HUGE], ["store", "anonymise", HUGE, "--yes"],
    ["store", "forget", "x@example.org", "--assessment", HUGE, "--yes"], ["remind", HUGE, "--base-url", BASE],
    ["store", "export", "out.csv", "-a", HUGE],
])
def test_an_id_too_large_names_no_assessment(db_url, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    _new(db_url)
    result = run(*args, "--db", db_url)
    assert result.exit_code == 2, result.output
    assert f"no assessment {HUGE} in" in result.stderr and "internal error" not in result.output


def test_invite_with_an_id_too_large(db_url, tmp_path):
    _new(db_url)
    result = run("invite", HUGE, "--people", SAMPLE, "--base-url", BASE, "--out", tmp_path / "i.csv", "--db", db_url)
    assert result.exit_code == 2 and f"no assessment {HUGE} in" in result.stderr, result.output


def test_a_new_survey_must_say_who_runs_it_and_why(db_url, tmp_path):
    created = run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--db", db_url)
    out = tmp_path / "i.csv"
    result = run("invite", "1", "--people", SAMPLE, "--base-url", BASE, "--out", out, "--sender", "Us",
                 "--db", db_url)
    assert created.exit_code == 0 and result.exit_code == 2
    assert "the welcome page must say who runs the survey and why: give --purpose" in result.stderr
    assert not out.exists() and _tokens(db_url) == 0
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    result = run("invite", "1", "--people", SAMPLE, "--base-url", BASE, "--out", out, "--sender", "Us",
                 "--purpose", "Why", "--closes-on", past, "--db", db_url)
    assert result.exit_code == 2 and f"--closes-on {past} is in the past" in result.stderr
    assert not out.exists() and _tokens(db_url) == 0


def test_a_run_that_invites_nobody_changes_no_welcome_text(db_url, tmp_path):
    assessment = _new(db_url)
    people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn,ann@example.org,executive\n")
    first = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", tmp_path / "1.csv",
                "--contact", "pmo@example.org", "--db", db_url)
    assert first.exit_code == 0 and "changed for every respondent's welcome page: contact" in first.stderr
    again = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", tmp_path / "2.csv",
                "--sender", "Someone else", "--anonymity", "anonymous", "--db", db_url)
    assert again.exit_code == 0 and "nothing written" in again.stderr
    assert "the welcome page was left as it was" in again.stderr and not (tmp_path / "2.csv").exists()
    with Store(db_url) as store:
        assert store.survey(assessment) == ("confidential", {"sender": "Northbridge Consulting",
                                                             "purpose": "How the PMO serves you",
                                                             "contact": "pmo@example.org"})


def test_the_report_cache_is_private_and_forgotten_with_the_answers(db_url, tmp_path, monkeypatch):
    import stat

    from pmo_workbench.assessment.instrument import load_instrument
    from pmo_workbench.store.files import input_folder, report_input

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    answers = write_csv(tmp_path / "a.csv", "organisation,pmo,respondent,role,item,value,comment\n"
                                            "Org,PMO,r1,executive,MAN1,4,Comment by r1\n"
                                            "Org,PMO,r2,executive,MAN1,3,\n")
    with Store(db_url) as store:
        store.import_responses(answers, load_instrument("pmo-core"))
        store.set_survey(1, anonymity="anonymous")  # the engagement file is written too
        folder = input_folder(store.url)
        given = report_input(store, 1, folder)
        url = store.url
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(folder.parent.stat().st_mode) == 0o700
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["assessment-1-engagement.yaml", "assessment-1.csv"] and given.engagement is not None
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert "Comment by r1" in given.responses.read_text(encoding="utf-8")
    other = folder / "assessment-12.csv"  # another assessment's copy stays
    other.write_text("x", encoding="utf-8")
    result = run("store", "forget", "r1", "--assessment", "1", "--yes", "--db", url)
    assert result.exit_code == 0, result.output
    assert "2 cached report inputs deleted" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["assessment-12.csv"]
    with Store(url) as store:
        report_input(store, 1, folder)
    run("store", "close", "1", "--db", url)
    result = run("store", "anonymise", "1", "--yes", "--db", url)
    assert result.exit_code == 0 and "2 cached report inputs deleted" in result.stdout, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["assessment-12.csv"]


def test_an_anonymous_assessment_is_exported_with_its_minimum_group_size(db_url, tmp_path):
    import yaml

    from pmo_workbench.assessment.report import positioning_input

    rows = "".join(f"Org,PMO,r{n},executive,MAN1,4\n" for n in range(5))
    answers = write_csv(tmp_path / "a.csv", "organisation,pmo,respondent,role,item,value\n" + rows)
    assert run("store", "import", answers, "--db", db_url).exit_code == 0
    with Store(db_url) as store:
        store.set_survey(1, anonymity="anonymous")
    out, engagement = tmp_path / "ex.csv", tmp_path / "ex-engagement.yaml"
    refused = run("store", "export", out, "-a", "1", "--db", db_url)
    assert refused.exit_code == 2 and "assessment 1 is anonymous" in refused.stderr
    assert "--engagement-out FILE" in refused.stderr and not out.exists()
    result = run("store", "export", out, "--engagement-out", engagement, "--db", db_url)
    assert result.exit_code == 0 and result.stdout == f"{out}\n{engagement}\n", result.output
    assert yaml.safe_load(engagement.read_text(encoding="utf-8")) == {
        "pmos": [{"organisation": "Org", "pmo": "PMO", "anonymity": "anonymous"}]}
    data = positioning_input(out, "Org", engagement=engagement, min_group_size=2)
    assert data.min_group_size == 5


@pytest.mark.parametrize("utf8", [True, False])
def test_internationalised_addresses_are_sent_in_idna_or_reported_and_the_rest_marked(db_url, tmp_path, utf8):
    from aiosmtpd.controller import Controller

    from tests.cli.test_invitations_cli import _free_port, _Inbox

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), enable_SMTPUTF8=utf8)
    controller.start()
    where = f"127.0.0.1:{controller.port}"
    try:
        assessment = _new(db_url)
        people = write_csv(tmp_path / "people.csv", "name,email,role\nZoë,zoe@x.org,executive\n"
                                                    "Bob,bob@x.org,executive\nZed,zed@exämple.org,pmo_staff\n"
                                                    "Üna,üna@x.org,pmo_staff\n")
        assert run("invite", assessment, "--people", people, "--base-url", BASE, "--out", tmp_path / "i.csv",
                   "--db", db_url).exit_code == 0
        result = run("remind", assessment, "--base-url", BASE, "--smtp", where, "--from", "a@b.org", "--db", db_url)
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    sent = ["bob@x.org", "zed@xn--exmple-cua.org", "zoe@x.org"] + (["üna@x.org"] if utf8 else [])
    assert f"{len(sent)} reminders sent through {where}" in result.stderr
    assert sorted(to for tos, _ in inbox.messages for to in tos) == sorted(sent)
    if not utf8:
        assert ("not sent to Üna (pmo_staff): the server does not take internationalised addresses (it does not "
                "offer SMTPUTF8)") in result.stderr
    with Store(db_url) as store:
        reminded = store.invitations(assessment).set_index("name")["reminders"].to_dict()
    assert reminded == {"Zoë": 1, "Bob": 1, "Zed": 1, "Üna": int(utf8)}


def test_invite_refuses_an_address_no_mail_can_reach(db_url, tmp_path):
    assessment = _new(db_url)
    people = write_csv(tmp_path / "people.csv", "name,email,role\nAnn,ann@x.org,executive\n"
                                                f"Bad,bad@{'ä' * 70}.org,executive\n")
    result = run("invite", assessment, "--people", people, "--base-url", BASE, "--out", tmp_path / "i.csv",
                 "--db", db_url)
    if result.exit_code != 2:  # the people reader may refuse the address itself (also exit 2)
        raise AssertionError(result.output)
    assert "is not a valid internationalised domain name" in result.stderr or "bad@" in result.stderr
    assert _tokens(db_url) == 0


def test_control_characters_never_reach_the_terminal(db_url, tmp_path):
    from pmo_workbench.cli.store import shown

    assert shown("Evil\x1b[2J\x1b]8;;http://evil.example\x07click\u202e\x9b") == \
        "Evil\ufffd[2J\ufffd]8;;http://evil.example\ufffdclick\ufffd\ufffd"
    answers = write_csv(tmp_path / "a.csv", "organisation,pmo,respondent,role,item,value\n"
                                            "Org\x1b[2J,PMO,r\x1b]1,executive,MAN1,4\n")
    imported = run("store", "import", answers, "--db", db_url)
    if imported.exit_code != 0:  # the responses reader refused the control characters: nothing to print
        assert "\x1b" not in imported.output
        return
    for args in (["store", "close", "1"], ["store", "forget", "nobody", "--assessment", "1", "--yes"],
                 ["status", "1"]):
        result = run(*args, "--db", db_url)
        assert "\x1b" not in result.output, args


def test_report_of_an_anonymous_assessment_under_5_is_refused_before_it_runs(tmp_path):
    rows = "".join(f"Org,PMO,r{n},executive,MAN1,4\n" for n in range(4))
    answers = write_csv(tmp_path / "a.csv", "organisation,pmo,respondent,role,item,value\n" + rows)
    engagement = write_csv(tmp_path / "e.yaml",
                           "pmos:\n  - organisation: Org\n    pmo: PMO\n    anonymity: anonymous\n")
    out = tmp_path / "rep"
    result = run("report", "positioning", "--responses", answers, "--organisation", "Org", "--engagement",
                 engagement, "--out", out, "-f", "html")
    assert result.exit_code == 2, result.output
    assert ("Org / PMO: 4 respondents answered anonymously, fewer than the minimum of 5; no report is rendered until "
            "at least 5 have answered") in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_forget_an_invitee_who_never_answered_and_invite_them_again_only_when_asked(tmp_path):
    db, people = f"sqlite:///{tmp_path / 'f.db'}", tmp_path / "p.csv"
    people.write_text("name,email,role\nAda Lovelace,ada@example.org,executive\nBo,bo@example.org,pmo_staff\n",
                      encoding="utf-8")
    assessment = _new(db)
    base = ["invite", assessment, "--db", db, "--people", people, "--base-url", BASE]
    assert run(*base, "--out", tmp_path / "a.csv").exit_code == 0
    forgot = run("store", "forget", "ADA@example.org", "--assessment", assessment, "--db", db, "--yes")
    assert forgot.exit_code == 0, forgot.output
    assert f"the invitation of ADA@example.org in assessment {assessment} forgotten" in forgot.stdout
    again = run(*base, "--out", tmp_path / "b.csv")
    assert again.exit_code == 0 and not (tmp_path / "b.csv").exists()
    assert "1 person of " in again.stderr and "forgotten at their request, left out" in again.stderr
    assert "all 1 person invited already" in again.stderr
    asked = run(*base, "--out", tmp_path / "c.csv", "--include-forgotten")
    assert asked.exit_code == 0 and "Ada Lovelace" in (tmp_path / "c.csv").read_text(encoding="utf-8")
