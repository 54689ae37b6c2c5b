"""Deprecated: ``pmo_workbench.responses`` is now :mod:`pmo_workbench.assessment.responses`.

This path goes in the next release.
"""

import importlib
import warnings

NEW = "pmo_workbench.assessment.responses"
warnings.warn(f"pmo_workbench.responses is deprecated; import from {NEW} instead",
              DeprecationWarning, stacklevel=2)
globals().update({k: v for k, v in vars(importlib.import_module(NEW)).items() if not k.startswith("__")})
