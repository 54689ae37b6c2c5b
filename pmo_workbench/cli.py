"""The ``pmo-workbench`` command: a thin layer over the package.

Exit codes: 0 success, 2 invalid input or usage (each problem on stderr as
``path:row:column: message``), 1 when work failed. Commands that write files
print each written path on its own line on stdout.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._io import write_text
from .assessment import AssessmentResults, assess
from .errors import InputValidationError, PmoWorkbenchError
from .instrument import Instrument, builtin_instruments, load_instrument
from .intake import write_responses_template
from .portfolio.actions import count
from .positioning import DEFAULT_GAP_THRESHOLD, DEFAULT_MIN_GROUP_SIZE
from .resources import examples_dir
from .responses import read_responses

app = typer.Typer(
    name="pmo-workbench",
    help="Assess PMOs (project management offices) and report on the portfolios they run.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
template_app = typer.Typer(help="Write blank intake files.", no_args_is_help=True)
app.add_typer(template_app, name="template")
report_app = typer.Typer(help="Render one report.", no_args_is_help=True)
app.add_typer(report_app, name="report")
store_app = typer.Typer(help="Keep every assessment in one database: init, import, export, list.",
                        no_args_is_help=True)
app.add_typer(store_app, name="store")

InstrumentOption = Annotated[
    str, typer.Option("--instrument", "-i", help="Built-in instrument id or path to an instrument YAML file.")
]


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class PortfolioFormat(StrEnum):
    table = "table"
    json = "json"


class Form(StrEnum):
    long = "long"
    wide = "wide"


def _console() -> Console:
    """A console for stdout: the terminal's width, or 170 columns when piped to a file."""
    if sys.stdout.isatty():
        return Console()
    return Console(width=170)


def _fail(error: PmoWorkbenchError) -> typer.Exit:
    """Report an input problem on stderr and return the exit for code 2."""
    if isinstance(error, InputValidationError):
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        count = len(error.problems)
        typer.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)
    else:
        typer.echo(f"error: {error}", err=True)
    return typer.Exit(2)


def _check_folder(folder: Path, option: str = "--out") -> None:
    """Refuse an output folder that is a file (usage error, before any work)."""
    if folder.exists() and not folder.is_dir():
        typer.echo(f"error: {option} {folder} is a file; give a folder", err=True)
        raise typer.Exit(2)


def _check_out(out: Path | None) -> None:
    """Refuse an output path that is a folder (usage error, before any work)."""
    if out is not None and out.is_dir():
        typer.echo(f"error: --out {out} is a folder; give a file name", err=True)
        raise typer.Exit(2)


def _load(responses: Path, instrument: str) -> tuple[Instrument, pd.DataFrame]:
    ins = load_instrument(instrument)
    return ins, read_responses(responses, ins)


def _load_stored(url: str, assessments: list[int] | None, instrument: str) -> tuple[Instrument, pd.DataFrame]:
    """The instrument and tidy answers of stored assessments; a custom instrument is given with --instrument."""
    from .store import Store, StoreError

    given = load_instrument(instrument)
    with Store(url, create=False) as store:
        ids = list(assessments) if assessments else None
        listed = store.assessments()
        if listed.empty:
            raise StoreError(f"{store.url} holds no assessment yet")
        store.use_instrument(given)
        ins = store.instrument_for(ids[0] if ids else int(listed["assessment_id"].iloc[0]))
        return ins, store.responses(ids)


@app.command("instruments")
def instruments_command() -> None:
    """List the built-in instruments."""
    table = Table(title="Built-in instruments")
    for column in ("id", "version", "title", "dimensions", "items", "types", "file"):
        table.add_column(column)
    try:
        for path in builtin_instruments().values():
            ins = load_instrument(path)
            table.add_row(ins.id, ins.version, ins.title, str(len(ins.dimensions)), str(len(ins.items)),
                          " < ".join(t.id for t in ins.types), str(path))
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    _console().print(table)


