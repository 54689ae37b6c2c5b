"""A batch never loses a good report, never lets one report stop the others, and never records a report for
inputs it was not made from. The notebook run is replaced by a fake that stages files, so each case is cheap."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from pmo_workbench.errors import FileError
from pmo_workbench.reports import batch, publish
from pmo_workbench.reports.batch import code_fingerprint, run_batch
from pmo_workbench.reports.execute import ReportOutcome
from pmo_workbench.reports.spec import ReportSpec


def _spec(name: str, source: Path) -> ReportSpec:
    return ReportSpec("positioning", name.title(), None, {"responses": str(source)}, (str(source),), name)


class FakeRender:
    """Stands in for the notebook run: stages ``<name>.html`` and ``.ipynb`` holding the input file's text."""

    def __init__(self):
        self.calls: list[str] = []
        self.fail: dict[str, BaseException] = {}

    def __call__(self, spec, out_dir, work, formats, kernel_config, vega_js, cell_timeout):
        self.calls.append(spec.name)
        if spec.name in self.fail:
            error = self.fail[spec.name]
            environment = isinstance(error, OSError)
            return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "failed", error=str(error),
                                 environment=environment)
        text = Path(spec.inputs[0]).read_text(encoding="utf-8")
        staged = {}
        for fmt in formats:
            path = work / f"{spec.name}.{fmt}"
            path.write_text(f"{fmt}: {text}", encoding="utf-8")
            staged[fmt] = str(path)
        return ReportOutcome(spec.name, spec.report, spec.organisation, spec.pmo, "rendered", staged,
                             {"says": text}, 0)


@pytest.fixture
def fake(monkeypatch):
    render = FakeRender()
    monkeypatch.setattr(batch, "_render_notebook", render)
    monkeypatch.setattr(batch, "fork_supported", lambda: False)  # no kernel template: nothing runs a notebook
    monkeypatch.setattr(batch, "vega_bundle", lambda: "")
    return render


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    for name, text in (("alpha", "Strategic, 96.4"), ("beta", "Supportive, 41.0")):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def _run(inputs: Path, out: Path, *, force: bool = False):
    specs = [_spec(name, inputs / f"{name}.csv") for name in ("alpha", "beta")]
    result = run_batch(specs, out, ("html", "ipynb"), jobs=1, force=force, progress=False, index=True)
    return {o.name: o for o in result.outcomes}


def _html(out: Path, name: str) -> str:
    return (out / f"{name}.html").read_text(encoding="utf-8")


def _statuses(inputs: Path, out: Path, **kw) -> list[str]:
    return [o.status for o in _run(inputs, out, **kw).values()]


def test_unchanged_reports_are_skipped_and_force_new_inputs_or_a_lost_file_render_again(fake, inputs, tmp_path):
    out = tmp_path / "out"
    assert _statuses(inputs, out) == ["rendered", "rendered"]
    before = (out / "alpha.html").stat().st_mtime_ns
    again = _run(inputs, out)
    assert [o.status for o in again.values()] == ["unchanged", "unchanged"]
    assert (out / "alpha.html").stat().st_mtime_ns == before
    assert again["alpha"].records == {"says": "Strategic, 96.4"}  # the index keeps what the report recorded
    assert _statuses(inputs, out, force=True) == ["rendered", "rendered"]
    moved = tmp_path / "moved"  # the same bytes elsewhere: other parameters, so rendered again, then unchanged
    shutil.copytree(inputs, moved)
    assert _statuses(moved, out) == ["rendered", "rendered"]
    assert _statuses(moved, out) == ["unchanged", "unchanged"]
    (moved / "beta.csv").write_text("Controlling, 66.0", encoding="utf-8")
    assert _statuses(moved, out) == ["unchanged", "rendered"]
    (out / "alpha.html").unlink()
    assert _statuses(moved, out) == ["rendered", "unchanged"]
    assert fake.calls.count("alpha") == 4 and fake.calls.count("beta") == 4


def test_a_report_whose_input_changed_while_it_ran_is_rendered_again_next_time(fake, inputs, tmp_path, monkeypatch):
    out, original = tmp_path / "out", fake.__call__

    def render_then_change(spec, *args):
        outcome = original(spec, *args)
        if spec.name == "alpha":  # saved while alpha's report ran: alpha saw the old text, its record must not
            (inputs / "alpha.csv").write_text("Ad hoc, 19.1", encoding="utf-8")
        return outcome

    monkeypatch.setattr(batch, "_render_notebook", render_then_change)
    assert _statuses(inputs, out) == ["rendered", "rendered"]
    (inputs / "alpha.csv").write_text("Strategic, 96.4", encoding="utf-8")  # back to what the report shows
    monkeypatch.setattr(batch, "_render_notebook", fake)
    assert _statuses(inputs, out) == ["rendered", "unchanged"]  # not skipped on a record that was never true
    assert _statuses(inputs, out) == ["unchanged", "unchanged"]


