"""The recommendations library in several languages: declared languages, located missing texts, the fallback to
the default language, the same roadmap in every language, and the built-in library in German."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_workbench.assessment.findings import Finding, Findings
from pmo_workbench.assessment.library_texts import text_places
from pmo_workbench.assessment.positioning import Target, classify_type
from pmo_workbench.assessment.recommendations import (
    library_for,
    library_missing_texts,
    load_library,
    recommend,
)
from pmo_workbench.assessment.roadmap import build_roadmap
from pmo_workbench.assessment.scoring import maturity_level
from pmo_workbench.errors import InputValidationError
from pmo_workbench.i18n import use_language
from tests.catalogue import english_leftovers

# A library declaring English and German, written with a text lacking German in each kind of place (a plain
# workstream label, a step's text map, a variant's text) and one text map using French, which it does not declare.
# The line numbers in the tests below are counted from this text.
TWO_LANGUAGES = """\
id: t
instrument: tiny
languages: [en, de]
workstreams:
  - {id: w, label: {en: Work, de: Arbeit}}
  - {id: v, label: Other work}
recommendations:
  - id: a
    dimension: gov
    workstream: w
    title: {en: Agree the charter, de: Charta verabschieden}
    action:
      en: Draft it and have it approved.
    evidence_of_done: {en: Charter approved., de: Charta verabschiedet., fr: Charte approuvée.}
    owner_role: {en: Head of the PMO, de: PMO-Leitung}
    duration_weeks: 2
    effort: low
    impact: low
    variants:
      agile: {title: {en: Agree the team charter}}
