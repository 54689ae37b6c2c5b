"""The assessment store: round trips, idempotent and transactional imports, constraints, migrations,
concurrent writers and the `store` commands."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from pmo_workbench import load_instrument
from pmo_workbench.assessment import assess
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError, StoreError
from pmo_workbench.resources import examples_dir
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.store import DB_ENV, NOT_APPLICABLE, SCHEMA_HEAD, Store, alembic_config, default_url

from tests.backends import refused_by_the_database, sqlite_only
from tests.helpers import write_csv

SAMPLE = examples_dir() / "pmo_responses.csv"
TABLES = ("organisations", "pmos", "assessments", "respondents", "answers")
runner = CliRunner()


@pytest.fixture(scope="module")
def core():
    return load_instrument("pmo-core")


@pytest.fixture(scope="module")
def sample(core):
    return read_responses(SAMPLE, core)


def stored_part(frame: pd.DataFrame) -> pd.DataFrame:
    """What the store keeps of a tidy frame: a blank value without a comment is no answer, so no row."""
    kept = frame[frame["value"].notna() | frame["dont_know"] | frame["comment"].ne("")].reset_index(drop=True)
    for name in ("organisation", "pmo", "respondent"):
        values = kept[name].astype(object)
        kept[name] = pd.Categorical(values, categories=pd.unique(values))
    return kept  # source rows as in the file: a long export lists every item, as the samples do


def table_rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal dumps mean an unchanged database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: sorted(conn.execute(sa.text(f"SELECT * FROM {t}")).all(), key=repr) for t in TABLES}
    finally:
        engine.dispose()


# -- files -> store -> files ---------------------------------------------------------------------------------

def test_round_trip_reproduces_the_sample_exactly(store, core, sample, tmp_path):
    store.import_responses(SAMPLE, core)
    csv_out = store.export_responses(tmp_path / "out.csv")
    xlsx_out = store.export_responses(tmp_path / "out.xlsx")
    # Same rows, values, comments, roles, levels, dates, categories and source rows: the sample lists every item
    # of every respondent in store order (organisation, PMO, respondent, item), and a long export lists every
    # item too (blank where nothing is stored), so the CSV comes back cell for cell, plus the wave column: the
    # sample names no wave, so each PMO's assessment is labelled with the year of its first date (2026).
    for back in (read_responses(csv_out, core), read_responses(xlsx_out, core)):
        assert set(back["wave"]) == {"2026"}
        pd.testing.assert_frame_equal(back.drop(columns="wave"), sample.drop(columns="wave"))
    written = pd.read_csv(csv_out, dtype=str, keep_default_na=False)
    assert list(written.columns[:4]) == ["organisation", "pmo", "pmo_level", "wave"]
    pd.testing.assert_frame_equal(written.drop(columns="wave"),
                                  pd.read_csv(SAMPLE, dtype=str, keep_default_na=False))


@pytest.mark.parametrize("source", [
    examples_dir() / "formats" / "wide_example.xlsx",
    examples_dir() / "formats" / "long_semicolon_bom.csv",
])
def test_round_trip_of_the_other_sample_formats(store, core, source, tmp_path):
    original = read_responses(source, core).drop(columns="source_row")
    store.import_responses(source, core)
    for name, form in (("long.csv", "long"), ("long.xlsx", "long"), ("wide.xlsx", "wide"), ("wide.csv", "wide")):
        back = read_responses(store.export_responses(tmp_path / name, form=form), core).drop(columns="source_row")
        # The long form lists the items each role is asked, the wide form a column per item (blank where nothing
        # is stored, or not asked); the wide form has no comments. Every answer, DK and comment comes back.
        expected = original if form == "long" else original.assign(comment="")
        # the store names each PMO's assessment (its wave) with the year of its first answer
        assert set(back["wave"]) == {"2026"}, name
        pd.testing.assert_frame_equal(stored_part(back).drop(columns="wave"),
                                      stored_part(expected).drop(columns="wave"), obj=name)


@sqlite_only
def test_wide_export_has_one_row_per_respondent_and_blank_unanswered_items(store, core, tmp_path):
    path = write_csv(tmp_path / "two.csv", "organisation,pmo,respondent,role,item,value,comment\n"
                                           "Org,PMO,r1,executive,MAN1,4,fine\n"
                                           "Org,PMO,r2,pmo_staff,MAN2,2,\n")
    store.import_responses(path, core)
    wide = pd.read_csv(store.export_responses(tmp_path / "wide.csv", form="wide"), dtype=str, keep_default_na=False)
    # 2 respondents -> 2 rows; 7 key columns (wave included) + 73 items; the wide form carries no comment.
    assert wide.shape == (2, 7 + 73)
    assert wide[["respondent", "MAN1", "MAN2", "MAN3"]].values.tolist() == [["r1", "4", "", ""], ["r2", "", "2", ""]]


def test_import_twice_changes_nothing(store, core):
    first = store.import_responses(SAMPLE, core)
    before = table_rows(store.url)
    second = store.import_responses(SAMPLE, core)
    # The sample: 8 PMOs, 77 respondents (a person answering for two PMOs counts in each), 4,980 rows (the items
    # each role is asked), of which those with a blank value and no comment say nothing (no stored row).
    answers = len(stored_part(read_responses(SAMPLE, core)))
    assert answers < 4980
    assert (first.respondents_added, first.answers_added, first.answers_changed, first.answers_unchanged) == (
        77, answers, 0, 0)
    assert len(first.assessments) == 8
    assert second.assessments == first.assessments
    assert (second.respondents_added, second.answers_added, second.answers_changed, second.answers_unchanged) == (
        0, 0, 0, answers)
    assert table_rows(store.url) == before


def test_import_of_a_changed_file_counts_new_and_changed_answers(store, core, tmp_path):
    head = "organisation,pmo,respondent,role,item,value,comment\n"
    store.import_responses(write_csv(tmp_path / "a.csv", head + "Org,PMO,r1,executive,MAN1,4,\n"
                                                                "Org,PMO,r1,executive,MAN2,3,\n"), core)
    # MAN1 same, MAN2 new value, MAN3 new ("NA": not applicable), MAN4 blank without comment (nothing);
    # a comment alone also changes an answer (MAN1 in the third file).
    result = store.import_responses(write_csv(tmp_path / "b.csv", head + "Org,PMO,r1,executive,MAN1,4,\n"
                                                                         "Org,PMO,r1,executive,MAN2,5,\n"
                                                                         "Org,PMO,r1,executive,MAN3,NA,\n"
                                                                         "Org,PMO,r1,executive,MAN4,,\n"), core)
    assert (result.answers_added, result.answers_changed, result.answers_unchanged) == (1, 1, 1)
    result = store.import_responses(write_csv(tmp_path / "c.csv", head + "Org,PMO,r1,executive,MAN1,4,why\n"), core)
    assert (result.answers_added, result.answers_changed, result.answers_unchanged) == (0, 1, 0)
    (rid,) = store.respondents(result.assessments[0])["respondent_id"]
    assert store.answers(rid) == {"MAN1": (4, "why"), "MAN2": (5, None), "MAN3": (NOT_APPLICABLE, None)}


@sqlite_only
def test_invalid_import_reports_every_problem_and_writes_nothing(store, core, tmp_path):
    store.import_responses(SAMPLE, core)
    before = table_rows(store.url)
    bad = write_csv(tmp_path / "bad.csv", "organisation,pmo,respondent,role,item,value\n"
                                          "New Org,PMO,r1,boss,MAN1,9\n"
                                          "New Org,PMO,r1,executive,XX1,3\n"
                                          "New Org,PMO,r2,executive,MAN1,2\n")
    with pytest.raises(InputValidationError) as caught:
        store.import_responses(bad, core)
    # Row 2: unknown role and value 9 off the 1-5 scale; row 3: unknown item. Row 4 is fine.
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "role"), (2, "value"), (3, "item")]
    assert table_rows(store.url) == before


# -- the store as a source for the analysis ------------------------------------------------------------------

def test_responses_equal_read_responses_and_score_the_same(store, core, sample):
    store.import_responses(SAMPLE, core)
    from_store = store.responses()
    assert set(from_store["wave"]) == {"2026"}  # each PMO's one assessment, labelled with its year
    pd.testing.assert_frame_equal(from_store.drop(columns="wave"), stored_part(sample).drop(columns="wave"))
    # Scores of the whole sample: rows without an answer weigh nothing either way.
    by_file, by_store = assess(sample, core), assess(from_store, core)
    pd.testing.assert_frame_equal(by_store.scores.dimensions, by_file.scores.dimensions)
    assert [a.type.type for a in by_store.assessments] == [a.type.type for a in by_file.assessments]


@sqlite_only
def test_responses_of_one_assessment(store, core, sample):
    result = store.import_responses(SAMPLE, core)
    second = result.assessments[1]
    info = store.assessment(second)
    part = store.responses(second)
    expected = stored_part(sample)
    expected = expected[(expected["organisation"] == info["organisation"]) & (expected["pmo"] == info["pmo"])]
    assert len(part) == len(expected)
    # the sample has no "NA": answers are values and "don't know"
    assert info["answers"] == expected["value"].notna().sum() + expected["dont_know"].sum()
    assert part["value"].sum() == expected["value"].sum()
    with pytest.raises(StoreError, match="no assessment 999"):
        store.responses([second, 999])


# -- building an assessment by hand (what the form does) -----------------------------------------------------

def test_organisation_pmo_assessment_and_respondents_are_get_or_create(store, core):
    enterprise = store.pmo("Org", "Group PMO", level="enterprise")
    assert store.pmo("Org", "Group PMO") == enterprise
    aid = store.create_assessment("Org", "IT PMO", core, assessed_on=dt.date(2026, 3, 1), level="department",
                                  parent="Group PMO")
    assert store.create_assessment("Org", "IT PMO", core) == aid
    info = store.assessment(aid)
    assert (info["pmo_level"], info["parent_pmo"], info["assessed_on"], info["status"]) == (
        "department", "Group PMO", dt.date(2026, 3, 1), "open")
    first = store.add_respondent(aid, "executive")
    second = store.add_respondent(aid, "pmo_staff", name=None)
    named = store.add_respondent(aid, "executive", label="CEO", name="A. Person")
    assert store.add_respondent(aid, "executive", label="CEO") == named
    people = store.respondents(aid)
    assert people["label"].tolist() == ["R1", "R2", "CEO"]
    assert people["respondent_id"].tolist() == [first, second, named]
    assert people["name"].tolist() == [None, None, "A. Person"]
    assert people["total"].tolist() == [69, 73, 69]  # the items an executive and PMO staff are asked


@sqlite_only
@pytest.mark.parametrize("call, message", [
    (lambda s, core, aid: s.add_respondent(aid, "boss"), "unknown role 'boss'"),
    (lambda s, core, aid: s.add_respondent(aid, "pmo_staff", label="R1"), "has role 'executive'"),
    (lambda s, core, aid: s.pmo("Org", "X", level="galactic"), "unknown PMO level"),
    (lambda s, core, aid: s.pmo("Org", "X", parent="Nobody"), "parent PMO 'Nobody'"),
    (lambda s, core, aid: s.create_assessment("Org", "P", core, status="done"), "status 'done'"),
    (lambda s, core, aid: s.assessment(999), "no assessment 999"),
    (lambda s, core, aid: s.respondents(999), "no assessment 999"),
    (lambda s, core, aid: s.answers(999), "no respondent 999"),
])
def test_mistakes_raise_store_error(store, core, call, message):
    aid = store.create_assessment("Org", "P", core)
    store.add_respondent(aid, "executive")
    with pytest.raises(StoreError, match=message):
        call(store, core, aid)


# -- answers and their constraints ---------------------------------------------------------------------------

@sqlite_only
@pytest.mark.parametrize("item, value, message", [
    ("XX9", 3, "unknown item 'XX9'"),
    ("MAN1", 6, "outside the scale"),      # pmo-core's scale is 1-5
    ("MAN1", 0, "outside the scale"),
    ("MAN1", 2.5, "outside the scale"),    # not a whole number
    ("MAN1", "3", "not a number"),
])
def test_bad_answers_are_refused_and_nothing_is_saved(store, core, item, value, message):
    rid = store.add_respondent(store.create_assessment("Org", "P", core), "executive")
    with pytest.raises(StoreError, match=message):
        store.save_answers(rid, {"MAN2": (4, None), item: (value, None)})
    assert store.answers(rid) == {}


def test_a_second_answer_to_an_item_replaces_the_first(store, core):
    aid = store.create_assessment("Org", "P", core)
    rid = store.add_respondent(aid, "executive")
    store.save_answer(rid, "MAN1", 2, "first thought")
    store.save_answer(rid, "MAN1", 4, "on reflection")
    store.save_answer(rid, "MAN2", NOT_APPLICABLE)
    store.save_answer(rid, "MAN3", 5.0, "")  # a whole float is fine; an empty comment is no comment
    assert store.answers(rid) == {"MAN1": (4, "on reflection"), "MAN2": ("n/a", None), "MAN3": (5, None)}
    people = store.respondents(aid)
    # 3 answers, 1 of them "not applicable".
    assert people[["answered", "not_applicable", "total"]].values.tolist() == [[3, 1, 69]]
    assert store.assessments()[["respondents", "answers"]].values.tolist() == [[1, 3]]


def test_the_database_itself_keeps_one_answer_per_item_and_values_on_the_scale(store, core):
    rid = store.add_respondent(store.create_assessment("Org", "P", core), "executive")
    store.save_answer(rid, "MAN1", 3)
    refused = refused_by_the_database(store)
    assert refused("INSERT INTO answers (respondent_id, item, value, updated_at) "
                   "VALUES (:rid, 'MAN1', 2, '2026-01-01')", rid=rid) == "unique"
    # pmo-core's scale is 1-5: the triggers of migration 0003 refuse 0 and 6, on insert and on update.
    for value in (0, 6):
        assert refused("INSERT INTO answers (respondent_id, item, value, updated_at) "
                       "VALUES (:rid, 'MAN2', :value, '2026-01-01')", rid=rid, value=value) == "outside the scale"
        assert refused("UPDATE answers SET value = :value WHERE item = 'MAN1'", value=value) == "outside the scale"
    # "not applicable" has no value
    assert refused("INSERT INTO answers (respondent_id, item, value, not_applicable, updated_at) "
                   "VALUES (:rid, 'MAN2', 3, TRUE, '2026-01-01')", rid=rid) == "check"
    assert refused("INSERT INTO answers (respondent_id, item, value, updated_at) "
                   "VALUES (999, 'MAN2', 2, '2026-01-01')") == "foreign key"
    assert store.answers(rid) == {"MAN1": (3, None)}


# -- opening, URLs, migrations -------------------------------------------------------------------------------

@pytest.mark.parametrize("env, expected", [
    ("postgresql+psycopg://u@host/db", "postgresql+psycopg://u@host/db"),
    ("sqlite:///rel.db", "sqlite:///rel.db"),
    ("{tmp}/plain.db", "sqlite:///{tmp}/plain.db"),
])
def test_default_url_reads_the_environment(monkeypatch, tmp_path, env, expected):
    monkeypatch.setenv(DB_ENV, env.format(tmp=tmp_path))
    assert default_url() == expected.format(tmp=tmp_path.resolve())


def test_default_url_without_the_environment_is_in_the_user_data_folder(monkeypatch):
    monkeypatch.delenv(DB_ENV, raising=False)
    assert default_url().startswith("sqlite:///") and default_url().endswith("pmo-workbench/workbench.db")


def test_open_creates_folder_and_file_in_wal_mode(tmp_path):
    path = tmp_path / "new" / "folder" / "w.db"
    with Store(f"sqlite:///{path}") as opened:
        with opened._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert path.is_file()


def test_create_false_refuses_a_missing_or_old_database(tmp_path):
    with pytest.raises(StoreError, match="no database"):
        Store(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    _database_at_0001(f"sqlite:///{tmp_path / 'old.db'}")
    with pytest.raises(StoreError, match=r"schema 0001, not 0010; run `pmo-workbench store init` to upgrade it"):
        Store(tmp_path / "old.db", create=False)


def _database_at_0001(url: str) -> str:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0001")
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO organisations (name) VALUES ('Old Org')"))
            conn.execute(sa.text("INSERT INTO pmos (organisation_id, name, level) VALUES (1, 'Old PMO', 'project')"))
    finally:
        engine.dispose()
    return url


def test_a_database_of_the_first_schema_opens_and_is_upgraded(db_url, core):
    url = _database_at_0001(db_url)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [("0001",)]
            assert "parent_id" not in {c["name"] for c in sa.inspect(conn).get_columns("pmos")}
    finally:
        engine.dispose()
    with Store(url) as opened:
        with opened._engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD == "0010"
        # The old rows survive and the new columns work.
        assert opened.organisation("Old Org") == 1
        assert opened.pmo("Old Org", "Old PMO") == 1
        assert opened.pmo("Old Org", "Team PMO", parent="Old PMO") == 2
        aid = opened.create_assessment("Old Org", "Old PMO", core)
        opened.add_respondent(aid, "executive", assessed_on=dt.date(2026, 1, 5))
        assert opened.assessments()["pmo_level"].tolist() == ["project"]
    with Store(url, create=False) as reopened:  # now at head
        assert reopened.assessment(aid)["organisation"] == "Old Org"


def test_migrations_downgrade_to_the_first_schema_and_up_again(db_url):
    url = db_url
    Store(url).close()
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0001")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
    finally:
        engine.dispose()


# -- two processes writing at once -----------------------------------------------------------------------------

ANSWERS_EACH = 60  # per process, one commit each: enough to interleave, few enough to stay quick


def _answer_many(url: str, respondent_ids: list[int], start, items: list[str]) -> None:
    """Save ANSWERS_EACH answers, one commit each, spread over this process's respondents (4 x 15 items)."""
    start.wait(60)
    with Store(url) as opened:
        for n in range(ANSWERS_EACH):
            opened.save_answer(respondent_ids[n // 15], items[n % 15], 1 + n % 5, f"answer {n}")


@pytest.mark.slow
def test_two_processes_answering_at_once_lose_nothing(db_url, core):
    url = db_url
    with Store(url) as opened:
        aid = opened.create_assessment("Org", "PMO", core)
        people = [opened.add_respondent(aid, "project_manager") for _ in range(8)]
    items = list(core.items.index[:15])
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_answer_many, args=(url, people[i * 4:(i + 1) * 4], start, items))
               for i in range(2)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    with Store(url) as opened:
        frame = opened.responses(aid)
        # 2 processes x 60 answers, to 8 different respondents: all 120 there, each as written.
        assert len(frame) == 2 * ANSWERS_EACH
        assert opened.respondents(aid)["answered"].tolist() == [15] * 8
        n = pd.Series(range(ANSWERS_EACH))
        expected = (1 + n % 5).astype(float).tolist() * 2
        assert frame["value"].tolist() == expected


# -- the `store` commands ---------------------------------------------------------------------------------------

def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_store_commands(db_url, tmp_path, core, sample):
    db = db_url
    result = run("store", "list", "--db", db)  # no file yet, or an empty PostgreSQL database
    assert result.exit_code == 2 and "`pmo-workbench store init`" in result.stderr
    result = run("store", "init", "--db", db)
    assert result.exit_code == 0 and "ready (schema 0010)" in result.stdout
    result = run("store", "list", "--db", db)
    assert result.exit_code == 0 and "no assessments yet" in result.stdout
    result = run("store", "import", SAMPLE, "--db", db)
    assert result.exit_code == 0, result.output
    answers = len(stored_part(sample))  # rows with a value or a comment
    assert "8 assessments" in result.stdout and f"{answers} added, 0 changed, 0 unchanged" in result.stdout
    result = run("store", "import", SAMPLE, "--db", db, "--instrument", "pmo-core")
    assert f"0 added, 0 changed, {answers} unchanged" in result.stdout
    result = run("store", "list", "--db", db)
    assert result.exit_code == 0 and "Tiverlake University" in result.stdout
    out = tmp_path / "export.csv"
    result = run("store", "export", out, "--db", db)
    assert result.exit_code == 0 and result.stdout.strip() == str(out)
    pd.testing.assert_frame_equal(read_responses(out, core).drop(columns="wave"), sample.drop(columns="wave"))
    result = run("store", "export", tmp_path / "two.xlsx", "--db", db, "--assessment", "2", "--form", "wide")
    assert result.exit_code == 0
    # Aldergate Logistics, assessment 2, has 9 respondents.
    assert read_responses(tmp_path / "two.xlsx", core)["respondent"].nunique() == 9
    result = run("store", "export", tmp_path / "x.txt", "--db", db)
    assert result.exit_code == 2 and ".csv or .xlsx" in result.stderr
    result = run("store", "export", tmp_path / "x.csv", "--db", db, "--assessment", "99")
    assert result.exit_code == 2 and "no assessment 99" in result.stderr


def test_store_import_of_an_invalid_file_exits_2_and_writes_nothing(tmp_path):
    db = tmp_path / "cli.db"
    run("store", "import", SAMPLE, "--db", db)
    before = table_rows(f"sqlite:///{db}")
    bad = write_csv(tmp_path / "bad.csv", "organisation,pmo,respondent,role,item,value\n"
                                          "Org,PMO,r1,boss,MAN1,9\nOrg,PMO,r1,executive,XX1,3\n")
    result = run("store", "import", bad, "--db", db)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(": ")[0] for line in lines[:3]] == [f"{bad}:2:role", f"{bad}:2:value", f"{bad}:3:item"]
    assert lines[3] == "3 problems found; nothing was written."
    assert table_rows(f"sqlite:///{db}") == before


