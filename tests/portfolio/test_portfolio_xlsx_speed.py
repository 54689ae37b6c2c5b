"""The faster .xlsx reading gives the tables and located problems the previous reading gave.

``_previous_scan`` and ``_previous_table`` are the sheet scan and table builder as they were before the
speed-up (one regular expression over every cell reference, one conversion per cell), kept here as the
reference: on the sample workbooks and on every bad-input workbook of the workbook tests, the reader with
them and the reader as it is now must agree cell for cell and problem for problem.
"""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest

from pmo_workbench import _spreadsheet
from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio.workbook import read_portfolio
from pmo_workbench.resources import examples_dir

from tests.helpers import write_portfolio
from tests.portfolio.test_portfolio_workbook import CASES, full_workbook, projects

_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')


def _previous_scan(archive: zipfile.ZipFile, part: str) -> _spreadsheet._SheetScan:
    cells = refs = 0
    last_letters, last_digits = b"", b""
    left = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            buffer = left + chunk
            cut = buffer.rfind(b">") + 1
            piece, left = buffer[:cut], buffer[cut:]
            if _spreadsheet._SLOW.search(piece) or len(left) > 1 << 22:
                return _spreadsheet._scan_sheet_xml(archive, part)
            cells += len(_spreadsheet._CELL.findall(piece))
            found = _CELL_REF.findall(piece)
            refs += len(found)
            if found:
                last_letters = max(last_letters, *(f[0] for f in found), key=lambda b: (len(b), b))
                last_digits = max(last_digits, *(f[1] for f in found), key=lambda b: (len(b), b))
    if cells != refs or left.strip():
        return _spreadsheet._scan_sheet_xml(archive, part)
    if not refs:
        return _spreadsheet._SheetScan()
    rows, cols = int(last_digits), _spreadsheet._column_index(last_letters.decode()) + 1
    if rows * cols > _spreadsheet.MAX_CELLS:
        return _spreadsheet._scan_sheet_xml(archive, part)
    return _spreadsheet._SheetScan(rows=rows, cols=cols)


def _previous_table(where, values, scan):
    rows = [[v if type(v) is str else _spreadsheet.excel_cell_text(v) for v in row] for row in values]
    for (r, c), text in scan.errors.items():
        while len(rows) <= r:
            rows.append([])
        if len(rows[r]) <= c:
            rows[r].extend([""] * (c + 1 - len(rows[r])))
        rows[r][c] = text
    problems = []
    for r, c in scan.no_result:
        header = rows[0][c].strip() if rows and c < len(rows[0]) and rows[0][c].strip() else \
            _spreadsheet.column_letter(c)
        problems.append(_spreadsheet.Problem(where, r + 1, header, "formula with no saved result; open and save "
                                             "the file in Excel, or type the value"))
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = ""
    width = max((len(r) for r in rows), default=0)
    table = pd.DataFrame([row + [""] * (width - len(row)) for row in rows])
    return _spreadsheet.strip_table(table), problems


def _read(path):
    """The portfolio, or the problems as (path, row, column, message)."""
    try:
        portfolio = read_portfolio(path)
    except InputValidationError as exc:
        return [(p.path, p.row, p.column, p.message) for p in exc.problems]
    return {name: getattr(portfolio, name) for name in ("projects", "baseline", "risks", "dependencies",
                                                        "assignments", "capacity", "criteria")}


def _same_as_before(path, monkeypatch):
    now = _read(path)
    with monkeypatch.context() as m:
        m.setattr(_spreadsheet, "_scan_sheet", _previous_scan)
        m.setattr(_spreadsheet, "_sheet_table", _previous_table)
        before = _read(path)
    if isinstance(before, list):
        assert now == before
        return
    assert now.keys() == before.keys()
    for name, frame in before.items():
        if frame is None:
            assert now[name] is None, name
        else:
            pd.testing.assert_frame_equal(now[name], frame, obj=name)


@pytest.mark.parametrize("name", ["korrin-regional-council.xlsx", "stellbrook-pharmaceuticals.xlsx"])
def test_sample_workbooks_read_as_before(name, monkeypatch):
    path = examples_dir() / "portfolios" / name
    assert not isinstance(_read(path), list)
    _same_as_before(path, monkeypatch)


def test_a_full_workbook_reads_as_before(tmp_path, monkeypatch):
    _same_as_before(write_portfolio(tmp_path, full_workbook(), form="xlsx"), monkeypatch)


@pytest.mark.parametrize(("changes", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_workbooks_report_what_they_reported_before(tmp_path, monkeypatch, changes, expected):
    path = write_portfolio(tmp_path, {"projects": projects(), **changes}, form="xlsx")
    assert isinstance(_read(path), list)
    _same_as_before(path, monkeypatch)
