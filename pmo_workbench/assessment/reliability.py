"""The instrument's reliability across a cohort: item analysis for improving the questionnaire.

A PMO's own Cronbach's alpha (its respondents only) is part of scoring
(:mod:`.scoring`); this module pools every respondent of a responses frame,
whatever their organisation, to judge the *items*: whether the items of a
dimension move together, which item does not, and which the respondents cannot
answer ("don't know"). Pooled alpha describes the instrument on this cohort,
never the reliability of one PMO's scores (pooling organisations that differ
inflates it).

Statistics
----------
Per dimension, only the items asked of every role are used (``k`` of them;
an item with an ``audience`` is answered by some roles only, so no respondent
set is complete over it), and only respondents who answered all ``k`` items
(``n``; "don't know" is not an answer). On item scores 0-100 with reversed
items turned round (:func:`.scoring.item_scores`), with sample variances
(``n - 1``):

- ``alpha = k/(k-1) * (1 - sum(var(item_i)) / var(total))``;
- corrected item-total r: Pearson r of an item with the sum of the *other*
  items of its dimension;
- alpha if deleted: alpha of the other ``k - 1`` items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._values import integer, jsonable, rounded
from .instrument import Instrument
from .scoring import ALPHA_MIN_ITEMS, ALPHA_MIN_RESPONDENTS, item_scores

ALPHA_ACCEPTABLE = 0.70
"""Pooled alpha below this means the dimension's items do not yet measure one thing consistently."""
ITEM_TOTAL_MIN = 0.30
"""A corrected item-total r below this means the item does not move with the other items of its dimension."""
LOW_ALPHA_NOTE = (f"below {ALPHA_ACCEPTABLE:.2f}: the items do not yet measure one thing consistently; revise the "
                  f"items with item-total r below {ITEM_TOTAL_MIN:.2f} or alpha if deleted above alpha")

DIMENSION_COLUMNS = ("dimension", "label", "k", "left_out", "n", "alpha", "note")
ITEM_COLUMNS = ("dimension", "item", "text", "reverse", "in_alpha", "answers", "mean", "sd", "item_total_r",
                "alpha_if_deleted", "dont_know_rate")


