"""Commands on questionnaires and answers: ``instruments``, ``validate``, ``score``, ``template responses``."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._io import neutralise_frame
from .._values import MISSING, count, fmt
from ..assessment.instrument import Instrument, builtin_instruments, load_instrument
from ..assessment.intake import write_responses_template
from ..assessment.positioning import DEFAULT_GAP_THRESHOLD, DEFAULT_MIN_GROUP_SIZE
from ..assessment.responses import read_responses, read_responses_file
from ..assessment.narrative import agreement_label
from ..assessment.results import AssessmentResults, assess
from ..assessment.scoring import ALPHA_LOW
from ..errors import StoreError
from .app import (
    CONTEXT,
    AssessmentsOption,
    EngagementOption,
    Form,
    InstrumentOption,
    OutFileOption,
    ResponsesArgument,
    StoreUrlOption,
    TargetsOption,
    WaveOption,
    app,
    check_out,
    chosen_wave,
    console,
    emit,
    template_app,
    template_target,
    usage,
)
from .portfolio import AsOfOption


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def load(responses: Path, instrument: str) -> tuple[Instrument, pd.DataFrame]:
    """The instrument and the validated answers of a responses file."""
    ins = load_instrument(instrument)
    return ins, read_responses(responses, ins)


def _load_stored(url: str, assessments: list[int] | None, instrument: str,
                 wave: str | None = None, left_out: str = "not scored") -> tuple[Instrument, pd.DataFrame]:
    """The instrument and tidy answers of stored assessments; a custom instrument is given with --instrument.
    With ``wave`` and no assessment named, the assessments of that wave only (so the instrument versions of
    other waves do not matter). An assessment without answers that was not named is left out with a note on
    stderr ending in ``left_out``; exit 2 when every one taken has none."""
    from ..store import Store
    from ..store.files import assessment_instrument

    with Store(url, create=False) as store:
        ids = list(assessments) if assessments else None
        listed = store.assessments()
        if listed.empty:
            raise StoreError(f"{store.shown_url} holds no assessment yet")
        if ids is None and wave is not None:
            in_wave = listed[listed["wave"] == wave]
            if len(in_wave):  # every PMO's assessment of that wave: those without answers left out, as below
                _check_answered(in_wave, left_out)
                ids = [int(a) for a in in_wave.loc[in_wave["answers"].gt(0), "assessment_id"]]
        if ids:
            _check_named(listed[listed["assessment_id"].isin(ids)])
        else:
            _check_answered(listed, left_out)
        ins, _ = assessment_instrument(store, ids[0] if ids else int(listed["assessment_id"].iloc[0]), instrument)
        return ins, store.responses(ids)


def _check_answered(listed: pd.DataFrame, left_out: str = "not scored") -> None:
    """Every assessment taken (none named): exit 2 when none has answers yet; name on stderr each PMO left out
    because none of its assessments has any, and each assessment without answers of a PMO that is scored on an
    earlier wave (its latest with answers)."""
    from ..store.files import require_answers

    if int(listed["answers"].max()) == 0:
        require_answers(*listed.to_dict("records"))
    for _, waves in listed.groupby("pmo_id", sort=False):
        answered = waves[waves["answers"].gt(0)]
        for row in waves[waves["answers"].eq(0)].itertuples(index=False):
            said = left_out if answered.empty else f"{left_out}; its PMO has answers in wave(s) " + \
                ", ".join(map(str, answered["wave"]))
            typer.echo(f"note: assessment {row.assessment_id} ({row.pmo} of {row.organisation}, wave {row.wave}) "
                       f"has no answers yet: {said}", err=True)


def _check_named(named: pd.DataFrame) -> None:
    """Exit 2 when the assessments named include two waves of one PMO (each is scored on its own) or one
    without answers (a wave just opened)."""
    for _, waves in named.groupby("pmo_id", sort=False):
        if len(waves) > 1:
            first = waves.iloc[0]
            listed = ", ".join(f"{a} (wave {w})" for a, w in waves[["assessment_id", "wave"]].itertuples(index=False))
            usage(f"assessments {listed} are waves of one PMO ({first['pmo']} of {first['organisation']}); score one "
                  "at a time (a progress report compares two waves)")
    from ..store.files import require_answers

    require_answers(*named.to_dict("records"))


def _wave_ids(url: str, frame: pd.DataFrame) -> list[int]:
    """The ids of the stored assessments (waves) whose answers ``frame`` holds."""
    from ..store import Store

    if frame.empty:
        return []
    keys = set(zip(frame["organisation"].astype(str), frame["pmo"].astype(str), frame["wave"].astype(object)))
    with Store(url, create=False) as store:
        listed = store.assessments()
    return [int(r.assessment_id) for r in listed.itertuples() if (r.organisation, r.pmo, r.wave) in keys]


def _stored_engagement(url: str, assessments: list[int] | None):
    """What the store records of each assessment's PMO (target, context, evidence), as engagement entries."""
    from ..assessment.engagement import Engagement
    from ..store import Store

    with Store(url, create=False) as store:
        ids = list(assessments) if assessments else [int(a) for a in store.assessments()["assessment_id"]]
        entries = [e for e in (store.engagement(a) for a in ids) if e is not None]
    seen, unique = set(), []
    for entry in entries:  # a PMO assessed more than once: the first listed (the store lists the latest first)
        if (entry.organisation, entry.pmo) not in seen:
            seen.add((entry.organisation, entry.pmo))
            unique.append(entry)
    return Engagement(pmos=tuple(unique))


