"""pmo-workbench: assess PMOs and report on the portfolios they run.

The names an analyst types in a notebook::

    import pmo_workbench as pw
    instrument = pw.load_instrument("pmo-core")
    results = pw.assess(pw.read_responses("answers.xlsx", instrument), instrument)
    results.summary()

and, loaded on first use, the namespaces a report notebook works with:
``pw.insights`` (the statements of the positioning report), ``pw.charts``,
``pw.show`` (tables, charts and text in a notebook), ``pw.portfolio``,
``pw.store`` and ``pw.reports``.

The package is layered (checked by import-linter): ``assessment`` and
``portfolio`` at the centre, then ``charts``, ``store``, ``reports``,
``notebook`` and ``cli``; nothing imports upwards.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assessment import AssessmentResults, Instrument, PmoAssessment, assess, load_instrument, read_responses
    from .errors import InputValidationError, PmoWorkbenchError
    from .resources import examples_dir

__version__ = "0.1.0"

_NAMESPACES = {
    "insights": "pmo_workbench.assessment.insights",
    "charts": "pmo_workbench.charts",
    "show": "pmo_workbench.notebook.show",
    "portfolio": "pmo_workbench.portfolio",
    "store": "pmo_workbench.store",
    "reports": "pmo_workbench.reports",
    "i18n": "pmo_workbench.i18n",
}

# The analyst's names, imported on first use: importing the package (as the command line does first) costs no
# pandas, so a Ctrl-C in the command's first second is still the command's to handle.
_NAMES = {"AssessmentResults": "assessment", "Instrument": "assessment", "PmoAssessment": "assessment",
          "assess": "assessment", "load_instrument": "assessment", "read_responses": "assessment",
          "InputValidationError": "errors", "PmoWorkbenchError": "errors", "examples_dir": "resources"}

__all__ = [
    "AssessmentResults",
    "InputValidationError",
    "Instrument",
    "PmoAssessment",
    "PmoWorkbenchError",
    "assess",
    "examples_dir",
    "load_instrument",
    "read_responses",
    *_NAMESPACES,
]

# Modules of the earlier flat layout, kept importable for one release (each warns when imported).
__path__.append(os.path.join(os.path.dirname(__file__), "_legacy"))


# Start-up cost control for the processes pmo-workbench runs itself. ``jsonschema`` (imported by nbformat and
# altair) imports the optional ``rfc3987_syntax`` when it is installed, only to check the ``iri`` string formats;
# that module compiles an Earley grammar at import, which took 1.0 s of every process start (``python -X
# importtime``). None of the schemas this project validates (notebooks, Vega-Lite) asks for those formats, so the
# command-line entry point, the report kernel template and the batch workers mark the module as absent before
# anything imports jsonschema. Importing ``pmo_workbench`` as a library changes nothing.
_SLOW_OPTIONAL_MODULES = ("rfc3987_syntax",)


def _skip_slow_optional_imports() -> None:
    """Make ``import rfc3987_syntax`` fail fast (jsonschema then skips the iri format checks)."""
    for name in _SLOW_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(f"pmo_workbench.{_NAMES[name]}"), name)
        globals()[name] = value
        return value
    if name in _NAMESPACES:
        module = importlib.import_module(_NAMESPACES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_NAMESPACES, *_NAMES})
