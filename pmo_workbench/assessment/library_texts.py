"""The texts of a recommendations library, per language.

A library declares the languages its texts are written in (``languages: [en, de]``, the first the default;
without it, ``[en]``) and gives each text either as one string (in the default language) or as a text map::

    title: {en: Publish the list of projects inside the PMO's remit,
            de: Liste der Projekte im Zuständigkeitsbereich des PMO veröffentlichen}

The texts are :data:`STEP_TEXTS` of each step, :data:`VARIANT_TEXTS` of each framework variant and each
workstream's ``label``; ids, levels, triggers and numbers are the same in every language. Everything here works on
the YAML document as read (before the schema), so each problem is located by line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from .._yaml import locate
from ..errors import Problem
from ..i18n.texts import is_text_map, resolve

STEP_TEXTS: tuple[str, ...] = ("title", "action", "evidence_of_done", "owner_role")
"""The texts of a step."""
VARIANT_TEXTS: tuple[str, ...] = ("title", "action", "evidence_of_done")
"""The texts of a step's framework variant."""
DEFAULT_LANGUAGES: tuple[str, ...] = ("en",)
"""The languages of a library that declares none."""


def is_language_code(code: Any) -> bool:
    """Whether ``code`` is a language code Babel knows, written as a text map's key is (``en``, ``de``,
    ``pt-BR``).

    >>> is_language_code("de"), is_language_code("DE"), is_language_code("deutsch"), is_language_code(3)
    (True, False, False, False)
    """
    return isinstance(code, str) and is_text_map({code: ""})


def _written(code: Any) -> str | None:
    """How a language code is written (``DE`` -> ``de``, ``pt_br`` -> ``pt-BR``), or ``None`` when it is none."""
    if not isinstance(code, str):
        return None
    primary, _sep, region = code.strip().replace("_", "-").partition("-")
    normal = primary.lower() + (f"-{region.upper() if len(region) == 2 else region}" if region else "")
    return normal if is_language_code(normal) else None


def text_places(data: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """``(path, value)`` of every text of a library document, in document order (absent texts left out)."""
    if not isinstance(data, dict):
        return
    streams = data.get("workstreams")
    for i, stream in enumerate(streams if isinstance(streams, list) else ()):
        if isinstance(stream, dict) and stream.get("label") is not None:
            yield ("workstreams", i, "label"), stream["label"]
    steps = data.get("recommendations")
    for i, step in enumerate(steps if isinstance(steps, list) else ()):
        if not isinstance(step, dict):
            continue
        for key in STEP_TEXTS:
            if step.get(key) is not None:
                yield ("recommendations", i, key), step[key]
        variants = step.get("variants")
        for framework, variant in (variants.items() if isinstance(variants, dict) else ()):
            for key in VARIANT_TEXTS if isinstance(variant, dict) else ():
                if variant.get(key) is not None:
                    yield ("recommendations", i, "variants", framework, key), variant[key]


def _problem(path: str, node: yaml.Node | None, loc: tuple[Any, ...], message: str) -> Problem:
    row, column = locate(node, loc) if node is not None else (None, None)
    return Problem(path, row, column, f"{'.'.join(str(p) for p in loc)}: {message}")


def declared_languages(data: Any, node: yaml.Node | None, path: str) -> tuple[tuple[str, ...], list[Problem]]:
    """The languages a library document declares (default :data:`DEFAULT_LANGUAGES`) and what is wrong with the
    declaration: not a list, empty, a code that is no language, a language given twice."""
    raw = data.get("languages") if isinstance(data, dict) else None
    if raw is None:
        return DEFAULT_LANGUAGES, []
    if not isinstance(raw, list) or not raw:
        return DEFAULT_LANGUAGES, [_problem(path, node, ("languages",), "expected a list of language codes, the "
                                                                         "default first, e.g. [en, de]")]
    found, codes = [], []
    for n, code in enumerate(raw):
        if not is_language_code(code):
            normal = _written(code)
            hint = f"; write it '{normal}'" if normal is not None else ""
            found.append(_problem(path, node, ("languages", n), f"{code!r} is not a language code (e.g. en, de)"
                                                                f"{hint}"))
        elif code in codes:
            found.append(_problem(path, node, ("languages", n), f"'{code}' is declared twice"))
        else:
            codes.append(code)
    return (tuple(codes) or DEFAULT_LANGUAGES), found


def language_problems(data: Any, node: yaml.Node | None, path: str, languages: tuple[str, ...]) -> list[Problem]:
    """Every text that lacks a declared language (a plain string counts as the default language only), every text
    map that uses a language not declared, and every mapping in a text's place that is no text map."""
    found: list[Problem] = []
    declared = ", ".join(languages)
    for loc, value in text_places(data):
        if isinstance(value, dict):
            if not is_text_map(value):
                found.append(_problem(path, node, loc, "expected a text or a text map of language codes to texts, "
                                                       "such as {en: ..., de: ...}"))
                continue
            for code in value:
                if code not in languages:
                    found.append(_problem(path, node, (*loc, code), f"text in {code}, not a language of this "
                                                                    f"library (languages: {declared})"))
            lacking = [code for code in languages if code not in value]
        elif isinstance(value, str):
            lacking = list(languages[1:])
        else:
            continue  # not a text at all: the schema says so
        if lacking:
            found.append(_problem(path, node, loc, f"no {', '.join(lacking)} text (the library declares "
                                                   f"languages: {declared})"))
    return found


def missing_texts(data: Any, node: yaml.Node | None, path: str, language: str,
                  default: str) -> list[Problem]:
    """Every text of the document with no version in ``language`` (a plain string is in ``default`` only), each
    located, with the text it falls back to."""
    found = []
    for loc, value in text_places(data):
        if isinstance(value, str):
            fallback = None if language == default else value
        elif is_text_map(value):
            fallback = None if language in value else resolve(value, language, default)[0]
        else:
            continue
        if fallback is not None:
            shown = fallback if len(fallback) <= 60 else fallback[:59].rstrip() + "\u2026"
            found.append(_problem(path, node, loc, f"no {language} text; falls back to \"{shown}\""))
    return found


def resolve_texts(data: dict, language: str, default: str) -> dict:
    """A copy of the document with every text in ``language`` (else ``default``, else its first language).
    Only the places of texts are resolved: anything else stays as written, for the schema to judge."""
    out = {**data}
    places = list(text_places(data))
    if not places:
        return out
    out["workstreams"] = [dict(s) if isinstance(s, dict) else s for s in data["workstreams"]] \
        if isinstance(data.get("workstreams"), list) else data.get("workstreams")
    out["recommendations"] = [_copy_step(s) for s in data["recommendations"]] \
        if isinstance(data.get("recommendations"), list) else data.get("recommendations")
    for loc, value in places:
        if not is_text_map(value):
            continue
        target = out
        for key in loc[:-1]:
            target = target[key]
        target[loc[-1]] = resolve(value, language, default)[0]
    return out


def _copy_step(step: Any) -> Any:
    if not isinstance(step, dict):
        return step
    copy = dict(step)
    if isinstance(step.get("variants"), dict):
        copy["variants"] = {k: dict(v) if isinstance(v, dict) else v for k, v in step["variants"].items()}
    return copy
