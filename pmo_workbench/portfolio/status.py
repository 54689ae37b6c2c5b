"""The age of each project's status update: when it last reported, and which updates are stale.

A project's last update is the latest of its ``projects.status_date`` and the
dates of its ``status_history`` rows. An in-flight project (active or on hold)
whose last update is more than ``days`` before the status date of the
analysis is stale: its figures describe an older state than the report's
date. Without any status date in the workbook nothing can be said, and
:func:`stale_updates` returns ``None`` rather than calling everything stale.
"""

from __future__ import annotations

import pandas as pd

from .model import IN_FLIGHT

__all__ = ["STALE_AFTER_DAYS", "STALE_COLUMNS", "last_updates", "stale_updates"]

STALE_AFTER_DAYS = 35
"""Default age, in days, past which a status update is stale: one monthly reporting cycle plus a
working week of grace (a setting of the analysis, not a published standard)."""

STALE_COLUMNS = ["project_id", "name", "pmo", "status", "last_update", "age_days"]


def last_updates(projects: pd.DataFrame, history: pd.DataFrame | None) -> pd.Series:
    """The date of each project's last status update (NaT when it gives none), indexed by ``project_id``."""
    last = projects.set_index("project_id")["status_date"] if "status_date" in projects else \
        pd.Series(pd.NaT, index=pd.Index(projects["project_id"]), dtype="datetime64[ns]")
    if history is not None and len(history):
        latest = history.groupby("project_id", sort=False)["status_date"].max()
        last = pd.concat([last, latest.reindex(last.index)], axis=1).max(axis=1)
    return last.rename("last_update")


def stale_updates(projects: pd.DataFrame, history: pd.DataFrame | None, as_of: pd.Timestamp, *,
                  days: int = STALE_AFTER_DAYS) -> pd.DataFrame | None:
    """The in-flight projects whose last status update is more than ``days`` old on ``as_of``, or has no date.

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
        project gives no date; ``None`` when the workbook has no status date at all.
    """
    last = last_updates(projects, history)
    if last.isna().all():
        return None
    flight = projects[projects["status"].isin(IN_FLIGHT)]
    table = flight[["project_id", "name", "pmo", "status"]].copy()
    table["status"] = table["status"].astype(str)
    table["last_update"] = last.reindex(flight["project_id"]).to_numpy()
    table["age_days"] = (as_of.normalize() - table["last_update"]).dt.days.astype(float)
    stale = table[table["age_days"].gt(days) | table["last_update"].isna()]
    return stale.sort_values("age_days", ascending=False, na_position="last", kind="stable")[STALE_COLUMNS] \
        .reset_index(drop=True)
