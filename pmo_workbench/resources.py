"""Where the bundled templates, notebooks and sample data live.

In a source checkout they sit at the top level of the repository; a wheel
carries them inside the package under ``_data/``. Both are resolved here, once,
so the rest of the package never guesses.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _resolve(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"pmo-workbench cannot find its '{name}' folder; reinstall the package"
    )


def templates_dir() -> Path:
    """The folder holding instruments, recommendation libraries and report templates."""
    return _resolve("templates")


def notebooks_dir() -> Path:
    """The folder holding the report notebooks."""
    return _resolve("notebooks")


def examples_dir() -> Path:
    """The folder holding the sample organisations' data."""
    return _resolve("examples")
