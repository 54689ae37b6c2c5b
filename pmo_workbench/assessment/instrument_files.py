"""Where instruments are: the built-in ones by id (``pmo-core``, ``pmo-core@1.0``), any other by path."""

from __future__ import annotations

from pathlib import Path

from .._yaml import load_yaml, locate
from ..errors import InputValidationError, InstrumentNotFoundError, Problem
from ..resources import templates_dir


def builtin_instruments() -> dict[str, Path]:
    """Built-in instrument ids mapped to their files.

    ``pmo-core`` is the current version; an older version kept loadable is
    listed as ``pmo-core@1.0`` (its file is ``pmo-core@1.0.yaml``).
    """
    folder = templates_dir() / "instruments"
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def _builtin_path(spec: str, builtins: dict[str, Path]) -> Path | None:
    """The file of a built-in ``id`` or ``id@version`` (the current file serves its own version too)."""
    if spec in builtins:
        return builtins[spec]
    base, at, version = spec.partition("@")
    if at and base in builtins:
        current, _ = load_yaml(builtins[base])
        if isinstance(current, dict) and str(current.get("version")) == version:
            return builtins[base]
    return None


def builtin_file(spec: str) -> Path | None:
    """The file of a built-in instrument named ``id`` or ``id@version``, or ``None`` when there is none."""
    return _builtin_path(str(spec), builtin_instruments())


def instrument_path(spec: str | Path) -> Path:
    """The file of an instrument given by built-in id (``pmo-core``, ``pmo-core@1.0``) or by path.

    Raises
    ------
    InstrumentNotFoundError
        When ``spec`` is neither an existing file nor a built-in id.
    """
    path = Path(spec)
    if not path.is_file():
        builtins = builtin_instruments()
        found = _builtin_path(str(spec), builtins)
        if found is None:
            raise InstrumentNotFoundError(str(spec), tuple(builtins))
        path = found
    return path


def refuse_competency(path: Path, data: object, node) -> None:
    """Raise, located at its ``kind``, when ``data`` is a competency instrument: it rates people, not a PMO."""
    if isinstance(data, dict) and data.get("kind") == "competency":
        line, column = locate(node, ("kind",))
        raise InputValidationError([Problem(str(path), line, column, "a competency instrument (kind: competency) "
                                            "rates project managers, not a PMO: use it with 'pmo-workbench "
                                            "competency' and the competency reports")])
