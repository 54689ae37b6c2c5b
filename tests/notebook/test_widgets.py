"""The assessment form and workbench, driven as a user would: set widget values, read the store.

Every test uses a temp SQLite database (``tmp_path / "w.db"``), never the user's
default one. The tiny instrument (tests/conftest.py) has 11 items: gov G1-G4
(G2 reverse-worded, G3 weight 2), sup S1-S2, ppl P1-P5, scale 1-5 without labels.

Time is a fake clock (``clock.advance``) unless a test asks for ``real_timers``,
and the live panel's charts are a stub unless it asks for ``real_charts`` (the
autosave engine itself is tested in test_autosave.py).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import functools
import threading
from pathlib import Path

import ipywidgets as w
import numpy as np
import pytest

from pmo_workbench.notebook import form as widgets
from pmo_workbench.notebook.autosave import Autosaver
from pmo_workbench.errors import UnsavedAnswersError
from pmo_workbench.notebook.form import DONT_KNOW, NOT_APPLICABLE, AssessmentForm
from pmo_workbench.notebook.workbench import Workbench

from tests.helpers import FakeClock

store_module = pytest.importorskip("pmo_workbench.store")
Store = store_module.Store

SAVED = re.compile(r"^saved \d\d:\d\d:\d\d$")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def real_timers() -> None:
    """Asked for by a test whose forms save with real threads and time (not the fake clock)."""


@pytest.fixture
def real_charts() -> None:
    """Asked for by the test that checks the live panel's real SVG charts (others get a stub)."""


@pytest.fixture(autouse=True)
def _fast(request, monkeypatch, clock):
    """Forms save on the fake ``clock`` and draw stub charts, unless the test asks for the real ones."""
    if "real_timers" not in request.fixturenames:
        monkeypatch.setattr(widgets, "Autosaver", functools.partial(Autosaver, clock=clock, timer=clock.timer))
    if "real_charts" not in request.fixturenames:
        monkeypatch.setattr(widgets, "_chart_output", lambda dimensions, instrument, title: {
            "output_type": "display_data", "metadata": {}, "data": {"text/plain": f"<chart: {title}>"}})


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'w.db'}"


@pytest.fixture
def store(db_url):
    with Store(db_url) as s:
        yield s


@pytest.fixture
def assessment(store, tiny) -> int:
    return store.create_assessment("Org", "PMO", tiny, level="department")


@pytest.fixture
def respondent(store, assessment) -> int:
    return store.add_respondent(assessment, "executive", label="R1")


@pytest.fixture
def make_form(store, tiny, assessment, respondent):
    forms = []

    def make(debounce: float = 60.0, respondent_id: int | None = None) -> AssessmentForm:
        # a long debounce by default: the test decides when to flush
        form = AssessmentForm(tiny, store, assessment, respondent if respondent_id is None else respondent_id,
                              debounce=debounce)
        forms.append(form)
        return form

    yield make
    for form in forms:
        form.close()


def answer(form: AssessmentForm, item: str, value, comment: str | None = None) -> None:
    """What a user does: click a choice (a number or NOT_APPLICABLE; None clears it), type a comment."""
    choice, text = form.item_widgets[item]
    choice.value = value
    if comment is not None:
        text.value = comment


def broken(rid, answers):
    """A store's save_answers that always fails."""
    raise OSError("disk full")


# -- building the form ---------------------------------------------------------------------------------------


def test_one_section_per_dimension_with_items_in_reading_order(make_form, tiny):
    form = make_form()
    assert isinstance(form.sections, w.Accordion)
    assert len(form.sections.children) == 3
    for section, dim in zip(form.sections.children, tiny.dimensions):
        rows = [r for r in section.children if isinstance(r, w.VBox)]
        # each row: the item text, its choice, its comment, in that (tab) order
        assert [row.children[1] for row in rows] == [form.item_widgets[i.id][0] for i in dim.items]
        assert [row.children[2] for row in rows] == [form.item_widgets[i.id][1] for i in dim.items]
        assert all(i.text in row.children[0].value for row, i in zip(rows, dim.items))
    assert all(isinstance(c, w.ToggleButtons) and isinstance(t, w.Text) for c, t in form.item_widgets.values())


