"""One call from validated responses to every PMO scored, positioned and advised.

:func:`assess` is what the CLI and the report notebooks call. Its result is a
frozen :class:`AssessmentResults` holding one :class:`PmoAssessment` per PMO,
each with the frames a report needs and a ``to_dict()`` for JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .._values import boolean as _bool
from .._values import integer as _int
from .._values import rounded as _num
from .engagement import Engagement, PmoEngagement
from .instrument import Instrument
from .positioning import (
    DEFAULT_GAP_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    PerceptionGaps,
    Target,
    TypeResult,
    classify_type,
    perception_gaps,
    role_coverage,
)
from .findings import Findings, assessment_findings
from .recommendations import RecommendationLibrary, library_for
from .roadmap import DEFAULT_CAP, Roadmap, RoadmapOptions, build_roadmap
from .responses import PMO_LEVELS
from .scoring import RWG_CUTOFF, Scores, item_scores, maturity_level, score
from .waves import check_one_wave

_DIMENSION_COLUMNS = [
    "dimension", "label", "pmo_role", "weight", "score", "level", "level_name", "respondents", "std", "ci_low",
    "ci_high", "rwg_j", "rwg_star_j", "ad_m", "agree", "split_items", "alpha", "alpha_n", "alpha_k", "alpha_note",
    "score_customers", "customers", "customers_ci_low", "customers_ci_high", "score_self", "self_respondents",
]
_EMPTY_BY_ROLE = pd.DataFrame(columns=["dimension", "role", "n", "score", "suppressed"])
_LEVEL_ORDER = {level: i for i, level in enumerate(reversed(PMO_LEVELS))}  # enterprise first


@dataclass(frozen=True)
class PmoAssessment:
    """Everything known about one PMO of one organisation.

    Attributes
    ----------
    dimensions
        One row per dimension in instrument order: ``dimension``, ``label``,
        ``pmo_role``, ``weight``, ``score``, ``level``, ``level_name``,
        ``respondents``, ``std``, ``ci_low``, ``ci_high``, ``rwg_j``,
        ``rwg_star_j``, ``ad_m``, ``agree``, ``split_items``, ``alpha``,
        ``alpha_n``, ``alpha_note``, ``score_customers``, ``customers``,
        ``customers_ci_low``, ``customers_ci_high``, ``score_self``,
        ``self_respondents`` (see :class:`~pmo_workbench.assessment.scoring.Scores`),
        ``level_customers``.
    respondent_scores
        One row per (respondent, dimension): ``respondent``, ``role``,
        ``dimension``, ``score``, ``answered``, ``n_items``.
    pmo_roles
        Coverage of ``standards``, ``customer_support``, ``empowerment``.
    recommendations
        The steps of the roadmap's initiatives, flat, in roadmap order
        (:data:`~pmo_workbench.assessment.roadmap.STEP_COLUMNS`).
    roadmap
        The roadmap of initiatives (:class:`~pmo_workbench.assessment.roadmap.Roadmap`).
    findings
        What the assessment found that a step can answer (:class:`~pmo_workbench.assessment.findings.Findings`).
    item_scores
        Item id -> the PMO's mean item score (0-100, reversed items turned round), over the answers given.
    """

    organisation: str
    pmo: str
    pmo_level: str | None
    respondents: int
    respondents_by_role: pd.Series
    answer_rate: float
    overall_score: float
    overall_level: int | None
    type: TypeResult
    dimensions: pd.DataFrame
    respondent_scores: pd.DataFrame
    pmo_roles: pd.Series
    perception: PerceptionGaps
    recommendations: pd.DataFrame
    self_respondents: int = 0
    overall_customers: float = float("nan")
    """The customers' overall score; NaN when the PMO has no self role or a group too small to show apart."""
    overall_self: float = float("nan")
    engagement: PmoEngagement | None = None
    roadmap: Roadmap = field(default_factory=Roadmap)
    findings: Findings = field(default_factory=Findings)
    item_scores: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: scores rounded to 2 decimals, missing values as ``None``."""
        t = self.type
        e = self.engagement
        return {
            "organisation": self.organisation,
            "pmo": self.pmo,
            "pmo_level": self.pmo_level,
            "respondents": self.respondents,
            "respondents_by_role": {k: int(v) for k, v in self.respondents_by_role.items()},
            "answer_rate": _num(self.answer_rate, 4),
            "self_respondents": self.self_respondents,
            "overall": {"score": _num(self.overall_score), "level": _int(self.overall_level),
                        "score_customers": _num(self.overall_customers)},
            "type": {"id": t.type, "certainty": t.certainty,
                     "decided_by": [{**g, "gate": _num(g["gate"]), "score": _num(g["score"])} for g in t.decided_by]},
            "target": None if t.target is None else {"id": t.target.id, "source": t.target.source},
            "gates": [
                {"type": g.type, "dimension": g.dimension, "gate": _num(g.gate), "score": _num(g.score),
                 "ci_low": _num(g.ci_low), "ci_high": _num(g.ci_high), "passes": bool(g.passes), "state": g.state}
                for g in t.ladder.itertuples(index=False)
            ],
            "foundation_gaps": [
                {"type": g.type, "dimension": g.dimension, "gate": _num(g.gate), "score": _num(g.score),
                 "points_needed": _num(g.points_needed), "state": g.state}
                for g in t.foundation_gaps.itertuples(index=False)
            ],
            "type_profile": [
                {"type": p.type, "gates": int(p.gates), "passed": int(p.passed), "met": int(p.met),
                 "share_passed": _num(p.share_passed, 4), "share_met": _num(p.share_met, 4),
                 "mean_margin": _num(p.mean_margin)}
                for p in t.profile.itertuples(index=False)
            ],
            "to_target": None if t.target is None else {
                "id": t.target.id, "reached": bool(t.target_reached),
                "gaps": {d: _num(v) for d, v in t.to_target.items()},
            },
            # Deprecated (one release): the type above and its failing gates; use "to_target".
            "next_type": None if t.next_type is None else {
                "id": t.next_type, "gaps": {d: _num(v) for d, v in t.gaps.items()},
            },
            "dimensions": [
                {
                    "id": r.dimension, "score": _num(r.score), "level": _int(r.level),
                    "level_name": r.level_name or None,
                    "respondents": int(r.respondents), "ci_low": _num(r.ci_low), "ci_high": _num(r.ci_high),
                    "rwg_j": _num(r.rwg_j), "rwg_star_j": _num(r.rwg_star_j), "ad_m": _num(r.ad_m),
                    "agree": _bool(r.agree), "split_items": list(r.split_items),
                    "alpha": _num(r.alpha), "alpha_n": int(r.alpha_n), "alpha_note": r.alpha_note,
                    "score_customers": _num(r.score_customers), "customers": int(r.customers),
                    "customers_ci_low": _num(r.customers_ci_low), "customers_ci_high": _num(r.customers_ci_high),
                }
                for r in self.dimensions.itertuples(index=False)
            ],
            "context": {} if e is None else dict(e.context),
            "evidence": {} if e is None else {k: {"answer": v.answer, "note": v.note} for k, v in e.evidence.items()},
            "pmo_roles": {role: _num(v) for role, v in self.pmo_roles.items()},
            "perception_gaps": self._gaps_dict(),
            "recommendations": [
                {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.recommendations.to_dict("records")
            ],
            "findings": self.findings.to_dict(),
            "roadmap": self.roadmap.to_dict(),
        }

    def _gaps_dict(self) -> list[dict[str, Any]]:
        by_role = self.perception.by_role
        out = []
        for g in self.perception.gaps.itertuples(index=False):
            cells = by_role[by_role["dimension"] == g.dimension]
            out.append({
                "dimension": g.dimension,
                "by_role": {c.role: _num(c.score) for c in cells.itertuples(index=False)},
                "suppressed": [c.role for c in cells.itertuples(index=False) if pd.notna(c.suppressed)],
                "largest_gap": None if pd.isna(g.high_role) else {
                    "high_role": g.high_role, "high_score": _num(g.high_score),
                    "low_role": g.low_role, "low_score": _num(g.low_score), "points": _num(g.gap),
                },
                "flagged": bool(g.flagged),
            })
        return out


@dataclass(frozen=True)
class AssessmentResults:
    """All PMOs of a response set, in organisation order, enterprise PMOs first."""

    instrument: Instrument
    assessments: tuple[PmoAssessment, ...]
    scores: Scores

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``pmo-workbench score --format json``."""
        return {
            "instrument": {"id": self.instrument.id, "version": self.instrument.version},
            "assessments": [a.to_dict() for a in self.assessments],
        }

    def summary(self) -> pd.DataFrame:
        """One row per PMO: organisation, pmo, level, respondents, type, certainty, target, overall score and
        level (and the deprecated next type)."""
        return pd.DataFrame([
            {"organisation": a.organisation, "pmo": a.pmo, "pmo_level": a.pmo_level,
             "respondents": a.respondents, "type": a.type.type, "certainty": a.type.certainty,
             "target": None if a.type.target is None else a.type.target.id, "overall_score": a.overall_score,
             "overall_level": a.overall_level, "next_type": a.type.next_type}
            for a in self.assessments
        ])

    def get(self, organisation: str, pmo: str | None = None) -> PmoAssessment:
        """The assessment of one organisation's PMO (``pmo`` may be omitted when it has one)."""
        matches = [a for a in self.assessments if a.organisation == organisation and (pmo is None or a.pmo == pmo)]
        if len(matches) == 1:
            return matches[0]
        known = sorted({(a.organisation, a.pmo) for a in self.assessments})
        if not matches:
            raise KeyError(f"no PMO {pmo!r} of organisation {organisation!r}; known: {known}")
        raise KeyError(f"organisation {organisation!r} has several PMOs; name one of "
                       f"{[a.pmo for a in matches]}")


