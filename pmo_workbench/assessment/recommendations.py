"""Recommendations: the library of steps a PMO may take, and the flat pick by level.

A library (``templates/recommendations/<instrument id>.yaml``, schema 2.0) lists
steps. Each step names its ``dimension`` and ``workstream`` (one of the
library's ``workstreams``), what to do (``title``, ``action``) and what shows it
done (``evidence_of_done``), who leads it (``owner_role``), how long it takes
(``duration_weeks``), its ``effort`` and ``impact`` (low, medium, high), the
steps it needs first (``prerequisites``) and those it makes redundant
(``supersedes``), and where it fits:

- ``levels``: the maturity levels of its dimension it fits (empty = all);
- ``pmo_levels``: project, department, enterprise (empty = all);
- ``types``: the type ids of the PMO it applies to (empty = all);
- ``frameworks``: pmbok, prince2, agile (empty = all). A step written for one
  framework only is restricted by ``frameworks``; a step that holds for every
  framework but reads differently in one carries ``variants: {prince2: {title,
  action, evidence_of_done}}`` (each key optional): the engagement's framework
  picks the variant, and without a framework the plain text is used and the
  steps restricted to a framework are left out;
- ``triggers``: the evidence that calls for it, any of ``{item: ID, below:
  SCORE}`` (the PMO's item mean, 0-100, below the threshold), ``{dimension: ID,
  levels: [..]}``, ``{finding: NAME}`` or ``{finding: NAME, dimension: ID}``
  with NAME one of :data:`FINDINGS`, and ``{evidence: ID, answer: [no, partly]}``
  (the consultant's answer to the instrument's evidence question ID is one of
  those listed; ``answer`` defaults to ``[no]``). An evidence trigger selects its
  step whatever the dimension's level (``levels`` do not apply to it): a missing
  foundation is needed at any level. A step with no trigger is called for by its
  dimension's level alone (``levels``);
- ``creates``: the evidence question whose object the step brings into being
  (``creates: sponsor_named`` on "secure a named sponsor"): when the consultant
  answered that question ``yes`` the step is left out, whatever calls for it,
  unless the engagement adds it.

Texts may be given per language (:mod:`pmo_workbench.assessment.library_texts`):
``languages: [en, de]`` declares them, the first the default, and each text
(a workstream's ``label``, a step's ``title``, ``action``, ``evidence_of_done``
and ``owner_role``, a variant's texts) is a string in the default language or a
map ``{en: ..., de: ...}``. :func:`load_library` gives the texts in one
language; :func:`library_missing_texts` lists, by line, what a language lacks.

:func:`load_library` checks the schema and the library itself (duplicate ids,
unknown workstreams, prerequisites or superseded steps, prerequisite cycles);
:meth:`RecommendationLibrary.check_against` checks it against an instrument
(unknown dimension, item or type ids, levels it cannot produce). Every problem
is located ``file:line:column``. The roadmap of initiatives is built by
:func:`pmo_workbench.assessment.roadmap.build_roadmap`; :func:`recommend` is the
flat pick by dimension level alone.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict, Discriminator, Field, PrivateAttr, Tag, field_validator

from .._memo import cached
from .._values import fmt
from .._yaml import load_yaml, locate, problems_from_pydantic
from ..errors import InputValidationError, Problem
from ..i18n import _, current_language
from ..resources import templates_dir
from .instrument import Instrument
from .library_texts import declared_languages, is_language_code, language_problems, missing_texts, resolve_texts
from .positioning import TypeResult

Rating = Literal["low", "medium", "high"]
Framework = Literal["pmbok", "prince2", "agile"]
PmoLevel = Literal["project", "department", "enterprise"]
FRAMEWORKS: tuple[str, ...] = ("pmbok", "prince2", "agile")
ANSWERS: tuple[str, ...] = ("yes", "partly", "no")
"""The answers to an evidence question."""
FINDINGS: tuple[str, ...] = ("perception_gap", "low_agreement", "foundation_gap", "evidence_missing",
                             "dependency_cycle", "over_allocation", "no_sponsor")
"""The findings a step may be triggered by (see :mod:`pmo_workbench.assessment.findings`)."""
_RANK = {"low": 0, "medium": 1, "high": 2}
COLUMNS = ["dimension", "level", "id", "title", "action", "effort", "impact", "unlocks", "weighted_gap", "reason"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ItemTrigger(_Model):
    """Fires when the PMO's mean score (0-100) on ``item`` is below ``below``."""

    item: str = Field(min_length=1)
    below: float = Field(gt=0, le=100)



