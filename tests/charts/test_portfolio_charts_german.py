"""The portfolio, delivery and trend charts in German: titles, axes, legends, tooltips and the names in their data
from the catalogue, numbers and dates in the German d3 locale the spec carries, no English sentence left.

The inputs are the analyses of the existing chart tests (the hand-worked fixture portfolio of
``test_portfolio_report`` and the trends fixture); every builder is called inside ``use_language("de")``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import vl_convert

from pmo_workbench.charts.style import _d3_time, vega_locale
from pmo_workbench.i18n import use_language
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio

from tests.catalogue import english_leftovers
from tests.portfolio.test_portfolio_trends import AS_OF as TRENDS_AS_OF
from tests.portfolio.test_portfolio_trends import TREND_SHEETS
from tests.reports.test_portfolio_report import AS_OF, SHEETS, write_folder

from .test_charts import walk
from .test_delivery_charts import CASES as DELIVERY
from .test_portfolio_charts import CASES as PORTFOLIO
from .test_portfolio_charts import VL_VERSION, units
from .test_trend_charts import CASES as TRENDS


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("charts-de") / "acme", SHEETS)
    return analyse_portfolio(read_portfolio(folder), as_of=AS_OF, budget=1300, frontier=True)


@pytest.fixture(scope="module")
def trends(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("trend-charts-de") / "acme", TREND_SHEETS)
    return analyse_portfolio(read_portfolio(folder), as_of=TRENDS_AS_OF).trends


def german(name: str, analysis, trends) -> dict:
    """The spec of chart ``name`` built in German."""
    with use_language("de"):
        if name in PORTFOLIO:
            make, call, _drawn = PORTFOLIO[name]
            return call(*make(analysis, "P1")).to_dict()
        if name in DELIVERY:
            call, args = DELIVERY[name](analysis)
            return call(*args).to_dict()
        call, args, kwargs = TRENDS[name](trends)
        return call(*args, **kwargs).to_dict()


NAMES = [*PORTFOLIO, *DELIVERY, *TRENDS]


def titles(spec: dict) -> set[str]:
    """Every title of the spec (chart, axes, legends, tooltips), as text."""
    found = set()
    for key, value in walk(spec):
        if key == "title" and isinstance(value, str):
            found.add(value)
        elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), str):
            found.add(value["text"])
    return found


def strings(spec: dict) -> list[str]:
    """Every string of the spec's data and titles: what a reader can see in the chart or its tooltips."""
    out = sorted(titles(spec))
    for rows in spec.get("datasets", {}).values():
        out += [v for row in rows for v in row.values() if isinstance(v, str)]
    return out


def domain(spec: dict, field: str) -> list:
    for unit in units(spec):
        channel = unit.get("encoding", {}).get(field) or {}
        scale = channel.get("scale") or {}
        if "domain" in scale:
            return scale["domain"]
    raise AssertionError(f"no {field} scale with a domain")


def tooltip_formats(spec: dict) -> set[str]:
    return {t["format"] for unit in units(spec) for t in unit.get("encoding", {}).get("tooltip", []) or []
            if isinstance(t, dict) and t.get("type") == "temporal" and "format" in t}


# --- every chart: German titles, the German number locale, no English sentence ----------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_every_chart_speaks_german_and_carries_the_german_number_locale(name, analysis, trends):
    spec = german(name, analysis, trends)
    assert EXPECTED[name] <= titles(spec)  # worked out by hand, below
    assert english_leftovers("\n".join(strings(spec))) == []
    locale = spec["config"]["locale"]
    assert (locale["number"]["decimal"], locale["number"]["thousands"]) == (",", ".")
    assert locale["time"]["shortMonths"][2] == "Mär"


def test_english_charts_carry_no_locale(analysis):
    """English is d3's own locale: the English specs stay as they were."""
    make, call, _drawn = PORTFOLIO["cpi_spi_quadrant"]
    spec = call(*make(analysis, "P1")).to_dict()
    assert "locale" not in spec["config"]
    assert "Schedule performance (SPI(t), else SPI)" in titles(spec)


# --- exact German texts, chart by chart ------------------------------------------------------------------------

