"""Altair chart of the progress report: each dimension's score in two waves and the change with its 95 % CI.

The builder takes :attr:`pmo_workbench.assessment.progress.Progress.dimensions`, never changes it, embeds its
data, gives every mark a tooltip and applies the house style of :mod:`.style`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..assessment.progress import DEFAULT_MIN_CHANGE, VERDICTS
from ..assessment.progress_report import ci_text
from ..i18n import _, format_number
from .style import ACCENT, GREY, INK, LIGHT, NAVY, _fmt, _num, _records, _records_frame, _score_axis, _style, \
    _titled

__all__ = ["progress_changes"]

VERDICT_COLOURS = {"improved": NAVY, "declined": ACCENT, "no_clear_change": GREY, "too_few": LIGHT}
_ROW = 26


def progress_changes(dimensions: pd.DataFrame, *, min_change: float = DEFAULT_MIN_CHANGE,
                     waves: tuple[str | None, str | None] = (None, None), title: str | None = None,
                     ) -> alt.HConcatChart:
    """Two panels on the dimensions' rows: the score in each wave (left), the change with its CI (right).

    Parameters
    ----------
    dimensions
        ``Progress.dimensions``: ``label``, ``score_before``, ``score_after``, ``change``, ``ci_low``,
        ``ci_high``, ``verdict`` (and ``n_before``, ``n_after`` for the tooltips); rows drawn in order.
    min_change
        The minimum meaningful change: the band from ``-min_change`` to ``+min_change`` is shaded, so a change
        whose point falls inside it is too small to matter whatever its CI.
    waves
        The waves' labels, for the legend (``"earlier"`` and ``"later"`` when unnamed).

    Returns
    -------
    altair.HConcatChart
        Left: a grey dot (earlier wave) and a navy dot (later wave) per dimension joined by a line. Right: the
        change as a dot coloured by its verdict, its 95 % CI as an error bar, a rule at 0 and the shaded band.
    """
    first, second = (waves[0] or _("earlier wave")), (waves[1] or _("later wave"))
    if first == second:
        first, second = _("{wave} (earlier)").format(wave=first), _("{wave} (later)").format(wave=second)
    rows, scores = [], []
    for i, r in enumerate(_records(dimensions)):
        change, low, high = _num(r.get("change")), _num(r.get("ci_low")), _num(r.get("ci_high"))
        verdict = str(r.get("verdict") or "too_few")
        base = {"order": i, "label": str(r.get("label") or r.get("dimension")),
                "n_before": _num(r.get("n_before")), "n_after": _num(r.get("n_after"))}
        rows.append({**base, "change": change, "ci_low": low, "ci_high": high, "verdict": _(VERDICTS[verdict]),
                     "change_text": _fmt(change), "ci": "–" if low is None or high is None else ci_text(low, high)})
        for wave, key in ((first, "score_before"), (second, "score_after")):
            scores.append({**base, "wave": wave, "score": _num(r.get(key)), "score_text": _fmt(_num(r.get(key)))})
    data = _records_frame(rows, ["order", "label", "n_before", "n_after", "change", "ci_low", "ci_high", "verdict",
                                 "change_text", "ci"])
    points = _records_frame(scores, ["order", "label", "n_before", "n_after", "wave", "score", "score_text"])
    labels = [row["label"] for row in rows]
    y = alt.Y("label:N", sort=labels, title=None)
    height = max(_ROW * len(rows), 60)

    wave_scale = alt.Scale(domain=[first, second], range=[GREY, NAVY])
    score_base = alt.Chart(points).encode(y=y)
    link = score_base.mark_line(color=GREY, strokeWidth=1.5).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100], nice=False), axis=_score_axis()),
        detail="label:N").transform_filter("isValid(datum.score)")
    dots = score_base.mark_point(filled=True, size=70, opacity=1).encode(
        x="score:Q", color=alt.Color("wave:N", scale=wave_scale, title=_("Wave"), sort=[first, second]),
        tooltip=[alt.Tooltip("label:N", title=_("Dimension")), alt.Tooltip("wave:N", title=_("Wave")),
                 alt.Tooltip("score_text:N", title=_("Score"))]).transform_filter("isValid(datum.score)")
    left = alt.layer(link, dots).properties(width=240, height=height)

    ends = [v for r in rows for v in (r["ci_low"], r["ci_high"], r["change"]) if v is not None]
    reach = max([abs(v) for v in ends] + [min_change * 2, 10.0])
    x_scale = alt.Scale(domain=[-reach, reach], nice=True)
    band = alt.Chart(pd.DataFrame({"low": [-float(min_change)], "high": [float(min_change)],
                                   "what": [_("less than {minimum} points either way").format(
                                       minimum=format_number(min_change))]})).mark_rect(
        color=LIGHT, opacity=0.9).encode(
        x=alt.X("low:Q", scale=x_scale, title=_("Change in points, with its 95% CI"),
              axis=alt.Axis(labelOverlap=True, tickMinStep=5)), x2="high:Q",
        tooltip=[alt.Tooltip("what:N", title=_("Too small to matter"))])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=INK, strokeWidth=1).encode(x="x:Q")
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=labels, title=None, axis=None))
    tooltip = [alt.Tooltip("label:N", title=_("Dimension")), alt.Tooltip("change_text:N", title=_("Change")),
               alt.Tooltip("ci:N", title=_("95% CI")), alt.Tooltip("verdict:N", title=_("Verdict")),
               alt.Tooltip("n_before:Q", title=_("Respondents, {wave}").format(wave=first)),
               alt.Tooltip("n_after:Q", title=_("Respondents, {wave}").format(wave=second))]
    bars = base.mark_rule(color=INK, strokeWidth=1.5).encode(x="ci_low:Q", x2="ci_high:Q", tooltip=tooltip
                                                              ).transform_filter("isValid(datum.ci_low)")
    verdicts = [_(v) for v in VERDICTS.values()]
    colour = alt.Color("verdict:N", title=_("Verdict"), sort=verdicts,
                       scale=alt.Scale(domain=verdicts, range=[VERDICT_COLOURS[k] for k in VERDICTS]))
    dot = base.mark_point(filled=True, size=80, stroke=INK, strokeWidth=0.5).encode(
        x="change:Q", color=colour, tooltip=tooltip).transform_filter("isValid(datum.change)")
    right = alt.layer(band, zero, bars, dot).properties(width=300, height=height)
    chart = alt.hconcat(left, right, spacing=16).resolve_scale(color="independent")
    return _style(_titled(chart, title))
