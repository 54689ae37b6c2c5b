"""Stopping a batch: Ctrl-C (SIGINT to the process group, as a terminal sends it) and ``kill`` (SIGTERM) stop it
at once with 130 or 143 and ``stopped: N rendered, M not run``, keep what was published, and leave no process;
a batch killed outright (SIGKILL) leaves none either, and the next batch into its folder runs.

The unit tests replace the notebook run by a fake; the three ``slow`` ones run a real batch of 12 reports in a
subprocess of its own session and signal it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmo_workbench.reports import batch
from pmo_workbench.reports.batch import BatchResult, BatchStopped, _Stop, run_batch
from pmo_workbench.reports.execute import ReportOutcome
from pmo_workbench.reports.publish import STATE_DIR, load_state
from pmo_workbench.reports.spec import ReportSpec
from pmo_workbench.resources import examples_dir

from . import test_batch_safety as safety

fake, inputs = safety.fake, safety.inputs  # the fake notebook run and its input files


def _outcome(name: str, status: str) -> ReportOutcome:
    return ReportOutcome(name, "positioning", name.title(), None, status)


# --- cheap: the summary, the signal handling, the state ------------------------------------------

def test_the_summary_names_what_was_rendered_and_what_was_not_run():
    done = BatchResult((_outcome("a", "rendered"), _outcome("b", "rendered")), None, 1.0)
    assert BatchStopped(signal.SIGINT, done, 12).summary() == "stopped: 2 rendered, 12 not run"
    assert BatchStopped(signal.SIGINT, done, 12).exit_code == 130
    assert BatchStopped(signal.SIGTERM, None, 3).summary() == "stopped: 0 rendered, 3 not run"
    assert BatchStopped(signal.SIGTERM).exit_code == 143
    mixed = BatchResult((_outcome("a", "rendered"), _outcome("b", "unchanged"), _outcome("c", "failed")), None, 1.0)
    assert BatchStopped(signal.SIGINT, mixed, 4).summary() == "stopped: 1 rendered, 4 not run (1 unchanged, 1 failed)"
    assert isinstance(BatchStopped(signal.SIGINT), KeyboardInterrupt)  # code that does not know it stops as on Ctrl-C


def test_a_signal_while_a_report_is_published_waits_for_it_and_a_second_one_stops_at_once(monkeypatch):
    stop = _Stop()
    with pytest.raises(BatchStopped) as info:
        with stop.publishing():
            stop._handle(signal.SIGTERM, None)  # deferred: the report's files and state are put in place first
            done = True
    assert done and info.value.signum == signal.SIGTERM
    ended = []
    monkeypatch.setattr(stop, "at_once", lambda signum: ended.append(signum) or (_ for _ in ()).throw(SystemExit))
    with pytest.raises(SystemExit):
        stop._handle(signal.SIGINT, None)
    assert ended == [signal.SIGINT]


def test_a_hang_up_stops_a_batch_and_a_signal_it_was_started_ignoring_stays_ignored():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under nohup, or in a shell's background job
    try:
        with pytest.raises(BatchStopped) as info:
            with _Stop():
                assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # Ctrl-C there is not the batch's
                assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_DFL, signal.SIG_IGN)
                os.kill(os.getpid(), signal.SIGHUP)  # the terminal closed
                time.sleep(5)  # interrupted: the signal's handler raises here
        assert (info.value.signum, info.value.exit_code) == (signal.SIGHUP, 129)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN and signal.getsignal(signal.SIGHUP) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGINT, previous)


def test_ctrl_c_while_the_command_starts_is_a_word_not_a_traceback(monkeypatch, capsys):
    import importlib

    from pmo_workbench import __main__

    app = importlib.import_module("pmo_workbench.cli.app")  # the module (the package's ``app`` is the command)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(app, "main", interrupted)  # Ctrl-C while the commands are imported
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as info:
            __main__.main()
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert info.value.code == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_a_stopped_batch_keeps_every_published_report_and_its_state_and_no_work_folder(fake, inputs, tmp_path,
                                                                                        monkeypatch):
    names = ["alpha", "beta", "gamma", "delta"]
    for name in names[2:]:
        (inputs / f"{name}.csv").write_text(name, encoding="utf-8")
    specs = [ReportSpec("positioning", n.title(), None, {}, (str(inputs / f"{n}.csv"),), n) for n in names]
    render = fake.__call__

    def stop_at_gamma(spec, *args):
        if spec.name == "gamma":
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the third report runs
            time.sleep(5)  # interrupted: the signal's handler raises here
        return render(spec, *args)

    monkeypatch.setattr(batch, "_render_notebook", stop_at_gamma)
    out = tmp_path / "out"
    with pytest.raises(BatchStopped) as info:
        run_batch(specs, out, ("html",), jobs=1, progress=False)
    stopped = info.value
    assert (stopped.signum, stopped.not_run) == (signal.SIGINT, 2)
    assert [(o.name, o.status) for o in stopped.result.outcomes] == [("alpha", "rendered"), ("beta", "rendered")]
    assert stopped.summary() == "stopped: 2 rendered, 2 not run"
    assert sorted(load_state(out)) == ["alpha", "beta"]
    assert sorted(p.name for p in out.iterdir()) == [".pmo-workbench-batch", ".pmo-workbench.lock", "alpha.html",
                                                     "beta.html"]  # no index, no work folder, nothing of gamma
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the batch's handlers are gone


def test_the_next_batch_clears_the_work_folder_of_a_batch_killed_outright(fake, inputs, tmp_path):
    out = tmp_path / "out"
    (out / ".work-abc123").mkdir(parents=True)
    (out / ".work-abc123" / "alpha.html").write_text("half", encoding="utf-8")
    run_batch([ReportSpec("positioning", "Alpha", None, {}, (str(inputs / "alpha.csv"),), "alpha")], out,
              ("html",), jobs=1, progress=False)
    assert not list(out.glob(".work-*")) and (out / "alpha.html").is_file()


def test_the_next_batch_puts_back_the_old_files_a_batch_killed_while_publishing_had_moved_aside(fake, inputs,
                                                                                                  tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".beta.html.previous").write_text("beta, last week", encoding="utf-8")  # its new file never came
    (out / ".alpha.html.previous").write_text("alpha, last week", encoding="utf-8")  # its new file came
    (out / "alpha.html").write_text("alpha, this week", encoding="utf-8")
    (out / ".notes.txt.previous").write_text("the user's", encoding="utf-8")  # not a report's: left alone
    run_batch([], out, ("html",), jobs=1, progress=False, index=False)
    assert (out / "beta.html").read_text(encoding="utf-8") == "beta, last week"
    assert (out / "alpha.html").read_text(encoding="utf-8") == "alpha, this week"
    assert sorted(p.name for p in out.glob(".*.previous")) == [".notes.txt.previous"]


# --- a real batch in a subprocess ---------------------------------------------------------------

REPORTS = 12


@pytest.fixture
def manifest(tmp_path):
    source = (examples_dir() / "pmo_responses.csv").read_text(encoding="utf-8").splitlines()
    kept = [source[0]] + [line for line in source[1:] if line.startswith("Quillmere Events,")]
    (tmp_path / "answers.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    path = tmp_path / "m.csv"
    path.write_text("report,organisation,responses,name\n" + "".join(
        f"positioning,Quillmere Events,answers.csv,r{n:02d}\n" for n in range(REPORTS)), encoding="utf-8")
    return path


def _start(manifest: Path, out: Path, jobs: int = 2) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pmo_workbench", "batch", str(manifest), "--out", str(out),
                             "--jobs", str(jobs), "--format", "ipynb"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _family_when_busy(proc: subprocess.Popen, out: Path) -> list:
    """The batch's processes once its first report is published and the next are running (at most 90 s)."""
    import psutil

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not list(out.glob("r*.ipynb")):
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    assert list(out.glob("r*.ipynb")), "no report was published in 90 s"
    family = psutil.Process(proc.pid).children(recursive=True)
    assert len(family) >= 3  # forkserver, workers, template, kernels...
    return family


