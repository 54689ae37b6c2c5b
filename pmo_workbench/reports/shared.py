"""What every report of a batch reads alike, read once per batch.

A batch's reports share most of their inputs: the responses file (one file for
many organisations), the instrument and its recommendations library, the
engagement file, the benchmark pool. :func:`shared_inputs` lists them for a
batch; the kernel template (:mod:`pmo_workbench.reports.kernels`) reads them
with :func:`warm` before it forks the report kernels, so that each kernel finds
them already parsed and validated in the package's file cache
(:mod:`pmo_workbench._memo`) and reads from disk only what is its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .spec import ReportSpec


def shared_inputs(specs: Iterable[ReportSpec]) -> tuple[dict[str, Any], ...]:
    """The distinct shared inputs of ``specs``, as JSON-able entries for :func:`warm`."""
    return ()


def warm(entries: Iterable[dict[str, Any]]) -> None:
    """Read every entry of :func:`shared_inputs` into the file cache; an input that fails is left to its report."""
    return None
