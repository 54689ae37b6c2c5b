"""Commands that render reports: ``report positioning``, ``report portfolio``, ``batch`` and ``demo``."""

from __future__ import annotations

import contextlib

import dataclasses
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .._values import count
from ..errors import PmoWorkbenchError
from ..resources import examples_dir
from .app import (
    CellTimeoutOption,
    EngagementOption,
    InstrumentOption,
    LanguageOption,
    TargetsOption,
    WaveOption,
    app,
    check_folder,
    chosen_wave,
    report_app,
    usage,
)
from .portfolio import (AmberOption, AsOfOption, BudgetOption, CurrencyOption, EacMethod, EacOption, FyStartOption,
                        GreenOption, bands, report_currency)
from .portfolio import HistoryOption, StaleOption, check_earlier, earlier_workbooks

FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help="Comma-separated: html, pdf, ipynb, pptx, docx (default html,ipynb; "
                                        "demo adds pptx and docx, and pdf when Chromium is present)."),
]
JobsOption = Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Reports run at once (default: cores).")]
BrandingOption = Annotated[Path | None, typer.Option("--branding", help="Branding YAML (consultancy, logo, colour).")]
DEFAULT_CELL_TIMEOUT = 600


def formats(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    """The formats of a ``--format`` option (comma-separated), or ``default``."""
    if text is None:
        return default
    return tuple(part.strip() for part in text.split(","))


def run_reports(specs, out: Path, chosen: tuple[str, ...], *, jobs: int | None, force: bool, cell_timeout: int,
                index: bool = True, language: str | None = None, cluster: str | None = None) -> None:
    """Run reports (on a Dask ``cluster`` when given), print every written path, exit 1 when any failed;
    ``language`` is the index's."""
    from ..reports.batch import BatchStopped, run_batch

    check_folder(out)
    warn_fallback_texts(specs)
    try:
        result = run_batch(specs, out, chosen, jobs=jobs, force=force, index=index, cell_timeout=cell_timeout,
                           progress=sys.stderr.isatty(), language=language, cluster=cluster)
    except BatchStopped as stopped:  # Ctrl-C or kill: what was published is named, then the exit is 128 + signal
        _exit_at_once_on_another_signal()
        with contextlib.suppress(OSError):  # a closed terminal (SIGHUP) cannot take them: the exit code stays
            if stopped.result is not None:
                _echo_outcomes(stopped.result)
            typer.echo(stopped.summary(), err=True)
        raise typer.Exit(stopped.exit_code) from None
    _echo_outcomes(result)
    if result.index is not None:
        typer.echo(str(result.index))
    rendered = sum(o.status == "rendered" for o in result.outcomes)
    unchanged = sum(o.status == "unchanged" for o in result.outcomes)
    typer.echo(f"{rendered} rendered, {unchanged} unchanged, {len(result.failed)} failed "
               f"in {result.seconds:.1f} s", err=True)
    if result.failed:
        raise typer.Exit(1)


def _exit_at_once_on_another_signal() -> None:
    """After a batch stopped, a further Ctrl-C or kill ends the command at once, without a traceback."""
    import os
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, lambda number, frame: os._exit(128 + number))


def _echo_outcomes(result) -> None:
    """Every written path on stdout; notices, kept edits and failures on stderr."""
    for notice in result.notices:
        typer.echo(f"note: {notice}", err=True)
    for outcome in result.outcomes:
        for path in outcome.kept:
            typer.echo(f"kept your edited copy, changed since it was written: {path}", err=True)
        if outcome.status == "failed":
            typer.echo(f"failed: {outcome.error}", err=True)
            if outcome.files.get("ipynb") and Path(outcome.files["ipynb"]).parent.name == "failed":
                typer.echo(f"  executed notebook kept for debugging: {outcome.files['ipynb']}", err=True)
            continue
        for path in outcome.files.values():
            typer.echo(path)


