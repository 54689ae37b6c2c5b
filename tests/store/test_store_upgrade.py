"""Old databases upgrade (migration 0004); "don't know" answers, audiences, targets, context and evidence in the
store; older built-in instrument versions; the engagement file of a report's input; `store engagement`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
import yaml
from alembic import command
from typer.testing import CliRunner

from pmo_workbench import load_instrument
from pmo_workbench.assessment import assess
from pmo_workbench.assessment.engagement import EvidenceAnswer, PmoEngagement, load_engagement
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.cli import app
from pmo_workbench.errors import StoreError
from pmo_workbench.store import NOT_APPLICABLE, Store, alembic_config, report_input
from pmo_workbench.store.files import assessment_instrument
from pmo_workbench.store.schema import DONT_KNOW, SCHEMA_HEAD

from tests.backends import refused_by_the_database, sqlite_only
from tests.helpers import write_csv

runner = CliRunner()


# -- migration 0004: a database of schema 0003 keeps its answers, markers and scores -------------------------

OLD_ANSWERS = """\
organisation,pmo,respondent,role,item,value,comment
Org,PMO,R1,executive,MAN1,4,
Org,PMO,R1,executive,MAN2,NA,not ours
Org,PMO,R1,executive,MAN3,2,
Org,PMO,R1,executive,MAN4,5,
Org,PMO,R2,pmo_staff,MAN1,3,
Org,PMO,R2,pmo_staff,MAN2,1,
Org,PMO,R2,pmo_staff,MAN3,,ask the CFO
Org,PMO,R2,pmo_staff,MAN5,4,
"""


def test_a_database_of_schema_0003_upgrades_with_answers_markers_and_scores_unchanged(db_url, tmp_path, core):
    url = db_url
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0003")
        with engine.begin() as conn:
            for sql in ("INSERT INTO organisations (name) VALUES ('Org')",
                        "INSERT INTO pmos (organisation_id, name) VALUES (1, 'PMO')",
                        "INSERT INTO assessments (organisation_id, pmo_id, instrument_id, instrument_version, "
                        "scale_min, scale_max, status, created_at) VALUES (1, 1, 'pmo-core', '1.0', 1, 5, 'open', "
                        "'2026-01-01')",
                        "INSERT INTO respondents (assessment_id, label, role, created_at) VALUES "
                        "(1, 'R1', 'executive', '2026-01-01'), (1, 'R2', 'pmo_staff', '2026-01-01')",
                        "INSERT INTO answers (respondent_id, item, value, not_applicable, comment, updated_at) VALUES "
                        "(1, 'MAN1', 4, FALSE, NULL, '2026-01-01'), (1, 'MAN2', NULL, TRUE, 'not ours', '2026-01-01'), "
                        "(1, 'MAN3', 2, FALSE, NULL, '2026-01-01'), (1, 'MAN4', 5, FALSE, NULL, '2026-01-01'), "
                        "(2, 'MAN1', 3, FALSE, NULL, '2026-01-01'), (2, 'MAN2', 1, FALSE, NULL, '2026-01-01'), "
                        "(2, 'MAN3', NULL, FALSE, 'ask the CFO', '2026-01-01'), "
                        "(2, 'MAN5', 4, FALSE, NULL, '2026-01-01')"):
                conn.execute(sa.text(sql))
    finally:
        engine.dispose()
    with Store(url) as opened:
        with opened._engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert opened.answers(1) == {"MAN1": (4, None), "MAN2": (NOT_APPLICABLE, "not ours"), "MAN3": (2, None),
                                     "MAN4": (5, None)}
        assert opened.answers(2) == {"MAN1": (3, None), "MAN2": (1, None), "MAN3": (None, "ask the CFO"),
                                     "MAN5": (4, None)}
        # R1: 4 answers, 1 of them n/a; R2: 3 answers (MAN3 is a comment alone); nobody said "don't know".
        assert opened.respondents(1)[["answered", "not_applicable", "dont_know"]].values.tolist() == [
            [4, 1, 0], [3, 0, 0]]
        assert opened.assessment(1)["target"] is None and opened.engagement(1) is None
        stored = opened.responses(1)
        assert not stored["dont_know"].any()
        # The same answers read from a file score the same as the upgraded store's.
        from_file = read_responses(write_csv(tmp_path / "old.csv", OLD_ANSWERS), core)
        kept = from_file[from_file["value"].notna() | from_file["comment"].ne("")]
        assert stored["value"].tolist() == pytest.approx(kept["value"].tolist(), nan_ok=True)
        by_store, by_file = assess(stored, core), assess(from_file, core)
        pd.testing.assert_frame_equal(by_store.scores.dimensions, by_file.scores.dimensions)
        # The scale triggers came back after SQLite rebuilt the answers table.
        with pytest.raises(StoreError, match="the database refused"):
            from pmo_workbench.store import core as store_module
            original = store_module._check_answer
            store_module._check_answer = lambda info, item, value, role=None: (value, None)
            try:
                opened.save_answer(1, "MAN5", 9)
            finally:
                store_module._check_answer = original


def test_migration_0004_downgrades_and_upgrades_again_keeping_answers(db_url, core):
    url = db_url
    with Store(url) as opened:
        rid = opened.add_respondent(opened.create_assessment("Org", "P", core), "executive")
        opened.save_answers(rid, {"MAN1": (4, None), "MAN2": (DONT_KNOW, None), "MAN3": (DONT_KNOW, "unsure"),
                                  "MAN4": (NOT_APPLICABLE, None)})
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0003")
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    finally:
        engine.dispose()
    with Store(url) as opened:
        # A "don't know" without a comment goes; one with a comment keeps the comment, as no answer.
        assert opened.answers(rid) == {"MAN1": (4, None), "MAN3": (None, "unsure"), "MAN4": (NOT_APPLICABLE, None)}


def test_the_database_refuses_dont_know_with_a_value_or_with_not_applicable(store, core):
    rid = store.add_respondent(store.create_assessment("Org", "P", core), "executive")
    refused = refused_by_the_database(store)
    for sql in ("INSERT INTO answers (respondent_id, item, value, dont_know, updated_at) "
                "VALUES (:rid, 'MAN1', 3, TRUE, '2026-01-01')",
                "INSERT INTO answers (respondent_id, item, not_applicable, dont_know, updated_at) "
                "VALUES (:rid, 'MAN1', TRUE, TRUE, '2026-01-01')"):
        assert refused(sql, rid=rid) == "check"
    with store._engine.connect() as conn, conn.begin():
        conn.execute(sa.text("INSERT INTO answers (respondent_id, item, dont_know, updated_at) "
                             "VALUES (:rid, 'MAN1', TRUE, '2026-01-01')"), {"rid": rid})
    assert store.answers(rid) == {"MAN1": (DONT_KNOW, None)}


# -- "don't know" ------------------------------------------------------------------------------------------------

def test_dont_know_is_saved_read_counted_exported_and_imported_back(store, core, tmp_path):
    aid = store.create_assessment("Org", "P", core)
    rid = store.add_respondent(aid, "executive")
    store.save_answers(rid, {"MAN1": ("dk", "no idea"), "MAN2": ("DK", None), "MAN3": (4, None),
                             "MAN4": (NOT_APPLICABLE, None)})
    assert store.answers(rid) == {"MAN1": ("DK", "no idea"), "MAN2": ("DK", None), "MAN3": (4, None),
                                  "MAN4": ("n/a", None)}
    # 4 answers: 2 "don't know", 1 "not applicable", 1 value.
    assert store.respondents(aid)[["answered", "not_applicable", "dont_know"]].values.tolist() == [[4, 1, 2]]
    assert store.assessment(aid)["answers"] == 4
    frame = store.responses(aid)
    assert frame[["item", "dont_know"]].astype(object).values.tolist() == [
        ["MAN1", True], ["MAN2", True], ["MAN3", False], ["MAN4", False]]
    assert frame["value"].isna().tolist() == [True, True, False, True]
    for name, form in (("l.csv", "long"), ("l.xlsx", "long"), ("w.csv", "wide"), ("w.xlsx", "wide")):
        path = store.export_responses(tmp_path / name, form=form)
        back = read_responses(path, core).set_index("item")
        assert back.loc[["MAN1", "MAN2", "MAN3"], "dont_know"].tolist() == [True, True, False], name
        with Store(tmp_path / f"{name}.db") as other:
            (new_aid,) = other.import_responses(path, core).assessments
            (new_rid,) = other.respondents(new_aid)["respondent_id"]
            expected = {"MAN1": ("DK", "no idea" if form == "long" else None), "MAN2": ("DK", None),
                        "MAN3": (4, None), "MAN4": ("n/a", None)}
            assert other.answers(new_rid) == expected, name
        again = store.import_responses(path, core)  # the store's own export: nothing changes
        assert (again.answers_added, again.answers_changed) == (0, 0), name
    long = pd.read_csv(tmp_path / "l.csv", dtype=str, keep_default_na=False)
    assert long["value"].tolist()[:4] == ["DK", "DK", "4", "NA"]
    wide = pd.read_csv(tmp_path / "w.csv", dtype=str, keep_default_na=False)
    assert wide[["MAN1", "MAN2", "MAN3", "MAN4"]].values.tolist() == [["DK", "DK", "4", "NA"]]
    from openpyxl import load_workbook
    cells = [c.value for c in load_workbook(tmp_path / "w.xlsx").active[2]]
    assert cells[7:11] == ["DK", "DK", 4, "NA"]


@sqlite_only
def test_an_import_turns_a_value_into_dont_know_and_back(store, core, tmp_path):
    head = "organisation,pmo,respondent,role,item,value\n"
    first = store.import_responses(write_csv(tmp_path / "a.csv", head + "Org,P,R1,executive,MAN1,3\n"), core)
    result = store.import_responses(write_csv(tmp_path / "b.csv", head + "Org,P,R1,executive,MAN1,dk\n"), core)
    assert (result.answers_added, result.answers_changed, result.answers_unchanged) == (0, 1, 0)
    (rid,) = store.respondents(first.assessments[0])["respondent_id"]
    assert store.answers(rid) == {"MAN1": ("DK", None)}
    result = store.import_responses(write_csv(tmp_path / "c.csv", head + "Org,P,R1,executive,MAN1,\n"), core)
    assert (result.answers_added, result.answers_changed, result.answers_unchanged) == (0, 0, 0)  # blank: kept
    result = store.import_responses(tmp_path / "a.csv", core)
    assert (result.answers_changed, store.answers(rid)) == (1, {"MAN1": (3, None)})


# -- audiences -----------------------------------------------------------------------------------------------------

@sqlite_only
@pytest.mark.parametrize("value", [3, "DK"])
def test_an_item_outside_the_roles_audience_is_refused_naming_item_and_role(store, aud, value):
    aid = store.create_assessment("Org", "P", aud)
    executive = store.add_respondent(aid, "executive")
    staff = store.add_respondent(aid, "pmo_staff")
    with pytest.raises(StoreError, match=r"item S2 is not asked of role 'executive' \(the instrument tiny-audience "
                                         r"0.1 asks it only of pmo_staff\); .*nothing was saved"):
        store.save_answers(executive, {"S1": (4, None), "S2": (value, None)})
    assert store.answers(executive) == {}
    # "Not applicable" and a comment alone say nothing about the item: allowed; PMO staff answer it.
    store.save_answers(executive, {"S2": (NOT_APPLICABLE, "not my area")})
    store.save_answer(staff, "S2", value)
    assert store.answers(staff) == {"S2": (value, None)}
    # Each respondent's total is what their role is asked: 10 of the 11 items for an executive, 11 for PMO staff.
    assert store.respondents(aid)[["role", "total"]].values.tolist() == [["executive", 10], ["pmo_staff", 11]]


# -- targets and engagement entries ----------------------------------------------------------------------------

@sqlite_only
def test_set_target_is_checked_against_the_instruments_types_and_listed(store, aud):
    aid = store.create_assessment("Org", "P", aud)
    store.set_target(aid, "controlling")
    assert store.assessments()["target"].tolist() == ["controlling"]
    assert store.engagement(aid) == PmoEngagement(organisation="Org", pmo="P", target="controlling")
    with pytest.raises(StoreError, match="'visionary' is not a type of the instrument tiny-audience 0.1 of "
                                         "assessment 1; expected one of supportive, controlling, strategic"):
        store.set_target(aid, "visionary")
    store.set_target(aid, None)
    assert store.assessment(aid)["target"] is None and store.engagement(aid) is None


@sqlite_only
def test_set_engagement_keeps_target_context_and_evidence(store, aud):
    aid = store.create_assessment("Org", "P", aud)
    entry = PmoEngagement(organisation="Org", pmo="P", target="strategic", context={"age": 6, "line": "CFO"},
                          evidence={"charter": EvidenceAnswer(answer="yes", note="signed 2023"),
                                    "register": EvidenceAnswer(answer="no")})
    store.set_engagement(aid, entry)
    assert store.engagement(aid) == entry
    assert store.assessment(aid)["target"] == "strategic"
    # A new entry replaces the old one: what it leaves out is cleared.
    store.set_engagement(aid, PmoEngagement(organisation="Org", pmo="P", evidence={"register": "partly"}))
    assert store.engagement(aid) == PmoEngagement(organisation="Org", pmo="P", evidence={"register": "partly"})


@sqlite_only
@pytest.mark.parametrize("entry, message", [
    (dict(organisation="Org", pmo="Other", target="strategic"), "does not belong to assessment 1"),
    (dict(organisation="Org", pmo="P", evidence={"minutes": "yes"}), r"unknown evidence questions \['minutes'\]"),
    (dict(organisation="Org", pmo="P", context={"line": "COO"}), "line: 'COO' is not one of the choices"),
    (dict(organisation="Org", pmo="P", target="visionary"), "target: 'visionary' is not a type of tiny-audience"),
])
def test_a_wrong_engagement_entry_is_refused_and_nothing_changes(store, aud, entry, message):
    aid = store.create_assessment("Org", "P", aud)
    store.set_target(aid, "supportive")
    with pytest.raises(StoreError, match=message):
        store.set_engagement(aid, PmoEngagement(**entry))
    assert store.engagement(aid) == PmoEngagement(organisation="Org", pmo="P", target="supportive")


# -- older built-in instrument versions -------------------------------------------------------------------------

def test_an_assessment_of_an_older_builtin_version_loads_that_version(tmp_path, core_v1, core):
    assert (core_v1.version, core.version) == ("1.0", "2.0")
    with Store(tmp_path / "w.db") as opened:
        old = opened.create_assessment("Org", "Old PMO", core_v1)
        opened.save_answer(opened.add_respondent(old, "executive"), "MAN1", 4)
        new = opened.create_assessment("Org", "New PMO", core)
    with Store(tmp_path / "w.db") as reopened:  # a new session: nothing known but the built-in files
        assert reopened.instrument_for(old).version == "1.0"
        assert reopened.instrument_for(new).version == "2.0"
        assert assessment_instrument(reopened, old)[1] == "pmo-core@1.0"
        assert assessment_instrument(reopened, new)[1] == "pmo-core"
        assert assessment_instrument(reopened, old, "pmo-core@1.0")[1] == "pmo-core@1.0"
        assert report_input(reopened, old, tmp_path / "in").instrument == "pmo-core@1.0"
        assert load_instrument(report_input(reopened, old, tmp_path / "in").instrument).version == "1.0"


# -- report input: the engagement file ----------------------------------------------------------------------------

@sqlite_only
def test_report_input_writes_the_engagement_file_only_when_there_is_one_and_it_changed(store, aud, tmp_path):
    aid = store.create_assessment("Org", "P", aud)
    rid = store.add_respondent(aid, "executive")
    store.save_answer(rid, "G1", 4)
    folder = tmp_path / "inputs"
    folder.mkdir()
    given = report_input(store, aid, folder, instrument=aud)
    assert given.engagement is None and not (folder / f"assessment-{aid}-engagement.yaml").exists()
    entry = PmoEngagement(organisation="Org", pmo="P", target="controlling", context={"age": 6},
                          evidence={"charter": EvidenceAnswer(answer="yes", note="signed"),
                                    "register": EvidenceAnswer(answer="no")})
    store.set_engagement(aid, entry)
    given = report_input(store, aid, folder, instrument=aud)
    assert given.engagement == folder / f"assessment-{aid}-engagement.yaml"
    text = given.engagement.read_text(encoding="utf-8")
    assert 'answer: "yes"' in text and 'answer: "no"' in text
    assert yaml.safe_load(text) == {"pmos": [{
        "organisation": "Org", "pmo": "P", "target": "controlling", "context": {"age": 6},
        "evidence": {"charter": {"answer": "yes", "note": "signed"}, "register": {"answer": "no"}}}]}
    assert load_engagement(given.engagement, aud).for_pmo("Org", "P") == entry
    written = given.engagement.stat().st_mtime_ns
    given.engagement.touch()
    import os
    os.utime(given.engagement, ns=(written - 10**9, written - 10**9))
    report_input(store, aid, folder, instrument=aud)  # unchanged: not rewritten
    assert given.engagement.stat().st_mtime_ns == written - 10**9
    store.set_target(aid, "strategic")
    report_input(store, aid, folder, instrument=aud)
    assert "target: strategic" in given.engagement.read_text(encoding="utf-8")


# -- `store engagement` and `store list` --------------------------------------------------------------------------

def run(*args):
    return runner.invoke(app, [str(a) for a in args])


ENGAGEMENT = """\
pmos:
  - organisation: Org
    pmo: P
    target: controlling
    context: {age: 6, line: CFO}
    evidence:
      charter: {answer: "yes", note: "signed 2023"}
  - organisation: Org
    pmo: Q
    evidence:
      register: "partly"
