"""The interactive assessment form for JupyterLab, with answers that are never lost.

:class:`AssessmentForm` builds an ipywidgets UI from an instrument: one section
per dimension, a choice per item the respondent's role is asked (the scale
labels, "not applicable" and "don't know"), an optional comment, progress and a
"next unanswered" button, and a live panel with this respondent's and the PMO's
dimension scores and the current type.

Every change is written to the :class:`~pmo_workbench.store.Store` at most
``debounce`` seconds (plus the time of the write) after it was made, however
the user keeps typing: the first change after a write starts a
:class:`threading.Timer` (later changes do not restart it), which flushes every
pending answer with ``store.save_answers`` in one transaction. A crash
therefore loses at most the answers of the last ``debounce`` seconds. A failed
write is retried after 1, 2, 4, 4, … seconds, and closing a form whose answers
cannot be written raises :class:`UnsavedAnswersError` instead of dropping them.
The saving itself (debounce, retries, the last attempt at exit) is the
UI-free :class:`~pmo_workbench.notebook.autosave.Autosaver`.
:class:`Workbench` adds respondent switching, adding a respondent, a completion
summary and the "generate report" action.

The widgets are the standard, focusable ipywidgets in reading order (no custom
JavaScript), so the form works with the keyboard alone.
"""

from __future__ import annotations

import functools
import html
import math
import numbers
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as w
import pandas as pd

# The status texts (SAVING, SAVED, NOT_SAVED) and RETRY_DELAYS are the autosaver's, still importable from here.
from .. import i18n
from ..assessment.instrument import Instrument
from ..errors import NoAnswersError, PmoWorkbenchError, UnsavedAnswersError
from ..i18n import N_, _
from ..store.schema import DONT_KNOW, NOT_APPLICABLE
from .autosave import NOT_SAVED, RETRY_DELAYS, SAVED, SAVING, Autosaver  # noqa: F401

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["DONT_KNOW", "NOT_APPLICABLE", "AssessmentForm", "UnsavedAnswersError"]

# NOT_APPLICABLE ("n/a") and DONT_KNOW ("DK") are the store's values for "not applicable" and "don't know", and the
# choice widgets' values for them too.
NOT_APPLICABLE_LABEL = N_("Not applicable")  # as the web form writes them
DONT_KNOW_LABEL = N_("Don't know")
READABLE_WIDTH = "65ch"  # item texts wrap at about 65 characters
PANEL_WIDTH = "520px"
_NO_SCORE_YET = N_("No scores yet: answer a few items.")
_NO_ANSWERS_YET = N_("Assessment {id} has no answers yet: answer a few items.")
_NO_REPORT_YET = N_("Assessment {id} has no answers yet: answer a few items before generating its report.")


