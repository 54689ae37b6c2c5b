"""What the consultant records once per PMO: its target type, its context and the evidence checklist.

An engagement file (``engagement.yaml``, found beside the responses file, or
given with ``--targets``) holds one entry per PMO::

    pmos:
      - organisation: Harrowmoor Water Services
        pmo: Capital Programmes PMO
        target: controlling            # the type the client wants this PMO to be
        context: {pmo_age_years: 6, reporting_line: finance director}
        evidence:
          charter: {answer: "yes", note: "Approved by the board in 2023"}
          benefits_register: "no"      # shorthand: the answer alone

``target``, ``context`` and ``evidence`` are each optional; the ids come from
the instrument's ``types``, ``context`` and ``evidence`` blocks and are checked
against them, every problem located by line.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from .._yaml import load_yaml, locate, problems_from_pydantic
from ..errors import InputValidationError, Problem
from .instrument import Instrument
from .positioning import Target

ENGAGEMENT_FILE = "engagement.yaml"
"""The name of the engagement file looked for beside a responses file."""
EVIDENCE_ANSWERS = ("yes", "partly", "no")
EVIDENCE_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No"}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EvidenceAnswer(_Model):
    """The consultant's answer to one evidence question, with a note."""

    answer: Literal["yes", "partly", "no"]
    note: str = ""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # ``charter: yes`` (YAML reads an unquoted yes/no as true/false) or ``charter: partly``.
        if isinstance(value, (bool, str)):
            value = {"answer": value}
        if isinstance(value, dict) and isinstance(value.get("answer"), bool):
            value = {**value, "answer": "yes" if value["answer"] else "no"}
        if isinstance(value, dict) and isinstance(value.get("answer"), str):
            value = {**value, "answer": value["answer"].strip().lower()}
        return value


