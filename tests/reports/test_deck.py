"""Slide decks built from hand-built records, reopened with python-pptx (no notebook runs here)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.text import MSO_AUTO_SIZE

from pmo_workbench.errors import InputValidationError, ReportError
from pmo_workbench.reports.branding import load_branding
from pmo_workbench.reports.deck import NotebookChart, build_deck, default_master, notebook_charts, pick_charts
from pmo_workbench.reports.deck_positioning import initiatives_of, perception_series
from pmo_workbench.reports.deck_text import EMU_PER_PT, LINE, needed_height, shorten, wrap

DIMENSIONS = [{"id": "mandate", "label": "Mandate and authority"},
              {"id": "methodology", "label": "Methodology and standards"},
              {"id": "portfolio", "label": "Portfolio selection"}]
ROLES = [{"id": "executive", "label": "Executive"}, {"id": "pmo_staff", "label": "PMO staff"},
         {"id": "project_manager", "label": "Project manager"}]


def _pmo(name: str, scores: dict[str, float], **extra) -> dict:
    return {
        "pmo": name, "pmo_level": "enterprise", "respondents": 12, "type": "controlling",
        "type_label": "Controlling", "certainty": "firm", "target": "strategic", "target_label": "Strategic",
        "target_reached": False, "overall_score": 54.8, "overall_level": 3, "level_words": "level 3 of 5",
        "sentence": f"The {name} is a Controlling PMO.", "profile_sentence": "It fits the Controlling type fully.",
        "foundation": None,
        "profile": [{"type": "supportive", "label": "Supportive", "gates": 2, "passed": 2, "met": 1},
                    {"type": "controlling", "label": "Controlling", "gates": 3, "passed": 3, "met": 2}],
        "to_target": {"portfolio": 12.5}, "scores": scores, "levels": {k: 3 for k in scores},
        # executives: every cell suppressed; PMO staff: one cell suppressed
        "by_role": {"executive": {"mandate": None, "methodology": None, "portfolio": None},
                    "pmo_staff": {"mandate": 71.0, "methodology": None, "portfolio": 40.5},
                    "project_manager": {"mandate": 52.0, "methodology": 61.5, "portfolio": 33.0}},
        "suppressed": [["executive", "mandate"], ["executive", "methodology"], ["executive", "portfolio"],
                       ["pmo_staff", "methodology"]],
        "gaps": ["PMO staff rate Mandate and authority 19.0 points above project managers."],
        "data_basis": "12 respondents (Project manager 8, 4 in roles too small to show apart).",
        "notes": [], "quality": {"answer_rate": 0.9, "dont_know_rate": 0.06}, "step_titles": {}, **extra,
    }


INITIATIVES = {"initiatives": [
    {"id": "I1", "title": "Agree the PMO charter", "workstream": "Governance", "phase": 1, "phase_label": "Now",
     "owner_role": "Sponsor", "duration_weeks": 6, "effort": "high", "impact": "high", "kpi": "Charter signed",
     "because": "Mandate scored 38.0", "evidence": ["MAN2"], "steps": [{"id": "S1", "title": "Draft", "action": "x"}]},
    {"id": "I2", "title": "Portfolio board", "workstream": "Portfolio", "phase": 2, "phase_label": "Next",
     "owner_role": "PMO lead", "duration_weeks": 12, "effort": "medium", "impact": "high",
     "kpi": "Monthly board held", "because": "Portfolio selection 33.0", "evidence": [], "steps": []},
    {"id": "I3", "title": "Resource pool", "workstream": "Portfolio", "phase": 3, "phase_label": "Later",
     "owner_role": "PMO lead", "duration_weeks": 20, "effort": "high", "impact": "medium",
     "kpi": "Utilisation tracked", "because": "Over-allocation in the workbook", "evidence": [], "steps": []},
], "deferred": []}

ENGAGEMENT = {"client": "Alpha Ltd", "consultancy": "Northwind Advisory", "prepared_for": "Chief Executive",
              "fieldwork": ["2026-03-02", "2026-03-27"], "confidentiality": "Confidential", "version": "1.0",
              "draft": True, "key_messages": ["The PMO is trusted by project managers.",
                                              "Its mandate is not written down."]}


def positioning_records(pmos: list[dict], **extra) -> dict:
    deck = {"report": "positioning", "instrument": {"id": "pmo-core", "version": "2.0", "title": "PMO core",
                                                    "items": 12, "dimensions": 3, "scale": [1, 5]},
            "min_group_size": 3, "dimensions": DIMENSIONS, "roles": ROLES,
            "method": ["Item score = 100 × (answer − 1) / 4."], "pmos": pmos}
    return {"deck": deck, **extra}


SCORES = {"mandate": 38.0, "methodology": 61.2, "portfolio": 33.0}


def _reopen(deck) -> Presentation:
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    return Presentation(io.BytesIO(buffer.getvalue()))


def _texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts.extend(c.text_frame.text for row in shape.table.rows for c in row.cells)
    return "\n".join(parts)


def _charts(prs, kind):
    return [s.chart for slide in prs.slides for s in slide.shapes if s.has_chart and s.chart.chart_type == kind]


def _values(chart) -> dict[str, list]:
    return {s.name: list(s.values) for s in chart.plots[0].series}


# --- positioning -------------------------------------------------------------------------------

def test_one_pmo_deck_has_its_slides_native_charts_and_recorded_values():
    records = positioning_records([_pmo("Corporate PMO", SCORES)], engagement=ENGAGEMENT,
                                  **{"roadmap/Corporate PMO": INITIATIVES})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert titles == ["PMO positioning assessment", "Key messages", "Type profile and target",
                      "Maturity by dimension", "Profile across the dimensions", "Perception gaps by role",
                      "Roadmap on one page", "The initiatives", "Appendix: method",
                      "Appendix: data quality and suppression"]
    title = _texts(prs.slides[0])
    for text in ("Alpha Ltd", "PMO: Corporate PMO", "Fieldwork 2 Mar 2026 to 27 Mar 2026", "Prepared for Chief "
                 "Executive", "Prepared by Northwind Advisory", "Confidential", "Version 1.0 · DRAFT"):
        assert text in title
    assert "The PMO is trusted by project managers." in _texts(prs.slides[1])
    assert "Its mandate is not written down." in _texts(prs.slides[1])
    assert "To reach the target: Portfolio selection: 12.5 points." in _texts(prs.slides[2])
    assert "Highest Methodology and standards (61.2), lowest Portfolio selection (33.0)." in _texts(prs.slides[3])
    (bars,) = [c for c in _charts(prs, XL_CHART_TYPE.BAR_CLUSTERED) if c.plots[0].categories[0] and
               len(c.plots[0].series) == 1]
    assert list(bars.plots[0].categories) == [d["label"] for d in DIMENSIONS]
    assert _values(bars) == {"Corporate PMO": [38.0, 61.2, 33.0]}
    (radar,) = _charts(prs, XL_CHART_TYPE.RADAR_MARKERS)
    assert list(radar.plots[0].categories) == [d["label"] for d in DIMENSIONS]
    assert _values(radar) == {"Corporate PMO": [38.0, 61.2, 33.0]}


def test_perception_leaves_suppressed_groups_out_with_a_footnote():
    prs = _reopen(build_deck("positioning", positioning_records([_pmo("Corporate PMO", SCORES)]),
                             organisation="Alpha Ltd"))
    slide = prs.slides[5]
    (chart,) = [s.chart for s in slide.shapes if s.has_chart]
    # executives (all suppressed) are left out; the suppressed PMO-staff cell stays empty
    assert _values(chart) == {"PMO staff": [71.0, None, 40.5], "Project manager": [52.0, 61.5, 33.0]}
    text = _texts(slide)
    assert "Groups of fewer than 3 respondents are not shown" in text
    assert "Left out: Executive." in text and "Some dimensions hidden for: PMO staff." in text


def test_perception_series_keeps_role_order_and_unknown_roles():
    p = {"by_role": {"team": {"mandate": 50.0}, "executive": {"mandate": None}}}
    series, hidden = perception_series(p, [("mandate", "Mandate")], {"executive": "Executive"})
    assert series == {"team": [50.0]} and hidden == ["Executive"]


def test_roadmap_on_one_page_and_initiatives_with_owner_duration_kpi_and_why():
    records = positioning_records([_pmo("Corporate PMO", SCORES)], **{"roadmap/Corporate PMO": INITIATIVES})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    (roadmap,) = [s.table for s in prs.slides[6].shapes if s.has_table]
    grid = [[c.text_frame.text for c in row.cells] for row in roadmap.rows]
    assert grid == [["Workstream", "Now", "Next", "Later"],
                    ["Governance", "• I1 Agree the PMO charter", "", ""],
                    ["Portfolio", "", "• I2 Portfolio board", "• I3 Resource pool"]]
    (table,) = [s.table for s in prs.slides[7].shapes if s.has_table]
    grid = [[c.text_frame.text for c in row.cells] for row in table.rows]
    assert grid[0] == ["Initiative", "Owner", "Weeks", "KPI", "Why"]
    assert grid[1] == ["I1 Agree the PMO charter", "Sponsor", "6", "Charter signed", "Mandate scored 38.0"]
    assert len(grid) == 4


@pytest.mark.parametrize("record, shape, titles", [
    (INITIATIVES, "initiatives", ["Agree the PMO charter", "Portfolio board", "Resource pool"]),
    # the earlier shape: a list of steps, titled from the deck record's step titles
    ([{"id": "GOV1", "phase": 1}, {"id": "GOV2", "phase": 3}], "steps", ["Agree a charter", "GOV2"]),
    (None, None, []),
    ("something else", None, []),
])
def test_roadmap_record_shapes(record, shape, titles):
    records = {} if record is None else {"roadmap/P": record}
    items, found = initiatives_of(records, "P", {"GOV1": "Agree a charter"})
    assert found == shape and [i["title"] for i in items] == titles


def test_earlier_roadmap_shape_degrades_to_a_list_of_steps():
    pmo = _pmo("Corporate PMO", SCORES, step_titles={"GOV1": "Agree a charter", "POR2": "Hold a board"})
    records = positioning_records([pmo], **{"roadmap/Corporate PMO": [{"id": "GOV1", "phase": 1},
                                                                      {"id": "POR2", "phase": 2}]})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    (table,) = [s.table for s in prs.slides[7].shapes if s.has_table]
    assert [c.text_frame.text for c in table.rows[1].cells][0] == "Agree a charter"
    assert "• Hold a board" in _texts(prs.slides[6])


def test_without_engagement_the_key_messages_are_the_summary_sentences():
    records = positioning_records([_pmo("Corporate PMO", SCORES)],
                                  **{"summary/Corporate PMO": {"sentence": "Summary from the report."}})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    text = _texts(prs.slides[1])
    assert "Summary from the report." in text
    assert "PMO staff rate Mandate and authority 19.0 points above project managers." in text
    assert "No roadmap was proposed" in _texts(prs.slides[6])


@pytest.mark.parametrize("n", [2, 3, 6])
def test_several_pmos_share_slides_and_stay_within_14(n):
    pmos = [_pmo(f"PMO {i}", {k: v + i for k, v in SCORES.items()}) for i in range(n)]
    prs = _reopen(build_deck("positioning", positioning_records(pmos), organisation="Alpha Ltd"))
    assert 8 <= len(prs.slides) <= 14
    (radar,) = _charts(prs, XL_CHART_TYPE.RADAR_MARKERS)
    assert _values(radar) == {f"PMO {i}": [38.0 + i, 61.2 + i, 33.0 + i] for i in range(n)}
    assert "PMOs: " + ", ".join(f"PMO {i}" for i in range(n)) in _texts(prs.slides[0])


def test_a_deck_needs_its_record():
    with pytest.raises(ReportError, match="Alpha Ltd: the report recorded nothing for its slide deck"):
        build_deck("positioning", {}, organisation="Alpha Ltd")
    with pytest.raises(ReportError, match="no 'deck' record of a portfolio report"):
        build_deck("portfolio", positioning_records([]), organisation="Alpha Ltd")


# --- portfolio ---------------------------------------------------------------------------------

PORTFOLIO = {
    "deck": {
        "report": "portfolio", "as_of": "2026-05-31", "currency": "GBP",
        "money": {"bac": "£56.4m", "eac": "£57.8m", "vac": "-£1.4m", "ev": "£27.3m", "ac": "£28.2m", "pv": "£28.9m"},
        "actions": [{"urgency": "now", "area": "delivery", "text": "Hold recovery reviews for 23 red projects."},
                    {"urgency": "soon", "area": "risk", "text": "Give 2 red threats an owner."}],
        "rag": {"key": "pmo", "label": "PMO", "rows": [
            {"name": "Enterprise PMO", "red": 12, "amber": 20, "green": 30, "check_estimate": 1, "cpi": 0.97,
             "spi": 0.94},
            {"name": "Digital PMO", "red": 4, "amber": 5, "green": 6, "check_estimate": 0, "cpi": 0.93,
             "spi": None}]},
        "risks": {"summary": "266 open threats.", "measure": "threat EMV", "money": True, "currency": "GBP",
                  "top": [{"name": "KRC-114 — Leisure centre", "value": 1200000.0, "text": "£1.2m"},
                          {"name": "KRC-086 — Roof", "value": 650000.0, "text": "£650.0k"}]},
        "resources": {"roles": 12, "roles_over": 2, "over_cells": 12, "committed_over_cells": 11,
                      "rows": [{"role": "Business analyst", "excess_fte": 11.85, "utilisation": 0.61}]},
        "dependencies": {"links": 40, "cycles": [["A", "B"]], "late": [{"project": "A", "needs": "C", "days": 42}],
                         "late_count": 1, "longest_chain": ["C", "A"], "longest_days": 300},
        "selection": {"status": "optimal", "budget": "£28.8m", "cost": "£28.2m", "value": 80.0, "selected": 3,
                      "candidates": 5, "funded": ["A", "B", "C"], "left_out": "2 candidates"},
        "findings": {"error": 1, "warning": 52, "info": 12},
    },
    "headline": {"projects": 160, "in_flight": 94, "red": 23, "amber": 38, "green": 31, "check_estimate": 2,
                 "cpi": 0.9712, "spi": 0.9388, "closed": 35, "closed_cpi": 0.99},
    "portfolio": {"cpi": 0.9712, "spi": 0.9388},
    "as_of": "2026-05-31",
}


def test_portfolio_deck_slides_charts_and_money():
    prs = _reopen(build_deck("portfolio", PORTFOLIO, organisation="Korrin"))
    assert [s.shapes.title.text_frame.text for s in prs.slides] == [
        "Portfolio health report", "Key messages", "Headline: earned value", "Health by PMO", "Risk exposure",
        "Shared resources: over-allocation", "Dependencies", "Prioritisation and selection",
        "What the PMO should act on", "Appendix: method and data quality"]
    assert "Status date 31 May 2026" in _texts(prs.slides[0])
    assert "Hold recovery reviews for 23 red projects." in _texts(prs.slides[1])
    headline = _texts(prs.slides[2])
    assert "94 in flight of 160 projects: 23 red, 38 amber, 31 green, 2 check estimate." in headline
    assert "CPI 0.97 · SPI 0.94" in headline and "EAC £57.8m against a budget (BAC) of £56.4m; VAC -£1.4m." in headline
    (rag,) = _charts(prs, XL_CHART_TYPE.BAR_STACKED)
    assert list(rag.plots[0].categories) == ["Enterprise PMO", "Digital PMO"]
    assert _values(rag) == {"Red": [12, 4], "Amber": [20, 5], "Green": [30, 6], "Check estimate": [1, 0]}
    (risk,) = _charts(prs, XL_CHART_TYPE.BAR_CLUSTERED)
    assert _values(risk) == {"Threat EMV (GBP)": [1200000.0, 650000.0]}
    assert "Within £28.8m: 3 of 5 candidates funded, costing £28.2m (optimal)." in _texts(prs.slides[7])
    assert "1 error, 12 notes, 52 warnings" in _texts(prs.slides[9])


def test_charts_are_found_by_name_then_by_caption():
    charts = [NotebookChart(None, "Cost against schedule performance of each project", {"a": 1}),
              NotebookChart("ladder/Corporate PMO", "Each type's gates", {"b": 2})]
    assert pick_charts(charts, "cpi_spi", "Cost against schedule")[0].spec == {"a": 1}
    assert pick_charts(charts, "ladder")[0].spec == {"b": 2}
    assert pick_charts(charts, "demand", "Demand per month") == []


def test_a_complex_chart_becomes_a_picture():
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": [{"x": 1, "y": 2}]},
            "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"},
                                          "y": {"field": "y", "type": "quantitative"}}}
    deck = build_deck("portfolio", PORTFOLIO, organisation="Korrin",
                      charts=[NotebookChart("cpi_spi", "", spec)])
    prs = _reopen(deck)
    pictures = [s for s in prs.slides[2].shapes if s.shape_type == 13]
    assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"


def test_chart_names_are_kept_in_the_output_metadata(monkeypatch):
    import altair as alt

    from pmo_workbench.notebook import show

    shown = []
    monkeypatch.setattr(show, "_display", lambda bundle, metadata=None: shown.append((bundle, metadata)))
    monkeypatch.setenv("PMO_WORKBENCH_DEFER_SVG", "1")
    show.chart(alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q"), name="ladder/P")
    bundle, metadata = shown[0]
    assert metadata == {"name": "ladder/P"}
    nb = type("NB", (), {"cells": [{"outputs": [{"data": bundle, "metadata": metadata}]}]})()
    assert notebook_charts(nb)[0].name == "ladder/P"


# --- text: fits, and stays text -----------------------------------------------------------------

def _frame_height_needed(frame, width_emu: int) -> float:
    paragraphs = []
    for i, p in enumerate(frame.paragraphs):
        sizes = [r.font.size.pt for r in p.runs if r.font.size is not None] or [18.0]
        bold = any(r.font.bold for r in p.runs)
        before = p.space_before.pt if p.space_before is not None else 0
        paragraphs.append(("".join(r.text for r in p.runs), max(sizes), bold, before if i else 0))
    return needed_height(paragraphs, width_emu / EMU_PER_PT)


def assert_text_fits(prs) -> None:
    """No text frame needs more height than its shape has; no table runs past the slide's foot."""
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= prs.slide_width + 1, (number, shape.name)
            if shape.has_text_frame and shape.text_frame.text:
                need = _frame_height_needed(shape.text_frame, shape.width)
                assert need <= shape.height / EMU_PER_PT + 0.5, (number, shape.text_frame.text[:60], need)
                assert shape.text_frame.auto_size == MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE, (number, shape.name)
            if shape.has_table:
                total = 0.0
                for row in shape.table.rows:
                    heights = []
                    for cell, column in zip(row.cells, shape.table.columns):
                        sizes = [r.font.size.pt for p in cell.text_frame.paragraphs for r in p.runs] or [18.0]
                        lines = len(wrap(cell.text_frame.text, max(sizes), column.width / EMU_PER_PT - 14.4))
                        heights.append(lines * max(sizes) * LINE + 7.2)
                    assert max(heights) <= row.height / EMU_PER_PT + 0.5, (number, row.cells[0].text_frame.text)
                    total += row.height / EMU_PER_PT
                assert shape.top / EMU_PER_PT + total <= prs.slide_height / EMU_PER_PT * 0.93, (number, "table")


