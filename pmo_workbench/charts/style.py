"""The house style of every chart, and the helpers the chart builders share.

The style (system fonts, print-readable sizes, the palette below, no frame around
the plot) is applied per chart; importing this module changes no global Altair
setting. Charts fit an A4 page: at most 640 px wide in all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .._values import MISSING as MISSING
from .._values import NO_SCORE as NO_SCORE
from .._values import MONEY_UNITS, currency_symbol, fmt, integer, is_missing, money_heading, number, text
from ..i18n import N_, _

# -- house style ---------------------------------------------------------------
NAVY = "#1F4E79"
ACCENT = "#C55A11"
AMBER = "#BF9000"
GREY = "#A6A6A6"
INK = "#262626"
LIGHT = "#F2F2F2"
LEVEL_COLOURS: tuple[str, ...] = ("#DEEBF7", "#9DC3E6", "#5B9BD5", "#2E75B6", NAVY)
"""Maturity levels 1..5, light to dark."""
SERIES_COLOURS: tuple[str, ...] = (NAVY, ACCENT, GREY, "#5B9BD5", "#548235", "#7F6000", "#7030A0", "#404040")
"""Categories without an order (PMOs, roadmap phases)."""
FONT = "Helvetica, Arial, sans-serif"
MAX_WIDTH = 640
"""Total chart width in px that fits the text width of an A4 page."""

_PLOT_WIDTH = 360  # plot area of charts with category labels on the left
_LABEL_LIMIT = 260  # px of a one-line label before it is cut (wrapped lines are far shorter)
_WRAP_BAND = 20  # px of a category band (row less padding) from which labels wrap onto two lines
WRAP_CHARS = 26
"""Characters per line of a wrapped axis label."""
_ROW = 24  # px per bar row
SUPPRESSED = N_("suppressed")
LOW_AGREEMENT = N_("low agreement")
SPLIT_VIEWS = N_("split views")
_VALID_SCORE = "isValid(datum.score) && isFinite(datum.score)"
_ROLE_LABELS = {"standards": N_("Standards"), "customer_support": N_("Customer support"),
                "empowerment": N_("Empowerment")}
_RATINGS = ("low", "medium", "high")


def wrap_expr(width: int = WRAP_CHARS, field: str = "datum.label") -> str:
    """A Vega expression that writes a label on at most two lines of at most ``width`` characters, split at a space.

    Vega writes a label given as an array of strings on several lines, so an axis with
    ``labelExpr=wrap_expr()`` shows "PM competency and career development" as "PM competency and career" over
    "development" instead of cutting it. A second line longer than ``width`` ends with "…"; a first word longer
    than ``width`` stays whole; a short label (and a number) stays one line. :func:`wrap_text` does the same in
    Python.
    """
    w = int(width)
    label = f"trim({field} + '')"
    first = f"replace({label}, /^(.{{1,{w}}})(\\s+.*)?$/, '$1')"
    rest = f"trim(substring({label}, length({first})))"
    second = f"(length({rest}) > {w} ? trim(substring({rest}, 0, {w - 1})) + '…' : {rest})"
    return f"(length({label}) <= {w} ? {label} : (length({rest}) ? [{first}, {second}] : {first}))"


def wrap_text(label: str, width: int = WRAP_CHARS) -> list[str]:
    """``label`` split into lines as :func:`wrap_expr` splits it in a chart.

    >>> wrap_text("PM competency and career development")
    ['PM competency and career', 'development']
    >>> wrap_text("KRC-099 — Electrical safety surveys and works at every depot", 26)
    ['KRC-099 — Electrical', 'safety surveys and works…']
    """
    import re

    text = str(label).strip()
    if len(text) <= width:
        return [text]
    match = re.match(r"^(.{1," + str(int(width)) + r"})(\s+.*)?$", text, flags=re.S)
    first = match.group(1) if match else text
    rest = text[len(first):].strip()
    if not rest:
        return [first]
    return [first, rest if len(rest) <= width else rest[: width - 1].strip() + "…"]


_WRAP_WHERE_ROOM = f"(bandwidth('y') >= {_WRAP_BAND}) ? {wrap_expr()} : datum.label"
"""Every axis label: wrapped where category rows are tall enough for two lines, else one line (cut at the
label limit), so dense project lists never overlap. Charts whose rows are named otherwise (facets) set
``labelExpr=wrap_expr()`` on the axis themselves."""


def _style(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The house style, applied to one chart (no global theme is touched)."""
    return chart.configure(
        font=FONT,
        background="white",
        padding=8,
        view=alt.ViewConfig(stroke=None),
        title=alt.TitleConfig(font=FONT, fontSize=15, fontWeight="bold", color=INK, anchor="start", offset=10),
        axis=alt.AxisConfig(
            labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=12, labelColor=INK, titleColor=INK,
            titleFontWeight="normal", labelLimit=_LABEL_LIMIT, labelExpr=_WRAP_WHERE_ROOM, gridColor="#E5E5E5",
            domainColor=GREY, tickColor=GREY,
        ),
        legend=alt.LegendConfig(
            orient="bottom", labelFont=FONT, titleFont=FONT, labelFontSize=11, titleFontSize=12, labelColor=INK,
            titleColor=INK, labelLimit=200,
        ),
        header=alt.HeaderConfig(labelFont=FONT, titleFont=FONT, labelFontSize=12, titleFontSize=12, labelColor=INK),
        text=alt.MarkConfig(font=FONT, fontSize=11, color=INK),
        locale=vega_locale() or alt.Undefined,  # numbers and dates as the report's readers write them
    )


