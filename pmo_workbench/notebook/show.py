"""What a report notebook shows, and what it records for the tests and the batch index.

Every value that reaches the page goes through here, so escaping is done once:

- :func:`html` fills an HTML template with values that are always escaped
  (``markupsafe``), so an organisation called ``<script>`` stays text;
- :func:`table` renders a DataFrame with every cell escaped;
- :func:`chart` shows an altair chart. Outside the report engine it carries an
  inline SVG (works in JupyterLab with no network); under the engine the SVG
  is made once per chart by the exporter, which also lets the page's own copy
  of vega upgrade it to an interactive chart;
- :func:`record` stores a named value in the notebook's outputs (like
  scrapbook's glue) where :func:`read_records` finds it again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from .._values import MISSING, count, fmt, is_missing, jsonable, money, percent, set_locale
from ..i18n import _
from ..reports.records import CHART_MIME, DEFER_SVG_ENV, RECORD_MIME, chart_svg, read_records

#: Columns that :func:`table` keeps on one line by default: identifiers and dates that hold a hyphen.
IDENTIFIERS = ("project_id", "risk_id", "from_project", "to_project", "month", "needed_by", "predecessor_finish")

__all__ = [
    "MISSING", "count", "fmt", "money", "percent", "set_locale",
    "CHART_MIME", "RECORD_MIME", "chart", "chart_svg", "heading", "html", "html_items", "jsonable", "read_records",
    "record",
    "table", "table_html",
]


def _display(bundle: dict[str, Any], metadata: dict[str, Any] | None = None) -> None:
    from IPython.display import display

    display(bundle, raw=True, metadata=metadata)


def html(template: str, /, *args: Any, **values: Any) -> None:
    """Show ``template`` (trusted HTML written in the notebook) filled with escaped ``values``.

    >>> html("<p>{org} is {kind}.</p>", org="A & B", kind="controlling")  # doctest: +SKIP
    """
    _display({"text/html": str(Markup(template).format(*args, **values)), "text/plain": str(template)})


def heading(text: str, shown: bool = True, *, level: int = 3) -> None:
    """Show ``text`` (escaped) as a sub-heading, when ``shown`` (a report covering several PMOs heads each one)."""
    if shown:
        html(f"<h{int(level)}>{{}}</h{int(level)}>", text)


def html_items(texts) -> Markup:
    """``<li>`` elements for ``texts``, each escaped, to pass into :func:`html`."""
    return Markup("").join(Markup("<li>{}</li>").format(t) for t in texts)


def chart(chart_obj: Any, *, caption: str | None = None, name: str | None = None) -> None:
    """Show an altair chart as a chart the report and JupyterLab can both render offline.

    ``name`` (e.g. ``"ladder/Corporate PMO"``) is kept in the output's metadata, where the slide deck finds
    the chart again (:func:`pmo_workbench.reports.deck.pick_charts`).
    """
    # The chart builders are validated against the Vega-Lite schema in the tests; skipping that
    # here saves most of the cost of showing a chart.
    spec = chart_obj.to_dict(validate=False)
    bundle: dict[str, Any] = {
        CHART_MIME: {"spec": spec, "caption": caption},
        "text/plain": f"<chart{': ' + caption if caption else ''}>",
    }
    if not os.environ.get(DEFER_SVG_ENV):
        bundle["image/svg+xml"] = chart_svg(spec)
    _display(bundle, {"name": name} if name else None)
    if caption:
        html('<p class="caption">{}</p>', caption)


def table(
    frame: pd.DataFrame,
    *,
    decimals: int | Mapping[str, int] = 1,
    caption: str | None = None,
    columns: Mapping[str, str] | None = None,
    na: str = MISSING,
    nowrap: tuple[str, ...] = IDENTIFIERS,
) -> None:
    """Show a DataFrame as an escaped HTML table without its index.

    ``columns`` maps column names to headings and selects the columns shown,
    in that order; ``decimals`` is one number for every float column or a
    mapping from (original) column name to its decimals, 1 by default;
    ``nowrap`` names (original) columns whose cells never break across lines
    (identifiers such as ``KRC-101``).
    """
    if isinstance(decimals, Mapping):
        decimals = {(columns or {}).get(k, k): v for k, v in decimals.items()}
    nowrap = tuple((columns or {}).get(k, k) for k in nowrap)
    if columns is not None:
        frame = frame[list(columns)].rename(columns=dict(columns))
    _display({"text/html": table_html(frame, decimals=decimals, caption=caption, na=na, nowrap=nowrap),
              "text/plain": frame.to_string(index=False)})


def table_html(frame: pd.DataFrame, *, decimals: int | Mapping[str, int] = 1, caption: str | None = None,
               na: str = MISSING, nowrap: tuple[str, ...] = ()) -> str:
    """The HTML of :func:`table`: every cell and heading escaped, floats rounded."""
    def cell(column: Any, value: Any) -> str:
        if is_missing(value):
            return na
        if isinstance(value, (float, np.floating)):
            places = decimals.get(column, 1) if isinstance(decimals, Mapping) else decimals
            return fmt(round(float(value), places) + 0.0, places, thousands=True)  # + 0.0: never "-0.00"
        if isinstance(value, (bool, np.bool_)):
            return _("yes") if value else _("no")
        if isinstance(value, pd.Timestamp):  # a date, not "2026-10-01 00:00:00"
            return value.date().isoformat() if value == value.normalize() else value.isoformat(" ", "minutes")
        return str(value)

    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and
               not pd.api.types.is_bool_dtype(frame[c])}
    classes = {c: ' class="num"' if c in numeric else ' class="nowrap"' if c in nowrap else "" for c in frame.columns}
    parts = ['<table class="pmo-table">']
    if caption:
        parts.append(f"<caption>{escape(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(
        f'<th{" class=num" if c in numeric else ""}>{escape(str(c))}</th>' for c in frame.columns) + "</tr></thead>")
    parts.append("<tbody>")
    for row in frame.itertuples(index=False):
        parts.append("<tr>" + "".join(
            f'<td{classes[c]}>{escape(cell(c, v))}</td>'
            for c, v in zip(frame.columns, row)) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def record(name: str, value: Any) -> None:
    """Keep ``value`` in the executed notebook under ``name`` (not shown in the report)."""
    payload = {"name": name, "value": jsonable(value)}
    json.dumps(payload, allow_nan=False)  # fail in the cell that recorded it, not later
    _display({RECORD_MIME: payload, "text/plain": ""})