def _levels_from_one(levels: tuple[int, ...]) -> tuple[int, ...]:
    """Maturity levels are counted from 1."""
    if any(level < 1 for level in levels):
        raise ValueError(f"levels start at 1, got {list(levels)}")
    return levels

class DimensionTrigger(_Model):
    """Fires when the maturity level of ``dimension`` is one of ``levels``."""

    dimension: str = Field(min_length=1)
    levels: tuple[int, ...] = Field(min_length=1)

    _levels = field_validator("levels")(_levels_from_one)


class FindingTrigger(_Model):
    """Fires when the assessment found ``finding`` (on ``dimension`` when one is named)."""

    finding: Literal["perception_gap", "low_agreement", "foundation_gap", "evidence_missing",
                     "dependency_cycle", "over_allocation", "no_sponsor"]
    dimension: str | None = None


class EvidenceTrigger(_Model):
    """Fires when the consultant answered evidence question ``evidence`` with one of ``answer`` (default ``no``);
    it selects its step whatever the level of the step's dimension."""

    evidence: str = Field(min_length=1)
    answer: tuple[Literal["yes", "partly", "no"], ...] = Field(default=("no",), min_length=1)


_KINDS = ("item", "finding", "evidence", "dimension")


def _trigger_kind(value: Any) -> str | None:
    keys = set(value) if isinstance(value, dict) else {k for k in _KINDS if hasattr(value, k)}
    return next((k for k in _KINDS if k in keys), None)


Trigger = Annotated[
    Annotated[ItemTrigger, Tag("item")] | Annotated[FindingTrigger, Tag("finding")]
    | Annotated[EvidenceTrigger, Tag("evidence")] | Annotated[DimensionTrigger, Tag("dimension")],
    Discriminator(_trigger_kind, custom_error_type="trigger_kind",
                  custom_error_message="a trigger names an item (with below), a dimension (with levels), a finding "
                                       "or an evidence question (with answer)"),
]


class Variant(_Model):
    """How a step reads for one framework (each text optional: the plain one stands in)."""

    title: str | None = Field(default=None, min_length=1)
    action: str | None = Field(default=None, min_length=1)
    evidence_of_done: str | None = Field(default=None, min_length=1)


class Workstream(_Model):
    """A line of work the roadmap groups initiatives into."""

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)


class Recommendation(_Model):
    """One step a PMO may take."""

    id: str = Field(min_length=1)
    dimension: str
    workstream: str
    title: str = Field(min_length=1)
    action: str = Field(min_length=1)
    evidence_of_done: str = Field(min_length=1)
    owner_role: str = Field(min_length=1)
    duration_weeks: int = Field(ge=1, le=52)
    effort: Rating
    impact: Rating
    levels: tuple[int, ...] = ()
    prerequisites: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    pmo_levels: tuple[PmoLevel, ...] = ()
    types: tuple[str, ...] = ()
    frameworks: tuple[Framework, ...] = ()
    variants: dict[Framework, Variant] = Field(default_factory=dict)
    triggers: tuple[Trigger, ...] = ()
    creates: str | None = Field(default=None, min_length=1)

    _levels = field_validator("levels")(_levels_from_one)

    def fits(self, level: int) -> bool:
        """Whether the step fits its dimension at this maturity level (no levels: every level)."""
        return not self.levels or level in self.levels

    def text(self, framework: str | None) -> tuple[str, str, str]:
        """``(title, action, evidence_of_done)`` as the framework reads them."""
        variant = self.variants.get(framework) if framework else None
        if variant is None:
            return self.title, self.action, self.evidence_of_done
        return (variant.title or self.title, variant.action or self.action,
                variant.evidence_of_done or self.evidence_of_done)


