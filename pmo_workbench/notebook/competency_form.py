"""The competency form for JupyterLab: the consultant enters one rater's ratings of one person.

:class:`CompetencyForm` works on one stored competency assessment (a cohort, :meth:`Store.create_cohort`). The
consultant chooses the person rated (an existing one, or a new name with a job level), the rater and the rater's
role (self, line manager, peer), then opens the form: one section per area, the area's anchors (what each point
of the scale means there) above its statements, only the statements expected of the person's job level, and for
each a choice of the scale points, "don't know" or no rating.

Every change is saved to the store as the assessment form's are (:class:`~.autosave.Autosaver`: within
``debounce`` seconds, retried when a write fails, never dropped silently), as the rater's ratings of the person
(:meth:`Store.save_ratings`). The widgets are the standard, focusable ipywidgets in reading order.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..errors import PmoWorkbenchError
from ..i18n import N_, _
from ..store.schema import DONT_KNOW
from .autosave import Autosaver, thread_timer

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["CompetencyForm"]

NO_RATING = N_("No rating")
DONT_KNOW_LABEL = N_("Don't know")
READABLE_WIDTH = "65ch"


class CompetencyForm:
    """One rater's ratings of one person of a stored cohort, saved as they are entered.

    Parameters
    ----------
    store, competency_id
        The store and the competency assessment (cohort) to work on.
    debounce, clock, timer
        As :class:`~.autosave.Autosaver` takes them (tests drive time by hand).

    Attributes
    ----------
    widget
        The UI to display: the choosers (person, job level, rater, role, "Open") and, once opened, the areas.
    rater_id
        The rater and person open in the form (``None`` before :meth:`open`).
    choices
        Item id -> its choice widget, for the statements shown.
    """

    def __init__(self, store: Store, competency_id: int, *, debounce: float = 0.5,
                 clock: Callable[[], float] = time.monotonic, timer=thread_timer):
        self.store, self.competency_id = store, competency_id
        self.instrument = store.competency_instrument(competency_id)
        self._debounce, self._clock, self._timer = debounce, clock, timer
        self.rater_id: int | None = None
        self._job_level = ""
        self.choices: dict[str, w.Dropdown] = {}
        self._saver: Autosaver | None = None
        info = store.competency_assessment(competency_id)
        ins = self.instrument
        people = store.competency_raters(competency_id).drop_duplicates("subject")
        self._levels = dict(zip(people["subject"], people["job_level"]))
        self.subject = w.Combobox(options=tuple(self._levels), placeholder=_("name of the person rated"),
                                  description=_("Person"), ensure_option=False)
        self.job_level = w.Dropdown(options=[(lv.label, lv.id) for lv in ins.job_levels], description=_("Job level"))
        self.rater = w.Text(placeholder=_("name of the rater"), description=_("Rater"))
        self.role = w.Dropdown(options=[(r.label, r.id) for r in ins.roles], description=_("Role"))
        self.open_button = w.Button(description=_("Open"), button_style="primary")
        self.message = w.HTML()
        self.status = w.HTML()
        self.sections = w.VBox()
        self.subject.observe(self._subject_changed, names="value")
        self.role.observe(self._role_changed, names="value")
        self.open_button.on_click(lambda _unused: self._open_clicked())
        title = w.HTML(f"<h3>{html.escape(str(info['organisation']))}: {html.escape(str(info['cohort']))}</h3>")
        self.widget = w.VBox([title, w.HBox([self.subject, self.job_level]), w.HBox([self.rater, self.role]),
                              w.HBox([self.open_button, self.status]), self.message, self.sections])

    # -- what a user (or a test) does --------------------------------------------------------------
    def open(self, subject: str, job_level: str, rater: str, role: str) -> int:
        """Open ``rater``'s ratings of ``subject`` (created when new; a self-rating's rater is the person),
        saving what the form held before. Returns the rater id.

        Raises
        ------
        StoreError
            As :meth:`Store.add_rater` (an unknown role or level, a person stored with another level, ...).
        """
        if role == "self" and not rater.strip():
            rater = subject
        rater_id = self.store.add_rater(self.competency_id, subject, job_level, rater, role)
        self.close()
        self.rater_id, self._job_level = rater_id, job_level
        self._levels.setdefault(subject.strip(), job_level)
        self._saver = Autosaver(lambda changes: self.store.save_ratings(rater_id, changes), debounce=self._debounce,
                                clock=self._clock, timer=self._timer, on_status=self._show_status,
                                name=f"competency rater {rater_id}")
        self._build(self.store.ratings(rater_id), subject.strip(), rater.strip(), role)
        return rater_id

    def set_rating(self, item: str, value: int | str | None) -> None:
        """Set one statement's rating (a scale point, ``"DK"`` or ``None``) as a user would."""
        if item not in self.choices:
            raise PmoWorkbenchError(f"item {item} is not on the form (not expected of a "
                                    f"{self.instrument.level_label(self._job_level).lower()}, or unknown)")
        value = DONT_KNOW if isinstance(value, str) and value.strip().upper() == DONT_KNOW else value
        allowed = [option for _label, option in self._options()]
        if isinstance(value, bool) or value not in allowed:
            scale = self.instrument.scale
            raise PmoWorkbenchError(_("item {item}: {value} is not a rating; expected {low}-{high}, DK or "
                                      "None").format(item=item, value=repr(value), low=scale.min, high=scale.max))
        self.choices[item].value = value

    def flush(self) -> bool:
        """Write the pending ratings now; ``False`` when the write failed (they stay pending)."""
        return True if self._saver is None else self._saver.flush()

    def close(self) -> None:
        """Write what is pending and close the open ratings (raises :class:`UnsavedAnswersError` and keeps
        them when they cannot be written)."""
        if self._saver is not None:
            self._saver.close()
            self._saver = None

    @property
    def pending(self) -> dict:
        return {} if self._saver is None else self._saver.pending

    # -- internals -------------------------------------------------------------------------------------
    def _subject_changed(self, change: dict) -> None:
        level = self._levels.get(str(change["new"]).strip())
        if level is not None:
            self.job_level.value = level

    def _role_changed(self, change: dict) -> None:
        if change["new"] == "self":
            self.rater.value = self.subject.value

    def _open_clicked(self) -> None:
        try:
            self.open(self.subject.value, self.job_level.value, self.rater.value, self.role.value)
            self.message.value = ""
        except PmoWorkbenchError as exc:
            self.message.value = f'<p role="alert">{html.escape(str(exc))}</p>'

    def _show_status(self, text: str) -> None:
        self.status.value = html.escape(text)

    def _options(self) -> list[tuple[str, Any]]:
        scale = self.instrument.scale
        points = [(f"{p} {scale.labels[p]}" if scale.labels.get(p) else str(p), p)
                  for p in range(scale.min, scale.max + 1)]
        return [(_(NO_RATING), None), *points, (_(DONT_KNOW_LABEL), DONT_KNOW)]

    def _build(self, stored: dict, subject: str, rater: str, role: str) -> None:
        ins = self.instrument
        expected = set(ins.items_for(self._job_level))
        options = self._options()
        self.choices = {}
        if role == "self":
            whom = _("{rater} rates their own proficiency.").format(rater=rater)
        else:
            whom = _("{rater} rates {subject} as {role}.").format(rater=rater, subject=subject,
                                                                  role=ins.role_label(role).lower())
        parts: list[w.Widget] = [w.HTML(f"<p><strong>{html.escape(whom)}</strong></p>")]
        for area in ins.areas:
            items = [i for i in area.items if i.id in expected]
            if not items:
                continue
            anchors = "".join(f"<dt>{p} {html.escape(ins.scale.labels.get(p, ''))}</dt>"
                              f"<dd>{html.escape(text)}</dd>" for p, text in sorted(area.anchors.items()))
            parts.append(w.HTML(f"<h4>{html.escape(area.label)}</h4><details><summary>"
                                f"{html.escape(_('What each point means'))}</summary><dl>{anchors}</dl></details>"))
            for item in items:
                value = stored.get(item.id, (None, None))[0]
                choice = w.Dropdown(options=options, value=value if value in [o[1] for o in options] else None,
                                    description="", layout=w.Layout(width="16em"))
                choice.observe(self._changed(item.id), names="value")
                self.choices[item.id] = choice
                text = w.HTML(f"<span>{html.escape(item.text)}</span>", layout=w.Layout(max_width=READABLE_WIDTH))
                parts.append(w.HBox([choice, text]))
        self.sections.children = tuple(parts)

    def _changed(self, item: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            if self._saver is not None:
                self._saver.record(item, change["new"])
        return handler