def test_choices_are_the_scale_numbers_without_labels_plus_not_applicable_and_dont_know(make_form):
    choice, _ = make_form().item_widgets["G1"]
    assert list(choice.options) == [("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5),
                                    ("Not applicable", NOT_APPLICABLE), ("Don't know", DONT_KNOW)]


def test_choices_show_the_scale_labels_when_the_instrument_has_them(store, core):
    assessment = store.create_assessment("Org", "Core PMO", core)
    rid = store.add_respondent(assessment, "executive")
    form = AssessmentForm(core, store, assessment, rid)
    try:
        labels = [label for label, _ in form.item_widgets["MAN1"][0].options]
        assert labels == ["1 Strongly disagree", "2 Disagree", "3 Neither agree nor disagree", "4 Agree",
                          "5 Strongly agree", "Not applicable", "Don't know"]
        # a reverse-worded item (MAN5) is shown like any other
        assert form.item_widgets["MAN5"][0].options == form.item_widgets["MAN1"][0].options
    finally:
        form.close()


# -- saving --------------------------------------------------------------------------------------------------


def test_changes_reach_the_store_within_the_debounce(make_form, store, respondent, clock):
    form = make_form(debounce=0.3)
    answer(form, "G1", 4, "clear remit")
    answer(form, "S2", NOT_APPLICABLE)
    assert form.status == "saving…"
    clock.advance(0.29)
    assert store.answers(respondent) == {}  # not yet: the debounce is still running
    clock.advance(0.01)
    assert store.answers(respondent) == {"G1": (4, "clear remit"), "S2": (NOT_APPLICABLE, None)}
    assert SAVED.match(form.status)
    assert form.pending == {}


def test_a_form_saves_with_a_real_timer_thread(make_form, store, respondent, real_timers):
    # the fake clock stands in for time elsewhere: here the save thread of a real timer writes and redraws
    form = make_form(debounce=0.02)
    drawn = threading.Event()
    form._after_flush = drawn.set  # called after the panel is redrawn
    answer(form, "G1", 4)
    assert drawn.wait(10)
    assert store.answers(respondent) == {"G1": (4, None)}
    assert SAVED.match(form.status)
    assert "Current type of the PMO" in form.type_label.value  # the save thread redrew the panel (was "No scores")


def test_changes_within_one_wait_are_written_by_one_flush(make_form, store, respondent, monkeypatch, clock):
    calls = []
    real = store.save_answers
    monkeypatch.setattr(store, "save_answers", lambda rid, answers: (calls.append(dict(answers)), real(rid, answers)))
    form = make_form(debounce=1.0)
    for item, value in (("G1", 1), ("G2", 2), ("G3", 3)):
        answer(form, item, value)
        clock.advance(0.1)  # the three changes come within 0.3 s, inside the 1 s wait the first one started
    clock.advance(0.7)
    assert calls == [{"G1": (1, None), "G2": (2, None), "G3": (3, None)}]
    clock.advance(5.0)
    assert len(calls) == 1


def test_steady_typing_cannot_hold_an_answer_back(make_form, store, respondent, clock):
    # each keystroke used to restart the wait, so nothing was written while the user typed
    form = make_form(debounce=0.3)
    answer(form, "G1", 4)  # a click at t = 0
    comment, typed, seen = form.item_widgets["P1"][1], "", None
    for _ in range(20):  # then a keystroke on another item every 0.1 s for 2 s
        typed += "x"
        comment.value = typed
        clock.advance(0.1)
        if seen is None and "G1" in store.answers(respondent):
            seen = clock()
    # the click is in the store when its debounce (0.3 s) ends, though the typing goes on until 2 s
    assert seen == pytest.approx(0.3)
    # and the comment being typed reaches the store while it is typed (a comment with no choice: value None)
    stored = store.answers(respondent)
    assert stored["G1"] == (4, None)
    assert stored["P1"][0] is None and stored["P1"][1].startswith("x")


def test_flush_writes_now_and_a_change_of_mind_keeps_the_last_answer(make_form, store, respondent):
    form = make_form()
    answer(form, "P1", 2)
    answer(form, "P1", 5, "on reflection")
    answer(form, "P2", 3, "first")
    form.item_widgets["P2"][1].value = ""  # comment removed again
    form.flush()
    assert store.answers(respondent) == {"P1": (5, "on reflection"), "P2": (3, None)}
    assert form.pending == {}
    assert SAVED.match(form.status)


def test_set_answer_moves_the_widgets_and_keeps_the_comment_unless_told(make_form, store, respondent):
    form = make_form()
    form.set_answer("G4", 2, "a note")
    form.set_answer("G4", 3)  # comment None keeps the note
    choice, comment = form.item_widgets["G4"]
    assert (choice.value, comment.value) == (3, "a note")
    form.set_answer("G4", NOT_APPLICABLE, "")  # not applicable, comment removed
    assert (choice.value, comment.value) == (NOT_APPLICABLE, "")
    form.set_answer("G1", 5)
    form.set_answer("G1", None)  # cleared again: no answer
    assert form.item_widgets["G1"][0].value is None
    form.flush()
    assert store.answers(respondent) == {"G4": (NOT_APPLICABLE, None)}


@pytest.mark.parametrize("value", [np.int64(3), np.int32(3), np.uint8(3), np.float64(3.0), 3.0])
def test_set_answer_takes_any_whole_number_type(make_form, store, respondent, value):
    # numpy integers (e.g. read from a frame) used to be rejected
    form = make_form()
    form.set_answer("G1", value)
    assert form.pending == {"G1": (3, None)}
    assert type(form.pending["G1"][0]) is int
    form.flush()
    assert store.answers(respondent) == {"G1": (3, None)}


@pytest.mark.parametrize("item, value", [
    # values off the 1-5 scale or not whole numbers
    ("G1", 0), ("G1", 6), ("G1", 2.5), ("G1", True), ("G1", "3"),
    ("G1", np.int64(9)), ("G1", np.float64(2.5)), ("G1", np.True_), ("G1", float("nan")), ("G1", "not applicable"),
    # an item the instrument does not define
    ("X9", 3),
])
def test_set_answer_rejects_what_the_scale_does_not_allow(make_form, item, value):
    form = make_form()
    with pytest.raises(ValueError):
        form.set_answer(item, value)
    assert form.pending == {}


def test_a_failed_write_says_so_keeps_the_answers_and_retries(make_form, store, respondent, monkeypatch):
    form = make_form()
    real = store.save_answers
    monkeypatch.setattr(store, "save_answers", broken)
    answer(form, "S1", 4)
    form.flush()
    assert form.status == "not saved: disk full"
    assert form.pending == {"S1": (4, None)}
    monkeypatch.setattr(store, "save_answers", real)
    form.flush()
    assert store.answers(respondent) == {"S1": (4, None)}
    assert SAVED.match(form.status)


def test_a_failed_write_is_retried_without_a_new_change(make_form, store, respondent, monkeypatch, clock):
    # a write that failed once (e.g. "database is locked") was never tried again
    calls = []
    real = store.save_answers

    def locked_once(rid, answers):
        calls.append(dict(answers))
        if len(calls) == 1:
            raise OSError("database is locked")
        return real(rid, answers)

    monkeypatch.setattr(store, "save_answers", locked_once)
    form = make_form(debounce=0.1)
    form.retry_delays = (0.2,)  # an instance may override the class's delays
    answer(form, "S1", 4)
    clock.advance(0.1)
    assert calls == [{"S1": (4, None)}]
    assert form.status == "not saved: database is locked"
    clock.advance(0.2)
    assert SAVED.match(form.status)  # nobody touched the form: the retry wrote it
    assert calls == [{"S1": (4, None)}, {"S1": (4, None)}]
    assert store.answers(respondent) == {"S1": (4, None)}
    assert form.pending == {}


def test_retries_back_off_1_2_4_then_every_4_seconds(make_form, store, monkeypatch, clock):
    form = make_form()
    monkeypatch.setattr(store, "save_answers", broken)
    answer(form, "S1", 4)
    waits = []
    for _ in range(5):
        form.flush()  # each failure schedules the next retry
        (timer,) = clock.waiting
        waits.append(timer.interval)
        assert timer.daemon  # a failing store cannot keep the process alive
    assert waits == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert AssessmentForm.retry_delays == (1.0, 2.0, 4.0)
    monkeypatch.undo()  # the store works again: closing the form writes S1


def test_close_writes_pending_answers(make_form, store, respondent):
    form = make_form()
    answer(form, "G1", 5)
    form.close()
    assert store.answers(respondent) == {"G1": (5, None)}


def test_close_does_not_drop_answers_it_cannot_write(make_form, store, respondent, monkeypatch):
    # close() used to drop the pending answers silently when the write failed
    form = make_form()
    real = store.save_answers
    monkeypatch.setattr(store, "save_answers", broken)
    answer(form, "G1", 5)
    with pytest.raises(UnsavedAnswersError, match=r"G1.*disk full"):
        form.close()
    assert form.pending == {"G1": (5, None)}
    answer(form, "G2", 3)  # the form is still open and usable
    monkeypatch.setattr(store, "save_answers", real)
    form.close()
    assert store.answers(respondent) == {"G1": (5, None), "G2": (3, None)}
    assert form.pending == {}


def test_the_status_never_reads_saved_while_a_newer_change_is_pending(make_form, monkeypatch):
    # a change recorded between the end of a write and the "saved" status was hidden
    form = make_form()
    real_set_status = form._set_status
    late: list[threading.Thread] = []

    def set_status(text: str) -> None:
        if text.startswith("saved") and not late:  # a change comes in just as the write reports success
            late.append(threading.Thread(target=form.set_answer, args=("S1", 2)))
            late[0].start()
            late[0].join(0.05)  # it waits for the autosaver's lock, under which the status is set
        real_set_status(text)

    monkeypatch.setattr(form, "_set_status", set_status)
    answer(form, "G1", 4)
    form.flush()
    late[0].join()
    assert form.pending == {"S1": (2, None)}
    assert form.status == "saving…"


def test_a_background_set_answer_does_not_swallow_a_click(make_form, store, respondent):
    # the flag silencing the form's own widget updates was shared by every thread and item
    form = make_form()
    updating, clicked = threading.Event(), threading.Event()

    def slow_update(_):  # G1's widget is being moved by the background thread until the user has clicked
        updating.set()
        assert clicked.wait(10)

    form.item_widgets["G1"][0].observe(slow_update, "value")
    background = threading.Thread(target=form.set_answer, args=("G1", 3))
    background.start()
    assert updating.wait(10)
    answer(form, "S1", 5)  # the user clicks meanwhile
    clicked.set()
    background.join()
    form.flush()
    assert store.answers(respondent) == {"G1": (3, None), "S1": (5, None)}
    assert form.progress == (2, 11)


def test_clearing_a_choice_or_commenting_first_reopens_unanswered(make_form, store, assessment, respondent):
    # both used to be stored as "not applicable"
    form = make_form()
    answer(form, "G1", 4)
    form.flush()
    answer(form, "G1", None)  # the user clicks the choice off again: no answer
    form.item_widgets["G2"][1].value = "ask the CFO"  # a note before answering
    answer(form, "G3", NOT_APPLICABLE)
    form.flush()
    # G1 has neither value nor comment: no row; G2 keeps only its comment; G3 is "not applicable"
    assert store.answers(respondent) == {"G2": (None, "ask the CFO"), "G3": (NOT_APPLICABLE, None)}
    assert form.progress == (1, 11)  # G3
    form.close()

    again = make_form()
    assert [again.item_widgets[item][0].value for item in ("G1", "G2", "G3")] == [None, None, NOT_APPLICABLE]
    assert again.item_widgets["G2"][1].value == "ask the CFO"
    assert again.progress == (1, 11)  # "not applicable" is an answer, a comment alone is not
    assert again.next_unanswered() == "G1"
    # the store counts the same: one answered item, and it is "not applicable"
    assert store.respondents(assessment)[["answered", "not_applicable"]].values.tolist() == [[1, 1]]


# -- reopening -----------------------------------------------------------------------------------------------


def test_reopening_restores_every_answer_and_comment(make_form, respondent):
    given = {"G1": (5, "strong"), "G2": (1, None), "S1": (NOT_APPLICABLE, "not our business"), "P5": (3, None),
             "P2": (None, "a note, no answer yet")}
    form = make_form()
    for item, (value, comment) in given.items():
        answer(form, item, value, comment)
    form.close()

    again = make_form()
    for item, (choice, comment) in again.item_widgets.items():
        value, text = given.get(item, (None, None))
        assert (choice.value, comment.value) == (value, text or ""), item
    assert again.progress == (4, 11)  # G1, G2, S1, P5; P2 has a comment only
    assert again.status == ""
    assert again.pending == {}  # restoring writes nothing


# -- progress and navigation ---------------------------------------------------------------------------------


def test_progress_overall_and_per_dimension(make_form):
    form = make_form()
    assert form.progress == (0, 11)
    answer(form, "G1", 3)
    answer(form, "G2", NOT_APPLICABLE)  # "not applicable" is an answer
    answer(form, "S1", 5)
    form.item_widgets["P1"][1].value = "a comment is not an answer"
    # gov: G1, G2 of 4; sup: S1 of 2; ppl: none of 5 -> 3 of 11
    assert form.progress == (3, 11)
    assert form.dimension_progress() == {"gov": (2, 4), "sup": (1, 2), "ppl": (0, 5)}
    assert form.sections.titles == ("Governance (2/4)", "Support (1/2)", "People (0/5)")
    assert form.progress_label.value == "3 of 11 answered"
    assert form.progress_bar.value == 3


def test_next_unanswered_opens_the_section_and_moves_on(make_form, tiny):
    form = make_form()
    for item in ("G1", "G2", "G4"):
        answer(form, item, 3)
    assert form.next_unanswered() == "G3"
    assert form.sections.selected_index == 0
    assert form.next_unanswered() == "S1"  # after G3, the next one without an answer
    assert form.sections.selected_index == 1
    for item in tiny.items.index:
        if item != "P4":
            answer(form, item, 2)
    assert form.next_unanswered() == "P4"
    assert form.sections.selected_index == 2
    answer(form, "P4", 1)
    assert form.next_unanswered() is None


def test_the_next_unanswered_button_does_the_same(make_form):
    form = make_form()
    answer(form, "G1", 3)
    form.next_button.click()
    assert form.focused_item == "G2"


# -- the live panel ------------------------------------------------------------------------------------------


def test_live_panel_shows_scores_and_type_after_a_flush_not_on_every_click(make_form, clock, real_charts,
                                                                         assessment):
    form = make_form(debounce=0.3)
    assert f"Assessment {assessment} has no answers yet: answer a few items." in form.type_label.value
    refreshes = []
    real = form.refresh_panel
    form.refresh_panel = lambda: (real(), refreshes.append(1))  # counted once drawn
    answer(form, "G1", 5)
    answer(form, "G2", 1)  # reverse-worded: 1 scores 100
    answer(form, "G3", 3)
    answer(form, "G4", 5)
    assert refreshes == []
    clock.advance(0.3)
    assert refreshes == [1]
    clock.advance(5.0)
    assert refreshes == [1]
    respondent, pmo, respondent_type, pmo_type = form.live_scores()
    # gov items: G1 100, G2 reversed 100 - 0 = 100, G3 100 * (3 - 1) / 4 = 50, G4 100;
    # weights 1, 1, 2, 1 -> (100 + 100 + 2 * 50 + 100) / 5 = 80
    assert respondent.set_index("dimension").loc["gov", "score"] == pytest.approx(80.0)
    assert pmo.set_index("dimension").loc["gov", "score"] == pytest.approx(80.0)  # the only respondent
    # gov 80 >= 40 passes supportive; controlling also needs sup >= 50, which is unanswered -> supportive
    assert (respondent_type, pmo_type) == ("supportive", "supportive")
    assert "Supportive" in form.type_label.value
    assert len(form.panel.outputs) == 2
    assert all("<svg" in out["data"]["image/svg+xml"] for out in form.panel.outputs)


def test_live_panel_pmo_scores_include_the_other_respondents(make_form, store, assessment):
    other = store.add_respondent(assessment, "pmo_staff", label="R2")
    store.save_answers(other, {"G1": (1, None), "G2": (5, None), "G3": (1, None), "G4": (1, None)})
    form = make_form()
    for item in ("G1", "G3", "G4"):
        answer(form, item, 5)
    answer(form, "G2", 1)
    form.flush()
    respondent, pmo, _, pmo_type = form.live_scores()
    # R1 gov 100 (all at the top, G2 reversed); R2 gov 0 (all at the bottom, G2 = 5 reversed = 0);
    # the PMO = mean of the respondents = (100 + 0) / 2 = 50 -> passes supportive (40), not controlling (60)
    assert respondent.set_index("dimension").loc["gov", "score"] == pytest.approx(100.0)
    assert pmo.set_index("dimension").loc["gov", "score"] == pytest.approx(50.0)
    assert pmo_type == "supportive"


# -- the workbench -------------------------------------------------------------------------------------------


@pytest.fixture
def workbench(store, tiny, assessment, tmp_path):
    wb = Workbench(tiny, store, assessment, debounce=60.0, report_dir=tmp_path / "reports")
    yield wb
    if wb.form is not None:
        wb.form.close()


def test_workbench_without_respondents_asks_for_one(workbench):
    assert workbench.form is None
    assert "add one" in workbench.message.value
    assert workbench.summary().empty


def test_adding_and_switching_respondents(workbench, store):
    first = workbench.add_respondent("executive", "CEO", name="Ann")
    assert workbench.form.respondent_id == first
    answer(workbench.form, "G1", 4, "first respondent")
    second = workbench.add_respondent("project_manager")  # label R<n> from the store
    assert workbench.form.respondent_id == second
    # switching wrote the first respondent's pending answer
    assert store.answers(first) == {"G1": (4, "first respondent")}
    assert workbench.form.progress == (0, 11)
    answer(workbench.form, "S1", 2)
    workbench.respondent_picker.value = first  # the user picks in the dropdown
    assert workbench.form.respondent_id == first
    assert workbench.form.item_widgets["G1"][0].value == 4
    assert store.answers(second) == {"S1": (2, None)}
    assert [rid for _, rid in workbench.respondent_picker.options] == [first, second]
    workbench.select_respondent(second)
    assert workbench.respondent_picker.value == second


def test_the_add_respondent_controls(workbench, store, assessment):
    workbench.new_role.value = "pmo_staff"
    workbench.new_label.value = "Workshop 1"
    workbench.new_name.value = ""  # withheld
    add = next(c for c in workbench.widget.children[2].children if isinstance(c, w.Button))
    add.click()
    people = store.respondents(assessment)
    assert people[["label", "role", "name"]].values.tolist() == [["Workshop 1", "pmo_staff", None]]
    assert workbench.form.respondent_id == people["respondent_id"].iloc[0]
    assert workbench.new_label.value == ""


def test_the_report_button_shows_what_on_report_returns(store, tiny, assessment, respondent):
    asked = []
    form = AssessmentForm(tiny, store, assessment, respondent,
                          on_report=lambda aid: asked.append(aid) or "<a href='r.html'>r.html</a>")
    try:
        form.report_button.click()
        assert asked == [assessment]
        assert form.report_link.value == "<a href='r.html'>r.html</a>"
    finally:
        form.close()


def test_leaving_a_respondent_whose_answers_cannot_be_saved_stays_and_says_so(workbench, store, monkeypatch):
    # switching respondent closed the form and dropped the answers it could not write
    first = workbench.add_respondent("executive", "A")
    second = workbench.add_respondent("pmo_staff", "B")
    answer(workbench.form, "G1", 4)
    real = store.save_answers
    monkeypatch.setattr(store, "save_answers", broken)
    workbench.respondent_picker.value = first  # the user picks A in the dropdown
    assert workbench.form.respondent_id == second
    assert workbench.respondent_picker.value == second
    assert "could not be saved" in workbench.message.value and "disk full" in workbench.message.value
    assert workbench.form.pending == {"G1": (4, None)}
    monkeypatch.setattr(store, "save_answers", real)
    workbench.select_respondent(first)
    assert workbench.form.respondent_id == first
    assert store.answers(second) == {"G1": (4, None)}
    assert workbench.message.value == ""


def test_selecting_a_respondent_of_another_assessment_fails(workbench, store, tiny):
    elsewhere = store.add_respondent(store.create_assessment("Org", "Other PMO", tiny), "executive")
    with pytest.raises(Exception, match="does not belong"):
        workbench.select_respondent(elsewhere)


def test_summary_of_completion(workbench):
    first = workbench.add_respondent("executive", "A")
    for item, value in (("G1", 1), ("G2", 2), ("S1", 3)):
        answer(workbench.form, item, value)
    workbench.add_respondent("pmo_staff", "B")
    answer(workbench.form, "P1", 5)
    summary = workbench.summary()  # writes the open form's answers first
    assert list(summary.columns) == ["respondent_id", "label", "role", "answered", "total", "share"]
    assert summary["label"].tolist() == ["A", "B"]
    assert summary["role"].tolist() == ["executive", "pmo_staff"]
    assert summary["answered"].tolist() == [3, 1]
    assert summary["total"].tolist() == [11, 11]
    # 3 / 11 and 1 / 11
    assert summary["share"].tolist() == pytest.approx([3 / 11, 1 / 11])
    assert summary["respondent_id"].iloc[0] == first
    assert "A" in workbench.summary_html.value


def test_an_assessment_without_answers_says_so_and_writes_no_report(workbench, store, assessment, tmp_path):
    from pmo_workbench.errors import NoAnswersError

    workbench.add_respondent("executive", "A")  # a respondent, nothing answered yet
    assert f"Assessment {assessment} has no answers yet" in workbench.form.type_label.value
    with pytest.raises(NoAnswersError, match=f"^assessment {assessment} has no answers yet$"):
        workbench.generate_report()
    workbench.form.report_button.click()  # what the user clicks: the message, no "report failed"
    assert workbench.form.report_link.value == (
        "<span style='color:#C00000'>Assessment "
        f"{assessment} has no answers yet: answer a few items before generating its report.</span>")
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())
    answer(workbench.form, "G1", 4)  # one answer: the panel no longer says so
    workbench.form.flush()
    assert "no answers yet" not in workbench.form.type_label.value


