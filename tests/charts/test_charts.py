"""Report charts: the data they embed, their tooltips, their size, and that they render offline."""

from __future__ import annotations

import copy
import importlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest
import vl_convert

from pmo_workbench import assess, charts

from tests.helpers import answers

NAN = float("nan")
HOSTILE = "<script>alert(1)</script>"
VL_VERSION = "6.4"
TYPE_LABELS = {"supportive": "Supportive", "controlling": "Controlling", "strategic": "Strategic"}
ROLE_LABELS = {"executive": "Executive", "pmo_staff": "PMO staff", "project_manager": "Project manager"}


# -- inputs written by hand ------------------------------------------------------------
def dims_frame(label: str = "Support") -> pd.DataFrame:
    """A PmoAssessment.dimensions-shaped frame: one scored row that agrees, one that does not, one unscored."""
    return pd.DataFrame({
        "dimension": ["gov", "sup", "ppl"],
        "label": ["Governance", label, "People"],
        "pmo_role": ["standards", "customer_support", "empowerment"],
        "weight": [2.0, 1.0, 1.0],
        "score": [66.25, 95.0, NAN],
        "level": pd.array([4, 5, None], dtype="Int64"),
        "respondents": [7, 6, 0],
        "std": [10.0, 4.0, NAN],
        "ci_low": [55.5, 90.0, NAN],
        "ci_high": [77.0, 100.0, NAN],
        "rwg_j": [0.91, 0.42, NAN],
        "agree": pd.array([True, False, None], dtype="boolean"),
        "alpha": [0.8, NAN, NAN],
    })


def ladder_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "type": ["supportive", "controlling", "controlling", "strategic"],
        "dimension": ["gov", "gov", "sup", "ppl"],
        "gate": [40.0, 60.0, 50.0, 70.0],
        "score": [66.25, 66.25, 45.5, NAN],
        "met": [True, True, False, False],
    })


def roles_series() -> pd.Series:
    return pd.Series({"standards": 66.25, "customer_support": 45.5, "empowerment": NAN}, name="score")


def by_role_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "dimension": ["gov", "gov", "gov", "sup", "sup", "sup"],
        "role": ["executive", "pmo_staff", "project_manager"] * 2,
        "n": [1, 4, 5, 3, 3, 2],
        "score": [NAN, 70.4, 45.0, NAN, 80.0, NAN],
        "suppressed": ["small group", None, None, "complementary", None, "small group"],
    })


def benchmark_frames(label: str = "Governance") -> tuple[pd.DataFrame, pd.DataFrame]:
    """A comparison table (gov compared; sup with too few peer scores; the PMO without a ppl score) and the peers'
    scores: ten peers on gov (10, 20, ..., 100), ten on ppl."""
    table = pd.DataFrame({
        "dimension": ["gov", "sup", "ppl"], "label": [label, "Support", "People"], "score": [66.25, 45.5, NAN],
        "peers": [10, 4, 10], "q1": [32.5, NAN, 30.0], "median": [55.0, NAN, 50.0], "q3": [77.5, NAN, 70.0],
        "rank": pd.array([5, None, None], dtype="Int64"), "out_of": pd.array([11, None, None], dtype="Int64"),
        "quartile": ["second", None, None],
    })
    peers = pd.DataFrame({"dimension": ["gov"] * 10 + ["ppl"] * 10, "label": [label] * 10 + ["People"] * 10,
                          "score": [10.0 * n for n in range(1, 11)] * 2})
    return table, peers


def items_frame(n_items: int = 55) -> pd.DataFrame:
    rows = [
        {"item": f"I{i:02d}", "dimension": f"d{i // 5}", "text": f"Statement {i}", "role": role,
         "score": NAN if i == 3 else float((7 * i + 13 * j) % 100), "n": 5}
        for i in range(n_items) for j, role in enumerate(ROLE_LABELS)
    ]
    return pd.DataFrame(rows)


def compare_frames(label: str = "Support") -> dict[str, pd.DataFrame]:
    return {
        "Enterprise PMO": dims_frame(label),
        "IT PMO": dims_frame(label).assign(score=[40.0, NAN, 60.0]),
    }


def initiatives_frame(first_title: str = "Agree a PMO charter that sets its remit and decision rights"
                      ) -> pd.DataFrame:
    return pd.DataFrame({
        "id": ["I1", "I2", "I3", "I4", "I5", "I6"],
        "title": [first_title, "Stage gates", "Service catalogue", "Help desk", "Coaching", "Audit"],
        "workstream_label": ["Governance", "Methods", "People", "People", "People", "Governance"],
        "effort": ["high", "low", "low", "medium", "high", "bogus"],
        "duration_weeks": [10, 4, 6, 2, 8, None],
        "phase": [1, 1, 1, 2, 3, 2],
        "phase_label": ["Quick wins", "Quick wins", "Quick wins", "Next", "Later", "Next"],
    })