def test_store_db_defaults_to_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(tmp_path / "env.db"))
    result = run("store", "init")
    assert result.exit_code == 0 and str(tmp_path / "env.db") in result.stdout
    assert (tmp_path / "env.db").is_file()


# -- "not applicable" vs no answer, re-imports, formulas, scales, foreign files ---------------------

def _instrument_file(tmp_path: Path, name: str, *, negative: bool = False) -> Path:
    """pmo-core's YAML under another id; with ``negative`` on a -2..2 scale."""
    from pmo_workbench.assessment.instrument import builtin_instruments

    text = builtin_instruments()["pmo-core"].read_text(encoding="utf-8").replace("id: pmo-core", f"id: {name}")
    if negative:
        labels = text[text.index("  labels:\n"):text.index("maturity_thresholds:")]
        text = text.replace("  min: 1\n  max: 5", "  min: -2\n  max: 2").replace(
            labels, "  labels:\n    -2: {en: Strongly disagree, de: Stimme überhaupt nicht zu}\n"
                    "    2: {en: Strongly agree, de: Stimme voll und ganz zu}\n")
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_answer_is_not_not_applicable(store, core, tmp_path):
    aid = store.create_assessment("Org", "P", core)
    rid = store.add_respondent(aid, "executive")
    store.save_answers(rid, {"MAN1": (4, None), "MAN2": (NOT_APPLICABLE, "not our remit"),
                             "MAN3": (None, "ask the CFO"), "MAN4": (3, None)})
    store.save_answer(rid, "MAN4", None)  # the choice cleared, no comment: the row goes
    assert store.answers(rid) == {"MAN1": (4, None), "MAN2": ("n/a", "not our remit"), "MAN3": (None, "ask the CFO")}
    # Answered: MAN1 (a value) and MAN2 (n/a) = 2; MAN3 is a note without an answer.
    assert store.respondents(aid)[["answered", "not_applicable"]].values.tolist() == [[2, 1]]
    assert store.assessment(aid)["answers"] == 2
    long = pd.read_csv(store.export_responses(tmp_path / "l.csv"), dtype=str, keep_default_na=False)
    long = long[long["value"].ne("") | long["comment"].ne("")]  # the other items are listed blank
    assert long[["item", "value", "comment"]].values.tolist() == [
        ["MAN1", "4", ""], ["MAN2", "NA", "not our remit"], ["MAN3", "", "ask the CFO"]]
    wide = pd.read_csv(store.export_responses(tmp_path / "w.csv", form="wide"), dtype=str, keep_default_na=False)
    assert wide[["MAN1", "MAN2", "MAN3", "MAN4"]].values.tolist() == [["4", "NA", "", ""]]
    # Both files come back into a new store as they were stored.
    for path in (tmp_path / "l.csv", tmp_path / "w.csv"):
        with Store(tmp_path / f"{path.stem}.db") as other:
            (new_aid,) = other.import_responses(path, core).assessments
            (new_rid,) = other.respondents(new_aid)["respondent_id"]
            expected = {"MAN1": (4, None), "MAN2": ("n/a", "not our remit"), "MAN3": (None, "ask the CFO")}
            if path.stem == "w":  # no comments in the wide form: MAN3 had only one
                expected = {"MAN1": (4, None), "MAN2": ("n/a", None)}
            assert other.answers(new_rid) == expected


