"""Status history and trends: how the portfolio's earned value moved from one status report to the next.

The periods are the dates of the ``status_history`` rows on or before the status
date of the analysis (``as_of``), and ``as_of`` itself. A project's figures at a
period are

- at ``as_of``: the ``projects`` sheet's PV, EV and AC (the figures the rest of
  the analysis uses; a history row dated ``as_of`` gives only its reported RAG
  when the projects sheet has none);
- at an earlier date: its history row of that date, or, when it did not report
  that date but reported before and reports again later (or is still in flight
  at ``as_of``), its latest earlier report carried forward (``carried`` is true).
  A project is in flight at every date from its first report to its last one
  (to ``as_of`` when it is still active or on hold): a status report is only
  made while a project runs.

Each period is rated with :func:`pmo_workbench.portfolio.evm.earned_value` at
that date, with the analysis' thresholds and baseline, so a period's CPI, SPI,
SPI(t) and RAG follow exactly the rules of the current figures. History rows
dated after ``as_of`` are left out (the analysis looks back from its date).

The roll-up of a period sums PV, EV, AC and BAC over the projects in flight at
that date, as defined above, whose four figures are all given (as
:func:`pmo_workbench.portfolio.evm.rollup` does): a project that misses one
report stays in, carried forward, so the roll-up does not dip for a late
report. A project that starts reporting joins the roll-up at its first report,
and one that closes leaves it; each period therefore also gives the change of
CPI and SPI over the projects counted in both it and the period before
(``cpi_change_same``, ``spi_change_same``), which no project joining or leaving
can move, and the numbers that ``joined`` and ``left``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._values import MISSING, count, fmt, number
from .evm import RAG_ORDER, earned_value, grouped_rollup
from .history import combine_history, history_from_portfolios, parse_history, read_history
from .model import CHECK_ESTIMATE, IN_FLIGHT, Finding, Portfolio, Thresholds

__all__ = ["MOVEMENTS", "PERIOD_COLUMNS", "REPORTED_VERDICTS", "Trends", "combine_history", "describe_period",
           "history_from_portfolios", "parse_history", "portfolio_trends", "read_history", "reported_against_computed",
           "reported_findings", "stale_findings"]

PERIOD_COLUMNS = ["project_id", "name", "pmo", "status_date", "carried", "pv", "ev", "ac", "bac", "cpi", "spi",
                  "spi_t", "schedule", "rag", "reported_rag", "previous_date", "pv_change", "ev_change", "ac_change",
                  "cpi_change", "spi_change", "previous_rag", "movement"]
"""Columns of :attr:`Trends.periods`, one row per project and period."""

MOVEMENTS = ("worsened", "improved", "unchanged", "new", "not rated")
"""How a project's computed RAG moved since its previous period: ``new`` when it has none, ``not rated`` when
either RAG cannot be computed (no index)."""

REPORTED_VERDICTS = ("reported greener", "reported worse", "agrees", "not comparable")
"""Reported against computed RAG: the reported RAG is better, worse or the same; ``not comparable`` when the
computed rating is "check estimate" (an under-run, neither green nor red) or cannot be computed."""

_REPORTED_LEVEL = {"green": 0, "amber": 1, "red": 2}
_MONEY_CHANGES = ("pv_change", "ev_change", "ac_change")


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


def reported_findings(reported: pd.DataFrame | None, rows: Mapping[str, Any] | None = None) -> list[Finding]:
    """One ``reported_greener`` warning per project whose reported RAG is better than its figures give
    (``rows``: each project's row in the projects sheet, for the finding)."""
    if reported is None:
        return []
    out = []
    for r in reported[reported["verdict"].eq("reported greener")].itertuples():
        out.append(Finding("warning", "reported_greener",
                           f"Project {r.project_id} reports {r.reported_rag} but its figures rate it {r.rag} "
                           f"(CPI {_two(r.cpi)}, schedule index {_two(r.schedule)}): ask what the report leaves out.",
                           project_id=str(r.project_id), sheet="projects", row=_row(rows, str(r.project_id))))
    return out


def stale_findings(stale: pd.DataFrame | None, days: int, rows: Mapping[str, Any] | None = None) -> list[Finding]:
    """One ``stale_update`` warning per in-flight project whose last status update is old or undated."""
    if stale is None:
        return []
    out = []
    for r in stale.itertuples():
        if pd.isna(r.last_update):
            text = f"Project {r.project_id} gives no status date, so how current its figures are is unknown."
        else:
            text = (f"Project {r.project_id} last reported on {r.last_update:%Y-%m-%d}, {int(r.age_days)} days "
                    f"before the status date (more than {days}): its figures describe an older state.")
        out.append(Finding("warning", "stale_update", text, project_id=str(r.project_id), sheet="projects",
                           row=_row(rows, str(r.project_id))))
    return out


def _two(value) -> str:
    return fmt(value, 2)


def _signed(value) -> str:
    number_ = number(value)
    return MISSING if number_ is None else f"{number_:+.3f}"


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

    return (f"From {period['previous_date']:%Y-%m-%d} to {period['date']:%Y-%m-%d} the in-flight CPI went from "
            f"{fmt(then['cpi'], 2)} to {fmt(now['cpi'], 2)} ({change('cpi')}) and SPI from {fmt(then['spi'], 2)} to "
            f"{fmt(now['spi'], 2)} ({change('spi')}). Over the {count(period['same_projects'], 'project')} counted "
            f"in both periods, CPI moved {_signed(period['cpi_change_same'])} and SPI "
            f"{_signed(period['spi_change_same'])} ({count(period['joined'], 'project')} joined, {period['left']} "
            f"left). Red {then['red']} → {now['red']}, amber {then['amber']} → {now['amber']}, green "
            f"{then['green']} → {now['green']}.")


# -- the trends -------------------------------------------------------------------

@dataclass(frozen=True)
class Trends:
    """Earned value through the status history, per project and for the portfolio.

    Attributes
    ----------
    dates
        The periods, oldest first; the last is the status date of the analysis.
    periods
        One row per project and period (:data:`PERIOD_COLUMNS`): figures, indices and computed RAG, the
        reported RAG, and the change since the project's previous period (``NaN``/``None`` at its first).
    rollup
        One row per period: ``status_date, projects, excluded, joined, left, pv, ev, ac, bac, cpi, spi,
        red, amber, check_estimate, green, cpi_change, spi_change, cpi_change_same, spi_change_same``
        (see the module docstring for which projects count).
    by_pmo
        The same roll-up per period and PMO (``status_date, pmo, projects, pv, ev, ac, cpi, spi``).
    movement
        One row per project in flight at the status date: ``project_id, name, pmo, previous_date,
        previous_rag, rag, movement`` (:data:`MOVEMENTS`), worsened first.
    reported
        Reported against computed RAG (:func:`reported_against_computed`), or ``None``.
    """

    dates: tuple[pd.Timestamp, ...]
    periods: pd.DataFrame
    rollup: pd.DataFrame
    by_pmo: pd.DataFrame
    movement: pd.DataFrame
    reported: pd.DataFrame | None = None

    @property
    def previous_date(self) -> pd.Timestamp | None:
        """The period before the status date, or ``None`` when the history holds none."""
        return self.dates[-2] if len(self.dates) > 1 else None

    def movement_counts(self) -> dict[str, int]:
        """How many in-flight projects' RAG worsened, improved, stayed, are new or not rated."""
        counts = self.movement["movement"].value_counts()
        return {m: int(counts.get(m, 0)) for m in MOVEMENTS}

    def worsened(self) -> pd.DataFrame:
        """The projects whose computed RAG worsened since their previous period."""
        return self.movement[self.movement["movement"].eq("worsened")].reset_index(drop=True)

    def watermelons(self) -> pd.DataFrame:
        """The projects whose reported RAG is better than the computed one (empty without reported RAGs)."""
        if self.reported is None:
            return pd.DataFrame(columns=["project_id", "name", "pmo", "reported_rag", "rag", "cpi", "schedule",
                                         "verdict"])
        return self.reported[self.reported["verdict"].eq("reported greener")].reset_index(drop=True)

    def s_curve(self) -> pd.DataFrame:
        """Cumulative PV, EV and AC of the portfolio by period: ``status_date, pv, ev, ac``."""
        return self.rollup[["status_date", "pv", "ev", "ac"]].copy()

    def period(self) -> dict[str, Any] | None:
        """This period against the last: in-flight CPI, SPI and RAG counts now, at the previous period, and the
        change; the like-for-like change of CPI and SPI over the ``same_projects`` counted in both, and the
        numbers of projects that joined or left. ``None`` when there is no previous period."""
        if len(self.rollup) < 2:
            return None
        now, then = self.rollup.iloc[-1], self.rollup.iloc[-2]
        keys = ("projects", "cpi", "spi", "red", "amber", "check_estimate", "green")
        return {
            "date": now["status_date"], "previous_date": then["status_date"],
            "now": {k: now[k] for k in keys}, "previous": {k: then[k] for k in keys},
            "change": {k: now[k] - then[k] for k in keys},
            "cpi_change_same": now["cpi_change_same"], "spi_change_same": now["spi_change_same"],
            "joined": int(now["joined"]), "left": int(now["left"]),
            "same_projects": int(now["projects"]) - int(now["joined"]),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: money to 2 decimals, indices to 4 (the rounding of the analysis' JSON)."""
        from .analysis import _jsonable, _records   # the analysis' JSON rules; imported here to avoid a cycle

        periods = self.periods.copy()
        periods[list(_MONEY_CHANGES)] = periods[list(_MONEY_CHANGES)].round(2)
        return {
            "dates": [d.date().isoformat() for d in self.dates],
            "period": _jsonable(self.period()),
            "rollup": _records(self.rollup),
            "by_pmo": _records(self.by_pmo),
            "movement": _jsonable(self.movement_counts()),
            "worsened": _records(self.worsened()[["project_id", "previous_rag", "rag"]]),
            "reported_greener": _records(self.watermelons()[["project_id", "reported_rag", "rag"]]),
            "reported_worse": [] if self.reported is None else _records(
                self.reported[self.reported["verdict"].eq("reported worse")][["project_id", "reported_rag", "rag"]]),
            "projects": _records(periods[["project_id", "status_date", "carried", "pv", "ev", "ac", "cpi", "spi",
                                          "rag", "reported_rag", "pv_change", "ev_change", "ac_change",
                                          "cpi_change", "spi_change", "movement"]]),
        }


def _figures(portfolio: Portfolio, history: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``project_id, status_date, pv, ev, ac, reported_rag, carried`` per project and period (see the module)."""
    projects = portfolio.projects
    past = history[history["status_date"] < as_of]
    dates = pd.DatetimeIndex(sorted(past["status_date"].unique())).append(pd.DatetimeIndex([as_of]))
    flight_now = set(projects.loc[projects["status"].isin(IN_FLIGHT), "project_id"].astype(str))
    span = past.groupby("project_id")["status_date"].agg(["min", "max"])
    rows = []
    for pid, (first, last) in span.iterrows():
        end = as_of if pid in flight_now else last
        rows.extend((pid, d) for d in dates if first <= d <= end and d < as_of)
    grid = pd.DataFrame(rows, columns=["project_id", "status_date"]).astype({"status_date": "datetime64[ns]"})
    given = past[["project_id", "status_date"]].assign(_own=True)
    grid = grid.merge(given, on=["project_id", "status_date"], how="left")
    grid["carried"] = grid["_own"].isna()
    cols = ["project_id", "status_date", *(c for c in ("pv", "ev", "ac", "reported_rag") if c in past)]
    source = past[cols].rename(columns={"status_date": "_from"}).sort_values("_from")
    grid = pd.merge_asof(grid.sort_values("status_date"), source, left_on="status_date", right_on="_from",
                         by="project_id", direction="backward").drop(columns=["_own", "_from"])
    grid.loc[grid["carried"], [c for c in ("reported_rag",) if c in grid]] = None
    current = projects[projects["status"].isin(IN_FLIGHT)]
    now = pd.DataFrame({"project_id": current["project_id"].astype(str).to_numpy(), "status_date": as_of,
                        "pv": current["pv"].to_numpy(dtype=float), "ev": current["ev"].to_numpy(dtype=float),
                        "ac": current["ac"].to_numpy(dtype=float), "carried": False})
    now["reported_rag"] = _current_reported(current, history, as_of).to_numpy(dtype=object)
    now["status_date"] = now["status_date"].astype("datetime64[ns]")
    out = pd.concat([grid, now], ignore_index=True)
    for column in ("pv", "ev", "ac"):
        if column not in out:
            out[column] = np.nan
    if "reported_rag" not in out:
        out["reported_rag"] = None
    return out


def _rated(portfolio: Portfolio, figures: pd.DataFrame, as_of: pd.Timestamp, eac_method: str,
           thresholds: Thresholds) -> pd.DataFrame:
    """:func:`earned_value` of every period's figures, at that period's date."""
    info = portfolio.projects.assign(project_id=portfolio.projects["project_id"].astype(str)).set_index("project_id")
    keep = [c for c in ("name", "pmo", "sponsor", "category", "objective", "status", "start", "finish", "bac")
            if c in info]
    parts = []
    for date, group in figures.groupby("status_date", sort=True):
        rows = info.loc[group["project_id"], keep].reset_index()
        rows[["pv", "ev", "ac"]] = group[["pv", "ev", "ac"]].to_numpy(dtype=float)
        if date < as_of:   # a report was made while the project ran: in flight then, whatever it is now
            status = rows["status"].astype(str)
            rows["status"] = status.where(status.isin(IN_FLIGHT), "active")
        baseline = portfolio.baseline
        if baseline is not None:
            baseline = baseline[baseline["project_id"].isin(rows["project_id"])]
        evm = earned_value(rows, baseline, as_of=date, eac_method=eac_method, thresholds=thresholds)
        parts.append(group.reset_index(drop=True).assign(
            name=evm["name"], pmo=evm["pmo"], bac=evm["bac"], cpi=evm["cpi"], spi=evm["spi"], spi_t=evm["spi_t"],
            schedule=evm["schedule"], rag=evm["rag"]))
    return pd.concat(parts, ignore_index=True)


def _changes(frame: pd.DataFrame) -> pd.DataFrame:
    """The change since each project's previous period, and how its RAG moved."""
    frame = frame.sort_values(["project_id", "status_date"], kind="stable").reset_index(drop=True)
    previous = frame.groupby("project_id", sort=False).shift(1)
    frame["previous_date"] = previous["status_date"]
    for column in ("pv", "ev", "ac", "cpi", "spi"):
        frame[f"{column}_change"] = frame[column] - previous[column]
    frame["previous_rag"] = previous["rag"].astype(object).where(previous["rag"].notna(), None)
    now = frame["rag"].map(RAG_ORDER)
    then = frame["previous_rag"].map(RAG_ORDER)
    first = frame["previous_date"].isna()
    frame["movement"] = np.where(first, "new", np.where(now.isna() | then.isna(), "not rated",
                                 np.where(now < then, "worsened", np.where(now > then, "improved", "unchanged"))))
    return frame


def _rollup(frame: pd.DataFrame, eac_method: str) -> pd.DataFrame:
    """The per-period roll-up with RAG counts and the like-for-like change (see the module docstring)."""
    dates = pd.DatetimeIndex(sorted(frame["status_date"].unique()))
    sums = grouped_rollup(frame, frame["status_date"], eac_method=eac_method)
    sums.index = pd.DatetimeIndex(sums.index)
    out = sums.reindex(dates)[["projects", "excluded", "pv", "ev", "ac", "bac", "cpi", "spi"]]
    rag = frame["rag"].astype(object).where(frame["rag"].notna(), "none")
    counts = pd.crosstab(frame["status_date"], rag).reindex(dates, fill_value=0)
    for label, column in (("red", "red"), ("amber", "amber"), (CHECK_ESTIMATE, "check_estimate"),
                          ("green", "green")):
        out[column] = counts[label].to_numpy() if label in counts else 0
    out["cpi_change"] = out["cpi"].diff()
    out["spi_change"] = out["spi"].diff()
    complete = frame[frame[["pv", "ev", "ac", "bac"]].notna().all(axis=1)]
    members = complete.groupby("status_date")["project_id"].agg(set).reindex(dates)
    joined, left, cpi_same, spi_same = [0], [0], [np.nan], [np.nan]
    for before, after in zip(dates[:-1], dates[1:]):
        a = members[before] if isinstance(members[before], set) else set()
        b = members[after] if isinstance(members[after], set) else set()
        joined.append(len(b - a))
        left.append(len(a - b))
        both = complete[complete["project_id"].isin(a & b)]
        pair = grouped_rollup(both[both["status_date"].isin([before, after])],
                              both.loc[both["status_date"].isin([before, after]), "status_date"],
                              eac_method=eac_method)
        pair.index = pd.DatetimeIndex(pair.index)
        pair = pair.reindex([before, after])
        cpi_same.append(pair["cpi"].iloc[1] - pair["cpi"].iloc[0])
        spi_same.append(pair["spi"].iloc[1] - pair["spi"].iloc[0])
    out["joined"], out["left"] = joined, left
    out["cpi_change_same"], out["spi_change_same"] = cpi_same, spi_same
    out = out.rename_axis("status_date").reset_index()
    out[["projects", "excluded"]] = out[["projects", "excluded"]].fillna(0).astype(int)
    order = ["status_date", "projects", "excluded", "joined", "left", "pv", "ev", "ac", "bac", "cpi", "spi", "red",
             "amber", "check_estimate", "green", "cpi_change", "spi_change", "cpi_change_same", "spi_change_same"]
    return out[order]


def _by_pmo(frame: pd.DataFrame, eac_method: str) -> pd.DataFrame:
    """The roll-up per period and PMO (each PMO's own projects)."""
    pmo = frame["pmo"].astype(object).where(frame["pmo"].notna(), "")
    labels = frame["status_date"].dt.strftime("%Y-%m-%d") + "\x1f" + pmo.astype(str)
    sums = grouped_rollup(frame, labels, eac_method=eac_method).reset_index(names="_key")
    parts = sums["_key"].str.split("\x1f", n=1, expand=True)
    sums["status_date"] = pd.to_datetime(parts[0])
    sums["pmo"] = parts[1].replace("", None)
    return sums[["status_date", "pmo", "projects", "pv", "ev", "ac", "cpi", "spi"]].sort_values(
        ["pmo", "status_date"], kind="stable", na_position="last").reset_index(drop=True)


def portfolio_trends(portfolio: Portfolio, evm: pd.DataFrame, *, as_of: pd.Timestamp,
                     history: pd.DataFrame | None = None, eac_method: str = "typical",
                     thresholds: Thresholds = Thresholds()) -> Trends | None:  # noqa: B008 (frozen)
    """Trends of earned value and RAG over the status history (see the module docstring for the rules).

    Parameters
    ----------
    portfolio
        The validated portfolio; its ``projects`` give the figures at ``as_of``.
    evm
        The :func:`pmo_workbench.portfolio.evm.earned_value` frame at ``as_of`` (for reported against
        computed RAG).
    as_of
        The status date of the analysis.
    history
        The status history (by default ``portfolio.status_history``), e.g. combined with earlier workbooks
        by :func:`combine_history`.
    eac_method, thresholds
        As for the analysis: each period is rated with the same bands.

    Returns
    -------
    Trends or None
        ``None`` when no history row is dated before ``as_of``.

    Examples
    --------
    A project with PV 100, EV 90, AC 100 at the previous period and PV 200, EV 160, AC 200 now has CPI
    0.90 then and 0.80 now: ``cpi_change`` -0.10, ``ev_change`` 70.
    """
    as_of = pd.Timestamp(as_of).normalize()
    history = portfolio.status_history if history is None else history
    if history is None or not history["status_date"].lt(as_of).any():
        return None
    history = history.assign(project_id=history["project_id"].astype(str))
    figures = _figures(portfolio, history, as_of)
    frame = _changes(_rated(portfolio, figures, as_of, eac_method, thresholds))
    frame["reported_rag"] = frame["reported_rag"].astype(object).where(frame["reported_rag"].notna(), None)
    rolled = _rollup(frame, eac_method)
    now = frame[frame["status_date"].eq(as_of)]
    order = now["movement"].map({m: i for i, m in enumerate(MOVEMENTS)})
    movement = now.assign(_o=order).sort_values(["_o", "project_id"], kind="stable")[
        ["project_id", "name", "pmo", "previous_date", "previous_rag", "rag", "movement"]].reset_index(drop=True)
    dates = tuple(pd.Timestamp(d) for d in rolled["status_date"])
    return Trends(dates=dates, periods=frame[PERIOD_COLUMNS], rollup=rolled, by_pmo=_by_pmo(frame, eac_method),
                  movement=movement, reported=reported_against_computed(evm, portfolio.projects, history, as_of))