@dataclass(frozen=True)
class InstrumentStats:
    """Reliability and item analysis of an instrument over every respondent of a responses frame.

    Attributes
    ----------
    instrument
        The instrument analysed.
    respondents
        Response sets in the frame: distinct (organisation, pmo, respondent).
    organisations
        Distinct organisations in the frame.
    dimensions
        One row per dimension, instrument order: ``dimension``, ``label``,
        ``k`` (items used: those asked of every role), ``left_out`` (items
        left out because not every role is asked them), ``n`` (respondents
        who answered all ``k`` items), ``alpha`` (NaN when not computed) and
        ``note`` (why alpha is missing, the guidance when it is below
        :data:`ALPHA_ACCEPTABLE`, else ``None``).
    items
        One row per item used, instrument order: ``dimension``, ``item``,
        ``text``, ``reverse``, ``answers`` (respondents who gave it a value),
        ``mean`` and ``sd`` (of the item score over those answers),
        ``item_total_r`` (corrected item-total correlation),
        ``alpha_if_deleted`` (both over the dimension's ``n`` respondents,
        NaN when fewer than :data:`~.scoring.ALPHA_MIN_RESPONDENTS` or
        undefined) and ``dont_know_rate`` ("don't know" answers per
        respondent asked the item).
    """

    instrument: Instrument
    respondents: int
    organisations: int
    dimensions: pd.DataFrame
    items: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``pmo-workbench instrument stats --format json``: statistics rounded
        (alpha and r to 3 decimals, means to 2, rates to 4), missing values as ``None``."""
        dims = []
        for d in self.dimensions.itertuples(index=False):
            items = self.items[self.items["dimension"] == d.dimension]
            dims.append({
                "dimension": d.dimension, "label": d.label, "k": int(d.k), "left_out": int(d.left_out),
                "n": int(d.n), "alpha": rounded(d.alpha, 3), "note": d.note,
                "items": [
                    {"item": i.item, "text": i.text, "reverse": bool(i.reverse), "in_alpha": bool(i.in_alpha),
                     "answers": integer(i.answers),
                     "mean": rounded(i.mean), "sd": rounded(i.sd), "item_total_r": rounded(i.item_total_r, 3),
                     "alpha_if_deleted": rounded(i.alpha_if_deleted, 3),
                     "dont_know_rate": rounded(i.dont_know_rate, 4)}
                    for i in items.itertuples(index=False)
                ],
            })
        return jsonable({
            "instrument": {"id": self.instrument.id, "version": self.instrument.version},
            "respondents": self.respondents,
            "organisations": self.organisations,
            "dimensions": dims,
        })


def instrument_stats(responses: pd.DataFrame, instrument: Instrument) -> InstrumentStats:
    """Cronbach's alpha and item analysis of every dimension, pooled over all respondents of ``responses``.

    For improving the instrument, not for judging a PMO: every organisation
    in the frame is pooled (a PMO's own alpha is in its scores).

    Parameters
    ----------
    responses
        The tidy frame of :func:`pmo_workbench.read_responses` (or the store):
        columns ``organisation, pmo, respondent, role, item, value`` and
        optionally ``dont_know`` (absent: no "don't know" answers). A
        respondent is one (organisation, pmo, respondent) combination: a
        person who answered for two PMOs gave two response sets and counts
        twice.
    instrument
        The instrument the answers belong to.

    Returns
    -------
    InstrumentStats
        Per dimension ``k``, ``n``, ``alpha`` and a note; per item its mean,
        spread, corrected item-total r, alpha if deleted and "don't know"
        rate (see the module docstring for the formulas).

    Raises
    ------
    ValueError
        When the frame holds no answers, or items the instrument does not
        have (validate the responses first).

    Notes
    -----
    Alpha is not computed (NaN, with a note) for fewer than
    :data:`~.scoring.ALPHA_MIN_ITEMS` items, fewer than
    :data:`~.scoring.ALPHA_MIN_RESPONDENTS` respondents or totals that do not
    vary; item-total r and alpha if deleted need the same respondents, and
    are NaN where they are undefined (an item or the rest without variance,
    fewer than two items left).
    """
    if responses.empty:
        raise ValueError("no answers to analyse")
    items = instrument.items
    item_pos = items.index.get_indexer(responses["item"].astype(object))
    if (item_pos < 0).any():
        unknown = sorted({str(i) for i in responses["item"][item_pos < 0]})
        raise ValueError(f"items not in instrument {instrument.id}: {unknown[:5]}; validate responses first")

    keys = responses[["organisation", "pmo", "respondent"]]
    resp_code = keys.groupby(list(keys.columns), sort=False, observed=True, dropna=False).ngroup().to_numpy()
    n_resp, n_items = int(resp_code.max()) + 1, len(items)
    values = np.full((n_resp, n_items), np.nan)
    values[resp_code, item_pos] = responses["value"].to_numpy(float)
    scores = item_scores(values, items["reverse"].to_numpy(bool), instrument.scale.min, instrument.scale.max)

    # "Don't know" per item, over the respondents whose role is asked it (an unknown role is asked everything).
    dont_know = (responses["dont_know"].fillna(False).to_numpy(bool) if "dont_know" in responses
                 else np.zeros(len(responses), dtype=bool))
    dk_count = np.bincount(item_pos[dont_know], minlength=n_items)
    role_of = pd.Series(responses["role"].astype(object).to_numpy()).groupby(resp_code).first()
    asked = instrument.asked.reindex(role_of.astype(str)).fillna(True).to_numpy(bool)
    asked_count = asked.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        dk_rate = np.where(asked_count > 0, dk_count / asked_count, np.nan)

    universal = items["audience"].isna().to_numpy(bool)
    dim_rows, item_frames = [], []
    for dim_id, label in instrument.dimension_table["label"].items():
        in_dim = (items["dimension"] == dim_id).to_numpy()
        used = in_dim & universal
        stats = _dimension_stats(scores[:, used])
        computed = stats["k"] >= ALPHA_MIN_ITEMS and stats["n"] >= ALPHA_MIN_RESPONDENTS and not stats["flat"]
        alpha = stats["alpha"] if computed else np.nan
        dim_rows.append({"dimension": dim_id, "label": label, "k": stats["k"],
                         "left_out": int((in_dim & ~universal).sum()), "n": stats["n"], "alpha": alpha,
                         "note": _note(stats["k"], stats["n"], alpha, stats["flat"])})
        # every item of the dimension, in instrument order; those asked of some roles only are outside alpha
        table = items.loc[in_dim, ["dimension", "text", "reverse"]].reset_index()
        table["in_alpha"] = universal[in_dim]
        table["answers"], table["mean"], table["sd"] = _item_spread(scores[:, in_dim])
        table["item_total_r"] = np.nan
        table["alpha_if_deleted"] = np.nan
        table.loc[table["in_alpha"], "item_total_r"] = stats["item_total_r"]
        table.loc[table["in_alpha"], "alpha_if_deleted"] = stats["alpha_if_deleted"]
        table["dont_know_rate"] = dk_rate[in_dim]
        item_frames.append(table)

    item_table = pd.concat(item_frames, ignore_index=True) if item_frames else pd.DataFrame()
    dimensions = pd.DataFrame(dim_rows, columns=list(DIMENSION_COLUMNS))
    dimensions["note"] = pd.Series([row["note"] for row in dim_rows], dtype=object)  # None stays None
    return InstrumentStats(
        instrument=instrument,
        respondents=n_resp,
        organisations=int(responses["organisation"].nunique()),
        dimensions=dimensions,
        items=item_table.reindex(columns=list(ITEM_COLUMNS)),
    )


def _flat(variance: np.ndarray | float, mean: np.ndarray | float) -> np.ndarray:
    """Whether a variance is zero up to rounding (relative to the size of the values)."""
    return np.asarray(variance) <= 1e-9 * (1 + np.asarray(mean) ** 2)


def _item_spread(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column of a respondents x items score matrix (NaN = no answer): answers, mean and sample SD."""
    answers = (~np.isnan(scores)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(answers > 0, np.nansum(scores, axis=0) / answers, np.nan)
        sd = np.sqrt(np.nansum((scores - mean) ** 2, axis=0) / (answers - 1))
    return answers, mean, np.where(answers > 1, sd, np.nan)


def _dimension_stats(scores: np.ndarray) -> dict[str, Any]:
    """Alpha and item statistics of one dimension from its respondents x items score matrix (NaN = no answer)."""
    k = scores.shape[1]
    answered = ~np.isnan(scores)
    answers, mean, sd = _item_spread(scores)

    complete = scores[answered.all(axis=1)] if k else np.empty((0, 0))
    n = len(complete)
    nan_k = np.full(k, np.nan)
    result = {"k": k, "n": n, "answers": answers, "mean": mean, "sd": sd, "alpha": np.nan, "flat": False,
              "item_total_r": nan_k, "alpha_if_deleted": nan_k}
    if k < 2 or n < 2:
        return result
    dev = complete - complete.mean(axis=0)
    item_ss = (dev * dev).sum(axis=0)
    total = complete.sum(axis=1)
    total_dev = total - total.mean()
    total_ss = total_dev @ total_dev
    rest_dev = total_dev[:, None] - dev  # deviations of the sum of the other items, one column per item
    rest_ss = (rest_dev * rest_dev).sum(axis=0)
    flat = bool(_flat(total_ss / (n - 1), total.mean()))
    # Every variance has the same n - 1 denominator, so ratios of sums of squares are ratios of variances.
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = k / (k - 1) * (1 - item_ss.sum() / total_ss) if not flat else np.nan
        r = (dev * rest_dev).sum(axis=0) / np.sqrt(item_ss * rest_ss)
        rest_mean = total.mean() - complete.mean(axis=0)
        r = np.where(_flat(item_ss / (n - 1), complete.mean(axis=0)) | _flat(rest_ss / (n - 1), rest_mean),
                     np.nan, r)
        if k >= 3:
            deleted = (k - 1) / (k - 2) * (1 - (item_ss.sum() - item_ss) / rest_ss)
            deleted = np.where(_flat(rest_ss / (n - 1), rest_mean), np.nan, deleted)
        else:
            deleted = nan_k
    enough = n >= ALPHA_MIN_RESPONDENTS
    result.update(alpha=float(alpha), flat=flat, item_total_r=r if enough else nan_k,
                  alpha_if_deleted=deleted if enough else nan_k)
    return result


def _note(k: int, n: int, alpha: float, flat: bool) -> str | None:
    """Why alpha is not computed, or the guidance when it is low; ``None`` when there is nothing to say."""
    if k < ALPHA_MIN_ITEMS:
        return (f"not computed: only {k} of its items {'is' if k == 1 else 'are'} asked of every role; "
                f"alpha needs {ALPHA_MIN_ITEMS}")
    if n < ALPHA_MIN_RESPONDENTS:
        return (f"not computed: {n} respondent{'' if n == 1 else 's'} answered every item; "
                f"alpha needs {ALPHA_MIN_RESPONDENTS}")
    if flat or np.isnan(alpha):
        return "not computed: the respondents' totals do not vary"
    if alpha < ALPHA_ACCEPTABLE:
        return LOW_ALPHA_NOTE
    return None
