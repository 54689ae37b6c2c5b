"""Reported against computed RAG, findings about status reports, and the plain sentences of the trends.

Used by :mod:`pmo_workbench.portfolio.trends` (which re-exports the public names) and the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._values import MISSING, fmt, number
from ..i18n import N_, _, ngettext
from .labels import rag_word, report_date
from .model import IN_FLIGHT, Finding

__all__ = ["REPORTED_VERDICTS", "describe_movement", "describe_period", "no_trend_reason", "reported_against_computed",
           "reported_findings", "reported_sources", "same_day_findings", "stale_findings"]

REPORTED_VERDICTS = ("reported greener", "reported worse", "agrees", "not comparable")
"""Reported against computed RAG: the reported RAG is better, worse or the same; ``not comparable`` when the
computed rating is "check estimate" (an under-run, neither green nor red) or cannot be computed."""

_REPORTED_LEVEL = {"green": 0, "amber": 1, "red": 2}


# -- reported against computed ----------------------------------------------------

def _current_reported(projects: pd.DataFrame, history: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.Series:
    """Each project's reported RAG at ``as_of``: the projects sheet's, else its history row dated ``as_of``."""
    ids = pd.Index(projects["project_id"].astype(str))
    given = pd.Series(projects["reported_rag"].to_numpy(dtype=object) if "reported_rag" in projects else None,
                      index=ids, dtype=object)
    if history is not None and "reported_rag" in history and len(history):
        today = history[history["status_date"].eq(as_of)].set_index("project_id")["reported_rag"]
        given = given.where(given.notna(), today.reindex(ids).to_numpy(dtype=object))
    return given.where(given.notna(), None)


def reported_against_computed(evm: pd.DataFrame, projects: pd.DataFrame, history: pd.DataFrame | None,
                              as_of: pd.Timestamp) -> pd.DataFrame | None:
    """The RAG each in-flight project reported at ``as_of`` against the RAG its figures give.

    "Reported greener" is the watermelon: green (or amber) on the outside, worse inside. A project
    whose computed rating is "check estimate" or missing is ``not comparable``.

    Parameters
    ----------
    evm
        The :func:`pmo_workbench.portfolio.evm.earned_value` frame at ``as_of``.
    projects, history
        ``Portfolio.projects`` and the status history (or ``None``).
    as_of
        The status date.

    Returns
    -------
    pandas.DataFrame or None
        ``project_id, name, pmo, reported_rag, rag, cpi, schedule, verdict`` (:data:`REPORTED_VERDICTS`) for
        each in-flight project that reported a RAG, reported greener first; ``None`` when none did.
    """
    reported = _current_reported(projects, history, as_of)
    flight = evm[evm["status"].isin(IN_FLIGHT)]
    mine = reported.reindex(flight["project_id"].astype(str)).to_numpy(dtype=object)
    table = flight[["project_id", "name", "pmo"]].assign(reported_rag=mine, rag=flight["rag"].to_numpy(dtype=object),
                                                         cpi=flight["cpi"], schedule=flight["schedule"])
    table = table[pd.notna(table["reported_rag"])]
    if table.empty:
        return None
    said = table["reported_rag"].map(_REPORTED_LEVEL)
    computed = table["rag"].map(_REPORTED_LEVEL)   # "check estimate" and None map to NaN
    verdict = np.where(computed.isna(), "not comparable",
                       np.where(said < computed, "reported greener",
                                np.where(said > computed, "reported worse", "agrees")))
    table = table.assign(verdict=verdict)
    order = table["verdict"].map({v: i for i, v in enumerate(REPORTED_VERDICTS)})
    return table.assign(_o=order).sort_values(["_o", "project_id"], kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


def _row(rows: Mapping[str, Any] | None, project_id: str) -> int | None:
    value = None if rows is None else rows.get(project_id)
    return None if value is None or pd.isna(value) else int(value)


def reported_findings(reported: pd.DataFrame | None, rows: Mapping[str, Any] | None = None,
                      sources: Mapping[str, tuple[str, int | None]] | None = None) -> list[Finding]:
    """One ``reported_greener`` warning per project whose reported RAG is better than its figures give
    (``rows``: each project's row in the projects sheet; ``sources``: the sheet and row a reported RAG was
    taken from when not the projects sheet, see :func:`reported_sources`)."""
    if reported is None:
        return []
    out = []
    for r in reported[reported["verdict"].eq("reported greener")].itertuples():
        sheet, row = (sources or {}).get(str(r.project_id), ("projects", _row(rows, str(r.project_id))))
        out.append(Finding("warning", "reported_greener",
                           _("Project {project} reports {reported} but its figures rate it {computed} (CPI {cpi}, "
                             "schedule index {schedule}): ask what the report leaves out.").format(
                               project=r.project_id, reported=rag_word(r.reported_rag), computed=rag_word(r.rag),
                               cpi=_two(r.cpi), schedule=_two(r.schedule)),
                           project_id=str(r.project_id), sheet=sheet, row=row))
    return out


def reported_sources(projects: pd.DataFrame, history: pd.DataFrame | None, as_of: pd.Timestamp
                     ) -> dict[str, tuple[str, int | None]]:
    """The ``status_history`` row each project's reported RAG at ``as_of`` was taken from, for the projects
    whose projects sheet gives none (see :func:`reported_against_computed`)."""
    if history is None or "reported_rag" not in history or not len(history):
        return {}
    given = set(projects.loc[projects["reported_rag"].notna(), "project_id"].astype(str)) \
        if "reported_rag" in projects else set()
    today = history[history["status_date"].eq(as_of) & history["reported_rag"].notna()]
    return {str(r.project_id): ("status_history", None if pd.isna(getattr(r, "source_row", np.nan))
                                else int(r.source_row))
            for r in today.itertuples() if str(r.project_id) not in given}


def same_day_findings(projects: pd.DataFrame, history: pd.DataFrame | None, as_of: pd.Timestamp) -> list[Finding]:
    """One ``history_conflicts_projects`` warning per ``status_history`` row dated ``as_of`` whose figures or
    reported RAG differ from the projects sheet's: the report uses the projects sheet."""
    if history is None or not len(history):
        return []
    today = history[history["status_date"].eq(as_of)]
    mine = projects.assign(project_id=projects["project_id"].astype(str)).set_index("project_id")
    out = []
    for r in today.itertuples():
        pid = str(r.project_id)
        if pid not in mine.index:
            continue
        p = mine.loc[pid]
        differ = [c.upper() for c in ("pv", "ev", "ac") if c in mine and pd.notna(getattr(r, c, np.nan))
                  and pd.notna(p[c]) and float(getattr(r, c)) != float(p[c])]
        theirs, ours = getattr(r, "reported_rag", None), p.get("reported_rag")
        if pd.notna(theirs) and pd.notna(ours) and theirs != ours:
            differ.append(_("reported RAG"))
        if differ:
            out.append(Finding("warning", "history_conflicts_projects",
                               _("Project {project}'s status_history row dated the status date {date} differs from "
                                 "the projects sheet in {columns}; the report uses the projects sheet. Correct the "
                                 "one that is wrong.").format(project=pid, date=report_date(as_of),
                                                              columns=", ".join(differ)),
                               project_id=pid, sheet="status_history",
                               row=None if pd.isna(getattr(r, "source_row", np.nan)) else int(r.source_row)))
    return out


