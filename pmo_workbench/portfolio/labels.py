"""The codes a portfolio analysis works with (a RAG colour, a project status, a verdict), as a reader of the
report's language sees them in a table.

The analysis keeps the codes as parsed or computed (``"amber"``, ``"on_hold"``, ``"reported greener"``): its
JSON output, its tests and every comparison use them. Only a table shown to a reader puts them in words, through
:func:`shown`; in English each code reads as it always has.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..i18n import DEFAULT_LANGUAGE, N_, _, current_language, format_date, pgettext

RAG_WORDS = {"green": N_("green"), "amber": N_("amber"), "red": N_("red"), "check estimate": N_("check estimate")}
"""RAG colours (computed, reported or a risk's zone) in words."""

STATUS_WORDS = ("proposed", "active", "on_hold", "closed", "cancelled")
"""Project statuses: shown in English as parsed, translated with the context ``project status``."""


def _status_words() -> dict[str, str]:
    return {"proposed": pgettext("project status", "proposed"), "active": pgettext("project status", "active"),
            "on_hold": pgettext("project status", "on_hold"), "closed": pgettext("project status", "closed"),
            "cancelled": pgettext("project status", "cancelled")}

OTHER_WORDS = {
    "verdict": {"reported greener": N_("reported greener"), "reported worse": N_("reported worse"),
                "agrees": N_("agrees"), "not comparable": N_("not comparable")},
    "state": {"overdue": N_("overdue"), "upcoming": N_("upcoming"), "later": N_("later"), "reached": N_("reached")},
    "severity": {"error": N_("error"), "warning": N_("warning"), "info": N_("info")},
    "kind": {"threat": N_("threat"), "opportunity": N_("opportunity")},
    "measure": {"money": N_("money")},
}
"""Other code columns in words, by column name."""

AREA_WORDS = {"dependencies": N_("Dependencies"), "delivery": N_("Delivery"), "reporting": N_("Reporting"),
              "milestones": N_("Milestones"), "benefits": N_("Benefits"), "finance": N_("Finance"),
              "resources": N_("Resources"), "risk": N_("Risk"), "selection": N_("Selection"), "data": N_("Data")}
"""The area an action concerns (:class:`pmo_workbench.portfolio.actions.Action`), as a heading word."""

CHECK_WORDS = {
    "actual_after_status_date": N_("actual after status date"),
    "benefit_measure_currency": N_("benefit measure currency"),
    "benefit_no_owner": N_("benefit no owner"),
    "benefit_no_plan": N_("benefit no plan"),
    "benefit_total_too_large": N_("benefit total too large"),
    "closed_incomplete": N_("closed incomplete"),
    "cumulative_decrease": N_("cumulative decrease"),
    "demand_on_closed_project": N_("demand on closed project"),
    "dependency_conflict": N_("dependency conflict"),
    "dependency_cycle": N_("dependency cycle"),
    "ev_over_bac": N_("ev over bac"),
    "ev_without_ac": N_("ev without ac"),
    "financials_gap": N_("financials gap"),
    "financials_no_actual": N_("financials no actual"),
    "financials_outside_year": N_("financials outside year"),
    "forecast_stopped_project": N_("forecast stopped project"),
    "history_after_status_date": N_("history after status date"),
    "history_blank_carried": N_("history blank carried"),
    "history_conflicts_projects": N_("history conflicts projects"),
    "history_not_before": N_("history not before"),
    "history_overlap": N_("history overlap"),
    "history_unknown_project": N_("history unknown project"),
    "milestone_actual_future": N_("milestone actual future"),
    "milestone_forecast_passed": N_("milestone forecast passed"),
    "milestone_open_closed_project": N_("milestone open closed project"),
    "missing_evm": N_("missing evm"),
    "needs_cancelled": N_("needs cancelled"),
    "no_baseline": N_("no baseline"),
    "no_budget": N_("no budget"),
    "no_candidates": N_("no candidates"),
    "no_capacity": N_("no capacity"),
    "no_objective": N_("no objective"),
    "no_sponsor": N_("no sponsor"),
    "no_trend": N_("no trend"),
    "no_values": N_("no values"),
    "null_indices": N_("null indices"),
    "pmo_not_in_hierarchy": N_("pmo not in hierarchy"),
    "reported_greener": N_("reported greener"),
    "risk_incomplete": N_("risk incomplete"),
    "risk_no_owner": N_("risk no owner"),
    "risk_status_unknown": N_("risk status unknown"),
    "spend_before_start": N_("spend before start"),
    "stale_status": N_("stale status"),
    "stale_update": N_("stale update"),
    "status_date_future": N_("status date future"),
}
"""The finding checks (:class:`pmo_workbench.portfolio.model.Finding` ``check``) in words, for a sentence; in
English each reads as its id with spaces."""


RAG_COLUMNS = ("rag", "rag_cost", "rag_schedule", "previous_rag", "reported_rag", "rating")


def status_word(status) -> str:
    """A project status as the reader sees it (``on_hold`` is ``on_hold`` in English, ``pausiert`` in German);
    an unknown status is shown as given."""
    return _status_words().get(status, status) if isinstance(status, str) else status


def area_word(area: str) -> str:
    """An action's area as the reader sees it, capitalised (``"Risk"``, German ``"Risiko"``).

    >>> area_word("dependencies"), area_word("other")
    ('Dependencies', 'Other')
    """
    return _(AREA_WORDS[area]) if area in AREA_WORDS else area.capitalize()


def check_word(check: str) -> str:
    """A finding's check in words of the current language (``milestone_forecast_passed`` is ``milestone forecast
    passed`` in English); an unknown check as its id with spaces.

    >>> check_word("no_sponsor"), check_word("something_new")
    ('no sponsor', 'something new')
    """
    return _(CHECK_WORDS[check]) if check in CHECK_WORDS else check.replace("_", " ")


def rag_word(rag) -> str:
    """A RAG colour (or ``check estimate``) in the current language; anything else as given.

    >>> rag_word("amber"), rag_word(None)
    ('amber', None)
    """
    if not isinstance(rag, str):
        return rag
    return _(RAG_WORDS[rag]) if rag in RAG_WORDS else _status_words().get(rag, rag)  # closed, cancelled: the status


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with its code columns (RAG colours, status, verdict, milestone state, severity, risk
    kind, the default benefit measure; a finding's check and dates outside English) in words of the current language,
    for a table a reader sees.

    >>> shown(pd.DataFrame({"rag": ["red"], "status": ["on_hold"], "name": ["red"]})).iloc[0].tolist()
    ['red', 'on_hold', 'red']
    """
    out = frame.copy()
    english = current_language() == DEFAULT_LANGUAGE
    for column in out.columns:
        if not english and (pd.api.types.is_datetime64_any_dtype(out[column]) or (
                out[column].dtype == object and out[column].map(lambda v: isinstance(v, dt.date)).any())):
            out[column] = out[column].map(_table_date)  # as the prose writes it; English tables keep ISO dates
        elif column in RAG_COLUMNS:
            out[column] = out[column].map(rag_word)
        elif column == "status":
            words = _status_words()
            out[column] = out[column].map(lambda v, w=words: w.get(v, v) if isinstance(v, str) else v)
        elif column == "check" and current_language() != DEFAULT_LANGUAGE:  # English tables keep the check ids
            out[column] = out[column].map(lambda v: check_word(v) if isinstance(v, str) else v)
        elif column in OTHER_WORDS:
            words = OTHER_WORDS[column]
            out[column] = out[column].map(lambda v, w=words: _(w[v]) if isinstance(v, str) and v in w else v)
    return out


def _table_date(value):
    """A date of a table outside English in the locale's short form (``16.03.2026``); anything else as given."""
    if isinstance(value, dt.date) and not pd.isna(value):
        return format_date(value, "medium")
    return value


def eac_word(method: str) -> str:
    """An EAC method (``typical``, ``atypical``, ``cost_schedule``) as the reader sees it; in English as named.

    >>> eac_word("cost_schedule")
    'cost_schedule'
    """
    words = {"typical": pgettext("EAC method", "typical"), "atypical": pgettext("EAC method", "atypical"),
             "cost_schedule": pgettext("EAC method", "cost_schedule")}
    return words.get(method, method)


def report_date(value: dt.date | dt.datetime | pd.Timestamp | None, missing: str = "–") -> str:
    """A date in a sentence of the portfolio report: ISO (``2026-09-30``) in English, as the report has always
    written it, the language's own long form elsewhere (``30. September 2026``).

    >>> report_date(pd.Timestamp("2026-09-30"))
    '2026-09-30'
    """
    if value is None or value is pd.NaT:
        return missing
    day = value.date() if isinstance(value, dt.datetime) else value
    return day.isoformat() if current_language() == DEFAULT_LANGUAGE else format_date(day)


__all__ = ["AREA_WORDS", "CHECK_WORDS", "OTHER_WORDS", "RAG_WORDS", "STATUS_WORDS", "area_word", "check_word",
           "eac_word", "rag_word", "report_date", "shown", "status_word"]


def report_month(value) -> str:
    """A month in a sentence of the portfolio report: ``2026-06`` in English, as the report has always written it,
    the language's own words elsewhere (``Juni 2026``). Takes a period, a date or ``"YYYY-MM"`` text; anything
    else is returned as text.

    >>> report_month(pd.Period("2026-06", freq="M"))
    '2026-06'
    """
    try:
        month = pd.Period(str(value), freq="M")
    except (ValueError, TypeError):
        return str(value)
    if current_language() == DEFAULT_LANGUAGE:
        return str(month)
    from babel.dates import format_date as babel_date

    from .._values import number_locale

    return babel_date(month.start_time.date(), format="LLLL y", locale=number_locale())
