"""Texts given per language in a YAML file (an instrument, a recommendations library)::

    label: {en: Mandate and authority, de: Mandat und Befugnisse}
    label: Mandate and authority          # one language: the file's default

A *text map* is a mapping whose keys are all language codes (``en``, ``de``, ``pt-BR``) and whose values are all
text. :func:`resolve` replaces every text map of a loaded YAML document by its text in one language, falling back
to the file's default language, and lists where the language was missing, so a loader can validate the plain
document as before and report the missing texts with their lines.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


@functools.cache
def _known(code: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def is_text_map(value: Any) -> bool:
    """Whether ``value`` is a text map: a non-empty mapping of language codes Babel knows to text.

    >>> is_text_map({"en": "Agree", "de": "Stimme zu"}), is_text_map({"project": "supportive"})
    (True, False)
    >>> is_text_map({1: "Absent"}), is_text_map({"en": 3})
    (False, False)
    """
    return (isinstance(value, dict) and bool(value)
            and all(isinstance(k, str) and _CODE.match(k) and _known(k) for k in value)
            and all(isinstance(v, str) for v in value.values()))


@dataclass(frozen=True)
class MissingText:
    """A text with no version in the language asked for: where (the YAML path) and the default's text."""

    path: tuple[Any, ...]
    fallback: str

    def where(self) -> str:
        return ".".join(str(part) for part in self.path)


def resolve(data: Any, language: str, default: str) -> tuple[Any, list[MissingText]]:
    """``data`` with every text map replaced by its ``language`` text (else its ``default`` one, else its first),
    and the list of text maps that had no ``language`` text, in document order.

    A plain string is left as it is: a loader that knows which fields are texts decides whether a plain string
    counts as missing for a language other than the default.

    >>> resolve({"label": {"en": "Agree", "de": "Stimme zu"}, "id": "x"}, "de", "en")
    ({'label': 'Stimme zu', 'id': 'x'}, [])
    >>> resolve({"items": [{"text": {"en": "Agree"}}]}, "de", "en")[1]
    [MissingText(path=('items', 0, 'text'), fallback='Agree')]
    """
    missing: list[MissingText] = []
    return _resolve(data, language, default, (), missing), missing


def _resolve(value: Any, language: str, default: str, path: tuple, missing: list[MissingText]):
    if is_text_map(value):
        chosen = value.get(language)
        fallback = value.get(default) or next(iter(value.values()))
        if chosen is None:
            missing.append(MissingText(path, fallback))
        return chosen if chosen is not None else fallback
    if isinstance(value, dict):
        return {k: _resolve(v, language, default, (*path, k), missing) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, language, default, (*path, n), missing) for n, v in enumerate(value)]
    return value


def languages_in(data: Any) -> set[str]:
    """Every language code a text map of ``data`` uses."""
    return {code for found in _maps(data) for code in found}


def _maps(value: Any) -> Iterator[dict]:
    if is_text_map(value):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _maps(v)
    elif isinstance(value, list):
        for v in value:
            yield from _maps(v)
