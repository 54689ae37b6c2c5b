"""The roadmap chart: each recommended step on an effort x impact matrix."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .style import (
    _RATINGS,
    ACCENT,
    GREY,
    LIGHT,
    NAVY,
    SERIES_COLOURS,
    _int,
    _order,
    _records,
    _records_frame,
    _style,
    _text,
    _titled,
)

__all__ = ["roadmap"]


# -- 8. roadmap ------------------------------------------------------------------------
def _spread(k: int, n: int) -> tuple[float, float]:
    """Offset of the k-th of n points in a cell: a sunflower spiral, no randomness, radius at most 0.38."""
    if n <= 1:
        return 0.0, 0.0
    radius = 0.38 * math.sqrt((k + 0.5) / n)
    angle = k * 2.399963229728653  # golden angle
    return radius * math.cos(angle), radius * math.sin(angle)


def roadmap(recommendations: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """The roadmap as an effort x impact matrix, one numbered point per step.

    Parameters
    ----------
    recommendations
        One row per step, in roadmap order; columns ``title``, ``dimension``,
        ``effort`` and ``impact`` ("low", "medium", "high"), ``phase`` (1..3)
        and ``phase_label`` are used. Steps with an unknown rating are not
        placed.
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        A 3 x 3 matrix (effort across, impact up); each step is a dot coloured
        by phase and numbered by its position in the roadmap. Steps sharing a
        cell are spread around its centre deterministically.
    """
    records = _records(recommendations)
    cells: dict[tuple[int, int], list[int]] = {}
    placed = []
    for i, r in enumerate(records):
        effort, impact = _text(r.get("effort")), _text(r.get("impact"))
        ex = _RATINGS.index(effort.lower()) if effort and effort.lower() in _RATINGS else None
        iy = _RATINGS.index(impact.lower()) if impact and impact.lower() in _RATINGS else None
        placed.append((ex, iy))
        if ex is not None and iy is not None:
            cells.setdefault((ex, iy), []).append(i)
    rows = []
    for i, r in enumerate(records):
        ex, iy = placed[i]
        x = y = None
        if ex is not None and iy is not None:
            members = cells[(ex, iy)]
            dx, dy = _spread(members.index(i), len(members))
            x, y = ex + dx, iy + dy
        phase = _int(r.get("phase"))
        phase_label = _text(r.get("phase_label")) or (f"Phase {phase}" if phase is not None else "unphased")
        rows.append({
            "step": i + 1, "title": _text(r.get("title")), "dimension": _text(r.get("dimension")),
            "effort": _text(r.get("effort")), "impact": _text(r.get("impact")), "phase": phase,
            "phase_label": phase_label, "x": x, "y": y,
        })
    data = _records_frame(rows, ["step", "title", "dimension", "effort", "impact", "phase", "phase_label", "x", "y"])
    phases = sorted(dict.fromkeys(zip(data["phase"], data["phase_label"])),
                    key=lambda p: (p[0] is None, p[0] if p[0] is not None else 0))
    phase_order = _order(label for _, label in phases)
    phase_colours = (ACCENT, NAVY, GREY, *SERIES_COLOURS[3:])
    colour = (alt.Scale(domain=phase_order, range=list(phase_colours[: len(phase_order)]))
              if len(phase_order) <= len(phase_colours) else alt.Scale(domain=phase_order, scheme="tableau10"))
    tooltip = [
        alt.Tooltip("step:Q", title="Step"),
        alt.Tooltip("title:N", title="Title"),
        alt.Tooltip("dimension:N", title="Dimension"),
        alt.Tooltip("effort:N", title="Effort"),
        alt.Tooltip("impact:N", title="Impact"),
        alt.Tooltip("phase_label:N", title="Phase"),
    ]

    def axis(title: str) -> alt.Axis:
        return alt.Axis(title=title, values=[0, 1, 2], labelExpr="['low', 'medium', 'high'][datum.value]",
                        grid=False, domain=False, ticks=False)

    scale = alt.Scale(domain=[-0.5, 2.5], nice=False, zero=False)
    counts = {cell: len(members) for cell, members in cells.items()}
    grid = pd.DataFrame([
        {"x": ex - 0.5, "x2": ex + 0.5, "y": iy - 0.5, "y2": iy + 0.5, "effort": _RATINGS[ex],
         "impact": _RATINGS[iy], "steps": counts.get((ex, iy), 0),
         "shade": "quick win" if (ex, iy) == (0, 2) else "other"}
        for ex in range(3) for iy in range(3)
    ])
    background = alt.Chart(grid).mark_rect(stroke="white", strokeWidth=3).encode(
        x=alt.X("x:Q", scale=scale, axis=axis("Effort")), x2="x2:Q",
        y=alt.Y("y:Q", scale=scale, axis=axis("Impact")), y2="y2:Q",
        color=alt.condition("datum.shade == 'quick win'", alt.value("#FBE5D6"), alt.value(LIGHT)),
        tooltip=[alt.Tooltip("effort:N", title="Effort"), alt.Tooltip("impact:N", title="Impact"),
                 alt.Tooltip("steps:Q", title="Steps")],
    )
    base = alt.Chart(data).transform_filter("isValid(datum.x) && isValid(datum.y)").encode(
        x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), tooltip=tooltip,
    )
    dots = base.mark_circle(size=260, opacity=1, stroke="white", strokeWidth=1).encode(
        color=alt.Color("phase_label:N", sort=phase_order, scale=colour, title="Phase"),
    )
    numbers = base.mark_text(color="white", fontSize=9, fontWeight="bold").encode(text="step:N")
    chart = alt.layer(background, dots, numbers).properties(width=420, height=320)
    return _style(_titled(chart, title))
