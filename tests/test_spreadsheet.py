"""The generic CSV and Excel readers of ``pmo_workbench._spreadsheet``, attacked with hostile files, and the
formula-injection helpers that writers use."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmo_workbench._io import TRIGGERS, neutralise, restore, text_cell, write_csv
from pmo_workbench._spreadsheet import read_csv_cells, read_excel_sheets
from pmo_workbench.assessment.responses import read_responses, read_responses_file
from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio import read_portfolio
from tests.helpers import write_portfolio
from tests.portfolio.test_portfolio_workbook import projects

LONG_HEADER = ["organisation", "pmo", "respondent", "role", "item", "value"]
NO_RESULT = "formula with no saved result; open and save the file in Excel, or type the value"


def problems_of(call, *args) -> list[str]:
    with pytest.raises(InputValidationError) as info:
        call(*args)
    return [str(p) for p in info.value.problems]


# -- building hostile workbooks: a normal one from openpyxl, its sheet XML rewritten ------------------

def workbook(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> Path:
    """Write ``{sheet name: rows}`` with openpyxl; the sheets named in ``hidden`` are hidden."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def rewrite_sheet(path: Path, edit, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """Replace a sheet's XML by ``edit(xml)`` inside the zip."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    xml = parts[part].decode()
    new = edit(xml)
    assert new != xml, "the edit changed nothing"
    parts[part] = new.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def dimension(ref: str):
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)


def before_sheet_data(text: str):
    return lambda xml: xml.replace("<sheetData>", text + "<sheetData>", 1)


def at_end_of_sheet_data(text: str):
    return lambda xml: xml.replace("</sheetData>", text + "</sheetData>", 1)


def numbered_rows(n: int) -> list[list]:
    return [["id", "amount", "when"], *([f"P{i}", i * 1.5, dt.date(2026, 1, 1 + i % 28)] for i in range(n))]


# -- 1. every cell that holds a value is read, whatever size the sheet declares ------------------

def test_a_stale_dimension_does_not_hide_rows(tmp_path):
    path = rewrite_sheet(workbook(tmp_path / "b.xlsx", {"data": numbered_rows(100)}), dimension("A1:C14"))
    ((table, problems),) = read_excel_sheets(path).values()
    assert problems == [] and table.shape == (101, 3)
    assert table.iloc[100].tolist() == ["P99", "148.5", "2026-01-16"]


def test_a_responses_workbook_with_a_stale_dimension_keeps_every_respondent(tiny, tmp_path):
    rows = [LONG_HEADER, *(["Org", "PMO", f"R{i}", "executive", "G1", 3] for i in range(1, 8))]
    path = rewrite_sheet(workbook(tmp_path / "r.xlsx", {"responses": rows}), dimension("A1:F3"))
    assert read_responses(path, tiny)["respondent"].tolist() == [f"R{i}" for i in range(1, 8)]


def test_a_portfolio_sheet_with_a_stale_dimension_keeps_every_risk(tmp_path):
    risks = [{"risk_id": f"R{i}", "project_id": "ALPHA", "kind": "threat", "probability": 0.1, "impact": 100}
             for i in range(102)]
    path = write_portfolio(tmp_path, {"projects": projects(), "risks": risks}, form="xlsx")
    rewrite_sheet(path, dimension("A1:E14"), part="xl/worksheets/sheet2.xml")
    assert len(read_portfolio(path).risks) == 102


# Formatting that reaches the last cell, with the dimension a spreadsheet program saves for it.
INFLATED = {
    "dimension of the whole grid": dimension("A1:XFD1048576"),
    "styled empty last cell": lambda xml: dimension("A1:XFD1048576")(
        at_end_of_sheet_data('<row r="1048576"><c r="XFD1048576" s="1"/></row>')(xml)),
    "styled rows and columns": lambda xml: dimension("A1:XFD1048576")(before_sheet_data(
        '<cols><col min="1" max="16384" width="9" style="1" customWidth="1"/></cols>')(
        at_end_of_sheet_data("".join(f'<row r="{r}" s="1" customFormat="1"/>'
                                     for r in range(1_048_000, 1_048_577)))(xml))),
}