# -- spec walking ------------------------------------------------------------------------
def units(spec: dict, data: str | None = None) -> Iterator[tuple[dict, str | None]]:
    """Every single-mark spec with the name of the dataset it draws."""
    data = spec.get("data", {}).get("name", data)
    if "mark" in spec:
        yield spec, data
    for child in spec.get("layer", []):
        yield from units(child, data)
    if "spec" in spec:
        yield from units(spec["spec"], data)


def values(spec: dict, unit: dict, data: str | None) -> list[dict]:
    return spec["datasets"][data]


def unit_rows(spec: dict, predicate: Callable[[dict], bool]) -> list[dict]:
    """The rows drawn by the first unit that satisfies ``predicate``."""
    for unit, data in units(spec):
        if predicate(unit):
            return values(spec, unit, data)
    raise AssertionError("no such mark")


def field(unit: dict, channel: str) -> str | None:
    return unit.get("encoding", {}).get(channel, {}).get("field")


def mark_type(unit: dict) -> str:
    mark = unit["mark"]
    return mark if isinstance(mark, str) else mark["type"]


def tooltip_fields(unit: dict) -> list[str]:
    tooltip = unit.get("encoding", {}).get("tooltip", [])
    return [t["field"] for t in (tooltip if isinstance(tooltip, list) else [tooltip])]


