"""Read questionnaire responses (CSV or XLSX, long or wide form) into one tidy frame.

This is the boundary: every check on responses happens here, every problem is
collected (not only the first) and reported as ``path:row:column: message``
with the row a spreadsheet shows (header = row 1). Code past this point trusts
the frame it gets.

The tidy frame has one row per (respondent, item) with the columns in
:data:`TIDY_COLUMNS`; ``value`` is a float, ``NaN`` when not answered or
answered "don't know" (then ``dont_know`` is True).
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._spreadsheet import (
    EXCEL_SUFFIXES,
    SheetName,
    check_file,
    column_letter,
    per_value,
    read_csv_cells,
    read_excel_sheets,
)
from .._memo import cached
from .._values import CONTROL, CONTROL_IN_PROSE, control_message, date_expected, date_message, read_dates
from ..errors import InputValidationError, Problem
from .instrument import Instrument

KEY_COLUMNS = ("organisation", "pmo", "respondent", "role")
LONG_COLUMNS = (*KEY_COLUMNS, "item", "value")
OPTIONAL_COLUMNS = ("pmo_level", "wave", "assessed_on", "comment", "language")
PMO_LEVELS = ("project", "department", "enterprise")
"""Allowed values of the optional ``pmo_level`` column, narrowest first."""
NOT_ANSWERED = frozenset({"", "na", "n/a"})
WAVE_MAX_LENGTH = 60
"""The longest label the optional ``wave`` column takes (``2025``, ``2026 Q3``, ``baseline``)."""
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}$")
"""What the optional ``language`` column takes: the language a respondent answered in (``en``, ``de``, ``pt-BR``)."""
DONT_KNOW = "dk"
"""The answer "don't know" (any case): kept apart from the scale and from not applicable, never scored."""
TIDY_COLUMNS = (
    "organisation", "pmo", "pmo_level", "wave", "respondent", "role", "item", "value", "dont_know",
    "assessed_on", "comment", "language", "source_row",
)


@dataclass(frozen=True)
class ResponsesFile:
    """What :func:`read_responses_file` read: the tidy frame and where it came from."""

    frame: pd.DataFrame
    """The tidy frame, as :func:`read_responses` returns it."""
    sheet: str | None
    """The sheet read, as named in the workbook; ``None`` for a CSV file."""
    where: str
    """How problems locate the source: ``book.xlsx[sheet]`` for a workbook, the path for a CSV file."""


def read_responses(path: str | Path, instrument: Instrument) -> pd.DataFrame:
    """Read and validate a responses file against an instrument.

    The form (long or wide) is detected from the headers; CSV files may be
    UTF-8 with or without BOM, comma- or semicolon-delimited; Excel files are
    read from the sheet named ``responses`` (hidden or not), else the first
    visible sheet (:func:`read_responses_file` says which). The file is only
    read, never modified.

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
        instrument order); ``value`` is float, NaN when not answered or
        answered ``DK`` ("don't know", then ``dont_know`` is True).

    Raises
    ------
    InputValidationError
        With every problem found, each located by row and column (and, in a
        workbook, by sheet: ``book.xlsx[sheet]``).
    """
    return read_responses_file(path, instrument).frame


def read_responses_file(path: str | Path, instrument: Instrument) -> ResponsesFile:
    """As :func:`read_responses`, and say which sheet of a workbook was read.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx`` or ``.xlsm`` file.
    instrument
        The instrument the answers belong to.

    Returns
    -------
    ResponsesFile
        The tidy frame, the sheet read (``None`` for CSV) and the location
        problems use (``book.xlsx[sheet]``, or the CSV path).

    Raises
    ------
    InputValidationError
        As :func:`read_responses`.
    """
    path = Path(path)
    return cached(path, ("responses", str(path), _content_key(instrument)),
                  lambda: _read_responses_file(path, instrument),
                  lambda found: dataclasses.replace(found, frame=found.frame.copy()))


def _content_key(instrument: Instrument) -> tuple:
    """What answers are validated against: the instrument's whole content in its language, and its roles' labels in
    every language (a copy changed by its caller, a scale or a role, is another key; 0.1 ms for pmo-core)."""
    dump = instrument.model_dump_json().encode()
    return hashlib.sha256(dump).hexdigest(), instrument.language, tuple(role.labels for role in instrument.roles)


def _read_responses_file(path: Path, instrument: Instrument) -> ResponsesFile:
    table, problems, sheet = _read_table(path)
    where = str(path) if sheet is None else f"{path}[{sheet}]"
    return ResponsesFile(_Validator(where, instrument, table, problems).run(), sheet, where)


# -- reading ---------------------------------------------------------------

_EMPTY = "file is empty; expected a header row and one answer per row"


def _read_table(path: Path) -> tuple[pd.DataFrame, list[Problem], str | None]:
    """All cells as stripped strings (row 0 is the header row), the rows that
    could not be read at all, and the sheet read (``None`` for CSV)."""
    check_file(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return _read_excel(path)
    table, problems = read_csv_cells(path)
    if table.empty:
        raise InputValidationError([*problems, Problem(str(path), 1, None, _EMPTY)])
    return table, problems, None


def _responses_sheet(sheets: list[SheetName]) -> list[str]:
    """The sheet named ``responses`` (even hidden: it is named), else the first visible sheet."""
    named = [s for s in sheets if s.strip().lower() == "responses"]
    visible = [s for s in sheets if s.visible]
    return (named or visible)[:1]


def _read_excel(path: Path) -> tuple[pd.DataFrame, list[Problem], str]:
    """Read the ``responses`` sheet (else the first visible one); see :func:`read_excel_sheets`.
    Problems are located as ``book.xlsx[sheet]``."""
    names: list[str] = []

    def responses_sheet(sheets: list[SheetName]) -> list[str]:
        names.extend(sheets)
        return _responses_sheet(sheets)

    read = read_excel_sheets(path, responses_sheet)
    if not read:
        hint = f" (sheets: {', '.join(names)}; name the one with the answers 'responses')" if names else ""
        raise InputValidationError([Problem(str(path), None, None, f"no visible worksheet to read{hint}")])
    ((sheet, (table, found)),) = read.items()
    where = f"{path}[{sheet}]"
    problems = [Problem(where, p.row, p.column, p.message) for p in found]
    if table.empty:
        others = [n for n in names if n != sheet]
        hint = f" (other sheets: {', '.join(others)}; name the one with the answers 'responses')" if others else ""
        raise InputValidationError([*problems, Problem(where, 1, None, f"sheet '{sheet}' is empty{hint}")])
    return table, problems, sheet


# -- validating ------------------------------------------------------------

class _Validator:
    """Collects every problem of one table, then builds the tidy frame."""

    def __init__(self, where: str, instrument: Instrument, table: pd.DataFrame, problems: list[Problem]):
        self.where = where
        self.instrument = instrument
        self.unreadable = list(problems)  # rows the reader could not split; reported with the rest
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
                    self.add(1, column_letter(position), "column has values but no header")
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

    def fail_if_problems(self, *, final: bool = False) -> None:
        """Raise with everything found so far; rows the reader rejected count at the end."""
        if self.problems or (final and self.unreadable):
            raise InputValidationError([*self.unreadable, *self.problems])

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
        # Every check sees every row, so one row can carry several problems.
        blank_key = self._check_keys(cells)
        values, bad_value, dont_know = self._check_values(cells)
        levels = self._check_pmo_levels(cells)
        dates = self._check_dates(cells)
        waves = self._check_waves(cells)
        languages = self._check_languages(cells)
        cells = cells.assign(value=values, dont_know=dont_know, pmo_level=levels, assessed_on=dates, wave=waves,
                             language=languages)
        self._check_one_role(cells)
        self._check_audience(cells)
        # Rows already found wrong cannot also be duplicates of something.
        cells = self._check_duplicates(cells, comparable=cells["item"].notna() & ~blank_key & ~bad_value)
        self.fail_if_problems(final=True)
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
        item = per_value(item_raw, lambda u: u.str.lower().map(self.item_of))
        unknown = item.isna() & item_raw.ne("")
        for row, raw in item_raw[unknown].items():
            self.add(row, self.col("item"), self._unknown_item_message(raw))
        blank = item_raw.eq("")
        for row in blank[blank].index:
            self.add(row, self.col("item"), "missing item id")
        frame = self._base_frame(body)
        frame["item"] = item  # NaN where unknown or blank: reported, kept for the other checks
        frame["value_raw"] = body["value"]
        frame["value_column"] = self.col("value")
        frame["comment"] = body["comment"] if "comment" in body else ""
        return frame

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
        frame = pd.concat(parts, ignore_index=True)
        frame["comment"] = ""
        return frame

    def _base_frame(self, body: pd.DataFrame) -> pd.DataFrame:
        frame = pd.DataFrame(index=body.index)
        for name in KEY_COLUMNS:
            frame[name] = body[name]
        for name in ("pmo_level", "wave", "assessed_on", "language"):
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

    def _check_control_characters(self, cells: pd.DataFrame) -> pd.Series:
        """Report control characters in names (any) and comments (other than tabs and line breaks);
        return where a name holds one."""
        in_name = pd.Series(False, index=cells.index)
        for name, pattern in (*((key, CONTROL) for key in KEY_COLUMNS), ("comment", CONTROL_IN_PROSE)):
            hit = per_value(cells[name], lambda u, p=pattern: u.str.contains(p)).astype(bool)
            if not hit.any():
                continue
            if name != "comment":
                in_name |= hit
            bad = self._rows_once(cells, hit)
            for row, raw in zip(bad["source_row"], bad[name]):
                self.add(int(row), self.col(name), control_message(name, raw, pattern))
        return in_name

    def _check_keys(self, cells: pd.DataFrame) -> pd.Series:
        """Report blank keys, control characters and unknown roles; return where a key is blank or wrong."""
        wrong_text = self._check_control_characters(cells)
        blank_key = pd.Series(False, index=cells.index)
        for name in KEY_COLUMNS:
            blank_key |= cells[name].eq("")
            blank = self._rows_once(cells, cells[name].eq(""))
            for row in blank["source_row"]:
                self.add(int(row), self.col(name), f"missing {name}; every answer needs one")
        role_of = {r.id.lower(): r.id for r in self.instrument.roles}
        role_of.update({label.strip().lower(): r.id for r in self.instrument.roles for label in r.labels})
        role = per_value(cells["role"], lambda u: u.str.lower().map(role_of))
        bad = self._rows_once(cells, role.isna() & cells["role"].ne("") & ~wrong_text)
        expected = ", ".join(self.instrument.role_ids)
        for row, raw in zip(bad["source_row"], bad["role"]):
            self.add(int(row), self.col("role"), f"unknown role '{raw}'; expected one of {expected}")
        cells["role"] = role.fillna(cells["role"])
        return blank_key | wrong_text

    def _check_values(self, cells: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
        """Answers as floats (NaN = not answered or don't know), where an answer was invalid,
        and where it was "don't know"."""
        scale = self.instrument.scale
        raw = cells["value_raw"]
        lowered = per_value(raw, lambda u: u.str.lower())
        dont_know = lowered.eq(DONT_KNOW)
        missing = lowered.isin(NOT_ANSWERED) | dont_know
        number = per_value(raw, lambda u: pd.to_numeric(u.str.replace(",", ".", regex=False), errors="coerce"))
        number = number.astype(float).where(~missing)
        expected = (
            f"expected a whole number from {scale.min} to {scale.max}, DK for don't know, "
            "or blank/NA for not applicable"
        )
        not_number = number.isna() & ~missing
        for row, column, value in zip(cells.loc[not_number, "source_row"], cells.loc[not_number, "value_column"],
                                      raw[not_number]):
            self.add(int(row), column, f"value '{value}' is not a number; {expected}")
        outside = number.notna() & ((number < scale.min) | (number > scale.max) | (number % 1 != 0))
        for row, column, value in zip(cells.loc[outside, "source_row"], cells.loc[outside, "value_column"],
                                      raw[outside]):
            self.add(int(row), column, f"value '{value}' is outside the scale; {expected}")
        return number.astype(float), not_number | outside, dont_know.astype(bool)

    def _check_audience(self, cells: pd.DataFrame) -> None:
        """An answer (a value or DK) to an item the respondent's role is not asked is an error."""
        asked = self.instrument.asked
        if asked.to_numpy().all():
            return
        known = cells["role"].isin(asked.index) & cells["item"].isin(asked.columns)
        given = known & (cells["value"].notna() | cells["dont_know"])
        if not given.any():
            return
        hit = cells[given]
        stacked = asked.stack()
        is_asked = pd.Series(stacked.reindex(pd.MultiIndex.from_arrays([hit["role"], hit["item"]])).to_numpy(bool),
                             index=hit.index)
        audience = self.instrument.items["audience"]
        for r in hit[~is_asked].itertuples(index=False):
            roles = ", ".join(audience[r.item])
            self.add(int(r.source_row), r.value_column,
                     f"item {r.item} is not asked of role '{r.role}' (only of {roles}); "
                     f"respondent '{r.respondent}' should leave it blank")

    def _check_pmo_levels(self, cells: pd.DataFrame) -> pd.Series:
        raw = cells["pmo_level"]
        level = per_value(raw, lambda u: u.str.lower()).where(raw.ne(""))
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

    def _check_waves(self, cells: pd.DataFrame) -> pd.Series:
        """The optional wave label: free text of at most :data:`WAVE_MAX_LENGTH` characters without control
        characters; blank is ``None`` (no wave named)."""
        raw = cells["wave"]
        given = raw.ne("")
        if not given.any():
            return pd.Series([None] * len(cells), index=cells.index, dtype=object)
        control = per_value(raw, lambda u: u.str.contains(CONTROL)).astype(bool)
        long = raw.str.len().gt(WAVE_MAX_LENGTH) & ~control
        bad = self._rows_once(cells, control)
        for row, value in zip(bad["source_row"], bad["wave"]):
            self.add(int(row), self.col("wave"), control_message("wave", value))
        bad = self._rows_once(cells, long)
        for row, value in zip(bad["source_row"], bad["wave"]):
            self.add(int(row), self.col("wave"),
                     f"wave '{value[:20]}...' is {len(value)} characters long; a wave label has at most "
                     f"{WAVE_MAX_LENGTH} (e.g. 2025 or 2026 Q3)")
        return raw.astype(object).where(given, None)

    def _check_languages(self, cells: pd.DataFrame) -> pd.Series:
        """The optional language a respondent answered in: a language code (:data:`LANGUAGE_CODE`) or blank
        (``None``: not known)."""
        raw = cells["language"].str.strip()
        given = raw.ne("")
        if not given.any():
            return pd.Series([None] * len(cells), index=cells.index, dtype=object)
        bad = self._rows_once(cells, given & ~raw.str.match(LANGUAGE_CODE))
        for row, value in zip(bad["source_row"], bad["language"]):
            self.add(int(row), self.col("language"),
                     f"language '{value[:20]}' is not a language code; expected one such as en or de, or a blank")
        return raw.astype(object).where(given, None)

    def _check_dates(self, cells: pd.DataFrame) -> pd.Series:
        """ISO dates (``YYYY-MM-DD``, optionally with a time, which is dropped)."""
        raw = cells["assessed_on"]
        parsed, reasons = read_dates(raw)
        bad = self._rows_once(cells.assign(_reason=reasons), reasons.ne(""))
        for row, value, reason in zip(bad["source_row"], bad["assessed_on"], bad["_reason"]):
            self.add(int(row), self.col("assessed_on"), date_message(value, reason, date_expected("the day assessed")))
        return parsed

    def _check_one_role(self, cells: pd.DataFrame) -> None:
        known_role = cells["role"].isin(self.instrument.role_ids)  # unknown roles are reported already
        people = cells[~cells["source_row"].duplicated() & cells["respondent"].ne("") & known_role]
        first = people.groupby(["organisation", "wave", "respondent"], sort=False,
                               dropna=False)[["role", "source_row"]].transform("first")
        clash = people["role"].ne(first["role"])
        for (row, who, role), (first_role, first_row) in zip(
            people.loc[clash, ["source_row", "respondent", "role"]].itertuples(index=False),
            first.loc[clash].itertuples(index=False),
        ):
            self.add(int(row), self.col("role"),
                     f"respondent '{who}' is given role '{role}' here but '{first_role}' in row {first_row}; "
                     "a respondent has one role")

    def _check_duplicates(self, cells: pd.DataFrame, comparable: pd.Series) -> pd.DataFrame:
        """Report a respondent answering an item twice with different values; keep one
        of identical repeats (e.g. a row pasted twice)."""
        key = ["organisation", "pmo", "wave", "respondent", "item"]
        candidates = cells[comparable]
        candidates = candidates.assign(wave=candidates["wave"].fillna(""))  # a blank wave is one wave too
        repeated = candidates.duplicated(key, keep="first")
        if not repeated.any():
            return cells
        first = candidates[~repeated].set_index(key)[["value", "dont_know", "value_raw", "source_row"]]
        later = candidates[repeated].join(first.add_suffix("_first"), on=key)
        same = ((later["value"] == later["value_first"]) | (later["value"].isna() & later["value_first"].isna())) & (
            later["dont_know"] == later["dont_know_first"])
        for r in later[~same].itertuples(index=False):
            self.add(int(r.source_row), r.value_column,
                     f"respondent '{r.respondent}' answered item {r.item} twice with different values: "
                     f"'{r.value_raw or 'blank'}' here, '{r.value_raw_first or 'blank'}' in row {r.source_row_first}")
        return cells.drop(index=later.index)



def subject_problem(responses: pd.DataFrame, organisation: str, pmo: str | None = None) -> tuple[str, str] | None:
    """Whether ``organisation`` (and its ``pmo``, when given) has answers in ``responses``.

    Returns ``None`` when it has, else ``(column, message)``: the column at
    fault (``organisation`` or ``pmo``) and a message listing what the answers
    do hold. The one check behind the command line, manifests and the report
    notebook.
    """
    pairs = responses[["organisation", "pmo"]].drop_duplicates().astype(str)
    organisations = list(dict.fromkeys(pairs["organisation"]))
    if organisation not in organisations:
        return "organisation", (f"organisation {organisation!r} has no answers here; the answers are of "
                                f"{', '.join(repr(o) for o in organisations) or 'no organisation'}")
    pmos = pairs.loc[pairs["organisation"] == organisation, "pmo"].tolist()
    if pmo is not None and pmo not in pmos:
        return "pmo", f"organisation {organisation!r} has no PMO {pmo!r}; it has {', '.join(repr(p) for p in pmos)}"
    return None


def check_subject(responses: pd.DataFrame, organisation: str, pmo: str | None = None, *,
                  where: str = "responses") -> None:
    """Raise :class:`InputValidationError` (located at ``where``) when :func:`subject_problem` finds one."""
    found = subject_problem(responses, organisation, pmo)
    if found is not None:
        raise InputValidationError([Problem(where, None, found[0], found[1])])
