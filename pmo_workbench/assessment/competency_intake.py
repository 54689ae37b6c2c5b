"""Collecting competency ratings: the cohort's people file, who rates whom, and the blank intake workbook.

A **cohort file** (CSV or XLSX, the sheet named ``people``, else the first visible one) lists the people rated,
one per row::

    name,email,job_level,manager,peers
    Ana Silva,ana@example.org,senior,Max Weber,Ben Okafor; Cara Lind
    Ben Okafor,ben@example.org,junior,Max Weber,
    Max Weber,max@example.org,programme,,

``name`` and ``job_level`` (a job level id or label of the instrument) are required; ``email``, ``manager`` (the
line manager: a person of the file, or someone else by name or e-mail) and ``peers`` (names or e-mail addresses
separated by ``;``) are optional. Every person is rated by themself (role ``self``), their manager and each peer:
:func:`rating_pairs` gives one :class:`RatingPair` per rater and person rated, the unit the intake workbook has a
row for and an invitation is issued for.

:func:`write_competency_template` writes the wide ratings workbook that
:func:`~pmo_workbench.assessment.competency_responses.read_competency_responses` reads back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .._io import text_cell, write_csv, write_with
from .._values import CONTROL, control_message
from .._spreadsheet import read_people_table
from ..errors import InputValidationError, Problem
from ..i18n import N_, _, current_language, pgettext, use_language
from .competency import CompetencyInstrument, load_competency_instrument
from .competency_responses import KEY_COLUMNS

__all__ = ["COHORT_COLUMNS", "CohortPerson", "RatingPair", "competency_columns", "rating_pairs", "read_cohort",
           "write_competency_template"]

COHORT_COLUMNS = ("name", "email", "job_level", "manager", "peers")
"""The columns of a cohort file; ``name`` and ``job_level`` are required."""
_REQUIRED = ("name", "job_level")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_META = (*KEY_COLUMNS, "assessed_on")
_ROWS = 500  # rows prepared with data validation beyond the pre-filled ones
VALUE_NOTE = N_("DK = don't know; blank = not rated")
NOT_EXPECTED_NOTE = N_("Grey cells: the item is not expected at the person's job level; leave them blank.")


@dataclass(frozen=True)
class CohortPerson:
    """A person of a cohort file: rated by themself, their ``manager`` and their ``peers`` (names as given in
    the file, resolved to the file's spelling when they are people of the file). ``row`` is the file's row."""

    name: str
    job_level: str
    email: str | None = None
    manager: str | None = None
    peers: tuple[str, ...] = ()
    row: int | None = None


@dataclass(frozen=True)
class RatingPair:
    """One rater rating one person: a row of the intake workbook, an invitation.

    ``rater_email`` is the rater's e-mail when known (the person's own for ``self``; a manager or peer of the
    file's, or one given as an address); ``None`` otherwise (the link is handed over by other means)."""

    subject: str
    job_level: str
    rater: str
    role: str
    rater_email: str | None = None
    row: int | None = None


def read_cohort(path: str | Path, instrument: CompetencyInstrument) -> list[CohortPerson]:
    """Read and check a cohort file: one :class:`CohortPerson` per non-blank row, in file order.

    Job levels are given as ids or labels (any case) and come back as ids; a manager or peer who is a person of
    the file (by name or e-mail, any case) comes back spelled as that person's name.

    Raises
    ------
    InputValidationError
        With every problem at once, each located as ``file:row:column``: a required column missing, an unknown
        column, a blank name or job level, an unknown job level, an e-mail that is not one, the same person twice,
        a person who is their own manager or peer, a peer named twice or also as the manager, control
        characters, or a file with nobody in it.
    """
    path = Path(path)
    cells, problems, where = _read_cells(path)
    headers = [str(h).strip() for h in cells[0]]
    position: dict[str, int] = {}
    for p, header in enumerate(headers):
        name = header.lower()
        if not name:
            if any(str(row[p]).strip() for row in cells[1:]):
                problems.append(Problem(where, 1, p + 1, f"column {p + 1} has values but no header"))
            continue
        if name not in COHORT_COLUMNS:
            problems.append(Problem(where, 1, header, f"unknown column '{header}'; a cohort file has "
                                    f"{', '.join(COHORT_COLUMNS)} (name and job_level are required)"))
        elif name in position:
            problems.append(Problem(where, 1, header, f"column '{header}' appears twice; each column once"))
        else:
            position[name] = p
    missing = [c for c in _REQUIRED if c not in position]
    for name in missing:
        problems.append(Problem(where, 1, name, f"missing required column '{name}'; a cohort file has "
                                f"{', '.join(COHORT_COLUMNS)} (name and job_level are required)"))
    if missing:
        raise InputValidationError(problems)
    levels = {lv.id.casefold(): lv.id for lv in instrument.job_levels}
    levels.update({lv.label.casefold(): lv.id for lv in instrument.job_levels if lv.label.casefold() not in levels})
    expected_levels = ", ".join(f"{lv.id} ({lv.label})" for lv in instrument.job_levels)
    raw: list[tuple[int, dict[str, str]]] = []
    for index in range(1, len(cells)):
        if not any(str(c).strip() for c in cells[index]):
            continue
        values = {name: " ".join(str(cells[index][p]).split()) for name, p in position.items()}
        raw.append((index + 1, values))
    by_name: dict[str, str] = {}
    by_email: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for row, values in raw:
        name, email = values.get("name", ""), values.get("email", "")
        for column in COHORT_COLUMNS:
            message = control_message(column, values.get(column, ""), CONTROL) if values.get(column) else None
            if message:
                problems.append(Problem(where, row, column, message))
        if not name:
            problems.append(Problem(where, row, "name", "missing name; every person rated needs one"))
            continue
        key = name.casefold()
        if key in first_row:
            problems.append(Problem(where, row, "name", f"'{name}' is already in row {first_row[key]}; "
                                    "give each person once"))
            continue
        first_row[key] = row
        by_name[key] = name
        if email:
            if not _EMAIL.fullmatch(email):
                problems.append(Problem(where, row, "email", f"'{email}' is not an e-mail address "
                                        "(expected someone@example.org)"))
            elif email.casefold() in by_email:
                problems.append(Problem(where, row, "email", f"e-mail '{email}' is already "
                                        f"{by_email[email.casefold()]}'s; give each person their own"))
            else:
                by_email[email.casefold()] = name

    def resolve(text: str) -> str:
        return by_name.get(text.casefold()) or by_email.get(text.casefold()) or text

    people: list[CohortPerson] = []
    seen: set[str] = set()
    for row, values in raw:
        name = values.get("name", "")
        if not name or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        level_text = values.get("job_level", "")
        level = levels.get(level_text.casefold())
        if not level_text:
            problems.append(Problem(where, row, "job_level", f"missing job level; expected one of {expected_levels}"))
        elif level is None:
            problems.append(Problem(where, row, "job_level", f"unknown job level '{level_text}'; expected one of "
                                    f"{expected_levels}"))
        manager = resolve(values["manager"]) if values.get("manager") else None
        if manager is not None and manager.casefold() == name.casefold():
            problems.append(Problem(where, row, "manager", f"'{name}' is named as their own manager; a person "
                                    "rates themself as self (leave manager blank or name their line manager)"))
            manager = None
        if manager is not None and "@" in manager and not _EMAIL.fullmatch(manager):
            problems.append(Problem(where, row, "manager", f"'{manager}' is not an e-mail address "
                                    "(expected a name or someone@example.org)"))
        peers: list[str] = []
        for text in (t.strip() for t in values.get("peers", "").split(";")):
            if not text:
                continue
            peer = resolve(text)
            if peer.casefold() == name.casefold():
                problems.append(Problem(where, row, "peers", f"'{name}' is named as their own peer"))
            elif manager is not None and peer.casefold() == manager.casefold():
                problems.append(Problem(where, row, "peers", f"'{text}' is '{name}''s manager and cannot also "
                                        "rate them as a peer"))
            elif peer.casefold() in {p.casefold() for p in peers}:
                problems.append(Problem(where, row, "peers", f"peer '{text}' is named twice"))
            elif "@" in peer and not _EMAIL.fullmatch(peer):
                problems.append(Problem(where, row, "peers", f"'{text}' is not an e-mail address "
                                        "(expected a name or someone@example.org)"))
            else:
                peers.append(peer)
        people.append(CohortPerson(name, level or level_text, values.get("email") or None, manager, tuple(peers),
                                   row))
    if not raw:
        problems.append(Problem(where, 2, None, "nobody in the cohort: the file has a header but no people"))
    if problems:
        raise InputValidationError(problems)
    return people


def rating_pairs(people: list[CohortPerson]) -> list[RatingPair]:
    """Who rates whom: for each person (file order) themself, then their manager, then each peer."""
    email_of = {p.name.casefold(): p.email for p in people}

    def email(rater: str) -> str | None:
        if _EMAIL.fullmatch(rater):
            return rater
        return email_of.get(rater.casefold())

    pairs = []
    for p in people:
        pairs.append(RatingPair(p.name, p.job_level, p.name, "self", p.email, p.row))
        if p.manager:
            pairs.append(RatingPair(p.name, p.job_level, p.manager, "manager", email(p.manager), p.row))
        for peer in p.peers:
            pairs.append(RatingPair(p.name, p.job_level, peer, "peer", email(peer), p.row))
    return pairs


def _read_cells(path: Path) -> tuple[list[list[str]], list[Problem], str]:
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".csv") and path.is_file():
        raise InputValidationError([Problem(str(path), None, None, f"a cohort file is .csv or .xlsx, not "
                                            f"'{path.suffix or path.name}'")])
    table, problems, where = read_people_table(path, COHORT_COLUMNS)
    return table.to_numpy(object).tolist(), problems, where


