"""The roadmap chart: initiatives by workstream across the three phases, on one page."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from ..assessment.roadmap_words import PHASE_LABELS
from ..i18n import N_, _, ngettext
from .style import _RATINGS, GREY, INK, LEVEL_COLOURS, MAX_WIDTH, _int, _records, _records_frame, _style, _text, _titled

__all__ = ["roadmap"]

_LABEL_WIDTH = 118  # px of the workstream labels on the left
_GAP = 6  # px between boxes
_LINE = 12  # px per line of text in a box
_PAD = 4  # px of padding inside a box
_HEADER = 22  # px of the phase headers at the top
_MAX_LINES = 2  # lines of an initiative's title at most (then an ellipsis; the table beside it has the full title)
_EFFORT_FILL = {"low": LEVEL_COLOURS[0], "medium": LEVEL_COLOURS[1], "high": LEVEL_COLOURS[2]}
_EFFORT_WORDS = {"low": N_("low effort"), "medium": N_("medium effort"), "high": N_("high effort")}


def _wrap(text: str, width: int, lines: int) -> list[str]:
    """``text`` wrapped to ``width`` characters, at most ``lines`` lines, the last cut with an ellipsis."""
    out = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(width - 1, 1)].rstrip() + "\u2026"
    return out


# -- 8. roadmap ------------------------------------------------------------------------
def roadmap(initiatives: pd.DataFrame, *, title: str | None = None) -> alt.LayerChart:
    """The roadmap on one page: one row per workstream, one column per phase, one box per initiative.

    Parameters
    ----------
    initiatives
        One row per initiative, in roadmap order (:meth:`pmo_workbench.assessment.roadmap.Roadmap.table`):
        ``id``, ``title``, ``phase`` (1..3) and ``phase_label`` are used, and, when present,
        ``workstream_label`` (else ``dimension``; else one row), ``effort``, ``duration_weeks``, and
        ``start_week`` and ``end_week`` (when it runs, from week 1: shown instead of the duration).
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        Each box shows the initiative's id (as in the table beside the chart) and its title, wrapped, and below
        them its duration and effort, which its fill repeats (light: low, dark: high). Boxes sharing a cell
        stack downwards in roadmap order. The whole fits the width of an A4 page.
    """
    records = _records(initiatives)
    column_width = (MAX_WIDTH - 16 - _LABEL_WIDTH) / 3
    chars = max(int((column_width - 2 * _PAD) / 5.6), 10)
    phase_labels = {k: _(v) for k, v in PHASE_LABELS.items()}
    rows: list[str] = []
    boxes = []
    for r in records:
        phase = _int(r.get("phase"))
        if phase not in (1, 2, 3):
            continue
        phase_labels[phase] = _text(r.get("phase_label")) or phase_labels[phase]
        stream = _text(r.get("workstream_label")) or _text(r.get("dimension")) or _("Roadmap")
        if stream not in rows:
            rows.append(stream)
        ident = _text(r.get("id")) or ""
        lines = _wrap(f"{ident} {_text(r.get('title')) or ''}".strip(), chars, _MAX_LINES)
        effort = (_text(r.get("effort")) or "").lower()
        weeks = _int(r.get("duration_weeks"))
        start, end = _int(r.get("start_week")), _int(r.get("end_week"))
        span = (_("weeks {start}-{end}").format(start=start, end=end) if start is not None and end is not None
                and end > start else ngettext("{n} week", "{n} weeks", weeks).format(n=weeks) if weeks is not None
                else None)
        detail = ", ".join(x for x in (span, _(_EFFORT_WORDS[effort]) if effort in _RATINGS else None) if x)
        boxes.append({"stream": stream, "phase": phase, "lines": lines, "detail": detail, "effort": effort,
                      "id": ident, "title": _text(r.get("title")) or "", "phase_label": phase_labels[phase]})
    # place the boxes: each row as tall as its fullest cell
    heights: dict[str, float] = {}
    for b in boxes:
        b["height"] = _LINE * (len(b["lines"]) + (1 if b["detail"] else 0)) + 2 * _PAD
    y = float(_HEADER)
    placed = []
    row_marks = []
    for stream in rows:
        mine = [b for b in boxes if b["stream"] == stream]
        tallest = 0.0
        for phase in (1, 2, 3):
            top = y
            for b in (b for b in mine if b["phase"] == phase):
                x = _LABEL_WIDTH + (phase - 1) * column_width
                placed.append({**b, "x": x + _GAP / 2, "x2": x + column_width - _GAP / 2, "y": top,
                               "y2": top + b["height"]})
                top += b["height"] + _GAP
            tallest = max(tallest, top - y)
        heights[stream] = max(tallest, 30.0)
        row_marks.append({"stream": stream, "y": y, "y2": y + heights[stream] - _GAP / 2,
                          "lines": _wrap(stream, 18, 3)})
        y += heights[stream] + _GAP
    total = max(y, _HEADER + 30.0)
    text_rows = []
    for b in placed:
        for k, line in enumerate(b["lines"]):
            text_rows.append({"x": b["x"] + _PAD, "y": b["y"] + _PAD + _LINE * k, "text": line, "bold": True,
                              "id": b["id"], "title": b["title"]})
        if b["detail"]:
            text_rows.append({"x": b["x"] + _PAD, "y": b["y"] + _PAD + _LINE * len(b["lines"]), "text": b["detail"],
                              "bold": False, "id": b["id"], "title": b["title"]})
    headers = [{"x": _LABEL_WIDTH + (p - 0.5) * column_width, "y": 4.0, "text": phase_labels[p]} for p in (1, 2, 3)]
    labels = [{"x": 0.0, "y": m["y"] + 4 + _LINE * k, "text": line}
              for m in row_marks for k, line in enumerate(m["lines"])]

    xs = alt.Scale(domain=[0, MAX_WIDTH - 16], nice=False, zero=False)
    ys = alt.Scale(domain=[0, total], nice=False, zero=False, reverse=True)

    def pos(chart: alt.Chart, two: bool = False) -> alt.Chart:
        enc = {"x": alt.X("x:Q", scale=xs, axis=None), "y": alt.Y("y:Q", scale=ys, axis=None)}
        if two:
            enc.update(x2="x2:Q", y2="y2:Q")
        return chart.encode(**enc)

    box_data = _records_frame(placed, ["id", "title", "stream", "phase_label", "detail", "effort", "x", "x2", "y",
                                       "y2"])
    initiative, title_, workstream, phase = _("Initiative"), _("Title"), _("Workstream"), _("Phase")
    tooltip = [alt.Tooltip("id:N", title=initiative), alt.Tooltip("title:N", title=title_),
               alt.Tooltip("stream:N", title=workstream), alt.Tooltip("phase_label:N", title=phase),
               alt.Tooltip("detail:N", title=_("Duration and effort"))]
    fill = alt.Color("effort:N", title=_("Effort"), legend=None,  # each box says its effort in words
                     scale=alt.Scale(domain=list(_RATINGS), range=[_EFFORT_FILL[e] for e in _RATINGS]))
    band_data = _records_frame([{"stream": m["stream"], "x": 0.0, "x2": MAX_WIDTH - 16.0, "y": m["y"], "y2": m["y2"]}
                                for m in row_marks], ["stream", "x", "x2", "y", "y2"])
    bands = pos(alt.Chart(band_data).mark_rect(color="#F7F7F7"), two=True).encode(
        tooltip=[alt.Tooltip("stream:N", title=workstream)])
    rects = pos(alt.Chart(box_data).mark_rect(stroke=GREY, strokeWidth=0.5, cornerRadius=3), two=True).encode(
        color=fill, tooltip=tooltip)
    def words(bold: bool) -> alt.Chart:
        data = _records_frame([t for t in text_rows if t["bold"] == bold], ["x", "y", "text", "id", "title"])
        return pos(alt.Chart(data).mark_text(align="left", baseline="top", fontSize=10, color=INK,
                                             fontWeight="bold" if bold else "normal")).encode(
            text="text:N", tooltip=[alt.Tooltip("id:N", title=initiative), alt.Tooltip("title:N", title=title_)])

    head = pos(alt.Chart(_records_frame(headers, ["x", "y", "text"])).mark_text(
        align="center", baseline="top", fontSize=11, fontWeight="bold", color=INK)).encode(
        text="text:N", tooltip=[alt.Tooltip("text:N", title=phase)])
    side = pos(alt.Chart(_records_frame(labels, ["x", "y", "text"])).mark_text(
        align="left", baseline="top", fontSize=11, fontWeight="bold", color=INK)).encode(
        text="text:N", tooltip=[alt.Tooltip("text:N", title=workstream)])
    chart = alt.layer(bands, rects, words(True), words(False), head, side).properties(
        width=MAX_WIDTH - 16, height=int(total) + 4)
    return _style(_titled(chart, title))
