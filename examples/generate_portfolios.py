"""Generate the sample portfolio workbooks shipped in ``examples/portfolios/``.

Run ``python examples/generate_portfolios.py`` (from any folder): the files are
written to ``portfolios/`` next to this script (``--out DIR`` writes them to
``DIR`` instead) and are byte-identical from one run to the next, because all
randomness comes from ``numpy.random.default_rng`` with fixed seeds, numbers are
rounded to 2 decimals and the workbooks' timestamps are fixed.

The organisations are the fictitious ones of ``examples/generate.py``, so a
consultant sees the PMO assessment and the portfolio report of the same client.

Files written
-------------
``korrin-regional-council.xlsx``
    One workbook with all eleven sheets.
``stellbrook-pharmaceuticals.xlsx``
    One workbook with all eleven sheets; risk probability and impact on 1-5.
``harrowmoor-water-services/``
    A folder of CSV files (``projects.csv``, ``baseline.csv``, ``risks.csv``,
    ``dependencies.csv``, ``assignments.csv``, ``capacity.csv``, ``milestones.csv``,
    ``benefits.csv``, ``financials.csv``, ``status_history.csv``; no criteria).
``budgets.csv``
    ``organisation, portfolio, budget, fy_start``: the portfolio's path relative
    to ``examples/portfolios/``, a selection budget (money) -- about 55-75 % of
    what the candidate projects still need, rounded to 100,000, and never below
    the cost of the mandatory projects -- and ``fy_start``, the first month of
    its financial year (the demo passes both).

Each portfolio carries its own status date (the date PV, EV and AC are
cumulative to), currency and organisation in an ``about`` sheet (the first
sheet of a workbook; ``about.csv`` in the folder), which the analysis takes as
its default ``as_of``.

The milestones, benefits and financials sheets are drawn by
``portfolio_delivery.py`` (see its docstring).

How a portfolio is drawn (:func:`build_portfolio`)
--------------------------------------------------
Every project runs whole calendar months: it starts on the 1st of a month, its
planned ``finish`` is the last day of its last month, and its duration is
lognormal around 12 months (3-48). The status date is a month end, so the
number of baseline periods elapsed is a whole number. Status decides where the
project sits in time: proposed projects start after the status date, active and
on-hold ones are under way (6 % of them are late: past their planned finish,
with a forecast finish after the status date), closed ones finished on or
before the status date, cancelled ones stopped part-way.

- Budget (BAC): lognormal around the PMO's median, rounded to 1,000.
  Each PMO gets its share of the projects; names come from its subjects and
  actions, sponsors from its (per-category) sponsor lists.
- Baseline: monthly cumulative PV on an S-curve
  ``F(t) = 0.4 t + 0.6 (3t^2 - 2t^3)`` of the elapsed share ``t`` of the
  duration, ending at BAC; written for 90 % of in-flight projects. ``pv`` is
  the baseline's value at the status date (BAC once the plan has ended).
- EV = BAC x F x SPI (capped at 99 % of BAC while in flight; BAC when closed,
  but 5 % of closed projects stopped at 90-99 %), with SPI ~ N(PMO mean, sd)
  (x 0.85 on hold; ~ N(0.85, 0.05) when late). AC = EV / CPI with
  CPI ~ N(PMO mean, sd) clipped to 0.80-1.15.
- Forecast finish: planned finish plus the slip the SPI implies, never before
  two weeks after the status date; blank for 8 % of in-flight projects.
- Risks: 82 % threats; attached to non-cancelled projects (weight ~ sqrt(BAC)),
  4 % portfolio-level; money impacts 0.4-50 % (median 4 %) of the project's
  BAC, portfolio-level ones about 0.1 % of the portfolio's BAC; risks of closed
  projects are closed, 12 % of the others too.
- Dependencies: projects fall in programmes of about 25; 95 % of the edges join
  two projects of one programme, 5 % point at one of a few early "platform"
  projects. An edge always goes from the later-starting project to the
  earlier-starting one (the later one needs the earlier one), so the graph is
  acyclic unless ``cycle=True`` adds one cycle of three in-flight projects
  (chosen so that no other path joins them: exactly one cycle).
  Half the edges carry a ``needed_by`` date 1-17 weeks after the predecessor's
  forecast (or planned) finish; ``conflict_share`` of all edges get one 10-90
  days *before* it instead (a needed-by conflict).
- Resources: every proposed, active and on-hold project asks for 1-4 roles
  (from its PMO's pool) at 0.1-1.0 FTE each month of its plan inside the
  window (half in its first and last month); the window runs ``n_months``
  from ``n_months // 6`` months before the status date. Capacity is one
  constant figure per role: 1.05-1.35 x the role's peak demand rounded up to
  0.5 FTE (so nothing is over-allocated), except the over-allocated roles whose
  capacity is their peak demand / 1.2-1.45 rounded to 0.1 FTE: they run over
  capacity (peaks of 120-145 %) in the months around their peak.
- Status history (``portfolio_history.py`` beside this script, applied to
  every sample): 5-6 monthly earlier status reports per in-flight project, PV
  from the baseline S-curve, EV and AC from indices that drift towards today's
  (about 20 % of projects worsen, 20 % improve), the reported RAG of each
  report (about 8 % of in-flight projects report one step greener than their
  figures); projects gain ``status_date`` (about 5 % of in-flight ones last
  reported two months before the status date: stale) and ``reported_rag``.

Organisations (all fictitious)
------------------------------
Korrin Regional Council -- status date 2026-05-31, 160 projects.
    Two PMOs: the Corporate PMO (about 60 %: capital works, property,
    highways, housing, environment, statutory compliance) is *controlling*: its
    capital programme is on budget (CPI ~ 1.0) but slipping (SPI ~ 0.955); the
    Digital Services PMO (about 40 %) overspends on its platform replacements
    (CPI ~ 0.94) while keeping to time (SPI ~ 0.985). Probability 0-1, money
    impacts; criteria sheet with four weighted criteria (community outcomes
    0.40, statutory risk 0.25, financial benefit 0.20, deliverability 0.15);
    every candidate in the "Statutory compliance" category is mandatory.
    A few dependencies' needed-by dates fall before their predecessor's
    forecast finish. Business analysts
    and procurement officers are over-allocated (the assessment's weak
    resources score). Data-quality flaws on purpose: three projects with no
    sponsor, one with no budget, one with EV above BAC, one "active" project
    whose planned finish (2025-03-31) is long past with no forecast, three open
    risks with no owner. The largest active project of each PMO carries a red
    threat (main contractor failure, probability 0.65, 45 % of its budget;
    legacy data quality, 0.70, 42 %).
Stellbrook Pharmaceuticals -- status date 2026-08-31, 40 projects.
    One PMO, the R&D Portfolio Office. What the project managers complain of
    in the assessment shows in the data: a dependency cycle of three
    projects (the SB-204 Phase II study needs the companion diagnostic, which
    needs the biomarker assay validation, which needs samples from the Phase II
    study), five needed-by conflicts, and clinical data managers and
    biostatisticians over-allocated for many months. R&D runs a little over
    budget and behind plan (CPI ~ 0.97, SPI ~ 0.95). Risks on the ordinal 1-5
    scale for both probability and impact; three criteria (unmet medical need
    0.40, commercial value 0.35, technical success 0.25).
Harrowmoor Water Services -- status date 2026-03-31, 25 projects, CSV folder.
    The Capital Programmes PMO runs a healthy-ish capital programme (CPI and
    SPI close to 1) with a few reds: the sludge treatment centre upgrade is
    overspending (CPI 0.84), the Kelder reservoir dam safety works are late
    (SPI 0.82, forecast six months after plan) and one scheme is on hold
    (SPI 0.86). The dam safety works also carry the portfolio's red threat
    (ground conditions, probability 0.70, 45 % of its budget). The dam safety
    works and the storm overflow schemes are
    mandatory (regulatory obligations). No criteria sheet, so selection uses
    ``strategic_value``. Probability 0-1, money impacts; nothing is
    over-allocated.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import io
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import openpyxl
import pandas as pd

SEED = 20260601
HERE = Path(__file__).resolve().parent
OUT = HERE / "portfolios"


def _sample_generator(name: str = "generate.py"):
    """``generate.py`` beside this script, for its reproducible-workbook helpers (examples/ is not a package), or
    another script beside it."""
    spec = importlib.util.spec_from_file_location(f"_pmo_examples_{Path(name).stem}", HERE / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_GENERATE = _sample_generator()
FIXED_TIMESTAMP = _GENERATE.FIXED_TIMESTAMP
"""Workbook created/modified time and zip entry time, so the xlsx files are reproducible."""
_normalise_xlsx = _GENERATE._normalise_xlsx
_DELIVERY = _sample_generator("portfolio_delivery.py")
"""Milestones, benefits and monthly financials of the samples (``portfolio_delivery.py``)."""

_LABELS = _sample_generator("portfolio_labels.py")
"""Currency, strategic objectives and Korrin's PMO hierarchy (``portfolio_labels.py``)."""