# -- the blank workbook -------------------------------------------------------------------------------------

def competency_columns(instrument: CompetencyInstrument) -> list[str]:
    """The header row of a wide ratings file: the six keys, ``assessed_on``, one column per item."""
    return [*_META, *instrument.items.index]


def write_competency_template(instrument: CompetencyInstrument | str, out: str | Path, *,
                              people: list[CohortPerson] | None = None, organisation: str | None = None,
                              cohort: str | None = None, language: str | None = None) -> Path:
    """Write a blank wide ratings file (``.xlsx``, or a bare ``.csv``) for a competency instrument.

    With ``people`` (:func:`read_cohort`) it holds one row per rater and person rated (:func:`rating_pairs`),
    the keys filled in (``organisation`` and ``cohort`` when given). The workbook restricts roles, job levels
    and values (whole points of the scale, ``DK``) to their allowed values, greys the items not expected of a
    row's job level, explains each item in its header's comment, and lists on sheet ``items`` every item with
    its area, process group, text and the job levels it is not expected of, and on sheet ``anchors`` what each
    point of the scale means in each area. Texts are in ``language`` (the instrument's, when it has it); the
    sheet ``responses``, its columns, ids and codes stay as they are: the file is read back by them.
    Every text is written as text, never as a formula. Written atomically.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"template file must end in .csv or .xlsx, got '{out.name}'")
    with use_language(language or current_language()) as code:
        if isinstance(instrument, str):
            instrument = load_competency_instrument(instrument, language=code)
        elif code in instrument.languages and code != instrument.language and instrument._source is not None:
            instrument = load_competency_instrument(instrument._source, language=code)
        rows = _prefilled(instrument, people or [], organisation, cohort)
        if suffix == ".csv":
            return write_csv(pd.DataFrame(rows, columns=competency_columns(instrument)), out)
        book = _workbook(instrument, rows)
    return write_with(out, book.save)


def _prefilled(instrument: CompetencyInstrument, people: list[CohortPerson], organisation: str | None,
               cohort: str | None) -> list[list[str]]:
    blank = [""] * len(instrument.items)
    return [[organisation or "", cohort or "", pair.subject, pair.job_level, pair.rater, pair.role, "", *blank]
            for pair in rating_pairs(people)]


def _workbook(ins: CompetencyInstrument, rows: list[list[str]]) -> Workbook:
    columns = competency_columns(ins)
    items = ins.items
    scale = ins.scale
    header_font = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F3A5F")
    grey = PatternFill("solid", fgColor="D9D9D9")
    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append([text_cell(ws, c) for c in columns])
    for cell in ws[1]:
        cell.font, cell.fill = header_font, fill
        cell.alignment = Alignment(horizontal="center")
    first_item = len(_META) + 1
    ws.freeze_panes = f"{get_column_letter(first_item)}2"
    for values in rows:
        ws.append([text_cell(ws, v) if v else None for v in values])
    for r, values in enumerate(rows, start=2):  # items not expected of the row's job level: grey
        level = values[KEY_COLUMNS.index("job_level")]
        for position, item_id in enumerate(items.index, start=first_item):
            if level in items.at[item_id, "not_expected_for"]:
                ws.cell(row=r, column=position).fill = grey
    for position, item_id in enumerate(items.index, start=first_item):
        area = ins.area(items.at[item_id, "area"])
        text = _("{item}: {text}\nArea: {area}").format(item=item_id, text=items.at[item_id, "text"],
                                                        area=area.label)
        if _group(ins, item_id):
            text += "\n" + _("Process group: {group}").format(group=_group(ins, item_id))
        if _not_expected(ins, item_id):
            text += "\n" + _("Not expected of: {levels}").format(levels=_not_expected(ins, item_id))
        comment = Comment(text, "pmo-workbench")
        comment.width, comment.height = 340, 140
        ws.cell(row=1, column=position).comment = comment
        ws.column_dimensions[get_column_letter(position)].width = 8
    for name in _META:
        ws.column_dimensions[get_column_letter(columns.index(name) + 1)].width = 18

    last = len(rows) + _ROWS + 1
    labels = "; ".join([*(f"{k} = {v}" for k, v in sorted(scale.labels.items())), _(VALUE_NOTE)])
    first_cell = f"{get_column_letter(first_item)}2"
    value_rule = DataValidation(
        type="custom", allow_blank=True, showErrorMessage=True, errorTitle=_("Not a rating"),
        formula1=(f'OR(AND(ISNUMBER({first_cell}),{first_cell}=INT({first_cell}),{first_cell}>={scale.min},'
                  f'{first_cell}<={scale.max}),UPPER(TRIM({first_cell}))="DK")'),
        error=_("Enter a whole number from {low} to {high}, DK if you don't know, or leave blank.").format(
            low=scale.min, high=scale.max),
        showInputMessage=True, promptTitle=_("Rating"), prompt=labels[:255])
    value_rule.add(f"{first_cell}:{get_column_letter(len(columns))}{last}")
    role_rule = DataValidation(type="list", formula1=f'"{",".join(ins.role_ids)}"', allow_blank=False,
                               showErrorMessage=True, error=_("Choose self, manager or peer."))
    level_rule = DataValidation(type="list", formula1=f'"{",".join(ins.level_ids)}"', allow_blank=False,
                                showErrorMessage=True, error=_("Choose one of the listed job levels."))
    date_rule = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                               showErrorMessage=True, error=_("Enter a date (YYYY-MM-DD)."))
    for name, rule in (("role", role_rule), ("job_level", level_rule), ("assessed_on", date_rule)):
        letter = get_column_letter(columns.index(name) + 1)
        rule.add(f"{letter}2:{letter}{last}")
    for rule in (value_rule, role_rule, level_rule, date_rule):
        ws.add_data_validation(rule)

    items_ws = wb.create_sheet(pgettext("intake sheet", "items"))
    items_ws.append([text_cell(items_ws, c) for c in (
        pgettext("intake column", "item"), pgettext("intake column", "area"),
        pgettext("intake column", "process group"), pgettext("intake column", "text"),
        pgettext("intake column", "not expected of"))])
    for cell in items_ws[1]:
        cell.font, cell.fill = header_font, fill
    for item_id in items.index:
        items_ws.append([text_cell(items_ws, v) for v in (
            item_id, ins.area_label(items.at[item_id, "area"]), _group(ins, item_id), items.at[item_id, "text"],
            _not_expected(ins, item_id))])
    for letter, width in zip("ABCDE", (10, 32, 24, 90, 32)):
        items_ws.column_dimensions[letter].width = width
    items_ws.append([])
    items_ws.append([text_cell(items_ws, pgettext("intake column", "scale")),
                     text_cell(items_ws, _("{low} to {high}; {note}").format(low=scale.min, high=scale.max,
                                                                             note=_(VALUE_NOTE)))])
    for value, label in sorted(scale.labels.items()):
        items_ws.append([value, text_cell(items_ws, label)])
    items_ws.append([])
    items_ws.append([text_cell(items_ws, pgettext("intake column", "note")), text_cell(items_ws,
                                                                                        _(NOT_EXPECTED_NOTE))])

    anchors_ws = wb.create_sheet(pgettext("intake sheet", "anchors"))
    points = list(range(scale.min, scale.max + 1))
    anchors_ws.append([text_cell(anchors_ws, pgettext("intake column", "area")),
                       *(text_cell(anchors_ws, f"{p} {scale.labels.get(p, '')}".strip()) for p in points)])
    for cell in anchors_ws[1]:
        cell.font, cell.fill = header_font, fill
    for area in ins.areas:
        anchors_ws.append([text_cell(anchors_ws, area.label), *(text_cell(anchors_ws, area.anchors[p])
                                                                for p in points)])
    anchors_ws.column_dimensions["A"].width = 32
    for position in range(2, len(points) + 2):
        anchors_ws.column_dimensions[get_column_letter(position)].width = 48
        for cell in anchors_ws[get_column_letter(position)]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return wb


def _group(ins: CompetencyInstrument, item_id: str) -> str:
    group = ins.items.at[item_id, "process_group"]
    return ins.group_label(group) if isinstance(group, str) and group else ""


def _not_expected(ins: CompetencyInstrument, item_id: str) -> str:
    skipped = ins.items.at[item_id, "not_expected_for"]
    return ", ".join(ins.level_label(level) for level in skipped) if skipped else ""
