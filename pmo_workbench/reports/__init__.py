"""Report rendering: papermill notebooks to self-contained HTML, PDF and the executed notebook.

One report is a :class:`ReportSpec` (:mod:`.spec`); :func:`render` runs one and
:func:`run_batch` many (:mod:`.batch`), each executed by papermill in a kernel
forked from a warm template (:mod:`.execute`, :mod:`.kernels`), exported to one
HTML page (:mod:`.export`, :mod:`.branding`) and printed to PDF (:mod:`.pdf`).
Manifests list the reports of a batch (:mod:`.manifest`).

The names below are loaded on first use, so that importing this package (or
:mod:`pmo_workbench.reports.records` from a kernel) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "BatchResult": "batch", "BatchStopped": "batch", "render": "batch", "run_batch": "batch", "fingerprint": "batch",
    "Branding": "branding", "load_branding": "branding",
    "ReportOutcome": "execute", "execute": "execute", "CELL_TIMEOUT": "execute",
    "export_html": "export", "write_index": "export",
    "read_manifest": "manifest",
    "PdfPrinter": "pdf", "find_chromium": "pdf",
    "REPORTS": "spec", "FORMATS": "spec", "ReportSpec": "spec", "check_parameters": "spec", "demo_specs": "spec",
    "portfolio_demo_specs": "spec", "portfolio_spec": "spec", "positioning_spec": "spec", "report_name": "spec",
    "slugify": "spec",
    "PdfUnavailableError": "..errors", "ReportError": "..errors", "ReportParameterError": "..errors",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    source = importlib.import_module("pmo_workbench.errors" if module == "..errors" else f"{__name__}.{module}")
    return getattr(source, name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
