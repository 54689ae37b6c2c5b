"""The texts of an instrument in several languages.

An instrument file declares the languages it is written in (``languages: [en, de]``, the first the default;
absent, English alone) and gives each text either as a plain string (the default language's) or as a text map
(``label: {en: Mandate and authority, de: Mandat und Befugnisse}``). Ids, weights and numbers never translate.

This module knows which fields of an instrument are texts (:func:`text_paths`), checks that every declared
language has every text and that no text map uses an undeclared one (:func:`language_problems`), lists the texts
a language lacks (:func:`missing_texts`, for ``pmo-workbench instruments check``) and resolves a document to one
language (:func:`document_in`).

A context question's choice may be a text map too: the choice itself (the value an engagement file answers
with) stays the default language's text in every language, and the text in the language asked for becomes its
label.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pydantic
from pydantic import BaseModel

import yaml

from .._yaml import locate
from ..errors import Problem
from ..i18n import N_, _
from ..i18n.texts import _CODE, _known, is_text_map, resolve

DEFAULT_LANGUAGES: tuple[str, ...] = ("en",)
"""The languages of an instrument file that declares none."""

Path_ = tuple[Any, ...]

PMO_ROLE_LABELS: dict[str, str] = {
    "standards": N_("Set standards"), "customer_support": N_("Support the customers"),
    "empowerment": N_("Empower people"),
}
"""How reports name the three roles a PMO serves, in English: show them through :func:`role_label`."""
AD_HOC = "ad_hoc"
"""The type of a PMO that does not meet the first rung of the ladder."""
AD_HOC_LABEL = N_("Ad hoc")
"""The label of :data:`AD_HOC`, in English: :meth:`Instrument.type_label` gives it in the current language."""


def role_label(role_id: str) -> str:
    """How reports name one of the three roles a PMO serves, in the current language.

    >>> role_label("standards")
    'Set standards'
    """
    return _(PMO_ROLE_LABELS[role_id])


def role_labels() -> dict[str, str]:
    """:data:`PMO_ROLE_LABELS` in the current language."""
    return {role: _(label) for role, label in PMO_ROLE_LABELS.items()}


def normal_code(value: object) -> str | None:
    """``value`` as a language code (``"DE"`` gives ``"de"``, ``"pt-br"`` gives ``"pt-BR"``), or ``None`` when it
    is not a code Babel knows."""
    if not isinstance(value, str):
        return None
    primary, _, region = value.strip().replace("_", "-").partition("-")
    code = primary.lower() + (f"-{region.upper() if len(region) == 2 else region}" if region else "")
    return code if _CODE.match(code) and _known(code) else None


def wanted_language(language: str | None) -> str:
    """The language a file is to be loaded in: ``language`` as a code, ``None`` the current language
    (:func:`pmo_workbench.i18n.current_language`); ``ValueError`` when ``language`` is not a language code."""
    from ..i18n import current_language

    wanted = normal_code(language) if language is not None else current_language()
    if wanted is None:
        raise ValueError(f"{language!r} is not a language code (e.g. en, de)")
    return wanted


def best_language(wanted: str, languages: tuple[str, ...]) -> str:
    """The declared language closest to ``wanted`` (``de-CH`` takes ``de``, ``de`` takes ``de-AT``), else the
    default (the first declared).

    >>> best_language("de-CH", ("en", "de")), best_language("fr", ("en", "de"))
    ('de', 'en')
    """
    if wanted in languages:
        return wanted
    primary = wanted.split("-")[0]
    return next((code for code in languages if code == primary), None) or next(
        (code for code in languages if code.split("-")[0] == primary), languages[0])


def _get(data: Any, path: Path_) -> Any:
    for key in path:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data


def _entries(data: dict, key: str) -> Iterator[tuple[int, dict]]:
    value = data.get(key)
    if isinstance(value, list):
        yield from ((n, entry) for n, entry in enumerate(value) if isinstance(entry, dict))


def _fields(entry: dict, base: Path_, names: tuple[str, ...]) -> Iterator[Path_]:
    yield from ((*base, name) for name in names if name in entry)


def _mapping(entry: Any, base: Path_) -> Iterator[Path_]:
    if isinstance(entry, dict):
        yield from ((*base, key) for key in entry)


def text_paths(data: Any) -> Iterator[Path_]:
    """The place of every text of an instrument document (as YAML loads it), in document order of the schema:
    title, description, scale labels, level names, roles' labels, dimensions (label, description, levels, items'
    texts), a competency instrument's job levels, process groups and areas (label, description, anchors, items'
    texts), the development library's kinds and suggestions,
    types (label, description), evidence questions, context questions (text, unit, choices)."""
    if not isinstance(data, dict):
        return
    yield from _fields(data, (), ("title", "description"))
    scale = data.get("scale")
    if isinstance(scale, dict):
        yield from _mapping(scale.get("labels"), ("scale", "labels"))
    yield from _mapping(data.get("level_names"), ("level_names",))
    for n, role in _entries(data, "roles"):
        yield from _fields(role, ("roles", n), ("label",))
    for n, dimension in _entries(data, "dimensions"):
        yield from _fields(dimension, ("dimensions", n), ("label", "description"))
        yield from _mapping(dimension.get("levels"), ("dimensions", n, "levels"))
        for m, item in _entries(dimension, "items"):
            yield from _fields(item, ("dimensions", n, "items", m), ("text",))
    for key in ("job_levels", "process_groups"):  # competency instruments (:mod:`.competency`)
        for n, entry in _entries(data, key):
            yield from _fields(entry, (key, n), ("label",))
    for n, area in _entries(data, "areas"):
        yield from _fields(area, ("areas", n), ("label", "description"))
        yield from _mapping(area.get("anchors"), ("areas", n, "anchors"))
        for m, item in _entries(area, "items"):
            yield from _fields(item, ("areas", n, "items", m), ("text",))
    yield from _mapping(data.get("kinds"), ("kinds",))  # the competency development library
    for n, entry in _entries(data, "suggestions"):
        yield from _fields(entry, ("suggestions", n), ("text",))
    for n, kind in _entries(data, "types"):
        yield from _fields(kind, ("types", n), ("label", "description"))
    for n, question in _entries(data, "evidence"):
        yield from _fields(question, ("evidence", n), ("text",))
    for n, question in _entries(data, "context"):
        yield from _fields(question, ("context", n), ("text", "unit"))
        choices = question.get("choices")
        if isinstance(choices, list):
            yield from (("context", n, "choices", m) for m in range(len(choices)))


def dotted(path: Path_) -> str:
    return ".".join(str(part) for part in path)


@dataclass(frozen=True)
class LanguageNeed:
    """A text lacking a language: where (the YAML path, line, column) and the default language's text."""

    path: Path_
    row: int | None
    column: int | None
    fallback: str