def test_an_input_read_for_many_reports_is_hashed_once_per_batch_and_again_when_written(tmp_path):
    import hashlib

    shared = tmp_path / "shared.csv"
    shared.write_text("answers", encoding="utf-8")
    memo: dict = {}
    first = [batch.fingerprint(_spec(name, shared), ("html",), memo) for name in ("alpha", "beta", "gamma")]
    assert first == [batch.fingerprint(_spec(n, shared), ("html",)) for n in ("alpha", "beta", "gamma")]
    assert len(memo) == 2  # the shared file and the notebook, each hashed once
    assert hashlib.sha256(b"answers").digest() in memo.values()
    stat = shared.stat()
    shared.write_text("ANSWERS", encoding="utf-8")  # same size, and the old times put back
    os.utime(shared, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert batch.fingerprint(_spec("alpha", shared), ("html",), memo) != first[0]  # its ctime moved on


def test_a_full_disk_on_a_rerun_keeps_the_previous_report_and_the_others_go_on(fake, inputs, tmp_path):
    out = tmp_path / "out"
    _run(inputs, out)
    fake.fail["alpha"] = OSError(errno.ENOSPC, "No space left on device")
    second = _run(inputs, out, force=True)
    assert second["alpha"].status == "failed" and "No space left on device" in second["alpha"].error
    assert second["beta"].status == "rendered"
    assert _html(out, "alpha") == "html: Strategic, 96.4"  # the good report of the same inputs is still there
    del fake.fail["alpha"]
    third = _run(inputs, out)  # and its record too: nothing to render again
    assert third["alpha"].status == "unchanged"


def test_a_notebook_failure_on_unchanged_inputs_keeps_the_report_and_on_new_inputs_withdraws_it(fake, inputs,
                                                                                             tmp_path):
    out = tmp_path / "out"
    _run(inputs, out)
    fake.fail["alpha"] = RuntimeError("a cell timed out")
    assert _run(inputs, out, force=True)["alpha"].status == "failed"
    assert _html(out, "alpha") == "html: Strategic, 96.4"
    (inputs / "alpha.csv").write_text("Ad hoc, 18.1", encoding="utf-8")  # new inputs the notebook fails on
    assert _run(inputs, out)["alpha"].status == "failed"
    assert not (out / "alpha.html").exists()  # a report of the earlier inputs no longer passes for them


def test_a_report_that_cannot_be_replaced_fails_alone(fake, inputs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "alpha.html").mkdir()  # a folder in the way of the report
    (out / "alpha.html" / "keep.txt").write_text("mine", encoding="utf-8")
    outcomes = _run(inputs, out)
    assert outcomes["alpha"].status == "failed"
    assert "cannot write" in outcomes["alpha"].error and "alpha.html" in outcomes["alpha"].error
    assert outcomes["beta"].status == "rendered" and _html(out, "beta") == "html: Supportive, 41.0"
    assert (out / "alpha.html" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert not (out / "alpha.ipynb").exists()  # all of a report's files or none
    assert (out / "index.html").is_file()


def test_a_move_failing_halfway_puts_every_old_file_back(fake, inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _run(inputs, out)
    (inputs / "alpha.csv").write_text("Controlling, 70.0", encoding="utf-8")
    real = os.replace

    def flaky(src, dst):
        if str(dst).endswith("alpha.ipynb") and ".work-" in str(src):
            raise OSError(errno.EIO, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(publish.os, "replace", flaky)
    outcomes = _run(inputs, out)
    assert outcomes["alpha"].status == "failed" and outcomes["alpha"].environment
    assert _html(out, "alpha") == "html: Strategic, 96.4"
    assert (out / "alpha.ipynb").read_text(encoding="utf-8") == "ipynb: Strategic, 96.4"
    assert not list(out.glob(".*.previous"))
    monkeypatch.setattr(publish.os, "replace", real)
    assert _run(inputs, out)["alpha"].status == "rendered"  # the new inputs were never recorded: rendered now
    assert _html(out, "alpha") == "html: Controlling, 70.0"


def test_a_batch_killed_after_publishing_never_leaves_a_report_recorded_for_other_inputs(fake, inputs, tmp_path,
                                                                                        monkeypatch):
    out = tmp_path / "out"
    _run(inputs, out)  # alpha: "Strategic, 96.4"
    (inputs / "alpha.csv").write_text("Ad hoc, 18.1", encoding="utf-8")
    real = publish.save_entry

    def killed(out_dir, name, entry):
        if name == "alpha" and entry is not None:
            raise KeyboardInterrupt  # the files of the new inputs are in place; the batch dies before recording
        return real(out_dir, name, entry)

    monkeypatch.setattr(batch, "save_entry", killed)
    with pytest.raises(KeyboardInterrupt):
        _run(inputs, out)
    assert _html(out, "alpha") == "html: Ad hoc, 18.1"
    monkeypatch.setattr(batch, "save_entry", real)
    (inputs / "alpha.csv").write_text("Strategic, 96.4", encoding="utf-8")  # the inputs go back to their bytes
    assert _run(inputs, out)["alpha"].status == "rendered"
    assert _html(out, "alpha") == "html: Strategic, 96.4"


def test_state_from_an_earlier_version_is_read_once_and_moved_to_one_file_per_report(fake, inputs, tmp_path):
    out = tmp_path / "out"
    first = _run(inputs, out)
    legacy = {name: {**publish.entry_of(o, ("html", "ipynb"))} for name, o in first.items()}
    shutil.rmtree(out / publish.STATE_DIR)
    import json

    (out / publish.LEGACY_STATE_FILE).write_text(json.dumps(legacy), encoding="utf-8")
    again = _run(inputs, out)
    assert {o.status for o in again.values()} == {"unchanged"}
    assert not (out / publish.LEGACY_STATE_FILE).exists()
    assert len(list((out / publish.STATE_DIR).glob("*.json"))) == 2


def test_the_code_fingerprint_covers_modules_in_sub_packages(tmp_path):
    package = Path(batch.__file__).resolve().parents[1]
    copy = tmp_path / "pmo_workbench"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    templates = tmp_path / "templates"
    templates.mkdir()
    before = code_fingerprint(copy, templates)
    assert code_fingerprint(copy, templates) == before
    evm = copy / "portfolio" / "evm.py"
    evm.write_text(evm.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    assert code_fingerprint(copy, templates) != before


def test_a_code_change_renders_unchanged_inputs_again(fake, inputs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _run(inputs, out)
    assert {o.status for o in _run(inputs, out).values()} == {"unchanged"}
    monkeypatch.setattr(batch, "_code_fingerprint", lambda: "a fix in portfolio/evm.py")
    assert {o.status for o in _run(inputs, out).values()} == {"rendered"}


@pytest.mark.parametrize("in_the_way", ["index.html", ".pmo-workbench.lock"])
def test_a_folder_in_the_way_of_the_index_or_the_lock_is_a_file_error(fake, inputs, tmp_path, in_the_way):
    out = tmp_path / "out"
    (out / in_the_way).mkdir(parents=True)
    with pytest.raises(FileError, match=f"cannot (write|lock) .*{in_the_way}"):
        _run(inputs, out)


def test_a_file_the_consultant_edited_is_kept_under_a_new_name_never_replaced_or_removed(fake, inputs, tmp_path):
    out = tmp_path / "out"
    specs = [_spec("alpha", inputs / "alpha.csv")]
    run_batch(specs, out, ("html", "docx"), jobs=1, progress=False, index=False)
    (out / "alpha.docx").write_text("docx: edited by the consultant", encoding="utf-8")
    (inputs / "alpha.csv").write_text("Controlling, 70.2", encoding="utf-8")  # new answers: rendered again
    second = run_batch(specs, out, ("html", "docx"), jobs=1, progress=False, index=False).outcomes[0]
    kept = [Path(p) for p in second.kept]
    assert [p.name[:len("alpha.edited-")] for p in kept] == ["alpha.edited-"] and kept[0].suffix == ".docx"
    assert kept[0].read_text(encoding="utf-8") == "docx: edited by the consultant"
    assert (out / "alpha.docx").read_text(encoding="utf-8") == "docx: Controlling, 70.2"  # the new one in place
    # a run without docx withdraws the untouched Word document, as before, but never an edited one
    (out / "alpha.docx").write_text("docx: edited again", encoding="utf-8")
    third = run_batch(specs, out, ("html",), jobs=1, force=True, progress=False, index=False).outcomes[0]
    assert not (out / "alpha.docx").exists() and len(third.kept) == 1
    assert Path(third.kept[0]).read_text(encoding="utf-8") == "docx: edited again"
    fourth = run_batch(specs, out, ("html",), jobs=1, force=True, progress=False, index=False).outcomes[0]
    assert fourth.kept == () and (out / "alpha.html").is_file()  # the batch's own files are not edits


def test_a_batch_whose_kernel_template_cannot_start_says_so_and_renders_all(fake, inputs, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pmo_workbench.cli import app
    from pmo_workbench.errors import KernelStartError

    class NoTemplate:
        socket_path, ipc_dir = "", ""

        def __init__(self, warm=()):
            pass

        def start(self):
            pass

        def wait_ready(self):
            raise KernelStartError("the report kernel template did not start: not ready after 60 s")

        def close(self):
            pass

    monkeypatch.setattr(batch, "fork_supported", lambda: True)
    monkeypatch.setattr(batch, "KernelTemplate", NoTemplate)
    result = run_batch([_spec("alpha", inputs / "alpha.csv")], tmp_path / "out", ("html",), jobs=1, progress=False)
    assert [o.status for o in result.outcomes] == ["rendered"]
    assert result.notices == ("the report kernel template did not start: not ready after 60 s; the reports run in "
                              "ordinary kernels instead, each starting its own and reading its inputs itself (the "
                              "same reports, more slowly)",)
    monkeypatch.setattr(batch, "run_batch", lambda *args, **kwargs: result)
    (tmp_path / "m.csv").write_text("report,organisation,responses\npositioning,Alpha,inputs/alpha.csv\n",
                                    encoding="utf-8")
    shown = CliRunner().invoke(app, ["batch", str(tmp_path / "m.csv"), "--out", str(tmp_path / "out2")])
    assert f"note: {result.notices[0]}" in shown.stderr
