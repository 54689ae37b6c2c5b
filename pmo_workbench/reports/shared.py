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
"""The environment variable that names the file of :func:`shared_inputs`' entries (JSON) the kernel template
reads."""


_RESPONSES = (("responses", "instrument"), ("earlier_responses", "earlier_instrument"))


def _languages(spec: ReportSpec) -> tuple[str, ...]:
    """The language a report's kernel reads its inputs in: its ``language`` parameter, else its engagement file's
    (as the notebook decides), else English."""
    from .._yaml import load_yaml
    from ..i18n import DEFAULT_LANGUAGE

    given = spec.parameters.get("language")
    if given:
        return (str(given),)
    engagement = spec.parameters.get("engagement")
    if engagement:
        try:
            data, _ = load_yaml(Path(str(engagement)))
        except Exception:  # noqa: BLE001 - the report meets the problem and says where it is
            data = None
        if isinstance(data, dict) and isinstance(data.get("language"), str) and data["language"].strip():
            return (DEFAULT_LANGUAGE, data["language"].strip())  # the notebook reads in English first, then in it
    return (DEFAULT_LANGUAGE,)


def _inputs_of(spec: ReportSpec) -> list[dict[str, Any]]:
    """What one report's kernel reads that another report might read too, as entries for :func:`warm`."""
    from ..assessment.engagement import engagement_beside

    params, found = spec.parameters, []
    for language in _languages(spec):
        for responses, instrument in _RESPONSES:
            chosen = str(params.get(instrument) or params.get("instrument") or "pmo-core")
            if params.get(responses):
                found.append({"kind": "instrument", "instrument": chosen, "language": language})
                found.append({"kind": "responses", "path": str(params[responses]), "instrument": chosen,
                              "language": language})
    if params.get("responses") and not params.get("engagement"):
        beside = engagement_beside(params["responses"])
        if beside is not None:
            found.append({"kind": "yaml", "path": str(beside)})
    benchmark = params.get("benchmark")
    if benchmark and "://" not in str(benchmark) and Path(str(benchmark)).suffix.lower() in (".csv", ".txt"):
        found.append({"kind": "pool", "path": str(benchmark)})
    for key in ("engagement", "targets"):
        if params.get(key):
            found.append({"kind": "yaml", "path": str(params[key])})
    return found


def shared_inputs(specs: Iterable[ReportSpec]) -> tuple[dict[str, Any], ...]:
    """The inputs that at least two reports of ``specs`` read, each once, as JSON-able entries for :func:`warm`:
    instruments and their libraries (in each report's language), responses files, benchmark pool files,
    engagement and targets files.

    Only what two reports or more read is listed: a file of one organisation's alone is left to its report, so that
    no report's kernel holds another organisation's own files, and a batch of many organisations does not read
    them all before its first report.
    """
    uses: dict[str, int] = {}
    entries: dict[str, dict[str, Any]] = {}
    for spec in specs:
        for entry in _inputs_of(spec):
            key = json.dumps(entry, sort_keys=True)
            entries.setdefault(key, entry)
            uses[key] = uses.get(key, 0) + 1
    return tuple(entry for key, entry in entries.items() if uses[key] >= 2)


def warm(entries: Iterable[dict[str, Any]]) -> int:
    """Read every entry of :func:`shared_inputs` into the file cache, kept there for good (:func:`_memo.pinned`);
    return how many were read.

    An entry that cannot be read is passed over: its report meets the same problem and reports it in place.
    """
    from .. import _memo
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
            with _memo.pinned(), use_language(entry.get("language")):
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