LONG = " ".join(["A very long key message that goes on and on about the state of the PMO."] * 6)


@pytest.mark.parametrize("records, report", [
    (positioning_records([_pmo("Corporate PMO", SCORES)], engagement=ENGAGEMENT,
                         **{"roadmap/Corporate PMO": INITIATIVES}), "positioning"),
    (positioning_records([_pmo(f"PMO {i} with a rather long name", SCORES, gaps=[LONG] * 4) for i in range(4)],
                         engagement={**ENGAGEMENT, "key_messages": [LONG] * 5},
                         **{f"roadmap/PMO {i} with a rather long name": INITIATIVES for i in range(4)}), "positioning"),
    (PORTFOLIO, "portfolio"),
    ({**PORTFOLIO, "deck": {**PORTFOLIO["deck"], "actions": [{"urgency": "now", "area": "risk", "text": LONG}] * 12}},
     "portfolio"),
])
def test_every_text_fits_its_box(records, report):
    assert_text_fits(_reopen(build_deck(report, records, organisation="An organisation with a long name " * 3)))


def test_hostile_names_and_formula_like_text_stay_plain_text():
    organisation = '<script>&"'
    message = '=HYPERLINK("http://example.invalid","click")'
    records = positioning_records([_pmo("<b>PMO</b>", SCORES)],
                                  engagement={**ENGAGEMENT, "client": organisation, "key_messages": [message]})
    deck = build_deck("positioning", records, organisation=organisation)
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    prs = Presentation(io.BytesIO(buffer.getvalue()))
    assert organisation in _texts(prs.slides[0]) and "PMO: <b>PMO</b>" in _texts(prs.slides[0])
    assert f"• {message}" in _texts(prs.slides[1])
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        xml = archive.read("ppt/slides/slide1.xml").decode()
    assert "&lt;script&gt;&amp;\"" in xml and "<script>" not in xml


