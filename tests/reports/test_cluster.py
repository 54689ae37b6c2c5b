"""Batches on a Dask cluster: a LocalCluster through the command line, separate scheduler and worker processes
with one worker killed mid-batch, and the errors that stop a batch before it starts (exit 2).

The reports are positioning reports of the tiny instrument on hand-made answers (five organisations), written as
HTML and the executed notebook.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_workbench import __version__
from pmo_workbench.cli import app
from pmo_workbench.errors import ClusterError
from pmo_workbench.reports import cluster as cluster_module
from pmo_workbench.reports.executors import ClusterTarget, parse_cluster
from pmo_workbench.reports.publish import STATE_DIR

from .test_reports import _answers, _write

runner = CliRunner()
ORGS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
MIXED = [("a", "executive"), ("b", "pmo_staff"), ("c", "project_manager")]
DASK = Path(sys.executable).with_name("dask")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, tiny_path) -> Path:
    folder = tmp_path_factory.mktemp("cluster-inputs")
    (folder / "tiny.yaml").write_text(tiny_path.read_text(encoding="utf-8"), encoding="utf-8")
    rows = []
    for n, org in enumerate(ORGS):
        level = 1 + n % 5
        rows += _answers(org, "PMO", MIXED, {"gov": level, "sup": 6 - level, "ppl": 3})
    _write(folder / "responses.csv", rows)
    broken = _answers("Broken", "PMO", MIXED, {"gov": 3, "sup": 3, "ppl": 3})
    broken[4][5] = 9  # off the 1-5 scale: the report fails when it runs
    _write(folder / "broken.csv", broken)
    _manifest(folder / "manifest.csv", [(org, "responses.csv") for org in ORGS])
    _manifest(folder / "with-broken.csv", [("Alpha", "responses.csv"), ("Broken", "broken.csv")])
    return folder


def _manifest(path: Path, rows: list[tuple[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["report", "organisation", "responses", "instrument"])
        writer.writerows(["positioning", org, responses, "tiny.yaml"] for org, responses in rows)
    return path


def _names(manifest: Path) -> set[str]:
    """The reports' file names, as a local batch of ``manifest`` names them."""
    from pmo_workbench.reports.batch import _unique_names
    from pmo_workbench.reports.manifest import read_manifest

    names = {spec.name for spec in _unique_names(read_manifest(manifest))}
    assert names == {f"{org.lower()}-positioning" for org in ORGS}
    return names


def _assert_complete(out: Path, names: set[str]) -> None:
    """Every report once as HTML and notebook, nothing else: no duplicate, no staging left, index complete."""
    files = sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
    assert files == sorted([*(f"{n}.html" for n in names), *(f"{n}.ipynb" for n in names), "index.html"])
    assert not [p for p in out.iterdir() if p.name.startswith(".work-")]
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp") or ".previous" in p.name]
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'href="{name}.html"' in index
        assert (out / f"{name}.html").stat().st_size > 10_000
        json.loads((out / f"{name}.ipynb").read_text(encoding="utf-8"))  # whole, not partial
    states = [json.loads(p.read_text(encoding="utf-8")) for p in (out / STATE_DIR).glob("*.json")]
    assert sorted(s["name"] for s in states) == sorted(names)
    assert {s["status"] for s in states} == {"rendered"}


# --- a LocalCluster ----------------------------------------------------------------------------

@pytest.mark.slow
def test_a_local_cluster_batch_writes_what_the_local_batch_writes_and_skips_unchanged_reports(inputs, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(out), "--cluster", "local:2",
                                 "--format", "html,ipynb"])
    assert result.exit_code == 0, result.output
    names = _names(inputs / "manifest.csv")
    _assert_complete(out, names)
    assert "5 rendered, 0 unchanged, 0 failed" in result.stderr
    assert "distributed" not in result.stderr  # Dask's own logging stays off the terminal
    # the notebooks ran with the manifest's parameters, each in its own organisation's name
    for org in ORGS:
        nb = json.loads((out / f"{org.lower()}-positioning.ipynb").read_text(encoding="utf-8"))
        assert nb["metadata"]["papermill"]["parameters"]["organisation"] == org
    # the second run starts no cluster at all: every report is unchanged
    again = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(out), "--cluster", "local:2",
                                "--format", "html,ipynb"])
    assert again.exit_code == 0, again.output
    assert "0 rendered, 5 unchanged, 0 failed" in again.stderr
    _assert_complete(out, names)


