"""``pmo-workbench competency validate`` and ``score`` on the mini cohort (figures in tests/assessment/
test_competency.py) and on bad input."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pmo_workbench.cli import app
from tests.competency_mini import write_mini

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_validate_and_score_a_cohort(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    checked = run("competency", "validate", ratings, "--instrument", instrument)
    assert checked.exit_code == 0, checked.output
    assert "valid for mini-competency 1.0: 37 ratings of 3 people in 1 cohort; 3 self, 2 manager and 4 peer" in (
        checked.stdout)
    scored = run("competency", "score", ratings, "--instrument", instrument, "--format", "json")
    assert scored.exit_code == 0, scored.output
    (cohort,) = json.loads(scored.stdout)["cohorts"]
    assert cohort["people"] == 3 and cohort["meeting_every_required_level"] == 1
    # 2 and 1 people below: how far would be their own levels
    assert [(n["area"], n["people_below"], n["mean_shortfall"]) for n in cohort["training_needs"]] == [
        ("stakeholder", 2, None), ("risk", 1, None)]
    for name in ("Ana", "Ben", "Cara", "Max"):  # a cohort's figures name nobody
        assert name not in scored.stdout
    table = run("competency", "score", ratings, "--instrument", instrument)
    assert "Stakeholder management" in table.stdout and "2 of 3" in table.stdout
    assert "(fewer than 3 below)" in table.stdout


def test_engagement_edits_and_the_per_person_csv(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text("competency:\n  required:\n    junior: {risk: 4}\n", encoding="utf-8")
    out = tmp_path / "people.csv"
    scored = run("competency", "score", ratings, "--instrument", instrument, "--engagement", engagement,
                 "--format", "csv", "--out", out)
    assert scored.exit_code == 0, scored.output
    assert scored.stdout.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("organisation,cohort,subject,job_level,area,self,")
    assert "Acme,PMs,Ben,junior,risk,2.0," in text  # Ben's risk now required at 4: 3.5 is below by 0.5
    assert ",manager,4.0,True,0.5," in text


def test_bad_input_is_one_located_line_and_exit_2(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    ratings.write_text(ratings.read_text(encoding="utf-8").replace("Max,manager,3,3,3", "Max,boss,3,3,3"),
                       encoding="utf-8")
    bad = run("competency", "score", ratings, "--instrument", instrument)
    assert bad.exit_code == 2
    assert f"{ratings}:3:role: unknown role 'boss'; expected one of self, manager, peer" in bad.stderr
    assert "Traceback" not in bad.output
    _, ratings = write_mini(tmp_path)
    wrong = run("competency", "score", ratings, "--instrument", instrument, "--cohort", "Nope")
    assert wrong.exit_code == 2 and "--cohort 'Nope' has no ratings" in wrong.stderr
    missing = run("competency", "validate", ratings, "--instrument", tmp_path / "none.yaml")
    assert missing.exit_code == 2 and "none.yaml" in missing.stderr
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text("competency:\n  required:\n    junior: {risk: 9}\n", encoding="utf-8")
    wrong = run("competency", "score", ratings, "--instrument", instrument, "--engagement", engagement)
    assert wrong.exit_code == 2 and (
        f"{engagement}:3:20: competency.required.junior.risk: 9 is not a level on the scale 1-5" in wrong.stderr)


def test_instruments_know_the_competency_instrument(tmp_path):
    checked = run("instruments", "check", "pm-competency", "--language", "de")
    assert checked.exit_code == 0 and "pm-competency 1.0: 170 texts, every one in de" in checked.stdout
    listed = run("instruments")
    assert "pm-competency" in listed.stdout and "junior, senior, programme" in listed.stdout
    wrong = run("validate", "examples/pmo_responses.csv", "--instrument", "templates/competency/pm-competency.yaml")
    assert wrong.exit_code == 2
    assert "pm-competency.yaml:45:7: a competency instrument (kind: competency) rates project managers" in wrong.stderr


def test_the_engagement_beside_the_ratings_and_the_organisation_option(tmp_path):
    instrument, ratings = write_mini(tmp_path)
    (tmp_path / "engagement.yaml").write_text("competency:\n  required:\n    junior: {risk: 1, stakeholder: 1}\n"
                                              "    senior: {risk: 1, stakeholder: 1}\n", encoding="utf-8")
    scored = run("competency", "score", ratings, "--instrument", instrument, "--format", "json")
    assert scored.exit_code == 0, scored.output
    (cohort,) = json.loads(scored.stdout)["cohorts"]
    assert cohort["training_needs"] == [] and cohort["meeting_every_required_level"] == 3
    wrong = run("competency", "score", ratings, "--instrument", instrument, "--organisation", "Other")
    assert wrong.exit_code == 2 and "--organisation 'Other' has no ratings" in wrong.stderr
    mine = run("competency", "score", ratings, "--instrument", instrument, "--organisation", "Acme", "-f", "json")
    assert json.loads(mine.stdout)["cohorts"][0]["people"] == 3