def warn_fallback_texts(specs) -> None:
    """One line on stderr per engagement file whose texts some report shows in another language than its own."""
    from ..assessment.engagement_texts import missing_texts
    from ..i18n import language_name

    seen = set()
    for spec in specs:
        file, language = spec.parameters.get("engagement"), spec.parameters.get("language") or "en"
        if not file or (file, language) in seen or not Path(file).is_file():
            continue
        seen.add((file, language))
        try:
            missing = missing_texts(file, language)
        except PmoWorkbenchError:
            continue  # the report itself says what is wrong with the file
        if missing:
            verbs = ("has", "falls") if len(missing) == 1 else ("have", "fall")
            typer.echo(f"warning: {file}: {count(len(missing), 'text')} of the engagement file {verbs[0]} no "
                       f"{language_name(language, 'en')} version and {verbs[1]} back to another language "
                       f"(pmo-workbench engagement check {file} --language {language} lists them)", err=True)


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
    benchmark: Annotated[str | None, typer.Option("--benchmark", "-b", help="Benchmark pool to compare with: a "
                                                  "database URL or SQLite file holding one, or an exported pool "
                                                  "CSV (see `benchmark add`).")] = None,
    peers: Annotated[str | None, typer.Option("--peers", help="Which pool entries are peers, e.g. "
                                              "'pmo_level=enterprise,sector=public sector' (keys pmo_level, "
                                              "sector, size, region, year; 'all'); the PMO's own level "
                                              "unless pmo_level is named.")] = None,
    branding: BrandingOption = None,
    min_group_size: Annotated[int | None, typer.Option(min=1, help="Hide role groups smaller than this.")] = None,
    engagement: EngagementOption = None,
    targets: TargetsOption = None,
    portfolio: Annotated[Path | None, typer.Option(
        "--portfolio", "-p", help="The organisation's portfolio workbook (.xlsx) or CSV folder: its evidence is "
                                  "shown beside the perception.")] = None,
    as_of: AsOfOption = None,
    format: FormatOption = None,
    cell_timeout: CellTimeoutOption = DEFAULT_CELL_TIMEOUT,
    wave: WaveOption = None,
    language: LanguageOption = None,
    competency: Annotated[Path | None, typer.Option(
        "--competency", help="The organisation's competency ratings: the cohort's summary (people assessed, "
                             "requirements met, top training needs) joins the empowerment role.")] = None,
    competency_cohort: Annotated[str | None, typer.Option(
        "--competency-cohort", help="The cohort of --competency summarised (default: the organisation's only "
                                    "one).")] = None,
) -> None:
    """Render the positioning report of one organisation (HTML, PDF, executed notebook, slide deck).

    The answers come from a responses file (--responses and --organisation) or from the assessment store
    (--store and --assessment; the assessment's answers are exported to the user's cache, never into the report folder).
    With --portfolio (and --as-of, the portfolio's status date) the report sets the portfolio's evidence
    beside the perception.
    """
    from ..assessment.engagement import engagement_inputs
    from ..assessment.report import refuse_few_anonymous
    from ..assessment.responses import check_subject
    from ..reports.branding import load_branding
    from ..reports.spec import name_in_language, positioning_spec
    from .assess import load

    if (responses is None) == (store_url is None) or (store_url is not None and assessment is None) or (
            responses is not None and organisation is None):
        usage("give --responses FILE --organisation NAME, or --store URL --assessment ID")
    if as_of is not None and portfolio is None:
        usage("--as-of is the portfolio's status date: give --portfolio too")
    if competency_cohort is not None and competency is None:
        usage("--competency-cohort names a cohort of the competency ratings: give --competency FILE too")
    check_folder(out)
    if portfolio is not None:
        from ..portfolio import read_portfolio

        read_portfolio(portfolio)  # every problem of the workbook, located, before anything runs
    source = "option"
    if store_url is not None:
        from ..store import Store
        from ..store.files import input_folder, report_input

        with Store(store_url, create=False) as store:
            given = report_input(store, assessment, input_folder(store.url), instrument=instrument)
            name, wave = _stored_wave(store, assessment, wave)
        responses, organisation, instrument = given.responses, given.organisation, given.instrument
        stored = getattr(given, "engagement", None)
        if stored is not None:
            engagement = engagement or stored
            if targets is None:
                targets, source = stored, "store"
    ins, frame = load(responses, instrument)
    if benchmark is not None:
        from ..reports.benchmark import check_benchmark

        check_benchmark(benchmark, peers, ins)  # a responses file, a missing pool, a bad filter: exit 2 now
    elif peers is not None:
        usage("--peers chooses peers in the benchmark pool: give --benchmark POOL too")
    if branding is not None:
        load_branding(branding)
    check_subject(frame, organisation, pmo, where=str(responses))
    frame = chosen_wave(frame, wave, organisation=organisation, pmo=pmo, where=str(responses))
    entries = engagement_inputs(responses, frame, ins, engagement=engagement, targets=targets, targets_source=source)[0]
    refuse_few_anonymous(responses, frame, organisation, pmo, entries)  # exit 2 before any notebook runs
    if competency is not None:
        from ..assessment.competency_summary import cohort_summary

        competency_cohort = cohort_summary(competency, organisation, competency_cohort)[0]["cohort"]  # exit 2 now
    spec = positioning_spec(responses, organisation, pmo, instrument=instrument, benchmark=benchmark,
                            branding=branding, min_group_size=min_group_size, engagement=engagement,
                            targets=targets, targets_source=source, portfolio=portfolio,
                            as_of=as_of.date() if as_of else None, wave=wave, peers=peers, language=language,
                            competency=competency, competency_cohort=competency_cohort)
    if store_url is not None and name is not None:
        spec = dataclasses.replace(spec, name=name_in_language(name, spec.parameters.get("language")))
    run_reports([spec], out, formats(format, ("html", "ipynb")), jobs=1, force=True, index=False,
                cell_timeout=cell_timeout)


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
    branding: BrandingOption = None,
    format: FormatOption = None,
    cell_timeout: CellTimeoutOption = DEFAULT_CELL_TIMEOUT,
    fy_start: FyStartOption = 1,
    currency: CurrencyOption = None,
    history: HistoryOption = None,
    stale_days: StaleOption = None,
    engagement: Annotated[Path | None, typer.Option(
        "--engagement", help="The organisation's engagement file (client, logos, portfolio_key_messages).")] = None,
    language: LanguageOption = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0.001, metavar="SECONDS",
        help="Seconds selection and the efficient frontier may take together (default 30); at the limit the best "
             "sets found are shown with their optimality gap.")] = None,
) -> None:
    """Render the portfolio health report of one organisation (HTML, PDF, executed notebook, slide deck)."""
    from ..portfolio import read_portfolio
    from ..portfolio.about import report_organisation
    from ..portfolio.trends import parse_history
    from ..reports.branding import load_branding
    from ..reports.spec import portfolio_spec

    thresholds = bands(green, amber)
    if time_limit is not None and time_limit == float("inf"):
        usage("--time-limit: give a number of seconds, not inf (a report must end)")
    check_folder(out)
    workbook = read_portfolio(portfolio)
    currency = report_currency(workbook, currency)
    # fail before any kernel starts: unreadable, conflicting or other-currency earlier workbooks exit 2
    check_earlier(earlier_workbooks(history), currency, workbook.projects["project_id"].astype(str))
    dated = {str(p): None if d is None else d.date().isoformat() for p, d in map(parse_history, history or [])}
    report_organisation(workbook, organisation)  # another organisation's workbook: refused before any kernel
    if branding is not None:
        load_branding(branding)
    if engagement is not None:
        from ..assessment.engagement import load_engagement

        given = load_engagement(engagement, None)
        if given.organisation is not None and given.organisation != organisation:
            usage(f"{engagement}: the engagement file is about '{given.organisation}', not '{organisation}'")
    spec = portfolio_spec(portfolio, organisation, as_of=as_of.date() if as_of else None, budget=budget,
                          thresholds=thresholds, eac_method=eac_method.value, branding=branding,
                          fy_start=fy_start, currency=currency, history=dated or None,
                          stale_days=stale_days, engagement=engagement, language=language, time_limit=time_limit)
    run_reports([spec], out, formats(format, ("html", "ipynb")), jobs=1, force=True, index=False,
                cell_timeout=cell_timeout)


