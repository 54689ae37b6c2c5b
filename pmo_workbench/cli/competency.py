"""Commands on project managers' competency ratings: ``competency validate``, ``competency score``, and the blank
ratings workbook, ``template competency``."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from .._io import neutralise_frame
from .._values import count
from .app import CONTEXT, OutFileOption, app, check_out, emit, template_app, template_target, usage

competency_app = typer.Typer(help="Check and score project managers' competency ratings (self, manager, peers).",
                             no_args_is_help=True, context_settings=CONTEXT)
app.add_typer(competency_app, name="competency")

RatingsArgument = Annotated[Path, typer.Argument(help="Ratings file (.csv, .xlsx), long or wide form.")]
CompetencyInstrumentOption = Annotated[str, typer.Option(
    "--instrument", "-i", help="Built-in competency instrument id (pm-competency) or path to its YAML file.")]
CohortOption = Annotated[str | None, typer.Option(
    "--cohort", "-c", help="Only this cohort.")]
OrganisationOption = Annotated[str | None, typer.Option(
    "--organisation", help="Only this organisation's cohorts.")]


class CompetencyFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _read(ratings: Path, instrument: str):
    from ..assessment.competency import load_competency_instrument
    from ..assessment.competency_responses import read_competency_responses

    ins = load_competency_instrument(instrument)
    return ins, read_competency_responses(ratings, ins)


@competency_app.command("validate")
def competency_validate_command(ratings: RatingsArgument,
                                instrument: CompetencyInstrumentOption = "pm-competency") -> None:
    """Check a ratings file against a competency instrument; report every problem at once."""
    ins, frame = _read(ratings, instrument)
    people = frame.drop_duplicates(["organisation", "cohort", "subject"])
    raters = frame.drop_duplicates(["organisation", "cohort", "subject", "rater"])
    by_role = raters["role"].astype(str).value_counts()
    typer.echo(f"{ratings}: valid for {ins.id} {ins.version}: {count(int(frame['value'].notna().sum()), 'rating')} "
               f"of {count(len(people), 'person', 'people')} in "
               f"{count(len(people.drop_duplicates(['organisation', 'cohort'])), 'cohort')}; "
               f"{int(by_role.get('self', 0))} self, {int(by_role.get('manager', 0))} manager and "
               f"{int(by_role.get('peer', 0))} peer rating sets; {int(frame['dont_know'].sum())} don't know")


@competency_app.command("score")
def competency_score_command(
    ratings: RatingsArgument,
    instrument: CompetencyInstrumentOption = "pm-competency",
    cohort: CohortOption = None,
    organisation: OrganisationOption = None,
    engagement: Annotated[Path | None, typer.Option(
        "--engagement", help="Engagement file whose 'competency: required:' block edits the required levels; "
                             "default: engagement.yaml beside the ratings.")] = None,
    format: Annotated[CompetencyFormat, typer.Option(
        "--format", "-f", help="table or json: each cohort's figures, no person named; csv: one row per person "
                               "and area (for the consultant: names people).")] = CompetencyFormat.table,
    out: OutFileOption = None,
) -> None:
    """Score competency ratings: each cohort's share below the required level and its ranked training needs.

    The engagement file's ``competency: required:`` block edits the instrument's required levels (default: the
    ``engagement.yaml`` beside the ratings, as the reports take it).
    """
    from ..assessment.competency import engagement_required
    from ..assessment.competency_scoring import score_competency
    from ..assessment.engagement import engagement_beside

    check_out(out)
    ins, frame = _read(ratings, instrument)
    for option, column, value in (("--organisation", "organisation", organisation), ("--cohort", "cohort", cohort)):
        if value is not None:
            known = list(dict.fromkeys(frame[column]))
            if value not in known:
                usage(f"{option} {value!r} has no ratings in {ratings}; its {column}s: {', '.join(known)}")
            frame = frame[frame[column] == value]
    if frame.empty:
        usage(f"--organisation {organisation!r} has no cohort {cohort!r} in {ratings}")
    engagement = engagement or engagement_beside(ratings)
    results = score_competency(frame, ins, required=engagement_required(engagement, ins))
    if format is CompetencyFormat.csv:
        table = results.profile.drop(columns=["n_self"]).round(3)
        emit(out, neutralise_frame(table).to_csv(index=False, lineterminator="\n"))
    elif format is CompetencyFormat.json:
        emit(out, json.dumps({"instrument": ins.spec, "cohorts": [_cohort_dict(results, o, c)
                                                                  for o, c in results.cohorts()]},
                             indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    else:
        emit(out, table=lambda shown: [_print_cohort(results, o, c, shown) for o, c in results.cohorts()])


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 3)


def _cohort_dict(results, organisation: str, cohort: str) -> dict:
    from ..assessment.competency_scoring import cohort_distribution, competency_summary, training_needs

    summary = competency_summary(results, organisation, cohort)
    out = {"organisation": organisation, "cohort": cohort, "people": summary["n_people"],
           "shown": summary["shown"]}
    if not summary["shown"]:
        out["why"] = f"fewer than {results.min_raters} people: figures would come close to one person's"
        return out
    dist = cohort_distribution(results, organisation, cohort)
    needs = training_needs(results, organisation, cohort)
    out |= {"meeting_every_required_level": summary["n_meeting_all"],
            "not_assessed_in_a_required_area": summary["n_not_assessed"], "share_of_requirements_met":
            _number(summary["share_met"]),
            "areas": [{"area": area, "label": r.label, "people": int(r.n), "mean": _number(r["mean"]),
                       "below_required": None if not r.shown else int(r.n_below),
                       "share_below": _number(r.share_below)} for area, r in dist.iterrows()],
            "training_needs": [{"rank": int(r["rank"]), "area": area, "label": r.label, "people_below": int(r.n_below),
                                "of": int(r.n_required), "mean_shortfall": _number(r.mean_shortfall)}
                               for area, r in needs.iterrows()]}
    return out


def _print_cohort(results, organisation: str, cohort: str, shown) -> None:
    document = _cohort_dict(results, organisation, cohort)
    if not document["shown"]:
        shown.print(Text(f"{organisation}, {cohort}: {count(document['people'], 'person', 'people')} rated; "
                         f"{document['why']}"))
        return
    people = count(document["people"], "person", "people")
    table = Table(title=Text(f"{organisation}, {cohort}: training needs ({people}, "
                             f"{document['meeting_every_required_level']} meeting every required level)"))
    for column in ("rank", "area", "people below required", "mean shortfall (points)"):
        table.add_column(column, justify="left" if column == "area" else "right")
    for need in document["training_needs"]:
        table.add_row(str(need["rank"]), Text(need["label"]), f"{need['people_below']} of {need['of']}",
                      f"(fewer than {results.min_raters} below)" if need["mean_shortfall"] is None
                      else f"{need['mean_shortfall']:.2f}")
    if not document["training_needs"]:
        table.add_row("", Text("nobody is below a required level"), "", "")
    shown.print(table)


@template_app.command("competency")
def template_competency_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .xlsx (or a bare .csv).")],
    instrument: CompetencyInstrumentOption = "pm-competency",
    people: Annotated[Path | None, typer.Option(
        "--people", "--cohort-file", help="Cohort file (name, email, job_level, manager, peers separated by ;): "
                                          "one row is filled in per rater and person rated.")] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", help="Organisation to fill in.")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort", "-c", help="Cohort to fill in.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Language of the texts (en, de).")] = None,
) -> None:
    """Write a blank competency ratings workbook: one column per item, one row per rater and person rated (with
    --people), what each point of the scale means per area, and the items not expected of a job level greyed.

    Column names, ids and codes stay as they are in every language: the file is read back by them
    (``competency validate``, ``competency score``, ``competency import``)."""
    from ..assessment.competency import load_competency_instrument
    from ..assessment.competency_intake import read_cohort, write_competency_template

    code = template_target(out, language)
    for name, value in (("--organisation", organisation), ("--cohort", cohort)):
        if value is not None and not value.strip():
            usage(f"{name} {value!r} is blank; give a name")
        if value is not None and any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value):
            usage(f"{name} {value!r}: expected a name without control characters")
    ins = load_competency_instrument(instrument, language=code)
    cohort_people = read_cohort(people, ins) if people is not None else None
    typer.echo(str(write_competency_template(ins, out, people=cohort_people, organisation=organisation,
                                             cohort=cohort, language=code)))


# -- the store -----------------------------------------------------------------------------------------------

CompetencyIdOption = Annotated[list[int] | None, typer.Option(
    "--assessment", "-a", help="Competency assessment id (repeat for several; default: every one).")]


def _store(db: str | None, *, create: bool = True):
    from .store import _open_store

    return _open_store(db, create=create)


@competency_app.command("import")
def competency_import_command(
    ratings: RatingsArgument,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file (default: $PMO_WORKBENCH_DB, "
                                                        "else workbench.db in the user data folder).")] = None,
    instrument: CompetencyInstrumentOption = "pm-competency",
) -> None:
    """Import a ratings file into the store; importing the same file again changes nothing.

    Ratings go to the competency assessment of their organisation and cohort (created when new); a blank value
    keeps what is stored."""
    ins, _ = _read(ratings, instrument)  # every problem reported before the database is opened
    with _store(db) as store:
        result = store.import_competency(ratings, ins)
        typer.echo(f"{ratings} -> {store.shown_url}: {count(len(result.assessments), 'competency assessment')} "
                   f"({', '.join(map(str, result.assessments))}), {count(result.people_added, 'person', 'people')} "
                   f"and {count(result.raters_added, 'rater')} added; ratings: {result.ratings_added} added, "
                   f"{result.ratings_changed} changed, {result.ratings_unchanged} unchanged")


@competency_app.command("export")
def competency_export_command(
    out: Annotated[Path, typer.Argument(help="File to write: .csv or .xlsx.")],
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
    assessment: CompetencyIdOption = None,
    form: Annotated[str, typer.Option("--form", help="wide: one row per rater and person rated (no comments); "
                                                     "long: one rating per row (with comments).")] = "wide",
    instrument: Annotated[str | None, typer.Option(
        "--instrument", "-i", help="YAML file of a custom (not built-in) competency instrument.")] = None,
) -> None:
    """Write stored ratings as a ratings file (the format `competency validate` and `score` read)."""
    from ..assessment.competency import load_competency_instrument

    check_out(out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        usage(f"the file to write must end in .csv or .xlsx, got '{out.name}'")
    if form not in ("wide", "long"):
        usage(f"--form must be wide or long, got '{form}'")
    given = load_competency_instrument(instrument) if instrument is not None else None
    with _store(db, create=False) as store:
        if given is not None:
            store.use_competency_instrument(given)
        written = store.export_competency(out, competency_id=assessment or None, form=form)
    typer.echo(str(written))


@competency_app.command("list")
def competency_list_command(
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
) -> None:
    """List the stored competency assessments (one per organisation and cohort)."""
    from .app import console
    from .store import shown

    with _store(db, create=False) as store:
        frame = store.competency_assessments()
        url = store.shown_url
    if frame.empty:
        typer.echo(f"{url}: no competency assessments yet (import a ratings file with `pmo-workbench competency "
                   "import`)")
        return
    table = Table(title=Text(f"Competency assessments in {url}"))
    for column in ("id", "organisation", "cohort", "instrument", "status", "people", "raters", "ratings"):
        table.add_column(column, justify="right" if column in ("id", "people", "raters", "ratings") else "left")
    for r in frame.itertuples(index=False):
        table.add_row(str(r.competency_id), Text(shown(r.organisation)), Text(shown(r.cohort)),
                      f"{r.instrument_id} {r.instrument_version}", r.status, str(r.people), str(r.raters),
                      str(r.ratings))
    console().print(table)


COMPETENCY_LINK_COLUMNS = ("subject", "rater", "role", "email", "link")  # cli/invitations.py knows this header
"""The columns of the competency invitations CSV (a mail merge's input): one row per rater and person rated."""

CompetencyArgument = Annotated[int, typer.Argument(help="Competency assessment id (`competency list` shows them).",
                                                   show_default=False)]
CompetencyBaseUrlOption = Annotated[str, typer.Option(
    "--base-url", help="Address at which raters reach `pmo-workbench serve`; each link is BASE_URL/c/TOKEN.",
    show_default=False)]
CompetencyForceOption = Annotated[bool, typer.Option(
    "--force", help="Overwrite an existing links file (the working links it holds are lost: only their hashes are "
                    "stored; `competency remind` issues fresh ones).")]


class _NothingToWrite(Exception):
    """No link was issued: no file to write."""


def _write_links(tmp: Path, url: str, issued: list) -> None:
    """Write the links of ``issued`` to ``tmp`` completely, on disk (fsync) before the store commits them."""
    import os

    from .invitations import _write_rows

    _write_rows(tmp, COMPETENCY_LINK_COLUMNS, [
        {"subject": i.pair.subject, "rater": i.pair.rater, "role": i.pair.role, "email": i.pair.rater_email,
         "link": f"{url}/c/{i.token}"} for i in issued])
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())