@pytest.mark.slow
def test_a_report_failing_on_the_cluster_fails_alone(inputs, tmp_path):

    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(inputs / "with-broken.csv"), "--out", str(out), "--cluster", "local:1",
                                 "--format", "html,ipynb"])
    assert result.exit_code == 1, result.output  # as the local batch gives for a failed report
    assert "1 rendered, 0 unchanged, 1 failed" in result.stderr
    assert "failed: Broken:" in result.stderr
    assert (out / "alpha-positioning.html").is_file() and (out / "alpha-positioning.ipynb").is_file()
    assert not (out / "broken-positioning.html").exists()
    # the failed notebook came back from the worker, kept for debugging as a local batch keeps it
    assert json.loads((out / "failed" / "broken-positioning.ipynb").read_text(encoding="utf-8"))["cells"]
    assert "executed notebook kept for debugging" in result.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="alpha-positioning.html"' in index and "Broken" in index
    # the LocalCluster went with the batch: no worker, template or kernel left behind
    deadline = time.monotonic() + 10
    while _cluster_children() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _cluster_children() == []


def _cluster_children() -> list[str]:
    import psutil

    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if any(mark in line for mark in ("spawn_main", "distributed", "ipykernel", "pmo_workbench.reports.kernels")):
            found.append(line)
    return found


# --- separate scheduler and workers, one killed ------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with log.open("w") as fh:
        return subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                start_new_session=True)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=10)


@pytest.mark.slow
def test_the_only_worker_killed_mid_batch_loses_no_report_and_publishes_none_twice(inputs, tmp_path):
    """One hand-started worker with its nanny, SIGKILLed while it runs a report (as the OOM killer would): the
    nanny starts another, and the scheduler runs the lost report and the waiting ones on it."""
    import psutil

    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    scheduler_file = tmp_path / "scheduler.json"
    started: list[subprocess.Popen] = []
    try:
        started.append(_start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file",
                                str(scheduler_file), "--no-dashboard"], tmp_path / "scheduler.log", env))
        deadline = time.monotonic() + 30
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(scheduler_file.read_text())["address"]
        nanny = _start([str(DASK), "worker", address, "--nworkers", "1", "--nthreads", "1", "--resources", "kernel=1",
                        "--no-dashboard", "--host", "127.0.0.1"], tmp_path / "worker.log", env)
        started.append(nanny)
        out = tmp_path / "out"
        batch = subprocess.Popen([sys.executable, "-m", "pmo_workbench", "batch", str(inputs / "manifest.csv"),
                                  "--out", str(out), "--cluster", address, "--format", "html,ipynb"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        started.append(batch)
        # when the first report is published, kill a worker that is running one (its kernel is a descendant)
        deadline = time.monotonic() + 90
        victim = None
        while victim is None and time.monotonic() < deadline and batch.poll() is None:
            published = list(out.glob("*-positioning.html")) if out.is_dir() else []
            busy = [w for w in _descendants(nanny.pid) if _running_a_report(w.pid)]
            if published and busy:
                victim = busy[0]
            else:
                time.sleep(0.05)
        assert victim is not None, "no report was published while a worker was busy"
        family = _descendants(victim.pid)
        assert any("pmo_workbench.reports.kernels" in " ".join(p.cmdline()) for p in family)
        os.kill(victim.pid, signal.SIGKILL)  # the worker only: its template and kernels must follow it
        stdout, stderr = batch.communicate(timeout=180)
        assert batch.returncode == 0, stderr
        assert "5 rendered, 0 unchanged, 0 failed" in stderr
        assert "Traceback" not in stderr and "distributed" not in stderr
        names = _names(inputs / "manifest.csv")
        _assert_complete(out, names)
        assert sorted(line for line in stdout.splitlines() if line.endswith(".html") and "index" not in line) == \
            sorted(str(out / f"{n}.html") for n in names)  # each report published once
        gone, alive = psutil.wait_procs(family, timeout=10)
        assert alive == [], [p.cmdline() for p in alive]
    finally:
        for proc in reversed(started):
            _kill_group(proc)


def _running_a_report(pid: int) -> bool:
    """Whether the worker ``pid`` runs a report now: its kernel template has forked a kernel."""
    for child in _descendants(pid):
        try:
            if "pmo_workbench.reports.kernels" in " ".join(child.cmdline()) and child.ppid() == pid:
                return bool(child.children())
        except Exception:  # noqa: BLE001 - a process that just ended
            continue
    return False


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


# --- errors before anything runs ---------------------------------------------------------------

@pytest.mark.slow
def test_an_unreachable_scheduler_is_one_line_and_exit_2(inputs, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 2.0)
    address = f"tcp://127.0.0.1:{_free_port()}"
    result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(tmp_path / "out"),
                                 "--cluster", address])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: cannot reach the Dask scheduler at {address}: the connection was refused (is the "
                     "scheduler running, on this port?)"]
    assert not list((tmp_path / "out").glob("*.html"))


