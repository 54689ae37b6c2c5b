"""Blank intake workbooks: who is asked what, "don't know" accepted, reverse wording not shown."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pmo_workbench.assessment.intake import write_responses_template
from pmo_workbench.assessment.responses import read_responses

from tests.audience_instrument import audience_instrument


@pytest.fixture(scope="module")
def aud(tmp_path_factory):
    return audience_instrument(tmp_path_factory.mktemp("audience"))


def rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("form", ["long", "wide"])
def test_the_items_sheet_says_whom_each_item_is_asked_of_and_not_which_are_reversed(aud, tmp_path, form):
    book = load_workbook(write_responses_template(aud, form, tmp_path / f"{form}.xlsx"))
    sheet = rows(book["items"])
    assert sheet[0] == ["item", "dimension", "text", "asked of"]
    by_item = {r[0]: r for r in sheet[1:12]}
    # G2 is reverse-worded in the instrument: nothing says so. S2 is asked of PMO staff only.
    assert by_item["G2"] == ["G2", "Governance", "g two", "every role"]
    assert by_item["S2"] == ["S2", "Support", "s two", "PMO staff"]
    assert all(r[3] == "every role" for item, r in by_item.items() if item != "S2")
    assert ["scale", "1 to 5; DK = don't know; blank or NA = not applicable"] == sheet[13][:2]
    notes = [r[1] for r in sheet if r[0] == "note"]
    assert notes == (["One column per item, for every role: leave blank the items your role is not asked "
                      "(see 'asked of')."] if form == "wide" else [])


@pytest.mark.parametrize("form, cells", [("long", "G2:G501"), ("wide", "G2:Q501")])
def test_the_value_rule_accepts_the_scale_dk_and_na(aud, tmp_path, form, cells):
    book = load_workbook(write_responses_template(aud, form, tmp_path / f"{form}.xlsx"))
    (rule,) = [r for r in book["responses"].data_validations.dataValidation if r.type == "custom"]
    first = cells.split(":")[0]
    assert str(rule.sqref) == cells
    assert rule.formula1 == (f'OR(AND(ISNUMBER({first}),{first}={"INT"}({first}),{first}>=1,{first}<=5),'
                             f'UPPER(TRIM({first}))="DK",UPPER(TRIM({first}))="NA",UPPER(TRIM({first}))="N/A")')
    assert rule.allow_blank and rule.showErrorMessage
    assert "DK" in rule.error and "DK = don't know" in rule.prompt


def test_the_long_form_lists_the_items_each_role_is_asked(aud, tmp_path):
    book = load_workbook(write_responses_template(aud, "long", tmp_path / "long.xlsx"))
    assert book.sheetnames == ["responses", "items", "by role"]
    sheet = rows(book["by role"])
    assert sheet[0] == ["Executive", "PMO staff", "Project manager"]
    columns = [[r[i] for r in sheet[1:] if r[i] is not None] for i in range(3)]
    every = ["G1", "G2", "G3", "G4", "S1", "P1", "P2", "P3", "P4", "P5"]
    assert columns == [every, every[:5] + ["S2"] + every[5:], every]


def test_the_wide_form_keeps_one_column_per_item_and_its_comment_names_the_roles(aud, tmp_path):
    book = load_workbook(write_responses_template(aud, "wide", tmp_path / "wide.xlsx"))
    assert book.sheetnames == ["responses", "items"]
    header = rows(book["responses"])[0]
    assert header[6:] == ["G1", "G2", "G3", "G4", "S1", "S2", "P1", "P2", "P3", "P4", "P5"]
    assert book["responses"]["L1"].comment.text == "S2: s two\nAsked of: PMO staff"


def test_a_filled_template_with_dk_reads_back(aud, tmp_path):
    path = write_responses_template(aud, "wide", tmp_path / "wide.xlsx")
    book = load_workbook(path)
    sheet = book["responses"]
    sheet.append(["Org", "PMO", "R1", "executive", None, None, 4, "DK", 3, 2, 5, None, "NA", 1, 2, 3, 4])
    book.save(path)
    frame = read_responses(path, aud).set_index("item")
    assert frame.loc["G2", "dont_know"] and frame.loc[["G1", "G3"], "value"].tolist() == [4.0, 3.0]