@app.command("validate")
def validate_command(
    responses: Annotated[Path, typer.Argument(help="Responses file (.csv, .xlsx), long or wide form.")],
    instrument: InstrumentOption = "pmo-core",
) -> None:
    """Check a responses file against an instrument; report every problem at once."""
    try:
        ins, frame = _load(responses, instrument)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    people = frame.drop_duplicates(["organisation", "respondent"])
    pmos = frame.drop_duplicates(["organisation", "pmo"])
    unanswered = int(frame["value"].isna().sum())
    typer.echo(
        f"{responses}: valid for {ins.id} {ins.version}: {count(frame['value'].notna().sum(), 'answer')} from "
        f"{count(len(people), 'respondent')}, {count(frame['organisation'].nunique(), 'organisation')}, "
        f"{count(len(pmos), 'PMO')}; {unanswered} explicitly unanswered"
    )


@app.command("score")
def score_command(
    responses: Annotated[Path | None, typer.Argument(help="Responses file (.csv, .xlsx), long or wide form.")
                         ] = None,
    instrument: InstrumentOption = "pmo-core",
    store_url: Annotated[str | None, typer.Option("--store", help="Assessment store (URL or SQLite file), "
                                                  "instead of a responses file.")] = None,
    assessment: Annotated[list[int] | None, typer.Option("--assessment", help="Assessment id in --store (repeat "
                                                         "for several; default: all).")] = None,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = ScoreFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    min_group_size: Annotated[int, typer.Option(min=1, help="Hide role groups smaller than this.")] = (
        DEFAULT_MIN_GROUP_SIZE),
    gap_threshold: Annotated[float, typer.Option(min=0, help="Flag role gaps above this many points.")] = (
        DEFAULT_GAP_THRESHOLD),
) -> None:
    """Score, position and advise every PMO in a responses file (or in the assessment store)."""
    _check_out(out)
    if (responses is None) == (store_url is None):
        typer.echo("error: give a responses file, or --store URL [--assessment ID]", err=True)
        raise typer.Exit(2)
    try:
        if store_url is not None:
            ins, frame = _load_stored(store_url, assessment, instrument)
        else:
            ins, frame = _load(responses, instrument)
        results = assess(frame, ins, min_group_size=min_group_size, gap_threshold=gap_threshold)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    if format is ScoreFormat.json:
        text = json.dumps(results.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    elif format is ScoreFormat.csv:
        text = dimension_rows(results).to_csv(index=False)
    else:
        buffer = io.StringIO()
        console = Console(file=buffer, width=170) if out else _console()
        print_results(results, console)
        text = buffer.getvalue() if out else ""
    if out is not None:
        typer.echo(str(write_text(out, text)))
    elif text:
        sys.stdout.write(text)


@template_app.command("responses")
def template_responses_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .xlsx or .csv.")],
    form: Annotated[Form, typer.Option("--form", help="long: one answer per row; wide: one row per respondent.")] = (
        Form.wide),
    instrument: InstrumentOption = "pmo-core",
) -> None:
    """Write a blank responses intake file for an instrument."""
    _check_out(out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        typer.echo(f"error: --out must end in .xlsx or .csv, got '{out.name}'", err=True)
        raise typer.Exit(2)
    try:
        ins = load_instrument(instrument)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    typer.echo(str(write_responses_template(ins, form.value, out)))


FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help="Comma-separated: html, pdf, ipynb (default html,ipynb; demo adds pdf "
                                        "when Chromium is present)."),
]
AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Status date, YYYY-MM-DD (default: today)."),
]
BudgetOption = Annotated[
    float | None, typer.Option("--budget", min=0, help="Money for the projects still to fund; runs selection."),
]
class EacMethod(StrEnum):
    typical = "typical"
    atypical = "atypical"
    cost_schedule = "cost_schedule"


EacOption = Annotated[EacMethod, typer.Option("--eac-method", help="EAC formula: typical (BAC/CPI), atypical "
                                              "(AC + BAC - EV) or cost_schedule (AC + (BAC - EV)/(CPI*SPI)).")]
GreenOption = Annotated[str | None, typer.Option("--green", help="Green band of CPI/SPI, LO,HI (default 0.95,1.05).")]
AmberOption = Annotated[str | None, typer.Option("--amber", help="Amber band of CPI/SPI, LO,HI (default 0.90,1.10).")]


def _bands(green: str | None, amber: str | None) -> dict[str, tuple[float, float]] | None:
    """RAG thresholds from the --green/--amber options; a bad band is a usage error (exit 2)."""
    from .portfolio.analysis import make_thresholds

    given = {k: v for k, v in (("green", green), ("amber", amber)) if v is not None}
    if not given:
        return None
    try:
        t = make_thresholds(given)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    return {"green": t.green, "amber": t.amber}


