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
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup, escape

CHART_MIME = "application/vnd.pmo-workbench.chart+json"
RECORD_MIME = "application/vnd.pmo-workbench.record+json"
#: Set by the report engine in its kernels: charts are rendered to SVG by the exporter.
DEFER_SVG_ENV = "PMO_WORKBENCH_DEFER_SVG"
VEGALITE_VERSION = "6.4"
#: Columns that :func:`table` keeps on one line by default: identifiers and dates that hold a hyphen.
IDENTIFIERS = ("project_id", "risk_id", "from_project", "to_project", "month", "needed_by", "predecessor_finish")

__all__ = [
    "CHART_MIME", "RECORD_MIME", "chart", "chart_svg", "html", "html_items", "jsonable", "read_records", "record",
    "table", "table_html",
]


def _display(bundle: dict[str, Any]) -> None:
    from IPython.display import display

    display(bundle, raw=True)


def html(template: str, /, *args: Any, **values: Any) -> None:
    """Show ``template`` (trusted HTML written in the notebook) filled with escaped ``values``.

    >>> html("<p>{org} is {kind}.</p>", org="A & B", kind="controlling")  # doctest: +SKIP
    """
    _display({"text/html": str(Markup(template).format(*args, **values)), "text/plain": str(template)})


def html_items(texts) -> Markup:
    """``<li>`` elements for ``texts``, each escaped, to pass into :func:`html`."""
    return Markup("").join(Markup("<li>{}</li>").format(t) for t in texts)


def chart_svg(spec: Mapping[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG offline (vl-convert)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(dict(spec), vl_version=VEGALITE_VERSION)


def chart(chart_obj: Any, *, caption: str | None = None) -> None:
    """Show an altair chart as a chart the report and JupyterLab can both render offline."""
    # The chart builders are validated against the Vega-Lite schema in the tests; skipping that
    # here saves most of the cost of showing a chart.
    spec = chart_obj.to_dict(validate=False)
    bundle: dict[str, Any] = {
        CHART_MIME: {"spec": spec, "caption": caption},
        "text/plain": f"<chart{': ' + caption if caption else ''}>",
    }
    if not os.environ.get(DEFER_SVG_ENV):
        bundle["image/svg+xml"] = chart_svg(spec)
    _display(bundle)
    if caption:
        html('<p class="caption">{}</p>', caption)


def table(
    frame: pd.DataFrame,
    *,
    decimals: int | Mapping[str, int] = 1,
    caption: str | None = None,
    columns: Mapping[str, str] | None = None,
    na: str = "–",
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
               na: str = "–", nowrap: tuple[str, ...] = ()) -> str:
    """The HTML of :func:`table`: every cell and heading escaped, floats rounded."""
    def cell(column: Any, value: Any) -> str:
        if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
            return na
        if isinstance(value, (float, np.floating)):
            places = decimals.get(column, 1) if isinstance(decimals, Mapping) else decimals
            return f"{value:,.{places}f}"
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
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


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: NaN and NA become ``None``, numpy scalars Python numbers."""
    if isinstance(value, pd.DataFrame):
        return [jsonable(r) for r in value.to_dict("records")]
    if isinstance(value, pd.Series):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return value if isinstance(value, str) else str(value)


def record(name: str, value: Any) -> None:
    """Keep ``value`` in the executed notebook under ``name`` (not shown in the report)."""
    payload = {"name": name, "value": jsonable(value)}
    json.dumps(payload, allow_nan=False)  # fail in the cell that recorded it, not later
    _display({RECORD_MIME: payload, "text/plain": ""})


def read_records(nb: Any) -> dict[str, Any]:
    """Every value :func:`record` kept in an executed notebook (a later record wins)."""
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(RECORD_MIME)
            if payload is not None:
                found[payload["name"]] = payload["value"]
    return found
