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
    finding names it. A closed project's milestone that is not reached is a data
    finding, not an overdue gate or a pending decision: it is left out and a finding
    names it (its reached milestones still count).

Per PMO
    Counts per PMO follow the ``pmos`` hierarchy as the view by PMO does
    (:func:`pmo_workbench.portfolio.breakdown.pmo_view`): a PMO's row covers its own
    projects and those of every PMO under it; items of projects naming no PMO are the
    row :data:`NO_PMO`, so the rows of the PMOs at the top add up to the totals.

Benefits
    Each benefit is counted in its own ``measure`` (blank, "money", the portfolio's
    currency code or its symbol mean money); figures in different measures are never
    added together. Only benefits with a planned amount are measured against a plan:
    realisation is their realised ÷ their planned; the forecast shortfall is planned −
    forecast over the benefits that give both (positive: the forecast falls short),
    shown beside the plan of those same benefits so the row adds up. Realised amounts
    of benefits with no plan are shown apart and a finding names each such benefit.
    Benefits of cancelled projects are lost with the project: they are shown apart
    and left out of every other figure. Owners differing only in case or spaces are
    one owner (the first spelling given).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from babel.numbers import get_currency_name, get_currency_symbol, list_currencies

from ..i18n import _, pgettext
from .labels import report_date
from .model import CLOSED, Finding
from .pmos import descendants

__all__ = ["BenefitAnalysis", "HORIZON_DAYS", "MONEY_MEASURE", "MilestoneAnalysis", "NO_PMO", "analyse_benefits",
           "analyse_milestones", "first_of", "per_pmo"]

HORIZON_DAYS = 90
"""Default look-ahead, in days, for upcoming milestones and stage gates: about one quarter, the usual span of a
portfolio board's forward plan (a setting of the analysis, not a published standard)."""

MONEY_MEASURE = "money"
"""The measure shown for benefits whose ``measure`` is blank."""

NO_PMO = "(no PMO)"
"""The row of a per-PMO table that holds the projects naming no PMO."""

MILESTONE_STATES = ("overdue", "upcoming", "later", "reached")
"""A milestone's state at the status date, in the order the report lists them."""

MILESTONE_COLUMNS = ["project_id", "name", "pmo", "milestone", "planned", "forecast", "actual", "expected", "gate",
                     "decision_needed", "state", "slip_days", "days_to_go", "source_row"]