def test_reimporting_the_stores_own_exports_changes_nothing(store, core, tmp_path):
    store.import_responses(SAMPLE, core)
    before = table_rows(store.url)
    comments = int(store.responses()["comment"].ne("").sum())
    for name, form in (("long.xlsx", "long"), ("long.csv", "long"), ("wide.csv", "wide"), ("wide.xlsx", "wide")):
        result = store.import_responses(store.export_responses(tmp_path / name, form=form), core)
        assert (result.answers_added, result.answers_changed) == (0, 0), name
    # The wide files have no comment column: the stored comments stay; their blank cells add no answer.
    assert table_rows(store.url) == before
    assert int(store.responses()["comment"].ne("").sum()) == comments


def test_blank_cells_leave_stored_answers_alone(store, core, tmp_path):
    aid = store.create_assessment("Org", "PMO", core)
    rid = store.add_respondent(aid, "executive", label="R1")
    store.save_answers(rid, {"MAN1": (4, "sure"), "MAN2": (2, None), "MAN3": (NOT_APPLICABLE, None)})
    wide = write_csv(tmp_path / "w.csv", "organisation,pmo,respondent,role,MAN1,MAN2,MAN3,MAN4\n"
                                         "Org,PMO,R1,executive,5,,,\n")
    result = store.import_responses(wide, core)
    # MAN1 4 -> 5 (its comment kept: no comment column); MAN2, MAN3 and MAN4 blank: untouched, nothing added.
    assert (result.answers_added, result.answers_changed, result.answers_unchanged) == (0, 1, 0)
    assert store.answers(rid) == {"MAN1": (5, "sure"), "MAN2": (2, None), "MAN3": ("n/a", None)}
    long = write_csv(tmp_path / "l.csv", "organisation,pmo,respondent,role,item,value,comment\n"
                                         "Org,PMO,R1,executive,MAN2,,why two?\n"
                                         "Org,PMO,R1,executive,MAN3,,\n"
                                         "Org,PMO,R1,executive,MAN4,,later\n")
    result = store.import_responses(long, core)
    # MAN2: a comment next to the stored 2; MAN3 untouched; MAN4: a comment without an answer.
    assert (result.answers_added, result.answers_changed, result.answers_unchanged) == (1, 1, 0)
    assert store.answers(rid) == {"MAN1": (5, "sure"), "MAN2": (2, "why two?"), "MAN3": ("n/a", None),
                                  "MAN4": (None, "later")}
    assert store.respondents(aid)[["answered", "not_applicable"]].values.tolist() == [[3, 1]]


