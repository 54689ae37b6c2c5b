"""The consultant's texts of an engagement file, in several languages.

Every text an engagement file writes for the reader (key messages, portfolio key messages, the confidentiality
line, "prepared for", the notes of the evidence checklist) may be a plain string, written in the file's
``language`` (default English), or a text map giving it per language::

    confidentiality: {en: "Confidential", de: "Vertraulich"}
    key_messages:
      - {en: "The PMO is a supportive PMO.", de: "Das PMO ist ein unterstützendes PMO."}
    pmos:
      - pmo: Capital Programmes PMO
        evidence:
          charter: {answer: "yes", note: {en: "Approved by the board", de: "Vom Vorstand genehmigt"}}

Ids, names of organisations and PMOs, dates, respondents' comments and their redactions never translate.
:func:`engagement_in` resolves a loaded file to one language before it is validated (the keys stay the same,
so a problem is still located at its line); :func:`missing_texts` lists the texts a language lacks, for
``pmo-workbench engagement check --language`` and the report commands' warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._yaml import locate
from ..errors import Problem
from ..i18n import languages
from ..i18n.texts import is_text_map

_TOP_TEXTS = ("confidentiality", "prepared_for")
_TOP_LISTS = ("key_messages", "portfolio_key_messages")


@dataclass(frozen=True)
class MissingEngagementText:
    """A text of an engagement file with no version in a language: where, and the text shown instead."""

    path: tuple[Any, ...]
    row: int | None
    column: int | None
    fallback: str

    def line(self, file: str | Path, language: str) -> str:
        """``path:row:column: message``, as ``engagement check`` prints it."""
        flat = " ".join(self.fallback.split())
        short = flat if len(flat) <= 60 else flat[:59] + "…"
        where = ".".join(str(part) for part in self.path)
        return f"{file}:{self.row}:{self.column}: {where}: no {language} text (shown instead: {short!r})"


def file_language(data: Any) -> str:
    """The language a plain string of the file is written in: its ``language`` (when the reports speak it),
    else English."""
    given = data.get("language") if isinstance(data, dict) else None
    return given if isinstance(given, str) and given in languages() else "en"


def text_paths(data: Any) -> Iterator[tuple[Any, ...]]:
    """The path of every text the consultant writes for the reader, in document order (present ones only)."""
    if not isinstance(data, dict):
        return
    for key in (*_TOP_TEXTS, *_TOP_LISTS):
        value = data.get(key)
        if key in _TOP_TEXTS and key in data:
            yield (key,)
        elif isinstance(value, list):
            yield from ((key, n) for n in range(len(value)))
    entries = data.get("pmos")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        evidence = entry.get("evidence") if isinstance(entry, dict) else None
        for question, answer in (evidence.items() if isinstance(evidence, dict) else ()):
            if isinstance(answer, dict) and "note" in answer:
                yield ("pmos", index, "evidence", question, "note")


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _map_problem(value: Any, path: tuple[Any, ...]) -> str | None:
    """What is wrong with a mapping given as a text, or ``None`` when it is a good text map."""
    where = ".".join(str(part) for part in path)
    spoken = languages()
    codes = [k for k in value if not (isinstance(k, str) and k in spoken)]
    if not value or codes:
        return (f"{where}: {', '.join(repr(c) for c in codes) or 'an empty map'} is not a language of the reports "
                f"({', '.join(spoken)}); a text is a string or a map of language codes to texts, e.g. "
                "{en: ..., de: ...}")
    odd = [k for k, v in value.items() if not isinstance(v, str) or not v.strip()]
    if odd:
        return f"{where}: the {', '.join(odd)} text must be a non-blank string"
    return None


def engagement_in(data: Any, node: yaml.Node | None, where: str | Path, language: str,
                  ) -> tuple[Any, list[Problem], list[MissingEngagementText]]:
    """A copy of a loaded engagement file with every text in ``language`` (else the file's language, else the
    map's first), every malformed text map as a located problem, and the texts that fell back.

    A plain string counts as written in the file's language (:func:`file_language`). A malformed map is left
    is replaced by a placeholder: its problem here says what is wrong, and the file is refused.
    """
    default = file_language(data)
    problems: list[Problem] = []
    missing: list[MissingEngagementText] = []
    paths = list(text_paths(data))
    if not paths:
        return data, problems, missing
    out = _copy(data)
    for path in paths:
        value = _get(data, path)
        row, column = locate(node, path)
        if isinstance(value, str):
            if language != default:
                missing.append(MissingEngagementText(path, row, column, value))
            continue
        if not isinstance(value, dict):
            continue  # a number or a list: the schema says what it expected
        problem = _map_problem(value, path)
        if problem is not None or not is_text_map(value):
            problems.append(Problem(str(where), row, column, problem or f"{'.'.join(map(str, path))}: not a text"))
            _get(out, path[:-1])[path[-1]] = "-"  # refused here: the schema need not refuse it again
            continue
        text = value.get(language)
        if text is None:
            text = value.get(default) or next(iter(value.values()))
            missing.append(MissingEngagementText(path, row, column, text))
        _get(out, path[:-1])[path[-1]] = text
    return out, problems, missing


def missing_texts(path: str | Path, language: str) -> list[MissingEngagementText]:
    """The texts of the engagement file ``path`` that have no ``language`` version (a malformed file: none; its
    loading says what is wrong)."""
    from .._yaml import load_yaml

    data, node = load_yaml(Path(path))
    return engagement_in(data, node, path, language)[2]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