def walk(obj: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield key, value
            yield from walk(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from walk(value)


def svg_width(svg: str) -> float:
    return float(re.search(r'<svg[^>]*?\swidth="([\d.]+)"', svg).group(1))


# -- one row per chart: its inputs (with a label it must show), and the call ---------------------
CASES: dict[str, tuple[Callable[[str], tuple], Callable[..., Any], str]] = {
    "dimension_scores": (
        lambda label: (dims_frame(label),),
        lambda frame: charts.dimension_scores(frame, title="Dimension scores"),
        "Support",
    ),
    "ladder": (
        lambda label: (ladder_frame(), "supportive", {**TYPE_LABELS, "controlling": label}),
        charts.ladder,
        "Controlling",
    ),
    "pmo_roles": (lambda label: (roles_series(), {"customer_support": label}), charts.pmo_roles, "Customer support"),
    "perception": (
        lambda label: (by_role_frame(), {"gov": label, "sup": "Support"}, ROLE_LABELS),
        charts.perception,
        "Governance",
    ),
    "benchmark_strips": (lambda label: benchmark_frames(label), charts.benchmark_strips, "Governance"),
    "item_heatmap": (
        lambda label: (items_frame().replace({"item": {"I07": label}}),),
        charts.item_heatmap,
        "I07",
    ),
    "compare_pmos": (lambda label: (compare_frames(label),), charts.compare_pmos, "Support"),
    "roadmap": (
        lambda label: (initiatives_frame().replace({"phase_label": {"Quick wins": label}}),),
        charts.roadmap,
        "Quick wins",
    ),
}
ALL = pytest.mark.parametrize("name", list(CASES))


def build(name: str, label: str | None = None) -> tuple[Any, tuple, str]:
    make, call, default = CASES[name]
    label = default if label is None else label
    args = make(label)
    return call(*args), args, label


def frames_in(args: tuple) -> list[pd.DataFrame | pd.Series]:
    found = []
    for arg in args:
        if isinstance(arg, (pd.DataFrame, pd.Series)):
            found.append(arg)
        elif isinstance(arg, dict):
            found.extend(v for v in arg.values() if isinstance(v, pd.DataFrame))
    return found


# -- properties every chart has ------------------------------------------------------------
@ALL
def test_spec_is_valid_json_with_inline_data_and_house_style(name):
    chart, _, _ = build(name)
    assert isinstance(chart, alt.TopLevelMixin)
    spec = chart.to_dict()
    json.dumps(spec, allow_nan=False)  # NaN would be invalid JSON
    assert not [k for k, v in walk(spec) if isinstance(v, float) and np.isnan(v)]
    assert spec["datasets"], "data is embedded"
    assert not [v for k, v in walk(spec) if k == "url"], "no data is fetched"
    assert spec["config"]["font"] == charts.FONT
    assert spec["config"]["view"]["stroke"] is None
    widths = [v for k, v in walk(spec) if k == "width" and isinstance(v, (int, float))]
    assert widths and max(widths) <= charts.MAX_WIDTH


@ALL
def test_every_mark_has_a_tooltip(name):
    chart, _, _ = build(name)
    found = list(units(chart.to_dict()))
    assert found
    for unit, _ in found:
        assert tooltip_fields(unit), f"{mark_type(unit)} mark without tooltip"


@ALL
def test_inputs_are_not_changed(name):
    make, call, label = CASES[name]
    args = make(label)
    kept = copy.deepcopy(args)
    call(*args).to_dict()
    pairs = list(zip(frames_in(args), frames_in(kept)))
    assert pairs
    for now, before in pairs:
        if isinstance(now, pd.Series):
            pd.testing.assert_series_equal(now, before)
        else:
            pd.testing.assert_frame_equal(now, before)
    for now, before in zip(args, kept):  # nor are the ids and label mappings
        if isinstance(now, str) or (isinstance(now, dict) and not frames_in((now,))):
            assert now == before


@ALL
def test_renders_to_svg_offline_within_a4_width(name):
    chart, _, label = build(name)
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VL_VERSION)
    assert svg.lstrip().startswith("<svg")
    # drawn as text (a line of its own or the start of one; wrapped labels are tspans), not only in an aria-label
    assert re.search(">" + re.escape(label) + r"[^<]*</(text|tspan)>", svg), "the label is drawn as text"
    assert svg_width(svg) <= charts.MAX_WIDTH


@ALL
def test_hostile_label_is_escaped_in_svg(name):
    chart, _, _ = build(name, HOSTILE)
    svg = vl_convert.vegalite_to_svg(chart.to_dict(), vl_version=VL_VERSION)
    assert "<script" not in svg.lower()
    assert re.search(r">&lt;script&gt;alert\(1\)&lt;/script&gt;[^<]*</(text|tspan)>", svg)


def test_vega_lite_version_is_available():
    assert VL_VERSION in vl_convert.get_vegalite_versions()


def test_import_changes_no_global_altair_setting():
    before = (alt.theme.active, alt.data_transformers.active, alt.renderers.active)
    importlib.reload(charts)
    assert (alt.theme.active, alt.data_transformers.active, alt.renderers.active) == before


# -- 1. dimension scores -----------------------------------------------------------------------
def test_dimension_scores_embeds_scores_in_frame_order_with_missing_as_null():
    spec = charts.dimension_scores(dims_frame()).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert [r["label"] for r in rows] == ["Governance", "Support", "People"]
    assert [r["score"] for r in rows] == [66.25, 95.0, None]
    assert [r["level_name"] for r in rows] == ["Level 4", "Level 5", "no score"]
    assert [r["ci"] for r in rows] == ["55.5 to 77.0", "90.0 to 100.0", None]
    assert [r["respondents"] for r in rows] == [7, 6, 0]
    bar = next(u for u, _ in units(spec) if mark_type(u) == "bar")
    assert bar["encoding"]["y"]["sort"] == ["Governance", "Support", "People"]
    assert bar["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert {"label", "score_text", "level_name", "ci", "rwg_text", "respondents"} <= set(tooltip_fields(bar))


def test_dimension_scores_marks_low_agreement_and_missing_rows():
    spec = charts.dimension_scores(dims_frame()).to_dict()
    texts = {field(u, "text"): values(spec, u, d) for u, d in units(spec) if mark_type(u) == "text"}
    assert [r["flag"] for r in texts["flag"]] == [None, "low agreement", None]
    assert [r["missing"] for r in texts["missing"]] == [None, None, "no score"]
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    assert svg.count(">low agreement</text>") == 1
    assert svg.count(">no score</text>") == 1


@pytest.mark.parametrize(
    ("thresholds", "levels"),
    [
        ((20, 40, 60, 80), ["Level 1", "Level 2", "Level 3", "Level 4", "Level 5"]),
        ((30, 70), ["Level 1", "Level 2", "Level 3"]),
    ],
)
def test_dimension_scores_draws_a_rule_at_each_threshold(thresholds, levels):
    spec = charts.dimension_scores(dims_frame(), thresholds=thresholds).to_dict()
    rules = unit_rows(spec, lambda u: mark_type(u) == "rule" and field(u, "x") == "threshold")
    assert [r["threshold"] for r in rules] == [float(t) for t in thresholds]
    bar = next(u for u, _ in units(spec) if mark_type(u) == "bar")
    scale = bar["encoding"]["color"]["scale"]
    assert scale["domain"] == levels
    assert len(scale["range"]) == len(levels)
    assert scale["range"][-1] == charts.NAVY


def test_dimension_scores_of_a_real_assessment(tiny):
    rows = [(r, role, item, value)
            for r, role, vals in [("a", "executive", [4, 2, 4, 4, 3, 3]), ("b", "pmo_staff", [5, 1, 5, 5, 4, 4]),
                                  ("c", "pmo_staff", [2, 4, 2, 2, 5, 1])]
            for item, value in zip(["G1", "G2", "G3", "G4", "S1", "S2"], vals)]
    result = assess(answers(rows), tiny).assessments[0]
    dims = result.dimensions
    kept = dims.copy(deep=True)
    spec = charts.dimension_scores(dims, thresholds=tiny.maturity_thresholds).to_dict()
    pd.testing.assert_frame_equal(dims, kept)
    json.dumps(spec, allow_nan=False)
    drawn = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert [r["dimension"] for r in drawn] == ["gov", "sup", "ppl"]
    assert drawn[0]["score"] == pytest.approx(dims["score"].iloc[0])
    assert drawn[2]["score"] is None  # nobody answered People
    assert [r["agreement"] for r in drawn] == ["low agreement", "low agreement", None]


# -- 2. type ladder ---------------------------------------------------------------------------
def test_ladder_rows_by_rung_with_points_needed():
    spec = charts.ladder(ladder_frame(), "supportive", TYPE_LABELS, dimension_labels={"gov": "Governance"}).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert [r["rung"] for r in rows] == ["Supportive (PMO's type)", "Controlling", "Controlling", "Strategic"]
    assert [r["label"] for r in rows] == ["Governance", "Governance", "sup", "ppl"]
    assert [r["status"] for r in rows] == ["met", "met", "not met", "no score"]
    assert [r["needed"] for r in rows] == [None, None, pytest.approx(4.5), None]
    assert [r["needed_text"] for r in rows] == ["0 (gate met)", "0 (gate met)", "4.5 points", "unknown (no score)"]
    assert [r["current"] for r in rows] == ["current", "other", "other", "other"]
    assert spec["facet"]["row"]["sort"] == ["Supportive (PMO's type)", "Controlling", "Strategic"]
    ticks = [u for u, _ in units(spec) if mark_type(u) == "tick"]
    assert [field(u, "x") for u in ticks] == ["gate"]
    assert "needed_text" in tooltip_fields(ticks[0])


def test_ladder_without_a_current_rung(tiny):
    from pmo_workbench.assessment.positioning import classify_type

    result = classify_type({"gov": 10.0, "sup": NAN, "ppl": 60.0}, tiny)
    spec = charts.ladder(result.ladder, result.type, TYPE_LABELS).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert result.type == "ad_hoc"
    assert not any("PMO's type" in r["rung"] for r in rows)
    assert [r["needed"] for r in rows] == [pytest.approx(30.0), pytest.approx(50.0), None, pytest.approx(10.0)]


def test_ladder_shows_gate_states_ranges_and_the_target(tiny):
    from pmo_workbench.assessment.positioning import Target, classify_type

    frame = pd.DataFrame([{"dimension": "gov", "score": 62.0, "ci_low": 55.0, "ci_high": 69.0},
                          {"dimension": "sup", "score": 55.0, "ci_low": 51.0, "ci_high": 59.0},
                          {"dimension": "ppl", "score": 20.0, "ci_low": 15.0, "ci_high": 25.0}])
    result = classify_type(frame, tiny, target=Target("strategic", "engagement"))
    spec = charts.ladder(result.ladder, result.type, TYPE_LABELS, target_type="strategic").to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert [r["status"] for r in rows] == ["met", "borderline", "met", "not met"]
    assert [r["rung"] for r in rows][-1] == "Strategic (target)"
    assert [(r["ci_low"], r["ci_high"]) for r in rows][1] == (55.0, 69.0)
    ranges = [u for u, _ in units(spec) if mark_type(u) == "rule"]
    assert [field(u, "x") for u in ranges] == ["ci_low"]


# -- 3. PMO roles ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (None, ["Standards", "Customer support", "Empowerment"]),
        ({"empowerment": "Growing people"}, ["Standards", "Customer support", "Growing people"]),
    ],
)
def test_pmo_roles_three_bars_with_value_labels(labels, expected):
    spec = charts.pmo_roles(roles_series(), labels).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert [r["label"] for r in rows] == expected
    assert [r["score"] for r in rows] == [66.25, 45.5, None]
    text = next(u for u, _ in units(spec) if mark_type(u) == "text")
    assert field(text, "text") == "text"
    assert [r["text"] for r in rows] == ["66", "46", "no score"]


