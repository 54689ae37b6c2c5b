"""Decks of real reports, rendered through the CLI, reopened; and a deck converted to PDF by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from typer.testing import CliRunner

from pmo_workbench.cli import app
from pmo_workbench.reports.deck import build_deck
from pmo_workbench.reports.records import read_records
from pmo_workbench.resources import examples_dir
from tests.reports.test_deck import ENGAGEMENT, INITIATIVES, SCORES, _pmo, assert_text_fits, positioning_records

pytestmark = pytest.mark.slow


def _charts(prs, kind):
    return [s.chart for slide in prs.slides for s in slide.shapes if s.has_chart and s.chart.chart_type == kind]


def test_positioning_report_as_pptx_through_the_cli(tmp_path):
    organisation = "Quillmere Events"
    result = CliRunner().invoke(app, ["report", "positioning", "--responses", str(examples_dir() / "pmo_responses.csv"),
                                      "--organisation", organisation, "--out", str(tmp_path),
                                      "--format", "pptx,ipynb"])
    assert result.exit_code == 0, result.output
    deck = tmp_path / "quillmere-events-positioning.pptx"
    assert str(deck) in result.stdout
    records = read_records(nbformat.read(tmp_path / "quillmere-events-positioning.ipynb", as_version=4))
    prs = Presentation(str(deck))
    assert 8 <= len(prs.slides) <= 14
    assert organisation in "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    labels = [d["label"] for d in records["deck"]["dimensions"]]
    pmos = [p["pmo"] for p in records["pmos"]]
    (radar,) = _charts(prs, XL_CHART_TYPE.RADAR_MARKERS)
    assert list(radar.plots[0].categories) == labels
    for series in radar.plots[0].series:
        recorded = records[f"dimensions/{series.name}"]
        ids = [d["id"] for d in records["deck"]["dimensions"]]
        assert list(series.values) == pytest.approx([round(recorded[i], 1) for i in ids])
    assert sorted(s.name for s in radar.plots[0].series) == sorted(pmos)
    assert _charts(prs, XL_CHART_TYPE.BAR_CLUSTERED)
    assert_text_fits(prs)


def test_portfolio_report_as_pptx_through_the_cli(tmp_path):
    result = CliRunner().invoke(app, ["report", "portfolio", "--portfolio",
                                      str(examples_dir() / "portfolios" / "stellbrook-pharmaceuticals.xlsx"),
                                      "--organisation", "Stellbrook Pharmaceuticals", "--as-of", "2026-08-31",
                                      "--budget", "49300000", "--out", str(tmp_path), "--format", "pptx,ipynb"])
    assert result.exit_code == 0, result.output
    prs = Presentation(str(tmp_path / "stellbrook-pharmaceuticals-portfolio.pptx"))
    records = read_records(nbformat.read(tmp_path / "stellbrook-pharmaceuticals-portfolio.ipynb", as_version=4))
    titles = [s.shapes.title.text_frame.text for s in prs.slides]
    acting = [i for i, t in enumerate(titles) if t.startswith("What the PMO should act on")]
    assert len(prs.slides) == 9 + len(acting) and 1 <= len(acting) <= 3  # every action, on up to three slides
    rows = [[c.text_frame.text for c in row.cells] for i in acting for shape in prs.slides[i].shapes
            if shape.has_table for row in list(shape.table.rows)[1:]]
    actions = records["deck"]["actions"]
    counted = int(rows[-1][2].split()[2]) if rows[-1][2].startswith("… and") else 0
    assert len(rows) - (1 if counted else 0) + counted == len(actions)
    (rag,) = _charts(prs, XL_CHART_TYPE.BAR_STACKED)
    rows = records["deck"]["rag"]["rows"]
    assert list(rag.plots[0].categories) == [r["name"] for r in rows]
    assert list(rag.plots[0].series[0].values) == [r["red"] for r in rows]
    headline = "\n".join(s.text_frame.text for s in prs.slides[2].shapes if s.has_text_frame)
    assert f"CPI {records['headline']['cpi']:.2f}" in headline and "€" in headline
    assert any(s.shape_type == 13 for s in prs.slides[2].shapes)  # the CPI/SPI quadrant as a picture
    assert_text_fits(prs)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed; .ci/run "
                                                             "installs Debian's libreoffice-impress")
def test_libreoffice_prints_one_page_per_slide(tmp_path):
    from pypdf import PdfReader

    records = positioning_records([_pmo("Corporate PMO", SCORES)], engagement=ENGAGEMENT,
                                  **{"roadmap/Corporate PMO": INITIATIVES})
    deck = build_deck("positioning", records, organisation="Alpha Ltd").save(tmp_path / "alpha.pptx")
    profile = tmp_path / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(deck)], check=True, capture_output=True, timeout=300)
    pdf = Path(tmp_path / "alpha.pdf")
    assert len(PdfReader(pdf).pages) == len(Presentation(str(deck)).slides) == 10
