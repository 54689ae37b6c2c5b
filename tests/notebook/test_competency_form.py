"""The competency form, driven as a consultant would: choose the person, rater and role, set ratings, read the
store. A temp SQLite store and a fake clock; the mini instrument (tests/competency_mini.py)."""

from __future__ import annotations

import pytest

from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.errors import PmoWorkbenchError, StoreError
from pmo_workbench.notebook.competency_form import CompetencyForm
from pmo_workbench.store import Store
from tests.competency_mini import write_mini
from tests.helpers import FakeClock


@pytest.fixture
def cohort(tmp_path):
    path, ratings = write_mini(tmp_path)
    ins = load_competency_instrument(path)
    with Store(tmp_path / "w.db") as store:
        store.use_competency_instrument(ins)
        store.import_competency(ratings, ins)
        yield store, 1


def make(store, cid, clock):
    return CompetencyForm(store, cid, debounce=2.0, clock=clock, timer=clock.timer)


def test_a_consultant_enters_a_managers_ratings(cohort):
    store, cid = cohort
    clock = FakeClock()
    form = make(store, cid, clock)
    assert form.subject.options == ("Ana", "Ben", "Cara")
    form.subject.value = "Cara"
    assert form.job_level.value == "junior"  # a known person's level is filled in
    form.rater.value, form.role.value = "Max", "manager"
    form.open_button.click()
    assert form.message.value == "" and form.rater_id is not None
    assert list(form.choices) == ["r1", "r2", "s1", "s2"]  # r3 is not expected of a junior
    texts = [c.value for c in form.sections.children if hasattr(c, "value")]
    assert texts[0] == "<p><strong>Max rates Cara as line manager.</strong></p>"
    assert "<h4>Risk management</h4>" in texts[1] and "<dt>1 Awareness</dt><dd>a1</dd>" in texts[1]
    assert [label for label, _ in form.choices["r1"].options] == [
        "No rating", "1 Awareness", "2", "3", "4", "5 Expert", "Don't know"]
    form.set_rating("r1", 4)
    form.choices["s1"].value = "DK"
    assert store.ratings(form.rater_id) == {} and form.status.value == "saving…"
    clock.advance(2.0)
    assert store.ratings(form.rater_id) == {"r1": (4, None), "s1": ("DK", None)}
    assert form.status.value.startswith("saved ")
    form.set_rating("r1", None)
    form.close()
    assert store.ratings(form.rater_id) == {"s1": ("DK", None)}
    frame = store.competency_responses(cid)
    cara = frame[(frame["subject"] == "Cara") & (frame["rater"] == "Max")]
    assert cara["role"].astype(str).unique().tolist() == ["manager"]
    assert cara["dont_know"].sum() == 1


def test_opening_again_shows_the_stored_ratings_and_a_new_person_can_be_added(cohort):
    store, cid = cohort
    clock = FakeClock()
    form = make(store, cid, clock)
    ana_p1 = form.open("Ana", "senior", "P1", "peer")
    assert form.choices["r1"].value == 4 and form.choices["r3"].value == "DK"  # as imported
    form.set_rating("r3", 2)
    dan = form.open("Dan", "senior", "", "self")  # opening another saves the first; self: the rater is Dan
    assert store.ratings(ana_p1)["r3"] == (2, None)
    assert store.rater_info(dan)["rater"] == "Dan" and "r3" in form.choices
    form.close()


def test_bad_choices_are_said_on_the_form_and_nothing_is_saved(cohort):
    store, cid = cohort
    form = make(store, cid, FakeClock())
    form.subject.value, form.job_level.value, form.rater.value, form.role.value = "Ben", "senior", "Ben", "self"
    form.open_button.click()
    assert "&#x27;Ben&#x27; is stored as junior, not senior" in form.message.value and form.rater_id is None
    form.subject.value = "<b>Eve</b>"
    form.job_level.value, form.rater.value, form.role.value = "junior", "<b>Eve</b>", "peer"
    form.open_button.click()
    assert "&#x27;&lt;b&gt;Eve&lt;/b&gt;&#x27; rates themself with role peer" in form.message.value
    form.open("Ben", "junior", "Ben", "self")
    with pytest.raises(PmoWorkbenchError, match="item r3 is not on the form"):
        form.set_rating("r3", 3)
    with pytest.raises(StoreError):
        store.save_ratings(form.rater_id, {"r1": 9})
    form.close()


def test_a_value_off_the_scale_and_a_closed_cohort_are_said(cohort):
    store, cid = cohort
    form = make(store, cid, FakeClock())
    form.open("Ben", "junior", "Ben", "self")
    for value in (9, 0, "x", 2.5, True):
        with pytest.raises(PmoWorkbenchError, match=r"item r1: .* is not a rating; expected 1-5, DK or None"):
            form.set_rating("r1", value)
    form.set_rating("r1", " dk ")
    assert form.choices["r1"].value == "DK"
    form.close()
    store.set_cohort_status(cid, "closed")
    closed = make(store, cid, FakeClock())
    closed.subject.value, closed.job_level.value, closed.rater.value, closed.role.value = (
        "New Person", "senior", "New Person", "self")
    closed.open_button.click()
    assert f"competency assessment {cid} is closed: no person or rater can be added" in closed.message.value
    assert closed.rater_id is None and store.competency_assessment(cid)["people"] == 3
