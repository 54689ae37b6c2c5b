"""Deprecated: ``pmo_workbench.widgets`` is now :mod:`pmo_workbench.notebook.form`.

This path goes in the next release.
"""

import importlib
import warnings

NEW = "pmo_workbench.notebook.form"
warnings.warn(f"pmo_workbench.widgets is deprecated; import from {NEW} instead",
              DeprecationWarning, stacklevel=2)
globals().update({k: v for k, v in vars(importlib.import_module(NEW)).items() if not k.startswith("__")})
from pmo_workbench.notebook.workbench import Workbench  # noqa: E402,F401
