"""What the package read from a file, kept for the next time the same bytes are read.

A batch's reports read the same files again and again: the instrument, its
recommendations library, the responses file shared by many organisations, the
benchmark pool. Each report runs in a kernel forked from one template process
(:mod:`pmo_workbench.reports.kernels`); when the template has read those files
once, every kernel forked afterwards finds them here, parsed and validated.

An entry is keyed by the file's path *and a hash of its bytes*, read again on
every call: a file changed since (even within the same second, even to the
same size) is read anew. A value is kept only when the file's bytes are the
same after it was read as before, so a file saved while it was being read is
never kept under the other version's hash. What raised is never kept. Values
are handed out through a ``copy`` function, so that a caller changing its value
never changes the kept one. The cache is per process and bounded: one version
of a file per way of reading it (a file saved again replaces its earlier
entry), at most :data:`MAX_ENTRIES` (least recently used first out), except
for the entries read under :func:`pinned` (a batch's shared inputs, read once
before its kernels are forked), which stay.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ENTRIES = 32
"""How many results the cache holds in all (a batch's shared inputs are a handful)."""

_entries: OrderedDict[Hashable, Any] = OrderedDict()
_kept: dict[Hashable, Any] = {}
"""Entries read under :func:`pinned`: never pushed out."""
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}
_pinning = threading.local()


def file_digest(path: str | os.PathLike) -> tuple[str, bytes] | None:
    """The resolved path and the SHA-256 of the file's bytes; ``None`` when it cannot be read, or is not a regular
    file (a pipe's bytes can be read only once, by the caller, whose own reading then reports why)."""
    try:
        resolved = Path(path).resolve()
        if not stat.S_ISREG(os.stat(resolved).st_mode):
            return None
        with open(resolved, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").digest()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop (Python before 3.13)
        return None
    return str(resolved), digest


def cached(path: str | os.PathLike, key: Hashable, load: Callable[[], T], copy: Callable[[T], T] | None = None) -> T:
    """``load()``'s result for the file at ``path`` as it is now, with ``key`` telling apart the ways it is read.

    ``load`` runs when this path, these bytes and this key were not read before (or were pushed out); its
    exceptions pass through and nothing is kept, nor is a value read while the file changed. ``copy`` is applied
    to every value handed out, the first included.
    """
    found = file_digest(path)
    if found is None:
        return load()
    entry_key = (*found, key)
    with _lock:
        if entry_key in _kept:
            value, hit = _kept[entry_key], True
        elif entry_key in _entries:
            _entries.move_to_end(entry_key)
            value, hit = _entries[entry_key], True
        else:
            hit = False
        _stats["hits" if hit else "misses"] += 1
    if not hit:
        value = load()
        if file_digest(path) == found:  # the bytes read are the bytes hashed
            with _lock:
                if getattr(_pinning, "on", False):
                    _kept[entry_key] = value
                else:
                    # one version per file and way of reading: a file saved again replaces what it held before
                    for other in [k for k in _entries if k[0] == entry_key[0] and k[2:] == entry_key[2:]]:
                        del _entries[other]
                    _entries[entry_key] = value
                    while len(_entries) > MAX_ENTRIES:
                        _entries.popitem(last=False)
    return copy(value) if copy is not None else value


@contextlib.contextmanager
def pinned() -> Iterator[None]:
    """Keep what is read in this block (in this thread) for the life of the process: a batch's shared inputs,
    read by its kernel template, whatever the number of other files its reports read afterwards."""
    before = getattr(_pinning, "on", False)
    _pinning.on = True
    try:
        yield
    finally:
        _pinning.on = before


def clear() -> None:
    """Forget every entry (and the counts)."""
    with _lock:
        _entries.clear()
        _kept.clear()
        _stats.update(hits=0, misses=0)


def stats() -> dict[str, int]:
    """Hits, misses and entries held, since the process started or :func:`clear`."""
    with _lock:
        return {**_stats, "entries": len(_entries) + len(_kept)}