# -- 4. perception --------------------------------------------------------------------------
def test_perception_cells_and_suppression():
    spec = charts.perception(by_role_frame(), {"gov": "Governance", "sup": "Support"}, ROLE_LABELS).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "rect")
    assert [r["cell_text"] for r in rows] == ["suppressed", "70", "45", "suppressed", "80", "suppressed"]
    # with the minimum group size, a suppressed cell states the rule
    spec = charts.perception(by_role_frame(), {"gov": "Governance", "sup": "Support"}, ROLE_LABELS,
                             min_group_size=3).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "rect")
    assert [r["cell_text"] for r in rows] == ["n<3", "70", "45", "n<3", "80", "n<3"]
    spec = charts.perception(by_role_frame(), {"gov": "Governance", "sup": "Support"}, ROLE_LABELS).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "rect")
    assert [r["score"] for r in rows] == [None, 70.4, 45.0, None, 80.0, None]
    assert [r["status"] for r in rows] == ["suppressed (small group)", "shown", "shown",
                                           "suppressed (complementary)", "shown", "suppressed (small group)"]
    for unit, _ in units(spec):
        assert {"n", "status", "role_label", "dimension_label"} <= set(tooltip_fields(unit))
    rects = [u for u, _ in units(spec) if mark_type(u) == "rect"]
    assert any(u["mark"].get("color") == charts.GREY for u in rects), "suppressed cells are grey"
    assert rects[0]["encoding"]["x"]["sort"] == ["Executive", "PMO staff", "Project manager"]
    assert rects[0]["encoding"]["y"]["sort"] == ["Governance", "Support"]


