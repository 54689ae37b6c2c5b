"""The honest roll-up and the breakdowns by PMO, sponsor and category, against numbers worked out by hand."""

from __future__ import annotations

import pytest

from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.portfolio.breakdown import breakdown, pmo_trend, pmo_view, unattached_threats
from pmo_workbench.portfolio.evm import earned_value, rag, rollup
from pmo_workbench.portfolio.model import CLOSED, Thresholds

from tests.helpers import projects_frame as projects
from tests.reports.test_portfolio_report import SHEETS, write_folder

# Three projects, one closed:
# A active (PMO X): PV 100, EV 80, AC 100, BAC 400: CPI 0.8, SPI 0.8, EAC 400/0.8 = 500.
# B on hold (PMO Y): PV 200, EV 200, AC 160, BAC 300: CPI 1.25, SPI 1.0, EAC 300/1.25 = 240.
# C closed (PMO X): PV 100, EV 100, AC 120, BAC 100: SPI 1.0 by construction, CPI 0.8333.
TOY = (
    {"project_id": "A", "status": "active", "pmo": "X", "sponsor": "Sam", "pv": 100.0, "ev": 80.0, "ac": 100.0,
     "bac": 400.0},
    {"project_id": "B", "status": "on_hold", "pmo": "Y", "sponsor": "Kim", "pv": 200.0, "ev": 200.0, "ac": 160.0,
     "bac": 300.0},
    {"project_id": "C", "status": "closed", "pmo": "X", "sponsor": "Sam", "pv": 100.0, "ev": 100.0, "ac": 120.0,
     "bac": 100.0},
)


def test_headline_rolls_up_in_flight_work_only():
    got = rollup(projects(*TOY))
    # A + B: PV 300, EV 280, AC 260, BAC 700; SPI 280/300 = 0.9333 (with C it would be 380/400 = 0.95)
    assert (got["pv"], got["ev"], got["ac"], got["bac"]) == (300.0, 280.0, 260.0, 700.0)
    assert got["spi"] == pytest.approx(0.9333, abs=1e-4)
    assert got["cpi"] == pytest.approx(280 / 260)            # 1.0769
    assert got["projects"] == 2


def test_closed_work_has_its_own_totals():
    got = rollup(projects(*TOY), statuses=CLOSED)
    assert (got["bac"], got["ac"], got["spi"], got["projects"]) == (100.0, 120.0, 1.0, 1)
    assert got["cpi"] == pytest.approx(100 / 120)


def test_portfolio_eac_is_the_sum_of_project_eacs_with_the_index_forecast_beside_it():
    got = rollup(projects(*TOY))
    assert got["eac"] == pytest.approx(500 + 240)             # 740
    assert got["eac_index"] == pytest.approx(700 * 260 / 280)  # BAC / CPI = 650
    assert got["vac"] == pytest.approx(700 - 740)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        # green 0.9-1.2, amber 0.8-1.3: each edge belongs to the band nearer green
        (0.9, "green"), (1.2, "green"), (0.8999, "amber"), (0.8, "amber"), (1.2001, "amber"), (1.3, "amber"),
        (0.7999, "red"), (1.3001, "check estimate"),
    ],
)
def test_asymmetric_rag_at_its_band_edges(index, expected):
    assert rag(index, Thresholds(green=(0.9, 1.2), amber=(0.8, 1.3))) == expected


def test_closed_and_cancelled_projects_get_no_colour():
    frame = projects({"status": "closed"}, {"status": "cancelled"}, {"status": "active"})
    got = earned_value(frame, as_of="2024-06-30")  # CPI and SPI 0.8 each: red when in flight (below 0.90)
    assert got["rag"].tolist() == ["closed", "cancelled", "red"]
    assert got["rag_cost"].tolist()[:2] == [None, None] and got["rag_schedule"].tolist()[:2] == [None, None]
    assert got["schedule_basis"].tolist() == ["SPI", "SPI", "SPI"]


