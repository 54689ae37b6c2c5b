"""Portfolio analytics: what a PMO sees across projects that a project manager cannot.

Earned value and earned schedule with RAG, risk and opportunity exposure, shared
resource load, cross-project dependencies, prioritisation and selection, and the
data-quality findings that go with them.
"""

from .actions import Action, actions
from .analysis import PortfolioAnalysis, analyse_portfolio
from .model import Finding, Portfolio, Thresholds
from .workbook import read_portfolio

__all__ = ["Action", "Finding", "Portfolio", "PortfolioAnalysis", "Thresholds", "actions", "analyse_portfolio",
           "read_portfolio"]
