"""Report rendering speed: the naive pipeline against the batch, on a process pool and on a Dask cluster, in one run.

The reports: positioning reports of distinct organisations, each compared with
the demo's synthetic benchmark pool, written as HTML and the executed notebook.
The seven sample organisations are cloned under new names (``Quillmere Events
#2``...) into one responses file until there are ``--reports`` of them (100
by default), so that every report is of its own organisation.

- ``naive`` (the baseline): per report, the ``papermill`` command, then
  ``jupyter nbconvert --to html --no-input`` (what a user would script by
  hand), on the first ``--naive`` reports (6 by default), one report after
  another, as the issue that set the 10x target measured it. Every report pays
  for two program starts, a kernel start, importing pandas, altair and scipy in
  that kernel, reading the responses and the pool, and starting the chart
  converter. The naive reports read a responses file of their own
  organisations only (the batch's holds all ``--reports`` of them);
- ``naive, N at a time``: the same commands with one report per core running
  at once, so that the batch's use of every core is not counted as its own
  gain: the ratio to it is the batch's saving per core-second;
- ``batch``: ``pmo-workbench batch`` (its process pool, the default number of
  jobs: one per core);
- ``batch --cluster local:2``: the same batch on a Dask ``LocalCluster`` of two
  workers, each with its own warm kernel template.

Both batch runs use ``--force`` so nothing is skipped, and must write one HTML
file and one executed notebook per report. Peak memory is the largest sum of the
proportional set size (PSS: memory shared between processes, such as the pages
every forked kernel shares with its template, split between them) of the command
and all its child processes (kernels, workers), sampled every 200 ms.

Then the cost of one report, split: ``--split`` reports (8 by default) rendered
one at a time in this process with each step timed: the kernel (start, papermill,
stop: the notebook's run less its cells), the cells, the charts' SVG, the HTML
page, writing the notebook, and the PDF (when Chromium is installed). Run::

    .venv/bin/python benchmarks/bench_reports.py [--reports 100] [--naive 6] [--split 8]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import psutil
import yaml

from pmo_workbench.reports.spec import demo_specs, notebook_path

BIN = Path(sys.executable).parent
NAIVE = "naive (papermill + nbconvert commands)"


def responses_of(count: int, folder: Path) -> tuple[Path, list[str]]:
    """A responses file of ``count`` organisations: the samples, then copies of them under new names."""
    import pandas as pd

    sample = pd.read_csv(demo_specs()[0].parameters["responses"], dtype=str, keep_default_na=False)
    names = list(dict.fromkeys(sample["organisation"]))
    parts, chosen = [], []
    for n in range(count):
        original = names[n % len(names)]
        name = original if n < len(names) else f"{original} #{n // len(names) + 1}"
        part = sample[sample["organisation"] == original].copy()
        part["organisation"] = name
        part["respondent"] = part["respondent"] + ("" if n < len(names) else f"-{n // len(names) + 1}")
        parts.append(part)
        chosen.append(name)
    path = folder / "responses.csv"
    pd.concat(parts).to_csv(path, index=False)
    return path, chosen


class PeakMemory:
    """Largest summed PSS of a process and its descendants while it runs."""

    def __init__(self, pid: int, *, children_only: bool = False):
        self.root = psutil.Process(pid)
        self.children_only = children_only
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [*([] if self.children_only else [self.root]), *self.root.children(recursive=True)]:
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


def naive_commands(responses: Path, organisations: list[str], pool: str, out: Path) -> list[list[list[str]]]:
    """Per report, its two commands: papermill, then nbconvert."""
    reports = []
    for n, organisation in enumerate(organisations):
        params = {"responses": str(responses), "organisation": organisation, "benchmark": pool}
        executed = out / f"report-{n}.ipynb"
        reports.append([[str(BIN / "papermill"), str(notebook_path("positioning")), str(executed),
                         "-k", "python3", "-y", yaml.safe_dump(params), "--no-progress-bar"],
                        [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)]])
    return reports


def timed_at_once(reports: list[list[list[str]]], cwd: Path, jobs: int) -> tuple[float, int]:
    """Run the naive reports ``jobs`` at a time (each one's commands in order); seconds in all and the peak
    memory of the commands running together (this process left out)."""
    import concurrent.futures

    def one(commands: list[list[str]]) -> None:
        for command in commands:
            done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command[:3])} failed ({done.returncode}):\n{done.stderr[-2000:]}")

    watch = PeakMemory(os.getpid(), children_only=True)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for future in [pool.submit(one, commands) for commands in reports]:
            future.result()
    return time.perf_counter() - started, watch.stop()


def cost_split(manifest: Path, folder: Path, count: int) -> tuple[dict[str, float], int, bool]:
    """Seconds per report of each step, over ``count`` reports rendered one at a time in this process."""
    import pmo_workbench.reports.batch as batch
    from pmo_workbench.reports.manifest import read_manifest
    from pmo_workbench.reports.pdf import PdfPrinter, pdf_problem

    seconds: dict[str, float] = defaultdict(float)

    def wrap(owner, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed_call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - started

        setattr(owner, name, timed_call)

    wrap(batch, "execute", "notebook run")
    wrap(batch, "add_chart_svgs", "chart SVGs")
    wrap(batch, "export_html", "HTML page")
    wrap(batch.nbformat, "writes", "notebook file")
    wrap(PdfPrinter, "print_pdf", "PDF")
    pdf = pdf_problem() is None
    from pmo_workbench.reports.records import chart_svg

    chart_svg({"mark": "point"})  # the chart converter's start, once per worker in a batch: not a report's cost
    specs = read_manifest(manifest, allowed=(folder,))[:count]
    out = folder / "split"
    formats = ("html", "ipynb", "pdf") if pdf else ("html", "ipynb")
    batch.run_batch(specs, out, formats, jobs=1, force=True, progress=False, index=False)
    cells = 0.0
    for spec in specs:
        nb = json.loads((out / f"{spec.name}.ipynb").read_text(encoding="utf-8"))
        cells += sum(c.get("metadata", {}).get("papermill", {}).get("duration") or 0 for c in nb["cells"])
    seconds["kernel"] = seconds.pop("notebook run") - cells
    seconds["cells"] = cells
    order = ["kernel", "cells", "chart SVGs", "HTML page", "notebook file", "PDF"]
    return {k: seconds[k] / len(specs) for k in order if k in seconds}, len(specs), pdf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100, help="reports in each batch run (default 100)")
    parser.add_argument("--naive", type=int, default=6, help="reports of the naive baseline (default 6)")
    parser.add_argument("--split", type=int, default=8, help="reports timed step by step (default 8; 0: none)")
    args = parser.parse_args()
    if args.reports < 1 or args.naive < 1 or args.split < 0:
        parser.error("--reports and --naive must be at least 1, --split at least 0")
    n = args.reports
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        tmp = Path(tmp)
        pool = str(shutil.copy(demo_specs()[0].parameters["benchmark"], tmp / "benchmark_pool.csv"))
        responses, organisations = responses_of(max(n, args.split), tmp)
        (tmp / "naive-in").mkdir()
        naive_responses, naive_organisations = responses_of(args.naive, tmp / "naive-in")
        manifest = tmp / "manifest.csv"
        with manifest.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["report", "organisation", "responses", "benchmark"])
            writer.writeheader()
            writer.writerows({"report": "positioning", "organisation": o, "responses": str(responses),
                              "benchmark": pool} for o in organisations[:n])
        runs: dict[str, tuple[int, float, int]] = {}
        naive = naive_commands(naive_responses, naive_organisations, pool, tmp / "naive")
        (tmp / "naive").mkdir()
        seconds, peak = timed([command for commands in naive for command in commands], tmp)
        assert len(list((tmp / "naive").glob("*.html"))) == args.naive
        runs[NAIVE] = (args.naive, seconds, peak)
        both = naive_commands(naive_responses, naive_organisations, pool, tmp / "naive-at-once")
        (tmp / "naive-at-once").mkdir()
        at_once = min(cores, args.naive)
        seconds, peak = timed_at_once(both, tmp, at_once)
        assert len(list((tmp / "naive-at-once").glob("*.html"))) == args.naive
        runs[f"naive, {at_once} report{'s' if at_once > 1 else ''} at a time"] = (args.naive, seconds, peak)
        for label, extra in ((f"batch (process pool, {cores} jobs)", []),
                             ("batch --cluster local:2 (Dask)", ["--cluster", "local:2"])):
            out = tmp / ("cluster" if extra else "pool")
            command = [str(BIN / "pmo-workbench"), "batch", str(manifest), "--out", str(out), "--force",
                       "--format", "html,ipynb", *extra]
            seconds, peak = timed([command], tmp)
            for suffix in ("html", "ipynb"):
                produced = len(list(out.glob(f"*-positioning.{suffix}")))
                assert produced == n, f"{label}: {produced} .{suffix} files written, expected {n}"
            runs[label] = (n, seconds, peak)
        split = cost_split(manifest, tmp, args.split) if args.split else None
    baseline = runs[NAIVE][1] / args.naive
    at_once = list(runs.values())[1]
    parallel = at_once[1] / at_once[0]
    print(f"Positioning reports (HTML + executed notebook), {cores} cores; baseline: the naive pipeline, one report "
          "at a time")
    print(f"{'pipeline':42} {'reports':>7} {'s/report':>9} {'vs naive':>9} {'vs naive N':>11} {'peak memory':>12}")
    for label, (count, seconds, peak) in runs.items():
        per = seconds / count
        print(f"{label:42} {count:7d} {per:9.2f} {baseline / per:8.1f}x {parallel / per:10.1f}x "
              f"{peak / 2**20:8.0f} MiB")
    best = min(seconds / count for count, seconds, _ in list(runs.values())[2:])
    print(f"speed-up: {baseline / best:.1f}x against the naive pipeline one report at a time (target 10x; naive "
          f"{baseline:.2f} s/report, best batch {best:.2f} s/report); {parallel / best:.1f}x against it with "
          f"{min(cores, args.naive)} at a time ({parallel:.2f} s/report), the batch's saving per core")
    if split:
        costs, count, pdf = split
        total = sum(costs.values())
        print(f"\nOne report's cost, step by step ({count} reports one at a time in one process"
              f"{'' if pdf else '; no PDF: Chromium is not installed'}):")
        for step, value in costs.items():
            print(f"  {step:14} {value:6.2f} s  {100 * value / total:4.0f}%")
        print(f"  {'in all':14} {total:6.2f} s")


if __name__ == "__main__":
    main()
