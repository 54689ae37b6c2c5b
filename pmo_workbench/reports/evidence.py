"""Triangulation: what the organisation's portfolio shows, beside what its people perceive.

The positioning report measures perception: respondents rate their PMO on each
dimension of the instrument. Several dimensions leave traces in the portfolio
workbook of the same organisation, and this module sets those traces beside the
perceived scores (:func:`portfolio_evidence`); the counts themselves are in
:mod:`pmo_workbench.reports.evidence_counts`:

=====================  ====================================================================
dimension (setting)    evidence counted in the portfolio
=====================  ====================================================================
``resources``          role-months in which the PMO's committed work (active, on hold)
                       draws on a role that committed work over-allocates
``portfolio``          late dependency links: the project needed is expected to finish after the
                       date it is needed by (:func:`pmo_workbench.portfolio.links.late_links`);
                       projects open to selection that carry no value
``monitoring``         in-flight projects whose last status update is stale
``strategy``           open projects (proposed, active, on hold) naming no strategic objective
=====================  ====================================================================

Which dimension each measure speaks to is :data:`MEASURE_DIMENSIONS` (a setting:
another instrument may name its dimensions differently).

**Perception.** What the report's executive summary says of the dimension, so
that the two sections cannot contradict each other (:func:`perceptions`): a
*strength* when the summary lists it among the PMO's relative strengths
(:func:`pmo_workbench.assessment.insights.strengths`: its highest dimensions at
level :data:`STRONG_LEVEL` or above, in the customers' view when the summary
leads with it); a *gap* when the target type (or the type above) still needs
points on it, and a *priority* when the summary's priorities name it
(:func:`pmo_workbench.assessment.insights.priorities`), either of which wins
over a strength; *split* when respondents' views on it are split (no single
belief to test); else *low* below level :data:`STRONG_LEVEL` (the summary could
not call it a strength) and *neither* at or above it.

**Verdict.** The evidence is *clean* when nothing it counts is affected, shows
*a problem* when at least :data:`PROBLEM_SHARE` of it is (e.g. 10 % of the
role-months are over-allocated), and shows *some issues* in between. Then:

- a strength and a problem shown: ``contradicts`` ("evidence contradicts perception");
- a gap, priority or low and the evidence clean: ``not_shown`` ("the portfolio does not show the weakness"): each
  count is one trace of a dimension, not all of it, so a clean count cannot overturn a weakness;
- a strength, gap, priority or low with anything else: ``supports`` (a few issues below the cut-off fit either);
- split views, or neither: ``no_stance`` (no single perception to test);
- nothing to count in the workbook (its sheet, dates or column are missing): ``no_evidence``;
- the instrument has no such dimension, or the PMO no score on it: ``no_score``.

The cut-offs are settings of the report, not published standards.

**Per PMO.** Names are matched by :func:`pmo_key` (case, outer and repeated
inner spaces ignored). Assessed PMOs are matched against the PMOs the
projects name and those of the ``pmos`` sheet, when the workbook has one. When
at least one of the organisation's assessed PMOs matches, each matched PMO gets
the figures of its own projects and of the PMOs under it in the ``pmos`` sheet
(so an enterprise PMO with no project of its own gets those of the PMOs under
it), and an unmatched one is said to have no project in the workbook; the
workbook's PMOs that no assessed PMO covers, the assessed PMOs this report does
not cover, and the projects naming no PMO are said to be left out. When none
matches, every PMO is shown the organisation-wide figures, labelled as such.
The portfolio report groups projects by their ``pmo`` exactly as written, so
where the workbook spells one PMO in several ways the note says so.

This module sits in the reports layer because it joins the two pure layers,
:mod:`pmo_workbench.assessment` and :mod:`pmo_workbench.portfolio`, which do not
import each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from .._values import is_missing, jsonable, rounded
from ..assessment.insights import STRENGTH_LEVEL, customers_view, priorities, strengths
from ..assessment.narrative import agreement_label
from ..assessment.positioning import DEFAULT_MIN_GROUP_SIZE
from ..assessment.results import PmoAssessment
from ..portfolio import PortfolioAnalysis, Portfolio, analyse_portfolio, read_portfolio
from ..portfolio.about import report_organisation
from ..portfolio.status import STALE_AFTER_DAYS
from . import evidence_words as words
from .evidence_counts import Measure, measure_counts
from .evidence_words import MEASURE_LABELS, PERCEIVED_WORDS, VERDICT_WORDS, perceived_words, verdict_words

__all__ = ["EVIDENCE_COLUMNS", "MEASURE_DIMENSIONS", "MEASURE_LABELS", "ORGANISATION", "PERCEIVED_WORDS",
           "PROBLEM_SHARE", "STRONG_LEVEL", "VERDICT_WORDS", "Measure", "OrganisationEvidence", "PmoEvidence",
           "evidence_for", "evidence_state", "match_pmos", "measure_counts", "perceived_words", "perceptions",
           "pmo_key", "portfolio_evidence", "verdict", "verdict_words"]

STRONG_LEVEL = STRENGTH_LEVEL
"""The lowest maturity level at which the executive summary may call a dimension a relative strength (a setting
of the report, shared with :data:`pmo_workbench.assessment.insights.STRENGTH_LEVEL`)."""

PROBLEM_SHARE = 0.10
"""The share of what a measure counts that must be affected for the evidence to show a problem (a setting of
the report, not a published standard)."""

MEASURE_DIMENSIONS: dict[str, str] = {
    "over_allocation": "resources",
    "dependency_conflicts": "portfolio",
    "unvalued": "portfolio",
    "stale_updates": "monitoring",
    "no_objective": "strategy",
}
"""Measure -> the instrument dimension it speaks to (a setting: pmo-core's dimension ids)."""

WEAK = ("gap", "priority", "low")
"""Perception codes the verdict reads as a perceived weakness."""

# MEASURE_LABELS, PERCEIVED_WORDS and VERDICT_WORDS (code -> words, marked for the catalogue) are in
# evidence_words; perceived_words() and verdict_words() give them in the current language.

EVIDENCE_COLUMNS = ["dimension", "label", "measure", "measure_label", "score", "level", "agreement", "perceived",
                    "count", "out_of", "share", "evidence", "sentence", "verdict", "verdict_text"]
"""Columns of :attr:`PmoEvidence.rows`."""

ORGANISATION = "organisation"
"""Scope of figures that cover the whole organisation's portfolio."""


@dataclass(frozen=True)
class PmoEvidence:
    """The evidence shown beside one assessed PMO.

    Attributes
    ----------
    pmo
        The PMO as the assessment names it.
    scope
        ``"pmo"`` (its own projects and those of the PMOs under it), ``"organisation"`` (the whole portfolio:
        no PMO matched) or ``"none"`` (other PMOs matched, this one has no project in the workbook).
    workbook_pmo
        The PMO as the workbook spells it, when matched.
    projects
        Projects the figures cover.
    note
        Plain sentences on what the figures cover.
    rows
        :data:`EVIDENCE_COLUMNS`, one row per measure (empty when ``scope`` is ``"none"``).
    """

    pmo: str
    scope: str
    workbook_pmo: str | None
    projects: int
    note: str
    rows: pd.DataFrame

    def shown_rows(self) -> pd.DataFrame:
        """:attr:`rows` as the report's table shows them: ``perceived``, ``agreement`` and ``verdict_text`` (the
        verdict's short words) in the current language."""
        return self.rows.assign(perceived=self.rows["perceived"].map(perceived_words),
                                agreement=self.rows["agreement"].map(words.agreement_words),
                                verdict_text=self.rows["verdict"].map(verdict_words))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: shares and scores rounded, missing values as ``None``."""
        rows = [{k: (rounded(v, 4) if k == "share" else rounded(v) if k == "score" else jsonable(v))
                 for k, v in r.items() if k not in ("label", "measure_label")}
                for r in self.rows.to_dict("records")]
        return {"pmo": self.pmo, "scope": self.scope, "workbook_pmo": self.workbook_pmo,
                "projects": self.projects, "note": self.note, "measures": rows}


@dataclass(frozen=True)
class OrganisationEvidence:
    """The portfolio evidence of one organisation's positioning report.

    Attributes
    ----------
    organisation, as_of
        Whom it is about and the portfolio's status date.
    portfolio
        The workbook's path as given.
    pmos
        One :class:`PmoEvidence` per PMO the report covers, in the assessment's order.
    unassessed
        PMOs of the workbook with projects that no assessed PMO covers (neither itself nor a PMO over it), when
        some assessed PMO matches: their projects are left out of every PMO's figures.
    problem_share, strong_level, stale_after_days
        The cut-offs the figures and verdicts used.
    other_assessed
        PMOs of the workbook with projects covered only by assessed PMOs this report does not show (a report on
        one PMO of several): left out of these figures, but assessed.
    without_pmo
        Projects of the workbook naming no PMO, left out of every PMO's figures (0 with organisation-wide figures,
        which include them).
    """

    organisation: str
    as_of: pd.Timestamp
    portfolio: str
    pmos: tuple[PmoEvidence, ...]
    unassessed: tuple[str, ...] = ()
    problem_share: float = PROBLEM_SHARE
    strong_level: int = STRONG_LEVEL
    stale_after_days: int = STALE_AFTER_DAYS
    other_assessed: tuple[str, ...] = ()
    without_pmo: int = 0
    analysis: Any = field(default=None, repr=False, compare=False)
    """The portfolio analysis the figures come from (:func:`evidence_for` keeps it), for the roadmap's findings."""

    def get(self, pmo: str) -> PmoEvidence:
        """The evidence shown beside ``pmo``; ``KeyError`` when the report does not cover that PMO."""
        for p in self.pmos:
            if p.pmo == pmo:
                return p
        raise KeyError(f"no evidence for PMO {pmo!r}; covered: {', '.join(p.pmo for p in self.pmos)}")

    def to_dict(self) -> dict[str, Any]:
        """The ``"evidence"`` block of the JSON."""
        return {
            "organisation": self.organisation,
            "portfolio": self.portfolio,
            "as_of": self.as_of.date().isoformat(),
            "cut_offs": {"strong_level": self.strong_level, "problem_share": self.problem_share,
                         "stale_after_days": self.stale_after_days},
            "unassessed_pmos": list(self.unassessed),
            "other_assessed_pmos": list(self.other_assessed),
            "projects_without_pmo": self.without_pmo,
            "coverage": self.coverage_notes(),
            "pmos": [p.to_dict() for p in self.pmos],
        }

    def coverage_notes(self) -> list[str]:
        """Plain sentences on the workbook's projects that no PMO's figures here include, and why."""
        return words.coverage_notes(self.unassessed, self.other_assessed, self.without_pmo)

    def cut_off_sentence(self) -> str:
        """The perception and verdict rules in plain words, with their cut-offs."""
        return words.cut_off_sentence(self.strong_level, self.problem_share, self.stale_after_days)


