"""Triangulation: what the organisation's portfolio shows, beside what its people perceive.

The positioning report measures perception: respondents rate their PMO on each
dimension of the instrument. Several dimensions leave traces in the portfolio
workbook of the same organisation, and this module sets those traces beside the
perceived scores (:func:`portfolio_evidence`):

=====================  ====================================================================
dimension (setting)    evidence counted in the portfolio
=====================  ====================================================================
``resources``          role-months over-allocated by committed work (active, on hold)
``portfolio``          dependencies whose prerequisite finishes after it is needed;
                       projects open to selection that carry no value
``monitoring``         in-flight projects whose last status update is stale
``strategy``           open projects (proposed, active, on hold) naming no strategic objective
=====================  ====================================================================

Which dimension each measure speaks to is :data:`MEASURE_DIMENSIONS` (a setting:
another instrument may name its dimensions differently).

**Verdict.** A dimension is *perceived strong* when its maturity level is at
least :data:`STRONG_LEVEL` (the level the report calls a relative strength), else
*perceived weak*. The evidence is *clean* when nothing it counts is affected, shows
*a problem* when at least :data:`PROBLEM_SHARE` of it is (e.g. 10 % of the
role-months with demand are over-allocated), and shows *some issues* in between. Then:

- perceived strong and a problem shown: ``contradicts`` ("evidence contradicts perception");
- perceived weak and the evidence clean: ``not_shown`` ("the portfolio does not show the weakness"): each
  count is one trace of a dimension, not all of it, so a clean count cannot overturn a weakness;
- otherwise ``supports`` (a few issues below the cut-off fit either perception);
- nothing to count in the workbook (its sheet or dates are missing): ``no_evidence``;
- the instrument has no such dimension, or the PMO no score on it: ``no_score``.

Both cut-offs are settings of the report, not published standards.

**Per PMO.** The portfolio's projects carry a ``pmo``. Assessed PMOs and the
workbook's PMOs are matched case-insensitively after trimming spaces. When at
least one assessed PMO matches, each matched PMO gets the figures of its own
projects, and of the PMOs under it when the workbook has a ``pmos`` sheet, and an
unmatched one is said to have no project in the workbook; when
none matches, every PMO is shown the organisation-wide figures, labelled as such.

This module sits in the reports layer because it joins the two pure layers,
:mod:`pmo_workbench.assessment` and :mod:`pmo_workbench.portfolio`, which do not
import each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._values import count, is_missing, jsonable, rounded
from ..assessment.insights import STRENGTH_LEVEL
from ..assessment.narrative import agreement_label
from ..assessment.results import PmoAssessment
from ..portfolio import PortfolioAnalysis, Portfolio, analyse_portfolio, read_portfolio
from ..portfolio.model import CANDIDATES, IN_FLIGHT
from ..portfolio.pmos import descendants
from ..portfolio.status import STALE_AFTER_DAYS, stale_updates

__all__ = ["EVIDENCE_COLUMNS", "MEASURE_DIMENSIONS", "ORGANISATION", "PROBLEM_SHARE", "STRONG_LEVEL", "VERDICT_WORDS",
           "Measure", "OrganisationEvidence", "PmoEvidence", "evidence_for", "evidence_state", "match_pmos",
           "measure_counts", "portfolio_evidence", "verdict"]

STRONG_LEVEL = STRENGTH_LEVEL
"""The lowest maturity level at which a dimension counts as perceived strong (a setting of the report: the
level the executive summary calls a relative strength)."""

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

MEASURE_LABELS = {
    "over_allocation": "Over-allocated role-months",
    "dependency_conflicts": "Dependency conflicts",
    "unvalued": "Projects without a value",
    "stale_updates": "Stale status updates",
    "no_objective": "Projects without a strategic objective",
}

VERDICT_WORDS = {
    "supports": "evidence supports perception",
    "contradicts": "evidence contradicts perception",
    "not_shown": "the portfolio does not show the weakness",
    "no_evidence": "no evidence in the workbook",
    "no_score": "no perception score to compare",
}
"""Verdict code -> the words a report shows."""

EVIDENCE_COLUMNS = ["dimension", "label", "measure", "measure_label", "score", "level", "agreement", "perceived",
                    "count", "out_of", "share", "evidence", "sentence", "verdict", "verdict_text"]
"""Columns of :attr:`PmoEvidence.rows`."""

ORGANISATION = "organisation"
"""Scope of figures that cover the whole organisation's portfolio."""


