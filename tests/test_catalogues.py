"""The catalogues: every message the sources say is translated, not fuzzy, with the same placeholders, in every
shipped language; and the check that says so finds what is wrong."""

from __future__ import annotations

import pytest

from .catalogue import LOCALE_DIR, catalogue_problems, english_leftovers, shipped_languages


def test_german_is_shipped():
    assert "de" in shipped_languages()


@pytest.mark.parametrize("language", shipped_languages())
def test_every_message_is_translated(language):
    problems = catalogue_problems(LOCALE_DIR / language / "LC_MESSAGES", language)
    assert not problems, f"{len(problems)} problem(s); run `make translations`, then translate:\n" + "\n".join(
        problems[:60])


BAD_PO = '''msgid ""
msgstr ""
"Language: de\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Overall score"
msgstr "Gesamtwert"

#, fuzzy
msgid "Maturity level"
msgstr "Reifegrad"

msgid "Target type"
msgstr ""

msgid "{n} of {total} answered"
msgstr "{n} beantwortet"

msgid "{n} respondent"
msgid_plural "{n} respondents"
msgstr[0] "{n} Befragte Person"
msgstr[1] ""
'''


def test_the_check_finds_missing_untranslated_fuzzy_and_lost_placeholders(tmp_path):
    path = tmp_path / "messages.po"
    path.write_text(BAD_PO, encoding="utf-8")
    messages = {"Overall score": (None, "a.py:1"), "Maturity level": (None, "a.py:2"),
                "Target type": (None, "a.py:3"), "{n} of {total} answered": (None, "a.py:4"),
                ("{n} respondent", "{n} respondents"): (None, "a.py:5"), "Gates passed": (None, "b.py:9")}
    assert catalogue_problems(path, "de", messages) == [
        "messages.po: fuzzy 'Maturity level' (a.py:2)",
        "messages.po: untranslated 'Target type' (a.py:3)",
        "messages.po: placeholders ['n'] instead of ['n', 'total'] in '{n} of {total} answered' (a.py:4)",
        "messages.po: untranslated '{n} respondent' (a.py:5)",
        "messages.po: missing 'Gates passed' (b.py:9)",
    ]


def test_english_leftovers_finds_a_catalogue_sentence_in_a_german_text(monkeypatch):
    from . import catalogue

    monkeypatch.setattr(catalogue, "english_sentences", lambda language="de": (
        "the customers' view leaves out the pmo's own staff", "overall maturity level"))
    text = "Gesamtwert 54,2.\nThe customers'   view leaves out\nthe PMO's own staff."
    assert english_leftovers(text) == ["the customers' view leaves out the pmo's own staff"]


@pytest.mark.parametrize("language", shipped_languages())
def test_make_compiles_every_shipped_catalogue(language, tmp_path):
    """What `make catalogues` runs: a "95%" in a message is text, not a printf conversion to refuse."""
    from pmo_workbench.i18n.compile import compile_catalogue

    translated, left, problems = compile_catalogue(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po",
                                                   tmp_path / "messages.mo")
    assert (problems, left) == ([], 0) and translated > 1000 and (tmp_path / "messages.mo").stat().st_size > 0


def test_a_catalogue_that_drops_a_placeholder_is_not_compiled(tmp_path):
    from pmo_workbench.i18n.compile import main

    po = tmp_path / "messages.po"
    po.write_text(BAD_PO.replace('#, fuzzy\n', ''), encoding="utf-8")
    assert main([str(po), str(tmp_path / "messages.mo")]) == 1
    assert not (tmp_path / "messages.mo").exists()
