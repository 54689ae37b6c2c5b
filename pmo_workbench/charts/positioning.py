"""Altair charts for the PMO report: pure builders over the assessment frames.

Every function takes frames produced by :func:`pmo_workbench.assess` (or frames
of the same shape), returns an Altair chart ready for ``.to_dict()``, ``.save()``
or display, and never changes its inputs. The data is embedded in the chart
(no URLs), every mark carries a tooltip, and missing scores are drawn as
"no score" rather than dropped silently.

The house style is :mod:`pmo_workbench.charts.style`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from ..i18n import _, pgettext

from .heatmaps import item_heatmap, perception
from .style import (
    label_rows,
    wrap_expr,
    _PLOT_WIDTH,
    _ROLE_LABELS,
    _SCORE_SCALE,
    _VALID_SCORE,
    ACCENT,
    AMBER,
    GREY,
    INK,
    LOW_AGREEMENT,
    SPLIT_VIEWS,
    NAVY,
    _fmt,
    _int,
    _level_scale,
    _missing,
    _num,
    _order,
    _records,
    _records_frame,
    _score_axis,
    _series_scale,
    _style,
    _text,
    _titled,
    level_name,
    no_score,
)

__all__ = [
    "compare_pmos",
    "dimension_scores",
    "item_heatmap",
    "ladder",
    "perception",
    "pmo_roles",
]


# -- 1. dimension scores -------------------------------------------------------------
def dimension_scores(
    dimensions: pd.DataFrame, thresholds: Sequence[float] = (20, 40, 60, 80), title: str | None = None
) -> alt.LayerChart:
    """Score per dimension as horizontal bars, with confidence intervals and maturity bands.

    Parameters
    ----------
    dimensions
        :attr:`PmoAssessment.dimensions`: columns ``label``, ``score``,
        ``level``, ``respondents``, ``ci_low``, ``ci_high``, ``rwg_star_j``
        (else ``rwg_j``), ``agree`` and ``split_items`` are used. Rows are
        drawn in the frame's order.
    thresholds
        Maturity band boundaries, drawn as dashed vertical rules.
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        Bars coloured by maturity level, a 95 % CI rule per bar, the score
        inside each bar, "split views" beside rows with a split item, "low
        agreement" beside other rows whose ``agree`` is False, and "no score"
        for rows without a score.
    """
    thresholds = [float(t) for t in thresholds]
    rows = []
    for i, r in enumerate(_records(dimensions)):
        score = _num(r.get("score"))
        level = _int(r.get("level"))
        ci_low, ci_high = _num(r.get("ci_low")), _num(r.get("ci_high"))
        rwg = _num(r.get("rwg_star_j", r.get("rwg_j")))
        agree = r.get("agree")
        agree = None if _missing(agree) else bool(agree)
        split = r.get("split_items")
        flag = (_(SPLIT_VIEWS) if isinstance(split, (tuple, list)) and split
                else _(LOW_AGREEMENT) if agree is False else None)
        ends = [v for v in (score, ci_high) if v is not None]
        rows.append({
            "order": i,
            "dimension": _text(r.get("dimension")),
            "label": str(r.get("label", r.get("dimension", ""))),
            "score": score,
            "score_text": _fmt(score),
            "bar_text": None if score is None else _fmt(score, 0),
            "dark": level is not None and level >= 3,
            "level": level,
            "level_name": no_score() if score is None or level is None else level_name(level),
            "ci_low": ci_low,
            "ci_high": ci_high,
            "ci": None if ci_low is None or ci_high is None else _("{low} to {high}").format(low=_fmt(ci_low),
                                                                                             high=_fmt(ci_high)),
            "rwg_j": rwg,
            "rwg_text": None if rwg is None else _fmt(rwg, 2),
            "agreement": flag or (None if agree is None else "ok"),
            "flag": flag if score is not None else None,
            "flag_x": max(ends) if ends else 0.0,
            "missing": no_score() if score is None else None,
            "zero": 0.0,
            "respondents": _int(r.get("respondents")),
        })
    data = _records_frame(rows, ["order", "dimension", "label", "score", "score_text", "bar_text", "dark", "level",
                                 "level_name", "ci_low", "ci_high", "ci", "rwg_j", "rwg_text", "agreement", "flag",
                                 "flag_x", "missing", "zero", "respondents"])
    tooltip = [
        alt.Tooltip("label:N", title=_("Dimension")),
        alt.Tooltip("score_text:N", title=_("Score")),
        alt.Tooltip("level_name:N", title=_("Maturity")),
        alt.Tooltip("ci:N", title=_("95 % CI")),
        alt.Tooltip("rwg_text:N", title="r*wg(J)"),
        alt.Tooltip("agreement:N", title=_("Agreement")),
        alt.Tooltip("respondents:Q", title=_("Respondents")),
    ]
    labels = _order(data["label"])
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=labels, title=None))

    bands = pd.DataFrame({
        "threshold": thresholds,
        "band": [_("Level {level} from {threshold}").format(level=i + 2, threshold=_plain_number(t))
                 for i, t in enumerate(thresholds)],
    })
    rules = alt.Chart(bands).mark_rule(color=GREY, strokeDash=[4, 3], strokeWidth=1).encode(
        x=alt.X("threshold:Q", scale=_SCORE_SCALE, axis=_score_axis()),
        tooltip=[alt.Tooltip("band:N", title=_("Maturity band"))],
    )
    bars = base.mark_bar(height={"band": 0.7}).transform_filter(_VALID_SCORE).encode(
        x=alt.X("score:Q", scale=_SCORE_SCALE, axis=_score_axis()),
        color=alt.Color("level_name:N", scale=_level_scale(len(thresholds) + 1), title=_("Maturity level")),
        tooltip=tooltip,
    )
    values = base.mark_text(align="left", dx=4, fontSize=10).transform_filter(_VALID_SCORE).encode(
        x=alt.X("zero:Q", scale=_SCORE_SCALE),
        text="bar_text:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value(INK)),
        tooltip=tooltip,
    )
    ci = base.mark_rule(color=INK, strokeWidth=1.5).transform_filter(
        "isValid(datum.ci_low) && isValid(datum.ci_high)"
    ).encode(x=alt.X("ci_low:Q", scale=_SCORE_SCALE), x2="ci_high:Q", tooltip=tooltip)
    flags = base.mark_text(align="left", dx=6, color=ACCENT, fontStyle="italic", fontSize=10).transform_filter(
        "isValid(datum.flag)"
    ).encode(x=alt.X("flag_x:Q", scale=_SCORE_SCALE), text="flag:N", tooltip=tooltip)
    missing = base.mark_text(align="left", dx=4, color=GREY, fontStyle="italic").transform_filter(
        "isValid(datum.missing)"
    ).encode(x=alt.X("zero:Q", scale=_SCORE_SCALE), text="missing:N", tooltip=tooltip)

    chart = alt.layer(rules, bars, ci, values, flags, missing).properties(
        width=_PLOT_WIDTH, height=alt.Step(label_rows(data["label"]))
    )
    return _style(_titled(chart, title))


def _plain_number(value: float) -> str:
    """A number as ``:g`` writes it (``20``, ``12.5``), with the reader's decimal mark."""
    written = f"{float(value):g}"
    return written if "e" in written else _fmt(float(value), len(written.partition(".")[2]))


