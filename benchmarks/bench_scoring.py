"""Scoring speed: the vectorised engine against a plain Python loop, in the same run.

Builds a synthetic response set (default 100,000 respondents x 50 items, in
1,000 PMOs of 100 respondents each, 5 % unanswered, categorical keys as
``read_responses`` returns them), then computes the same statistics twice:

- ``baseline``: plain Python loops over the answers (dicts and lists, no
  numpy), the way the rules read: respondent dimension scores with the
  half-answered rule, PMO dimension means and standard deviations (for the
  intervals), r_wg(J), r*wg(J) and AD_M agreement per PMO and dimension,
  Cronbach's alpha per PMO and dimension;
- ``score()``: the package's vectorised scoring, which computes all of that
  and more (maturity levels, overall scores, answer rates, t intervals).

Every number of the baseline is checked against ``score()`` before any time is
printed. ``score()`` is timed best of ``--repeat`` runs; the baseline once.
Run::

    .venv/bin/python benchmarks/bench_scoring.py [--respondents N] [--items-per-dimension K]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections import defaultdict

import numpy as np
import pandas as pd

from pmo_workbench.assessment.instrument import Instrument
from pmo_workbench.assessment.scoring import score


def synthetic_instrument(dimensions: int, items_per_dimension: int) -> Instrument:
    dims = [
        {"id": f"d{d}", "label": f"Dimension {d}", "weight": 1 + d % 3,
         "items": [{"id": f"d{d}i{i}", "text": "statement", "weight": 1 + (i % 2), "reverse": i == 0}
                   for i in range(items_per_dimension)]}
        for d in range(dimensions)
    ]
    return Instrument.model_validate({
        "id": "bench", "version": "1", "title": "benchmark", "scale": {"min": 1, "max": 5},
        "roles": [{"id": r, "label": r} for r in ("executive", "pmo_staff", "project_manager")],
        "dimensions": dims, "types": [{"id": "supportive", "label": "S", "gates": {"d0": 40}}],
    })


def synthetic_responses(instrument: Instrument, respondents: int, per_pmo: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    items = instrument.items.index.to_numpy(object)
    n_items = len(items)
    resp_ids = np.array([f"R{i}" for i in range(respondents)], dtype=object)
    org_ids = np.array([f"Org {i // per_pmo}" for i in range(respondents)], dtype=object)
    roles = np.array(["executive", "pmo_staff", "project_manager"], dtype=object)[np.arange(respondents) % 3]
    # Answers lean on a per-respondent level so that alpha and agreement are not trivial.
    level = rng.normal(3, 0.8, respondents)
    values = np.clip(np.rint(np.repeat(level, n_items) + rng.normal(0, 0.9, respondents * n_items)), 1, 5)
    reverse = np.tile(instrument.items["reverse"].to_numpy(bool), respondents)
    values = np.where(reverse, 6 - values, values)
    values[rng.random(values.size) < 0.05] = np.nan
    # The shape read_responses() returns: categorical keys, float values.
    return pd.DataFrame({
        "organisation": pd.Categorical(np.repeat(org_ids, n_items)),
        "pmo": pd.Categorical(np.full(respondents * n_items, "PMO", dtype=object)),
        "pmo_level": pd.Categorical([None] * (respondents * n_items), categories=["enterprise"]),
        "respondent": pd.Categorical(np.repeat(resp_ids, n_items)),
        "role": pd.Categorical(np.repeat(roles, n_items)),
        "item": pd.Categorical(np.tile(items, respondents), categories=items),
        "value": values,
    })


def baseline(responses: pd.DataFrame, instrument: Instrument) -> dict[str, dict]:
    """The scoring rules as plain Python loops.

    Returns ``{"score": {(org, pmo, dim): mean}, "std": {...}, "rwg_j": {...},
    "alpha": {(org, pmo, dim): alpha}}`` (and ``rwg_star_j``, ``ad_m``).
    """
    lo, hi = instrument.scale.min, instrument.scale.max
    sigma = ((hi - lo + 1) ** 2 - 1) / 12
    item_info = {i.id: (d.id, i.weight, i.reverse) for d in instrument.dimensions for i in d.items}
    dim_items = {d.id: [i.id for i in d.items] for d in instrument.dimensions}

    answers: dict[tuple, dict[str, float]] = defaultdict(dict)  # (org, pmo, who) -> item -> value
    columns = [responses[c].tolist() for c in ("organisation", "pmo", "respondent", "item", "value")]
    for org, pmo, who, item, value in zip(*columns):
        if value == value:  # not NaN: answered
            answers[(org, pmo, who)][item] = value

    def item_score(item: str, value: float) -> float:
        s = 100.0 * (value - lo) / (hi - lo)
        return 100.0 - s if item_info[item][2] else s

    per_pmo_scores: dict[tuple, list[float]] = defaultdict(list)
    per_pmo_item_values: dict[tuple, list[float]] = defaultdict(list)
    complete_rows: dict[tuple, list[list[float]]] = defaultdict(list)  # (org, pmo, dim) -> complete answers
    for (org, pmo, _who), given in answers.items():
        for dim, ids in dim_items.items():
            got = [i for i in ids if i in given]
            if got and 2 * len(got) >= len(ids):
                weights = [item_info[i][1] for i in got]
                total = sum(w * item_score(i, given[i]) for w, i in zip(weights, got))
                per_pmo_scores[(org, pmo, dim)].append(total / sum(weights))
            if len(got) == len(ids):
                complete_rows[(org, pmo, dim)].append([item_score(i, given[i]) for i in ids])
        for item, value in given.items():
            per_pmo_item_values[(org, pmo, item)].append(value)

    result: dict[str, dict] = {"score": {}, "std": {}, "rwg_j": {}, "rwg_star_j": {}, "ad_m": {}, "alpha": {}}
    for key, values in per_pmo_scores.items():
        result["score"][key] = statistics.fmean(values)
        if len(values) > 1:
            result["std"][key] = statistics.stdev(values)
    for org, pmo in {(o, p) for o, p, _ in per_pmo_scores}:
        for dim, ids in dim_items.items():
            variances = [statistics.variance(v) for i in ids
                         if len(v := per_pmo_item_values.get((org, pmo, i), [])) >= 2]
            if variances:
                ratio = statistics.fmean(variances) / sigma
                j = len(variances)
                result["rwg_j"][(org, pmo, dim)] = 0.0 if ratio >= 1 else j * (1 - ratio) / (j * (1 - ratio) + ratio)
                result["rwg_star_j"][(org, pmo, dim)] = min(max(1 - ratio, 0.0), 1.0)
                deviations = [statistics.fmean(abs(x - statistics.fmean(v)) for x in v) for i in ids
                              if len(v := per_pmo_item_values.get((org, pmo, i), [])) >= 2]
                result["ad_m"][(org, pmo, dim)] = statistics.fmean(deviations)
    for key, rows in complete_rows.items():  # alpha per PMO: its own complete respondents, 8 or more, 3+ items
        k = len(dim_items[key[2]])
        if k >= 3 and len(rows) >= 8:
            item_var = sum(statistics.variance(col) for col in zip(*rows))
            total_var = statistics.variance([sum(r) for r in rows])
            result["alpha"][key] = k / (k - 1) * (1 - item_var / total_var)
    return result


def check(expected: dict[str, dict], scores) -> float:
    """Largest absolute difference between the baseline and score(); raises if they disagree."""
    dims = scores.dimensions
    keys = list(zip(dims["organisation"], dims["pmo"], dims["dimension"]))
    worst = 0.0
    for column in ("score", "std", "rwg_j", "rwg_star_j", "ad_m", "alpha"):
        got = {k: v for k, v in zip(keys, dims[column]) if not math.isnan(v)}
        assert got.keys() == expected[column].keys(), f"{column}: different groups scored"
        worst = max(worst, max((abs(got[k] - expected[column][k]) for k in got), default=0.0))
    assert worst < 1e-8, f"results differ by {worst}"
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--dimensions", type=int, default=10)
    parser.add_argument("--items-per-dimension", type=int, default=5)
    parser.add_argument("--per-pmo", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    instrument = synthetic_instrument(args.dimensions, args.items_per_dimension)
    responses = synthetic_responses(instrument, args.respondents, args.per_pmo)
    print(f"data: {args.respondents:,} respondents x {len(instrument.items)} items = {len(responses):,} answers "
          f"in {args.respondents // args.per_pmo:,} PMOs")

    t0 = time.perf_counter()
    expected = baseline(responses, instrument)
    t_loop = time.perf_counter() - t0

    timings = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        scores = score(responses, instrument)
        timings.append(time.perf_counter() - t0)
    t_vec = min(timings)
    worst = check(expected, scores)

    print(f"baseline  plain Python loops (scores, std, r_wg(J), r*wg(J), AD, alpha per PMO): {t_loop:7.2f} s")
    print(f"score()   vectorised, same statistics and more, best of {args.repeat}:  {t_vec:7.2f} s")
    print(f"speed-up: {t_loop / t_vec:.1f}x  (target: >= 20x and under 5 s); largest difference {worst:.1e}")


if __name__ == "__main__":
    main()
