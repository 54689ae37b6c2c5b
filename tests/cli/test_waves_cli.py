"""Waves on the command line: store new/import/list by wave, and score choosing a wave."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.reports.spec import positioning_spec

from tests.helpers import write_csv

runner = CliRunner()
TWO_WAVES = (
    "organisation,pmo,wave,respondent,role,MAN1,assessed_on\n"
    "Org,PMO,2025,R1,executive,2,2025-03-02\n"
    "Org,PMO,2026,R1,executive,5,2026-03-01\n"
    "Org,PMO,2026,R2,pmo_staff,5,2026-03-04\n"
)


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_store_new_import_and_list_by_wave(tmp_path):
    db = tmp_path / "w.db"
    made = run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--wave", "2025", "--fieldwork-start",
               "2025-03-01", "--fieldwork-end", "2025-03-31", "--db", db)
    assert made.exit_code == 0, made.output
    assert made.stdout == "1\n" and "assessment 1 created (Org / PMO, wave 2025, pmo-core 2.0)" in made.stderr
    again = run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--wave", "2025", "--db", db)
    assert again.stdout == "1\n" and "exists already" in again.stderr
    file = write_csv(tmp_path / "two.csv", TWO_WAVES)
    imported = run("store", "import", file, "--db", db)
    assert imported.exit_code == 0, imported.output
    assert "2 assessments (1, 2), 3 respondents added" in imported.stdout
    listed = run("store", "list", "--db", db)
    # 2025 keeps the fieldwork given; 2026 gets its respondents' first and last dates
    lines = listed.stdout.splitlines()
    assert [line.count("2025-03-01 –") + line.count("2026-03-01 –") for line in lines].count(1) == 2
    assert sum("2025-03-31" in line or "2026-03-04" in line for line in lines) == 2
    assert "\ufffd" not in listed.stdout  # the line break between the dates is printed as one
    # two waves and none named: the store does not guess
    ambiguous = run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--db", db)
    assert ambiguous.exit_code == 2 and "has several waves: 2025 (assessment 1), 2026 (assessment 2)" in (
        ambiguous.stderr)
    assert "open a new wave with --wave NEW-LABEL" in ambiguous.stderr
    both = run("store", "import", file, "--db", db, "--wave", "x", "--assessment", "1")
    assert both.exit_code == 2 and "give --assessment ID or --wave LABEL, not both" in both.stderr
    assert run("store", "close", "2", "--db", db).exit_code == 0
    late = write_csv(tmp_path / "late.csv", "organisation,pmo,respondent,role,MAN1\nOrg,PMO,R9,executive,3\n")
    refused = run("store", "import", late, "--db", db, "--assessment", "2")
    assert refused.exit_code == 2 and "assessment 2 is closed" in refused.stderr
    assert "Traceback" not in refused.output
    wrong = write_csv(tmp_path / "wrong.csv", "organisation,pmo,respondent,role,MAN1\nOther,PMO,R9,executive,3\n")
    located = run("store", "import", wrong, "--db", db, "--assessment", "1")
    assert located.exit_code == 2 and f"{wrong}:2:organisation: organisation 'Other' is not that of assessment 1" in (
        located.stderr)


def test_score_takes_the_latest_wave_and_says_so_or_the_one_named(tmp_path):
    file = write_csv(tmp_path / "two.csv", TWO_WAVES)
    latest = run("score", file, "--format", "json")
    assert latest.exit_code == 0, latest.output
    assert ("note: PMO 'PMO' of 'Org' has waves 2025, 2026: reporting on 2026; choose with --wave"
            in latest.stderr)
    assert json.loads(latest.stdout)["assessments"][0]["respondents"] == 2  # R1 and R2 of 2026
    named = run("score", file, "--format", "json", "--wave", "2025")
    assert named.exit_code == 0 and "note:" not in named.stderr
    assert json.loads(named.stdout)["assessments"][0]["respondents"] == 1
    missing = run("score", file, "--wave", "2030")
    assert missing.exit_code == 2 and "no answers of wave '2030'; the waves here are 2025, 2026" in missing.stderr


def test_a_report_on_one_wave_carries_it_in_its_parameters_and_file_name(tmp_path):
    spec = positioning_spec(tmp_path / "r.csv", "Org", "PMO", wave="2026 Q3")
    assert spec.parameters["wave"] == "2026 Q3" and spec.name == "org-pmo-2026-q3-positioning"
    plain = positioning_spec(tmp_path / "r.csv", "Org", "PMO")
    assert "wave" not in plain.parameters and plain.name == "org-pmo-positioning"


def test_a_manifest_row_names_its_wave(tmp_path):
    from pmo_workbench.errors import InputValidationError
    from pmo_workbench.reports.manifest import read_manifest

    write_csv(tmp_path / "two.csv", TWO_WAVES)
    manifest = write_csv(tmp_path / "m.csv", "report,organisation,pmo,responses,wave,portfolio\n"
                                             "positioning,Org,PMO,two.csv,2025,\n")
    (spec,) = read_manifest(manifest)
    assert spec.parameters["wave"] == "2025" and spec.name == "org-pmo-2025-positioning"
    (tmp_path / "p").mkdir()
    manifest.write_text("report,organisation,pmo,responses,wave,portfolio\nportfolio,Org,,,2025,p\n")
    try:
        read_manifest(manifest)
    except InputValidationError as exc:
        assert f"{manifest}:2:wave: does not apply to a portfolio report" in [str(p) for p in exc.problems]
    else:
        raise AssertionError("a wave on a portfolio row must be refused")


def test_score_from_the_store_takes_one_wave_of_each_pmo(tmp_path):
    db = tmp_path / "w.db"
    assert run("store", "import", write_csv(tmp_path / "two.csv", TWO_WAVES), "--db", db).exit_code == 0
    latest = run("score", "--store", db, "--format", "json")
    assert latest.exit_code == 0, latest.output
    assert "reporting on 2026; choose with --wave" in latest.stderr
    assert [a["respondents"] for a in json.loads(latest.stdout)["assessments"]] == [2]
    named = run("score", "--store", db, "--format", "json", "--wave", "2025")
    assert [a["respondents"] for a in json.loads(named.stdout)["assessments"]] == [1]


def test_store_engagement_keeps_the_steps_done_on_the_wave_named(tmp_path):
    db = tmp_path / "w.db"
    assert run("store", "import", write_csv(tmp_path / "two.csv", TWO_WAVES), "--db", db).exit_code == 0
    file = tmp_path / "engagement.yaml"
    file.write_text("pmos:\n- {organisation: Org, pmo: PMO, target: controlling, done: [MAN-charter]}\n",
                    encoding="utf-8")
    kept = run("store", "engagement", file, "--db", db, "--wave", "2025")
    assert kept.exit_code == 0, kept.output
    assert "assessment 1 (Org / PMO): target controlling, 0 context answers, 0 evidence answers, 1 step done" in (
        kept.stdout)
    from pmo_workbench.store import Store

    with Store(db) as store:
        assert store.engagement(1).done == ("MAN-charter",)  # the wave named, not the latest
        assert store.engagement(2) is None
    unknown = run("store", "engagement", file, "--db", db, "--wave", "2024")
    assert unknown.exit_code == 2 and "has no wave '2024'; its waves are 2025, 2026" in unknown.stderr


def test_score_from_the_store_refuses_two_waves_of_one_pmo_and_an_empty_wave(tmp_path):
    db = tmp_path / "w.db"
    assert run("store", "import", write_csv(tmp_path / "two.csv", TWO_WAVES), "--db", db).exit_code == 0
    both = run("score", "--store", db, "--assessment", 1, "--assessment", 2, "--format", "csv")
    assert both.exit_code == 2 and both.stdout == ""
    assert ("assessments 1 (wave 2025), 2 (wave 2026) are waves of one PMO (PMO of Org); score one at a time"
            in both.stderr)
    assert run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--wave", "2027", "--db", db).exit_code == 0
    empty = run("score", "--store", db, "--assessment", 3)
    assert empty.exit_code == 2 and "error: assessment 3 has no answers yet\n" == empty.stderr
    assert "internal error" not in empty.output


def test_score_from_the_store_by_wave_when_another_wave_uses_another_instrument_version(tmp_path):
    db = tmp_path / "w.db"
    older = write_csv(tmp_path / "v1.csv", "organisation,pmo,wave,respondent,role,MAN1,assessed_on\n"
                                           "Org,PMO,2024,R1,executive,3,2024-04-10\n")
    assert run("store", "import", older, "-i", "pmo-core@1.0", "--db", db).exit_code == 0
    assert run("store", "import", write_csv(tmp_path / "two.csv", TWO_WAVES), "--db", db).exit_code == 0
    named = run("score", "--store", db, "--format", "json", "--wave", "2025")
    assert named.exit_code == 0, named.output
    assert [a["respondents"] for a in json.loads(named.stdout)["assessments"]] == [1]
    first = run("score", "--store", db, "--format", "json", "--wave", "2024", "-i", "pmo-core@1.0")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["instrument"]["version"] == "1.0"


def test_validate_counts_respondents_per_wave(tmp_path):
    result = run("validate", write_csv(tmp_path / "two.csv", TWO_WAVES))
    assert result.exit_code == 0, result.output
    # R1 answered in 2025 and 2026: two respondents, with R2 three
    assert "3 answers from 3 respondents, 1 organisation, 1 PMO" in result.stdout
    assert result.stdout.rstrip().endswith("; 2 waves: 2025 (1 respondent), 2026 (2)")


def test_a_manifest_row_of_a_stored_wave_is_named_with_its_wave(tmp_path):
    from pmo_workbench.reports.manifest import read_manifest

    db = tmp_path / "w.db"
    assert run("store", "import", write_csv(tmp_path / "two.csv", TWO_WAVES), "--db", db).exit_code == 0
    manifest = write_csv(tmp_path / "m.csv", "report,organisation,pmo,store,assessment\n"
                                             "positioning,Org,PMO,w.db,1\npositioning,Org,PMO,w.db,2\n")
    assert [(s.name, s.parameters["wave"]) for s in read_manifest(manifest)] == [
        ("org-pmo-2025-positioning", "2025"), ("org-pmo-2026-positioning", "2026")]


def test_a_progress_report_from_the_store_skips_a_wave_without_answers(tmp_path):
    from pmo_workbench.cli.reports import _stored_waves

    db = tmp_path / "w.db"
    assert run("store", "import", write_csv(tmp_path / "two.csv", TWO_WAVES), "--db", db).exit_code == 0
    assert run("store", "new", "--organisation", "Org", "--pmo", "PMO", "--wave", "2027", "--fieldwork-start",
               "2027-03-01", "--db", db).exit_code == 0
    # 2027 opened for invitations, no answers yet: the two latest with answers are compared
    assert _stored_waves(str(db), "1", None, None, "pmo-core")[-2:] == ("2025", "2026")
    refused = run("report", "progress", "--store", db, "--pmo", 1, "--to", "2027", "--out", tmp_path / "o")
    assert refused.exit_code == 2
    assert "--to: wave '2027' of PMO 1 (PMO of Org) (assessment 3) has no answers yet" in refused.stderr
