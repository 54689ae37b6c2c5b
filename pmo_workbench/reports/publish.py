"""Putting a batch's reports in place without ever losing a good one, and remembering what each was made from.

A report's files are staged in a work folder and moved into the output folder
only once every format is complete (:func:`publish`): the old files are set
aside first and come back if any move fails, so a full disk, a permission or a
folder in the way leaves the previous report exactly as it was, and marks only
this report failed.

What each published report was made from (its fingerprint) is kept in one
small file per report under :data:`STATE_DIR`, written as soon as the report is
published (:func:`save_entry`). Before its files move, the report's entry is
cleared: a batch killed between the two can only leave a report that the next
run renders again, never one that passes for inputs it was not made from.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .._io import write_text
from ..errors import FileError
from .execute import ReportOutcome
from .spec import FORMATS

STATE_DIR = ".pmo-workbench-batch"
"""Folder (inside the output folder) with one JSON file per report: fingerprint, formats, records."""
LEGACY_STATE_FILE = ".pmo-workbench-batch.json"
"""The single state file of earlier versions; read once, then replaced by :data:`STATE_DIR`."""
_ASIDE = ".previous"
LOCK_FILE = ".pmo-workbench.lock"
"""The file (inside the output folder) a batch holds locked while it runs."""
INDEX_NAME = "index"
"""The batch index, ``index.html``."""
FAILED_DIR = "failed"
"""The folder of failed reports' executed notebooks."""
RESERVED_NAMES = (INDEX_NAME, FAILED_DIR, STATE_DIR, LOCK_FILE, LEGACY_STATE_FILE)
"""What a batch writes into its output folder itself: no report may be named so."""


def _plain(text: str) -> str:
    """A name as the batch would write it: a slug, whatever its case, leading dot and punctuation."""
    from .spec import slugify

    return slugify(text.strip().lstrip("."))


_RESERVED = {form: n for n in RESERVED_NAMES for form in (_plain(n), _plain(n.lstrip(".").rsplit(".", 1)[0]))}
_WHAT = {INDEX_NAME: "the batch index (index.html)", FAILED_DIR: "the folder of failed reports' notebooks",
         LOCK_FILE: "the batch's lock file"}


def reserved_name(given: str | None, name: str) -> str | None:
    """Why a report may not have this output name (``None`` when it may): ``name`` is its file name (a slug),
    ``given`` what the manifest asked for. A name is refused whatever its letter case, with or without an
    extension or a leading dot: ``index``, ``INDEX``, ``Index.html``, ``failed``, ``.pmo-workbench.lock``."""
    for text in (name, *((given, given.rsplit(".", 1)[0]) if given and given.strip() else ())):
        if text.strip() and (clash := _RESERVED.get(_plain(text))) is not None:
            shown = repr(name) if not given or given.strip() == name else f"{given.strip()!r} (file name {name!r})"
            return (f"the output name {shown} is reserved for {_WHAT.get(clash, 'the batch record of its reports')}; "
                    f"give the report another name (reserved, in any letter case and with any extension: "
                    f"{', '.join(RESERVED_NAMES)})")
    return None


def _entry_path(out_dir: Path, name: str) -> Path:
    # Report names are slugs, but a file name from a hash cannot clash or escape whatever the name.
    return out_dir / STATE_DIR / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.json"


