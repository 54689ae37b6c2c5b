"""Deprecated: ``pmo_workbench.intake`` is now :mod:`pmo_workbench.assessment.intake`.

This path goes in the next release.
"""

import importlib
import warnings

NEW = "pmo_workbench.assessment.intake"
warnings.warn(f"pmo_workbench.intake is deprecated; import from {NEW} instead",
              DeprecationWarning, stacklevel=2)
globals().update({k: v for k, v in vars(importlib.import_module(NEW)).items() if not k.startswith("__")})
