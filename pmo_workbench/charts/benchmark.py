"""Where a PMO stands among its peers of a benchmark pool: one strip of peer scores per dimension."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..assessment.benchmark import quartile_words
from ..i18n import _
from .style import _PLOT_WIDTH, _SCORE_SCALE, ACCENT, GREY, NAVY, _fmt, _num, _order, _records, _records_frame
from .style import _style, _titled

__all__ = ["benchmark_strips"]

_STRIP = 16  # px per dimension: a compact strip, so that a page holds the table and the chart


def benchmark_strips(table: pd.DataFrame, peer_scores: pd.DataFrame, *, pmo: str | None = None,
                     title: str | None = None) -> alt.LayerChart:
    """The peers' scores as a strip per dimension, their middle half shaded, the median ruled, the PMO marked.

    Parameters
    ----------
    table
        :attr:`~pmo_workbench.assessment.benchmark.BenchmarkComparison.table`: ``dimension``, ``label``,
        ``score``, ``q1``, ``median``, ``q3``, ``rank``, ``out_of``, ``quartile``; rows drawn in its order.
    peer_scores
        :attr:`~pmo_workbench.assessment.benchmark.BenchmarkComparison.peer_scores`: ``dimension``, ``label``,
        ``score`` (one row per peer and dimension).
    pmo
        How the PMO is named in the tooltip and legend (default "This PMO", in the current language).
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        Grey ticks (one per peer), a pale bar from Q1 to Q3, a dark tick at the median and a diamond at the
        PMO's score (none when it has no score).
    """
    pmo = _("This PMO") if pmo is None else pmo
    dimension = _("Dimension")
    rows = []
    for r in _records(table):
        score, q1, median, q3 = (_num(r.get(k)) for k in ("score", "q1", "median", "q3"))
        rank, out_of, quartile = r.get("rank"), r.get("out_of"), r.get("quartile")
        rows.append({"label": str(r.get("label", r.get("dimension"))), "score": score, "q1": q1, "median": median,
                     "q3": q3, "score_text": _fmt(score),
                     "quartile": "-" if pd.isna(quartile) else quartile_words(str(quartile)),
                     "rank_text": _("{rank} of {out_of}").format(rank=int(rank), out_of=int(out_of))
                     if rank is not None and pd.notna(rank) else "-",
                     "who": pmo, "q1_text": _fmt(q1), "median_text": _fmt(median), "q3_text": _fmt(q3)})
    data = _records_frame(rows, ["label", "score", "q1", "median", "q3", "score_text", "quartile", "rank_text",
                                 "who", "q1_text", "median_text", "q3_text"])
    order = _order(data["label"])
    peers = _records_frame([{"label": str(r["label"]), "score": _num(r["score"]), "text": _fmt(_num(r["score"]))}
                            for r in _records(peer_scores)], ["label", "score", "text"])
    y = alt.Y("label:N", sort=order, title=None)
    x_axis = alt.Axis(title=_("Score (0-100)"), values=[0, 20, 40, 60, 80, 100], grid=False)
    ticks = alt.Chart(peers).mark_tick(color=GREY, opacity=0.6, thickness=1, size=11).encode(
        x=alt.X("score:Q", scale=_SCORE_SCALE, axis=x_axis), y=y,
        tooltip=[alt.Tooltip("label:N", title=dimension), alt.Tooltip("text:N", title=_("A peer's score"))])
    quartiles = [alt.Tooltip("label:N", title=dimension), alt.Tooltip("q1_text:N", title=_("Q1")),
                 alt.Tooltip("median_text:N", title=_("Median")), alt.Tooltip("q3_text:N", title=_("Q3"))]
    valid = "isValid(datum.median) && isFinite(datum.median)"
    box = alt.Chart(data).mark_bar(color=ACCENT, opacity=0.18, height=12).transform_filter(valid).encode(
        x=alt.X("q1:Q", scale=_SCORE_SCALE), x2="q3:Q", y=y, tooltip=quartiles)
    middle = alt.Chart(data).mark_tick(color=ACCENT, thickness=2, size=14).transform_filter(valid).encode(
        x=alt.X("median:Q", scale=_SCORE_SCALE), y=y, tooltip=quartiles)
    mark = alt.Chart(data).mark_point(shape="diamond", filled=True, size=80, color=NAVY, opacity=1).transform_filter(
        "isValid(datum.score) && isFinite(datum.score)").encode(
        x=alt.X("score:Q", scale=_SCORE_SCALE), y=y,
        tooltip=[alt.Tooltip("who:N", title=_("PMO")), alt.Tooltip("label:N", title=dimension),
                 alt.Tooltip("score_text:N", title=_("Score")), alt.Tooltip("rank_text:N", title=_("Rank")),
                 alt.Tooltip("quartile:N", title=_("Quartile"))])
    chart = alt.layer(box, ticks, middle, mark).properties(width=_PLOT_WIDTH, height=alt.Step(_STRIP))
    return _style(_titled(chart, title))