instruments_app = typer.Typer(help="List the built-in instruments; check an instrument's texts in a language.",
                              invoke_without_command=True, context_settings=CONTEXT)
app.add_typer(instruments_app, name="instruments")
LanguageOption = Annotated[str | None, typer.Option(
    "--language", "-l", help="Language of the texts (en, de); default English.", show_default=False)]


@instruments_app.callback()
def instruments_command(ctx: typer.Context) -> None:
    """List the built-in instruments (``instruments check ID_OR_FILE --language de`` checks a translation)."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="Built-in instruments (give the name to --instrument)")
    for column in ("name", "version", "title", "dimensions", "items", "types", "file"):
        table.add_column(column, no_wrap=column == "name")
    for name, path in builtin_instruments().items():
        ins = load_instrument(path, language="en")
        table.add_row(name, ins.version, Text(ins.title), str(len(ins.dimensions)), str(len(ins.items)),
                      ", ".join(t.id for t in ins.types), str(path))
    console().print(table)
    from ..assessment.competency import builtin_competency_instruments, load_competency_instrument

    people = Table(title="Built-in competency instruments (give the name to 'competency ... --instrument')")
    for column in ("name", "version", "title", "areas", "items", "job levels", "file"):
        people.add_column(column, no_wrap=column == "name")
    for name, path in builtin_competency_instruments().items():
        ins = load_competency_instrument(path, language="en")
        people.add_row(name, ins.version, Text(ins.title), str(len(ins.areas)), str(len(ins.items)),
                       ", ".join(ins.level_ids), str(path))
    console().print(people)


@instruments_app.command("check")
def instruments_check_command(
    instrument: Annotated[str, typer.Argument(help="Built-in instrument id (pmo-core, pmo-core@1.0) or path to an "
                                                   "instrument YAML file.")],
    language: Annotated[str, typer.Option("--language", "-l", help="The language to check, e.g. de.")],
) -> None:
    """List the texts of an instrument missing in a language, with their lines; exit 2 when any is missing.

    Each missing text goes to stderr as ``path:row:column: message``; a complete language gives a one-line
    summary and exit 0. A plain-string text counts as written in the instrument's default language only.
    """
    from ..assessment.instrument import instrument_path
    from ..assessment.instrument_texts import check_texts, normal_code

    code = normal_code(language)
    if code is None:
        usage(f"--language {language!r} is not a language code; give one such as en or de")
    from ..assessment.competency import competency_path, load_competency_instrument
    from ..errors import InstrumentNotFoundError

    try:
        path = instrument_path(instrument)
    except InstrumentNotFoundError:
        path = competency_path(instrument)  # not a competency instrument either: the error names both kinds
    found = check_texts(path, code)
    declared = ", ".join(found.languages)
    if found.missing:
        for line in found.lines():
            typer.echo(line, err=True)
        hint = "" if code in found.languages else f"; {code} is not among its languages ({declared})"
        typer.echo(f"{len(found.missing)} of {count(found.total, 'text')} of {path.name} have no {code} "
                   f"version{hint}", err=True)
        raise typer.Exit(2)
    from .._yaml import load_yaml

    data, _ = load_yaml(path)  # complete: the file must also load in that language
    competency = isinstance(data, dict) and data.get("kind") == "competency"
    ins = (load_competency_instrument if competency else load_instrument)(path, language=code)
    typer.echo(f"{ins.id} {ins.version}: {count(found.total, 'text')}, every one in {code} "
               f"(languages: {declared})")


@app.command("validate")
def validate_command(
    responses: Annotated[Path, typer.Argument(help="Responses file (.csv, .xlsx), long or wide form.")],
    instrument: InstrumentOption = "pmo-core",
) -> None:
    """Check a responses file against an instrument; report every problem at once."""
    ins = load_instrument(instrument)
    read = read_responses_file(responses, ins)
    frame = read.frame
    people = frame.drop_duplicates(["organisation", "wave", "respondent"])  # one person each wave they answer
    pmos = frame.drop_duplicates(["organisation", "pmo"])
    # rows a respondent's role is not asked (blank cells of a wide file) are not "unanswered"
    asked = ins.asked.stack().reindex(pd.MultiIndex.from_arrays([frame["role"].astype(object),
                                                                 frame["item"].astype(object)])).to_numpy(bool)
    dont_know = int(frame["dont_know"].sum())
    unanswered = int((frame["value"].isna() & ~frame["dont_know"] & asked).sum())
    typer.echo(
        f"{read.where}: valid for {ins.id} {ins.version}: "
        f"{count(frame['value'].notna().sum(), 'answer')} from "
        f"{count(len(people), 'respondent')}, {count(frame['organisation'].nunique(), 'organisation')}, "
        f"{count(len(pmos), 'PMO')}; {dont_know} don't know, {unanswered} explicitly unanswered"
        + _waves_said(people)
    )


def _waves_said(people: pd.DataFrame) -> str:
    """``; 2 waves: 2025 (9 respondents), 2026 (10)`` for a file with a wave column (empty otherwise)."""
    named = people[people["wave"].notna()]
    if named.empty:
        return ""
    sizes = named.groupby(named["wave"].astype(str), sort=True).size()
    parts = [f"{w} ({count(n, 'respondent') if i == 0 else n})" for i, (w, n) in enumerate(sizes.items())]
    return f"; {count(len(sizes), 'wave')}: {', '.join(parts)}"


@app.command("score")
def score_command(
    responses: ResponsesArgument = None,
    instrument: InstrumentOption = "pmo-core",
    store_url: StoreUrlOption = None,
    assessment: AssessmentsOption = None,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = ScoreFormat.table,
    out: OutFileOption = None,
    min_group_size: Annotated[int, typer.Option(min=1, help="Hide role groups smaller than this.")] = (
        DEFAULT_MIN_GROUP_SIZE),
    gap_threshold: Annotated[float, typer.Option(min=0, help="Flag role gaps above this many points.")] = (
        DEFAULT_GAP_THRESHOLD),
    engagement: EngagementOption = None,
    targets: TargetsOption = None,
    portfolio: Annotated[Path | None, typer.Option(
        "--portfolio", "-p", help="One organisation's portfolio workbook (.xlsx) or CSV folder: its evidence is "
                                  "set beside the perception (JSON: the \"evidence\" block).")] = None,
    as_of: AsOfOption = None,
    organisation: Annotated[str | None, typer.Option(
        "--organisation", "-o", help="The organisation the portfolio belongs to (needed when the answers hold "
                                     "several).")] = None,
    wave: WaveOption = None,
) -> None:
    """Score, position and advise every PMO in a responses file (or in the assessment store).

    With --portfolio the evidence of the organisation's portfolio is set beside its PMOs' perceived maturity.
    """
    from ..assessment.engagement import engagement_inputs

    check_out(out)
    if (responses is None) == (store_url is None):
        usage("give a responses file, or --store URL [--assessment ID]")
    if portfolio is None and (as_of is not None or organisation is not None):
        usage("--as-of and --organisation go with --portfolio")
    if portfolio is not None and format is ScoreFormat.csv:
        usage("--portfolio adds the portfolio evidence, which the CSV output (one row per PMO and dimension) does "
              "not carry: use --format json or --format table with --portfolio, or leave --portfolio out")
    entries = chosen = None
    if store_url is not None:
        ins, frame = _load_stored(store_url, assessment, instrument, wave)
        frame = chosen_wave(frame, wave, where=store_url)  # the targets of the waves scored, below
        entries = _stored_engagement(store_url, _wave_ids(store_url, frame) or assessment)
        chosen = entries.targets("store")
        if engagement is not None or targets is not None:
            given, _, given_targets = engagement_inputs(Path(store_url), frame, ins, engagement=engagement,
                                                        targets=targets)
            entries = given or entries
            chosen = {**chosen, **(given_targets or {})}
    else:
        ins, frame = load(responses, instrument)
        entries, _, chosen = engagement_inputs(responses, frame, ins, engagement=engagement, targets=targets)
    frame = chosen_wave(frame, wave, where=str(responses if responses is not None else store_url))
    results = assess(frame, ins, min_group_size=min_group_size, gap_threshold=gap_threshold, engagement=entries,
                     targets=chosen)
    found = None if portfolio is None else _evidence(results, portfolio, as_of, organisation, min_group_size)
    for a in results.assessments:
        if a.self_respondents and a.self_respondents == a.respondents:
            typer.echo(f"warning: {a.pmo} of {a.organisation}: only its own staff answered; its scores are a "
                       "self-assessment", err=True)
    if format is ScoreFormat.json:
        document = results.to_dict() | ({} if found is None else {"evidence": found.to_dict()})
        emit(out, json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    elif format is ScoreFormat.csv:
        emit(out, neutralise_frame(dimension_rows(results)).to_csv(index=False, lineterminator="\n"))
    else:
        emit(out, table=lambda shown: (print_results(results, shown), found and print_evidence(found, shown)))


def _evidence(results: AssessmentResults, portfolio: Path, as_of, organisation: str | None, min_group_size: int):
    """The portfolio evidence beside the assessed PMOs of the organisation the portfolio belongs to."""
    from ..portfolio import read_portfolio
    from ..reports.evidence import evidence_for

    read_portfolio(portfolio)  # every problem of the workbook, located, before anything else
    names = list(dict.fromkeys(a.organisation for a in results.assessments))
    if organisation is None:
        if len(names) > 1:
            usage(f"the answers hold {len(names)} organisations ({', '.join(names)}): name the portfolio's with "
                  "--organisation")
        organisation = names[0]
    elif organisation not in names:
        usage(f"--organisation {organisation!r} has no answers; the answers hold {', '.join(names)}")
    pmos = [a for a in results.assessments if a.organisation == organisation]
    return evidence_for(pmos, portfolio, as_of=as_of.date() if as_of else None, organisation=organisation,
                        min_group_size=min_group_size)


@template_app.command("responses")
def template_responses_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .xlsx or .csv.")],
    form: Annotated[Form, typer.Option("--form", help="long: one answer per row; wide: one row per respondent.")] = (
        Form.wide),
    instrument: InstrumentOption = "pmo-core",
    language: LanguageOption = None,
) -> None:
    """Write a blank responses intake file for an instrument, its items and instructions in --language (the column
    names, role ids and answer codes stay as they are: the file is read back by them)."""
    code = template_target(out, language)
    ins = load_instrument(instrument, language=code)
    typer.echo(str(write_responses_template(ins, form.value, out, language=code)))


# -- presentation ------------------------------------------------------------

def dimension_rows(results: AssessmentResults) -> pd.DataFrame:
    """One row per PMO x dimension with the PMO's type and overall score (the CSV output)."""
    frames = []
    for a in results.assessments:
        dims = a.dimensions.drop(columns=["label", "pmo_role", "weight", "std", "alpha_k"])
        dims.insert(0, "organisation", a.organisation)
        dims.insert(1, "pmo", a.pmo)
        dims.insert(2, "pmo_level", a.pmo_level)
        dims.insert(3, "type", a.type.type)
        dims.insert(4, "type_certainty", a.type.certainty)
        dims.insert(5, "target", None if a.type.target is None else a.type.target.id)
        dims.insert(6, "overall_score", a.overall_score)
        dims.insert(7, "overall_level", a.overall_level)
        frames.append(dims)
    frame = pd.concat(frames, ignore_index=True)
    frame["split_items"] = frame["split_items"].map(" ".join)
    numeric = ["overall_score", "score", "ci_low", "ci_high", "rwg_j", "rwg_star_j", "ad_m", "alpha",
               "score_customers", "customers_ci_low", "customers_ci_high", "score_self"]
    frame[numeric] = frame[numeric].astype(float).round(2)
    return frame