# -- matching -----------------------------------------------------------------------------------------------

def pmo_key(name: Any) -> str:
    """The form in which PMO names are compared: case folded, outer spaces trimmed, inner runs of spaces made one.

    >>> pmo_key("  Digital   PMO ") == pmo_key("digital pmo")
    True
    """
    return " ".join(str(name).split()).casefold()


def match_pmos(assessed: Sequence[str], workbook: Iterable[Any]) -> dict[str, str | None] | None:
    """Each assessed PMO's name in the workbook (compared by :func:`pmo_key`), or ``None`` when it has none;
    ``None`` altogether when no assessed PMO matches (the figures are then organisation-wide).

    >>> match_pmos(["Digital PMO", "Corporate PMO"], [" digital  pmo", "Estates"])
    {'Digital PMO': ' digital  pmo', 'Corporate PMO': None}
    >>> match_pmos(["Digital PMO"], ["Estates"]) is None
    True
    """
    names: dict[str, str] = {}
    for name in workbook:
        if not is_missing(name) and str(name).strip():
            names.setdefault(pmo_key(name), str(name))
    found = {pmo: names.get(pmo_key(pmo)) for pmo in assessed}
    return found if any(v is not None for v in found.values()) else None


def _children(pmos: pd.DataFrame | None) -> dict[str, set[str]]:
    """Each PMO key of the ``pmos`` sheet -> the keys of the PMOs directly under it."""
    children: dict[str, set[str]] = {}
    if pmos is not None:
        for name, up in zip(pmos["pmo"], pmos["parent"]):
            if not is_missing(up):
                children.setdefault(pmo_key(up), set()).add(pmo_key(name))
    return children