SHEETS = ("projects", "baseline", "risks", "dependencies", "assignments", "capacity", "criteria", "milestones",
          "benefits", "financials", "pmos", "status_history")
ABOUT = "about"
"""The sheet (``about.csv``) giving a portfolio's status date, currency and organisation, written first."""
STATUSES = ("proposed", "active", "on_hold", "closed", "cancelled")
IN_FLIGHT = ("active", "on_hold")
CANDIDATES = ("proposed", "active", "on_hold")
DEFAULT_STATUS_MIX = (0.14, 0.50, 0.06, 0.24, 0.06)
DATE_COLUMNS = frozenset({"start", "finish", "forecast_finish", "period_end", "needed_by", "status_date"})
PROGRAMME_SIZE = 25
LATE_SHARE = 0.06
NO_FORECAST_SHARE = 0.08
PORTFOLIO_RISK_SHARE = 0.04
THREAT_SHARE = 0.82
CROSS_PROGRAMME_SHARE = 0.05

FIRST_NAMES = ("Amara", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hamish", "Ines", "Jonah", "Kirsty",
               "Liam", "Maya", "Nikhil", "Olu", "Priya", "Quentin", "Rosa", "Sami", "Tessa", "Umar", "Vera",
               "Wes", "Xin", "Yusuf", "Zoe")
SURNAMES = ("Adeyemi", "Brennan", "Castell", "Dunmore", "Ekwueme", "Fairley", "Garside", "Holm", "Iqbal",
            "Jessop", "Kowalski", "Lindqvist", "McAllister", "Nair", "Okafor", "Pryce", "Quayle", "Rahman",
            "Stroud", "Takahashi", "Uddin", "Varga", "Whitlock", "Yates", "Zielinski")

ROLE_NAMES = ("Project manager", "Business analyst", "Solution architect", "Software developer", "Test analyst",
              "Data analyst", "Change manager", "Procurement officer", "Quantity surveyor", "Civil engineer",
              "Planner", "Commercial manager", "Legal adviser", "Communications officer", "Finance business partner",
              "Service designer", "Security architect", "Infrastructure engineer", "Trainer", "Scrum master")

GENERIC_SUBJECTS = {
    "CRM": "Technology", "Finance system": "Technology", "Data platform": "Technology", "Website": "Technology",
    "Payroll": "Technology", "Network": "Infrastructure", "Head office": "Infrastructure",
    "Warehouse": "Infrastructure", "Fleet": "Infrastructure", "Contact centre": "Change",
    "Procurement process": "Change", "Onboarding": "Change", "Data protection": "Compliance",
    "Health and safety": "Compliance", "Records retention": "Compliance", "Cyber security": "Compliance",
}
GENERIC_ACTIONS = {
    "Technology": ("replacement", "upgrade", "migration", "rollout"),
    "Infrastructure": ("refurbishment", "renewal", "expansion", "relocation"),
    "Change": ("redesign", "improvement", "review", "transformation"),
    "Compliance": ("remediation", "assurance", "audit actions", "controls uplift"),
}

THREAT_TITLES = {
    "Delivery": ("Critical path slips past the planned go-live", "Scope grows beyond the approved baseline",
                 "Late design sign-off delays construction"),
    "Supplier": ("Main contractor enters administration", "Supplier misses milestone deliveries",
                 "Single supplier for a key component"),
    "Resourcing": ("Key specialist leaves the team", "Shared specialists double-booked across projects",
                   "Business users not released for testing"),
    "Technical": ("Legacy data quality worse than assumed", "Integration with the existing system fails testing",
                  "Ground conditions differ from the survey"),
    "Regulatory": ("Regulator asks for additional evidence", "Consent or permit granted late",
                   "New standard changes the design"),
    "Financial": ("Construction inflation above the budget assumption", "Exchange rate moves on imported kit",
                  "Funding contribution withdrawn"),
    "Stakeholder": ("Public objection delays the decision", "Sponsor's priorities change mid-project",
                    "Users reject the new process"),
}
OPPORTUNITY_TITLES = {
    "Re-use a component from another project": "Technical", "Framework contract lowers unit rates": "Supplier",
    "Early completion releases the team": "Resourcing", "Grant funding for part of the scope": "Financial",
    "Combine site visits with a neighbouring scheme": "Delivery", "Supplier offers a volume discount": "Supplier",
}
DEPENDENCY_KINDS = ("deliverable", "technical", "data", "funding", "regulatory")
DEPENDENCY_KIND_P = (0.45, 0.25, 0.15, 0.08, 0.07)


@dataclass(frozen=True)
class PmoProfile:
    """How one PMO's projects are drawn.

    Attributes
    ----------
    name
        The PMO's name (``projects.pmo``).
    share
        Relative share of the portfolio's programmes (and so of its projects).
    subjects
        What projects are about, each with its category.
    actions
        What is done to a subject, keyed by subject, else by category, else
        ``"*"``; a project is named ``"<subject> <action>"`` (an empty action
        names it after the subject alone; a repeat name gets `` 2``, `` 3``, ...).
    sponsors
        Sponsors drawn for the PMO's projects, or category -> sponsors (with
        ``"*"`` for the other categories).
    roles
        Roles its projects draw on (``None``: every role of the portfolio).
    bac_median
        Median budget at completion (money).
    cpi_mean, cpi_sd, spi_mean, spi_sd
        Normal distributions of the projects' cost and schedule performance.
    """

    name: str
    share: float = 1.0
    subjects: Mapping[str, str] = field(default_factory=lambda: dict(GENERIC_SUBJECTS))
    actions: Mapping[str, Sequence[str]] = field(default_factory=lambda: dict(GENERIC_ACTIONS))
    sponsors: Sequence[str] | Mapping[str, Sequence[str]] = (
        "Chief Operating Officer", "Chief Financial Officer", "Chief Information Officer", "Director of Operations",
        "Director of People", "Director of Strategy")
    roles: Sequence[str] | None = None
    bac_median: float = 400_000.0
    cpi_mean: float = 0.97
    cpi_sd: float = 0.06
    spi_mean: float = 0.95
    spi_sd: float = 0.07


# -- small helpers -------------------------------------------------------------

def _month_index(value: str | dt.date | pd.Timestamp) -> int:
    """Months since year 0 of a status date; raises unless it is a month end."""
    day = pd.Timestamp(value)
    if not day.is_month_end:
        raise ValueError(f"as_of must be a month end (the baseline is monthly); got {day.date()}")
    return day.year * 12 + day.month - 1


