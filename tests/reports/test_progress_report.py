"""The progress report: rendered through the batch machinery (HTML, notebook, deck, Word), opened offline in a
browser, and its command and manifest rows refusing bad input with exit 2.

The fixture is one PMO of the tiny instrument in two waves. Support (S1, S2, unreversed) is answered alike on
both items, so a respondent's Support score is 25 * (value - 1):

- wave 2025: executives at 3 and 4, a project manager at 2 -> 50, 75, 25 (mean 50);
- wave 2026: executives at 4 and 5, project managers at 4 and 5 -> 75, 100, 75, 100 (mean 87.5).

The change is +37.5 with a Welch 95 % CI of 37.5 -/+ 51.35651 (df 3; worked in
``tests/assessment/test_progress.py``): it holds 0, so the report says "no clear change".
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from pmo_workbench import reports
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.reports.records import read_records

runner = CliRunner()
CHROMIUM = reports.find_chromium()
NAME = "org-pmo-progress"
PEOPLE = {"2025": [("A1", "executive", 3), ("A2", "executive", 4), ("A3", "project_manager", 2)],
          "2026": [("B1", "executive", 4), ("B2", "executive", 5), ("B3", "project_manager", 4),
                   ("B4", "project_manager", 5)]}


def _write(path: Path, waves: dict[str, list[tuple]], *, with_wave: bool = True) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["organisation", "pmo", *(["wave"] if with_wave else []), "respondent", "role", "item",
                         "value", "assessed_on"])
        for wave, people in waves.items():
            for who, role, value in people:
                for item in ("S1", "S2", "G1", "G2", "G3", "G4"):
                    writer.writerow(["Org", "PMO", *([wave] if with_wave else []), who, role, item,
                                     value if item.startswith("S") else 6 - value if item == "G2" else value,
                                     f"{wave}-03-0{1 + len(who) % 5}"])
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, tiny_path) -> Path:
    folder = tmp_path_factory.mktemp("progress-inputs")
    shutil.copy(tiny_path, folder / "tiny.yaml")
    _write(folder / "waves.csv", PEOPLE)
    _write(folder / "one-wave.csv", {"2026": PEOPLE["2026"]})
    _write(folder / "no-wave.csv", {"2026": PEOPLE["2026"]}, with_wave=False)
    text = (folder / "waves.csv").read_text(encoding="utf-8")
    (folder / "some-blank.csv").write_text(text.replace("Org,PMO,2025,A3,", "Org,PMO,,A3,"), encoding="utf-8")
    (folder / "manifest.csv").write_text("report,organisation,pmo,responses,instrument,from,to,min_change\n"
                                         "progress,Org,PMO,waves.csv,tiny.yaml,2025,2026,5\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("progress-out")
    result = runner.invoke(app, ["batch", str(inputs / "manifest.csv"), "--out", str(out), "--jobs", "1",
                                 "--format", "html,ipynb,pptx,docx"])
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.mark.slow
def test_the_progress_report_renders_in_a_batch_with_the_package_s_numbers(rendered):
    for suffix in ("html", "ipynb", "pptx", "docx"):
        assert (rendered / f"{NAME}.{suffix}").is_file()
    records = read_records(nbformat.read(rendered / f"{NAME}.ipynb", as_version=4))
    sup = records["changes"]["sup"]
    assert sup["change"] == pytest.approx(37.5)  # 87.5 - 50
    assert sup["ci"] == pytest.approx([37.5 - 51.35651, 37.5 + 51.35651], abs=1e-5)
    assert sup["verdict"] == "no_clear_change"  # 37.5 points, but the CI holds 0
    assert records["progress"]["waves"] == ["2025", "2026"]
    assert records["progress"]["min_change"] == 5.0
    html = (rendered / f"{NAME}.html").read_text(encoding="utf-8")
    assert "PMO progress report" in html and "Welch" in html and "chi-square" in html
    assert "+37.5" in html and "no clear change" in html
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert 'id="progress"' in index and 'id="reports"' not in index  # its own table in the batch's index
    assert "2025 → 2026" in index and "+37.5" in index and "no clear change" in index
    from pptx import Presentation

    titles = [s.shapes.title.text for s in Presentation(rendered / f"{NAME}.pptx").slides if s.shapes.title]
    assert "Key messages" in titles and "Comparability of the two waves" in titles


@pytest.mark.slow
@pytest.mark.browser
def test_the_progress_report_opens_offline_with_every_chart_rendered(rendered, chromium):
    from tests.reports.test_reports import _chart_count, _open_offline

    seen = _open_offline(rendered / f"{NAME}.html")
    assert seen["interactive"] == _chart_count(rendered / f"{NAME}.ipynb") >= 1
    assert seen["footer"] == 1
    assert seen["errors"] == [] and seen["remote"] == []


# --- bad input: exit 2 before any notebook runs ---------------------------------------------------------

@pytest.mark.parametrize("file, extra, message", [
    ("no-wave.csv", [], "no-wave.csv:-:wave: the responses name no wave"),
    ("one-wave.csv", [], "has answers of one wave only (2026)"),
    # A3's 6 answers of 2025 without their wave: they would drop out of both waves
    ("some-blank.csv", [], "6 answers of PMO 'PMO' of 'Org' (respondents A3) have no wave while others have one"),
    ("waves.csv", ["--from", "2024"], "--from: PMO 'PMO' of 'Org' has no wave '2024'; its waves are 2025, 2026"),
    ("waves.csv", ["--from", "2026", "--to", "2025"], "wave '2026' comes after '2025'"),
    ("waves.csv", ["--from", "2026", "--to", "2026"], "--from and --to name the same wave (2026)"),
    ("waves.csv", ["--pmo", "Other"], "organisation 'Org' has no PMO 'Other'"),
    # 3 respondents in 2025: with a minimum group of 4 their scores would be those people's own answers
    ("waves.csv", ["--min-group-size", "4"], "Org / PMO: 3 respondents answered wave 2025, fewer than the minimum "
                                            "group size of 4"),
])
def test_bad_progress_input_exits_2_with_a_located_message(inputs, tmp_path, file, extra, message):
    result = runner.invoke(app, ["report", "progress", "--responses", str(inputs / file), "--organisation", "Org",
                                 "-i", str(inputs / "tiny.yaml"), "--out", str(tmp_path / "out"), *extra])
    assert result.exit_code == 2, result.output + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / f"{NAME}.html").exists()


@pytest.mark.slow
def test_the_progress_report_of_a_stored_pmo(tmp_path, monkeypatch, core):
    # the sample's two waves imported into a store: one PMO (id 1) with assessments 2025 and 2026; the steps
    # done come from the engagement file given (the store keeps target, context and evidence per assessment)
    from pmo_workbench import examples_dir
    from pmo_workbench.store import Store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the exports go to the user's cache folder
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store(url) as store:
        store.import_responses(examples_dir() / "waves" / "responses.csv", core)
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "progress", "--store", url, "--pmo", "1", "--out", str(out),
                                 "--engagement", str(examples_dir() / "waves" / "engagement.yaml"),
                                 "--format", "ipynb"])
    assert result.exit_code == 0, result.output + result.stderr
    name = "harrowmoor-water-services-capital-programmes-pmo-progress"
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == [f"{name}.ipynb"]  # no answers here
    assert list((tmp_path / "cache").rglob("assessment-*.csv"))
    records = read_records(nbformat.read(out / f"{name}.ipynb", as_version=4))
    assert records["progress"]["waves"] == ["2025", "2026"]
    assert records["changes"]["learning"]["verdict"] == "declined"
    assert {r["status"] for r in records["roadmap"]} == {"done", "partly", "not done"}
    wrong = runner.invoke(app, ["report", "progress", "--store", url, "--pmo", "1", "--from", "2024",
                                "--out", str(out)])
    assert wrong.exit_code == 2 and "--from: PMO 1 (Capital Programmes PMO of Harrowmoor Water Services) has no " \
                                    "wave '2024'; its waves are 2025, 2026" in wrong.stderr


def test_a_stored_pmo_that_does_not_exist_exits_2(tmp_path):
    from pmo_workbench.store import Store

    url = f"sqlite:///{tmp_path / 'store.db'}"
    Store(url).close()
    for pmo, message in (("99", "the store has no PMO 99"), ("Main", "give the PMO's id (a number")):
        result = runner.invoke(app, ["report", "progress", "--store", url, "--pmo", pmo, "--out", str(tmp_path)])
        assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_a_manifest_row_of_progress_is_checked(inputs, tmp_path):
    for name in ("waves.csv", "tiny.yaml"):
        shutil.copy(inputs / name, tmp_path / name)
    spec, = reports.read_manifest(inputs / "manifest.csv")
    assert (spec.report, spec.name, spec.parameters["from_wave"], spec.parameters["to_wave"]) == (
        "progress", NAME, "2025", "2026")
    manifest = tmp_path / "bad.csv"
    manifest.write_text("report,organisation,pmo,responses,instrument,from,budget\n"
                        "progress,Org,PMO,waves.csv,tiny.yaml,2030,\n"
                        "progress,Org,,waves.csv,tiny.yaml,,\n"
                        "progress,Org,PMO,waves.csv,tiny.yaml,,100\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.read_manifest(manifest)
    text = "\n".join(str(p) for p in info.value.problems)
    assert f"{manifest}:2:from: from: PMO 'PMO' of 'Org' has no wave '2030'" in text
    assert f"{manifest}:3:pmo: a progress report needs a pmo" in text
    assert f"{manifest}:4:budget: does not apply to a progress report" in text


def test_the_demo_includes_the_progress_report_of_the_pmo_assessed_twice():
    from pmo_workbench.reports.spec import demo_specs

    progress = [s for s in demo_specs() if s.report == "progress"]
    assert [s.name for s in progress] == ["harrowmoor-water-services-capital-programmes-pmo-progress"]
    assert progress[0].parameters["engagement"].endswith("engagement.yaml")


def test_a_stored_anonymous_wave_keeps_its_minimum_group_whatever_engagement_file_is_given(tmp_path, core):
    # both waves anonymised in the store: the user's engagement file (no anonymity key) cannot lift the minimum
    # group of 5; the sample's waves have 9 and 10 respondents, so the report is made, with groups under 5 hidden
    from pmo_workbench import examples_dir
    from pmo_workbench.assessment.progress_report import progress_input
    from pmo_workbench.cli.reports import _stored_anonymous
    from pmo_workbench.reports.spec import progress_spec
    from pmo_workbench.store import Store

    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store(url) as store:
        store.import_responses(examples_dir() / "waves" / "responses.csv", core)
        assert not _stored_anonymous(url, "1", ("2025", "2026"))
        store.close_assessment(1)
        store.anonymise(1)
    assert _stored_anonymous(url, "1", ("2025", "2026"))  # one anonymous wave is enough
    sample = examples_dir() / "waves"
    given = progress_input(sample / "responses.csv", "Harrowmoor Water Services",
                           engagement=sample / "engagement.yaml", anonymous=True)
    assert given.min_group_size == 5
    spec = progress_spec(sample / "responses.csv", "Harrowmoor Water Services", "Capital Programmes PMO",
                         engagement=sample / "engagement.yaml", anonymous=True)
    assert spec.parameters["anonymous"] is True


def test_a_done_list_of_a_pmo_with_three_waves_is_said_to_be_unattributable(tmp_path):
    # the sample's 2026 answers copied as a third wave, 2027: the engagement file's one done list (steps finished
    # after 2025) would be credited to the 2026 roadmap without a word
    import pandas as pd

    from pmo_workbench import examples_dir
    from pmo_workbench.assessment.progress_report import headline, progress_input

    sample = pd.read_csv(examples_dir() / "waves" / "responses.csv", dtype=str, keep_default_na=False)
    third = sample[sample["wave"] == "2026"].assign(wave="2027", respondent=lambda f: f["respondent"] + "z",
                                                    assessed_on="2027-04-10")
    pd.concat([sample, third]).to_csv(tmp_path / "responses.csv", index=False)
    shutil.copy(examples_dir() / "waves" / "engagement.yaml", tmp_path)
    data = progress_input(tmp_path / "responses.csv", "Harrowmoor Water Services")
    note = ("The PMO has answers of 3 waves (2025, 2026, 2027); the engagement file's list of steps done is not tied "
            "to a wave, so some may have been finished before 2026 and are credited here to the 2026 roadmap.")
    assert data.progress.notes[-1] == note and headline(data.progress, data.type_labels)[-1] == note
    two = progress_input(examples_dir() / "waves" / "responses.csv", "Harrowmoor Water Services")
    # one engagement entry for both waves: the earlier roadmap is rebuilt with today's target and evidence
    assert two.progress.notes[-1:] == (
        "The 2025 roadmap is rebuilt from the 2025 answers with the engagement file's current target, context and "
        "evidence, which may differ from those of the roadmap given in 2025.",)


def test_a_stored_wave_opened_but_not_yet_answered_is_not_the_default(tmp_path, monkeypatch, core):
    # the sample's 2025 and 2026 imported, then wave 2027 opened for invitations (no answers): the default pair
    # skips it; naming it says it has no answers rather than pointing at an exported file
    import datetime

    from pmo_workbench import examples_dir
    from pmo_workbench.cli.reports import _stored_waves
    from pmo_workbench.store import Store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the exports go to the user's cache folder
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with Store(url) as store:
        store.import_responses(examples_dir() / "waves" / "responses.csv", core)
        store.create_assessment("Harrowmoor Water Services", "Capital Programmes PMO", core, wave="2027",
                                fieldwork_start=datetime.date(2027, 4, 1))
    assert _stored_waves(url, "1", None, None, "pmo-core")[-2:] == ("2025", "2026")
    result = runner.invoke(app, ["report", "progress", "--store", url, "--pmo", "1", "--to", "2027",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--to: wave '2027' of PMO 1 (Capital Programmes PMO of Harrowmoor Water " \
                                      "Services) (assessment 3) has no answers yet" in result.stderr, result.stderr


def test_respondent_labels_in_both_waves_are_said_to_break_the_independence_assumed(tmp_path):
    # the sample with its 2025 labels HWS25-01.. renamed HWS-01..: the 9 of 2025 then recur among the 10 of 2026
    import pandas as pd

    from pmo_workbench import examples_dir
    from pmo_workbench.assessment.progress_report import progress_input

    sample = pd.read_csv(examples_dir() / "waves" / "responses.csv", dtype=str, keep_default_na=False)
    sample["respondent"] = sample["respondent"].str.replace("HWS25-", "HWS-")
    sample.to_csv(tmp_path / "responses.csv", index=False)
    data = progress_input(tmp_path / "responses.csv", "Harrowmoor Water Services",
                          engagement=examples_dir() / "waves" / "engagement.yaml")
    assert data.progress.notes[-1].startswith("9 respondent labels appear in both waves: if they are the same people")