@pytest.mark.slow
def test_generate_report_renders_html_and_shows_a_link(workbench, tmp_path, tiny):
    workbench.add_respondent("executive", "A")
    for item in tiny.items.index:
        answer(workbench.form, item, 4)
    workbench.add_respondent("pmo_staff", "B")
    for item in tiny.items.index:
        answer(workbench.form, item, 2)
    path = workbench.generate_report()
    assert path.suffix == ".html" and path.is_file()
    assert path.parent == tmp_path / "reports"
    assert "PMO" in path.read_text(encoding="utf-8")
    assert path.name in workbench.message.value


# -- kill and reopen -----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_killed_process_loses_nothing_given_before_the_debounce_window(db_url, store, tiny, tiny_path,
                                                                         assessment, respondent):
    before = [["G1", 5, "given early"], ["G2", 1, None], ["G3", None, None], ["S1", 2, "a note"],
              ["P1", 3, None], ["P2", 4, None]]
    after = [["P3", 1, None], ["P4", 2, None]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("widgets_kill_child.py")), db_url, str(tiny_path),
         str(assessment), str(respondent), "0.5", json.dumps(before), json.dumps(after)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        assert child.stdout.readline().strip() == "more"
        child.send_signal(signal.SIGKILL)  # within the debounce window of the later answers
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL

    form = AssessmentForm(tiny, store, assessment, respondent)
    try:
        for item, value, comment in before:
            choice, text = form.item_widgets[item]
            assert (choice.value, text.value) == (NOT_APPLICABLE if value is None else value, comment or ""), item
        # the later answers were still inside their debounce window: lost with the process (or, on a very slow
        # machine, already written), never half-written
        stored = form.store.answers(respondent)
        assert all(stored.get(item, (value, None)) == (value, None) for item, value, _ in after)
    finally:
        form.close()


