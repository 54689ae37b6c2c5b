"""The assessment workbench notebook runs headless under papermill on a temporary store."""

from __future__ import annotations

import nbformat
import papermill
import pytest

from pmo_workbench import load_instrument
from pmo_workbench.notebook import show as display
from pmo_workbench.resources import examples_dir, notebooks_dir
from pmo_workbench.store import Store

NOTEBOOK = notebooks_dir() / "assessment_workbench.ipynb"


def _run(tmp_path, **parameters):
    out = tmp_path / "run.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3",
                               cwd=str(tmp_path), progress_bar=False, execution_timeout=300)
    return display.read_records(nbformat.read(out, as_version=4))


@pytest.mark.slow
def test_starting_an_assessment_with_a_respondent(tmp_path):
    db = tmp_path / "w.db"
    records = _run(tmp_path, db=str(db), organisation="Acme", pmo="Digital PMO", pmo_level="department",
                   respondent_role="executive")
    with Store(str(db)) as store:
        frame = store.assessments()
        assert frame[["organisation", "pmo", "pmo_level"]].values.tolist() == [["Acme", "Digital PMO", "department"]]
        assert records["assessment_id"] == int(frame["assessment_id"].iloc[0])
        assert store.respondents(records["assessment_id"])["role"].tolist() == ["executive"]
    assert [(r["role"], r["answered"]) for r in records["respondents"]] == [("executive", 0)]


@pytest.mark.slow
def test_opening_an_imported_assessment(tmp_path):
    db = tmp_path / "w.db"
    with Store(str(db)) as store:
        result = store.import_responses(examples_dir() / "pmo_responses.csv", load_instrument("pmo-core"))
        chosen = result.assessments[0]
        expected = store.respondents(chosen)[["label", "answered"]].values.tolist()
    records = _run(tmp_path, db=str(db), assessment_id=chosen)
    assert records["assessment_id"] == chosen
    assert [[r["label"], r["answered"]] for r in records["respondents"]] == expected
