"""The store on each backend: writers at once through separate stores, migrations when a store is opened, and
PostgreSQL URLs from the command line (a server that cannot be reached or refuses the login is one line, exit 2,
the password never shown)."""

from __future__ import annotations

import re
import socket
import threading

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.errors import StoreError
from pmo_workbench.store import DB_ENV, SCHEMA_HEAD, Store, alembic_config

from tests.backends import sqlite_only
from tests.helpers import write_csv

runner = CliRunner()
WRITERS = 8
ITEMS = ("MAN1", "MAN2", "MAN3", "MAN4", "MAN5")


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def at_once(n: int, work) -> list:
    """Run ``work(i)`` for i in 0..n-1 in n threads released together; their results in order (any exception
    raised again)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def one(i: int) -> None:
        try:
            barrier.wait(30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            results[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        raise errors[0]
    return results


def count_rows(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
                    for t in ("organisations", "pmos", "assessments", "respondents", "answers")}
    finally:
        engine.dispose()


# -- writers at once ---------------------------------------------------------------------------------------------

def test_eight_writers_import_and_answer_for_their_own_respondents_at_once(db_url, core, tmp_path):
    with Store(db_url) as opened:
        aid = opened.create_assessment("Org", "PMO", core)
    head = "organisation,pmo,respondent,role,item,value,comment\n"
    files = [write_csv(tmp_path / f"w{i}.csv", head + "".join(
        f"Org,PMO,W{i}-{p},executive,{item},{1 + (i + n) % 5},writer {i}\n"
        for p in (1, 2) for n, item in enumerate(ITEMS))) for i in range(WRITERS)]

    def work(i: int) -> tuple[int, int]:
        with Store(db_url) as store:  # a store (engine, connections) of its own, as each consultant has
            imported = store.import_responses(files[i], core)
            rid = store.add_respondent(aid, "pmo_staff")  # the next free label R<n>: chosen by every writer at once
            store.save_answers(rid, {item: (1 + (i + n) % 5, None) for n, item in enumerate(ITEMS)})
            return imported.answers_added, rid

    results = at_once(WRITERS, work)
    # Each writer: 2 imported respondents x 5 answers, then 1 respondent of its own with 5 answers.
    assert [added for added, _ in results] == [10] * WRITERS
    assert len({rid for _, rid in results}) == WRITERS
    with Store(db_url) as opened:
        people = opened.respondents(aid)
        assert len(people) == 3 * WRITERS and people["answered"].tolist() == [5] * (3 * WRITERS)
        own = people.loc[people["role"] == "pmo_staff", "label"]
        assert own.nunique() == WRITERS and own.str.fullmatch(r"R\d+").all()
        frame = opened.responses(aid)
        assert len(frame) == 3 * WRITERS * len(ITEMS)
        # Every answer as its writer gave it: writer i's n-th item is 1 + (i + n) % 5.
        writer = frame["comment"].str.removeprefix("writer ")
        imported = frame[frame["comment"].ne("")]
        expected = 1 + (writer[imported.index].astype(int) + imported["item"].cat.codes) % 5
        assert imported["value"].tolist() == expected.astype(float).tolist()
        assert frame["value"].sum() == 3 * sum(1 + (i + n) % 5 for i in range(WRITERS) for n in range(5))
    assert count_rows(db_url) == {"organisations": 1, "pmos": 1, "assessments": 1, "respondents": 3 * WRITERS,
                                  "answers": 3 * WRITERS * len(ITEMS)}


def test_stores_creating_the_same_organisation_pmo_and_assessment_at_once_make_one_of_each(db_url, core, tmp_path):
    Store(db_url).close()  # the schema first: opening a new database at once is the next test
    file = write_csv(tmp_path / "one.csv", "organisation,pmo,respondent,role,item,value\nNew Org,New PMO,R1,"
                                           "executive,MAN1,4\n")

    def work(i: int) -> int:
        with Store(db_url) as store:
            if i % 2:
                return store.import_responses(file, core).assessments[0]
            return store.create_assessment("New Org", "New PMO", core, level="department")

    ids = at_once(4, work)
    assert len(set(ids)) == 1
    assert count_rows(db_url) == {"organisations": 1, "pmos": 1, "assessments": 1, "respondents": 1, "answers": 1}


def test_stores_opening_a_new_database_at_once_create_the_schema_once(db_url):
    at_once(4, lambda i: Store(db_url).close())
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(SCHEMA_HEAD,)]
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_writer_waiting_beyond_the_busy_timeout_on_postgresql_is_a_store_error(db_url, core, monkeypatch):
    from pmo_workbench.store import engine

    _postgres_only(db_url)
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    with Store(db_url) as opened:
        rid = opened.add_respondent(opened.create_assessment("Org", "P", core), "executive")
        holder = sa.create_engine(db_url)
        try:
            with holder.connect() as conn, conn.begin():  # another writer, in the middle of its transaction
                conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({engine.WRITE_LOCK})"))
                with pytest.raises(StoreError, match=f"cannot write to {re.escape(opened.shown_url)}: it is locked "
                                                     "by another program beyond the .* busy timeout"):
                    opened.save_answer(rid, "MAN1", 3)
                assert opened.answers(rid) == {}  # readers do not wait
        finally:
            holder.dispose()
        opened.save_answer(rid, "MAN1", 3)  # once the other writer is done, it works
        assert opened.answers(rid) == {"MAN1": (3, None)}


# -- migrations on start ------------------------------------------------------------------------------------------

def test_an_older_database_is_upgraded_when_opened_and_refused_by_create_false(db_url, core):
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0002")
            conn.execute(sa.text("INSERT INTO organisations (name) VALUES ('Old Org')"))
    finally:
        engine.dispose()
    with pytest.raises(StoreError, match=r"schema 0002, not .*; run `pmo-workbench store init` to upgrade it"):
        Store(db_url, create=False)
    result = run("store", "list", "--db", db_url)  # reading commands do not change the schema either
    assert result.exit_code == 2 and "schema 0002" in result.stderr
    with Store(db_url) as opened:  # what `store init`, `store import` and the notebooks do
        assert opened.organisation("Old Org") == 1
        opened.save_answer(opened.add_respondent(opened.create_assessment("Old Org", "P", core), "executive"),
                           "MAN1", "DK")
    with Store(db_url, create=False) as reopened:
        assert reopened.assessments()[["organisation", "answers"]].values.tolist() == [["Old Org", 1]]


# -- PostgreSQL from the command line ------------------------------------------------------------------------------

def _postgres_only(db_url: str) -> sa.URL:
    url = sa.make_url(db_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("about PostgreSQL URLs")
    return url


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_commands_work_on_a_postgresql_url_and_never_show_its_password(db_url, core, tmp_path, monkeypatch):
    url = _postgres_only(db_url)
    shown = url.render_as_string(hide_password=True)
    sample = write_csv(tmp_path / "in.csv", "organisation,pmo,respondent,role,item,value,comment\n"
                                            "Org,PMO,R1,executive,MAN1,4,fine\nOrg,PMO,R1,executive,MAN2,DK,\n")
    outputs = [run("store", "init", "--db", db_url), run("store", "import", sample, "--db", db_url),
               run("store", "list", "--db", db_url), run("store", "export", tmp_path / "out.csv", "--db", db_url),
               run("store", "export", tmp_path / "x.csv", "--db", db_url, "--assessment", "9")]
    assert [r.exit_code for r in outputs] == [0, 0, 0, 0, 2]
    assert outputs[0].stdout == f"{shown}: ready (schema {SCHEMA_HEAD})\n"
    assert "1 respondents added; answers: 2 added" in outputs[1].stdout
    assert outputs[4].stderr == f"error: no assessment 9 in {shown}\n"
    back = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert back.loc[back["value"].ne(""), ["item", "value", "comment"]].values.tolist() == [
        ["MAN1", "4", "fine"], ["MAN2", "DK", ""]]
    monkeypatch.setenv(DB_ENV, db_url)  # the team's shared store, named once for every command
    listed = run("store", "list")
    assert listed.exit_code == 0 and "Org" in listed.stdout
    for result in (*outputs, listed):
        assert url.password not in result.output


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_server_that_cannot_be_reached_or_refuses_the_login_is_one_line(db_url):
    url = _postgres_only(db_url)
    cases = [
        (url.set(host="127.0.0.1", port=_unused_port(), password="s3cret-pw"),
         ["cannot connect to", "Connection refused", "is the server running"]),
        (url.set(password="s3cret-pw"), ["cannot connect to", "password authentication failed", "check the user"]),
        (url.set(database="no_such_db"), ["cannot connect to", 'database "no_such_db" does not exist',
                                          "create it first"]),
    ]
    for wrong, parts in cases:
        given = wrong.render_as_string(hide_password=False)
        shown = wrong.render_as_string(hide_password=True)
        for args in (["store", "list", "--db", given], ["store", "init", "--db", given]):
            result = run(*args)
            assert result.exit_code == 2, result.output
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: cannot connect to {shown}: "), result.stderr
            assert all(part.lower() in lines[0].lower() for part in parts), lines[0]
            assert "s3cret-pw" not in result.output and "Traceback" not in result.output
        with pytest.raises(StoreError, match="cannot connect to"):
            Store(given)


@sqlite_only
def test_the_label_of_a_sqlite_store_is_its_url(db_url):
    with Store(db_url) as opened:
        assert opened.shown_url == db_url


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_score_and_report_input_read_a_postgresql_store_as_they_read_the_file(db_url, tmp_path):
    import json

    from pmo_workbench.resources import examples_dir
    from pmo_workbench.store import report_input

    _postgres_only(db_url)
    sample = examples_dir() / "pmo_responses.csv"
    assert run("store", "import", sample, "--db", db_url).exit_code == 0
    applied = run("store", "engagement", examples_dir() / "engagement.yaml", "--db", db_url)
    assert applied.exit_code == 0, applied.output
    from_store = run("score", "--store", db_url, "--format", "json")
    assert from_store.exit_code == 0, from_store.output
    by_store = json.loads(from_store.stdout)
    by_file = json.loads(run("score", sample, "--format", "json").stdout)
    for a in by_file["assessments"]:  # the targets come from the store rather than from the engagement file
        if a["target"] is not None and a["target"]["source"] == "engagement":
            a["target"]["source"] = "store"
    assert by_store == by_file
    with Store(db_url) as opened:
        aid = int(opened.assessments().query("organisation == 'Vantellis Insurance Group'")["assessment_id"].iloc[0])
        given = report_input(opened, aid, tmp_path)
    # The report's input: the organisation's rows of the sample, as they were (plus the wave the store named after
    # the year of the answers, after pmo_level), and its engagement entry.
    rows = [line.split(",") for line in sample.read_text(encoding="utf-8").splitlines()[1:]
            if line.startswith("Vantellis Insurance Group,")]
    rows = [",".join([*cells[:3], "2026", *cells[3:]]) for cells in rows]
    assert given.responses.read_text(encoding="utf-8").splitlines()[1:] == rows
    assert given.engagement is not None and "Vantellis Insurance Group" in given.engagement.read_text(encoding="utf-8")


# -- what each backend gives back -----------------------------------------------------------------------------------

def test_long_texts_dates_times_and_flags_come_back_as_given(db_url, core):
    import datetime as dt

    long_name = "Ōrganisation " + "x" * 500  # no column has a length limit
    comment = "Δ, ✓, \"quoted\", 'single'; new\nline " + "y" * 10_000
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with Store(db_url) as opened:
        aid = opened.create_assessment(long_name, "P" * 300, core, assessed_on=dt.date(2026, 2, 28))
        rid = opened.add_respondent(aid, "executive", label="é" * 200, assessed_on=dt.date(2025, 12, 31))
        opened.save_answers(rid, {"MAN1": (5, comment), "MAN2": ("n/a", None), "MAN3": ("dk", "?")})
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with Store(db_url, create=False) as reopened:
        info = reopened.assessment(aid)
        assert (info["organisation"], info["pmo"], info["assessed_on"]) == (long_name, "P" * 300, dt.date(2026, 2, 28))
        assert reopened.answers(rid) == {"MAN1": (5, comment), "MAN2": ("n/a", None), "MAN3": ("DK", "?")}
        people = reopened.respondents(aid)
        assert people[["label", "answered", "not_applicable", "dont_know"]].values.tolist() == [["é" * 200, 3, 1, 1]]
        # Times are stored in UTC without a zone on both backends.
        assert before <= people["updated_at"].iloc[0].to_pydatetime() <= after
        frame = reopened.responses(aid)
        assert frame["assessed_on"].tolist() == [pd.Timestamp("2025-12-31")] * 3
        assert frame["dont_know"].tolist() == [False, False, True]


@pytest.mark.parametrize(("url", "shown"), [
    ("postgresql+psycopg:///pmo?host=/run/postgresql&password=s3cret-pw",
     "postgresql+psycopg:///pmo?host=/run/postgresql&password=***"),
    ("postgresql+psycopg://me:s3cret-pw@db.example.org/pmo", "postgresql+psycopg://me:***@db.example.org/pmo"),
    ("postgresql+psycopg://me@db/pmo?sslmode=require&SSLPASSWORD=s3cret-pw#x",
     "postgresql+psycopg://me@db/pmo?sslmode=require&SSLPASSWORD=***#x"),
    ("sqlite:////data/workbench.db", "sqlite:////data/workbench.db"),
])
def test_a_password_in_the_url_is_never_shown_wherever_it_is_given(url, shown):
    from pmo_workbench.store.engine import shown_url

    assert shown_url(url) == shown and "s3cret-pw" not in shown_url(url)