def _titled(chart: alt.TopLevelMixin, title: str | None) -> alt.TopLevelMixin:
    return chart if title is None else chart.properties(title=title)



# -- the locale charts write numbers and dates in (d3's, derived from Babel) ----------------------------------
_D3_PATTERN = {"yyyy": "%Y", "yy": "%y", "y": "%Y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%-m",
               "LLLL": "%B", "LLL": "%b", "dd": "%d", "d": "%-d", "EEEE": "%A", "EEE": "%a", "HH": "%H", "H": "%-H",
               "hh": "%I", "h": "%-I", "mm": "%M", "ss": "%S", "a": "%p"}


def _d3_time(pattern: str) -> str:
    """A CLDR date or time pattern (``dd.MM.y``) as a d3 time format (``%d.%m.%Y``); quoted text kept as text."""
    import re

    def one(match: re.Match) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token[1:-1].replace("''", "'") or "'"
        return _D3_PATTERN.get(token, _D3_PATTERN.get(token[:4], token))

    return re.sub(r"'(?:[^']|'')*'|([A-Za-z])\1*", one, pattern)


def vega_locale(locale: str | None = None) -> dict[str, Any] | None:
    """The d3 number and time locale a chart writes its numbers and dates in, for Vega-Lite's ``config.locale``:
    that of ``locale`` (default :func:`pmo_workbench._values.number_locale`, which setting a language sets), or
    ``None`` where numbers are written as d3 writes them by default (English).

    Every chart carries it in its spec (:func:`_style`), so a tooltip's ``,.2f`` gives ``1.234,50`` and a time
    axis ``%b %Y`` gives ``Mär 2026`` in a German report, in the browser (vega-embed) and in the static SVG and
    PNG (vl-convert) alike. Currency formats (``$``) are not used by the charts (amounts go through
    :func:`money_axis`), so the currency is left empty.

    >>> vega_locale("en_GB") is None, vega_locale("de_DE")["number"]["decimal"]
    (True, ',')
    """
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    from .._values import number_locale

    chosen = locale or number_locale()
    data = Locale.parse(chosen)
    decimal, group = get_decimal_symbol(chosen), get_group_symbol(chosen)
    if data.language == "en" and (decimal, group) == (".", ","):
        return None
    percent = data.percent_formats[None].pattern
    months, days = data.months["stand-alone"], data.days["stand-alone"]
    date = _d3_time(data.date_formats["medium"].pattern)
    time = _d3_time(data.time_formats["medium"].pattern)
    return {
        "number": {"decimal": decimal, "thousands": group, "grouping": [3], "currency": ["", ""],
                   "percent": "\u00a0%" if " %" in percent.replace("\u00a0", " ") else "%",
                   "minus": get_minus_sign_symbol(chosen)},
        "time": {"dateTime": str(data.datetime_formats["medium"]).replace("{1}", date).replace("{0}", time),
                 "date": date, "time": time,
                 "periods": [data.day_periods["format"]["abbreviated"].get(p, p.upper()) for p in ("am", "pm")],
                 "days": [days["wide"][(i + 6) % 7] for i in range(7)],
                 "shortDays": [days["abbreviated"][(i + 6) % 7] for i in range(7)],
                 "months": [months["wide"][i] for i in range(1, 13)],
                 "shortMonths": [months["abbreviated"][i] for i in range(1, 13)]},
    }


