"""No file pmo-workbench writes for a spreadsheet can run a formula: text that starts like one is neutralised in
CSV (a leading quote, which the readers take off again) and written as text in XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from typer.testing import CliRunner

from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.assessment.intake import write_responses_template
from pmo_workbench.cli import app
from pmo_workbench.store import Store
from tests.helpers import TINY_YAML, write_csv

runner = CliRunner()
HOSTILE = ['=HYPERLINK("http://x.example","click")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "\t=1"]


@pytest.fixture
def hostile_file(tmp_path):
    rows = ["organisation,pmo,respondent,role,item,value,comment"]
    for n, text in enumerate(HOSTILE, start=1):
        quoted = '"' + text.replace('"', '""') + '"'
        rows.append(f"{quoted},PMO,R{n},executive,G1,4,{quoted}")
    return write_csv(tmp_path / "hostile.csv", "\n".join(rows) + "\n")


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_YAML, encoding="utf-8")
    return path


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_score_csv_neutralises_every_name_that_looks_like_a_formula(hostile_file, tiny_file):
    result = runner.invoke(app, ["score", str(hostile_file), "--instrument", str(tiny_file), "--format", "csv"])
    assert result.exit_code == 0, result.output
    organisations = {row[0] for row in _cells(result.stdout)[1:]}
    assert organisations == {"'" + text.strip() for text in HOSTILE}  # names are read trimmed


def test_store_export_neutralises_csv_and_reimports_byte_for_byte(hostile_file, tiny_file, tmp_path):
    tiny = load_instrument(tiny_file)
    with Store(tmp_path / "w.db") as store:
        store.import_responses(hostile_file, tiny)
        out = store.export_responses(tmp_path / "back.csv", form="long")
        rows = _cells(out.read_text(encoding="utf-8"))
        answered = [r for r in rows[1:] if r[7]]  # the value column (after organisation, pmo, pmo_level, wave...)
        assert {r[0] for r in answered} == {r[9] for r in answered} == {"'" + text.strip() for text in HOSTILE}
        again = store.import_responses(out, tiny)
        assert (again.answers_added, again.answers_changed) == (0, 0)
        assert [c for _, c in store.answers(1).values()] == [HOSTILE[0]]


def test_intake_workbook_writes_item_texts_as_text_never_formulas(tmp_path):
    hostile = TINY_YAML.replace('{id: G1, text: "g one"}', '{id: G1, text: "=HYPERLINK(\\"http://x\\",\\"y\\")"}')
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile, encoding="utf-8")
    out = write_responses_template(load_instrument(path), "wide", tmp_path / "intake.xlsx")
    items = openpyxl.load_workbook(out)["items"]
    cell = next(row[2] for row in items.iter_rows(min_row=2) if row[0].value == "G1")
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x","y")', "s")
    csv_out = write_responses_template(load_instrument(path), "long", tmp_path / "intake.csv")
    assert csv_out.read_text(encoding="utf-8").startswith("organisation,pmo,respondent,role,")
