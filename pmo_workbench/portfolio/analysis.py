"""One call that runs every portfolio analysis on a validated :class:`Portfolio`.

:func:`analyse_portfolio` returns a frozen :class:`PortfolioAnalysis`; the
report notebook, the CLI and the benchmark all go through it, so they show the
same numbers. ``to_dict()`` is the JSON the CLI prints.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._values import date_value, money, money_heading, project_label
from ..i18n import _
from .breakdown import DIMENSIONS, breakdown, pmo_pressure, pmo_view, unaligned
from .capacity import ResourceAnalysis, resource_load
from .delivery import HORIZON_DAYS, BenefitAnalysis, MilestoneAnalysis, analyse_benefits, analyse_milestones
from .dependencies import DependencyAnalysis, analyse_dependencies
from .evm import eac_difference, earned_value, rollup
from .finance import FY_START, FinanceAnalysis, analyse_finance, check_fy_start
from .labels import report_date
from .model import CHECK_ESTIMATE, CLOSED, EAC_METHODS, IN_FLIGHT, Finding, Portfolio, Thresholds, parse_band
from .quality import data_quality
from .risk import PORTFOLIO_KEY, RiskAnalysis, analyse_risks, key_word
from .limits import current_limits
from .selection import Selection, frontier_words, select_with_frontier, selection_candidates, weighted_scores
from .status import STALE_AFTER_DAYS, future_findings, stale_updates
from .trends import Trends, combine_history, history_from_portfolios, no_trend_reason, portfolio_trends, \
    reported_against_computed, reported_findings, reported_sources, same_day_findings, stale_findings

MONEY_DECIMALS = 2
INDEX_DECIMALS = 4
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

_MONEY = frozenset({
    "pv", "ev", "ac", "bac", "cv", "sv", "eac", "etc", "vac", "cost", "total_cost", "budget", "emv", "threat_emv",
    "opportunity_emv", "net_emv", "contingency", "impact", "eac_index", "closed_bac", "closed_ac",
    "in_year_budget", "actual_to_date", "forecast_remaining", "outturn", "variance", "cumulative_budget",
    "cumulative_outturn", "actual", "forecast", "planned", "realised", "shortfall", "forecast_planned",
    "forecast_shortfall", "unplanned_realised",
})
_WHOLE = frozenset({"row", "source_row", "slip_days", "days_to_go", "age_days"})
"""Keys whose values are whole numbers (spreadsheet rows, day counts): integers in the JSON."""


@dataclass(frozen=True)
class PortfolioAnalysis:
    """Everything the portfolio report shows, computed once.

    Attributes
    ----------
    portfolio
        The validated input.
    as_of
        The status date the analysis is for.
    evm
        One row per project: earned value, earned schedule and RAG
        (see :func:`pmo_workbench.portfolio.evm.earned_value`).
    totals
        The headline roll-up of the in-flight projects (active, on hold) from summed PV, EV, AC and
        BAC; its ``eac`` is the sum of project EACs, ``eac_index`` BAC / CPI of the sums
        (see :func:`pmo_workbench.portfolio.evm.rollup`).
    closed_totals
        The same roll-up of the closed projects, shown apart (their SPI is 1.0 by construction).
    by_pmo
        The headline figures and RAG counts per PMO, each including the PMOs under it when the
        workbook has a ``pmos`` sheet (:func:`pmo_workbench.portfolio.breakdown.pmo_view`), with the
        threat exposure and over-allocated role-months of the same projects
        (:func:`pmo_workbench.portfolio.breakdown.pmo_pressure`), or ``None``.
    by_sponsor, by_category, by_objective
        The same per sponsor, category and strategic objective
        (:func:`pmo_workbench.portfolio.breakdown.breakdown`), ``None`` when no project gives one.
    risks, resources, dependencies
        Results of the optional sheets, ``None`` when the sheet is absent.
    milestones, benefits, finance
        Milestones and stage gates, benefits, and the financial year from the ``financials`` sheet
        (:mod:`pmo_workbench.portfolio.delivery`, :mod:`pmo_workbench.portfolio.finance`), ``None`` when the
        sheet is absent.
    scores
        Weighted criteria score (or strategic value) per candidate project,
        ``None`` when the portfolio has neither.
    candidates
        Projects selection may fund, with cost and value (``None`` as ``scores``).
    selection
        The best set within ``budget``, ``None`` when no budget was given.
    frontier
        Best value per budget over a range of budgets, or ``None``.
    findings
        Data-quality and analysis findings, errors first.
    unvalued
        Candidates with no value (no criteria score or strategic value): selection
        counts them as 0, so leaving them out is no verdict on them.
    currency
        The ISO 4217 code of the money (:func:`choose_currency`), or ``None`` for plain numbers.
    trends
        Earned value and RAG through the status history (:func:`pmo_workbench.portfolio.trends.portfolio_trends`),
        ``None`` without a status report dated before ``as_of``.
    stale
        The in-flight projects whose last status update is older than ``stale_days``
        (:func:`pmo_workbench.portfolio.status.stale_updates`), ``None`` when the workbook gives no status date.
    stale_days
        The age in days past which a status update is stale.
    """

    portfolio: Portfolio
    as_of: pd.Timestamp
    eac_method: str
    thresholds: Thresholds
    evm: pd.DataFrame
    totals: Mapping[str, Any]
    currency: str | None = None
    closed_totals: Mapping[str, Any] = field(default_factory=dict)
    by_pmo: pd.DataFrame | None = None
    by_sponsor: pd.DataFrame | None = None
    by_category: pd.DataFrame | None = None
    by_objective: pd.DataFrame | None = None
    risks: RiskAnalysis | None = None
    resources: ResourceAnalysis | None = None
    dependencies: DependencyAnalysis | None = None
    milestones: MilestoneAnalysis | None = None
    benefits: BenefitAnalysis | None = None
    finance: FinanceAnalysis | None = None
    scores: pd.Series | None = None
    candidates: pd.DataFrame | None = None
    selection: Selection | None = None
    frontier: pd.DataFrame | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    unvalued: tuple[str, ...] = ()
    trends: Trends | None = None
    stale: pd.DataFrame | None = None
    stale_days: int = STALE_AFTER_DAYS
    time_limit: float = float("nan")
    """Seconds the selection and the frontier were given together (NaN when neither was computed)."""

    def frontier_words(self) -> str | None:
        """A sentence saying that the time limit stopped the frontier, with its largest gap (``None`` when it
        did not)."""
        return frontier_words(self.frontier, self.time_limit)

    def headline(self) -> dict[str, Any]:
        """The figures of the report's headline tiles: counts, the in-flight RAG counts and indices, the
        portfolio EAC (the sum of project EACs) with the index-based forecast beside it, and closed work."""
        evm = self.evm
        in_flight = evm["status"].isin(IN_FLIGHT)
        active = evm["status"].eq("active")
        top = None
        if self.risks is not None and len(self.risks.by_project):
            first = self.risks.by_project.iloc[0]
            if _number(first.get("threat_emv")) or _number(first.get("threat_score")):
                top = {"project_id": first.iloc[0], "threat_emv": _number(first.get("threat_emv")),
                       "threat_score": _number(first.get("threat_score")), "share": _number(first.get("share"))}
        return {
            "projects": int(len(evm)),
            "active": int(active.sum()),
            "in_flight": int(in_flight.sum()),
            "red": int((in_flight & evm["rag"].eq("red")).sum()),
            "amber": int((in_flight & evm["rag"].eq("amber")).sum()),
            "green": int((in_flight & evm["rag"].eq("green")).sum()),
            "check_estimate": int((in_flight & evm["rag"].eq(CHECK_ESTIMATE)).sum()),
            "closed": int(evm["status"].isin(CLOSED).sum()),
            "overdue": int(evm["overdue"].sum()),
            "cpi": self.totals.get("cpi"),
            "spi": self.totals.get("spi"),
            "bac": self.totals.get("bac"),
            "eac": self.totals.get("eac"),
            "eac_index": self.totals.get("eac_index"),
            "vac": self.totals.get("vac"),
            "closed_bac": self.closed_totals.get("bac"),
            "closed_ac": self.closed_totals.get("ac"),
            "closed_cpi": self.closed_totals.get("cpi"),
            "top_exposure": top,
            "errors": sum(f.severity == "error" for f in self.findings),
            "warnings": sum(f.severity == "warning" for f in self.findings),
        }

    def breakdowns(self) -> dict[str, pd.DataFrame]:
        """The breakdowns the workbook allows, ``{column: frame}`` in the order of ``DIMENSIONS``."""
        frames = {"pmo": self.by_pmo, "sponsor": self.by_sponsor, "category": self.by_category,
                  "objective": self.by_objective}
        return {key: frames[key] for key in DIMENSIONS if frames[key] is not None}

    def money(self, value: Any, *, full: bool = False) -> str:
        """An amount in the portfolio's currency, as :func:`pmo_workbench._values.money` writes it."""
        return money(value, self.currency, full=full)

    def money_heading(self, label: str) -> str:
        """The heading of a money column in the portfolio's currency: ``"BAC (£)"``."""
        return money_heading(label, self.currency)

    def project_names(self) -> dict[str, str]:
        """Each project id with its label for a reader, ``"P-001 — Payroll upgrade"`` (the id alone without a name)."""
        projects = self.portfolio.projects
        names = projects["name"] if "name" in projects else pd.Series(None, index=projects.index)
        return {PORTFOLIO_KEY: key_word(PORTFOLIO_KEY),  # the row of portfolio-level risks
                **{str(i): project_label(i, n) for i, n in zip(projects["project_id"], names)}}

    def eac_note(self, money=None) -> str | None:
        """The plain sentence on why the portfolio EAC differs from BAC ÷ CPI (``money`` formats amounts)."""
        return eac_difference(dict(self.totals)) if money is None else eac_difference(dict(self.totals), money)

    def findings_frame(self) -> pd.DataFrame:
        """The findings as a table: severity, check, project_id, sheet, row, message."""
        columns = ["severity", "check", "project_id", "sheet", "row", "message"]
        return pd.DataFrame([{c: getattr(f, c) for c in columns} for f in self.findings], columns=columns)

    def to_dict(self) -> dict[str, Any]:
        """The analysis as JSON-ready data: money to 2 decimals, indices to 4, ``None`` for what is absent."""
        project_columns = ["project_id", "status", "cv", "sv", "cpi", "spi", "eac", "etc", "vac", "tcpi", "es",
                           "spi_t", "schedule_basis", "rag_cost", "rag_schedule", "rag"]
        portfolio_keys = ["pv", "ev", "ac", "bac", "cv", "sv", "cpi", "spi", "eac", "eac_index", "vac", "projects",
                          "excluded", "eac_from_bac"]
        return {
            "as_of": self.as_of.date().isoformat(),
            "eac_method": self.eac_method,
            "currency": self.currency,
            "thresholds": {"green": list(self.thresholds.green), "amber": list(self.thresholds.amber)},
            "stale_days": self.stale_days,
            "projects": _records(self.evm[project_columns]),
            "portfolio": {k: _round(k, self.totals.get(k)) for k in portfolio_keys},
            "closed": {k: _round(k, self.closed_totals.get(k)) for k in portfolio_keys},
            **{f"by_{key}": None if frame is None else _records(frame) for key, frame in (
                ("pmo", self.by_pmo), ("sponsor", self.by_sponsor), ("category", self.by_category),
                ("objective", self.by_objective))},
            "headline": _jsonable(self.headline()),
            "risks": None if self.risks is None else {
                "totals": _jsonable(self.risks.totals),
                "by_project": _records(self.risks.by_project),
                "by_category": _records(self.risks.by_category),
                "by_owner": _records(self.risks.by_owner),
                "concentration": _jsonable(self.risks.concentration),
            },
            "resources": None if self.resources is None else {
                "totals": _jsonable(self.resources.totals),
                "by_role": _records(self.resources.by_role),
                "over_allocations": _records(self.resources.over_allocations),
            },
            "dependencies": None if self.dependencies is None else {
                "cycles": [list(c) for c in self.dependencies.cycles],
                "longest_chain": list(self.dependencies.longest_chain),
                "longest_chain_days": _jsonable(self.dependencies.longest_chain_days),
                "links_at_risk": _records(self.dependencies.links.head(10)),
                "most_depended_on": _records(self.dependencies.projects.query("dependents > 0").head(10)[
                    ["project_id", "dependents", "blast_radius"]]),
                "waves": int(self.dependencies.waves["wave"].max()) if len(self.dependencies.waves) else 0,
                "conflicts": _records(self.dependencies.conflicts),
            },
            **_delivery_blocks(self),
            "selection": None if self.selection is None else {
                "status": self.selection.status,
                "budget": _round("budget", self.selection.budget),
                "selected": list(self.selection.selected),
                "total_cost": _round("cost", self.selection.total_cost),
                "total_value": _round("value", self.selection.total_value),
                "notes": list(self.selection.notes),
                "solver": self.selection.solver(),
            },
            "frontier": None if self.frontier is None else _records(self.frontier),
            "findings": _records(self.findings_frame()),
            "trends": None if self.trends is None else self.trends.to_dict(),
            "stale_updates": None if self.stale is None else _records(self.stale),
        }


