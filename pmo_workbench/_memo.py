"""What the package read from a file, kept for the next time the same bytes are read.

A batch's reports read the same files again and again: the instrument, its
recommendations library, the responses file shared by many organisations, the
benchmark pool. Each report runs in a kernel forked from one template process
(:mod:`pmo_workbench.reports.kernels`); when the template has read those files
once, every kernel forked afterwards finds them here, parsed and validated.

An entry is keyed by the file's path *and a hash of its bytes*, read again on
every call: a file changed since (even within the same second, even to the
same size) is read anew, so a hit never stands for other contents. What raised
is never kept. Values are handed out through a ``copy`` function where callers
may change them (data frames); immutable values (frozen models) are shared.
The cache is per process and bounded (:data:`MAX_ENTRIES`, least recently used
first out).
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ENTRIES = 32
"""How many results the cache holds in all (a batch's shared inputs are a handful)."""

_entries: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}


def file_digest(path: str | os.PathLike) -> tuple[str, bytes] | None:
    """The resolved path and the SHA-256 of the file's bytes; ``None`` when it cannot be read (the caller's own
    reading then reports why)."""
    try:
        resolved = Path(path).resolve()
        with open(resolved, "rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").digest()
    except (OSError, ValueError):
        return None
    return str(resolved), digest


def cached(path: str | os.PathLike, key: Hashable, load: Callable[[], T], copy: Callable[[T], T] | None = None) -> T:
    """``load()``'s result for the file at ``path`` as it is now, with ``key`` telling apart the ways it is read.

    ``load`` runs when this path, these bytes and this key were not read before (or were pushed out); its
    exceptions pass through and nothing is kept. ``copy`` is applied to every value handed out, the first
    included, so that a caller changing its value never changes the kept one.
    """
    found = file_digest(path)
    if found is None:
        return load()
    entry_key = (*found, key)
    with _lock:
        hit = entry_key in _entries
        if hit:
            _entries.move_to_end(entry_key)
            value = _entries[entry_key]
            _stats["hits"] += 1
    if not hit:
        value = load()
        with _lock:
            _stats["misses"] += 1
            _entries[entry_key] = value
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return copy(value) if copy is not None else value


def file_cached(key: Callable[..., Hashable], copy: Callable[[Any], Any] | None = None):
    """Decorate a reader whose first argument is a file path: its results are :func:`cached` under
    ``key(*args, **kwargs)`` (the rest of what the result depends on; the path's bytes are always part of it)."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def reader(path, *args, **kwargs):
            return cached(path, (func.__module__, func.__qualname__, key(*args, **kwargs)),
                          lambda: func(path, *args, **kwargs), copy)

        reader.uncached = func
        return reader

    return decorate


def clear() -> None:
    """Forget every entry (and the counts)."""
    with _lock:
        _entries.clear()
        _stats.update(hits=0, misses=0)


def stats() -> dict[str, int]:
    """Hits, misses and entries held, since the process started or :func:`clear`."""
    with _lock:
        return {**_stats, "entries": len(_entries)}


class Identity:
    """A key part standing for one object (an instrument read once and shared): equal only to itself, and it
    keeps the object alive while the entry lives, so that its ``id`` is never reused for another."""

    __slots__ = ("obj",)

    def __init__(self, obj: object):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Identity) and other.obj is self.obj