@dataclass(frozen=True)
class Measure:
    """One count of the portfolio: ``count`` affected of ``out_of`` (``None`` when the workbook cannot say),
    with its plain sentence."""

    measure: str
    count: int | None
    out_of: int | None
    sentence: str

    @property
    def share(self) -> float | None:
        """``count / out_of``, or ``None`` without anything to count."""
        if self.count is None or not self.out_of:
            return None
        return self.count / self.out_of


@dataclass(frozen=True)
class PmoEvidence:
    """The evidence shown beside one assessed PMO.

    Attributes
    ----------
    pmo
        The PMO as the assessment names it.
    scope
        ``"pmo"`` (its own projects), ``"organisation"`` (the whole portfolio: no PMO matched) or ``"none"``
        (other PMOs matched, this one has no project in the workbook).
    workbook_pmo
        The PMO as the workbook spells it, when matched.
    projects
        Projects the figures cover.
    note
        One plain sentence on what the figures cover.
    rows
        :data:`EVIDENCE_COLUMNS`, one row per measure (empty when ``scope`` is ``"none"``).
    """

    pmo: str
    scope: str
    workbook_pmo: str | None
    projects: int
    note: str
    rows: pd.DataFrame

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
        One :class:`PmoEvidence` per assessed PMO, in the assessment's order.
    unassessed
        PMOs of the workbook that match no assessed PMO, when some other does (their projects are left out of
        every PMO's figures).
    problem_share, strong_level, stale_after_days
        The cut-offs the figures and verdicts used.
    """

    organisation: str
    as_of: pd.Timestamp
    portfolio: str
    pmos: tuple[PmoEvidence, ...]
    unassessed: tuple[str, ...] = ()
    problem_share: float = PROBLEM_SHARE
    strong_level: int = STRONG_LEVEL
    stale_after_days: int = STALE_AFTER_DAYS

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
            "pmos": [p.to_dict() for p in self.pmos],
        }

    def cut_off_sentence(self) -> str:
        """The verdict rule in plain words, with its cut-offs."""
        return (f"A dimension counts as perceived strong at maturity level {self.strong_level} or above, else weak. "
                "The evidence is clean when nothing it counts is affected, and shows a problem when at least "
                f"{self.problem_share:.0%} of it is. The evidence contradicts the perception when a dimension "
                "perceived strong shows a problem. When one perceived weak is clean, the portfolio does not show the "
                "weakness: each count is one trace of the dimension, not all of it. Otherwise the evidence supports "
                "the perception (a few issues below the cut-off fit either). A status update is stale when it is "
                f"more than {self.stale_after_days} days old on the portfolio's status date. These cut-offs are "
                "settings of the report, not published standards.")


# -- matching -----------------------------------------------------------------------------------------------

def _key(name: Any) -> str:
    return str(name).strip().casefold()


def match_pmos(assessed: Sequence[str], workbook: Iterable[Any]) -> dict[str, str | None] | None:
    """Each assessed PMO's name in the workbook (case-insensitive, spaces trimmed), or ``None`` when it has none;
    ``None`` altogether when no assessed PMO matches (the figures are then organisation-wide).

    >>> match_pmos(["Digital PMO", "Corporate PMO"], [" digital pmo", "Estates"])
    {'Digital PMO': ' digital pmo', 'Corporate PMO': None}
    >>> match_pmos(["Digital PMO"], ["Estates"]) is None
    True
    """
    names: dict[str, str] = {}
    for name in workbook:
        if not is_missing(name) and str(name).strip():
            names.setdefault(_key(name), str(name))
    found = {pmo: names.get(_key(pmo)) for pmo in assessed}
    return found if any(v is not None for v in found.values()) else None


def _under(pmos: pd.DataFrame | None, name: str) -> list[str]:
    """``name`` and every PMO under it in the workbook's ``pmos`` sheet (just ``name`` without one)."""
    if pmos is None:
        return [name]
    tree = {_key(k): v for k, v in descendants(pmos).items()}
    return tree.get(_key(name), [name])


# -- the counts ---------------------------------------------------------------------------------------------

def _month_span(months: Sequence[pd.Period]) -> str:
    first, last = min(months), max(months)
    if first == last:
        return f"in {first.strftime('%B %Y')}"
    if first.year == last.year:
        return f"from {first.strftime('%B')} to {last.strftime('%B %Y')}"
    return f"from {first.strftime('%B %Y')} to {last.strftime('%B %Y')}"


def _over_allocation(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    resources = analysis.resources
    if resources is None or analysis.portfolio.capacity is None:
        return Measure("over_allocation", None, None, "The workbook has no assignments and capacity sheets, so "
                       "resource load cannot be measured.")
    demand = resources.demand if resources.demand is not None else pd.DataFrame(columns=["role", "month",
                                                                                         "project_id", "demand_fte"])
    drawn = demand[demand["project_id"].astype(str).isin(ids) & demand["demand_fte"].gt(0)][["role", "month"]]
    cells = drawn.drop_duplicates()
    load = resources.load.merge(cells, on=["role", "month"])
    over = load[load["committed_over"]]
    n, total = len(over), len(load)
    if not n:
        return Measure("over_allocation", 0, total, f"No role is over-allocated by committed work in the {total} "
                       "role-months with demand.")
    roles = over["role"].nunique()
    verb = "is" if roles == 1 else "are"
    return Measure("over_allocation", n, total,
                   f"{count(roles, 'role')} {verb} over-allocated by committed work in {n} of {total} role-months "
                   f"with demand, {_month_span(list(over['month']))}.")


def _dependency_conflicts(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    deps = analysis.dependencies
    if deps is None:
        return Measure("dependency_conflicts", None, None, "The workbook has no dependencies sheet.")
    links = deps.links
    dated = links[links["slack_days"].notna() & (links["from_project"].astype(str).isin(ids)
                                                  | links["to_project"].astype(str).isin(ids))]
    conflicts = deps.conflicts[deps.conflicts["from_project"].astype(str).isin(ids)
                               | deps.conflicts["to_project"].astype(str).isin(ids)]
    n, total = len(conflicts), len(dated)
    if not total:
        return Measure("dependency_conflicts", None, 0, "No dependency between open projects has both dates.")
    if not n:
        links_text = count(total, "dated dependency", "dated dependencies")
        return Measure("dependency_conflicts", 0, total, f"None of the {links_text} is in conflict.")
    worst = float(conflicts["days_late"].max())
    return Measure("dependency_conflicts", n, total,
                   f"{n} of {count(total, 'dated dependency', 'dated dependencies')} {'is' if n == 1 else 'are'} in "
                   f"conflict: the prerequisite finishes after it is needed (up to {worst:g} days late).")


def _values(analysis: PortfolioAnalysis) -> pd.Series:
    """Each project's value as selection sees it: the weighted criteria score, else the strategic value."""
    if analysis.portfolio.criteria is not None and analysis.scores is not None:
        return analysis.scores
    projects = analysis.portfolio.projects
    if "strategic_value" not in projects:
        return pd.Series(float("nan"), index=pd.Index(projects["project_id"]))
    return projects.set_index("project_id")["strategic_value"]


def _unvalued(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    projects = analysis.portfolio.projects
    open_ = projects[projects["status"].isin(CANDIDATES) & projects["project_id"].astype(str).isin(ids)]
    if analysis.candidates is not None:  # selection ran: its own list
        unvalued = [i for i in analysis.unvalued if i in set(open_["project_id"].astype(str))]
    else:
        values = _values(analysis)
        unvalued = [str(i) for i in open_["project_id"] if is_missing(values.get(i))]
    n, total = len(unvalued), len(open_)
    if not total:
        return Measure("unvalued", None, 0, "No project is open to selection (proposed, active or on hold).")
    return Measure("unvalued", n, total,
                   f"{n} of {count(total, 'project')} open to selection {'has' if n == 1 else 'have'} no value "
                   "(no criteria score or strategic value), so selection cannot rank "
                   f"{'it' if n == 1 else 'them'}." if n else
                   f"Every one of the {count(total, 'project')} open to selection has a value.")


def _stale(analysis: PortfolioAnalysis, ids: set[str], days: int) -> Measure:
    p = analysis.portfolio
    stale = stale_updates(p.projects, p.status_history, analysis.as_of, days=days)
    if stale is None:
        return Measure("stale_updates", None, None, "The workbook gives no status dates, so the age of status "
                       "updates is unknown.")
    flight = p.projects[p.projects["status"].isin(IN_FLIGHT) & p.projects["project_id"].astype(str).isin(ids)]
    stale = stale[stale["project_id"].astype(str).isin(ids)]
    n, total = len(stale), len(flight)
    if not total:
        return Measure("stale_updates", None, 0, "No project is in flight.")
    when = analysis.as_of.strftime("%d %B %Y").lstrip("0")
    return Measure("stale_updates", n, total,
                   f"{n} of {count(total, 'in-flight project')} last reported more than {days} days before {when} "
                   "(or never)." if n else f"All {count(total, 'in-flight project')} reported within {days} days "
                   f"of {when}.")


def _no_objective(analysis: PortfolioAnalysis, ids: set[str]) -> Measure:
    projects = analysis.portfolio.projects
    open_ = projects[projects["status"].isin(CANDIDATES) & projects["project_id"].astype(str).isin(ids)]
    if not len(open_):
        return Measure("no_objective", None, 0, "No project is open (proposed, active or on hold).")
    objective = open_["objective"] if "objective" in open_ else pd.Series(pd.NA, index=open_.index)
    n, total = int(objective.map(lambda v: is_missing(v) or not str(v).strip()).sum()), len(open_)
    return Measure("no_objective", n, total,
                   f"{n} of {count(total, 'open project')} (proposed, active or on hold) "
                   f"{'names' if n == 1 else 'name'} no strategic objective." if n else
                   f"Every one of the {count(total, 'open project')} names a strategic objective.")


def measure_counts(analysis: PortfolioAnalysis, project_ids: Iterable[str] | None = None, *,
                   stale_after_days: int = STALE_AFTER_DAYS) -> list[Measure]:
    """The counts of every measure over ``project_ids`` (all the portfolio's projects when ``None``).

    Over-allocation counts the role-months in which these projects draw on a role, and which of them committed
    work (active and on-hold projects) over-allocates; a dependency counts when either end is one of them.
    """
    projects = analysis.portfolio.projects
    ids = set(projects["project_id"].astype(str)) if project_ids is None else {str(i) for i in project_ids}
    return [_over_allocation(analysis, ids), _dependency_conflicts(analysis, ids), _unvalued(analysis, ids),
            _stale(analysis, ids, stale_after_days), _no_objective(analysis, ids)]


# -- the verdict ----------------------------------------------------------------------------------------------

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


def verdict(level: int | None, state: str | None, *, strong_level: int = STRONG_LEVEL) -> str:
    """Whether the evidence (an :func:`evidence_state`) points the same way as the perceived maturity ``level``
    (see the module's docstring).

    >>> verdict(4, "problem"), verdict(4, "some issues"), verdict(2, "clean"), verdict(2, "some issues")
    ('contradicts', 'supports', 'not_shown', 'supports')
    >>> verdict(None, "problem"), verdict(3, None)
    ('no_score', 'no_evidence')
    """
    if is_missing(level):
        return "no_score"
    if state is None:
        return "no_evidence"
    strong = int(level) >= strong_level
    if strong and state == "problem":
        return "contradicts"
    return "not_shown" if not strong and state == "clean" else "supports"


def _verdict_text(code: str, level: Any, strong_level: int) -> str:
    words = VERDICT_WORDS[code]
    if code == "contradicts":
        return words + ": perceived strong, but the evidence shows a problem"
    if code == "not_shown":
        return words + ": perceived weak, but this count is clean"
    return words


def _rows(a: PmoAssessment, measures: list[Measure], labels: Mapping[str, str], strong_level: int,
          problem_share: float) -> pd.DataFrame:
    dims = a.dimensions.set_index("dimension")
    rows = []
    for m in measures:
        dim = MEASURE_DIMENSIONS[m.measure]
        known = dim in dims.index
        r = dims.loc[dim] if known else None
        score = r["score"] if known else float("nan")
        level = None if not known or is_missing(r["level"]) else int(r["level"])
        if not known:
            perceived = "not assessed"
        elif level is None:
            perceived = "no score"
        else:
            perceived = "strong" if level >= strong_level else "weak"
        state = evidence_state(m.count, m.share, problem_share=problem_share)
        code = verdict(level, state, strong_level=strong_level)
        rows.append({
            "dimension": dim, "label": labels.get(dim, dim), "measure": m.measure,
            "measure_label": MEASURE_LABELS[m.measure], "score": score, "level": level,
            "agreement": agreement_label(r) if known else None, "perceived": perceived,
            "count": m.count, "out_of": m.out_of, "share": m.share,
            "evidence": state,
            "sentence": m.sentence, "verdict": code,
            "verdict_text": _verdict_text(code, level, strong_level),
        })
    frame = pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)
    return frame.astype({"level": "Int64", "count": "Int64", "out_of": "Int64"})


def portfolio_evidence(assessments: Sequence[PmoAssessment], analysis: PortfolioAnalysis, *,
                       organisation: str | None = None, portfolio: str = "",
                       dimension_labels: Mapping[str, str] | None = None,
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
    strong_level, problem_share, stale_after_days
        The cut-offs: :data:`STRONG_LEVEL`, :data:`PROBLEM_SHARE`,
        :data:`~pmo_workbench.portfolio.status.STALE_AFTER_DAYS` (all settings).

    Returns
    -------
    OrganisationEvidence
    """
    if not assessments:
        raise ValueError("no assessed PMO to set the portfolio evidence beside")
    labels = dict(dimension_labels or {})
    for a in assessments:
        labels.update({d: lbl for d, lbl in zip(a.dimensions["dimension"], a.dimensions["label"]) if d not in labels})
    projects = analysis.portfolio.projects
    workbook_pmos = list(dict.fromkeys(str(p) for p in projects["pmo"] if not is_missing(p) and str(p).strip()))
    matched = match_pmos([a.pmo for a in assessments], workbook_pmos)
    whole = None
    found = []
    for a in assessments:
        if matched is None:
            whole = whole or measure_counts(analysis, stale_after_days=stale_after_days)
            note = (f"No PMO of the workbook ({', '.join(workbook_pmos) or 'none named'}) matches an assessed PMO, "
                    f"so these are the organisation-wide figures of all {count(len(projects), 'project')}.")
            found.append(PmoEvidence(a.pmo, ORGANISATION, None, len(projects), note,
                                     _rows(a, whole, labels, strong_level, problem_share)))
            continue
        name = matched[a.pmo]
        if name is None:
            found.append(PmoEvidence(a.pmo, "none", None, 0, f"The portfolio workbook holds no project of {a.pmo}.",
                                     pd.DataFrame(columns=EVIDENCE_COLUMNS)))
            continue
        under = _under(analysis.portfolio.pmos, name)
        ids = projects.loc[projects["pmo"].map(_key).isin({_key(n) for n in under}), "project_id"].astype(str)
        others = [n for n in under if _key(n) != _key(name)]
        note = f"Figures of the {count(len(ids), 'project')} the workbook gives to {name.strip()}" + (
            f" and the PMOs under it ({', '.join(others)})." if others else ".")
        found.append(PmoEvidence(a.pmo, "pmo", name, len(ids), note,
                                 _rows(a, measure_counts(analysis, ids, stale_after_days=stale_after_days), labels,
                                       strong_level, problem_share)))
    assessed = {_key(a.pmo) for a in assessments}
    unassessed = tuple(p for p in workbook_pmos if _key(p) not in assessed) if matched is not None else ()
    return OrganisationEvidence(organisation or assessments[0].organisation, analysis.as_of, portfolio,
                                tuple(found), unassessed, problem_share, strong_level, stale_after_days)


def evidence_for(assessments: Sequence[PmoAssessment], workbook: str | Path, *,
                 as_of: dt.date | str | None = None, organisation: str | None = None,
                 dimension_labels: Mapping[str, str] | None = None) -> OrganisationEvidence:
    """Read and analyse a portfolio workbook (or CSV folder), then :func:`portfolio_evidence`.

    ``as_of`` is the portfolio's status date (today when ``None``).

    Raises
    ------
    InputValidationError
        When the workbook is missing or invalid: every problem, located by sheet, row and column.
    """
    portfolio: Portfolio = read_portfolio(workbook)
    analysis = analyse_portfolio(portfolio, as_of=as_of)
    return portfolio_evidence(assessments, analysis, organisation=organisation, portfolio=str(workbook),
                              dimension_labels=dimension_labels)
