"""Competency instruments: how project managers are rated, area by area, by themselves and by others.

A competency instrument (``kind: competency`` in its YAML file) belongs to the same family as the PMO
instruments (:mod:`.instrument`): ids, a version, a title, a scale, rater roles, texts in one or several
languages. What it rates is a person, not an organisation: its ``areas`` are the 10 PMBOK knowledge areas and
the people and business areas that current competency frameworks add; each item (a behaviour) may belong to
one of PMBOK's 5 process groups and may be not expected of some job levels; each area carries a behavioural
anchor for every point of the scale; ``required`` gives the proficiency each job level needs, area by area.

Three numbers the scoring uses are the instrument's, not the code's: ``min_raters`` (others' ratings of one
person are shown only when at least that many raters gave them), ``gap_threshold`` (how far, in scale points,
self and manager must differ to call it a blind spot or a hidden strength) and ``tolerance`` (how far under the
required level an assessed level may be and still meet it).

The built-in instrument is ``templates/competency/pm-competency.yaml``; any other file can be given by path.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
from pydantic import Field, PrivateAttr, ValidationInfo, field_serializer, field_validator

from .._memo import cached
from .._yaml import load_yaml, locate
from ..errors import InputValidationError, InstrumentNotFoundError, Problem
from ..resources import templates_dir
from .instrument import Role, Scale, _Id, _Model
from .instrument_texts import DEFAULT_LANGUAGES, read_in_language, wanted_language

__all__ = ["PROCESS_GROUPS", "RATER_ROLES", "CompetencyArea", "CompetencyInstrument", "CompetencyItem", "JobLevel",
           "builtin_competency_instruments", "competency_path", "engagement_required", "load_competency_instrument"]

PROCESS_GROUPS: tuple[str, ...] = ("initiating", "planning", "executing", "monitoring_controlling", "closing")
"""PMBOK 6's five process groups, in the order a project meets them."""
RATER_ROLES: tuple[str, ...] = ("self", "manager", "peer")
"""The rater roles every competency instrument has: the person, their line manager, their peers."""
ProcessGroup = Literal["initiating", "planning", "executing", "monitoring_controlling", "closing"]
AreaFamily = Literal["knowledge_area", "people", "business"]


class JobLevel(_Model):
    """A job level a required profile is set for, e.g. junior project manager."""

    id: _Id
    label: str = Field(min_length=1)


class NamedGroup(_Model):
    """A process group's label in the instrument's language."""

    id: ProcessGroup
    label: str = Field(min_length=1)


class CompetencyItem(_Model):
    """One behaviour a rater judges on the proficiency scale."""

    id: _Id
    text: str = Field(min_length=1)
    process_group: ProcessGroup | None = None
    """The PMBOK process group the behaviour belongs to; ``None`` for behaviours across the whole project."""
    not_expected_for: tuple[_Id, ...] = ()
    """Job levels this behaviour is not expected of: not asked about them, not scored for them."""


class CompetencyArea(_Model):
    """A competency area: a knowledge area, or a people or business area."""

    id: _Id
    label: str = Field(min_length=1)
    family: AreaFamily = "knowledge_area"
    description: str | None = None
    anchors: dict[int, Annotated[str, Field(min_length=1)]]
    """What a person at each point of the scale does in this area (one behavioural anchor per point)."""
    items: tuple[CompetencyItem, ...] = Field(min_length=1)


