"""Intake templates in German: the items, instructions and explanatory sheets in German, the file format (the
responses sheet, its column names, role ids, DK and NA) unchanged, so a German template reads back as an English
one does."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pmo_workbench.assessment.intake import response_columns, write_responses_template
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.cli import app

from tests.catalogue import english_leftovers


def rows(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def everything_shown(book) -> str:
    """Every text a respondent can see in the workbook: cells, comments, validation titles, messages, prompts."""
    parts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    parts.append(cell.value)
                if cell.comment is not None:
                    parts.append(cell.comment.text)
        for rule in sheet.data_validations.dataValidation:
            parts += [t for t in (rule.errorTitle, rule.error, rule.promptTitle, rule.prompt) if t]
    return "\n".join(parts)


@pytest.mark.parametrize("form", ["long", "wide"])
def test_the_german_template_speaks_german_and_keeps_the_file_format(core, tmp_path, form):
    book = load_workbook(write_responses_template(core, form, tmp_path / f"{form}.xlsx", language="de"))
    assert book.sheetnames == (["responses", "Aussagen", "nach Rolle"] if form == "long" else
                               ["responses", "Aussagen"])
    assert rows(book["responses"])[0] == response_columns(core, form)  # the reader's column names
    items = rows(book["Aussagen"])
    assert items[0] == ["Kennung", "Dimension", "Aussage", "gefragt bei"]
    by_item = {r[0]: r for r in items[1:74]}
    assert by_item["MAN1"] == ["MAN1", "Mandat und Befugnisse",
                               "Mir ist klar, über welche Projektentscheidungen das PMO befinden darf.", "alle Rollen"]
    assert by_item["MAN5"][3] == "Geschäftsleitung, PMO-Mitarbeitende, Projektleitung, Linienführungskraft"
    assert by_item["MAN3"][2] == "Projektteams behandeln Anfragen des PMO als unverbindlich."
    assert ["Skala", "1 bis 5; DK = weiß nicht; leer oder NA = trifft nicht zu"] == items[75][:2]
    assert [5, "Stimme voll und ganz zu"] == items[80][:2]
    rules = book["responses"].data_validations.dataValidation
    (value_rule,) = [r for r in rules if r.type == "custom"]
    assert value_rule.errorTitle == "Keine gültige Antwort" and value_rule.promptTitle == "Antwort"
    assert value_rule.error == ("Geben Sie eine ganze Zahl von 1 bis 5 ein, DK, wenn Sie es nicht wissen, oder "
                                "lassen Sie das Feld leer (oder NA), wenn die Aussage nicht zutrifft.")
    assert value_rule.prompt.startswith("1 = Stimme überhaupt nicht zu; 2 = Stimme eher nicht zu;")
    role_rule = next(r for r in rules if r.type == "list" and "executive" in r.formula1)
    assert role_rule.formula1 == '"executive,pmo_staff,project_manager,functional_manager,team_member"'
    if form == "long":
        item_rule = next(r for r in rules if r.type == "list" and "!" in r.formula1)
        assert item_rule.formula1 == "=Aussagen!$A$2:$A$74"
        assert item_rule.error == "Wählen Sie eine Kennung aus dem Blatt „Aussagen“."
        assert rows(book["nach Rolle"])[0] == ["Geschäftsleitung", "PMO-Mitarbeitende", "Projektleitung",
                                               "Linienführungskraft", "Teammitglied"]
    else:
        assert book["responses"]["G1"].comment.text == (
            "MAN1: Mir ist klar, über welche Projektentscheidungen das PMO befinden darf.\nGefragt bei: alle Rollen")
        assert [r[1] for r in items if r[0] == "Hinweis"] == [
            "Eine Spalte je Aussage, für alle Rollen: Lassen Sie die Aussagen leer, die Ihrer Rolle nicht gestellt "
            "werden (siehe „gefragt bei“)."]
    assert english_leftovers(everything_shown(book)) == []


def test_the_english_template_is_unchanged_by_default(core, tmp_path):
    book = load_workbook(write_responses_template(core, "long", tmp_path / "long.xlsx"))
    assert book.sheetnames == ["responses", "items", "by role"]
    assert rows(book["items"])[1] == ["MAN1", "Mandate and authority",
                                      "It is clear to me which decisions on projects the PMO is entitled to make.",
                                      "every role"]


def test_a_filled_german_template_reads_back_as_an_english_one(core, tmp_path):
    path = write_responses_template(core, "wide", tmp_path / "wide.xlsx", language="de")
    book = load_workbook(path)
    asked = core.asked.loc["executive"]
    answers = ["DK" if item == "MAN3" else 4 if asked[item] else None for item in core.items.index]
    book["responses"].append(["Org", "PMO", "R1", "executive", "project", None, *answers])
    book.save(path)
    frame = read_responses(path, core).set_index("item")
    assert frame.loc["MAN3", "dont_know"] and frame.loc["MAN1", "value"] == 4.0
    assert frame.equals(read_responses(path, core.in_language("de")).set_index("item"))


def test_the_template_command_takes_a_language(tmp_path):
    runner = CliRunner()
    out = tmp_path / "de.xlsx"
    result = runner.invoke(app, ["template", "responses", "--out", str(out), "--language", "de"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}\n" and load_workbook(out).sheetnames == ["responses", "Aussagen"]
    bad = runner.invoke(app, ["template", "responses", "--out", str(tmp_path / "x.xlsx"), "--language", "xx"])
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --language: 'xx' is not a language")
    assert not (tmp_path / "x.xlsx").exists()