JobsOption = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Reports run at once (default: cores).")]


def _formats(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if text is None:
        return default
    return tuple(part.strip() for part in text.split(","))


def _run_reports(specs, out: Path, formats: tuple[str, ...], *, jobs: int | None, force: bool,
                 index: bool = True) -> None:
    """Run reports, print every written path, exit 1 when any failed."""
    from .reports import PdfUnavailableError, ReportParameterError, run_batch

    _check_folder(out)
    try:
        result = run_batch(specs, out, formats, jobs=jobs, force=force, index=index,
                           progress=sys.stderr.isatty())
    except ReportParameterError as exc:
        raise _fail(exc) from None
    except PdfUnavailableError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    for outcome in result.outcomes:
        if outcome.status == "failed":
            typer.echo(f"failed: {outcome.error}", err=True)
            if outcome.files.get("ipynb") and Path(outcome.files["ipynb"]).parent.name == "failed":
                typer.echo(f"  executed notebook kept for debugging: {outcome.files['ipynb']}", err=True)
            continue
        for path in outcome.files.values():
            typer.echo(path)
    if result.index is not None:
        typer.echo(str(result.index))
    rendered = sum(o.status == "rendered" for o in result.outcomes)
    unchanged = sum(o.status == "unchanged" for o in result.outcomes)
    typer.echo(f"{rendered} rendered, {unchanged} unchanged, {len(result.failed)} failed "
               f"in {result.seconds:.1f} s", err=True)
    if result.failed:
        raise typer.Exit(1)


def _export_assessment(url: str, assessment: int, out: Path, instrument: str) -> tuple[Path, str, str]:
    """Write one stored assessment as a long responses file under ``out/.inputs``; its organisation and instrument."""
    _check_folder(out)
    try:
        given = load_instrument(instrument)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    with _open_store(url, create=False) as store:
        try:
            store.use_instrument(given)  # a custom instrument's assessments need it to be exported
            info = store.assessment(assessment)
            if (info["instrument_id"], info["instrument_version"]) != (given.id, given.version) and (
                    info["instrument_id"] not in builtin_instruments() or instrument != "pmo-core"):
                typer.echo(f"error: assessment {assessment} uses instrument {info['instrument_id']} "
                           f"{info['instrument_version']}, not {given.id} {given.version}; give its YAML file "
                           "with --instrument", err=True)
                raise typer.Exit(2)
            path = store.export_responses(out / ".inputs" / f"assessment-{assessment}.csv", assessment_id=assessment)
        except PmoWorkbenchError as exc:
            raise _fail(exc) from None
    return path, str(info["organisation"]), instrument if instrument != "pmo-core" else str(info["instrument_id"])


@report_app.command("positioning")
def report_positioning_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    responses: Annotated[Path | None, typer.Option("--responses", "-r", help="Responses file (.csv, .xlsx).")
                         ] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", "-o", help="Organisation to report on "
                                                     "(with --responses).")] = None,
    store_url: Annotated[str | None, typer.Option("--store", help="Assessment store (URL or SQLite file), "
                                                  "instead of --responses.")] = None,
    assessment: Annotated[int | None, typer.Option("--assessment", help="Assessment id in --store.")] = None,
    pmo: Annotated[str | None, typer.Option("--pmo", help="One PMO (default: every PMO side by side).")] = None,
    instrument: InstrumentOption = "pmo-core",
    benchmark: Annotated[Path | None, typer.Option("--benchmark", "-b", help="Other organisations' responses "
                                                   "to benchmark against (5 or more).")] = None,
    branding: Annotated[Path | None, typer.Option("--branding", help="Branding YAML (consultancy, logo, colour).")
                        ] = None,
    min_group_size: Annotated[int | None, typer.Option(min=1, help="Hide role groups smaller than this.")] = None,
    format: FormatOption = None,
) -> None:
    """Render the positioning report of one organisation (HTML, PDF, executed notebook).

    The answers come from a responses file (--responses and --organisation) or from the assessment store
    (--store and --assessment; the assessment's answers are exported next to the report, in .inputs/).
    """
    from .reports import load_branding, positioning_spec

    if (responses is None) == (store_url is None) or (store_url is not None and assessment is None) or (
            responses is not None and organisation is None):
        typer.echo("error: give --responses FILE --organisation NAME, or --store URL --assessment ID", err=True)
        raise typer.Exit(2)
    if store_url is not None:
        responses, organisation, instrument = _export_assessment(store_url, assessment, out, instrument)
    try:
        ins, frame = _load(responses, instrument)
        if benchmark is not None:
            read_responses(benchmark, ins)
        if branding is not None:
            load_branding(branding)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    known = frame.drop_duplicates(["organisation", "pmo"])
    if organisation not in set(known["organisation"].astype(str)):
        typer.echo(f"{responses}: organisation {organisation!r} not found; the file lists "
                   f"{', '.join(dict.fromkeys(known['organisation'].astype(str)))}", err=True)
        raise typer.Exit(2)
    pmos = known.loc[known["organisation"] == organisation, "pmo"].astype(str).tolist()
    if pmo is not None and pmo not in pmos:
        typer.echo(f"{responses}: organisation {organisation!r} has no PMO {pmo!r}; it has {', '.join(pmos)}",
                   err=True)
        raise typer.Exit(2)
    spec = positioning_spec(responses, organisation, pmo, instrument=instrument, benchmark=benchmark,
                            branding=branding, min_group_size=min_group_size)
    _run_reports([spec], out, _formats(format, ("html", "ipynb")), jobs=1, force=True, index=False)


