"""The benchmark section in German: the peers in words, the counts, the table, the notes, the method and the strip
chart from the catalogue, worked out by hand on the pools of ``test_benchmark`` and the example pool."""

from __future__ import annotations

import json

from pmo_workbench.assessment.benchmark import PeerFilter, compare
from pmo_workbench.charts.benchmark import benchmark_strips
from pmo_workbench.i18n import use_language
from pmo_workbench.reports.benchmark import BenchmarkSection, benchmark_section
from tests.assessment.test_benchmark import TEN, entry, pmo, pool
from tests.catalogue import english_leftovers
from tests.reports.test_benchmark_section import KORRIN, POOL, korrin  # noqa: F401  (fixture)


def test_the_comparison_in_german():
    peers = [entry(n, 10.0 * n, synthetic=n <= 3) for n in range(1, 11)]
    with use_language("de"):
        plain = compare(pmo(55.0), pool(*TEN), PeerFilter())
        shown = plain.shown_table()
        few = compare(pmo(50.0), pool(TEN[0]))
        merged = compare(pmo(50.0), pool(*peers), own_org_key="f" * 64, merged=True)
        described = PeerFilter(pmo_level="enterprise", sector="public sector", size="large",
                               year=(2024, 2026)).describe()
        chart = json.dumps(benchmark_strips(plain.table, plain.peer_scores).to_dict(), ensure_ascii=False)
        method = BenchmarkSection({}, False, True, 0).method
        notes = BenchmarkSection({}, False, False, 12, synthetic_entries=1).notes
        said = {"plain": plain.sentence, "few": few.sentence, "merged": merged.sentence}
    assert said["plain"] == "Verglichen mit 10 PMOs auf Unternehmensebene (eines je Organisation)."
    # rank 6 of 11 at 55, second quartile (worked out in test_benchmark); the overall row's label translated
    assert shown["rank"].tolist() == ["6 von 11", "6 von 11"] and shown["quartile"].tolist() == ["zweites"] * 2
    assert shown["label"].tolist() == ["Governance", "Gesamt"]
    assert said["few"] == ("Der Benchmark-Pool enthält 1 PMO auf Unternehmensebene (eines je Organisation); "
                            "mindestens 10 sind nötig, daher wird kein Vergleich gezeigt.")
    assert said["merged"] == (
        "Verglichen mit 10 PMOs auf Unternehmensebene (eines je Organisation innerhalb jedes hier zusammengeführten "
        "Pools: Organisationen lassen sich über zusammengeführte Pools hinweg nicht abgleichen, sodass eine in zwei "
        "Pools bewertete Organisation doppelt zählt und die aus einem anderen Pool übernommenen eigenen Einträge des "
        "Kunden nicht ausgeschlossen sind). 3 der 10 sind synthetisch (erfunden, keine echten Bewertungen).")
    assert described == ("PMOs auf Unternehmensebene im Sektor public sector aus großen Organisationen bewertet "
                         "2024–2026")
    assert ("eine je Organisation (ihre jüngste), ohne die eigenen Einträge des Kunden; mindestens 10 sind "
            "nötig") in method
    assert notes == [
        "1 der 12 Einträge des Pools ist synthetisch: eine erfundene Bewertung zu Demonstrationszwecken, kein echtes "
        "PMO; jeder Vergleich nennt, wie viele seiner Vergleichs-PMOs synthetisch sind.",
        "Der Pool wurde als exportierte Datei übergeben, in der sich die eigenen Einträge dieser Organisation nicht "
        "erkennen lassen: Vergleichen Sie mit der Datenbank des Pools, um sie auszuschließen."]
    # the chart: its axis, tooltips and the PMO's rank and quartile (Q1 32.5, median 55, Q3 77.5 in German numbers)
    for words in ("Wert (0–100)", "Wert eines Vergleichs-PMO", "Dieses PMO", "6 von 11", "zweites", "32,5", "77,5"):
        assert words in chart
    text = "\n".join([*said.values(), described, method, *notes, chart,
                      *shown["label"], *shown["rank"], *shown["quartile"]])
    assert english_leftovers(text) == []


def test_the_example_pool_in_german(korrin):  # noqa: F811
    ins, pmos = korrin
    with use_language("de"):
        section = benchmark_section(POOL, KORRIN, pmos, instrument=ins)
        sentences = {p: c.sentence for p, c in section.comparisons.items()}
        notes = section.notes
        text = "\n".join([*notes, section.method, *sentences.values()])
    # the example pool is synthetic, given as a file; Korrin's enterprise PMO has 61 peers (the CLI test's count)
    assert sentences["Corporate PMO"] == ("Verglichen mit 61 PMOs auf Unternehmensebene, bewertet mit pmo-core 2.0 "
                                          "(eines je Organisation). 61 der 61 sind synthetisch (erfunden, keine echten "
                                          "Bewertungen).")
    assert notes[0].startswith("Der Benchmark-Pool ist synthetisch: erfundene Bewertungen")
    assert english_leftovers(text) == []