class CompetencyInstrument(_Model):
    """A validated competency instrument. Load one with :func:`load_competency_instrument`."""

    kind: Literal["competency"]
    id: _Id
    version: str
    title: str
    description: str | None = None
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    scale: Scale
    roles: tuple[Role, ...]
    job_levels: tuple[JobLevel, ...] = Field(min_length=1)
    process_groups: tuple[NamedGroup, ...] = ()
    min_raters: int = Field(default=3, ge=2, le=20)
    """Others' ratings of one person are shown only when at least this many raters gave them."""
    gap_threshold: float = Field(default=1.0, gt=0)
    """Self minus manager at or above this (scale points) is a blind spot; at or below minus this, a hidden
    strength."""
    tolerance: float = Field(default=0.5, ge=0, lt=1)
    """An assessed level less than this far under the required level meets it: ratings are whole points, so a
    mean of 3.6 reads as a 4 on the scale (with 0.5, a person is below when their level, rounded half up, is)."""
    areas: tuple[CompetencyArea, ...] = Field(min_length=1)
    required: dict[str, dict[str, float]] = Field(default_factory=dict)
    """Required proficiency per job level and area (areas left out have no requirement at that level)."""
    _language: str = PrivateAttr(default="")
    _source: Path | None = PrivateAttr(default=None)

    @property
    def language(self) -> str:
        """The language the texts were loaded in."""
        return self._language or self.languages[0]

    @field_serializer("languages")
    def _dump_languages(self, languages: tuple[str, ...]) -> list[str]:
        return list(languages)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @field_validator("roles")
    @classmethod
    def _roles(cls, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        ids = [r.id for r in roles]
        if sorted(ids) != sorted(RATER_ROLES):
            raise ValueError(f"a competency instrument's roles are exactly {', '.join(RATER_ROLES)} "
                             f"(found: {', '.join(ids) or 'none'})")
        if [r.id for r in roles if r.self] != ["self"]:
            raise ValueError("the role 'self' (and only it) is marked self: true")
        return roles

    @field_validator("job_levels")
    @classmethod
    def _levels_distinct(cls, levels: tuple[JobLevel, ...]) -> tuple[JobLevel, ...]:
        _distinct("job level", [level.id for level in levels])
        return levels

    @field_validator("areas")
    @classmethod
    def _areas_fit(cls, areas: tuple[CompetencyArea, ...], info: ValidationInfo) -> tuple[CompetencyArea, ...]:
        _distinct("area", [a.id for a in areas])
        _distinct("item", [i.id for a in areas for i in a.items])
        scale: Scale | None = info.data.get("scale")
        levels = {level.id for level in info.data.get("job_levels", ())}
        for area in areas:
            if scale is not None and sorted(area.anchors) != list(range(scale.min, scale.max + 1)):
                raise ValueError(f"area '{area.id}' needs one anchor for each point {scale.min}-{scale.max} "
                                 f"(found: {', '.join(map(str, sorted(area.anchors))) or 'none'})")
            for item in area.items:
                unknown = sorted(set(item.not_expected_for) - levels)
                if levels and unknown:
                    raise ValueError(f"item '{item.id}' names unknown job levels in not_expected_for: "
                                     f"{', '.join(unknown)} (known: {', '.join(sorted(levels))})")
            if levels and all(set(levels) <= set(i.not_expected_for) for i in area.items):
                raise ValueError(f"area '{area.id}' has no item expected of anyone")
        return areas

    @field_validator("required", mode="before")
    @classmethod
    def _required_fits(cls, required: object, info: ValidationInfo) -> object:
        parts = [info.data.get(name) for name in ("job_levels", "areas", "scale")]
        if all(part is not None for part in parts):  # else their own problems are reported
            _check_required(required, *parts)
        return required

    # -- views ------------------------------------------------------------------------------------
    @cached_property
    def items(self) -> pd.DataFrame:
        """One row per item (index ``item``): ``area``, ``text``, ``process_group``, ``not_expected_for``."""
        rows = [(i.id, a.id, i.text, i.process_group, i.not_expected_for) for a in self.areas for i in a.items]
        return pd.DataFrame(rows, columns=["item", "area", "text", "process_group", "not_expected_for"]
                            ).set_index("item")

    @property
    def area_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.areas)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    @property
    def level_ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.job_levels)

    @property
    def spec(self) -> str:
        """``id@version``: how reports and the store name the instrument."""
        return f"{self.id}@{self.version}"

    def area(self, area_id: str) -> CompetencyArea:
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def area_label(self, area_id: str) -> str:
        return self.area(area_id).label

    def level_label(self, level_id: str) -> str:
        return next((level.label for level in self.job_levels if level.id == level_id), level_id)

    def role_label(self, role_id: str) -> str:
        return next((r.label for r in self.roles if r.id == role_id), role_id)

    def group_label(self, group_id: str) -> str:
        return next((g.label for g in self.process_groups if g.id == group_id), group_id.replace("_", " "))

    def expected(self, item_id: str, job_level: str) -> bool:
        """Whether the behaviour ``item_id`` is expected of a person at ``job_level``."""
        return job_level not in self.items.at[item_id, "not_expected_for"]

    def items_for(self, job_level: str) -> list[str]:
        """The item ids expected of a person at ``job_level``, in instrument order."""
        return [i for i, skip in self.items["not_expected_for"].items() if job_level not in skip]

    def required_profile(self, overrides: dict[str, dict[str, float]] | None = None) -> pd.DataFrame:
        """Required proficiency: one row per job level, one column per area (``NaN``: no requirement).

        ``overrides`` (an engagement's ``competency: required:``) replaces the instrument's level for the
        job levels and areas it names; checked like the instrument's own (:func:`check_required`)."""
        table = pd.DataFrame(index=pd.Index(self.level_ids, name="job_level"), columns=list(self.area_ids),
                             dtype=float)
        for source in (self.required, overrides or {}):
            for level, areas in source.items():
                for area, value in areas.items():
                    table.loc[level, area] = float(value)
        return table


