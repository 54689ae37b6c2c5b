"""Portfolio report charts: valid offline specs, tooltips, A4 width, untouched inputs, escaped names.

The inputs are the frames of a real analysis of the hand-worked fixture portfolio of
``test_portfolio_report`` (P1 red on cost and schedule, P2 amber, a threat heat map, analysts
over-allocated in 2026-07, P2 needing P1 and P3 needing P2).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert

from pmo_workbench import charts
from pmo_workbench.charts import portfolio as portfolio_charts
from pmo_workbench.portfolio import analyse_portfolio, read_portfolio

from .test_charts import walk
from tests.reports.test_portfolio_report import AS_OF, SHEETS, write_folder

HOSTILE = "<script>alert(1)</script>"
VL_VERSION = "6.4"


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    folder = write_folder(tmp_path_factory.mktemp("charts") / "acme", SHEETS)
    return analyse_portfolio(read_portfolio(folder), as_of=AS_OF, budget=1300, frontier=True)


def _rename(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """The frame with project P1 called ``label`` (in every id column)."""
    out = frame.copy()
    for column in ("project_id", "from_project", "to_project"):
        if column in out:
            out[column] = out[column].replace({"P1": label})
    return out


# Each case: the arguments from an analysis (P1 renamed to the label), the call, and whether P1's id is drawn as text.
CASES: dict[str, tuple[Callable[[Any, str], tuple], Callable[..., Any], bool]] = {
    "cpi_spi_quadrant": (lambda a, label: (_rename(a.evm, label),), portfolio_charts.cpi_spi_quadrant, False),
    "schedule_view": (lambda a, label: (_rename(a.evm, label),), portfolio_charts.schedule_view, True),
    "risk_heatmap": (lambda a, label: (a.risks.heatmap,), portfolio_charts.risk_heatmap, False),
    "exposure_bars": (lambda a, label: (_rename(a.risks.by_project, label), "project_id"),
                      portfolio_charts.exposure_bars, True),
    "resource_heatmap": (lambda a, label: (a.resources.load.replace({"role": {"Analyst": label}}),),
                         portfolio_charts.resource_heatmap, True),
    "demand_vs_capacity": (lambda a, label: (a.resources.load,), portfolio_charts.demand_vs_capacity, False),
    "dependency_network": (
        lambda a, label: (_rename(a.dependencies.edges, label), _rename(a.dependencies.projects, label),
                          _rename(a.evm, label).set_index("project_id")["rag"]),
        portfolio_charts.dependency_network, True),
    "frontier": (lambda a, label: (a.frontier,), portfolio_charts.frontier, False),
    "prioritisation": (lambda a, label: (_rename(a.selection.projects, label),), portfolio_charts.prioritisation,
                       True),
}
ALL = pytest.mark.parametrize("name", list(CASES))


def units(spec: dict) -> Iterator[dict]:
    """Every single-mark spec, through layers and concatenations."""
    if "mark" in spec:
        yield spec
    for key in ("layer", "hconcat", "vconcat"):
        for child in spec.get(key, []):
            yield from units(child)


def build(name: str, analysis, label: str = "P1"):
    make, call, _ = CASES[name]
    args = make(analysis, label)
    return call(*args), args


@ALL
def test_spec_is_valid_json_with_inline_data_and_house_style(name, analysis):
    chart, _ = build(name, analysis)
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    json.dumps(spec, allow_nan=False)
    assert spec["datasets"] and not [v for k, v in walk(spec) if k == "url"]
    assert spec["config"]["font"] == charts.FONT
    widths = [v for k, v in walk(spec) if k == "width" and isinstance(v, (int, float))]
    assert widths and max(widths) <= charts.MAX_WIDTH


@ALL
def test_every_mark_has_a_tooltip(name, analysis):
    chart, _ = build(name, analysis)
    for unit in units(chart.to_dict()):
        assert unit.get("encoding", {}).get("tooltip"), f"{unit['mark']} mark without tooltip"


@ALL
def test_inputs_are_not_changed(name, analysis):
    make, call, _ = CASES[name]
    args = make(analysis, "P1")
    kept = copy.deepcopy(args)
    call(*args).to_dict()
    for now, before in zip(args, kept):
        if isinstance(now, pd.DataFrame):
            pd.testing.assert_frame_equal(now, before)
        elif isinstance(now, pd.Series):
            pd.testing.assert_series_equal(now, before)


@ALL
def test_renders_offline_within_a4_width_and_escapes_names(name, analysis):
    chart, _ = build(name, analysis, HOSTILE)
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VL_VERSION)
    assert svg.lstrip().startswith("<svg") and "<script" not in svg.lower()
    assert float(re.search(r'<svg[^>]*?\swidth="([\d.]+)"', svg).group(1)) <= charts.MAX_WIDTH
    if CASES[name][2]:  # drawn as text, alone or before the project's name ("P1 — Name")
        assert re.search(r">&lt;script&gt;alert\(1\)&lt;/script&gt;( — [^<]*)?</(text|tspan)>", svg)


def _rows(chart, mark: str) -> list[dict]:
    spec = chart.to_dict()
    for unit in units(spec):
        kind = unit["mark"] if isinstance(unit["mark"], str) else unit["mark"]["type"]
        if kind == mark:
            return spec["datasets"][unit.get("data", spec.get("data", {})).get("name")]
    raise AssertionError(f"no {mark} mark")


def test_quadrant_plots_in_flight_projects_on_spi_t_where_known(analysis):
    rows = _rows(portfolio_charts.cpi_spi_quadrant(analysis.evm), "point")
    got = {r["project"]: (round(r["cpi"], 4), round(r["schedule"], 4), r["schedule_index"], r["rag"])
           for r in rows}
    # P1: CPI 0.75 and SPI(t) 3.25 / 6; P2 has no baseline, so its SPI 1.0; P3-P5 are not in flight.
    # Each is named beside its id, as in the tooltip.
    assert got == {"P1 — Alpha build": (0.75, 0.5417, "SPI(t)", "red"),
                   "P2 — Beta rollout": (1.0526, 1.0, "SPI", "amber")}
    tooltip = [t["field"] for u in units(portfolio_charts.cpi_spi_quadrant(analysis.evm).to_dict())
               if u["mark"]["type"] == "point" for t in u["encoding"]["tooltip"]]
    assert tooltip[0] == "project"


def _quadrant_frame(cpis, schedules):
    n = len(cpis)
    return pd.DataFrame({"project_id": [f"P{i}" for i in range(1, n + 1)], "name": [f"N{i}" for i in range(1, n + 1)],
                         "status": "active", "cpi": cpis, "schedule": schedules, "spi_t": np.nan, "spi": schedules,
                         "rag": "green", "bac": 100.0})


def test_quadrant_axes_fit_the_bulk_and_the_amber_band():
    # CPIs 0.8, 0.9, 1.0, 1.1, 5.0: median 1.0, median deviation 0.1, below the amber band's width 0.2, so a value
    # more than 3 x 0.2 from 1.0 outside the band is an outlier: 5.0 is; the rest and the amber band 0.90-1.10
    # span 0.8-1.1, plus 10% of 0.3 each side: 0.77-1.13. Schedules 0.97-1.03 lie inside the amber band:
    # its 0.9-1.1 plus 0.02 each side, 0.88-1.12.
    chart = portfolio_charts.cpi_spi_quadrant(_quadrant_frame([0.8, 0.9, 1.0, 1.1, 5.0],
                                                              [0.97, 0.99, 1.0, 1.01, 1.03]))
    spec = chart.to_dict()
    scales = {axis: u["encoding"][axis]["scale"]["domain"] for u in units(spec) if u["mark"]["type"] == "point"
              for axis in ("x", "y")}
    assert scales["y"] == pytest.approx([0.77, 1.13]) and scales["x"] == pytest.approx([0.88, 1.12])
    rows = _rows(chart, "point")
    clipped = [(r["project"], r["y"], r["label"]) for r in rows if r["clipped"]]
    # P5 is drawn on the top edge, labelled with the value the edge hides, then its id and name.
    assert clipped == [("P5 — N5", pytest.approx(1.13), "CPI 5.00 · P5 — N5")]


def test_quadrant_labels_only_the_most_extreme_points_apart():
    # Distances from (1, 1): P1 0.2, P2 0.1, P3 0, P4 0.05 (all inside the axes): the two furthest are labelled.
    chart = portfolio_charts.cpi_spi_quadrant(_quadrant_frame([0.8, 1.1, 1.0, 1.0], [1.0, 1.0, 1.0, 1.05]),
                                              label_limit=2)
    assert sorted(r["label"] for r in _rows(chart, "point") if r["label"]) == ["P1 — N1", "P2 — N2"]
    # Two labels at CPI 1.0 and 1.01 on one side: the axis spans 0.8-1.1 plus 0.03 each side (0.36), so the
    # lower label moves to 3.5% of that below the upper one: 1.01 - 0.0126 = 0.9974.
    chart = portfolio_charts.cpi_spi_quadrant(_quadrant_frame([0.8, 1.1, 1.0, 1.01], [1.0, 1.0, 0.95, 0.95]),
                                              label_limit=4)
    placed = {r["project"]: r["label_y"] for r in _rows(chart, "point")}
    assert (placed["P4 — N4"], placed["P3 — N3"]) == (pytest.approx(1.01), pytest.approx(0.9974))


def test_quadrant_fits_the_bulk_when_several_projects_have_implausible_indices():
    # Six projects at SPI = CPI 0.9625-1.025 and three at CPI 50, 40, 30.77 (almost no spend), SPI 1.0. Quartiles
    # would count the three as the top quarter; the median is 1.0125 and the median deviation 0.0375, below the
    # amber band's width 0.2, so anything more than 0.6 from 1.0125 and outside 0.90-1.10 is an outlier: the
    # three are. The axis spans the amber band 0.90-1.10 plus 0.02 each side: 0.88-1.12.
    cpis = [0.9625, 0.975, 0.9875, 1.0, 1.0125, 1.025, 50.0, 40.0, 30.77]
    chart = portfolio_charts.cpi_spi_quadrant(_quadrant_frame(cpis, cpis[:6] + [1.0] * 3))
    rows = _rows(chart, "point")
    assert sorted(r["cpi"] for r in rows if r["clipped"]) == [30.77, 40.0, 50.0]
    assert {round(r["y"], 4) for r in rows if r["clipped"]} == {1.12}
    # Eight labels on a 0.24-high axis: any two at least 3.5% of it (0.0084) apart, all inside the axis.
    heights = sorted(r["label_y"] for r in rows if r["label"])
    assert len(heights) == 8 and min(b - a for a, b in zip(heights, heights[1:])) >= 0.0084 - 1e-9
    assert 0.88 <= heights[0] and heights[-1] <= 1.12


def test_risk_heatmap_counts_open_risks_in_their_cells(analysis):
    chart = portfolio_charts.risk_heatmap(analysis.risks.heatmap)
    spec = chart.to_dict()
    threats = spec["datasets"][spec["hconcat"][0]["data"]["name"]]
    counted = {(r["probability"], r["impact"]): r["count"] for r in threats if r["count"]}
    # R1: p 0.5 -> band 3, impact 200 of P1's BAC 1000 = 0.20 -> band 3 (score 9, amber).
    # R3: p 0.9 -> band 5, impact 1000 of the portfolio's 2000 (1700 rolled up + 300 proposed) = 0.5 -> band 4.
    assert counted == {(3, 3): 1, (5, 4): 1}
    zones = {(r["probability"], r["impact"]): r["zone"] for r in threats}
    assert zones[(3, 3)] == "amber" and zones[(5, 4)] == "red" and zones[(1, 4)] == "green"


def test_resource_heatmap_marks_the_over_allocated_month(analysis):
    rows = _rows(portfolio_charts.resource_heatmap(analysis.resources.load), "rect")
    marked = {(r["role"], r["month"]): (r["label"], r["utilisation"]) for r in rows}
    assert marked[("Analyst", "2026-07")] == ("!", pytest.approx(2.0 / 1.5))
    assert marked[("Analyst", "2026-08")] == ("", pytest.approx(0.5 / 1.5))


def test_dependency_network_lays_out_waves_and_marks_the_longest_chain(analysis):
    d = analysis.dependencies
    chart = portfolio_charts.dependency_network(d.edges, d.projects, analysis.evm.set_index("project_id")["rag"])
    nodes = {r["project_id"]: (r["x"], r["rag"]) for r in _rows(chart, "circle")}
    assert {r["project"] for r in _rows(chart, "circle")} >= {"P1 — Alpha build"}  # the name in the tooltip
    # P1 needs nothing (wave 1), P2 needs P1 (wave 2), P3 needs P2 (wave 3).
    assert nodes == {"P1": (1.0, "red"), "P2": (2.0, "amber"), "P3": (3.0, "no index")}
    edges = {r["edge"]: r["kind"] for r in _rows(chart, "rule")}
    assert edges == {"P2 needs P1": "longest chain", "P3 needs P2": "longest chain"}


def test_dependency_groups_count_links_between_groups_coloured_by_slack():
    links = pd.DataFrame({"from_group": ["A", "A"], "to_group": ["A", "B"], "links": [2, 1], "conflicts": [1, 0],
                          "least_slack_days": [-5.0, 12.0]})
    rows = _rows(portfolio_charts.dependency_groups(links), "rect")
    assert [(r["from"], r["to"], r["links"], r["state"]) for r in rows] == [
        ("A", "A", 2, "due too late"), ("A", "B", 1, "slack under 30 days")]


def test_frontier_is_a_step_line_with_the_chosen_budget(analysis):
    chart = portfolio_charts.frontier(analysis.frontier, budget=1300)
    spec = chart.to_dict()
    assert [u["mark"]["interpolate"] for u in units(spec) if isinstance(u["mark"], dict)
            and u["mark"].get("type") == "line"] == ["step-after"]
    values = [r["value"] for r in _rows(chart, "line")]
    assert values == sorted(values)
    assert [r["budget"] for r in _rows(chart, "rule")] == [1300.0]


def test_prioritisation_colours_the_decision(analysis):
    rows = _rows(portfolio_charts.prioritisation(analysis.selection.projects), "bar")
    assert {r["project"]: r["state"] for r in rows} == {"P1 — Alpha build": "mandatory",
                                                          "P2 — Beta rollout": "not funded",
                                                          "P3 — Gamma study": "not funded"}


def test_demand_is_stacked_committed_under_pipeline_against_capacity():
    load = pd.DataFrame({"role": ["Analyst", "Tester", "Analyst"], "month": ["2026-07", "2026-07", "2026-08"],
                         "committed_fte": [1.0, 0.5, 0.5], "pipeline_fte": [0.5, 0.0, 1.0],
                         "demand_fte": [1.5, 0.5, 1.5], "capacity_fte": [1.5, 1.0, 1.5]})
    chart = portfolio_charts.demand_vs_capacity(load)
    bars = {(r["month"], r["stage"]): r["fte"] for r in _rows(chart, "bar")}
    # July: committed 1.0 + 0.5 = 1.5, pipeline 0.5; August: committed 0.5, pipeline 1.0.
    assert bars == {("2026-07", "committed (active, on hold)"): 1.5, ("2026-07", "pipeline (proposed)"): 0.5,
                    ("2026-08", "committed (active, on hold)"): 0.5, ("2026-08", "pipeline (proposed)"): 1.0}
    bar = next(u for u in units(chart.to_dict()) if u["mark"]["type"] == "bar")
    assert bar["encoding"]["y"]["stack"] == "zero"
    # Capacity per month, summed over roles: 2.5 in July, 1.5 in August.
    assert [r["capacity"] for r in _rows(chart, "line")] == [2.5, 1.5]


def test_exposure_bars_fall_back_to_scores_without_money():
    frame = pd.DataFrame({"category": ["Supply"], "threats": [2], "opportunities": [0],
                          "threat_emv": [np.nan], "opportunity_emv": [np.nan], "threat_score": [24.0]})
    rows = _rows(portfolio_charts.exposure_bars(frame, "category"), "bar")
    assert rows == [{"key": "Supply", "label": "Supply", "kind": "threat", "value": 24.0, "count": 2}]
