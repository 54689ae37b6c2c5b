"""Altair charts of the competency reports: the cohort's heat map, training needs, self against others and
distribution, and one person's profile.

Every builder takes a frame of :mod:`pmo_workbench.assessment.competency_scoring` and the loaded
:class:`~pmo_workbench.assessment.competency.CompetencyInstrument`, never changes the frame, embeds its data,
gives every mark a tooltip, fixes its level axis or colours to the instrument's scale (so that two cohorts'
charts compare) and applies the house style of :mod:`.style`. Each chart carries a one-sentence ``description``
with its main figures, which a browser reads out in place of the picture.

The frames already follow the small-group rules (a cohort cell, area or rating too few people gave is missing);
the charts leave such values out and never draw them as zero. A frame with nothing left to draw gives a short
text chart saying so, not an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import altair as alt
import numpy as np
import pandas as pd

from .._values import percent
from ..assessment.competency import PROCESS_GROUPS
from ..i18n import _, format_number, ngettext
from .heatmaps import _centred_label_axis
from .style import (
    ACCENT,
    AMBER,
    GREY,
    INK,
    LEVEL_COLOURS,
    LIGHT,
    NAVY,
    _fmt,
    _int,
    _num,
    _records_frame,
    _style,
    _text,
    _titled,
    label_rows,
    wrap_expr,
)

if TYPE_CHECKING:
    from ..assessment.competency import CompetencyInstrument

__all__ = ["competency_heatmap", "distribution_chart", "profile_chart", "self_vs_others_chart",
           "training_needs_chart"]

_PLOT = 300  # px of the plot area beside the area labels; labels (<= 260 px) and notes keep the total <= 640
_HEAT_COLUMN = 88  # px per process-group column of the heat map: room for a 14-character line of its heading
_HEAD_CHARS = 14
_ROW = 28  # px per area row: room for an area label on two lines
_SHORTFALL_COLOURS = ("#FBE5D6", "#F4B183", ACCENT)  # mean shortfall, none to _SHORTFALL_TOP points or more
_SHORTFALL_TOP = 2  # scale points of mean shortfall drawn darkest: a cohort is rarely further below on average


# -- helpers ----------------------------------------------------------------------------------------------------
def _rows(frame: pd.DataFrame, needed: tuple[str, ...], source: str) -> list[dict[str, Any]]:
    """The frame's rows as dicts, with its index (``area`` in most competency frames) as a column.

    A frame without rows gives none, whatever its columns; one with rows but without a column in ``needed``
    raises ``ValueError`` naming the columns missing and ``source``, the function whose frame was expected."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected the data frame from {source}, got {type(frame).__name__}")
    if frame.empty:
        return []
    table = frame.reset_index() if frame.index.name is not None else frame
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise ValueError(f"the frame lacks the column(s) {', '.join(missing)}; expected the frame from {source}")
    return table.to_dict("records")


def _bounds(instrument: CompetencyInstrument) -> tuple[int, int]:
    return int(instrument.scale.min), int(instrument.scale.max)


def _area_label(instrument: CompetencyInstrument, row: dict[str, Any]) -> str:
    area = str(row.get("area"))
    label = _text(row.get("label"))
    if label is not None:
        return label
    try:
        return instrument.area_label(area)
    except KeyError:
        return area


def _area_order(instrument: CompetencyInstrument, areas: list[str]) -> list[str]:
    """``areas`` in instrument order, then any other in order of appearance."""
    known = [a for a in instrument.area_ids if a in areas]
    return known + [a for a in dict.fromkeys(areas) if a not in known]


def _level_axis(instrument: CompetencyInstrument, title: str) -> alt.Axis:
    low, high = _bounds(instrument)
    return alt.Axis(title=title, values=list(range(low, high + 1)), format="d", grid=True)


def _level_scale(instrument: CompetencyInstrument) -> alt.Scale:
    low, high = _bounds(instrument)
    return alt.Scale(domain=[low, high], nice=False, zero=False, clamp=True)


def _level_colours(n: int) -> list[str]:
    """``n`` colours of the house's sequential levels, light to dark."""
    picks = np.round(np.linspace(0, len(LEVEL_COLOURS) - 1, max(n, 1))).astype(int)
    return [LEVEL_COLOURS[i] for i in picks][:n]


