"""Heat maps of the positioning report: dimension scores by role (perception) and item scores by role.

Cells of groups too small to show are drawn as such (grey, "suppressed (<n)"), never with a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from ..i18n import _, pgettext

from .style import (
    no_score,
    _PLOT_WIDTH,
    SUPPRESSED,
    _fmt,
    _heatmap,
    _int,
    _num,
    _order,
    _records,
    _records_frame,
    _role_axis,
    _style,
    _text,
    _titled,
    centred_lines,
    wrap_expr,
)

__all__ = ["item_heatmap", "item_heatmap_parts", "item_label", "perception"]


# -- 4. perception by role ------------------------------------------------------------
def perception(
    by_role: pd.DataFrame,
    dimension_labels: Mapping[str, str],
    role_labels: Mapping[str, str],
    *,
    min_group_size: int | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Dimension score by respondent role as a heat map, small groups suppressed.

    Parameters
    ----------
    by_role
        :attr:`PerceptionGaps.by_role`: columns ``dimension``, ``role``, ``n``,
        ``score`` (NaN when suppressed) and ``suppressed`` (None, "small
        group" or "complementary").
    dimension_labels, role_labels
        Id -> label; rows and columns follow the order of these mappings, then
        any other ids in order of appearance.
    min_group_size
        The minimum group size, written in suppressed cells ("n<3"); without it they read "suppressed".
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        Dimensions (rows) x roles (columns); cells coloured by score with the
        rounded score, suppressed cells grey with the text "n<3" (the rule) or "suppressed".
    """
    hidden_text = _(SUPPRESSED) if min_group_size is None else f"n<{int(min_group_size)}"
    reasons = {"small group": pgettext("suppressed", "small group"),
               "hidden role": pgettext("suppressed", "hidden role"),
               "left out": pgettext("suppressed", "left out"),
               "complementary": pgettext("suppressed", "complementary")}
    rows = []
    for r in _records(by_role):
        dim, role = str(r.get("dimension")), str(r.get("role"))
        score = _num(r.get("score"))
        reason = _text(r.get("suppressed"))
        if reason is None and score is None and min_group_size is not None and (_int(r.get("n")) or 0) < min_group_size:
            reason = "small group"  # an empty cell of a small role would say what its few members left unscored
        if reason is not None:
            score = None  # never show a suppressed group's score
        rows.append({
            "dimension": dim, "role": role,
            "dimension_label": str(dimension_labels.get(dim, dim)), "role_label": str(role_labels.get(role, role)),
            "n": _int(r.get("n")), "score": score, "score_text": _("hidden") if reason else _fmt(score),
            "suppressed": reason,
            "status": _("suppressed ({reason})").format(reason=reasons.get(reason, reason)) if reason else (
                _("shown") if score is not None else no_score()),
            "cell_text": hidden_text if reason else (no_score() if score is None else _fmt(score, 0)),
        })
    data = _records_frame(rows, ["dimension", "role", "dimension_label", "role_label", "n", "score", "score_text",
                                 "suppressed", "status", "cell_text"])
    dims = _order(data["dimension"], dimension_labels)
    roles = _order(data["role"], role_labels)
    dim_sort = [str(dimension_labels.get(d, d)) for d in dims]
    role_sort = [str(role_labels.get(r, r)) for r in roles]
    tooltip = [
        alt.Tooltip("dimension_label:N", title=_("Dimension")),
        alt.Tooltip("role_label:N", title=_("Role")),
        alt.Tooltip("n:Q", title=_("Respondents (n)")),
        alt.Tooltip("score_text:N", title=_("Score")),
        alt.Tooltip("status:N", title=_("Shown")),
    ]
    width = min(_PLOT_WIDTH, 105 * max(len(role_sort), 1))
    chart = _heatmap(
        data,
        x=alt.X("role_label:N", sort=role_sort, axis=_role_axis(width / max(len(role_sort), 1))),
        y=alt.Y("dimension_label:N", sort=dim_sort, title=None, axis=_centred_label_axis()),
        tooltip=tooltip, font_size=11, width=width, height=alt.Step(28),
    )
    return _style(_titled(chart, title))



