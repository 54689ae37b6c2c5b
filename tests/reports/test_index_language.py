"""The batch index speaks its own language in every cell: types re-labelled from their ids, dates in its form."""

from __future__ import annotations

import re

from pmo_workbench.i18n import use_language
from pmo_workbench.reports.execute import ReportOutcome
from pmo_workbench.reports.export import write_index

GERMAN_RECORDS = {  # what a German positioning report records: its own words beside the ids
    "instrument": {"id": "pmo-core", "version": "2.0"},
    "pmos": [{"pmo": "Digital Services PMO", "type": "supportive", "type_label": "Unterstützend",
              "certainty": "borderline", "target": "controlling", "target_label": "Kontrollierend",
              "overall_score": 44.3}],
}
PORTFOLIO_RECORDS = {"as_of": "2026-05-31", "headline": {"projects": 3}, "portfolio": {"cpi": 0.97}}


def _index(tmp_path, language):
    outcomes = [ReportOutcome("korrin-de", "positioning", "Korrin", None, "rendered", {}, GERMAN_RECORDS),
                ReportOutcome("korrin-portfolio", "portfolio", "Korrin", None, "rendered", {}, PORTFOLIO_RECORDS)]
    with use_language(language):
        page = write_index(tmp_path, outcomes, {"korrin-de": "de", "korrin-portfolio": None})
    return re.sub(r"\s+", " ", page.read_text(encoding="utf-8"))


def test_english_index_relabels_a_german_reports_types_and_keeps_iso_dates(tmp_path):
    page = _index(tmp_path, "en")
    assert "<td>Supportive (borderline)</td> <td>Controlling</td>" in page
    assert "Unterstützend" not in page and "Kontrollierend" not in page
    assert "<td>2026-05-31</td>" in page
    assert re.search(r"generated \d{4}-\d\d-\d\d \d\d:\d\d", page)


def test_german_index_writes_german_types_and_dates(tmp_path):
    page = _index(tmp_path, "de")
    assert "<td>Unterstützend (" in page and "<td>Kontrollierend</td>" in page
    assert "<td>31.05.2026</td>" in page and "2026-05-31" not in page
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", page)