def _finish(chart: alt.TopLevelMixin, description: str, title: str | None) -> alt.TopLevelMixin:
    """The chart in the house style, with its title and its one-sentence description (the alt text)."""
    return _style(_titled(chart, title)).properties(description=description)


def _notice(message: str, title: str | None) -> alt.Chart:
    """A chart that says ``message`` in place of an empty chart (nothing left to draw)."""
    data = pd.DataFrame({"message": pd.Series([message], dtype="string")})
    chart = alt.Chart(data).mark_text(align="left", baseline="middle", fontSize=12, color=INK, fontStyle="italic",
                                      limit=560).encode(
        x=alt.value(0), y=alt.value(15), text="message:N", tooltip=[alt.Tooltip("message:N", title=_("Note"))],
    ).properties(width=560, height=30)
    return _finish(chart, message, title)


def _level_text(value: float | None) -> str:
    return _fmt(value, 1)


# -- 1. heat map of areas by process group -----------------------------------------------------------------------
def competency_heatmap(cells: pd.DataFrame, instrument: CompetencyInstrument, *,
                       title: str | None = None) -> alt.Chart:
    """The cohort's mean level per area (rows) and process group (columns).

    Parameters
    ----------
    cells
        :func:`~pmo_workbench.assessment.competency_scoring.process_group_heatmap`: ``area, process_group,
        level, n``; a cell too few people fill is already left out of it.
    instrument
        The loaded competency instrument: area and process-group labels (in its language) and the scale.
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        Rows are the areas with behaviours in a process group, in instrument order; columns the process groups
        the instrument uses, in PMBOK order. A cell is coloured by its mean level on a scale fixed to the
        instrument's (so that two cohorts compare) and labelled with it to one decimal; a cell without behaviours
        or with too few people is left blank. An empty frame gives a text chart saying no cell has enough people.
    """
    low, high = _bounds(instrument)
    rows = []
    for r in _rows(cells, ("area", "process_group", "level", "n"), "process_group_heatmap()"):
        level = _num(r.get("level"))
        if level is None:
            continue
        area, group = str(r.get("area")), str(r.get("process_group"))
        rows.append({"area": area, "process_group": group, "area_label": _area_label(instrument, {"area": area}),
                     "group_label": instrument.group_label(group), "level": level, "level_text": _level_text(level),
                     "n": _int(r.get("n"))})
    if not rows:
        return _notice(_("No cell of area and process group has enough people to show (at least {n} are "
                         "needed).").format(n=instrument.min_raters), title)
    data = _records_frame(rows, ["area", "process_group", "area_label", "group_label", "level", "level_text", "n"])
    grouped = instrument.items.dropna(subset=["process_group"])
    areas = _area_order(instrument, [*map(str, grouped["area"]), *data["area"]])
    used = set(map(str, grouped["process_group"])) | set(data["process_group"])
    groups = [g for g in PROCESS_GROUPS if g in used] + sorted(used - set(PROCESS_GROUPS))
    area_labels = [_area_label(instrument, {"area": a}) for a in areas]
    group_labels = [instrument.group_label(g) for g in groups]
    width = _HEAT_COLUMN * max(len(groups), 1)
    tooltip = [alt.Tooltip("area_label:N", title=_("Area")), alt.Tooltip("group_label:N", title=_("Process group")),
               alt.Tooltip("level_text:N", title=_("Mean level")), alt.Tooltip("n:Q", title=_("People (n)"))]
    base = alt.Chart(data).encode(
        x=alt.X("group_label:N", scale=alt.Scale(domain=group_labels), sort=group_labels,
                axis=alt.Axis(orient="bottom", labelAngle=0, title=None, domain=False, ticks=False, labelLimit=0,
                              labelExpr=wrap_expr(_HEAD_CHARS), labelLineHeight=13)),  # wrapped lines hang down
        y=alt.Y("area_label:N", scale=alt.Scale(domain=area_labels), sort=area_labels, title=None,
                axis=_centred_label_axis()),
        tooltip=tooltip)
    cell = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color("level:Q", scale=alt.Scale(domain=[low, high], range=list(LEVEL_COLOURS)),
                        title=_("Mean level"), legend=alt.Legend(gradientLength=200, values=list(range(low, high + 1)),
                                                                  format="d")))
    dark = low + 0.6 * (high - low)  # the house's heat maps write on their three darker fifths in white
    text = base.mark_text(fontSize=11).encode(
        text="level_text:N", color=alt.condition(f"datum.level >= {dark:g}", alt.value("white"), alt.value(INK)))
    chart = alt.layer(cell, text).properties(width=width, height=alt.Step(_ROW))
    best = max(rows, key=lambda r: r["level"])
    worst = min(rows, key=lambda r: r["level"])
    description = _("Heat map of the cohort's mean level on the scale {low} to {high} in {cells} cells of area "
                    "and process group; highest {best} in {best_group} ({best_level}), lowest {worst} in "
                    "{worst_group} ({worst_level}).").format(
        low=low, high=high, cells=len(rows), best=best["area_label"], best_group=best["group_label"],
        best_level=best["level_text"], worst=worst["area_label"], worst_group=worst["group_label"],
        worst_level=worst["level_text"])
    return _finish(chart, description, title)


