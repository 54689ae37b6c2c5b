"""Altair charts for the portfolio health report: pure builders over the portfolio analysis frames.

Each function takes frames produced by :func:`pmo_workbench.portfolio.analyse_portfolio`
(or frames of the same shape), never changes them, embeds its data (no URLs),
gives every mark a tooltip and applies the house style of :mod:`pmo_workbench.charts`.
Charts fit an A4 page (at most 640 px wide). Titles, legends, tooltips and the names in their data (health,
decisions, kinds of link) are in the current language (:mod:`pmo_workbench.i18n`), read when a chart is built.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from .._values import fmt, project_label
from ..i18n import N_, _
from ..portfolio.actions import REASON_WORDS, REASONS_IN_WORDS
from ..portfolio.model import Thresholds
from ..portfolio.risk import key_word
from .style import (ACCENT, GREY, INK, MAX_WIDTH, NAVY, _num, _records_frame, _style, _text, _titled, fitted_domain,
                    LINE_BREAK_EXPR, centred_lines, money_axis, money_title, wrap_lines, wrapped_rows)

__all__ = [
    "RAG_COLOURS",
    "cpi_spi_quadrant",
    "demand_vs_capacity",
    "dependency_groups",
    "dependency_network",
    "exposure_bars",
    "frontier",
    "prioritisation",
    "resource_heatmap",
    "risk_heatmap",
    "schedule_view",
]

RAG_COLOURS = {"green": "#548235", "amber": "#BF8F00", "red": "#C00000", "check estimate": "#2E75B6",
               "no index": GREY}
RAG_NAMES = {"green": N_("green"), "amber": N_("amber"), "red": N_("red"), "check estimate": N_("check estimate"),
             "no index": N_("no index")}
"""How a chart names each health (RAG) key, translated where it is drawn."""
_ZONE_COLOURS = {"green": "#E2EFDA", "amber": "#FFF2CC", "red": "#F8CBAD"}
_THREAT, _OPPORTUNITY = "#C00000", "#548235"
_ROW = 18
_KINDS = {"threat": N_("threat"), "opportunity": N_("opportunity")}
_SOLVER = {"optimal": N_("optimal"), "feasible": N_("feasible"), "infeasible": N_("infeasible")}
_DECISIONS = {"mandatory": N_("mandatory"), "recommended": N_("recommended"), "not funded": N_("not funded"),
              "candidate": N_("candidate")}


def _rag(value) -> str:
    """The health of ``value`` (a RAG key) as the chart names it, in the current language."""
    text = _text(value)
    return _(RAG_NAMES[text if text in RAG_COLOURS else "no index"])


def _rag_scale() -> alt.Scale:
    """The health colours, keyed by the names :func:`_rag` gives (in the current language)."""
    return alt.Scale(domain=[_(RAG_NAMES[k]) for k in RAG_COLOURS], range=list(RAG_COLOURS.values()))


def _yes_no(value) -> str:
    return _("yes") if value else _("no")


def _is(field: str, value: str) -> str:
    """A Vega test that ``datum[field]`` is ``value`` (a translated name, quoted safely)."""
    return f"datum[{json.dumps(field)}] == {json.dumps(value)}"


def _spread_labels(shown, rows: list[dict], gap: float, bounds: tuple[float, float]) -> tuple[list, list]:
    """The labelled rows, top first, and label heights at least ``gap`` apart, within ``bounds`` when they fit.

    Labels on both halves run towards the middle of the chart, so they are spread as one column: each starts
    at its point's height, is pushed down below the one above, and, when the lowest falls under the floor,
    the column is pushed back up from the floor.
    """
    order = sorted(shown, key=lambda i: -rows[i]["y"])
    heights: list[float] = []
    for i in order:
        heights.append(min([rows[i]["y"], bounds[1], *(h - gap for h in heights[-1:])]))
    floor = bounds[0]
    for k in range(len(heights) - 1, -1, -1):
        heights[k] = max(heights[k], floor)
        floor = heights[k] + gap
    return order, heights


def cpi_spi_quadrant(evm: pd.DataFrame, *, title: str | None = None, thresholds: Thresholds | None = None,
                     label_limit: int = 8, currency: str | None = None) -> alt.LayerChart:
    """Cost (CPI) against schedule (SPI(t) where a baseline gives it, else SPI) per in-flight project.

    Each axis is fitted to the data (:func:`pmo_workbench.charts.style.fitted_domain`): it spans the bulk
    of the projects and the amber band, with a margin, so the 1.0 lines and the shaded green and amber
    bands always show. An outlier beyond the range is drawn on the edge as a triangle, its tooltip giving
    its values. At most ``label_limit`` points are labelled with their project (a chart setting): the
    outliers first, each label starting with the value the edge hides, then the projects furthest from
    (1.0, 1.0); labels are moved apart vertically so that no two overlap.
    """
    bands = thresholds or Thresholds()
    rows = []
    for r in evm.to_dict("records"):
        cpi = _num(r.get("cpi"))
        # The index schedule health uses (the evm frame's ``schedule``): SPI(t) where a baseline gives it, else SPI.
        by_time = _num(r.get("spi_t")) is not None
        schedule = _num(r["schedule"]) if "schedule" in r else _num(r.get("spi_t") if by_time else r.get("spi"))
        if cpi is None or schedule is None or r.get("status") not in ("active", "on_hold"):
            continue
        rows.append({"project": project_label(r["project_id"], r.get("name")), "cpi": cpi, "schedule": schedule,
                     "schedule_index": "SPI(t)" if by_time else "SPI", "rag": _rag(r.get("rag")),
                     "bac": _num(r.get("bac"))})
    xs = fitted_domain([r["schedule"] for r in rows], bands.amber)
    ys = fitted_domain([r["cpi"] for r in rows], bands.amber)
    for r in rows:
        r["x"], r["y"] = min(max(r["schedule"], xs[0]), xs[1]), min(max(r["cpi"], ys[0]), ys[1])
        r["clipped"] = r["x"] != r["schedule"] or r["y"] != r["cpi"]
        r["distance"] = math.hypot(r["schedule"] - 1.0, r["cpi"] - 1.0)
    # Clipped points first, then the furthest from plan; at most label_limit labels, so that they stay legible.
    ranked = sorted(range(len(rows)), key=lambda i: (not rows[i]["clipped"], -rows[i]["distance"]))
    shown = set(ranked[:max(label_limit, 0)])
    gap = 0.035 * (ys[1] - ys[0])  # any two labels at least this far apart vertically
    for i in shown:
        r = rows[i]
        values = [f"{name} {fmt(value, 2)}" for name, value, cut in (
            ("CPI", r["cpi"], r["y"] != r["cpi"]),
            (r["schedule_index"], r["schedule"], r["x"] != r["schedule"])) if cut]
        r["label"] = (", ".join(values) + " · " if values else "") + r["project"]
        r["align"] = "right" if r["x"] > (xs[0] + xs[1]) / 2 else "left"
    for i, y in zip(*_spread_labels(shown, rows, gap, (ys[0] + gap / 2, ys[1] - gap / 2))):
        rows[i]["label_y"] = y
    for i, r in enumerate(rows):
        if i not in shown:
            r["label"], r["align"], r["label_y"] = "", "left", r["y"]
    data = _records_frame(rows, ["project", "cpi", "schedule", "schedule_index", "rag", "bac", "x", "y", "clipped",
                                 "label", "align", "label_y"])
    x_scale, y_scale = alt.Scale(domain=list(xs), nice=False), alt.Scale(domain=list(ys), nice=False)
    x = alt.X("x:Q", scale=x_scale, title=_("Schedule performance (SPI(t), else SPI)"), axis=alt.Axis(tickCount=8))
    y = alt.Y("y:Q", scale=y_scale, title=_("Cost performance (CPI)"))
    tooltip = [alt.Tooltip("project:N", title=_("Project")), alt.Tooltip("cpi:Q", title="CPI", format=".2f"),
               alt.Tooltip("schedule:Q", title=_("Schedule index"), format=".2f"),
               alt.Tooltip("schedule_index:N", title=_("Index")), alt.Tooltip("rag:N", title=_("Health")),
               alt.Tooltip("bac:Q", title=money_title("BAC", currency), format=",.0f")]
    points = alt.Chart(data).mark_point(filled=True, opacity=0.8, stroke="white", strokeWidth=0.5).encode(
        x=x, y=y, color=alt.Color("rag:N", scale=_rag_scale(), title=_("Health")),
        size=alt.Size("bac:Q", title=money_title(_("Budget (BAC)"), currency), legend=None,
                      scale=alt.Scale(range=[30, 400])),
        shape=alt.Shape("clipped:N", scale=alt.Scale(domain=[False, True], range=["circle", "triangle"]),
                        legend=None),
        tooltip=tooltip,
    )
    labelled = alt.Chart(data).transform_filter("datum.label != ''")
    labels = [labelled.transform_filter(f"datum.align == '{side}'").mark_text(
        align=side, dx=8 if side == "left" else -8, baseline="middle", fontSize=9, color=INK, limit=260).encode(
        x=x, y=alt.Y("label_y:Q", scale=y_scale), text="label:N", tooltip=tooltip) for side in ("left", "right")]
    band_names = [_("amber band"), _("green band")]
    zones = pd.DataFrame({"x": [bands.amber[0], bands.green[0]], "x2": [bands.amber[1], bands.green[1]],
                          "zone": band_names})
    zones["text"] = [_("{band}: {low}-{high}").format(band=z, low=fmt(a, 2), high=fmt(b, 2))
                     for z, a, b in zip(zones["zone"], zones["x"], zones["x2"])]
    zone = alt.Chart(zones).mark_rect(opacity=0.5).encode(
        x=alt.X("x:Q", scale=x_scale), x2="x2:Q", y=alt.Y("x:Q", scale=y_scale), y2="x2:Q",
        color=alt.Color("zone:N", scale=alt.Scale(domain=band_names,
                                                  range=[_ZONE_COLOURS["amber"], _ZONE_COLOURS["green"]]),
                        legend=None),
        tooltip=[alt.Tooltip("text:N", title=_("Both indices in the"))])
    ones = pd.DataFrame({"v": [1.0], "what": [_("1.0: on plan")]})
    on_plan = [alt.Tooltip("what:N", title=_("Index"))]
    vertical = alt.Chart(ones).mark_rule(color=GREY, strokeDash=[4, 3]).encode(
        x=alt.X("v:Q", scale=x_scale), tooltip=on_plan)
    horizontal = alt.Chart(ones).mark_rule(color=GREY, strokeDash=[4, 3]).encode(
        y=alt.Y("v:Q", scale=y_scale), tooltip=on_plan)
    corners = []
    nudge_x, nudge_y = (xs[1] - xs[0]) * 0.01, (ys[1] - ys[0]) * 0.03
    for align, at, texts in (("right", xs[1] - nudge_x, [_("ahead, under budget"), _("ahead, over budget")]),
                             ("left", xs[0] + nudge_x, [_("late, under budget"), _("late, over budget")])):
        corner = pd.DataFrame({"x": [at, at], "y": [ys[1] - nudge_y, ys[0] + nudge_y], "text": texts})
        corners.append(alt.Chart(corner).mark_text(color=GREY, fontSize=10, align=align).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("y:Q", scale=y_scale), text="text:N",
            tooltip=[alt.Tooltip("text:N", title=_("Quadrant"))]))
    chart = alt.layer(zone, vertical, horizontal, *corners, points, *labels).properties(width=460, height=400)
    return _style(_titled(chart.resolve_scale(color="independent"), title))


def schedule_view(evm: pd.DataFrame, *, limit: int = 25, title: str | None = None) -> alt.Chart:
    """Earned schedule: time ahead (+) or behind (-) in periods, SV(t) = ES - AT, for the latest projects."""
    rows = [{"project": project_label(r["project_id"], r.get("name")), "sv_t": _num(r["sv_t"]),
             "es": _num(r.get("es")), "at": _num(r.get("at")), "spi_t": _num(r.get("spi_t")),
             "rag": _rag(r.get("rag_schedule"))}
            for r in evm.to_dict("records") if _num(r.get("sv_t")) is not None]
    rows.sort(key=lambda r: r["sv_t"])
    rows = [{**r, "label": wrap_lines(r["project"])} for r in rows[:limit]]
    data = _records_frame(rows, ["project", "label", "sv_t", "es", "at", "spi_t", "rag"])
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=_wrapped_axis()),
        x=alt.X("sv_t:Q", title=_("SV(t): periods ahead (+) or behind (-)")),
        color=alt.Color("rag:N", scale=_rag_scale(), title=_("Schedule health")),
        tooltip=[alt.Tooltip("project:N", title=_("Project")),
                 alt.Tooltip("es:Q", title=_("Earned schedule ES"), format=".2f"),
                 alt.Tooltip("at:Q", title=_("Actual time AT"), format=".2f"),
                 alt.Tooltip("sv_t:Q", title="SV(t)", format="+.2f"),
                 alt.Tooltip("spi_t:Q", title="SPI(t)", format=".2f")],
    )
    zero = alt.Chart(pd.DataFrame({"v": [0.0], "what": [_("on schedule")]})).mark_rule(color=INK).encode(
        x="v:Q", tooltip=[alt.Tooltip("what:N", title="SV(t) = 0")])
    chart = alt.layer(bars, zero).properties(width=420, height=alt.Step(wrapped_rows(data["label"], _ROW)))
    return _style(_titled(chart, title))


def risk_heatmap(heatmap: pd.DataFrame, *, title: str | None = None, currency: str | None = None
                 ) -> alt.HConcatChart:
    """Open threats and opportunities on the 5 x 5 probability-impact matrix, counts in the cells.

    Cell colours are the zones of the ordinal score (band x band: green 1-4, amber 5-14, red 15-25).
    """
    parts = []
    zone_names = {key: _(RAG_NAMES[key]) for key in _ZONE_COLOURS}
    for kind, label in (("threat", _("Threats")), ("opportunity", _("Opportunities"))):
        cells = heatmap[heatmap["kind"] == kind]
        rows = []
        for r in cells.to_dict("records"):
            p, i = int(r["probability_band"]), int(r["impact_band"])
            score = p * i
            zone = "red" if score >= 15 else "amber" if score >= 5 else "green"
            count = int(r["count"])
            rows.append({"probability": p, "impact": i, "count": count, "label": str(count) if count else "",
                         "zone": zone_names[zone], "score": score, "emv": _num(r.get("emv"))})
        data = _records_frame(rows, ["probability", "impact", "count", "label", "zone", "score", "emv"])
        base = alt.Chart(data).encode(
            x=alt.X("impact:O", title=_("Impact (1-5)"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("probability:O", title=_("Probability (1-5)"), sort="descending"),
            tooltip=[alt.Tooltip("probability:O", title=_("Probability band")),
                     alt.Tooltip("impact:O", title=_("Impact band")), alt.Tooltip("score:Q", title=_("Score (P x I)")),
                     alt.Tooltip("count:Q", title=label),
                     alt.Tooltip("emv:Q", title=money_title("EMV", currency), format=",.0f")],
        )
        rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
            color=alt.Color("zone:N", scale=alt.Scale(domain=list(zone_names.values()),
                                                      range=list(_ZONE_COLOURS.values())), title=_("Zone")))
        text = base.mark_text(fontSize=13, fontWeight="bold", color=INK).encode(text="label:N")
        parts.append(alt.layer(rect, text).properties(width=230, height=230, title=label))
    return _style(_titled(alt.hconcat(*parts, spacing=30), title))


def exposure_bars(frame: pd.DataFrame, key: str, *, limit: int = 15, label: str | None = None,
                  title: str | None = None, names: Mapping[str, str] | None = None,
                  currency: str | None = None) -> alt.Chart:
    """Threat exposure (left, negative EMV) beside opportunity (right, positive EMV) for the top keys.

    When no impact is in money (an ordinal register), bars show the summed ordinal score of threats instead.
    ``names`` maps a key (a project id) to how the reader sees it ("P-1 — Name", as
    :meth:`~pmo_workbench.portfolio.PortfolioAnalysis.project_names` gives); ``currency`` is the money's ISO code.
    """
    top = frame.head(limit)
    money = top["threat_emv"].notna().any() or top["opportunity_emv"].notna().any()
    rows = []
    for r in top.to_dict("records"):
        name = (names or {}).get(str(r[key])) or key_word(r[key])
        if money:
            rows.append({"key": name, "kind": _(_KINDS["threat"]), "value": _num(r.get("threat_emv")) or 0.0,
                         "count": int(r.get("threats") or 0)})
            rows.append({"key": name, "kind": _(_KINDS["opportunity"]), "value": _num(r.get("opportunity_emv")) or 0.0,
                         "count": int(r.get("opportunities") or 0)})
        else:
            rows.append({"key": name, "kind": _(_KINDS["threat"]), "value": _num(r.get("threat_score")) or 0.0,
                         "count": int(r.get("threats") or 0)})
    rows = [{**r, "label": wrap_lines(r["key"])} for r in rows]
    data = _records_frame(rows, ["key", "label", "kind", "value", "count"])
    # no axis title beside the labels: a long label would run under it; the tooltip and the caption name them
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=_wrapped_axis()),
        x=alt.X("value:Q", title=money_title(_("Expected monetary value (EMV)"), currency) if money
                else _("Exposure index (summed P × I scores, 1-25 each)"),
                axis=money_axis(currency, tickCount=5, labelOverlap=True) if money
                else alt.Axis(format="d", labelOverlap=True)),
        color=alt.Color("kind:N", scale=alt.Scale(domain=[_(k) for k in _KINDS.values()],
                                                  range=[_THREAT, _OPPORTUNITY]), title=None),
        tooltip=[alt.Tooltip("key:N", title=label or key), alt.Tooltip("kind:N", title=_("Kind")),
                 alt.Tooltip("value:Q", title=money_title("EMV", currency) if money else _("Exposure index"),
                             format=",.0f"),
                 alt.Tooltip("count:Q", title=_("Open risks"))],
    ).properties(width=400, height=alt.Step(wrapped_rows(data["label"], _ROW)))
    return _style(_titled(chart, title))


def _solver(status: str | None) -> str | None:
    """The solver's status (``optimal``, ``feasible``, ``infeasible``) in the current language."""
    return _(_SOLVER[status]) if status in _SOLVER else status