@app.command("portfolio")
def portfolio_command(
    path: Annotated[Path, typer.Argument(help="Portfolio workbook (.xlsx) or folder of CSV files.")],
    as_of: AsOfOption = None,
    budget: BudgetOption = None,
    eac_method: EacOption = EacMethod.typical,
    green: GreenOption = None,
    amber: AmberOption = None,
    format: Annotated[PortfolioFormat, typer.Option("--format", "-f", help="Output format.")] = PortfolioFormat.table,
) -> None:
    """Analyse a portfolio: earned value, risk, resources, dependencies, selection, data quality."""
    from .portfolio import analyse_portfolio, read_portfolio

    thresholds = _bands(green, amber)
    try:
        analysis = analyse_portfolio(read_portfolio(path), as_of=as_of, budget=budget, eac_method=eac_method.value,
                                     thresholds=thresholds)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    if format is PortfolioFormat.json:
        typer.echo(json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False, allow_nan=False))
        return
    print_portfolio(analysis, _console())


@report_app.command("portfolio")
def report_portfolio_command(
    portfolio: Annotated[Path, typer.Option("--portfolio", "-p", help="Portfolio workbook (.xlsx) or CSV folder.")],
    organisation: Annotated[str, typer.Option("--organisation", "-o", help="Organisation the portfolio belongs to.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    as_of: AsOfOption = None,
    budget: BudgetOption = None,
    eac_method: EacOption = EacMethod.typical,
    green: GreenOption = None,
    amber: AmberOption = None,
    branding: Annotated[Path | None, typer.Option("--branding", help="Branding YAML (consultancy, logo, colour).")
                        ] = None,
    format: FormatOption = None,
) -> None:
    """Render the portfolio health report of one organisation (HTML, PDF, executed notebook)."""
    from .portfolio import read_portfolio
    from .reports import load_branding, portfolio_spec

    thresholds = _bands(green, amber)
    try:
        read_portfolio(portfolio)
        if branding is not None:
            load_branding(branding)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    spec = portfolio_spec(portfolio, organisation, as_of=as_of.date() if as_of else None, budget=budget,
                          thresholds=thresholds, eac_method=eac_method.value, branding=branding)
    _run_reports([spec], out, _formats(format, ("html", "ipynb")), jobs=1, force=True, index=False)


@app.command("batch")
def batch_command(
    manifest: Annotated[Path, typer.Argument(help="Manifest (.csv or .yaml): one report per row.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the reports and index.html.")],
    jobs: JobsOption = None,
    format: FormatOption = None,
    force: Annotated[bool, typer.Option("--force", help="Render every report even if its inputs are unchanged.")
                     ] = False,
) -> None:
    """Render every report a manifest lists, in parallel, and write index.html."""
    from .reports import read_manifest

    try:
        specs = read_manifest(manifest)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    _run_reports(specs, out, _formats(format, ("html", "ipynb")), jobs=jobs, force=force)


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo reports.")] = Path("reports/demo"),
    jobs: JobsOption = None,
    format: FormatOption = None,
    force: Annotated[bool, typer.Option("--force", help="Render every report even if unchanged.")] = False,
) -> None:
    """Render a positioning report for every sample organisation, and an index of them."""
    from .reports import demo_specs, find_chromium

    path = examples_dir() / "pmo_responses.csv"
    try:
        ins, frame = _load(path, "pmo-core")
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    print_summary(assess(frame, ins), Console(stderr=True, width=170))
    chromium = find_chromium()
    default = ("html", "pdf", "ipynb") if chromium else ("html", "ipynb")
    if chromium is None and format is None:
        typer.echo("Chromium not found: writing HTML only (apt-get install chromium for PDF).", err=True)
    _run_reports(demo_specs(), out, _formats(format, default), jobs=jobs, force=force)


# -- the assessment store ------------------------------------------------------

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file (default: $PMO_WORKBENCH_DB, else workbench.db in "
                              "the user data folder)."),
]


