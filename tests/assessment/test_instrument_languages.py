"""Instruments in several languages: texts as maps, loaded in one language, located errors for a missing or
undeclared language, the German pmo-core, and the same scores whatever the language."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from pmo_workbench.assessment.instrument import (
    AD_HOC,
    Instrument,
    load_instrument,
    role_label,
    role_labels,
)
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.assessment.results import assess
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.i18n import use_language
from pmo_workbench.resources import examples_dir

from tests.helpers import TINY_YAML

runner = CliRunner()

# Lines counted by hand: scale.labels.5 is a plain string (English only) on line 10, its text at column 8;
# roles.1.label on line 13 (its map at column 24) has French, not declared, and no German; items.1.text is a
# block map starting on line 22, column 11, without German.
BILINGUAL = textwrap.dedent("""\
    id: bi
    version: "0.1"
    languages: [en, de]
    title: {en: Bilingual, de: Zweisprachig}
    scale:
      min: 1
      max: 5
      labels:
        1: {en: Low, de: Niedrig}
        5: High
    roles:
      - {id: executive, label: {en: Executive, de: Führungskraft}}
      - {id: staff, label: {en: Staff, fr: Personnel}}
    dimensions:
      - id: gov
        label: {en: Governance, de: Steuerung}
        items:
          - id: G1
            text: {en: Decisions are clear., de: Entscheidungen sind klar.}
          - id: G2
            text:
              en: Reviews happen.
    types:
      - {id: supportive, label: {en: Supportive, de: Unterstützend}, gates: {gov: 40}}
    """)
DECLARED = "(the instrument declares languages: en, de)"


@pytest.fixture
def bilingual(tmp_path):
    path = tmp_path / "bi.yaml"
    path.write_text(BILINGUAL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def core_de():
    return load_instrument("pmo-core", language="de")


# -- located errors -------------------------------------------------------------------------------------


def test_a_declared_language_missing_a_text_is_located_at_each_text(bilingual):
    with pytest.raises(InputValidationError) as info:
        load_instrument(bilingual, language="en")  # whatever the language asked for: the file is incomplete
    found = [(p.path, p.row, p.column, p.message) for p in info.value.problems]
    where = str(bilingual)
    assert found == [
        (where, 10, 8, f"scale.labels.5: no de text {DECLARED}"),
        (where, 13, 24, f"roles.1.label: no de text {DECLARED}"),
        (where, 13, 24, "roles.1.label: text in fr, not a language of this instrument (languages: en, de)"),
        (where, 22, 11, f"dimensions.0.items.1.text: no de text {DECLARED}"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "row", "message"),
    [
        # a language code that is none
        ("languages: [en, de]", "languages: [en, deutsch]", 3, "languages.1: 'deutsch' is not a language code"),
        # a code written in capitals
        ("languages: [en, de]", "languages: [en, DE]", 3, "write it 'de'"),
        # declared twice
        ("languages: [en, de]", "languages: [en, de, en]", 3, "languages.2: 'en' is declared twice"),
        # a text map whose keys are no language codes
        ("{en: Governance, de: Steuerung}", "{en: Governance, deu-x: Steuerung}", 16,
         "dimensions.0.label: 'deu-x' is not a language code"),
    ],
)
def test_a_wrong_language_declaration_is_located(tmp_path, old, new, row, message):
    text = (BILINGUAL.replace("5: High", "5: {en: High, de: Hoch}")
            .replace("{en: Staff, fr: Personnel}", "{en: Staff, de: Personal}")
            .replace("en: Reviews happen.", "en: Reviews happen.\n          de: Reviews finden statt."))
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        load_instrument(path)
    assert any(p.row == row and message in p.message for p in info.value.problems), info.value.problems


def test_a_text_map_in_a_file_that_declares_no_languages_is_english_only(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_YAML.replace("label: Governance", "label: {en: Governance, de: Steuerung}"),
                    encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        load_instrument(path)
    (problem,) = info.value.problems
    assert problem.row == 12  # id, version, title, scale, thresholds, roles (4 lines), dimensions, - id: gov
    assert problem.message == "dimensions.0.label: text in de, not a language of this instrument (languages: en)"


# -- loading in a language ------------------------------------------------------------------------------


def test_the_texts_come_in_the_language_asked_and_ids_stay(bilingual):
    complete = bilingual.read_text(encoding="utf-8").replace("5: High", "5: {en: High, de: Hoch}").replace(
        "{en: Staff, fr: Personnel}", "{en: Staff, de: Personal}").replace(
        "en: Reviews happen.", "en: Reviews happen.\n          de: Reviews finden statt.")
    bilingual.write_text(complete, encoding="utf-8")
    de, en = load_instrument(bilingual, language="de"), load_instrument(bilingual, language="en")
    assert (de.language, de.languages, de.default_language) == ("de", ("en", "de"), "en")
    assert (de.title, de.scale.labels, [r.label for r in de.roles]) == (
        "Zweisprachig", {1: "Niedrig", 5: "Hoch"}, ["Führungskraft", "Personal"])
    assert de.items["text"].tolist() == ["Entscheidungen sind klar.", "Reviews finden statt."]
    assert en.items["text"].tolist() == ["Decisions are clear.", "Reviews happen."]
    assert de.role_ids == en.role_ids and list(de.items.index) == list(en.items.index)
    assert de.roles[1].labels == ("Personal", "Staff")  # a responses file may name the role in either language
    with use_language("de"):
        assert load_instrument(bilingual).language == "de"  # None: the current language
    assert load_instrument(bilingual, language="DE").language == "de"
    assert load_instrument(bilingual, language="de-CH").language == "de"  # the language, whatever the region
    assert de.in_language("en") == en and en.in_language("de") == de and de.in_language("de") is de
    with pytest.raises(ValueError, match="'klingon' is not a language code"):
        load_instrument(bilingual, language="klingon")


def test_an_instrument_without_the_language_falls_back_to_its_default(tiny_path, core_v1):
    tiny_de = load_instrument(tiny_path, language="de")
    assert (tiny_de.language, tiny_de.languages, tiny_de.title) == ("en", ("en",), "Tiny test instrument")
    old = load_instrument("pmo-core@1.0", language="de")
    assert old.language == "en" and old == core_v1  # pmo-core 1.0 is English only: German gives English
    assert old.items["text"].tolist() == core_v1.items["text"].tolist()


def test_a_dump_holds_one_language_and_loads_back(core_de, tmp_path):
    path = tmp_path / "dumped.yaml"
    path.write_text(yaml.safe_dump(core_de.model_dump(mode="json"), sort_keys=False, allow_unicode=True),
                    encoding="utf-8")
    again = load_instrument(path, language="de")
    assert again.languages == ("de",) and again.items["text"].tolist() == core_de.items["text"].tolist()
    assert again.context[2].choice_label("IT director") == "IT-Leitung"


# -- the German pmo-core ----------------------------------------------------------------------------------


def test_pmo_core_in_german(core_de, core):
    assert core_de.language == "de" and core.language == "en" and core_de.languages == ("en", "de")
    assert core_de.scale.labels == {1: "Stimme überhaupt nicht zu", 2: "Stimme eher nicht zu", 3: "Teils, teils",
                                    4: "Stimme eher zu", 5: "Stimme voll und ganz zu"}
    assert core_de.level_names[3] == "Etabliert" and core_de.type_label("controlling") == "Kontrollierend"
    assert core_de.items.at["MAN1", "text"] == "Mir ist klar, über welche Projektentscheidungen das PMO befinden darf."
    assert core_de.dimension("mandate").label == "Mandat und Befugnisse"
    # the choices are what an engagement file answers with: the same in both languages, only their labels differ
    sector = next(q for q in core_de.context if q.id == "sector")
    assert sector.choices == next(q for q in core.context if q.id == "sector").choices
    assert sector.choice_label("public sector") == "Öffentlicher Sektor"
    assert next(q for q in core_de.context if q.id == "pmo_age_years").unit == "Jahre"
    # ids, weights, numbers, audiences and reverse wording are the same
    columns = ["dimension", "weight", "reverse", "audience"]
    assert core_de.items[columns].equals(core.items[columns])
    assert [t.gates for t in core_de.types] == [t.gates for t in core.types]
    assert core_de.dimension_table.drop(columns="label").equals(core.dimension_table.drop(columns="label"))


def test_german_items_follow_the_item_writing_rules(core_de, core):
    texts = core_de.items["text"]
    # one short sentence in the respondent's terms, as the English: at most 16 words and 110 characters
    for language, shown in (("en", core.items["text"]), ("de", texts)):
        assert shown.str.split().str.len().max() <= 16, language
        assert shown.str.len().max() <= 110, language
        assert shown.str.fullmatch(r"[^.;:!?]+[.?]").all(), language  # one sentence, no second clause after ;
        assert not shown.str.contains(r"\band/or\b|\bund/oder\b", regex=True).any(), language  # double-barrelled
    absolute = r"\b(?:jede[rsnm]?|alle[snm]?|immer|nie|niemals|niemand|keinerlei|stets|ausnahmslos)\b"
    assert not texts.str.contains(absolute, case=False, regex=True).any()
    assert not texts.str.contains(r"\b(?:würden?|wäre|hätte)\b", case=False, regex=True).any()  # no hypotheticals
    assert not texts.str.contains(r"PMBOK|PRINCE2|Prozessgruppe|PMP\b", regex=True).any()
    negations = texts.str.count(r"\b(?:nicht|kein\w*|nie|niemand|nichts|ohne)\b")
    assert negations.max() <= 1  # no double negatives
    assert (texts != core.items["text"]).all()  # every item translated


def test_the_package_labels_are_translated_where_shown(core_de):
    assert role_label("standards") == "Set standards" and core_de.level_name(9) == "level 9"
    with use_language("de"):
        assert role_labels() == {"standards": "Standards setzen", "customer_support": "Kunden unterstützen",
                                 "empowerment": "Menschen befähigen"}
        assert core_de.type_label(AD_HOC) == "Ad hoc" and core_de.level_name(9) == "Stufe 9"
        assert core_de.level_name(2) == "Im Aufbau"


# -- one assessment, whatever the language ----------------------------------------------------------------


def _numbers(results) -> pd.DataFrame:
    frames = []
    for a in results.assessments:
        dims = a.dimensions[["dimension", "score", "ci_low", "ci_high", "level", "respondents"]].copy()
        dims["pmo"], dims["overall"], dims["type"] = a.pmo, a.overall_score, a.type.type
        frames.append(dims)
    return pd.concat(frames, ignore_index=True)


def test_the_same_answers_score_the_same_in_english_and_german(core_de, core, tmp_path):
    sample = pd.read_csv(examples_dir() / "pmo_responses.csv", dtype=str, keep_default_na=False)
    first = tmp_path / "first.csv"
    sample[sample["organisation"] == sample["organisation"].iloc[0]].to_csv(first, index=False)
    scores = {}
    for name, ins in (("en", core), ("de", core_de)):
        scores[name] = _numbers(assess(read_responses(first, ins), ins))
    pd.testing.assert_frame_equal(scores["en"], scores["de"])
    assert len(scores["en"]) == 14


# -- pmo-workbench instruments check ----------------------------------------------------------------------


def test_check_lists_every_missing_text_with_its_line_and_exits_2(bilingual):
    result = runner.invoke(app, ["instruments", "check", str(bilingual), "--language", "de"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{bilingual}:10:8: scale.labels.5: no de text (en: 'High')",
        f"{bilingual}:13:24: roles.1.label: no de text (en: 'Staff')",
        f"{bilingual}:22:11: dimensions.0.items.1.text: no de text (en: 'Reviews happen.')",
        "3 of 9 texts of bi.yaml have no de version",
    ]


def test_check_says_pmo_core_is_complete_in_german_and_1_0_is_not():
    result = runner.invoke(app, ["instruments", "check", "pmo-core", "--language", "de"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "pmo-core 2.0: 236 texts, every one in de (languages: en, de)\n"
    old = runner.invoke(app, ["instruments", "check", "pmo-core@1.0", "--language", "de"])
    assert old.exit_code == 2
    assert old.stderr.splitlines()[-1] == ("94 of 94 texts of pmo-core@1.0.yaml have no de version; de is not "
                                           "among its languages (en)")
    english = runner.invoke(app, ["instruments", "check", "pmo-core@1.0", "--language", "en"])
    assert english.exit_code == 0 and english.stdout.startswith("pmo-core 1.0: 94 texts, every one in en")


def test_check_refuses_an_unknown_language_and_the_listing_stays():
    result = runner.invoke(app, ["instruments", "check", "pmo-core", "--language", "xx"])
    assert result.exit_code == 2
    assert result.stderr == "error: --language 'xx' is not a language code; give one such as en or de\n"
    listed = runner.invoke(app, ["instruments"])
    assert listed.exit_code == 0 and "pmo-core@1.0" in listed.stdout
    assert "PMO positioning and maturity (core)" in listed.stdout


def test_an_instrument_object_is_still_an_instrument(core_de):
    assert isinstance(core_de, Instrument) and core_de.spec == "pmo-core@2.0"