def analyse_portfolio(
    portfolio: Portfolio,
    *,
    as_of: dt.date | str | pd.Timestamp | None = None,
    budget: float | None = None,
    thresholds: Thresholds | Mapping[str, Sequence[float]] | None = None,
    eac_method: str = "typical",
    frontier: bool | None = None,
    frontier_points: int = 12,
    fy_start: int = FY_START,
    horizon_days: int = HORIZON_DAYS,
    currency: str | None = None,
    stale_days: int = STALE_AFTER_DAYS,
    history: Sequence[tuple[Portfolio, dt.date | str | pd.Timestamp]] = (),
    time_limit: float | None = None,
) -> PortfolioAnalysis:
    """Run every analysis the portfolio's sheets allow.

    Parameters
    ----------
    portfolio
        A validated portfolio (:func:`pmo_workbench.portfolio.read_portfolio`).
    as_of
        The status date; when ``None``, the workbook's own (``Portfolio.status_date``, from its ``about`` sheet),
        else today (:func:`default_as_of` says which, and the latest status date in the data).
    budget
        Money available for the projects still to fund; selection runs only when given.
    thresholds
        RAG bands, a :class:`Thresholds` or a mapping ``{"green": (lo, hi), "amber": (lo, hi)}``.
    eac_method
        ``"typical"`` (BAC/CPI), ``"atypical"`` (AC + BAC - EV) or ``"cost_schedule"``.
    frontier
        Compute the efficient frontier; by default only when a budget is given.
    frontier_points
        Number of budgets on the frontier.
    fy_start
        First month of the financial year, 1-12 (1 = January, 4 = April), for the ``financials`` sheet.
    horizon_days
        How many days ahead a milestone or stage gate counts as upcoming (a setting).
    currency
        The ISO 4217 code of the money when the workbook has no ``currency`` column (see
        :func:`choose_currency`); ``None``: the workbook's, else plain numbers.
    stale_days
        Age in days past which a project's last status update is stale (a setting; default
        :data:`pmo_workbench.portfolio.status.STALE_AFTER_DAYS`).
    history
        Earlier workbooks with the status date of their figures, added to the ``status_history`` sheet
        (:func:`pmo_workbench.portfolio.trends.combine_history`: the sheet wins on the same project and date).
    time_limit
        Seconds the selection and the frontier may take together, from the moment the candidates are drawn up
        (the selection up to :data:`~pmo_workbench.portfolio.limits.SELECTION_SHARE` of it when the frontier
        follows); each stops at its part with the best set found and its gap. By default the limit of
        :func:`~pmo_workbench.portfolio.solve.solver_limits` in force.

    Returns
    -------
    PortfolioAnalysis

    Raises
    ------
    ValueError
        For an unknown EAC method or currency code, or a currency that differs from the workbook's.
    InputValidationError
        For an ``as_of`` that is not a date from 1950 to 2150 (its one problem names ``as_of``).
    """
    today_note = []
    if as_of is None:
        as_of = portfolio.status_date
        if as_of is None:
            today_note = [Finding("info", "no_status_date", _(
                "The workbook gives no status date (an about sheet with status_date) and none was passed: it is "
                "analysed as of today, {date}").format(date=report_date(pd.Timestamp(dt.date.today()))))]
    if as_of is not None:  # a status date outside 1950-2150 is the caller's located problem, not a pandas overflow
        as_of = date_value(as_of, where="as_of")
    as_of = pd.Timestamp(dt.date.today() if as_of is None else as_of).normalize()
    thresholds = make_thresholds(thresholds)
    if eac_method not in EAC_METHODS:
        raise ValueError(f"unknown EAC method {eac_method!r}; expected one of {', '.join(EAC_METHODS)}")
    fy_start = check_fy_start(fy_start)
    p = portfolio
    currency = choose_currency(p.currency, currency)
    evm = earned_value(p.projects, p.baseline, as_of=as_of, eac_method=eac_method, thresholds=thresholds)
    totals = rollup(evm, eac_method=eac_method)
    closed_totals = rollup(evm, eac_method=eac_method, statuses=CLOSED)
    by_pmo, pmo_findings = pmo_view(evm, p.pmos, eac_method=eac_method)
    by = {key: breakdown(evm, key, eac_method=eac_method) for key in ("sponsor", "category", "objective")}
    risks = None
    if p.risks is not None:
        risks = analyse_risks(p.risks, p.projects, probability_scale=p.probability_scale,
                              impact_scale=p.impact_scale)
    resources = None
    if p.assignments is not None:
        resources = resource_load(p.assignments, p.capacity, p.projects)
    dependencies = None
    if p.dependencies is not None:
        dependencies = analyse_dependencies(p.dependencies, p.projects, as_of=as_of)
    milestones = benefits = finance = None
    if p.milestones is not None:
        milestones = analyse_milestones(p.milestones, p.projects, as_of, horizon_days=horizon_days, pmos=p.pmos)
    if p.benefits is not None:
        benefits = analyse_benefits(p.benefits, p.projects, as_of, currency=currency)
    if p.financials is not None:
        finance = analyse_finance(p.financials, p.projects, as_of, fy_start=fy_start, pmos=p.pmos)
    by_pmo = pmo_pressure(by_pmo, p.projects, p.pmos, risks=risks, resources=resources)
    findings = today_note + list(data_quality(p, evm, as_of=as_of)) + list(pmo_findings) + list(unaligned(p.projects))
    for part in (resources, dependencies, milestones, benefits, finance):
        if part is not None:
            findings.extend(part.findings)

    scores = candidates = selection = curve = None
    limit = float("nan")
    unvalued: tuple[str, ...] = ()
    if p.criteria is not None:
        scores = weighted_scores(p.projects, p.criteria)
    want_frontier = budget is not None if frontier is None else frontier
    if budget is not None or want_frontier:
        limits = current_limits(time_limit)
        began, limit = limits.clock(), limits.time_limit   # one deadline for the selection and the frontier
        candidates = selection_candidates(p.projects, evm, p.criteria)
        values = scores if scores is not None else p.projects.set_index("project_id")["strategic_value"]
        unvalued = tuple(str(i) for i in candidates["project_id"] if pd.isna(values.get(i)))
        if scores is None and candidates["value"].gt(0).any():
            scores = candidates.set_index("project_id")["value"]
        if len(candidates) and len(unvalued) == len(candidates):
            findings.append(Finding("warning", "no_values", _(
                "No candidate project has a value, so no set can be recommended: give each a strategic_value, or a "
                "criteria sheet with score_<criterion> columns.")))
            candidates = candidates.iloc[0:0]
        # Effort in months before the status date is spent: only what is still to come constrains selection.
        constraints = {"dependencies": p.dependencies, "demand": _from_month(p.assignments, as_of),
                       "capacity": _from_month(p.capacity, as_of), "projects": p.projects}
        if candidates.empty:
            if not unvalued:
                findings.append(Finding("info", "no_candidates", _(
                    "No proposed, active or on-hold project is left to select from.")))
        else:
            selection, curve = select_with_frontier(candidates, budget, frontier=want_frontier, n=frontier_points,
                                                    time_limit=limit, began=began, **constraints)
            if resources is not None and selection is not None and selection.status != "infeasible":
                resources = resources.with_selection(selection.selected)   # the load the set would bring
    history_notes = [Finding("warning", "history_not_before",
                             _("The earlier workbook {book} is dated {date}, not before the status date {as_of}: it "
                               "is not used. Check the date given with it.").format(
                                 book=book.source, date=report_date(pd.Timestamp(date)), as_of=report_date(as_of)))
                     for book, date in history if pd.Timestamp(date).normalize() >= as_of]
    given_dates = [date for _, date in history]
    history = [(book, date) for book, date in history if pd.Timestamp(date).normalize() < as_of]
    status_history, combined_notes = combine_history(
        p.status_history, history_from_portfolios(history, currency, known=p.projects["project_id"].astype(str)))
    stale = stale_updates(p.projects, status_history, as_of, days=stale_days)
    trends = portfolio_trends(p, evm, as_of=as_of, history=status_history, eac_method=eac_method,
                              thresholds=thresholds) if status_history is not None else None
    reported = trends.reported if trends is not None else \
        reported_against_computed(evm, p.projects, status_history, as_of)
    rows = dict(zip(p.projects["project_id"].astype(str), p.projects["source_row"]))
    history_notes += combined_notes + same_day_findings(p.projects, status_history, as_of)
    findings += history_notes + stale_findings(stale, stale_days, rows) + \
        reported_findings(reported, rows, reported_sources(p.projects, status_history, as_of))
    findings += future_findings(p.projects, status_history, as_of)
    findings += list(trends.findings) if trends is not None else []
    if trends is None and (p.status_history is not None or given_dates):
        findings.append(Finding("info", "no_trend", no_trend_reason(p.status_history, given_dates,
                                                                     as_of), sheet="status_history"))
    findings.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.project_id or "", f.check))
    return PortfolioAnalysis(
        portfolio=p, as_of=as_of, eac_method=eac_method, thresholds=thresholds, evm=evm, totals=totals,
        currency=currency,
        closed_totals=closed_totals, by_pmo=by_pmo, by_sponsor=by["sponsor"], by_category=by["category"],
        by_objective=by["objective"],
        risks=risks, resources=resources, dependencies=dependencies, milestones=milestones, benefits=benefits,
        finance=finance, scores=scores, candidates=candidates,
        selection=selection, frontier=curve, findings=tuple(findings), unvalued=unvalued,
        trends=trends, stale=stale, stale_days=stale_days, time_limit=limit,
    )