def test_worse_of_cost_and_schedule_puts_amber_before_check_estimate():
    # CPI 400/300 = 1.333 (check estimate), SPI 400/500 = 0.8 (red at the default bands: below 0.90)
    got = earned_value(projects({"ac": 300.0}, {"ac": 300.0, "pv": 430.0}), as_of="2024-06-30")
    # second: SPI 400/430 = 0.9302, amber
    assert got["rag"].tolist() == ["red", "amber"]


def test_breakdown_by_pmo_sums_each_pmos_projects():
    evm = earned_value(projects(*TOY), as_of="2024-06-30")
    got = breakdown(evm, "pmo").set_index("pmo")
    # X: A in flight (CPI 0.8, EAC 500) and C closed (BAC 100, AC 120); Y: B (CPI 1.25, EAC 240)
    assert (got.at["X", "projects"], got.at["X", "in_flight"], got.at["X", "closed"]) == (2, 1, 1)
    assert (got.at["X", "cpi"], got.at["X", "spi"], got.at["X", "eac"]) == (pytest.approx(0.8), 0.8, 500.0)
    assert (got.at["X", "closed_bac"], got.at["X", "closed_ac"]) == (100.0, 120.0)
    assert (got.at["Y", "cpi"], got.at["Y", "eac"], got.at["Y", "check_estimate"]) == (1.25, 240.0, 1)
    assert got.index.tolist() == ["X", "Y"]  # largest in-flight BAC first: 400, 300


def test_pmo_hierarchy_rolls_up_each_pmo_with_its_children():
    import pandas as pd

    evm = earned_value(projects(*TOY, {"project_id": "D", "pmo": "Z", "pv": 50.0, "ev": 50.0, "ac": 50.0,
                                       "bac": 100.0}), as_of="2024-06-30")
    pmos = pd.DataFrame({"pmo": ["Top", "X", "Y"], "parent": [float("nan"), "Top", "Top"],
                         "level": ["enterprise", "portfolio", "portfolio"], "source_row": [2, 3, 4]})
    got, findings = pmo_view(evm, pmos)
    rows = got.set_index("pmo")
    assert got["pmo"].tolist() == ["Top", "X", "Y", "Z"]      # depth first, then the PMO the sheet lacks
    # Top = X + Y in flight: A and B: PV 300, EV 280, AC 260, EAC 740; its closed work is C
    assert (rows.at["Top", "pv"], rows.at["Top", "ev"], rows.at["Top", "ac"], rows.at["Top", "eac"]) == (
        300.0, 280.0, 260.0, 740.0)
    assert (rows.at["Top", "projects"], rows.at["Top", "own_projects"], rows.at["Top", "closed"]) == (3, 0, 1)
    assert (rows.at["X", "depth"], rows.at["X", "parent"], rows.at["Z", "depth"]) == (1, "Top", 0)
    assert [f.check for f in findings] == ["pmo_not_in_hierarchy"]


@pytest.mark.parametrize(
    ("rows", "row", "column", "text"),
    [
        ([["A", "", ""], ["A", "", ""]], 3, "pmo", "appears again; first in row 2"),
        ([["A", "B", ""]], 2, "parent", "unknown parent 'B'"),
        ([["A", "A", ""]], 2, "parent", "its own parent"),
        ([["A", "B", ""], ["B", "A", ""]], 2, "parent", "parents form a cycle: A reports to B reports to A"),
        ([["", "", "x"]], 2, "pmo", "missing pmo"),
    ],
)
def test_pmos_sheet_problems_name_sheet_row_and_column(tmp_path, rows, row, column, text):
    folder = write_folder(tmp_path / "w", {"projects": SHEETS["projects"], "criteria": SHEETS["criteria"],
                                           "pmos": [["pmo", "parent", "level"], *rows]})
    with pytest.raises(InputValidationError) as caught:
        read_portfolio(folder)
    found = [(p.path.endswith("pmos.csv"), p.row, p.column) for p in caught.value.problems if text in p.message]
    assert found == [(True, row, column)]