def _money_label_expr(currency: str | None, locale: str | None = None) -> str:
    """The label expression of a money axis in a locale other than English: amounts with the units and currency
    placement :func:`pmo_workbench._values.money` writes there (``5 Mio. €``, ``1,2 Mrd. €``; thousands whole where
    the locale does not shorten them: ``650.000 €``). The digits follow the chart's :func:`vega_locale`."""
    import json
    import re

    from babel import Locale
    from babel.numbers import format_compact_currency, format_compact_decimal, format_currency

    from .._values import number_locale

    chosen = locale or number_locale()
    code = currency.strip().upper() if currency else None
    before, after = "", ""
    if code:
        pattern = re.sub(r"0\.0+", "0", Locale.parse(chosen).currency_formats["standard"].pattern.split(";")[0])
        before, after = format_currency(7, code, format=pattern, locale=chosen, currency_digits=False).split("7", 1)
    magnitude = "abs(datum.value)"
    body = f"{json.dumps(before)} + format({magnitude}, ',.0f') + {json.dumps(after)}"
    for _unit, size in reversed(MONEY_UNITS):
        sample = (format_compact_currency(size, code, locale=chosen, fraction_digits=1) if code else
                  format_compact_decimal(size, locale=chosen, fraction_digits=1))
        if not re.fullmatch(r"\D*1\D*", sample):  # not shortened in this locale (1000 €): written whole
            continue
        pre, post = sample.split("1", 1)
        body = (f"({magnitude} >= {size:g} ? {json.dumps(pre)} + format({magnitude} / {size:g}, ',.1~f') + "
                f"{json.dumps(post)} : {body})")
    return f"(datum.value < 0 ? '-' : '') + {body}"

# -- value helpers -----------------------------------------------------------------
_missing = is_missing
_num = number
_int = integer
LINE_BREAK_EXPR = "split(datum.label, '\\n')"
"""An axis label expression writing a label that holds line breaks on several lines (Vega takes an array)."""
_LINE_PX = 13  # px between the lines of an 11 px label


def centred_lines(line_px: float = _LINE_PX) -> dict:
    """An axis ``labelOffset`` that lifts a label of several lines by half its extra lines, so that it is centred
    on its row: Vega hangs the lines below the row's centre, onto the next row."""
    return {"expr": f"-(length(split(datum.label, '\\n')) - 1) * {line_px / 2:g}"}


def wrap_lines(label: Any, width: int = 40) -> str:
    """``label`` in lines of at most ``width`` characters split at spaces, joined with line breaks; never cut.

    >>> wrap_lines("KRC-086 — Northfield leisure centre roof replacement", 30)
    'KRC-086 — Northfield leisure\\ncentre roof replacement'
    """
    import textwrap

    flat = " ".join(str(label).split())
    return "\n".join(textwrap.wrap(flat, width=max(int(width), 1), break_long_words=False,
                                   break_on_hyphens=False)) or flat


def label_rows(labels: Any, row: int = _ROW) -> int:
    """Pixels per bar row for category ``labels`` the axis wraps (:data:`_WRAP_WHERE_ROOM`): ``row``, or room for
    two lines when a label is longer than one (:data:`WRAP_CHARS`), as German dimension names often are."""
    return max(int(row), 2 * _LINE_PX + 6) if any(len(str(t)) > WRAP_CHARS for t in labels) else int(row)