def _covered(key: str, children: Mapping[str, set[str]]) -> set[str]:
    """``key`` and the keys of every PMO under it."""
    seen: set[str] = set()
    todo = [key]
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo.extend(children.get(k, ()))
    return seen


# -- perception and verdict -----------------------------------------------------------------------------------

def perceptions(a: PmoAssessment, *, min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                strong_level: int = STRONG_LEVEL) -> dict[str, str]:
    """What the executive summary says of each dimension of ``a``, by the same functions the summary uses.

    Returns
    -------
    dict
        Dimension id -> ``"strength"`` (listed among the relative strengths,
        :func:`~pmo_workbench.assessment.insights.strengths`, in the customers' view when the summary leads
        with it), ``"gap"`` (the target type, or the type above, still needs points on it), ``"priority"``
        (named by :func:`~pmo_workbench.assessment.insights.priorities`), ``"split"`` (respondents' views are
        split), ``"low"`` (none of these, below level ``strong_level``: the summary could not call it a
        strength), ``"neither"`` (none of these, at ``strong_level`` or above but not among the strengths the
        summary lists), or ``"no score"``. Split views win over all; a gap or priority over a strength.
    """
    lead = customers_view(a, min_group_size)["lead"]
    strong = set(strengths(a, customers=lead, min_level=strong_level)["dimension"])
    gaps = set(a.type.goal_gaps)
    first = set(priorities(a)["dimension"])
    found = {}
    for r in a.dimensions.itertuples(index=False):
        if is_missing(r.score) or is_missing(r.level):
            found[r.dimension] = "no score"
        elif agreement_label(r) == "split":
            found[r.dimension] = "split"
        elif r.dimension in gaps:
            found[r.dimension] = "gap"
        elif r.dimension in first:
            found[r.dimension] = "priority"
        else:
            found[r.dimension] = ("strength" if r.dimension in strong else "low" if int(r.level) < strong_level
                                  else "neither")
    return found


