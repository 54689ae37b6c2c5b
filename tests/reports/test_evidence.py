"""Portfolio evidence beside perception: the counts, the PMO matching, the verdict, the CLI and the JSON.

The instrument ``tri`` has the four dimensions the portfolio speaks to, two items each, on a 1-5 scale
(an answer a scores 25 * (a - 1); levels at 20, 40, 60, 80). Three executives per PMO answer alike:

- *Digital PMO*: resources 5 (100, level 5, strong), portfolio 2 (25, level 2, weak), monitoring 4 (75,
  level 4, strong), strategy 1 (0, level 1, weak);
- *Corporate PMO*: 3 everywhere (50, level 3: strong, the lowest strong level);
- *Research PMO*: 3 everywhere, and no project in the workbook.

The workbook (status date 2026-06-30), worked out by hand:

- projects: D1 (pmo written " digital pmo", active, reported 2026-06-20: 10 days old), D2 ("DIGITAL PMO",
  active, reported 2026-04-30: 61 days, stale past 35), D3 ("Digital PMO", proposed, no value, no objective),
  C1 (Corporate PMO, active, no status date: stale), C2 (Corporate PMO, closed), X1 (Estates PMO, not
  assessed, active, reported 2026-06-29). Objectives: D1, C1 "Grow", X1 "Save"; D2, D3 none.
- dependencies: D2 needs C1 by 2026-09-01, C1 finishes 2026-10-31: 60 days late (a conflict);
  D1 needs X1 by 2026-12-31, X1 finishes 2026-11-30 (31 days of slack).
- Analysts: 2026-07 D1 1.0 + C1 1.0 against 1.5 (over-allocated), 2026-08 D1 0.5 against 1.5;
  Testers: 2026-07 X1 1.0 against 0.5 (over-allocated). All committed (active projects).

Digital PMO (D1, D2, D3): Analyst role-months 07 and 08, 1 over: 1 of 2 (50 %); links D2-C1 and D1-X1, 1
conflict: 1 of 2; open D1-D3, D3 unvalued: 1 of 3; in flight D1, D2, D2 stale: 1 of 2; D2, D3 without
objective: 2 of 3. Corporate PMO (C1, C2): 1 of 1 role-month; 1 of 1 link; 0 of 1 unvalued; 1 of 1 stale;
0 of 1 without objective. Organisation-wide: 2 of 3 role-months (Analyst 07, Tester 07; 2 roles).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmo_workbench import assess, load_instrument
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio
from pmo_workbench.reports import evidence as ev
from pmo_workbench.reports.manifest import read_manifest
from tests.helpers import minimal_project, write_portfolio

runner = CliRunner()
AS_OF = "2026-06-30"
TRI_YAML = textwrap.dedent("""\
    id: tri
    version: "0.1"
    title: Triangulation test instrument
    scale: {min: 1, max: 5}
    maturity_thresholds: [20, 40, 60, 80]
    roles:
      - {id: executive, label: Executive}
    dimensions:
      - {id: resources, label: Resources, items: [{id: R1, text: r one}, {id: R2, text: r two}]}
      - {id: portfolio, label: Portfolio, items: [{id: F1, text: f one}, {id: F2, text: f two}]}
      - {id: monitoring, label: Monitoring, items: [{id: M1, text: m one}, {id: M2, text: m two}]}
      - {id: strategy, label: Strategy, items: [{id: S1, text: s one}, {id: S2, text: s two}]}
    types:
      - {id: basic, label: Basic, gates: {resources: 40}}
    """)
ANSWERS = {"Digital PMO": {"R": 5, "F": 2, "M": 4, "S": 1}, "Corporate PMO": {"R": 3, "F": 3, "M": 3, "S": 3},
           "Research PMO": {"R": 3, "F": 3, "M": 3, "S": 3}}


def _project(pid, pmo, status, **more):
    defaults = {"start": "2026-01-01", "finish": "2026-12-31", "strategic_value": 5, "objective": None,
                "status_date": None}
    return minimal_project(project_id=pid, name=f"Project {pid}", pmo=pmo, status=status, **{**defaults, **more})


SHEETS = {
    "projects": [
        _project("D1", " digital pmo", "active", objective="Grow", status_date="2026-06-20"),
        _project("D2", "DIGITAL PMO", "active", status_date="2026-04-30"),
        _project("D3", "Digital PMO", "proposed", strategic_value=None),
        _project("C1", "Corporate PMO", "active", objective="Grow", finish="2026-10-31"),
        _project("C2", "Corporate PMO", "closed", objective="Grow", finish="2026-03-31"),
        _project("X1", "Estates PMO", "active", objective="Save", status_date="2026-06-29", finish="2026-11-30"),
    ],
    "dependencies": [
        {"from_project": "D2", "to_project": "C1", "needed_by": "2026-09-01", "kind": "deliverable"},
        {"from_project": "D1", "to_project": "X1", "needed_by": "2026-12-31", "kind": "deliverable"},
    ],
    "assignments": [
        {"project_id": "D1", "role": "Analyst", "month": "2026-07", "demand_fte": 1.0},
        {"project_id": "C1", "role": "Analyst", "month": "2026-07", "demand_fte": 1.0},
        {"project_id": "D1", "role": "Analyst", "month": "2026-08", "demand_fte": 0.5},
        {"project_id": "X1", "role": "Tester", "month": "2026-07", "demand_fte": 1.0},
    ],
    "capacity": [
        {"role": "Analyst", "month": "2026-07", "capacity_fte": 1.5},
        {"role": "Analyst", "month": "2026-08", "capacity_fte": 1.5},
        {"role": "Tester", "month": "2026-07", "capacity_fte": 0.5},
    ],
}


def _write_responses(path: Path, pmos: dict[str, dict[str, int]], organisation: str = "Acme") -> Path:
    lines = ["organisation,pmo,respondent,role,item,value"]
    for pmo, values in pmos.items():
        for n in range(3):
            for prefix, value in values.items():
                lines += [f"{organisation},{pmo},{pmo[:3]}-{n},executive,{prefix}{i},{value}" for i in (1, 2)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("evidence")
    (folder / "tri.yaml").write_text(TRI_YAML, encoding="utf-8")
    responses = _write_responses(folder / "responses.csv", ANSWERS)
    workbook = write_portfolio(folder, SHEETS, name="acme")
    return folder, responses, workbook


@pytest.fixture(scope="module")
def assessed(inputs):
    from pmo_workbench import read_responses

    folder, responses, _ = inputs
    ins = load_instrument(folder / "tri.yaml")
    return assess(read_responses(responses, ins), ins)


@pytest.fixture(scope="module")
def analysis(inputs):
    return analyse_portfolio(read_portfolio(inputs[2]), as_of=AS_OF)


def _table(found, pmo):
    rows = found.get(pmo).rows
    return {r.measure: (r.count, r.out_of, r.evidence, r.verdict) for r in rows.itertuples()}


# --- the counts, per PMO ------------------------------------------------------------------------

def test_each_pmo_gets_the_hand_worked_counts_and_verdicts(assessed, analysis):
    found = ev.portfolio_evidence(assessed.assessments, analysis)
    # Digital: resources strong (level 5) with a problem: contradicts; portfolio weak (2) with problems: supports;
    # monitoring strong (4), 1 of 2 stale: contradicts; strategy weak (1), 2 of 3 without objective: supports.
    assert _table(found, "Digital PMO") == {
        "over_allocation": (1, 2, "problem", "contradicts"),
        "dependency_conflicts": (1, 2, "problem", "supports"),
        "unvalued": (1, 3, "problem", "supports"),
        "stale_updates": (1, 2, "problem", "contradicts"),
        "no_objective": (2, 3, "problem", "supports"),
    }
    # Corporate: level 3 everywhere is strong; clean evidence supports it, a problem contradicts it.
    assert _table(found, "Corporate PMO") == {
        "over_allocation": (1, 1, "problem", "contradicts"),
        "dependency_conflicts": (1, 1, "problem", "contradicts"),
        "unvalued": (0, 1, "clean", "supports"),
        "stale_updates": (1, 1, "problem", "contradicts"),
        "no_objective": (0, 1, "clean", "supports"),
    }
    digital = found.get("Digital PMO")
    # the reader trims the cell; the first spelling names the PMO, all three spellings are its projects
    assert (digital.scope, digital.workbook_pmo, digital.projects) == ("pmo", "digital pmo", 3)
    sentences = dict(zip(digital.rows["measure"], digital.rows["sentence"]))
    assert sentences["over_allocation"] == ("1 role is over-allocated by committed work in 1 of 2 role-months with "
                                            "demand, in July 2026.")
    assert sentences["dependency_conflicts"].startswith("1 of 2 dated dependencies is in conflict")
    assert "up to 60 days late" in sentences["dependency_conflicts"]
    assert sentences["stale_updates"] == ("1 of 2 in-flight projects last reported more than 35 days before "
                                          "30 June 2026 (or never).")


def test_a_pmo_without_projects_is_said_so_and_unassessed_pmos_are_named(assessed, analysis):
    found = ev.portfolio_evidence(assessed.assessments, analysis)
    research = found.get("Research PMO")
    assert (research.scope, research.projects, research.rows.empty) == ("none", 0, True)
    assert research.note == "The portfolio workbook holds no project of Research PMO."
    assert found.unassessed == ("Estates PMO",)


def test_no_matching_pmo_gives_the_organisation_wide_figures_labelled_as_such(assessed, analysis):
    digital = [a for a in assessed.assessments if a.pmo == "Digital PMO"]
    renamed = [a.__class__(**{**a.__dict__, "pmo": "Digital Services"}) for a in digital]
    found = ev.portfolio_evidence(renamed, analysis)
    e = found.get("Digital Services")
    assert e.scope == "organisation" and e.projects == 6 and "organisation-wide" in e.note
    # Analyst 07 and Tester 07 over-allocated, of Analyst 07, Analyst 08 and Tester 07: 2 roles, 2 of 3.
    over = e.rows.set_index("measure").loc["over_allocation"]
    assert (over["count"], over["out_of"]) == (2, 3)
    assert over["sentence"] == ("2 roles are over-allocated by committed work in 2 of 3 role-months with demand, "
                                "in July 2026.")
    assert found.unassessed == ()


@pytest.mark.parametrize("assessed_pmos, workbook, expected", [
    (["Digital PMO"], ["  DIGITAL pmo "], {"Digital PMO": "  DIGITAL pmo "}),    # case and spaces
    (["A", "B"], ["a", "C"], {"A": "a", "B": None}),                            # B has no projects
    (["A"], ["C", None, ""], None),                                              # nothing matches: org-wide
    (["A"], [], None),
])
def test_matching_pmo_names(assessed_pmos, workbook, expected):
    assert ev.match_pmos(assessed_pmos, workbook) == expected


def test_missing_sheets_and_dates_give_no_evidence(assessed, tmp_path):
    bare = write_portfolio(tmp_path, {"projects": [_project("D1", "Digital PMO", "active")]})
    found = ev.portfolio_evidence(assessed.assessments, analyse_portfolio(read_portfolio(bare), as_of=AS_OF))
    table = _table(found, "Digital PMO")
    # no assignments/capacity, dependencies or status date: nothing to count; D1 has a value but no objective
    assert [table[m][3] for m in ("over_allocation", "dependency_conflicts", "stale_updates")] == ["no_evidence"] * 3
    assert table["unvalued"] == (0, 1, "clean", "not_shown")        # portfolio perceived weak, evidence clean
    assert table["no_objective"] == (1, 1, "problem", "supports")


# --- the verdict rule ---------------------------------------------------------------------------

@pytest.mark.parametrize("count, share, state", [
    (0, 0.0, "clean"), (1, 0.0999, "some issues"), (1, ev.PROBLEM_SHARE, "problem"), (3, 1.0, "problem"),
    (None, None, None),
])
def test_evidence_state_cut_off(count, share, state):
    assert ev.evidence_state(count, share) == state


@pytest.mark.parametrize("level, state, expected", [
    (ev.STRONG_LEVEL, "problem", "contradicts"),          # the lowest strong level, a problem
    (ev.STRONG_LEVEL, "some issues", "supports"),
    (ev.STRONG_LEVEL, "clean", "supports"),
    (ev.STRONG_LEVEL - 1, "clean", "not_shown"),          # perceived weak, nothing wrong in the portfolio
    (ev.STRONG_LEVEL - 1, "some issues", "supports"),
    (ev.STRONG_LEVEL - 1, "problem", "supports"),
    (None, "problem", "no_score"),
    (4, None, "no_evidence"),
])
def test_verdict_rule(level, state, expected):
    assert ev.verdict(level, state) == expected


# --- the CLI: JSON and bad input ----------------------------------------------------------------

def test_score_json_carries_the_evidence_block(inputs):
    folder, responses, workbook = inputs
    result = runner.invoke(app, ["score", str(responses), "--instrument", str(folder / "tri.yaml"), "--portfolio",
                                 str(workbook), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    block = json.loads(result.stdout)["evidence"]
    assert (block["organisation"], block["as_of"], block["unassessed_pmos"]) == ("Acme", AS_OF, ["Estates PMO"])
    assert block["cut_offs"] == {"strong_level": ev.STRONG_LEVEL, "problem_share": ev.PROBLEM_SHARE,
                                 "stale_after_days": 35}
    digital = next(p for p in block["pmos"] if p["pmo"] == "Digital PMO")
    stale = next(m for m in digital["measures"] if m["measure"] == "stale_updates")
    # monitoring: 3 x answer 4 = 75, level 4; 1 of 2 in-flight projects stale
    assert {k: stale[k] for k in ("dimension", "score", "level", "count", "out_of", "share", "verdict")} == {
        "dimension": "monitoring", "score": 75.0, "level": 4, "count": 1, "out_of": 2, "share": 0.5,
        "verdict": "contradicts"}


def test_score_without_portfolio_has_no_evidence_block(inputs):
    folder, responses, _ = inputs
    result = runner.invoke(app, ["score", str(responses), "--instrument", str(folder / "tri.yaml"), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "evidence" not in json.loads(result.stdout)


def _bad_workbook(tmp_path: Path) -> Path:
    return write_portfolio(tmp_path, {"projects": [_project("D1", "Digital PMO", "active", bac="lots")]})


@pytest.mark.parametrize("command", ["score", "report"])
@pytest.mark.parametrize("case", ["missing", "invalid", "as_of_alone"])
def test_bad_portfolio_input_exits_2_with_located_messages(inputs, tmp_path, command, case):
    folder, responses, _ = inputs
    workbook = {"missing": tmp_path / "nowhere.xlsx", "invalid": _bad_workbook(tmp_path), "as_of_alone": None}[case]
    extra = (["--portfolio", str(workbook)] if workbook else []) + ["--as-of", AS_OF]
    if command == "score":
        args = ["score", str(responses), "--instrument", str(folder / "tri.yaml"), *extra]
    else:
        args = ["report", "positioning", "--responses", str(responses), "--organisation", "Acme", "--instrument",
                str(folder / "tri.yaml"), "--out", str(tmp_path / "out"), *extra]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    expected = {"missing": "nowhere.xlsx:-:-: no such file or folder", "invalid": r"projects\.csv:2:bac: .*lots",
                "as_of_alone": "--portfolio"}[case]
    assert re.search(expected, result.stderr)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_score_names_the_organisation_when_the_answers_hold_several(inputs, tmp_path):
    folder, _, workbook = inputs
    two = _write_responses(tmp_path / "two.csv", {"Digital PMO": ANSWERS["Digital PMO"]})
    two.write_text(two.read_text() + _write_responses(tmp_path / "b.csv", {"X": ANSWERS["Digital PMO"]}, "Beta")
                   .read_text().split("\n", 1)[1], encoding="utf-8")
    base = ["score", str(two), "--instrument", str(folder / "tri.yaml"), "--portfolio", str(workbook), "-f", "json"]
    result = runner.invoke(app, base)
    assert result.exit_code == 2 and "--organisation" in result.stderr
    result = runner.invoke(app, [*base, "--organisation", "Acme", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert [p["pmo"] for p in json.loads(result.stdout)["evidence"]["pmos"]] == ["Digital PMO"]


# --- the manifest and the report spec -----------------------------------------------------------

def test_manifest_portfolio_columns_reach_the_positioning_report(inputs):
    folder, _, workbook = inputs
    manifest = folder / "manifest.csv"
    manifest.write_text("report,organisation,responses,instrument,portfolio,as_of\n"
                        f"positioning,Acme,responses.csv,tri.yaml,{workbook.name},{AS_OF}\n", encoding="utf-8")
    (spec,) = read_manifest(manifest)
    assert (spec.parameters["portfolio"], spec.parameters["as_of"]) == (str(workbook.resolve()), AS_OF)
    # every CSV of the folder is an input: a changed workbook renders the report again
    assert {str(p) for p in workbook.resolve().glob("*.csv")} <= set(spec.inputs)


def test_manifest_as_of_without_portfolio_is_a_located_problem(inputs):
    folder, _, _ = inputs
    manifest = folder / "bad-manifest.csv"
    manifest.write_text("report,organisation,responses,instrument,as_of\n"
                        f"positioning,Acme,responses.csv,tri.yaml,{AS_OF}\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "as_of")]



def test_a_pmo_over_others_counts_their_projects_too(assessed, tmp_path):
    # pmos sheet: Corporate PMO at the top, Digital PMO and Estates PMO under it. Corporate's figures then cover
    # C1, C2, D1-D3 and X1 (6 projects): in flight D1, D2, C1, X1, of which D2 (61 days) and C1 (no date) are
    # stale: 2 of 4. Digital PMO keeps its own three projects.
    sheets = {**SHEETS, "pmos": [{"pmo": "Corporate PMO", "parent": None, "level": "enterprise"},
                                 {"pmo": "Digital PMO", "parent": "Corporate PMO", "level": "portfolio"},
                                 {"pmo": "Estates PMO", "parent": "Corporate PMO", "level": "portfolio"}]}
    analysis = analyse_portfolio(read_portfolio(write_portfolio(tmp_path, sheets, name="tree")), as_of=AS_OF)
    found = ev.portfolio_evidence(assessed.assessments, analysis)
    corporate = found.get("Corporate PMO")
    assert corporate.projects == 6
    assert corporate.note == ("Figures of the 6 projects the workbook gives to Corporate PMO and the PMOs under it "
                              "(Digital PMO, Estates PMO).")
    assert _table(found, "Corporate PMO")["stale_updates"][:2] == (2, 4)
    assert found.get("Digital PMO").projects == 3