def test_korrin_shows_corporate_spi_and_digital_cpi_as_their_own_figures():
    from pmo_workbench.resources import examples_dir

    result = analyse_portfolio(read_portfolio(examples_dir() / "portfolios" / "korrin-regional-council.xlsx"),
                               as_of="2026-05-31")
    pmo = result.by_pmo.set_index("pmo")
    # in flight: Corporate EV 20,812,528.86 / PV 22,272,684.84; Digital EV 6,498,387.51 / AC 6,987,992.87
    assert pmo.at["Corporate PMO", "spi"] == pytest.approx(20812528.86 / 22272684.84)  # 0.93
    assert pmo.at["Digital Services PMO", "cpi"] == pytest.approx(6498387.51 / 6987992.87)  # 0.93
    assert round(result.totals["cpi"], 2) == 0.97 and round(result.totals["spi"], 2) == 0.94
    krc150 = result.evm.set_index("project_id").loc["KRC-150"]
    assert (round(krc150["cpi"], 2), krc150["rag_cost"]) == (1.13, "check estimate")


def test_by_pmo_adds_threat_exposure_and_over_allocated_role_months_through_the_hierarchy(tmp_path):
    # The report fixture plus R4, a threat on P3 (Digital), p 0.2 x impact 100 = EMV -20.
    # Threat EMV: Corporate R1 -100 (0.5 x 200); Digital R4 -20 (R2 is an opportunity); Enterprise both, -120;
    # R3 (-900) names no project and belongs to no PMO.
    # Analyst 2026-07 is over-allocated (P1 1.0 + P2 1.0 against 1.5): one role-month for Corporate (P1), one for
    # Digital (P2), and one, not two, for Enterprise. 2026-08 (0.5 against 1.5) is not over-allocated.
    sheets = {**SHEETS, "risks": [*SHEETS["risks"], ["R4", "P3", "Late study", "threat", 0.2, 100, "Cy", "Ops",
                                                      "open"]]}
    result = analyse_portfolio(read_portfolio(write_folder(tmp_path / "pressure", sheets)), as_of="2026-06-30")
    rows = result.by_pmo.set_index("pmo")
    assert rows["threat_emv"].to_dict() == {"Enterprise": -120.0, "Corporate": -100.0, "Digital": -20.0}
    assert rows["exposure_index"].isna().all()          # impacts are money: EMV, not the exposure index
    assert rows["over_allocated_role_months"].to_dict() == {"Enterprise": 1, "Corporate": 1, "Digital": 1}
    by_pmo = {r["pmo"]: r for r in result.to_dict()["by_pmo"]}
    assert (by_pmo["Enterprise"]["threat_emv"], by_pmo["Enterprise"]["exposure_index"]) == (-120.0, None)
    # The portfolio's -1,020 less the -120 of the projects: R3's -900 is stated apart, so the two reconcile.
    assert result.risks.totals["threat_emv"] == -1020.0
    assert unattached_threats(result.risks, read_portfolio(tmp_path / "pressure").projects) == -900.0


def test_by_pmo_counts_role_months_over_allocated_by_committed_work_only():
    import types

    import pandas as pd

    from pmo_workbench.portfolio.breakdown import pmo_pressure

    # Analyst 2026-07: committed work alone is over capacity; P1 (X, active) and P9 (Y, proposed) have demand.
    # Analyst 2026-08: over capacity only with P9's proposal, as in the Resources section's "pipeline only".
    # X counts 2026-07 alone (1, not 2); Y's only project is a proposal, so Y counts none.
    load = pd.DataFrame({"role": ["Analyst", "Analyst"], "month": ["2026-07", "2026-08"],
                         "committed_over": [True, False]})
    causes = pd.DataFrame({"role": ["Analyst"] * 4, "month": ["2026-07", "2026-07", "2026-08", "2026-08"],
                           "project_id": ["P1", "P9", "P1", "P9"],
                           "stage": ["committed", "pipeline", "committed", "pipeline"]})
    got = pmo_pressure(pd.DataFrame({"pmo": ["X", "Y"]}), pd.DataFrame({"project_id": ["P1", "P9"], "pmo": ["X", "Y"]}),
                       None, resources=types.SimpleNamespace(load=load, causes=causes))
    assert got["over_allocated_role_months"].tolist() == [1, 0]