@pytest.mark.parametrize("server", ["silent", "http", "worker"])
def test_an_address_that_is_not_a_dask_scheduler_is_refused_within_the_timeout(inputs, tmp_path, monkeypatch, server):
    """A server that accepts and stays silent, one speaking HTTP, and a Dask worker's own port: one line, exit 2."""
    import http.server
    import threading

    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 2.0)
    held: list = []
    if server == "silent":
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        threading.Thread(target=lambda: held.extend(listener.accept() for _ in range(4)), daemon=True).start()
        closer = listener.close
    elif server == "http":
        class Quiet(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        closer = httpd.shutdown
    else:
        from distributed import LocalCluster

        local = LocalCluster(n_workers=1, processes=False, protocol="tcp://", dashboard_address=None,
                             worker_dashboard_address=None, host="127.0.0.1")
        port = int(next(iter(local.scheduler_info["workers"])).rsplit(":", 1)[1])
        closer = local.close
    try:
        address = f"tcp://127.0.0.1:{port}"
        started = time.monotonic()
        result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(tmp_path / "out"),
                                     "--cluster", address])
        assert time.monotonic() - started < 15
    finally:
        closer()
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot reach the Dask scheduler at {address}: "), lines
    expected = {"silent": ("no answer as a Dask scheduler within 2 s",),
                "http": ("no answer as a Dask scheduler within 2 s", "answers as a server that is not Dask"),
                "worker": ("answers as a Dask worker",)}[server]
    assert any(text in lines[0] for text in expected), lines[0]
    assert not list((tmp_path / "out").glob("*.html"))


@pytest.mark.slow
def test_ctrl_c_on_a_local_cluster_batch_stops_it_quietly_and_leaves_nothing(inputs, tmp_path):
    """The terminal's SIGINT reaches the batch and the cluster's worker processes alike: the batch stops them
    within 5 s with its summary line, no traceback, no process and no staging left."""
    import psutil

    out = tmp_path / "out"
    batch = subprocess.Popen([sys.executable, "-m", "pmo_workbench", "batch", str(inputs / "manifest.csv"), "--out",
                              str(out), "--cluster", "local:1", "--format", "html,ipynb"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not (list(out.glob("*-positioning.html")) if out.is_dir() else []) and time.monotonic() < deadline:
            time.sleep(0.05)
        family = psutil.Process(batch.pid).children(recursive=True)
        os.killpg(batch.pid, signal.SIGINT)  # as the terminal sends it: to the whole group
        stdout, stderr = batch.communicate(timeout=5)  # the client stops within 5 s
    finally:
        _kill_group(batch)
    assert batch.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert re.fullmatch(r"stopped: \d+ rendered, \d+ not run", stderr.strip().splitlines()[-1]), stderr
    gone, alive = psutil.wait_procs(family, timeout=5)
    assert alive == [], [p.cmdline() for p in alive]
    assert not [p for p in out.iterdir() if p.name.startswith(".work-")]


@pytest.mark.parametrize("value", ["locall", "local:0", "local:two", "tcp://127.0.0.1", "http://host:8786",
                                   "tcp://host:99999", ""])
def test_a_malformed_cluster_value_is_refused_naming_what_is_accepted(inputs, tmp_path, value):
    result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(tmp_path / "out"),
                                 "--cluster", value])
    assert result.exit_code == 2, result.output
    assert "'local', 'local:N'" in result.stderr and "tcp://HOST:PORT" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cluster_values_that_are_accepted():
    assert parse_cluster("local") == ClusterTarget()
    assert parse_cluster("local:3") == ClusterTarget(workers=3)
    assert parse_cluster("tcp://10.0.0.5:8786") == ClusterTarget(address="tcp://10.0.0.5:8786")
    assert parse_cluster("tcp://sched-1.example.org:8786").address == "tcp://sched-1.example.org:8786"