# -- 2. training needs ------------------------------------------------------------------------------------------
def training_needs_chart(needs: pd.DataFrame, instrument: CompetencyInstrument, *,
                         title: str | None = None) -> alt.Chart:
    """The ranked training needs: per area, how many people are below the required level and how far.

    Parameters
    ----------
    needs
        :func:`~pmo_workbench.assessment.competency_scoring.training_needs` (index ``area``): ``rank, label,
        n_below, n_required, share_below, mean_shortfall, total_shortfall``; drawn in rank order.
    instrument
        The loaded competency instrument (area labels, the scale's span for the shortfall colours).

    Returns
    -------
    altair.LayerChart
        Per area (top to bottom in rank order) a light bar of the people with a required level and over it a
        bar of those below it, coloured by their mean shortfall in scale points and labelled "n of m". An empty
        frame gives a text chart saying nobody is below the required level.
    """
    low, high = _bounds(instrument)
    rows = []
    for r in sorted(_rows(needs, ("area", "rank", "n_below", "n_required", "mean_shortfall"), "training_needs()"),
                    key=lambda r: (_num(r.get("rank")) or 0)):
        n_below, n_required = _int(r.get("n_below")) or 0, _int(r.get("n_required")) or 0
        if n_below <= 0:
            continue
        shortfall = _num(r.get("mean_shortfall"))
        rows.append({"area": str(r.get("area")), "label": _area_label(instrument, r), "rank": _int(r.get("rank")),
                     "n_below": n_below, "n_required": n_required, "zero": 0,
                     "text": _("{n} of {m}").format(n=n_below, m=n_required),
                     "share_text": percent(_num(r.get("share_below"))), "shortfall": shortfall,
                     "shading": 0.0 if shortfall is None else shortfall,  # never null: a null drops the bar
                     "shortfall_text": _fmt(shortfall, 2), "total_text": _fmt(_num(r.get("total_shortfall")), 2)})
    if not rows:
        return _notice(_("Nobody is below the required level in any area shown."), title)
    data = _records_frame(rows, ["area", "label", "rank", "n_below", "n_required", "zero", "text", "share_text",
                                 "shortfall", "shading", "shortfall_text", "total_text"])
    labels = [r["label"] for r in rows]
    most = max(r["n_required"] for r in rows)
    x_scale = alt.Scale(domain=[0, most], nice=False)
    tooltip = [alt.Tooltip("rank:Q", title=_("Rank")), alt.Tooltip("label:N", title=_("Area")),
               alt.Tooltip("text:N", title=_("People below the required level")),
               alt.Tooltip("share_text:N", title=_("Share below")),
               alt.Tooltip("shortfall_text:N", title=_("Mean shortfall (scale points)")),
               alt.Tooltip("total_text:N", title=_("Total shortfall (scale points)"))]
    base = alt.Chart(data).encode(y=alt.Y("label:N", sort=labels, title=None, axis=_centred_label_axis()),
                                  tooltip=tooltip)
    assessed = base.mark_bar(color=LIGHT, height={"band": 0.7}).encode(
        x=alt.X("zero:Q", scale=x_scale, axis=alt.Axis(title=_("People below the required level"), tickMinStep=1,
                                                      format="d")), x2="n_required:Q")
    below = base.mark_bar(height={"band": 0.7}, stroke=INK, strokeWidth=0.5).encode(
        x=alt.X("zero:Q", scale=x_scale), x2="n_below:Q",
        color=alt.condition(  # how far one or two people are below is not shown: their bar is grey, not gone
            "isValid(datum.shortfall)",
            alt.Color("shading:Q", title=_("Mean shortfall (scale points)"),
                      scale=alt.Scale(domain=[0, min(_SHORTFALL_TOP, high - low)], range=list(_SHORTFALL_COLOURS),
                                      clamp=True),
                      legend=alt.Legend(gradientLength=200, titleLimit=0)),
            alt.value(GREY)))
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(x=alt.X("n_required:Q", scale=x_scale),
                                                                    text="text:N")
    chart = alt.layer(assessed, below, text).properties(width=_PLOT - 40, height=alt.Step(label_rows(labels)))
    first = rows[0]
    if first["shortfall"] is None:  # fewer than min_raters below: how far is theirs alone
        description = ngettext(
            "Training needs in {count} area: {area}, where {n} of {m} people are below the required level.",
            "Training needs in {count} areas, ranked by how many people are below the required level; first {area}, "
            "where {n} of {m} people are below it.", len(rows)).format(
            count=len(rows), area=first["label"], n=first["n_below"], m=first["n_required"])
        return _finish(chart, description, title)
    description = ngettext(
        "Training needs in {count} area: {area}, where {n} of {m} people are below the required level, by "
        "{shortfall} scale points on average.",
        "Training needs in {count} areas, ranked by how many people are below the required level; first {area}, "
        "where {n} of {m} people are below it, by {shortfall} scale points on average.", len(rows)).format(
        count=len(rows), area=first["label"], n=first["n_below"], m=first["n_required"],
        shortfall=first["shortfall_text"])
    return _finish(chart, description, title)


