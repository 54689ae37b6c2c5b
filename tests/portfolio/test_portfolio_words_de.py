"""German portfolio words: "1 more" agreeing with its noun, the portfolio-level risk key, dates in tables."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pmo_workbench.i18n import use_language
from pmo_workbench.portfolio.actions import _listing
from pmo_workbench.portfolio.labels import shown
from pmo_workbench.portfolio.risk import NO_KEY, PORTFOLIO_KEY, key_word


def test_one_more_agrees_with_the_noun_in_german_and_english_is_unchanged():
    assert _listing(list("abcd")) == "a, b, c and 1 more"
    assert _listing(list("abcde"), kind="roles") == "a, b, c and 2 more"
    with use_language("de"):
        assert _listing(list("abcd")) == "a, b, c und 1 weiteres"
        assert _listing(list("abcde")) == "a, b, c und 2 weitere"
        assert _listing(list("abcd"), kind="milestones") == "a, b, c und 1 weiterer"
        assert _listing(list("abcd"), kind="roles") == "a, b, c und 1 weitere"


def test_portfolio_level_risks_are_named_in_the_reports_language():
    assert (key_word(PORTFOLIO_KEY), key_word(NO_KEY), key_word("P-1")) == ("(portfolio)", "(none)", "P-1")
    with use_language("de"):
        assert (key_word(PORTFOLIO_KEY), key_word(NO_KEY)) == ("(Portfolioebene)", "(keine Angabe)")


def test_table_dates_follow_the_prose_outside_english():
    frame = pd.DataFrame({"due": pd.to_datetime(["2026-03-16"]), "decided": [dt.date(2026, 12, 1)], "m": ["Go-live"]})
    with use_language("de"):
        assert shown(frame).iloc[0].tolist() == ["16.03.2026", "01.12.2026", "Go-live"]
    assert shown(frame).iloc[0, 0] == pd.Timestamp("2026-03-16")  # English tables keep their dates