def stale_findings(stale: pd.DataFrame | None, days: int, rows: Mapping[str, Any] | None = None) -> list[Finding]:
    """One ``stale_update`` warning per in-flight project whose last status update is old or undated."""
    if stale is None:
        return []
    out = []
    for r in stale.itertuples():
        if pd.isna(r.last_update):
            text = _("Project {project} gives no status date, so how current its figures are is unknown.").format(
                project=r.project_id)
        else:
            text = _("Project {project} last reported on {date}, {age} days before the status date (more than "
                     "{days}): its figures describe an older state.").format(
                project=r.project_id, date=report_date(r.last_update), age=int(r.age_days), days=days)
        out.append(Finding("warning", "stale_update", text, project_id=str(r.project_id), sheet="projects",
                           row=_row(rows, str(r.project_id))))
    return out


def _two(value) -> str:
    return fmt(value, 2)


def _signed(value) -> str:
    number_ = number(value)
    if number_ is None:
        return MISSING
    text = fmt(number_, 3)
    return text if text.startswith("-") else "+" + text


def describe_period(period: Mapping[str, Any] | None) -> str | None:
    """This period against the last (:meth:`Trends.period`) in one plain paragraph, or ``None`` without one.

    Examples
    --------
    >>> print(describe_period({"date": pd.Timestamp("2026-03-31"), "previous_date": pd.Timestamp("2026-02-28"),
    ...     "now": {"cpi": 0.9103, "spi": 0.9429, "red": 1, "amber": 1, "green": 1},
    ...     "previous": {"cpi": 0.9375, "spi": 0.9375, "red": 0, "amber": 1, "green": 1},
    ...     "cpi_change_same": -0.0042, "spi_change_same": -0.0042, "same_projects": 2, "joined": 1,
    ...     "left": 0}))  # doctest: +NORMALIZE_WHITESPACE
    From 2026-02-28 to 2026-03-31 the in-flight CPI went from 0.94 to 0.91 (-0.027) and SPI from 0.94 to 0.94
    (+0.005). Over the 2 projects counted in both periods, CPI moved -0.004 and SPI -0.004 (1 project joined,
    0 left). Red 0 → 1, amber 1 → 1, green 1 → 1.
    """
    if period is None:
        return None
    now, then = period["now"], period["previous"]

    def change(key: str) -> str:
        a, b = number(now[key]), number(then[key])
        return _signed(None if a is None or b is None else a - b)

    went = _("From {previous} to {date} the in-flight CPI went from {cpi_then} to {cpi_now} ({cpi_change}) and SPI "
             "from {spi_then} to {spi_now} ({spi_change}).").format(
        previous=report_date(period["previous_date"]), date=report_date(period["date"]),
        cpi_then=fmt(then["cpi"], 2), cpi_now=fmt(now["cpi"], 2), cpi_change=change("cpi"),
        spi_then=fmt(then["spi"], 2), spi_now=fmt(now["spi"], 2), spi_change=change("spi"))
    same, joined = period["same_projects"], period["joined"]
    moved = ngettext("Over the {n} project counted in both periods, CPI moved {cpi} and SPI {spi} ({joined}, {left} "
                     "left).", "Over the {n} projects counted in both periods, CPI moved {cpi} and SPI {spi} "
                     "({joined}, {left} left).", same).format(
        n=same, cpi=_signed(period["cpi_change_same"]), spi=_signed(period["spi_change_same"]),
        joined=ngettext("{n} project joined", "{n} projects joined", joined).format(n=joined), left=period["left"])
    colours = _("Red {red_then} → {red_now}, amber {amber_then} → {amber_now}, green {green_then} → "
                "{green_now}").format(red_then=then["red"], red_now=now["red"], amber_then=then["amber"],
                                      amber_now=now["amber"], green_then=then["green"], green_now=now["green"])
    return f"{went} {moved} {colours}{_also(then, now)}."


