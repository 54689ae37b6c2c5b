"""The checks of the tracking sheets: status history, milestones, benefits and financials.

:func:`pmo_workbench.portfolio.workbook.read_portfolio` parses these sheets
with the column specs of :mod:`pmo_workbench.portfolio.cells` and then calls the
check named after each sheet in :data:`TRACKED_CHECKS`; every problem is
located by sheet, row and column like those of the other sheets. The projects
sheet's ``currency`` column is checked here too (:func:`check_currency`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from babel.numbers import get_currency_name

from .cells import _report_duplicates

__all__ = ["TRACKED_CHECKS", "check_currency"]


def _known_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 code Babel knows (``EUR``, ``GBP``, ``usd``)."""
    if len(code) != 3 or not code.isalpha():
        return False
    return get_currency_name(code.upper(), locale="en") != code.upper()


def check_currency(sheet, currency: pd.Series | None) -> None:
    """Each ``currency`` is an ISO 4217 code, and the same on every row (money of two currencies cannot be
    added up); upper-cased in place."""
    if currency is None:
        return
    given = currency.dropna()
    for row, code in given.items():
        if not _known_currency(code.strip()):
            sheet.add(row, "currency", f"'{code}' is not a currency code; expected an ISO 4217 code such as EUR, "
                                       "GBP or USD")
            currency.at[row] = float("nan")
    given = currency.dropna().str.strip().str.upper()
    currency.loc[given.index] = given
    if given.nunique() > 1:
        first_row, first = given.index[0], given.iloc[0]
        for row, code in given[given.ne(first)].items():
            sheet.add(row, "currency", f"'{code}' differs from '{first}' in row {first_row}; expected one currency "
                                       "for the whole portfolio (convert the amounts first)")


def _check_status_history(v, sheet, values: dict) -> None:
    ids, dates = values["project_id"], values["status_date"]
    v._check_known(sheet, "project_id", ids)
    if not any(values.get(name) is not None for name in ("pv", "ev", "ac", "reported_rag")):
        sheet.add(1, None, "no pv, ev, ac or reported_rag column; expected a project's earned value to each status "
                           "date, the RAG it reported, or both")
    if ids is not None and dates is not None:
        _report_duplicates(
            sheet, pd.DataFrame({"p": ids, "d": dates}), "status_date",
            lambda key, first: f"project '{key[0]}' has a status report on {key[1]:%Y-%m-%d} again; first in row "
                               f"{first} (one report per project and date)")


def _check_milestones(v, sheet, values: dict) -> None:
    ids, names = values["project_id"], values["milestone"]
    v._check_known(sheet, "project_id", ids)
    if ids is not None and names is not None:
        _report_duplicates(
            sheet, pd.DataFrame({"p": ids, "m": names.str.strip().str.lower()}), "milestone",
            lambda key, first: f"project '{key[0]}' has milestone '{sheet.body.at[first, 'milestone']}' again; "
                               f"first in row {first} (each milestone once per project)")


def _check_benefits(v, sheet, values: dict) -> None:
    ids, names = values["project_id"], values["benefit"]
    v._check_known(sheet, "project_id", ids)
    if names is not None:
        project = (ids if ids is not None else pd.Series(pd.NA, index=names.index)).fillna("\0portfolio")
        _report_duplicates(
            sheet, pd.DataFrame({"p": project, "b": names.str.strip().str.lower()}), "benefit",
            lambda key, first: f"benefit '{sheet.body.at[first, 'benefit']}' appears again for "
                               f"{'the portfolio' if key[0] == chr(0) + 'portfolio' else repr(key[0])}; first in "
                               f"row {first} (each benefit once per project)")


def _check_financials(v, sheet, values: dict) -> None:
    ids, month = values["project_id"], values["month"]
    v._check_known(sheet, "project_id", ids)
    if all(values.get(name) is None for name in ("budget", "actual", "forecast")):
        sheet.add(1, None, "no budget, actual or forecast column; expected each project's money by month in at "
                           "least one of them")
    if ids is not None and month is not None:
        _report_duplicates(
            sheet, pd.DataFrame({"p": ids, "m": month}), "month",
            lambda key, first: f"project '{key[0]}' has figures for {key[1]} again; first in row {first} (one row "
                               "per project and month)")


TRACKED_CHECKS: dict[str, Callable] = {
    "status_history": _check_status_history,
    "milestones": _check_milestones,
    "benefits": _check_benefits,
    "financials": _check_financials,
}
"""The check of each tracking sheet, called with the validator, the sheet and its parsed values."""