@pytest.mark.parametrize("text, lines, expected", [
    ("short", 1, "short"),
    ("one two three four five six seven eight nine ten " * 4, 1, None),
    ("first line\nsecond line that is long enough to wrap " * 3, 2, None),
])
def test_shorten_keeps_to_the_lines_asked(text, lines, expected):
    result = shorten(text.strip(), 12, 200, lines)
    assert len(wrap(result, 12, 200)) <= lines
    if expected is not None:
        assert result == expected
    else:
        assert result.endswith("…")


def test_wrap_breaks_at_spaces_and_cuts_over_long_words():
    assert wrap("aaa bbb", 12, 1000) == ["aaa bbb"]
    assert all(len(line) >= 1 for line in wrap("x" * 200, 12, 100))
    assert "".join(wrap("x" * 200, 12, 100)) == "x" * 200


# --- branding: a consultancy's master ------------------------------------------------------------

def _branding(tmp_path: Path, master_line: str) -> Path:
    path = tmp_path / "branding.yaml"
    path.write_text(f"consultancy: Northwind\n{master_line}\n", encoding="utf-8")
    return path


def test_a_consultancy_master_replaces_the_default(tmp_path):
    prs = Presentation(str(default_master()))
    prs.core_properties.title = "Northwind master"
    prs.slides.add_slide(prs.slide_layouts[0])  # an example slide the deck must not keep
    prs.save(str(tmp_path / "master.pptx"))
    branding = load_branding(_branding(tmp_path, "deck: master.pptx"))
    assert branding.deck == (tmp_path / "master.pptx").resolve()
    deck = build_deck("positioning", positioning_records([_pmo("P", SCORES)]), organisation="A", branding=branding)
    prs = _reopen(deck)
    assert prs.core_properties.title == "Northwind master"
    assert prs.slides[0].shapes.title.text_frame.text == "PMO positioning assessment"
    assert len(prs.slides) == 10


