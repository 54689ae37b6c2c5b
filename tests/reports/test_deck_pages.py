"""Decks that must hold everything a client reads: footers, logos, every initiative and action, many PMOs,
other masters, and chart workbooks that hold text. Built from hand-built records, reopened with python-pptx."""

from __future__ import annotations

import io
import zipfile

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from pmo_workbench.reports.branding import load_branding
from pmo_workbench.reports.deck import build_deck, default_master
from pmo_workbench.reports.deck_text import wrap
from tests.reports.test_deck import (ENGAGEMENT, INITIATIVES, LONG, PORTFOLIO, SCORES, _branding, _charts, _pmo,
                                     _reopen, _texts, _values, assert_text_fits, positioning_records)


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


def test_table_pages_share_the_rows_evenly():
    from pmo_workbench.reports.deck import Deck

    deck = Deck()
    # one-line rows at 10 pt: 1 x 10 x 1.25 + 7.2 + 2 = 21.7 pt each, the header too; a box of 152.2 pt offers
    # 0.92 x 152.2 = 140 pt: the header and 5 rows (130.2 pt), not 6 (151.9 pt)
    box = (0, 0, 500 * 12700, int(152.2 * 12700))
    rows = [[f"row {k}", "x"] for k in range(8)]
    size, pages = deck.table_pages(box, ["A", "B"], rows, [1, 1], pt=10, min_pt=10)
    assert size == 10 and [len(p) for p in pages] == [4, 4]  # not 5 and 3
    assert [r for p in pages for r in p] == rows
    size, pages = deck.table_pages(box, ["A", "B"], rows[:5], [1, 1], pt=10, min_pt=10)
    assert [len(p) for p in pages] == [5]
