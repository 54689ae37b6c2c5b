"""Altair charts of the portfolio's trends: the S-curve and the CPI/SPI roll-up by status date.

Each builder takes a frame of :class:`pmo_workbench.portfolio.trends.Trends` (``rollup`` or ``by_pmo``), never
changes it, embeds its data, gives every mark a tooltip and applies the house style of :mod:`.style`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from .portfolio import RAG_COLOURS
from .style import (ACCENT, GREY, MAX_WIDTH, NAVY, _num, _records_frame, _series_scale, _style, _text, _titled,
                    fitted_domain, money_axis, money_title)

__all__ = ["index_trend", "s_curve"]

_SERIES = {"pv": ("Planned value (PV)", GREY), "ev": ("Earned value (EV)", NAVY), "ac": ("Actual cost (AC)", ACCENT)}
_INDICES = {"cpi": "CPI (cost)", "spi": "SPI (schedule)"}
_WIDTH = 460
_X = alt.X("status_date:T", title="Status date", scale=alt.Scale(type="utc"),
           axis=alt.Axis(labelAngle=-45, format="%d %b %Y"))
"""A time axis: status dates sit at distances proportional to the days between them."""
_DATE_TIP = alt.Tooltip("status_date:N", title="Status date")


def _date(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def s_curve(rollup: pd.DataFrame, *, title: str | None = None, currency: str | None = None) -> alt.LayerChart:
    """Cumulative PV, EV and AC of the in-flight portfolio at each status date (one line each, with points).

    EV below PV means behind plan; AC above EV means over budget. The amounts are written as the report writes
    money (``£45.6m``, :func:`pmo_workbench.charts.style.money_axis`), the currency in the axis title, and a
    legend names the three lines. The dates sit on a time axis, spaced by the days between them.
    """
    rows = [{"status_date": _date(r["status_date"]), "series": label, "value": _num(r[key]),
             "projects": int(r["projects"])}
            for r in rollup.to_dict("records") for key, (label, _) in _SERIES.items() if _num(r[key]) is not None]
    data = _records_frame(rows, ["status_date", "series", "value", "projects"])
    labels = [label for label, _ in _SERIES.values()]
    scale = alt.Scale(domain=labels, range=[c for _, c in _SERIES.values()])
    colour = alt.Color("series:N", title=None, scale=scale, sort=labels, legend=alt.Legend(orient="bottom"))
    base = alt.Chart(data).encode(
        x=_X,
        y=alt.Y("value:Q", title=money_title("Cumulative amount", currency), axis=money_axis(currency)),
        color=colour,
        tooltip=[_DATE_TIP, alt.Tooltip("series:N", title="Figure"),
                 alt.Tooltip("value:Q", title=money_title("Amount", currency), format=",.0f"),
                 alt.Tooltip("projects:Q", title="Projects counted")],
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
    for r in frame.to_dict("records"):
        for key, label in _INDICES.items():
            value = _num(r.get(key))
            if value is None:
                continue
            rows.append({"status_date": _date(r["status_date"]), "index": label, "value": value,
                         "group": (_text(r.get(by)) or "No PMO named") if by else "Portfolio",
                         "projects": int(r["projects"])})
    lo, hi = fitted_domain([r["value"] for r in rows], amber)
    for r in rows:
        r["y"] = min(max(r["value"], lo), hi)
        r["clipped"] = r["y"] != r["value"]
    data = _records_frame(rows, ["status_date", "index", "value", "group", "projects", "y", "clipped"])
    y_scale = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    bands = pd.DataFrame([
        {"y": lo, "y2": amber[0], "band": f"red: below {amber[0]:.2f}", "colour": "red"},
        {"y": amber[0], "y2": green[0], "band": f"amber: {amber[0]:.2f}-{green[0]:.2f}", "colour": "amber"},
        {"y": green[0], "y2": green[1], "band": f"green: {green[0]:.2f}-{green[1]:.2f}", "colour": "green"},
        {"y": green[1], "y2": amber[1], "band": f"amber: {green[1]:.2f}-{amber[1]:.2f}", "colour": "amber"},
        {"y": amber[1], "y2": hi, "band": f"check estimate: above {amber[1]:.2f}", "colour": "check estimate"},
    ])
    bands["y"], bands["y2"] = bands["y"].astype(float), bands["y2"].astype(float)
    shades = alt.Chart(bands).mark_rect(opacity=0.12).encode(
        y=alt.Y("y:Q", scale=y_scale, title="Index (1.0 = on plan)"), y2="y2:Q",
        color=alt.Color("colour:N", scale=alt.Scale(domain=list(RAG_COLOURS), range=list(RAG_COLOURS.values())),
                        legend=None),
        tooltip=[alt.Tooltip("band:N", title="Band")])
    one = alt.Chart(pd.DataFrame({"v": [1.0], "what": ["1.0: on plan"]})).mark_rule(color="#262626").encode(
        y=alt.Y("v:Q", scale=y_scale), tooltip=[alt.Tooltip("what:N", title="Index")])
    groups = list(dict.fromkeys(r["group"] for r in rows))
    field, scale = ("group:N", _series_scale(groups)) if by else \
        ("index:N", alt.Scale(domain=list(_INDICES.values()), range=[NAVY, ACCENT]))
    line_colour = alt.Color(field, title=None, scale=scale)
    base = alt.Chart(data).encode(
        x=_X,
        y=alt.Y("y:Q", scale=y_scale), color=line_colour, detail="group:N",
        tooltip=[_DATE_TIP, alt.Tooltip("group:N", title="For"), alt.Tooltip("index:N", title="Index"),
                 alt.Tooltip("value:Q", title="Value", format=".2f"),
                 alt.Tooltip("projects:Q", title="Projects counted")])
    lines = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("index:N", title=None, sort=list(_INDICES.values())))
    points = base.mark_point(filled=True, size=30).encode(
        shape=alt.Shape("clipped:N", scale=alt.Scale(domain=[False, True], range=["circle", "triangle"]),
                        legend=None))
    width = min(MAX_WIDTH - 160, _WIDTH)
    chart = alt.layer(shades, alt.layer(one, lines, points)).properties(width=width, height=240).resolve_scale(
        color="independent")
    return _style(_titled(chart, title))