@pytest.mark.parametrize("setup, line, message", [
    (lambda d: (d / "master.pptx").write_bytes(b"not a zip"), "deck: master.pptx", "not a PowerPoint file"),
    (lambda d: zipfile.ZipFile(d / "master.pptx", "w").close(), "deck: master.pptx", "not a PowerPoint presentation"),
    (lambda d: (d / "master.txt").write_text("x"), "deck: master.txt", "must be a .pptx file"),
    (lambda d: None, "deck: ../outside.pptx", "deck refused"),
    (lambda d: None, "deck: missing.pptx", "no such file"),
])
def test_a_bad_master_is_refused_with_file_and_line(tmp_path, setup, line, message):
    folder = tmp_path / "brand"
    folder.mkdir()
    setup(folder)
    (tmp_path / "outside.pptx").write_bytes(default_master().read_bytes())
    path = _branding(folder, line)
    with pytest.raises(InputValidationError) as info:
        load_branding(path)
    problem = info.value.problems[0]
    assert problem.row == 2 and problem.column == "deck" and message in problem.message
    assert str(path) in str(info.value)


# --- the engine: format, index ------------------------------------------------------------------

def test_pptx_is_a_report_format_and_the_index_links_it(tmp_path):
    from pmo_workbench.reports.execute import ReportOutcome
    from pmo_workbench.reports.export import write_index
    from pmo_workbench.reports.spec import check_formats

    assert check_formats(["HTML", "pptx"]) == ("html", "pptx")
    deck = tmp_path / "alpha-positioning.pptx"
    deck.write_bytes(b"x")
    outcome = ReportOutcome("alpha-positioning", "positioning", "Alpha", None, "rendered", {"pptx": str(deck)})
    page = write_index(tmp_path, [outcome]).read_text(encoding="utf-8")
    assert '<a href="alpha-positioning.pptx">PPTX</a>' in page


