"""Risk and opportunity exposure against numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.portfolio.model import PROJECT_STATUSES
from pmo_workbench.portfolio.risk import (REGISTER_COLUMNS, RiskAnalysis, analyse_risks, is_open, recognised_status,
                                         register_columns, risk_summary)

NAN = math.nan


def projects(*rows: tuple[str, str, float]) -> pd.DataFrame:
    """(project_id, status, bac) rows as a projects frame (only the columns risk analysis reads matter)."""
    frame = pd.DataFrame(rows, columns=["project_id", "status", "bac"])
    frame["name"] = frame["project_id"] + " name"
    frame["status"] = pd.Categorical(frame["status"], categories=PROJECT_STATUSES)
    frame["bac"] = frame["bac"].astype(float)
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def risks(*rows: dict) -> pd.DataFrame:
    """A risks frame following model.SHEET_COLUMNS['risks']; each row overrides these defaults."""
    base = {"risk_id": "R1", "project_id": "A", "title": "Risk", "kind": "threat", "probability": 0.5,
            "impact": 100.0, "owner": "Ann", "category": "Vendor", "status": "open"}
    columns = ["risk_id", "project_id", "title", "kind", "probability", "impact", "owner", "category", "status"]
    frame = pd.DataFrame([{**base, "risk_id": f"R{i + 1}", **row} for i, row in enumerate(rows)], columns=columns)
    if frame.empty:
        frame = frame.astype({"probability": float, "impact": float})
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


# A active BAC 1000, B active BAC 2000, C proposed with no BAC, X cancelled BAC 5000.
# Budget at risk of a portfolio-level risk (or C's): 1000 + 2000 (+ nothing for C); X is cancelled -> 3000.
PROJECTS = projects(("A", "active", 1000.0), ("B", "active", 2000.0), ("C", "proposed", NAN),
                    ("X", "cancelled", 5000.0))


def analyse(frame: pd.DataFrame, probability_scale: str = "ratio", impact_scale: str = "money") -> RiskAnalysis:
    return analyse_risks(frame, PROJECTS, probability_scale=probability_scale, impact_scale=impact_scale)


def register_row(analysis: RiskAnalysis, risk_id: str = "R1") -> pd.Series:
    return analysis.register.set_index("risk_id").loc[risk_id]


# -- placing a risk on the matrix ----------------------------------------------

@pytest.mark.parametrize(
    ("p", "band", "value"),
    [
        # nearest PMBOK value 0.1/0.3/0.5/0.7/0.9; boundaries 0.2/0.4/0.6/0.8 go to the higher band
        (0.0, 1, 0.1), (0.1, 1, 0.1), (0.19, 1, 0.1),
        (0.2, 2, 0.3), (0.3, 2, 0.3), (0.39, 2, 0.3),
        (0.4, 3, 0.5), (0.55, 3, 0.5),
        (0.6, 4, 0.7), (0.79, 4, 0.7),
        (0.8, 5, 0.9), (1.0, 5, 0.9),
    ],
)
def test_ratio_probability_band(p, band, value):
    got = register_row(analyse(risks({"probability": p, "impact": 100.0})))
    assert got.probability_band == band
    assert got.probability_value == pytest.approx(value)
    # EMV uses p itself, not the band's value: -p x 100
    assert got.emv == pytest.approx(-p * 100.0)


@pytest.mark.parametrize(("k", "value"), [(1, 0.1), (2, 0.3), (3, 0.5), (4, 0.7), (5, 0.9)])
def test_ordinal_probability_band_and_emv(k, value):
    got = register_row(analyse(risks({"probability": float(k), "impact": 100.0}), probability_scale="ordinal"))
    assert got.probability_band == k
    assert got.probability_value == pytest.approx(value)
    assert got.emv == pytest.approx(-value * 100.0)  # the band's PMBOK value x 100


@pytest.mark.parametrize(
    ("impact", "band", "value"),
    [
        # project A, BAC 1000: share = impact / 1000, placed at the highest PMBOK value it reaches
        (0.0, 1, 0.05), (99.0, 1, 0.05),
        (100.0, 2, 0.10), (199.0, 2, 0.10),   # share 0.10 reaches 0.10
        (200.0, 3, 0.20), (399.0, 3, 0.20),
        (400.0, 4, 0.40), (799.0, 4, 0.40),
        (800.0, 5, 0.80), (2500.0, 5, 0.80),  # share 2.5 still band 5
    ],
)
def test_money_impact_band(impact, band, value):
    got = register_row(analyse(risks({"impact": impact})))
    assert got.impact_band == band
    assert got.impact_value == pytest.approx(value)


@pytest.mark.parametrize(
    ("project_id", "impact", "band"),
    [
        ("B", 400.0, 3),   # 400 / B's 2000 = 0.20
        (NAN, 400.0, 2),   # portfolio-level: 400 / 3000 = 0.133
        ("C", 600.0, 3),   # C has no BAC: 600 / 3000 = 0.20
        ("C", 299.0, 1),   # 299 / 3000 = 0.0997
    ],
)
def test_budget_at_risk(project_id, impact, band):
    got = register_row(analyse(risks({"project_id": project_id, "impact": impact})))
    assert got.impact_band == band


def test_zero_bac_uses_the_portfolio_budget():
    frame = projects(("A", "active", 0.0), ("B", "closed", 1000.0))
    # A's BAC 0 -> budget 0 + 1000 = 1000 -> 400/1000 = 0.40 -> band 4
    got = analyse_risks(risks({"impact": 400.0}), frame, probability_scale="ratio", impact_scale="money")
    assert got.register.impact_band.iloc[0] == 4


def test_ordinal_impact_has_no_emv():
    got = register_row(analyse(risks({"probability": 0.5, "impact": 4.0}), impact_scale="ordinal"))
    assert got.impact_band == 4
    assert got.impact_value == pytest.approx(0.40)
    assert math.isnan(got.emv)


@pytest.mark.parametrize(
    ("p", "i", "score", "ordinal", "rating"),
    [
        # score = PMBOK P x PMBOK I; ordinal = band x band: red 15-25, amber 5-14, green 1-4
        (1, 1, 0.1 * 0.05, 1, "green"),
        (2, 2, 0.3 * 0.10, 4, "green"),
        (1, 5, 0.1 * 0.80, 5, "amber"),
        (3, 4, 0.5 * 0.40, 12, "amber"),
        (4, 3, 0.7 * 0.20, 12, "amber"),
        (2, 7, NAN, None, None),   # 7 is not an ordinal impact: no band, no rating
        (3, 5, 0.5 * 0.80, 15, "red"),
        (5, 3, 0.9 * 0.20, 15, "red"),
        (5, 5, 0.9 * 0.80, 25, "red"),
    ],
)
def test_score_and_rating(p, i, score, ordinal, rating):
    got = register_row(analyse(risks({"probability": float(p), "impact": float(i)}), probability_scale="ordinal",
                               impact_scale="ordinal"))
    if ordinal is None:
        assert pd.isna(got.ordinal_score)
        assert math.isnan(got.score)
    else:
        assert got.ordinal_score == ordinal
        assert got.score == pytest.approx(score)
    assert got.rating == rating


def test_opportunity_emv_is_positive():
    # 0.3 x 500 = +150 for an opportunity, -150 for a threat
    got = analyse(risks({"kind": "opportunity", "probability": 0.3, "impact": 500.0},
                        {"kind": "threat", "probability": 0.3, "impact": 500.0}))
    assert got.register.emv.tolist() == pytest.approx([150.0, -150.0])


@pytest.mark.parametrize(
    ("status", "open_"),
    [("open", True), ("Monitoring", True), (NAN, True), ("closed", False), ("Retired", False),
     (" EXPIRED ", False)],
)
def test_open_status(status, open_):
    assert is_open(pd.Series([status], dtype="str"))[0] == open_
    assert bool(register_row(analyse(risks({"status": status}))).open) is open_


@pytest.mark.parametrize(
    ("status", "recognised", "open_"),
    [
        # OPEN_RISK_STATUSES, any case, spaces trimmed, and blank
        ("open", True, True), ("Active", True, True), (" NEW", True, True), ("identified", True, True),
        ("monitoring", True, True), (NAN, True, True), ("  ", True, True),
        # CLOSED_RISK_STATUSES
        ("Closed", True, False), ("retired", True, False), ("expired", True, False),
        # anything else is not recognised, and still counts as open: no risk leaves the exposure unnoticed
        ("Resolved", False, True), ("Mitigated", False, True), ("Occurred", False, True),
    ],
)
def test_recognised_status(status, recognised, open_):
    series = pd.Series([status], dtype="str")
    assert bool(recognised_status(series)[0]) is recognised
    assert bool(is_open(series)[0]) is open_


def test_register_keeps_every_risk_with_its_columns():
    frame = risks({}, {"status": "closed"})
    before = frame.copy()
    got = analyse(frame).register
    assert tuple(got.columns) == REGISTER_COLUMNS
    assert got.risk_id.tolist() == ["R1", "R2"]
    assert got.open.tolist() == [True, False]
    assert got.source_row.tolist() == [2, 3]
    pd.testing.assert_frame_equal(frame, before)


# -- exposure by key, a worked portfolio ---------------------------------------

# Budget at risk: A 1000, B 2000, portfolio and C 3000 (see PROJECTS).
#        project kind  p    impact  owner category status  -> share        p band  i band  EMV      ordinal
# R1     A       T     0.5  400     Ann   Vendor   open    400/1000=0.4    3       4       -200     12 amber
# R2     A       T     0.9  100     Bob   Vendor   open    100/1000=0.1    5       2       -90      10 amber
# R3     B       T     0.7  1800    Ann   Tech     open    1800/2000=0.9   4       5       -1260    20 red
# R4     B       O     0.3  500     -     -        open    500/2000=0.25   2       3       +150     6 amber
# R5     -       T     0.1  300     Bob   Tech     open    300/3000=0.1    1       2       -30      2 green
# R6     A       T     0.9  900     Ann   Vendor   Closed  900/1000=0.9    5       5       -810     25 red (closed)
# R7     C       T     0.2  600     Cy    Tech     open    600/3000=0.2    2       3       -120     6 amber
WORKED = risks(
    {"project_id": "A", "kind": "threat", "probability": 0.5, "impact": 400.0, "owner": "Ann", "category": "Vendor"},
    {"project_id": "A", "kind": "threat", "probability": 0.9, "impact": 100.0, "owner": "Bob", "category": "Vendor"},
    {"project_id": "B", "kind": "threat", "probability": 0.7, "impact": 1800.0, "owner": "Ann", "category": "Tech"},
    {"project_id": "B", "kind": "opportunity", "probability": 0.3, "impact": 500.0, "owner": NAN, "category": NAN},
    {"project_id": NAN, "kind": "threat", "probability": 0.1, "impact": 300.0, "owner": "Bob", "category": "Tech"},
    {"project_id": "A", "kind": "threat", "probability": 0.9, "impact": 900.0, "owner": "Ann", "category": "Vendor",
     "status": "Closed"},
    {"project_id": "C", "kind": "threat", "probability": 0.2, "impact": 600.0, "owner": "Cy", "category": "Tech"},
)


def test_worked_register():
    reg = analyse(WORKED).register.set_index("risk_id")
    assert reg.probability_band.tolist() == [3, 5, 4, 2, 1, 5, 2]
    assert reg.impact_band.tolist() == [4, 2, 5, 3, 2, 5, 3]   # R6: 900/1000 = 0.9 -> band 5
    assert reg.emv.tolist() == pytest.approx([-200.0, -90.0, -1260.0, 150.0, -30.0, -810.0, -120.0])
    assert reg.rating.tolist() == ["amber", "amber", "red", "amber", "green", "red", "amber"]


def test_worked_by_project():
    got = analyse(WORKED).by_project
    # threat exposure |EMV|: B 1260, A 200 + 90 = 290, C 120, portfolio 30; total 1700
    assert got.columns.tolist() == ["project_id", "threats", "opportunities", "threat_emv", "opportunity_emv",
                                    "net_emv", "threat_score", "red_threats", "share"]
    assert got.project_id.tolist() == ["B", "A", "C", "(portfolio)"]
    assert got.threats.tolist() == [1, 2, 1, 1]
    assert got.opportunities.tolist() == [1, 0, 0, 0]
    assert got.threat_emv.tolist() == pytest.approx([-1260.0, -290.0, -120.0, -30.0])
    assert got.opportunity_emv.tolist() == pytest.approx([150.0, 0.0, 0.0, 0.0])
    assert got.net_emv.tolist() == pytest.approx([-1110.0, -290.0, -120.0, -30.0])
    assert got.threat_score.tolist() == [20, 22, 6, 2]    # A: 12 + 10
    assert got.red_threats.tolist() == [1, 0, 0, 0]
    assert got.share.tolist() == pytest.approx([1260 / 1700, 290 / 1700, 120 / 1700, 30 / 1700])


def test_worked_by_category_and_owner():
    got = analyse(WORKED)
    cat = got.by_category
    # Tech: R3, R5, R7 = 1260 + 30 + 120 = 1410; Vendor: R1, R2 = 290; (none): the opportunity only
    assert cat.category.tolist() == ["Tech", "Vendor", "(none)"]
    assert cat.threat_emv.tolist() == pytest.approx([-1410.0, -290.0, 0.0])
    assert cat.opportunity_emv.tolist() == pytest.approx([0.0, 0.0, 150.0])
    assert cat.threat_score.tolist() == [28, 22, 0]       # Tech: 20 + 2 + 6
    assert cat.share.tolist() == pytest.approx([1410 / 1700, 290 / 1700, 0.0])
    owner = got.by_owner
    # Ann: R1 + R3 = 1460; Bob: R2 + R5 = 120; Cy: R7 = 120 (a tie, by name); (none): the opportunity
    assert owner.owner.tolist() == ["Ann", "Bob", "Cy", "(none)"]
    assert owner.threat_emv.tolist() == pytest.approx([-1460.0, -120.0, -120.0, 0.0])
    assert owner.red_threats.tolist() == [1, 0, 0, 0]


def test_worked_concentration():
    got = analyse(WORKED).concentration
    project = got["project"]
    assert project["top"] == "B"
    assert project["share"] == pytest.approx(1260 / 1700)
    assert project["top3_share"] == pytest.approx((1260 + 290 + 120) / 1700)
    # Herfindahl = sum of squared shares = (1260² + 290² + 120² + 30²) / 1700² = 1,687,000 / 2,890,000
    assert project["hhi"] == pytest.approx(1_687_000 / 2_890_000)
    category = got["category"]
    assert category["top"] == "Tech"
    # (1410² + 290² + 0²) / 1700² = (1,988,100 + 84,100) / 2,890,000
    assert category["hhi"] == pytest.approx(2_072_200 / 2_890_000)
    owner = got["owner"]
    assert owner["top"] == "Ann"
    assert owner["top3_share"] == pytest.approx(1.0)   # (1460 + 120 + 120) / 1700


def test_worked_totals():
    got = analyse(WORKED).totals
    assert got["open_threats"] == 5          # R1, R2, R3, R5, R7
    assert got["open_opportunities"] == 1    # R4
    assert got["red_threats"] == 1           # R3 (R6 is red but closed)
    assert got["threat_emv"] == pytest.approx(-1700.0)    # -200 - 90 - 1260 - 30 - 120
    assert got["opportunity_emv"] == pytest.approx(150.0)
    assert got["net_emv"] == pytest.approx(-1550.0)
    assert got["contingency"] == pytest.approx(1700.0)
    assert (got["probability_scale"], got["impact_scale"]) == ("ratio", "money")


def test_worked_heatmap():
    heat = analyse(WORKED).heatmap
    assert len(heat) == 2 * 5 * 5
    assert heat["count"].sum() == 6   # open risks only; R6 is closed
    cells = heat.set_index(["kind", "probability_band", "impact_band"])
    assert cells.loc[("threat", 4, 5), "count"] == 1                 # R3
    assert cells.loc[("threat", 4, 5), "emv"] == pytest.approx(-1260.0)
    assert cells.loc[("threat", 5, 5), "count"] == 0                 # R6, closed
    assert cells.loc[("threat", 5, 5), "emv"] == 0.0
    assert cells.loc[("opportunity", 2, 3), "count"] == 1            # R4
    assert cells.loc[("opportunity", 2, 3), "emv"] == pytest.approx(150.0)
    assert cells.loc[("threat", 3, 5), "rating"] == "red"             # 3 x 5 = 15
    assert cells.loc[("threat", 2, 2), "rating"] == "green"           # 2 x 2 = 4


# -- ordinal impacts: exposure by score ----------------------------------------

def test_ordinal_exposure_by_score():
    frame = risks(
        {"project_id": "A", "kind": "threat", "probability": 3.0, "impact": 5.0},       # 15 red
        {"project_id": "B", "kind": "threat", "probability": 2.0, "impact": 2.0},       # 4 green
        {"project_id": "A", "kind": "opportunity", "probability": 4.0, "impact": 4.0},  # 16, an opportunity
        {"project_id": "B", "kind": "threat", "probability": 1.0, "impact": 5.0},       # 5 amber
    )
    got = analyse(frame, probability_scale="ordinal", impact_scale="ordinal")
    by = got.by_project
    # threat score: A 15, B 4 + 5 = 9; total 24
    assert by.project_id.tolist() == ["A", "B"]
    assert by.threat_score.tolist() == [15, 9]
    assert by.share.tolist() == pytest.approx([15 / 24, 9 / 24])
    assert by.threat_emv.isna().all() and by.net_emv.isna().all()
    assert got.totals["red_threats"] == 1
    assert got.totals["threat_emv"] is None and got.totals["contingency"] is None
    assert got.concentration["project"]["hhi"] == pytest.approx((15 / 24) ** 2 + (9 / 24) ** 2)
    assert got.heatmap["emv"].isna().all()


# -- edge cases ----------------------------------------------------------------

@pytest.mark.parametrize(("probability_scale", "impact_scale"), [("ratio", "money"), ("ordinal", "ordinal")])
def test_empty_risks(probability_scale, impact_scale):
    got = analyse(risks(), probability_scale, impact_scale)
    assert got.register.empty and tuple(got.register.columns) == REGISTER_COLUMNS
    for table, key in ((got.by_project, "project_id"), (got.by_category, "category"), (got.by_owner, "owner")):
        assert table.empty and table.columns[0] == key
    assert len(got.heatmap) == 50 and got.heatmap["count"].sum() == 0
    for dimension in ("project", "category", "owner"):
        assert got.concentration[dimension] == {"top": None, "share": None, "top3_share": None,
                                                "hhi": None}
    assert got.totals["open_threats"] == 0 and got.totals["red_threats"] == 0


def test_only_closed_or_opportunities_gives_no_shares():
    got = analyse(risks({"status": "closed"}, {"kind": "opportunity"}))
    assert got.by_project.share.isna().all()
    assert got.concentration["project"]["top"] is None
    assert got.totals["threat_emv"] == 0.0 and got.totals["contingency"] == 0.0
    assert not np.signbit(got.totals["contingency"])   # 0.0, not -0.0


@pytest.mark.parametrize(
    ("probability_scale", "impact_scale", "message"),
    [("percent", "money", "ratio, ordinal"), ("ratio", "euros", "money, ordinal")],
)
def test_unknown_scale(probability_scale, impact_scale, message):
    with pytest.raises(ValueError, match=message):
        analyse(risks({}), probability_scale, impact_scale)


# -- wording: EMV only where impacts are money -----------------------------------

def test_wording_with_money_impacts_gives_emv_and_the_contingency_for_any_correlation():
    # A: threat p 0.5 x 200 = EMV -100; B: threat p 0.3 x 1000 = -300; A: opportunity p 0.5 x 80 = +40.
    # Threat EMV -400, net -360: the expected cost of the threats whatever their correlation.
    got = analyse(risks({"impact": 200.0}, {"project_id": "B", "probability": 0.3, "impact": 1000.0},
                        {"kind": "opportunity", "impact": 80.0}))
    assert got.totals["exposure_label"] == "threat EMV"
    assert risk_summary(got) == (
        "2 open threats (0 in the red zone) and 1 open opportunity. Threat EMV -400, opportunity EMV 40, net -360. "
        "The threats' EMV is their expected cost whether or not they are independent, so a contingency of 400 "
        "covers the expected loss; independence matters for the confidence level: threats that strike together "
        "make that amount less likely to suffice.")
    assert "if the risks are independent" not in risk_summary(got)
    assert list(register_columns(got)).count("emv") == 1


def test_wording_with_ordinal_impacts_names_an_exposure_index_and_no_emv():
    # scores: 3 x 5 = 15 (red) and 2 x 2 = 4 on threats, the opportunity's 4 x 4 = 16 left out: index 19
    got = analyse(risks({"probability": 3.0, "impact": 5.0}, {"probability": 2.0, "impact": 2.0},
                        {"kind": "opportunity", "probability": 4.0, "impact": 4.0}),
                  probability_scale="ordinal", impact_scale="ordinal")
    assert (got.totals["exposure_label"], got.totals["exposure_index"]) == ("exposure index", 19.0)
    text = risk_summary(got)
    assert text == ("2 open threats (1 in the red zone) and 1 open opportunity. Impacts are rated 1-5, not in money, "
                    "so there is no expected monetary value: the exposure index of 19 is the sum of the open threats' "
                    "probability × impact scores (1-25 each); it ranks where threats gather, it is not an amount of "
                    "money or a contingency.")
    assert "EMV" not in text and "emv" not in register_columns(got)


def test_the_command_line_names_an_ordinal_register_an_exposure_index_not_an_emv():
    from typer.testing import CliRunner

    from pmo_workbench.cli import app
    from pmo_workbench.resources import examples_dir

    # Stellbrook's register rates impact 1-5: a sum of P x I scores, not money
    workbook = examples_dir() / "portfolios" / "stellbrook-pharmaceuticals.xlsx"
    result = CliRunner().invoke(app, ["portfolio", str(workbook), "--as-of", "2026-08-31"])
    assert result.exit_code == 0, result.output
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("Risks:")]
    assert "threat exposure index" in line and "EMV" not in line
