"""Read questionnaire responses (CSV or XLSX, long or wide form) into one tidy frame.

This is the boundary: every check on responses happens here, every problem is
collected (not only the first) and reported as ``path:row:column: message``
with the row a spreadsheet shows (header = row 1). Code past this point trusts
the frame it gets.

The tidy frame has one row per (respondent, item) with the columns in
:data:`TIDY_COLUMNS`; ``value`` is a float, ``NaN`` when not answered.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputValidationError, Problem
from .instrument import Instrument

KEY_COLUMNS = ("organisation", "pmo", "respondent", "role")
LONG_COLUMNS = (*KEY_COLUMNS, "item", "value")
OPTIONAL_COLUMNS = ("pmo_level", "assessed_on", "comment")
PMO_LEVELS = ("project", "department", "enterprise")
"""Allowed values of the optional ``pmo_level`` column, narrowest first."""
NOT_ANSWERED = frozenset({"", "na", "n/a"})
TIDY_COLUMNS = (
    "organisation", "pmo", "pmo_level", "respondent", "role", "item", "value",
    "assessed_on", "comment", "source_row",
)
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def read_responses(path: str | Path, instrument: Instrument) -> pd.DataFrame:
    """Read and validate a responses file against an instrument.

    The form (long or wide) is detected from the headers; CSV files may be
    UTF-8 with or without BOM, comma- or semicolon-delimited; Excel files are
    read from the sheet named ``responses``, else the first sheet. The file is
    only read, never modified.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx`` or ``.xlsm`` file.
    instrument
        The instrument the answers belong to.

    Returns
    -------
    pandas.DataFrame
        One row per answer (or explicit non-answer) with :data:`TIDY_COLUMNS`,
        in file order. ``organisation``, ``pmo``, ``respondent``, ``role``,
        ``item`` and ``pmo_level`` are categorical (roles and items in
        instrument order); ``value`` is float, NaN when not answered.

    Raises
    ------
    InputValidationError
        With every problem found, each located by row and column.
    """
    path = Path(path)
    table = _read_table(path)
    return _Validator(path, instrument, table).run()


# -- reading ---------------------------------------------------------------

def _read_table(path: Path) -> pd.DataFrame:
    """All cells as stripped strings; row 0 is the header row."""
    where = str(path)
    if not path.is_file():
        raise InputValidationError([Problem(where, None, None, "no such file")])
    if path.suffix.lower() in EXCEL_SUFFIXES:
        table = _read_excel(path)
    else:
        table = _read_csv(path)
    table = table.fillna("").astype(str)
    table = table.apply(lambda col: col.str.strip())
    # Drop trailing rows and columns that are entirely blank (spreadsheet padding).
    filled = table.ne("")
    if not filled.to_numpy().any():
        raise InputValidationError([Problem(where, 1, None, "file is empty; expected a header row and one answer per row")])
    last_row = int(np.flatnonzero(filled.any(axis=1).to_numpy())[-1])
    last_col = int(np.flatnonzero(filled.any(axis=0).to_numpy())[-1])
    return table.iloc[: last_row + 1, : last_col + 1].reset_index(drop=True)


def _read_csv(path: Path) -> pd.DataFrame:
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
        raise InputValidationError([Problem(where, 1, None, "file is empty; expected a header row and one answer per row")])
    header = text.splitlines()[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    try:
        return pd.read_csv(
            io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
            skip_blank_lines=False, engine="c",
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            expected, line, saw = match.groups()
            raise InputValidationError([Problem(
                where, int(line), None,
                f"row has {saw} fields but the header has {expected}; check for an unquoted '{sep}' in a value",
            )]) from None
        raise InputValidationError([Problem(where, None, None, f"cannot parse CSV: {exc}")]) from None


def _read_excel(path: Path) -> pd.DataFrame:
    where = str(path)
    try:
        sheets = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise InputValidationError([Problem(where, None, None, f"cannot read as an Excel workbook: {exc}")]) from None
    with sheets:
        names = sheets.sheet_names
        sheet = next((n for n in names if n.strip().lower() == "responses"), names[0])
        raw = pd.read_excel(sheets, sheet_name=sheet, header=None, dtype=object)
    return raw.map(_excel_cell_text)


def _excel_cell_text(value: object) -> str:
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


# -- validating ------------------------------------------------------------

class _Validator:
    """Collects every problem of one table, then builds the tidy frame."""

    def __init__(self, path: Path, instrument: Instrument, table: pd.DataFrame):
        self.where = str(path)
        self.instrument = instrument
        self.problems: list[Problem] = []
        headers = list(table.iloc[0])
        body = table.iloc[1:].copy()
        body.index = pd.RangeIndex(2, 2 + len(body))  # spreadsheet row numbers
        self.body = body[body.ne("").any(axis=1)]  # blank lines hold no answer
        self.header_of: dict[str, str] = {}  # normalised name -> header as written
        self.columns: list[str | None] = []
        for position, header in enumerate(headers):
            name = header.strip().lower()
            if not name:
                if self.body.iloc[:, position].ne("").any():
                    self.add(1, _column_letter(position), "column has values but no header")
                self.columns.append(None)
            elif name in self.header_of:
                self.add(1, header, f"column '{header}' appears twice; each column once")
                self.columns.append(None)
            else:
                self.header_of[name] = header
                self.columns.append(name)
        self.body.columns = [c if c is not None else f"\0{i}" for i, c in enumerate(self.columns)]
        self.item_of = {i.lower(): i for i in instrument.items.index}

    def add(self, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.where, row, column, message))

    def col(self, name: str) -> str:
        return self.header_of.get(name, name)

    def fail_if_problems(self) -> None:
        if self.problems:
            raise InputValidationError(self.problems)

    def run(self) -> pd.DataFrame:
        names = set(self.header_of)
        long_form = "item" in names or "value" in names
        required = LONG_COLUMNS if long_form else KEY_COLUMNS
        for name in required:
            if name not in names:
                form = "long" if long_form else "wide"
                self.add(1, name, f"missing required column '{name}' ({form} form needs {', '.join(required)})")
        if self.body.empty:
            self.add(2, None, "no answers below the header row")
        self.fail_if_problems()
        if long_form:
            self._check_extra_long_columns(names)
            cells = self._long_cells()
        else:
            cells = self._wide_cells()
        self._check_keys(cells)
        values = self._check_values(cells)
        levels = self._check_pmo_levels(cells)
        dates = self._check_dates(cells)
        cells = cells.assign(value=values, pmo_level=levels, assessed_on=dates)
        self._check_one_role(cells)
        cells = self._check_duplicates(cells)
        self.fail_if_problems()
        return self._tidy(cells)

    def _tidy(self, cells: pd.DataFrame) -> pd.DataFrame:
        """Final shape: categorical keys (cheap to group and score), in file order."""
        tidy = cells.loc[:, list(TIDY_COLUMNS)].sort_values("source_row", kind="stable").reset_index(drop=True)
        for name in ("organisation", "pmo", "respondent"):
            tidy[name] = pd.Categorical(tidy[name], categories=pd.unique(tidy[name]))
        tidy["role"] = pd.Categorical(tidy["role"], categories=self.instrument.role_ids)
        tidy["item"] = pd.Categorical(tidy["item"], categories=self.instrument.items.index)
        tidy["pmo_level"] = pd.Categorical(tidy["pmo_level"], categories=PMO_LEVELS)
        return tidy

    # -- form-specific extraction -----------------------------------------
    def _check_extra_long_columns(self, names: set[str]) -> None:
        known = (*LONG_COLUMNS, *OPTIONAL_COLUMNS)
        for name in sorted(names - set(known)):
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            if close:
                self.add(1, self.col(name), f"unknown column '{self.col(name)}' (did you mean '{close[0]}'?)")

    def _long_cells(self) -> pd.DataFrame:
        body = self.body
        item_raw = body["item"]
        item = item_raw.str.lower().map(self.item_of)
        unknown = item.isna() & item_raw.ne("")
        for row, raw in item_raw[unknown].items():
            self.add(row, self.col("item"), self._unknown_item_message(raw))
        blank = item_raw.eq("")
        for row in blank[blank].index:
            self.add(row, self.col("item"), "missing item id")
        frame = self._base_frame(body)
        frame["item"] = item
        frame["value_raw"] = body["value"]
        frame["value_column"] = self.col("value")
        frame["comment"] = body["comment"] if "comment" in body else ""
        return frame[~(unknown | blank)]

    def _wide_cells(self) -> pd.DataFrame:
        item_columns: dict[str, str] = {}
        for name in self.header_of:
            if name in KEY_COLUMNS or name in OPTIONAL_COLUMNS and name != "comment":
                continue
            header = self.col(name)
            if name == "comment":
                self.add(1, header, "a 'comment' column is only read in the long form (one answer per row)")
            elif name in self.item_of:
                item_columns[name] = self.item_of[name]
            else:
                self.add(1, header, self._unknown_item_message(header))
        if not item_columns:
            self.add(1, None, "no item columns: expected the long form (columns item and value) "
                     "or the wide form (one column per item id, e.g. "
                     f"{', '.join(list(self.instrument.items.index)[:3])})")
            self.fail_if_problems()
        base = self._base_frame(self.body)
        parts = []
        for name, item in item_columns.items():
            part = base.copy()
            part["item"] = item
            part["value_raw"] = self.body[name]
            part["value_column"] = self.col(name)
            parts.append(part)
        frame = pd.concat(parts)
        frame["comment"] = ""
        return frame

    def _base_frame(self, body: pd.DataFrame) -> pd.DataFrame:
        frame = pd.DataFrame(index=body.index)
        for name in KEY_COLUMNS:
            frame[name] = body[name]
        for name in ("pmo_level", "assessed_on"):
            frame[name] = body[name] if name in body else ""
        frame["source_row"] = body.index
        return frame

    def _unknown_item_message(self, raw: str) -> str:
        ins = self.instrument
        # Best match first; among equals, instrument order.
        ratios = [(difflib.SequenceMatcher(None, raw.lower(), c).ratio(), c) for c in self.item_of]
        close = [c for _, c in sorted((r for r in ratios if r[0] >= 0.5), key=lambda r: -r[0])[:3]]
        hint = (
            f"close matches: {', '.join(self.item_of[c] for c in close)}"
            if close else f"it has {len(self.item_of)} items, e.g. {', '.join(list(ins.items.index)[:3])}"
        )
        return f"unknown item id '{raw}'; the instrument {ins.id} {ins.version} has no such item ({hint})"

    # -- checks on cells ---------------------------------------------------
    def _rows_once(self, cells: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
        """Rows of ``cells`` under ``mask``, one per source row (wide rows repeat per item)."""
        hit = cells[mask]
        return hit[~hit["source_row"].duplicated()]

    def _check_keys(self, cells: pd.DataFrame) -> None:
        for name in KEY_COLUMNS:
            blank = self._rows_once(cells, cells[name].eq(""))
            for row in blank["source_row"]:
                self.add(int(row), self.col(name), f"missing {name}; every answer needs one")
        role_of = {r.id.lower(): r.id for r in self.instrument.roles}
        role_of.update({r.label.strip().lower(): r.id for r in self.instrument.roles})
        role = cells["role"].str.lower().map(role_of)
        bad = self._rows_once(cells, role.isna() & cells["role"].ne(""))
        expected = ", ".join(self.instrument.role_ids)
        for row, raw in zip(bad["source_row"], bad["role"]):
            self.add(int(row), self.col("role"), f"unknown role '{raw}'; expected one of {expected}")
        cells["role"] = role.fillna(cells["role"])

    def _check_values(self, cells: pd.DataFrame) -> pd.Series:
        scale = self.instrument.scale
        raw = cells["value_raw"]
        missing = raw.str.lower().isin(NOT_ANSWERED)
        number = pd.to_numeric(raw.str.replace(",", ".", regex=False).where(~missing), errors="coerce")
        expected = (
            f"expected a whole number from {scale.min} to {scale.max}, or blank/NA for not answered"
        )
        not_number = number.isna() & ~missing
        for row, column, value in zip(cells.loc[not_number, "source_row"], cells.loc[not_number, "value_column"],
                                      raw[not_number]):
            self.add(int(row), column, f"value '{value}' is not a number; {expected}")
        outside = number.notna() & ((number < scale.min) | (number > scale.max) | (number % 1 != 0))
        for row, column, value in zip(cells.loc[outside, "source_row"], cells.loc[outside, "value_column"],
                                      raw[outside]):
            self.add(int(row), column, f"value '{value}' is outside the scale; {expected}")
        return number.astype(float)

    def _check_pmo_levels(self, cells: pd.DataFrame) -> pd.Series:
        raw = cells["pmo_level"]
        level = raw.str.lower().where(raw.ne(""))
        bad = self._rows_once(cells, level.notna() & ~level.isin(PMO_LEVELS))
        for row, value in zip(bad["source_row"], bad["pmo_level"]):
            self.add(int(row), self.col("pmo_level"),
                     f"unknown pmo_level '{value}'; expected one of {', '.join(PMO_LEVELS)} or blank")
        given = cells.assign(level=level)[level.isin(PMO_LEVELS)]
        given = given[~given["source_row"].duplicated()]
        first = given.groupby(["organisation", "pmo"], sort=False)[["level", "source_row"]].transform("first")
        clash = given["level"].ne(first["level"])
        for (row, org, pmo, lvl), (first_level, first_row) in zip(
            given.loc[clash, ["source_row", "organisation", "pmo", "level"]].itertuples(index=False),
            first.loc[clash].itertuples(index=False),
        ):
            self.add(int(row), self.col("pmo_level"),
                     f"PMO '{pmo}' of '{org}' is given level '{lvl}' here but '{first_level}' in row {first_row}; "
                     "a PMO has one level")
        return level.astype(object).where(level.notna(), None)

    def _check_dates(self, cells: pd.DataFrame) -> pd.Series:
        raw = cells["assessed_on"]
        parsed = pd.to_datetime(raw.where(raw.ne("")), format="ISO8601", errors="coerce")
        bad = self._rows_once(cells, parsed.isna() & raw.ne(""))
        for row, value in zip(bad["source_row"], bad["assessed_on"]):
            self.add(int(row), self.col("assessed_on"), f"assessed_on '{value}' is not a date; expected YYYY-MM-DD")
        return parsed.dt.normalize()

    def _check_one_role(self, cells: pd.DataFrame) -> None:
        known_role = cells["role"].isin(self.instrument.role_ids)  # unknown roles are reported already
        people = cells[~cells["source_row"].duplicated() & cells["respondent"].ne("") & known_role]
        first = people.groupby(["organisation", "respondent"], sort=False)[["role", "source_row"]].transform("first")
        clash = people["role"].ne(first["role"])
        for (row, who, role), (first_role, first_row) in zip(
            people.loc[clash, ["source_row", "respondent", "role"]].itertuples(index=False),
            first.loc[clash].itertuples(index=False),
        ):
            self.add(int(row), self.col("role"),
                     f"respondent '{who}' is given role '{role}' here but '{first_role}' in row {first_row}; "
                     "a respondent has one role")

    def _check_duplicates(self, cells: pd.DataFrame) -> pd.DataFrame:
        key = ["organisation", "pmo", "respondent", "item"]
        dup = cells.duplicated(key, keep=False)
        if not dup.any():
            return cells
        group = cells[dup]
        first = group.groupby(key, sort=False)[["value", "source_row", "value_raw"]].transform("first")
        same = (group["value"] == first["value"]) | (group["value"].isna() & first["value"].isna())
        clash = ~same
        for (row, column, who, item, raw), (first_raw, first_row) in zip(
            group.loc[clash, ["source_row", "value_column", "respondent", "item", "value_raw"]].itertuples(index=False),
            first.loc[clash, ["value_raw", "source_row"]].itertuples(index=False),
        ):
            self.add(int(row), column,
                     f"respondent '{who}' answered item {item} twice with different values: "
                     f"'{raw}' here, '{first_raw or 'blank'}' in row {first_row}")
        # Identical repeats (e.g. a row pasted twice) are the same answer: keep one.
        return cells[~cells.duplicated(key, keep="first")]


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