def _open_store(db: str | None, *, create: bool = True):
    from .store import Store, default_url

    try:
        return Store(db if db is not None else default_url(), create=create)
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None


@store_app.command("init")
def store_init_command(db: DbOption = None) -> None:
    """Create the database, or upgrade an older one to the current schema."""
    from .store import SCHEMA_HEAD

    with _open_store(db) as store:
        typer.echo(f"{store.url}: ready (schema {SCHEMA_HEAD})")


@store_app.command("import")
def store_import_command(
    file: Annotated[Path, typer.Argument(help="Responses file (.csv, .xlsx), long or wide form.")],
    db: DbOption = None,
    instrument: InstrumentOption = "pmo-core",
) -> None:
    """Import a responses file; importing the same file again changes nothing."""
    try:
        ins = load_instrument(instrument)
        read_responses(file, ins)  # every problem reported before the database is opened
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    with _open_store(db) as store:
        try:
            result = store.import_responses(file, ins)
        except PmoWorkbenchError as exc:
            raise _fail(exc) from None
        typer.echo(f"{file} -> {store.url}: {count(len(result.assessments), 'assessment')} "
                   f"({', '.join(map(str, result.assessments))}), {result.respondents_added} respondents added; "
                   f"answers: {result.answers_added} added, {result.answers_changed} changed, "
                   f"{result.answers_unchanged} unchanged")


@store_app.command("export")
def store_export_command(
    out: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.")],
    db: DbOption = None,
    assessment: Annotated[list[int] | None, typer.Option("--assessment", "-a", help="Assessment id (repeat for "
                                                         "several; default: every assessment).")] = None,
    form: Annotated[Form, typer.Option("--form", help="long: one answer per row (with comments); wide: one row "
                                                      "per respondent (no comments).")] = Form.long,
    instrument: Annotated[str | None, typer.Option(
        "--instrument", "-i", help="Instrument YAML file of assessments that use a custom (not built-in) "
                                   "instrument.")] = None,
) -> None:
    """Write stored answers as a responses file (the format `validate` and `score` read)."""
    _check_out(out)
    try:
        given = load_instrument(instrument) if instrument is not None else None
    except PmoWorkbenchError as exc:
        raise _fail(exc) from None
    with _open_store(db, create=False) as store:
        try:
            if given is not None:
                store.use_instrument(given)
            written = store.export_responses(out, assessment_id=assessment or None, form=form.value)
        except PmoWorkbenchError as exc:
            raise _fail(exc) from None
    typer.echo(str(written))


@store_app.command("list")
def store_list_command(db: DbOption = None) -> None:
    """List the stored assessments."""
    with _open_store(db, create=False) as store:
        frame = store.assessments()
        url = store.url
    if frame.empty:
        typer.echo(f"{url}: no assessments yet (import a responses file with `pmo-workbench store import`)")
        return
    table = Table(title=f"Assessments in {url}")
    columns = (("id", "assessment_id"), ("organisation", "organisation"), ("PMO", "pmo"), ("level", "pmo_level"),
               ("parent", "parent_pmo"), ("instrument", "instrument_id"), ("version", "instrument_version"),
               ("assessed on", "assessed_on"), ("status", "status"), ("resp.", "respondents"), ("answers", "answers"))
    for label, name in columns:
        table.add_column(label, justify="right" if name in ("assessment_id", "respondents", "answers") else "left")
    for row in frame.to_dict("records"):
        table.add_row(*[Text("" if row[name] is None or pd.isna(row[name]) else
                             str(row[name].date()) if name == "assessed_on" else str(row[name]))
                        for _, name in columns])
    _console().print(table)


