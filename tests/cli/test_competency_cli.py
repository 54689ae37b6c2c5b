"""``pmo-workbench competency validate`` and ``score`` on the mini cohort (figures in tests/assessment/
test_competency.py) and on bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pmo_workbench.cli import app
from tests.competency_mini import write_mini

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_and_score_a_cohort(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    checked = run("competency", "validate", ratings, "--instrument", instrument)
    assert checked.exit_code == 0, checked.output
    assert "valid for mini-competency 1.0: 37 ratings of 3 people in 1 cohort; 3 self, 2 manager and 4 peer" in (
        checked.stdout)
    scored = run("competency", "score", ratings, "--instrument", instrument, "--format", "json")
    assert scored.exit_code == 0, scored.output
    (cohort,) = json.loads(scored.stdout)["cohorts"]
    assert cohort["people"] == 3 and cohort["meeting_every_required_level"] == 1
    # 2 and 1 people below: how far would be their own levels
    assert [(n["area"], n["people_below"], n["mean_shortfall"]) for n in cohort["training_needs"]] == [
        ("stakeholder", 2, None), ("risk", 1, None)]
    for name in ("Ana", "Ben", "Cara", "Max"):  # a cohort's figures name nobody
        assert name not in scored.stdout
    table = run("competency", "score", ratings, "--instrument", instrument)
    assert "Stakeholder management" in table.stdout and "2 of 3" in table.stdout
    assert "(fewer than 3 below)" in table.stdout


def test_engagement_edits_and_the_per_person_csv(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text("competency:\n  required:\n    junior: {risk: 4}\n", encoding="utf-8")
    out = tmp_path / "people.csv"
    scored = run("competency", "score", ratings, "--instrument", instrument, "--engagement", engagement,
                 "--format", "csv", "--out", out)
    assert scored.exit_code == 0, scored.output
    assert scored.stdout.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("organisation,cohort,subject,job_level,area,self,")
    assert "Acme,PMs,Ben,junior,risk,2.0," in text  # Ben's risk now required at 4: 3.5 is below by 0.5
    assert ",manager,4.0,True,0.5," in text


def test_bad_input_is_one_located_line_and_exit_2(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    ratings.write_text(ratings.read_text(encoding="utf-8").replace("Max,manager,3,3,3", "Max,boss,3,3,3"),
                       encoding="utf-8")
    bad = run("competency", "score", ratings, "--instrument", instrument)
    assert bad.exit_code == 2
    assert f"{ratings}:3:role: unknown role 'boss'; expected one of self, manager, peer" in bad.stderr
    assert "Traceback" not in bad.output
    _, ratings = write_mini(tmp_path)
    wrong = run("competency", "score", ratings, "--instrument", instrument, "--cohort", "Nope")
    assert wrong.exit_code == 2 and "--cohort 'Nope' has no ratings" in wrong.stderr
    missing = run("competency", "validate", ratings, "--instrument", tmp_path / "none.yaml")
    assert missing.exit_code == 2 and "none.yaml" in missing.stderr
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text("competency:\n  required:\n    junior: {risk: 9}\n", encoding="utf-8")
    wrong = run("competency", "score", ratings, "--instrument", instrument, "--engagement", engagement)
    assert wrong.exit_code == 2 and (
        f"{engagement}:3:20: competency.required.junior.risk: 9 is not a level on the scale 1-5" in wrong.stderr)


def test_instruments_know_the_competency_instrument(tmp_path):
    checked = run("instruments", "check", "pm-competency", "--language", "de")
    assert checked.exit_code == 0 and "pm-competency 1.0: 170 texts, every one in de" in checked.stdout
    listed = run("instruments")
    assert "pm-competency" in listed.stdout and "junior, senior, programme" in listed.stdout
    wrong = run("validate", "examples/pmo_responses.csv", "--instrument", "templates/competency/pm-competency.yaml")
    assert wrong.exit_code == 2
    assert "pm-competency.yaml:45:7: a competency instrument (kind: competency) rates project managers" in wrong.stderr


def test_the_engagement_beside_the_ratings_and_the_organisation_option(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    (tmp_path / "engagement.yaml").write_text("competency:\n  required:\n    junior: {risk: 1, stakeholder: 1}\n"
                                              "    senior: {risk: 1, stakeholder: 1}\n", encoding="utf-8")
    scored = run("competency", "score", ratings, "--instrument", instrument, "--format", "json")
    assert scored.exit_code == 0, scored.output
    (cohort,) = json.loads(scored.stdout)["cohorts"]
    assert cohort["training_needs"] == [] and cohort["meeting_every_required_level"] == 3
    wrong = run("competency", "score", ratings, "--instrument", instrument, "--organisation", "Other")
    assert wrong.exit_code == 2 and "--organisation 'Other' has no ratings" in wrong.stderr
    mine = run("competency", "score", ratings, "--instrument", instrument, "--organisation", "Acme", "-f", "json")
    assert json.loads(mine.stdout)["cohorts"][0]["people"] == 3


# -- collecting: invite, remind, status, close, reopen ------------------------------------------------------

COHORT = ("name,email,job_level,manager,peers\nAna Silva,ana@example.org,senior,Max Weber,Ben Okafor\n"
          "Ben Okafor,ben@example.org,junior,Max Weber,\nMax Weber,max@example.org,senior,,\n")


def _cohort(tmp_path):
    from pmo_workbench.assessment.competency import load_competency_instrument
    from pmo_workbench.store import Store

    db = str(tmp_path / "c.db")
    with Store(db) as store:
        cid = store.create_cohort("Acme", "PMs", load_competency_instrument("pm-competency"))
    people = tmp_path / "cohort.csv"
    people.write_text(COHORT, encoding="utf-8")
    return db, cid, people


def _links(path):
    import csv

    return {(r["subject"], r["rater"], r["role"]): r["link"] for r in csv.DictReader(path.open(encoding="utf-8"))}


def test_a_failed_links_file_invites_nobody(tmp_path, monkeypatch):
    import pmo_workbench.cli.invitations as invitations
    from pmo_workbench.store import Store

    db, cid, people = _cohort(tmp_path)
    out = tmp_path / "links.csv"
    args = ("competency", "invite", cid, "--people", people, "--base-url", "http://127.0.0.1:8765", "--out", out,
            "--db", db)

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(invitations, "_write_rows", full)
        failed = run(*args)
    assert failed.exit_code == 1 and "No space left on device" in failed.stderr and not out.exists()
    with Store(db) as store:
        assert store.competency_invitations(cid).empty  # rolled back: no stored link without its file
    again = run(*args)
    assert again.exit_code == 0, again.output
    assert len(_links(out)) == 6


def test_remind_status_close_and_reopen(tmp_path):
    from pmo_workbench.store import Store

    db, cid, people = _cohort(tmp_path)
    first = tmp_path / "links.csv"
    assert run("competency", "invite", cid, "--people", people, "--base-url", "http://h:1", "--out", first,
               "--db", db).exit_code == 0
    old = _links(first)
    with Store(db) as store:
        token = old[("Ben Okafor", "Ben Okafor", "self")].rsplit("/", 1)[1]
        store.save_competency_draft(token, {"integration-charter": 3})
        assert store.submit_competency(token)
    again = run("competency", "invite", cid, "--people", people, "--base-url", "http://h:1", "--out", first,
                "--db", db)
    assert again.exit_code == 2 and "--force" in again.stderr  # the hint names an option the command has
    forced = run("competency", "invite", cid, "--people", people, "--base-url", "http://h:1", "--out", first,
                 "--force", "--db", db)
    assert forced.exit_code == 0 and "nothing written" in forced.stderr and _links(first) == old  # kept
    fresh = tmp_path / "fresh.csv"
    reminded = run("competency", "remind", cid, "--base-url", "http://h:1", "--out", fresh, "--db", db)
    assert reminded.exit_code == 0, reminded.output
    new = _links(fresh)
    assert set(new) == set(old) - {("Ben Okafor", "Ben Okafor", "self")}  # the submitted one is not re-issued
    with Store(db) as store:
        for pair, link in new.items():
            assert store.competency_link(link.rsplit("/", 1)[1]).subject == pair[0]
            assert store.competency_link(old[pair].rsplit("/", 1)[1]) is None  # the old link is replaced
    only = tmp_path / "max.csv"
    one = run("competency", "remind", cid, "--base-url", "http://h:1", "--out", only, "--rater", "  max WEBER",
              "--subject", "ana silva", "--db", db)
    assert one.exit_code == 0 and list(_links(only)) == [("Ana Silva", "Max Weber", "manager")]
    nobody = run("competency", "remind", cid, "--base-url", "http://h:1", "--out", tmp_path / "x.csv",
                 "--rater", "Zed", "--db", db)
    assert nobody.exit_code == 2 and "has no invitation with rater 'Zed'" in nobody.stderr
    status = run("competency", "status", cid, "--json", "--db", db)
    assert status.exit_code == 0, status.output
    document = json.loads(status.stdout)
    assert [(r["subject"], r["rater"], r["role"], r["status"]) for r in document["invitations"]] == [
        ("Ana Silva", "Ana Silva", "self", "invited"), ("Ana Silva", "Max Weber", "manager", "invited"),
        ("Ana Silva", "Ben Okafor", "peer", "invited"), ("Ben Okafor", "Ben Okafor", "self", "submitted"),
        ("Ben Okafor", "Max Weber", "manager", "invited"), ("Max Weber", "Max Weber", "self", "invited")]
    assert "http" not in status.stdout
    table = run("competency", "status", cid, "--db", db)
    assert "1 of 6 invitations submitted" in table.stdout
    closed = run("competency", "close", cid, "--db", db)
    assert closed.exit_code == 0 and "is closed" in closed.stdout
    with Store(db) as store:
        assert store.competency_link(new[("Max Weber", "Max Weber", "self")].rsplit("/", 1)[1]) is None
    refused = run("competency", "remind", cid, "--base-url", "http://h:1", "--out", tmp_path / "y.csv", "--db", db)
    assert refused.exit_code == 2 and "is closed" in refused.stderr
    assert run("competency", "reopen", cid, "--db", db).exit_code == 0
    with Store(db) as store:
        assert store.competency_link(new[("Max Weber", "Max Weber", "self")].rsplit("/", 1)[1]) is not None
    assert run("competency", "close", 99, "--db", db).exit_code == 2


def test_forget_asks_then_deletes(tmp_path):
    from pmo_workbench.store import Store

    db, cid, people = _cohort(tmp_path)
    out = tmp_path / "links.csv"
    assert run("competency", "invite", cid, "--people", people, "--base-url", "http://h:1", "--out", out,
               "--db", db).exit_code == 0
    asked = runner.invoke(app, ["competency", "forget", str(cid), "--person", "ana silva", "--db", db], input="n\n")
    assert asked.exit_code == 1 and "nothing changed" in asked.stderr
    done = run("competency", "forget", cid, "--person", "max@example.org", "--yes", "--db", db)
    assert done.exit_code == 0, done.output
    assert "1 person rated, 3 raters (with their invitations and drafts) and 0 ratings deleted" in done.stdout
    with Store(db) as store:
        assert [r.rater for r in store.competency_invitations(cid).itertuples()] == [
            "Ana Silva", "Ben Okafor", "Ben Okafor"]
    unknown = run("competency", "forget", cid, "--person", "Zed", "--yes", "--db", db)
    assert unknown.exit_code == 2 and "holds nobody named or with the address 'Zed'" in unknown.stderr


def test_a_changed_cohort_file_names_what_the_store_keeps(tmp_path):
    db, cid, people = _cohort(tmp_path)
    args = ("competency", "invite", cid, "--people", people, "--base-url", "http://h:1", "--db", db)
    assert run(*args, "--out", tmp_path / "one.csv").exit_code == 0
    people.write_text(COHORT.replace("Ana Silva,ana@example.org,senior,Max Weber,Ben Okafor",
                                     "Ana Silva,ana.new@example.org,senior,Zed Boss,"), encoding="utf-8")
    again = run(*args, "--out", tmp_path / "two.csv")
    assert again.exit_code == 0, again.output
    assert list(_links(tmp_path / "two.csv")) == [("Ana Silva", "Zed Boss", "manager")]
    assert again.stderr.count("not changed: ") == 3
    assert ("not changed: 'Max Weber' still rates 'Ana Silva' as manager (invited): the file no longer says so; "
            "their link stays valid and their ratings count") in again.stderr
    assert "not changed: 'Ben Okafor' still rates 'Ana Silva' as peer (invited)" in again.stderr
    assert "not changed: 'Ana Silva' keeps the stored e-mail ana@example.org, not ana.new@example.org" in (
        again.stderr)
    same = run(*args, "--out", tmp_path / "three.csv")
    assert "nothing written" in same.stderr and same.stderr.count("not changed: ") == 3


def test_a_blank_cohort_name_is_said_so(tmp_path):
    blank = run("template", "competency", "--out", tmp_path / "t.xlsx", "--cohort", "  ")
    assert blank.exit_code == 2 and "--cohort '  ' is blank; give a name" in blank.stderr
