"""The blank portfolio workbook a PMO fills in: ``pmo-workbench template portfolio``.

Its sheets and headers are the reader's own (:data:`~pmo_workbench.portfolio.cells._SPECS`, the ``pmos`` sheet's
:data:`~pmo_workbench.portfolio.model.PMO_COLUMNS` and the ``about`` sheet's
:data:`~pmo_workbench.portfolio.about.ABOUT_COLUMNS`), so a filled-in template reads back with
:func:`pmo_workbench.portfolio.read_portfolio` and the two can never drift apart. The ``about`` sheet comes first,
with the status date, currency and organisation filled in when given; an ``instructions`` sheet says what each sheet
holds, which columns must be filled in and how dates are written, in the template's language. Sheet names, column
names and the allowed values stay in English in every language: the file is read back by them.

Date columns accept dates from 1950 to 2150 only (the years the reader takes), and the columns with a fixed set of
values (a project's ``status``, a reported RAG, a risk's ``kind``, yes/no columns) offer them as drop-downs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .._io import text_cell, write_with
from .._values import FIRST_YEAR, LAST_YEAR
from ..i18n import N_, _, current_language, pgettext, use_language
from .about import ABOUT, ABOUT_COLUMNS
from .cells import _SPECS, _Column
from .model import PMO_COLUMNS

__all__ = ["TEMPLATE_SHEETS", "INSTRUCTIONS", "template_sheets", "write_portfolio_template"]

INSTRUCTIONS = "instructions"
"""The name of the template's explanatory sheet (in English: the reader ignores it in any language)."""

_ROWS = 1000
"""Rows below the header prepared with data validation."""

_PMOS = "pmos"

TEMPLATE_SHEETS = {
    ABOUT: N_("What the workbook is about: its status date (the date every figure is as of), the currency of its "
              "money and the organisation. One row below the header."),
    "projects": N_("One row per project: its PMO, sponsor, status, planned dates and earned value (pv, ev, ac "
                   "cumulative to the status date). The only sheet that must be filled in."),
    "baseline": N_("Each project's cumulative planned value at the end of each period: enables earned schedule."),
    "risks": N_("The risk register: one row per risk, threat or opportunity, with its probability and impact; a "
                "blank project_id is a portfolio-level risk."),
    "dependencies": N_("Which project needs which other one (from_project needs to_project), and by when."),
    "assignments": N_("Each project's demand for a role (or person) in each month, in FTE."),
    "capacity": N_("What each role (or person) can give in each month, in FTE."),
    "criteria": N_("The criteria projects are selected by, with their weights; score each project in a "
                   "score_<criterion> column added to the projects sheet."),
    "status_history": N_("Each project's earlier status reports: cumulative pv, ev, ac and the RAG it reported at "
                         "each status date. Enables the trends."),
    "milestones": N_("Each project's milestones: planned, forecast and actual dates, and whether it is a stage gate "
                     "that needs a decision."),
    "benefits": N_("The benefits each project should bring (blank project_id: the portfolio's), planned, forecast "
                   "and realised, with their owner and due date."),
    "financials": N_("Each project's money per month (not cumulative): budget, actual and forecast spend."),
    _PMOS: N_("The PMO hierarchy: each PMO once (as the projects sheet writes it) and the PMO it reports to (blank "
              "at the top)."),
}
"""Every sheet of the template, in order, and what it holds (English; shown through ``_()``)."""

_NOTES = (
    N_("Only the projects sheet must be filled in; leave any other sheet with its header row only, or delete it, "
       "and its analysis is left out."),
    N_("Keep the header row as it is: the columns are read by these names, in any order. Sheet names, column names "
       "and the allowed values (such as active or red) stay in English in every language."),
    N_("Dates: YYYY-MM-DD (such as 2026-05-31) or a date cell, from {first} to {last}. Months: YYYY-MM."),
    N_("Money and other numbers: plain numbers without a currency sign; the currency is given once, in the about "
       "sheet."),
    N_("Yes/no columns: yes or no, true or false, 1 or 0; blank means no."),
    N_("Check the workbook with: pmo-workbench portfolio FILE.xlsx"),
)

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
_REQUIRED_FILL = PatternFill("solid", fgColor="8B2E2E")


def template_sheets() -> dict[str, tuple[str, ...]]:
    """Every sheet of the template and its columns, from the reader's own column definitions, in order."""
    columns = {ABOUT: ABOUT_COLUMNS}
    for name in TEMPLATE_SHEETS:
        if name in _SPECS:
            columns[name] = tuple(_SPECS[name])
    columns[_PMOS] = PMO_COLUMNS
    return columns


