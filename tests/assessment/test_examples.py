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
