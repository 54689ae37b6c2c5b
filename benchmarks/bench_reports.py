"""Report rendering speed: the same reports three ways, in one run.

The reports: one positioning report per sample organisation (7) and one per
single PMO of the first five organisations, 12 in all by default, each
compared with the demo's synthetic benchmark pool, written as HTML and the
executed notebook.

- ``naive``: per report, the ``papermill`` command, then ``jupyter nbconvert
  --to html --no-input`` (what a user would script by hand). Every report pays
  for two program starts, a kernel start, importing pandas, altair and scipy in
  that kernel, and starting the chart converter there;
- ``batch --jobs 1``: ``pmo-workbench batch`` with one report at a time;
- ``batch``: ``pmo-workbench batch`` with the default number of jobs (cores).

Both batch runs use ``--force`` so nothing is skipped. Every run writes to its
own folder and must produce one HTML file per report. Peak memory is the
largest sum of the proportional set size (PSS: memory shared between processes,
such as the pages every forked kernel shares with its template, split between
them) of the command and all its child processes (kernels, workers), sampled
every 200 ms. Run::

    .venv/bin/python benchmarks/bench_reports.py [--reports N]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

from pmo_workbench.reports.spec import demo_specs, notebook_path

BIN = Path(sys.executable).parent


def manifest_rows(count: int) -> list[dict[str, str]]:
    specs = demo_specs()
    rows = [{"organisation": s.organisation, "pmo": ""} for s in specs]
    import pandas as pd

    responses, pool = specs[0].parameters["responses"], specs[0].parameters["benchmark"]
    pmos = pd.read_csv(responses, usecols=["organisation", "pmo"]).drop_duplicates()
    rows += [{"organisation": r.organisation, "pmo": r.pmo} for r in pmos.itertuples()]
    if count > len(rows):
        raise SystemExit(f"only {len(rows)} distinct reports available")
    for row in rows:
        row.update({"report": "positioning", "responses": responses, "benchmark": pool})
    return rows[:count]


class PeakMemory:
    """Largest summed PSS of a process and its descendants while it runs."""

    def __init__(self, pid: int):
        self.root = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [self.root, *self.root.children(recursive=True)]:
                    try:
                        # PSS: pages shared between the forked kernels count once, split between them.
                        info = proc.memory_full_info()
                        total += getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(commands: list[list[str]], cwd: Path) -> tuple[float, int]:
    """Run commands one after another; seconds in all and the highest peak memory of any."""
    peak = 0
    started = time.perf_counter()
    for command in commands:
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        watch = PeakMemory(proc.pid)
        _, err = proc.communicate()
        peak = max(peak, watch.stop())
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(command[:3])} failed ({proc.returncode}):\n{err[-2000:]}")
    return time.perf_counter() - started, peak


def naive_commands(rows: list[dict[str, str]], out: Path) -> list[list[str]]:
    commands = []
    for n, row in enumerate(rows):
        params = {"responses": row["responses"], "organisation": row["organisation"], "pmo": row["pmo"] or None,
                  "benchmark": row["benchmark"]}
        executed = out / f"report-{n}.ipynb"
        commands.append([str(BIN / "papermill"), str(notebook_path("positioning")), str(executed),
                         "-k", "python3", "-y", yaml.safe_dump(params), "--no-progress-bar"])
        commands.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)])
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=12)
    args = parser.parse_args()
    rows = manifest_rows(args.reports)
    n = len(rows)
    env_jobs = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        tmp = Path(tmp)
        manifest = tmp / "manifest.csv"
        with manifest.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["report", "organisation", "pmo", "responses", "benchmark"])
            writer.writeheader()
            writer.writerows(rows)
        runs = {}
        naive_out = tmp / "naive"
        naive_out.mkdir()
        runs["naive (papermill + nbconvert commands)"] = timed(naive_commands(rows, naive_out), tmp)
        assert len(list(naive_out.glob("*.html"))) == n
        pipelines = [("batch --jobs 1", ["--jobs", "1"]), (f"batch (default jobs = {env_jobs})", [])]
        if n == 1:  # one report runs alone whatever the jobs: the parallel pipeline would repeat the first
            pipelines = pipelines[:1]
        for label, jobs in pipelines:
            out = tmp / label.split()[1].replace("(", "")
            command = [str(BIN / "pmo-workbench"), "batch", str(manifest), "--out", str(out), "--force",
                       "--format", "html,ipynb", "--allow-outside", str(Path(rows[0]["responses"]).parent), *jobs]
            runs[label] = timed([command], tmp)
            produced = len(list(out.glob("*-positioning*.html")))
            assert produced == n, f"{label}: {produced} reports written, expected {n}"
    baseline = next(iter(runs.values()))[0] / n
    print(f"{n} positioning reports (HTML + executed notebook), {env_jobs} cores")
    print(f"{'pipeline':44} {'s/report':>9} {'speed-up':>9} {'peak memory':>12}")
    for label, (seconds, peak) in runs.items():
        per = seconds / n
        print(f"{label:44} {per:9.2f} {baseline / per:8.1f}x {peak / 2**20:9.0f} MiB")
    best = min(seconds for seconds, _ in runs.values()) / n
    print(f"speed-up: {baseline / best:.1f}x (naive {baseline:.2f} s/report, batch {best:.2f} s/report)")


if __name__ == "__main__":
    main()
