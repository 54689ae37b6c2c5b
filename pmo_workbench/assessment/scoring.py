"""From answers to scores: items, respondents, PMO dimensions, overall, maturity.

All functions are pure: they take the tidy responses frame (see
:mod:`pmo_workbench.responses`) and an instrument, and return new frames. The
work is vectorised over integer codes so that 100,000 respondents score in
seconds.

Scoring rules
-------------
- item score = ``100 * (value - min) / (max - min)``; reversed items use ``100 - that``;
- a respondent's dimension score = item-weighted mean of the items they answered,
  missing when they answered fewer than half of the dimension's items their role
  is asked ("don't know" is not an answer);
- a PMO's dimension score = mean of its respondents' non-missing dimension scores;
- overall = dimension-weighted mean of the PMO's non-missing dimension scores;
- maturity level = ``1 + (number of thresholds t with score >= t)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..i18n import N_
from .instrument import Instrument

RWG_CUTOFF = 0.70
"""r*wg(J) below this means respondents do not agree enough to report one score."""
SPLIT_SHARE = 0.25
"""An item is split when at least this share of answers sits at each end of the scale."""
SPLIT_MIN_ANSWERS = 4
"""The split flag needs at least this many answers."""
ALPHA_MIN_RESPONDENTS = 8
"""A PMO's alpha needs at least this many respondents who answered every item of the dimension."""
ALPHA_MIN_ITEMS = 3
"""A PMO's alpha needs at least this many items asked of every role."""
ALPHA_LOW = 0.5
"""Below this, alpha is shown only with :data:`ALPHA_LOW_NOTE`."""
ALPHA_LOW_NOTE = N_("items do not measure one thing for this group")


@dataclass(frozen=True)
class Scores:
    """Every score of a response set, as tidy frames.

    Attributes
    ----------
    respondents
        One row per (organisation, pmo, respondent, dimension): ``role``,
        ``score`` (NaN under the half-answered rule), ``answered``, ``n_items``
        (the items of the dimension the respondent's role is asked).
    dimensions
        One row per (organisation, pmo, dimension): ``score``, ``level``,
        ``respondents`` (with a score), ``std``, ``ci_low``, ``ci_high``
        (95 %, t-based across respondents, clipped to 0-100); agreement
        ``rwg_j``, ``rwg_star_j``, ``ad_m``, ``agree`` (r*wg(J) at or above
        the cut-off, AD_M at most points/6 and no item split), ``split_items``
        (tuple of the polarised items); reliability ``alpha``, ``alpha_n`` (respondents with
        every item), ``alpha_k`` (items asked of every role), ``alpha_note``;
        the customers' view ``score_customers``, ``customers``,
        ``customers_ci_low``, ``customers_ci_high`` (respondents of roles not
        marked ``self``) and ``score_self``, ``self_respondents``.
    pmos
        One row per (organisation, pmo): ``pmo_level``, ``respondents``,
        ``self_respondents``, ``answered``, ``expected`` (items asked, summed
        over respondents), ``answer_rate``, ``overall_score``,
        ``overall_level``, ``overall_customers``, ``overall_self``.
    """

    respondents: pd.DataFrame
    dimensions: pd.DataFrame
    pmos: pd.DataFrame


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


def ad_cutoff(points: int) -> float:
    """The largest acceptable AD_M on a scale of ``points`` answer options: ``points / 6`` (0.83 on 5 points)."""
    return points / 6.0


