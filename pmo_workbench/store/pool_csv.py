"""The benchmark pool's exchange file: one row per entry, one ``score_<dimension>`` column per dimension.

``benchmark export`` writes it (formula-neutralised, atomically) and ``benchmark import`` reads it back, so that
a consultancy can merge pools; the demo's synthetic pool (``examples/benchmark_pool.csv``) is one too. Every
problem of a file is reported at once as ``file:row:column: message``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .._io import write_csv
from .._memo import cached
from .._spreadsheet import read_csv_cells
from .._values import date_message, date_problem
from ..assessment.benchmark import ENTRY_COLUMNS, MIN_RESPONDENTS, PMO_LEVELS, SCORE_PREFIX, SIZES
from ..errors import InputValidationError, Problem
from .pool import text_problem

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_REQUIRED = tuple(c for c in ENTRY_COLUMNS if c != "source_key")
MAX_BYTES = 20 * 1024 * 1024
"""The largest pool file read (20 MB; an entry of a 14-dimension instrument takes some 300 bytes)."""
MAX_ENTRIES = 50_000
"""The most entries a pool file may hold."""
_RESPONSES_HEADERS = {"respondent", "role", "item", "organisation"}


def write_pool_csv(table: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write a pool table (:meth:`~.pool.BenchmarkPool.frame`) as its exchange file, atomically, with no cell a
    spreadsheet would run."""
    out = table.copy()
    out["synthetic"] = out["synthetic"].map(lambda v: "true" if bool(v) else "false")
    return write_csv(out, path)


