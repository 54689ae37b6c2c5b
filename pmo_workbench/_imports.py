"""Start-up cost control for the processes pmo-workbench runs itself.

``jsonschema`` (imported by nbformat and altair) imports the optional
``rfc3987_syntax`` when it is installed, only to check the ``iri`` string
formats; that module compiles an Earley grammar at import, which took 1.0 s of
every process start here (``python -X importtime``). None of the schemas this
project validates (notebooks, Vega-Lite) asks for those formats, so the
command-line entry point, the report kernel template and the batch workers mark
the module as absent before anything imports jsonschema. Importing
``pmo_workbench`` as a library changes nothing.
"""

from __future__ import annotations

import sys

SLOW_OPTIONAL_MODULES = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make ``import rfc3987_syntax`` fail fast (jsonschema then skips the iri format checks)."""
    for name in SLOW_OPTIONAL_MODULES:
        sys.modules.setdefault(name, None)