_EXIT_SCRIPT = """
import sys
from pmo_workbench import load_instrument
from pmo_workbench.store import Store
from pmo_workbench.notebook import form as widgets
from pmo_workbench.notebook.form import AssessmentForm

widgets._chart_output = lambda *args: {"output_type": "display_data", "metadata": {}, "data": {}}  # no SVG
url, failing = sys.argv[1], sys.argv[2] == "fail"
store = Store(url)
ins = load_instrument("pmo-core")
aid = store.create_assessment("Acme", "PMO", ins)
rid = store.add_respondent(aid, "executive")
form = AssessmentForm(ins, store, aid, rid, debounce=1)  # the script ends before the save is due
if failing:
    def refuse(*args, **kwargs):
        raise OSError("disk unplugged")
    store.save_answers = refuse
form.set_answer("MAN1", 4)
"""


@pytest.mark.slow
@pytest.mark.parametrize("failing", [False, True])
def test_a_script_ending_before_the_save_writes_its_answers_or_says_what_is_lost(tmp_path, failing):
    import subprocess
    import sys

    db = tmp_path / "exit.db"
    done = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, f"sqlite:///{db}", "fail" if failing else "ok"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with Store(f"sqlite:///{db}") as store:
        people = store.respondents(int(store.assessments()["assessment_id"].iloc[0]))
        saved = store.answers(int(people["respondent_id"].iloc[0]))
    if failing:
        assert saved == {}
        assert "1 answer(s) of respondent" in done.stderr and "MAN1=4" in done.stderr
    else:
        assert saved == {"MAN1": (4, None)}
        assert "could not be saved" not in done.stderr