@sqlite_only
def test_xlsx_export_writes_text_never_formulas(store, core, tmp_path):
    from openpyxl import load_workbook

    texts = ["=1+2", "@SUM(A1)", '=HYPERLINK("http://x","y")', "+1", '-2 said "no", then\nyes']
    rid = store.add_respondent(store.create_assessment("Org", "=PMO", core), "executive", label="=R1")
    store.save_answers(rid, {item: (3, text) for item, text in zip(core.items.index, texts)})
    for form in ("long", "wide"):
        path = store.export_responses(tmp_path / f"{form}.xlsx", form=form)
        cells = [c for row in load_workbook(path).active.iter_rows() for c in row if c.value is not None]
        assert {c.data_type for c in cells} <= {"s", "n"}  # strings and numbers; no "f" (formula)
        back = read_responses(path, core)
        assert set(back["pmo"]) == {"=PMO"} and set(back["respondent"]) == {"=R1"}
        if form == "long":
            assert back["comment"].tolist()[:len(texts)] == texts


def test_a_negative_scale_saves_its_negative_values(store, tmp_path):
    ins = load_instrument(_instrument_file(tmp_path, "neg-scale", negative=True))
    rid = store.add_respondent(store.create_assessment("Org", "P", ins), "executive")
    store.save_answers(rid, {"MAN1": (-2, None), "MAN2": (-1, None), "MAN3": (2, None)})
    assert store.answers(rid) == {"MAN1": (-2, None), "MAN2": (-1, None), "MAN3": (2, None)}
    for value in (-3, 3):
        with pytest.raises(StoreError, match="outside the scale; expected a whole number from -2 to 2"):
            store.save_answer(rid, "MAN4", value)


