"""Portfolio analytics: what a PMO sees across projects that a project manager cannot.

Earned value and earned schedule with RAG, risk and opportunity exposure, shared
resource load, cross-project dependencies, prioritisation and selection, and the
data-quality findings that go with them.
"""

from .._values import count, money
from .actions import Action, actions, budget_verdict
from .analysis import PortfolioAnalysis, analyse_portfolio
from .breakdown import DIMENSIONS
from .evm import worst_first
from .model import IN_FLIGHT, Finding, Portfolio, Thresholds
from .selection import normalised_weights, selection_changes
from .pmos import read_portfolio

__all__ = ["DIMENSIONS", "IN_FLIGHT", "Action", "Finding", "Portfolio", "PortfolioAnalysis", "Thresholds", "actions",
           "analyse_portfolio", "budget_verdict", "count", "money", "normalised_weights", "read_portfolio",
           "selection_changes", "worst_first"]