@app.command("batch")
def batch_command(
    manifest: Annotated[Path, typer.Argument(help="Manifest (.csv or .yaml): one report per row.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the reports and index.html.")],
    jobs: JobsOption = None,
    format: FormatOption = None,
    force: Annotated[bool, typer.Option("--force", help="Render every report even if its inputs are unchanged.")
                     ] = False,
    allow_outside: Annotated[list[Path] | None, typer.Option(
        "--allow-outside", help="A folder outside the manifest's that its rows may name files in (repeat for "
                                "several). By default every file must be in the manifest's folder.")] = None,
    cell_timeout: CellTimeoutOption = DEFAULT_CELL_TIMEOUT,
    language: LanguageOption = None,
    cluster: Annotated[str | None, typer.Option(
        "--cluster", help="Run the reports on Dask: 'local' or 'local:N' starts a cluster of N worker processes "
                          "here (default: one per core); 'tcp://HOST:PORT' uses a running Dask scheduler, whose "
                          "workers must read the inputs at the same paths. Not with --jobs.")] = None,
) -> None:
    """Render every report a manifest lists, in parallel, and write index.html.

    --language is the language of every report whose row gives none (a row's language column wins, then its
    engagement file's) and of index.html."""
    from ..reports.executors import parse_cluster
    from ..reports.manifest import read_manifest

    check_folder(out)
    if cluster is not None:
        parse_cluster(cluster)  # a malformed value: exit 2 before the manifest is read
        if jobs is not None:
            usage("--jobs sizes the local process pool and cannot be combined with --cluster (on a cluster each "
                  "worker runs one report at a time; local:N starts N workers)")
    specs = read_manifest(manifest, allowed=tuple(allow_outside or ()), language=language)
    run_reports(specs, out, formats(format, ("html", "ipynb")), jobs=jobs, force=force, cell_timeout=cell_timeout,
                language=language, cluster=cluster)


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo reports.")] = Path("reports/demo"),
    jobs: JobsOption = None,
    format: FormatOption = None,
    force: Annotated[bool, typer.Option("--force", help="Render every report even if unchanged.")] = False,
    cell_timeout: CellTimeoutOption = DEFAULT_CELL_TIMEOUT,
    language: LanguageOption = None,
) -> None:
    """Render a positioning report for every sample organisation, and an index of them, each from an engagement
    file the demo writes first, beside the out folder (``<out>-engagements/``): never inside it, because the
    files hold the respondents' comments as written and the out folder is what a client may receive."""
    from ..assessment.results import assess
    from ..reports.engagement import demo_engagements
    from ..reports.pdf import pdf_problem
    from ..reports.spec import demo_specs
    from .assess import load, print_summary

    from ..assessment.engagement import engagement_inputs

    check_folder(out)
    sample = examples_dir() / "pmo_responses.csv"
    ins, frame = load(sample, "pmo-core")
    entries, _, _ = engagement_inputs(sample, frame, ins)
    folder = out.resolve()
    engagements = demo_engagements(folder.parent / f"{folder.name}-engagements")
    for path in engagements.values():
        engagement_inputs(sample, frame, ins, engagement=path)  # every problem located before any report runs
        typer.echo(str(path))
    print_summary(assess(frame, ins, engagement=entries), Console(stderr=True, width=170))
    why_not = pdf_problem()
    default = ("html", "ipynb", "pptx", "docx") if why_not else ("html", "pdf", "ipynb", "pptx", "docx")
    if why_not and format is None:
        typer.echo(f"Writing no PDF: {why_not}", err=True)
    run_reports(demo_specs(engagements=engagements, language=language), out, formats(format, default), jobs=jobs,
                force=force, cell_timeout=cell_timeout, language=language)