class RecommendationLibrary(_Model):
    """All steps written for one instrument, with the workstreams they fall into."""

    id: str
    instrument: str
    instrument_version: str | None = None
    languages: tuple[str, ...] = Field(default=("en",), min_length=1)
    workstreams: tuple[Workstream, ...] = Field(min_length=1)
    recommendations: tuple[Recommendation, ...]
    _path: str = PrivateAttr(default="<library>")
    _node: Any = PrivateAttr(default=None)
    _language: str | None = PrivateAttr(default=None)

    @property
    def default_language(self) -> str:
        """The language of the library's plain texts: the first it declares."""
        return self.languages[0]

    @property
    def language(self) -> str:
        """The language the texts were loaded in: the one asked for when the library declares it, else its
        default."""
        return self._language or self.default_language

    def step(self, step_id: str) -> Recommendation:
        """The step of that id (``KeyError`` when there is none)."""
        for rec in self.recommendations:
            if rec.id == step_id:
                return rec
        raise KeyError(step_id)

    def workstream_label(self, workstream_id: str) -> str:
        return next((w.label for w in self.workstreams if w.id == workstream_id), workstream_id)

    def _at(self, *loc: Any) -> tuple[int | None, int | None]:
        return locate(self._node, loc) if self._node is not None else (None, None)

    def _problem(self, path: str | None, loc: tuple[Any, ...], message: str) -> Problem:
        row, column = self._at(*loc)
        return Problem(path or self._path, row, column, f"{'.'.join(str(p) for p in loc)}: {message}")

    def problems(self, path: str | None = None) -> list[Problem]:
        """What is wrong inside the library: duplicate step ids, unknown workstreams, prerequisites or superseded
        steps, a step superseding or needing itself, and prerequisite or supersede cycles."""
        found: list[Problem] = []
        ids: dict[str, int] = {}
        streams = [w.id for w in self.workstreams]
        for i, rec in enumerate(self.recommendations):
            if rec.id in ids:
                found.append(self._problem(path, ("recommendations", i, "id"),
                                           f"step id '{rec.id}' is also used by recommendations.{ids[rec.id]}"))
            ids.setdefault(rec.id, i)
        for i, rec in enumerate(self.recommendations):
            if rec.workstream not in streams:
                found.append(self._problem(path, ("recommendations", i, "workstream"),
                                           f"unknown workstream '{rec.workstream}'; the library defines "
                                           f"{', '.join(streams)}"))
            for key in ("prerequisites", "supersedes"):
                for j, other in enumerate(getattr(rec, key)):
                    if other == rec.id:
                        found.append(self._problem(path, ("recommendations", i, key, j),
                                                   f"step '{rec.id}' names itself"))
                    elif other not in ids:
                        found.append(self._problem(path, ("recommendations", i, key, j),
                                                   f"unknown step id '{other}'"))
        found.extend(self._cycle_problems(path, ids))
        found.extend(self._cycle_problems(path, ids, "supersedes", "supersedes"))
        return found

    def _cycle_problems(self, path: str | None, ids: dict[str, int], key: str = "prerequisites",
                        verb: str = "needs") -> list[Problem]:
        needs = {rec.id: [p for p in getattr(rec, key) if p in ids and p != rec.id] for rec in self.recommendations}
        state: dict[str, int] = {}  # 1 on the current path, 2 done
        found: list[Problem] = []
        reported: set[frozenset[str]] = set()

        def visit(node: str, trail: list[str]) -> None:
            state[node] = 1
            trail.append(node)
            for nxt in needs[node]:
                if state.get(nxt) == 1:
                    cycle = trail[trail.index(nxt):]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        found.append(self._problem(path, ("recommendations", ids[nxt], key),
                                                   f"{key} form a cycle: "
                                                   + f" {verb} ".join([*cycle, cycle[0]])))
                elif nxt not in state:
                    visit(nxt, trail)
            trail.pop()
            state[node] = 2

        for rec in self.recommendations:
            if rec.id not in state:
                visit(rec.id, [])
        return found

    def check_against(self, instrument: Instrument, path: str | None = None) -> None:
        """Raise :class:`InputValidationError` when a step names an unknown dimension, item, type or evidence
        question, or a level the instrument cannot produce; each problem located by line when the library was read
        from a file."""
        dims = [d.id for d in instrument.dimensions]
        questions = [q.id for q in instrument.evidence]
        items = set(instrument.items.index)
        types = [t.id for t in instrument.types]
        top = len(instrument.maturity_thresholds) + 1
        found = []

        def check_levels(levels: tuple[int, ...], loc: tuple[Any, ...]) -> None:
            if any(level > top for level in levels):
                found.append(self._problem(path, loc, f"levels go up to {top}, got {list(levels)}"))

        def check_dimension(dim: str | None, loc: tuple[Any, ...]) -> None:
            if dim is not None and dim not in dims:
                found.append(self._problem(path, loc, f"unknown dimension '{dim}'; instrument {instrument.id} "
                                                      f"has {', '.join(dims)}"))

        def check_question(question: str, loc: tuple[Any, ...]) -> None:
            if question not in questions:
                asks = (f"asks {', '.join(questions)}" if questions else "has no evidence questions")
                found.append(self._problem(path, loc, f"unknown evidence question '{question}'; instrument "
                                                      f"{instrument.id} {instrument.version} {asks}"))

        for i, rec in enumerate(self.recommendations):
            at = ("recommendations", i)
            check_dimension(rec.dimension, (*at, "dimension"))
            if rec.creates is not None:
                check_question(rec.creates, (*at, "creates"))
            check_levels(rec.levels, (*at, "levels"))
            for j, type_id in enumerate(rec.types):
                if type_id not in types:
                    found.append(self._problem(path, (*at, "types", j), f"unknown type '{type_id}'; instrument "
                                                                        f"{instrument.id} has {', '.join(types)}"))
            for j, trig in enumerate(rec.triggers):
                t_at = (*at, "triggers", j)
                if isinstance(trig, ItemTrigger) and trig.item not in items:
                    found.append(self._problem(path, (*t_at, "item"), f"unknown item '{trig.item}' in instrument "
                                                                      f"{instrument.id} {instrument.version}"))
                if isinstance(trig, (DimensionTrigger, FindingTrigger)):
                    check_dimension(trig.dimension, (*t_at, "dimension"))
                if isinstance(trig, DimensionTrigger):
                    check_levels(trig.levels, (*t_at, "levels"))
                if isinstance(trig, EvidenceTrigger):
                    check_question(trig.evidence, (*t_at, "evidence"))
        if found:
            raise InputValidationError(found)


