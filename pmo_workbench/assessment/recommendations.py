"""Recommendations: concrete next steps for a scored PMO.

A library (``templates/recommendations/<instrument id>.yaml``) lists, for each
dimension and the maturity levels at which it applies, a step with its effort
and impact. :func:`recommend` picks the steps that fit each dimension's current
level and orders them: first what leads to the PMO's target type, then its
foundation gaps, then the largest weighted gaps; a PMO at its target works on
maturity within its type, never on climbing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._yaml import load_yaml, problems_from_pydantic
from ..errors import InputValidationError, Problem
from ..resources import templates_dir
from .instrument import Instrument
from .positioning import TypeResult

Rating = Literal["low", "medium", "high"]
_RANK = {"low": 0, "medium": 1, "high": 2}
COLUMNS = ["dimension", "level", "id", "title", "action", "effort", "impact", "unlocks", "weighted_gap", "reason"]


class Recommendation(BaseModel):
    """One step in the roadmap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    dimension: str
    levels: tuple[int, ...] = Field(min_length=1)
    title: str = Field(min_length=1)
    action: str = Field(min_length=1)
    effort: Rating
    impact: Rating

    @field_validator("levels")
    @classmethod
    def _levels(cls, levels: tuple[int, ...]) -> tuple[int, ...]:
        if any(level < 1 for level in levels):
            raise ValueError(f"levels start at 1, got {list(levels)}")
        return levels


