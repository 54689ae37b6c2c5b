"""The counts of the portfolio evidence: what the workbook shows on each dimension, for a set of projects.

Each count is a :class:`Measure`: how many of what it counts are affected, out of
how many, with one plain sentence. ``count`` and ``out_of`` are ``None`` when the
workbook cannot say (its sheet, dates or column are missing, or it records
nothing of the kind): that is "no evidence", never a clean or a bad count.
:func:`measure_counts` gives all five for one PMO's projects (or the whole
portfolio); :mod:`pmo_workbench.reports.evidence` sets them beside perception.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from .._values import is_missing
from ..i18n import _, format_date, ngettext, npgettext
from ..portfolio import PortfolioAnalysis
from ..portfolio.links import late_links
from ..portfolio.model import CANDIDATES, IN_FLIGHT
from ..portfolio.status import STALE_AFTER_DAYS, future_updates, stale_updates

__all__ = ["Measure", "measure_counts"]


@dataclass(frozen=True)
class Measure:
    """One count of the portfolio: ``count`` affected of ``out_of`` (``None`` when the workbook cannot say),
    with its plain sentence."""

    measure: str
    count: int | None
    out_of: int | None
    sentence: str

    @property
    def share(self) -> float | None:
        """``count / out_of``, or ``None`` without anything to count."""
        if self.count is None or not self.out_of:
            return None
        return self.count / self.out_of


def _month_span(months: Sequence[pd.Period]) -> str:
    first, last = min(months), max(months)
    if first == last:
        return _("in {month}").format(month=format_date(first.to_timestamp(), "MMMM y"))
    start = format_date(first.to_timestamp(), "MMMM" if first.year == last.year else "MMMM y")
    return _("from {first} to {last}").format(first=start, last=format_date(last.to_timestamp(), "MMMM y"))


def _date(day: pd.Timestamp) -> str:
    return format_date(day, "long")


def _role_months(total: int) -> str:
    return npgettext("evidence count",
                     "{total} role-month in which these projects' committed work (active, on hold) draws on a role",
                     "{total} role-months in which these projects' committed work (active, on hold) draws on a "
                     "role", total).format(total=total)


def _over_allocation(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    resources = analysis.resources
    if resources is None or analysis.portfolio.capacity is None:
        return Measure("over_allocation", None, None, _("The workbook has no assignments and capacity sheets, so "
                                                        "resource load cannot be measured."))
    demand = resources.demand if resources.demand is not None else pd.DataFrame(
        columns=["role", "month", "project_id", "stage", "demand_fte"])
    # Only the role-months these projects' own committed work draws on: another PMO's overload, or a proposal
    # of these projects in a month committed work elsewhere overloads, is not charged to them.
    own = demand[demand["project_id"].astype(str).isin(ids) & demand["stage"].eq("committed")
                 & demand["demand_fte"].gt(0)]
    cells = own[["role", "month"]].drop_duplicates()
    load = resources.load.merge(cells, on=["role", "month"])
    over = load[load["committed_over"]]
    n, total = len(over), len(load)
    if not total:
        return Measure("over_allocation", None, 0, _("None of these projects has committed work (active, on hold) "
                                                     "drawing on a role."))
    if not n:
        return Measure("over_allocation", 0, total, _("No role is over-allocated by committed work in the "
                                                      "{months}.").format(months=_role_months(total)))
    roles = over["role"].nunique()
    return Measure("over_allocation", n, total,
                   ngettext("{roles} role is over-allocated by committed work in {n} of the {months}, {span}.",
                            "{roles} roles are over-allocated by committed work in {n} of the {months}, {span}.",
                            roles).format(roles=roles, n=n, months=_role_months(total),
                                          span=_month_span(list(over["month"]))))


def _dependency_conflicts(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    """Late links with an end among ``ids``, on the one definition the portfolio report counts them by
    (:func:`pmo_workbench.portfolio.links.late_links`), out of the links between open projects with both dates."""
    deps = analysis.dependencies
    if deps is None:
        return Measure("dependency_conflicts", None, None, _("The workbook has no dependencies sheet."))
    late = late_links(deps, ids)
    if not late.dated:
        return Measure("dependency_conflicts", None, 0, late.summary())
    return Measure("dependency_conflicts", late.count, late.dated, late.summary())


def _values(analysis: PortfolioAnalysis) -> pd.Series:
    """Each project's value as selection sees it: the weighted criteria score, else the strategic value."""
    if analysis.portfolio.criteria is not None and analysis.scores is not None:
        return analysis.scores
    projects = analysis.portfolio.projects
    if "strategic_value" not in projects:
        return pd.Series(float("nan"), index=pd.Index(projects["project_id"]))
    return projects.set_index("project_id")["strategic_value"]