PMO_COUNT_COLUMNS = ["pmo", "parent", "milestones", "reached", "overdue", "upcoming", "slipped", "gates_upcoming",
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
        Counts per PMO (:data:`PMO_COUNT_COLUMNS`, ``parent`` the PMO it reports to), following the hierarchy,
        with a :data:`NO_PMO` row when some project names no PMO.
    totals
        The same counts over the portfolio, and ``horizon_days``.
    findings
        Dates that contradict the status date, and closed projects' milestones not reached.
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

    @property
    def watched(self) -> int:
        """How many milestones the slip chart can draw: overdue, upcoming, or later and slipped."""
        m = self.milestones
        return int((m["state"].isin(["overdue", "upcoming"]) | (m["state"].eq("later") & m["slip_days"].gt(0))).sum())


def first_of(caption: str, shown: int, total: int) -> str:
    """A table's caption saying when it shows only the first rows of a longer list.

    Examples
    --------
    >>> first_of("Decisions needed", 15, 37)
    'Decisions needed: the first 15 of 37 (pmo-workbench portfolio --format json lists them all)'
    >>> first_of("Decisions needed", 15, 4)
    'Decisions needed'
    """
    if total <= shown:
        return caption
    return _("{caption}: the first {shown} of {total} (pmo-workbench portfolio --format json lists them "
             "all)").format(caption=caption, shown=shown, total=total)


def per_pmo(frame: pd.DataFrame, pmos: pd.DataFrame | None,
            figures: Callable[[pd.DataFrame], dict[str, Any]]) -> pd.DataFrame:
    """``figures`` of the rows of ``frame`` per PMO, following the ``pmos`` hierarchy as the view by PMO does.

    Parameters
    ----------
    frame
        Rows with a ``pmo`` column (blank: the project names no PMO).
    pmos
        ``Portfolio.pmos`` or ``None``.
    figures
        The figures of a group of rows, as a mapping.

    Returns
    -------
    pd.DataFrame
        ``pmo``, ``parent`` then the figures: with a hierarchy, depth first in sheet order (a PMO's row covers its
        own rows and those of every PMO under it), then PMOs the sheet does not list; without one, PMOs by name;
        last :data:`NO_PMO` for rows naming no PMO. PMOs with no rows are left out.

    Examples
    --------
    An enterprise PMO over PMO A (2 milestones) and PMO B (1), and 1 milestone of a project naming no PMO: rows
    Enterprise 3, PMO A 2, PMO B 1, (no PMO) 1; the top rows, Enterprise and (no PMO), add up to the 4 in all.
    """
    pmo = frame["pmo"].astype(object).where(frame["pmo"].notna(), None)
    named = list(dict.fromkeys(sorted(pmo.dropna().astype(str))))
    if pmos is None:
        groups, parent = {name: [name] for name in named}, {}
    else:
        tree = descendants(pmos)
        order = [n for top in pmos["pmo"][pmos["parent"].isna()] for n in tree[top]]
        groups = {**{n: tree[n] for n in order}, **{n: [n] for n in named if n not in tree}}
        parent = {n: (None if pd.isna(up) else up) for n, up in zip(pmos["pmo"], pmos["parent"])}
    rows = []
    for name, members in groups.items():
        part = frame[pmo.isin(members).to_numpy()]
        if len(part):
            rows.append({"pmo": name, "parent": parent.get(name), **figures(part)})
    blank = frame[pmo.isna().to_numpy()]
    if len(blank):
        rows.append({"pmo": NO_PMO, "parent": None, **figures(blank)})
    if not rows:
        return pd.DataFrame(columns=["pmo", "parent", *figures(frame.iloc[0:0])])
    return pd.DataFrame(rows)


def analyse_milestones(milestones: pd.DataFrame, projects: pd.DataFrame, as_of: pd.Timestamp, *,
                       horizon_days: int = HORIZON_DAYS, pmos: pd.DataFrame | None = None) -> MilestoneAnalysis:
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
    pmos
        ``Portfolio.pmos`` or ``None``: the hierarchy the counts per PMO follow.

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
    closed_open = m["project_id"].map(info["status"]).astype(str).isin(CLOSED) & ~(
        m["actual"].notna() & (m["actual"] <= as_of))
    for r in m[closed_open].itertuples():
        findings.append(Finding(
            "warning", "milestone_open_closed_project",
            _("Milestone '{milestone}' of {project} has no actual date although the project is closed; it is left "
              "out of the overdue and upcoming milestones, gates and decisions: give its actual date or remove "
              "it.").format(milestone=r.milestone, project=r.project_id), r.project_id, "milestones",
            int(r.source_row)))
    m = m[~closed_open]
    future = m["actual"].notna() & (m["actual"] > as_of)
    for r in m[future].itertuples():
        findings.append(Finding(
            "warning", "milestone_actual_future",
            _("Milestone '{milestone}' of {project} was reached on {date}, after the status date {as_of}; it is "
              "counted as not reached: correct the actual date or move it to forecast.").format(
                milestone=r.milestone, project=r.project_id, date=report_date(r.actual), as_of=report_date(as_of)),
            r.project_id, "milestones", int(r.source_row)))
    reached = m["actual"].notna() & ~future
    stale = ~reached & m["forecast"].notna() & (m["forecast"] < as_of)
    for r in m[stale].itertuples():
        findings.append(Finding(
            "warning", "milestone_forecast_passed",
            _("Milestone '{milestone}' of {project} was forecast for {date}, before the status date, and is not "
              "reached: give its actual date or a new forecast.").format(
                milestone=r.milestone, project=r.project_id, date=report_date(r.forecast)),
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
    counts = PMO_COUNT_COLUMNS[2:]
    by_pmo = per_pmo(flags, pmos, lambda part: {k: int(part[k].sum()) for k in counts})[PMO_COUNT_COLUMNS]
    totals = {k: int(flags[k].sum()) for k in counts}
    totals["horizon_days"] = horizon_days
    return MilestoneAnalysis(milestones=m, upcoming=upcoming, overdue=overdue, slipped=slipped, gates=gates,
                             decisions=decisions, by_pmo=by_pmo, totals=totals, horizon_days=horizon_days,
                             findings=tuple(findings))


# -- benefits -------------------------------------------------------------------------------------

BENEFIT_COLUMNS = ["project_id", "name", "benefit", "measure", "planned", "forecast", "realised", "owner", "due",
                   "realisation", "shortfall", "past_due", "source_row"]
MEASURE_COLUMNS = ["measure", "benefits", "planned", "realised", "realisation", "forecast_planned", "forecast",
                   "forecast_shortfall", "shortfall_share", "behind_plan", "unplanned_realised"]


@dataclass(frozen=True)
class BenefitAnalysis:
    """The benefits at the status date, each measure on its own.

    Attributes
    ----------
    benefits
        One row per benefit of a project not cancelled, or of the portfolio (:data:`BENEFIT_COLUMNS`): ``measure``
        with money as :data:`MONEY_MEASURE`, ``realisation`` realised ÷ planned, ``shortfall`` planned − forecast,
        ``past_due`` when its due date is before the status date and less than the planned benefit is realised.
    by_measure
        Per measure (:data:`MEASURE_COLUMNS`), over the benefits with a plan: ``planned``, ``realised`` and
        ``realisation`` = realised ÷ planned; over those also giving a forecast: their plan ``forecast_planned``,
        their ``forecast``, ``forecast_shortfall`` = forecast_planned − forecast and ``shortfall_share`` that ÷
        forecast_planned; ``behind_plan`` counts benefits forecast below plan; ``unplanned_realised`` the realised
        amounts of benefits with no plan (shown apart).
    by_project, by_owner
        Planned, forecast and realised per project (blank: portfolio-level) or owner, and measure.
    past_due
        Benefits past their due date and not fully realised, most overdue first.
    unowned
        Benefits with no owner.
    lost
        Benefits of cancelled projects (:data:`BENEFIT_COLUMNS`): lost with the project, in no other figure.
    findings
        A finding per benefit without an owner or without a plan, per currency measure kept apart from money, and
        per measure whose totals are too large to add up.
    """

    benefits: pd.DataFrame
    by_measure: pd.DataFrame
    by_project: pd.DataFrame
    by_owner: pd.DataFrame
    past_due: pd.DataFrame
    unowned: pd.DataFrame
    lost: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BENEFIT_COLUMNS))
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def totals(self) -> dict[str, Any]:
        """Counts over the portfolio: benefits, measures, past due, without an owner, forecast below plan, lost with
        cancelled projects."""
        return {"benefits": int(len(self.benefits)), "measures": int(len(self.by_measure)),
                "past_due": int(len(self.past_due)), "unowned": int(len(self.unowned)),
                "behind_plan": int(self.by_measure["behind_plan"].sum()) if len(self.by_measure) else 0,
                "lost": int(len(self.lost))}


@cache
def _symbols() -> dict[str, str]:
    """Currency symbols as English writes them (``£``, ``$``, ``€``) with their ISO 4217 code."""
    found: dict[str, str] = {}
    for code in sorted(list_currencies()):
        symbol = get_currency_symbol(code, locale="en")
        if symbol != code:
            found.setdefault(symbol, code)
    return found


def _currency_of(text: str) -> str | None:
    """The ISO 4217 code a measure names (``GBP``, ``gbp`` or ``£``), else ``None``."""
    text = text.strip()
    if len(text) == 3 and text.isalpha() and get_currency_name(text.upper(), locale="en") != text.upper():
        return text.upper()
    return _symbols().get(text)


def _first_spelling(text: pd.Series) -> pd.Series:
    """Spellings differing only in case or spaces as the first one given (trimmed); blanks stay blank."""
    text = text.astype("string").str.strip().replace("", pd.NA)
    key = text.str.lower().str.split().str.join(" ")
    given = key.notna()
    first = pd.Series(text[given].to_numpy(), index=key[given].to_numpy()).groupby(level=0, sort=False).first()
    return key.map(first).astype(object).where(given, np.nan)


def _measure_names(measure: pd.Series, currency: str | None) -> tuple[pd.Series, list[str]]:
    """Measures with money as :data:`MONEY_MEASURE`, and the currency measures kept apart from it.

    Money is a blank measure, "money", and the portfolio's currency by code or symbol; without a currency, a
    single currency named by the measures (``GBP`` and ``£``) is the money. Another currency stays its own measure.
    """
    text = _first_spelling(measure)
    codes = {t: _currency_of(t) for t in text.dropna().unique()}
    named = {c for c in codes.values() if c}
    money = currency or (named.pop() if len(named) == 1 else None)
    is_money = text.isna() | text.str.lower().eq(MONEY_MEASURE) | text.map(
        lambda t: money is not None and codes.get(t) == money)
    apart = [t for t, c in codes.items() if c and c != money]
    return text.where(~is_money, MONEY_MEASURE).astype(str), apart


def _sums(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Planned, forecast and realised summed per ``keys`` (NaN when no benefit of the group gives the figure)."""
    grouped = frame.groupby(keys, sort=True, dropna=False)
    sums = grouped[BENEFIT_FIGURES].sum(min_count=1)
    sums.insert(0, "benefits", grouped.size())
    return sums.reset_index()


def _by_measure(b: pd.DataFrame) -> pd.DataFrame:
    """:data:`MEASURE_COLUMNS`: the realised share over the benefits with a plan, the shortfall over those with a
    forecast too."""
    planned = b["planned"].notna()
    both = planned & b["forecast"].notna()
    parts = pd.DataFrame({
        "measure": b["measure"], "benefits": 1, "planned": b["planned"].where(planned),
        "realised": b["realised"].where(planned), "forecast_planned": b["planned"].where(both),
        "forecast": b["forecast"].where(both), "behind_plan": b["shortfall"].gt(0).astype(int),
        "unplanned_realised": b["realised"].where(~planned)})
    out = parts.groupby("measure", sort=True).sum(min_count=1)
    out["benefits"] = out["benefits"].astype(int)
    out["behind_plan"] = out["behind_plan"].fillna(0).astype(int)
    out["realisation"] = out["realised"] / out["planned"].where(out["planned"] > 0)
    out["forecast_shortfall"] = out["forecast_planned"] - out["forecast"]
    out["shortfall_share"] = out["forecast_shortfall"] / out["forecast_planned"].where(out["forecast_planned"] > 0)
    return out.reset_index()[MEASURE_COLUMNS]


def _where(project_id: Any) -> str:
    return project_id if isinstance(project_id, str) else pgettext("benefit of", "the portfolio")


def analyse_benefits(benefits: pd.DataFrame, projects: pd.DataFrame, as_of: pd.Timestamp, *,
                     currency: str | None = None) -> BenefitAnalysis:
    """Planned, forecast and realised benefits per measure, project and owner at ``as_of``.

    Parameters
    ----------
    benefits
        ``Portfolio.benefits``.
    projects
        ``Portfolio.projects`` (for names and statuses).
    as_of
        The status date.
    currency
        The portfolio's ISO 4217 code, or ``None``: a measure naming it (``GBP`` or ``£``) is money.

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
    apart: list[str] = []
    if len(b):
        b["measure"], apart = _measure_names(b["measure"], currency)
        b["owner"] = _first_spelling(b["owner"])
    else:
        b["measure"] = pd.Series(dtype=str)
    info = projects.set_index("project_id")
    b["name"] = b["project_id"].map(info["name"])
    b["realisation"] = b["realised"] / b["planned"].where(b["planned"] > 0)
    b["shortfall"] = b["planned"] - b["forecast"]
    b["past_due"] = b["due"].notna() & (b["due"] < as_of) & ~(b["realised"].fillna(0) >= b["planned"].fillna(0))
    status = info["status"] if "status" in info else pd.Series(dtype=object)
    cancelled = b["project_id"].map(status).astype(str).eq("cancelled").to_numpy()
    lost = b[cancelled][BENEFIT_COLUMNS].reset_index(drop=True)
    b = b[~cancelled][BENEFIT_COLUMNS].reset_index(drop=True)
    with np.errstate(over="ignore", invalid="ignore"):
        by_measure = _by_measure(b)
        by_project = _sums(b.assign(project_id=b["project_id"].astype(object)), ["project_id", "measure"])
        by_owner = _sums(b, ["owner", "measure"])
    by_project.insert(1, "name", by_project["project_id"].map(info["name"]))
    past_due = b[b["past_due"]].sort_values(["due", "project_id"], kind="stable").reset_index(drop=True)
    unowned = b[b["owner"].isna()].reset_index(drop=True)
    findings = [
        Finding("warning", "benefit_no_owner",
                _("Benefit '{benefit}' of {where} has no owner: name the person accountable for realising "
                  "it.").format(benefit=r.benefit, where=_where(r.project_id)),
                r.project_id if isinstance(r.project_id, str) else None, "benefits",
                int(r.source_row))
        for r in unowned.itertuples()]
    findings += [
        Finding("warning", "benefit_no_plan",
                _("Benefit '{benefit}' of {where} gives no planned amount: it cannot be measured against a plan, so "
                  "its realised amount is shown apart and left out of the realised share; give the amount "
                  "planned.").format(benefit=r.benefit, where=_where(r.project_id)),
                r.project_id if isinstance(r.project_id, str) else None, "benefits",
                int(r.source_row))
        for r in b[b["planned"].isna()].itertuples()]
    for measure in apart:
        findings.append(Finding(
            "warning", "benefit_measure_currency",
            (_("Benefits measured in '{measure}' name a currency other than the portfolio's money ({currency}), so "
               "they are kept apart from the money benefits: convert them and leave the measure blank, or correct "
               "the measure.") if currency else
             _("Benefits measured in '{measure}' name a currency other than the portfolio's money, so they are kept "
               "apart from the money benefits: convert them and leave the measure blank, or correct the "
               "measure.")).format(measure=measure, currency=currency), sheet="benefits"))
    figures = ["planned", "realised", "forecast", "unplanned_realised"]
    for r in by_measure.itertuples():
        if any(np.isinf(getattr(r, k)) for k in figures if pd.notna(getattr(r, k))):
            findings.append(Finding(
                "error", "benefit_total_too_large",
                _("The '{measure}' benefits add up to more than a number can hold, so their totals are left blank: "
                  "check the sheet's amounts for a typing error.").format(measure=r.measure), sheet="benefits"))
    by_measure = by_measure.replace([np.inf, -np.inf], np.nan)
    return BenefitAnalysis(benefits=b, by_measure=by_measure, by_project=by_project, by_owner=by_owner,
                           past_due=past_due, unowned=unowned, lost=lost, findings=tuple(findings))
