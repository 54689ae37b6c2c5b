"""An assessment with no answers yet (respondents invited or added, nobody answered) is valid in the store: it is
listed, exported with its respondents' blank values, and every command or function that would score or report it
says "assessment N has no answers yet" (exit 2 from the command line) instead of failing. A partly answered
assessment scores on the answers it has and exports the respondents without any."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench.assessment import assess
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.cli import app
from pmo_workbench.errors import NoAnswersError
from pmo_workbench.store import Store, report_input
from tests.backends import sqlite_only
from tests.helpers import write_csv

runner = CliRunner()

# Three respondents invited, nobody answered: every value blank (tiny instrument, tests/helpers.py).
EMPTY = """\
organisation,pmo,respondent,role,item,value
Org,PMO,R1,executive,G1,
Org,PMO,R1,executive,G2,
Org,PMO,R2,pmo_staff,G1,
Org,PMO,R3,project_manager,S1,
"""

# R1 and R2 answered some governance items, R3 nothing.
PARTIAL = """\
organisation,pmo,respondent,role,item,value
Org,PMO,R1,executive,G1,5
Org,PMO,R1,executive,G2,1
Org,PMO,R1,executive,G3,3
Org,PMO,R1,executive,G4,1
Org,PMO,R2,pmo_staff,G1,3
Org,PMO,R2,pmo_staff,G2,3
Org,PMO,R2,pmo_staff,G3,
Org,PMO,R3,project_manager,G1,
Org,PMO,R3,project_manager,S1,
"""


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def empty_store(db_url, tiny, tmp_path):
    """The store holding one assessment (1) of three respondents and no answers."""
    with Store(db_url) as store:
        result = store.import_responses(write_csv(tmp_path / "empty.csv", EMPTY), tiny)
        assert (result.assessments, result.answers_added) == ((1,), 0)
        yield store


# -- the store ----------------------------------------------------------------------------------------------------

def test_an_assessment_without_answers_is_listed_with_its_respondents(empty_store):
    listed = empty_store.assessments()
    assert listed[["assessment_id", "organisation", "pmo", "respondents", "answers"]].values.tolist() == [
        [1, "Org", "PMO", 3, 0]]
    assert empty_store.responses(1).empty  # nothing to score, and no error for asking


@pytest.mark.parametrize(("name", "form"), [("long.csv", "long"), ("long.xlsx", "long"), ("wide.csv", "wide"),
                                            ("wide.xlsx", "wide")])
def test_export_writes_the_respondents_with_blank_values_and_imports_back_unchanged(empty_store, tiny, tmp_path,
                                                                                    name, form):
    path = empty_store.export_responses(tmp_path / name, form=form)
    back = read_responses(path, tiny)
    people = back.drop_duplicates("respondent")[["respondent", "role"]].astype(str).values.tolist()
    assert people == [["R1", "executive"], ["R2", "pmo_staff"], ["R3", "project_manager"]]
    assert back["value"].isna().all()
    # long: every item each role is asked (all 11 here); wide: one row per respondent, one column per item
    assert len(back) == 3 * 11
    result = empty_store.import_responses(path, tiny)
    assert (result.assessments, result.answers_added, result.answers_changed) == ((1,), 0, 0)
    assert int(empty_store.assessments()["respondents"].iloc[0]) == 3


def test_export_of_the_long_form_lists_every_item_blank(empty_store, tmp_path):
    written = pd.read_csv(empty_store.export_responses(tmp_path / "out.csv"), dtype=str, keep_default_na=False)
    assert written[["respondent", "item", "value"]].head(3).values.tolist() == [
        ["R1", "G1", ""], ["R1", "G2", ""], ["R1", "G3", ""]]
    assert written["value"].eq("").all() and written["respondent"].value_counts().to_dict() == {
        "R1": 11, "R2": 11, "R3": 11}


def test_report_input_refuses_an_assessment_without_answers_and_writes_nothing(empty_store, tiny, tmp_path):
    folder = tmp_path / "input"
    with pytest.raises(NoAnswersError, match="^assessment 1 has no answers yet$"):
        report_input(empty_store, 1, folder, instrument=tiny)
    assert not folder.exists()
    given = report_input(empty_store, 1, folder, instrument=tiny, allow_empty=True)  # what a batch does
    assert given.responses.read_text(encoding="utf-8").count("\n") == 1  # the header: no answers to report


def test_a_partly_answered_assessment_scores_on_the_answers_it_has(db_url, tiny, tmp_path):
    with Store(db_url) as store:
        store.import_responses(write_csv(tmp_path / "partial.csv", PARTIAL), tiny)
        (pmo,) = assess(store.responses(1), tiny).assessments
        # R1: G1 5 -> 100, G2 1 reversed -> 100, G3 3 -> 50 (weight 2), G4 1 -> 0: (100 + 100 + 2*50 + 0) / 5 = 60.
        # R2: G1 3 -> 50, G2 3 reversed -> 50, half the items answered: 50. R3 answered nothing.
        # The PMO: (60 + 50) / 2 = 55, from 2 respondents.
        gov = pmo.dimensions.set_index("dimension").loc["gov"]
        assert gov["score"] == pytest.approx(55.0) and int(gov["respondents"]) == 2
        assert pmo.respondents == 2
        # The export keeps R3, and R2's unanswered items, blank; the answers come back as they were.
        written = pd.read_csv(store.export_responses(tmp_path / "out.csv"), dtype=str, keep_default_na=False)
        assert written.groupby("respondent")["value"].apply(lambda v: int(v.ne("").sum())).to_dict() == {
            "R1": 4, "R2": 2, "R3": 0}
        wide = pd.read_csv(store.export_responses(tmp_path / "wide.csv", form="wide"), dtype=str,
                           keep_default_na=False)
        assert wide[["respondent", "G1", "G2", "G3"]].values.tolist() == [
            ["R1", "5", "1", "3"], ["R2", "3", "3", ""], ["R3", "", "", ""]]


# -- the commands -------------------------------------------------------------------------------------------------

def _cli_store(db_url, tiny_path, tmp_path, text=EMPTY):
    result = run("store", "import", write_csv(tmp_path / "answers.csv", text), "--db", db_url,
                 "--instrument", tiny_path)
    assert result.exit_code == 0, result.output
    return db_url


def test_store_list_says_none_yet(db_url, tiny_path, tmp_path):
    db = _cli_store(db_url, tiny_path, tmp_path)
    result = run("store", "list", "--db", db)
    assert result.exit_code == 0 and "none yet" in result.stdout


@pytest.mark.parametrize("args", [
    ("score", "--store"),
    ("score", "--format", "json", "--store"),
    ("instrument", "stats", "--store"),
])
@pytest.mark.parametrize("named", [False, True])
def test_scoring_an_assessment_without_answers_is_one_line_and_exit_2(db_url, tiny_path, tmp_path, args, named):
    db = _cli_store(db_url, tiny_path, tmp_path)
    result = run(*args, db, "--instrument", tiny_path, *(("--assessment", 1) if named else ()))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: assessment 1 has no answers yet\n"


@sqlite_only
def test_scoring_every_assessment_leaves_out_the_one_without_answers_and_says_so(db_url, tiny_path, tmp_path):
    db = _cli_store(db_url, tiny_path, tmp_path, PARTIAL)
    _cli_store(db_url, tiny_path, tmp_path, EMPTY.replace("Org,PMO,", "Org,Other PMO,"))
    result = run("score", "--store", db, "--instrument", tiny_path, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(pd.io.common.StringIO(result.stdout))["pmo"]) == {"PMO"}
    assert result.stderr == "note: assessment 2 (Other PMO of Org, wave 2026) has no answers yet: not scored\n"


def _with_wave(text: str, wave: str, pmo: str = "PMO") -> str:
    """``text`` with a wave column of ``wave``, its PMO renamed ``pmo``."""
    head, *rows = text.splitlines()
    return "\n".join([head + ",wave", *(row.replace("Org,PMO,", f"Org,{pmo},") + f",{wave}" for row in rows)]) + "\n"


@sqlite_only
def test_scoring_one_wave_leaves_out_the_pmo_whose_wave_has_no_answers_and_says_so(db_url, tiny_path, tmp_path):
    """--wave without --assessment takes every PMO's assessment of that wave: one just opened is left out with a
    note, as without --wave, rather than failing the whole command."""
    _cli_store(db_url, tiny_path, tmp_path, _with_wave(PARTIAL, "2026"))
    _cli_store(db_url, tiny_path, tmp_path, _with_wave(EMPTY, "2026", "Other PMO"))
    result = run("score", "--store", db_url, "--instrument", tiny_path, "--wave", "2026", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(pd.io.common.StringIO(result.stdout))["pmo"]) == {"PMO"}
    assert result.stderr == "note: assessment 2 (Other PMO of Org, wave 2026) has no answers yet: not scored\n"
    _cli_store(db_url, tiny_path, tmp_path, _with_wave(EMPTY, "2027"))  # a wave where nobody answered at all
    result = run("score", "--store", db_url, "--instrument", tiny_path, "--wave", "2027")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", "error: assessment 3 has no answers yet\n")


@sqlite_only
def test_a_pmo_whose_latest_wave_has_no_answers_is_scored_on_an_earlier_one_and_the_note_says_so(
        db_url, tiny_path, tmp_path):
    _cli_store(db_url, tiny_path, tmp_path, _with_wave(PARTIAL, "2025"))
    _cli_store(db_url, tiny_path, tmp_path, _with_wave(EMPTY, "2026"))
    result = run("score", "--store", db_url, "--instrument", tiny_path, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(pd.io.common.StringIO(result.stdout))["pmo"]) == {"PMO"}
    assert result.stderr == ("note: assessment 2 (PMO of Org, wave 2026) has no answers yet: not scored; its PMO "
                             "has answers in wave(s) 2025\n")
    result = run("instrument", "stats", "--store", db_url, "--instrument", tiny_path, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ("note: assessment 2 (PMO of Org, wave 2026) has no answers yet: left out of the "
                             "statistics; its PMO has answers in wave(s) 2025\n")


@sqlite_only
def test_report_from_the_store_of_an_assessment_without_answers_is_one_line_and_exit_2(db_url, tiny_path,
                                                                                       tmp_path):
    db = _cli_store(db_url, tiny_path, tmp_path)
    out = tmp_path / "reports"
    result = run("report", "positioning", "--store", db, "--assessment", 1, "--instrument", tiny_path,
                 "--out", out)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "error: assessment 1 has no answers yet\n"
    assert not out.exists() or not any(out.iterdir())


def test_store_export_of_an_assessment_without_answers_writes_its_respondents(db_url, tiny_path, tmp_path):
    db = _cli_store(db_url, tiny_path, tmp_path)
    out = tmp_path / "out.csv"
    result = run("store", "export", out, "--db", db, "--instrument", tiny_path)
    assert result.exit_code == 0 and result.stdout.strip() == str(out), result.output
    written = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert sorted(set(written["respondent"])) == ["R1", "R2", "R3"] and written["value"].eq("").all()


@sqlite_only
def test_other_readers_of_the_store_say_so_too(db_url, tiny_path, tmp_path):
    db = _cli_store(db_url, tiny_path, tmp_path)
    assert run("store", "new", "--db", db, "--organisation", "Org", "--pmo", "PMO", "--wave", "2027",
               "--instrument", tiny_path).exit_code == 0
    # a progress report: neither wave has answers
    result = run("report", "progress", "--store", db, "--pmo", 1, "--instrument", tiny_path,
                 "--out", tmp_path / "progress")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert ("has no wave with answers; assessment 1 (wave 2026) has no answers yet; assessment 2 (wave 2027) has "
            "no answers yet; a progress report compares two") in result.stderr
    # the benchmark pool takes finished assessments only
    result = run("benchmark", "add", "--store", db, "--assessment", 1, "--pool", tmp_path / "pool.db",
                 "--instrument", tiny_path)
    assert result.exit_code == 2 and result.stderr.startswith("error: assessment 1 (Org / PMO")
    assert result.stderr.endswith("has no answers yet\n")
    # the overview across the store lists it, without a score
    result = run("overview", "--store", db, "--out", tmp_path / "overview")
    assert result.exit_code == 0, result.output
    assert "no answers yet" in (tmp_path / "overview" / "overview.html").read_text(encoding="utf-8")
