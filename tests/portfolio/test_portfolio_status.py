"""The age of status updates: last update per project and stale in-flight projects, worked by hand."""

from __future__ import annotations

import math

import pandas as pd

from pmo_workbench.portfolio.status import STALE_COLUMNS, last_updates, stale_updates

from tests.helpers import projects_frame

AS_OF = pd.Timestamp("2026-05-31")


def _history(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"project_id": p, "status_date": pd.Timestamp(d)} for p, d in rows])


def test_the_last_update_is_the_latest_of_the_projects_sheet_and_the_history():
    projects = projects_frame({"status_date": "2026-04-30"}, {"status_date": None}, {"status_date": "2026-05-29"})
    history = _history(("P-001", "2026-05-15"), ("P-001", "2026-03-31"), ("P-002", "2026-02-28"))
    last = last_updates(projects, history)
    assert last.to_dict() == {"P-001": pd.Timestamp("2026-05-15"), "P-002": pd.Timestamp("2026-02-28"),
                              "P-003": pd.Timestamp("2026-05-29")}


def test_in_flight_projects_older_than_the_limit_or_undated_are_stale_oldest_first():
    projects = projects_frame(
        {"status_date": "2026-04-26"},                       # 35 days: not stale (more than 35 is)
        {"status_date": "2026-04-25"},                       # 36 days: stale
        {"status_date": None},                               # in flight, no date: stale, listed last
        {"status_date": "2026-01-31", "status": "closed"},   # closed: its updates have stopped, rightly
        {"status_date": "2026-03-31", "status": "on_hold"},  # 61 days
    )
    stale = stale_updates(projects, None, AS_OF)
    assert list(stale.columns) == STALE_COLUMNS
    assert stale["project_id"].tolist() == ["P-005", "P-002", "P-003"]
    assert stale["age_days"].tolist()[:2] == [61.0, 36.0] and math.isnan(stale["age_days"].iloc[2])
    assert stale_updates(projects, None, AS_OF, days=60)["project_id"].tolist() == ["P-005", "P-003"]


def test_without_any_status_date_nothing_is_called_stale():
    assert stale_updates(projects_frame({}, {}), None, AS_OF) is None