def test_perception_never_shows_a_suppressed_score():
    frame = by_role_frame().assign(score=[11.0, 70.4, 45.0, 22.0, 80.0, 33.0])  # scores left in by mistake
    rows = unit_rows(charts.perception(frame, {}, {}).to_dict(), lambda u: mark_type(u) == "rect")
    assert [r["score"] for r in rows] == [None, 70.4, 45.0, None, 80.0, None]


def test_perception_of_a_real_assessment(tiny):
    people = [("e1", "executive")] + [(f"s{i}", "pmo_staff") for i in range(3)] + \
             [(f"m{i}", "project_manager") for i in range(4)]
    rows = [(r, role, item, 2 + (k + len(r)) % 3) for k, (r, role) in enumerate(people)
            for item in ["G1", "G2", "G3", "G4", "S1", "S2"]]
    result = assess(answers(rows), tiny).assessments[0]
    by_role = result.perception.by_role
    spec = charts.perception(by_role, {d.id: d.label for d in tiny.dimensions}, ROLE_LABELS).to_dict()
    json.dumps(spec, allow_nan=False)
    drawn = unit_rows(spec, lambda u: mark_type(u) == "rect")
    assert len(drawn) == len(by_role)
    expected = ["suppressed" if pd.notna(s) else f"{v:.0f}" for s, v in zip(by_role["suppressed"], by_role["score"])]
    assert [r["cell_text"] for r in drawn] == expected
    assert "suppressed" in expected and any(e != "suppressed" for e in expected)


def test_perception_with_no_cells():
    empty = pd.DataFrame(columns=["dimension", "role", "n", "score", "suppressed"])
    spec = charts.perception(empty, {}, {}).to_dict()
    assert unit_rows(spec, lambda u: mark_type(u) == "rect") == []
    vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)


# -- 5. benchmark ---------------------------------------------------------------------------
def test_benchmark_strips_mark_peers_quartiles_and_the_pmo():
    spec = charts.benchmark_strips(*benchmark_frames(), pmo="Main").to_dict()
    ticks = unit_rows(spec, lambda u: mark_type(u) == "tick" and field(u, "x") == "score")
    assert len(ticks) == 20 and ticks[0]["score"] == 10.0  # one tick per peer and dimension
    boxes = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert [(r["label"], r["q1"], r["q3"]) for r in boxes] == [  # the filter leaves sup (no quartiles) out
        ("Governance", 32.5, 77.5), ("Support", None, None), ("People", 30.0, 70.0)]
    marks = unit_rows(spec, lambda u: mark_type(u) == "point")
    assert [(r["score"], r["rank_text"], r["quartile"], r["who"]) for r in marks] == [
        (66.25, "5 of 11", "second", "Main"), (45.5, "-", "-", "Main"), (None, "-", "-", "Main")]
    point = next(u for u, _ in units(spec) if mark_type(u) == "point")
    assert point["encoding"]["x"]["scale"]["domain"] == [0, 100]
    assert {"score_text", "rank_text", "quartile"} <= set(tooltip_fields(point))