# -- "don't know" and the items a role is asked ----------------------------------------------------------------


def test_dont_know_is_a_choice_saved_as_dk_counted_as_answered_and_restored(make_form, store, respondent):
    form = make_form()
    answer(form, "G1", DONT_KNOW, "ask finance")
    form.set_answer("G2", "dk")  # any case
    answer(form, "G3", 4)
    assert form.item_widgets["G2"][0].value == DONT_KNOW
    assert form.progress == (3, 11)
    form.flush()
    assert store.answers(respondent) == {"G1": ("DK", "ask finance"), "G2": ("DK", None), "G3": (4, None)}
    again = make_form()
    assert [again.item_widgets[i][0].value for i in ("G1", "G2", "G3")] == [DONT_KNOW, DONT_KNOW, 4]
    assert again.progress == (3, 11)


@pytest.fixture
def aud(tmp_path):
    from tests.audience_instrument import audience_instrument

    return audience_instrument(tmp_path)


@pytest.mark.parametrize("role, shown, sections, total", [
    # S2 is asked of PMO staff only: an executive sees 10 items (Support shows S1 alone), PMO staff all 11.
    ("executive", ["G1", "G2", "G3", "G4", "S1", "P1", "P2", "P3", "P4", "P5"],
     ("Governance (0/4)", "Support (0/1)", "People (0/5)"), 10),
    ("pmo_staff", ["G1", "G2", "G3", "G4", "S1", "S2", "P1", "P2", "P3", "P4", "P5"],
     ("Governance (0/4)", "Support (0/2)", "People (0/5)"), 11),
])
def test_a_respondent_is_shown_only_the_items_their_role_is_asked(store, aud, role, shown, sections, total):
    aid = store.create_assessment("Org", "PMO", aud)
    rid = store.add_respondent(aid, role, label="R1")
    form = AssessmentForm(aud, store, aid, rid, debounce=60.0)
    try:
        assert form.role == role
        assert list(form.item_widgets) == shown
        support = [r for r in form.sections.children[1].children if isinstance(r, w.VBox)]
        assert [row.children[1] for row in support] == [form.item_widgets[i][0] for i in shown if i[0] == "S"]
        assert form.sections.titles == sections
        assert form.progress == (0, total)
        assert form.progress_bar.max == total
        for item in shown:
            form.set_answer(item, 3)
        assert form.progress == (total, total) and form.next_unanswered() is None
        form.flush()
        # The store agrees: every item asked is answered.
        people = store.respondents(aid)
        assert people[["answered", "total"]].values.tolist() == [[total, total]]
    finally:
        form.close()


