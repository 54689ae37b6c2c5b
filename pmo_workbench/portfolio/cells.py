"""Reading the text of portfolio cells: numbers in either decimal convention (dates and months go through the
package's one date reader, :func:`pmo_workbench._values.read_dates`).

Each function takes the distinct texts of a column (see
:func:`pmo_workbench._spreadsheet.per_value`) and returns what they mean, NaN or
NaT where a text is not one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import PROJECT_STATUSES, REPORTED_RAG, RISK_KINDS

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0", ""})
_ORDINAL = (1, 5)


def parse_numbers(u: pd.Series) -> pd.Series:
    """Distinct cell texts as floats, NaN where not a finite number (a ``,``-separated
    file or an Excel text cell).

    Beyond what :func:`pandas.to_numeric` reads: thousands commas
    (``1,250,000.50``) and, where a comma cannot group thousands, a decimal
    comma, optionally with thousands dots (``12,5``, ``0,125``, ``1.250,5``).
    ``1,250`` reads as one thousand two hundred and fifty, not as 1.25; a
    thousands group never starts with 0, so ``0,125`` is 0.125.
    """
    text = u.astype(str)
    number = pd.to_numeric(text, errors="coerce").astype(float)
    comma = number.isna() & text.str.contains(",", regex=False)
    if comma.any():
        c = text[comma]
        thousands = c.str.fullmatch(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
        decimal = ~thousands & c.str.fullmatch(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d*),\d+")
        fixed = c.where(~thousands, c.str.replace(",", "", regex=False))
        fixed = fixed.where(~decimal, c.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
        number[comma] = pd.to_numeric(fixed.where(thousands | decimal), errors="coerce").astype(float)
    return number.where(np.isfinite(number))


def parse_decimal_comma_numbers(u: pd.Series) -> pd.Series:
    """Distinct cell texts of a ``;``-separated file as floats, NaN where not a finite number.

    ``,`` is the decimal mark and dots may group thousands (``1,125`` is 1.125,
    ``0,5`` is 0.5, ``1.250,5`` is 1250.5, ``1.250.000`` is 1250000); a comma
    never groups thousands (``1,250,000`` is not a number). What
    :func:`pandas.to_numeric` reads stands (``0.5``, ``1.250``, ``1e3``), as
    files written by programs use a decimal point whatever their delimiter.
    """
    text = u.astype(str)
    number = pd.to_numeric(text, errors="coerce").astype(float)
    marked = number.isna() & text.str.contains(r"[,.]")
    if marked.any():
        c = text[marked]
        european = c.str.fullmatch(r"[+-]?(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d*,\d+)")
        fixed = c.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        number[marked] = pd.to_numeric(fixed.where(european), errors="coerce").astype(float)
    return number.where(np.isfinite(number))


@dataclass(frozen=True)
class _Column:
    """How one column is read: its kind, what a value must be, and whether it may be blank."""

    kind: str  # text, choice, date, month, number, bool
    what: str  # "expected ..." in messages
    required: bool = True  # the column must be there
    blank_ok: bool = True  # a blank value is NaN / NaT / False rather than a problem
    low: float | None = None  # numbers: the least allowed value ...
    low_open: bool = False  # ... excluded (weight > 0)
    high: float | None = None
    choices: tuple[str, ...] = ()
    prose: bool = False  # text: free text, which may hold tabs and line breaks (other control characters not)


def _money(what: str, **kw) -> _Column:
    return _Column("number", f"{what} in money (>= 0)", low=0, **kw)


_PROJECTS = {
    "project_id": _Column("text", "a project id, unique in the sheet", blank_ok=False),
    "name": _Column("text", "the project name"),
    "pmo": _Column("text", "the PMO that oversees the project"),
    "sponsor": _Column("text", "the sponsor's name"),
    "status": _Column("choice", "one of " + ", ".join(PROJECT_STATUSES), blank_ok=False, choices=PROJECT_STATUSES),
    "start": _Column("date", "the planned start as a date (YYYY-MM-DD)", blank_ok=False),
    "finish": _Column("date", "the planned finish as a date (YYYY-MM-DD)", blank_ok=False),
    "forecast_finish": _Column("date", "the forecast finish as a date (YYYY-MM-DD) or blank", required=False),
    "bac": _money("the budget at completion"),
    "pv": _money("the planned value to the status date"),
    "ev": _money("the earned value to the status date"),
    "ac": _money("the actual cost to the status date"),
    "strategic_value": _Column("number", "the strategic value, a number from 0 to 10", required=False, low=0,
                               high=10),
    "mandatory": _Column("bool", "true/false, yes/no, y/n, 1/0 or blank (= false)", required=False),
    "category": _Column("text", "the project category", required=False),
    "objective": _Column("text", "the strategic objective the project serves", required=False),
    "status_date": _Column("date", "the date of the last status update (YYYY-MM-DD) or blank", required=False),
    "reported_rag": _Column("choice", "the RAG the project reported: " + ", ".join(REPORTED_RAG) + " or blank",
                            required=False, choices=REPORTED_RAG),
    "currency": _Column("text", "the currency of the money columns, an ISO 4217 code such as EUR, GBP or USD",
                        required=False),
}

_SPECS: dict[str, dict[str, _Column]] = {
    "projects": _PROJECTS,
    "baseline": {
        "project_id": _Column("text", "the project id", blank_ok=False),
        "period_end": _Column("date", "the end of the baseline period as a date (YYYY-MM-DD)", blank_ok=False),
        "cumulative_pv": _money("the cumulative planned value to period_end", blank_ok=False),
    },
    "risks": {
        "risk_id": _Column("text", "a risk id, unique in the sheet", blank_ok=False),
        "project_id": _Column("text", "the project id, or blank for a portfolio-level risk"),
        "title": _Column("text", "the risk title", required=False, prose=True),
        "kind": _Column("choice", "one of " + ", ".join(RISK_KINDS), blank_ok=False, choices=RISK_KINDS),
        "probability": _Column("number", "a probability from 0 to 1, or a whole number from 1 to 5"),
        "impact": _Column("number", "the impact in money (>= 0), or a whole number from 1 to 5"),
        "owner": _Column("text", "the risk owner", required=False),
        "category": _Column("text", "the risk category", required=False),
        "status": _Column("text", "the risk status", required=False),
    },
    "dependencies": {
        "from_project": _Column("text", "the id of the project that needs the other", blank_ok=False),
        "to_project": _Column("text", "the id of the project it needs", blank_ok=False),
        "needed_by": _Column("date", "the date it is needed by (YYYY-MM-DD) or blank", required=False),
        "kind": _Column("text", "the kind of dependency", required=False),
    },
    "assignments": {
        "project_id": _Column("text", "the project id", blank_ok=False),
        "role": _Column("text", "the role (or person) the demand is for", blank_ok=False),
        "month": _Column("month", "a month as YYYY-MM", blank_ok=False),
        "demand_fte": _Column("number", "the demand in FTE (a number >= 0)", blank_ok=False, low=0),
    },
    "capacity": {
        "role": _Column("text", "the role (or person)", blank_ok=False),
        "month": _Column("month", "a month as YYYY-MM", blank_ok=False),
        "capacity_fte": _Column("number", "the capacity in FTE (a number >= 0)", blank_ok=False, low=0),
    },
    "criteria": {
        "criterion": _Column("text", "a criterion name, unique in the sheet", blank_ok=False),
        "weight": _Column("number", "the criterion's weight, a number > 0", blank_ok=False, low=0, low_open=True),
    },
    "status_history": {
        "project_id": _Column("text", "the project id", blank_ok=False),
        "status_date": _Column("date", "the date of the status report (YYYY-MM-DD)", blank_ok=False),
        "pv": _money("the planned value to the status date", required=False),
        "ev": _money("the earned value to the status date", required=False),
        "ac": _money("the actual cost to the status date", required=False),
        "reported_rag": _Column("choice", "the RAG the project reported: " + ", ".join(REPORTED_RAG) + " or blank",
                                required=False, choices=REPORTED_RAG),
    },
    "milestones": {
        "project_id": _Column("text", "the project id", blank_ok=False),
        "milestone": _Column("text", "the milestone name, unique within its project", blank_ok=False),
        "planned": _Column("date", "the planned date (YYYY-MM-DD)", blank_ok=False),
        "forecast": _Column("date", "the forecast date (YYYY-MM-DD) or blank", required=False),
        "actual": _Column("date", "the date it was reached (YYYY-MM-DD) or blank", required=False),
        "gate": _Column("bool", "true/false, yes/no, y/n, 1/0 or blank (= false): is it a stage gate?",
                        required=False),
        "decision_needed": _Column("bool", "true/false, yes/no, y/n, 1/0 or blank (= false): does it need a "
                                   "decision?", required=False),
    },
    "benefits": {
        "project_id": _Column("text", "the project id, or blank for a portfolio-level benefit"),
        "benefit": _Column("text", "the benefit's name, unique within its project", blank_ok=False),
        "measure": _Column("text", "what the benefit is measured in (blank = money)", required=False),
        "planned": _Column("number", "the planned benefit (a number >= 0) or blank", low=0),
        "forecast": _Column("number", "the forecast benefit (a number >= 0) or blank", required=False, low=0),
        "realised": _Column("number", "the benefit realised so far (a number >= 0) or blank", required=False, low=0),
        "owner": _Column("text", "the benefit owner", required=False),
        "due": _Column("date", "the date the benefit is due by (YYYY-MM-DD) or blank", required=False),
    },
    "financials": {
        "project_id": _Column("text", "the project id", blank_ok=False),
        "month": _Column("month", "a month as YYYY-MM", blank_ok=False),
        "budget": _money("the month's budget", required=False),
        "actual": _money("the month's actual spend", required=False),
        "forecast": _money("the month's forecast spend", required=False),
    },
}
_SCORE = _Column("number", "a score (a number >= 0) or blank", low=0)


def _criterion_key(name: str) -> str:
    """Criterion names and ``score_*`` headers match ignoring case, with spaces or
    hyphens read as underscores ('Strategic fit' is scored in ``score_strategic_fit``)."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _probability_scale(sheet, p: pd.Series | None) -> str:
    """``ordinal`` when some probability is a whole number from 2 to 5 (only the
    1-5 scale has those), else ``ratio``; the problems reported.

    A value on neither scale (outside 0..1 and not a whole number 1..5: ``40``,
    ``2.5``, ``-0.1``) is reported on its own and is no evidence for either
    scale, so one typo on a 0..1 sheet is the only problem reported there. On
    an ``ordinal`` sheet each value within 0..1 that is not a whole number 1..5
    (``0``, ``0.4``) is reported as mixing scales; ``1`` fits both.
    """
    if p is None:
        return "ratio"
    lo, hi = _ORDINAL
    ratio = (p >= 0) & (p <= 1)
    ordinal = (p >= lo) & (p <= hi) & (p % 1 == 0)
    neither = f"is on neither scale; expected a probability from 0 to 1, or a whole number from {lo} to {hi}"
    for row in p.index[p.notna() & ~ratio & ~ordinal]:
        sheet.add(row, "probability", f"'{sheet.body.at[row, 'probability']}' {neither}")
    evidence = p.index[ordinal & (p > lo)]
    if not len(evidence):
        return "ratio"
    first = f"row {evidence[0]} has '{sheet.body.at[evidence[0], 'probability']}'"
    for row in p.index[ratio & ~ordinal]:
        sheet.add(row, "probability",
                  f"'{sheet.body.at[row, 'probability']}' mixes scales: other rows use {lo}-{hi} ({first}); "
                  f"expected every probability from 0 to 1, or every one a whole number from {lo} to {hi}")
    return "ordinal"


