"""Read CSV files and Excel sheets into tables of stripped strings.

The generic readers that the input boundaries (responses, the portfolio
workbook) share. A table is a :class:`pandas.DataFrame` of strings with
positional columns; row ``i`` of the frame is the row ``i + 1`` a spreadsheet
shows, so row 0 is the header row. Blank cells are ``""``. Checking what the
cells mean is left to the caller.

Problems the readers find in single rows (a CSV row wider than its header, an
Excel formula with no saved result) come back with the table; a file that
cannot be read at all raises :class:`~pmo_workbench.errors.InputValidationError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from .errors import InputValidationError, Problem

EXCEL_SUFFIXES = (".xlsx", ".xlsm")

Table = pd.DataFrame
"""Cells as stripped strings, row 0 = the header row (spreadsheet row 1)."""


# -- CSV -------------------------------------------------------------------

def read_csv_cells(path: str | Path) -> tuple[Table, list[Problem]]:
    """Read a CSV file into a table of stripped strings.

    As :func:`read_csv_delimited`, without the delimiter.
    """
    table, problems, _ = read_csv_delimited(path)
    return table, problems


def read_csv_delimited(path: str | Path) -> tuple[Table, list[Problem], str]:
    """Read a CSV file into a table of stripped strings, and say which delimiter it uses.

    UTF-8 with or without BOM; comma- or semicolon-delimited (whichever the
    header row holds more of); rows shorter than the header are padded, rows
    wider than it are reported and left blank (extra fields that are all blank,
    a trailing delimiter, are dropped quietly). Trailing blank rows and columns
    are dropped; a file with no text gives an empty table.

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    tuple
        The table, the problems of rows that could not be split, and the
        delimiter (``","`` or ``";"``; ``","`` for a file with no text). A
        caller reading numbers needs it: in a ``;`` file ``,`` is the decimal
        mark.

    Raises
    ------
    InputValidationError
        When the file is not UTF-8, its first row is blank, or a quoted value
        is never closed (each located by row).
    """
    path = Path(path)
    where = str(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise InputValidationError([Problem(
            where, row, None,
            f"byte {exc.start} is not UTF-8 ({data[exc.start:exc.start + 1]!r}); save the file as CSV UTF-8",
        )]) from None
    if not text.strip():
        return pd.DataFrame(), [], ","
    header = text.partition("\n")[0].rstrip("\r")
    if not header.strip():
        raise InputValidationError([Problem(where, 1, None, "row 1 is blank; the header must be the first row")])
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        table = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, engine="c",
        )
        return strip_table(table), [], sep
    except pd.errors.ParserError as exc:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if unclosed:
            raise InputValidationError([Problem(
                where, int(unclosed.group(1)) + 1, None,
                "a quoted value that starts on this row is never closed; check the quotes",
            )]) from None
    table, problems = _read_ragged_csv(where, text, sep)
    return strip_table(table), problems, sep


def _read_ragged_csv(where: str, text: str, sep: str) -> tuple[Table, list[Problem]]:
    """The slow path for rows wider than the header: report each one, read the rest.

    Extra fields that are all blank (a trailing delimiter) are dropped quietly.
    """
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    width = len(rows[0])
    problems = []
    for number, row in enumerate(rows, start=1):
        if len(row) <= width:
            continue
        if any(cell.strip() for cell in row[width:]):
            problems.append(Problem(
                where, number, None,
                f"row has {len(row)} fields but the header has {width}; check for an unquoted '{sep}' in a value",
            ))
            rows[number - 1] = []
        else:
            rows[number - 1] = row[:width]
    return pd.DataFrame([row + [""] * (width - len(row)) for row in rows]), problems


# -- Excel -----------------------------------------------------------------

def read_excel_sheets(
    path: str | Path, select: Callable[[list[str]], Iterable[str]] | None = None,
) -> dict[str, tuple[Table, list[Problem]]]:
    """Read the sheets of one workbook, in one load, into tables of stripped strings.

    Cells read as the text a CSV export would hold: whole numbers without
    ``.0``, dates as ISO ``YYYY-MM-DD`` (with ``THH:MM:SS`` when they carry a
    time), booleans as ``True``/``False``. Error cells (``#DIV/0!``) keep their
    text, so checks reject them as they would in a CSV; a formula is read from
    the result Excel saved with it, and a formula with no saved result (a file
    written by a program, never opened in Excel) is reported rather than taken
    as blank. Trailing blank rows and columns are dropped; an empty sheet gives
    an empty table.

    Parameters
    ----------
    path
        An ``.xlsx`` or ``.xlsm`` file.
    select
        Given the workbook's sheet names in order, returns the names to read;
        by default every sheet is read.

    Returns
    -------
    dict
        ``{sheet name as written: (table, problems)}`` in workbook order; the
        problems of a sheet locate their own rows (the caller names the sheet).

    Raises
    ------
    InputValidationError
        When the file cannot be opened as a workbook.
    """
    path = Path(path)
    where = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputValidationError([Problem(where, None, None, f"cannot read as an Excel workbook: {exc}")]) from None
    try:
        names = list(book.sheetnames)
        wanted = set(select(names)) if select is not None else set(names)
        cells = {name: _sheet_cells(book[name]) for name in names if name in wanted}
    finally:
        book.close()
    with_formulas = [name for name, (_, formulas) in cells.items() if formulas]
    saved = _saved_results(path, with_formulas) if with_formulas else {}
    result = {}
    for name, (rows, formulas) in cells.items():
        problems = []
        for r, c in formulas:
            values = saved[name]
            value = values[r][c] if r < len(values) and c < len(values[r]) else None
            if value is None:
                header = rows[0][c] if rows and c < len(rows[0]) and rows[0][c] else column_letter(c)
                problems.append(Problem(where, r + 1, header, "formula with no saved result; open and save the "
                                        "file in Excel, or type the value"))
            else:
                rows[r][c] = excel_cell_text(value)
        width = max((len(r) for r in rows), default=0)
        table = pd.DataFrame([row + [""] * (width - len(row)) for row in rows])
        result[name] = (strip_table(table), problems)
    return result


def _saved_results(path: Path, names: list[str]) -> dict[str, list[list[object]]]:
    """The values Excel saved with the formulas of the named sheets."""
    cached = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {
            name: [list(r) for r in cached[name].iter_rows(min_row=1, min_col=1, values_only=True)]
            for name in names
        }
    finally:
        cached.close()


def _sheet_cells(sheet) -> tuple[list[list[str]], list[tuple[int, int]]]:
    rows, formulas = [], []
    for r, row in enumerate(sheet.iter_rows(min_row=1, min_col=1)):
        texts = []
        for c, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((r, c))
                texts.append("")
            else:
                texts.append(excel_cell_text(cell.value))
        rows.append(texts)
    return rows, formulas


def excel_cell_text(value: object) -> str:
    """A cell as the text a CSV export would hold (whole floats without '.0', dates as ISO)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


# -- helpers ---------------------------------------------------------------

def strip_table(table: pd.DataFrame) -> Table:
    """Cells as stripped strings, without the trailing rows and columns that are
    entirely blank (spreadsheet padding); empty when no cell holds text."""
    if table.empty:
        return pd.DataFrame()
    table = table.fillna("").astype(str)
    table = table.apply(lambda col: per_value(col, lambda u: u.str.strip()))
    filled = table.ne("")
    if not filled.to_numpy().any():
        return pd.DataFrame()
    last_row = int(np.flatnonzero(filled.any(axis=1).to_numpy())[-1])
    last_col = int(np.flatnonzero(filled.any(axis=0).to_numpy())[-1])
    return table.iloc[: last_row + 1, : last_col + 1].reset_index(drop=True)


def per_value(column: pd.Series, fn) -> pd.Series:
    """Apply ``fn`` (Series -> Series) to the distinct values of ``column`` only and
    spread the results back, so string work on a million cells costs what it
    costs on their few hundred distinct values."""
    codes, uniques = pd.factorize(column, use_na_sentinel=False)
    result = fn(pd.Series(uniques, dtype=object)).to_numpy()
    return pd.Series(result[codes], index=column.index)


def column_letter(position: int) -> str:
    """The spreadsheet letter of a 0-based column position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# -- writing: formula injection --------------------------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (the OWASP list)."""


def neutralise(text: str) -> str:
    """``text`` made safe for a spreadsheet cell: a leading ``'`` before a formula trigger (OWASP).

    Text that already starts with quotes before a trigger gets one more, so that
    :func:`restore` gives back exactly what was written.
    """
    if text[:1] in TRIGGERS or (text[:1] == "'" and text.lstrip("'")[:1] in TRIGGERS):
        return "'" + text
    return text


def restore(text: str) -> str:
    """The text :func:`neutralise` was given: one leading ``'`` before quotes and a trigger removed."""
    if text[:1] == "'" and text.lstrip("'")[:1] in TRIGGERS:
        return text[1:]
    return text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralised (numbers stay numbers)."""
    return frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
