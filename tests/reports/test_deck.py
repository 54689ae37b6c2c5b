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
    prs.slide_master._element.cSld.set("name", "Northwind master")
    prs.slides.add_slide(prs.slide_layouts[0])  # an example slide the deck must not keep
    prs.save(str(tmp_path / "master.pptx"))
    branding = load_branding(_branding(tmp_path, "deck: master.pptx"))
    assert branding.deck == (tmp_path / "master.pptx").resolve()
    deck = build_deck("positioning", positioning_records([_pmo("P", SCORES)]), organisation="A", branding=branding)
    prs = _reopen(deck)
    assert prs.slide_master._element.cSld.get("name") == "Northwind master"
    assert prs.core_properties.title == "PMO positioning assessment – A"  # the deck's own, not the master file's
    assert prs.slides[0].shapes.title.text_frame.text == "PMO positioning assessment"
    assert len(prs.slides) == 10


def _template_renamed(folder):
    """A PowerPoint template (.potx) saved under a .pptx name: the same parts, a template's content type."""
    with zipfile.ZipFile(default_master()) as source, zipfile.ZipFile(folder / "master.pptx", "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentationml.presentation.main+xml", b"presentationml.template.main+xml")
            target.writestr(item, data)


@pytest.mark.parametrize("setup, line, message", [
    (lambda d: (d / "master.pptx").write_bytes(b"not a zip"), "deck: master.pptx", "not a PowerPoint file"),
    (_template_renamed, "deck: master.pptx", "cannot be opened as a presentation"),
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
