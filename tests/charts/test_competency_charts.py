"""The competency charts over the mini cohort of ``tests/competency_mini.py``, whose figures are worked by hand:

- heat map: Ana's risk on her manager's ratings (2 peers rated risk: fewer than 3, so her risk level is Max's:
  r1 3, r3 3, r2 3), her stakeholder items on others' (s1 (4+3+5+3)/4 = 3.75); Ben's and Cara's on the
  manager's and their own (planning 3 and 4, monitoring 4 and 3, initiating 1 and 2): risk/planning
  (3 + 3 + 4) / 3 = 3.33, risk/monitoring (3 + 4 + 3) / 3 = 3.33, stakeholder/initiating (3.75 + 1 + 2) / 3 =
  2.25, each of 3 people; stakeholder/executing has only Ana and Cara (Ben's manager left s2 blank), fewer than
  3, so it is absent;
- training needs: stakeholder (Ana 3.875 < 4, Ben 1 < 2: 2 of 3, shortfall (0.125 + 1) / 2 = 0.5625) then risk
  (Ana 3 < 4: 1 of 3, 1.0);
- self vs others: no area has 3 people with both, so everything is suppressed;
- Ana's profile: self 4.67 and 4, manager 3 and 4.5, peers and others only for stakeholder (3.67 and 3.875: 3
  peers rated it, 2 rated risk), so her risk level is her manager's 3; required 4 in both.
"""

from __future__ import annotations

import copy
import json
import re

import pandas as pd
import pytest
import vl_convert

from pmo_workbench import charts
from pmo_workbench.assessment import competency_scoring as cs
from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.i18n import use_language

from tests.competency_mini import write_mini

from .test_charts import VL_VERSION, walk
from .test_portfolio_charts import units


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    instrument_path, ratings = write_mini(tmp_path_factory.mktemp("competency-charts"))
    instrument = load_competency_instrument(instrument_path)
    return instrument, cs.score_competency(read_competency_responses(ratings, instrument), instrument)


def self_vs_others_frame() -> pd.DataFrame:
    """A self_vs_others() frame with one area shown and one suppressed (the mini cohort has none shown)."""
    return pd.DataFrame({"label": ["Risk management", "Stakeholder management"], "n": [4, 2],
                         "self": [4.25, float("nan")], "others": [3.5, float("nan")],
                         "difference": [0.75, float("nan")], "n_gap": [4, 2], "mean_gap": [0.5, float("nan")]},
                        index=pd.Index(["risk", "stakeholder"], name="area"))


CASES = {
    "heatmap": (charts.competency_heatmap, lambda r: cs.process_group_heatmap(r)),
    "needs": (charts.training_needs_chart, lambda r: cs.training_needs(r)),
    "self_vs_others": (charts.self_vs_others_chart, lambda r: self_vs_others_frame()),
    "distribution": (charts.distribution_chart, lambda r: cs.cohort_distribution(r)),
    "profile": (charts.profile_chart, lambda r: cs.person_profile(r, "Ana")),
}


@pytest.fixture(scope="module")
def loose_needs(tmp_path_factory):
    """Draws the training-needs chart with min_raters 2 (two people below may say how far), in the current
    language."""
    instrument_path, ratings = write_mini(tmp_path_factory.mktemp("competency-charts-loose"))
    loose = load_competency_instrument(instrument_path).model_copy(update={"min_raters": 2})
    needs = cs.training_needs(cs.score_competency(read_competency_responses(ratings, loose), loose))
    return lambda: charts.training_needs_chart(needs, loose).to_dict()


def build(name: str, mini) -> dict:
    instrument, results = mini
    call, frame = CASES[name]
    return call(frame(results), instrument).to_dict()  # validates against the Vega-Lite schema


def rows(spec: dict, column: str, without: str | None = None) -> list[dict]:
    """The dataset of ``spec`` whose rows have ``column`` (and not ``without``)."""
    return next(d for d in spec["datasets"].values() if d and column in d[0] and without not in d[0])


