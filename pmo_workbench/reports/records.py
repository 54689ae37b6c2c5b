"""What a report notebook leaves in its outputs for the engine: charts to render, values to record.

The notebook side (:mod:`pmo_workbench.notebook.show`) writes these outputs; the
exporter and the batch index read them back. Both sides share the MIME types
and helpers defined here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CHART_MIME = "application/vnd.pmo-workbench.chart+json"
RECORD_MIME = "application/vnd.pmo-workbench.record+json"
DEFER_SVG_ENV = "PMO_WORKBENCH_DEFER_SVG"
"""Set by the report engine in its kernels: charts are rendered to SVG by the exporter, once per chart."""
VEGALITE_VERSION = "6.4"


def vega_locale() -> tuple[dict | None, dict | None]:
    """The d3 number-format and time-format locales of the current language, as
    :func:`pmo_workbench.charts.style.vega_locale` gives them (``(None, None)``: vega's own, English)."""
    from ..charts.style import vega_locale as chart_locale

    found = chart_locale()
    return (None, None) if not found else (found.get("number"), found.get("time"))


def locale_options(locale: tuple[dict | None, dict | None] | None = None) -> dict[str, dict]:
    """vl-convert's ``format_locale`` and ``time_format_locale`` arguments for ``locale`` (default the current
    language's, :func:`vega_locale`); none for English."""
    number, time = vega_locale() if locale is None else locale
    return {key: value for key, value in (("format_locale", number), ("time_format_locale", time)) if value}


def chart_svg(spec: Mapping[str, Any], locale: tuple[dict | None, dict | None] | None = None) -> str:
    """Render a Vega-Lite spec to SVG offline (vl-convert), numbers and dates in ``locale`` (default the current
    language's, :func:`vega_locale`)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(dict(spec), vl_version=VEGALITE_VERSION, **locale_options(locale))


def read_records(nb: Any) -> dict[str, Any]:
    """Every value :func:`pmo_workbench.notebook.show.record` kept in an executed notebook (a later record wins)."""
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(RECORD_MIME)
            if payload is not None:
                found[payload["name"]] = payload["value"]
    return found


def report_language(language: str | None, records: Mapping[str, Any] | None = None):
    """The block a report's outputs are built in (deck, Word document, PDF, index row): its ``language`` (the
    spec's ``language`` parameter; ``None``: English), numbers and dates in its engagement record's ``locale``
    when that is one of the language, else in the language's usual locale.

    >>> with report_language("de", {"engagement": {"locale": "de_AT"}}):
    ...     from pmo_workbench._values import number_locale
    ...     number_locale()
    'de_AT'
    """
    from ..i18n import check_language, use_language

    code = check_language(language)
    engagement = (records or {}).get("engagement")
    locale = engagement.get("locale") if isinstance(engagement, Mapping) else None
    if not isinstance(locale, str) or locale.replace("-", "_").split("_")[0].lower() != code:
        locale = None
    return use_language(code, locale)
