"""Shared fixtures: a tiny instrument whose numbers are easy to work out by hand."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmo_workbench import load_instrument

TINY_YAML = textwrap.dedent("""\
    id: tiny
    version: "0.1"
    title: Tiny test instrument
    scale: {min: 1, max: 5}
    maturity_thresholds: [20, 40, 60, 80]
    roles:
      - {id: executive, label: Executive}
      - {id: pmo_staff, label: PMO staff}
      - {id: project_manager, label: Project manager}
    dimensions:
      - id: gov
        label: Governance
        pmo_role: standards
        weight: 2
        items:
          - {id: G1, text: "g one"}
          - {id: G2, text: "g two", reverse: true}
          - {id: G3, text: "g three", weight: 2}
          - {id: G4, text: "g four"}
      - id: sup
        label: Support
        pmo_role: customer_support
        items:
          - {id: S1, text: "s one"}
          - {id: S2, text: "s two"}
      - id: ppl
        label: People
        pmo_role: empowerment
        items:
          - {id: P1, text: "p one"}
          - {id: P2, text: "p two"}
          - {id: P3, text: "p three"}
          - {id: P4, text: "p four"}
          - {id: P5, text: "p five"}
    types:
      - {id: supportive, label: Supportive, gates: {gov: 40}}
      - {id: controlling, label: Controlling, gates: {gov: 60, sup: 50}}
      - {id: strategic, label: Strategic, gates: {ppl: 70}}
    """)


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instrument") / "tiny.yaml"
    path.write_text(TINY_YAML, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny(tiny_path):
    return load_instrument(tiny_path)


@pytest.fixture(scope="session")
def core():
    return load_instrument("pmo-core")


def answers(rows: list[tuple], pmo: str = "PMO", organisation: str = "Org") -> pd.DataFrame:
    """A tidy responses frame from (respondent, role, item, value) tuples; value None = not answered."""
    return pd.DataFrame(
        [
            {"organisation": organisation, "pmo": pmo, "pmo_level": None, "respondent": r, "role": role,
             "item": item, "value": np.nan if v is None else float(v)}
            for r, role, item, v in rows
        ]
    )


def write_csv(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(textwrap.dedent(text).encode(encoding))
    return path


@pytest.fixture
def chromium() -> str:
    """The Chromium binary; skips without one, unless CI said it must be there."""
    from pmo_workbench.reports import find_chromium

    found = find_chromium()
    if found is None:
        if os.environ.get("PMO_WORKBENCH_REQUIRE_CHROMIUM"):
            pytest.fail("Chromium is required here (PMO_WORKBENCH_REQUIRE_CHROMIUM) but was not found")
        pytest.skip("needs Chromium (apt-get install chromium)")
    return found
