"""Generate the sample questionnaire answers shipped in ``examples/``.

Run ``python examples/generate.py`` (from any folder): every file is written
next to this script and is byte-identical from one run to the next, because
all randomness comes from one ``numpy.random.default_rng(SEED)`` and the
workbook's timestamps are fixed.

Files written
-------------
``pmo_responses.csv``
    All organisations below in long form (one row per respondent x item),
    UTF-8, comma-separated, ``\\n`` line endings. Columns: organisation, pmo,
    pmo_level, respondent, role, item, value, assessed_on, comment.
``formats/wide_example.xlsx``
    The strategic organisation (Vantellis Insurance Group) in wide form (one
    row per respondent, one column per item), sheet ``responses``.
``formats/long_semicolon_bom.csv``
    The supportive organisation (Aldergate Logistics) in long form,
    semicolon-delimited, UTF-8 with BOM and CRLF line endings, as a European
    Excel "CSV UTF-8" export would produce.

The answers are for the ``pmo-core`` instrument
(``templates/instruments/pmo-core.yaml``: 11 dimensions x 5 items, 1-5 scale).
Its item ids and reversed items are read from that file (5 items per dimension).

How answers are drawn
---------------------
Each PMO has a designed target score (0-100) per dimension. A respondent's
latent score for an item is::

    target + role offset + person bias + person x dimension noise
           + item offset + item noise

with person bias ~ N(0, 5), person x dimension ~ N(0, 6), a fixed item offset
~ N(0, 4) (centred within each dimension) and item noise ~ N(0, 12). The role
offsets are centred over each PMO's respondents, so the expected PMO dimension
score stays on the target. The latent score is turned into an answer with
``1 + s/25`` (reversed items: ``5 - s/25``), rounded and clipped to 1..5 --
the inverse of the instrument's scoring rule. Every dimension target that
enters a type gate is at least 8 points away from that gate, so sampling noise
cannot change a PMO's type.

Every PMO has a few per cent of blank (unanswered) values, and each
organisation has one respondent who leaves most (3 or 4 of 5) items of one
dimension blank, so the "fewer than half answered" rule leaves that
respondent's dimension score missing. A handful of rows carry a short comment.
Respondent ids are ``<ORG>-NN``, unique within an organisation; a person who
answers for two PMOs keeps the same id and role.

Organisations (all fictitious)
------------------------------
Quillmere Events -- "Project Office" (project level), designed **ad hoc**:
    a small events company whose PMO is one coordinator; every dimension is
    low (targets 14-26), far below the supportive gates (40). 7 respondents.
Aldergate Logistics -- "Logistics PMO" (department), designed **supportive**:
    templates, training and lessons learned work (methodology 50, competency
    56, learning 55), but the PMO has no authority (mandate 36, monitoring 44),
    so it is not controlling. 9 respondents.
Harrowmoor Water Services -- "Capital Programmes PMO" (enterprise), designed
    **controlling**: a mandated method and strong reporting (mandate 72,
    methodology 74, monitoring 74), but no portfolio selection or resource
    management (portfolio 44, resources 40, strategy 42). 10 respondents.
Vantellis Insurance Group -- "Enterprise PMO" (enterprise), designed
    **strategic**: high everywhere (66-78); mandate 78, portfolio 76,
    resources 74, strategy 76. 11 respondents.
Korrin Regional Council -- two PMOs. "Corporate PMO" (enterprise), designed
    **controlling** (mandate 70, methodology 72, monitoring 74; resources 36),
    12 respondents; and "Digital Services PMO" (department), designed
    **supportive** (methodology 52, competency 54, learning 52; mandate 34),
    8 respondents. Four people (KRC-01, KRC-05, KRC-06, KRC-09) answer for
    both PMOs.
Stellbrook Pharmaceuticals -- "R&D Portfolio Office" (department), designed
    **controlling** on average (mandate 70, methodology 72, monitoring 70), but
    with strong disagreement: its 4 executives rate mandate, monitoring,
    portfolio, resources, strategy, service and sustainability 18 points above
    the PMO's target and its 5 project managers 18 points below (a gap of about
    36 points, flagged as > 20; 4 points either way on the other dimensions);
    the 3 PMO staff sit in between. 12
    respondents, every role group >= 3 so that all are shown.
Tiverlake University -- "Research Projects Office" (department), designed
    **supportive**: strong service and learning (60, 62), weak authority
    (mandate 30) and almost no portfolio or resource management. 8 respondents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import yaml

SEED = 20260315
HERE = Path(__file__).resolve().parent
MAIN_CSV = HERE / "pmo_responses.csv"
WIDE_XLSX = HERE / "formats" / "wide_example.xlsx"
SEMICOLON_CSV = HERE / "formats" / "long_semicolon_bom.csv"
FIXED_TIMESTAMP = dt.datetime(2026, 6, 1, 9, 0, 0)
"""Workbook created/modified time and zip entry time, so the xlsx is reproducible."""

INSTRUMENT = HERE.parent / "templates" / "instruments" / "pmo-core.yaml"


def _instrument_items() -> tuple[list[str], list[str], np.ndarray]:
    """Dimension ids, item ids and the reversed flags, read from the instrument file."""
    spec = yaml.safe_load(INSTRUMENT.read_text(encoding="utf-8"))
    dims = [d["id"] for d in spec["dimensions"]]
    if any(len(d["items"]) != 5 for d in spec["dimensions"]):
        raise SystemExit("generate.py draws 5 items per dimension; update it for the new instrument")
    items = [i["id"] for d in spec["dimensions"] for i in d["items"]]
    reversed_ = np.array([bool(i.get("reverse", False)) for d in spec["dimensions"] for i in d["items"]])
    return dims, items, reversed_


DIM_IDS, ITEMS, REVERSED = _instrument_items()
ITEM_DIM = np.repeat(np.arange(len(DIM_IDS)), 5)

LONG_HEADER = ["organisation", "pmo", "pmo_level", "respondent", "role", "item", "value",
               "assessed_on", "comment"]
WIDE_HEADER = ["organisation", "pmo", "pmo_level", "respondent", "role", "assessed_on", *ITEMS]

# Mild, plausible role differences (points); centred over each PMO's respondents.
ROLE_OFFSET = {
    "executive": 3.0,
    "pmo_staff": 4.0,
    "project_manager": -2.0,
    "functional_manager": -1.0,
    "team_member": -3.0,
}

# Noise (points on the 0-100 scale).
SD_PERSON = 5.0
SD_PERSON_DIM = 6.0
SD_ITEM_OFFSET = 4.0
SD_ITEM = 12.0

E, S, P, F, T = "executive", "pmo_staff", "project_manager", "functional_manager", "team_member"


def targets(**scores: float) -> dict[str, float]:
    """Dimension targets; every dimension of the instrument must be given."""
    assert set(scores) == set(DIM_IDS), sorted(set(DIM_IDS) ^ set(scores))
    return {d: float(scores[d]) for d in DIM_IDS}


# Each organisation: people (id -> role), assessment window, blank rate, the
# respondent who skips most of one dimension, comments, and its PMOs.
ORGANISATIONS = [
    {
        "name": "Quillmere Events",
        "code": "QME",
        "start": dt.date(2026, 2, 9), "days": 6, "blank_rate": 0.04,
        "roles": [E, S, P, P, P, T, T],
        "skipper": ("QME-07", "portfolio", 4),
        "comments": {
            ("QME-03", "MET1"): "Every event lead has their own checklist.",
            ("QME-07", "POR1"): "Don't know – I only see my own events.",
        },
        "pmos": [{
            "pmo": "Project Office", "level": "project", "design": "ad_hoc",
            "targets": targets(mandate=18, methodology=22, monitoring=20, portfolio=15, resources=20,
                               risk=18, strategy=14, competency=24, service=26, learning=20,
                               sustainability=16),
        }],
    },
    {
        "name": "Aldergate Logistics",
        "code": "ALD",
        "start": dt.date(2026, 3, 2), "days": 10, "blank_rate": 0.03,
        "roles": [E, S, S, P, P, P, F, T, T],
        "skipper": ("ALD-08", "resources", 3),
        "comments": {
            ("ALD-04", "MET3"): "Templates exist; using them is optional for small projects.",
            ("ALD-06", "LRN1"): "Lessons-learned sessions happen, but nobody reads the reports.",
            ("ALD-02", "CMP3"): "Two of us passed PRINCE2 Foundation this year.",
            ("ALD-08", "RES1"): "Not my area.",
        },
        "pmos": [{
            "pmo": "Logistics PMO", "level": "department", "design": "supportive",
            "targets": targets(mandate=36, methodology=50, monitoring=44, portfolio=38, resources=34,
                               risk=42, strategy=30, competency=56, service=58, learning=55,
                               sustainability=40),
        }],
    },
    {
        "name": "Harrowmoor Water Services",
        "code": "HWS",
        "start": dt.date(2026, 4, 13), "days": 12, "blank_rate": 0.025,
        "roles": [E, E, S, S, P, P, P, P, F, F],
        "skipper": ("HWS-10", "strategy", 3),
        "comments": {
            ("HWS-05", "MON3"): "Baselines are re-set so often they mean little.",
            ("HWS-07", "RES2"): "Capacity is checked only for the big capital schemes, not for IT work.",
            ("HWS-01", "POR4"): "Nothing has been stopped in the three years I've been here.",
        },
        "pmos": [{
            "pmo": "Capital Programmes PMO", "level": "enterprise", "design": "controlling",
            "targets": targets(mandate=72, methodology=74, monitoring=74, portfolio=44, resources=40,
                               risk=58, strategy=42, competency=60, service=52, learning=56,
                               sustainability=55),
        }],
    },
    {
        "name": "Vantellis Insurance Group",
        "code": "VIG",
        "start": dt.date(2026, 5, 4), "days": 9, "blank_rate": 0.02,
        "roles": [E, E, E, S, S, P, P, P, F, F, T],
        "skipper": ("VIG-11", "portfolio", 3),
        "comments": {
            ("VIG-06", "STR3"): "Benefits reviews at 6 and 12 months after go-live.",
            ("VIG-09", "RES5"): "Still true for the data team, whatever the plan says.",
        },
        "pmos": [{
            "pmo": "Enterprise PMO", "level": "enterprise", "design": "strategic",
            "targets": targets(mandate=78, methodology=76, monitoring=78, portfolio=76, resources=74,
                               risk=70, strategy=76, competency=70, service=66, learning=68,
                               sustainability=72),
        }],
    },
    {
        "name": "Korrin Regional Council",
        "code": "KRC",
        "start": dt.date(2026, 6, 8), "days": 14, "blank_rate": 0.035,
        # KRC-01..12 answer for the Corporate PMO; KRC-01, 05, 06, 09 and KRC-13..16
        # answer for the Digital Services PMO.
        "roles": [E, E, S, S, P, P, P, P, F, F, T, T, E, S, P, T],
        "skipper": ("KRC-11", "risk", 3),
        "comments": {
            ("KRC-05", "MAN2"): "Corporate PMO yes; the digital team's PMO cannot require anything.",
            ("KRC-09", "SRV2"): "Helpful people, but the forms come first.",
            ("KRC-14", "LRN2"): "The archive is a SharePoint site with 4,000 folders.",
            ("KRC-03", "STR1"): "Only the capital projects above £500k state a strategic objective.",
        },
        "pmos": [
            {
                "pmo": "Corporate PMO", "level": "enterprise", "design": "controlling",
                "people": [f"KRC-{n:02d}" for n in range(1, 13)],
                "targets": targets(mandate=70, methodology=72, monitoring=74, portfolio=48, resources=36,
                                   risk=52, strategy=46, competency=52, service=44, learning=52,
                                   sustainability=52),
            },
            {
                "pmo": "Digital Services PMO", "level": "department", "design": "supportive",
                "people": ["KRC-01", "KRC-05", "KRC-06", "KRC-09", "KRC-13", "KRC-14", "KRC-15", "KRC-16"],
                "targets": targets(mandate=34, methodology=52, monitoring=46, portfolio=40, resources=44,
                                   risk=38, strategy=36, competency=54, service=62, learning=52,
                                   sustainability=42),
            },
        ],
    },
    {
        "name": "Stellbrook Pharmaceuticals",
        "code": "STB",
        "start": dt.date(2026, 9, 14), "days": 10, "blank_rate": 0.03,
        "roles": [E, E, E, E, S, S, S, P, P, P, P, P],
        "skipper": ("STB-10", "sustainability", 3),
        "comments": {
            ("STB-09", "SRV1"): 'Nobody asked the Café & "R&D" team what we need.',
            ("STB-02", "POR4"): "Two compounds were stopped at stage gate 2 this year.",
            ("STB-11", "MON5"): "Steering committee hears bad news from us, not from the PMO.",
            ("STB-08", "STR2"): "Benefits are a line in the business case; nobody measures them.",
        },
        # Role offsets that replace ROLE_OFFSET for this organisation.
        "role_offsets": {
            "strong": {E: 18.0, S: 6.0, P: -18.0},
            "weak": {E: 4.0, S: 6.0, P: -4.0},
            "strong_dims": ["mandate", "monitoring", "portfolio", "resources", "strategy", "service",
                            "sustainability"],
        },
        "pmos": [{
            "pmo": "R&D Portfolio Office", "level": "department", "design": "controlling",
            "targets": targets(mandate=70, methodology=72, monitoring=70, portfolio=46, resources=40,
                               risk=55, strategy=44, competency=58, service=48, learning=56,
                               sustainability=50),
        }],
    },
    {
        "name": "Tiverlake University",
        "code": "TVU",
        "start": dt.date(2026, 10, 5), "days": 11, "blank_rate": 0.05,
        "roles": [E, S, S, P, P, P, F, T],
        "skipper": ("TVU-04", "monitoring", 4),
        "comments": {
            ("TVU-05", "CMP1"): "Training is offered by the Research Office, not by HR.",
            ("TVU-02", "SRV3"): "Annual survey of principal investigators (réponse rate ~40%).",
            ("TVU-04", "MON1"): "n/a – grant reporting goes to the funder directly.",
        },
        "pmos": [{
            "pmo": "Research Projects Office", "level": "department", "design": "supportive",
            "targets": targets(mandate=30, methodology=50, monitoring=38, portfolio=32, resources=28,
                               risk=36, strategy=34, competency=50, service=60, learning=62,
                               sustainability=36),
        }],
    },
]


def role_offsets(org: dict, roles: list[str]) -> np.ndarray:
    """Respondents x dimensions offsets, centred over the PMO's respondents."""
    spec = org.get("role_offsets")
    if spec is None:
        raw = np.array([[ROLE_OFFSET[r]] * len(DIM_IDS) for r in roles])
    else:
        strong = np.array([d in spec["strong_dims"] for d in DIM_IDS])
        raw = np.array([np.where(strong, spec["strong"][r], spec["weak"][r]) for r in roles])
    return raw - raw.mean(axis=0)


