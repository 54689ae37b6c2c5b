"""The age of each project's status update: when it last reported, and which updates are stale.

A project's last update is the latest of its ``projects.status_date`` and the
dates of its ``status_history`` rows. An in-flight project (active or on hold)
whose last update is more than ``days`` before the status date of the
analysis is stale: its figures describe an older state than the report's
date. Without any status date in the workbook nothing can be said, and
:func:`stale_updates` returns ``None`` rather than calling everything stale.

A status report dated after the status date of the analysis cannot have been
read on that date: it is a data problem (a mistyped date, or a workbook
analysed at an earlier date than it was filled in), not an up-to-date report.
Such reports are left out of a project's last update at that date, so a
project whose only reports are later counts as never reported, and
:func:`future_updates` lists them so that a report can say so.
"""

from __future__ import annotations

import pandas as pd

from ..i18n import _
from .labels import report_date
from .model import IN_FLIGHT, Finding

__all__ = ["FUTURE_COLUMNS", "STALE_AFTER_DAYS", "STALE_COLUMNS", "future_findings", "future_updates", "last_updates",
           "stale_updates"]

STALE_AFTER_DAYS = 35
"""Default age, in days, past which a status update is stale: one monthly reporting cycle plus a
working week of grace (a setting of the analysis, not a published standard)."""

STALE_COLUMNS = ["project_id", "name", "pmo", "status", "last_update", "age_days"]

FUTURE_COLUMNS = ["project_id", "name", "pmo", "status", "status_date", "sheet", "days_ahead", "source_row"]
"""Columns of :func:`future_updates`."""


def _dated(projects: pd.DataFrame, history: pd.DataFrame | None) -> pd.DataFrame:
    """Every status date the workbook gives: ``project_id``, ``status_date``, ``sheet``, ``source_row`` (NaN
    where a frame has none, as a history built from earlier workbooks)."""
    columns = ["project_id", "status_date", "source_row"]
    frames = []
    if "status_date" in projects:
        frames.append(projects.reindex(columns=columns).assign(sheet="projects"))
    if history is not None and len(history):
        frames.append(history.reindex(columns=columns).assign(sheet="status_history"))
    if not frames:
        return pd.DataFrame({"project_id": pd.Series(dtype=object), "status_date": pd.Series(dtype="datetime64[ns]"),
                             "source_row": pd.Series(dtype=float), "sheet": pd.Series(dtype=object)})
    dated = pd.concat(frames, ignore_index=True)
    return dated[dated["status_date"].notna()].reset_index(drop=True)


def last_updates(projects: pd.DataFrame, history: pd.DataFrame | None,
                 as_of: pd.Timestamp | None = None) -> pd.Series:
    """The date of each project's last status update (NaT when it gives none), indexed by ``project_id``.

    With ``as_of``, reports dated after that day are left out (see :func:`future_updates`): the last update
    is then the one known on that date.
    """
    last = projects.set_index("project_id")["status_date"] if "status_date" in projects else \
        pd.Series(pd.NaT, index=pd.Index(projects["project_id"]), dtype="datetime64[ns]")
    if as_of is not None:
        last = last.where(~(last > as_of.normalize()))
    if history is not None and len(history):
        dates = history if as_of is None else history[~(history["status_date"] > as_of.normalize())]
        latest = dates.groupby("project_id", sort=False)["status_date"].max()
        last = pd.concat([last, latest.reindex(last.index)], axis=1).max(axis=1)
    return last.rename("last_update")


