"""Blank intake files: what a consultant sends out to collect answers.

A template is written in a language (``language``, default the current one): the items in the instrument's
texts of that language, the instructions, sheet names and the headers of the explanatory sheets through the
catalogue. The ``responses`` sheet and its column names, the role and level ids and the answer codes (``DK``,
``NA``) are the file format the answers are read back with: they stay as they are in every language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .._io import text_cell, write_csv, write_with
from ..i18n import N_, _, current_language, pgettext, use_language
from .instrument import Instrument
from .responses import KEY_COLUMNS, PMO_LEVELS

Form = Literal["long", "wide"]
_WIDE_META = (*KEY_COLUMNS, "pmo_level", "assessed_on")
_LONG_COLUMNS = (*KEY_COLUMNS, "pmo_level", "item", "value", "assessed_on", "comment")
_ROWS = 500  # rows prepared with data validation
SCALE_NOTE = N_("DK = don't know; blank or NA = not applicable")
WIDE_NOTE = N_("One column per item, for every role: leave blank the items your role is not asked "
               "(see 'asked of').")
EVERY_ROLE = N_("every role")
"""Module texts in English; shown through ``_()`` in the template's language."""


def asked_of(instrument: Instrument, item_id: str) -> str:
    """The labels of the roles an item is asked of, or ``"every role"`` (in the current language)."""
    audience = instrument.items.at[item_id, "audience"]
    if audience is None:
        return _(EVERY_ROLE)
    label = {r.id: r.label for r in instrument.roles}
    return ", ".join(label[r] for r in audience)


def _value_formula(cell: str, low: int, high: int) -> str:
    """An Excel custom validation formula (relative to the range's first ``cell``): a whole number on the scale,
    DK, NA or N/A (any case)."""
    return (f'OR(AND(ISNUMBER({cell}),{cell}=INT({cell}),{cell}>={low},{cell}<={high}),'
            f'UPPER(TRIM({cell}))="DK",UPPER(TRIM({cell}))="NA",UPPER(TRIM({cell}))="N/A")')


def _by_role_sheet(wb: Workbook, instrument: Instrument, header_font: Font, fill: PatternFill) -> None:
    """Sheet ``by role``: one column per role (its label), the ids of the items it is asked below."""
    ws = wb.create_sheet(pgettext("intake sheet", "by role"))
    asked = instrument.asked
    ws.append([text_cell(ws, role.label) for role in instrument.roles])
    for cell in ws[1]:
        cell.font, cell.fill = header_font, fill
    columns = [list(asked.columns[asked.loc[role.id].to_numpy(bool)]) for role in instrument.roles]
    for row in range(max(len(c) for c in columns)):
        ws.append([text_cell(ws, c[row]) if row < len(c) else None for c in columns])
    for position in range(1, len(columns) + 1):
        ws.column_dimensions[get_column_letter(position)].width = 24


def response_columns(instrument: Instrument, form: Form) -> list[str]:
    """The header row of a blank responses file of this form."""
    if form == "long":
        return list(_LONG_COLUMNS)
    if form == "wide":
        return [*_WIDE_META, *instrument.items.index]
    raise ValueError(f"form must be 'long' or 'wide', got {form!r}")


def write_responses_template(instrument: Instrument, form: Form, out: str | Path, language: str | None = None,
                             ) -> Path:
    """Write a blank intake file (``.csv`` or ``.xlsx``) for ``instrument``, in ``language`` (default the current
    language; the instrument's texts in it when the instrument has them, see :meth:`Instrument.in_language`).

    The Excel version restricts answers to the scale (or ``DK`` for "don't
    know", ``NA`` or blank for not applicable), roles and PMO levels to their
    allowed values, explains each item in a cell comment (wide form) and lists
    every item with its text and the roles it is asked of on an ``items``
    sheet; the long form adds a ``by role`` sheet listing the items each role
    is asked. The wide form keeps one column per item: a respondent leaves the
    items of other roles blank.
    """
    out = Path(out)
    columns = response_columns(instrument, form)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        return write_csv(pd.DataFrame(columns=columns), out)
    if suffix != ".xlsx":
        raise ValueError(f"template file must end in .csv or .xlsx, got '{out.name}'")
    with use_language(language or current_language()) as code:
        book = _workbook(instrument.in_language(code), form, columns)
    return write_with(out, book.save)