def _languages_of(value: Any, default: str) -> set[str] | None:
    """The languages a text is written in (a plain string: the default only); ``None`` when it is no text."""
    if isinstance(value, str):
        return {default}
    if is_text_map(value):
        return set(value)
    return None


def declared_languages(data: Any, node: yaml.Node | None, where: str) -> tuple[tuple[str, ...], list[Problem]]:
    """The languages the document declares (``languages``: the first is the default) and the problems of that
    declaration, located."""
    value = data.get("languages") if isinstance(data, dict) else None
    if value is None:
        return DEFAULT_LANGUAGES, []
    row, col = locate(node, ("languages",))
    if not isinstance(value, list) or not value:
        return DEFAULT_LANGUAGES, [Problem(where, row, col, "languages: expected a list of language codes, the "
                                                            "default first, e.g. [en, de]")]
    problems, found = [], []
    for n, code in enumerate(value):
        normal = normal_code(code)
        if normal is None or normal != code:
            r, c = locate(node, ("languages", n))
            hint = f"; write it '{normal}'" if normal is not None else ""
            problems.append(Problem(where, r, c, f"languages.{n}: {code!r} is not a language code (e.g. en, de)"
                                                 f"{hint}"))
        elif code in found:
            r, c = locate(node, ("languages", n))
            problems.append(Problem(where, r, c, f"languages.{n}: '{code}' is declared twice"))
        else:
            found.append(code)
    return (tuple(found) or DEFAULT_LANGUAGES), problems


def language_problems(data: Any, node: yaml.Node | None, where: str, languages: tuple[str, ...]) -> list[Problem]:
    """Every text lacking a declared language, and every text map using a language not declared, located at the
    text (a plain string counts as written in the default language only)."""
    problems = []
    declared = ", ".join(languages)
    for path in text_paths(data):
        value = _get(data, path)
        have = _languages_of(value, languages[0])
        row, col = locate(node, path)
        if have is None:
            if isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
                odd = sorted(k for k in value if normal_code(k) != k)
                if odd:
                    problems.append(Problem(where, row, col, f"{dotted(path)}: {', '.join(map(repr, odd))} "
                                            f"{'is not a language code' if len(odd) == 1 else 'are not language codes'}"
                                            f"; a text is a string or a map of language codes to texts ({declared})"))
            continue
        undeclared = sorted(have - set(languages))
        if undeclared:
            problems.append(Problem(where, row, col, f"{dotted(path)}: text in {', '.join(undeclared)}, not a "
                                                     f"language of this instrument (languages: {declared})"))
        lacking = [code for code in languages if code not in have]
        if lacking:
            problems.append(Problem(where, row, col, f"{dotted(path)}: no {', '.join(lacking)} text (the instrument "
                                                     f"declares languages: {declared})"))
    return problems


