"""Choosing what to assess: pick or create the organisation, PMO and assessment in the store.

:func:`open_assessment` is the non-interactive path (the workbench notebook under
papermill, scripts); :class:`AssessmentPicker` is the same choice as a small
ipywidgets form for JupyterLab.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import pandas as pd
from markupsafe import Markup

from .. import i18n
from .._values import MISSING
from ..i18n import N_, _, ngettext

from ..assessment.instrument import Instrument
from ..assessment.responses import PMO_LEVELS
from ..store import Store


def open_assessment(store: Store, instrument: Instrument, organisation: str, pmo: str, *,
                    level: str | None = None, parent: str | None = None) -> int:
    """The open assessment of ``organisation`` / ``pmo`` with this instrument version, created when there is none."""
    found = _matching(store.assessments(), organisation, pmo, instrument)
    if len(found):
        return int(found["assessment_id"].iloc[-1])
    return store.create_assessment(organisation, pmo, instrument, level=level, parent=parent)


def _matching(frame: pd.DataFrame, organisation: str, pmo: str, instrument: Instrument) -> pd.DataFrame:
    return frame[(frame["organisation"] == organisation) & (frame["pmo"] == pmo)
                 & (frame["instrument_id"] == instrument.id) & (frame["instrument_version"] == instrument.version)
                 & (frame["status"] == "open")]


class AssessmentPicker:
    """Pick an existing assessment, or create one for a new or existing organisation and PMO.

    ``on_chosen(assessment_id)`` is called once a choice is made; ``widget`` is what to display. Its labels are
    in ``language`` (``None``: the current language).
    """

    NEW = N_("(new assessment)")

    def __init__(self, store: Store, instrument: Instrument, on_chosen: Callable[[int], None],
                 language: str | None = None):
        self.store, self.instrument, self.on_chosen = store, instrument, on_chosen
        self.language = i18n.check_language(language) if language else i18n.current_language()
        with i18n.use_language(self.language):
            self._build()

    def _build(self) -> None:
        instrument = self.instrument
        self.existing = w.Dropdown(description=_("Assessment"), layout=w.Layout(width="34rem"),
                                   style={"description_width": "8rem"})
        self.organisation = w.Combobox(description=_("Organisation"), placeholder=_("type or pick"),
                                       style={"description_width": "8rem"}, layout=w.Layout(width="34rem"))
        self.pmo = w.Combobox(description=_("PMO"), placeholder=_("type or pick"), style={"description_width": "8rem"},
                              layout=w.Layout(width="34rem"))
        self.level = w.Dropdown(
            description=i18n.pgettext("PMO level", "Level"),
            options=[(MISSING, None), *[(lv, lv) for lv in PMO_LEVELS]],
                                style={"description_width": "8rem"})
        self.parent = w.Combobox(description=_("Parent PMO"), placeholder=_("optional"),
                                 style={"description_width": "8rem"}, layout=w.Layout(width="34rem"))
        self.go = w.Button(description=_("Open"), button_style="primary", icon="check")
        self.message = w.HTML()
        self.organisation.observe(self._organisation_changed, "value")
        self.existing.observe(self._existing_changed, "value")
        self.go.on_click(lambda _: self.choose())
        self._refresh()
        in_language = getattr(instrument, "in_language", None)  # the title in the picker's language, when written in it
        texts = in_language(self.language) if in_language is not None else instrument
        title = w.HTML(str(Markup("<h3>{}</h3>").format(texts.title)))
        self.widget = w.VBox([title, self.existing, self.organisation, self.pmo, self.level, self.parent, self.go,
                              self.message])

    def _refresh(self) -> None:
        frame = self.store.assessments()
        mine = frame[(frame["instrument_id"] == self.instrument.id)
                     & (frame["instrument_version"] == self.instrument.version)]
        with i18n.use_language(self.language):
            self.existing.options = [(_(self.NEW), None)] + [
                (_("{organisation} / {pmo} ({date}, {respondents})").format(
                    organisation=r.organisation, pmo=r.pmo, date=r.assessed_on or _("no date"),
                    respondents=ngettext("{n} respondent", "{n} respondents", int(r.respondents)).format(
                        n=int(r.respondents))),
                 int(r.assessment_id)) for r in mine.itertuples()]
        self.organisation.options = sorted(set(frame["organisation"].astype(str)))

    def _organisation_changed(self, change) -> None:
        frame = self.store.assessments()
        pmos = sorted(set(frame.loc[frame["organisation"] == change["new"], "pmo"].astype(str)))
        self.pmo.options = pmos
        self.parent.options = pmos

    def _existing_changed(self, change) -> None:
        creating = change["new"] is None
        for field in (self.organisation, self.pmo, self.level, self.parent):
            field.disabled = not creating

    def choose(self) -> int | None:
        """Open the picked assessment, or create the one described; returns its id (None when incomplete)."""
        if self.existing.value is not None:
            chosen = int(self.existing.value)
        else:
            organisation, pmo = self.organisation.value.strip(), self.pmo.value.strip()
            if not organisation or not pmo:
                with i18n.use_language(self.language):
                    self.message.value = str(Markup("<p>{}</p>").format(
                        _("Give an organisation and a PMO, or pick an assessment.")))
                return None
            chosen = open_assessment(self.store, self.instrument, organisation, pmo, level=self.level.value,
                                     parent=self.parent.value.strip() or None)
        self.message.value = ""
        self.on_chosen(chosen)
        return chosen


__all__ = ["AssessmentPicker", "open_assessment"]
