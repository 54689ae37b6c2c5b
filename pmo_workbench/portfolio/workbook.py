"""Read and validate a portfolio workbook into a :class:`~pmo_workbench.portfolio.model.Portfolio`.

This is the boundary of the portfolio analyses: every check on the workbook
happens here, every problem of every sheet is collected (not only the first)
and raised at once as :class:`~pmo_workbench.errors.InputValidationError`,
each located as a spreadsheet shows it (header = row 1). Code past this point
trusts the frames it gets.

A workbook is one ``.xlsx``/``.xlsm`` file with named sheets, or a folder of
CSV files named after the sheets (``projects.csv``, ``risks.csv``, ...). Sheet
names, file names and column headers match case-insensitively after trimming
spaces; other sheets, files and columns are ignored.
"""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from .._spreadsheet import EXCEL_SUFFIXES, per_value, read_csv_delimited, read_excel_sheets
from .._values import CONTROL, CONTROL_IN_PROSE, control_message, date_message, read_dates
from ..errors import InputValidationError, Problem
from .cells import (
    _FALSE,
    _PROJECTS,
    _SCORE,
    _SPECS,
    _TRUE,
    _Column,
    _criterion_key,
    _impact_scale,
    _probability_scale,
    parse_decimal_comma_numbers,
    _report,
    _report_duplicates,
    parse_numbers,
)
from .about import ABOUT, check_about_currency, read_about
from .tracked_sheets import TRACKED_CHECKS, check_currency
from .model import PROJECT_STATUSES, SHEETS, Portfolio

__all__ = ["read_portfolio"]

LARGEST_NUMBER = 1e15
"""The largest size of any number cell (a thousand million million). Beyond it a cell is refused as a typing
error: a portfolio's sums would lose their units or overflow to infinity and blank the headline. A setting of
the reader, not a domain figure."""

_SUGGEST_AT_MOST = 50
"""Distinct unknown ids that get close matches suggested; later ones are named
without (difflib over thousands of ids costs milliseconds each)."""



def read_portfolio(path: str | Path) -> Portfolio:
    """Read and validate a portfolio workbook.

    The sheets (see :data:`~pmo_workbench.portfolio.model.SHEETS`): ``projects``
    (required), ``baseline``, ``risks``, ``dependencies``, ``assignments``,
    ``capacity`` and ``criteria`` (optional; a sheet with a header row and no
    data rows, or nothing, counts as absent). Dates are ISO ``YYYY-MM-DD`` or
    Excel date cells; months ``YYYY-MM``, or a date whose month is taken (an
    Excel date cell, or ``YYYY-MM-DD``). Numbers: in a ``;``-separated CSV
    file ``,`` is the decimal mark and ``.`` may group thousands (``1,125`` is
    1.125, ``1.250.000,5`` is 1250000.5; ``0.5`` with no comma still reads as
    0.5); elsewhere (``,``-separated files, Excel text cells) a comma may group
    thousands (``1,250,000.00``; ``1,250`` is 1250) or be a decimal comma where
    it cannot group thousands (``12,5``, ``0,125``). An ``assignments`` or
    ``capacity`` sheet may name its ``role`` column ``person``. The file or
    folder is only read, never modified.

    Parameters
    ----------
    path
        An ``.xlsx``/``.xlsm`` workbook, or a folder holding ``projects.csv``
        and any of the optional ``<sheet>.csv`` files.

    Returns
    -------
    Portfolio
        ``projects`` with :data:`~pmo_workbench.portfolio.model.PROJECT_COLUMNS`
        (then ``score_<criterion>`` per criterion, then ``source_row``) in file
        order; the optional sheets with
        :data:`~pmo_workbench.portfolio.model.SHEET_COLUMNS` plus
        ``source_row``, ``None`` when absent; the probability and impact scales
        decided from the ``risks`` sheet.

    Raises
    ------
    InputValidationError
        With every problem found, each located by file (``book.xlsx[sheet]``
        or ``folder/sheet.csv``), row and column.
    """
    given = str(path)
    problems: list[Problem] = []
    sources = _open(Path(path), problems)
    about_sheet = sources.pop(ABOUT, None)
    about, found = read_about(None if about_sheet is None else (about_sheet[0], about_sheet[1], []))
    problems.extend(found)
    sheets = {name: _Sheet(name, where, table, problems, decimal_comma=decimal_comma)
              for name, (where, table, decimal_comma) in sources.items()}
    portfolio = _Validator(given, sheets, problems).run()
    if about is None:
        return portfolio
    wrong = check_about_currency(about, portfolio.currency)
    if wrong:
        raise InputValidationError(wrong)
    return dataclasses.replace(portfolio, status_date=about.status_date, organisation=about.organisation,
                               stated_currency=about.currency, organisation_at=about.organisation_cell)


