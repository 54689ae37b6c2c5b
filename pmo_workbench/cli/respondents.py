"""The assessment's life on the consultant's side: ``store new``, ``store close|reopen``, and the data-protection
commands ``store forget`` and ``store anonymise`` (which also delete the report's cached copy of the answers)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import pandas as pd
import typer

from .._values import count
from ..assessment.instrument import load_instrument
from .app import date_option, store_app, usage
from .invitations import AssessmentArgument, Level, YesOption, _name, shown
from .store import DbOption, _open_store


# -- store new | close | reopen | forget | anonymise -------------------------------------------------------------

@store_app.command("new")
def store_new_command(
    organisation: Annotated[str, typer.Option("--organisation", help="The organisation assessed.",
                                              show_default=False)],
    pmo: Annotated[str, typer.Option("--pmo", help="The PMO assessed.", show_default=False)],
    level: Annotated[Level | None, typer.Option("--level", help="The PMO's level.")] = None,
    instrument: Annotated[str, typer.Option("--instrument", "-i", help="Built-in instrument id or path to an "
                                                                        "instrument YAML file.")] = "pmo-core",
    db: DbOption = None,
    wave: Annotated[str | None, typer.Option(
        "--wave", help="The wave's label (e.g. 2026, or 2026 Q3): a new wave of the PMO, or the existing one of "
                       "that label. Default: the PMO's assessment with this instrument version when it has one, "
                       "else a new one labelled with the year.", show_default=False)] = None,
    fieldwork_start: Annotated[dt.datetime | None, typer.Option(
        "--fieldwork-start", parser=date_option, metavar="YYYY-MM-DD", help="First day of the fieldwork (YYYY-MM-DD).",
        show_default=False)] = None,
    fieldwork_end: Annotated[dt.datetime | None, typer.Option(
        "--fieldwork-end", parser=date_option, metavar="YYYY-MM-DD", help="Last day of the fieldwork (YYYY-MM-DD).",
        show_default=False)] = None,
) -> None:
    """Start an assessment (a wave) of a PMO to invite people to; prints its id (an existing assessment of the PMO
    with this wave, or with this instrument version when no wave is given, is kept, and its id printed)."""
    ins = load_instrument(instrument)
    with _open_store(db) as store:
        before = set(store.assessments()["assessment_id"].tolist())
        assessment_id = store.create_assessment(
            organisation, pmo, ins, level=level.value if level else None, wave=wave,
            fieldwork_start=fieldwork_start.date() if fieldwork_start else None,
            fieldwork_end=fieldwork_end.date() if fieldwork_end else None)
        label = store.assessment(assessment_id)["wave"]
    what = f"{organisation} / {pmo}, wave {label}, {ins.id} {ins.version}"
    if assessment_id not in before:
        typer.echo(f"assessment {assessment_id} created ({what})", err=True)
    else:
        typer.echo(f"assessment {assessment_id} exists already ({what}): kept as it is", err=True)
    typer.echo(str(assessment_id))


@store_app.command("close")
def store_close_command(assessment: AssessmentArgument, db: DbOption = None) -> None:
    """Close an assessment: no more answers; its links say that it is closed."""
    with _open_store(db, create=False) as store:
        info = store.assessment(assessment)
        if info["status"] != "closed":
            store.close_assessment(assessment)
    state = "was closed already" if info["status"] == "closed" else "closed: its links take no more answers"
    typer.echo(f"assessment {assessment} ({_name(info)}) {state}")


@store_app.command("reopen")
def store_reopen_command(assessment: AssessmentArgument, db: DbOption = None) -> None:
    """Reopen a closed assessment: its links that were not used to submit work again."""
    with _open_store(db, create=False) as store:
        info = store.assessment(assessment)
        if info["status"] == "closed":
            store.reopen_assessment(assessment)
    state = "reopened: its unused links work again" if info["status"] == "closed" else "is open already"
    typer.echo(f"assessment {assessment} ({_name(info)}) {state}")


@store_app.command("forget")
def store_forget_command(
    respondent: Annotated[str, typer.Argument(help="The respondent's label (as `store export` shows it), or the "
                                                   "e-mail address of their invitation.", show_default=False)],
    assessment: Annotated[int, typer.Option("--assessment", "-a", help="The assessment the respondent answered.",
                                            show_default=False)],
    yes: YesOption = False,
    db: DbOption = None,
) -> None:
    """Delete a respondent and their answers (a data-protection request), and the name, e-mail address, language,
    draft and links of their invitation, which keeps only its role and status so the counts stay right."""
    with _open_store(db, create=False) as store:
        info = store.assessment(assessment)
        invitation = store.invitation_of(assessment, respondent) if "@" in respondent else None
        linked = None if invitation is None else store.invitations(assessment).set_index("id").at[invitation,
                                                                                                  "respondent"]
        if invitation is not None and linked is None:
            if not yes:  # no answers linked to it: not submitted yet, or anonymous (answers cannot be told apart)
                _confirm(f"Remove the name, e-mail address, language, draft and links of the invitation of "
                         f"{respondent} (assessment {assessment}, {_name(info)})? This cannot be undone.")
            store.forget_invitation(invitation)
            typer.echo(f"the invitation of {respondent} in assessment {assessment} forgotten: its name, e-mail "
                       "address, language, draft and links removed, no answers linked to it (it keeps its role and "
                       "status, so the response rate stays right; `invite` leaves this person out from now on)")
            return
        found = _respondent(store, assessment, respondent)
        label, role, answered = shown(found["label"]), shown(found["role"]), int(found["answered"])
        if not yes:
            _confirm(f"Delete respondent {label} ({role}) of assessment {assessment} ({_name(info)}) with "
                     f"{count(answered, 'answer')}, and what their invitation says of them? This cannot be undone.")
        store.forget_respondent(int(found["respondent_id"]))
        cached = _forget_cached(store, assessment)
    typer.echo(f"respondent {label} ({role}) of assessment {assessment} forgotten: {count(answered, 'answer')} and "
               "the respondent deleted; their invitation's name, e-mail address, language, draft and links removed "
               f"(it keeps its role and status, so the response rate stays right){cached}")


@store_app.command("anonymise")
def store_anonymise_command(assessment: AssessmentArgument, yes: YesOption = False, db: DbOption = None) -> None:
    """Make an assessment anonymous for good: every invitation loses its name, e-mail address, respondent link and
    draft, every respondent their name; times are kept to the day; respondent labels are replaced."""
    with _open_store(db, create=False) as store:
        info = store.assessment(assessment)
        invitations = store.invitations(assessment)
        respondents = store.respondents(assessment)
        if not yes:
            _confirm(f"Anonymise assessment {assessment} ({_name(info)}) for good: names, e-mail addresses and the "
                     "link between invitations and answers are deleted? This cannot be undone.")
        store.anonymise(assessment)
        cached = _forget_cached(store, assessment)
    named = int((invitations["name"].notna() | invitations["email"].notna()).sum())
    unnamed = int(respondents["name"].notna().sum())
    linked = int(invitations["respondent"].notna().sum())
    drafts = int((invitations["status"] == "started").sum())
    typer.echo(f"assessment {assessment} ({_name(info)}) is anonymous now: removed the names and e-mail addresses "
               f"of {count(named, 'invitation')}, {count(linked, 'link')} from an invitation to its answers, "
               f"{count(drafts, 'draft')}, and the names of {count(unnamed, 'respondent')}; "
               f"times kept to the day; {count(len(respondents), 'respondent label')} replaced{cached}")


def _forget_cached(store, assessment: int) -> str:
    """Delete the report's cached copy of the assessment's answers; what to add to the command's message."""
    from ..store.files import forget_inputs

    gone = forget_inputs(store.url, assessment)
    return f"; {count(len(gone), 'cached report input')} deleted" if gone else ""


