"""The assessment of a PMO, from a questionnaire to its place on the type ladder and its roadmap.

The pure centre of the package (pandas, numpy, scipy): an :mod:`.instrument`
defines the questions, :mod:`.responses` reads and validates the answers,
:mod:`.scoring` scores them, :mod:`.positioning` places the PMO,
:mod:`.recommendations` advises it, :mod:`.results` does all of that in one call
(:func:`assess`), and :mod:`.insights` turns the result into the statements a
report makes. :mod:`.intake` writes the blank files that collect answers.
:mod:`.reliability` judges the instrument itself over a cohort of respondents.
"""

from __future__ import annotations

from .instrument import Instrument, load_instrument
from .responses import check_subject, read_responses
from .results import AssessmentResults, PmoAssessment, assess

__all__ = ["AssessmentResults", "Instrument", "PmoAssessment", "assess", "check_subject", "load_instrument",
           "read_responses"]
