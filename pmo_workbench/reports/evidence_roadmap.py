"""Each PMO's roadmap answering the findings of its own portfolio: one roadmap per PMO per report.

A positioning report given the organisation's portfolio workbook adds what the
portfolio shows (a dependency cycle, over-allocated people, projects without a
sponsor) to the findings each PMO's roadmap answers. The roadmap is rebuilt
once, before anything is shown, so the executive summary's priorities, the
roadmap section, the deck and the Word document all read the same initiatives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..assessment.findings import findings_from_portfolio
from ..assessment.insights import pmo_projects, roadmap_with
from ..assessment.instrument import Instrument
from ..assessment.recommendations import RecommendationLibrary
from ..assessment.results import PmoAssessment
from .evidence import OrganisationEvidence, evidence_for, portfolio_evidence


def evidence_and_roadmaps(pmos: Sequence[PmoAssessment], workbook: str | Path, *, instrument: Instrument,
                          library: RecommendationLibrary | None, as_of: dt.date | str | None = None,
                          organisation: str | None = None, dimension_labels: Mapping[str, str] | None = None,
                          assessed: Iterable[PmoAssessment | str] = (), min_group_size: int | None = None,
                          ) -> tuple[list[PmoAssessment], OrganisationEvidence]:
    """The portfolio evidence of a positioning report and the PMOs with roadmaps that answer it, consistent.

    The workbook is read and analysed once (:func:`evidence_for`); the roadmaps are rebuilt with its findings
    (:func:`with_portfolio_roadmaps`); then the evidence is set beside the rebuilt PMOs again (their
    priorities are what the perception column reads), from the same analysis.
    """
    options = {} if min_group_size is None else {"min_group_size": min_group_size}
    assessed = tuple(assessed)
    found = evidence_for(pmos, workbook, as_of=as_of, organisation=organisation, dimension_labels=dimension_labels,
                         assessed=assessed, **options)
    rebuilt = with_portfolio_roadmaps(pmos, instrument, library, found)
    if all(new is old for new, old in zip(rebuilt, pmos)):
        return rebuilt, found
    again = portfolio_evidence(rebuilt, found.analysis, organisation=organisation, portfolio=found.portfolio,
                               dimension_labels=dimension_labels, assessed=assessed, **options)
    return rebuilt, replace(again, analysis=found.analysis)


def with_portfolio_roadmaps(pmos: Sequence[PmoAssessment], instrument: Instrument,
                            library: RecommendationLibrary | None,
                            found: OrganisationEvidence | None) -> list[PmoAssessment]:
    """The PMOs' assessments with roadmaps that also answer the portfolio findings on each PMO's own projects.

    ``found`` is the report's portfolio evidence (:func:`pmo_workbench.reports.evidence.evidence_for`, which
    keeps the analysis); without it, without a library or without a finding to add, a PMO's assessment is
    returned as it was. A rebuilt PMO's ``recommendations`` (the flat list of steps) and ``findings`` follow
    its new roadmap.
    """
    if found is None or found.analysis is None or library is None:
        return list(pmos)
    checks, projects = found.analysis.findings, found.analysis.portfolio.projects
    out = []
    for a in pmos:
        mine = found.get(a.pmo)
        extra = findings_from_portfolio(checks, measures=mine.rows,
                                        projects=pmo_projects(projects, mine.workbook_pmo, mine.scope))
        plan = roadmap_with(a, instrument, library, extra)
        out.append(a if plan is a.roadmap else replace(a, roadmap=plan, recommendations=plan.steps(),
                                                       findings=a.findings | extra))
    return out
