"""The engagement record every report output is built from, and the engagement file as a report input."""

from __future__ import annotations

import base64
import datetime as dt
import textwrap

import pytest

from pmo_workbench.assessment.engagement import load_engagement
from pmo_workbench.errors import InputValidationError
from pmo_workbench.reports import batch
from pmo_workbench.reports.batch import run_batch
from pmo_workbench.reports.engagement import RECORD_KEYS, demo_engagements, engagement_record
from pmo_workbench.reports.manifest import read_manifest
from pmo_workbench.reports.spec import portfolio_spec, positioning_spec
from tests.assessment.test_deliverable import PNG
from tests.helpers import answers
from tests.reports.test_batch_safety import FakeRender


def _engagement_file(folder, logo="logos/c.png", extra=""):
    (folder / "logos").mkdir(exist_ok=True)
    (folder / "logos" / "c.png").write_bytes(PNG)
    path = folder / "engagement.yaml"
    path.write_text(textwrap.dedent(f"""\
        organisation: Org
        client: Org Ltd
        client_logo: {logo}
        consultancy: Northgate
        prepared_for: "Chief Executive, Org"
        framework: prince2
        locale: en_US
        key_messages: [One., Two., Three.]
        portfolio_key_messages: [Four., Five., Six.]
        version: "0.3"
        draft: true
        """) + extra, encoding="utf-8")
    return path


def _answers():
    frame = answers([("r1", "executive", "G1", 4), ("r2", "pmo_staff", "G1", 3)], pmo="P")
    frame["assessed_on"] = [dt.date(2026, 3, 9), dt.date(2026, 3, 2)]
    return frame


def test_the_record_of_a_full_engagement(tmp_path):
    path = _engagement_file(tmp_path)
    record = engagement_record(load_engagement(path, None), path, organisation="Org", answers=_answers())
    assert tuple(record) == RECORD_KEYS
    assert record == {
        "client": "Org Ltd",
        "client_logo": "data:image/png;base64," + base64.b64encode(PNG).decode("ascii"),
        "consultancy": "Northgate", "consultancy_logo": None,
        "prepared_for": "Chief Executive, Org",
        "fieldwork": ["2026-03-02", "2026-03-09"],  # no fieldwork given: first and last assessed_on
        "confidentiality": "Confidential", "version": "0.3", "draft": True,
        "key_messages": ["One.", "Two.", "Three."], "locale": "en_US", "framework": "prince2",
        "language": None,
    }
    portfolio = engagement_record(path, organisation="Org", report="portfolio")  # read from the path
    assert portfolio["key_messages"] == ["Four.", "Five.", "Six."] and portfolio["fieldwork"] is None
    assert portfolio["client_logo"] == record["client_logo"]


def test_the_record_without_an_engagement_or_of_another_organisation_is_the_defaults(tmp_path):
    expected = {"client": "Org", "client_logo": None, "consultancy": None, "consultancy_logo": None,
                "prepared_for": None, "fieldwork": ["2026-03-02", "2026-03-09"], "confidentiality": "Confidential",
                "version": None, "draft": False, "key_messages": [], "locale": None, "framework": None,
                "language": None}
    assert engagement_record(None, organisation="Org", answers=_answers()) == expected
    path = _engagement_file(tmp_path)
    assert engagement_record(path, organisation="Elsewhere", report="portfolio") == {
        **expected, "client": "Elsewhere", "fieldwork": None}


def test_a_logo_that_is_no_image_is_refused_where_the_report_reads_it(tmp_path):
    path = _engagement_file(tmp_path)
    (tmp_path / "logos" / "c.png").write_text("not a picture", encoding="utf-8")
    with pytest.raises(InputValidationError, match="client_logo"):
        engagement_record(path, organisation="Org")


def test_the_engagement_file_and_its_logo_are_inputs_of_both_reports(tmp_path):
    path = _engagement_file(tmp_path)
    responses = tmp_path / "answers.csv"
    responses.write_text("x", encoding="utf-8")
    logo = str((tmp_path / "logos" / "c.png").resolve())
    positioning = positioning_spec(responses, "Org", engagement=path)
    portfolio = portfolio_spec(tmp_path / "book.xlsx", "Org", engagement=path)
    assert portfolio.parameters["engagement"] == positioning.parameters["engagement"] == str(path.resolve())
    assert {str(path.resolve()), logo} <= set(positioning.inputs)
    assert {str(path.resolve()), logo} <= set(portfolio.inputs)


def test_editing_the_engagement_file_renders_that_report_again(tmp_path, monkeypatch):
    render = FakeRender()
    monkeypatch.setattr(batch, "_render_notebook", render)
    monkeypatch.setattr(batch, "fork_supported", lambda: False)
    monkeypatch.setattr(batch, "vega_bundle", lambda: "")
    path = _engagement_file(tmp_path)
    (tmp_path / "book.csv").write_text("the portfolio", encoding="utf-8")
    specs = [portfolio_spec(tmp_path / "book.csv", "Org", engagement=path, name="with"),
             portfolio_spec(tmp_path / "book.csv", "Org", name="without")]
    out = tmp_path / "out"

    def statuses():
        result = run_batch(specs, out, ("html",), jobs=1, force=False, progress=False, index=False)
        return [o.status for o in result.outcomes]

    assert statuses() == ["rendered", "rendered"]
    assert statuses() == ["unchanged", "unchanged"]
    path.write_text(path.read_text(encoding="utf-8").replace("One.", "First."), encoding="utf-8")
    assert statuses() == ["rendered", "unchanged"]
    (tmp_path / "logos" / "c.png").write_bytes(PNG + b"\x00")
    assert statuses() == ["rendered", "unchanged"]