def _library_path(spec: str | Path) -> Path:
    path = Path(spec)
    if not path.is_file():
        path = templates_dir() / "recommendations" / f"{spec}.yaml"
        if not path.is_file():
            raise FileNotFoundError(f"no recommendations library '{spec}'")
    return path


def _language_in(languages: tuple[str, ...], language: str | None) -> str:
    """The declared language ``language`` names (``de``, ``DE`` and ``de-DE`` name ``de``), else the default."""
    if language is None:
        language = current_language()
    for code in (language, str(language).replace("_", "-").split("-")[0].lower()):
        if code in languages:
            return code
    return languages[0]


def load_library(spec: str | Path, language: str | None = None) -> RecommendationLibrary:
    """Load a recommendations library by instrument id (built-in) or path, with its texts in ``language``, and
    check it within itself.

    Parameters
    ----------
    spec
        A built-in library's name (``pmo-core``, ``pmo-core@1.0``) or the path of a YAML file.
    language
        The language of the texts (``None``: :func:`pmo_workbench.i18n.current_language`). A library that does
        not declare it gives its default language's texts (:attr:`RecommendationLibrary.language` says which).
        Only texts change with the language: ids, levels, triggers and numbers, hence the steps a roadmap picks,
        are the same in every language.

    Raises
    ------
    FileNotFoundError
        When neither a file nor a built-in library of that id exists.
    InputValidationError
        When the file breaks the schema or contradicts itself (see :meth:`RecommendationLibrary.problems`), or
        a text lacks a declared language or uses one not declared (see :func:`library_missing_texts`), every
        problem located by line and column.
    """
    path = _library_path(spec)
    return cached(path, ("library", str(path), language or current_language()), lambda: _read_library(path, language),
                  _own_copy)


