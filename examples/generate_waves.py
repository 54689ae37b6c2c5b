"""Generate the sample of one PMO assessed twice, shipped in ``examples/waves/``.

Run ``python examples/generate_waves.py`` (from any folder, with the package installed) after
``generate.py``: the files are byte-identical from one run to the next, because all randomness comes from one
``numpy.random.default_rng(SEED)`` and the engagement file is written with a fixed layout.

Files written
-------------
``waves/responses.csv``
    Harrowmoor Water Services' Capital Programmes PMO in two waves (the ``wave`` column): ``2026`` holds its
    answers in ``pmo_responses.csv`` as they are; ``2025`` is drawn from them a year earlier, by other
    respondents (ids ``HWS25-01``...). Columns: organisation, pmo, pmo_level, wave, respondent, role, item,
    value, assessed_on, comment.
``waves/engagement.yaml``
    The PMO's entry of ``engagement.yaml`` (target, context, evidence) and ``done``: the roadmap steps of the
    2025 report the PMO has completed since (every step of the initiatives on the dimensions designed to
    improve, and the first step of one more initiative).

How the 2025 wave is drawn
--------------------------
The 2025 respondents take the 2026 role mix shifted towards the PMO's own staff (1 executive, 4 PMO staff,
3 project managers, 1 functional manager against 2, 2, 4, 2 in 2026). Each copies the answers of a 2026
respondent of the same role, then every answer on the scale moves: on the dimensions that improved by 2026
(:data:`IMPROVED`) it is one point lower with probability 0.8, on the one that declined (:data:`DECLINED`)
one point higher with probability 0.8, elsewhere one point either way with probability 0.15 each (reversed
items move the other way, so that their scores move alike). "Don't know" and blank answers stay as they are;
comments are not copied. Dates are a year before the copied answer's.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "pmo_responses.csv"
OUT = HERE / "waves"
RESPONSES = OUT / "responses.csv"
ENGAGEMENT = OUT / "engagement.yaml"
SEED = 20250415
ORGANISATION = "Harrowmoor Water Services"
PMO = "Capital Programmes PMO"
MIX_2025 = {"executive": 1, "pmo_staff": 4, "project_manager": 3, "functional_manager": 1}
IMPROVED = ("service", "compliance", "monitoring", "methodology")
DECLINED = ("learning",)
COLUMNS = ["organisation", "pmo", "pmo_level", "wave", "respondent", "role", "item", "value", "assessed_on",
           "comment"]


def _instrument_items() -> tuple[dict[str, str], set[str]]:
    """Item id -> dimension id, and the reversed items, read from the instrument file."""
    data = yaml.safe_load((HERE.parent / "templates" / "instruments" / "pmo-core.yaml").read_text("utf-8"))
    dimension = {i["id"]: d["id"] for d in data["dimensions"] for i in d["items"]}
    reverse = {i["id"] for d in data["dimensions"] for i in d["items"] if i.get("reverse")}
    return dimension, reverse


def earlier_wave(later: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The 2025 answers drawn from the 2026 ones (see the module docstring)."""
    dimension, reverse = _instrument_items()
    by_role = {role: list(dict.fromkeys(part["respondent"])) for role, part in later.groupby("role", sort=True)}
    rows = []
    number = 0
    for role, count in MIX_2025.items():
        for k in range(count):
            number += 1
            model = by_role[role][k % len(by_role[role])]
            for r in later[later["respondent"] == model].to_dict("records"):
                value = r["value"]
                if value not in ("", "DK"):
                    dim = dimension[r["item"]]
                    draw = rng.random()
                    step = (-1 if draw < 0.8 else 0) if dim in IMPROVED else (1 if draw < 0.8 else 0) \
                        if dim in DECLINED else (-1 if draw < 0.15 else 1 if draw > 0.85 else 0)
                    step = -step if r["item"] in reverse else step
                    value = str(int(min(5, max(1, int(value) + step))))
                when = (pd.Timestamp(r["assessed_on"]) - pd.Timedelta(days=365)).date().isoformat()
                rows.append({**r, "wave": "2025", "respondent": f"HWS25-{number:02d}", "value": value,
                             "assessed_on": when, "comment": ""})
    return pd.DataFrame(rows, columns=COLUMNS)


def done_steps(responses: Path) -> list[str]:
    """The steps of the 2025 roadmap done since: every step of its initiatives on improved dimensions, and the
    first step of the first other initiative."""
    import pmo_workbench as pw
    from pmo_workbench.assessment.engagement import load_engagement
    from pmo_workbench.assessment.waves import select_wave

    instrument = pw.load_instrument("pmo-core")
    entries = load_engagement(HERE / "engagement.yaml", instrument)
    frame = select_wave(pw.read_responses(responses, instrument), "2025")
    plan = pw.assess(frame, instrument, engagement=entries).get(ORGANISATION, PMO).roadmap
    done = [s["id"] for i in plan.initiatives if i.dimension in IMPROVED for s in i.steps]
    others = [i for i in plan.initiatives if i.dimension not in IMPROVED]
    return done + ([others[0].steps[0]["id"]] if others else [])


def engagement_text(done: list[str]) -> str:
    """The PMO's entry of ``engagement.yaml`` with its ``done`` list, in a fixed layout."""
    data = yaml.safe_load((HERE / "engagement.yaml").read_text("utf-8"))
    entry = next(e for e in data["pmos"] if e["organisation"] == ORGANISATION and e["pmo"] == PMO)
    entry = {**entry, "done": done}
    head = ("# The Capital Programmes PMO's entry of ../engagement.yaml, with the roadmap steps of the 2025\n"
            "# report it has completed since (written by generate_waves.py).\n")
    return head + yaml.safe_dump({"pmos": [entry]}, sort_keys=False, allow_unicode=True, width=100)


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(frame[COLUMNS].itertuples(index=False, name=None))
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def main() -> None:
    rng = np.random.default_rng(SEED)
    source = pd.read_csv(SOURCE, dtype=str, keep_default_na=False)
    later = source[(source["organisation"] == ORGANISATION) & (source["pmo"] == PMO)].assign(wave="2026")
    OUT.mkdir(exist_ok=True)
    write_csv(pd.concat([earlier_wave(later, rng), later[COLUMNS]], ignore_index=True), RESPONSES)
    ENGAGEMENT.write_bytes(engagement_text(done_steps(RESPONSES)).encode("utf-8"))
    for path in (RESPONSES, ENGAGEMENT):
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
