"""analyse_portfolio as one call: its options, its JSON form, and the actions it puts into words.

The fixture portfolio and its hand-worked numbers are described in ``test_portfolio_report``.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pmo_workbench.portfolio import Thresholds, actions, analyse_portfolio, read_portfolio

from tests.reports.test_portfolio_report import AS_OF, SHEETS, write_folder


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory):
    return read_portfolio(write_folder(tmp_path_factory.mktemp("analysis") / "acme", SHEETS))


def test_actions_put_the_findings_into_words_most_urgent_first(portfolio):
    result = analyse_portfolio(portfolio, as_of=AS_OF, budget=1300)
    got = [(a.urgency, a.area, a.text) for a in actions(result)]
    assert got == [
        # P2 needs P1 by 2026-10-01, P1 finishes 2026-12-31: 91 days late; P3 needs P2 at its start 2026-09-01,
        # P2 finishes 2026-10-31: 60 days late. Both links are late, whichever date they are needed by.
        ("now", "dependencies", "2 of 2 dated links between open projects are late at the status date 2026-06-30 "
                                "(the project needed is expected to finish after the date it is needed by); the "
                                "worst: P2 — Beta rollout needs P1 — Alpha build by 2026-10-01, 91 days before P1 is "
                                "expected to finish. 1 of the late links is dated by the dependent's planned start, "
                                "the sheet giving no needed-by date. Agree new dates or bring the predecessors "
                                "forward, and record in the dependencies sheet the date each link is really needed "
                                "by where it gives none."),
        ("now", "delivery", "1 in-flight project is red, over budget or late: P1 — Alpha build (VAC -333). Hold "
                            "recovery reviews with their sponsors."),
        # R3: band 5 x band 4 = 20, red; R1: 3 x 3 = 9, amber.
        ("now", "risk", "1 open threat is in the red zone of the matrix: confirm each has an owner and a response "
                        "that is under way."),
        # In flight P1 + P2: BAC 1500, EV 500, AC 590, CPI 0.8475; EAC the sum 1333.33 + 475 = 1808.33, VAC -308.33.
        ("soon", "delivery", "The portfolio is forecast to overrun its budget by 308 (EAC 1.8k against BAC 1.5k, "
                             "CPI 0.85). Decide where the money comes from or what is descoped."),
        ("soon", "delivery", "1 project is a period or more behind on earned schedule: P1 — Alpha build "
                             "(-2.8 periods). Plain SPI hides this as projects near completion."),
        # The fixture's milestones, benefits and financials (see tests/reports/test_portfolio_report.py).
        ("soon", "milestones", "1 milestone needs a decision: Build complete of P1 — Alpha build (due 14 Aug 2026). "
                               "Put it on the agenda of the board that decides, soonest first."),
        ("soon", "milestones", "1 milestone is overdue: the date expected has passed and it is not reached: Go live "
                               "of P2 — Beta rollout. Ask the project managers for a date they can keep."),
        ("soon", "benefits", "1 benefit is past its due date and not fully realised: Staff hours saved of P2 — Beta "
                             "rollout. Ask the owners what will be realised and when, and record it in the benefits "
                             "register."),
        ("soon", "finance", "The financial year 2026 is forecast to end 60 over its in-year budget (outturn 1.7k "
                            "against 1.6k). Agree in-year savings or re-phasing before the budget is committed."),
        # 1.0 + 1.0 FTE of analysts against 1.5 in 2026-07, after the status date's month (2026-06).
        ("soon", "resources", "Analyst is over-allocated by committed work (active and on-hold projects) in 1 "
                              "month ahead; the worst is 2026-07 (2.0 FTE committed against 1.5), with demand from "
                              "P1 (1), P2 (1). Re-sequence these projects or add capacity."),
        ("soon", "selection", "Within the budget of 1.3k, the best set funds 1 project for 933 (total value 7.5). "
                              "1 in-flight project falls outside it (P2 — Beta rollout): review whether to stop or "
                              "pause it."),
        # P1 starts 2026-01-01, P3 finishes 2027-03-31: 365 + 31 + 28 + 30 = 454 days (summed durations: 819).
        # P2 needs P1 by 2026-10-01, P1 finishes 2026-12-31: -91; P3 needs P2 at its start 2026-09-01, P2
        # finishes 2026-10-31: -60. P1 is needed by P2 and through it by P3.
        ("watch", "dependencies", "Watch the longest dependency chain P1 → P2 → P3 (454 days from the first "
                                  "project's start to the last one's finish); its tightest link: P2 — Beta "
                                  "rollout needs P1 — Alpha build 91 days before it is due to finish. A slip of "
                                  "P1 — Alpha build can delay only the 2 projects "
                                  "that need it, directly or through others (its blast radius, in the table of "
                                  "most depended-on projects); a slip further along delays only the projects after "
                                  "it, and not at all while it stays within a link's slack."),
        # -100 - 900: the expected cost whatever the correlation; independence only sets the confidence level
        ("watch", "risk", "Open threats have an expected monetary value of -1k, their expected cost whether or not "
                          "they are independent: a contingency of 1k covers the expected loss, and how likely it is "
                          "to suffice depends on whether the threats are independent (threats that strike together "
                          "need more for the same confidence); open opportunities are worth 15 if pursued."),
    ]
    # The value 7.5 is P1's weighted score: (3 x 8 + 1 x 6) / 4.


def test_selection_and_frontier_run_only_when_asked(portfolio):
    plain = analyse_portfolio(portfolio, as_of=AS_OF)
    assert plain.selection is None and plain.frontier is None and plain.candidates is None
    assert plain.to_dict()["selection"] is None
    curve = analyse_portfolio(portfolio, as_of=AS_OF, frontier=True, frontier_points=4)
    assert curve.selection is None and len(curve.frontier) == 4
    assert list(curve.frontier["value"]) == sorted(curve.frontier["value"])


def test_thresholds_from_a_mapping_change_the_ratings(portfolio):
    # P2's CPI 1.0526 is amber by default (above 1.05); with green up to 1.06 it is green, and P2 turns green.
    wide = analyse_portfolio(portfolio, as_of=AS_OF, thresholds={"green": [0.95, 1.06]})
    assert wide.thresholds == Thresholds(green=(0.95, 1.06), amber=(0.90, 1.10))
    p2 = wide.evm.set_index("project_id").loc["P2"]
    assert (p2["rag_cost"], p2["rag"]) == ("green", "green")


@pytest.mark.parametrize("kwargs, message", [
    ({"thresholds": {"grean": [0.9, 1.1]}}, "unknown threshold key"),
    ({"thresholds": {"green": [0.8, 1.2]}}, "must nest"),
    ({"eac_method": "average"}, "unknown EAC method"),
])
def test_bad_options_are_refused_with_a_reason(portfolio, kwargs, message):
    with pytest.raises(ValueError, match=message):
        analyse_portfolio(portfolio, as_of=AS_OF, **kwargs)


@pytest.mark.parametrize("method, eac", [
    ("typical", 1333.33),        # 1000 / 0.75
    ("atypical", 1100.0),        # 400 + (1000 - 300)
    ("cost_schedule", 1644.44),  # 400 + 700 / (0.75 x 0.75)
])
def test_eac_method_reaches_the_json(portfolio, method, eac):
    data = analyse_portfolio(portfolio, as_of=AS_OF, eac_method=method).to_dict()
    assert data["eac_method"] == method
    assert next(p for p in data["projects"] if p["project_id"] == "P1")["eac"] == eac


def test_json_rounds_money_to_2_and_indices_to_4_and_has_no_nan(portfolio):
    data = analyse_portfolio(portfolio, as_of=AS_OF, budget=1300, frontier=True).to_dict()
    text = json.dumps(data, allow_nan=False)  # NaN would raise
    p3 = next(p for p in data["projects"] if p["project_id"] == "P3")
    assert (p3["cpi"], p3["spi"], p3["eac"], p3["rag"]) == (None, None, None, None)  # AC = 0, PV = 0
    p1 = next(p for p in data["projects"] if p["project_id"] == "P1")
    assert p1["tcpi"] == 1.1667 and p1["eac"] == 1333.33  # 7/6 and 1000/0.75
    assert '"headline"' in text and data["headline"]["red"] == 1
    assert data["findings"][0]["check"] == "dependency_conflict"


def test_past_months_neither_constrain_selection_nor_call_for_action(tmp_path):
    # Analysts were over-allocated in 2026-03 (2 + 2 FTE against 3), before the status date (2026-06-30);
    # nothing is over-allocated ahead. P1 (933.33) + P2 (285) = 1218.33 fits the budget of 1300 and no
    # capacity limit ahead stops P2 now; P3 (300) would exceed it.
    sheets = {**SHEETS,
              "assignments": [["project_id", "role", "month", "demand_fte"], ["P1", "Analyst", "2026-03", 2],
                              ["P2", "Analyst", "2026-03", 2], ["P1", "Analyst", "2026-07", 1]],
              "capacity": [["role", "month", "capacity_fte"], ["Analyst", "2026-03", 3], ["Analyst", "2026-07", 1.5]]}
    result = analyse_portfolio(read_portfolio(write_folder(tmp_path / "past", sheets)), as_of=AS_OF, budget=1300)
    assert result.resources.totals["over_allocated_cells"] == 1  # the history is still shown
    assert result.selection.selected == ("P1", "P2")
    assert [a for a in actions(result) if a.area == "resources"] == []


def test_without_any_value_no_set_is_recommended(tmp_path):
    # No strategic_value column and no criteria: nothing says what a project is worth.
    rows = [[c for c, name in zip(r, SHEETS["projects"][0]) if name not in ("strategic_value", "score_value",
                                                                          "score_urgency")]
            for r in SHEETS["projects"]]
    result = analyse_portfolio(read_portfolio(write_folder(tmp_path / "novalue", {"projects": rows})),
                               as_of=AS_OF, budget=1_000_000)
    assert result.selection is None and result.frontier is None
    assert result.unvalued == ("P1", "P2", "P3")
    assert [f.check for f in result.findings if f.severity == "warning"] == ["no_values"]
    assert [a for a in actions(result) if a.area == "selection"] == []


def test_a_project_without_value_is_not_called_a_project_to_stop(tmp_path):
    # P2 has no strategic value (no criteria sheet): it is counted as worth 0 and left out, and the action asks
    # for a value instead of suggesting to stop it. P1 is mandatory (933.33); P3 (value 5, cost 300) fits beside
    # it (1233.33 of 1300); without a dependencies sheet P3 does not need P2 here.
    rows = [[c for c, name in zip(r, SHEETS["projects"][0]) if not name.startswith("score_")]
            for r in SHEETS["projects"]]
    rows[2][11] = ""  # P2's strategic_value
    result = analyse_portfolio(read_portfolio(write_folder(tmp_path / "partly", {"projects": rows})),
                               as_of=AS_OF, budget=1300)
    assert result.unvalued == ("P2",)
    assert result.selection.selected == ("P1", "P3")
    text = next(a.text for a in actions(result) if a.area == "selection")
    assert ("1 candidate has no value and was counted as worth nothing (P2 — Beta rollout): score it before "
            "deciding.") in text
    assert "stop" not in text


def test_running_ahead_is_check_estimate_not_a_recovery_case(tmp_path):
    # P2 earns 250 for 190 spent (CPI 1.3158 > 1.10) and 250 of 200 planned (SPI 1.25): far ahead and under
    # budget, which questions its plan: "check estimate", neither red nor a recovery review.
    rows = [list(r) for r in SHEETS["projects"]]
    rows[2][9] = 250
    result = analyse_portfolio(read_portfolio(write_folder(tmp_path / "ahead", {"projects": rows,
                                                                                 "criteria": SHEETS["criteria"]})),
                               as_of=AS_OF, currency="GBP")
    p2 = result.evm.set_index("project_id").loc["P2"]
    assert (p2["rag_cost"], p2["rag_schedule"], p2["rag"]) == ("check estimate", "check estimate", "check estimate")
    assert (result.headline()["red"], result.headline()["check_estimate"]) == (1, 1)
    texts = [a.text for a in actions(result) if a.area == "delivery"]
    # P1's VAC 1000 - 1333.33 = -333.33, in pounds.
    assert texts[0].startswith("1 in-flight project is red, over budget or late: P1 — Alpha build (VAC -£333)")
    # P2 alone is rated "check estimate" (CPI 250 / 190 = 1.3158, SPI 250 / 200 = 1.25, both above 1.10): it gets
    # the action to re-examine its estimate, not a recovery review.
    assert ('1 in-flight project is rated "check estimate", under-running cost or schedule beyond 1.10: '
            "P2 — Beta rollout (CPI 1.32, schedule index 1.25). Re-examine its estimate and baseline with the "
            "project manager") in texts[1]


def test_needing_a_cancelled_project_is_an_action_of_its_own(tmp_path):
    # P2 needs P5, which is cancelled: an error finding and a "now" action; it is not counted as a data problem.
    sheets = {"projects": SHEETS["projects"], "criteria": SHEETS["criteria"],
              "dependencies": [["from_project", "to_project", "needed_by", "kind"], ["P2", "P5", "", "x"]]}
    result = analyse_portfolio(read_portfolio(write_folder(tmp_path / "orphan", sheets)), as_of=AS_OF)
    assert [f.check for f in result.findings if f.severity == "error"] == ["needs_cancelled"]
    texts = {a.area: a.text for a in actions(result) if a.urgency == "now"}
    assert texts["dependencies"] == ("1 project depends on a cancelled project (P2 — Beta rollout needs P5 — Epsilon "
                                     "pilot): find another way to "
                                     "deliver what it was to provide, or stop the project that needs it.")
    assert "data" not in texts


def test_over_allocations_caused_by_proposals_call_for_sequencing_not_capacity(tmp_path):
    # Analyst 2026-07: P1 1.0 + P2 1.0 (both active) = 2.0 committed against 1.5: an action to add capacity.
    # Analyst 2026-08: P1 0.5 committed + P3 1.5 proposed = 2.0 against 1.5, but committed alone 0.5 fits:
    # only the pipeline overloads it. The selection (budget 1300) funds P1 alone, so its load in 2026-08 is
    # 0.5 (P1) and in 2026-07 still 2.0 (P2 is under way and counts as committed whatever the selection says).
    sheets = {**SHEETS, "assignments": [*SHEETS["assignments"], ["P3", "Analyst", "2026-08", 1.5]]}
    result = analyse_portfolio(read_portfolio(write_folder(tmp_path / "pipeline", sheets)), as_of=AS_OF, budget=1300)
    res = result.resources
    aug = res.load.set_index(res.load["month"].astype(str)).loc["2026-08"]
    assert (aug["committed_fte"], aug["pipeline_fte"], aug["capacity_fte"]) == (0.5, 1.5, 1.5)
    assert bool(aug["over_allocated"]) and not bool(aug["committed_over"])
    assert res.selected == ("P1",)
    chosen = res.selection.set_index(res.selection["month"].astype(str))["demand_fte"]
    assert chosen.to_dict() == {"2026-07": 2.0, "2026-08": 0.5}
    assert (res.totals["committed_over_cells"], res.totals["pipeline_only_cells"],
            res.totals["selection_over_cells"]) == (1, 1, 1)
    texts = [a.text for a in actions(result) if a.area == "resources"]
    assert len(texts) == 2 and texts[0].startswith("Analyst is over-allocated by committed work")
    assert "P3" not in texts[0]
    assert texts[1] == ("Proposals not yet approved would over-allocate 1 role-month ahead (Analyst) if all of them "
                        "started; the recommended selection keeps them within capacity. Sequence the proposals' "
                        "start dates before approving them rather than adding capacity.")
    assert result.to_dict()["resources"]["totals"]["selection_over_cells"] == 1


def test_milestones_benefits_and_the_financial_year_are_put_into_actions(tmp_path):
    from tests.helpers import minimal_project, write_portfolio

    # Status date 30 June 2026, financial year from April. P1 "Alpha": gate "Design review" planned 1 June,
    # not passed (29 days past: now); milestone "Go live" needs a decision, due 15 July (soon); "Build" planned
    # 1 May, forecast 10 June, not reached (overdue, not a gate). Benefit "Savings" due 31 May, 100 planned and
    # 40 realised: past due. Financials: April-June actuals 100 + 120 + 130 = 350, July-March forecast 9 x 50 =
    # 450; outturn 800 against a budget of 12 x 60 = 720: 80 over.
    projects = [minimal_project(project_id="P1", name="Alpha", currency="EUR", start="2026-01-01",
                                finish="2027-03-31", bac=2000, pv=500, ev=500, ac=500)]
    months = pd.period_range("2026-04", "2027-03", freq="M")
    actual = {"2026-04": 100, "2026-05": 120, "2026-06": 130}
    sheets = {
        "projects": projects,
        "milestones": [
            {"project_id": "P1", "milestone": "Design review", "planned": "2026-06-01", "gate": "yes"},
            {"project_id": "P1", "milestone": "Go live", "planned": "2026-07-15", "decision_needed": "yes"},
            {"project_id": "P1", "milestone": "Build", "planned": "2026-05-01", "forecast": "2026-06-10"},
        ],
        "benefits": [{"project_id": "P1", "benefit": "Savings", "planned": 100, "realised": 40, "owner": "Ann",
                      "due": "2026-05-31"}],
        "financials": [{"project_id": "P1", "month": str(m), "budget": 60, "actual": actual.get(str(m)),
                        "forecast": None if str(m) in actual else 50} for m in months],
    }
    result = analyse_portfolio(read_portfolio(write_portfolio(tmp_path, sheets)), as_of="2026-06-30", fy_start=4)
    got = [(a.urgency, a.area, a.text) for a in actions(result) if a.area in ("milestones", "benefits", "finance")]
    assert got == [
        ("now", "milestones", "1 stage gate is past its date and not passed: Design review of P1 — Alpha (due 1 Jun "
                              "2026). Hold the gate review or stop the work that waits on it."),
        ("soon", "milestones", "1 milestone needs a decision: Go live of P1 — Alpha (due 15 Jul 2026). Put it on the "
                               "agenda of the board that decides, soonest first."),
        ("soon", "milestones", "1 milestone is overdue: the date expected has passed and it is not reached: Build of "
                               "P1 — Alpha. Ask the project managers for a date they can keep."),
        ("soon", "benefits", "1 benefit is past its due date and not fully realised: Savings of P1 — Alpha. Ask the "
                             "owners what will be realised and when, and record it in the benefits register."),
        ("soon", "finance", "The financial year 2026/27 is forecast to end €80 over its in-year budget (outturn €800 "
                            "against €720). Agree in-year savings or re-phasing before the budget is committed."),
    ]


def test_reported_greener_worsened_and_stale_projects_are_put_into_actions(tmp_path):
    from tests.helpers import minimal_project, write_portfolio

    # Status date 30 June 2026, no baseline (the schedule index is SPI), default bands (green 0.95-1.05, amber
    # from 0.90). P1: PV 500, EV 400, AC 500: CPI = SPI = 0.80, red; on 31 May PV = EV = AC = 400: green, so it
    # worsened. P2: PV 1000, EV 930, AC 1000: CPI = SPI = 0.93, amber, but it reports green; on 31 May it was
    # green (500/500/500). P3: 100/100/100, green, last update 30 April: 61 days, past the 35 of the limit.
    def project(pid, pv, ev, ac, **more):
        return minimal_project(project_id=pid, name=f"Project {pid}", start="2026-01-01", finish="2026-12-31",
                               bac=2000, pv=pv, ev=ev, ac=ac, **more)

    sheets = {
        "projects": [project("P1", 500, 400, 500, status_date="2026-06-30"),
                     project("P2", 1000, 930, 1000, status_date="2026-06-28", reported_rag="green"),
                     project("P3", 100, 100, 100, status_date="2026-04-30")],
        "status_history": [{"project_id": "P1", "status_date": "2026-05-31", "pv": 400, "ev": 400, "ac": 400},
                           {"project_id": "P2", "status_date": "2026-05-31", "pv": 500, "ev": 500, "ac": 500}],
    }
    result = analyse_portfolio(read_portfolio(write_portfolio(tmp_path, sheets)), as_of="2026-06-30")
    got = [(a.urgency, a.text) for a in actions(result) if a.area == "reporting"]
    assert got == [
        ("now", "1 project reports a greener RAG than its own earned value gives: P2 — Project P2 (reported green, "
                "figures amber). Ask the project manager to reconcile the status with the figures before the next "
                "board."),
        ("soon", "2 projects worsened since the previous status report: P1 — Project P1 (green to red), P2 — "
                 "Project P2 (green to amber). Find out what changed while it is still recent."),
        ("soon", "1 in-flight project last reported more than 35 days before the status date, or never: P3 — "
                 "Project P3. Its figures describe an older state than this report; ask for a current update."),
    ]
    # each has its own action, so the data action does not count them again
    assert not [a for a in actions(result) if a.area == "data"]


def test_the_json_of_a_selection_says_how_it_was_solved_and_within_which_limit(portfolio):
    analysis = analyse_portfolio(portfolio, as_of=AS_OF, budget=1e9, frontier=False, time_limit=7.0)
    solver = analysis.to_dict()["selection"]["solver"]
    # A handful of candidates: solved exactly, so the bound is the value and the gap 0.
    assert {k: solver[k] for k in ("method", "gap", "time_limited", "time_limit")} == {
        "method": "milp", "gap": 0.0, "time_limited": False, "time_limit": 7.0}
    assert solver["bound"] == pytest.approx(analysis.selection.total_value)
    assert 0.0 <= solver["seconds"] <= analysis.selection.seconds + 1e-3


def test_a_set_found_but_not_proven_the_best_is_recommended_with_its_gap_not_called_infeasible(portfolio):
    """A selection stopped at the time limit (status "feasible") has a set: the action recommends it and says how
    far from the best it may be; only an infeasible selection says that no set fits the budget."""
    import dataclasses

    from pmo_workbench import i18n

    result = analyse_portfolio(portfolio, as_of=AS_OF, budget=1300)
    stopped = dataclasses.replace(result.selection, status="feasible", gap=0.0257, time_limited=True,
                                  notes=("no BAC, so no cost estimate: P9", "stopped at the time limit of 0.001 s"))
    (said,) = [a for a in actions(dataclasses.replace(result, selection=stopped)) if a.area == "selection"]
    assert (said.urgency, said.text) == (
        "soon", "Within the budget of 1.3k, the best set funds 1 project for 933 (total value 7.5). It is the best "
                "set found, not proven the best: a better set could add at most 2.57% of its value. 1 in-flight "
                "project falls outside it (P2 — Beta rollout): review whether to stop or pause it.")
    with i18n.use_language("de"):
        (german,) = [a for a in actions(dataclasses.replace(result, selection=stopped)) if a.area == "selection"]
    assert "nicht als beste bewiesen: Eine bessere Auswahl könnte höchstens 2,57" in german.text.replace("\xa0", " ")
    none = analyse_portfolio(portfolio, as_of=AS_OF, budget=100)   # P1 is mandatory and costs 933
    (said,) = [a for a in actions(none) if a.area == "selection"]
    assert said.urgency == "now" and said.text.startswith("No project set fits the budget of 100: ")
    assert none.selection.status == "infeasible"


def test_the_deck_says_a_set_is_not_proven_the_best_and_that_the_frontier_was_stopped(portfolio, monkeypatch):
    import dataclasses

    from pmo_workbench.reports import deck_portfolio
    from pmo_workbench.reports.slides import portfolio_slides

    result = analyse_portfolio(portfolio, as_of=AS_OF, budget=1300, frontier=True, time_limit=5.0)
    assert "unproven" not in portfolio_slides(result, actions(result))["selection"]  # proven: nothing to say
    curve = result.frontier.assign(status="feasible", gap=0.125, time_limited=True)
    stopped = dataclasses.replace(result, frontier=curve, selection=dataclasses.replace(
        result.selection, status="feasible", gap=0.0257, time_limited=True))
    sel = portfolio_slides(stopped, actions(stopped))["selection"]
    assert sel["unproven"] == ("It is the best set found, not proven the best: a better set could add at most "
                               "2.57% of its value.")
    assert sel["frontier_stopped"].startswith("The efficient frontier was stopped at the time limit of 5 s: ")
    shown = []
    monkeypatch.setattr(deck_portfolio, "_text_and_picture", lambda deck, slide, lines, chart, share: shown.extend(
        lines))

    class _Deck:
        body = None

        def slide(self, title):
            return None

    deck_portfolio._selection_slide(_Deck(), sel, {})
    assert sel["unproven"] in shown and shown[-1] == sel["frontier_stopped"]
