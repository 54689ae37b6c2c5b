"""The benchmark pool's database: entries, keys, sharing a database with the store, the exchange file."""

from __future__ import annotations

import sqlite3
import stat

import pandas as pd
import pytest
import sqlalchemy as sa

from pmo_workbench.errors import InputValidationError, StoreError
from pmo_workbench.store import Store
from pmo_workbench.store.pool import BenchmarkPool, load_pool, pool_url
from pmo_workbench.store.pool_csv import read_pool_csv, write_pool_csv
from tests.helpers import write_csv


def fields(pool: BenchmarkPool, org: str = "Org", pmo: str = "PMO", *, overall: float = 55.556, **extra) -> dict:
    return {"org_key": pool.org_key(org), "source_key": pool.source_key(org, pmo, "core", "1", "2025"),
            "instrument_id": "core", "instrument_version": "1", "year": 2025, "sector": "public sector",
            "size": "large", "pmo_level": "enterprise", "region": "North", "type": "controlling",
            "target": "strategic", "overall": overall, "respondents": 9, "synthetic": False,
            "scores": {"gov": 60.004, "tools": None}, **extra}


def test_add_list_and_remove_entries(db_url):
    with BenchmarkPool(db_url) as pool:
        first = pool.add(fields(pool))
        assert first.status == "added" and len(first.entry_id) == 32
        assert pool.add(fields(pool)) == type(first)(first.entry_id, "unchanged")  # the same assessment again
        with pytest.raises(StoreError, match=f"already holds this assessment as entry {first.entry_id}"):
            pool.add(fields(pool, overall=70.0))
        second = pool.add(fields(pool, "Other Org", region="South"))
        frame = pool.frame()
        assert len(pool) == 2 and set(frame["entry_id"]) == {first.entry_id, second.entry_id}
        row = frame.set_index("entry_id").loc[first.entry_id]
        assert (row["overall"], row["score_gov"], row["region"], row["year"]) == (55.56, 60.0, "North", 2025)
        assert "score_tools" not in frame and not pool.synthetic  # a dimension without a score is not kept
        with pytest.raises(StoreError, match="holds no entry 0+; nothing was removed"):
            pool.remove([first.entry_id, "0" * 32])
        assert pool.remove([first.entry_id]) == 1
        assert list(pool.frame()["entry_id"]) == [second.entry_id]


def test_keys_are_keyed_hashes_of_the_folded_name_and_differ_between_pools(tmp_path):
    with BenchmarkPool(tmp_path / "a.db") as a, BenchmarkPool(tmp_path / "b.db") as b:
        assert a.org_key("  Korrin   Regional Council ") == a.org_key("korrin regional council")
        assert a.org_key("Korrin Regional Council") != b.org_key("Korrin Regional Council")
        assert a.org_key("Korrin") != a.source_key("Korrin", "", "", "", "")


def test_store_and_pool_share_one_database_whichever_came_first(db_url):
    with Store(db_url) as store:
        store.create_assessment("Org", "PMO", __import__("pmo_workbench").load_instrument("pmo-core"))
    with BenchmarkPool(db_url) as pool:
        pool.add(fields(pool))
    with Store(db_url, create=False) as store:
        assert list(store.assessments()["organisation"]) == ["Org"]
    with BenchmarkPool(db_url, create=False) as pool:
        assert len(pool) == 1


def test_a_pool_first_then_a_store_in_the_same_sqlite_file(tmp_path):
    path = tmp_path / "shared.db"
    with BenchmarkPool(path) as pool:
        pool.add(fields(pool))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # a new pool file is its owner's only
    with Store(path) as store:  # the pool's tables are not another application's
        assert store.assessments().empty
    with Store(path, create=False), BenchmarkPool(path, create=False) as pool:
        assert len(pool) == 1


def test_a_missing_pool_or_a_database_without_one_is_refused(tmp_path):
    with pytest.raises(StoreError, match="no benchmark pool at .*missing.db; add an entry first"):
        BenchmarkPool(tmp_path / "missing.db", create=False)
    assert not (tmp_path / "missing.db").exists()
    with Store(tmp_path / "store.db"):
        pass
    with pytest.raises(StoreError, match="holds no benchmark pool"):
        BenchmarkPool(tmp_path / "store.db", create=False)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE notes (x)")
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not a pmo-workbench database"):
        BenchmarkPool(other)
    assert other.read_bytes() == before


