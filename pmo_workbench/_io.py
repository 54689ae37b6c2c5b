"""Writing output files so that a failure never leaves half a file behind.

An operating-system error while writing (a full disk, a missing permission, a
parent that is a file) becomes one :class:`~pmo_workbench.errors.FileError`
naming the target, and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import FileError


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place only on success.

    >>> with atomic_path("out.json") as tmp:          # doctest: +SKIP
    ...     tmp.write_text("{}")
    """
    target = Path(target)
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(target))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise FileError.from_os_error("write", target, exc) from None
    tmp = Path(name)
    try:
        try:
            yield tmp
            # mkstemp makes the file private; give it the mode any new file gets here (umask).
            os.chmod(tmp, 0o666 & ~_umask())
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
