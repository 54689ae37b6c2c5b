"""Instruments: the questionnaires a PMO is assessed with.

An instrument is a YAML file (schema in the project's README) loaded into
frozen, validated models. Built-in instruments live in
``templates/instruments/<id>.yaml``; any other file can be given by path.

An instrument may be written in several languages (``languages: [en, de]``,
each text a map ``{en: ..., de: ...}``, see :mod:`.instrument_texts`); it is
loaded in one of them, with the same ids and numbers in every language.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd
import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)

from .._memo import cached
from .._yaml import load_yaml
from ..i18n import _, current_language
from .instrument_files import builtin_file, builtin_instruments, instrument_path, refuse_competency
from .instrument_texts import (
    AD_HOC,
    AD_HOC_LABEL,
    DEFAULT_LANGUAGES,
    PMO_ROLE_LABELS,
    best_language,
    document_in,
    normal_code,
    read_in_language,
    wanted_language,
    role_label,
    role_labels,
)

PmoRole = Literal["standards", "customer_support", "empowerment"]
PmoLevel = Literal["project", "department", "enterprise"]
PMO_ROLES: tuple[str, ...] = ("standards", "customer_support", "empowerment")
__all__ = ["AD_HOC", "AD_HOC_LABEL", "PMO_ROLES", "PMO_ROLE_LABELS", "Instrument", "builtin_file",
           "builtin_instruments", "instrument_path", "load_instrument", "role_label", "role_labels"]

_Id = pydantic.constr(strip_whitespace=True, min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")

MAX_WEIGHT = 1_000_000.0
"""The largest item or dimension weight: sums of weighted scores stay far from overflowing."""


def _check_weight(value: float) -> float:
    """A weight must be finite, above 0 and at most :data:`MAX_WEIGHT`."""
    if not (math.isfinite(value) and 0 < value <= MAX_WEIGHT):
        raise ValueError(f"must be a finite number above 0 and at most {MAX_WEIGHT:.0f} "
                         "(larger weights overflow the weighted sums)")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Scale(_Model):
    """The answer scale, e.g. 1 (strongly disagree) to 5 (strongly agree)."""

    min: int
    max: int
    labels: dict[int, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Scale:
        if self.max <= self.min:
            raise ValueError(f"scale max ({self.max}) must be greater than min ({self.min})")
        outside = [k for k in self.labels if not self.min <= k <= self.max]
        if outside:
            raise ValueError(f"labels given for values outside the scale {self.min}-{self.max}: {outside}")
        return self

    @property
    def points(self) -> int:
        """Number of answer options (A in the r_wg formula)."""
        return self.max - self.min + 1


class Role(_Model):
    """A respondent role, e.g. executive or project manager.

    ``self: true`` marks the PMO's own people: they rate their own PMO, so
    reports show the customers' view (every other role) beside the pooled score.
    """

    id: _Id
    label: str
    self: bool = False
    _labels: tuple[str, ...] = PrivateAttr(default=())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return (self.id, self.label, self.self) == (other.id, other.label, other.self)

    def __hash__(self) -> int:
        return hash((self.id, self.label, self.self))

    @property
    def labels(self) -> tuple[str, ...]:
        """The role's label in the language loaded first, then in every language its instrument declares: a
        responses file may name the role by any of them."""
        return tuple(dict.fromkeys((self.label, *self._labels)))


class Item(_Model):
    """One statement rated on the scale."""

    id: _Id
    text: str = Field(min_length=1)
    weight: float = 1.0
    reverse: bool = False
    audience: tuple[_Id, ...] | None = Field(default=None, min_length=1)
    """The roles asked this item; ``None`` (the default) asks every role."""

    _weight = field_validator("weight")(_check_weight)

    def asks(self, role: str) -> bool:
        """Whether a respondent of ``role`` is asked this item."""
        return self.audience is None or role in self.audience


class Dimension(_Model):
    """A group of items scored together, serving one or more of the PMO's three roles.

    ``pmo_roles`` gives the roles served with their weights (``pmo_role`` names
    one role, as pmo-core 1.0 does); ``levels`` describes in one line what the
    dimension looks like at each maturity level; ``maturity_only`` states that
    no type gates it.
    """

    id: _Id
    label: str
    description: str = ""
    pmo_role: PmoRole | None = None
    pmo_roles: dict[PmoRole, float] | None = None
    maturity_only: bool = False
    weight: float = 1.0
    levels: dict[int, str] = Field(default_factory=dict)
    items: tuple[Item, ...] = Field(min_length=1)
    maps_from: dict[str, str] = Field(default_factory=dict)
    """Older instrument version -> the id of the dimension there that measures the same thing. A version given as
    ``null`` in the file (nothing there measures it) is left out: two waves on different versions are compared
    only on the dimensions mapped."""

    _weight = field_validator("weight")(_check_weight)

    @field_validator("maps_from", mode="before")
    @classmethod
    def _declared_maps(cls, value: object) -> object:
        if isinstance(value, dict):
            return {str(version): target for version, target in value.items() if target is not None}
        return value

    @field_validator("pmo_roles")
    @classmethod
    def _role_weights(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is not None:
            if not value:
                raise ValueError("name at least one PMO role, e.g. {standards: 1}")
            for weight in value.values():
                _check_weight(weight)
        return value

    @model_validator(mode="after")
    def _one_role_field(self) -> Dimension:
        if self.pmo_role is not None and self.pmo_roles is not None:
            raise ValueError("give pmo_role (one role) or pmo_roles (roles with weights), not both")
        return self

    @property
    def role_weights(self) -> dict[str, float]:
        """PMO role -> share of this dimension in it (weights normalised to sum to 1); empty when it serves none."""
        given = self.pmo_roles if self.pmo_roles is not None else (
            {self.pmo_role: 1.0} if self.pmo_role is not None else {})
        total = sum(given.values())
        return {role: weight / total for role, weight in given.items()}


class EvidenceQuestion(_Model):
    """A fact the consultant checks once per PMO (answered yes, partly or no, with a note)."""

    id: _Id
    text: str = Field(min_length=1)
    dimension: _Id | None = None


class ContextQuestion(_Model):
    """A descriptive question answered once per PMO (its age, size, reporting line...)."""

    id: _Id
    text: str = Field(min_length=1)
    kind: Literal["choice", "number", "text"]
    choices: tuple[str, ...] = ()
    """The answers allowed, as an engagement file gives them (the instrument's default language)."""
    choice_labels: dict[str, str] = Field(default_factory=dict)
    """Choice -> how it is shown in the instrument's language (set from a choice given as a text map)."""
    unit: str = ""
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _check(self) -> ContextQuestion:
        if self.kind == "choice" and not self.choices:
            raise ValueError("a choice question needs its choices")
        if self.kind != "choice" and self.choices:
            raise ValueError(f"only a choice question has choices (this one is a {self.kind} question)")
        if set(self.choice_labels) - set(self.choices):
            raise ValueError(f"choice_labels name choices the question does not have: "
                             f"{sorted(set(self.choice_labels) - set(self.choices))}")
        if self.kind != "number" and (self.min is not None or self.max is not None):
            raise ValueError("only a number question has min and max")
        if self.min is not None and self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self

    def choice_label(self, choice: str) -> str:
        """How ``choice`` is shown in the instrument's language (the choice itself when it has no label)."""
        return self.choice_labels.get(choice, choice)


class PmoType(_Model):
    """A rung of the type ladder with the minimum dimension scores it needs."""

    id: _Id
    label: str
    description: str = ""
    gates: dict[str, float] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _not_ad_hoc(cls, value: str) -> str:
        if value == AD_HOC:
            raise ValueError(f"'{AD_HOC}' is the implicit type below the first rung; do not declare it")
        return value

    @field_validator("gates")
    @classmethod
    def _gate_range(cls, gates: dict[str, float]) -> dict[str, float]:
        bad = {k: v for k, v in gates.items() if not 0 <= v <= 100}  # False for NaN too
        if bad:
            raise ValueError(f"gate scores must be finite numbers in 0-100, got {bad}")
        return gates


def _duplicates(what: str, ids: list[str]) -> list[str]:
    dupes = sorted(k for k, n in Counter(i.lower() for i in ids).items() if n > 1)
    return [f"duplicate {what} ids (ids are case-insensitive): {dupes}"] if dupes else []


def _levels_in_range(name: str, levels: dict[int, str], thresholds) -> dict[int, str]:
    """Refuse levels the thresholds cannot produce (nothing to check when the thresholds were invalid)."""
    if thresholds is not None:
        n_levels = len(thresholds) + 1
        outside = sorted(k for k in levels if not 1 <= k <= n_levels)
        if outside:
            raise ValueError(f"{name} gives levels {outside}; the thresholds make levels 1-{n_levels}")
    return levels


class Instrument(_Model):
    """A validated questionnaire: scale, respondent roles, dimensions, items, type ladder."""

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(cached_property,))

    id: _Id
    version: str
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    """The languages the file is written in, the default first."""
    title: str
    description: str = ""
    scale: Scale
    maturity_thresholds: tuple[float, ...] = (20.0, 40.0, 60.0, 80.0)
    level_names: dict[int, str] = Field(default_factory=dict)
    roles: tuple[Role, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    types: tuple[PmoType, ...] = Field(min_length=1)
    evidence: tuple[EvidenceQuestion, ...] = ()
    context: tuple[ContextQuestion, ...] = ()
    targets: dict[PmoLevel, _Id] = Field(default_factory=dict)  # after types: checked against them
    _language: str | None = PrivateAttr(default=None)
    _source: Path | None = PrivateAttr(default=None)

    @property
    def language(self) -> str:
        """The language the texts are in: the one asked for when the file declares it, else the default."""
        return self._language or self.default_language

    @property
    def default_language(self) -> str:
        """The file's default language (the first it declares)."""
        return self.languages[0]

    def __eq__(self, other: object) -> bool:
        # The same questionnaire in the same language, wherever it was read from: its file, or a dump of it (which
        # holds that one language).
        if not isinstance(other, Instrument):
            return NotImplemented
        return self.language == other.language and all(
            getattr(self, name) == getattr(other, name) for name in type(self).model_fields if name != "languages")

    __hash__ = None  # it holds dictionaries: never hashable

    @field_serializer("languages")
    def _dump_languages(self, languages: tuple[str, ...]) -> list[str]:
        # A dump holds the texts of one language: written back to a file, that file is in that language alone.
        return [self.language]

    def in_language(self, language: str | None = None) -> Instrument:
        """This instrument with its texts in ``language`` (``None``: the current language), read again from its
        file; itself when it is in that language already or was not read from a file."""
        wanted = best_language(normal_code(language or current_language()) or self.default_language, self.languages)
        if wanted == self.language or self._source is None:
            return self
        return load_instrument(self._source, language=wanted)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        # Unquoted, YAML reads 1.10 as the number 1.1 (and 2024-01-31 as a date): the version would change silently.
        if not isinstance(value, str):
            raise ValueError('must be text: quote it, e.g. version: "1.10" (unquoted, YAML reads 1.10 as the number '
                             '1.1)')
        return value

    @field_validator("roles")
    @classmethod
    def _roles_distinct(cls, roles: tuple[Role, ...]) -> tuple[Role, ...]:
        # A responses file names a role by id or by label: each must name one role only.
        problems = []
        role_of_id = {r.id.strip().lower(): r.id for r in roles}
        label_of: dict[str, Role] = {}
        for role in roles:
            label = role.label.strip().lower()
            other = role_of_id.get(label)
            if other is not None and other != role.id:
                problems.append(f"role '{role.id}' has the label {role.label!r}, the id of role '{other}'")
            if label in label_of:
                problems.append(f"roles '{label_of[label].id}' and '{role.id}' have the same label {role.label!r} "
                                "(labels are case-insensitive)")
            else:
                label_of[label] = role
        if problems:
            raise ValueError("; ".join(problems) + "; a responses file could not tell them apart")
        duplicates = _duplicates("role", [r.id for r in roles])
        if duplicates:
            raise ValueError("; ".join(duplicates))
        return roles

    @field_validator("maturity_thresholds")
    @classmethod
    def _increasing(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value:
            raise ValueError("at least one threshold is needed")
        if not all(math.isfinite(t) for t in value):
            raise ValueError(f"thresholds must be finite numbers, got {list(value)}")
        if any(b <= a for a, b in zip(value, value[1:])):
            raise ValueError(f"thresholds must increase strictly, got {list(value)}")
        if not all(0 <= t <= 100 for t in value):
            raise ValueError(f"thresholds must lie in 0-100, got {list(value)}")
        return value

    # Checks across fields run as field validators (each sees the fields declared before it), so that every
    # problem is located at its own key of the file.
    @field_validator("level_names")
    @classmethod
    def _level_names_in_range(cls, value: dict[int, str], info: ValidationInfo) -> dict[int, str]:
        return _levels_in_range("level_names", value, info.data.get("maturity_thresholds"))

    @field_validator("dimensions")
    @classmethod
    def _dimensions_fit(cls, dimensions: tuple[Dimension, ...], info: ValidationInfo) -> tuple[Dimension, ...]:
        problems = [p for what, ids in (("dimension", [d.id for d in dimensions]),
                                        ("item", [i.id for d in dimensions for i in d.items]))
                    for p in _duplicates(what, ids)]
        thresholds = info.data.get("maturity_thresholds")
        roles = [r.id for r in info.data.get("roles", ())]
        for d in dimensions:
            try:
                _levels_in_range(f"dimension '{d.id}' levels", d.levels, thresholds)
            except ValueError as exc:
                problems.append(str(exc))
            for item in d.items:
                unknown_roles = sorted(set(item.audience or ()) - set(roles)) if roles else []
                if unknown_roles:
                    problems.append(f"item '{item.id}' has unknown audience roles {unknown_roles}; "
                                    f"roles: {', '.join(roles)}")
        if problems:
            raise ValueError("; ".join(problems))
        return dimensions

    @field_validator("types")
    @classmethod
    def _types_fit(cls, types: tuple[PmoType, ...], info: ValidationInfo) -> tuple[PmoType, ...]:
        problems = _duplicates("type", [t.id for t in types])
        dimensions = info.data.get("dimensions")
        if dimensions is not None:
            known = {d.id for d in dimensions}
            maturity_only = {d.id for d in dimensions if d.maturity_only}
            for t in types:
                unknown = sorted(set(t.gates) - known)
                if unknown:
                    problems.append(f"type '{t.id}' gates unknown dimensions {unknown}; known: {sorted(known)}")
                for dim in sorted(set(t.gates) & maturity_only):
                    problems.append(f"type '{t.id}' gates dimension '{dim}', which is marked maturity_only")
        if problems:
            raise ValueError("; ".join(problems))
        return types

    @field_validator("evidence")
    @classmethod
    def _evidence_fits(cls, evidence: tuple[EvidenceQuestion, ...], info: ValidationInfo,
                       ) -> tuple[EvidenceQuestion, ...]:
        problems = _duplicates("evidence", [e.id for e in evidence])
        dimensions = info.data.get("dimensions")
        known = {d.id for d in dimensions} if dimensions is not None else None
        for e in evidence:
            if known is not None and e.dimension is not None and e.dimension not in known:
                problems.append(f"evidence '{e.id}' names unknown dimension '{e.dimension}'")
        if problems:
            raise ValueError("; ".join(problems))
        return evidence

    @field_validator("context")
    @classmethod
    def _context_distinct(cls, context: tuple[ContextQuestion, ...]) -> tuple[ContextQuestion, ...]:
        problems = _duplicates("context", [c.id for c in context])
        if problems:
            raise ValueError("; ".join(problems))
        return context

    @field_validator("targets")
    @classmethod
    def _targets_known(cls, targets: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        types = info.data.get("types")
        if types is not None:
            ids = [t.id for t in types]
            unknown = [f"targets.{level} is '{target}'" for level, target in targets.items() if target not in ids]
            if unknown:
                raise ValueError(f"{'; '.join(unknown)}: not a type of this instrument ({', '.join(ids)})")
        return targets

    # -- derived views ---------------------------------------------------
    @cached_property
    def items(self) -> pd.DataFrame:
        """One row per item, in instrument order, indexed by item id.

        Columns: ``dimension``, ``text``, ``weight``, ``reverse``, ``audience``
        (the tuple of roles asked, ``None`` for every role).
        """
        rows = [
            {"item": i.id, "dimension": d.id, "text": i.text, "weight": i.weight, "reverse": i.reverse,
             "audience": i.audience}
            for d in self.dimensions
            for i in d.items
        ]
        return pd.DataFrame(rows).set_index("item")

    @cached_property
    def dimension_table(self) -> pd.DataFrame:
        """One row per dimension, indexed by dimension id.

        Columns: ``label``, ``pmo_role`` (the role it serves most), ``weight``,
        ``n_items``, ``maturity_only``.
        """
        rows = []
        for d in self.dimensions:
            weights = d.role_weights
            rows.append({"dimension": d.id, "label": d.label,
                         "pmo_role": max(weights, key=weights.__getitem__) if weights else None,
                         "weight": d.weight, "n_items": len(d.items), "maturity_only": d.maturity_only})
        return pd.DataFrame(rows).set_index("dimension")

    @cached_property
    def asked(self) -> pd.DataFrame:
        """Which role is asked which item: a boolean frame, roles (rows) x items (columns), instrument order."""
        return pd.DataFrame([[i.asks(r.id) for d in self.dimensions for i in d.items] for r in self.roles],
                            index=pd.Index(self.role_ids, name="role"), columns=self.items.index)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    @property
    def self_roles(self) -> frozenset[str]:
        """The roles marked ``self: true`` (the PMO's own people)."""
        return frozenset(r.id for r in self.roles if r.self)

    @property
    def spec(self) -> str:
        """How to load this instrument again: ``id@version``."""
        return f"{self.id}@{self.version}"

    def level_name(self, level: int | None) -> str:
        """The name of a maturity level (``"Established"``), or ``"level N"`` (in the current language) when the
        instrument names none."""
        if level is None:
            return ""
        return self.level_names.get(int(level)) or _("level {n}").format(n=int(level))

    def target_for(self, pmo_level: str | None) -> str | None:
        """The instrument's default target type for a PMO of this level, if it declares one."""
        return None if pmo_level is None else self.targets.get(pmo_level)

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def type_label(self, type_id: str) -> str:
        """Human label of a type id, including the implicit ``ad_hoc``."""
        if type_id == AD_HOC:
            return _(AD_HOC_LABEL)
        return next(t.label for t in self.types if t.id == type_id)


def load_instrument(spec: str | Path = "pmo-core", language: str | None = None) -> Instrument:
    """Load an instrument by built-in id (``pmo-core``, ``pmo-core@1.0``) or by path to a YAML file, with its
    texts in one language.

    Parameters
    ----------
    spec
        A built-in id such as ``"pmo-core"`` (the current version),
        ``"pmo-core@1.0"`` (an older version kept loadable), or the path of an
        instrument file.
    language
        The language of the texts (``"de"``); ``None`` is the current language
        (:func:`pmo_workbench.i18n.current_language`). A language the file does
        not declare gives its default language's texts (``.language`` says which).
        Ids, weights and numbers are the same in every language.

    Raises
    ------
    InstrumentNotFoundError
        When ``spec`` is neither an existing file nor a built-in id.
    InputValidationError
        When the file breaks the schema, when a declared language lacks a text or
        a text uses a language not declared; every problem carries its line.
    ValueError
        When ``language`` is not a language code.

    Examples
    --------
    >>> load_instrument("pmo-core").id
    'pmo-core'
    >>> load_instrument("pmo-core", language="de").scale.labels[5]
    'Stimme voll und ganz zu'
    """
    wanted = wanted_language(language)
    path = instrument_path(spec)
    # Each caller gets its own deep copy (0.7 ms for pmo-core): what one changes never reaches another.
    return cached(path, ("instrument", wanted), lambda: _read_instrument(path, wanted),
                  lambda instrument: instrument.model_copy(deep=True))


def _read_instrument(path: Path, wanted: str) -> Instrument:
    data, node = load_yaml(path)
    refuse_competency(path, data, node)
    instrument, chosen = read_in_language(path, data, node, wanted, Instrument)
    languages = instrument.languages
    instrument._language = chosen
    instrument._source = path.resolve()
    if len(languages) > 1:
        labels = [document_in({"roles": data["roles"]}, code, languages[0])["roles"] for code in languages]
        for n, role in enumerate(instrument.roles):
            role._labels = tuple(str(found[n].get("label")) for found in labels)
    return instrument
