"""Milestones, stage gates and benefits at the status date.

:func:`analyse_milestones` reads the ``milestones`` sheet and :func:`analyse_benefits`
the ``benefits`` sheet (their columns are in :data:`pmo_workbench.portfolio.model.SHEET_COLUMNS`).
Both work at the status date ``as_of`` of the analysis, never change their inputs
and return frozen results whose frames the report and the JSON show.

Milestones (those of cancelled projects are left out)
    - *reached*: it has an ``actual`` date on or before the status date;
    - *overdue*: not reached, and the date it is expected by (its ``forecast``, else its
      ``planned`` date) is before the status date;
    - *upcoming*: not reached and expected within ``horizon_days`` from the status date
      (:data:`HORIZON_DAYS`, a setting);
    - *later*: not reached and expected after that.

    A milestone has *slipped* when it is not reached and its forecast is after its
    planned date; ``slip_days`` is that difference in calendar days (for a reached
    milestone, the actual date against the planned one). An ``actual`` date after the
    status date cannot be true yet: the milestone counts as not reached and a
    finding names it.

Benefits
    Each benefit is counted in its own ``measure`` (blank means money); figures in
    different measures are never added together. Realisation is realised ÷ planned;
    the forecast shortfall is planned − forecast over the benefits that give both
    (positive: the forecast falls short of the plan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .model import Finding

__all__ = ["BenefitAnalysis", "HORIZON_DAYS", "MONEY_MEASURE", "MilestoneAnalysis", "analyse_benefits",
           "analyse_milestones"]

HORIZON_DAYS = 90
"""Default look-ahead, in days, for upcoming milestones and stage gates: about one quarter, the usual span of a
portfolio board's forward plan (a setting of the analysis, not a published standard)."""

MONEY_MEASURE = "money"
"""The measure shown for benefits whose ``measure`` is blank."""

MILESTONE_STATES = ("overdue", "upcoming", "later", "reached")
"""A milestone's state at the status date, in the order the report lists them."""

MILESTONE_COLUMNS = ["project_id", "name", "pmo", "milestone", "planned", "forecast", "actual", "expected", "gate",
                     "decision_needed", "state", "slip_days", "days_to_go", "source_row"]
PMO_COUNT_COLUMNS = ["pmo", "milestones", "reached", "overdue", "upcoming", "slipped", "gates_upcoming",
                     "decisions"]
BENEFIT_FIGURES = ["planned", "forecast", "realised"]


@dataclass(frozen=True)
class MilestoneAnalysis:
    """The milestones at the status date.

    Attributes
    ----------
    milestones
        One row per milestone (:data:`MILESTONE_COLUMNS`): ``expected`` is the actual date when reached, else the
        forecast, else the planned date; ``days_to_go`` from the status date to ``expected`` (negative when past)
        for milestones not reached; ``slip_days`` as in the module docstring.
    upcoming, overdue, slipped
        The milestones in that state (slipped: not reached, forecast after planned), soonest first (slipped:
        most slip first).
    gates
        Stage gates not reached that are overdue or upcoming, soonest first.
    decisions
        Milestones not reached that need a decision, soonest first.
    by_pmo
        Counts per PMO (:data:`PMO_COUNT_COLUMNS`).
    totals
        The same counts over the portfolio, and ``horizon_days``.
    findings
        Dates that contradict the status date.
    """

    milestones: pd.DataFrame
    upcoming: pd.DataFrame
    overdue: pd.DataFrame
    slipped: pd.DataFrame
    gates: pd.DataFrame
    decisions: pd.DataFrame
    by_pmo: pd.DataFrame
    totals: dict[str, Any]
    horizon_days: int = HORIZON_DAYS
    findings: tuple[Finding, ...] = field(default_factory=tuple)