"""

DECLARED = "(the library declares languages: en, de)"


def _write(tmp_path, text, name="lib.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(call):
    with pytest.raises(InputValidationError) as info:
        call()
    return [(p.row, p.message) for p in info.value.problems]


def _complete(text):
    """TWO_LANGUAGES with every text given in German and no French."""
    return (text.replace("label: Other work}", "label: {en: Other work, de: Andere Arbeit}}")
            .replace("      en: Draft it and have it approved.\n",
                     "      en: Draft it and have it approved.\n      de: Entwerfen und freigeben lassen.\n")
            .replace(", fr: Charte approuvée.", "")
            .replace("{en: Agree the team charter}", "{en: Agree the team charter, de: Team-Charta vereinbaren}"))


# -- the languages a library declares, and texts lacking one -------------------------------------------------

def test_a_declared_language_lacking_texts_is_a_located_error(tmp_path):
    path = _write(tmp_path, TWO_LANGUAGES)
    with pytest.raises(InputValidationError) as info:
        load_library(path)
    assert {p.path for p in info.value.problems} == {str(path)}
    assert [(p.row, p.column, p.message) for p in info.value.problems] == [
        # a plain string is a text in the default language only
        (6, 20, f"workstreams.1.label: no de text {DECLARED}"),
        # the text map of ``action`` starts on the line of its first language
        (13, 7, f"recommendations.0.action: no de text {DECLARED}"),
        (14, 78, "recommendations.0.evidence_of_done.fr: text in fr, not a language of this library (languages: "
                 "en, de)"),
        (20, 22, f"recommendations.0.variants.agile.title: no de text {DECLARED}"),
    ]


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        ("languages: []", [(3, "languages: expected a list of language codes, the default first, e.g. [en, de]")]),
        ("languages: de", [(3, "languages: expected a list of language codes, the default first, e.g. [en, de]")]),
        ("languages: [en, german]", [(3, "languages.1: 'german' is not a language code (e.g. en, de)")]),
        ("languages: [en, DE]", [(3, "languages.1: 'DE' is not a language code (e.g. en, de); write it 'de'")]),
        ("languages: [en, de, en]", [(3, "languages.2: 'en' is declared twice")]),
    ],
)
def test_a_wrong_declaration_of_languages_is_located(tmp_path, declaration, expected):
    path = _write(tmp_path, _complete(TWO_LANGUAGES).replace("languages: [en, de]", declaration))
    assert _problems(lambda: load_library(path))[:len(expected)] == expected


def test_a_mapping_in_place_of_a_text_must_be_a_text_map(tmp_path):
    path = _write(tmp_path, _complete(TWO_LANGUAGES).replace("{en: Head of the PMO, de: PMO-Leitung}",
                                                             "{lead: Head of the PMO}"))
    # the German line given to ``action`` moves owner_role from line 15 to 16
    assert _problems(lambda: load_library(path)) == [
        (16, "recommendations.0.owner_role: expected a text or a text map of language codes to texts, such as "
             "{en: ..., de: ...}")]


def test_ids_never_translate(tmp_path):
    path = _write(tmp_path, _complete(TWO_LANGUAGES).replace("dimension: gov", "dimension: {en: gov, de: gov}"))
    problems = _problems(lambda: load_library(path))
    assert [row for row, _message in problems] == [9]
    assert problems[0][1].startswith("recommendations.0.dimension: Input should be a valid string")


def test_missing_texts_are_listed_by_line_with_the_text_that_stands_in(tmp_path):
    path = _write(tmp_path, TWO_LANGUAGES)
    assert [(p.row, p.message) for p in library_missing_texts(path, "de")] == [
        (6, 'workstreams.1.label: no de text; falls back to "Other work"'),
        (13, 'recommendations.0.action: no de text; falls back to "Draft it and have it approved."'),
        (20, 'recommendations.0.variants.agile.title: no de text; falls back to "Agree the team charter"'),
    ]
    # a language the library does not declare: every text lacks it but the one map that gives it
    assert [p.row for p in library_missing_texts(path, "fr")] == [5, 6, 11, 13, 15, 20]
    assert library_missing_texts(path, "en") == []
    assert library_missing_texts(_write(tmp_path, _complete(TWO_LANGUAGES), "complete.yaml"), "de") == []
    with pytest.raises(ValueError, match="'german' is not a language code"):
        library_missing_texts(path, "german")


# -- loading in a language, and the fallback to the default ------------------------------------------------

def test_a_library_loads_in_each_language_it_declares(tmp_path):
    path = _write(tmp_path, _complete(TWO_LANGUAGES))
    german = load_library(path, language="de")
    assert (german.language, german.languages, german.default_language) == ("de", ("en", "de"), "en")
    step = german.step("a")
    assert (step.title, step.action, step.evidence_of_done, step.owner_role) == (
        "Charta verabschieden", "Entwerfen und freigeben lassen.", "Charta verabschiedet.", "PMO-Leitung")
    assert step.text("agile")[0] == "Team-Charta vereinbaren"
    assert german.workstream_label("v") == "Andere Arbeit"
    english = load_library(path, language="en")
    assert (english.language, english.step("a").title, english.workstream_label("v")) == (
        "en", "Agree the charter", "Other work")
    # no language named: the current one; a regional code names its language
    with use_language("de"):
        assert load_library(path).language == "de"
    assert load_library(path).language == "en"
    assert load_library(path, language="de-AT").step("a").title == "Charta verabschieden"


def test_a_language_the_library_does_not_declare_falls_back_to_its_default(tmp_path):
    english_only = _write(tmp_path, "\n".join(line for line in _complete(TWO_LANGUAGES).splitlines()
                                              if not line.startswith("languages:")).replace(", de: Arbeit", "")
                          .replace(", de: Andere Arbeit", "").replace(", de: Charta verabschieden", "")
                          .replace("      de: Entwerfen und freigeben lassen.\n", "")
                          .replace(", de: Charta verabschiedet.", "").replace(", de: PMO-Leitung", "")
                          .replace(", de: Team-Charta vereinbaren", ""))
    library = load_library(english_only, language="de")
    assert (library.language, library.languages) == ("en", ("en",))
    assert library.step("a").title == "Agree the charter"
    # German first, English second: a French reader gets the German
    german_first = _write(tmp_path, _complete(TWO_LANGUAGES).replace("[en, de]", "[de, en]"), "de_first.yaml")
    assert load_library(german_first, language="fr").step("a").title == "Charta verabschieden"


def test_the_old_library_stays_english_and_loads_in_german(core_v1):
    library = library_for(core_v1, language="de")
    assert (library.language, library.languages, len(library.recommendations)) == ("en", ("en",), 86)
    assert library.recommendations[0].title == library_for(core_v1, language="en").recommendations[0].title
    assert len(library_missing_texts("pmo-core@1.0", "de")) > 300


# -- the same roadmap in every language ------------------------------------------------------------------------

def _dims(scores):
    frame = pd.DataFrame({"dimension": list(scores), "score": list(scores.values())})
    frame["level"] = maturity_level(frame["score"].to_numpy(float), [20, 40, 60, 80])
    return frame


def _scenarios(core):
    low = {d.id: 15.0 + 7 * n % 50 for n, d in enumerate(core.dimensions)}
    mid = {d.id: 45.0 for d in core.dimensions}
    high = {d.id: 70.0 for d in core.dimensions}
    answered = Findings((Finding("perception_gap", "sponsorship", "gap"),
                         Finding("low_agreement", "methodology", "split"),
                         Finding("over_allocation", None, "over"), Finding("dependency_cycle", None, "cycle")),
                        (("charter", "no"), ("ppm_tool", "partly"), ("sponsor_named", "yes")))
    return [
        (low, {}, None, None), (low, {"framework": "prince2"}, None, None),
        (mid, {"framework": "agile", "cap": 4}, answered, "strategic"),
        (high, {"framework": "pmbok", "pmo_level": "enterprise"}, answered, None),
        ({**high, "sponsorship": 25.0, "portfolio": 30.0}, {}, None, "controlling"),
    ]


def _roadmap_ids(roadmap):
    return ([(i.id, i.workstream, i.dimension, i.phase, tuple(s["id"] for s in i.steps), i.start_week, i.end_week)
             for i in roadmap.initiatives], [tuple(d.steps) for d in roadmap.deferred])


def test_the_roadmap_picks_the_same_steps_in_every_language(core):
    english, german = library_for(core, language="en"), library_for(core, language="de")
    assert german.language == "de"
    for scores, options, found, target in _scenarios(core):
        typed = classify_type(scores, core, target=None if target is None else Target(target, "option"))
        items = {item: scores[dim] for item, dim in core.items["dimension"].items()}
        both = [build_roadmap(_dims(scores), items, typed, lib, core, findings=found, **options)
                for lib in (english, german)]
        assert _roadmap_ids(both[0]) == _roadmap_ids(both[1])
        assert both[0].initiatives, scores
        assert [i.title for i in both[0].initiatives] != [i.title for i in both[1].initiatives]
        flat = [recommend(_dims(scores), typed, lib, core)["id"].tolist() for lib in (english, german)]
        assert flat[0] == flat[1]


# -- the built-in library in German -----------------------------------------------------------------------------

def test_the_builtin_library_is_complete_in_german():
    assert library_missing_texts("pmo-core", "de") == []
    library = load_library("pmo-core", language="de")
    assert (library.language, library.languages) == ("de", ("en", "de"))


def test_every_german_text_of_the_builtin_library_is_written_in_german():
    import yaml

    from pmo_workbench.resources import templates_dir

    data = yaml.safe_load((templates_dir() / "recommendations" / "pmo-core.yaml").read_text(encoding="utf-8"))
    places = list(text_places(data))
    assert len(places) == 4 + 71 * 4 + 30  # workstreams, steps, variants (7 titles, 22 actions, 1 evidence)
    assert all(isinstance(v, dict) and set(v) == {"en", "de"} and v["en"] != v["de"] for _loc, v in places)
    # German typography: no English quotes around a phrase, a non-breaking space before a per cent sign
    german = " ".join(v["de"] for _loc, v in places)
    assert '"' not in german and " %" not in german and "\u00a0%" in german


def test_german_texts_from_the_builtin_library(core):
    library = library_for(core, language="de")
    charter = library.step("MAN-charter")
    assert charter.title == "PMO-Charta mit Auftrag und Entscheidungsrechten verabschieden"
    assert charter.evidence_of_done == ("Charta im Protokoll der Geschäftsleitung verabschiedet und an alle Projekt- "
                                        "und Linienverantwortlichen verteilt.")
    assert library.step("SPN-sponsor").owner_role == ("Vorsitz der Geschäftsleitung, vorbereitet durch die "
                                                      "PMO-Leitung")
    assert library.step("STR-benefits-register").title == "Nutzen messbar definieren und ein Nutzenregister führen"
    assert library.step("MET-lifecycle").text("prince2")[0] == ("PRINCE2-Prozesse mit den Phasenübergängen der "
                                                                "Organisation einführen")
    assert library.step("FIN-revisit").action.startswith("Eine Kostentoleranz festlegen (etwa 10\u00a0%), ")
    assert [library.workstream_label(w.id) for w in library.workstreams] == [
        "Governance und Mandat", "Methoden und Standards", "Portfolio und Ressourcen", "Personal und Kompetenzen"]


# -- the reasons of the flat pick, in German -----------------------------------------------------------------------

def test_the_reasons_of_the_flat_pick_in_german(tiny, tmp_path):
    from pmo_workbench.assessment.recommendations import RecommendationLibrary

    steps = [{"id": f"{dim}-1", "dimension": dim, "workstream": "w", "title": dim, "action": "a",
              "evidence_of_done": "d", "owner_role": "o", "duration_weeks": 2, "effort": "low", "impact": "low"}
             for dim in ("gov", "sup", "ppl")]
    library = RecommendationLibrary.model_validate({"id": "t", "instrument": "tiny", "recommendations": steps,
                                                    "workstreams": [{"id": "w", "label": "Work"}]})
    # gov 50 (weight 2): supportive; controlling needs sup +20 and gov +10; ppl 10: weighted gap 90
    scores = {"gov": 50.0, "sup": 30.0, "ppl": 10.0}
    with use_language("de"):
        reasons = recommend(_dims(scores), classify_type(scores, tiny), library, tiny).set_index("id")["reason"]
        assert reasons.to_dict() == {
            "sup-1": "20,0 Punkte unter der Schwelle des Typs „Controlling“",
            "gov-1": "10,0 Punkte unter der Schwelle des Typs „Controlling“",
            "ppl-1": "gewichteter Abstand von 90,0 Punkten zur vollen Reife",
        }
        missing = {"gov": 50.0, "sup": 30.0, "ppl": float("nan")}
        reasons = recommend(_dims(missing), classify_type(missing, tiny), library, tiny).set_index("id")["reason"]
        assert reasons["ppl-1"] == "zu wenige Antworten, um diese Dimension zu bewerten"
        text = " ".join(reasons)
    assert english_leftovers(text) == []