@app.command("lab")
def lab_command(
    folder: Annotated[Path, typer.Option("--dir", help="Folder to work in; the workbench notebook is copied "
                                                       "there when it is not there yet.")] = Path("."),
    db: DbOption = None,
    port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="Port for JupyterLab.")] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Start the server without opening a browser.")
                          ] = False,
) -> None:
    """Open JupyterLab on the assessment workbench notebook (answers are saved to the store as given)."""
    import os
    import shutil
    import subprocess

    from .resources import notebooks_dir

    _check_folder(folder, "--dir")
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / "assessment_workbench.ipynb"
    if not notebook.exists():  # an existing copy is the consultant's: never overwritten
        shutil.copyfile(notebooks_dir() / "assessment_workbench.ipynb", notebook)
        typer.echo(str(notebook))
    env = dict(os.environ)
    if db is not None:
        env["PMO_WORKBENCH_DB"] = db
    with _open_store(env.get("PMO_WORKBENCH_DB")) as store:  # created or upgraded before the first form opens
        typer.echo(f"answers are saved to {store.url}", err=True)
        # The kernel runs in --dir: hand it the resolved URL, so a relative --db names the same file there.
        env["PMO_WORKBENCH_DB"] = store.url
    command = [sys.executable, "-m", "jupyterlab", notebook.name, f"--ServerApp.root_dir={folder.resolve()}"]
    command += ["--no-browser"] if no_browser else []
    command += [f"--port={port}"] if port else []
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers often run as root; JupyterLab refuses without it
        command.append("--allow-root")
    raise typer.Exit(subprocess.call(command, cwd=folder, env=env))


# -- presentation ------------------------------------------------------------

def dimension_rows(results: AssessmentResults) -> pd.DataFrame:
    """One row per PMO x dimension with the PMO's type and overall score (the CSV output)."""
    frames = []
    for a in results.assessments:
        dims = a.dimensions.drop(columns=["label", "pmo_role", "weight", "std"])
        dims.insert(0, "organisation", a.organisation)
        dims.insert(1, "pmo", a.pmo)
        dims.insert(2, "pmo_level", a.pmo_level)
        dims.insert(3, "type", a.type.type)
        dims.insert(4, "overall_score", a.overall_score)
        dims.insert(5, "overall_level", a.overall_level)
        frames.append(dims)
    frame = pd.concat(frames, ignore_index=True)
    numeric = ["overall_score", "score", "ci_low", "ci_high", "rwg_j", "alpha"]
    frame[numeric] = frame[numeric].astype(float).round(2)
    return frame


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def print_summary(results: AssessmentResults, console: Console) -> None:
    table = Table(title=f"PMO positioning ({results.instrument.id} {results.instrument.version})")
    for column, justify in (("organisation", "left"), ("PMO", "left"), ("level", "left"), ("resp.", "right"),
                            ("type", "left"), ("overall", "right"), ("maturity", "right")):
        table.add_column(column, justify=justify)
    table.add_column("path to the next type")
    for a in results.assessments:
        t = a.type
        path = "top of the ladder" if t.next_type is None else f"{t.next_type}: " + ", ".join(
            f"{d} +{_fmt(v)}" if v is not None else f"{d} (no score)" for d, v in t.gaps.items())
        table.add_row(Text(a.organisation), Text(a.pmo), a.pmo_level or "", str(a.respondents), t.label,
                      _fmt(a.overall_score), str(a.overall_level or "—"), path)
    console.print(table)