# -- opening -----------------------------------------------------------------

def _norm(name: str) -> str:
    return name.strip().lower()


def _open(path: Path, problems: list[Problem]) -> dict[str, tuple[str, pd.DataFrame, bool]]:
    """The portfolio sheets found, as ``{sheet: (where, table, decimal_comma)}`` (``decimal_comma``:
    a ``;``-separated CSV file, whose numbers use ``,`` as the decimal mark); whole-file problems
    go to ``problems`` (and raise at once when nothing can be read)."""
    where = str(path)
    expected = (
        "expected an .xlsx/.xlsm workbook with a 'projects' sheet, or a folder of CSV files named "
        "after the sheets (projects.csv required; " + ", ".join(f"{s}.csv" for s in SHEETS[1:]) + " optional)"
    )
    if path.is_dir():
        return _open_folder(path, expected, problems)
    if not path.exists():
        raise InputValidationError([Problem(where, None, None, f"no such file or folder; {expected}")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raise InputValidationError([Problem(
            where, None, None, f"a single CSV file; give the folder that holds it ({expected})")])
    if suffix not in EXCEL_SUFFIXES:
        raise InputValidationError([Problem(where, None, None, f"not a portfolio workbook; {expected}")])
    return _open_workbook(path, expected, problems)


def _open_folder(path: Path, expected: str, problems: list[Problem]) -> dict[str, tuple[str, pd.DataFrame, bool]]:
    files: dict[str, Path] = {}
    for file in sorted(path.iterdir()):
        name = _norm(file.stem)
        if file.suffix.lower() != ".csv" or name not in (*SHEETS, ABOUT) or not file.is_file():
            continue
        if name in files:
            problems.append(Problem(str(file), None, None, f"a second file for sheet '{name}' (the first is "
                                    f"{files[name].name}); keep one"))
            continue
        files[name] = file
    if "projects" not in files:
        raise InputValidationError([*problems, Problem(str(path), None, None, f"no projects.csv in this folder; "
                                                       f"{expected}")])
    sources = {}
    for name in (*SHEETS, ABOUT):
        if name not in files:
            continue
        try:
            table, found, sep = read_csv_delimited(files[name])
        except InputValidationError as exc:  # the file cannot be split into rows at all
            problems.extend(exc.problems)
            continue
        problems.extend(found)
        sources[name] = (str(files[name]), table, sep == ";")
    return sources


def _open_workbook(path: Path, expected: str, problems: list[Problem]) -> dict[str, tuple[str, pd.DataFrame, bool]]:
    names: list[str] = []

    def portfolio_sheets(sheet_names: list[str]) -> list[str]:
        names.extend(sheet_names)
        return [n for n in sheet_names if _norm(n) in (*SHEETS, ABOUT)]

    read = read_excel_sheets(path, portfolio_sheets)
    if not any(_norm(n) == "projects" for n in read):
        raise InputValidationError([Problem(
            str(path), None, None, f"no sheet named 'projects' (sheets: {', '.join(names)}); {expected}")])
    sources: dict[str, tuple[str, pd.DataFrame, bool]] = {}
    first_of: dict[str, str] = {}
    for sheet, (table, found) in read.items():
        name, where = _norm(sheet), f"{path}[{sheet}]"
        problems.extend(Problem(where, p.row, p.column, p.message) for p in found)
        if name in first_of:
            problems.append(Problem(where, None, None, f"a second sheet for '{name}' (the first is "
                                    f"'{first_of[name]}'); keep one"))
            continue
        first_of[name] = sheet
        sources[name] = (where, table, False)  # numbers in Excel text cells read as in a ',' file
    return {name: sources[name] for name in (*SHEETS, ABOUT) if name in sources}


# -- one sheet ---------------------------------------------------------------

class _Sheet:
    """One sheet's data rows under normalised column names, indexed by spreadsheet row;
    ``decimal_comma`` when its numbers use ``,`` as the decimal mark (a ``;``-separated CSV file)."""

    def __init__(self, name: str, where: str, table: pd.DataFrame, problems: list[Problem], *,
                 decimal_comma: bool = False):
        self.name = name
        self.where = where
        self.decimal_comma = decimal_comma
        self.problems = problems
        self.header_of: dict[str, str] = {}  # normalised name -> header as written
        self.empty = table.empty
        if table.empty:
            self.body = pd.DataFrame(index=pd.RangeIndex(2, 2))
            return
        columns = []
        for position, header in enumerate(table.iloc[0]):
            name_ = _norm(header)
            if not name_:
                columns.append(f"\0{position}")  # unnamed columns are ignored, like other unknown ones
            elif name_ in self.header_of:
                self.add(1, header, f"column '{header}' appears twice; keep one")
                columns.append(f"\0{position}")
            else:
                self.header_of[name_] = header
                columns.append(name_)
        body = table.iloc[1:]
        body = body.set_axis(pd.RangeIndex(2, 2 + len(body)), axis=0).set_axis(columns, axis=1)
        self.body = body[body.ne("").any(axis=1)]  # blank lines hold nothing

    def add(self, row: int | None, name: str | None, message: str) -> None:
        """Report a problem at ``row`` of the column normally named ``name``."""
        self.problems.append(Problem(self.where, row, self.col(name) if name else None, message))

    def col(self, name: str) -> str:
        """The header as written in the file for a normalised column name."""
        return self.header_of.get(name, name)

    def has(self, name: str) -> bool:
        return name in self.header_of

    def alias(self, name: str, other: str) -> None:
        """Read column ``other`` as ``name`` when the sheet has no ``name`` column."""
        if not self.has(name) and self.has(other):
            self.header_of[name] = self.header_of.pop(other)
            self.body = self.body.rename(columns={other: name})


# -- validating ----------------------------------------------------------------

class _Validator:
    """Collects every problem of every sheet, then builds the :class:`Portfolio`."""

    def __init__(self, source: str, sheets: dict[str, _Sheet], problems: list[Problem]):
        self.source = source
        self.sheets = sheets
        self.problems = problems
        self.values: dict[str, dict[str, pd.Series | None]] = {}
        self.known: pd.Index | None = None  # project ids, when the projects sheet could say
        self.scores: dict[str, str] = {}  # score column (score_<criterion as written>) -> normalised header
        self.criteria_rows: pd.Series | None = None  # criterion names by row, when the criteria sheet says
        self.probability_scale = "ratio"
        self.impact_scale = "money"

    def run(self) -> Portfolio:
        for name in ("assignments", "capacity"):
            if name in self.sheets:
                self.sheets[name].alias("role", "person")
        for name in ("projects", "status_history"):
            if name in self.sheets:
                self.sheets[name].alias("reported_rag", "rag")
        if "projects" in self.sheets:
            self._read_projects(self.sheets["projects"])
        present = {}
        for name in SHEETS[1:]:
            sheet = self.sheets.get(name)
            if sheet is None or sheet.empty:
                continue  # absent, or blank: nothing to read
            self._columns_present(sheet)
            if sheet.body.empty:
                continue  # a header row only (a blank template): absent too
            present[name] = sheet
            self.values[name] = self._parse(sheet, _SPECS[name])
        checks = {
            "baseline": self._check_baseline, "risks": self._check_risks,
            "dependencies": self._check_dependencies, "assignments": self._check_assignments,
            "capacity": self._check_capacity, "criteria": self._check_criteria,
            **{name: (lambda sheet, values, check=check: check(self, sheet, values))
               for name, check in TRACKED_CHECKS.items()},
        }
        for name, sheet in present.items():
            checks[name](sheet, self.values[name])
        if "projects" in self.sheets:
            self._check_scores(self.sheets["projects"], present.get("criteria"))
        if self.problems:
            raise InputValidationError(self.problems)
        return self._portfolio(present)

    def _columns_present(self, sheet: _Sheet) -> None:
        """Report each missing required column, suggesting a close header that is there."""
        spec = _SPECS[sheet.name]
        required = [n for n, c in spec.items() if c.required]
        missing = [n for n in required if not sheet.has(n)]
        unknown = [h for h in sheet.header_of if h not in spec and not h.startswith("score_")]
        for name in missing:
            close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.75)
            hint = f"; did you mean '{sheet.col(close[0])}'?" if close else ""
            sheet.add(1, name, f"missing required column '{name}' ({sheet.name} needs {', '.join(required)}){hint}")

    # -- parsing columns ----------------------------------------------------
    def _parse(self, sheet: _Sheet, spec: dict[str, _Column]) -> dict[str, pd.Series | None]:
        """Every present column of ``spec`` parsed (``None`` for an absent one), problems reported."""
        return {name: _parse_column(sheet, name, column) if sheet.has(name) else None
                for name, column in spec.items()}

    def _read_projects(self, sheet: _Sheet) -> None:
        if sheet.empty:
            sheet.add(1, None, "sheet is empty; expected a header row (" + ", ".join(
                n for n, c in _PROJECTS.items() if c.required) + ") and one project per row")
            return
        self._columns_present(sheet)
        if sheet.body.empty:
            sheet.add(2, None, "no projects below the header row; expected one project per row")
            return
        values = self.values["projects"] = self._parse(sheet, _PROJECTS)
        ids = values["project_id"]
        if ids is not None:
            self.known = pd.Index(ids.dropna().unique())
            _report_duplicates(sheet, ids.to_frame(), "project_id",
                               lambda key, first: f"project_id '{key[0]}' appears again; first in row {first} "
                                                  "(each project once)")
        check_currency(sheet, values["currency"])
        start, finish = values["start"], values["finish"]
        if start is not None and finish is not None:
            early = finish < start  # False where either is NaT
            for row in early[early].index:
                sheet.add(row, "finish", f"'{sheet.body.at[row, 'finish']}' is before the start "
                                         f"'{sheet.body.at[row, 'start']}'; expected the planned finish on or "
                                         "after the planned start")

    def _check_known(self, sheet: _Sheet, name: str, ids: pd.Series | None) -> None:
        """Report ids of ``name`` (blank ones skipped) that are not project ids."""
        if ids is None or self.known is None:
            return
        unknown = ids.notna() & ~ids.isin(self.known)
        if not unknown.any():
            return
        known = [str(k) for k in self.known]
        lower = {k.lower(): k for k in reversed(known)}
        hints: dict[str, str] = {}
        for value in ids[unknown].unique():
            if len(hints) >= _SUGGEST_AT_MOST:
                hints[value] = ""
                continue
            close = difflib.get_close_matches(value, known, n=3, cutoff=0.6)
            if value.lower() in lower and lower[value.lower()] not in close:
                close = [lower[value.lower()], *close][:3]
            hints[value] = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        for row, value in ids[unknown].items():
            sheet.add(row, name, f"unknown project '{value}': no such project_id in the projects sheet{hints[value]}")

    def _check_baseline(self, sheet: _Sheet, values: dict) -> None:
        ids, ends, pv = values["project_id"], values["period_end"], values["cumulative_pv"]
        self._check_known(sheet, "project_id", ids)
        if ids is None or ends is None:
            return
        later = _report_duplicates(
            sheet, pd.DataFrame({"p": ids, "e": ends}), "period_end",
            lambda key, first: f"project '{key[0]}' has period_end {key[1]:%Y-%m-%d} again; first in row {first} "
                               "(one cumulative PV per project and period)")
        if pv is None:
            return
        ok = ids.notna() & ends.notna() & pv.notna() & ~later.reindex(ids.index, fill_value=False)
        curve = pd.DataFrame({"p": ids[ok], "e": ends[ok], "pv": pv[ok]}).sort_values(["p", "e"], kind="stable")
        curve["prev"] = curve.groupby("p", sort=False)["pv"].shift()
        curve["prev_row"] = pd.Series(curve.index, index=curve.index).groupby(curve["p"], sort=False).shift()
        drops = curve[curve["pv"] < curve["prev"]]
        for row, prev_row in zip(drops.index, drops["prev_row"]):
            prev_row = int(prev_row)
            sheet.add(row, "cumulative_pv",
                      f"'{sheet.body.at[row, 'cumulative_pv']}' is below '{sheet.body.at[prev_row, 'cumulative_pv']}' "
                      f"of the earlier period_end {sheet.body.at[prev_row, 'period_end']} (row {prev_row}); expected "
                      "the cumulative planned value never to decrease within a project")

    def _check_risks(self, sheet: _Sheet, values: dict) -> None:
        ids = values["risk_id"]
        if ids is not None:
            _report_duplicates(sheet, ids.to_frame(), "risk_id",
                               lambda key, first: f"risk_id '{key[0]}' appears again; first in row {first} "
                                                  "(each risk once)")
        self._check_known(sheet, "project_id", values["project_id"])
        self.probability_scale = _probability_scale(sheet, values["probability"])
        self.impact_scale = _impact_scale(sheet, values["impact"])

    def _check_dependencies(self, sheet: _Sheet, values: dict) -> None:
        needs, needed = values["from_project"], values["to_project"]
        self._check_known(sheet, "from_project", needs)
        self._check_known(sheet, "to_project", needed)
        if needs is None or needed is None:
            return
        itself = needs.notna() & needs.eq(needed)
        for row, project in needs[itself].items():
            sheet.add(row, "to_project", f"project '{project}' depends on itself; expected to_project to name "
                                         "another project")
        _report_duplicates(
            sheet, pd.DataFrame({"f": needs, "t": needed})[~itself], "to_project",
            lambda key, first: f"the dependency of '{key[0]}' on '{key[1]}' appears again; first in row {first} "
                               "(each dependency once)")

    def _check_assignments(self, sheet: _Sheet, values: dict) -> None:
        self._check_known(sheet, "project_id", values["project_id"])

    def _check_capacity(self, sheet: _Sheet, values: dict) -> None:
        role, month = values["role"], values["month"]
        if role is not None and month is not None:
            _report_duplicates(
                sheet, pd.DataFrame({"r": role, "m": month}), "month",
                lambda key, first: f"role '{key[0]}' has capacity for {key[1]} again; first in row {first} "
                                   "(one capacity per role and month)")

    def _check_criteria(self, sheet: _Sheet, values: dict) -> None:
        names = values["criterion"]
        if names is None:
            return
        names = names.dropna()
        _report_duplicates(
            sheet, names.map(_criterion_key).to_frame(), "criterion",
            lambda key, first: f"criterion '{sheet.body.at[first, 'criterion']}' appears again; first in row "
                               f"{first} (each criterion once)")
        self.criteria_rows = names

    def _check_scores(self, projects: _Sheet, criteria: _Sheet | None) -> None:
        """Match ``score_<criterion>`` columns with criteria rows and parse the scores."""
        if "projects" not in self.values:
            return
        if criteria is not None and self.criteria_rows is None:
            return  # the criteria sheet has no criterion column (reported): nothing to match
        columns = {_criterion_key(h[len("score_"):]): h for h in projects.header_of if h.startswith("score_")}
        rows = self.criteria_rows if criteria is not None else pd.Series(dtype=object)
        listed: dict[str, str] = {}  # criterion key -> criterion as written
        for row, criterion in rows.items():
            key = _criterion_key(criterion)
            listed.setdefault(key, criterion)
            if key in columns:
                self.scores[f"score_{criterion}"] = columns[key]
            else:
                projects.add(1, f"score_{criterion}",
                             f"no column 'score_{criterion}' for criterion '{criterion}' (criteria sheet row "
                             f"{row}); expected each project's score for it in a column named score_{criterion}")
        for key, header in columns.items():
            if key in listed:
                continue
            known = f"criteria: {', '.join(listed.values())}" if listed else "no criteria are listed"
            projects.add(1, header, f"column '{projects.col(header)}' scores criterion '{header[len('score_'):]}' "
                                    f"but no row of the criteria sheet names it ({known}); add a row for it with "
                                    "its weight, or remove the column")
        for header in self.scores.values():
            self.values["projects"][header] = _parse_column(projects, header, _SCORE)

    # -- building ------------------------------------------------------------
    def _portfolio(self, present: dict[str, _Sheet]) -> Portfolio:
        projects = _frame(self.sheets["projects"], _PROJECTS, self.values["projects"])
        if self.scores:
            scores = pd.DataFrame({column: self.values["projects"][header]
                                   for column, header in self.scores.items()}).reset_index(drop=True)
            projects = pd.concat([projects.drop(columns="source_row"), scores, projects[["source_row"]]], axis=1)
        frames = {name: _frame(sheet, _SPECS[name], self.values[name]) for name, sheet in present.items()}
        for name, order in (("baseline", "period_end"), ("status_history", "status_date")):
            if name in frames:
                frames[name] = frames[name].sort_values(["project_id", order], kind="stable").reset_index(drop=True)
        return Portfolio(
            source=self.source,
            projects=projects,
            **frames,
            probability_scale=self.probability_scale,
            impact_scale=self.impact_scale,
        )


# -- columns -----------------------------------------------------------------------

def _parse_column(sheet: _Sheet, name: str, column: _Column) -> pd.Series:
    """One column parsed (NaN / NaT where blank or wrong), every wrong value reported.

    Text must hold no control character (tabs and line breaks are allowed in
    ``prose`` columns); a text that does is reported and read as blank, so that
    no other check reports it again.
    """
    raw = sheet.body[name]
    blank = raw.eq("")
    if not column.blank_ok:
        for row in blank[blank].index:
            sheet.add(row, name, f"missing {name}; expected {column.what}")
    kind = column.kind
    if kind == "text":
        pattern = CONTROL_IN_PROSE if column.prose else CONTROL
        control = per_value(raw, lambda u: u.str.contains(pattern)).astype(bool)
        for row, text in raw[control].items():
            sheet.add(row, name, control_message(name, text, pattern))
        return raw.where(~blank & ~control)
    if kind == "bool":
        lower = per_value(raw, lambda u: u.str.lower())
        bad = ~lower.isin(_TRUE | _FALSE)
        _report(sheet, name, raw, bad, "is not a yes/no value", column.what)
        return lower.isin(_TRUE)
    if kind == "choice":
        value = per_value(raw, lambda u: u.str.lower().str.replace(r"[\s\-]+", "_", regex=True))
        bad = ~blank & ~value.isin(column.choices)
        _report(sheet, name, raw, bad, f"is not a {name}", column.what)
        return value.where(~blank & ~bad)
    if kind in ("date", "month"):
        value, reasons = read_dates(raw, month=kind == "month")
        wrong = reasons.ne("")
        for row, text, reason in zip(raw.index[wrong], raw[wrong], reasons[wrong]):
            sheet.add(row, name, date_message(text, reason, column.what))
        return value if kind == "date" else value.dt.to_period("M")
    if sheet.decimal_comma:
        value = per_value(raw, parse_decimal_comma_numbers).astype(float)
        wrong = value.isna() & ~blank
        comma = wrong & raw.where(wrong, "").str.contains(",", regex=False)
        _report(sheet, name, raw, wrong & ~comma, "is not a number", column.what)
        _report(sheet, name, raw, comma, "is not a number (the file is ';'-separated, so ',' is its decimal mark)",
                column.what)
    else:
        value = per_value(raw, parse_numbers).astype(float)
        _report(sheet, name, raw, value.isna() & ~blank, "is not a number", column.what)
    huge = value.abs() > LARGEST_NUMBER
    _report(sheet, name, raw, huge, f"is implausibly large (above {LARGEST_NUMBER:,.0f})", column.what)
    value = value.where(~huge)
    if column.low is not None:
        below = value <= column.low if column.low_open else value < column.low
        if column.high is not None:
            outside = below | (value > column.high)
            _report(sheet, name, raw, outside, f"is outside {column.low:g}-{column.high:g}", column.what)
        elif column.low_open:
            _report(sheet, name, raw, below, f"is not above {column.low:g}", column.what)
        else:
            _report(sheet, name, raw, below, "is negative", column.what)
    return value


def _frame(sheet: _Sheet, spec: dict[str, _Column], values: dict[str, pd.Series | None]) -> pd.DataFrame:
    """The clean frame of one sheet: ``spec``'s columns with their contract dtypes, then ``source_row``."""
    index = sheet.body.index
    columns = {}
    for name, column in spec.items():
        value = values.get(name)
        kind = column.kind
        if kind in ("text", "choice"):
            value = pd.Series(np.nan, index=index, dtype=object) if value is None else value
            if name == "status" and spec is _PROJECTS:
                columns[name] = pd.Categorical(value, categories=PROJECT_STATUSES)
            else:
                columns[name] = value.astype("str")
        elif kind == "date":
            columns[name] = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]") if value is None else value
        elif kind == "bool":
            columns[name] = pd.Series(False, index=index) if value is None else value.astype(bool)
        elif kind == "month":
            columns[name] = value
        else:
            columns[name] = pd.Series(np.nan, index=index) if value is None else value.astype("float64")
    frame = pd.DataFrame(columns, index=index)
    frame["source_row"] = index.to_numpy(dtype="int64")
    return frame.reset_index(drop=True)
