"""The built-in pm-competency instrument, its development library and the sample cohorts."""

from __future__ import annotations

import pytest

from pmo_workbench.assessment.competency import PROCESS_GROUPS, load_competency_instrument
from pmo_workbench.assessment.competency_library import load_development_library
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.assessment.competency_scoring import cohort_distribution, score_competency, training_needs
from pmo_workbench.resources import examples_dir

KNOWLEDGE_AREAS = ("integration", "scope", "schedule", "cost", "quality", "resource", "communications", "risk",
                   "procurement", "stakeholder")


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_instrument_in_each_language(language):
    ins = load_competency_instrument("pm-competency", language=language)
    english = load_competency_instrument("pm-competency", language="en")
    assert ins.area_ids[:10] == KNOWLEDGE_AREAS
    assert ins.area_ids[10:] == ("leadership", "influence", "business_acumen", "agile_hybrid")
    assert list(ins.items.index) == list(english.items.index) and ins.required == english.required
    assert ins.language == language and ins.scale.min == 1 and ins.scale.max == 5
    for area in ins.areas:
        assert all(area.anchors[k].strip() for k in range(1, 6))
    # every area keeps a behaviour expected of every level; each process group spans at least 4 areas
    for level in ins.level_ids:
        assert set(ins.items.loc[ins.items_for(level), "area"]) == set(ins.area_ids)
    groups = ins.items.dropna(subset=["process_group"]).groupby("process_group")["area"].nunique()
    assert set(groups.index) == set(PROCESS_GROUPS) and groups.min() >= 4
    assert ins.required_profile().notna().all().all()
    library = load_development_library(language=language, instrument=ins)
    assert {s.area for s in library.suggestions} == set(ins.area_ids)


def test_the_samples_show_the_designed_pattern():
    ins = load_competency_instrument("pm-competency", language="en")
    folder = examples_dir() / "competency"
    sizes = {}
    for path in sorted(folder.glob("*.csv")):
        results = score_competency(read_competency_responses(path, ins), ins)
        sizes[path.stem] = len(results.people)
        needs = training_needs(results)
        # weak on stakeholder management and business acumen: among the top needs; strong on schedule and
        # cost: among the highest levels
        assert "stakeholder" in list(needs.index[:3])
        assert "business_acumen" in list(needs.index[:4])
        means = cohort_distribution(results)["mean"].sort_values(ascending=False)
        assert {"schedule", "cost"} <= set(means.index[:4])
        # self-ratings run high: the mean self-manager gap is positive in most areas
        gaps = results.profile.groupby("area", observed=True)["gap"].mean()
        assert (gaps > 0).sum() >= 10
        # some people have fewer than 3 others in an area: the small-group rule has work to do
        assert (results.profile["basis"] == "manager").any() and (results.profile["basis"] == "others").any()
    assert sizes == {"harrowmoor-water-services": 30, "korrin-regional-council": 12}
