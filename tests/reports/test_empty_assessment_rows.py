"""A manifest row naming a stored assessment with no answers yet is not a manifest problem (the other reports of
the batch go on): that report fails with "assessment N has no answers yet", no kernel started, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.reports import batch
from pmo_workbench.reports.manifest import read_manifest
from pmo_workbench.store import Store
from tests.helpers import write_csv

runner = CliRunner()

EMPTY = """\
organisation,pmo,respondent,role,item,value
Org,PMO,R1,executive,G1,
Org,PMO,R2,pmo_staff,G1,
"""


@pytest.fixture
def manifest(tmp_path, tiny, tiny_path) -> Path:
    """A manifest with one row: the stored assessment 1 of "Org", which has two respondents and no answers."""
    folder = tmp_path / "round"
    folder.mkdir()
    (folder / "tiny.yaml").write_bytes(tiny_path.read_bytes())
    with Store(folder / "survey.db") as store:
        store.import_responses(write_csv(folder / "empty.csv", EMPTY), tiny)
    return write_csv(folder / "manifest.csv", "report,organisation,store,assessment,instrument\n"
                                              "positioning,Org,survey.db,1,tiny.yaml\n")


def test_the_row_reads_as_a_report_that_cannot_be_made(manifest):
    (spec,) = read_manifest(manifest)
    assert (spec.organisation, spec.problem) == ("Org", "assessment 1 has no answers yet")


def test_the_report_fails_with_that_message_without_running_a_kernel(manifest, tmp_path, monkeypatch):
    (spec,) = read_manifest(manifest)

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was asked for")

    monkeypatch.setattr(batch, "execute", no_kernel)
    outcome = batch._render_notebook(spec, tmp_path / "out", tmp_path, ("html",), None, None, 60)
    assert (outcome.status, outcome.error, outcome.files) == ("failed", "Org: assessment 1 has no answers yet", {})
    assert not outcome.environment


@pytest.mark.slow
def test_a_batch_reports_the_row_as_failed_in_one_line(manifest, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(manifest), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "failed: Org: assessment 1 has no answers yet\n" in result.stderr
    assert "Traceback" not in result.output and "no answers below the header row" not in result.output
    assert "0 rendered, 0 unchanged, 1 failed" in result.stderr
    assert not (out / "failed").exists()  # no notebook ran, so none is kept for debugging
