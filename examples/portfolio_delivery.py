"""Milestones, benefits and monthly financials for the sample portfolios of ``generate_portfolios.py``.

``generate_portfolios.py`` calls :func:`delivery_sheets` for each sample after
drawing its projects and baseline, and writes the three sheets beside the
others. Everything is drawn from ``numpy.random.default_rng`` with fixed seeds
and dates and money are rounded, so the files regenerate byte for byte.

How the sheets are drawn
------------------------
``milestones``
    3-6 per project that is not cancelled, chosen in life-cycle order from
    :data:`MILESTONES` (the business case first, project closure last) and
    planned evenly over the project's plan, the last on its planned finish.
    Closed projects reached every milestone, 0-20 days after plan. Of the
    milestones of in-flight projects planned before the status date, 88 % are
    reached (0-25 days late); of the rest half are re-forecast 1-7 weeks after
    the status date (slipped) and half are left overdue. Later milestones of
    in-flight projects are forecast on plan, or 14-75 days late (15 %, and
    always for a project forecast to finish two weeks or more late, by its share
    of that slip); their gates in the next four months need a decision with
    probability 0.5. Proposed projects' milestones have no forecast; 10 % of
    their business cases await a decision.
``benefits``
    1-3 per project that is not cancelled: a money benefit (35-150 % of the
    budget, rounded to 1,000) and, for some, one or two in the organisation's
    own measures (:data:`MEASURES`). Due 6-24 months after the planned finish;
    realised in proportion to the time since the finish (closed projects) or a
    little (in flight); the forecast is plan x N(0.95, 0.12), so some fall
    behind plan. The owner is the sponsor, except 3 % with none.
``financials``
    In-flight projects, each month of the financial year holding the status
    date (first month :data:`FY_STARTS`) while the project runs: the budget is
    the month's planned value from the baseline (BAC spread evenly without
    one; blank without a BAC); the actual (months to the status date's month)
    is that budget x AC/PV x N(1, 0.06), the forecast (later months) that
    budget x AC/EV x N(1, 0.04); months past the planned finish up to the
    forecast finish have no budget and spend a quarter of a month's budget.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["FY_STARTS", "MEASURES", "MILESTONES", "delivery_sheets"]

FY_STARTS = {"Korrin Regional Council": 4, "Stellbrook Pharmaceuticals": 1, "Harrowmoor Water Services": 4}
"""The first month of each organisation's financial year: the UK council and water company run April to March."""

MEASURES = {
    "Korrin Regional Council": ("staff hours saved", "residents served online"),
    "Stellbrook Pharmaceuticals": ("patients enrolled", "weeks of cycle time saved"),
    "Harrowmoor Water Services": ("megalitres of leakage saved", "properties at lower flood risk"),
}
"""Each organisation's benefit measures other than money."""

MILESTONES = (("Business case approved", True), ("Design complete", True), ("Contract awarded", False),
              ("Build complete", False), ("Testing complete", False), ("Go-live approved", True),
              ("Handover to operations", False), ("Project closed", True))
"""Milestone names in life-cycle order, and whether each is a stage gate."""

IN_FLIGHT = ("active", "on_hold")


def _day(ts: pd.Timestamp) -> dt.date:
    return ts.date()


def _milestone_rows(rng, row, as_of: pd.Timestamp) -> list[dict]:
    start, finish = pd.Timestamp(row["start"]), pd.Timestamp(row["finish"])
    late_finish = pd.Timestamp(row["forecast_finish"]) if isinstance(row["forecast_finish"], str) else None
    project_slip = max((late_finish - finish).days, 0) if late_finish is not None else 0
    n = int(rng.integers(3, 7))
    picks = np.sort(rng.choice(np.arange(1, len(MILESTONES) - 1), size=n - 2, replace=False))
    chosen = [0, *picks.tolist(), len(MILESTONES) - 1]
    span = (finish - start).days
    rows = []
    for k, index in enumerate(chosen):
        name, gate = MILESTONES[index]
        planned = start + pd.Timedelta(days=round(span * (k + 1) / n))
        forecast = actual = None
        decision = False
        if row["status"] == "closed":
            actual = min(planned + pd.Timedelta(days=int(rng.integers(0, 21))), as_of)
        elif row["status"] in IN_FLIGHT and planned <= as_of:
            if rng.random() < 0.88:
                actual = min(planned + pd.Timedelta(days=int(rng.integers(0, 26))), as_of)
            elif rng.random() < 0.5:
                forecast = as_of + pd.Timedelta(days=int(rng.integers(7, 50)))
        elif row["status"] in IN_FLIGHT:
            slip = int(rng.integers(14, 76)) if rng.random() < 0.15 else 0
            slip = max(slip, round(project_slip * (k + 1) / n) if project_slip >= 14 else 0)
            if slip or rng.random() < 0.5:
                forecast = planned + pd.Timedelta(days=slip)
            soon = (forecast if forecast is not None else planned) <= as_of + pd.Timedelta(days=120)
            decision = bool(gate and soon and rng.random() < 0.5)
        else:  # proposed: planned only; some business cases await a decision
            decision = bool(k == 0 and rng.random() < 0.1)
        rows.append({"project_id": row["project_id"], "milestone": name, "planned": _day(planned),
                     "forecast": None if forecast is None else _day(forecast),
                     "actual": None if actual is None else _day(actual), "gate": gate, "decision_needed": decision})
    return rows


