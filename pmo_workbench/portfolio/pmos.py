"""The optional ``pmos`` sheet: the PMO hierarchy, read and validated beside the other sheets.

A portfolio workbook may say how its PMOs nest (an enterprise PMO over
portfolio PMOs over programme offices) in a sheet named ``pmos`` (or a
``pmos.csv`` file in a folder workbook) with the columns ``pmo`` (required,
each PMO once), ``parent`` (the PMO it reports to; blank at the top) and
``level`` (free text, or blank). :func:`read_portfolio` reads the workbook's
other sheets with :func:`pmo_workbench.portfolio.workbook.read_portfolio`, this
sheet here, and raises every problem of both at once, each located by sheet,
row and column as a spreadsheet shows it (header = row 1).
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pandas as pd

from .._spreadsheet import EXCEL_SUFFIXES, read_csv_delimited, read_excel_sheets
from .._values import CONTROL, control_message
from ..errors import InputValidationError, Problem
from . import workbook
from .model import PMO_COLUMNS, Portfolio

__all__ = ["read_pmos", "read_portfolio"]

SHEET = "pmos"


def read_portfolio(path: str | Path) -> Portfolio:
    """Read and validate a portfolio workbook, with its PMO hierarchy when it has a ``pmos`` sheet.

    As :func:`pmo_workbench.portfolio.workbook.read_portfolio`, plus
    ``Portfolio.pmos`` (:data:`~pmo_workbench.portfolio.model.PMO_COLUMNS`,
    ``None`` without the sheet). The problems of the ``pmos`` sheet are raised
    together with those of the other sheets.

    Raises
    ------
    InputValidationError
        With every problem found, each located by file (``book.xlsx[sheet]``
        or ``folder/sheet.csv``), row and column.
    """
    problems: list[Problem] = []
    portfolio = None
    try:
        portfolio = workbook.read_portfolio(path)
    except InputValidationError as exc:
        problems.extend(exc.problems)
    try:
        pmos, found = read_pmos(path)
    except InputValidationError:  # the file itself cannot be read: already reported above
        pmos, found = None, []
    problems.extend(found)
    if problems:
        raise InputValidationError(problems)
    return dataclasses.replace(portfolio, pmos=pmos)


def read_pmos(path: str | Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The ``pmos`` sheet of a workbook (``None`` when absent or blank) and its problems.

    Checks: the ``pmo`` column is there; each row names a PMO, and each PMO
    once; a parent is a PMO of the sheet, not the PMO itself, and no chain of
    parents comes back to where it started; no control characters in text.

    Returns
    -------
    tuple
        The frame (``pmo, parent, level, source_row``, text ``NaN`` where
        blank, in sheet order) and the problems found.
    """
    found = _open(Path(path))
    if found is None:
        return None, []
    where, table, problems = found
    if table.empty:
        return None, problems
    header = {}
    for position, text in enumerate(table.iloc[0]):
        name = str(text).strip().lower()
        if name in PMO_COLUMNS and name not in header:
            header[name] = (position, str(text).strip())
    if "pmo" not in header:
        known = [str(t).strip() for t in table.iloc[0] if str(t).strip()]
        close = difflib.get_close_matches("pmo", [k.lower() for k in known], n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        problems.append(Problem(where, 1, "pmo", f"missing required column 'pmo' (pmos needs pmo, and may have "
                                                 f"parent and level){hint}"))
        return None, problems
    body = table.iloc[1:]
    body = body.set_axis(pd.RangeIndex(2, 2 + len(body)), axis=0)
    body = body[body.ne("").any(axis=1)]
    if body.empty:
        return None, problems
    columns = {}
    for name in PMO_COLUMNS:
        if name not in header:
            columns[name] = pd.Series(pd.NA, index=body.index, dtype=object)
            continue
        position, written = header[name]
        raw = body.iloc[:, position].astype(str)
        for row, text in raw[raw.str.contains(CONTROL)].items():
            problems.append(Problem(where, row, written, control_message(name, text, CONTROL)))
        columns[name] = raw.where(raw.ne("") & ~raw.str.contains(CONTROL))
    frame = pd.DataFrame(columns, index=body.index)
    _check(frame, where, {n: w for n, (_, w) in header.items()}, problems)
    out = frame.astype(object).where(frame.notna(), float("nan")).astype("str").reset_index(names="source_row")
    return out[[*PMO_COLUMNS, "source_row"]].astype({"source_row": "int64"}), problems


def _open(path: Path) -> tuple[str, pd.DataFrame, list[Problem]] | None:
    """``(where, table, problems)`` of the ``pmos`` sheet or file, ``None`` when the workbook has none."""
    if path.is_dir():
        files = sorted(f for f in path.iterdir() if f.suffix.lower() == ".csv" and f.stem.strip().lower() == SHEET)
        if not files:
            return None
        table, problems, _sep = read_csv_delimited(files[0])
        return str(files[0]), table, list(problems)
    if path.suffix.lower() not in EXCEL_SUFFIXES or not path.exists():
        return None
    read = read_excel_sheets(path, lambda names: [n for n in names if n.strip().lower() == SHEET][:1])
    for sheet, (table, found) in read.items():
        where = f"{path}[{sheet}]"
        return where, table, [Problem(where, p.row, p.column, p.message) for p in found]
    return None


def _check(frame: pd.DataFrame, where: str, written: dict[str, str], problems: list[Problem]) -> None:
    """Blank and repeated PMOs, unknown parents, a PMO its own parent, and cycles of parents."""
    col = lambda name: written.get(name, name)  # noqa: E731
    pmo = frame["pmo"]
    for row in pmo.index[pmo.isna()]:
        problems.append(Problem(where, row, col("pmo"), "missing pmo; expected the PMO's name, as the projects "
                                                        "sheet writes it"))
    first: dict[str, int] = {}
    for row, name in pmo.dropna().items():
        if name in first:
            problems.append(Problem(where, row, col("pmo"), f"PMO '{name}' appears again; first in row "
                                                            f"{first[name]} (each PMO once)"))
        else:
            first[name] = row
    for row, (name, up) in frame[["pmo", "parent"]].iterrows():
        if pd.isna(up):
            continue
        if up == name:
            problems.append(Problem(where, row, col("parent"), f"PMO '{name}' is its own parent; expected the PMO "
                                                               "it reports to, or blank at the top"))
        elif up not in first:
            close = difflib.get_close_matches(up, list(first), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Problem(where, row, col("parent"), f"unknown parent '{up}': no row of the pmos sheet "
                                                               f"names it in column pmo{hint}"))
    parent_of = {name: frame.at[row, "parent"] for name, row in first.items()
                 if pd.notna(frame.at[row, "parent"]) and frame.at[row, "parent"] in first
                 and frame.at[row, "parent"] != name}
    reported: set[str] = set()
    for start in first:
        chain, node = [start], parent_of.get(start)
        while node is not None and node not in chain:
            chain.append(node)
            node = parent_of.get(node)
        if node is None or node in reported:
            continue
        loop = chain[chain.index(node):]
        reported.update(loop)
        problems.append(Problem(where, first[node], col("parent"),
                                "parents form a cycle: " + " reports to ".join([*loop, node])
                                + "; expected every chain of parents to end at a PMO with a blank parent"))


def descendants(pmos: pd.DataFrame) -> dict[str, list[str]]:
    """Each PMO of a validated ``pmos`` frame with itself and every PMO under it, depth first in sheet order."""
    children: dict[str, list[str]] = {name: [] for name in pmos["pmo"]}
    for name, up in zip(pmos["pmo"], pmos["parent"]):
        if pd.notna(up):
            children[up].append(name)

    def walk(name: str) -> list[str]:
        return [name, *(d for child in children[name] for d in walk(child))]

    return {name: walk(name) for name in pmos["pmo"]}
