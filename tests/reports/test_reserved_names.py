"""Names a batch writes into its output folder itself (the index, failed/, its state and lock) are refused as report
names before anything runs, in a CSV or YAML manifest, given or made from the name given, in any letter case."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError, ReportParameterError
from pmo_workbench.reports import read_manifest, run_batch
from pmo_workbench.reports.publish import RESERVED_NAMES, reserved_name
from pmo_workbench.reports.spec import ReportSpec
from pmo_workbench.resources import examples_dir

runner = CliRunner()
ORG = "Quillmere Events"


@pytest.fixture
def folder(tmp_path):
    shutil.copy(examples_dir() / "pmo_responses.csv", tmp_path / "answers.csv")
    return tmp_path


def _csv(folder, names):
    path = folder / "m.csv"
    path.write_text("report,organisation,responses,name\n"
                    + "".join(f"positioning,{ORG},answers.csv,{name}\n" for name in names), encoding="utf-8")
    return path


@pytest.mark.parametrize("given", ["index", "INDEX", "Index.html", "index.HTML", "Failed", "failed/",
                                   ".pmo-workbench.lock", ".pmo-workbench-batch", "pmo-workbench-batch.json",
                                   " Index! "])
def test_a_reserved_name_is_refused_at_its_row(folder, given):
    manifest = _csv(folder, ["good-one", given])
    with pytest.raises(InputValidationError) as info:
        read_manifest(manifest)
    (problem,) = info.value.problems
    assert (problem.path, problem.row, problem.column) == (str(manifest), 3, "name")
    assert "is reserved for" in problem.message and "give the report another name" in problem.message


def test_names_that_only_resemble_a_reserved_one_are_kept(folder):
    specs = read_manifest(_csv(folder, ["indexes", "index-2", "failed-pmo", "my-index"]))
    assert [s.name for s in specs] == ["indexes", "index-2", "failed-pmo", "my-index"]


def test_a_yaml_manifest_names_the_line_of_the_entry(folder):
    manifest = folder / "m.yaml"
    manifest.write_text("reports:\n"
                        f"  - report: positioning\n    organisation: {ORG}\n    responses: answers.csv\n"
                        f"  - report: positioning\n    organisation: {ORG}\n    responses: answers.csv\n"
                        "    name: index\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        read_manifest(manifest)
    (problem,) = info.value.problems
    assert (problem.row, problem.column) == (5, "name")
    assert problem.message.startswith("the output name 'index' is reserved for the batch index (index.html)")


def test_the_batch_command_exits_2_and_writes_nothing(folder):
    out = folder / "out"
    result = runner.invoke(app, ["batch", str(_csv(folder, ["index"])), "--out", str(out)])
    assert result.exit_code == 2
    assert "m.csv:2:name: the output name 'index' is reserved" in result.output
    assert not out.exists()


def test_a_derived_name_is_checked_as_well_as_the_name_given():
    assert reserved_name(None, "alpha-positioning") is None
    assert reserved_name("Index.html", "index-html").startswith("the output name 'Index.html' (file name "
                                                                "'index-html') is reserved for the batch index")
    assert reserved_name(None, "failed").startswith("the output name 'failed' is reserved for the folder of failed")
    assert all(reserved_name(name.upper(), "x") for name in RESERVED_NAMES)


def test_run_batch_refuses_a_spec_named_after_the_index_before_anything_runs(tmp_path):
    spec = ReportSpec("positioning", "Alpha", None, {}, (), "index")
    with pytest.raises(ReportParameterError, match="^Alpha: the output name 'index' is reserved"):
        run_batch([spec], tmp_path / "out", ["html"], jobs=1, progress=False)
    assert not (tmp_path / "out").exists()