def test_the_consultancy_logo_and_colour_reach_the_title_slide_and_charts(tmp_path):
    from PIL import Image

    Image.new("RGB", (40, 20), "red").save(tmp_path / "logo.png")
    path = tmp_path / "branding.yaml"
    path.write_text("consultancy: Northwind\nlogo: logo.png\ncolour: \"#123456\"\n", encoding="utf-8")
    deck = build_deck("positioning", positioning_records([_pmo("P", SCORES)]), organisation="A",
                      branding=load_branding(path))
    prs = _reopen(deck)
    assert [s.image.content_type for s in prs.slides[0].shapes if s.shape_type == 13] == ["image/png"]
    assert "Prepared by Northwind" in _texts(prs.slides[0])
    (radar,) = _charts(prs, XL_CHART_TYPE.RADAR_MARKERS)
    assert str(radar.plots[0].series[0].format.line.color.rgb) == "123456"


def test_perception_with_every_group_suppressed_says_so_instead_of_an_empty_chart():
    pmo = _pmo("P", SCORES, gaps=[])
    pmo["by_role"] = {"executive": {"mandate": None, "methodology": None, "portfolio": None}}
    prs = _reopen(build_deck("positioning", positioning_records([pmo]), organisation="A"))
    slide = prs.slides[5]
    assert not [s for s in slide.shapes if s.has_chart]
    assert "Every role group is smaller than 3 respondents" in _texts(slide)
    assert "Left out: Executive." in _texts(slide)


def test_a_staged_deck_is_published_and_a_deck_no_longer_asked_for_is_removed(tmp_path):
    from pmo_workbench.reports.execute import ReportOutcome
    from pmo_workbench.reports.publish import publish

    out, work = tmp_path / "out", tmp_path / "work"
    out.mkdir()
    work.mkdir()
    (work / "a.pptx").write_bytes(b"new deck")
    (out / "a.pptx").write_bytes(b"old deck")
    staged = ReportOutcome("a", "positioning", "A", None, "rendered", {"pptx": str(work / "a.pptx")})
    published = publish(staged, out, ["pptx"], keep_old=True)
    assert published.files == {"pptx": str(out / "a.pptx")} and (out / "a.pptx").read_bytes() == b"new deck"
    (work / "a.html").write_text("page", encoding="utf-8")
    publish(ReportOutcome("a", "positioning", "A", None, "rendered", {"html": str(work / "a.html")}), out, ["html"],
            keep_old=True)
    assert not (out / "a.pptx").exists() and (out / "a.html").is_file()


# --- the footer: the draft marker and the slide number are never cut ------------------------------

def test_a_long_name_never_cuts_the_draft_marker_or_the_slide_number():
    organisation = '<script>alert("x")</script> O\'Brien & "Söhne" Événements Internationaux ' * 3 + "GmbH"
    engagement = {**ENGAGEMENT, "draft": True, "client": organisation,
                  "confidentiality": "Strictly confidential – not for onward distribution. " * 3}
    records = positioning_records([_pmo("Corporate PMO", SCORES)], engagement=engagement,
                                  **{"roadmap/Corporate PMO": INITIATIVES})
    prs = _reopen(build_deck("positioning", records, organisation=organisation))
    for number, slide in enumerate(prs.slides, 1):
        if number == 1:
            continue  # the title slide says it all at length
        footers = [s.text_frame.text for s in slide.shapes
                   if s.has_text_frame and s.top > prs.slide_height * 0.93]
        assert f"DRAFT · {number}" in footers, (number, footers)
        (left,) = [t for t in footers if "DRAFT" not in t]
        assert left.startswith("<script>alert(\"x\")</script> O'Brien") and left.endswith("…")
        assert len(wrap(left, 9, 10_000)) == 1
    assert_text_fits(prs)


def test_a_final_deck_numbers_its_slides_without_a_marker():
    records = positioning_records([_pmo("Corporate PMO", SCORES)], engagement={**ENGAGEMENT, "draft": False})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Limited (as answered)"))
    footers = [s.text_frame.text for s in prs.slides[2].shapes if s.has_text_frame and
               s.top > prs.slide_height * 0.93]
    assert sorted(footers) == ["3", "Alpha Ltd · Confidential"]  # the engagement's client name


# --- the engagement's logos on the title slide ----------------------------------------------------

def _png_uri(width: int, height: int, colour=(200, 30, 30)) -> tuple[bytes, str]:
    import base64

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    data = buffer.getvalue()
    return data, "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def test_the_engagements_logos_are_on_the_title_slide():
    client, client_uri = _png_uri(400, 80)
    consultancy, consultancy_uri = _png_uri(200, 100, (30, 30, 200))
    records = positioning_records([_pmo("Corporate PMO", SCORES)],
                                  engagement={**ENGAGEMENT, "client_logo": client_uri,
                                              "consultancy_logo": consultancy_uri})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    pictures = {s.name: s for s in prs.slides[0].shapes if s.shape_type == 13}
    assert set(pictures) == {"Client logo", "Consultancy logo"}
    assert pictures["Client logo"].image.blob == client
    assert pictures["Consultancy logo"].image.blob == consultancy
    # each in a box a fifth of the slide wide and a tenth high (192 x 54 pt of a 960 x 540 pt slide), at the margins
    box_w, box_h = prs.slide_width * 0.2, prs.slide_height * 0.1
    logo, right = pictures["Client logo"], pictures["Consultancy logo"]
    assert logo.left == int(prs.slide_width * 0.0375)
    assert abs(logo.width - box_w) <= 1 and abs(logo.height - box_w * 80 / 400) <= 1  # 400x80: 192 x 38.4 pt
    assert abs(right.height - box_h) <= 1 and abs(right.width - box_h * 2) <= 1      # 200x100: 108 x 54 pt
    assert abs(right.left + right.width - (prs.slide_width - int(prs.slide_width * 0.0375))) <= 1
    assert all(s.shape_type != 13 for slide in list(prs.slides)[1:] for s in slide.shapes
               if s.name in pictures)


def test_the_engagements_consultancy_logo_wins_over_the_branding_one(tmp_path):
    branded, _ = _png_uri(10, 10, (0, 200, 0))
    (tmp_path / "logo.png").write_bytes(branded)
    (tmp_path / "branding.yaml").write_text("consultancy: Northwind\nlogo: logo.png\n", encoding="utf-8")
    branding = load_branding(tmp_path / "branding.yaml")
    consultancy, uri = _png_uri(200, 100)
    with_logo = positioning_records([_pmo("P", SCORES)], engagement={**ENGAGEMENT, "consultancy_logo": uri})
    prs = _reopen(build_deck("positioning", with_logo, organisation="Alpha Ltd", branding=branding))
    assert [s.image.blob for s in prs.slides[0].shapes if s.shape_type == 13] == [consultancy]
    without = positioning_records([_pmo("P", SCORES)], engagement=ENGAGEMENT)
    prs = _reopen(build_deck("positioning", without, organisation="Alpha Ltd", branding=branding))
    assert [s.image.blob for s in prs.slides[0].shapes if s.shape_type == 13] == [branded]


