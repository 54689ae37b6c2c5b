"""A small competency instrument and cohort whose figures are worked out by hand in the tests."""

from __future__ import annotations

from pathlib import Path

MINI_INSTRUMENT = """\
kind: competency
id: mini-competency
version: "1.0"
title: Mini competency
scale: {min: 1, max: 5, labels: {1: Awareness, 5: Expert}}
roles:
  - {id: self, label: Self, self: true}
  - {id: manager, label: Line manager}
  - {id: peer, label: Peer}
job_levels:
  - {id: junior, label: Junior project manager}
  - {id: senior, label: Senior project manager}
process_groups:
  - {id: initiating, label: Initiating}
  - {id: planning, label: Planning}
  - {id: executing, label: Executing}
  - {id: monitoring_controlling, label: Monitoring and controlling}
min_raters: 3
gap_threshold: 1.0
tolerance: 0
areas:
  - id: risk
    label: Risk management
    anchors: {1: a1, 2: a2, 3: a3, 4: a4, 5: a5}
    items:
      - {id: r1, text: Identifies risks, process_group: planning}
      - {id: r2, text: Tracks risks, process_group: monitoring_controlling}
      - {id: r3, text: Quantifies risk exposure, process_group: planning, not_expected_for: [junior]}
  - id: stakeholder
    label: Stakeholder management
    family: knowledge_area
    anchors: {1: b1, 2: b2, 3: b3, 4: b4, 5: b5}
    items:
      - {id: s1, text: Identifies stakeholders, process_group: initiating}
      - {id: s2, text: Engages stakeholders, process_group: executing}
required:
  junior: {risk: 3, stakeholder: 2}
  senior: {risk: 4, stakeholder: 4}
"""

# organisation, cohort, subject, job_level, rater, role, then r1 r2 r3 s1 s2 (wide form)
MINI_RATINGS = [
    ("Ana", "senior", "Ana", "self", ["5", "5", "4", "4", "4"]),
    ("Ana", "senior", "Max", "manager", ["3", "3", "3", "4", "5"]),
    ("Ana", "senior", "P1", "peer", ["4", "3", "DK", "3", "3"]),
    ("Ana", "senior", "P2", "peer", ["2", "", "", "5", "4"]),
    ("Ana", "senior", "P3", "peer", ["4", "4", "4", "3", "4"]),
    ("Ben", "junior", "Ben", "self", ["2", "2", "", "2", "3"]),
    ("Ben", "junior", "Max", "manager", ["3", "4", "", "1", ""]),
    ("Ben", "junior", "P1", "peer", ["3", "3", "", "3", "3"]),
    ("Cara", "junior", "", "self", ["4", "3", "", "2", "2"]),
]


def write_mini(folder: Path) -> tuple[Path, Path]:
    """The mini instrument and its ratings (wide CSV) in ``folder``."""
    instrument = folder / "mini-competency.yaml"
    instrument.write_text(MINI_INSTRUMENT, encoding="utf-8")
    lines = ["organisation,cohort,subject,job_level,rater,role,r1,r2,r3,s1,s2"]
    for subject, level, rater, role, values in MINI_RATINGS:
        lines.append(",".join(["Acme", "PMs", subject, level, rater, role, *values]))
    ratings = folder / "ratings.csv"
    ratings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return instrument, ratings