def _alive_after(family: list, seconds: float = 5.0) -> list[str]:
    import psutil

    _gone, alive = psutil.wait_procs(family, timeout=seconds)
    return [" ".join(p.cmdline())[:100] for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_stops_a_batch_of_a_dozen_reports_at_once_and_leaves_no_process(manifest, tmp_path, signum, code):
    out = tmp_path / "out"
    proc = _start(manifest, out)
    try:
        family = _family_when_busy(proc, out)
        if signum != signal.SIGTERM:
            os.killpg(proc.pid, signum)  # as a terminal's Ctrl-C, or the terminal closed: the whole process group
        else:
            proc.send_signal(signal.SIGTERM)  # as kill: the batch alone
        stdout, stderr = proc.communicate(timeout=5)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    last = stderr.strip().splitlines()[-1]
    rendered = len(list(out.glob("r*.ipynb")))
    assert last == f"stopped: {rendered} rendered, {REPORTS - rendered} not run", stderr
    assert 1 <= rendered < REPORTS
    assert sorted(Path(p).name for p in stdout.split()) == sorted(p.name for p in out.glob("r*.ipynb"))
    assert _alive_after(family) == []
    assert sorted(load_state(out)) == sorted(p.stem for p in out.glob("r*.ipynb"))
    assert not list(out.glob(".work-*")) and not list(out.glob("*.run.ipynb")) and not (out / "index.html").exists()


@pytest.mark.slow
def test_a_batch_killed_outright_leaves_no_process_and_the_next_one_takes_its_folder(manifest, tmp_path):
    out = tmp_path / "out"
    proc = _start(manifest, out)
    try:
        family = _family_when_busy(proc, out)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=5)
        assert _alive_after(family) == []  # workers, forkserver, resource tracker, template, kernels
    finally:
        for child in family:
            child.kill() if child.is_running() else None
    proc.stdout.close()
    proc.stderr.close()
    (manifest.parent / "one.csv").write_text(manifest.read_text(encoding="utf-8").splitlines()[0] + "\n"
                                             + manifest.read_text(encoding="utf-8").splitlines()[-1] + "\n",
                                             encoding="utf-8")
    again = subprocess.run([sys.executable, "-m", "pmo_workbench", "batch", str(manifest.parent / "one.csv"),
                            "--out", str(out), "--jobs", "1", "--format", "ipynb"], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert again.stderr.strip().splitlines()[-1].startswith("1 rendered, 0 unchanged, 0 failed")
    assert (out / f"r{REPORTS - 1:02d}.ipynb").is_file() and not list(out.glob(".work-*"))
    assert (out / STATE_DIR).is_dir()