def test_a_value_the_database_refuses_is_a_store_error(store, core, monkeypatch):
    from pmo_workbench.store import core as store_module

    rid = store.add_respondent(store.create_assessment("Org", "P", core), "executive")
    # skip the code's own checks
    monkeypatch.setattr(store_module, "_check_answer", lambda info, item, value, role=None: (value, None))
    with pytest.raises(StoreError, match="the database refused the answers"):
        store.save_answer(rid, "MAN1", 9)  # the trigger: pmo-core's scale is 1-5
    assert store.answers(rid) == {}


def test_migration_0003_turns_null_values_into_not_applicable(db_url, core):
    url = db_url
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0002")
        with engine.begin() as conn:
            for sql in ("INSERT INTO organisations (name) VALUES ('O')",
                        "INSERT INTO pmos (organisation_id, name) VALUES (1, 'P')",
                        "INSERT INTO assessments (organisation_id, pmo_id, instrument_id, instrument_version, "
                        "scale_min, scale_max, status, created_at) VALUES (1, 1, 'pmo-core', '1.0', 1, 5, 'open', "
                        "'2026-01-01')",
                        "INSERT INTO respondents (assessment_id, label, role, created_at) "
                        "VALUES (1, 'R1', 'executive', '2026-01-01')",
                        "INSERT INTO answers (respondent_id, item, value, comment, updated_at) VALUES "
                        "(1, 'MAN1', 4, NULL, '2026-01-01'), (1, 'MAN2', NULL, 'n/a here', '2026-01-01')"):
                conn.execute(sa.text(sql))
    finally:
        engine.dispose()
    with Store(url) as opened:
        assert opened.answers(1) == {"MAN1": (4, None), "MAN2": ("n/a", "n/a here")}