# -- 3. self against others -------------------------------------------------------------------------------------
def self_vs_others_chart(table: pd.DataFrame, instrument: CompetencyInstrument, *,
                         title: str | None = None) -> alt.Chart:
    """Per area, the cohort's mean self-rating against others' mean rating of the same people (a dumbbell).

    Parameters
    ----------
    table
        :func:`~pmo_workbench.assessment.competency_scoring.self_vs_others` (index ``area``): ``label, n, self,
        others, difference``, ...; an area too few people fill has ``self`` and ``others`` missing and is left
        out.

    Returns
    -------
    altair.LayerChart
        Per area a hollow orange point (self) and a navy point (others: managers and peers) joined by a grey
        rule, on the instrument's scale. Nothing to draw gives a text chart saying so.
    """
    self_name, others_name = _("Self"), _("Others (managers and peers)")
    rows, points = [], []
    for r in _rows(table, ("area", "self", "others", "n"), "self_vs_others()"):
        mine, theirs = _num(r.get("self")), _num(r.get("others"))
        if mine is None or theirs is None:
            continue
        row = {"area": str(r.get("area")), "label": _area_label(instrument, r), "n": _int(r.get("n")),
               "self": mine, "others": theirs, "self_text": _level_text(mine), "others_text": _level_text(theirs),
               "difference_text": _fmt(mine - theirs, 1) if mine - theirs <= 0 else "+" + _fmt(mine - theirs, 1)}
        rows.append(row)
        points += [{**row, "who": self_name, "level": mine}, {**row, "who": others_name, "level": theirs}]
    if not rows:
        return _notice(_("No area has enough people with both their own and others' ratings to show (at least "
                         "{n} are needed).").format(n=instrument.min_raters), title)
    columns = ["area", "label", "n", "self", "others", "self_text", "others_text", "difference_text"]
    data = _records_frame(rows, columns)
    dots = _records_frame(points, [*columns, "who", "level"])
    labels = [r["label"] for r in rows]
    tooltip = [alt.Tooltip("label:N", title=_("Area")), alt.Tooltip("self_text:N", title=self_name),
               alt.Tooltip("others_text:N", title=others_name),
               alt.Tooltip("difference_text:N", title=_("Self minus others")),
               alt.Tooltip("n:Q", title=_("People (n)"))]
    y = alt.Y("label:N", sort=labels, title=None, axis=_centred_label_axis())
    link = alt.Chart(data).mark_rule(color=GREY, strokeWidth=2).encode(
        y=y, x=alt.X("self:Q", scale=_level_scale(instrument), axis=_level_axis(instrument, _("Mean level"))),
        x2="others:Q", tooltip=tooltip)
    order = [self_name, others_name]
    marks = alt.Chart(dots).mark_point(size=90, strokeWidth=2, opacity=1, filled=True).encode(
        y=y, x=alt.X("level:Q", scale=_level_scale(instrument)), tooltip=tooltip,
        stroke=alt.Stroke("who:N", scale=alt.Scale(domain=order, range=[ACCENT, NAVY]), sort=order, title=None,
                          legend=alt.Legend(labelLimit=0)),
        fill=alt.Fill("who:N", scale=alt.Scale(domain=order, range=["white", NAVY]), sort=order, title=None,
                      legend=alt.Legend(labelLimit=0)))
    chart = alt.layer(link, marks).properties(width=_PLOT, height=alt.Step(label_rows(labels)))
    widest = max(rows, key=lambda r: abs(r["self"] - r["others"]))
    description = ngettext(
        "Mean self-rating against others' mean rating of the same people in {count} area; {area}: self "
        "{self}, others {others}.",
        "Mean self-rating against others' mean rating of the same people in {count} areas; the widest gap is in "
        "{area}: self {self}, others {others}.", len(rows)).format(
        count=len(rows), area=widest["label"], self=widest["self_text"], others=widest["others_text"])
    return _finish(chart, description, title)