def load_state(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Every report's last entry: ``{name: {"fingerprint", "status", "formats", "records", "charts"}}``."""
    state: dict[str, dict[str, Any]] = {}
    with contextlib.suppress(OSError, ValueError):
        legacy = json.loads((out_dir / LEGACY_STATE_FILE).read_text(encoding="utf-8"))
        if isinstance(legacy, dict):
            state.update({k: v for k, v in legacy.items() if isinstance(v, dict)})
    folder = out_dir / STATE_DIR
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            with contextlib.suppress(OSError, ValueError):
                entry = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                    state[entry["name"]] = entry
    return state


def save_entry(out_dir: Path, name: str, entry: Mapping[str, Any] | None) -> None:
    """Write (or, with ``None``, clear) one report's entry, atomically; the legacy file goes once migrated."""
    path = _entry_path(out_dir, name)
    if entry is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    write_text(path, json.dumps({"name": name, **entry}, indent=1, sort_keys=True))


def migrate_legacy_state(out_dir: Path, state: Mapping[str, Mapping[str, Any]]) -> None:
    """Write the entries of an earlier version's single state file one per report, then remove it."""
    legacy = out_dir / LEGACY_STATE_FILE
    if not legacy.is_file():
        return
    for name, entry in state.items():
        if not _entry_path(out_dir, name).exists():
            save_entry(out_dir, name, {k: v for k, v in entry.items() if k != "name"})
    legacy.unlink()


def entry_of(outcome: ReportOutcome, formats: Sequence[str]) -> dict[str, Any]:
    """The state entry of a published (or failed) report, with the hash of each file as written."""
    hashes = {}
    for fmt, path in outcome.files.items():
        with contextlib.suppress(OSError):
            hashes[fmt] = _digest(Path(path))
    return {"fingerprint": outcome.fingerprint, "status": "rendered" if outcome.status != "failed" else "failed",
            "formats": sorted(formats), "records": dict(outcome.records), "charts": outcome.charts,
            "hashes": hashes}


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def keep_edited(path: Path, written: str | None) -> Path | None:
    """Set aside a file changed since the batch wrote it (a Word document or deck a consultant edited).

    ``written`` is the hash recorded when the file was published (``None``:
    nothing recorded, so nothing is known to be an edit). A file that differs
    from it is renamed ``<name>.edited-<YYYYMMDD-HHMMSS>.<ext>`` and that path
    returned; an unchanged or missing file gives ``None``.
    """
    import datetime as dt

    if written is None or not path.is_file():
        return None
    try:
        if _digest(path) == written:
            return None
        stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
        kept = path.with_name(f"{path.stem}.edited-{stamp}{path.suffix}")
        number = 1
        while kept.exists():  # an earlier edit kept in the same second is never overwritten
            number += 1
            kept = path.with_name(f"{path.stem}.edited-{stamp}-{number}{path.suffix}")
        os.replace(path, kept)
    except OSError:
        return None
    return kept


def publish(outcome: ReportOutcome, out_dir: Path, formats: Sequence[str], *, keep_old: bool,
            written: Mapping[str, str] | None = None) -> ReportOutcome:
    """Move a rendered report's staged files into place, all or none; after a failure, decide about the old files.

    A rendered report's old files are moved aside, the new ones moved in, and
    the old ones removed only once every new file is in place. If a move fails
    (a full disk, a permission, a folder in the way), what was moved is undone,
    the old files come back, and the outcome is ``"failed"`` with the reason.

    A failed report keeps its old files when ``keep_old`` (they are a good
    report of the same inputs, or the failure was the machine's, not the
    report's); otherwise they are removed, so that a report of earlier inputs
    never passes for this run's.

    ``written`` holds the hash of each file as the batch last wrote it: a file
    changed since (a consultant edited the Word document) is never replaced or
    removed but renamed by :func:`keep_edited`, and named in ``kept``.
    """
    written = written or {}
    kept = tuple(str(k) for fmt in FORMATS
                 if (k := keep_edited(out_dir / f"{outcome.name}.{fmt}", written.get(fmt))) is not None)
    outcome = replace(outcome, kept=outcome.kept + kept)
    if outcome.status != "rendered":
        if not keep_old:
            for fmt in FORMATS:
                with contextlib.suppress(OSError):
                    (out_dir / f"{outcome.name}.{fmt}").unlink(missing_ok=True)
        return outcome
    missing = [fmt for fmt in formats if fmt not in outcome.files]
    if missing:  # a renderer that staged less than was asked for: nothing is moved, the old files stay
        return replace(outcome, status="failed", files={}, error=f"{outcome.organisation}: no {', '.join(missing)} "
                       "file was made; the previous report, if any, was left as it was")
    targets = {fmt: out_dir / f"{outcome.name}.{fmt}" for fmt in formats}
    aside: dict[str, Path] = {}
    placed: list[str] = []
    try:
        for fmt, target in targets.items():
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "a folder is in the way", str(target))
            if target.exists():
                aside[fmt] = target.with_name(f".{target.name}{_ASIDE}")
                os.replace(target, aside[fmt])
        for fmt, target in targets.items():
            os.replace(outcome.files[fmt], target)
            placed.append(fmt)
    except BaseException as exc:  # an OSError, or Ctrl-C between two moves: the old report comes back whole
        for fmt in placed:
            with contextlib.suppress(OSError):
                targets[fmt].unlink()
        for fmt, old in aside.items():
            with contextlib.suppress(OSError):
                os.replace(old, targets[fmt])
        if not isinstance(exc, OSError):
            raise
        error = FileError.from_os_error("write", exc.filename or out_dir, exc)
        return replace(outcome, status="failed", files={}, error=f"{outcome.organisation}: {error}; the "
                       "previous report, if any, was left as it was", environment=True)
    for old in aside.values():
        with contextlib.suppress(OSError):
            old.unlink()
    for fmt in set(FORMATS) - set(formats):  # formats not asked for this time would be stale
        with contextlib.suppress(OSError):
            (out_dir / f"{outcome.name}.{fmt}").unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        (out_dir / "failed" / f"{outcome.name}.ipynb").unlink(missing_ok=True)
    return replace(outcome, files={fmt: str(t) for fmt, t in targets.items()})