def read_pool_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read and check a pool's exchange file.

    Returns
    -------
    pandas.DataFrame
        The pool table: ``year`` and ``respondents`` integers, ``overall`` and the scores floats (NaN when blank),
        ``synthetic`` booleans, blank text ``None``.

    Raises
    ------
    InputValidationError
        With every problem located (``file:row:column: message``): a file over :data:`MAX_BYTES` or
        :data:`MAX_ENTRIES` entries, a missing column, a malformed id or key, a
        value out of range, the same entry id twice with different content. A responses file gets one problem
        saying to add it with ``benchmark add --responses``.
    """
    return cached(path, ("pool", os.fspath(path)), lambda: _read_pool_csv(path), pd.DataFrame.copy)


def _read_pool_csv(path: str | os.PathLike) -> pd.DataFrame:
    where = str(path)
    if Path(path).suffix.lower() in (".xlsx", ".xls"):
        raise InputValidationError([Problem(where, None, None, "a pool file is a CSV file (`pmo-workbench benchmark "
                                            "export` writes one); save the workbook as CSV UTF-8 and give that")])
    size = Path(path).stat().st_size if Path(path).is_file() else 0
    if size > MAX_BYTES:
        raise InputValidationError([Problem(where, None, None, f"the file holds {size / 2**20:.1f} MB, more than a "
                                            f"pool file may ({MAX_BYTES // 2**20} MB); split it and import each part")])
    cells, problems = read_csv_cells(path)
    if problems:
        raise InputValidationError(problems)
    if cells.empty:
        raise InputValidationError([Problem(where, None, None, "the file is empty; `pmo-workbench benchmark export` "
                                            "writes a pool file")])
    if len(cells) - 1 > MAX_ENTRIES:
        raise InputValidationError([Problem(where, None, None, f"the file holds {len(cells) - 1} entries, more than a "
                                            f"pool file may ({MAX_ENTRIES}); split it and import each part")])
    headers = [str(c).strip() for c in cells.iloc[0]]  # the first row holds the headers
    cells = cells.iloc[1:].set_axis(headers, axis=1)
    lowered = {h.lower() for h in headers}
    if _RESPONSES_HEADERS & lowered and "entry_id" not in lowered:
        raise InputValidationError([Problem(where, 1, None, _not_pool())])
    missing = [c for c in _REQUIRED if c not in headers]
    dims = [h for h in headers if h.startswith(SCORE_PREFIX) and len(h) > len(SCORE_PREFIX)]
    if missing:
        raise InputValidationError([Problem(where, 1, None, f"not a benchmark pool file: missing column(s) "
                                            f"{', '.join(missing)}; `pmo-workbench benchmark export` writes one")])
    unknown = [h for h in headers if h not in ENTRY_COLUMNS and h not in dims]
    problems = [Problem(where, 1, h, f"unknown column '{h}'; a pool file has {', '.join(ENTRY_COLUMNS)} and "
                        "score_<dimension> columns") for h in unknown]
    rows = []
    for n, record in enumerate(cells.to_dict("records"), start=2):
        row, found = _row(where, n, record, dims)
        problems.extend(found)
        rows.append(row)
    table = pd.DataFrame(rows, columns=[*ENTRY_COLUMNS, *dims])
    problems.extend(_duplicates(where, table))  # with the other problems: every one is reported at once
    if problems:
        raise InputValidationError(problems)
    for column in ["overall", *dims]:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype(float)
    table["synthetic"] = table["synthetic"].astype(bool)
    return table.drop_duplicates("entry_id").reset_index(drop=True)  # the same entry twice is kept once


def _not_pool() -> str:
    return ("this is not a benchmark pool (it looks like a responses file); add an organisation's assessment to a "
            "pool with `pmo-workbench benchmark add --responses FILE --organisation ORG`, then give the pool "
            "(its database, or a file `pmo-workbench benchmark export` wrote)")


def _row(where: str, n: int, record: dict, dims: list[str]) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        problems.append(Problem(where, n, column, message))

    def text(column: str, required: bool = False, choices: tuple[str, ...] | None = None) -> str | None:
        value = " ".join(str(record.get(column, "") or "").split())
        if not value:
            if required:
                bad(column, "is blank")
            return None
        wrong = text_problem(column, value)
        if wrong is not None:
            bad(column, wrong)
        if choices is not None and value not in choices:
            bad(column, f"'{value}' is not one of: {', '.join(choices)}")
        return value

    def number(column: str, low: float, high: float, whole: bool = False, required: bool = False):
        value = str(record.get(column, "") or "").strip()
        if not value:
            if required:
                bad(column, "is blank")
            return None
        try:
            parsed = float(value)
        except ValueError:
            bad(column, f"'{value}' is not a number")
            return None
        if whole and not value.isdigit():  # digits only: '2024.0' or '1e3' is not how a count or year is written
            bad(column, f"'{value}' is not a whole number")
            return None
        if not low <= parsed <= high:
            bad(column, f"{value} is outside {low:g}-{high:g}")
            return None
        return int(parsed) if whole else parsed

    row: dict = {}
    for column, pattern, what in (("entry_id", _HEX32, "32 hexadecimal digits"),
                                  ("org_key", _HEX64, "64 hexadecimal digits"),
                                  ("source_key", _HEX64, "64 hexadecimal digits")):
        value = str(record.get(column, "") or "").strip().lower()
        if column == "source_key" and not value:
            row[column] = None
            continue
        if not pattern.match(value):
            bad(column, f"'{value}' is not {what}")
        row[column] = value
    row["instrument_id"] = text("instrument_id", True)
    row["instrument_version"] = text("instrument_version", True)
    row["year"] = number("year", 1900, 2200, whole=True, required=True)
    row["sector"] = text("sector")
    size = text("size")
    row["size"] = size.lower() if size else None
    if row["size"] and row["size"] not in SIZES:
        bad("size", f"'{size}' is not one of: {', '.join(SIZES)}")
    level = text("pmo_level")
    row["pmo_level"] = level.lower() if level else None
    if row["pmo_level"] and row["pmo_level"] not in PMO_LEVELS:
        bad("pmo_level", f"'{level}' is not one of: {', '.join(PMO_LEVELS)}")
    row["region"] = text("region")
    row["type"] = text("type", True)
    row["target"] = text("target")
    row["overall"] = number("overall", 0, 100)
    row["respondents"] = number("respondents", MIN_RESPONDENTS, 10**6, whole=True, required=True)
    added = str(record.get("added_on", "") or "").strip()
    day, message = date_problem(added)
    row["added_on"] = None if day is None else day.isoformat()
    if day is None:
        bad("added_on", message or date_message(added, "is blank"))
    flag = str(record.get("synthetic", "") or "").strip().lower()
    if flag not in ("true", "false", "1", "0", "yes", "no"):
        bad("synthetic", f"'{flag}' is not true or false")
    row["synthetic"] = flag in ("true", "1", "yes")
    for column in dims:
        row[column] = number(column, 0, 100)
    return row, problems


def _duplicates(where: str, table: pd.DataFrame) -> list[Problem]:
    """The same entry id twice with different content (the same twice is kept once)."""
    problems = []
    seen: dict[str, tuple[int, tuple]] = {}
    for n, record in enumerate(table.astype(object).where(table.notna(), None).to_dict("records"), start=2):
        content = tuple(record.values())
        first = seen.setdefault(record["entry_id"], (n, content))
        if first[0] != n and first[1] != content:
            problems.append(Problem(where, n, "entry_id", f"entry {record['entry_id']} is also in row {first[0]} "
                                    "with other content"))
    return problems

