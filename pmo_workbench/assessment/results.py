"""One call from validated responses to every PMO scored, positioned and advised.

:func:`assess` is what the CLI and the report notebooks call. Its result is a
frozen :class:`AssessmentResults` holding one :class:`PmoAssessment` per PMO,
each with the frames a report needs and a ``to_dict()`` for JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .._values import boolean as _bool
from .._values import integer as _int
from .._values import rounded as _num
from .instrument import Instrument
from .positioning import (
    DEFAULT_GAP_THRESHOLD,
    DEFAULT_MIN_GROUP_SIZE,
    PerceptionGaps,
    TypeResult,
    classify_type,
    perception_gaps,
    role_coverage,
)
from .recommendations import COLUMNS as RECOMMENDATION_COLUMNS
from .recommendations import RecommendationLibrary, library_for, recommend
from .responses import PMO_LEVELS
from .scoring import RWG_CUTOFF, Scores, score

_EMPTY_BY_ROLE = pd.DataFrame(columns=["dimension", "role", "n", "score", "suppressed"])
_LEVEL_ORDER = {level: i for i, level in enumerate(reversed(PMO_LEVELS))}  # enterprise first


@dataclass(frozen=True)
class PmoAssessment:
    """Everything known about one PMO of one organisation.

    Attributes
    ----------
    dimensions
        One row per dimension in instrument order: ``dimension``, ``label``,
        ``pmo_role``, ``weight``, ``score``, ``level``, ``respondents``,
        ``std``, ``ci_low``, ``ci_high``, ``rwg_j``, ``agree``, ``alpha``.
    respondent_scores
        One row per (respondent, dimension): ``respondent``, ``role``,
        ``dimension``, ``score``, ``answered``, ``n_items``.
    pmo_roles
        Coverage of ``standards``, ``customer_support``, ``empowerment``.
    recommendations
        The ordered roadmap (see :func:`pmo_workbench.recommendations.recommend`).
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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: scores rounded to 2 decimals, missing values as ``None``."""
        t = self.type
        return {
            "organisation": self.organisation,
            "pmo": self.pmo,
            "pmo_level": self.pmo_level,
            "respondents": self.respondents,
            "respondents_by_role": {k: int(v) for k, v in self.respondents_by_role.items()},
            "answer_rate": _num(self.answer_rate, 4),
            "overall": {"score": _num(self.overall_score), "level": _int(self.overall_level)},
            "type": t.type,
            "next_type": None if t.next_type is None else {
                "id": t.next_type, "gaps": {d: _num(v) for d, v in t.gaps.items()},
            },
            "dimensions": [
                {
                    "id": r.dimension, "score": _num(r.score), "level": _int(r.level),
                    "respondents": int(r.respondents), "rwg_j": _num(r.rwg_j), "agree": _bool(r.agree),
                    "alpha": _num(r.alpha), "ci_low": _num(r.ci_low), "ci_high": _num(r.ci_high),
                }
                for r in self.dimensions.itertuples(index=False)
            ],
            "pmo_roles": {role: _num(v) for role, v in self.pmo_roles.items()},
            "perception_gaps": self._gaps_dict(),
            "recommendations": [
                {k: (_num(v) if isinstance(v, float) else v) for k, v in row.items()}
                for row in self.recommendations.to_dict("records")
            ],
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

    @property
    def reliability(self) -> pd.DataFrame:
        """Cronbach's alpha per dimension over every respondent of the response set."""
        return self.scores.reliability

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``pmo-workbench score --format json``."""
        return {
            "instrument": {"id": self.instrument.id, "version": self.instrument.version},
            "assessments": [a.to_dict() for a in self.assessments],
        }

    def summary(self) -> pd.DataFrame:
        """One row per PMO: organisation, pmo, level, respondents, type, overall score and level."""
        return pd.DataFrame([
            {"organisation": a.organisation, "pmo": a.pmo, "pmo_level": a.pmo_level,
             "respondents": a.respondents, "type": a.type.type, "overall_score": a.overall_score,
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
        Agreement (r_wg(J)) below this is flagged.
    library
        Recommendations to draw from; by default the built-in library for the
        instrument, or none when it has none.

    Examples
    --------
    >>> from pmo_workbench import load_instrument, read_responses, assess  # doctest: +SKIP
    >>> ins = load_instrument("pmo-core")                                   # doctest: +SKIP
    >>> results = assess(read_responses("answers.csv", ins), ins)           # doctest: +SKIP
    >>> results.summary()                                                   # doctest: +SKIP
    """
    if library is None:
        library = library_for(instrument)
    scores = score(responses, instrument, rwg_cutoff=rwg_cutoff)
    dims_meta = instrument.dimension_table[["label", "pmo_role", "weight"]]
    alpha = scores.reliability.set_index("dimension")["alpha"]
    pmo_key = ["organisation", "pmo"]
    perception = perception_gaps(scores.respondents, instrument, min_group_size=min_group_size,
                                 threshold=gap_threshold)
    dim_groups, resp_groups, role_groups, gap_groups = (
        {key: part.drop(columns=pmo_key).reset_index(drop=True)
         for key, part in frame.groupby(pmo_key, sort=False, observed=True)}
        for frame in (scores.dimensions, scores.respondents, perception.by_role, perception.gaps)
    )

    assessments = []
    for pmo_row in scores.pmos.itertuples(index=False):
        key = (pmo_row.organisation, pmo_row.pmo)
        dims = dim_groups[key].join(dims_meta, on="dimension").assign(alpha=lambda f: f["dimension"].map(alpha))
        dims = dims[["dimension", "label", "pmo_role", "weight", "score", "level", "respondents", "std",
                     "ci_low", "ci_high", "rwg_j", "agree", "alpha"]]
        dim_scores = dict(zip(dims["dimension"], dims["score"]))
        resp = resp_groups[key]
        type_result = classify_type(dim_scores, instrument)
        people = resp.drop_duplicates("respondent")
        by_role = people["role"].value_counts().reindex(instrument.role_ids, fill_value=0)
        recs = (recommend(dims, type_result, library, instrument) if library is not None
                else pd.DataFrame(columns=RECOMMENDATION_COLUMNS))
        assessments.append(PmoAssessment(
            organisation=pmo_row.organisation,
            pmo=pmo_row.pmo,
            pmo_level=None if pd.isna(pmo_row.pmo_level) else str(pmo_row.pmo_level),
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
            recommendations=recs,
        ))
    org_order = {org: i for i, org in enumerate(dict.fromkeys(a.organisation for a in assessments))}
    assessments.sort(key=lambda a: (org_order[a.organisation], _LEVEL_ORDER.get(a.pmo_level, len(_LEVEL_ORDER))))
    return AssessmentResults(instrument, tuple(assessments), scores)
