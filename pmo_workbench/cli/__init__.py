"""The ``pmo-workbench`` command line: a thin layer over the package.

:mod:`.app` holds the application and its one error handler; :mod:`.assess`, :mod:`.benchmark`, :mod:`.competency`,
:mod:`.engagement`, :mod:`.instrument`, :mod:`.invitations`, :mod:`.overview`, :mod:`.reports`, :mod:`.portfolio`,
:mod:`.serve` and :mod:`.store` each hold a group of commands.
"""

from __future__ import annotations

from . import (  # noqa: F401 - each registers its commands
    assess,
    benchmark,
    competency,
    engagement,
    instrument,
    invitations,
    overview,
    portfolio,
    reports,
    serve,
    store,
)
from .app import app, main
from .assess import dimension_rows, print_results, print_summary
from .portfolio import print_portfolio

__all__ = ["app", "dimension_rows", "main", "print_portfolio", "print_results", "print_summary"]