def to_answers(latent: np.ndarray) -> np.ndarray:
    """0-100 latent scores (respondents x items) -> answers 1..5 (float)."""
    value = np.where(REVERSED, 5.0 - latent / 25.0, 1.0 + latent / 25.0)
    return np.clip(np.rint(value), 1, 5)


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """All organisations in long form (values as strings, blank = not answered)."""
    item_offset = rng.normal(0.0, SD_ITEM_OFFSET, len(ITEMS)).reshape(len(DIM_IDS), 5)
    item_offset = (item_offset - item_offset.mean(axis=1, keepdims=True)).reshape(-1)
    rows = []
    for org in ORGANISATIONS:
        code = org["code"]
        people = [f"{code}-{n:02d}" for n in range(1, len(org["roles"]) + 1)]
        role_of = dict(zip(people, org["roles"]))
        # Per person: leniency and date, shared across the PMOs they answer for.
        bias = dict(zip(people, rng.normal(0.0, SD_PERSON, len(people))))
        day = dict(zip(people, rng.integers(0, org["days"], len(people))))
        commented: set[tuple[str, str]] = set()
        for pmo in org["pmos"]:
            who = pmo.get("people", people)
            roles = [role_of[p] for p in who]
            target = np.array([pmo["targets"][d] for d in DIM_IDS])
            dim_latent = (target[None, :] + role_offsets(org, roles)
                          + np.array([bias[p] for p in who])[:, None]
                          + rng.normal(0.0, SD_PERSON_DIM, (len(who), len(DIM_IDS))))
            latent = (dim_latent[:, ITEM_DIM] + item_offset[None, :]
                      + rng.normal(0.0, SD_ITEM, (len(who), len(ITEMS))))
            values = to_answers(latent)
            values[rng.random(values.shape) < org["blank_rate"]] = np.nan
            skip_who, skip_dim, skip_n = org["skipper"]
            if skip_who in who:
                first = DIM_IDS.index(skip_dim) * 5
                skipped = first + np.sort(rng.choice(5, size=skip_n, replace=False))
                values[who.index(skip_who), skipped] = np.nan
            for i, person in enumerate(who):
                assessed = (org["start"] + dt.timedelta(days=int(day[person]))).isoformat()
                for j, item in enumerate(ITEMS):
                    value = "" if np.isnan(values[i, j]) else str(int(values[i, j]))
                    # A comment goes on the first PMO the person answers for.
                    comment = org["comments"].get((person, item), "")
                    if (person, item) in commented:
                        comment = ""
                    elif comment:
                        commented.add((person, item))
                    rows.append([org["name"], pmo["pmo"], pmo["level"], person, role_of[person], item,
                                 value, assessed, comment])
    return pd.DataFrame(rows, columns=LONG_HEADER)