# -- 2. type ladder ----------------------------------------------------------------
def ladder(
    ladder: pd.DataFrame,
    current_type: str,
    type_labels: Mapping[str, str],
    *,
    dimension_labels: Mapping[str, str] | None = None,
    title: str | None = None,
    target_type: str | None = None,
) -> alt.FacetChart:
    """The type profile: each type's gates against the PMO's scores, with their 95 % ranges.

    Parameters
    ----------
    ladder
        :attr:`TypeResult.ladder`: one row per gate of every rung, columns
        ``type``, ``dimension``, ``gate``, ``score``, ``met`` and, when
        judged with confidence ranges, ``state`` (``met``, ``borderline``,
        ``not_met``), ``ci_low`` and ``ci_high``; types are drawn top to
        bottom in the frame's order.
    current_type
        The PMO's type id; its panel is marked "(PMO's type)" and drawn at
        full strength, the others paler.
    target_type
        The target type id, marked "(target)".
    type_labels
        Type id -> label for the rung headers.
    dimension_labels
        Dimension id -> label for the bars; ids are shown when omitted.
    title
        Chart title; none by default.

    Returns
    -------
    altair.FacetChart
        One panel per rung; a bar per gated dimension coloured met / not met /
        no score, with a black tick at the gate. The tooltip gives the points
        still needed for unmet gates.
    """
    dimension_labels = dict(dimension_labels or {})
    gate_states = {"met": pgettext("gate", "met"), "borderline": pgettext("gate", "borderline"),
                   "not_met": pgettext("gate", "not met")}
    rows = []
    for i, r in enumerate(_records(ladder)):
        type_id = str(r.get("type"))
        dim = str(r.get("dimension"))
        gate = _num(r.get("gate"))
        score = _num(r.get("score"))
        met = r.get("met")
        met = False if _missing(met) else bool(met)
        needed = None if met or score is None or gate is None else max(gate - score, 0.0)
        current = type_id == current_type
        rung = str(type_labels.get(type_id, type_id))
        marks = [m for m, on in ((_("PMO's type"), current), (_("target"), type_id == target_type)) if on]
        state = r.get("state")
        status = gate_states[("met" if met else "not_met") if _missing(state) else str(state)]
        rows.append({
            "order": i,
            "type": type_id,
            "rung": f"{rung} ({', '.join(marks)})" if marks else rung,
            "current": "current" if current else "other",
            "dimension": dim,
            "label": str(dimension_labels.get(dim, dim)),
            "gate": gate,
            "gate_text": _fmt(gate, 0) if gate is not None else None,
            "score": score,
            "score_text": _fmt(score),
            "met": met,
            "status": status if score is not None else no_score(),
            "ci_low": _num(r.get("ci_low")),
            "ci_high": _num(r.get("ci_high")),
            "needed": needed,
            "needed_text": (_("0 (gate met)") if met else _("{points} points").format(points=_fmt(needed))
                            if needed is not None else _("unknown (no score)")),
            "missing": no_score() if score is None else None,
            "zero": 0.0,
        })
    data = _records_frame(rows, ["order", "type", "rung", "current", "dimension", "label", "gate", "gate_text",
                                 "score", "score_text", "met", "status", "ci_low", "ci_high", "needed", "needed_text",
                                 "missing", "zero"])
    tooltip = [
        alt.Tooltip("rung:N", title=_("Type")),
        alt.Tooltip("label:N", title=_("Dimension")),
        alt.Tooltip("score_text:N", title=_("Score")),
        alt.Tooltip("gate_text:N", title=_("Gate")),
        alt.Tooltip("status:N", title=_("Status")),
        alt.Tooltip("needed_text:N", title=_("Points still needed")),
    ]
    rungs = _order(data["rung"])
    # a label longer than a line is written on two (wrap_expr): its row makes room, so it never meets its neighbour
    row = label_rows(data["label"])
    base = alt.Chart().encode(y=alt.Y("label:N", sort=_order(data["label"]), title=None,
                                      axis=alt.Axis(labelExpr=wrap_expr())))
    # Rows without a score draw no bar: Vega drops invalid values.
    bars = base.mark_bar(height={"band": 0.65}).encode(
        x=alt.X("score:Q", scale=_SCORE_SCALE, axis=_score_axis()),
        color=alt.Color("status:N", title=_("Gate"),
                        scale=alt.Scale(domain=[*gate_states.values(), no_score()],
                                        range=[NAVY, AMBER, ACCENT, GREY])),
        opacity=alt.condition("datum.current === 'current'", alt.value(1.0), alt.value(0.45)),
        tooltip=tooltip,
    )
    ranges = base.mark_rule(color=INK, strokeWidth=1.5).encode(
        x=alt.X("ci_low:Q", scale=_SCORE_SCALE), x2="ci_high:Q", tooltip=tooltip,
    )
    gates = base.mark_tick(color=INK, thickness=3, size=20).encode(
        x=alt.X("gate:Q", scale=_SCORE_SCALE), tooltip=tooltip,
    )
    missing = base.mark_text(align="left", dx=4, color=GREY, fontStyle="italic").transform_filter(
        "isValid(datum.missing)"
    ).encode(x=alt.X("zero:Q", scale=_SCORE_SCALE), text="missing:N", tooltip=tooltip)
    chart = (
        alt.layer(bars, ranges, gates, missing, data=data)
        .properties(width=_PLOT_WIDTH, height=alt.Step(row))
        .facet(row=alt.Row("rung:N", sort=rungs, title=None, header=alt.Header(
            labelAngle=0, labelOrient="top", labelAnchor="start", labelAlign="left", labelFontWeight="bold",
            labelLimit=_PLOT_WIDTH,
        )))
        .resolve_scale(y="independent")
        .properties(spacing=8)
    )
    return _style(_titled(chart, title))


