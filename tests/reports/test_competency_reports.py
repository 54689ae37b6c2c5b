"""The competency reports: a cohort's and a person's own, rendered through the batch machinery (HTML, notebook,
deck, Word, German), the cohort report opened offline in a browser naming nobody, and their commands and manifest
rows refusing bad input with exit 2 before any notebook runs.

The sample is Korrin Regional Council's cohort (12 project managers; ``examples/competency/``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench import examples_dir, reports
from pmo_workbench.assessment import competency_report as words
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.i18n import use_language
from pmo_workbench.reports.records import read_records

from ..catalogue import english_leftovers, html_text, pptx_text

runner = CliRunner()
ORG, COHORT = "Korrin Regional Council", "Corporate PMO project managers"
STEM = "korrin-regional-council-corporate-pmo-project-managers"
SAMPLE = examples_dir() / "competency" / "korrin-regional-council.csv"


def _names() -> set[str]:
    ratings = pd.read_csv(SAMPLE, dtype=str)
    return set(ratings["subject"]) | set(ratings["rater"].dropna())


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("competency-inputs")
    shutil.copy(SAMPLE, folder / "ratings.csv")
    with use_language("en"):
        data = words.competency_input(folder / "ratings.csv", ORG, COHORT)
    person = words.example_subjects(data)[0]
    (folder / "manifest.csv").write_text(
        "report,organisation,responses,cohort,subject,language\n"
        f"competency,{ORG},ratings.csv,{COHORT},,\n"
        f"profile,{ORG},ratings.csv,{COHORT},{person},\n"
        f"competency,{ORG},ratings.csv,{COHORT},,de\n", encoding="utf-8")
    (folder / "person.txt").write_text(person, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("competency-out")
    result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(out), "--jobs", "1",
                                 "--format", "html,ipynb,pptx,docx"])
    assert result.exit_code == 0, result.output + result.stderr
    return out


def _records(path: Path) -> dict:
    return read_records(nbformat.read(path, as_version=4))


@pytest.mark.slow
def test_the_cohort_report_renders_in_a_batch_with_the_package_s_figures(rendered, inputs):
    for suffix in ("html", "ipynb", "pptx", "docx"):
        assert (rendered / f"{STEM}-competency.{suffix}").is_file()
    records = _records(rendered / f"{STEM}-competency.ipynb")
    with use_language("en"):
        figures = words.cohort_figures(words.competency_input(inputs / "ratings.csv", ORG, COHORT))
    assert records["competency"]["n_people"] == 12
    assert records["competency"]["share_met"] == pytest.approx(figures.summary["share_met"])
    assert [n["area"] for n in records["training_needs"]] == list(figures.needs.index)
    page = html_text((rendered / f"{STEM}-competency.html").read_text(encoding="utf-8"))
    assert "12 project managers assessed." in page
    # the top needs of the glance are the first rows of the ranked table
    assert words.top_needs_points(figures.needs)[0] in " ".join(page.split())
    deck = pptx_text(rendered / f"{STEM}-competency.pptx")
    assert "The cohort at a glance" in deck and "Training needs, ranked" in deck
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert 'id="competency"' in index and f"{STEM}-competency.html" in index


@pytest.mark.slow
def test_no_person_is_named_in_the_cohort_report_or_its_deck(rendered):
    page = html_text((rendered / f"{STEM}-competency.html").read_text(encoding="utf-8"))
    deck = pptx_text(rendered / f"{STEM}-competency.pptx")
    for name in _names():
        assert name not in page and name not in deck, name


@pytest.mark.slow
def test_the_person_s_own_profile_is_marked_confidential_to_them(rendered, inputs):
    person = (inputs / "person.txt").read_text(encoding="utf-8")
    name = f"{STEM}-{reports.slugify(person)}-profile"
    records = _records(rendered / f"{name}.ipynb")
    assert records["profile"]["subject"] == person and records["profile"]["below"] >= 1
    assert records["engagement"]["confidentiality"].startswith(f"Confidential: for {person} only")
    page = html_text((rendered / f"{name}.html").read_text(encoding="utf-8"))
    assert f"Confidential: for {person} only" in page
    assert "What the required level looks like" in page and "Development suggestions" in page
    assert (rendered / f"{name}.docx").is_file() and "Below the required level" in pptx_text(
        rendered / f"{name}.pptx")


@pytest.mark.slow
def test_the_german_cohort_report_holds_no_english_sentence(rendered):
    page = html_text((rendered / f"{STEM}-competency-de.html").read_text(encoding="utf-8"))
    assert "12 Projektleitungen bewertet." in " ".join(page.split())
    assert english_leftovers(page) == []


@pytest.mark.slow
@pytest.mark.browser
def test_the_cohort_report_opens_offline_with_every_chart_and_no_name(rendered, chromium):
    from playwright.sync_api import sync_playwright

    from pmo_workbench.reports import pdf as pdf_module

    from .test_reports import _chart_count

    errors, remote = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=pdf_module.CHROMIUM_ARGS)
        context = browser.new_context(offline=True)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                      else (remote.append(route.request.url), route.abort()))
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((rendered / f"{STEM}-competency.html").as_uri())
        page.wait_for_function("document.documentElement.dataset.charts === 'ready'", timeout=30_000)
        drawn = page.locator("figure.pmo-chart svg.marks, figure.pmo-chart canvas").count()
        text = page.inner_text("body")
        browser.close()
    assert drawn == _chart_count(rendered / f"{STEM}-competency.ipynb") == 4
    assert errors == [] and remote == []
    assert "Error" not in text and "Traceback" not in text
    assert [name for name in _names() if name in text] == []


# --- bad input: exit 2 before any notebook runs -------------------------------------------------------------

def _report(kind: str, ratings: Path, out: Path, *extra: str):
    return runner.invoke(app, ["report", kind, str(ratings), "--organisation", ORG, "--cohort", COHORT,
                               "--out", str(out), *extra])


def test_an_unknown_person_exits_2_naming_close_matches(inputs, tmp_path):
    person = (inputs / "person.txt").read_text(encoding="utf-8")
    result = _report("profile", inputs / "ratings.csv", tmp_path / "out", "--subject", person[:-1])
    assert result.exit_code == 2, result.output + result.stderr
    assert (f"ratings.csv:-:subject: nobody called '{person[:-1]}' was rated in cohort '{COHORT}' of '{ORG}'; "
            f"did you mean '{person}'") in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


def test_a_cohort_too_small_for_a_report_exits_2(tmp_path):
    ratings = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    two = ratings[ratings["subject"].isin(ratings["subject"].drop_duplicates().head(2))]
    two.to_csv(tmp_path / "two.csv", index=False)
    result = _report("competency", tmp_path / "two.csv", tmp_path / "out")
    assert result.exit_code == 2, result.output + result.stderr
    assert f"two.csv:-:cohort: cohort '{COHORT}' of '{ORG}' has 2 people rated; a cohort report needs at least 3" \
           in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_bad_competency_block_of_the_engagement_exits_2_at_its_line(inputs, tmp_path):
    engagement = tmp_path / "engagement.yaml"
    engagement.write_text(f"organisation: {ORG}\ncompetency:\n  required:\n    senior:\n      risk: 9\n"
                          "    chief: {risk: 3}\n", encoding="utf-8")
    result = _report("competency", inputs / "ratings.csv", tmp_path / "out", "--engagement", str(engagement))
    assert result.exit_code == 2, result.output + result.stderr
    assert f"{engagement}:5:" in result.stderr and "9 is not a level on the scale 1-5" in result.stderr
    assert f"{engagement}:6:" in result.stderr and "unknown job level 'chief'" in result.stderr
    other = tmp_path / "other.yaml"
    other.write_text("organisation: Somewhere Else\n", encoding="utf-8")
    result = _report("competency", inputs / "ratings.csv", tmp_path / "out", "--engagement", str(other))
    assert result.exit_code == 2 and "the engagement file is about 'Somewhere Else'" in result.stderr


def test_a_ratings_file_missing_columns_exits_2_with_a_located_message(tmp_path):
    ratings = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).drop(columns=["cohort", "role"])
    ratings.to_csv(tmp_path / "broken.csv", index=False)
    result = _report("competency", tmp_path / "broken.csv", tmp_path / "out")
    assert result.exit_code == 2, result.output + result.stderr
    assert "broken.csv:1:" in result.stderr and "cohort" in result.stderr and "role" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_profile_needs_one_person_or_all(inputs, tmp_path):
    for extra in ([], ["--subject", "X", "--all"]):
        result = _report("profile", inputs / "ratings.csv", tmp_path / "out", *extra)
        assert result.exit_code == 2 and "give --subject NAME for one person, or --all" in result.stderr


def test_the_positioning_report_refuses_a_cohort_its_organisation_has_not(tmp_path):
    result = runner.invoke(app, ["report", "positioning", "-r", str(examples_dir() / "pmo_responses.csv"),
                                 "-o", ORG, "--competency", str(SAMPLE), "--competency-cohort", "Nobody",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output + result.stderr
    assert f"cohort: organisation '{ORG}' has no cohort 'Nobody'" in result.stderr


# --- manifests and the demo ---------------------------------------------------------------------------------

def test_manifest_rows_of_both_kinds_are_checked_and_a_star_gives_everyone_their_own(inputs):
    person = (inputs / "person.txt").read_text(encoding="utf-8")
    specs = reports.read_manifest(inputs / "manifest.csv")
    assert [(s.report, s.name) for s in specs] == [
        ("competency", f"{STEM}-competency"), ("profile", f"{STEM}-{reports.slugify(person)}-profile"),
        ("competency", f"{STEM}-competency-de")]
    assert specs[1].parameters["subject"] == person and specs[2].parameters["language"] == "de"
    manifest = inputs / "everyone.yaml"
    manifest.write_text(f"- {{report: profile, organisation: {ORG}, responses: ratings.csv, cohort: {COHORT}, "
                        "subject: '*'}\n", encoding="utf-8")
    everyone = reports.read_manifest(manifest)
    assert len(everyone) == 12 and len({s.name for s in everyone}) == 12


def test_bad_manifest_rows_of_the_competency_reports_are_located(inputs):
    manifest = inputs / "bad.csv"
    manifest.write_text(
        "report,organisation,responses,cohort,subject,pmo,competency,competency_cohort\n"
        f"profile,{ORG},ratings.csv,{COHORT},Nobody,,,\n"
        f"competency,{ORG},ratings.csv,Nope,,,,\n"
        f"competency,{ORG},ratings.csv,{COHORT},X,PMO,,\n"
        f"profile,{ORG},ratings.csv,{COHORT},,,,\n"
        f"positioning,{ORG},ratings.csv,,,,,{COHORT}\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.read_manifest(manifest)
    text = "\n".join(str(p) for p in info.value.problems)
    assert f"{manifest}:2:subject: nobody called 'Nobody' was rated in cohort '{COHORT}'" in text
    assert f"{manifest}:3:cohort: organisation '{ORG}' has no cohort 'Nope'" in text
    assert f"{manifest}:4:pmo: does not apply to a competency report" in text
    assert f"{manifest}:4:subject: does not apply to a competency report" in text
    assert f"{manifest}:5:subject: a profile report needs a subject" in text
    assert f"{manifest}:6:competency: competency_cohort names a cohort of a competency ratings file" in text


def test_the_demo_renders_both_cohorts_two_profiles_and_positioning_summaries():
    from pmo_workbench.reports.spec import demo_specs

    specs = demo_specs()
    cohorts = [s.name for s in specs if s.report == "competency"]
    profiles = [s for s in specs if s.report == "profile"]
    assert cohorts == ["harrowmoor-water-services-project-managers-2026-competency",
                       f"{STEM}-competency"]
    assert len(profiles) == 2
    with use_language("en"):
        data = words.competency_input(examples_dir() / "competency" / "harrowmoor-water-services.csv",
                                      "Harrowmoor Water Services", "Project managers 2026")
    full, suppressed = (data.results.profile[data.results.profile["subject"] == p.parameters["subject"]]
                        for p in profiles)
    assert full["others"].notna().all() and suppressed["others"].isna().all()
    summaries = {s.organisation: s.parameters.get("competency_cohort") for s in specs if s.report == "positioning"}
    assert summaries["Harrowmoor Water Services"] == "Project managers 2026"
    assert summaries[ORG] == COHORT
    assert summaries["Stellbrook Pharmaceuticals"] is None


def test_a_positioning_row_takes_the_organisations_only_cohort(inputs):
    manifest = inputs / "summary.csv"
    shutil.copy(examples_dir() / "pmo_responses.csv", inputs / "pmo_responses.csv")
    manifest.write_text("report,organisation,pmo,responses,competency\n"
                        f"positioning,{ORG},Corporate PMO,pmo_responses.csv,ratings.csv\n", encoding="utf-8")
    (spec,) = reports.read_manifest(manifest)
    assert spec.parameters["competency"] == str(inputs / "ratings.csv")
    assert spec.parameters.get("competency_cohort") is None  # the report takes Korrin's only cohort
