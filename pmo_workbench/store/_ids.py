"""Ids given by a person (on the command line, in a URL) before they reach a database."""

from __future__ import annotations

_LARGEST = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite


def in_range(value) -> bool:
    """Whether ``value`` fits a database integer: an id outside it names no row (and would make the driver raise)."""
    try:
        return -_LARGEST - 1 <= int(value) <= _LARGEST
    except (TypeError, ValueError, OverflowError):
        return False


def lookup_id(value) -> int:
    """``value`` as an id to look up: itself when it fits a database integer, else 0, which no row has (ids start
    at 1), so the caller's "no such row" answer follows."""
    return int(value) if in_range(value) else 0