def wrapped_rows(labels: Any, row: int) -> int:
    """Pixels per category row for ``labels`` from :func:`wrap_lines`: ``row``, or more for the lines of the
    longest label, so that no label runs into its neighbour."""
    lines = max((str(label).count("\n") + 1 for label in labels), default=1)
    return max(int(row), lines * _LINE_PX + 4)


_text = text


def money_axis(currency: str | None = None, **kwargs: Any) -> alt.Axis:
    """An axis whose labels are amounts written as :func:`pmo_workbench._values.money` writes them (``£1.5m``).

    The label expression is derived from :data:`pmo_workbench._values.MONEY_UNITS` and the currency's symbol, so
    a chart's axis, its tooltips and the report's text use the same units.
    """
    import json

    if vega_locale() is not None:  # another locale writes its own units ("5 Mio. €"), as the report's text does
        return alt.Axis(labelExpr=_money_label_expr(currency), **kwargs)
    magnitude = "abs(datum.value)"
    body = f"format({magnitude}, ',.0f')"
    for unit, size in reversed(MONEY_UNITS):
        body = (f"({magnitude} >= {size:g} ? format({magnitude} / {size:g}, ',.1~f') + {json.dumps(unit)} : "
                f"{body})")
    expr = f"(datum.value < 0 ? '-' : '') + {json.dumps(currency_symbol(currency))} + {body}"
    return alt.Axis(labelExpr=expr, **kwargs)


def money_title(label: str, currency: str | None = None) -> str:
    """The title of a money axis, legend or tooltip: ``"Budget (£)"``, or the label alone without a currency."""
    return money_heading(label, currency)


def fitted_domain(values: Iterable[float], band: tuple[float, float], *, fence: float = 3.0,
                  margin: float = 0.1) -> tuple[float, float]:
    """The axis range that shows the bulk of ``values`` and the whole of ``band``, with a margin.

    An *outlier* is a value outside ``band`` and further from the median of ``values`` than ``fence`` times
    their spread, where the spread is the median absolute deviation (the middle distance of the values from
    their median) or, when larger, the width of ``band``. Medians are used, not quartiles, so that even
    several implausible values (three CPIs of 30 to 50 among six near 1.0) cannot set the scale. An outlier
    is left out of the range (the chart draws it on the edge). The range spans the other values and ``band``,
    widened on each side by ``margin`` times its width. ``fence`` (3.0) and ``margin`` (0.1) are chart
    settings, not domain figures.

    Examples
    --------
    CPIs 0.8, 0.9, 1.0, 1.1 and 5.0 with the amber band 0.9-1.1: median 1.0, deviations 0.2, 0.1, 0, 0.1 and
    4.0, whose median is 0.1; the band's width 0.2 is larger, so a value more than 0.6 from 1.0 and outside the
    band is an outlier: 5.0 is; the range 0.8-1.1 widened by 0.03 each side is 0.77-1.13.

    >>> [round(x, 2) for x in fitted_domain([0.8, 0.9, 1.0, 1.1, 5.0], (0.9, 1.1))]
    [0.77, 1.13]
    """
    data = np.array([v for v in values if number(v) is not None], dtype=float)
    lo, hi = float(band[0]), float(band[1])
    if len(data):
        middle = float(np.median(data))
        spread = fence * max(float(np.median(np.abs(data - middle))), hi - lo)
        inside = data[(np.abs(data - middle) <= spread) | ((data >= lo) & (data <= hi))]
        if len(inside):
            lo, hi = min(lo, float(inside.min())), max(hi, float(inside.max()))
    pad = margin * (hi - lo)
    return lo - pad, hi + pad


def _fmt(value: float | None, digits: int = 1) -> str:
    """A number for a tooltip or label, or the package's missing marker."""
    return fmt(value, digits)


