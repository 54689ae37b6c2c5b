"""The roadmap in German: its reasons, phases and deferrals from the catalogue, worked out by hand on the tiny
instrument and library of ``test_roadmap`` (see there for why each initiative is where it is)."""

from __future__ import annotations

import json

import pytest

from pmo_workbench.charts.roadmap import roadmap as roadmap_chart
from pmo_workbench.i18n import use_language
from tests.assessment.test_roadmap import TOP, answered, build, ev_tiny, ids, library, step  # noqa: F401
from tests.catalogue import english_leftovers


def _said(roadmap) -> str:
    return "\n".join([*(f"{i.phase_label}\n{i.because}\n{' '.join(i.evidence)}" for i in roadmap.initiatives),
                      *(d.reason for d in roadmap.deferred), *roadmap.to_dict()["phases"].values()])


@pytest.mark.parametrize(("g1", "said"), [(30.0, "30"), (39.9, "39,9")])
def test_an_item_trigger_in_german(tiny, g1, said):
    lib = library(step("x", "gov", triggers=[{"item": "G1", "below": 40}]))
    with use_language("de"):
        roadmap = build(tiny, lib, TOP, items={"G1": g1})
        text = _said(roadmap)
    assert roadmap.initiatives[0].because == f"Niedriger Wert bei \u201eg one\u201c ({said}, unter 40); beginnt sofort."
    assert roadmap.initiatives[0].phase_label == "Jetzt (0–3 Monate)"
    assert english_leftovers(text) == []


def test_reasons_of_the_lead_and_the_other_steps_in_german(ev_tiny):  # noqa: F811
    lib = library(step("quality", "gov", levels=[4], triggers=[{"item": "G1", "below": 50}]),
                  step("tool", "gov", levels=[1, 2], effort="high", weeks=16,
                       triggers=[{"evidence": "charter", "answer": ["no", "partly"]}]),
                  step("twice", "gov", levels=[4], effort="high", impact="low", weeks=16, prerequisites=["tool"],
                       triggers=[{"item": "G3", "below": 50}]))
    others = library(step("z-base", "gov", levels=[4]),
                     step("a-path", "gov", prerequisites=["z-base"], triggers=[{"evidence": "charter"}]))
    with use_language("de"):
        (only,) = build(ev_tiny, lib, TOP, items={"G1": 46.0, "G3": 39.0},
                        findings=answered(charter="partly")).initiatives
        (needed,) = build(ev_tiny, others, TOP, findings=answered(charter="no")).initiatives
    assert only.because == ("Nachweis \u201eA signed PMO charter\u201c nur teilweise erfüllt; außerdem 2 niedrige "
                            "Itemwerte; beginnt sofort.")
    assert needed.because == "Reifegrad: Governance auf Stufe 4; außerdem eine Nachweisantwort; beginnt sofort."
    assert needed.evidence[1] == "Nachweis \u201eA signed PMO charter\u201c mit Nein beantwortet"


def test_phases_cap_and_added_steps_in_german(tiny):
    heavy = library(step("h1", "gov", effort="high", impact="high"), step("h2", "sup", effort="high"),
                    step("h3", "ppl", effort="high", impact="low"))
    light = library(step("see", "gov", levels=[4], impact="high", effort="medium", weeks=6),
                    step("rule", "gov", levels=[4], effort="high", weeks=6, prerequisites=["see"]))
    capped = library(step("g", "gov", impact="high"), step("s", "sup"), step("p", "ppl", impact="low", ws="b"))
    added = library(step("sponsor", "sup", impact="high"), step("charter", "gov", prerequisites=["sponsor"]))
    with use_language("de"):
        one_heavy = build(tiny, heavy, TOP)
        (named,) = build(tiny, light, TOP).initiatives
        cut = build(tiny, capped, TOP, cap=2)
        phases = cut.to_dict()["phases"]
        forced = build(tiny, added, TOP, cap=1, add=["charter"])
        text = "\n".join(_said(r) for r in (one_heavy, cut, forced))
        chart = json.dumps(roadmap_chart(one_heavy.table()).to_dict(), ensure_ascii=False)
    assert one_heavy.initiatives[1].because == ("Reifegrad: Support auf Stufe 3; nur ein Start mit hohem Aufwand "
                                                "zugleich.")
    assert one_heavy.initiatives[1].phase_label == "Als Nächstes (3–6 Monate)"
    assert named.because == ("Reifegrad: Governance auf Stufe 4; enthält einen Schritt mit hohem Aufwand: Title rule; "
                             "beginnt sofort.")
    assert cut.deferred[0].reason == ("jenseits der Obergrenze von 2 Initiativen: geringere Priorität als die "
                                      "aufgenommenen")
    assert phases == {"1": "Jetzt (0–3 Monate)", "2": "Als Nächstes (3–6 Monate)",
                                       "3": "Später (6–12 Monate)"}
    assert forced.initiatives[1].because == "Von der Beratung ergänzt; nach I1, worauf sie aufbaut."
    # the chart: phase headers, each box's weeks and effort, the tooltips' titles
    for words in ("Jetzt (0–3 Monate)", "Später (6–12 Monate)", "Wochen 1–4, hoher Aufwand", "Handlungsfeld",
                  "Dauer und Aufwand"):
        assert words in chart
    assert english_leftovers(text + chart) == []


def test_a_gap_to_the_target_in_german(tiny):
    lib = library(step("g", "gov", levels=[3]), step("s", "sup", levels=[2]), step("p", "ppl", levels=[2]))
    with use_language("de"):
        roadmap = build(tiny, lib, {"gov": 45.0, "sup": 20.0, "ppl": 20.0}, target="controlling")
        text = _said(roadmap)
    assert ids(roadmap) == [["s"], ["g"]]
    assert roadmap.initiatives[0].because == ("Schließt eine Lücke zum Zieltyp Controlling (Support, 30,0 Punkte "
                                              "darunter); beginnt sofort.")
    assert english_leftovers(text) == []
