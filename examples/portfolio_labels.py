"""The labels of the sample portfolios: currency, strategic objectives and Korrin's PMO hierarchy.

``generate_portfolios.py`` calls :func:`add_labels` on each organisation's sheets after drawing them, so
these columns change no figure drawn before them (no random numbers are used here):

- ``currency``: every project's money is in the organisation's currency (Korrin and Harrowmoor GBP,
  Stellbrook EUR);
- ``objective``: the strategic objective a project serves, from its category (three to five objectives per
  organisation), left blank for one project in :data:`BLANK_EVERY` so the report has unaligned work to flag;
- ``pmos`` (Korrin only): the Enterprise PMO over the Corporate PMO and the Digital Services PMO.
"""

from __future__ import annotations

import pandas as pd

CURRENCIES = {
    "Korrin Regional Council": "GBP",
    "Stellbrook Pharmaceuticals": "EUR",
    "Harrowmoor Water Services": "GBP",
}

OBJECTIVES = {
    "Korrin Regional Council": {
        "Capital works": "Safe and resilient infrastructure",
        "Highways": "Safe and resilient infrastructure",
        "Infrastructure": "Safe and resilient infrastructure",
        "Housing": "Homes and thriving places",
        "Property": "Homes and thriving places",
        "Environment": "A greener borough",
        "Statutory compliance": "A well-run council",
        "Digital platforms": "Modern, accessible services",
        "Customer services": "Modern, accessible services",
        "Data": "Modern, accessible services",
    },
    "Stellbrook Pharmaceuticals": {
        "Clinical": "Bring late-stage assets to market",
        "Regulatory": "Bring late-stage assets to market",
        "Discovery": "Replenish the early pipeline",
        "Preclinical": "Replenish the early pipeline",
        "CMC": "Manufacture at commercial scale",
        "Platform": "Shared research platforms",
    },
    "Harrowmoor Water Services": {
        "Water treatment": "Safe, reliable drinking water",
        "Reservoirs": "Safe, reliable drinking water",
        "Wastewater": "Cleaner rivers and coasts",
        "Networks": "A resilient network",
        "Digital and telemetry": "Smarter operations",
    },
}

BLANK_EVERY = 23
"""One project in this many (in sheet order, from the twelfth) names no strategic objective."""

KORRIN_PMOS = pd.DataFrame({
    "pmo": ["Enterprise PMO", "Corporate PMO", "Digital Services PMO"],
    "parent": ["", "Enterprise PMO", "Enterprise PMO"],
    "level": ["enterprise", "portfolio", "portfolio"],
})


def add_labels(organisation: str, sheets: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The organisation's sheets with ``currency`` and ``objective`` on projects, and Korrin's ``pmos`` sheet."""
    out = dict(sheets)
    projects = sheets["projects"].copy()
    objective = projects["category"].map(OBJECTIVES[organisation])
    blank = [i % BLANK_EVERY == BLANK_EVERY // 2 for i in range(len(projects))]
    projects.insert(projects.columns.get_loc("category") + 1, "objective", objective.where(~pd.Series(
        blank, index=projects.index), ""))
    projects["currency"] = CURRENCIES[organisation]
    out["projects"] = projects
    if organisation == "Korrin Regional Council":
        out["pmos"] = KORRIN_PMOS.copy()
    return out
