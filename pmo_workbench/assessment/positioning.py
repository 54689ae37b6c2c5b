"""Where a PMO stands: type ladder, path to the next type, role coverage, perception gaps.

Functions here work on one PMO's scores (as produced by :mod:`pmo_workbench.scoring`)
and return new objects; nothing is mutated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._values import is_missing as _missing
from .instrument import AD_HOC, PMO_ROLES, Instrument

DEFAULT_MIN_GROUP_SIZE = 3
DEFAULT_GAP_THRESHOLD = 20.0


@dataclass(frozen=True)
class TypeResult:
    """The PMO's rung on the type ladder and what the next rung still needs.

    Attributes
    ----------
    type, label
        The highest rung whose gates, and every lower rung's, are all met;
        ``ad_hoc`` when the first rung is not met.
    next_type, next_label
        The rung above, or ``None`` at the top.
    gaps
        The next rung's unmet gates: dimension id -> points still needed
        (``None`` when the dimension has no score).
    ladder
        One row per gate of every rung: ``type``, ``dimension``, ``gate``,
        ``score``, ``met``.
    """

    type: str
    label: str
    next_type: str | None
    next_label: str | None
    gaps: Mapping[str, float | None] = field(default_factory=dict)
    ladder: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class PerceptionGaps:
    """Dimension scores by respondent role, with small groups suppressed.

    Attributes
    ----------
    by_role
        One row per (dimension, role) present: ``n`` respondents with a score,
        ``score`` (NaN when suppressed), ``suppressed`` (``None``,
        ``"small group"`` or ``"complementary"``).
    gaps
        One row per dimension: the visible roles with the highest and lowest
        score, the ``gap`` in points and ``flagged`` when it exceeds the
        threshold. NaN/None when fewer than two roles are visible.
    """

    by_role: pd.DataFrame
    gaps: pd.DataFrame
    min_group_size: int
    threshold: float


def classify_type(scores: Mapping[str, float], instrument: Instrument) -> TypeResult:
    """Place a PMO on the instrument's type ladder.

    Parameters
    ----------
    scores
        Dimension id -> PMO dimension score (0-100; NaN or absent = missing,
        which fails its gate).

    Examples
    --------
    With the ladder supportive {methodology: 40} < controlling {monitoring: 60},
    scores {methodology: 45, monitoring: 50} give ``supportive`` and the path
    ``{"monitoring": 10.0}`` to controlling.
    """
    rows = []
    current: str = AD_HOC
    climbing = True
    next_index: int | None = 0
    for index, rung in enumerate(instrument.types):
        met_all = True
        for dim, gate in rung.gates.items():
            value = scores.get(dim)
            met = not _missing(value) and value >= gate
            met_all &= met
            rows.append({"type": rung.id, "dimension": dim, "gate": gate,
                         "score": np.nan if _missing(value) else float(value), "met": met})
        if climbing and met_all:
            current = rung.id
            next_index = index + 1
        else:
            climbing = False
    ladder = pd.DataFrame(rows, columns=["type", "dimension", "gate", "score", "met"])
    if next_index is not None and next_index < len(instrument.types):
        nxt = instrument.types[next_index]
        unmet = ladder[(ladder["type"] == nxt.id) & ~ladder["met"]]
        gaps = {
            d: (None if np.isnan(s) else round(float(g - s), 10))
            for d, g, s in zip(unmet["dimension"], unmet["gate"], unmet["score"])
        }
        return TypeResult(current, instrument.type_label(current), nxt.id, nxt.label, gaps, ladder)
    return TypeResult(current, instrument.type_label(current), None, None, {}, ladder)


def role_coverage(scores: Mapping[str, float], instrument: Instrument) -> pd.Series:
    """How well the PMO serves each of its three roles.

    The mean of the non-missing dimension scores of the dimensions serving
    each role (``standards``, ``customer_support``, ``empowerment``); NaN when
    none is scored.
    """
    result = {}
    for role in PMO_ROLES:
        values = [scores.get(d.id) for d in instrument.dimensions if d.pmo_role == role]
        values = [v for v in values if not _missing(v)]
        result[role] = float(np.mean(values)) if values else np.nan
    return pd.Series(result, name="score", dtype=float)


def perception_gaps(
    respondent_scores: pd.DataFrame,
    instrument: Instrument,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    threshold: float = DEFAULT_GAP_THRESHOLD,
) -> PerceptionGaps:
    """Dimension scores by respondent role, suppressing groups too small to show.

    A role group with fewer than ``min_group_size`` respondents is hidden
    (``"small group"``). When a dimension would then have exactly one hidden
    group, the smallest visible group is hidden too (``"complementary"``), so
    the hidden one cannot be derived from the PMO's published score. The
    largest gap between visible groups is flagged when it exceeds ``threshold``
    points.

    Parameters
    ----------
    respondent_scores
        Rows of :attr:`Scores.respondents` (columns ``dimension``, ``role``,
        ``score``). With ``organisation`` and ``pmo`` columns, every PMO in the
        frame is handled in one pass and those columns are kept in the result.
    """
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
    pmo_key = [c for c in ("organisation", "pmo") if c in respondent_scores]
    dim_key = [*pmo_key, "dimension"]
    dim_order = {d.id: i for i, d in enumerate(instrument.dimensions)}
    role_order = {r: i for i, r in enumerate(instrument.role_ids)}
    scored = respondent_scores.dropna(subset=["score"])
    cells = (scored.groupby([*dim_key, "role"], sort=False, observed=True)["score"]
             .agg(n="size", mean="mean").reset_index())
    cells = cells.astype({"dimension": object, "role": object})
    cells["_dim"] = cells["dimension"].map(dim_order)
    cells["_role"] = cells["role"].map(role_order).fillna(len(role_order))
    cells = cells.sort_values([*pmo_key, "_dim", "_role"], kind="stable").reset_index(drop=True)

    # Small groups are hidden; a dimension left with exactly one hidden group also
    # hides its smallest visible group, so the hidden one cannot be derived.
    cells["suppressed"] = pd.Series(np.where(cells["n"] < min_group_size, "small group", None), dtype=object)
    hidden = cells["suppressed"].notna()
    lone = cells.groupby(dim_key, sort=False, observed=True)["suppressed"].transform("count").eq(1) & ~hidden
    if lone.any():
        pick = (cells[lone].sort_values([*pmo_key, "_dim", "n", "_role"], kind="stable")
                .groupby(dim_key, sort=False, observed=True).head(1).index)
        cells.loc[pick, "suppressed"] = "complementary"
    visible = cells["suppressed"].isna()
    by_role = cells.assign(score=cells["mean"].where(visible), n=cells["n"].astype(int))
    by_role = by_role[[*dim_key, "role", "n", "score", "suppressed"]]

    shown = cells[visible]
    shown = shown[shown.groupby(dim_key, sort=False, observed=True)["mean"].transform("size") >= 2]
    grouped = shown.groupby(dim_key, sort=False, observed=True)["mean"]
    high = shown.loc[grouped.idxmax()].set_index(dim_key)
    low = shown.loc[grouped.idxmin()].set_index(dim_key)
    # One row per PMO and dimension of the instrument, in instrument order.
    pmos = respondent_scores[pmo_key].drop_duplicates() if pmo_key else pd.DataFrame(index=[0])
    frame = pmos.merge(pd.DataFrame({"dimension": list(dim_order)}), how="cross").astype({"dimension": object})
    index = pd.MultiIndex.from_frame(frame) if pmo_key else pd.Index(frame["dimension"], name="dimension")
    gaps = pd.DataFrame(index=index)
    gaps["high_role"] = high["role"].reindex(index).astype(object)
    gaps["high_score"] = high["mean"].reindex(index).astype(float)
    gaps["low_role"] = low["role"].reindex(index).astype(object)
    gaps["low_score"] = low["mean"].reindex(index).astype(float)
    gaps["gap"] = gaps["high_score"] - gaps["low_score"]
    gaps["flagged"] = (gaps["gap"] > threshold).fillna(False).astype(bool)
    for column in ("high_role", "low_role"):  # None, not NaN, where no role is visible
        gaps[column] = gaps[column].where(gaps[column].notna(), None)
    return PerceptionGaps(by_role.reset_index(drop=True), gaps.reset_index(), min_group_size, threshold)