# --- every initiative reaches the deck -------------------------------------------------------------

KPI = ("The next capacity view shows no over-allocated role-month in committed work, or each remaining one has an "
       "agreed plan.")


def _roadmap(pmo: str, n: int = 8, *, deferred: int = 0) -> dict:
    streams = [("portfolio", "Portfolio and resources"), ("governance", "Governance and mandate")]
    initiatives = [{"id": f"I{k}", "title": f"{pmo} initiative number {k} with a title of some length",
                    "workstream": streams[k % 2][0], "workstream_label": streams[k % 2][1], "phase": 1 + k % 3,
                    "phase_label": ["Now (0-3 months)", "Next (3-6 months)", "Later (6-12 months)"][k % 3],
                    "owner_role": "Head of the PMO", "duration_weeks": 4 * k, "kpi": KPI,
                    "because": "Closes a gap to the Strategic target (Business cases and funding, 15.9 points short);"
                               " one high-effort start at a time."} for k in range(1, n + 1)]
    return {"initiatives": initiatives, "options": {"cap": n},
            "deferred": [{"title": f"Deferred {k}", "workstream": "people", "dimension": "service",
                          "steps": ["S"], "reason": "beyond the cap"} for k in range(1, deferred + 1)]}


def _initiative_rows(prs) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    for slide in prs.slides:
        title = slide.shapes.title.text_frame.text
        if title.startswith("The initiatives"):
            (table,) = [s.table for s in slide.shapes if s.has_table]
            found[title] = [[c.text_frame.text for c in row.cells] for row in list(table.rows)[1:]]
    return found


def test_every_initiative_of_one_pmo_reaches_the_deck_uncut():
    records = positioning_records([_pmo("Corporate PMO", SCORES)], **{"roadmap/Corporate PMO": _roadmap("C")})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    pages = _initiative_rows(prs)
    rows = [r for page in pages.values() for r in page]
    assert [r[0] for r in rows] == [f"I{k} C initiative number {k} with a title of some length" for k in range(1, 9)]
    assert all(r[3] == KPI for r in rows)  # the KPI whole, never "…"
    assert not any("…" in cell for r in rows for cell in r)
    assert list(pages) in (["The initiatives"], ["The initiatives (1 of 2)", "The initiatives (2 of 2)"])
    assert 8 <= len(prs.slides) <= 14
    assert_text_fits(prs)


def test_two_pmos_get_a_slide_each_for_their_initiatives_within_14_slides():
    pmos = [_pmo("Corporate PMO", SCORES), _pmo("Digital PMO", SCORES)]
    records = positioning_records(pmos, **{"roadmap/Corporate PMO": _roadmap("C"),
                                           "roadmap/Digital PMO": _roadmap("D", 4)})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    pages = _initiative_rows(prs)
    names = [r[0] for page in pages.values() for r in page]
    assert names == [f"I{k} C initiative number {k} with a title of some length" for k in range(1, 9)] + \
        [f"I{k} D initiative number {k} with a title of some length" for k in range(1, 5)]
    assert all(t.startswith(("The initiatives: Corporate PMO", "The initiatives: Digital PMO")) for t in pages)
    assert len(prs.slides) <= 14
    assert_text_fits(prs)


def test_six_pmos_share_initiative_slides_and_say_what_the_deck_leaves_out():
    pmos = [_pmo(f"PMO {i}", SCORES) for i in range(6)]
    records = positioning_records(pmos, **{f"roadmap/PMO {i}": _roadmap(f"P{i}") for i in range(6)})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    assert len(prs.slides) == 14
    rows = [r for page in _initiative_rows(prs).values() for r in page]
    shown = [r for r in rows if not r[0].startswith("… and")]
    assert rows[-1][0] == f"… and {48 - len(shown)} more in the report"
    assert shown[0][0] == "PMO 0: I1 P0 initiative number 1 with a title of some length"
    assert "Perception by role of" in _texts(prs.slides[-1])  # at least one perception slide, the rest named
    assert_text_fits(prs)


def test_the_roadmap_uses_the_workstream_labels_and_names_what_the_cap_left_out():
    records = positioning_records([_pmo("Corporate PMO", SCORES)],
                                  **{"roadmap/Corporate PMO": _roadmap("C", 3, deferred=2)})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd"))
    slide = next(s for s in prs.slides if s.shapes.title.text_frame.text == "Roadmap on one page")
    (table,) = [s.table for s in slide.shapes if s.has_table]
    assert [row.cells[0].text_frame.text for row in table.rows] == [
        "Workstream", "Governance and mandate", "Portfolio and resources"]
    # I1 governance, next; I2 portfolio, later; I3 governance, now
    assert [c.text_frame.text for c in table.rows[1].cells][1:] == [
        "• I3 C initiative number 3 with a title of some length",
        "• I1 C initiative number 1 with a title of some length", ""]
    assert "Beyond the cap of 3 initiatives, 2 more were left for later: Deferred 1; Deferred 2." in _texts(slide)


# --- portfolio: a cut list says it is cut -----------------------------------------------------------

def _actions(now: int, soon: int, watch: int, text: str = "") -> list[dict]:
    out = []
    for urgency, n in (("now", now), ("soon", soon), ("watch", watch)):
        out += [{"urgency": urgency, "area": "delivery", "text": f"{urgency} action {k}. {text}".strip()}
                for k in range(1, n + 1)]
    return out


def _action_rows(prs) -> list[list[str]]:
    rows = []
    for slide in prs.slides:
        if slide.shapes.title.text_frame.text.startswith("What the PMO should act on"):
            (table,) = [s.table for s in slide.shapes if s.has_table]
            rows += [[c.text_frame.text for c in row.cells] for row in list(table.rows)[1:]]
    return rows