def analyse_milestones(milestones: pd.DataFrame, projects: pd.DataFrame, as_of: pd.Timestamp, *,
                       horizon_days: int = HORIZON_DAYS) -> MilestoneAnalysis:
    """Reached, upcoming, overdue and slipped milestones, stage gates and decisions at ``as_of``.

    Parameters
    ----------
    milestones
        ``Portfolio.milestones``.
    projects
        ``Portfolio.projects`` (for names, PMOs and statuses).
    as_of
        The status date.
    horizon_days
        How far ahead a milestone counts as upcoming (:data:`HORIZON_DAYS`, a setting); a whole number >= 0.

    Returns
    -------
    MilestoneAnalysis

    Examples
    --------
    With a status date of 2026-06-30, a milestone planned for 2026-06-15 and forecast for 2026-07-20 has slipped
    35 days and is upcoming (20 days to go); one planned for 2026-06-15 with no forecast or actual is overdue.
    """
    if isinstance(horizon_days, bool) or int(horizon_days) != horizon_days or horizon_days < 0:
        raise ValueError(f"horizon_days must be a whole number of days >= 0, not {horizon_days!r}")
    horizon_days = int(horizon_days)
    as_of = pd.Timestamp(as_of).normalize()
    info = projects.set_index("project_id")[["name", "pmo", "status"]]
    m = milestones.copy()
    m = m[~m["project_id"].map(info["status"]).astype(str).eq("cancelled")]
    m["name"] = m["project_id"].map(info["name"])
    m["pmo"] = m["project_id"].map(info["pmo"])
    findings = []
    future = m["actual"].notna() & (m["actual"] > as_of)
    for r in m[future].itertuples():
        findings.append(Finding(
            "warning", "milestone_actual_future",
            f"Milestone '{r.milestone}' of {r.project_id} was reached on {r.actual:%Y-%m-%d}, after the status date "
            f"{as_of:%Y-%m-%d}; it is counted as not reached: correct the actual date or move it to forecast.",
            r.project_id, "milestones", int(r.source_row)))
    reached = m["actual"].notna() & ~future
    stale = ~reached & m["forecast"].notna() & (m["forecast"] < as_of)
    for r in m[stale].itertuples():
        findings.append(Finding(
            "warning", "milestone_forecast_passed",
            f"Milestone '{r.milestone}' of {r.project_id} was forecast for {r.forecast:%Y-%m-%d}, before the status "
            f"date, and is not reached: give its actual date or a new forecast.",
            r.project_id, "milestones", int(r.source_row)))
    due = m["forecast"].where(m["forecast"].notna(), m["planned"])
    m["expected"] = m["actual"].where(reached, due)
    days_to_go = (due - as_of).dt.days.astype(float)
    m["days_to_go"] = days_to_go.where(~reached)
    m["state"] = np.select([reached, days_to_go < 0, days_to_go <= horizon_days], ["reached", "overdue", "upcoming"],
                           "later")
    basis = m["actual"].where(reached, m["forecast"])
    m["slip_days"] = (basis - m["planned"]).dt.days.astype(float)
    m = m[MILESTONE_COLUMNS].reset_index(drop=True)
    is_open = m["state"].ne("reached")
    slipped_mask = is_open & m["slip_days"].gt(0)
    soonest = ["expected", "project_id", "milestone"]
    upcoming = m[m["state"].eq("upcoming")].sort_values(soonest, kind="stable").reset_index(drop=True)
    overdue = m[m["state"].eq("overdue")].sort_values(soonest, kind="stable").reset_index(drop=True)
    slipped = m[slipped_mask].sort_values(["slip_days", "expected"], ascending=[False, True], kind="stable") \
        .reset_index(drop=True)
    gates = m[m["gate"] & m["state"].isin(["overdue", "upcoming"])].sort_values(soonest, kind="stable") \
        .reset_index(drop=True)
    decisions = m[m["decision_needed"] & is_open].sort_values(soonest, kind="stable").reset_index(drop=True)
    flags = pd.DataFrame({
        "pmo": m["pmo"], "milestones": 1, "reached": m["state"].eq("reached"), "overdue": m["state"].eq("overdue"),
        "upcoming": m["state"].eq("upcoming"), "slipped": slipped_mask,
        "gates_upcoming": m["gate"] & m["state"].eq("upcoming"), "decisions": m["decision_needed"] & is_open,
    })
    by_pmo = flags.groupby("pmo", sort=True).sum().astype(int).reset_index()[PMO_COUNT_COLUMNS]
    totals = {k: int(flags[k].sum()) for k in PMO_COUNT_COLUMNS[1:]}
    totals["horizon_days"] = horizon_days
    return MilestoneAnalysis(milestones=m, upcoming=upcoming, overdue=overdue, slipped=slipped, gates=gates,
                             decisions=decisions, by_pmo=by_pmo, totals=totals, horizon_days=horizon_days,
                             findings=tuple(findings))


# -- benefits -------------------------------------------------------------------------------------

BENEFIT_COLUMNS = ["project_id", "name", "benefit", "measure", "planned", "forecast", "realised", "owner", "due",
                   "realisation", "shortfall", "past_due", "source_row"]
MEASURE_COLUMNS = ["measure", "benefits", "planned", "forecast", "realised", "realisation", "forecast_shortfall",
                   "shortfall_share", "behind_plan"]