def _issue_to(out: Path, url: str, issue) -> list:
    """Call ``issue(before_commit)`` with a writer of the links to a temporary file beside ``out``: the store
    commits only once the file is written, and ``out`` appears only once the store has committed."""
    from .._io import atomic_path

    issued: list = []
    try:
        with atomic_path(out, mode=0o600) as tmp:
            issued = issue(lambda found: _write_links(tmp, url, found))
            if not issued:
                raise _NothingToWrite
    except _NothingToWrite:
        pass
    return issued


def _check_builtin(store, assessment: int) -> dict:
    """The assessment's fields; a usage error when its instrument is not a built-in one (the rater's page
    shows built-in competency instruments only)."""
    from ..assessment.competency import builtin_competency

    info = store.competency_assessment(assessment)
    if builtin_competency(info["instrument_id"], info["instrument_version"]) is None:
        usage(f"competency assessment {assessment} uses {info['instrument_id']} {info['instrument_version']}, "
              "which is not a built-in competency instrument: the rater's page (`pmo-workbench serve`) shows "
              "built-in competency instruments only; collect its ratings with the template or the form")
    return info


@competency_app.command("invite")
def competency_invite_command(
    assessment: CompetencyArgument,
    people: Annotated[Path, typer.Option("--people", help="Cohort file (.csv, .xlsx): name, email, job_level, "
                                                          "manager, peers (separated by ;).", show_default=False)],
    base_url: CompetencyBaseUrlOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="Invitations CSV to write (subject, rater, role, email, "
                                                          "link).")] = Path("competency-invitations.csv"),
    force: CompetencyForceOption = False,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
) -> None:
    """Invite every rater of every person of a cohort file: one personal link per rater and person rated (the
    person themself, their line manager, each peer), written once to the invitations CSV (the store keeps only a
    hash of each). Running it again with the same file invites only the pairs new in it, and names the stored
    pairs and e-mail addresses the file no longer holds (they are not changed)."""
    from ..assessment.competency_intake import read_cohort
    from .invitations import _base_url, _check_new_file
    from .store import shown

    url = _base_url(base_url)
    _check_new_file(out, force, reads=people)
    with _store(db, create=False) as store:
        _check_builtin(store, assessment)
        listed = read_cohort(people, store.competency_instrument(assessment))
        issued = _issue_to(out, url, lambda write: store.invite_competency(assessment, listed, before_commit=write))
        for line in store.competency_differences(assessment, listed):
            typer.echo(f"not changed: {shown(line)}", err=True)
    if not issued:
        typer.echo(f"everyone in {people} was invited already; nothing written", err=True)
        return
    typer.echo(str(out))
    typer.echo(f"{out} holds the only copy of these links (the store keeps their hashes): send each rater their "
               "own, and keep the file private.", err=True)