def _wrapped_axis() -> alt.Axis:
    """Row labels from :func:`wrap_lines`, written whole on their lines."""
    return alt.Axis(labelExpr=LINE_BREAK_EXPR, labelLimit=0, labelLineHeight=13, labelOffset=centred_lines(13))


def resource_heatmap(load: pd.DataFrame, *, roles: Sequence[str] | None = None, title: str | None = None
                     ) -> alt.LayerChart:
    """Utilisation (demand / capacity) per role and month; over-allocated cells are marked with their excess."""
    frame = load if roles is None else load[load["role"].isin(list(roles))]
    order = list(dict.fromkeys(roles)) if roles is not None else list(dict.fromkeys(frame["role"].astype(str)))
    rows = []
    for r in frame.to_dict("records"):
        demand, capacity = _num(r.get("demand_fte")), _num(r.get("capacity_fte"))
        utilisation = _num(r.get("utilisation"))
        over = bool(r.get("over_allocated"))
        rows.append({"role": str(r["role"]), "month": str(r["month"]), "demand": demand, "capacity": capacity,
                     "utilisation": utilisation if utilisation is not None else (2.0 if over else None),
                     "label": "!" if over else "", "over": _("over-allocated") if over else _("within capacity")})
    data = _records_frame(rows, ["role", "month", "demand", "capacity", "utilisation", "label", "over"])
    months = sorted(dict.fromkeys(data["month"].astype(str))) if len(data) else []
    width = min(MAX_WIDTH - 200, max(12 * len(months), 120))
    base = alt.Chart(data).encode(
        x=alt.X("month:O", sort=months, title=None, axis=alt.Axis(labelAngle=-90, labelFontSize=9)),
        y=alt.Y("role:N", sort=order, title=None),
        tooltip=[alt.Tooltip("role:N", title=_("Role")), alt.Tooltip("month:O", title=_("Month")),
                 alt.Tooltip("demand:Q", title=_("Demand (FTE)"), format=".2f"),
                 alt.Tooltip("capacity:Q", title=_("Capacity (FTE)"), format=".2f"),
                 alt.Tooltip("utilisation:Q", title=_("Utilisation"), format=".0%"),
                 alt.Tooltip("over:N", title=_("Status"))],
    )
    rect = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=alt.Color("utilisation:Q", title=_("Utilisation"),
                        scale=alt.Scale(domain=[0, 1, 1.5], range=["#DEEBF7", "#2E75B6", _THREAT], clamp=True),
                        legend=alt.Legend(format=".0%", gradientLength=200)),
    )
    text = base.mark_text(fontSize=9, fontWeight="bold", color="white").encode(text="label:N")
    chart = alt.layer(rect, text).properties(width=width, height=alt.Step(14))
    return _style(_titled(chart, title))


