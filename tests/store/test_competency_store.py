"""Competency assessments in the store (migration 0010): import, the tidy frame scoring takes, export, the form's
ratings, and the PMO side left as it was. Each test runs on SQLite and PostgreSQL unless marked ``sqlite_only``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.assessment.competency_scoring import score_competency
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError, StoreError
from pmo_workbench.store import Store, alembic_config
from tests.backends import refused_by_the_database, sqlite_only
from tests.competency_mini import write_mini
from tests.helpers import write_csv

runner = CliRunner()


@pytest.fixture
def mini(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    return load_competency_instrument(instrument), ratings


def test_import_read_export_round_trip(store, mini, tmp_path):
    ins, ratings = mini
    first = store.import_competency(ratings, ins)
    assert (first.people_added, first.raters_added, first.ratings_added, first.ratings_changed) == (3, 9, 38, 0)
    again = store.import_competency(ratings, ins)
    assert (again.people_added, again.raters_added, again.ratings_added, again.ratings_unchanged) == (0, 0, 0, 38)
    stored = store.competency_responses()
    from_file = read_competency_responses(ratings, ins)
    pd.testing.assert_frame_equal(stored, from_file)  # the file's order: raters as added, items as listed
    for suffix in ("xlsx", "csv"):
        exported = store.export_competency(tmp_path / f"out.{suffix}")
        pd.testing.assert_frame_equal(read_competency_responses(exported, ins), stored)
    # Scores from the store are the file's.
    pd.testing.assert_frame_equal(score_competency(stored, ins).profile, score_competency(from_file, ins).profile)
    listed = store.competency_assessments()
    assert listed[["organisation", "cohort", "instrument_id", "status", "people", "raters", "ratings"]
                  ].values.tolist() == [["Acme", "PMs", "mini-competency", "open", 3, 9, 38]]


def test_long_export_keeps_comments_and_dont_know(store, mini, tmp_path):
    ins, ratings = mini
    store.import_competency(ratings, ins)
    raters = store.competency_raters(1)
    ana_p1 = int(raters.query("subject == 'Ana' and rater == 'P1'")["rater_id"].iloc[0])
    store.save_ratings(ana_p1, {"r1": None}, comments={"r1": "=HYPERLINK(\"x\")", "s1": "clear goals"})
    out = store.export_competency(tmp_path / "long.csv", form="long")
    text = out.read_text(encoding="utf-8")
    assert "Acme,PMs,Ana,senior,P1,peer,r1,,,\"'=HYPERLINK(\"\"x\"\")\"" in text  # a formula stays text
    assert "Acme,PMs,Ana,senior,P1,peer,r3,DK,," in text
    back = read_competency_responses(out, ins)
    assert back.query("rater == 'P1' and subject == 'Ana' and item == 'r1'")["comment"].tolist() == [
        '=HYPERLINK("x")']
    assert back.query("rater == 'P1' and subject == 'Ana' and item == 's1'")[["value", "comment"]].values.tolist() == [
        [3.0, "clear goals"]]
    stored = store.competency_responses()
    rated = stored[stored["value"].notna() | stored["dont_know"] | stored["comment"].ne("")]
    columns = ["subject", "rater", "item", "value", "dont_know", "comment"]
    pd.testing.assert_frame_equal(back[columns].reset_index(drop=True), rated[columns].reset_index(drop=True))


def test_the_form_side_saves_one_raters_ratings(store, mini):
    ins, _ = mini
    cid = store.create_cohort("Acme", "PMs", ins)
    assert store.create_cohort("Acme", "PMs", ins) == cid
    ben = store.add_rater(cid, "Ben", "junior", "Max", "manager")
    assert store.add_rater(cid, "Ben", "junior", "Max", "manager") == ben
    store.save_ratings(ben, {"r1": 4, "r2": "dk", "s1": "3"}, comments={"s1": "steady"})
    assert store.ratings(ben) == {"r1": (4, None), "r2": ("DK", None), "s1": (3, "steady")}
    store.save_ratings(ben, {"r1": None, "s1": None})  # s1 keeps its comment, r1 goes
    assert store.ratings(ben) == {"r2": ("DK", None), "s1": (None, "steady")}
    with pytest.raises(StoreError) as caught:
        store.save_ratings(ben, {"r1": 6, "r3": 2, "zz": 1, "s2": 2.5})
    assert str(caught.value) == (
        f"rater {ben}: item r1: 6 is not a rating; expected a whole number from 1 to 5, 'DK' (don't know) or "
        "nothing; item r3 is not expected of a junior project manager; leave it blank; unknown item 'zz' (the "
        "instrument mini-competency@1.0 has no such item); item s2: 2.5 is not a rating; expected a whole number "
        "from 1 to 5, 'DK' (don't know) or nothing; nothing was saved")
    assert store.ratings(ben) == {"r2": ("DK", None), "s1": (None, "steady")}
    raters = store.competency_raters(cid)
    assert raters[["subject", "job_level", "rater", "role", "rated", "expected"]].values.tolist() == [
        ["Ben", "junior", "Max", "manager", 1, 4]]
    for args, message in [
        (("Ben", "senior", "Ben", "self"), "'Ben' is stored as junior, not senior; a person has one job level"),
        (("Ben", "junior", "Max", "peer"), "'Max' rates 'Ben' as manager in the store, not as peer"),
        (("Ben", "junior", "Cara", "self"), "a self-rating's rater is the person rated"),
        (("Ben", "junior", "Ben", "peer"), "'Ben' rates themself with role peer"),
        (("Ben", "chief", "Ben", "self"), "unknown job level 'chief'; expected one of junior, senior"),
        (("Ben", "junior", "Ann", "boss"), "unknown role 'boss'; expected one of self, manager, peer"),
        ((" ", "junior", "Ann", "peer"), "a person rated needs a name"),
    ]:
        with pytest.raises(StoreError, match=message):
            store.add_rater(cid, *args)
    store.set_cohort_status(cid, "closed")
    with pytest.raises(StoreError, match=f"competency assessment {cid} is closed; nothing was saved"):
        store.save_ratings(ben, {"r1": 2})


def test_the_database_refuses_what_the_code_would(store, mini):
    ins, _ = mini
    cid = store.create_cohort("Acme", "PMs", ins)
    rater = store.add_rater(cid, "Ana", "senior", "Ana", "self")
    refused = refused_by_the_database(store)
    assert refused("INSERT INTO competency_raters (subject_id, rater, role, created_at) "
                   "VALUES (1, 'X', 'boss', '2026-01-01')") == "check"
    assert refused("INSERT INTO competency_ratings (rater_id, item, value, dont_know, updated_at) "
                   "VALUES (:r, 'r1', 3, true, '2026-01-01')", r=rater) == "check"
    assert refused("INSERT INTO competency_subjects (assessment_id, name, job_level) "
                   "VALUES (:c, 'Ana', 'junior')", c=cid) == "unique"
    assert refused("INSERT INTO competency_raters (subject_id, rater, role, created_at) "
                   "VALUES (999, 'X', 'peer', '2026-01-01')") == "foreign key"


def test_the_pmo_side_does_not_see_competency_assessments(store, mini, tmp_path, tiny):
    ins, ratings = mini
    store.import_competency(ratings, ins)
    assert store.assessments().empty
    with pytest.raises(StoreError, match="no assessments in"):
        store.responses()
    pmo = write_csv(tmp_path / "pmo.csv", f"""\
        organisation,pmo,respondent,role,item,value
        Acme,PMO,R1,{tiny.role_ids[0]},{tiny.items.index[0]},4
        """)
    store.import_responses(pmo, tiny)
    assert store.assessments()["pmo"].tolist() == ["PMO"]
    assert len(store.responses()) == 1
    assert store.competency_assessments()["ratings"].tolist() == [38]


@sqlite_only
def test_import_problems_are_located_and_nothing_is_written(store, mini, tmp_path):
    ins, ratings = mini
    bad = tmp_path / "bad.csv"
    bad.write_text(ratings.read_text(encoding="utf-8").replace("Max,manager,3,3,3", "Max,boss,3,3,3"),
                   encoding="utf-8")
    with pytest.raises(InputValidationError, match="bad.csv:3:role: unknown role 'boss'"):
        store.import_competency(bad, ins)
    assert store.competency_assessments().empty
    store.import_competency(ratings, ins)
    promoted = tmp_path / "promoted.csv"
    promoted.write_text("organisation,cohort,subject,job_level,rater,role,r1\nAcme,PMs,Ben,senior,Ben,self,4\n"
                        "Acme,PMs,Dan,junior,Dan,self,4\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"promoted.csv:2: 'Ben' is stored as junior, not senior; a person has one "
                                         r"job level; nothing imported"):
        store.import_competency(promoted, ins)
    assert "Dan" not in set(store.competency_responses()["subject"])  # one transaction: nothing written
    other = load_competency_instrument("pm-competency")
    elsewhere = tmp_path / "other.csv"
    elsewhere.write_text("organisation,cohort,subject,job_level,rater,role,item,value\n"
                         f"Acme,PMs,Ana,senior,Ana,self,{other.items.index[0]},3\n", encoding="utf-8")
    with pytest.raises(StoreError, match="cohort 'PMs' .* is rated with mini-competency 1.0, not pm-competency"):
        store.import_competency(elsewhere, other)
    store.set_cohort_status(1, "closed")
    with pytest.raises(StoreError, match="is closed; reopen it to import ratings; nothing imported"):
        store.import_competency(ratings, ins)
    with pytest.raises(StoreError, match="no competency assessment 7 in"):
        store.competency_responses(7)
    with pytest.raises(StoreError, match="must end in .csv or .xlsx"):
        store.export_competency(tmp_path / "x.txt")


def test_a_database_of_schema_0009_upgrades_with_its_answers(db_url, mini):
    ins, ratings = mini
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0009")
        with engine.begin() as conn:
            for sql in ("INSERT INTO organisations (name) VALUES ('Acme')",
                        "INSERT INTO pmos (organisation_id, name) VALUES (1, 'PMO')",
                        "INSERT INTO assessments (organisation_id, pmo_id, instrument_id, instrument_version, "
                        "scale_min, scale_max, status, created_at, label) VALUES (1, 1, 'pmo-core', '1.0', 1, 5, "
                        "'open', '2026-01-01', '2026')",
                        "INSERT INTO respondents (assessment_id, label, role, created_at) VALUES "
                        "(1, 'R1', 'executive', '2026-01-01')",
                        "INSERT INTO answers (respondent_id, item, value, updated_at) VALUES "
                        "(1, 'MAN1', 4, '2026-01-01')"):
                conn.execute(sa.text(sql))
    finally:
        engine.dispose()
    with Store(db_url) as store:
        assert store.assessments()[["organisation", "pmo", "respondents", "answers"]].values.tolist() == [
            ["Acme", "PMO", 1, 1]]
        store.import_competency(ratings, ins)  # the same organisation holds both
        assert store.competency_assessments()[["organisation", "people"]].values.tolist() == [["Acme", 3]]
        assert store.answers(1) == {"MAN1": (4, None)}
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0009")
            assert "competency_ratings" not in sa.inspect(conn).get_table_names()
            assert conn.execute(sa.text("SELECT count(*) FROM answers")).scalar() == 1
    finally:
        engine.dispose()


@sqlite_only
def test_cli_import_list_export(db_url, mini, tmp_path):
    ins, ratings = mini
    instrument = tmp_path / "mini-competency.yaml"
    done = runner.invoke(app, ["competency", "import", str(ratings), "--db", db_url, "--instrument", str(instrument)])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip().endswith(": 1 competency assessment (1), 3 people and 9 raters added; ratings: 38 "
                                        "added, 0 changed, 0 unchanged")
    listed = runner.invoke(app, ["competency", "list", "--db", db_url])
    assert listed.exit_code == 0 and "mini-competency 1.0" in listed.stdout and "38" in listed.stdout
    out = tmp_path / "out.xlsx"
    exported = runner.invoke(app, ["competency", "export", str(out), "--db", db_url, "--instrument",
                                   str(instrument)])
    assert exported.exit_code == 0, exported.output
    assert exported.stdout.strip() == str(out)
    pd.testing.assert_frame_equal(read_competency_responses(out, ins), read_competency_responses(ratings, ins))
    # A custom instrument not given: one line, exit 2.
    refused = runner.invoke(app, ["competency", "export", str(tmp_path / "x.csv"), "--db", db_url])
    assert refused.exit_code == 2 and "error: competency instrument mini-competency 1.0 is not a built-in one" in (
        refused.stderr)
    bad = runner.invoke(app, ["competency", "export", str(tmp_path / "x.txt"), "--db", db_url])
    assert bad.exit_code == 2 and "must end in .csv or .xlsx" in bad.stderr and "Traceback" not in bad.output


def test_a_cohort_keeps_its_instrument_version_after_a_revision(tmp_path, monkeypatch):
    import shutil

    import pmo_workbench.assessment.competency as competency
    from pmo_workbench.errors import InstrumentNotFoundError
    from pmo_workbench.resources import templates_dir

    with Store(tmp_path / "v.db") as store:
        cid = store.create_cohort("Acme", "PMs", load_competency_instrument("pm-competency"))  # version 1.0
    folder = tmp_path / "templates" / "competency"
    folder.mkdir(parents=True)
    current = (templates_dir() / "competency" / "pm-competency.yaml").read_text(encoding="utf-8")
    (folder / "pm-competency.yaml").write_text(current.replace('version: "1.0"', 'version: "1.1"'),
                                               encoding="utf-8")
    shutil.copy(templates_dir() / "competency" / "development.yaml", folder)
    monkeypatch.setattr(competency, "templates_dir", lambda: tmp_path / "templates")
    assert load_competency_instrument("pm-competency").version == "1.1"
    assert load_competency_instrument("pm-competency@1.1").version == "1.1"
    with pytest.raises(InstrumentNotFoundError, match="the built-in pm-competency is version 1.1; no older version "
                                                      "1.0 is kept"):
        load_competency_instrument("pm-competency@1.0")  # never the current file for another version
    with Store(tmp_path / "v.db") as store, pytest.raises(StoreError, match="pm-competency 1.0 is not a built-in"):
        store.competency_instrument(cid)
    (folder / "pm-competency@1.0.yaml").write_text(current, encoding="utf-8")
    assert load_competency_instrument("pm-competency@1.0").version == "1.0"
    assert set(competency.builtin_competency_instruments()) == {"pm-competency", "pm-competency@1.0"}
    with Store(tmp_path / "v.db") as store:
        assert store.competency_instrument(cid).version == "1.0"
        store.export_competency(tmp_path / "v.csv", competency_id=cid)


def test_a_second_spelling_is_the_person_and_rater_stored(store, mini, tmp_path):
    ins, _ = mini
    cid = store.create_cohort("Acme", "PMs", ins)
    ana = store.add_rater(cid, "Ana Silva", "senior", "Ana Silva", "self")
    assert store.add_rater(cid, "  ana   SILVA ", "senior", "ANA silva", "self") == ana  # no second person
    max_ana = store.add_rater(cid, "ANA silva", "senior", "Max Weber", "manager")
    assert store.add_rater(cid, "Ana Silva", "senior", "max  weber", "manager") == max_ana
    store.add_rater(cid, "Ben", "junior", "MAX WEBER", "manager")  # the stored spelling is kept for a new pair
    with pytest.raises(StoreError, match="'Ana Silva' is stored as senior, not junior"):
        store.add_rater(cid, "ana silva", "junior", "ana silva", "self")
    raters = store.competency_raters(cid)
    assert raters[["subject", "rater", "role"]].values.tolist() == [
        ["Ana Silva", "Ana Silva", "self"], ["Ana Silva", "Max Weber", "manager"], ["Ben", "Max Weber", "manager"]]
    assert store.competency_assessment(cid)["people"] == 2
    ratings = tmp_path / "spelling.csv"
    write_csv(ratings, "organisation,cohort,subject,job_level,rater,role,r1\n"
                       "Acme,PMs,ana SILVA,senior,Max weber,manager,4\n")
    done = store.import_competency(ratings, ins)
    assert (done.people_added, done.raters_added, done.ratings_added) == (0, 0, 1)
    assert store.ratings(max_ana) == {"r1": (4, None)}


def test_nobody_is_added_to_a_closed_cohort(store, mini):
    ins, _ = mini
    cid = store.create_cohort("Acme", "PMs", ins)
    ben = store.add_rater(cid, "Ben", "junior", "Max", "manager")
    store.set_cohort_status(cid, "closed")
    assert store.add_rater(cid, "ben", "junior", "max", "manager") == ben  # an existing pair opens as it was
    for args in (("New Person", "senior", "New Person", "self"), ("Ben", "junior", "Cara", "peer")):
        with pytest.raises(StoreError, match=f"competency assessment {cid} is closed: no person or rater can be "
                                             "added"):
            store.add_rater(cid, *args)
    info = store.competency_assessment(cid)
    assert (info["people"], info["raters"]) == (1, 1)


def test_forget_a_person_as_rated_and_as_rater(store, mini, db_url):
    from pmo_workbench.assessment.competency_intake import CohortPerson

    ins, _ = mini
    cid = store.create_cohort("Acme", "PMs", ins)
    people = [CohortPerson("Zuzanna Quark", "senior", "zq@example.org", "Max", ("Ben",), 2),
              CohortPerson("Ben", "junior", "ben@example.org", None, ("Zuzanna Quark",), 3)]
    issued = {(i.pair.subject, i.pair.rater): i for i in store.invite_competency(cid, people)}
    store.save_competency_draft(issued[("Zuzanna Quark", "Zuzanna Quark")].token, {"r1": 4, "r2": "DK"})
    store.save_competency_draft(issued[("Ben", "Zuzanna Quark")].token, {"r1": 2})
    assert store.submit_competency(issued[("Ben", "Zuzanna Quark")].token)
    for pair in (("Zuzanna Quark", "Max"), ("Ben", "Ben")):
        store.save_ratings(issued[pair].rater_id, {"s1": 3}, comments={"s1": "leads well"})
    with pytest.raises(StoreError, match="holds nobody named or with the address 'nobody@example.org'"):
        store.forget_competency_person(cid, "nobody@example.org")
    gone = store.forget_competency_person(cid, "ZQ@example.org")
    # as rated: her self-rating (a draft), Max's and Ben's ratings of her; as rater: her rating of Ben
    assert gone == {"people": 1, "raters": 4, "ratings": 2}
    assert store.competency_raters(cid)[["subject", "rater", "role"]].values.tolist() == [["Ben", "Ben", "self"]]
    assert store.competency_invitations(cid)[["subject", "rater"]].values.tolist() == [["Ben", "Ben"]]
    assert store.competency_link(issued[("Zuzanna Quark", "Zuzanna Quark")].token) is None
    assert store.forget_competency_person(cid, "  ben ") == {"people": 1, "raters": 1, "ratings": 1}
    assert store.competency_assessment(cid)["people"] == 0
    if db_url.startswith("sqlite"):  # overwritten in the file, not only unlinked
        path = db_url.removeprefix("sqlite:///")
        data = b"".join(p.read_bytes() for p in (Path(path), Path(path + "-wal")) if p.exists())
        assert b"Zuzanna" not in data and b"zq@example.org" not in data