def _in_language(method):
    """Run ``method`` in the form's language (its labels, the instrument's texts are already in it)."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with i18n.use_language(self.language):
            return method(self, *args, **kwargs)
    return wrapper


class AssessmentForm:
    """The questionnaire of one respondent, saved to the store as it is answered.

    Parameters
    ----------
    instrument
        The instrument of the assessment.
    store
        Where answers are read from and written to.
    assessment_id, respondent_id
        Whose answers these are (ids of the store).
    debounce
        The longest time, in seconds, a change waits before it is written: the
        first change after a write starts the wait, later changes join it (they
        do not restart it), so steady typing cannot hold answers back.
    on_report
        When given, the form shows a "Generate report" button that calls
        ``on_report(assessment_id)`` and shows the HTML it returns (a link).
    language
        The language of the form's labels and messages and of the instrument's texts (items, scale labels,
        dimensions) when the instrument is written in it (else its default language); ``None``: the current
        language (:func:`pmo_workbench.i18n.current_language`). Answers are stored by item id, whatever the
        language.

    Attributes
    ----------
    widget
        The whole UI (form and live panel), what a notebook displays.
    item_widgets
        Item id -> (choice widget, comment widget), for the items the
        respondent's role is asked (the instrument's ``audience``).
    role
        The respondent's role.
    language
        The language the form is shown in (``"en"``, ``"de"``).
    sections
        The accordion with one section per dimension that asks the role
        anything, in instrument order.
    panel
        The live panel's output area (refreshed after each flush).
    focused_item
        The item the last "next unanswered" went to, or ``None``.
    report_button, report_link
        The "Generate report" button (``None`` without ``on_report``) and what it last showed.
    retry_delays
        Seconds to wait before retrying a failed write, one per consecutive
        failure, the last repeating (:data:`RETRY_DELAYS`; a class attribute
        an instance may override).

    Notes
    -----
    A choice is stored as its value: a number on the scale, :data:`NOT_APPLICABLE`,
    :data:`DONT_KNOW` or ``None`` (no answer). Clearing a choice stores ``None``,
    so the item reopens unanswered; a comment typed before any choice is stored
    with ``None`` too. Only the items the respondent's role is asked are shown,
    and progress counts only those: numbers, "not applicable" and "don't know"
    count as answered.

    Examples
    --------
    >>> form = AssessmentForm(instrument, store, assessment_id, respondent_id)  # doctest: +SKIP
    >>> form.widget                                                              # doctest: +SKIP
    """

    retry_delays: tuple[float, ...] = RETRY_DELAYS

    def __init__(self, instrument: Instrument, store: Store, assessment_id: int, respondent_id: int, *,
                 debounce: float = 0.5, on_report: Callable[[int], str] | None = None,
                 language: str | None = None):
        self.language = i18n.check_language(language) if language else i18n.current_language()
        self.store = store
        self.assessment_id = int(assessment_id)
        self.respondent_id = int(respondent_id)
        self.debounce = float(debounce)
        self.focused_item: str | None = None
        self._scale = range(instrument.scale.min, instrument.scale.max + 1)
        self._lock = threading.Lock()  # guards _choice and _comment, together with recording the change
        self._syncing = threading.local()  # .items: the items this thread is moving the widgets of
        self._after_flush: Callable[[], None] | None = None  # the workbench refreshes its summary here
        defined = {i.id for d in instrument.dimensions for i in d.items}

        use_instrument = getattr(store, "use_instrument", None)  # a store must know non built-in instruments
        if use_instrument is not None:
            use_instrument(instrument)
        self.instrument = instrument = _in(instrument, self.language, store, self.assessment_id)
        self._respondent_label, self.role = self._find_respondent()
        # The dimensions that ask this role anything (one section each), and the items asked, in reading order.
        self._dimensions = [d for d in instrument.dimensions if any(i.asks(self.role) for i in d.items)]
        self._asked = {d.id: [i.id for i in d.items if i.asks(self.role)] for d in self._dimensions}
        self._item_dimension = {item: index for index, d in enumerate(self._dimensions) for item in self._asked[d.id]}
        stored = store.answers(self.respondent_id)
        unknown = sorted(set(stored) - defined)
        if unknown:
            raise PmoWorkbenchError(f"respondent {self.respondent_id} has answers to items {unknown} that instrument "
                                    f"{instrument.id} {instrument.version} does not define")
        self._choice: dict[str, int | str | None] = {}
        self._comment: dict[str, str | None] = {}
        for item in self._item_dimension:
            value, comment = stored.get(item, (None, None))
            self._choice[item] = value if value is None or value in (NOT_APPLICABLE, DONT_KNOW) else int(value)
            self._comment[item] = comment or None
        # The autosaver registers the last attempt at exit itself (through a weak reference). Callbacks look
        # self's attributes up when called, so an instance may override _set_status or retry_delays.
        self._autosaver: Autosaver[str, tuple[int | str | None, str | None]] = Autosaver(
            lambda batch: self.store.save_answers(self.respondent_id, batch), debounce=self.debounce,
            retry_delays=lambda: self.retry_delays, on_status=lambda text: self._set_status(text),
            on_saved=self._saved, describe_lost=self._describe_lost, name=str(self.respondent_id))
        self._build(on_report)
        self.refresh_panel()

    # -- building ------------------------------------------------------------------------------
    def _find_respondent(self) -> tuple[str, str]:
        """The respondent's label and role."""
        people = self.store.respondents(self.assessment_id)
        match = people.loc[people["respondent_id"] == self.respondent_id, ["label", "role"]]
        if match.empty:
            raise PmoWorkbenchError(f"respondent {self.respondent_id} does not belong to assessment "
                                    f"{self.assessment_id}; its respondents are {people['respondent_id'].tolist()}")
        return str(match["label"].iloc[0]), str(match["role"].iloc[0])

    @_in_language
    def _options(self) -> list[tuple[str, int | str]]:
        labels = self.instrument.scale.labels
        options: list[tuple[str, int | str]] = [
            (f"{v} {labels[v]}" if v in labels else str(v), v) for v in self._scale
        ]
        return [*options, (_(NOT_APPLICABLE_LABEL), NOT_APPLICABLE), (_(DONT_KNOW_LABEL), DONT_KNOW)]

    @_in_language
    def _build(self, on_report: Callable[[int], str] | None) -> None:
        options = self._options()
        self.item_widgets: dict[str, tuple[w.ToggleButtons, w.Text]] = {}
        sections = []
        for dim in self._dimensions:
            rows: list[w.Widget] = []
            if dim.description:
                rows.append(w.HTML(f"<p><em>{html.escape(dim.description)}</em></p>",
                                   layout=w.Layout(max_width=READABLE_WIDTH)))
            for item in (i for i in dim.items if i.asks(self.role)):
                text = w.HTML(f"<p><b>{html.escape(item.id)}</b>&nbsp; {html.escape(item.text)}</p>",
                              layout=w.Layout(max_width=READABLE_WIDTH))
                choice = w.ToggleButtons(options=options, value=self._choice[item.id],
                                         style={"button_width": "auto"},
                                         tooltips=[label for label, _ in options])
                comment = w.Text(value=self._comment[item.id] or "", placeholder=_("Comment (optional)"),
                                 description_allow_html=False, layout=w.Layout(width=READABLE_WIDTH))
                choice.observe(self._choice_changed(item.id), "value")
                comment.observe(self._comment_changed(item.id), "value")
                self.item_widgets[item.id] = (choice, comment)
                rows.append(w.VBox([text, choice, comment], layout=w.Layout(margin="0 0 12px 0")))
            sections.append(w.VBox(rows))
        self.sections = w.Accordion(children=sections)
        self.status_label = w.Label(value="")
        self.progress_label = w.Label(value="")
        self.progress_bar = w.IntProgress(value=0, min=0, max=len(self._choice), description=_("Answered"))
        self.next_button = w.Button(description=_("Next unanswered"), icon="arrow-down",
                                    tooltip=_("Open the next item without an answer"))
        self.next_button.on_click(lambda _: self.next_unanswered())
        header: list[w.Widget] = [self.progress_bar, self.progress_label, self.next_button, self.status_label]
        self.report_link = w.HTML(value="")
        self.report_button: w.Button | None = None
        if on_report is not None:
            self.report_button = report_button = w.Button(description=_("Generate report"), icon="file")

            @_in_language
            def make_report(self, _unused: Any) -> None:
                self.report_link.value = "<em>{}</em>".format(html.escape(_("rendering the report…")))
                try:
                    self.report_link.value = on_report(self.assessment_id)
                except NoAnswersError:
                    said = html.escape(_(_NO_REPORT_YET).format(id=self.assessment_id))
                    self.report_link.value = f"<span style='color:#C00000'>{said}</span>"
                except Exception as exc:  # noqa: BLE001 - shown to the user, the form stays usable
                    self.report_link.value = "<span style='color:#C00000'>{}</span>".format(
                        html.escape(_("report failed: {error}").format(error=exc)))

            report_button.on_click(lambda button: make_report(self, button))
            header += [report_button, self.report_link]
        self.type_label = w.HTML(value="")
        self.panel = w.Output(layout=w.Layout(width=PANEL_WIDTH, overflow="auto"))
        live = w.VBox([w.HTML("<b>{}</b>".format(html.escape(_("Live scores")))), self.type_label, self.panel])
        self.widget = w.VBox([
            w.HBox(header, layout=w.Layout(flex_flow="row wrap", align_items="center")),
            w.HBox([self.sections, live], layout=w.Layout(align_items="flex-start")),
        ])
        self._set_status("")
        self._show_progress()
        first = self._first_unanswered()
        self.sections.selected_index = 0 if first is None else self._item_dimension[first]

    # -- what a user does -----------------------------------------------------------------------
    def set_answer(self, item: str, value: int | str | None, comment: str | None = None) -> None:
        """Answer ``item`` as a user would; the store gets it at most ``debounce`` seconds later.

        Parameters
        ----------
        item
            An item id of the instrument that the respondent's role is asked.
        value
            A whole number on the instrument's scale (any integral type, e.g.
            ``numpy.int64``, or a float with a whole value), :data:`NOT_APPLICABLE`
            for "not applicable", :data:`DONT_KNOW` (``"DK"``, any case) for
            "don't know", or ``None`` to clear the choice (no answer).
        comment
            The comment; ``None`` keeps the item's current comment, ``""`` removes it.

        Raises
        ------
        ValueError
            For an unknown item, an item the respondent's role is not asked,
            or a value outside the scale.
        """
        if item not in self._choice:
            ins = self.instrument
            if item in ins.items.index:
                raise ValueError(f"item {item} is not asked of role '{self.role}' (the instrument {ins.id} "
                                 f"{ins.version} asks it only of {', '.join(ins.items.at[item, 'audience'])}); "
                                 f"respondent {self._respondent_label} is shown {', '.join(self._choice)}")
            raise ValueError(f"unknown item {item!r}; instrument {ins.id} {ins.version} "
                             f"defines {', '.join(ins.items.index)}")
        if isinstance(value, str) and value.strip().upper() == DONT_KNOW:
            value = DONT_KNOW
        if value is not None and not (isinstance(value, str) and value in (NOT_APPLICABLE, DONT_KNOW)):
            whole = _whole_number(value)
            if whole is None or whole not in self._scale:
                raise ValueError(f"{item}: {value!r} is not on the scale {self._scale.start}-{self._scale.stop - 1}"
                                 f" (or {NOT_APPLICABLE!r} for not applicable, {DONT_KNOW!r} for don't know, "
                                 "None for no answer)")
            value = whole
        choice = value
        if comment is None:
            comment = self._comment[item]
        self._sync_widgets(item, choice, comment)
        self._record(item, choice, comment)

    def flush(self) -> None:
        """Write every pending answer now, in one transaction, then refresh the live panel.

        On failure the answers stay pending, the status reads
        ``"not saved: <error>"`` and a retry is scheduled after
        :attr:`retry_delays` (1, 2, 4, 4, … seconds); a new change or flush
        also retries.
        """
        self._autosaver.flush()

    def close(self) -> None:
        """Write pending answers and close the widgets; the form cannot be used afterwards.

        Raises
        ------
        UnsavedAnswersError
            When the pending answers cannot be written: they are kept, the form
            stays open (and keeps retrying), and ``close()`` may be called again.
        """
        if self._autosaver.closed:
            return
        try:
            self._autosaver.close()
        except UnsavedAnswersError:
            unsaved = self._autosaver.pending
            raise UnsavedAnswersError(
                f"respondent {self._respondent_label}: {len(unsaved)} answer(s) could not be saved "
                f"({', '.join(unsaved)}); {self.status}. They are kept and retried; the form stays open") from None
        self._close_widgets()

    def next_unanswered(self) -> str | None:
        """Open the section of the next item without an answer and focus its choice.

        Looks after the item last gone to, wrapping round; returns the item id,
        or ``None`` when every item is answered.
        """
        items = list(self._choice)
        start = items.index(self.focused_item) + 1 if self.focused_item in self._choice else 0
        for item in items[start:] + items[:start]:
            if self._choice[item] is None:
                self.sections.selected_index = self._item_dimension[item]
                self.item_widgets[item][0].focus()
                self.focused_item = item
                return item
        self.focused_item = None
        return None

    # -- what tests and the notebook read -------------------------------------------------------
    @property
    def status(self) -> str:
        """The status label: ``""``, ``"saving…"``, ``"saved HH:MM:SS"`` or ``"not saved: <error>"``."""
        return self.status_label.value

    @property
    def progress(self) -> tuple[int, int]:
        """(answered, total) of the items the respondent's role is asked; "not applicable" and "don't know" count
        as answers."""
        return sum(v is not None for v in self._choice.values()), len(self._choice)

    def dimension_progress(self) -> dict[str, tuple[int, int]]:
        """Dimension id -> (answered, total) of the items asked, for each dimension shown."""
        return {d: (sum(self._choice[i] is not None for i in items), len(items)) for d, items in self._asked.items()}

    @property
    def pending(self) -> dict[str, tuple[int | str | None, str | None]]:
        """Answers given but not yet written (a copy)."""
        return self._autosaver.pending

    # -- internals ------------------------------------------------------------------------------
    def _choice_changed(self, item: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            if self._is_syncing(item):
                return
            new = change["new"]
            if new is None:  # deselected: no answer, but a comment may remain
                self._record(item, None, self._comment[item])
            else:
                self.set_answer(item, new, self.item_widgets[item][1].value)
        return handler

    def _comment_changed(self, item: str) -> Callable[[dict], None]:
        def handler(change: dict) -> None:
            if self._is_syncing(item):
                return
            self._record(item, self._choice[item], change["new"])
        return handler

    def _is_syncing(self, item: str) -> bool:
        """Whether this thread is moving ``item``'s widgets itself (their change events are not the user's)."""
        return item in getattr(self._syncing, "items", ())

    def _sync_widgets(self, item: str, choice: int | str | None, comment: str | None) -> None:
        # Widget observers run in the thread that sets the value, so the suppression is per thread and per
        # item: a click handled by another thread meanwhile (or on another item) is recorded as usual.
        choice_widget, comment_widget = self.item_widgets[item]
        syncing = getattr(self._syncing, "items", None)
        if syncing is None:
            syncing = self._syncing.items = set()
        syncing.add(item)
        try:
            if choice_widget.value != choice:
                choice_widget.value = choice
            if comment_widget.value != (comment or ""):
                comment_widget.value = comment or ""
        finally:
            syncing.discard(item)

    def _record(self, item: str, choice: int | str | None, comment: str | None) -> None:
        if self._autosaver.closed:
            raise PmoWorkbenchError("this form is closed; open a new one to answer")
        comment = (comment or "").strip() or None
        with self._lock:
            self._choice[item] = choice
            self._comment[item] = comment
            # an int, NOT_APPLICABLE, DONT_KNOW or None (no answer), as the store takes; "saving…", saved within
            # the debounce
            self._autosaver.record(item, (choice, comment))
        self._show_progress()

    def _saved(self, closing: bool) -> None:
        """After each write: refresh the live panel (unless the form is closing) and tell the workbench."""
        if not closing:  # the panel is about to go
            self.refresh_panel()
        if self._after_flush is not None:
            self._after_flush()

    def _describe_lost(self, lost: dict[str, tuple[int | str | None, str | None]]) -> str:
        """The line printed on stderr for answers still unsaved at interpreter exit."""
        listed = ", ".join(f"{item}={value!r}" for item, (value, _) in sorted(lost.items()))
        return (f"pmo-workbench: {len(lost)} answer(s) of respondent {self.respondent_id} could not be saved "
                f"to {self.store.shown_url} before exit: {listed}")

    @_in_language
    def _set_status(self, text: str) -> None:
        """Show the autosaver's status (called with its lock held), in the form's language."""
        self.status_label.value = _status_text(text)

    @_in_language
    def _show_progress(self) -> None:
        answered, total = self.progress
        self.progress_bar.value = answered
        self.progress_label.value = _("{answered} of {total} answered").format(answered=answered, total=total)
        for index, (dim, (done, n)) in enumerate(zip(self._dimensions, self.dimension_progress().values())):
            self.sections.set_title(index, f"{dim.label} ({done}/{n})")

    def _first_unanswered(self) -> str | None:
        return next((item for item, choice in self._choice.items() if choice is None), None)

    def _close_widgets(self) -> None:
        for choice, comment in self.item_widgets.values():
            choice.close()
            comment.close()
        self.widget.close()

    # -- the live panel -------------------------------------------------------------------------
    def live_scores(self) -> tuple[pd.DataFrame, pd.DataFrame, str | None, str | None]:
        """Scores for the live panel, from what the store holds now.

        Returns
        -------
        respondent, pmo, respondent_type, pmo_type
            Two frames with one row per dimension (``dimension``, ``label``,
            ``score``, ``level`` and for the PMO the columns of
            :attr:`PmoAssessment.dimensions`), and the type ids; the frames are
            empty and the types ``None`` while nothing is answered.
        """
        from ..assessment.positioning import classify_type
        from ..assessment.results import assess
        from ..assessment.scoring import maturity_level

        empty = pd.DataFrame(columns=["dimension", "label", "score", "level"])
        responses = self.store.responses(self.assessment_id)
        if responses.empty or responses["value"].notna().sum() == 0:
            return empty, empty, None, None
        results = assess(responses, self.instrument)
        if not results.assessments:
            return empty, empty, None, None
        pmo = results.assessments[0]
        mine = pmo.respondent_scores[pmo.respondent_scores["respondent"].astype(str) == self._respondent_label]
        labels = self.instrument.dimension_table["label"]
        respondent = pd.DataFrame({"dimension": list(labels.index)})
        respondent["label"] = respondent["dimension"].map(labels)
        respondent["score"] = respondent["dimension"].map(
            mine.set_index("dimension")["score"].astype(float)).astype(float)
        respondent["level"] = maturity_level(respondent["score"], self.instrument.maturity_thresholds)
        respondent_type = None
        if respondent["score"].notna().any():
            respondent_type = classify_type(dict(zip(respondent["dimension"], respondent["score"])),
                                            self.instrument).type
        return respondent, pmo.dimensions, respondent_type, pmo.type.type

    @_in_language
    def refresh_panel(self) -> None:
        """Redraw the live panel from the store (called after each flush, not on every click)."""
        try:
            respondent, pmo, respondent_type, pmo_type = self.live_scores()
        except Exception as exc:  # noqa: BLE001 - the panel must never stop the form
            self.type_label.value = "<span style='color:#C00000'>{}</span>".format(
                html.escape(_("live scores unavailable: {error}").format(error=exc)))
            self.panel.outputs = ()
            return
        if pmo_type is None:
            empty = not self.store.assessment(self.assessment_id).get("answers")
            text = _(_NO_ANSWERS_YET).format(id=self.assessment_id) if empty else _(_NO_SCORE_YET)
            self.type_label.value = f"<p><em>{html.escape(text)}</em></p>"
            self.panel.outputs = ()
            return
        label = self.instrument.type_label
        bold = "<b>{}</b>"
        self.type_label.value = (
            "<p>" + html.escape(_("Current type of the PMO: {type}")).format(
                type=bold.format(html.escape(label(pmo_type))))
            + ("" if respondent_type is None else "<br>" + html.escape(_("This respondent's answers alone: {type}"))
               .format(type=bold.format(html.escape(label(respondent_type)))))
            + "</p>"
        )
        self.panel.outputs = (
            _chart_output(respondent, self.instrument,
                          _("This respondent ({respondent})").format(respondent=self._respondent_label)),
            _chart_output(pmo, self.instrument, _("The PMO (all respondents)")),
        )


def _in(instrument: Instrument, language: str, store, assessment_id: int) -> Instrument:
    """``instrument`` with its texts in ``language`` when it is written in it (the store loads that version from
    the instrument's file), else as given."""
    if language not in tuple(getattr(instrument, "languages", None) or ()):
        return instrument
    if getattr(instrument, "language", None) == language:
        return instrument
    instrument_for = getattr(store, "instrument_for", None)
    return instrument if instrument_for is None else instrument_for(assessment_id, language=language)


def _status_text(text: str) -> str:
    """The autosaver's status (``saving…``, ``saved 12:00:00``, ``not saved: <error>``) in the current language."""
    if text == SAVING:
        return _("saving…")
    if text.startswith(NOT_SAVED + ":"):
        return _("not saved: {error}").format(error=text[len(NOT_SAVED) + 1:].strip())
    if text.startswith(SAVED + " "):
        return _("saved {time}").format(time=text[len(SAVED) + 1:])
    return text


def _whole_number(value: Any) -> int | None:
    """``value`` as an ``int`` when it is a whole real number (any integral type, not a bool), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    number = float(value)
    return int(number) if math.isfinite(number) and number == int(number) else None


def _chart_output(dimensions: pd.DataFrame, instrument: Instrument, title: str) -> dict[str, Any]:
    """A display_data output with an altair chart as SVG (renders offline) and its Vega-Lite spec."""
    from ..charts.positioning import dimension_scores
    from ..reports.records import chart_svg

    spec = dimension_scores(dimensions, instrument.maturity_thresholds, title=title).to_dict(validate=False)
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/svg+xml": chart_svg(spec), "text/plain": f"<chart: {title}>"}}