def test_a_local_cluster_is_bounded_by_the_machines_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parse_cluster("local:8") == ClusterTarget(workers=8)
    with pytest.raises(ClusterError, match=r"this machine has 2 cores; a local cluster takes at most 8 workers"):
        parse_cluster("local:9")
    with pytest.raises(ClusterError, match="at most 8 workers"):
        parse_cluster("local:" + "9" * 30)


def test_cluster_and_jobs_together_are_refused(inputs, tmp_path):
    result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(tmp_path / "out"),
                                 "--cluster", "local:2", "--jobs", "2"])
    assert result.exit_code == 2
    assert "--jobs" in result.stderr and "--cluster" in result.stderr
    from pmo_workbench.reports.batch import run_batch

    with pytest.raises(ClusterError, match="--jobs"):
        run_batch([], tmp_path / "api", jobs=2, cluster="local")


def test_workers_running_another_version_are_refused():
    code = "a" * 64
    cluster_module.check_workers({"tcp://127.0.0.1:1": (__version__, code)}, __version__, code)  # the same: fine
    with pytest.raises(ClusterError) as info:
        cluster_module.check_workers({"tcp://127.0.0.1:1": (__version__, code), "tcp://127.0.0.1:2": ("0.0.9", code)},
                                     __version__, code)
    assert str(info.value).startswith(f"Dask worker tcp://127.0.0.1:2 runs pmo-workbench 0.0.9, this machine "
                                      f"{__version__}")
    with pytest.raises(ClusterError) as info:
        cluster_module.check_workers({"tcp://h:1": (__version__, "b" * 64), "tcp://h:2": (__version__, "c" * 64)},
                                     __version__, code)
    assert "tcp://h:1 (and 1 other worker)" in str(info.value)
    assert f"with other code (fingerprint {'b' * 12}, this machine {'a' * 12})" in str(info.value)
    ours = ("altair 6.0.0", "pandas 2.3.1")
    with pytest.raises(ClusterError) as info:
        cluster_module.check_workers({"tcp://h:1": (__version__, code, ("altair 5.4.0", "pandas 2.3.1"))},
                                     __version__, code, ours)
    assert str(info.value) == ("Dask worker tcp://h:1 runs altair 5.4.0, this machine altair 6.0.0: install the same "
                               "versions of these libraries on every worker (the same environment as this "
                               "machine's) and restart them")


def test_a_version_mismatch_stops_the_batch_with_exit_2(inputs, tmp_path, monkeypatch):
    class FakeClient:
        def run(self, function):
            return {"tcp://127.0.0.1:1": ("9.9.9", "f" * 64)}

    def connect(self, address):
        self.client = FakeClient()

    monkeypatch.setattr(cluster_module.DaskExecutor, "_connect", connect)
    monkeypatch.setattr(cluster_module.DaskExecutor, "_wait_for_workers", lambda self: None)
    result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(tmp_path / "out"),
                                 "--cluster", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == ("error: Dask worker tcp://127.0.0.1:1 runs pmo-workbench 9.9.9, this machine "
                                     f"{__version__}: install the same pmo-workbench on every worker and restart "
                                     "them")
    assert not list((tmp_path / "out").glob("*.html"))


