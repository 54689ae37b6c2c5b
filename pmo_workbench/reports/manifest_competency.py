"""Batch manifests: the checks of a competency or profile row, and of a positioning row's competency summary
(see :func:`.manifest.read_manifest`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputValidationError, PmoWorkbenchError, Problem
from .manifest import _is_file_name
from .spec import _absolute


def _cohort_problems(exc: InputValidationError, manifest: Path, where: int | None) -> list[Problem]:
    """A competency input's problems as the manifest cell's: the organisation, cohort or subject cell when the
    problem is one of these, else the problem in its own file (a ratings or engagement file's own line)."""
    cells = ("organisation", "cohort", "subject")
    return [Problem(str(manifest), where, p.column, f"{p.message} (in {Path(p.path).name})") if p.column in cells
            and p.row is None else p for p in exc.problems]


def check_cohort(item: Any, base: Path, manifest: Path, where: int | None
                  ) -> tuple[list[str], list[Problem]] | None:
    """A competency or profile row's cohort (and person): in the ratings, large enough for a cohort report, the
    engagement's ``competency:`` block valid. Returns the people of the cohort and the problems found; ``None``
    when the row's files are missing (reported by their cells)."""
    from ..assessment.competency_report import competency_input

    responses = _absolute(item.responses, base)
    engagement = _absolute(item.engagement, base) if item.engagement else None
    if not Path(responses).is_file() or (engagement and not Path(engagement).is_file()):
        return None
    subject = None if item.report == "competency" or item.subject == "*" else item.subject
    instrument = item.instrument if not _is_file_name(item.instrument) else _absolute(item.instrument, base)
    if _is_file_name(item.instrument) and not Path(instrument).is_file():
        return None
    try:
        data = competency_input(responses, item.organisation, item.cohort, instrument=instrument,
                                engagement=engagement, subject=subject, cohort_report=item.report == "competency")
    except InputValidationError as exc:
        return [], _cohort_problems(exc, manifest, where)
    except PmoWorkbenchError as exc:
        return [], [Problem(str(manifest), where, "instrument", str(exc))]
    if item.library is not None and Path(_absolute(item.library, base)).is_file():
        from ..assessment.competency_library import load_development_library

        try:
            load_development_library(_absolute(item.library, base), instrument=data.instrument)
        except InputValidationError as exc:
            return [], list(exc.problems)
    return [str(s) for s in data.people["subject"]], []


def check_competency_summary(item: Any, base: Path, manifest: Path, where: int | None) -> list[Problem]:
    """A positioning row's competency summary: its ratings hold the row's organisation and the cohort (given, or
    the organisation's only one)."""
    from ..assessment.competency_summary import cohort_summary

    responses = _absolute(item.competency, base)
    if not Path(responses).is_file():
        return []
    try:
        cohort_summary(responses, item.organisation, item.competency_cohort)
    except InputValidationError as exc:
        return [Problem(str(manifest), where, "competency_cohort" if p.column == "cohort" else "competency",
                        f"{p.message} (in {Path(p.path).name})") if p.row is None else p for p in exc.problems]
    return []
