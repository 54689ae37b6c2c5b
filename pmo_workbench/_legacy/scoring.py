"""Deprecated: ``pmo_workbench.scoring`` is now :mod:`pmo_workbench.assessment.scoring`.

This path goes in the next release.
"""

import importlib
import warnings

NEW = "pmo_workbench.assessment.scoring"
warnings.warn(f"pmo_workbench.scoring is deprecated; import from {NEW} instead",
              DeprecationWarning, stacklevel=2)
globals().update({k: v for k, v in vars(importlib.import_module(NEW)).items() if not k.startswith("__")})