def rwg_star_j(mean_variance: float | np.ndarray, points: int):
    """Lindell, Brandt & Whitney's r*wg(J) = ``1 - s_bar^2 / sigma_EU^2``, truncated to [0, 1].

    Unlike r_wg(J) it does not rise with the number of items: a group split
    half "agree", half "disagree" stays near 0.5 however many items it rates.

    >>> float(rwg_star_j(1.0, 5))  # half at 2, half at 4 in a large group: variance 1, sigma_EU^2 = 2
    0.5
    """
    sigma = (points**2 - 1) / 12.0
    return np.clip(1.0 - np.asarray(mean_variance, dtype=float) / sigma, 0.0, 1.0)


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
        ``pmo_level`` and ``dont_know``; categorical keys score fastest).
        "Don't know" answers carry no value and are never scored.
    instrument
        The instrument the answers belong to.
    rwg_cutoff
        Agreement is acceptable (``agree`` is True) when r*wg(J) reaches this,
        AD_M stays at or below :func:`ad_cutoff` and no item of the dimension
        is split.

    Notes
    -----
    The answers are laid out once as a dense respondents x items matrix whose
    rows are grouped by PMO and whose columns are grouped by dimension
    (instrument order); every statistic is then a sum over contiguous blocks
    (``numpy.add.reduceat``), with no per-row Python. Every statistic of a PMO
    uses that PMO's respondents only, so it never depends on what else the
    responses hold.
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
    cell = row_of[resp_code] * n_items_total + item_pos
    values = np.full(n_resp * n_items_total, np.nan)
    values[cell] = responses["value"].to_numpy(float)
    values = values.reshape(n_resp, n_items_total)

    # Which items each respondent was asked (by role), and which roles are the PMO's own people.
    row_role = role_of[order]
    asked_by_role = instrument.asked.reindex([str(r) for r in role_cats]).fillna(True).to_numpy(bool)
    asked = np.where((row_role >= 0)[:, None], asked_by_role[np.maximum(row_role, 0)], True)
    self_codes = np.array([str(r) in instrument.self_roles for r in role_cats] + [False])
    is_self = self_codes[row_role]

    answered = ~np.isnan(values)
    a_f = answered.astype(float)
    values0 = np.where(answered, values, 0.0)
    iscore = item_scores(values, items["reverse"].to_numpy(bool), scale.min, scale.max)  # NaN unanswered
    iscore0 = np.where(answered, iscore, 0.0)
    weight = items["weight"].to_numpy(float)
    dim_starts = np.concatenate(([0], np.cumsum(dims["n_items"].to_numpy())[:-1]))

    # Respondent x dimension: weighted mean of answered items; missing under half of the items asked.
    count = np.add.reduceat(a_f, dim_starts, axis=1)
    n_asked = np.add.reduceat(asked.astype(float), dim_starts, axis=1)
    wsum = np.add.reduceat(a_f * weight, dim_starts, axis=1)
    wscore = np.add.reduceat(iscore0 * weight, dim_starts, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rscore = np.where((2 * count >= n_asked) & (count > 0), wscore / wsum, np.nan)
    respondents = pd.DataFrame({
        "organisation": pd.Categorical.from_codes(np.repeat(org_of[order], n_dims), org_cats),
        "pmo": pd.Categorical.from_codes(np.repeat(pmo_of[order], n_dims), pmo_cats),
        "respondent": pd.Categorical.from_codes(np.repeat(who_of[order], n_dims), who_cats),
        "role": pd.Categorical.from_codes(np.repeat(role_of[order], n_dims), role_cats),
        "dimension": np.tile(dims.index.to_numpy(), n_resp),
        "score": rscore.reshape(-1),
        "answered": count.reshape(-1).astype(int),
        "n_items": n_asked.reshape(-1).astype(int),
    })

    # PMO x dimension: mean, spread and t-based CI across respondents; the same over customers and self.
    has = ~np.isnan(rscore)
    n, mean, std, half = _spread(rscore, has, pmo_starts, row_pmo)
    n_cust, mean_cust, _, half_cust = _spread(rscore, has & ~is_self[:, None], pmo_starts, row_pmo)
    n_self, mean_self, _, _ = _spread(rscore, has & is_self[:, None], pmo_starts, row_pmo)

    # Agreement on raw answers per PMO x item, averaged per dimension.
    icount = np.add.reduceat(a_f, pmo_starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        imean = np.add.reduceat(values0, pmo_starts, axis=0) / icount
        dev = np.where(answered, values - imean[row_pmo], 0.0)
        ivar = np.add.reduceat(dev * dev, pmo_starts, axis=0) / (icount - 1)
        iad = np.add.reduceat(np.abs(dev), pmo_starts, axis=0) / icount
    defined = icount >= 2
    j = np.add.reduceat(defined.astype(float), dim_starts, axis=1)
    vsum = np.add.reduceat(np.where(defined, ivar, 0.0), dim_starts, axis=1)
    adsum = np.add.reduceat(np.where(defined, iad, 0.0), dim_starts, axis=1)
    no_score = np.isnan(mean) | (j == 0)  # nothing to agree on
    with np.errstate(invalid="ignore", divide="ignore"):
        vbar = vsum / j
        agreement = np.where(no_score, np.nan, rwg_j(vbar, np.maximum(j, 1), scale.points))
        agreement_star = np.where(no_score, np.nan, rwg_star_j(vbar, scale.points))
        ad_m = np.where(no_score, np.nan, adsum / j)
    agree = (agreement_star >= rwg_cutoff) & (ad_m <= ad_cutoff(scale.points) + 1e-12)

    # Polarised items: at least a quarter at the bottom and a quarter at the top, with enough answers.
    low_cut, high_cut = _split_cuts(scale.min, scale.max)
    low = np.add.reduceat((answered & (values <= low_cut)).astype(float), pmo_starts, axis=0)
    high = np.add.reduceat((answered & (values >= high_cut)).astype(float), pmo_starts, axis=0)
    split = (icount >= SPLIT_MIN_ANSWERS) & (low >= SPLIT_SHARE * icount) & (high >= SPLIT_SHARE * icount)
    item_ids = items.index.to_numpy(object)
    split_items = [
        [tuple(item_ids[dim_starts[d] + np.flatnonzero(split[p, dim_starts[d]:dim_starts[d] + n_in])])
         for d, n_in in enumerate(dims["n_items"].to_numpy())]
        for p in range(n_pmo)
    ]

    alpha, alpha_n, alpha_k, alpha_note = _pmo_alpha(iscore0, answered, pmo_starts, row_pmo, dim_starts, instrument)

    pmo_org_cat = pd.Categorical.from_codes(pmo_org, org_cats)
    pmo_pmo_cat = pd.Categorical.from_codes(pmo_pmo, pmo_cats)
    flat_mean, flat_half = mean.reshape(-1), half.reshape(-1)
    flat_cust, flat_half_cust = mean_cust.reshape(-1), half_cust.reshape(-1)
    has_split = np.array([[bool(t) for t in row] for row in split_items], dtype=bool).reshape(-1) if n_pmo else (
        np.zeros(0, dtype=bool))
    flat_agree = agree.reshape(-1) & ~has_split  # a split room never agrees, whatever its averages say
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
        "rwg_j": agreement.reshape(-1),
        "rwg_star_j": agreement_star.reshape(-1),
        "ad_m": ad_m.reshape(-1),
        "agree": pd.array(np.where(np.isnan(agreement_star.reshape(-1)), None, flat_agree), dtype="boolean"),
        "split_items": pd.Series([t for row in split_items for t in row], dtype=object),
        "alpha": alpha.reshape(-1),
        "alpha_n": alpha_n.reshape(-1).astype(int),
        "alpha_k": np.tile(alpha_k, n_pmo).astype(int),
        "alpha_note": pd.Series(alpha_note.reshape(-1), dtype=object),
        "score_customers": flat_cust,
        "customers": n_cust.reshape(-1).astype(int),
        "customers_ci_low": np.clip(flat_cust - flat_half_cust, 0.0, 100.0),
        "customers_ci_high": np.clip(flat_cust + flat_half_cust, 0.0, 100.0),
        "score_self": mean_self.reshape(-1),
        "self_respondents": n_self.reshape(-1).astype(int),
    })

    # PMO overall: dimension-weighted mean of non-missing dimension scores (pooled, customers, self).
    dim_weight = dims["weight"].to_numpy(float)
    answered_per_pmo = icount.sum(axis=1)
    expected = np.add.reduceat(asked.sum(axis=1).astype(float), pmo_starts) if n_resp else np.zeros(n_pmo)
    is_self_resp = np.add.reduceat(is_self.astype(float), pmo_starts)
    overall = _weighted(mean, dim_weight)
    pmos = pd.DataFrame({
        "organisation": pmo_org_cat,
        "pmo": pmo_pmo_cat,
        "pmo_level": pd.Series(_pmo_levels(responses, pmo_code[resp_code], n_pmo), dtype=object),
        "respondents": per_pmo,
        "self_respondents": is_self_resp.astype(int),
        "answered": answered_per_pmo.astype(int),
        "expected": expected.astype(int),
        "answer_rate": answered_per_pmo / expected,
        "overall_score": overall,
        "overall_level": maturity_level(overall, instrument.maturity_thresholds),
        "overall_customers": _weighted(mean_cust, dim_weight),
        "overall_self": _weighted(mean_self, dim_weight),
    })
    return Scores(respondents=respondents, dimensions=dimensions, pmos=pmos)


