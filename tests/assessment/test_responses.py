"""Reading responses in every form, and every validation problem with its row and column."""

from __future__ import annotations

import hashlib
import math
import zipfile

import openpyxl
import pandas as pd
import pytest

from pmo_workbench.errors import InputValidationError
from pmo_workbench.assessment.responses import TIDY_COLUMNS, read_responses

from tests.helpers import write_csv

LONG_HEADER = "organisation,pmo,respondent,role,item,value\n"


def problems_of(path, instrument) -> list[str]:
    with pytest.raises(InputValidationError) as info:
        read_responses(path, instrument)
    return [str(p) for p in info.value.problems]


# -- the forms that must read ---------------------------------------------------

def test_long_csv(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", """\
        organisation,pmo,pmo_level,respondent,role,item,value,assessed_on,comment
        Org,PMO,enterprise,R1,executive,G1,4,2026-03-01,fine
        Org,PMO,enterprise,R1,executive,G2,,2026-03-01,
        Org,PMO,enterprise,R1,executive,S1,NA,2026-03-01,
        Org,PMO,enterprise,R1,executive,S2,n/a,2026-03-01,
        """)
    frame = read_responses(path, tiny)
    assert list(frame.columns) == list(TIDY_COLUMNS)
    assert frame["item"].tolist() == ["G1", "G2", "S1", "S2"]
    assert frame["value"].iloc[0] == 4.0
    assert frame["value"].iloc[1:].isna().all()
    assert frame["source_row"].tolist() == [2, 3, 4, 5]
    assert frame["pmo_level"].iloc[0] == "enterprise"
    assert frame["assessed_on"].iloc[0] == pd.Timestamp("2026-03-01")
    assert frame["comment"].iloc[0] == "fine"


def test_headers_match_case_insensitively_and_item_ids_and_roles_too(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", """\
         Organisation , PMO ,Respondent,ROLE,Item,Value
        Org,PMO,R1,Executive,g1,5
        Org,PMO,R2,PMO staff,s2,1
        """)
    frame = read_responses(path, tiny)
    assert frame["item"].tolist() == ["G1", "S2"]
    assert frame["role"].tolist() == ["executive", "pmo_staff"]


def test_semicolon_with_bom_and_decimal_comma(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", """\
        organisation;pmo;respondent;role;item;value
        Café & Co;PMO;R1;executive;G1;4,0
        """, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    frame = read_responses(path, tiny)
    assert frame["organisation"].iloc[0] == "Café & Co"
    assert frame["value"].iloc[0] == 4.0


def test_wide_csv_is_detected_and_melted(tiny, tmp_path):
    path = write_csv(tmp_path / "w.csv", """\
        organisation,pmo,respondent,role,G1,g2,S1
        Org,PMO,R1,executive,5,,2
        Org,PMO,R2,pmo_staff,1,3,NA
        """)
    frame = read_responses(path, tiny).sort_values(["respondent", "item"]).reset_index(drop=True)
    assert len(frame) == 6
    r1 = frame[frame.respondent == "R1"].set_index("item")["value"]
    assert r1["G1"] == 5.0 and math.isnan(r1["G2"]) and r1["S1"] == 2.0
    assert frame[frame.respondent == "R2"]["source_row"].unique().tolist() == [3]


def test_xlsx_reads_the_responses_sheet(tiny, tmp_path):
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["ignore me"])
    ws = wb.create_sheet("Responses")
    ws.append(["organisation", "pmo", "respondent", "role", "item", "value", "assessed_on"])
    ws.append(["Org", "PMO", "R1", "executive", "G1", 4, pd.Timestamp("2026-02-03").to_pydatetime()])
    ws.append(["Org", "PMO", "R1", "executive", "G2", None, None])
    wb.save(path)
    frame = read_responses(path, tiny)
    assert frame["value"].iloc[0] == 4.0 and math.isnan(frame["value"].iloc[1])
    assert frame["assessed_on"].iloc[0] == pd.Timestamp("2026-02-03")


def test_xlsx_without_responses_sheet_reads_the_first(tiny, tmp_path):
    path = tmp_path / "w.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["organisation", "pmo", "respondent", "role", "G1", "S1"])
    wb.active.append(["Org", "PMO", "R1", "executive", 2, 3])
    wb.save(path)
    assert read_responses(path, tiny)["value"].tolist() == [2.0, 3.0]


def test_identical_repeated_row_is_kept_once(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", LONG_HEADER + "Org,PMO,R1,executive,G1,4\nOrg,PMO,R1,executive,G1,4\n")
    assert len(read_responses(path, tiny)) == 1


def test_blank_lines_keep_spreadsheet_row_numbers(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", LONG_HEADER + "Org,PMO,R1,executive,G1,4\n\nOrg,PMO,R1,executive,G2,9\n")
    assert problems_of(path, tiny) == [
        f"{path}:4:value: value '9' is outside the scale; expected a whole number from 1 to 5, "
        "DK for don't know, or blank/NA for not applicable"
    ]


# -- every problem, located ---------------------------------------------------------

def test_every_problem_is_reported_at_once_with_row_and_column(tiny, tmp_path):
    path = write_csv(tmp_path / "bad.csv", """\
        organisation,pmo,respondent,role,item,value
        Org,PMO,R1,executive,G1,4
        Org,PMO,R1,executive,G9,3
        Org,PMO,R1,executive,G2,seven
        Org,PMO,R1,executive,G3,6
        Org,PMO,R1,executive,G4,2.5
        Org,PMO,R1,pmo_staff,S1,3
        Org,PMO,R2,sponsor,S1,3
        Org,PMO,R1,executive,G1,5
        Org,PMO,,executive,G1,5
        """)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    got = problems_of(path, tiny)
    expected_scale = "expected a whole number from 1 to 5, DK for don't know, or blank/NA for not applicable"
    assert got == [
        f"{path}:3:item: unknown item id 'G9'; the instrument tiny 0.1 has no such item "
        "(close matches: G1, G2, G3)",
        f"{path}:4:value: value 'seven' is not a number; {expected_scale}",
        f"{path}:5:value: value '6' is outside the scale; {expected_scale}",
        f"{path}:6:value: value '2.5' is outside the scale; {expected_scale}",
        f"{path}:7:role: respondent 'R1' is given role 'pmo_staff' here but 'executive' in row 2; "
        "a respondent has one role",
        f"{path}:8:role: unknown role 'sponsor'; expected one of executive, pmo_staff, project_manager",
        f"{path}:9:value: respondent 'R1' answered item G1 twice with different values: '5' here, '4' in row 2",
        f"{path}:10:respondent: missing respondent; every answer needs one",
    ]
    # validation never modifies the input
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_missing_required_columns(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", "organisation,respondent,item,value\nOrg,R1,G1,3\n")
    got = problems_of(path, tiny)
    assert got == [
        f"{path}:1:pmo: missing required column 'pmo' (long form needs organisation, pmo, respondent, role, "
        "item, value)",
        f"{path}:1:role: missing required column 'role' (long form needs organisation, pmo, respondent, role, "
        "item, value)",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "1:-: file is empty"),
        (b"\xef\xbb\xbf\n\n", "1:-: file is empty"),
        (LONG_HEADER.encode(), "2:-: no answers below the header row"),
        (b"organisation,pmo,respondent,role\nOrg,PMO,R1,executive\n", "1:-: no item columns"),
        (LONG_HEADER.encode() + b"Org,PMO,R1,executive,G1,\xe9\n",
         f"2:-: byte {len(LONG_HEADER) + 24} is not UTF-8 (b'\\xe9'); save the file as CSV UTF-8"),
    ],
)
def test_whole_file_problems(tiny, tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    (got,) = problems_of(path, tiny)
    assert got.startswith(f"{path}:{message}")


def test_wide_form_problems(tiny, tmp_path):
    path = write_csv(tmp_path / "w.csv", """\
        organisation,pmo,respondent,role,G1,GX1,comment,S1
        Org,PMO,R1,executive,5,3,,0
        Org,PMO,R1,executive,4,3,,2
        """)
    got = problems_of(path, tiny)
    assert got == [
        f"{path}:1:GX1: unknown item id 'GX1'; the instrument tiny 0.1 has no such item (close matches: G1)",
        f"{path}:1:comment: a 'comment' column is only read in the long form (one answer per row)",
        f"{path}:2:S1: value '0' is outside the scale; expected a whole number from 1 to 5, "
        "DK for don't know, or blank/NA for not applicable",
        f"{path}:3:G1: respondent 'R1' answered item G1 twice with different values: '4' here, '5' in row 2",
    ]


def test_pmo_level_and_date_problems(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", """\
        organisation,pmo,pmo_level,respondent,role,item,value,assesed_on
        Org,PMO,enterprise,R1,executive,G1,4,
        Org,PMO,department,R2,executive,G1,4,
        Org,PMO,galaxy,R3,executive,G1,4,
        """)
    got = problems_of(path, tiny)
    assert got == [
        f"{path}:1:assesed_on: unknown column 'assesed_on' (did you mean 'assessed_on'?)",
        f"{path}:3:pmo_level: PMO 'PMO' of 'Org' is given level 'department' here but 'enterprise' in row 2; "
        "a PMO has one level",
        f"{path}:4:pmo_level: unknown pmo_level 'galaxy'; expected one of project, department, enterprise "
        "or blank",
    ]
    path = write_csv(tmp_path / "d.csv", LONG_HEADER.strip() + ",assessed_on\nOrg,PMO,R1,executive,G1,4,03/14/2026\n")
    assert problems_of(path, tiny) == [
        f"{path}:2:assessed_on: '03/14/2026' is not a date; expected the day assessed as YYYY-MM-DD from 1950 to 2150"
    ]


def test_duplicate_header_and_unnamed_column_with_values(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", "organisation,pmo,respondent,role,item,value,value,\n"
                                          "Org,PMO,R1,executive,G1,4,4,x\n")
    got = problems_of(path, tiny)
    assert got == [
        f"{path}:1:H: column has values but no header",
        f"{path}:1:value: column 'value' appears twice; each column once",
    ]


def test_not_a_workbook(tiny, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_text("not a zip")
    (got,) = problems_of(path, tiny)
    assert got.startswith(f"{path}:-:-: cannot read as an Excel workbook")


def test_missing_file(tiny, tmp_path):
    assert problems_of(tmp_path / "nope.csv", tiny) == [f"{tmp_path / 'nope.csv'}:-:-: no such file"]


def test_xlsx_problems_use_spreadsheet_rows(tiny, tmp_path):
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["organisation", "pmo", "respondent", "role", "G1", "S1"])
    ws.append(["Org", "PMO", "R1", "executive", 2, 3])
    ws.append(["Org", "PMO", "R2", "executive", 8, 3])
    wb.save(path)
    assert problems_of(path, tiny) == [
        f"{path}[Sheet]:3:G1: value '8' is outside the scale; expected a whole number from 1 to 5, "
        "DK for don't know, or blank/NA for not applicable"
    ]


# -- several problems per row, and files that are awkward to read -------------------------

def test_one_row_can_carry_several_problems(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", LONG_HEADER + "Org,PMO,R1,sponsor,G9,seven\nOrg,PMO,,executive,XX,3\n")
    got = problems_of(path, tiny)
    assert [g.split(": ", 1)[0].removeprefix(f"{path}:") for g in got] == [
        "2:item", "2:role", "2:value", "3:item", "3:respondent",
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # a blank answer first, then a value: the later row is located and both values quoted
        ("Org,PMO,R1,executive,G1,\nOrg,PMO,R1,executive,G1,4\n",
         ["3:value: respondent 'R1' answered item G1 twice with different values: '4' here, 'blank' in row 2"]),
        # blank then NA: both mean not answered, so they agree
        ("Org,PMO,R1,executive,G1,\nOrg,PMO,R1,executive,G1,NA\nOrg,PMO,R1,executive,G2,9\n",
         ["4:value: value '9' is outside the scale; expected a whole number from 1 to 5, "
          "DK for don't know, or blank/NA for not applicable"]),
        # an invalid value is reported once, not also as a duplicate
        ("Org,PMO,R1,executive,G1,4\nOrg,PMO,R1,executive,G1,seven\n",
         ["3:value: value 'seven' is not a number; expected a whole number from 1 to 5, "
          "DK for don't know, or blank/NA for not applicable"]),
        # a blank respondent is reported once, not also as a duplicate of another blank respondent
        ("Org,PMO,,executive,G1,4\nOrg,PMO,,executive,G1,5\n",
         ["2:respondent: missing respondent; every answer needs one",
          "3:respondent: missing respondent; every answer needs one"]),
    ],
)
def test_duplicates_compare_like_with_like(tiny, tmp_path, rows, expected):
    path = write_csv(tmp_path / "r.csv", LONG_HEADER + rows)
    assert problems_of(path, tiny) == [f"{path}:{e}" for e in expected]


def test_dates_must_be_iso(tiny, tmp_path):
    head = LONG_HEADER.strip() + ",assessed_on\n"
    ok = write_csv(tmp_path / "ok.csv", head + "Org,PMO,R1,executive,G1,4,2026-03-01T10:00+02:00\n"
                                               "Org,PMO,R1,executive,G2,4,2026-03-01\n")
    assert read_responses(ok, tiny)["assessed_on"].tolist() == [pd.Timestamp("2026-03-01")] * 2
    bad = write_csv(tmp_path / "bad.csv", head + "Org,PMO,R1,executive,G1,4,2026\n"
                                                 "Org,PMO,R1,executive,G2,4,20260301\n"
                                                 "Org,PMO,R1,executive,G3,4,2026-02-30\n")
    assert [p.split(": ")[0].removeprefix(f"{bad}:") for p in problems_of(bad, tiny)] == [
        "2:assessed_on", "3:assessed_on", "4:assessed_on"]


def test_blank_first_line(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", "\n" + LONG_HEADER + "Org,PMO,R1,executive,G1,4\n")
    assert problems_of(path, tiny) == [f"{path}:1:-: row 1 is blank; the header must be the first row"]


def test_every_ragged_row_is_reported_with_the_other_problems(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", LONG_HEADER +
                     "Org,PMO,R1,executive,G1,3,extra\n"
                     "Org,PMO,R1,executive,G9,3\n"
                     "Org,PMO,R1,executive,G2,3,x,y\n"
                     "Org,PMO,R1,executive,G3,3,\n")  # a trailing comma alone is harmless
    assert problems_of(path, tiny) == [
        f"{path}:2:-: row has 7 fields but the header has 6; check for an unquoted ',' in a value",
        f"{path}:3:item: unknown item id 'G9'; the instrument tiny 0.1 has no such item (close matches: G1, G2, G3)",
        f"{path}:4:-: row has 8 fields but the header has 6; check for an unquoted ',' in a value",
    ]


def test_unclosed_quote(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", LONG_HEADER + "Org,PMO,R1,executive,G1,4\n"
                                                      'Org,"PMO,R1,executive,G2,4\n')
    assert problems_of(path, tiny) == [
        f"{path}:3:-: a quoted value that starts on this row is never closed; check the quotes"]


def test_quoted_newline_counts_as_one_row(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", "organisation,pmo,respondent,role,item,value,comment\n"
                                         'Org,PMO,R1,executive,G1,4,"two\nlines"\n'
                                         "Org,PMO,R1,executive,G2,0,\n")
    assert problems_of(path, tiny)[0].startswith(f"{path}:3:value: value '0' is outside the scale")


def _workbook(path, rows, title="responses"):
    wb = openpyxl.Workbook()
    wb.active.title = title
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_excel_error_cells_are_rejected_not_taken_as_unanswered(tiny, tmp_path):
    path = _workbook(tmp_path / "r.xlsx", [
        ["organisation", "pmo", "respondent", "role", "item", "value"],
        ["Org", "PMO", "R1", "executive", "G1", "#DIV/0!"],
    ])
    assert '<c r="F2" t="e"><v>#DIV/0!</v></c>' in _sheet_xml(path)  # stored as an error cell
    assert problems_of(path, tiny) == [
        f"{path}[responses]:2:value: value '#DIV/0!' is not a number; expected a whole number from 1 to 5, "
        "DK for don't know, or blank/NA for not applicable"]


def test_excel_formulas_use_the_saved_result_or_are_reported(tiny, tmp_path):
    path = _workbook(tmp_path / "r.xlsx", [
        ["organisation", "pmo", "respondent", "role", "item", "value"],
        ["Org", "PMO", "R1", "executive", "G1", "=2+2"],
        ["Org", "PMO", "R1", "executive", "G2", "=1+1"],
    ])
    # as saved by a spreadsheet program: the first formula carries its result, the second none
    _patch_sheet(path, "<f>2+2</f><v />", "<f>2+2</f><v>4</v>")
    assert problems_of(path, tiny) == [
        f"{path}[responses]:3:value: formula with no saved result; open and save the file in Excel, or type the value"]
    _patch_sheet(path, "<f>1+1</f><v />", "<f>1+1</f><v>2</v>")
    assert read_responses(path, tiny)["value"].tolist() == [4.0, 2.0]


def _sheet_xml(path):
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def _patch_sheet(path, old, new):
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode().replace("<v></v>", "<v />")  # openpyxl with lxml or not
    assert old in sheet, sheet
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(old, new).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_empty_sheet_names_the_sheet_and_the_others(tiny, tmp_path):
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Intro"
    wb.create_sheet("Answers").append(["organisation", "pmo", "respondent", "role", "G1"])
    wb.save(path)
    assert problems_of(path, tiny) == [
        f"{path}[Intro]:1:-: sheet 'Intro' is empty (other sheets: Answers; name the one with the answers 'responses')"]


def test_excel_rows_keep_their_numbers_when_the_top_is_blank(tiny, tmp_path):
    path = tmp_path / "r.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"], ws["D1"], ws["E1"] = "organisation", "pmo", "respondent", "role", "G1"
    ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "Org", "PMO", "R1", "executive", 9
    wb.save(path)
    assert problems_of(path, tiny)[0].startswith(f"{path}[Sheet]:4:G1: value '9' is outside the scale")


def test_a_folder_is_not_a_responses_file(tiny, tmp_path):
    assert problems_of(tmp_path, tiny) == [f"{tmp_path}:-:-: is a folder, not a file"]


@pytest.mark.parametrize(("cell", "message"), [
    ("3026-03-14", "'3026-03-14' is outside the years 1950-2150; expected the day assessed as YYYY-MM-DD from 1950 "
                   "to 2150"),
    ("2026-02-30", "'2026-02-30' is not a real date (no such month or day); expected the day assessed as YYYY-MM-DD "
                   "from 1950 to 2150"),
    ("46000", "'46000' is a number, not a date; expected the day assessed as YYYY-MM-DD from 1950 to 2150"),
])
def test_assessed_on_outside_the_years_or_not_a_day_is_located(tiny, tmp_path, cell, message):
    path = write_csv(tmp_path / "d.csv", LONG_HEADER.strip() + f",assessed_on\nOrg,PMO,R1,executive,G1,4,{cell}\n")
    assert problems_of(path, tiny) == [f"{path}:2:assessed_on: {message}"]


def test_assessed_on_with_a_time_is_its_day(tiny, tmp_path):
    path = write_csv(tmp_path / "d.csv", LONG_HEADER.strip() + ",assessed_on\nOrg,PMO,R1,executive,G1,4,"
                                                               "2026-03-14T09:30:00\n")
    assert read_responses(path, tiny)["assessed_on"].tolist() == [pd.Timestamp("2026-03-14")]
