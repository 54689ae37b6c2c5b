"""The financial year that holds the status date: budget, actual and forecast by month.

:func:`analyse_finance` reads the ``financials`` sheet (one row per project and
month, each month's own budget, actual and forecast, not cumulative) and keeps the
twelve months of the financial year holding ``as_of``; the year starts in month
``fy_start`` (:data:`FY_START`, a setting: 1 is the calendar year, 4 a year from
April to March).

Which months are "to date"
    Every month of the year up to and including the month of the status date. The
    status date's month is not closed yet: it counts its ``actual`` when one is booked
    (the spend so far), else its ``forecast``. A month before the status date's month
    with a budget or forecast but no actual counts as nothing spent, and a finding names
    it, so that a variance which is only missing data is not read as an underspend.

Cancelled and closed projects
    Their forecasts for months after the status date's month are left out of the
    outturn (the work has stopped), and a finding names them.

For each project and for the portfolio
    - in-year budget: the budgets of the year's twelve months;
    - actual to date: the actuals of the months to date;
    - forecast for the rest of the year: the forecasts of the later months;
    - forecast outturn = actual to date + forecast for the rest of the year;
    - variance = in-year budget − forecast outturn (positive: forecast to spend less than budget).

Per PMO the figures follow the ``pmos`` hierarchy, with a row for projects naming no
PMO (:func:`pmo_workbench.portfolio.delivery.per_pmo`).

Findings: actuals given for months after the status date's month (not counted);
past months with a budget or forecast but no actual; forecasts of cancelled and closed
projects; months of the year in which an in-flight project runs (between its start and
its forecast finish, else its planned finish) with nothing counted; and a financials
sheet with no month in the year (then the money totals are ``None``, not 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._values import fmt
from ..i18n import _, ngettext
from .delivery import per_pmo
from .labels import report_date, status_word
from .model import CLOSED, IN_FLIGHT, Finding

__all__ = ["FY_START", "FinanceAnalysis", "analyse_finance", "check_fy_start", "financial_year"]

FY_START = 1
"""Default first month of the financial year (1 = January: the calendar year); a setting, as organisations differ
(UK councils and water companies start in April, 4)."""

MONTH_COLUMNS = ["month", "budget", "actual", "forecast", "outturn", "to_date", "cumulative_budget",
                 "cumulative_outturn"]
STOPPED = ("cancelled", *CLOSED)
"""Statuses whose forecasts after the status date are left out of the outturn."""
PROJECT_COLUMNS = ["project_id", "name", "pmo", "status", "in_year_budget", "actual_to_date", "forecast_remaining",
                   "outturn", "variance"]
_MONEY = ["in_year_budget", "actual_to_date", "forecast_remaining", "outturn", "variance"]


@dataclass(frozen=True)
class FinanceAnalysis:
    """The financial year holding the status date.

    Attributes
    ----------
    fy_start
        The first month of the financial year (1-12).
    first_month, last_month
        The year's first and last month.
    label
        The year as people name it: ``"2026"`` for a calendar year, ``"2026/27"`` for April 2026 to March 2027.
    months
        The year's twelve months (:data:`MONTH_COLUMNS`): summed budget, actual (months to date only), forecast
        (later months only), ``outturn`` (actual to date, forecast after), ``to_date`` and the running totals of
        budget and outturn.
    by_project
        Per project with figures in the year (:data:`PROJECT_COLUMNS`), largest overspend (most negative variance)
        first.
    by_pmo
        The same summed per PMO (``parent`` the PMO it reports to), following the hierarchy, with a row for
        projects naming no PMO.
    totals
        The portfolio's in-year budget, actual to date, forecast for the rest, outturn and variance (``None`` when
        the financials sheet has no month in the year), and ``data_first_month``/``data_last_month``, the months
        the sheet covers.
    findings
        As in the module docstring.
    """

    fy_start: int
    first_month: pd.Period
    last_month: pd.Period
    label: str
    months: pd.DataFrame
    by_project: pd.DataFrame
    by_pmo: pd.DataFrame
    totals: dict[str, Any]
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def check_fy_start(fy_start: Any) -> int:
    """``fy_start`` as a month number 1-12; ``ValueError`` naming the value otherwise."""
    if isinstance(fy_start, bool) or not isinstance(fy_start, (int, float)) or fy_start != int(fy_start) or not (
            1 <= int(fy_start) <= 12):
        raise ValueError(f"the financial year's first month must be a month number from 1 to 12 (4 = April), "
                         f"not {fy_start!r}")
    return int(fy_start)


def financial_year(as_of: pd.Timestamp, fy_start: int = FY_START) -> tuple[pd.Period, pd.Period, str]:
    """The first and last month of the financial year holding ``as_of``, and its label.

    Examples
    --------
    >>> financial_year(pd.Timestamp("2026-05-31"), 4)
    (Period('2026-04', 'M'), Period('2027-03', 'M'), '2026/27')
    >>> financial_year(pd.Timestamp("2026-02-15"), 4)[2]
    '2025/26'
    """
    fy_start = check_fy_start(fy_start)
    as_of = pd.Timestamp(as_of)
    year = as_of.year if as_of.month >= fy_start else as_of.year - 1
    first = pd.Period(year=year, month=fy_start, freq="M")
    last = first + 11
    label = str(year) if fy_start == 1 else f"{year}/{(year + 1) % 100:02d}"
    return first, last, label


def _span_months(projects: pd.DataFrame, first: pd.Period, last: pd.Period) -> dict[str, list[pd.Period]]:
    """The months of the year in which each in-flight project runs (start to forecast, else planned, finish)."""
    spans = {}
    flight = projects[projects["status"].isin(IN_FLIGHT)]
    finish = flight["forecast_finish"] if "forecast_finish" in flight else pd.Series(pd.NaT, index=flight.index)
    finish = finish.where(finish.notna(), flight["finish"])
    for pid, start, end in zip(flight["project_id"], flight["start"], finish):
        if pd.isna(start) or pd.isna(end):
            continue
        lo, hi = max(start.to_period("M"), first), min(end.to_period("M"), last)
        spans[pid] = list(pd.period_range(lo, hi, freq="M")) if lo <= hi else []
    return spans


def _months(months: list) -> str:
    shown = ", ".join(str(m) for m in months[:6])
    return shown + (", ..." if len(months) > 6 else "")


def analyse_finance(financials: pd.DataFrame, projects: pd.DataFrame, as_of: pd.Timestamp, *,
                    fy_start: int = FY_START, pmos: pd.DataFrame | None = None) -> FinanceAnalysis:
    """Budget, actual and forecast by month over the financial year holding ``as_of``.

    Parameters
    ----------
    financials
        ``Portfolio.financials``.
    projects
        ``Portfolio.projects`` (names, PMOs, statuses and dates).
    as_of
        The status date; its month and the months before it in the year are "to date".
    fy_start
        The first month of the financial year, 1-12 (:data:`FY_START`, a setting).
    pmos
        ``Portfolio.pmos`` or ``None``: the hierarchy the figures per PMO follow.

    Returns
    -------
    FinanceAnalysis

    Raises
    ------
    ValueError
        When ``fy_start`` is not a month number from 1 to 12.

    Examples
    --------
    Year from April, status date 2026-05-31: April and May are to date. A project budgeted 100 a month with
    actuals 90 (April) and 120 (May) and forecasts of 100 for the ten later months has an in-year budget of
    1,200, an actual to date of 210, an outturn of 210 + 1,000 = 1,210 and a variance of −10.
    """
    fy_start = check_fy_start(fy_start)
    as_of = pd.Timestamp(as_of).normalize()
    first, last, label = financial_year(as_of, fy_start)
    now = as_of.to_period("M")
    f = financials[(financials["month"] >= first) & (financials["month"] <= last)]
    to_date = f["month"] <= now
    findings = []
    late = f[~to_date & f["actual"].notna()]
    for r in late.itertuples():
        findings.append(Finding(
            "warning", "actual_after_status_date",
            _("{project} gives an actual of {amount} for {month}, after the status date {as_of}; it is not counted "
              "(the month's forecast is): correct the month or the status date.").format(
                project=r.project_id, amount=fmt(r.actual, 2, thousands=True), month=r.month,
                as_of=report_date(as_of)),
            r.project_id, "financials", int(r.source_row)))
    status = f["project_id"].map(projects.set_index("project_id")["status"]).astype(str)
    current = f["month"].eq(now) & f["actual"].isna()
    stopped = ~to_date & status.isin(STOPPED) & f["forecast"].notna()
    for pid, rows in f[stopped].groupby("project_id", sort=True):
        findings.append(Finding(
            "warning", "forecast_stopped_project",
            _("{project} is {status} but forecasts {amount} of spend after the status date ({months}); it is left out "
              "of the forecast outturn: remove the forecast or correct the status.").format(
                project=pid, status=str(status_word(status[rows.index[0]])),
                amount=fmt(rows["forecast"].sum(), 2, thousands=True), months=_months(list(rows["month"]))),
            pid, "financials", int(rows["source_row"].iloc[0])))
    f = f.assign(actual=f["actual"].where(to_date),
                 forecast=f["forecast"].where((~to_date | current) & ~stopped))
    f = f.assign(outturn=f["actual"].fillna(0).where(to_date & ~current, f["forecast"].fillna(0)))
    no_actual = f[to_date & ~f["month"].eq(now) & f["actual"].isna() & (f["budget"].notna()
                                                                         | financials.loc[f.index, "forecast"].notna())]
    for pid, rows in no_actual.groupby("project_id", sort=True):
        findings.append(Finding(
            "warning", "financials_no_actual",
            ngettext("{project} has a budget or forecast but no actual for {n} past month(s) of the financial year "
                     "{year}: {months}; they count as nothing spent, so the variance may only be missing data: give "
                     "the actuals.",  # English reads the same for one and many, as it always has
                     "{project} has a budget or forecast but no actual for {n} past month(s) of the financial year "
                     "{year}: {months}; they count as nothing spent, so the variance may only be missing data: give "
                     "the actuals.", len(rows)).format(project=pid, n=len(rows), year=label,
                                                       months=_months(sorted(rows["month"]))),
            pid, "financials", int(rows["source_row"].iloc[0])))

    spans = _span_months(projects, first, last)
    given = f[f["actual"].notna() | f["forecast"].notna()].groupby("project_id")["month"].agg(set)
    flagged = no_actual.groupby("project_id")["month"].agg(set)
    for pid, months in spans.items():
        missing = [m for m in months if m not in given.get(pid, set()) and m not in flagged.get(pid, set())]
        if missing:
            findings.append(Finding(
                "warning", "financials_gap",
                ngettext("{project} runs in {n} month(s) of the financial year {year} with neither an actual (months "
                         "to date) nor a forecast (later months): {months}; its forecast outturn leaves them out.",
                         "{project} runs in {n} month(s) of the financial year {year} with neither an actual (months "
                         "to date) nor a forecast (later months): {months}; its forecast outturn leaves them out.",
                         len(missing)).format(project=pid, n=len(missing), year=label, months=_months(missing)),
                pid, "financials"))
    covered = (financials["month"].min(), financials["month"].max()) if len(financials) else (None, None)
    if f.empty and len(financials):
        findings.append(Finding(
            "warning", "financials_outside_year",
            _("The financials sheet has no month in the financial year {year} ({first} to {last}): it covers "
              "{data_first} to {data_last}; check the status date and the financial year's first month.").format(
                year=label, first=first, last=last, data_first=covered[0], data_last=covered[1]),
            sheet="financials"))

    months = pd.DataFrame({"month": pd.period_range(first, last, freq="M")})
    sums = f.groupby("month")[["budget", "actual", "forecast", "outturn"]].sum(min_count=1)
    months = months.merge(sums, left_on="month", right_index=True, how="left")
    months["outturn"] = months["outturn"].fillna(0.0)
    months["to_date"] = months["month"] <= now
    months["cumulative_budget"] = months["budget"].fillna(0.0).cumsum()
    months["cumulative_outturn"] = months["outturn"].cumsum()
    months = months[MONTH_COLUMNS]

    per = pd.DataFrame({
        "project_id": f["project_id"], "in_year_budget": f["budget"], "actual_to_date": f["actual"],
        "forecast_remaining": f["forecast"], "outturn": f["outturn"]})
    per = per.groupby("project_id", sort=False).sum(min_count=1)
    per["outturn"] = per["outturn"].fillna(0.0)
    per["variance"] = per["in_year_budget"] - per["outturn"]
    info = projects.set_index("project_id")[["name", "pmo", "status"]]
    by_project = per.join(info, how="left").reset_index()
    by_project["status"] = by_project["status"].astype(str)
    by_project = by_project[PROJECT_COLUMNS].sort_values(["variance", "project_id"], na_position="last",
                                                         kind="stable").reset_index(drop=True)
    by_pmo = per_pmo(by_project, pmos, lambda part: {
        "projects": int(len(part)), **part[_MONEY[:-1]].sum(min_count=1).to_dict()})
    by_pmo["outturn"] = by_pmo["outturn"].astype(float).fillna(0.0)
    by_pmo["variance"] = by_pmo["in_year_budget"].astype(float) - by_pmo["outturn"]
    budget = float(f["budget"].sum(min_count=1))
    outturn = float(f["outturn"].sum())
    known = not f.empty
    totals = {
        "year": label, "first_month": str(first), "last_month": str(last),
        "months_to_date": int(months["to_date"].sum()), "projects": int(len(by_project)), "in_year_budget": budget,
        "actual_to_date": float(f["actual"].sum()) if known else None,
        "forecast_remaining": float(f["forecast"].sum()) if known else None,
        "outturn": outturn if known else None, "variance": budget - outturn if known else None,
        "data_first_month": None if covered[0] is None else str(covered[0]),
        "data_last_month": None if covered[1] is None else str(covered[1]),
    }
    return FinanceAnalysis(fy_start=fy_start, first_month=first, last_month=last, label=label, months=months,
                           by_project=by_project, by_pmo=by_pmo, totals=totals, findings=tuple(findings))