def test_export_then_import_into_another_pool_keeps_ids_and_keys_and_twice_changes_nothing(tmp_path):
    with BenchmarkPool(tmp_path / "a.db") as a:
        a.add(fields(a))
        a.add(fields(a, "Other", sector="=cmd|' /C calc'!A0"))  # a formula-looking text stays text
        exported = write_pool_csv(a.frame(), tmp_path / "pool.csv")
        original = a.frame()
    assert "\n" in exported.read_text() and ",'=cmd" in exported.read_text()
    table = read_pool_csv(exported)
    with BenchmarkPool(tmp_path / "b.db") as b:
        assert b.import_frame(table) == type(b.import_frame(table.iloc[:0]))(2, 0)
        assert b.import_frame(table).unchanged == 2 and len(b) == 2
        merged = b.frame()
        pd.testing.assert_frame_equal(merged.sort_values("entry_id").reset_index(drop=True),
                                      original.sort_values("entry_id").reset_index(drop=True), check_dtype=False)
        changed = table.assign(overall=[1.0, 2.0])
        with pytest.raises(StoreError, match="is held with other content; nothing was imported"):
            b.import_frame(changed, "pool.csv")
        assert b.frame()["overall"].tolist() == merged["overall"].tolist()


def test_a_pool_csv_is_checked_cell_by_cell(tmp_path):
    header = ("entry_id,org_key,instrument_id,instrument_version,year,sector,size,pmo_level,region,type,target,"
              "overall,respondents,added_on,synthetic,score_gov")
    good = (f"{'a' * 32},{'b' * 64},core,1,2025,public sector,large,enterprise,North,controlling,,50,9,2025-01-02,"
            "true,60")
    path = write_csv(tmp_path / "bad.csv", "\n".join([
        header + ",colour", good + ",red",
        f"xyz,{'b' * 64},core,1,20.5,,huge,global,,controlling,,101,0,2025-13-01,maybe,-1,",
        good.replace(",60", ",61") + ",",  # the same id as row 2, other content
    ]) + "\n")
    with pytest.raises(InputValidationError) as caught:
        read_pool_csv(path)
    assert sorted(str(p) for p in caught.value.problems) == sorted([
        f"{path}:1:colour: unknown column 'colour'; a pool file has entry_id, org_key, source_key, instrument_id, "
        "instrument_version, year, sector, size, pmo_level, region, type, target, overall, respondents, added_on, "
        "synthetic and score_<dimension> columns",
        f"{path}:3:entry_id: 'xyz' is not 32 hexadecimal digits",
        f"{path}:3:year: '20.5' is not a whole number",
        f"{path}:3:size: 'huge' is not one of: micro, small, medium, large",
        f"{path}:3:pmo_level: 'global' is not one of: project, department, enterprise",
        f"{path}:3:overall: 101 is outside 0-100",
        f"{path}:3:respondents: 0 is outside 5-1e+06",
        f"{path}:3:added_on: '2025-13-01' is not a real date (no such month or day); expected a date as YYYY-MM-DD "
        "from 1950 to 2150",
        f"{path}:3:synthetic: 'maybe' is not true or false",
        f"{path}:3:score_gov: -1 is outside 0-100",
        f"{path}:4:entry_id: entry {'a' * 32} is also in row 2 with other content",  # reported with the others
    ])
    floats = write_csv(tmp_path / "floats.csv", "\n".join([header, good.replace(",2025,", ",2025.0,")]) + "\n")
    with pytest.raises(InputValidationError, match=":2:year: '2025.0' is not a whole number"):
        read_pool_csv(floats)
    twice = write_csv(tmp_path / "twice.csv", "\n".join([header, good, good]) + "\n")
    assert len(read_pool_csv(twice)) == 1  # the same entry twice is one entry
    clash = write_csv(tmp_path / "clash.csv", "\n".join([header, good, good.replace(",60", ",61")]) + "\n")
    with pytest.raises(InputValidationError, match="entry a+ is also in row 2 with other content"):
        read_pool_csv(clash)


def test_a_responses_file_is_not_a_pool(tmp_path):
    path = write_csv(tmp_path / "answers.csv", "organisation,pmo,respondent,role,item,value\nA,P,R1,executive,X,3\n")
    with pytest.raises(InputValidationError, match="not a benchmark pool .*benchmark add --responses FILE"):
        load_pool(path)


