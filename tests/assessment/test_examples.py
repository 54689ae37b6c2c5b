"""The sample organisations say what they were designed to say, and regenerate identically."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys

import pytest

from pmo_workbench import assess, read_responses
from pmo_workbench.resources import examples_dir, templates_dir

EXAMPLES = examples_dir()


@pytest.fixture(scope="module")
def results(core):
    return assess(read_responses(EXAMPLES / "pmo_responses.csv", core), core)


def test_types_cover_the_whole_ladder(results):
    summary = results.summary().set_index(["organisation", "pmo"])["type"]
    assert summary.to_dict() == {
        ("Quillmere Events", "Project Office"): "ad_hoc",
        ("Aldergate Logistics", "Logistics PMO"): "supportive",
        ("Harrowmoor Water Services", "Capital Programmes PMO"): "controlling",
        ("Vantellis Insurance Group", "Enterprise PMO"): "strategic",
        ("Korrin Regional Council", "Corporate PMO"): "controlling",
        ("Korrin Regional Council", "Digital Services PMO"): "supportive",
        ("Stellbrook Pharmaceuticals", "R&D Portfolio Office"): "controlling",
        ("Tiverlake University", "Research Projects Office"): "supportive",
    }


def test_sizes_and_levels(results):
    assert len({a.organisation for a in results.assessments}) >= 6
    assert all(5 <= a.respondents <= 15 for a in results.assessments)
    korrin = [a for a in results.assessments if a.organisation == "Korrin Regional Council"]
    assert [a.pmo_level for a in korrin] == ["enterprise", "department"]


def test_disagreement_between_executives_and_project_managers(results):
    gaps = results.get("Stellbrook Pharmaceuticals").perception.gaps
    flagged = gaps[gaps["flagged"]]
    assert (flagged["low_role"] == "project_manager").all()
    assert ((flagged["high_role"] == "executive").sum()) >= 3


def test_every_organisation_has_unanswered_items(results):
    assert all(a.answer_rate < 1 for a in results.assessments)
    half_rule = results.scores.respondents
    assert (half_rule["score"].isna() & (half_rule["answered"] > 0)).any()


@pytest.mark.parametrize(
    ("path", "organisation", "expected_type"),
    [
        ("formats/wide_example.xlsx", "Vantellis Insurance Group", "strategic"),
        ("formats/long_semicolon_bom.csv", "Aldergate Logistics", "supportive"),
    ],
)
def test_format_examples_read_the_same(core, results, path, organisation, expected_type):
    alone = assess(read_responses(EXAMPLES / path, core), core).get(organisation)
    assert alone.type.type == expected_type
    assert alone.overall_score == pytest.approx(results.get(organisation).overall_score)


@pytest.mark.slow
def test_generator_reproduces_the_committed_files(tmp_path):
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLES / "generate.py", tmp_path / "examples" / "generate.py")
    shutil.copytree(templates_dir() / "instruments", tmp_path / "templates" / "instruments")
    subprocess.run([sys.executable, str(tmp_path / "examples" / "generate.py")], check=True, capture_output=True)
    for name in ("pmo_responses.csv", "formats/wide_example.xlsx", "formats/long_semicolon_bom.csv"):
        fresh = hashlib.sha256((tmp_path / "examples" / name).read_bytes()).hexdigest()
        committed = hashlib.sha256((EXAMPLES / name).read_bytes()).hexdigest()
        assert fresh == committed, name


def test_a_pmos_results_do_not_depend_on_what_else_the_file_holds(core, results):
    # Each organisation scored alone gives the same to_dict() as inside the full sample: alpha, agreement, CIs,
    # the type and the roadmap all belong to the PMO's own respondents (benchmarks are computed elsewhere).
    frame = read_responses(EXAMPLES / "pmo_responses.csv", core)
    for organisation in frame["organisation"].cat.categories:
        alone = assess(frame[frame["organisation"] == organisation].reset_index(drop=True), core)
        for a in alone.assessments:
            assert a.to_dict() == results.get(organisation, a.pmo).to_dict(), (organisation, a.pmo)


def test_the_sample_shows_each_methodological_finding(core):
    from pmo_workbench.assessment.engagement import engagement_inputs
    from pmo_workbench.assessment.insights import data_quality

    frame = read_responses(EXAMPLES / "pmo_responses.csv", core)
    entries, _, _ = engagement_inputs(EXAMPLES / "pmo_responses.csv", frame, core)
    found = assess(frame, core, engagement=entries)
    harrowmoor = found.get("Harrowmoor Water Services").type
    assert harrowmoor.type == "controlling" and list(harrowmoor.foundation_gaps["dimension"]) == ["service"]
    assert (harrowmoor.target.id, harrowmoor.target.source, harrowmoor.target_reached) == (
        "controlling", "engagement", True)
    stellbrook = found.get("Stellbrook Pharmaceuticals")
    assert any(stellbrook.dimensions["split_items"].map(len) > 0)
    assert stellbrook.overall_self - stellbrook.overall_customers >= 10
    assert "FIN2" in set(data_quality(frame, stellbrook, core).dont_know_items["item"])
    assert frame["dont_know"].any()
    # every PMO has its evidence and context recorded
    assert all(a.engagement is not None and a.engagement.evidence and a.engagement.context
               for a in found.assessments)