def test_every_short_action_reaches_the_portfolio_deck():
    records = {**PORTFOLIO, "deck": {**PORTFOLIO["deck"], "actions": _actions(8, 11, 3)}}
    prs = _reopen(build_deck("portfolio", records, organisation="Korrin"))
    rows = _action_rows(prs)
    assert [r[2] for r in rows] == [a["text"] for a in _actions(8, 11, 3)]
    assert [r[0] for r in rows] == ["Now"] * 8 + ["In the next weeks"] * 11 + ["Keep watching"] * 3
    assert len(prs.slides) <= 14
    assert_text_fits(prs)


def test_long_actions_past_three_slides_are_counted_by_urgency():
    actions = _actions(8, 11, 3, LONG)
    records = {**PORTFOLIO, "deck": {**PORTFOLIO["deck"], "actions": actions}}
    prs = _reopen(build_deck("portfolio", records, organisation="Korrin"))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert [t for t in titles if t.startswith("What")] == [f"What the PMO should act on ({n} of 3)" for n in (1, 2, 3)]
    rows = _action_rows(prs)
    shown, last = rows[:-1], rows[-1]
    assert [r[2].split(".")[0] for r in shown] == [a["text"].split(".")[0] for a in actions[:len(shown)]]
    assert all(r[0] == "Now" for r in shown[:8])  # every "now" action on the slides
    left = actions[len(shown):]
    soon, watch = sum(a["urgency"] == "soon" for a in left), sum(a["urgency"] == "watch" for a in left)
    assert last == ["", "", f"… and {len(left)} more in the report: {soon} in the next weeks, {watch} to keep "
                            "watching."]
    assert_text_fits(prs)


def test_the_funded_list_says_when_it_names_only_the_first_projects():
    selection = {**PORTFOLIO["deck"]["selection"], "selected": 103, "candidates": 117,
                 "funded": [f"KRC-{k:03d}" for k in range(1, 9)], "left_out": "14 candidates"}
    records = {**PORTFOLIO, "deck": {**PORTFOLIO["deck"], "selection": selection}}
    text = _texts(_reopen(build_deck("portfolio", records, organisation="Korrin")).slides[7])
    assert ("Funded, the first 8 of 103 (the report lists them all): KRC-001; KRC-002; KRC-003; KRC-004; KRC-005; "
            "KRC-006; KRC-007; KRC-008.") in text
    text = _texts(_reopen(build_deck("portfolio", PORTFOLIO, organisation="Korrin")).slides[7])
    assert "Funded: A; B; C." in text


# --- portfolio: a PMO over others is a roll-up ---------------------------------------------------------

def test_a_parent_pmo_is_marked_as_the_roll_up_of_those_under_it():
    rows = [{"name": "Enterprise PMO", "red": 23, "amber": 38, "green": 31, "check_estimate": 2, "cpi": 0.97,
             "spi": 0.94, "parent": None},
            {"name": "Corporate PMO", "red": 12, "amber": 20, "green": 22, "check_estimate": 1, "cpi": 0.98,
             "spi": 0.95, "parent": "Enterprise PMO"},
            {"name": "Digital Services PMO", "red": 11, "amber": 18, "green": 9, "check_estimate": 1, "cpi": 0.95,
             "spi": 0.92, "parent": "Enterprise PMO"}]
    records = {**PORTFOLIO, "deck": {**PORTFOLIO["deck"], "rag": {"key": "pmo", "label": "PMO", "rows": rows}}}
    prs = _reopen(build_deck("portfolio", records, organisation="Korrin"))
    (rag,) = _charts(prs, XL_CHART_TYPE.BAR_STACKED)
    assert list(rag.plots[0].categories) == ["Enterprise PMO (roll-up)", "Corporate PMO", "Digital Services PMO"]
    assert _values(rag)["Red"] == [23, 12, 11]
    text = _texts(prs.slides[3])
    assert ("Enterprise PMO (roll-up) counts its own projects and those of Corporate PMO, Digital Services PMO: "
            "not a PMO beside them.") in text
    assert "Enterprise PMO (roll-up): CPI 0.97, SPI 0.94" in text


@pytest.mark.parametrize("parents, expected", [
    ({"A": None, "B": "A", "C": "B", "D": None}, {"A": ["B", "C"], "B": ["C"]}),   # two levels
    ({"A": None, "B": None}, {}),                                                 # flat
    ({"A": "B", "B": "A"}, {"A": ["B"], "B": ["A"]}),                             # a loop ends
    ({"A": None, "B": "Z"}, {}),                                                  # a parent not shown
])
def test_rollups(parents, expected):
    from pmo_workbench.reports.deck_portfolio import rollups

    assert rollups([{"name": n, "parent": p} for n, p in parents.items()]) == expected


def test_rag_rows_keep_the_parent_pmo():
    import pandas as pd

    from pmo_workbench.reports.slides import _rag_rows

    frame = pd.DataFrame({"pmo": ["E", "C"], "parent": [None, "E"], "red": [2, 1], "amber": [0, 0], "green": [1, 1],
                          "check_estimate": [0, 0], "cpi": [0.9, float("nan")], "spi": [1.0, 1.0]})
    assert [(r["name"], r["parent"], r["red"], r["cpi"]) for r in _rag_rows(frame, "pmo")] == [
        ("E", None, 2, 0.9), ("C", "E", 1, None)]


# --- the charts' workbooks hold names as text -----------------------------------------------------------

def test_a_formula_like_name_is_text_in_the_charts_embedded_workbooks():
    evil = "=cmd|' /C calc'!A0"
    link = '=HYPERLINK("http://example.invalid","x")'
    records = positioning_records([_pmo(evil, SCORES), _pmo(link, SCORES)])
    buffer = io.BytesIO()
    build_deck("positioning", records, organisation="Alpha Ltd").prs.save(buffer)
    with zipfile.ZipFile(buffer) as deck:
        books = [n for n in deck.namelist() if n.startswith("ppt/embeddings/") and n.endswith(".xlsx")]
        named = 0
        for name in books:
            with zipfile.ZipFile(io.BytesIO(deck.read(name))) as book:
                sheet = book.read("xl/worksheets/sheet1.xml").decode()
                strings = book.read("xl/sharedStrings.xml").decode()
            assert "<f>" not in sheet, name
            named += evil in strings.replace("&apos;", "'")
    assert named == 2  # the scores' and the radar's workbooks name the PMOs
    prs = Presentation(io.BytesIO(buffer.getvalue()))
    (radar,) = _charts(prs, XL_CHART_TYPE.RADAR_MARKERS)
    assert list(_values(radar)) == [evil, link]  # the chart itself still shows the names as they are


