"""Where a PMO stands: its type judged gate by gate, its target, role coverage, perception gaps.

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
ANONYMOUS_MIN_GROUP_SIZE = 5
"""The smallest minimum group size of a report on answers collected anonymously."""
DEFAULT_GAP_THRESHOLD = 20.0


TARGET_SOURCES = ("option", "manifest", "store", "engagement", "instrument")
"""Where a target type can come from, strongest first: a ``--targets`` file, a manifest column, the store,
an ``engagement.yaml`` beside the responses, the instrument's default for the PMO's level."""
GATE_STATES = ("met", "borderline", "not_met")
_GATE_COLUMNS = ["type", "dimension", "gate", "score", "ci_low", "ci_high", "passes", "state", "margin", "met"]
_FOUNDATION_COLUMNS = ["type", "dimension", "gate", "score", "points_needed", "state"]
_PROFILE_COLUMNS = ["type", "label", "gates", "passed", "met", "share_passed", "share_met", "mean_margin"]


@dataclass(frozen=True)
class Target:
    """The type a PMO is meant to be, and where that choice comes from (one of :data:`TARGET_SOURCES`)."""

    id: str
    source: str

    def __post_init__(self) -> None:
        if self.source not in TARGET_SOURCES:
            raise ValueError(f"unknown target source {self.source!r}; expected one of {', '.join(TARGET_SOURCES)}")


@dataclass(frozen=True)
class TypeResult:
    """Where the PMO stands among the types, judged gate by gate.

    Attributes
    ----------
    type, label
        The highest type whose own gates all pass (score at or above the
        gate); ``ad_hoc`` when no type passes.
    certainty
        ``"firm"`` when none of the gates that decide the type is borderline,
        else ``"borderline"``. The deciding gates are the type's own gates and
        the failing gates of the type above; when one of those lies clearly
        below its gate (``not_met``), the type above is out of reach whatever
        its other failing gates do, and they decide nothing.
    decided_by
        The gates that decide the type: the borderline ones among them, or,
        when the type is firm, the one closest to its gate. Each a dict with
        ``type``, ``dimension``, ``gate``, ``score``, ``state``.
    ladder
        One row per gate of every type: ``type``, ``dimension``, ``gate``,
        ``score``, ``ci_low``, ``ci_high``, ``passes`` (score >= gate),
        ``state`` (``met``: the 95 % CI lies at or above the gate;
        ``not_met``: it lies below; ``borderline``: it crosses the gate or is
        unknown), ``margin`` (score - gate) and ``met`` (the same as
        ``passes``, kept for one release).
    foundation_gaps
        The failing gates of types below the PMO's type: ``type``,
        ``dimension``, ``gate``, ``score``, ``points_needed``, ``state``.
    profile
        One row per type: ``gates``, ``passed``, ``met`` (counts),
        ``share_passed``, ``share_met`` and ``mean_margin`` (mean of score -
        gate over its scored gates).
    target
        The type the PMO is meant to be (:class:`Target`), or ``None``.
    to_target
        The target's failing gates: dimension id -> points needed (``None``
        when unscored); empty when the PMO is at or above its target or has
        none.
    next_type, next_label, gaps
        The type above and its failing gates (deprecated: use the target).
    """

    type: str
    label: str
    next_type: str | None
    next_label: str | None
    gaps: Mapping[str, float | None] = field(default_factory=dict)
    ladder: pd.DataFrame = field(default_factory=pd.DataFrame)
    certainty: str = "firm"
    decided_by: tuple[dict, ...] = ()
    foundation_gaps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_FOUNDATION_COLUMNS))
    profile: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_PROFILE_COLUMNS))
    target: Target | None = None
    to_target: Mapping[str, float | None] = field(default_factory=dict)

    @property
    def target_reached(self) -> bool | None:
        """Whether the PMO is at or above its target type (``None`` without a target)."""
        return None if self.target is None else not self.to_target and self.target_rank <= self.rank

    @property
    def rank(self) -> int:
        """Position of the PMO's type among the types: -1 for ad hoc, 0 for the lowest type, and so on."""
        return self._ranks.get(self.type, -1)

    @property
    def target_rank(self) -> int:
        return -1 if self.target is None else self._ranks.get(self.target.id, -1)

    @property
    def _ranks(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(dict.fromkeys(self.ladder["type"]))} if len(self.ladder) else {}

    @property
    def climbing(self) -> bool:
        """Whether the roadmap should lead to a higher type: the target lies above the PMO's type (or, without
        a target, there is a type above)."""
        if self.target is None:
            return self.next_type is not None
        return self.target_rank > self.rank

    @property
    def goal(self) -> str | None:
        """The type the roadmap leads to: the target when it lies above, the type above without a target, else
        ``None`` (work on maturity within the type)."""
        if not self.climbing:
            return None
        return self.target.id if self.target is not None else self.next_type

    @property
    def goal_gaps(self) -> Mapping[str, float | None]:
        """The failing gates of :attr:`goal`: dimension id -> points needed."""
        if self.goal is None:
            return {}
        return self.to_target if self.target is not None else self.gaps


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