def assess(
    responses: pd.DataFrame,
    instrument: Instrument,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    gap_threshold: float = DEFAULT_GAP_THRESHOLD,
    rwg_cutoff: float = RWG_CUTOFF,
    library: RecommendationLibrary | None = None,
    targets: Mapping[tuple[str, str], Target] | None = None,
    engagement: Engagement | None = None,
    framework: str | None = None,
    exclude: Iterable[str] = (),
    add: Iterable[str] = (),
    cap: int | None = None,
) -> AssessmentResults:
    """Score, position and advise every PMO in a validated responses frame.

    Parameters
    ----------
    responses
        From :func:`pmo_workbench.read_responses`.
    instrument
        The instrument the answers belong to.
    min_group_size
        Role groups smaller than this are suppressed in perception gaps.
    gap_threshold
        A gap between role groups larger than this many points is flagged.
    rwg_cutoff
        Agreement (r*wg(J)) below this is flagged.
    library
        Recommendations to draw from; by default the built-in library for the
        instrument, or none when it has none.
    targets
        (organisation, pmo) -> the target type chosen outside the responses (a
        ``--targets`` file, a manifest, the store). It wins over ``engagement``.
    engagement
        The engagement file's entries: each PMO's target, context and evidence.
        A PMO without a target from either gets the instrument's default for
        its level (``targets`` in the instrument), else none.
    framework, exclude, add, cap
        The roadmap's options (:func:`~pmo_workbench.assessment.roadmap.build_roadmap`): the delivery
        framework (``pmbok``, ``prince2``, ``agile``), step ids to leave out or force in, the most initiatives.
        Given here they apply to every PMO; the engagement file's ``framework`` and ``recommendations``
        (top level, then per PMO entry) are used where these are not given, ``exclude`` and ``add`` adding up.

    Raises
    ------
    ValueError
        When an option names an unknown framework or step id.
    InputValidationError
        When a PMO's rows carry more than one wave (choose one with
        :func:`~pmo_workbench.assessment.waves.select_wave`).

    Examples
    --------
    >>> from pmo_workbench import load_instrument, read_responses, assess  # doctest: +SKIP
    >>> ins = load_instrument("pmo-core")                                   # doctest: +SKIP
    >>> results = assess(read_responses("answers.csv", ins), ins)           # doctest: +SKIP
    >>> results.summary()                                                   # doctest: +SKIP
    """
    check_one_wave(responses)
    if library is None:
        library = library_for(instrument)
    scores = score(responses, instrument, rwg_cutoff=rwg_cutoff)
    dims_meta = instrument.dimension_table[["label", "pmo_role", "weight"]]
    pmo_key = ["organisation", "pmo"]
    perception = perception_gaps(scores.respondents, instrument, min_group_size=min_group_size,
                                 threshold=gap_threshold)
    dim_groups, resp_groups, role_groups, gap_groups = (
        {key: part.drop(columns=pmo_key).reset_index(drop=True)
         for key, part in frame.groupby(pmo_key, sort=False, observed=True)}
        for frame in (scores.dimensions, scores.respondents, perception.by_role, perception.gaps)
    )

    items = _item_means(responses, instrument)
    assessments = []
    for pmo_row in scores.pmos.itertuples(index=False):
        key = (pmo_row.organisation, pmo_row.pmo)
        dims = dim_groups[key].join(dims_meta, on="dimension")
        dims["level_name"] = pd.Series([instrument.level_name(None if pd.isna(v) else int(v)) for v in dims["level"]],
                                       index=dims.index, dtype=object)
        dims = _hide_small_views(dims[_DIMENSION_COLUMNS], min_group_size,
                                 role_groups.get(key, _EMPTY_BY_ROLE), instrument.self_roles)
        # the overall views only where every dimension's may be shown
        views_shown = (_shown(pmo_row.self_respondents, min_group_size)
                       and _shown(pmo_row.respondents - pmo_row.self_respondents, min_group_size)
                       and not (dims["score_customers"].isna() & (dims["customers"] > 0)
                                & (dims["self_respondents"] > 0)).any())
        dims["level_customers"] = maturity_level(dims["score_customers"].to_numpy(float),
                                                 instrument.maturity_thresholds)
        dim_scores = dict(zip(dims["dimension"], dims["score"]))
        resp = resp_groups[key]
        level = None if pd.isna(pmo_row.pmo_level) else str(pmo_row.pmo_level)
        entry = None if engagement is None else engagement.for_pmo(str(pmo_row.organisation), str(pmo_row.pmo))
        target = _target(instrument, (str(pmo_row.organisation), str(pmo_row.pmo)), level, targets, entry)
        type_result = classify_type(dims, instrument, target=target)
        people = resp.drop_duplicates("respondent")
        by_role = people["role"].value_counts().reindex(instrument.role_ids, fill_value=0)
        means = items.get(key, pd.Series(dtype=float))
        gaps_here = gap_groups.get(key)
        found = assessment_findings(instrument, dimensions=dims, gaps=gaps_here,
                                    foundation_gaps=type_result.foundation_gaps, evidence=_evidence(entry))
        options = _roadmap_options(engagement, entry, framework, exclude, add, cap)
        plan = (build_roadmap(dims, means, type_result, library, instrument, findings=found,
                              framework=options.framework, pmo_level=level, exclude=options.exclude,
                              add=options.add, cap=options.cap) if library is not None else Roadmap(options=options))
        assessments.append(PmoAssessment(
            organisation=pmo_row.organisation,
            pmo=pmo_row.pmo,
            pmo_level=level,
            respondents=int(pmo_row.respondents),
            respondents_by_role=by_role,
            answer_rate=float(pmo_row.answer_rate),
            overall_score=float(pmo_row.overall_score),
            overall_level=None if pd.isna(pmo_row.overall_level) else int(pmo_row.overall_level),
            type=type_result,
            dimensions=dims,
            respondent_scores=resp,
            pmo_roles=role_coverage(dim_scores, instrument),
            perception=PerceptionGaps(role_groups.get(key, _EMPTY_BY_ROLE), gap_groups[key], min_group_size,
                                      gap_threshold),
            recommendations=plan.steps(),
            self_respondents=int(pmo_row.self_respondents),
            overall_customers=float(pmo_row.overall_customers) if views_shown else float("nan"),
            overall_self=float(pmo_row.overall_self) if views_shown else float("nan"),
            engagement=entry,
            roadmap=plan,
            findings=found,
            item_scores=means,
        ))
    org_order = {org: i for i, org in enumerate(dict.fromkeys(a.organisation for a in assessments))}
    assessments.sort(key=lambda a: (org_order[a.organisation], _LEVEL_ORDER.get(a.pmo_level, len(_LEVEL_ORDER))))
    return AssessmentResults(instrument, tuple(assessments), scores)