def _distinct(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    twice = sorted({i for i in ids if i in seen or seen.add(i)})
    if twice:
        raise ValueError(f"{what} ids must be unique; repeated: {', '.join(twice)}")


def check_required(instrument: CompetencyInstrument, required: dict[str, dict[str, float]]) -> None:
    """Raise ``ValueError`` naming the first job level, area or level out of place in a required profile."""
    _check_required(required, instrument.job_levels, instrument.areas, instrument.scale)


def _check_required(required: object, job_levels: tuple[JobLevel, ...], areas: tuple[CompetencyArea, ...],
                    scale: Scale) -> None:
    level_ids = [level.id for level in job_levels]
    area_ids = [a.id for a in areas]
    lo, hi = scale.min, scale.max
    if not isinstance(required, dict):
        raise ValueError("required: expected a map of job level to a map of area id to level")
    for level, by_area in required.items():
        if level not in level_ids:
            raise ValueError(f"required: unknown job level '{level}' (known: {', '.join(level_ids)})")
        if not isinstance(by_area, dict):
            raise ValueError(f"required.{level}: expected a map of area id to level")
        for area, value in by_area.items():
            if area not in area_ids:
                raise ValueError(f"required.{level}: unknown area '{area}' (known: {', '.join(area_ids)})")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
                raise ValueError(f"required.{level}.{area}: {value!r} is not a level on the scale {lo}-{hi}")
            if all(level in item.not_expected_for for item in areas[area_ids.index(area)].items):
                raise ValueError(f"required.{level}.{area}: no behaviour of the area is expected of a {level}, so "
                                 "nobody at that level can be assessed against it")


# -- files ------------------------------------------------------------------------------------------

def builtin_competency_instruments() -> dict[str, Path]:
    """Built-in competency instrument ids mapped to their files (``templates/competency/*.yaml`` with
    ``kind: competency``)."""
    folder = templates_dir() / "competency"
    return {p.stem: p for p in sorted(folder.glob("*.yaml")) if p.stem != "development"}


def competency_path(spec: str | Path) -> Path:
    """The file of a competency instrument given by built-in id (``pm-competency``, or ``pm-competency@1.0`` for a
    version: the current file when its version is that one, else an older file kept as
    ``templates/competency/pm-competency@1.0.yaml``) or by path."""
    path = Path(spec)
    if path.is_file():
        return path
    builtins = builtin_competency_instruments()
    text = str(spec)
    if text in builtins:
        return builtins[text]
    base, at, version = text.partition("@")
    if at and base in builtins:
        found = builtin_competency(base, version)
        if found is not None:
            return found
        current = _version_of(builtins[base])
        raise InstrumentNotFoundError(text, tuple(builtins), hint=f"the built-in {base} is version {current}; "
                                      f"no older version {version} is kept")
    from .instrument_files import builtin_file

    if builtin_file(text) is not None:
        raise InstrumentNotFoundError(text, tuple(builtins), hint=f"'{spec}' is a PMO instrument: competency "
                                      "commands and reports take a competency instrument")
    raise InstrumentNotFoundError(text, tuple(builtins))


def builtin_competency(instrument_id: str, version: str) -> Path | None:
    """The built-in file of this competency instrument id and version: the current file when its version matches,
    else an older one kept as ``{id}@{version}.yaml``; ``None`` when neither is built in."""
    builtins = builtin_competency_instruments()
    if instrument_id in builtins and _version_of(builtins[instrument_id]) == version:
        return builtins[instrument_id]
    older = builtins.get(f"{instrument_id}@{version}")
    if older is not None and _version_of(older) == version:
        return older
    return None


def _version_of(path: Path) -> str:
    return load_competency_instrument(path).version


def load_competency_instrument(spec: str | Path = "pm-competency", language: str | None = None
                               ) -> CompetencyInstrument:
    """Load a competency instrument by built-in id or path, with its texts in one language.

    Raises
    ------
    InstrumentNotFoundError
        When ``spec`` is neither an existing file nor a built-in id.
    InputValidationError
        When the file breaks the schema; every problem carries its line.

    Examples
    --------
    >>> ci = load_competency_instrument("pm-competency")
    >>> ci.scale.min, ci.scale.max, ci.role_ids
    (1, 5, ('self', 'manager', 'peer'))
    """
    wanted = wanted_language(language)
    path = competency_path(spec)
    return cached(path, ("competency-instrument", wanted), lambda: _read(path, wanted),
                  lambda instrument: instrument.model_copy(deep=True))


def _read(path: Path, wanted: str) -> CompetencyInstrument:
    data, node = load_yaml(path)
    if isinstance(data, dict) and data.get("kind") != "competency":
        kind = data.get("kind")
        line, column = locate(node, ("kind",) if "kind" in data else ())
        what = "a PMO instrument" if kind is None and "dimensions" in data else f"a file of kind {kind!r}"
        raise InputValidationError([Problem(str(path), line, column, f"{what}, not a competency instrument: "
                                            "competency commands and reports need one with 'kind: competency'")])
    instrument, chosen = read_in_language(path, data, node, wanted, CompetencyInstrument)
    instrument._language = chosen
    instrument._source = path.resolve()
    return instrument


def engagement_required(path: str | Path | None, instrument: CompetencyInstrument) -> dict[str, dict[str, float]]:
    """The required levels an engagement file edits (its ``competency: required:`` block), checked against the
    instrument: ``{}`` when there is no file or no such block.

    Raises
    ------
    InputValidationError
        Naming the line of an unknown job level or area, or of a level off the scale.
    """
    if path is None:
        return {}
    path = Path(path)
    data, node = load_yaml(path)
    block = data.get("competency") if isinstance(data, dict) else None
    if block is None:
        return {}
    where = ("competency",)
    if not isinstance(block, dict) or set(block) - {"required"}:
        line, column = locate(node, where)
        raise InputValidationError([Problem(str(path), line, column,
                                            "competency: expected a map with the key 'required' (job level -> area "
                                            "-> required level)")])
    required = block.get("required") or {}
    problems: list[Problem] = []
    if not isinstance(required, dict):
        line, column = locate(node, (*where, "required"))
        raise InputValidationError([Problem(str(path), line, column, "competency.required: expected a map of job "
                                                                     "level to a map of area id to level")])
    for level, areas in required.items():
        for key, value in (areas.items() if isinstance(areas, dict) else [(None, areas)]):
            try:
                check_required(instrument, {level: {key: value} if key is not None else areas})
            except ValueError as exc:
                line, column = locate(node, (*where, "required", level, *(() if key is None else (key,))))
                problems.append(Problem(str(path), line, column, f"competency.{exc}"))
    if problems:
        raise InputValidationError(problems)
    return {str(level): {str(k): float(v) for k, v in areas.items()} for level, areas in required.items()}
