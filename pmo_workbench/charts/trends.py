"""Altair charts of the portfolio's trends: the S-curve and the CPI/SPI roll-up by status date.

Each builder takes a frame of :class:`pmo_workbench.portfolio.trends.Trends` (``rollup`` or ``by_pmo``), never
changes it, embeds its data, gives every mark a tooltip and applies the house style of :mod:`.style`. Their words
and date formats are in the current language.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .._values import fmt
from ..i18n import N_, _, pgettext
from .portfolio import RAG_COLOURS
from .style import (ACCENT, GREY, MAX_WIDTH, NAVY, _num, _records_frame, _series_scale, _style, _text, _titled,
                    fitted_domain, money_axis, money_title)

__all__ = ["index_trend", "s_curve"]

_SERIES = {"pv": (N_("Planned value (PV)"), GREY), "ev": (N_("Earned value (EV)"), NAVY),
           "ac": (N_("Actual cost (AC)"), ACCENT)}
_INDICES = {"cpi": N_("CPI (cost)"), "spi": N_("SPI (schedule)")}
_WIDTH = 460


def _x() -> alt.X:
    """A time axis: status dates sit at distances proportional to the days between them."""
    # Translators: a d3 time format (%d day, %b short month name, %Y year); German readers write 31. Mai 2026.
    return alt.X("status_date:T", title=_("Status date"), scale=alt.Scale(type="utc"),
                 axis=alt.Axis(labelAngle=-45, format=pgettext("d3 time format", "%d %b %Y")))


def _date_tip() -> alt.Tooltip:
    return alt.Tooltip("status_date:N", title=_("Status date"))


def _date(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def s_curve(rollup: pd.DataFrame, *, title: str | None = None, currency: str | None = None) -> alt.LayerChart:
    """Cumulative PV, EV and AC of the in-flight portfolio at each status date (one line each, with points).

    EV below PV means behind plan; AC above EV means over budget. The amounts are written as the report writes
    money (``£45.6m``, :func:`pmo_workbench.charts.style.money_axis`), the currency in the axis title, and a
    legend names the three lines. The dates sit on a time axis, spaced by the days between them.
    """
    names = {key: _(label) for key, (label, _colour) in _SERIES.items()}
    rows = [{"status_date": _date(r["status_date"]), "series": names[key], "value": _num(r[key]),
             "projects": int(r["projects"])}
            for r in rollup.to_dict("records") for key in _SERIES if _num(r[key]) is not None]
    data = _records_frame(rows, ["status_date", "series", "value", "projects"])
    labels = list(names.values())
    scale = alt.Scale(domain=labels, range=[colour for _label, colour in _SERIES.values()])
    colour = alt.Color("series:N", title=None, scale=scale, sort=labels, legend=alt.Legend(orient="bottom"))
    base = alt.Chart(data).encode(
        x=_x(),
        y=alt.Y("value:Q", title=money_title(_("Cumulative amount"), currency), axis=money_axis(currency)),
        color=colour,
        tooltip=[_date_tip(), alt.Tooltip("series:N", title=_("Figure")),
                 alt.Tooltip("value:Q", title=money_title(_("Amount"), currency), format=",.0f"),
                 alt.Tooltip("projects:Q", title=_("Projects counted"))],
    )
    chart = alt.layer(base.mark_line(strokeWidth=2), base.mark_point(filled=True, size=40)).properties(
        width=_WIDTH, height=240)
    return _style(_titled(chart, title))


def index_trend(frame: pd.DataFrame, *, green: tuple[float, float] = (0.95, 1.05),
                amber: tuple[float, float] = (0.90, 1.10), by: str | None = None,
                title: str | None = None) -> alt.LayerChart:
    """CPI and SPI of the roll-up at each status date, over the RAG bands, with the 1.0 line.

    Parameters
    ----------
    frame
        ``Trends.rollup`` (one row per date), or ``Trends.by_pmo`` with ``by="pmo"`` (one line per PMO and
        index, the index told apart by the dash).
    green, amber
        The RAG bands of the analysis (``PortfolioAnalysis.thresholds``), drawn behind the lines.
    by
        A column naming groups, or ``None`` for the portfolio.

    The index axis is fitted as the quadrant's (:func:`pmo_workbench.charts.style.fitted_domain`): it spans the
    bulk of the values and the amber band, so one implausible index (a CPI of 50 from almost no spend) does not
    squash the other lines and the bands; such a value is drawn on the edge as a triangle, its tooltip giving
    the value. The dates sit on a time axis, spaced by the days between them.
    """
    rows = []
    indices = {key: _(label) for key, label in _INDICES.items()}
    for r in frame.to_dict("records"):
        for key, label in indices.items():
            value = _num(r.get(key))
            if value is None:
                continue
            rows.append({"status_date": _date(r["status_date"]), "index": label, "value": value,
                         "group": (_text(r.get(by)) or _("No PMO named")) if by else _("Portfolio"),
                         "projects": int(r["projects"])})
    lo, hi = fitted_domain([r["value"] for r in rows], amber)
    for r in rows:
        r["y"] = min(max(r["value"], lo), hi)
        r["clipped"] = r["y"] != r["value"]
    data = _records_frame(rows, ["status_date", "index", "value", "group", "projects", "y", "clipped"])
    y_scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    bands = pd.DataFrame([
        {"y": lo, "y2": amber[0], "band": _("red: below {value}").format(value=fmt(amber[0], 2)), "colour": "red"},
        {"y": amber[0], "y2": green[0], "band": _("amber: {low}-{high}").format(low=fmt(amber[0], 2),
                                                                                high=fmt(green[0], 2)),
         "colour": "amber"},
        {"y": green[0], "y2": green[1], "band": _("green: {low}-{high}").format(low=fmt(green[0], 2),
                                                                                high=fmt(green[1], 2)),
         "colour": "green"},
        {"y": green[1], "y2": amber[1], "band": _("amber: {low}-{high}").format(low=fmt(green[1], 2),
                                                                                high=fmt(amber[1], 2)),
         "colour": "amber"},
        {"y": amber[1], "y2": hi, "band": _("check estimate: above {value}").format(value=fmt(amber[1], 2)),
         "colour": "check estimate"},
    ])
    bands["y"], bands["y2"] = bands["y"].astype(float), bands["y2"].astype(float)
    shades = alt.Chart(bands).mark_rect(opacity=0.12).encode(
        y=alt.Y("y:Q", scale=y_scale, title=_("Index (1.0 = on plan)")), y2="y2:Q",
        color=alt.Color("colour:N", scale=alt.Scale(domain=list(RAG_COLOURS), range=list(RAG_COLOURS.values())),
                        legend=None),
        tooltip=[alt.Tooltip("band:N", title=_("Band"))])
    one = alt.Chart(pd.DataFrame({"v": [1.0], "what": [_("1.0: on plan")]})).mark_rule(color="#262626").encode(
        y=alt.Y("v:Q", scale=y_scale), tooltip=[alt.Tooltip("what:N", title=_("Index"))])
    groups = list(dict.fromkeys(r["group"] for r in rows))
    field, scale = ("group:N", _series_scale(groups)) if by else \
        ("index:N", alt.Scale(domain=list(indices.values()), range=[NAVY, ACCENT]))
    line_colour = alt.Color(field, title=None, scale=scale)
    base = alt.Chart(data).encode(
        x=_x(),
        y=alt.Y("y:Q", scale=y_scale), color=line_colour, detail="group:N",
        tooltip=[_date_tip(), alt.Tooltip("group:N", title=_("For")), alt.Tooltip("index:N", title=_("Index")),
                 alt.Tooltip("value:Q", title=_("Value"), format=".2f"),
                 alt.Tooltip("projects:Q", title=_("Projects counted"))])
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("index:N", title=None, sort=list(indices.values())))
    points = base.mark_point(filled=True, size=30).encode(
        shape=alt.Shape("clipped:N", scale=alt.Scale(domain=[False, True], range=["circle", "triangle"]),
                        legend=None))
    width = min(MAX_WIDTH - 160, _WIDTH)
    chart = alt.layer(shades, alt.layer(one, lines, points)).properties(width=width, height=240).resolve_scale(
        color="independent")
    return _style(_titled(chart, title))
