"""The language machinery: the current language, catalogues read from .po or .mo, plurals by the language's
rules, and notebooks' markdown cells translated."""

from __future__ import annotations

import os
import time

import nbformat
import pytest

from pmo_workbench import i18n
from pmo_workbench._values import fmt, number_locale

PO = '''msgid ""
msgstr ""
"Language: de\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Overall score"
msgstr "Gesamtwert"

msgid "{n} respondent"
msgid_plural "{n} respondents"
msgstr[0] "{n} befragte Person"
msgstr[1] "{n} befragte Personen"

msgid "# Positioning\\n\\nPMO types differ."
msgstr "# Positionierung\\n\\nPMO-Typen unterscheiden sich."
'''


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    _clear()
    yield folder
    _clear()


def _clear() -> None:
    for cached in (i18n.translations, i18n.untranslated, i18n.warn_untranslated):
        cached.cache_clear()


def test_messages_and_plurals_follow_the_current_language(catalogue):
    assert i18n.languages() == ("en", "de")
    with i18n.use_language("de"):
        assert i18n.current_language() == "de" and number_locale() == "de_DE"
        assert i18n._("Overall score") == "Gesamtwert"
        assert [i18n.ngettext("{n} respondent", "{n} respondents", n).format(n=n) for n in (1, 2, 0)] == [
            "1 befragte Person", "2 befragte Personen", "0 befragte Personen"]
        assert i18n._("Not in the catalogue") == "Not in the catalogue"
        assert fmt(1234.5, 1, thousands=True) == "1.234,5"
        assert i18n.format_date(__import__("datetime").date(2026, 12, 3)) == "3. Dezember 2026"
    assert i18n.current_language() == "en" and i18n._("Overall score") == "Overall score"


def test_set_language_is_the_process_default_until_changed(catalogue):
    try:
        assert i18n.set_language("DE-de") == "de"
        assert i18n._("Overall score") == "Gesamtwert" and number_locale() == "de_DE"
        with i18n.use_language("en"):
            assert i18n._("Overall score") == "Overall score"
    finally:
        i18n.set_language(None)
    assert i18n.current_language() == "en" and number_locale() == "en_GB"


def test_an_unknown_language_is_refused_naming_those_available(catalogue):
    with pytest.raises(ValueError, match="'fr' is not a language the reports are written in; expected one of en, de"):
        i18n.check_language("fr")


def test_a_stale_compiled_catalogue_is_not_used(catalogue):
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    mo = catalogue / "messages.mo"
    with (catalogue / "messages.po").open("rb") as f:
        old = read_po(f, locale="de")
    old["Overall score"].string = "Alter Wert"
    with mo.open("wb") as f:
        write_mo(f, old)
    earlier = time.time() - 60
    os.utime(mo, (earlier, earlier))
    with i18n.use_language("de"):
        assert i18n._("Overall score") == "Gesamtwert"  # the .po is newer
    os.utime(mo, None)
    os.utime(catalogue / "messages.po", (earlier, earlier))
    i18n.translations.cache_clear()
    with i18n.use_language("de"):
        assert i18n._("Overall score") == "Alter Wert"  # the compiled file is as new: used


def test_markdown_cells_are_translated_but_not_the_hidden_ones(catalogue):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Positioning\n\nPMO types differ.\n"),
        nbformat.v4.new_markdown_cell("# Positioning\n\nPMO types differ.", metadata={"tags": ["remove_cell"]}),
        nbformat.v4.new_code_cell("x = 1"),
    ])
    i18n.translate_notebook(nb, "de")
    assert [c.source for c in nb.cells] == ["# Positionierung\n\nPMO-Typen unterscheiden sich.",
                                           "# Positioning\n\nPMO types differ.", "x = 1"]


def test_language_names_come_from_babel():
    assert i18n.language_name("de", "en") == "German" and i18n.language_name("en", "de") == "Englisch"
    assert i18n.language_name("fr", "en") == "French" and i18n.language_name("de", "en") == "German"