def print_summary(results: AssessmentResults, out: Console) -> None:
    """The table of every PMO: type (and whether it is firm), overall score, maturity, target and what it needs."""
    table = Table(title=f"PMO positioning ({results.instrument.id} {results.instrument.version})")
    for column, justify in (("organisation", "left"), ("PMO", "left"), ("level", "left"), ("resp.", "right"),
                            ("type", "left"), ("overall", "right"), ("maturity", "right"), ("target", "left")):
        table.add_column(column, justify=justify, no_wrap=column in ("organisation", "PMO"))
    table.add_column("what the target needs")
    for a in results.assessments:
        t = a.type
        kind = t.label + (" (borderline)" if t.certainty == "borderline" else "")
        if t.target is None:
            target, path = MISSING, "no target set"
        else:
            target = f"{t.target.id} ({t.target.source})"
            path = "reached: work on maturity within the type" if t.target_reached else ", ".join(
                f"{d} +{fmt(v)}" if v is not None else f"{d} (no score)" for d, v in t.to_target.items())
        table.add_row(Text(a.organisation), Text(a.pmo), a.pmo_level or "", str(a.respondents), kind,
                      fmt(a.overall_score), str(a.overall_level or MISSING), target, path)
    out.print(table)


def print_evidence(found, out: Console) -> None:
    """The portfolio evidence beside each PMO's perceived maturity, one table per PMO."""
    from ..reports.evidence import VERDICT_WORDS

    for e in found.pmos:
        table = Table(title=Text(f"{found.organisation} / {e.pmo}: portfolio evidence ({e.note})"))
        for column in ("dimension", "score", "level", "agreement", "perceived", "count", "out of",
                       "what the portfolio shows", "verdict"):
            table.add_column(column, justify="right" if column in ("score", "level", "count", "out of") else "left")
        for r in e.rows.itertuples(index=False):
            table.add_row(Text(r.label), fmt(r.score), fmt(r.level, 0), r.agreement or MISSING, r.perceived,
                          fmt(r.count, 0), fmt(r.out_of, 0), Text(r.sentence), VERDICT_WORDS[r.verdict])
        out.print(table)
    for note in found.coverage_notes():
        out.print(Text(note))