def _target(instrument: Instrument, key: tuple[str, str], level: str | None,
            targets: Mapping[tuple[str, str], Target] | None, entry: PmoEngagement | None) -> Target | None:
    """The PMO's target: given outside the responses, else from the engagement file, else the instrument's
    default for its level, else none."""
    if targets and key in targets:
        return targets[key]
    if entry is not None and entry.target is not None:
        return Target(entry.target, "engagement")
    default = instrument.target_for(level)
    return None if default is None else Target(default, "instrument")


def _item_means(responses: pd.DataFrame, instrument: Instrument) -> dict[tuple[str, str], pd.Series]:
    """(organisation, pmo) -> item id -> mean item score (0-100, reversed items turned round) over the answers."""
    table = instrument.items
    rows = responses[responses["item"].astype(object).isin(table.index)]
    if rows.empty:
        return {}
    item = rows["item"].astype(object)
    values = item_scores(rows["value"].to_numpy(float), item.map(table["reverse"]).to_numpy(bool),
                         instrument.scale.min, instrument.scale.max)
    frame = pd.DataFrame({"organisation": rows["organisation"].astype(object).to_numpy(),
                          "pmo": rows["pmo"].astype(object).to_numpy(), "item": item.to_numpy(), "score": values})
    means = frame.groupby(["organisation", "pmo", "item"], sort=False)["score"].mean()
    return {(str(o), str(p)): part.droplevel([0, 1]) for (o, p), part in means.groupby(level=[0, 1], sort=False)}


