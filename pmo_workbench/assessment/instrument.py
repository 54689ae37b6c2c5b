"""Instruments: the questionnaires a PMO is assessed with.

An instrument is a YAML file (schema in the project's README) loaded into
frozen, validated models. Built-in instruments live in
``templates/instruments/<id>.yaml``; any other file can be given by path.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cached_property
from pathlib import Path
from typing import Literal

import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .._yaml import load_yaml, problems_from_pydantic
from ..errors import InputValidationError, InstrumentNotFoundError
from ..resources import templates_dir

PmoRole = Literal["standards", "customer_support", "empowerment"]
PMO_ROLES: tuple[str, ...] = ("standards", "customer_support", "empowerment")
PMO_ROLE_LABELS: dict[str, str] = {
    "standards": "Set standards", "customer_support": "Support the customers", "empowerment": "Empower people",
}
"""How reports name the three roles a PMO serves."""
AD_HOC = "ad_hoc"
"""The type of a PMO that does not meet the first rung of the ladder."""

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
    """A respondent role, e.g. executive or project manager."""

    id: _Id
    label: str


class Item(_Model):
    """One statement rated on the scale."""

    id: _Id
    text: str = Field(min_length=1)
    weight: float = 1.0
    reverse: bool = False

    _weight = field_validator("weight")(_check_weight)


class Dimension(_Model):
    """A group of items scored together, serving one of the PMO's three roles."""

    id: _Id
    label: str
    description: str = ""
    pmo_role: PmoRole | None = None
    weight: float = 1.0
    items: tuple[Item, ...] = Field(min_length=1)

    _weight = field_validator("weight")(_check_weight)


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


class Instrument(_Model):
    """A validated questionnaire: scale, respondent roles, dimensions, items, type ladder."""

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(cached_property,))

    id: _Id
    version: str
    title: str
    description: str = ""
    scale: Scale
    maturity_thresholds: tuple[float, ...] = (20.0, 40.0, 60.0, 80.0)
    roles: tuple[Role, ...] = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = Field(min_length=1)
    types: tuple[PmoType, ...] = Field(min_length=1)

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

    @model_validator(mode="after")
    def _cross_checks(self) -> Instrument:
        problems = []
        for what, ids in (
            ("role", [r.id for r in self.roles]),
            ("dimension", [d.id for d in self.dimensions]),
            ("item", [i.id for d in self.dimensions for i in d.items]),
            ("type", [t.id for t in self.types]),
        ):
            dupes = sorted(k for k, n in Counter(i.lower() for i in ids).items() if n > 1)
            if dupes:
                problems.append(f"duplicate {what} ids (ids are case-insensitive): {dupes}")
        known = {d.id for d in self.dimensions}
        for t in self.types:
            unknown = sorted(set(t.gates) - known)
            if unknown:
                problems.append(f"type '{t.id}' gates unknown dimensions {unknown}; known: {sorted(known)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- derived views ---------------------------------------------------
    @cached_property
    def items(self) -> pd.DataFrame:
        """One row per item, in instrument order, indexed by item id.

        Columns: ``dimension``, ``text``, ``weight``, ``reverse``.
        """
        rows = [
            {"item": i.id, "dimension": d.id, "text": i.text, "weight": i.weight, "reverse": i.reverse}
            for d in self.dimensions
            for i in d.items
        ]
        return pd.DataFrame(rows).set_index("item")

    @cached_property
    def dimension_table(self) -> pd.DataFrame:
        """One row per dimension, indexed by dimension id.

        Columns: ``label``, ``pmo_role``, ``weight``, ``n_items``.
        """
        rows = [
            {"dimension": d.id, "label": d.label, "pmo_role": d.pmo_role, "weight": d.weight, "n_items": len(d.items)}
            for d in self.dimensions
        ]
        return pd.DataFrame(rows).set_index("dimension")

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id."""
        for d in self.dimensions:
            if d.id == dimension_id:
                return d
        raise KeyError(dimension_id)

    def type_label(self, type_id: str) -> str:
        """Human label of a type id, including the implicit ``ad_hoc``."""
        if type_id == AD_HOC:
            return "Ad hoc"
        return next(t.label for t in self.types if t.id == type_id)


def builtin_instruments() -> dict[str, Path]:
    """Built-in instrument ids mapped to their files."""
    folder = templates_dir() / "instruments"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def load_instrument(spec: str | Path = "pmo-core") -> Instrument:
    """Load an instrument by built-in id or by path to a YAML file.

    Parameters
    ----------
    spec
        A built-in id such as ``"pmo-core"`` or the path of an instrument file.

    Raises
    ------
    InstrumentNotFoundError
        When ``spec`` is neither an existing file nor a built-in id.
    InputValidationError
        When the file breaks the schema; every problem carries its line.

    Examples
    --------
    >>> load_instrument("pmo-core").id
    'pmo-core'
    """
    path = Path(spec)
    if not path.is_file():
        builtins = builtin_instruments()
        if str(spec) not in builtins:
            raise InstrumentNotFoundError(str(spec), tuple(builtins))
        path = builtins[str(spec)]
    data, node = load_yaml(path)
    try:
        return Instrument.model_validate(data)
    except pydantic.ValidationError as exc:
        raise InputValidationError(problems_from_pydantic(path, node, exc)) from None
