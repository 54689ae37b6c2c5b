"""Choosing the reports' language: ``--language``, the manifest's ``language`` column, the engagement file's
``language``; a language the package does not speak is a usage error (exit 2) or a located manifest problem."""

from __future__ import annotations

import shutil

import pytest
import yaml
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.reports.manifest import read_manifest
from pmo_workbench.reports.spec import portfolio_spec, positioning_spec, progress_spec
from pmo_workbench.resources import examples_dir

runner = CliRunner()
ORG = "Korrin Regional Council"


@pytest.fixture
def responses(tmp_path):
    path = tmp_path / "responses.csv"
    shutil.copy(examples_dir() / "pmo_responses.csv", path)
    return path


@pytest.mark.parametrize("command", [
    ["report", "positioning", "-r", "{responses}", "-o", ORG],
    ["report", "portfolio", "-p", "{responses}", "-o", ORG],
    ["report", "progress", "-r", "{responses}", "-o", ORG],
    ["batch", "{responses}"],
    ["demo"],
    ["overview", "--store", "{responses}"],
])
def test_a_language_the_package_does_not_speak_is_a_usage_error(tmp_path, responses, command):
    args = [a.format(responses=responses) for a in command] + ["--out", str(tmp_path / "out"), "--language", "fr"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "--language: 'fr' is not a language the reports are written in; expected one of en, de" in result.output
    assert not (tmp_path / "out").exists()


def test_engagement_init_writes_the_language_chosen_and_lists_those_available(tmp_path, responses):
    out = tmp_path / "engagement.yaml"
    result = runner.invoke(app, ["engagement", "init", "-r", str(responses), "-o", ORG, "--out", str(out),
                                 "--language", "DE"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "\nlanguage: de  # the reports' language: en, de\n" in text
    assert "\n# locale: de_DE  # numbers, dates and money (default: the language's usual locale" in text
    assert yaml.safe_load(text)["language"] == "de"
    check = runner.invoke(app, ["engagement", "check", str(out), "-r", str(responses)])
    assert check.exit_code == 0, check.output


# --- the spec: --language, else the engagement file's, else English; the language in the file name ------------

def test_the_language_is_in_the_file_name_and_the_engagement_files_language_is_the_default(tmp_path, responses):
    english = positioning_spec(responses, ORG, engagement=tmp_path / "none.yaml")
    assert english.name == "korrin-regional-council-positioning" and "language" not in english.parameters
    german = positioning_spec(responses, ORG, language="de-AT")
    assert german.name == "korrin-regional-council-positioning-de" and german.parameters["language"] == "de"
    assert positioning_spec(responses, ORG, language="de", name="mine").name == "mine"  # a name given wins
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text(f"organisation: {ORG}\nlanguage: de\n", encoding="utf-8")
    for spec in (positioning_spec(responses, ORG, engagement=engagement),
                 portfolio_spec(tmp_path, ORG, engagement=engagement),
                 progress_spec(responses, ORG, "Corporate PMO", engagement=engagement)):
        assert spec.parameters["language"] == "de" and spec.name.endswith(f"-{spec.report}-de")
    # the option wins over the file; a file about another organisation gives no language
    assert positioning_spec(responses, ORG, engagement=engagement, language="en").name.endswith("-positioning")
    assert "language" not in positioning_spec(responses, "Other", engagement=engagement).parameters


# --- the manifest's language column ---------------------------------------------------------------------------

def test_the_manifests_language_column_csv_and_yaml(tmp_path, responses):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"report,organisation,responses,language\npositioning,{ORG},responses.csv,de\n"
                        f"positioning,{ORG},responses.csv,\n", encoding="utf-8")
    german, english = read_manifest(manifest)
    assert (german.name, german.parameters["language"]) == ("korrin-regional-council-positioning-de", "de")
    assert english.name == "korrin-regional-council-positioning" and "language" not in english.parameters
    # --language wins over the column
    assert [s.parameters["language"] for s in read_manifest(manifest, language="en")] == ["en", "en"]
    listed = tmp_path / "manifest.yaml"
    listed.write_text(f"- report: positioning\n  organisation: {ORG}\n  responses: responses.csv\n  language: DE\n",
                      encoding="utf-8")
    assert read_manifest(listed)[0].parameters["language"] == "de"


def test_a_bad_language_in_the_manifest_is_located(tmp_path, responses):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"report,organisation,responses,language\npositioning,{ORG},responses.csv,de\n"
                        f"positioning,{ORG},responses.csv,fr\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "language")
    assert "'fr' is not a language the reports are written in; expected one of en, de" in problem.message
    result = runner.invoke(app, ["batch", str(manifest), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{manifest}:3:language:" in result.output and not (tmp_path / "out").exists()


def test_the_manifests_language_is_normalised_and_a_region_is_refused_where_it_is(tmp_path, responses):
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"report,organisation,responses,language\npositioning,{ORG},responses.csv, DE\n"
                        f"positioning,{ORG},responses.csv,De\n", encoding="utf-8")
    assert [s.parameters["language"] for s in read_manifest(manifest)] == ["de", "de"]
    manifest.write_text(f"report,organisation,responses,language\npositioning,{ORG},responses.csv,de-AT\n"
                        f"positioning,{ORG},responses.csv,de_DE\npositioning,{ORG},responses.csv,fr\n",
                        encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (2, "language", "'de-AT': give the language alone (de); a region's numbers, dates and money belong in the "
                        "engagement file's locale (e.g. locale: de_AT)"),
        (3, "language", "'de_DE': give the language alone (de); a region's numbers, dates and money belong in the "
                        "engagement file's locale (e.g. locale: de_DE)"),
        (4, "language", "'fr' is not a language the reports are written in; expected one of en, de"),
    ]


def test_the_manifests_language_in_yaml_is_read_as_written(tmp_path, responses):
    listed = tmp_path / "manifest.yaml"
    entries = ["no", "[de]", "{en: x}", "1"]
    listed.write_text("".join(f"- report: positioning\n  organisation: {ORG}\n  responses: responses.csv\n"
                              f"  language: {value}\n" for value in entries), encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(listed)
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (1, "language", "'no' is not a language the reports are written in; expected one of en, de"),  # Norwegian
        (5, "language", "must be a language code such as en or de, not ['de']"),
        (9, "language", "must be a language code such as en or de, not {'en': 'x'}"),
        (13, "language", "must be a language code such as en or de, not 1"),
    ]


@pytest.mark.parametrize(("given", "message"), [
    ("de-AT", "--language: 'de-AT': give the language alone (de); a region's numbers, dates and money belong in the "
              "engagement file's locale (e.g. locale: de_AT)"),
    ("", "--language: is empty; give a language code such as en or de"),
])
def test_a_region_or_nothing_on_the_command_line_is_a_usage_error(tmp_path, responses, given, message):
    result = runner.invoke(app, ["report", "positioning", "-r", str(responses), "-o", ORG, "--out",
                                 str(tmp_path / "out"), "--language", given])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert not (tmp_path / "out").exists()