def _delivery_blocks(a: PortfolioAnalysis) -> dict[str, Any]:
    """The ``milestones``, ``benefits`` and ``finance`` blocks of the JSON (``None`` without the sheet)."""
    m, b, f = a.milestones, a.benefits, a.finance
    listed = ["project_id", "milestone", "planned", "forecast", "expected", "state", "slip_days", "days_to_go"]
    return {
        "milestones": None if m is None else {
            "totals": _jsonable(m.totals), "by_pmo": _records(m.by_pmo), "overdue": _records(m.overdue[listed]),
            "upcoming": _records(m.upcoming[listed]), "slipped": _records(m.slipped[listed]),
            "gates": _records(m.gates[listed]), "decisions": _records(m.decisions[listed]),
        },
        "benefits": None if b is None else {
            "totals": _jsonable(b.totals), "by_measure": _records(b.by_measure),
            "by_project": _records(b.by_project), "by_owner": _records(b.by_owner),
            "past_due": _records(b.past_due[["project_id", "benefit", "measure", "planned", "realised", "due"]]),
            "lost": _records(b.lost[["project_id", "benefit", "measure", "planned", "forecast", "realised", "due"]]),
        },
        "finance": None if f is None else {
            "fy_start": f.fy_start, "totals": _jsonable(f.totals),
            "months": _records(f.months),
            "by_pmo": _records(f.by_pmo), "by_project": _records(f.by_project),
        },
    }