def print_results(results: AssessmentResults, out: Console) -> None:
    """The summary, then each PMO's dimensions and first next steps."""
    print_summary(results, out)
    for a in results.assessments:
        table = Table(title=Text(f"{a.organisation} / {a.pmo}: dimensions"))
        for column in ("dimension", "score", "95% CI", "level", "resp.", "customers", "r*wg(J)", "AD", "agreement",
                       "alpha", "largest role gap"):
            table.add_column(column, justify="left" if column in ("dimension", "agreement", "largest role gap")
                             else "right")
        gaps = a.perception.gaps.set_index("dimension")
        for r in a.dimensions.itertuples(index=False):
            g = gaps.loc[r.dimension]
            gap = "" if pd.isna(g["gap"]) else (
                f"{g['high_role']} vs {g['low_role']}: {g['gap']:.1f}" + (" (flagged)" if g["flagged"] else ""))
            ci = MISSING if pd.isna(r.ci_low) else f"{fmt(r.ci_low)} to {fmt(r.ci_high)}"
            alpha = fmt(r.alpha, 2) + (" (low)" if pd.notna(r.alpha) and r.alpha < ALPHA_LOW else "")
            table.add_row(Text(r.label), fmt(r.score), ci, MISSING if pd.isna(r.level) else str(r.level),
                          str(r.respondents), fmt(r.score_customers), fmt(r.rwg_star_j, 2), fmt(r.ad_m, 2),
                          agreement_label(r), alpha, Text(gap))
        out.print(table)
        if not a.recommendations.empty:
            out.print("Next steps:")
            for n, rec in enumerate(a.recommendations.head(5).itertuples(index=False), start=1):
                out.print(f"  {n}. [{rec.dimension}] {rec.title} (effort {rec.effort}, impact {rec.impact};"
                          f" {rec.reason})", markup=False, highlight=False)
