"""One roadmap per PMO per report: the portfolio's findings reach the summary, the roadmap and the evidence alike."""

from __future__ import annotations

import pytest

import pmo_workbench as pw
from pmo_workbench.assessment import insights
from pmo_workbench.assessment.recommendations import library_for
from pmo_workbench.reports.evidence_roadmap import evidence_and_roadmaps, with_portfolio_roadmaps
from pmo_workbench.resources import examples_dir

KORRIN = "Korrin Regional Council"


@pytest.fixture(scope="module")
def korrin():
    instrument = pw.load_instrument("pmo-core")
    answers = pw.read_responses(examples_dir() / "pmo_responses.csv", instrument)
    answers = answers[answers["organisation"] == KORRIN].reset_index(drop=True)
    results = pw.assess(answers, instrument)
    return instrument, results, library_for(instrument)


def test_the_roadmap_answers_each_pmos_own_projects_and_the_summary_reads_it(korrin):
    instrument, results, library = korrin
    pmos = list(results.assessments)
    rebuilt, found = evidence_and_roadmaps(pmos, examples_dir() / "portfolios" / "korrin-regional-council.xlsx",
                                           instrument=instrument, library=library, as_of="2026-05-31",
                                           organisation=KORRIN, assessed=pmos)
    by_pmo = {a.pmo: a for a in rebuilt}
    # the three projects without a sponsor (KRC-025, KRC-100, KRC-149) are all the Digital Services PMO's
    sponsor = [i for i in by_pmo["Digital Services PMO"].roadmap.initiatives
               if any("without a sponsor" in e for e in i.evidence)]
    assert len(sponsor) == 1 and "KRC-025" in " ".join(sponsor[0].evidence)
    assert not any("KRC-025" in " ".join(i.evidence) for i in by_pmo["Corporate PMO"].roadmap.initiatives)
    for a in rebuilt:
        # the flat steps, hence the executive summary's priorities, are those of the roadmap the report shows
        assert list(a.recommendations["id"]) == list(a.roadmap.steps()["id"])
        first = insights.priorities(a)
        lead = {i.dimension for i in a.roadmap.initiatives}
        assert set(first["dimension"]) <= lead
    assert found.analysis is not None and [p.pmo for p in found.pmos] == [a.pmo for a in rebuilt]


def test_without_a_portfolio_nothing_is_rebuilt(korrin):
    instrument, results, library = korrin
    pmos = list(results.assessments)
    assert all(new is old for new, old in zip(with_portfolio_roadmaps(pmos, instrument, library, None), pmos))