@report_app.command("progress")
def report_progress_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    responses: Annotated[Path | None, typer.Option(
        "--responses", "-r", help="Responses file holding both waves (a wave column).")] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", "-o", help="Organisation (with "
                                                                                   "--responses).")] = None,
    pmo: Annotated[str | None, typer.Option("--pmo", help="The PMO: its name with --responses (may be left out "
                                                          "when the organisation has one), its id with --store.")
                   ] = None,
    store_url: Annotated[str | None, typer.Option("--store", help="Assessment store (URL or SQLite file), "
                                                  "instead of --responses.")] = None,
    from_wave: Annotated[str | None, typer.Option("--from", help="The earlier wave's label (default: the wave "
                                                                 "before --to).")] = None,
    to_wave: Annotated[str | None, typer.Option("--to", help="The later wave's label (default: the latest).")
                       ] = None,
    min_change: Annotated[float, typer.Option("--min-change", min=0, help="The smallest change in points called "
                                                                          "meaningful.")] = 5.0,
    instrument: InstrumentOption = "pmo-core",
    engagement: EngagementOption = None,
    min_group_size: Annotated[int | None, typer.Option(min=1, help="Hide role groups smaller than this.")] = None,
    branding: BrandingOption = None,
    format: FormatOption = None,
    cell_timeout: CellTimeoutOption = DEFAULT_CELL_TIMEOUT,
    language: LanguageOption = None,
) -> None:
    """Render the progress report of one PMO between two waves (HTML, PDF, executed notebook, slide deck).

    The answers come from a responses file with a wave column (--responses, --organisation, --pmo) or from the
    assessment store (--store and --pmo ID; the two waves' answers are exported to the user's cache, never into
    the report folder). Per dimension it shows the change with its 95% confidence interval, and whether the change
    is meaningful (the interval excludes 0 and the change is at least --min-change points).
    """
    from ..assessment.progress_report import progress_input
    from ..reports.branding import load_branding
    from ..reports.spec import progress_spec

    if (responses is None) == (store_url is None) or (responses is not None and organisation is None) or (
            store_url is not None and pmo is None):
        usage("give --responses FILE --organisation NAME [--pmo NAME], or --store URL --pmo ID")
    check_folder(out)
    if branding is not None:
        load_branding(branding)
    earlier = earlier_instrument = None
    anonymous = False
    if store_url is not None:
        pmo_id = pmo
        organisation, pmo, responses, earlier, instrument, earlier_instrument, stored, from_wave, to_wave = (
            _stored_waves(store_url, pmo, from_wave, to_wave, instrument))
        anonymous = _stored_anonymous(store_url, pmo_id, (from_wave, to_wave))
        engagement = engagement or stored
    data = progress_input(responses, organisation, pmo, instrument=instrument, from_wave=from_wave, to_wave=to_wave,
                          earlier_responses=earlier, earlier_instrument=earlier_instrument, engagement=engagement,
                          min_change=min_change, min_group_size=min_group_size,
                          anonymous=anonymous)  # every problem, exit 2
    spec = progress_spec(responses, organisation, data.pmo, from_wave=data.progress.waves[0],
                         to_wave=data.progress.waves[1], earlier_responses=earlier, instrument=instrument,
                         earlier_instrument=earlier_instrument, engagement=engagement, min_change=min_change,
                         min_group_size=min_group_size, branding=branding, anonymous=anonymous, language=language)
    run_reports([spec], out, formats(format, ("html", "ipynb")), jobs=1, force=True, index=False,
                cell_timeout=cell_timeout)