def test_a_manifest_passes_the_engagement_to_a_portfolio_report(tmp_path):
    path = _engagement_file(tmp_path)
    (tmp_path / "book").mkdir()
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("report,organisation,portfolio,engagement\nportfolio,Org,book,engagement.yaml\n"
                        "portfolio,Other,book,engagement.yaml\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "engagement")
    assert "the engagement file is about 'Org', not 'Other'" in problem.message
    manifest.write_text("report,organisation,portfolio,engagement\nportfolio,Org,book,engagement.yaml\n",
                        encoding="utf-8")
    (spec,) = read_manifest(manifest)
    assert spec.parameters["engagement"] == str(path.resolve())


def test_a_missing_engagement_file_in_a_manifest_is_one_problem_of_its_cell(tmp_path):
    import shutil

    from pmo_workbench.resources import examples_dir

    shutil.copy(examples_dir() / "pmo_responses.csv", tmp_path / "responses.csv")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("report,organisation,responses,engagement\n"
                        "positioning,Korrin Regional Council,responses.csv,nofile.yaml\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    (problem,) = caught.value.problems  # not a second, unlocated "cannot read file"
    assert (problem.path, problem.row, problem.column) == (str(manifest), 2, "engagement")
    assert "file not found: nofile.yaml" in problem.message


def test_the_demo_writes_one_engagement_per_sample_organisation(tmp_path, core):
    from pmo_workbench.assessment.engagement import engagement_inputs
    from pmo_workbench.assessment.responses import read_responses
    from pmo_workbench.resources import examples_dir

    written = demo_engagements(tmp_path)
    assert len(written) == 7
    sample = examples_dir() / "pmo_responses.csv"
    frame = read_responses(sample, core)
    for organisation, path in written.items():
        engagement = engagement_inputs(sample, frame, core, engagement=path)[0]
        assert engagement.organisation == organisation and 3 <= len(engagement.key_messages) <= 5
        (comment,) = engagement.approved_comments()
        assert comment.shown != comment.text  # redacted
        assert [e.organisation for e in engagement.pmos] == [organisation] * len(engagement.pmos) != []
    stellbrook = load_engagement(written["Stellbrook Pharmaceuticals"], core)
    assert stellbrook.approved_comments()[0].shown == "Nobody asked our team what we need."
    before = {p: p.stat().st_mtime_ns for p in written.values()}
    assert demo_engagements(tmp_path) == written
    assert {p: p.stat().st_mtime_ns for p in written.values()} == before  # unchanged files are not rewritten


@pytest.mark.slow
def test_both_notebooks_record_the_engagement_and_show_only_the_approved_comment(tmp_path):
    import csv

    import nbformat
    from typer.testing import CliRunner

    from pmo_workbench.cli import app
    from pmo_workbench.notebook.show import read_records
    from pmo_workbench.resources import examples_dir

    runner = CliRunner()
    written = demo_engagements(tmp_path / "engagements")
    path = written["Harrowmoor Water Services"]
    result = runner.invoke(app, ["report", "positioning", "-r", str(examples_dir() / "pmo_responses.csv"),
                                 "-o", "Harrowmoor Water Services", "--engagement", str(path),
                                 "--out", str(tmp_path), "--format", "html,ipynb"])
    assert result.exit_code == 0, result.output
    records = read_records(nbformat.read(tmp_path / "harrowmoor-water-services-positioning.ipynb", 4))
    assert set(records["engagement"]) == set(RECORD_KEYS)
    assert records["engagement"]["prepared_for"] == "Capital Delivery Director, Harrowmoor Water Services"
    assert records["engagement"]["key_messages"][0].startswith("The Capital Programmes PMO is firmly")
    assert records["data_quality/Capital Programmes PMO"]["comments"] == 1
    html = (tmp_path / "harrowmoor-water-services-positioning.html").read_text(encoding="utf-8")
    assert "4 comments were received; 1 approved for this report." in html
    assert "not for other work" in html and "IT work" not in html
    assert "Baselines are re-set" not in html  # not approved: not shown
    row = next(r for r in csv.DictReader((examples_dir() / "portfolios" / "budgets.csv").open(encoding="utf-8"))
               if r["organisation"] == "Harrowmoor Water Services")
    result = runner.invoke(app, ["report", "portfolio", "-p", str(examples_dir() / "portfolios" / row["portfolio"]),
                                 "-o", "Harrowmoor Water Services", "--engagement",
                                 str(path), "--out", str(tmp_path), "--format", "ipynb"])
    assert result.exit_code == 0, result.output
    records = read_records(nbformat.read(tmp_path / "harrowmoor-water-services-portfolio.ipynb", 4))
    assert records["engagement"]["client"] == "Harrowmoor Water Services"
    assert records["engagement"]["fieldwork"] is None and records["engagement"]["key_messages"] == []


def test_the_default_confidentiality_line_is_in_the_reports_language_and_the_file_gives_its_language(tmp_path):
    from pmo_workbench.i18n import use_language
    from pmo_workbench.reports.records import report_language
    from pmo_workbench._values import number_locale

    with use_language("de"):
        assert engagement_record(None, organisation="Org")["confidentiality"] == "Vertraulich"
    path = tmp_path / "engagement.yaml"
    path.write_text("organisation: Org\nlanguage: de\nlocale: de-CH\nconfidentiality: Streng vertraulich\n",
                    encoding="utf-8")
    record = engagement_record(path, organisation="Org", report="portfolio")
    assert (record["language"], record["locale"], record["confidentiality"]) == ("de", "de_CH", "Streng vertraulich")
    with report_language("de", {"engagement": record}):
        assert number_locale() == "de_CH"
    with report_language("en", {"engagement": record}):  # a locale of another language: the language's own
        assert number_locale() == "en_GB"