def _confirm(question: str) -> None:
    """Ask ``question``; anything but yes (no answer at all included) stops the command: exit 1, nothing changed."""
    try:
        agreed = typer.confirm(question, default=False)
    except typer.Abort:  # no answer (end of input)
        agreed = False
    if not agreed:
        typer.echo("\nnothing changed (--yes answers the question)", err=True)
        raise typer.Exit(1)


def _respondent(store, assessment: int, given: str) -> dict:
    """The row of :meth:`Store.respondents` named by its label, or by the e-mail address of its invitation."""
    respondents = store.respondents(assessment)
    rows = respondents[respondents["label"] == given]
    if not rows.empty:
        return rows.iloc[0].to_dict()
    if "@" in given:
        invitations = store.invitations(assessment)
        mine = invitations[invitations["email"].fillna("").str.casefold() == given.strip().casefold()]
        if mine.empty:
            usage(f"no invitation of assessment {assessment} has the e-mail address {shown(given)}")
        label = mine["respondent"].iloc[0]
        if label is None or pd.isna(label):
            usage(f"the invitation of {shown(given)} has no answers linked to it (not submitted yet, or the assessment "
                  "is anonymous: its answers cannot be told apart)")
        return respondents[respondents["label"] == label].iloc[0].to_dict()
    labels = respondents["label"].tolist()
    some = shown(", ".join(labels[:12])) + (f" and {len(labels) - 12} more" if len(labels) > 12 else "")
    usage(f"no respondent '{shown(given)}' in assessment {assessment}"
          + (f"; its respondents are {some}" if labels else " (it has no respondents)"))