@competency_app.command("remind")
def competency_remind_command(
    assessment: CompetencyArgument,
    base_url: CompetencyBaseUrlOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="Links CSV to write (subject, rater, role, email, link).",
                                      show_default=False)],
    rater: Annotated[str | None, typer.Option("--rater", help="Only this rater's links.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="Only the links rating this person.")] = None,
    force: CompetencyForceOption = False,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
) -> None:
    """Issue a fresh link for every invitation not yet submitted (only --rater's, only those rating --subject):
    for a lost invitations file or mail. The fresh link replaces the earlier one, which stops working; ratings
    saved but not sent stay."""
    from .invitations import _base_url, _check_new_file

    url = _base_url(base_url)
    _check_new_file(out, force)
    with _store(db, create=False) as store:
        _check_builtin(store, assessment)
        issued = _issue_to(out, url, lambda write: store.reissue_competency(
            assessment, rater=rater, subject=subject, before_commit=write))
    if not issued:
        typer.echo(f"competency assessment {assessment}: every invitation chosen has been submitted; nothing "
                   "written", err=True)
        return
    typer.echo(str(out))
    typer.echo(f"{count(len(issued), 'fresh link')} in {out} (the earlier links of these raters no longer work); "
               "keep the file private.", err=True)


@competency_app.command("status")
def competency_status_command(
    assessment: CompetencyArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for scripts) instead of a table.")] = False,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
) -> None:
    """Each invitation of a competency assessment: subject, rater, role and where it stands (invited, started,
    submitted)."""
    from .app import console
    from .store import shown

    with _store(db, create=False) as store:
        info = store.competency_assessment(assessment)
        frame = store.competency_invitations(assessment)
    records = [{"subject": r.subject, "rater": r.rater, "role": r.role, "status": r.status}
               for r in frame.itertuples(index=False)]
    if as_json:
        typer.echo(json.dumps({"competency_id": assessment, "organisation": info["organisation"],
                               "cohort": info["cohort"], "status": info["status"], "invitations": records},
                              indent=2, ensure_ascii=False))
        return
    name = shown(f"{info['organisation']} / {info['cohort']}")
    if not records:
        typer.echo(f"competency assessment {assessment} ({name}, {info['status']}): nobody invited yet")
        return
    table = Table(title=Text(f"Competency assessment {assessment}: {name} ({info['status']})"))
    for column in ("subject", "rater", "role", "status"):
        table.add_column(column)
    for r in records:
        table.add_row(Text(shown(r["subject"])), Text(shown(r["rater"])), r["role"], r["status"])
    console().print(table)
    done = sum(r["status"] == "submitted" for r in records)
    typer.echo(f"{done} of {count(len(records), 'invitation')} submitted")


