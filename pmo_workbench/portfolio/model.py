"""The portfolio model: the clean tables every analysis works on.

:func:`pmo_workbench.portfolio.read_portfolio` is the boundary. It validates a
workbook (one ``.xlsx`` with named sheets, or a folder of ``<sheet>.csv``
files) and returns a :class:`Portfolio` whose frames follow the column
contracts below. Analyses trust these frames and never modify them.

Missing values: text columns hold ``NaN`` when blank (pandas ``str`` dtype),
numbers ``NaN``, dates ``NaT``. Every frame keeps ``source_row``, the row a
spreadsheet shows for that record (header = row 1), so findings can point at it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

PROJECT_STATUSES = ("proposed", "active", "on_hold", "closed", "cancelled")
"""Allowed ``projects.status`` values, in life-cycle order."""

IN_FLIGHT = ("active", "on_hold")
"""Statuses of projects that are under way."""

ROLLED_UP = ("active", "on_hold", "closed")
"""Statuses whose earned value is recorded (in flight or finished); the headline roll-up sums
:data:`IN_FLIGHT` only and closed work is rolled up on its own (:data:`CLOSED`)."""

CLOSED = ("closed",)
"""Statuses of finished projects: their SPI is 1.0 by construction, so they are rolled up apart."""

NO_HEALTH = ("closed", "cancelled")
"""Statuses that get no health colour: the status itself stands in the ``rag`` column."""

CANDIDATES = ("proposed", "active", "on_hold")
"""Statuses of projects that selection may fund (closed and cancelled ones cannot)."""

RISK_KINDS = ("threat", "opportunity")

CLOSED_RISK_STATUSES = frozenset({"closed", "retired", "expired"})
"""Risk ``status`` values (lower case) that take a risk out of the exposure."""

OPEN_RISK_STATUSES = frozenset({"open", "active", "new", "identified", "monitoring"})
"""Risk ``status`` values (lower case) recognised as open; a blank status is open too. Any other status
not in :data:`CLOSED_RISK_STATUSES` (e.g. "Mitigated", "Occurred") still counts as open, with a finding."""

SHEETS = ("projects", "baseline", "risks", "dependencies", "assignments", "capacity", "criteria", "status_history",
          "milestones", "benefits", "financials")
"""Sheet names, in the order they are read; only ``projects`` is required. The optional ``pmos``
sheet (the PMO hierarchy, :data:`PMO_COLUMNS`) is read beside them by
:func:`pmo_workbench.portfolio.pmos.read_portfolio`."""

PMO_COLUMNS = ("pmo", "parent", "level")
"""Columns of the optional ``pmos`` sheet: each PMO once, its parent PMO (blank at the top) and its
level (text such as "enterprise" or "portfolio", or blank); then ``source_row``."""

PROJECT_COLUMNS = {
    # name: (dtype after validation, required column?)
    "project_id": ("str", True),
    "name": ("str", True),
    "pmo": ("str", True),
    "sponsor": ("str", True),             # blank allowed: a data-quality finding
    "status": ("category", True),          # PROJECT_STATUSES
    "start": ("datetime64[ns]", True),
    "finish": ("datetime64[ns]", True),    # planned finish, not before start
    "forecast_finish": ("datetime64[ns]", False),
    "bac": ("float64", True),              # >= 0; blank allowed: "no budget" finding
    "pv": ("float64", True),               # >= 0, cumulative to the status date
    "ev": ("float64", True),
    "ac": ("float64", True),
    "strategic_value": ("float64", False),  # 0..10
    "mandatory": ("bool", False),          # blank = False
    "category": ("str", False),
    "objective": ("str", False),           # the strategic objective the project serves
    "status_date": ("datetime64[ns]", False),  # the date of the project's last status update
    "reported_rag": ("str", False),        # the RAG the project reported (REPORTED_RAG) or NaN
    "currency": ("str", False),            # ISO 4217 code, one for the whole sheet, or NaN
}
"""``Portfolio.projects`` columns; ``score_<criterion>`` float columns follow them
when a ``criteria`` sheet is given, then ``source_row``."""

SHEET_COLUMNS = {
    "baseline": ("project_id", "period_end", "cumulative_pv"),
    "risks": ("risk_id", "project_id", "title", "kind", "probability", "impact", "owner", "category", "status"),
    "dependencies": ("from_project", "to_project", "needed_by", "kind"),
    "assignments": ("project_id", "role", "month", "demand_fte"),
    "capacity": ("role", "month", "capacity_fte"),
    "criteria": ("criterion", "weight"),
    "status_history": ("project_id", "status_date", "pv", "ev", "ac", "reported_rag"),
    "milestones": ("project_id", "milestone", "planned", "forecast", "actual", "gate", "decision_needed"),
    "benefits": ("project_id", "benefit", "measure", "planned", "forecast", "realised", "owner", "due"),
    "financials": ("project_id", "month", "budget", "actual", "forecast"),
}
"""Columns of the optional sheets, each frame ending with ``source_row``.