# -- 6. item heat map ---------------------------------------------------------------------------
@pytest.mark.parametrize(("n_items", "height"), [(55, 660), (3, 36), (1, 12)])
def test_item_heatmap_grows_with_items_in_input_order(n_items, height):
    frame = items_frame(n_items)
    spec = charts.item_heatmap(frame).to_dict()
    assert spec["height"] == height  # 12 px per item: one line of statement
    rect = next(u for u, _ in units(spec) if mark_type(u) == "rect")
    # rows are labelled with the id and the statement, so the printed page says what was asked
    assert rect["encoding"]["y"]["sort"] == [f"I{i:02d} Statement {i}" for i in range(n_items)]
    assert "text" in tooltip_fields(rect)
    rows = unit_rows(spec, lambda u: mark_type(u) == "rect")
    assert [r["text"] for r in rows] == frame["text"].tolist()


def test_item_heatmap_missing_score_and_role_labels():
    frame = items_frame(5)
    spec = charts.item_heatmap(frame, role_labels={"project_manager": "PM", "executive": "Exec"}).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "rect")
    missing = [r for r in rows if r["item"] == "I03"]
    assert [r["score"] for r in missing] == [None, None, None]
    rect = next(u for u, _ in units(spec) if mark_type(u) == "rect")
    assert rect["encoding"]["x"]["sort"] == ["PM", "Exec", "pmo_staff"]


@pytest.mark.parametrize(("statement", "width", "label"), [
    ("The PMO has a written mandate.", 90, "GOV1 The PMO has a written mandate."),
    # wrapped at the last space before the width, never cut: the whole statement is printed
    ("The PMO has a written mandate agreed by the board.", 30,
     "GOV1 The PMO has a written\nmandate agreed by the board."),
    # a word longer than a line stays whole
    ("Interdependencies matter", 10, "GOV1\nInterdependencies\nmatter"),
    # spaces and line breaks in the statement are folded; a missing statement leaves the id
    ("  Two\n  lines ", 90, "GOV1 Two lines"),
    (None, 90, "GOV1"),
])
def test_item_label(statement, width, label):
    assert charts.item_label("GOV1", statement, width=width) == label


def test_item_heatmap_rows_grow_with_wrapped_labels():
    # the longest pmo-core statement label is 94 characters: one line at the default width, so rows stay 12 px
    frame = items_frame(3)
    assert charts.item_heatmap(frame).to_dict()["height"] == 36
    long = frame.assign(text="word " * 40)  # "I00 word word ..." = 204 characters: three lines of at most 96
    spec = charts.item_heatmap(long).to_dict()
    assert spec["height"] == 3 * (3 * (8 + 1) + 2)  # label font 8 px, line height 9 px, 2 px to spare
    axis = next(u for u, _ in units(spec) if mark_type(u) == "rect")["encoding"]["y"]["axis"]
    assert axis["labelExpr"] == "split(datum.label, '\\n')" and axis["labelLimit"] == 0


def test_item_heatmap_parts_end_at_dimensions_and_fit_the_cap():
    # items_frame: dimension d0 = I00-I04, d1 = I05-I09, ... (5 items each); 12 items = d0, d1, d2 (2 items)
    frame = items_frame(12)
    parts = charts.item_heatmap_parts(frame, max_rows=7)
    assert [list(dict.fromkeys(p["item"])) for p in parts] == [
        ["I00", "I01", "I02", "I03", "I04"], ["I05", "I06", "I07", "I08", "I09", "I10", "I11"]]
    # a dimension longer than the cap is cut inside it
    parts = charts.item_heatmap_parts(frame, max_rows=3)
    assert [len(set(p["item"])) for p in parts] == [3, 3, 3, 3]
    assert sum(len(p) for p in parts) == len(frame)
    with pytest.raises(ValueError, match="max_rows must be 1 or more, got 0"):
        charts.item_heatmap_parts(frame, max_rows=0)


@pytest.mark.parametrize(("label", "lines"), [
    # short: one line; long: two lines split at a space
    ("Governance", ["Governance"]),
    ("PM competency and career development", ["PM competency and career", "development"]),
    # a second line too long ends with an ellipsis; a first word longer than a line stays whole
    ("KRC-099 — Electrical safety surveys and works at every depot", ["KRC-099 — Electrical",
                                                                     "safety surveys and works…"]),
    ("Supercalifragilisticexpialidociousness is long", ["Supercalifragilisticexpialidociousness is long"]),
])
def test_wrap_text(label, lines):
    from pmo_workbench.charts.style import wrap_text

    assert wrap_text(label, 26) == lines


def test_dense_rows_keep_labels_on_one_line():
    # 12 px rows cannot hold two lines: the label stays whole on one line (the label limit cuts it if need be)
    frame = items_frame(3).assign(text="A statement long enough to need two lines in a roomy chart")
    spec = charts.item_heatmap(frame).to_dict()
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    assert "<tspan" not in svg


