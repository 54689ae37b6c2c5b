"""Status history from several workbooks: earlier workbooks read with their status dates, as a status_history.

The trends (:mod:`pmo_workbench.portfolio.trends`) read a ``status_history``
sheet; a consultant may instead hold last month's workbooks. These functions
turn each earlier workbook's in-flight projects into history rows and combine
them with the sheet, which wins where both report the same project and date.

The date given with an earlier workbook (``--history PATH=YYYY-MM-DD`` on the
command line) is that workbook's status date, not proof that each project
reported on it: a project's row is dated the workbook's own ``status_date`` for
that project when it gives one, and the workbook's date only when it does not.
Two earlier workbooks that give different figures for the same project and date,
an earlier workbook in another currency, or one holding an in-flight project the
current workbook does not (the rule of the ``status_history`` sheet), are
refused (``ValueError``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._values import date_problem
from ..i18n import ngettext
from .model import IN_FLIGHT, Finding, Portfolio

__all__ = ["combine_history", "history_from_portfolios", "parse_history", "read_history"]


def parse_history(text: str) -> tuple[Path, pd.Timestamp | None]:
    """One ``PATH=YYYY-MM-DD`` history option: an earlier workbook and the status date of its figures; ``PATH``
    alone leaves the date to the workbook's own (its about sheet), read by :func:`read_history` (``None`` here).

    Raises
    ------
    ValueError
        When the path is missing or does not exist, or the date is not a date from 1950 to 2150; the message
        names the value given.
    """
    path, sep, date = str(text).rpartition("=")
    if not sep:
        path, date = str(text), ""
    if not path.strip():
        raise ValueError(f"history {text!r}: expected PATH=YYYY-MM-DD, an earlier workbook and its status date")
    day, message = date_problem(date.strip())
    if message is not None:
        raise ValueError(f"history {text!r}: {message}")
    file = Path(path.strip()).expanduser()
    if not file.exists():
        raise ValueError(f"history {text!r}: {file} does not exist; expected a portfolio workbook (.xlsx) or a "
                         "folder of CSV files")
    return file, None if day is None else pd.Timestamp(day)


def history_from_portfolios(earlier: Sequence[tuple[Portfolio, dt.date | str | pd.Timestamp]],
                            currency: str | None = None, known: Sequence[str] | None = None) -> pd.DataFrame | None:
    """A ``status_history`` frame from earlier workbooks, each with the status date of its figures.

    Every project of an earlier workbook that was in flight then (active or on hold) gives one row: its PV,
    EV and AC and its ``reported_rag`` (blank when that workbook has none), dated the project's own
    ``status_date`` in that workbook, else the workbook's given status date.

    Parameters
    ----------
    earlier
        The earlier workbooks with their status dates.
    currency
        The currency of the current workbook (or ``None``); an earlier workbook with another one is refused.
    known
        The current workbook's project ids (or ``None``): an in-flight project of an earlier workbook that the
        current one does not hold is refused, as the reader refuses a ``status_history`` row of an unknown
        project (keep a closed project in the projects sheet to keep its reports).

    Returns
    -------
    pandas.DataFrame or None
        The columns of ``SHEET_COLUMNS["status_history"]``, ``source_row`` (the row in the earlier projects
        sheet) and ``source`` (the earlier workbook), sorted by project then date; ``None`` when ``earlier``
        is empty.

    Raises
    ------
    ValueError
        When an earlier workbook's currency differs from ``currency``, or two earlier workbooks give different
        figures for the same project and date (the message names the projects and both files), or an earlier
        workbook holds a project not in ``known``.
    """
    frames = []
    for portfolio, date in earlier:
        theirs = getattr(portfolio, "currency", None)
        if currency and theirs and str(theirs).upper() != str(currency).upper():
            raise ValueError(f"history {portfolio.source}: its amounts are in {theirs}, the current workbook's in "
                             f"{currency}; give earlier workbooks in the same currency")
        p = portfolio.projects[portfolio.projects["status"].isin(IN_FLIGHT)]
        if known is not None:
            unknown = list(dict.fromkeys(p.loc[~p["project_id"].astype(str).isin(set(map(str, known))),
                                               "project_id"].astype(str)))
            if unknown:
                raise ValueError(f"history {portfolio.source}: {len(unknown)} project(s) ({', '.join(unknown[:5])}"
                                 f"{', ...' if len(unknown) > 5 else ''}) are not in the current workbook's projects "
                                 "sheet; as for the status_history sheet, a report needs its project: keep it in "
                                 "the projects sheet (closed if it has closed)")
        given = pd.Series(pd.Timestamp(date).normalize(), index=p.index, dtype="datetime64[ns]")
        if "status_date" in p:
            own = pd.to_datetime(p["status_date"], errors="coerce").dt.normalize()
            given = own.where(own.notna() & own.le(given), given).astype("datetime64[ns]")
        frames.append(pd.DataFrame({
            "project_id": p["project_id"].astype(str).to_numpy(),
            "status_date": given.to_numpy(),
            "pv": p["pv"].to_numpy(dtype=float), "ev": p["ev"].to_numpy(dtype=float),
            "ac": p["ac"].to_numpy(dtype=float),
            "reported_rag": p["reported_rag"].to_numpy(dtype=object) if "reported_rag" in p else np.nan,
            "source_row": p["source_row"].to_numpy() if "source_row" in p else np.nan,
            "source": str(portfolio.source),
        }))
    if not frames:
        return None
    history = pd.concat(frames, ignore_index=True)
    history["status_date"] = history["status_date"].astype("datetime64[ns]")
    _refuse_conflicts(history)
    history = history.drop_duplicates(["project_id", "status_date"], keep="first")
    return history.sort_values(["project_id", "status_date"], kind="stable").reset_index(drop=True)


def _refuse_conflicts(history: pd.DataFrame) -> None:
    """Raise when two workbooks give different figures for the same project and date."""
    figures = history[["pv", "ev", "ac"]].fillna(-np.inf)
    keyed = history[["project_id", "status_date"]].assign(_f=[tuple(r) for r in figures.to_numpy()])
    kinds = keyed.groupby(["project_id", "status_date"])["_f"].nunique()
    clash = kinds[kinds.gt(1)]
    if clash.empty:
        return
    (pid, when), = clash.index[:1]
    files = list(dict.fromkeys(history.loc[history["project_id"].eq(pid) & history["status_date"].eq(when),
                                           "source"]))
    names = ", ".join(str(i) for i, _ in clash.index[:5])
    raise ValueError(f"history: {len(clash)} project(s) ({names}) have different figures for the same date in two "
                     f"earlier workbooks, e.g. {pid} on {when:%Y-%m-%d} in {' and '.join(files)}; give one workbook "
                     "per status date")


def combine_history(sheet: pd.DataFrame | None, earlier: pd.DataFrame | None, known: Sequence[str] | None = None
                    ) -> tuple[pd.DataFrame | None, list[Finding]]:
    """The workbook's ``status_history`` sheet and the history from earlier workbooks, as one frame.

    The sheet wins: where both give a report for the same project and date, the sheet's row is kept and the
    earlier workbook's dropped, with one ``history_overlap`` finding (info) counting them. Reports of projects
    the current workbook does not hold (``known``: its project ids) are left out, with one
    ``history_unknown_project`` finding (info) naming them.

    Returns
    -------
    tuple
        The combined frame (sorted by project then date; ``None`` when neither is given) and the findings.
    """
    if earlier is None or not len(earlier):
        return sheet, []
    findings = []
    if known is not None:
        unknown = ~earlier["project_id"].isin(set(map(str, known)))
        if unknown.any():
            names = list(dict.fromkeys(earlier.loc[unknown, "project_id"]))
            listed = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            findings.append(Finding("info", "history_unknown_project", ngettext(
                "The earlier workbooks hold {n} project(s) this workbook does not ({listed}); their reports are left "
                "out of the trends.",  # English reads the same for one and many, as it always has
                "The earlier workbooks hold {n} project(s) this workbook does not ({listed}); their reports are left "
                "out of the trends.", len(names)).format(n=len(names), listed=listed), sheet="status_history"))
            earlier = earlier[~unknown]
    if sheet is None or not len(sheet):
        return (earlier if len(earlier) else None), findings
    key = pd.MultiIndex.from_frame(sheet[["project_id", "status_date"]])
    theirs = pd.MultiIndex.from_frame(earlier[["project_id", "status_date"]])
    overlap = theirs.isin(key)
    if overlap.any():
        n = int(overlap.sum())
        findings.append(Finding("info", "history_overlap", ngettext(
            "{n} status report(s) from the earlier workbooks have the same project and date as a row of the "
            "status_history sheet; the sheet's rows are used.",  # English reads the same for one and many
            "{n} status report(s) from the earlier workbooks have the same project and date as a row of the "
            "status_history sheet; the sheet's rows are used.", n).format(n=n), sheet="status_history"))
    columns = [c for c in sheet.columns if c in earlier.columns]
    combined = pd.concat([sheet[columns], earlier.loc[~overlap, columns]], ignore_index=True)
    return combined.sort_values(["project_id", "status_date"], kind="stable").reset_index(drop=True), findings


def read_history(given: Mapping[str | Path, Any] | Sequence[str] | None) -> list[tuple[Portfolio, pd.Timestamp]]:
    """Earlier workbooks with their status dates, read and validated: from ``{path: "YYYY-MM-DD"}`` or from
    ``PATH=YYYY-MM-DD`` texts (see :func:`parse_history`); an entry without a date takes the workbook's own status
    date (its about sheet).

    Raises
    ------
    ValueError
        For a malformed entry, a bad date, a path that does not exist, or no date given for a workbook that gives
        none itself.
    pmo_workbench.errors.InputValidationError
        When an earlier workbook is invalid (every problem located by file, sheet, row and column).
    """
    from .pmos import read_portfolio

    if not given:
        return []
    pairs = [parse_history(f"{k}={'' if v is None else v}") for k, v in given.items()] \
        if isinstance(given, Mapping) else [parse_history(text) for text in given]
    earlier = []
    for path, date in pairs:
        book = read_portfolio(path)
        if date is None:  # the workbook's own status date
            if book.status_date is None:
                raise ValueError(f"history {str(path)!r}: the workbook gives no status date (an about sheet with "
                                 "status_date); expected PATH=YYYY-MM-DD")
            date = pd.Timestamp(book.status_date)
        earlier.append((book, date))
    return earlier