def _evidence(entry: PmoEngagement | None) -> dict[str, str] | None:
    """The PMO's evidence answers, or ``None`` when none were recorded (the checklist was not done)."""
    if entry is None or not entry.evidence:
        return None
    return {k: v.answer for k, v in entry.evidence.items()}


def _field(source: Any, name: str) -> Any:
    """``source.name`` or ``source[name]``, ``None`` when absent (the engagement fields may not exist yet)."""
    if source is None:
        return None
    if isinstance(source, Mapping):
        return source.get(name)
    return getattr(source, name, None)


def _roadmap_options(engagement: Engagement | None, entry: PmoEngagement | None, framework: str | None,
                     exclude: Iterable[str], add: Iterable[str], cap: int | None) -> RoadmapOptions:
    """The roadmap options of one PMO: the arguments, else the PMO's entry, else the engagement's top level.

    Steps excluded and added add up across the three levels; where two levels disagree about a step (the
    file's top level leaves it out, the PMO's entry adds it), the more specific level wins.
    """
    top, own = _field(engagement, "recommendations"), _field(entry, "recommendations")
    framework = framework or _field(entry, "framework") or _field(engagement, "framework")
    choice: dict[str, bool] = {}  # step id -> added (True) or excluded (False); later levels win
    for level in (top, own, {"exclude": tuple(exclude), "add": tuple(add)}):
        for step in _field(level, "exclude") or ():
            choice[step] = False
        for step in _field(level, "add") or ():
            choice[step] = True
    for value in (cap, _field(own, "cap"), _field(top, "cap")):
        if value is not None:
            cap = int(value)
            break
    return RoadmapOptions(framework, tuple(s for s, added in choice.items() if not added),
                          tuple(s for s, added in choice.items() if added), DEFAULT_CAP if cap is None else cap)