# -- 3. PMO roles ------------------------------------------------------------------
def pmo_roles(
    coverage: pd.Series, labels: Mapping[str, str] | None = None, *, title: str | None = None
) -> alt.LayerChart:
    """Coverage of the PMO's three roles as labelled bars.

    Parameters
    ----------
    coverage
        :attr:`PmoAssessment.pmo_roles`: role id -> score 0-100 (NaN when no
        dimension serving the role is scored), drawn in index order.
    labels
        Role id -> label; defaults to "Standards", "Customer support",
        "Empowerment".
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        One bar per role with its rounded value (or "no score") beside it.
    """
    names = {**{role: _(label) for role, label in _ROLE_LABELS.items()}, **dict(labels or {})}
    rows = []
    for i, (role, value) in enumerate(coverage.items()):
        score = _num(value)
        rows.append({
            "order": i, "role": str(role), "label": str(names.get(role, role)), "score": score,
            "score_text": _fmt(score), "text": no_score() if score is None else _fmt(score, 0),
            "text_x": 0.0 if score is None else score,
        })
    data = _records_frame(rows, ["order", "role", "label", "score", "score_text", "text", "text_x"])
    tooltip = [alt.Tooltip("label:N", title=_("PMO role")), alt.Tooltip("score_text:N", title=_("Coverage"))]
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=_order(data["label"]), title=None))
    bars = base.mark_bar(color=NAVY, height={"band": 0.65}).transform_filter(_VALID_SCORE).encode(
        x=alt.X("score:Q", scale=_SCORE_SCALE, axis=_score_axis(_("Coverage (0-100)"))), tooltip=tooltip,
    )
    text = base.mark_text(align="left", dx=5, fontWeight="bold").encode(
        x=alt.X("text_x:Q", scale=_SCORE_SCALE), text="text:N",
        color=alt.condition(_VALID_SCORE, alt.value(INK), alt.value(GREY)), tooltip=tooltip,
    )
    chart = alt.layer(bars, text).properties(width=_PLOT_WIDTH, height=alt.Step(32))
    return _style(_titled(chart, title))


