"""The language a respondent answered in: migration 0009 (``respondents.language``), the optional ``language``
column of responses files and frames (validated, exported when known, kept by an import), and ``invite``
refusing a language the instrument is not written in."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from typer.testing import CliRunner

from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.store import SCHEMA_HEAD, Person, Store, alembic_config

from tests.bilingual import bilingual_loader, write_bilingual
from tests.helpers import write_csv

runner = CliRunner()


# -- migration 0009 ----------------------------------------------------------------------------------------------

def test_a_database_of_schema_0008_upgrades_keeping_respondents_and_answers(db_url, core):
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0008")
        with engine.begin() as conn:
            for sql in (
                "INSERT INTO organisations (name) VALUES ('Org')",
                "INSERT INTO pmos (organisation_id, name) VALUES (1, 'PMO')",
                "INSERT INTO assessments (organisation_id, pmo_id, instrument_id, instrument_version, scale_min, "
                "scale_max, status, created_at, label) VALUES (1, 1, 'pmo-core', '2.0', 1, 5, 'open', "
                "'2026-01-02', '2026')",
                "INSERT INTO respondents (assessment_id, label, role, created_at) VALUES "
                "(1, 'R1', 'executive', '2026-01-02'), (1, 'R2', 'pmo_staff', '2026-01-02')",
                "INSERT INTO answers (respondent_id, item, value, not_applicable, dont_know, comment, updated_at) "
                "VALUES (1, 'MAN1', 4, FALSE, FALSE, NULL, '2026-01-02'), (2, 'MAN1', 2, FALSE, FALSE, 'ok', "
                "'2026-01-02')",
            ):
                conn.execute(sa.text(sql))
    finally:
        engine.dispose()
    with Store(db_url) as opened:
        with opened._engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD == "0010"
            assert conn.execute(sa.text("SELECT label, language FROM respondents ORDER BY id")).all() == [
                ("R1", None), ("R2", None)]
        assert opened.answers(1) == {"MAN1": (4, None)} and opened.answers(2) == {"MAN1": (2, "ok")}
        frame = opened.responses(1)
        assert frame["language"].isna().all() and frame["value"].tolist() == [4.0, 2.0]
    engine = sa.create_engine(db_url)
    try:  # and back: the column goes, the answers stay
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0008")
        with engine.connect() as conn:
            assert "language" not in {c["name"] for c in sa.inspect(conn).get_columns("respondents")}
            assert conn.execute(sa.text("SELECT count(*) FROM answers")).scalar() == 2
    finally:
        engine.dispose()


# -- the language column -----------------------------------------------------------------------------------------

ANSWERS = """\
organisation,pmo,respondent,role,item,value,language
Org,PMO,R1,executive,MAN1,4,de
Org,PMO,R1,executive,MAN2,3,de
Org,PMO,R2,pmo_staff,MAN1,2,
"""


def test_the_language_column_is_read_exported_and_imported_back(store, core, tmp_path):
    frame = read_responses(write_csv(tmp_path / "in.csv", ANSWERS), core)
    assert frame["language"].tolist() == ["de", "de", None]
    aid = store.import_responses(write_csv(tmp_path / "in.csv", ANSWERS), core).assessments[0]
    stored = store.responses(aid)
    assert stored.drop_duplicates("respondent")["language"].tolist() == ["de", None]
    long = store.export_responses(tmp_path / "long.csv", assessment_id=aid)
    exported = pd.read_csv(long, dtype=str, keep_default_na=False)
    assert list(exported.columns)[-1] == "language"
    assert set(exported.loc[exported["respondent"] == "R1", "language"]) == {"de"}
    assert set(exported.loc[exported["respondent"] == "R2", "language"]) == {""}
    wide = store.export_responses(tmp_path / "wide.xlsx", assessment_id=aid, form="wide")
    assert read_responses(wide, core).drop_duplicates("respondent")["language"].tolist() == ["de", None]
    # into a new store: the language comes with the answers; a blank later does not take it away
    with Store(f"sqlite:///{tmp_path / 'other.db'}") as other:
        again = other.import_responses(long, core).assessments[0]
        other.import_responses(write_csv(tmp_path / "blank.csv", ANSWERS.replace(",de\n", ",\n")), core)
        assert other.responses(again).drop_duplicates("respondent")["language"].tolist() == ["de", None]


def test_answers_whose_language_nobody_recorded_export_as_before(store, core, tmp_path):
    plain = write_csv(tmp_path / "plain.csv", "organisation,pmo,respondent,role,item,value\nOrg,PMO,R1,executive,"
                                              "MAN1,4\n")
    aid = store.import_responses(plain, core).assessments[0]
    exported = pd.read_csv(store.export_responses(tmp_path / "out.csv", assessment_id=aid), dtype=str)
    assert "language" not in exported.columns


@pytest.mark.parametrize(("value", "message"), [
    ("German", "row 2, column language"),
    ("d", "row 2, column language"),
    ("de DE", "row 2, column language"),
])
def test_a_language_that_is_no_language_code_is_a_located_error(core, tmp_path, value, message):
    path = write_csv(tmp_path / "bad.csv", f"organisation,pmo,respondent,role,item,value,language\n"
                                           f"Org,PMO,R1,executive,MAN1,4,{value}\n")
    with pytest.raises(InputValidationError) as info:
        read_responses(path, core)
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (2, "language")
    assert f"language '{value}' is not a language code" in problem.message


# -- invite ------------------------------------------------------------------------------------------------------

def test_invite_refuses_a_language_the_instrument_is_not_written_in(db_url, tmp_path, monkeypatch):
    from pmo_workbench.assessment import instrument as module
    from pmo_workbench.cli import invitations

    bilingual_loader(monkeypatch)
    monkeypatch.setattr(invitations, "load_instrument", module.load_instrument)
    path = write_bilingual(tmp_path)
    with Store(db_url) as store:
        aid = store.create_assessment("Org", "PMO", module.load_instrument(path))
        store.set_survey(aid, sender="Jo", purpose="Why")
    people = write_csv(tmp_path / "people.csv", "name,email,role,language\nAnn,ann@example.org,executive,de-AT\n"
                                                "Bo,bo@example.org,executive,fr\nCy,cy@example.org,pmo_staff,\n"
                                                "Di,di@example.org,pmo_staff,EN\n")
    args = ["invite", str(aid), "--people", str(people), "--base-url", "http://127.0.0.1:8000", "--out",
            str(tmp_path / "inv.csv"), "--instrument", str(path), "--db", db_url]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2
    assert (f"{people}:3:language: 'fr' is not a language of instrument tiny-bilingual 0.1: it is written in en, de"
            in refused.stderr)
    assert "Traceback" not in refused.output and not (tmp_path / "inv.csv").exists()
    with Store(db_url) as store:
        store.use_instrument(module.load_instrument(path))
        assert store.invitations(aid).empty  # nothing stored
    people.write_text(people.read_text().replace(",fr\n", ",de\n"))
    done = runner.invoke(app, args)
    assert done.exit_code == 0, done.output
    with Store(db_url) as store:
        store.use_instrument(module.load_instrument(path))
        assert store.invitations(aid)["language"].tolist() == ["de-AT", "de", None, "EN"]


def test_submit_keeps_the_page_language_on_the_respondent_unless_anonymous(store, aid, aud):
    token = store.invite(aid, [Person("executive", "Ada", "ada@example.org")])[0].token
    assert store.consent(token) and store.save_draft(token, {"G1": 4}, {})
    assert store.submit(token, language="de")
    assert store.responses(aid)["language"].tolist() == ["de"]
    # anonymous: the one German answer among English ones could tell who gave it
    hidden = store.create_assessment("Org", "Other", aud)
    store.set_survey(hidden, anonymity="anonymous")
    token = store.invite(hidden, [Person("executive", "Bo", "bo@example.org")])[0].token
    assert store.consent(token) and store.save_draft(token, {"G1": 4}, {})
    assert store.submit(token, language="de")
    assert store.responses(hidden)["language"].tolist() == [None]


def test_a_language_code_is_kept_spelled_one_way():
    from pmo_workbench.store.people import language_code

    assert [language_code(v) for v in ("DE", "de", " de-at ", "pt_br", "", None)] == [
        "de", "de", "de-AT", "pt-BR", None, None]
