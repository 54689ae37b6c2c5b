"""Progress between two waves: the Welch CI of a change, the meaningful-change rule, gates, done steps, role mix."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pmo_workbench.assessment.engagement import load_engagement
from pmo_workbench.assessment.progress import (
    change_verdict,
    compare,
    compare_waves,
    dimension_map,
    is_meaningful,
    role_mix,
    welch_difference,
)
from pmo_workbench.assessment.results import assess
from pmo_workbench.errors import InputValidationError
from tests.helpers import answers


def _sup(rows: list[tuple[str, str, int]]) -> list[tuple]:
    """Answers to the tiny instrument's Support dimension (S1, S2 unreversed): both items at ``value``, so the
    respondent's score is 25 * (value - 1)."""
    return [(who, role, item, value) for who, role, value in rows for item in ("S1", "S2")]


# --- the CI of a change, worked by hand ---------------------------------------------------------

def test_the_change_of_a_dimension_has_welch_s_confidence_interval(tiny):
    # Earlier wave: Support scores 50, 75, 25 -> mean 50, variance (0 + 625 + 625) / 2 = 625, n = 3.
    # Later wave: 75, 100, 75, 100 -> mean 87.5, variance 4 * 12.5^2 / 3 = 625/3, n = 4.
    # change = 87.5 - 50 = 37.5
    # se^2 = 625/3 + (625/3)/4 = 3125/12 (se = 16.1374...)
    # df = se^4 / ((625/3)^2 / 2 + (625/12)^2 / 3) = (9765625/144) / (9765625/432) = 3 exactly
    # t(0.975, 3) = 3.182446305...; half-width = 3.182446305 * 16.1374306 = 51.35651
    # CI = 37.5 -/+ 51.35651 = (-13.85651, 88.85651): it includes 0, so no clear change despite 37.5 points.
    before = answers(_sup([("A1", "executive", 3), ("A2", "executive", 4), ("A3", "project_manager", 2)]))
    after = answers(_sup([("B1", "executive", 4), ("B2", "executive", 5), ("B3", "project_manager", 4),
                          ("B4", "project_manager", 5)]))
    progress = compare_waves(before, after, tiny, "Org", "PMO", waves=("2025", "2026"))
    row = progress.dimensions.set_index("dimension").loc["sup"]
    half = stats.t.ppf(0.975, 3) * math.sqrt(3125 / 12)
    assert half == pytest.approx(51.35651, abs=1e-5)
    assert (row["score_before"], row["score_after"], row["n_before"], row["n_after"]) == (50.0, 87.5, 3, 4)
    assert row["change"] == pytest.approx(37.5, abs=1e-6)
    assert row["df"] == pytest.approx(3.0, abs=1e-6)
    assert row["ci_low"] == pytest.approx(37.5 - half, abs=1e-6) and row["ci_low"] == pytest.approx(-13.85651, abs=1e-5)
    assert row["ci_high"] == pytest.approx(37.5 + half, abs=1e-6)
    assert (bool(row["meaningful"]), row["verdict"]) == (False, "no_clear_change")
    # nobody answered Governance or People: no score either side, no CI
    assert progress.dimensions.set_index("dimension").loc["gov", "verdict"] == "too_few"
    assert progress.waves == ("2025", "2026")


def test_a_wave_with_one_respondent_gives_no_interval():
    d = welch_difference([50.0], [70.0, 80.0])
    assert d.change == 25.0  # 75 - 50
    assert math.isnan(d.ci_low) and math.isnan(d.ci_high) and math.isnan(d.df)
    assert change_verdict(d.change, d.ci_low, d.ci_high) == "too_few"


def test_two_waves_that_do_not_vary_have_the_change_itself_as_interval():
    d = welch_difference([50, 50, np.nan], [60, 60])
    assert (d.change, d.ci_low, d.ci_high, d.n_before) == (10.0, 10.0, 10.0, 2)


# --- the meaningful-change rule: the CI excludes 0 AND |change| >= the minimum ---------------------