def _stored_waves(store_url: str, pmo: str, from_wave: str | None, to_wave: str | None, instrument: str):
    """The two waves of a stored PMO exported to the user's cache: organisation, PMO name, the later and the
    earlier wave's files, their instruments, the later wave's engagement file and the two labels."""
    import pandas as pd

    from ..store import Store
    from ..store.files import input_folder, report_input

    try:
        pmo_id = int(pmo)
    except ValueError:
        usage(f"--pmo: with --store, give the PMO's id (a number; see 'pmo-workbench store list'), not {pmo!r}")
    with Store(store_url, create=False) as store:
        table = store.assessments()
        mine = table[table["pmo_id"] == pmo_id] if "pmo_id" in table else table.iloc[0:0]
        if mine.empty:
            known = sorted({int(i) for i in table["pmo_id"]}) if "pmo_id" in table else []
            usage(f"--pmo: the store has no PMO {pmo_id}; its PMOs are {', '.join(map(str, known)) or 'none'}")
        mine = mine.assign(_start=pd.to_datetime(mine["fieldwork_start"]), _on=pd.to_datetime(mine["assessed_on"]))
        mine = mine.sort_values(["_start", "_on", "assessment_id"], na_position="last", kind="stable")
        name = f"PMO {pmo_id} ({mine['pmo'].iloc[0]} of {mine['organisation'].iloc[0]})"
        for option, wave in (("--from", from_wave), ("--to", to_wave)):
            empty = mine[mine["wave"].astype(str).eq(str(wave)) & mine["answers"].eq(0)]
            if wave is not None and len(empty):
                usage(f"{option}: wave {wave!r} of {name} (assessment {int(empty['assessment_id'].iloc[0])}) has no "
                      "answers yet")
        unanswered = mine[mine["answers"].eq(0)]
        mine = mine[mine["answers"].gt(0)]  # a wave opened for invitations, nobody answered yet: not a wave to compare
        labels = [str(w) for w in mine["wave"]]
        if len(labels) < 2:
            waves = f"one wave only ({labels[0]})" if labels else "no wave with answers"
            empty = "".join(f"; assessment {int(a)} (wave {w}) has no answers yet"
                            for a, w in zip(unanswered["assessment_id"], unanswered["wave"]))
            usage(f"{name} has {waves}{empty}; a progress report compares two")
        for option, wave in (("--from", from_wave), ("--to", to_wave)):
            if wave is not None and wave not in labels:
                usage(f"{option}: {name} has no wave {wave!r}; its waves are {', '.join(labels)}")
        # by default the two latest waves with answers (a wave just opened for invitations has none yet)
        answered = [w for w, n in zip(labels, mine["answers"]) if int(n) > 0]
        later = to_wave if to_wave is not None else (answered or labels)[-1]
        before = labels[:labels.index(later)]
        earlier = from_wave if from_wave is not None else ([w for w in before if w in answered] or before
                                                           or [None])[-1]
        if earlier is None or labels.index(earlier) >= labels.index(later):
            usage(f"--from names the earlier wave and --to the later: {name} has waves {', '.join(labels)}")
        ids = dict(zip(labels, mine["assessment_id"].astype(int)))
        for wave in (earlier, later):
            if wave not in answered:
                usage(f"wave {wave} (assessment {ids[wave]}) of {name} has no answers yet; its waves with answers "
                      f"are {', '.join(answered) or 'none'} (choose two with --from and --to)")
        folder = input_folder(store.url)
        given_later = report_input(store, ids[later], folder, instrument=instrument)
        given_earlier = report_input(store, ids[earlier], folder)
    stored = getattr(given_later, "engagement", None)
    return (str(mine["organisation"].iloc[0]), str(mine["pmo"].iloc[0]), given_later.responses,
            given_earlier.responses, given_later.instrument, given_earlier.instrument, stored, earlier, later)


