"""Waves in the store: two assessments of one PMO side by side, imports routed by wave, and migration 0007."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from pmo_workbench.errors import InputValidationError, StoreError
from pmo_workbench.store import SCHEMA_HEAD, Store, alembic_config

from tests.backends import sqlite_only
from tests.helpers import write_csv

HEADER = "organisation,pmo,wave,respondent,role,item,value,assessed_on\n"
TWO_WAVES = HEADER + (
    "Org,PMO,2025,R1,executive,MAN1,2,2025-03-02\n"
    "Org,PMO,2025,R2,pmo_staff,MAN1,3,2025-03-09\n"
    "Org,PMO,2026,R1,executive,MAN1,5,2026-03-01\n"
)


def test_two_waves_live_side_by_side_and_a_second_import_changes_nothing(store, core, tmp_path):
    path = write_csv(tmp_path / "two.csv", TWO_WAVES)
    first = store.import_responses(path, core)
    assert len(first.assessments) == 2 and first.answers_added == 3
    listed = store.assessments().set_index("wave")
    assert listed.loc["2025", "pmo_id"] == listed.loc["2026", "pmo_id"]
    assert listed["respondents"].to_dict() == {"2025": 2, "2026": 1}
    # fieldwork from the respondents' dates: 2025-03-02 .. 2025-03-09, and the one day of 2026
    assert listed.loc["2025", ["fieldwork_start", "fieldwork_end"]].tolist() == [pd.Timestamp("2025-03-02"),
                                                                                 pd.Timestamp("2025-03-09")]
    assert listed.loc["2026", "fieldwork_start"] == pd.Timestamp("2026-03-01")
    # R1 of 2025 keeps their 2, R1 of 2026 has 5: the second wave did not overwrite the first
    older, newer = first.assessments
    assert store.responses(older)["value"].tolist() == [2.0, 3.0]
    assert store.responses(newer)[["respondent", "value", "wave"]].astype(object).values.tolist() == [
        ["R1", 5.0, "2026"]]
    again = store.import_responses(path, core)
    assert (again.assessments, again.respondents_added, again.answers_added, again.answers_changed) == (
        first.assessments, 0, 0, 0)
    # export -> import lands in the same assessments
    exported = store.export_responses(tmp_path / "back.csv")
    assert store.import_responses(exported, core).answers_unchanged == 3
    info = store.assessment(older)
    assert (info["wave"], info["fieldwork_start"], info["fieldwork_end"]) == (
        "2025", dt.date(2025, 3, 2), dt.date(2025, 3, 9))


@sqlite_only
def test_the_wave_option_routes_a_file_without_a_wave_column(store, core, tmp_path):
    path = write_csv(tmp_path / "one.csv", "organisation,pmo,respondent,role,item,value\nOrg,PMO,R1,executive,MAN1,2\n")
    a = store.import_responses(path, core, wave="2025").assessments
    path.write_text(path.read_text().replace(",2\n", ",4\n"))
    b = store.import_responses(path, core, wave="2026").assessments
    assert a != b
    assert [store.responses(x)["value"].tolist() for x in (*a, *b)] == [[2.0], [4.0]]
    # two waves now and none named: the store cannot choose
    with pytest.raises(StoreError, match=r"PMO 'PMO' of 'Org' has several waves: 2025 \(assessment 1\), "
                                         r"2026 \(assessment 2\); name one"):
        store.import_responses(path, core)
    with pytest.raises(StoreError, match="at most 60"):
        store.import_responses(path, core, wave="x" * 61)


@sqlite_only
def test_a_later_years_file_without_a_wave_does_not_overwrite_the_only_wave(store, core, tmp_path):
    head = "organisation,pmo,respondent,role,item,value,assessed_on\n"
    first = store.import_responses(write_csv(tmp_path / "y1.csv", head + "Org,PMO,R1,executive,MAN1,2,2025-04-13\n"
                                                                         "Org,PMO,R2,executive,MAN1,3,2025-04-22\n"),
                                   core).assessments
    # a year later, the same labels and no wave named: 2026-04-14 is 357 days past the fieldwork's end (> 180)
    later = write_csv(tmp_path / "y2.csv", head + "Org,PMO,R1,executive,MAN1,5,2026-04-14\n")
    with pytest.raises(StoreError, match=r"dated 2026-04-14, far from the fieldwork \(2025-04-13 – 2025-04-22\) "
                                         r"of wave '2025' \(assessment 1\).*--wave 2026.*--assessment 1"):
        store.import_responses(later, core)
    assert store.responses(first[0])["value"].tolist() == [2.0, 3.0]  # nothing written
    # answers a few weeks after the fieldwork (2025-05-20: 28 days past its end) still belong to it
    late = write_csv(tmp_path / "late.csv", head + "Org,PMO,R3,executive,MAN1,4,2025-05-20\n")
    assert store.import_responses(late, core).assessments == first
    # named, the year's answers go where the user says
    assert store.import_responses(later, core, wave="2026").assessments != first
    assert store.import_responses(later, core, assessment_id=first[0]).assessments == first


@sqlite_only
def test_a_wave_given_for_a_file_whose_rows_all_name_theirs_is_refused(store, core, tmp_path):
    path = write_csv(tmp_path / "two.csv", TWO_WAVES)
    with pytest.raises(StoreError, match=r"wave '2030' would not be used: every row of two.csv names its wave "
                                         r"\(2025, 2026\); nothing imported"):
        store.import_responses(path, core, wave="2030")
    assert store.assessments().empty
    assert len(store.import_responses(path, core, wave="2026").assessments) == 2  # one of the file's: no harm


@sqlite_only
def test_rows_without_a_wave_beside_rows_naming_theirs_are_located_errors(store, core, tmp_path):
    path = write_csv(tmp_path / "blank.csv", TWO_WAVES + "Org,PMO,,R1,executive,MAN2,4,2026-03-01\n"
                                                         "Other,PMO,,R1,executive,MAN1,4,2026-03-01\n")
    with pytest.raises(InputValidationError) as info:
        store.import_responses(path, core)
    # row 5 (the file's 5th line) is of Org's PMO, whose rows name 2025 and 2026; row 6 is another PMO's: fine
    assert [str(p) for p in info.value.problems] == [
        f"{path}:5:wave: no wave, while other rows of PMO 'PMO' name theirs (2025, 2026); give every row of it "
        "its wave"]
    assert store.assessments().empty


@sqlite_only
def test_the_engagement_file_of_an_export_has_one_entry_per_pmo(store, core, tmp_path):
    import yaml

    from pmo_workbench.store.files import collection_yaml

    older, newer = store.import_responses(write_csv(tmp_path / "two.csv", TWO_WAVES), core).assessments
    store.set_survey(newer, anonymity="anonymous")
    # two entries for one PMO could not be read back; the latest wave's (2026, anonymous) is kept
    (entry,) = yaml.safe_load(collection_yaml(store, [older, newer]))["pmos"]
    assert (entry["pmo"], entry["anonymity"]) == ("PMO", "anonymous")


@sqlite_only
def test_create_assessment_by_wave(store, core, core_v1):
    first = store.create_assessment("Org", "PMO", core, assessed_on=dt.date(2025, 5, 1))
    assert store.assessment(first)["wave"] == "2025"  # the year of its date
    assert store.create_assessment("Org", "PMO", core) == first  # the PMO's only one
    second = store.create_assessment("Org", "PMO", core, wave="2026 Q3", fieldwork_start=dt.date(2026, 9, 1),
                                     fieldwork_end=dt.date(2026, 9, 30))
    assert store.create_assessment("Org", "PMO", core, wave=" 2026 Q3 ") == second
    with pytest.raises(StoreError, match=r"wave '2026-q3' is too like wave '2026 Q3' \(assessment 2\)"):
        store.create_assessment("Org", "PMO", core, wave="2026-q3")
    info = store.assessment(second)
    assert (info["wave"], info["fieldwork_start"], info["fieldwork_end"], info["pmo_id"]) == (
        "2026 Q3", dt.date(2026, 9, 1), dt.date(2026, 9, 30), store.assessment(first)["pmo_id"])
    with pytest.raises(StoreError, match="has several waves: 2025 .assessment 1., 2026 Q3 .assessment 2."):
        store.create_assessment("Org", "PMO", core)
    with pytest.raises(StoreError, match="wave '2025' .assessment 1. uses the instrument pmo-core 2.0, not "
                                         "pmo-core 1.0"):
        store.create_assessment("Org", "PMO", core_v1, wave="2025")
    with pytest.raises(StoreError, match=r"the fieldwork ends \(2026-01-01\) before it starts \(2026-02-01\)"):
        store.create_assessment("Org", "PMO", core, wave="x", fieldwork_start=dt.date(2026, 2, 1),
                                fieldwork_end=dt.date(2026, 1, 1))
    # another version without a wave: a new assessment, its year label made unique
    other = store.create_assessment("Org", "PMO", core_v1, assessed_on=dt.date(2025, 6, 1))
    assert store.assessment(other)["wave"] == "2025 (2)"


@sqlite_only
def test_import_into_a_named_assessment_checks_every_row(store, core, tmp_path):
    aid = store.create_assessment("Org", "PMO", core, wave="2026")
    path = write_csv(tmp_path / "bad.csv", HEADER + "Org,PMO,2026,R1,executive,MAN1,2,\n"
                                                    "Org,Other,,R2,executive,MAN1,2,\n"
                                                    "Org,PMO,2025,R3,executive,MAN1,2,\n")
    with pytest.raises(InputValidationError) as info:
        store.import_responses(path, core, assessment_id=aid)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:3:pmo: pmo 'Other' is not that of assessment {aid} (PMO of Org); import it without --assessment, "
        "or correct the file",
        f"{path}:4:wave: wave '2025' is not that of assessment {aid} ('2026'); import without --assessment or "
        "correct the file"]
    assert store.assessment(aid)["respondents"] == 0
    # 12 rows of another wave: ten listed, the other two counted
    many = write_csv(tmp_path / "many.csv", HEADER + "".join(f"Org,PMO,2025,R{n},executive,MAN1,2,\n"
                                                             for n in range(12)))
    with pytest.raises(InputValidationError) as info:
        store.import_responses(many, core, assessment_id=aid)
    assert len(info.value.problems) == 11
    assert f"{many}:-:wave: and 2 more rows of another wave" in [str(p) for p in info.value.problems]
    good = write_csv(tmp_path / "good.csv",
                     "organisation,pmo,respondent,role,item,value\nOrg,PMO,R1,executive,MAN1,2\n")
    assert store.import_responses(good, core, assessment_id=aid).assessments == (aid,)
    store.close_assessment(aid)
    good.write_text(good.read_text().replace("R1", "R9"))
    with pytest.raises(StoreError, match=f"assessment {aid} is closed.*import a new wave: --wave LABEL"):
        store.import_responses(good, core, assessment_id=aid)


def test_a_database_of_schema_0006_upgrades_to_waves(db_url, core):
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0006")
        with engine.begin() as conn:
            for sql in (
                "INSERT INTO organisations (name) VALUES ('Org')",
                "INSERT INTO pmos (organisation_id, name) VALUES (1, 'PMO'), (1, 'Two')",
                # PMO: one assessment dated 2025; Two: two versions created in 2026, one undated
                "INSERT INTO assessments (organisation_id, pmo_id, instrument_id, instrument_version, scale_min, "
                "scale_max, assessed_on, status, created_at) VALUES "
                "(1, 1, 'pmo-core', '2.0', 1, 5, '2025-04-01', 'closed', '2026-01-02'), "
                "(1, 2, 'pmo-core', '1.0', 1, 5, NULL, 'open', '2026-01-03'), "
                "(1, 2, 'pmo-core', '2.0', 1, 5, NULL, 'open', '2026-01-04')",
                "INSERT INTO respondents (assessment_id, label, role, assessed_on, created_at) VALUES "
                "(1, 'R1', 'executive', '2025-04-03', '2026-01-02'), (1, 'R2', 'pmo_staff', '2025-04-10', "
                "'2026-01-02'), (2, 'R1', 'executive', NULL, '2026-01-03'), "
                "(3, 'R1', 'executive', '2025-12-15', '2026-01-04')",
                "INSERT INTO answers (respondent_id, item, value, not_applicable, dont_know, comment, updated_at) "
                "VALUES (1, 'MAN1', 4, FALSE, FALSE, NULL, '2026-01-02'), (2, 'MAN1', 2, FALSE, FALSE, 'ok', "
                "'2026-01-02'), (3, 'MAN1', 3, FALSE, FALSE, NULL, '2026-01-03')",
            ):
                conn.execute(sa.text(sql))
    finally:
        engine.dispose()
    with Store(db_url) as opened:
        listed = opened.assessments()
        # labels: the year of assessed_on, else of the fieldwork (its respondents' dates: assessment 3, set up
        # in 2026, was answered in December 2025), else of created_at, unique per PMO
        assert listed["wave"].tolist() == ["2025", "2026", "2025"]
        assert listed["status"].tolist() == ["closed", "open", "open"]
        assert listed[["respondents", "answers"]].values.tolist() == [[2, 2], [1, 1], [1, 0]]
        assert listed["fieldwork_start"].tolist()[0] == pd.Timestamp("2025-04-03")
        assert listed["fieldwork_end"].tolist()[0] == pd.Timestamp("2025-04-10")
        assert listed["fieldwork_start"].isna().tolist() == [False, True, False]
        assert opened.answers(2) == {"MAN1": (2, "ok")}
        # a second wave of the first PMO, on the same instrument version: no longer refused
        second = opened.create_assessment("Org", "PMO", core, wave="2026")
        assert second == 4 and opened.assessment(second)["pmo_id"] == 1
        with opened._engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
