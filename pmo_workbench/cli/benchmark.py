"""Commands on a benchmark pool: ``benchmark add|list|remove|export|import``.

The pool is the database named by ``--pool`` (a URL or a SQLite file), else ``$PMO_WORKBENCH_BENCHMARK``, else
the store given with ``--store`` (the pool's own tables beside the store's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from .._values import count
from .app import CONTEXT, EngagementOption, InstrumentOption, app, console, usage
from .store import shown

benchmark_app = typer.Typer(help="Keep a pool of anonymised past assessments to compare clients with. The pool's "
                                 "database holds the secret its organisation keys are made with: never hand it out; "
                                 "share only its export.",
                            no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(benchmark_app, name="benchmark")

PoolOption = Annotated[str | None, typer.Option(
    "--pool", help="Benchmark pool: database URL or SQLite file (default: $PMO_WORKBENCH_BENCHMARK, else the "
                   "--store database).")]
StoreOption = Annotated[str | None, typer.Option(
    "--store", help="Assessment store (URL or SQLite file): the assessment to add, and the pool's database when "
                    "neither --pool nor $PMO_WORKBENCH_BENCHMARK names one.")]


def _pool(pool: str | None, store: str | None, *, create: bool):
    from ..store.pool import POOL_ENV, BenchmarkPool, pool_url

    url = pool_url(pool, store)
    if url is None:
        usage(f"name the benchmark pool: --pool URL (or a SQLite file), ${POOL_ENV}, or --store URL")
    return BenchmarkPool(url, create=create)


def _size(text: str | None) -> str | None:
    """A size band from ``--size``: a band name, or a headcount turned into its band."""
    from ..assessment.benchmark import SIZES, size_band

    if text is None:
        return None
    value = text.strip().lower()
    if value.isdigit():
        return size_band(int(value))
    if value not in SIZES:
        usage(f"--size '{text}' is not one of {', '.join(SIZES)} nor a headcount (e.g. 120)")
    return value


def _sector(text: str | None, instrument) -> str | None:
    """``--sector`` checked against the instrument's context choices for ``sector`` (when it has some)."""
    if text is None:
        return None
    from ..assessment.benchmark import PeerFilter, PeerFilterError

    try:
        return PeerFilter.parse(f"sector={text}", sectors=_sectors(instrument)).sector
    except PeerFilterError as exc:
        usage(f"--sector: {str(exc).split(': ', 1)[1]}")


def _checked_text(option: str, column: str, value: str | None) -> None:
    """Refuse (exit 2) a text the pool could not hold or a pool file could not carry (see ``text_problem``)."""
    from ..store.pool import text_problem

    wrong = text_problem(column, " ".join(value.split()) if value else None)
    if wrong is not None:
        usage(f"{option} {wrong}")


def _sectors(instrument) -> tuple[str, ...] | None:
    question = next((q for q in instrument.context if q.id == "sector"), None)
    choices = getattr(question, "choices", None) if question is not None else None
    return tuple(choices) if choices else None


@benchmark_app.command("add")
def benchmark_add_command(
    pool: PoolOption = None,
    store: StoreOption = None,
    assessment: Annotated[int | None, typer.Option("--assessment", help="Assessment id in --store.")] = None,
    responses: Annotated[Path | None, typer.Option("--responses", "-r", help="Responses file (.csv, .xlsx), "
                                                   "instead of --store.")] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", "-o", help="Organisation (with "
                                                     "--responses).")] = None,
    pmo: Annotated[str | None, typer.Option("--pmo", help="One PMO (default: every PMO of the organisation, one "
                                            "entry each).")] = None,
    instrument: InstrumentOption = "pmo-core",
    engagement: EngagementOption = None,
    sector: Annotated[str | None, typer.Option("--sector", help="Sector (default: the engagement's context answer "
                                               "'sector').")] = None,
    size: Annotated[str | None, typer.Option("--size", help="Organisation size: micro, small, medium, large (EU "
                                             "SME bands: under 10, 50, 250 people; 250 and more), or a headcount."
                                             )] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region (free text).")] = None,
    year: Annotated[int | None, typer.Option("--year", min=1900, max=2200, help="Fieldwork year (default: the "
                                             "year of the latest answer).")] = None,
    wave: Annotated[str | None, typer.Option("--wave", help="The wave to add when --responses holds several "
                                             "(default: each PMO's latest).")] = None,
    allow_open: Annotated[bool, typer.Option("--allow-open", help="Add an assessment of --store that is still "
                                             "open.")] = False,
) -> None:
    """Add an assessment's scores, type, target and context to the pool: one entry per PMO, no names."""
    from ..assessment.benchmark import entry_fields
    from ..assessment.report import fieldwork_dates, positioning_input

    if (responses is None) == (assessment is None) or (assessment is not None and store is None) or (
            responses is not None and organisation is None):
        usage("give --store URL --assessment ID, or --responses FILE --organisation NAME")
    if wave is not None and responses is None:
        usage("--wave goes with --responses (an assessment of the store is one wave already)")
    size_value = _size(size)
    _checked_text("--region", "region", region)
    _checked_text("--sector", "sector", sector)
    store_wave = None
    if assessment is not None:
        from ..store import Store
        from ..store.files import input_folder, report_input

        with Store(store, create=False) as opened:
            info = opened.assessment(assessment)
            in_wave = f", wave {info['wave']}" if info.get("wave") else ""
            named = f"assessment {assessment} ({info['organisation']} / {info['pmo']}{in_wave})"
            if not info.get("answers"):
                usage(f"{named} has no answers yet")
            if info.get("status") != "closed" and not allow_open:
                usage(f"{named} is open: answers may still come in, and the pool is for finished assessments; close "
                      f"it (`pmo-workbench store close {assessment}`) or give --allow-open")
            given = report_input(opened, assessment, input_folder(opened.url), instrument=instrument)
            store_wave = opened.assessment(assessment).get("wave")
        data = positioning_input(given.responses, given.organisation, given.pmo, instrument=given.instrument,
                                 engagement=given.engagement, targets=given.engagement, targets_source="store")
    else:
        data = positioning_input(responses, organisation, pmo, instrument=instrument, engagement=engagement, wave=wave)
    ins = data.instrument
    sector_value = _sector(sector, ins)
    made = []
    for a in data.pmos:
        answers = data.answers[data.answers["pmo"] == a.pmo]
        dates = fieldwork_dates(answers)
        fieldwork = year or (int(dates[1][:4]) if dates else None)
        if fieldwork is None:
            usage(f"{data.organisation} / {a.pmo}: the answers carry no date; give the fieldwork year with --year")
        # the assessment is known by its wave, else by its answers' dates: never by the year typed, so that the same
        # answers added with another --year are the same assessment (refused as changed context)
        label = store_wave
        if label is None and "wave" in answers and answers["wave"].notna().any():
            label = str(answers["wave"].dropna().iloc[-1])
        try:
            fields = entry_fields(a, ins, year=fieldwork, sector=sector_value, size=size_value, region=region)
        except ValueError as exc:
            usage(f"{data.organisation} / {exc}")
        made.append((a, fields, str(label or ("..".join(dates) if dates else fieldwork))))
    with _pool(pool, store, create=True) as opened:
        for a, fields, round_ in made:
            fields["org_key"] = opened.org_key(data.organisation)
            fields["source_key"] = opened.source_key(data.organisation, a.pmo, ins.id, str(ins.version), round_)
            result = opened.add(fields)
            typer.echo(f"{result.entry_id} {result.status}: {fields['pmo_level'] or 'no level'}, "
                       f"{fields['year']}, {fields['type']}, overall "
                       f"{'-' if fields['overall'] is None else format(fields['overall'], '.1f')} "
                       f"-> {opened.shown_url}")


