"""The rules the portfolio report applies, once written in its notebook, now tested functions: the schedule index
it shows, worst-first order, the budget verdict, what a selection changes and the normalised criteria weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.portfolio import budget_verdict, normalised_weights, selection_changes, worst_first
from pmo_workbench.portfolio.actions import reasons_in_words
from pmo_workbench.portfolio.evm import earned_value
from pmo_workbench.portfolio.selection import Selection
from tests.helpers import projects_frame


def test_schedule_is_spi_t_where_a_baseline_gives_it_else_spi():
    projects = projects_frame({"project_id": "P-1", "pv": 500.0, "ev": 400.0},   # SPI 0.8
                              {"project_id": "P-2", "pv": 500.0, "ev": 500.0})   # SPI 1.0
    # P-1's baseline: 100 a month from January; at 31 May (AT 5 periods) EV 400 was planned by end of April:
    # ES = 4, SPI(t) = 4 / 5 = 0.8 as well; P-2 has none, so it shows SPI.
    baseline = pd.DataFrame({"project_id": "P-1", "period_end": pd.date_range("2024-01-31", periods=12, freq="ME"),
                             "cumulative_pv": np.arange(1, 13) * 100.0, "source_row": range(2, 14)})
    evm = earned_value(projects, baseline, as_of="2024-05-31")
    assert evm["schedule_index"].tolist() == ["spi_t", "spi"]
    assert evm["schedule"].round(4).tolist() == [0.8, 1.0]


def test_worst_first_takes_in_flight_projects_red_amber_green_then_no_index_by_vac():
    evm = pd.DataFrame({
        "project_id": ["g", "r1", "closed", "a", "none", "r2"],
        "status": ["active", "active", "closed", "on_hold", "active", "active"],
        "rag": ["green", "red", "red", None, None, "red"],
        "vac": [10.0, -5.0, -100.0, 0.0, 3.0, -50.0],
    })
    evm.loc[3, "rag"] = "amber"
    assert worst_first(evm)["project_id"].tolist() == ["r2", "r1", "a", "g", "none"]


@pytest.mark.parametrize("vac, verdict", [
    (-1_250_000.0, "overrun its budget by 1.2m"),   # money() rounds 1.25m to one decimal
    (-0.4, "finish on budget"),
    (0.0, "finish on budget"),
    (300_000.0, "finish 300k under budget"),
    (None, None),
    (float("nan"), None),
])
def test_budget_verdict(vac, verdict):
    assert budget_verdict(vac) == verdict


def test_normalised_weights_sum_to_one_and_leave_the_input_alone():
    criteria = pd.DataFrame({"criterion": ["fit", "risk", "cost"], "weight": [3.0, 1.0, 4.0]})
    weights = normalised_weights(criteria)
    assert weights["weight"].tolist() == [0.375, 0.125, 0.5]
    assert criteria["weight"].tolist() == [3.0, 1.0, 4.0]


def test_selection_changes_are_new_starts_and_projects_under_way_left_out():
    projects = pd.DataFrame({
        "project_id": ["new-in", "new-out", "run-in", "run-out", "unvalued", "held-out"],
        "status": ["proposed", "proposed", "active", "active", "active", "on_hold"],
        "selected": [True, False, True, False, False, False],
        "value": [5.0, 9.0, 7.0, 4.0, 0.0, 6.0],
        "reason": ["selected", "over budget", "selected", "lower value", "no value", "lower value"],
    })
    selection = Selection("optimal", 100.0, ("new-in", "run-in"), 80.0, 12.0, projects)
    changes = selection_changes(selection, unvalued=("unvalued",))
    # Funded first (by value), then the rest by value: a proposal not funded and a funded one under way change nothing.
    assert changes["project_id"].tolist() == ["new-in", "held-out", "run-out", "unvalued"]
    assert changes.set_index("project_id").at["unvalued", "reason"] == "no value given"


def test_a_project_left_out_for_cost_does_not_fit_the_remaining_budget_rather_than_being_over_budget():
    projects = pd.DataFrame({"project_id": ["a", "b"], "reason": ["over budget", "lower value"]})
    worded = reasons_in_words(projects)
    assert worded["reason"].tolist() == ["does not fit the remaining budget", "lower value"]
    assert projects["reason"].tolist() == ["over budget", "lower value"]   # the input is left alone