def test_the_code_fingerprint_workers_compare_does_not_depend_on_where_the_package_is(tmp_path):
    import shutil

    from pmo_workbench.reports.batch import PACKAGE, code_fingerprint
    from pmo_workbench.resources import templates_dir

    copies = []
    for where in ("one", "two/deeper"):
        package = shutil.copytree(PACKAGE, tmp_path / where / "pmo_workbench",
                                  ignore=shutil.ignore_patterns("__pycache__", "_data"))
        copies.append((Path(package), Path(shutil.copytree(templates_dir(), tmp_path / where / "templates"))))
    prints = [cluster_module.portable_code_fingerprint(p, t) for p, t in copies]
    assert prints[0] == prints[1] == cluster_module.portable_code_fingerprint(PACKAGE, templates_dir())
    assert code_fingerprint(*copies[0]) != code_fingerprint(*copies[1])  # the batch's own key names the paths
    (copies[1][0] / "reports" / "batch.py").write_text("# changed\n", encoding="utf-8")
    assert cluster_module.portable_code_fingerprint(*copies[1]) != prints[0]


def test_a_worker_keeps_one_template_per_batch_inputs_and_restarts_it_for_others(monkeypatch):
    started: list[FakeTemplate] = []

    class FakeTemplate:
        def __init__(self, warm=()):
            self.warm, self.closed = warm, False
            self._proc = self
            started.append(self)

        def start(self):
            pass

        def wait_ready(self):
            pass

        def poll(self):
            return 0 if self.closed else None

        def close(self):
            self.closed = True

    monkeypatch.setattr(cluster_module, "KernelTemplate", FakeTemplate)
    monkeypatch.setattr(cluster_module, "_TEMPLATE", {})
    first = ({"kind": "responses", "path": "/data/a.csv"},)
    one = cluster_module.worker_template(first)
    assert cluster_module.worker_template(first) is one and len(started) == 1  # kept for the batch's reports
    other = cluster_module.worker_template(({"kind": "responses", "path": "/data/b.csv"},))
    assert other is not one and one.closed and not other.closed  # another batch's inputs: started afresh
    other.close()  # a template that died is started again
    again = cluster_module.worker_template(({"kind": "responses", "path": "/data/b.csv"},))
    assert again is not other and len(started) == 3
    cluster_module.close_templates()  # what the worker plugin's teardown does
    assert again.closed and cluster_module._TEMPLATE == {}


@pytest.mark.slow
def test_a_cluster_without_a_worker_able_to_run_reports_is_refused_with_exit_2(inputs, tmp_path, monkeypatch):
    from distributed import LocalCluster

    monkeypatch.setattr(cluster_module, "WORKER_TIMEOUT", 1.0)
    args = ["batch", str(inputs / "manifest.csv"), "--out", str(tmp_path / "out"), "--cluster"]
    with LocalCluster(n_workers=0, processes=False, protocol="tcp://", dashboard_address=None,
                      host="127.0.0.1") as empty:
        result = runner.invoke(app, [*args, empty.scheduler_address])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: the Dask scheduler at {empty.scheduler_address} has no worker (waited 1 s")
    assert "--resources kernel=1" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", dashboard_address=None,
                      host="127.0.0.1") as plain:  # a worker, but without the resource a report asks for
        result = runner.invoke(app, [*args, plain.scheduler_address])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (f"error: no Dask worker of {plain.scheduler_address} offers the 'kernel' "
                                     "resource a report needs: start the workers with --resources kernel=1")
    assert not list((tmp_path / "out").glob("*.html"))