def write_csv(frame: pd.DataFrame, path: Path, *, delimiter: str = ",", bom: bool = False,
              newline: str = "\n") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False, name=None))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig" if bom else "utf-8"))


def wide_form(long: pd.DataFrame) -> pd.DataFrame:
    keys = ["organisation", "pmo", "pmo_level", "respondent", "role", "assessed_on"]
    wide = long.pivot(index=keys, columns="item", values="value")
    wide = wide.reindex(columns=ITEMS).reset_index()
    order = long.drop_duplicates(keys)[keys]
    return order.merge(wide, on=keys, how="left")[WIDE_HEADER]


def write_xlsx(wide: pd.DataFrame, path: Path) -> None:
    """Wide form to sheet ``responses``: numbers as numbers, dates as dates, blanks empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "responses"
    ws.append(WIDE_HEADER)
    for row in wide.itertuples(index=False, name=None):
        cells = []
        for name, value in zip(WIDE_HEADER, row):
            if name == "assessed_on":
                cells.append(dt.date.fromisoformat(value))
            elif name in ITEMS:
                cells.append(int(value) if value else None)
            else:
                cells.append(value)
        ws.append(cells)
    for cell in ws["F"][1:]:
        cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "G2"
    for letter, width in zip("ABCDEF", (26, 16, 11, 11, 18, 12)):
        ws.column_dimensions[letter].width = width
    wb.properties.creator = "pmo-workbench examples/generate.py"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_normalise_xlsx(buffer.getvalue()))


def _normalise_xlsx(data: bytes) -> bytes:
    """Make a saved workbook reproducible.

    openpyxl stamps the save time into ``docProps/core.xml`` (dcterms:modified)
    and into every zip entry; both are replaced by :data:`FIXED_TIMESTAMP`.
    """
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, content)
    return out.getvalue()


def main() -> None:
    rng = np.random.default_rng(SEED)
    long = generate(rng)
    write_csv(long, MAIN_CSV)
    strategic = long[long["organisation"] == "Vantellis Insurance Group"]
    write_xlsx(wide_form(strategic), WIDE_XLSX)
    supportive = long[long["organisation"] == "Aldergate Logistics"]
    write_csv(supportive, SEMICOLON_CSV, delimiter=";", bom=True, newline="\r\n")
    for path in (MAIN_CSV, WIDE_XLSX, SEMICOLON_CSV):
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
