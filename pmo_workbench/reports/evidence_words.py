"""The words of the portfolio evidence: labels, perceptions, verdicts and the notes on what the figures cover.

Part of :mod:`pmo_workbench.reports.evidence`. The constants are marked for the catalogue and stay English codes'
words; the functions give them in the current language.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._values import percent
from ..i18n import N_, _, ngettext, pgettext

MEASURE_LABELS = {
    "over_allocation": N_("Over-allocated role-months"),
    "dependency_conflicts": N_("Late dependency links"),
    "unvalued": N_("Projects without a value"),
    "stale_updates": N_("Stale status updates"),
    "no_objective": N_("Projects without a strategic objective"),
}
"""Measure -> its label (marked for the catalogue: :func:`measure_label` gives it in the current language)."""

PERCEIVED_WORDS = {
    "strength": N_("a relative strength in the summary"),
    "gap": N_("a gap to the target type in the summary"),
    "priority": N_("a priority in the summary"),
    "low": N_("rated low (below the strengths' level)"),
    "split": N_("views split"),
    "neither": N_("neither a strength nor a gap"),
    "no score": N_("no score"),
    "not assessed": N_("not assessed"),
}
"""Perception code -> the words a report shows (marked for the catalogue: :func:`perceived_words` gives them in
the current language)."""

VERDICT_WORDS = {
    "supports": N_("evidence supports perception"),
    "contradicts": N_("evidence contradicts perception"),
    "not_shown": N_("the portfolio does not show the weakness"),
    "no_stance": N_("no single perception to test"),
    "no_evidence": N_("no evidence in the workbook"),
    "no_score": N_("no perception score to compare"),
}
"""Verdict code -> the words a report shows (marked for the catalogue: :func:`verdict_words` gives them in the
current language)."""


def measure_label(code: str) -> str:
    """The label of a measure in the current language (``"Stale status updates"``)."""
    return _(MEASURE_LABELS[code])


def perceived_words(code: str | None) -> str | None:
    """A perception code (:func:`~pmo_workbench.reports.evidence.perceptions`) in words of the current language."""
    return _(PERCEIVED_WORDS[code]) if code in PERCEIVED_WORDS else code


def verdict_words(code: str | None) -> str | None:
    """A verdict code (:func:`~pmo_workbench.reports.evidence.verdict`) in words of the current language."""
    return _(VERDICT_WORDS[code]) if code in VERDICT_WORDS else code


def agreement_words(code: str | None) -> str | None:
    """Agreement as the evidence table shows it (``split``, ``agree``, ``low``), in the current language."""
    words = {"split": pgettext("agreement", "split"), "agree": pgettext("agreement", "agree"),
             "low": pgettext("agreement", "low")}
    return words.get(code, code) if isinstance(code, str) else code


def verdict_text(code: str, perceived: str | None) -> str:
    """The verdict in a sentence: its words and, where they need it, why."""
    if code == "contradicts":
        return _("evidence contradicts perception: a relative strength in the summary, but the evidence shows a "
                 "problem")
    if code == "not_shown":
        return _("the portfolio does not show the weakness: {perceived}, but this count is clean").format(
            perceived=perceived_words(perceived))
    if code == "no_stance":
        return (_("no single perception to test: respondents' views are split") if perceived == "split" else
                _("no single perception to test: the summary calls this dimension neither a strength nor a gap"))
    return verdict_words(code) or code


def coverage_notes(unassessed: Sequence[str], other_assessed: Sequence[str], without_pmo: int) -> list[str]:
    """Plain sentences on the workbook's projects that no PMO's figures include, and why."""
    notes = []
    if unassessed:
        notes.append(ngettext("The workbook's other PMO ({names}) was not assessed; its projects are left out of "
                              "every PMO's figures.",
                              "The workbook's other PMOs ({names}) were not assessed; their projects are left out "
                              "of every PMO's figures.", len(unassessed)).format(names=", ".join(unassessed)))
    if other_assessed:
        notes.append(ngettext("The workbook's PMO {names} was assessed but is not covered by this report; its "
                              "projects are left out of these figures.",
                              "The workbook's PMOs {names} were assessed but are not covered by this report; their "
                              "projects are left out of these figures.",
                              len(other_assessed)).format(names=", ".join(other_assessed)))
    if without_pmo:
        notes.append(ngettext("{n} project of the workbook names no PMO and is left out of every PMO's figures.",
                              "{n} projects of the workbook name no PMO and are left out of every PMO's figures.",
                              without_pmo).format(n=without_pmo))
    return notes


def cut_off_sentence(strong_level: int, problem_share: float, stale_after_days: int) -> str:
    """The perception and verdict rules in plain words, with their cut-offs."""
    return _("A dimension counts as perceived strong when the executive summary lists it among the PMO's relative "
             "strengths (its highest dimensions at maturity level {level} or above), and as perceived weak when the "
             "summary names it as a gap to the target type or a priority (which wins over a strength), or when it "
             "is below level {level}; where respondents' views are split, or a dimension at that level or above is "
             "not among the listed strengths, there is no single perception to test. The evidence is clean when "
             "nothing it counts is affected, and shows a problem when at least {share} of it is. The evidence "
             "contradicts the perception when a dimension perceived strong shows a problem. When one perceived weak "
             "is clean, the portfolio does not show the weakness: each count is one trace of the dimension, not all "
             "of it. Otherwise the evidence supports the perception (a few issues below the cut-off fit either). A "
             "status update is stale when it is more than {days} days old on the portfolio's status date; a report "
             "dated after that date is a data problem and does not count. These cut-offs are settings of the "
             "report, not published standards.").format(level=strong_level, share=percent(problem_share),
                                                        days=stale_after_days)


def spelling_note(ways: Sequence[str]) -> str:
    """A sentence on a PMO the workbook spells in several ways (the portfolio report keeps them apart)."""
    return _("The workbook writes {name} in {n} ways ({ways}): they are one PMO here, but the portfolio report "
             "counts each spelling as a PMO of its own, so its figures by PMO split these projects.").format(
        name=ways[0], n=len(ways), ways=", ".join(ways))


def organisation_note(listed: Sequence[str], projects: int) -> str:
    """The note of organisation-wide figures: no PMO of the workbook matched an assessed one."""
    return ngettext("No PMO of the workbook ({listed}) matches an assessed PMO, so these are the organisation-wide "
                    "figures of all {n} project.",
                    "No PMO of the workbook ({listed}) matches an assessed PMO, so these are the organisation-wide "
                    "figures of all {n} projects.", projects).format(listed=", ".join(listed) or _("none named"),
                                                                    n=projects)


def no_project_note(pmo: str, with_children: bool) -> str:
    """The note of a PMO with no project in the workbook (nor any PMO under it)."""
    if with_children:
        return _("The portfolio workbook holds no project of {pmo} or of a PMO under it.").format(pmo=pmo)
    return _("The portfolio workbook holds no project of {pmo}.").format(pmo=pmo)


def pmo_note(name: str, projects: int, below: Sequence[str]) -> str:
    """The note of a matched PMO's figures: its projects, and those of the PMOs under it."""
    if below:
        return ngettext("Figures of the {n} project the workbook gives to {name} and the PMOs under it ({below}).",
                        "Figures of the {n} projects the workbook gives to {name} and the PMOs under it ({below}).",
                        projects).format(n=projects, name=name, below=", ".join(below))
    return ngettext("Figures of the {n} project the workbook gives to {name}.",
                    "Figures of the {n} projects the workbook gives to {name}.", projects).format(n=projects,
                                                                                                 name=name)
