"""The report's copy of a stored assessment in the user's cache: where it goes, kept private, and deleted when the
store forgets a respondent or anonymises an assessment."""

from __future__ import annotations

import os
from pathlib import Path


def input_folder(store_url: str) -> Path:
    """Where a stored assessment is written as report input: one folder per store in the user's cache.

    Never inside a report's output folder, which is what a consultant hands over: the input holds every
    respondent's answers and comments, approved or not.
    """
    import hashlib

    from platformdirs import user_cache_path

    return user_cache_path("pmo-workbench") / "store-exports" / hashlib.sha256(store_url.encode()).hexdigest()[:16]


def _private_folder(folder: Path) -> None:
    """Create ``folder`` (and a missing ``store-exports`` parent) readable by its owner only (0700)."""
    for one in (folder.parent, folder) if folder.parent.name == "store-exports" else (folder,):
        one.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(one, 0o700)


def _inputs_of(folder: Path, assessment_id: int) -> list[Path]:
    """The files :func:`report_input` writes for one assessment in ``folder`` (answers, instrument, engagement,
    logos, an unfinished export)."""
    if not folder.is_dir():
        return []
    stem = f"assessment-{int(assessment_id)}"
    return sorted(p for p in folder.iterdir() if p.name in (f"{stem}.csv", f".{stem}.new.csv")
                  or p.name.startswith(f"{stem}-") or p.name.startswith(f".{stem}.csv."))


def forget_inputs(store_url: str, assessment_id: int) -> list[Path]:
    """Delete what :func:`report_input` wrote of an assessment to the user's cache (:func:`input_folder`): after a
    respondent is forgotten or the assessment anonymised, no copy of the old answers, comments or labels is kept.
    Returns the files deleted."""
    gone = []
    for path in _inputs_of(input_folder(store_url), assessment_id):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        gone.append(path)
    return gone