def _own_copy(library: RecommendationLibrary) -> RecommendationLibrary:
    """A copy for one caller, whose changes reach no other: its workstreams and recommendations deep-copied
    (1.4 ms for pmo-core's), the parsed YAML document it is located by shared (60 ms more to copy, never changed)."""
    return library.model_copy(update={"workstreams": copy.deepcopy(library.workstreams),
                                      "recommendations": copy.deepcopy(library.recommendations)})


def _read_library(path: Path, language: str | None) -> RecommendationLibrary:
    data, node = load_yaml(path)
    languages, problems = declared_languages(data, node, str(path))
    problems += language_problems(data, node, str(path), languages)
    if problems:
        raise InputValidationError(problems)
    chosen = _language_in(languages, language)
    if isinstance(data, dict):
        data = resolve_texts(data, chosen, languages[0])
    try:
        library = RecommendationLibrary.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputValidationError(problems_from_pydantic(path, node, exc)) from None
    library._path = str(path)
    library._node = node
    library._language = chosen
    problems = library.problems()
    if problems:
        raise InputValidationError(problems)
    return library


def library_missing_texts(spec_or_path: str | Path, language: str) -> list[Problem]:
    """Every text of a library with no version in ``language``, located ``file:line:column``, in file order; an
    empty list when the library is complete in it.

    A plain string is a text in the library's default language only; a text map lacks ``language`` when it has
    no such key. Each problem's message quotes the text that stands in for the missing one. The library need
    not declare ``language`` (that is how a translation into a new language starts).

    >>> library_missing_texts("pmo-core", "de")
    []

    Raises
    ------
    ValueError
        When ``language`` is not a language code.
    FileNotFoundError, InputValidationError
        When there is no such library, or its file is no YAML document.
    """
    if not is_language_code(language):
        raise ValueError(f"{language!r} is not a language code (e.g. en, de)")
    path = _library_path(spec_or_path)
    data, node = load_yaml(path)
    languages, _problems = declared_languages(data, node, str(path))
    return missing_texts(data, node, str(path), language, languages[0])


def library_for(instrument: Instrument, language: str | None = None) -> RecommendationLibrary | None:
    """The built-in library written for this instrument and version, with its texts in ``language`` (``None``:
    the current language), or ``None`` when there is none.

    ``<id>@<version>.yaml`` serves that version; ``<id>.yaml`` serves the
    version its ``instrument_version`` names (any version when it names none).
    """
    folder = templates_dir() / "recommendations"
    for path in (folder / f"{instrument.id}@{instrument.version}.yaml", folder / f"{instrument.id}.yaml"):
        if not path.is_file():
            continue
        library = load_library(path, language)
        if library.instrument_version not in (None, instrument.version):
            continue
        library.check_against(instrument, str(path))
        return library
    return None


