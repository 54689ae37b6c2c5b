"""Every data-quality check, its message and the order of the findings."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmo_workbench.portfolio.evm import earned_value
from pmo_workbench.portfolio.model import Finding, Portfolio
from pmo_workbench.portfolio.quality import CHECKS, data_quality

from tests.helpers import projects_frame

NAN = math.nan
AS_OF = "2024-06-30"


def projects(*rows: dict) -> pd.DataFrame:
    """A projects frame following model.PROJECT_COLUMNS; the defaults raise no finding at 2024-06-30."""
    return projects_frame(*rows, name="Website relaunch")


def risks(*rows: dict) -> pd.DataFrame:
    base = {"risk_id": "R-001", "project_id": "P-001", "title": "Vendor delay", "kind": "threat",
            "probability": 0.5, "impact": 100.0, "owner": "Ann", "category": "Vendor", "status": "open"}
    frame = pd.DataFrame([{**base, **row} for row in rows])
    frame["owner"] = frame["owner"].astype("str")
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def check(frame: pd.DataFrame, baseline: pd.DataFrame | None = None, risk_frame: pd.DataFrame | None = None,
          as_of: str = AS_OF) -> list[Finding]:
    portfolio = Portfolio("portfolio.xlsx", frame, baseline=baseline, risks=risk_frame)
    return data_quality(portfolio, earned_value(frame, baseline, as_of=as_of), as_of=as_of)


def test_clean_project_has_no_findings():
    assert check(projects({})) == []


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # sponsor
        ({"sponsor": None}, [("warning", "no_sponsor", "P-001 Website relaunch has no sponsor")]),
        ({"sponsor": "  "}, [("warning", "no_sponsor", "P-001 Website relaunch has no sponsor")]),
        # budget: blank or 0, unless cancelled
        ({"bac": NAN}, [("warning", "no_budget", "P-001 Website relaunch has no budget (BAC blank)")]),
        ({"bac": 0.0, "ev": 0.0}, [("warning", "no_budget", "P-001 Website relaunch has no budget (BAC 0)")]),
        ({"bac": NAN, "status": "cancelled"}, []),
        # stale status: the forecast finish, or the planned finish without a forecast, before as_of
        ({"finish": "2024-05-31"}, [("warning", "stale_status", "P-001 Website relaunch is still active but its "
                                     "planned finish 2024-05-31 is before the status date 2024-06-30")]),
        ({"status": "on_hold", "finish": "2024-12-31", "forecast_finish": "2024-06-15"},
         [("warning", "stale_status", "P-001 Website relaunch is still on hold but its forecast finish 2024-06-15 "
           "is before the status date 2024-06-30")]),
        ({"finish": "2024-05-31", "forecast_finish": "2024-09-30"}, []),   # re-planned: the forecast is ahead
        ({"finish": "2024-06-30"}, []),                                    # due on the status date
        ({"status": "closed", "finish": "2024-05-31", "ev": 1000.0}, []),
        # earned value
        ({"ev": 1200.0}, [("error", "ev_over_bac", "P-001 Website relaunch has EV 1,200 above its BAC 1,000")]),
        ({"ev": 1000.0}, []),
        ({"ac": 0.0}, [("warning", "ev_without_ac", "P-001 Website relaunch has EV 400 but no actual cost (AC 0)"),
                       ("info", "null_indices", "P-001 Website relaunch is active with AC 0, so CPI cannot be "
                        "computed")]),
        ({"ac": NAN}, [("warning", "ev_without_ac", "P-001 Website relaunch has EV 400 but no actual cost "
                        "(AC blank)"),
                       ("warning", "missing_evm", "P-001 Website relaunch is active with AC blank")]),
        ({"status": "proposed", "ev": 0.0, "ac": 1234.5},
         [("warning", "spend_before_start", "P-001 Website relaunch is proposed but has already spent AC 1,234.50")]),
        ({"status": "proposed", "ev": 0.0, "ac": 0.0, "pv": 0.0}, []),
        ({"status": "closed", "ev": 800.0},
         [("info", "closed_incomplete", "P-001 Website relaunch is closed with EV 800 below its BAC 1,000")]),
        # in-flight projects whose indices cannot be read
        ({"pv": NAN, "ev": NAN}, [("warning", "missing_evm", "P-001 Website relaunch is active with PV, EV blank")]),
        ({"pv": 0.0}, [("info", "null_indices", "P-001 Website relaunch is active with PV 0, so SPI cannot be "
                        "computed")]),
        ({"pv": 0.0, "ev": 0.0, "ac": 0.0},
         [("info", "null_indices", "P-001 Website relaunch is active with AC 0 and PV 0, so CPI and SPI cannot be "
           "computed")]),
        ({"status": "closed", "pv": 0.0, "ev": 1000.0, "ac": 0.0},   # closed: not in flight
         [("warning", "ev_without_ac", "P-001 Website relaunch has EV 1,000 but no actual cost (AC 0)")]),
        # no name: the id alone
        ({"name": None, "sponsor": None}, [("warning", "no_sponsor", "P-001 has no sponsor")]),
    ],
)
def test_project_checks(row, expected):
    got = check(projects(row))
    assert [(f.severity, f.check, f.message) for f in got] == expected
    assert all(f.project_id == "P-001" and f.sheet == "projects" and f.row == 2 for f in got)
    assert {f.check for f in got} <= set(CHECKS)


def test_stale_status_is_reported_once():
    # planned and forecast finish both past: one stale_status, no second "finish before as_of" finding
    got = check(projects({"finish": "2024-03-31", "forecast_finish": "2024-04-30"}))
    assert [f.check for f in got] == ["stale_status"]
    assert "forecast finish 2024-04-30" in got[0].message


def test_extra_holds_the_values():
    (finding,) = check(projects({"ev": 1200.0}))
    assert finding.extra == {"ev": 1200.0, "bac": 1000.0}


# -- baseline ------------------------------------------------------------------

def test_no_baseline_only_when_a_baseline_sheet_is_given():
    frame = projects({}, {"status": "proposed", "ac": 0.0, "ev": 0.0}, {"status": "on_hold"})
    base = pd.DataFrame({"project_id": ["P-001"], "period_end": pd.to_datetime(["2024-01-31"]),
                         "cumulative_pv": [100.0], "source_row": [2]})
    got = check(frame, baseline=base)
    # P-001 has rows; P-002 is not in flight; P-003 is on hold without rows
    assert got == [Finding("info", "no_baseline", "P-003 Website relaunch is on hold but has no baseline rows, so "
                           "it has no earned schedule", project_id="P-003", sheet="projects", row=4)]
    assert check(frame) == []


# -- risks ---------------------------------------------------------------------

def test_risk_without_owner():
    risk_frame = risks(
        {"risk_id": "R-001", "owner": None},                                          # open, no owner
        {"risk_id": "R-002", "owner": None, "status": "Closed"},                      # closed: ignored
        {"risk_id": "R-003", "owner": "Ann"},
        {"risk_id": "R-004", "owner": " ", "project_id": None, "title": "FX rates"},  # portfolio-level
    )
    got = check(projects({}), risk_frame=risk_frame)
    assert got == [
        Finding("warning", "risk_no_owner", "Risk R-001 Vendor delay (P-001) is open with no owner",
                project_id="P-001", sheet="risks", row=2),
        Finding("warning", "risk_no_owner", "Risk R-004 FX rates (portfolio-level) is open with no owner",
                project_id=None, sheet="risks", row=5),
    ]


UNSIZED = "but adds nothing to the exposure and has no place on the matrix"
UNKNOWN = ("which is not a recognised risk status, so it is counted as open (open statuses: active, identified, "
           "monitoring, new, open or blank; closed, expired, retired take a risk out of the exposure)")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # an open threat without probability, or without impact, counted as open but
        # with no EMV (NaN x 900,000 and 0.5 x NaN), so it adds 0 to the exposure: now a warning
        ({"probability": NAN, "impact": 900000.0},
         [("warning", "risk_incomplete", f"Risk R-001 Vendor delay (P-001) is open with probability blank, so it "
           f"counts as an open threat {UNSIZED}")]),
        ({"probability": 0.5, "impact": NAN},
         [("warning", "risk_incomplete", f"Risk R-001 Vendor delay (P-001) is open with impact blank, so it counts "
           f"as an open threat {UNSIZED}")]),
        ({"kind": "opportunity", "probability": NAN, "impact": NAN},
         [("warning", "risk_incomplete", f"Risk R-001 Vendor delay (P-001) is open with probability and impact "
           f"blank, so it counts as an open opportunity {UNSIZED}")]),
        # a closed risk is out of the exposure: its blanks do not matter
        ({"status": "Closed", "probability": NAN, "impact": NAN}, []),
        # recognised statuses, any case, spaces trimmed: no finding
        ({"status": "open"}, []), ({"status": " Active"}, []), ({"status": "NEW"}, []),
        ({"status": "identified"}, []), ({"status": "Monitoring "}, []), ({"status": None}, []),
        ({"status": "retired"}, []), ({"status": "EXPIRED"}, []),
        # unrecognised statuses: counted as open (is_open), said so
        ({"status": "Resolved"}, [("info", "risk_status_unknown", f"Risk R-001 Vendor delay (P-001) has status "
                                   f"'Resolved', {UNKNOWN}")]),
        ({"status": "Mitigated"}, [("info", "risk_status_unknown", f"Risk R-001 Vendor delay (P-001) has status "
                                    f"'Mitigated', {UNKNOWN}")]),
        # unrecognised, hence open, and without impact: both findings, the warning first
        ({"status": " Occurred ", "impact": NAN, "project_id": None},
         [("warning", "risk_incomplete", f"Risk R-001 Vendor delay (portfolio-level) is open with impact blank, so "
           f"it counts as an open threat {UNSIZED}"),
          ("info", "risk_status_unknown", f"Risk R-001 Vendor delay (portfolio-level) has status 'Occurred', "
           f"{UNKNOWN}")]),
    ],
)
def test_risk_checks(row, expected):
    got = check(projects({}), risk_frame=risks(row))
    assert [(f.severity, f.check, f.message) for f in got] == expected
    assert all(f.sheet == "risks" and f.row == 2 and f.extra == {"risk_id": "R-001"} for f in got)
    assert {f.check for f in got} <= set(CHECKS)


def test_incomplete_risks_are_findings_and_add_no_emv():
    # R1 has no probability, R2 no impact, R3 is complete (EMV 0.3 x 100 = -30)
    risk_frame = risks(
        {"risk_id": "R1", "title": "big", "probability": NAN, "impact": 900000.0, "owner": "o"},
        {"risk_id": "R2", "title": "small", "probability": 0.5, "impact": NAN, "owner": "o"},
        {"risk_id": "R3", "title": "x", "probability": 0.3, "impact": 100.0, "owner": "o"},
    )
    got = check(projects({}), risk_frame=risk_frame)
    assert [(f.check, f.extra["risk_id"], f.row) for f in got] == [("risk_incomplete", "R1", 2),
                                                                  ("risk_incomplete", "R2", 3)]


# -- order ---------------------------------------------------------------------

def test_errors_first_then_warnings_then_info_then_by_project():
    frame = projects(
        {"status": "closed", "ev": 800.0},        # P-001 info closed_incomplete
        {"sponsor": None},                        # P-002 warning no_sponsor
        {"ev": 1500.0},                           # P-003 error ev_over_bac
        {"pv": 0.0, "sponsor": None},             # P-004 warning no_sponsor, info null_indices
        {"ev": 1100.0},                           # P-005 error ev_over_bac
    )
    got = check(frame, risk_frame=risks({"owner": None, "project_id": None}))
    assert [(f.severity, f.project_id, f.check) for f in got] == [
        ("error", "P-003", "ev_over_bac"),
        ("error", "P-005", "ev_over_bac"),
        ("warning", "P-002", "no_sponsor"),
        ("warning", "P-004", "no_sponsor"),
        ("warning", None, "risk_no_owner"),       # portfolio-level after the projects
        ("info", "P-001", "closed_incomplete"),
        ("info", "P-004", "null_indices"),
    ]


def test_inputs_untouched():
    frame = projects({"sponsor": None, "ev": 1200.0})
    risk_frame = risks({"owner": None})
    before, before_risks = frame.copy(), risk_frame.copy()
    evm = earned_value(frame, as_of=AS_OF)
    evm_before = evm.copy()
    data_quality(Portfolio("p.xlsx", frame, risks=risk_frame), evm, as_of=AS_OF)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(risk_frame, before_risks)
    pd.testing.assert_frame_equal(evm, evm_before)


def test_german_findings_name_the_project_and_the_currency_and_the_table_names_the_check():
    from pmo_workbench.i18n import use_language
    from pmo_workbench.portfolio.labels import shown

    with use_language("de"):
        got = check(projects({"ev": 1200.0, "currency": "GBP"}))
        assert [(f.check, f.message) for f in got] == [
            ("ev_over_bac", "P-001 — Website relaunch hat einen EV von 1.200\xa0£ über seinem BAC von 1.000\xa0£")]
        table = shown(pd.DataFrame({"check": ["ev_over_bac", "no_sponsor"], "severity": ["error", "warning"]}))
        assert table.to_numpy().tolist() == [["EV über BAC", "Fehler"], ["kein Auftraggeber", "Warnung"]]
    # English tables keep the check ids, English messages the plain amounts
    assert shown(pd.DataFrame({"check": ["ev_over_bac"]}))["check"].tolist() == ["ev_over_bac"]
    assert check(projects({"ev": 1200.0, "currency": "GBP"}))[0].message == (
        "P-001 Website relaunch has EV 1,200 above its BAC 1,000")