def test_a_language_s_default_locale_comes_from_babel():
    # English and German keep their chosen territories; any other language gets its likeliest one
    assert [i18n.default_locale(code) for code in ("en", "de", "fr", "pt", "sv")] == [
        "en_GB", "de_DE", "fr_FR", "pt_BR", "sv_SE"]


FRENCH = '''msgid ""
msgstr ""
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Overall score"
msgstr "Score global"

msgid "{n} respondent"
msgid_plural "{n} respondents"
msgstr[0] ""
msgstr[1] ""

#, fuzzy
msgid "# Positioning\\n\\nPMO types differ."
msgstr "# Positionnement"
'''


def test_a_new_language_writes_its_own_numbers_and_says_what_is_untranslated(catalogue, capsys):
    french = catalogue.parent.parent / "fr" / "LC_MESSAGES"
    french.mkdir(parents=True)
    (french / "messages.po").write_text(FRENCH, encoding="utf-8")
    with i18n.use_language("fr"):
        assert number_locale() == "fr_FR"
        assert fmt(1234.5, 1, thousands=True).replace("\u202f", " ") == "1 234,5"
        assert i18n._("Overall score") == "Score global"
    # of the 3 messages the catalogues know, French translates 1 (the plural is empty, the cell fuzzy)
    assert i18n.untranslated("fr") == 2 and i18n.untranslated("de") == 0 and i18n.untranslated("en") == 0
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Positioning\n\nPMO types differ.")])
    i18n.translate_notebook(nb, "fr")
    i18n.translate_notebook(nb, "fr")  # a batch renders many reports: one warning
    i18n.translate_notebook(nb, "de")  # complete: none
    err = capsys.readouterr().err
    assert err == ("warning: 2 messages have no French (fr) translation and are written in English; complete "
                   "pmo_workbench/locale/fr/LC_MESSAGES/\n")


def test_no_function_both_binds_and_calls_the_translation_function():
    """``a, _, b = text.partition(...)`` in a function makes ``_`` local there: a ``_("...")`` in the same function
    would then call the wrong object (or fail) only on the path that reaches it."""
    import ast
    from pathlib import Path

    found = []
    for path in sorted(Path(i18n.__file__).resolve().parents[1].rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                binds, calls = _uses_of_underscore(function)
                if binds and calls:
                    found.append(f"{path.name}:{function.lineno} {function.name}")
    assert found == []


def _uses_of_underscore(node, in_comprehension=False, binds=None, calls=None):
    import ast

    binds, calls = [] if binds is None else binds, [] if calls is None else calls
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        inner = in_comprehension or isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
        if isinstance(child, ast.Name) and child.id == "_" and isinstance(child.ctx, ast.Store) and not inner:
            binds.append(child.lineno)
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "_":
            calls.append(child.lineno)
        _uses_of_underscore(child, inner, binds, calls)
    return binds, calls


def test_a_damaged_compiled_catalogue_gives_way_to_the_po(catalogue):
    (catalogue / "messages.mo").write_bytes(b"not a catalogue")  # newer than the .po, as after an interrupted make
    with i18n.use_language("de"):
        assert i18n._("Overall score") == "Gesamtwert"


def test_a_syntax_error_in_a_catalogue_names_the_file_and_line(catalogue):
    po = catalogue / "messages.po"
    po.write_text(PO.replace('msgstr "Gesamtwert"', 'msgstr "Gesamtwert'), encoding="utf-8")
    with pytest.raises(i18n.CatalogueError, match=r"messages\.po:7: not a line of a catalogue"):
        i18n.translations("de")


def test_a_locale_of_another_language_gives_way_to_the_language_s_own():
    """An English report of an engagement whose locale is de_AT writes 16.3, not 16,3 (and the reverse)."""
    try:
        i18n.set_language("en", "de_AT")
        assert fmt(16.3, 1) == "16.3"
        assert number_locale() == "en_GB"
        with i18n.use_language("de", "en_US"):
            assert number_locale() == "de_DE"
        with i18n.use_language("de", "de_AT"):
            assert number_locale() == "de_AT"
    finally:
        i18n.set_language(None)