EXPECTED = {
    "cpi_spi_quadrant": {"Termineffizienz (SPI(t), sonst SPI)", "Kosteneffizienz (CPI)", "Projekt", "Ampelstatus",
                         "Beide Indizes im", "Quadrant", "Terminindex"},
    "schedule_view": {"SV(t): Perioden voraus (+) bzw. im Verzug (−)", "Terminstatus", "Earned Schedule (ES)",
                      "Ist-Zeit AT"},
    "risk_heatmap": {"Bedrohungen", "Chancen", "Auswirkung (1–5)", "Eintrittswahrscheinlichkeit (1–5)",
                     "Risikowert (W × A)", "Zone"},
    "exposure_bars": {"Erwarteter Geldwert (EMV)", "Art", "Offene Risiken"},
    "resource_heatmap": {"Rolle", "Monat", "Bedarf (VZÄ)", "Kapazität (VZÄ)", "Auslastung", "Status"},
    "demand_vs_capacity": {"VZÄ", "Bedarf", "Zugesagt (VZÄ)", "Pipeline (VZÄ)"},
    "dependency_network": {"Umsetzungswelle (Voraussetzungen zuerst)", "Verbindung", "Abhängigkeit", "Welle",
                           "Direkt benötigt von", "Bei Verzug mitbetroffen", "In einem Zyklus"},
    "frontier": {"Budget", "Bester Wert", "Kosten der Auswahl", "Projekte", "Solver",
                 "Gesamtwert der besten Auswahl"},
    "prioritisation": {"Wert (gewichtete Punktzahl)", "Finanzierungsbedarf", "Entscheidung", "Begründung"},
    "milestone_slip": {"Meilenstein", "Geplant", "Erwartet", "Status", "Verzug (Tage)", "Verbleibende Tage",
                       "Stage-Gate", "Entscheidung nötig", "Datum", "Linie"},
    "benefit_bars": {"Anteil am geplanten Nutzen", "Messgröße", "Kennzahl", "Betrag", "Bei einem Plan von",
                     "Anteil am Plan"},
    "in_year_spend": {"Monat", "Linie", "Quelle", "Im Monat", "Kumuliert", "Kumulierte Ausgaben"},
    "s_curve": {"Stichtag", "Kumulierter Betrag", "Kennzahl", "Betrag", "Gezählte Projekte"},
    "index_trend": {"Stichtag", "Index (1,0 = planmäßig)", "Bereich", "Für", "Index", "Wert", "Gezählte Projekte"},
    "index_trend_by_pmo": {"Stichtag", "Index (1,0 = planmäßig)", "Für"},
}


def test_the_quadrant_names_its_corners_bands_and_the_health_in_german(analysis, trends):
    spec = german("cpi_spi_quadrant", analysis, trends)
    seen = strings(spec)
    assert {"Termin voraus, unter Budget", "Termin voraus, über Budget", "im Verzug, unter Budget",
            "im Verzug, über Budget", "1,0: planmäßig", "gelben Bereich: 0,90–1,10",
            "grünen Bereich: 0,95–1,05"} <= set(seen)
    assert domain(spec, "color")[:1] == ["gelben Bereich"]
    health = next(d for d in (u.get("encoding", {}).get("color", {}).get("scale", {}).get("domain")
                              for u in units(spec)) if d and "rot" in d)
    assert health == ["grün", "gelb", "rot", "Schätzung prüfen", "kein Index"]


def test_data_values_and_the_tests_on_them_are_german(analysis, trends):
    demand = german("demand_vs_capacity", analysis, trends)
    assert domain(demand, "color") == ["zugesagt (aktiv, pausiert)", "Pipeline (beantragt)"]
    calc = [t["calculate"] for u in units(demand) for t in u.get("transform", []) if "calculate" in t]
    assert calc == ['datum["stage"] == "zugesagt (aktiv, pausiert)" ? 0 : 1']
    network = german("dependency_network", analysis, trends)
    assert domain(network, "color") == ["Abhängigkeit", "längste Kette", "Zyklus"]
    assert "P2 benötigt P1" in strings(network)
    assert 'datum["kind"] == "Zyklus"' in str(network)
    spend = german("in_year_spend", analysis, trends)
    assert domain(spend, "color") == ["Budget", "Ist, danach Prognose"]
    assert 'datum.basis === "Prognose"' in str(spend)
    assert {"Ist", "Prognose", "Budget"} <= set(strings(spend))
    benefits = german("benefit_bars", analysis, trends)
    assert domain(benefits, "color") == ["Geplant", "Prognose", "Realisiert"]
    slip = german("milestone_slip", analysis, trends)
    assert domain(slip, "color") == ["überfällig", "anstehend", "später"]
    assert domain(slip, "shape") == ["nein", "ja"]
    assert tooltip_formats(slip) == {"%d.%m.%Y"}
    heat = german("resource_heatmap", analysis, trends)
    assert "überlastet" in strings(heat)
    bars = german("exposure_bars", analysis, trends)
    assert domain(bars, "color") == ["Bedrohung", "Chance"]
    ranked = german("prioritisation", analysis, trends)
    assert domain(ranked, "color") == ["verpflichtend", "empfohlen", "nicht finanziert", "Kandidat"]