@pytest.mark.parametrize("change, low, high, meaningful, verdict", [
    (8.0, 2.0, 14.0, True, "improved"),          # CI above 0 and 8 >= 5
    (-8.0, -14.0, -2.0, True, "declined"),       # CI below 0 and |-8| >= 5
    (3.0, 1.0, 5.0, False, "no_clear_change"),   # CI excludes 0 but 3 < 5: real, too small to matter
    (8.0, -2.0, 18.0, False, "no_clear_change"),  # 8 >= 5 but the CI holds 0: chance cannot be ruled out
    (3.0, -1.0, 7.0, False, "no_clear_change"),  # neither
    (5.0, 0.5, 9.5, True, "improved"),           # exactly the minimum counts
    (9.0, 0.0, 18.0, False, "no_clear_change"),  # a CI touching 0 does not exclude it
    (9.0, float("nan"), float("nan"), False, "too_few"),
])
def test_the_meaningful_change_rule(change, low, high, meaningful, verdict):
    assert is_meaningful(change, low, high) is meaningful
    assert change_verdict(change, low, high) == verdict


def test_the_minimum_change_is_a_parameter():
    assert change_verdict(8.0, 2.0, 14.0, min_change=10) == "no_clear_change"
    assert change_verdict(3.0, 1.0, 5.0, min_change=2) == "improved"


# --- gates, type and target ---------------------------------------------------------------------

def _gov(who: str, role: str, value: int) -> list[tuple]:
    """Governance answered at ``value`` on G1, G3, G4 and 6 - value on the reversed G2: 25 * (value - 1)."""
    return [(who, role, "G1", value), (who, role, "G2", 6 - value), (who, role, "G3", value), (who, role, "G4", value)]


def test_gate_movement_and_the_target(tiny):
    # Earlier: Governance 25 and 50 -> 37.5 (under the supportive gate 40): ad hoc; Support 50.
    # Later: Governance 75 and 75 -> 75 (over 40 and over the controlling gate 60); Support 25 -> under 50.
    before = answers(_gov("A1", "executive", 2) + _gov("A2", "project_manager", 3)
                     + _sup([("A1", "executive", 3), ("A2", "project_manager", 3)]))
    after = answers(_gov("B1", "executive", 4) + _gov("B2", "project_manager", 4)
                    + _sup([("B1", "executive", 2), ("B2", "project_manager", 2)]))
    from pmo_workbench.assessment.positioning import Target

    progress = compare_waves(before, after, tiny, "Org", "PMO", targets={("Org", "PMO"): Target("controlling",
                                                                                               "option")})
    assert (progress.type_before, progress.type_after) == ("ad_hoc", "supportive")
    gates = progress.gates.set_index(["type", "dimension"])
    assert gates.loc[("supportive", "gov"), "move"] == "now_passes"      # 37.5 -> 75 against 40
    assert gates.loc[("controlling", "gov"), "move"] == "now_passes"     # 37.5 -> 75 against 60
    assert gates.loc[("controlling", "sup"), "move"] == "no_longer_passes"  # 50 -> 25 against 50
    assert gates.loc[("strategic", "ppl"), "move"] == "still_fails"      # no score either side
    assert gates.loc[("supportive", "gov"), ["score_before", "score_after"]].tolist() == [37.5, 75.0]
    # the controlling target's two gates passed: then 1 of 2 (gov 37.5 < 60 fails, sup 50 >= 50 passes),
    # now 1 of 2 (gov 75 passes, sup 25 fails); the PMO's type stays below controlling in both waves
    target = progress.target
    assert (target["id"], target["gates_before"], target["passed_before"], target["passed_after"]) == (
        "controlling", 2, 1, 1)
    assert (target["reached_before"], target["reached_after"]) == (False, False)


# --- the earlier roadmap against the steps marked done --------------------------------------------

@pytest.fixture(scope="module")
def harrowmoor(core):
    from pmo_workbench import examples_dir, read_responses

    frame = read_responses(examples_dir() / "pmo_responses.csv", core)
    return assess(frame[frame["organisation"] == "Harrowmoor Water Services"], core).assessments[0]