def test_one_visible_role_group_is_no_comparison():
    pmo = _pmo("Corporate PMO", SCORES, gaps=[],
               by_role={"executive": {"mandate": None, "methodology": None, "portfolio": None},
                        "project_manager": {"mandate": 52.0, "methodology": 61.5, "portfolio": 33.0}})
    prs = _reopen(build_deck("positioning", positioning_records([pmo]), organisation="Alpha Ltd"))
    text = _texts(prs.slides[5])
    assert ("Only one role group (Project manager) has 3 or more respondents, so no comparison between roles can be "
            "made: the chart shows that group's view alone.") in text
    assert "No gap between the role groups" not in text


# --- many PMOs: every PMO somewhere, and the deck says what it leaves to the report -------------------

def test_eight_pmos_keep_every_pmo_in_the_type_table_and_roadmap_summary():
    pmos = [_pmo(f"PMO {i}", SCORES) for i in range(8)]
    records = positioning_records(pmos, **{f"roadmap/PMO {i}": _roadmap(f"P{i}") for i in range(8)})
    prs = _reopen(build_deck("positioning", records, organisation="Omnibus Group"))
    assert len(prs.slides) <= 14
    by_title = {s.shapes.title.text_frame.text: s for s in prs.slides}
    (types,) = [s.table for s in by_title["Type profile and target"].shapes if s.has_table]
    assert [r.cells[0].text_frame.text for r in list(types.rows)[1:]] == [f"PMO {i}" for i in range(8)]
    roadmap = by_title["Roadmap on one page"]
    (table,) = [s.table for s in roadmap.shapes if s.has_table]
    grid = [[c.text_frame.text for c in r.cells] for r in table.rows]
    assert [r[0] for r in grid] == ["PMO", *[f"PMO {i}" for i in range(8)]]
    # _roadmap: initiative k in phase 1 + k % 3 and workstream k % 2 -> now: I3, I6 (governance, portfolio)
    assert grid[1][1] == "2 (I3, I6): Governance and mandate 1; Portfolio and resources 1"
    assert "Too many initiatives for one page" in _texts(roadmap)
    quality = _texts(prs.slides[-1])
    shown = [t for t in by_title if t.startswith("Perception gaps by role")]
    left = [f"PMO {i}" for i in range(len(shown), 8)]
    assert f"Perception by role of {', '.join(left)} is in the report, not here." in quality
    assert_text_fits(prs)


# --- portfolio: no slide that says only that a sheet is missing ------------------------------------------

def test_a_workbook_without_risks_assignments_or_dependencies_gets_one_not_covered_slide():
    deck = {k: v for k, v in PORTFOLIO["deck"].items() if k not in ("risks", "resources", "dependencies")}
    prs = _reopen(build_deck("portfolio", {**PORTFOLIO, "deck": deck}, organisation="Korrin"))
    assert [s.shapes.title.text_frame.text for s in prs.slides] == [
        "Portfolio health report", "Key messages", "Headline: earned value", "Health by PMO",
        "Not covered by this workbook", "Prioritisation and selection", "What the PMO should act on",
        "Appendix: method and data quality"]
    text = _texts(prs.slides[4])
    for line in ("No risks sheet, so no risk exposure.", "No assignments sheet, so no over-allocation of shared "
                 "roles.", "No dependencies sheet, so no links between projects."):
        assert line in text


def test_one_missing_sheet_is_a_line_of_the_appendix():
    deck = {k: v for k, v in PORTFOLIO["deck"].items() if k != "risks"}
    prs = _reopen(build_deck("portfolio", {**PORTFOLIO, "deck": deck}, organisation="Korrin"))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    assert len(titles) == 9 and "Risk exposure" not in titles and "Not covered by this workbook" not in titles
    assert "Not covered: the workbook has no risks sheet, so no risk exposure." in _texts(prs.slides[-1])


# --- a master whose title runs down the side --------------------------------------------------------------

@pytest.mark.parametrize("side", ["left", "right"])
def test_a_sidebar_title_puts_the_content_beside_it(tmp_path, side):
    prs = Presentation(str(default_master()))
    width, height = prs.slide_width, prs.slide_height
    for layout in prs.slide_layouts:
        for ph in layout.placeholders:
            if ph.placeholder_format.idx == 0 and layout.name in ("Title Only", "Title and Content"):
                ph.width, ph.height, ph.top = int(width * 0.25), int(height * 0.8), int(height * 0.05)
                ph.left = int(width * 0.03) if side == "left" else int(width * 0.72)
    prs.save(str(tmp_path / "sidebar.pptx"))
    branding = load_branding(_branding(tmp_path, "deck: sidebar.pptx"))
    records = positioning_records([_pmo("Corporate PMO", SCORES)], **{"roadmap/Corporate PMO": _roadmap("C")})
    prs = _reopen(build_deck("positioning", records, organisation="Alpha Ltd", branding=branding))
    title_left, title_right = (0.03, 0.28) if side == "left" else (0.72, 0.97)
    for slide in list(prs.slides)[1:]:
        assert slide.shapes.title.text_frame.text and "…" not in slide.shapes.title.text_frame.text
        for shape in slide.shapes:
            if shape.has_chart or shape.has_table:
                # beside the title, and most of the slide high
                if side == "left":
                    assert shape.left >= width * title_right, slide.shapes.title.text_frame.text
                else:
                    assert shape.left + shape.width <= width * title_left
    rows = [r for page in _initiative_rows(prs).values() for r in page]
    assert len(rows) == 8 and not any(r[0].startswith("…") for r in rows)
    charts = [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert charts and all(c.height > height * 0.5 for c in charts)
    assert_text_fits(prs)


def test_an_svg_branding_logo_is_drawn_on_the_title_slide(tmp_path):
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">'
                                       '<rect width="40" height="10" fill="#336699"/></svg>', encoding="utf-8")
    (tmp_path / "branding.yaml").write_text("consultancy: Acme\nlogo: logo.svg\n", encoding="utf-8")
    branding = load_branding(tmp_path / "branding.yaml")
    prs = _reopen(build_deck("positioning", positioning_records([_pmo("P", SCORES)]), organisation="Alpha Ltd",
                             branding=branding))
    (logo,) = [s for s in prs.slides[0].shapes if s.shape_type == 13]
    assert logo.name == "Consultancy logo" and logo.image.content_type == "image/png"
    assert logo.image.size == (80, 20)  # drawn at twice its size
