"""The time limit, progress callback, clock and shared deadline of selection and the efficient frontier.

:func:`solver_limits` sets them for the solves within a ``with`` block (the command line sets the limit and the
progress once for the whole analysis); :func:`current_limits` is what a solve uses.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

DEFAULT_TIME_LIMIT = 30.0
"""Seconds a selection (or a whole efficient frontier; in :func:`~pmo_workbench.portfolio.analyse_portfolio`, the
two together) may take when no limit is given."""

SELECTION_SHARE = 0.5
"""A setting: when an analysis computes both the selection and the frontier within one limit, the share of it
the selection may use; the frontier has what is left (all of it when the selection is solved sooner)."""

Progress = Callable[[str, int, int], None]
"""``progress(label, done, total)``: called as a selection or a frontier advances."""


@dataclass(frozen=True)
class SolverLimits:
    """The time limit (seconds), the progress callback and the clock selection uses when a call gives none.

    ``clock`` returns seconds (``time.perf_counter`` unless set); tests give one that advances on its own.
    ``deadline`` (by ``clock``), when set, is a moment no selection or frontier may run past, whatever its own
    limit: one deadline for several solves (an analysis's selection and frontier together)."""

    time_limit: float = DEFAULT_TIME_LIMIT
    progress: Progress | None = None
    clock: Callable[[], float] = time.perf_counter
    deadline: float | None = None

    def allowed(self, began: float) -> float:
        """Seconds a solve that began at ``began`` may take: its limit, or less before the deadline."""
        if self.deadline is None:
            return self.time_limit
        return max(min(self.time_limit, self.deadline - began), 1e-3)


_LIMITS: contextvars.ContextVar[SolverLimits | None] = contextvars.ContextVar("selection_limits", default=None)


@contextlib.contextmanager
def solver_limits(time_limit: float | None = None, progress: Progress | None = None,
                  clock: Callable[[], float] | None = None, deadline: float | None = None) -> Iterator[SolverLimits]:
    """Within the ``with`` block, selections and frontiers that are given no limit use these.

    >>> with solver_limits(time_limit=5.0) as limits:
    ...     limits.time_limit
    5.0
    """
    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"the time limit must be a positive number of seconds, got {time_limit}")
    limits = SolverLimits(DEFAULT_TIME_LIMIT if time_limit is None else float(time_limit), progress,
                          clock or time.perf_counter, deadline)
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


def current_limits(time_limit: float | None = None) -> SolverLimits:
    """The limits in force, with ``time_limit`` in place of the context's when given."""
    limits = _LIMITS.get() or SolverLimits()
    if time_limit is None:
        return limits
    if not time_limit > 0:
        raise ValueError(f"the time limit must be a positive number of seconds, got {time_limit}")
    return SolverLimits(float(time_limit), limits.progress, limits.clock, limits.deadline)


__all__ = ["DEFAULT_TIME_LIMIT", "SELECTION_SHARE", "Progress", "SolverLimits", "current_limits", "solver_limits"]