def test_the_earlier_roadmap_is_set_against_the_steps_done(harrowmoor, core):
    first, second = harrowmoor.roadmap.initiatives[:2]
    done = [s["id"] for s in first.steps] + [second.steps[0]["id"], "MAN-charter"]
    progress = compare(harrowmoor, harrowmoor, core, done=done)
    plan = progress.roadmap.set_index("id")
    assert plan.loc[first.id, "status"] == "done"
    assert plan.loc[second.id, "status"] == "partly"
    assert plan.loc[second.id, "steps_done"] == (second.steps[0]["id"],)
    assert set(plan["status"].iloc[2:]) == {"not done"}
    # the same answers twice: every change 0, its CI around 0, so no dimension moved
    assert plan.loc[first.id, "change"] == 0.0 and plan.loc[first.id, "verdict"] == "no_clear_change"
    assert len(plan) == len(harrowmoor.roadmap.initiatives)
    assert progress.done_elsewhere == ("MAN-charter",)  # marked done, never in that roadmap


def test_done_defaults_to_the_later_wave_s_engagement_entry(harrowmoor, core, tmp_path):
    step = harrowmoor.roadmap.initiatives[0].steps[0]["id"]
    path = tmp_path / "engagement.yaml"
    path.write_text(f"pmos:\n  - organisation: Harrowmoor Water Services\n    pmo: Capital Programmes PMO\n"
                    f"    done: [{step}]\n", encoding="utf-8")
    entry = load_engagement(path, core).pmos[0]
    progress = compare(harrowmoor, harrowmoor.__class__(**{**harrowmoor.__dict__, "engagement": entry}), core)
    assert progress.roadmap["steps_done"].iloc[0] == (step,)


