"""Where a PMO stands: type ladder, path to the next type, role coverage, perception gaps.

Functions here work on one PMO's scores (as produced by :mod:`pmo_workbench.scoring`)
and return new objects; nothing is mutated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


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
        One PMO's rows of :attr:`Scores.respondents` (columns ``dimension``,
        ``role``, ``score``).
    """
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
    role_order = {r: i for i, r in enumerate(instrument.role_ids)}
    scored = respondent_scores.dropna(subset=["score"])
    grouped = scored.groupby(["dimension", "role"], sort=False, observed=True)["score"].agg(["size", "mean"])
    by_role_rows = []
    gap_rows = []
    for dim in instrument.dimensions:
        cells = []
        if dim.id in grouped.index.get_level_values(0):
            part = grouped.loc[dim.id]
            for role, (n, mean) in part.iterrows():
                cells.append({"dimension": dim.id, "role": role, "n": int(n), "mean": float(mean),
                              "suppressed": "small group" if n < min_group_size else None})
        cells.sort(key=lambda c: role_order.get(c["role"], len(role_order)))
        hidden = [c for c in cells if c["suppressed"]]
        visible = [c for c in cells if not c["suppressed"]]
        if len(hidden) == 1 and visible:
            smallest = min(visible, key=lambda c: (c["n"], role_order.get(c["role"], 0)))
            smallest["suppressed"] = "complementary"
            visible.remove(smallest)
        for c in cells:
            by_role_rows.append({"dimension": c["dimension"], "role": c["role"], "n": c["n"],
                                 "score": np.nan if c["suppressed"] else c["mean"],
                                 "suppressed": c["suppressed"]})
        if len(visible) >= 2:
            high = max(visible, key=lambda c: c["mean"])
            low = min(visible, key=lambda c: c["mean"])
            gap = high["mean"] - low["mean"]
            gap_rows.append({"dimension": dim.id, "high_role": high["role"], "high_score": high["mean"],
                             "low_role": low["role"], "low_score": low["mean"], "gap": gap,
                             "flagged": bool(gap > threshold)})
        else:
            gap_rows.append({"dimension": dim.id, "high_role": None, "high_score": np.nan,
                             "low_role": None, "low_score": np.nan, "gap": np.nan, "flagged": False})
    by_role = pd.DataFrame(by_role_rows, columns=["dimension", "role", "n", "score", "suppressed"])
    gaps = pd.DataFrame(gap_rows)
    # Keep None as None (a plain str column would turn it into NaN).
    by_role["suppressed"] = by_role["suppressed"].astype(object)
    gaps[["high_role", "low_role"]] = gaps[["high_role", "low_role"]].astype(object)
    return PerceptionGaps(by_role, gaps, min_group_size, threshold)