def evidence_state(count: int | None, share: float | None, *, problem_share: float = PROBLEM_SHARE) -> str | None:
    """``"clean"`` (nothing affected), ``"problem"`` (at least ``problem_share`` affected), ``"some issues"``
    in between, or ``None`` when there is nothing to count.

    >>> evidence_state(0, 0.0), evidence_state(1, 0.05), evidence_state(2, 0.1), evidence_state(None, None)
    ('clean', 'some issues', 'problem', None)
    """
    if share is None or count is None:
        return None
    if count == 0:
        return "clean"
    return "problem" if share >= problem_share else "some issues"


def verdict(perceived: str | None, state: str | None) -> str:
    """Whether the evidence (an :func:`evidence_state`) points the same way as the perception (a code of
    :func:`perceptions`; see the module's docstring).

    >>> verdict("strength", "problem"), verdict("strength", "some issues"), verdict("gap", "clean")
    ('contradicts', 'supports', 'not_shown')
    >>> verdict("priority", "problem"), verdict("split", "problem"), verdict("neither", "clean")
    ('supports', 'no_stance', 'no_stance')
    >>> verdict("no score", "problem"), verdict("strength", None)
    ('no_score', 'no_evidence')
    """
    if perceived is None or perceived in ("no score", "not assessed"):
        return "no_score"
    if state is None:
        return "no_evidence"
    if perceived == "strength":
        return "contradicts" if state == "problem" else "supports"
    if perceived in WEAK:
        return "not_shown" if state == "clean" else "supports"
    return "no_stance"


