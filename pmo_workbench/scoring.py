"""From answers to scores: items, respondents, PMO dimensions, overall, maturity.

All functions are pure: they take the tidy responses frame (see
:mod:`pmo_workbench.responses`) and an instrument, and return new frames. The
work is vectorised over integer codes so that 100,000 respondents score in
seconds.

Scoring rules
-------------
- item score = ``100 * (value - min) / (max - min)``; reversed items use ``100 - that``;
- a respondent's dimension score = item-weighted mean of the items they answered,
  missing when they answered fewer than half of the dimension's items;
- a PMO's dimension score = mean of its respondents' non-missing dimension scores;
- overall = dimension-weighted mean of the PMO's non-missing dimension scores;
- maturity level = ``1 + (number of thresholds t with score >= t)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .instrument import Instrument

PMO_KEY = ["organisation", "pmo"]
RWG_CUTOFF = 0.70
"""r_wg(J) below this means respondents do not agree enough to report one score."""


@dataclass(frozen=True)
class Scores:
    """Every score of a response set, as tidy frames.

    Attributes
    ----------
    respondents
        One row per (organisation, pmo, respondent, dimension): ``role``,
        ``score`` (NaN under the half-answered rule), ``answered``, ``n_items``.
    dimensions
        One row per (organisation, pmo, dimension): ``score``, ``level``,
        ``respondents`` (with a score), ``std``, ``ci_low``, ``ci_high``
        (95 %, t-based across respondents, clipped to 0-100), ``rwg_j``, ``agree`` (``rwg_j >= cutoff``).
    pmos
        One row per (organisation, pmo): ``pmo_level``, ``respondents``,
        ``answered``, ``expected`` (respondents x items), ``answer_rate``,
        ``overall_score``, ``overall_level``.
    reliability
        One row per dimension: ``alpha`` (Cronbach, over all respondents with
        complete answers), ``k`` items, ``n`` complete respondents.
    """

    respondents: pd.DataFrame
    dimensions: pd.DataFrame
    pmos: pd.DataFrame
    reliability: pd.DataFrame


def item_scores(values: np.ndarray | pd.Series, reverse: np.ndarray | pd.Series, lo: float, hi: float) -> np.ndarray:
    """Map raw answers to 0-100, reversing where asked.

    >>> item_scores(np.array([1, 4, 5]), np.array([False, False, True]), 1, 5).tolist()
    [0.0, 75.0, 0.0]
    """
    score = 100.0 * (np.asarray(values, dtype=float) - lo) / (hi - lo)
    return np.where(np.asarray(reverse, dtype=bool), 100.0 - score, score)


def maturity_level(score: float | np.ndarray | pd.Series, thresholds: tuple[float, ...] | list[float]):
    """``1 + (number of thresholds t with score >= t)``; missing stays missing.

    >>> maturity_level(np.array([0, 19.99, 20, 80, 100]), [20, 40, 60, 80]).tolist()
    [1, 1, 2, 5, 5]
    """
    arr = np.asarray(score, dtype=float)
    level = np.searchsorted(np.asarray(thresholds, dtype=float), arr, side="right") + 1
    if arr.ndim == 0:
        return None if np.isnan(arr) else int(level)
    result = pd.array(level, dtype="Int64")
    result[np.isnan(arr)] = pd.NA
    return result


def rwg_j(mean_variance: float | np.ndarray, n_items: int | np.ndarray, points: int):
    """Within-group agreement r_wg(J) over J items with mean observed variance ``s_bar^2``.

    ``sigma_EU^2 = (A^2 - 1) / 12`` for an A-point scale. When the observed
    variance reaches the uniform null variance the index is set to 0 (the usual
    truncation), so the result lies in [0, 1].

    >>> round(float(rwg_j(0.5, 4, 5)), 4)  # 1 - 0.5/2 = 0.75; 4*0.75 / (4*0.75 + 0.25)
    0.9231
    """
    sigma = (points**2 - 1) / 12.0
    ratio = np.asarray(mean_variance, dtype=float) / sigma
    j = np.asarray(n_items, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    value = np.where(ratio >= 1, 0.0, value)
    return np.clip(value, 0.0, 1.0)


def cronbach_alpha(matrix: np.ndarray) -> tuple[float, int]:
    """Cronbach's alpha of a respondents x items matrix, over complete rows.

    Returns ``(alpha, n_complete)``; alpha is NaN with fewer than 2 items,
    fewer than 3 complete respondents, or no variance in the totals.
    """
    matrix = np.asarray(matrix, dtype=float)
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    n, k = complete.shape
    if k < 2 or n < 3:
        return float("nan"), n
    total_var = complete.sum(axis=1).var(ddof=1)
    if total_var == 0:
        return float("nan"), n
    alpha = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_var)
    return float(alpha), n


def score(responses: pd.DataFrame, instrument: Instrument, *, rwg_cutoff: float = RWG_CUTOFF) -> Scores:
    """Score a validated responses frame.

    Parameters
    ----------
    responses
        The tidy frame from :func:`pmo_workbench.read_responses` (or one built
        the same way: columns ``organisation, pmo, respondent, role, item,
        value`` and optionally ``pmo_level``).
    instrument
        The instrument the answers belong to.
    rwg_cutoff
        Agreement below this is flagged (``agree`` is False).
    """
    items = instrument.items
    dims = instrument.dimension_table
    n_dims = len(dims)
    scale = instrument.scale

    item_pos = items.index.get_indexer(responses["item"])
    if (item_pos < 0).any():
        unknown = sorted(set(responses["item"][item_pos < 0]))
        raise ValueError(f"items not in instrument {instrument.id}: {unknown[:5]}; validate responses first")
    dim_of_item = dims.index.get_indexer(items["dimension"])
    dim_pos = dim_of_item[item_pos]
    weight = items["weight"].to_numpy(float)[item_pos]
    value = responses["value"].to_numpy(float)
    answered = ~np.isnan(value)
    iscore = item_scores(value, items["reverse"].to_numpy(bool)[item_pos], scale.min, scale.max)

    # Respondents: integer codes over (organisation, pmo, respondent).
    resp_code, resp_first = _codes(responses, ["organisation", "pmo", "respondent"])
    n_resp = len(resp_first)
    people = responses.iloc[resp_first][["organisation", "pmo", "respondent", "role"]].reset_index(drop=True)
    pmo_code, pmo_first = _codes(people, PMO_KEY)
    n_pmo = len(pmo_first)

    # Respondent x dimension: weighted mean of answered items, half-answered rule.
    key = resp_code * n_dims + dim_pos
    size = n_resp * n_dims
    w_ans = np.where(answered, weight, 0.0)
    wsum = np.bincount(key, weights=w_ans, minlength=size)
    wscore = np.bincount(key, weights=np.where(answered, weight * iscore, 0.0), minlength=size)
    count = np.bincount(key, weights=answered.astype(float), minlength=size)
    n_items = np.tile(dims["n_items"].to_numpy(), n_resp)
    with np.errstate(invalid="ignore", divide="ignore"):
        rscore = np.where(2 * count >= n_items, wscore / wsum, np.nan)
    rscore = np.where(count == 0, np.nan, rscore)
    respondents = pd.DataFrame({
        "organisation": np.repeat(people["organisation"].to_numpy(), n_dims),
        "pmo": np.repeat(people["pmo"].to_numpy(), n_dims),
        "respondent": np.repeat(people["respondent"].to_numpy(), n_dims),
        "role": np.repeat(people["role"].to_numpy(), n_dims),
        "dimension": np.tile(dims.index.to_numpy(), n_resp),
        "score": rscore,
        "answered": count.astype(int),
        "n_items": n_items,
    })

    # PMO x dimension: mean, spread and t-based CI across respondents.
    pkey = np.repeat(pmo_code, n_dims) * n_dims + np.tile(np.arange(n_dims), n_resp)
    psize = n_pmo * n_dims
    has = ~np.isnan(rscore)
    n = np.bincount(pkey, weights=has.astype(float), minlength=psize)
    total = np.bincount(pkey, weights=np.where(has, rscore, 0.0), minlength=psize)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        dev = np.where(has, rscore - mean[pkey], 0.0)
        var = np.bincount(pkey, weights=dev**2, minlength=psize) / (n - 1)
        half = stats.t.ppf(0.975, n - 1) * np.sqrt(var / n)
    mean = np.where(n > 0, mean, np.nan)
    std = np.where(n > 1, np.sqrt(var), np.nan)
    half = np.where(n > 1, half, np.nan)

    # Agreement: variance of raw answers per PMO x item, averaged per dimension.
    n_items_total = len(items)
    ikey = pmo_code[resp_code] * n_items_total + item_pos
    isize = n_pmo * n_items_total
    v = np.where(answered, value, 0.0)
    icount = np.bincount(ikey, weights=answered.astype(float), minlength=isize)
    isum = np.bincount(ikey, weights=v, minlength=isize)
    with np.errstate(invalid="ignore", divide="ignore"):
        imean = isum / icount
        idev = np.where(answered, value - imean[ikey], 0.0)
        ivar = np.bincount(ikey, weights=idev**2, minlength=isize) / (icount - 1)
    ivar = np.where(icount >= 2, ivar, np.nan).reshape(n_pmo, n_items_total)
    sbar = np.full((n_pmo, n_dims), np.nan)
    j = np.zeros((n_pmo, n_dims))
    for d in range(n_dims):
        cols = ivar[:, dim_of_item == d]
        j[:, d] = (~np.isnan(cols)).sum(axis=1)
        with np.errstate(invalid="ignore"):
            sbar[:, d] = np.where(j[:, d] > 0, np.nansum(cols, axis=1) / np.maximum(j[:, d], 1), np.nan)
    agreement = np.where(np.isnan(sbar), np.nan, rwg_j(np.nan_to_num(sbar), np.maximum(j, 1), scale.points))
    agreement = agreement.reshape(-1)

    pmos_frame = people.iloc[pmo_first][PMO_KEY].reset_index(drop=True)
    dimensions = pd.DataFrame({
        "organisation": np.repeat(pmos_frame["organisation"].to_numpy(), n_dims),
        "pmo": np.repeat(pmos_frame["pmo"].to_numpy(), n_dims),
        "dimension": np.tile(dims.index.to_numpy(), n_pmo),
        "score": mean,
        "level": maturity_level(mean, instrument.maturity_thresholds),
        "respondents": n.astype(int),
        "std": std,
        "ci_low": np.clip(mean - half, 0.0, 100.0),
        "ci_high": np.clip(mean + half, 0.0, 100.0),
        "rwg_j": agreement,
        "agree": pd.array(np.where(np.isnan(agreement), None, agreement >= rwg_cutoff), dtype="boolean"),
    })

    # PMO overall: dimension-weighted mean of non-missing dimension scores.
    mat = mean.reshape(n_pmo, n_dims)
    dweight = dims["weight"].to_numpy(float)
    present = ~np.isnan(mat)
    wdim = np.where(present, dweight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.nansum(np.where(present, mat, 0.0) * wdim, axis=1) / wdim.sum(axis=1)
    answered_per_pmo = np.bincount(pmo_code[resp_code], weights=answered.astype(float), minlength=n_pmo)
    resp_per_pmo = np.bincount(pmo_code, minlength=n_pmo)
    expected = resp_per_pmo * n_items_total
    pmos = pmos_frame.assign(
        pmo_level=_pmo_levels(responses, pmos_frame),
        respondents=resp_per_pmo,
        answered=answered_per_pmo.astype(int),
        expected=expected,
        answer_rate=answered_per_pmo / expected,
        overall_score=overall,
        overall_level=maturity_level(overall, instrument.maturity_thresholds),
    )

    return Scores(
        respondents=respondents,
        dimensions=dimensions,
        pmos=pmos,
        reliability=_reliability(resp_code, n_resp, item_pos, iscore, instrument),
    )


def _codes(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Dense integer codes for the combinations of ``columns`` (first-seen order),
    and the position of each combination's first row."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for name in columns:
        codes, uniques = pd.factorize(frame[name], sort=False)
        combined = combined * (len(uniques) + 1) + codes
    codes, _ = pd.factorize(combined, sort=False)
    _, first = np.unique(codes, return_index=True)
    return codes, first


def _pmo_levels(responses: pd.DataFrame, pmos: pd.DataFrame) -> list[str | None]:
    if "pmo_level" not in responses:
        return [None] * len(pmos)
    given = responses.dropna(subset=["pmo_level"])
    given = given[given["pmo_level"].astype(str).ne("")]
    first = given.groupby(PMO_KEY, sort=False)["pmo_level"].first()
    return [first.get((o, p)) for o, p in zip(pmos["organisation"], pmos["pmo"])]


def _reliability(resp_code: np.ndarray, n_resp: int, item_pos: np.ndarray, iscore: np.ndarray,
                 instrument: Instrument) -> pd.DataFrame:
    items = instrument.items
    matrix = np.full((n_resp, len(items)), np.nan)
    matrix[resp_code, item_pos] = iscore
    rows = []
    for dim in instrument.dimensions:
        cols = items.index.get_indexer([i.id for i in dim.items])
        alpha, n = cronbach_alpha(matrix[:, cols])
        rows.append({"dimension": dim.id, "alpha": alpha, "k": len(cols), "n": n})
    return pd.DataFrame(rows)
