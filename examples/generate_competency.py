"""Generate the sample PM competency cohorts, shipped in ``examples/competency/``.

Run ``python examples/generate_competency.py`` (from any folder, with the package installed): the files are
byte-identical from one run to the next, because all randomness comes from one
``numpy.random.default_rng(SEED)``.

Files written
-------------
``competency/harrowmoor-water-services.csv``
    Harrowmoor Water Services' cohort ``Project managers 2026``: 30 project managers (10 junior, 15 senior,
    5 programme managers), rated on ``pm-competency`` by themselves, their line manager (4 heads of delivery,
    each managing 7-8 of them) and 1-5 peers from the cohort. Wide form: one row per rater and person rated.
``competency/korrin-regional-council.csv``
    Korrin Regional Council's cohort ``Corporate PMO project managers``: 12 project managers (4 junior, 6 senior,
    2 programme managers), 2 line managers, 1-5 peers each.

How the ratings are drawn
-------------------------
Each person has a true level per area: a base by job level (junior 2.2, senior 3.1, programme 3.7) plus an
area effect the same for everyone (:data:`AREA_EFFECT`: strong on schedule and cost, weak on business acumen
and benefits, communication and influence, and stakeholder management), a person effect (normal, sd 0.35) and
a person-by-area effect (sd 0.3). A rater's value for a behaviour is the true level plus the rater's bias plus
noise (sd 0.5), rounded and kept within 1-5. Biases: a self-rating runs high by 0.5 on average (a person's own
bias is normal around 0.5, sd 0.35, so some rate themselves lower than others do); a manager's bias has sd
0.2, a peer's 0.3. About 3 % of ratings are left blank and 1.5 % answered DK (more often by peers on cost and
procurement). Behaviours not expected of a person's job level are left blank.

Peers: most people have 3-5 peers (their others' view may be shown); some have fewer (Harrowmoor: every sixth
person 1-2 peers; Korrin: a third of them), so their reports fall back on their manager's view, as the
small-group rule requires.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from pmo_workbench.assessment.competency import load_competency_instrument

HERE = Path(__file__).resolve().parent
OUT = HERE / "competency"
SEED = 20261204

BASE = {"junior": 2.2, "senior": 3.1, "programme": 3.7}
AREA_EFFECT = {"schedule": 0.6, "cost": 0.5, "scope": 0.3, "integration": 0.1, "quality": 0.0, "resource": 0.0,
               "communications": 0.1, "risk": 0.0, "procurement": -0.3, "stakeholder": -0.5, "leadership": -0.1,
               "influence": -0.6, "business_acumen": -0.8, "agile_hybrid": -0.2}

FIRST = ["Amara", "Bilal", "Chloe", "Dmitri", "Elif", "Farah", "Gareth", "Hana", "Ivo", "Jonas", "Kezia", "Liam",
         "Maya", "Nikhil", "Orla", "Pavel", "Quinn", "Rosa", "Samir", "Tessa", "Uma", "Viktor", "Wen", "Xavier",
         "Yara", "Zane", "Aoife", "Bruno", "Carys", "Dario", "Esme", "Felix", "Greta", "Hugo", "Ines", "Jasper"]
LAST = ["Achterberg", "Baptiste", "Castellano", "Dunmore", "Eriksen", "Fairweather", "Galloway", "Hollis",
        "Ibarra", "Jennings", "Kowalczyk", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Pemberton", "Quinlan",
        "Ravensworth", "Sandoval", "Thorne", "Underhill", "Valdivia", "Whitcombe", "Yilmaz", "Zielinski"]

COHORTS = [
    {"file": "harrowmoor-water-services.csv", "organisation": "Harrowmoor Water Services",
     "cohort": "Project managers 2026", "levels": {"junior": 10, "senior": 15, "programme": 5},
     "managers": ["Helen Ashdown", "Marcus Fenwick", "Priya Castell", "Tom Hargreave"], "few_peers_every": 6,
     "assessed_on": "2026-05-18"},
    {"file": "korrin-regional-council.csv", "organisation": "Korrin Regional Council",
     "cohort": "Corporate PMO project managers", "levels": {"junior": 4, "senior": 6, "programme": 2},
     "managers": ["Ruth Okonjo", "Declan Marsh"], "few_peers_every": 3, "assessed_on": "2026-04-27"},
]


def _names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}"
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def cohort_rows(spec: dict, rng: np.random.Generator, taken: set[str]) -> list[list[str]]:
    instrument = load_competency_instrument("pm-competency", language="en")
    items = instrument.items
    levels = [level for level, n in spec["levels"].items() for _ in range(n)]
    people = _names(rng, len(levels), taken)
    managers = spec["managers"]
    true = {}
    for person, level in zip(people, levels):
        effect = rng.normal(0, 0.35)
        true[person] = {a: BASE[level] + AREA_EFFECT[a] + effect + rng.normal(0, 0.3) for a in instrument.area_ids}
    self_bias = {p: rng.normal(0.5, 0.35) for p in people}
    rater_bias = {m: rng.normal(0, 0.2) for m in managers} | {p: rng.normal(0, 0.3) for p in people}
    rows = []
    for n, (person, level) in enumerate(zip(people, levels)):
        manager = managers[n % len(managers)]
        few = n % spec["few_peers_every"] == spec["few_peers_every"] - 1
        count = int(rng.integers(1, 3)) if few else int(rng.integers(3, 6))
        pool = [p for p in people if p != person]
        peers = [pool[i] for i in sorted(rng.choice(len(pool), size=count, replace=False))]
        raters = [(person, "self", self_bias[person]), (manager, "manager", rater_bias[manager])]
        raters += [(p, "peer", rater_bias[p]) for p in peers]
        for rater, role, bias in raters:
            values = []
            for _item, row in items.iterrows():
                if level in row["not_expected_for"]:
                    values.append("")
                    continue
                draw = rng.random()
                dk_rate = 0.04 if role == "peer" and row["area"] in ("cost", "procurement") else 0.015
                if draw < 0.03:
                    values.append("")
                elif draw < 0.03 + dk_rate:
                    values.append("DK")
                else:
                    value = true[person][row["area"]] + bias + rng.normal(0, 0.5)
                    values.append(str(int(np.clip(np.floor(value + 0.5), 1, 5))))
            rows.append([spec["organisation"], spec["cohort"], person, level, rater, role, spec["assessed_on"],
                         *values])
    return rows


def main() -> list[Path]:
    rng = np.random.default_rng(SEED)
    instrument = load_competency_instrument("pm-competency", language="en")
    header = ["organisation", "cohort", "subject", "job_level", "rater", "role", "assessed_on",
              *instrument.items.index]
    OUT.mkdir(exist_ok=True)
    written = []
    taken = set(name for spec in COHORTS for name in spec["managers"])
    for spec in COHORTS:
        path = OUT / spec["file"]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(cohort_rows(spec, rng, taken))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main():
        print(path)
