"""Read YAML files and place pydantic validation errors on their lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import yaml

from .errors import InputValidationError, Problem

# libyaml's parser when PyYAML was built with it: the same documents, several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Return the parsed document and its node tree (for line numbers).

    Raises
    ------
    InputValidationError
        When the file cannot be read or is not valid YAML.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputValidationError([Problem(str(path), None, None, f"cannot read file: {exc}")]) from exc
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputValidationError([Problem(str(path), row, col, f"not valid YAML: {reason}")]) from exc
    if data is None:
        raise InputValidationError([Problem(str(path), None, None, "file is empty; expected a YAML mapping")])
    return data, node


def locate(node: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[int | None, int | None]:
    """Line and column (1-based) of the deepest node of ``loc`` found in ``node``."""
    best = node
    for key in loc:
        if isinstance(best, yaml.MappingNode):
            nxt = next((v for k, v in best.value if k.value == str(key)), None)
        elif isinstance(best, yaml.SequenceNode) and isinstance(key, int) and key < len(best.value):
            nxt = best.value[key]
        else:
            nxt = None
        if nxt is None:
            break
        best = nxt
    if best is None:
        return None, None
    return best.start_mark.line + 1, best.start_mark.column + 1


def problems_from_pydantic(path: Path, node: yaml.Node | None, exc: pydantic.ValidationError) -> list[Problem]:
    """Turn each pydantic error into a located :class:`Problem`."""
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        row, col = locate(node, loc)
        where = ".".join(str(part) for part in loc) or "document"
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list)) else f" (got {value!r})"
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        problems.append(Problem(str(path), row, col, f"{where}: {msg}{shown}"))
    return problems