def _column(values: list[Any]) -> pd.Series:
    """One column typed so that Altair writes every missing value as JSON null.

    Altair turns missing values into null for float, nullable-integer,
    nullable-boolean and string columns, but an object column holding None can
    come back with NaN (invalid JSON) under pandas 3; so no column is object.
    """
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="boolean")
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return pd.Series(values, dtype="Int64")
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype=float)
    return pd.Series([None if v is None else str(v) for v in values], dtype="string")


def _records_frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    """A fresh frame for the chart spec from plain rows (missing values are None)."""
    return pd.DataFrame({name: _column([row.get(name) for row in rows]) for name in columns},
                        index=pd.RangeIndex(len(rows)))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts; the frame itself is left alone."""
    return frame.to_dict("records")


def _order(values: Iterable[Any], preferred: Iterable[Any] = ()) -> list[Any]:
    """``preferred`` values that occur, then the rest in order of appearance, without repeats."""
    seen = list(dict.fromkeys(values))
    first = [v for v in dict.fromkeys(preferred) if v in seen]
    return first + [v for v in seen if v not in first]


def _level_scale(n_levels: int) -> alt.Scale:
    names = [level_name(i) for i in range(1, n_levels + 1)]
    if n_levels <= len(LEVEL_COLOURS):
        picks = np.round(np.linspace(0, len(LEVEL_COLOURS) - 1, n_levels)).astype(int)
        return alt.Scale(domain=names, range=[LEVEL_COLOURS[i] for i in picks])
    return alt.Scale(domain=names, scheme="blues")


def _series_scale(domain: list[str]) -> alt.Scale:
    if len(domain) <= len(SERIES_COLOURS):
        return alt.Scale(domain=domain, range=list(SERIES_COLOURS[: len(domain)]))
    return alt.Scale(domain=domain, scheme="tableau10")


def _score_axis(title: str | None = None) -> alt.Axis:
    return alt.Axis(title=_("Score (0-100)") if title is None else title, values=[0, 20, 40, 60, 80, 100],
                    grid=False)


def level_name(level: int) -> str:
    """A maturity level as a chart's legend names it: ``Level 3`` in the current language."""
    return _("Level {level}").format(level=level)


def no_score() -> str:
    """What a chart writes where a score is missing, in the current language."""
    return _(NO_SCORE)


_SCORE_SCALE = alt.Scale(domain=[0, 100], nice=False, clamp=True)
_HEAT_SCALE = alt.Scale(domain=[0, 100], range=list(LEVEL_COLOURS))



# -- heat map shared by perception and item_heatmap ------------------------------------
def _heatmap(data: pd.DataFrame, *, x: alt.X, y: alt.Y, tooltip: list, font_size: int, width: int,
             height: alt.Step | int) -> alt.LayerChart:
    base = alt.Chart(data).encode(x=x, y=y, tooltip=tooltip)
    scored = base.mark_rect(stroke="white", strokeWidth=1).transform_filter(_VALID_SCORE).encode(
        color=alt.Color("score:Q", scale=_HEAT_SCALE, title=_("Score"),
                        legend=alt.Legend(gradientLength=200, values=[0, 20, 40, 60, 80, 100])),
    )
    blank = base.mark_rect(stroke="white", strokeWidth=1, color=GREY).transform_filter(f"!({_VALID_SCORE})")
    text = base.mark_text(fontSize=font_size).encode(
        text="cell_text:N",
        color=alt.condition("isValid(datum.score) && datum.score >= 60", alt.value("white"), alt.value(INK)),
    )
    return alt.layer(scored, blank, text).properties(width=width, height=height)


def _role_axis(column_width: float) -> alt.Axis:
    """Role names above the columns; slanted when the columns are too narrow to write them level."""
    if column_width >= 100:
        return alt.Axis(orient="top", labelAngle=0, title=None, domain=False, ticks=False, labelLimit=0,
                        labelExpr=wrap_expr(max(8, int(column_width) // 7)))
    return alt.Axis(orient="top", labelAngle=-30, labelAlign="left", labelBaseline="middle", title=None,
                    domain=False, ticks=False, labelLimit=120)
