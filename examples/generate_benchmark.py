"""Generate the synthetic benchmark pool shipped as ``examples/benchmark_pool.csv``.

Run ``python examples/generate_benchmark.py`` (from any folder; ``--out FILE`` writes elsewhere). The file is
byte-identical from one run to the next: all randomness comes from ``numpy.random.default_rng(SEED)``.

Every entry is **synthetic** (``synthetic`` is true on every row, so a report comparing with this pool says the
pool is synthetic): made-up numbers for the demo, not a measurement of any PMO. It is in the format
``pmo-workbench benchmark export`` writes, so ``pmo-workbench benchmark import examples/benchmark_pool.csv``
loads it into a pool and ``report positioning --benchmark examples/benchmark_pool.csv`` compares with it directly.

How an entry is drawn
---------------------
- 300 entries of the instrument pmo-core 2.0, from 270 made-up organisations (each a random ``org_key``): 30 of
  them were assessed twice, a year apart, so that the comparison's one-entry-per-organisation rule has work to do.
- Sector: uniform over the instrument's ``sector`` context choices; size band: micro 5 %, small 20 %, medium
  35 %, large 40 %; PMO level: project 35 %, department 40 %, enterprise 25 %; region: one of five labels; year
  2023-2026; respondents 5-40.
- Scores: a latent maturity per entry, normal around 45 (project), 52 (department) or 58 (enterprise) points
  with a spread of 12, then each dimension that maturity plus a normal deviation of 10, clipped to 0-100 and
  rounded to 2 decimals; a second assessment of an organisation adds about 4 points. These centres and spreads
  are arbitrary choices for a readable demo.
- Overall: the dimension-weighted mean of the scores (the instrument's weights); type: the highest type of the
  instrument whose gates all pass (``ad_hoc`` when none does); target: the instrument's default target for the
  level.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pmo_workbench import load_instrument
from pmo_workbench.assessment.benchmark import ENTRY_COLUMNS, SCORE_PREFIX
from pmo_workbench.store.pool_csv import write_pool_csv

SEED = 20261203
ENTRIES = 300
REPEATED = 30
LEVELS = {"project": (0.35, 45.0), "department": (0.40, 52.0), "enterprise": (0.25, 58.0)}
SIZES = {"micro": 0.05, "small": 0.20, "medium": 0.35, "large": 0.40}
REGIONS = ("North", "South", "East", "West", "Central")
HERE = Path(__file__).resolve().parent


def _type(scores: dict[str, float], instrument) -> str:
    passed = [t.id for t in instrument.types if all(scores.get(d, float("nan")) >= g for d, g in t.gates.items())]
    return passed[-1] if passed else "ad_hoc"


def build_pool(seed: int = SEED) -> pd.DataFrame:
    """The synthetic pool table (see the module docstring)."""
    rng = np.random.default_rng(seed)
    ins = load_instrument("pmo-core")
    sectors = next(q.choices for q in ins.context if q.id == "sector")
    dims = [d.id for d in ins.dimensions]
    weights = np.array([d.weight for d in ins.dimensions], dtype=float)
    organisations = ENTRIES - REPEATED
    drawn = []
    for _ in range(organisations):
        level = str(rng.choice(list(LEVELS), p=[p for p, _ in LEVELS.values()]))
        drawn.append({"org_key": rng.bytes(32).hex(), "sector": str(rng.choice(sectors)),
                      "size": str(rng.choice(list(SIZES), p=list(SIZES.values()))),
                      "region": str(rng.choice(REGIONS)), "year": int(rng.integers(2023, 2026)),
                      "pmo_level": level, "maturity": rng.normal(LEVELS[level][1], 12.0)})
    again = rng.choice(organisations, size=REPEATED, replace=False)  # every first year is 2025 at the latest
    drawn += [{**drawn[i], "year": drawn[i]["year"] + 1, "maturity": drawn[i]["maturity"] + 4.0} for i in again]
    rows = []
    for context in drawn:
        values = np.clip(context.pop("maturity") + rng.normal(0.0, 10.0, len(dims)), 0.0, 100.0).round(2)
        scores = dict(zip(dims, values.tolist()))
        year = context["year"]
        rows.append({
            **context, "entry_id": rng.bytes(16).hex(), "source_key": None, "instrument_id": ins.id,
            "instrument_version": str(ins.version), "type": _type(scores, ins),
            "target": ins.targets.get(context["pmo_level"]),
            "overall": round(float(values @ weights / weights.sum()), 2),
            "respondents": int(rng.integers(5, 41)), "added_on": dt.date(year, 12, 15).isoformat(),
            "synthetic": True, **{f"{SCORE_PREFIX}{d}": s for d, s in scores.items()},
        })
    return pd.DataFrame(rows)[[*ENTRY_COLUMNS, *(f"{SCORE_PREFIX}{d}" for d in dims)]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "benchmark_pool.csv", help="CSV file to write.")
    args = parser.parse_args(argv)
    print(write_pool_csv(build_pool(), args.out))


if __name__ == "__main__":
    main()
