"""The tiny instrument (tests/helpers.py) with pmo-core 2.0's additions: an item asked of one role only, a "self"
role, and evidence and context questions. Shared by the store, form and intake tests.

S2 is asked of PMO staff only; every other item of every role. So an executive is asked 10 of the 11 items and
PMO staff all 11.
"""

from __future__ import annotations

from pathlib import Path

from pmo_workbench import load_instrument
from pmo_workbench.assessment.instrument import Instrument

from tests.helpers import TINY_YAML

AUDIENCE_YAML = (
    TINY_YAML.replace('id: tiny\n', 'id: tiny-audience\n')
    .replace("{id: pmo_staff, label: PMO staff}", "{id: pmo_staff, label: PMO staff, self: true}")
    .replace('{id: S2, text: "s two"}', '{id: S2, text: "s two", audience: [pmo_staff]}')
    + """\
evidence:
  - {id: charter, text: "A signed PMO charter", dimension: gov}
  - {id: register, text: "A benefits register"}
context:
  - {id: age, text: "Years since the PMO was set up", kind: number, min: 0, max: 100}
  - {id: line, text: "Reports to", kind: choice, choices: [CEO, CFO, CIO]}
"""
)


def audience_instrument(folder: Path) -> Instrument:
    """Write :data:`AUDIENCE_YAML` to ``folder`` and load it."""
    path = folder / "tiny-audience.yaml"
    path.write_text(AUDIENCE_YAML, encoding="utf-8")
    return load_instrument(path)