def recommend(
    dimensions: pd.DataFrame,
    type_result: TypeResult,
    library: RecommendationLibrary,
    instrument: Instrument,
) -> pd.DataFrame:
    """Pick and order the next steps for one PMO.

    The roadmap leads to the PMO's goal (:attr:`TypeResult.goal`: its target
    type when that lies above its type, the type above when it has no target).
    With a target it never leads beyond: dimensions gated only by types above
    the target (or, when the PMO is at or above its target, above its own
    type) get no steps.

    Parameters
    ----------
    dimensions
        The PMO's dimension rows: ``dimension``, ``score``, ``level``.
    type_result
        Where it stands (:func:`pmo_workbench.assessment.positioning.classify_type`).

    Returns
    -------
    pandas.DataFrame
        One row per step with :data:`COLUMNS`, ordered: steps in dimensions
        whose gate blocks the goal first (largest points needed first), then
        the foundation gaps (failing gates of types below the PMO's), then by
        weighted gap ``weight * (100 - score)`` descending; within a
        dimension, higher impact then lower effort first. A dimension with no
        score is treated as level 1 with the full gap. ``unlocks`` names the
        goal type for the steps that lead to it.
    """
    weights = instrument.dimension_table["weight"]
    by_dim = dimensions.set_index("dimension")
    goal = type_result.goal
    goal_gaps = type_result.goal_gaps
    goal_label = None if goal is None else instrument.type_label(goal)
    ids = [t.id for t in instrument.types]
    ceiling = ids.index(goal) if goal is not None else max(type_result.rank, 0)
    # Only a chosen target limits the roadmap; without one nothing says how far the PMO should go.
    beyond = {d for t in instrument.types[ceiling + 1:] for d in t.gates} if type_result.target else set()
    within = {d for t in instrument.types[:ceiling + 1] for d in t.gates}
    foundation: dict = {}
    for g in type_result.foundation_gaps.itertuples(index=False):
        foundation.setdefault(g.dimension, g)  # the lowest type's gate names the gap
    rows = []
    for dim_id, score in by_dim["score"].items():
        if dim_id in beyond and dim_id not in within:
            continue  # it serves only a type above the goal: climbing, not asked for
        missing = score is None or np.isnan(score)
        level = 1 if missing else int(by_dim.at[dim_id, "level"])
        weighted_gap = float(weights[dim_id] * (100.0 - (0.0 if missing else score)))
        unlocks = goal if dim_id in goal_gaps else None
        needed = goal_gaps.get(dim_id)
        gap = foundation.get(dim_id)
        if unlocks:
            rank = 0
            reason = (_("no score yet; the {type} gate needs it").format(type=goal_label) if needed is None
                      else _("{points} points short of the {type} gate").format(points=fmt(needed, 1),
                                                                                 type=goal_label))
        elif gap is not None:
            rank = 1
            type_label = instrument.type_label(gap.type)
            reason = (_("foundation gap: no score yet on a {type} gate").format(type=type_label)
                      if pd.isna(gap.points_needed)
                      else _("foundation gap: {points} points below the {type} gate").format(
                          points=fmt(gap.points_needed, 1), type=type_label))
            needed = None if pd.isna(gap.points_needed) else float(gap.points_needed)
        elif missing:
            rank = 2
            reason = _("not enough answers to score this dimension")
        else:
            rank = 2
            reason = _("weighted gap of {points} points to full maturity").format(points=fmt(weighted_gap, 1))
        for rec in library.recommendations:
            if rec.dimension == dim_id and rec.fits(level):
                rows.append({"dimension": dim_id, "level": level, "id": rec.id, "title": rec.title,
                             "action": rec.action, "effort": rec.effort, "impact": rec.impact,
                             "unlocks": unlocks, "weighted_gap": weighted_gap, "reason": reason,
                             "_rank": rank, "_needed": (np.inf if needed is None else needed) if rank < 2 else 0.0})
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame(rows)
    frame["_impact"] = frame["impact"].map(_RANK)
    frame["_effort"] = frame["effort"].map(_RANK)
    frame = frame.sort_values(
        ["_rank", "_needed", "weighted_gap", "dimension", "_impact", "_effort", "id"],
        ascending=[True, False, False, True, False, True, True],
        kind="stable",
    )
    return frame[COLUMNS].reset_index(drop=True)