def _unvalued(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    projects = analysis.portfolio.projects
    open_ = projects[projects["status"].isin(CANDIDATES) & projects["project_id"].astype(str).isin(ids)]
    if analysis.candidates is not None:  # selection ran: its own list
        unvalued = [i for i in analysis.unvalued if i in set(open_["project_id"].astype(str))]
    else:
        values = _values(analysis)
        unvalued = [str(i) for i in open_["project_id"] if is_missing(values.get(i))]
    n, total = len(unvalued), len(open_)
    if not total:
        return Measure("unvalued", None, 0, _("No project is open to selection (proposed, active or on hold)."))
    projects_ = npgettext("evidence count", "{total} project", "{total} projects", total).format(total=total)
    return Measure("unvalued", n, total,
                   ngettext("{n} of {projects} open to selection has no value (no criteria score or strategic value), "
                            "so selection cannot rank it.",
                            "{n} of {projects} open to selection have no value (no criteria score or strategic "
                            "value), so selection cannot rank them.", n).format(n=n, projects=projects_) if n else
                   _("Every one of the {projects} open to selection has a value.").format(projects=projects_))


def _stale(analysis: PortfolioAnalysis, ids: set[str], days: int) -> Measure:
    p = analysis.portfolio
    stale = stale_updates(p.projects, p.status_history, analysis.as_of, days=days)
    if stale is None:
        return Measure("stale_updates", None, None, _("The workbook gives no status dates, so the age of status "
                                                      "updates is unknown."))
    flight = p.projects[p.projects["status"].isin(IN_FLIGHT) & p.projects["project_id"].astype(str).isin(ids)]
    stale = stale[stale["project_id"].astype(str).isin(ids)]
    n, total = len(stale), len(flight)
    if not total:
        return Measure("stale_updates", None, 0, _("No project is in flight."))
    when = _date(analysis.as_of)
    flying = npgettext("evidence count", "{total} in-flight project", "{total} in-flight projects",
                       total).format(total=total)
    sentence = (_("{n} of {projects} last reported more than {days} days before {date} (or never).") if n else
                _("All {projects} reported within {days} days of {date}.")).format(n=n, projects=flying, days=days,
                                                                                  date=when)
    ahead = future_updates(p.projects, p.status_history, analysis.as_of)
    ahead = ahead[ahead["project_id"].astype(str).isin(set(flight["project_id"].astype(str)))]
    if len(ahead):
        k = ahead["project_id"].nunique()
        sentence += " " + ngettext(
            "{k} in-flight project has a status report dated after {date} ({ids}), which cannot be known on that "
            "date: a data problem to correct, so such a report does not count as up to date.",
            "{k} in-flight projects have a status report dated after {date} ({ids}), which cannot be known on that "
            "date: a data problem to correct, so such a report does not count as up to date.", k).format(
            k=k, date=when, ids=", ".join(dict.fromkeys(ahead["project_id"].astype(str))))
    return Measure("stale_updates", n, total, sentence)


def _no_objective(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    projects = analysis.portfolio.projects
    named = (projects["objective"].map(lambda v: not is_missing(v) and bool(str(v).strip()))
             if "objective" in projects else pd.Series(False, index=projects.index))
    if not named.any():  # the workbook does not record objectives: no evidence either way
        return Measure("no_objective", None, None, _("No project of the workbook names a strategic objective "
                                                     "(its objective column is absent or blank): the workbook does "
                                                     "not record them, so alignment with strategy cannot be "
                                                     "measured."))
    open_ = projects["status"].isin(CANDIDATES) & projects["project_id"].astype(str).isin(ids)
    total = int(open_.sum())
    if not total:
        return Measure("no_objective", None, 0, _("No project is open (proposed, active or on hold)."))
    n = int((open_ & ~named).sum())
    open_projects = npgettext("evidence count", "{total} open project", "{total} open projects",
                              total).format(total=total)
    return Measure("no_objective", n, total,
                   ngettext("{n} of {projects} (proposed, active or on hold) names no strategic objective.",
                            "{n} of {projects} (proposed, active or on hold) name no strategic objective.",
                            n).format(n=n, projects=open_projects) if n else
                   _("Every one of the {projects} names a strategic objective.").format(projects=open_projects))


def measure_counts(analysis: PortfolioAnalysis, project_ids: Iterable[str] | None = None, *,
                   stale_after_days: int = STALE_AFTER_DAYS) -> list[Measure]:
    """The counts of every measure over ``project_ids`` (all the portfolio's projects when ``None``).

    Over-allocation counts the role-months in which these projects' committed work (active and on-hold
    projects) draws on a role, and which of them committed work over-allocates: a role-month these projects
    only propose to use, or do not use at all, is not theirs. A dependency counts when either end is one of
    them. A status report dated after the status date does not count as an update (a data problem, said in
    the sentence). A workbook naming no strategic objective at all gives no evidence on strategy.
    """
    projects = analysis.portfolio.projects
    ids = set(projects["project_id"].astype(str)) if project_ids is None else {str(i) for i in project_ids}
    return [_over_allocation(analysis, ids), _dependency_conflicts(analysis, ids), _unvalued(analysis, ids),
            _stale(analysis, ids, stale_after_days), _no_objective(analysis, ids)]