def _from_month(frame: pd.DataFrame | None, as_of: pd.Timestamp) -> pd.DataFrame | None:
    """The rows of a month-by-month frame from the status date's month on."""
    if frame is None:
        return None
    return frame[frame["month"] >= as_of.to_period("M")]


def choose_currency(workbook: str | None, given: str | None) -> str | None:
    """The currency of a report: the workbook's ``currency`` column, else the one ``given`` (the
    ``--currency`` option or the manifest's column), else ``None`` (amounts as plain numbers).

    Raises
    ------
    ValueError
        When ``given`` is not an ISO 4217 code, or differs from the workbook's: money cannot be
        relabelled, so the report refuses rather than choose.

    Examples
    --------
    >>> choose_currency("GBP", None), choose_currency(None, "eur"), choose_currency(None, None)
    ('GBP', 'EUR', None)
    """
    if given is None or not str(given).strip():
        return workbook
    code = str(given).strip().upper()
    from babel.numbers import get_currency_name

    if len(code) != 3 or get_currency_name(code, locale="en") == code:
        raise ValueError(f"'{given}' is not a currency code; expected an ISO 4217 code such as EUR, GBP or USD")
    if workbook is not None and workbook != code:
        raise ValueError(f"the workbook's currency column says {workbook} but the currency given is {code}; "
                         f"leave the currency out to use {workbook}, or correct the workbook")
    return code


