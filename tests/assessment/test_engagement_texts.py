"""The consultant's texts of an engagement file in several languages: resolved per report language, the texts
lacking a language listed with their lines, a malformed text map refused where it is written."""

from __future__ import annotations

import types

import pytest
from typer.testing import CliRunner

from pmo_workbench.assessment.engagement import load_engagement
from pmo_workbench.assessment.engagement_texts import missing_texts
from pmo_workbench.cli import app
from pmo_workbench.cli.reports import warn_fallback_texts
from pmo_workbench.errors import InputValidationError
from pmo_workbench.i18n import use_language
from pmo_workbench.reports.engagement import engagement_record
from tests.helpers import write_csv

BILINGUAL = """\
organisation: Org
confidentiality: {en: "Confidential", de: "Vertraulich"}
prepared_for:
  en: "Chief Executive, Org"
  de: "Geschäftsführung, Org"
key_messages:
  - {en: "The PMO is a supportive PMO.", de: "Das PMO ist ein unterstützendes PMO."}
  - {en: "Its mandate is its weakest dimension.", de: "Sein Mandat ist seine schwächste Dimension."}
  - "Overall maturity is at level 2 of 5."
pmos:
  - pmo: P
    evidence:
      charter: {answer: "no", note: {en: "No charter.", de: "Kein Mandat."}}
      sponsor_named: {answer: "yes", note: {de: "Die Geschäftsführerin."}}
"""


@pytest.fixture
def bilingual(tmp_path):
    path = tmp_path / "engagement.yaml"
    path.write_text(BILINGUAL, encoding="utf-8")
    return path


def test_the_texts_come_in_the_current_language_and_fall_back_to_the_files(bilingual):
    with use_language("de"):
        german = engagement_record(bilingual, organisation="Org")
        entry = load_engagement(bilingual, None).pmos[0]
    assert german["confidentiality"] == "Vertraulich"
    assert german["prepared_for"] == "Geschäftsführung, Org"
    assert german["key_messages"] == ["Das PMO ist ein unterstützendes PMO.",
                                      "Sein Mandat ist seine schwächste Dimension.",
                                      "Overall maturity is at level 2 of 5."]  # a plain string: the file's English
    assert entry.evidence["charter"].note == "Kein Mandat."
    with use_language("en"):
        english = engagement_record(bilingual, organisation="Org")
        entry = load_engagement(bilingual, None).pmos[0]
    assert english["confidentiality"] == "Confidential"
    assert english["prepared_for"] == "Chief Executive, Org"
    assert english["key_messages"][0] == "The PMO is a supportive PMO."
    assert entry.evidence["sponsor_named"].note == "Die Geschäftsführerin."  # the only text there is


def test_a_file_in_german_counts_its_plain_strings_as_german(tmp_path):
    path = tmp_path / "engagement.yaml"
    path.write_text(BILINGUAL.replace("organisation: Org\n", "organisation: Org\nlanguage: de\n"), encoding="utf-8")
    assert missing_texts(path, "de") == []
    assert [(m.path, m.row) for m in missing_texts(path, "en")] == [
        (("key_messages", 2), 10), (("pmos", 0, "evidence", "sponsor_named", "note"), 15)]


def test_the_missing_texts_are_listed_with_their_lines(bilingual):
    missing = missing_texts(bilingual, "de")
    assert [(m.path, m.row, m.fallback) for m in missing] == [
        (("key_messages", 2), 9, "Overall maturity is at level 2 of 5.")]
    assert missing[0].line(bilingual, "de") == (f"{bilingual}:9:5: key_messages.2: no de text (shown instead: "
                                                "'Overall maturity is at level 2 of 5.')")
    assert [m.row for m in missing_texts(bilingual, "en")] == [14]  # the note given in German only


@pytest.mark.parametrize(("written", "row", "message"), [
    # a language the reports are not written in
    ('confidentiality: {en: "Confidential", xx: "Secret"}', 2, "'xx' is not a language of the reports (en, de"),
    ('confidentiality: {en: "Confidential", fr: "Confidentiel"}', 2, "'fr' is not a language of the reports"),
    # a text that is not a string
    ('confidentiality: {en: "Confidential", de: 3}', 2, "confidentiality: the de text must be a non-blank string"),
    ('confidentiality: {en: "Confidential", de: "  "}', 2, "the de text must be a non-blank string"),
])
def test_a_bad_text_map_is_a_located_error(tmp_path, written, row, message):
    path = tmp_path / "engagement.yaml"
    path.write_text(f"organisation: Org\n{written}\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        load_engagement(path, None)
    [problem] = caught.value.problems
    assert problem.row == row and message in problem.message, problem


def test_a_text_map_where_a_name_belongs_is_refused(tmp_path):
    path = tmp_path / "engagement.yaml"
    path.write_text('organisation: Org\nclient: {en: "Org", de: "Org GmbH"}\n', encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        load_engagement(path, None)
    assert [p.row for p in caught.value.problems] == [2]


def test_check_lists_the_texts_lacking_the_language_and_exits_0(tmp_path, bilingual):
    responses = write_csv(tmp_path / "answers.csv", "organisation,pmo,respondent,role,item,value\n"
                                                    "Org,P,r1,executive,MAN1,4\n")
    result = CliRunner().invoke(app, ["engagement", "check", str(bilingual), "--responses", str(responses),
                                      "--language", "de"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{bilingual}: OK"
    assert f"{bilingual}:9:5: key_messages.2: no de text" in result.stderr
    assert "note: 1 text has no de version" in result.stderr
    result = CliRunner().invoke(app, ["engagement", "check", str(bilingual), "--responses", str(responses)])
    assert result.exit_code == 0 and result.stderr == ""


def test_a_report_warns_once_per_file_whose_texts_fall_back(bilingual, capsys):
    spec = types.SimpleNamespace(parameters={"engagement": str(bilingual), "language": "de"})
    warn_fallback_texts([spec, spec, types.SimpleNamespace(parameters={"engagement": str(bilingual)})])
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and "has no English version" in lines[1]  # an English report: the German-only note
    assert lines[:1] == [f"warning: {bilingual}: 1 text of the engagement file has no German version and falls back "
                     f"to another language (pmo-workbench engagement check {bilingual} --language de lists them)"]


def test_the_demos_engagement_texts_are_all_in_german(tmp_path):
    from pmo_workbench.reports.engagement import demo_engagements
    from pmo_workbench.resources import examples_dir

    files = [*demo_engagements(tmp_path).values(), examples_dir() / "engagement.yaml",
             examples_dir() / "waves" / "engagement.yaml"]
    assert {str(f): missing_texts(f, "de") for f in files} == {str(f): [] for f in files}
    with use_language("de"):
        record = engagement_record(files[0], organisation="Quillmere Events")
    assert record["confidentiality"] == "Vertraulich: erstellt für den auf dieser Seite genannten Auftraggeber"
    assert record["prepared_for"] == "Betriebsleitung, Quillmere Events"
