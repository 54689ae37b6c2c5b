"""The portfolio analysis end to end: the CLI, the JSON, and the portfolio health notebook under the report engine.

The fixture portfolio (status date 2026-06-30), worked out by hand:

- P1 active, BAC 1000, PV 400, EV 300, AC 400: CV -100, SV -100, CPI 0.75, SPI 0.75,
  EAC (typical) 1000 / 0.75 = 1333.33, ETC 933.33, VAC -333.33, TCPI (1000-300)/(1000-400) = 1.1667.
  Baseline cumulative PV by month end Jan..Dec: 100, 200, 280, 360, 380, 400, ... EV 300 lies between
  March (280) and April (360): C = 3, ES = 3 + (300-280)/(360-280) = 3.25; AT at 30 June = 6;
  SPI(t) = 3.25/6 = 0.5417, SV(t) = -2.75. Red on cost and schedule.
- P2 active, BAC 500, PV 200, EV 200, AC 190: CPI 200/190 = 1.0526 (amber: above 1.05), SPI 1.0 (green),
  health amber; EAC 500 / 1.0526 = 475, ETC 285, VAC 25.
- P3 proposed (BAC 300, nothing spent), P4 closed (BAC 200, PV 200, EV 200, AC 220), P5 cancelled.
- Headline roll-up over the in-flight projects (P1, P2): PV 600, EV 500, AC 590, BAC 1500;
  CPI 500/590 = 0.8475 (the mean of the two CPIs would be 0.9013), SPI 500/600 = 0.8333; EAC the sum of the
  project EACs 1333.33 + 475 = 1808.33, VAC -308.33; beside it BAC / CPI = 1500 x 590/500 = 1770.
  Closed apart (P4): BAC 200, AC 220, CPI 200/220 = 0.9091. P4 and P5 get no colour: "closed", "cancelled".
- PMOs: Corporate (P1, P4, P5) and Digital (P2, P3), both under Enterprise (the pmos sheet). Corporate in
  flight is P1 alone: CPI 0.75, SPI 0.75, 1 red, EAC 1333.33, 1 closed; Digital is P2: CPI 1.0526, SPI 1.0,
  1 amber, EAC 475; Enterprise includes both, so its figures are the portfolio's: CPI 0.8475, EAC 1808.33.
- Risks: R1 threat on P1, p 0.5, impact 200: EMV -100; R2 opportunity on P2, p 0.3, impact 50: EMV +15;
  R3 portfolio-level threat, p 0.9, impact 1000: EMV -900. Threat EMV -1000, net -985.
- Dependencies: P2 needs P1 by 2026-10-01 but P1 finishes 2026-12-31 (91 days late); P3 needs P2.
- Analysts in 2026-07: P1 1.0 + P2 1.0 FTE against 1.5 capacity: over-allocated by 0.5.
- Selection within 1300: candidates P1 (mandatory, costs its ETC 933.33), P2 (285), P3 (300, needs P2).
  P1 + P2 = 1218.33 would fit the budget, but their analysts in 2026-07 (2.0 FTE) exceed the 1.5 FTE
  capacity, and P3 needs P2: the set is P1 alone, 933.33.
- Milestones: P1 "Design approved" planned 03-31, reached 04-10 (a gate); P1 "Build complete" planned 06-15,
  forecast 08-14: slipped 60 days, upcoming (45 days to go), a gate needing a decision; P2 "Go live" planned
  06-01, not reached: overdue by 29 days.
- Benefits: P1 money planned 1000, forecast 800, realised 200: realisation 0.2, shortfall 200; P2 500 hours
  planned, 100 realised, due 06-01: past due.
- Financials, calendar year 2026 (months to date January-June): P1 budget 100 a month, actual 100 a month but
  120 in May and 90 in June (610 to date), forecast 100 a month but 150 in July (650): outturn 1260 against a
  budget of 1200, variance -60; P2 50 a month March-October, actual and forecast alike: variance 0. Portfolio:
  budget 1600, actual to date 610 + 200 = 810, outturn 1660, variance -60.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from pmo_workbench import reports
from pmo_workbench.notebook import show as display
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from tests.reports.test_reports import FORMATS, _chart_count, _open_offline

runner = CliRunner()
HOSTILE = '<script>alert("p")</script> & Sons'
AS_OF = "2026-06-30"

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
MONTH_ENDS = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31",
              "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31"]
P1_PV = [100, 200, 280, 360, 380, 400, 500, 600, 700, 800, 900, 1000]

SHEETS = {
    "projects": [
        ["project_id", "name", "pmo", "sponsor", "status", "start", "finish", "bac", "pv", "ev", "ac",
         "strategic_value", "mandatory", "category", "score_value", "score_urgency"],
        ["P1", "Alpha build", "Corporate", "Ann", "active", "2026-01-01", "2026-12-31", 1000, 400, 300, 400, 8, "yes",
         "IT", 8, 6],
        ["P2", "Beta rollout", "Digital", "Ben", "active", "2026-03-01", "2026-10-31", 500, 200, 200, 190, 6, "no",
         "IT", 6, 8],
        ["P3", "Gamma study", "Digital", "Cy", "proposed", "2026-09-01", "2027-03-31", 300, 0, 0, 0, 5, "no",
         "Ops", 4, 4],
        ["P4", "Delta upgrade", "Corporate", "Di", "closed", "2025-06-01", "2026-03-31", 200, 200, 200, 220, 4, "no",
         "Ops", 5, 2],
        ["P5", "Epsilon pilot", "Corporate", "Ed", "cancelled", "2026-01-01", "2026-08-31", 100, 50, 20, 30, 2, "no",
         "Ops", 2, 2],
    ],
    "baseline": [["project_id", "period_end", "cumulative_pv"], *[["P1", d, v] for d, v in zip(MONTH_ENDS, P1_PV)]],
    "risks": [
        ["risk_id", "project_id", "title", "kind", "probability", "impact", "owner", "category", "status"],
        ["R1", "P1", "Vendor late", "threat", 0.5, 200, "Ann", "Supply", "open"],
        ["R2", "P2", "Reuse of a component", "opportunity", 0.3, 50, "Ben", "Technical", "open"],
        ["R3", "", "Budget freeze", "threat", 0.9, 1000, "Board", "Financial", "open"],
    ],
    "dependencies": [
        ["from_project", "to_project", "needed_by", "kind"],
        ["P2", "P1", "2026-10-01", "deliverable"],
        ["P3", "P2", "", "finish-to-start"],
    ],
    "assignments": [
        ["project_id", "role", "month", "demand_fte"],
        ["P1", "Analyst", "2026-07", 1.0],
        ["P2", "Analyst", "2026-07", 1.0],
        ["P1", "Analyst", "2026-08", 0.5],
    ],
    "capacity": [["role", "month", "capacity_fte"], ["Analyst", "2026-07", 1.5], ["Analyst", "2026-08", 1.5]],
    "criteria": [["criterion", "weight"], ["value", 3], ["urgency", 1]],
    "pmos": [["pmo", "parent", "level"], ["Enterprise", "", "enterprise"], ["Corporate", "Enterprise", "portfolio"],
             ["Digital", "Enterprise", "portfolio"]],
    "milestones": [["project_id", "milestone", "planned", "forecast", "actual", "gate", "decision_needed"],
                   ["P1", "Design approved", "2026-03-31", "", "2026-04-10", "yes", "no"],
                   ["P1", "Build complete", "2026-06-15", "2026-08-14", "", "yes", "yes"],
                   ["P2", "Go live", "2026-06-01", "", "", "no", "no"]],
    "benefits": [["project_id", "benefit", "measure", "planned", "forecast", "realised", "owner", "due"],
                 ["P1", "Lower running cost", "", 1000, 800, 200, "Ann", "2027-03-31"],
                 ["P2", "Staff hours saved", "hours", 500, 500, 100, "Ben", "2026-06-01"]],
    "financials": [["project_id", "month", "budget", "actual", "forecast"],
                   *[["P1", m, 100, {"2026-05": 120, "2026-06": 90}.get(m, 100) if m <= "2026-06" else "",
                      150 if m == "2026-07" else "" if m <= "2026-06" else 100] for m in MONTHS],
                   *[["P2", m, 50, 50 if m <= "2026-06" else "", "" if m <= "2026-06" else 50] for m in MONTHS[2:10]]],
    # May's reports: P1 EV 290 / AC 370, P2 140 / 150; summed PV 530, EV 430, AC 520: CPI 0.8269, SPI 0.8113;
    # June (the projects sheet) CPI 0.8475, SPI 0.8333: +0.021 and +0.022 over the same two projects.
    "status_history": [["project_id", "status_date", "pv", "ev", "ac", "reported_rag"],
                       ["P1", "2026-05-31", 380, 290, 370, "amber"], ["P2", "2026-05-31", 150, 140, 150, "amber"]],
}


def write_folder(folder: Path, sheets: dict[str, list[list]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
    return folder


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    return write_folder(tmp_path_factory.mktemp("portfolio") / "acme", SHEETS)


# --- the analysis and its JSON -------------------------------------------------------------------

def test_json_has_the_hand_worked_numbers(workbook):
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--budget", "1300",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    p1 = next(p for p in data["projects"] if p["project_id"] == "P1")
    assert p1 == {"project_id": "P1", "status": "active", "schedule_basis": "SPI(t)",
                  "cv": -100.0, "sv": -100.0, "cpi": 0.75, "spi": 0.75, "eac": 1333.33,
                  "etc": 933.33, "vac": -333.33, "tcpi": 1.1667, "es": 3.25, "spi_t": 0.5417,
                  "rag_cost": "red", "rag_schedule": "red", "rag": "red"}
    p2 = next(p for p in data["projects"] if p["project_id"] == "P2")
    assert (p2["cpi"], p2["rag_cost"], p2["rag_schedule"], p2["rag"]) == (1.0526, "amber", "green", "amber")
    assert data["portfolio"] == {"pv": 600.0, "ev": 500.0, "ac": 590.0, "bac": 1500.0, "cv": -90.0,
                                 "sv": -100.0, "cpi": 0.8475, "spi": 0.8333, "eac": 1808.33, "eac_index": 1770.0,
                                 "vac": -308.33, "projects": 2, "excluded": 0, "eac_from_bac": 0}
    assert (data["closed"]["bac"], data["closed"]["ac"], data["closed"]["cpi"]) == (200.0, 220.0, 0.9091)
    assert [(p["project_id"], p["rag"]) for p in data["projects"] if p["status"] in ("closed", "cancelled")] == [
        ("P4", "closed"), ("P5", "cancelled")]
    assert p1["schedule_basis"] == "SPI(t)" and p2["schedule_basis"] == "SPI"
    by_pmo = {p["pmo"]: p for p in data["by_pmo"]}
    assert list(by_pmo) == ["Enterprise", "Corporate", "Digital"]
    corporate, digital, enterprise = by_pmo["Corporate"], by_pmo["Digital"], by_pmo["Enterprise"]
    assert (corporate["cpi"], corporate["spi"], corporate["red"], corporate["eac"], corporate["closed"]) == (
        0.75, 0.75, 1, 1333.33, 1)
    assert (digital["cpi"], digital["spi"], digital["amber"], digital["eac"]) == (1.0526, 1.0, 1, 475.0)
    assert (enterprise["cpi"], enterprise["eac"], enterprise["projects"], enterprise["own_projects"]) == (
        0.8475, 1808.33, 5, 0)
    assert {s["sponsor"]: s["in_flight"] for s in data["by_sponsor"]} == {
        "Ann": 1, "Ben": 1, "Cy": 0, "Di": 0, "Ed": 0}
    assert data["by_objective"] is None  # the workbook has no objective column
    assert data["risks"]["totals"]["threat_emv"] == -1000.0
    assert data["risks"]["totals"]["opportunity_emv"] == 15.0
    assert data["dependencies"]["cycles"] == []
    assert data["dependencies"]["conflicts"][0]["days_late"] == 91
    assert data["resources"]["over_allocations"][0]["excess_fte"] == 0.5
    # both analysts in 2026-07 work on active projects: committed; the selection (P1, with P2 under way) keeps them
    assert data["resources"]["over_allocations"][0]["committed_excess_fte"] == 0.5
    assert (data["resources"]["totals"]["committed_over_cells"], data["resources"]["totals"]["pipeline_only_cells"],
            data["resources"]["totals"]["selection_over_cells"]) == (1, 0, 1)
    # P1 2026-01-01 to P3 2027-03-31: 454 days; P2 needs P1 91 days late, P3 needs P2 at its start, 60 days late
    assert data["dependencies"]["longest_chain"] == ["P1", "P2", "P3"]
    assert data["dependencies"]["longest_chain_days"] == 454
    assert [(link["from_project"], link["needed_by_source"], link["slack_days"])
            for link in data["dependencies"]["links_at_risk"]] == [("P2", "needed_by", -91), ("P3", "start", -60)]
    assert "critical_chain" not in data["dependencies"]
    assert data["risks"]["totals"]["exposure_label"] == "threat EMV"
    assert data["selection"]["selected"] == ["P1"]
    assert data["selection"]["total_cost"] == 933.33


def test_json_has_null_for_absent_sheets(tmp_path):
    folder = write_folder(tmp_path / "bare", {"projects": [row[:-2] for row in SHEETS["projects"]]})  # no scores
    result = runner.invoke(app, ["portfolio", str(folder), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["risks"], data["resources"], data["dependencies"], data["selection"]) == (None, None, None, None)
    assert data["portfolio"]["cpi"] == 0.8475


def test_table_output_names_the_projects_and_findings(workbook):
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "Alpha build" not in result.stdout or "P1" in result.stdout
    assert "P1" in result.stdout and "red" in result.stdout and "CPI 0.85" in result.stdout


def test_currency_comes_from_the_option_and_a_conflict_with_the_workbook_exits_2(workbook, tmp_path):
    plain = json.loads(runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--format", "json"]).stdout)
    assert plain["currency"] is None  # neither the workbook nor the command says: plain numbers
    given = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--currency", "gbp"])
    assert given.exit_code == 0, given.output
    # BAC 1500 and EAC 1808.33 of the in-flight projects, compact; the table's headings carry the symbol
    assert "BAC £1.5k, EAC £1.8k" in given.stdout and "BAC (£)" in given.stdout
    rows = [list(r) + (["currency"] if i == 0 else ["GBP"]) for i, r in enumerate(SHEETS["projects"])]
    folder = write_folder(tmp_path / "pounds", {"projects": rows, "criteria": SHEETS["criteria"]})
    same = runner.invoke(app, ["portfolio", str(folder), "--as-of", AS_OF, "--currency", "GBP", "--format", "json"])
    assert same.exit_code == 0 and json.loads(same.stdout)["currency"] == "GBP"
    for code, message in (("EUR", "the workbook's currency column says GBP but the currency given is EUR"),
                          ("XX", "'XX' is not a currency code")):
        result = runner.invoke(app, ["portfolio", str(folder), "--as-of", AS_OF, "--currency", code])
        assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
        report = runner.invoke(app, ["report", "portfolio", "-p", str(folder), "-o", "Acme", "--out",
                                     str(tmp_path / "out"), "--currency", code])
        assert report.exit_code == 2 and message in report.stderr


def test_invalid_workbook_exits_2_with_sheet_row_and_column(tmp_path):
    rows = [list(r) for r in SHEETS["projects"]]
    rows[2][7] = "lots"  # P2's bac: spreadsheet row 3
    folder = write_folder(tmp_path / "bad", {"projects": rows})
    result = runner.invoke(app, ["portfolio", str(folder), "--as-of", AS_OF])
    assert result.exit_code == 2
    assert re.search(r"projects\.csv:3:bac: .*lots", result.stderr)
    assert "nothing was written" in result.stderr


@pytest.mark.parametrize("args", [["--as-of", "30/06/2026"], ["--budget", "-5"], ["--format", "xml"]])
def test_bad_options_exit_2(workbook, args):
    assert runner.invoke(app, ["portfolio", str(workbook), *args]).exit_code == 2


# --- the notebook under the report engine -------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(workbook, tmp_path_factory):
    out = tmp_path_factory.mktemp("portfolio-reports")
    manifest = workbook.parent / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["report", "organisation", "portfolio", "as_of", "budget", "currency"])
        writer.writerow(["portfolio", "Acme", "acme", AS_OF, "1300", "GBP"])
        writer.writerow(["portfolio", HOSTILE, "acme", AS_OF, "", ""])
    result = runner.invoke(app, ["batch", str(manifest), "--out", str(out), "--jobs", "2", "--format", FORMATS])
    return out, result


def _nb(path: Path):
    return nbformat.read(path, as_version=4)


@pytest.mark.slow
def test_portfolio_reports_render_and_are_indexed(rendered):
    out, result = rendered
    assert result.exit_code == 0, result.output
    assert (out / "acme-portfolio.html").is_file() and (out / "acme-portfolio.ipynb").is_file()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="portfolios"' in page and 'href="acme-portfolio.html"' in page
    row = re.search(r'<tr data-report="acme-portfolio">(.*?)</tr>', page, flags=re.S).group(1)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    assert cells[:9] == ["Acme", AS_OF, "5", "2", "1", "1", "0", "0.85", "0.83"]


@pytest.mark.slow
def test_notebook_records_match_the_package(rendered, workbook):
    out, _ = rendered
    records = display.read_records(_nb(out / "acme-portfolio.ipynb"))
    expected = json.loads(json.dumps(analyse_portfolio(read_portfolio(workbook), as_of=AS_OF, budget=1300,
                                                       frontier=True, currency="GBP").to_dict()))
    for analysis in (records["analysis"], expected):     # the solve's wall time differs from run to run
        assert analysis["selection"]["solver"].pop("seconds") >= 0
    assert records["analysis"] == expected
    assert records["headline"]["red"] == 1 and records["headline"]["amber"] == 1
    assert records["portfolio"]["cpi"] == pytest.approx(500 / 590)
    assert records["portfolio"]["eac"] == pytest.approx(1333.33 + 475, abs=0.01)
    assert any("cycle" not in a and "P1" in a for a in records["actions"])
    assert any(a.startswith("Watch the longest dependency chain P1 → P2 → P3 (454 days") for a in records["actions"])
    assert not any("critical chain" in a or "moves every later project" in a for a in records["actions"])


@pytest.mark.slow
def test_report_sections_use_the_new_wording(rendered):
    out, _ = rendered
    html = (out / "acme-portfolio.html").read_text(encoding="utf-8")
    assert "Longest dependency chain (454 days" in html and "Late links, latest first (2 of 2)" in html
    # one count of late links in the headline's action and the dependency section, with its definition
    assert html.count("2 of 2 dated links between open projects are late at the status date 2026-06-30") >= 2
    assert "is late when B is expected to finish after the date A needs it, at the status date 2026-06-30" in html
    assert "critical chain" not in html.lower()
    assert "Committed excess" in html and "With the selection" in html
    assert "whether or not they are independent" in html
    assert "<caption>Decisions needed, soonest first</caption>" in html  # Build complete needs a decision
    assert "<caption>Benefits per measure</caption>" in html
    # the sentence gives money in full, as the tables below it do (1,600, not 1.6k)
    assert ("Financial year 2026 (2026-01 to 2026-12, 6 months to date): in-year budget £1,600, actual to date £810, "
            "forecast outturn £1,660, variance -£60.") in html
    assert '<p class="kicker">Portfolio report</p>' in html
    # The manifest's currency: the tile of the portfolio EAC 1808.33 against BAC 1500, and the headings.
    assert "£1.8k" in html and "against a budget of £1.5k" in html and "BAC (£)" in html
    # The late links name both projects of a link by id and name.
    assert re.search(r"<td[^>]*>P2 — Beta rollout</td>\s*<td[^>]*>P1 — Alpha build</td>", html)
    # By PMO: Corporate's open threats, R1 0.5 x 200.
    assert "Open threats: EMV -£100." in html
    # R3 (-900) names no project: stated beside the by-PMO threats, so they reconcile to the total of -1,000.
    assert "Open threats attached to no project of the workbook (portfolio-level): EMV -£900" in html
    assert "each PMO with the PMOs under it, as in the By PMO section." in html   # the per-PMO trend chart
    assert "the in-flight CPI went from 0.83 to 0.85 (+0.021)" in html   # the trends, worked out with SHEETS


@pytest.mark.slow
def test_portfolio_html_is_offline_safe_and_escaped(rendered):
    out, _ = rendered
    html = (out / "acme-portfolio.html").read_text(encoding="utf-8")
    remote = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", html,
                        flags=re.IGNORECASE)
    assert remote == []
    assert "import pandas" not in html and "pmo-workbench.record" not in html
    hostile = next(p for p in out.glob("*-portfolio.html") if p.name != "acme-portfolio.html")
    text = hostile.read_text(encoding="utf-8")
    assert '<script>alert("p")' not in text and "&lt;script&gt;alert(" in text


@pytest.mark.slow
@pytest.mark.browser
def test_portfolio_report_opens_offline_with_every_chart_rendered(rendered, chromium):
    out, _ = rendered
    seen = _open_offline(out / "acme-portfolio.html")
    assert seen["interactive"] == _chart_count(out / "acme-portfolio.ipynb") >= 8
    assert seen["footer"] == 1 and seen["errors"] == [] and seen["remote"] == []


@pytest.mark.slow
def test_portfolio_pdf_has_pages(rendered, chromium):
    from pypdf import PdfReader

    out, _ = rendered
    pdf = PdfReader(out / "acme-portfolio.pdf")
    assert len(pdf.pages) > 2 and "Acme" in pdf.pages[0].extract_text()


def test_manifest_checks_portfolio_rows(tmp_path, workbook):
    manifest = tmp_path / "m.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["report", "organisation", "portfolio", "responses", "budget", "as_of", "currency"])
        writer.writerow(["portfolio", "A", "", "", "", "", "pounds"])
        writer.writerow(["portfolio", "B", "missing-folder", "", "-1", "", ""])
        writer.writerow(["portfolio", "C", str(workbook), str(workbook / "projects.csv"), "", "31/12/2026", ""])
    with pytest.raises(InputValidationError) as caught:
        reports.read_manifest(manifest, allowed=(workbook.parent,))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert {(2, "portfolio"), (2, "currency"), (3, "portfolio"), (3, "budget"), (4, "responses"),
            (4, "as_of")} <= found


def test_table_output_shows_brackets_in_names_as_text(tmp_path):
    rows = [list(r[:-2]) for r in SHEETS["projects"][:2]]  # no criteria scores
    rows[1][0], rows[1][1], rows[1][3] = "P[/x]1", "Upgrade [b] phase", ""  # no sponsor: a finding naming it
    folder = write_folder(tmp_path / "brackets", {"projects": rows})
    result = runner.invoke(app, ["portfolio", str(folder), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert "P[/x]1" in result.stdout and "Upgrade [b] phase" in result.stdout


def test_eac_method_and_bands_from_the_command_line(workbook):
    # atypical EAC for P1: 400 + (1000 - 300) = 1100. With green 0.70-1.30 and amber 0.60-1.40, P1's CPI 0.75
    # and SPI(t) 0.5417 rate green and red: still red overall.
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, "--eac-method", "atypical",
                                 "--green", "0.70,1.30", "--amber", "0.6,1.4", "--format", "json"])
    assert result.exit_code == 0, result.output
    p1 = next(p for p in json.loads(result.stdout)["projects"] if p["project_id"] == "P1")
    assert (p1["eac"], p1["rag_cost"], p1["rag_schedule"], p1["rag"]) == (1100.0, "green", "red", "red")


@pytest.mark.parametrize("args, message", [
    (["--green", "1.1"], "not a band"),
    (["--green", "1.05,0.95"], "low first"),
    (["--green", "0.8,1.2"], "must nest"),
    (["--eac-method", "average"], "average"),
])
def test_bad_bands_and_methods_exit_2(workbook, args, message):
    result = runner.invoke(app, ["portfolio", str(workbook), "--as-of", AS_OF, *args])
    assert result.exit_code == 2 and message in result.output


def test_manifest_passes_eac_method_and_bands_and_checks_them(tmp_path, workbook):
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "reports:\n"
        f"  - {{report: portfolio, organisation: A, portfolio: {workbook}, eac_method: cost_schedule,\n"
        "     green: '0.9,1.1', amber: [0.8, 1.2]}\n", encoding="utf-8")
    spec = reports.read_manifest(manifest, allowed=(workbook.parent,))[0]
    assert spec.parameters["eac_method"] == "cost_schedule"
    assert spec.parameters["thresholds"] == {"green": [0.9, 1.1], "amber": [0.8, 1.2]}
    bad = tmp_path / "bad.csv"
    bad.write_text("report,organisation,portfolio,green,amber,eac_method\n"
                   f"portfolio,A,{workbook},\"1.1\",,\n"
                   f"portfolio,B,{workbook},,\"0.99,1.01\",\n"
                   f"portfolio,C,{workbook},,,average\n"
                   "positioning,D,,\"0.9,1.1\",,\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        reports.read_manifest(bad, allowed=(workbook.parent,))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert {(2, "green"), (3, "amber"), (4, "eac_method"), (5, "green"), (5, "responses")} <= found