def _workbook(instrument: Instrument, form: Form, columns: list[str]) -> Workbook:
    scale = instrument.scale
    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append([text_cell(ws, c) for c in columns])
    header_font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F3A5F")
    for cell in ws[1]:
        cell.font, cell.fill = header_font, fill
        cell.alignment = Alignment(horizontal="center")
    ws.freeze_panes = "A2" if form == "long" else f"{get_column_letter(len(_WIDE_META) + 1)}2"

    items_title = pgettext("intake sheet", "items")
    items_ws = wb.create_sheet(items_title)
    # Which items are reverse-worded is not shown: a respondent who knows answers differently.
    items_ws.append([text_cell(items_ws, c) for c in (pgettext("intake column", "item"),
                                                      pgettext("intake column", "dimension"),
                                                      pgettext("intake column", "text"),
                                                      pgettext("intake column", "asked of"))])
    for cell in items_ws[1]:
        cell.font, cell.fill = header_font, fill
    items = instrument.items
    for item_id, row in items.iterrows():
        # Text, never a formula: an item whose text begins with "=" stays a statement in the respondents' file.
        label = instrument.dimension(row["dimension"]).label
        items_ws.append([text_cell(items_ws, item_id), text_cell(items_ws, label), text_cell(items_ws, row["text"]),
                         text_cell(items_ws, asked_of(instrument, item_id))])
    items_ws.column_dimensions["A"].width = 10
    items_ws.column_dimensions["B"].width = 36
    items_ws.column_dimensions["C"].width = 100
    items_ws.column_dimensions["D"].width = 36
    items_ws.append([])
    items_ws.append([text_cell(items_ws, pgettext("intake column", "scale")),
                     text_cell(items_ws, _("{low} to {high}; {note}").format(low=scale.min, high=scale.max,
                                                                             note=_(SCALE_NOTE)))])
    for value, label in sorted(scale.labels.items()):
        items_ws.append([value, text_cell(items_ws, label)])
    if form == "wide":
        items_ws.append([])
        items_ws.append([text_cell(items_ws, pgettext("intake column", "note")), text_cell(items_ws, _(WIDE_NOTE))])

    labels = "; ".join([*(f"{k} = {v}" for k, v in sorted(scale.labels.items())), _(SCALE_NOTE)])
    value_rule = DataValidation(
        type="custom", formula1="", allow_blank=True,
        showErrorMessage=True, errorTitle=_("Not an answer"),
        error=_("Enter a whole number from {low} to {high}, DK if you don't know, or leave blank (or NA) "
                "if not applicable.").format(low=scale.min, high=scale.max),
        showInputMessage=True, promptTitle=_("Answer"), prompt=labels[:255],
    )
    role_rule = DataValidation(type="list", formula1=f'"{",".join(instrument.role_ids)}"', allow_blank=False,
                               showErrorMessage=True, error=_("Choose one of the listed roles."))
    level_rule = DataValidation(type="list", formula1=f'"{",".join(PMO_LEVELS)}"', allow_blank=True,
                                showErrorMessage=True, error=_("Choose project, department or enterprise."))
    date_rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                               showErrorMessage=True, error=_("Enter a date (YYYY-MM-DD)."))
    rules = [value_rule, role_rule, level_rule, date_rule]
    last = _ROWS + 1

    def column_of(name: str) -> str:
        return get_column_letter(columns.index(name) + 1)

    for name, rule in (("role", role_rule), ("pmo_level", level_rule), ("assessed_on", date_rule)):
        rule.add(f"{column_of(name)}2:{column_of(name)}{last}")
    if form == "long":
        value_rule.formula1 = _value_formula(f"{column_of('value')}2", scale.min, scale.max)
        value_rule.add(f"{column_of('value')}2:{column_of('value')}{last}")
        sheet = items_title if items_title.isalnum() else "'" + items_title.replace("'", "''") + "'"
        item_rule = DataValidation(type="list", formula1=f"={sheet}!$A$2:$A${len(items) + 1}", allow_blank=False,
                                   showErrorMessage=True, error=_("Choose an item id from the items sheet."))
        item_rule.add(f"{column_of('item')}2:{column_of('item')}{last}")
        rules.append(item_rule)
        _by_role_sheet(wb, instrument, header_font, fill)
    else:
        first = get_column_letter(len(_WIDE_META) + 1)
        value_rule.formula1 = _value_formula(f"{first}2", scale.min, scale.max)
        value_rule.add(f"{first}2:{get_column_letter(len(columns))}{last}")
        for position, item_id in enumerate(items.index, start=len(_WIDE_META) + 1):
            cell = ws.cell(row=1, column=position)
            comment = Comment(_("{item}: {text}\nAsked of: {roles}").format(
                item=item_id, text=items.at[item_id, "text"], roles=asked_of(instrument, item_id)), "pmo-workbench")
            comment.width, comment.height = 320, 120
            cell.comment = comment
            ws.column_dimensions[get_column_letter(position)].width = 8
    for rule in rules:
        ws.add_data_validation(rule)
    for name in _WIDE_META:
        ws.column_dimensions[column_of(name)].width = 16
    return wb