def test_long_axis_labels_wrap_instead_of_being_cut():
    from pmo_workbench.charts.style import wrap_text

    frame = dims_frame("PM competency and career development")
    svg = vl_convert.vegalite_to_svg(charts.dimension_scores(frame).to_dict(), vl_version=VL_VERSION)
    assert wrap_text("PM competency and career development") == ["PM competency and career", "development"]
    assert ">PM competency and career</tspan>" in svg and ">development</tspan>" in svg
    assert "…" not in svg


# -- 7. several PMOs ----------------------------------------------------------------------------
def test_compare_pmos_groups_bars_by_pmo():
    frames = compare_frames()
    spec = charts.compare_pmos(frames).to_dict()
    rows = unit_rows(spec, lambda u: mark_type(u) == "bar")
    assert [(r["pmo"], r["label"], r["score"]) for r in rows] == [
        ("Enterprise PMO", "Governance", 66.25), ("Enterprise PMO", "Support", 95.0),
        ("Enterprise PMO", "People", None), ("IT PMO", "Governance", 40.0), ("IT PMO", "Support", None),
        ("IT PMO", "People", 60.0),
    ]
    assert [r["text"] for r in rows if r["score"] is None] == ["no score", "no score"]
    bar = next(u for u, _ in units(spec) if mark_type(u) == "bar")
    assert bar["encoding"]["color"]["scale"]["domain"] == ["Enterprise PMO", "IT PMO"]
    assert bar["encoding"]["color"]["scale"]["range"] == [charts.NAVY, charts.ACCENT]
    assert field(bar, "yOffset") == "pmo"
    assert bar["encoding"]["y"]["sort"] == ["Governance", "Support", "People"]


def test_compare_pmos_legend_writes_long_names_whole():
    import vl_convert

    name = "Capital Investment and Regeneration Programme Management Office"
    frames = {name: dims_frame("Support"), "IT PMO": dims_frame("Support")}
    svg = vl_convert.vegalite_to_svg(charts.compare_pmos(frames).to_dict(), vl_version=VL_VERSION)
    assert f">{name}</text>" in svg and "…" not in svg


def test_perception_two_line_labels_are_centred_on_their_rows():
    import vl_convert

    # rows 28 px tall: "Programme and cross-project work" wraps onto two 13 px lines, lifted by half a line
    # (6.5 px) so that it stays within its row; a one-line label is not moved
    dims = {"prog": "Programme and cross-project work", "res": "Shared resource management"}
    frame = pd.DataFrame([{"dimension": d, "role": r, "n": 5, "score": 50.0, "suppressed": None}
                          for d in dims for r in ("a", "b")])
    svg = vl_convert.vegalite_to_svg(charts.perception(frame, dims, {"a": "A", "b": "B"}).to_dict(),
                                     vl_version=VL_VERSION)
    two = re.search(r'translate\(-2,([\d.]+)\)[^>]*><tspan>Programme and</tspan><tspan x="0" dy="13">', svg)
    one = re.search(r'translate\(-2,([\d.]+)\)[^>]*>Shared resource management<', svg)
    assert two and one
    assert float(two.group(1)) == pytest.approx(14 + 2.5 - 6.5) and float(one.group(1)) == pytest.approx(42 + 2.5)


def test_project_labels_wrap_whole_and_no_axis_title_runs_over_them():
    import vl_convert

    name = "KRC-086 — Northfield leisure centre roof replacement"
    frame = pd.DataFrame({"project_id": ["KRC-086", "KRC-001"], "threat_emv": [-1.2e6, -2e5],
                          "opportunity_emv": [4e5, 2e5], "threats": [2, 1], "opportunities": [1, 1]})
    spec = charts.exposure_bars(frame, "project_id", label="Project", currency="GBP",
                                names={"KRC-086": name, "KRC-001": "KRC-001 — Short"}).to_dict()
    assert spec["encoding"]["y"]["title"] is None and spec["height"] == {"step": 2 * 13 + 4}
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    # 40 characters a line, the second line lifted by half a line (row centre 15 + 2.5 - 6.5)
    assert ('translate(-7,11)" font-family="Helvetica, Arial, sans-serif" font-size="11px" fill="#262626" '
            'opacity="1"><tspan>KRC-086 — Northfield leisure centre roof</tspan><tspan x="0" dy="13">replacement'
            in svg)
    assert "…" not in svg
    evm = pd.DataFrame({"project_id": ["HWS-003"], "name": ["Moorside sewage works capacity increase phase two"],
                        "sv_t": [-1.5], "es": [3.0], "at": [4.5], "spi_t": [0.67], "rag_schedule": ["red"]})
    svg = vl_convert.vegalite_to_svg(charts.schedule_view(evm).to_dict(), vl_version=VL_VERSION)
    assert ">HWS-003 — Moorside sewage works capacity</tspan>" in svg and ">increase phase two</tspan>" in svg


