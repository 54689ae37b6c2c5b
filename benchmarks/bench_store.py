"""Store speed: importing a responses file in bulk against a row-at-a-time insert, in the same run.

Writes a long responses CSV for the ``pmo-core`` instrument (default 2,000
respondents x the first 50 items, less those their role is not asked: about
90,000 answers in 40 PMOs, 5 % unanswered, a few comments), then:

- ``import``: :meth:`Store.import_responses` into a new SQLite file (reading
  and validating the file included), then :meth:`Store.responses` reading
  every answer back as the tidy frame, which must equal
  :func:`read_responses` of the file (checked before any time is printed);
- ``naive``: the same answers inserted one at a time into another new
  database, one ``INSERT`` and one commit per answer through SQLAlchemy Core
  (parsing excluded, which favours the baseline). With ``--baseline-rows N`` only
  the first N answers are inserted and the rate is compared per row.

Run::

    .venv/bin/python benchmarks/bench_store.py [--respondents 2000] [--items 50] [--baseline-rows N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from pmo_workbench.assessment.instrument import load_instrument
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.store import Store
from pmo_workbench.store.schema import Answer

ROLES = ("executive", "pmo_staff", "project_manager", "functional_manager", "team_member")


def write_responses(path: Path, instrument, items: list[str], respondents: int, per_pmo: int, seed: int = 11) -> int:
    """A long responses CSV in store order (organisation, PMO, respondent, item), each respondent answering the
    items their role is asked; returns its answer count."""
    rng = np.random.default_rng(seed)
    n = respondents * len(items)
    person = np.repeat(np.arange(respondents), len(items))
    values = np.clip(np.rint(rng.normal(3, 1.1, n)), 1, 5).astype(int).astype(str).astype(object)
    values[rng.random(n) < 0.05] = ""
    comments = np.full(n, "", dtype=object)
    comments[rng.random(n) < 0.01] = "We do this, mostly; see the \"playbook\"."
    pmo = person // per_pmo
    frame = pd.DataFrame({
        "organisation": [f"Org {p // 2:03d}" for p in pmo],
        "pmo": [f"PMO {p % 2}" for p in pmo],
        "pmo_level": np.where(pmo % 2 == 0, "enterprise", "department"),
        "respondent": [f"R{p:05d}" for p in person],
        "role": np.array(ROLES, dtype=object)[person % len(ROLES)],
        "item": np.tile(np.array(items, dtype=object), respondents),
        "value": values,
        "assessed_on": (pd.Timestamp("2026-01-05") + pd.to_timedelta(pmo % 90, unit="D")).strftime("%Y-%m-%d"),
        "comment": comments,
    })
    asked = instrument.asked.stack()
    frame = frame[asked.reindex(pd.MultiIndex.from_arrays([frame["role"], frame["item"]])).to_numpy(bool)]
    frame.to_csv(path, index=False, lineterminator="\n")
    return len(frame)


def naive_insert(url: str, tidy: pd.DataFrame, instrument, rows: int) -> float:
    """One INSERT and one commit per answer; returns the seconds the inserts took."""
    with Store(url) as store:
        respondent_of = {}
        for (org, pmo, who, role, level), _ in tidy.head(rows).groupby(
                ["organisation", "pmo", "respondent", "role", "pmo_level"], observed=True, sort=False):
            aid = store.create_assessment(org, pmo, instrument, level=level)
            respondent_of[(org, pmo, who)] = store.add_respondent(aid, role, label=who)
        answers = Answer.__table__
        keys = list(zip(tidy["organisation"], tidy["pmo"], tidy["respondent"]))
        engine = sa.create_engine(url)
        start = time.perf_counter()
        with engine.connect() as conn:
            for n in range(rows):
                value = tidy["value"].iat[n]
                conn.execute(sa.insert(answers).values(
                    respondent_id=respondent_of[keys[n]], item=str(tidy["item"].iat[n]),
                    value=None if value != value else int(value), comment=tidy["comment"].iat[n] or None,
                    updated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
                conn.commit()
        seconds = time.perf_counter() - start
        engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=2_000)
    parser.add_argument("--items", type=int, default=50, help="the first N items of pmo-core (at most 73)")
    parser.add_argument("--per-pmo", type=int, default=50)
    parser.add_argument("--baseline-rows", type=int, default=10_000,
                        help="answers the naive baseline inserts (0 = all)")
    args = parser.parse_args()
    instrument = load_instrument("pmo-core")
    items = list(instrument.items.index[: args.items])
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        source = folder / "responses.csv"
        n = write_responses(source, instrument, items, args.respondents, args.per_pmo)
        expected = read_responses(source, instrument)

        with Store(folder / "bulk.db") as store:
            start = time.perf_counter()
            result = store.import_responses(source, instrument)
            import_s = time.perf_counter() - start
            start = time.perf_counter()
            back = store.responses()
            read_s = time.perf_counter() - start
        # The store keeps answers (a blank value without a comment is no answer) and gives them back exactly;
        # its source rows are those of its own long export, which lists every item of the instrument.
        stored = expected[expected["value"].notna() | expected["comment"].ne("")].reset_index(drop=True)
        # the store names each PMO's assessment (its wave) by the year when the file names none
        pd.testing.assert_frame_equal(back.drop(columns=["source_row", "wave"]),
                                      stored.drop(columns=["source_row", "wave"]))
        assert result.answers_added == len(stored), result

        rows = n if args.baseline_rows <= 0 else min(args.baseline_rows, n)
        naive_s = naive_insert(f"sqlite:///{folder / 'naive.db'}", expected, instrument, rows)

    bulk_rate, naive_rate = n / import_s, rows / naive_s
    print(f"answers: {n:,} ({args.respondents:,} respondents x up to {len(items)} items, "
          f"{len(result.assessments)} assessments); read-back frame equals the file")
    print(f"import (read, validate, bulk upsert)      {import_s:8.2f} s  {bulk_rate:12,.0f} rows/s")
    print(f"read back as a frame (store.responses)    {read_s:8.2f} s  {n / read_s:12,.0f} rows/s")
    print(f"naive: INSERT + commit per row, {rows:,} rows {naive_s:8.2f} s  {naive_rate:12,.0f} rows/s")
    print(f"speed-up: {bulk_rate / naive_rate:.1f}x rows/s (target: import under 5 s, at least 10x)")


if __name__ == "__main__":
    main()