_READ_BOUNDED = textwrap.dedent("""\
    import json, resource, sys
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from pmo_workbench._spreadsheet import read_excel_sheets
    from pmo_workbench.errors import InputValidationError
    try:
        result = {name: [table.shape[0], table.shape[1], table.iloc[-1].tolist(), [str(p) for p in problems]]
                  for name, (table, problems) in read_excel_sheets(sys.argv[1]).items()}
    except InputValidationError as exc:
        result = {"problems": [str(p) for p in exc.problems]}
    print(json.dumps(result))
    """)


def read_bounded(path: Path, limit: int = 1536 * 2**20) -> dict:
    """``read_excel_sheets(path)`` in a child process whose address space is capped at ``limit`` bytes."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _READ_BOUNDED, str(path), str(limit)], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("edit", INFLATED.values(), ids=INFLATED.keys())
def test_an_inflated_used_range_is_read_in_bounded_memory(tmp_path, edit):
    path = rewrite_sheet(workbook(tmp_path / "b.xlsx", {"data": numbered_rows(100)}), edit)
    assert path.stat().st_size < 20_000
    assert read_bounded(path) == {"data": [101, 3, ["P99", "148.5", "2026-01-16"], []]}


STRAY = {
    "number": '<c r="XFD1048576"><v>1</v></c>',
    "empty inline text": '<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>',
}


@pytest.mark.slow
@pytest.mark.parametrize("cell", STRAY.values(), ids=STRAY.keys())
def test_a_stray_value_in_the_last_cell_is_refused_in_bounded_memory(tmp_path, cell):
    path = rewrite_sheet(workbook(tmp_path / "b.xlsx", {"data": numbered_rows(3)}),
                         at_end_of_sheet_data(f'<row r="1048576">{cell}</row>'))
    (problem,) = read_bounded(path)["problems"]
    assert problem.startswith(f"{path}[data]:1048576:-: the sheet is too large to read: its cells with values "
                              "reach row 1,048,576 (cell XFD1048576) and column XFD (cell XFD1048576)")


# -- 2. hidden sheets -----------------------------------------------------------------------------

ANSWERS = [LONG_HEADER, ["Org", "PMO", "R1", "executive", "G1", 4]]
STALE = [LONG_HEADER, ["Old", "PMO", "R0", "executive", "G1", 1]]


@pytest.mark.parametrize(
    ("sheets", "hidden", "read"),
    [
        # a hidden first sheet is passed over for the first visible one
        ({"old": STALE, "current": ANSWERS}, ("old",), "current"),
        # a sheet named responses is read even when hidden: it is named
        ({"notes": [["x"]], "Responses": ANSWERS}, ("Responses",), "Responses"),
        # all visible: the first
        ({"current": ANSWERS, "old": STALE}, (), "current"),
    ],
)
def test_the_responses_sheet_read_is_the_named_one_else_the_first_visible(tiny, tmp_path, sheets, hidden, read):
    path = workbook(tmp_path / "r.xlsx", sheets, hidden)
    got = read_responses_file(path, tiny)
    assert (got.sheet, got.where) == (read, f"{path}[{read}]")
    assert got.frame["organisation"].tolist() == ["Org"]


def test_responses_problems_name_the_sheet_read(tiny, tmp_path):
    bad = [LONG_HEADER, ["Org", "PMO", "R1", "executive", "G1", 9]]
    path = workbook(tmp_path / "r.xlsx", {"old": STALE, "Current": bad}, hidden=("old",))
    assert problems_of(read_responses, path, tiny) == [
        f"{path}[Current]:2:value: value '9' is outside the scale; expected a whole number from 1 to 5, "
        "DK for don't know, or blank/NA for not applicable"]


def test_a_responses_csv_is_its_own_location(tiny, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("organisation,pmo,respondent,role,item,value\nOrg,PMO,R1,executive,G1,4\n", encoding="utf-8")
    got = read_responses_file(path, tiny)
    assert (got.sheet, got.where, len(got.frame)) == (None, str(path), 1)


def test_portfolio_sheets_are_read_by_name_even_hidden(tmp_path):
    risks = [{"risk_id": "R1", "project_id": "ALPHA", "kind": "threat", "probability": 0.1, "impact": 100}]
    path = write_portfolio(tmp_path, {"projects": projects(), "risks": risks}, form="xlsx")
    book = openpyxl.load_workbook(path)
    book["risks"].sheet_state = "hidden"
    book.save(path)
    assert read_portfolio(path).risks["risk_id"].tolist() == ["R1"]


# -- 3. cells and formulas -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "text"),
    [
        (4, "4"),
        (4.0, "4"),
        (2.5, "2.5"),
        (-0.125, "-0.125"),
        (True, "True"),
        (False, "False"),
        (dt.date(2026, 2, 3), "2026-02-03"),
        (dt.datetime(2026, 2, 3), "2026-02-03"),
        (dt.datetime(2026, 2, 3, 4, 5, 6), "2026-02-03T04:05:06"),
        (dt.time(4, 5), "04:05:00"),
        ("#DIV/0!", "#DIV/0!"),
        ("#N/A", "#N/A"),
        ("  padded  ", "padded"),
        ("Café", "Café"),
    ],
)
def test_cells_read_as_a_csv_export_holds_them(tmp_path, value, text):
    path = workbook(tmp_path / "b.xlsx", {"s": [["head"], [value]]})
    assert read_excel_sheets(path)["s"][0].iloc[1, 0] == text


# (cell XML as a spreadsheet program saves it, the text read, the problems)
FORMULAS = [
    ('<c r="B2"><f>2+2</f><v>4</v></c>', "4", []),
    ('<c r="B2" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>', "ab", []),
    ('<c r="B2" t="str"><f>""</f><v></v></c>', "", []),  # an empty text result is a saved result
    ('<c r="B2" t="b"><f>1=1</f><v>1</v></c>', "True", []),
    ('<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!", []),
    ('<c r="B2"><f>2+2</f><v /></c>', "", [":2:amount: " + NO_RESULT]),
    ('<c r="B2"><f>2+2</f></c>', "", [":2:amount: " + NO_RESULT]),
    ('<c r="B2"><f t="shared" ref="B2:B2" si="0">A2*2</f></c>', "", [":2:amount: " + NO_RESULT]),
]


@pytest.mark.parametrize(("cell", "text", "problems"), FORMULAS)
def test_formulas_read_their_saved_result_or_are_reported(tmp_path, cell, text, problems):
    path = workbook(tmp_path / "b.xlsx", {"s": [["id", "amount", "note"], ["P1", 0, "n"]]})
    rewrite_sheet(path, lambda xml: re.sub(r'<c r="B2"[^>]*>.*?</c>', cell, xml))
    table, found = read_excel_sheets(path)["s"]
    assert table.iloc[1].tolist() == ["P1", text, "n"]
    assert [str(p).removeprefix(str(path)) for p in found] == problems


def test_a_formula_without_result_on_a_headerless_column_names_its_letter(tmp_path):
    path = workbook(tmp_path / "b.xlsx", {"s": [["id"], ["P1", "=1+1"]]})
    assert [str(p) for p in read_excel_sheets(path)["s"][1]] == [f"{path}:2:B: {NO_RESULT}"]


def test_text_cells_stay_text_and_read_back_as_written(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "s"
    hostile = ["=1+2", "@SUM(A1)", '=HYPERLINK("http://x","y")', "-2+3"]
    ws.append([text_cell(ws, "head")])
    for text in hostile:
        cell = text_cell(ws, text)
        assert cell.data_type == "s"
        ws.append([cell])
    wb.save(tmp_path / "b.xlsx")
    table, problems = read_excel_sheets(tmp_path / "b.xlsx")["s"]
    assert problems == [] and table[0].tolist() == ["head", *hostile]


# -- 4. CSV encodings, delimiters and folders --------------------------------------------------------

CSV_TEXT = "organisation,pmo,respondent,role,item,value\nOrg,PMO,R1,executive,G1,4\n"
UTF16 = "the file is UTF-16 text, not UTF-8; save the file as CSV UTF-8"
TABS = "the file is tab-delimited; save it comma-separated (CSV UTF-8)"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CSV_TEXT.encode("utf-16"), f":-:-: {UTF16}"),  # with its BOM (FF FE on this machine)
        (b"\xff\xfe" + CSV_TEXT.encode("utf-16-le"), f":-:-: {UTF16}"),
        (b"\xfe\xff" + CSV_TEXT.encode("utf-16-be"), f":-:-: {UTF16}"),
        (CSV_TEXT.encode("utf-16-le"), f":-:-: {UTF16}"),  # no BOM: NUL after every ASCII byte
        (CSV_TEXT.encode("utf-16-be"), f":-:-: {UTF16}"),
        (CSV_TEXT.replace(",", "\t").encode(), f":1:-: {TABS}"),
        ("\ufeff".encode() + CSV_TEXT.replace(",", "\t").encode(), f":1:-: {TABS}"),
    ],
)
def test_utf16_and_tab_delimited_files_get_one_clear_problem(tiny, tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    assert problems_of(read_csv_cells, path) == [f"{path}{message}"]
    assert problems_of(read_responses, path, tiny) == [f"{path}{message}"]


def test_tabs_inside_a_comma_file_are_kept(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("a,b\n\tx,y\tz\n", encoding="utf-8")
    table, _ = read_csv_cells(path)
    assert table.iloc[1].tolist() == ["x", "y\tz"]


@pytest.mark.parametrize("reader", [read_csv_cells, read_excel_sheets])
def test_a_folder_is_not_a_file(tmp_path, reader):
    assert problems_of(reader, tmp_path) == [f"{tmp_path}:-:-: is a folder, not a file"]


def test_a_folder_given_for_responses(tiny, tmp_path):
    folder = tmp_path / "r.xlsx"
    folder.mkdir()
    assert problems_of(read_responses, folder, tiny) == [f"{folder}:-:-: is a folder, not a file"]


# -- 5. formula injection ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=already", "''=already"),
        ("''-x", "'''-x"),
        ("'quoted", "'quoted"),
        ("'", "'"),
        ("", ""),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (" =1", " =1"),
    ],
)
def test_neutralise_and_restore(text, written):
    assert neutralise(text) == written
    assert restore(written) == text


@given(st.text())
def test_restore_undoes_neutralise_and_no_neutralised_text_starts_a_formula(text):
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(TRIGGERS)


@given(st.text())
def test_restore_leaves_text_alone_that_neutralise_leaves_alone(text):
    if neutralise(text) == text:
        assert restore(text) == text


HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "\t=1", "'=already",
           "''+x", "'plain", "plain", "", 'say "hi", twice', "line\nbreak", "=1;2"]


def test_write_csv_then_read_csv_cells_gives_the_same_strings(tmp_path):
    frame = pd.DataFrame({"=head": HOSTILE, "other": list(reversed(HOSTILE))})
    path = write_csv(frame, tmp_path / "out.csv")
    raw = path.read_bytes()
    assert b"\r\n" not in raw and not raw.startswith(b"\xef\xbb\xbf")
    table, problems = read_csv_cells(path)
    assert problems == []
    assert table.iloc[0].tolist() == ["=head", "other"]
    assert table.iloc[1:].reset_index(drop=True).equals(frame.set_axis([0, 1], axis=1))
    # nothing a spreadsheet program would run
    cells = [c for line in raw.decode().split("\n") for c in line.split(",")]
    assert not any(c.startswith(TRIGGERS) for c in cells)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
                .map(str.strip).filter(lambda t: "\r" not in t), min_size=1, max_size=5))
def test_write_csv_round_trips_any_stripped_text(tmp_path_factory, texts):
    frame = pd.DataFrame({"text": texts, "n": range(len(texts))})
    path = write_csv(frame, tmp_path_factory.mktemp("rt") / "out.csv")
    table, _ = read_csv_cells(path)
    assert table[0].iloc[1:].tolist() == texts


def test_write_csv_keeps_numbers_as_numbers(tmp_path):
    frame = pd.DataFrame({"x": [-5.0, 2.5], "n": [-1, 3], "t": ["-5", "ok"]})
    path = write_csv(frame, tmp_path / "n.csv")
    assert path.read_text(encoding="utf-8") == "x,n,t\n-5.0,-1,'-5\n2.5,3,ok\n"
    assert read_csv_cells(path)[0].iloc[1].tolist() == ["-5.0", "-1", "-5"]
