"""Altair charts of delivery: milestone slip, benefits against plan, and spend over the financial year.

Each builder takes frames of :mod:`pmo_workbench.portfolio.delivery` or
:mod:`pmo_workbench.portfolio.finance` (or frames of the same shape), never
changes them, embeds its data, gives every mark a tooltip and applies the house
style. Charts fit an A4 page (at most 640 px wide). Their words and date formats are in the current language.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from ..i18n import N_, _, pgettext
from ..portfolio.labels import OTHER_WORDS
from .style import ACCENT, AMBER, GREY, INK, NAVY, _num, _records_frame, _style, _text, _titled, money_axis, money_title

__all__ = ["benefit_bars", "in_year_spend", "milestone_slip"]

STATE_COLOURS = {"overdue": "#C00000", "upcoming": AMBER, "later": NAVY}
STATE_NAMES = {"overdue": N_("overdue"), "upcoming": N_("upcoming"), "later": N_("later")}
"""How the slip chart names each milestone state, translated where it is drawn."""
_SERIES = (N_("Planned"), N_("Forecast"), N_("Realised"))
_SERIES_COLOURS = [GREY, NAVY, ACCENT]
_ROW = 18


def _day_format() -> str:
    """The d3 time format of a day in a tooltip, as the current language writes a date in figures."""
    # Translators: a d3 time format (%d day, %m month, %Y year); German readers write 31.05.2026.
    return pgettext("d3 time format", "%Y-%m-%d")


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _day(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def milestone_slip(milestones: pd.DataFrame, as_of, *, limit: int = 25, title: str | None = None) -> alt.LayerChart:
    """Milestones not yet reached that are overdue, upcoming or have slipped: a line from the planned date (grey
    tick) to the date now expected (dot coloured by state), soonest first, the status date as a rule.

    Parameters
    ----------
    milestones
        ``MilestoneAnalysis.milestones``.
    as_of
        The status date.
    limit
        At most this many milestones, the soonest expected first.
    """
    rows = []
    for r in milestones.to_dict("records"):
        slip = _num(r.get("slip_days"))
        state = _text(r.get("state"))
        if state not in STATE_COLOURS or (state == "later" and not slip):
            continue
        rows.append({"label": f"{r['project_id']} · {r['milestone']}", "project_id": str(r["project_id"]),
                     "milestone": str(r["milestone"]), "planned": _day(r.get("planned")),
                     "expected": _day(r.get("expected")), "state": _(STATE_NAMES[state]), "slip_days": slip,
                     "days_to_go": _num(r.get("days_to_go")),
                     "gate": _yes_no(r.get("gate") is True),
                     "decision": _yes_no(r.get("decision_needed") is True)})
    rows.sort(key=lambda r: (r["expected"] or "", r["label"]))
    rows = rows[:limit]
    data = _records_frame(rows, ["label", "project_id", "milestone", "planned", "expected", "state", "slip_days",
                                 "days_to_go", "gate", "decision"])
    day_format = _day_format()
    tooltip = [alt.Tooltip("project_id:N", title=_("Project")), alt.Tooltip("milestone:N", title=_("Milestone")),
               alt.Tooltip("planned:T", title=_("Planned"), format=day_format),
               alt.Tooltip("expected:T", title=_("Expected"), format=day_format),
               alt.Tooltip("state:N", title=_("State")),
               alt.Tooltip("slip_days:Q", title=_("Slip (days)"), format=",.0f"),
               alt.Tooltip("days_to_go:Q", title=_("Days to go"), format=",.0f"),
               alt.Tooltip("gate:N", title=_("Stage gate")), alt.Tooltip("decision:N", title=_("Decision needed"))]
    y = alt.Y("label:N", sort=None, title=None)
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    line = base.mark_rule(color=GREY, strokeWidth=2).encode(x=alt.X("planned:T", title=_("Date")), x2="expected:T")
    planned = base.mark_tick(color=INK, thickness=2, size=12).encode(x="planned:T")
    states = alt.Scale(domain=[_(STATE_NAMES[k]) for k in STATE_COLOURS], range=list(STATE_COLOURS.values()))
    expected = base.mark_point(filled=True, size=70).encode(
        x="expected:T", color=alt.Color("state:N", scale=states, title=_("State")),
        shape=alt.Shape("gate:N", title=_("Stage gate"), scale=alt.Scale(domain=[_yes_no(False), _yes_no(True)],
                                                                        range=["circle", "diamond"])))
    day = pd.DataFrame({"date": [_day(as_of)], "what": [_("status date")]})
    today = alt.Chart(day).mark_rule(color=INK, strokeDash=[4, 3]).encode(
        x="date:T", tooltip=[alt.Tooltip("what:N", title=_("Line")), alt.Tooltip("date:T", title=_("Date"),
                                                                                 format=day_format)])
    chart = alt.layer(line, planned, expected, today).properties(width=360, height=alt.Step(_ROW))
    return _style(_titled(chart, title))


def benefit_bars(by_measure: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Planned, forecast and realised benefit per measure, each as a share of its plan (measures are never added
    together: the tooltip gives the figures in their own measure).

    The bases are those of the table (``BenefitAnalysis.by_measure``): realised against the plan of the benefits
    with a plan, forecast against the plan of the benefits that also give a forecast (``forecast_planned``), so the
    forecast bar falls short of 100 % by the table's shortfall share.
    """
    rows = []
    series_names = [_(s) for s in _SERIES]
    for r in by_measure.to_dict("records"):
        planned = _num(r.get("planned"))
        bases = {"planned": planned, "forecast": _num(r.get("forecast_planned", r.get("planned"))),
                 "realised": planned}
        for series, key in zip(series_names, ("planned", "forecast", "realised")):
            value, basis = _num(r.get(key)), bases[key]
            rows.append({"measure": _measure_word(str(r["measure"])), "series": series, "value": value, "plan": basis,
                         "share": None if value is None or not basis else value / basis})
    data = _records_frame(rows, ["measure", "series", "value", "plan", "share"])
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("measure:N", sort=None, title=None),
        yOffset=alt.YOffset("series:N", sort=series_names),
        x=alt.X("share:Q", title=_("Share of the planned benefit"), axis=alt.Axis(format="%")),
        color=alt.Color("series:N", scale=alt.Scale(domain=series_names, range=_SERIES_COLOURS), title=None),
        tooltip=[alt.Tooltip("measure:N", title=_("Measure")), alt.Tooltip("series:N", title=_("Figure")),
                 alt.Tooltip("value:Q", title=_("Amount"), format=",.0f"),
                 alt.Tooltip("plan:Q", title=_("Against a plan of"), format=",.0f"),
                 alt.Tooltip("share:Q", title=_("Share of plan"), format=".0%")],
    ).properties(width=360, height=alt.Step(12))
    return _style(_titled(chart, title))


