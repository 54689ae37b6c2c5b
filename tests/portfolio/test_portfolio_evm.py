"""Earned value, earned schedule, RAG and the roll-up against numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.portfolio.evm import EVM_COLUMNS, ROLLUP_KEYS, earned_schedule, earned_value, rag, rollup
from pmo_workbench.portfolio.model import EAC_METHODS, Thresholds

from tests.helpers import projects_frame as projects

NAN = math.nan


def baseline(rows: dict[str, list[tuple[str, float]]]) -> pd.DataFrame:
    """``{project_id: [(period_end, cumulative_pv), ...]}`` as a baseline frame."""
    records = [(pid, end, pv) for pid, periods in rows.items() for end, pv in periods]
    frame = pd.DataFrame(records, columns=["project_id", "period_end", "cumulative_pv"])
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    frame["cumulative_pv"] = frame["cumulative_pv"].astype(float)
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


# Four monthly periods from a 2024-01-01 start. Period lengths in days between the boundaries
# 01-01 | 01-31 | 02-29 | 03-31 | 04-30: 30, 29, 31, 30.
FOUR_MONTHS = [("2024-01-31", 100.0), ("2024-02-29", 250.0), ("2024-03-31", 400.0), ("2024-04-30", 500.0)]


def one(frame: pd.DataFrame, project_id: str = "P-001") -> pd.Series:
    return frame.set_index("project_id").loc[project_id]


# -- RAG -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("index", "expected"),
    [
        # inside green 0.95..1.05, boundaries included
        (1.0, "green"), (0.95, "green"), (1.05, "green"),
        # amber 0.90..0.95 and 1.05..1.10, the outer boundaries included
        (0.9499, "amber"), (0.90, "amber"), (1.0501, "amber"), (1.10, "amber"),
        # red below the amber band; above it an under-run that questions the estimate, neither red nor green
        (0.8999, "red"), (0.0, "red"), (1.1001, "check estimate"), (2.5, "check estimate"),
        # missing
        (NAN, None), (None, None),
    ],
)
def test_rag_default_bands(index, expected):
    assert rag(index) == expected


def test_rag_boundary_reached_by_arithmetic_is_still_green():
    # 0.95 computed as 1 - 0.05 is 0.9500000000000001 or 0.95 depending on the operation; 19/20 exactly 0.95
    assert rag(19 / 20) == "green"
    assert rag(1 - 0.05) == "green"
    assert rag(0.1 * 9.5) == "green"  # 0.9500000000000001 in floating point


@pytest.mark.parametrize(
    ("index", "expected"),
    [(0.98, "amber"), (0.99, "green"), (1.01, "green"), (1.02, "amber"), (0.94, "amber"), (0.93, "red")],
)
def test_rag_custom_thresholds(index, expected):
    tight = Thresholds(green=(0.99, 1.01), amber=(0.94, 1.02))
    assert rag(index, tight) == expected


def test_rag_series_keeps_index_and_gives_none_for_nan():
    got = rag(pd.Series([1.0, 0.92, 0.5, NAN], index=["a", "b", "c", "d"]))
    assert list(got.index) == ["a", "b", "c", "d"]
    assert got.tolist() == ["green", "amber", "red", None]
    assert got["d"] is None


# -- earned schedule, the scalar reference -------------------------------------

@pytest.mark.parametrize(
    ("period_pv", "ev", "expected"),
    [
        # cumulative PV 100, 250, 400, 500 (PV_0 = 0)
        (FOUR_MONTHS, 0.0, 0.0),          # C = 0: 0 + (0 - 0)/(100 - 0)
        (FOUR_MONTHS, 50.0, 0.5),         # C = 0: 0 + 50/100
        (FOUR_MONTHS, 100.0, 1.0),        # C = 1: 1 + (100 - 100)/(250 - 100)
        (FOUR_MONTHS, 325.0, 2.5),        # C = 2: 2 + (325 - 250)/(400 - 250) = 2 + 75/150
        (FOUR_MONTHS, 475.0, 3.75),       # C = 3: 3 + (475 - 400)/(500 - 400)
        (FOUR_MONTHS, 500.0, 4.0),        # EV = final PV -> number of periods
        (FOUR_MONTHS, 650.0, 4.0),        # EV beyond the final PV -> number of periods
        # flat stretches: PV 0, 0, 100 and EV 0 -> C = 2 (both zero periods are <= 0): 2 + 0/100
        ([("a", 0.0), ("b", 0.0), ("c", 100.0)], 0.0, 2.0),
        # PV 100, 100, 200 and EV 150 -> C = 2: 2 + (150 - 100)/(200 - 100)
        ([("a", 100.0), ("b", 100.0), ("c", 200.0)], 150.0, 2.5),
        # undefined
        (FOUR_MONTHS, NAN, NAN),
        ([], 10.0, NAN),
    ],
)
def test_earned_schedule_reference(period_pv, ev, expected):
    got = earned_schedule([pv for _, pv in period_pv], ev)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected)


# -- earned value per project --------------------------------------------------

@pytest.mark.parametrize(
    ("method", "eac"),
    [
        # BAC 1000, PV 500, EV 400, AC 500 -> CPI = 400/500 = 0.8, SPI = 400/500 = 0.8
        ("typical", 1250.0),          # BAC/CPI = 1000/0.8
        ("atypical", 1100.0),         # AC + (BAC - EV) = 500 + 600
        ("cost_schedule", 1437.5),    # AC + (BAC - EV)/(CPI*SPI) = 500 + 600/0.64 = 500 + 937.5
    ],
)
def test_earned_value_formulas(method, eac):
    got = one(earned_value(projects({}), as_of="2024-06-30", eac_method=method))
    assert got.cv == -100.0          # EV - AC = 400 - 500
    assert got.sv == -100.0          # EV - PV = 400 - 500
    assert got.cpi == pytest.approx(0.8)
    assert got.spi == pytest.approx(0.8)
    assert got.eac == pytest.approx(eac)
    assert got.etc == pytest.approx(eac - 500.0)    # EAC - AC
    assert got.vac == pytest.approx(1000.0 - eac)   # BAC - EAC
    assert got.tcpi == pytest.approx(1.2)           # (BAC - EV)/(BAC - AC) = 600/500


@pytest.mark.parametrize(
    ("row", "method", "expected"),
    [
        # AC = 0: CPI undefined, so typical and cost-and-schedule EAC, ETC and VAC are too
        ({"ac": 0.0}, "typical", {"cpi": NAN, "eac": NAN, "etc": NAN, "vac": NAN, "tcpi": 0.6}),  # 600/1000
        ({"ac": 0.0}, "cost_schedule", {"cpi": NAN, "eac": NAN}),
        # atypical needs no index: 0 + (1000 - 400) = 600
        ({"ac": 0.0}, "atypical", {"cpi": NAN, "eac": 600.0, "etc": 600.0, "vac": 400.0}),
        # PV = 0: SPI undefined; typical EAC still 1000/0.8; cost-and-schedule undefined
        ({"pv": 0.0}, "typical", {"spi": NAN, "sv": 400.0, "eac": 1250.0}),
        ({"pv": 0.0}, "cost_schedule", {"spi": NAN, "eac": NAN}),
        # EV = 0 with AC > 0: CPI = 0, so BAC/CPI is a division by zero
        ({"ev": 0.0}, "typical", {"cpi": 0.0, "eac": NAN, "etc": NAN}),
        # BAC = AC: TCPI has no remaining budget to divide by
        ({"bac": 500.0}, "typical", {"tcpi": NAN}),
        # missing values propagate as NaN
        ({"bac": NAN}, "typical", {"eac": NAN, "vac": NAN, "tcpi": NAN, "cpi": 0.8}),
        ({"ev": NAN}, "typical", {"cv": NAN, "cpi": NAN, "spi": NAN, "eac": NAN}),
    ],
)
def test_null_divisors_give_nan_not_inf(row, method, expected):
    frame = earned_value(projects(row), as_of="2024-06-30", eac_method=method)
    got = one(frame)
    for column, value in expected.items():
        if math.isnan(value):
            assert math.isnan(got[column]), column
        else:
            assert got[column] == pytest.approx(value), column
    numbers = frame.select_dtypes("number").to_numpy(dtype=float)
    assert not np.isinf(numbers).any()


@pytest.mark.parametrize("function", ["earned_value", "rollup"])
def test_unknown_eac_method_lists_the_methods(function):
    with pytest.raises(ValueError, match="typical, atypical, cost_schedule"):
        if function == "earned_value":
            earned_value(projects({}), as_of="2024-06-30", eac_method="average")
        else:
            rollup(projects({}), eac_method="average")
    assert EAC_METHODS == ("typical", "atypical", "cost_schedule")


def test_columns_order_and_inputs_untouched():
    frame = projects({"project_id": "B"}, {"project_id": "A"}, {"project_id": "C"})
    base = baseline({"A": FOUR_MONTHS})
    before, before_base = frame.copy(), base.copy()
    got = earned_value(frame, base, as_of="2024-03-31")
    assert tuple(got.columns) == EVM_COLUMNS
    assert got["project_id"].tolist() == ["B", "A", "C"]
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(base, before_base)


def test_empty_projects():
    got = earned_value(projects({}).iloc[:0], baseline({"P-001": FOUR_MONTHS}), as_of="2024-03-31")
    assert got.empty
    assert tuple(got.columns) == EVM_COLUMNS


# -- earned schedule in earned_value -------------------------------------------

@pytest.mark.parametrize(
    ("as_of", "at"),
    [
        ("2023-12-15", 0.0),              # before start
        ("2024-01-01", 0.0),              # at start: nothing elapsed
        ("2024-01-16", 0.5),              # 15 of period 1's 30 days
        ("2024-01-31", 1.0),              # a period end gives a whole number
        ("2024-02-29", 2.0),
        ("2024-03-16", 2 + 16 / 31),      # 2 periods + 16 of the 31 days from 02-29 to 03-31
        ("2024-04-30", 4.0),              # the last period end
        ("2024-05-15", 4.5),              # beyond: 15 days of the last period's 30 -> 4 + 15/30
        ("2024-06-29", 6.0),              # 60 days beyond -> 4 + 60/30
    ],
)
def test_actual_time(as_of, at):
    got = one(earned_value(projects({}), baseline({"P-001": FOUR_MONTHS}), as_of=as_of))
    assert got["at"] == pytest.approx(at)
    assert got.planned_duration == 4


def test_earned_schedule_indices_for_a_late_project():
    # EV 325 against cumulative PV 100, 250, 400, 500 -> ES = 2 + 75/150 = 2.5 (see the reference test).
    # At 2024-03-31, AT = 3: SPI(t) = 2.5/3 = 0.8333 (red); SV(t) = 2.5 - 3 = -0.5 periods;
    # IEAC(t) = PD / SPI(t) = 4 / (2.5/3) = 4.8 periods. PV 400 -> SPI = 325/400 = 0.8125; AC 325 -> CPI 1.
    frame = projects({"pv": 400.0, "ev": 325.0, "ac": 325.0})
    got = one(earned_value(frame, baseline({"P-001": FOUR_MONTHS}), as_of="2024-03-31"))
    assert got.es == pytest.approx(2.5)
    assert got["at"] == pytest.approx(3.0)
    assert got.spi_t == pytest.approx(2.5 / 3)
    assert got.sv_t == pytest.approx(-0.5)
    assert got.planned_duration == 4
    assert got.forecast_duration == pytest.approx(4.8)
    assert got.schedule_index == "spi_t"
    assert (got.rag_cost, got.rag_schedule, got.rag) == ("green", "red", "red")


def test_spi_drifts_to_one_at_completion_but_spi_t_does_not():
    # Finished 15 days into a fifth month: EV = PV = BAC = 500, so SPI = 1 (green), but
    # ES = 4 (all periods earned) and AT = 4 + 15/30 = 4.5 -> SPI(t) = 4/4.5 = 0.889 (red).
    frame = projects({"bac": 500.0, "pv": 500.0, "ev": 500.0, "ac": 500.0})
    got = one(earned_value(frame, baseline({"P-001": FOUR_MONTHS}), as_of="2024-05-15"))
    assert got.spi == 1.0
    assert got.spi_t == pytest.approx(4 / 4.5)
    assert got.rag_schedule == "red"
    assert rag(got.spi) == "green"


def test_not_started_has_no_spi_t_and_falls_back_to_spi():
    # as_of = start -> AT = 0 -> SPI(t) undefined; the schedule rating uses SPI = 400/500 = 0.8 (red)
    got = one(earned_value(projects({}), baseline({"P-001": FOUR_MONTHS}), as_of="2024-01-01"))
    assert got["at"] == 0.0
    assert math.isnan(got.spi_t)
    assert math.isnan(got.forecast_duration)
    assert got.schedule_index == "spi"
    assert got.rag_schedule == "red"


def test_projects_without_baseline_rows_get_nan_schedule():
    frame = projects({"project_id": "A", "pv": 400.0, "ev": 325.0}, {"project_id": "B"})
    # rows for an unknown project are ignored
    got = earned_value(frame, baseline({"A": FOUR_MONTHS, "ZZZ": FOUR_MONTHS}), as_of="2024-03-31")
    b = one(got, "B")
    for column in ("es", "at", "spi_t", "sv_t", "planned_duration", "forecast_duration"):
        assert math.isnan(b[column]), column
    assert b.schedule_index == "spi"
    assert one(got, "A").es == pytest.approx(2.5)
    # no baseline at all
    none = earned_value(frame, None, as_of="2024-03-31")
    assert none["es"].isna().all()
    assert none["schedule_index"].tolist() == ["spi", "spi"]


def test_baseline_order_does_not_matter():
    frame = projects({"project_id": "A", "pv": 400.0, "ev": 325.0}, {"project_id": "B", "ev": 120.0})
    base = baseline({"A": FOUR_MONTHS, "B": FOUR_MONTHS})
    shuffled = base.sample(frac=1.0, random_state=3)
    a = earned_value(frame, base, as_of="2024-03-16")
    b = earned_value(frame, shuffled, as_of="2024-03-16")
    pd.testing.assert_frame_equal(a, b)
    # B: EV 120 -> C = 1: 1 + (120 - 100)/(250 - 100) = 1 + 20/150
    assert one(a, "B").es == pytest.approx(1 + 20 / 150)


# -- RAG per project -----------------------------------------------------------

@pytest.mark.parametrize(
    ("pv", "ev", "ac", "rag_cost", "rag_schedule", "health"),
    [
        (100.0, 100.0, 100.0, "green", "green", "green"),  # CPI 1, SPI 1
        (100.0, 93.0, 93.0, "green", "amber", "amber"),    # CPI 1, SPI 0.93
        (100.0, 100.0, 117.0, "red", "green", "red"),      # CPI 100/117 = 0.855, SPI 1
        (100.0, 92.0, 100.0, "amber", "amber", "amber"),   # CPI 0.92, SPI 0.92
        (100.0, 92.0, 0.0, None, "amber", "amber"),        # CPI undefined is ignored
        (0.0, 100.0, 100.0, "green", None, "green"),       # SPI undefined is ignored
        (0.0, 100.0, 0.0, None, None, None),               # both undefined
        (100.0, 108.0, 100.0, "amber", "amber", "amber"),  # CPI 1.08, SPI 1.08: ahead is amber too
    ],
)
def test_project_health_is_the_worse_of_cost_and_schedule(pv, ev, ac, rag_cost, rag_schedule, health):
    got = one(earned_value(projects({"pv": pv, "ev": ev, "ac": ac}), as_of="2024-06-30"))
    assert (got.rag_cost, got.rag_schedule, got.rag) == (rag_cost, rag_schedule, health)


def test_custom_thresholds_apply():
    # CPI 0.97: green by default, amber with a tight green band of 0.99..1.01
    frame = projects({"pv": 97.0, "ev": 97.0, "ac": 100.0})
    assert one(earned_value(frame, as_of="2024-06-30")).rag_cost == "green"
    tight = Thresholds(green=(0.99, 1.01), amber=(0.90, 1.10))
    assert one(earned_value(frame, as_of="2024-06-30", thresholds=tight)).rag_cost == "amber"


# -- overdue and late forecast -------------------------------------------------

@pytest.mark.parametrize(
    ("status", "finish", "forecast", "overdue", "late"),
    [
        ("active", "2024-06-29", None, True, False),          # in flight, planned finish before as_of
        ("on_hold", "2024-01-31", "2024-01-31", True, False),
        ("active", "2024-06-30", None, False, False),         # finish on the status date is not overdue
        ("closed", "2024-03-31", None, False, False),         # closed is not overdue
        ("proposed", "2024-03-31", None, False, False),
        ("active", "2024-09-30", "2024-10-31", False, True),  # forecast after planned finish
        ("active", "2024-09-30", "2024-08-31", False, False),
    ],
)
def test_overdue_and_late_forecast(status, finish, forecast, overdue, late):
    row = {"status": status, "finish": finish, "forecast_finish": forecast}
    got = one(earned_value(projects(row), as_of="2024-06-30"))
    assert bool(got.overdue) is overdue
    assert bool(got.late_forecast) is late


def test_late_forecast_false_without_the_column():
    frame = projects({}).drop(columns="forecast_finish")
    assert not earned_value(frame, as_of="2024-06-30")["late_forecast"].any()


# -- vectorised earned schedule against the scalar reference -------------------

def _reference_at(start: pd.Timestamp, ends: list[pd.Timestamp], as_of: pd.Timestamp) -> float:
    """AT as defined (whole periods plus the elapsed fraction), one project at a time."""
    if as_of < start:
        return 0.0
    bounds = [start, *ends]
    done = sum(1 for e in ends if e <= as_of)
    if done < len(ends):
        lo, hi = bounds[done], bounds[done + 1]
        return done + (as_of - lo) / (hi - lo)
    length = bounds[-1] - bounds[-2]
    return len(ends) + (as_of - bounds[-1]) / length


def test_vectorised_earned_schedule_matches_the_reference_on_a_random_portfolio():
    rng = np.random.default_rng(20240630)
    n = 400
    starts = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    periods = rng.integers(1, 37, n)
    rows, expected_es, expected_at = [], [], []
    as_of = pd.Timestamp("2024-06-30")
    evs = []
    for i in range(n):
        # monthly period ends after the start, cumulative PV with some flat stretches
        ends = list(pd.date_range(starts[i] + pd.Timedelta(days=int(rng.integers(5, 40))), periods=periods[i],
                                  freq="MS") - pd.Timedelta(days=1))
        steps = rng.choice([0.0, 10.0, 25.0, 40.0], size=periods[i])
        cumulative = np.cumsum(steps)
        kind = rng.integers(0, 5)
        ev = [0.0, float(cumulative[-1]) * rng.uniform(0, 1), float(cumulative[-1]) + 5.0,
              float(cumulative[rng.integers(0, periods[i])]), NAN][kind]
        evs.append(ev)
        rows += [(f"P{i:04d}", end, pv) for end, pv in zip(ends, cumulative)]
        expected_es.append(earned_schedule(cumulative, ev))
        expected_at.append(_reference_at(starts[i], ends, as_of))
    frame = projects(*({"project_id": f"P{i:04d}", "start": starts[i], "ev": evs[i]} for i in range(n)))
    base = pd.DataFrame(rows, columns=["project_id", "period_end", "cumulative_pv"]).sample(frac=1.0,
                                                                                              random_state=1)
    got = earned_value(frame, base, as_of=as_of)
    np.testing.assert_allclose(got["es"], expected_es, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(got["at"], expected_at, rtol=1e-12, equal_nan=True)
    es, at = np.array(expected_es), np.array(expected_at)
    with np.errstate(divide="ignore", invalid="ignore"):
        spi_t = np.where(at > 0, es / at, np.nan)
    np.testing.assert_allclose(got["spi_t"], spi_t, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(got["sv_t"], es - at, rtol=1e-12, atol=1e-12, equal_nan=True)
    np.testing.assert_array_equal(got["planned_duration"], periods.astype(float))
    # the sample covers unstarted projects, projects within their baseline and beyond its last period
    assert got["at"].eq(0).any()
    assert (got["at"].gt(0) & got["at"].lt(got["planned_duration"])).any()
    assert got["at"].gt(got["planned_duration"]).any()


# -- roll-up -------------------------------------------------------------------

ROLLUP_CASE = (
    # A active: CPI 90/100 = 0.9; B on hold: CPI 50/25 = 2.0; C proposed and D cancelled are left out
    {"project_id": "A", "status": "active", "pv": 100.0, "ev": 90.0, "ac": 100.0, "bac": 200.0},
    {"project_id": "B", "status": "on_hold", "pv": 50.0, "ev": 50.0, "ac": 25.0, "bac": 50.0},
    {"project_id": "C", "status": "proposed", "pv": 0.0, "ev": 0.0, "ac": 10.0, "bac": 1000.0},
    {"project_id": "D", "status": "cancelled", "pv": 80.0, "ev": 20.0, "ac": 70.0, "bac": 300.0},
)


def test_rollup_computes_indices_from_sums():
    got = rollup(projects(*ROLLUP_CASE))
    # sums over A and B: PV 150, EV 140, AC 125, BAC 250
    assert (got["pv"], got["ev"], got["ac"], got["bac"]) == (150.0, 140.0, 125.0, 250.0)
    assert got["cv"] == 15.0                          # 140 - 125
    assert got["sv"] == -10.0                         # 140 - 150
    assert got["cpi"] == pytest.approx(1.12)          # 140/125
    assert got["spi"] == pytest.approx(140 / 150)
    # EAC is the sum of the project EACs, A 200/0.9 = 222.22 and B 50/2.0 = 25; BAC/CPI of the sums beside it
    assert got["eac"] == pytest.approx(200 / 0.9 + 25)  # 247.22
    assert got["eac_index"] == pytest.approx(250 / 1.12)  # 223.21
    assert got["etc"] == pytest.approx(200 / 0.9 + 25 - 125)
    assert got["vac"] == pytest.approx(250 - (200 / 0.9 + 25))
    assert got["tcpi"] == pytest.approx(0.88)         # (250 - 140)/(250 - 125) = 110/125
    assert (got["projects"], got["excluded"]) == (2, 0)   # C and D are not rolled up, not left out
    # the mean of the project CPIs, (0.9 + 2.0)/2 = 1.45, is not the portfolio's CPI
    assert got["cpi"] != pytest.approx((0.9 + 2.0) / 2)


@pytest.mark.parametrize(
    ("method", "eac", "eac_index"),
    [
        # A 200/0.9 = 222.22, B 50/2 = 25; the sums: 250/1.12
        ("typical", 200 / 0.9 + 25, 250 / 1.12),
        # A 100 + 110 = 210, B 25 + 0 = 25; the sums 125 + (250 - 140): the same, as the formula is linear
        ("atypical", 235.0, 235.0),
        # A 100 + 110/(0.9 x 0.9) = 235.80, B 25 + 0 = 25; the sums 125 + 110/(1.12 x 140/150) = 230.23
        ("cost_schedule", 100 + 110 / 0.81 + 25, 125 + 110 / (1.12 * (140 / 150))),
    ],
)
def test_rollup_eac_methods(method, eac, eac_index):
    got = rollup(projects(*ROLLUP_CASE), eac_method=method)
    assert (got["eac"], got["eac_index"]) == (pytest.approx(eac), pytest.approx(eac_index))


def test_rollup_accepts_the_earned_value_frame():
    frame = projects(*ROLLUP_CASE)
    assert rollup(earned_value(frame, as_of="2024-06-30")) == rollup(frame)


@pytest.mark.parametrize(
    ("rows", "none_keys", "count"),
    [
        # nothing rolled up: every figure undefined
        ([{"status": "proposed"}], ["pv", "ev", "ac", "bac", "cv", "sv", "cpi", "spi", "eac", "etc", "vac",
                                    "tcpi"], 0),
        # AC sums to 0: CPI and the index-based EAC undefined; SPI 400/500 still defined, and the project's
        # own EAC, undefined too, counts at its BAC (eac_from_bac 1)
        ([{"ac": 0.0}], ["cpi", "eac_index"], 1),
        # PV sums to 0: SPI undefined
        ([{"pv": 0.0}], ["spi"], 1),
    ],
)
def test_rollup_undefined_is_none(rows, none_keys, count):
    got = rollup(projects(*rows))
    for key in none_keys:
        assert got[key] is None, key
    assert got["projects"] == count
    assert all(v is None or math.isfinite(v) for v in got.values())


# A project with a blank PV, EV, AC or BAC is left out of all four sums, so that every sum covers the same
# projects. A is complete, B has no BAC. Summing each column on its own gave
# AC 500 + 5000 = 5500 and CPI 4400/5500 = 0.8 against A's BAC alone, EAC 1000/0.8 = 1250: B's cost in EAC's
# CPI, B's budget nowhere.
COMPLETE = {"project_id": "A", "bac": 1000.0, "pv": 500.0, "ev": 400.0, "ac": 500.0}
INCOMPLETE = {"project_id": "B", "bac": 9000.0, "pv": 5000.0, "ev": 4000.0, "ac": 5000.0}


@pytest.mark.parametrize(
    ("blank", "status", "excluded"),
    [
        # B active without BAC
        ("bac", "active", 1),
        # any one of the other three blank leaves B out just the same, on hold or closed alike
        ("pv", "active", 1),
        ("ev", "on_hold", 1),
        ("ac", "on_hold", 1),
        # closed projects are rolled up apart (statuses=CLOSED), so not "excluded" from this roll-up
        # proposed and cancelled projects are not rolled up at all, so they are not "excluded" either
        ("bac", "proposed", 0),
        ("ac", "cancelled", 0),
        ("ac", "closed", 0),
    ],
)
def test_rollup_sums_only_projects_with_pv_ev_ac_and_bac(blank, status, excluded):
    got = rollup(projects(COMPLETE, {**INCOMPLETE, "status": status, blank: NAN}))
    # A alone: PV 500, EV 400, AC 500, BAC 1000
    assert (got["pv"], got["ev"], got["ac"], got["bac"]) == (500.0, 400.0, 500.0, 1000.0)
    assert got["cpi"] == pytest.approx(0.8)            # 400/500
    assert got["spi"] == pytest.approx(0.8)            # 400/500
    assert got["eac"] == pytest.approx(1250.0)         # BAC/CPI = 1000/0.8, A's own EAC
    assert got["eac_index"] == pytest.approx(1250.0)   # one project: the same
    assert got["etc"] == pytest.approx(750.0)          # 1250 - 500
    assert got["vac"] == pytest.approx(-250.0)         # 1000 - 1250
    assert got["tcpi"] == pytest.approx(1.2)           # (1000 - 400)/(1000 - 500) = 600/500
    assert got["projects"] == 1
    assert got["excluded"] == excluded


def test_rollup_with_every_project_incomplete_is_undefined():
    # A has no AC, B no PV, C (proposed) is not rolled up: nothing to sum, two projects left out
    got = rollup(projects({**COMPLETE, "ac": NAN}, {**INCOMPLETE, "pv": NAN}, {"status": "proposed"}))
    assert [k for k in ("pv", "ev", "ac", "bac", "cv", "sv", "cpi", "spi", "eac", "etc", "vac", "tcpi")
            if got[k] is not None] == []
    assert (got["projects"], got["excluded"]) == (0, 2)


def test_rollup_keys():
    assert tuple(rollup(projects(*ROLLUP_CASE))) == ROLLUP_KEYS


def test_tcpi_is_missing_once_the_budget_is_spent_never_zero_or_negative():
    # closed: EV = BAC = 1000 and AC 1100, so the formula gives (1000 - 1000) / (1000 - 1100) = -0.0 (a table
    # printed "-0.00"), and over budget with work left it gives a negative ratio: no efficiency finishes within a
    # spent budget, so there is no TCPI to budget
    frame = earned_value(projects({"status": "closed", "ev": 1000.0, "pv": 1000.0, "ac": 1100.0}),
                         as_of="2024-12-31")
    def missing(value):
        return value is None or math.isnan(value)

    assert missing(rollup(frame, statuses=("closed",))["tcpi"]) and missing(one(frame)["tcpi"])
    left = earned_value(projects({"status": "active", "ev": 800.0, "pv": 900.0, "ac": 1100.0}), as_of="2024-12-31")
    assert missing(one(left)["tcpi"])
    under = earned_value(projects({"status": "active", "ev": 500.0, "pv": 600.0, "ac": 600.0}), as_of="2024-12-31")
    assert one(under)["tcpi"] == pytest.approx(500.0 / 400.0)  # (1000 - 500) / (1000 - 600)
