"""The consultant's overview: one page across the store's assessments, its values, escaping and links."""

from __future__ import annotations

import datetime as dt
import os
from html.parser import HTMLParser

from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.reports.overview import write_overview
from pmo_workbench.store import Store
from pmo_workbench.store.people import Person

from tests.helpers import write_csv

ITEMS = ("G1", "G2", "G3", "G4", "S1", "S2", "P1", "P2", "P3", "P4", "P5")  # the tiny instrument's items


class _Rows(HTMLParser):
    """The overview's table: per row, each cell's class -> text, and the links' (href, text)."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.href = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-assessment" in attrs:
            self.rows.append({"links": []})
        elif tag == "td" and self.rows:
            self.cell = attrs["class"].split()[0]
            self.rows[-1][self.cell] = ""
        elif tag == "a":
            self.href = attrs["href"]
        if tag in ("script", "link", "img", "iframe"):
            raise AssertionError(f"the overview must be self-contained: <{tag}>")

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None

    def handle_data(self, data):
        if self.cell:
            self.rows[-1][self.cell] += data.strip()
        if self.href is not None:
            self.rows[-1]["links"].append((self.href, data))
            self.href = None


def rows_of(path) -> list[dict]:
    parser = _Rows()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.rows


def _answers(path, organisation, wave, people, date):
    """A long file: each (respondent, role, value) answers every item with ``value`` (G2, reversed, with 6 - value,
    so that every item scores the same)."""
    lines = ["organisation,pmo,wave,respondent,role,item,value,assessed_on"]
    for who, role, value in people:
        lines += [f'"{organisation}",PMO,{wave},{who},{role},{item},{6 - value if item == "G2" else value},{date}'
                  for item in ITEMS]
    return write_csv(path, "\n".join(lines) + "\n")


def test_the_overview_lists_every_wave_with_scores_changes_and_links(tiny, tmp_path):
    reports, out = tmp_path / "reports", tmp_path / "out"
    reports.mkdir()
    for name in ("org-pmo-2025-positioning.html", "org-2025-positioning.pdf", "org-pmo-positioning.pdf",
                 "org-pmo-progress.html", "notes.txt"):
        (reports / name).write_text("x")
    secret = tmp_path / "secret.html"
    secret.write_text("x")
    os.symlink(secret, reports / "org-pmo-2026-positioning.html")  # leads outside the folder: never linked
    with Store(tmp_path / "s.db") as store:
        # 2025: one executive answering 3 everywhere -> every item (3 - 1) / 4 = 50 points, overall 50.0
        store.import_responses(_answers(tmp_path / "a.csv", "Org", "2025", [("R1", "executive", 3)], "2025-03-02"),
                               tiny)
        # 2026: two people answering 4 -> (4 - 1) / 4 = 75 points; change 75.0 - 50.0 = +25.0
        (scored,) = store.import_responses(_answers(tmp_path / "b.csv", "Org", "2026", [("R1", "executive", 4),
                                                                                        ("R2", "pmo_staff", 4)],
                                                    "2026-03-05"), tiny).assessments
        # one person invited besides the two imported: the score is of the two, who still count
        store.invite(scored, [Person(role="executive", email="bob@example.org")])
        # a wave opened after them and not answered yet: the reports without a wave are not its
        store.create_assessment("Org", "PMO", tiny, wave="2027", fieldwork_start=dt.date(2027, 4, 1))
        invited = store.create_assessment("Org", "Other", tiny, wave="2026")
        store.invite(invited, [Person(role="executive", email="ann@example.org")])
        path = write_overview(store, out, reports=reports)
    assert path == out / "overview.html"
    rows = rows_of(path)
    assert [(r["organisation"], r["pmo"], r["wave"]) for r in rows] == [
        ("Org", "PMO", "2025"), ("Org", "PMO", "2026"), ("Org", "PMO", "2027"), ("Org", "Other", "2026")]
    first, second, empty, other = rows
    assert (first["fieldwork"], first["status"], first["response"], first["score"], first["change"]) == (
        "2025-03-02", "open", "1 respondent", "50.0", "–")
    assert (second["response"], second["score"], second["change"]) == (
        "2 respondents; invited: 0 of 1 (0%)", "75.0", "+25.0")
    assert first["type"] != "–" and second["type"] != "–"
    # invited but nobody answered: submitted of invited, and no score
    assert (other["response"], other["score"], other["type"]) == ("0 of 1 (0%)", "no answers yet", "–")
    # links: relative to the overview, only files that exist inside the reports folder
    # (a wave's report made for the organisation, without --pmo, is the wave's too)
    assert first["links"] == [("../reports/org-pmo-2025-positioning.html", "positioning (HTML)"),
                              ("../reports/org-2025-positioning.pdf", "positioning (PDF)")]
    assert second["links"] == [("../reports/org-pmo-positioning.pdf", "positioning (PDF)"),
                               ("../reports/org-pmo-progress.html", "progress (HTML)")]
    assert other["links"] == [] and empty["links"] == [] and empty["score"] == "no answers yet"
    assert empty["fieldwork"] == "2027-04-01 –"  # started, no end yet: not one day


def test_names_are_escaped_and_a_small_anonymous_assessment_shows_no_score(tiny, tmp_path):
    hostile = '<script>alert(1)</script> & "Co"'
    with Store(tmp_path / "s.db") as store:
        store.import_responses(_answers(tmp_path / "a.csv", hostile.replace('"', '""'), "2026",
                                        [("R1", "executive", 3)], "2026-01-10"), tiny)
        (aid,) = store.assessments()["assessment_id"]
        store.set_survey(int(aid), anonymity="anonymous")
        path = write_overview(store, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;" in text
    # the page says why its change may differ from the progress report's
    assert "the progress report's change, the mean of the respondents' own scores, may differ" in text
    (row,) = rows_of(path)
    assert row["organisation"] == hostile
    assert row["score"] == "anonymous, fewer than 5 respondents: no score shown" and row["type"] == "–"


def test_the_overview_command(core, tmp_path):
    runner = CliRunner()
    with Store(tmp_path / "s.db") as store:
        store.create_assessment("Org", "PMO", core, wave="2026")
    done = runner.invoke(app, ["overview", "--store", str(tmp_path / "s.db"), "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    assert done.stdout == f"{tmp_path / 'out' / 'overview.html'}\n"
    missing = runner.invoke(app, ["overview", "--store", str(tmp_path / "none.db"), "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "no database at" in missing.stderr and "Traceback" not in missing.output


def test_the_change_skips_a_wave_without_a_score(tiny, tmp_path):
    with Store(tmp_path / "s.db") as store:
        # 2025: 3 everywhere -> 50.0; 2026 opened, never answered; 2027: 5 everywhere -> (5 - 1) / 4 = 100.0
        store.import_responses(_answers(tmp_path / "a.csv", "Org", "2025", [("R1", "executive", 3)], "2025-03-02"),
                               tiny)
        store.create_assessment("Org", "PMO", tiny, wave="2026", fieldwork_start=dt.date(2026, 3, 1))
        store.import_responses(_answers(tmp_path / "c.csv", "Org", "2027", [("R1", "executive", 5)], "2027-03-02"),
                               tiny)
        path = write_overview(store, tmp_path)
    # 100.0 - 50.0 = +50.0, since the last wave with a score
    assert [(r["wave"], r["change"]) for r in rows_of(path)] == [("2025", "–"), ("2026", "–"),
                                                                  ("2027", "+50.0 since 2025")]


def test_the_overview_in_german():
    import datetime as dt

    from pmo_workbench.i18n import use_language
    from pmo_workbench.reports.overview import Link, OverviewRow, render_overview
    from tests.catalogue import english_leftovers, html_text

    rows = [OverviewRow(1, "Org", "Corporate PMO", "2026", "2026-03-02 – 2026-03-20", "closed", "12 von 15 (80 %)",
                        "Kontrollierend", 54.75, change="+3,5", links=(Link("Positionierung (HTML, de)", "a.html"),)),
            OverviewRow(2, "Org", "IT PMO", "2026", "–", "open", "0 befragte Personen", note="noch keine Antworten")]
    with use_language("de"):
        page = render_overview(rows, generated=dt.date(2026, 12, 3))
    text = " ".join(html_text(page).split())
    assert '<html lang="de">' in page
    assert text.startswith("Übersicht der Erhebungen Übersicht der Erhebungen 2 Erhebungen; erstellt am 2026-12-03. "
                           "Die Werte geben den Gesamtreifegrad (0 bis 100) an")
    assert "weniger als 5 Befragten weist keinen Wert aus." in text
    assert ("Organisation PMO Welle Erhebungszeitraum Status Rücklauf Typ Wert Veränderung Berichte "
            "Org Corporate PMO 2026 2026-03-02 – 2026-03-20 abgeschlossen 12 von 15 (80 %) Kontrollierend 54,8 +3,5"
            in text)
    assert "offen 0 befragte Personen – noch keine Antworten" in text
    assert english_leftovers(text) == []