def _specs(sheet: str) -> dict[str, _Column]:
    """How the reader takes each column of ``sheet`` (the ``about`` and ``pmos`` sheets described alike)."""
    if sheet == ABOUT:
        return {"status_date": _Column("date", "", required=False), "currency": _Column("text", "", required=False),
                "organisation": _Column("text", "", required=False)}
    if sheet == _PMOS:
        return {"pmo": _Column("text", "", blank_ok=False), "parent": _Column("text", "", required=False),
                "level": _Column("text", "", required=False)}
    return _SPECS[sheet]


def write_portfolio_template(out: str | Path, *, organisation: str | None = None, currency: str | None = None,
                             status_date: dt.date | None = None, language: str | None = None) -> Path:
    """Write a blank portfolio workbook (``.xlsx``) to ``out``, atomically, in ``language`` (default the current).

    Parameters
    ----------
    out
        The ``.xlsx`` file to write.
    organisation, currency, status_date
        Filled into the ``about`` sheet when given (checked by the caller: the reader checks them again on reading).
    language
        The language of the instructions (sheet and column names stay in English).

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"template file must end in .xlsx, got '{out.name}'")
    with use_language(language or current_language()):
        book = _workbook(organisation, currency, status_date)
    return write_with(out, book.save)


def _workbook(organisation: str | None, currency: str | None, status_date: dt.date | None) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    sheets = template_sheets()
    for name, columns in sheets.items():
        ws = book.create_sheet(name)
        ws.append([text_cell(ws, c) for c in columns])
        specs = _specs(name)
        for position, column in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=position)
            cell.font = _HEADER_FONT
            cell.fill = _REQUIRED_FILL if not specs[column].blank_ok else _HEADER_FILL
            cell.alignment = Alignment(horizontal="center")
            ws.column_dimensions[get_column_letter(position)].width = max(12, len(column) + 4)
        ws.freeze_panes = "A2"
        _validate(ws, columns, specs, rows=1 if name == ABOUT else _ROWS)
        if name == ABOUT:
            ws.append([status_date, text_cell(ws, currency.upper()) if currency else None,
                       text_cell(ws, organisation) if organisation else None])
            ws.cell(row=2, column=1).number_format = "yyyy-mm-dd"
    _instructions(book.create_sheet(INSTRUCTIONS), sheets)
    return book


def _validate(ws, columns: tuple[str, ...], specs: dict[str, _Column], rows: int) -> None:
    """Dates from :data:`FIRST_YEAR` to :data:`LAST_YEAR`, drop-downs for the columns with fixed values."""
    dates = DataValidation(type="date", operator="between", formula1=f"DATE({FIRST_YEAR},1,1)",
                           formula2=f"DATE({LAST_YEAR},12,31)", allow_blank=True, showErrorMessage=True,
                           errorTitle=_("Not a date"),
                           error=_("Enter a date from {first} to {last} (YYYY-MM-DD).").format(first=FIRST_YEAR,
                                                                                           last=LAST_YEAR))
    rules = [dates]
    for position, name in enumerate(columns, start=1):
        spec = specs[name]
        cells = f"{get_column_letter(position)}2:{get_column_letter(position)}{rows + 1}"
        if spec.kind == "date":
            dates.add(cells)
        elif spec.kind in ("choice", "bool"):
            choices = spec.choices if spec.kind == "choice" else ("yes", "no")
            rule = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True,
                                  showErrorMessage=True, errorStyle="stop" if spec.kind == "choice" else "warning",
                                  error=_("Choose one of: {choices}.").format(choices=", ".join(choices)))
            rule.add(cells)
            rules.append(rule)
    for rule in rules:
        if rule.sqref:
            ws.add_data_validation(rule)


def _instructions(ws, sheets: dict[str, tuple[str, ...]]) -> None:
    """One row per sheet (what it holds, the columns that must be filled in and those that may stay blank), then
    the rules for dates, numbers and yes/no columns."""
    ws.append([text_cell(ws, text) for text in (
        pgettext("portfolio template column", "sheet"), pgettext("portfolio template column", "what it holds"),
        pgettext("portfolio template column", "must be filled in"),
        pgettext("portfolio template column", "may be left blank"))])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for name, columns in sheets.items():
        specs = _specs(name)
        must = [c for c in columns if not specs[c].blank_ok]
        may = [c for c in columns if specs[c].blank_ok]
        if name == "projects":
            may.append("score_<criterion>")
        ws.append([text_cell(ws, name), text_cell(ws, _(TEMPLATE_SHEETS[name])), text_cell(ws, ", ".join(must)),
                   text_cell(ws, ", ".join(may))])
    ws.append([])
    for note in _NOTES:
        ws.append([None, text_cell(ws, _(note).format(first=FIRST_YEAR, last=LAST_YEAR))])
    for letter, width in zip("ABCD", (16, 90, 36, 60)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