class PmoEngagement(_Model):
    """One PMO's entry: whom it is about, and what the consultant recorded."""

    organisation: str = Field(min_length=1)
    pmo: str = Field(min_length=1)
    target: str | None = None
    context: dict[str, str | float | None] = Field(default_factory=dict)
    evidence: dict[str, EvidenceAnswer] = Field(default_factory=dict)

    @field_validator("target")
    @classmethod
    def _known_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        instrument = _instrument(info)
        if value is not None and instrument is not None:
            ids = [t.id for t in instrument.types]
            if value not in ids:
                raise ValueError(f"'{value}' is not a type of {instrument.id} {instrument.version}; "
                                 f"expected one of {', '.join(ids)}")
        return value

    @field_validator("context")
    @classmethod
    def _known_context(cls, value: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        instrument = _instrument(info)
        if instrument is None:
            return value
        questions = {q.id: q for q in instrument.context}
        problems = []
        for key, answer in value.items():
            question = questions.get(key)
            if question is None:
                problems.append(f"unknown context question '{key}'; the instrument asks "
                                f"{', '.join(questions) or 'none'}")
            elif answer is None:
                continue
            elif question.kind == "number":
                if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
                    problems.append(f"{key}: expected a number, got {answer!r}")
                elif (question.min is not None and answer < question.min) or (
                        question.max is not None and answer > question.max):
                    problems.append(f"{key}: {answer:g} is outside {question.min:g}-{question.max:g}")
            elif question.kind == "choice" and str(answer) not in question.choices:
                problems.append(f"{key}: '{answer}' is not one of the choices ({'; '.join(question.choices)})")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("evidence")
    @classmethod
    def _known_evidence(cls, value: dict[str, EvidenceAnswer], info: ValidationInfo) -> dict[str, EvidenceAnswer]:
        instrument = _instrument(info)
        if instrument is not None:
            known = [e.id for e in instrument.evidence]
            unknown = sorted(set(value) - set(known))
            if unknown:
                raise ValueError(f"unknown evidence questions {unknown}; the instrument has "
                                 f"{', '.join(known) or 'none'}")
        return value


class Engagement(_Model):
    """Every PMO entry of an engagement file."""

    pmos: tuple[PmoEngagement, ...] = ()
    _lines: list[int | None] = PrivateAttr(default_factory=list)

    def line_of(self, index: int) -> int | None:
        """The line of the file where entry ``index`` names its PMO (``None`` when not read from a file)."""
        return self._lines[index] if index < len(self._lines) else None

    @model_validator(mode="after")
    def _distinct(self) -> Engagement:
        seen: set[tuple[str, str]] = set()
        for entry in self.pmos:
            key = (entry.organisation, entry.pmo)
            if key in seen:
                raise ValueError(f"PMO '{entry.pmo}' of '{entry.organisation}' is given twice")
            seen.add(key)
        return self

    def for_pmo(self, organisation: str, pmo: str) -> PmoEngagement | None:
        """The entry of one PMO, or ``None``."""
        return next((e for e in self.pmos if e.organisation == organisation and e.pmo == pmo), None)

    def targets(self, source: str) -> dict[tuple[str, str], Target]:
        """(organisation, pmo) -> :class:`Target` (from ``source``) for every entry that names one."""
        return {(e.organisation, e.pmo): Target(e.target, source) for e in self.pmos if e.target is not None}


def _instrument(info: ValidationInfo) -> Instrument | None:
    return (info.context or {}).get("instrument")


def load_engagement(path: str | Path, instrument: Instrument) -> Engagement:
    """Read and check an engagement file against the instrument.

    Raises
    ------
    InputValidationError
        With every problem, located by line: an unknown type, context or
        evidence id, a context answer of the wrong kind, an evidence answer
        other than yes, partly or no, a PMO given twice.
    """
    path = Path(path)
    data, node = load_yaml(path)
    if data is None:
        return Engagement()
    try:
        engagement = Engagement.model_validate(data, context={"instrument": instrument})
    except pydantic.ValidationError as exc:
        raise InputValidationError(problems_from_pydantic(path, node, exc)) from None
    engagement._lines = [locate(node, ("pmos", index, "pmo"))[0] for index in range(len(engagement.pmos))]
    return engagement


def engagement_beside(responses: str | Path) -> Path | None:
    """The ``engagement.yaml`` in the folder of a responses file, if there is one."""
    candidate = Path(responses).resolve().parent / ENGAGEMENT_FILE
    return candidate if candidate.is_file() else None


def check_pmos_known(engagement: Engagement, answers: Mapping[str, list[str]], where: str | Path) -> None:
    """Refuse entries naming a PMO of an answered organisation that has no answers (a typo would silently
    drop its target); ``answers`` maps each organisation to its PMOs."""
    problems = []
    for index, entry in enumerate(engagement.pmos):
        pmos = answers.get(entry.organisation)
        if pmos is not None and entry.pmo not in pmos:
            problems.append(Problem(str(where), engagement.line_of(index), f"pmos.{index}.pmo",
                                    f"organisation '{entry.organisation}' has no PMO '{entry.pmo}' in the answers; "
                                    f"it has {', '.join(repr(p) for p in pmos)}"))
    if problems:
        raise InputValidationError(problems)


def engagement_inputs(responses: str | Path, answers, instrument: Instrument, *, engagement: str | Path | None = None,
                      targets: str | Path | None = None, targets_source: str = "option",
                      ) -> tuple[Engagement | None, Path | None, dict[tuple[str, str], Target] | None]:
    """The engagement entries and the chosen targets for answers read from ``responses``.

    ``engagement`` defaults to the ``engagement.yaml`` beside ``responses``;
    ``targets`` is a file in the same format whose targets (from
    ``targets_source``) win. Both are checked against the instrument, and an
    entry naming a PMO of an answered organisation with no answers is refused.

    Returns the entries (or ``None``), the file they came from (or ``None``)
    and the targets (or ``None``).
    """
    pairs = answers[["organisation", "pmo"]].drop_duplicates().astype(str)
    pmos_of: dict[str, list[str]] = {}
    for organisation, pmo in zip(pairs["organisation"], pairs["pmo"]):
        pmos_of.setdefault(organisation, []).append(pmo)
    path = Path(engagement) if engagement is not None else engagement_beside(responses)
    entries = None
    if path is not None:
        entries = load_engagement(path, instrument)
        check_pmos_known(entries, pmos_of, path)
    chosen = None
    if targets is not None:
        given = load_engagement(targets, instrument)
        check_pmos_known(given, pmos_of, targets)
        chosen = given.targets(targets_source)
    return entries, path, chosen
