"""Inputs the fuzz tests found breaking a reader, kept as plain tests: each is refused with located one-line
problems, or loaded, as it should be."""

from __future__ import annotations

import pytest

from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.errors import InputValidationError, Problem

from .support import EXAMPLES, located

ROOT_PORTFOLIOS = EXAMPLES / "portfolios"


def _problems(call) -> list[str]:
    try:
        call()
    except InputValidationError as exc:
        return [str(p) for p in exc.problems]
    raise AssertionError("the input was not refused")


def test_a_cell_with_a_line_break_or_a_terminal_escape_stays_in_one_line_of_its_problem(tmp_path, core):
    # Found on a wide responses file: the messages quoted the cells as they were, so a line break made two lines of
    # `path:row:column: message` and an escape sequence reached the terminal.
    path = tmp_path / "responses.csv"
    path.write_text('organisation,pmo,pmo_level,respondent,role,MAN1\n'
                    'Acme,PMO,"depart\nment",R1,executive,"3\x1b[2J"\n', encoding="utf-8")
    problems = _problems(lambda: read_responses(path, core))
    assert problems == [
        f"{path}:2:MAN1: value '3\\x1b[2J' is not a number; expected a whole number from 1 to 5, DK for don't know, "
        "or blank/NA for not applicable",
        f"{path}:2:pmo_level: unknown pmo_level 'depart\\nment'; expected one of project, department, enterprise or "
        "blank",
    ]


def test_a_problem_escapes_control_characters_and_line_separators_in_every_part():
    problem = Problem("book\n.xlsx", 3, "col\r\numn", "value 'a\u2028b\x85c\x7f' is odd\tsee")
    assert str(problem) == "book\\n.xlsx:3:col\\r\\numn: value 'a\\u2028b\\x85c\\x7f' is odd\\tsee"
    assert problem.message == "value 'a\\u2028b\\x85c\\x7f' is odd\\tsee"
    plain = Problem("book.xlsx", None, None, "no control here: é, 💥")
    assert plain.message == "no control here: é, 💥"


def test_the_property_refuses_a_problem_outside_the_input(tmp_path):
    error = InputValidationError([Problem("elsewhere.csv", 2, "x", "bad")])
    try:
        located(error, tmp_path)
    except AssertionError as exc:
        assert "not located in the input" in str(exc)
    else:
        raise AssertionError("a problem naming another file passed as located")


def test_a_blank_instrument_cell_in_a_csv_manifest_takes_the_default(tmp_path):
    # Found on the seed manifest: a CSV manifest with an instrument column, a positioning row naming pmo-core and a
    # portfolio row leaving it blank (it does not apply there) was refused with "instrument: input should be a valid
    # string"; a blank cell is a column left out, as in a YAML manifest.
    from pmo_workbench.reports.manifest import read_manifest

    from .support import write_csv
    from .test_fuzz_portfolio import seeds

    (tmp_path / "portfolio").mkdir()
    for name, table in seeds()[0].items():
        write_csv(tmp_path / "portfolio" / f"{name}.csv", table)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("report,organisation,portfolio,as_of,instrument\n"
                        "portfolio,Harrowmoor Water Services,portfolio,2026-03-31,\n", encoding="utf-8")
    [spec] = read_manifest(manifest)
    assert (spec.report, spec.organisation) == ("portfolio", "Harrowmoor Water Services")
    manifest.write_text("report,organisation,portfolio,as_of,instrument\n"
                        "portfolio,Harrowmoor Water Services,portfolio,2026-03-31,pmo-core\n", encoding="utf-8")
    assert _problems(lambda: read_manifest(manifest)) == [
        f"{manifest}:2:instrument: does not apply to a portfolio report"]


