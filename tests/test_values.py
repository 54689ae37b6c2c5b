"""The package's one rule for missing values, numbers and money, and the control characters a name may not hold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmo_workbench import _values

from pmo_workbench._values import (
    CONTROL,
    CONTROL_IN_PROSE,
    MISSING,
    control_message,
    fmt,
    is_missing,
    jsonable,
    money,
    money_heading,
    project_label,
)


@pytest.mark.parametrize("value, missing", [(None, True), (pd.NA, True), (pd.NaT, True), (float("nan"), True),
                                            (np.float64("inf"), True), (0.0, False), ("", False), (False, False)])
def test_is_missing(value, missing):
    assert is_missing(value) is missing


@pytest.mark.parametrize("value, text", [(72.345, "72.3"), (None, MISSING), (np.nan, MISSING), ("7", MISSING)])
def test_fmt_shows_one_missing_marker(value, text):
    assert fmt(value) == text


@pytest.mark.parametrize("value, currency, full, text", [
    # no currency: plain compact numbers, as before a workbook named one
    (1_250_001, None, False, "1.3m"), (-2_500, None, False, "-2.5k"), (999, None, False, "999"),
    (None, None, False, MISSING), (None, "GBP", False, MISSING),
    # the symbol from Babel, one decimal at most in the largest unit, ".0" dropped
    (49_312_000, "GBP", False, "£49.3m"), (1_200_000_000, "EUR", False, "€1.2bn"), (850_000, "GBP", False, "£850k"),
    (40_000_000, "GBP", False, "£40m"), (-2_500_000, "EUR", False, "-€2.5m"), (950, "USD", False, "$950"),
    # 999,960 is 999.96k, which rounds to 1,000.0k: written 1m instead
    (999_960, "GBP", False, "£1m"),
    # a code without a symbol of its own is written before the amount
    (1_500_000, "CHF", False, "CHF 1.5m"),
    # full amounts for tables: whole units, thousands separated
    (49_312_000.4, "GBP", True, "£49,312,000"), (-1234.5, None, True, "-1,234"), (-0.4, "GBP", True, "£0"),
])
def test_money(value, currency, full, text):
    assert money(value, currency, full=full) == text


def test_money_heading_and_project_label():
    assert money_heading("BAC", "EUR") == "BAC (€)" and money_heading("BAC", None) == "BAC"
    assert project_label("P-1", "Payroll") == "P-1 — Payroll" and project_label("P-1", float("nan")) == "P-1"


def test_jsonable_turns_numpy_and_missing_into_json():
    assert jsonable({"a": np.int64(2), "b": [np.nan, np.float32(0.5)], "c": pd.Timestamp("2026-01-02 10:30")}) == {
        "a": 2, "b": [None, 0.5], "c": "2026-01-02T10:30:00"}


@pytest.mark.parametrize("text, pattern, found", [
    ("Acme\x00", CONTROL, "U+0000 at position 5"),
    ("Org\x9b31m", CONTROL, "U+009B at position 4"),    # C1: the 8-bit CSI a terminal obeys
    ("a\x85b", CONTROL_IN_PROSE, "U+0085 at position 2"),  # NEL is no line break the package accepts
    ("line one\nline two\tok", CONTROL_IN_PROSE, None),
    ("Café Zürich", CONTROL, None),
])
def test_control_characters_c0_del_and_c1(text, pattern, found):
    message = control_message("name", text, pattern)
    assert (message is None) if found is None else (found in message)


# -- locale -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "en_gb", "de_de"), [
    # today's English output is kept; German writes its own separators, spacing and currency placement
    (lambda loc: _values.fmt(1234.56, 1, thousands=True, locale=loc), "1,234.6", "1.234,6"),
    (lambda loc: _values.fmt(72.345, locale=loc), "72.3", "72,3"),
    (lambda loc: _values.fmt(None, locale=loc), "–", "–"),
    (lambda loc: _values.percent(0.125, 1, locale=loc), "12.5%", "12,5 %"),
    (lambda loc: _values.money(49_312_000, "GBP", locale=loc), "£49.3m", "49,3 Mio. £"),
    (lambda loc: _values.money(49_312_000.4, "EUR", full=True, locale=loc), "€49,312,000", "49.312.000 €"),
    (lambda loc: _values.money(-2_500, "USD", locale=loc), "-$2.5k", "-2500 $"),
    (lambda loc: _values.money(850, None, locale=loc), "850", "850"),
])
def test_numbers_in_a_locale(call, en_gb, de_de):
    assert call("en_GB") == en_gb and call(None) == en_gb
    assert call("de_DE").replace("\xa0", " ") == de_de


def test_use_locale_sets_the_default_and_restores_it():
    assert _values.number_locale() == "en_GB"
    with _values.use_locale("fr_FR") as chosen:
        assert chosen == "fr_FR" and _values.fmt(2.5).replace("\u202f", " ") == "2,5"
    assert _values.number_locale() == "en_GB" and _values.fmt(2.5) == "2.5"
    with pytest.raises(ValueError, match="unknown locale 'xx_YY'; expected a locale such as en_GB"):
        with _values.use_locale("xx_YY"):
            pass


def test_set_locale_holds_for_the_rest_of_the_report_and_a_block_still_wins():
    try:
        assert _values.set_locale("de_DE") == "de_DE"
        assert _values.fmt(1234.5, 1, thousands=True) == "1.234,5"  # no block needed: the report's locale
        with _values.use_locale("en_GB"):
            assert _values.fmt(1234.5, 1, thousands=True) == "1,234.5"
        assert _values.percent(0.5).replace("\xa0", " ") == "50 %"
        with pytest.raises(ValueError, match="unknown locale 'xx_YY'"):
            _values.set_locale("xx_YY")
        assert _values.number_locale() == "de_DE"  # a refused locale changes nothing
    finally:
        _values.set_locale(None)
    assert _values.number_locale() == "en_GB" and _values.fmt(1234.5, 1, thousands=True) == "1,234.5"


# -- the one date reader --------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "reason"), [
    # a time after the date is dropped only when it is a time: 25:00 or a 61st minute is no date
    ("2026-05-31T25:00:00", "is not a date"),
    ("2026-05-31 23:61", "is not a date"),
    ("2026-05-31T10:00:00+25:00", "is not a date"),
    # what a spreadsheet date cell before 1900 reads as
    ("00:00:00", "is a time of day, not a date (a spreadsheet date cell before 1900 reads as one)"),
    # a YAML list or mapping where one date belongs (was a TypeError: unhashable type)
    (["2026-05-31"], "is not a date"),
    ({"day": "2026-05-31"}, "is not a date"),
])
def test_read_dates_refuses_what_is_no_date(value, reason):
    dates, why = _values.read_dates(pd.Series(["2026-05-31", value, "2026-05-31"], dtype=object))
    assert why.tolist() == ["", reason, ""]
    assert dates.isna().tolist() == [False, True, False]


@pytest.mark.parametrize("value", ["2026-05-31T23:59:59.5+05:30", "2026-05-31 00:00:00", "2026-05-31T10:00Z",
                                   " 2026-05-31 "])
def test_read_dates_drops_a_real_time(value):
    dates, why = _values.read_dates(pd.Series([value], dtype=object))
    assert (dates.iat[0], why.iat[0]) == (pd.Timestamp("2026-05-31"), "")


def test_date_problem_of_a_list_says_its_value():
    assert _values.date_problem(["2026-05-31", "2026-06-01"]) == (
        None, "'[2026-05-31, 2026-06-01]' is not a date; expected a date as YYYY-MM-DD from 1950 to 2150")