def test_an_unknown_done_step_is_a_located_error(tmp_path, core):
    path = tmp_path / "engagement.yaml"
    path.write_text(textwrap.dedent("""\
        pmos:
          - organisation: Org
            pmo: PMO
            done: [MAN-charter, MAN-nothing]
        """), encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        load_engagement(path, core)
    text = "\n".join(str(p) for p in info.value.problems)
    assert f"{path}:4:" in text and "unknown step id(s) 'MAN-nothing'" in text


# --- comparability: the role mix ------------------------------------------------------------------

def test_the_role_mix_is_tested_for_homogeneity():
    # 2 x 2 counts: earlier executive 50, PM 50; later 40 and 60. Column totals 90 and 110, row totals 100 and
    # 100, so the expected counts are 45 and 55 in each row (all over 5: the chi-square approximation holds).
    # chi2 = 2 * (5^2 / 45 + 5^2 / 55) = 2 * (0.555556 + 0.454545) = 2.020202, 1 degree of freedom,
    # p = P(chi2_1 > 2.020202) = 0.1552: over 0.05, so the test cannot tell the mixes apart.
    mix = role_mix({"executive": 50, "project_manager": 50}, {"executive": 40, "project_manager": 60})
    assert mix.chi2 == pytest.approx(2 * (5**2 / 45 + 5**2 / 55), abs=1e-9)
    assert mix.chi2 == pytest.approx(2.020202, abs=1e-6)
    assert mix.p_value == pytest.approx(stats.chi2.sf(2.020202, 1), abs=1e-6) and not mix.exact
    assert (mix.dof, mix.differs, mix.comparable) == (1, False, True)
    assert mix.table["share_after"].tolist() == [0.4, 0.6]


def test_with_few_respondents_the_role_mix_p_value_is_exact():
    # earlier executive 5, PM 5; later 2 and 8: expected counts 3.5 and 6.5, under 5. With the margins fixed the
    # earlier executives a follow a hypergeometric law (20 people, 7 executives, 10 drawn); the statistic grows
    # with |a - 3.5|, observed 1.5, so p = P(a in {0, 1, 2, 5, 6, 7}) = 1 - P(a = 3) - P(a = 4)
    # = 1 - 2 * C(7,3) C(13,7) / C(20,10) = 1 - 2 * 35 * 1716 / 184756 = 0.349845 (the approximation gave 0.1596).
    mix = role_mix({"executive": 5, "project_manager": 5}, {"executive": 2, "project_manager": 8})
    assert mix.exact
    assert mix.p_value == pytest.approx(1 - 2 * 35 * 1716 / 184756, abs=1e-9)
    assert mix.p_value == pytest.approx(1 - stats.hypergeom.pmf([3, 4], 20, 7, 10).sum(), abs=1e-9)
    # executives 50 % of the earlier wave, 20 % of the later; PMs 50 % and 80 %: 30 points apart, each named
    tail = " share of the earlier wave's respondents than of the later one's (15 points or more apart): part of a " \
           "change may come from who answered."
    assert mix.warnings == (f"executive made up a larger{tail}", f"project_manager made up a smaller{tail}")


def test_a_shifted_or_missing_role_is_warned_about():
    mix = role_mix({"executive": 10, "project_manager": 10, "pmo_staff": 0},
                   {"executive": 1, "project_manager": 10, "pmo_staff": 4}, {"pmo_staff": "PMO staff"})
    assert mix.differs and not mix.comparable
    assert any(w.startswith("The role mix differs between the waves (exact test p = ") for w in mix.warnings)
    assert "No PMO staff answered in the earlier wave" in " ".join(mix.warnings)


def test_one_role_alone_is_not_tested():
    mix = role_mix({"executive": 3}, {"executive": 4})
    assert math.isnan(mix.p_value) and mix.comparable


# --- instrument versions ---------------------------------------------------------------------------

def test_versions_are_compared_on_mapped_dimensions_only(core, core_v1):
    pairs, left_out = dimension_map(core, core_v1)
    assert pairs["mandate"] == "mandate" and pairs["sponsorship"] == "sustainability"
    assert "compliance" not in pairs and "methodology" not in pairs
    reasons = left_out.set_index(["version", "dimension"])["reason"]
    assert reasons[("2.0", "compliance")] == "new in 2.0: no dimension of 1.0 measures the same thing"
    assert reasons[("1.0", "risk")] == "no dimension of 2.0 measures the same thing"
    # methodology is a dimension of both versions, not mapped: redefined, not "new"
    assert reasons[("2.0", "methodology")] == "redefined in 2.0: 1.0's dimension of that name measures something else"
    assert reasons[("1.0", "methodology")] == "redefined in 2.0: no dimension of 2.0 measures the same thing"
    same, nothing = dimension_map(core, core)
    assert len(same) == len(core.dimensions) and nothing.empty


def test_bad_comparisons_are_refused(tiny, core, harrowmoor):
    with pytest.raises(ValueError, match="different instruments"):
        dimension_map(core, tiny)
    with pytest.raises(ValueError, match="0 points or more"):
        compare(harrowmoor, harrowmoor, core, min_change=-1)


def test_the_result_is_json_ready(harrowmoor, core):
    import json

    data = compare(harrowmoor, harrowmoor, core, waves=("2025", "2026")).to_dict()
    text = json.dumps(data)
    assert data["waves"] == ["2025", "2026"] and "NaN" not in text
    assert pd.DataFrame(data["dimensions"])["change"].eq(0).all()


def test_the_sample_pmo_assessed_twice_shows_what_it_was_designed_to():
    # examples/generate_waves.py: four dimensions designed to improve by 2026, one to decline, the role mix
    # shifted towards PMO staff in 2025, and the steps of the 2025 roadmap's initiatives on the improved
    # dimensions marked done (with the first step of one more).
    from pmo_workbench import examples_dir
    from pmo_workbench.assessment.progress_report import progress_input

    data = progress_input(examples_dir() / "waves" / "responses.csv", "Harrowmoor Water Services")
    progress = data.progress
    verdicts = progress.dimensions.set_index("dimension")["verdict"]
    assert set(verdicts[verdicts == "improved"].index) == {"service", "compliance", "monitoring", "methodology"}
    assert list(verdicts[verdicts == "declined"].index) == ["learning"]
    assert progress.waves == ("2025", "2026")
    roles = progress.roles.table.set_index("role")
    assert (roles.loc["pmo_staff", "n_before"], roles.loc["pmo_staff", "n_after"]) == (4, 2)
    status = progress.roadmap.set_index("dimension")["status"]
    assert status[["service", "compliance", "monitoring", "methodology"]].eq("done").all()
    assert status["learning"] == "partly"


def test_waves_on_two_versions_are_compared_on_the_mapped_dimensions(core, core_v1):
    # Earlier wave on pmo-core 1.0, every item answered 3 (reversed ones too: 100 - 50 = 50), so every
    # dimension scores 50; later wave on 2.0, every item 4 and reversed items 2, so every dimension scores 75.
    # Nobody varies, so each CI is the change itself: +25 on each mapped dimension, improved.
    def wave(instrument, value, prefix):
        rows = []
        for n, role in enumerate(("executive", "pmo_staff", "project_manager"), start=1):
            for item, r in instrument.items.iterrows():
                if r["audience"] is None or role in r["audience"]:
                    rows.append((f"{prefix}{n}", role, item, 6 - value if r["reverse"] else value))
        return answers(rows)

    progress = compare_waves(wave(core_v1, 3, "A"), wave(core, 4, "B"), core, "Org", "PMO",
                             earlier_instrument=core_v1)
    dims = progress.dimensions.set_index("dimension")
    assert list(dims.index) == ["mandate", "monitoring", "resources", "strategy", "competency", "service", "learning",
                                "sponsorship"]
    assert dims.loc["sponsorship", "earlier_dimension"] == "sustainability"
    assert dims["change"].tolist() == [25.0] * 8 and set(dims["verdict"]) == {"improved"}
    assert progress.overall["change"] == 25.0
    assert progress.instruments == ("pmo-core 1.0", "pmo-core 2.0")
    # the items kept word for word, counted from the two instrument files (e.g. Mandate's 5 all reworded,
    # Learning 3 of its 5 kept, Competency 1 of 6): the summary says the change is partly the instrument's
    assert progress.notes == (
        "The waves used pmo-core 1.0 and 2.0, whose items differ: items kept word for word in the dimensions "
        "compared: Mandate and authority 0 of 5, Monitoring and reporting 1 of 5, Shared resource management 2 of "
        "5, Strategic alignment and benefits 1 of 5, PM competency and careers 1 of 6, Service to its customers 0 "
        "of 6, Organisational learning 3 of 5, Sponsorship and sustainability 0 of 5. A change on them is partly the "
        "instrument's change, not only the PMO's.",)
    assert set(progress.not_compared["dimension"]) == {"methodology", "compliance", "portfolio", "coordination",
                                                       "finance", "tools", "risk"}
    # gates of 2.0 on dimensions 1.0 did not measure alike are not compared
    gates = progress.gates.set_index(["type", "dimension"])["move"]
    assert gates[("controlling", "compliance")] == "not_compared"
    # monitoring: 50 against 1.0's controlling gate 60 (fails), 75 against 2.0's gate 55 (passes)
    assert gates[("controlling", "monitoring")] == "now_passes"


def test_a_dimension_without_answers_in_one_wave_is_left_out_of_both_overall_scores(tiny):
    # earlier wave: Support 50, 75, 25 and People 100 for everyone; later wave: Support only, 75 and 100.
    # People has no score in the later wave, so the overall scores are over Support alone: 50 -> 87.5.
    # (Counting People in the earlier wave would make it (50+100)/2, (75+100)/2, (25+100)/2 -> 75 and hide the
    # rise.)
    ppl = [(who, role, f"P{i}", 5) for who, role in (("A1", "executive"), ("A2", "executive"),
                                                       ("A3", "project_manager")) for i in range(1, 6)]
    before = answers(_sup([("A1", "executive", 3), ("A2", "executive", 4), ("A3", "project_manager", 2)]) + ppl)
    after = answers(_sup([("B1", "executive", 4), ("B2", "executive", 5)]))
    progress = compare_waves(before, after, tiny, "Org", "PMO", waves=("2025", "2026"))
    assert progress.dimensions.set_index("dimension").loc["ppl", "score_before"] == 100.0
    assert progress.overall["score_before"] == pytest.approx(50.0)
    assert progress.overall["score_after"] == pytest.approx(87.5)


def test_without_a_done_list_the_roadmap_s_follow_through_is_unknown_not_undone(harrowmoor, core):
    from pmo_workbench.assessment.progress_report import follow_through_sentence

    progress = compare(harrowmoor, harrowmoor, core, done=())
    assert set(progress.roadmap["status"]) == {"unknown"}
    n = len(harrowmoor.roadmap.initiatives)
    assert follow_through_sentence(progress) == (
        "No record of the roadmap steps done since earlier wave was given (the engagement's done list), so whether "
        f"the {n} initiatives of the earlier wave roadmap were carried out is not known.")
    one = compare(harrowmoor, harrowmoor, core, done=[s["id"] for s in harrowmoor.roadmap.initiatives[0].steps])
    assert follow_through_sentence(one).startswith(f"Of the {n} initiatives of the earlier wave roadmap, 1 was done")


def test_the_overall_sentence_reads_as_a_sentence_when_a_wave_has_too_few_answers(harrowmoor, core):
    from pmo_workbench.assessment.progress_report import headline

    progress = compare(harrowmoor, harrowmoor, core)
    o = {**progress.overall, "ci_low": float("nan"), "ci_high": float("nan"), "verdict": "too_few"}
    few = progress.__class__(**{**progress.__dict__, "overall": o})
    before, after = f"{o['score_before']:.1f}", f"{o['score_after']:.1f}"
    assert headline(few, {})[0] == (f"The overall score ({before} in earlier wave, {after} in later wave): too few "
                                    "answers in a wave to say whether it changed.")


def test_a_change_that_rounds_to_nothing_has_no_sign():
    from pmo_workbench.assessment.progress_report import signed

    # -0.04 and +0.04 both print as 0.0 (a fall printed "+0.0" read as a rise); 20.287 -> +20.3
    assert (signed(-0.04), signed(0.04), signed(20.287), signed(-2.0)) == ("0.0", "0.0", "+20.3", "-2.0")


def test_a_dimension_answered_by_fewer_than_the_minimum_group_shows_no_score(tiny):
    # minimum group 3: Support has 3 respondents in each wave (shown); Governance only 2 in the later wave, so
    # its scores, change and gates are hidden in both waves and it is out of the overall score.
    gov = [(who, role, f"G{i}", 3) for who, role in (("B1", "executive"), ("B2", "executive")) for i in range(1, 5)]
    gov0 = [(who, role, f"G{i}", 3) for who, role in (("A1", "executive"), ("A2", "executive"),
                                                       ("A3", "project_manager")) for i in range(1, 5)]
    before = answers(_sup([("A1", "executive", 3), ("A2", "executive", 4), ("A3", "project_manager", 2)]) + gov0)
    after = answers(_sup([("B1", "executive", 4), ("B2", "executive", 5), ("B3", "project_manager", 4)]) + gov)
    progress = compare_waves(before, after, tiny, "Org", "PMO", min_group_size=3)
    dims = progress.dimensions.set_index("dimension")
    assert (dims.loc["gov", "n_before"], dims.loc["gov", "n_after"], dims.loc["gov", "verdict"]) == (3, 2, "too_few")
    assert math.isnan(dims.loc["gov", "score_before"]) and math.isnan(dims.loc["gov", "score_after"])
    assert dims.loc["sup", "score_after"] == pytest.approx((75 + 100 + 75) / 3)
    gates = progress.gates[progress.gates["dimension"] == "gov"]
    assert gates["score_after"].isna().all() and set(gates["move"]) == {"not_compared"}
    assert progress.overall["score_before"] == pytest.approx(50.0)  # Support alone: (50 + 75 + 25) / 3


def test_a_later_roadmap_repeating_a_done_initiative_is_said(harrowmoor, core):
    # the same assessment twice: its roadmap's first initiative is both done and recommended again
    first = harrowmoor.roadmap.initiatives[0]
    progress = compare(harrowmoor, harrowmoor, core, done=[first.steps[0]["id"]], waves=("2025", "2026"))
    assert progress.notes == (
        f"The 2026 roadmap recommends again an initiative with steps marked done here ({first.title}): the 2026 "
        "answers still call for it, so check why the work done has not yet shown in the scores before starting it "
        "anew.",)