def test_the_trend_bands_and_dates_are_written_the_german_way(analysis, trends):
    spec = german("index_trend", analysis, trends)
    assert {"rot: unter 0,90", "gelb: 0,90–0,95", "grün: 0,95–1,05", "gelb: 1,05–1,10",
            "Schätzung prüfen: über 1,10"} <= set(strings(spec))
    assert domain(spec, "color")[:2] == ["CPI (Kosten)", "SPI (Termine)"] or \
        ["CPI (Kosten)", "SPI (Termine)"] in [u.get("encoding", {}).get("strokeDash", {}).get("sort")
                                             for u in units(spec)]
    axis = [u["encoding"]["x"]["axis"]["format"] for u in units(spec) if "axis" in u.get("encoding", {}).get("x", {})]
    assert axis and set(axis) == {"%-d. %b %Y"}
    curve = german("s_curve", analysis, trends)
    assert domain(curve, "color") == ["Planwert (PV)", "Fertigstellungswert (EV)", "Istkosten (AC)"]


# --- the static export: German words, numbers and months in the SVG ------------------------------------------

def _svg_text(spec: dict) -> str:
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    return "\n".join(re.findall(r">([^<>]+)</(?:text|tspan)>", svg))


def test_the_static_svg_writes_german_numbers_months_and_words(analysis, trends):
    quadrant = _svg_text(german("cpi_spi_quadrant", analysis, trends))
    assert "Termin voraus, unter Budget" in quadrant and "Kosteneffizienz (CPI)" in quadrant
    assert re.search(r"^[01],\d\d?$", quadrant, flags=re.M)  # axis ticks with a decimal comma: 0,9 or 1,05
    assert english_leftovers(quadrant) == []
    curve = _svg_text(german("s_curve", analysis, trends))
    assert re.search(r"^[1-9]\d?\. (Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez) \d{4}$", curve, flags=re.M)
    assert english_leftovers(curve) == []


def test_a_german_money_axis_writes_amounts_as_the_german_text_does():
    """``5 Mio. €`` and ``1,2 Mrd. €`` as :func:`pmo_workbench._values.money` writes them in de_DE, not ``€5m``."""
    import altair as alt

    from pmo_workbench._values import money
    from pmo_workbench.charts.style import _style, money_axis

    values = [{"x": v} for v in (-2_500_000, 650, 5_000_000, 1_250_000_000)]
    with use_language("de"):
        chart = _style(alt.Chart(alt.Data(values=values)).mark_point().encode(
            x=alt.X("x:N"), y=alt.Y("x:Q", axis=money_axis("EUR"), scale=alt.Scale(domain=[0, 1_200_000_000]))))
        spec = chart.to_dict()
        assert money(5_000_000, "EUR").replace("\xa0", " ") == "5 Mio. €"
    labels = _svg_text(spec).replace("\xa0", " ").splitlines()
    assert {"0 €", "200 Mio. €", "1 Mrd. €", "1,2 Mrd. €"} <= set(labels)


# --- the locale itself ----------------------------------------------------------------------------------------

def test_vega_locale_follows_the_number_locale_and_is_none_in_english():
    assert vega_locale("en_GB") is None and vega_locale("en_US") is None
    de = vega_locale("de_DE")
    assert de["number"] == {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", ""],
                            "percent": "\u00a0%", "minus": "-"}
    assert de["time"]["months"][2] == "März" and de["time"]["days"][0] == "Sonntag"
    assert de["time"]["date"] == "%d.%m.%Y"
    with use_language("de"):
        assert vega_locale() == de
    assert vega_locale() is None
    assert vega_locale("de_CH")["number"]["thousands"] == "’" or vega_locale("de_CH")["number"]["thousands"] == "'"


@pytest.mark.parametrize("pattern, expected", [
    ("dd.MM.y", "%d.%m.%Y"),
    ("d MMM y", "%-d %b %Y"),
    ("h:mm a", "%-I:%M %p"),
    ("'um' HH:mm", "um %H:%M"),
    ("EEEE, d. MMMM y", "%A, %-d. %B %Y"),
])
def test_cldr_patterns_become_d3_formats(pattern, expected):
    assert _d3_time(pattern) == expected


def test_a_german_chart_renders_a_thousands_point_in_a_tooltip_format():
    """The locale travels in the spec, so vl-convert (and vega-embed) write ``,.2f`` the German way."""
    import altair as alt

    from pmo_workbench.charts.style import _style

    with use_language("de"):
        chart = _style(alt.Chart(alt.Data(values=[{"x": 1234.5}])).mark_text().encode(
            text=alt.Text("x:Q", format=",.2f")))
        spec: dict[str, Any] = chart.to_dict()
    assert "1.234,50" in _svg_text(spec)
