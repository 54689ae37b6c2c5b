"""pmo-workbench instrument stats: outputs on the sample, exit codes and located errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.cli import app
from pmo_workbench.resources import examples_dir

from tests.helpers import RELIABILITY_YAML, write_csv

SAMPLE = examples_dir() / "pmo_responses.csv"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def _refuse_nan(name):
    raise AssertionError(f"{name} in the JSON output")


def test_json_on_the_sample_has_every_dimension_with_integer_k_and_n():
    result = run("instrument", "stats", SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout, parse_constant=_refuse_nan)
    core = load_instrument("pmo-core")
    assert doc["instrument"] == {"id": core.id, "version": core.version}
    assert (doc["respondents"], doc["organisations"]) == (77, 7)
    assert [d["dimension"] for d in doc["dimensions"]] == [d.id for d in core.dimensions]
    for d in doc["dimensions"]:
        assert type(d["k"]) is int and type(d["n"]) is int and 0 < d["n"] <= doc["respondents"]
        assert d["alpha"] is None or -1 < d["alpha"] <= 1
        # every item, those asked of some roles only marked outside alpha
        assert [i["item"] for i in d["items"]] == [i.id for i in core.dimension(d["dimension"]).items]
        assert [i["in_alpha"] for i in d["items"]] == [i.audience is None for i in core.dimension(d["dimension"]).items]
        assert all(i["mean"] is not None for i in d["items"])
        assert {"item_total_r", "alpha_if_deleted", "dont_know_rate", "mean", "sd"} <= set(d["items"][0])


def test_table_explains_its_statistics():
    result = run("instrument", "stats", SAMPLE)
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "Mandate and authority (mandate): k 4, n 61, alpha 0.90" in out
    assert "below 0.30 ('low') the item does not move with the others" in out
    assert "higher than alpha ('higher') means the dimension is more consistent without the item" in out
    assert "not a PMO" in out


def test_csv_to_a_file_has_one_row_per_item_and_neutralises_formulas(tmp_path):
    instrument = tmp_path / "mini.yaml"
    instrument.write_text(RELIABILITY_YAML, encoding="utf-8")
    responses = write_csv(tmp_path / "answers.csv", """\
        organisation,pmo,respondent,role,item,value
        Org,PMO,R1,executive,E,2
        Org,PMO,R1,executive,F,DK
        Org,PMO,R2,project_manager,E,4
        """)
    out = tmp_path / "stats.csv"
    result = run("instrument", "stats", responses, "--instrument", instrument, "--format", "csv", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["item"] for r in rows] == ["A", "B", "C", "D", "E", "F"]
    assert [r["in_alpha"] for r in rows] == ["True", "True", "True", "False", "True", "True"]
    by_item = {r["item"]: r for r in rows}
    assert by_item["E"]["text"] == "'=e"  # would be a formula in a spreadsheet
    assert float(by_item["F"]["dont_know_rate"]) == 0.5  # one DK among the two respondents asked F
    assert by_item["A"]["alpha"] == "" and by_item["A"]["k"] == "3" and by_item["A"]["left_out"] == "1"


def test_a_bad_responses_file_exits_2_with_a_located_message(tmp_path):
    path = write_csv(tmp_path / "bad.csv", """\
        organisation,pmo,respondent,role,item,value
        Org,PMO,R1,executive,MAN1,9
        """)
    result = run("instrument", "stats", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0].startswith(f"{path}:2:value: value '9' is outside the scale")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("both", [True, False], ids=["both", "neither"])
def test_a_responses_file_or_a_store_exactly(tmp_path, both):
    store = tmp_path / "store.db"
    result = run("instrument", "stats", *([SAMPLE, "--store", store] if both else []))
    assert result.exit_code == 2
    assert "give a responses file, or --store URL" in result.stderr
    assert not store.exists()