@pytest.mark.parametrize("name", list(CASES))
def test_each_chart_is_valid_offline_described_with_tooltips_fits_a4_and_leaves_its_input_alone(name, mini):
    instrument, results = mini
    call, make = CASES[name]
    frame = make(results)
    kept = copy.deepcopy(frame)
    spec = call(frame, instrument).to_dict()
    json.dumps(spec, allow_nan=False)
    assert spec["datasets"] and not [v for k, v in walk(spec) if k == "url"]
    for unit in units(spec):
        assert unit.get("encoding", {}).get("tooltip"), f"{unit['mark']} mark without tooltip"
    assert spec["description"].endswith(".") and len(spec["description"]) > 40
    pd.testing.assert_frame_equal(frame, kept)
    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    assert float(re.search(r'<svg[^>]*?\swidth="([\d.]+)"', svg).group(1)) <= charts.MAX_WIDTH


def test_heatmap_cells_are_the_hand_worked_means_on_a_fixed_scale(mini):
    spec = build("heatmap", mini)
    cells = rows(spec, "level")
    assert [(c["area"], c["process_group"], round(c["level"], 2), c["n"], c["level_text"]) for c in cells] == [
        ("risk", "planning", 3.33, 3, "3.3"), ("risk", "monitoring_controlling", 3.33, 3, "3.3"),
        ("stakeholder", "initiating", 2.25, 3, "2.2")]
    layer = spec["layer"][0]["encoding"]
    assert layer["color"]["scale"]["domain"] == [1, 5]  # two cohorts' maps compare
    # every process group the instrument uses is a column, in PMBOK order, the empty ones blank
    assert layer["x"]["scale"]["domain"] == ["Initiating", "Planning", "Executing", "Monitoring and controlling"]
    assert layer["y"]["scale"]["domain"] == ["Risk management", "Stakeholder management"]
    assert "Risk management in Planning (3.3)" in spec["description"]
    assert "Stakeholder management in Initiating (2.2)" in spec["description"]


def test_training_needs_are_drawn_in_rank_order_with_n_of_m(mini, loose_needs):
    spec = build("needs", mini)
    bars = rows(spec, "n_below")
    assert [(b["area"], b["n_below"], b["n_required"], b["text"], b["shortfall"]) for b in bars] == [
        ("stakeholder", 2, 3, "2 of 3", None), ("risk", 1, 3, "1 of 3", None)]  # too few below to say how far
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["Stakeholder management", "Risk management"]
    assert spec["description"].endswith("first Stakeholder management, where 2 of 3 people are below it.")
    below = spec["layer"][1]["encoding"]["color"]
    assert below["condition"]["test"] == "isValid(datum.shortfall)" and below["value"] == charts.style.GREY
    relaxed = loose_needs()  # min_raters 2: stakeholder's 2 people below show how far
    assert "first Stakeholder management, where 2 of 3 people are below it, by 0.56" in relaxed["description"]


def test_self_vs_others_leaves_suppressed_areas_out(mini):
    spec = build("self_vs_others", mini)
    points = rows(spec, "who")
    assert [(p["label"], p["who"], p["level"]) for p in points] == [
        ("Risk management", "Self", 4.25), ("Risk management", "Others (managers and peers)", 3.5)]
    assert [r["area"] for r in rows(spec, "self", "who")] == ["risk"]
    # the mini cohort itself has no area with 3 people rated by themselves and others: a text chart says so
    instrument, results = mini
    empty = charts.self_vs_others_chart(cs.self_vs_others(results), instrument).to_dict()
    assert rows(empty, "message")[0]["message"].startswith("No area has enough people")


