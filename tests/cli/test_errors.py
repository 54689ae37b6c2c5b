"""One error handler for every command: one line per problem, exit 2 for what the user gave, 1 for the machine,
no traceback unless --debug; -h and --version on every command; --cell-timeout reaches the engine."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_workbench import __version__
from pmo_workbench._io import write_text
from pmo_workbench.cli import app, main
from pmo_workbench.resources import examples_dir

runner = CliRunner()
SAMPLE = examples_dir() / "pmo_responses.csv"
COMMANDS = [[], ["instruments"], ["validate"], ["score"], ["template"], ["template", "responses"], ["report"],
            ["report", "positioning"], ["report", "portfolio"], ["portfolio"], ["batch"], ["demo"], ["store"],
            ["store", "init"], ["store", "import"], ["store", "export"], ["store", "list"], ["lab"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "(root)")
def test_every_command_answers_h_and_version(command, capsys):
    result = runner.invoke(app, [*command, "-h"])
    assert result.exit_code == 0 and "Usage:" in result.output
    with pytest.raises(SystemExit) as done:
        main([*command, "--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"pmo-workbench {__version__}\n"


def _lines(result) -> list[str]:
    return result.stderr.strip().splitlines()


def test_an_output_path_the_system_refuses_is_one_line_with_exit_2(tmp_path):
    result = runner.invoke(app, ["score", str(SAMPLE), "--out", "/proc/no-such-folder/scores.txt"])
    assert result.exit_code == 2
    (line,) = _lines(result)
    assert line.startswith("error: cannot write /proc/no-such-folder/scores.txt: ")
    parent = tmp_path / "a-file"
    parent.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["score", str(SAMPLE), "--out", str(parent / "scores.txt")])
    assert (result.exit_code, _lines(result)) == (2, [f"error: --out {parent / 'scores.txt'}: {parent} is a file, "
                                                      "not a folder"])


def test_a_full_disk_is_one_line_with_exit_1_and_leaves_no_half_file(tmp_path, monkeypatch):
    import pmo_workbench._io as io_module

    def full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(src))

    monkeypatch.setattr(io_module.os, "replace", full)
    out = tmp_path / "scores.json"
    result = runner.invoke(app, ["score", str(SAMPLE), "--format", "json", "--out", str(out)])
    assert (result.exit_code, _lines(result)) == (1, [f"error: cannot write {out}: No space left on device"])
    assert list(tmp_path.iterdir()) == []  # no target, no temporary file left behind


def test_an_unexpected_error_is_one_line_and_its_traceback_only_shows_with_debug(monkeypatch):
    from pmo_workbench.cli import assess as assess_commands

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(assess_commands, "assess", broken)
    result = runner.invoke(app, ["score", str(SAMPLE)])
    assert result.exit_code == 1
    (line,) = _lines(result)
    assert line.startswith("error: RuntimeError: something nobody foresaw (an internal error; run again with --debug")
    assert "Traceback" not in result.output
    debug = runner.invoke(app, ["--debug", "score", str(SAMPLE)])
    assert isinstance(debug.exception, RuntimeError)


def test_write_text_refuses_a_folder_in_the_way_without_touching_it(tmp_path):
    from pmo_workbench.errors import FileError

    (tmp_path / "index.html").mkdir()
    with pytest.raises(FileError, match="cannot write .*index.html: Is a directory"):
        write_text(tmp_path / "index.html", "<html>")
    assert (tmp_path / "index.html").is_dir() and os.listdir(tmp_path) == ["index.html"]


@pytest.mark.parametrize("encoding, expected", [("utf-16", "UTF-16"), ("utf-8", "tab-delimited")])
def test_unreadable_encodings_and_delimiters_are_named(tmp_path, encoding, expected):
    text = "organisation\tpmo\trespondent\trole\titem\tvalue\nO\tP\tR1\texecutive\tMAN1\t4\n"
    path = tmp_path / "answers.csv"
    path.write_bytes(text.encode(encoding) if encoding == "utf-16" else text.encode())
    if encoding == "utf-16":
        path.write_bytes(text.replace("\t", ",").encode("utf-16"))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and expected in result.stderr


@pytest.mark.parametrize("command", [
    ["report", "positioning", "--responses", str(SAMPLE), "--organisation", "Vantellis Insurance Group"],
    ["demo"],
])
def test_cell_timeout_reaches_the_engine(command, tmp_path, monkeypatch):
    from pmo_workbench.reports import batch
    from pmo_workbench.reports.batch import BatchResult

    seen = {}

    def fake_run(specs, out, formats, **kwargs):
        seen.update(kwargs)
        return BatchResult((), None, 0.0)

    monkeypatch.setattr(batch, "run_batch", fake_run)
    result = runner.invoke(app, [*command, "--out", str(tmp_path / "out"), "--cell-timeout", "42",
                                 "--format", "html"])
    assert result.exit_code == 0, result.output
    assert seen["cell_timeout"] == 42


def test_cell_timeout_must_be_positive(tmp_path):
    result = runner.invoke(app, ["batch", str(tmp_path / "m.csv"), "--out", str(tmp_path), "--cell-timeout", "0"])
    assert result.exit_code == 2


def test_the_batch_manifest_may_allow_folders_outside_its_own(tmp_path):
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"report,organisation,responses\npositioning,Vantellis Insurance Group,{SAMPLE}\n",
                        encoding="utf-8")
    refused = runner.invoke(app, ["batch", str(manifest), "--out", str(tmp_path / "out")])
    assert refused.exit_code == 2 and "--allow-outside" in refused.stderr
    assert not (tmp_path / "out").exists()


def test_an_input_that_is_a_folder_says_so(tmp_path):
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder, not a file" in result.stderr
    assert Path(tmp_path).is_dir()


def test_pdf_without_the_pdf_extra_names_the_extra(monkeypatch, tmp_path):
    import importlib.util

    from pmo_workbench.reports import pdf

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else real(name, *a))
    assert pdf.pdf_problem() == ("PDF printing needs the 'pdf' extra (playwright is not installed): "
                                 "pip install 'pmo-workbench[pdf]'")


def test_validate_names_the_sheet_it_read(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Old answers"
    book.active.sheet_state = "hidden"
    sheet = book.create_sheet("Survey")
    sheet.append(["organisation", "pmo", "respondent", "role", "item", "value"])
    sheet.append(["Org", "PMO", "R1", "executive", "MAN1", 4])
    book.save(tmp_path / "answers.xlsx")
    result = runner.invoke(app, ["validate", str(tmp_path / "answers.xlsx")])
    assert result.exit_code == 0 and result.stdout.startswith(f"{tmp_path / 'answers.xlsx'}[Survey]: valid")


def test_out_never_replaces_a_pipe_and_writes_through_a_symlink(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["score", str(SAMPLE), "--format", "csv", "--out", str(fifo)])
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert fifo.is_fifo() and [p.name for p in tmp_path.iterdir()] == ["pipe.csv"]
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = runner.invoke(app, ["score", str(SAMPLE), "--format", "csv", "--out", str(link)])
    assert result.exit_code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("organisation,pmo,")


def test_an_input_that_is_a_pipe_says_so(tmp_path):
    fifo = tmp_path / "answers.csv"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["validate", str(fifo)])
    assert result.exit_code == 2 and "is not a regular file" in result.stderr
