"""Altair charts for the reports: pure builders over the analysis frames, in one house style.

:mod:`.positioning` draws the PMO assessment, :mod:`.benchmark` its place among peers, :mod:`.progress` its
change between two waves, :mod:`.competency` the project managers' competency profiles, :mod:`.portfolio` the
portfolio health report and :mod:`.delivery` its milestones, benefits and financial year, all in the style of
:mod:`.style`. Every builder embeds its data,
gives every mark a tooltip and never changes its input.
"""

from __future__ import annotations

import functools as _functools

from .delivery import benefit_bars, in_year_spend, milestone_slip
from .portfolio import (
    RAG_COLOURS,
    cpi_spi_quadrant,
    demand_vs_capacity,
    dependency_groups,
    dependency_network,
    exposure_bars,
    frontier,
    prioritisation,
    resource_heatmap,
    risk_heatmap,
    schedule_view,
)
from .heatmaps import item_heatmap_parts, item_label
from .competency import (
    competency_heatmap,
    distribution_chart,
    profile_chart,
    self_vs_others_chart,
    training_needs_chart,
)
from .benchmark import benchmark_strips
from .positioning import (
    compare_pmos,
    dimension_scores,
    item_heatmap,
    ladder,
    perception,
    pmo_roles,
)
from .progress import progress_changes
from .roadmap import roadmap
from .style import ACCENT, FONT, GREY, LEVEL_COLOURS, MAX_WIDTH, NAVY
from .trends import index_trend, s_curve

__all__ = [
    "ACCENT", "FONT", "GREY", "LEVEL_COLOURS", "MAX_WIDTH", "NAVY", "RAG_COLOURS", "benchmark_strips", "benefit_bars",
    "compare_pmos", "competency_heatmap", "distribution_chart", "in_year_spend", "milestone_slip",
    "cpi_spi_quadrant", "demand_vs_capacity", "dependency_groups", "dependency_network", "dimension_scores",
    "exposure_bars", "frontier", "item_heatmap", "item_heatmap_parts", "item_label", "ladder", "perception",
    "pmo_roles", "prioritisation", "profile_chart", "progress_changes",
    "resource_heatmap", "risk_heatmap", "roadmap", "schedule_view", "self_vs_others_chart", "training_needs_chart",
    "index_trend", "s_curve",
]


def _unchecked(builder):
    """``builder`` with altair's check of every schema object as it is made switched off while it runs.

    Those checks only give earlier error messages to someone writing a chart; every builder's chart is checked
    against the Vega-Lite schema as a whole in the tests, and the checks were a tenth of a report's cells.
    """
    from altair.utils.schemapi import debug_mode

    @_functools.wraps(builder)
    def build(*args, **kwargs):
        with debug_mode(False):
            return builder(*args, **kwargs)

    return build


for _name in __all__:
    if callable(globals()[_name]) and not isinstance(globals()[_name], type):
        globals()[_name] = _unchecked(globals()[_name])
del _name
