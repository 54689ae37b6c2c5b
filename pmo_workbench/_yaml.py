"""Read YAML files and place pydantic validation errors on their lines.

Beyond what YAML itself refuses, :func:`load_yaml` rejects what a YAML loader
would silently accept with a changed meaning: a key given twice in one mapping
(the last one would win) and control characters in texts (PyYAML refuses raw
ones but lets escapes such as ``"\\x01"`` through).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pydantic
import yaml

from ._memo import cached
from ._values import CONTROL_IN_YAML, control_message, date_expected, date_message, date_problem
from .errors import InputValidationError, Problem

# libyaml's parser when PyYAML was built with it: the same documents, several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Return the parsed document and its node tree (for line numbers): a document of its own for each call
    (the caller may change it), the node tree shared (never to be changed).

    Raises
    ------
    InputValidationError
        When the file cannot be read or is not valid YAML, when a mapping gives
        a key twice (merge keys ``<<`` excepted: their keys may be overridden),
        or when a text or key holds a control character other than a tab or a
        newline; each problem located by line and column.
    """
    data, node = cached(path, ("yaml", str(path)), lambda: _read_yaml(Path(path)))
    return copy.deepcopy(data), node


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputValidationError([Problem(str(path), None, None, f"cannot read file: {exc}")]) from exc
    node = None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise InputValidationError([Problem(str(path), row, col, f"not valid YAML: {reason}")]) from exc
    except (ValueError, OverflowError) as exc:  # a well-formed scalar that cannot be built: 2026-02-30
        raise InputValidationError(_unbuildable(str(path), node, exc)) from exc
    if data is None:
        raise InputValidationError([Problem(str(path), None, None, "file is empty; expected a YAML mapping")])
    problems = _node_problems(str(path), node)
    if problems:
        raise InputValidationError(problems)
    return data, node


_MERGE = "tag:yaml.org,2002:merge"


def _unbuildable(where: str, root: yaml.Node | None, exc: Exception) -> list[Problem]:
    """The scalars YAML reads as a date, time or number that cannot be built (``2026-02-30``), located."""
    constructor = yaml.constructor.SafeConstructor()
    found: list[Problem] = []
    stack: list[tuple[yaml.Node | None, str | None]] = [(root, None)]
    while stack:
        node, key = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node)
            except (ValueError, OverflowError, yaml.YAMLError) as why:
                message = None
                if node.tag.endswith(":timestamp"):  # 2026-02-30, or a time of day that cannot be (25:00)
                    message = date_problem(node.value)[1] or date_message(
                        node.value, "is not a real date and time", date_expected())
                message = message or f"'{node.value}' cannot be read ({why})"
                found.append(Problem(where, node.start_mark.line + 1, node.start_mark.column + 1,
                                     f"{key}: {message}" if key else message))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, key) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            for name, value in node.value:
                stack.extend(((name, key), (value, name.value if isinstance(name, yaml.ScalarNode) else key)))
    return found or [Problem(where, None, None, f"a value cannot be read ({exc})")]


def _key_of(node: yaml.ScalarNode, constructor: yaml.constructor.SafeConstructor) -> object:
    """The dictionary key PyYAML makes of ``node``: ``1``, ``0x1`` and ``true`` are one key, ``1`` and ``"1"`` two."""
    try:
        key = constructor.construct_object(node)
        hash(key)
    except (yaml.YAMLError, TypeError, ValueError):
        return node.tag, node.value  # scalars give no tuples: this cannot meet a constructed key
    return key


def _lines(marks: list[yaml.Mark]) -> str:
    lines = [m.line + 1 for m in marks]
    times = "twice" if len(lines) == 2 else f"{len(lines)} times"
    if len(set(lines)) == 1:
        return f"{times} on line {lines[0]}"
    return f"{times}: lines {', '.join(str(n) for n in lines[:-1])} and {lines[-1]}"


def _node_problems(where: str, root: yaml.Node | None) -> list[Problem]:
    """Keys given twice and control characters, anywhere under ``root``."""
    problems: list[Problem] = []

    def add(mark: yaml.Mark, message: str) -> None:
        problems.append(Problem(where, mark.line + 1, mark.column + 1, message))

    constructor = yaml.constructor.SafeConstructor()
    seen: set[int] = set()  # an alias is the node it names: walk it once
    stack: list[tuple[yaml.Node | None, str]] = [(root, "")]
    while stack:
        node, at = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            found = control_message(at or "the document", node.value, CONTROL_IN_YAML)
            if found:
                add(node.start_mark, found)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, f"{at}.{i}" if at else str(i)) for i, child in enumerate(node.value))
        elif isinstance(node, yaml.MappingNode):
            keys: dict[object, list[yaml.ScalarNode]] = {}
            for key, value in node.value:
                if key.tag == _MERGE:
                    stack.append((value, at))
                    continue
                if isinstance(key, yaml.ScalarNode):
                    found = control_message(f"a key of {at or 'the document'}", key.value, CONTROL_IN_YAML)
                    if found:
                        add(key.start_mark, found)
                    keys.setdefault(_key_of(key, constructor), []).append(key)
                    stack.append((value, f"{at}.{key.value}" if at else key.value))
                else:
                    stack.extend(((key, at), (value, at)))
            for same in keys.values():
                if len(same) > 1:
                    add(same[1].start_mark, f"key {same[0].value!r} appears {_lines([k.start_mark for k in same])}")
    return problems


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


def as_written(node: yaml.Node | None, loc: tuple[Any, ...]) -> str | None:
    """The text of the scalar at ``loc`` exactly as the file writes it (``1.10`` stays ``"1.10"``, not the float
    1.1), or ``None`` when there is no scalar there."""
    best = node
    for key in loc:
        if not isinstance(best, yaml.MappingNode):
            return None
        best = next((v for k, v in best.value if k.value == str(key)), None)
    return best.value if isinstance(best, yaml.ScalarNode) else None


def problems_from_pydantic(path: Path, node: yaml.Node | None, exc: pydantic.ValidationError) -> list[Problem]:
    """Turn each pydantic error into a located :class:`Problem`."""
    problems = []
    errors = exc.errors()
    # Not a mapping at all: some other kind of file, whose text is never echoed.
    if any(not err["loc"] and err["type"] in ("model_type", "dict_type") for err in errors):
        return [Problem(str(path), None, None, "not a YAML mapping of the expected keys (is this the right file?)")]
    top = [str(k.value) for k, _ in node.value] if isinstance(node, yaml.MappingNode) else []
    unexpected = {str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden" and len(e["loc"]) == 1}
    if top and set(top) <= unexpected:
        # Not one key the file should have: another kind of file. Its text (say, a password file) is not echoed.
        return [Problem(str(path), None, None, f"none of its {len(top)} top-level keys is one this file takes "
                        "(is this the right file?)")]
    for err in errors:
        loc = tuple(err["loc"])
        row, col = locate(node, loc)
        where = _short(".".join(str(part) for part in loc))
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list)) else f" (got {_short(repr(value))})"
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        problems.append(Problem(str(path), row, col, f"{where}: {msg}{shown}"))
    return problems


def _short(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters: a message names a value, it does not copy a file."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