def make_thresholds(value: Thresholds | Mapping[str, str | Sequence[float]] | None) -> Thresholds:
    """RAG thresholds from ``None`` (the defaults), a :class:`Thresholds`, or ``{"green": .., "amber": ..}``
    whose bands are two numbers or text such as ``"0.95,1.05"``; a band left out keeps its default.

    Raises
    ------
    ValueError
        For an unknown key, a band that is not two numbers low first, or bands that do not nest.
    """
    if value is None:
        return Thresholds()
    if isinstance(value, Thresholds):
        return value
    unknown = set(value) - {"green", "amber"}
    if unknown:
        raise ValueError(f"unknown threshold key(s) {', '.join(sorted(unknown))}; expected green and amber")
    default = Thresholds()
    return Thresholds(green=parse_band(value.get("green", default.green)),
                      amber=parse_band(value.get("amber", default.amber)))


# -- JSON --------------------------------------------------------------------

def _number(value: Any) -> float | None:
    if value is None or isinstance(value, (str, bool)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _round(key: str, value: Any) -> Any:
    """Money to 2 decimals, everything else numeric to 4, NaN to ``None``."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    number = _number(value)
    if number is None:
        return _jsonable(value) if not isinstance(value, (float, np.floating)) else None
    if key in _WHOLE and number.is_integer():
        return int(number)
    digits = MONEY_DECIMALS if key in _MONEY or key.endswith(("_emv", "_cost")) else INDEX_DECIMALS
    if key == "gap" and 0 < number < 10 ** -digits / 2:  # a set not proven the best never shows a gap of 0
        return 10 ** -digits
    return round(number, digits)


def _jsonable(value: Any, key: str = "") -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, key) for v in value]
    if isinstance(value, (pd.Timestamp, dt.date)):
        return None if pd.isna(value) else value.date().isoformat() if isinstance(value, pd.Timestamp) \
            else value.isoformat()
    if isinstance(value, pd.Period):
        return str(value)
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (str, bool, np.bool_)):
        return bool(value) if isinstance(value, np.bool_) else value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return _round(key, value)
    return str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _jsonable(v, str(k)) for k, v in row.items()} for row in frame.to_dict("records")]


__all__ = ["PortfolioAnalysis", "analyse_portfolio", "choose_currency", "make_thresholds"]
