"""The local process pool: a report that takes its worker process down fails alone."""

from __future__ import annotations

import os

from pmo_workbench.reports import executors
from pmo_workbench.reports.execute import ReportOutcome
from pmo_workbench.reports.executors import LocalExecutor, RenderJob
from pmo_workbench.reports.spec import ReportSpec


def render_or_die(spec: ReportSpec, job: RenderJob) -> ReportOutcome:
    """Run in the pool's worker: the report named ``poison`` ends its worker process, as a crash would."""
    if spec.name == "poison":
        os._exit(1)
    return ReportOutcome(spec.name, spec.report, spec.organisation, None, "rendered")


def test_a_report_that_kills_its_worker_fails_alone_and_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "_render_in_worker", render_or_die)  # pickled by name: the workers import it
    names = ["alpha", "poison", "beta", "gamma", "delta"]
    todo = [ReportSpec("positioning", name.title(), None, {}, (), name) for name in names]
    job = RenderJob(tmp_path, tmp_path, ("html",), 60, "")
    with LocalExecutor(2) as executor:
        executor.start(len(todo))
        outcomes = {spec.name: outcome for spec, outcome in executor.run(todo, job)}
    assert sorted(outcomes) == sorted(names)  # each report once
    assert {n: o.status for n, o in outcomes.items()} == {**{n: "rendered" for n in names}, "poison": "failed"}
    assert outcomes["poison"].error.startswith("Poison: RuntimeError: the process rendering this report died, "
                                               "twice")
    assert executor._pools == []