def _stored_anonymous(store_url: str, pmo: str, waves: tuple[str, str]) -> bool:
    """Whether the store holds either of the PMO's two waves as anonymous: its minimum group size of 5 holds
    whatever engagement file the user gives (that file may add the steps done, never lift the anonymity)."""
    from ..store import Store

    with Store(store_url, create=False) as store:
        table = store.assessments()
        mine = table[(table["pmo_id"] == int(pmo)) & table["wave"].astype(str).isin(waves)]
        return any(store.survey(int(i))[0] == "anonymous" for i in mine["assessment_id"])


def _stored_wave(store, assessment: int, wave: str | None) -> tuple[str | None, str | None]:
    """The report's file name and wave for stored assessment ``assessment``: a PMO with several waves gets
    ``<organisation>-<pmo>-<wave>-positioning`` (so the reports of its waves never overwrite each other, and the
    overview finds each), one with a single wave the name without it. Exit 2 when ``wave`` is not the assessment's."""
    from ..reports.spec import wave_report_name

    info = store.assessment(assessment)
    listed = store.assessments()
    mine = listed[listed["pmo_id"] == info["pmo_id"]]
    if wave is not None and wave != info["wave"]:
        waves = ", ".join(f"{w} = assessment {a}" for a, w in mine[["assessment_id", "wave"]].itertuples(index=False))
        usage(f"assessment {assessment} is wave '{info['wave']}', not '{wave}' (the PMO's waves: {waves})")
    if len(mine) < 2:
        return None, wave
    return wave_report_name("positioning", info["organisation"], info["pmo"], info["wave"]), info["wave"]


# --- competency: a cohort's report and each person's own profile ------------------------------------------------

