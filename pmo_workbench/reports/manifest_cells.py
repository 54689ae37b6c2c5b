"""Manifest cells that hold more than one value (a ``store`` value's database file, a ``history`` cell's earlier
workbooks and their status dates) and names no file can have."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .._safety import FileSafetyError, resolve_inside
from .._values import date_problem
from .spec import _absolute


def store_file(store: str) -> str | None:
    """The file a manifest's ``store`` value names: the path itself, or the database file of a SQLite URL
    (``file:`` URIs included); ``None`` for a server database or an in-memory one."""
    if "://" not in store:
        return store
    import sqlalchemy as sa

    try:
        url = sa.make_url(store)
    except Exception:  # noqa: BLE001 - an unusable URL is reported when the store is opened
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    database = url.database
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    return database or None


def history_entries(value: Any, base: Path, allowed: tuple[Path, ...]) -> tuple[dict[str, str | None], list[str]]:
    """A ``history`` cell's earlier workbooks and their status dates, and what is wrong with it.

    The cell is ``PATH=YYYY-MM-DD`` entries separated by ``;`` (CSV) or a mapping ``{path: date}`` (YAML); each
    path must exist and lie where the manifest's files may. An entry without a date (``PATH``, ``{path: null}``)
    takes the earlier workbook's own status date (its about sheet) when the report reads it.
    """
    if isinstance(value, (list, tuple)):
        return {}, [f"{[str(v) for v in value]!r} is a list; expected a mapping of earlier workbooks to their status "
                    "dates ({path: YYYY-MM-DD}, a blank date for the workbook's own)"]
    if isinstance(value, dict):
        pairs = [(str(k), v) for k, v in value.items()]  # a date, a text or what YAML made of a mistake
    else:
        pairs = [part.strip().rpartition("=")[::2] if "=" in part else (part, None)
                 for part in str(value).split(";") if part.strip()]
    entries: dict[str, str | None] = {}
    problems = []
    for file, date in pairs:
        if not file.strip():
            problems.append(f"{date!r} names no workbook; expected PATH=YYYY-MM-DD, separated by ';'")
            continue
        when, message = date_problem(date.strip() if isinstance(date, str) else date,
                                     expected="PATH=YYYY-MM-DD, a date from 1950 to 2150")
        if message is not None:
            problems.append(f"{file.strip()}: {message}")
            continue
        entries[file.strip()] = None if when is None else when.isoformat()  # None: the workbook's own date
        try:
            resolve_inside(file.strip(), base, allowed=allowed)
        except FileSafetyError as exc:
            problems.append(str(exc))
            continue
        if not Path(_absolute(file.strip(), base)).exists():
            problems.append(f"workbook or folder not found: {file.strip()}")
    return entries, problems


_NAME_MAX = 255
"""The longest name of one file or folder, in bytes, on the file systems this runs on."""
_PATH_MAX = 4096
"""The longest path, in bytes, the operating system takes."""


def unusable_name(value: str) -> str | None:
    """Why ``value`` can name no file anywhere (a NUL character, a name or path longer than any system takes), so
    that looking it up would fail with an operating-system error instead of "not found"; ``None`` when it can.

    >>> unusable_name("responses.csv") is None, unusable_name("a\\x00b")
    (True, 'holds a NUL character, which no file name can')
    """
    if "\x00" in value:
        return "holds a NUL character, which no file name can"
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > _PATH_MAX:
        return f"a path of {size} bytes; the system takes {_PATH_MAX} at most"
    longest = max((len(part.encode("utf-8", "surrogatepass")) for part in re.split(r"[/\\]", value)), default=0)
    if longest > _NAME_MAX:
        return f"names a file or folder of {longest} bytes; a name may have {_NAME_MAX} at most"
    return None
