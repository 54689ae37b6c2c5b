"""The report engine: notebooks under papermill, HTML, PDF, batches, the index, safety of names.

One batch is rendered once per test session (``batch`` fixture) with the tiny
instrument and hand-made answers, then inspected by many tests:

- *Alpha* has two PMOs. Its *Main* PMO has three executives who answer every
  item 4 except the People items, answered 3. On a 1-5 scale an answer of 4
  scores 75 and 3 scores 50; G2 is reverse-worded, so 4 there scores 25.
  Governance = (75 + 25 + 2*75 + 75) / 5 = 65 (G3 weighs 2); Support = 75;
  People = 50; overall = (2*65 + 75 + 50) / 4 = 63.75 (Governance weighs 2).
  Gates: supportive gov >= 40, controlling gov >= 60 and sup >= 50, strategic
  ppl >= 70, so Main is Controlling and needs 20 more People points.
- Alpha's portfolio (a CSV folder): one active project of Main, spelt "MAIN", naming no objective.
- a hostile organisation name, four peers, and a broken responses file that must fail alone.
- Alpha is compared with a benchmark pool of ten tiny-instrument entries (:func:`_pool_rows`) whose every score is
  10, 20, ..., 100 (peers ``all``: Main has no level).
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from pmo_workbench import assess, read_responses, reports
from pmo_workbench.assessment import insights
from pmo_workbench.notebook import show as display
from pmo_workbench.cli import app
from pmo_workbench.errors import InputValidationError
from pmo_workbench.reports import batch as batch_module
from pmo_workbench.reports import manifest as manifest_module
from pmo_workbench.reports import pdf as pdf_module
from pmo_workbench.resources import examples_dir, notebooks_dir
from pmo_workbench.store.pool_csv import write_pool_csv

HOSTILE = '../../etc/<script>alert("x")</script> & "R&D"'
HOSTILE_PMO = "<!--<script><b>PMO</b>"  # in a chart's JSON this would swallow the rest of the page
ITEMS = {"gov": ["G1", "G2", "G3", "G4"], "sup": ["S1", "S2"], "ppl": ["P1", "P2", "P3", "P4", "P5"]}
CHROMIUM = reports.find_chromium()
runner = CliRunner()


def _answers(org: str, pmo: str, people: list[tuple[str, str]], value: dict[str, int], comment: str = ""):
    rows = []
    for respondent, role in people:
        for dim, items in ITEMS.items():
            for item in items:
                rows.append([org, pmo, f"{org[:3]}-{respondent}", role, item, value[dim],
                             comment if item == "G1" else ""])
    return rows


def _write(path: Path, rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["organisation", "pmo", "respondent", "role", "item", "value", "comment"])
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory, tiny_path) -> Path:
    folder = tmp_path_factory.mktemp("report-inputs")
    shutil.copy(tiny_path, folder / "tiny.yaml")
    execs = [("e1", "executive"), ("e2", "executive"), ("e3", "executive")]
    mixed = [("a", "executive"), ("b", "pmo_staff"), ("c", "project_manager")]
    rows = _answers("Alpha", "Main", execs, {"gov": 4, "sup": 4, "ppl": 3})
    rows += _answers("Alpha", "Satellite", mixed, {"gov": 2, "sup": 3, "ppl": 2})
    rows += _answers(HOSTILE, HOSTILE_PMO, mixed, {"gov": 3, "sup": 2, "ppl": 4},
                     comment='<img src=x onerror="alert(1)"> great')
    for n, level in enumerate([1, 2, 3, 5], start=1):
        rows += _answers(f"Peer {n}", "PMO", mixed, {"gov": level, "sup": level, "ppl": level})
    _write(folder / "responses.csv", rows)
    broken = _answers("Broken", "PMO", mixed, {"gov": 3, "sup": 3, "ppl": 3})
    broken[4][5] = 9  # off the 1-5 scale: spreadsheet row 6, column value
    _write(folder / "broken.csv", broken)
    # Alpha's portfolio: one active project of its Main PMO (spelt "MAIN"), naming no strategic objective.
    (folder / "alpha-portfolio").mkdir()
    (folder / "alpha-portfolio" / "projects.csv").write_text(
        "project_id,name,pmo,sponsor,status,start,finish,bac,pv,ev,ac\n"
        "A1,Ledger,MAIN,Ann,active,2026-01-01,2026-12-31,100,50,50,50\n", encoding="utf-8")
    # The hostile organisation's engagement approves its comment, so the report shows it (escaped).
    import yaml

    from pmo_workbench.assessment.deliverable import comment_id

    text = '<img src=x onerror="alert(1)"> great'
    (folder / "hostile-engagement.yaml").write_text(yaml.safe_dump({"organisation": HOSTILE, "comments": [
        {"id": comment_id(HOSTILE, HOSTILE_PMO, "G1", text), "pmo": HOSTILE_PMO, "item": "G1", "text": text,
         "approved": True}]}), encoding="utf-8")
    with (folder / "manifest.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["report", "organisation", "pmo", "responses", "instrument", "benchmark", "peers",
                         "portfolio", "as_of", "engagement"])
        writer.writerow(["positioning", "Alpha", "", "responses.csv", "tiny.yaml", "pool.csv", "all",
                         "alpha-portfolio", "2026-06-30", ""])
        writer.writerow(["positioning", HOSTILE, "", "responses.csv", "tiny.yaml", "", "", "", "",
                         "hostile-engagement.yaml"])
        writer.writerow(["positioning", "Broken", "", "broken.csv", "tiny.yaml", "", "", "", "", ""])
    write_pool_csv(pd.DataFrame(_pool_rows()), folder / "pool.csv")
    return folder


def _pool_rows() -> list[dict]:
    """Ten entries of the tiny instrument, each scoring 10 n on every dimension and overall (n = 1..10)."""
    return [{"entry_id": f"{n:032x}", "org_key": f"{n:064x}", "source_key": None, "instrument_id": "tiny",
             "instrument_version": "0.1", "year": 2025, "sector": None, "size": None, "pmo_level": "department",
             "region": None, "type": "supportive", "target": None, "overall": 10.0 * n, "respondents": 5,
             "added_on": "2025-06-01", "synthetic": False, "score_gov": 10.0 * n, "score_sup": 10.0 * n,
             "score_ppl": 10.0 * n} for n in range(1, 11)]


FORMATS = "html,pdf,ipynb" if CHROMIUM else "html,ipynb"


@pytest.fixture(scope="session")
def batch(fixture_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    result = runner.invoke(app, ["batch", str(fixture_dir / "manifest.csv"), "--out", str(out), "--jobs", "2",
                                 "--format", FORMATS])
    return out, result


def _specs(fixture_dir):
    return {s.organisation: s for s in reports.read_manifest(fixture_dir / "manifest.csv")}


def _nb(path: Path):
    return nbformat.read(path, as_version=4)


# --- the batch ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_batch_isolates_the_broken_report_and_exits_1(batch):
    out, result = batch
    assert result.exit_code == 1, result.output
    assert (out / "alpha-positioning.html").is_file()
    assert (out / "etc-script-alert-x-script-r-d-positioning.html").is_file()
    assert not (out / "broken-positioning.html").exists()
    assert (out / "failed" / "broken-positioning.ipynb").is_file()
    assert "failed: Broken: positioning report failed in cell" in result.stderr
    assert "broken.csv:6:value" in result.stderr  # the validation problem, located
    printed = result.stdout.split()
    assert str(out / "alpha-positioning.html") in printed and str(out / "index.html") in printed


@pytest.mark.slow
def test_index_links_every_report_with_type_and_score_and_lists_the_failure(batch):
    out, _ = batch
    page = (out / "index.html").read_text(encoding="utf-8")
    reports_table, failures = page.split('id="failures"')
    assert 'href="alpha-positioning.html"' in reports_table
    assert 'href="etc-script-alert-x-script-r-d-positioning.html"' in reports_table
    row = re.search(r"<td>Main</td>\s*<td>([^<]*)</td>\s*<td>([^<]*)</td>\s*<td class=\"num\">([^<]*)</td>",
                    reports_table)
    # the type (firm: three identical answers leave no range to cross a gate), no target (no level, no
    # engagement file), 63.75 shown to one decimal
    assert row.groups() == ("Controlling", "\u2013", "63.8")
    assert "Satellite" in reports_table
    assert "Broken" in failures and "failed in cell" in failures and "broken.csv:6:value" in failures
    assert 'href="failed/broken-positioning.ipynb"' in failures
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


@pytest.mark.slow
def test_notebook_records_match_the_package(batch, fixture_dir, tiny):
    out, _ = batch
    records = display.read_records(_nb(out / "alpha-positioning.ipynb"))
    # Worked out by hand in the module docstring.
    assert records["dimensions/Main"] == {"gov": 65.0, "sup": 75.0, "ppl": 50.0}
    main = next(p for p in records["pmos"] if p["pmo"] == "Main")
    assert main["type"] == "controlling" and main["overall_score"] == 63.75
    assert records["type/Main"]["type"] == "controlling"
    assert records["type/Main"]["target"] is None  # no level, no engagement file: the type above is shown
    assert records["type/Main"]["gaps"] == {"ppl": 20.0}
    # The portfolio evidence: Alpha's workbook has no objective column, so it records no strategic objectives
    # (no evidence, not "1 of 1 without an objective").
    html = (out / "alpha-positioning.html").read_text(encoding="utf-8")
    assert "No project of the workbook names a strategic objective" in html
    assert "1 of 1 open project" not in html
    evidence = records["portfolio_evidence"]
    main = next(p for p in evidence["pmos"] if p["pmo"] == "Main")
    assert (main["workbook_pmo"], main["projects"]) == ("MAIN", 1)
    no_objective = next(m for m in main["measures"] if m["measure"] == "no_objective")
    # the tiny instrument has no strategy dimension: nothing to compare with either
    assert (no_objective["count"], no_objective["perceived"], no_objective["verdict"]) == (None, "not assessed",
                                                                                          "no_score")
    # The benchmark: peers 10, 20, ..., 100 on every dimension; Q1 = 32.5, median = 55, Q3 = 77.5 (linear: positions
    # 2.25, 4.5, 6.75). Main: gov 65 (70, 80, 90, 100 above: rank 5 of 11, second quartile), ppl 50 (60..100 above:
    # rank 6, third quartile), overall 63.75 (rank 5, second).
    main_bench = records["benchmark/Main"]
    assert (main_bench["filter"], main_bench["peers"], main_bench["suppressed"]) == ("all", 10, False)
    rows = {r["dimension"]: r for r in main_bench["rows"]}
    assert (rows["gov"]["q1"], rows["gov"]["median"], rows["gov"]["q3"]) == (32.5, 55.0, 77.5)
    assert [(rows[d]["rank"], rows[d]["quartile"]) for d in ("gov", "ppl", "overall")] == [
        (5, "second"), (6, "third"), (5, "second")]
    assert records["benchmark_pool"] == {"synthetic": False, "own_left_out": False, "entries": 10}
    assert "Compared with 10 PMOs of any level assessed with tiny 0.1 (one per organisation)." in html
    # Everything else: the same numbers the package gives.
    frame = read_responses(fixture_dir / "responses.csv", tiny)
    alpha = assess(frame[frame["organisation"] == "Alpha"].reset_index(drop=True), tiny)
    assert [p["pmo"] for p in records["pmos"]] == [a.pmo for a in alpha.assessments]
    for a in alpha.assessments:
        assert records[f"dimensions/{a.pmo}"] == pytest.approx(dict(zip(a.dimensions["dimension"],
                                                                        a.dimensions["score"])))
        assert records[f"summary/{a.pmo}"]["strengths"] == list(insights.strengths(a)["dimension"])
        dq = insights.data_quality(frame[frame["organisation"] == "Alpha"], a, tiny)
        assert records[f"data_quality/{a.pmo}"]["answer_rate"] == pytest.approx(dq.answer_rate)
        # reliability is the PMO's own, the same as the package's for that PMO (also when scored in the full file)
        assert records[f"reliability/{a.pmo}"] == {d: None if math.isnan(v) else pytest.approx(v)
                                                  for d, v in zip(a.dimensions["dimension"], a.dimensions["alpha"])}


@pytest.mark.slow
def test_report_without_benchmark_has_no_benchmark_section(batch):
    out, _ = batch
    records = display.read_records(_nb(out / "etc-script-alert-x-script-r-d-positioning.ipynb"))
    assert not any(k.startswith("benchmark/") for k in records)
    html = (out / "etc-script-alert-x-script-r-d-positioning.html").read_text(encoding="utf-8")
    assert "id='benchmark'" not in html and 'id="benchmark"' not in html


@pytest.mark.slow
def test_html_is_self_contained_without_code_or_prompts(batch):
    out, _ = batch
    html = (out / "alpha-positioning.html").read_text(encoding="utf-8")
    remote = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", html,
                        flags=re.IGNORECASE)
    assert remote == []
    assert not re.search(r'class="[^"]*(jp-CodeMirrorEditor|jp-InputPrompt|jp-OutputPrompt)', html)
    assert "import pmo_workbench" not in html  # no code
    assert "pmo-workbench.record" not in html  # recorded values stay in the notebook
    assert html.count('<figure class="pmo-chart"') == _chart_count(out / "alpha-positioning.ipynb")
    assert "window.vegaEmbed" in html  # the vega bundle, inline
    assert '<p class="kicker">PMO assessment</p>' in html  # its own kicker (the portfolio report has another)


def _chart_count(nb_path: Path) -> int:
    return sum(display.CHART_MIME in o.get("data", {}) for c in _nb(nb_path).cells for o in c.get("outputs", []))


@pytest.mark.slow
def test_hostile_names_give_safe_file_names_and_escaped_html(batch):
    out, _ = batch
    # Every file the batch wrote, less its own records (one file per report, named by a hash of the report's name).
    names = {p.name for p in out.rglob("*") if p.is_file() and p.parent.name != ".pmo-workbench-batch"}
    assert all(n.startswith(("alpha-", "etc-script-alert-x-script-r-d-", "index.", ".pmo-workbench", "broken-"))
               for n in names)
    assert all(len(p.stem) == 32 for p in (out / ".pmo-workbench-batch").iterdir())
    assert {p.resolve().parent for p in out.rglob("*.html")} <= {out.resolve()}
    html = (out / "etc-script-alert-x-script-r-d-positioning.html").read_text(encoding="utf-8")
    assert '<script>alert("x")' not in html and "<b>PMO</b>" not in html and "<!--<script>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;PMO&lt;/b&gt;" in html
    assert '<img src=x onerror' not in html and "&lt;img src=x onerror=" in html  # the free-text comment
    assert "&amp; &#34;R&amp;D&#34;" in html  # quotes escaped as well as ampersands


@pytest.mark.slow
def test_pdf_has_pages_and_the_organisation_name(batch, chromium):
    from pypdf import PdfReader

    out, _ = batch
    pdf = PdfReader(out / "alpha-positioning.pdf")
    assert len(pdf.pages) > 1
    assert "Alpha" in pdf.pages[0].extract_text()
    assert pdf.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4: 210 mm = 595 pt


def _open_offline(page_path: Path) -> dict:
    """Open a report in headless Chromium with the network blocked; what rendered and what went wrong."""
    from playwright.sync_api import sync_playwright

    errors, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=pdf_module.CHROMIUM_ARGS)
        context = browser.new_context(offline=True)
        context.route("**/*", lambda route: (requests.append(route.request.url), route.continue_())
                      if route.request.url.startswith(("file:", "data:")) else
                      (requests.append(route.request.url), route.abort()))
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_path.as_uri())
        page.wait_for_function("document.documentElement.dataset.charts === 'ready'", timeout=30_000)
        seen = {
            "interactive": page.locator("figure.pmo-chart[data-rendered=interactive] svg.marks").count(),
            "footer": page.locator("footer.page-footer").count(),
            "tooltip": page.evaluate("typeof window.vegaEmbed"),
        }
        browser.close()
    return {**seen, "errors": errors, "remote": [u for u in requests if not u.startswith(("file:", "data:"))]}


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("report", ["alpha-positioning", "etc-script-alert-x-script-r-d-positioning"])
def test_report_opens_offline_with_every_chart_rendered(batch, chromium, report):
    out, _ = batch
    seen = _open_offline(out / f"{report}.html")
    assert seen["interactive"] == _chart_count(out / f"{report}.ipynb") >= 4  # ladder, roles, roadmap, heat map
    assert seen["footer"] == 1  # the whole page, not a part cut short by a name in a chart
    assert seen["errors"] == []
    assert seen["remote"] == []
    assert seen["tooltip"] == "function"


# --- re-runs ------------------------------------------------------------------------------------

# --- clean namespaces ---------------------------------------------------------------------------

LEAK_NOTEBOOK = [
    ("organisation = 'nobody'  # whose report this is", ["parameters"]),
    ("import os, sys\n"
     "import pandas as pd\n"
     "import pmo_workbench\n"
     "from pmo_workbench import show as display\n"
     "display.record('module_attr', getattr(pmo_workbench, '_left_behind', None))\n"
     "display.record('global', globals().get('left_behind'))\n"
     "display.record('pandas_option', pd.get_option('display.max_rows'))\n"
     "display.record('module', 'left_behind_module' in sys.modules)\n"
     "display.record('pid', os.getpid())\n"
     "pmo_workbench._left_behind = organisation\n"
     "left_behind = organisation\n"
     "pd.set_option('display.max_rows', 7)\n"
     "sys.modules['left_behind_module'] = sys", []),
]


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_no_state_leaks_from_one_report_into_the_next(tmp_path, jobs):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for source, tags in LEAK_NOTEBOOK:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        nb.cells.append(cell)
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / "leak.ipynb")
    specs = [reports.ReportSpec("positioning", org, None, {"organisation": org}, (), f"leak-{n}",
                                notebook=str(notebooks / "leak.ipynb"))
             for n, org in enumerate(["first", "second", "third", "fourth"])]
    result = reports.run_batch(specs, tmp_path / "out", ["ipynb"], jobs=jobs, progress=False, index=False)
    assert [o.status for o in result.outcomes] == ["rendered"] * 4
    seen = [o.records for o in result.outcomes]
    for records in seen:
        assert records["module_attr"] is None and records["global"] is None and records["module"] is False
        assert records["pandas_option"] == 60
    assert len({r["pid"] for r in seen}) == 4  # a fresh kernel process each


# --- single reports and their checks ------------------------------------------------------------

def test_parameters_are_checked_before_execution(tmp_path):
    nb = notebooks_dir() / "pmo_positioning.ipynb"
    with pytest.raises(reports.ReportParameterError, match="unknown parameter.*organization"):
        reports.check_parameters(nb, {"responses": "r.csv", "organization": "typo"})
    with pytest.raises(reports.ReportParameterError, match="missing required parameter.*organisation"):
        reports.check_parameters(nb, {"responses": "r.csv"})
    reports.check_parameters(nb, {"responses": "r.csv", "organisation": "A", "pmo": None, "benchmark": None})


@pytest.mark.slow
def test_single_report_command_writes_three_formats(fixture_dir, tmp_path):
    result = runner.invoke(app, ["report", "positioning", "--responses", str(fixture_dir / "responses.csv"),
                                 "--organisation", "Alpha", "--pmo", "Satellite", "-i",
                                 str(fixture_dir / "tiny.yaml"), "--out", str(tmp_path), "--format", "html,ipynb"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [str(tmp_path / "alpha-satellite-positioning.html"),
                                     str(tmp_path / "alpha-satellite-positioning.ipynb")]
    records = display.read_records(_nb(tmp_path / "alpha-satellite-positioning.ipynb"))
    assert [p["pmo"] for p in records["pmos"]] == ["Satellite"]


@pytest.mark.parametrize("args, message", [
    (["--organisation", "Nobody"], "organisation 'Nobody' has no answers here"),
    (["--organisation", "Alpha", "--pmo", "Nope"], "has no PMO 'Nope'"),
    (["--organisation", "Alpha", "--format", "odt"], "unknown format(s) odt"),
])
def test_single_report_command_rejects_bad_input_with_exit_2(fixture_dir, tmp_path, args, message):
    result = runner.invoke(app, ["report", "positioning", "--responses", str(fixture_dir / "responses.csv"),
                                 "-i", str(fixture_dir / "tiny.yaml"), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.html"))


def test_single_report_command_reports_invalid_responses_with_exit_2(fixture_dir, tmp_path):
    result = runner.invoke(app, ["report", "positioning", "--responses", str(fixture_dir / "broken.csv"),
                                 "--organisation", "Broken", "-i", str(fixture_dir / "tiny.yaml"),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{fixture_dir / 'broken.csv'}:6:value:" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_pdf_without_chromium_fails_clearly_before_any_work(fixture_dir, tmp_path, monkeypatch):
    monkeypatch.setenv(pdf_module.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    spec = _specs(fixture_dir)["Alpha"]
    with pytest.raises(reports.PdfUnavailableError, match="apt-get install chromium"):
        reports.run_batch([spec], tmp_path / "out", ["html", "pdf"], jobs=1, progress=False)
    assert not any((tmp_path / "out").glob("*.html"))


# --- manifests ----------------------------------------------------------------------------------

def test_manifest_problems_are_all_reported_with_row_and_column(fixture_dir, tmp_path):
    shutil.copy(fixture_dir / "responses.csv", tmp_path / "responses.csv")
    shutil.copy(fixture_dir / "tiny.yaml", tmp_path / "tiny.yaml")
    manifest = tmp_path / "m.csv"
    manifest.write_text(
        "report,organisation,pmo,responses,instrument,colour\n"
        "positioning,Alpha,,missing.csv,tiny.yaml,red\n"
        "portfolio-x,Beta,,responses.csv,tiny.yaml,\n"
        "positioning,,,responses.csv,tiny.yaml,\n"
        "positioning,Nobody,,responses.csv,tiny.yaml,\n"
        "positioning,Alpha,Nope,responses.csv,tiny.yaml,\n"
        "positioning,Alpha,,responses.csv,pmo-cor,\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.read_manifest(manifest)
    shown = [str(p) for p in info.value.problems]
    assert any(s.startswith(f"{manifest}:1:colour: unknown column") for s in shown)
    assert any(s.startswith(f"{manifest}:2:responses: file not found") for s in shown)
    assert any(s.startswith(f"{manifest}:3:report: unknown report 'portfolio-x'") for s in shown)
    assert any(s.startswith(f"{manifest}:4:organisation:") for s in shown)
    assert any(s.startswith(f"{manifest}:5:organisation: organisation 'Nobody' has no answers here") for s in shown)
    assert any(s.startswith(f"{manifest}:6:pmo: organisation 'Alpha' has no PMO 'Nope'") for s in shown)
    assert any(s.startswith(f"{manifest}:7:instrument: unknown instrument id 'pmo-cor'") for s in shown)
    result = runner.invoke(app, ["batch", str(manifest), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and f"{manifest}:1:colour: unknown column" in result.stderr
    assert not (tmp_path / "out").exists()


def test_yaml_manifest_resolves_paths_from_its_folder(fixture_dir):
    manifest = fixture_dir / "manifest.yaml"
    manifest.write_text("reports:\n"
                        "  - {report: positioning, organisation: Alpha, pmo: Main, responses: responses.csv,\n"
                        "     instrument: tiny.yaml, min_group_size: 2, name: 'Alpha / main (v2)'}\n",
                        encoding="utf-8")
    (spec,) = reports.read_manifest(manifest)
    bad = fixture_dir / "bad-manifest.yaml"
    bad.write_text("reports:\n"
                   "  - {report: positioning, organisation: Alpha, responses: responses.csv, instrument: tiny.yaml}\n"
                   "  - report: positioning\n"
                   "    organisation: Alpha\n"
                   "    responses: nowhere.csv\n"
                   "    colour: red\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.read_manifest(bad)
    assert [str(p) for p in info.value.problems] == [
        f"{bad}:3:colour: unknown column; expected some of "
        f"{', '.join(f.alias or n for n, f in manifest_module._ManifestRow.model_fields.items())}",
        f"{bad}:3:responses: file not found: nowhere.csv"]
    assert spec.parameters["responses"] == str((fixture_dir / "responses.csv").resolve())
    assert spec.parameters["instrument"] == str((fixture_dir / "tiny.yaml").resolve())
    assert spec.parameters["min_group_size"] == 2 and spec.pmo == "Main"
    assert spec.name == "alpha-main-v2"


def test_a_manifest_naming_a_pipe_or_a_folder_as_a_file_says_what_it_is(fixture_dir):
    os.mkfifo(fixture_dir / "answers.fifo")
    (fixture_dir / "folder.csv").mkdir()
    manifest = fixture_dir / "pipes.yaml"
    row = "  - {report: positioning, organisation: Alpha, responses: %s, instrument: tiny.yaml}\n"
    manifest.write_text("reports:\n" + row % "answers.fifo" + row % "folder.csv", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.read_manifest(manifest)
    assert [str(p) for p in info.value.problems] == [
        f"{manifest}:{row}:responses: not a regular file (a folder, device, pipe or socket): {name}"
        for row, name in ((2, "answers.fifo"), (3, "folder.csv"))]


def test_demo_manifest_has_one_report_per_sample_organisation():
    specs = [s for s in reports.demo_specs() if s.report == "positioning"]
    assert [s.organisation for s in specs] == [
        "Quillmere Events", "Aldergate Logistics", "Harrowmoor Water Services", "Vantellis Insurance Group",
        "Korrin Regional Council", "Stellbrook Pharmaceuticals", "Tiverlake University"]
    # every one is compared with the synthetic benchmark pool (the report says it is synthetic)
    assert {s.parameters["benchmark"] for s in specs} == {str(examples_dir() / "benchmark_pool.csv")}
    # the organisations with a sample portfolio get its evidence, at the status date the workbook itself gives
    listing = csv.DictReader((examples_dir() / "portfolios" / "budgets.csv").open(encoding="utf-8"))
    assert {s.organisation: s.parameters["as_of"] for s in specs if s.parameters.get("portfolio")} == {
        r["organisation"]: None for r in listing}


# --- names and branding -------------------------------------------------------------------------

@pytest.mark.parametrize("name, slug", [
    ("../../etc", "etc"),
    ('Café & Co / "R&D"', "cafe-co-r-d"),
    ("<script>alert(1)</script>", "script-alert-1-script"),
    ("Zürich Straße", "zurich-strasse"),
    ("...", "unnamed"),
    ("", "unnamed"),
    ("Korrin Regional Council", "korrin-regional-council"),
])
def test_slugify(name, slug):
    assert reports.slugify(name) == slug


@pytest.mark.parametrize("names, unique", [
    (["a", "a", "a"], ["a", "a-2", "a-3"]),
    (["x", "x", "x-2"], ["x", "x-3", "x-2"]),  # a made-up name never takes one the batch already uses
    (["x-2", "x", "x"], ["x-2", "x", "x-3"]),
])
def test_report_names_are_made_unique_in_a_batch(names, unique):
    specs = [reports.ReportSpec("positioning", "Org", None, {}, (), name) for name in names]
    assert [s.name for s in batch_module._unique_names(specs)] == unique


def test_same_slug_for_different_organisations_gives_different_files():
    specs = [reports.ReportSpec("positioning", org, None, {}, (), reports.report_name("positioning", org))
             for org in ("A & B", "A / B", "a-b")]
    assert [s.name for s in batch_module._unique_names(specs)] == [
        "a-b-positioning", "a-b-positioning-2", "a-b-positioning-3"]


def test_branding_embeds_the_logo_and_checks_its_fields(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    good = tmp_path / "brand.yaml"
    good.write_text("consultancy: Northwind & Partners\nlogo: logo.svg\ncolour: '#336699'\n", encoding="utf-8")
    branding = reports.load_branding(good)
    assert branding.logo == logo.resolve()
    nb = nbformat.v4.new_notebook()
    spec = reports.ReportSpec("positioning", "<Org>", "P", {}, (), "org")
    html = reports.export_html(nb, spec, branding=branding, date="2026-01-02", vega_js="")
    assert 'src="data:image/svg+xml;base64,' in html and "Northwind &amp; Partners" in html
    assert "--brand: #336699" in html and "&lt;Org&gt;" in html
    # the title page names the client; the render date is not the fieldwork and is not shown as such
    assert "Prepared for</dt><dd>&lt;Org&gt;</dd>" in html and "Fieldwork" not in html
    bad = tmp_path / "bad.yaml"
    bad.write_text("colour: red\nlogo: missing.png\nfont: Comic\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.load_branding(bad)
    shown = " ".join(str(p) for p in info.value.problems)
    assert f"{bad}:1:" in shown and "colour" in shown and "font" in shown


# --- the notebooks in the repository ------------------------------------------------------------

@pytest.mark.parametrize("path", sorted(notebooks_dir().glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs_and_keep_their_parameters_tag(path):
    nb = _nb(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1


def test_records_round_trip_through_a_notebook():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        display.RECORD_MIME: {"name": "x", "value": display.jsonable({"a": float("nan"), "b": [1, 2.5]})}})]
    nb.cells.append(cell)
    assert display.read_records(nb) == {"x": {"a": None, "b": [1, 2.5]}}
    assert json.dumps(display.read_records(nb), allow_nan=False)


def test_the_branding_example_loads():
    from pmo_workbench.resources import templates_dir

    branding = reports.load_branding(templates_dir() / "report" / "branding.example.yaml")
    assert branding.consultancy == "Northwind Advisory" and branding.colour == "#1F4E79"


# --- failures, leftovers and processes ----------------------------------------------------------

@pytest.mark.slow
def test_a_failed_rerun_withdraws_the_old_report_and_a_success_clears_the_failure(fixture_dir, tmp_path):
    good = _specs(fixture_dir)["Alpha"]
    broken = reports.ReportSpec(**{**_specs(fixture_dir)["Broken"].__dict__, "name": good.name})
    out = tmp_path / "out"
    assert reports.render(good, out, ["html", "ipynb"]).status == "rendered"
    assert (out / f"{good.name}.html").is_file()
    failed = reports.render(broken, out, ["html"])
    assert failed.status == "failed" and "failed in cell" in failed.error
    assert not (out / f"{good.name}.html").exists() and not (out / f"{good.name}.ipynb").exists()
    assert (out / "failed" / f"{good.name}.ipynb").is_file()
    assert reports.render(good, out, ["html"]).status == "rendered"
    assert not (out / "failed" / f"{good.name}.ipynb").exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([
        ".pmo-workbench-batch", ".pmo-workbench.lock", "failed", f"{good.name}.html"])  # no work folders


@pytest.mark.slow
def test_reports_still_render_when_the_kernel_template_cannot_start(fixture_dir, tmp_path, monkeypatch):
    from pmo_workbench.reports import kernels as _kernels

    monkeypatch.setattr(batch_module, "KernelTemplate",
                        lambda **kw: _kernels.KernelTemplate(("no_such_module_here",), **kw))
    outcome = reports.render(_specs(fixture_dir)[HOSTILE], tmp_path, ["ipynb"])
    assert outcome.status == "rendered", outcome.error


def _template_processes(root_pid: int):
    import psutil

    try:
        return [p for p in psutil.Process(root_pid).children(recursive=True)
                if "pmo_workbench.reports.kernels" in " ".join(p.cmdline())]
    except psutil.NoSuchProcess:
        return []


@pytest.mark.slow
def test_no_kernel_or_template_outlives_a_batch(fixture_dir, tmp_path):
    import psutil

    spec = _specs(fixture_dir)[HOSTILE]
    reports.run_batch([spec], tmp_path, ["ipynb"], jobs=1, progress=False)
    assert _template_processes(os.getpid()) == []
    assert not [p for p in psutil.Process().children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]


@pytest.mark.slow
def test_killing_a_batch_takes_its_template_and_kernels_with_it(fixture_dir, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    import psutil

    proc = subprocess.Popen([sys.executable, "-m", "pmo_workbench", "batch", str(fixture_dir / "manifest.csv"),
                             "--out", str(tmp_path), "--jobs", "1", "--format", "ipynb"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    family: list = []
    while time.monotonic() < deadline:  # wait until a kernel has been forked from the template
        templates = _template_processes(proc.pid)
        family = templates + [c for t in templates for c in t.children(recursive=True)]
        if len(family) > 1:
            break
        time.sleep(0.05)
    assert len(family) > 1, "no kernel was forked"
    folder = Path(next(a for a in family[0].cmdline() if a.endswith(".sock"))).parent
    assert folder.is_dir()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(family, timeout=10)
    assert alive == []
    assert not folder.exists()  # the template's ipc folder went with it


def test_manifest_targets_and_engagement_columns(fixture_dir, tmp_path):
    shutil.copy(fixture_dir / "responses.csv", tmp_path / "responses.csv")
    shutil.copy(fixture_dir / "tiny.yaml", tmp_path / "tiny.yaml")
    (tmp_path / "targets.yaml").write_text("pmos:\n  - {organisation: Alpha, pmo: Main, target: strategic}\n",
                                           encoding="utf-8")
    manifest = tmp_path / "m.csv"
    manifest.write_text("report,organisation,responses,instrument,targets\n"
                        "positioning,Alpha,responses.csv,tiny.yaml,targets.yaml\n", encoding="utf-8")
    (spec,) = reports.read_manifest(manifest)
    assert spec.parameters["targets"] == str(tmp_path / "targets.yaml")
    assert spec.parameters["targets_source"] == "manifest"
    assert str(tmp_path / "targets.yaml") in spec.inputs  # a changed targets file renders the report again
    # a bad targets file is refused when the manifest is read, located in its own file
    (tmp_path / "targets.yaml").write_text("pmos:\n  - {organisation: Alpha, pmo: Main, target: directive}\n",
                                           encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.read_manifest(manifest)
    assert str(info.value.problems[0]).startswith(f"{tmp_path / 'targets.yaml'}:2:")
    # a targets file outside the manifest's folder is refused like any other file
    outside = tmp_path.parent / f"{tmp_path.name}-targets.yaml"
    outside.write_text("pmos: []\n", encoding="utf-8")
    manifest.write_text("report,organisation,responses,instrument,targets\n"
                        f"positioning,Alpha,responses.csv,tiny.yaml,{outside}\n", encoding="utf-8")
    with pytest.raises(InputValidationError) as info:
        reports.read_manifest(manifest)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "targets")]


@pytest.mark.slow
def test_a_report_leads_to_the_target_given_with_targets(fixture_dir, tmp_path):
    # Alpha's Main PMO is controlling (module docstring); with the target supportive it is above its target:
    # the report says so and its roadmap holds no step that unlocks a type.
    targets = tmp_path / "targets.yaml"
    targets.write_text("pmos:\n  - {organisation: Alpha, pmo: Main, target: supportive}\n", encoding="utf-8")
    result = runner.invoke(app, ["report", "positioning", "--responses", str(fixture_dir / "responses.csv"),
                                 "--organisation", "Alpha", "--pmo", "Main", "--instrument",
                                 str(fixture_dir / "tiny.yaml"), "--targets", str(targets), "--out",
                                 str(tmp_path / "out"), "--format", "ipynb"])
    assert result.exit_code == 0, result.output
    records = display.read_records(_nb(tmp_path / "out" / "alpha-main-positioning.ipynb"))
    assert records["type/Main"] == {"type": "controlling", "certainty": records["type/Main"]["certainty"],
                                    "target": "supportive", "reached": True, "foundation_gaps": [], "gaps": {}}
    assert records["summary/Main"]["sentence"].endswith(
        "; it is above its target type, Supportive (set for this engagement), so the roadmap works on maturity "
        "within its type.")