def _spread(rscore: np.ndarray, has: np.ndarray, pmo_starts: np.ndarray, row_pmo: np.ndarray):
    """Per PMO x dimension over the respondents in ``has``: count, mean, standard deviation and the
    half-width of the t-based 95 % CI (NaN below 2 respondents; mean NaN without any)."""
    n = np.add.reduceat(has.astype(float), pmo_starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.add.reduceat(np.where(has, rscore, 0.0), pmo_starts, axis=0) / n
        dev = np.where(has, rscore - mean[row_pmo], 0.0)
        var = np.add.reduceat(dev * dev, pmo_starts, axis=0) / (n - 1)
        half = stats.t.ppf(0.975, n - 1) * np.sqrt(var / n)
    mean = np.where(n > 0, mean, np.nan)
    return n, mean, np.where(n > 1, np.sqrt(var), np.nan), np.where(n > 1, half, np.nan)


def _weighted(means: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per PMO, the weighted mean of its non-missing dimension scores (NaN without any)."""
    present = ~np.isnan(means)
    w = np.where(present, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(present, means, 0.0) * w).sum(axis=1) / w.sum(axis=1)


def _split_cuts(lo: int, hi: int) -> tuple[int, int]:
    """The answers counted as the bottom and the top of the scale for the split flag: the two lowest and
    two highest points, or the end points alone on a scale of fewer than 4 points (where they would meet)."""
    return (lo + 1, hi - 1) if hi - lo + 1 >= 4 else (lo, hi)


def _pmo_alpha(iscore0: np.ndarray, answered: np.ndarray, pmo_starts: np.ndarray, row_pmo: np.ndarray,
               dim_starts: np.ndarray, instrument: Instrument):
    """Cronbach's alpha per PMO x dimension over the PMO's own respondents.

    The items are the dimension's items asked of every role (``k`` of them),
    the respondents those of the PMO who answered all of them (``n``).
    ``alpha = k/(k-1) * (1 - sum(var(item_i)) / var(sum of items))`` on item
    scores (reversed items already turned round), sample variances. Returns
    alpha (NaN when not computed), n, k per dimension, and the note saying
    why alpha is missing or must be read with care (``None`` otherwise).
    """
    universal = instrument.items["audience"].isna().to_numpy(bool)
    k = np.add.reduceat(universal.astype(float), dim_starts)
    missing_universal = ~answered & universal[None, :]
    complete = np.add.reduceat(missing_universal.astype(float), dim_starts, axis=1) == 0  # respondent x dim
    cells = np.repeat(complete, np.diff(np.append(dim_starts, answered.shape[1])), axis=1) & universal[None, :]
    n = np.add.reduceat(complete.astype(float), pmo_starts, axis=0)
    n_cell = np.add.reduceat(cells.astype(float), pmo_starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        item_mean = np.add.reduceat(np.where(cells, iscore0, 0.0), pmo_starts, axis=0) / n_cell
        dev = np.where(cells, iscore0 - item_mean[row_pmo], 0.0)
        item_var = np.add.reduceat(dev * dev, pmo_starts, axis=0) / (n_cell - 1)
        totals = np.add.reduceat(np.where(cells, iscore0, 0.0), dim_starts, axis=1)
        total_mean = np.add.reduceat(np.where(complete, totals, 0.0), pmo_starts, axis=0) / n
        total_dev = np.where(complete, totals - total_mean[row_pmo], 0.0)
        total_var = np.add.reduceat(total_dev * total_dev, pmo_starts, axis=0) / (n - 1)
        item_var_sum = np.add.reduceat(np.where(universal[None, :], np.nan_to_num(item_var), 0.0), dim_starts,
                                       axis=1)
        alpha = k / (k - 1) * (1 - item_var_sum / total_var)
    few_items = k < ALPHA_MIN_ITEMS
    few_people = n < ALPHA_MIN_RESPONDENTS
    flat = total_var <= 1e-9 * (1 + total_mean**2)
    valid = ~few_items[None, :] & ~few_people & ~flat
    alpha = np.where(valid, alpha, np.nan)
    notes = np.full(alpha.shape, None, dtype=object)
    for (p, d), value in np.ndenumerate(alpha):
        if few_items[d]:
            notes[p, d] = (f"not computed: only {int(k[d])} of its items are asked of every role; "
                           f"alpha needs {ALPHA_MIN_ITEMS}")
        elif few_people[p, d]:
            notes[p, d] = (f"not computed: {int(n[p, d])} respondents answered every item; "
                           f"alpha needs {ALPHA_MIN_RESPONDENTS}")
        elif flat[p, d]:
            notes[p, d] = "not computed: the respondents' totals do not vary"
        elif value < ALPHA_LOW:
            notes[p, d] = ALPHA_LOW_NOTE
    return alpha, n, k, notes


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