"""


def test_store_engagement_applies_each_entry_and_list_shows_the_target(tmp_path, aud):
    db = tmp_path / "e.db"
    with Store(db) as opened:
        p = opened.create_assessment("Org", "P", aud)
        q = opened.create_assessment("Org", "Q", aud)
    path = tmp_path / "engagement.yaml"
    path.write_text(ENGAGEMENT, encoding="utf-8")
    result = run("store", "engagement", path, "--db", db)  # a custom instrument must be given
    assert result.exit_code == 2 and "tiny-audience" in result.stderr
    result = run("store", "engagement", path, "--db", db, "--instrument", aud_path(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"assessment {p} (Org / P): target controlling, 2 context answers, 1 evidence answer",
        f"assessment {q} (Org / Q): no target, 0 context answers, 1 evidence answer"]
    with Store(db) as opened:
        opened.use_instrument(aud)
        assert opened.engagement(p).context == {"age": 6, "line": "CFO"}
        assert opened.engagement(q).evidence == {"register": EvidenceAnswer(answer="partly")}
    result = run("store", "list", "--db", db)
    assert result.exit_code == 0 and "controlling" in result.stdout and "target" in result.stdout


def aud_path(folder: Path) -> Path:
    from tests.audience_instrument import AUDIENCE_YAML

    path = folder / "aud-src.yaml"
    path.write_text(AUDIENCE_YAML, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, expected", [
    # Line 11: an evidence id the instrument does not have; nothing of the first entry is applied either.
    (ENGAGEMENT.replace("register:", "minutes:"), ":11:7: pmos.1.evidence: unknown evidence questions"),
    # An entry whose PMO has no assessment is an error naming the entry.
    (ENGAGEMENT.replace("pmo: Q", "pmo: Z"), ":9:10: pmos.1.pmo: no assessment of PMO 'Z' of 'Org'"),
])
def test_store_engagement_with_a_bad_entry_exits_2_and_applies_nothing(tmp_path, aud, text, expected):
    db = tmp_path / "e.db"
    with Store(db) as opened:
        p = opened.create_assessment("Org", "P", aud)
        opened.create_assessment("Org", "Q", aud)
    path = tmp_path / "engagement.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("store", "engagement", path, "--db", db, "--instrument", aud_path(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0].startswith(f"{path}{expected}"), result.stderr
    with Store(db) as opened:
        opened.use_instrument(aud)
        assert opened.engagement(p) is None


def test_store_engagement_lists_every_problem_at_once_with_close_matches(tmp_path, aud):
    db = tmp_path / "e.db"
    with Store(db) as opened:
        opened.create_assessment("Org Ltd", "Delivery PMO", aud)
    path = tmp_path / "engagement.yaml"
    path.write_text("pmos:\n"
                    "  - {organisation: Org Ltd, pmo: Delivery PMO, targt: supportive}\n"
                    "  - {organisation: Org Ltd, pmo: Delivery PMO}\n"
                    "  - {organisation: org ltd., pmo: Delivery PMO}\n", encoding="utf-8")
    result = run("store", "engagement", path, "--db", db, "--instrument", aud_path(tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:2:") and "targt" in lines[0]
    assert lines[1].startswith(f"{path}:3:34: pmos.1.pmo: PMO 'Delivery PMO' of 'Org Ltd' is given twice")
    assert lines[2].startswith(f"{path}:4:20: pmos.2.organisation: the store ") and lines[2].endswith(
        "has no assessment of organisation 'org ltd.'; did you mean 'Org Ltd'?")