def test_the_client_stages_only_the_formats_asked_for_under_their_own_names(tmp_path):
    from pmo_workbench.reports.execute import ReportOutcome
    from pmo_workbench.reports.executors import RenderJob
    from pmo_workbench.reports.spec import ReportSpec

    spec = ReportSpec("positioning", "Alpha", None, {}, (), "alpha-positioning")
    outcome = ReportOutcome(spec.name, spec.report, spec.organisation, None, "rendered")
    (tmp_path / "work").mkdir()
    job = RenderJob(tmp_path, tmp_path / "work", ("pdf", "ipynb"), 60, "")
    staged = cluster_module._receive(spec, outcome, {"html": b"<p>", "ipynb": b"{}"}, None, job)
    assert staged.status == "rendered"  # the HTML a PDF is printed from is asked for with pdf
    assert staged.files == {"html": str(tmp_path / "work" / "alpha-positioning.html"),
                            "ipynb": str(tmp_path / "work" / "alpha-positioning.ipynb")}
    stray = cluster_module._receive(spec, outcome, {"html": b"<p>", "../../escape": b"x"}, None, job)
    assert stray.status == "failed" and "did not ask for: ../../escape" in stray.error
    assert not list(tmp_path.rglob("escape*"))
    short = cluster_module._receive(spec, outcome, {"html": b"<p>"}, None, job)
    assert short.status == "failed" and short.error == "Alpha: a worker sent no ipynb file"
    # the names are the client's: a worker's answer cannot choose where its report is published
    renamed = ReportOutcome("../escaped", "other", "Evil", "pmo", "rendered")
    staged = cluster_module._receive(spec, renamed, {"html": b"<p>", "ipynb": b"{}"}, None, job)
    assert (staged.name, staged.report, staged.organisation, staged.pmo) == ("alpha-positioning", "positioning",
                                                                             "Alpha", None)
    odd = cluster_module._receive(spec, ReportOutcome("x", "x", "x", None, "weird"), {}, None, job)
    assert (odd.status, odd.error) == ("failed", "Alpha: a worker answered with an unknown status 'weird'")
    mute = cluster_module._receive(spec, ReportOutcome("x", "x", "x", None, "failed"), {}, None, job)
    assert (mute.status, mute.error) == ("failed", "Alpha: the report failed on a worker, which gave no reason")


def test_a_worker_clears_the_report_folders_of_workers_that_died(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster_module.tempfile, "gettempdir", lambda: str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folders = {name: tmp_path / f"pmo-report-{pid}-abc" for name, pid in
               (("dead", dead.pid), ("alive", os.getppid()), ("mine", os.getpid()))}
    folders["unnamed"] = tmp_path / "pmo-report-xyz123"
    for folder in folders.values():
        (folder / "work").mkdir(parents=True)
    cluster_module._clear_dead_workers_folders.__wrapped__()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for n, f in folders.items() if n != "dead")


def test_publish_moves_nothing_when_a_format_was_not_staged(tmp_path):
    from pmo_workbench.reports.execute import ReportOutcome
    from pmo_workbench.reports.publish import publish

    (tmp_path / "alpha.html").write_text("old page", encoding="utf-8")
    (tmp_path / "alpha.ipynb").write_text("old notebook", encoding="utf-8")
    (tmp_path / "new.html").write_text("new page", encoding="utf-8")
    outcome = ReportOutcome("alpha", "positioning", "Alpha", None, "rendered", {"html": str(tmp_path / "new.html")})
    published = publish(outcome, tmp_path, ("html", "ipynb"), keep_old=True)
    assert published.status == "failed" and "no ipynb file was made" in published.error
    assert (tmp_path / "alpha.html").read_text(encoding="utf-8") == "old page"
    assert (tmp_path / "alpha.ipynb").read_text(encoding="utf-8") == "old notebook"


def test_ctrl_c_while_publishing_brings_the_old_report_back_whole(tmp_path, monkeypatch):
    from pmo_workbench.reports import publish as publish_module
    from pmo_workbench.reports.execute import ReportOutcome

    for fmt in ("html", "ipynb"):
        (tmp_path / f"alpha.{fmt}").write_text(f"old {fmt}", encoding="utf-8")
        (tmp_path / f"new.{fmt}").write_text(f"new {fmt}", encoding="utf-8")
    outcome = ReportOutcome("alpha", "positioning", "Alpha", None, "rendered",
                            {fmt: str(tmp_path / f"new.{fmt}") for fmt in ("html", "ipynb")})
    real, moves = os.replace, []

    def interrupted(source, target):
        moves.append(Path(target).name)
        if len(moves) == 4:  # both old files moved aside, the new HTML in place: Ctrl-C before the notebook
            raise KeyboardInterrupt
        real(source, target)

    monkeypatch.setattr(publish_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish_module.publish(outcome, tmp_path, ("html", "ipynb"), keep_old=True)
    monkeypatch.setattr(publish_module.os, "replace", real)
    assert {p.name: p.read_text(encoding="utf-8") for p in tmp_path.glob("alpha*")} == {
        "alpha.html": "old html", "alpha.ipynb": "old ipynb"}
    assert not list(tmp_path.glob(".*previous"))
