"""The benchmark scripts keep running, and their baselines keep agreeing with the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.mark.slow
def test_scoring_benchmark_agrees_with_its_loop_baseline_on_small_data():
    # The script asserts that every score, std, r_wg(J) and alpha of the plain
    # loop matches score() before printing; a small run exercises that check.
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_scoring.py"), "--respondents", "600", "--per-pmo", "40",
         "--repeat", "1"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "speed-up:" in done.stdout


@pytest.mark.slow
def test_report_benchmark_runs_its_pipelines_on_two_reports():
    # Two reports prove the naive pipeline, the process pool and the Dask cluster run and are timed, and the cost
    # split is printed (the script checks each batch wrote every file); the speed itself is the benchmark's to show.
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_reports.py"), "--reports", "2", "--naive", "1",
                           "--split", "1"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for line in ("naive (papermill + nbconvert commands)", " at a time ", "batch (process pool,",
                 "batch --cluster local:2 (Dask)",
                 "speed-up:", "One report's cost, step by step (1 reports", "  cells ", "  chart SVGs "):
        assert line in done.stdout

@pytest.mark.slow
def test_portfolio_benchmark_agrees_with_its_naive_baseline_on_a_tiny_portfolio():
    # The script asserts that every EVM index, earned schedule, EMV, role-month load and blast radius of
    # its row-by-row baseline matches analyse_portfolio before it prints any time.
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_portfolio.py"), "--projects", "200", "--risks", "600",
         "--dependencies", "300", "--roles", "6", "--months", "12", "--candidates", "40", "--repeat", "1",
         "--no-memory", "--skip-big"],  # the 200,000-project run is `make bench`'s, not the suite's
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "speed-up:" in done.stdout and "select_projects, 40 candidates" in done.stdout


@pytest.mark.slow
def test_store_benchmark_reads_back_what_it_imported_on_a_tiny_file():
    # The script asserts that store.responses() equals read_responses() of the generated file before printing.
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_store.py"), "--respondents", "40", "--items", "10", "--per-pmo",
         "10", "--baseline-rows", "50"],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "read-back frame equals the file" in done.stdout and "speed-up:" in done.stdout