- ``baseline``: ``period_end`` datetime64, ``cumulative_pv`` float >= 0,
  non-decreasing per project; sorted by project then ``period_end``.
- ``risks``: ``project_id`` NaN for a portfolio-level risk; ``kind`` one of
  :data:`RISK_KINDS`; ``probability`` and ``impact`` floats as given, on the
  scales named by :attr:`Portfolio.probability_scale` and
  :attr:`Portfolio.impact_scale`; ``owner``, ``category``, ``status`` text or NaN.
- ``dependencies``: ``from_project`` needs ``to_project`` (both known project
  ids, never equal); ``needed_by`` datetime64 or NaT; ``kind`` text or NaN.
- ``assignments``: ``month`` a ``Period[M]``; ``demand_fte`` float >= 0.
- ``capacity``: one row per (role, month); ``capacity_fte`` float >= 0.
- ``criteria``: ``weight`` float > 0 (normalised by the analysis, not here).
- ``status_history``: one row per (project, ``status_date``), the project's earlier status
  reports: cumulative ``pv``, ``ev``, ``ac`` floats >= 0 (NaN where blank) and the RAG it reported
  (:data:`REPORTED_RAG` or NaN); sorted by project then date. A ``rag`` column is read as
  ``reported_rag``.
- ``milestones``: one row per (project, ``milestone``); ``planned`` datetime64, ``forecast`` and
  ``actual`` datetime64 or NaT; ``gate`` (a stage gate) and ``decision_needed`` bool (blank = False).
- ``benefits``: one row per (project, ``benefit``), ``project_id`` NaN for a portfolio-level
  benefit; ``planned``, ``forecast``, ``realised`` floats >= 0 in the benefit's ``measure`` (text;
  NaN means money), NaN where blank; ``owner`` text or NaN; ``due`` datetime64 or NaT.
