"""The development library: what a person's own competency report suggests for an area below the required level.

``templates/competency/development.yaml`` (``kind: competency-development``) lists suggestions, each for one
area, of one kind (course, on the job, coaching, mentoring, reading) and offered while the person's assessed
level in the area is below its ``below`` level (foundational suggestions ``below: 3``, advanced ones higher).
Texts may be given in several languages, as in the instruments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
import pydantic
from pydantic import Field, PrivateAttr

from .._memo import cached
from .._yaml import load_yaml, locate
from ..errors import InputValidationError, Problem
from ..resources import templates_dir
from .competency import CompetencyInstrument
from .instrument import _Id, _Model
from .instrument_texts import read_in_language, wanted_language

__all__ = ["DevelopmentLibrary", "Suggestion", "development_suggestions", "load_development_library"]

Kind = Literal["course", "on_the_job", "coaching", "mentoring", "reading"]


class Suggestion(_Model):
    id: _Id
    area: _Id
    kind: Kind
    below: float = Field(ge=1)
    """Offered while the person's assessed level in the area is below this."""
    text: str = Field(min_length=1)


class DevelopmentLibrary(_Model):
    kind: Literal["competency-development"]
    version: str
    languages: tuple[str, ...] = ("en",)
    kinds: dict[Kind, str]
    suggestions: tuple[Suggestion, ...] = Field(min_length=1)
    _language: str = PrivateAttr(default="")

    @pydantic.field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    @pydantic.field_validator("suggestions")
    @classmethod
    def _distinct(cls, suggestions: tuple[Suggestion, ...]) -> tuple[Suggestion, ...]:
        seen: set[str] = set()
        twice = sorted({s.id for s in suggestions if s.id in seen or seen.add(s.id)})
        if twice:
            raise ValueError(f"suggestion ids must be unique; repeated: {', '.join(twice)}")
        return suggestions

    def kind_label(self, kind: str) -> str:
        return self.kinds.get(kind, kind.replace("_", " "))


def load_development_library(path: str | Path | None = None, language: str | None = None,
                             instrument: CompetencyInstrument | None = None) -> DevelopmentLibrary:
    """Load the development library (the built-in one when ``path`` is ``None``) in one language; given the
    instrument, every suggestion's area must be one of its areas.

    Raises
    ------
    InputValidationError
        When the file breaks the schema or names an unknown area, every problem located by line.
    """
    wanted = wanted_language(language)
    path = Path(path) if path is not None else templates_dir() / "competency" / "development.yaml"
    library = cached(path, ("development-library", wanted), lambda: _read(path, wanted),
                     lambda value: value.model_copy(deep=True))
    if instrument is not None:
        unknown = [(n, s) for n, s in enumerate(library.suggestions) if s.area not in instrument.area_ids]
        if unknown:
            _, node = load_yaml(path)
            raise InputValidationError([
                Problem(str(path), *locate(node, ("suggestions", n, "area")),
                        f"suggestion '{s.id}': unknown area '{s.area}' (known: {', '.join(instrument.area_ids)})")
                for n, s in unknown])
    return library


def _read(path: Path, wanted: str) -> DevelopmentLibrary:
    data, node = load_yaml(path)
    library, chosen = read_in_language(path, data, node, wanted, DevelopmentLibrary)
    library._language = chosen
    return library


def development_suggestions(profile: pd.DataFrame, library: DevelopmentLibrary, per_area: int = 2) -> pd.DataFrame:
    """Suggestions for each area of a person's profile (:func:`.competency_scoring.person_profile`) below the
    required level, largest shortfall first: up to ``per_area`` suggestions whose ``below`` level is above the
    person's assessed level, the most foundational first.

    Returns ``area, label, assessed, required, shortfall, kind, kind_label, text`` rows."""
    rows = []
    below = profile[profile["below"].fillna(False).astype(bool)]
    order = below.assign(_pos=range(len(below))).sort_values(["shortfall", "_pos"], ascending=[False, True])
    for area, r in order.iterrows():
        fitting = sorted((s for s in library.suggestions if s.area == area and r["assessed"] < s.below),
                         key=lambda s: s.below)
        for s in fitting[:per_area]:
            rows.append({"area": area, "label": r["label"], "assessed": r["assessed"], "required": r["required"],
                         "shortfall": r["shortfall"], "kind": s.kind, "kind_label": library.kind_label(s.kind),
                         "text": s.text})
    return pd.DataFrame(rows, columns=["area", "label", "assessed", "required", "shortfall", "kind", "kind_label",
                                       "text"])
