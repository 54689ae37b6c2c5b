"""The demo's synthetic benchmark pool: a valid pool file, marked synthetic, spread as designed, regenerated
identically by its seeded script."""

from __future__ import annotations

import importlib.util

from pmo_workbench import load_instrument
from pmo_workbench.resources import examples_dir
from pmo_workbench.store.pool_csv import read_pool_csv

POOL = examples_dir() / "benchmark_pool.csv"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_benchmark", examples_dir() / "generate_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_pool_is_a_valid_pool_of_300_synthetic_entries_across_sectors_sizes_and_levels():
    table = read_pool_csv(POOL)
    sectors = next(q.choices for q in load_instrument("pmo-core").context if q.id == "sector")
    assert len(table) == 300 and table["synthetic"].all()
    assert table["org_key"].nunique() == 270  # 30 organisations assessed twice
    assert set(table["sector"]) == set(sectors)
    assert set(table["size"]) == {"micro", "small", "medium", "large"}
    assert set(table["pmo_level"]) == {"project", "department", "enterprise"}
    assert set(table["instrument_id"] + " " + table["instrument_version"]) == {"pmo-core 2.0"}
    twice = table[table["org_key"].duplicated(keep=False)].groupby("org_key")["year"].agg(["min", "max"])
    assert ((twice["max"] - twice["min"]) == 1).all()


def test_the_seeded_script_writes_the_committed_file_again(tmp_path):
    out = tmp_path / "pool.csv"
    _generator().main(["--out", str(out)])
    assert out.read_bytes() == POOL.read_bytes()
