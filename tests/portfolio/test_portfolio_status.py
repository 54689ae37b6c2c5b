"""The age of status updates: last update per project and stale in-flight projects, worked by hand."""

from __future__ import annotations

import math

import pandas as pd

from pmo_workbench.portfolio.status import (
    FUTURE_COLUMNS,
    STALE_COLUMNS,
    future_findings,
    future_updates,
    last_updates,
    stale_updates,
)

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


def test_reports_dated_after_the_status_date_are_a_data_problem_not_an_up_to_date_report():
    # On 31 May 2026: P-001's only report (history) is dated 30 June 2026, 30 days ahead: by 31 May it has not
    # reported at all, so it is stale with no date. P-002 reported on 20 May (11 days: fresh) and again, in the
    # projects sheet, on 10 June (10 days ahead): its last update known on 31 May is 20 May. P-003 reported on
    # 31 May itself: not ahead, 0 days old.
    projects = projects_frame({"status_date": None}, {"status_date": "2026-06-10"}, {"status_date": "2026-05-31"})
    history = _history(("P-001", "2026-06-30"), ("P-002", "2026-05-20"))
    last = last_updates(projects, history, as_of=AS_OF)
    assert pd.isna(last["P-001"])
    assert last[["P-002", "P-003"]].tolist() == [pd.Timestamp("2026-05-20"), pd.Timestamp("2026-05-31")]
    stale = stale_updates(projects, history, AS_OF)
    assert stale["project_id"].tolist() == ["P-001"] and stale["last_update"].isna().all()
    ahead = future_updates(projects, history, AS_OF)
    assert list(ahead.columns) == FUTURE_COLUMNS
    assert ahead[["project_id", "sheet", "days_ahead"]].values.tolist() == [["P-001", "status_history", 30.0],
                                                                            ["P-002", "projects", 10.0]]
    # without an as-of, every report counts (the earlier behaviour, for callers that want the raw dates)
    assert last_updates(projects, history)["P-001"] == pd.Timestamp("2026-06-30")
    assert future_updates(projects, None, pd.Timestamp("2026-12-31")).empty


def test_dates_after_the_status_date_are_not_fresh_updates():
    # P-001's own date is 2026-01-31 (120 days old); its history row of 2026-07-31 is after the status date
    projects = projects_frame({"status_date": "2026-01-31"}, {"status_date": "2027-01-15"})
    history = _history(("P-001", "2026-07-31"))
    assert last_updates(projects, history, AS_OF).to_dict() == {"P-001": pd.Timestamp("2026-01-31"), "P-002": pd.NaT}
    stale = stale_updates(projects, history, AS_OF)
    assert stale["project_id"].tolist() == ["P-001", "P-002"] and stale["age_days"].iloc[0] == 120
    found = [(f.check, f.project_id, f.sheet) for f in future_findings(projects, history, AS_OF)]
    assert found == [("status_date_future", "P-002", "projects"), ("history_after_status_date", "P-001",
                                                                   "status_history")]


def test_a_history_row_of_one_project_does_not_make_undated_projects_stale():
    # no status_date column: only P-001, which has a history row (2026-03-31, 61 days), can be judged
    projects = projects_frame({}, {})
    stale = stale_updates(projects, _history(("P-001", "2026-03-31")), AS_OF)
    assert stale[["project_id", "age_days"]].to_numpy().tolist() == [["P-001", 61]]
