"""Writing output files so that a failure never leaves half a file behind, nor a formula a spreadsheet would run.

An operating-system error while writing (a full disk, a missing permission, a
parent that is a file) becomes one :class:`~pmo_workbench.errors.FileError`
naming the target, and the target is left as it was. Every CSV and XLSX
writer of the package neutralises cells that a spreadsheet program would take
for a formula (:func:`neutralise`, :func:`write_csv`, :func:`text_cell`); the
readers undo exactly that (:func:`restore`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from .errors import FileError


@contextlib.contextmanager
def atomic_path(target: str | Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place only on success.

    A symlink is written through (its target is replaced, the link stays); a
    device, pipe or socket at ``target`` is refused rather than replaced. The
    file gets ``mode`` (e.g. ``0o600`` for a file holding secrets: private from
    its first byte) or, by default, the mode any new file gets here (umask).

    >>> with atomic_path("out.json") as tmp:          # doctest: +SKIP
    ...     tmp.write_text("{}")
    """
    given = Path(target)
    target = given.resolve() if given.is_symlink() else given
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
        if target.exists() and not target.is_file():
            raise OSError(errno.EINVAL, "not a regular file (a device, pipe or socket is never replaced)",
                          str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise FileError.from_os_error("write", target, exc) from None
    tmp = Path(name)
    try:
        try:
            yield tmp
            # mkstemp makes the file private; give it the mode asked for, else the one any new file gets (umask).
            os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
            os.replace(tmp, target)
        except OSError as exc:
            raise FileError.from_os_error("write", target, exc) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(target: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically and return the path."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(target)


def write_with(target: str | Path, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and move the result into place atomically."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


@contextlib.contextmanager
def captured_output(logger_name: str) -> Iterator[None]:
    """Capture what code below Python (C, C++) writes to file descriptors 1 and 2, and log it at DEBUG.

    Solver libraries print diagnostics straight to the terminal, which would
    mix them into JSON on standard output or a user's screen; here they go to
    ``logging.getLogger(logger_name)`` instead (the command line shows them
    with ``--debug``). Python's own buffers are flushed first, so what was
    printed before still arrives, in order. Not thread-safe: descriptors belong
    to the process. Without usable descriptors nothing is captured.
    """
    import logging
    import sys

    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):  # closed or broken stream: nothing to keep in order
                stream.flush()
    try:
        saved = (os.dup(1), os.dup(2))
    except OSError:
        yield
        return
    with tempfile.TemporaryFile() as sink:
        try:
            os.dup2(sink.fileno(), 1)
            os.dup2(sink.fileno(), 2)
            yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            text = sink.read().decode("utf-8", "replace")
            log = logging.getLogger(logger_name)
            for line in text.splitlines():
                if line.strip():
                    log.debug("%s", line)


# -- formula injection -------------------------------------------------------

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet program read a cell as a formula (OWASP CSV injection)."""


def neutralise(text: str) -> str:
    """Text that no spreadsheet program takes for a formula, and that :func:`restore` turns back exactly.

    Prefixes a single quote to text that begins with a :data:`TRIGGERS`
    character, and to text that begins with quotes followed by one, so that
    text which already looked neutralised reads back unchanged too.

    Parameters
    ----------
    text
        A cell's text.

    Returns
    -------
    str
        ``"'" + text`` when ``text`` (after its leading quotes) begins with a trigger; else ``text``.
    """
    return "'" + text if text.lstrip("'")[:1] in TRIGGERS else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: strip one leading quote when the text after its leading quotes begins with a trigger.

    Parameters
    ----------
    text
        A cell's text as read from a file.

    Returns
    -------
    str
        ``text[1:]`` when ``text`` begins with ``'`` and, past its quotes, with a trigger; else ``text``.
    """
    return text[1:] if text[:1] == "'" and text.lstrip("'")[:1] in TRIGGERS else text


def restore_column(values: pd.Series) -> pd.Series:
    """:func:`restore` over a Series of strings, vectorised."""
    text = values.astype(str)
    quoted = text.str.startswith("'") & text.str.lstrip("'").str[:1].isin(TRIGGERS)
    return text.where(~quoted, text.str[1:])


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as a CSV file that spreadsheet programs cannot run, atomically.

    UTF-8, ``\\n`` line ends, no index; headers and string cells pass through
    :func:`neutralise` (numbers stay numbers). :func:`pmo_workbench._spreadsheet.read_csv_cells`
    reads the strings back as they were.

    Parameters
    ----------
    frame
        The table to write.
    path
        The CSV file to write (replaced only once complete).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    safe = neutralise_frame(frame)

    def write(tmp: Path) -> None:
        safe.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")

    return write_with(path, write)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose headers and string cells pass through :func:`neutralise` (numbers stay numbers)."""
    safe = frame.copy()
    safe.columns = [neutralise(c) if isinstance(c, str) else c for c in frame.columns]
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            safe.isetitem(position, column.map(lambda v: neutralise(v) if isinstance(v, str) else v,
                                               na_action="ignore"))
    return safe


def text_cell(worksheet, value: str):
    """An openpyxl cell of ``worksheet`` holding ``value`` as text, never as a formula (``=1+2`` stays a string).

    Parameters
    ----------
    worksheet
        The :class:`openpyxl.worksheet.worksheet.Worksheet` the cell is for
        (e.g. to pass to ``worksheet.append``).
    value
        The text.

    Returns
    -------
    openpyxl.cell.cell.Cell
        A cell whose ``data_type`` is ``"s"``.
    """
    from openpyxl.cell.cell import Cell

    cell = Cell(worksheet, value=None)
    cell.value, cell.data_type = value, "s"  # after the value: assigning a str starting "=" makes a formula
    return cell
