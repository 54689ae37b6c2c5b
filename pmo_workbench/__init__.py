"""pmo-workbench: assess PMOs and report on the portfolios they run.

The names an analyst types in a notebook::

    from pmo_workbench import load_instrument, read_responses, assess
    instrument = load_instrument("pmo-core")
    results = assess(read_responses("answers.xlsx", instrument), instrument)
    results.summary()
"""

from .assessment import AssessmentResults, PmoAssessment, assess
from .errors import InputValidationError, PmoWorkbenchError
from .instrument import Instrument, load_instrument
from .responses import read_responses

__all__ = [
    "AssessmentResults",
    "InputValidationError",
    "Instrument",
    "PmoAssessment",
    "PmoWorkbenchError",
    "assess",
    "load_instrument",
    "read_responses",
]
__version__ = "0.1.0"