def print_results(results: AssessmentResults, console: Console) -> None:
    print_summary(results, console)
    for a in results.assessments:
        table = Table(title=Text(f"{a.organisation} / {a.pmo}: dimensions"))
        for column in ("dimension", "score", "95% CI", "level", "resp.", "r_wg(J)", "alpha", "largest role gap"):
            table.add_column(column, justify="left" if column in ("dimension", "largest role gap") else "right")
        gaps = a.perception.gaps.set_index("dimension")
        for r in a.dimensions.itertuples(index=False):
            g = gaps.loc[r.dimension]
            gap = "" if pd.isna(g["gap"]) else (
                f"{g['high_role']} vs {g['low_role']}: {g['gap']:.1f}" + (" (flagged)" if g["flagged"] else ""))
            agree = _fmt(r.rwg_j, 2) + ("" if pd.isna(r.agree) or r.agree else " low")
            table.add_row(Text(r.label), _fmt(r.score), f"{_fmt(r.ci_low)}–{_fmt(r.ci_high)}", str(r.level or "—")
                          if not pd.isna(r.level) else "—", str(r.respondents), agree, _fmt(r.alpha, 2), gap)
        console.print(table)
        if not a.recommendations.empty:
            console.print("Next steps:")
            for n, rec in enumerate(a.recommendations.head(5).itertuples(index=False), start=1):
                console.print(f"  {n}. [{rec.dimension}] {rec.title} (effort {rec.effort}, impact {rec.impact};"
                              f" {rec.reason})", markup=False, highlight=False)


def _money(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value:,.0f}"


def print_portfolio(analysis, console: Console) -> None:
    """The portfolio analysis as terminal tables (the JSON form holds every figure)."""
    head, totals = analysis.headline(), analysis.totals
    console.print(f"Portfolio {analysis.portfolio.source} as of {analysis.as_of.date()}: {head['projects']} projects, "
                  f"{head['in_flight']} in flight ({head['red']} red, {head['amber']} amber, {head['overdue']} "
                  f"overdue); BAC {_money(totals.get('bac'))}, EAC {_money(totals.get('eac'))}, "
                  f"CPI {_fmt(totals.get('cpi'), 2)}, SPI {_fmt(totals.get('spi'), 2)}", markup=False, highlight=False)
    table = Table(title="Earned value by project")
    columns = [("project_id", "project", None), ("status", "status", None), ("bac", "BAC", 0), ("ev", "EV", 0),
               ("ac", "AC", 0), ("cpi", "CPI", 2), ("spi", "SPI", 2), ("spi_t", "SPI(t)", 2), ("eac", "EAC", 0),
               ("vac", "VAC", 0), ("rag", "RAG", None)]
    for _, label, digits in columns:
        table.add_column(label, justify="left" if digits is None else "right")
    for row in analysis.evm.to_dict("records"):
        # Text(), not str: a name like "Upgrade [b] phase" is data, not rich markup.
        table.add_row(*[Text(str(row[c]) if row[c] is not None and row[c] == row[c] else "—") if d is None
                        else (_money(row[c]) if d == 0 else _fmt(row[c], d)) for c, _, d in columns])
    console.print(table)
    if analysis.risks is not None:
        t = analysis.risks.totals
        console.print(f"Risks: {t.get('open_threats')} open threats ({t.get('red_threats')} red), "
                      f"{t.get('open_opportunities')} opportunities; threat EMV {_money(t.get('threat_emv'))}, "
                      f"opportunity EMV {_money(t.get('opportunity_emv'))}", markup=False, highlight=False)
    if analysis.resources is not None:
        t = analysis.resources.totals
        console.print(f"Resources: {t.get('over_allocated_cells')} over-allocated role-months in "
                      f"{t.get('roles_over')} roles; total excess {_fmt(t.get('total_excess_fte'))} FTE-months",
                      markup=False, highlight=False)
    if analysis.dependencies is not None:
        d = analysis.dependencies
        console.print(f"Dependencies: {len(d.cycles)} cycle(s); critical chain {' -> '.join(d.critical_chain) or '—'}"
                      f"; {len(d.conflicts)} needed-by conflict(s)", markup=False, highlight=False)
    if analysis.selection is not None:
        s = analysis.selection
        console.print(f"Selection ({s.status}) within {_money(s.budget)}: {len(s.selected)} projects, cost "
                      f"{_money(s.total_cost)}, value {_fmt(s.total_value, 2)}", markup=False, highlight=False)
        for note in s.notes:
            console.print(f"  {note}", markup=False, highlight=False)
    if analysis.findings:
        table = Table(title="Findings")
        for column in ("severity", "check", "project", "message"):
            table.add_column(column)
        for f in analysis.findings:
            table.add_row(f.severity, f.check, Text(f.project_id or ""), Text(f.message))
        console.print(table)


def main() -> None:
    """Entry point of the console script (usage errors exit 2, as click does)."""
    app(prog_name="pmo-workbench")
