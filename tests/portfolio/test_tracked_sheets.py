"""The tracking sheets (status history, milestones, benefits, financials) and the currency column: bad input
is reported by sheet, row and column."""

from __future__ import annotations

import pytest

from pmo_workbench.portfolio.workbook import read_portfolio

from tests.portfolio.test_portfolio_workbook import FORMS, problems_of, projects
from tests.helpers import write_portfolio


@pytest.fixture(params=FORMS)
def form(request) -> str:
    return request.param


def test_a_currency_column_gives_the_portfolio_its_currency(tmp_path):
    path = write_portfolio(tmp_path, {"projects": projects({"currency": "gbp"}, {"currency": " GBP"},
                                                          {"currency": None})})
    portfolio = read_portfolio(path)
    assert portfolio.currency == "GBP"
    assert read_portfolio(write_portfolio(tmp_path / "none", {"projects": projects()})).currency is None


def test_an_unknown_or_second_currency_is_refused_at_its_row(tmp_path, form):
    path = write_portfolio(tmp_path, {"projects": projects({"currency": "EUR"}, {"currency": "pounds"},
                                                          {"currency": "USD"})}, form=form)
    assert problems_of(path) == [
        ("projects", 3, "currency", "'pounds' is not a currency code; expected an ISO 4217 code such as EUR, GBP "
                                    "or USD"),
        ("projects", 4, "currency", "'USD' differs from 'EUR' in row 2; expected one currency for the whole "
                                    "portfolio (convert the amounts first)"),
    ]


def test_status_history_problems_are_located(tmp_path, form):
    path = write_portfolio(tmp_path, {"projects": projects(), "status_history": [
        {"project_id": "ALPHA", "status_date": "2025-01-31", "ev": 10, "reported_rag": "green"},
        {"project_id": "ALPHA", "status_date": "2025-01-31", "ev": 12, "reported_rag": "blue"},
        {"project_id": "ALHPA", "status_date": "31/01/2025", "ev": -1, "reported_rag": None},
    ]}, form=form)
    assert problems_of(path) == [
        ("status_history", 3, "reported_rag", "'blue' is not a reported_rag; expected the RAG the project "
                                              "reported: green, amber, red or blank"),
        ("status_history", 3, "status_date", "project 'ALPHA' has a status report on 2025-01-31 again; first in "
                                             "row 2 (one report per project and date)"),
        ("status_history", 4, "ev", "'-1' is negative; expected the earned value to the status date in money "
                                    "(>= 0)"),
        ("status_history", 4, "project_id", "unknown project 'ALHPA': no such project_id in the projects sheet; "
                                            "did you mean 'ALPHA'?"),
        ("status_history", 4, "status_date", "'31/01/2025' is not a date; expected the date of the status report "
                                             "(YYYY-MM-DD)"),
    ]


def test_a_status_history_without_figures_or_rag_is_refused(tmp_path):
    path = write_portfolio(tmp_path, {"projects": projects(), "status_history": [
        {"project_id": "ALPHA", "status_date": "2025-01-31"}]})
    assert problems_of(path) == [
        ("status_history", 1, None, "no pv, ev, ac or reported_rag column; expected a project's earned value to "
                                    "each status date, the RAG it reported, or both")]


def test_milestone_benefit_and_financials_problems_are_located(tmp_path, form):
    path = write_portfolio(tmp_path, {"projects": projects(), "milestones": [
        {"project_id": "ALPHA", "milestone": "Go live", "planned": "2025-06-30", "gate": "maybe"},
        {"project_id": "ALPHA", "milestone": "go live ", "planned": None, "gate": None},
    ], "benefits": [
        {"project_id": None, "benefit": "Savings", "planned": "lots"},
        {"project_id": None, "benefit": "savings", "planned": 10},
    ], "financials": [
        {"project_id": "BETA", "month": "2025-13", "actual": 5},
        {"project_id": "BETA", "month": "2025-04", "actual": 5},
        {"project_id": "BETA", "month": "2025-04", "actual": 6},
    ]}, form=form)
    assert problems_of(path) == [
        ("benefits", 2, "planned", "'lots' is not a number; expected the planned benefit (a number >= 0) or blank"),
        ("benefits", 3, "benefit", "benefit 'Savings' appears again for the portfolio; first in row 2 (each "
                                   "benefit once per project)"),
        ("financials", 2, "month", "'2025-13' is not a real month (no such month or day); expected a month as YYYY-MM"),
        ("financials", 4, "month", "project 'BETA' has figures for 2025-04 again; first in row 3 (one row per "
                                   "project and month)"),
        ("milestones", 2, "gate", "'maybe' is not a yes/no value; expected true/false, yes/no, y/n, 1/0 or blank "
                                  "(= false): is it a stage gate?"),
        ("milestones", 3, "milestone", "project 'ALPHA' has milestone 'Go live' again; first in row 2 (each "
                                       "milestone once per project)"),
        ("milestones", 3, "planned", "missing planned; expected the planned date (YYYY-MM-DD)"),
    ]