def test_a_manifest_cell_no_file_can_be_named_by_is_a_located_problem(tmp_path):
    # Found by the fuzz tests: a file name longer than the system takes ended in "OSError: [Errno 36] File name too
    # long", a NUL character in the instrument column in "ValueError: embedded null byte".
    from pmo_workbench.reports.manifest import read_manifest

    (tmp_path / "responses.csv").write_text("organisation,pmo,respondent,role,item,value\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    long_name = "responses.csv" * 40
    manifest.write_text("report,organisation,responses,instrument\n"
                        f"positioning,Acme,{long_name},pmo-core\n"
                        "positioning,Acme,responses.csv,pmo-core\x00\n"
                        f"positioning,Acme,{'d/' * 2100}r.csv,pmo-core\n", encoding="utf-8")
    assert _problems(lambda: read_manifest(manifest)) == [
        f"{manifest}:2:responses: names a file or folder of 520 bytes; a name may have 255 at most",
        f"{manifest}:3:instrument: holds a NUL character, which no file name can",
        f"{manifest}:4:responses: a path of 4205 bytes; the system takes 4096 at most",
    ]
    yaml_manifest = tmp_path / "manifest.yaml"
    yaml_manifest.write_text(f"- {{report: positioning, organisation: Acme, responses: {long_name}}}\n",
                             encoding="utf-8")
    assert _problems(lambda: read_manifest(yaml_manifest)) == [
        f"{yaml_manifest}:1:responses: names a file or folder of 520 bytes; a name may have 255 at most"]


# Found with dates at the edges (years 1, 1725, 3026, 9999 in one cell of the Harrowmoor CSV folder): each ended in
# pandas' OutOfBoundsDatetime or an OverflowError from the dates' arithmetic, in whichever sheet held the date.
_EDGE_DATES = [
    ("projects.csv", 1, "finish", "3026-09-30"),
    ("projects.csv", 1, "finish", "9999-12-31"),
    ("projects.csv", 1, "start", "0001-10-01"),
    ("projects.csv", 1, "start", "1725-10-01"),
    ("projects.csv", 1, "forecast_finish", "3026-10-05"),
    ("projects.csv", 1, "status_date", "3026-03-31"),
    ("milestones.csv", 1, "planned", "3025-12-13"),
    ("benefits.csv", 1, "due", "3027-07-30"),
    ("status_history.csv", 1, "status_date", "3025-10-31"),
    ("dependencies.csv", 2, "needed_by", "3026-03-08"),
    ("financials.csv", 1, "month", "3025-10"),
    ("assignments.csv", 1, "month", "3025-11"),
]


def _edited_harrowmoor(tmp_path, sheet: str, row: int, column: str, value: str):
    import shutil

    import pandas as pd

    folder = tmp_path / "harrowmoor"
    shutil.copytree(ROOT_PORTFOLIOS / "harrowmoor-water-services", folder)
    frame = pd.read_csv(folder / sheet, dtype=str, keep_default_na=False)
    frame.loc[row - 1, column] = value
    frame.to_csv(folder / sheet, index=False)
    return folder


@pytest.mark.parametrize(("sheet", "row", "column", "value"), _EDGE_DATES)
def test_a_date_outside_the_years_1950_2150_in_any_sheet_is_a_located_problem(tmp_path, sheet, row, column, value):
    from pmo_workbench.portfolio import read_portfolio

    folder = _edited_harrowmoor(tmp_path, sheet, row, column, value)
    problems = _problems(lambda: read_portfolio(folder))
    mine = [p for p in problems if f"{sheet}:{row + 1}:{column}:" in p]
    assert mine, problems
    assert f"'{value}' is outside the years 1950-2150" in mine[0], mine


@pytest.mark.parametrize("as_of", ["3026-03-31", "1725-05-01"])
def test_a_status_date_outside_the_years_1950_2150_is_a_located_problem_not_an_overflow(as_of):
    from pmo_workbench.portfolio import analyse_portfolio, read_portfolio

    portfolio = read_portfolio(ROOT_PORTFOLIOS / "harrowmoor-water-services")
    problems = _problems(lambda: analyse_portfolio(portfolio, as_of=as_of))
    assert len(problems) == 1 and f"'{as_of}' is outside the years 1950-2150" in problems[0], problems