- ``financials``: one row per (project, ``month``), ``month`` a ``Period[M]``; ``budget``,
  ``actual``, ``forecast`` money floats >= 0, NaN where blank (the month's phasing, not cumulative).
"""

REPORTED_RAG = ("green", "amber", "red")
"""Allowed values of a reported RAG (``projects.reported_rag``, ``status_history.reported_rag``)."""


@dataclass(frozen=True)
class Portfolio:
    """One organisation's portfolio, validated.

    Attributes
    ----------
    source
        The workbook path as given (used in messages).
    projects
        One row per project (:data:`PROJECT_COLUMNS`), in file order.
    baseline, risks, dependencies, assignments, capacity, criteria, status_history, milestones, benefits, financials
        The optional sheets (:data:`SHEET_COLUMNS`), ``None`` when absent.
    pmos
        The PMO hierarchy (:data:`PMO_COLUMNS`), ``None`` when the workbook has no ``pmos`` sheet.
    probability_scale
        ``"ratio"`` when every risk probability is within 0..1, ``"ordinal"``
        when they are whole numbers 1..5 (decided per sheet).
    impact_scale
        ``"ordinal"`` when every impact is a whole number 1..5, else ``"money"``.
    status_date, organisation, stated_currency
        What the workbook's ``about`` sheet (``about.csv`` in a folder) says: the date its figures are as of (the
        default ``as_of`` of the analysis), whose portfolio it is, and the currency of its money (used when the
        projects sheet has no ``currency`` column); ``None`` when not said.
    organisation_at
        Where the about sheet names the organisation (sheet or file, row, column as headed), for messages.
    """

    source: str
    projects: pd.DataFrame
    baseline: pd.DataFrame | None = None
    risks: pd.DataFrame | None = None
    dependencies: pd.DataFrame | None = None
    assignments: pd.DataFrame | None = None
    capacity: pd.DataFrame | None = None
    criteria: pd.DataFrame | None = None
    status_history: pd.DataFrame | None = None
    milestones: pd.DataFrame | None = None
    benefits: pd.DataFrame | None = None
    financials: pd.DataFrame | None = None
    pmos: pd.DataFrame | None = None
    probability_scale: Literal["ratio", "ordinal"] = "ratio"
    impact_scale: Literal["money", "ordinal"] = "money"
    status_date: dt.date | None = None
    organisation: str | None = None
    stated_currency: str | None = None
    organisation_at: tuple[str, int | None, str] | None = None

    @property
    def criteria_names(self) -> tuple[str, ...]:
        """The criterion names, in sheet order (empty without a criteria sheet)."""
        if self.criteria is None:
            return ()
        return tuple(self.criteria["criterion"])

    @property
    def currency(self) -> str | None:
        """The ISO 4217 code the workbook's money is in (its ``currency`` column), or ``None``."""
        if "currency" not in self.projects:
            return self.stated_currency
        given = self.projects["currency"].dropna()
        return str(given.iloc[0]) if len(given) else self.stated_currency


@dataclass(frozen=True)
class Thresholds:
    """RAG bands for a performance index (CPI, SPI, SPI(t)), asymmetric.

    Green when ``green[0] <= index <= green[1]``; amber when outside green but
    within ``amber``; red below ``amber[0]`` (an overrun or a slip beyond the
    band), and ``"check estimate"`` above ``amber[1]``: an under-run that large
    says more about the budget or the plan than about delivery, so it is
    neither red nor green. The defaults are the common convention in
    DOMAIN.md: green 0.95-1.05, amber 0.90-0.95 or 1.05-1.10; red below 0.90,
    check estimate above 1.10.
    """

    green: tuple[float, float] = (0.95, 1.05)
    amber: tuple[float, float] = (0.90, 1.10)

    def __post_init__(self):
        lo_a, hi_a = self.amber
        lo_g, hi_g = self.green
        if not (lo_a <= lo_g <= hi_g <= hi_a):
            raise ValueError(
                f"thresholds must nest as amber_low <= green_low <= green_high <= amber_high; got "
                f"green={self.green}, amber={self.amber}"
            )


def parse_band(value: str | Sequence[float]) -> tuple[float, float]:
    """A RAG band from ``"0.95,1.05"`` (or a two-number sequence), low first.

    Raises
    ------
    ValueError
        When it is not two numbers with the low one first.
    """
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value)
    try:
        low, high = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a band; expected two numbers, low first, such as 0.95,1.05") from None
    if not (math.isfinite(low) and math.isfinite(high) and low <= high):
        raise ValueError(f"{value!r} is not a band; expected two finite numbers, low first, such as 0.95,1.05")
    return low, high


CHECK_ESTIMATE = "check estimate"
"""The rating of an index above the amber band: an under-run to look into, neither red nor green."""

RAG = ("green", CHECK_ESTIMATE, "amber", "red")
"""Index ratings, least concern first; a rating that cannot be computed is ``None``."""

EacMethod = Literal["typical", "atypical", "cost_schedule"]
EAC_METHODS = ("typical", "atypical", "cost_schedule")


@dataclass(frozen=True)
class Finding:
    """One data-quality or analysis finding, listed in the report rather than dropped.

    ``severity`` is ``"error"`` (the data contradicts itself or blocks an
    analysis, e.g. a dependency cycle), ``"warning"`` (needs a person to look)
    or ``"info"``; ``check`` is a short stable id such as ``"no_sponsor"``.
    """

    severity: Literal["error", "warning", "info"]
    check: str
    message: str
    project_id: str | None = None
    sheet: str | None = None
    row: int | None = None
    extra: dict = field(default_factory=dict, compare=False)
