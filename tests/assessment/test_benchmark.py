"""Comparing a PMO with a benchmark pool: the peer filter, the choice of peers, quartiles, rank and suppression."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from pmo_workbench.assessment.benchmark import (
    MIN_PEERS,
    PeerFilter,
    PeerFilterError,
    compare,
    peers_of,
    quartile_of,
    entry_fields,
    size_band,
)

SECTORS = ("public sector", "financial services", "energy and utilities", "education and research")


def entry(n: int, gov: float | None, *, org: str | None = None, level: str = "enterprise", year: int = 2025,
          added: str = "2025-12-01", instrument: str = "core", sector: str = "public sector", region: str = "North",
          size: str = "large", synthetic: bool = False) -> dict:
    return {"entry_id": f"{n:032x}", "org_key": org or f"{n:064x}", "source_key": None, "instrument_id": instrument,
            "instrument_version": "1", "year": year, "sector": sector, "size": size, "pmo_level": level,
            "region": region, "type": "supportive", "target": None, "overall": gov, "respondents": 8,
            "added_on": added, "synthetic": synthetic, "score_gov": gov}


def pool(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def pmo(gov: float, overall: float | None = None, level: str | None = "enterprise"):
    dims = pd.DataFrame({"dimension": ["gov"], "label": ["Governance"], "score": [gov]})
    return SimpleNamespace(dimensions=dims, overall_score=gov if overall is None else overall, pmo_level=level)


TEN = [entry(n, 10.0 * n) for n in range(1, 11)]  # peers scoring 10, 20, ..., 100


# -- the peer filter ---------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    (None, PeerFilter()),
    ("  ", PeerFilter()),
    ("all", PeerFilter(pmo_level=None)),
    ("pmo_level=enterprise,sector=public sector", PeerFilter(pmo_level="enterprise", sector="public sector")),
    ("sector=public", PeerFilter(sector="public sector")),  # a unique beginning is enough; the own level kept
    ("SECTOR = Financial  Services", PeerFilter(sector="financial services")),
    ("pmo_level=any,size=Medium", PeerFilter(pmo_level=None, size="medium")),
    ("region= North  West ", PeerFilter(region="North West")),
    ("year=2025", PeerFilter(year=(2025, 2025))),
    ("year=2024-2026,pmo_level=project", PeerFilter(pmo_level="project", year=(2024, 2026))),
])
def test_peer_filter_parses(text, expected):
    assert PeerFilter.parse(text, sectors=SECTORS) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("colour=red", "unknown key 'colour'; the keys are pmo_level, sector, size, region, year"),
    ("pmo_level=global", "pmo_level 'global' is not one of: project, department, enterprise"),
    ("size=huge", "size 'huge' is not one of: micro, small, medium, large"),
    ("sector=x", "sector 'x' is not one of: public sector, financial services, energy and utilities, education"),
    ("sector=mining", "sector 'mining' is not one of"),
    ("year=20x5", "year '20x5' is not a year (2025) nor a range (2024-2026)"),
    ("year=2026-2024", "the year range 2026-2024 ends before it starts"),
    ("pmo_level", "'pmo_level' is not KEY=VALUE"),
    ("size=small,size=large", "'size' is given twice"),
    ("region=", "'region' has no value"),
])
def test_peer_filter_refuses_with_what_is_allowed(text, message):
    with pytest.raises(PeerFilterError, match="peer filter") as caught:
        PeerFilter.parse(text, sectors=SECTORS)
    assert message in str(caught.value)


def test_without_a_sector_list_any_sector_is_taken_as_written():
    assert PeerFilter.parse("sector=Mining").sector == "Mining"


def test_the_default_filter_is_the_pmo_s_own_level_and_says_so():
    assert PeerFilter().resolved("department") == PeerFilter(pmo_level="department")
    assert PeerFilter().resolved(None).describe() == "PMOs of any level"
    chosen = PeerFilter.parse("pmo_level=enterprise,sector=public,size=large,year=2024-2025", sectors=SECTORS)
    assert chosen.resolved("project") is chosen  # an explicit level is kept
    assert chosen.describe() == ("enterprise-level PMOs in public sector of large organisations assessed in "
                                 "2024-2025")
    assert chosen.text() == "pmo_level=enterprise,sector=public sector,size=large,year=2024-2025"


def test_filter_matches_text_case_insensitively_and_years_inclusively():
    table = pool(entry(1, 50, region="north west", year=2023), entry(2, 50, region="North West", year=2024),
                 entry(3, 50, region="South", year=2026), entry(4, 50, level="project", year=2024))
    chosen = PeerFilter.parse("pmo_level=enterprise,region=NORTH WEST,year=2023-2024")
    assert chosen.matches(table).tolist() == [True, True, False, False]


@pytest.mark.parametrize(("headcount", "band"), [(0, "micro"), (9, "micro"), (10, "small"), (49, "small"),
                                                 (50, "medium"), (249, "medium"), (250, "large"), (10000, "large")])
def test_size_bands_follow_the_eu_sme_definition(headcount, band):
    assert size_band(headcount) == band


# -- peers -------------------------------------------------------------------------------
def test_one_organisation_counts_once_its_latest_year_then_latest_added():
    table = pool(entry(1, 10, org="a" * 64, year=2024), entry(2, 90, org="a" * 64, year=2025, added="2025-01-02"),
                 entry(3, 70, org="a" * 64, year=2025, added="2025-03-04"), entry(4, 40, org="b" * 64, year=2023))
    chosen = peers_of(table, PeerFilter(pmo_level=None))
    assert sorted(zip(chosen["org_key"].str[0], chosen["score_gov"])) == [("a", 70.0), ("b", 40.0)]


def test_own_organisation_and_other_instruments_are_left_out():
    table = pool(*TEN, entry(11, 99, org="f" * 64), entry(12, 99, instrument="other"))
    chosen = peers_of(table, PeerFilter(pmo_level=None), instrument="core", own_org_key="f" * 64)
    assert sorted(chosen["score_gov"]) == [10.0 * n for n in range(1, 11)]


# -- quartiles, rank, quartile -----------------------------------------------------------
def test_quartiles_rank_and_quartile_worked_by_hand():
    # Peers 10, 20, ..., 100 (n = 10). numpy's linear quantile sits at position (n - 1) * p of the sorted scores:
    # Q1 at 2.25 -> 30 + 0.25 * 10 = 32.5; median at 4.5 -> 50 + 0.5 * 10 = 55; Q3 at 6.75 -> 70 + 0.75 * 10 = 77.5.
    # The PMO's 55: five peers (60..100) score higher, so rank 6 of 11; 55 >= median and < Q3: second quartile.
    result = compare(pmo(55.0, overall=100.0), pool(*TEN), PeerFilter(), instrument="core")
    assert not result.suppressed and result.peers == 10
    gov, overall = result.table.to_dict("records")
    assert (gov["q1"], gov["median"], gov["q3"]) == (32.5, 55.0, 77.5)
    assert (gov["rank"], gov["out_of"], gov["quartile"], gov["peers"]) == (6, 11, "second", 10)
    # overall 100 ties the best peer: it shares rank 1
    assert (overall["dimension"], overall["rank"], overall["quartile"]) == ("overall", 1, "top")
    assert len(result.peer_scores) == 20  # ten peers on two rows
    assert result.sentence == "Compared with 10 enterprise-level PMOs (one per organisation)."


@pytest.mark.parametrize(("score", "rank", "quartile"), [
    (100.0, 1, "top"), (77.5, 4, "top"),  # at Q3 is top; 80, 90, 100 above it: rank 1 + 3
    (77.4, 4, "second"), (70.0, 4, "second"),  # a tie with the peer at 70 shares its rank (1 + three higher)
    (55.0, 6, "second"), (54.9, 6, "third"),  # at the median is second, just under it third
    (32.5, 8, "third"), (32.4, 8, "bottom"),  # at Q1 is third, under it bottom
    (0.0, 11, "bottom"),
])
def test_quartile_edges_and_ties(score, rank, quartile):
    row = compare(pmo(score), pool(*TEN), PeerFilter()).table.iloc[0]
    assert (row["rank"], row["quartile"]) == (rank, quartile)


def test_quartile_of_a_missing_score_is_none():
    assert quartile_of(float("nan"), 1, 2, 3) is None


def test_a_dimension_few_peers_scored_shows_no_numbers():
    rows = [dict(e, score_gov=None) if i < 2 else e for i, e in enumerate(TEN)]  # 8 peers scored gov
    table = compare(pmo(50.0), pool(*rows), PeerFilter()).table
    gov = table.iloc[0]
    assert gov["peers"] == 8 and np.isnan(gov["median"]) and pd.isna(gov["rank"]) and pd.isna(gov["quartile"])
    assert table.iloc[1]["peers"] == 10  # the overall score is still compared


# -- suppression -------------------------------------------------------------------------
@pytest.mark.parametrize(("peers", "suppressed"), [(MIN_PEERS - 1, True), (MIN_PEERS, False)])
def test_fewer_than_ten_peers_suppress_every_number(peers, suppressed):
    result = compare(pmo(50.0), pool(*TEN[:peers]), PeerFilter(), own_org_key="f" * 64)
    assert result.suppressed is suppressed and result.peers == peers
    if suppressed:
        assert result.table.empty and result.peer_scores.empty and result.to_dict()["rows"] == []
        assert result.sentence == ("The benchmark pool holds 9 enterprise-level PMOs (one per organisation, the "
                                   "client's own left out); at least 10 are needed, so no comparison is shown.")
    else:
        assert len(result.table) == 2


def test_nine_peers_after_one_organisation_counts_once_are_too_few():
    twice = [*TEN[:9], entry(10, 100.0, org=TEN[0]["org_key"], year=2026)]  # ten entries, nine organisations
    assert compare(pmo(50.0), pool(*twice), PeerFilter()).suppressed


def test_the_filter_narrows_the_peers_and_a_synthetic_pool_is_said():
    table = pool(*[dict(e, synthetic=True) for e in TEN], entry(11, 50, level="project", synthetic=True))
    result = compare(pmo(50.0, level="project"), table, PeerFilter())
    assert result.suppressed and result.peers == 1 and result.synthetic
    assert compare(pmo(50.0, level="project"), table, PeerFilter.parse("all")).peers == 11


def test_the_comparison_as_a_record_is_plain_json():
    import json

    record = compare(pmo(55.0), pool(*TEN), PeerFilter()).to_dict()
    assert json.loads(json.dumps(record, allow_nan=False))["rows"][0] == {
        "dimension": "gov", "label": "Governance", "score": 55.0, "peers": 10, "q1": 32.5, "median": 55.0,
        "q3": 77.5, "rank": 6, "out_of": 11, "quartile": "second"}
    assert (record["filter"], record["description"], record["suppressed"]) == (
        "pmo_level=enterprise", "enterprise-level PMOs", False)


def test_the_printed_table_writes_the_rank_out_of_its_field():
    shown = compare(pmo(55.0), pool(*TEN), PeerFilter()).shown_table()
    assert list(shown.columns) == ["label", "score", "q1", "median", "q3", "rank", "quartile"]
    assert shown["rank"].tolist() == ["6 of 11", "6 of 11"]


def test_the_sentence_counts_synthetic_peers_and_does_not_claim_a_merged_pool_left_the_client_out():
    # 10 peers, of which entries 1-3 are synthetic
    peers = [entry(n, 10.0 * n, synthetic=n <= 3) for n in range(1, 11)]
    result = compare(pmo(50.0), pool(*peers), own_org_key="f" * 64, merged=True)
    assert result.synthetic_peers == 3 and not result.synthetic
    assert "3 of the 10 are synthetic" in result.sentence
    assert "the client's own left out" not in result.sentence
    assert "counts twice" in result.sentence and "not left out" in result.sentence
    plain = compare(pmo(50.0), pool(*TEN), own_org_key="f" * 64)
    assert plain.sentence.endswith("(one per organisation, the client's own left out).")


def test_an_assessment_of_fewer_than_five_respondents_never_enters_a_pool():
    with pytest.raises(ValueError, match="P was answered by fewer than 5 people"):
        entry_fields(SimpleNamespace(respondents=4, pmo="P"), None, year=2026)


def test_peers_are_of_the_same_instrument_version_and_the_sentence_says_which():
    same = compare(pmo(50.0), pool(*TEN), instrument="core", version="1")
    assert same.peers == 10 and "enterprise-level PMOs assessed with core 1 (one per organisation)" in same.sentence
    other = compare(pmo(50.0), pool(*TEN), instrument="core", version="2")
    assert other.suppressed and other.peers == 0  # every entry is of version 1: none is a peer (not a phantom one)
    assert "holds 0 enterprise-level PMOs assessed with core 2" in other.sentence


def test_the_strip_holds_each_dimension_s_values_sorted_on_their_own_and_rounded():
    # gov falls as overall rises: in pool order row i would be one peer's (gov, overall); sorted apart it is not
    rows = [{**entry(n, 100.0 - 10 * n - 0.04), "overall": 10.0 * n + 0.06} for n in range(10)]
    strip = compare(pmo(50.0), pool(*rows)).peer_scores
    assert strip[strip.dimension == "gov"].score.tolist() == [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0,
                                                              100.0]  # 9.96, 19.96, ... 99.96 rounded to 1 decimal
    assert strip[strip.dimension == "overall"].score.tolist() == [0.1, 10.1, 20.1, 30.1, 40.1, 50.1, 60.1, 70.1, 80.1,
                                                                  90.1]  # 0.06, 10.06, ... rounded


@pytest.mark.parametrize("text", ["year=2025", "pmo_level=any,size=small", "all", "", "sector=public,region=North"])
def test_a_filter_s_text_parses_back_to_the_same_filter(text):
    parsed = PeerFilter.parse(text, sectors=SECTORS)
    assert PeerFilter.parse(parsed.text(), sectors=SECTORS) == parsed


@pytest.mark.parametrize(("text", "message"), [
    ("sector=e", "sector 'e' could be any of: energy and utilities, education and research; give more of it"),
    ("year=0001", "year 0001 is outside 1900-2200"),
])
def test_an_ambiguous_sector_or_a_year_out_of_range_is_named_as_such(text, message):
    with pytest.raises(PeerFilterError, match=message):
        PeerFilter.parse(text, sectors=SECTORS)


def test_one_peer_is_one_pmo():
    assert "holds 1 enterprise-level PMO (one per" in compare(pmo(50.0), pool(TEN[0])).sentence
