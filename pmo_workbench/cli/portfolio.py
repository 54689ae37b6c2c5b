"""The ``portfolio`` command, and the portfolio options the report commands share."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._values import MISSING, fmt
from .app import app, console, date_option, template_app, template_target, usage

AsOfOption = Annotated[
    dt.datetime | None,
    typer.Option("--as-of", parser=date_option, metavar="YYYY-MM-DD",
                 help="Status date, YYYY-MM-DD (default: the workbook's own, from its about sheet or about.csv; "
                      "else today, said on stderr)."),
]
BudgetOption = Annotated[
    float | None, typer.Option("--budget", min=0, help="Money for the projects still to fund; runs selection."),
]


class EacMethod(StrEnum):
    typical = "typical"
    atypical = "atypical"
    cost_schedule = "cost_schedule"


class PortfolioFormat(StrEnum):
    table = "table"
    json = "json"


EacOption = Annotated[EacMethod, typer.Option("--eac-method", help="EAC formula: typical (BAC/CPI), atypical "
                                              "(AC + BAC - EV) or cost_schedule (AC + (BAC - EV)/(CPI*SPI)).")]
GreenOption = Annotated[str | None, typer.Option("--green", help="Green band of CPI/SPI, LO,HI (default 0.95,1.05).")]
AmberOption = Annotated[str | None, typer.Option("--amber", help="Amber band of CPI/SPI, LO,HI (default 0.90,1.10).")]
TimeLimitOption = Annotated[float, typer.Option(
    "--time-limit", min=0.001, metavar="SECONDS",
    help="Seconds selection and the efficient frontier may take together (selection up to half of it); at the "
         "limit the best sets found are shown with their optimality gap.")]
DEFAULT_TIME_LIMIT = 30.0
FyStartOption = Annotated[int, typer.Option(
    "--fy-start", min=1, max=12, metavar="MONTH",
    help="First month of the financial year, 1-12 (1 = January, 4 = April), for the financials sheet.")]
CurrencyOption = Annotated[str | None, typer.Option(
    "--currency", metavar="CODE",
    help="ISO 4217 code of the money (GBP, EUR, USD) when the workbook has no currency column; it must agree with "
         "the column when it has one. Without either, amounts are plain numbers.")]


def note_status_date(portfolio) -> None:
    """Say on stderr that a workbook without a status date (no about sheet or about.csv giving one) is analysed as
    of today, naming the latest status date in its data (else its latest date), when --as-of is not given."""
    if portfolio.status_date is not None:
        return
    from ..portfolio.quality import data_dates

    reported = [frame["status_date"].dropna() for frame in (portfolio.projects, portfolio.status_history)
                if frame is not None and "status_date" in frame]
    reported = [c for c in reported if len(c)]
    found = reported or [c for c in data_dates(portfolio) if len(c)]
    latest = max(c.max() for c in found).date().isoformat() if found else None
    what = "status date" if reported else "date"
    seen = f"; the latest {what} in its data is {latest}" if latest else ""
    typer.echo(f"note: {portfolio.source} gives no status date (an about sheet, or about.csv, with status_date) and "
               f"no --as-of was given: analysing as of today, {dt.date.today().isoformat()}{seen}", err=True)


def report_currency(portfolio, currency: str | None) -> str | None:
    """The currency of the workbook and the --currency option together; a bad or conflicting one is a usage
    error (exit 2)."""
    from ..portfolio.analysis import choose_currency

    try:
        return choose_currency(portfolio.currency, currency)
    except ValueError as exc:
        usage(f"{portfolio.source}: --currency: {exc}")
HistoryOption = Annotated[list[str] | None, typer.Option(
    "--history", metavar="PATH[=YYYY-MM-DD]",
    help="An earlier workbook (or CSV folder) and the status date of its figures (default: the workbook's own, "
         "from its about sheet), for the trends; repeat for several. Added to the status_history sheet, which wins "
         "on the same project and date.")]
StaleOption = Annotated[int | None, typer.Option(
    "--stale-days", min=1, help="Days after which a project's last status update counts as stale (default 35).")]


def earlier_workbooks(history: list[str] | None) -> list:
    """The ``--history`` workbooks, read and validated; a malformed option or a missing path is a usage error
    (exit 2), an invalid workbook an input error naming its file, row and column (exit 2)."""
    from ..portfolio.trends import read_history

    try:
        return read_history(history or [])
    except ValueError as exc:
        usage(str(exc))


def check_earlier(earlier: list, currency: str | None, known) -> None:
    """Earlier workbooks in another currency, two giving different figures for the same project and date, or
    one holding a project the workbook does not, are a usage error (exit 2) naming the files."""
    from ..portfolio.history import history_from_portfolios

    try:
        history_from_portfolios(earlier, currency, known=list(known))
    except ValueError as exc:
        usage(str(exc))


def bands(green: str | None, amber: str | None) -> dict[str, tuple[float, float]] | None:
    """RAG thresholds from the --green/--amber options; a bad band is a usage error (exit 2)."""
    from ..portfolio.analysis import make_thresholds

    given = {k: v for k, v in (("green", green), ("amber", amber)) if v is not None}
    if not given:
        return None
    try:
        t = make_thresholds(given)
    except ValueError as exc:
        usage(str(exc))
    return {"green": t.green, "amber": t.amber}


@app.command("portfolio")
def portfolio_command(
    path: Annotated[Path, typer.Argument(help="Portfolio workbook (.xlsx) or folder of CSV files.")],
    as_of: AsOfOption = None,
    budget: BudgetOption = None,
    eac_method: EacOption = EacMethod.typical,
    green: GreenOption = None,
    amber: AmberOption = None,
    format: Annotated[PortfolioFormat, typer.Option("--format", "-f", help="Output format.")] = PortfolioFormat.table,
    time_limit: TimeLimitOption = DEFAULT_TIME_LIMIT,
    fy_start: FyStartOption = 1,
    currency: CurrencyOption = None,
    history: HistoryOption = None,
    stale_days: StaleOption = None,
) -> None:
    """Analyse a portfolio: earned value, risk, resources, dependencies, selection, trends, data quality."""
    from ..portfolio import analyse_portfolio, read_portfolio
    from ..portfolio.solve import solver_limits
    from ..portfolio.status import STALE_AFTER_DAYS

    thresholds = bands(green, amber)
    portfolio = read_portfolio(path)
    if as_of is None:
        note_status_date(portfolio)
    currency = report_currency(portfolio, currency)
    earlier = earlier_workbooks(history)
    check_earlier(earlier, currency, portfolio.projects["project_id"].astype(str))
    with solver_progress(sys.stderr.isatty(), time_limit) as progress, solver_limits(time_limit, progress):
        analysis = analyse_portfolio(portfolio, as_of=as_of, budget=budget, eac_method=eac_method.value,
                                     thresholds=thresholds, fy_start=fy_start, currency=currency, history=earlier,
                                     stale_days=STALE_AFTER_DAYS if stale_days is None else stale_days)
    if format is PortfolioFormat.json:
        data = analysis.to_dict()
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
        return
    print_portfolio(analysis, console())


@template_app.command("portfolio")
def template_portfolio_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Workbook to write (.xlsx); never overwritten.")] = Path(
        "portfolio.xlsx"),
    organisation: Annotated[str | None, typer.Option("--organisation", help="Organisation to fill in.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", metavar="CODE",
                                                 help="ISO 4217 code of the money to fill in (GBP, EUR, USD).")] = None,
    status_date: Annotated[dt.datetime | None, typer.Option(
        "--status-date", parser=date_option, metavar="YYYY-MM-DD",
        help="The date the workbook's figures will be as of, to fill in.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Language of the instructions (en, de).")] = None,
) -> None:
    """Write a blank portfolio workbook to fill in: an about sheet (status date, currency, organisation), every
    sheet the portfolio reader takes with its columns, and instructions in --language.

    Sheet names, column names and the allowed values stay as they are in every language: the workbook is read
    back by them (``pmo-workbench portfolio FILE.xlsx``)."""
    from ..portfolio.intake import write_portfolio_template
    from ..portfolio.tracked_sheets import _known_currency

    if out.suffix.lower() != ".xlsx":
        usage(f"--out must end in .xlsx, got '{out.name}'")
    code = template_target(out, language)
    if out.exists():
        usage(f"{out} exists; give another --out (a template never overwrites a file)")
    if organisation is not None and (not organisation.strip() or any(ord(c) < 32 or 127 <= ord(c) < 160
                                                                     for c in organisation)):
        usage(f"--organisation {organisation!r}: expected a name, without control characters")
    if currency is not None and not _known_currency(currency.strip()):
        usage(f"--currency {currency!r} is not a currency code; expected an ISO 4217 code such as EUR, GBP or USD")
    typer.echo(str(write_portfolio_template(
        out, organisation=organisation.strip() if organisation else None,
        currency=currency.strip().upper() if currency else None,
        status_date=status_date.date() if status_date else None, language=code)))


@contextlib.contextmanager
def solver_progress(enabled: bool, time_limit: float):
    """A progress callback for selection and the frontier drawing bars on stderr (as the report batch does), or
    ``None`` when stderr is not a terminal."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=False) as bar:
        tasks: dict[str, object] = {}

        def advance(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(f"{label} (time limit {time_limit:g} s)", total=total)
            bar.update(tasks[label], completed=done, total=total)

        yield advance


def _whole(value: float | None) -> str:
    return fmt(value, 0, thousands=True)


def print_portfolio(analysis, console: Console) -> None:
    """The portfolio analysis as terminal tables (the JSON form holds every figure)."""
    head, totals = analysis.headline(), analysis.totals
    console.print(f"Portfolio {analysis.portfolio.source} as of {analysis.as_of.date()}: {head['projects']} projects, "
                  f"{head['in_flight']} in flight ({head['red']} red, {head['amber']} amber, {head['overdue']} "
                  f"overdue); BAC {analysis.money(totals.get('bac'))}, EAC {analysis.money(totals.get('eac'))}, "
                  f"CPI {fmt(totals.get('cpi'), 2)}, SPI {fmt(totals.get('spi'), 2)}", markup=False, highlight=False)
    table = Table(title="Earned value by project")
    heading = analysis.money_heading
    columns = [("project_id", "project", None), ("name", "name", None), ("status", "status", None),
               ("bac", heading("BAC"), 0), ("ev", heading("EV"), 0), ("ac", heading("AC"), 0), ("cpi", "CPI", 2),
               ("spi", "SPI", 2), ("spi_t", "SPI(t)", 2), ("eac", heading("EAC"), 0), ("vac", heading("VAC"), 0),
               ("rag", "RAG", None)]
    for _, label, digits in columns:
        table.add_column(label, justify="left" if digits is None else "right")
    for row in analysis.evm.to_dict("records"):
        # Text(), not str: a name like "Upgrade [b] phase" is data, not rich markup.
        table.add_row(*[Text(str(row[c]) if row[c] is not None and row[c] == row[c] else MISSING) if d is None
                        else (_whole(row[c]) if d == 0 else fmt(row[c], d)) for c, _, d in columns])
    console.print(table)
    if analysis.risks is not None:
        t = analysis.risks.totals
        if t.get("exposure_label") == "exposure index":  # ordinal impacts: no money, so no EMV
            exposure = f"threat exposure index {fmt(t.get('exposure_index'), 0)} (sum of probability x impact scores)"
        else:
            exposure = (f"threat EMV {analysis.money(t.get('threat_emv'), full=True)}, "
                        f"opportunity EMV {analysis.money(t.get('opportunity_emv'), full=True)}")
        console.print(f"Risks: {t.get('open_threats')} open threats ({t.get('red_threats')} red), "
                      f"{t.get('open_opportunities')} opportunities; {exposure}", markup=False, highlight=False)
    if analysis.resources is not None:
        t = analysis.resources.totals
        console.print(f"Resources: {t.get('over_allocated_cells')} over-allocated role-months in "
                      f"{t.get('roles_over')} roles; total excess {fmt(t.get('total_excess_fte'))} FTE-months",
                      markup=False, highlight=False)
    if analysis.dependencies is not None:
        d = analysis.dependencies
        chain = " -> ".join(d.longest_chain) or MISSING
        console.print(f"Dependencies: {len(d.cycles)} cycle(s); longest dependency chain {chain}"
                      f"; {len(d.conflicts)} late link(s) at the status date", markup=False, highlight=False)
    print_delivery(analysis, console)
    if analysis.selection is not None:
        s = analysis.selection
        gap = "" if s.status != "feasible" else f", optimality gap at most {s.gap:.2%}"
        console.print(f"Selection ({s.status}) within {analysis.money(s.budget, full=True)}: {len(s.selected)} "
                      f"projects, cost {analysis.money(s.total_cost, full=True)}, value {fmt(s.total_value, 2)}{gap}",
                      markup=False, highlight=False)
        for note in s.notes:
            console.print(f"  {note}", markup=False, highlight=False)
    if analysis.frontier_words():
        console.print(analysis.frontier_words(), markup=False, highlight=False)
    if analysis.trends is not None:
        from ..portfolio.trends import describe_movement, describe_period

        t = analysis.trends
        console.print(f"Trends over {len(t.dates)} status dates: {describe_period(t.period()) or ''} "
                      f"{describe_movement(t.movement_counts())} {len(t.watermelons())} reported greener than their "
                      "figures.", markup=False, highlight=False)
    if analysis.stale is not None:
        console.print(f"Stale status updates (older than {analysis.stale_days} days or undated): {len(analysis.stale)}",
                      markup=False, highlight=False)
    if analysis.findings:
        names = analysis.project_names()
        table = Table(title="Findings")
        for column in ("severity", "check", "project", "message"):
            table.add_column(column)
        for f in analysis.findings:
            table.add_row(f.severity, f.check, Text(names.get(str(f.project_id), f.project_id or "")),
                          Text(f.message))
        console.print(table)



def print_delivery(analysis, console: Console) -> None:
    """One line each on milestones, benefits and the financial year, when the workbook has their sheet."""
    lines = []
    if analysis.milestones is not None:
        t = analysis.milestones.totals
        lines.append(f"Milestones: {t['overdue']} overdue, {t['upcoming']} due in the next {t['horizon_days']} days "
                     f"({t['gates_upcoming']} stage gates), {t['slipped']} slipped, {t['decisions']} decisions needed")
    if analysis.benefits is not None:
        parts = [f"{r.measure} {_whole(r.realised)} of {_whole(r.planned)} realised"
                 for r in analysis.benefits.by_measure.itertuples()]
        lines.append("Benefits: " + ("; ".join(parts) or "none"))
    if analysis.finance is not None:
        f, t = analysis.finance, analysis.finance.totals
        if t["outturn"] is None:
            lines.append(f"Financial year {f.label}: the financials sheet has no month in it (it covers "
                         f"{t['data_first_month']} to {t['data_last_month']})")
        else:
            lines.append(f"Financial year {f.label}: budget {_whole(t['in_year_budget'])}, actual to date "
                         f"{_whole(t['actual_to_date'])}, forecast outturn {_whole(t['outturn'])}, variance "
                         f"{_whole(t['variance'])}")
    for line in lines:
        console.print(line, markup=False, highlight=False)