def demand_vs_capacity(load: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """Demand per month stacked as committed work (active and on-hold projects) under the pipeline (proposed
    projects), against total capacity (line), in FTE."""
    columns = [c for c in ("committed_fte", "pipeline_fte", "demand_fte", "capacity_fte") if c in load.columns]
    monthly = load.groupby(load["month"].astype(str), sort=True)[columns].sum(min_count=1)
    rows, bars_rows = [], []
    stages = [_("committed (active, on hold)"), _("pipeline (proposed)")]
    for m, r in monthly.iterrows():
        committed = _num(r.get("committed_fte")) if "committed_fte" in r else _num(r.get("demand_fte"))
        pipeline = _num(r.get("pipeline_fte")) if "pipeline_fte" in r else None
        row = {"month": m, "committed": committed, "pipeline": pipeline, "demand": _num(r.get("demand_fte")),
               "capacity": _num(r.get("capacity_fte"))}
        rows.append(row)
        for stage, value in zip(stages, (committed, pipeline)):
            bars_rows.append({**row, "stage": stage, "fte": value or 0.0})
    data = _records_frame(rows, ["month", "committed", "pipeline", "demand", "capacity"])
    stacked = _records_frame(bars_rows, ["month", "stage", "fte", "committed", "pipeline", "demand", "capacity"])
    tooltip = [alt.Tooltip("month:O", title=_("Month")),
               alt.Tooltip("committed:Q", title=_("Committed (FTE)"), format=".1f"),
               alt.Tooltip("pipeline:Q", title=_("Pipeline (FTE)"), format=".1f"),
               alt.Tooltip("demand:Q", title=_("Demand (FTE)"), format=".1f"),
               alt.Tooltip("capacity:Q", title=_("Capacity (FTE)"), format=".1f")]
    x = alt.X("month:O", title=None, axis=alt.Axis(labelAngle=-90, labelFontSize=9))
    bars = alt.Chart(stacked).mark_bar(opacity=0.9).encode(
        x=x, y=alt.Y("fte:Q", title=_("FTE"), stack="zero"),
        color=alt.Color("stage:N", title=_("Demand"), scale=alt.Scale(domain=stages, range=[NAVY, "#9DC3E6"])),
        order=alt.Order("order:Q"), tooltip=tooltip,
    ).transform_calculate(order=f"{_is('stage', stages[0])} ? 0 : 1")
    line = alt.Chart(data).mark_line(color=ACCENT, strokeWidth=2, point=True).encode(
        x=x, y="capacity:Q", tooltip=tooltip)
    chart = alt.layer(bars, line).properties(width=min(MAX_WIDTH - 80, max(14 * len(rows), 200)), height=200)
    return _style(_titled(chart, title))


def _layout(nodes: pd.DataFrame) -> pd.DataFrame:
    """Layered positions: x = delivery wave, y = rank within the wave (by blast radius)."""
    ordered = nodes.sort_values(["wave", "blast_radius", "project_id"], ascending=[True, False, True])
    y = ordered.groupby("wave").cumcount()
    return ordered.assign(x=ordered["wave"].astype(float), y=y.astype(float))


def dependency_network(edges: pd.DataFrame, projects: pd.DataFrame, rag: pd.Series | None = None, *,
                       title: str | None = None) -> alt.LayerChart:
    """The dependency network in delivery waves (prerequisites on the left).

    ``edges`` and ``projects`` are the frames of the dependency analysis; ``rag`` maps project id to health.
    Edges on the longest dependency chain are drawn thick, edges inside a cycle dashed red.
    """
    nodes = projects[["project_id", "wave", "blast_radius", "dependents", "in_cycle"]].copy()
    named = dict(zip(projects["project_id"].astype(str), projects["name"])) if "name" in projects else {}
    nodes["project_id"] = nodes["project_id"].astype(str)
    nodes = _layout(nodes)
    pos = nodes.set_index("project_id")[["x", "y"]]
    health = {} if rag is None else {str(k): v for k, v in rag.items()}
    node_rows = [{"project_id": r["project_id"], "project": project_label(r["project_id"], named.get(r["project_id"])),
                  "x": r["x"], "y": r["y"], "wave": int(r["wave"]),
                  "blast_radius": int(r["blast_radius"]), "dependents": int(r["dependents"]),
                  "in_cycle": _yes_no(r["in_cycle"]), "rag": _rag(health.get(r["project_id"]))}
                 for r in nodes.to_dict("records")]
    kinds = {"dependency": _("dependency"), "longest chain": _("longest chain"), "cycle": _("cycle")}
    edge_rows = []
    for r in edges.to_dict("records"):
        a, b = str(r["from_project"]), str(r["to_project"])
        if a not in pos.index or b not in pos.index:
            continue
        kind = kinds["cycle" if r.get("in_cycle") else "longest chain" if r.get("on_longest_chain") else "dependency"]
        # Drawn from the prerequisite (b) to the project that needs it (a).
        edge_rows.append({"x": pos.at[b, "x"], "y": pos.at[b, "y"], "x2": pos.at[a, "x"], "y2": pos.at[a, "y"],
                          "edge": _("{project} needs {prerequisite}").format(project=a, prerequisite=b),
                          "kind": kind})
    node_data = _records_frame(node_rows, ["project_id", "project", "x", "y", "wave", "blast_radius", "dependents",
                                           "in_cycle", "rag"])
    edge_data = _records_frame(edge_rows, ["x", "y", "x2", "y2", "edge", "kind"])
    waves = int(nodes["wave"].max()) if len(nodes) else 1
    tallest = int(nodes["y"].max()) + 1 if len(nodes) else 1
    width = min(MAX_WIDTH - 60, max(120 * waves, 200))
    height = min(720, max(18 * tallest, 120))
    xs = alt.Scale(domain=[0.5, waves + 0.5], nice=False)
    ys = alt.Scale(domain=[-0.5, tallest - 0.5], nice=False, reverse=True)
    lines = alt.Chart(edge_data).mark_rule(opacity=0.7).encode(
        x=alt.X("x:Q", scale=xs, title=_("Delivery wave (prerequisites first)"),
                axis=alt.Axis(tickMinStep=1, format="d", grid=False)),
        y=alt.Y("y:Q", scale=ys, axis=None), x2="x2:Q", y2="y2:Q",
        color=alt.Color("kind:N", title=_("Edge"), scale=alt.Scale(domain=list(kinds.values()),
                                                                   range=[GREY, ACCENT, _THREAT])),
        strokeWidth=alt.condition(_is("kind", kinds["dependency"]), alt.value(1), alt.value(2.5)),
        strokeDash=alt.condition(_is("kind", kinds["cycle"]), alt.value([4, 2]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("edge:N", title=_("Dependency")), alt.Tooltip("kind:N", title=_("Kind"))],
    )
    tooltip = [alt.Tooltip("project:N", title=_("Project")), alt.Tooltip("wave:Q", title=_("Wave")),
               alt.Tooltip("dependents:Q", title=_("Needed by (direct)")),
               alt.Tooltip("blast_radius:Q", title=_("Slips if it slips")),
               alt.Tooltip("in_cycle:N", title=_("In a cycle")), alt.Tooltip("rag:N", title=_("Health"))]
    points = alt.Chart(node_data).mark_circle(size=140, opacity=1, stroke="white", strokeWidth=1).encode(
        x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys),
        fill=alt.Fill("rag:N", scale=_rag_scale(), title=_("Health")), tooltip=tooltip)
    # Above its node, so that the edges leaving it to the right do not cross the label.
    labels = alt.Chart(node_data).mark_text(align="center", dy=-8, fontSize=8, color=INK).encode(
        x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), text="project_id:N", tooltip=tooltip)
    chart = alt.layer(lines, points, labels).properties(width=width, height=height).resolve_scale(color="independent")
    return _style(_titled(chart, title))


