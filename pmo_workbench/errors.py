"""The exception hierarchy of pmo-workbench.

Every error the package raises on purpose derives from :class:`PmoWorkbenchError`.
Each class passes all of its arguments to ``super().__init__`` so that instances
pickle across process pools (batches run reports in worker processes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters that would break a problem's one line or act on a terminal: every control character (C0, DEL, C1,
tabs and line breaks among them) and the Unicode line and paragraph separators."""


def one_line(text: str) -> str:
    """``text`` with every control character and line separator written as its escape (``\\n``, ``\\x1b``,
    ``\\u2028``), so that a value quoted from a cell keeps a message on one line and cannot move a terminal's cursor.

    >>> one_line("a\\nb\\x1b[31m")
    'a\\\\nb\\\\x1b[31m'
    """
    return _LINE_BREAKING.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located as a spreadsheet shows it.

    ``row`` is the row number a spreadsheet shows (header = row 1) or, for YAML
    files, the line number; ``column`` is the column header (or YAML column).
    Either may be ``None`` when the problem concerns the whole file.
    """

    path: str
    row: int | None
    column: str | int | None
    message: str

    def __post_init__(self) -> None:
        # A message quotes what a cell held, and a cell may hold a line break or a terminal escape: each problem
        # stays one line (`path:row:column: message`) whatever the input.
        for name in ("path", "column", "message"):
            value = getattr(self, name)
            if isinstance(value, str) and _LINE_BREAKING.search(value):
                object.__setattr__(self, name, one_line(value))

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        column = "-" if self.column is None or self.column == "" else str(self.column)
        return f"{self.path}:{row}:{column}: {self.message}"


class PmoWorkbenchError(Exception):
    """Raised when pmo-workbench cannot do what was asked; the root of all its errors."""


class InputValidationError(PmoWorkbenchError):
    """Raised when an input file (responses, instrument, library) has problems.

    Carries every problem found, not only the first, in ``problems``.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        problems = tuple(sorted(problems, key=_problem_order))
        super().__init__(problems)
        self.problems = problems

    @property
    def path(self) -> str | None:
        """The file of the first problem, if any."""
        return self.problems[0].path if self.problems else None

    def __str__(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} found"
        return head + ":\n" + "\n".join(str(p) for p in self.problems)


class InstrumentNotFoundError(PmoWorkbenchError):
    """Raised when an instrument id or path matches no instrument file."""

    def __init__(self, name: str, available: tuple[str, ...] = (), hint: str | None = None):
        super().__init__(name, available, hint)
        self.name = name
        self.available = tuple(available)
        self.hint = hint

    def __str__(self) -> str:
        known = ", ".join(self.available) or "none"
        why = f"{self.hint}; " if self.hint else ""
        return (
            f"no instrument '{self.name}': {why}give the path of an instrument YAML file "
            f"or one of the built-in ids ({known})"
        )


class StoreError(PmoWorkbenchError):
    """Raised when the assessment store cannot do what was asked (unknown id, bad value, schema not at head)."""


class NoAnswersError(StoreError):
    """Raised when a stored assessment asked for scores or a report has no answers yet (respondents invited or
    added, nobody answered); the assessment itself is valid.

    ``assessment_ids`` are the assessments without answers (one or several).
    """

    def __init__(self, assessment_ids: int | tuple[int, ...] | list[int]):
        ids = (int(assessment_ids),) if isinstance(assessment_ids, int) else tuple(int(a) for a in assessment_ids)
        super().__init__(ids)
        self.assessment_ids = ids

    def __str__(self) -> str:
        if len(self.assessment_ids) == 1:
            return f"assessment {self.assessment_ids[0]} has no answers yet"
        return f"assessments {', '.join(map(str, self.assessment_ids))} have no answers yet"


class ReportError(PmoWorkbenchError):
    """Raised when a report's notebook failed to execute; names the organisation, the cell and the error."""

    def __init__(self, message: str, organisation: str = "", cell: int | None = None, ename: str = "",
                 evalue: str = "", notebook: str | None = None):
        super().__init__(message, organisation, cell, ename, evalue, notebook)
        self.organisation = organisation
        self.cell = cell
        self.ename = ename
        self.evalue = evalue
        self.notebook = notebook

    def __str__(self) -> str:
        return self.args[0]