def _months(index: np.ndarray) -> np.ndarray:
    """Month indices -> ``datetime64[M]``."""
    return (np.asarray(index, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")


def _month_start(index: np.ndarray) -> np.ndarray:
    return _months(index).astype("datetime64[D]")


def _month_end(index: np.ndarray) -> np.ndarray:
    return (_months(index) + 1).astype("datetime64[D]") - np.timedelta64(1, "D")


def _iso(days: np.ndarray) -> np.ndarray:
    """``datetime64[D]`` -> ISO strings, NaT -> ``None``."""
    text = np.datetime_as_string(days, unit="D").astype(object)
    text[np.isnat(days)] = None
    return text


def _s_curve(k: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Planned share of the budget after ``k`` of ``d`` months (0 at the start, 1 at the end)."""
    t = np.clip(k / d, 0.0, 1.0)
    return 0.4 * t + 0.6 * (3 * t**2 - 2 * t**3)


def _group_positions(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 within each of the consecutive groups of the given lengths."""
    total = int(lengths.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.arange(total) - starts


def _people(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct fictitious names ("Amara Okafor")."""
    combos = np.array([f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES], dtype=object)
    return combos[rng.permutation(len(combos))[:n]]


def _ids(prefix: str, n: int) -> np.ndarray:
    width = max(3, len(str(n)))
    return np.array([f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _role_names(n_roles: int) -> list[str]:
    if n_roles <= len(ROLE_NAMES):
        return list(ROLE_NAMES[:n_roles])
    return [f"{ROLE_NAMES[i % len(ROLE_NAMES)]} (team {i // len(ROLE_NAMES) + 1})" for i in range(n_roles)]


def _baseline_rows(ids: np.ndarray, start_month: np.ndarray, duration: np.ndarray, bac: np.ndarray) -> pd.DataFrame:
    """Monthly cumulative PV on the S-curve, ending exactly at BAC."""
    k = _group_positions(duration) + 1
    rep = np.repeat(np.arange(len(ids)), duration)
    d = duration[rep]
    value = np.round(bac[rep] * _s_curve(k, d), 2)
    value = np.where(k == d, bac[rep], value)
    return pd.DataFrame({
        "project_id": ids[rep],
        "period_end": _iso(_month_end(start_month[rep] + k - 1)),
        "cumulative_pv": value,
    })


# -- the generator ----------------------------------------------------------------

def build_portfolio(
    n_projects: int,
    n_risks: int,
    n_dependencies: int,
    n_roles: int,
    n_months: int,
    *,
    seed: int,
    as_of: str | dt.date,
    cycle: bool = False,
    overallocate: bool = False,
    overallocated_roles: Sequence[str] | None = None,
    pmos: Sequence[PmoProfile] | None = None,
    roles: Sequence[str] | None = None,
    criteria: Mapping[str, float] | None = None,
    probability_scale: str = "ratio",
    impact_scale: str = "money",
    status_mix: Sequence[float] = DEFAULT_STATUS_MIX,
    owners: Sequence[str] | None = None,
    risk_titles: Mapping[str, Sequence[str]] | None = None,
    opportunity_titles: Mapping[str, str] | None = None,
    n_assignments: int | None = None,
    conflict_share: float = 0.03,
    needed_by_share: float = 0.5,
    baseline_share: float = 0.9,
    mandatory_share: float = 0.05,
    prefix: str = "P",
) -> dict[str, pd.DataFrame]:
    """Draw one organisation's portfolio as the raw sheets of a workbook.

    Parameters
    ----------
    n_projects, n_risks, n_dependencies
        Rows of ``projects``, ``risks`` and ``dependencies`` (fewer
        dependencies only when the programmes are too small to hold them).
    n_roles, n_months
        Roles and months of the ``capacity`` sheet (one row per pair).
    seed
        Seed of the random generator; the same arguments give the same frames.
    as_of
        The status date, a month end (ISO text or date).
    cycle
        Add one dependency cycle of three in-flight projects.
    overallocate
        Set the capacity of some roles below their demand for several months:
        ``overallocated_roles``, or by default the ``max(1, n_roles // 10)``
        roles with the most demand.
    pmos
        PMO profiles (default: one generic PMO called "PMO").
    roles
        Role names (``n_roles`` of them); default generic ones.
    criteria
        Criterion -> weight; adds ``score_<criterion>`` columns (0-10, close to
        ``strategic_value``) and a ``criteria`` sheet. ``None``: no criteria.
    probability_scale, impact_scale
        ``"ratio"`` (0-1) or ``"ordinal"`` (1-5); ``"money"`` or ``"ordinal"``.
    status_mix
        Shares of proposed, active, on_hold, closed, cancelled.
    owners
        Risk owners (default: ``max(5, n_projects // 20)`` invented names).
    risk_titles, opportunity_titles
        Risk category -> threat titles (the keys are the threats' categories),
        and opportunity title -> its category; default generic project risks.
    n_assignments
        Upper bound on ``assignments`` rows (whole project-role plans are left
        out at random to meet it); ``None``: every plan.
    conflict_share
        Share of the dependencies whose ``needed_by`` falls before the
        predecessor's forecast finish.
    needed_by_share
        Share of the dependencies with a ``needed_by`` date (conflicts included).
    baseline_share
        Share of in-flight projects with baseline rows.
    mandatory_share
        Share of projects marked mandatory (proposed, active and on-hold ones only).
    prefix
        Project ids are ``<prefix>-001`` ...; risks ``R-001`` ...

    Returns
    -------
    dict[str, pandas.DataFrame]
        Sheet name -> frame with the columns of the workbook format; dates are
        ISO strings (``None`` when blank), months ``YYYY-MM``, numbers rounded
        to 2 decimals. No ``criteria`` key without criteria.
    """
    if probability_scale not in ("ratio", "ordinal") or impact_scale not in ("money", "ordinal"):
        raise ValueError("probability_scale is 'ratio' or 'ordinal'; impact_scale is 'money' or 'ordinal'")
    rng = np.random.default_rng(seed)
    am = _month_index(as_of)
    pmos = tuple(pmos) if pmos else (PmoProfile("PMO"),)
    roles = list(roles) if roles is not None else _role_names(n_roles)
    if len(roles) != n_roles:
        raise ValueError(f"{len(roles)} role names given for n_roles={n_roles}")

    projects, plan = _draw_projects(rng, n_projects, am, pmos, criteria, status_mix, mandatory_share, prefix)
    sheets = {"projects": projects}
    sheets["baseline"] = _draw_baseline(rng, plan, baseline_share)
    sheets["risks"] = _draw_risks(rng, n_risks, plan, probability_scale, impact_scale, owners,
                                  risk_titles or THREAT_TITLES, opportunity_titles or OPPORTUNITY_TITLES)
    sheets["dependencies"] = _draw_dependencies(rng, n_dependencies, plan, cycle, conflict_share, needed_by_share)
    short = tuple(overallocated_roles or ()) if overallocate else None  # () = the busiest roles
    assignments, capacity = _draw_resources(rng, plan, pmos, roles, n_months, am, n_assignments, short)
    sheets["assignments"] = assignments
    sheets["capacity"] = capacity
    if criteria:
        sheets["criteria"] = pd.DataFrame({"criterion": list(criteria), "weight": [float(w) for w in
                                                                                criteria.values()]})
    return sheets


def _draw_projects(rng, n, am, pmos, criteria, status_mix, mandatory_share, prefix):
    ids = _ids(prefix, n)
    mix = np.asarray(status_mix, dtype=float)
    status = rng.choice(np.array(STATUSES, dtype=object), size=n, p=mix / mix.sum())
    # Each PMO gets its share of the projects (largest remainder), split evenly into
    # programmes of about 25 projects.
    shares = np.array([p.share for p in pmos], dtype=float)
    quota = shares / shares.sum() * n
    counts = np.floor(quota).astype(np.int64)
    counts[np.argsort(-(quota - counts), kind="stable")[: n - counts.sum()]] += 1
    pmo = rng.permutation(np.repeat(np.arange(len(pmos)), counts))
    programme = np.empty(n, dtype=np.int64)
    offset = 0
    for i, count in enumerate(counts):
        k = max(1, round(count / PROGRAMME_SIZE))
        programme[pmo == i] = offset + rng.permutation(np.arange(count) % k)
        offset += k

    dur = np.clip(np.rint(rng.lognormal(np.log(12), 0.5, n)), 3, 48).astype(np.int64)
    in_flight = np.isin(status, IN_FLIGHT)
    late = in_flight & (rng.random(n) < LATE_SHARE)
    # e = baseline periods elapsed at the status date (month am is period e).
    e_running = 1 + (rng.random(n) * (dur - 1)).astype(np.int64)
    e = np.select(
        [status == "proposed", late, in_flight, status == "closed", status == "cancelled"],
        [-rng.integers(0, 12, n), dur + rng.integers(1, 5, n), e_running, dur + rng.integers(0, 18, n), e_running],
    )
    start_month = am - e + 1
    start = _month_start(start_month)
    finish = _month_end(start_month + dur - 1)
    planned = _s_curve(np.clip(e, 0, dur), dur)

    bac_median = np.array([p.bac_median for p in pmos])[pmo]
    bac = np.clip(rng.lognormal(np.log(bac_median), 0.9), bac_median / 20, bac_median * 15)
    bac = np.maximum(np.round(bac, -3), 1000.0)
    prof = {k: np.array([getattr(p, k) for p in pmos])[pmo] for k in ("cpi_mean", "cpi_sd", "spi_mean", "spi_sd")}
    spi = rng.normal(prof["spi_mean"], prof["spi_sd"])
    spi = np.where(status == "on_hold", spi * 0.85, spi)
    spi = np.clip(np.where(late, rng.normal(0.85, 0.05, n), spi), 0.6, 1.15)
    cpi = np.clip(rng.normal(prof["cpi_mean"], prof["cpi_sd"]), 0.80, 1.15)

    pv = np.select([status == "proposed", (status == "closed") | (e >= dur)],
                   [0.0, bac], np.round(bac * planned, 2))
    closed_short = (status == "closed") & (rng.random(n) < 0.05)
    earned = np.select([status == "proposed", closed_short, status == "closed"],
                       [0.0, rng.uniform(0.90, 0.99, n), 1.0], np.clip(planned * spi, 0.01, 0.99))
    ev = np.round(bac * earned, 2)
    ac = np.round(ev / cpi, 2)

    # Forecast finish: the slip the SPI implies, never before two weeks after the status date.
    as_of_day = _month_end(np.array([am]))[0]
    slip = np.rint(dur * 30.44 * (1 / spi - 1)).astype(np.int64)
    forecast = finish + np.clip(slip, -45, 400).astype("timedelta64[D]")
    soonest = as_of_day + rng.integers(14, 120, n).astype("timedelta64[D]")
    forecast = np.maximum(forecast, soonest)
    forecast = np.where(late, as_of_day + rng.integers(30, 180, n).astype("timedelta64[D]"), forecast)
    blank_forecast = ~in_flight | (~late & (rng.random(n) < NO_FORECAST_SHARE))
    forecast = np.where(blank_forecast, np.datetime64("NaT"), forecast)

    names, category = _names(rng, pmo, pmos)
    sponsor = np.empty(n, dtype=object)
    for i, p in enumerate(pmos):
        pools = p.sponsors if isinstance(p.sponsors, Mapping) else {"*": p.sponsors}
        for key in sorted(set(category[pmo == i]), key=str):
            mine = (pmo == i) & (category == key)
            pool = np.array(pools.get(key) or pools["*"], dtype=object)
            sponsor[mine] = pool[rng.integers(0, len(pool), mine.sum())]
    strategic = np.round(np.clip(rng.normal(6.0, 1.8, n), 0, 10), 1)
    mandatory = (rng.random(n) < mandatory_share) & np.isin(status, CANDIDATES)

    projects = pd.DataFrame({
        "project_id": ids, "name": names, "pmo": np.array([p.name for p in pmos], dtype=object)[pmo],
        "sponsor": sponsor, "status": status, "start": _iso(start), "finish": _iso(finish),
        "forecast_finish": _iso(forecast), "bac": bac, "pv": pv, "ev": ev, "ac": ac,
        "strategic_value": strategic, "mandatory": mandatory, "category": category,
    })
    for criterion in criteria or {}:
        projects[f"score_{criterion}"] = np.round(np.clip(strategic + rng.normal(0, 1.5, n), 0, 10), 1)
    plan = {"ids": ids, "status": status, "pmo": pmo, "programme": programme, "start_month": start_month,
            "duration": dur, "bac": bac, "finish": finish, "forecast": forecast, "as_of": as_of_day}
    return projects, plan


def _names(rng, pmo, pmos):
    """Project names and categories from each PMO's subjects and actions; repeats numbered."""
    n = len(pmo)
    names = np.empty(n, dtype=object)
    category = np.empty(n, dtype=object)
    for i, p in enumerate(pmos):
        mine = np.flatnonzero(pmo == i)
        catalogue = [(f"{s} {a}".strip(), c) for s, c in p.subjects.items()
                     for a in (p.actions.get(s) or p.actions.get(c) or p.actions.get("*", ()))]
        pick = (rng.permutation(len(catalogue))[: len(mine)] if len(catalogue) >= len(mine)
                else rng.integers(0, len(catalogue), len(mine)))
        names[mine] = [catalogue[j][0] for j in pick]
        category[mine] = [catalogue[j][1] for j in pick]
    repeat = pd.Series(names).groupby(names).cumcount().to_numpy() + 1
    suffix = np.where(repeat > 1, np.char.add(" ", repeat.astype(str)), "")
    return np.char.add(names.astype(str), suffix).astype(object), category


def _draw_baseline(rng, plan, share):
    has = np.isin(plan["status"], IN_FLIGHT) & (rng.random(len(plan["ids"])) < share)
    return _baseline_rows(plan["ids"][has], plan["start_month"][has], plan["duration"][has], plan["bac"][has])


def _draw_risks(rng, n_risks, plan, probability_scale, impact_scale, owners, threat_titles, opportunity_titles):
    n_projects = len(plan["ids"])
    status, bac = plan["status"], plan["bac"]
    eligible = np.flatnonzero(status != "cancelled")
    weight = np.sqrt(bac[eligible])
    at = eligible[rng.choice(len(eligible), size=n_risks, p=weight / weight.sum())]
    portfolio_level = rng.random(n_risks) < PORTFOLIO_RISK_SHARE
    threat = rng.random(n_risks) < THREAT_SHARE
    categories = np.array(list(threat_titles), dtype=object)
    category = categories[rng.integers(0, len(categories), n_risks)]
    title = np.empty(n_risks, dtype=object)
    for c, options in threat_titles.items():
        mine = threat & (category == c)
        title[mine] = np.array(options, dtype=object)[rng.integers(0, len(options), mine.sum())]
    opportunities = np.array(list(opportunity_titles), dtype=object)
    pick = rng.integers(0, len(opportunities), (~threat).sum())
    title[~threat] = opportunities[pick]
    category[~threat] = np.array(list(opportunity_titles.values()), dtype=object)[pick]
    if probability_scale == "ratio":
        probability = np.round(np.clip(rng.beta(2.0, 4.0, n_risks), 0.05, 0.95), 2)
    else:
        probability = rng.choice(np.arange(1, 6), size=n_risks, p=(0.20, 0.30, 0.25, 0.15, 0.10))
    if impact_scale == "money":
        share = np.clip(rng.lognormal(np.log(0.04), 0.8, n_risks), 0.004, 0.5)
        portfolio_bac = bac[np.isin(status, ("proposed", "active", "on_hold", "closed"))].sum()
        base = np.where(portfolio_level, portfolio_bac * 0.025, bac[at])
        impact = np.maximum(np.round(share * base, -2), 100.0)
    else:
        impact = rng.choice(np.arange(1, 6), size=n_risks, p=(0.15, 0.30, 0.30, 0.17, 0.08))
    owners = np.asarray(owners, dtype=object) if owners is not None else _people(rng, max(5, n_projects // 20))
    owner = owners[rng.integers(0, len(owners), n_risks)]
    closed = (status[at] == "closed") | (rng.random(n_risks) < 0.12)
    project_id = plan["ids"][at].copy()
    project_id[portfolio_level] = None
    return pd.DataFrame({
        "risk_id": _ids("R", n_risks), "project_id": project_id, "title": title,
        "kind": np.where(threat, "threat", "opportunity").astype(object), "probability": probability,
        "impact": impact, "owner": owner, "category": category,
        "status": np.where(closed, "closed", "open").astype(object),
    })


def _draw_dependencies(rng, n_deps, plan, cycle, conflict_share, needed_by_share):
    ids, status, programme = plan["ids"], plan["status"], plan["programme"]
    n = len(ids)
    rank = np.empty(n, dtype=np.int64)  # start order, ties by position: edges go to a lower rank
    rank[np.lexsort((np.arange(n), plan["start_month"]))] = np.arange(n)
    eligible = np.flatnonzero(status != "cancelled")
    order = eligible[np.lexsort((rank[eligible], programme[eligible]))]
    prog_sorted = programme[order]
    first = np.searchsorted(prog_sorted, prog_sorted, side="left")
    pos = np.arange(len(order)) - first  # position within the programme by start
    sources = np.flatnonzero(pos >= 1)
    hubs = eligible[rank[eligible] < np.quantile(rank[eligible], 0.5)] if len(eligible) else eligible
    hubs = rng.choice(hubs, size=max(1, len(eligible) // 50), replace=False) if len(hubs) else hubs

    frm = np.empty(0, dtype=np.int64)
    to = np.empty(0, dtype=np.int64)
    for _ in range(20):
        if len(frm) >= n_deps or not len(sources):
            break
        m = max(16, int((n_deps - len(frm)) * 1.5))
        s = sources[rng.integers(0, len(sources), m)]
        t = first[s] + (rng.random(m) * pos[s]).astype(np.int64)
        new_from, new_to = order[s], order[t]
        cross = rng.random(m) < CROSS_PROGRAMME_SHARE
        if len(hubs):
            hub = hubs[rng.integers(0, len(hubs), m)]
            cross &= rank[new_from] > rank[hub]
            new_to = np.where(cross, hub, new_to)
        frm, to = np.concatenate([frm, new_from]), np.concatenate([to, new_to])
        _, keep = np.unique(frm * n + to, return_index=True)
        keep.sort()
        frm, to = frm[keep], to[keep]
    frm, to = frm[:n_deps], to[:n_deps]

    if cycle:
        a, b, c = _cycle_members(rng, plan, rank, frm, to)
        keep = max(0, n_deps - 3)
        if len(frm) > keep:
            chosen = np.sort(rng.choice(len(frm), size=keep, replace=False))
            frm, to = frm[chosen], to[chosen]
        frm = np.concatenate([frm, [c, b, a]])
        to = np.concatenate([to, [b, a, c]])
        in_cycle = np.zeros(len(frm), dtype=bool)
        in_cycle[-3:] = True
    else:
        in_cycle = np.zeros(len(frm), dtype=bool)

    m = len(frm)
    pred_finish = np.where(np.isnat(plan["forecast"][to]), plan["finish"][to], plan["forecast"][to])
    needed = ~in_cycle & (rng.random(m) < needed_by_share)
    needed_by = np.where(needed, pred_finish + rng.integers(7, 120, m).astype("timedelta64[D]"),
                         np.datetime64("NaT"))
    can_conflict = np.flatnonzero(~in_cycle & np.isin(status[to], CANDIDATES))
    n_conflicts = min(len(can_conflict), round(conflict_share * m))
    conflict = rng.choice(can_conflict, size=n_conflicts, replace=False) if n_conflicts else can_conflict[:0]
    needed_by[conflict] = pred_finish[conflict] - rng.integers(10, 90, n_conflicts).astype("timedelta64[D]")
    kind = rng.choice(np.array(DEPENDENCY_KINDS, dtype=object), size=m, p=DEPENDENCY_KIND_P)
    frame = pd.DataFrame({"from_project": ids[frm], "to_project": ids[to], "needed_by": _iso(needed_by),
                          "kind": kind})
    return frame.sort_values(["from_project", "to_project"], kind="stable").reset_index(drop=True)


def _cycle_members(rng, plan, rank, frm, to):
    """Three in-flight projects, by start order, none of which already reaches another.

    The cycle edges c -> b -> a -> c then make exactly one cycle: any existing
    path between two of them would close a second one.
    """
    in_flight = np.flatnonzero(np.isin(plan["status"], IN_FLIGHT))
    if len(in_flight) < 3:
        raise ValueError("cycle=True needs at least three active or on-hold projects")
    graph = nx.DiGraph(zip(frm.tolist(), to.tolist()))

    def reaches(u: int, v: int) -> bool:
        return u in graph and v in graph and nx.has_path(graph, u, v)

    for _ in range(1000):
        trio = rng.choice(in_flight, size=3, replace=False)
        a, b, c = (int(x) for x in trio[np.argsort(rank[trio])])
        if not (reaches(c, b) or reaches(b, a) or reaches(c, a)):
            return a, b, c
    raise ValueError("cycle=True found no three in-flight projects independent of each other")


def _draw_resources(rng, plan, pmos, roles, n_months, am, n_assignments, short):
    ids, status, pmo = plan["ids"], plan["status"], plan["pmo"]
    n_roles = len(roles)
    role_index = {r: i for i, r in enumerate(roles)}
    w0 = am - n_months // 6
    w1 = w0 + n_months - 1
    sm, dur = plan["start_month"], plan["duration"]
    # Demand window of each project: its plan (for late ones up to the forecast) inside the window.
    end_month = sm + dur - 1
    late_end = plan["forecast"].astype("datetime64[M]").astype(np.int64) + 1970 * 12
    end_month = np.where(~np.isnat(plan["forecast"]), np.maximum(end_month, late_end), end_month)
    lo, hi = np.maximum(sm, w0), np.minimum(end_month, w1)
    wants = np.isin(status, CANDIDATES) & (lo <= hi)

    pairs_p, pairs_r = [], []
    for i, p in enumerate(pmos):
        mine = np.flatnonzero(wants & (pmo == i))
        pool = np.array([role_index[r] for r in (p.roles or roles)], dtype=np.int64)
        if not len(mine) or not len(pool):
            continue
        k = np.minimum(1 + rng.binomial(3, 0.4, len(mine)), len(pool))
        ranked = np.argsort(rng.random((len(mine), len(pool))), axis=1)
        take = np.arange(len(pool))[None, :] < k[:, None]
        pairs_p.append(np.repeat(mine, k))
        pairs_r.append(pool[ranked[take]])
    proj = np.concatenate(pairs_p) if pairs_p else np.empty(0, dtype=np.int64)
    role = np.concatenate(pairs_r) if pairs_r else np.empty(0, dtype=np.int64)
    length = hi[proj] - lo[proj] + 1
    if n_assignments is not None and length.sum() > n_assignments:
        shuffled = rng.permutation(len(proj))
        keep = np.sort(shuffled[np.cumsum(length[shuffled]) <= n_assignments])
        proj, role, length = proj[keep], role[keep], length[keep]
    order = np.lexsort((role, proj))
    proj, role, length = proj[order], role[order], length[order]
    base = rng.choice(np.array([0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]), size=len(proj))

    rep = np.repeat(np.arange(len(proj)), length)
    month = lo[proj][rep] + _group_positions(length)
    p_rep = proj[rep]
    edge = (month == sm[p_rep]) | (month == end_month[p_rep])
    demand = np.round(base[rep] * np.where(edge, 0.5, 1.0), 2)
    assignments = pd.DataFrame({
        "project_id": ids[p_rep], "role": np.array(roles, dtype=object)[role[rep]],
        "month": np.datetime_as_string(_months(month), unit="M").astype(object), "demand_fte": demand,
    })

    # Capacity: one figure per role, above its peak demand, except the over-allocated roles.
    load = np.zeros((n_roles, n_months))
    np.add.at(load, (role[rep], month - w0), demand)
    peak = load.max(axis=1)
    capacity = np.ceil(peak * rng.uniform(1.05, 1.35, n_roles) * 2) / 2
    idle = peak == 0
    capacity[idle] = rng.integers(2, 9, idle.sum()) / 2
    capacity = np.maximum(capacity, 1.0)
    if short is not None:
        chosen = [role_index[r] for r in short] or list(
            np.argsort(-load.sum(axis=1), kind="stable")[: max(1, n_roles // 10)])
        squeeze = rng.uniform(1.2, 1.45, len(chosen))
        capacity[chosen] = np.maximum(0.1, np.round(peak[chosen] / squeeze, 1))
    month_labels = np.datetime_as_string(_months(np.arange(w0, w1 + 1)), unit="M").astype(object)
    capacity_frame = pd.DataFrame({
        "role": np.repeat(np.array(roles, dtype=object), n_months),
        "month": np.tile(month_labels, n_roles),
        "capacity_fte": np.repeat(capacity, n_months),
    })
    return assignments, capacity_frame


# -- writing ------------------------------------------------------------------------

def _cell_text(value: object) -> str:
    """A value as the CSV holds it: blank for missing, whole numbers without '.0', true/false."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        value = round(float(value), 2)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def _cell_value(column: str, value: object) -> object:
    """A value as the workbook holds it: dates as dates, numbers as numbers, blanks empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if column in DATE_COLUMNS:
        return dt.date.fromisoformat(value)
    if isinstance(value, (float, np.floating)):
        value = round(float(value), 2)
        return int(value) if value.is_integer() else value
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_csv_folder(sheets: Mapping[str, pd.DataFrame], folder: str | Path) -> Path:
    """Write each sheet as ``<folder>/<sheet>.csv`` (UTF-8, comma, ``\\n``); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (ABOUT, *SHEETS):
        if name not in sheets:
            continue
        frame = sheets[name]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(frame.columns)
        columns = [[_cell_text(v) for v in frame[c].tolist()] for c in frame.columns]
        writer.writerows(zip(*columns))
        (folder / f"{name}.csv").write_bytes(buffer.getvalue().encode("utf-8"))
    return folder


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write the sheets to one workbook with reproducible bytes; returns the path."""
    path = Path(path)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in (ABOUT, *SHEETS):
        if name not in sheets:
            continue
        frame = sheets[name]
        ws = wb.create_sheet(name)
        ws.append(list(frame.columns))
        columns = [[_cell_value(c, v) for v in frame[c].tolist()] for c in frame.columns]
        for row in zip(*columns):
            ws.append(list(row))
        for j, column in enumerate(frame.columns, start=1):
            letter = openpyxl.utils.get_column_letter(j)
            ws.column_dimensions[letter].width = 34 if column in ("name", "title") else max(11, len(column) + 2)
            if column in DATE_COLUMNS:
                for cell in ws[letter][1:]:
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "B2"
    wb.properties.creator = "pmo-workbench examples/generate_portfolios.py"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_normalise_xlsx(buffer.getvalue()))
    return path


# -- the sample organisations ---------------------------------------------------------

def _where(frame: pd.DataFrame, project_id: str) -> pd.Index:
    return frame.index[frame["project_id"] == project_id]


def _set(frame: pd.DataFrame, project_id: str, **values: object) -> None:
    """Story edit of one project row (on the generator's own frame)."""
    rows = _where(frame, project_id)
    for column, value in values.items():
        frame.loc[rows, column] = value


def _pick(rng: np.random.Generator, frame: pd.DataFrame, mask: pd.Series, k: int = 1) -> list[str]:
    """``k`` project ids drawn from the rows of ``mask``."""
    ids = frame.loc[mask, "project_id"].to_numpy()
    return [str(x) for x in rng.choice(ids, size=k, replace=False)]


def _major_threat(sheets: dict[str, pd.DataFrame], project_id: str, title: str, category: str,
                  probability: float, share: float) -> str:
    """Turn the project's first risk (else the first closed one) into a large open threat; returns its id."""
    risks, projects = sheets["risks"], sheets["projects"]
    bac = float(projects.loc[_where(projects, project_id), "bac"].iloc[0])
    mine = risks.index[risks["project_id"] == project_id]
    row = mine[0] if len(mine) else risks.index[risks["status"].eq("closed")][0]
    risks.loc[row, ["project_id", "title", "kind", "category", "status"]] = [project_id, title, "threat", category,
                                                                               "open"]
    risks.loc[row, "probability"] = probability
    risks.loc[row, "impact"] = round(share * bac, -2)
    return str(risks.loc[row, "risk_id"])


def _with_baseline(sheets: dict[str, pd.DataFrame]) -> pd.Series:
    return sheets["projects"]["project_id"].isin(sheets["baseline"]["project_id"])


def _replace_baseline(sheets: dict[str, pd.DataFrame], project_id: str, first_month: str, months: int,
                      bac: float) -> None:
    """Replace a project's baseline by ``months`` monthly rows from ``first_month`` (``YYYY-MM``)."""
    first = pd.Period(first_month, freq="M")
    rows = _baseline_rows(np.array([project_id], dtype=object), np.array([first.year * 12 + first.month - 1]),
                          np.array([months]), np.array([bac]))
    kept = sheets["baseline"][sheets["baseline"]["project_id"] != project_id]
    sheets["baseline"] = pd.concat([kept, rows], ignore_index=True).sort_values(
        ["project_id", "period_end"], kind="stable").reset_index(drop=True)


def selection_budget(projects: pd.DataFrame, share: float) -> float:
    """About ``share`` of what the candidate projects still need, rounded to 100,000.

    Cost per candidate as selection counts it: BAC for a proposed project, else
    the typical ETC (BAC x AC / EV - AC) or BAC - AC when EV is 0. The budget is
    never below 1.1 x the mandatory projects' cost.
    """
    p = projects[projects["status"].isin(CANDIDATES)]
    bac, ev, ac = (p[c].astype(float) for c in ("bac", "ev", "ac"))
    etc = (bac * ac / ev.where(ev > 0) - ac).fillna((bac - ac).clip(lower=0))
    cost = bac.where(p["status"].eq("proposed"), etc).fillna(0.0)
    mandatory = cost[p["mandatory"].astype(bool)].sum()
    return float(max(round(share * cost.sum(), -5), math.ceil(1.1 * mandatory / 1e5) * 1e5))


KORRIN_AS_OF = "2026-05-31"
STELLBROOK_AS_OF = "2026-08-31"
HARROWMOOR_AS_OF = "2026-03-31"

KORRIN_CORPORATE = PmoProfile(
    "Corporate PMO", share=0.6,
    subjects={
        "Civic Centre": "Capital works", "Harbour Road bridge": "Capital works", "Market hall": "Capital works",
        "Riverside car park": "Capital works", "Sports pavilion": "Capital works", "Crematorium": "Capital works",
        "Westgate library": "Property", "Town hall": "Property", "Northfield leisure centre": "Property",
        "Community hub": "Property", "Depot": "Property", "Museum": "Property", "Bramley children's centre": "Property",
        "Street lighting": "Highways", "Footpath network": "Highways", "Ring road junction": "Highways",
        "Cycle route": "Highways", "Bus shelter": "Highways",
        "Kingsmead estate": "Housing", "Temporary accommodation": "Housing", "Sheltered housing": "Housing",
        "Council homes": "Housing",
        "Flood defence": "Environment", "Coastal path": "Environment", "Recycling centre": "Environment",
        "Urban tree planting": "Environment", "Council fleet": "Environment",
        "Fire safety": "Statutory compliance", "Asbestos": "Statutory compliance",
        "Legionella": "Statutory compliance", "Building safety": "Statutory compliance",
        "Electrical safety": "Statutory compliance",
    },
    actions={
        "Capital works": ("refurbishment", "replacement", "extension", "repairs"),
        "Property": ("refurbishment", "decarbonisation", "roof replacement", "accessibility works"),
        "Highways": ("renewal", "upgrade", "improvement scheme"),
        "Housing": ("regeneration", "retrofit", "new build", "window replacement"),
        "Environment": ("scheme", "improvement programme", "phase 2"),
        "Council fleet": ("electrification", "replacement", "telematics"),
        "Statutory compliance": ("remediation", "surveys and works", "compliance programme"),
    },
    sponsors={"Capital works": ("Director of Place", "Chief Executive"), "Property": ("Head of Property",),
              "Highways": ("Head of Highways",), "Housing": ("Director of Housing",),
              "Environment": ("Director of Environment",),
              "Statutory compliance": ("Head of Property", "Director of Housing")},
    roles=("Project manager", "Business analyst", "Procurement officer", "Quantity surveyor", "Civil engineer",
           "Architect", "Building surveyor", "Change manager"),
    bac_median=600_000.0, cpi_mean=0.995, cpi_sd=0.035, spi_mean=0.955, spi_sd=0.04,
)
KORRIN_DIGITAL = PmoProfile(
    "Digital Services PMO", share=0.4,
    subjects={
        "CRM": "Digital platforms", "Finance system": "Digital platforms", "Planning system": "Digital platforms",
        "Social care case system": "Digital platforms", "Payroll": "Digital platforms",
        "Document management": "Digital platforms", "Libraries catalogue": "Digital platforms",
        "Electoral register system": "Digital platforms",
        "Council tax portal": "Customer services", "Housing repairs app": "Customer services",
        "Parking permits": "Customer services", "Website": "Customer services",
        "Contact centre telephony": "Customer services", "Missed bin reporting": "Customer services",
        "School admissions portal": "Customer services",
        "Network": "Infrastructure", "Laptop estate": "Infrastructure", "Microsoft 365": "Infrastructure",
        "Data centre": "Infrastructure",
        "Data platform": "Data", "Performance dashboards": "Data", "Address gazetteer": "Data",
        "Cyber security": "Statutory compliance", "Records retention": "Statutory compliance",
        "Web accessibility": "Statutory compliance", "PSN": "Statutory compliance",
    },
    actions={
        "Digital platforms": ("replacement", "upgrade", "cloud migration"),
        "Customer services": ("redesign", "rollout", "self-service"),
        "Infrastructure": ("refresh", "migration", "consolidation"),
        "Data": ("build", "rollout"),
        "Statutory compliance": ("remediation", "compliance programme"),
    },
    sponsors={"Digital platforms": ("Chief Digital Officer", "Director of Resources", "Director of Adult Social Care"),
              "Customer services": ("Head of Customer Services", "Director of Children's Services"),
              "Infrastructure": ("Chief Digital Officer",), "Data": ("Director of Resources",),
              "Statutory compliance": ("Chief Digital Officer",)},
    roles=("Project manager", "Business analyst", "Solution architect", "Software developer", "Test analyst",
           "Data analyst", "Change manager", "Procurement officer"),
    bac_median=250_000.0, cpi_mean=0.94, cpi_sd=0.04, spi_mean=0.985, spi_sd=0.035,
)
KORRIN_ROLES = ("Project manager", "Business analyst", "Procurement officer", "Quantity surveyor", "Civil engineer",
                "Architect", "Building surveyor", "Solution architect", "Software developer", "Test analyst",
                "Data analyst", "Change manager")
KORRIN_CRITERIA = {"community_outcomes": 0.40, "statutory_risk": 0.25, "financial_benefit": 0.20,
                   "deliverability": 0.15}


def korrin(seed: int = SEED) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """Korrin Regional Council: 160 projects, two PMOs, criteria, deliberate data-quality flaws."""
    sheets = build_portfolio(
        160, 480, 70, len(KORRIN_ROLES), 24, seed=seed, as_of=KORRIN_AS_OF, overallocate=True,
        overallocated_roles=("Business analyst", "Procurement officer"), pmos=(KORRIN_CORPORATE, KORRIN_DIGITAL),
        roles=KORRIN_ROLES, criteria=KORRIN_CRITERIA, owners=_people(np.random.default_rng(seed + 1), 16),
        conflict_share=0.04, mandatory_share=0.0, prefix="KRC",
    )
    rng = np.random.default_rng(seed + 2)
    p = sheets["projects"]
    p["mandatory"] = p["category"].eq("Statutory compliance") & p["status"].isin(CANDIDATES)
    active = p["status"].eq("active")
    late = active & (p["finish"] < KORRIN_AS_OF)
    # The stale project: a closed one put back to "active", finish 2025-03-31, no forecast.
    stale = _pick(rng, p, p["status"].eq("closed") & p["pmo"].eq("Corporate PMO"))[0]
    bac = float(p.loc[_where(p, stale), "bac"].iloc[0])
    _set(p, stale, status="active", start="2023-10-01", finish="2025-03-31", forecast_finish=None, pv=bac,
         ev=round(bac * 0.93, 2), ac=round(bac * 0.93 / 0.95, 2))
    _replace_baseline(sheets, stale, "2023-10", 18, bac)
    healthy = active & ~late & _with_baseline(sheets) & ~p["project_id"].eq(stale)
    no_sponsor = _pick(rng, p, healthy & p["pmo"].eq("Digital Services PMO"), 3)
    for project_id in no_sponsor:
        _set(p, project_id, sponsor=None)
    rest = healthy & ~p["project_id"].isin(no_sponsor)
    no_budget = _pick(rng, p, rest & p["pmo"].eq("Digital Services PMO"))[0]
    _set(p, no_budget, bac=np.nan)
    sheets["baseline"] = sheets["baseline"][sheets["baseline"]["project_id"] != no_budget].reset_index(drop=True)
    over = _pick(rng, p, rest & p["pmo"].eq("Corporate PMO") & ~p["project_id"].eq(no_budget))[0]
    bac = float(p.loc[_where(p, over), "bac"].iloc[0])
    _set(p, over, ev=round(bac * 1.04, 2), ac=round(bac * 1.04 / 0.97, 2))
    # Two major threats on the largest active project of each PMO (PMBOK 4 x 4 = 16: red).
    big = p[active & p["project_id"].isin(sheets["risks"]["project_id"])].sort_values("bac", ascending=False)
    major = [
        _major_threat(sheets, big.loc[big["pmo"].eq("Corporate PMO"), "project_id"].iloc[0],
                      "Main contractor enters administration", "Supplier", 0.65, 0.45),
        _major_threat(sheets, big.loc[big["pmo"].eq("Digital Services PMO"), "project_id"].iloc[0],
                      "Legacy data quality worse than assumed", "Technical", 0.70, 0.42),
    ]
    risks = sheets["risks"]
    ownerless = rng.choice(risks.index[risks["status"].eq("open") & ~risks["risk_id"].isin(major)], size=3,
                           replace=False)
    risks.loc[ownerless, "owner"] = None
    story = {"stale_active": stale, "no_sponsor": no_sponsor, "no_budget": no_budget, "ev_over_bac": over,
             "ownerless_risks": sorted(risks.loc[ownerless, "risk_id"]), "major_threats": major}
    return sheets, story


STELLBROOK_STAGES = {
    "lead optimisation": "Discovery", "IND-enabling toxicology": "Preclinical", "Phase I study": "Clinical",
    "Phase II study": "Clinical", "Phase III study": "Clinical", "formulation development": "CMC",
    "process scale-up": "CMC", "regulatory submission": "Regulatory", "pharmacokinetics study": "Clinical",
}
STELLBROOK = PmoProfile(
    "R&D Portfolio Office",
    # One project per compound (SB-101, SB-112, ... every 11th number; SB-204 is kept for the story).
    subjects={
        **{f"SB-{number} {stage}": STELLBROOK_STAGES[stage]
           for number, stage in zip(range(101, 600, 11), itertools.cycle(STELLBROOK_STAGES))},
        "Clinical data platform": "Platform", "Electronic trial master file": "Platform", "LIMS": "Platform",
        "Sample management system": "Platform",
    },
    actions={"*": ("",), "Platform": ("implementation", "upgrade")},
    sponsors={"Discovery": ("Head of Discovery",), "Preclinical": ("Head of Discovery", "Chief Scientific Officer"),
              "Clinical": ("Head of Clinical Development", "Chief Medical Officer"), "CMC": ("Head of CMC",),
              "Regulatory": ("VP Regulatory Affairs",),
              "Platform": ("Chief Scientific Officer", "Head of Clinical Development")},
    bac_median=2_500_000.0, cpi_mean=0.97, cpi_sd=0.04, spi_mean=0.95, spi_sd=0.05,
)
STELLBROOK_ROLES = ("Clinical data manager", "Biostatistician", "Statistical programmer", "Clinical research associate",
                    "Medical writer", "Regulatory affairs specialist", "Pharmacologist", "Medicinal chemist",
                    "CMC scientist", "Project manager")
STELLBROOK_RISKS = {
    "Clinical": ("Patient recruitment slower than planned", "Safety signal pauses dosing",
                 "Trial site activation delayed"),
    "Regulatory": ("Regulator requests an additional study", "Scientific advice meeting slips",
                   "Paediatric plan not agreed in time"),
    "Supplier": ("CRO misses the database-lock milestone", "Comparator drug supply shortage",
                 "Single-source supplier of the active ingredient"),
    "Resourcing": ("Clinical data managers double-booked across studies", "Biostatistics capacity below plan",
                   "Principal investigator leaves"),
    "Technical": ("Assay fails validation", "Formulation unstable at scale", "Toxicology finding in a second species"),
    "Quality": ("Audit finding at a trial site", "GMP deviation at the contract manufacturer",
                "Data integrity issue in the EDC system"),
    "Commercial": ("Competitor reaches the market first", "Payers cut the pricing assumption",
                   "Partner withdraws co-funding"),
}
STELLBROOK_OPPORTUNITIES = {
    "Adaptive design shortens the study": "Clinical", "Orphan designation brings fee reductions": "Regulatory",
    "Shared control arm with a sister study": "Clinical", "Accelerated assessment granted": "Regulatory",
    "Real-world data replaces a comparator arm": "Technical",
}
STELLBROOK_CRITERIA = {"unmet_medical_need": 0.40, "commercial_value": 0.35, "technical_success": 0.25}


def stellbrook(seed: int = SEED + 10) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """Stellbrook Pharmaceuticals: 40 projects, a dependency cycle, conflicts, over-allocated specialists."""
    sheets = build_portfolio(
        40, 160, 45, len(STELLBROOK_ROLES), 24, seed=seed, as_of=STELLBROOK_AS_OF, cycle=True, overallocate=True,
        overallocated_roles=("Clinical data manager", "Biostatistician"), pmos=(STELLBROOK,),
        roles=STELLBROOK_ROLES, criteria=STELLBROOK_CRITERIA, probability_scale="ordinal",
        impact_scale="ordinal", status_mix=(0.20, 0.50, 0.08, 0.14, 0.08),
        owners=_people(np.random.default_rng(seed + 1), 12), risk_titles=STELLBROOK_RISKS,
        opportunity_titles=STELLBROOK_OPPORTUNITIES, conflict_share=0.12, mandatory_share=0.05, prefix="STB",
    )
    graph = nx.DiGraph(list(zip(sheets["dependencies"]["from_project"], sheets["dependencies"]["to_project"])))
    (cycle,) = list(nx.simple_cycles(graph))  # build_portfolio makes exactly one
    # Name them in cycle order from the smallest id (simple_cycles' starting node
    # depends on string hashing): study needs diagnostic needs assay needs study.
    study = min(cycle)
    (diagnostic,) = [v for v in graph.successors(study) if v in cycle]
    (assay,) = [v for v in graph.successors(diagnostic) if v in cycle]
    p = sheets["projects"]
    _set(p, study, name="SB-204 Phase II study", category="Clinical", sponsor="Head of Clinical Development")
    _set(p, diagnostic, name="SB-204 companion diagnostic", category="Clinical", sponsor="Chief Medical Officer")
    _set(p, assay, name="Biomarker assay validation", category="Preclinical", sponsor="Head of Discovery")
    return sheets, {"cycle": [study, diagnostic, assay]}


HARROWMOOR = PmoProfile(
    "Capital Programmes PMO",
    subjects={
        "Ashby water treatment works": "Water treatment", "Fellgate water treatment works": "Water treatment",
        "Brinscombe borehole": "Water treatment", "Moorside sewage works": "Wastewater",
        "Carrbridge sewage works": "Wastewater", "Storm overflow": "Wastewater", "Trunk main": "Networks",
        "Lead pipe": "Networks", "Pumping station": "Networks", "Smart meter": "Networks",
        "Hollins reservoir": "Reservoirs", "Telemetry": "Digital and telemetry", "SCADA": "Digital and telemetry",
    },
    actions={
        "Water treatment": ("upgrade", "UV disinfection", "resilience scheme"),
        "Moorside sewage works": ("upgrade", "phosphorus removal", "capacity increase"),
        "Carrbridge sewage works": ("upgrade", "phosphorus removal", "capacity increase"),
        "Storm overflow": ("improvements", "monitoring", "storage tanks"),
        "Trunk main": ("replacement", "renewal", "duplication"),
        "Lead pipe": ("replacement",), "Pumping station": ("refurbishment", "renewal"),
        "Smart meter": ("rollout",), "Hollins reservoir": ("spillway upgrade", "dam safety works"),
        "Digital and telemetry": ("replacement", "upgrade"),
    },
    sponsors={"Water treatment": ("Director of Water Services",), "Networks": ("Director of Water Services",),
              "Wastewater": ("Director of Wastewater Services",), "Reservoirs": ("Director of Capital Delivery",),
              "Digital and telemetry": ("Head of Asset Management",)},
    roles=None, bac_median=3_000_000.0, cpi_mean=1.0, cpi_sd=0.03, spi_mean=0.99, spi_sd=0.03,
)
HARROWMOOR_RISKS = {
    "Delivery": ("Outage window for the works not granted", "Late design sign-off delays construction",
                 "Commissioning takes longer than planned"),
    "Supplier": ("Main contractor enters administration", "Long lead time on pumps and valves",
                 "Framework contractor at capacity"),
    "Technical": ("Ground conditions differ from the survey", "Unrecorded buried services found",
                  "Process performance below design at commissioning"),
    "Regulatory": ("Environmental permit granted late", "Drinking water standard tightened",
                   "Planning consent challenged"),
    "Financial": ("Construction inflation above the budget assumption", "Energy prices raise operating costs",
                  "Carbon price changes the option appraisal"),
    "Stakeholder": ("Residents object to road closures", "Landowner refuses access",
                    "Customer supply interruptions during switchover"),
    "Environmental": ("Protected species found on site", "Pollution incident during the works",
                      "Flooding of the site compound"),
}
HARROWMOOR_OPPORTUNITIES = {
    "Framework contract lowers unit rates": "Supplier", "Combine road closures with a neighbouring scheme":
    "Stakeholder", "Off-site manufacture shortens the build": "Delivery", "Re-use of existing structures":
    "Technical", "Innovation fund pays for the pilot": "Financial",
}
HARROWMOOR_ROLES = ("Project manager", "Civil engineer", "Process engineer", "MEICA engineer", "Quantity surveyor",
                    "Planner", "Environmental scientist", "Telemetry engineer")


def harrowmoor(seed: int = SEED + 20) -> tuple[dict[str, pd.DataFrame], dict[str, object]]:
    """Harrowmoor Water Services: 25 projects, healthy-ish with a few reds, no criteria."""
    sheets = build_portfolio(
        25, 75, 14, len(HARROWMOOR_ROLES), 24, seed=seed, as_of=HARROWMOOR_AS_OF, pmos=(HARROWMOOR,),
        roles=HARROWMOOR_ROLES, status_mix=(0.12, 0.62, 0.0, 0.22, 0.04),
        owners=_people(np.random.default_rng(seed + 1), 8), risk_titles=HARROWMOOR_RISKS,
        opportunity_titles=HARROWMOOR_OPPORTUNITIES, conflict_share=0.0, mandatory_share=0.0,
        prefix="HWS",
    )
    rng = np.random.default_rng(seed + 2)
    p = sheets["projects"]
    candidates = p["status"].eq("active") & (p["finish"] > HARROWMOOR_AS_OF) & _with_baseline(sheets)
    sludge, kelder, paused = _pick(rng, p, candidates, 3)
    row = p.loc[_where(p, sludge)].iloc[0]
    _set(p, sludge, name="Sludge treatment centre upgrade", category="Wastewater",
         sponsor="Director of Wastewater Services", ac=round(row["ev"] / 0.84, 2))
    row = p.loc[_where(p, kelder)].iloc[0]
    ev = round(row["pv"] * 0.82, 2)
    forecast = (pd.Timestamp(row["finish"]) + pd.DateOffset(months=6)).date().isoformat()
    _set(p, kelder, name="Kelder reservoir dam safety works", category="Reservoirs",
         sponsor="Director of Capital Delivery", ev=ev,
         ac=round(ev / 0.99, 2), forecast_finish=forecast, mandatory=True)
    # Reservoir safety and storm overflow schemes are regulatory obligations.
    p.loc[p["name"].str.startswith("Storm overflow") & p["status"].isin(CANDIDATES), "mandatory"] = True
    row = p.loc[_where(p, paused)].iloc[0]
    ev = round(row["pv"] * 0.86, 2)
    _set(p, paused, status="on_hold", ev=ev, ac=round(ev / 1.0, 2))
    major = _major_threat(sheets, kelder, "Ground conditions differ from the survey", "Technical", 0.70, 0.45)
    return sheets, {"cost_red": sludge, "schedule_red": kelder, "on_hold": paused, "major_threat": major}


SAMPLES = (
    # organisation, path under portfolios/, builder, as_of, share of candidate cost for the budget
    ("Korrin Regional Council", "korrin-regional-council.xlsx", korrin, KORRIN_AS_OF, 0.55),
    ("Stellbrook Pharmaceuticals", "stellbrook-pharmaceuticals.xlsx", stellbrook, STELLBROOK_AS_OF, 0.65),
    ("Harrowmoor Water Services", "harrowmoor-water-services", harrowmoor, HARROWMOOR_AS_OF, 0.75),
)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the sample portfolio workbooks.")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write to (default: portfolios/ next to "
                        "this script)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    dates = []
    for organisation, relative, builder, as_of, share in SAMPLES:
        sheets, story = builder()
        sheets.update(_DELIVERY.delivery_sheets(organisation, sheets, as_of, SEED + 50 + len(dates)))
        sheets = _LABELS.add_labels(organisation, sheets)
        sheets = _sample_generator("portfolio_history.py").add_history(sheets, as_of)
        sheets = {ABOUT: about_sheet(organisation, sheets["projects"], as_of), **sheets}
        target = out / relative
        if relative.endswith(".xlsx"):
            write_xlsx(sheets, target)
        else:
            for stale in (target / f"{name}.csv" for name in SHEETS if name not in sheets):
                stale.unlink(missing_ok=True)
            write_csv_folder(sheets, target)
        budget = selection_budget(sheets["projects"], share)
        dates.append({"organisation": organisation, "portfolio": relative, "budget": budget,
                      "fy_start": _DELIVERY.FY_STARTS[organisation]})
        sizes = ", ".join(f"{name} {len(frame)}" for name, frame in sheets.items())
        print(f"wrote {relative}: {sizes}; budget {budget:,.0f}; story {story}")
    (out / "status_dates.csv").unlink(missing_ok=True)  # the status dates live in each portfolio's about sheet
    _write_budgets(dates, out)


def about_sheet(organisation: str, projects: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The ``about`` sheet: the status date the figures are as of, the currency of the money, the organisation."""
    currency = projects["currency"].dropna().iloc[0] if "currency" in projects else None
    return pd.DataFrame([{"status_date": str(as_of)[:10], "currency": currency, "organisation": organisation}])


def _write_budgets(rows: list[dict[str, object]], out: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["organisation", "portfolio", "budget", "fy_start"])
    writer.writerows([r["organisation"], r["portfolio"], _cell_text(r["budget"]), r["fy_start"]] for r in rows)
    (out / "budgets.csv").write_bytes(buffer.getvalue().encode("utf-8"))
    print(f"wrote budgets.csv ({len(rows)} organisations)")


if __name__ == "__main__":
    main()