def _benefit_rows(rng, row, as_of: pd.Timestamp, measures: tuple[str, ...]) -> list[dict]:
    finish = pd.Timestamp(row["finish"])
    bac = row["bac"] if row["bac"] == row["bac"] else 1_000_000.0
    n = int(rng.integers(1, 4))
    owner = row["sponsor"] if rng.random() >= 0.03 else None
    kinds = [None, *rng.choice(measures, size=min(n - 1, len(measures)), replace=False).tolist()]
    rows = []
    for measure in kinds:
        if measure is None:
            name, planned = "Cash savings", round(bac * rng.uniform(0.35, 1.5), -3)
        else:
            name, planned = measure.capitalize(), float(round(rng.lognormal(np.log(2000), 0.8), -1))
        due = finish + pd.DateOffset(months=int(rng.integers(6, 25)))
        if row["status"] == "closed":
            elapsed = min(max((as_of - finish).days / max((due - finish).days, 1), 0.0), 1.0)
            realised = round(planned * elapsed * rng.uniform(0.6, 1.1), 2)
        elif row["status"] in IN_FLIGHT:
            realised = round(planned * rng.uniform(0.0, 0.15), 2)
        else:
            realised = None
        forecast = round(planned * float(np.clip(rng.normal(0.95, 0.12), 0.5, 1.2)), 2)
        rows.append({"project_id": row["project_id"], "benefit": name, "measure": measure, "planned": planned,
                     "forecast": forecast, "realised": realised, "owner": owner, "due": _day(due)})
    return rows


def _financial_rows(rng, row, plan: pd.Series | None, first: pd.Period, last: pd.Period,
                    as_of: pd.Timestamp) -> list[dict]:
    start, finish = pd.Period(row["start"], "M"), pd.Period(row["finish"], "M")
    end = max(finish, pd.Period(row["forecast_finish"], "M")) if isinstance(row["forecast_finish"], str) else finish
    months = pd.period_range(max(start, first), min(end, last), freq="M")
    if not len(months):
        return []
    monthly = row["bac"] / ((finish - start).n + 1)
    if row["bac"] != row["bac"]:  # no budget: spend at the pace of the actual cost so far
        monthly = row["ac"] / max((as_of.to_period("M") - start).n + 1, 1)
    spend = row["ac"] / row["pv"] if row["pv"] else 1.0
    rate = row["ac"] / row["ev"] if row["ev"] else 1.0
    now = as_of.to_period("M")
    rows = []
    for month in months:
        budget = float(plan.get(month, 0.0)) if plan is not None else (monthly if month <= finish else 0.0)
        base = budget if month <= finish else monthly / 4
        actual = round(base * spend * rng.normal(1.0, 0.06), 2) if month <= now else None
        forecast = round(base * rate * rng.normal(1.0, 0.04), 2) if month > now else None
        rows.append({"project_id": row["project_id"], "month": str(month),
                     "budget": round(budget, 2) if month <= finish and row["bac"] == row["bac"] else None,
                     "actual": actual, "forecast": forecast})
    return rows


def delivery_sheets(organisation: str, sheets: dict[str, pd.DataFrame], as_of: str, seed: int
                    ) -> dict[str, pd.DataFrame]:
    """The ``milestones``, ``benefits`` and ``financials`` sheets of one sample portfolio.

    Parameters
    ----------
    organisation
        A key of :data:`FY_STARTS` and :data:`MEASURES`.
    sheets
        The sample's sheets as ``generate_portfolios.build_portfolio`` draws them (ISO date text).
    as_of
        The status date, ``YYYY-MM-DD``.
    seed
        The seed of the random draws.
    """
    rng = np.random.default_rng(seed)
    as_of = pd.Timestamp(as_of)
    projects = sheets["projects"]
    alive = projects[projects["status"] != "cancelled"]
    milestones = [r for _, row in alive.iterrows() for r in _milestone_rows(rng, row, as_of)]
    benefits = [r for _, row in alive.iterrows() for r in _benefit_rows(rng, row, as_of, MEASURES[organisation])]
    fy = FY_STARTS[organisation]
    year = as_of.year if as_of.month >= fy else as_of.year - 1
    first = pd.Period(year=year, month=fy, freq="M")
    baseline = sheets["baseline"].assign(month=lambda b: pd.PeriodIndex(b["period_end"], freq="M"))
    baseline["in_month"] = baseline.groupby("project_id")["cumulative_pv"].diff().fillna(baseline["cumulative_pv"])
    plans = {pid: b.set_index("month")["in_month"] for pid, b in baseline.groupby("project_id")}
    flight = projects[projects["status"].isin(IN_FLIGHT)]
    financials = [r for _, row in flight.iterrows()
                  for r in _financial_rows(rng, row, plans.get(row["project_id"]), first, first + 11, as_of)]
    return {
        "milestones": pd.DataFrame(milestones, columns=["project_id", "milestone", "planned", "forecast", "actual",
                                                        "gate", "decision_needed"]),
        "benefits": pd.DataFrame(benefits, columns=["project_id", "benefit", "measure", "planned", "forecast",
                                                    "realised", "owner", "due"]),
        "financials": pd.DataFrame(financials, columns=["project_id", "month", "budget", "actual", "forecast"]),
    }