def _shown(n: int, min_group_size: int) -> bool:
    """A group may be shown apart: none at all, or at least the minimum size."""
    return n == 0 or n >= min_group_size


def _hide_small_views(dims: pd.DataFrame, min_group_size: int, by_role: pd.DataFrame,
                      self_roles: frozenset[str]) -> pd.DataFrame:
    """Blank the customers' and the self group's view of a dimension when either would give away a small group.

    Shown beside the pooled score, one view gives the other by subtraction, so both go when either group is
    smaller than the minimum; and shown beside the role groups the perception section shows, a view gives the
    roles hidden inside it, so both go when those come to fewer people than the minimum.
    """
    shown = by_role[by_role["suppressed"].isna()] if len(by_role) else by_role
    is_self = shown["role"].astype(object).isin(self_roles) if len(shown) else pd.Series(dtype=bool)
    shown_self = shown[is_self].groupby("dimension")["n"].sum() if len(shown) else pd.Series(dtype=float)
    shown_customers = shown[~is_self].groupby("dimension")["n"].sum() if len(shown) else pd.Series(dtype=float)
    rest_self = dims["self_respondents"] - dims["dimension"].map(shown_self).fillna(0)
    rest_customers = dims["customers"] - dims["dimension"].map(shown_customers).fillna(0)

    def risky(counts: pd.Series) -> pd.Series:
        return (counts > 0) & (counts < min_group_size)

    hidden = (risky(dims["self_respondents"]) | risky(dims["customers"]) | risky(rest_self)
              | risky(rest_customers))
    if not hidden.any():
        return dims
    columns = ["score_customers", "customers_ci_low", "customers_ci_high", "score_self"]
    out = dims.copy()
    out.loc[hidden, columns] = float("nan")
    return out