RatingsArgument = Annotated[Path, typer.Argument(help="Competency ratings file (.csv, .xlsx), long or wide form.")]
CohortOrganisationOption = Annotated[str, typer.Option("--organisation", "-o", help="The organisation, as named "
                                                                                    "in the ratings.")]
CohortOption = Annotated[str, typer.Option("--cohort", "-c", help="The cohort, as named in the ratings.")]
CompetencyInstrumentOption = Annotated[str, typer.Option(
    "--instrument", "-i", help="Built-in competency instrument id (pm-competency) or path to its YAML file.")]
CompetencyEngagementOption = Annotated[Path | None, typer.Option(
    "--engagement", help="The organisation's engagement file (client, logos, and its competency: required: edits "
                         "of the required profile).")]


@report_app.command("competency")
def report_competency_command(
    ratings: RatingsArgument,
    organisation: CohortOrganisationOption,
    cohort: CohortOption,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    instrument: CompetencyInstrumentOption = "pm-competency",
    engagement: CompetencyEngagementOption = None,
    branding: BrandingOption = None,
    format: FormatOption = None,
    cell_timeout: CellTimeoutOption = DEFAULT_CELL_TIMEOUT,
    language: LanguageOption = None,
) -> None:
    """Render the competency report of one cohort of project managers (HTML, PDF, executed notebook, slide deck,
    Word): the heat map of areas by process group, the distribution per area, the ranked training needs, self
    against others. It names nobody; a cohort of fewer people than the instrument's minimum is refused."""
    from ..assessment.competency_report import competency_input
    from ..reports.branding import load_branding
    from ..reports.spec_competency import competency_spec

    check_folder(out)
    competency_input(ratings, organisation, cohort, instrument=instrument, engagement=engagement)  # exit 2 now
    if branding is not None:
        load_branding(branding)
    spec = competency_spec(ratings, organisation, cohort, instrument=instrument, engagement=engagement,
                           branding=branding, language=language)
    run_reports([spec], out, formats(format, ("html", "ipynb")), jobs=1, force=True, index=False,
                cell_timeout=cell_timeout)


@report_app.command("profile")
def report_profile_command(
    ratings: RatingsArgument,
    organisation: CohortOrganisationOption,
    cohort: CohortOption,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report(s) into.")],
    subject: Annotated[str | None, typer.Option("--subject", "-s", help="The person, as named in the ratings.")
                       ] = None,
    every: Annotated[bool, typer.Option("--all", help="One profile per person of the cohort (instead of "
                                                      "--subject), and an index of them.")] = False,
    instrument: CompetencyInstrumentOption = "pm-competency",
    engagement: CompetencyEngagementOption = None,
    library: Annotated[Path | None, typer.Option("--library", help="Development library YAML (default: the "
                                                                   "built-in one).")] = None,
    branding: BrandingOption = None,
    format: FormatOption = None,
    jobs: JobsOption = None,
    cell_timeout: CellTimeoutOption = DEFAULT_CELL_TIMEOUT,
    language: LanguageOption = None,
) -> None:
    """Render a person's own competency profile (HTML, PDF, executed notebook, slide deck, Word), confidential to
    them: their ratings against the required level, blind spots and hidden strengths, development suggestions. With
    --all, one profile per person of the cohort."""
    from ..assessment.competency_library import load_development_library
    from ..assessment.competency_report import competency_input
    from ..reports.branding import load_branding
    from ..reports.spec_competency import profile_spec

    if (subject is None) == (not every):
        usage("give --subject NAME for one person, or --all for everyone of the cohort")
    check_folder(out)
    data = competency_input(ratings, organisation, cohort, instrument=instrument, engagement=engagement,
                            subject=subject, cohort_report=False)  # every problem, exit 2; each report its own
    if library is not None:
        load_development_library(library, instrument=data.instrument)
    if branding is not None:
        load_branding(branding)
    subjects = [data.subject] if subject is not None else [str(s) for s in data.people["subject"]]
    specs = [profile_spec(ratings, organisation, cohort, person, instrument=instrument, engagement=engagement,
                          library=library, branding=branding, language=language) for person in subjects]
    run_reports(specs, out, formats(format, ("html", "ipynb")), jobs=jobs if every else 1, force=True, index=every,
                cell_timeout=cell_timeout, language=language)
