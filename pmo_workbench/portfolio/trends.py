"""Status history and trends: how the portfolio's earned value moved from one status report to the next.

The periods are reporting periods: calendar months. A status report belongs to
the month of its date (a project that reports a day early or late still belongs
to that month's period), and a period is dated the last day of its month; the
period of the status date of the analysis (``as_of``) is dated ``as_of`` and
holds the reports of its month. The previous period is the latest earlier month
that holds a report. When a project reports twice in one month, its latest
report of the month is used. A project's figures at a period are

- at ``as_of``: the ``projects`` sheet's PV, EV and AC (the figures the rest of
  the analysis uses; a history row dated ``as_of`` gives only its reported RAG
  when the projects sheet has none);
- at an earlier period: its report of that month, or, when it did not report
  that month but reported before and reports again later (or is still in flight
  at ``as_of``), its latest earlier report carried forward (``carried`` is true).
  A project is in flight at every date from its first report to its last one
  (to ``as_of`` when it is still active or on hold): a status report is only
  made while a project runs.

Each period is rated with :func:`pmo_workbench.portfolio.evm.earned_value` at
that date, with the analysis' thresholds and baseline, so a period's CPI, SPI,
SPI(t) and RAG follow exactly the rules of the current figures. History rows
dated after ``as_of`` are left out (the analysis looks back from its date); the
analysis warns of them (:func:`pmo_workbench.portfolio.status.future_findings`). A project's ``previous_date``
is the date of its own last actual report, never a carried-forward date.

A blank PV, EV or AC in a history row is filled with the project's last known
figure for that field (a ``history_blank_carried`` warning names the row and
column); a blank with no earlier figure leaves the project out of the roll-up of
that period and out of the like-for-like comparison of the periods on either
side, without counting it as joining or leaving. PV, EV and AC are cumulative to
date, so a fall between two reports of a project is a ``cumulative_decrease``
warning naming the project, the field and both dates.

The roll-up of a period sums PV, EV, AC and BAC over the projects in flight at
that date, as defined above, whose four figures are all given (as
:func:`pmo_workbench.portfolio.evm.rollup` does): a project that misses one
report stays in, carried forward, so the roll-up does not dip for a late
report. A project that starts reporting joins the roll-up at its first report,
and one that closes leaves it; each period therefore also gives the change of
CPI and SPI over the projects counted in both it and the period before
(``cpi_change_same``, ``spi_change_same``), which no project joining or leaving
can move, and the numbers that ``joined`` and ``left`` (a project joins or leaves
when it appears in or disappears from the periods, not when a figure is blank).

The S-curve (:meth:`Trends.s_curve`) is cumulative over every project seen so
far, not only those in flight: a project that closes keeps its final figures
(the projects sheet's at ``as_of``, else its last report), so the curve never
falls because a project closed.

RAG movement orders the ratings by concern: green and "check estimate" (an
under-run, neither good nor bad news on its own) are the least concern, then
amber, then red. A move between green and check estimate is neither a worsening
nor an improvement: its movement is ``check estimate``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._values import fmt
from ..i18n import _
from .evm import earned_value, grouped_rollup
from .labels import report_date
from .history import combine_history, history_from_portfolios, parse_history, read_history
from .model import CHECK_ESTIMATE, IN_FLIGHT, Finding, Portfolio, Thresholds
from .status_reports import REPORTED_VERDICTS, _current_reported, describe_movement, describe_period, \
    no_trend_reason, reported_against_computed, reported_findings, reported_sources, same_day_findings, \
    stale_findings

__all__ = ["MOVEMENTS", "PERIOD_COLUMNS", "REPORTED_VERDICTS", "Trends", "combine_history", "describe_movement",
           "describe_period", "history_from_portfolios", "no_trend_reason", "parse_history", "portfolio_trends",
           "read_history", "reported_against_computed", "reported_findings", "reported_sources", "same_day_findings",
           "stale_findings"]

PERIOD_COLUMNS = ["project_id", "name", "pmo", "status_date", "carried", "pv", "ev", "ac", "bac", "cpi", "spi",
                  "spi_t", "schedule", "rag", "reported_rag", "previous_date", "pv_change", "ev_change", "ac_change",
                  "cpi_change", "spi_change", "previous_rag", "movement"]
"""Columns of :attr:`Trends.periods`, one row per project and period."""

MOVEMENTS = ("worsened", "improved", "check estimate", "unchanged", "new", "not rated")
"""How a project's computed RAG moved since its previous period: ``new`` when it has none, ``not rated`` when
either RAG cannot be computed (no index), ``check estimate`` when it moved between green and check estimate
(neither a worsening nor an improvement, see the module docstring)."""

CONCERN = {"green": 0, CHECK_ESTIMATE: 0, "amber": 1, "red": 2}
"""Level of concern of a computed RAG, for movement: check estimate counts as green."""

_MONEY_CHANGES = ("pv_change", "ev_change", "ac_change")


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
    curve
        The S-curve (:meth:`s_curve`): cumulative PV, EV and AC of every project seen so far, by period.
    findings
        Data-quality warnings about the history (rows after the status date, blank figures carried,
        cumulative figures that fall).
    """

    dates: tuple[pd.Timestamp, ...]
    periods: pd.DataFrame
    rollup: pd.DataFrame
    by_pmo: pd.DataFrame
    movement: pd.DataFrame
    reported: pd.DataFrame | None = None
    curve: pd.DataFrame | None = None
    findings: tuple[Finding, ...] = ()

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
        """Cumulative PV, EV and AC of the portfolio by period: ``status_date, projects, pv, ev, ac``, over every
        project seen so far (``projects`` counts them), a closed project keeping its final figures (so the curve
        does not fall when one closes)."""
        if self.curve is None:
            return self.rollup[["status_date", "projects", "pv", "ev", "ac"]].copy()
        return self.curve[["status_date", "projects", "pv", "ev", "ac"]].copy()

    def period(self) -> dict[str, Any] | None:
        """This period against the last: in-flight CPI, SPI and RAG counts now, at the previous period, and the
        change; the like-for-like change of CPI and SPI over the ``same_projects`` counted in both, and the
        numbers of projects that joined or left. ``None`` when there is no previous period."""
        if len(self.rollup) < 2:
            return None
        now, then = self.rollup.iloc[-1], self.rollup.iloc[-2]
        keys = ("projects", "cpi", "spi", "red", "amber", "check_estimate", "green", "not_rated")
        return {
            "date": now["status_date"], "previous_date": then["status_date"],
            "now": {k: now[k] for k in keys}, "previous": {k: then[k] for k in keys},
            "change": {k: now[k] - then[k] for k in keys},
            "cpi_change_same": now["cpi_change_same"], "spi_change_same": now["spi_change_same"],
            "joined": int(now["joined"]), "left": int(now["left"]),
            "same_projects": int(now["same_projects"]),
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
            "s_curve": _records(self.s_curve()),
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


def _period(dates: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """The reporting period of each date: the last day of its month, ``as_of`` for the month of ``as_of``."""
    ends = (dates.dt.to_period("M").dt.to_timestamp(how="end").dt.normalize()).astype("datetime64[ns]")
    return ends.where(ends.lt(as_of), as_of).astype("datetime64[ns]")


def _clean(history: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.DataFrame, list[Finding]]:
    """The history on or before ``as_of`` with blank figures carried from the project's last report."""
    findings = []
    past = history[history["status_date"].le(as_of)].sort_values(["project_id", "status_date"], kind="stable")
    past = past.copy()
    for column in ("pv", "ev", "ac"):
        if column not in past:
            continue
        filled = past.groupby("project_id", sort=False)[column].ffill()
        for r in past[past[column].isna() & filled.notna()].itertuples():
            findings.append(Finding("warning", "history_blank_carried",
                                    _("Project {project}'s report of {date} has no {figure}; its last known {figure} "
                                      "is used.").format(project=r.project_id, date=report_date(r.status_date),
                                                         figure=column.upper()),
                                    project_id=str(r.project_id), sheet="status_history", row=_row_of(r)))
        for r in past[filled.isna()].itertuples():
            findings.append(Finding("warning", "history_blank_carried",
                                    _("Project {project}'s report of {date} has no {figure} and no earlier one: it is "
                                      "left out of that period's roll-up and of the like-for-like comparison.").format(
                                        project=r.project_id, date=report_date(r.status_date), figure=column.upper()),
                                    project_id=str(r.project_id),
                                    sheet="status_history", row=_row_of(r)))
        past[column] = filled
    return past, findings


def _row_of(r) -> int | None:
    value = getattr(r, "source_row", None)
    return None if value is None or pd.isna(value) else int(value)


def _figures(portfolio: Portfolio, past: pd.DataFrame, history: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """``project_id, status_date, report_date, pv, ev, ac, reported_rag, carried`` per project and period."""
    projects = portfolio.projects
    past = past.assign(report_date=past["status_date"], status_date=_period(past["status_date"], as_of))
    past = past[past["status_date"].lt(as_of)]   # the month of as_of is the projects sheet's
    past = past.drop_duplicates(["project_id", "status_date"], keep="last")   # latest report of the month
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
    cols = ["project_id", "status_date", "report_date",
            *(c for c in ("pv", "ev", "ac", "reported_rag", "source_row") if c in past)]
    source = past[cols].rename(columns={"status_date": "_from"}).sort_values("_from")
    grid = pd.merge_asof(grid.sort_values("status_date"), source, left_on="status_date", right_on="_from",
                         by="project_id", direction="backward").drop(columns=["_own", "_from"])
    grid.loc[grid["carried"], [c for c in ("reported_rag",) if c in grid]] = None
    grid["sheet"] = "status_history"
    current = projects[projects["status"].isin(IN_FLIGHT)]
    own = pd.to_datetime(current["status_date"], errors="coerce") if "status_date" in current else \
        pd.Series(pd.NaT, index=current.index)
    now = pd.DataFrame({"project_id": current["project_id"].astype(str).to_numpy(), "status_date": as_of,
                        "report_date": own.where(own.le(as_of), as_of).fillna(as_of).to_numpy(),
                        "pv": current["pv"].to_numpy(dtype=float), "ev": current["ev"].to_numpy(dtype=float),
                        "ac": current["ac"].to_numpy(dtype=float), "carried": False, "sheet": "projects",
                        "source_row": current["source_row"].to_numpy() if "source_row" in current else np.nan})
    now["reported_rag"] = _current_reported(current, history, as_of).to_numpy(dtype=object)
    now["status_date"] = now["status_date"].astype("datetime64[ns]")
    now["report_date"] = now["report_date"].astype("datetime64[ns]")
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
    frame["previous_date"] = previous["report_date"]   # the project's own last report, never a carried date
    for column in ("pv", "ev", "ac", "cpi", "spi"):
        frame[f"{column}_change"] = frame[column] - previous[column]
    frame["previous_rag"] = previous["rag"].astype(object).where(previous["rag"].notna(), None)
    now = frame["rag"].map(CONCERN)
    then = frame["previous_rag"].map(CONCERN)
    first = frame["previous_date"].isna()
    moved = frame["rag"].astype(object).ne(frame["previous_rag"].astype(object))
    frame["movement"] = np.where(first, "new", np.where(now.isna() | then.isna(), "not rated",
                                 np.where(now > then, "worsened", np.where(now < then, "improved",
                                          np.where(moved, "check estimate", "unchanged")))))
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
                          ("green", "green"), ("none", "not_rated")):
        out[column] = counts[label].to_numpy() if label in counts else 0
    out["cpi_change"] = out["cpi"].diff()
    out["spi_change"] = out["spi"].diff()
    complete = frame[frame[["pv", "ev", "ac", "bac"]].notna().all(axis=1)]
    members = complete.groupby("status_date")["project_id"].agg(set).reindex(dates)
    present = frame.groupby("status_date")["project_id"].agg(set).reindex(dates)
    joined, left, same, cpi_same, spi_same = [0], [0], [0], [np.nan], [np.nan]

    def ids(sets: pd.Series, date) -> set:
        return sets[date] if isinstance(sets[date], set) else set()

    for before, after in zip(dates[:-1], dates[1:]):
        joined.append(len(ids(present, after) - ids(present, before)))   # a blank figure is not a leave
        left.append(len(ids(present, before) - ids(present, after)))
        kept = ids(members, before) & ids(members, after)
        same.append(len(kept))
        both = complete[complete["project_id"].isin(kept)]
        pair = grouped_rollup(both[both["status_date"].isin([before, after])],
                              both.loc[both["status_date"].isin([before, after]), "status_date"],
                              eac_method=eac_method)
        pair.index = pd.DatetimeIndex(pair.index)
        pair = pair.reindex([before, after])
        cpi_same.append(pair["cpi"].iloc[1] - pair["cpi"].iloc[0])
        spi_same.append(pair["spi"].iloc[1] - pair["spi"].iloc[0])
    out["joined"], out["left"], out["same_projects"] = joined, left, same
    out["cpi_change_same"], out["spi_change_same"] = cpi_same, spi_same
    out = out.rename_axis("status_date").reset_index()
    out[["projects", "excluded"]] = out[["projects", "excluded"]].fillna(0).astype(int)
    order = ["status_date", "projects", "excluded", "joined", "left", "same_projects", "pv", "ev", "ac", "bac", "cpi",
             "spi", "red", "amber", "check_estimate", "green", "not_rated", "cpi_change", "spi_change",
             "cpi_change_same", "spi_change_same"]
    return out[order]


def _curve(frame: pd.DataFrame, portfolio: Portfolio, as_of: pd.Timestamp) -> pd.DataFrame:
    """Cumulative PV, EV and AC of every project seen so far at each period; a closed project keeps its final
    figures (the projects sheet's at ``as_of``, else its last report)."""
    projects = portfolio.projects.assign(project_id=portfolio.projects["project_id"].astype(str))
    gone = projects[~projects["status"].isin(IN_FLIGHT) & projects["project_id"].isin(set(frame["project_id"]))]
    final = pd.DataFrame({"project_id": gone["project_id"].to_numpy(), "status_date": as_of,
                          "pv": gone["pv"].to_numpy(dtype=float), "ev": gone["ev"].to_numpy(dtype=float),
                          "ac": gone["ac"].to_numpy(dtype=float)}).astype({"status_date": "datetime64[ns]"})
    rows = pd.concat([frame[["project_id", "status_date", "pv", "ev", "ac"]], final], ignore_index=True)
    out = []
    for date in sorted(frame["status_date"].unique()):
        latest = rows[rows["status_date"].le(date)].sort_values("status_date", kind="stable") \
            .groupby("project_id").last()
        out.append({"status_date": pd.Timestamp(date), "projects": len(latest),
                    **{k: float(latest[k].sum()) for k in ("pv", "ev", "ac")}})
    return pd.DataFrame(out)


def _decreases(frame: pd.DataFrame) -> list[Finding]:
    """One ``cumulative_decrease`` warning per project and pair of reports where PV, EV or AC fell."""
    out = []
    fell = frame[frame[[f"{c}_change" for c in ("pv", "ev", "ac")]].lt(0).any(axis=1)]
    for r in fell.itertuples():
        parts = [_("{figure} {then} to {now}").format(
                     figure=c.upper(), then=fmt(getattr(r, c) - getattr(r, f"{c}_change"), 2),
                     now=fmt(getattr(r, c), 2))
                 for c in ("pv", "ev", "ac") if getattr(r, f"{c}_change") < 0]
        row = None if pd.isna(r.source_row) else int(r.source_row)
        out.append(Finding("warning", "cumulative_decrease",
                           _("Project {project}'s cumulative figures fell between {previous} and {date} ({parts}): "
                             "planned value, earned value and actual cost are totals to date and cannot fall; correct "
                             "the report before presenting the trend.").format(
                               project=r.project_id, previous=report_date(r.previous_date),
                               date=report_date(r.report_date), parts=", ".join(parts)),
                           project_id=str(r.project_id), sheet=r.sheet, row=row))
    return out


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
        ``None`` when no history row is dated in a month before the month of ``as_of``.

    Examples
    --------
    A project with PV 100, EV 90, AC 100 at the previous period and PV 200, EV 160, AC 200 now has CPI
    0.90 then and 0.80 now: ``cpi_change`` -0.10, ``ev_change`` 70.
    """
    as_of = pd.Timestamp(as_of).normalize()
    history = portfolio.status_history if history is None else history
    if history is None or not _period(history["status_date"], as_of).lt(as_of).any():
        return None
    history = history.assign(project_id=history["project_id"].astype(str))
    past, findings = _clean(history, as_of)
    figures = _figures(portfolio, past, history, as_of)
    frame = _changes(_rated(portfolio, figures, as_of, eac_method, thresholds))
    findings += _decreases(frame)
    frame["reported_rag"] = frame["reported_rag"].astype(object).where(frame["reported_rag"].notna(), None)
    rolled = _rollup(frame, eac_method)
    now = frame[frame["status_date"].eq(as_of)]
    order = now["movement"].map({m: i for i, m in enumerate(MOVEMENTS)})
    movement = now.assign(_o=order).sort_values(["_o", "project_id"], kind="stable")[
        ["project_id", "name", "pmo", "previous_date", "previous_rag", "rag", "movement"]].reset_index(drop=True)
    dates = tuple(pd.Timestamp(d) for d in rolled["status_date"])
    return Trends(dates=dates, periods=frame[PERIOD_COLUMNS], rollup=rolled, by_pmo=_by_pmo(frame, eac_method),
                  movement=movement, reported=reported_against_computed(evm, portfolio.projects, history, as_of),
                  curve=_curve(frame, portfolio, as_of), findings=tuple(findings))
