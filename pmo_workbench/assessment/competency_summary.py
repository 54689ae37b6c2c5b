"""The positioning report's summary of a competency cohort, for the PMO's empowerment role: a few figures and
sentences (:func:`cohort_summary`), the full figures being the cohort's own report
(:mod:`.competency_report`)."""

from __future__ import annotations

from pathlib import Path

from .._values import percent
from ..errors import InputValidationError, Problem
from ..i18n import _, ngettext
from .competency import load_competency_instrument
from .competency_report import TOP_NEEDS, competency_input
from .competency_responses import read_competency_responses
from .competency_scoring import competency_summary

__all__ = ["cohort_summary", "summary_points"]


def summary_points(summary: dict, cohort: str, min_raters: int) -> list[str]:
    """The cohort summary for the positioning report's empowerment role (:func:`.competency_scoring.
    competency_summary`): people assessed, share of requirements met, the top training needs, and where the full
    figures are."""
    n = int(summary["n_people"])
    if not summary.get("shown"):
        return [ngettext("The competency cohort {cohort} has {n} person assessed, fewer than {k}: its figures are "
                         "not shown (they would come close to one person's).",
                         "The competency cohort {cohort} has {n} people assessed, fewer than {k}: its figures are "
                         "not shown (they would come close to one person's).", n).format(cohort=cohort, n=n,
                                                                                         k=min_raters)]
    m = int(summary.get("n_meeting_all", 0))
    points = [ngettext("Project managers' competency ({cohort}): {n} person assessed, {share} of the requirements "
                       "of their job levels met.",
                       "Project managers' competency ({cohort}): {n} people assessed, {share} of the requirements "
                       "of their job levels met.", n).format(cohort=cohort, n=n,
                                                             share=percent(summary.get("share_met")))
              + " " + ngettext("{m} of them meets every requirement.", "{m} of them meet every requirement.",
                               m).format(m=m)]
    needs = summary.get("top_needs") or []
    if needs:
        points.append(_("Largest training needs: {needs}.").format(needs="; ".join(
            ngettext("{area} ({n} person below)", "{area} ({n} people below)", int(count)).format(area=label,
                                                                                                  n=int(count))
            for label, count, _short in needs)))
    else:
        points.append(_("Nobody is below a required level."))
    points.append(_("The PM competency report of this cohort has the figures by area, the heat map by process group "
                    "and the full ranking of training needs."))
    return points


def cohort_summary(responses: str | Path, organisation: str, cohort: str | None,
                   instrument: str | Path = "pm-competency") -> tuple[dict, list[str]]:
    """The positioning report's competency summary of one cohort: the figures
    (:func:`.competency_scoring.competency_summary`) and the sentences of :func:`summary_points`. ``cohort``
    ``None`` takes the organisation's only cohort (an error naming them when it has several)."""
    if cohort is None:
        ins = load_competency_instrument(instrument)
        frame = read_competency_responses(responses, ins)
        cohorts = list(dict.fromkeys(frame.loc[frame["organisation"] == organisation, "cohort"].astype(str)))
        if len(cohorts) != 1:
            raise InputValidationError([Problem(str(responses), None, "cohort", (
                f"name the competency cohort of {organisation!r}: its cohorts are "
                f"{', '.join(repr(c) for c in cohorts) or 'none'}"))])
        cohort = cohorts[0]
    data = competency_input(responses, organisation, cohort, instrument=instrument, cohort_report=False)
    summary = competency_summary(data.results, organisation, cohort, top=TOP_NEEDS)
    return {"cohort": cohort, **summary}, summary_points(summary, cohort, data.min_raters)