class RecommendationLibrary(BaseModel):
    """All recommendations written for one instrument."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    instrument: str
    instrument_version: str | None = None
    recommendations: tuple[Recommendation, ...]

    def check_against(self, instrument: Instrument, path: str = "<library>") -> None:
        """Raise :class:`InputValidationError` when a step names an unknown dimension
        or a level the instrument cannot produce."""
        known = {d.id for d in instrument.dimensions}
        top = len(instrument.maturity_thresholds) + 1
        problems = []
        for index, rec in enumerate(self.recommendations):
            if rec.dimension not in known:
                problems.append(Problem(path, None, None,
                                        f"recommendations.{index} ({rec.id}): unknown dimension '{rec.dimension}'; "
                                        f"instrument {instrument.id} has {', '.join(sorted(known))}"))
            if any(level > top for level in rec.levels):
                problems.append(Problem(path, None, None,
                                        f"recommendations.{index} ({rec.id}): levels go up to {top}, "
                                        f"got {list(rec.levels)}"))
        if problems:
            raise InputValidationError(problems)


def load_library(spec: str | Path) -> RecommendationLibrary:
    """Load a recommendations library by instrument id (built-in) or path.

    Raises
    ------
    FileNotFoundError
        When neither a file nor a built-in library of that id exists.
    InputValidationError
        When the file breaks the schema.
    """
    path = Path(spec)
    if not path.is_file():
        path = templates_dir() / "recommendations" / f"{spec}.yaml"
        if not path.is_file():
            raise FileNotFoundError(f"no recommendations library '{spec}'")
    data, node = load_yaml(path)
    try:
        return RecommendationLibrary.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputValidationError(problems_from_pydantic(path, node, exc)) from None


def library_for(instrument: Instrument) -> RecommendationLibrary | None:
    """The built-in library written for this instrument and version, or ``None`` when there is none.

    ``<id>@<version>.yaml`` serves that version; ``<id>.yaml`` serves the
    version its ``instrument_version`` names (any version when it names none).
    """
    folder = templates_dir() / "recommendations"
    for path in (folder / f"{instrument.id}@{instrument.version}.yaml", folder / f"{instrument.id}.yaml"):
        if not path.is_file():
            continue
        library = load_library(path)
        if library.instrument_version not in (None, instrument.version):
            continue
        library.check_against(instrument, str(path))
        return library
    return None


def recommend(
    dimensions: pd.DataFrame,
    type_result: TypeResult,
    library: RecommendationLibrary,
    instrument: Instrument,
) -> pd.DataFrame:
    """Pick and order the next steps for one PMO.

    The roadmap leads to the PMO's goal (:attr:`TypeResult.goal`: its target
    type when that lies above its type, the type above when it has no target).
    With a target it never leads beyond: dimensions gated only by types above
    the target (or, when the PMO is at or above its target, above its own
    type) get no steps.

    Parameters
    ----------
    dimensions
        The PMO's dimension rows: ``dimension``, ``score``, ``level``.
    type_result
        Where it stands (:func:`pmo_workbench.assessment.positioning.classify_type`).

    Returns
    -------
    pandas.DataFrame
        One row per step with :data:`COLUMNS`, ordered: steps in dimensions
        whose gate blocks the goal first (largest points needed first), then
        the foundation gaps (failing gates of types below the PMO's), then by
        weighted gap ``weight * (100 - score)`` descending; within a
        dimension, higher impact then lower effort first. A dimension with no
        score is treated as level 1 with the full gap. ``unlocks`` names the
        goal type for the steps that lead to it.
    """
    weights = instrument.dimension_table["weight"]
    by_dim = dimensions.set_index("dimension")
    goal = type_result.goal
    goal_gaps = type_result.goal_gaps
    goal_label = None if goal is None else instrument.type_label(goal)
    ids = [t.id for t in instrument.types]
    ceiling = ids.index(goal) if goal is not None else max(type_result.rank, 0)
    # Only a chosen target limits the roadmap; without one nothing says how far the PMO should go.
    beyond = {d for t in instrument.types[ceiling + 1:] for d in t.gates} if type_result.target else set()
    within = {d for t in instrument.types[:ceiling + 1] for d in t.gates}
    foundation: dict = {}
    for g in type_result.foundation_gaps.itertuples(index=False):
        foundation.setdefault(g.dimension, g)  # the lowest type's gate names the gap
    rows = []
    for dim_id, score in by_dim["score"].items():
        if dim_id in beyond and dim_id not in within:
            continue  # it serves only a type above the goal: climbing, not asked for
        missing = score is None or np.isnan(score)
        level = 1 if missing else int(by_dim.at[dim_id, "level"])
        weighted_gap = float(weights[dim_id] * (100.0 - (0.0 if missing else score)))
        unlocks = goal if dim_id in goal_gaps else None
        needed = goal_gaps.get(dim_id)
        gap = foundation.get(dim_id)
        if unlocks:
            rank = 0
            reason = (f"no score yet; the {goal_label} gate needs it" if needed is None
                      else f"{needed:.1f} points short of the {goal_label} gate")
        elif gap is not None:
            rank = 1
            type_label = instrument.type_label(gap.type)
            reason = (f"foundation gap: no score yet on a {type_label} gate" if pd.isna(gap.points_needed)
                      else f"foundation gap: {gap.points_needed:.1f} points below the {type_label} gate")
            needed = None if pd.isna(gap.points_needed) else float(gap.points_needed)
        elif missing:
            rank = 2
            reason = "not enough answers to score this dimension"
        else:
            rank = 2
            reason = f"weighted gap of {weighted_gap:.1f} points to full maturity"
        for rec in library.recommendations:
            if rec.dimension == dim_id and level in rec.levels:
                rows.append({"dimension": dim_id, "level": level, "id": rec.id, "title": rec.title,
                             "action": rec.action, "effort": rec.effort, "impact": rec.impact,
                             "unlocks": unlocks, "weighted_gap": weighted_gap, "reason": reason,
                             "_rank": rank, "_needed": (np.inf if needed is None else needed) if rank < 2 else 0.0})
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame(rows)
    frame["_impact"] = frame["impact"].map(_RANK)
    frame["_effort"] = frame["effort"].map(_RANK)
    frame = frame.sort_values(
        ["_rank", "_needed", "weighted_gap", "dimension", "_impact", "_effort", "id"],
        ascending=[True, False, False, True, False, True, True],
        kind="stable",
    )
    return frame[COLUMNS].reset_index(drop=True)
