"""Portfolio evidence beside perception: the counts, the PMO matching, the verdict, the CLI and the JSON.

The instrument ``tri`` has the four dimensions the portfolio speaks to, two items each, on a 1-5 scale
(an answer a scores 25 * (a - 1); levels at 20, 40, 60, 80), and two types: basic (resources 40) and
advanced (monitoring 80, strategy 40). It has no recommendations library, so the summary's priorities are the
dimensions blocking the type above (most points needed first), then the lowest scores. Three executives per PMO
answer alike:

- *Digital PMO*: resources 5 (100, level 5), portfolio 2 (25, level 2), monitoring 4 (75, level 4), strategy 1
  (0, level 1). Basic; advanced needs 5 points on monitoring and 40 on strategy (the gaps). Priorities: strategy,
  monitoring, then portfolio (lowest remaining score). Strengths (level 3 or above, highest first): resources,
  monitoring. So resources is a strength, monitoring and strategy gaps (a gap wins over a strength), portfolio a
  priority.
- *Corporate PMO*: 3 everywhere (50, level 3). Basic; advanced needs 30 points on monitoring (strategy's 50 passes
  its 40). Priorities: monitoring, then resources and portfolio (equal scores, instrument order); strengths the
  first three at level 3 in instrument order: resources, portfolio, monitoring. So monitoring is a gap, resources
  and portfolio priorities, and strategy neither (level 3, but not among the strengths listed).
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

Digital PMO (D1, D2, D3): role-months its committed work draws on: Analyst 07 and 08, 1 over: 1 of 2 (50 %);
links D2-C1 and D1-X1, 1 conflict: 1 of 2; open D1-D3, D3 unvalued: 1 of 3; in flight D1, D2, D2 stale: 1 of 2;
D2, D3 without objective: 2 of 3. Corporate PMO (C1, C2): 1 of 1 role-month; 1 of 1 link; 0 of 1 unvalued; 1 of 1 stale;
0 of 1 without objective. Organisation-wide: 2 of 3 role-months (Analyst 07, Tester 07; 2 roles).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pandas as pd
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
      - {id: advanced, label: Advanced, gates: {monitoring: 80, strategy: 40}}
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
    # Digital: resources a strength with a problem: contradicts; portfolio a priority with problems: supports;
    # monitoring a gap (level 4, but the advanced type needs 5 more points), 1 of 2 stale: supports, not
    # contradicts; strategy a gap, 2 of 3 without objective: supports.
    assert _table(found, "Digital PMO") == {
        "over_allocation": (1, 2, "problem", "contradicts"),
        "dependency_conflicts": (1, 2, "problem", "supports"),
        "unvalued": (1, 3, "problem", "supports"),
        "stale_updates": (1, 2, "problem", "supports"),
        "no_objective": (2, 3, "problem", "supports"),
    }
    # Corporate: resources and portfolio priorities, monitoring a gap: problems support them, a clean count does
    # not show the weakness; strategy is neither a strength nor a gap in the summary: nothing to test.
    assert _table(found, "Corporate PMO") == {
        "over_allocation": (1, 1, "problem", "supports"),
        "dependency_conflicts": (1, 1, "problem", "supports"),
        "unvalued": (0, 1, "clean", "not_shown"),
        "stale_updates": (1, 1, "problem", "supports"),
        "no_objective": (0, 1, "clean", "no_stance"),
    }
    digital = found.get("Digital PMO")
    # the reader trims the cell; the first spelling names the PMO, all three spellings are its projects, and the
    # note says the portfolio report keeps the spellings apart
    assert (digital.scope, digital.workbook_pmo, digital.projects) == ("pmo", "digital pmo", 3)
    assert digital.note == ("Figures of the 3 projects the workbook gives to digital pmo. The workbook writes digital "
                            "pmo in 3 ways (digital pmo, DIGITAL PMO, Digital PMO): they are one PMO here, but the "
                            "portfolio report counts each spelling as a PMO of its own, so its figures by PMO split "
                            "these projects.")
    sentences = dict(zip(digital.rows["measure"], digital.rows["sentence"]))
    assert sentences["over_allocation"] == ("1 role is over-allocated by committed work in 1 of the 2 role-months in "
                                            "which these projects' committed work (active, on hold) draws on a "
                                            "role, in July 2026.")
    assert sentences["dependency_conflicts"] == (
        "1 of 2 dated links between open projects is late at the status date 2026-06-30: the project needed is "
        "expected to finish after the date it is needed by (the worst by 60 days).")
    assert sentences["stale_updates"] == ("1 of 2 in-flight projects last reported more than 35 days before "
                                          "30 June 2026 (or never).")


def test_a_pmo_without_projects_is_said_so_and_unassessed_pmos_are_named(assessed, analysis):
    found = ev.portfolio_evidence(assessed.assessments, analysis)
    research = found.get("Research PMO")
    assert (research.scope, research.projects, research.rows.empty) == ("none", 0, True)
    assert research.note == "The portfolio workbook holds no project of Research PMO."
    assert found.unassessed == ("Estates PMO",)
    assert found.coverage_notes() == ["The workbook's other PMO (Estates PMO) was not assessed; its projects are "
                                      "left out of every PMO's figures."]


def test_no_matching_pmo_gives_the_organisation_wide_figures_labelled_as_such(assessed, analysis):
    digital = [a for a in assessed.assessments if a.pmo == "Digital PMO"]
    renamed = [a.__class__(**{**a.__dict__, "pmo": "Digital Services"}) for a in digital]
    found = ev.portfolio_evidence(renamed, analysis)
    e = found.get("Digital Services")
    assert e.scope == "organisation" and e.projects == 6 and "organisation-wide" in e.note
    # Analyst 07 and Tester 07 over-allocated, of Analyst 07, Analyst 08 and Tester 07: 2 roles, 2 of 3.
    over = e.rows.set_index("measure").loc["over_allocation"]
    assert (over["count"], over["out_of"]) == (2, 3)
    assert over["sentence"] == ("2 roles are over-allocated by committed work in 2 of the 3 role-months in which "
                                "these projects' committed work (active, on hold) draws on a role, in July 2026.")
    assert found.unassessed == ()


@pytest.mark.parametrize("assessed_pmos, workbook, expected", [
    (["Digital PMO"], ["  DIGITAL pmo "], {"Digital PMO": "  DIGITAL pmo "}),    # case and spaces
    (["PMO B", "Enterprise PMO"], [" pmo  b ", "PMO A"], {"PMO B": " pmo  b ", "Enterprise PMO": None}),  # inner
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
    # no assignments/capacity, dependencies or status date: nothing to count; D1 has a value; the objective
    # column is there but blank everywhere: the workbook does not record objectives, which is no evidence
    assert [table[m][3] for m in ("over_allocation", "dependency_conflicts", "stale_updates",
                                  "no_objective")] == ["no_evidence"] * 4
    assert table["unvalued"] == (0, 1, "clean", "not_shown")        # portfolio a priority, evidence clean
    assert all(pd.isna(v) for v in table["no_objective"][:3])         # no count, nothing it is out of
    sentence = found.get("Digital PMO").rows.set_index("measure").loc["no_objective", "sentence"]
    assert sentence == ("No project of the workbook names a strategic objective (its objective column is absent or "
                        "blank): the workbook does not record them, so alignment with strategy cannot be measured.")
    # without the objective column at all (the sample workbooks' case), the same
    no_column = write_portfolio(tmp_path, {"projects": [minimal_project(project_id="D1", pmo="Digital PMO")]},
                                name="nocolumn")
    found = ev.portfolio_evidence(assessed.assessments, analyse_portfolio(read_portfolio(no_column), as_of=AS_OF))
    row = found.get("Digital PMO").rows.set_index("measure").loc["no_objective"]
    assert pd.isna(row["count"]) and row["verdict"] == "no_evidence"
    assert row["sentence"] == sentence


# --- the verdict rule ---------------------------------------------------------------------------

@pytest.mark.parametrize("count, share, state", [
    (0, 0.0, "clean"), (1, 0.0999, "some issues"), (1, ev.PROBLEM_SHARE, "problem"), (3, 1.0, "problem"),
    (None, None, None),
])
def test_evidence_state_cut_off(count, share, state):
    assert ev.evidence_state(count, share) == state


@pytest.mark.parametrize("perceived, state, expected", [
    ("strength", "problem", "contradicts"),         # a listed strength, a problem in the portfolio
    ("strength", "some issues", "supports"),
    ("strength", "clean", "supports"),
    ("gap", "clean", "not_shown"),                  # perceived weak, nothing wrong in the portfolio
    ("priority", "clean", "not_shown"),
    ("low", "clean", "not_shown"),
    ("gap", "problem", "supports"),                 # a gap is never contradicted by a problem
    ("priority", "some issues", "supports"),
    ("split", "problem", "no_stance"),              # split views: no single belief to test
    ("neither", "clean", "no_stance"),
    ("no score", "problem", "no_score"),
    ("not assessed", "problem", "no_score"),
    ("strength", None, "no_evidence"),
])
def test_verdict_rule(perceived, state, expected):
    assert ev.verdict(perceived, state) == expected


# --- the CLI: JSON and bad input ----------------------------------------------------------------

def test_score_json_carries_the_evidence_block(inputs):
    folder, responses, workbook = inputs
    result = runner.invoke(app, ["score", str(responses), "--instrument", str(folder / "tri.yaml"), "--portfolio",
                                 str(workbook), "--as-of", AS_OF, "--format", "json"])
    assert result.exit_code == 0, result.output
    block = json.loads(result.stdout)["evidence"]
    assert (block["organisation"], block["as_of"], block["unassessed_pmos"]) == ("Acme", AS_OF, ["Estates PMO"])
    assert (block["other_assessed_pmos"], block["projects_without_pmo"]) == ([], 0)
    assert block["cut_offs"] == {"strong_level": ev.STRONG_LEVEL, "problem_share": ev.PROBLEM_SHARE,
                                 "stale_after_days": 35}
    digital = next(p for p in block["pmos"] if p["pmo"] == "Digital PMO")
    stale = next(m for m in digital["measures"] if m["measure"] == "stale_updates")
    # monitoring: 3 x answer 4 = 75, level 4, but 5 points short of the advanced gate: a gap; 1 of 2 stale
    assert {k: stale[k] for k in ("dimension", "score", "level", "perceived", "count", "out_of", "share",
                                  "verdict")} == {
        "dimension": "monitoring", "score": 75.0, "level": 4, "perceived": "gap", "count": 1, "out_of": 2,
        "share": 0.5, "verdict": "supports"}


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


@pytest.mark.parametrize(("value", "where", "message"), [
    # a YAML list or mapping where one date belongs was a TypeError from the date reader
    ("[2026-05-31]", (2, "as_of"), "'[2026-05-31]' is not a date; expected a date as YYYY-MM-DD from 1950 to 2150"),
    ("{day: 2026-05-31}", (2, "as_of"), "'{day: 2026-05-31}' is not a date; expected a date as YYYY-MM-DD from "
                                        "1950 to 2150"),
    # a date YAML itself cannot build names its key as well as its line and column
    ("2026-02-30", (7, 12), "as_of: '2026-02-30' is not a real date (no such month or day); expected a date as "
                            "YYYY-MM-DD from 1950 to 2150"),
])
def test_manifest_as_of_that_is_no_date_is_a_located_problem(inputs, value, where, message):
    folder, _, workbook = inputs
    manifest = folder / "odd-as-of.yaml"
    manifest.write_text("reports:\n  - report: positioning\n    organisation: Acme\n    responses: responses.csv\n"
                        f"    instrument: tri.yaml\n    portfolio: {workbook.name}\n    as_of: {value}\n",
                        encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [(*where, message)]



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
    assert corporate.note.startswith("Figures of the 6 projects the workbook gives to Corporate PMO and the PMOs "
                                     "under it (Digital PMO, Estates PMO). The workbook writes digital pmo in 3 ways")
    assert _table(found, "Corporate PMO")["stale_updates"][:2] == (2, 4)
    assert found.get("Digital PMO").projects == 3


def test_an_assessed_parent_without_projects_of_its_own_gets_those_of_the_pmos_under_it(assessed, tmp_path):
    # pmos sheet: Group PMO at the top (no project names it), Digital PMO and Estates PMO under it; Corporate PMO
    # outside. Corporate's answers are assessed as "group  pmo" (case and a double space). Group then covers D1-D3
    # and X1 (4 projects): in flight D1 (10 days), D2 (61 days: stale), X1 (1 day): 1 of 3 stale. Estates PMO is
    # under an assessed PMO, so it is not "not assessed"; Corporate PMO (C1, C2) is. The pmos sheet writes
    # "estates pmo" where the projects write "Estates PMO": one PMO here, two in the portfolio report, said so.
    sheets = {**SHEETS, "pmos": [{"pmo": "Group PMO", "parent": None, "level": "enterprise"},
                                 {"pmo": "Digital PMO", "parent": "Group PMO", "level": "portfolio"},
                                 {"pmo": "estates pmo", "parent": "Group PMO", "level": "portfolio"},
                                 {"pmo": "Corporate PMO", "parent": None, "level": "portfolio"}]}
    analysis = analyse_portfolio(read_portfolio(write_portfolio(tmp_path, sheets, name="group")), as_of=AS_OF)
    corporate = assessed.get("Acme", "Corporate PMO")
    group = corporate.__class__(**{**corporate.__dict__, "pmo": "group  pmo"})
    found = ev.portfolio_evidence([group], analysis)
    e = found.get("group  pmo")
    assert (e.scope, e.workbook_pmo, e.projects) == ("pmo", "Group PMO", 4)
    assert e.note.startswith("Figures of the 4 projects the workbook gives to Group PMO and the PMOs under it "
                             "(Digital PMO, estates pmo).")
    assert e.note.endswith(" The workbook writes Estates PMO in 2 ways (Estates PMO, estates pmo): they are one PMO "
                           "here, but the portfolio report counts each spelling as a PMO of its own, so its figures "
                           "by PMO split these projects.")
    assert _table(found, "group  pmo")["stale_updates"][:2] == (1, 3)
    assert (found.unassessed, found.other_assessed) == (("Corporate PMO",), ())


EXTRA = {
    # A1 (Digital, active) draws 1.5 Developer FTE in 2026-07 against 1.0: over-allocated by committed work.
    # B2 (Corporate, proposed) asks 0.1 Developer FTE that month; B1 (Corporate, active) 0.5 Analyst FTE of 1.0.
    # A1's only status report is dated 2026-07-15, after the status date 2026-06-30; B1 reported 2026-06-25.
    # N1 names no PMO. No project names an objective.
    "projects": [
        _project("A1", "Digital PMO", "active", status_date="2026-07-15"),
        _project("B1", "Corporate PMO", "active", status_date="2026-06-25"),
        _project("B2", "Corporate PMO", "proposed"),
        _project("N1", None, "active", status_date="2026-06-01"),
    ],
    "assignments": [
        {"project_id": "A1", "role": "Developer", "month": "2026-07", "demand_fte": 1.5},
        {"project_id": "B2", "role": "Developer", "month": "2026-07", "demand_fte": 0.1},
        {"project_id": "B1", "role": "Analyst", "month": "2026-07", "demand_fte": 0.5},
    ],
    "capacity": [
        {"role": "Developer", "month": "2026-07", "capacity_fte": 1.0},
        {"role": "Analyst", "month": "2026-07", "capacity_fte": 1.0},
    ],
}


@pytest.fixture(scope="module")
def extra(tmp_path_factory, assessed):
    workbook = write_portfolio(tmp_path_factory.mktemp("extra"), EXTRA, name="extra")
    return ev.portfolio_evidence(assessed.assessments, analyse_portfolio(read_portfolio(workbook), as_of=AS_OF))


def test_a_pmo_is_charged_only_for_role_months_its_committed_work_draws_on(extra):
    # Digital: its committed A1 draws on Developer 2026-07, over-allocated: 1 of 1. Corporate: its committed
    # work draws only on Analyst 2026-07 (0.5 of 1.0): 0 of 1, although its proposal B2 asks for a Developer in
    # the month A1 overloads (counting that role-month would have made it 1 of 2, a problem it did not cause).
    assert _table(extra, "Digital PMO")["over_allocation"][:3] == (1, 1, "problem")
    assert _table(extra, "Corporate PMO")["over_allocation"][:3] == (0, 1, "clean")
    sentence = extra.get("Corporate PMO").rows.set_index("measure").loc["over_allocation", "sentence"]
    assert sentence == ("No role is over-allocated by committed work in the 1 role-month in which these projects' "
                        "committed work (active, on hold) draws on a role.")


def test_a_status_report_dated_after_the_status_date_is_not_up_to_date(extra):
    # A1 has reported only on 15 July 2026, after 30 June 2026: by then it had not reported, so stale (never):
    # 1 of 1; the sentence names the future-dated report as a data problem. B1 reported 5 days before: 0 of 1.
    assert _table(extra, "Digital PMO")["stale_updates"][:3] == (1, 1, "problem")
    assert _table(extra, "Corporate PMO")["stale_updates"][:3] == (0, 1, "clean")
    sentence = extra.get("Digital PMO").rows.set_index("measure").loc["stale_updates", "sentence"]
    assert sentence == ("1 of 1 in-flight project last reported more than 35 days before 30 June 2026 (or never). "
                        "1 in-flight project has a status report dated after 30 June 2026 (A1), which cannot be known "
                        "on that date: a data problem to correct, so such a report does not count as up to date.")


def test_projects_without_a_pmo_are_said_to_be_left_out(extra):
    # N1 names no PMO: Digital covers A1, Corporate B1 and B2, and N1 is in nobody's figures.
    assert (extra.get("Digital PMO").projects, extra.get("Corporate PMO").projects, extra.without_pmo) == (1, 2, 1)
    assert extra.coverage_notes() == ["1 project of the workbook names no PMO and is left out of every PMO's "
                                      "figures."]
    assert extra.to_dict()["projects_without_pmo"] == 1


def test_a_report_on_one_pmo_does_not_call_the_other_assessed_pmos_unassessed(assessed, analysis):
    # The report covers Digital PMO only; Corporate PMO was assessed too (its answers are in the same file),
    # Estates PMO was not; Research PMO has no project, so it is not mentioned.
    digital = [assessed.get("Acme", "Digital PMO")]
    found = ev.portfolio_evidence(digital, analysis, assessed=assessed.assessments)
    assert (found.unassessed, found.other_assessed) == (("Estates PMO",), ("Corporate PMO",))
    assert found.coverage_notes() == [
        "The workbook's other PMO (Estates PMO) was not assessed; its projects are left out of every PMO's figures.",
        "The workbook's PMO Corporate PMO was assessed but is not covered by this report; its projects are left out "
        "of these figures."]
    assert [p.pmo for p in found.pmos] == ["Digital PMO"]


def test_perception_follows_the_executive_summary(assessed):
    # Digital PMO, as its executive summary shows it: strengths resources and monitoring; the advanced type needs
    # points on monitoring and strategy; priorities strategy, monitoring, portfolio. Monitoring (level 4) is both
    # a strength and a gap there: the evidence calls it a gap, never "perceived strong".
    from pmo_workbench.assessment import insights

    a = assessed.get("Acme", "Digital PMO")
    assert list(insights.strengths(a)["dimension"]) == ["resources", "monitoring"]
    assert set(a.type.goal_gaps) == {"monitoring", "strategy"}
    assert list(insights.priorities(a)["dimension"]) == ["strategy", "monitoring", "portfolio"]
    seen = ev.perceptions(a)
    assert seen == {"resources": "strength", "portfolio": "priority", "monitoring": "gap", "strategy": "gap"}
    named = set(a.type.goal_gaps) | set(insights.priorities(a)["dimension"])
    assert not any(seen[d] == "strength" for d in named)
    assert {d for d, p in seen.items() if p == "strength"} <= set(insights.strengths(a)["dimension"])
    # split views on portfolio: no single perception, whatever the summary lists
    dims = a.dimensions.assign(split_items=[(), ("F1",), (), ()])
    split = a.__class__(**{**a.__dict__, "dimensions": dims})
    assert ev.perceptions(split)["portfolio"] == "split"


def test_score_refuses_csv_with_a_portfolio_rather_than_drop_the_evidence(inputs):
    folder, responses, workbook = inputs
    result = runner.invoke(app, ["score", str(responses), "--instrument", str(folder / "tri.yaml"), "--portfolio",
                                 str(workbook), "--as-of", AS_OF, "--format", "csv"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Traceback" not in result.output
    assert "--portfolio adds the portfolio evidence, which the CSV output" in result.stderr