def _impact_scale(sheet, impact: pd.Series | None) -> str:
    """``ordinal`` when every impact is a whole number 1..5, else ``money`` (each
    negative value reported)."""
    if impact is None:
        return "money"
    lo, hi = _ORDINAL
    given = impact.dropna()
    if len(given) and ((given >= lo) & (given <= hi) & (given % 1 == 0)).all():
        return "ordinal"
    for row in given.index[given < 0]:
        sheet.add(row, "impact", f"'{sheet.body.at[row, 'impact']}' is negative; expected the impact in money "
                                 f"(>= 0), or every impact a whole number from {lo} to {hi}")
    return "money"


def _report(sheet, name: str, raw: pd.Series, bad: pd.Series, problem: str, what: str) -> None:
    for row, text in raw[bad].items():
        sheet.add(row, name, f"'{text}' {problem}; expected {what}")


def _report_duplicates(sheet, keys: pd.DataFrame, name: str,
                       message: Callable[[tuple, int], str]) -> pd.Series:
    """Report each later row whose key (every column of ``keys``, rows with a blank
    part skipped) repeats an earlier one; return where rows repeat."""
    keys = keys.dropna()
    later = keys.duplicated(keep="first")
    if later.any():
        rows = pd.Series(keys.index, index=keys.index)
        first = rows.groupby([keys[c] for c in keys.columns], sort=False).transform("first")
        for key, row, first_row in zip(keys[later].itertuples(index=False), rows[later], first[later]):
            sheet.add(row, name, message(tuple(key), int(first_row)))
    return later
