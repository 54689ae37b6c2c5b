"""Findings: what an assessment (and, when given, the portfolio data) found that a roadmap step can answer.

A finding has a ``name`` (one of :data:`~pmo_workbench.assessment.recommendations.FINDINGS`), the
``dimension`` it concerns (``None`` for the portfolio's findings) and a short ``text`` that a report
shows as the evidence behind a step ("perception gap on Mandate and authority: Executive 72 vs Project
manager 41").

- ``perception_gap``: a flagged gap between the visible role groups (:class:`PerceptionGaps`);
- ``low_agreement``: a dimension on which respondents do not agree (its ``agree`` is false: r*wg(J) below the
  cut-off, AD_M too high or an item split, as the report's agreement column says);
- ``foundation_gap``: a failing gate of a type below the PMO's (:attr:`TypeResult.foundation_gaps`);
- ``evidence_missing``: an evidence question answered ``no``, or left unanswered in an engagement entry that
  answers others (a PMO without any evidence recorded has not had the checklist done: nothing is inferred);
- ``dependency_cycle``, ``over_allocation``, ``no_sponsor``: from the portfolio data (:func:`portfolio_findings`).

:class:`Findings` also carries the consultant's answers to the evidence questions (:attr:`Findings.answers`), so
that a roadmap step can be called for by an answer (``{evidence: ppm_tool, answer: [no, partly]}``) and left out
when the answer says the thing it creates exists (``yes``).

Everything here is pure: frames and mappings in, a frozen :class:`Findings` out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .._values import fmt, is_missing
from ..i18n import _, ngettext
from .instrument import Instrument
from .recommendations import FINDINGS


@dataclass(frozen=True)
class Finding:
    """One thing found: its name, the dimension it concerns (or ``None``) and the evidence in a few words."""

    name: str
    dimension: str | None
    text: str

    def __post_init__(self) -> None:
        if self.name not in FINDINGS:
            raise ValueError(f"unknown finding {self.name!r}; expected one of {', '.join(FINDINGS)}")


@dataclass(frozen=True)
class Findings:
    """Every finding of one PMO, in a stable order, and the answers to the evidence questions.

    ``answers`` holds ``(question id, "yes" | "partly" | "no")`` pairs, in the instrument's order: the questions
    the consultant answered (none when the checklist was not done).
    """

    found: tuple[Finding, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()

    def answer(self, question: str) -> str | None:
        """The answer to that evidence question, or ``None`` when it was not answered."""
        return next((a for q, a in self.answers if q == question), None)

    def matching(self, name: str, dimension: str | None = None) -> tuple[Finding, ...]:
        """The findings of that name (on that dimension, when one is named)."""
        return tuple(f for f in self.found if f.name == name and (dimension is None or f.dimension == dimension))

    def names(self) -> set[str]:
        return {f.name for f in self.found}

    def __or__(self, other: Findings) -> Findings:
        known = {q for q, _ in self.answers}
        return Findings(tuple(dict.fromkeys((*self.found, *other.found))),
                        (*self.answers, *((q, a) for q, a in other.answers if q not in known)))

    def to_dict(self) -> list[dict[str, Any]]:
        return [{"name": f.name, "dimension": f.dimension, "text": f.text} for f in self.found]

    @classmethod
    def coerce(cls, value: Findings | Mapping[str, set[str] | bool] | None) -> Findings:
        """A :class:`Findings` from itself, ``None`` or a mapping ``name -> True`` (found, on no dimension in
        particular) or ``name -> {dimension ids}``."""
        if value is None:
            return cls()
        if isinstance(value, Findings):
            return value
        found = []
        for name in sorted(value):
            where = value[name]
            if where is True:
                found.append(Finding(name, None, name.replace("_", " ")))
            elif where:
                found.extend(Finding(name, d, f"{name.replace('_', ' ')} on {d}") for d in sorted(where))
        return cls(tuple(found))


def _score(value: Any) -> str:
    return _("no score") if is_missing(value) else fmt(float(value), 0)


def assessment_findings(instrument: Instrument, *, dimensions: pd.DataFrame, gaps: pd.DataFrame | None = None,
                        foundation_gaps: pd.DataFrame | None = None,
                        evidence: Mapping[str, str | None] | None = None) -> Findings:
    """The findings of one PMO's assessment.

    Parameters
    ----------
    dimensions
        The PMO's dimension rows (``dimension``, ``agree``, ``rwg_star_j``).
    gaps
        Its perception gaps (:attr:`PerceptionGaps.gaps`: ``dimension``, ``high_role``, ``high_score``,
        ``low_role``, ``low_score``, ``flagged``).
    foundation_gaps
        :attr:`TypeResult.foundation_gaps` (``type``, ``dimension``, ``gate``, ``score``).
    evidence
        Evidence question id -> answer (``yes``, ``partly``, ``no``) as recorded for the PMO, or ``None`` when
        nothing was recorded (then no ``evidence_missing`` finding).
    """
    labels = {d.id: d.label for d in instrument.dimensions}
    roles = {r.id: r.label for r in instrument.roles}
    found: list[Finding] = []
    if gaps is not None:
        for g in gaps.itertuples(index=False):
            if bool(g.flagged) and not is_missing(g.high_role):
                found.append(Finding("perception_gap", g.dimension, _(
                    "perception gap on {dimension}: {high_role} {high} vs {low_role} {low}").format(
                    dimension=labels.get(g.dimension, g.dimension), high_role=roles.get(g.high_role, g.high_role),
                    high=_score(g.high_score), low_role=roles.get(g.low_role, g.low_role),
                    low=_score(g.low_score))))
    for r in dimensions.itertuples(index=False):
        agree = getattr(r, "agree", None)
        if agree is not None and not is_missing(agree) and not bool(agree):
            rwg = getattr(r, "rwg_star_j", None)
            label = labels.get(r.dimension, r.dimension)
            found.append(Finding("low_agreement", r.dimension, _("respondents disagree on {dimension}").format(
                dimension=label) if is_missing(rwg) else _("respondents disagree on {dimension} (r*wg(J) "
                                                           "{rwg})").format(dimension=label, rwg=fmt(rwg, 2))))
    if foundation_gaps is not None:
        types = {t.id: t.label for t in instrument.types}
        for g in foundation_gaps.itertuples(index=False):
            gate = f"{float(g.gate):g}"
            found.append(Finding("foundation_gap", g.dimension, _(
                "foundation gap: {dimension} {score}, below the {type} gate of {gate}").format(
                dimension=labels.get(g.dimension, g.dimension), score=_score(g.score), type=types.get(g.type, g.type),
                gate=gate if "e" in gate else fmt(float(g.gate), len(gate.partition(".")[2])))))
    answers: list[tuple[str, str]] = []
    if evidence is not None:
        for q in instrument.evidence:
            answer = evidence.get(q.id)
            if answer is not None:
                answers.append((q.id, str(answer)))
            if answer == "no" or answer is None:
                said = (_("evidence \u201c{question}\u201d answered no") if answer == "no" else
                        _("evidence \u201c{question}\u201d not checked"))
                found.append(Finding("evidence_missing", q.dimension, said.format(question=q.text)))
    return Findings(tuple(found), tuple(answers))


def portfolio_findings(*, cycles: Iterable[Sequence[str]] = (), over_allocated: int = 0,
                       without_sponsor: Sequence[str] = ()) -> Findings:
    """The findings of the organisation's portfolio data (none on a dimension in particular).

    Parameters
    ----------
    cycles
        Each dependency cycle as the project ids around it (``PortfolioAnalysis.dependencies.cycles``).
    over_allocated
        Role-months over capacity in committed work (the ``over_allocation`` measure of the portfolio evidence).
    without_sponsor
        Ids of the projects that name no sponsor.

    Examples
    --------
    >>> [f.text for f in portfolio_findings(cycles=[("P1", "P2")], without_sponsor=["P7"]).found]
    ['dependency cycle in the portfolio data: P1 needs P2 needs P1', 'projects without a sponsor: 1 (P7)']
    """
    found = [Finding("dependency_cycle", None, _("dependency cycle in the portfolio data: {cycle}").format(
        cycle=_(" needs ").join([*cycle, cycle[0]]))) for cycle in cycles if len(cycle)]
    if over_allocated > 0:
        found.append(Finding("over_allocation", None, ngettext(
            "{n} over-allocated role-month in committed work", "{n} over-allocated role-months in committed work",
            over_allocated).format(n=over_allocated)))
    if len(without_sponsor):
        shown = ", ".join(list(without_sponsor)[:5]) + (", ..." if len(without_sponsor) > 5 else "")
        found.append(Finding("no_sponsor", None, _("projects without a sponsor: {n} ({projects})").format(
            n=len(without_sponsor), projects=shown)))
    return Findings(tuple(found))


def findings_from_portfolio(checks: Iterable[Any], *, measures: pd.DataFrame | None = None,
                            projects: Iterable[str] | None = None) -> Findings:
    """The portfolio findings of one PMO from a portfolio analysis's own findings and the PMO's evidence measures.

    ``checks`` are objects with ``check``, ``project_id`` and ``extra`` (the ``findings`` of
    :class:`pmo_workbench.portfolio.PortfolioAnalysis`): each ``dependency_cycle`` gives its cycle
    (``extra["cycle"]``), each ``no_sponsor`` its project. ``measures`` are the PMO's evidence rows
    (``PmoEvidence.rows``: ``measure``, ``count``); the ``over_allocation`` count gives the over-allocated
    role-months. ``projects``, when given, are the ids of the PMO's own projects: a check on another PMO's project
    is left out, and a cycle is kept when one of its projects is the PMO's. Calls :func:`portfolio_findings`.
    """
    checks = list(checks)
    if projects is not None:
        own = {str(p) for p in projects}

        def mine(c: Any) -> bool:
            if getattr(c, "check", None) == "dependency_cycle":
                cycle = (getattr(c, "extra", None) or {}).get("cycle", ())
                return any(str(p) in own for p in cycle) or str(getattr(c, "project_id", "")) in own
            return str(getattr(c, "project_id", "")) in own

        checks = [c for c in checks if mine(c)]
    cycles = [tuple(str(p) for p in (getattr(c, "extra", None) or {}).get("cycle", ()))
              for c in checks if getattr(c, "check", None) == "dependency_cycle"]
    sponsorless = sorted({str(c.project_id) for c in checks
                          if getattr(c, "check", None) == "no_sponsor" and getattr(c, "project_id", None)})
    over = 0
    if measures is not None and len(measures) and {"measure", "count"} <= set(measures.columns):
        counts = measures.loc[measures["measure"] == "over_allocation", "count"]
        over = int(sum(int(v) for v in counts if not is_missing(v)))
    return portfolio_findings(cycles=[c for c in cycles if c], over_allocated=over, without_sponsor=sponsorless)