def dependency_groups(links: pd.DataFrame, *, group_label: str = "PMO", title: str | None = None) -> alt.LayerChart:
    """Links between groups of projects as a matrix: rows need columns; the number of links, coloured by least slack.

    ``links`` is :func:`pmo_workbench.portfolio.dependencies.links_by_group`; a red cell holds a link due too late.
    """
    states = [_("due too late"), _("slack under 30 days"), _("on time")]
    rows = [{"from": str(r["from_group"]), "to": str(r["to_group"]), "links": int(r["links"]),
             "conflicts": int(r["conflicts"]), "slack": _num(r["least_slack_days"]),
             "state": states[0] if int(r["conflicts"]) else states[1]
             if (_num(r["least_slack_days"]) or 0) < 30 and _num(r["least_slack_days"]) is not None else states[2]}
            for r in links.to_dict("records")]
    data = _records_frame(rows, ["from", "to", "links", "conflicts", "slack", "state"])
    needs, needed = (_("{group} that needs").format(group=group_label),
                     _("{group} needed").format(group=group_label))
    tooltip = [alt.Tooltip("from:N", title=needs), alt.Tooltip("to:N", title=needed),
               alt.Tooltip("links:Q", title=_("Links")), alt.Tooltip("conflicts:Q", title=_("Due too late")),
               alt.Tooltip("slack:Q", title=_("Least slack (days)"), format=",.0f")]
    base = alt.Chart(data).encode(x=alt.X("to:N", title=needed), y=alt.Y("from:N", title=needs), tooltip=tooltip)
    rect = base.mark_rect(stroke="white").encode(color=alt.Color(
        "state:N", title=_("Least slack"), scale=alt.Scale(domain=states, range=[_THREAT, ACCENT, GREY])))
    text = base.mark_text(fontSize=10, color=INK).encode(text="links:Q")
    groups = len(set(data["from"]) | set(data["to"])) if len(data) else 1
    side = min(MAX_WIDTH - 160, max(28 * groups, 160))
    return _style(_titled(alt.layer(rect, text).properties(width=side, height=side), title))