@dataclass(frozen=True)
class BenefitAnalysis:
    """The benefits at the status date, each measure on its own.

    Attributes
    ----------
    benefits
        One row per benefit (:data:`BENEFIT_COLUMNS`): ``measure`` with blanks as :data:`MONEY_MEASURE`,
        ``realisation`` realised ÷ planned, ``shortfall`` planned − forecast, ``past_due`` when its due date is
        before the status date and less than the planned benefit is realised.
    by_measure
        Per measure (:data:`MEASURE_COLUMNS`): summed planned, forecast and realised; ``realisation`` = realised ÷
        planned; ``forecast_shortfall`` = planned − forecast summed over the benefits giving both, and
        ``shortfall_share`` that over their planned; ``behind_plan`` counts benefits forecast below plan.
    by_project, by_owner
        Planned, forecast and realised per project (blank: portfolio-level) or owner, and measure.
    past_due
        Benefits past their due date and not fully realised, most overdue first.
    unowned
        Benefits with no owner.
    findings
        A finding per benefit without an owner.
    """

    benefits: pd.DataFrame
    by_measure: pd.DataFrame
    by_project: pd.DataFrame
    by_owner: pd.DataFrame
    past_due: pd.DataFrame
    unowned: pd.DataFrame
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def totals(self) -> dict[str, Any]:
        """Counts over the portfolio: benefits, measures, past due, without an owner, forecast below plan."""
        return {"benefits": int(len(self.benefits)), "measures": int(len(self.by_measure)),
                "past_due": int(len(self.past_due)), "unowned": int(len(self.unowned)),
                "behind_plan": int(self.by_measure["behind_plan"].sum()) if len(self.by_measure) else 0}


def _measure_names(measure: pd.Series) -> pd.Series:
    """Blank measures as money; spellings differing only in case or spaces as the first one given."""
    text = measure.astype("string").str.strip().replace("", pd.NA).fillna(MONEY_MEASURE)
    key = text.str.lower()
    first = pd.Series(text.to_numpy(), index=key.to_numpy()).groupby(level=0, sort=False).first()
    return key.map(first).astype(str)


def _sums(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Planned, forecast and realised summed per ``keys`` (NaN when no benefit of the group gives the figure)."""
    grouped = frame.groupby(keys, sort=True, dropna=False)
    sums = grouped[BENEFIT_FIGURES].sum(min_count=1)
    sums.insert(0, "benefits", grouped.size())
    return sums.reset_index()


def analyse_benefits(benefits: pd.DataFrame, projects: pd.DataFrame, as_of: pd.Timestamp) -> BenefitAnalysis:
    """Planned, forecast and realised benefits per measure, project and owner at ``as_of``.

    Parameters
    ----------
    benefits
        ``Portfolio.benefits``.
    projects
        ``Portfolio.projects`` (for names).
    as_of
        The status date.

    Returns
    -------
    BenefitAnalysis

    Examples
    --------
    Two money benefits planned 100 and 50, forecast 80 and 50, realised 40 and 10, and one benefit of 30 hours
    saved: money realisation (40 + 10) / 150 = 0.3333, forecast shortfall 150 − 130 = 20; the hours stay apart.
    """
    as_of = pd.Timestamp(as_of).normalize()
    b = benefits.copy()
    b["measure"] = _measure_names(b["measure"]) if len(b) else pd.Series(dtype=str)
    b["name"] = b["project_id"].map(projects.set_index("project_id")["name"])
    b["realisation"] = b["realised"] / b["planned"].where(b["planned"] > 0)
    b["shortfall"] = b["planned"] - b["forecast"]
    b["past_due"] = b["due"].notna() & (b["due"] < as_of) & ~(b["realised"].fillna(0) >= b["planned"].fillna(0))
    b = b[BENEFIT_COLUMNS].reset_index(drop=True)
    by_measure = _sums(b, ["measure"])
    both = b[b["planned"].notna() & b["forecast"].notna()]
    gap = both.groupby("measure")[["planned", "shortfall"]].sum()
    by_measure["realisation"] = by_measure["realised"] / by_measure["planned"].where(by_measure["planned"] > 0)
    by_measure["forecast_shortfall"] = by_measure["measure"].map(gap["shortfall"])
    by_measure["shortfall_share"] = by_measure["forecast_shortfall"] / by_measure["measure"].map(
        gap["planned"]).where(lambda s: s > 0)
    behind = b[b["shortfall"].gt(0)].groupby("measure").size()
    by_measure["behind_plan"] = by_measure["measure"].map(behind).fillna(0).astype(int)
    by_measure = by_measure[MEASURE_COLUMNS]
    by_project = _sums(b.assign(project_id=b["project_id"].astype(object)), ["project_id", "measure"])
    by_project.insert(1, "name", by_project["project_id"].map(projects.set_index("project_id")["name"]))
    by_owner = _sums(b, ["owner", "measure"])
    past_due = b[b["past_due"]].sort_values(["due", "project_id"], kind="stable").reset_index(drop=True)
    unowned = b[b["owner"].isna()].reset_index(drop=True)
    findings = tuple(
        Finding("warning", "benefit_no_owner",
                f"Benefit '{r.benefit}' of {r.project_id if isinstance(r.project_id, str) else 'the portfolio'} has "
                "no owner: name the person accountable for realising it.",
                r.project_id if isinstance(r.project_id, str) else None, "benefits", int(r.source_row))
        for r in unowned.itertuples())
    return BenefitAnalysis(benefits=b, by_measure=by_measure, by_project=by_project, by_owner=by_owner,
                           past_due=past_due, unowned=unowned, findings=findings)
