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

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .spec import ReportSpec


WARM_ENV = "PMO_WORKBENCH_WARM"
"""The environment variable that hands :func:`shared_inputs`' entries (JSON) to the kernel template."""

_RESPONSES = (("responses", "instrument"), ("earlier_responses", "earlier_instrument"))


def _language(spec: ReportSpec) -> str:
    from ..i18n import DEFAULT_LANGUAGE

    return spec.parameters.get("language") or DEFAULT_LANGUAGE


def shared_inputs(specs: Iterable[ReportSpec]) -> tuple[dict[str, Any], ...]:
    """The distinct inputs of ``specs`` that every kernel would otherwise read again, as JSON-able entries for
    :func:`warm`: instruments and their libraries (in each report's language), responses files, benchmark pool
    files, engagement and branding files. Workbooks of one organisation are left to its report."""
    found: dict[str, dict[str, Any]] = {}

    def add(**entry: Any) -> None:
        found.setdefault(json.dumps(entry, sort_keys=True), entry)

    for spec in specs:
        params, language = spec.parameters, _language(spec)
        for responses, instrument in _RESPONSES:
            chosen = params.get(instrument) or params.get("instrument") or "pmo-core"
            if responses in params or instrument in params:
                add(kind="instrument", instrument=str(chosen), language=language)
            if params.get(responses):
                add(kind="responses", path=str(params[responses]), instrument=str(chosen), language=language)
                beside = Path(params[responses]).parent / "engagement.yaml"
                if not params.get("engagement") and beside.is_file():
                    add(kind="yaml", path=str(beside))
        benchmark = params.get("benchmark")
        if benchmark and "://" not in str(benchmark) and Path(str(benchmark)).suffix.lower() == ".csv":
            add(kind="pool", path=str(benchmark))
        for key in ("engagement", "branding"):
            if params.get(key):
                add(kind="yaml", path=str(params[key]))
        if spec.branding:
            add(kind="yaml", path=str(spec.branding))
    return tuple(found.values())


def warm(entries: Iterable[dict[str, Any]]) -> int:
    """Read every entry of :func:`shared_inputs` into the file cache; return how many were read.

    An entry that cannot be read is passed over: its report meets the same problem and reports it in place.
    """
    from .._memo import cached  # noqa: F401 - the cache the readers below fill
    from .._yaml import load_yaml
    from ..assessment.instrument import load_instrument
    from ..assessment.recommendations import library_for
    from ..assessment.responses import read_responses_file
    from ..i18n import use_language
    from ..store.pool_csv import read_pool_csv

    done = 0
    for entry in entries:
        try:
            kind = entry["kind"]
            with use_language(entry.get("language")):
                if kind in ("instrument", "responses"):
                    instrument = load_instrument(entry["instrument"])
                    if kind == "instrument":
                        library_for(instrument)
                    else:
                        read_responses_file(entry["path"], instrument)
                elif kind == "pool":
                    read_pool_csv(entry["path"])
                elif kind == "yaml":
                    load_yaml(Path(entry["path"]))
                else:
                    continue
            done += 1
        except Exception:  # noqa: BLE001, S112 - the report that needs it says what is wrong, where it can
            continue
    return done
