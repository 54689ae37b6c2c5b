"""Deprecated: ``pmo_workbench.portfolio_charts`` is now :mod:`pmo_workbench.charts.portfolio`.

This path goes in the next release.
"""

import importlib
import warnings

NEW = "pmo_workbench.charts.portfolio"
warnings.warn(f"pmo_workbench.portfolio_charts is deprecated; import from {NEW} instead",
              DeprecationWarning, stacklevel=2)
globals().update({k: v for k, v in vars(importlib.import_module(NEW)).items() if not k.startswith("__")})
