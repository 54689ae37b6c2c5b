"""The positioning report's benchmark section: its pool from a database or a file, the client's own entries left
out, and the ``benchmark`` and ``peers`` columns of a manifest."""

from __future__ import annotations

import shutil

import pytest

from pmo_workbench import assess, load_instrument, read_responses
from pmo_workbench.errors import InputValidationError, ReportParameterError
from pmo_workbench.reports import read_manifest
from pmo_workbench.reports.benchmark import benchmark_section
from pmo_workbench.reports.spec import positioning_spec
from pmo_workbench.resources import examples_dir
from pmo_workbench.store.pool import BenchmarkPool
from pmo_workbench.store.pool_csv import read_pool_csv

SAMPLE = examples_dir() / "pmo_responses.csv"
POOL = examples_dir() / "benchmark_pool.csv"
KORRIN = "Korrin Regional Council"


@pytest.fixture(scope="module")
def korrin():
    ins = load_instrument("pmo-core")
    frame = read_responses(SAMPLE, ins)
    return ins, assess(frame[frame["organisation"] == KORRIN].reset_index(drop=True), ins).assessments


def test_a_pool_database_leaves_the_client_s_own_entries_out(korrin, tmp_path):
    ins, pmos = korrin
    with BenchmarkPool(tmp_path / "pool.db") as pool:
        pool.import_frame(read_pool_csv(POOL))
        for a in pmos:  # the client's own earlier assessments, at the top of every dimension
            pool.add({"org_key": pool.org_key(KORRIN.upper()), "source_key": None, "instrument_id": "pmo-core",
                      "instrument_version": "2.0", "year": 2026, "sector": "public sector", "size": "large",
                      "pmo_level": a.pmo_level, "region": None, "type": "strategic", "target": None,
                      "overall": 100.0, "respondents": 9, "synthetic": False,
                      "scores": dict.fromkeys(a.dimensions["dimension"], 100.0)})
    from_db = benchmark_section(tmp_path / "pool.db", KORRIN, pmos, instrument=ins)
    from_file = benchmark_section(POOL, KORRIN, pmos, instrument=ins)
    enterprise = next(a.pmo for a in pmos if a.pmo_level == "enterprise")
    # the synthetic pool holds 67 enterprise entries of 61 organisations; the client's own is not one of them
    assert from_file.comparisons[enterprise].peers == from_db.comparisons[enterprise].peers == 61
    assert from_db.own_left_out and not from_file.own_left_out
    assert not from_db.synthetic and from_file.synthetic  # two real entries make the pool not synthetic
    # the pool was seeded from another pool's file: the client's own entries under that pool's keys cannot be told
    assert from_db.merged and "the client's own left out" not in from_db.comparisons[enterprise].sentence
    assert "61 of the 61 are synthetic" in from_db.comparisons[enterprise].sentence
    assert from_db.notes[0].startswith("300 of the pool's 302 entries are synthetic")
    assert [n.split(":")[0] for n in from_file.notes] == [
        "The benchmark pool is synthetic", "The pool was given as an exported file, which cannot tell this "
        "organisation's own entries apart"]


def test_a_narrow_filter_leaves_too_few_peers_and_the_section_shows_no_number(korrin):
    ins, pmos = korrin
    section = benchmark_section(POOL, KORRIN, pmos, instrument=ins, peers="sector=energy,size=micro")
    assert all(c.suppressed and c.table.empty for c in section.comparisons.values())
    assert {c.filter.text() for c in section.comparisons.values()} == {
        "pmo_level=enterprise,sector=energy and utilities,size=micro",
        "pmo_level=department,sector=energy and utilities,size=micro"}


def test_a_pool_on_a_server_is_kept_as_its_url_and_a_file_becomes_an_input():
    url = "postgresql+psycopg://me@db.example/pool"
    spec = positioning_spec(SAMPLE, KORRIN, benchmark=url, peers=" all ")
    assert spec.parameters["benchmark"] == url and spec.parameters["peers"] == "all"
    assert url not in spec.inputs
    assert str(POOL) in positioning_spec(SAMPLE, KORRIN, benchmark=POOL).inputs
    with pytest.raises(ReportParameterError, match="holds a password, which the executed notebook would keep"):
        positioning_spec(SAMPLE, KORRIN, benchmark="postgresql+psycopg://me:secret@db.example/pool")


def test_manifest_benchmark_and_peers_columns_are_checked_where_they_stand(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "answers.csv")
    shutil.copy(POOL, tmp_path / "pool.csv")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("report,organisation,responses,benchmark,peers\n"
                        f"positioning,{KORRIN},answers.csv,pool.csv,pmo_level=enterprise\n"
                        f"positioning,{KORRIN},answers.csv,answers.csv,\n"
                        f"positioning,{KORRIN},answers.csv,pool.csv,colour=red\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    assert [(p.row, p.column, p.message.split(";")[0]) for p in caught.value.problems] == [
        (3, "benchmark", "this is not a benchmark pool (it looks like a responses file)"),
        (4, "peers", "peer filter 'colour=red': unknown key 'colour'"),
    ]
    manifest.write_text("report,organisation,responses,benchmark,peers\n"
                        f"positioning,{KORRIN},answers.csv,pool.csv,pmo_level=enterprise\n", encoding="utf-8")
    (spec,) = read_manifest(manifest)
    assert (spec.parameters["benchmark"], spec.parameters["peers"]) == (str(tmp_path / "pool.csv"),
                                                                        "pmo_level=enterprise")


def test_the_method_says_the_client_s_own_were_left_out_only_when_they_were():
    from pmo_workbench.reports.benchmark import BenchmarkSection

    from_db, from_file = BenchmarkSection({}, False, True, 0), BenchmarkSection({}, False, False, 0)
    merged = BenchmarkSection({}, False, True, 0, merged=True)
    assert "(its latest), the client's own left out;" in from_db.method
    assert "the client's own" not in from_file.method and "the client's own" not in merged.method
