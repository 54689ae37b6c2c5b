"""Generate the sample questionnaire answers and engagement file shipped in ``examples/``.

Run ``python examples/generate.py`` (from any folder): every file is written
next to this script and is byte-identical from one run to the next, because
all randomness comes from one ``numpy.random.default_rng(SEED)``, the
workbook's timestamps are fixed and the engagement file is written with a
fixed layout.

Files written
-------------
``pmo_responses.csv``
    All organisations below in long form (one row per respondent x item asked),
    UTF-8, comma-separated, ``\\n`` line endings. Columns: organisation, pmo,
    pmo_level, respondent, role, item, value, assessed_on, comment. ``value``
    is 1-5, ``DK`` (don't know) or blank (not answered). An item whose
    ``audience`` leaves out the respondent's role has no row.
``formats/wide_example.xlsx``
    The strategic organisation (Vantellis Insurance Group) in wide form (one
    row per respondent, one column per item), sheet ``responses``. A cell is
    blank when the item was not answered or not asked of the respondent's
    role, and holds the text ``DK`` for "don't know".
``formats/long_semicolon_bom.csv``
    The supportive organisation (Aldergate Logistics) in long form,
    semicolon-delimited, UTF-8 with BOM and CRLF line endings, as a European
    Excel "CSV UTF-8" export would produce.
``engagement.yaml``
    What the consultant records once per PMO: an optional target type (set
    for some PMOs only; the others take the instrument's default for their
    level), the answers to the instrument's context questions, and the
    evidence checklist (``"yes"``, ``"partly"`` or ``"no"`` with a note).

The answers are for the ``pmo-core`` 2.0 instrument
(``templates/instruments/pmo-core.yaml``: 14 dimensions of 5 or 6 items, 1-5
scale). Dimension ids, item ids, reversed items and each item's audience are
read from that file.

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
the inverse of the instrument's scoring rule.

The type rule is the instrument's: a PMO's type is the highest type whose own
gates all pass (supportive: service 45, methodology 45, competency 40,
learning 40; controlling: mandate 50, compliance 55, monitoring 55;
strategic: portfolio 60, resources 55, strategy 60, finance 55). Every target
of a gated dimension is at least 8 points away from its gate, above it when
the design passes the gate and below it when the design fails it, so sampling
noise cannot change a PMO's type.

Respondents are asked only the items whose ``audience`` includes their role.
About 4 % of the items asked are answered "don't know" (``DK``): rarely by
PMO staff, more often by team members and functional managers on finance,
portfolio, strategy and sponsorship items, which they see little of. Every
PMO also has a few per cent of blank values, and each organisation has one
respondent who leaves most of one dimension blank, so the "fewer than half of
the items asked answered" rule leaves that respondent's dimension score
missing. A handful of rows carry a short comment; none names or describes
its author. Respondent ids are ``<ORG>-NN``, unique within an organisation; a
person who answers for two PMOs keeps the same id and role.

Organisations (all fictitious)
------------------------------
Quillmere Events -- "Project Office" (project level), designed **ad hoc**:
    a small events company whose PMO is one coordinator; every dimension is
    low (targets 14-28), so it fails every supportive gate. 7 respondents.
Aldergate Logistics -- "Logistics PMO" (department), designed **supportive**:
    method, training, help and lessons learned work (methodology 56,
    competency 56, service 60, learning 55), but the PMO has no authority
    (mandate 36, compliance 34, monitoring 44). 9 respondents.
Harrowmoor Water Services -- "Capital Programmes PMO" (enterprise), designed
    **controlling** with a foundation gap: a mandated, checked method and
    strong reporting (mandate 72, compliance 74, monitoring 74), but project
    managers get little help from it (service 30, below the supportive gate),
    and there is no portfolio selection or resource management (portfolio
    44, resources 40, strategy 42, finance 46). Its engagement target is
    controlling, although it is an enterprise PMO. 10 respondents.
Vantellis Insurance Group -- "Enterprise PMO" (enterprise), designed
    **strategic**: high everywhere (66-78), passing every gate of every type.
    11 respondents.
Korrin Regional Council -- two PMOs. "Corporate PMO" (enterprise), designed
    **controlling** (mandate 70, compliance 72, monitoring 74; resources 36,
    finance 46), 12 respondents, whose 2 PMO staff rate it about 12 points
    above the other roles; and "Digital Services PMO" (department), designed
    **supportive** (methodology 58, competency 56, service 64, learning 54;
    mandate 34), target supportive, 8 respondents. Four people (KRC-01,
    KRC-05, KRC-06, KRC-09) answer for both PMOs.
Stellbrook Pharmaceuticals -- "R&D Portfolio Office" (department), designed
    **controlling** on average (mandate 68, compliance 70, monitoring 68), but
    with strong disagreement: its 4 executives rate mandate, monitoring,
    portfolio, resources, strategy, finance, service and sponsorship 18
    points above the PMO's target and its 5 project managers 18 points below
    (a gap of about 36 points, flagged as > 20; 4 points either way on the
    other dimensions); its 3 PMO staff rate it about 12 points above the
    other roles. POR3 (projects that no longer justify their investment are
    stopped) splits the room: executives agree strongly, project managers
    disagree. Most project managers answer "don't know" to FIN2 (funding
    released stage by stage), so more than 30 % of that item's answers are
    DK. 12 respondents, every role group >= 3 so that all are shown.
Tiverlake University -- "Research Projects Office" (department), designed
    **supportive**: strong service and learning (62, 64), weak authority
    (mandate 30) and almost no portfolio or resource management.
    8 respondents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import yaml

SEED = 20261337
"""Chosen among a few so that the sampled scores sit at least 7 points from every gate and the
designed effects show (at Stellbrook, only project managers are on the low side of a > 20 point gap)."""
HERE = Path(__file__).resolve().parent
MAIN_CSV = HERE / "pmo_responses.csv"
WIDE_XLSX = HERE / "formats" / "wide_example.xlsx"
SEMICOLON_CSV = HERE / "formats" / "long_semicolon_bom.csv"
ENGAGEMENT = HERE / "engagement.yaml"
FIXED_TIMESTAMP = dt.datetime(2026, 6, 1, 9, 0, 0)
"""Workbook created/modified time and zip entry time, so the xlsx is reproducible."""

INSTRUMENT = HERE.parent / "templates" / "instruments" / "pmo-core.yaml"
DONT_KNOW = "DK"


def _read_instrument() -> dict:
    spec = yaml.safe_load(INSTRUMENT.read_text(encoding="utf-8"))
    if spec.get("version") != "2.0":
        raise SystemExit("generate.py draws answers for pmo-core 2.0; update it for the new instrument")
    return spec


SPEC = _read_instrument()
DIM_IDS = [d["id"] for d in SPEC["dimensions"]]
ITEMS = [i["id"] for d in SPEC["dimensions"] for i in d["items"]]
ITEM_DIM = np.array([k for k, d in enumerate(SPEC["dimensions"]) for _ in d["items"]])
REVERSED = np.array([bool(i.get("reverse", False)) for d in SPEC["dimensions"] for i in d["items"]])
AUDIENCE = {i["id"]: (frozenset(i["audience"]) if "audience" in i else None)
            for d in SPEC["dimensions"] for i in d["items"]}
EVIDENCE_IDS = [e["id"] for e in SPEC["evidence"]]
CONTEXT_IDS = [c["id"] for c in SPEC["context"]]

LONG_HEADER = ["organisation", "pmo", "pmo_level", "respondent", "role", "item", "value",
               "assessed_on", "comment"]
WIDE_HEADER = ["organisation", "pmo", "pmo_level", "respondent", "role", "assessed_on", *ITEMS]

E, S, P, F, T = "executive", "pmo_staff", "project_manager", "functional_manager", "team_member"

# Mild, plausible role differences (points); centred over each PMO's respondents.
ROLE_OFFSET = {E: 3.0, S: 4.0, P: -2.0, F: -1.0, T: -3.0}

# Noise (points on the 0-100 scale).
SD_PERSON = 5.0
SD_PERSON_DIM = 6.0
SD_ITEM_OFFSET = 4.0
SD_ITEM = 12.0

# "Don't know": a base rate per role, raised on dimensions the role sees little of.
DK_BASE = {E: 0.025, S: 0.01, P: 0.03, F: 0.045, T: 0.06}
DK_HARD = {
    E: ({"tools", "competency", "methodology"}, 0.06),
    P: ({"finance", "sponsorship", "strategy"}, 0.06),
    F: ({"finance", "compliance", "sponsorship", "coordination"}, 0.09),
    T: ({"finance", "portfolio", "strategy", "sponsorship", "mandate", "coordination"}, 0.15),
}


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
        "skipper": ("QME-07", "portfolio"),
        "comments": {
            ("QME-03", "MET1"): "Every event lead has their own checklist.",
            ("QME-07", "POR1"): "I only see my own events.",
        },
        "pmos": [{
            "pmo": "Project Office", "level": "project", "design": "ad_hoc",
            "targets": targets(mandate=18, methodology=22, compliance=14, monitoring=20, portfolio=15,
                               coordination=18, resources=20, strategy=14, finance=16, tools=18,
                               competency=24, service=28, learning=20, sponsorship=16),
        }],
    },
    {
        "name": "Aldergate Logistics",
        "code": "ALD",
        "start": dt.date(2026, 3, 2), "days": 10, "blank_rate": 0.03,
        "roles": [E, S, S, P, P, P, F, T, T],
        "skipper": ("ALD-08", "resources"),
        "comments": {
            ("ALD-04", "CPL1"): "Templates exist; using them is optional for small projects.",
            ("ALD-06", "LRN2"): "Lessons-learned sessions happen, but the reports are rarely read.",
            ("ALD-02", "PMC3"): "Two of us passed a foundation certificate this year.",
            ("ALD-08", "RES1"): "Not my area.",
        },
        "pmos": [{
            "pmo": "Logistics PMO", "level": "department", "design": "supportive",
            "targets": targets(mandate=36, methodology=56, compliance=34, monitoring=44, portfolio=38,
                               coordination=40, resources=34, strategy=30, finance=36, tools=42,
                               competency=56, service=60, learning=55, sponsorship=40),
        }],
    },
    {
        "name": "Harrowmoor Water Services",
        "code": "HWS",
        "start": dt.date(2026, 4, 13), "days": 12, "blank_rate": 0.025,
        "roles": [E, E, S, S, P, P, P, P, F, F],
        "skipper": ("HWS-10", "strategy"),
        "comments": {
            ("HWS-07", "MON2"): "Baselines are re-set so often they mean little.",
            ("HWS-06", "SRV2"): "The PMO checks our reports; help with problems comes from other PMs.",
            ("HWS-09", "RES3"): "Capacity is checked only for the big capital schemes, not for IT work.",
            ("HWS-01", "POR3"): "Few projects have been stopped in recent years.",
        },
        "pmos": [{
            "pmo": "Capital Programmes PMO", "level": "enterprise", "design": "controlling",
            "targets": targets(mandate=72, methodology=66, compliance=74, monitoring=74, portfolio=44,
                               coordination=58, resources=40, strategy=42, finance=46, tools=62,
                               competency=58, service=30, learning=56, sponsorship=55),
        }],
    },
    {
        "name": "Vantellis Insurance Group",
        "code": "VIG",
        "start": dt.date(2026, 5, 4), "days": 9, "blank_rate": 0.02,
        "roles": [E, E, E, S, S, P, P, P, F, F, T],
        "skipper": ("VIG-11", "portfolio"),
        "comments": {
            ("VIG-06", "STR3"): "Benefits reviews at 6 and 12 months after go-live.",
            ("VIG-09", "RES2"): "Less so than two years ago; the data team is the exception.",
        },
        "pmos": [{
            "pmo": "Enterprise PMO", "level": "enterprise", "design": "strategic",
            "targets": targets(mandate=78, methodology=74, compliance=72, monitoring=78, portfolio=76,
                               coordination=72, resources=72, strategy=76, finance=74, tools=70,
                               competency=70, service=66, learning=68, sponsorship=72),
        }],
    },
    {
        "name": "Korrin Regional Council",
        "code": "KRC",
        "start": dt.date(2026, 6, 8), "days": 14, "blank_rate": 0.035,
        # KRC-01..12 answer for the Corporate PMO; KRC-01, 05, 06, 09 and KRC-13..16
        # answer for the Digital Services PMO.
        "roles": [E, E, S, S, P, P, P, P, F, F, T, T, E, S, P, T],
        "skipper": ("KRC-11", "coordination"),
        "comments": {
            ("KRC-05", "MAN1"): "Clearer for the Corporate PMO than for the digital team's PMO.",
            ("KRC-09", "SRV3"): "Helpful people, but the forms come first.",
            ("KRC-14", "LRN3"): "The archive is a SharePoint site with 4,000 folders.",
            ("KRC-03", "STR1"): "Only the capital projects above £500k state a strategic objective.",
        },
        "pmos": [
            {
                "pmo": "Corporate PMO", "level": "enterprise", "design": "controlling",
                "people": [f"KRC-{n:02d}" for n in range(1, 13)],
                "self_rating": 12.0,
                "targets": targets(mandate=70, methodology=66, compliance=72, monitoring=74, portfolio=48,
                                   coordination=50, resources=36, strategy=46, finance=46, tools=56,
                                   competency=54, service=56, learning=54, sponsorship=52),
            },
            {
                "pmo": "Digital Services PMO", "level": "department", "design": "supportive",
                "people": ["KRC-01", "KRC-05", "KRC-06", "KRC-09", "KRC-13", "KRC-14", "KRC-15", "KRC-16"],
                "targets": targets(mandate=34, methodology=58, compliance=38, monitoring=46, portfolio=40,
                                   coordination=42, resources=44, strategy=36, finance=38, tools=50,
                                   competency=56, service=64, learning=54, sponsorship=42),
            },
        ],
    },
    {
        "name": "Stellbrook Pharmaceuticals",
        "code": "STB",
        "start": dt.date(2026, 9, 14), "days": 10, "blank_rate": 0.03,
        "roles": [E, E, E, E, S, S, S, P, P, P, P, P],
        "skipper": ("STB-10", "sponsorship"),
        "comments": {
            ("STB-09", "SRV1"): 'Nobody asked the Café & "R&D" team what we need.',
            ("STB-02", "POR3"): "Two compounds were stopped at stage gate 2 this year.",
            ("STB-11", "MON3"): "Steering committee hears bad news from us, not from the PMO.",
            ("STB-08", "STR2"): "Benefits are a line in the business case, with no measure attached.",
        },
        # Role offsets that replace ROLE_OFFSET for this organisation (PMO staff
        # are set by the PMO's self_rating).
        "role_offsets": {
            "strong": {E: 18.0, P: -18.0},
            "weak": {E: 4.0, P: -4.0},
            "strong_dims": ["mandate", "monitoring", "portfolio", "resources", "strategy", "finance",
                            "service", "sponsorship"],
        },
        "pmos": [{
            "pmo": "R&D Portfolio Office", "level": "department", "design": "controlling",
            "self_rating": 12.0,
            # An item that splits the room: extra points by role, centred over respondents.
            "item_split": {"POR3": {E: 30.0, P: -30.0}},
            # Items a role mostly cannot judge here: probability of "don't know".
            "dont_know": {(P, "FIN2"): 0.8},
            "targets": targets(mandate=68, methodology=66, compliance=70, monitoring=68, portfolio=46,
                               coordination=52, resources=40, strategy=44, finance=44, tools=58,
                               competency=58, service=56, learning=56, sponsorship=50),
        }],
    },
    {
        "name": "Tiverlake University",
        "code": "TVU",
        "start": dt.date(2026, 10, 5), "days": 11, "blank_rate": 0.05,
        "roles": [E, S, S, P, P, P, F, T],
        "skipper": ("TVU-04", "monitoring"),
        "comments": {
            ("TVU-05", "PMC1"): "Training is offered by the Research Office, not by HR.",
            ("TVU-02", "SRV6"): "Annual survey of principal investigators (réponse rate ~40%).",
            ("TVU-04", "MON1"): "n/a – grant reporting goes to the funder directly.",
        },
        "pmos": [{
            "pmo": "Research Projects Office", "level": "department", "design": "supportive",
            "targets": targets(mandate=30, methodology=56, compliance=32, monitoring=38, portfolio=32,
                               coordination=36, resources=28, strategy=34, finance=30, tools=40,
                               competency=54, service=62, learning=64, sponsorship=36),
        }],
    },
]


# What the consultant records once per PMO (engagement.yaml). Keyed by PMO name.
# Evidence: (answer, note) in the instrument's evidence order.
ENGAGEMENT_DATA = {
    "Project Office": {
        "context": {"pmo_age_years": 2, "pmo_staff_fte": 1, "reporting_line": "operations director",
                    "sector": "other", "active_projects": 14, "pms_in_pmo_percent": 0,
                    "budget_authority": "none"},
        "evidence": [
            ("no", "No charter; the coordinator's role is described in a job advert."),
            ("partly", "The operations director supports the office informally."),
            ("no", "Event leads use their own checklists."),
            ("no", "No rule on which events follow a common approach."),
            ("partly", "A shared calendar of events, not kept up to date."),
            ("no", "Events are budgeted by client contract, without business cases."),
            ("no", "No funding reviews."),
            ("no", "Spreadsheets on personal drives."),
            ("no", "No project management roles are defined."),
            ("no", "Post-event notes are kept by individual leads."),
            ("no", "Benefits are not recorded."),
            ("no", "Staffing is agreed event by event."),
        ],
    },
    "Logistics PMO": {
        "target": "supportive",
        "context": {"pmo_age_years": 4, "pmo_staff_fte": 3, "reporting_line": "operations director",
                    "sector": "retail and logistics", "active_projects": 38, "pms_in_pmo_percent": 20,
                    "budget_authority": "advises on budgets"},
        "evidence": [
            ("partly", "A terms-of-reference note approved by the operations director, not by the board."),
            ("yes", "The operations director sponsors the PMO."),
            ("yes", "Method handbook and templates on the intranet."),
            ("no", "Using the method is optional."),
            ("partly", "The PMO lists the projects it supports; others are missing."),
            ("partly", "A template exists; few projects use it."),
            ("no", "Funding is agreed once a year in the budget round."),
            ("no", "Shared drive folders per project."),
            ("partly", "Two project manager grades exist; no progression criteria."),
            ("yes", "Lessons-learned library on the intranet, tagged by theme."),
            ("no", "Benefits are not tracked after approval."),
            ("no", "No capacity plan."),
        ],
    },
    "Capital Programmes PMO": {
        "target": "controlling",
        "context": {"pmo_age_years": 6, "pmo_staff_fte": 7, "reporting_line": "operations director",
                    "sector": "energy and utilities", "active_projects": 25, "pms_in_pmo_percent": 60,
                    "budget_authority": "approves within limits"},
        "evidence": [
            ("yes", "Charter approved by the executive committee in 2024."),
            ("yes", "The capital delivery director."),
            ("yes", "Capital delivery manual, version 4."),
            ("yes", "Schemes above the capital threshold must follow the manual."),
            ("yes", "Capital programme register, reconciled monthly with finance."),
            ("yes", "Regulator-aligned business case template."),
            ("partly", "Gate dates are set scheme by scheme; there is no published calendar."),
            ("yes", "Scheduling and cost tool used on capital schemes."),
            ("no", "Project managers sit in engineering grades."),
            ("partly", "Closure reports are filed; they are not searchable."),
            ("no", "Benefits are tracked by the regulator's outcome measures only."),
            ("no", "Capacity is checked scheme by scheme."),
        ],
    },
    "Enterprise PMO": {
        "context": {"pmo_age_years": 9, "pmo_staff_fte": 14, "reporting_line": "chief executive",
                    "sector": "financial services", "active_projects": 85, "pms_in_pmo_percent": 70,
                    "budget_authority": "approves and stops funding"},
        "evidence": [
            ("yes", "Charter re-approved by the board after the 2025 reorganisation."),
            ("yes", "The chief operating officer."),
            ("yes", "Delivery framework with plan-driven, agile and hybrid routes."),
            ("yes", "Change investment policy, section 3."),
            ("yes", "Single portfolio in the PPM tool."),
            ("yes", "Business case template owned by finance and the PMO."),
            ("yes", "Quarterly investment committee calendar."),
            ("yes", "PPM tool holding plans, status, risks and resourcing."),
            ("yes", "Project and programme manager career framework with HR."),
            ("yes", "Searchable lessons library linked to the PPM tool."),
            ("yes", "Benefits register reviewed by the investment committee."),
            ("partly", "Capacity plan for IT roles; business roles are not yet covered."),
        ],
    },
    "Corporate PMO": {
        "context": {"pmo_age_years": 7, "pmo_staff_fte": 6, "reporting_line": "chief executive",
                    "sector": "public sector", "active_projects": 110, "pms_in_pmo_percent": 35,
                    "budget_authority": "approves within limits"},
        "evidence": [
            ("yes", "Approved by the corporate leadership team."),
            ("yes", "The chief executive."),
            ("yes", "Corporate project framework on the intranet."),
            ("yes", "Capital projects above £250k must follow the framework."),
            ("yes", "Corporate project register."),
            ("yes", "Standard business case for capital bids."),
            ("partly", "Capital gates follow the committee cycle; revenue projects have none."),
            ("partly", "A PPM tool for capital projects; others report by spreadsheet."),
            ("no", "Project managers are graded within their service areas."),
            ("partly", "An archive of closure reports, hard to search."),
            ("no", "No benefits register."),
            ("no", "No capacity plan."),
        ],
    },
    "Digital Services PMO": {
        "target": "supportive",
        "context": {"pmo_age_years": 3, "pmo_staff_fte": 2.5, "reporting_line": "IT director",
                    "sector": "public sector", "active_projects": 50, "pms_in_pmo_percent": 40,
                    "budget_authority": "advises on budgets"},
        "evidence": [
            ("no", "The PMO's role is set out in the digital strategy only."),
            ("yes", "The IT director."),
            ("yes", "Digital delivery playbook covering agile and hybrid delivery."),
            ("no", "The playbook is guidance."),
            ("partly", "A board of digital projects; some service-led work is missing."),
            ("partly", "The corporate template is used for capital bids only."),
            ("no", "Funding follows the corporate budget round."),
            ("partly", "A team board tool; not used for portfolio reporting."),
            ("no", "No defined path."),
            ("yes", "Retrospective notes kept in the team wiki."),
            ("no", "No benefits register."),
            ("partly", "Team allocation board for developers and testers."),
        ],
    },
    "R&D Portfolio Office": {
        "context": {"pmo_age_years": 5, "pmo_staff_fte": 5, "reporting_line": "head of a business unit",
                    "sector": "health and pharmaceuticals", "active_projects": 40, "pms_in_pmo_percent": 50,
                    "budget_authority": "advises on budgets"},
        "evidence": [
            ("yes", "Charter approved by the R&D leadership team."),
            ("yes", "The head of R&D."),
            ("yes", "R&D project standard operating procedure."),
            ("yes", "Development projects must follow the procedure from candidate selection on."),
            ("yes", "R&D portfolio list kept by the office."),
            ("yes", "Business case template for development candidates."),
            ("partly", "Stage gates are scheduled; funding is released by the annual budget."),
            ("partly", "Portfolio tool used by the office; project managers keep their own plans."),
            ("no", "No career path for project managers."),
            ("partly", "Lessons are captured at gate reviews but not searchable."),
            ("no", "Benefits are a section of the business case only."),
            ("partly", "Capacity view for clinical roles, updated quarterly."),
        ],
    },
    "Research Projects Office": {
        "context": {"pmo_age_years": 8, "pmo_staff_fte": 4, "reporting_line": "head of a business unit",
                    "sector": "education and research", "active_projects": 120, "pms_in_pmo_percent": 10,
                    "budget_authority": "none"},
        "evidence": [
            ("partly", "A remit note from the research committee, not reviewed since 2020."),
            ("yes", "The pro-vice-chancellor for research."),
            ("yes", "Research project handbook for grant-funded projects."),
            ("no", "The handbook is advisory."),
            ("partly", "Grant awards are listed; internally funded projects are not."),
            ("no", "Funding follows the funders' own application forms."),
            ("no", "No internal funding stages."),
            ("partly", "Grant management system; it holds finance, not plans."),
            ("partly", "A research manager role family exists, without progression criteria."),
            ("yes", "End-of-award reviews kept in a searchable library."),
            ("no", "Impact is reported to funders, not kept in a register."),
            ("no", "No capacity plan."),
        ],
    },
}

# The evidence notes in German, as a German-speaking consultant writes them for the client (engagement.yaml
# gives each note as {en: ..., de: ...}). Keyed by the English note.
GERMAN_NOTES = {
    # Project Office
    "No charter; the coordinator's role is described in a job advert.":
        "Kein Mandat; die Koordinationsrolle ist nur in einer Stellenausschreibung beschrieben.",
    "The operations director supports the office informally.":
        "Der Betriebsleiter unterstützt das Büro informell.",
    "Event leads use their own checklists.": "Die Veranstaltungsleitungen arbeiten mit eigenen Checklisten.",
    "No rule on which events follow a common approach.":
        "Keine Regel, welche Veranstaltungen einem gemeinsamen Vorgehen folgen.",
    "A shared calendar of events, not kept up to date.":
        "Ein gemeinsamer Veranstaltungskalender, der nicht aktuell gehalten wird.",
    "Events are budgeted by client contract, without business cases.":
        "Veranstaltungen werden je Kundenvertrag budgetiert, ohne Business Cases.",
    "No funding reviews.": "Keine Finanzierungsfreigaben.",
    "Spreadsheets on personal drives.": "Tabellen auf persönlichen Laufwerken.",
    "No project management roles are defined.": "Es sind keine Projektmanagementrollen definiert.",
    "Post-event notes are kept by individual leads.":
        "Nachbetrachtungen führen die einzelnen Veranstaltungsleitungen für sich.",
    "Benefits are not recorded.": "Nutzen wird nicht erfasst.",
    "Staffing is agreed event by event.": "Die Besetzung wird von Veranstaltung zu Veranstaltung abgestimmt.",
    # Logistics PMO
    "A terms-of-reference note approved by the operations director, not by the board.":
        "Eine Aufgabenbeschreibung, vom Betriebsleiter genehmigt, nicht von der Geschäftsleitung.",
    "The operations director sponsors the PMO.": "Der Betriebsleiter ist Sponsor des PMO.",
    "Method handbook and templates on the intranet.": "Methodenhandbuch und Vorlagen im Intranet.",
    "Using the method is optional.": "Die Anwendung der Methode ist freiwillig.",
    "The PMO lists the projects it supports; others are missing.":
        "Das PMO führt die Projekte, die es unterstützt; alle anderen fehlen.",
    "A template exists; few projects use it.": "Eine Vorlage gibt es; nur wenige Projekte nutzen sie.",
    "Funding is agreed once a year in the budget round.":
        "Die Finanzierung wird einmal jährlich in der Budgetrunde festgelegt.",
    "Shared drive folders per project.": "Ordner je Projekt auf einem gemeinsamen Laufwerk.",
    "Two project manager grades exist; no progression criteria.":
        "Es gibt zwei Projektleiterstufen, aber keine Kriterien für den Aufstieg.",
    "Lessons-learned library on the intranet, tagged by theme.":
        "Lessons-Learned-Bibliothek im Intranet, nach Themen verschlagwortet.",
    "Benefits are not tracked after approval.": "Der Nutzen wird nach der Genehmigung nicht weiterverfolgt.",
    "No capacity plan.": "Keine Kapazitätsplanung.",
    # Capital Programmes PMO
    "Charter approved by the executive committee in 2024.": "Mandat 2024 von der Geschäftsleitung genehmigt.",
    "The capital delivery director.": "Der Leiter Investitionsvorhaben.",
    "Capital delivery manual, version 4.": "Handbuch für Investitionsvorhaben, Version 4.",
    "Schemes above the capital threshold must follow the manual.":
        "Vorhaben oberhalb der Investitionsschwelle müssen dem Handbuch folgen.",
    "Capital programme register, reconciled monthly with finance.":
        "Register der Investitionsprogramme, monatlich mit dem Finanzbereich abgeglichen.",
    "Regulator-aligned business case template.": "Auf die Vorgaben der Regulierungsbehörde abgestimmte "
                                                  "Business-Case-Vorlage.",
    "Gate dates are set scheme by scheme; there is no published calendar.":
        "Gate-Termine werden je Vorhaben festgelegt; einen veröffentlichten Kalender gibt es nicht.",
    "Scheduling and cost tool used on capital schemes.":
        "Werkzeug für Termin- und Kostenplanung in den Investitionsvorhaben im Einsatz.",
    "Project managers sit in engineering grades.": "Projektleiter sind in Ingenieurslaufbahnen eingestuft.",
    "Closure reports are filed; they are not searchable.":
        "Abschlussberichte werden abgelegt, sind aber nicht durchsuchbar.",
    "Benefits are tracked by the regulator's outcome measures only.":
        "Der Nutzen wird nur über die Ergebniskennzahlen der Regulierungsbehörde verfolgt.",
    "Capacity is checked scheme by scheme.": "Kapazitäten werden je Vorhaben geprüft.",
    # Enterprise PMO
    "Charter re-approved by the board after the 2025 reorganisation.":
        "Mandat nach der Reorganisation 2025 vom Vorstand erneut bestätigt.",
    "The chief operating officer.": "Der Chief Operating Officer.",
    "Delivery framework with plan-driven, agile and hybrid routes.":
        "Vorgehensmodell mit plangetriebenen, agilen und hybriden Pfaden.",
    "Change investment policy, section 3.": "Richtlinie für Veränderungsinvestitionen, Abschnitt 3.",
    "Single portfolio in the PPM tool.": "Ein einheitliches Portfolio im PPM-Werkzeug.",
    "Business case template owned by finance and the PMO.":
        "Business-Case-Vorlage in gemeinsamer Verantwortung von Finanzbereich und PMO.",
    "Quarterly investment committee calendar.": "Quartalskalender des Investitionsausschusses.",
    "PPM tool holding plans, status, risks and resourcing.":
        "PPM-Werkzeug mit Plänen, Status, Risiken und Ressourcenplanung.",
    "Project and programme manager career framework with HR.":
        "Mit der Personalabteilung abgestimmtes Laufbahnmodell für Projekt- und Programmleiter.",
    "Searchable lessons library linked to the PPM tool.":
        "Durchsuchbare Lessons-Learned-Bibliothek, mit dem PPM-Werkzeug verknüpft.",
    "Benefits register reviewed by the investment committee.":
        "Nutzenregister, vom Investitionsausschuss überprüft.",
    "Capacity plan for IT roles; business roles are not yet covered.":
        "Kapazitätsplanung für IT-Rollen; Fachbereichsrollen sind noch nicht abgedeckt.",
    # Corporate PMO
    "Approved by the corporate leadership team.": "Von der Verwaltungsspitze genehmigt.",
    "The chief executive.": "Der Verwaltungschef.",
    "Corporate project framework on the intranet.": "Verwaltungsweiter Projektrahmen im Intranet.",
    "Capital projects above £250k must follow the framework.":
        "Investitionsprojekte über 250.000 £ müssen dem Rahmen folgen.",
    "Corporate project register.": "Verwaltungsweites Projektregister.",
    "Standard business case for capital bids.": "Standard-Business-Case für Investitionsanträge.",
    "Capital gates follow the committee cycle; revenue projects have none.":
        "Gates für Investitionsprojekte folgen dem Sitzungszyklus der Ausschüsse; "
        "aus dem laufenden Haushalt finanzierte Projekte haben keine.",
    "A PPM tool for capital projects; others report by spreadsheet.":
        "Ein PPM-Werkzeug für Investitionsprojekte; die übrigen berichten per Tabelle.",
    "Project managers are graded within their service areas.":
        "Projektleiter sind innerhalb ihrer Fachbereiche eingestuft.",
    "An archive of closure reports, hard to search.": "Ein Archiv der Abschlussberichte, schwer durchsuchbar.",
    "No benefits register.": "Kein Nutzenregister.",
    # Digital Services PMO
    "The PMO's role is set out in the digital strategy only.":
        "Die Rolle des PMO ist nur in der Digitalstrategie beschrieben.",
    "The IT director.": "Der IT-Leiter.",
    "Digital delivery playbook covering agile and hybrid delivery.":
        "Playbook für digitale Vorhaben, das agiles und hybrides Vorgehen abdeckt.",
    "The playbook is guidance.": "Das Playbook ist eine Empfehlung.",
    "A board of digital projects; some service-led work is missing.":
        "Ein Board der Digitalprojekte; einige von Fachbereichen geführte Vorhaben fehlen.",
    "The corporate template is used for capital bids only.":
        "Die verwaltungsweite Vorlage wird nur für Investitionsanträge genutzt.",
    "Funding follows the corporate budget round.": "Die Finanzierung folgt der Haushaltsrunde der Verwaltung.",
    "A team board tool; not used for portfolio reporting.":
        "Ein Team-Board-Werkzeug, nicht für das Portfolioberichtswesen genutzt.",
    "No defined path.": "Kein festgelegter Laufbahnpfad.",
    "Retrospective notes kept in the team wiki.": "Ergebnisse der Retrospektiven im Team-Wiki festgehalten.",
    "Team allocation board for developers and testers.":
        "Einsatzplanung im Team-Board für Entwickler und Tester.",
    # R&D Portfolio Office
    "Charter approved by the R&D leadership team.": "Mandat von der F&E-Leitung genehmigt.",
    "The head of R&D.": "Die Leiterin F&E.",
    "R&D project standard operating procedure.": "Standardarbeitsanweisung für F&E-Projekte.",
    "Development projects must follow the procedure from candidate selection on.":
        "Entwicklungsprojekte müssen der Arbeitsanweisung ab der Kandidatenauswahl folgen.",
    "R&D portfolio list kept by the office.": "Vom Office geführte Liste des F&E-Portfolios.",
    "Business case template for development candidates.": "Business-Case-Vorlage für Entwicklungskandidaten.",
    "Stage gates are scheduled; funding is released by the annual budget.":
        "Stage-Gates sind terminiert; die Mittel werden über das Jahresbudget freigegeben.",
    "Portfolio tool used by the office; project managers keep their own plans.":
        "Das Office nutzt ein Portfoliowerkzeug; die Projektleiter führen eigene Pläne.",
    "No career path for project managers.": "Kein Laufbahnpfad für Projektleiter.",
    "Lessons are captured at gate reviews but not searchable.":
        "Lessons Learned werden bei den Gate-Reviews erfasst, sind aber nicht durchsuchbar.",
    "Benefits are a section of the business case only.": "Der Nutzen ist nur ein Abschnitt des Business Case.",
    "Capacity view for clinical roles, updated quarterly.":
        "Kapazitätsübersicht für klinische Rollen, quartalsweise aktualisiert.",
    # Research Projects Office
    "A remit note from the research committee, not reviewed since 2020.":
        "Eine Aufgabenbeschreibung der Forschungskommission, seit 2020 nicht überprüft.",
    "The pro-vice-chancellor for research.": "Die Vizepräsidentin für Forschung.",
    "Research project handbook for grant-funded projects.": "Handbuch für drittmittelfinanzierte Forschungsprojekte.",
    "The handbook is advisory.": "Das Handbuch hat empfehlenden Charakter.",
    "Grant awards are listed; internally funded projects are not.":
        "Bewilligte Drittmittel werden geführt, intern finanzierte Projekte nicht.",
    "Funding follows the funders' own application forms.":
        "Die Finanzierung folgt den Antragsformularen der Mittelgeber.",
    "No internal funding stages.": "Keine internen Finanzierungsstufen.",
    "Grant management system; it holds finance, not plans.":
        "Drittmittelverwaltungssystem; es enthält Finanzdaten, keine Pläne.",
    "A research manager role family exists, without progression criteria.":
        "Eine Rollenfamilie für Forschungsmanagement besteht, ohne Kriterien für den Aufstieg.",
    "End-of-award reviews kept in a searchable library.":
        "Abschlussbewertungen der Förderungen in einer durchsuchbaren Bibliothek abgelegt.",
    "Impact is reported to funders, not kept in a register.":
        "Wirkung wird an die Mittelgeber berichtet, aber nicht in einem Register geführt.",
}


def role_offsets(org: dict, pmo: dict, roles: list[str]) -> np.ndarray:
    """Respondents x dimensions offsets, centred over the PMO's respondents.

    With ``self_rating``, PMO staff sit that many points above the mean of the
    other respondents' offsets on every dimension.
    """
    spec = org.get("role_offsets")
    if spec is None:
        raw = np.array([[ROLE_OFFSET[r]] * len(DIM_IDS) for r in roles])
    else:
        strong = np.array([d in spec["strong_dims"] for d in DIM_IDS])
        raw = np.array([np.where(strong, spec["strong"].get(r, 0.0), spec["weak"].get(r, 0.0))
                        for r in roles])
    gap = pmo.get("self_rating")
    if gap is not None:
        is_self = np.array([r == S for r in roles])
        raw[is_self] = raw[~is_self].mean(axis=0) + gap
    return raw - raw.mean(axis=0)


def item_split(pmo: dict, roles: list[str]) -> np.ndarray:
    """Respondents x items extra points for items that split the room, centred per item."""
    extra = np.zeros((len(roles), len(ITEMS)))
    for item, by_role in pmo.get("item_split", {}).items():
        column = np.array([by_role.get(r, 0.0) for r in roles])
        extra[:, ITEMS.index(item)] = column - column.mean()
    return extra


def dont_know_probability(pmo: dict, roles: list[str]) -> np.ndarray:
    """Respondents x items probability of answering "don't know"."""
    prob = np.zeros((len(roles), len(ITEMS)))
    for i, role in enumerate(roles):
        prob[i, :] = DK_BASE[role]
        hard, extra = DK_HARD.get(role, (set(), 0.0))
        prob[i, [DIM_IDS[ITEM_DIM[j]] in hard for j in range(len(ITEMS))]] += extra
    for (role, item), p in pmo.get("dont_know", {}).items():
        prob[[r == role for r in roles], ITEMS.index(item)] = p
    return prob


def asked_mask(roles: list[str]) -> np.ndarray:
    """Respondents x items: True when the item's audience includes the respondent's role."""
    return np.array([[AUDIENCE[item] is None or role in AUDIENCE[item] for item in ITEMS]
                     for role in roles])


def to_answers(latent: np.ndarray) -> np.ndarray:
    """0-100 latent scores (respondents x items) -> answers 1..5 (float)."""
    value = np.where(REVERSED, 5.0 - latent / 25.0, 1.0 + latent / 25.0)
    return np.clip(np.rint(value), 1, 5)


def generate(rng: np.random.Generator) -> pd.DataFrame:
    """All organisations in long form (values as strings: 1-5, DK, or blank = not answered)."""
    item_offset = rng.normal(0.0, SD_ITEM_OFFSET, len(ITEMS))
    for k in range(len(DIM_IDS)):
        in_dim = ITEM_DIM == k
        item_offset[in_dim] -= item_offset[in_dim].mean()
    rows = []
    for org in ORGANISATIONS:
        code = org["code"]
        people = [f"{code}-{n:02d}" for n in range(1, len(org["roles"]) + 1)]
        role_of = dict(zip(people, org["roles"]))
        # Per person: leniency and date, shared across the PMOs they answer for.
        bias = dict(zip(people, rng.normal(0.0, SD_PERSON, len(people))))
        day = dict(zip(people, rng.integers(0, org["days"], len(people))))
        commented: set[tuple[str, str]] = set()
        for (person, item) in org["comments"]:
            assert AUDIENCE[item] is None or role_of[person] in AUDIENCE[item], (person, item)
        for pmo in org["pmos"]:
            who = pmo.get("people", people)
            roles = [role_of[p] for p in who]
            target = np.array([pmo["targets"][d] for d in DIM_IDS])
            dim_latent = (target[None, :] + role_offsets(org, pmo, roles)
                          + np.array([bias[p] for p in who])[:, None]
                          + rng.normal(0.0, SD_PERSON_DIM, (len(who), len(DIM_IDS))))
            latent = (dim_latent[:, ITEM_DIM] + item_offset[None, :] + item_split(pmo, roles)
                      + rng.normal(0.0, SD_ITEM, (len(who), len(ITEMS))))
            answers = to_answers(latent)
            asked = asked_mask(roles)
            dont_know = rng.random(answers.shape) < dont_know_probability(pmo, roles)
            blank = rng.random(answers.shape) < org["blank_rate"]
            skip_who, skip_dim = org["skipper"]
            if skip_who in who:
                i = who.index(skip_who)
                cols = np.flatnonzero((ITEM_DIM == DIM_IDS.index(skip_dim)) & asked[i])
                # Leave fewer than half of the items asked answered.
                n_skip = len(cols) - (len(cols) - 1) // 2
                blank[i, np.sort(rng.choice(cols, size=n_skip, replace=False))] = True
                dont_know[i, cols] = False
            for (person, item) in org["comments"]:
                if person in who:  # a respondent who comments on an item does not answer "don't know"
                    dont_know[who.index(person), ITEMS.index(item)] = False
            for i, person in enumerate(who):
                assessed = (org["start"] + dt.timedelta(days=int(day[person]))).isoformat()
                for j, item in enumerate(ITEMS):
                    if not asked[i, j]:
                        continue
                    if blank[i, j]:
                        value = ""
                    elif dont_know[i, j]:
                        value = DONT_KNOW
                    else:
                        value = str(int(answers[i, j]))
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
    """One row per respondent and PMO; items not asked of the role are blank."""
    keys = ["organisation", "pmo", "pmo_level", "respondent", "role", "assessed_on"]
    wide = long.pivot(index=keys, columns="item", values="value")
    wide = wide.reindex(columns=ITEMS).fillna("").reset_index()
    order = long.drop_duplicates(keys)[keys]
    return order.merge(wide, on=keys, how="left")[WIDE_HEADER]


def write_xlsx(wide: pd.DataFrame, path: Path) -> None:
    """Wide form to sheet ``responses``: numbers as numbers, DK as text, dates as dates, blanks empty."""
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
                cells.append(None if not value else value if value == DONT_KNOW else int(value))
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


def _scalar(value: object) -> str:
    """A YAML scalar: numbers plain, text double-quoted (JSON strings are valid YAML)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def engagement_text() -> str:
    """engagement.yaml with a fixed layout: PMOs in file order, ids in instrument order."""
    # A choice given per language ({en: ..., de: ...}) is answered with its English (default-language) text.
    choices = {c["id"]: None if c.get("choices") is None else
               [ch["en"] if isinstance(ch, dict) else ch for ch in c["choices"]] for c in SPEC["context"]}
    lines = [
        "# Engagement record for the sample organisations (fictitious), written by",
        "# examples/generate.py. Per PMO: an optional target type (PMOs without one take",
        "# the instrument's default for their level), the answers to the instrument's",
        "# context questions and its evidence checklist (answer \"yes\", \"partly\" or \"no\"; the note",
        "# in English and German).",
        "pmos:",
    ]
    for org in ORGANISATIONS:
        for pmo in org["pmos"]:
            data = ENGAGEMENT_DATA[pmo["pmo"]]
            assert list(data["context"]) == CONTEXT_IDS, pmo["pmo"]
            assert len(data["evidence"]) == len(EVIDENCE_IDS), pmo["pmo"]
            lines.append(f"  - organisation: {_scalar(org['name'])}")
            lines.append(f"    pmo: {_scalar(pmo['pmo'])}")
            if "target" in data:
                lines.append(f"    target: {data['target']}")
            lines.append("    context:")
            for key, value in data["context"].items():
                assert choices[key] is None or value in choices[key], (key, value)
                lines.append(f"      {key}: {_scalar(value)}")
            lines.append("    evidence:")
            for key, (answer, note) in zip(EVIDENCE_IDS, data["evidence"]):
                assert answer in ("yes", "partly", "no")
                lines.append(f"      {key}: {{answer: {_scalar(answer)}, note: {{en: {_scalar(note)}, "
                             f"de: {_scalar(GERMAN_NOTES[note])}}}}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    rng = np.random.default_rng(SEED)
    long = generate(rng)
    write_csv(long, MAIN_CSV)
    strategic = long[long["organisation"] == "Vantellis Insurance Group"]
    write_xlsx(wide_form(strategic), WIDE_XLSX)
    supportive = long[long["organisation"] == "Aldergate Logistics"]
    write_csv(supportive, SEMICOLON_CSV, delimiter=";", bom=True, newline="\r\n")
    ENGAGEMENT.write_bytes(engagement_text().encode("utf-8"))
    for path in (MAIN_CSV, WIDE_XLSX, SEMICOLON_CSV, ENGAGEMENT):
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