def _also(then: Mapping[str, Any], now: Mapping[str, Any]) -> str:
    """The check-estimate and not-rated counts of the period sentence, when either period has any."""
    out = ""
    for key, label in (("check_estimate", N_("check estimate")), ("not_rated", N_("not rated"))):
        a, b = then.get(key, 0) or 0, now.get(key, 0) or 0
        if a or b:
            out += f", {_(label)} {int(a)} → {int(b)}"
    return out


def describe_movement(counts: Mapping[str, int]) -> str:
    """The RAG movement counts (:meth:`Trends.movement_counts`) in one sentence that adds up to the in-flight
    projects.

    Examples
    --------
    >>> print(describe_movement({"worsened": 1, "improved": 0, "check estimate": 1, "unchanged": 0, "new": 0,
    ...                          "not rated": 1}))  # doctest: +NORMALIZE_WHITESPACE
    Health since the previous report: 1 worsened, 0 improved, 1 moved between green and check estimate,
    0 unchanged, 0 new, 1 not rated (no index).
    """
    return _("Health since the previous report: {worsened} worsened, {improved} improved, {check} moved between "
             "green and check estimate, {unchanged} unchanged, {new} new, {not_rated} not rated (no index).").format(
        worsened=counts.get("worsened", 0), improved=counts.get("improved", 0),
        check=counts.get("check estimate", 0), unchanged=counts.get("unchanged", 0), new=counts.get("new", 0),
        not_rated=counts.get("not rated", 0))


def no_trend_reason(sheet: pd.DataFrame | None, earlier_dates: Sequence[Any], as_of: Any) -> str:
    """Why no trend can be drawn, true to what was given: no history at all, or no report dated in a month
    before the month of the status date ``as_of`` (the dates given are listed).

    Parameters
    ----------
    sheet
        The workbook's ``status_history`` sheet, or ``None``.
    earlier_dates
        The dates given with the earlier workbooks (empty when none was given).
    as_of
        The status date.
    """
    as_of = pd.Timestamp(as_of).normalize()
    if (sheet is None or not len(sheet)) and not earlier_dates:
        return _("No trend can be drawn: the workbook has no status_history sheet (project, status date, PV, EV, AC, "
                 "reported RAG) and no earlier workbook was given.")
    parts = []
    if sheet is not None and len(sheet):
        dates = sorted({pd.Timestamp(d).date().isoformat() for d in sheet["status_date"].dropna()})
        parts.append(_("the status_history sheet's dates are {dates}").format(
            dates=", ".join(dates[:6]) + (", ..." if len(dates) > 6 else "")))
    if earlier_dates:
        dates = sorted({pd.Timestamp(d).date().isoformat() for d in earlier_dates})
        parts.append(_("the earlier workbooks are dated {dates}").format(dates=", ".join(dates)))
    return _("No trend can be drawn: no status report is dated in a month before the status date {date} ({given}). "
             "A trend needs a report from an earlier month.").format(date=report_date(as_of), given="; ".join(parts))