# -- 7. several PMOs --------------------------------------------------------------------
def compare_pmos(frames: Mapping[str, pd.DataFrame], *, title: str | None = None) -> alt.LayerChart:
    """Several PMOs of one organisation side by side, dimension by dimension.

    Parameters
    ----------
    frames
        PMO name -> that PMO's :attr:`PmoAssessment.dimensions` frame (columns
        ``label``, ``score``, ``level``, ``respondents`` are used). PMOs keep
        the mapping's order; dimensions the order of first appearance.
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        Grouped horizontal bars, one group per dimension and one colour per
        PMO, the rounded score beside each bar ("no score" when missing).
    """
    rows = []
    for pmo, frame in frames.items():
        for r in _records(frame):
            score = _num(r.get("score"))
            level = _int(r.get("level"))
            rows.append({
                "pmo": str(pmo), "dimension": _text(r.get("dimension")),
                "label": str(r.get("label", r.get("dimension"))), "score": score, "score_text": _fmt(score),
                "level_name": no_score() if score is None or level is None else level_name(level),
                "respondents": _int(r.get("respondents")),
                "text": no_score() if score is None else _fmt(score, 0), "text_x": 0.0 if score is None else score,
            })
    data = _records_frame(rows, ["pmo", "dimension", "label", "score", "score_text", "level_name", "respondents",
                                 "text", "text_x"])
    pmos = [str(p) for p in frames]
    tooltip = [
        alt.Tooltip("pmo:N", title="PMO"),
        alt.Tooltip("label:N", title=_("Dimension")),
        alt.Tooltip("score_text:N", title=_("Score")),
        alt.Tooltip("level_name:N", title=_("Maturity")),
        alt.Tooltip("respondents:Q", title=_("Respondents")),
    ]
    bar_px = 12
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=_order(data["label"]), title=None),
        yOffset=alt.YOffset("pmo:N", sort=pmos, scale=alt.Scale(domain=pmos, paddingInner=0.1)),
        tooltip=tooltip,
    )
    bars = base.mark_bar().transform_filter(_VALID_SCORE).encode(
        x=alt.X("score:Q", scale=_SCORE_SCALE, axis=_score_axis()),
        # the legend is what tells the PMOs apart: whole names, one per line, never cut
        color=alt.Color("pmo:N", sort=pmos, scale=_series_scale(pmos), title="PMO",
                        legend=alt.Legend(labelLimit=0, columns=1, direction="vertical")),
    )
    text = base.mark_text(align="left", dx=3, fontSize=9).encode(
        x=alt.X("text_x:Q", scale=_SCORE_SCALE), text="text:N",
        color=alt.condition(_VALID_SCORE, alt.value(INK), alt.value(GREY)),
    )
    step = alt.Step(bar_px * max(len(pmos), 1) + 10, **{"for": "position"})
    chart = alt.layer(bars, text).properties(width=_PLOT_WIDTH, height=step)
    return _style(_titled(chart, title))
