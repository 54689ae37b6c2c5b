"""The widget form and the workbench in a language: labels and messages from the catalogue, the instrument's
texts (items, scale labels, dimensions) in that language, answers stored by item id whatever the language.
Driven as a user would, as in test_widgets.py (a fake clock, stub charts)."""

from __future__ import annotations

import functools
import re

import ipywidgets as w
import pytest

from pmo_workbench.notebook import form as widgets
from pmo_workbench.notebook.autosave import Autosaver
from pmo_workbench.notebook.form import AssessmentForm
from pmo_workbench.notebook.workbench import Workbench
from pmo_workbench.store import Store

from tests.bilingual import ENGLISH_ITEMS, GERMAN_ITEMS, bilingual_loader, write_bilingual
from tests.catalogue import english_leftovers
from tests.helpers import FakeClock


@pytest.fixture
def bilingual(tmp_path, monkeypatch):
    """A store with an assessment on the bilingual instrument (loaded in English) and one executive."""
    from pmo_workbench.assessment import instrument as module

    clock = FakeClock()
    monkeypatch.setattr(widgets, "Autosaver", functools.partial(Autosaver, clock=clock, timer=clock.timer))
    monkeypatch.setattr(widgets, "_chart_output", lambda dimensions, instrument, title: {
        "output_type": "display_data", "metadata": {}, "data": {"text/plain": f"<chart: {title}>"}})
    bilingual_loader(monkeypatch)
    path = write_bilingual(tmp_path)
    instrument = module.load_instrument(path, language="en")
    with Store(f"sqlite:///{tmp_path / 'w.db'}") as store:
        store.use_instrument(instrument, source=path)
        assessment = store.create_assessment("Org", "PMO", instrument)
        respondent = store.add_respondent(assessment, "executive", label="R1")
        yield store, instrument, assessment, respondent


def _texts(widget) -> list[str]:
    """Every text a user sees in ``widget``: values of labels and HTML, descriptions, options, placeholders,
    tooltips, section titles."""
    found = []
    if isinstance(widget, (w.HTML, w.Label)):
        found.append(re.sub(r"<[^>]+>", " ", widget.value))
    for name in ("description", "placeholder", "tooltip"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            found.append(value)
    if isinstance(widget, (w.ToggleButtons, w.Dropdown)):
        found += [str(label) for label in widget._options_labels]
    if isinstance(widget, w.Accordion):
        found += [title for title in widget.titles]
    for child in getattr(widget, "children", ()):
        found += _texts(child)
    return found


def test_the_form_in_german_shows_german_labels_items_and_scale(bilingual):
    store, instrument, assessment, respondent = bilingual
    form = AssessmentForm(instrument, store, assessment, respondent, debounce=60.0, language="de")
    try:
        assert form.language == "de" and form.instrument.language == "de"
        choice, comment = form.item_widgets["G1"]
        assert list(choice._options_labels) == ["1 Stimme überhaupt nicht zu", "2", "3", "4",
                                                "5 Stimme voll und ganz zu", "Nicht zutreffend", "Weiß nicht"]
        assert comment.placeholder == "Kommentar (optional)"
        assert form.next_button.description == "Nächste offene Aussage"
        assert form.progress_label.value == "0 von 4 beantwortet"
        assert form.sections.titles == ("Steuerung (0/2)", "Unterstützung (0/2)")
        choice.value = 4
        assert form.progress_label.value == "1 von 4 beantwortet" and form.status == "wird gespeichert …"
        form.flush()
        assert re.fullmatch(r"gespeichert um \d\d:\d\d:\d\d", form.status)
        assert store.answers(respondent) == {"G1": (4, None)}  # by item id, whatever the language
        shown = " ".join(" ".join(_texts(form.widget)).split())
        assert all(text in shown for text in GERMAN_ITEMS) and not any(text in shown for text in ENGLISH_ITEMS)
        assert "Aktueller PMO-Typ: Unterstützend" in shown  # gov 75 passes the supportive gate (40)
        assert english_leftovers(shown) == []
    finally:
        form.close()


def test_the_workbench_passes_its_language_and_the_picker_changes_it(bilingual):
    store, instrument, assessment, respondent = bilingual
    bench = Workbench(instrument, store, assessment, debounce=60.0, language="de")
    try:
        assert bench.language_picker.value == "de" and bench.form.language == "de"
        assert bench.respondent_picker.description == "Befragte Person"
        bench.form.item_widgets["S1"][0].value = 2
        bench.language_picker.value = "en"  # the user picks English: the same respondent, in English
        assert bench.form.language == "en" and bench.form.respondent_id == respondent
        assert bench.form.item_widgets["S1"][0].value == 2  # written on the way, read back
        assert bench.form.progress_label.value == "1 of 4 answered"
        shown = " ".join(_texts(bench.form.widget))
        assert ENGLISH_ITEMS[0] in shown and GERMAN_ITEMS[0] not in shown
    finally:
        if bench.form is not None:
            bench.form.close()


def test_the_whole_workbench_is_in_german_and_follows_the_picker(bilingual):
    store, instrument, assessment, respondent = bilingual
    bench = Workbench(instrument, store, assessment, debounce=60.0, language="de")
    try:
        assert list(bench.new_role._options_labels) == ["Führungskraft", "PMO-Mitarbeitende"]
        assert bench.new_role.options[0] == ("Führungskraft", "executive")
        assert bench.respondent_picker._options_labels == ("R1 (Führungskraft)",)
        assert "<p>Kleines zweisprachiges Instrument (" in bench.header.value
        table = bench.summary_html.value
        assert "<th>Befragte Person</th><th>Rolle</th><th class=num>beantwortet</th><th class=num>gesamt</th>" \
               "<th>erledigt</th>" in table
        assert "<td>Führungskraft</td>" in table and ">0\xa0%<" in table  # 0 of 4 answered, German percent
        assert english_leftovers(" ".join(" ".join(_texts(bench.widget)).split())) == []
        bench.language_picker.value = "en"  # everything follows, not only the form
        assert list(bench.new_role._options_labels) == ["Executive", "PMO staff"]
        assert bench.respondent_picker._options_labels == ("R1 (Executive)",)
        assert "<p>Tiny bilingual instrument (" in bench.header.value
        assert "<th>respondent</th><th>role</th>" in bench.summary_html.value
        assert ">0%<" in bench.summary_html.value
    finally:
        if bench.form is not None:
            bench.form.close()


def test_the_assessment_picker_in_german(bilingual):
    from pmo_workbench.notebook.picker import AssessmentPicker

    store, instrument, assessment, respondent = bilingual
    picker = AssessmentPicker(store, instrument, lambda chosen: None, language="de")
    assert picker.existing.options[0] == ("(neue Bewertung)", None)
    assert picker.widget.children[0].value == "<h3>Kleines zweisprachiges Instrument</h3>"
    assert picker.existing.options[1][0].startswith("Org / PMO (") and picker.existing.options[1][0].endswith(
        ", 1 befragte Person)")
    picker.existing.value = None
    picker.organisation.value = ""
    assert picker.choose() is None
    assert "Geben Sie eine Organisation und ein PMO an oder wählen Sie eine Bewertung aus." in picker.message.value
    assert english_leftovers(" ".join(_texts(picker.widget))) == []
