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
against them, every problem located by line. An entry may also choose its own
``recommendations`` (``{exclude, add, cap}``), which win over the file's. For a stored
assessment whose respondents were invited by link, the store adds ``invited`` (role id ->
how many were invited: the report's data basis then gives the response rate), ``submitted`` (role id ->
how many of them submitted, the rate's numerator, as ``pmo-workbench status`` counts it) and
``anonymity`` (``identified``, ``confidential`` or ``anonymous``: an anonymous assessment is
reported with a minimum group size of at least 5). ``done`` lists the roadmap steps (ids of the recommendations
library) the PMO has completed since an earlier wave, for the progress report.

The file may also hold one organisation's client-level edit of the report
(names, logos, fieldwork, framework, key messages, approved comments...: see
:mod:`pmo_workbench.assessment.deliverable`); it then names that
``organisation`` at the top, and its entries may leave their organisation out.
"""

from __future__ import annotations

import copy
import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationInfo, field_validator, model_validator

from .._yaml import as_written, load_yaml, locate, problems_from_pydantic
from ..errors import InputValidationError, Problem
from ..i18n import current_language
from .deliverable import (
    CLIENT_FIELDS,
    DEFAULT_CONFIDENTIALITY,
    AnswerComment,
    EngagementComment,
    Fieldwork,
    KeyMessages,
    Line,
    Name,
    RecommendationChoice,
    Text,
    Version,
    answer_comments,
    check_language,
    check_locale,
    check_logo,
)
from .engagement_texts import engagement_in
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
    recommendations: RecommendationChoice | None = None
    invited: dict[str, NonNegativeInt] = Field(default_factory=dict)
    """Role id -> how many people were invited to answer by link (the store writes it from its invitations)."""
    submitted: dict[str, NonNegativeInt] | None = None
    """Role id -> how many invited people submitted (a forgotten respondent included: the response rate is the
    one ``status`` shows); ``None`` when not recorded (respondents are then taken as the invited who answered)."""
    anonymity: Literal["identified", "confidential", "anonymous"] | None = None
    """How the answers were collected; ``anonymous`` raises the report's minimum group size to at least 5."""
    done: tuple[Text, ...] = ()
    """The step ids of the recommendations library (the steps an earlier wave's roadmap showed) the PMO has
    completed since that wave; the progress report sets them beside the change of the dimensions they targeted."""

    @field_validator("done")
    @classmethod
    def _known_done(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        known: set[str] | None = (info.context or {}).get("steps")
        unknown = [step for step in value if known is not None and step not in known]
        if unknown:
            raise ValueError(f"done: unknown step id(s) {', '.join(repr(s) for s in unknown)}; the recommendations "
                             f"library has {', '.join(sorted(known)[:12])}{', ...' if len(known) > 12 else ''}")
        return tuple(dict.fromkeys(value))

    @field_validator("invited", "submitted")
    @classmethod
    def _known_roles(cls, value: dict[str, int] | None, info: ValidationInfo) -> dict[str, int] | None:
        instrument = _instrument(info)
        if instrument is not None and value is not None:
            unknown = sorted(set(value) - set(instrument.role_ids))
            if unknown:
                raise ValueError(f"unknown roles {unknown}; the instrument has {', '.join(instrument.role_ids)}")
        return value

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
    """An engagement file: every PMO entry and, for one organisation, the client-level edit of the report."""

    organisation: Text | None = None
    client: Name | None = None
    client_logo: Text | None = None
    consultancy: Name | None = None
    consultancy_logo: Text | None = None
    prepared_for: Name | None = None
    fieldwork: Fieldwork | None = None
    framework: Literal["pmbok", "prince2", "agile"] | None = None
    language: str | None = None
    locale: str | None = None
    key_messages: KeyMessages | None = None
    portfolio_key_messages: KeyMessages | None = None
    recommendations: RecommendationChoice | None = None
    comments: tuple[EngagementComment, ...] = ()
    confidentiality: Line = DEFAULT_CONFIDENTIALITY
    version: Version | None = None
    draft: bool = False
    competency: dict[str, Any] | None = None
    """The competency assessment's edits (``required:`` per job level and area), checked against the competency
    instrument by :func:`pmo_workbench.assessment.competency.engagement_required`."""
    pmos: tuple[PmoEngagement, ...] = ()

    _language = field_validator("language")(check_language)
    _locale = field_validator("locale")(check_locale)
    _logos = field_validator("client_logo", "consultancy_logo")(check_logo)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        # ``version: 1.0`` reads as a number in YAML: keep it as written
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @model_validator(mode="before")
    @classmethod
    def _entries_of_organisation(cls, value: Any) -> Any:
        return with_organisation(value)

    @property
    def client_name(self) -> str | None:
        """The client as the report names it: ``client``, else ``organisation``."""
        return self.client or self.organisation

    def recommendations_for(self, organisation: str, pmo: str) -> RecommendationChoice | None:
        """The recommendations choice of one PMO: its entry's, else the file's."""
        entry = self.for_pmo(organisation, pmo)
        if entry is not None and entry.recommendations is not None:
            return entry.recommendations
        return self.recommendations

    def approved_comments(self) -> tuple[EngagementComment, ...]:
        """The comments approved for the report, in the file's order."""
        return tuple(c for c in self.comments if c.approved)

    def for_pmo(self, organisation: str, pmo: str) -> PmoEngagement | None:
        """The entry of one PMO, or ``None``."""
        return next((e for e in self.pmos if e.organisation == organisation and e.pmo == pmo), None)

    def targets(self, source: str) -> dict[tuple[str, str], Target]:
        """(organisation, pmo) -> :class:`Target` (from ``source``) for every entry that names one."""
        return {(e.organisation, e.pmo): Target(e.target, source) for e in self.pmos if e.target is not None}


@dataclass(frozen=True)
class RawEntry:
    """An entry of an engagement file as written (before validation): its index, names and where they are."""

    index: int
    organisation: str | None
    pmo: str | None
    organisation_at: tuple[int | None, int | None]
    pmo_at: tuple[int | None, int | None]

    def problem(self, path: str | Path, key: str, message: str) -> Problem:
        row, column = self.organisation_at if key == "organisation" else self.pmo_at
        return Problem(str(path), row, column, f"pmos.{self.index}.{key}: {message}")


def with_organisation(data: Any) -> Any:
    """An engagement file's data with the top-level ``organisation`` given to every entry that leaves its own out."""
    if not isinstance(data, dict) or not isinstance(data.get("organisation"), str) or not isinstance(
            data.get("pmos"), list):
        return data
    data = copy.copy(data)
    data["pmos"] = [{"organisation": data["organisation"], **item} if isinstance(item, dict)
                    and "organisation" not in item else item for item in data["pmos"]]
    return data


def client_problems(path: str | Path, data: Any, node, answers: Mapping[str, list[str]] | None = None,
                    ) -> list[Problem]:
    """Client-level keys given without ``organisation``, an ``organisation`` the answers lack, and entries naming
    another organisation than it."""
    if not isinstance(data, dict):
        return []
    found = []
    organisation = data.get("organisation")
    if isinstance(organisation, str) and answers is not None and organisation not in answers:
        close = close_match(organisation, list(answers)) or next(iter(difflib.get_close_matches(
            organisation, list(answers), n=1, cutoff=0.6)), None)
        row, column = locate(node, ("organisation",))
        found.append(Problem(str(path), row, column, f"organisation: no organisation '{organisation}' in the "
                             "answers" + (f"; did you mean '{close}'?" if close else "")))
    given = [key for key in CLIENT_FIELDS if key in data]
    if given and organisation is None:
        row, column = locate(node, (given[0],))
        found.append(Problem(str(path), row, column, f"{given[0]}: the client-level keys ({', '.join(given)}) "
                                                     "need 'organisation': the client as named in the responses"))
    items = data.get("pmos")
    if isinstance(organisation, str) and isinstance(items, list):
        for index, item in enumerate(items):
            named = item.get("organisation") if isinstance(item, dict) else None
            if isinstance(named, str) and named != organisation:
                row, column = locate(node, ("pmos", index, "organisation"))
                found.append(Problem(str(path), row, column, f"pmos.{index}.organisation: '{named}' is not the "
                                                             f"file's organisation '{organisation}'; leave it out"))
    return found


def raw_entries(data: Any, node) -> list[RawEntry]:
    """The entries of an engagement file's ``pmos`` list that name their organisation (or take the file's) and
    PMO as text, located."""
    items = data.get("pmos") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    data = with_organisation(data)
    items = data["pmos"]
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        names = [item.get(key) if isinstance(item.get(key), str) else None for key in ("organisation", "pmo")]
        found.append(RawEntry(index, *names, locate(node, ("pmos", index, "organisation")),
                              locate(node, ("pmos", index, "pmo"))))
    return found


def entry_problems(path: str | Path, entries: list[RawEntry],
                   answers: Mapping[str, list[str]] | None = None) -> list[Problem]:
    """Entries that cannot be right, each located: a PMO given twice, and, given the answered organisations and
    their PMOs, an entry naming a PMO the answers lack, or an organisation spelt like an answered one but not the
    same (a typo would silently drop its target). An organisation unlike any answered one belongs to other answers
    and is left alone."""
    found: list[Problem] = []
    first: dict[tuple[str, str], int] = {}
    for entry in entries:
        if entry.organisation is None or entry.pmo is None:
            continue
        key = (entry.organisation, entry.pmo)
        if key in first:
            found.append(entry.problem(path, "pmo", f"PMO '{entry.pmo}' of '{entry.organisation}' is given twice "
                                                    f"(first in entry {first[key]})"))
        first.setdefault(key, entry.index)
        if answers is None:
            continue
        pmos = answers.get(entry.organisation)
        if pmos is None:
            close = close_match(entry.organisation, list(answers))
            if close:
                found.append(entry.problem(path, "organisation", f"no organisation '{entry.organisation}' in the "
                                                                 f"answers; did you mean '{close}'?"))
        elif entry.pmo not in pmos:
            close = close_match(entry.pmo, pmos)
            hint = f"did you mean '{close}'?" if close else f"it has {', '.join(repr(p) for p in pmos)}"
            found.append(entry.problem(path, "pmo", f"organisation '{entry.organisation}' has no PMO '{entry.pmo}' "
                                                    f"in the answers; {hint}"))
    return found


def close_match(name: str, known: list[str]) -> str | None:
    """The known name this one is probably a misspelling of (case and spacing ignored), or ``None``."""
    folded = {" ".join(k.split()).casefold(): k for k in known}
    match = difflib.get_close_matches(" ".join(name.split()).casefold(), list(folded), n=1, cutoff=0.85)
    return folded[match[0]] if match else None


def _instrument(info: ValidationInfo) -> Instrument | None:
    """The instrument to check an entry against; ``None`` for an entry about other answers (an organisation
    unlike any answered one), which may well use another instrument."""
    context = info.context or {}
    answers = context.get("answers")
    organisation = info.data.get("organisation")
    if answers is not None and isinstance(organisation, str) and organisation not in answers and not close_match(
            organisation, list(answers)):
        return None
    return context.get("instrument")


def load_engagement(path: str | Path, instrument: Instrument | None,
                    answers: Mapping[str, list[str]] | None = None,
                    comments: Mapping[str, AnswerComment] | None = None) -> Engagement:
    """Read and check an engagement file against the instrument (and, given them, the answered organisations
    and their PMOs, and the comments of the answers: :func:`answer_comments`).

    Its texts for the reader come in the current language (:func:`pmo_workbench.i18n.current_language`), a text
    lacking it in the file's own language: see :mod:`pmo_workbench.assessment.engagement_texts`.

    Raises
    ------
    InputValidationError
        With every problem at once, located by line and column: an unknown
        type, context or evidence id, a context answer of the wrong kind, an
        evidence answer other than yes, partly or no, an unknown key, a PMO
        given twice, the entries the answers contradict; and in the
        client-level edit: a client key without ``organisation``, an entry of
        another organisation, a logo outside the file's folder or missing, a
        date that does not exist or a fieldwork ending before it starts, a
        language the reports are not written in, a locale Babel does not know (or of such a language), fewer than 3
        or more than 5 key messages, a step id the recommendations library
        lacks, a comment the answers do not hold (or whose text was edited) and
        a redaction phrase not in its comment.
    """
    from .recommendations import library_for

    path = Path(path)
    data, node = load_yaml(path)
    if data is None:
        return Engagement()
    problems = entry_problems(path, raw_entries(data, node), answers) + client_problems(path, data, node, answers)
    data, text_problems, _ = engagement_in(data, node, path, current_language())
    problems += text_problems
    if isinstance(data, dict) and isinstance(data.get("version"), (int, float)) and not isinstance(
            data["version"], bool):
        data = {**data, "version": as_written(node, ("version",))}  # ``version: 1.10`` is "1.10", not 1.1
    library = library_for(instrument) if instrument is not None else None
    organisation = data.get("organisation") if isinstance(data, dict) else None
    if comments is not None:
        comments = {k: c for k, c in comments.items() if c.organisation == organisation}
    context = {"instrument": instrument, "answers": answers, "base": path.resolve().parent, "comments": comments,
               "steps": None if library is None else {r.id for r in library.recommendations}}
    engagement = None
    try:
        engagement = Engagement.model_validate(data, context=context)
    except pydantic.ValidationError as exc:
        problems = problems_from_pydantic(path, node, exc) + problems
    if problems:
        raise InputValidationError(sorted(problems, key=lambda p: (p.row or 0, p.column or 0)))
    return engagement


def engagement_beside(responses: str | Path) -> Path | None:
    """The ``engagement.yaml`` in the folder of a responses file, if there is one."""
    candidate = Path(responses).resolve().parent / ENGAGEMENT_FILE
    return candidate if candidate.is_file() else None


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
    comments = answer_comments(answers) if "comment" in answers else None  # a frame of names only: not checked
    pmos_of: dict[str, list[str]] = {}
    for organisation, pmo in zip(pairs["organisation"], pairs["pmo"]):
        pmos_of.setdefault(organisation, []).append(pmo)
    path = Path(engagement) if engagement is not None else engagement_beside(responses)
    problems: list[Problem] = []
    entries = given = None
    for file in (path, None if targets is None else Path(targets)):
        if file is None:
            continue
        try:
            loaded = load_engagement(file, instrument, pmos_of, comments)
        except InputValidationError as exc:
            problems.extend(exc.problems)
            continue
        if file is path:
            entries = loaded
        else:
            given = loaded
    if problems:
        raise InputValidationError(problems)
    if given is not None:
        entries = with_collection(entries, given)
    return entries, path, None if given is None else given.targets(targets_source)


def with_collection(entries: Engagement | None, source: Engagement) -> Engagement | None:
    """``entries`` with how each PMO's answers were collected (``invited``, ``anonymity``) taken from ``source``
    (a stored assessment's file given as targets) where ``entries`` does not say it: a consultant's own engagement
    file must not drop the response rate, nor the minimum group size promised to anonymous respondents."""
    collected = {(e.organisation, e.pmo): e for e in source.pmos if e.invited or e.anonymity is not None}
    if not collected:
        return entries
    entries = entries if entries is not None else Engagement()
    pmos = []
    for entry in entries.pmos:
        found = collected.pop((entry.organisation, entry.pmo), None)
        if found is not None:
            entry = entry.model_copy(update={"invited": entry.invited or found.invited,
                                             "submitted": entry.submitted if entry.invited else found.submitted,
                                             "anonymity": entry.anonymity or found.anonymity})
        pmos.append(entry)
    pmos += [PmoEngagement(organisation=e.organisation, pmo=e.pmo, invited=e.invited, submitted=e.submitted,
                           anonymity=e.anonymity) for e in collected.values()]
    return entries.model_copy(update={"pmos": tuple(pmos)})