def test_item_heatmap_grey_cells_say_why():
    frame = items_frame(3).assign(status="shown")
    frame.loc[frame["item"] == "I00", ["score", "status"]] = [float("nan"), "suppressed"]
    frame.loc[frame["item"] == "I01", ["score", "status"]] = [float("nan"), "not asked"]
    frame.loc[frame["item"] == "I02", ["score", "status"]] = [float("nan"), "no answer"]
    rows = unit_rows(charts.item_heatmap(frame, min_group_size=3).to_dict(), lambda u: mark_type(u) == "text")
    texts = {r["item"]: r["cell_text"] for r in rows}
    assert texts == {"I00": "n<3", "I01": "n/a", "I02": ""}


def test_perception_small_role_without_a_score_reads_as_hidden():
    # the organisation's only team member left a dimension unscored: an empty white cell would say so
    frame = pd.DataFrame([{"dimension": "gov", "role": "team", "n": 0, "score": float("nan"), "suppressed": None}])
    rows = unit_rows(charts.perception(frame, {"gov": "Governance"}, {"team": "Team member"},
                                       min_group_size=3).to_dict(), lambda u: mark_type(u) == "text")
    assert [r["cell_text"] for r in rows] == ["n<3"]


# -- 8. roadmap ---------------------------------------------------------------------------------
def test_roadmap_places_each_initiative_in_its_workstream_and_phase():
    spec = charts.roadmap(initiatives_frame()).to_dict()
    boxes = unit_rows(spec, lambda u: mark_type(u) == "rect" and field(u, "color") == "effort")
    assert [b["id"] for b in boxes] == ["I1", "I6", "I2", "I3", "I4", "I5"]  # by workstream, then phase
    by_id = {b["id"]: b for b in boxes}
    # three columns of (640 - 16 - 118) / 3 = 168.67 px after the 118 px of labels; a 3 px gap on each side
    assert by_id["I1"]["x"] == pytest.approx(121.0) and by_id["I4"]["x"] == pytest.approx(118 + 168.6667 + 3)
    assert by_id["I5"]["x2"] == pytest.approx(624 - 3)
    # I4 and I5 share a row (People) with I3: each starts at its row's top
    assert by_id["I3"]["y"] == by_id["I4"]["y"] == by_id["I5"]["y"]
    # no two boxes overlap
    for a in boxes:
        for b in boxes:
            if a is not b:
                assert a["x2"] <= b["x"] or b["x2"] <= a["x"] or a["y2"] <= b["y"] or b["y2"] <= a["y"]
    texts = [t["text"] for u, data in units(spec) if mark_type(u) == "text" for t in values(spec, u, data)]
    # the charter's title is wrapped (no line over 30 characters), its id first, cut after two lines (the table
    # beside the chart has it whole); details under it
    assert texts[:2] == ["I1 Agree a PMO charter that", "sets its remit and decision\u2026"]
    assert "10 weeks, high effort" in texts and "Quick wins" in texts and "Governance" in texts
    assert "Audit" in " ".join(texts)  # an unknown effort: no effort said, the box still drawn


def test_roadmap_cuts_a_very_long_title_after_two_lines():
    spec = charts.roadmap(initiatives_frame("word " * 60)).to_dict()
    texts = [t["text"] for t in unit_rows(spec, lambda u: mark_type(u) == "text" and field(u, "text") == "text")]
    first = [t for t in texts if t.startswith("I1") or t.startswith("word")][:5]
    assert len(first) == 2 and first[-1].endswith("\u2026")


def test_roadmap_is_deterministic():
    assert charts.roadmap(initiatives_frame()).to_dict() == charts.roadmap(initiatives_frame()).to_dict()


def test_roadmap_with_no_initiatives():
    empty = pd.DataFrame(columns=["id", "title", "workstream_label", "effort", "phase", "phase_label"])
    spec = charts.roadmap(empty).to_dict()
    json.dumps(spec, allow_nan=False)
    assert unit_rows(spec, lambda u: mark_type(u) == "rect" and field(u, "color") == "effort") == []
    vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)


def test_ladder_without_a_score_draws_no_null_text():
    ladder_frame = pd.DataFrame([
        {"type": "supportive", "dimension": "gov", "gate": 40.0, "score": float("nan"), "met": False},
        {"type": "supportive", "dimension": "sup", "gate": 40.0, "score": 50.0, "met": True},
    ])
    svg = vl_convert.vegalite_to_svg(charts.ladder(ladder_frame, "ad_hoc", {"supportive": "Supportive"}).to_dict(),
                                     vl_version=VL_VERSION)
    assert "no score" in svg and ">null<" not in svg and "null" not in svg
