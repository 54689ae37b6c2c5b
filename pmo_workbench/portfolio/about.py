"""The optional ``about`` sheet: what the workbook says about itself, read beside the other sheets.

A portfolio workbook carries its status date, the date its figures are as of, in a sheet named ``about`` (an
``about.csv`` file in a folder of CSV files): a header row and one row below it, with the columns

- ``status_date``: the date every figure of the workbook is as of (``YYYY-MM-DD`` or an Excel date cell, 1950-2150);
  the analysis's default ``as_of``, which ``--as-of`` overrides;
- ``currency``: the ISO 4217 code of its money (``GBP``, ``EUR``), for a projects sheet without a ``currency``
  column; it must agree with that column when both are given;
- ``organisation``: whose portfolio it is.

Each column may be left out or blank. Headers match ignoring case, with spaces read as underscores.
:func:`pmo_workbench.portfolio.workbook.read_portfolio` reads it and raises its problems with those of the other
sheets, each located by sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .._values import CONTROL, control_message, date_expected, date_problem
from ..errors import InputValidationError, Problem
from .tracked_sheets import _known_currency

if TYPE_CHECKING:
    from .model import Portfolio

__all__ = ["ABOUT", "ABOUT_COLUMNS", "About", "check_about_currency", "read_about", "report_organisation"]

ABOUT = "about"
"""The name of the sheet (or ``about.csv``) that says what the workbook is about."""

ABOUT_COLUMNS = ("status_date", "currency", "organisation")
"""The columns of the ``about`` sheet, in the order the intake template writes them."""


@dataclass(frozen=True)
class About:
    """What the ``about`` sheet says; ``None`` where it says nothing."""

    status_date: dt.date | None = None
    currency: str | None = None
    organisation: str | None = None
    where: str = ""
    row: int | None = None
    currency_header: str = "currency"
    organisation_header: str = "organisation"

    @property
    def organisation_cell(self) -> tuple[str, int | None, str]:
        """Where the organisation is written: the sheet (or file), its row and its column as headed."""
        return self.where, self.row, self.organisation_header


def read_about(found: tuple[str, pd.DataFrame, list[Problem]] | None) -> tuple[About | None, list[Problem]]:
    """The ``about`` sheet ``found`` (``(where, table, problems)`` as opened; ``None`` when the workbook has none)
    as an :class:`About`, and its problems."""
    if found is None:
        return None, []
    where, table, problems = found
    problems = list(problems)
    if table.empty:
        return None, problems
    header: dict[str, tuple[int, str]] = {}
    for position, text in enumerate(table.iloc[0]):
        written = str(text).strip()
        name = re.sub(r"[\s\-]+", "_", written.lower())
        if not name:
            continue
        if name not in ABOUT_COLUMNS:
            close = difflib.get_close_matches(name, ABOUT_COLUMNS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Problem(where, 1, written, f"unknown column '{written}'; expected "
                                                       f"{', '.join(ABOUT_COLUMNS)}{hint}"))
        elif name in header:
            problems.append(Problem(where, 1, written, f"column '{written}' appears twice; keep one"))
        else:
            header[name] = (position, written)
    body = table.iloc[1:]
    body = body.set_axis(pd.RangeIndex(2, 2 + len(body)), axis=0)
    body = body[body.ne("").any(axis=1)]
    if body.empty:
        return None, problems
    if len(body) > 1:
        problems.append(Problem(where, int(body.index[1]), None, "a second row; expected one row below the header "
                                                                 "(the about sheet describes the whole workbook)"))
    row = int(body.index[0])

    def cell(name: str) -> tuple[str, str]:
        position, written = header.get(name, (None, name))
        return ("" if position is None else str(body.iat[0, position]).strip()), written

    date_text, date_header = cell("status_date")
    status_date, message = date_problem(date_text, expected=date_expected("the date the workbook's figures are "
                                                                          "as of"))
    if message:
        problems.append(Problem(where, row, date_header, message))
    currency, currency_header = cell("currency")
    if currency and not _known_currency(currency):
        problems.append(Problem(where, row, currency_header, f"'{currency}' is not a currency code; expected an ISO "
                                                             "4217 code such as EUR, GBP or USD"))
        currency = ""
    organisation, organisation_header = cell("organisation")
    wrong = control_message("organisation", organisation, CONTROL) if organisation else None
    if wrong:
        problems.append(Problem(where, row, organisation_header, wrong))
        organisation = ""
    return About(status_date=status_date, currency=currency.upper() or None, organisation=organisation or None,
                 where=where, row=row, currency_header=currency_header), problems


def check_about_currency(about: About, column: str | None) -> list[Problem]:
    """A problem when the about sheet's currency and the projects sheet's ``currency`` column disagree."""
    if about.currency is None or column is None or column.upper() == about.currency:
        return []
    return [Problem(about.where, about.row, about.currency_header,
                    f"'{about.currency}' differs from the projects sheet's currency '{column}'; expected the same "
                    "code, or one of them blank")]


def _folded(name: str) -> str:
    """A name as compared: Unicode NFKC, case folded, ``&`` read as "and", punctuation and symbols dropped, every
    run of spaces one space (``Korrin Regional-Council.`` and ``korrin regional council`` are one name)."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    kept = "".join(" " if unicodedata.category(c)[0] in "PSZ" else c for c in text)
    return " ".join(kept.split())


def report_organisation(portfolio: Portfolio, organisation: str | None) -> str | None:
    """The organisation a report on ``portfolio`` is for: ``organisation`` when given, else the one its ``about``
    sheet names (``None`` when neither does).

    A report for one organisation made from another's workbook is refused: when the about sheet names an
    organisation and ``organisation`` is another (compared ignoring case, spacing, punctuation and ``&`` for
    "and"), an ``InputValidationError`` names the about sheet's cell, both names and what was expected.

    >>> from pmo_workbench.portfolio.model import Portfolio
    >>> book = Portfolio(source="book.xlsx", projects=pd.DataFrame(), organisation="Korrin Regional Council")
    >>> report_organisation(book, None), report_organisation(book, "korrin  regional council")
    ('Korrin Regional Council', 'korrin  regional council')
    >>> try:
    ...     report_organisation(book, "Acme")
    ... except InputValidationError as exc:
    ...     print(exc.problems[0].message)
    the workbook is the portfolio of 'Korrin Regional Council', not of 'Acme'; expected the report to be for \
'Korrin Regional Council', or the workbook of 'Acme'
    """
    stated = portfolio.organisation
    if organisation is None or not organisation.strip():
        return stated
    if stated and _folded(stated) != _folded(organisation):
        where, row, column = portfolio.organisation_at or (
            f"{Path(portfolio.source) / 'about.csv'}" if Path(portfolio.source).is_dir()
            else f"{portfolio.source}[{ABOUT}]", 2, "organisation")
        raise InputValidationError([Problem(where, row, column, (
            f"the workbook is the portfolio of {stated!r}, not of {organisation!r}; expected the report to be for "
            f"{stated!r}, or the workbook of {organisation!r}"))])
    return organisation