def gate_state(score: float, ci_low: float, ci_high: float, gate: float) -> str:
    """``met`` when the CI lies at or above the gate, ``not_met`` when it lies below, else ``borderline``.

    A missing score is ``not_met``; a score without a CI (one respondent) is ``borderline``.

    >>> gate_state(50, 41, 59, 40), gate_state(50, 40, 60, 40), gate_state(50, 39, 61, 40), gate_state(30, 20, 39, 40)
    ('met', 'met', 'borderline', 'not_met')
    """
    if _missing(score):
        return "not_met"
    if _missing(ci_low) or _missing(ci_high):
        return "borderline"
    if ci_low >= gate:
        return "met"
    if ci_high < gate:
        return "not_met"
    return "borderline"


def classify_type(scores: Mapping[str, float] | pd.DataFrame, instrument: Instrument, *,
                  target: Target | None = None) -> TypeResult:
    """Place a PMO among the instrument's types, gate by gate.

    Parameters
    ----------
    scores
        The PMO's dimension rows (``dimension``, ``score``, ``ci_low``,
        ``ci_high``), or a mapping dimension id -> score (0-100; NaN or
        absent = missing, which fails its gate). Given a mapping, there is no
        CI: a gate's state follows its point score.
    target
        The type the PMO is meant to be, or ``None``.

    Examples
    --------
    With the types supportive {methodology: 40} and controlling {monitoring: 60},
    scores {methodology: 35, monitoring: 65} give ``controlling`` with the
    foundation gap methodology (5 points below the supportive gate).
    """
    if isinstance(scores, pd.DataFrame):
        by_dim = scores.set_index("dimension")
        point = by_dim["score"].to_dict()
        low = by_dim["ci_low"].to_dict() if "ci_low" in by_dim else None
        high = by_dim["ci_high"].to_dict() if "ci_high" in by_dim else None
    else:
        point, low, high = dict(scores), None, None
    rows = []
    for rung in instrument.types:
        for dim, gate in rung.gates.items():
            value = point.get(dim)
            value = np.nan if _missing(value) else float(value)
            lo = value if low is None else low.get(dim, np.nan)
            hi = value if high is None else high.get(dim, np.nan)
            lo, hi = (np.nan if _missing(v) else float(v) for v in (lo, hi))
            passes = not np.isnan(value) and value >= gate
            rows.append({"type": rung.id, "dimension": dim, "gate": float(gate), "score": value, "ci_low": lo,
                         "ci_high": hi, "passes": passes, "state": gate_state(value, lo, hi, gate),
                         "margin": value - gate, "met": passes})
    ladder = pd.DataFrame(rows, columns=_GATE_COLUMNS)
    ids = [t.id for t in instrument.types]
    passing = [t for t in ids if ladder.loc[ladder["type"] == t, "passes"].all()]
    current = passing[-1] if passing else AD_HOC
    rank = ids.index(current) if current != AD_HOC else -1
    above = ids[rank + 1] if rank + 1 < len(ids) else None

    own = ladder[ladder["type"] == current]
    blocking = ladder[(ladder["type"] == above) & ~ladder["passes"]] if above else ladder.iloc[0:0]
    if (blocking["state"] == "not_met").any():
        # one failing gate of the type above lies clearly below: its other failing gates decide nothing
        blocking = blocking[blocking["state"] == "not_met"]
    deciding = pd.concat([own, blocking])
    shaky = deciding[deciding["state"] == "borderline"]
    if len(shaky):
        decided = shaky
    elif len(deciding):
        closeness = deciding["margin"].abs().fillna(np.inf)
        decided = deciding.loc[[closeness.idxmin()]] if closeness.notna().any() else deciding.iloc[:1]
    else:
        decided = deciding
    decided_by = tuple({"type": r.type, "dimension": r.dimension, "gate": r.gate, "score": r.score,
                        "state": r.state} for r in decided.itertuples(index=False))

    below = set(ids[:max(rank, 0)]) if rank > 0 else set()
    failing_below = ladder[ladder["type"].isin(below) & ~ladder["passes"]]
    foundation = failing_below.assign(points_needed=failing_below["gate"] - failing_below["score"])
    foundation = foundation[_FOUNDATION_COLUMNS].reset_index(drop=True)

    profile_rows = []
    for rung in instrument.types:
        gates = ladder[ladder["type"] == rung.id]
        margins = gates["margin"].dropna()
        profile_rows.append({
            "type": rung.id, "label": rung.label, "gates": len(gates), "passed": int(gates["passes"].sum()),
            "met": int((gates["state"] == "met").sum()),
            "share_passed": float(gates["passes"].mean()), "share_met": float((gates["state"] == "met").mean()),
            "mean_margin": float(margins.mean()) if len(margins) else np.nan,
        })
    profile = pd.DataFrame(profile_rows, columns=_PROFILE_COLUMNS)

    def failing(type_id: str | None) -> dict[str, float | None]:
        unmet = ladder[(ladder["type"] == type_id) & ~ladder["passes"]]
        return {d: (None if np.isnan(sc) else round(float(g - sc), 10))
                for d, g, sc in zip(unmet["dimension"], unmet["gate"], unmet["score"])}

    to_target: dict[str, float | None] = {}
    if target is not None:
        if target.id not in ids:
            raise ValueError(f"target type {target.id!r} is not a type of {instrument.id} ({', '.join(ids)})")
        if ids.index(target.id) > rank:
            to_target = failing(target.id)
    return TypeResult(
        type=current, label=instrument.type_label(current),
        next_type=above, next_label=None if above is None else instrument.type_label(above),
        gaps=failing(above) if above else {}, ladder=ladder,
        certainty="borderline" if len(shaky) else "firm", decided_by=decided_by,
        foundation_gaps=foundation, profile=profile, target=target, to_target=to_target,
    )


def role_coverage(scores: Mapping[str, float], instrument: Instrument) -> pd.Series:
    """How well the PMO serves each of its three roles.

    For each role (``standards``, ``customer_support``, ``empowerment``), the
    mean of the scored dimensions serving it, each weighted by its share in
    that role (a dimension serving two roles counts in both, with its
    weights); NaN when no dimension serving the role is scored.
    """
    result = {}
    for role in PMO_ROLES:
        pairs = [(scores.get(d.id), d.role_weights.get(role, 0.0)) for d in instrument.dimensions]
        pairs = [(v, w) for v, w in pairs if w > 0 and not _missing(v)]
        total = sum(w for _, w in pairs)
        result[role] = sum(v * w for v, w in pairs) / total if total else np.nan
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
    top = grouped.idxmax()
    high = shown.loc[top].set_index(dim_key)
    # the lowest of the other roles: with equal scores the gap is 0 between two roles, never a role and itself
    others = shown.drop(index=top.to_numpy())
    low = others.loc[others.groupby(dim_key, sort=False, observed=True)["mean"].idxmin()].set_index(dim_key)
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
