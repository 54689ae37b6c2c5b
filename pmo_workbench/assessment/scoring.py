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
    """Map raw answers to 0-100, reversing where asked (``reverse`` broadcasts against ``values``).

    ``100 * (v - lo) / (hi - lo)``, or 100 minus that for reversed items,
    computed as one multiply-add per answer.

    >>> item_scores(np.array([1, 4, 5]), np.array([False, False, True]), 1, 5).tolist()
    [0.0, 75.0, 0.0]
    """
    step = 100.0 / (hi - lo)
    reverse = np.asarray(reverse, dtype=bool)
    slope = np.where(reverse, -step, step)
    intercept = np.where(reverse, 100.0 + lo * step, -lo * step)
    return np.asarray(values, dtype=float) * slope + intercept


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


def score(responses: pd.DataFrame, instrument: Instrument, *, rwg_cutoff: float = RWG_CUTOFF) -> Scores:
    """Score a validated responses frame.

    Parameters
    ----------
    responses
        The tidy frame from :func:`pmo_workbench.read_responses` (or one built
        the same way, with at most one row per respondent and item: columns
        ``organisation, pmo, respondent, role, item, value`` and optionally
        ``pmo_level``; categorical keys score fastest).
    instrument
        The instrument the answers belong to.
    rwg_cutoff
        Agreement below this is flagged (``agree`` is False).

    Notes
    -----
    The answers are laid out once as a dense respondents x items matrix whose
    rows are grouped by PMO and whose columns are grouped by dimension
    (instrument order); every statistic is then a sum over contiguous blocks
    (``numpy.add.reduceat``), with no per-row Python.
    """
    items = instrument.items
    dims = instrument.dimension_table
    n_dims, n_items_total = len(dims), len(items)
    scale = instrument.scale
    if responses.empty:
        raise ValueError("no answers to score")

    item_pos = _item_positions(items.index, responses["item"])
    if (item_pos < 0).any():
        unknown = sorted({str(i) for i in responses["item"][item_pos < 0]})
        raise ValueError(f"items not in instrument {instrument.id}: {unknown[:5]}; validate responses first")

    # Respondents: (organisation, pmo, respondent) -> 0..n_resp-1, then PMOs.
    resp_code, (org_of, pmo_of, who_of), (org_cats, pmo_cats, who_cats) = _group(
        responses, ["organisation", "pmo", "respondent"])
    n_resp = len(who_of)
    role_rows, role_cats = _column_codes(responses["role"])
    role_of = np.full(n_resp, -1, dtype=np.int64)
    role_of[resp_code] = role_rows  # one role per respondent (validated)
    pmo_code, pmo_uniques = pd.factorize(org_of * (len(pmo_cats) + 1) + pmo_of, sort=False)
    n_pmo = len(pmo_uniques)
    pmo_org, pmo_pmo = np.divmod(pmo_uniques, len(pmo_cats) + 1)

    # Matrix rows: respondents grouped by PMO (first-seen order within each).
    order = np.argsort(pmo_code, kind="stable")  # matrix row r holds respondent order[r]
    row_of = np.empty(n_resp, dtype=np.int64)
    row_of[order] = np.arange(n_resp)
    per_pmo = np.bincount(pmo_code, minlength=n_pmo)
    pmo_starts = np.concatenate(([0], np.cumsum(per_pmo)[:-1]))
    row_pmo = pmo_code[order]
    values = np.full(n_resp * n_items_total, np.nan)
    values[row_of[resp_code] * n_items_total + item_pos] = responses["value"].to_numpy(float)
    values = values.reshape(n_resp, n_items_total)

    answered = ~np.isnan(values)
    a_f = answered.astype(float)
    values0 = np.where(answered, values, 0.0)
    iscore = item_scores(values, items["reverse"].to_numpy(bool), scale.min, scale.max)  # NaN unanswered
    iscore0 = np.where(answered, iscore, 0.0)
    weight = items["weight"].to_numpy(float)
    dim_starts = np.concatenate(([0], np.cumsum(dims["n_items"].to_numpy())[:-1]))

    # Respondent x dimension: weighted mean of answered items, half-answered rule.
    count = np.add.reduceat(a_f, dim_starts, axis=1)
    wsum = np.add.reduceat(a_f * weight, dim_starts, axis=1)
    wscore = np.add.reduceat(iscore0 * weight, dim_starts, axis=1)
    n_items = dims["n_items"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        rscore = np.where((2 * count >= n_items) & (count > 0), wscore / wsum, np.nan)
    respondents = pd.DataFrame({
        "organisation": pd.Categorical.from_codes(np.repeat(org_of[order], n_dims), org_cats),
        "pmo": pd.Categorical.from_codes(np.repeat(pmo_of[order], n_dims), pmo_cats),
        "respondent": pd.Categorical.from_codes(np.repeat(who_of[order], n_dims), who_cats),
        "role": pd.Categorical.from_codes(np.repeat(role_of[order], n_dims), role_cats),
        "dimension": np.tile(dims.index.to_numpy(), n_resp),
        "score": rscore.reshape(-1),
        "answered": count.reshape(-1).astype(int),
        "n_items": np.tile(n_items, n_resp),
    })

    # PMO x dimension: mean, spread and t-based CI across respondents.
    has = ~np.isnan(rscore)
    n = np.add.reduceat(has.astype(float), pmo_starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.add.reduceat(np.where(has, rscore, 0.0), pmo_starts, axis=0) / n
        dev = np.where(has, rscore - mean[row_pmo], 0.0)
        var = np.add.reduceat(dev * dev, pmo_starts, axis=0) / (n - 1)
        half = stats.t.ppf(0.975, n - 1) * np.sqrt(var / n)
    std = np.where(n > 1, np.sqrt(var), np.nan)
    half = np.where(n > 1, half, np.nan)

    # Agreement: variance of raw answers per PMO x item, averaged per dimension.
    # Answers are whole numbers, so their sums and sums of squares are exact.
    icount = np.add.reduceat(a_f, pmo_starts, axis=0)
    isum = np.add.reduceat(values0, pmo_starts, axis=0)
    isq = np.add.reduceat(values0 * values0, pmo_starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ivar = np.maximum(isq - isum * isum / icount, 0.0) / (icount - 1)
    defined = icount >= 2
    j = np.add.reduceat(defined.astype(float), dim_starts, axis=1)
    vsum = np.add.reduceat(np.where(defined, ivar, 0.0), dim_starts, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        agreement = np.where(j > 0, rwg_j(vsum / j, np.maximum(j, 1), scale.points), np.nan)
    mean = np.where(n > 0, mean, np.nan)
    agreement = np.where(np.isnan(mean), np.nan, agreement)  # no score, nothing to agree on

    pmo_org_cat = pd.Categorical.from_codes(pmo_org, org_cats)
    pmo_pmo_cat = pd.Categorical.from_codes(pmo_pmo, pmo_cats)
    flat_mean, flat_half, flat_agree = mean.reshape(-1), half.reshape(-1), agreement.reshape(-1)
    dimensions = pd.DataFrame({
        "organisation": pmo_org_cat.repeat(n_dims),
        "pmo": pmo_pmo_cat.repeat(n_dims),
        "dimension": np.tile(dims.index.to_numpy(), n_pmo),
        "score": flat_mean,
        "level": maturity_level(flat_mean, instrument.maturity_thresholds),
        "respondents": n.reshape(-1).astype(int),
        "std": std.reshape(-1),
        "ci_low": np.clip(flat_mean - flat_half, 0.0, 100.0),
        "ci_high": np.clip(flat_mean + flat_half, 0.0, 100.0),
        "rwg_j": flat_agree,
        "agree": pd.array(np.where(np.isnan(flat_agree), None, flat_agree >= rwg_cutoff), dtype="boolean"),
    })

    # PMO overall: dimension-weighted mean of non-missing dimension scores.
    present = ~np.isnan(mean)
    wdim = np.where(present, dims["weight"].to_numpy(float), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = (np.where(present, mean, 0.0) * wdim).sum(axis=1) / wdim.sum(axis=1)
    answered_per_pmo = icount.sum(axis=1)
    expected = per_pmo * n_items_total
    pmos = pd.DataFrame({
        "organisation": pmo_org_cat,
        "pmo": pmo_pmo_cat,
        "pmo_level": pd.Series(_pmo_levels(responses, pmo_code[resp_code], n_pmo), dtype=object),
        "respondents": per_pmo,
        "answered": answered_per_pmo.astype(int),
        "expected": expected,
        "answer_rate": answered_per_pmo / expected,
        "overall_score": overall,
        "overall_level": maturity_level(overall, instrument.maturity_thresholds),
    })

    reliability = _reliability(iscore0, count, n_items, dim_starts, instrument)
    return Scores(respondents=respondents, dimensions=dimensions, pmos=pmos, reliability=reliability)


def _column_codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of a column and the values they stand for."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.array.codes.astype(np.int64), column.cat.categories
    codes, uniques = pd.factorize(column, sort=False)
    return codes.astype(np.int64), pd.Index(uniques)


def _group(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, list[np.ndarray], list[pd.Index]]:
    """Dense codes (first-seen order) for the combinations of ``columns``.

    Returns the code of every row, and for each combination the code of each
    column's value, with the values those column codes stand for. Rows of one
    combination usually come together (a respondent's answers), so only the
    first key of each run of equal keys is hashed.
    """
    codes_cats = [_column_codes(frame[name]) for name in columns]
    combined = codes_cats[0][0].copy()
    for codes, cats in codes_cats[1:]:
        combined *= len(cats) + 1
        combined += codes
    starts = np.flatnonzero(np.concatenate(([True], combined[1:] != combined[:-1])))
    run_group, uniques = pd.factorize(combined[starts], sort=False)
    group = np.repeat(run_group, np.diff(np.append(starts, len(combined))))
    parts = []
    rest = uniques
    for _, cats in reversed(codes_cats[1:]):
        rest, part = np.divmod(rest, len(cats) + 1)
        parts.append(part)
    parts.append(rest)
    return group, parts[::-1], [cats for _, cats in codes_cats]


def _item_positions(items: pd.Index, column: pd.Series) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        lookup = np.append(items.get_indexer(column.cat.categories), -1)  # code -1 (missing) -> -1
        return lookup[column.array.codes]
    return items.get_indexer(column)


def _pmo_levels(responses: pd.DataFrame, row_pmo: np.ndarray, n_pmo: int) -> list[str | None]:
    """Each PMO's level: validation guarantees at most one per PMO, so any row that gives it will do."""
    if "pmo_level" not in responses:
        return [None] * n_pmo
    column = responses["pmo_level"]
    column = column if isinstance(column.dtype, pd.CategoricalDtype) else column.where(column.astype(str).ne(""))
    codes, levels = _column_codes(column)
    level = np.full(n_pmo, -1, dtype=np.int64)
    given = codes >= 0
    level[row_pmo[given]] = codes[given]
    return [None if c < 0 else str(levels[c]) for c in level]


def _reliability(iscore0: np.ndarray, count: np.ndarray, n_items: np.ndarray, dim_starts: np.ndarray,
                 instrument: Instrument) -> pd.DataFrame:
    """Cronbach's alpha per dimension over every respondent who answered all its items.

    ``alpha = k/(k-1) * (1 - sum(var(item_i)) / var(sum of items))`` on item
    scores (reversed items already turned round), sample variances. NaN with
    fewer than 2 items, fewer than 3 complete respondents, or no variance in
    the totals.
    """
    complete = count == n_items  # respondent x dimension
    cells = np.repeat(complete, n_items, axis=1)  # respondent x item
    masked = np.where(cells, iscore0, 0.0)
    n = complete.sum(axis=0).astype(float)
    n_item = np.repeat(n, n_items)
    with np.errstate(invalid="ignore", divide="ignore"):
        item_mean = masked.sum(axis=0) / n_item
        item_var = ((masked * masked).sum(axis=0) - n_item * item_mean**2) / (n_item - 1)
        totals = np.add.reduceat(masked, dim_starts, axis=1)
        total_mean = totals.sum(axis=0) / n
        total_dev = np.where(complete, totals - total_mean, 0.0)
        total_var = (total_dev * total_dev).sum(axis=0) / (n - 1)
        alpha = n_items / (n_items - 1) * (1 - np.add.reduceat(item_var, dim_starts) / total_var)
    valid = (n_items >= 2) & (n >= 3) & (total_var > 1e-9 * (1 + total_mean**2))
    return pd.DataFrame({
        "dimension": [d.id for d in instrument.dimensions],
        "alpha": np.where(valid, alpha, np.nan),
        "k": n_items,
        "n": n.astype(int),
    })
