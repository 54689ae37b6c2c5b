"""The portfolio package's sentences in German: verdicts, late links, risk, trends and table labels, worked by
hand, with the plural forms for one and for more, and the English unchanged."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_workbench.i18n import use_language
from pmo_workbench.portfolio.actions import budget_verdict, reasons_in_words
from pmo_workbench.portfolio.delivery import first_of
from pmo_workbench.portfolio.labels import area_word, check_word, report_date, shown
from pmo_workbench.portfolio.links import LateLinks
from pmo_workbench.portfolio.risk import RiskAnalysis, risk_summary
from pmo_workbench.portfolio.status_reports import describe_movement, describe_period

MAY = pd.Timestamp("2026-05-31")


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _ordinal_risks(threats: int, red: int, opportunities: int, index: float) -> RiskAnalysis:
    return RiskAnalysis(*[None] * 6, totals={"open_threats": threats, "red_threats": red,
                                             "open_opportunities": opportunities, "impact_scale": "ordinal",
                                             "exposure_index": index})


# --- German, by hand -------------------------------------------------------------------------------

@pytest.mark.parametrize(("vac", "expected"), [
    (-1_250_000, "sein Budget um 1,2 Mio. € überschreiten"),    # 1.25m rounds to 1,2 (half to even)
    (300_000, "300.000 € unter Budget abschließen"),            # no German unit below a million: whole, grouped
    (0.2, "im Budget abschließen"),
])
def test_budget_verdict_in_german(vac, expected):
    with use_language("de"):
        assert _plain(budget_verdict(vac, currency="EUR")) == expected


@pytest.mark.parametrize(("late", "dated", "expected"), [
    # one late link of one dated link: singular throughout, a week late
    ([7.0], 1, "1 von 1 datierten Verknüpfung zwischen offenen Projekten ist zum Stichtag 31. Mai 2026 verspätet: "
               "Das benötigte Projekt wird voraussichtlich erst nach dem Bedarfstermin fertig (die schlimmste um "
               "7 Tage)."),
    # one late link of two, one day late: "ist", "Tag"
    ([1.0], 2, "1 von 2 datierten Verknüpfungen zwischen offenen Projekten ist zum Stichtag 31. Mai 2026 verspätet: "
               "Das benötigte Projekt wird voraussichtlich erst nach dem Bedarfstermin fertig (die schlimmste um "
               "1 Tag)."),
    # two late links of seventeen: "sind"
    ([42.0, 3.0], 17, "2 von 17 datierten Verknüpfungen zwischen offenen Projekten sind zum Stichtag 31. Mai 2026 "
                      "verspätet: Das benötigte Projekt wird voraussichtlich erst nach dem Bedarfstermin fertig (die "
                      "schlimmste um 42 Tage)."),
    ([], 1, "Die 1 datierte Verknüpfung zwischen offenen Projekten ist zum Stichtag 31. Mai 2026 nicht verspätet."),
    ([], 2, "Keine der 2 datierten Verknüpfungen zwischen offenen Projekten ist zum Stichtag 31. Mai 2026 "
            "verspätet."),
])
def test_late_link_summary_in_german_one_and_many(late, dated, expected):
    with use_language("de"):
        assert LateLinks(pd.DataFrame({"days_late": late}), dated, MAY).summary() == expected


@pytest.mark.parametrize(("threats", "opportunities", "start"), [
    (1, 1, "1 offene Bedrohung (1 davon in der roten Zone) und 1 offene Chance."),
    (2, 0, "2 offene Bedrohungen (1 davon in der roten Zone) und 0 offene Chancen."),
])
def test_risk_summary_in_german_one_and_many(threats, opportunities, start):
    with use_language("de"):
        text = risk_summary(_ordinal_risks(threats, 1, opportunities, 1234.0))
    assert text.startswith(start + " Die Auswirkungen sind auf einer Skala von 1–5 bewertet")
    assert "Der Expositionsindex von 1.234 ist die Summe" in text   # thousands grouped the German way


def test_trend_sentences_in_german():
    period = {"date": pd.Timestamp("2026-03-31"), "previous_date": pd.Timestamp("2026-02-28"),
              "now": {"cpi": 0.9103, "spi": 0.9429, "red": 1, "amber": 1, "green": 1},
              "previous": {"cpi": 0.9375, "spi": 0.9375, "red": 0, "amber": 1, "green": 1},
              "cpi_change_same": -0.0042, "spi_change_same": -0.0042, "same_projects": 2, "joined": 1, "left": 0}
    with use_language("de"):
        assert describe_period(period) == (
            "Vom 28. Februar 2026 bis zum 31. März 2026 ging der CPI der laufenden Projekte von 0,94 auf 0,91 "
            "(-0,027) und der SPI von 0,94 auf 0,94 (+0,005). Über die 2 in beiden Perioden gezählten Projekte "
            "veränderte sich der CPI um -0,004 und der SPI um -0,004 (1 Projekt hinzugekommen, 0 ausgeschieden). "
            "Rot 0 → 1, gelb 1 → 1, grün 1 → 1.")
        assert describe_movement({"worsened": 1, "improved": 0, "check estimate": 1, "unchanged": 0, "new": 0,
                                  "not rated": 1}) == (
            "Ampel seit dem vorherigen Bericht: 1 verschlechtert, 0 verbessert, 1 zwischen grün und „Schätzung "
            "prüfen“ gewechselt, 0 unverändert, 0 neu, 1 nicht bewertet (kein Index).")


def test_codes_in_a_table_are_words_of_the_language_and_stay_codes_in_the_data():
    frame = pd.DataFrame({"rag": ["amber", "check estimate", "closed"], "status": ["on_hold", "active", "closed"],
                          "verdict": ["reported greener", "agrees", "not comparable"], "name": ["red", "x", "y"]})
    with use_language("de"):
        table = shown(frame)
        reasons = reasons_in_words(pd.DataFrame({"reason": ["over budget", "mandatory", "someone's own"]}))
        assert area_word("resources") == "Ressourcen"
        assert check_word("milestone_forecast_passed") == "Meilensteinprognose verstrichen"
        assert report_date(pd.Timestamp("2026-09-30")) == "30. September 2026"
        assert first_of("Nötige Entscheidungen", 15, 37) == (
            "Nötige Entscheidungen: die ersten 15 von 37 (pmo-workbench portfolio --format json listet alle auf)")
    assert table.to_dict("list") == {"rag": ["gelb", "Schätzung prüfen", "abgeschlossen"],
                                     "status": ["pausiert", "aktiv", "abgeschlossen"],
                                     "verdict": ["grüner gemeldet", "stimmt überein", "nicht vergleichbar"],
                                     "name": ["red", "x", "y"]}   # names are data: never translated
    assert reasons["reason"].tolist() == ["passt nicht ins verbleibende Budget", "verpflichtend", "someone's own"]
    assert frame["rag"].tolist() == ["amber", "check estimate", "closed"]   # the input is left as it was


# --- English as it always read ---------------------------------------------------------------------

def test_english_is_unchanged():
    frame = pd.DataFrame({"rag": ["amber"], "status": ["on_hold"]})
    with use_language("en"):
        assert budget_verdict(-1_250_000) == "overrun its budget by 1.2m"
        assert LateLinks(pd.DataFrame({"days_late": [7.0]}), 1, MAY).summary().startswith(
            "1 of 1 dated link between open projects is late at the status date 2026-05-31: ")
        assert risk_summary(_ordinal_risks(1, 0, 2, 3.0)).startswith(
            "1 open threat (0 in the red zone) and 2 open opportunities. ")
        assert shown(frame).iloc[0].tolist() == ["amber", "on_hold"]
        assert area_word("data") == "Data"
        assert check_word("milestone_forecast_passed") == "milestone forecast passed"