class ReportParameterError(PmoWorkbenchError):
    """Raised when parameters do not match a notebook's ``parameters`` cell (checked before execution)."""


class PdfUnavailableError(PmoWorkbenchError):
    """Raised when PDF is asked for but no Chromium (or the ``pdf`` extra) can be found or started."""


class KernelStartError(PmoWorkbenchError):
    """Raised when the report kernel template cannot be started or cannot fork a kernel."""


class ClusterError(PmoWorkbenchError):
    """Raised when a batch cannot run on the Dask cluster it was given: a malformed ``--cluster`` value, a scheduler
    that cannot be reached, no worker, or workers running another version of the package (exit 2, before any
    report runs)."""


class UnsavedAnswersError(PmoWorkbenchError):
    """Raised when a form is closed while answers it could not write to the store are still pending."""


class FileError(PmoWorkbenchError):
    """Raised when a file or folder cannot be read or written; says which, and why, in one line.

    ``errno`` is the operating system's error number (``None`` when unknown): the
    command line tells a bad path (exit 2) from a failing machine (a full disk,
    an I/O error: exit 1) by it.
    """

    def __init__(self, action: str, path: str, reason: str, errno: int | None = None):
        super().__init__(action, path, reason, errno)
        self.action, self.path, self.reason, self.errno = action, path, reason, errno

    @classmethod
    def from_os_error(cls, action: str, path: object, exc: OSError) -> FileError:
        """The error for ``exc``, raised while trying to ``action`` ``path``."""
        return cls(action, str(path), exc.strerror or str(exc), exc.errno)

    def __str__(self) -> str:
        return f"cannot {self.action} {self.path}: {self.reason}"


class MissingExtraError(PmoWorkbenchError):
    """Raised when a feature needs an optional part of the install (an extra) that is not installed."""

    def __init__(self, extra: str, feature: str, module: str = ""):
        super().__init__(extra, feature, module)
        self.extra, self.feature, self.module = extra, feature, module

    def __str__(self) -> str:
        missing = f" ({self.module} is not installed)" if self.module else ""
        return (f"{self.feature} needs the '{self.extra}' extra{missing}: "
                f"pip install 'pmo-workbench[{self.extra}]'")


def _problem_order(problem: Problem) -> tuple:
    return (
        problem.path,
        problem.row if problem.row is not None else -1,
        str(problem.column or ""),
        problem.message,
    )


class FileSafetyError(PmoWorkbenchError, ValueError):
    """Raised when a file the user named is refused as unsafe or unusable (a logo, a path leaving its folder)."""


class ImageFileError(FileSafetyError):
    """Raised when a file is not an acceptable image (type, extension, size, unsafe SVG content).

    Parameters
    ----------
    path
        The file, as it was checked.
    reason
        What is wrong with it, a sentence without the path.
    """

    def __init__(self, path: str | Path, reason: str):
        super().__init__(path, reason)
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class OutsideFolderError(FileSafetyError):
    """Raised when a path resolves outside the folder it must stay in (and outside every allowed folder).

    Parameters
    ----------
    path
        The path as the user wrote it.
    resolved
        Where it resolves to (absolute, symlinks followed).
    folder
        The folder it must stay in (resolved).
    allowed
        The other folders it was allowed in (resolved).
    """

    def __init__(self, path: str | Path, resolved: Path, folder: Path, allowed: tuple[Path, ...] = ()):
        super().__init__(path, resolved, folder, allowed)
        self.path = str(path)
        self.resolved = resolved
        self.folder = folder
        self.allowed = tuple(allowed)

    def __str__(self) -> str:
        where = f"outside {self.folder}"
        if self.allowed:
            where += " and outside the allowed folder" + ("s " if len(self.allowed) > 1 else " ")
            where += ", ".join(str(a) for a in self.allowed)
        return (f"{self.path} resolves to {self.resolved}, {where}; files named here must stay inside "
                f"{self.folder} (symlinks are followed). To use a file elsewhere, pass --allow-outside PATH naming the "
                "folder that holds it.")