def _set_status(assessment: int, status: str, db: str | None) -> None:
    from .store import shown

    with _store(db, create=False) as store:
        store.set_cohort_status(assessment, status)
        info = store.competency_assessment(assessment)
    typer.echo(f"competency assessment {assessment} ({shown(info['organisation'] + ' / ' + info['cohort'])}) is "
               f"{status}")


@competency_app.command("close")
def competency_close_command(
    assessment: CompetencyArgument,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
) -> None:
    """Close a competency assessment: its links, the form and imports take no more ratings."""
    _set_status(assessment, "closed", db)


@competency_app.command("reopen")
def competency_reopen_command(
    assessment: CompetencyArgument,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
) -> None:
    """Reopen a closed competency assessment: links not yet submitted work again."""
    _set_status(assessment, "open", db)


@competency_app.command("forget")
def competency_forget_command(
    assessment: CompetencyArgument,
    person: Annotated[str, typer.Option("--person", help="The person's name (any case and spacing) or e-mail "
                                                         "address.", show_default=False)],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: Annotated[str | None, typer.Option("--db", help="Database URL or SQLite file.")] = None,
) -> None:
    """Delete a person from a competency assessment (a data-protection request): as a person rated, with every
    rating of them, their raters' links and drafts; as a rater, with their ratings of others. Deleted values are
    overwritten in the database file."""
    from .respondents import _confirm
    from .store import shown

    with _store(db, create=False) as store:
        info = store.competency_assessment(assessment)
        name = shown(f"{info['organisation']} / {info['cohort']}")
        if not yes:
            _confirm(f"Delete {shown(person)} from competency assessment {assessment} ({name}): every rating of "
                     "them and by them, their invitations and drafts? This cannot be undone.")
        gone = store.forget_competency_person(assessment, person)
    typer.echo(f"{shown(person)} forgotten in competency assessment {assessment} ({name}): "
               f"{count(gone['people'], 'person', 'people')} rated, {count(gone['raters'], 'rater')} (with their "
               f"invitations and drafts) and {count(gone['ratings'], 'rating')} deleted")
