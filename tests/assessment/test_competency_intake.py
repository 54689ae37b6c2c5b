"""Cohort files, who rates whom, and the blank competency workbook read back by ``read_competency_responses``."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.assessment.competency_intake import (
    RatingPair,
    competency_columns,
    rating_pairs,
    read_cohort,
    write_competency_template,
)
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from tests.competency_mini import write_mini

runner = CliRunner()

COHORT = """\
name,email,job_level,manager,peers
Ana,ana@example.org,senior,Max,Ben; cara@example.org
Ben,ben@example.org,Junior project manager,Max,
Cara,cara@example.org,junior,outside@example.org,=SUM(1)
"""


@pytest.fixture
def mini(tmp_path):
    instrument, _ = write_mini(tmp_path)
    return load_competency_instrument(instrument)


def cohort(tmp_path, text=COHORT, name="people.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pairs_one_per_rater_and_person(tmp_path, mini):
    people = read_cohort(cohort(tmp_path), mini)
    assert [(p.name, p.job_level, p.manager, p.peers) for p in people] == [
        ("Ana", "senior", "Max", ("Ben", "Cara")),  # a peer given by e-mail is the file's person
        ("Ben", "junior", "Max", ()),  # a job level given by its label comes back as its id
        ("Cara", "junior", "outside@example.org", ("=SUM(1)",))]
    assert rating_pairs(people) == [
        RatingPair("Ana", "senior", "Ana", "self", "ana@example.org", 2),
        RatingPair("Ana", "senior", "Max", "manager", None, 2),  # Max is not in the file: no e-mail known
        RatingPair("Ana", "senior", "Ben", "peer", "ben@example.org", 2),
        RatingPair("Ana", "senior", "Cara", "peer", "cara@example.org", 2),
        RatingPair("Ben", "junior", "Ben", "self", "ben@example.org", 3),
        RatingPair("Ben", "junior", "Max", "manager", None, 3),
        RatingPair("Cara", "junior", "Cara", "self", "cara@example.org", 4),
        RatingPair("Cara", "junior", "outside@example.org", "manager", "outside@example.org", 4),
        RatingPair("Cara", "junior", "=SUM(1)", "peer", None, 4)]


def test_bad_cohort_files_give_located_problems(tmp_path, mini):
    path = cohort(tmp_path, "name,email,job_level,manager,peers,team\n"
                            "Ana,ana@example,senior,Ana,Ana; Ben; ben\n"
                            ",x@example.org,junior,,\n"
                            "Ben,,chief,,Max; Max\n"
                            "ana,,junior,,\n"
                            "Dan,,,Eve,Eve\n")
    with pytest.raises(InputValidationError) as caught:
        read_cohort(path, mini)
    shown = [str(p) for p in caught.value.problems]
    where = str(path)
    assert shown == [
        f"{where}:1:team: unknown column 'team'; a cohort file has name, email, job_level, manager, peers "
        "(name and job_level are required)",
        f"{where}:2:email: 'ana@example' is not an e-mail address (expected someone@example.org)",
        f"{where}:2:manager: 'Ana' is named as their own manager; a person rates themself as self (leave manager "
        "blank or name their line manager)",
        f"{where}:2:peers: 'Ana' is named as their own peer",
        f"{where}:2:peers: peer 'ben' is named twice",
        f"{where}:3:name: missing name; every person rated needs one",
        f"{where}:4:job_level: unknown job level 'chief'; expected one of junior (Junior project manager), "
        "senior (Senior project manager)",
        f"{where}:4:peers: peer 'Max' is named twice",
        f"{where}:5:name: 'ana' is already in row 2; give each person once",
        f"{where}:6:job_level: missing job level; expected one of junior (Junior project manager), senior "
        "(Senior project manager)",
        f"{where}:6:peers: 'Eve' is 'Dan''s manager and cannot also rate them as a peer",
    ]


@pytest.mark.parametrize("text, expected", [
    ("name,email\nAna,a@b.org\n", ":1:job_level: missing required column 'job_level'"),
    ("name,email,job_level\n", ":2:-: nobody in the cohort: the file has a header but no people"),
    ("", ":1:-: the file is empty"),
])
def test_cohort_files_without_people(tmp_path, mini, text, expected):
    path = cohort(tmp_path, text)
    with pytest.raises(InputValidationError) as caught:
        read_cohort(path, mini)
    assert expected in str(caught.value.problems[0])


def test_template_round_trip_reads_back_to_the_tidy_frame(tmp_path, mini):
    people = read_cohort(cohort(tmp_path), mini)
    out = write_competency_template(mini, tmp_path / "ratings.xlsx", people=people, organisation="Acme",
                                    cohort="PMs")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["responses", "items", "anchors"]
    ws = wb["responses"]
    header = [c.value for c in ws[1]]
    assert header == competency_columns(mini) == ["organisation", "cohort", "subject", "job_level", "rater", "role",
                                                  "assessed_on", "r1", "r2", "r3", "s1", "s2"]
    assert "Quantifies risk exposure" in ws["J1"].comment.text and "Junior project manager" in ws["J1"].comment.text
    assert ws.cell(row=2, column=10).fill.fill_type is None  # Ana is senior: r3 expected of her
    assert ws.cell(row=6, column=10).fill.fill_type == "solid"  # Ben is junior: r3 greyed
    peer = ws.cell(row=10, column=5)
    assert peer.value == "=SUM(1)" and peer.data_type == "s"  # text, never a formula
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert rules["F2"].formula1 == '"self,manager,peer"' and rules["D2"].formula1 == '"junior,senior"'
    assert 'UPPER(TRIM(H2))="DK"' in rules["H2"].formula1
    items = [[c.value for c in row] for row in wb["items"].iter_rows(min_row=1, max_row=4)]
    assert items[0] == ["item", "area", "process group", "text", "not expected of"]
    assert items[3] == ["r3", "Risk management", "Planning", "Quantifies risk exposure", "Junior project manager"]
    anchors = [[c.value for c in row] for row in wb["anchors"].iter_rows()]
    assert anchors[0] == ["area", "1 Awareness", "2", "3", "4", "5 Expert"]
    assert anchors[1] == ["Risk management", "a1", "a2", "a3", "a4", "a5"]
    # A consultant fills in a few ratings; the file reads back as the tidy frame.
    filled = {2: {"H": 4, "I": "dk", "J": 3, "G": "2026-03-01"}, 3: {"H": 2}, 6: {"K": 5}}
    for row, cells in filled.items():
        for column, value in cells.items():
            ws[f"{column}{row}"] = value
    wb.save(out)
    frame = read_competency_responses(out, mini)
    rated = frame[frame["value"].notna() | frame["dont_know"]].assign(value=lambda f: f["value"].fillna(-1.0))
    assert rated[["subject", "job_level", "rater", "role", "item", "value", "dont_know", "source_row"]
                 ].astype(object).values.tolist() == [
        ["Ana", "senior", "Ana", "self", "r1", 4.0, False, 2],
        ["Ana", "senior", "Ana", "self", "r2", -1.0, True, 2],  # DK: no value
        ["Ana", "senior", "Ana", "self", "r3", 3.0, False, 2],
        ["Ana", "senior", "Max", "manager", "r1", 2.0, False, 3],
        ["Ben", "junior", "Ben", "self", "s1", 5.0, False, 6],
    ]
    assert set(frame["organisation"]) == {"Acme"} and set(frame["cohort"]) == {"PMs"}
    assert frame.drop_duplicates(["subject", "rater"]).shape[0] == 9
    assert frame.loc[frame["source_row"] == 2, "assessed_on"].iloc[0] == pd.Timestamp("2026-03-01")


def test_a_blank_template_and_a_csv_one(tmp_path, mini):
    blank = write_competency_template(mini, tmp_path / "blank.xlsx")
    ws = openpyxl.load_workbook(blank)["responses"]
    assert ws.max_row == 1 and ws.max_column == 12
    csv = write_competency_template(mini, tmp_path / "ratings.csv", people=read_cohort(cohort(tmp_path), mini))
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "organisation,cohort,subject,job_level,rater,role,assessed_on,r1,r2,r3,s1,s2"
    assert lines[9] == ",,Cara,junior,'=SUM(1),peer,,,,,,"  # neutralised in a CSV file
    with pytest.raises(ValueError, match="must end in .csv or .xlsx"):
        write_competency_template(mini, tmp_path / "ratings.txt")


def test_the_builtin_instrument_in_german(tmp_path):
    ins = load_competency_instrument("pm-competency")
    out = write_competency_template(ins, tmp_path / "de.xlsx", language="de")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "responses"
    first = wb["responses"].cell(row=1, column=8)
    assert first.value == ins.items.index[0]
    german = load_competency_instrument("pm-competency", language="de")
    assert german.items["text"].iloc[0] in first.comment.text


def test_cli_writes_the_template_and_refuses_bad_input(tmp_path):
    instrument, _ = write_mini(tmp_path)
    out = tmp_path / "out" / "ratings.xlsx"
    done = runner.invoke(app, ["template", "competency", "--out", str(out), "--instrument", str(instrument),
                               "--people", str(cohort(tmp_path)), "--organisation", "Acme", "--cohort", "PMs"])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == str(out)
    checked = runner.invoke(app, ["competency", "validate", str(out), "--instrument", str(instrument)])
    assert checked.exit_code == 0, checked.output
    assert "0 ratings of 3 people in 1 cohort; 3 self, 3 manager and 3 peer rating sets" in checked.stdout
    bad = cohort(tmp_path, "name,job_level\nAna,chief\n", "bad.csv")
    refused = runner.invoke(app, ["template", "competency", "--out", str(tmp_path / "x.xlsx"), "--instrument",
                                  str(instrument), "--people", str(bad)])
    assert refused.exit_code == 2
    assert f"{bad}:2:job_level: unknown job level 'chief'" in refused.stderr
    assert "Traceback" not in refused.output and not (tmp_path / "x.xlsx").exists()
    wrong = runner.invoke(app, ["template", "competency", "--out", str(tmp_path / "x.txt")])
    assert wrong.exit_code == 2 and "--out must end in .xlsx or .csv" in wrong.stderr