def missing_texts(data: Any, node: yaml.Node | None, language: str, default: str) -> list[LanguageNeed]:
    """The texts without a version in ``language``, in document order (a plain string is the default
    language's only)."""
    found = []
    for path in text_paths(data):
        value = _get(data, path)
        have = _languages_of(value, default)
        if have is not None and language not in have:
            row, col = locate(node, path)
            fallback = value if isinstance(value, str) else resolve(value, default, default)[0]
            found.append(LanguageNeed(path, row, col, fallback))
    return found


def text_count(data: Any) -> int:
    """How many texts the document has."""
    return sum(1 for _ in text_paths(data))


def document_in(data: dict, language: str, default: str) -> dict:
    """A copy of the document with every text in ``language`` (else the default's): ready for the schema.

    A context question's choices become the default language's texts (the values answered with) and
    ``choice_labels`` maps each to its text in ``language``.
    """
    out = resolve_copy(data)
    for path in text_paths(data):
        value = _get(data, path)
        if not (isinstance(value, str) or is_text_map(value)):
            continue
        text = resolve(value, language, default)[0]
        if path[0] == "context" and path[2] == "choices":
            choice = resolve(value, default, default)[0]
            if text != choice:
                _get(out, path[:2]).setdefault("choice_labels", {})[choice] = text
            text = choice
        parent = _get(out, path[:-1])
        parent[path[-1]] = text
    return out


def resolve_copy(value: Any) -> Any:
    """A deep copy of a YAML document's mappings and lists (scalars shared)."""
    if isinstance(value, dict):
        return {k: resolve_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_copy(v) for v in value]
    return value


@dataclass(frozen=True)
class TextCheck:
    """What ``pmo-workbench instruments check`` finds: the texts of an instrument file lacking a language."""

    path: str
    languages: tuple[str, ...]
    language: str
    total: int
    missing: tuple[LanguageNeed, ...]

    def lines(self) -> list[str]:
        """One ``path:row:column: message`` line per text lacking the language."""
        default = self.languages[0]
        return [f"{self.path}:{m.row}:{m.column}: {dotted(m.path)}: no {self.language} text "
                f"({default}: {_short(m.fallback)})" for m in self.missing]


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")


def check_texts(path, language: str) -> TextCheck:
    """The texts of the instrument file ``path`` that lack ``language`` (a language code).

    Raises
    ------
    InputValidationError
        When the file is not valid YAML or its ``languages`` declaration is wrong.
    """
    from .._yaml import load_yaml
    from ..errors import InputValidationError

    data, node = load_yaml(path)
    languages, problems = declared_languages(data, node, str(path))
    if problems:
        raise InputValidationError(problems)
    missing = missing_texts(data, node, language, languages[0])
    return TextCheck(str(path), languages, language, text_count(data), tuple(missing))


M = TypeVar("M", bound=BaseModel)


def read_in_language(path, data: Any, node: yaml.Node | None, wanted: str, model: type[M]) -> tuple[M, str]:
    """``data`` (a YAML document as :func:`pmo_workbench._yaml.load_yaml` read it from ``path``) checked for its
    languages, resolved to the declared language closest to ``wanted`` and validated as ``model``; with that
    language. Instruments, competency instruments and the development library are read this way.

    Raises
    ------
    InputValidationError
        With every problem of the languages, else of the schema, each located.
    """
    from .._yaml import problems_from_pydantic
    from ..errors import InputValidationError

    languages, problems = declared_languages(data, node, str(path))
    problems += language_problems(data, node, str(path), languages)
    if problems:
        raise InputValidationError(problems)
    chosen = best_language(wanted, languages)
    document = document_in(data, chosen, languages[0]) if isinstance(data, dict) else data
    try:
        return model.model_validate(document), chosen
    except pydantic.ValidationError as exc:
        raise InputValidationError(problems_from_pydantic(path, node, exc)) from None