# -- 6. item heat map ------------------------------------------------------------------
def item_heatmap(
    items: pd.DataFrame,
    *,
    role_labels: Mapping[str, str] | None = None,
    row_height: int = 12,
    title: str | None = None,
    min_group_size: int | None = None,
) -> alt.LayerChart:
    """Mean item score by respondent role, one row per item, labelled with its statement.

    A grey cell reads why it is grey, from the optional ``status`` column: "n<3" (hidden by the anonymity rules;
    "hidden" without ``min_group_size``), "n/a" (the item is not asked of that role) or nothing (nobody answered).

    Each row is labelled with the item id and its whole statement (wrapped at :data:`ITEM_LABEL_CHARS`
    characters, never cut), so the printed page says what was asked; :func:`item_heatmap_parts` splits a
    long instrument into charts that each fit a page.

    Parameters
    ----------
    items
        Columns ``item``, ``dimension``, ``text``, ``role``, ``score`` (mean
        item score 0-100, NaN when nobody answered) and ``n``; items are
        drawn top to bottom in order of first appearance.
    role_labels
        Role id -> column label; columns follow this mapping's order, then
        any other roles in order of appearance (shown by id).
    row_height
        Pixels per item row; the chart grows with the number of items.
    title
        Chart title; none by default.

    Returns
    -------
    altair.LayerChart
        Items (rows) x roles (columns), coloured by score with the rounded
        score in each cell; the tooltip gives the whole statement.
    """
    role_labels = dict(role_labels or {})
    cell_texts = {"suppressed": _("hidden") if min_group_size is None else f"n<{int(min_group_size)}",
                  "not asked": _("n/a")}
    statuses = {"shown": _("shown"), "suppressed": _(SUPPRESSED), "not asked": _("not asked"),
                "no answer": _("no answer")}
    rows = []
    for r in _records(items):
        score = _num(r.get("score"))
        role = str(r.get("role"))
        rows.append({
            "item": str(r.get("item")), "dimension": _text(r.get("dimension")), "text": _text(r.get("text")),
            "role": str(role_labels.get(role, role)), "role_id": role, "score": score, "score_text": _fmt(score),
            "n": _int(r.get("n")),
            "status": statuses.get(_text(r.get("status")), _text(r.get("status"))) or (
                _("shown") if score is not None else no_score()),
            "cell_text": _fmt(score, 0) if score is not None else cell_texts.get(_text(r.get("status")), ""),
            "item_label": item_label(r.get("item"), r.get("text")),
        })
    data = _records_frame(rows, ["item", "dimension", "text", "role", "role_id", "score", "score_text", "n",
                                 "status", "cell_text", "item_label"])
    item_order = _order(data["item_label"])
    role_order = [str(role_labels.get(r, r)) for r in _order(data["role_id"], role_labels)]
    tooltip = [
        alt.Tooltip("item:N", title=_("Item")),
        alt.Tooltip("text:N", title=_("Statement")),
        alt.Tooltip("dimension:N", title=_("Dimension")),
        alt.Tooltip("role:N", title=_("Role")),
        alt.Tooltip("n:Q", title=_("Answers (n)")),
        alt.Tooltip("score_text:N", title=_("Mean score")),
        alt.Tooltip("status:N", title=_("Shown")),
    ]
    width = min(_HEAT_PLOT_WIDTH, _HEAT_COLUMN * max(len(role_order), 1))
    label_size = max(7, min(10, row_height - 4))
    lines = max((label.count("\n") + 1 for label in item_order), default=1)
    row_height = max(row_height, lines * (label_size + 1) + 2)  # a wrapped label stays within its row
    chart = _heatmap(
        data,
        x=alt.X("role:N", sort=role_order, axis=_role_axis(width / max(len(role_order), 1))),
        y=alt.Y("item_label:N", sort=item_order, title=None,
                axis=alt.Axis(domain=False, ticks=False, labelFontSize=label_size, labelLineHeight=label_size + 1,
                              labelLimit=0, labelExpr=_LINE_BREAK_EXPR,
                              labelOffset=centred_lines(label_size + 1))),
        tooltip=tooltip, font_size=max(7, min(11, row_height - 5)), width=width,
        height=max(row_height * len(item_order), row_height),
    )
    return _style(_titled(chart, title))


_LABEL_LINE = 13  # px between the lines of an 11 px axis label


def _centred_label_axis() -> alt.Axis:
    """Row labels on at most two lines, each label centred on its row: Vega hangs a wrapped label's second line
    below the row's centre, onto the next row's label, so a two-line label is lifted by half a line."""
    wrapped = wrap_expr()
    return alt.Axis(domain=False, ticks=False, labelExpr=wrapped, labelLineHeight=_LABEL_LINE,
                    labelOffset={"expr": f"isArray({wrapped}) ? {-_LABEL_LINE / 2} : 0"})


ITEM_LABEL_CHARS = 96
"""Longest line of an item label (id and statement) in the item heat map; a longer label wraps at a space onto
more lines, never cut."""
_HEAT_COLUMN = 52  # px per role column of the item heat map, room for a two-digit score
_HEAT_PLOT_WIDTH = 250  # the statements take the rest of the width
_LINE_BREAK_EXPR = "split(datum.label, '\\n')"
"""Vega writes an axis label given as an array of strings on several lines."""


def item_label(item: Any, statement: Any, width: int = ITEM_LABEL_CHARS) -> str:
    """``"GOV1 The PMO has a written mandate"``: the id and the whole statement, in lines of at most ``width``
    characters split at a space and joined with a line break (a word longer than a line stays whole).

    >>> item_label("GOV1", "The PMO has a written mandate agreed by the board.", width=30)
    'GOV1 The PMO has a written\\nmandate agreed by the board.'
    >>> item_label("GOV2", None)
    'GOV2'
    """
    import textwrap

    label = str(item) if _text(statement) is None else f"{item} {' '.join(str(statement).split())}"
    return "\n".join(textwrap.wrap(label, width=max(int(width), 1), break_long_words=False,
                                   break_on_hyphens=False)) or label


def item_heatmap_parts(items: pd.DataFrame, *, max_rows: int = 75) -> list[pd.DataFrame]:
    """``items`` (as :func:`item_heatmap` takes them) cut into parts of at most ``max_rows`` items, each part
    ending at the end of a dimension where it can, so that each part's chart fits one printed page.

    A dimension with more than ``max_rows`` items is cut inside. Parts keep the order of first appearance.
    """
    if max_rows < 1:
        raise ValueError(f"max_rows must be 1 or more, got {max_rows}")
    order = list(dict.fromkeys(items["item"]))
    dimension = dict(zip(items["item"], items["dimension"])) if "dimension" in items else {}
    groups: list[list[Any]] = []
    for item in order:
        if groups and dimension.get(groups[-1][-1]) == dimension.get(item):
            groups[-1].append(item)
        else:
            groups.append([item])
    parts: list[list[Any]] = []
    for group in groups:
        while group:
            room = max_rows - len(parts[-1]) if parts else 0
            if room >= len(group) or (room > 0 and len(group) > max_rows):
                parts[-1].extend(group[:room])
                group = group[room:]
            else:
                parts.append(group[:max_rows])
                group = group[max_rows:]
    return [items[items["item"].isin(part)] for part in parts]