def in_year_spend(months: pd.DataFrame, *, currency: str | None = None, title: str | None = None) -> alt.LayerChart:
    """The financial year month by month: cumulative budget against cumulative actual (months to date) then
    forecast (later months); the dots of forecast months are hollow. A legend names the two lines; amounts are
    written in ``currency`` (an ISO 4217 code, or plain numbers without one) as the report's text writes them."""
    rows = []
    budget, outturn = _("Budget"), _("Actual, then forecast")
    bases = {"budget": _("budget"), "actual": _("actual"), "forecast": _("forecast")}
    for r in months.to_dict("records"):
        month = pd.Period(r["month"], freq="M").to_timestamp().date().isoformat()
        basis = bases["actual" if bool(r["to_date"]) else "forecast"]
        rows.append({"month": month, "series": budget, "value": _num(r.get("cumulative_budget")),
                     "in_month": _num(r.get("budget")), "basis": bases["budget"]})
        rows.append({"month": month, "series": outturn, "value": _num(r.get("cumulative_outturn")),
                     "in_month": _num(r.get("outturn")), "basis": basis})
    data = _records_frame(rows, ["month", "series", "value", "in_month", "basis"])
    scale = alt.Scale(domain=[budget, outturn], range=[GREY, NAVY])
    # Translators: d3 time formats of a month (%b its short name, %Y the year, %y its last two digits).
    tooltip = [alt.Tooltip("month:T", title=_("Month"), format=pgettext("d3 time format", "%b %Y")),
               alt.Tooltip("series:N", title=_("Line")), alt.Tooltip("basis:N", title=_("From")),
               alt.Tooltip("in_month:Q", title=money_title(_("In the month"), currency), format=",.0f"),
               alt.Tooltip("value:Q", title=money_title(_("Cumulative"), currency), format=",.0f")]
    base = alt.Chart(data).encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format=pgettext("d3 time format", "%b %y"))),
        y=alt.Y("value:Q", title=money_title(_("Cumulative spend"), currency), axis=money_axis(currency)),
        color=alt.Color("series:N", scale=scale, title=None, legend=alt.Legend(orient="top")), tooltip=tooltip)
    lines = base.mark_line()
    dots = base.mark_point(size=40).encode(
        fill=alt.condition(f"datum.basis === {json.dumps(bases['forecast'])}", alt.value("white"),
                           alt.Fill("series:N", scale=scale, legend=None)))
    chart = alt.layer(lines, dots).properties(width=480, height=260)
    return _style(_titled(chart, title))


def _measure_word(measure: str) -> str:
    """A benefit's measure as the table beside the chart names it: the default ``money`` in words, others as given."""
    known = OTHER_WORDS["measure"]
    return _(known[measure]) if measure in known else measure