# -- 4. distribution --------------------------------------------------------------------------------------------
def distribution_chart(dist: pd.DataFrame, instrument: CompetencyInstrument, *,
                       title: str | None = None) -> alt.Chart:
    """Per area, the share of people at each level of the scale, with the share below the required level.

    Parameters
    ----------
    dist
        :func:`~pmo_workbench.assessment.competency_scoring.cohort_distribution` (index ``area``): ``label, n,
        shown, mean, level_<k>`` counts for every level of the scale, ``n_required, n_below, share_below``; areas
        not ``shown`` are left out.

    Returns
    -------
    altair.LayerChart
        Per area a 100 % stacked bar of the people at each level (light to dark; the legend names the levels
        with the scale's labels where it has them, else their numbers) and beside it the share below the
        required level. Nothing shown gives a text chart saying so.
    """
    low, high = _bounds(instrument)
    names = {k: str(instrument.scale.labels.get(k) or k) for k in range(low, high + 1)}
    order = [names[k] for k in range(low, high + 1)]
    areas, segments = [], []
    for r in _rows(dist, ("area", "n", "shown", "share_below", *(f"level_{k}" for k in range(low, high + 1))),
                   "cohort_distribution()"):
        n = _int(r.get("n")) or 0
        if not bool(r.get("shown", True)) or n <= 0:
            continue
        share = _num(r.get("share_below"))
        area = {"area": str(r.get("area")), "label": _area_label(instrument, r), "n": n,
                "mean_text": _level_text(_num(r.get("mean"))), "share_below": share,
                "below_text": _("{n} of {m} below required").format(
                    n=_int(r.get("n_below")) or 0, m=_int(r.get("n_required")) or 0) if share is not None else None,
                "note": None if share is None else _("{share} below").format(share=percent(share)), "end": 1.0}
        areas.append(area)
        for k in range(low, high + 1):
            count = _int(r.get(f"level_{k}")) or 0
            if count > 0:
                segments.append({**area, "level": k, "level_name": names[k], "count": count,
                                 "share_text": percent(count / n)})
    if not areas:
        return _notice(_("No area has enough people assessed to show (at least {n} are needed).").format(
            n=instrument.min_raters), title)
    columns = ["area", "label", "n", "mean_text", "share_below", "below_text", "note", "end"]
    bars = _records_frame(segments, [*columns, "level", "level_name", "count", "share_text"])
    notes = _records_frame(areas, columns)
    labels = [a["label"] for a in areas]
    y = alt.Y("label:N", sort=labels, title=None, axis=_centred_label_axis())
    tooltip = [alt.Tooltip("label:N", title=_("Area")), alt.Tooltip("level_name:N", title=_("Level")),
               alt.Tooltip("count:Q", title=_("People (n)")), alt.Tooltip("share_text:N", title=_("Share")),
               alt.Tooltip("mean_text:N", title=_("Mean level")), alt.Tooltip("below_text:N", title=_("Below"))]
    stacked = alt.Chart(bars).mark_bar(height={"band": 0.7}, stroke="white", strokeWidth=0.5).encode(
        y=y, x=alt.X("count:Q", stack="normalize", title=_("Share of people"),
                     axis=alt.Axis(format="%", values=[0, 0.25, 0.5, 0.75, 1])),
        color=alt.Color("level_name:N", title=_("Level"), sort=order,
                        scale=alt.Scale(domain=order, range=_level_colours(len(order)))),
        order=alt.Order("level:Q", sort="ascending"), tooltip=tooltip)
    note = alt.Chart(notes).mark_text(align="left", dx=6, fontSize=11, color=ACCENT).transform_filter(
        "isValid(datum.note)").encode(
        y=y, x=alt.X("end:Q", scale=alt.Scale(domain=[0, 1])), text="note:N",
        tooltip=[alt.Tooltip("label:N", title=_("Area")), alt.Tooltip("below_text:N", title=_("Below")),
                 alt.Tooltip("n:Q", title=_("People (n)"))])
    chart = alt.layer(stacked, note).properties(width=_PLOT - 40, height=alt.Step(label_rows(labels)))
    judged = [a for a in areas if a["share_below"] is not None]
    if judged:
        worst = max(judged, key=lambda a: a["share_below"])
        description = ngettext(
            "People at each level in {count} area; {share} of them are below the required level in {area}.",
            "People at each level in {count} areas; the largest share below the required level is {share}, in "
            "{area}.", len(areas)).format(count=len(areas), share=percent(worst["share_below"]),
                                          area=worst["label"])
    else:
        description = ngettext("People at each level in {count} area.", "People at each level in {count} areas.",
                               len(areas)).format(count=len(areas))
    return _finish(chart, description, title)