def frontier(curve: pd.DataFrame, *, budget: float | None = None, title: str | None = None,
             currency: str | None = None) -> alt.LayerChart:
    """The efficient frontier: the best total value reachable at each budget; a rule marks the chosen budget."""
    rows = [{"budget": _num(r["budget"]), "value": _num(r["value"]), "cost": _num(r["cost"]),
             "count": int(r["count"]) if _num(r.get("count")) is not None else None,
             "status": _solver(_text(r["status"]))}
            for r in curve.to_dict("records")]
    data = _records_frame(rows, ["budget", "value", "cost", "count", "status"])
    tooltip = [alt.Tooltip("budget:Q", title=money_title(_("Budget"), currency), format=",.0f"),
               alt.Tooltip("value:Q", title=_("Best value"), format=",.2f"),
               alt.Tooltip("cost:Q", title=money_title(_("Cost of the set"), currency), format=",.0f"),
               alt.Tooltip("count:Q", title=_("Projects")), alt.Tooltip("status:N", title=_("Solver"))]
    line = alt.Chart(data).mark_line(color=NAVY, strokeWidth=2, point=alt.OverlayMarkDef(color=NAVY, size=40),
                                     interpolate="step-after").encode(
        x=alt.X("budget:Q", title=money_title(_("Budget"), currency), axis=money_axis(currency)),
        y=alt.Y("value:Q", title=_("Total value of the best set")), tooltip=tooltip)
    layers = [line]
    if budget is not None:
        layers.append(alt.Chart(pd.DataFrame({"budget": [float(budget)]})).mark_rule(
            color=ACCENT, strokeDash=[4, 3], strokeWidth=2).encode(
            x="budget:Q", tooltip=[alt.Tooltip("budget:Q", title=money_title(_("Chosen budget"), currency),
                                               format=",.0f")]))
    return _style(_titled(alt.layer(*layers).properties(width=460, height=260), title))


