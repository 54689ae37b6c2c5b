"""Portfolio analytics: what a PMO sees across projects that a project manager cannot.

Earned value and earned schedule with RAG, risk and opportunity exposure, shared
resource load, cross-project dependencies, prioritisation and selection, and the
data-quality findings that go with them.
"""

from .model import Finding, Portfolio, Thresholds

__all__ = ["Finding", "Portfolio", "Thresholds"]