def _rows(a: PmoAssessment, measures: list[Measure], labels: Mapping[str, str], perceived: Mapping[str, str],
          problem_share: float) -> pd.DataFrame:
    dims = a.dimensions.set_index("dimension")
    rows = []
    for m in measures:
        dim = MEASURE_DIMENSIONS[m.measure]
        known = dim in dims.index
        r = dims.loc[dim] if known else None
        level = None if not known or is_missing(r["level"]) else int(r["level"])
        seen = perceived.get(dim, "no score") if known else "not assessed"
        state = evidence_state(m.count, m.share, problem_share=problem_share)
        code = verdict(seen, state)
        rows.append({
            "dimension": dim, "label": labels.get(dim, dim), "measure": m.measure,
            "measure_label": words.measure_label(m.measure), "score": r["score"] if known else float("nan"),
            "level": level, "agreement": agreement_label(r) if known else None, "perceived": seen,
            "count": m.count, "out_of": m.out_of, "share": m.share, "evidence": state,
            "sentence": m.sentence, "verdict": code, "verdict_text": words.verdict_text(code, seen),
        })
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    return frame.astype({"level": "Int64", "count": "Int64", "out_of": "Int64"})


# -- the evidence ---------------------------------------------------------------------------------------------

def _spelling_note(keys: Iterable[str], spellings: Mapping[str, list[str]]) -> str:
    """A sentence per PMO the workbook spells in several ways (the portfolio report keeps them apart)."""
    notes = []
    for k in keys:
        ways = spellings.get(k, [])
        if len(ways) > 1:
            notes.append(" " + words.spelling_note(ways))
    return "".join(notes)


