"""Control characters in the text columns of a portfolio workbook: each one reported where it is."""

from __future__ import annotations

import pytest

from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio.workbook import read_portfolio

from tests.helpers import minimal_project, write_portfolio

RISK = {"risk_id": "R1", "project_id": "P1", "kind": "threat", "probability": 0.5, "impact": 100}
ASSIGNMENT = {"project_id": "P1", "role": "Analyst", "month": "2025-03", "demand_fte": 1}
CAPACITY = {"role": "Analyst", "month": "2025-03", "capacity_fte": 2}
DEPENDENCY = {"from_project": "P2", "to_project": "P1"}
CRITERION = {"criterion": "Value", "weight": 1}


def _sheets(sheet: str, row: dict) -> dict[str, list[dict]]:
    """A valid workbook of projects P1 and P2 with ``row`` as the one row of ``sheet``."""
    projects = [minimal_project(), minimal_project(project_id="P2")]
    if sheet == "projects":
        projects[1] = minimal_project(**{"project_id": "P2", **row})
        return {"projects": projects}
    return {"projects": projects, sheet: [row]}


@pytest.mark.parametrize(
    ("sheet", "row", "column", "message"),
    [
        ("projects", {"project_id": "P\x002"}, "project_id",
         "project_id contains a control character (U+0000 at position 2); remove it"),
        ("projects", {"name": "Alpha\x00"}, "name",
         "name contains a control character (U+0000 at position 6); remove it"),
        ("projects", {"pmo": "E\x1bPMO"}, "pmo", "pmo contains a control character (U+001B at position 2); remove it"),
        ("projects", {"sponsor": "Ann\x7f"}, "sponsor",
         "sponsor contains a control character (U+007F at position 4); remove it"),
        ("projects", {"sponsor": "Ann\nLee"}, "sponsor",
         "sponsor contains a control character (U+000A at position 4); remove it"),
        ("projects", {"category": "I\tT"}, "category",
         "category contains a control character (U+0009 at position 2); remove it"),
        ("risks", {**RISK, "risk_id": "R\x011"}, "risk_id",
         "risk_id contains a control character (U+0001 at position 2); remove it"),
        # a wrong id is reported once, not also as an unknown project
        ("risks", {**RISK, "project_id": "P\x001"}, "project_id",
         "project_id contains a control character (U+0000 at position 2); remove it"),
        ("risks", {**RISK, "title": "Late\x00"}, "title",
         "title contains a control character (U+0000 at position 5); remove it"),
        ("risks", {**RISK, "title": "Late\x0cvendor"}, "title",
         "title contains a control character (U+000C at position 5); remove it"),
        ("risks", {**RISK, "owner": "\x08Bo"}, "owner",
         "owner contains a control character (U+0008 at position 1); remove it"),
        ("risks", {**RISK, "status": "op\x00en"}, "status",
         "status contains a control character (U+0000 at position 3); remove it"),
        ("assignments", {**ASSIGNMENT, "role": "Ana\x00lyst"}, "role",
         "role contains a control character (U+0000 at position 4); remove it"),
        ("capacity", {**CAPACITY, "role": "Ana\x00lyst"}, "role",
         "role contains a control character (U+0000 at position 4); remove it"),
        ("dependencies", {**DEPENDENCY, "kind": "fi\x00nish"}, "kind",
         "kind contains a control character (U+0000 at position 3); remove it"),
        ("dependencies", {**DEPENDENCY, "to_project": "P\x001"}, "to_project",
         "to_project contains a control character (U+0000 at position 2); remove it"),
    ],
)
def test_control_characters_in_text_columns_are_located(tmp_path, sheet, row, column, message):
    path = write_portfolio(tmp_path, _sheets(sheet, row))
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    where = path / f"{sheet}.csv"
    row_number = 3 if sheet == "projects" else 2
    assert [(p.path, p.row, p.column, p.message) for p in info.value.problems] == [
        (str(where), row_number, column, message)]


def test_a_criterion_with_a_control_character_is_located(tmp_path):
    projects = [minimal_project(**{"score_Va\x01lue": 3})]
    path = write_portfolio(tmp_path, {"projects": projects, "criteria": [{"criterion": "Va\x01lue", "weight": 1}]})
    with pytest.raises(InputValidationError) as info:
        read_portfolio(path)
    assert (str(path / "criteria.csv"), 2, "criterion",
            "criterion contains a control character (U+0001 at position 3); remove it") in [
        (p.path, p.row, p.column, p.message) for p in info.value.problems]


@pytest.mark.parametrize("title", ["Late vendor\nand more", "Late\tvendor", "Late vendor\r\nand more"])
def test_risk_titles_keep_line_breaks_and_tabs(tmp_path, title):
    portfolio = read_portfolio(write_portfolio(tmp_path, _sheets("risks", {**RISK, "title": title})))
    assert portfolio.risks["title"].tolist() == [title]


def test_plain_names_still_read(tmp_path):
    portfolio = read_portfolio(write_portfolio(tmp_path, _sheets("projects", {"name": "Ålpha – β"})))
    assert portfolio.projects["name"].tolist() == ["Project one", "Ålpha – β"]