@pytest.mark.parametrize("content", [b"hello\n", b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path, content):
    path = tmp_path / "notdb.db"
    path.write_bytes(content)
    for create in (True, False):
        with pytest.raises(StoreError, match="is not a pmo-workbench database"):
            Store(path, create=create)
    result = run("store", "list", "--db", path)
    assert result.exit_code == 2 and "is not a pmo-workbench database" in result.stderr


def test_another_tools_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE organisations (id INTEGER PRIMARY KEY, label TEXT)")
    for create in (True, False):
        with pytest.raises(StoreError, match="has tables but no alembic_version table"):
            Store(path, create=create)
    result = run("store", "init", "--db", path)
    assert result.exit_code == 2 and "not a pmo-workbench database" in result.stderr
    with sqlite3.connect(path) as raw:  # no pmo-workbench table was added to it
        assert raw.execute("SELECT name FROM sqlite_master").fetchall() == [("organisations",)]


def test_store_export_of_a_custom_instrument(tmp_path, core):
    custom = load_instrument(_instrument_file(tmp_path, "acme-custom"))
    db = tmp_path / "c.db"
    with Store(db) as opened:
        rid = opened.add_respondent(opened.create_assessment("Org", "P", custom), "executive")
        opened.save_answer(rid, "MAN1", 4)
    result = run("store", "export", tmp_path / "x.csv", "--db", db)
    assert result.exit_code == 2 and "acme-custom" in result.stderr
    result = run("store", "export", tmp_path / "x.csv", "--db", db, "--instrument", tmp_path / "acme-custom.yaml")
    assert result.exit_code == 0, result.output
    back = read_responses(tmp_path / "x.csv", custom).dropna(subset=["value"])  # every item listed, one answered
    assert back[["item", "value"]].values.tolist() == [["MAN1", 4.0]]


@sqlite_only
def test_an_assessment_without_answers_exports_its_respondents_with_blank_values(store, core, tmp_path):
    aid = store.create_assessment("Org", "P", core)
    store.add_respondent(aid, "executive")
    long = pd.read_csv(store.export_responses(tmp_path / "l.csv", assessment_id=aid), dtype=str,
                       keep_default_na=False)
    assert list(long.columns) == ["organisation", "pmo", "pmo_level", "wave", "respondent", "role", "item", "value",
                                  "assessed_on", "comment"]
    # R1, an executive, is asked every item of pmo-core but the ones put to customers only: each one blank
    asked = [item for item in core.items.index if core.asked.loc["executive", item]]
    assert long["item"].tolist() == asked and set(long["respondent"]) == {"R1"}
    assert long["value"].eq("").all() and long["comment"].eq("").all()
    wide = pd.read_csv(store.export_responses(tmp_path / "w.csv", form="wide", assessment_id=aid), dtype=str,
                       keep_default_na=False)
    assert list(wide.columns[7:]) == list(core.items.index)
    assert wide["respondent"].tolist() == ["R1"] and wide[list(core.items.index)].eq("").all(axis=None)