def test_the_pool_to_use(monkeypatch, tmp_path):
    monkeypatch.delenv("PMO_WORKBENCH_BENCHMARK", raising=False)
    assert pool_url(None, None) is None
    assert pool_url(None, "postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("PMO_WORKBENCH_BENCHMARK", str(tmp_path / "env.db"))
    assert pool_url(None, "postgresql+psycopg://u@h/db") == f"sqlite:///{tmp_path / 'env.db'}"
    assert pool_url(tmp_path / "given.db", None) == f"sqlite:///{tmp_path / 'given.db'}"


def test_the_pool_tables_hold_no_free_text_column_beyond_the_context_fields(tmp_path):
    with BenchmarkPool(tmp_path / "p.db") as pool:
        pool.add(fields(pool))
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.db'}")
    columns = {t: [c["name"] for c in sa.inspect(engine).get_columns(t)] for t in sa.inspect(engine).get_table_names()}
    engine.dispose()
    assert columns == {
        "benchmark_attributes": ["name", "value"],
        "benchmark_entries": ["entry_id", "org_key", "source_key", "instrument_id", "instrument_version", "year",
                              "sector", "size", "pmo_level", "region", "type", "target", "overall", "respondents",
                              "added_on", "synthetic"],
        "benchmark_scores": ["entry_id", "dimension", "score"],
    }


def test_a_pool_with_entries_of_another_pool_is_marked_merged(tmp_path):
    with BenchmarkPool(tmp_path / "a.db") as a:
        a.add(fields(a, "Korrin"))
        exported = write_pool_csv(a.frame(), tmp_path / "a.csv")
    with BenchmarkPool(tmp_path / "b.db") as b:
        b.add(fields(b, "Korrin"))
        assert not b.merged
        b.import_frame(read_pool_csv(exported))  # Korrin under a's key: b cannot tell it is the same
        assert b.merged and load_pool(tmp_path / "b.db", "Korrin").merged


def test_a_partly_synthetic_pool_counts_its_synthetic_entries(tmp_path):
    with BenchmarkPool(tmp_path / "c.db") as c:
        c.add(fields(c, "Real"))
        c.add(fields(c, "Made up", synthetic=True))
        assert (c.synthetic, c.synthetic_entries) == (False, 1)
    assert load_pool(tmp_path / "c.db").synthetic_entries == 1


def test_a_pool_csv_is_held_to_the_database_s_column_lengths(tmp_path):
    header = ("entry_id,org_key,instrument_id,instrument_version,year,sector,size,pmo_level,region,type,target,"
              "overall,respondents,added_on,synthetic")
    row = f"{'a' * 32},{'b' * 64},core,1,2025,,,,{'R' * 61},controlling,,50,9,2025-01-02,true"  # region holds 60
    comma = row.replace("R" * 61, '"North, West"').replace("a" * 32, "c" * 32)
    path = write_csv(tmp_path / "long.csv", f"{header}\n{row}\n{comma}\n")
    with pytest.raises(InputValidationError) as caught:
        read_pool_csv(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2:region: is longer than 60 characters",
        f"{path}:3:region: holds a comma, which a peer filter (--peers region=...) cannot name"]


def test_a_pool_file_over_the_limits_is_refused_before_it_is_read(tmp_path, monkeypatch):
    import pmo_workbench.store.pool_csv as pool_csv

    path = write_csv(tmp_path / "big.csv", "entry_id\n" + "x\n" * 3)  # 9 + 3 * 2 = 15 bytes, 3 entries
    monkeypatch.setattr(pool_csv, "MAX_BYTES", 14)
    with pytest.raises(InputValidationError, match="more than a pool file may"):
        read_pool_csv(path)
    monkeypatch.setattr(pool_csv, "MAX_BYTES", 15)
    monkeypatch.setattr(pool_csv, "MAX_ENTRIES", 2)
    with pytest.raises(InputValidationError, match="holds 3 entries, more than a pool file may"):
        read_pool_csv(path)


def test_a_workbook_is_told_a_pool_file_is_a_csv(tmp_path):
    with pytest.raises(InputValidationError, match="a pool file is a CSV file .*save the workbook as CSV UTF-8"):
        read_pool_csv(tmp_path / "pool.xlsx")