def portfolio_evidence(assessments: Sequence[PmoAssessment], analysis: PortfolioAnalysis, *,
                       organisation: str | None = None, portfolio: str = "",
                       dimension_labels: Mapping[str, str] | None = None,
                       assessed: Iterable[PmoAssessment | str] = (),
                       min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
                       strong_level: int = STRONG_LEVEL, problem_share: float = PROBLEM_SHARE,
                       stale_after_days: int = STALE_AFTER_DAYS) -> OrganisationEvidence:
    """The portfolio evidence beside each assessed PMO of one organisation.

    Parameters
    ----------
    assessments
        The PMOs the positioning report covers (one organisation).
    analysis
        The organisation's portfolio, analysed (:func:`pmo_workbench.portfolio.analyse_portfolio`).
    organisation
        The organisation's name (default: that of the first assessment).
    portfolio
        The workbook's path, as shown.
    dimension_labels
        Dimension id -> label (default: the assessments' own labels).
    assessed
        Every assessed PMO of the organisation (assessments, or names), when the report covers only some: the
        others are then said to be outside this report, not unassessed. Assessments of other organisations are
        ignored.
    min_group_size
        As for the executive summary (its customers' view decides the strengths it lists).
    strong_level, problem_share, stale_after_days
        The cut-offs: :data:`STRONG_LEVEL`, :data:`PROBLEM_SHARE`,
        :data:`~pmo_workbench.portfolio.status.STALE_AFTER_DAYS` (all settings).

    Returns
    -------
    OrganisationEvidence
    """
    if not assessments:
        raise ValueError("no assessed PMO to set the portfolio evidence beside")
    organisation = organisation or assessments[0].organisation
    labels = dict(dimension_labels or {})
    for a in assessments:
        labels.update({d: lbl for d, lbl in zip(a.dimensions["dimension"], a.dimensions["label"]) if d not in labels})
    shown = [a.pmo for a in assessments]
    others = [n for n in dict.fromkeys(x if isinstance(x, str) else x.pmo for x in assessed
                                       if isinstance(x, str) or x.organisation == organisation)
              if pmo_key(n) not in {pmo_key(s) for s in shown}]
    projects = analysis.portfolio.projects
    named = projects["pmo"].map(lambda v: not is_missing(v) and bool(str(v).strip()))
    keys = projects["pmo"].where(named).map(lambda v: None if is_missing(v) else pmo_key(v))
    spellings: dict[str, list[str]] = {}
    for name in projects.loc[named, "pmo"]:
        ways = spellings.setdefault(pmo_key(name), [])
        if str(name).strip() not in ways:
            ways.append(str(name).strip())
    sheet = analysis.portfolio.pmos
    sheet_names = [] if sheet is None else [str(n) for n in sheet["pmo"]]
    matched = match_pmos([*shown, *others], [ways[0] for ways in spellings.values()] + sheet_names)
    if matched is None:
        everyone = measure_counts(analysis, stale_after_days=stale_after_days)
        note = words.organisation_note(list(dict.fromkeys([w[0] for w in spellings.values()] + sheet_names)),
                                       len(projects))
        found = tuple(PmoEvidence(a.pmo, ORGANISATION, None, len(projects), note,
                                  _rows(a, everyone, labels, perceptions(a, min_group_size=min_group_size,
                                                                         strong_level=strong_level), problem_share))
                      for a in assessments)
        return OrganisationEvidence(organisation, analysis.as_of, portfolio, found, (), problem_share, strong_level,
                                    stale_after_days)
    children = _children(sheet)
    sheet_spelling = {pmo_key(n): n for n in reversed(sheet_names)}
    written = {k: list(ways) for k, ways in spellings.items()}  # the projects' spellings, then the pmos sheet's
    for name in sheet_names:
        ways = written.setdefault(pmo_key(name), [])
        if name.strip() not in ways:
            ways.append(name.strip())
    found = []
    for a in assessments:
        name = matched[a.pmo]
        under = set() if name is None else _covered(pmo_key(name), children)
        ids = projects.loc[keys.isin(under), "project_id"].astype(str)
        if not len(ids):
            found.append(PmoEvidence(a.pmo, "none", None, 0, words.no_project_note(a.pmo, len(under) > 1),
                                     pd.DataFrame(columns=EVIDENCE_COLUMNS)))
            continue
        own = pmo_key(name)
        below = [sheet_spelling[k] for k in dict.fromkeys(pmo_key(n) for n in sheet_names) if k in under and k != own]
        name = name.strip()
        note = words.pmo_note(name, len(ids), below) + _spelling_note([own, *(pmo_key(b) for b in below)], written)
        rows = _rows(a, measure_counts(analysis, ids, stale_after_days=stale_after_days), labels,
                     perceptions(a, min_group_size=min_group_size, strong_level=strong_level), problem_share)
        found.append(PmoEvidence(a.pmo, "pmo", name, len(ids), note, rows))

    def reach(names: Iterable[str]) -> set[str]:
        return set().union(*(_covered(pmo_key(matched[n]), children) for n in names if matched[n] is not None))

    mine, theirs = reach(shown), reach(others)
    left = [ways[0] for k, ways in spellings.items() if k not in mine]
    unassessed = tuple(n for n in left if pmo_key(n) not in theirs)
    other_assessed = tuple(n for n in left if pmo_key(n) in theirs)
    return OrganisationEvidence(organisation, analysis.as_of, portfolio, tuple(found), unassessed, problem_share,
                                strong_level, stale_after_days, other_assessed, int((~named).sum()))


def evidence_for(assessments: Sequence[PmoAssessment], workbook: str | Path, *,
                 as_of: dt.date | str | None = None, organisation: str | None = None,
                 dimension_labels: Mapping[str, str] | None = None,
                 assessed: Iterable[PmoAssessment | str] = (),
                 min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> OrganisationEvidence:
    """Read and analyse a portfolio workbook (or CSV folder), then :func:`portfolio_evidence`.

    ``as_of`` is the portfolio's status date (today when ``None``); ``assessed`` and ``min_group_size`` are
    passed on.

    Raises
    ------
    InputValidationError
        When the workbook is missing or invalid (every problem, located by sheet, row and column), or its about
        sheet names another organisation than ``organisation``.
    """
    portfolio: Portfolio = read_portfolio(workbook)
    report_organisation(portfolio, organisation)  # another organisation's workbook is refused, located
    analysis = analyse_portfolio(portfolio, as_of=as_of)
    found = portfolio_evidence(assessments, analysis, organisation=organisation, portfolio=str(workbook),
                               dimension_labels=dimension_labels, assessed=assessed, min_group_size=min_group_size)
    return replace(found, analysis=analysis)