def test_an_item_the_role_is_not_asked_cannot_be_answered(store, aud):
    aid = store.create_assessment("Org", "PMO", aud)
    rid = store.add_respondent(aid, "executive", label="R1")
    form = AssessmentForm(aud, store, aid, rid, debounce=60.0)
    try:
        with pytest.raises(ValueError, match=r"item S2 is not asked of role 'executive' \(the instrument "
                                             r"tiny-audience 0.1 asks it only of pmo_staff\)"):
            form.set_answer("S2", 3)
        with pytest.raises(ValueError, match="unknown item 'X9'"):
            form.set_answer("X9", 3)
        assert form.pending == {}
    finally:
        form.close()


def test_next_unanswered_skips_items_the_role_is_not_asked(store, aud):
    aid = store.create_assessment("Org", "PMO", aud)
    rid = store.add_respondent(aid, "executive", label="R1")
    form = AssessmentForm(aud, store, aid, rid, debounce=60.0)
    try:
        for item in ("G1", "G2", "G3", "G4", "S1"):
            form.set_answer(item, 2)
        # After S1 comes P1: S2 is not the executive's.
        assert form.next_unanswered() == "P1"
        assert form.sections.selected_index == 2
    finally:
        form.close()


def test_the_summary_counts_each_respondent_against_the_items_their_role_is_asked(store, aud):
    aid = store.create_assessment("Org", "PMO", aud)
    bench = Workbench(aud, store, aid, debounce=60.0)
    try:
        bench.add_respondent("executive", "A")
        bench.form.set_answer("S1", 4)
        bench.add_respondent("pmo_staff", "B")
        bench.form.set_answer("S2", "DK")
        summary = bench.summary()
        assert summary[["label", "answered", "total"]].values.tolist() == [["A", 1, 10], ["B", 1, 11]]
        assert summary["share"].tolist() == pytest.approx([1 / 10, 1 / 11])
    finally:
        if bench.form is not None:
            bench.form.close()
