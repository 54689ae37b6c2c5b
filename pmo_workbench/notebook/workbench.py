"""The workbench: one assessment's respondents, their forms, completion and the report, in JupyterLab."""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING

import ipywidgets as w
import pandas as pd

from .. import i18n
from ..assessment.instrument import Instrument
from ..errors import PmoWorkbenchError, UnsavedAnswersError
from .._values import percent
from ..i18n import _, pgettext
from .form import AssessmentForm, _in

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["Workbench"]


class Workbench:
    """One assessment: pick or add a respondent, answer, follow completion, render the report.

    Parameters
    ----------
    instrument
        The instrument of the assessment.
    store
        The store holding the assessment.
    assessment_id
        The assessment (a store id).
    debounce
        Passed to each :class:`AssessmentForm`.
    report_dir
        Where reports (and the responses file they read) are written;
        ``reports/`` under the working folder by default.
    language
        The language of the workbench and of each form (labels, messages, and the instrument's texts when it is
        written in it); ``None``: the current language. The "Language" picker changes it.

    Attributes
    ----------
    widget
        The whole UI.
    form
        The form of the selected respondent, or ``None``.
    language_picker
        The language the forms are shown in (every language the package speaks).
    """

    def __init__(self, instrument: Instrument, store: Store, assessment_id: int, *, debounce: float = 0.5,
                 report_dir: str | Path | None = None, language: str | None = None):
        self.language = i18n.check_language(language) if language else i18n.current_language()
        with i18n.use_language(self.language):
            self._setup(instrument, store, assessment_id, debounce, report_dir)

    def _setup(self, instrument: Instrument, store: Store, assessment_id: int, debounce: float,
               report_dir: str | Path | None) -> None:
        self.instrument = instrument
        self.store = store
        self.assessment_id = int(assessment_id)
        self.debounce = debounce
        self.report_dir = Path(report_dir) if report_dir is not None else Path.cwd() / "reports"
        self.form: AssessmentForm | None = None
        self._switch_error = ""  # the message shown when leaving a respondent failed
        use_instrument = getattr(store, "use_instrument", None)
        if use_instrument is not None:
            use_instrument(instrument)
        info = store.assessment(self.assessment_id)
        self._organisation, self._pmo = str(info["organisation"]), str(info["pmo"])
        if (info.get("instrument_id"), str(info.get("instrument_version"))) != (instrument.id, instrument.version):
            raise PmoWorkbenchError(
                f"assessment {self.assessment_id} uses instrument {info.get('instrument_id')} "
                f"{info.get('instrument_version')}, not {instrument.id} {instrument.version}")

        self.respondent_picker = w.Dropdown(description=_("Respondent"), options=[], value=None)
        self.respondent_picker.observe(self._picked, "value")
        self.language_picker = w.Dropdown(description=_("Language"), value=self.language,
                                          options=[(i18n.language_name(code, code), code) for code in i18n.languages()])
        self.language_picker.observe(self._language_picked, "value")
        self.new_role = w.Dropdown(description=_("Role"), options=[])
        self.new_label = w.Text(description=_("Label"), placeholder=_("R<n> when empty"))
        self.new_name = w.Text(description=_("Name"), placeholder=_("optional, may be withheld"))
        add_button = w.Button(description=_("Add respondent"), icon="user-plus")
        add_button.on_click(lambda _: self.add_respondent(self.new_role.value, self.new_label.value or None,
                                                          self.new_name.value or None))
        self.message = w.HTML(value="")
        self.summary_html = w.HTML(value="")
        self.form_box = w.Box([])
        self.completion_title = w.HTML("<b>{}</b>".format(html.escape(_("Completion"))))
        self.header = w.HTML("")
        self._show_instrument()
        self.widget = w.VBox([
            self.header,
            w.HBox([self.respondent_picker, self.language_picker]),
            w.HBox([self.new_role, self.new_label, self.new_name, add_button],
                   layout=w.Layout(flex_flow="row wrap")),
            self.message,
            self.completion_title,
            self.summary_html,
            self.form_box,
        ])
        self._refresh_respondents()
        if self.respondent_picker.options:
            self.select_respondent(self.respondent_picker.options[0][1])
        else:
            self.message.value = "<p>{}</p>".format(html.escape(_("No respondents yet: add one.")))

    # -- respondents ----------------------------------------------------------------------------
    def select_respondent(self, respondent_id: int) -> None:
        """Show the form of ``respondent_id`` (the current form's answers are written first).

        When the current form's answers cannot be written, the workbench stays
        on the current respondent and its message says why (nothing is lost:
        the form keeps the answers and retries).
        """
        respondent_id = int(respondent_id)
        known = [rid for _, rid in self.respondent_picker.options]
        if respondent_id not in known:
            self._refresh_respondents()
            known = [rid for _, rid in self.respondent_picker.options]
            if respondent_id not in known:
                raise PmoWorkbenchError(f"respondent {respondent_id} does not belong to assessment "
                                        f"{self.assessment_id}; its respondents are {known}")
        if self.form is not None and self.form.respondent_id == respondent_id:
            return
        if self.form is not None:
            try:
                self.form.close()
            except UnsavedAnswersError as exc:
                self.message.value = self._switch_error = f"<p style='color:#C00000'>{html.escape(str(exc))}</p>"
                self._refresh_respondents()  # the picker shows the current respondent again
                return
            self.form = None
            if self.message.value == self._switch_error:
                self.message.value = ""
        self.form = AssessmentForm(self.instrument, self.store, self.assessment_id, respondent_id,
                                   debounce=self.debounce, on_report=self._report_link, language=self.language)
        self.form._after_flush = self._refresh_summary
        self.form_box.children = (self.form.widget,)
        if self.respondent_picker.value != respondent_id:
            self.respondent_picker.value = respondent_id
        self._refresh_summary()

    def add_respondent(self, role: str, label: str | None = None, name: str | None = None) -> int:
        """Add a respondent to the assessment, select it and return its id."""
        respondent_id = self.store.add_respondent(self.assessment_id, role, label=label or None, name=name or None)
        self.new_label.value = ""
        self.new_name.value = ""
        self.message.value = ""
        self._refresh_respondents()
        self.select_respondent(respondent_id)
        return respondent_id

    def summary(self) -> pd.DataFrame:
        """Completion of every respondent of the assessment.

        Returns
        -------
        pandas.DataFrame
            One row per respondent: ``respondent_id``, ``label``, ``role``,
            ``answered`` (items answered with a value or "not applicable";
            a comment alone is no answer, as the form counts them), ``total`` (items of the
            instrument) and ``share`` (answered / total, NaN when total is 0).
        """
        if self.form is not None:
            self.form.flush()
        people = self.store.respondents(self.assessment_id)
        frame = people[["respondent_id", "label", "role", "answered", "total"]].reset_index(drop=True).copy()
        answered = frame["answered"].astype(float)
        total = frame["total"].astype(float)
        frame["share"] = (answered / total.where(total > 0)).astype(float)
        return frame

    # -- the report -----------------------------------------------------------------------------
    def generate_report(self) -> Path:
        """Render the positioning report of the assessment to HTML and show a link to it.

        The assessment is written as report input in the user's cache
        (:func:`pmo_workbench.store.files.input_folder`, the rule the command
        line and manifests follow too), never into the report folder. Raises
        :class:`~pmo_workbench.errors.ReportError` when the report fails.
        """
        from ..errors import ReportError
        from ..reports.batch import render
        from ..reports.spec import positioning_spec
        from ..store.files import input_folder, report_input

        if self.form is not None:
            self.form.flush()
        out = self.report_dir
        out.mkdir(parents=True, exist_ok=True)
        given = report_input(self.store, self.assessment_id, input_folder(self.store.url),
                             instrument=self.instrument)
        spec = positioning_spec(given.responses, given.organisation, given.pmo, instrument=given.instrument)
        outcome = render(spec, out, ("html",))
        if outcome.status != "rendered" or "html" not in outcome.files:
            raise ReportError(outcome.error or f"{self._organisation}: the report was not rendered",
                              self._organisation, outcome.cell)
        path = Path(outcome.files["html"])
        self.message.value = self._link(path)
        return path

    def _report_link(self, assessment_id: int) -> str:
        return self._link(self.generate_report())

    @staticmethod
    def _link(path: Path) -> str:
        try:
            href = os.path.relpath(path, Path.cwd())
        except ValueError:  # another drive
            href = path.as_uri()
        if href.startswith(".."):
            href = path.resolve().as_uri()
        link = f"<a href='{html.escape(href, quote=True)}' target='_blank'>{html.escape(path.name)}</a>"
        return "<p>{}</p>".format(html.escape(_("Report: {link}")).format(link=link))

    # -- internals ------------------------------------------------------------------------------
    def _texts(self) -> Instrument:
        """The instrument with its texts in the workbench's language when it is written in it, else as given."""
        return _in(self.instrument, self.language, self.store, self.assessment_id)

    def _role_labels(self) -> dict[str, str]:
        return {r.id: r.label for r in self._texts().roles}

    def _show_instrument(self) -> None:
        """The header (the instrument's title) and the role choices, in the workbench's language."""
        texts = self._texts()
        self.header.value = (f"<h3>{html.escape(self._organisation)}: {html.escape(self._pmo)}</h3>"
                             f"<p>{html.escape(texts.title)} ({html.escape(texts.id)} "
                             f"{html.escape(texts.version)})</p>")
        chosen = self.new_role.value
        self.new_role.options = [(r.label, r.id) for r in texts.roles]
        if chosen in [r.id for r in texts.roles]:
            self.new_role.value = chosen

    def _refresh_respondents(self) -> None:
        people = self.store.respondents(self.assessment_id)
        roles = self._role_labels()
        options = [(f"{r.label} ({roles.get(r.role, r.role)})", int(r.respondent_id))
                   for r in people.itertuples(index=False)]
        current = self.form.respondent_id if self.form is not None else None
        self.respondent_picker.unobserve(self._picked, "value")
        try:
            self.respondent_picker.options = options
            self.respondent_picker.value = current if current in [rid for _, rid in options] else None
        finally:
            self.respondent_picker.observe(self._picked, "value")

    def set_language(self, language: str) -> None:
        """Show the forms in ``language`` from now on: the current respondent's form is written and opened again
        in it (as when switching respondents, a form whose answers cannot be written stays as it is)."""
        code = i18n.check_language(language)
        if code == self.language:
            return
        current = self.form
        if current is not None:
            try:
                current.close()
            except UnsavedAnswersError as exc:
                self.message.value = self._switch_error = f"<p style='color:#C00000'>{html.escape(str(exc))}</p>"
                self.language_picker.value = self.language
                return
        self.language = code
        if self.language_picker.value != code:
            self.language_picker.value = code
        with i18n.use_language(code):
            self._show_instrument()
            self._refresh_respondents()
            self.completion_title.value = "<b>{}</b>".format(html.escape(_("Completion")))
            if current is not None:
                self.form = None
                self.select_respondent(current.respondent_id)
            else:
                self._refresh_summary()

    def _language_picked(self, change: dict) -> None:
        if change["new"] is not None:
            self.set_language(change["new"])

    def _picked(self, change: dict) -> None:
        if change["new"] is not None:
            self.select_respondent(change["new"])

    def _refresh_summary(self) -> None:
        from .show import table_html

        with i18n.use_language(self.language):  # also called after the form writes, outside any language
            people = self.store.respondents(self.assessment_id)
            roles = self._role_labels()
            frame = people[["label", "role", "answered", "total"]].copy()
            frame["role"] = [roles.get(role, role) for role in frame["role"]]
            total = frame["total"].astype(float)
            frame["share"] = [None if math.isnan(s) else percent(s)
                              for s in frame["answered"].astype(float) / total.where(total > 0)]
            frame.columns = [pgettext("completion table", "respondent"), pgettext("completion table", "role"),
                             pgettext("completion table", "answered"), pgettext("completion table", "total"),
                             pgettext("completion table", "complete")]
            self.summary_html.value = table_html(frame, decimals=0)
