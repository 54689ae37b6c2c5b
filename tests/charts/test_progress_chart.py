"""The progress chart: scores per wave, the change with its CI, and the minimum-change band."""

from __future__ import annotations

import json

import pandas as pd

from pmo_workbench.charts.progress import progress_changes


def test_the_chart_draws_both_waves_the_ci_and_the_band():
    dims = pd.DataFrame({
        "dimension": ["a", "b"], "label": ["Alpha", "Beta"], "score_before": [50.0, 60.0],
        "score_after": [62.0, float("nan")], "n_before": [4, 4], "n_after": [5, 1], "change": [12.0, float("nan")],
        "ci_low": [4.5, float("nan")], "ci_high": [19.5, float("nan")], "verdict": ["improved", "too_few"]})
    spec = progress_changes(dims, min_change=7, waves=("2025", "2026")).to_dict()
    text = json.dumps(spec)
    assert "NaN" not in text  # missing values are JSON null
    datasets = list(spec["datasets"].values())
    band = next(d for d in datasets if d and "low" in d[0])
    assert band == [{"low": -7.0, "high": 7.0, "what": "less than 7 points either way"}]
    changes = next(d for d in datasets if d and "ci_low" in d[0])
    assert [(r["label"], r["change"], r["ci"], r["verdict"]) for r in changes] == [
        ("Alpha", 12.0, "+4.5 to +19.5", "improved"), ("Beta", None, "–", "too few answers")]
    scores = next(d for d in datasets if d and "wave" in d[0])
    assert [(r["wave"], r["score"]) for r in scores] == [("2025", 50.0), ("2026", 62.0), ("2025", 60.0),
                                                         ("2026", None)]
    assert dims["change"].iloc[0] == 12.0  # the input is left alone