def future_updates(projects: pd.DataFrame, history: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame:
    """The status reports dated after ``as_of``, which cannot be known on that date (a data problem).

    Parameters
    ----------
    projects
        ``Portfolio.projects``.
    history
        ``Portfolio.status_history`` or ``None``.
    as_of
        The status date of the analysis.

    Returns
    -------
    pandas.DataFrame
        :data:`FUTURE_COLUMNS`: one row per report, ``sheet`` the sheet giving it (``projects`` or
        ``status_history``), ``days_ahead`` how many days after ``as_of`` it is dated; furthest ahead first.
        Empty when there is none.

    Examples
    --------
    On 15 June 2026, a project whose only report is dated 30 July 2026 gives one row, 45 days ahead.
    """
    dated = _dated(projects, history)
    ahead = dated[dated["status_date"] > as_of.normalize()]
    info = projects.drop_duplicates("project_id").set_index("project_id")[["name", "pmo", "status"]]
    table = ahead.join(info, on="project_id")
    table["status"] = table["status"].astype(str)
    table["days_ahead"] = (table["status_date"] - as_of.normalize()).dt.days.astype(float)
    return table.sort_values("days_ahead", ascending=False, kind="stable")[FUTURE_COLUMNS].reset_index(drop=True)


def stale_updates(projects: pd.DataFrame, history: pd.DataFrame | None, as_of: pd.Timestamp, *,
                  days: int = STALE_AFTER_DAYS) -> pd.DataFrame | None:
    """The in-flight projects whose last status update is more than ``days`` old on ``as_of``, or has no date.

    Reports dated after ``as_of`` do not count (see :func:`future_updates`): a project whose only reports
    are later has not reported by ``as_of`` and is stale, with no date.

    Parameters
    ----------
    projects
        ``Portfolio.projects``.
    history
        ``Portfolio.status_history`` or ``None``.
    as_of
        The status date of the analysis.
    days
        The age past which an update is stale (:data:`STALE_AFTER_DAYS`).

    Returns
    -------
    pandas.DataFrame or None
        :data:`STALE_COLUMNS`, oldest first (a project with no date last), ``age_days`` NaN where the
        project gives no date (listed only when the projects sheet gives other projects' status dates);
        ``None`` when the workbook has no status date at all.
    """
    if last_updates(projects, history).isna().all():
        return None
    last = last_updates(projects, history, as_of=as_of)
    flight = projects[projects["status"].isin(IN_FLIGHT)]
    table = flight[["project_id", "name", "pmo", "status"]].copy()
    table["status"] = table["status"].astype(str)
    table["last_update"] = last.reindex(flight["project_id"]).to_numpy()
    table["age_days"] = (as_of.normalize() - table["last_update"]).dt.days.astype(float)
    dated_sheet = "status_date" in projects and projects["status_date"].notna().any()
    # an undated project is stale only when the projects sheet dates its projects: a history row of another
    # project says nothing about this one
    stale = table[table["age_days"].gt(days) | (table["last_update"].isna() & dated_sheet)]
    return stale.sort_values("age_days", ascending=False, na_position="last", kind="stable")[STALE_COLUMNS] \
        .reset_index(drop=True)


def future_findings(projects: pd.DataFrame, history: pd.DataFrame | None, as_of: pd.Timestamp) -> list[Finding]:
    """One ``status_date_future`` warning per project whose ``status_date`` is after ``as_of``, and one
    ``history_after_status_date`` warning per history row dated after it: such dates are left out of the trends
    and of the age of each update.

    Examples
    --------
    A project dated 2027-01-15 in a report as of 2026-03-31 gives one warning at its projects-sheet row.
    """
    as_of = pd.Timestamp(as_of).normalize()
    out = []
    for r in future_updates(projects, history, as_of).itertuples():
        if r.sheet == "projects":
            out.append(Finding("warning", "status_date_future",
                               _("Project {project}'s status date {date} is after the status date of the report "
                                 "({as_of}): it is not counted as an update. Check the date.").format(
                                   project=r.project_id, date=report_date(r.status_date), as_of=report_date(as_of)),
                               project_id=str(r.project_id), sheet="projects", row=_row(r)))
        else:
            out.append(Finding("warning", "history_after_status_date",
                               _("Project {project}'s status report of {date} is dated after the status date of the "
                                 "report ({as_of}): it is left out of the trends and of the age of its updates. Check "
                                 "the date.").format(project=r.project_id, date=report_date(r.status_date),
                                                     as_of=report_date(as_of)), project_id=str(r.project_id),
                               sheet="status_history", row=_row(r)))
    return out


def _row(r) -> int | None:
    value = getattr(r, "source_row", None)
    return None if value is None or pd.isna(value) else int(value)
