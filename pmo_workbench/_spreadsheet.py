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
import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import python_calamine

from ._io import restore_column
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
    are dropped; a file with no text gives an empty table. A cell that a
    writer neutralised (see :func:`neutralise`) reads back as it was before.

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
        When the path is a folder or missing, the file is UTF-16 or otherwise
        not UTF-8, it is tab-delimited, its first row is blank, or a quoted
        value is never closed (each located by row where there is one).
    """
    path = Path(path)
    where = str(path)
    check_file(path)
    data = path.read_bytes()
    if _is_utf16(data):
        raise InputValidationError([Problem(
            where, None, None, "the file is UTF-16 text, not UTF-8; save the file as CSV UTF-8")])
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
    if "\t" in header.strip() and "," not in header and ";" not in header:
        raise InputValidationError([Problem(
            where, 1, None, "the file is tab-delimited; save it comma-separated (CSV UTF-8)")])
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        table = pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, engine="c",
        )
        return _restored(strip_table(table)), [], sep
    except pd.errors.ParserError as exc:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(exc))
        if unclosed:
            raise InputValidationError([Problem(
                where, int(unclosed.group(1)) + 1, None,
                "a quoted value that starts on this row is never closed; check the quotes",
            )]) from None
    table, problems = _read_ragged_csv(where, text, sep)
    return _restored(strip_table(table)), problems, sep


def check_file(path: Path) -> None:
    """Raise :class:`InputValidationError` unless ``path`` is a file ("no such file", "is a folder, not a file")."""
    if not path.is_file():
        what = ("is a folder, not a file" if path.is_dir() else
                "is not a regular file (a device, pipe or socket)" if path.exists() else "no such file")
        raise InputValidationError([Problem(str(path), None, None, what)])


def read_people_table(path: Path, columns: tuple[str, ...]) -> tuple[Table, list[Problem], str]:
    """A list of people (CSV, or a workbook's sheet ``people``, else its first visible sheet): all cells as stripped
    strings (row 0 the header), the problems of rows that could not be read, and how problems name the file
    (``book.xlsx[sheet]`` for a workbook). ``columns`` is what an empty file is told to hold.

    Raises
    ------
    InputValidationError
        For a missing file, a workbook without a visible sheet, and an empty file or sheet.
    """
    check_file(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        def chosen(sheets: list[SheetName]) -> list[str]:
            named = [s for s in sheets if s.strip().lower() == "people"]
            return (named or [s for s in sheets if s.visible])[:1]

        read = read_excel_sheets(path, chosen)
        if not read:
            raise InputValidationError([Problem(str(path), None, None, "no visible worksheet to read")])
        ((sheet, (table, found)),) = read.items()
        where = f"{path}[{sheet}]"
        problems = [Problem(where, p.row, p.column, p.message) for p in found]
    else:
        table, problems = read_csv_cells(path)
        where = str(path)
    if table.empty:
        raise InputValidationError([*problems, Problem(where, 1, None, "the file is empty; expected a header row "
                                                       f"with {', '.join(columns)} and one person per row")])
    return table, list(problems), where


def _is_utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or the NUL bytes UTF-16 puts beside ASCII text (every other byte)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2 or b"\x00" not in sample:
        return False
    odd_nul = sample[1::2].count(0)  # little-endian ASCII: "a\0b\0"
    even_nul = sample[0::2].count(0)  # big-endian: "\0a\0b"
    return max(odd_nul, even_nul) >= 0.6 * pairs and min(odd_nul, even_nul) <= 0.1 * pairs


def _restored(table: Table) -> Table:
    """Every cell through :func:`restore` (on distinct values only)."""
    if table.empty:
        return table
    return table.apply(lambda col: per_value(col, restore_column))


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

MAX_CELLS = 20_000_000
"""The most cells (rows x columns, counted from A1 to the farthest cell holding a value) a sheet may span.

The reader holds a sheet as a dense table; a stray value far from the data (a
space typed in XFD1048576) would make that table billions of cells, so such a
sheet is refused instead."""


class SheetName(str):
    """A sheet name as written in the workbook that also says whether the sheet is visible.

    It is a :class:`str`, so code that only wants names can ignore the flag.
    """

    visible: bool

    def __new__(cls, name: str, visible: bool = True) -> SheetName:
        self = super().__new__(cls, name)
        self.visible = visible
        return self


def read_excel_sheets(
    path: str | Path, select: Callable[[list[SheetName]], Iterable[str]] | None = None,
) -> dict[str, tuple[Table, list[Problem]]]:
    """Read the sheets of one workbook, in one load, into tables of stripped strings.

    Cells read as the text a CSV export would hold: whole numbers without
    ``.0``, dates as ISO ``YYYY-MM-DD`` (with ``THH:MM:SS`` when they carry a
    time), times as ISO ``HH:MM:SS``, booleans as ``True``/``False``. Error
    cells (``#DIV/0!``) keep their text, so checks reject them as they would in
    a CSV; a formula is read from the result Excel saved with it, and a formula
    with no saved result (a file written by a program, never opened in Excel)
    is reported rather than taken as blank. Every cell holding a value is read,
    whatever range the sheet declares (its ``<dimension>``) and however far its
    formatting reaches. Trailing blank rows and columns are dropped; an empty
    sheet gives an empty table.

    Parameters
    ----------
    path
        An ``.xlsx`` or ``.xlsm`` file.
    select
        Given the workbook's worksheets in order (as :class:`SheetName`, a
        ``str`` with a ``visible`` flag; chart sheets are left out), returns
        the names to read; by default every worksheet is read.

    Returns
    -------
    dict
        ``{sheet name as written: (table, problems)}`` in workbook order; the
        problems of a sheet locate their own rows (the caller names the sheet).

    Raises
    ------
    InputValidationError
        When the path is not a file, the file cannot be opened as a workbook,
        or a selected sheet spans more than :data:`MAX_CELLS` cells (located as
        ``book.xlsx[sheet]``).
    """
    path = Path(path)
    where = str(path)
    check_file(path)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types (zip, XML, ...) for a bad file
        raise InputValidationError([Problem(where, None, None, f"cannot read as an Excel workbook: {exc}")]) from None
    try:
        sheets = [SheetName(m.name, m.visible == python_calamine.SheetVisibleEnum.Visible)
                  for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
        wanted = set(select(list(sheets))) if select is not None else set(sheets)
        chosen = [str(name) for name in sheets if name in wanted]
        try:
            with zipfile.ZipFile(path) as archive:
                parts = _sheet_parts(archive)
                scans = {name: _scan_sheet(archive, parts[name]) for name in chosen}
        except (KeyError, zipfile.BadZipFile, ET.ParseError, ValueError) as exc:
            raise InputValidationError([Problem(
                where, None, None, f"cannot read as an Excel workbook: {type(exc).__name__}: {exc}")]) from None
        too_big = [Problem(f"{where}[{name}]", scan.rows, None, scan.too_big_message())
                   for name, scan in scans.items() if scan.rows * scan.cols > MAX_CELLS]
        if too_big:
            raise InputValidationError(too_big)
        result = {}
        for name in chosen:
            try:
                values = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:  # a sheet calamine cannot parse
                raise InputValidationError([Problem(
                    f"{where}[{name}]", None, None, f"cannot read this sheet: {exc}")]) from None
            result[name] = _sheet_table(where, values, scans[name])
    finally:
        book.close()
    return result


def _sheet_table(where: str, values: list[list[object]], scan: _SheetScan) -> tuple[Table, list[Problem]]:
    """A sheet's table from calamine's values and what the scan of its XML found."""
    width = max((len(row) for row in values), default=0)
    if any(len(row) != width for row in values):
        values = [list(row) + [""] * (width - len(row)) for row in values]
    columns = [_cell_texts(column) for column in zip(*values)]
    height = len(values)
    for r, c in scan.errors:  # calamine reads error cells as blanks
        height, width = max(height, r + 1), max(width, c + 1)
    for column in columns:
        column.extend([""] * (height - len(column)))
    columns.extend([[""] * height for _ in range(width - len(columns))])
    for (r, c), text in scan.errors.items():
        columns[c][r] = text
    problems = []
    for r, c in scan.no_result:
        header = columns[c][0].strip() if c < width and height and columns[c][0].strip() else column_letter(c)
        problems.append(Problem(where, r + 1, header, "formula with no saved result; open and save the "
                                "file in Excel, or type the value"))
        if r < height and c < width:
            columns[c][r] = ""
    table = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(height), columns=pd.RangeIndex(width))
    return strip_table(table), problems


def _cell_texts(column: Iterable[object]) -> list[str]:
    """One column's cells as text (:func:`excel_cell_text`), each distinct value converted once."""
    texts = list(column)
    seen: dict[tuple[type, object], str] = {}
    for i, value in enumerate(texts):
        if type(value) is not str:
            key = (type(value), value)
            text = seen.get(key)
            if text is None:
                text = seen[key] = excel_cell_text(value)
            texts[i] = text
    return texts


_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet name: path of its XML part in the zip}``, from the workbook part and its relationships."""
    def rels_of(part: str) -> dict[str, str]:
        folder, name = posixpath.split(part)
        rels = ET.fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels")))
        targets = {}
        for rel in rels:
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            targets[rel.get("Id", "")] = (posixpath.normpath(resolved), rel.get("Type", ""))
        return targets

    package = rels_of("")
    book_part = next(t for t, kind in package.values() if kind.endswith("/officeDocument"))
    book = ET.fromstring(archive.read(book_part))
    targets = rels_of(book_part)
    parts = {}
    for element in book.iter():
        if _local(element.tag) == "sheet":
            rel = element.get(_RELATIONSHIP) or next(
                (v for k, v in element.attrib.items() if _local(k) == "id"), "")
            if rel in targets:
                parts[element.get("name", "")] = targets[rel][0]
    return parts


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@dataclass
class _SheetScan:
    """What a streaming pass over a sheet's XML finds that calamine does not say.

    ``rows``/``cols``: the extent (from A1) of the cells holding a value;
    ``errors``: error cells and their text; ``no_result``: formulas saved
    without a result. Positions are 0-based ``(row, column)``.
    """

    rows: int = 0
    cols: int = 0
    last_row_cell: str = ""
    last_col_cell: str = ""
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    no_result: list[tuple[int, int]] = field(default_factory=list)

    def too_big_message(self) -> str:
        return (f"the sheet is too large to read: its cells with values reach row {self.rows:,} "
                f"(cell {self.last_row_cell}) and column {column_letter(self.cols - 1)} (cell {self.last_col_cell}), "
                f"{self.rows * self.cols:,} cells in all, more than {MAX_CELLS:,}; delete what lies beyond the data "
                "(a stray value far below or to the right of it)")


_CELL = re.compile(rb"<c[\s>/]")
_CELL_COLUMN = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})[0-9]{1,7}"')
_CELL_ROW = re.compile(rb'<c\s[^>]*?\br="[A-Z]{1,3}([0-9]{1,7})"')
_SLOW = re.compile(rb'<f[\s>/]|\st="e"')


def _scan_sheet(archive: zipfile.ZipFile, part: str) -> _SheetScan:
    """What calamine does not say about a sheet; a quick pass when it holds nothing unusual.

    The quick pass (regular expressions over the XML in chunks) finds the
    farthest cell of any kind; when every cell has a reference, the extent
    fits :data:`MAX_CELLS`, and there is no formula or error cell, nothing
    more is needed. Otherwise :func:`_scan_sheet_xml` reads the sheet cell by cell.
    """
    cells = refs = 0
    last_letters, last_digits = b"", b""
    left = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            buffer = left + chunk
            cut = buffer.rfind(b">") + 1
            piece, left = buffer[:cut], buffer[cut:]
            maybe_slow = b"<f" in piece or b't="e"' in piece  # plain searches first: the regex is slower
            if (maybe_slow and _SLOW.search(piece)) or len(left) > 1 << 22:  # a formula or error cell; or no tag
                return _scan_sheet_xml(archive, part)                         # end for 4 MB
            cells += len(_CELL.findall(piece))
            letters = _CELL_COLUMN.findall(piece)  # two passes of one group each: sets of bytes are cheap,
            refs += len(letters)                    # a set of (letters, digits) pairs is not
            if letters:
                last_letters = max(last_letters, *set(letters), key=lambda b: (len(b), b))
                last_digits = max(last_digits, *set(_CELL_ROW.findall(piece)), key=lambda b: (len(b), b))
    if cells != refs or left.strip():
        return _scan_sheet_xml(archive, part)
    if not refs:
        return _SheetScan()
    rows, cols = int(last_digits), _column_index(last_letters.decode()) + 1
    if rows * cols > MAX_CELLS:  # perhaps only styled empty cells out there: look closer
        return _scan_sheet_xml(archive, part)
    return _SheetScan(rows=rows, cols=cols)


def _scan_sheet_xml(archive: zipfile.ZipFile, part: str) -> _SheetScan:
    """Stream a sheet's XML once; each element is dropped as soon as it is read (bounded memory)."""
    scan = _SheetScan()
    row = col = -1
    open_elements: list[ET.Element] = []
    in_cell = 0  # depth inside a <c>: its children are kept until the cell is read
    with archive.open(part) as stream:
        for event, element in ET.iterparse(stream, events=("start", "end")):
            tag = _local(element.tag)
            if event == "start":
                open_elements.append(element)
                if in_cell or tag == "c":
                    in_cell += 1
                elif tag == "row":
                    number = element.get("r")
                    row = int(number) - 1 if number else row + 1
                    col = -1
                continue
            open_elements.pop()
            if in_cell:
                in_cell -= 1
                if in_cell:
                    continue
            if tag == "c":
                ref = element.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = _column_index(letters)
                    row = int(ref[len(letters):]) - 1
                else:
                    col += 1
                _scan_cell(scan, element, row, col, ref)
            if open_elements:
                del open_elements[-1][:]
    return scan


def _scan_cell(scan: _SheetScan, cell: ET.Element, row: int, col: int, ref: str | None) -> None:
    value = formula = None
    inline = False
    for child in cell:
        name = _local(child.tag)
        if name == "v":
            value = child
        elif name == "f":
            formula = child
        elif name == "is":
            inline = True
    if value is None and not inline:
        if formula is not None:
            scan.no_result.append((row, col))
        return
    if row + 1 > scan.rows:
        scan.rows, scan.last_row_cell = row + 1, ref or f"{column_letter(col)}{row + 1}"
    if col + 1 > scan.cols:
        scan.cols, scan.last_col_cell = col + 1, ref or f"{column_letter(col)}{row + 1}"
    kind = cell.get("t", "n")
    if kind == "e":
        scan.errors[row, col] = (value.text or "") if value is not None else ""
    elif formula is not None and value is not None and not value.text and kind not in ("str", "inlineStr", "s"):
        scan.no_result.append((row, col))


@functools.lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    """The 0-based position of a column's letters (A -> 0, AA -> 26)."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


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
