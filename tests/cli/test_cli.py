"""The pmo-workbench command: outputs, exit codes, error format, files written."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import openpyxl
import pytest
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.resources import examples_dir

from tests.helpers import write_csv

SAMPLE = examples_dir() / "pmo_responses.csv"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_instruments_lists_pmo_core():
    result = run("instruments")
    assert result.exit_code == 0
    assert "pmo-core" in result.stdout and "supportive, controlling, strategic" in result.stdout


def test_validate_ok():
    result = run("validate", SAMPLE)
    assert result.exit_code == 0
    assert "valid for pmo-core 2.0" in result.stdout
    assert "7 organisations, 8 PMOs" in result.stdout


def test_validate_reports_every_problem_on_stderr_with_exit_2(tmp_path):
    path = write_csv(tmp_path / "bad.csv", """\
        organisation,pmo,respondent,role,item,value
        Org,PMO,R1,executive,MAN1,9
        Org,PMO,R1,boss,MAN2,3
        """)
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}:2:value: value '9' is outside the scale")
    assert lines[1].startswith(f"{path}:3:role: unknown role 'boss'")
    assert lines[2] == "2 problems found; nothing was written."


def test_score_json_gives_the_four_types_on_the_sample():
    result = run("score", SAMPLE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["instrument"] == {"id": "pmo-core", "version": "2.0"}
    assert {a["type"]["id"] for a in doc["assessments"]} == {"ad_hoc", "supportive", "controlling", "strategic"}
    first = doc["assessments"][0]
    assert set(first) >= {"organisation", "pmo", "respondents", "overall", "type", "target", "gates",
                          "foundation_gaps", "type_profile", "to_target", "next_type", "dimensions", "pmo_roles",
                          "perception_gaps", "recommendations", "evidence", "context"}
    assert set(first["type"]) == {"id", "certainty", "decided_by"}
    assert set(first["dimensions"][0]) >= {"id", "score", "level", "level_name", "respondents", "rwg_j", "rwg_star_j",
                                           "ad_m", "agree", "split_items", "alpha", "alpha_n", "alpha_note",
                                           "score_customers", "ci_low", "ci_high"}
    assert set(first["gates"][0]) == {"type", "dimension", "gate", "score", "ci_low", "ci_high", "passes", "state"}
    # targets from the sample's engagement.yaml (beside the responses), else the instrument's default by level
    by_pmo = {a["pmo"]: a for a in doc["assessments"]}
    assert by_pmo["Capital Programmes PMO"]["target"] == {"id": "controlling", "source": "engagement"}
    assert by_pmo["Capital Programmes PMO"]["to_target"] == {"id": "controlling", "reached": True, "gaps": {}}
    assert [g["dimension"] for g in by_pmo["Capital Programmes PMO"]["foundation_gaps"]] == ["service"]
    assert by_pmo["Capital Programmes PMO"]["evidence"]["charter"]["answer"] in ("yes", "partly", "no")
    assert set(first["pmo_roles"]) == {"standards", "customer_support", "empowerment"}
    # scores rounded to 2 decimals
    for a in doc["assessments"]:
        for d in a["dimensions"]:
            assert d["score"] is None or round(d["score"], 2) == d["score"]
    # the strategic PMO has no type above it
    top = next(a for a in doc["assessments"] if a["type"]["id"] == "strategic")
    assert top["next_type"] is None
    # several PMOs of one organisation are listed enterprise first
    korrin = [a for a in doc["assessments"] if a["organisation"] == "Korrin Regional Council"]
    assert [a["pmo_level"] for a in korrin] == ["enterprise", "department"]


def test_score_csv_to_file_prints_the_path(tmp_path):
    out = tmp_path / "sub" / "scores.csv"
    result = run("score", SAMPLE, "--format", "csv", "--out", out)
    assert result.exit_code == 0
    assert result.stdout == f"{out}\n"
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 8 * 14  # PMOs x dimensions
    assert {"organisation", "pmo", "type", "type_certainty", "target", "overall_score", "dimension", "score",
            "rwg_j", "rwg_star_j", "ad_m", "split_items", "alpha", "alpha_note", "score_customers"} <= set(rows[0])
    assert not list(tmp_path.glob("sub/.*.tmp"))


def test_score_table():
    result = run("score", SAMPLE)
    assert result.exit_code == 0
    assert "Vantellis Insurance Group" in result.stdout and "r*wg(J)" in result.stdout


def test_failed_score_writes_nothing(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", "organisation,pmo\nOrg,PMO\n")
    out = tmp_path / "scores.json"
    result = run("score", bad, "--format", "json", "--out", out)
    assert result.exit_code == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("score", SAMPLE, "--format", "xml"), "xml"),
        (("score", SAMPLE, "--instrument", "nope"), "no instrument 'nope'"),
        (("score",), "give a responses file, or --store URL"),
        (("template", "responses", "--out", "x.txt"), "must end in .xlsx or .csv"),
    ],
)
def test_usage_errors_exit_2(args, fragment):
    result = run(*args)
    assert result.exit_code == 2
    assert fragment in result.stderr


@pytest.mark.parametrize("form", ["long", "wide"])
def test_template_csv_round_trip(tmp_path, form, core):
    out = tmp_path / f"{form}.csv"
    assert run("template", "responses", "--form", form, "--out", out).stdout == f"{out}\n"
    header = out.read_text().strip().split(",")
    if form == "long":
        assert header[:4] == ["organisation", "pmo", "respondent", "role"] and "value" in header
        out.write_text(out.read_text() + "Org,PMO,R1,executive,,MAN1,4,,\n")
    else:
        assert header[-73:] == list(core.items.index)
        # an executive answers the items executives are asked and leaves the others blank
        asked = core.asked.loc["executive"]
        out.write_text(out.read_text() + "Org,PMO,R1,executive,,," + ",".join("4" if asked[i] else "" for i in
                                                                                 core.items.index) + "\n")
    result = run("validate", out)
    assert result.exit_code == 0, result.stderr


def test_template_wide_xlsx_has_comments_validation_and_reads_back(tmp_path, core):
    out = tmp_path / "intake.xlsx"
    assert run("template", "responses", "--form", "wide", "--out", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["responses"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["organisation", "pmo", "respondent", "role"]
    man1 = header.index("MAN1") + 1
    assert core.items.at["MAN1", "text"] in ws.cell(1, man1).comment.text
    rules = {(dv.type, dv.formula1, dv.formula2) for dv in ws.data_validations.dataValidation}
    # A whole number from 1 to 5, DK or NA: the first cell of the first item column is G2.
    assert ("custom", 'OR(AND(ISNUMBER(G2),G2=INT(G2),G2>=1,G2<=5),UPPER(TRIM(G2))="DK",UPPER(TRIM(G2))="NA",'
            'UPPER(TRIM(G2))="N/A")',
            None) in rules
    assert any(t == "list" and "executive" in f for t, f, _ in rules)
    assert wb["items"]["A2"].value == "MAN1"
    # filled in by a consultant, it validates
    asked = core.asked.loc["executive"]
    ws.append(["Org", "PMO", "R1", "executive", None, None] + [3 if asked[i] else None for i in core.items.index])
    wb.save(out)
    result = run("score", out, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["assessments"][0]["overall"]["score"] == pytest.approx(
        # every item 3 -> 50, reversed items also 50: overall exactly 50
        50.0)


def test_template_long_xlsx_lists_item_ids(tmp_path):
    out = tmp_path / "intake.xlsx"
    assert run("template", "responses", "--form", "long", "--out", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["responses"]
    assert any(dv.type == "list" and dv.formula1.startswith("=items!") for dv in ws.data_validations.dataValidation)


@pytest.mark.slow
def test_demo_writes_a_report_per_sample_organisation_and_an_index(tmp_path):
    out = tmp_path / "demo"
    result = run("demo", "--out", out, "--format", "html")
    assert result.exit_code == 0, result.output
    printed = result.stdout.split()
    assert printed[-1] == str(out / "index.html")
    # the engagement files (the respondents' comments as written) beside the folder a client may receive
    assert len([p for p in printed if p.startswith(str(tmp_path / "demo-engagements") + "/")]) == 7
    assert not any(p.suffix == ".yaml" for p in out.rglob("*"))
    assert len([p for p in printed if p.endswith("-positioning.html")]) == 7
    index = (out / "index.html").read_text(encoding="utf-8")
    for org in ("Quillmere Events", "Vantellis Insurance Group", "Korrin Regional Council"):
        assert org in result.stderr and org in index  # the summary table, then the index
    assert "Digital Services PMO" in index  # both of Korrin's PMOs
    # every report is compared with the synthetic pool and says that it is synthetic (61 enterprise organisations)
    korrin = (out / "korrin-regional-council-positioning.html").read_text(encoding="utf-8")
    assert "The benchmark pool is synthetic" in korrin and "Compared with 61 enterprise-level PMOs" in korrin


@pytest.mark.slow
def test_console_script_exit_codes(tmp_path):
    exe = [sys.executable, "-c", "from pmo_workbench.cli import main; main()"]
    bad = write_csv(tmp_path / "bad.csv", "organisation,pmo,respondent,role,item,value\nO,P,R,executive,MAN1,x\n")
    done = subprocess.run([*exe, "validate", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith(f"{bad}:2:value: value 'x' is not a number")
    assert subprocess.run([*exe, "validate", str(SAMPLE)], capture_output=True).returncode == 0
    assert subprocess.run([*exe, "score", "--bogus"], capture_output=True).returncode == 2


def test_mixed_levels_and_gap_rows_without_roles_serialise(tmp_path, tiny_path):
    # PMO Ent has a level, PMO Dept has none; in Ent, gov has two visible role groups but sup
    # only one (PMO staff skipped it), so sup has no largest gap.
    rows = ["organisation,pmo,pmo_level,respondent,role,item,value"]
    for who, role, skip_sup in (("E1", "executive", False), ("E2", "executive", False), ("E3", "executive", False),
                                ("P1", "pmo_staff", True), ("P2", "pmo_staff", True), ("P3", "pmo_staff", True)):
        for item, value in (("G1", 5 if role == "executive" else 2), ("G3", 4), ("S1", 3), ("S2", 3)):
            if not (skip_sup and item.startswith("S")):
                rows.append(f"Org,Ent,enterprise,{who},{role},{item},{value}")
    rows.append("Org,Dept,,D1,executive,G1,3")
    path = write_csv(tmp_path / "r.csv", "\n".join(rows) + "\n")
    result = run("score", path, "--instrument", tiny_path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    ent, dept = doc["assessments"]
    assert (ent["pmo_level"], dept["pmo_level"]) == ("enterprise", None)
    gaps = {g["dimension"]: g for g in ent["perception_gaps"]}
    # gov: executives (100 + 75*2)/3 = 83.33 vs PMO staff (25 + 75*2)/3 = 58.33 -> 25 points, flagged
    assert gaps["gov"]["largest_gap"] == {"high_role": "executive", "high_score": 83.33, "low_role": "pmo_staff",
                                          "low_score": 58.33, "points": 25.0}
    assert gaps["gov"]["flagged"] is True
    assert gaps["sup"]["largest_gap"] is None and gaps["sup"]["by_role"] == {"executive": 50.0}
    table = run("score", path, "--instrument", tiny_path)
    assert table.exit_code == 0, table.stderr
    assert "executive vs pmo_staff: 25.0 (flagged)" in table.stdout


def test_out_must_not_be_a_folder(tmp_path):
    result = run("score", SAMPLE, "--format", "json", "--out", tmp_path)
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def test_a_pmo_core_1_0_file_still_scores_and_both_versions_are_listed(tmp_path):
    # pmo-core 1.0 items (MAN1 ... SUS5), answered by one executive
    from pmo_workbench.assessment.instrument import load_instrument

    old = load_instrument("pmo-core@1.0")
    path = write_csv(tmp_path / "old.csv", "organisation,pmo,respondent,role,item,value\n" + "".join(
        f"Org,PMO,R1,executive,{item},4\n" for item in old.items.index))
    result = run("score", path, "--instrument", "pmo-core@1.0", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["instrument"] == {"id": "pmo-core", "version": "1.0"}
    # every answer 4 -> 75 (reversed items 25) on each dimension
    assert len(doc["assessments"][0]["dimensions"]) == 11
    listed = run("instruments")
    assert "pmo-core@1.0" in listed.stdout and "2.0" in listed.stdout