@benchmark_app.command("list")
def benchmark_list_command(pool: PoolOption = None, store: StoreOption = None) -> None:
    """List the pool's entries and how many there are of each PMO level."""
    with _pool(pool, store, create=False) as opened:
        frame, made_up, url = opened.frame(), opened.synthetic_entries, opened.shown_url
    table = Table(title=Text(f"Benchmark pool {url}: {count(len(frame), 'entry', 'entries')}"
                             f"{f' ({made_up} synthetic)' if made_up else ''}"))
    for heading in ("Id", "Instrument", "Year", "Level", "Sector", "Size", "Region", "Type", "Overall"):
        table.add_column(heading, justify="right" if heading in ("Year", "Overall") else "left")
    for r in frame.itertuples(index=False):  # cells as plain text: an imported pool's text is never markup
        cells = [r.entry_id, f"{r.instrument_id} {r.instrument_version}", str(r.year), r.pmo_level or "-",
                 r.sector or "-", r.size or "-", r.region or "-", r.type,
                 "-" if r.overall is None or r.overall != r.overall else f"{r.overall:.1f}"]
        table.add_row(*(Text(shown(c)) for c in cells))
    out = console()
    out.print(table)
    levels = frame["pmo_level"].fillna("no level").value_counts()
    out.print("By level: " + (", ".join(f"{level} {n}" for level, n in levels.items()) or "none"))


@benchmark_app.command("remove")
def benchmark_remove_command(
    ids: Annotated[list[str], typer.Argument(help="Entry ids (see `benchmark list`).")],
    pool: PoolOption = None,
    store: StoreOption = None,
) -> None:
    """Remove entries from the pool."""
    with _pool(pool, store, create=False) as opened:
        removed = opened.remove(ids)
        typer.echo(f"{count(removed, 'entry', 'entries')} removed from {opened.shown_url}")


@benchmark_app.command("export")
def benchmark_export_command(
    file: Annotated[Path, typer.Argument(help="CSV file to write (one row per entry).")],
    pool: PoolOption = None,
    store: StoreOption = None,
) -> None:
    """Write the pool as a CSV file another pool can import (no names; the keys mean nothing elsewhere)."""
    from ..store.pool_csv import write_pool_csv

    if file.suffix.lower() != ".csv":
        usage(f"{file}: give a .csv file name")
    if file.is_dir():
        usage(f"{file} is a folder; give a file name")
    with _pool(pool, store, create=False) as opened:
        frame = opened.frame()
    typer.echo(str(write_pool_csv(frame, file)))


@benchmark_app.command("import")
def benchmark_import_command(
    file: Annotated[Path, typer.Argument(help="A pool's CSV file (`benchmark export` writes one).")],
    pool: PoolOption = None,
    store: StoreOption = None,
) -> None:
    """Add another pool's entries, keeping their ids; an entry already in the pool changes nothing."""
    from ..store.pool_csv import read_pool_csv

    table = read_pool_csv(file)  # every problem located before the pool is opened
    with _pool(pool, store, create=True) as opened:
        result = opened.import_frame(table, str(file))
        typer.echo(f"{file} -> {opened.shown_url}: {count(result.added, 'entry', 'entries')} added, "
                   f"{result.unchanged} unchanged")
        if opened.merged:
            typer.echo("note: entries of another pool keep that pool's organisation keys, which cannot be matched "
                       "with this pool's: an organisation in both counts twice and a client's own entries among "
                       "them are not left out of its comparison (reports say so)", err=True)