# -- 5. one person's profile ------------------------------------------------------------------------------------
def profile_chart(profile: pd.DataFrame, instrument: CompetencyInstrument, *,
                  title: str | None = None) -> alt.Chart:
    """One person's profile: per area the assessed level, the required level and each view of them.

    Parameters
    ----------
    profile
        :func:`~pmo_workbench.assessment.competency_scoring.person_profile` (index ``area``): ``label, self,
        manager, peers, others`` (peers and others missing where too few gave them), their counts, ``assessed,
        basis, required, below, shortfall, gap, gap_flag``.

    Returns
    -------
    altair.LayerChart
        Per area a bar from the bottom of the scale to the assessed level, a dark tick at the required level, a
        hollow point for the person's own rating, a filled one for their manager's and, where given, for their
        peers' and for others'; on the instrument's scale. Nothing rated gives a text chart saying so.
    """
    low, high = _bounds(instrument)
    views = [("self", instrument.role_label("self") if "self" in instrument.role_ids else _("Self"), ACCENT),
             ("manager", instrument.role_label("manager") if "manager" in instrument.role_ids else _("Manager"),
              NAVY),
             ("peers", _("Peers"), "#548235"),
             ("others", _("Others (managers and peers)"), AMBER)]
    bases = {"others": _("others' ratings"), "manager": _("the manager's rating"), "self": _("their own rating")}
    assessed_name, required_name = _("Assessed level"), _("Required level")
    areas, points = [], []
    for r in _rows(profile, ("area", "self", "manager", "assessed", "required", "below"), "person_profile()"):
        level, required = _num(r.get("assessed")), _num(r.get("required"))
        given = {key: _num(r.get(key)) for key, _name, _colour in views}
        if level is None and required is None and all(v is None for v in given.values()):
            continue
        below = r.get("below")
        area = {"area": str(r.get("area")), "label": _area_label(instrument, r), "low": float(low),
                "assessed": level, "assessed_text": _level_text(level), "required": required,
                "required_text": None if required is None else format_number(required, 1),
                "basis": bases.get(_text(r.get("basis")) or "", None),
                "below": None if below is None or pd.isna(below) else bool(below),
                "shortfall_text": _fmt(_num(r.get("shortfall")), 1),
                "what_assessed": assessed_name, "what_required": required_name}
        areas.append(area)
        for key, name, _colour in views:
            if given[key] is not None:
                points.append({**area, "view": key, "who": name, "level": given[key],
                               "level_text": _level_text(given[key])})
    if not areas:
        return _notice(_("This person has no rating to show."), title)
    columns = ["area", "label", "low", "assessed", "assessed_text", "required", "required_text", "basis", "below",
               "shortfall_text", "what_assessed", "what_required"]
    data = _records_frame(areas, columns)
    dots = _records_frame(points, [*columns, "view", "who", "level", "level_text"])
    labels = [a["label"] for a in areas]
    shown = [(name, colour) for key, name, colour in views if any(p["view"] == key for p in points)]
    names = [name for name, _colour in shown]
    marks = alt.Scale(domain=[assessed_name, required_name], range=[LEVEL_COLOURS[1], INK])
    y = alt.Y("label:N", sort=labels, title=None, axis=_centred_label_axis())
    x_scale = _level_scale(instrument)
    area_tooltip = [alt.Tooltip("label:N", title=_("Area")), alt.Tooltip("assessed_text:N", title=assessed_name),
                    alt.Tooltip("basis:N", title=_("Assessed from")),
                    alt.Tooltip("required_text:N", title=required_name),
                    alt.Tooltip("shortfall_text:N", title=_("Shortfall (scale points)"))]
    bar = alt.Chart(data).mark_bar(height={"band": 0.55}).transform_filter("isValid(datum.assessed)").encode(
        y=y, x=alt.X("low:Q", scale=x_scale, axis=_level_axis(instrument, _("Level"))), x2="assessed:Q",
        color=alt.Color("what_assessed:N", scale=marks, title=None, legend=alt.Legend(columns=1, labelLimit=0)),
        tooltip=area_tooltip)
    tick = alt.Chart(data).mark_tick(thickness=3, size=22, opacity=1).transform_filter(
        "isValid(datum.required)").encode(
        y=y, x=alt.X("required:Q", scale=x_scale), color=alt.Color("what_required:N", scale=marks, title=None),
        tooltip=area_tooltip)
    layers = [bar, tick]
    if points:  # the person's own rating hollow, the others' filled: one legend of stroke and fill
        fills = ["white" if name == views[0][1] else colour for name, colour in shown]
        layers.append(alt.Chart(dots).mark_point(size=80, strokeWidth=2, opacity=1, filled=True).encode(
            y=y, x=alt.X("level:Q", scale=x_scale),
            stroke=alt.Stroke("who:N", scale=alt.Scale(domain=names, range=[c for _name, c in shown]), sort=names,
                              title=None, legend=alt.Legend(columns=2, symbolOpacity=1, labelLimit=0)),
            fill=alt.Fill("who:N", scale=alt.Scale(domain=names, range=fills), sort=names, title=None,
                          legend=alt.Legend(columns=2, symbolOpacity=1, labelLimit=0)),
            tooltip=[alt.Tooltip("label:N", title=_("Area")), alt.Tooltip("who:N", title=_("Rating by")),
                     alt.Tooltip("level_text:N", title=_("Level"))]))
    chart = alt.layer(*layers).properties(width=_PLOT, height=alt.Step(label_rows(labels)))
    judged = [a for a in areas if a["below"] is not None]
    short = [a for a in judged if a["below"]]
    if short:
        description = ngettext(
            "Assessed level against the required level in {count} area; below it in {below}.",
            "Assessed level against the required level in {count} areas; below it in {below}.", len(areas)).format(
            count=len(areas), below=", ".join(_("{area} ({level} of {required})").format(
                area=a["label"], level=a["assessed_text"], required=a["required_text"]) for a in short))
    else:
        description = ngettext(
            "Assessed level against the required level in {count} area; below it in none.",
            "Assessed level against the required level in {count} areas; below it in none of them.",
            len(areas)).format(
            count=len(areas))
    return _finish(chart, description, title)