def test_pmo_trend_follows_the_hierarchy_like_the_view_by_pmo():
    import pandas as pd

    # Top over X; Z is not in the sheet. January: A (X) EV/AC 90/100, B (Top) 100/100, C (Z) 50/50;
    # February: A 180/200. Top in January is A + B: CPI 190 / 200 = 0.95, SPI 190 / 200 = 0.95 (PV 100 each);
    # X is A alone, 0.90; Z is C alone, 1.0; in February only A reports: Top and X are both 0.90.
    jan, feb = pd.Timestamp("2026-01-31"), pd.Timestamp("2026-02-28")
    periods = pd.DataFrame({"project_id": ["A", "B", "C", "A"], "pmo": ["X", "Top", "Z", "X"],
                            "status_date": [jan, jan, jan, feb], "pv": [100.0, 100.0, 50.0, 200.0],
                            "ev": [90.0, 100.0, 50.0, 180.0], "ac": [100.0, 100.0, 50.0, 200.0],
                            "bac": [1000.0, 1000.0, 500.0, 1000.0], "status": "active"})
    pmos = pd.DataFrame({"pmo": ["Top", "X"], "parent": [float("nan"), "Top"], "level": [None, None]})
    got = pmo_trend(periods, pmos)
    cpi = {(r.pmo, r.status_date.strftime("%m")): (round(r.cpi, 4), r.projects) for r in got.itertuples()}
    assert cpi == {("Top", "01"): (0.95, 2), ("Top", "02"): (0.9, 1), ("X", "01"): (0.9, 1), ("X", "02"): (0.9, 1),
                   ("Z", "01"): (1.0, 1)}
    assert got.loc[got["pmo"].eq("Top") & got["status_date"].eq(jan), "spi"].item() == pytest.approx(0.95)


def test_by_pmo_names_the_exposure_index_when_impacts_are_rated():
    import types

    import pandas as pd

    from pmo_workbench.portfolio.breakdown import pmo_pressure

    # Impacts rated 1-5: A (PMO X) has threats scored 3 x 4 = 12 and 2 x 2 = 4, B (PMO Y) 5 x 5 = 25.
    # X's exposure index is 12 + 4 = 16, Y's 25; no EMV; no assignments sheet, so no over-allocation count.
    risks = types.SimpleNamespace(totals={"impact_scale": "ordinal"}, by_project=pd.DataFrame(
        {"project_id": ["B", "A"], "threat_emv": [float("nan")] * 2, "threat_score": [25.0, 16.0]}))
    by_pmo = pd.DataFrame({"pmo": ["X", "Y"]})
    got = pmo_pressure(by_pmo, pd.DataFrame({"project_id": ["A", "B"], "pmo": ["X", "Y"]}), None, risks=risks)
    assert got["exposure_index"].tolist() == [16.0, 25.0] and got["threat_emv"].isna().all()
    assert got["over_allocated_role_months"].isna().all()


def test_open_projects_without_an_objective_are_flagged_when_others_name_one():
    import pandas as pd

    from pmo_workbench.portfolio.breakdown import unaligned

    frame = pd.DataFrame({"project_id": ["A", "B", "C", "D"], "name": ["Alpha", "Beta", "Gamma", "Delta"],
                          "status": ["active", "active", "proposed", "closed"],
                          "objective": ["Growth", None, "Growth", None], "source_row": [2, 3, 4, 5]})
    # B is open and blank: flagged at its row; D is blank but closed: not flagged.
    found = unaligned(frame)
    assert [(f.project_id, f.row, f.check) for f in found] == [("B", 3, "no_objective")]
    assert found[0].message.startswith("B — Beta serves no strategic objective")
    assert unaligned(frame.assign(objective=None)) == ()   # no objective recorded at all: nothing to flag