def test_distribution_counts_levels_and_annotates_the_share_below(mini):
    instrument, results = mini
    spec = build("distribution", mini)
    segments = rows(spec, "level_name")
    assert [(s["area"], s["level_name"], s["count"]) for s in segments] == [
        ("risk", "3", 1), ("risk", "4", 2), ("stakeholder", "Awareness", 1), ("stakeholder", "2", 1),
        ("stakeholder", "4", 1)]
    assert [(n["area"], n["note"]) for n in rows(spec, "note", "count")] == [("risk", "33% below"),
                                                                    ("stakeholder", "67% below")]
    hidden = cs.cohort_distribution(results)
    hidden.loc["risk", "shown"] = False  # an area too few people fill is left out
    spec = charts.distribution_chart(hidden, instrument).to_dict()
    assert {s["area"] for s in rows(spec, "level_name")} == {"stakeholder"}


def test_profile_shows_each_view_given_and_the_required_level(mini):
    instrument, results = mini
    spec = build("profile", mini)
    areas = rows(spec, "required")
    assert [(a["area"], a["assessed"], a["required"], a["below"]) for a in areas] == [
        ("risk", 3.0, 4.0, True), ("stakeholder", 3.875, 4.0, True)]
    points = [(p["area"], p["view"], round(p["level"], 2)) for p in rows(spec, "view")]
    assert points == [("risk", "self", 4.67), ("risk", "manager", 3.0),
                      ("stakeholder", "self", 4.0), ("stakeholder", "manager", 4.5),
                      ("stakeholder", "peers", 3.67), ("stakeholder", "others", 3.88)]  # 2 peers on risk: neither
    assert "below it in Risk management (3.0 of 4), Stakeholder management (3.9 of 4)" in spec["description"]
    cara = charts.profile_chart(cs.person_profile(results, "Cara"), instrument).to_dict()
    assert {p["view"] for p in rows(cara, "view")} == {"self"}  # nobody else rated her
    assert "below it in none of them" in cara["description"]


@pytest.mark.parametrize("name, says", [
    ("heatmap", "No cell of area and process group has enough people to show (at least 3 are needed)."),
    ("needs", "Nobody is below the required level in any area shown."),
    ("self_vs_others", "No area has enough people with both their own and others' ratings"),
    ("distribution", "No area has enough people assessed to show (at least 3 are needed)."),
    ("profile", "This person has no rating to show."),
])
def test_an_empty_frame_gives_a_text_chart(name, says, mini):
    instrument, results = mini
    call, make = CASES[name]
    for frame in (make(results).iloc[0:0], pd.DataFrame()):
        spec = call(frame, instrument).to_dict()
        assert spec["mark"]["type"] == "text" and rows(spec, "message")[0]["message"].startswith(says)
        assert spec["description"].startswith(says)


def test_a_frame_of_the_wrong_kind_is_refused_naming_what_was_expected(mini):
    instrument, results = mini
    with pytest.raises(ValueError, match=r"lacks the column\(s\) process_group, level, n; expected the frame from "
                                         r"process_group_heatmap\(\)"):
        charts.competency_heatmap(cs.training_needs(results), instrument)
    with pytest.raises(TypeError, match="expected the data frame from training_needs"):
        charts.training_needs_chart([("risk", 1)], instrument)


def test_german_charts_write_german_numbers(mini, loose_needs):
    instrument, results = mini
    with use_language("de"):
        specs = {name: build(name, mini) for name in CASES}
        for spec in specs.values():
            assert spec["config"]["locale"]["number"]["decimal"] == ","
            vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    assert [c["level_text"] for c in rows(specs["heatmap"], "level")] == ["3,3", "3,3", "2,2"]
    assert [n["note"].replace("\xa0", " ") for n in rows(specs["distribution"], "note", "count")] == ["33 % darunter",
                                                                                            "67 % darunter"]
    with use_language("de"):
        assert "im Mittel um 0,56 Skalenpunkte" in loose_needs()["description"]
    assert specs["profile"]["layer"][0]["encoding"]["x"]["axis"]["title"] == "Stufe"  # in the catalogue already