def prioritisation(candidates: pd.DataFrame, *, limit: int = 30, title: str | None = None,
                   currency: str | None = None) -> alt.Chart:
    """Candidates by value, coloured by whether the recommended set includes them (``selected``, if present)."""
    top = candidates.sort_values("value", ascending=False).head(limit)
    rows = []
    for r in top.to_dict("records"):
        selected = None if r.get("selected") is None else bool(r["selected"])
        state = ("mandatory" if bool(r.get("mandatory")) and selected is not False else
                 "candidate" if selected is None else "recommended" if selected else "not funded")
        rows.append({"project": project_label(r["project_id"], r.get("name")), "value": _num(r.get("value")),
                     "cost": _num(r.get("cost")), "state": _(_DECISIONS[state]),
                     "reason": _reason_words(_text(r.get("reason")) or "")})
    rows = [{**r, "label": wrap_lines(r["project"])} for r in rows]
    data = _records_frame(rows, ["project", "label", "value", "cost", "state", "reason"])
    chart = alt.Chart(data).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=_wrapped_axis()),
        x=alt.X("value:Q", title=_("Value (weighted score)")),
        color=alt.Color("state:N", title=None, scale=alt.Scale(
            domain=[_(d) for d in _DECISIONS.values()], range=[NAVY, "#5B9BD5", GREY, "#9DC3E6"])),
        tooltip=[alt.Tooltip("project:N", title=_("Project")), alt.Tooltip("value:Q", title=_("Value"), format=".2f"),
                 alt.Tooltip("cost:Q", title=money_title(_("Cost to fund"), currency), format=",.0f"),
                 alt.Tooltip("state:N", title=_("Decision")),
                 alt.Tooltip("reason:N", title=_("Why"))],
    ).properties(width=400, height=alt.Step(wrapped_rows(data["label"], _ROW)))
    return _style(_titled(chart, title))


def _reason_words(reason: str) -> str:
    """A selection's reason code (``"prerequisite not selected"``) in the current language's words; a reason
    already in words (:func:`pmo_workbench.portfolio.actions.reasons_in_words`) is kept as it is."""
    known = {**REASON_WORDS, **REASONS_IN_WORDS}
    return _(known[reason]) if reason in known else reason
